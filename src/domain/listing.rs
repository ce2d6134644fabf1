//! How directory entries read: a search result line, an entry in full, a page of results,
//! and the guidance when a search finds nothing. Rendering only: the bot decides what to show.

use super::command::UserError;
use chrono::NaiveDate;

use super::directory::{Entry, Freshness, region_label};
use super::link_status::{DeadLinks, not_working};
use super::reply::{Block, Item, Reply};
use super::search::{Filter, PAGE_SIZE, Region, SearchQuery};
use super::search_index::SearchIndex;
use super::state_coverage;
use super::understand::{Need, Wants};
use super::vocab::Vocab;

/// A page of results: `entries` are the page's, `total` all matches. Asking for a page past
/// the last is the member's mistake. Links in `dead` are not offered.
pub fn results_page(
    query: &SearchQuery,
    page: u32,
    total: usize,
    entries: &[&Entry],
    in_words: bool,
    dead: &DeadLinks,
) -> Result<Reply, UserError> {
    let command_line = query.to_command();
    let offset = (page.saturating_sub(1) * PAGE_SIZE) as usize;
    let pages = total.div_ceil(PAGE_SIZE as usize);
    if entries.is_empty() {
        return Err(UserError::new(format!(
            "There {} only {pages} page{} of results for {command_line}.",
            if pages == 1 { "is" } else { "are" },
            if pages == 1 { "" } else { "s" }
        )));
    }
    let plural = if total == 1 { "" } else { "s" };
    let understood = query.understood().join(" · ");
    let mut reply = if in_words {
        Reply::channel(format!("Here is what I found for: {understood}")).text(format!(
            "{total} group{plural}, best help first (page {page} of {pages})."
        ))
    } else {
        let reply = Reply::channel(format!(
            "{total} group{plural} for {command_line} (page {page} of {pages})"
        ));
        if understood.is_empty() {
            reply
        } else {
            reply.text(format!("Looking for: {understood}"))
        }
    };
    for note in query.notes() {
        reply = reply.text(note);
    }
    if let Some(note) = coverage_note(query) {
        reply = reply.text(note);
    }
    let reply = reply.block(Block::Items {
        first_number: offset + 1,
        items: entries
            .iter()
            .map(|e| summary_item_checked(e, query.today, dead.checked_on(&e.key)))
            .collect(),
    });
    let footer = if (page as usize) < pages {
        format!(
            "Next page: {command_line} page:{}  ·  In crisis? /crisis",
            page + 1
        )
    } else {
        "Details: /group show KEY  ·  In crisis? /crisis".to_owned()
    };
    Ok(reply.footer(footer))
}

/// Says which filter emptied the result and offers the nearest alternatives (links in `dead`
/// not offered).
pub fn no_results(index: &SearchIndex, query: &SearchQuery, dead: &DeadLinks) -> Reply {
    let command_line = query.to_command();
    let mut reply = Reply::channel(format!("No groups match {command_line}."));
    let understood = query.understood();
    if !understood.is_empty() {
        reply = reply.text(format!("Looking for: {}", understood.join(" · ")));
    }
    for note in query.notes() {
        reply = reply.text(note);
    }
    if let Some(note) = coverage_note(query) {
        reply = reply.text(note);
    }
    let filters = query.active_filters();
    let mut culprits = Vec::new();
    if filters.len() > 1 {
        for filter in &filters {
            let n = index.count(&query.without(*filter));
            if n > 0 {
                culprits.push((*filter, n));
            }
        }
    }
    for (filter, n) in &culprits {
        reply = reply.text(format!(
            "{} is what empties it: without it there {} {n} match{}.",
            query.describe(*filter),
            if *n == 1 { "is" } else { "are" },
            if *n == 1 { "" } else { "es" },
        ));
    }
    if culprits.is_empty() && filters.len() > 1 {
        reply = reply.text("No single filter empties it; try fewer filters.");
    } else if filters == [Filter::Text] {
        reply = reply.text(format!(
            "No entry mentions those words. {TOPICS} Filters work too: specialty:, state:, \
             city:, kind:."
        ));
    }
    // The nearest alternatives: national groups when no local one exists, otherwise the
    // query without the filter that emptied it. The first candidate with results is shown.
    let mut candidates = Vec::new();
    if let Some(Region::State(_)) = query.region {
        let mut q = query.without(Filter::State);
        q.region = Some(Region::National);
        candidates.push(("National groups instead", q));
    }
    for (filter, _) in &culprits {
        candidates.push(("Nearest matches", query.without(*filter)));
    }
    // Never empty hands: peer support anyone can reach tonight.
    candidates.push((
        "Peer support open to everyone, wherever you are",
        SearchQuery {
            wants: Wants {
                needs: vec![Need::TalkToSomeone],
                ..Wants::default()
            },
            region: Some(Region::National),
            today: query.today,
            ..SearchQuery::default()
        },
    ));
    for (label, q) in candidates {
        let near = index.search(&q, 0, 3);
        if !near.entries.is_empty() {
            let label = if q.text.is_empty() && !q.wants.is_empty() {
                format!("{label}:")
            } else {
                format!("{label} ({}):", q.to_command())
            };
            reply = reply.text(label).block(Block::Items {
                first_number: 1,
                items: near
                    .entries
                    .iter()
                    .map(|e| summary_item_checked(e, query.today, dead.checked_on(&e.key)))
                    .collect(),
            });
            break;
        }
    }
    reply.footer("In crisis? /crisis lists lines you can call or text now.")
}

/// What members can write, for a search that found nothing or a message with nothing to
/// search for.
const TOPICS: &str = "You can write it your own way: how you feel (stressed, burned out, \
    lonely, short staffed, thinking of quitting), your role (phlebotomist, MLT, histotech, lab \
    manager), where you are (in Ohio, near Chicago), or what you want (online, free, forum, \
    mentor, students).";

/// The answer to a message with nothing to look for ("hi", "?").
pub fn how_to_ask() -> Reply {
    Reply::channel("I can help you find support groups, lab communities and people to talk to.")
        .text(format!(
            "Tell me what you are looking for. {TOPICS} For example: night shift phlebotomist \
             in Texas, burned out."
        ))
        .footer("Every command: /help  ·  Need someone now? /crisis")
}

/// The honest line about a state asked for (`state:CT`, or "in Connecticut") that has no
/// confirmed state-level group.
pub fn coverage_note(query: &SearchQuery) -> Option<&'static str> {
    match (query.region, &query.wants.place) {
        (Some(Region::State(state)), _) => state_coverage::note(state),
        (None, Some(place)) => state_coverage::note(place.state),
        _ => None,
    }
}

/// One result line. `today` (the bot's date) tells recently checked entries from ones that
/// may be out of date.
pub fn summary_item(g: &Entry, today: Option<NaiveDate>) -> Item {
    summary_item_checked(g, today, None)
}

/// One result line; with `dead_on`, the day a link check found its link not working, the
/// link is not offered and the line says so.
pub fn summary_item_checked(
    g: &Entry,
    today: Option<NaiveDate>,
    dead_on: Option<NaiveDate>,
) -> Item {
    let mut title = g.name.clone();
    if g.last_checked.is_none() {
        title.push_str(" [unverified]");
    }
    let mut lines = vec![one_line(&g.description, 140)];
    let link = match (dead_on, &g.url) {
        (Some(day), Some(_)) => {
            lines.push(not_working(day));
            None
        }
        (_, url) => url.clone(),
    };
    lines.push(format!("details: /group show {}", g.key));
    Item {
        title,
        subtitle: format!(
            "{} · {} · {}{}",
            g.kind.label(),
            g.format.label(),
            region_label(&g.states, g.city.as_deref()),
            checked_label(g, today)
                .map(|c| format!(" · {c}"))
                .unwrap_or_default()
        ),
        lines,
        link,
    }
}

/// "checked Nov 2026" or "checked Mar 2019, may be out of date"; nothing for an entry never
/// checked (its title says "[unverified]").
pub fn checked_label(g: &Entry, today: Option<NaiveDate>) -> Option<String> {
    let d = g.last_checked?;
    Some(match g.freshness(today) {
        Freshness::Stale => format!("checked {}, may be out of date", d.format("%b %Y")),
        _ => format!("checked {}", d.format("%b %Y")),
    })
}

/// An entry in full.
pub fn entry_reply(e: &Entry, today: Option<NaiveDate>) -> Reply {
    entry_reply_checked(e, today, None)
}

/// An entry in full; with `dead_on`, the day a link check found its link not working, the
/// link is replaced by saying so.
pub fn entry_reply_checked(
    e: &Entry,
    today: Option<NaiveDate>,
    dead_on: Option<NaiveDate>,
) -> Reply {
    let join = |v: Vec<&str>| v.join(", ");
    let mut fields = vec![
        ("Kind".to_owned(), e.kind.label().to_owned()),
        (
            "Specialties".to_owned(),
            join(e.specialties.iter().map(|s| s.label()).collect()),
        ),
    ];
    if !e.credentials.is_empty() {
        fields.push(("Credentials".into(), e.credentials.join(", ")));
    }
    fields.extend([
        ("Region".to_owned(), e.region_label()),
        ("Format".to_owned(), e.format.label().to_owned()),
        ("Cost".to_owned(), e.cost.label().to_owned()),
        ("Facilitation".to_owned(), e.facilitation.label().to_owned()),
    ]);
    let optional = [
        ("Schedule", &e.schedule),
        ("Link", &e.url),
        ("Contact", &e.contact),
        ("Source", &e.source),
    ];
    for (label, value) in optional {
        if let Some(v) = value {
            let v = match dead_on {
                Some(day) if label == "Link" => not_working(day),
                _ => v.clone(),
            };
            fields.push((label.to_owned(), v));
        }
    }
    if !e.tags.is_empty() {
        fields.push(("Tags".into(), e.tags.join(", ")));
    }
    let checked = match (e.last_checked, e.checked_how, e.freshness(today)) {
        (Some(d), how, fresh) => format!(
            "{}{}{}",
            d.format("%b %-d, %Y"),
            how.map(|h| format!(", {}", h.label())).unwrap_or_default(),
            if fresh == Freshness::Stale {
                "; may be out of date: check the details with the group"
            } else {
                ""
            }
        ),
        (None, ..) => {
            "not checked: confirm the details with the group before relying on them".to_owned()
        }
    };
    fields.push(("Last checked".into(), checked));
    Reply::channel(format!("{} ({})", e.name, e.key))
        .text(e.description.clone())
        .block(Block::Fields(fields))
}

/// Shortens text to `max` characters on a word boundary, with an ellipsis.
pub fn one_line(text: &str, max: usize) -> String {
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if text.chars().count() <= max {
        return text;
    }
    let cut: String = text.chars().take(max).collect();
    let cut = cut.rsplit_once(' ').map_or(cut.as_str(), |(head, _)| head);
    format!("{}…", cut.trim_end_matches([',', ';', '.', ':']))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_descriptions_are_cut_on_a_word() {
        assert_eq!(one_line("one two three", 9), "one two…");
        assert_eq!(one_line("short", 9), "short");
    }
}
