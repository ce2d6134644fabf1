//! Members' directory suggestions and their review.

use sqlx::Row;

use super::directory::{key_exists, write_entry};
use super::{Result, Store, StoreError, now_rfc3339};
use crate::domain::directory::{Draft, Entry};
use crate::domain::identity::{Member, Platform, UserId};

/// Where a suggestion is in its review.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SuggestionStatus {
    Pending,
    Approved,
    Rejected,
}

impl SuggestionStatus {
    fn from_code(code: &str) -> Result<Self> {
        match code {
            "pending" => Ok(SuggestionStatus::Pending),
            "approved" => Ok(SuggestionStatus::Approved),
            "rejected" => Ok(SuggestionStatus::Rejected),
            other => Err(StoreError::Corrupt(format!(
                "unknown suggestion status {other}"
            ))),
        }
    }
}

/// A member's suggestion for the directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suggestion {
    pub id: i64,
    pub by: Member,
    pub draft: Draft,
    pub note: Option<String>,
    pub status: SuggestionStatus,
    pub reason: Option<String>,
    pub group_key: Option<String>,
    pub created_at: String,
}

impl Store {
    /// Queues a suggestion; returns its id.
    pub async fn add_suggestion(
        &self,
        by: &Member,
        draft: &Draft,
        note: Option<&str>,
    ) -> Result<i64> {
        let json = draft_to_json(draft);
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO suggestions (platform, user_id, display_name, draft, note, created_at) \
             VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
        )
        .bind(by.user.platform.code())
        .bind(&by.user.id)
        .bind(&by.display_name)
        .bind(json)
        .bind(note)
        .bind(now_rfc3339())
        .fetch_one(&self.pool)
        .await?;
        Ok(id)
    }

    /// Queues a suggestion unless `by` sent `limit` or more in the 24 hours before `now`
    /// (counted in the database, in the same statement, so a restart or a second process
    /// cannot go past it). `None`: the limit was reached and nothing was kept.
    pub async fn add_suggestion_within(
        &self,
        by: &Member,
        draft: &Draft,
        note: Option<&str>,
        now: chrono::DateTime<chrono::Utc>,
        limit: u32,
    ) -> Result<Option<i64>> {
        let stamp =
            |t: chrono::DateTime<chrono::Utc>| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
        let id: Option<i64> = sqlx::query_scalar(
            "INSERT INTO suggestions (platform, user_id, display_name, draft, note, created_at) \
             SELECT ?, ?, ?, ?, ?, ? WHERE (SELECT count(*) FROM suggestions \
             WHERE platform = ? AND user_id = ? AND created_at > ?) < ? RETURNING id",
        )
        .bind(by.user.platform.code())
        .bind(&by.user.id)
        .bind(&by.display_name)
        .bind(draft_to_json(draft))
        .bind(note)
        .bind(stamp(now))
        .bind(by.user.platform.code())
        .bind(&by.user.id)
        .bind(stamp(now - chrono::Duration::days(1)))
        .bind(i64::from(limit))
        .fetch_optional(&self.pool)
        .await?;
        Ok(id)
    }

    /// When `by` may suggest again: 24 hours after the oldest of their suggestions in the
    /// day before `now`.
    pub async fn suggestions_reopen(
        &self,
        by: &UserId,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<Option<chrono::DateTime<chrono::Utc>>> {
        let since =
            (now - chrono::Duration::days(1)).to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
        let oldest: Option<String> = sqlx::query_scalar(
            "SELECT min(created_at) FROM suggestions WHERE platform = ? AND user_id = ? \
             AND created_at > ?",
        )
        .bind(by.platform.code())
        .bind(&by.id)
        .bind(since)
        .fetch_one(&self.pool)
        .await?;
        Ok(oldest
            .and_then(|t| chrono::DateTime::parse_from_rfc3339(&t).ok())
            .map(|t| t.with_timezone(&chrono::Utc) + chrono::Duration::days(1)))
    }

    /// Suggestions waiting for review, oldest first.
    pub async fn pending_suggestions(&self) -> Result<Vec<Suggestion>> {
        let rows = sqlx::query("SELECT * FROM suggestions WHERE status = 'pending' ORDER BY id")
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(suggestion_from_row).collect()
    }

    /// One suggestion by id.
    pub async fn suggestion(&self, id: i64) -> Result<Option<Suggestion>> {
        let row = sqlx::query("SELECT * FROM suggestions WHERE id = ?")
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(suggestion_from_row).transpose()
    }

    /// Creates the entry and marks the suggestion approved, together.
    /// `Ok(false)`: the suggestion is no longer pending or the key is taken; nothing changed.
    pub async fn approve_suggestion(&self, id: i64, entry: &Entry, admin: &UserId) -> Result<bool> {
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        let updated = sqlx::query(
            "UPDATE suggestions SET status = 'approved', group_key = ?, decided_by = ?, \
             decided_at = ? WHERE id = ? AND status = 'pending'",
        )
        .bind(&entry.key)
        .bind(admin.to_string())
        .bind(now_rfc3339())
        .bind(id)
        .execute(&mut *tx)
        .await?;
        if updated.rows_affected() == 0 || key_exists(&mut tx, &entry.key).await? {
            return Ok(false);
        }
        write_entry(&mut tx, entry, None).await?;
        tx.commit().await?;
        self.directory_changed();
        Ok(true)
    }

    /// Marks a pending suggestion rejected. `Ok(false)`: it was not pending.
    pub async fn reject_suggestion(&self, id: i64, reason: &str, admin: &UserId) -> Result<bool> {
        let updated = sqlx::query(
            "UPDATE suggestions SET status = 'rejected', reason = ?, decided_by = ?, \
             decided_at = ? WHERE id = ? AND status = 'pending'",
        )
        .bind(reason)
        .bind(admin.to_string())
        .bind(now_rfc3339())
        .bind(id)
        .execute(&self.pool)
        .await?;
        Ok(updated.rows_affected() == 1)
    }
}

fn draft_to_json(draft: &Draft) -> String {
    let named: std::collections::BTreeMap<&str, _> =
        draft.iter().map(|(f, v)| (f.name(), v)).collect();
    serde_json::to_string(&named).expect("a map of strings always serialises")
}

fn draft_from_json(json: &str) -> Result<Draft> {
    let named: std::collections::BTreeMap<String, crate::domain::directory::Raw> =
        serde_json::from_str(json).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    named
        .into_iter()
        .map(|(name, value)| {
            crate::domain::directory::Field::from_name(&name)
                .map(|f| (f, value))
                .ok_or_else(|| StoreError::Corrupt(format!("unknown field {name} in suggestion")))
        })
        .collect()
}

fn suggestion_from_row(row: &sqlx::sqlite::SqliteRow) -> Result<Suggestion> {
    let platform: String = row.try_get("platform")?;
    let platform = Platform::from_code(&platform)
        .ok_or_else(|| StoreError::Corrupt(format!("unknown platform {platform}")))?;
    let draft: String = row.try_get("draft")?;
    let status: String = row.try_get("status")?;
    Ok(Suggestion {
        id: row.try_get("id")?,
        by: Member {
            user: UserId::new(platform, row.try_get::<String, _>("user_id")?),
            display_name: row.try_get("display_name")?,
        },
        draft: draft_from_json(&draft)?,
        note: row.try_get("note")?,
        status: SuggestionStatus::from_code(&status)?,
        reason: row.try_get("reason")?,
        group_key: row.try_get("group_key")?,
        created_at: row.try_get("created_at")?,
    })
}
