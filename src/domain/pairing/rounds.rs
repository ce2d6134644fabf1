//! When pairing rounds run (a weekday and local time, every N weeks) and among whom (a
//! community's own members, or everyone across the deployment). Pure: the scheduler asks.

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveTime, TimeZone, Utc, Weekday};
use chrono_tz::Tz;

/// The scope name of rounds across the whole deployment.
pub const DEPLOYMENT: &str = "deployment";

/// When rounds run and who is paired with whom.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rounds {
    pub weekday: Weekday,
    pub time: NaiveTime,
    pub zone: Tz,
    /// Weeks between rounds (1 to 4).
    pub every_weeks: u32,
    /// Whether communities pair across the deployment unless they say otherwise.
    pub deployment: bool,
    /// Communities (`platform:id`) that choose otherwise: `true` for the deployment.
    pub exceptions: Vec<(String, bool)>,
}

impl Rounds {
    /// The scope a member opted in from `community` is paired in.
    pub fn scope_of(&self, community: &str) -> String {
        let deployment = self
            .exceptions
            .iter()
            .find(|(c, _)| c == community)
            .map_or(self.deployment, |(_, d)| *d);
        if deployment {
            DEPLOYMENT.to_owned()
        } else {
            community.to_owned()
        }
    }

    /// Whether `date` is a round's date.
    fn is_round_date(&self, date: NaiveDate) -> bool {
        // Weeks counted from Monday 1970-01-05, so every N weeks is the same days for everyone.
        let epoch = NaiveDate::from_ymd_opt(1970, 1, 5).expect("a valid date");
        let weeks = (date - epoch).num_days().div_euclid(7);
        date.weekday() == self.weekday && weeks.rem_euclid(i64::from(self.every_weeks.max(1))) == 0
    }

    fn instant(&self, date: NaiveDate) -> Option<DateTime<Utc>> {
        self.zone
            .from_local_datetime(&date.and_time(self.time))
            .earliest()
            .map(|t| t.with_timezone(&Utc))
    }

    /// The latest round at or before `now`, with its local date.
    pub fn last_at_or_before(&self, now: DateTime<Utc>) -> Option<(DateTime<Utc>, NaiveDate)> {
        let today = now.with_timezone(&self.zone).date_naive();
        (0..=i64::from(self.every_weeks) * 7 + 1)
            .map(|back| today - Duration::days(back))
            .filter(|d| self.is_round_date(*d))
            .filter_map(|d| Some((self.instant(d)?, d)))
            .find(|(at, _)| *at <= now)
    }

    /// The first round after `now`.
    pub fn next_after(&self, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        let today = now.with_timezone(&self.zone).date_naive();
        (0..=i64::from(self.every_weeks) * 7 + 1)
            .map(|ahead| today + Duration::days(ahead))
            .filter(|d| self.is_round_date(*d))
            .filter_map(|d| self.instant(d))
            .find(|at| *at > now)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rounds(every: u32) -> Rounds {
        Rounds {
            weekday: Weekday::Tue,
            time: NaiveTime::from_hms_opt(10, 0, 0).unwrap(),
            zone: chrono_tz::America::New_York,
            every_weeks: every,
            deployment: false,
            exceptions: vec![("console:small".into(), true)],
        }
    }

    #[test]
    fn rounds_fall_on_the_weekday_every_n_weeks_in_local_time() {
        let r = rounds(2);
        let now: DateTime<Utc> = "2026-12-01T12:00:00Z".parse().unwrap(); // Tue 07:00 New York
        let next = r.next_after(now).unwrap();
        let (last, date) = r.last_at_or_before(next).unwrap();
        assert_eq!(last, next);
        assert_eq!(date.weekday(), Weekday::Tue);
        assert_eq!(next.with_timezone(&r.zone).time(), r.time);
        let after = r.next_after(next).unwrap();
        assert_eq!(after - next, Duration::weeks(2));
        assert_eq!(
            rounds(1).next_after(next).unwrap() - next,
            Duration::weeks(1)
        );
    }

    #[test]
    fn a_community_pairs_its_own_members_unless_it_chose_the_deployment() {
        let r = rounds(2);
        assert_eq!(r.scope_of("console:lab"), "console:lab");
        assert_eq!(r.scope_of("console:small"), DEPLOYMENT);
    }
}
