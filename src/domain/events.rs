//! Conferences and recurring events (`/events`): a sibling of the directory's entries, shipped in
//! `data/events.toml` and seeded by key.
//!
//! Only dates a source shows are kept. An event without them, or whose dated occurrence has
//! passed, is shown with the month it is usually held in: "dates not announced yet; usually late
//! April". Past dated events drop out by themselves: "past" is decided here against the bot's
//! clock, never stored.

use chrono::NaiveDate;
use serde::Deserialize;

use super::mentions::neutralize;
use super::reply::{Block, Reply};
use super::vocab::{Specialty, State, Vocab};

/// What kind of event it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum EventKind {
    Conference,
    LabWeek,
    StateMeeting,
    Webinar,
    Workshop,
}

impl EventKind {
    /// The stored word, as in the file.
    pub fn code(self) -> &'static str {
        match self {
            EventKind::Conference => "conference",
            EventKind::LabWeek => "lab-week",
            EventKind::StateMeeting => "state-meeting",
            EventKind::Webinar => "webinar",
            EventKind::Workshop => "workshop",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        [
            EventKind::Conference,
            EventKind::LabWeek,
            EventKind::StateMeeting,
            EventKind::Webinar,
            EventKind::Workshop,
        ]
        .into_iter()
        .find(|k| k.code() == code)
    }

    pub fn label(self) -> &'static str {
        match self {
            EventKind::Conference => "conference",
            EventKind::LabWeek => "lab week",
            EventKind::StateMeeting => "state or regional meeting",
            EventKind::Webinar => "webinar",
            EventKind::Workshop => "workshop",
        }
    }
}

/// How sure the facts are: seen on the organiser's own page, or only on a copy or a third party.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Sureness {
    Confirmed,
    Secondary,
}

impl Sureness {
    pub fn code(self) -> &'static str {
        match self {
            Sureness::Confirmed => "confirmed",
            Sureness::Secondary => "secondary",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        match code {
            "confirmed" => Some(Sureness::Confirmed),
            "secondary" => Some(Sureness::Secondary),
            _ => None,
        }
    }
}

/// One event, as the shipped file and the database hold it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Event {
    pub key: String,
    pub name: String,
    pub kind: EventKind,
    pub organiser: String,
    /// Specialty codes (`all` serves every discipline).
    #[serde(default)]
    pub specialties: Vec<String>,
    /// State codes; empty means national.
    #[serde(default)]
    pub states: Vec<String>,
    /// Where, in words (a city, a venue, "online").
    pub place: String,
    /// Whether one can take part online.
    #[serde(default)]
    pub online: bool,
    /// First day, only when a source shows it.
    pub start: Option<NaiveDate>,
    /// Last day (the first day when not given).
    pub end: Option<NaiveDate>,
    /// When it is usually held ("late April"), for when no dates are known.
    pub usual: Option<String>,
    /// Whether it is held every year.
    #[serde(default)]
    pub yearly: bool,
    pub url: String,
    pub source: String,
    pub sure: Sureness,
}

/// A problem in an events file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EventsFileError {
    #[error("the events file is not valid TOML: {0}")]
    Toml(String),
    #[error("event {key}: {problem}")]
    Invalid { key: String, problem: String },
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct EventsFile {
    #[serde(default)]
    event: Vec<Event>,
}

/// Reads an events file (`[[event]]` tables), checking each event's values.
pub fn read_file(text: &str) -> Result<Vec<Event>, EventsFileError> {
    let file: EventsFile =
        toml::from_str(text).map_err(|e| EventsFileError::Toml(e.to_string()))?;
    let mut keys = std::collections::HashSet::new();
    for e in &file.event {
        let problem = |p: String| EventsFileError::Invalid {
            key: e.key.clone(),
            problem: p,
        };
        if !keys.insert(e.key.as_str()) {
            return Err(problem("the key is used twice".into()));
        }
        for s in &e.specialties {
            Specialty::parse(s).map_err(|err| problem(err.to_string()))?;
        }
        for s in &e.states {
            State::parse(s).map_err(|err| problem(err.to_string()))?;
        }
        match (e.start, e.end) {
            (None, Some(_)) => return Err(problem("an end without a start".into())),
            (Some(s), Some(end)) if end < s => {
                return Err(problem("it ends before it starts".into()));
            }
            (None, None) if e.usual.is_none() => {
                return Err(problem("neither dates nor a usual month".into()));
            }
            _ => {}
        }
    }
    Ok(file.event)
}

impl Event {
    /// The last day of its dated occurrence.
    pub fn last_day(&self) -> Option<NaiveDate> {
        self.end.or(self.start)
    }

    /// Whether it has dates still to come (or happening today) on `today`.
    pub fn upcoming(&self, today: NaiveDate) -> bool {
        self.last_day().is_some_and(|d| d >= today)
    }

    /// Whether it is still worth listing on `today`: upcoming, or undated or yearly (with its
    /// usual month). A one-off whose dates passed is gone.
    pub fn listed(&self, today: NaiveDate) -> bool {
        self.upcoming(today) || self.start.is_none() || self.yearly
    }

    /// Whether its dates are ones a calendar file may be made for: confirmed and to come.
    pub fn calendar_dates(&self, today: NaiveDate) -> Option<(NaiveDate, NaiveDate)> {
        let start = self.start?;
        (self.sure == Sureness::Confirmed && self.upcoming(today))
            .then(|| (start, self.end.unwrap_or(start)))
    }

    fn serves(&self, state: Option<State>, specialty: Option<Specialty>) -> bool {
        let state_ok = state
            .is_none_or(|st| self.states.is_empty() || self.states.iter().any(|s| s == st.code()));
        let specialty_ok = specialty.is_none_or(|sp| {
            sp == Specialty::All
                || self
                    .specialties
                    .iter()
                    .any(|s| s == sp.code() || s == Specialty::All.code())
        });
        state_ok && specialty_ok
    }
}

/// The events to list on `today` for a state and specialty: upcoming dated ones, soonest first,
/// then the others (no dates yet, or next dates not announced) by name.
pub fn listing(
    events: &[Event],
    today: NaiveDate,
    state: Option<State>,
    specialty: Option<Specialty>,
) -> (Vec<&Event>, Vec<&Event>) {
    let wanted = events
        .iter()
        .filter(|e| e.listed(today) && e.serves(state, specialty));
    let (mut dated, mut recurring): (Vec<&Event>, Vec<&Event>) =
        wanted.partition(|e| e.upcoming(today));
    dated.sort_by(|a, b| (a.start, &a.name).cmp(&(b.start, &b.name)));
    recurring.sort_by(|a, b| a.name.cmp(&b.name));
    (dated, recurring)
}

/// When an event is, in words, on `today`: its dates, or why there are none.
pub fn when_text(e: &Event, today: NaiveDate) -> String {
    let usual = e
        .usual
        .as_deref()
        .map(|u| format!("; usually {u}"))
        .unwrap_or_default();
    match (e.start, e.upcoming(today)) {
        (Some(start), true) => {
            let dates = dates_text(start, e.end.unwrap_or(start));
            match e.sure {
                Sureness::Confirmed => dates,
                Sureness::Secondary => {
                    format!("{dates} (seen on a copy; check the organiser's site)")
                }
            }
        }
        (Some(_), false) => format!("next dates not announced yet{usual}"),
        (None, _) => format!("dates not announced yet{usual}"),
    }
}

/// "July 26-30, 2026", "July 28 - August 1, 2026", "December 30, 2026 - January 2, 2027".
pub fn dates_text(start: NaiveDate, end: NaiveDate) -> String {
    use chrono::Datelike;
    if start == end {
        start.format("%B %-d, %Y").to_string()
    } else if start.year() != end.year() {
        format!(
            "{} - {}",
            start.format("%B %-d, %Y"),
            end.format("%B %-d, %Y")
        )
    } else if start.month() != end.month() {
        format!("{} - {}", start.format("%B %-d"), end.format("%B %-d, %Y"))
    } else {
        format!("{}-{}", start.format("%B %-d"), end.format("%-d, %Y"))
    }
}

/// One event as a line of the list.
fn line(e: &Event, today: NaiveDate) -> String {
    let mut place = neutralize(&e.place);
    if e.online && !place.contains("online") {
        place.push_str("; online too");
    }
    format!(
        "{} — {} ({}, {}). {place}. {} [{}]",
        neutralize(&e.name),
        when_text(e, today),
        e.kind.label(),
        neutralize(&e.organiser),
        e.url,
        e.key
    )
}

/// The reply to `/events`.
pub fn list_reply(
    events: &[Event],
    today: NaiveDate,
    state: Option<State>,
    specialty: Option<Specialty>,
) -> Reply {
    let (dated, recurring) = listing(events, today, state, specialty);
    let scope = match (state, specialty) {
        (None, None) => String::new(),
        (Some(st), None) => format!(" for {}", st.label()),
        (None, Some(sp)) => format!(" for {}", sp.label()),
        (Some(st), Some(sp)) => format!(" for {} in {}", sp.label(), st.label()),
    };
    let mut reply = Reply::channel(format!("Conferences and events{scope}"));
    if dated.is_empty() && recurring.is_empty() {
        return reply.text(
            "No event is known for that. Try /events without a state or specialty for the \
             national ones.",
        );
    }
    if dated.is_empty() {
        reply = reply.text("No dated event is coming up.");
    } else {
        reply = reply.text("Coming up:").block(Block::Bullets(
            dated.iter().map(|e| line(e, today)).collect(),
        ));
    }
    if !recurring.is_empty() {
        reply = reply.text("Held regularly:").block(Block::Bullets(
            recurring.iter().map(|e| line(e, today)).collect(),
        ));
    }
    reply.footer(
        "Dates are only those shown by a source; check the organiser's site before you book. \
         /events ics KEY gives a calendar file for an event with confirmed dates.",
    )
}

#[cfg(test)]
mod tests;
