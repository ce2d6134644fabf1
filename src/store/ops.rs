//! What the operator's endpoints read: whether the database answers and takes writes, and
//! the outbox counted by status.

use std::time::Duration;

use sqlx::sqlite::SqliteConnection;
use sqlx::{Connection, Row};

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
    ///
    /// The probe opens a connection of its own (the bot's connections and their settings are
    /// left alone, whatever happens to the probe) and asks for the write lock without SQLite's
    /// busy handler, every millisecond until `wait` has passed. The busy handler sleeps up to
    /// 100 ms between its tries, so a program committing one small transaction after another
    /// (the lock free for microseconds at a time) could keep it out for a whole second:
    /// `/healthz` then said "locked" while the bot's own writes went through. Only a lock held
    /// for all of `wait` (an open transaction elsewhere) is reported. Probes take turns, so
    /// many at once hold one connection; one kept waiting past twice `wait` says "slow".
    pub async fn probe(&self, wait: Duration) -> Result<(), DatabaseDown> {
        let Some(path) = self.path() else {
            // A private in-memory database (tests, benchmarks): no other program can lock it.
            sqlx::query("SELECT 1")
                .execute(&self.pool)
                .await
                .map_err(StoreError::from)?;
            return Ok(());
        };
        if !path.exists() {
            return Err(DatabaseDown::Gone(path.display().to_string()));
        }
        let options = (*self.pool.connect_options())
            .clone()
            // A file deleted since the check above is reported, not made again empty.
            .create_if_missing(false)
            .busy_timeout(Duration::ZERO);
        let probe = async {
            let _turn = self.probe_turn.lock().await;
            let mut conn = SqliteConnection::connect_with(&options)
                .await
                .map_err(StoreError::from)?;
            let deadline = tokio::time::Instant::now() + wait;
            let began = loop {
                match sqlx::query("BEGIN IMMEDIATE").execute(&mut conn).await {
                    Ok(_) => break Ok(()),
                    Err(e) if super::is_busy(&e) && tokio::time::Instant::now() < deadline => {
                        tokio::time::sleep(Duration::from_millis(1)).await;
                    }
                    Err(e) => break Err(e),
                }
            };
            if began.is_ok() {
                sqlx::query("ROLLBACK")
                    .execute(&mut conn)
                    .await
                    .map_err(StoreError::from)?;
            }
            // Closing also ends anything left open if the probe is cut short by its time.
            let _ = conn.close().await;
            match began {
                Ok(()) => Ok(()),
                Err(e) if super::is_busy(&e) => Err(DatabaseDown::Locked(wait)),
                Err(e) => Err(DatabaseDown::Failed(e.into())),
            }
        };
        // Twice the lock wait at most, the turn and opening the connection included.
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

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

    use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode};

    use super::*;

    async fn other_program(path: &std::path::Path) -> SqliteConnection {
        let options = SqliteConnectOptions::new()
            .filename(path)
            .journal_mode(SqliteJournalMode::Wal)
            .busy_timeout(Duration::from_secs(5));
        SqliteConnection::connect_with(&options).await.unwrap()
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn another_program_writing_back_to_back_is_not_a_locked_database() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("labcircle.db");
        let store = Store::open(&path).await.unwrap();
        let (stop, written) = (
            Arc::new(AtomicBool::new(false)),
            Arc::new(AtomicU64::new(0)),
        );
        let writer = {
            let (stop, written, path) = (stop.clone(), written.clone(), path.clone());
            tokio::spawn(async move {
                let mut conn = other_program(&path).await;
                let mut n = 0u64;
                while !stop.load(Ordering::SeqCst) {
                    sqlx::query("INSERT INTO meta (name, value) VALUES (?, ?)")
                        .bind(format!("load-{n:08}"))
                        .bind(n.to_string())
                        .execute(&mut conn)
                        .await
                        .unwrap();
                    n += 1;
                    written.store(n, Ordering::SeqCst);
                }
            })
        };
        while written.load(Ordering::SeqCst) < 50 {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        // Ten probes in a row, each with /healthz's one-second wait: none may say "locked". (Each takes
        // a few milliseconds; the wait only bounds a machine too busy to let the probe in.)
        for i in 0..10 {
            let probed = store.probe(Duration::from_secs(1)).await;
            assert!(probed.is_ok(), "probe {i}: {:?}", probed.err());
        }
        stop.store(true, Ordering::SeqCst);
        writer.await.unwrap();
    }

    /// Open files of this process that are the database `path`.
    #[cfg(target_os = "linux")]
    fn open_handles(path: &std::path::Path) -> usize {
        std::fs::read_dir("/proc/self/fd")
            .unwrap()
            .filter_map(|e| std::fs::read_link(e.ok()?.path()).ok())
            .filter(|target| target == path)
            .count()
    }

    #[cfg(target_os = "linux")]
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_flood_of_probes_takes_turns_on_one_extra_connection() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().canonicalize().unwrap().join("labcircle.db");
        let store = Store::open(&path).await.unwrap();
        let before = open_handles(&path);
        let probes: Vec<_> = (0..100)
            .map(|_| {
                let store = store.clone();
                tokio::spawn(async move { store.probe(Duration::from_secs(1)).await })
            })
            .collect();
        let mut most = before;
        while !probes.iter().all(|p| p.is_finished()) {
            most = most.max(open_handles(&path));
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
        for probe in probes {
            let probed = probe.await.unwrap();
            assert!(probed.is_ok(), "{probed:?}");
        }
        assert!(
            most <= before + 1,
            "{most} handles open at once, {before} before"
        );
    }

    #[tokio::test]
    async fn a_deleted_database_is_reported_gone_and_not_made_again() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("labcircle.db");
        let store = Store::open(&path).await.unwrap();
        std::fs::remove_file(&path).unwrap();
        let probed = store.probe(Duration::from_millis(50)).await;
        assert!(matches!(probed, Err(DatabaseDown::Gone(_))), "{probed:?}");
        assert!(!path.exists());
    }

    #[tokio::test]
    async fn a_write_transaction_held_open_elsewhere_is_reported_as_a_lock_and_released_after() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("labcircle.db");
        let store = Store::open(&path).await.unwrap();
        let mut conn = other_program(&path).await;
        sqlx::query("BEGIN IMMEDIATE")
            .execute(&mut conn)
            .await
            .unwrap();
        let wait = Duration::from_millis(50);
        let probed = store.probe(wait).await;
        assert!(
            matches!(probed, Err(DatabaseDown::Locked(w)) if w == wait),
            "{probed:?}"
        );
        sqlx::query("ROLLBACK").execute(&mut conn).await.unwrap();
        assert!(store.probe(wait).await.is_ok());
        // The bot's own connections kept their usual wait for a lock.
        let timeout: i64 = sqlx::query_scalar("PRAGMA busy_timeout")
            .fetch_one(&store.pool)
            .await
            .unwrap();
        assert_eq!(
            timeout,
            i64::try_from(super::super::BUSY_WAIT.as_millis()).unwrap()
        );
    }
}
