//! Running the bot: the console for one person at a terminal, or every configured chat
//! adapter on one [`Runtime`] until a stop signal. Starting, signals and shutdown live here;
//! the command line only parses arguments.
//!
//! Shutdown is one [`CancellationToken`]: Ctrl-C or SIGTERM cancels it, and so does an adapter
//! that fails (one platform down stops the others, so a supervisor restarts the whole bot
//! rather than leave it half connected). A [`TaskTracker`] waits for every adapter to finish
//! what it has in flight, for a few seconds at most: the process ends within 5 s of a signal,
//! at any moment of start-up too, even against a server that never answers.

use std::io::IsTerminal;
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use anyhow::Context as _;
use chrono::{DateTime, Utc};
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

use crate::adapters::console::{Console, ConsoleUser};
use crate::app;
use crate::bot::{Bot, Settings};
use crate::clock::Clock;
use crate::config::Config;
use crate::logging::Redacted;
use crate::runtime::Runtime;
use crate::scheduler::Scheduler;

/// How long, once stopping, adapters have to finish what they have in flight; with
/// [`CLOSE`], the process ends within 5 s of a stop signal whatever a server does.
const DRAIN: Duration = Duration::from_secs(3);
/// How long closing the database may take after the drain.
const CLOSE: Duration = Duration::from_secs(1);

/// Opens the store and builds the runtime on the configured (or a manual, from `start`) clock.
async fn runtime(
    config: &Config,
    start: Option<DateTime<Utc>>,
) -> anyhow::Result<(Runtime, crate::store::Store, std::path::PathBuf)> {
    let (store, path) = app::open_store(config).await?;
    let clock = start.map_or(Clock::System, Clock::manual);
    let settings = Settings::from_config(config)?;
    let moderators = config.directory.moderators_summary();
    if settings.moderators.is_empty() {
        tracing::warn!("directory moderators: {moderators}");
    } else {
        tracing::info!("directory moderators: {moderators}");
    }
    if settings.note_key.is_none() {
        // Members are told plainly that notes are turned off; the operator learns why.
        tracing::warn!(
            "check-in notes are turned off: no note key is set (checkins.note_key or \
             LABCIRCLE_NOTE_KEY); members' notes are not kept"
        );
    }
    let bot = Bot::with(store.clone(), settings.clone(), clock);
    let runtime = Runtime::new(bot, Scheduler::new(store.clone(), settings));
    Ok((runtime, store, path))
}

/// `labcircle console`: one member at a time, on standard input and output.
pub async fn console(
    config: &Config,
    user: ConsoleUser,
    start: Option<DateTime<Utc>>,
) -> anyhow::Result<ExitCode> {
    let (runtime, store, path) = runtime(config, start).await?;
    let interactive = std::io::stdin().is_terminal();
    let moderator = config
        .directory
        .moderators
        .contains(&format!("console:{}", user.name));
    eprintln!(
        "labcircle console: acting as {} ({}{}); database {}",
        user.name,
        user.role,
        if moderator {
            ", directory moderator"
        } else {
            ""
        },
        path.display()
    );
    if interactive {
        eprintln!("Type /help for commands, /crisis for support lines, :quit to leave.");
    }
    // The console is connected for as long as it runs.
    runtime.health().up("console");
    let ops_stop = CancellationToken::new();
    let ops = start_ops(config, &runtime, &ops_stop).await?;
    let files = config.data_dir().join("files");
    let mut console = Console::new(runtime, std::io::stdout().lock(), user).files_in(files);
    let stdin = tokio::io::BufReader::new(tokio::io::stdin());
    let result = console.run(stdin, interactive).await;
    stop_ops(ops_stop, ops).await;
    store.close().await;
    result.map(|()| ExitCode::SUCCESS)
}

/// The chat platforms this binary was built with (cargo features `discord` and `matrix`).
const BUILT: [(&str, bool); 2] = [
    ("discord", cfg!(feature = "discord")),
    ("matrix", cfg!(feature = "matrix")),
];

/// Refuses a config with a section for a chat platform this binary was built without
/// (`labcircle run` and `labcircle config check`), saying which feature to build with.
pub fn platforms_built(config: &Config) -> anyhow::Result<()> {
    left_out_platforms(config.discord.is_some(), config.matrix.is_some(), BUILT)
}

/// Refuses a config that names a platform this build left out, saying how to build one with
/// every platform the config names.
fn left_out_platforms(discord: bool, matrix: bool, built: [(&str, bool); 2]) -> anyhow::Result<()> {
    let wanted: Vec<&str> = [("discord", discord), ("matrix", matrix)]
        .into_iter()
        .filter_map(|(name, on)| on.then_some(name))
        .collect();
    let is_built = |name: &str| built.iter().any(|(b, on)| *b == name && *on);
    let missing: Vec<&str> = wanted.iter().copied().filter(|w| !is_built(w)).collect();
    if missing.is_empty() {
        return Ok(());
    }
    let sections = missing
        .iter()
        .map(|m| format!("[{m}]"))
        .collect::<Vec<_>>()
        .join(" and ");
    let (a, section) = match missing.len() {
        1 => ("a ", "section"),
        _ => ("", "sections"),
    };
    anyhow::bail!(
        "the config has {a}{sections} {section}, but this labcircle was built without {}: build \
         it with `--features {}` (the default features serve every platform), or remove the \
         {section}",
        missing.join(" and "),
        wanted.join(",")
    )
}

/// `labcircle run`: every configured chat adapter on one runtime, until Ctrl-C or SIGTERM, or
/// until every adapter has ended.
pub async fn serve(config: &Config, start: Option<DateTime<Utc>>) -> anyhow::Result<ExitCode> {
    let discord = config.discord.clone();
    let matrix = config.matrix.clone();
    let web = config.web.clone();
    if discord.is_none() && matrix.is_none() && web.is_none() {
        anyhow::bail!(
            "nothing to serve: add a [matrix], [discord] or [web] section to the config file \
             (see config.example.toml), or use `labcircle console` to try the bot locally"
        );
    }
    platforms_built(config)?;
    if let Some(d) = &discord {
        d.require_token()?;
    }
    // Signals are listened for before anything slow starts: a stop while the database opens
    // or an adapter connects is a clean stop, not the default action (killed, exit 143).
    let stop = CancellationToken::new();
    let signal = stop_signal().context("cannot listen for Ctrl-C and SIGTERM")?;
    {
        let stop = stop.clone();
        tokio::spawn(async move {
            tokio::select! {
                () = signal => {
                    eprintln!("labcircle: stopping");
                    tracing::info!("stopping on a signal");
                    stop.cancel();
                }
                () = stop.cancelled() => {}
            }
        });
    }
    let (runtime, store, path) = tokio::select! {
        opened = runtime(config, start) => opened?,
        () = stop.cancelled() => return Ok(ExitCode::SUCCESS),
    };
    eprintln!("labcircle: serving; database {}", path.display());
    // Down until each says it is connected, so /healthz is honest from the first request.
    for (name, on) in [("discord", discord.is_some()), ("matrix", matrix.is_some())] {
        if on {
            runtime.health().expect(name);
        }
    }
    let ops_stop = stop.child_token();
    let ops = start_ops(config, &runtime, &ops_stop).await?;

    let link_moderators = match config.directory.check_links {
        true => Some(crate::link_check::moderator_members(config)?),
        false => None,
    };
    let adapters = TaskTracker::new();
    let failed = Arc::new(AtomicBool::new(false));
    if let Some(w) = web {
        // Bound before anything else is started: an address in use stops the start at once.
        let listener = crate::web::bind(&w).await?;
        let address = listener.local_addr().context("the web page's address")?;
        tracing::info!(%address, "web page serving");
        println!("web: serving http://{address}");
        let (bot, token) = (runtime.bot().clone(), stop.clone());
        supervise(&adapters, "web", &stop, &failed, async move {
            crate::web::serve(listener, bot, &w, token).await
        });
    }
    #[cfg(feature = "discord")]
    if let Some(d) = discord {
        let (runtime, token) = (runtime.clone(), stop.clone());
        supervise(&adapters, "discord", &stop, &failed, async move {
            crate::adapters::discord::run(runtime, d, token).await
        });
    }
    #[cfg(feature = "matrix")]
    if let Some(m) = matrix {
        let (runtime, token) = (runtime.clone(), stop.clone());
        let data_dir = config.data_dir();
        supervise(&adapters, "matrix", &stop, &failed, async move {
            let ready = |me: &str| println!("matrix: ready as {me}");
            crate::adapters::matrix::run(runtime, m, &data_dir, token, ready).await
        });
    }
    adapters.close();
    // The monthly link check: its own token, so it stops when the adapters do.
    let links_stop = stop.child_token();
    let links = if let Some(moderators) = link_moderators {
        let (store, token) = (store.clone(), links_stop.clone());
        Some(tokio::spawn(crate::link_check::monthly(
            store, moderators, token,
        )))
    } else {
        None
    };
    if start.is_some() {
        let runtime = runtime.clone();
        // Not tracked: it reads standard input until the process ends.
        tokio::spawn(async move {
            runtime.control_loop(stdin_lines()).await;
        });
    }
    tokio::select! {
        () = adapters.wait() => {}
        () = stop.cancelled() => {}
    }
    // Adapters finish what they have in flight, but a server that never answers does not hold
    // the process: what is left after the drain is dropped (an outbox delivery not recorded
    // as sent is sent again at the next start, with the same idempotency key).
    if tokio::time::timeout(DRAIN, adapters.wait()).await.is_err() {
        eprintln!("labcircle: an adapter had not stopped after {DRAIN:?}; stopping without it");
    }
    links_stop.cancel();
    if let Some(links) = links {
        let _ = tokio::time::timeout(DRAIN, links).await;
    }
    stop_ops(ops_stop, ops).await;
    if tokio::time::timeout(CLOSE, store.close()).await.is_err() {
        tracing::warn!("the database was still busy at shutdown; closing without waiting");
    }
    Ok(if failed.load(Ordering::SeqCst) {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

/// Starts `/healthz` and `/metrics` when `[ops]` is configured, until `stop` is cancelled.
async fn start_ops(
    config: &Config,
    runtime: &Runtime,
    stop: &CancellationToken,
) -> anyhow::Result<Option<tokio::task::JoinHandle<()>>> {
    let Some(ops) = &config.ops else {
        return Ok(None);
    };
    let state = crate::ops::State::of(runtime);
    crate::ops::start(ops.listen, state, stop.clone())
        .await
        .map(Some)
}

/// Stops the endpoints, waiting for an answer in flight for [`CLOSE`] at most.
async fn stop_ops(stop: CancellationToken, ops: Option<tokio::task::JoinHandle<()>>) {
    stop.cancel();
    if let Some(ops) = ops {
        let _ = tokio::time::timeout(CLOSE, ops).await;
    }
}

/// Runs one adapter as a tracked task. If it fails or panics, `failed` is set and `stop`
/// cancelled, so the others stop too.
fn supervise(
    tracker: &TaskTracker,
    name: &'static str,
    stop: &CancellationToken,
    failed: &Arc<AtomicBool>,
    adapter: impl Future<Output = anyhow::Result<()>> + Send + 'static,
) {
    let (stop, failed) = (stop.clone(), failed.clone());
    tracker.spawn(async move {
        // Its own task, so that a panic inside ends up here as an error, not unnoticed.
        let problem = match tokio::spawn(adapter).await {
            Ok(Ok(())) => {
                eprintln!("labcircle: {name} stopped");
                return;
            }
            Ok(Err(e)) => format!("labcircle: {name}: {:#}", Redacted(&e)),
            Err(e) => format!("labcircle: the {name} adapter crashed: {e}"),
        };
        eprintln!("{problem}");
        failed.store(true, Ordering::SeqCst);
        stop.cancel();
    });
}

/// Standard input read on a plain thread: tokio's stdin reads on its blocking pool, and a read
/// that never returns would keep the runtime from shutting down after a stop signal.
fn stdin_lines() -> tokio::io::BufReader<tokio::io::DuplexStream> {
    use tokio::io::AsyncWriteExt;
    let (mut writer, reader) = tokio::io::duplex(64 * 1024);
    let handle = tokio::runtime::Handle::current();
    std::thread::spawn(move || {
        use std::io::BufRead;
        for line in std::io::stdin().lock().lines() {
            let Ok(mut line) = line else { break };
            line.push('\n');
            if handle.block_on(writer.write_all(line.as_bytes())).is_err() {
                break;
            }
        }
    });
    tokio::io::BufReader::new(reader)
}

/// Ctrl-C, or SIGTERM on Unix, listened for from the moment this returns (tokio's `ctrl_c`
/// would start listening only when first polled).
#[cfg(unix)]
fn stop_signal() -> std::io::Result<impl Future<Output = ()> + Send + 'static> {
    use tokio::signal::unix::{SignalKind, signal};
    let mut interrupt = signal(SignalKind::interrupt())?;
    let mut terminate = signal(SignalKind::terminate())?;
    Ok(async move {
        tokio::select! {
            _ = interrupt.recv() => {}
            _ = terminate.recv() => {}
        }
    })
}

/// Ctrl-C.
#[cfg(not(unix))]
fn stop_signal() -> std::io::Result<impl Future<Output = ()> + Send + 'static> {
    Ok(async {
        let _ = tokio::signal::ctrl_c().await;
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_config_naming_a_platform_the_build_left_out_is_refused_with_how_to_build_it() {
        let matrix_only = [("discord", false), ("matrix", true)];
        let err = left_out_platforms(true, true, matrix_only)
            .expect_err("a [discord] section in a Matrix-only build")
            .to_string();
        assert!(err.contains("has a [discord] section,"), "{err}");
        assert!(err.contains("built without discord:"), "{err}");
        // Every platform the config names, so a rebuild does not drop the one that worked.
        assert!(err.contains("--features discord,matrix`"), "{err}");
        let err = left_out_platforms(true, false, matrix_only)
            .unwrap_err()
            .to_string();
        assert!(err.contains("--features discord`"), "{err}");
        assert!(!err.contains("[matrix]"), "{err}");
        assert!(left_out_platforms(false, true, matrix_only).is_ok());

        let neither = [("discord", false), ("matrix", false)];
        let err = left_out_platforms(true, true, neither)
            .unwrap_err()
            .to_string();
        assert!(err.contains("[discord] and [matrix] sections"), "{err}");
        assert!(err.contains("--features discord,matrix"), "{err}");
        assert!(left_out_platforms(false, false, neither).is_ok());
        // The default build serves both.
        assert!(left_out_platforms(true, true, BUILT).is_ok());
    }
}
