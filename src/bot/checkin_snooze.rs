//! Snoozing the open check-in (for a while, until a time, or until the member's shift ends)
//! and the shift end it reads. Every reply here is private.

use chrono::{DateTime, NaiveTime, Utc};
use chrono_tz::Tz;

use super::{Bot, Failure};
use crate::domain::command::{ShiftEnd, SnoozeFor, UserError};
use crate::domain::identity::Actor;
use crate::domain::reply::Reply;
use crate::domain::schedule::{self, WeeklySchedule};
use crate::domain::weekly::{instant, local_label};
use crate::store::ScheduleRow;

/// Snoozes a prompt may take.
const MAX_SNOOZES: i64 = 2;

impl Bot {
    /// Sets or removes the member's shift end; the title of the settings reply that follows.
    pub(super) async fn set_shift_end(
        &self,
        actor: &Actor,
        shift: ShiftEnd,
    ) -> Result<String, Failure> {
        let (_, schedule) = self.own_schedule(actor).await?;
        let (value, title) = match shift {
            ShiftEnd::At(t) => (
                Some(t.format("%H:%M").to_string()),
                format!(
                    "Shift end set: {} ({}). /checkin snooze after shift waits until then.",
                    t.format("%H:%M"),
                    schedule.zone.name()
                ),
            ),
            ShiftEnd::Off => (None, "Shift end removed.".to_owned()),
        };
        let now = self.clock.now().timestamp();
        self.store
            .set_shift_end(&actor.member.user, value.as_deref(), now)
            .await?;
        Ok(title)
    }

    /// Brings the open prompt back later: the rules of every snooze (at most twice, quiet
    /// hours hold it, never past the prompt's close) apply to each form.
    pub(super) async fn snooze(&self, actor: &Actor, how: SnoozeFor) -> Result<Reply, Failure> {
        let prompt = self.answerable_prompt(actor).await?;
        if prompt.status == "answered" {
            return Err(UserError::new(
                "You answered this week's check-in already; there is nothing to snooze.",
            )
            .into());
        }
        if prompt.snoozes >= MAX_SNOOZES {
            return Err(UserError::new(
                "This check-in was snoozed twice already. Answer it with /checkin answer 1-5, or \
                 /checkin skip.",
            )
            .into());
        }
        let now = self.clock.now();
        let schedule = self
            .store
            .schedule(&actor.member.user)
            .await?
            .as_ref()
            .and_then(ScheduleRow::schedule);
        let zone = schedule.map_or(self.settings.default_zone, |s| s.zone);
        let mut due = self.snooze_until(actor, how, schedule, now, zone).await?;
        // Quiet hours hold a snoozed prompt too.
        if let Some(end) = schedule
            .and_then(|s| s.quiet)
            .and_then(|q| q.end_after(due, zone))
        {
            due = end;
        }
        if due.timestamp() >= prompt.expires_at {
            return Err(UserError::new(format!(
                "This check-in closes on {}, before that; answer it now or let it go with \
                 /checkin skip.",
                local_label(instant(prompt.expires_at), zone)
            ))
            .into());
        }
        if !self
            .store
            .snooze_prompt(&prompt, &actor.member, due.timestamp(), now.timestamp())
            .await?
        {
            return Err(UserError::new("This check-in was snoozed twice already.").into());
        }
        Ok(Reply::private(format!(
            "Snoozed until {}.",
            local_label(due, zone)
        )))
    }

    /// When a snooze of the given form ends, before quiet hours are applied.
    async fn snooze_until(
        &self,
        actor: &Actor,
        how: SnoozeFor,
        schedule: Option<WeeklySchedule>,
        now: DateTime<Utc>,
        zone: Tz,
    ) -> Result<DateTime<Utc>, Failure> {
        Ok(match how {
            SnoozeFor::By(by) => now + by,
            SnoozeFor::Until(time) => schedule::next_local(time, now, zone),
            SnoozeFor::AfterShift => {
                let shift = self
                    .store
                    .shift_end(&actor.member.user)
                    .await?
                    .and_then(|t| NaiveTime::parse_from_str(&t, "%H:%M").ok());
                match shift.or(schedule.and_then(|s| s.quiet).map(|q| q.end)) {
                    Some(end) => schedule::next_local(end, now, zone),
                    None => {
                        return Err(UserError::new(
                            "I don't know when your shift ends yet. Set it with /checkin \
                             settings shift:7am (or set quiet hours, like /checkin quiet \
                             08:00-16:00), then snooze after shift. Nothing was changed.",
                        )
                        .into());
                    }
                }
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Duration;

    #[test]
    fn a_shift_end_is_the_next_time_the_member_s_clock_shows_it() {
        let zone = chrono_tz::America::New_York;
        // Mon Dec 7 2026, 22:00 in New York: a 07:00 shift end is Tuesday morning.
        let now = DateTime::parse_from_rfc3339("2026-12-08T03:00:00Z")
            .map(|t| t.with_timezone(&Utc))
            .unwrap_or_default();
        let seven = NaiveTime::from_hms_opt(7, 0, 0).unwrap_or_default();
        assert_eq!(
            local_label(schedule::next_local(seven, now, zone), zone),
            "Tue Dec 8, 07:00 ET"
        );
        let eleven_pm = NaiveTime::from_hms_opt(23, 0, 0).unwrap_or_default();
        assert_eq!(
            local_label(schedule::next_local(eleven_pm, now, zone), zone),
            "Mon Dec 7, 23:00 ET"
        );
        // Exactly now is not "later": the next day.
        let ten_pm = NaiveTime::from_hms_opt(22, 0, 0).unwrap_or_default();
        assert_eq!(
            schedule::next_local(ten_pm, now, zone),
            now + Duration::days(1)
        );
    }
}
