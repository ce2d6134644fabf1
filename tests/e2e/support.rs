//! Drives the `labcircle` binary's console through the shared process harness.

use std::path::{Path, PathBuf};

pub use crate::process::Run;
use crate::process::{Home, Launch};

/// The text of a file the console saved for a message ("NAME is saved as PATH").
pub fn saved_file(message: &str, name: &str) -> String {
    let marker = format!("{name} is saved as ");
    let path = message
        .lines()
        .find_map(|l| l.split_once(&marker).map(|(_, p)| p.trim().to_owned()))
        .unwrap_or_else(|| panic!("no saved {name} in:\n{message}"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {path}: {e}"))
}

/// A fresh data directory, removed when dropped.
pub struct Lab {
    home: Home,
}

impl Run {
    /// The bot's messages, one per block (messages are separated by an empty line).
    pub fn messages(&self) -> Vec<String> {
        self.stdout
            .split("\n\n")
            .map(|m| m.trim().to_owned())
            .filter(|m| !m.is_empty())
            .collect()
    }

    /// The only message, or a panic that shows all of them.
    pub fn message(&self, n: usize) -> String {
        let messages = self.messages();
        messages.get(n).cloned().unwrap_or_else(|| {
            panic!(
                "no message {n}; stdout was:\n{}\nstderr:\n{}",
                self.stdout, self.stderr
            )
        })
    }
}

impl Lab {
    pub fn new() -> Self {
        Self { home: Home::new() }
    }

    pub fn path(&self) -> &Path {
        self.home.path()
    }

    /// A file in the test's directory (not the data directory).
    pub fn file(&self, name: &str, contents: &str) -> PathBuf {
        self.home.file(name, contents)
    }

    /// Runs `labcircle --data-dir DIR ARGS…` with `input` on standard input.
    pub fn run(&self, args: &[&str], input: &str) -> Run {
        self.run_bytes(args, input.as_bytes())
    }

    /// Like [`Lab::run`], with raw bytes on standard input.
    pub fn run_bytes(&self, args: &[&str], input: &[u8]) -> Run {
        self.run_env(args, input, &[])
    }

    /// Types `lines` into the console as `name` (a member) on a simulated clock starting at
    /// `clock`, with extra environment variables.
    pub fn console_at(&self, name: &str, clock: &str, lines: &str, env: &[(&str, &str)]) -> Run {
        let run = self.run_env(
            &["console", "--as", name, "--clock", clock],
            lines.as_bytes(),
            env,
        );
        assert!(
            run.success,
            "console failed:\n{}\n{}",
            run.stdout, run.stderr
        );
        run
    }

    /// The database file.
    pub fn database(&self) -> PathBuf {
        self.home.data_dir().join("labcircle.db")
    }

    /// Runs the binary with extra environment variables.
    pub fn run_env(&self, args: &[&str], input: &[u8], env: &[(&str, &str)]) -> Run {
        self.launch(args).envs(env.iter().copied()).run(input)
    }

    /// `labcircle --data-dir DIR ARGS…`, to start or run.
    pub fn launch(&self, args: &[&str]) -> Launch {
        self.home.launch().args(args)
    }

    /// Types `lines` into the console as `name` with `role`.
    pub fn console_as(&self, name: &str, role: &str, lines: &str) -> Run {
        let run = self.run(&["console", "--as", name, "--role", role], lines);
        assert!(
            run.success,
            "console failed:\n{}\n{}",
            run.stdout, run.stderr
        );
        run
    }

    /// Types `lines` into the console as a member.
    pub fn member(&self, lines: &str) -> Run {
        self.console_as("alice", "member", lines)
    }

    /// Types `lines` into the console as an admin.
    pub fn admin(&self, lines: &str) -> Run {
        self.console_as("root", "admin", lines)
    }

    /// A config file naming `console:NAME` for each of `names` as directory moderators.
    pub fn moderators_config(&self, names: &[&str]) -> PathBuf {
        let list: Vec<String> = names.iter().map(|n| format!("\"console:{n}\"")).collect();
        self.file(
            "moderators.toml",
            &format!("[directory]\nmoderators = [{}]\n", list.join(", ")),
        )
    }

    /// Types `lines` into the console as `mo`, a directory moderator named in the config who
    /// is only a member of the console community: moderation is by identity, not by role.
    pub fn moderator(&self, lines: &str) -> Run {
        let config = self.moderators_config(&["mo"]);
        let config = config.display().to_string();
        let run = self.run(&["--config", &config, "console", "--as", "mo"], lines);
        assert!(
            run.success,
            "console failed:\n{}\n{}",
            run.stdout, run.stderr
        );
        run
    }

    /// The directory, exported as CSV rows (header first).
    pub fn export_csv(&self) -> Vec<String> {
        let run = self.run(&["directory", "export", "--format", "csv"], "");
        assert!(run.success, "{}", run.stderr);
        run.stdout.lines().map(str::to_owned).collect()
    }
}
