//! The platform-neutral reply model. The domain says *what* to tell whom; each adapter decides
//! how it looks (Discord embeds, Matrix HTML with a plain-text body, console text).
//!
//! Every string in a reply may contain member-written text (group names, descriptions, search
//! words). Adapters that can ping people must neutralise mentions in all of it when rendering.

use chrono::{DateTime, Utc};

/// The label of the field that says when something happens. Adapters that can show an
/// instant in each reader's own time zone (Discord timestamps) replace this field's value when
/// the reply carries [`Reply::starts_at`].
pub const WHEN_FIELD: &str = "When";

/// Labels of fields whose value comes from a link field (an entry's url and source, a meetup's
/// link), checked as an http(s) address when it was entered. Adapters that turn text into links
/// make links only of these values (and of [`Item::link`]), shown as the plain address; every
/// other string is shown as plain text.
pub const LINK_FIELDS: [&str; 2] = ["Link", "Source"];

/// An answer a member can give to a message in one tap. Adapters with buttons offer these as
/// buttons; the others leave them out (the message's text says how to answer).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Choice {
    /// The same as reacting to the message with `emoji`.
    Reaction { emoji: String, label: String },
    /// The same as typing the command `line`.
    Command { line: String, label: String },
}

/// Who sees a reply to a command.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Visibility {
    /// In the channel or room where the command was given.
    Channel,
    /// Only the member who gave the command (a DM, an ephemeral response).
    Private,
}

/// The tone of a reply, for adapters that colour or mark it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    Info,
    /// The command was not understood or not allowed; nothing was changed.
    Problem,
}

/// One thing in a list of results.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    pub title: String,
    /// A short line under the title: kind · format · region.
    pub subtitle: String,
    pub lines: Vec<String>,
    /// From a link field (see [`LINK_FIELDS`]).
    pub link: Option<String>,
}

/// A part of a reply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block {
    Text(String),
    /// A numbered list of results.
    Items {
        first_number: usize,
        items: Vec<Item>,
    },
    /// Label → value pairs (an entry in full).
    Fields(Vec<(String, String)>),
    /// Bullet points.
    Bullets(Vec<String>),
    /// A file to attach (a calendar file); adapters without attachments show its text.
    File {
        name: String,
        content: String,
    },
    /// A picture (the check-in trend chart), sent wherever the reply goes: a Discord
    /// attachment, a Matrix `m.image`, a private file on the console. `alt` says in words what
    /// it shows, for screen readers and anyone who cannot see it.
    Image {
        name: String,
        png: Vec<u8>,
        alt: String,
        width: u32,
        height: u32,
    },
}

/// A message from the bot.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    pub visibility: Visibility,
    pub tone: Tone,
    pub title: Option<String>,
    pub blocks: Vec<Block>,
    /// A hint under the message: the next page, what to try next.
    pub footer: Option<String>,
    /// When what the reply is about starts (a meetup), for adapters that show instants in each
    /// reader's zone; the text already says it in the meetup's zone (see [`WHEN_FIELD`]).
    pub starts_at: Option<DateTime<Utc>>,
    /// One-tap answers (see [`Choice`]); not part of the plain text.
    pub choices: Vec<Choice>,
}

impl Reply {
    /// A reply in the channel.
    pub fn channel(title: impl Into<String>) -> Self {
        Self {
            visibility: Visibility::Channel,
            tone: Tone::Info,
            title: Some(title.into()),
            blocks: Vec::new(),
            footer: None,
            starts_at: None,
            choices: Vec::new(),
        }
    }

    /// A reply only the member sees.
    pub fn private(title: impl Into<String>) -> Self {
        Self {
            visibility: Visibility::Private,
            ..Self::channel(title)
        }
    }

    /// A refusal or a "not understood": says what was wrong and what is accepted. Problems
    /// often quote what the member typed, so mentions in them are neutralised.
    pub fn problem(message: impl Into<String>) -> Self {
        Self {
            visibility: Visibility::Channel,
            tone: Tone::Problem,
            title: None,
            blocks: vec![Block::Text(super::mentions::neutralize(&message.into()))],
            footer: None,
            starts_at: None,
            choices: Vec::new(),
        }
    }

    pub fn text(mut self, text: impl Into<String>) -> Self {
        self.blocks.push(Block::Text(text.into()));
        self
    }

    pub fn block(mut self, block: Block) -> Self {
        self.blocks.push(block);
        self
    }

    pub fn footer(mut self, footer: impl Into<String>) -> Self {
        self.footer = Some(footer.into());
        self
    }

    pub fn starts_at(mut self, at: DateTime<Utc>) -> Self {
        self.starts_at = Some(at);
        self
    }

    pub fn choice(mut self, choice: Choice) -> Self {
        self.choices.push(choice);
        self
    }

    /// The reply as plain text: the console's rendering and the plain body of richer ones.
    pub fn to_plain_text(&self) -> String {
        let mut parts: Vec<String> = Vec::new();
        if let Some(title) = &self.title {
            parts.push(title.clone());
        }
        for block in &self.blocks {
            parts.push(match block {
                Block::Text(t) => t.clone(),
                Block::Items {
                    first_number,
                    items,
                } => items
                    .iter()
                    .enumerate()
                    .map(|(i, item)| {
                        let mut s = format!("{}. {}", first_number + i, item.title);
                        if !item.subtitle.is_empty() {
                            s.push_str(&format!(" ({})", item.subtitle));
                        }
                        for line in &item.lines {
                            s.push_str(&format!("\n   {line}"));
                        }
                        if let Some(link) = &item.link {
                            s.push_str(&format!("\n   {link}"));
                        }
                        s
                    })
                    .collect::<Vec<_>>()
                    .join("\n"),
                Block::Fields(fields) => fields
                    .iter()
                    .map(|(k, v)| format!("{k}: {v}"))
                    .collect::<Vec<_>>()
                    .join("\n"),
                Block::File { name, content } => format!("--- {name} ---\n{}", content.trim_end()),
                Block::Image { name, alt, .. } => format!("[picture {name}: {alt}]"),
                Block::Bullets(items) => items
                    .iter()
                    .map(|i| format!("- {i}"))
                    .collect::<Vec<_>>()
                    .join("\n"),
            });
        }
        if let Some(footer) = &self.footer {
            parts.push(footer.clone());
        }
        // Problems are not prefixed: each says what happened and what to do in its own words.
        parts.join("\n")
    }
}

/// Something the bot sends as the result of an event.
///
/// Only the answer to what the member just did is sent straight back. A private message to a
/// member about something that happened (a place opened up, a suggestion was decided, a
/// reaction did not count) is not an `Outgoing`: the bot queues it in the outbox as a
/// [`Notice`](super::notices::Notice), so a failed send is retried with backoff and a retry or
/// a restart never sends it twice. (There was an `Outgoing::Direct` for those; adapters sent it
/// once, and after one server error the member was never told.)
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outgoing {
    /// The answer to the command, where it was given (or privately, by its visibility).
    Reply(Reply),
}
