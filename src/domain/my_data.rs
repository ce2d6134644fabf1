//! `/mydata`: what labcircle stores about a member, told the way a person reads it (dates in
//! their own time zone, names instead of row numbers), with the full export attached as a file.
//!
//! The store hands over every row about the member as it is kept; this module turns it into a
//! short summary and a readable export. Nothing here reads the database, so both are tested on
//! plain values.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use serde_json::{Map, Value};

use super::reply::{Block, Reply};
use super::schedule::zone_label;
use super::vocab::{self, Specialty, State, Vocab};
use super::wellbeing;

/// The name of the attached export.
pub const EXPORT_FILE: &str = "labcircle-my-data.json";

/// How many of the latest check-in answers the summary lists (the file has them all).
const LATEST_ANSWERS: usize = 5;

/// Columns that only link rows to each other or to a platform's internals (row numbers,
/// message and room ids, a server's numeric id): they mean nothing to a person, so the export
/// leaves them out.
const INTERNAL_COLUMNS: &[&str] = &[
    "id",
    "community",
    "platform",
    "user_id",
    "prompt_id",
    "idempotency_key",
    "platform_message_id",
    "edit_of",
    "room_id",
    "via",
    "position",
    "attempts",
    "next_attempt_at",
    "last_error",
    // A delivery's text: the member got it already; the export says what was sent and when.
    "body",
];

/// A meetup the member organised or answered, as the summary names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MeetupBrief {
    /// The number members use in commands (`/meetup show 12`).
    pub id: i64,
    pub title: String,
    /// UTC seconds.
    pub starts_at: i64,
    /// scheduled | cancelled
    pub status: String,
    /// The member's answer (going, maybe, cant, waitlist), for RSVPs.
    pub rsvp: Option<String>,
}

/// Everything about one member, as stored (notes already opened for their owner).
#[derive(Debug, Clone, Default)]
pub struct MemberData {
    /// Table name → the member's rows in it, column → value.
    pub tables: Vec<(String, Vec<Map<String, Value>>)>,
    /// Meetups they organised.
    pub organised: Vec<MeetupBrief>,
    /// Meetups they answered.
    pub rsvps: Vec<MeetupBrief>,
}

impl MemberData {
    fn rows(&self, table: &str) -> &[Map<String, Value>] {
        self.tables
            .iter()
            .find(|(name, _)| name == table)
            .map_or(&[], |(_, rows)| rows.as_slice())
    }

    /// The zone of the member's check-in schedule, when they have one.
    pub fn zone(&self) -> Option<Tz> {
        self.rows("checkin_schedules")
            .first()
            .and_then(|row| text(row, "timezone"))
            .and_then(|name| name.parse().ok())
    }
}

/// An instant as the member reads it, with the year (the export spans years):
/// "Mon Dec 7, 2026, 09:00 ET".
pub fn when(secs: i64, zone: Tz) -> String {
    let at = DateTime::<Utc>::from_timestamp(secs, 0).unwrap_or_default();
    format!(
        "{} {}",
        at.with_timezone(&zone).format("%a %b %-d, %Y, %H:%M"),
        zone_label(zone, at)
    )
}

fn text<'a>(row: &'a Map<String, Value>, column: &str) -> Option<&'a str> {
    row.get(column).and_then(Value::as_str)
}

fn number(row: &Map<String, Value>, column: &str) -> Option<i64> {
    row.get(column).and_then(Value::as_i64)
}

/// A stored vocabulary code as its label ("mls" → "Medical Laboratory Scientist").
fn label<V: Vocab>(code: &str) -> String {
    vocab::from_code::<V>(code).map_or_else(|| code.to_owned(), |v| v.label().to_owned())
}

/// The `/mydata` reply: the summary, then the export as a file.
pub fn reply(data: &MemberData, zone: Tz) -> Reply {
    let mut reply = Reply::private("What labcircle keeps about you")
        .text(format!(
            "Times are shown in your time zone ({}).",
            zone.name()
        ))
        .block(Block::Fields(summary(data, zone)));
    let latest = latest_answers(data, zone);
    if !latest.is_empty() {
        reply = reply
            .text("Your latest check-in answers:")
            .block(Block::Bullets(latest));
    }
    let meetups = meetup_lines(data, zone);
    if !meetups.is_empty() {
        reply = reply.text("Your meetups:").block(Block::Bullets(meetups));
    }
    reply
        .block(Block::File {
            name: EXPORT_FILE.to_owned(),
            content: export(data, zone),
        })
        .footer(format!(
            "Everything, in full, is in {EXPORT_FILE}. /forgetme deletes all of it."
        ))
}

/// One line per kind of thing kept: profile, check-ins, subscriptions, suggestions.
fn summary(data: &MemberData, zone: Tz) -> Vec<(String, String)> {
    let mut fields = vec![
        ("Profile".to_owned(), profile(data)),
        ("Check-ins".to_owned(), checkins(data, zone)),
    ];
    let states: Vec<String> = data
        .rows("meetup_subscriptions")
        .iter()
        .filter_map(|r| text(r, "state"))
        .map(label::<State>)
        .collect();
    fields.push((
        "New-meetup notices".to_owned(),
        if states.is_empty() {
            "none".to_owned()
        } else {
            states.join(", ")
        },
    ));
    let events = data.rows("event_subscriptions");
    fields.push((
        "New-event notices".to_owned(),
        match events.first().and_then(|r| text(r, "state")) {
            None => "none".to_owned(),
            Some("") => "all events".to_owned(),
            Some(state) => format!("national events and {}'s", label::<State>(state)),
        },
    ));
    let pairing = data.rows("pairing_members");
    fields.push((
        "Pairing".to_owned(),
        match pairing.first().and_then(|r| text(r, "role")) {
            None => "not opted in".to_owned(),
            Some(role) => format!(
                "opted in as {role}; {} introduction(s) kept",
                data.rows("pairing_seats").len()
            ),
        },
    ));
    let reminders = if data.rows("meetup_reminder_optouts").is_empty() {
        "on"
    } else {
        "off"
    };
    fields.push(("Meetup reminders".to_owned(), reminders.to_owned()));
    let suggestions = data.rows("suggestions");
    if !suggestions.is_empty() {
        let pending = suggestions
            .iter()
            .filter(|r| text(r, "status") == Some("pending"))
            .count();
        fields.push((
            "Directory suggestions".to_owned(),
            format!("{} ({pending} waiting for review)", suggestions.len()),
        ));
    }
    let reports = data.rows("group_reports");
    if !reports.is_empty() {
        let open = reports
            .iter()
            .filter(|r| text(r, "status") == Some("open"))
            .count();
        fields.push((
            "Reports on directory entries".to_owned(),
            format!("{} ({open} with the moderators)", reports.len()),
        ));
    }
    fields.extend(super::tips::my_data_fields(
        data.rows("tips_you_wrote").len(),
        data.rows("tip_votes").len(),
        data.rows("tip_saves").len(),
    ));
    let waiting = data
        .rows("outbox")
        .iter()
        .filter(|r| text(r, "status") == Some("pending"))
        .count();
    if waiting > 0 {
        fields.push((
            "Messages waiting to reach you".to_owned(),
            waiting.to_string(),
        ));
    }
    fields
}

fn profile(data: &MemberData) -> String {
    let Some(row) = data.rows("member_profiles").first() else {
        return "none (/profile sets one)".to_owned();
    };
    let specialty = text(row, "specialty").map(label::<Specialty>);
    let state = text(row, "state").map(label::<State>);
    match (specialty, state) {
        (None, None) => "none (/profile sets one)".to_owned(),
        (specialty, state) => [specialty, state]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(", "),
    }
}

fn checkins(data: &MemberData, zone: Tz) -> String {
    let Some(row) = data.rows("checkin_schedules").first() else {
        return "not signed up (/checkin start)".to_owned();
    };
    let day = number(row, "weekday")
        .and_then(|d| u8::try_from(d).ok())
        .map_or("?", weekday);
    let mut line = format!("every {day} at {}", text(row, "local_time").unwrap_or("?"));
    if let (Some(start), Some(end)) = (text(row, "quiet_start"), text(row, "quiet_end")) {
        line.push_str(&format!("; quiet hours {start}-{end}"));
    }
    if let Some(shift) = text(row, "shift_end") {
        line.push_str(&format!("; shift ends {shift}"));
    }
    let skipped = data.rows("checkin_skips").len();
    if skipped > 0 {
        line.push_str(&format!(
            "; {skipped} week{} skipped",
            if skipped == 1 { "" } else { "s" }
        ));
    }
    if let Some(until) = number(row, "paused_until") {
        line.push_str(&format!("; paused until {}", when(until, zone)));
    }
    if let Some(next) = number(row, "next_due_at") {
        line.push_str(&format!("; next {}", when(next, zone)));
    }
    line
}

fn weekday(day: u8) -> &'static str {
    const DAYS: [&str; 7] = [
        "Monday",
        "Tuesday",
        "Wednesday",
        "Thursday",
        "Friday",
        "Saturday",
        "Sunday",
    ];
    DAYS.get(usize::from(day)).copied().unwrap_or("?")
}

/// The latest answers, newest first: "Mon Dec 7, 2026, 09:12 ET: Good (4), stress 2 of 5, note".
fn latest_answers(data: &MemberData, zone: Tz) -> Vec<String> {
    let mut answers: Vec<&Map<String, Value>> = data.rows("checkin_answers").iter().collect();
    answers.sort_by_key(|r| std::cmp::Reverse(number(r, "answered_at")));
    answers
        .into_iter()
        .take(LATEST_ANSWERS)
        .map(|row| {
            let mood = number(row, "mood")
                .and_then(|m| u8::try_from(m).ok())
                .unwrap_or(0);
            let mut line = format!(
                "{}: {} ({mood})",
                number(row, "answered_at").map_or_else(|| "?".to_owned(), |at| when(at, zone)),
                wellbeing::mood_label(mood).unwrap_or("?")
            );
            if let Some(stress) = number(row, "stress") {
                line.push_str(&format!(", stress {stress} of 5"));
            }
            if let Some(note) = text(row, "note") {
                line.push_str(&format!(", note: {note}"));
            }
            line
        })
        .collect()
}

/// Meetups organised, then RSVPs, each with its number, title and time.
fn meetup_lines(data: &MemberData, zone: Tz) -> Vec<String> {
    let organised = data.organised.iter().map(|m| {
        let cancelled = if m.status == "cancelled" {
            ", cancelled"
        } else {
            ""
        };
        format!("You organise {}{cancelled}", meetup_name(m, zone))
    });
    let answered = data
        .rsvps
        .iter()
        .map(|m| format!("{}: {}", rsvp_word(m.rsvp.as_deref()), meetup_name(m, zone)));
    organised.chain(answered).collect()
}

fn meetup_name(m: &MeetupBrief, zone: Tz) -> String {
    format!("#{} {} ({})", m.id, m.title, when(m.starts_at, zone))
}

fn rsvp_word(status: Option<&str>) -> &'static str {
    match status {
        Some("going") => "Going",
        Some("maybe") => "Maybe",
        Some("cant") => "Can't go",
        Some("waitlist") => "On the waitlist",
        _ => "Answered",
    }
}

/// What each table is called in the export.
fn section(table: &str) -> &str {
    match table {
        "member_profiles" => "profile",
        "checkin_schedules" => "checkin_schedule",
        "checkin_answers" => "checkin_answers",
        "checkin_optins" => "checkin_signups",
        "checkin_prompts" => "checkin_prompts",
        "checkin_skips" => "checkin_weeks_skipped",
        "outbox" => "messages_to_you",
        "suggestions" => "directory_suggestions",
        "group_reports" => "directory_reports",
        "rsvps" => "meetup_rsvps",
        "meetup_reminder_optouts" => "meetup_reminders_off",
        "meetup_subscriptions" => "new_meetup_notices",
        "event_subscriptions" => "new_event_notices",
        "matrix_direct_chats" => "private_chats",
        "pairing_members" => "pairing",
        "pairing_seats" => "pairing_introductions",
        "tip_votes" => "tips_you_found_helpful",
        "tip_saves" => "tips_you_saved",
        "tip_reports" => "tips_you_reported",
        "tip_shown" => "tips_shown_after_checkins",
        "tip_checkin_optouts" => "checkin_tips_off",
        other => other,
    }
}

/// The full export: every row (meetups the member organised included, as the store's
/// `meetups_you_organised` section), with times in the member's zone, meetups by name and no
/// internal keys. Pretty JSON, so it can be read as it is.
pub fn export(data: &MemberData, zone: Tz) -> String {
    let mut out = Map::new();
    out.insert("time_zone".into(), Value::from(zone.name()));
    for (table, rows) in &data.tables {
        let rows: Vec<Value> = rows
            .iter()
            .map(|row| Value::Object(readable_row(row, data, zone)))
            .collect();
        out.insert(section(table).to_owned(), Value::from(rows));
    }
    // A JSON value always serialises; were it not to, the member still gets the summary.
    serde_json::to_string_pretty(&Value::Object(out)).unwrap_or_else(|_| "{}".to_owned())
}

/// One row, readable: internal columns dropped, times as dates, meetups and suggestions by
/// the number members see, a suggestion's draft as fields.
fn readable_row(row: &Map<String, Value>, data: &MemberData, zone: Tz) -> Map<String, Value> {
    let mut out = Map::new();
    for (column, value) in row {
        if INTERNAL_COLUMNS.contains(&column.as_str()) {
            continue;
        }
        let (name, value) = match (column.as_str(), value) {
            ("meetup_id", _) => ("meetup".to_owned(), meetup_by_id(value.as_i64(), data)),
            ("suggestion_id", Value::Number(n)) => {
                ("suggestion".to_owned(), Value::from(format!("#{n}")))
            }
            ("weekday", Value::Number(n)) => (
                column.clone(),
                Value::from(
                    n.as_u64()
                        .and_then(|d| u8::try_from(d).ok())
                        .map_or("?", weekday),
                ),
            ),
            ("draft", Value::String(s)) => (
                column.clone(),
                serde_json::from_str(s).unwrap_or_else(|_| value.clone()),
            ),
            (c, Value::Number(n)) if is_instant(c) => (
                column.clone(),
                n.as_i64()
                    .map_or(Value::Null, |s| Value::from(when(s, zone))),
            ),
            _ => (column.clone(), value.clone()),
        };
        out.insert(name, value);
    }
    out
}

/// Columns that hold UTC seconds.
fn is_instant(column: &str) -> bool {
    column.ends_with("_at") || column == "paused_until"
}

fn meetup_by_id(id: Option<i64>, data: &MemberData) -> Value {
    let found = data
        .organised
        .iter()
        .chain(&data.rsvps)
        .find(|m| Some(m.id) == id);
    match (found, id) {
        (Some(m), _) => Value::from(format!("#{} {}", m.id, m.title)),
        (None, Some(id)) => Value::from(format!("#{id}")),
        (None, None) => Value::Null,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(pairs: &[(&str, Value)]) -> Map<String, Value> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), v.clone()))
            .collect()
    }

    /// 2026-12-07 14:12 UTC: 09:12 in New York.
    const MONDAY: i64 = 1_796_652_720;

    fn sample() -> MemberData {
        MemberData {
            tables: vec![
                (
                    "member_profiles".into(),
                    vec![row(&[
                        ("platform", Value::from("console")),
                        ("user_id", Value::from("alice")),
                        ("specialty", Value::Null),
                        ("state", Value::from("TX")),
                        ("updated_at", Value::from(MONDAY)),
                    ])],
                ),
                (
                    "checkin_answers".into(),
                    vec![row(&[
                        ("id", Value::from(7)),
                        ("prompt_id", Value::from(3)),
                        ("mood", Value::from(2)),
                        ("note", Value::from("long week")),
                        ("answered_at", Value::from(MONDAY)),
                    ])],
                ),
                (
                    "rsvps".into(),
                    vec![row(&[
                        ("meetup_id", Value::from(4)),
                        ("status", Value::from("going")),
                    ])],
                ),
            ],
            organised: vec![],
            rsvps: vec![MeetupBrief {
                id: 4,
                title: "Night shift coffee".into(),
                starts_at: MONDAY,
                status: "scheduled".into(),
                rsvp: Some("going".into()),
            }],
        }
    }

    #[test]
    fn the_summary_reads_as_dates_in_the_members_zone_without_internal_keys() {
        let zone: Tz = "America/New_York".parse().unwrap();
        let text = reply(&sample(), zone).to_plain_text();
        assert!(
            text.contains("Mon Dec 7, 2026, 09:12 ET: Low (2), note: long week"),
            "{text}"
        );
        assert!(
            text.contains("Going: #4 Night shift coffee (Mon Dec 7, 2026, 09:12 ET)"),
            "{text}"
        );
        assert!(text.contains("Profile: Texas"), "{text}");
        assert!(text.contains("Check-ins: not signed up"), "{text}");
        assert!(!text.contains(&MONDAY.to_string()), "{text}");
    }

    #[test]
    fn the_export_has_dates_and_names_not_row_ids_or_unix_seconds() {
        let zone: Tz = "America/Chicago".parse().unwrap();
        let json = export(&sample(), zone);
        assert!(!json.contains(&MONDAY.to_string()), "{json}");
        assert!(
            !json.contains("\"id\"") && !json.contains("prompt_id"),
            "{json}"
        );
        assert!(!json.contains("user_id"), "{json}");
        assert!(json.contains("Mon Dec 7, 2026, 08:12 CT"), "{json}");
        assert!(
            json.contains("\"meetup\": \"#4 Night shift coffee\""),
            "{json}"
        );
        let parsed: Value = serde_json::from_str(&json).unwrap();
        assert_eq!(parsed["profile"][0]["state"], "TX");
    }
}
