//! Meetups, their series and subscriptions to new ones. RSVPs are in `rsvps`, what goes out
//! about meetups (announcements, count edits, reminders) in `announcements`.

use sqlx::query::Query;
use sqlx::sqlite::{Sqlite, SqliteArguments};
use sqlx::{Row, SqliteConnection};

use super::outbox::{NewDelivery, Recipient, queue_delivery};
use super::{Result, Store, member_from_columns, member_from_row};
use crate::domain::identity::{Member, UserId};

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

/// Stands for a new meetup's id in a [`Notice`]'s key and text until the meetup is stored
/// and has one. Control characters never survive into titles or places, so only the
/// bot's own wording holds it.
pub const MEETUP_ID_SLOT: &str = "\u{1}id\u{1}";

/// A private message to queue for a member.
#[derive(Debug, Clone)]
pub struct Notice {
    pub to: Member,
    pub text: String,
    /// Makes the notice idempotent (e.g. `edit:12:3:alice`).
    pub key: String,
}

pub(super) fn meetup_from_row(r: &sqlx::sqlite::SqliteRow) -> Result<MeetupRow> {
    let capacity: Option<i64> = r.try_get("capacity")?;
    Ok(MeetupRow {
        id: r.try_get("id")?,
        series_id: r.try_get("series_id")?,
        community: r.try_get("community")?,
        organizer: member_from_columns(
            r,
            ["organizer_platform", "organizer_id", "organizer_name"],
        )?,
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
        let to = Recipient::Member(&n.to);
        // Every notice's key names its meetup second (`cancel:12:…`): kept with the delivery
        // so a notice that goes stale is reported to that meetup's organizer.
        let meetup_id = n.key.split(':').nth(1).and_then(|id| id.parse().ok());
        let notice = NewDelivery {
            body: Some(&n.text),
            meetup_id,
            ..NewDelivery::new(&n.key, to, "meetup_notice", now)
        };
        queue_delivery(conn, &notice, now).await?;
    }
    Ok(())
}

/// Moves a series on to its next occurrence, starting at `next` (`None`: the series is over).
async fn advance_series(conn: &mut SqliteConnection, id: i64, next: Option<i64>) -> Result<()> {
    sqlx::query(
        "UPDATE meetup_series SET next_index = next_index + 1, next_starts_at = ? WHERE id = ?",
    )
    .bind(next)
    .bind(id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Binds what an organizer sets on a meetup, from `title` to `description` in the column order
/// of `meetups`: creating and saving a meetup write the same fields.
fn bind_details<'q>(
    query: Query<'q, Sqlite, SqliteArguments>,
    m: &MeetupRow,
) -> Query<'q, Sqlite, SqliteArguments> {
    query
        .bind(&m.title)
        .bind(m.starts_at)
        .bind(m.ends_at)
        .bind(&m.timezone)
        .bind(&m.location)
        .bind(&m.state)
        .bind(m.capacity.map(i64::from))
        .bind(&m.link)
        .bind(&m.description)
}

/// Queues an announcement post (or an edit of one) in a community.
pub(super) async fn queue_post(
    conn: &mut SqliteConnection,
    meetup_id: i64,
    community: &str,
    edit_of: Option<&str>,
    key: &str,
    now: i64,
) -> Result<()> {
    let kind = if edit_of.is_some() {
        "meetup_edit"
    } else {
        "meetup_announcement"
    };
    let post = NewDelivery {
        meetup_id: Some(meetup_id),
        edit_of,
        ..NewDelivery::new(key, Recipient::Community(community), kind, now)
    };
    queue_delivery(conn, &post, now).await
}

impl Store {
    /// How many meetups `organizer` created after `since` (a series counts once, by its first
    /// occurrence; later occurrences are the scheduler's), and when the oldest of them was.
    pub async fn meetups_created_since(
        &self,
        organizer: &UserId,
        since: i64,
    ) -> Result<(i64, Option<i64>)> {
        let row = sqlx::query(
            "SELECT count(*) AS n, min(created_at) AS oldest FROM meetups m \
             WHERE organizer_platform = ? AND organizer_id = ? AND created_at > ? \
             AND (series_id IS NULL \
                  OR id = (SELECT template FROM meetup_series s WHERE s.id = m.series_id))",
        )
        .bind(organizer.platform.code())
        .bind(&organizer.id)
        .bind(since)
        .fetch_one(&self.pool)
        .await?;
        Ok((row.try_get("n")?, row.try_get("oldest")?))
    }

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
        let insert = sqlx::query(
            "INSERT INTO meetups (community, organizer_platform, organizer_id, organizer_name, \
             title, starts_at, ends_at, timezone, location, state, capacity, link, description, \
             created_at, updated_at, series_id) \
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
        )
        .bind(&m.community)
        .bind(m.organizer.user.platform.code())
        .bind(&m.organizer.user.id)
        .bind(&m.organizer.display_name);
        let id: i64 = bind_details(insert, m)
            .bind(now)
            .bind(now)
            .bind(series_id)
            .fetch_one(&mut *tx)
            .await?
            .try_get("id")?;
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
                key: n.key.replace(MEETUP_ID_SLOT, &id.to_string()),
                text: n.text.replace(MEETUP_ID_SLOT, &id.to_string()),
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
        advance_series(&mut tx, s.id, next).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Moves a series past an occurrence without creating it.
    pub async fn skip_occurrence(&self, s: &SeriesRow, next: Option<i64>) -> Result<()> {
        let mut conn = self.pool.acquire().await?;
        advance_series(&mut conn, s.id, next).await
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
        let update = sqlx::query(
            "UPDATE meetups SET title = ?, starts_at = ?, ends_at = ?, timezone = ?, \
             location = ?, state = ?, capacity = ?, link = ?, description = ?, status = ?, \
             cancel_reason = ?, sequence = sequence + 1, counts_changed_at = ?, \
             reminded_24h = CASE WHEN starts_at = ? THEN reminded_24h ELSE 0 END, \
             reminded_1h = CASE WHEN starts_at = ? THEN reminded_1h ELSE 0 END, updated_at = ? \
             WHERE id = ?",
        );
        bind_details(update, m)
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
        rows.iter().map(member_from_row).collect()
    }
}
