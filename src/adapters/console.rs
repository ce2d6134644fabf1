//! The console adapter: one member at a time types commands on standard input; replies come
//! back as plain text on standard output. For trying labcircle locally and for end-to-end tests
//! (piped input works non-interactively).
//!
//! Output format, one block per bot message, then an empty line:
//!
//! ```text
//! [#3] 2 groups for /findgroup specialty:histotechnology state:OH (page 1 of 1)
//! …
//! [private to alice #4] Thank you: your suggestion is #1 in the review queue.
//! ```
//!
//! Every bot message has a number (`#3`) that `:react 3 ✅` refers to. Private messages are
//! marked with who sees them.
//!
//! Lines starting with `:` are console controls (see [`crate::domain::help::CONSOLE_CONTROLS`]);
//! lines starting with `#` are comments (handy in scripts); anything else is a command.

use std::collections::HashMap;
use std::io::Write;

use anyhow::Context;
use tokio::io::{AsyncBufRead, AsyncBufReadExt};

use crate::bot::{Bot, Incoming};
use crate::domain::identity::{Actor, CommunityId, Member, Platform, Role, UserId};
use crate::domain::reply::{Outgoing, Reply, Visibility};

/// Who is typing.
#[derive(Debug, Clone)]
pub struct ConsoleUser {
    pub name: String,
    pub role: Role,
}

/// The console session: reads lines until end of input or `:quit`.
pub struct Console<W: Write> {
    bot: Bot,
    out: W,
    user: ConsoleUser,
    next_post: u64,
    /// Every bot message by number: `None` in the channel, `Some(name)` private to `name`.
    posts: HashMap<u64, Option<String>>,
}

impl<W: Write> Console<W> {
    pub fn new(bot: Bot, out: W, user: ConsoleUser) -> Self {
        Self {
            bot,
            out,
            user,
            next_post: 1,
            posts: HashMap::new(),
        }
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
        loop {
            if prompt {
                eprint!("{}> ", self.user.name);
            }
            bytes.clear();
            let read = input
                .read_until(b'\n', &mut bytes)
                .await
                .context("cannot read standard input")?;
            if read == 0 {
                break;
            }
            // Text that is not UTF-8 is read with replacement characters, not refused.
            let line = String::from_utf8_lossy(&bytes);
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            if let Some(control) = line.strip_prefix(':') {
                if !self.control(control).await? {
                    break;
                }
                continue;
            }
            let incoming = Incoming::Command {
                actor: self.actor(),
                text: line.to_owned(),
            };
            let outgoing = self.bot.handle(incoming).await;
            for message in outgoing {
                self.print(message)?;
            }
        }
        Ok(())
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
                id: "console".into(),
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
                        Err(e) => return self.note(&e).map(|()| true),
                    },
                    None => Role::Member,
                };
                if !valid_name(name) {
                    self.note("A name is one word of letters, digits, '-', '_' or '.'.")?;
                } else {
                    self.user = ConsoleUser {
                        name: (*name).to_owned(),
                        role,
                    };
                    self.note(&format!("now acting as {name} ({role})"))?;
                }
            }
            [verb @ ("react" | "unreact"), post, emoji] => {
                let added = *verb == "react";
                let number = post.trim_start_matches('#').parse::<u64>().ok();
                match number.and_then(|n| Some((n, self.posts.get(&n)?.clone()))) {
                    None => self.note(&format!(
                        "There is no bot message #{}; the numbers are shown as [#N].",
                        post.trim_start_matches('#')
                    ))?,
                    Some((n, Some(owner))) if owner != self.user.name => self.note(&format!(
                        "Message #{n} is private to {owner}; only {owner} can react to it \
                         (:as {owner})."
                    ))?,
                    Some((n, _)) => {
                        let incoming = Incoming::Reaction {
                            actor: self.actor(),
                            post: n.to_string(),
                            emoji: (*emoji).to_owned(),
                            added,
                        };
                        let outgoing = self.bot.handle(incoming).await;
                        let did = if added { "reacted" } else { "took back" };
                        self.note(&format!("{} {did} {emoji} on #{n}", self.user.name))?;
                        for message in outgoing {
                            self.print(message)?;
                        }
                    }
                }
            }
            _ => {
                let list: Vec<&str> = crate::domain::help::CONSOLE_CONTROLS
                    .iter()
                    .map(|(c, _)| *c)
                    .collect();
                self.note(&format!(
                    "Unknown console control :{control}. Controls: {}.",
                    list.join(", ")
                ))?;
            }
        }
        Ok(true)
    }

    /// A line from the console itself (not the bot), in parentheses.
    fn note(&mut self, text: &str) -> anyhow::Result<()> {
        writeln!(self.out, "({text})\n").context("cannot write to standard output")
    }

    fn print(&mut self, message: Outgoing) -> anyhow::Result<()> {
        let number = self.next_post;
        self.next_post += 1;
        let (label, reply): (String, Reply) = match message {
            Outgoing::Reply(reply) => match reply.visibility {
                Visibility::Channel => {
                    self.posts.insert(number, None);
                    (format!("[#{number}]"), reply)
                }
                Visibility::Private => {
                    self.posts.insert(number, Some(self.user.name.clone()));
                    (format!("[private to {} #{number}]", self.user.name), reply)
                }
            },
            Outgoing::Direct { to, reply } => {
                // On the console a member's id is their name.
                self.posts.insert(number, Some(to.user.id.clone()));
                (format!("[private to {} #{number}]", to.display_name), reply)
            }
        };
        writeln!(self.out, "{label} {}\n", reply.to_plain_text())
            .context("cannot write to standard output")?;
        self.out.flush().context("cannot write to standard output")
    }
}

fn valid_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 64
        && name
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.'))
}
