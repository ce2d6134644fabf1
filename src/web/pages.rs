//! The web page's HTML, written with maud: every value from the directory, the events file or
//! the visitor is escaped by the macro, and links are offered only for `http(s)` addresses.
//!
//! Accessibility: one `h1` per page and headings in order, a skip link, a label for every
//! field, `lang="en"`, and colours of at least 4.5:1 contrast (style.css). No script anywhere.

use chrono::NaiveDate;
use maud::{DOCTYPE, Markup, html};

use crate::bot::WebResults;
use crate::domain::directory::{Entry, Freshness};
use crate::domain::events::{self, Event};
use crate::domain::help::{CRISIS_LINES, NOT_AN_EMERGENCY_SERVICE};
use crate::domain::link_status::not_working;
use crate::domain::listing::{checked_label, one_line};
use crate::domain::reports::{MAX_DETAILS_CHARS, ReportReason};
use crate::domain::search::SearchQuery;
use crate::domain::vocab::{Format, Kind, Specialty, State, Vocab};

/// What the search form holds, as the visitor sent it (codes for the filters).
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct SearchForm {
    #[serde(default)]
    pub q: String,
    #[serde(default)]
    pub specialty: String,
    #[serde(default)]
    pub state: String,
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub format: String,
    #[serde(default)]
    pub page: String,
}

impl SearchForm {
    /// Whether anything was asked.
    pub fn is_empty(&self) -> bool {
        [
            &self.q,
            &self.specialty,
            &self.state,
            &self.kind,
            &self.format,
        ]
        .iter()
        .all(|v| v.trim().is_empty())
    }

    /// The search exactly as asked (the page shows it back), for keeping its page: each field
    /// with its length, so no two searches share a key.
    pub fn cache_key(&self) -> String {
        let fields = [
            &self.q,
            &self.specialty,
            &self.state,
            &self.kind,
            &self.format,
            &self.page,
        ];
        use std::fmt::Write as _;
        let mut key = String::with_capacity(fields.iter().map(|f| f.len() + 6).sum());
        for field in fields {
            let _ = write!(key, "{}:", field.len());
            key.push_str(field);
        }
        key
    }

    /// The query string for `page` of the same search.
    pub fn href(&self, page: usize) -> String {
        let mut out = url::form_urlencoded::Serializer::new(String::new());
        for (name, value) in [
            ("q", &self.q),
            ("specialty", &self.specialty),
            ("state", &self.state),
            ("kind", &self.kind),
            ("format", &self.format),
        ] {
            if !value.trim().is_empty() {
                out.append_pair(name, value.trim());
            }
        }
        out.append_pair("page", &page.to_string());
        format!("/?{}", out.finish())
    }
}

/// Every page: the skip link, the crisis lines at the top, then `body` as the main content
/// (which starts with the page's one `h1`).
pub fn layout(title: &str, body: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " · labcircle" }
                link rel="stylesheet" href="/style.css";
            }
            body {
                a.skip href="#main" { "Skip to main content" }
                header {
                    nav aria-label="Site" {
                        a href="/" { "labcircle directory" }
                        " · "
                        a href="/events" { "Events" }
                    }
                }
                aside.crisis aria-label="Crisis lines" {
                    p { strong { "Need someone now? Free, confidential, 24/7:" } }
                    ul {
                        @for line in CRISIS_LINES {
                            li { strong { (line.name) } ": " (line.how) }
                        }
                    }
                    p { "If you or someone else is in immediate danger, call 911." }
                }
                main #main tabindex="-1" { (body) }
                footer {
                    p {
                        "A directory of support for US clinical-lab professionals. Listings are \
                         checked by volunteers: confirm details with each group."
                    }
                }
            }
        }
    }
}

/// A `<select>` of one vocabulary, with "any" first and `current` chosen.
fn select<V: Vocab>(name: &str, label: &str, current: &str, extra: &[(&str, &str)]) -> Markup {
    html! {
        div.field {
            label for=(name) { (label) }
            select id=(name) name=(name) {
                option value="" selected[current.is_empty()] { "Any" }
                @for (code, text) in extra {
                    option value=(code) selected[current == *code] { (text) }
                }
                @for v in V::ALL {
                    option value=(v.code()) selected[current == v.code()] { (v.label()) }
                }
            }
        }
    }
}

fn search_form(form: &SearchForm) -> Markup {
    html! {
        form.search method="get" action="/" role="search" {
            div.field {
                label for="q" { "What are you looking for?" }
                input #q type="search" name="q" value=(form.q) maxlength="200"
                    placeholder="night shift phlebotomist in Texas";
            }
            (select::<Specialty>("specialty", "Specialty", &form.specialty, &[]))
            (select::<State>("state", "State", &form.state, &[("national", "National only")]))
            (select::<Kind>("kind", "Kind", &form.kind, &[]))
            (select::<Format>("format", "Format", &form.format, &[]))
            button type="submit" { "Search" }
        }
    }
}

/// A link only for an `http(s)` address; other text is shown as text.
fn outside_link(url: &str, text: &str) -> Markup {
    let safe = url.starts_with("https://") || url.starts_with("http://");
    html! {
        @if safe { a href=(url) rel="noopener noreferrer nofollow" { (text) } } @else { (text) }
    }
}

/// The directory: the form, and the results when something was asked.
pub fn directory(
    form: &SearchForm,
    query: Option<&SearchQuery>,
    results: Option<(&WebResults, usize, usize)>,
    problem: Option<&str>,
) -> Markup {
    let body = html! {
        h1 { "Find support for lab professionals" }
        p {
            "Support groups, professional associations, online communities and crisis lines for \
             medical laboratory scientists, technicians, phlebotomists, histotechs and everyone in \
             the lab. Write it your own way: how you feel, your role, where you are."
        }
        (search_form(form))
        @if let Some(problem) = problem {
            section aria-labelledby="results" {
                h2 #results { "Nothing was searched" }
                p.problem role="alert" { (problem) }
            }
        }
        @if let (Some(q), Some((found, page, per_page))) = (query, results) {
            (results_section(form, q, found, page, per_page))
        }
    };
    layout("Directory", body)
}

fn results_section(
    form: &SearchForm,
    q: &SearchQuery,
    found: &WebResults,
    page: usize,
    per_page: usize,
) -> Markup {
    let pages = found.total.div_ceil(per_page).max(1);
    let understood = q.understood().join(" · ");
    let first = (page - 1) * per_page + 1;
    html! {
        section aria-labelledby="results" {
            h2 #results {
                @if found.total == 0 { "No matches" }
                @else { (found.total) " match" @if found.total != 1 { "es" } }
            }
            @if !understood.is_empty() { p { "Looking for: " (understood) } }
            @for note in q.notes() { p { (note) } }
            @if let Some(note) = crate::domain::listing::coverage_note(q) { p { (note) } }
            @if found.total == 0 {
                @if found.without.is_empty() {
                    p {
                        "No entry matches all of that. Try other words or fewer filters; you \
                         can write how you feel (stressed, burned out), your role (phlebotomist, \
                         MLT) or where you are (in Ohio)."
                    }
                } @else {
                    p { "One filter empties it:" }
                    ul {
                        @for (filter, n) in &found.without {
                            li {
                                "without " (q.describe(*filter)) ": " (n) " match"
                                @if *n != 1 { "es" }
                            }
                        }
                    }
                }
            } @else {
                p { "Page " (page) " of " (pages) ", best help first." }
                ol.results start=(first) {
                    @for e in &found.entries {
                        li { (summary(e, found)) }
                    }
                }
                @if pages > 1 {
                    nav aria-label="Result pages" {
                        @if page > 1 { a href=(form.href(page - 1)) { "Previous page" } " " }
                        @if page < pages { a href=(form.href(page + 1)) { "Next page" } }
                    }
                }
            }
        }
    }
}

/// One result.
fn summary(e: &Entry, found: &WebResults) -> Markup {
    let dead_on = found.dead.checked_on(&e.key);
    let checked = checked_label(e, Some(found.today));
    html! {
        article.entry {
            h3 {
                a href={ "/groups/" (e.key) } { (e.name) }
                @if e.last_checked.is_none() { " " span.unverified { "(unverified)" } }
            }
            p.meta {
                (e.kind.label()) " · " (e.format.label()) " · " (e.region_label())
                @if let Some(c) = &checked {
                    " · "
                    @if e.freshness(Some(found.today)) == Freshness::Stale { span.stale { (c) } }
                    @else { (c) }
                }
            }
            p { (one_line(&e.description, 200)) }
            @match (dead_on, &e.url) {
                (Some(day), Some(_)) => p.stale { (not_working(day)) },
                (None, Some(url)) => p { (outside_link(url, "Website")) },
                _ => {},
            }
        }
    }
}

/// A visitor's words that speak of suicide or self-harm: the lines first, as in a chat.
pub fn crisis_first(form: &SearchForm) -> Markup {
    let body = html! {
        h1 { "You are not alone" }
        (search_form(form))
        section aria-labelledby="now" {
            h2 #now { "Talk to someone now" }
            p {
                "Thank you for saying it. Whatever you are carrying right now, you do not have \
                 to carry it by yourself. You can talk to someone now, free and confidential, \
                 any time of day or night:"
            }
            ul {
                @for line in CRISIS_LINES.iter().take(2) {
                    li { strong { (line.name) } ": " (line.how) }
                }
            }
            p { "They are there for you if you are worried about someone else, too." }
            p { (NOT_AN_EMERGENCY_SERVICE) }
        }
    };
    layout("Talk to someone now", body)
}

/// What the report form shows after a post: thanks, or what was wrong.
pub enum FormNote<'a> {
    Thanks { already: bool },
    Problem(&'a str),
}

/// One entry in full, with the report form (`token`).
pub fn entry_page(
    e: &Entry,
    dead_on: Option<NaiveDate>,
    today: NaiveDate,
    token: &str,
    note: Option<FormNote<'_>>,
    typed: (&str, &str),
) -> Markup {
    let specialties: Vec<&str> = e.specialties.iter().map(|s| s.label()).collect();
    let checked = match (e.last_checked, e.checked_how) {
        (Some(d), how) => format!(
            "{}{}{}",
            d.format("%b %-d, %Y"),
            how.map(|h| format!(", {}", h.label())).unwrap_or_default(),
            if e.freshness(Some(today)) == Freshness::Stale {
                "; may be out of date: check the details with the group"
            } else {
                ""
            }
        ),
        (None, _) => {
            "not checked: confirm the details with the group before relying on them".to_owned()
        }
    };
    let body = html! {
        h1 { (e.name) }
        p { (e.description) }
        dl.fields {
            dt { "Kind" } dd { (e.kind.label()) }
            dt { "Specialties" } dd { (specialties.join(", ")) }
            @if !e.credentials.is_empty() { dt { "Credentials" } dd { (e.credentials.join(", ")) } }
            dt { "Region" } dd { (e.region_label()) }
            dt { "Format" } dd { (e.format.label()) }
            dt { "Cost" } dd { (e.cost.label()) }
            dt { "Facilitation" } dd { (e.facilitation.label()) }
            @if let Some(s) = &e.schedule { dt { "Schedule" } dd { (s) } }
            @if let Some(url) = &e.url {
                dt { "Link" }
                dd {
                    @if let Some(day) = dead_on { span.stale { (not_working(day)) } }
                    @else { (outside_link(url, url)) }
                }
            }
            @if let Some(c) = &e.contact { dt { "Contact" } dd { (c) } }
            @if let Some(s) = &e.source { dt { "Source" } dd { (outside_link(s, s)) } }
            @if !e.tags.is_empty() { dt { "Tags" } dd { (e.tags.join(", ")) } }
            dt { "Last checked" } dd { (checked) }
        }
        section aria-labelledby="report" {
            h2 #report { "Report a problem with this entry" }
            @match note {
                Some(FormNote::Thanks { already: false }) => p.done role="status" {
                    "Thank you: the directory's moderators will look at it."
                },
                Some(FormNote::Thanks { already: true }) => p.done role="status" {
                    "Thank you: a report on this entry from the web is already waiting for the \
                     moderators, so nothing new was added."
                },
                Some(FormNote::Problem(text)) => p.problem role="alert" { (text) },
                None => {},
            }
            p {
                "Tell the moderators if something is out of date or wrong. Do not write \
                 anything about patients. No account is needed and nothing about you is kept."
            }
            form method="post" action={ "/groups/" (e.key) "/report" } {
                input type="hidden" name="token" value=(token);
                div.field {
                    label for="reason" { "What is wrong?" }
                    select #reason name="reason" required {
                        @for r in ReportReason::ALL {
                            option value=(r.code()) selected[typed.0 == r.code()] { (capital(r.label())) }
                        }
                    }
                }
                div.field {
                    label for="details" { "Details (optional, at most " (MAX_DETAILS_CHARS) " characters)" }
                    textarea #details name="details" rows="4" maxlength=(MAX_DETAILS_CHARS) { (typed.1) }
                }
                button type="submit" { "Send report" }
            }
        }
        p { a href="/" { "Back to the directory" } }
    };
    layout(&e.name, body)
}

fn capital(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// The upcoming events.
pub fn events_page(today: NaiveDate, dated: &[Event], recurring: &[Event]) -> Markup {
    let body = html! {
        h1 { "Conferences and events" }
        p {
            "Dates are only those shown by a source; check the organiser's site before you book."
        }
        section aria-labelledby="coming" {
            h2 #coming { "Coming up" }
            @if dated.is_empty() { p { "No dated event is coming up." } }
            @else { ul.events { @for e in dated { li { (event(e, today)) } } } }
        }
        @if !recurring.is_empty() {
            section aria-labelledby="regular" {
                h2 #regular { "Held regularly" }
                ul.events { @for e in recurring { li { (event(e, today)) } } }
            }
        }
    };
    layout("Events", body)
}

fn event(e: &Event, today: NaiveDate) -> Markup {
    html! {
        strong { (outside_link(&e.url, &e.name)) }
        br;
        (events::when_text(e, today)) " · " (e.kind.label()) " · " (e.organiser)
        br;
        (e.place) @if e.online && !e.place.contains("online") { "; online too" }
    }
}

/// A page that only says something (not found, refused, an error).
pub fn message(title: &str, text: &str) -> Markup {
    let body = html! {
        h1 { (title) }
        p { (text) }
        p { a href="/" { "Back to the directory" } }
    };
    layout(title, body)
}
