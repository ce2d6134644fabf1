//! The console adapter: one member at a time types commands on standard input; replies come
//! back as plain text on standard output. For trying labcircle locally and for end-to-end tests
//! (piped input works non-interactively).
//!
//! Output format, one block per bot message, then an empty line:
//!
//! ```text
//! [#3] 2 groups for /findgroup specialty:histotechnology state:OH (page 1 of 1)
//! …
//! [private to alice #4] How are you doing this week?
//! ```
//!
//! Every bot message has a number (`#3`) that `:react 3 ✅` refers to. Private messages are
//! marked with who sees them.
//!
//! Lines starting with `:` are console controls (see [`crate::domain::help::CONSOLE_CONTROLS`]);
//! lines starting with `#` are comments (handy in scripts); anything else is a command.
//!
//! The console runs on the same [`Runtime`] as the chat adapters, as its platform's only
//! dispatcher: after every line, and while idle on the system clock, one pass ticks the
//! scheduler and prints what is due. With a simulated clock (`--clock`), time moves only with
//! `:advance`, which runs everything that falls due on the way, in order.

use std::collections::HashMap;
use std::io::Write;

use anyhow::Context;
use chrono::{DateTime, Utc};
use tokio::io::{AsyncBufRead, AsyncBufReadExt};

use crate::bot::{Bot, Incoming};
use crate::domain::identity::{Actor, CommunityId, Member, Platform, Role, UserId};
use crate::domain::reply::{Block, Outgoing, Reply, Visibility};
use crate::runtime::Runtime;
use crate::scheduler::{Deliver, Delivery, DeliveryError, Target};

/// Longest the console waits for a line while the bot is simulated offline.
const OFFLINE_RECHECK: std::time::Duration = std::time::Duration::from_secs(30);
/// How soon the scheduler tries again after finding the database busy.
const BUSY_RECHECK: std::time::Duration = std::time::Duration::from_secs(5);

/// Who is typing.
#[derive(Debug, Clone)]
pub struct ConsoleUser {
    pub name: String,
    pub role: Role,
}

/// Where bot messages go, numbered.
struct Printer<W: Write> {
    out: W,
    next_post: u64,
    /// Unique to this console run: message numbers restart with every run, so the ids the
    /// bot stores (and reactions look up) are `SESSION:N`.
    session: String,
    /// Where attached files are saved (see [`Console::files_in`]); `None` shows them inline.
    files: Option<std::path::PathBuf>,
}

impl<W: Write> Printer<W> {
    fn message_id(&self, number: u64) -> String {
        format!("{}:{number}", self.session)
    }
}

impl<W: Write> Printer<W> {
    /// Prints a message under a label and returns its number.
    fn print(&mut self, to: Option<&str>, reply: &Reply) -> anyhow::Result<u64> {
        let number = self.next_post;
        self.next_post += 1;
        let label = match to {
            None => format!("[#{number}]"),
            Some(name) => format!("[private to {name} #{number}]"),
        };
        let reply = self.save_files(reply)?;
        writeln!(self.out, "{label} {}\n", reply.to_plain_text())
            .context("cannot write to standard output")?;
        self.out
            .flush()
            .context("cannot write to standard output")?;
        Ok(number)
    }

    /// Saves each attached file under the files folder, as a chat would offer it for download,
    /// and names where it went. A calendar file is short and meant to be copied, so it is
    /// still shown too; anything else (a member's data export) is shown only as its path.
    fn save_files(&self, reply: &Reply) -> anyhow::Result<Reply> {
        let Some(dir) = &self.files else {
            return Ok(reply.clone());
        };
        let mut out = reply.clone();
        for block in &mut out.blocks {
            if let Block::Image { name, png, alt, .. } = block {
                *block = Block::Text(save_image(dir, name, png, alt)?);
                continue;
            }
            let Block::File { name, content } = block else {
                continue;
            };
            // Names come from the bot ("meetup-12.ics"), never from what a member typed;
            // only the last part is used all the same.
            let file = std::path::Path::new(name.as_str())
                .file_name()
                .map_or_else(|| "attachment".into(), |f| f.to_owned());
            std::fs::create_dir_all(dir)
                .with_context(|| format!("cannot create {}", dir.display()))?;
            let path = dir.join(file);
            std::fs::write(&path, content.as_bytes())
                .with_context(|| format!("cannot write {}", path.display()))?;
            let saved = format!("{name} is saved as {}", path.display());
            *block = if name.ends_with(".ics") {
                Block::File {
                    name: saved,
                    content: std::mem::take(content),
                }
            } else {
                Block::Text(saved)
            };
        }
        Ok(out)
    }

    /// A line from the console itself (not the bot), in parentheses.
    fn note(&mut self, text: &str) -> anyhow::Result<()> {
        writeln!(self.out, "({text})\n").context("cannot write to standard output")
    }
}

/// Saves a picture (a member's trend chart) readable by its owner only (0600) in a private
/// folder (0700), and says where it is and what it shows. It stays until the next one of the
/// same name replaces it or the operator deletes it.
fn save_image(dir: &std::path::Path, name: &str, png: &[u8], alt: &str) -> anyhow::Result<String> {
    let file = std::path::Path::new(name)
        .file_name()
        .map_or_else(|| "picture.png".into(), |f| f.to_owned());
    crate::files::create_private_dir(dir)
        .with_context(|| format!("cannot create {}", dir.display()))?;
    let path = dir.join(file);
    crate::files::write_private_file(&path, png)
        .with_context(|| format!("cannot write {}", path.display()))?;
    Ok(format!(
        "Picture {name} is saved as {}\nIt shows: {alt}",
        path.display()
    ))
}

impl<W: Write> Printer<W> {
    fn show(&mut self, delivery: &Delivery) -> anyhow::Result<String> {
        match &delivery.target {
            Target::Member(member) => {
                let n = self.print(Some(&member.display_name), &delivery.reply)?;
                Ok(self.message_id(n))
            }
            Target::Channel { .. } | Target::Room { .. } => {
                let n = self.print(None, &delivery.reply)?;
                if !delivery.reactions.is_empty() {
                    self.note(&format!(
                        "labcircle reacted {} on #{n}",
                        delivery.reactions.join(" ")
                    ))?;
                }
                Ok(self.message_id(n))
            }
            Target::Meeting {
                members,
                to,
                welcome,
                ..
            } => {
                let names: Vec<&str> = members.iter().map(|m| m.display_name.as_str()).collect();
                self.print(Some(&names.join(", ")), welcome)?;
                let n = self.print(Some(&to.display_name), &delivery.reply)?;
                Ok(self.message_id(n))
            }
            Target::Edit { message_id, .. } => {
                let shown = message_id
                    .strip_prefix(&format!("{}:", self.session))
                    .map_or("an earlier message".to_owned(), |n| format!("#{n}"));
                writeln!(
                    self.out,
                    "[{shown} edited] {}\n",
                    delivery.reply.to_plain_text()
                )
                .context("cannot write to standard output")?;
                Ok(message_id.clone())
            }
        }
    }
}

impl<W: Write> Deliver for Printer<W> {
    async fn deliver(&mut self, delivery: &Delivery) -> Result<String, DeliveryError> {
        self.show(delivery)
            .map_err(|e| DeliveryError::Transient(e.to_string()))
    }
}

/// The console session: reads lines until end of input or `:quit`.
pub struct Console<W: Write> {
    runtime: Runtime,
    printer: Printer<W>,
    user: ConsoleUser,
    /// Reactions on each message, as a platform would keep them (by message id).
    reactions: HashMap<String, Vec<(Member, String)>>,
    /// Simulated downtime (`:offline`): reactions are kept but the bot does not see them.
    offline: bool,
    /// The community (channel) being typed in: `console` unless `:in NAME` changed it.
    community: String,
}

impl<W: Write> Console<W> {
    pub fn new(runtime: Runtime, out: W, user: ConsoleUser) -> Self {
        Self {
            runtime,
            reactions: HashMap::new(),
            offline: false,
            community: "console".into(),
            printer: Printer {
                out,
                next_post: 1,
                session: session_id(),
                files: None,
            },
            user,
        }
    }

    /// Saves attached files (a meetup's calendar, a member's data export) in `dir` and prints
    /// their path, as a chat would offer them for download.
    pub fn files_in(mut self, dir: std::path::PathBuf) -> Self {
        self.printer.files = Some(dir);
        self
    }

    /// Runs until the input ends or `:quit`. `prompt` is shown (on standard error) before each
    /// line when a person is typing.
    pub async fn run<R: AsyncBufRead + Unpin>(
        &mut self,
        input: R,
        prompt: bool,
    ) -> anyhow::Result<()> {
        let mut input = input;
        let mut bytes = Vec::new();
        let mut wait = self.pump().await?;
        loop {
            if prompt {
                eprint!("{}> ", self.user.name);
            }
            // On the system clock, prompts fall due while the console waits for a line.
            let read = loop {
                tokio::select! {
                    read = input.read_until(b'\n', &mut bytes) => {
                        break read.context("cannot read standard input")?;
                    }
                    () = tokio::time::sleep(wait), if !self.bot().clock().is_manual() => {
                        wait = self.pump().await?;
                    }
                }
            };
            if read == 0 {
                break;
            }
            // Text that is not UTF-8 is read with replacement characters, not refused.
            let line = String::from_utf8_lossy(&bytes).trim().to_owned();
            bytes.clear();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            if let Some(control) = line.strip_prefix(':') {
                if !self.control(control).await? {
                    break;
                }
                wait = self.pump().await?;
                continue;
            }
            if self.offline {
                self.printer
                    .note("The bot is offline; :online brings it back.")?;
                continue;
            }
            // The console is a private chat with the bot: a line is a command or a request.
            let incoming = Incoming::Message {
                actor: self.actor(),
                text: line,
            };
            let outgoing = self.bot().handle(incoming).await;
            self.print_all(outgoing)?;
            wait = self.pump().await?;
        }
        Ok(())
    }

    fn bot(&self) -> &Bot {
        self.runtime.bot()
    }

    /// One pass of the runtime: the scheduler ticks and what is due is printed (not while
    /// the bot is simulated offline). Returns how long until more may fall due.
    async fn pump(&mut self) -> anyhow::Result<std::time::Duration> {
        if self.offline {
            return Ok(OFFLINE_RECHECK);
        }
        match self
            .runtime
            .flush(Platform::Console, &mut self.printer)
            .await
        {
            // Another process holds the database: the console carries on (its commands are
            // answered "busy"), and the scheduler tries again at the next line or shortly.
            Err(e) if crate::runtime::is_busy(&e) => {
                self.runtime.busy_warning(Platform::Console);
                Ok(BUSY_RECHECK)
            }
            other => other,
        }
    }

    /// Moves a simulated clock to `target`, running what falls due on the way, in order.
    async fn advance_to(&mut self, target: DateTime<Utc>) -> anyhow::Result<()> {
        if self.offline {
            // Down: time passes, nothing runs.
            self.bot().clock().set(target);
            return Ok(());
        }
        self.runtime
            .advance_through(target, Platform::Console, &mut self.printer)
            .await
    }

    fn actor(&self) -> Actor {
        Actor {
            member: Member {
                user: UserId::new(Platform::Console, self.user.name.clone()),
                display_name: self.user.name.clone(),
            },
            role: self.user.role,
            community: CommunityId {
                platform: Platform::Console,
                id: self.community.clone(),
            },
        }
    }

    /// A console control. Returns false to stop.
    async fn control(&mut self, control: &str) -> anyhow::Result<bool> {
        let words: Vec<&str> = control.split_whitespace().collect();
        match words.as_slice() {
            ["quit" | "q" | "exit"] => return Ok(false),
            ["as", name] | ["as", name, _] => {
                let role = match words.get(2) {
                    Some(r) => match r.parse::<Role>() {
                        Ok(role) => role,
                        Err(e) => return self.printer.note(&e).map(|()| true),
                    },
                    None => Role::Member,
                };
                if !valid_name(name) {
                    self.printer
                        .note("A name is one word of letters, digits, '-', '_' or '.'.")?;
                } else {
                    self.user = ConsoleUser {
                        name: (*name).to_owned(),
                        role,
                    };
                    self.printer
                        .note(&format!("now acting as {name} ({role})"))?;
                }
            }
            [verb @ ("react" | "unreact"), post, emoji] => {
                let added = *verb == "react";
                let number = post.trim_start_matches('#').parse::<u64>().ok();
                match number.filter(|n| *n > 0 && *n < self.printer.next_post) {
                    None => self.printer.note(&format!(
                        "There is no bot message #{}; the numbers are shown as [#N].",
                        post.trim_start_matches('#')
                    ))?,
                    Some(n) => {
                        let did = if added { "reacted" } else { "took back" };
                        self.printer
                            .note(&format!("{} {did} {emoji} on #{n}", self.user.name))?;
                        let message = self.printer.message_id(n);
                        let me = self.actor().member;
                        let on_message = self.reactions.entry(message).or_default();
                        let this = (me, (*emoji).to_owned());
                        on_message.retain(|r| r != &this);
                        if added {
                            on_message.push(this);
                        }
                        if self.offline {
                            self.printer.note(
                                "the bot is offline; it will see this reaction when it comes back",
                            )?;
                            return Ok(true);
                        }
                        let incoming = Incoming::Reaction {
                            actor: self.actor(),
                            post: self.printer.message_id(n),
                            emoji: (*emoji).to_owned(),
                            added,
                        };
                        let outgoing = self.bot().handle(incoming).await;
                        self.print_all(outgoing)?;
                        self.pump().await?;
                    }
                }
            }
            ["advance", amount] => {
                if !self.bot().clock().is_manual() {
                    self.printer.note(
                        "The console runs on the system clock; start it with --clock TIME to \
                         move time with :advance.",
                    )?;
                } else {
                    match crate::domain::schedule::parse_advance(amount) {
                        Ok(by) => {
                            let target = self.bot().clock().now() + by;
                            self.advance_to(target).await?;
                            self.printer
                                .note(&format!("the time is now {}", target.to_rfc3339()))?;
                        }
                        Err(e) => self.printer.note(&e.to_string())?,
                    }
                }
            }
            ["in", name] => {
                if !valid_name(name) {
                    self.printer.note(
                        "A community name is one word of letters, digits, '-', '_' or '.'.",
                    )?;
                } else {
                    self.community = (*name).to_owned();
                    self.printer.note(&format!("now in community {name}"))?;
                }
            }
            ["offline"] => {
                self.offline = true;
                self.printer.note(
                    "the bot is offline: reactions are kept as a platform keeps them, and \
                     nothing else happens until :online",
                )?;
            }
            ["online"] if self.offline => {
                self.offline = false;
                self.printer.note("the bot is back online")?;
                // As an adapter does on reconnecting: list the reactions on every active
                // announcement and let the bot reconcile its RSVPs with them.
                for (_, message) in self.bot().active_announcements(Platform::Console).await? {
                    let reactions = self.reactions.get(&message).cloned().unwrap_or_default();
                    let incoming = Incoming::ReactionsPresent {
                        post: message,
                        platform: Platform::Console,
                        reactions,
                    };
                    let outgoing = self.bot().handle(incoming).await;
                    self.print_all(outgoing)?;
                }
                self.pump().await?;
            }
            ["online"] => self.printer.note("the bot is online already")?,
            ["time"] => {
                let now = self.bot().clock().now();
                self.printer
                    .note(&format!("the time is {}", now.to_rfc3339()))?;
            }
            _ => {
                let list: Vec<&str> = crate::domain::help::CONSOLE_CONTROLS
                    .iter()
                    .map(|(c, _)| *c)
                    .collect();
                self.printer.note(&format!(
                    "Unknown console control :{control}. Controls: {}.",
                    list.join(", ")
                ))?;
            }
        }
        Ok(true)
    }

    fn print_all(&mut self, outgoing: Vec<Outgoing>) -> anyhow::Result<()> {
        for message in outgoing {
            match message {
                Outgoing::Reply(reply) => match reply.visibility {
                    Visibility::Channel => self.printer.print(None, &reply)?,
                    Visibility::Private => {
                        let name = self.user.name.clone();
                        self.printer.print(Some(&name), &reply)?
                    }
                },
            };
        }
        Ok(())
    }
}

/// An id for this console run.
fn session_id() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    format!("{nanos:x}.{}", std::process::id())
}

fn valid_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 64
        && name
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.'))
}
