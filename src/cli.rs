//! Command-line interface.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::{Parser, Subcommand, ValueEnum};

use labcircle::adapters::console::{Console, ConsoleUser};
use labcircle::app;
use labcircle::bot::{Bot, Settings};
use labcircle::clock::Clock;
use labcircle::config::{Config, ENV_DATA_DIR};
use labcircle::domain::directory_file::{self, FileFormat};
use labcircle::domain::identity::Role;
use labcircle::scheduler::Scheduler;

/// labcircle: a circle of support (directory of support groups, crisis lines) for US clinical-lab
/// professionals, in the chat communities they already use.
///
/// With no command, starts the console adapter on the local database.
#[derive(Debug, Parser)]
#[command(version, about)]
struct Cli {
    /// Config file (TOML); see config.example.toml. Without one, defaults apply.
    #[arg(long, global = true, env = "LABCIRCLE_CONFIG", value_name = "FILE")]
    config: Option<PathBuf>,
    /// Directory for the database (overrides the config file).
    #[arg(long, global = true, env = ENV_DATA_DIR, value_name = "DIR")]
    data_dir: Option<PathBuf>,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Talk to the bot on this terminal, as one member (scripts can pipe commands in).
    ///
    /// Without --as, you are "you", the admin of your own console. With --as NAME, you act as
    /// that member, with the role member unless --role says otherwise.
    Console {
        /// The member to act as.
        #[arg(long = "as", value_name = "NAME")]
        name: Option<String>,
        /// Their role in the console community.
        #[arg(long, value_enum)]
        role: Option<RoleArg>,
        /// Run on a simulated clock starting at this instant (RFC 3339, e.g.
        /// 2026-12-07T08:00:00-05:00); `:advance 2h` moves it.
        #[arg(long, value_name = "TIME", value_parser = parse_instant)]
        clock: Option<chrono::DateTime<chrono::Utc>>,
    },
    /// Serve the chat platforms configured in the config file ([discord], …) until Ctrl-C.
    Run {
        /// Run on a simulated clock starting at this instant (RFC 3339); `:advance 2h` lines on
        /// standard input move it (for tests and demos).
        #[arg(long, value_name = "TIME", value_parser = parse_instant)]
        clock: Option<chrono::DateTime<chrono::Utc>>,
    },
    /// Show the delivery outbox: what waits, what was sent, what failed for good and why.
    Status,
    /// Import or export the support-group directory.
    Directory {
        #[command(subcommand)]
        action: DirectoryAction,
    },
    /// Configuration tools.
    Config {
        #[command(subcommand)]
        action: ConfigAction,
    },
}

#[derive(Debug, Subcommand)]
enum DirectoryAction {
    /// Add or update entries from a TOML or CSV file (all or nothing; matched by key).
    Import {
        file: PathBuf,
        /// File format (default: from the file's extension).
        #[arg(long, value_enum)]
        format: Option<FormatArg>,
    },
    /// Write every entry to standard output or a file.
    Export {
        #[arg(long, value_enum, default_value_t = FormatArg::Toml)]
        format: FormatArg,
        /// Write here instead of standard output.
        #[arg(long, value_name = "FILE")]
        output: Option<PathBuf>,
    },
}

#[derive(Debug, Subcommand)]
enum ConfigAction {
    /// Validate the configuration without connecting anywhere.
    Check,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum RoleArg {
    Member,
    Organizer,
    Admin,
}

impl From<RoleArg> for Role {
    fn from(r: RoleArg) -> Role {
        match r {
            RoleArg::Member => Role::Member,
            RoleArg::Organizer => Role::Organizer,
            RoleArg::Admin => Role::Admin,
        }
    }
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum FormatArg {
    Toml,
    Csv,
}

impl From<FormatArg> for FileFormat {
    fn from(f: FormatArg) -> FileFormat {
        match f {
            FormatArg::Toml => FileFormat::Toml,
            FormatArg::Csv => FileFormat::Csv,
        }
    }
}

pub async fn run() -> anyhow::Result<ExitCode> {
    let cli = Cli::parse();
    let mut config = match &cli.config {
        Some(path) => Config::from_file(path)?,
        None => Config::default(),
    };
    config.apply_env();
    if let Some(dir) = &cli.data_dir {
        config.storage.data_dir = Some(dir.clone());
    }
    config.validate()?;
    init_logging(&config);

    match cli.command {
        None => console(&config, "you".into(), Role::Admin, None).await,
        Some(Command::Console { name, role, clock }) => {
            let role = match (&name, role) {
                (_, Some(role)) => role.into(),
                (Some(_), None) => Role::Member,
                (None, None) => Role::Admin,
            };
            console(&config, name.unwrap_or_else(|| "you".into()), role, clock).await
        }
        Some(Command::Run { clock }) => serve(&config, clock).await,
        Some(Command::Status) => status(&config).await,
        Some(Command::Directory {
            action: DirectoryAction::Import { file, format },
        }) => import(&config, &file, format).await,
        Some(Command::Directory {
            action: DirectoryAction::Export { format, output },
        }) => export(&config, format.into(), output).await,
        Some(Command::Config {
            action: ConfigAction::Check,
        }) => {
            let source = cli.config.as_ref().map_or(
                "no config file (defaults and environment)".to_owned(),
                |p| p.display().to_string(),
            );
            println!("Configuration OK: {source}");
            println!("  data directory:   {}", config.data_dir().display());
            println!("  default timezone: {}", config.community.default_timezone);
            println!("  seed directory:   {}", config.directory.seed);
            println!("  log level:        {}", config.log.level);
            match &config.matrix {
                Some(m) => println!(
                    "  matrix:           {} on {} ({} community room{}; {})",
                    m.user_id,
                    m.homeserver,
                    m.communities.len(),
                    if m.communities.len() == 1 { "" } else { "s" },
                    if m.password.is_some() || m.access_token.is_some() {
                        "credentials set"
                    } else {
                        "no password or token yet: set LABCIRCLE_MATRIX_PASSWORD for the first start"
                    }
                ),
                None => println!("  matrix:           not configured"),
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn init_logging(config: &Config) {
    // matrix-sdk logs every refused request (such as "account data not found" at each start,
    // which is expected) as an error, and warns about key backups the bot does not use; the
    // adapter logs the failures that matter itself. Naming these modules in LABCIRCLE_LOG
    // brings them back.
    let mut level = config.log.level.clone();
    if !level.contains("matrix_sdk") {
        level.push_str(",matrix_sdk::http_client=off,matrix_sdk_crypto::backups=error");
    }
    // At debug level the HTTP and gateway libraries print request routes, and Discord's
    // interaction routes carry the interaction's token: they stay at info at most.
    let verbose = level.contains("debug") || level.contains("trace");
    for noisy in [
        "serenity",
        "poise",
        "hyper",
        "hyper_util",
        "reqwest",
        "tungstenite",
    ] {
        if verbose && !level.contains(noisy) {
            level.push_str(&format!(",{noisy}=info"));
        }
    }
    let filter = tracing_subscriber::EnvFilter::try_new(&level)
        .expect("the log level was validated with the config");
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .init();
}

fn parse_instant(text: &str) -> Result<chrono::DateTime<chrono::Utc>, String> {
    chrono::DateTime::parse_from_rfc3339(text)
        .map(|t| t.with_timezone(&chrono::Utc))
        .map_err(|_| {
            format!("\"{text}\" is not a time; write it like 2026-12-07T08:00:00-05:00 (RFC 3339)")
        })
}

async fn console(
    config: &Config,
    name: String,
    role: Role,
    start: Option<chrono::DateTime<chrono::Utc>>,
) -> anyhow::Result<ExitCode> {
    let (store, path) = app::open_store(config).await?;
    let interactive = std::io::stdin().is_terminal();
    eprintln!(
        "labcircle console: acting as {name} ({role}); database {}",
        path.display()
    );
    if interactive {
        eprintln!("Type /help for commands, /crisis for support lines, :quit to leave.");
    }
    let clock = start.map_or(Clock::System, Clock::manual);
    let settings = Settings::from_config(config)?;
    let bot = Bot::with(store.clone(), settings.clone(), clock);
    let runtime = labcircle::runtime::Runtime::new(bot, Scheduler::new(store.clone(), settings));
    let mut console = Console::new(
        runtime,
        std::io::stdout().lock(),
        ConsoleUser { name, role },
    );
    let stdin = tokio::io::BufReader::new(tokio::io::stdin());
    let result = console.run(stdin, interactive).await;
    store.close().await;
    result.map(|()| ExitCode::SUCCESS)
}

/// `labcircle run`: every configured chat adapter on one runtime, until Ctrl-C or SIGTERM, or
/// until every adapter has ended.
async fn serve(
    config: &Config,
    start: Option<chrono::DateTime<chrono::Utc>>,
) -> anyhow::Result<ExitCode> {
    use labcircle::runtime::Runtime;

    // ---- adapters ----
    let discord = config.discord.clone();
    let matrix = config.matrix.clone();
    if discord.is_none() && matrix.is_none() {
        anyhow::bail!(
            "no chat platform is configured: add a [matrix] or [discord] section to the config \
             file (see config.example.toml), or use `labcircle console` to try the bot locally"
        );
    }
    if let Some(d) = &discord {
        d.require_token()?;
    }
    let (store, path) = app::open_store(config).await?;
    eprintln!("labcircle: serving; database {}", path.display());
    let clock = start.map_or(Clock::System, Clock::manual);
    let settings = Settings::from_config(config)?;
    let bot = Bot::with(store.clone(), settings.clone(), clock);
    let runtime = Runtime::new(bot, Scheduler::new(store.clone(), settings));
    let (stop, shutdown) = tokio::sync::watch::channel(false);
    let mut adapters = tokio::task::JoinSet::new();
    if let Some(d) = discord {
        let runtime = runtime.clone();
        let shutdown = shutdown.clone();
        adapters.spawn(async move {
            (
                "discord",
                labcircle::adapters::discord::run(runtime, d, shutdown).await,
            )
        });
    }
    if let Some(m) = matrix {
        let runtime = runtime.clone();
        let shutdown = shutdown.clone();
        let data_dir = config.data_dir();
        adapters.spawn(async move {
            let ready = |me: &str| println!("matrix: ready as {me}");
            (
                "matrix",
                labcircle::adapters::matrix::run(runtime, m, &data_dir, shutdown, ready).await,
            )
        });
    }
    // ---- end of adapters ----
    if start.is_some() {
        let runtime = runtime.clone();
        tokio::spawn(async move {
            runtime.control_loop(stdin_lines()).await;
        });
    }
    let mut failed = false;
    let mut stopping = false;
    loop {
        tokio::select! {
            ended = adapters.join_next() => match ended {
                None => break,
                Some(Ok((name, Ok(())))) => eprintln!("labcircle: {name} stopped"),
                Some(Ok((name, Err(e)))) => {
                    eprintln!("labcircle: {name}: {e:#}");
                    failed = true;
                    // One platform down stops the others too: a supervisor restarts the whole
                    // bot rather than leave it half connected.
                    stopping = true;
                    let _ = stop.send(true);
                }
                Some(Err(e)) => {
                    eprintln!("labcircle: an adapter crashed: {e}");
                    failed = true;
                }
            },
            () = stop_signal(), if !stopping => {
                eprintln!("labcircle: stopping");
                stopping = true;
                let _ = stop.send(true);
            }
        }
    }
    store.close().await;
    Ok(if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
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

/// Ctrl-C, or SIGTERM on Unix.
async fn stop_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

async fn status(config: &Config) -> anyhow::Result<ExitCode> {
    let (store, path) = app::open_store(config).await?;
    let status = store.outbox_status().await?;
    store.close().await;
    println!("labcircle status ({})", path.display());
    println!("  deliveries waiting: {}", status.pending);
    println!("  deliveries sent:    {}", status.sent);
    println!("  skipped (stale or no longer needed): {}", status.skipped);
    if status.failed.is_empty() {
        println!("  failed for good:    none");
    } else {
        println!(
            "  failed for good:    {} (newest first)",
            status.failed.len()
        );
        for (user, kind, why) in &status.failed {
            println!("    {user}: {kind}: {why}");
        }
    }
    Ok(ExitCode::SUCCESS)
}

async fn import(
    config: &Config,
    file: &PathBuf,
    format: Option<FormatArg>,
) -> anyhow::Result<ExitCode> {
    let format = match format {
        Some(f) => f.into(),
        None => FileFormat::from_path(&file.to_string_lossy()).with_context(|| {
            format!(
                "cannot tell the format of {}: name it .toml or .csv, or give --format",
                file.display()
            )
        })?,
    };
    let text =
        std::fs::read_to_string(file).with_context(|| format!("cannot read {}", file.display()))?;
    let entries = match directory_file::read(&text, format) {
        Ok(entries) => entries,
        Err(problems) => {
            eprintln!(
                "{} has {} problem{}; nothing was imported:",
                file.display(),
                problems.len(),
                if problems.len() == 1 { "" } else { "s" }
            );
            for p in &problems {
                eprintln!("  {p}");
            }
            return Ok(ExitCode::FAILURE);
        }
    };
    let (store, _) = app::open_store(config).await?;
    let outcome = store.import_groups(&entries).await?;
    store.close().await;
    println!(
        "Imported {}: {} added, {} updated, {} unchanged.",
        file.display(),
        outcome.added,
        outcome.updated,
        outcome.unchanged
    );
    Ok(ExitCode::SUCCESS)
}

async fn export(
    config: &Config,
    format: FileFormat,
    output: Option<PathBuf>,
) -> anyhow::Result<ExitCode> {
    let (store, _) = app::open_store(config).await?;
    let entries = store.all_groups().await?;
    store.close().await;
    let text = match format {
        FileFormat::Toml => directory_file::write_toml(&entries),
        FileFormat::Csv => directory_file::write_csv(&entries),
    };
    match output {
        Some(path) => {
            std::fs::write(&path, text)
                .with_context(|| format!("cannot write {}", path.display()))?;
            eprintln!("Exported {} entries to {}.", entries.len(), path.display());
        }
        None => print!("{text}"),
    }
    Ok(ExitCode::SUCCESS)
}
