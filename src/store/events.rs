//! Conferences and events (`events`), seeded by key from the shipped file.

use chrono::NaiveDate;
use sqlx::Row;
use sqlx::sqlite::SqliteRow;

use super::{Result, Store, StoreError, now_rfc3339};
use crate::domain::events::{Event, EventKind, Sureness};

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
                "INSERT INTO events (key, name, kind, organiser, specialties, states, place, \
                 online, start_date, end_date, usual, yearly, url, source, sure, added_at) \
                 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) \
                 ON CONFLICT (key) DO UPDATE SET name = excluded.name, kind = excluded.kind, \
                 organiser = excluded.organiser, specialties = excluded.specialties, \
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
        organiser: row.try_get("organiser")?,
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
