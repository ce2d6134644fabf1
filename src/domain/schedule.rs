//! Weekly check-in schedules: when "Mondays at 09:00 Eastern" next happens, correct across
//! daylight-saving changes and quiet hours, and the parsers for what members type ("22:00-06:00",
//! "2h30m"; days, times and zones such as "tues", "9:30pm", "Central" are read by
//! [`super::time_words`], shared with meetups).
//!
//! Rules for an occurrence (the local date in the schedule's zone that falls on its weekday, at
//! its local time):
//!
//! - 09:00 local stays 09:00 local across DST changes.
//! - A local time that does not exist that day (spring forward: 02:30 on the second Sunday of
//!   March in New York) moves to the first valid instant after it (03:00 local).
//! - A local time that happens twice (fall back: 01:30 on the first Sunday of November in New
//!   York) fires once, at the first (earlier) of the two.
//! - An occurrence inside quiet hours moves to the end of the quiet window, on the right date.
//!
//! Pure rules: no clock, no store, no platform.

use std::fmt;

use chrono::{
    DateTime, Datelike, Days, Duration, MappedLocalTime, NaiveDate, NaiveDateTime, NaiveTime,
    Offset, TimeZone, Timelike, Utc, Weekday,
};
use chrono_tz::Tz;

use super::input::InputError;
/// The day, time and zone words check-ins share with meetups, under the names callers know.
pub use super::time_words::{parse_time, parse_weekday, parse_zone, weekday_name, zone_label};

/// Minutes in a day.
const DAY_MINUTES: i64 = 24 * 60;
/// The longest quiet window accepted, in minutes: at least 4 hours a day stay open.
const MAX_QUIET_MINUTES: i64 = 20 * 60;

/// A check-in that repeats every week on one weekday at one local time in one time zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct WeeklySchedule {
    /// The day of the week, as a local date in `zone`.
    pub weekday: Weekday,
    /// The local wall-clock time in `zone`.
    pub time: NaiveTime,
    /// The time zone the weekday and time are read in.
    pub zone: Tz,
    /// Local hours in `zone` when the check-in must not fire; it waits for their end.
    pub quiet: Option<QuietHours>,
}

impl WeeklySchedule {
    /// The first occurrence strictly after `after`.
    ///
    /// Calling `t = schedule.next_after(t)` repeatedly yields each weekly occurrence once, in
    /// order. Pausing is the caller's business: pass a later `after`.
    ///
    /// # Panics
    ///
    /// Only within a week of the ends of chrono's calendar (year ±262,000), where no date is left
    /// to step to.
    pub fn next_after(&self, after: DateTime<Utc>) -> DateTime<Utc> {
        // An occurrence fires less than two days after its date begins (quiet hours last at most
        // 20 hours, a DST gap at most a few), so a week back is always early enough to start.
        let today = after.with_timezone(&self.zone).date_naive();
        let week_back = today
            .checked_sub_days(Days::new(7))
            .expect("dates a week before a real instant exist");
        let mut date = on_or_after(week_back, self.weekday);
        loop {
            let fires = self.fires_for(date);
            if fires > after {
                return fires;
            }
            // Each week's instant is about 7 days after the last, so this ends in a few steps.
            date = date
                .checked_add_days(Days::new(7))
                .expect("dates a week after a real instant exist");
        }
    }

    /// The first occurrence after `after` that is not before `paused_until` (a pause holds
    /// every occurrence until it ends; skipping one is `next_after` of the skipped one).
    pub fn next_after_pause(
        &self,
        after: DateTime<Utc>,
        paused_until: Option<DateTime<Utc>>,
    ) -> DateTime<Utc> {
        let from = paused_until.map_or(after, |p| after.max(p));
        self.next_after(from)
    }

    /// When the occurrence for the local `date` fires, gap, overlap and quiet hours applied.
    fn fires_for(&self, date: NaiveDate) -> DateTime<Utc> {
        let at = resolve(self.zone, date.and_time(self.time));
        self.quiet
            .and_then(|quiet| quiet.end_after(at, self.zone))
            .unwrap_or(at)
    }
}

/// The first instant strictly after `after` when the clock in `zone` shows `time` (today or
/// tomorrow), for "snooze until 7pm" and "after shift"; a time the clock skips reads as the
/// first instant after it.
pub fn next_local(time: NaiveTime, after: DateTime<Utc>, zone: Tz) -> DateTime<Utc> {
    let today = after.with_timezone(&zone).date_naive();
    [0, 1, 2]
        .into_iter()
        .filter_map(|ahead| today.checked_add_days(Days::new(ahead)))
        .map(|date| resolve(zone, date.and_time(time)))
        .find(|at| *at > after)
        .unwrap_or(after + Duration::days(1))
}

/// The first date on or after `date` that falls on `weekday`.
fn on_or_after(date: NaiveDate, weekday: Weekday) -> NaiveDate {
    let ahead = (7 + weekday.num_days_from_monday() - date.weekday().num_days_from_monday()) % 7;
    date.checked_add_days(Days::new(u64::from(ahead)))
        .expect("dates within a week of a real instant exist")
}

/// The instant a local wall-clock time in `zone` means: the earlier one when the clock shows it
/// twice, the first valid instant after it when the clock skips it.
fn resolve(zone: Tz, local: NaiveDateTime) -> DateTime<Utc> {
    match zone.from_local_datetime(&local) {
        MappedLocalTime::Single(t) => t.with_timezone(&Utc),
        MappedLocalTime::Ambiguous(a, b) => a.min(b).with_timezone(&Utc),
        MappedLocalTime::None => after_gap(zone, local),
    }
}

/// The first valid instant after a local time that `zone` skips.
fn after_gap(zone: Tz, local: NaiveDateTime) -> DateTime<Utc> {
    let minute = local
        .with_second(0)
        .and_then(|l| l.with_nanosecond(0))
        .unwrap_or(local);
    // DST gaps are an hour (at most a few) and start on a minute: the first local minute that
    // exists is the transition instant.
    let by_minute = (1..=3 * 60).map(Duration::minutes);
    // A few zones once skipped a whole calendar day (Pacific/Apia, 2011-12-30).
    let by_hour = (4..=48).map(Duration::hours);
    for step in by_minute.chain(by_hour) {
        let Some(candidate) = minute.checked_add_signed(step) else {
            break;
        };
        match zone.from_local_datetime(&candidate) {
            MappedLocalTime::Single(t) => return t.with_timezone(&Utc),
            MappedLocalTime::Ambiguous(a, b) => return a.min(b).with_timezone(&Utc),
            MappedLocalTime::None => {}
        }
    }
    // No real zone skips two days; read the time with the offset in force at that moment.
    let offset = zone
        .offset_from_utc_datetime(&local)
        .fix()
        .local_minus_utc();
    local
        .checked_sub_signed(Duration::seconds(i64::from(offset)))
        .unwrap_or(local)
        .and_utc()
}

/// Local hours in a schedule's zone when check-ins wait; the window may cross midnight
/// (22:00-06:00). The start is inside the window, the end is not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct QuietHours {
    /// The local time quiet hours begin (inclusive).
    pub start: NaiveTime,
    /// The local time quiet hours end (exclusive); before `start` when the window crosses
    /// midnight.
    pub end: NaiveTime,
}

/// What quiet hours look like, for error messages.
const ACCEPTED_QUIET: &str = "Write quiet hours as a start and an end time joined by a dash, like \
     22:00-06:00 or 9pm-7am.";

impl QuietHours {
    /// When quiet hours that hold `at` (in `zone`) end; `None` when `at` is not quiet.
    pub fn end_after(&self, at: DateTime<Utc>, zone: Tz) -> Option<DateTime<Utc>> {
        let local = at.with_timezone(&zone).naive_local();
        if !self.contains(local.time()) {
            return None;
        }
        let end_date = if self.start > self.end && local.time() >= self.start {
            local
                .date()
                .succ_opt()
                .expect("the day after a real instant exists")
        } else {
            local.date()
        };
        Some(resolve(zone, end_date.and_time(self.end)))
    }

    /// Quiet hours from `start` to `end`, refused when they would cover the whole day or leave
    /// less than 4 hours a day for check-ins.
    pub fn new(start: NaiveTime, end: NaiveTime) -> Result<QuietHours, InputError> {
        let quiet = QuietHours { start, end };
        if start == end {
            return Err(InputError::new(
                format!(
                    "Quiet hours cannot cover the whole day: {quiet} starts and ends at the same \
                     time."
                ),
                "Give two different times, like 22:00-06:00.",
            ));
        }
        let minutes = quiet.length_minutes();
        if minutes > MAX_QUIET_MINUTES {
            return Err(InputError::new(
                format!(
                    "Quiet hours {quiet} would last {} and leave less than 4 hours a day for \
                     check-ins.",
                    hours_and_minutes(minutes)
                ),
                "Keep them to 20 hours or less, like 22:00-06:00.",
            ));
        }
        Ok(quiet)
    }

    /// Reads quiet hours as members type them: "22:00-06:00", "9pm-7am", "22:00 to 06:00".
    /// Each side is read by [`parse_time`].
    pub fn parse(input: &str) -> Result<QuietHours, InputError> {
        let text = input.trim();
        let parts = text
            .split_once(['-', '–', '—'])
            .or_else(|| text.split_once(" to "));
        let Some((start, end)) = parts else {
            return Err(InputError::new(
                format!("\"{text}\" is not a range of hours."),
                ACCEPTED_QUIET,
            ));
        };
        let (start, end) = (start.trim(), end.trim());
        if start.is_empty() || end.is_empty() {
            return Err(InputError::new(
                format!("\"{text}\" needs both a start and an end."),
                ACCEPTED_QUIET,
            ));
        }
        QuietHours::new(parse_time(start)?, parse_time(end)?)
    }

    /// Whether the local time `t` is quiet: from `start` (inclusive) to `end` (exclusive),
    /// across midnight when `end` is before `start`.
    pub fn contains(&self, t: NaiveTime) -> bool {
        if self.start <= self.end {
            self.start <= t && t < self.end
        } else {
            t >= self.start || t < self.end
        }
    }

    /// How long the window lasts, in minutes.
    fn length_minutes(&self) -> i64 {
        (self.end - self.start)
            .num_minutes()
            .rem_euclid(DAY_MINUTES)
    }
}

impl fmt::Display for QuietHours {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}-{}",
            self.start.format("%H:%M"),
            self.end.format("%H:%M")
        )
    }
}

/// "20 hours", "22 hours 30 minutes".
fn hours_and_minutes(minutes: i64) -> String {
    let (h, m) = (minutes / 60, minutes % 60);
    match (h, m) {
        (_, 0) => format!("{h} hours"),
        (0, _) => format!("{m} minutes"),
        _ => format!("{h} hours {m} minutes"),
    }
}

/// What a duration looks like, for error messages.
const ACCEPTED_DURATIONS: &str = "Use a length like 30m, 4h, 2h30m or 1d, up to 7 days.";

/// How far to move a simulated clock (the console's and `labcircle run --clock`'s
/// `:advance`): whole seconds up to an hour (`5s`, to watch announcement edits coalesce), or a
/// length of time as [`parse_duration`] reads it. The error is the message for the operator
/// (not yet an [`InputError`]: the console and `run` print it as text).
pub fn parse_advance(amount: &str) -> Result<Duration, InputError> {
    amount
        .strip_suffix('s')
        .and_then(|n| n.parse::<i64>().ok())
        .filter(|n| (1..=3600).contains(n))
        .map_or_else(|| parse_duration(amount), |n| Ok(Duration::seconds(n)))
}

/// Reads a length of time: "4h", "30m", "2h30m", "90m", "1d", also "2 hours" or "1d 12h".
/// Units are d, h and m (or day, hour, hr, min, minute and plurals), each at most once. The
/// result is positive and at most 7 days.
pub fn parse_duration(input: &str) -> Result<Duration, InputError> {
    let text = input.trim();
    let refuse = |why: &str| {
        InputError::new(
            format!("\"{text}\" is not a length of time{why}."),
            ACCEPTED_DURATIONS,
        )
    };
    if text.is_empty() {
        return Err(InputError::new(
            "A length of time is missing.",
            ACCEPTED_DURATIONS,
        ));
    }
    let lower = text.to_lowercase();
    let mut rest = lower.as_str();
    let mut total_minutes: i64 = 0;
    let mut seen: Vec<i64> = Vec::new();
    while !rest.is_empty() {
        let number_end = rest
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(rest.len());
        let (number, after_number) = rest.split_at(number_end);
        let after_number = after_number.trim_start();
        let unit_end = after_number
            .find(|c: char| !c.is_ascii_alphabetic())
            .unwrap_or(after_number.len());
        let (unit, after_unit) = after_number.split_at(unit_end);
        if number.is_empty() {
            return Err(refuse(""));
        }
        let minutes_per = match unit {
            "d" | "day" | "days" => DAY_MINUTES,
            "h" | "hr" | "hrs" | "hour" | "hours" => 60,
            "m" | "min" | "mins" | "minute" | "minutes" => 1,
            "" => {
                return Err(refuse(
                    ": add a unit, d for days, h for hours or m for minutes",
                ));
            }
            _ => return Err(refuse("")),
        };
        if seen.contains(&minutes_per) {
            return Err(refuse(": each unit can appear only once"));
        }
        seen.push(minutes_per);
        let too_long = || refuse(": it is longer than 7 days");
        let count: i64 = number.parse().map_err(|_| too_long())?;
        total_minutes = count
            .checked_mul(minutes_per)
            .and_then(|m| m.checked_add(total_minutes))
            .ok_or_else(too_long)?;
        rest = after_unit.trim_start();
    }
    if total_minutes == 0 {
        return Err(refuse(": it must be longer than zero"));
    }
    if total_minutes > 7 * DAY_MINUTES {
        return Err(refuse(": it is longer than 7 days"));
    }
    Ok(Duration::minutes(total_minutes))
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    #[test]
    fn quiet_hours_say_when_they_end() {
        let q = QuietHours::parse("22:00-06:00").unwrap();
        let zone: Tz = "America/New_York".parse().unwrap();
        let at = zone
            .with_ymd_and_hms(2026, 12, 8, 23, 30, 0)
            .unwrap()
            .with_timezone(&Utc);
        let end = q.end_after(at, zone).unwrap().with_timezone(&zone);
        assert_eq!(end.to_string(), "2026-12-09 06:00:00 EST");
        let noon = zone
            .with_ymd_and_hms(2026, 12, 8, 12, 0, 0)
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(q.end_after(noon, zone), None);
    }

    fn utc(text: &str) -> DateTime<Utc> {
        text.parse().unwrap()
    }

    fn hm(h: u32, m: u32) -> NaiveTime {
        NaiveTime::from_hms_opt(h, m, 0).unwrap()
    }

    fn schedule(weekday: Weekday, time: NaiveTime, zone: Tz) -> WeeklySchedule {
        WeeklySchedule {
            weekday,
            time,
            zone,
            quiet: None,
        }
    }

    const US_ZONE_LIST: [Tz; 7] = [
        Tz::America__New_York,
        Tz::America__Chicago,
        Tz::America__Denver,
        Tz::America__Phoenix,
        Tz::America__Los_Angeles,
        Tz::America__Anchorage,
        Tz::Pacific__Honolulu,
    ];

    #[test]
    fn a_monday_nine_oclock_schedule_fires_once_a_week_for_two_years_in_every_us_zone() {
        for zone in US_ZONE_LIST {
            let s = schedule(Weekday::Mon, hm(9, 0), zone);
            let mut t = utc("2026-01-01T00:00:00Z");
            let mut weeks = HashSet::new();
            let mut previous: Option<NaiveDate> = None;
            for _ in 0..106 {
                let next = s.next_after(t);
                assert!(next > t, "{zone}: {next} is not after {t}");
                let local = next.with_timezone(&zone);
                assert_eq!(local.weekday(), Weekday::Mon, "{zone}: {local}");
                assert_eq!(local.time(), hm(9, 0), "{zone}: {local}");
                let week = local.iso_week();
                assert!(
                    weeks.insert((week.year(), week.week())),
                    "{zone}: {local} repeats"
                );
                if let Some(previous) = previous {
                    assert_eq!(
                        (local.date_naive() - previous).num_days(),
                        7,
                        "{zone}: {local}"
                    );
                }
                previous = Some(local.date_naive());
                t = next;
            }
            assert_eq!(weeks.len(), 106);
        }
    }

    #[test]
    fn the_first_occurrence_is_the_same_day_when_the_time_is_still_ahead() {
        let s = schedule(Weekday::Mon, hm(9, 0), Tz::America__New_York);
        // Monday 2026-01-05 08:00 EST = 13:00Z; 09:00 EST = 14:00Z.
        assert_eq!(
            s.next_after(utc("2026-01-05T13:00:00Z")),
            utc("2026-01-05T14:00:00Z")
        );
        assert_eq!(
            s.next_after(utc("2026-01-05T14:00:00Z")),
            utc("2026-01-12T14:00:00Z")
        );
    }

    #[test]
    fn a_sunday_two_thirty_schedule_fires_at_three_on_the_spring_forward_sunday() {
        let s = schedule(Weekday::Sun, hm(2, 30), Tz::America__New_York);
        let mut t = utc("2026-02-01T00:00:00Z");
        let mut seen = 0;
        while t < utc("2026-05-01T00:00:00Z") {
            t = s.next_after(t);
            let local = t.with_timezone(&Tz::America__New_York);
            assert_eq!(local.weekday(), Weekday::Sun);
            if local.date_naive() == NaiveDate::from_ymd_opt(2026, 3, 8).unwrap() {
                assert_eq!(t, utc("2026-03-08T07:00:00Z"));
                assert_eq!(local.time(), hm(3, 0));
                seen += 1;
            } else {
                assert_eq!(local.time(), hm(2, 30), "{local}");
            }
        }
        assert_eq!(seen, 1);
    }

    #[test]
    fn a_sunday_one_thirty_schedule_fires_once_at_the_first_one_thirty_on_the_fall_back_sunday() {
        let s = schedule(Weekday::Sun, hm(1, 30), Tz::America__New_York);
        let first = s.next_after(utc("2026-10-31T12:00:00Z"));
        assert_eq!(first, utc("2026-11-01T05:30:00Z"));
        let second = s.next_after(first);
        // 01:30 EST on 2026-11-08.
        assert_eq!(second, utc("2026-11-08T06:30:00Z"));
        // Asking from between the two 01:30s does not fire the second one.
        assert_eq!(s.next_after(utc("2026-11-01T06:00:00Z")), second);
    }

    #[test]
    fn quiet_hours_across_midnight_move_a_late_tuesday_check_in_to_wednesday_morning() {
        let mut s = schedule(Weekday::Tue, hm(23, 0), Tz::America__Chicago);
        s.quiet = Some(QuietHours::parse("22:00-06:00").unwrap());
        let next = s.next_after(utc("2026-06-01T00:00:00Z"));
        let local = next.with_timezone(&Tz::America__Chicago);
        assert_eq!(local.weekday(), Weekday::Wed);
        assert_eq!(local.time(), hm(6, 0));
        assert_eq!(
            local.date_naive(),
            NaiveDate::from_ymd_opt(2026, 6, 3).unwrap()
        );
        // And the next one is a week later, not the same moved check-in again.
        assert_eq!(s.next_after(next), next + Duration::days(7));
    }

    #[test]
    fn quiet_hours_after_midnight_move_an_early_check_in_to_their_end_the_same_day() {
        let mut s = schedule(Weekday::Fri, hm(5, 0), Tz::America__Denver);
        s.quiet = Some(QuietHours::parse("10pm-7am").unwrap());
        let local = s
            .next_after(utc("2026-06-01T00:00:00Z"))
            .with_timezone(&Tz::America__Denver);
        assert_eq!(local.weekday(), Weekday::Fri);
        assert_eq!(local.time(), hm(7, 0));
    }

    #[test]
    fn daytime_quiet_hours_move_a_nine_oclock_check_in_to_four_pm_the_same_day() {
        let mut s = schedule(Weekday::Mon, hm(9, 0), Tz::America__Los_Angeles);
        s.quiet = Some(QuietHours::parse("08:00-16:00").unwrap());
        let local = s
            .next_after(utc("2026-01-01T00:00:00Z"))
            .with_timezone(&Tz::America__Los_Angeles);
        assert_eq!(
            local.date_naive(),
            NaiveDate::from_ymd_opt(2026, 1, 5).unwrap()
        );
        assert_eq!(local.time(), hm(16, 0));
    }

    #[test]
    fn a_check_in_outside_quiet_hours_is_not_moved() {
        let mut s = schedule(Weekday::Mon, hm(9, 0), Tz::America__New_York);
        s.quiet = Some(QuietHours::parse("22:00-06:00").unwrap());
        let local = s
            .next_after(utc("2026-01-01T00:00:00Z"))
            .with_timezone(&Tz::America__New_York);
        assert_eq!(local.time(), hm(9, 0));
    }

    #[test]
    fn a_quiet_window_ending_in_the_spring_gap_ends_at_the_transition() {
        let mut s = schedule(Weekday::Sun, hm(1, 0), Tz::America__New_York);
        s.quiet = Some(QuietHours::parse("00:30-02:30").unwrap());
        assert_eq!(
            s.next_after(utc("2026-03-07T00:00:00Z")),
            utc("2026-03-08T07:00:00Z")
        );
    }

    #[test]
    fn a_check_in_moved_past_midnight_by_quiet_hours_is_found_when_asking_after_midnight() {
        let mut s = schedule(Weekday::Tue, hm(23, 0), Tz::America__New_York);
        s.quiet = Some(QuietHours::parse("22:00-06:00").unwrap());
        // Wednesday 2026-06-03 01:00 EDT: the Tuesday check-in still waits for 06:00.
        assert_eq!(
            s.next_after(utc("2026-06-03T05:00:00Z")),
            utc("2026-06-03T10:00:00Z")
        );
    }

    #[test]
    fn repeated_calls_never_return_the_same_occurrence_twice_with_gaps_overlaps_and_quiet_hours() {
        let quiet = [None, Some(QuietHours::parse("22:00-06:00").unwrap())];
        let times = [hm(0, 0), hm(1, 30), hm(2, 30), hm(23, 59)];
        for zone in [
            Tz::America__New_York,
            Tz::America__Santiago,
            Tz::Pacific__Apia,
        ] {
            for time in times {
                for quiet in quiet {
                    let s = WeeklySchedule {
                        weekday: Weekday::Sun,
                        time,
                        zone,
                        quiet,
                    };
                    let mut t = s.next_after(utc("2010-01-01T00:00:00Z"));
                    for _ in 0..900 {
                        let next = s.next_after(t);
                        assert!(next > t);
                        assert!(next - t > Duration::days(5), "{s:?} at {t}: {next}");
                        assert!(next - t < Duration::days(9), "{s:?} at {t}: {next}");
                        t = next;
                    }
                }
            }
        }
    }

    #[test]
    fn arizona_never_shifts_relative_to_utc() {
        let s = schedule(Weekday::Mon, hm(9, 0), Tz::America__Phoenix);
        let mut t = utc("2026-01-01T00:00:00Z");
        for _ in 0..104 {
            t = s.next_after(t);
            assert_eq!(t.time(), hm(16, 0), "{t}");
        }
    }

    #[test]
    fn quiet_hours_parse_ranges_in_24_hour_and_am_pm_time_and_display_them_in_24_hour_time() {
        let q = QuietHours::parse("22:00-06:00").unwrap();
        assert_eq!((q.start, q.end), (hm(22, 0), hm(6, 0)));
        assert_eq!(q.to_string(), "22:00-06:00");
        assert_eq!(
            QuietHours::parse("9pm-7am").unwrap().to_string(),
            "21:00-07:00"
        );
        assert_eq!(
            QuietHours::parse(" 9pm - 7am ").unwrap().to_string(),
            "21:00-07:00"
        );
        assert_eq!(
            QuietHours::parse("22:00 to 6am").unwrap().to_string(),
            "22:00-06:00"
        );
    }

    #[test]
    fn quiet_hours_refuse_the_whole_day_too_long_a_window_and_things_that_are_not_ranges() {
        let whole = QuietHours::parse("22:00-22:00").unwrap_err();
        assert!(whole.contains("cannot cover the whole day"), "{whole}");
        let long = QuietHours::parse("08:00-06:00").unwrap_err();
        assert!(long.contains("less than 4 hours a day"), "{long}");
        assert!(long.contains("22 hours"), "{long}");
        assert!(
            QuietHours::parse("06:00-02:00").is_ok(),
            "20 hours is allowed"
        );
        let not_range = QuietHours::parse("22:00").unwrap_err();
        assert!(not_range.contains("22:00-06:00 or 9pm-7am"), "{not_range}");
        let bad_time = QuietHours::parse("22:00-25:00").unwrap_err();
        assert!(bad_time.contains("\"25:00\" is not a time"), "{bad_time}");
    }

    #[test]
    fn quiet_hours_include_their_start_and_exclude_their_end() {
        let night = QuietHours::parse("22:00-06:00").unwrap();
        assert!(night.contains(hm(22, 0)));
        assert!(night.contains(hm(23, 59)));
        assert!(night.contains(hm(0, 0)));
        assert!(night.contains(hm(5, 59)));
        assert!(!night.contains(hm(6, 0)));
        assert!(!night.contains(hm(21, 59)));
        let day = QuietHours::parse("08:00-16:00").unwrap();
        assert!(day.contains(hm(8, 0)));
        assert!(!day.contains(hm(16, 0)));
        assert!(!day.contains(hm(7, 59)));
    }

    #[test]
    fn simulated_clocks_advance_by_seconds_or_by_durations() {
        assert_eq!(parse_advance("5s"), Ok(Duration::seconds(5)));
        assert_eq!(parse_advance("2h"), Ok(Duration::hours(2)));
        assert_eq!(parse_advance("7d"), Ok(Duration::days(7)));
        assert!(parse_advance("0s").is_err());
        assert!(parse_advance("8d").is_err());
    }

    #[test]
    fn durations_are_read_in_days_hours_and_minutes() {
        let cases = [
            ("4h", Duration::hours(4)),
            ("30m", Duration::minutes(30)),
            ("2h30m", Duration::minutes(150)),
            ("90m", Duration::minutes(90)),
            ("1d", Duration::days(1)),
            ("1d 12h", Duration::hours(36)),
            ("2 hours", Duration::hours(2)),
            ("45 min", Duration::minutes(45)),
            ("7d", Duration::days(7)),
            ("4H", Duration::hours(4)),
        ];
        for (text, duration) in cases {
            assert_eq!(parse_duration(text), Ok(duration), "{text}");
        }
    }

    #[test]
    fn durations_refuse_zero_more_than_a_week_and_missing_units() {
        let cases = [
            ("0h", "longer than zero"),
            ("8d", "longer than 7 days"),
            ("7d1m", "longer than 7 days"),
            ("99999999999999999999d", "longer than 7 days"),
            ("4", "add a unit"),
            ("4x", "is not a length of time"),
            ("-4h", "is not a length of time"),
            ("h", "is not a length of time"),
            ("1h1h", "each unit can appear only once"),
            ("", "A length of time is missing"),
        ];
        for (text, why) in cases {
            let err = parse_duration(text).unwrap_err();
            assert!(err.contains(why), "{text}: {err}");
            assert!(
                err.contains("like 30m, 4h, 2h30m or 1d, up to 7 days"),
                "{text}: {err}"
            );
        }
    }
}
