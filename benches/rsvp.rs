//! 10,000 RSVP events over 100 meetups through domain and store: throughput and latency.
//!
//! Run: `cargo bench --bench rsvp` (prints figures; no timing assertions).

use std::time::{Duration, Instant};

use chrono::{TimeZone, Utc};

use labcircle::bot::{Bot, Incoming, Settings};
use labcircle::clock::Clock;
use labcircle::domain::identity::{Actor, CommunityId, Member, Platform, Role, UserId};
use labcircle::scheduler::{Deliver, Delivery, DeliveryError, Scheduler};
use labcircle::store::Store;

const MEETUPS: usize = 100;
const EVENTS: usize = 10_000;

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

#[tokio::main]
async fn main() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let store = Store::open(&dir.path().join("bench.db"))
        .await
        .expect("open");
    let start = Utc.with_ymd_and_hms(2026, 12, 7, 13, 0, 0).unwrap();
    let settings = Settings::default();
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
    let posts: Vec<String> = (1..=MEETUPS).map(|n| format!("m{n}")).collect();

    // Deterministic mix: 60 % going, 25 % maybe, 15 % can't go; a fifth of them taken back.
    let mut seed: u64 = 7;
    let mut next = || {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        seed >> 33
    };
    let mut times = Vec::with_capacity(EVENTS);
    let began = Instant::now();
    for _ in 0..EVENTS {
        let post = posts[(next() as usize) % MEETUPS].clone();
        let who = format!("u{}", next() % 3000);
        let emoji = match next() % 100 {
            0..60 => "✅",
            60..85 => "🤔",
            _ => "❌",
        };
        let added = next() % 5 != 0;
        let t = Instant::now();
        bot.handle(Incoming::Reaction {
            actor: actor(&who, Role::Member),
            post,
            emoji: emoji.into(),
            added,
        })
        .await;
        times.push(t.elapsed());
    }
    let total = began.elapsed();
    times.sort();
    let pick = |p: f64| times[((times.len() as f64 - 1.0) * p).round() as usize];
    let us = |d: Duration| d.as_secs_f64() * 1e6;
    println!(
        "{EVENTS} RSVP events over {MEETUPS} meetups: {:.0} events per second; p50 {:.0} µs, \
         p99 {:.0} µs, max {:.0} µs",
        EVENTS as f64 / total.as_secs_f64(),
        us(pick(0.5)),
        us(pick(0.99)),
        us(*times.last().expect("measured"))
    );
    store.close().await;
}
