//! The `labcircle` binary as the integration tests start it: one harness for the console, Discord
//! and Matrix tests (and the Matrix bench).
//!
//! A [`Home`] is a temporary directory holding the data directory and the config file, kept
//! across restarts. A [`Launch`] says how to start the binary (arguments, environment); it
//! either runs to completion ([`Launch::run`], for the console and one-shot commands) or starts
//! a long-running [`Process`] whose output is read line by line while the test goes on.
//!
//! The child sees none of the caller's `LABCIRCLE_*` variables (a developer's shell cannot change
//! a test), only what the test sets. `LABCIRCLE_BOT_BIN` runs another build of the bot instead
//! of this one (`target/lean/labcircle`, to compare profiles).
//!
//! When a test fails (its thread panics) while a started process is still in scope, the
//! captured output is written under the target's `tmp/labcircle-logs/` and its path and
//! last lines are printed.

// Each test crate uses its own part of the harness.
#![allow(dead_code)]

use std::ffi::OsString;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicU32, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How long a wait for a line lasts before the test fails.
pub const WAIT: Duration = Duration::from_secs(60);
/// How long a one-shot run may take.
const RUN_LIMIT: Duration = Duration::from_secs(120);
/// How long [`Process::stop`] waits after SIGTERM before it kills.
pub const GRACE: Duration = Duration::from_secs(15);

/// The binary under test: this build's, unless `LABCIRCLE_BOT_BIN` names another.
pub fn binary() -> PathBuf {
    std::env::var_os("LABCIRCLE_BOT_BIN").map_or_else(
        || PathBuf::from(env!("CARGO_BIN_EXE_labcircle")),
        PathBuf::from,
    )
}

/// A bot's temporary directory: `data/` and `labcircle.toml`, removed when dropped.
pub struct Home {
    dir: tempfile::TempDir,
}

impl Default for Home {
    fn default() -> Self {
        Self::new()
    }
}

impl Home {
    pub fn new() -> Home {
        Home {
            dir: tempfile::tempdir().expect("a temporary directory"),
        }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// The data directory (created by the binary on first use).
    pub fn data_dir(&self) -> PathBuf {
        self.path().join("data")
    }

    /// Where [`Home::config`] writes the config file.
    pub fn config_path(&self) -> PathBuf {
        self.path().join("labcircle.toml")
    }

    /// Writes the config file and returns its path.
    pub fn config(&self, toml: &str) -> PathBuf {
        self.file("labcircle.toml", toml)
    }

    /// A file in the home (next to, not inside, the data directory).
    pub fn file(&self, name: &str, contents: &str) -> PathBuf {
        let path = self.path().join(name);
        std::fs::write(&path, contents).expect("write a test file");
        path
    }

    /// The binary with `--data-dir` set to this home's data directory.
    pub fn launch(&self) -> Launch {
        Launch::new().arg("--data-dir").arg(self.data_dir())
    }

    /// The binary with `--config` set to this home's config file (written beforehand).
    pub fn launch_with_config(&self) -> Launch {
        Launch::new().arg("--config").arg(self.config_path())
    }
}

/// How to start the binary: arguments and environment, on top of a clean environment.
#[derive(Clone, Debug)]
pub struct Launch {
    args: Vec<OsString>,
    env: Vec<(OsString, OsString)>,
    wait: Duration,
}

impl Default for Launch {
    fn default() -> Self {
        Self::new()
    }
}

impl Launch {
    pub fn new() -> Launch {
        Launch {
            args: Vec::new(),
            env: Vec::new(),
            wait: WAIT,
        }
    }

    pub fn arg(mut self, arg: impl Into<OsString>) -> Launch {
        self.args.push(arg.into());
        self
    }

    pub fn args<I: Into<OsString>>(mut self, args: impl IntoIterator<Item = I>) -> Launch {
        self.args.extend(args.into_iter().map(Into::into));
        self
    }

    /// Sets a variable in the child's environment.
    pub fn env(mut self, key: impl Into<OsString>, value: impl Into<OsString>) -> Launch {
        self.env.push((key.into(), value.into()));
        self
    }

    pub fn envs<K: Into<OsString>, V: Into<OsString>>(
        mut self,
        vars: impl IntoIterator<Item = (K, V)>,
    ) -> Launch {
        self.env
            .extend(vars.into_iter().map(|(k, v)| (k.into(), v.into())));
        self
    }

    /// How long waits for a line last (default [`WAIT`]).
    pub fn wait(mut self, wait: Duration) -> Launch {
        self.wait = wait;
        self
    }

    fn command(&self) -> Command {
        let mut command = Command::new(binary());
        for (key, _) in std::env::vars_os() {
            if key.to_string_lossy().starts_with("LABCIRCLE_") {
                command.env_remove(key);
            }
        }
        command
            .args(&self.args)
            .envs(self.env.iter().map(|(k, v)| (k, v)))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        command
    }

    fn describe(&self) -> String {
        let args: Vec<_> = self.args.iter().map(|a| a.to_string_lossy()).collect();
        format!("labcircle {}", args.join(" "))
    }

    /// Starts the binary and reads its output in the background.
    pub fn start(&self) -> Process {
        let mut child = self
            .command()
            .spawn()
            .unwrap_or_else(|e| panic!("start {}: {e}", binary().display()));
        let output = Output::capture(&mut child);
        Process {
            stdin: child.stdin.take(),
            child,
            output,
            cursor: AtomicUsize::new(0),
            launch: self.clone(),
        }
    }

    /// Runs the binary to the end with `input` on standard input (then closed).
    pub fn run(&self, input: impl AsRef<[u8]>) -> Run {
        let mut process = self.start();
        if let Some(mut stdin) = process.stdin.take() {
            // A binary that exits without reading all of it closes the pipe: not our failure.
            let _ = stdin.write_all(input.as_ref());
        }
        let deadline = Instant::now() + RUN_LIMIT;
        let status = loop {
            if let Some(status) = process.child.try_wait().expect("wait for labcircle") {
                break status;
            }
            if Instant::now() > deadline {
                let _ = process.child.kill();
                panic!(
                    "{} still running after {RUN_LIMIT:?}; output:\n{}",
                    self.describe(),
                    process.output()
                );
            }
            std::thread::sleep(Duration::from_millis(5));
        };
        process.output.finish();
        let captured = process.output.captured.lock().unwrap();
        Run {
            stdout: String::from_utf8(captured.stdout.clone()).expect("UTF-8 output"),
            stderr: String::from_utf8(captured.stderr.clone()).expect("UTF-8 errors"),
            success: status.success(),
            status,
        }
    }
}

/// What a finished run printed (tests show it in their assertion messages).
pub struct Run {
    pub stdout: String,
    pub stderr: String,
    pub success: bool,
    pub status: ExitStatus,
}

/// Which stream a line came on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stream {
    Out,
    Err,
}

#[derive(Default)]
struct Captured {
    stdout: Vec<u8>,
    stderr: Vec<u8>,
    /// Both streams' lines in the order they were read.
    lines: Vec<(Stream, String)>,
    /// How many of the two streams have ended (both: the process is gone).
    closed: u8,
}

/// The child's output, filled by one reader thread per stream.
#[derive(Clone, Default)]
struct Output {
    captured: Arc<Mutex<Captured>>,
    readers: Arc<Mutex<Vec<std::thread::JoinHandle<()>>>>,
    /// Woken at every line and at each stream's end, so waits add no polling delay.
    arrived: Arc<tokio::sync::Notify>,
}

impl Output {
    fn capture(child: &mut Child) -> Output {
        let output = Output::default();
        let streams: [(Stream, Box<dyn Read + Send>); 2] = [
            (Stream::Out, Box::new(child.stdout.take().expect("stdout"))),
            (Stream::Err, Box::new(child.stderr.take().expect("stderr"))),
        ];
        for (stream, pipe) in streams {
            let captured = output.captured.clone();
            let arrived = output.arrived.clone();
            let reader = std::thread::spawn(move || {
                let mut pipe = BufReader::new(pipe);
                let mut line = Vec::new();
                while matches!(pipe.read_until(b'\n', &mut line), Ok(n) if n > 0) {
                    let mut c = captured.lock().unwrap();
                    match stream {
                        Stream::Out => c.stdout.extend_from_slice(&line),
                        Stream::Err => c.stderr.extend_from_slice(&line),
                    }
                    let text = String::from_utf8_lossy(&line);
                    c.lines
                        .push((stream, text.trim_end_matches(['\n', '\r']).to_owned()));
                    drop(c);
                    line.clear();
                    arrived.notify_waiters();
                }
                captured.lock().unwrap().closed += 1;
                arrived.notify_waiters();
            });
            output.readers.lock().unwrap().push(reader);
        }
        output
    }

    /// Waits until both streams are closed (the child has exited).
    fn finish(&self) {
        for reader in self.readers.lock().unwrap().drain(..) {
            let _ = reader.join();
        }
    }
}

/// A running `labcircle`: standard input open, output read line by line, killed on drop.
pub struct Process {
    child: Child,
    stdin: Option<ChildStdin>,
    output: Output,
    /// Where [`Process::next_line`] goes on from.
    cursor: AtomicUsize,
    launch: Launch,
}

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        if std::thread::panicking() {
            keep_logs(&self.launch.describe(), &self.output());
        }
    }
}

impl Process {
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Everything printed so far, both streams interleaved (errors marked `!`).
    pub fn output(&self) -> String {
        let c = self.output.captured.lock().unwrap();
        c.lines
            .iter()
            .map(|(s, l)| match s {
                Stream::Out => format!("  {l}"),
                Stream::Err => format!("! {l}"),
            })
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// Standard output so far.
    pub fn stdout(&self) -> String {
        String::from_utf8_lossy(&self.output.captured.lock().unwrap().stdout).into_owned()
    }

    /// Standard error so far.
    pub fn stderr(&self) -> String {
        String::from_utf8_lossy(&self.output.captured.lock().unwrap().stderr).into_owned()
    }

    /// How many lines have been read so far, to wait only for later ones.
    pub fn mark(&self) -> usize {
        self.output.captured.lock().unwrap().lines.len()
    }

    /// How many lines so far contain `needle`.
    pub fn count(&self, needle: &str) -> usize {
        let c = self.output.captured.lock().unwrap();
        c.lines.iter().filter(|(_, l)| l.contains(needle)).count()
    }

    /// Writes a line to standard input.
    pub fn send_line(&mut self, line: &str) {
        let stdin = self.stdin.as_mut().expect("standard input is open");
        writeln!(stdin, "{line}").expect("write to labcircle");
        stdin.flush().expect("flush labcircle's standard input");
    }

    /// Closes standard input (the console ends at its end).
    pub fn close_stdin(&mut self) {
        self.stdin = None;
    }

    /// The first line at or after line `mark` containing `needle` (either stream), and its
    /// index; fails the test if none comes in time or the process ends first.
    pub async fn line_after(&self, mark: usize, needle: &str) -> (usize, String) {
        let deadline = tokio::time::Instant::now() + self.launch.wait;
        loop {
            let arrived = self.output.arrived.notified();
            tokio::pin!(arrived);
            arrived.as_mut().enable();
            let (found, ended) = {
                let c = self.output.captured.lock().unwrap();
                let found = c.lines.get(mark..).and_then(|lines| {
                    let i = lines.iter().position(|(_, l)| l.contains(needle))?;
                    Some((mark + i, lines[i].1.clone()))
                });
                (found, c.closed == 2)
            };
            if let Some(found) = found {
                return found;
            }
            assert!(
                !ended && tokio::time::Instant::now() < deadline,
                "{} {} before printing {needle:?}; it printed:\n{}",
                self.launch.describe(),
                if ended { "ended" } else { "took too long" },
                self.output()
            );
            let _ = tokio::time::timeout_at(
                deadline.min(tokio::time::Instant::now() + Duration::from_millis(250)),
                arrived,
            )
            .await;
        }
    }

    /// Waits for a line containing `needle`, anywhere in the output so far or to come.
    pub async fn wait_line(&self, needle: &str) -> String {
        self.line_after(0, needle).await.1
    }

    /// Waits for the next line containing `needle` after the last one this returned: each
    /// call consumes the output up to its line.
    pub async fn next_line(&self, needle: &str) -> String {
        let (at, line) = self
            .line_after(self.cursor.load(Ordering::SeqCst), needle)
            .await;
        self.cursor.fetch_max(at + 1, Ordering::SeqCst);
        line
    }

    /// Moves a simulated clock (`--clock`) forward (`5s`, `1h`, …) and waits until it has.
    pub async fn advance(&mut self, by: &str) {
        let mark = self.mark();
        self.send_line(&format!(":advance {by}"));
        let (at, _) = self.line_after(mark, "(the time is now").await;
        self.cursor.fetch_max(at + 1, Ordering::SeqCst);
    }

    /// Sends SIGTERM and waits up to `grace` for the process to end: `None` if it has not.
    pub async fn terminate(&mut self, grace: Duration) -> Option<ExitStatus> {
        self.signal("TERM", grace).await
    }

    /// Sends the signal `name` (`TERM`, `INT`) and waits up to `grace` for the process to end:
    /// `None` if it has not.
    pub async fn signal(&mut self, name: &str, grace: Duration) -> Option<ExitStatus> {
        if let Some(status) = self.child.try_wait().expect("wait for labcircle") {
            return Some(status);
        }
        let sent = Command::new("kill")
            .args([&format!("-{name}"), &self.pid().to_string()])
            .status()
            .expect("run kill");
        assert!(sent.success(), "kill -{name} {}", self.pid());
        let deadline = tokio::time::Instant::now() + grace;
        loop {
            if let Some(status) = self.child.try_wait().expect("wait for labcircle") {
                self.output.finish();
                return Some(status);
            }
            if tokio::time::Instant::now() > deadline {
                return None;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Stops the process as a service manager would: SIGTERM, and SIGKILL after [`GRACE`].
    pub async fn stop(&mut self) -> ExitStatus {
        match self.terminate(GRACE).await {
            Some(status) => status,
            None => self.kill(),
        }
    }

    /// Kills the process at once (SIGKILL: as abrupt as a crash).
    pub fn kill(&mut self) -> ExitStatus {
        let _ = self.child.kill();
        let status = self.child.wait().expect("wait for labcircle");
        self.output.finish();
        status
    }

    /// The same launch again (after [`Process::kill`] or [`Process::stop`]), on the same data.
    pub fn relaunch(&self) -> Process {
        self.launch.start()
    }
}

static KEPT: AtomicU32 = AtomicU32::new(0);

/// Writes a failed test's captured output to a file and prints where, with the last lines.
fn keep_logs(command: &str, text: &str) {
    let test = std::thread::current()
        .name()
        .unwrap_or("test")
        .replace(|c: char| !c.is_ascii_alphanumeric() && c != '_', "_");
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("labcircle-logs");
    let path = dir.join(format!(
        "{test}-{}-{}.log",
        std::process::id(),
        KEPT.fetch_add(1, Ordering::SeqCst)
    ));
    let written = std::fs::create_dir_all(&dir)
        .and_then(|()| std::fs::write(&path, format!("{command}\n{text}\n")));
    let lines: Vec<&str> = text.lines().collect();
    let tail = lines[lines.len().saturating_sub(40)..].join("\n");
    match written {
        Ok(()) => eprintln!(
            "--- {command}: output kept in {} (last lines below) ---\n{tail}",
            path.display()
        ),
        Err(e) => eprintln!("--- {command}: output (could not keep it: {e}) ---\n{text}"),
    }
}
