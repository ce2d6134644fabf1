//! When a meetup starts: reading what an organizer types ("Dec 5 6:30pm", "next Tuesday 7pm",
//! "2026-12-05 18:30") as an instant, and describing an instant back ("Sat Dec 5, 18:30 ET").
//!
//! Everything typed is local wall-clock time in the meetup's zone; `now` is passed in.
//!
//! Rules:
//!
//! - A day needs a time ("Dec 5" alone is refused); a time alone means its next occurrence.
//! - Dates without a year mean the nearest such date. If that has passed ("Dec 5" typed on
//!   December 7), nothing is guessed: the organizer is asked to add the year. A date that is
//!   closer next year ("Jan 5" typed in December) is next year, and shown with its year. If the
//!   date is today and the time has passed, the answer is "in the past", not next year.
//! - A plain weekday ("Tuesday") is the next one, today included while its time is still ahead;
//!   "next Tuesday" is the Tuesday of the following Monday-to-Sunday week, so on a Monday it is
//!   8 days away. Relative words are echoed back with the date and how far away it is, and
//!   "next Tuesday" also names "this Tuesday" when they differ, so either reading is seen.
//! - A zone may follow the time ("6:30pm PT", "7pm Central"): it is the meetup's zone, as `tz:`
//!   would be; naming one zone in the time and another in `tz:` is refused.
//! - "midnight" is the end of the named day (00:00 the day after); "12am" is its start.
//! - Local times the clocks skip (spring forward) or show twice (fall back) are refused, as are
//!   times before `now` and times more than 2 years after it.
//!
//! Pure rules: no clock, no store, no platform.

use chrono::{
    DateTime, Datelike, Days, MappedLocalTime, Months, NaiveDate, NaiveDateTime, Offset, TimeZone,
    Timelike, Utc, Weekday,
};
use chrono_tz::Tz;

use self::daylight::{gap_message, overlap_message};
use super::input::InputError;
use super::time_words::{
    self, Clock, ClockForm, ClockProblem, clock_label, digits, month_name, month_word, twelve_hour,
    weekday_name, weekday_word, zone_place, zone_words,
};

/// How far ahead a meetup may be planned, in months.
const MAX_MONTHS_AHEAD: u32 = 24;

/// What to say when a day comes without a time.
const TIME_HINT: &str = "Give a time too, like 18:30 or 6:30pm.";

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
    /// "in 3 days", "in 2 weeks", "in a week": `days` from today; `weeks` says how it was put.
    InDays {
        days: u32,
        weeks: bool,
    },
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
/// - Days: "today", "tonight", "tomorrow", "Tuesday", "this Tuesday", "next Tuesday",
///   "in 3 days", "in 2 weeks", "in a week".
/// - Times, after or before the day, as [`time_words::clock`] reads them: "18:30", "6:30pm",
///   "6:30 pm", "6pm", "7 pm", "noon", "midday", "midnight"; a zone may follow the time or end
///   the text ("6:30pm PT", "7pm Eastern time"); here it must be `zone` (see [`read_when`]).
/// - A bare hour is a time where it cannot be part of the day and cannot be morning or evening:
///   "tomorrow 18" and "Dec 5 0" are 18:00 and 00:00, while "Dec 9" stays a day (and asks for a
///   time) and "tomorrow 7" asks whether 7am or 7pm is meant, since an announcement goes to
///   everyone.
///
/// Which date is meant:
///
/// - No day: today if the time is still ahead, otherwise tomorrow.
/// - No year: the nearest such date; one that has passed (nearer last time than next) is
///   refused with a question ("December 5 has passed. Did you mean December 5, 2027? Add the
///   year to confirm."), never moved silently to next year.
/// - "Tuesday": the next Tuesday, today included while the time is still ahead.
/// - "next Tuesday": the Tuesday of the following Monday-to-Sunday week. On Tuesday Dec 1,
///   "Tuesday" is Dec 1 and "next Tuesday" Dec 8; "Wednesday" is Dec 2 and "next Wednesday"
///   Dec 9; "Monday" and "next Monday" are both Dec 7, already in the following week. On a
///   Monday, "next Tuesday" is 8 days away (the echo of [`read_when`] names both Tuesdays).
/// - "midnight" is the end of the named day: "Dec 5 midnight" is 00:00 on Dec 6.
///
/// # Errors
///
/// What was wrong and what is accepted, for: unreadable text, a day without a time, an
/// impossible date or time ("Dec 45", "25:00"), a date without a year that has passed, a
/// zone other than `zone` named in the text, a time before `now`, a local time the clocks
/// skip or show twice on that date (daylight saving), and a time more than 2 years ahead.
pub fn parse_when(text: &str, zone: Tz, now: DateTime<Utc>) -> Result<DateTime<Utc>, InputError> {
    read_when(text, Some(zone), zone, now).map(|when| when.at)
}

/// A meetup's start as read from what the organizer typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct When {
    pub at: DateTime<Utc>,
    /// The meetup's zone: the one named in the time, else `tz:`, else the community's.
    pub zone: Tz,
    /// For relative words, what they were read as, so the organizer can check it before
    /// everyone is told: "next Tuesday = Tue Dec 15, in 8 days".
    pub echo: Option<String>,
}

/// Reads when a meetup starts, as [`parse_when`] does, where the text may name its own zone
/// ("6:30pm PT"). `tz` is the zone given in `tz:`, if any; `fallback` the zone used when
/// neither names one (the community's, or the meetup's when editing).
///
/// # Errors
///
/// As [`parse_when`], and when the text names a zone other than `tz`.
pub fn read_when(
    text: &str,
    tz: Option<Tz>,
    fallback: Tz,
    now: DateTime<Utc>,
) -> Result<When, InputError> {
    let mut tokens = tokenize(text);
    let base = tz.unwrap_or(fallback);
    let zone = match (take_zone(&mut tokens, base, now), tz) {
        (Some(named), Some(given)) if named != given => return Err(zone_conflict(named, given)),
        (Some(named), _) => named,
        (None, _) => base,
    };
    if tokens.is_empty() {
        return Err(unreadable());
    }
    let Some((clock, rest)) = take_clock(&tokens)? else {
        return Err(no_clock(&tokens));
    };
    let Some((day, stated)) = parse_day(rest)? else {
        return Err(unreadable());
    };
    let (date, at) = resolve(day, stated, clock, zone, now)?;
    let echo = relative_echo(day, date, zone, now);
    Ok(When { at, zone, echo })
}

/// Why a time naming one zone with `tz:` naming another was refused.
fn zone_conflict(named: Tz, given: Tz) -> InputError {
    InputError::new(
        format!(
            "The time says {} but tz: says {}.",
            zone_place(named),
            zone_place(given)
        ),
        "Give the zone once: after the time (like 6:30pm PT) or in tz:.",
    )
}

/// A meetup's start as its members see it in `zone`, like "Sat Dec 5, 18:30 ET".
///
/// US zones get short labels (America/New_York "ET", America/Chicago "CT", America/Denver "MT",
/// America/Phoenix "MST", America/Los_Angeles "PT", America/Anchorage "AKT", Pacific/Honolulu
/// "HT"); other zones show their abbreviation at that instant ("GMT", "BST", "JST"). See
/// [`time_words::clock_label`].
pub fn describe(at: DateTime<Utc>, zone: Tz) -> String {
    let local = at.with_timezone(&zone);
    format!(
        "{} {}",
        local.format("%a %b %-d, %H:%M"),
        clock_label(&local)
    )
}

/// A meetup's start as members see it at `now`: like [`describe`], with the year when it is
/// not this year in the meetup's zone ("Fri Jan 8, 2027, 18:30 ET"), so a date next year is
/// never mistaken for one this year.
pub fn describe_from(at: DateTime<Utc>, zone: Tz, now: DateTime<Utc>) -> String {
    if at.with_timezone(&zone).year() == now.with_timezone(&zone).year() {
        describe(at, zone)
    } else {
        describe_with_year(at, zone)
    }
}

/// Like [`describe`] with the year, for messages about far or past dates.
fn describe_with_year(at: DateTime<Utc>, zone: Tz) -> String {
    let local = at.with_timezone(&zone);
    format!(
        "{} {}",
        local.format("%a %b %-d, %Y, %H:%M"),
        clock_label(&local)
    )
}

/// Removes a zone named at the end or right after the time ("6:30pm PT", "7pm Eastern time
/// tomorrow") and returns it. A label of `base` itself ("EST" for New York, "BST" for London)
/// is `base`.
fn take_zone(tokens: &mut Vec<String>, base: Tz, now: DateTime<Utc>) -> Option<Tz> {
    let n = tokens.len();
    for start in 0..n {
        let after_time = start > 0 && is_time_word(&tokens[start - 1]);
        for len in (1..=3).rev() {
            let end = start + len;
            if end > n || !(end == n || after_time) {
                continue;
            }
            let phrase = tokens[start..end].join(" ");
            let zone = if len == 1 && zone_words(base, now).contains(&phrase) {
                Some(base)
            } else {
                named_zone(&phrase)
            };
            if zone.is_some() {
                tokens.drain(start..end);
                return zone;
            }
        }
    }
    None
}

/// A zone named in words: US names and abbreviations ("PT", "Pacific", "Eastern time") and
/// IANA names ("America/Chicago"), but not words that are part of a date or time.
fn named_zone(phrase: &str) -> Option<Tz> {
    let ordinary = phrase
        .split(' ')
        .any(|w| w.chars().any(|c| c.is_ascii_digit()) || matches!(w, "in" | "next" | "this"));
    if ordinary {
        return None;
    }
    time_words::parse_zone(phrase).ok()
}

/// Whether a token ends a time ("6:30pm", "pm", "18:30"), so a zone may follow it.
fn is_time_word(token: &str) -> bool {
    meridiem(token).is_some()
        || matches!(time_words::clock(token), Ok(Some(c)) if c.form != ClockForm::BareHour)
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
fn take_clock(tokens: &[String]) -> Result<Option<(Clock, &[String])>, InputError> {
    let n = tokens.len();
    if n >= 2
        && let Some(pm) = meridiem(&tokens[n - 1])
    {
        if let Some(clock) = twelve_hour(&tokens[n - 2], pm).map_err(clock_error)? {
            return Ok(Some((clock, &tokens[..n - 2])));
        }
    } else if let Some(clock) = clock_token(&tokens[n - 1])? {
        return Ok(Some((clock, &tokens[..n - 1])));
    }
    if n >= 2
        && let Some(pm) = meridiem(&tokens[1])
    {
        if let Some(clock) = twelve_hour(&tokens[0], pm).map_err(clock_error)? {
            return Ok(Some((clock, &tokens[2..])));
        }
    } else if let Some(clock) = clock_token(&tokens[0])? {
        return Ok(Some((clock, &tokens[1..])));
    }
    Ok(bare_hour(tokens))
}

/// `Some(true)` for "pm", `Some(false)` for "am".
fn meridiem(token: &str) -> Option<bool> {
    match token {
        "am" => Some(false),
        "pm" => Some(true),
        _ => None,
    }
}

/// One token read as a time: `Ok(None)` if it does not look like one or is a bare number (see
/// [`bare_hour`]), an error if it looks like a time but cannot be ("25:00").
fn clock_token(token: &str) -> Result<Option<Clock>, InputError> {
    if token.bytes().all(|b| b.is_ascii_digit()) {
        return Ok(None);
    }
    time_words::clock(token).map_err(clock_error)
}

/// A bare hour at the end of the tokens, or else at their start, read as a time where it is
/// clearly one: the tokens are not a day by themselves ("Dec 9", "9 Dec"), the rest is a day,
/// and the hour cannot be morning or evening (0, 13 to 23). "tomorrow 7" is left for
/// [`no_clock`] to ask about.
fn bare_hour(tokens: &[String]) -> Option<(Clock, &[String])> {
    if !matches!(parse_day(tokens), Ok(None)) {
        return None;
    }
    let (first, after_first) = tokens.split_first()?;
    let (last, before_last) = tokens.split_last()?;
    [(last, before_last), (first, after_first)]
        .into_iter()
        .find_map(|(token, rest)| {
            let clock = time_words::clock(token).ok().flatten()?;
            let clear = clock.form == ClockForm::BareHour && !(1..=12).contains(&clock.time.hour());
            // A rest that is an impossible day ("Dec 45 18") still reports the day's mistake.
            (clear && !matches!(parse_day(rest), Ok(None))).then_some((clock, rest))
        })
}

/// What a member is told about a word shaped like a time that is not one.
fn clock_error(problem: ClockProblem) -> InputError {
    match problem {
        ClockProblem::Hour(hour) => InputError::new(
            format!("There is no hour {hour}."),
            "Hours run from 00 to 23, or from 1 to 12 with am or pm (like 18:30 or 6:30pm).",
        ),
        ClockProblem::Minute(minute) => InputError::new(
            format!("There is no minute {minute}."),
            "Minutes run from 00 to 59, like 18:30 or 6:05pm.",
        ),
        ClockProblem::TwelveHour { number, pm } => InputError::new(
            format!(
                "Hours with am or pm run from 1 to 12, so {number}{} is not a time.",
                if pm { "pm" } else { "am" }
            ),
            "Write it like 6:30pm or 18:30.",
        ),
    }
}

/// A day of the month, "5" or "5th".
fn day_number(text: &str) -> Option<u32> {
    let number = ["st", "nd", "rd", "th"]
        .iter()
        .find_map(|suffix| text.strip_suffix(suffix))
        .unwrap_or(text);
    digits(number, 2)
}

/// A four-digit year.
fn year_number(text: &str) -> Option<i32> {
    if text.len() == 4 {
        digits(text, 4).and_then(|y| i32::try_from(y).ok())
    } else {
        None
    }
}

fn parse_day(tokens: &[String]) -> Result<Option<(DayText, Option<Weekday>)>, InputError> {
    let words: Vec<&str> = tokens.iter().map(String::as_str).collect();
    let day = match words.as_slice() {
        [] => DayText::Unset,
        ["today" | "tonight"] => DayText::Today,
        ["tomorrow" | "tmrw" | "tmr"] => DayText::Tomorrow,
        ["this", word] | [word] if weekday_word(word).is_some() => {
            return Ok(weekday_word(word).map(|w| (DayText::Weekday(w), None)));
        }
        ["next", word] => return Ok(weekday_word(word).map(|w| (DayText::NextWeekday(w), None))),
        ["in", count, unit] => return Ok(in_days(count, unit).map(|day| (day, None))),
        [first, rest @ ..] if !rest.is_empty() && weekday_word(first).is_some() => {
            return Ok(parse_date(rest)?.map(|day| (day, weekday_word(first))));
        }
        _ => return Ok(parse_date(&words)?.map(|day| (day, None))),
    };
    Ok(Some((day, None)))
}

/// "in 3 days", "in 2 weeks", "in a week" (up to 999 of either).
fn in_days(count: &str, unit: &str) -> Option<DayText> {
    let count = match count {
        "a" | "one" => 1,
        _ => digits(count, 3)?,
    };
    match unit {
        "day" | "days" => Some(DayText::InDays {
            days: count,
            weeks: false,
        }),
        "week" | "weeks" => Some(DayText::InDays {
            days: count * 7,
            weeks: true,
        }),
        _ => None,
    }
}

/// An explicit date: numeric, or with a month name.
fn parse_date(words: &[&str]) -> Result<Option<DayText>, InputError> {
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
fn numeric_date(word: &str) -> Result<Option<DayText>, InputError> {
    const DASH_HINT: &str = "Dates with dashes are year-month-day, like 2026-12-05.";
    const SLASH_HINT: &str = "Dates with slashes are month/day, like 12/5/2026 or 12/05.";
    let dashes: Vec<&str> = word.split('-').collect();
    if let [year, month, day] = dashes.as_slice() {
        return match (year_number(year), digits(month, 2), digits(day, 2)) {
            (Some(year), Some(month), Some(day)) => {
                full_date(year, month, day, DASH_HINT).map(Some)
            }
            _ => Ok(None),
        };
    }
    let slashes: Vec<&str> = word.split('/').collect();
    let (month, day, year) = match slashes.as_slice() {
        [month, day] => (digits(month, 2), digits(day, 2), None),
        [month, day, year] => {
            let year = match year.len() {
                4 => year_number(year),
                2 => digits(year, 2)
                    .and_then(|y| i32::try_from(y).ok())
                    .map(|y| 2000 + y),
                _ => return Ok(None),
            };
            match year {
                Some(year) => (digits(month, 2), digits(day, 2), Some(year)),
                None => return Ok(None),
            }
        }
        _ => return Ok(None),
    };
    let (Some(month), Some(day)) = (month, day) else {
        return Ok(None);
    };
    if !(1..=12).contains(&month) {
        return Err(InputError::new(
            format!("There is no month {month}."),
            SLASH_HINT,
        ));
    }
    match year {
        Some(year) => full_date(year, month, day, SLASH_HINT).map(Some),
        None => month_day(month, day).map(Some),
    }
}

/// A date without a year, checked against the longest that month can be.
fn month_day(month: u32, day: u32) -> Result<DayText, InputError> {
    // 2024 is a leap year: February 29 exists in some year.
    let last = last_day(2024, month);
    if day == 0 || day > last {
        let name = month_name(month);
        return Err(InputError::new(
            format!("{name} has no day {day}."),
            format!("Days in {name} run from 1 to {last}."),
        ));
    }
    Ok(DayText::MonthDay { month, day })
}

/// A date with its year, checked; `hint` says how the numbers are ordered.
fn full_date(year: i32, month: u32, day: u32, hint: &str) -> Result<DayText, InputError> {
    if !(1..=12).contains(&month) {
        return Err(InputError::new(format!("There is no month {month}."), hint));
    }
    match NaiveDate::from_ymd_opt(year, month, day) {
        Some(date) => Ok(DayText::Date(date)),
        None => {
            let name = month_name(month);
            let last = last_day(year, month);
            Err(InputError::new(
                format!("{name} {year} has no day {day}."),
                format!("Days in {name} {year} run from 1 to {last}."),
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
fn no_clock(tokens: &[String]) -> InputError {
    match parse_day(tokens) {
        Err(error) => return error,
        Ok(Some((day, _))) if day != DayText::Unset => {
            return InputError::new("That has a day but no time.", TIME_HINT);
        }
        _ => {}
    }
    // Hours that can be read as 24-hour time were taken by `bare_hour`; 1 to 12 are asked about.
    if let Some((last, rest)) = tokens.split_last()
        && let Some(hour @ 1..=12) = digits(last, 2)
        && matches!(parse_day(rest), Ok(Some(_)))
    {
        return InputError::new(
            format!("Is {hour} in the morning or the evening?"),
            format!("Write {hour}am, {hour}pm or {}:00.", hour % 12 + 12),
        );
    }
    unreadable()
}

/// The message for text that is no date and time at all, listing what is accepted.
fn unreadable() -> InputError {
    InputError::new(
        "I couldn't read that as a date and time.",
        "Write the day, then the time, like one of these: 2026-12-05 18:30, 12/5/2026 6:30pm, \
         12/05 18:30, Dec 5 6:30pm, 5 Dec 18:30, today 7pm, tonight 7pm, tomorrow 18:30, \
         Tuesday 7pm, next Tuesday 7pm or in 2 weeks 7pm. Times can be written 18:30, 6:30pm, \
         6pm, noon or midnight, and a US zone may follow the time (6:30pm PT, 7pm Central) \
         instead of tz:.",
    )
}

/// The message for dates beyond chrono's calendar.
fn out_of_range() -> InputError {
    InputError::new(
        "That is too far ahead.",
        format!("Meetups can be planned up to {MAX_MONTHS_AHEAD} months out."),
    )
}

/// Pins the day to a date and the date and time to an instant; returns both (the date is the
/// day named, the day before the instant for "midnight").
fn resolve(
    day: DayText,
    stated: Option<Weekday>,
    clock: Clock,
    zone: Tz,
    now: DateTime<Utc>,
) -> Result<(NaiveDate, DateTime<Utc>), InputError> {
    let local_now = now.with_timezone(&zone).naive_local();
    let today = local_now.date();
    let date = match day {
        DayText::Unset => rolling(today, 1, clock, local_now)?,
        DayText::Today => today,
        DayText::Tomorrow => add_days(today, 1)?,
        DayText::Weekday(weekday) => rolling(on_or_after(today, weekday)?, 7, clock, local_now)?,
        DayText::NextWeekday(weekday) => next_week(today, weekday)?,
        DayText::InDays { days, .. } => add_days(today, u64::from(days))?,
        DayText::Date(date) => date,
        DayText::MonthDay { month, day } => nearest_month_day(today, month, day)?,
    };
    if let Some(stated) = stated
        && date.weekday() != stated
    {
        return Err(InputError::new(
            format!(
                "{} is a {}, not a {}.",
                date.format("%b %-d, %Y"),
                weekday_name(date.weekday()),
                weekday_name(stated)
            ),
            "Check the date, or leave the weekday out.",
        ));
    }
    Ok((date, exact(date, clock, zone, now)?))
}

/// The nearest `month`/`day` to `today`: the next one, unless the last one was closer, which
/// is asked about rather than moved silently to next year.
fn nearest_month_day(today: NaiveDate, month: u32, day: u32) -> Result<NaiveDate, InputError> {
    let next = next_month_day(today, month, day)?;
    let last = (today.year().saturating_sub(8)..=today.year())
        .rev()
        .filter_map(|year| NaiveDate::from_ymd_opt(year, month, day))
        .find(|date| *date < today);
    match last {
        Some(last) if today - last < next - today => {
            let name = month_name(month);
            Err(InputError::new(
                format!("{name} {day} has passed."),
                format!(
                    "Did you mean {name} {day}, {}? Add the year to confirm.",
                    next.year()
                ),
            ))
        }
        _ => Ok(next),
    }
}

/// What relative words were read as: "next Tuesday = Tue Dec 15, in 8 days"; `None` for a
/// date given outright or a time alone.
fn relative_echo(day: DayText, date: NaiveDate, zone: Tz, now: DateTime<Utc>) -> Option<String> {
    let today = now.with_timezone(&zone).date_naive();
    let words = match day {
        DayText::Today => "today".to_owned(),
        DayText::Tomorrow => "tomorrow".to_owned(),
        DayText::Weekday(w) => weekday_name(w).to_owned(),
        DayText::NextWeekday(w) => format!("next {}", weekday_name(w)),
        DayText::InDays { days, weeks } => {
            let (count, unit) = if weeks {
                (days / 7, "week")
            } else {
                (days, "day")
            };
            format!("in {count} {unit}{}", if count == 1 { "" } else { "s" })
        }
        DayText::Unset | DayText::Date(_) | DayText::MonthDay { .. } => return None,
    };
    let away = match (date - today).num_days() {
        0 => "later today".to_owned(),
        1 => "in 1 day".to_owned(),
        n => format!("in {n} days"),
    };
    let mut echo = format!("{words} = {}, {away}", day_label(date, today));
    if let DayText::NextWeekday(w) = day
        && let Ok(this) = on_or_after(today, w)
        && this != date
    {
        let name = weekday_name(w);
        if this == today {
            echo.push_str(&format!(" (the {name} of next week, not today)"));
        } else {
            echo.push_str(&format!(
                " (the {name} of next week; \"this {name}\" would be {})",
                day_label(this, today)
            ));
        }
    }
    Some(echo)
}

/// "Tue Dec 15", with the year when it is not `today`'s year.
fn day_label(date: NaiveDate, today: NaiveDate) -> String {
    if date.year() == today.year() {
        date.format("%a %b %-d").to_string()
    } else {
        date.format("%a %b %-d, %Y").to_string()
    }
}

/// `first`, or `step` days later if the time has already passed on `first`.
fn rolling(
    first: NaiveDate,
    step: u64,
    clock: Clock,
    local_now: NaiveDateTime,
) -> Result<NaiveDate, InputError> {
    if local(first, clock)? < local_now {
        add_days(first, step)
    } else {
        Ok(first)
    }
}

/// `date` plus `days` days.
fn add_days(date: NaiveDate, days: u64) -> Result<NaiveDate, InputError> {
    date.checked_add_days(Days::new(days))
        .ok_or_else(out_of_range)
}

/// The first `weekday` on or after `today`.
fn on_or_after(today: NaiveDate, weekday: Weekday) -> Result<NaiveDate, InputError> {
    let ahead = (7 + weekday.num_days_from_monday() - today.weekday().num_days_from_monday()) % 7;
    add_days(today, u64::from(ahead))
}

/// The `weekday` of the Monday-to-Sunday week after the one holding `today`.
fn next_week(today: NaiveDate, weekday: Weekday) -> Result<NaiveDate, InputError> {
    let since_monday = today.weekday().num_days_from_monday();
    let ahead = 7 + weekday.num_days_from_monday() - since_monday;
    add_days(today, u64::from(ahead))
}

/// The first `month`/`day` on or after `today` (February 29 waits for a leap year).
fn next_month_day(today: NaiveDate, month: u32, day: u32) -> Result<NaiveDate, InputError> {
    (today.year()..=today.year().saturating_add(8))
        .filter_map(|year| NaiveDate::from_ymd_opt(year, month, day))
        .find(|date| *date >= today)
        .ok_or_else(out_of_range)
}

/// The local date and time a clock reading on `date` means.
fn local(date: NaiveDate, clock: Clock) -> Result<NaiveDateTime, InputError> {
    let date = if clock.is_midnight() {
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
) -> Result<DateTime<Utc>, InputError> {
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
fn within_range(
    at: DateTime<Utc>,
    zone: Tz,
    now: DateTime<Utc>,
) -> Result<DateTime<Utc>, InputError> {
    if at < now {
        return Err(InputError::new(
            format!("That is in the past ({}).", describe_with_year(at, zone)),
            "Give a time that is still to come.",
        ));
    }
    let too_far = now
        .checked_add_months(Months::new(MAX_MONTHS_AHEAD))
        .is_none_or(|limit| at > limit);
    if too_far {
        return Err(InputError::new(
            format!(
                "That is more than 2 years ahead ({}).",
                describe_with_year(at, zone)
            ),
            "Meetups can be planned up to 2 years out.",
        ));
    }
    Ok(at)
}

mod daylight;

#[cfg(test)]
mod tests;
