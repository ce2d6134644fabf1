//! What a member chose about their check-ins beyond the schedule itself: when their shift
//! ends (for "snooze after shift") and which weeks they skipped on purpose (a skipped week
//! keeps their streak).

use sqlx::Row;

use super::{Result, Store};
use crate::domain::identity::UserId;

impl Store {
    /// The member's shift end (HH:MM in their schedule's zone), if they set one.
    pub async fn shift_end(&self, user: &UserId) -> Result<Option<String>> {
        let row = sqlx::query(
            "SELECT shift_end FROM checkin_schedules WHERE platform = ? AND user_id = ?",
        )
        .bind(user.platform.code())
        .bind(&user.id)
        .fetch_optional(&self.pool)
        .await?;
        Ok(match row {
            Some(r) => r.try_get("shift_end")?,
            None => None,
        })
    }

    /// Sets (or with `None` clears) the member's shift end. `Ok(false)`: they have no schedule.
    pub async fn set_shift_end(&self, user: &UserId, end: Option<&str>, now: i64) -> Result<bool> {
        Ok(sqlx::query(
            "UPDATE checkin_schedules SET shift_end = ?, updated_at = ? \
             WHERE platform = ? AND user_id = ?",
        )
        .bind(end)
        .bind(now)
        .bind(user.platform.code())
        .bind(&user.id)
        .execute(&self.pool)
        .await?
        .rows_affected()
            > 0)
    }

    /// Remembers that the member skipped the check-in of `week` on purpose.
    pub async fn record_skip(&self, user: &UserId, week: &str, now: i64) -> Result<()> {
        sqlx::query(
            "INSERT INTO checkin_skips (platform, user_id, week, skipped_at) VALUES (?, ?, ?, ?) \
             ON CONFLICT DO NOTHING",
        )
        .bind(user.platform.code())
        .bind(&user.id)
        .bind(week)
        .bind(now)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// The weeks (Mondays, YYYY-MM-DD) from `week` on that the member skipped on purpose.
    pub async fn skipped_weeks_since(&self, user: &UserId, week: &str) -> Result<Vec<String>> {
        Ok(sqlx::query_scalar(
            "SELECT week FROM checkin_skips WHERE platform = ? AND user_id = ? AND week >= ? \
             ORDER BY week",
        )
        .bind(user.platform.code())
        .bind(&user.id)
        .bind(week)
        .fetch_all(&self.pool)
        .await?)
    }
}
