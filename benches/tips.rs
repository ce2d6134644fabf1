//! `/tips` through the bot (parse, query, render) on a library of 100,000 tips spread over 20
//! communities and the 13 topics, with helpful votes on a tenth of them; and the store's browse
//! query alone. Prints p50 and p99 per kind of browse (the target: p99 under 2 ms, release).
//!
//! Run: `cargo bench --bench tips` (prints figures; no timing assertions).
//! `LABCIRCLE_BENCH_TIPS=N` sets the library's size (default 100,000).

use std::time::{Duration, Instant};

use labcircle::bot::{Bot, Incoming};
use labcircle::domain::identity::{Actor, CommunityId, Member, Platform, Role, UserId};
use labcircle::domain::reply::Outgoing;
use labcircle::domain::tips::{TipStatus, Topic};
use labcircle::store::{NewTip, Store};

/// A small deterministic generator, so every run measures the same library.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }
}

const WORDS: &[&str] = &[
    "break",
    "bench",
    "shift",
    "sleep",
    "coffee",
    "walk",
    "lead",
    "manager",
    "exam",
    "study",
    "night",
    "backlog",
    "courier",
    "analyzer",
    "rounds",
    "handoff",
    "specimen",
    "label",
    "water",
    "stretch",
    "plan",
    "list",
    "ask",
    "colleague",
    "calm",
    "breathe",
    "boundaries",
];

fn member(n: u64) -> Member {
    Member {
        user: UserId::new(Platform::Console, format!("m{n}")),
        display_name: format!("m{n}"),
    }
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn report(name: &str, mut times: Vec<Duration>) {
    times.sort();
    println!(
        "{name:<44} p50 {:>8.3} ms   p99 {:>8.3} ms   max {:>8.3} ms   ({} runs)",
        percentile(&times, 0.50).as_secs_f64() * 1e3,
        percentile(&times, 0.99).as_secs_f64() * 1e3,
        times.last().map_or(0.0, |d| d.as_secs_f64() * 1e3),
        times.len()
    );
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let size: u64 = std::env::var("LABCIRCLE_BENCH_TIPS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    let store = Store::open_in_memory().await.expect("an in-memory store");
    labcircle::app::seed_tips(&store)
        .await
        .expect("the shipped tips");
    let topics: Vec<Topic> = Topic::all().collect();
    let mut rng = Lcg(7);
    let started = Instant::now();
    let mut ids = Vec::with_capacity(size as usize);
    for n in 0..size {
        let community = format!("console:c{}", rng.next() % 20);
        let topic = topics[(rng.next() as usize) % topics.len()];
        let text: Vec<&str> = (0..12)
            .map(|_| WORDS[(rng.next() as usize) % WORDS.len()])
            .collect();
        let status = if rng.next().is_multiple_of(20) {
            TipStatus::Pending
        } else {
            TipStatus::Live
        };
        let at = 1_700_000_000 + (n as i64) * 60;
        let id = store
            .add_tip_within(
                NewTip {
                    author: &member(n % 5_000),
                    community: &community,
                    topic,
                    text: &text.join(" "),
                    status,
                },
                at,
                u32::MAX,
            )
            .await
            .expect("a tip")
            .expect("no limit");
        ids.push((id, community));
    }
    for (i, (id, community)) in ids.iter().enumerate() {
        if i % 10 == 0 {
            let votes = 1 + rng.next() % 5;
            for v in 0..votes {
                let voter = member(10_000 + v).user;
                store
                    .vote_tip(*id, community, &voter, 1_800_000_000)
                    .await
                    .expect("a vote");
            }
        }
    }
    println!(
        "library: {size} tips in 20 communities, votes on a tenth; built in {:.1} s",
        started.elapsed().as_secs_f64()
    );

    let bot = Bot::new(store.clone());
    // A different member each time: one member's commands per minute are limited.
    let actor = |c: u64, n: u64| Actor {
        member: member(100_000 + n),
        role: Role::Member,
        community: CommunityId {
            platform: Platform::Console,
            id: format!("c{c}"),
        },
    };
    let kinds: &[(&str, &[&str])] = &[
        ("/tips (all topics)", &["/tips"]),
        (
            "/tips TOPIC",
            &[
                "/tips night shift",
                "/tips short staffed",
                "/tips breaks",
                "/tips BOC",
            ],
        ),
        (
            "/tips TOPIC page:3",
            &["/tips sleep page:3", "/tips career page:3"],
        ),
        (
            "/tips WORDS (text search)",
            &["/tips courier handoff", "/tips analyzer"],
        ),
    ];
    const RUNS: usize = 2_000;
    for (name, lines) in kinds {
        let mut times = Vec::with_capacity(RUNS);
        for i in 0..RUNS {
            let line = lines[i % lines.len()];
            let incoming = Incoming::Command {
                actor: actor((i % 20) as u64, i as u64),
                text: line.to_owned(),
            };
            let t = Instant::now();
            let out = bot.handle(incoming).await;
            times.push(t.elapsed());
            if i == 0 {
                let Some(Outgoing::Reply(r)) = out.first() else {
                    panic!("no reply to {line}");
                };
                assert!(
                    r.title.as_deref().is_some_and(|t| t.starts_with("Tips")),
                    "{line}: {r:?}"
                );
            }
        }
        report(&format!("bot, {name}"), times);
    }
    let mut times = Vec::with_capacity(RUNS);
    for i in 0..RUNS {
        let topic = Some(topics[i % topics.len()]);
        let t = Instant::now();
        let found = store
            .browse_tips(&format!("console:c{}", i % 20), topic, &[], 0, 6)
            .await
            .expect("a page");
        times.push(t.elapsed());
        assert!(!found.is_empty());
    }
    report("store only, browse_tips by topic", times);
}
