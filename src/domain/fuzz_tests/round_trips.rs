//! What the bot writes reads back as what it was: directory exports, meetup calendar files,
//! meetup times as shown, quiet hours, times of day and zone labels.

use std::collections::HashSet;

use chrono::{
    DateTime, Datelike, Days, Duration, NaiveDate, NaiveTime, Offset, TimeZone, Timelike, Utc,
    Weekday,
};
use chrono_tz::{TZ_VARIANTS, Tz};
use icalendar::{Calendar, CalendarDateTime, Component, DatePerhapsTime, EventLike};
use proptest::prelude::*;

use super::no_panic::{ZONES, any_now};
use super::{any_text, config};
use crate::domain::directory::{Draft, Entry, Field, Raw};
use crate::domain::directory_file::{self, FileFormat};
use crate::domain::ics::{self, IcsEvent};
use crate::domain::meetup_time;
use crate::domain::member_text::{self, Lines};
use crate::domain::schedule::{self, QuietHours};
use crate::domain::time_words;
use crate::domain::vocab::{Cost, Facilitation, Format, Kind, Specialty, State, Vocab};

/// A character a one-line field accepts, often one that needs quoting in TOML or CSV.
fn field_char() -> impl Strategy<Value = char> {
    prop_oneof![
        3 => any::<char>(),
        2 => prop::sample::select(
            &[',', ';', '"', '\'', '\\', '#', '=', '[', ']', '{', '}', ' ', 'é', '🧪', '\u{a0}'][..]
        ),
        3 => prop::char::range('a', 'z'),
    ]
    // Mapped, not filtered: a filter this often refused would exhaust proptest's rejects.
    .prop_map(|c| {
        if member_text::first_refused(&c.to_string(), Lines::One).is_none() {
            c
        } else {
            'x'
        }
    })
}

/// Text of 1 to `max` accepted characters.
fn field_text(max: usize) -> impl Strategy<Value = String> {
    prop::collection::vec(field_char(), 1..=max).prop_map(|cs| cs.into_iter().collect())
}

/// A list item (credential, tag): up to 30 characters, no comma or semicolon.
fn list_item() -> impl Strategy<Value = String> {
    prop::collection::vec(
        field_char().prop_map(|c| if matches!(c, ',' | ';') { '-' } else { c }),
        1..=30,
    )
    .prop_map(|cs| cs.into_iter().collect())
}

/// An http(s) link.
fn link() -> impl Strategy<Value = String> {
    ("https?", "[a-z0-9]{1,20}", "[A-Za-z0-9._~/?=&%-]{0,40}")
        .prop_map(|(scheme, host, path)| format!("{scheme}://{host}.example/{path}"))
}

/// The codes of one vocabulary, as a file holds them.
fn codes<V: Vocab + std::fmt::Debug>(min: usize, max: usize) -> impl Strategy<Value = Vec<String>> {
    prop::collection::vec(prop::sample::select(V::ALL), min..=max)
        .prop_map(|values| values.into_iter().map(|v| v.code().to_owned()).collect())
}

fn code<V: Vocab + std::fmt::Debug>() -> impl Strategy<Value = Raw> {
    prop::sample::select(V::ALL).prop_map(|v| Raw::Text(v.code().to_owned()))
}

/// Any valid directory entry: generated field by field and put through the validation every
/// import goes through, so it is exactly what an import would hold.
fn any_entry() -> impl Strategy<Value = Entry> {
    let names = (
        "[a-z0-9][a-z0-9-]{0,40}[a-z0-9]",
        field_text(120),
        field_text(500),
        prop::option::of(field_text(60)),
        prop::option::of(field_text(200)),
        prop::option::of(field_text(200)),
    );
    let vocab = (
        code::<Kind>(),
        codes::<Specialty>(1, 4),
        codes::<State>(0, 4),
        code::<Format>(),
        code::<Cost>(),
        code::<Facilitation>(),
    );
    let rest = (
        prop::collection::vec(list_item(), 0..5),
        prop::collection::vec(list_item(), 0..5),
        prop::option::of(link()),
        prop::option::of(link()),
        prop::option::of(0u64..40_000),
        any::<bool>(),
    );
    (names, vocab, rest).prop_filter_map(
        "an entry the validation accepts",
        |(
            (key, name, description, city, schedule, contact),
            (kind, specialties, states, format, cost, facilitation),
            (credentials, tags, url, source, verified_day, verified),
        )| {
            let mut d = Draft::new();
            let text = |s: String| Raw::Text(s);
            d.insert(Field::Key, text(key));
            d.insert(Field::Name, text(name));
            d.insert(Field::Description, text(description));
            d.insert(Field::Kind, kind);
            d.insert(Field::Specialties, Raw::List(specialties));
            d.insert(Field::States, Raw::List(states));
            d.insert(Field::Format, format);
            d.insert(Field::Cost, cost);
            d.insert(Field::Facilitation, facilitation);
            d.insert(Field::Credentials, Raw::List(credentials));
            d.insert(Field::Tags, Raw::List(tags));
            let optional = [
                (Field::City, city),
                (Field::Schedule, schedule),
                (Field::Contact, contact),
                (Field::Url, url),
                (Field::Source, source),
            ];
            for (field, value) in optional {
                if let Some(value) = value {
                    d.insert(field, text(value));
                }
            }
            let first = NaiveDate::from_ymd_opt(1990, 1, 1).expect("a real date");
            let last_verified =
                verified_day.and_then(|days| first.checked_add_days(Days::new(days)));
            if let Some(date) = last_verified {
                d.insert(
                    Field::LastVerified,
                    text(date.format("%Y-%m-%d").to_string()),
                );
            }
            d.insert(
                Field::Verified,
                Raw::Bool(verified && last_verified.is_some()),
            );
            Entry::from_draft(&d).ok()
        },
    )
}

/// One to five valid entries with different keys.
fn any_entries() -> impl Strategy<Value = Vec<Entry>> {
    prop::collection::vec(any_entry(), 1..5).prop_map(|mut entries| {
        let mut seen = HashSet::new();
        entries.retain(|e| seen.insert(e.key.clone()));
        entries
    })
}

/// A calendar file's text value as [`ics`] promises to write it: line breaks as `\n`, other
/// control characters but tab dropped.
fn as_calendar_text(value: &str) -> String {
    value
        .replace("\r\n", "\n")
        .replace('\r', "\n")
        .chars()
        .filter(|&c| !c.is_control() || c == '\n' || c == '\t')
        .collect()
}

/// The instant a calendar date-time stands for: UTC as it is, a local time with `TZID` in
/// that zone (either reading where the clocks show it twice).
fn instants_of(value: Option<DatePerhapsTime>) -> Vec<DateTime<Utc>> {
    match value {
        Some(DatePerhapsTime::DateTime(CalendarDateTime::Utc(at))) => vec![at],
        Some(DatePerhapsTime::DateTime(CalendarDateTime::WithTimezone { date_time, tzid })) => {
            let Ok(zone) = tzid.parse::<Tz>() else {
                return Vec::new();
            };
            zone.from_local_datetime(&date_time)
                .earliest()
                .into_iter()
                .chain(zone.from_local_datetime(&date_time).latest())
                .map(|at| at.with_timezone(&Utc))
                .collect()
        }
        _ => Vec::new(),
    }
}

proptest! {
    #![proptest_config(config(64))]

    #[test]
    fn a_directory_export_imports_as_the_same_entries(entries in any_entries()) {
        let toml = directory_file::write_toml(&entries);
        prop_assert_eq!(
            directory_file::read(&toml, FileFormat::Toml),
            Ok(entries.clone()),
            "TOML:\n{}", toml
        );
        let csv = directory_file::write_csv(&entries);
        prop_assert_eq!(
            directory_file::read(&csv, FileFormat::Csv),
            Ok(entries),
            "CSV:\n{}", csv
        );
    }
}

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn a_meetup_calendar_file_reads_back_with_its_title_times_and_place(
        title in any_text(),
        location in prop::option::of(any_text()),
        start in any_now(),
        minutes in 0i64..24 * 60,
        zone in prop::sample::select(ZONES),
        series in any::<bool>(),
        cancelled in any::<bool>(),
    ) {
        let end = start + Duration::minutes(minutes);
        let event = IcsEvent {
            uid: "meetup-7@labcircle",
            sequence: 1,
            title: &title,
            description: None,
            location: location.as_deref(),
            url: None,
            start,
            end,
            zone,
            cancelled,
            rrule: series.then_some("FREQ=WEEKLY;COUNT=4"),
            exdates: &[],
        };
        let file = ics::calendar_stamped(&event, start);
        let calendar: Calendar = file.parse().map_err(|e| {
            TestCaseError::fail(format!("the file does not parse: {e}\n{file}"))
        })?;
        let events: Vec<_> = calendar.events().collect();
        prop_assert_eq!(events.len(), 1, "{}", file);
        let vevent = events[0];
        prop_assert_eq!(
            vevent.get_summary().unwrap_or_default(),
            as_calendar_text(&title),
            "{}", file
        );
        prop_assert_eq!(
            vevent.get_location().map(str::to_owned),
            location.as_deref().map(as_calendar_text),
            "{}", file
        );
        let starts = instants_of(vevent.get_start());
        prop_assert!(starts.contains(&start), "start {start} read as {starts:?}\n{file}");
        let ends = instants_of(vevent.get_end());
        prop_assert!(ends.contains(&end), "end {end} read as {ends:?}\n{file}");
    }

    #[test]
    fn a_meetup_time_as_shown_reads_back_as_the_same_instant(
        now in any_now(),
        minutes in 1i64..700 * 24 * 60,
        zone in prop::sample::select(ZONES),
    ) {
        let from = now.with_second(0).expect("second 0 exists");
        let at = from + Duration::minutes(minutes);
        let shown = meetup_time::describe_from(at, zone, now);
        let local = at.with_timezone(&zone);
        let shown_twice = zone.from_local_datetime(&local.naive_local()).single().is_none();
        let year_shown = local.year() != now.with_timezone(&zone).year();
        // As typed in when: with the zone in tz: or without it.
        for given in [None, Some(zone)] {
            match meetup_time::read_when(&shown, given, zone, now) {
                // Never a different instant.
                Ok(when) => {
                    prop_assert_eq!(when.at, at, "{:?} shown at {}", shown, now);
                    prop_assert_eq!(when.zone, zone, "{:?} shown at {}", shown, now);
                }
                // Refused only where what is shown does not say enough: a time the clocks show
                // twice, or a date without its year that is nearer its last occurrence (the
                // organizer is asked to add the year).
                Err(e) => prop_assert!(
                    shown_twice || (!year_shown && at - now > Duration::days(150)),
                    "{shown:?} shown at {now} is refused: {e}"
                ),
            }
        }
    }

    #[test]
    fn quiet_hours_and_times_as_shown_read_back_the_same(
        start in 0u32..24 * 60,
        end in 0u32..24 * 60,
    ) {
        let time = |m: u32| NaiveTime::from_hms_opt(m / 60, m % 60, 0).expect("a time of day");
        let (start, end) = (time(start), time(end));
        prop_assert_eq!(schedule::parse_time(&start.format("%H:%M").to_string()), Ok(start));
        prop_assert_eq!(schedule::parse_time(&start.format("%-I:%M%P").to_string()), Ok(start));
        if let Ok(quiet) = QuietHours::new(start, end) {
            prop_assert_eq!(QuietHours::parse(&quiet.to_string()), Ok(quiet));
        }
    }
}

/// Every zone chrono-tz knows, so a plain test rather than a sampled one.
#[test]
fn every_zone_name_and_label_reads_back_as_its_zone() {
    let instants = [
        Utc.with_ymd_and_hms(2026, 1, 15, 12, 0, 0),
        Utc.with_ymd_and_hms(2026, 7, 15, 12, 0, 0),
    ]
    .map(|at| at.single().expect("a real instant"));
    for zone in TZ_VARIANTS {
        // The legacy IANA names EST, MST and HST are also what people call the US zones, and
        // read as those (America/New_York, America/Denver, Pacific/Honolulu).
        if ["EST", "MST", "HST"].contains(&zone.name()) {
            continue;
        }
        assert_eq!(time_words::parse_zone(zone.name()), Ok(zone));
        for at in instants {
            let label = time_words::zone_label(zone, at);
            let read = time_words::parse_zone(&label);
            // A link to a US zone (US/Eastern) is labelled as that zone (ET) and reads as it.
            let offset = |z: Tz| z.offset_from_utc_datetime(&at.naive_utc()).fix();
            assert!(
                read == Ok(zone) || read.as_ref().is_ok_and(|&r| offset(r) == offset(zone)),
                "{} labelled {label:?} read as {read:?}",
                zone.name()
            );
        }
    }
}

#[test]
fn every_day_name_reads_back_as_its_day() {
    for day in [
        Weekday::Mon,
        Weekday::Tue,
        Weekday::Wed,
        Weekday::Thu,
        Weekday::Fri,
        Weekday::Sat,
        Weekday::Sun,
    ] {
        assert_eq!(
            schedule::parse_weekday(time_words::weekday_name(day)),
            Ok(day)
        );
    }
}
