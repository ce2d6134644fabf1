//! One scheduler pass over 100,000 opted-in members all due in the same minute: the time to
//! find and enqueue every prompt, and the process's peak memory.
//!
//! Run: `cargo bench --bench scheduler` (prints figures; no timing assertions).

use std::time::Instant;

use chrono::{Duration, TimeZone, Utc};

use labcircle::bot::Settings;
use labcircle::domain::identity::{Member, Platform, UserId};
use labcircle::scheduler::Scheduler;
use labcircle::store::{ScheduleRow, Store};

const MEMBERS: usize = 100_000;

/// Peak and current resident memory of this process, in MiB (Linux).
fn memory() -> (f64, f64) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|kb| kb.parse::<f64>().ok())
            .map_or(f64::NAN, |kb| kb / 1024.0)
    };
    (field("VmHWM:"), field("VmRSS:"))
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let store = Store::open(&dir.path().join("bench.db"))
        .await
        .expect("open");
    // Monday 2026-12-07 14:00 UTC is 09:00 in New York: everyone is due in that minute.
    let due = Utc.with_ymd_and_hms(2026, 12, 7, 14, 0, 0).unwrap();
    let setup = Instant::now();
    for i in 0..MEMBERS {
        let row = ScheduleRow {
            member: Member {
                user: UserId::new(
                    Platform::Discord,
                    format!("{}", 100_000_000_000u64 + i as u64),
                ),
                display_name: format!("member{i}"),
            },
            community: "discord:1".into(),
            weekday: 0,
            local_time: "09:00".into(),
            timezone: "America/New_York".into(),
            quiet: None,
            paused_until: None,
            next_due_at: due.timestamp() + (i % 60) as i64,
        };
        store
            .save_schedule(&row, due.timestamp() - 86_400)
            .await
            .expect("save");
    }
    let (peak_before, _) = memory();
    println!(
        "set up {MEMBERS} opted-in members in {:.1} s (peak RSS so far {peak_before:.0} MiB)",
        setup.elapsed().as_secs_f64()
    );

    let scheduler = Scheduler::new(store.clone(), Settings::default());
    let now = due + Duration::seconds(59);
    let start = Instant::now();
    let report = scheduler.tick(now).await.expect("tick");
    let took = start.elapsed();
    let (peak, rss) = memory();
    println!(
        "one scheduler pass: {} prompts enqueued in {:.2} s ({:.0} per second); peak RSS {peak:.0} MiB, RSS now {rss:.0} MiB",
        report.enqueued,
        took.as_secs_f64(),
        report.enqueued as f64 / took.as_secs_f64(),
    );
    assert_eq!(report.enqueued, MEMBERS, "everyone due was enqueued");
    let start = Instant::now();
    let again = scheduler.tick(now).await.expect("tick");
    println!(
        "a second pass in the same minute: {} enqueued in {:.0} ms (nothing twice)",
        again.enqueued,
        start.elapsed().as_secs_f64() * 1e3
    );
    store.close().await;
}
