//! Round trips through a real Synapse on 127.0.0.1: a member's `!findgroup` to the bot's
//! reply as the member sees it, the gap between the two events' server timestamps, and the
//! bot's memory after its first sync.
//!
//! Run: `cargo bench --bench matrix` (starts Synapse with scripts/synapse.sh on /dev/shm
//! unless LABCIRCLE_SYNAPSE_URL and LABCIRCLE_SYNAPSE_CONFIG name a running one).
//! `LABCIRCLE_BENCH_REQUESTS` sets the number of requests per room (default 60).

#![recursion_limit = "256"]

#[path = "../tests/matrix/support.rs"]
mod support;

use std::time::Duration;

use support::{BotAccount, Human};

/// A field of /proc/PID/status, in KiB.
fn status_kib(pid: u32, field: &str) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix(field))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        })
        .unwrap_or(0)
}

/// Resident memory: total, of which anonymous (heap, stacks) and file-backed (the binary's
/// code and data pages), in MiB.
fn rss(pid: u32) -> String {
    let mib = |field| status_kib(pid, field) as f64 / 1024.0;
    format!(
        "{:.1} MiB ({:.1} MiB anonymous, {:.1} MiB file-backed)",
        mib("VmRSS:"),
        mib("RssAnon:"),
        mib("RssFile:")
    )
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i]
}

async fn measure(
    host: &Human,
    bot: &BotAccount,
    room: &matrix_sdk::ruma::RoomId,
    n: usize,
    label: &str,
) {
    let mut round_trips = Vec::new();
    let mut gaps = Vec::new();
    let queries = [
        "burnout",
        "histotechnology",
        "phlebotomy",
        "night shift",
        "OH",
    ];
    for i in 0..n + 5 {
        let mark = host.mark();
        let started = std::time::Instant::now();
        let asked = host
            .say(room, &format!("!findgroup {}", queries[i % queries.len()]))
            .await;
        let reply = host
            .wait_for(mark, "the reply", |s| {
                s.in_reply_to.as_ref() == Some(&asked)
            })
            .await;
        let request = host
            .wait_for(mark, "the request's echo", |s| s.event_id == asked)
            .await;
        if i < 5 {
            continue; // warm-up
        }
        round_trips.push((reply.seen_at - started).as_secs_f64() * 1000.0);
        gaps.push(reply.server_ts as f64 - request.server_ts as f64);
        assert_eq!(reply.sender, bot.user_id());
    }
    round_trips.sort_by(f64::total_cmp);
    gaps.sort_by(f64::total_cmp);
    println!(
        "{label}: {n} requests: round trip median {:.1} ms, p95 {:.1} ms; server-timestamp gap \
         median {:.0} ms, p95 {:.0} ms",
        percentile(&round_trips, 0.5),
        percentile(&round_trips, 0.95),
        percentile(&gaps, 0.5),
        percentile(&gaps, 0.95),
    );
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let n: usize = std::env::var("LABCIRCLE_BENCH_REQUESTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(60);
    let host = Human::new("benchhost").await;
    let bot = BotAccount::new().await;
    let plain_alias = format!("plain{}", host.name);
    let secret_alias = format!("secret{}", host.name);
    let plain = host
        .create_room(&plain_alias, false, &[bot.user_id()])
        .await;
    let secret = host
        .create_room(&secret_alias, true, &[bot.user_id()])
        .await;
    // One member sends every request: without a higher limit most would be refused (the
    // per-member command limit) and the bench would time out waiting for replies.
    let running = bot
        .start_full(
            &[
                (&format!("#{plain_alias}:localhost"), None),
                (&format!("#{secret_alias}:localhost"), None),
            ],
            None,
            &["localhost"],
            "\n[limits]\ncommands_per_minute = 10000\n",
        )
        .ready()
        .await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let after_sync = rss(running.pid());
    measure(&host, &bot, plain.room_id(), n, "unencrypted room").await;
    measure(&host, &bot, secret.room_id(), n, "encrypted room").await;
    let after = rss(running.pid());
    println!("bot RSS after the first sync: {after_sync}");
    println!("bot RSS after {} requests: {after}", 2 * (n + 5));
}
