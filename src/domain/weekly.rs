//! The weekly check-in's clock, shared by the bot and the scheduler: stored instants, the
//! week an answer belongs to, when the next prompt is due, and how a prompt reads.

use chrono::{DateTime, NaiveDate, NaiveTime, Utc, Weekday};
use chrono_tz::Tz;

use super::reply::Reply;
use super::schedule::{self, QuietHours, WeeklySchedule};
use super::wellbeing;

/// Seconds since the epoch → instant. Stored times were instants when written; one out of
/// chrono's range (a damaged row) reads as the epoch rather than stopping the bot.
pub fn instant(secs: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(secs, 0).unwrap_or_default()
}

/// An instant as a member reads it: "Mon Dec 7, 09:00 ET".
pub fn local_label(at: DateTime<Utc>, zone: Tz) -> String {
    format!(
        "{} {}",
        at.with_timezone(&zone).format("%a %b %-d, %H:%M"),
        schedule::zone_label(zone, at)
    )
}

/// The Monday of the member's week containing `at`, as stored.
pub fn week_label(at: DateTime<Utc>, zone: Tz) -> String {
    wellbeing::week_of(at.with_timezone(&zone).date_naive())
        .format("%Y-%m-%d")
        .to_string()
}

/// A stored week (its Monday, YYYY-MM-DD) as a member reads it, whole, so that a Sunday
/// check-in is plainly inside it: "Mon Nov 30 – Sun Dec 6". An unreadable label is shown as is.
pub fn week_span(week: &str) -> String {
    match NaiveDate::parse_from_str(week, "%Y-%m-%d") {
        Ok(monday) => format!(
            "{} – {}",
            monday.format("%a %b %-d"),
            (monday + chrono::Duration::days(6)).format("%a %b %-d")
        ),
        Err(_) => week.to_owned(),
    }
}

/// A schedule from its stored parts (weekday 0 = Monday, times as HH:MM, an IANA zone).
/// Stored values were validated when saved; `None` for one that no longer reads.
pub fn stored_schedule(
    weekday: u8,
    local_time: &str,
    timezone: &str,
    quiet: Option<(&str, &str)>,
) -> Option<WeeklySchedule> {
    let zone: Tz = timezone.parse().ok()?;
    let time = NaiveTime::parse_from_str(local_time, "%H:%M").ok()?;
    let quiet = match quiet {
        Some((start, end)) => Some(
            QuietHours::new(
                NaiveTime::parse_from_str(start, "%H:%M").ok()?,
                NaiveTime::parse_from_str(end, "%H:%M").ok()?,
            )
            .ok()?,
        ),
        None => None,
    };
    Some(WeeklySchedule {
        weekday: Weekday::try_from(weekday).unwrap_or(Weekday::Mon),
        time,
        zone,
        quiet,
    })
}

/// The next prompt after `after`, honouring a pause, as stored (seconds).
pub fn next_due(s: &WeeklySchedule, after: DateTime<Utc>, paused_until: Option<i64>) -> i64 {
    s.next_after_pause(after, paused_until.map(instant))
        .timestamp()
}

/// The prompt a member gets: it says until when it is open and how many snoozes are left.
pub fn prompt(expires_at: i64, snoozes: i64, zone: Tz) -> Reply {
    wellbeing::prompt_reply(&local_label(instant(expires_at), zone), 2 - snoozes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sunday_check_in_is_labelled_with_the_week_that_contains_it() {
        // Sunday Dec 6 2026, 19:00 in Los Angeles (Monday 03:00 UTC).
        let sunday = DateTime::parse_from_rfc3339("2026-12-07T03:00:00Z")
            .map(|t| t.with_timezone(&Utc))
            .unwrap_or_default();
        let week = week_label(sunday, chrono_tz::America::Los_Angeles);
        assert_eq!(week, "2026-11-30");
        assert_eq!(week_span(&week), "Mon Nov 30 – Sun Dec 6");
        assert_eq!(week_span("not a week"), "not a week");
    }
}
