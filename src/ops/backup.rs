//! `labcircle backup FILE`: a consistent copy of the database, taken while the bot runs, with
//! SQLite's online backup API ([`crate::store::copy_database`]).
//!
//! The copy is written to a private temporary file beside FILE (mode 0600 from creation, like
//! the database: it holds the same check-ins), checked with `PRAGMA integrity_check`, and only
//! then renamed to FILE, so FILE is never a half-written copy. An existing FILE is replaced
//! only with `--force`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context as _, bail};

use crate::config::Config;
use crate::files;
use crate::store::{CopyReport, copy_database, inspect_copy};

/// Copies the configured database to `dest` and prints the copy's size and rows per table.
pub async fn run(config: &Config, dest: &Path, force: bool) -> anyhow::Result<ExitCode> {
    let source = crate::app::database_path(&config.data_dir());
    if !source.is_file() {
        bail!(
            "there is no database at {} to back up (is --data-dir or LABCIRCLE_DATA_DIR the \
             bot's?)",
            source.display()
        );
    }
    let report = backup(&source, dest, force).await?;
    let size = std::fs::metadata(dest)
        .with_context(|| format!("cannot read the size of {}", dest.display()))?
        .len();
    println!(
        "Backed up {} to {} ({size} bytes); integrity check: ok",
        source.display(),
        dest.display()
    );
    for (table, rows) in &report.tables {
        println!("  {table}: {rows} rows");
    }
    Ok(ExitCode::SUCCESS)
}

/// Copies `source` to `dest` (refusing an existing `dest` unless `force`) and checks the copy.
pub async fn backup(source: &Path, dest: &Path, force: bool) -> anyhow::Result<CopyReport> {
    check_destination(source, dest, force)?;
    let partial = partial_path(dest);
    // Left by an interrupted backup: never a copy anybody relies on.
    let _ = std::fs::remove_file(&partial);
    files::create_new_private_file(&partial).with_context(|| {
        format!(
            "cannot write the backup to {} (creating {} beside it failed)",
            dest.display(),
            partial.display()
        )
    })?;
    let checked = async {
        copy_database(source, &partial)
            .await
            .with_context(|| format!("cannot copy {}", source.display()))?;
        let report = inspect_copy(&partial)
            .await
            .with_context(|| format!("cannot read the copy {}", partial.display()))?;
        if report.integrity != "ok" {
            bail!("the copy failed its integrity check: {}", report.integrity);
        }
        Ok(report)
    }
    .await;
    match checked {
        Ok(report) => {
            std::fs::rename(&partial, dest).with_context(|| {
                format!("cannot move {} to {}", partial.display(), dest.display())
            })?;
            Ok(report)
        }
        Err(e) => {
            let _ = std::fs::remove_file(&partial);
            Err(e)
        }
    }
}

/// Refuses, before anything is written, a destination that cannot or must not take the copy:
/// an existing file without `force`, a folder, a folder that does not exist, or the database
/// itself.
fn check_destination(source: &Path, dest: &Path, force: bool) -> anyhow::Result<()> {
    if dest.is_dir() {
        bail!(
            "{} is a folder; give the backup a file name, such as {}",
            dest.display(),
            dest.join("labcircle-backup.db").display()
        );
    }
    let folder = match dest.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    if !folder.exists() {
        bail!(
            "cannot write the backup to {}: the folder {} does not exist (create it first)",
            dest.display(),
            folder.display()
        );
    }
    if !folder.is_dir() {
        bail!(
            "cannot write the backup to {}: {} is not a folder",
            dest.display(),
            folder.display()
        );
    }
    if dest.exists() {
        let same = match (source.canonicalize(), dest.canonicalize()) {
            (Ok(a), Ok(b)) => a == b,
            _ => false,
        };
        if same {
            bail!(
                "{} is the database itself; write the backup to another file",
                dest.display()
            );
        }
        if !force {
            bail!(
                "{} already exists; choose another file, or pass --force to replace it",
                dest.display()
            );
        }
    }
    Ok(())
}

/// `DIR/.NAME.partial` beside `dest`.
fn partial_path(dest: &Path) -> PathBuf {
    let name = dest
        .file_name()
        .map_or_else(|| "backup".into(), |n| n.to_string_lossy().into_owned());
    dest.with_file_name(format!(".{name}.partial"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_backup_refuses_an_existing_file_without_force_and_is_private() {
        let dir = tempfile::tempdir().unwrap();
        let source = dir.path().join("labcircle.db");
        let store = crate::store::Store::open(&source).await.unwrap();
        store.set_meta("probe", "kept").await.unwrap();
        let dest = dir.path().join("copy.db");
        std::fs::write(&dest, "precious").unwrap();

        let refused = backup(&source, &dest, false).await.unwrap_err().to_string();
        assert!(refused.contains("--force"), "{refused}");
        assert_eq!(std::fs::read_to_string(&dest).unwrap(), "precious");

        let report = backup(&source, &dest, true).await.unwrap();
        assert_eq!(report.integrity, "ok");
        assert!(report.tables.iter().any(|(t, n)| t == "meta" && *n >= 1));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&dest).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o600);
        }
        // Places that cannot take a copy are named, and nothing is written.
        let folder = backup(&source, dir.path(), true).await.unwrap_err();
        assert!(format!("{folder:#}").contains("is a folder"), "{folder:#}");
        let missing = dir.path().join("no-such-folder").join("copy.db");
        let missing = backup(&source, &missing, false).await.unwrap_err();
        assert!(
            format!("{missing:#}").contains("does not exist"),
            "{missing:#}"
        );
        let itself = backup(&source, &source, true).await.unwrap_err();
        assert!(
            format!("{itself:#}").contains("the database itself"),
            "{itself:#}"
        );

        let copy = crate::store::Store::open(&dest).await.unwrap();
        assert_eq!(copy.meta("probe").await.unwrap().as_deref(), Some("kept"));
        store.close().await;
        copy.close().await;
    }
}
