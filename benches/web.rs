//! The public directory web page under load: the real `labcircle run` binary (this build, or
//! `LABCIRCLE_BOT_BIN`) serving `[web]` on 127.0.0.1 over the shipped directory, and 200
//! concurrent clients, each on its own kept-alive connection, searching in turn with a mix of
//! words and filters for a bounded time. Prints requests per second and the latency
//! percentiles of whole requests (send to last byte of the page); the target is p99 < 20 ms
//! in release.
//!
//! Run: `cargo bench --bench web` (about 15 seconds). `LABCIRCLE_BENCH_SECONDS` changes the
//! measured time (default 10), `LABCIRCLE_BENCH_CLIENTS` the number of clients (default 200),
//! `LABCIRCLE_BENCH_PAGE_CACHE` the server's `[web] page_cache` (0: no result page kept).
//! Clients and server share the machine's cores.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// What visitors search for: words as people type them, filters, both.
const SEARCHES: &[&str] = &[
    "/?q=night+shift+phlebotomist+in+Texas",
    "/?q=burned+out",
    "/?q=histotech&state=OH",
    "/?specialty=microbiology",
    "/?q=someone+to+talk+to&format=online",
    "/?kind=peer_support",
    "/?q=MLT+students+near+Chicago",
    "/?q=lab+manager+short+staffed&kind=association",
    "/?state=CA&specialty=mls",
    "/?q=burnot+blood+bank",
];

fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn main() {
    let seconds = env_number("LABCIRCLE_BENCH_SECONDS", 10);
    let clients = env_number("LABCIRCLE_BENCH_CLIENTS", 200) as usize;
    let home = tempfile::tempdir().expect("a temporary directory");
    let config = home.path().join("labcircle.toml");
    // `LABCIRCLE_BENCH_PAGE_CACHE=0` measures every search understood, ranked and rendered.
    let page_cache = std::env::var("LABCIRCLE_BENCH_PAGE_CACHE")
        .map(|n| format!("page_cache = {n}\n"))
        .unwrap_or_default();
    std::fs::write(
        &config,
        format!(
            "[storage]\ndata_dir = \"{}\"\n[web]\nlisten = \"127.0.0.1:0\"\n{page_cache}",
            home.path().join("data").display()
        ),
    )
    .expect("write the config");
    let bin = std::env::var_os("LABCIRCLE_BOT_BIN")
        .unwrap_or_else(|| env!("CARGO_BIN_EXE_labcircle").into());
    let mut child = Command::new(&bin)
        .arg("--config")
        .arg(&config)
        .arg("run")
        .env("LABCIRCLE_LOG", "error")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start labcircle run");
    let stdout = child.stdout.take().expect("its output");
    let base = BufReader::new(stdout)
        .lines()
        .map_while(Result::ok)
        .find_map(|l| l.strip_prefix("web: serving ").map(str::to_owned))
        .expect("the web page's address");

    let runtime = tokio::runtime::Runtime::new().expect("a runtime");
    let (mut latencies, errors) = runtime.block_on(load(&base, clients, seconds));
    let _ = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status();
    let _ = child.wait();

    latencies.sort_unstable();
    let pct = |p: f64| {
        let i = ((latencies.len() as f64 * p).ceil() as usize).clamp(1, latencies.len()) - 1;
        latencies[i]
    };
    println!(
        "web search, {clients} concurrent clients, {seconds} s on {base} ({}{}):",
        bin.to_string_lossy(),
        if page_cache.is_empty() { "" } else { ", " }.to_owned() + page_cache.trim()
    );
    println!(
        "  {} requests ({:.0}/s), {errors} failed; p50 {:.2} ms, p90 {:.2} ms, p99 {:.2} ms, \
         max {:.2} ms",
        latencies.len(),
        latencies.len() as f64 / seconds as f64,
        ms(pct(0.50)),
        ms(pct(0.90)),
        ms(pct(0.99)),
        ms(pct(1.0)),
    );
    let p99 = ms(pct(0.99));
    println!(
        "  p99 {} the 20 ms target",
        if p99 < 20.0 { "is within" } else { "MISSES" }
    );
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// `clients` tasks searching until `seconds` have passed (after a one-second warm-up that is
/// not counted); each request's latency, and how many failed.
async fn load(base: &str, clients: usize, seconds: u64) -> (Vec<Duration>, usize) {
    let start = Instant::now() + Duration::from_secs(1);
    let end = start + Duration::from_secs(seconds);
    let mut tasks = Vec::with_capacity(clients);
    for n in 0..clients {
        let base = base.to_owned();
        tasks.push(tokio::spawn(async move {
            let http = reqwest::Client::builder()
                .no_proxy()
                .pool_max_idle_per_host(1)
                .build()
                .expect("an HTTP client");
            let (mut times, mut errors) = (Vec::new(), 0usize);
            let mut i = n;
            loop {
                let sent = Instant::now();
                if sent >= end {
                    break;
                }
                let url = format!("{base}{}", SEARCHES[i % SEARCHES.len()]);
                i += 1;
                let ok = match http.get(&url).send().await {
                    Ok(r) if r.status().is_success() => r.bytes().await.is_ok(),
                    _ => false,
                };
                if sent >= start {
                    if ok {
                        times.push(sent.elapsed());
                    } else {
                        errors += 1;
                    }
                }
            }
            (times, errors)
        }));
    }
    let mut all = Vec::new();
    let mut errors = 0;
    for t in tasks {
        let (times, e) = t.await.expect("a client task");
        all.extend(times);
        errors += e;
    }
    (all, errors)
}
