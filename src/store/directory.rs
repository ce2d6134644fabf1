//! Directory entries. Every write raises `meta.directory_version` in the same transaction, so
//! every process holding a search index knows to rebuild it.

use std::collections::HashMap;
use std::sync::atomic::Ordering;

use chrono::NaiveDate;
use sqlx::query_builder::Separated;
use sqlx::{QueryBuilder, Row, Sqlite, SqliteConnection};

use super::{Result, Store, StoreError, now_rfc3339};
use crate::domain::directory::Entry;
use crate::domain::vocab::{Vocab, from_code};

/// What an import did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ImportOutcome {
    pub added: usize,
    pub updated: usize,
    pub unchanged: usize,
}

/// Rows per multi-row `INSERT` on import (19 values each, well under SQLite's 32,766).
const IMPORT_BATCH: usize = 500;

impl Store {
    /// One entry by key.
    pub async fn group(&self, key: &str) -> Result<Option<Entry>> {
        let row = sqlx::query(
            "SELECT id, key, name, kind, specialties, credentials, states, city, format, cost, \
             facilitation, schedule, url, contact, description, tags, source, \
             last_checked, checked_how FROM groups WHERE key = ?",
        )
        .bind(key)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|r| entry_from_row(&r)).transpose()
    }

    /// Every entry, by key (for export and for building the search index).
    pub async fn all_groups(&self) -> Result<Vec<Entry>> {
        let rows = sqlx::query(
            "SELECT id, key, name, kind, specialties, credentials, states, city, format, cost, \
             facilitation, schedule, url, contact, description, tags, source, \
             last_checked, checked_how FROM groups ORDER BY key",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(entry_from_row).collect()
    }

    /// How many entries there are.
    pub async fn group_count(&self) -> Result<u64> {
        let n: i64 = sqlx::query_scalar("SELECT count(*) FROM groups")
            .fetch_one(&self.pool)
            .await?;
        Ok(n as u64)
    }

    /// The directory's version: raised by every write, from any process.
    pub async fn directory_version(&self) -> Result<i64> {
        let v: Option<String> =
            sqlx::query_scalar("SELECT value FROM meta WHERE name = 'directory_version'")
                .fetch_optional(&self.pool)
                .await?;
        Ok(v.and_then(|v| v.parse().ok()).unwrap_or(0))
    }

    /// The directory's version and the link check's (`link_checks_version`, raised by every
    /// recorded check), in one read: what a cached search index and its dead links were built
    /// from.
    pub async fn cache_versions(&self) -> Result<(i64, i64)> {
        let (directory, links): (Option<String>, Option<String>) = sqlx::query_as(
            "SELECT (SELECT value FROM meta WHERE name = 'directory_version'), \
             (SELECT value FROM meta WHERE name = 'link_checks_version')",
        )
        .fetch_one(&self.pool)
        .await?;
        let number = |v: Option<String>| v.and_then(|v| v.parse().ok()).unwrap_or(0);
        Ok((number(directory), number(links)))
    }

    /// Writes to the directory made through this handle (and its clones) since it opened.
    /// Lets a search index notice this process's own writes without asking the database.
    pub fn local_directory_writes(&self) -> u64 {
        self.directory_writes.load(Ordering::Acquire)
    }

    /// Adds a new entry. `Ok(false)`: an entry with that key exists; nothing changed.
    pub async fn add_group(&self, entry: &Entry) -> Result<bool> {
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        if key_exists(&mut tx, &entry.key).await? {
            return Ok(false);
        }
        write_entry(&mut tx, entry, None).await?;
        tx.commit().await?;
        self.directory_changed();
        Ok(true)
    }

    /// Replaces an entry, found by `key` (the entry may carry a new key).
    /// `Ok(false)`: no entry has `key`, or the new key is taken; nothing changed.
    pub async fn replace_group(&self, key: &str, entry: &Entry) -> Result<bool> {
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        let id: Option<i64> = sqlx::query_scalar("SELECT id FROM groups WHERE key = ?")
            .bind(key)
            .fetch_optional(&mut *tx)
            .await?;
        let Some(id) = id else { return Ok(false) };
        if entry.key != key && key_exists(&mut tx, &entry.key).await? {
            return Ok(false);
        }
        write_entry(&mut tx, entry, Some(id)).await?;
        tx.commit().await?;
        self.directory_changed();
        Ok(true)
    }

    /// Removes an entry. `Ok(false)`: there was none with that key.
    pub async fn remove_group(&self, key: &str) -> Result<bool> {
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        let removed = sqlx::query("DELETE FROM groups WHERE key = ?")
            .bind(key)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if removed == 0 {
            return Ok(false);
        }
        bump_version(&mut tx).await?;
        tx.commit().await?;
        self.directory_changed();
        Ok(true)
    }

    /// Adds or updates every entry, matched by key, in one transaction: all or nothing.
    pub async fn import_groups(&self, entries: &[Entry]) -> Result<ImportOutcome> {
        let mut outcome = ImportOutcome::default();
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        let existing = groups_by_key(&mut tx).await?;
        let mut new = Vec::new();
        for entry in entries {
            match existing.get(&entry.key) {
                None => new.push(entry),
                Some((_, old)) if old == entry => outcome.unchanged += 1,
                Some((id, _)) => {
                    write_entry(&mut tx, entry, Some(*id)).await?;
                    outcome.updated += 1;
                }
            }
        }
        insert_groups(&mut tx, &new, &now_rfc3339()).await?;
        outcome.added = new.len();
        if outcome.added + outcome.updated > 0 {
            bump_version(&mut tx).await?;
        }
        tx.commit().await?;
        if outcome.added + outcome.updated > 0 {
            self.directory_changed();
        }
        Ok(outcome)
    }

    pub(super) fn directory_changed(&self) {
        self.directory_writes.fetch_add(1, Ordering::AcqRel);
    }
}

/// Inserts new entries, in batches of [`IMPORT_BATCH`] rows per statement.
pub(super) async fn insert_groups(
    conn: &mut SqliteConnection,
    new: &[&Entry],
    now: &str,
) -> Result<()> {
    for batch in new.chunks(IMPORT_BATCH) {
        let mut sql =
            QueryBuilder::<Sqlite>::new(concat!("INSERT INTO groups (", group_columns!(), ") "));
        sql.push_values(batch, |mut row, e| push_entry(&mut row, e, now));
        sql.build().execute(&mut *conn).await?;
    }
    Ok(())
}

pub(super) async fn bump_version(conn: &mut SqliteConnection) -> Result<()> {
    sqlx::query(
        "INSERT INTO meta (name, value) VALUES ('directory_version', '1') \
         ON CONFLICT (name) DO UPDATE SET value = CAST(CAST(value AS INTEGER) + 1 AS TEXT)",
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Every entry with its row id, by key.
pub(super) async fn groups_by_key(
    conn: &mut SqliteConnection,
) -> Result<HashMap<String, (i64, Entry)>> {
    let rows = sqlx::query(
        "SELECT id, key, name, kind, specialties, credentials, states, city, format, cost, \
         facilitation, schedule, url, contact, description, tags, source, last_checked, \
         checked_how FROM groups",
    )
    .fetch_all(&mut *conn)
    .await?;
    let mut existing = HashMap::with_capacity(rows.len());
    for row in &rows {
        let entry = entry_from_row(row)?;
        existing.insert(entry.key.clone(), (row.try_get("id")?, entry));
    }
    Ok(existing)
}

pub(super) async fn key_exists(conn: &mut SqliteConnection, key: &str) -> Result<bool> {
    let found: Option<i64> = sqlx::query_scalar("SELECT 1 FROM groups WHERE key = ?")
        .bind(key)
        .fetch_optional(&mut *conn)
        .await?;
    Ok(found.is_some())
}

/// Inserts (id = None) or overwrites (id = Some) an entry, and raises the directory version.
/// The caller notes the change on the store after committing.
pub(super) async fn write_entry(
    conn: &mut SqliteConnection,
    e: &Entry,
    id: Option<i64>,
) -> Result<()> {
    let now = now_rfc3339();
    let mut sql =
        QueryBuilder::<Sqlite>::new(concat!("INSERT INTO groups (id, ", group_columns!(), ") "));
    sql.push_values([e], |mut row, e| {
        row.push_bind(id);
        push_entry(&mut row, e, &now);
    });
    sql.push(
        " ON CONFLICT (id) DO UPDATE SET key = excluded.key, name = excluded.name, \
            kind = excluded.kind, specialties = excluded.specialties, \
            credentials = excluded.credentials, states = excluded.states, city = excluded.city, \
            format = excluded.format, cost = excluded.cost, facilitation = excluded.facilitation, \
            schedule = excluded.schedule, url = excluded.url, contact = excluded.contact, \
            description = excluded.description, tags = excluded.tags, source = excluded.source, \
            last_checked = excluded.last_checked, checked_how = excluded.checked_how, \
            updated_at = excluded.updated_at",
    );
    sql.build().execute(&mut *conn).await?;
    bump_version(conn).await
}

/// The columns an entry is written to, in the order [`push_entry`] binds them.
macro_rules! group_columns {
    () => {
        "key, name, kind, specialties, credentials, states, city, format, cost, facilitation, \
         schedule, url, contact, description, tags, source, last_checked, checked_how, \
         created_at, updated_at"
    };
}
pub(super) use group_columns;

/// Binds an entry's values in the order of [`group_columns`].
pub(super) fn push_entry(row: &mut Separated<'_, Sqlite, &'static str>, e: &Entry, now: &str) {
    row.push_bind(e.key.clone())
        .push_bind(e.name.clone())
        .push_bind(e.kind.code())
        .push_bind(codes(&e.specialties))
        .push_bind(e.credentials.join(";"))
        .push_bind(codes(&e.states))
        .push_bind(e.city.clone())
        .push_bind(e.format.code())
        .push_bind(e.cost.code())
        .push_bind(e.facilitation.code())
        .push_bind(e.schedule.clone())
        .push_bind(e.url.clone())
        .push_bind(e.contact.clone())
        .push_bind(e.description.clone())
        .push_bind(e.tags.join(";"))
        .push_bind(e.source.clone())
        .push_bind(date_text(e.last_checked))
        .push_bind(e.checked_how.map(|h| h.code()))
        .push_bind(now.to_owned())
        .push_bind(now.to_owned());
}

fn codes<V: Vocab>(values: &[V]) -> String {
    values
        .iter()
        .map(|v| v.code())
        .collect::<Vec<_>>()
        .join(";")
}

fn date_text(date: Option<NaiveDate>) -> Option<String> {
    date.map(|d| d.format("%Y-%m-%d").to_string())
}

fn entry_from_row(row: &sqlx::sqlite::SqliteRow) -> Result<Entry> {
    let list = |name: &str| -> Result<Vec<String>> {
        let text: String = row.try_get(name)?;
        Ok(text
            .split(';')
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect())
    };
    let last_checked: Option<String> = row.try_get("last_checked")?;
    let last_checked = last_checked
        .map(|d| {
            NaiveDate::parse_from_str(&d, "%Y-%m-%d")
                .map_err(|_| StoreError::Corrupt(format!("bad date {d}")))
        })
        .transpose()?;
    Ok(Entry {
        key: row.try_get("key")?,
        name: row.try_get("name")?,
        kind: code(row.try_get("kind")?)?,
        specialties: list("specialties")?
            .into_iter()
            .map(code)
            .collect::<Result<_>>()?,
        credentials: list("credentials")?,
        states: list("states")?
            .into_iter()
            .map(code)
            .collect::<Result<_>>()?,
        city: row.try_get("city")?,
        format: code(row.try_get("format")?)?,
        cost: code(row.try_get("cost")?)?,
        facilitation: code(row.try_get("facilitation")?)?,
        schedule: row.try_get("schedule")?,
        url: row.try_get("url")?,
        contact: row.try_get("contact")?,
        description: row.try_get("description")?,
        tags: list("tags")?,
        source: row.try_get("source")?,
        last_checked,
        checked_how: row
            .try_get::<Option<String>, _>("checked_how")?
            .map(code)
            .transpose()?,
    })
}

fn code<V: Vocab>(text: String) -> Result<V> {
    from_code(&text).ok_or_else(|| StoreError::Corrupt(format!("unknown {} code {text}", V::WHAT)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn entries_round_trip_and_every_write_raises_the_version() {
        let store = Store::open_in_memory().await.unwrap();
        let entries = crate::domain::directory_file::read(
            crate::app::SHIPPED_DIRECTORY,
            crate::domain::directory_file::FileFormat::Toml,
        )
        .unwrap();
        assert_eq!(store.directory_version().await.unwrap(), 0);
        let outcome = store.import_groups(&entries).await.unwrap();
        assert_eq!(outcome.added, entries.len());
        let mut stored = store.all_groups().await.unwrap();
        stored.sort_by(|a, b| a.key.cmp(&b.key));
        let mut expected = entries.clone();
        expected.sort_by(|a, b| a.key.cmp(&b.key));
        assert_eq!(stored, expected);
        assert_eq!(store.directory_version().await.unwrap(), 1);
        assert_eq!(store.local_directory_writes(), 1);

        let unchanged = store.import_groups(&entries).await.unwrap();
        assert_eq!(unchanged.unchanged, entries.len());
        assert_eq!(
            store.directory_version().await.unwrap(),
            1,
            "nothing changed"
        );

        assert!(store.remove_group(&entries[0].key).await.unwrap());
        assert!(!store.remove_group(&entries[0].key).await.unwrap());
        assert_eq!(store.directory_version().await.unwrap(), 2);
        assert_eq!(store.local_directory_writes(), 2);
    }
}
