//! Calendar files (RFC 5545 `.ics`) for meetups, built with the `icalendar` crate.
//!
//! One file holds one `VEVENT`. Updating a meetup means sending a file with the same `UID` and a
//! higher `SEQUENCE`; cancelling one means the same with `STATUS:CANCELLED`, so calendars that
//! imported it replace or cancel their copy instead of adding a second event.
//!
//! # Times are written in UTC
//!
//! `DTSTART`, `DTEND` and `EXDATE` are UTC date-times (`20250304T230000Z`), not local times with a
//! `TZID`. RFC 5545 requires a `VTIMEZONE` component for every `TZID` used, and `icalendar`
//! (0.17) cannot build one (its own docs list `VTIMEZONE` as not yet supported). UTC is valid
//! without one and unambiguous, and every calendar shows it in the reader's own zone. The
//! meetup's zone goes in the calendar's `X-WR-TIMEZONE`, a widely read hint for display only.
//!
//! The cost is for repeating meetups: an `RRULE` expands from a UTC `DTSTART` in UTC, so "every
//! Tuesday at 18:00 Chicago" written as `FREQ=WEEKLY` keeps 23:00Z all year and shows an hour off
//! once daylight saving time changes, and `BYDAY` names UTC weekdays (18:00 Pacific on a Tuesday
//! is Wednesday in UTC). Callers that need a wall-clock series across a DST change should send
//! each occurrence as its own event, or the rule must be written for UTC.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use icalendar::{Calendar, Component, Event, EventLike, EventStatus, Property};

/// The `PRODID` of every file: who wrote it.
const PRODID: &str = "-//labcircle//meetups//EN";

/// One meetup, as it goes in a calendar file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IcsEvent<'a> {
    /// Stable, unique identifier of the meetup (the same in every update), e.g.
    /// `meetup-42@labcircle`.
    pub uid: &'a str,
    /// Revision number: 0 first, raised by one for each change that calendars must pick up.
    pub sequence: u32,
    /// The meetup's title (`SUMMARY`).
    pub title: &'a str,
    /// Longer text (`DESCRIPTION`).
    pub description: Option<&'a str>,
    /// Where (`LOCATION`): an address or "Online".
    pub location: Option<&'a str>,
    /// A link to the meetup post or the video call (`URL`).
    pub url: Option<&'a str>,
    /// When it starts.
    pub start: DateTime<Utc>,
    /// When it ends.
    pub end: DateTime<Utc>,
    /// The zone the meetup was planned in; written as the `X-WR-TIMEZONE` display hint (times
    /// themselves are UTC, see the module documentation).
    pub zone: Tz,
    /// Whether the meetup is cancelled (`STATUS:CANCELLED`, else `CONFIRMED`).
    pub cancelled: bool,
    /// A recurrence rule's value, e.g. `FREQ=WEEKLY;COUNT=4` (a leading `RRULE:` is accepted).
    /// It is the caller's to make valid, and it expands from the UTC start (see the module
    /// documentation).
    pub rrule: Option<&'a str>,
    /// Occurrences of the rule that do not happen, by their start.
    pub exdates: &'a [DateTime<Utc>],
}

/// The `.ics` file for `event`, stamped now (`DTSTAMP`).
pub fn calendar(event: &IcsEvent<'_>) -> String {
    calendar_stamped(event, Utc::now())
}

/// The `.ics` file for `event` with `DTSTAMP` set to `stamp` (for reproducible output).
///
/// Text values are escaped by `icalendar` (`\,`, `\;`, `\n`, `\\`); line breaks of any kind
/// become `\n`, and other control characters, which RFC 5545 does not allow, are dropped, so no
/// value can start a line of its own.
pub fn calendar_stamped(event: &IcsEvent<'_>, stamp: DateTime<Utc>) -> String {
    let mut vevent = Event::new();
    vevent
        .uid(&one_line(event.uid))
        .sequence(event.sequence)
        .timestamp(stamp)
        .summary(&text(event.title))
        .starts(event.start)
        .ends(event.end)
        .status(if event.cancelled {
            EventStatus::Cancelled
        } else {
            EventStatus::Confirmed
        });
    if let Some(description) = event.description {
        vevent.description(&text(description));
    }
    if let Some(location) = event.location {
        vevent.location(&text(location));
    }
    if let Some(url) = event.url {
        vevent.url(&one_line(url));
    }
    if let Some(rrule) = event.rrule {
        let rrule = one_line(rrule);
        let rrule = rrule.trim();
        let rrule = match rrule.get(..6) {
            Some(prefix) if prefix.eq_ignore_ascii_case("RRULE:") => &rrule[6..],
            _ => rrule,
        };
        vevent.add_property("RRULE", rrule);
    }
    for &exdate in event.exdates {
        vevent.exdate(exdate);
    }

    let mut calendar = Calendar::empty();
    calendar
        .append_property(Property::new("VERSION", "2.0"))
        .append_property(Property::new("PRODID", PRODID))
        .append_property(Property::new("CALSCALE", "GREGORIAN"))
        .append_property(Property::new("METHOD", "PUBLISH"))
        .append_property(Property::new("X-WR-TIMEZONE", event.zone.name()))
        .push(vevent.done());
    calendar.to_string()
}

/// Text with every line break as `\n` and no other control character but tab.
fn text(value: &str) -> String {
    value
        .replace("\r\n", "\n")
        .replace('\r', "\n")
        .chars()
        .filter(|&c| !c.is_control() || c == '\n' || c == '\t')
        .collect()
}

/// A value that must stay on one line: control characters dropped.
fn one_line(value: &str) -> String {
    value.chars().filter(|c| !c.is_control()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use icalendar::{CalendarDateTime, DatePerhapsTime};

    fn utc(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, mo, d, h, mi, 0)
            .single()
            .expect("a valid test date")
    }

    fn meetup<'a>(exdates: &'a [DateTime<Utc>]) -> IcsEvent<'a> {
        IcsEvent {
            uid: "meetup-42@labcircle",
            sequence: 3,
            title: "Blood bank Q&A: crossmatch, antibodies; \"hard cases\"\nBring questions",
            description: Some("Line one, with comma; and semicolon\\backslash\r\nLine two"),
            location: Some("Room 4, Main Lab; 2nd floor"),
            url: Some("https://example.org/meetups/42?a=1,b=2"),
            start: utc(2025, 3, 4, 23, 0),
            end: utc(2025, 3, 5, 0, 30),
            zone: chrono_tz::America::Chicago,
            cancelled: false,
            rrule: Some("FREQ=WEEKLY;COUNT=4"),
            exdates,
        }
    }

    fn parse(ics: &str) -> Calendar {
        ics.parse::<Calendar>().expect("the generated file parses")
    }

    fn only_event(calendar: &Calendar) -> &Event {
        let events: Vec<&Event> = calendar.events().collect();
        assert_eq!(events.len(), 1);
        events[0]
    }

    fn utc_time(value: Option<DatePerhapsTime>) -> DateTime<Utc> {
        match value {
            Some(DatePerhapsTime::DateTime(CalendarDateTime::Utc(at))) => at,
            other => panic!("expected a UTC date-time, got {other:?}"),
        }
    }

    #[test]
    fn a_generated_file_parses_back_with_every_field() {
        let exdates = [utc(2025, 3, 11, 23, 0), utc(2025, 3, 18, 23, 0)];
        let event = meetup(&exdates);
        let stamp = utc(2025, 2, 1, 12, 0);
        let ics = calendar_stamped(&event, stamp);
        let parsed = parse(&ics);

        assert_eq!(parsed.property_value("VERSION"), Some("2.0"));
        assert_eq!(parsed.property_value("PRODID"), Some(PRODID));
        assert_eq!(parsed.get_timezone(), Some("America/Chicago"));
        let vevent = only_event(&parsed);
        assert_eq!(vevent.get_uid(), Some("meetup-42@labcircle"));
        assert_eq!(vevent.get_sequence(), Some(3));
        assert_eq!(vevent.get_summary(), Some(event.title));
        assert_eq!(
            vevent.get_description(),
            Some("Line one, with comma; and semicolon\\backslash\nLine two")
        );
        assert_eq!(vevent.get_location(), event.location);
        assert_eq!(vevent.get_url(), event.url);
        assert_eq!(utc_time(vevent.get_start()), event.start);
        assert_eq!(utc_time(vevent.get_end()), event.end);
        assert_eq!(vevent.get_timestamp(), Some(stamp));
        assert_eq!(vevent.get_status(), Some(EventStatus::Confirmed));
        assert_eq!(vevent.property_value("RRULE"), Some("FREQ=WEEKLY;COUNT=4"));
        let parsed_exdates: Vec<DateTime<Utc>> = vevent
            .multi_properties()
            .get("EXDATE")
            .expect("EXDATE present")
            .iter()
            .map(|p| utc_time(DatePerhapsTime::from_property(p)))
            .collect();
        assert_eq!(parsed_exdates, exdates);
    }

    #[test]
    fn times_are_written_in_utc() {
        let ics = calendar_stamped(&meetup(&[utc(2025, 3, 11, 23, 0)]), utc(2025, 2, 1, 12, 0));
        assert!(ics.contains("DTSTART:20250304T230000Z\r\n"), "{ics}");
        assert!(ics.contains("DTEND:20250305T003000Z\r\n"), "{ics}");
        assert!(ics.contains("EXDATE:20250311T230000Z\r\n"), "{ics}");
        assert!(ics.contains("DTSTAMP:20250201T120000Z\r\n"), "{ics}");
        assert!(!ics.contains("TZID"), "{ics}");
    }

    #[test]
    fn a_cancelled_meetup_says_cancelled() {
        let event = IcsEvent {
            cancelled: true,
            sequence: 4,
            ..meetup(&[])
        };
        let parsed = parse(&calendar(&event));
        let vevent = only_event(&parsed);
        assert_eq!(vevent.get_status(), Some(EventStatus::Cancelled));
        assert_eq!(vevent.get_sequence(), Some(4));
        assert!(vevent.get_timestamp().is_some());
    }

    #[test]
    fn commas_semicolons_backslashes_and_newlines_in_text_are_escaped() {
        let ics = calendar_stamped(&meetup(&[]), utc(2025, 2, 1, 12, 0));
        let unfolded = ics.replace("\r\n ", "");
        assert!(
            unfolded.contains(
                "SUMMARY:Blood bank Q&A: crossmatch\\, antibodies\\; \"hard cases\"\\nBring \
                 questions\r\n"
            ),
            "{unfolded}"
        );
        assert!(
            unfolded.contains(
                "DESCRIPTION:Line one\\, with comma\\; and semicolon\\\\backslash\\nLine two\r\n"
            ),
            "{unfolded}"
        );
        assert!(
            unfolded.contains("LOCATION:Room 4\\, Main Lab\\; 2nd floor\r\n"),
            "{unfolded}"
        );
    }

    #[test]
    fn no_value_can_inject_a_line_of_its_own() {
        let event = IcsEvent {
            uid: "evil\r\nATTENDEE:mailto:x@example.org",
            title: "Title\rSTATUS:CANCELLED",
            url: Some("https://example.org/\nRRULE:FREQ=DAILY"),
            rrule: Some("FREQ=WEEKLY\r\nEXDATE:20250101T000000Z"),
            description: Some("bell\u{7}\u{0}ok"),
            ..meetup(&[])
        };
        let ics = calendar(&event);
        for line in ics.replace("\r\n ", "").split("\r\n") {
            assert!(!line.starts_with("ATTENDEE"), "{ics}");
            assert!(!line.starts_with("STATUS:CANCELLED"), "{ics}");
            assert!(!line.starts_with("EXDATE"), "{ics}");
            assert!(!line.starts_with("RRULE:FREQ=DAILY"), "{ics}");
            assert!(
                !line.chars().any(|c| c.is_control() && c != '\t'),
                "{line:?}"
            );
        }
        let parsed = parse(&ics);
        let vevent = only_event(&parsed);
        assert_eq!(vevent.get_summary(), Some("Title\nSTATUS:CANCELLED"));
        assert_eq!(vevent.get_description(), Some("bellok"));
        assert_eq!(vevent.get_status(), Some(EventStatus::Confirmed));
    }

    #[test]
    fn optional_fields_are_left_out_when_absent() {
        let event = IcsEvent {
            description: None,
            location: None,
            url: None,
            rrule: None,
            exdates: &[],
            ..meetup(&[])
        };
        let ics = calendar(&event);
        for key in ["DESCRIPTION", "LOCATION", "URL", "RRULE", "EXDATE"] {
            assert!(!ics.contains(&format!("\r\n{key}")), "{key} in {ics}");
        }
        let parsed = parse(&ics);
        assert_eq!(only_event(&parsed).get_uid(), Some("meetup-42@labcircle"));
    }

    #[test]
    fn a_leading_rrule_prefix_is_accepted() {
        let event = IcsEvent {
            rrule: Some(" rrule:FREQ=MONTHLY;BYDAY=1TU "),
            ..meetup(&[])
        };
        let parsed = parse(&calendar(&event));
        assert_eq!(
            only_event(&parsed).property_value("RRULE"),
            Some("FREQ=MONTHLY;BYDAY=1TU")
        );
    }

    #[test]
    fn long_titles_are_folded_and_read_back_whole() {
        let title = "Ünïcödé 🧪 ".repeat(20);
        let event = IcsEvent {
            title: &title,
            ..meetup(&[])
        };
        let ics = calendar(&event);
        assert!(ics.split("\r\n").all(|line| line.len() <= 75), "{ics}");
        assert_eq!(only_event(&parse(&ics)).get_summary(), Some(title.as_str()));
    }

    #[test]
    fn every_line_ends_with_crlf() {
        let ics = calendar(&meetup(&[]));
        assert!(ics.starts_with("BEGIN:VCALENDAR\r\n"));
        assert!(ics.ends_with("END:VCALENDAR\r\n"));
        assert!(!ics.replace("\r\n", "").contains('\n'));
    }
}
