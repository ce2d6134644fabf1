//! Recurring meetups: which occurrence falls when. Occurrences keep their local wall time
//! (18:30 stays 18:30 across DST); a time the clocks skip moves to the first valid instant after
//! it, a time they repeat fires at the first.

use std::fmt;

use chrono::{DateTime, Days, MappedLocalTime, Months, NaiveDate, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Tz;

use super::input::InputError;

/// How often a series repeats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Repeat {
    Weekly,
    Biweekly,
    Monthly,
}

impl Repeat {
    /// Reads `weekly`, `biweekly` (or `fortnightly`, `every 2 weeks`), `monthly`.
    pub fn parse(text: &str) -> Result<Repeat, InputError> {
        match text.trim().to_lowercase().replace(['-', ' '], "").as_str() {
            "weekly" | "everyweek" => Ok(Repeat::Weekly),
            "biweekly" | "fortnightly" | "every2weeks" | "everyotherweek" => Ok(Repeat::Biweekly),
            "monthly" | "everymonth" => Ok(Repeat::Monthly),
            _ => Err(InputError::new(
                format!("\"{}\" is not a way to repeat;", text.trim()),
                "use weekly, biweekly or monthly.",
            )),
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Repeat::Weekly => "weekly",
            Repeat::Biweekly => "biweekly",
            Repeat::Monthly => "monthly",
        }
    }

    /// The iCalendar rule for this repeat, ending at `until` (UTC) if given.
    pub fn rrule(self, until: Option<DateTime<Utc>>) -> String {
        let mut rule = match self {
            Repeat::Weekly => "FREQ=WEEKLY".to_owned(),
            Repeat::Biweekly => "FREQ=WEEKLY;INTERVAL=2".to_owned(),
            Repeat::Monthly => "FREQ=MONTHLY".to_owned(),
        };
        if let Some(u) = until {
            rule.push_str(&format!(";UNTIL={}", u.format("%Y%m%dT%H%M%SZ")));
        }
        rule
    }
}

impl fmt::Display for Repeat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// Occurrence `index` (0 = the first) of a series whose first occurrence is at local `first`
/// in `zone`. Monthly occurrences on a day the month lacks (the 31st) fall on its last day.
pub fn occurrence(repeat: Repeat, first: NaiveDateTime, index: u32, zone: Tz) -> DateTime<Utc> {
    let date = match repeat {
        Repeat::Weekly => first
            .date()
            .checked_add_days(Days::new(7 * u64::from(index))),
        Repeat::Biweekly => first
            .date()
            .checked_add_days(Days::new(14 * u64::from(index))),
        Repeat::Monthly => first.date().checked_add_months(Months::new(index)),
    }
    .unwrap_or(NaiveDate::MAX);
    resolve(zone, date.and_time(first.time()))
}

/// The instant a wall-clock time means in `zone`.
fn resolve(zone: Tz, local: NaiveDateTime) -> DateTime<Utc> {
    match zone.from_local_datetime(&local) {
        MappedLocalTime::Single(t) => t.with_timezone(&Utc),
        MappedLocalTime::Ambiguous(a, b) => a.min(b).with_timezone(&Utc),
        MappedLocalTime::None => (1..=180)
            .find_map(|m| {
                zone.from_local_datetime(&(local + chrono::Duration::minutes(m)))
                    .earliest()
            })
            .map_or_else(|| Utc.from_utc_datetime(&local), |t| t.with_timezone(&Utc)),
    }
}

/// Whether occurrence `at` is within a series ending on local date `until` (inclusive).
pub fn within(at: DateTime<Utc>, until: Option<NaiveDate>, zone: Tz) -> bool {
    until.is_none_or(|u| at.with_timezone(&zone).date_naive() <= u)
}

/// The end of local date `until` in UTC (for the calendar rule's UNTIL).
pub fn until_instant(until: NaiveDate, zone: Tz) -> DateTime<Utc> {
    let end = until
        .and_hms_opt(23, 59, 59)
        .expect("23:59:59 is a valid time");
    resolve(zone, end)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn local(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
    }

    #[test]
    fn weekly_occurrences_keep_their_local_time_across_dst() {
        let ny: Tz = "America/New_York".parse().unwrap();
        let first = local("2026-10-22 18:30");
        let before = occurrence(Repeat::Weekly, first, 0, ny).with_timezone(&ny);
        let after = occurrence(Repeat::Weekly, first, 2, ny).with_timezone(&ny);
        assert_eq!(
            before.format("%Y-%m-%d %H:%M %Z").to_string(),
            "2026-10-22 18:30 EDT"
        );
        assert_eq!(
            after.format("%Y-%m-%d %H:%M %Z").to_string(),
            "2026-11-05 18:30 EST"
        );
    }

    #[test]
    fn biweekly_and_monthly_step_as_named() {
        let ny: Tz = "America/New_York".parse().unwrap();
        let first = local("2027-01-31 19:00");
        let two = occurrence(Repeat::Biweekly, first, 1, ny).with_timezone(&ny);
        assert_eq!(two.format("%Y-%m-%d").to_string(), "2027-02-14");
        let month = occurrence(Repeat::Monthly, first, 1, ny).with_timezone(&ny);
        assert_eq!(
            month.format("%Y-%m-%d %H:%M").to_string(),
            "2027-02-28 19:00"
        );
    }

    #[test]
    fn repeats_parse_and_make_calendar_rules() {
        assert_eq!(Repeat::parse("Weekly"), Ok(Repeat::Weekly));
        assert_eq!(Repeat::parse("every other week"), Ok(Repeat::Biweekly));
        assert!(
            Repeat::parse("daily")
                .unwrap_err()
                .contains("weekly, biweekly or monthly")
        );
        assert_eq!(Repeat::Biweekly.rrule(None), "FREQ=WEEKLY;INTERVAL=2");
        let ny: Tz = "America/New_York".parse().unwrap();
        let until = until_instant(NaiveDate::from_ymd_opt(2026, 12, 31).unwrap(), ny);
        assert_eq!(
            Repeat::Monthly.rrule(Some(until)),
            "FREQ=MONTHLY;UNTIL=20270101T045959Z"
        );
    }
}
