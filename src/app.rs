//! The store and the tools around it: opening the database in the data directory, seeding the
//! shipped directory on first start, logging, and the `status`, `directory` and `config check`
//! commands. Running the bot itself is [`crate::serve`].

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;

use crate::config::Config;
use crate::domain::directory_file::{self, FileFormat};
use crate::files;
use crate::store::{ImportOutcome, Store};

/// The curated directory that ships with labcircle.
pub const SHIPPED_DIRECTORY: &str = include_str!("../data/directory.toml");

/// The database file inside a data directory.
pub fn database_path(data_dir: &Path) -> PathBuf {
    data_dir.join("labcircle.db")
}

/// Opens (creating if needed) the database in the configured data directory, and seeds the
/// shipped directory the first time.
pub async fn open_store(config: &Config) -> anyhow::Result<(Store, PathBuf)> {
    let data_dir = config.data_dir();
    files::create_private_dir(&data_dir)
        .with_context(|| format!("cannot create the data directory {}", data_dir.display()))?;
    let path = database_path(&data_dir);
    // Created 0600 before SQLite opens it: SQLite gives the WAL and shared-memory files the
    // database's own mode.
    files::create_private_file(&path)
        .with_context(|| format!("cannot create the database {}", path.display()))?;
    for loose in loose_files(config) {
        tracing::warn!(path = %loose.path.display(), mode = %format!("{:04o}", loose.mode), "{loose}");
    }
    let store = Store::open(&path)
        .await
        .with_context(|| format!("cannot open the database {}", path.display()))?;
    if config.directory.seed {
        seed_directory(&store).await?;
    }
    Ok((store, path))
}

/// The data directory's private files that others may read, with the chmod that fixes each
/// (the directory, the database and its WAL, and the Matrix store when configured).
pub fn loose_files(config: &Config) -> Vec<files::Loose> {
    let data_dir = config.data_dir();
    let matrix_store = config.matrix.as_ref().map(|m| {
        m.store_dir
            .clone()
            .unwrap_or_else(|| data_dir.join("matrix"))
    });
    files::loose_files(
        &data_dir,
        &database_path(&data_dir),
        matrix_store.as_deref(),
    )
}

/// Imports the shipped directory once per database. Returns what it did, or `None` when the
/// database was seeded before.
pub async fn seed_directory(store: &Store) -> anyhow::Result<Option<ImportOutcome>> {
    const SEEDED: &str = "directory_seeded";
    if store.meta(SEEDED).await?.is_some() {
        return Ok(None);
    }
    let entries =
        directory_file::read(SHIPPED_DIRECTORY, FileFormat::Toml).map_err(|problems| {
            let list: Vec<String> = problems.iter().map(ToString::to_string).collect();
            anyhow::anyhow!("the shipped directory is invalid:\n{}", list.join("\n"))
        })?;
    let outcome = store.import_groups(&entries).await?;
    store.set_meta(SEEDED, &crate::store::now_rfc3339()).await?;
    Ok(Some(outcome))
}

/// Logs to standard error at the configured level, the HTTP and gateway libraries capped and
/// tokens redacted (see [`crate::logging`]).
pub fn init_logging(config: &Config) {
    crate::logging::init(config);
}

/// What `labcircle config check` prints: the settings that matter, secrets left out.
pub fn config_report(config: &Config, source: &str) -> String {
    let mut out = format!("Configuration OK: {source}\n");
    out.push_str(&format!(
        "  data directory:   {}\n",
        config.data_dir().display()
    ));
    out.push_str(&format!(
        "  default timezone: {}\n",
        config.community.default_timezone
    ));
    out.push_str(&format!("  seed directory:   {}\n", config.directory.seed));
    out.push_str(&format!(
        "  directory moderators: {}\n",
        config.directory.moderators_summary()
    ));
    out.push_str(&format!("  log level:        {}\n", config.log.level));
    match &config.matrix {
        Some(m) => out.push_str(&format!(
            "  matrix:           {} on {} ({} community room{}; {})\n",
            m.user_id,
            m.homeserver,
            m.communities.len(),
            if m.communities.len() == 1 { "" } else { "s" },
            if m.password.is_some() || m.access_token.is_some() {
                "credentials set"
            } else {
                "no password or token yet: set LABCIRCLE_MATRIX_PASSWORD for the first start"
            }
        )),
        None => out.push_str("  matrix:           not configured\n"),
    }
    if let Some(d) = &config.discord {
        out.push_str(&format!("  discord servers:  {}\n", d.servers_summary()));
    }
    out
}

/// `labcircle status`: the outbox at a glance.
pub async fn status(config: &Config) -> anyhow::Result<ExitCode> {
    let (store, path) = open_store(config).await?;
    let status = store.outbox_status().await?;
    store.close().await;
    println!("labcircle status ({})", path.display());
    for loose in loose_files(config) {
        println!("  warning: {loose}");
    }
    println!("  deliveries waiting: {}", status.pending);
    println!("  deliveries sent:    {}", status.sent);
    println!("  skipped (stale or no longer needed): {}", status.skipped);
    println!(
        "  not sent, past their window (reported to the meetup's organizer): {}",
        status.stale_total
    );
    for (kind, meetup, to) in &status.stale {
        let meetup = meetup.map_or_else(|| "-".to_owned(), |id| format!("meetup #{id}"));
        println!("    {kind} for {meetup}, to {to}");
    }
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

/// `labcircle directory import`: all or nothing; every problem listed with its line.
pub async fn import(
    config: &Config,
    file: &Path,
    format: Option<FileFormat>,
) -> anyhow::Result<ExitCode> {
    let format = match format {
        Some(f) => f,
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
    let (store, _) = open_store(config).await?;
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

/// `labcircle directory export`: the directory as TOML or CSV, to a file or standard output.
pub async fn export(
    config: &Config,
    format: FileFormat,
    output: Option<PathBuf>,
) -> anyhow::Result<ExitCode> {
    let (store, _) = open_store(config).await?;
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

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_shipped_directory_is_valid_and_seeds_once() {
        let store = Store::open_in_memory().await.unwrap();
        let first = seed_directory(&store).await.unwrap().unwrap();
        assert!(first.added >= 50, "{first:?}");
        assert_eq!(seed_directory(&store).await.unwrap(), None);
        assert_eq!(store.group_count().await.unwrap() as usize, first.added);
    }
}
