//! The store and the tools around it: opening the database in the data directory, seeding the
//! shipped directory on first start, logging, and the `status`, `directory` and `config check`
//! commands. Running the bot itself is [`crate::serve`].

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;

use crate::config::Config;
use crate::domain::directory_file::{self, FileFormat};
use crate::files;
use crate::store::{ImportOutcome, Seed, Store};

/// The curated directory that ships with labcircle.
pub const SHIPPED_DIRECTORY: &str = include_str!("../data/directory.toml");

/// The database file inside a data directory.
pub fn database_path(data_dir: &Path) -> PathBuf {
    data_dir.join("labcircle.db")
}

/// Opens (creating if needed) the database in the configured data directory, seeds the
/// shipped directory the first time, and checks the note key against the database's
/// (refusing another key than the notes'; warning when notes exist and no key is set).
pub async fn open_store(config: &Config) -> anyhow::Result<(Store, PathBuf)> {
    let key = crate::note_key::configured(config)?;
    let (store, path) = open_store_unchecked(config).await?;
    match crate::note_key::check(&store, key.as_ref()).await {
        Ok(Some(warning)) => tracing::warn!("{warning}"),
        Ok(None) => {}
        Err(e) => {
            store.close().await;
            return Err(e);
        }
    }
    Ok((store, path))
}

/// [`open_store`] without the note key check: for `labcircle notes rekey`, which changes it.
pub async fn open_store_unchecked(config: &Config) -> anyhow::Result<(Store, PathBuf)> {
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
    let store = match Store::open(&path).await {
        Ok(store) => store,
        // Said plainly, naming the file: the lock is someone else's, not a broken database.
        Err(e) if e.is_busy() => anyhow::bail!(crate::store::busy_message(&path)),
        Err(e) => {
            return Err(e).with_context(|| format!("cannot open the database {}", path.display()));
        }
    };
    if config.directory.seed
        && let Err(e) = async {
            seed_directory(&store).await?;
            seed_events(&store).await?;
            seed_tips(&store).await
        }
        .await
    {
        store.close().await;
        let busy = e
            .downcast_ref::<crate::store::StoreError>()
            .is_some_and(crate::store::StoreError::is_busy);
        if busy {
            anyhow::bail!(crate::store::busy_message(&path));
        }
        return Err(e);
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

/// The directory shipped before seeding was recorded per entry (labcircle up to November
/// 2026): a database seeded then was seeded with this file.
pub const PREVIOUS_DIRECTORY: &str = include_str!("../data/seeded/directory-2026-11.toml");

/// Seeds the shipped directory: everything on first start; on later starts the entries a newer
/// shipped file adds, and newer forms of entries nobody changed. Entries a moderator edited or
/// removed stay as they are. Returns what it did, or `None` when there was nothing to do.
pub async fn seed_directory(store: &Store) -> anyhow::Result<Option<ImportOutcome>> {
    seed_directory_from(store, SHIPPED_DIRECTORY).await
}

/// [`seed_directory`] with a given directory file (tests seed older and newer files).
pub async fn seed_directory_from(
    store: &Store,
    text: &str,
) -> anyhow::Result<Option<ImportOutcome>> {
    const SEEDED: &str = "directory_seeded";
    // The digest of the file last seeded: a start with the same file reads one row and writes
    // nothing, so it neither slows start-up nor waits on another process's write lock.
    const SEEDED_FILE: &str = "directory_seeded_file";
    let digest = sha256_hex(text);
    if store.meta(SEEDED_FILE).await?.as_deref() == Some(digest.as_str()) {
        return Ok(None);
    }
    let read = |text: &str, what: &str| {
        directory_file::read(text, FileFormat::Toml).map_err(|problems| {
            let list: Vec<String> = problems.iter().map(ToString::to_string).collect();
            anyhow::anyhow!("the {what} directory is invalid:\n{}", list.join("\n"))
        })
    };
    let seeds: Vec<Seed> = read(text, "shipped")?.into_iter().map(Seed::new).collect();
    let seeded_before = store.meta(SEEDED).await?.is_some();
    if seeded_before && store.seeded_count().await? == 0 {
        // Seeded once by an older labcircle, which kept no record: it seeded this file.
        let previous: Vec<Seed> = read(PREVIOUS_DIRECTORY, "previous")?
            .into_iter()
            .map(Seed::new)
            .collect();
        store
            .record_seeded(&previous)
            .await
            .context("cannot record the previous seed")?;
    }
    let outcome = store
        .seed_groups(&seeds)
        .await
        .context("cannot seed the directory")?;
    if !seeded_before {
        store.set_meta(SEEDED, &crate::store::now_rfc3339()).await?;
    }
    store.set_meta(SEEDED_FILE, &digest).await?;
    if outcome.added + outcome.updated > 0 {
        tracing::info!(
            added = outcome.added,
            updated = outcome.updated,
            "seeded the shipped directory"
        );
        Ok(Some(outcome))
    } else {
        Ok(None)
    }
}

/// The conferences and events that ship with labcircle.
pub const SHIPPED_EVENTS: &str = include_str!("../data/events.toml");

/// Seeds the shipped events: new keys are added on every start that brings them, known keys
/// take the file's newer facts, and members subscribed to new events are told (through the
/// outbox) about the added ones. Returns the keys added.
pub async fn seed_events(store: &Store) -> anyhow::Result<Vec<String>> {
    seed_events_from(store, SHIPPED_EVENTS, chrono::Utc::now()).await
}

/// [`seed_events`] with a given events file and time (tests seed older and newer files).
pub async fn seed_events_from(
    store: &Store,
    text: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> anyhow::Result<Vec<String>> {
    // The digest of the file last seeded: a start with the same file writes nothing.
    const SEEDED_FILE: &str = "events_seeded_file";
    let digest = sha256_hex(text);
    if store.meta(SEEDED_FILE).await?.as_deref() == Some(digest.as_str()) {
        return Ok(Vec::new());
    }
    let events = crate::domain::events::read_file(text).context("the events file is invalid")?;
    let added = store
        .seed_events(&events)
        .await
        .context("cannot seed the events")?;
    // Queued before the file is recorded as seeded: a crash in between queues again on the
    // next start, and the outbox's keys keep it to one notice per member and event.
    let told = store
        .queue_new_event_notices(&added, now.timestamp())
        .await
        .context("cannot queue the new-event notices")?;
    store.set_meta(SEEDED_FILE, &digest).await?;
    if !added.is_empty() {
        tracing::info!(added = added.len(), told, "seeded the shipped events");
    }
    Ok(added)
}

/// The tips starting set that ships with labcircle.
pub const SHIPPED_TIPS: &str = include_str!("../data/tips.toml");

/// Seeds the shipped tips by key: new keys are added on every start that brings them, known
/// keys take the file's newer text; a tip a moderator removed stays removed. A bad file stops
/// the start with an error naming the tip's key. Returns the keys added.
pub async fn seed_tips(store: &Store) -> anyhow::Result<Vec<String>> {
    seed_tips_from(store, SHIPPED_TIPS, chrono::Utc::now()).await
}

/// [`seed_tips`] with a given file and time.
pub async fn seed_tips_from(
    store: &Store,
    text: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> anyhow::Result<Vec<String>> {
    const SEEDED_FILE: &str = "tips_seeded_file";
    let digest = sha256_hex(text);
    if store.meta(SEEDED_FILE).await?.as_deref() == Some(digest.as_str()) {
        return Ok(Vec::new());
    }
    let tips = crate::domain::tips::read_file(text).context("the tips file is invalid")?;
    let added = store
        .seed_tips(&tips, now.timestamp())
        .await
        .context("cannot seed the tips")?;
    store.set_meta(SEEDED_FILE, &digest).await?;
    if !added.is_empty() {
        tracing::info!(added = added.len(), "seeded the shipped tips");
    }
    Ok(added)
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
    if let Some(ops) = &config.ops {
        out.push_str(&format!(
            "  health, metrics:  http://{}/healthz and /metrics\n",
            ops.listen
        ));
    }
    out
}

/// `labcircle status`: the outbox at a glance.
pub async fn status(config: &Config) -> anyhow::Result<ExitCode> {
    let (store, path) = open_store(config).await?;
    let status = store.outbox_status().await?;
    let key = crate::note_key::configured(config)?;
    let notes = crate::note_key::check(&store, key.as_ref()).await?;
    store.close().await;
    println!("labcircle status ({})", path.display());
    if let Some(warning) = notes {
        println!("  warning: {warning}");
    }
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

/// The SHA-256 of a shipped file's text, in hex: a start with the same file seeds nothing.
fn sha256_hex(text: &str) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(text.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
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

    /// A database as an older labcircle left it: seeded with the previous file, no record.
    async fn seeded_by_an_older_version() -> Store {
        let store = Store::open_in_memory().await.unwrap();
        let old = directory_file::read(PREVIOUS_DIRECTORY, FileFormat::Toml).unwrap();
        store.import_groups(&old).await.unwrap();
        store
            .set_meta("directory_seeded", "2026-11-01T00:00:00Z")
            .await
            .unwrap();
        store
    }

    #[tokio::test]
    async fn an_upgrade_adds_new_entries_and_keeps_moderators_edits_and_removals() {
        let store = seeded_by_an_older_version().await;
        let before = store.group_count().await.unwrap();
        // A moderator edits one entry and removes another.
        let mut edited = store.group("nsh").await.unwrap().unwrap();
        edited.description = "Edited by a moderator.".into();
        assert!(store.replace_group("nsh", &edited).await.unwrap());
        assert!(store.remove_group("amt").await.unwrap());

        let outcome = seed_directory(&store).await.unwrap().unwrap();
        assert!(outcome.updated >= 2, "{outcome:?}");

        let shipped = directory_file::read(SHIPPED_DIRECTORY, FileFormat::Toml).unwrap();
        assert!(outcome.added > 50, "{outcome:?}");
        assert_eq!(
            store.group_count().await.unwrap(),
            before - 1 + outcome.added as u64
        );
        for entry in &shipped {
            if entry.key != "amt" {
                assert!(
                    store.group(&entry.key).await.unwrap().is_some(),
                    "{}",
                    entry.key
                );
            }
        }
        assert_eq!(
            store.group("amt").await.unwrap(),
            None,
            "removed stays removed"
        );
        let nsh = store.group("nsh").await.unwrap().unwrap();
        assert_eq!(nsh.description, "Edited by a moderator.");
        // Entries nobody touched take the new file's form (lscls and ascls-ga were corrected).
        for key in ["ascls", "988-lifeline", "lscls", "ascls-ga"] {
            let new = shipped.iter().find(|e| e.key == key).unwrap();
            assert_eq!(store.group(key).await.unwrap().as_ref(), Some(new), "{key}");
        }
        // And a second start changes nothing.
        assert_eq!(seed_directory(&store).await.unwrap(), None);
        assert_eq!(store.group("nsh").await.unwrap().unwrap(), nsh);
    }

    #[tokio::test]
    async fn a_newer_file_seeds_over_an_older_one_by_key() {
        let store = Store::open_in_memory().await.unwrap();
        seed_directory_from(&store, PREVIOUS_DIRECTORY)
            .await
            .unwrap()
            .unwrap();
        let mut edited = store.group("ascls").await.unwrap().unwrap();
        edited.url = Some("https://example.org/ascls".into());
        assert!(store.replace_group("ascls", &edited).await.unwrap());

        let outcome = seed_directory(&store).await.unwrap().unwrap();

        assert!(outcome.added > 50, "{outcome:?}");
        assert!(store.group_count().await.unwrap() >= 117);
        assert_eq!(store.group("ascls").await.unwrap().unwrap(), edited);
    }
}
