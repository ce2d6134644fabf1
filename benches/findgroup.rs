//! `/findgroup` through domain and store (parse, query, render) on generated directories of
//! 10,000 and 100,000 entries, and the time to import 10,000 entries from a TOML file.
//!
//! Run: `cargo bench --bench findgroup` (prints figures; no timing assertions).
//! `LABCIRCLE_BENCH_QUICK=1` runs only the 10,000-entry directory with fewer queries.

use std::time::{Duration, Instant};

use labcircle::bot::{Bot, Incoming};
use labcircle::domain::directory::{Draft, Entry, Field, Raw};
use labcircle::domain::directory_file::{self, FileFormat};
use labcircle::domain::identity::{Actor, CommunityId, Member, Platform, Role, UserId};
use labcircle::domain::reply::Outgoing;
use labcircle::domain::vocab::{Cost, Facilitation, Format, Kind, Specialty, State, Vocab};
use labcircle::store::Store;

/// A small deterministic generator, so every run measures the same directory.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[(self.next() as usize) % items.len()]
    }
}

const WORDS: &[&str] = &[
    "burnout",
    "night",
    "shift",
    "support",
    "students",
    "mentoring",
    "webinars",
    "chapter",
    "education",
    "wellness",
    "peer",
    "community",
    "leadership",
    "certification",
    "safety",
    "staffing",
    "quality",
    "research",
    "advocacy",
    "career",
    "networking",
    "weekend",
    "rural",
    "hospital",
    "reference",
    "blood",
    "donor",
    "culture",
    "slides",
    "stains",
    "analyzers",
    "coffee",
    "virtual",
    "monthly",
    "weekly",
    "veterans",
    "spanish",
    "newcomers",
    "retirees",
];

fn generate(n: usize) -> Vec<Entry> {
    let mut rng = Lcg(42);
    (0..n)
        .map(|i| {
            let words: Vec<&str> = (0..12).map(|_| *rng.pick(WORDS)).collect();
            let specialty = *rng.pick(Specialty::ALL);
            let mut draft = Draft::new();
            let mut set = |f: Field, v: String| {
                draft.insert(f, Raw::Text(v));
            };
            set(Field::Key, format!("gen-{i}"));
            set(
                Field::Name,
                format!("{} {} {} group {i}", words[0], words[1], specialty.label()),
            );
            set(Field::Kind, rng.pick(Kind::ALL).code().into());
            set(Field::Specialties, specialty.code().into());
            if rng.next() % 10 < 7 {
                set(Field::States, rng.pick(State::ALL).code().into());
            }
            set(Field::Format, rng.pick(Format::ALL).code().into());
            set(Field::Cost, rng.pick(Cost::ALL).code().into());
            set(
                Field::Facilitation,
                rng.pick(Facilitation::ALL).code().into(),
            );
            set(Field::Url, format!("https://example.org/{i}"));
            set(
                Field::Description,
                format!("A group about {}.", words[2..].join(" ")),
            );
            set(Field::Tags, words[..3].join(","));
            Entry::from_draft(&draft).expect("generated entries are valid")
        })
        .collect()
}

const QUERIES: &[&str] = &[
    "/findgroup burnout",
    "/findgroup night shift support",
    "/findgroup histo",
    "/findgroup specialty:histo state:OH",
    "/findgroup specialty:med tech state:new york",
    "/findgroup burnout specialty:phlebotomy",
    "/findgroup peer support format:online",
    "/findgroup kind:crisis_line",
    "/findgroup state:TX",
    "/findgroup webinars page:3",
    "/findgroup students mentoring career specialty:mlt state:CA page:2",
    "/findgroup cost:free format:in_person state:WA",
    "/findgroup coffee slides stains specialty:cyto state:WY",
    "/findgroup zzzznotaword specialty:micro",
    "/findgroup spanish veterans",
    "/findgroup specialty:blood bank state:national",
];

fn actor() -> Actor {
    Actor {
        member: Member {
            user: UserId::new(Platform::Console, "bench"),
            display_name: "bench".into(),
        },
        role: Role::Member,
        community: CommunityId {
            platform: Platform::Console,
            id: "bench".into(),
        },
    }
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[index]
}

fn micros(d: Duration) -> String {
    format!("{:.0} µs", d.as_secs_f64() * 1e6)
}

async fn measure_search(size: usize, rounds: usize) {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let store = Store::open(&dir.path().join("bench.db"))
        .await
        .expect("open");
    store.import_groups(&generate(size)).await.expect("import");
    let bot = Bot::new(store.clone());
    let actor = actor();
    // The first search builds the index from the database (as after any directory change).
    let start = Instant::now();
    bot.handle(Incoming::Command {
        actor: actor.clone(),
        text: QUERIES[0].into(),
    })
    .await;
    println!(
        "first search on {size} entries (loads the directory and builds the index): {:.0} ms",
        start.elapsed().as_secs_f64() * 1e3
    );
    // Warm up caches and prepared statements.
    for q in QUERIES {
        bot.handle(Incoming::Command {
            actor: actor.clone(),
            text: (*q).into(),
        })
        .await;
    }
    let mut all = Vec::new();
    let mut per_query: Vec<Vec<Duration>> = vec![Vec::new(); QUERIES.len()];
    let mut rendered = 0usize;
    for _ in 0..rounds {
        for (i, q) in QUERIES.iter().enumerate() {
            let start = Instant::now();
            let out = bot
                .handle(Incoming::Command {
                    actor: actor.clone(),
                    text: (*q).into(),
                })
                .await;
            for o in &out {
                if let Outgoing::Reply(r) = o {
                    rendered += r.to_plain_text().len();
                }
            }
            let took = start.elapsed();
            all.push(took);
            per_query[i].push(took);
        }
    }
    all.sort();
    println!(
        "findgroup, {size} entries, {} queries: p50 {}, p99 {}, max {} ({} bytes rendered)",
        all.len(),
        micros(percentile(&all, 0.5)),
        micros(percentile(&all, 0.99)),
        micros(*all.last().expect("measured")),
        rendered
    );
    for (q, mut times) in QUERIES.iter().zip(per_query) {
        times.sort();
        println!(
            "    p50 {:>8}  p99 {:>8}  {q}",
            micros(percentile(&times, 0.5)),
            micros(percentile(&times, 0.99))
        );
    }
    store.close().await;
}

async fn measure_import(size: usize) {
    let text = directory_file::write_toml(&generate(size));
    let dir = tempfile::tempdir().expect("a temporary directory");
    let store = Store::open(&dir.path().join("import.db"))
        .await
        .expect("open");
    let start = Instant::now();
    let entries = directory_file::read(&text, FileFormat::Toml).expect("valid file");
    let parsed = start.elapsed();
    let outcome = store.import_groups(&entries).await.expect("import");
    let total = start.elapsed();
    println!(
        "import {size} entries from TOML ({} KiB): {:.0} ms in all ({:.0} ms reading and \
         validating, {:.0} ms writing); {} added",
        text.len() / 1024,
        total.as_secs_f64() * 1e3,
        parsed.as_secs_f64() * 1e3,
        (total - parsed).as_secs_f64() * 1e3,
        outcome.added
    );
    let start = Instant::now();
    let again = store.import_groups(&entries).await.expect("re-import");
    println!(
        "re-import of the same {size} entries: {:.0} ms ({} unchanged)",
        start.elapsed().as_secs_f64() * 1e3,
        again.unchanged
    );
    store.close().await;
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let quick = std::env::var_os("LABCIRCLE_BENCH_QUICK").is_some();
    measure_import(10_000).await;
    measure_search(10_000, if quick { 20 } else { 200 }).await;
    if !quick {
        measure_search(100_000, 50).await;
    }
}
