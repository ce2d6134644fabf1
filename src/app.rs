//! Wiring: opens the store in the data directory, seeds the shipped directory on first start,
//! and hands the bot to an adapter.

use std::path::{Path, PathBuf};

use anyhow::Context;

use crate::config::Config;
use crate::domain::directory_file::{self, FileFormat};
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
    std::fs::create_dir_all(&data_dir)
        .with_context(|| format!("cannot create the data directory {}", data_dir.display()))?;
    let path = database_path(&data_dir);
    let store = Store::open(&path)
        .await
        .with_context(|| format!("cannot open the database {}", path.display()))?;
    if config.directory.seed {
        seed_directory(&store).await?;
    }
    Ok((store, path))
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
