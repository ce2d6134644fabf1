//! RSVPs: meetup rosters, read and written whole.

use sqlx::{Row, SqliteConnection};

use super::meetups::{MeetupRow, meetup_from_row};
use super::{Result, Store, StoreError, platform};
use crate::domain::identity::{Member, UserId};
use crate::domain::notices::Notice;
use crate::domain::roster::Status;

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
    /// Members whose status changed, with the new status (`None`: no RSVP any more) and
    /// their new place in the meetup's order of arrival (0 when removed).
    pub changed: Vec<(Member, Option<Status>, i64)>,
}

/// One member's RSVP as written: the new status (`None`: taken back, kept as a `none` row),
/// the member's new place in the meetup's order of arrival, and the announcement it came
/// through.
pub type RsvpWrite = (Member, Option<Status>, i64, String);

/// A batch of RSVP writes in one transaction ([`Store::begin_rsvps`]). Dropped without
/// [`RsvpTx::commit`], nothing of it is written.
pub struct RsvpTx {
    tx: sqlx::Transaction<'static, sqlx::Sqlite>,
}

impl RsvpTx {
    /// Which of these announcements (platform code, message id) are withdrawn.
    pub async fn withdrawn_posts(
        &mut self,
        posts: &[(&str, &str)],
    ) -> Result<std::collections::HashSet<(String, String)>> {
        if posts.is_empty() {
            return Ok(Default::default());
        }
        let list: Vec<serde_json::Value> = posts
            .iter()
            .map(|(platform, post)| serde_json::json!([platform, post]))
            .collect();
        let rows: Vec<(String, String)> = sqlx::query_as(
            "SELECT p.platform, p.message_id FROM json_each(?) AS j JOIN meetup_posts AS p \
             ON p.platform = j.value ->> 0 AND p.message_id = j.value ->> 1 \
             WHERE p.withdrawn_at IS NOT NULL",
        )
        .bind(serde_json::Value::Array(list).to_string())
        .fetch_all(&mut *self.tx)
        .await?;
        Ok(rows.into_iter().collect())
    }

    /// [`Store::load_roster`], read in this transaction.
    pub async fn load_roster(&mut self, meetup_id: i64) -> Result<Option<RosterSnapshot>> {
        load_roster_in(&mut self.tx, meetup_id).await
    }

    /// [`Store::write_rsvps`] for several meetups at once, in one statement, in order.
    pub async fn write_rsvps<'a>(
        &mut self,
        writes: impl IntoIterator<Item = (i64, &'a RsvpWrite)>,
        now: i64,
    ) -> Result<()> {
        let rows = writes
            .into_iter()
            .map(|(meetup_id, w)| rsvp_row(meetup_id, w))
            .collect();
        write_rsvps_in(&mut self.tx, rows, now).await
    }

    /// Queues private notices (key, to whom, what), in order, each unless one with its key is
    /// queued already.
    pub async fn queue_notices(
        &mut self,
        notices: &[(String, Member, Notice)],
        now: i64,
    ) -> Result<()> {
        super::outbox::queue_notices_in(&mut self.tx, notices, now).await
    }

    /// Writes the batch.
    pub async fn commit(self) -> Result<()> {
        Ok(self.tx.commit().await?)
    }
}

fn status_code(s: Status) -> &'static str {
    match s {
        Status::Going => "going",
        Status::Waitlisted => "waitlist",
        Status::Maybe => "maybe",
        Status::CantGo => "cant",
    }
}

impl Store {
    /// Everyone with an RSVP, in list order.
    pub async fn rsvps(&self, meetup_id: i64) -> Result<Vec<(Member, Status)>> {
        let mut conn = self.pool.acquire().await?;
        rsvps_in(&mut conn, meetup_id).await
    }

    /// A meetup and its roster, read as one row. `None`: no such meetup.
    pub async fn load_roster(&self, meetup_id: i64) -> Result<Option<RosterSnapshot>> {
        let mut conn = self.pool.acquire().await?;
        load_roster_in(&mut conn, meetup_id).await
    }

    /// Starts a batch of RSVP writes: one transaction that holds the write lock from the
    /// start, so what it reads is what it writes over, and the batch lands whole or not at all.
    pub async fn begin_rsvps(&self) -> Result<RsvpTx> {
        Ok(RsvpTx {
            tx: self.pool.begin_with("BEGIN IMMEDIATE").await?,
        })
    }

    /// Writes roster changes, all in one statement (so a change never half-lands: a member
    /// leaving and the one promoted move together). `None` status: the RSVP was taken back
    /// (kept as a `none` row). A trigger marks the meetup for its announcement edit.
    pub async fn write_rsvps(&self, meetup_id: i64, changes: &[RsvpWrite], now: i64) -> Result<()> {
        if changes.is_empty() {
            return Ok(());
        }
        let rows = changes.iter().map(|w| rsvp_row(meetup_id, w)).collect();
        let mut conn = self.pool.acquire().await?;
        write_rsvps_in(&mut conn, rows, now).await
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
}

/// One RSVP write as a row of the JSON document [`write_rsvps_in`] reads.
fn rsvp_row(meetup_id: i64, (m, status, position, via): &RsvpWrite) -> serde_json::Value {
    serde_json::json!([
        meetup_id,
        m.user.platform.code(),
        m.user.id,
        m.display_name,
        status.map_or("none", status_code),
        position,
        via
    ])
}

/// Writes RSVP rows (see [`rsvp_row`]) in one statement, in order: a member written twice ends
/// as the later row says.
async fn write_rsvps_in(
    conn: &mut SqliteConnection,
    rows: Vec<serde_json::Value>,
    now: i64,
) -> Result<()> {
    if rows.is_empty() {
        return Ok(());
    }
    sqlx::query(
        "INSERT INTO rsvps (meetup_id, platform, user_id, display_name, status, position, \
         via, updated_at) SELECT value ->> 0, value ->> 1, value ->> 2, value ->> 3, \
         value ->> 4, value ->> 5, value ->> 6, ? FROM json_each(?) WHERE true \
         ON CONFLICT (meetup_id, platform, user_id) DO UPDATE SET \
         status = excluded.status, position = excluded.position, via = excluded.via, \
         display_name = excluded.display_name, updated_at = excluded.updated_at",
    )
    .bind(now)
    .bind(serde_json::Value::Array(rows).to_string())
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// [`Store::load_roster`] on a connection (or in a transaction).
async fn load_roster_in(
    conn: &mut SqliteConnection,
    meetup_id: i64,
) -> Result<Option<RosterSnapshot>> {
    let row = sqlx::query(
        "SELECT m.*, (SELECT json_group_array(json_array(platform, user_id, display_name, \
         status, position, via)) FROM (SELECT * FROM rsvps WHERE meetup_id = m.id \
         AND status != 'none' ORDER BY position)) AS roster, \
         (SELECT coalesce(max(position), 0) FROM rsvps WHERE meetup_id = m.id) AS last \
         FROM meetups AS m WHERE m.id = ?",
    )
    .bind(meetup_id)
    .fetch_optional(&mut *conn)
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

#[cfg(test)]
impl Store {
    /// For tests elsewhere in the crate: adds to a meetup's roster a row whose status no code
    /// writes, so that reading the roster fails from then on.
    pub(crate) async fn break_roster_for_tests(&self, meetup_id: i64) -> Result<()> {
        sqlx::query(
            "INSERT INTO rsvps (meetup_id, platform, user_id, display_name, status, position, \
             via, updated_at) VALUES (?, 'console', 'ghost', 'Ghost', 'unreadable', 1, '', 0)",
        )
        .bind(meetup_id)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// For tests elsewhere in the crate: a meetup's rows in `rsvps`, whatever their status.
    pub(crate) async fn rsvp_rows_for_tests(&self, meetup_id: i64) -> Result<i64> {
        let (rows,): (i64,) = sqlx::query_as("SELECT count(*) FROM rsvps WHERE meetup_id = ?")
            .bind(meetup_id)
            .fetch_one(&self.pool)
            .await?;
        Ok(rows)
    }
}
