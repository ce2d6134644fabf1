//! A busy database: another process holds its lock. The operator and the member hear so
//! within seconds, naming the file (the operator), instead of a pool time-out after 30 s.

use std::time::{Duration, Instant};

use sqlx::Connection;
use sqlx::sqlite::{SqliteConnectOptions, SqliteConnection, SqliteJournalMode};

use crate::support::Lab;

/// Another program's connection to `path` holding the write lock until dropped.
async fn hold_lock(path: &std::path::Path, journal: SqliteJournalMode) -> SqliteConnection {
    let options = SqliteConnectOptions::new()
        .filename(path)
        .create_if_missing(true)
        .journal_mode(journal);
    let mut other = SqliteConnection::connect_with(&options)
        .await
        .expect("open the database from another connection");
    sqlx::query("BEGIN EXCLUSIVE")
        .execute(&mut other)
        .await
        .expect("take the lock");
    other
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_database_locked_by_another_program_at_start_is_named_within_seconds() {
    let lab = Lab::new();
    let db = lab.database();
    std::fs::create_dir_all(db.parent().unwrap()).unwrap();
    // A backup tool or another labcircle holds the lock before this one starts.
    let other = hold_lock(&db, SqliteJournalMode::Delete).await;

    let started = Instant::now();
    let run = tokio::task::spawn_blocking(move || lab.run(&["status"], ""))
        .await
        .unwrap();
    let took = started.elapsed();

    assert!(!run.success, "{}", run.stdout);
    assert!(
        run.stderr
            .contains(&format!("The database {} is busy", db.display())),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("another labcircle may be running on it")
            && run.stderr.contains("Stop the other process or try again"),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("pool timed out"), "{}", run.stderr);
    assert!(took < Duration::from_secs(10), "told after {took:?}");
    eprintln!("start-up on a locked database refused after {took:?}");
    drop(other);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_command_while_another_program_holds_the_lock_is_answered_busy_and_changes_nothing() {
    let lab = Lab::new();
    let first = lab.member("/profile state:OH\n");
    assert!(first.success, "{}", first.stderr);
    let db = lab.database();
    let other = hold_lock(&db, SqliteJournalMode::Wal).await;

    let lab = std::sync::Arc::new(lab);
    let busy = {
        let lab = lab.clone();
        let started = Instant::now();
        let run = tokio::task::spawn_blocking(move || lab.member("/profile state:TX\n"))
            .await
            .unwrap();
        (run, started.elapsed())
    };
    let (run, took) = busy;
    let reply = run.message(0);
    assert!(
        reply.contains("busy right now") && reply.contains("nothing was changed"),
        "{reply}"
    );
    assert!(!reply.contains("pool timed out"), "{reply}");
    // The operator's log names the file.
    let named = |what: &str| {
        run.stderr
            .lines()
            .any(|l| l.contains(what) && l.contains(&db.display().to_string()))
    };
    assert!(
        named("command not run: the database is busy"),
        "{}",
        run.stderr
    );
    assert!(named("scheduler pass not run"), "{}", run.stderr);
    // Start-up's scheduler pass, the command and the pass after it each wait 5 s at most.
    assert!(took < Duration::from_secs(25), "answered after {took:?}");
    eprintln!("a console session with one command on a locked database took {took:?}");

    drop(other);
    let after = lab.member("/profile\n").message(0);
    assert!(after.contains("State: OH"), "{after}");
}
