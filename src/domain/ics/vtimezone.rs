//! The `VTIMEZONE` a series' calendar file needs for its `TZID` (see the parent module):
//! `icalendar` cannot build one, so it is written here from `chrono-tz` data, each UTC offset
//! change found by scanning the zone and bisecting to the second.

use std::fmt::Write as _;

use chrono::{DateTime, Months, NaiveDateTime, Offset, TimeDelta, TimeZone, Utc};
use chrono_tz::{OffsetComponents, OffsetName, Tz};

use super::{LOCAL_FORMAT, one_line};

/// How far [`vtimezone`] looks for transitions at most, from a year before `from`: chrono-tz has
/// no daylight saving time rules past 2099 anyway, and a far-off `UNTIL` must not cost a scan of
/// millennia.
const MAX_SPAN_YEARS: u32 = 100;

/// The step of the transition scan, in hours; each step with a change is bisected to the
/// second. Offsets never change twice within six hours.
const SCAN_STEP_HOURS: i64 = 6;

/// The `VTIMEZONE` component for `zone`, from `BEGIN:VTIMEZONE` to `END:VTIMEZONE\r\n`, with
/// lines ending in CRLF.
///
/// It has one `STANDARD` or `DAYLIGHT` sub-component per kind of UTC offset change (same kind,
/// offsets and name), with the change's first onset as `DTSTART` and each later one as an
/// `RDATE`, both in the wall-clock time before the change (RFC 5545: `02:00` for New York's
/// autumn change, whose clocks go from `02:00` EDT back to `01:00` EST). It covers every change
/// from a year before `from` to a year after `to` (at most a century), as `chrono-tz` has them.
/// A zone with no change in that range gets a single `STANDARD` (or `DAYLIGHT`, if `chrono-tz`
/// marks its offset as daylight saving time) with equal `TZOFFSETFROM` and `TZOFFSETTO`,
/// starting a year before `from`. `TZNAME` is the `chrono-tz` abbreviation (`EST`, `EDT`), left
/// out for zones that have none (tzdb writes those as numbers such as `-03`).
pub fn vtimezone(zone: Tz, from: DateTime<Utc>, to: DateTime<Utc>) -> String {
    let begin = from
        .checked_sub_months(Months::new(12))
        .unwrap_or(DateTime::<Utc>::MIN_UTC);
    let limit = begin
        .checked_add_months(Months::new(12 * MAX_SPAN_YEARS))
        .unwrap_or(DateTime::<Utc>::MAX_UTC);
    let end = to
        .checked_add_months(Months::new(12))
        .unwrap_or(DateTime::<Utc>::MAX_UTC)
        .min(limit);

    let mut observances: Vec<Observance> = Vec::new();
    for change in transitions(zone, begin, end) {
        let onset = change.before.wall_clock(change.at);
        match observances.iter_mut().find(|o| o.same_kind(&change)) {
            Some(observance) => observance.rdates.push(onset),
            None => observances.push(Observance {
                from: change.before,
                to: change.after,
                name: change.after_name,
                onset,
                rdates: Vec::new(),
            }),
        }
    }
    if observances.is_empty() {
        let state = State::at(zone, begin);
        observances.push(Observance {
            from: state,
            to: state,
            name: abbreviation(zone, begin),
            onset: state.wall_clock(begin),
            rdates: Vec::new(),
        });
    }

    let mut out = String::new();
    out.push_str("BEGIN:VTIMEZONE\r\n");
    // Writing to a String cannot fail.
    let _ = write!(out, "TZID:{}\r\n", zone.name());
    for observance in &observances {
        let kind = if observance.to.daylight {
            "DAYLIGHT"
        } else {
            "STANDARD"
        };
        let _ = write!(out, "BEGIN:{kind}\r\n");
        let _ = write!(out, "DTSTART:{}\r\n", observance.onset.format(LOCAL_FORMAT));
        let _ = write!(
            out,
            "TZOFFSETFROM:{}\r\n",
            utc_offset(observance.from.offset)
        );
        let _ = write!(out, "TZOFFSETTO:{}\r\n", utc_offset(observance.to.offset));
        if let Some(name) = &observance.name {
            let _ = write!(out, "TZNAME:{name}\r\n");
        }
        for rdate in &observance.rdates {
            let _ = write!(out, "RDATE:{}\r\n", rdate.format(LOCAL_FORMAT));
        }
        let _ = write!(out, "END:{kind}\r\n");
    }
    out.push_str("END:VTIMEZONE\r\n");
    out
}

/// A zone's UTC offset at some instant, and whether it is daylight saving time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct State {
    /// Seconds east of UTC, daylight saving time included.
    offset: i32,
    /// Whether `chrono-tz` counts a positive daylight saving amount in it. (Ireland's negative
    /// winter amount makes both its offsets standard, which calendars read just as well.)
    daylight: bool,
}

impl State {
    /// The state of `zone` at `at`.
    fn at(zone: Tz, at: DateTime<Utc>) -> Self {
        let offset = zone.offset_from_utc_datetime(&at.naive_utc());
        Self {
            offset: offset.fix().local_minus_utc(),
            daylight: offset.dst_offset() > TimeDelta::zero(),
        }
    }

    /// The wall-clock time at `at` in this state.
    fn wall_clock(self, at: DateTime<Utc>) -> NaiveDateTime {
        let naive = at.naive_utc();
        naive
            .checked_add_signed(TimeDelta::seconds(i64::from(self.offset)))
            .unwrap_or(naive)
    }
}

/// A change of a zone's state.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Transition {
    /// The first second of the new state.
    at: DateTime<Utc>,
    /// The state before.
    before: State,
    /// The state from `at` on.
    after: State,
    /// The abbreviation from `at` on.
    after_name: Option<String>,
}

/// One `STANDARD` or `DAYLIGHT` sub-component: all changes alike, by their onsets.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Observance {
    /// The state before the change.
    from: State,
    /// The state after the change.
    to: State,
    /// The abbreviation after the change.
    name: Option<String>,
    /// The first change's wall-clock time in the state before (`DTSTART`).
    onset: NaiveDateTime,
    /// The later changes' wall-clock times in the state before (`RDATE`s).
    rdates: Vec<NaiveDateTime>,
}

impl Observance {
    /// Whether `change` is one more of this sub-component's changes.
    fn same_kind(&self, change: &Transition) -> bool {
        self.from == change.before && self.to == change.after && self.name == change.after_name
    }
}

/// Every change of `zone`'s state after `begin` and up to `end`, in order.
fn transitions(zone: Tz, begin: DateTime<Utc>, end: DateTime<Utc>) -> Vec<Transition> {
    // Whole seconds since the epoch: offsets change on whole seconds.
    let state = |second: i64| DateTime::from_timestamp(second, 0).map(|at| State::at(zone, at));
    let end = end.timestamp();
    let mut found = Vec::new();
    let mut low = begin.timestamp();
    let mut low_state = state(low);
    while low < end {
        let high = low.saturating_add(SCAN_STEP_HOURS * 3600).min(end);
        let high_state = state(high);
        if high_state != low_state {
            // Bisect to the first second of the new state: `low` has the old one, `high` not.
            let (mut old, mut new) = (low, high);
            while new - old > 1 {
                let middle = old + (new - old) / 2;
                if state(middle) == low_state {
                    old = middle;
                } else {
                    new = middle;
                }
            }
            let at = DateTime::from_timestamp(new, 0);
            if let (Some(at), Some(before), Some(after)) = (at, low_state, state(new)) {
                found.push(Transition {
                    at,
                    before,
                    after,
                    after_name: abbreviation(zone, at),
                });
            }
        }
        low = high;
        low_state = high_state;
    }
    found
}

/// The `chrono-tz` abbreviation of `zone` at `at` (`EST`), if it has one.
fn abbreviation(zone: Tz, at: DateTime<Utc>) -> Option<String> {
    zone.offset_from_utc_datetime(&at.naive_utc())
        .abbreviation()
        .map(one_line)
}

/// A UTC offset as iCalendar writes it: `-0500`, `+0530`, or `-045602` with seconds.
fn utc_offset(seconds: i32) -> String {
    let sign = if seconds < 0 { '-' } else { '+' };
    let seconds = seconds.unsigned_abs();
    let (hours, minutes, rest) = (seconds / 3600, seconds / 60 % 60, seconds % 60);
    if rest == 0 {
        format!("{sign}{hours:02}{minutes:02}")
    } else {
        format!("{sign}{hours:02}{minutes:02}{rest:02}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::ics::tests::{naive, observances, utc, values};
    use chrono::{Datelike, Weekday};

    #[test]
    fn the_new_york_time_zone_has_both_changes_of_each_year_in_its_range() {
        let zone = chrono_tz::America::New_York;
        let ics = vtimezone(zone, utc(2026, 10, 22, 22, 30), utc(2026, 12, 31, 23, 59));
        assert!(ics.starts_with("BEGIN:VTIMEZONE\r\nTZID:America/New_York\r\n"));
        assert!(ics.ends_with("END:VTIMEZONE\r\n"));
        assert!(!ics.replace("\r\n", "").contains('\n'));

        let wrapped = format!("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n{ics}END:VCALENDAR\r\n");
        let observances = observances(&wrapped);
        assert_eq!(observances.len(), 2, "{ics}");
        let onsets = |kind: &str| -> Vec<String> {
            let (_, properties) = observances
                .iter()
                .find(|(k, _)| k == kind)
                .expect("the observance");
            let mut onsets = values(properties, "DTSTART");
            onsets.extend(values(properties, "RDATE"));
            onsets.into_iter().map(str::to_owned).collect()
        };
        // From 2025-10-22 to 2027-12-31: the first Sundays of November and the second Sundays
        // of March, at 02:00 on the clock before the change.
        assert_eq!(
            onsets("STANDARD"),
            ["20251102T020000", "20261101T020000", "20271107T020000"]
        );
        assert_eq!(onsets("DAYLIGHT"), ["20260308T020000", "20270314T020000"]);
        let daylight = &observances
            .iter()
            .find(|(k, _)| k == "DAYLIGHT")
            .expect("DAYLIGHT")
            .1;
        assert_eq!(values(daylight, "TZOFFSETFROM"), ["-0500"]);
        assert_eq!(values(daylight, "TZOFFSETTO"), ["-0400"]);
        assert_eq!(values(daylight, "TZNAME"), ["EDT"]);
    }

    #[test]
    fn every_change_found_is_the_exact_second_chrono_tz_changes_the_offset() {
        for zone in [
            chrono_tz::America::New_York,
            chrono_tz::Europe::Berlin,
            chrono_tz::Australia::Sydney,
            chrono_tz::Australia::Lord_Howe,
            chrono_tz::Europe::Dublin,
            chrono_tz::America::Santiago,
        ] {
            let found = transitions(zone, utc(2024, 1, 1, 0, 0), utc(2029, 1, 1, 0, 0));
            assert!(found.len() >= 9, "{zone}: {found:?}");
            for change in found {
                let before = change.at - TimeDelta::seconds(1);
                assert_eq!(State::at(zone, before), change.before, "{zone} {change:?}");
                assert_eq!(
                    State::at(zone, change.at),
                    change.after,
                    "{zone} {change:?}"
                );
                assert_ne!(change.before, change.after, "{zone} {change:?}");
            }
        }
    }

    #[test]
    fn southern_hemisphere_changes_are_written_on_the_clock_before_them() {
        let ics = vtimezone(
            chrono_tz::Australia::Sydney,
            utc(2026, 6, 1, 0, 0),
            utc(2026, 7, 1, 0, 0),
        );
        // 2026-04-05 03:00 AEDT back to 02:00 AEST; 2026-10-04 02:00 AEST on to 03:00 AEDT.
        let standard = "BEGIN:STANDARD\r\nDTSTART:20260405T030000\r\nTZOFFSETFROM:+1100\r\n\
                        TZOFFSETTO:+1000\r\nTZNAME:AEST\r\nRDATE:20270404T030000\r\n\
                        END:STANDARD\r\n";
        let daylight = "BEGIN:DAYLIGHT\r\nDTSTART:20251005T020000\r\nTZOFFSETFROM:+1000\r\n\
                        TZOFFSETTO:+1100\r\nTZNAME:AEDT\r\nRDATE:20261004T020000\r\n\
                        END:DAYLIGHT\r\n";
        assert!(ics.contains(standard), "{ics}");
        assert!(ics.contains(daylight), "{ics}");
    }

    #[test]
    fn honolulu_and_kolkata_get_one_observance_with_their_offset() {
        let (from, to) = (utc(2026, 1, 1, 0, 0), utc(2027, 1, 1, 0, 0));
        let honolulu = vtimezone(chrono_tz::Pacific::Honolulu, from, to);
        assert!(
            honolulu.contains("TZOFFSETFROM:-1000\r\nTZOFFSETTO:-1000\r\nTZNAME:HST\r\n"),
            "{honolulu}"
        );
        let kolkata = vtimezone(chrono_tz::Asia::Kolkata, from, to);
        assert!(
            kolkata.contains("BEGIN:STANDARD\r\nDTSTART:20250101T053000\r\n"),
            "{kolkata}"
        );
        assert!(kolkata.contains("TZOFFSETTO:+0530\r\n"), "{kolkata}");
        assert_eq!(kolkata.matches("BEGIN:STANDARD").count(), 1, "{kolkata}");
        assert!(!kolkata.contains("DAYLIGHT"), "{kolkata}");
    }

    #[test]
    fn a_zone_without_an_abbreviation_gets_no_tzname() {
        let ics = vtimezone(
            chrono_tz::America::Sao_Paulo,
            utc(2026, 1, 1, 0, 0),
            utc(2027, 1, 1, 0, 0),
        );
        assert!(ics.contains("TZOFFSETTO:-0300\r\n"), "{ics}");
        assert!(!ics.contains("TZNAME"), "{ics}");
    }

    #[test]
    fn utc_offsets_are_written_with_sign_hours_minutes_and_seconds_if_any() {
        assert_eq!(utc_offset(-5 * 3600), "-0500");
        assert_eq!(utc_offset(0), "+0000");
        assert_eq!(utc_offset(5 * 3600 + 45 * 60), "+0545");
        assert_eq!(utc_offset(-(4 * 3600 + 56 * 60 + 2)), "-045602");
    }

    #[test]
    fn the_sundays_found_are_sundays() {
        let found = transitions(
            chrono_tz::America::Chicago,
            utc(2020, 1, 1, 0, 0),
            utc(2030, 1, 1, 0, 0),
        );
        assert_eq!(found.len(), 20);
        for change in found {
            let onset = change.before.wall_clock(change.at);
            assert_eq!(onset.weekday(), Weekday::Sun, "{change:?}");
            assert_eq!(onset.time(), naive(2020, 1, 1, 2, 0).time(), "{change:?}");
        }
    }
}
