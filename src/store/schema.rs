//! The database schema: every file in `migrations/`, embedded in the binary.
//!
//! sqlx's `migrate!` macro does the same at compile time, but it brings sqlx's proc-macro crate,
//! which compiles a second copy of SQLite (about 45 s of one core) and of sqlx's SQLite driver
//! for the compiler to load, in a newcomer's first build. Listing the files here
//! gives the same migrations (version, description and checksum, so databases migrated by the
//! macro carry on), and the test below fails when a file in `migrations/` is not listed.

use std::borrow::Cow;

use sqlx::migrate::{Migration, MigrationType, Migrator};
use sqlx::{AssertSqlSafe, SqlSafeStr};

/// (file name, SQL) of every migration, oldest first, each named once.
macro_rules! migrations {
    ($($name:literal),* $(,)?) => {
        &[$(($name, include_str!(concat!("../../migrations/", $name)))),*]
    };
}

/// Every migration, oldest first. A new file in `migrations/` goes here too.
const FILES: &[(&str, &str)] = migrations![
    "0001_directory.sql",
    "0002_checkins.sql",
    "0003_meetups.sql",
    "0004_stats_optin.sql",
    "0005_meetup_shares.sql",
    "0006_matrix_direct_chats.sql",
    "0007_shift_end.sql",
    "0008_note_key.sql",
    "0011_last_checked.sql",
    "0012_link_checks.sql",
    "0013_group_reports.sql",
    "0014_events.sql",
    "0015_tips.sql",
    "0017_pairing.sql",
];

/// The migrator `Store` runs at every open: what `sqlx::migrate!("./migrations")` would build.
pub(super) fn migrator() -> Migrator {
    Migrator::with_migrations(
        FILES
            .iter()
            .map(|&(name, sql)| migration(name, sql))
            .collect(),
    )
}

/// A migration as sqlx reads one from a file `VERSION_DESCRIPTION.sql`: the description is the
/// rest of the name with `_` read as a space, and a file starting `-- no-transaction` runs
/// outside a transaction.
fn migration(name: &str, sql: &'static str) -> Migration {
    let (version, rest) = name
        .split_once('_')
        .expect("migration file names are VERSION_DESCRIPTION.sql");
    let description = rest.trim_end_matches(".sql").replace('_', " ");
    Migration::new(
        version.parse().expect("migration versions are numbers"),
        Cow::Owned(description),
        MigrationType::Simple,
        AssertSqlSafe(sql).into_sql_str(),
        sql.starts_with("-- no-transaction"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files_on_disk() -> Vec<String> {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations");
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .expect("migrations/")
            .map(|e| {
                e.expect("a directory entry")
                    .file_name()
                    .to_string_lossy()
                    .into_owned()
            })
            .filter(|n| n.ends_with(".sql"))
            .collect();
        names.sort();
        names
    }

    #[test]
    fn every_file_in_migrations_is_embedded_with_its_current_text() {
        let listed: Vec<String> = FILES.iter().map(|(n, _)| n.to_string()).collect();
        assert_eq!(
            listed,
            files_on_disk(),
            "src/store/schema.rs must list every file in migrations/, in order"
        );
    }

    /// The same versions, descriptions, checksums and transaction modes as sqlx's own reading
    /// of the directory (which `migrate!` uses too), so a database migrated before keeps
    /// opening: sqlx refuses one whose applied checksum differs.
    #[tokio::test]
    async fn the_embedded_migrations_are_what_sqlx_reads_from_the_directory() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations");
        let from_disk = Migrator::new(dir).await.expect("sqlx reads migrations/");
        let embedded = migrator();
        let key = |m: &Migration| {
            (
                m.version,
                m.description.to_string(),
                m.checksum.to_vec(),
                m.no_tx,
                m.migration_type,
                m.sql.as_str().to_owned(),
            )
        };
        let a: Vec<_> = from_disk.iter().map(key).collect();
        let b: Vec<_> = embedded.iter().map(key).collect();
        assert_eq!(a.len(), FILES.len());
        assert_eq!(a, b);
    }
}
