//! When the scheduler must next look: one read for every kind of timed work, so that a
//! dispatcher woken after each command asks the database once, not six times.

use super::{Result, Store};

/// The earliest stored due time, and whether anyone is in pairing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NextDue {
    /// The earliest of: a check-in schedule, a pending delivery, a meetup reminder, a count
    /// edit once changes have settled, a series' next announcement.
    pub at: Option<i64>,
    /// Whether the pairing rounds have members (a round is due only then).
    pub pairing: bool,
}

impl Store {
    /// What [`NextDue`] says, at `now`: reminders for meetups still ahead, count edits
    /// `coalesce` seconds after the last change, series announced `series_ahead` seconds
    /// before they start.
    pub async fn next_due(&self, now: i64, coalesce: i64, series_ahead: i64) -> Result<NextDue> {
        let (at, pairing): (Option<i64>, bool) = sqlx::query_as(
            "SELECT (SELECT min(t) FROM (\
                 SELECT min(next_due_at) AS t FROM checkin_schedules \
                 UNION ALL SELECT min(next_attempt_at) FROM outbox WHERE status = 'pending' \
                 UNION ALL SELECT min(starts_at - 86400) FROM meetups \
                    WHERE status = 'scheduled' AND reminded_24h = 0 AND starts_at > ? \
                 UNION ALL SELECT min(starts_at - 3600) FROM meetups \
                    WHERE status = 'scheduled' AND reminded_1h = 0 AND starts_at > ? \
                 UNION ALL SELECT min(counts_changed_at) + ? FROM meetups \
                    WHERE counts_changed_at IS NOT NULL \
                    AND id IN (SELECT meetup_id FROM meetup_posts) \
                 UNION ALL SELECT min(next_starts_at) - ? FROM meetup_series \
                    WHERE cancelled = 0 AND template IS NOT NULL AND next_starts_at IS NOT NULL)), \
             EXISTS (SELECT 1 FROM pairing_members)",
        )
        .bind(now)
        .bind(now)
        .bind(coalesce)
        .bind(series_ahead)
        .fetch_one(&self.pool)
        .await?;
        Ok(NextDue { at, pairing })
    }
}
