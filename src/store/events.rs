//! Conferences and events (`events`), seeded by key from the shipped file.

use chrono::NaiveDate;
use sqlx::Row;
use sqlx::sqlite::SqliteRow;

use super::{Result, Store, StoreError, member_from_row, now_rfc3339};
use crate::domain::events::{Event, EventKind, Sureness};
use crate::domain::identity::{Member, UserId};
use crate::domain::notices::Notice;

impl Store {
    /// Seeds the shipped events in one transaction: a new key is added, a known key takes the
    /// shipped file's newer facts (announced dates). Returns the keys that were new.
    pub async fn seed_events(&self, events: &[Event]) -> Result<Vec<String>> {
        let now = now_rfc3339();
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        let mut added = Vec::new();
        for e in events {
            let known: Option<i64> = sqlx::query_scalar("SELECT 1 FROM events WHERE key = ?")
                .bind(&e.key)
                .fetch_optional(&mut *tx)
                .await?;
            sqlx::query(
                "INSERT INTO events (key, name, kind, host, specialties, states, place, \
                 online, start_date, end_date, usual, yearly, url, source, sure, added_at) \
                 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) \
                 ON CONFLICT (key) DO UPDATE SET name = excluded.name, kind = excluded.kind, \
                 host = excluded.host, specialties = excluded.specialties, \
                 states = excluded.states, place = excluded.place, online = excluded.online, \
                 start_date = excluded.start_date, end_date = excluded.end_date, \
                 usual = excluded.usual, yearly = excluded.yearly, url = excluded.url, \
                 source = excluded.source, sure = excluded.sure",
            )
            .bind(&e.key)
            .bind(&e.name)
            .bind(e.kind.code())
            .bind(&e.organiser)
            .bind(e.specialties.join(" "))
            .bind(e.states.join(" "))
            .bind(&e.place)
            .bind(e.online)
            .bind(e.start.map(|d| d.to_string()))
            .bind(e.end.map(|d| d.to_string()))
            .bind(&e.usual)
            .bind(e.yearly)
            .bind(&e.url)
            .bind(&e.source)
            .bind(e.sure.code())
            .bind(&now)
            .execute(&mut *tx)
            .await?;
            if known.is_none() {
                added.push(e.key.clone());
            }
        }
        tx.commit().await?;
        Ok(added)
    }

    /// The event with the stable id a notice names, with its key.
    pub async fn event_by_id(&self, id: i64) -> Result<Option<Event>> {
        let row = sqlx::query("SELECT * FROM events WHERE id = ?")
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(event_from_row).transpose()
    }

    /// Subscribes a member to news of new events: national ones and those of `state`, or all
    /// (`None`). A member has one subscription; a new one replaces it.
    pub async fn subscribe_events(&self, member: &Member, state: Option<&str>) -> Result<()> {
        sqlx::query(
            "INSERT INTO event_subscriptions (platform, user_id, display_name, state) \
             VALUES (?, ?, ?, ?) ON CONFLICT (platform, user_id) DO UPDATE SET \
             display_name = excluded.display_name, state = excluded.state",
        )
        .bind(member.user.platform.code())
        .bind(&member.user.id)
        .bind(&member.display_name)
        .bind(state.unwrap_or_default())
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Ends a member's subscription. `Ok(false)`: there was none.
    pub async fn unsubscribe_events(&self, user: &UserId) -> Result<bool> {
        Ok(
            sqlx::query("DELETE FROM event_subscriptions WHERE platform = ? AND user_id = ?")
                .bind(user.platform.code())
                .bind(&user.id)
                .execute(&self.pool)
                .await?
                .rows_affected()
                > 0,
        )
    }

    /// Queues a private notice about each of the events `keys` to every subscriber it
    /// concerns (all of them for a national event; else those of its states and those who
    /// want all). One notice per member and event, however often this runs. Returns how many
    /// were queued or already queued.
    pub async fn queue_new_event_notices(&self, keys: &[String], now: i64) -> Result<usize> {
        let mut queued = 0;
        for key in keys {
            let Some(row) = sqlx::query("SELECT id, states FROM events WHERE key = ?")
                .bind(key)
                .fetch_optional(&self.pool)
                .await?
            else {
                continue;
            };
            let id: i64 = row.try_get("id")?;
            let states: String = row.try_get("states")?;
            let states: Vec<&str> = states.split_whitespace().collect();
            let rows = sqlx::query(
                "SELECT platform, user_id, display_name, state FROM event_subscriptions",
            )
            .fetch_all(&self.pool)
            .await?;
            for r in &rows {
                let wanted: String = r.try_get("state")?;
                if !(states.is_empty() || wanted.is_empty() || states.contains(&wanted.as_str())) {
                    continue;
                }
                let member = member_from_row(r)?;
                let idempotency = format!(
                    "new-event:{key}:{}:{}",
                    member.user.platform.code(),
                    member.user.id
                );
                self.queue_notice(&idempotency, &member, Notice::NewEvent { event: id }, now)
                    .await?;
                queued += 1;
            }
        }
        Ok(queued)
    }

    /// Every event, by key.
    pub async fn events(&self) -> Result<Vec<Event>> {
        let rows = sqlx::query("SELECT * FROM events ORDER BY key")
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(event_from_row).collect()
    }
}

fn event_from_row(row: &SqliteRow) -> Result<Event> {
    let corrupt = |what: &str| StoreError::Corrupt(format!("event {what}"));
    let date = |column: &str| -> Result<Option<NaiveDate>> {
        row.try_get::<Option<String>, _>(column)?
            .map(|d| d.parse().map_err(|_| corrupt("date")))
            .transpose()
    };
    let words = |column: &str| -> Result<Vec<String>> {
        Ok(row
            .try_get::<String, _>(column)?
            .split_whitespace()
            .map(str::to_owned)
            .collect())
    };
    Ok(Event {
        key: row.try_get("key")?,
        name: row.try_get("name")?,
        kind: EventKind::from_code(row.try_get("kind")?).ok_or_else(|| corrupt("kind"))?,
        organiser: row.try_get("host")?,
        specialties: words("specialties")?,
        states: words("states")?,
        place: row.try_get("place")?,
        online: row.try_get("online")?,
        start: date("start_date")?,
        end: date("end_date")?,
        usual: row.try_get("usual")?,
        yearly: row.try_get("yearly")?,
        url: row.try_get("url")?,
        source: row.try_get("source")?,
        sure: Sureness::from_code(row.try_get("sure")?).ok_or_else(|| corrupt("sureness"))?,
    })
}
