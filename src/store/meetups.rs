//! Meetups, their announcements, RSVPs, reminders and subscriptions.

use sqlx::{Row, SqliteConnection};

use super::checkins::platform;
use super::{Result, Store, StoreError};
use crate::domain::identity::{Member, UserId};
use crate::domain::roster::Status;

/// A meetup, as stored (the domain's type).
pub use crate::domain::meetup::Meetup as MeetupRow;

/// A series to start with its first meetup.
#[derive(Debug, Clone)]
pub struct NewSeries {
    pub repeat: String,
    pub until: Option<String>,
    /// The first occurrence's local wall time, `YYYY-MM-DDTHH:MM`.
    pub first_local: String,
    pub next_starts_at: Option<i64>,
}

/// A series, as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeriesRow {
    pub id: i64,
    pub repeat: String,
    pub until: Option<String>,
    pub first_local: String,
    pub next_index: i64,
    pub next_starts_at: Option<i64>,
    pub cancelled: bool,
    pub template: Option<i64>,
}

fn series_from_row(r: &sqlx::sqlite::SqliteRow) -> Result<SeriesRow> {
    Ok(SeriesRow {
        id: r.try_get("id")?,
        repeat: r.try_get("repeat")?,
        until: r.try_get("until")?,
        first_local: r.try_get("first_local")?,
        next_index: r.try_get("next_index")?,
        next_starts_at: r.try_get("next_starts_at")?,
        cancelled: r.try_get::<i64, _>("cancelled")? != 0,
        template: r.try_get("template")?,
    })
}

/// A private message to queue for a member.
#[derive(Debug, Clone)]
pub struct Notice {
    pub to: Member,
    pub text: String,
    /// Makes the notice idempotent (e.g. `edit:12:3:alice`).
    pub key: String,
}

/// A meetup with its roster in list order, and the highest position used.
#[derive(Debug, Clone)]
pub struct RosterSnapshot {
    pub meetup: MeetupRow,
    pub rsvps: Vec<(Member, Status)>,
    /// The announcement each RSVP came through (reconciliation only touches its own post's).
    pub via: std::collections::HashMap<UserId, String>,
    pub last_position: i64,
}

/// What one RSVP did, for the bot to tell people.
#[derive(Debug, Clone)]
pub struct RosterOutcome<R> {
    pub meetup: MeetupRow,
    pub result: R,
    /// Members whose status changed, with the new status (`None`: no RSVP any more).
    pub changed: Vec<(Member, Option<Status>)>,
}

fn status_code(s: Status) -> &'static str {
    match s {
        Status::Going => "going",
        Status::Waitlisted => "waitlist",
        Status::Maybe => "maybe",
        Status::CantGo => "cant",
    }
}

fn meetup_from_row(r: &sqlx::sqlite::SqliteRow) -> Result<MeetupRow> {
    let capacity: Option<i64> = r.try_get("capacity")?;
    Ok(MeetupRow {
        id: r.try_get("id")?,
        series_id: r.try_get("series_id")?,
        community: r.try_get("community")?,
        organizer: Member {
            user: UserId::new(
                platform(&r.try_get::<String, _>("organizer_platform")?)?,
                r.try_get::<String, _>("organizer_id")?,
            ),
            display_name: r.try_get("organizer_name")?,
        },
        title: r.try_get("title")?,
        starts_at: r.try_get("starts_at")?,
        ends_at: r.try_get("ends_at")?,
        timezone: r.try_get("timezone")?,
        location: r.try_get("location")?,
        state: r.try_get("state")?,
        capacity: capacity.and_then(|c| u32::try_from(c).ok()),
        link: r.try_get("link")?,
        description: r.try_get("description")?,
        cancelled: r.try_get::<String, _>("status")? == "cancelled",
        cancel_reason: r.try_get("cancel_reason")?,
        sequence: r.try_get("sequence")?,
    })
}

async fn meetup_in(conn: &mut SqliteConnection, id: i64) -> Result<Option<MeetupRow>> {
    let row = sqlx::query("SELECT * FROM meetups WHERE id = ?")
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?;
    row.as_ref().map(meetup_from_row).transpose()
}

async fn queue_notices(conn: &mut SqliteConnection, notices: &[Notice], now: i64) -> Result<()> {
    for n in notices {
        sqlx::query(
            "INSERT INTO outbox (idempotency_key, platform, user_id, display_name, kind, body, \
             due_at, next_attempt_at, created_at) VALUES (?, ?, ?, ?, 'meetup_notice', ?, ?, ?, ?) \
             ON CONFLICT (idempotency_key) DO NOTHING",
        )
        .bind(&n.key)
        .bind(n.to.user.platform.code())
        .bind(&n.to.user.id)
        .bind(&n.to.display_name)
        .bind(&n.text)
        .bind(now)
        .bind(now)
        .bind(now)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// Queues an announcement post (or an edit of one) in a community.
async fn queue_post(
    conn: &mut SqliteConnection,
    meetup_id: i64,
    community: &str,
    edit_of: Option<&str>,
    key: &str,
    now: i64,
) -> Result<()> {
    let platform_code = community.split(':').next().unwrap_or_default();
    sqlx::query(
        "INSERT INTO outbox (idempotency_key, platform, user_id, display_name, kind, meetup_id, \
         community, edit_of, due_at, next_attempt_at, created_at) \
         VALUES (?, ?, '', '', ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (idempotency_key) DO NOTHING",
    )
    .bind(key)
    .bind(platform_code)
    .bind(if edit_of.is_some() {
        "meetup_edit"
    } else {
        "meetup_announcement"
    })
    .bind(meetup_id)
    .bind(community)
    .bind(edit_of)
    .bind(now)
    .bind(now)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

impl Store {
    /// Creates a meetup (and, with `series`, the series it starts), queues its announcement in
    /// its community and notices to subscribers.
    pub async fn create_meetup(
        &self,
        m: &MeetupRow,
        series: Option<&NewSeries>,
        notices: &[Notice],
        now: i64,
    ) -> Result<i64> {
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        let series_id: Option<i64> = match series {
            None => None,
            Some(s) => Some(
                sqlx::query_scalar(
                    "INSERT INTO meetup_series (repeat, until, first_local, next_index, \
                     next_starts_at, created_at) VALUES (?, ?, ?, 1, ?, ?) RETURNING id",
                )
                .bind(&s.repeat)
                .bind(&s.until)
                .bind(&s.first_local)
                .bind(s.next_starts_at)
                .bind(now)
                .fetch_one(&mut *tx)
                .await?,
            ),
        };
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO meetups (community, organizer_platform, organizer_id, organizer_name, \
             title, starts_at, ends_at, timezone, location, state, capacity, link, description, \
             created_at, updated_at, series_id) \
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
        )
        .bind(&m.community)
        .bind(m.organizer.user.platform.code())
        .bind(&m.organizer.user.id)
        .bind(&m.organizer.display_name)
        .bind(&m.title)
        .bind(m.starts_at)
        .bind(m.ends_at)
        .bind(&m.timezone)
        .bind(&m.location)
        .bind(&m.state)
        .bind(m.capacity.map(i64::from))
        .bind(&m.link)
        .bind(&m.description)
        .bind(now)
        .bind(now)
        .bind(series_id)
        .fetch_one(&mut *tx)
        .await?;
        if let Some(series) = series_id {
            sqlx::query("UPDATE meetup_series SET template = ? WHERE id = ?")
                .bind(id)
                .bind(series)
                .execute(&mut *tx)
                .await?;
        }
        let key = format!("announce:{id}:{}", m.community);
        queue_post(&mut tx, id, &m.community, None, &key, now).await?;
        let notices: Vec<Notice> = notices
            .iter()
            .map(|n| Notice {
                key: n.key.replace("{id}", &id.to_string()),
                ..n.clone()
            })
            .collect();
        queue_notices(&mut tx, &notices, now).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Series whose next occurrence starts by `horizon` (time to create and announce it).
    pub async fn due_series(&self, horizon: i64) -> Result<Vec<SeriesRow>> {
        let rows = sqlx::query(
            "SELECT * FROM meetup_series WHERE cancelled = 0 AND next_starts_at IS NOT NULL \
             AND next_starts_at <= ? AND template IS NOT NULL ORDER BY next_starts_at LIMIT 500",
        )
        .bind(horizon)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(series_from_row).collect()
    }

    /// One series.
    pub async fn series(&self, id: i64) -> Result<Option<SeriesRow>> {
        let row = sqlx::query("SELECT * FROM meetup_series WHERE id = ?")
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(series_from_row).transpose()
    }

    /// The earliest time a series' next occurrence is due to be announced, `ahead` seconds
    /// before it starts.
    pub async fn next_series_due(&self, ahead: i64) -> Result<Option<i64>> {
        Ok(sqlx::query_scalar(
            "SELECT min(next_starts_at) - ? FROM meetup_series WHERE cancelled = 0 AND template IS NOT NULL \
             AND next_starts_at IS NOT NULL",
        )
        .bind(ahead)
        .fetch_one(&self.pool)
        .await?)
    }

    /// Creates the series' next occurrence (a copy of its first meetup at `starts_at`), queues
    /// its announcement, and moves the series on to `next` (`None`: the series is over).
    /// Writes nothing twice: occurrences are unique per series and start.
    pub async fn create_occurrence(
        &self,
        s: &SeriesRow,
        starts_at: i64,
        ends_at: i64,
        next: Option<i64>,
        now: i64,
    ) -> Result<Option<i64>> {
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        let id: Option<i64> = sqlx::query_scalar(
            "INSERT INTO meetups (community, organizer_platform, organizer_id, organizer_name, \
             title, starts_at, ends_at, timezone, location, state, capacity, link, description, \
             created_at, updated_at, series_id) \
             SELECT community, organizer_platform, organizer_id, organizer_name, title, ?, ?, \
             timezone, location, state, capacity, link, description, ?, ?, series_id \
             FROM meetups WHERE id = ? AND EXISTS (SELECT 1 FROM meetup_series AS s \
             WHERE s.id = meetups.series_id AND s.cancelled = 0) \
             ON CONFLICT (series_id, starts_at) WHERE series_id IS NOT NULL DO NOTHING \
             RETURNING id",
        )
        .bind(starts_at)
        .bind(ends_at)
        .bind(now)
        .bind(now)
        .bind(s.template)
        .fetch_optional(&mut *tx)
        .await?;
        if let Some(id) = id {
            let community: String =
                sqlx::query_scalar("SELECT community FROM meetups WHERE id = ?")
                    .bind(id)
                    .fetch_one(&mut *tx)
                    .await?;
            let key = format!("announce:{id}:{community}");
            queue_post(&mut tx, id, &community, None, &key, now).await?;
        }
        sqlx::query(
            "UPDATE meetup_series SET next_index = next_index + 1, next_starts_at = ? WHERE id = ?",
        )
        .bind(next)
        .bind(s.id)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Moves a series past an occurrence without creating it.
    pub async fn skip_occurrence(&self, s: &SeriesRow, next: Option<i64>) -> Result<()> {
        sqlx::query(
            "UPDATE meetup_series SET next_index = next_index + 1, next_starts_at = ? WHERE id = ?",
        )
        .bind(next)
        .bind(s.id)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Marks a series cancelled (no more occurrences are created).
    pub async fn cancel_series(&self, id: i64) -> Result<()> {
        sqlx::query("UPDATE meetup_series SET cancelled = 1 WHERE id = ?")
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Every occurrence of a series, in order.
    pub async fn series_occurrences(&self, series_id: i64) -> Result<Vec<MeetupRow>> {
        let rows = sqlx::query("SELECT * FROM meetups WHERE series_id = ? ORDER BY starts_at")
            .bind(series_id)
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(meetup_from_row).collect()
    }

    /// One meetup.
    pub async fn meetup(&self, id: i64) -> Result<Option<MeetupRow>> {
        let mut conn = self.pool.acquire().await?;
        meetup_in(&mut conn, id).await
    }

    /// Meetups that have not started, soonest first, optionally in one state.
    pub async fn upcoming_meetups(&self, now: i64, state: Option<&str>) -> Result<Vec<MeetupRow>> {
        let rows = sqlx::query(
            "SELECT * FROM meetups WHERE status = 'scheduled' AND starts_at > ? \
             AND (? IS NULL OR state = ?) ORDER BY starts_at LIMIT 25",
        )
        .bind(now)
        .bind(state)
        .bind(state)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(meetup_from_row).collect()
    }

    /// Saves an edited (or cancelled) meetup, raises its sequence, queues notices and an edit
    /// of every announcement.
    pub async fn save_meetup(&self, m: &MeetupRow, notices: &[Notice], now: i64) -> Result<()> {
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        sqlx::query(
            "UPDATE meetups SET title = ?, starts_at = ?, ends_at = ?, timezone = ?, \
             location = ?, state = ?, capacity = ?, link = ?, description = ?, status = ?, \
             cancel_reason = ?, sequence = sequence + 1, counts_changed_at = ?, \
             reminded_24h = CASE WHEN starts_at = ? THEN reminded_24h ELSE 0 END, \
             reminded_1h = CASE WHEN starts_at = ? THEN reminded_1h ELSE 0 END, updated_at = ? \
             WHERE id = ?",
        )
        .bind(&m.title)
        .bind(m.starts_at)
        .bind(m.ends_at)
        .bind(&m.timezone)
        .bind(&m.location)
        .bind(&m.state)
        .bind(m.capacity.map(i64::from))
        .bind(&m.link)
        .bind(&m.description)
        .bind(if m.cancelled {
            "cancelled"
        } else {
            "scheduled"
        })
        .bind(&m.cancel_reason)
        .bind(now)
        .bind(m.starts_at)
        .bind(m.starts_at)
        .bind(now)
        .bind(m.id)
        .execute(&mut *tx)
        .await?;
        if m.cancelled {
            // Nothing more goes out for a cancelled meetup but the notices below.
            sqlx::query(
                "UPDATE outbox SET status = 'skipped', last_error = 'meetup cancelled' \
                 WHERE meetup_id = ? AND status = 'pending' AND kind = 'meetup_reminder'",
            )
            .bind(m.id)
            .execute(&mut *tx)
            .await?;
        }
        queue_notices(&mut tx, notices, now).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Everyone with an RSVP, in list order.
    pub async fn rsvps(&self, meetup_id: i64) -> Result<Vec<(Member, Status)>> {
        let mut conn = self.pool.acquire().await?;
        rsvps_in(&mut conn, meetup_id).await
    }

    /// A meetup and its roster, read as one row. `None`: no such meetup.
    pub async fn load_roster(&self, meetup_id: i64) -> Result<Option<RosterSnapshot>> {
        let row = sqlx::query(
            "SELECT m.*, (SELECT json_group_array(json_array(platform, user_id, display_name, \
             status, position, via)) FROM (SELECT * FROM rsvps WHERE meetup_id = m.id \
             AND status != 'none' ORDER BY position)) AS roster, \
             (SELECT coalesce(max(position), 0) FROM rsvps WHERE meetup_id = m.id) AS last \
             FROM meetups AS m WHERE m.id = ?",
        )
        .bind(meetup_id)
        .fetch_optional(&self.pool)
        .await?;
        let Some(row) = row else { return Ok(None) };
        let json: String = row.try_get("roster")?;
        let rows: Vec<(String, String, String, String, i64, String)> =
            serde_json::from_str(&json).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let mut via = std::collections::HashMap::new();
        for (platform_code, user_id, _, _, _, post) in &rows {
            via.insert(
                UserId::new(platform(platform_code)?, user_id.clone()),
                post.clone(),
            );
        }
        Ok(Some(RosterSnapshot {
            meetup: meetup_from_row(&row)?,
            rsvps: roster_from_json(&json)?,
            via,
            last_position: row.try_get("last")?,
        }))
    }

    /// Writes roster changes, all in one statement (so a change never half-lands: a member
    /// leaving and the one promoted move together). `None` status: the RSVP was taken back
    /// (kept as a `none` row). A trigger marks the meetup for its announcement edit.
    pub async fn write_rsvps(
        &self,
        meetup_id: i64,
        changes: &[(Member, Option<Status>, i64, String)],
        now: i64,
    ) -> Result<()> {
        if changes.is_empty() {
            return Ok(());
        }
        let rows: Vec<serde_json::Value> = changes
            .iter()
            .map(|(m, status, position, via)| {
                serde_json::json!([
                    m.user.platform.code(),
                    m.user.id,
                    m.display_name,
                    status.map_or("none", status_code),
                    position,
                    via
                ])
            })
            .collect();
        sqlx::query(
            "INSERT INTO rsvps (meetup_id, platform, user_id, display_name, status, position, \
             via, updated_at) SELECT ?, value ->> 0, value ->> 1, value ->> 2, value ->> 3, \
             value ->> 4, value ->> 5, ? FROM json_each(?) WHERE true \
             ON CONFLICT (meetup_id, platform, user_id) DO UPDATE SET \
             status = excluded.status, position = excluded.position, via = excluded.via, \
             display_name = excluded.display_name, updated_at = excluded.updated_at",
        )
        .bind(meetup_id)
        .bind(now)
        .bind(serde_json::Value::Array(rows).to_string())
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// The meetup an announcement message belongs to.
    pub async fn meetup_for_post(
        &self,
        platform_code: &str,
        message_id: &str,
    ) -> Result<Option<i64>> {
        Ok(sqlx::query_scalar(
            "SELECT meetup_id FROM meetup_posts WHERE platform = ? AND message_id = ?",
        )
        .bind(platform_code)
        .bind(message_id)
        .fetch_optional(&self.pool)
        .await?)
    }

    /// Announcements of scheduled meetups that have not started, on one platform.
    pub async fn active_announcements(
        &self,
        platform_code: &str,
        now: i64,
    ) -> Result<Vec<(String, String)>> {
        let rows = sqlx::query(
            "SELECT p.community, p.message_id FROM meetup_posts AS p JOIN meetups AS m \
             ON m.id = p.meetup_id WHERE p.platform = ? AND m.status = 'scheduled' \
             AND m.starts_at > ? ORDER BY m.starts_at",
        )
        .bind(platform_code)
        .bind(now)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| Ok((r.try_get("community")?, r.try_get("message_id")?)))
            .collect()
    }

    /// Where a meetup is announced: (community, message id).
    pub async fn meetup_posts(&self, meetup_id: i64) -> Result<Vec<(String, String)>> {
        let rows = sqlx::query(
            "SELECT community, message_id FROM meetup_posts WHERE meetup_id = ? ORDER BY rowid",
        )
        .bind(meetup_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| Ok((r.try_get("community")?, r.try_get("message_id")?)))
            .collect()
    }

    /// The platform acknowledged an announcement: mark the delivery sent and record the post,
    /// together (a post the bot does not know would never count its reactions).
    pub async fn announcement_sent(
        &self,
        delivery: i64,
        meetup_id: i64,
        community: &str,
        message_id: &str,
        now: i64,
    ) -> Result<()> {
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        sqlx::query(
            "UPDATE outbox SET status = 'sent', platform_message_id = ?, sent_at = ?, \
             attempts = attempts + 1, last_error = NULL WHERE id = ?",
        )
        .bind(message_id)
        .bind(now)
        .bind(delivery)
        .execute(&mut *tx)
        .await?;
        let platform_code = community.split(':').next().unwrap_or_default();
        sqlx::query(
            "INSERT INTO meetup_posts (meetup_id, platform, community, message_id) \
             VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
        )
        .bind(meetup_id)
        .bind(platform_code)
        .bind(community)
        .bind(message_id)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Queues an announcement of an existing meetup in another community (`/meetup share`).
    pub async fn share_meetup(&self, meetup_id: i64, community: &str, now: i64) -> Result<bool> {
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        let already: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM meetup_posts WHERE meetup_id = ? AND community = ?",
        )
        .bind(meetup_id)
        .bind(community)
        .fetch_one(&mut *tx)
        .await?;
        if already > 0 {
            return Ok(false);
        }
        queue_post(
            &mut tx,
            meetup_id,
            community,
            None,
            &format!("announce:{meetup_id}:{community}"),
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(true)
    }

    /// For every meetup whose RSVPs changed at or before `before`: one edit of each of its
    /// announcements (a burst of reactions becomes one edit). Returns how many were queued.
    pub async fn queue_count_edits(&self, before: i64, now: i64) -> Result<usize> {
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        let rows = sqlx::query(
            "SELECT m.id, p.community, p.message_id, m.counts_changed_at FROM meetups AS m \
             JOIN meetup_posts AS p ON p.meetup_id = m.id \
             WHERE m.counts_changed_at IS NOT NULL AND m.counts_changed_at <= ?",
        )
        .bind(before)
        .fetch_all(&mut *tx)
        .await?;
        for r in &rows {
            let id: i64 = r.try_get("id")?;
            let community: String = r.try_get("community")?;
            let message: String = r.try_get("message_id")?;
            let at: i64 = r.try_get("counts_changed_at")?;
            queue_post(
                &mut tx,
                id,
                &community,
                Some(&message),
                &format!("edit:{id}:{message}:{at}"),
                now,
            )
            .await?;
        }
        sqlx::query(
            "UPDATE meetups SET counts_changed_at = NULL \
             WHERE counts_changed_at IS NOT NULL AND counts_changed_at <= ? \
             AND id IN (SELECT meetup_id FROM meetup_posts)",
        )
        .bind(before)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(rows.len())
    }

    /// Queues the 24-hour and 1-hour reminders that are due, to members going (and maybe,
    /// unless they opted out), once per meetup and reminder. A 24-hour reminder that comes due
    /// less than an hour before the start is skipped. Returns how many were queued.
    pub async fn queue_meetup_reminders(&self, now: i64) -> Result<usize> {
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        let mut queued = 0;
        for (flag, lead, label) in [
            ("reminded_24h", 86_400, "24h"),
            ("reminded_1h", 3_600, "1h"),
        ] {
            // Column names come from the constant list above.
            let sql = format!(
                "SELECT id, starts_at FROM meetups WHERE status = 'scheduled' AND {flag} = 0 \
                 AND starts_at > ? AND starts_at - {lead} <= ?"
            );
            let due = sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(now)
                .bind(now)
                .fetch_all(&mut *tx)
                .await?;
            for r in &due {
                let id: i64 = r.try_get("id")?;
                let starts: i64 = r.try_get("starts_at")?;
                // "Tomorrow" would be wrong for a meetup less than 20 hours away.
                let skip = label == "24h" && starts - now < 20 * 3_600;
                if !skip {
                    queued += sqlx::query(
                        "INSERT INTO outbox (idempotency_key, platform, user_id, display_name, \
                         kind, meetup_id, body, due_at, next_attempt_at, created_at) \
                         SELECT 'reminder:' || ? || ':' || ? || ':' || ? || ':' || r.platform || ':' \
                         || r.user_id, r.platform, r.user_id, r.display_name, 'meetup_reminder', \
                         ?, ?, ?, ?, ? \
                         FROM rsvps AS r WHERE r.meetup_id = ? AND (r.status = 'going' OR \
                         (r.status = 'maybe' AND NOT EXISTS (SELECT 1 FROM meetup_reminder_optouts AS o \
                         WHERE o.platform = r.platform AND o.user_id = r.user_id))) \
                         ON CONFLICT (idempotency_key) DO NOTHING",
                    )
                    .bind(id)
                    .bind(label)
                    .bind(starts)
                    .bind(id)
                    .bind(format!("{label}:{starts}"))
                    .bind(now)
                    .bind(now)
                    .bind(now)
                    .bind(id)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected() as usize;
                }
                let sql = format!("UPDATE meetups SET {flag} = 1 WHERE id = ?");
                sqlx::query(sqlx::AssertSqlSafe(sql))
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
            }
        }
        tx.commit().await?;
        Ok(queued)
    }

    /// The earliest time meetup work falls due: a reminder, or an edit of counts after
    /// `coalesce` seconds.
    pub async fn next_meetup_work(&self, now: i64, coalesce: i64) -> Result<Option<i64>> {
        Ok(sqlx::query_scalar(
            "SELECT min(t) FROM (\
             SELECT min(starts_at - 86400) AS t FROM meetups WHERE status = 'scheduled' \
                AND reminded_24h = 0 AND starts_at > ? \
             UNION ALL SELECT min(starts_at - 3600) FROM meetups WHERE status = 'scheduled' \
                AND reminded_1h = 0 AND starts_at > ? \
             UNION ALL SELECT min(counts_changed_at) + ? FROM meetups \
                WHERE counts_changed_at IS NOT NULL \
                AND id IN (SELECT meetup_id FROM meetup_posts))",
        )
        .bind(now)
        .bind(now)
        .bind(coalesce)
        .fetch_one(&self.pool)
        .await?)
    }

    /// Meetups where the member has an RSVP.
    pub async fn meetups_with_rsvp(&self, user: &UserId) -> Result<Vec<i64>> {
        Ok(sqlx::query_scalar(
            "SELECT DISTINCT meetup_id FROM rsvps WHERE platform = ? AND user_id = ? \
             AND status != 'none'",
        )
        .bind(user.platform.code())
        .bind(&user.id)
        .fetch_all(&self.pool)
        .await?)
    }

    /// The member's RSVP on a meetup.
    pub async fn rsvp_of(&self, meetup_id: i64, user: &UserId) -> Result<Option<Status>> {
        Ok(self
            .rsvps(meetup_id)
            .await?
            .into_iter()
            .find(|(m, _)| &m.user == user)
            .map(|(_, s)| s))
    }

    /// Turns reminders for "maybe" meetups off (`true`) or on.
    pub async fn set_reminder_optout(&self, user: &UserId, off: bool) -> Result<()> {
        let sql = if off {
            "INSERT INTO meetup_reminder_optouts (platform, user_id) VALUES (?, ?) \
             ON CONFLICT DO NOTHING"
        } else {
            "DELETE FROM meetup_reminder_optouts WHERE platform = ? AND user_id = ?"
        };
        sqlx::query(sql)
            .bind(user.platform.code())
            .bind(&user.id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Subscribes a member to new meetups in a state. `Ok(false)`: already subscribed.
    pub async fn subscribe(&self, member: &Member, state: &str) -> Result<bool> {
        Ok(sqlx::query(
            "INSERT INTO meetup_subscriptions (platform, user_id, display_name, state) \
             VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
        )
        .bind(member.user.platform.code())
        .bind(&member.user.id)
        .bind(&member.display_name)
        .bind(state)
        .execute(&self.pool)
        .await?
        .rows_affected()
            > 0)
    }

    /// Unsubscribes from one state, or all (`None`). Returns how many subscriptions ended.
    pub async fn unsubscribe(&self, user: &UserId, state: Option<&str>) -> Result<u64> {
        Ok(sqlx::query(
            "DELETE FROM meetup_subscriptions WHERE platform = ? AND user_id = ? \
             AND (? IS NULL OR state = ?)",
        )
        .bind(user.platform.code())
        .bind(&user.id)
        .bind(state)
        .bind(state)
        .execute(&self.pool)
        .await?
        .rows_affected())
    }

    /// Members subscribed to a state.
    pub async fn subscribers(&self, state: &str) -> Result<Vec<Member>> {
        let rows = sqlx::query(
            "SELECT platform, user_id, display_name FROM meetup_subscriptions WHERE state = ?",
        )
        .bind(state)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(Member {
                    user: UserId::new(
                        platform(&r.try_get::<String, _>("platform")?)?,
                        r.try_get::<String, _>("user_id")?,
                    ),
                    display_name: r.try_get("display_name")?,
                })
            })
            .collect()
    }
}

async fn rsvps_in(conn: &mut SqliteConnection, meetup_id: i64) -> Result<Vec<(Member, Status)>> {
    // One JSON row crosses from SQLite: sqlx hands rows over one at a time.
    let json: String = sqlx::query_scalar(
        "SELECT json_group_array(json_array(platform, user_id, display_name, status, position)) \
         FROM (SELECT * FROM rsvps WHERE meetup_id = ? AND status != 'none' ORDER BY position)",
    )
    .bind(meetup_id)
    .fetch_one(&mut *conn)
    .await?;
    roster_from_json(&json)
}

/// A roster as `json_group_array(json_array(platform, user_id, display_name, status, …))`.
fn roster_from_json(json: &str) -> Result<Vec<(Member, Status)>> {
    // Rows may carry more fields (the via of an RSVP); the first four are read here.
    let rows: Vec<Vec<serde_json::Value>> =
        serde_json::from_str(json).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    let text = |v: &[serde_json::Value], i: usize| -> Result<String> {
        v.get(i)
            .and_then(|x| x.as_str())
            .map(str::to_owned)
            .ok_or_else(|| StoreError::Corrupt("bad roster row".into()))
    };
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        let (platform_code, user_id, display_name, status) = (
            text(&row, 0)?,
            text(&row, 1)?,
            text(&row, 2)?,
            text(&row, 3)?,
        );
        let status = match status.as_str() {
            "going" => Status::Going,
            "waitlist" => Status::Waitlisted,
            "maybe" => Status::Maybe,
            "cant" => Status::CantGo,
            other => return Err(StoreError::Corrupt(format!("unknown RSVP status {other}"))),
        };
        let user = UserId::new(platform(&platform_code)?, user_id);
        out.push((Member { user, display_name }, status));
    }
    Ok(out)
}
