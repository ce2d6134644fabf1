//! What the operator's endpoints read: whether the database answers and takes writes, and
//! the outbox counted by status.

use std::time::Duration;

use sqlx::Row;

use super::{Result, Store, StoreError};

/// Why the database is not healthy, as `/healthz` says it.
#[derive(Debug, thiserror::Error)]
pub enum DatabaseDown {
    /// The file the bot opened is no longer at its path: what it writes now is lost at the
    /// next start.
    #[error("the database file {0} is gone (moved or deleted while labcircle runs)")]
    Gone(String),
    /// Another connection holds the write lock: commands that write would wait, then fail.
    #[error("the database is locked by another process (no write lock within {0:?})")]
    Locked(Duration),
    /// No answer within the probe's time.
    #[error("the database did not answer within {0:?}")]
    Slow(Duration),
    #[error("the database failed: {0}")]
    Failed(#[from] StoreError),
}

impl Store {
    /// A cheap check that the database answers and could take a write now: the file is still
    /// at its path, and a write transaction can begin (and is rolled back at once) within
    /// `wait`, without waiting the usual [`super::BUSY_WAIT`] for a lock.
    pub async fn probe(&self, wait: Duration) -> Result<(), DatabaseDown> {
        if let Some(path) = self.path()
            && !path.exists()
        {
            return Err(DatabaseDown::Gone(path.display().to_string()));
        }
        let probe = async {
            let mut conn = self.pool.acquire().await.map_err(StoreError::from)?;
            let millis = i64::try_from(wait.as_millis()).unwrap_or(i64::MAX);
            sqlx::query(sqlx::AssertSqlSafe(format!(
                "PRAGMA busy_timeout = {millis}"
            )))
            .execute(&mut *conn)
            .await
            .map_err(StoreError::from)?;
            let began = sqlx::query("BEGIN IMMEDIATE").execute(&mut *conn).await;
            if began.is_ok() {
                let _ = sqlx::query("ROLLBACK").execute(&mut *conn).await;
            }
            // Back to the pool's usual wait for the commands that use it next.
            let usual = super::BUSY_WAIT.as_millis();
            sqlx::query(sqlx::AssertSqlSafe(format!(
                "PRAGMA busy_timeout = {usual}"
            )))
            .execute(&mut *conn)
            .await
            .map_err(StoreError::from)?;
            match began {
                Ok(_) => Ok(()),
                Err(e) if super::is_busy(&e) => Err(DatabaseDown::Locked(wait)),
                Err(e) => Err(DatabaseDown::Failed(e.into())),
            }
        };
        // Twice the lock wait at most, whatever the pool does.
        tokio::time::timeout(wait * 2, probe)
            .await
            .unwrap_or(Err(DatabaseDown::Slow(wait * 2)))
    }

    /// The outbox's rows by status (`pending`, `sent`, `failed`, `skipped`).
    pub async fn outbox_counts(&self) -> Result<Vec<(String, i64)>> {
        let rows = sqlx::query("SELECT status, count(*) AS n FROM outbox GROUP BY status")
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|r| Ok((r.try_get("status")?, r.try_get("n")?)))
            .collect()
    }
}
