//! When a meetup starts: reading what an organizer types ("Dec 5 6:30pm", "next Tuesday 7pm",
//! "2026-12-05 18:30") as an instant, and describing an instant back ("Sat Dec 5, 18:30 ET").
//!
//! Everything typed is local wall-clock time in the meetup's zone; `now` is passed in.
//!
//! Rules:
//!
//! - A day needs a time ("Dec 5" alone is refused); a time alone means its next occurrence.
//! - Dates without a year mean the next such date that is not before today (local); if that is
//!   today and the time has passed, the answer is "in the past", not next year.
//! - A plain weekday ("Tuesday") is the next one, today included while its time is still ahead;
//!   "next Tuesday" is the Tuesday of the following Monday-to-Sunday week.
//! - "midnight" is the end of the named day (00:00 the day after); "12am" is its start.
//! - Local times the clocks skip (spring forward) or show twice (fall back) are refused, as are
//!   times before `now` and times more than 2 years after it.
//!
//! Pure rules: no clock, no store, no platform.

use chrono::{
    DateTime, Datelike, Days, Duration, MappedLocalTime, Months, NaiveDate, NaiveDateTime,
    NaiveTime, Offset, TimeZone, Utc, Weekday,
};
use chrono_tz::Tz;

/// How far ahead a meetup may be planned, in months.
const MAX_MONTHS_AHEAD: u32 = 24;

/// What to say when a day comes without a time.
const TIME_HINT: &str = "Give a time too, like 18:30 or 6:30pm.";

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

/// Zone abbreviations people add after a time ("6pm ET"); one that is not the meetup's zone is
/// refused rather than silently ignored.
const ZONE_WORDS: &[&str] = &[
    "et", "ct", "mt", "pt", "akt", "ht", "est", "edt", "cst", "cdt", "mst", "mdt", "pst", "pdt",
    "akst", "akdt", "hst", "hdt", "utc", "gmt",
];

/// A wall-clock time as typed; `next_day` is set for "midnight", the end of the named day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Clock {
    time: NaiveTime,
    next_day: bool,
}

/// The day part of what was typed, before it is pinned to a date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum DayText {
    /// No day given: the next time the clock shows the time.
    Unset,
    Today,
    Tomorrow,
    /// "Tuesday", "this Tuesday".
    Weekday(Weekday),
    /// "next Tuesday".
    NextWeekday(Weekday),
    /// A full date with its year.
    Date(NaiveDate),
    /// A date without a year.
    MonthDay {
        month: u32,
        day: u32,
    },
}

/// Reads when a meetup starts from what an organizer typed, as local time in `zone`.
///
/// Case and extra spaces do not matter; "at", "on" and commas may appear anywhere. Accepted:
///
/// - Dates: "2026-12-05", "2026-12-05T18:30", "12/5/2026", "12/05" (month/day), "Dec 5",
///   "December 5", "Dec 5, 2026", "5 Dec"; a leading weekday ("Sat Dec 5") must match the date.
/// - Days: "today", "tonight", "tomorrow", "Tuesday", "this Tuesday", "next Tuesday".
/// - Times, after or before the day: "18:30", "6:30pm", "6:30 pm", "6pm", "7 pm", "noon",
///   "midnight"; a trailing zone label equal to the meetup's zone ("ET", "EST") is allowed.
///
/// Which date is meant:
///
/// - No day: today if the time is still ahead, otherwise tomorrow.
/// - No year: the next such date that is not before today.
/// - "Tuesday": the next Tuesday, today included while the time is still ahead.
/// - "next Tuesday": the Tuesday of the following Monday-to-Sunday week. On Tuesday Dec 1,
///   "Tuesday" is Dec 1 and "next Tuesday" Dec 8; "Wednesday" is Dec 2 and "next Wednesday"
///   Dec 9; "Monday" and "next Monday" are both Dec 7, already in the following week.
/// - "midnight" is the end of the named day: "Dec 5 midnight" is 00:00 on Dec 6.
///
/// # Errors
///
/// A sentence saying what was wrong and what is accepted, for: unreadable text, a day without
/// a time, an impossible date or time ("Dec 45", "25:00"), a time before `now`, a local time the
/// clocks skip or show twice on that date (daylight saving), and a time more than 2 years ahead.
pub fn parse_when(text: &str, zone: Tz, now: DateTime<Utc>) -> Result<DateTime<Utc>, String> {
    let mut tokens = tokenize(text);
    let zone_word = take_zone_word(&mut tokens, zone, now);
    if tokens.is_empty() {
        return Err(unreadable());
    }
    let Some((clock, rest)) = take_clock(&tokens)? else {
        return Err(no_clock(&tokens));
    };
    let Some((day, stated)) = parse_day(rest)? else {
        return Err(unreadable());
    };
    let at = resolve(day, stated, clock, zone, now)?;
    if let Some(word) = zone_word
        && !zone_words(zone, at).contains(&word)
    {
        let place = zone_place(zone);
        return Err(format!(
            "Times here are read in {place}, not {}. Give the time in {place}, or leave the \
             zone out.",
            word.to_uppercase()
        ));
    }
    Ok(at)
}

/// A meetup's start as its members see it in `zone`, like "Sat Dec 5, 18:30 ET".
///
/// US zones get short labels (America/New_York "ET", America/Chicago "CT", America/Denver "MT",
/// America/Phoenix "MST", America/Los_Angeles "PT", America/Anchorage "AKT", Pacific/Honolulu
/// "HT"); other zones show their abbreviation at that instant ("GMT", "BST", "JST").
pub fn describe(at: DateTime<Utc>, zone: Tz) -> String {
    let local = at.with_timezone(&zone);
    format!(
        "{} {}",
        local.format("%a %b %-d, %H:%M"),
        zone_label(&local)
    )
}

/// Like [`describe`] with the year, for messages about far or past dates.
fn describe_with_year(at: DateTime<Utc>, zone: Tz) -> String {
    let local = at.with_timezone(&zone);
    format!(
        "{} {}",
        local.format("%a %b %-d, %Y, %H:%M"),
        zone_label(&local)
    )
}

/// The short label fixed for common US zones.
fn fixed_label(zone: Tz) -> Option<&'static str> {
    match zone {
        Tz::America__New_York => Some("ET"),
        Tz::America__Chicago => Some("CT"),
        Tz::America__Denver => Some("MT"),
        Tz::America__Phoenix => Some("MST"),
        Tz::America__Los_Angeles => Some("PT"),
        Tz::America__Anchorage => Some("AKT"),
        Tz::Pacific__Honolulu => Some("HT"),
        _ => None,
    }
}

/// The label shown after a local time.
fn zone_label(local: &DateTime<Tz>) -> String {
    fixed_label(local.timezone()).map_or_else(|| local.format("%Z").to_string(), str::to_owned)
}

/// How a zone is named in messages that are not about one instant.
fn zone_place(zone: Tz) -> String {
    fixed_label(zone).map_or_else(|| zone.name().to_owned(), str::to_owned)
}

/// Lowercase labels that name `zone` around `at`: its fixed label and its abbreviations half a
/// year either side (so "EST" and "EDT" both name New York all year).
fn zone_words(zone: Tz, at: DateTime<Utc>) -> Vec<String> {
    let half_year = Duration::days(182);
    let mut words: Vec<String> = fixed_label(zone)
        .map(str::to_lowercase)
        .into_iter()
        .collect();
    for instant in [
        Some(at),
        at.checked_add_signed(half_year),
        at.checked_sub_signed(half_year),
    ]
    .into_iter()
    .flatten()
    {
        words.push(
            instant
                .with_timezone(&zone)
                .format("%Z")
                .to_string()
                .to_lowercase(),
        );
    }
    words
}

/// Removes a trailing zone label ("ET", "PST"), returning it for checking once the instant is
/// known.
fn take_zone_word(tokens: &mut Vec<String>, zone: Tz, now: DateTime<Utc>) -> Option<String> {
    let last = tokens.last()?;
    let is_zone = ZONE_WORDS.contains(&last.as_str()) || zone_words(zone, now).contains(last);
    if is_zone { tokens.pop() } else { None }
}

/// Lowercase words, commas and filler ("at", "on") dropped, "a.m." read as "am", trailing dots
/// dropped, and an ISO "2026-12-05t18:30" split into its date and time.
fn tokenize(text: &str) -> Vec<String> {
    let lower = text
        .to_lowercase()
        .replace("a.m.", "am")
        .replace("p.m.", "pm")
        .replace(',', " ");
    let mut tokens = Vec::new();
    for word in lower.split_whitespace() {
        let word = word.trim_end_matches('.');
        if word.is_empty() || matches!(word, "at" | "@" | "on") {
            continue;
        }
        match word.split_once('t') {
            Some((date, time))
                if date.contains('-')
                    && date.chars().all(|c| c.is_ascii_digit() || c == '-')
                    && time.starts_with(|c: char| c.is_ascii_digit()) =>
            {
                tokens.push(date.to_owned());
                tokens.push(time.to_owned());
            }
            _ => tokens.push(word.to_owned()),
        }
    }
    tokens
}

/// The time at the end of the tokens, or else at their start, with the tokens left for the day.
fn take_clock(tokens: &[String]) -> Result<Option<(Clock, &[String])>, String> {
    let n = tokens.len();
    if n >= 2
        && let Some(pm) = meridiem(&tokens[n - 1])
    {
        if let Some(clock) = twelve_hour(&tokens[n - 2], pm)? {
            return Ok(Some((clock, &tokens[..n - 2])));
        }
    } else if let Some(clock) = clock_token(&tokens[n - 1])? {
        return Ok(Some((clock, &tokens[..n - 1])));
    }
    if n >= 2
        && let Some(pm) = meridiem(&tokens[1])
    {
        if let Some(clock) = twelve_hour(&tokens[0], pm)? {
            return Ok(Some((clock, &tokens[2..])));
        }
    } else if let Some(clock) = clock_token(&tokens[0])? {
        return Ok(Some((clock, &tokens[1..])));
    }
    Ok(None)
}

/// `Some(true)` for "pm", `Some(false)` for "am".
fn meridiem(token: &str) -> Option<bool> {
    match token {
        "am" => Some(false),
        "pm" => Some(true),
        _ => None,
    }
}

/// One token read as a time: `Ok(None)` if it does not look like one, an error if it does but
/// cannot be ("25:00").
fn clock_token(token: &str) -> Result<Option<Clock>, String> {
    match token {
        "noon" | "midday" => return Ok(Some(same_day(NaiveTime::MIN + Duration::hours(12)))),
        "midnight" => {
            return Ok(Some(Clock {
                time: NaiveTime::MIN,
                next_day: true,
            }));
        }
        _ => {}
    }
    if let Some(number) = token.strip_suffix("am") {
        return twelve_hour(number, false);
    }
    if let Some(number) = token.strip_suffix("pm") {
        return twelve_hour(number, true);
    }
    if token.contains(':') {
        return twenty_four_hour(token);
    }
    Ok(None)
}

/// A time on the named day itself.
fn same_day(time: NaiveTime) -> Clock {
    Clock {
        time,
        next_day: false,
    }
}

/// "6", "6:30" with am or pm.
fn twelve_hour(number: &str, pm: bool) -> Result<Option<Clock>, String> {
    let Some((hour, minute)) = hour_minute(number) else {
        return Ok(None);
    };
    if !(1..=12).contains(&hour) {
        let suffix = if pm { "pm" } else { "am" };
        return Err(format!(
            "Hours with am or pm run from 1 to 12, so {number}{suffix} is not a time. Write it \
             like 6:30pm or 18:30."
        ));
    }
    if minute > 59 {
        return Err(minute_error(minute));
    }
    let hour = hour % 12 + if pm { 12 } else { 0 };
    Ok(NaiveTime::from_hms_opt(hour, minute, 0).map(same_day))
}

/// "18:30", "6:05", "18:30:00".
fn twenty_four_hour(token: &str) -> Result<Option<Clock>, String> {
    let parts: Vec<&str> = token.split(':').collect();
    let (hour, minute, second) = match parts.as_slice() {
        [h, m] => (number(h, 2), two_digits(m), Some(0)),
        [h, m, s] => (number(h, 2), two_digits(m), two_digits(s)),
        _ => return Ok(None),
    };
    let (Some(hour), Some(minute), Some(second)) = (hour, minute, second) else {
        return Ok(None);
    };
    if hour > 23 {
        return Err(format!(
            "There is no hour {hour}. Hours run from 00 to 23, or from 1 to 12 with am or pm \
             (like 18:30 or 6:30pm)."
        ));
    }
    if minute > 59 {
        return Err(minute_error(minute));
    }
    Ok(NaiveTime::from_hms_opt(hour, minute, second).map(same_day))
}

/// The message for minutes past 59.
fn minute_error(minute: u32) -> String {
    format!("There is no minute {minute}. Minutes run from 00 to 59, like 18:30 or 6:05pm.")
}

/// "6" or "6:30" as hour and minute.
fn hour_minute(text: &str) -> Option<(u32, u32)> {
    match text.split_once(':') {
        Some((hour, minute)) => Some((number(hour, 2)?, two_digits(minute)?)),
        None => Some((number(text, 2)?, 0)),
    }
}

/// Up to `max_len` ASCII digits as a number.
fn number(text: &str, max_len: usize) -> Option<u32> {
    let digits =
        !text.is_empty() && text.len() <= max_len && text.bytes().all(|b| b.is_ascii_digit());
    if digits { text.parse().ok() } else { None }
}

/// Exactly two ASCII digits as a number.
fn two_digits(text: &str) -> Option<u32> {
    if text.len() == 2 {
        number(text, 2)
    } else {
        None
    }
}

/// A day of the month, "5" or "5th".
fn day_number(text: &str) -> Option<u32> {
    let digits = ["st", "nd", "rd", "th"]
        .iter()
        .find_map(|suffix| text.strip_suffix(suffix))
        .unwrap_or(text);
    number(digits, 2)
}

/// A four-digit year.
fn year_number(text: &str) -> Option<i32> {
    if text.len() == 4 {
        number(text, 4).and_then(|y| i32::try_from(y).ok())
    } else {
        None
    }
}

/// A month name or its abbreviation, as 1 to 12.
fn month_word(word: &str) -> Option<u32> {
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

/// A weekday name or its abbreviation.
fn weekday_word(word: &str) -> Option<Weekday> {
    Some(match word {
        "mon" | "monday" => Weekday::Mon,
        "tue" | "tues" | "tuesday" => Weekday::Tue,
        "wed" | "weds" | "wednesday" => Weekday::Wed,
        "thu" | "thur" | "thurs" | "thursday" => Weekday::Thu,
        "fri" | "friday" => Weekday::Fri,
        "sat" | "saturday" => Weekday::Sat,
        "sun" | "sunday" => Weekday::Sun,
        _ => return None,
    })
}

/// A weekday's full name.
fn weekday_name(weekday: Weekday) -> &'static str {
    match weekday {
        Weekday::Mon => "Monday",
        Weekday::Tue => "Tuesday",
        Weekday::Wed => "Wednesday",
        Weekday::Thu => "Thursday",
        Weekday::Fri => "Friday",
        Weekday::Sat => "Saturday",
        Weekday::Sun => "Sunday",
    }
}

/// The name of month 1 to 12.
fn month_name(month: u32) -> &'static str {
    let index = usize::try_from(month.saturating_sub(1)).unwrap_or(0);
    MONTH_NAMES.get(index).copied().unwrap_or("That month")
}

/// The day part of the tokens, with a weekday stated before an explicit date ("Sat Dec 5").
/// `Ok(None)` if the tokens are no day at all.
fn parse_day(tokens: &[String]) -> Result<Option<(DayText, Option<Weekday>)>, String> {
    let words: Vec<&str> = tokens.iter().map(String::as_str).collect();
    let day = match words.as_slice() {
        [] => DayText::Unset,
        ["today" | "tonight"] => DayText::Today,
        ["tomorrow" | "tmrw" | "tmr"] => DayText::Tomorrow,
        ["this", word] | [word] if weekday_word(word).is_some() => {
            return Ok(weekday_word(word).map(|w| (DayText::Weekday(w), None)));
        }
        ["next", word] => return Ok(weekday_word(word).map(|w| (DayText::NextWeekday(w), None))),
        [first, rest @ ..] if !rest.is_empty() && weekday_word(first).is_some() => {
            return Ok(parse_date(rest)?.map(|day| (day, weekday_word(first))));
        }
        _ => return Ok(parse_date(&words)?.map(|day| (day, None))),
    };
    Ok(Some((day, None)))
}

/// An explicit date: numeric, or with a month name.
fn parse_date(words: &[&str]) -> Result<Option<DayText>, String> {
    match words {
        [one] => numeric_date(one),
        [a, b] => match month_and_day(a, b) {
            Some((month, day)) => month_day(month, day).map(Some),
            None => Ok(None),
        },
        [a, b, c] => match (month_and_day(a, b), year_number(c)) {
            (Some((month, day)), Some(year)) => full_date(year, month, day, "").map(Some),
            _ => Ok(None),
        },
        _ => Ok(None),
    }
}

/// "Dec 5" or "5 Dec" as month and day.
fn month_and_day(a: &str, b: &str) -> Option<(u32, u32)> {
    match (month_word(a), day_number(b)) {
        (Some(month), Some(day)) => Some((month, day)),
        _ => Some((month_word(b)?, day_number(a)?)),
    }
}

/// "2026-12-05", "12/5/2026", "12/5/26", "12/05".
fn numeric_date(word: &str) -> Result<Option<DayText>, String> {
    const DASH_HINT: &str = " Dates with dashes are year-month-day, like 2026-12-05.";
    const SLASH_HINT: &str = " Dates with slashes are month/day, like 12/5/2026 or 12/05.";
    let dashes: Vec<&str> = word.split('-').collect();
    if let [year, month, day] = dashes.as_slice() {
        return match (year_number(year), number(month, 2), number(day, 2)) {
            (Some(year), Some(month), Some(day)) => {
                full_date(year, month, day, DASH_HINT).map(Some)
            }
            _ => Ok(None),
        };
    }
    let slashes: Vec<&str> = word.split('/').collect();
    let (month, day, year) = match slashes.as_slice() {
        [month, day] => (number(month, 2), number(day, 2), None),
        [month, day, year] => {
            let year = match year.len() {
                4 => year_number(year),
                2 => number(year, 2)
                    .and_then(|y| i32::try_from(y).ok())
                    .map(|y| 2000 + y),
                _ => return Ok(None),
            };
            match year {
                Some(year) => (number(month, 2), number(day, 2), Some(year)),
                None => return Ok(None),
            }
        }
        _ => return Ok(None),
    };
    let (Some(month), Some(day)) = (month, day) else {
        return Ok(None);
    };
    if !(1..=12).contains(&month) {
        return Err(format!("There is no month {month}.{SLASH_HINT}"));
    }
    match year {
        Some(year) => full_date(year, month, day, SLASH_HINT).map(Some),
        None => month_day(month, day).map(Some),
    }
}

/// A date without a year, checked against the longest that month can be.
fn month_day(month: u32, day: u32) -> Result<DayText, String> {
    // 2024 is a leap year: February 29 exists in some year.
    let last = last_day(2024, month);
    if day == 0 || day > last {
        let name = month_name(month);
        return Err(format!(
            "{name} has no day {day}. Days in {name} run from 1 to {last}."
        ));
    }
    Ok(DayText::MonthDay { month, day })
}

/// A date with its year, checked.
fn full_date(year: i32, month: u32, day: u32, hint: &str) -> Result<DayText, String> {
    if !(1..=12).contains(&month) {
        return Err(format!("There is no month {month}.{hint}"));
    }
    match NaiveDate::from_ymd_opt(year, month, day) {
        Some(date) => Ok(DayText::Date(date)),
        None => {
            let name = month_name(month);
            let last = last_day(year, month);
            Err(format!(
                "{name} {year} has no day {day}. Days in {name} {year} run from 1 to {last}."
            ))
        }
    }
}

/// The last day of a month (28 to 31).
fn last_day(year: i32, month: u32) -> u32 {
    (28..=31)
        .rev()
        .find(|&d| NaiveDate::from_ymd_opt(year, month, d).is_some())
        .unwrap_or(28)
}

/// Why tokens with no time in them were refused.
fn no_clock(tokens: &[String]) -> String {
    match parse_day(tokens) {
        Err(message) => return message,
        Ok(Some((day, _))) if day != DayText::Unset => {
            return format!("That has a day but no time. {TIME_HINT}");
        }
        _ => {}
    }
    if let Some((last, rest)) = tokens.split_last()
        && let Some(hour) = number(last, 2)
        && matches!(parse_day(rest), Ok(Some(_)))
    {
        return match hour {
            1..=12 => format!(
                "Is {hour} in the morning or the evening? Write {hour}am, {hour}pm or {}:00.",
                hour % 12 + 12
            ),
            0 | 13..=23 => format!("Write the time with minutes, like {hour:02}:00."),
            _ => unreadable(),
        };
    }
    unreadable()
}

/// The message for text that is no date and time at all, listing what is accepted.
fn unreadable() -> String {
    "I couldn't read that as a date and time. Write the day, then the time, like one of these: \
     2026-12-05 18:30, 12/5/2026 6:30pm, 12/05 18:30, Dec 5 6:30pm, 5 Dec 18:30, today 7pm, \
     tonight 7pm, tomorrow 18:30, Tuesday 7pm or next Tuesday 7pm. Times can be written 18:30, \
     6:30pm, 6pm, noon or midnight."
        .to_owned()
}

/// The message for dates beyond chrono's calendar.
fn out_of_range() -> String {
    format!("That is too far ahead. Meetups can be planned up to {MAX_MONTHS_AHEAD} months out.")
}

/// Pins the day to a date and the date and time to an instant.
fn resolve(
    day: DayText,
    stated: Option<Weekday>,
    clock: Clock,
    zone: Tz,
    now: DateTime<Utc>,
) -> Result<DateTime<Utc>, String> {
    let local_now = now.with_timezone(&zone).naive_local();
    let today = local_now.date();
    let date = match day {
        DayText::Unset => rolling(today, 1, clock, local_now)?,
        DayText::Today => today,
        DayText::Tomorrow => add_days(today, 1)?,
        DayText::Weekday(weekday) => rolling(on_or_after(today, weekday)?, 7, clock, local_now)?,
        DayText::NextWeekday(weekday) => next_week(today, weekday)?,
        DayText::Date(date) => date,
        DayText::MonthDay { month, day } => next_month_day(today, month, day)?,
    };
    if let Some(stated) = stated
        && date.weekday() != stated
    {
        return Err(format!(
            "{} is a {}, not a {}. Check the date, or leave the weekday out.",
            date.format("%b %-d, %Y"),
            weekday_name(date.weekday()),
            weekday_name(stated)
        ));
    }
    exact(date, clock, zone, now)
}

/// `first`, or `step` days later if the time has already passed on `first`.
fn rolling(
    first: NaiveDate,
    step: u64,
    clock: Clock,
    local_now: NaiveDateTime,
) -> Result<NaiveDate, String> {
    if local(first, clock)? < local_now {
        add_days(first, step)
    } else {
        Ok(first)
    }
}

/// `date` plus `days` days.
fn add_days(date: NaiveDate, days: u64) -> Result<NaiveDate, String> {
    date.checked_add_days(Days::new(days))
        .ok_or_else(out_of_range)
}

/// The first `weekday` on or after `today`.
fn on_or_after(today: NaiveDate, weekday: Weekday) -> Result<NaiveDate, String> {
    let ahead = (7 + weekday.num_days_from_monday() - today.weekday().num_days_from_monday()) % 7;
    add_days(today, u64::from(ahead))
}

/// The `weekday` of the Monday-to-Sunday week after the one holding `today`.
fn next_week(today: NaiveDate, weekday: Weekday) -> Result<NaiveDate, String> {
    let since_monday = today.weekday().num_days_from_monday();
    let ahead = 7 + weekday.num_days_from_monday() - since_monday;
    add_days(today, u64::from(ahead))
}

/// The first `month`/`day` on or after `today` (February 29 waits for a leap year).
fn next_month_day(today: NaiveDate, month: u32, day: u32) -> Result<NaiveDate, String> {
    (today.year()..=today.year().saturating_add(8))
        .filter_map(|year| NaiveDate::from_ymd_opt(year, month, day))
        .find(|date| *date >= today)
        .ok_or_else(out_of_range)
}

/// The local date and time a clock reading on `date` means.
fn local(date: NaiveDate, clock: Clock) -> Result<NaiveDateTime, String> {
    let date = if clock.next_day {
        add_days(date, 1)?
    } else {
        date
    };
    Ok(date.and_time(clock.time))
}

/// The instant of `clock` on `date` in `zone`, refused if the clocks skip it or show it twice,
/// or if it is before `now` or too far after it.
fn exact(
    date: NaiveDate,
    clock: Clock,
    zone: Tz,
    now: DateTime<Utc>,
) -> Result<DateTime<Utc>, String> {
    let naive = local(date, clock)?;
    match zone.from_local_datetime(&naive) {
        MappedLocalTime::Single(at) => within_range(at.with_timezone(&Utc), zone, now),
        MappedLocalTime::None => Err(gap_message(naive, zone)),
        MappedLocalTime::Ambiguous(earlier, later) => {
            let shift =
                earlier.offset().fix().local_minus_utc() - later.offset().fix().local_minus_utc();
            Err(overlap_message(naive, shift, zone))
        }
    }
}

/// Refuses instants before `now` or more than 2 years after it.
fn within_range(at: DateTime<Utc>, zone: Tz, now: DateTime<Utc>) -> Result<DateTime<Utc>, String> {
    if at < now {
        return Err(format!(
            "That is in the past ({}). Give a time that is still to come.",
            describe_with_year(at, zone)
        ));
    }
    let too_far = now
        .checked_add_months(Months::new(MAX_MONTHS_AHEAD))
        .is_none_or(|limit| at > limit);
    if too_far {
        return Err(format!(
            "That is more than 2 years ahead ({}). Meetups can be planned up to 2 years out.",
            describe_with_year(at, zone)
        ));
    }
    Ok(at)
}

/// Seconds east of UTC at a local time (the earlier reading if it happens twice).
fn offset_at(zone: Tz, naive: Option<NaiveDateTime>) -> Option<i32> {
    let at = zone.from_local_datetime(&naive?).earliest()?;
    Some(at.offset().fix().local_minus_utc())
}

/// Why a local time inside a spring-forward gap was refused.
fn gap_message(naive: NaiveDateTime, zone: Tz) -> String {
    let half_day = Duration::hours(12);
    let before = offset_at(zone, naive.checked_sub_signed(half_day));
    let after = offset_at(zone, naive.checked_add_signed(half_day));
    let shift = match (before, after) {
        (Some(before), Some(after)) if after > before => after - before,
        _ => 3600,
    };
    format!(
        "On {} the clocks in {} skip {} (they jump forward), so {} never happens that day. {}",
        naive.format("%a %b %-d, %Y"),
        zone_place(zone),
        amount(shift),
        naive.format("%H:%M"),
        suggestions(naive, shift, zone, "Try")
    )
}

/// Why a local time inside a fall-back overlap was refused.
fn overlap_message(naive: NaiveDateTime, shift: i32, zone: Tz) -> String {
    let shift = if shift > 0 { shift } else { 3600 };
    format!(
        "On {} the clocks in {} go back {}, so {} happens twice that day. {}",
        naive.format("%a %b %-d, %Y"),
        zone_place(zone),
        amount(shift),
        naive.format("%H:%M"),
        suggestions(naive, shift, zone, "Pick another time, like")
    )
}

/// Nearby local times that happen exactly once: `shift` seconds later and earlier.
fn suggestions(naive: NaiveDateTime, shift: i32, zone: Tz, lead: &str) -> String {
    let shift = Duration::seconds(i64::from(shift));
    let times: Vec<String> = [
        naive.checked_add_signed(shift),
        naive.checked_sub_signed(shift),
    ]
    .into_iter()
    .flatten()
    .filter(|t| matches!(zone.from_local_datetime(t), MappedLocalTime::Single(_)))
    .map(|t| {
        if t.date() == naive.date() {
            t.format("%H:%M").to_string()
        } else {
            t.format("%H:%M on %a %b %-d").to_string()
        }
    })
    .collect();
    if times.is_empty() {
        "Pick another time.".to_owned()
    } else {
        format!("{lead} {}.", times.join(" or "))
    }
}

/// "an hour", "30 minutes", "2 hours", "1 hour 30 minutes".
fn amount(seconds: i32) -> String {
    let (hours, minutes) = (seconds / 3600, seconds % 3600 / 60);
    match (hours, minutes) {
        (1, 0) => "an hour".to_owned(),
        (0, m) => format!("{m} minutes"),
        (h, 0) => format!("{h} hours"),
        (h, m) => format!("{h} hour{} {m} minutes", if h == 1 { "" } else { "s" }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NY: Tz = Tz::America__New_York;

    /// Tuesday, December 1, 2026, 10:00 in New York.
    fn now() -> DateTime<Utc> {
        utc(2026, 12, 1, 15, 0)
    }

    fn utc(year: i32, month: u32, day: u32, hour: u32, minute: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(year, month, day, hour, minute, 0)
            .single()
            .expect("a real instant")
    }

    /// An instant given as New York local time.
    fn ny(year: i32, month: u32, day: u32, hour: u32, minute: u32) -> DateTime<Utc> {
        NY.with_ymd_and_hms(year, month, day, hour, minute, 0)
            .single()
            .expect("a single local time")
            .with_timezone(&Utc)
    }

    fn read_at(text: &str, now: DateTime<Utc>) -> DateTime<Utc> {
        parse_when(text, NY, now).unwrap_or_else(|e| panic!("{text:?} was refused: {e}"))
    }

    fn read(text: &str) -> DateTime<Utc> {
        read_at(text, now())
    }

    fn refuse_at(text: &str, now: DateTime<Utc>) -> String {
        match parse_when(text, NY, now) {
            Ok(at) => panic!("{text:?} was read as {at}"),
            Err(message) => message,
        }
    }

    fn refuse(text: &str) -> String {
        refuse_at(text, now())
    }

    #[test]
    fn the_fixed_now_is_a_tuesday_morning_in_new_york() {
        let local = now().with_timezone(&NY);
        assert_eq!(local.weekday(), Weekday::Tue);
        assert_eq!(local.format("%H:%M").to_string(), "10:00");
    }

    #[test]
    fn an_iso_date_with_a_24_hour_time_is_read_as_local_time() {
        assert_eq!(read("2026-12-05 18:30"), utc(2026, 12, 5, 23, 30));
    }

    #[test]
    fn an_iso_date_with_a_t_separator_is_read() {
        assert_eq!(read("2026-12-05T18:30"), ny(2026, 12, 5, 18, 30));
    }

    #[test]
    fn an_iso_date_with_a_12_hour_time_is_read() {
        assert_eq!(read("2026-12-05 6:30pm"), ny(2026, 12, 5, 18, 30));
        assert_eq!(read("2026-12-05 6:30 p.m."), ny(2026, 12, 5, 18, 30));
    }

    #[test]
    fn a_us_slash_date_with_a_year_is_month_first() {
        assert_eq!(read("12/5/2026 6:30pm"), ny(2026, 12, 5, 18, 30));
        assert_eq!(read("1/2/27 9am"), ny(2027, 1, 2, 9, 0));
    }

    #[test]
    fn a_slash_date_without_a_year_is_the_next_such_date() {
        assert_eq!(read("12/05 18:30"), ny(2026, 12, 5, 18, 30));
        assert_eq!(read("11/20 18:30"), ny(2027, 11, 20, 18, 30));
    }

    #[test]
    fn a_short_month_name_with_a_12_hour_time_is_read() {
        assert_eq!(read("Dec 5 6:30pm"), ny(2026, 12, 5, 18, 30));
        assert_eq!(read("Dec 5th at 6pm"), ny(2026, 12, 5, 18, 0));
    }

    #[test]
    fn a_full_month_name_with_a_24_hour_time_is_read() {
        assert_eq!(read("December 5 18:30"), ny(2026, 12, 5, 18, 30));
    }

    #[test]
    fn a_month_name_with_a_comma_a_year_and_a_spaced_pm_is_read() {
        assert_eq!(read("Dec 5, 2026 6:30 pm"), ny(2026, 12, 5, 18, 30));
    }

    #[test]
    fn a_day_before_the_month_name_is_read() {
        assert_eq!(read("5 Dec 18:30"), ny(2026, 12, 5, 18, 30));
    }

    #[test]
    fn a_january_date_typed_in_december_is_next_year() {
        assert_eq!(read("Jan 3 7pm"), ny(2027, 1, 3, 19, 0));
    }

    #[test]
    fn february_29_without_a_year_waits_for_a_leap_year() {
        assert_eq!(read("2/29 6pm"), ny(2028, 2, 29, 18, 0));
    }

    #[test]
    fn today_and_tonight_are_the_local_date() {
        assert_eq!(read("today 7pm"), ny(2026, 12, 1, 19, 0));
        assert_eq!(read("tonight 7pm"), ny(2026, 12, 1, 19, 0));
    }

    #[test]
    fn today_follows_the_local_date_not_the_utc_date() {
        // 03:00 UTC on Dec 1 is still 22:00 on Nov 30 in New York.
        assert_eq!(
            read_at("today 11pm", utc(2026, 12, 1, 3, 0)),
            ny(2026, 11, 30, 23, 0)
        );
    }

    #[test]
    fn tomorrow_is_the_next_local_date() {
        assert_eq!(read("tomorrow 18:30"), ny(2026, 12, 2, 18, 30));
    }

    #[test]
    fn tomorrow_rolls_over_the_month_and_the_year() {
        assert_eq!(
            read_at("tomorrow 9am", ny(2026, 11, 30, 12, 0)),
            ny(2026, 12, 1, 9, 0)
        );
        assert_eq!(
            read_at("tomorrow 9am", ny(2026, 12, 31, 12, 0)),
            ny(2027, 1, 1, 9, 0)
        );
    }

    #[test]
    fn a_plain_weekday_is_today_while_its_time_is_still_ahead() {
        assert_eq!(read("Tuesday 7pm"), ny(2026, 12, 1, 19, 0));
        assert_eq!(read("this tues 7pm"), ny(2026, 12, 1, 19, 0));
    }

    #[test]
    fn a_plain_weekday_is_a_week_away_once_its_time_has_passed_today() {
        assert_eq!(read("Tuesday 9am"), ny(2026, 12, 8, 9, 0));
    }

    #[test]
    fn a_plain_weekday_later_this_week_is_that_day() {
        assert_eq!(read("Wednesday 7pm"), ny(2026, 12, 2, 19, 0));
        assert_eq!(read("Sunday 7pm"), ny(2026, 12, 6, 19, 0));
    }

    #[test]
    fn next_weekday_is_that_day_of_the_following_week() {
        assert_eq!(read("next Tuesday 7pm"), ny(2026, 12, 8, 19, 0));
        assert_eq!(read("next Wednesday 7pm"), ny(2026, 12, 9, 19, 0));
        assert_eq!(read("next Sunday 7pm"), ny(2026, 12, 13, 19, 0));
    }

    #[test]
    fn next_monday_and_monday_agree_when_monday_is_already_in_the_following_week() {
        assert_eq!(read("Monday 7pm"), ny(2026, 12, 7, 19, 0));
        assert_eq!(read("next Monday 7pm"), ny(2026, 12, 7, 19, 0));
    }

    #[test]
    fn next_weekday_typed_on_a_sunday_is_at_most_a_week_and_a_day_away() {
        let sunday = ny(2026, 12, 6, 12, 0);
        assert_eq!(read_at("next Monday 7pm", sunday), ny(2026, 12, 7, 19, 0));
        assert_eq!(read_at("next Sunday 7pm", sunday), ny(2026, 12, 13, 19, 0));
        assert_eq!(read_at("Sunday 7pm", sunday), ny(2026, 12, 6, 19, 0));
    }

    #[test]
    fn a_weekday_reaches_into_the_next_month_and_year() {
        assert_eq!(
            read_at("Tuesday 7pm", ny(2026, 11, 28, 12, 0)),
            ny(2026, 12, 1, 19, 0)
        );
        assert_eq!(
            read_at("next Friday 7pm", ny(2026, 12, 29, 12, 0)),
            ny(2027, 1, 8, 19, 0)
        );
    }

    #[test]
    fn a_time_alone_is_today_if_still_ahead_and_tomorrow_otherwise() {
        assert_eq!(read("18:30"), ny(2026, 12, 1, 18, 30));
        assert_eq!(read("9am"), ny(2026, 12, 2, 9, 0));
    }

    #[test]
    fn every_time_form_is_read() {
        let cases = [
            ("tomorrow 18:30", 18, 30),
            ("tomorrow 6:30pm", 18, 30),
            ("tomorrow 6pm", 18, 0),
            ("tomorrow 7 pm", 19, 0),
            ("tomorrow 6:05am", 6, 5),
            ("tomorrow noon", 12, 0),
            ("tomorrow 12pm", 12, 0),
            ("tomorrow 12am", 0, 0),
            ("tomorrow 07:45", 7, 45),
        ];
        for (text, hour, minute) in cases {
            assert_eq!(read(text), ny(2026, 12, 2, hour, minute), "{text}");
        }
    }

    #[test]
    fn the_time_may_come_before_the_day() {
        assert_eq!(read("7pm tomorrow"), ny(2026, 12, 2, 19, 0));
        assert_eq!(read("noon on Dec 5"), ny(2026, 12, 5, 12, 0));
        assert_eq!(read("7 pm next Tuesday"), ny(2026, 12, 8, 19, 0));
    }

    #[test]
    fn midnight_is_the_end_of_the_named_day() {
        assert_eq!(read("tonight midnight"), ny(2026, 12, 2, 0, 0));
        assert_eq!(read("Dec 5 midnight"), ny(2026, 12, 6, 0, 0));
        assert_eq!(read("midnight"), ny(2026, 12, 2, 0, 0));
    }

    #[test]
    fn case_and_extra_spaces_do_not_matter() {
        assert_eq!(read("  DEC   5 ,  6:30PM  "), ny(2026, 12, 5, 18, 30));
        assert_eq!(read("Next   TUESDAY   7 PM"), ny(2026, 12, 8, 19, 0));
    }

    #[test]
    fn a_time_earlier_today_is_refused_with_its_local_time() {
        let message = refuse("today 9am");
        assert!(message.starts_with("That is in the past ("), "{message}");
        assert!(message.contains("Tue Dec 1, 2026, 09:00 ET"), "{message}");
    }

    #[test]
    fn a_date_without_a_year_that_is_today_does_not_jump_a_year_when_its_time_has_passed() {
        assert!(refuse("12/01 9am").starts_with("That is in the past"));
        assert_eq!(read("12/01 7pm"), ny(2026, 12, 1, 19, 0));
    }

    #[test]
    fn a_date_in_an_earlier_year_is_refused_as_past() {
        let message = refuse("2025-12-05 18:30");
        assert!(
            message.contains("in the past (Fri Dec 5, 2025, 18:30 ET)"),
            "{message}"
        );
    }

    #[test]
    fn a_time_the_clocks_skip_in_spring_is_refused_with_times_that_exist() {
        let message = refuse("2027-03-14 02:30");
        assert!(message.contains("Sun Mar 14, 2027"), "{message}");
        assert!(message.contains("skip an hour"), "{message}");
        assert!(message.contains("Try 03:30 or 01:30."), "{message}");
    }

    #[test]
    fn a_time_the_clocks_show_twice_in_autumn_is_refused() {
        let october = ny(2026, 10, 1, 12, 0);
        let message = refuse_at("2026-11-01 01:30", october);
        assert!(message.contains("happens twice"), "{message}");
        assert!(
            message.contains("Pick another time, like 02:30 or 00:30."),
            "{message}"
        );
        assert!(refuse("Nov 7, 2027 1:30am").contains("happens twice"));
    }

    #[test]
    fn a_date_more_than_two_years_ahead_is_refused() {
        let message = refuse("Dec 5, 2029 7pm");
        assert!(
            message.starts_with("That is more than 2 years ahead"),
            "{message}"
        );
        assert!(refuse("2028-12-05 18:30").contains("2 years ahead"));
        assert_eq!(read("2028-11-30 18:00"), ny(2028, 11, 30, 18, 0));
    }

    #[test]
    fn unreadable_text_lists_the_accepted_forms() {
        for text in [
            "sometime",
            "",
            "   ",
            "soon-ish",
            "the 5th of never",
            "Dec 5 7pm 8pm",
        ] {
            let message = refuse(text);
            assert!(message.contains("2026-12-05 18:30"), "{text}: {message}");
            assert!(message.contains("next Tuesday 7pm"), "{text}: {message}");
        }
    }

    #[test]
    fn an_impossible_day_of_the_month_is_refused() {
        assert_eq!(
            refuse("Dec 45 7pm"),
            "December has no day 45. Days in December run from 1 to 31."
        );
        let message = refuse("2/30/2027 6pm");
        assert!(
            message.starts_with("February 2027 has no day 30."),
            "{message}"
        );
        assert!(refuse("Feb 29, 2027 6pm").contains("February 2027 has no day 29"));
    }

    #[test]
    fn an_impossible_month_is_refused_with_the_order_of_the_numbers() {
        assert!(refuse("25/12/2026 6pm").contains("Dates with slashes are month/day"));
        assert!(refuse("2026-13-01 18:00").contains("Dates with dashes are year-month-day"));
    }

    #[test]
    fn an_impossible_time_is_refused() {
        assert!(refuse("25:00").starts_with("There is no hour 25."));
        assert!(refuse("tomorrow 24:00").starts_with("There is no hour 24."));
        assert!(refuse("tomorrow 18:75").starts_with("There is no minute 75."));
        assert!(refuse("tomorrow 13pm").contains("Hours with am or pm run from 1 to 12"));
    }

    #[test]
    fn a_day_without_a_time_asks_for_a_time() {
        for text in [
            "tomorrow",
            "Dec 5",
            "Tuesday",
            "next Tuesday",
            "2026-12-05",
            "12/5/2026",
        ] {
            assert_eq!(
                refuse(text),
                "That has a day but no time. Give a time too, like 18:30 or 6:30pm.",
                "{text}"
            );
        }
    }

    #[test]
    fn an_hour_without_minutes_or_am_pm_asks_which_is_meant() {
        assert_eq!(
            refuse("tomorrow 7"),
            "Is 7 in the morning or the evening? Write 7am, 7pm or 19:00."
        );
        assert!(refuse("Dec 5 18").contains("like 18:00"));
    }

    #[test]
    fn a_weekday_before_a_date_must_match_it() {
        assert_eq!(read("Sat Dec 5 6:30pm"), ny(2026, 12, 5, 18, 30));
        assert_eq!(
            refuse("Friday Dec 5 6:30pm"),
            "Dec 5, 2026 is a Saturday, not a Friday. Check the date, or leave the weekday out."
        );
    }

    #[test]
    fn a_zone_label_is_allowed_only_for_the_meetup_zone() {
        assert_eq!(read("Dec 5 6:30pm ET"), ny(2026, 12, 5, 18, 30));
        assert_eq!(read("Dec 5 6:30pm EST"), ny(2026, 12, 5, 18, 30));
        assert_eq!(
            refuse("Dec 5 6:30pm PT"),
            "Times here are read in ET, not PT. Give the time in ET, or leave the zone out."
        );
    }

    #[test]
    fn describe_shows_the_local_time_with_a_short_us_zone_label() {
        let at = utc(2026, 12, 5, 23, 30);
        assert_eq!(describe(at, NY), "Sat Dec 5, 18:30 ET");
        assert_eq!(describe(at, Tz::America__Chicago), "Sat Dec 5, 17:30 CT");
        assert_eq!(describe(at, Tz::America__Denver), "Sat Dec 5, 16:30 MT");
        assert_eq!(describe(at, Tz::America__Phoenix), "Sat Dec 5, 16:30 MST");
        assert_eq!(
            describe(at, Tz::America__Los_Angeles),
            "Sat Dec 5, 15:30 PT"
        );
        assert_eq!(describe(at, Tz::America__Anchorage), "Sat Dec 5, 14:30 AKT");
        assert_eq!(describe(at, Tz::Pacific__Honolulu), "Sat Dec 5, 13:30 HT");
    }

    #[test]
    fn describe_falls_back_to_the_zone_abbreviation_elsewhere() {
        assert_eq!(
            describe(utc(2026, 12, 5, 18, 30), Tz::Europe__London),
            "Sat Dec 5, 18:30 GMT"
        );
        assert_eq!(
            describe(utc(2026, 7, 4, 17, 0), Tz::Europe__London),
            "Sat Jul 4, 18:00 BST"
        );
    }

    #[test]
    fn what_describe_shows_reads_back_as_the_same_instant() {
        for zone in [
            NY,
            Tz::America__Phoenix,
            Tz::Pacific__Honolulu,
            Tz::Europe__London,
        ] {
            let at = utc(2027, 6, 12, 23, 15);
            let text = describe(at, zone);
            assert_eq!(parse_when(&text, zone, now()), Ok(at), "{text}");
        }
    }

    #[test]
    fn other_zones_read_their_own_local_time() {
        let chicago = Tz::America__Chicago;
        assert_eq!(
            parse_when("Dec 5 6:30pm", chicago, now()),
            Ok(utc(2026, 12, 6, 0, 30))
        );
    }
}
