//! Seeding the shipped directory, and upgrading what was seeded. Each seeded entry is recorded
//! (`seeded_groups`) with the form it was seeded in, so a newer shipped file adds its new
//! entries and refreshes the ones nobody changed, while entries a moderator edited or removed
//! stay as the moderator left them.

use std::collections::HashMap;

use sqlx::Row;

use super::directory::{bump_version, insert_groups, write_entry};
use super::{ImportOutcome, Result, Store, now_rfc3339};
use crate::domain::directory::Entry;
use crate::domain::directory_file::{self, FileFormat};

/// One entry as the shipped file has it, with its text (one `[[group]]` table).
pub struct Seed {
    pub entry: Entry,
    pub text: String,
}

impl Seed {
    pub fn new(entry: Entry) -> Self {
        let text = directory_file::write_toml(std::slice::from_ref(&entry));
        Seed { entry, text }
    }
}

impl Store {
    /// How many keys the shipped directory has seeded into this database.
    pub async fn seeded_count(&self) -> Result<u64> {
        let n: i64 = sqlx::query_scalar("SELECT count(*) FROM seeded_groups")
            .fetch_one(&self.pool)
            .await?;
        Ok(n as u64)
    }

    /// Records entries as seeded without writing them (a database seeded before seeding was
    /// recorded: what it was seeded with). Keys recorded already keep their record.
    pub async fn record_seeded(&self, seeds: &[Seed]) -> Result<()> {
        let now = now_rfc3339();
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        for seed in seeds {
            sqlx::query(
                "INSERT INTO seeded_groups (key, seeded, seeded_at) VALUES (?, ?, ?) \
                 ON CONFLICT (key) DO NOTHING",
            )
            .bind(&seed.entry.key)
            .bind(&seed.text)
            .bind(&now)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Seeds the shipped entries, in one transaction. A key never seeded is added (unless a
    /// moderator made an entry with that key); a seeded entry is replaced by its newer form
    /// only while it still equals what was seeded; a seeded key that is gone stays gone.
    pub async fn seed_groups(&self, seeds: &[Seed]) -> Result<ImportOutcome> {
        let mut outcome = ImportOutcome::default();
        let now = now_rfc3339();
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        let rows = sqlx::query("SELECT key, seeded FROM seeded_groups")
            .fetch_all(&mut *tx)
            .await?;
        let mut seeded: HashMap<String, Option<String>> = HashMap::with_capacity(rows.len());
        for row in &rows {
            seeded.insert(row.try_get("key")?, row.try_get("seeded")?);
        }
        let existing = super::directory::groups_by_key(&mut tx).await?;
        let mut new = Vec::new();
        let mut records: Vec<(&str, Option<&str>)> = Vec::new();
        for seed in seeds {
            let key = seed.entry.key.as_str();
            let current = existing.get(key);
            match seeded.get(key) {
                None => match current {
                    None => {
                        new.push(&seed.entry);
                        records.push((key, Some(&seed.text)));
                    }
                    // A moderator's entry with the same key: theirs stays.
                    Some((_, entry)) => {
                        outcome.unchanged += 1;
                        let same = entry == &seed.entry;
                        records.push((key, same.then_some(seed.text.as_str())));
                    }
                },
                Some(Some(text)) if text != &seed.text => {
                    let before = directory_file::read(text, FileFormat::Toml)
                        .ok()
                        .and_then(|mut e| e.pop());
                    match (current, before) {
                        (Some((id, entry)), Some(before)) if entry == &before => {
                            write_entry(&mut tx, &seed.entry, Some(*id)).await?;
                            records.push((key, Some(&seed.text)));
                            outcome.updated += 1;
                        }
                        // Edited or removed by a moderator.
                        _ => outcome.unchanged += 1,
                    }
                }
                Some(_) => outcome.unchanged += 1,
            }
        }
        insert_groups(&mut tx, &new, &now).await?;
        outcome.added = new.len();
        for (key, text) in records {
            sqlx::query(
                "INSERT INTO seeded_groups (key, seeded, seeded_at) VALUES (?, ?, ?) \
                 ON CONFLICT (key) DO UPDATE SET seeded = excluded.seeded, \
                 seeded_at = excluded.seeded_at",
            )
            .bind(key)
            .bind(text)
            .bind(&now)
            .execute(&mut *tx)
            .await?;
        }
        if outcome.added > 0 {
            bump_version(&mut tx).await?;
        }
        tx.commit().await?;
        if outcome.added + outcome.updated > 0 {
            self.directory_changed();
        }
        Ok(outcome)
    }
}
