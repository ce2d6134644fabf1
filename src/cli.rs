//! Command-line interface: parses the arguments and hands them to [`labcircle::serve`] (the
//! bot) or [`labcircle::app`] (the directory and config tools).

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

use labcircle::adapters::console::ConsoleUser;
use labcircle::config::{Config, ENV_DATA_DIR};
use labcircle::domain::directory_file::FileFormat;
use labcircle::domain::identity::Role;
use labcircle::{app, serve};

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
    /// Without --as, you are "you", the admin of your own console and, as the operator of this
    /// database, a directory moderator. With --as NAME, you act as that member, with the role
    /// member unless --role says otherwise, and moderate the directory only if the config names
    /// console:NAME in [directory] moderators.
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
    /// Copy the database to FILE (mode 0600), consistently, even while the bot runs; then
    /// check the copy and print its size and rows per table. Restore by stopping the bot and
    /// putting the copy in place as labcircle.db (docs/DEPLOY.md).
    Backup {
        /// Where to write the copy.
        file: PathBuf,
        /// Replace FILE if it exists.
        #[arg(long)]
        force: bool,
    },
    /// Import, export or check the links of the support-group directory.
    Directory {
        #[command(subcommand)]
        action: DirectoryAction,
    },
    /// Configuration tools.
    Config {
        #[command(subcommand)]
        action: ConfigAction,
    },
    /// Check-in notes: re-encrypting them with a new key.
    Notes {
        #[command(subcommand)]
        action: NotesAction,
    },
}

#[derive(Debug, Subcommand)]
enum NotesAction {
    /// Re-encrypt every note from the old key (LABCIRCLE_OLD_NOTE_KEY) to the new one
    /// (LABCIRCLE_NOTE_KEY), in one transaction; with the same key in both, binds notes written
    /// by older versions to their rows.
    Rekey,
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
    /// Check every entry's link (HEAD, then GET; redirects followed; one request per site at a
    /// time), record what was found and print a summary. Dead links are then shown as not
    /// working, and the directory's moderators are told privately.
    CheckLinks {
        /// Requests in flight at once, over all sites.
        #[arg(long, default_value_t = 4, value_parser = clap::value_parser!(u16).range(1..=64))]
        concurrency: u16,
        /// Seconds to wait for one answer.
        #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..=300))]
        timeout: u64,
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

/// Who the console user is without --as: the operator of the local database.
const OPERATOR: &str = "you";

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
    app::init_logging(&config);

    // The console without --as is the operator of the local database: a directory moderator
    // (so someone trying the bot can try /group add). With --as NAME, only if the config names
    // console:NAME.
    if matches!(
        cli.command,
        None | Some(Command::Console { name: None, .. })
    ) {
        config
            .directory
            .moderators
            .push(format!("console:{OPERATOR}"));
    }
    match cli.command {
        None => {
            let user = ConsoleUser {
                name: OPERATOR.into(),
                role: Role::Admin,
            };
            serve::console(&config, user, None).await
        }
        Some(Command::Console { name, role, clock }) => {
            let role = match (&name, role) {
                (_, Some(role)) => role.into(),
                (Some(_), None) => Role::Member,
                (None, None) => Role::Admin,
            };
            let name = name.unwrap_or_else(|| OPERATOR.into());
            serve::console(&config, ConsoleUser { name, role }, clock).await
        }
        Some(Command::Run { clock }) => serve::serve(&config, clock).await,
        Some(Command::Status) => app::status(&config).await,
        Some(Command::Backup { file, force }) => {
            labcircle::ops::backup::run(&config, &file, force).await
        }
        Some(Command::Directory {
            action: DirectoryAction::Import { file, format },
        }) => app::import(&config, &file, format.map(Into::into)).await,
        Some(Command::Directory {
            action: DirectoryAction::Export { format, output },
        }) => app::export(&config, format.into(), output).await,
        Some(Command::Directory {
            action:
                DirectoryAction::CheckLinks {
                    concurrency,
                    timeout,
                },
        }) => {
            let options = labcircle::link_check::Options {
                concurrency: concurrency.into(),
                timeout: std::time::Duration::from_secs(timeout),
            };
            labcircle::link_check::run_command(&config, options).await
        }
        Some(Command::Notes {
            action: NotesAction::Rekey,
        }) => labcircle::note_key::rekey(&config).await,
        Some(Command::Config {
            action: ConfigAction::Check,
        }) => {
            let source = cli.config.as_ref().map_or(
                "no config file (defaults and environment)".to_owned(),
                |p| p.display().to_string(),
            );
            serve::platforms_built(&config)?;
            print!("{}", app::config_report(&config, &source));
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn parse_instant(text: &str) -> Result<chrono::DateTime<chrono::Utc>, String> {
    chrono::DateTime::parse_from_rfc3339(text)
        .map(|t| t.with_timezone(&chrono::Utc))
        .map_err(|_| {
            format!("\"{text}\" is not a time; write it like 2026-12-07T08:00:00-05:00 (RFC 3339)")
        })
}
