//! Any input gets an answer or a refusal, never a panic; and what each parser promises about
//! its answers holds for every input (a meetup time accepted is ahead and within two years, a
//! cleaned text passes the check it was cleaned for, …).

use chrono::{DateTime, Duration, Months, TimeZone, Utc};
use chrono_tz::Tz;
use proptest::prelude::*;

use super::{any_text, config, word_or_char};
use crate::domain::command::{self, Invocation};
use crate::domain::directory::{Field, check_url};
use crate::domain::directory_file::{self, FileFormat};
use crate::domain::meetup_time;
use crate::domain::member_text::{self, Lines};
use crate::domain::schedule::{self, QuietHours};
use crate::domain::{phi, time_words, understand, wellbeing};

/// Whether the patient-information guard refuses `text`. Its signature is changing; this is
/// the one line to adapt.
fn phi_refuses(text: &str) -> bool {
    phi::check(text).is_some()
}

/// Zones meetups and check-ins are planned in: every US zone, zones with half-hour offsets or
/// half-hour daylight saving, one far east of UTC and UTC itself.
pub(super) const ZONES: &[Tz] = &[
    chrono_tz::America::New_York,
    chrono_tz::America::Chicago,
    chrono_tz::America::Denver,
    chrono_tz::America::Phoenix,
    chrono_tz::America::Los_Angeles,
    chrono_tz::America::Anchorage,
    chrono_tz::Pacific::Honolulu,
    chrono_tz::America::Puerto_Rico,
    chrono_tz::Europe::London,
    chrono_tz::Asia::Tokyo,
    chrono_tz::Asia::Kathmandu,
    chrono_tz::Australia::Lord_Howe,
    chrono_tz::UTC,
];

/// Any instant from 2000 to 2099, to the second.
pub(super) fn any_now() -> impl Strategy<Value = DateTime<Utc>> {
    (946_684_800i64..4_102_444_800).prop_map(|secs| {
        Utc.timestamp_opt(secs, 0)
            .single()
            .expect("seconds within 2000-2099 are an instant")
    })
}

/// A command line as the console and Matrix read it: a prefix, a command's name (or not),
/// options of that and other commands with any values, and any words.
fn command_line() -> impl Strategy<Value = String> {
    let names: Vec<&'static str> = command::all().map(|c| c.name).collect();
    let keys: Vec<&'static str> = command::all()
        .flat_map(|c| {
            c.options
                .iter()
                .flat_map(|o| o.aliases.iter().chain([&o.name]))
        })
        .copied()
        .collect();
    let part = prop_oneof![
        2 => (prop::sample::select(keys), any_text()).prop_map(|(k, v)| format!("{k}:{v}")),
        2 => word_or_char(),
        1 => any_text(),
    ];
    (
        prop::sample::select(&["/", "", "!", " /", "/ "][..]),
        prop::option::weighted(0.9, prop::sample::select(names)),
        prop::collection::vec(part, 0..6),
    )
        .prop_map(|(prefix, name, parts)| {
            format!("{prefix}{} {}", name.unwrap_or_default(), parts.join(" "))
        })
}

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn any_command_line_is_read_or_refused_with_a_message(line in prop_oneof![command_line(), any_text()]) {
        let resolved = command::resolve(&line);
        match command::parse(&line) {
            Ok(_) => prop_assert!(resolved.is_ok(), "parsed but not resolved: {line:?}"),
            Err(e) => prop_assert!(!e.0.trim().is_empty(), "an empty refusal for {line:?}"),
        }
        let _ = command::names_private_command(&line);
        let _ = command::is_words(&line);
        let _ = command::reads_as_command(&line);
    }

    #[test]
    fn any_structured_command_is_read_or_refused(
        which in any::<prop::sample::Index>(),
        arg in prop::option::of(any_text()),
        values in prop::collection::vec((any::<prop::sample::Index>(), any_text()), 0..4),
    ) {
        // What the Discord adapter builds from a slash command's options.
        let specs: Vec<_> = command::all().collect();
        let spec = specs[which.index(specs.len())];
        let options: Vec<(&str, String)> = values
            .into_iter()
            .filter(|_| !spec.options.is_empty())
            .map(|(i, v)| (spec.options[i.index(spec.options.len())].name, v))
            .collect();
        if let Ok(inv) = Invocation::from_parts(spec, arg, options) {
            let _ = command::typed(inv);
        }
    }

    #[test]
    fn any_snooze_quiet_hours_or_length_is_read_or_refused(text in any_text()) {
        let _ = command::parse_snooze(&text);
        if let Ok(quiet) = QuietHours::parse(&text) {
            // Accepted quiet hours leave at least 4 hours a day, so they never cover it all.
            let awake = (0..24 * 60)
                .filter_map(|m| chrono::NaiveTime::from_hms_opt(m / 60, m % 60, 0))
                .filter(|t| !quiet.contains(*t))
                .count();
            prop_assert!(awake >= 4 * 60, "{text:?} read as {quiet}");
        }
        if let Ok(length) = schedule::parse_duration(&text) {
            prop_assert!(length > Duration::zero() && length <= Duration::days(7), "{text:?}");
        }
        let _ = schedule::parse_advance(&text);
    }

    #[test]
    fn any_time_zone_day_or_mood_word_is_read_or_refused(
        text in any_text(),
        pm in any::<bool>(),
        max_len in 0usize..12,
    ) {
        let _ = time_words::parse_time(&text);
        let _ = time_words::parse_zone(&text);
        let _ = time_words::parse_weekday(&text);
        let _ = time_words::weekday_word(&text);
        let _ = time_words::month_word(&text);
        let _ = time_words::clock(&text);
        let _ = time_words::clock(&text.to_lowercase());
        let _ = time_words::twelve_hour(&text, pm);
        let _ = time_words::digits(&text, max_len);
        if let Ok(mood) = wellbeing::parse_mood(&text) {
            prop_assert!((1..=5).contains(&mood), "{text:?} read as mood {mood}");
        }
        let _ = wellbeing::parse_stress(&text);
        let _ = wellbeing::is_snooze(&text);
    }

    #[test]
    fn an_accepted_meetup_time_is_ahead_and_within_two_years(
        text in prop_oneof![
            prop::collection::vec(word_or_char(), 1..7).prop_map(|w| w.join(" ")),
            any_text(),
        ],
        zone in prop::sample::select(ZONES),
        given in prop::option::of(prop::sample::select(ZONES)),
        now in any_now(),
    ) {
        let _ = meetup_time::parse_when(&text, zone, now);
        if let Ok(when) = meetup_time::read_when(&text, given, zone, now) {
            let latest = now
                .checked_add_months(Months::new(24))
                .expect("within chrono's range")
                + Duration::days(1);
            prop_assert!(when.at >= now, "{text:?} at {now} read as {} (past)", when.at);
            prop_assert!(when.at <= latest, "{text:?} at {now} read as {} (too far)", when.at);
            if let Some(given) = given {
                prop_assert_eq!(when.zone, given);
            }
            let _ = meetup_time::describe_from(when.at, when.zone, now);
        }
    }

    #[test]
    fn cleaned_member_text_passes_the_check_it_was_cleaned_for(text in any_text()) {
        for lines in [Lines::One, Lines::Several] {
            if let Some(refused) = member_text::first_refused(&text, lines) {
                prop_assert!(refused.position >= 1);
                prop_assert_eq!(text.chars().nth(refused.position - 1), Some(refused.character));
                let _ = (refused.problem(), refused.accepted());
            }
            let _ = member_text::check("title", &text, lines);
        }
        let name = member_text::clean_name(&text);
        prop_assert!(!name.is_empty());
        prop_assert_eq!(
            member_text::first_refused(&name, Lines::One),
            None,
            "clean_name({:?}) = {:?}", text, name
        );
        let reply = member_text::clean_reply(&text);
        prop_assert_eq!(
            member_text::first_refused(&reply, Lines::Several),
            None,
            "clean_reply({:?}) = {:?}", text, reply
        );
    }

    #[test]
    fn any_note_gets_an_answer_from_the_patient_information_guard(text in any_text()) {
        let _ = phi_refuses(&text);
    }

    #[test]
    fn any_link_or_field_name_is_read_or_refused(text in any_text()) {
        let _ = check_url(&text);
        let _ = Field::from_name(&text);
    }

    #[test]
    fn any_text_as_a_directory_file_is_read_or_refused_with_problems(text in any_text()) {
        for format in [FileFormat::Toml, FileFormat::Csv] {
            if let Err(problems) = directory_file::read(&text, format) {
                prop_assert!(!problems.is_empty());
            }
        }
    }
}

// The slowest properties (about 0.1 s a case in a debug build, mostly the 10 KB lines): fewer
// cases by default.
proptest! {
    #![proptest_config(config(128))]

    #[test]
    fn any_search_sentence_is_understood_somehow(text in any_text()) {
        let reading = understand::read(&text);
        let _ = reading.wants.labels();
        let _ = understand::words_of(&text);
        let _ = understand::credential(&text);
    }

    #[test]
    fn a_directory_file_with_any_values_is_read_or_refused(
        entries in prop::collection::vec(
            prop::collection::vec((any::<prop::sample::Index>(), any_text(), any::<bool>()), 0..10),
            1..4,
        ),
    ) {
        // Files shaped as the readers expect, with any values: into validation, not only
        // into the TOML and CSV parsers.
        let mut toml = String::new();
        let mut csv = Field::ALL.map(Field::name).join(",") + "\n";
        for fields in &entries {
            toml.push_str("[[group]]\n");
            let mut row = vec![String::new(); Field::ALL.len()];
            // One value per field: a key given twice is a TOML error before any validation.
            let fields: std::collections::BTreeMap<usize, (&String, &bool)> = fields
                .iter()
                .map(|(which, value, as_list)| (which.index(Field::ALL.len()), (value, as_list)))
                .collect();
            for (at, (value, as_list)) in fields {
                let name = Field::ALL[at].name();
                let quoted = toml::Value::String(value.clone()).to_string();
                if *as_list {
                    toml.push_str(&format!("{name} = [{quoted}, {quoted}]\n"));
                } else {
                    toml.push_str(&format!("{name} = {quoted}\n"));
                }
                row[at] = format!("\"{}\"", value.replace('"', "\"\""));
            }
            csv.push_str(&row.join(","));
            csv.push('\n');
        }
        let _ = directory_file::read(&toml, FileFormat::Toml);
        let _ = directory_file::read(&csv, FileFormat::Csv);
    }
}
