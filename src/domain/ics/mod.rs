//! Calendar files (RFC 5545 `.ics`) for meetups, built with the `icalendar` crate.
//!
//! One file holds one `VEVENT`. Updating a meetup means sending a file with the same `UID` and a
//! higher `SEQUENCE`; cancelling one means the same with `STATUS:CANCELLED`, so calendars that
//! imported it replace or cancel their copy instead of adding a second event.
//!
//! # Times: UTC for single meetups, local with `TZID` for series
//!
//! A single meetup's `DTSTART` and `DTEND` are UTC date-times (`20250304T230000Z`): valid without
//! any time zone definition, unambiguous, and every calendar shows them in the reader's own zone.
//!
//! A repeating meetup (one with an `RRULE`) is written in the meetup's own zone instead:
//! `DTSTART;TZID=America/New_York:20261022T183000`, and `DTEND` and `EXDATE` likewise. An `RRULE`
//! expands in the zone of its `DTSTART`, so "every Thursday at 18:30 New York" stays at 18:30
//! local across daylight saving time changes, and `BYDAY` names local weekdays. (From UTC it
//! would keep the UTC time all year and show an hour off after the change.) RFC 5545 requires a
//! `VTIMEZONE` for every `TZID`, and `icalendar` (0.17) cannot build one, so [`vtimezone`] writes
//! it from `chrono-tz` data; it goes before the `VEVENT`. It covers the series from a year before
//! its start to a year after its `UNTIL` (or, without `UNTIL`, to three years after its start:
//! later occurrences of a longer series may be shown at the offset of the last transition).
//!
//! Either way the meetup's zone also goes in the calendar's `X-WR-TIMEZONE`, a widely read hint
//! for display.

mod vtimezone;

use chrono::{DateTime, Months, NaiveDate, NaiveDateTime, Utc};
use chrono_tz::Tz;
use icalendar::{
    Calendar, CalendarDateTime, Component, DatePerhapsTime, Event, EventLike, EventStatus, Property,
};

pub use vtimezone::vtimezone;

/// The `PRODID` of every file: who wrote it.
const PRODID: &str = "-//labcircle//meetups//EN";

/// The iCalendar form of a date-time without zone or `Z`: `20261022T183000`.
const LOCAL_FORMAT: &str = "%Y%m%dT%H%M%S";

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
    /// The zone the meetup was planned in: the `X-WR-TIMEZONE` display hint, and for a series
    /// (`rrule` set) the `TZID` of its times (see the module documentation).
    pub zone: Tz,
    /// Whether the meetup is cancelled (`STATUS:CANCELLED`, else `CONFIRMED`).
    pub cancelled: bool,
    /// A recurrence rule's value, e.g. `FREQ=WEEKLY;COUNT=4` (a leading `RRULE:` is accepted).
    /// It is the caller's to make valid; it expands from the start's local time in `zone`, and
    /// its `UNTIL`, if any, should be UTC (`UNTIL=20261231T235959Z`) as RFC 5545 requires.
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
///
/// A series (`rrule` set) gets local times with `TZID` and a `VTIMEZONE` (see [`vtimezone`]);
/// a single meetup gets UTC times.
pub fn calendar_stamped(event: &IcsEvent<'_>, stamp: DateTime<Utc>) -> String {
    let rrule = event.rrule.map(|rrule| {
        let rrule = one_line(rrule);
        let trimmed = rrule.trim();
        match trimmed.get(..6) {
            Some(prefix) if prefix.eq_ignore_ascii_case("RRULE:") => trimmed[6..].to_owned(),
            _ => trimmed.to_owned(),
        }
    });
    // UTC for a single meetup; local time in its zone for a series, so the rule keeps the
    // wall-clock time across daylight saving time changes.
    let time = |at: DateTime<Utc>| -> DatePerhapsTime {
        if rrule.is_some() {
            CalendarDateTime::WithTimezone {
                date_time: at.with_timezone(&event.zone).naive_local(),
                tzid: event.zone.name().to_owned(),
            }
            .into()
        } else {
            at.into()
        }
    };

    let mut vevent = Event::new();
    vevent
        .uid(&one_line(event.uid))
        .sequence(event.sequence)
        .timestamp(stamp)
        .summary(&text(event.title))
        .starts(time(event.start))
        .ends(time(event.end))
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
    if let Some(rrule) = &rrule {
        vevent.add_property("RRULE", rrule);
    }
    for &exdate in event.exdates {
        vevent.exdate(time(exdate));
    }

    let mut calendar = Calendar::empty();
    calendar
        .append_property(Property::new("VERSION", "2.0"))
        .append_property(Property::new("PRODID", PRODID))
        .append_property(Property::new("CALSCALE", "GREGORIAN"))
        .append_property(Property::new("METHOD", "PUBLISH"))
        .append_property(Property::new("X-WR-TIMEZONE", event.zone.name()))
        .push(vevent.done());
    let mut ics = calendar.to_string();

    if let Some(rrule) = &rrule {
        // EXDATEs are occurrences, so none is before the start; without UNTIL they may be
        // after the default end.
        let to = rrule_until(rrule)
            .or_else(|| event.start.checked_add_months(Months::new(24)))
            .unwrap_or(DateTime::<Utc>::MAX_UTC);
        let to = event
            .exdates
            .iter()
            .fold(to.max(event.end), |to, &at| to.max(at));
        // `icalendar` cannot hold a VTIMEZONE, so it goes in as text, before the VEVENT. The
        // marker is always there: components start on a line of their own, and no value can
        // contain a line break.
        if let Some(at) = ics.find("\r\nBEGIN:VEVENT\r\n") {
            ics.insert_str(at + 2, &vtimezone(event.zone, event.start, to));
        }
    }
    ics
}
/// An all-day event spanning whole days (a conference), as it goes in a calendar file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AllDayEvent<'a> {
    /// Stable, unique identifier, e.g. `event-adlm-annual-2026@labcircle`.
    pub uid: &'a str,
    pub title: &'a str,
    pub description: Option<&'a str>,
    pub location: Option<&'a str>,
    pub url: Option<&'a str>,
    /// First day.
    pub first: NaiveDate,
    /// Last day (inclusive; the file's `DTEND` is the day after, as RFC 5545 wants).
    pub last: NaiveDate,
}

/// The `.ics` file for an all-day `event` (`DTSTART;VALUE=DATE`), stamped `stamp`.
pub fn all_day_calendar(event: &AllDayEvent<'_>, stamp: DateTime<Utc>) -> String {
    let mut vevent = Event::new();
    vevent
        .uid(&one_line(event.uid))
        .timestamp(stamp)
        .summary(&text(event.title))
        .starts(event.first)
        .ends(event.last.succ_opt().unwrap_or(event.last))
        .status(EventStatus::Confirmed);
    if let Some(description) = event.description {
        vevent.description(&text(description));
    }
    if let Some(location) = event.location {
        vevent.location(&text(location));
    }
    if let Some(url) = event.url {
        vevent.url(&one_line(url));
    }
    let mut calendar = Calendar::empty();
    calendar
        .append_property(Property::new("VERSION", "2.0"))
        .append_property(Property::new("PRODID", PRODID))
        .append_property(Property::new("CALSCALE", "GREGORIAN"))
        .append_property(Property::new("METHOD", "PUBLISH"))
        .push(vevent.done());
    calendar.to_string()
}

/// The `UNTIL` of a recurrence rule's value, roughly (a date or local time is read as UTC; the
/// `VTIMEZONE` it bounds has a year to spare).
fn rrule_until(rrule: &str) -> Option<DateTime<Utc>> {
    let value = rrule.split(';').find_map(|part| {
        let (key, value) = part.split_once('=')?;
        key.trim()
            .eq_ignore_ascii_case("UNTIL")
            .then_some(value.trim())
    })?;
    let value = value.strip_suffix(['Z', 'z']).unwrap_or(value);
    NaiveDateTime::parse_from_str(value, LOCAL_FORMAT)
        .ok()
        .or_else(|| {
            NaiveDate::parse_from_str(value, "%Y%m%d")
                .ok()?
                .and_hms_opt(23, 59, 59)
        })
        .map(|until| until.and_utc())
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
    use chrono::{TimeDelta, TimeZone};
    use icalendar::parser::{self, read_calendar};

    pub(super) fn utc(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, mo, d, h, mi, 0)
            .single()
            .expect("a valid test date")
    }

    fn local(zone: Tz, y: i32, mo: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
        zone.with_ymd_and_hms(y, mo, d, h, mi, 0)
            .single()
            .expect("an unambiguous test time")
            .with_timezone(&Utc)
    }

    pub(super) fn naive(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(y, mo, d)
            .and_then(|date| date.and_hms_opt(h, mi, 0))
            .expect("a valid test date")
    }

    /// A weekly series, Tuesdays 17:00–18:30 Chicago, across the 2025-03-09 DST change.
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

    /// The New York series of the brief: Thursdays 18:30 from 2026-10-22 to the end of 2026.
    fn new_york_series<'a>(exdates: &'a [DateTime<Utc>]) -> IcsEvent<'a> {
        let zone = chrono_tz::America::New_York;
        IcsEvent {
            start: local(zone, 2026, 10, 22, 18, 30),
            end: local(zone, 2026, 10, 22, 20, 0),
            zone,
            rrule: Some("FREQ=WEEKLY;UNTIL=20261231T235959Z"),
            ..meetup(exdates)
        }
    }

    fn single<'a>() -> IcsEvent<'a> {
        IcsEvent {
            rrule: None,
            ..meetup(&[])
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

    fn zoned_time(value: Option<DatePerhapsTime>) -> (NaiveDateTime, String) {
        match value {
            Some(DatePerhapsTime::DateTime(CalendarDateTime::WithTimezone { date_time, tzid })) => {
                (date_time, tzid)
            }
            other => panic!("expected a date-time with TZID, got {other:?}"),
        }
    }

    fn exdates_of(vevent: &Event) -> Vec<DatePerhapsTime> {
        vevent
            .multi_properties()
            .get("EXDATE")
            .expect("EXDATE present")
            .iter()
            .filter_map(DatePerhapsTime::from_property)
            .collect()
    }

    /// The sub-components of the one `VTIMEZONE` in `ics`, read with the low-level parser.
    pub(super) fn observances(ics: &str) -> Vec<(String, Vec<(String, String)>)> {
        let unfolded = parser::unfold(ics);
        let calendar = read_calendar(&unfolded).expect("the generated file parses");
        let zones: Vec<&parser::Component<'_>> = calendar
            .components
            .iter()
            .filter(|c| c.name == "VTIMEZONE")
            .collect();
        assert_eq!(zones.len(), 1, "{ics}");
        zones[0]
            .components
            .iter()
            .map(|c| {
                let properties = c
                    .properties
                    .iter()
                    .map(|p| (p.name.as_str().to_owned(), p.val.as_str().to_owned()))
                    .collect();
                (c.name.as_str().to_owned(), properties)
            })
            .collect()
    }

    pub(super) fn values<'a>(properties: &'a [(String, String)], key: &str) -> Vec<&'a str> {
        properties
            .iter()
            .filter(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
            .collect()
    }

    fn lines(ics: &str) -> Vec<&str> {
        ics.split("\r\n").collect()
    }

    #[test]
    fn a_generated_file_parses_back_with_every_field() {
        let exdates = [utc(2025, 3, 11, 22, 0), utc(2025, 3, 18, 22, 0)];
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
        let chicago = "America/Chicago".to_owned();
        assert_eq!(
            zoned_time(vevent.get_start()),
            (naive(2025, 3, 4, 17, 0), chicago.clone())
        );
        assert_eq!(
            zoned_time(vevent.get_end()),
            (naive(2025, 3, 4, 18, 30), chicago.clone())
        );
        assert_eq!(vevent.get_timestamp(), Some(stamp));
        assert_eq!(vevent.get_status(), Some(EventStatus::Confirmed));
        assert_eq!(vevent.property_value("RRULE"), Some("FREQ=WEEKLY;COUNT=4"));
        // After the change to CDT the same 17:00 is an hour earlier in UTC.
        let parsed_exdates: Vec<_> = exdates_of(vevent)
            .into_iter()
            .map(|exdate| zoned_time(Some(exdate)))
            .collect();
        assert_eq!(
            parsed_exdates,
            [
                (naive(2025, 3, 11, 17, 0), chicago.clone()),
                (naive(2025, 3, 18, 17, 0), chicago)
            ]
        );
    }

    #[test]
    fn a_weekly_series_is_written_in_local_time_with_its_time_zone() {
        let zone = chrono_tz::America::New_York;
        let exdates = [local(zone, 2026, 11, 5, 18, 30)];
        let ics = calendar_stamped(&new_york_series(&exdates), utc(2026, 10, 1, 12, 0));
        let lines = lines(&ics);

        assert!(
            lines.contains(&"DTSTART;TZID=America/New_York:20261022T183000"),
            "{ics}"
        );
        assert!(
            lines.contains(&"DTEND;TZID=America/New_York:20261022T200000"),
            "{ics}"
        );
        assert!(
            lines.contains(&"EXDATE;TZID=America/New_York:20261105T183000"),
            "{ics}"
        );
        assert!(
            lines.contains(&"RRULE:FREQ=WEEKLY;UNTIL=20261231T235959Z"),
            "{ics}"
        );
        assert!(lines.contains(&"DTSTAMP:20261001T120000Z"), "{ics}");
        for key in ["DTSTART:", "DTEND:", "EXDATE:"] {
            assert!(
                !lines.iter().any(|l| l.starts_with(key) && l.ends_with('Z')),
                "{ics}"
            );
        }
        let zone_at = ics.find("BEGIN:VTIMEZONE\r\nTZID:America/New_York\r\n");
        let event_at = ics.find("BEGIN:VEVENT\r\n");
        assert!(zone_at.is_some() && zone_at < event_at, "{ics}");

        // The autumn change: clocks go from 02:00 EDT back to 01:00 EST on 2026-11-01.
        let observances = observances(&ics);
        let autumn = observances
            .iter()
            .find(|(_, p)| {
                values(p, "DTSTART") == ["20261101T020000"] || {
                    values(p, "RDATE").contains(&"20261101T020000")
                }
            })
            .expect("the 2026-11-01 change");
        assert_eq!(autumn.0, "STANDARD");
        assert_eq!(values(&autumn.1, "TZOFFSETFROM"), ["-0400"]);
        assert_eq!(values(&autumn.1, "TZOFFSETTO"), ["-0500"]);
        assert_eq!(values(&autumn.1, "TZNAME"), ["EST"]);

        let parsed = parse(&ics);
        let vevent = only_event(&parsed);
        let start = vevent.properties().get("DTSTART").expect("DTSTART");
        assert_eq!(
            start.params().get("TZID").map(|p| p.value()),
            Some("America/New_York")
        );
        assert_eq!(start.value(), "20261022T183000");
        assert_eq!(
            zoned_time(vevent.get_start()),
            (naive(2026, 10, 22, 18, 30), "America/New_York".to_owned())
        );
        assert_eq!(
            vevent.property_value("RRULE"),
            Some("FREQ=WEEKLY;UNTIL=20261231T235959Z")
        );
        let exdates: Vec<_> = exdates_of(vevent)
            .into_iter()
            .map(|exdate| zoned_time(Some(exdate)))
            .collect();
        assert_eq!(
            exdates,
            [(naive(2026, 11, 5, 18, 30), "America/New_York".to_owned())]
        );
    }

    #[test]
    fn a_phoenix_series_gets_a_single_standard_observance() {
        let zone = chrono_tz::America::Phoenix;
        let event = IcsEvent {
            start: local(zone, 2026, 10, 22, 18, 30),
            end: local(zone, 2026, 10, 22, 20, 0),
            zone,
            rrule: Some("FREQ=WEEKLY;UNTIL=20261231T235959Z"),
            ..meetup(&[])
        };
        let ics = calendar(&event);
        assert!(lines(&ics).contains(&"DTSTART;TZID=America/Phoenix:20261022T183000"));
        let observances = observances(&ics);
        assert_eq!(observances.len(), 1, "{ics}");
        let (kind, properties) = &observances[0];
        assert_eq!(kind, "STANDARD");
        assert_eq!(values(properties, "TZOFFSETFROM"), ["-0700"]);
        assert_eq!(values(properties, "TZOFFSETTO"), ["-0700"]);
        assert_eq!(values(properties, "TZNAME"), ["MST"]);
        assert_eq!(values(properties, "DTSTART"), ["20251022T183000"]);
        assert!(values(properties, "RDATE").is_empty());
        assert_eq!(
            zoned_time(only_event(&parse(&ics)).get_start()),
            (naive(2026, 10, 22, 18, 30), "America/Phoenix".to_owned())
        );
    }

    #[test]
    fn a_series_without_until_is_covered_for_three_years_from_its_start() {
        let ics = calendar(&meetup(&[]));
        // Start 2025-03-04: changes from 2024-03-04 up to 2028-03-04.
        assert!(ics.contains("DTSTART:20240310T020000\r\n"), "{ics}");
        assert!(ics.contains("RDATE:20271107T020000\r\n"), "{ics}");
        assert!(!ics.contains("2028"), "{ics}");
        assert!(!ics.contains("20240303"), "{ics}");
    }

    #[test]
    fn a_late_exdate_extends_the_time_zone_past_the_default_range() {
        let exdates = [local(chrono_tz::America::Chicago, 2029, 6, 5, 17, 0)];
        let event = IcsEvent {
            rrule: Some("FREQ=WEEKLY;COUNT=300"),
            ..meetup(&exdates)
        };
        let ics = calendar(&event);
        assert!(
            lines(&ics).contains(&"EXDATE;TZID=America/Chicago:20290605T170000"),
            "{ics}"
        );
        assert!(ics.contains("RDATE:20300310T020000\r\n"), "{ics}");
    }

    #[test]
    fn a_far_off_until_is_covered_for_a_century_at_most() {
        let event = IcsEvent {
            rrule: Some("FREQ=YEARLY;UNTIL=99991231T235959Z"),
            ..meetup(&[])
        };
        let ics = calendar(&event);
        let observances = observances(&ics);
        assert_eq!(observances.len(), 2, "{ics}");
        assert!(!ics.contains("RDATE:2125"), "{ics}");
    }

    #[test]
    fn until_is_read_in_utc_date_and_local_forms() {
        let end = Some(utc(2026, 12, 31, 23, 59) + TimeDelta::seconds(59));
        assert_eq!(rrule_until("FREQ=WEEKLY;UNTIL=20261231T235959Z"), end);
        assert_eq!(rrule_until("until=20261231T235959;FREQ=DAILY"), end);
        assert_eq!(rrule_until("FREQ=WEEKLY;UNTIL=20261231;BYDAY=TU"), end);
        assert_eq!(rrule_until("FREQ=WEEKLY;COUNT=4"), None);
        assert_eq!(rrule_until("FREQ=WEEKLY;UNTIL=soon"), None);
    }

    #[test]
    fn a_single_meetup_keeps_its_times_in_utc() {
        let exdates = [utc(2025, 3, 11, 23, 0)];
        let event = IcsEvent {
            exdates: &exdates,
            ..single()
        };
        let ics = calendar_stamped(&event, utc(2025, 2, 1, 12, 0));
        assert!(ics.contains("\r\nDTSTART:20250304T230000Z\r\n"), "{ics}");
        assert!(ics.contains("\r\nDTEND:20250305T003000Z\r\n"), "{ics}");
        assert!(ics.contains("\r\nEXDATE:20250311T230000Z\r\n"), "{ics}");
        assert!(ics.contains("\r\nDTSTAMP:20250201T120000Z\r\n"), "{ics}");
        assert!(!ics.contains("TZID"), "{ics}");
        assert!(!ics.contains("VTIMEZONE"), "{ics}");
        let parsed = parse(&ics);
        let vevent = only_event(&parsed);
        assert_eq!(utc_time(vevent.get_start()), event.start);
        assert_eq!(utc_time(vevent.get_end()), event.end);
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
        for event in [meetup(&[]), single()] {
            let ics = calendar_stamped(&event, utc(2025, 2, 1, 12, 0));
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
                    "DESCRIPTION:Line one\\, with comma\\; and semicolon\\\\backslash\\nLine \
                     two\r\n"
                ),
                "{unfolded}"
            );
            assert!(
                unfolded.contains("LOCATION:Room 4\\, Main Lab\\; 2nd floor\r\n"),
                "{unfolded}"
            );
        }
    }

    #[test]
    fn no_value_can_inject_a_line_of_its_own() {
        let event = IcsEvent {
            uid: "evil\r\nATTENDEE:mailto:x@example.org",
            title: "Title\rSTATUS:CANCELLED",
            url: Some("https://example.org/\nRRULE:FREQ=DAILY"),
            rrule: Some("FREQ=WEEKLY\r\nEXDATE:20250101T000000Z\r\nBEGIN:VEVENT"),
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
        assert_eq!(ics.matches("BEGIN:VEVENT").count(), 2, "{ics}");
        assert_eq!(ics.matches("\r\nBEGIN:VEVENT\r\n").count(), 1, "{ics}");
        assert!(ics.find("BEGIN:VTIMEZONE") < ics.find("\r\nBEGIN:VEVENT\r\n"));
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
            exdates: &[],
            ..single()
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
        for event in [meetup(&[]), single()] {
            let ics = calendar(&event);
            assert!(ics.starts_with("BEGIN:VCALENDAR\r\n"));
            assert!(ics.ends_with("END:VCALENDAR\r\n"));
            assert!(!ics.replace("\r\n", "").contains('\n'));
        }
    }
}
