//! Private files: the data directory is its owner's alone (0700), and the database, its WAL and
//! shared-memory files and the Matrix store are readable by their owner only (0600) from the
//! moment they exist; a start-up check names anything looser and how to fix it.
//!
//! Two layers make files private from creation. The binary sets a umask of 077 before it
//! creates anything ([`restrict_umask`]): SQLite and matrix-sdk create files we never open
//! ourselves (the `-wal`, `-shm` and `-journal` files, matrix-sdk's `*.sqlite3` stores), and a
//! umask is the only way those are private from their first byte rather than after a `chmod`
//! that leaves a window. And [`create_private_dir`] and [`create_private_file`] set the modes
//! explicitly, so the library is private too when it runs under another umask (tests, tools).
//! SQLite gives its WAL and shared-memory files the database file's own permissions, which is
//! why the database file is created 0600 before sqlx opens it.
//!
//! Only Unix has these modes; elsewhere these functions create the files and check nothing.

use std::fmt;
use std::io;
use std::path::{Path, PathBuf};

/// Mode of the data directory and the Matrix store directory.
pub const PRIVATE_DIR: u32 = 0o700;
/// Mode of the database, its WAL and shared-memory files, and the Matrix store files.
pub const PRIVATE_FILE: u32 = 0o600;

/// Sets the process's umask so that every file and directory it creates from now on is
/// readable by its owner only. Call it first thing in `main`, before anything is created.
pub fn restrict_umask() {
    #[cfg(unix)]
    {
        use rustix::fs::Mode;
        rustix::process::umask(Mode::from_raw_mode(0o077));
    }
}

/// Creates `dir` (and missing parents) with mode 0700 where it does not exist yet. An existing
/// directory keeps its mode: [`loose_files`] reports it.
pub fn create_private_dir(dir: &Path) -> io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(PRIVATE_DIR);
    }
    builder.create(dir)
}

/// Creates `path` empty with mode 0600 if it does not exist; an existing file is left as it
/// is (content and mode). SQLite takes an empty file as a new database.
pub fn create_private_file(path: &Path) -> io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(false);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(PRIVATE_FILE);
    }
    options.open(path).map(drop)
}

/// Creates `path` with mode 0600, failing if it exists (a backup never writes into a file
/// someone else made).
pub fn create_new_private_file(path: &Path) -> io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(PRIVATE_FILE);
    }
    options.open(path).map(drop)
}

/// Writes `bytes` to `path` (replacing what was there), readable by its owner only (0600) from
/// its first byte; a file that was there with a looser mode is made private too.
pub fn write_private_file(path: &Path, bytes: &[u8]) -> io::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(PRIVATE_FILE);
    }
    let mut file = options.open(path)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        file.set_permissions(std::fs::Permissions::from_mode(PRIVATE_FILE))?;
    }
    file.write_all(bytes)?;
    file.sync_all()
}

/// A directory or file that others may read or enter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Loose {
    pub path: PathBuf,
    /// Its permission bits (`0o755`).
    pub mode: u32,
    /// The mode it should have (`0o700` or `0o600`).
    pub wanted: u32,
}

impl fmt::Display for Loose {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = if self.wanted == PRIVATE_DIR {
            "directory"
        } else {
            "file"
        };
        write!(
            f,
            "the {what} {} has mode {:04o}: other users of this machine can {}; \
             fix it with: chmod {:o} {}",
            self.path.display(),
            self.mode,
            if self.wanted == PRIVATE_DIR {
                "look inside"
            } else {
                "read it"
            },
            self.wanted,
            self.path.display()
        )
    }
}

/// The private places of a data directory that are looser than they should be: the directory
/// itself, the database with its `-wal`, `-shm` and `-journal` files, and `matrix_store` (a
/// directory, with every file in it) when given. Missing paths are skipped.
pub fn loose_files(data_dir: &Path, database: &Path, matrix_store: Option<&Path>) -> Vec<Loose> {
    let mut found = Vec::new();
    check(data_dir, PRIVATE_DIR, &mut found);
    for suffix in ["", "-wal", "-shm", "-journal"] {
        let mut name = database.as_os_str().to_owned();
        name.push(suffix);
        check(Path::new(&name), PRIVATE_FILE, &mut found);
    }
    if let Some(store) = matrix_store {
        check(store, PRIVATE_DIR, &mut found);
        if let Ok(entries) = std::fs::read_dir(store) {
            let mut files: Vec<PathBuf> = entries
                .filter_map(Result::ok)
                .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
                .map(|e| e.path())
                .collect();
            files.sort();
            for file in files {
                check(&file, PRIVATE_FILE, &mut found);
            }
        }
    }
    found
}

#[cfg(unix)]
fn check(path: &Path, wanted: u32, found: &mut Vec<Loose>) {
    use std::os::unix::fs::PermissionsExt;
    // symlink_metadata: a link's own bits say nothing; its target is checked where it lives.
    let Ok(meta) = std::fs::symlink_metadata(path) else {
        return;
    };
    let mode = meta.permissions().mode() & 0o7777;
    // Anything for the group or others is too loose; the owner's own bits are theirs to set.
    if mode & 0o077 != 0 {
        found.push(Loose {
            path: path.to_owned(),
            mode,
            wanted,
        });
    }
}

#[cfg(not(unix))]
fn check(_path: &Path, _wanted: u32, _found: &mut Vec<Loose>) {}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    fn mode(path: &Path) -> u32 {
        std::fs::metadata(path).unwrap().permissions().mode() & 0o777
    }

    #[test]
    fn a_new_data_directory_and_database_file_are_their_owners_alone() {
        let home = tempfile::tempdir().unwrap();
        let dir = home.path().join("a").join("data");
        create_private_dir(&dir).unwrap();
        let db = dir.join("labcircle.db");
        create_private_file(&db).unwrap();
        assert_eq!(mode(&dir), 0o700);
        assert_eq!(mode(&db), 0o600);
        assert!(loose_files(&dir, &db, None).is_empty());
    }

    #[test]
    fn an_existing_database_keeps_its_content() {
        let home = tempfile::tempdir().unwrap();
        let db = home.path().join("labcircle.db");
        std::fs::write(&db, "kept").unwrap();
        create_private_file(&db).unwrap();
        assert_eq!(std::fs::read_to_string(&db).unwrap(), "kept");
    }

    #[test]
    fn loose_modes_are_named_with_the_chmod_that_fixes_them() {
        let home = tempfile::tempdir().unwrap();
        let dir = home.path().join("data");
        create_private_dir(&dir).unwrap();
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).unwrap();
        let db = dir.join("labcircle.db");
        std::fs::write(&db, "").unwrap();
        std::fs::set_permissions(&db, std::fs::Permissions::from_mode(0o644)).unwrap();
        let wal = dir.join("labcircle.db-wal");
        create_private_file(&wal).unwrap();
        let store = dir.join("matrix");
        create_private_dir(&store).unwrap();
        let state = store.join("matrix-sdk-state.sqlite3");
        std::fs::write(&state, "").unwrap();
        std::fs::set_permissions(&state, std::fs::Permissions::from_mode(0o640)).unwrap();

        let found = loose_files(&dir, &db, Some(&store));
        let paths: Vec<&Path> = found.iter().map(|l| l.path.as_path()).collect();
        assert_eq!(paths, [dir.as_path(), db.as_path(), state.as_path()]);
        let said = found[0].to_string();
        assert!(said.contains("mode 0755"), "{said}");
        assert!(
            said.contains(&format!("chmod 700 {}", dir.display())),
            "{said}"
        );
        let said = found[1].to_string();
        assert!(said.contains("mode 0644"), "{said}");
        assert!(
            said.contains(&format!("chmod 600 {}", db.display())),
            "{said}"
        );
    }
}
