//! The operator's side end to end: `/healthz` and `/metrics` with `[ops]` on (here on the
//! console), and `labcircle backup` taken while the bot runs and writes go on, restored into a
//! fresh data directory.

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

use sqlx::Connection;
use sqlx::sqlite::{SqliteConnectOptions, SqliteConnection, SqliteJournalMode};

use crate::process::Process;
use crate::support::Lab;

/// 08:00 in New York on a Monday.
const MONDAY_8AM: &str = "2026-12-07T08:00:00-05:00";
const KEY: &str = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=";
const NOTE: &str = "short staffed on nights again";

/// The console as `name`, with `[ops]` on any free port; returns it and the endpoints' base URL.
async fn console_with_ops(lab: &Lab, name: &str) -> (Process, String) {
    let config = lab.file("ops.toml", "[ops]\nlisten = \"127.0.0.1:0\"\n");
    let config = config.display().to_string();
    let process = lab
        .launch(&["--config", &config, "console", "--as", name, "--clock", MONDAY_8AM])
        .env("LABCIRCLE_NOTE_KEY", KEY)
        .start();
    let line = process.wait_line("health and metrics on http://").await;
    let start = line.find("http://").expect("an address");
    let rest = &line[start..];
    let base = rest[..rest.find("/healthz").expect("the /healthz path")].to_owned();
    (process, base)
}

async fn get(url: &str) -> (u16, String) {
    let client = reqwest::Client::builder()
        .no_proxy()
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap();
    let response = client.get(url).send().await.expect("GET");
    let status = response.status().as_u16();
    (status, response.text().await.expect("a body"))
}

/// Checks that `text` is Prometheus (OpenMetrics) text: comments, then `name{labels} value`
/// samples with numeric values, ending with `# EOF`; returns the samples as (series, value).
fn samples(text: &str) -> Vec<(String, f64)> {
    assert_eq!(text.lines().last(), Some("# EOF"), "{text}");
    let mut out = Vec::new();
    for line in text.lines() {
        if let Some(comment) = line.strip_prefix("# ") {
            let kind = comment.split(' ').next().unwrap_or("");
            assert!(
                ["HELP", "TYPE", "UNIT", "EOF"].contains(&kind),
                "not a known comment: {line}"
            );
            continue;
        }
        let (series, value) = line.rsplit_once(' ').expect("a sample has a value");
        let name_end = series.find('{').unwrap_or(series.len());
        let name = &series[..name_end];
        assert!(
            !name.is_empty()
                && name
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':'),
            "not a metric name: {line}"
        );
        if name_end < series.len() {
            assert!(series.ends_with('}'), "labels not closed: {line}");
        }
        let value: f64 = value
            .parse()
            .unwrap_or_else(|_| panic!("not a number: {line}"));
        out.push((series.to_owned(), value));
    }
    out
}

fn value(text: &str, series: &str) -> f64 {
    samples(text)
        .into_iter()
        .find(|(s, _)| s == series)
        .map_or(0.0, |(_, v)| v)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn healthz_says_ok_on_the_console_and_metrics_count_commands_without_naming_anyone() {
    let lab = Lab::new();
    let (mut console, base) = console_with_ops(&lab, "alice").await;

    let (status, body) = get(&format!("{base}/healthz")).await;
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("\"status\":\"ok\""), "{body}");
    assert!(body.contains("\"console\":\"connected\""), "{body}");
    assert!(body.contains("\"database\":\"ok\""), "{body}");

    let findgroup = "labcircle_commands_total{command=\"findgroup\",outcome=\"ok\"}";
    let (_, before) = get(&format!("{base}/metrics")).await;
    let searches = value(&before, findgroup);
    console.send_line("/findgroup night shift");
    console.send_line("/findgroup specialty:nowhere-near-a-specialty");
    console.send_line("/crisis");
    console.next_line("More lines and peer-support groups").await;

    let (status, after) = get(&format!("{base}/metrics")).await;
    assert_eq!(status, 200);
    assert_eq!(value(&after, findgroup), searches + 1.0, "{after}");
    assert_eq!(
        value(
            &after,
            "labcircle_commands_total{command=\"findgroup\",outcome=\"refused\"}"
        ),
        1.0,
        "{after}"
    );
    assert!(
        value(
            &after,
            "labcircle_command_duration_seconds_count{command=\"crisis\"}"
        ) >= 1.0,
        "{after}"
    );
    assert!(after.contains("labcircle_outbox_deliveries{status=\"waiting\"}"));
    // Nothing about who: no member's name, nor what they typed.
    for private in ["alice", "night shift", "nowhere-near"] {
        assert!(!after.contains(private), "{private} in /metrics:\n{after}");
    }
    console.close_stdin();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn healthz_says_503_naming_the_database_while_another_program_locks_it_or_it_is_deleted() {
    let lab = Lab::new();
    let (_console, base) = console_with_ops(&lab, "alice").await;
    assert_eq!(get(&format!("{base}/healthz")).await.0, 200);

    // A sqlite3 shell left in a write transaction.
    let options = SqliteConnectOptions::new()
        .filename(lab.database())
        .journal_mode(SqliteJournalMode::Wal);
    let mut other = SqliteConnection::connect_with(&options).await.unwrap();
    sqlx::query("BEGIN IMMEDIATE")
        .execute(&mut other)
        .await
        .unwrap();
    let (status, body) = get(&format!("{base}/healthz")).await;
    assert_eq!(status, 503, "{body}");
    assert!(body.contains("\"down\":[\"database\"]"), "{body}");
    assert!(body.contains("locked by another process"), "{body}");
    assert!(body.contains("\"console\":\"connected\""), "{body}");

    sqlx::query("ROLLBACK").execute(&mut other).await.unwrap();
    other.close().await.unwrap();
    let (status, body) = get(&format!("{base}/healthz")).await;
    assert_eq!(status, 200, "healthy again once the lock is let go: {body}");

    // Someone cleans up the data directory while the bot runs.
    std::fs::remove_file(lab.database()).unwrap();
    let (status, body) = get(&format!("{base}/healthz")).await;
    assert_eq!(status, 503, "{body}");
    assert!(body.contains("is gone"), "{body}");
}

/// Every row of every table of the database at `path`, as text (`quote()` of each column, so
/// blobs such as encrypted notes compare too), by table; rows the load wrote are left out.
async fn dump(path: &Path) -> Vec<(String, Vec<String>)> {
    let options = SqliteConnectOptions::new().filename(path).read_only(true);
    let mut conn = SqliteConnection::connect_with(&options).await.unwrap();
    let tables: Vec<String> = sqlx::query_scalar(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' \
         ORDER BY name",
    )
    .fetch_all(&mut conn)
    .await
    .unwrap();
    let mut out = Vec::new();
    for table in tables {
        let columns: Vec<String> =
            sqlx::query_scalar("SELECT name FROM pragma_table_info(?) ORDER BY cid")
                .bind(&table)
                .fetch_all(&mut conn)
                .await
                .unwrap();
        let row = columns
            .iter()
            .map(|c| format!("quote(\"{c}\")"))
            .collect::<Vec<_>>()
            .join(" || '|' || ");
        let sql = format!("SELECT {row} FROM \"{table}\" ORDER BY 1");
        let rows: Vec<String> = sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
            .fetch_all(&mut conn)
            .await
            .unwrap();
        let rows = rows.into_iter().filter(|r| !r.contains("'load-")).collect();
        out.push((table, rows));
    }
    conn.close().await.unwrap();
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backup_taken_while_the_bot_runs_and_writes_go_on_restores_into_a_fresh_data_directory()
{
    let lab = Lab::new();
    let answered = lab.console_at(
        "alice",
        MONDAY_8AM,
        &format!("/checkin start\n/checkin now\n/checkin answer 3 note:{NOTE}\n"),
        &[("LABCIRCLE_NOTE_KEY", KEY)],
    );
    assert!(
        answered
            .messages()
            .iter()
            .any(|m| m.contains("stored encrypted")),
        "{}",
        answered.stdout
    );
    // The bot runs, with its endpoints on, while another connection writes one row per
    // transaction as fast as it can.
    let (mut bot, base) = console_with_ops(&lab, "bob").await;
    let stop = Arc::new(AtomicBool::new(false));
    let written = Arc::new(AtomicU64::new(0));
    let writer = {
        let (stop, written, db) = (stop.clone(), written.clone(), lab.database());
        tokio::spawn(async move {
            let options = SqliteConnectOptions::new()
                .filename(db)
                .journal_mode(SqliteJournalMode::Wal)
                .busy_timeout(Duration::from_secs(5));
            let mut conn = SqliteConnection::connect_with(&options).await.unwrap();
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
            conn.close().await.unwrap();
        })
    };
    while written.load(Ordering::SeqCst) < 200 {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }

    let copy = lab.path().join("backups").join("labcircle-monday.db");
    std::fs::create_dir_all(copy.parent().unwrap()).unwrap();
    let copy_arg = copy.display().to_string();
    let before = written.load(Ordering::SeqCst);
    let started = std::time::Instant::now();
    let backup = {
        let launch = lab.launch(&["backup", &copy_arg]);
        tokio::task::spawn_blocking(move || launch.run(""))
            .await
            .unwrap()
    };
    let during = written.load(Ordering::SeqCst);
    eprintln!(
        "backup: {:?} for the whole command, {} rows written by another connection meanwhile",
        started.elapsed(),
        during - before
    );
    assert!(
        backup.success,
        "backup failed:\n{}\n{}",
        backup.stdout, backup.stderr
    );
    assert!(
        backup.stdout.contains("integrity check: ok") && backup.stdout.contains("bytes"),
        "{}",
        backup.stdout
    );
    assert!(
        backup.stdout.contains("checkin_answers: 1 rows"),
        "{}",
        backup.stdout
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&copy).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "the copy is as private as the database");
    }
    // The bot kept answering meanwhile.
    assert_eq!(get(&format!("{base}/healthz")).await.0, 200);
    stop.store(true, Ordering::SeqCst);
    writer.await.unwrap();
    bot.close_stdin();
    let total = written.load(Ordering::SeqCst);
    assert!(total > during, "writes went on after the backup");

    // A second backup to the same file is refused without --force.
    let again = lab.run(&["backup", &copy_arg], "");
    assert!(!again.success && again.stderr.contains("--force"), "{}", again.stderr);

    // The copy holds the database as of one moment: a whole prefix of the load, no gaps.
    let options = SqliteConnectOptions::new().filename(&copy).read_only(true);
    let mut conn = SqliteConnection::connect_with(&options).await.unwrap();
    let loads: Vec<String> =
        sqlx::query_scalar("SELECT name FROM meta WHERE name LIKE 'load-%' ORDER BY name")
            .fetch_all(&mut conn)
            .await
            .unwrap();
    conn.close().await.unwrap();
    assert!(loads.len() >= 200, "{} load rows", loads.len());
    for (i, name) in loads.iter().enumerate() {
        assert_eq!(name, &format!("load-{i:08}"), "a gap in the copy");
    }
    // Every other row of every table is the same as in the live database.
    let live = dump(&lab.database()).await;
    let copied = dump(&copy).await;
    assert_eq!(
        live.iter().map(|(t, _)| t).collect::<Vec<_>>(),
        copied.iter().map(|(t, _)| t).collect::<Vec<_>>()
    );
    for ((table, rows), (_, copied_rows)) in live.iter().zip(&copied) {
        assert_eq!(rows, copied_rows, "table {table} differs");
    }

    // Restored into a fresh data directory, the note key still opens the note.
    let fresh = Lab::new();
    std::fs::create_dir_all(fresh.database().parent().unwrap()).unwrap();
    std::fs::copy(&copy, fresh.database()).unwrap();
    let history = fresh.console_at(
        "alice",
        MONDAY_8AM,
        "/checkin history\n",
        &[("LABCIRCLE_NOTE_KEY", KEY)],
    );
    let last = history.messages().last().cloned().unwrap_or_default();
    assert!(last.contains(NOTE), "{}", history.stdout);
}
