//! The operator's side end to end: `/healthz` and `/metrics` with `[ops]` on (here on the
//! console), and `labcircle backup` taken while the bot runs and writes go on, restored into a
//! fresh data directory.

use std::collections::{BTreeMap, BTreeSet};
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
        .launch(&[
            "--config", &config, "console", "--as", name, "--clock", MONDAY_8AM,
        ])
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
    console
        .next_line("More lines and peer-support groups")
        .await;

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
/// blobs such as encrypted notes compare too), by table.
async fn dump(path: &Path) -> BTreeMap<String, BTreeSet<String>> {
    let options = SqliteConnectOptions::new().filename(path).read_only(true);
    let mut conn = SqliteConnection::connect_with(&options).await.unwrap();
    let tables: Vec<String> = sqlx::query_scalar(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' \
         ORDER BY name",
    )
    .fetch_all(&mut conn)
    .await
    .unwrap();
    let mut out = BTreeMap::new();
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
        let sql = format!("SELECT {row} FROM \"{table}\"");
        let rows: Vec<String> = sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
            .fetch_all(&mut conn)
            .await
            .unwrap();
        out.insert(table, rows.into_iter().collect());
    }
    conn.close().await.unwrap();
    out
}

/// `SELECT count(*)` of `sql` in the database at `path`.
async fn count(path: &Path, sql: &str) -> i64 {
    let options = SqliteConnectOptions::new().filename(path).read_only(true);
    let mut conn = SqliteConnection::connect_with(&options).await.unwrap();
    let n = sqlx::query_scalar(sqlx::AssertSqlSafe(sql.to_owned()))
        .fetch_one(&mut conn)
        .await
        .unwrap();
    conn.close().await.unwrap();
    n
}

/// One round of load on the bot: member `load-N` joins the full meetup's waitlist (an RSVP
/// written, a private notice queued and delivered) and takes it back.
/// Rounds are numbered from 0 by `rounds`; the one before last is waited for, so two are always
/// in flight.
async fn round(bot: &mut Process, rounds: &mut usize) {
    let n = *rounds;
    bot.send_line(&format!(":as load-{n:04}"));
    bot.send_line(":react 2 ✅");
    bot.send_line(":unreact 2 ✅");
    if n >= 2 {
        bot.next_line(&format!("now acting as load-{:04}", n - 2))
            .await;
    }
    *rounds += 1;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backup_taken_while_the_bot_handles_commands_and_delivers_restores_into_a_fresh_data_directory()
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
    // The bot runs with its endpoints on; a meetup with one place, taken.
    let (mut bot, base) = console_with_ops(&lab, "olga").await;
    bot.send_line(":as olga organizer");
    bot.send_line("/meetup create title:Backup night when:Dec 10 6:30pm where:Cafe capacity:1");
    bot.next_line("[#2] Meetup #1: Backup night").await;
    bot.send_line(":as holder");
    bot.send_line(":react 2 ✅");
    bot.send_line(":as olga organizer");
    bot.next_line("now acting as olga").await;
    let before = dump(&lab.database()).await;

    // Load: members join the waitlist and leave it through the bot, two rounds always in
    // flight, while another connection writes one row per transaction as fast as it can.
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
    let mut rounds = 0;
    while rounds < 20 || written.load(Ordering::SeqCst) < 200 {
        round(&mut bot, &mut rounds).await;
    }

    let copy = lab.path().join("backups").join("labcircle-monday.db");
    std::fs::create_dir_all(copy.parent().unwrap()).unwrap();
    let copy_arg = copy.display().to_string();
    let (rows_before, rounds_before) = (written.load(Ordering::SeqCst), rounds);
    let started = std::time::Instant::now();
    let backup = {
        let launch = lab.launch(&["backup", &copy_arg]);
        tokio::task::spawn_blocking(move || launch.run(""))
    };
    while !backup.is_finished() {
        round(&mut bot, &mut rounds).await;
    }
    let took = started.elapsed();
    let (rows_during, rounds_during) = (written.load(Ordering::SeqCst), rounds);
    for _ in 0..5 {
        round(&mut bot, &mut rounds).await;
    }
    let backup = backup.await.unwrap();
    eprintln!(
        "backup: {took:?} for the whole command; meanwhile {} rows by another connection and \
         {} rounds of RSVPs and notices through the bot",
        rows_during - rows_before,
        rounds_during - rounds_before
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
    // The bot kept answering meanwhile, and counted what it did.
    let last = rounds - 1;
    bot.send_line(":as olga organizer");
    bot.next_line(&format!("now acting as load-{last:04}"))
        .await;
    bot.next_line("now acting as olga").await;
    assert_eq!(get(&format!("{base}/healthz")).await.0, 200);
    let (_, metrics) = get(&format!("{base}/metrics")).await;
    let waitlisted = value(
        &metrics,
        "labcircle_rsvp_changes_total{status=\"waitlisted\"}",
    );
    let withdrawn = value(
        &metrics,
        "labcircle_rsvp_changes_total{status=\"withdrawn\"}",
    );
    let sent = value(
        &metrics,
        "labcircle_deliveries_total{platform=\"console\",outcome=\"sent\"}",
    );
    assert!(
        waitlisted >= rounds as f64 && withdrawn >= rounds as f64,
        "{metrics}"
    );
    assert!(sent >= rounds as f64, "a waitlist notice each: {metrics}");
    stop.store(true, Ordering::SeqCst);
    writer.await.unwrap();
    bot.close_stdin();
    assert!(
        written.load(Ordering::SeqCst) > rows_during,
        "writes went on"
    );

    // A second backup to the same file is refused without --force, and the copy is kept.
    let again = lab.run(&["backup", &copy_arg], "");
    assert!(
        !again.success && again.stderr.contains("--force"),
        "{}",
        again.stderr
    );
    assert!(!again.stderr.contains("panicked"), "{}", again.stderr);

    // The copy is the database as of one moment: a whole prefix of the other connection's
    // rows, no gaps, and every round the bot had finished before the backup began.
    let options = SqliteConnectOptions::new().filename(&copy).read_only(true);
    let mut conn = SqliteConnection::connect_with(&options).await.unwrap();
    let loads: Vec<String> =
        sqlx::query_scalar("SELECT name FROM meta WHERE name LIKE 'load-%' ORDER BY name")
            .fetch_all(&mut conn)
            .await
            .unwrap();
    conn.close().await.unwrap();
    assert!(
        loads.len() as u64 >= rows_before,
        "{} load rows",
        loads.len()
    );
    for (i, name) in loads.iter().enumerate() {
        assert_eq!(name, &format!("load-{i:08}"), "a gap in the copy");
    }
    // The last wait saw round N-2 begin (its `:as` line), so rounds up to N-3 were done.
    let finished = i64::try_from(rounds_before - 3).unwrap();
    let rsvps = count(
        &copy,
        "SELECT count(*) FROM rsvps WHERE user_id LIKE 'load-%'",
    )
    .await;
    assert!(rsvps >= finished, "{rsvps} RSVPs of {finished} rounds");
    let notices = count(
        &copy,
        "SELECT count(*) FROM outbox WHERE user_id LIKE 'load-%'",
    )
    .await;
    assert!(
        notices >= finished,
        "{notices} notices of {finished} rounds"
    );
    // Everything the load did not touch is in the copy as it is in the live database.
    let (after, copied) = (dump(&lab.database()).await, dump(&copy).await);
    assert_eq!(
        after.keys().collect::<Vec<_>>(),
        copied.keys().collect::<Vec<_>>()
    );
    for (table, rows) in &before {
        let copied = &copied[table];
        for row in rows.intersection(&after[table]) {
            assert!(
                copied.contains(row),
                "table {table}: {row} is not in the copy"
            );
        }
    }
    assert_eq!(copied["checkin_answers"], after["checkin_answers"]);

    // Restored into a fresh data directory (migrations run at start), the note key still
    // opens the note and the meetup still has its place taken.
    let fresh = Lab::new();
    std::fs::create_dir_all(fresh.database().parent().unwrap()).unwrap();
    std::fs::copy(&copy, fresh.database()).unwrap();
    let history = fresh.console_at(
        "alice",
        MONDAY_8AM,
        "/checkin history\n:as olga organizer\n/meetup show 1\n",
        &[("LABCIRCLE_NOTE_KEY", KEY)],
    );
    let said = history.messages();
    assert!(said.iter().any(|m| m.contains(NOTE)), "{}", history.stdout);
    assert!(
        said.iter()
            .any(|m| m.contains("Backup night") && m.contains("1 / 1 going")),
        "{}",
        history.stdout
    );
}

#[test]
fn a_backup_to_a_place_that_cannot_take_it_says_why_and_writes_nothing() {
    let lab = Lab::new();
    lab.member("/findgroup histotechnology\n");
    let a_file = lab.file("notes.txt", "not a folder");
    let cases = [
        (
            lab.path().join("no-such-folder").join("copy.db"),
            "does not exist",
        ),
        (a_file.join("copy.db"), "is not a folder"),
        (lab.path().to_owned(), "is a folder"),
        (lab.database(), "the database itself"),
    ];
    for (dest, why) in cases {
        let dest = dest.display().to_string();
        let run = lab.run(&["backup", &dest, "--force"], "");
        assert!(!run.success, "backup to {dest} succeeded");
        assert!(run.stderr.contains(why), "{dest}: {}", run.stderr);
        assert!(
            run.stderr.contains(&dest),
            "names the place: {}",
            run.stderr
        );
    }
    assert_eq!(std::fs::read_to_string(&a_file).unwrap(), "not a folder");
    let listed: Vec<_> = std::fs::read_dir(lab.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(!listed.iter().any(|n| n.contains("partial")), "{listed:?}");
    // The database is untouched: the bot still finds its groups.
    let after = lab.member("/findgroup histotechnology\n");
    assert!(after.success);

    // With no database yet there is nothing to back up, and it says where it looked.
    let empty = Lab::new();
    let copy = empty.path().join("copy.db").display().to_string();
    let run = empty.run(&["backup", &copy], "");
    assert!(!run.success);
    assert!(
        run.stderr.contains("there is no database at"),
        "{}",
        run.stderr
    );
    assert!(!Path::new(&copy).exists());
}

#[test]
fn a_bad_ops_listen_address_stops_the_start_saying_what_is_accepted() {
    let lab = Lab::new();
    for (listen, shown) in [
        ("\"localhost\"", "\"localhost\""),
        ("\"127.0.0.1\"", "\"127.0.0.1\""),
        ("\"127.0.0.1:99999\"", "\"127.0.0.1:99999\""),
        ("9187", "9187"),
    ] {
        let config = lab.file("bad-ops.toml", &format!("[ops]\nlisten = {listen}\n"));
        let config = config.display().to_string();
        let run = lab.run(
            &["--config", &config, "console", "--as", "alice"],
            "/crisis\n",
        );
        assert!(!run.success, "{listen} was taken");
        assert!(run.stderr.contains("ops.listen"), "{}", run.stderr);
        assert!(
            run.stderr.contains("127.0.0.1:9187"),
            "{listen}: {}",
            run.stderr
        );
        assert!(run.stderr.contains(shown), "{listen}: {}", run.stderr);
        assert!(run.stdout.is_empty(), "nothing ran: {}", run.stdout);
    }
    // A port another program holds is named too.
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = taken.local_addr().unwrap();
    let config = lab.file("taken.toml", &format!("[ops]\nlisten = \"{addr}\"\n"));
    let config = config.display().to_string();
    let run = lab.run(
        &["--config", &config, "console", "--as", "alice"],
        "/crisis\n",
    );
    assert!(!run.success);
    assert!(
        run.stderr.contains(&format!("cannot listen on {addr}")),
        "{}",
        run.stderr
    );
}
