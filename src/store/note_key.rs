//! The note key's fingerprint, and re-encrypting every note in one transaction. The store
//! never sees a key: callers hand it fingerprints and a function that re-seals one note.

use sqlx::Row;

use super::{Result, Store};

/// An encrypted note with the columns it is bound to.
#[derive(Debug, Clone)]
pub struct StoredNote {
    /// `checkin_answers.id`.
    pub id: i64,
    pub platform: String,
    pub user_id: String,
    pub community: String,
    pub week: String,
    pub sealed: Vec<u8>,
}

/// What [`Store::rekey_notes`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rekeyed {
    /// Every note re-sealed and the new fingerprint recorded: how many notes.
    Done(u64),
    /// The database names another key than the old one given; nothing changed.
    OtherKey { stored: String },
    /// The old key could not open this answer's note; nothing changed.
    Unreadable { answer_id: i64 },
}

impl Store {
    /// The fingerprint of the key the notes are encrypted with, once one was seen.
    pub async fn note_key_fingerprint(&self) -> Result<Option<String>> {
        Ok(
            sqlx::query_scalar("SELECT fingerprint FROM note_key WHERE id = 1")
                .fetch_optional(&self.pool)
                .await?,
        )
    }

    /// Records `fingerprint` unless one is recorded already; returns the one that holds now
    /// (two processes starting at once agree on the first).
    pub async fn claim_note_key(&self, fingerprint: &str, now: i64) -> Result<String> {
        sqlx::query(
            "INSERT INTO note_key (id, fingerprint, set_at) VALUES (1, ?, ?) \
             ON CONFLICT (id) DO NOTHING",
        )
        .bind(fingerprint)
        .bind(now)
        .execute(&self.pool)
        .await?;
        Ok(
            sqlx::query_scalar("SELECT fingerprint FROM note_key WHERE id = 1")
                .fetch_one(&self.pool)
                .await?,
        )
    }

    /// Replaces the recorded fingerprint (a new key while no note is stored).
    pub async fn replace_note_key(&self, fingerprint: &str, now: i64) -> Result<()> {
        sqlx::query(
            "INSERT INTO note_key (id, fingerprint, set_at) VALUES (1, ?, ?) \
             ON CONFLICT (id) DO UPDATE SET fingerprint = excluded.fingerprint, \
                set_at = excluded.set_at",
        )
        .bind(fingerprint)
        .bind(now)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// How many answers carry an encrypted note.
    pub async fn count_notes(&self) -> Result<u64> {
        let n: i64 =
            sqlx::query_scalar("SELECT count(*) FROM checkin_answers WHERE note IS NOT NULL")
                .fetch_one(&self.pool)
                .await?;
        Ok(u64::try_from(n).unwrap_or(0))
    }

    /// How many notes are not in the current format (written before notes were bound to
    /// their rows; see `crate::notes`). A legacy note whose random nonce starts with the
    /// version byte is not counted: a hint for the operator, not an inventory.
    pub async fn count_unbound_notes(&self) -> Result<u64> {
        let n: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM checkin_answers \
             WHERE note IS NOT NULL AND substr(note, 1, 1) <> ?",
        )
        .bind(vec![crate::notes::CURRENT_VERSION])
        .fetch_one(&self.pool)
        .await?;
        Ok(u64::try_from(n).unwrap_or(0))
    }

    /// Every encrypted note, oldest answer first.
    pub async fn all_notes(&self) -> Result<Vec<StoredNote>> {
        let rows = sqlx::query(
            "SELECT id, platform, user_id, community, week, note FROM checkin_answers \
             WHERE note IS NOT NULL ORDER BY id",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(note_from_row).collect()
    }

    /// Re-seals every note with `reseal` and records `new_fingerprint`, all in one
    /// transaction, provided the recorded fingerprint (if any) is `old_fingerprint` and
    /// `reseal` opens every note. Otherwise nothing changes.
    pub async fn rekey_notes(
        &self,
        old_fingerprint: &str,
        new_fingerprint: &str,
        now: i64,
        mut reseal: impl FnMut(&StoredNote) -> Option<Vec<u8>>,
    ) -> Result<Rekeyed> {
        // IMMEDIATE: no answer can be written between reading the notes and replacing them.
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        let stored: Option<String> =
            sqlx::query_scalar("SELECT fingerprint FROM note_key WHERE id = 1")
                .fetch_optional(&mut *tx)
                .await?;
        if let Some(stored) = stored.filter(|s| s != old_fingerprint) {
            return Ok(Rekeyed::OtherKey { stored });
        }
        let rows = sqlx::query(
            "SELECT id, platform, user_id, community, week, note FROM checkin_answers \
             WHERE note IS NOT NULL ORDER BY id",
        )
        .fetch_all(&mut *tx)
        .await?;
        let mut count = 0;
        for row in &rows {
            let note = note_from_row(row)?;
            let Some(sealed) = reseal(&note) else {
                // Dropping the transaction rolls it back.
                return Ok(Rekeyed::Unreadable { answer_id: note.id });
            };
            sqlx::query("UPDATE checkin_answers SET note = ? WHERE id = ?")
                .bind(sealed)
                .bind(note.id)
                .execute(&mut *tx)
                .await?;
            count += 1;
        }
        sqlx::query(
            "INSERT INTO note_key (id, fingerprint, set_at) VALUES (1, ?, ?) \
             ON CONFLICT (id) DO UPDATE SET fingerprint = excluded.fingerprint, \
                set_at = excluded.set_at",
        )
        .bind(new_fingerprint)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(Rekeyed::Done(count))
    }
}

fn note_from_row(r: &sqlx::sqlite::SqliteRow) -> Result<StoredNote> {
    Ok(StoredNote {
        id: r.try_get("id")?,
        platform: r.try_get("platform")?,
        user_id: r.try_get("user_id")?,
        community: r.try_get("community")?,
        week: r.try_get("week")?,
        sealed: r.try_get("note")?,
    })
}
