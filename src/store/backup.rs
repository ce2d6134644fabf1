//! A consistent copy of a live database with SQLite's online backup API, and a look at a copy
//! (integrity and rows per table). `labcircle backup` ([`crate::ops::backup`]) drives it.
//!
//! sqlx does not wrap `sqlite3_backup_*`, but hands out a connection's raw handle while it
//! holds the connection's worker still ([`SqliteConnection::lock_handle`]). The copy is taken
//! in one step (`sqlite3_backup_step(-1)`) inside one read transaction: in WAL mode the bot
//! keeps writing meanwhile, and the copy is the database as it was when the step began. (A
//! copy in small steps would start over after every write from another connection, and might
//! never finish under load.)

use std::ffi::CStr;
use std::path::Path;
use std::ptr::NonNull;
use std::time::Duration;

use libsqlite3_sys as ffi;
use sqlx::sqlite::{SqliteConnectOptions, SqliteConnection, SqliteJournalMode};
use sqlx::{Connection, Row};

use super::{BUSY_WAIT, Result, StoreError};

/// How often the copy is tried again when the source is locked (a checkpoint, a writer
/// starting the WAL over), 100 ms apart.
const BUSY_TRIES: u32 = 50;

/// What a copy holds.
#[derive(Debug, Clone)]
pub struct CopyReport {
    /// `PRAGMA integrity_check`'s answer: `ok`, or the problems found.
    pub integrity: String,
    /// Every table with its row count, by name.
    pub tables: Vec<(String, i64)>,
}

/// Copies the database at `source` (which must exist; the bot may be using it) into a new
/// database at `dest` (created; it should not exist yet).
pub async fn copy_database(source: &Path, dest: &Path) -> Result<()> {
    let mut src = SqliteConnection::connect_with(
        &SqliteConnectOptions::new()
            .filename(source)
            .create_if_missing(false)
            .busy_timeout(BUSY_WAIT),
    )
    .await?;
    let mut dst = SqliteConnection::connect_with(
        &SqliteConnectOptions::new()
            .filename(dest)
            .create_if_missing(true)
            // One self-contained file while it is written.
            .journal_mode(SqliteJournalMode::Delete),
    )
    .await?;
    {
        let mut from = src.lock_handle().await?;
        let mut to = dst.lock_handle().await?;
        let (from, to) = (from.as_raw_handle(), to.as_raw_handle());
        let mut tries = 0;
        loop {
            match backup_once(from, to) {
                Ok(()) => break,
                Err((code, _)) if is_busy_code(code) && tries < BUSY_TRIES => {
                    tries += 1;
                    // The worker threads are held still meanwhile; a short blocking pause in
                    // the one-shot backup command is harmless.
                    std::thread::sleep(Duration::from_millis(100));
                }
                Err((code, message)) => {
                    return Err(StoreError::Corrupt(format!(
                        "the online backup failed (SQLite code {code}): {message}"
                    )));
                }
            }
        }
    }
    dst.close().await?;
    src.close().await?;
    Ok(())
}

fn is_busy_code(code: i32) -> bool {
    matches!(code & 0xff, ffi::SQLITE_BUSY | ffi::SQLITE_LOCKED)
}

/// One whole copy from `from` into `to` with `sqlite3_backup_*`: `Err((code, message))` when
/// SQLite refuses.
fn backup_once(
    from: NonNull<ffi::sqlite3>,
    to: NonNull<ffi::sqlite3>,
) -> std::result::Result<(), (i32, String)> {
    // SAFETY: both handles are open connections whose sqlx workers are held still by the
    // `LockedSqliteHandle`s the caller keeps for the whole call, so no other thread uses them;
    // the schema names are NUL-terminated literals; the backup object is finished before
    // returning, on every path, and not used after.
    unsafe {
        let main = c"main".as_ptr();
        let backup = ffi::sqlite3_backup_init(to.as_ptr(), main, from.as_ptr(), main);
        if backup.is_null() {
            let code = ffi::sqlite3_errcode(to.as_ptr());
            return Err((code, message(to)));
        }
        let step = ffi::sqlite3_backup_step(backup, -1);
        let finish = ffi::sqlite3_backup_finish(backup);
        match (step, finish) {
            (ffi::SQLITE_DONE, ffi::SQLITE_OK) => Ok(()),
            (ffi::SQLITE_DONE, code) => Err((code, message(to))),
            (code, _) => Err((
                code,
                ffi::sqlite3_errstr(code).as_ref().map_or_else(
                    || "unknown error".to_owned(),
                    |s| CStr::from_ptr(s).to_string_lossy().into_owned(),
                ),
            )),
        }
    }
}

/// The last error message of connection `db`.
///
/// # Safety
/// `db` is an open connection no other thread uses meanwhile.
unsafe fn message(db: NonNull<ffi::sqlite3>) -> String {
    // SAFETY: as the caller promises; SQLite returns a NUL-terminated string it owns, copied
    // here before anything else runs on the connection.
    unsafe {
        let text = ffi::sqlite3_errmsg(db.as_ptr());
        if text.is_null() {
            return "unknown error".to_owned();
        }
        CStr::from_ptr(text).to_string_lossy().into_owned()
    }
}

/// Opens the copy at `path` read-only and says whether it is intact and what it holds.
pub async fn inspect_copy(path: &Path) -> Result<CopyReport> {
    let mut conn = SqliteConnection::connect_with(
        &SqliteConnectOptions::new()
            .filename(path)
            .read_only(true)
            .create_if_missing(false),
    )
    .await?;
    let problems: Vec<String> = sqlx::query_scalar("PRAGMA integrity_check")
        .fetch_all(&mut conn)
        .await?;
    let names: Vec<String> = sqlx::query_scalar(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' \
         ORDER BY name",
    )
    .fetch_all(&mut conn)
    .await?;
    let mut tables = Vec::with_capacity(names.len());
    for name in names {
        // A table name cannot be a bound parameter: it comes from the copy's own schema and
        // is quoted as an identifier.
        let quoted = format!("\"{}\"", name.replace('"', "\"\""));
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT count(*) FROM {quoted}"
        )))
        .fetch_one(&mut conn)
        .await?;
        tables.push((name, row.try_get(0)?));
    }
    conn.close().await?;
    Ok(CopyReport {
        integrity: problems.join("; "),
        tables,
    })
}
