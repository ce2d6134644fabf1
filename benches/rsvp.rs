//! 10,000 RSVP events over 100 meetups through domain and store: throughput and latency, one
//! event at a time and as a burst handled concurrently (as an adapter delivering a burst of
//! reactions would), which the RSVP writer writes in batches.
//!
//! Run: `cargo bench --bench rsvp` (prints figures; no timing assertions).

use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{TimeZone, Utc};
use tempfile::TempDir;

use labcircle::bot::{Bot, Incoming, Settings};
use labcircle::clock::Clock;
use labcircle::domain::identity::{Actor, CommunityId, Member, Platform, Role, UserId};
use labcircle::scheduler::{Deliver, Delivery, DeliveryError, Scheduler};
use labcircle::store::Store;

const MEETUPS: usize = 100;
const EVENTS: usize = 10_000;
/// Events handled at once in the burst.
const IN_FLIGHT: usize = 256;

fn actor(name: &str, role: Role) -> Actor {
    Actor {
        member: Member {
            user: UserId::new(Platform::Console, name),
            display_name: name.into(),
        },
        role,
        community: CommunityId {
            platform: Platform::Console,
            id: "bench".into(),
        },
    }
}

/// Accepts every delivery and numbers posts like a platform would.
struct Sink(u64);

impl Deliver for Sink {
    async fn deliver(&mut self, _: &Delivery) -> Result<String, DeliveryError> {
        self.0 += 1;
        Ok(format!("m{}", self.0))
    }
}

/// A database (SQLite file, WAL) with 100 meetups announced.
async fn setup() -> (TempDir, Store, Bot) {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let store = Store::open(&dir.path().join("bench.db"))
        .await
        .expect("open");
    let start = Utc.with_ymd_and_hms(2026, 12, 7, 13, 0, 0).unwrap();
    // One organizer creates all 100 meetups within the same minute.
    let mut settings = Settings::default();
    settings.limits.commands_per_minute = 10_000;
    settings.limits.meetups_per_day = 1_000;
    let bot = Bot::with(store.clone(), settings.clone(), Clock::manual(start));
    let scheduler = Scheduler::new(store.clone(), settings);
    for i in 0..MEETUPS {
        let text = format!(
            "/meetup create title:Meetup {i} when:Dec 20 6pm where:Hall capacity:{}",
            20 + i % 50
        );
        bot.handle(Incoming::Command {
            actor: actor("olga", Role::Organizer),
            text,
        })
        .await;
    }
    let mut sink = Sink(0);
    scheduler.tick(start).await.expect("tick");
    scheduler
        .dispatch(start, Platform::Console, &mut sink, 10_000)
        .await
        .expect("dispatch");
    let last = format!("m{MEETUPS}");
    assert!(
        store
            .meetup_for_post("console", &last)
            .await
            .expect("read")
            .is_some(),
        "all {MEETUPS} meetups are announced"
    );
    (dir, store, bot)
}

/// Deterministic mix: 60 % going, 25 % maybe, 15 % can't go; a fifth of them taken back.
fn events() -> Vec<Incoming> {
    let posts: Vec<String> = (1..=MEETUPS).map(|n| format!("m{n}")).collect();
    let mut seed: u64 = 7;
    let mut next = || {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        seed >> 33
    };
    (0..EVENTS)
        .map(|_| {
            let post = posts[(next() as usize) % MEETUPS].clone();
            let who = format!("u{}", next() % 3000);
            let emoji = match next() % 100 {
                0..60 => "✅",
                60..85 => "🤔",
                _ => "❌",
            };
            let added = next() % 5 != 0;
            Incoming::Reaction {
                actor: actor(&who, Role::Member),
                post,
                emoji: emoji.into(),
                added,
            }
        })
        .collect()
}

fn report(what: &str, total: Duration, mut times: Vec<Duration>, bot: &Bot) {
    times.sort();
    let pick = |p: f64| times[((times.len() as f64 - 1.0) * p).round() as usize];
    let us = |d: Duration| d.as_secs_f64() * 1e6;
    let (batches, written) = bot.rsvp_batches();
    println!(
        "{what}: {EVENTS} RSVP events over {MEETUPS} meetups: {:.0} events per second; \
         latency per event p50 {:.0} µs, p99 {:.0} µs, max {:.0} µs; {batches} batches \
         (average {:.1} events)",
        EVENTS as f64 / total.as_secs_f64(),
        us(pick(0.5)),
        us(pick(0.99)),
        us(*times.last().expect("measured")),
        written as f64 / batches.max(1) as f64,
    );
}

// The runtime the bot runs on (src/main.rs): one thread.
#[tokio::main(flavor = "current_thread")]
async fn main() {
    // One event at a time: each waits for the one before (a lone reaction's latency).
    let (_dir, store, bot) = setup().await;
    let mut times = Vec::with_capacity(EVENTS);
    let began = Instant::now();
    for event in events() {
        let t = Instant::now();
        bot.handle(event).await;
        times.push(t.elapsed());
    }
    report("one at a time", began.elapsed(), times, &bot);
    store.close().await;

    // The same events as a burst: each in its own task, at most IN_FLIGHT at once; an event's
    // latency runs from when it is handed to the bot until it is written.
    let (_dir, store, bot) = setup().await;
    let limit = Arc::new(tokio::sync::Semaphore::new(IN_FLIGHT));
    let began = Instant::now();
    let mut tasks = Vec::with_capacity(EVENTS);
    for event in events() {
        let permit = Arc::clone(&limit)
            .acquire_owned()
            .await
            .expect("the semaphore stays open");
        let bot = bot.clone();
        tasks.push(tokio::spawn(async move {
            let t = Instant::now();
            bot.handle(event).await;
            let took = t.elapsed();
            drop(permit);
            took
        }));
    }
    let mut times = Vec::with_capacity(EVENTS);
    for task in tasks {
        times.push(task.await.expect("handled"));
    }
    report(
        &format!("burst, {IN_FLIGHT} in flight"),
        began.elapsed(),
        times,
        &bot,
    );
    store.close().await;
}
