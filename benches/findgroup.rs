//! `/findgroup` through domain and store (parse, query, render) on generated directories of
//! 10,000 and 100,000 entries, the time to import 10,000 entries from a TOML file, and the
//! search index alone (latency, build time, heap) on two 10,000-entry directories: the 39-word
//! one and a realistic one (a Zipf-distributed vocabulary of 20,000 words, 30-word descriptions).
//! The comparison with SQLite FTS5 that kept this index is in docs/PERFORMANCE.md.
//!
//! Run: `cargo bench --bench findgroup` (prints figures; no timing assertions).
//! `LABCIRCLE_BENCH_QUICK=1` runs only the 10,000-entry directory with fewer queries.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use labcircle::bot::{Bot, Incoming};
use labcircle::domain::command::{self, Command, DirectoryCommand};
use labcircle::domain::directory::{Draft, Entry, Field, Raw};
use labcircle::domain::directory_file::{self, FileFormat};
use labcircle::domain::identity::{Actor, CommunityId, Member, Platform, Role, UserId};
use labcircle::domain::reply::Outgoing;
use labcircle::domain::search::{PAGE_SIZE, SearchQuery};
use labcircle::domain::search_index::SearchIndex;
use labcircle::domain::vocab::{Cost, Facilitation, Format, Kind, Specialty, State, Vocab};
use labcircle::store::Store;

/// Counts the bytes live on the heap, to weigh the search index. (SQLite allocates with its
/// own malloc, outside this count.)
struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        LIVE.fetch_add(layout.size(), Ordering::Relaxed);
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        LIVE.fetch_add(new_size, Ordering::Relaxed);
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static HEAP: Counting = Counting;

/// The process's resident memory, from /proc (0 where there is none).
fn rss_bytes() -> usize {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse::<usize>().ok())
        })
        .map_or(0, |kib| kib * 1024)
}

fn mib(bytes: usize) -> String {
    format!("{:.1} MiB", bytes as f64 / (1024.0 * 1024.0))
}

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

/// Today's directory: 12 words an entry from the 39 above, so common words match thousands.
fn generate(n: usize) -> Vec<Entry> {
    directory(n, |rng| {
        (0..12).map(|_| (*rng.pick(WORDS)).to_owned()).collect()
    })
}

/// A realistic directory: 32 words an entry (2 in the name, 30 in the description) drawn from
/// a 20,000-word vocabulary by Zipf's law.
fn generate_realistic(n: usize) -> Vec<Entry> {
    let zipf = Zipf::new();
    directory(n, |rng| {
        (0..32).map(|_| zipf.word(rng).to_owned()).collect()
    })
}

/// Entries around the words `words` draws: name from the first two, description from the
/// rest, tags from the first three.
fn directory(n: usize, mut words: impl FnMut(&mut Lcg) -> Vec<String>) -> Vec<Entry> {
    let mut rng = Lcg(42);
    (0..n)
        .map(|i| {
            let words = words(&mut rng);
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

/// Words ranked by frequency, drawn with probability 1/rank: English function words first,
/// the 39 words above spread from rank 16 to about 4,400 (so queries for them hit hundreds to
/// a handful of entries), made-up words everywhere else.
struct Zipf {
    words: Vec<String>,
    /// Cumulative weights, for drawing by binary search.
    cumulative: Vec<f64>,
}

const VOCABULARY: usize = 20_000;

const FUNCTION_WORDS: &[&str] = &[
    "the", "and", "for", "a", "of", "to", "in", "with", "our", "is", "you", "on", "at", "we",
    "are", "all",
];

const SYLLABLES: &[&str] = &[
    "ka", "lo", "mi", "ne", "ru", "sa", "ti", "vo", "be", "da", "fe", "gi", "ho", "ju", "pe",
    "qua", "re", "so", "tu", "wi",
];

impl Zipf {
    fn new() -> Zipf {
        let mut words: Vec<Option<String>> = vec![None; VOCABULARY];
        for (rank, w) in FUNCTION_WORDS.iter().enumerate() {
            words[rank] = Some((*w).to_owned());
        }
        for (k, w) in WORDS.iter().enumerate() {
            words[FUNCTION_WORDS.len() + 3 * k * k] = Some((*w).to_owned());
        }
        let mut made_up = 0usize;
        let words: Vec<String> = words
            .into_iter()
            .map(|w| {
                w.unwrap_or_else(|| {
                    made_up += 1;
                    let mut n = made_up;
                    let mut word = String::new();
                    for _ in 0..4 {
                        word.push_str(SYLLABLES[n % SYLLABLES.len()]);
                        n /= SYLLABLES.len();
                    }
                    word
                })
            })
            .collect();
        let mut total = 0.0;
        let cumulative = (1..=VOCABULARY)
            .map(|rank| {
                total += 1.0 / rank as f64;
                total
            })
            .collect();
        Zipf { words, cumulative }
    }

    fn word(&self, rng: &mut Lcg) -> &str {
        let total = self.cumulative[VOCABULARY - 1];
        let x = (rng.next() as f64 / (1u64 << 31) as f64) * total;
        let rank = self.cumulative.partition_point(|c| *c < x);
        &self.words[rank.min(VOCABULARY - 1)]
    }
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
    // In the member's own words (issue 11): read for feelings, roles, places and slips first.
    "/findgroup I'm a night shift phlebotomist in Texas and burned out",
    "/findgroup near Chicago",
    "/findgroup talk to someone who gets it",
    "/findgroup histotechnoligist in Portland OR",
    "/findgroup what should I do I'm so overwhelmed",
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
    // The per-member command limit would answer most of these queries with silence.
    let mut settings = labcircle::bot::Settings::default();
    settings.limits.commands_per_minute = 10_000;
    let bot = Bot::with(store.clone(), settings, labcircle::clock::Clock::System);
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
                let Outgoing::Reply(r) = o;
                rendered += r.to_plain_text().len();
            }
            let took = start.elapsed();
            all.push(took);
            per_query[i].push(took);
        }
    }
    all.sort();
    // Silence would mean the bot answered nothing (a limit, an error): not a measurement.
    assert!(rendered > 0, "the bot answered nothing");
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

/// The queries of [`QUERIES`] as the bot reads them: (query, page).
fn parsed_queries() -> Vec<(SearchQuery, u32)> {
    QUERIES
        .iter()
        .map(|line| match command::parse(line) {
            Ok(Command::Directory(DirectoryCommand::FindGroup { query, page })) => (*query, page),
            other => panic!("{line} is a /findgroup command: {other:?}"),
        })
        .collect()
}

/// p50, p99 and max of a sample, in that order.
fn summary(mut times: Vec<Duration>) -> String {
    times.sort();
    format!(
        "p50 {:>8}  p99 {:>8}  max {:>8}",
        micros(percentile(&times, 0.5)),
        micros(percentile(&times, 0.99)),
        micros(*times.last().expect("measured"))
    )
}

/// The search index alone on one directory: one page (5 entries) and the total for each
/// query, as `/findgroup` needs them; the time to load and build it; its heap.
async fn measure_index(name: &str, entries: Vec<Entry>, rounds: usize) {
    let size = entries.len();
    let store = Store::open_in_memory().await.expect("open");
    store.import_groups(&entries).await.expect("import");
    drop(entries);
    let queries = parsed_queries();
    let heap_before = LIVE.load(Ordering::Relaxed);
    let rss_before = rss_bytes();
    let start = Instant::now();
    let index = SearchIndex::build(store.all_groups().await.expect("load"));
    let built = start.elapsed();
    let index_heap = LIVE.load(Ordering::Relaxed).saturating_sub(heap_before);
    let index_rss = rss_bytes().saturating_sub(rss_before);
    let mut all = Vec::new();
    let mut per_query: Vec<Vec<Duration>> = vec![Vec::new(); queries.len()];
    for _ in 0..rounds {
        for (i, (q, page)) in queries.iter().enumerate() {
            let start = Instant::now();
            let found = index.search(q, ((page - 1) * PAGE_SIZE) as usize, PAGE_SIZE as usize);
            std::hint::black_box(found);
            let took = start.elapsed();
            all.push(took);
            per_query[i].push(took);
        }
    }
    println!(
        "search index, {name} directory, {size} entries: {}; load and build {:.0} ms; \
         heap {}, RSS +{}",
        summary(all),
        built.as_secs_f64() * 1e3,
        mib(index_heap),
        mib(index_rss)
    );
    for ((q, (query, page)), times) in QUERIES.iter().zip(&queries).zip(per_query) {
        let total = index
            .search(query, ((page - 1) * PAGE_SIZE) as usize, PAGE_SIZE as usize)
            .total;
        let times = sorted(times);
        println!(
            "    p50 {:>7}  p99 {:>7}  {total:>5} hits  {q}",
            micros(percentile(&times, 0.5)),
            micros(percentile(&times, 0.99)),
        );
    }
    store.close().await;
}

fn sorted(mut times: Vec<Duration>) -> Vec<Duration> {
    times.sort();
    times
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
    measure_index("39-word", generate(10_000), 200).await;
    measure_index("realistic (Zipf)", generate_realistic(10_000), 200).await;
    measure_import(10_000).await;
    measure_search(10_000, if quick { 20 } else { 200 }).await;
    if !quick {
        measure_search(100_000, 50).await;
    }
}
