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
//!
//! The clients: by default a lean HTTP/1.1 client written here on tokio's `TcpStream` (as wrk
//! is lean): it writes each request whole, reads the status line and headers, and reads the
//! body to the last byte its `Content-Length` announces; a request counts only if the status
//! is 200, the length was given (no chunked body), the whole body arrived and it is a whole
//! page (ends with `</html>`). Anything else fails the request and closes its connection (the
//! client opens a new one). `LABCIRCLE_BENCH_HTTP=reqwest` uses reqwest instead, the bench's
//! first client, which takes about as much of a shared two-core machine as the server does.

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
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

    let lean = match std::env::var("LABCIRCLE_BENCH_HTTP").as_deref() {
        Ok("reqwest") => false,
        Ok("lean") | Err(_) => true,
        Ok(other) => panic!("LABCIRCLE_BENCH_HTTP is lean or reqwest, not {other}"),
    };
    let runtime = tokio::runtime::Runtime::new().expect("a runtime");
    let (mut latencies, errors) = if lean {
        runtime.block_on(load_lean(&base, clients, seconds))
    } else {
        runtime.block_on(load(&base, clients, seconds))
    };
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
        "web search, {clients} concurrent {} clients, {seconds} s on {base} ({}{}):",
        if lean { "lean HTTP/1.1" } else { "reqwest" },
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
    gather(tasks).await
}

/// Every client's latencies, and the failures counted.
async fn gather(
    tasks: Vec<tokio::task::JoinHandle<(Vec<Duration>, usize)>>,
) -> (Vec<Duration>, usize) {
    let mut all = Vec::new();
    let mut errors = 0;
    for t in tasks {
        let (times, e) = t.await.expect("a client task");
        all.extend(times);
        errors += e;
    }
    (all, errors)
}

/// As [`load`], with the lean client: each task keeps one connection and sends its next search
/// when the last page has been read to its end.
async fn load_lean(base: &str, clients: usize, seconds: u64) -> (Vec<Duration>, usize) {
    let addr: SocketAddr = base
        .strip_prefix("http://")
        .and_then(|a| a.trim_end_matches('/').parse().ok())
        .expect("the web page's address is http://IP:PORT");
    let start = Instant::now() + Duration::from_secs(1);
    let end = start + Duration::from_secs(seconds);
    let mut tasks = Vec::with_capacity(clients);
    for n in 0..clients {
        tasks.push(tokio::spawn(async move {
            let requests: Vec<Vec<u8>> = SEARCHES
                .iter()
                .map(|path| {
                    format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nAccept: text/html\r\n\r\n")
                        .into_bytes()
                })
                .collect();
            let (mut times, mut errors) = (Vec::new(), 0usize);
            let mut connection: Option<tokio::net::TcpStream> = None;
            let mut buf = Vec::with_capacity(64 * 1024);
            let mut i = n;
            loop {
                let sent = Instant::now();
                if sent >= end {
                    break;
                }
                let request = &requests[i % requests.len()];
                i += 1;
                let ok = match get(&mut connection, addr, request, &mut buf).await {
                    Ok(()) => true,
                    Err(_) => {
                        connection = None;
                        false
                    }
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
    gather(tasks).await
}

/// One request on the kept connection (opened if there is none), read to the last byte of
/// the body; an error unless it is a whole 200 page.
async fn get(
    connection: &mut Option<tokio::net::TcpStream>,
    addr: SocketAddr,
    request: &[u8],
    buf: &mut Vec<u8>,
) -> std::io::Result<()> {
    use std::io::{Error, ErrorKind};
    use tokio::io::AsyncWriteExt;
    let bad = |what: &str| Error::new(ErrorKind::InvalidData, what.to_owned());
    if connection.is_none() {
        let stream = tokio::net::TcpStream::connect(addr).await?;
        stream.set_nodelay(true)?;
        *connection = Some(stream);
    }
    let stream = connection.as_mut().expect("a connection");
    stream.write_all(request).await?;
    buf.clear();
    // The status line and headers.
    let head_end = loop {
        if let Some(at) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break at + 4;
        }
        if buf.len() > 16 * 1024 {
            return Err(bad("headers too long"));
        }
        read_more(stream, buf).await?;
    };
    let head = std::str::from_utf8(&buf[..head_end]).map_err(|_| bad("headers not UTF-8"))?;
    let mut lines = head.split("\r\n");
    if !lines.next().is_some_and(|l| l.starts_with("HTTP/1.1 200 ")) {
        return Err(bad("not 200"));
    }
    let mut length = None;
    for line in lines {
        let Some((name, value)) = line.split_once(':') else {
            continue;
        };
        if name.eq_ignore_ascii_case("content-length") {
            length = value.trim().parse::<usize>().ok();
        } else if name.eq_ignore_ascii_case("transfer-encoding") {
            return Err(bad("chunked body"));
        }
    }
    let length = length.ok_or_else(|| bad("no Content-Length"))?;
    // The body, to its last byte.
    while buf.len() < head_end + length {
        read_more(stream, buf).await?;
    }
    if buf.len() != head_end + length {
        return Err(bad("more bytes than the page"));
    }
    if !buf.trim_ascii_end().ends_with(b"</html>") {
        return Err(bad("not a whole page"));
    }
    Ok(())
}

/// Reads what has arrived onto the end of `buf`; the end of the stream is an error here.
async fn read_more(stream: &mut tokio::net::TcpStream, buf: &mut Vec<u8>) -> std::io::Result<()> {
    use tokio::io::AsyncReadExt;
    if buf.capacity() - buf.len() < 16 * 1024 {
        buf.reserve(64 * 1024);
    }
    if stream.read_buf(buf).await? == 0 {
        return Err(std::io::Error::new(
            std::io::ErrorKind::UnexpectedEof,
            "connection closed",
        ));
    }
    Ok(())
}
