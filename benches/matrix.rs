//! Round trips through a real Synapse on 127.0.0.1, labcircle beside a floor: a minimal
//! matrix-sdk bot (this binary run again in another process) that replies to every `!` message
//! and does nothing else. For each: a member's command to the bot's reply as the member sees
//! it, the gap between the two events' server timestamps, the bot process's CPU time per
//! command (from /proc), and its memory after its first sync and after every request. The
//! two are measured in turns (labcircle, floor, labcircle, ...) so that a busy moment on the
//! machine falls on both, and which of them goes first in a turn alternates. The member's client holds its own sync while it sends each command,
//! so Synapse answers the bot's long poll first, whichever bot it is. To split the gaps into
//! Synapse's part and the bot's, see scripts/matrix-gap.py.
//!
//! Run: `cargo bench --bench matrix` (starts Synapse with scripts/synapse.sh on /dev/shm
//! unless LABCIRCLE_SYNAPSE_URL and LABCIRCLE_SYNAPSE_CONFIG name a running one).
//! `LABCIRCLE_BENCH_REQUESTS` sets the number of requests per room and bot (default 60), in
//! `LABCIRCLE_BENCH_ROUNDS` turns (default 3). `LABCIRCLE_BENCH_TWIN=1` adds a second floor
//! bot, measured in turns with the other two: how far apart two runs of the same bot land in
//! one run of the bench is how much of a difference between labcircle and the floor is noise.

#![recursion_limit = "256"]

#[path = "../tests/matrix/support.rs"]
mod support;

use std::time::Duration;

use matrix_sdk::ruma::OwnedUserId;
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

/// CPU time (user and system) the process has used, in ms. /proc counts in clock ticks,
/// 100 a second on Linux (USER_HZ).
fn cpu_ms(pid: u32) -> f64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    // Fields after the command name (which may hold spaces), from the state (field 3) on.
    let fields: Vec<&str> = stat
        .rsplit_once(')')
        .map(|(_, rest)| rest.split_whitespace().collect())
        .unwrap_or_default();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|v| v.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    (ticks(11) + ticks(12)) * 10.0
}

/// What one bot's requests measured, summed over the turns.
#[derive(Default)]
struct Figures {
    round_trips: Vec<f64>,
    gaps: Vec<f64>,
    cpu_ms: f64,
    requests: usize,
}

/// `n` requests from `host` in `room` to the bot at `pid` (after `warm_up` unmeasured ones).
async fn measure(
    host: &Human,
    bot: &OwnedUserId,
    pid: u32,
    room: &matrix_sdk::ruma::RoomId,
    n: usize,
    warm_up: usize,
    into: &mut Figures,
) {
    let queries = [
        "burnout",
        "histotechnology",
        "phlebotomy",
        "night shift",
        "OH",
    ];
    let mut cpu_before = cpu_ms(pid);
    for i in 0..n + warm_up {
        if i == warm_up {
            cpu_before = cpu_ms(pid);
        }
        // No long poll of the member's is open when the command lands, so Synapse answers
        // the bot's first whichever bot it is (see `Human::stop_syncing`); the member syncs
        // again once its command is in.
        host.stop_syncing().await;
        let mark = host.mark();
        let started = std::time::Instant::now();
        let asked = host
            .say(room, &format!("!findgroup {}", queries[i % queries.len()]))
            .await;
        host.sync_again();
        let reply = host
            .wait_for(mark, "the reply", |s| {
                s.in_reply_to.as_ref() == Some(&asked)
            })
            .await;
        let request = host
            .wait_for(mark, "the request's echo", |s| s.event_id == asked)
            .await;
        assert_eq!(&reply.sender, bot);
        if i < warm_up {
            continue;
        }
        into.round_trips
            .push((reply.seen_at - started).as_secs_f64() * 1000.0);
        into.gaps
            .push(reply.server_ts as f64 - request.server_ts as f64);
    }
    // Let the reply's own processing (its sync, any store writes) be counted too.
    tokio::time::sleep(Duration::from_millis(300)).await;
    into.cpu_ms += cpu_ms(pid) - cpu_before;
    into.requests += n;
}

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    percentile(values, 0.5)
}

fn p95(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    percentile(values, 0.95)
}

/// The floor: logs in, joins the rooms it was invited to, and replies "pong" to every text
/// message starting with `!` from anyone else, until killed. Only what any matrix-sdk bot
/// needs: the same features and SQLite stores as labcircle, lazy-loaded members, the next
/// long poll at once.
async fn floor(spec: &str) {
    use matrix_sdk::config::SyncSettings;
    use matrix_sdk::ruma::api::client::filter::FilterDefinition;
    use matrix_sdk::ruma::events::room::message::{
        AddMentions, ForwardThread, MessageType, OriginalSyncRoomMessageEvent,
        RoomMessageEventContent,
    };
    use matrix_sdk::{Client, Room};

    let mut parts = spec.lines();
    let mut next = || parts.next().expect("url, user, password, store").to_owned();
    let (url, user, password, store) = (next(), next(), next(), next());
    let client = Client::builder()
        .homeserver_url(url)
        .sqlite_store(store, None)
        .build()
        .await
        .expect("a client");
    client
        .matrix_auth()
        .login_username(&user, &password)
        .initial_device_display_name("floor")
        .await
        .expect("logged in");
    let settings = SyncSettings::default().filter(FilterDefinition::with_lazy_loading().into());
    client
        .sync_once(settings.clone())
        .await
        .expect("first sync");
    for room in client.invited_rooms() {
        room.join().await.expect("joined");
    }
    client
        .sync_once(settings.clone())
        .await
        .expect("second sync");
    client.add_event_handler(
        |ev: OriginalSyncRoomMessageEvent, room: Room, client: Client| async move {
            if client.user_id() == Some(&*ev.sender) {
                return;
            }
            let MessageType::Text(text) = &ev.content.msgtype else {
                return;
            };
            if !text.body.starts_with('!') {
                return;
            }
            let reply = RoomMessageEventContent::text_plain("pong").make_reply_to(
                &ev,
                ForwardThread::Yes,
                AddMentions::No,
            );
            if let Err(e) = room.send(reply).await {
                eprintln!("floor: cannot reply: {e}");
            }
        },
    );
    println!("floor: ready");
    let settings = settings.timeout(Duration::from_secs(30));
    loop {
        if client.sync_once(settings.clone()).await.is_err() {
            tokio::time::sleep(Duration::from_secs(1)).await;
        }
    }
}

/// Starts the floor bot as `user` in a process of its own; returns it once it has joined.
fn start_floor(user: &str, store: &std::path::Path) -> std::process::Child {
    use std::io::BufRead as _;
    let spec = format!(
        "{}\n{user}\n{}\n{}",
        support::homeserver().url,
        support::PASSWORD,
        store.display()
    );
    let mut child = std::process::Command::new(std::env::current_exe().expect("this binary"))
        .env(FLOOR, spec)
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("the floor bot starts");
    let out = child.stdout.take().expect("its output");
    let mut lines = std::io::BufReader::new(out).lines();
    loop {
        match lines.next() {
            Some(Ok(line)) if line == "floor: ready" => break,
            Some(Ok(_)) => {}
            _ => panic!("the floor bot stopped before it was ready"),
        }
    }
    child
}

/// Set (to the homeserver, user, password and store directory) when this binary runs as the
/// floor bot.
const FLOOR: &str = "LABCIRCLE_BENCH_FLOOR";

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    if let Ok(spec) = std::env::var(FLOOR) {
        floor(&spec).await;
        return;
    }
    let n: usize = std::env::var("LABCIRCLE_BENCH_REQUESTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(60);
    let rounds: usize = std::env::var("LABCIRCLE_BENCH_ROUNDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(3)
        .clamp(1, n.max(1));
    let host = Human::new("benchhost").await;
    let bot = BotAccount::new().await;
    let floor_name = support::homeserver().register("floor").await;
    let floor_user = support::homeserver().user_id(&floor_name);
    // (label, room alias prefix, account): the bots measured, in the order of each turn.
    let mut bots = vec![
        ("labcircle", "lc", bot.user_id()),
        ("floor", "floor", floor_user.clone()),
    ];
    let twin_name = if std::env::var("LABCIRCLE_BENCH_TWIN").is_ok_and(|v| v == "1") {
        let name = support::homeserver().register("twin").await;
        bots.push(("twin", "twin", support::homeserver().user_id(&name)));
        Some(name)
    } else {
        None
    };
    let mut rooms = Vec::new();
    for (_, who, invite) in &bots {
        for encrypted in [false, true] {
            let alias = format!(
                "{who}{}{}",
                if encrypted { "secret" } else { "plain" },
                host.name
            );
            let room = host
                .create_room(&alias, encrypted, std::slice::from_ref(invite))
                .await;
            rooms.push((*who, encrypted, alias, room.room_id().to_owned()));
        }
    }
    let alias_of = |who: &str, encrypted: bool| {
        rooms
            .iter()
            .find(|r| r.0 == who && r.1 == encrypted)
            .map(|r| (format!("#{}:localhost", r.2), r.3.clone()))
            .expect("made above")
    };
    // One member sends every request: without a higher limit most would be refused (the
    // per-member command limit) and the bench would time out waiting for replies.
    let running = bot
        .start_full(
            &[
                (&alias_of("lc", false).0, None),
                (&alias_of("lc", true).0, None),
            ],
            None,
            &["localhost"],
            "\n[limits]\ncommands_per_minute = 10000\n",
        )
        .ready()
        .await;
    let floor_store = tempfile::tempdir().expect("a directory for the floor's stores");
    let mut floors = vec![start_floor(&floor_name, floor_store.path())];
    let twin_store = tempfile::tempdir().expect("a directory for the twin's stores");
    if let Some(name) = &twin_name {
        floors.push(start_floor(name, twin_store.path()));
    }
    // The member's client must see each bot in its rooms before it writes there (an encrypted
    // message goes to the devices of those it knows are in the room).
    for (_, who, user) in &bots {
        for encrypted in [false, true] {
            let room = alias_of(who, encrypted).1;
            let deadline = std::time::Instant::now() + Duration::from_secs(60);
            loop {
                let joined = match host.client.get_room(&room) {
                    Some(r) => r
                        .get_member_no_sync(user)
                        .await
                        .ok()
                        .flatten()
                        .is_some_and(|m| {
                            *m.membership()
                                == matrix_sdk::ruma::events::room::member::MembershipState::Join
                        }),
                    None => false,
                };
                if joined {
                    break;
                }
                assert!(
                    std::time::Instant::now() < deadline,
                    "{user} never joined {room}"
                );
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        }
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    let pids: Vec<(&str, u32)> = bots
        .iter()
        .map(|b| b.0)
        .zip(std::iter::once(running.pid()).chain(floors.iter().map(|f| f.id())))
        .collect();
    let idle: Vec<String> = pids.iter().map(|(_, pid)| rss(*pid)).collect();

    // figures[bot][encrypted]
    let mut figures: Vec<[Figures; 2]> = bots.iter().map(|_| Default::default()).collect();
    let per_round = n / rounds;
    for round in 0..rounds {
        let warm_up = if round == 0 { 5 } else { 0 };
        let count = if round + 1 == rounds {
            n - per_round * (rounds - 1)
        } else {
            per_round
        };
        for encrypted in [false, true] {
            // Who goes first moves round by round: a bot measured right after another lands
            // on a Synapse in another state (caches, its own queue) than the first one does.
            for k in 0..bots.len() {
                let b = (k + round) % bots.len();
                let (_, who, user) = &bots[b];
                let room = alias_of(who, encrypted).1;
                let pid = pids[b].1;
                let into = &mut figures[b][usize::from(encrypted)];
                measure(&host, user, pid, &room, count, warm_up, into).await;
            }
        }
    }
    let after: Vec<String> = pids.iter().map(|(_, pid)| rss(*pid)).collect();
    for mut floor in floors {
        let _ = floor.kill();
        let _ = floor.wait();
    }

    let order: Vec<&str> = bots.iter().map(|b| b.0).collect();
    println!(
        "{n} requests per room and bot, in {rounds} turns each ({}, who goes first moving \
         round by round):",
        order.join(", ")
    );
    for (b, (name, _)) in pids.iter().enumerate() {
        for encrypted in [false, true] {
            let f = &mut figures[b][usize::from(encrypted)];
            println!(
                "{name:>9}, {} room: server-timestamp gap median {:.1} ms, p95 {:.1} ms; \
                 round trip median {:.1} ms, p95 {:.1} ms; CPU {:.1} ms per command",
                if encrypted {
                    "encrypted"
                } else {
                    "unencrypted"
                },
                median(&mut f.gaps),
                p95(&mut f.gaps),
                median(&mut f.round_trips),
                p95(&mut f.round_trips),
                f.cpu_ms / f.requests.max(1) as f64,
            );
        }
    }
    for (b, (name, _)) in pids.iter().enumerate() {
        println!("{name:>9} RSS after its first sync: {}", idle[b]);
        println!("{name:>9} RSS after {} requests: {}", 2 * (n + 5), after[b]);
    }
    println!(
        "labcircle code layout (build.rs): {}",
        layout(&support::process::binary())
    );
}

/// Whether the bot's binary is laid out as build.rs asks: how many of the listed functions it
/// holds, and whether they lie in the list's order. Only the lean Matrix-only build is laid
/// out; a list made with another Rust or other dependency versions finds few of its names,
/// and the binary takes its old memory again (scripts/text-order/run.sh makes it again).
fn layout(binary: &std::path::Path) -> String {
    let listed = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/linker/matrix-lean.order"
    ))
    .unwrap_or_default();
    let total = listed.lines().count();
    if total == 0 {
        return "not known (no linker/matrix-lean.order)".to_owned();
    }
    let symbols = match std::process::Command::new("nm")
        .arg("--defined-only")
        .arg(binary)
        .output()
    {
        Ok(out) if out.status.success() => String::from_utf8_lossy(&out.stdout).into_owned(),
        _ => return "not known (nm could not read the binary)".to_owned(),
    };
    let address: std::collections::HashMap<&str, u64> = symbols
        .lines()
        .filter_map(|l| {
            let mut parts = l.split(' ');
            let at = u64::from_str_radix(parts.next()?, 16).ok()?;
            Some((parts.next_back()?, at))
        })
        .collect();
    let found: Vec<u64> = listed
        .lines()
        .filter_map(|n| address.get(n).copied())
        .collect();
    // In a binary linked with the list, each function follows the one listed before it.
    let in_order = found.windows(2).filter(|w| w[0] < w[1]).count();
    let laid_out = found.len() * 10 >= total * 9 && in_order * 10 >= found.len() * 9;
    format!(
        "{} of the {total} listed functions are in this binary, {in_order} in the list's order: {}",
        found.len(),
        if laid_out {
            "laid out"
        } else {
            "not laid out (another build, LABCIRCLE_TEXT_ORDER=0, or a stale list: \
             scripts/text-order/run.sh)"
        }
    )
}
