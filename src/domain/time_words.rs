//! The words members use for time, read the same way by check-ins and meetups: weekdays
//! ("tues"), months ("Dec"), clock times ("9", "9:30pm", "19:00", "noon", "midday",
//! "midnight") and US time zones ("Central", "PT"), and how they are named back.
//!
//! Each reader here says only what it found; the check-in and meetup parsers around it decide
//! what a word means in their sentence (a bare "9" is a day in "Dec 9") and word their own
//! messages.
//!
//! Pure rules: no clock, no store, no platform.

use chrono::{DateTime, Duration, NaiveTime, Utc, Weekday};
use chrono_tz::{TZ_VARIANTS, Tz};

use super::input::InputError;

/// Every weekday, Monday first.
pub const WEEKDAYS: [Weekday; 7] = [
    Weekday::Mon,
    Weekday::Tue,
    Weekday::Wed,
    Weekday::Thu,
    Weekday::Fri,
    Weekday::Sat,
    Weekday::Sun,
];

/// Day spellings accepted besides full names.
const WEEKDAY_SHORT: &[(&str, Weekday)] = &[
    ("mon", Weekday::Mon),
    ("tue", Weekday::Tue),
    ("tues", Weekday::Tue),
    ("wed", Weekday::Wed),
    ("weds", Weekday::Wed),
    ("thu", Weekday::Thu),
    ("thur", Weekday::Thu),
    ("thurs", Weekday::Thu),
    ("fri", Weekday::Fri),
    ("sat", Weekday::Sat),
    ("sun", Weekday::Sun),
];

/// The English name of a weekday: "Monday".
pub fn weekday_name(day: Weekday) -> &'static str {
    match day {
        Weekday::Mon => "Monday",
        Weekday::Tue => "Tuesday",
        Weekday::Wed => "Wednesday",
        Weekday::Thu => "Thursday",
        Weekday::Fri => "Friday",
        Weekday::Sat => "Saturday",
        Weekday::Sun => "Sunday",
    }
}

/// One word as a day of the week, in any case: a full name ("Monday") or "Mon", "Tue",
/// "Tues", "Wed", "Weds", "Thu", "Thur", "Thurs", "Fri", "Sat", "Sun".
pub fn weekday_word(word: &str) -> Option<Weekday> {
    let word = word.to_lowercase();
    let full = WEEKDAYS
        .into_iter()
        .find(|&day| weekday_name(day).eq_ignore_ascii_case(&word));
    let short = || {
        WEEKDAY_SHORT
            .iter()
            .find(|(spelling, _)| *spelling == word)
            .map(|&(_, day)| day)
    };
    full.or_else(short)
}

/// Reads a day of the week for a weekly schedule: what [`weekday_word`] reads, also as a
/// plural ("mondays") and with a trailing dot ("Tues.").
pub fn parse_weekday(input: &str) -> Result<Weekday, InputError> {
    let text = input.trim();
    let word = text.trim_end_matches('.');
    let plural = || {
        let single = word.strip_suffix(['s', 'S'])?;
        WEEKDAYS
            .into_iter()
            .find(|&day| weekday_name(day).eq_ignore_ascii_case(single))
    };
    weekday_word(word).or_else(plural).ok_or_else(|| {
        InputError::new(
            format!("\"{text}\" is not a day of the week."),
            "Use a day name like Monday, or a short one: Mon, Tue, Wed, Thu, Fri, Sat or Sun.",
        )
    })
}

/// Month names for messages, January first.
const MONTH_NAMES: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// The name of month 1 to 12 ("That month" for anything else, so a message still reads).
pub fn month_name(month: u32) -> &'static str {
    let index = usize::try_from(month.saturating_sub(1)).unwrap_or(0);
    MONTH_NAMES.get(index).copied().unwrap_or("That month")
}

/// A lowercase month name or its abbreviation ("dec", "sept"), as 1 to 12.
pub fn month_word(word: &str) -> Option<u32> {
    Some(match word {
        "jan" | "january" => 1,
        "feb" | "february" => 2,
        "mar" | "march" => 3,
        "apr" | "april" => 4,
        "may" => 5,
        "jun" | "june" => 6,
        "jul" | "july" => 7,
        "aug" | "august" => 8,
        "sep" | "sept" | "september" => 9,
        "oct" | "october" => 10,
        "nov" | "november" => 11,
        "dec" | "december" => 12,
        _ => return None,
    })
}

/// How a clock time was written; the same time can mean different things in a sentence
/// ("midnight" ends a meetup's named day, a bare "9" may be a day of the month).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClockForm {
    /// "noon", "midday", "midnight".
    Named,
    /// With am or pm: "9am", "9:30pm".
    TwelveHour,
    /// With minutes, 00 to 23 hours: "19:00", "9:30", "18:30:00".
    TwentyFourHour,
    /// An hour alone, read as 24-hour time: "9" is 09:00, "19" is 19:00.
    BareHour,
}

/// A time of day as typed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Clock {
    pub time: NaiveTime,
    pub form: ClockForm,
}

impl Clock {
    /// Whether it was the word "midnight" (not "00:00" or "12am").
    pub fn is_midnight(&self) -> bool {
        self.form == ClockForm::Named && self.time == NaiveTime::MIN
    }
}

/// Why a word shaped like a time is not one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClockProblem {
    /// An hour past 23 without am or pm ("25:00", "24").
    Hour(u32),
    /// Minutes past 59 ("9:75").
    Minute(u32),
    /// An hour outside 1 to 12 with am or pm; `number` is what came before the am or pm.
    TwelveHour { number: String, pm: bool },
}

/// Reads one lowercase word as a time of day: "9", "09:00", "21:30", "18:30:00", "9am",
/// "9:30pm", "9p.m.", "12am" (00:00), "12pm" (12:00), "noon", "midday", "midnight".
///
/// Hours are 0 to 23, or 1 to 12 with am or pm; minutes are two digits, 00 to 59; seconds, if
/// written (as in a pasted "18:30:00"), are 00. `Ok(None)` when the word is not shaped like a
/// time at all ("nine", "900", "9:5").
pub fn clock(word: &str) -> Result<Option<Clock>, ClockProblem> {
    match word {
        "noon" | "midday" => return Ok(Some(named(NaiveTime::MIN + Duration::hours(12)))),
        "midnight" => return Ok(Some(named(NaiveTime::MIN))),
        _ => {}
    }
    let meridiem = [("am", false), ("a.m.", false), ("pm", true), ("p.m.", true)]
        .into_iter()
        .find_map(|(suffix, pm)| word.strip_suffix(suffix).map(|number| (number, pm)));
    if let Some((number, pm)) = meridiem {
        return twelve_hour(number, pm);
    }
    let parts: Vec<&str> = word.split(':').collect();
    let (hour, minute, form) = match parts.as_slice() {
        [h] => (digits(h, 2), Some(0), ClockForm::BareHour),
        [h, m] => (digits(h, 2), two_digits(m), ClockForm::TwentyFourHour),
        [h, m, "00"] => (digits(h, 2), two_digits(m), ClockForm::TwentyFourHour),
        _ => return Ok(None),
    };
    let (Some(hour), Some(minute)) = (hour, minute) else {
        return Ok(None);
    };
    if hour > 23 {
        return Err(ClockProblem::Hour(hour));
    }
    at(hour, minute, form)
}

/// The number before a separate "am" or "pm" ("6", "6:30" in "6:30 pm") as a time.
pub fn twelve_hour(number: &str, pm: bool) -> Result<Option<Clock>, ClockProblem> {
    let (hour_text, minute_text) = number.split_once(':').unwrap_or((number, "00"));
    let (Some(hour), Some(minute)) = (digits(hour_text, 2), two_digits(minute_text)) else {
        return Ok(None);
    };
    if !(1..=12).contains(&hour) {
        return Err(ClockProblem::TwelveHour {
            number: number.to_owned(),
            pm,
        });
    }
    at(
        hour % 12 + if pm { 12 } else { 0 },
        minute,
        ClockForm::TwelveHour,
    )
}

/// A checked hour and minute as a clock reading.
fn at(hour: u32, minute: u32, form: ClockForm) -> Result<Option<Clock>, ClockProblem> {
    if minute > 59 {
        return Err(ClockProblem::Minute(minute));
    }
    Ok(NaiveTime::from_hms_opt(hour, minute, 0).map(|time| Clock { time, form }))
}

/// "noon", "midday" or "midnight".
fn named(time: NaiveTime) -> Clock {
    Clock {
        time,
        form: ClockForm::Named,
    }
}

/// One to `max_len` ASCII digits as a number.
pub fn digits(text: &str, max_len: usize) -> Option<u32> {
    let ok = !text.is_empty() && text.len() <= max_len && text.bytes().all(|b| b.is_ascii_digit());
    if ok { text.parse().ok() } else { None }
}

/// Exactly two ASCII digits as a number.
fn two_digits(text: &str) -> Option<u32> {
    if text.len() == 2 {
        digits(text, 2)
    } else {
        None
    }
}

/// What a time looks like, for check-in messages.
const ACCEPTED_TIMES: &str = "Use 24-hour time like 09:00 or 21:30, or am/pm like 9am or 9:30pm; \
     noon and midnight also work.";

/// Reads a time of day typed as one word, as [`clock`] reads it ("9" is 09:00, "midnight"
/// 00:00), for check-ins and quiet hours; any case and surrounding spaces.
pub fn parse_time(input: &str) -> Result<NaiveTime, InputError> {
    let text = input.trim();
    let refuse =
        |why: &str| InputError::new(format!("\"{text}\" is not a time{why}."), ACCEPTED_TIMES);
    let lower = text.to_lowercase();
    if lower.is_empty() {
        return Err(InputError::new("A time is missing.", ACCEPTED_TIMES));
    }
    if lower.contains(char::is_whitespace) {
        return Err(refuse(": write it as one word, like 9am or 21:30"));
    }
    match clock(&lower) {
        Ok(Some(clock)) => Ok(clock.time),
        Ok(None) => Err(refuse("")),
        Err(ClockProblem::Hour(_)) => Err(refuse(": the hour must be 0 to 23")),
        Err(ClockProblem::Minute(_)) => Err(refuse(": the minutes must be 00 to 59")),
        Err(ClockProblem::TwelveHour { .. }) => {
            Err(refuse(": with am or pm the hour must be 1 to 12"))
        }
    }
}

/// A US zone members name: the words they use (lowercase, without a trailing "time" /
/// "standard time" / "daylight time") and the labels shown for it.
struct UsZone {
    zone: Tz,
    names: &'static [&'static str],
    /// How schedules name it; reads back as this zone ("Arizona time", since "MST" would read
    /// as Mountain).
    label: &'static str,
    /// How a meetup's time names it, when not by the abbreviation in force ("AST").
    clock_label: Option<&'static str>,
}

/// The US zones known by name.
const US_ZONES: &[UsZone] = &[
    us(
        Tz::America__New_York,
        &["eastern", "et", "est", "edt"],
        "ET",
        Some("ET"),
    ),
    us(
        Tz::America__Chicago,
        &["central", "ct", "cst", "cdt"],
        "CT",
        Some("CT"),
    ),
    us(
        Tz::America__Denver,
        &["mountain", "mt", "mst", "mdt"],
        "MT",
        Some("MT"),
    ),
    us(
        Tz::America__Phoenix,
        &["arizona"],
        "Arizona time",
        Some("MST"),
    ),
    us(
        Tz::America__Los_Angeles,
        &["pacific", "pt", "pst", "pdt"],
        "PT",
        Some("PT"),
    ),
    us(
        Tz::America__Anchorage,
        &["alaska", "akt", "akst", "akdt"],
        "AKT",
        Some("AKT"),
    ),
    us(
        Tz::Pacific__Honolulu,
        &["hawaii", "ht", "hst"],
        "HT",
        Some("HT"),
    ),
    us(
        Tz::America__Puerto_Rico,
        &["puerto rico", "atlantic", "ast", "at"],
        "AT",
        None,
    ),
];

/// A row of [`US_ZONES`].
const fn us(
    zone: Tz,
    names: &'static [&'static str],
    label: &'static str,
    clock_label: Option<&'static str>,
) -> UsZone {
    UsZone {
        zone,
        names,
        label,
        clock_label,
    }
}

/// The row for `zone`, if it is a US zone known by name.
fn us_zone(zone: Tz) -> Option<&'static UsZone> {
    US_ZONES.iter().find(|us| us.zone == zone)
}

/// Reads a time zone: a US name ("Eastern", "ET", "EST", "Eastern Time", "Central",
/// "Mountain", "Arizona", "Pacific", "Alaska", "Hawaii", "Puerto Rico", "Atlantic" and their
/// abbreviations) or any IANA name in any case ("America/Chicago", "america/new_york", "UTC").
pub fn parse_zone(input: &str) -> Result<Tz, InputError> {
    let text = input.trim();
    let words = text
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase();
    let name = [" standard time", " daylight time", " time"]
        .into_iter()
        .find_map(|suffix| words.strip_suffix(suffix))
        .unwrap_or(&words);
    let us = US_ZONES
        .iter()
        .find(|us| us.names.contains(&name))
        .map(|us| us.zone);
    let iana = || {
        let wanted = words.replace(' ', "_");
        TZ_VARIANTS
            .into_iter()
            .find(|tz| tz.name().eq_ignore_ascii_case(&wanted))
    };
    us.or_else(iana).ok_or_else(|| {
        InputError::new(
            format!("\"{text}\" is not a time zone I know."),
            "Use a US name (Eastern, Central, Mountain, Arizona, Pacific, Alaska, Hawaii or \
             Puerto Rico, or ET, CT, MT, PT, AKT, HT, AST), or any IANA name like America/Chicago.",
        )
    })
}

/// A short label for a schedule's zone: "ET", "CT", "MT", "Arizona time", "PT", "AKT", "HT",
/// "AT" for the US zones [`parse_zone`] knows by name, the IANA name otherwise; each reads back
/// through [`parse_zone`] as the same zone.
///
/// The label does not depend on `at` today; the instant is taken so labels can follow the
/// season ("EST"/"EDT") later without changing callers.
pub fn zone_label(tz: Tz, at: DateTime<Utc>) -> String {
    let _ = at;
    us_zone(tz).map_or(tz.name(), |us| us.label).to_owned()
}

/// The label after a meetup's local time: "ET", "CT", "MT", "MST" (Arizona), "PT", "AKT",
/// "HT", otherwise the zone's abbreviation at that instant ("GMT", "BST", "AST").
pub fn clock_label(local: &DateTime<Tz>) -> String {
    us_zone(local.timezone())
        .and_then(|us| us.clock_label)
        .map_or_else(|| local.format("%Z").to_string(), str::to_owned)
}

/// How meetup messages name a zone when not about one instant: its clock label ("ET"), or its
/// IANA name.
pub fn zone_place(zone: Tz) -> String {
    us_zone(zone)
        .and_then(|us| us.clock_label)
        .unwrap_or(zone.name())
        .to_owned()
}

/// Lowercase labels that name `zone` around `at` after a meetup's time: its clock label and its
/// abbreviations every quarter of a year for half a year either side (so "EST" and "EDT" both
/// name New York all year). Quarters, not only half years: from a day when the clocks change,
/// 182 days either way can land on the next changes and see only one season's abbreviation.
pub fn zone_words(zone: Tz, at: DateTime<Utc>) -> Vec<String> {
    let quarter = Duration::days(91);
    let mut words: Vec<String> = us_zone(zone)
        .and_then(|us| us.clock_label)
        .map(str::to_lowercase)
        .into_iter()
        .collect();
    let instants = (-2..=2).map(|n| at.checked_add_signed(quarter * n));
    for instant in instants.flatten() {
        let local = instant.with_timezone(&zone);
        words.push(local.format("%Z").to_string().to_lowercase());
    }
    words
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    fn utc(text: &str) -> DateTime<Utc> {
        text.parse().unwrap()
    }

    fn hm(h: u32, m: u32) -> NaiveTime {
        NaiveTime::from_hms_opt(h, m, 0).unwrap()
    }

    #[test]
    fn weekdays_are_read_in_full_short_and_any_case() {
        let cases = [
            ("monday", Weekday::Mon),
            ("Mon", Weekday::Mon),
            ("MON", Weekday::Mon),
            ("Mondays", Weekday::Mon),
            ("tues", Weekday::Tue),
            ("tue", Weekday::Tue),
            ("Tuesday", Weekday::Tue),
            ("wed", Weekday::Wed),
            ("weds", Weekday::Wed),
            ("WEDNESDAY", Weekday::Wed),
            ("thu", Weekday::Thu),
            ("thur", Weekday::Thu),
            ("thurs", Weekday::Thu),
            ("Thursday", Weekday::Thu),
            ("fri", Weekday::Fri),
            ("friday", Weekday::Fri),
            ("sat", Weekday::Sat),
            ("Saturday", Weekday::Sat),
            ("sun", Weekday::Sun),
            (" Sunday ", Weekday::Sun),
        ];
        for (text, day) in cases {
            assert_eq!(parse_weekday(text), Ok(day), "{text}");
        }
    }

    #[test]
    fn weekdays_refuse_other_words_and_list_what_is_accepted() {
        for text in ["", "mo", "someday", "th", "monday morning"] {
            let err = parse_weekday(text).unwrap_err();
            assert!(err.contains("is not a day of the week"), "{err}");
            assert!(err.contains("Mon, Tue, Wed, Thu, Fri, Sat or Sun"), "{err}");
        }
    }

    #[test]
    fn weekday_names_are_english_full_names() {
        assert_eq!(weekday_name(Weekday::Mon), "Monday");
        assert_eq!(weekday_name(Weekday::Sun), "Sunday");
        for day in WEEKDAYS {
            assert_eq!(parse_weekday(weekday_name(day)), Ok(day));
        }
    }

    #[test]
    fn times_are_read_in_24_hour_and_am_pm_forms() {
        let cases = [
            ("09:00", hm(9, 0)),
            ("9:00", hm(9, 0)),
            ("9", hm(9, 0)),
            ("0", hm(0, 0)),
            ("21:30", hm(21, 30)),
            ("23:59", hm(23, 59)),
            ("9am", hm(9, 0)),
            ("9AM", hm(9, 0)),
            ("9:30pm", hm(21, 30)),
            ("9p.m.", hm(21, 0)),
            ("12am", hm(0, 0)),
            ("12:15am", hm(0, 15)),
            ("12pm", hm(12, 0)),
            ("noon", hm(12, 0)),
            ("Midnight", hm(0, 0)),
        ];
        for (text, time) in cases {
            assert_eq!(parse_time(text), Ok(time), "{text}");
        }
    }

    #[test]
    fn times_refuse_impossible_hours_and_minutes_and_say_what_is_accepted() {
        let cases = [
            ("25:00", "the hour must be 0 to 23"),
            ("24:00", "the hour must be 0 to 23"),
            ("9:75", "the minutes must be 00 to 59"),
            ("13pm", "with am or pm the hour must be 1 to 12"),
            ("0am", "with am or pm the hour must be 1 to 12"),
            ("9 am", "write it as one word"),
            ("9:5", "is not a time"),
            ("nine", "is not a time"),
            ("+9", "is not a time"),
            ("900", "is not a time"),
            ("", "A time is missing"),
        ];
        for (text, why) in cases {
            let err = parse_time(text).unwrap_err();
            assert!(err.contains(why), "{text}: {err}");
            assert!(err.contains("like 09:00 or 21:30"), "{text}: {err}");
            assert!(err.contains("noon and midnight"), "{text}: {err}");
        }
    }

    #[test]
    fn zones_are_read_from_us_names_and_abbreviations() {
        let cases = [
            ("Eastern", Tz::America__New_York),
            ("ET", Tz::America__New_York),
            ("est", Tz::America__New_York),
            ("EDT", Tz::America__New_York),
            ("Eastern Time", Tz::America__New_York),
            ("eastern standard time", Tz::America__New_York),
            ("Central", Tz::America__Chicago),
            ("CT", Tz::America__Chicago),
            ("CST", Tz::America__Chicago),
            ("CDT", Tz::America__Chicago),
            ("Mountain", Tz::America__Denver),
            ("MT", Tz::America__Denver),
            ("MST", Tz::America__Denver),
            ("MDT", Tz::America__Denver),
            ("Arizona", Tz::America__Phoenix),
            ("Pacific", Tz::America__Los_Angeles),
            ("PT", Tz::America__Los_Angeles),
            ("PST", Tz::America__Los_Angeles),
            ("PDT", Tz::America__Los_Angeles),
            ("Alaska", Tz::America__Anchorage),
            ("AKT", Tz::America__Anchorage),
            ("AKST", Tz::America__Anchorage),
            ("AKDT", Tz::America__Anchorage),
            ("Hawaii", Tz::Pacific__Honolulu),
            ("HT", Tz::Pacific__Honolulu),
            ("HST", Tz::Pacific__Honolulu),
            ("Puerto Rico", Tz::America__Puerto_Rico),
            ("puerto  rico", Tz::America__Puerto_Rico),
            ("Atlantic", Tz::America__Puerto_Rico),
            ("AST", Tz::America__Puerto_Rico),
        ];
        for (text, tz) in cases {
            assert_eq!(parse_zone(text), Ok(tz), "{text}");
        }
    }

    #[test]
    fn zones_are_read_from_iana_names_in_any_case() {
        assert_eq!(parse_zone("America/New_York"), Ok(Tz::America__New_York));
        assert_eq!(parse_zone("america/new_york"), Ok(Tz::America__New_York));
        assert_eq!(parse_zone("America/New York"), Ok(Tz::America__New_York));
        assert_eq!(parse_zone("UTC"), Ok(Tz::UTC));
        assert_eq!(parse_zone("utc"), Ok(Tz::UTC));
        assert_eq!(parse_zone("europe/london"), Ok(Tz::Europe__London));
    }

    #[test]
    fn zones_refuse_unknown_names_and_list_the_us_names_and_iana() {
        for text in ["", "Mars", "America/Atlantis", "Eastern Europe-ish"] {
            let err = parse_zone(text).unwrap_err();
            assert!(err.contains("is not a time zone"), "{err}");
            for name in [
                "Eastern", "Central", "Mountain", "Arizona", "Pacific", "Alaska",
            ] {
                assert!(err.contains(name), "{err}");
            }
            assert!(err.contains("Hawaii or Puerto Rico"), "{err}");
            assert!(err.contains("any IANA name like America/Chicago"), "{err}");
        }
    }

    #[test]
    fn zone_labels_are_short_for_us_zones_and_iana_names_otherwise() {
        let at = utc("2026-07-01T12:00:00Z");
        let cases = [
            (Tz::America__New_York, "ET"),
            (Tz::America__Chicago, "CT"),
            (Tz::America__Denver, "MT"),
            (Tz::America__Phoenix, "Arizona time"),
            (Tz::America__Los_Angeles, "PT"),
            (Tz::America__Anchorage, "AKT"),
            (Tz::Pacific__Honolulu, "HT"),
            (Tz::America__Puerto_Rico, "AT"),
            (Tz::Europe__London, "Europe/London"),
            (Tz::UTC, "UTC"),
        ];
        for (tz, label) in cases {
            assert_eq!(zone_label(tz, at), label);
        }
    }

    #[test]
    fn us_zone_names_and_their_labels_read_back_as_the_same_zone() {
        let at = utc("2026-01-01T00:00:00Z");
        for us in US_ZONES {
            let label = zone_label(us.zone, at);
            assert_eq!(parse_zone(&label), Ok(us.zone), "{label}");
        }
    }

    #[test]
    fn midday_is_noon_and_seconds_may_be_written_as_zero() {
        assert_eq!(parse_time("midday"), Ok(hm(12, 0)));
        assert_eq!(parse_time("Midday"), Ok(hm(12, 0)));
        assert_eq!(parse_time("18:30:00"), Ok(hm(18, 30)));
        assert!(
            parse_time("18:30:15")
                .unwrap_err()
                .contains("is not a time")
        );
    }

    #[test]
    fn the_clock_says_how_a_time_was_written() {
        let form = |word: &str| clock(word).unwrap().unwrap().form;
        assert_eq!(form("9"), ClockForm::BareHour);
        assert_eq!(form("19:00"), ClockForm::TwentyFourHour);
        assert_eq!(form("9pm"), ClockForm::TwelveHour);
        assert_eq!(form("midday"), ClockForm::Named);
        assert!(clock("midnight").unwrap().unwrap().is_midnight());
        assert!(!clock("12am").unwrap().unwrap().is_midnight());
        assert!(!clock("0:00").unwrap().unwrap().is_midnight());
        assert_eq!(clock("nine"), Ok(None));
        assert_eq!(clock("24"), Err(ClockProblem::Hour(24)));
        assert_eq!(clock("9:75"), Err(ClockProblem::Minute(75)));
        assert_eq!(
            twelve_hour("13", true),
            Err(ClockProblem::TwelveHour {
                number: "13".to_owned(),
                pm: true
            })
        );
    }

    #[test]
    fn weekday_words_are_names_and_short_forms_but_plurals_only_for_schedules() {
        assert_eq!(weekday_word("TUES"), Some(Weekday::Tue));
        assert_eq!(weekday_word("thursday"), Some(Weekday::Thu));
        assert_eq!(weekday_word("tuesdays"), None);
        assert_eq!(parse_weekday("tuesdays"), Ok(Weekday::Tue));
        assert_eq!(parse_weekday("Tues."), Ok(Weekday::Tue));
    }

    #[test]
    fn months_are_read_by_name_and_abbreviation_and_named_in_full() {
        assert_eq!(month_word("sept"), Some(9));
        assert_eq!(month_word("december"), Some(12));
        assert_eq!(month_word("decem"), None);
        assert_eq!(month_name(1), "January");
        assert_eq!(month_name(12), "December");
        assert_eq!(month_name(13), "That month");
    }

    #[test]
    fn meetup_times_name_arizona_by_its_abbreviation_and_other_zones_by_theirs() {
        let at = utc("2026-12-05T23:30:00Z");
        let label = |tz: Tz| clock_label(&at.with_timezone(&tz));
        assert_eq!(label(Tz::America__New_York), "ET");
        assert_eq!(label(Tz::America__Phoenix), "MST");
        assert_eq!(label(Tz::America__Puerto_Rico), "AST");
        assert_eq!(label(Tz::Europe__London), "GMT");
        assert_eq!(zone_place(Tz::America__Phoenix), "MST");
        assert_eq!(zone_place(Tz::Europe__London), "Europe/London");
        let ny = zone_words(Tz::America__New_York, at);
        for word in ["et", "est", "edt"] {
            assert!(ny.contains(&word.to_owned()), "{ny:?}");
        }
        let london = Tz::Europe__London
            .with_ymd_and_hms(2026, 7, 4, 18, 0, 0)
            .unwrap();
        assert_eq!(clock_label(&london), "BST");
    }
}
