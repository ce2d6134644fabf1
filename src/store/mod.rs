//! The store: the only place with SQL. SQLite through sqlx, migrations embedded and run at
//! open, WAL mode, foreign keys on. One module per aggregate.

mod announcements;
mod backup;
mod checkin_choices;
mod checkins;
mod direct_chats;
mod directory;
mod events;
mod link_checks;
mod meetups;
mod note_key;
mod ops;
mod outbox;
mod pairing;
mod privacy;
mod reports;
mod retention;
mod rsvps;
mod schema;
mod seeding;
mod suggestions;
mod tips;
mod wakeup;

use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::Arc;
use std::sync::atomic::AtomicU64;
use std::time::Duration;

use sqlx::Row;
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteRow,
    SqliteSynchronous,
};

use crate::domain::identity::{Member, Platform, UserId};

pub use announcements::Unshared;
pub use backup::{CopyReport, copy_database, inspect_copy};
pub use checkins::{AnswerRow, NewPrompt, PromptRow, PublishedWeek, ScheduleRow, WeekMoods};
pub use directory::ImportOutcome;
pub use link_checks::{DeadLink, LinkCheck};
pub use meetups::{MEETUP_ID_SLOT, MeetupRow, NewSeries, Notice, SeriesRow};
pub use note_key::{Rekeyed, StoredNote};
pub use ops::DatabaseDown;
pub use outbox::{OutboxStatus, PendingDelivery, StaleDelivery};
pub use pairing::{Answered, PairCounts, PairGroup, PairMember, PlannedGroup, Seat};
pub use privacy::MEMBER_TABLES;
pub use reports::{Report, ReportAdded, VISITOR_NAME};
pub use rsvps::{RosterOutcome, RosterSnapshot, RsvpTx, RsvpWrite};
pub use seeding::Seed;
pub use suggestions::{Suggestion, SuggestionStatus};
pub use tips::{NewTip, TipForReview, TipMark};
pub use wakeup::NextDue;

/// A failure of the database itself. Never shown to members (they get "something went wrong").
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database error")]
    Database(#[from] sqlx::Error),
    #[error("database migration failed")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("stored data is not readable: {0}")]
    Corrupt(String),
    /// A batch of writes this one was part of found the database busy (see
    /// [`StoreError::is_busy`]); nothing of the batch was written.
    #[error("database busy")]
    Busy,
    /// The task writing this (with others, in one batch) stopped before it said how the write
    /// went.
    #[error("the write was not confirmed")]
    Unconfirmed,
}

/// How long a query waits for another connection's write lock, and for a free connection,
/// before it gives up as busy: long enough for any batch this bot writes, short enough that a
/// member or the operator hears "busy" within seconds when another process holds the lock.
pub const BUSY_WAIT: Duration = Duration::from_secs(5);

impl StoreError {
    /// Whether the database was busy: another connection (often another process) held its
    /// lock for longer than [`BUSY_WAIT`]. Trying again later may work; nothing was changed.
    pub fn is_busy(&self) -> bool {
        match self {
            StoreError::Database(e)
            | StoreError::Migrate(
                sqlx::migrate::MigrateError::Execute(e)
                | sqlx::migrate::MigrateError::ExecuteMigration(e, _),
            ) => is_busy(e),
            StoreError::Busy => true,
            _ => false,
        }
    }
}

/// `SQLITE_BUSY` or `SQLITE_LOCKED` (any extended code), or no connection free in time (each
/// one waiting on the lock).
fn is_busy(e: &sqlx::Error) -> bool {
    match e {
        sqlx::Error::PoolTimedOut => true,
        sqlx::Error::Database(db) => db
            .code()
            .and_then(|code| code.parse::<i32>().ok())
            .is_some_and(|code| matches!(code & 0xff, 5 | 6)),
        _ => false,
    }
}

/// What the operator is told when the database at `path` is busy.
pub fn busy_message(path: &Path) -> String {
    format!(
        "The database {} is busy (another labcircle may be running on it, or a backup holds a \
         lock). Stop the other process or try again.",
        path.display()
    )
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// Handle to the database; cheap to clone.
#[derive(Clone, Debug)]
pub struct Store {
    pool: SqlitePool,
    /// Directory writes through this handle and its clones (see `local_directory_writes`).
    directory_writes: Arc<AtomicU64>,
    /// Link-check results recorded through this handle and its clones (see
    /// `local_link_check_writes`).
    link_check_writes: Arc<AtomicU64>,
    /// Profiles read or written through this handle and its clones: every search ranks by the
    /// member's state, and only this process writes profiles (`/profile`, `/forgetme`).
    profiles: Arc<std::sync::Mutex<ProfileCache>>,
    /// The database file (none in memory), named when it is busy.
    path: Option<Arc<PathBuf>>,
    /// Health probes take turns (`ops.rs`): each opens a connection of its own, so a flood of
    /// `/healthz` requests holds one extra connection, not one each.
    probe_turn: Arc<tokio::sync::Mutex<()>>,
}

/// Member → (specialty code, state code), as stored.
pub(crate) type ProfileCache = std::collections::HashMap<UserId, (Option<String>, Option<String>)>;

impl Store {
    /// Opens (creating if missing) the database file and brings its schema up to date.
    pub async fn open(path: &Path) -> Result<Store> {
        let options = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            // With WAL, NORMAL keeps the database consistent and loses at most the last
            // transactions on power loss, at a fraction of FULL's fsync cost.
            .synchronous(SqliteSynchronous::Normal)
            // Deleted rows (/forgetme, retention) are overwritten, not left in free pages.
            .pragma("secure_delete", "on")
            .foreign_keys(true)
            // Another process (an import, a second adapter) may hold the write lock for a
            // scheduler batch; wait for it rather than fail, but not so long that nobody
            // hears why nothing happens (see `BUSY_WAIT`).
            .busy_timeout(BUSY_WAIT);
        let pool = SqlitePoolOptions::new()
            .max_connections(4)
            // sqlx's default is 30 s: with every connection waiting on a lock, a command would
            // wait that long for "pool timed out".
            .acquire_timeout(BUSY_WAIT)
            .connect_with(options)
            .await?;
        Self::migrated(pool, Some(path.to_owned())).await
    }

    /// A private in-memory database (tests and benchmarks). One connection, so every query
    /// sees the same database.
    pub async fn open_in_memory() -> Result<Store> {
        let options = SqliteConnectOptions::from_str("sqlite::memory:")?.foreign_keys(true);
        let pool = SqlitePoolOptions::new()
            .max_connections(1)
            .idle_timeout(None)
            .max_lifetime(None)
            .connect_with(options)
            .await?;
        Self::migrated(pool, None).await
    }

    async fn migrated(pool: SqlitePool, path: Option<PathBuf>) -> Result<Store> {
        schema::migrator().run(&pool).await?;
        Ok(Store {
            pool,
            directory_writes: Arc::new(AtomicU64::new(0)),
            link_check_writes: Arc::new(AtomicU64::new(0)),
            profiles: Arc::default(),
            path: path.map(Arc::new),
            probe_turn: Arc::default(),
        })
    }

    /// The database file, or `None` for an in-memory database.
    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref().map(PathBuf::as_path)
    }

    /// Waits for in-flight queries and closes every connection.
    pub async fn close(&self) {
        self.pool.close().await;
    }

    /// Reads a fact from the `meta` table.
    pub async fn meta(&self, name: &str) -> Result<Option<String>> {
        Ok(sqlx::query_scalar("SELECT value FROM meta WHERE name = ?")
            .bind(name)
            .fetch_optional(&self.pool)
            .await?)
    }

    /// Records a fact in the `meta` table.
    pub async fn set_meta(&self, name: &str, value: &str) -> Result<()> {
        sqlx::query(
            "INSERT INTO meta (name, value) VALUES (?, ?) \
             ON CONFLICT (name) DO UPDATE SET value = excluded.value",
        )
        .bind(name)
        .bind(value)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Every table in the database (tests use it to check that nothing about a member is left).
    pub async fn table_names(&self) -> Result<Vec<String>> {
        Ok(sqlx::query_scalar(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' \
             AND name NOT LIKE '\\_sqlx%' ESCAPE '\\' ORDER BY name",
        )
        .fetch_all(&self.pool)
        .await?)
    }
}

/// A stored platform code as a platform; an unknown one means the row is not readable.
fn platform(code: &str) -> Result<Platform> {
    Platform::from_code(code).ok_or_else(|| StoreError::Corrupt(format!("unknown platform {code}")))
}

/// The user a row names in its `platform` and `user_id` columns.
fn user_from_row(r: &SqliteRow) -> Result<UserId> {
    Ok(UserId::new(
        platform(&r.try_get::<String, _>("platform")?)?,
        r.try_get::<String, _>("user_id")?,
    ))
}

/// The member a row names in its `platform`, `user_id` and `display_name` columns.
fn member_from_row(r: &SqliteRow) -> Result<Member> {
    member_from_columns(r, ["platform", "user_id", "display_name"])
}

/// The member a row names in other columns (a meetup's organizer has its own).
fn member_from_columns(r: &SqliteRow, [platform_code, id, name]: [&str; 3]) -> Result<Member> {
    Ok(Member {
        user: UserId::new(
            platform(&r.try_get::<String, _>(platform_code)?)?,
            r.try_get::<String, _>(id)?,
        ),
        display_name: r.try_get(name)?,
    })
}

/// The current time as stored: RFC 3339, UTC, whole seconds.
pub fn now_rfc3339() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}
