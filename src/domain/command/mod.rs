//! The command tables, and how a line of text becomes a [`Command`].
//!
//! Every adapter derives its surface from the tables ([`all`]): the console reads lines, Matrix
//! reads `!`-prefixed messages, Discord registers slash commands with the same names and options
//! and hands over an [`Invocation`] built from them. Help text lives here too, so help and
//! behaviour never drift apart.
//!
//! Each area has its own file, holding its specs, its typed command and how an [`Invocation`]
//! becomes that command: [`help`], [`directory`], [`checkin`], [`account`], [`meetup`] and
//! [`events`]. A spec names its own `parse` function, so a command cannot exist without being
//! typed, and the bot routes the nested [`Command`] with exhaustive matches: a variant nobody
//! handles does not compile.
//!
//! # Grammar
//!
//! ```text
//! line     = ["/"] name [sub] { word | option }
//! option   = key ":" value        e.g.  state:OH   name:"Histology Society of Ohio"
//! ```
//!
//! * Words that are not options form the command's argument (`/findgroup night shift` searches
//!   for "night shift"; `/group show oh-histo` names an entry).
//! * A *word* option (`state:`, `specialty:`, …) takes one word, or two or three where that is
//!   what makes a known value: `state:new york`, `specialty:med tech`.
//! * A *text* option (`name:`, `description:`, …) runs until the next option.
//! * Double quotes keep words together: `name:"A: B"`.
//! * `key:value` with an unknown key is refused with the accepted keys, except links
//!   (`https://…`), which are ordinary words.

use std::fmt;

use super::identity::Role;
use super::vocab::Vocab;

/// A free-text option (`name:…`), declared once and shared by the areas' tables.
macro_rules! field_opt {
    ($name:literal, [$($alias:literal),*], $help:literal) => {
        OptSpec { name: $name, aliases: &[$($alias),*], help: $help, kind: OptKind::Text }
    };
}

pub mod account;
pub mod checkin;
pub mod directory;
pub mod events;
pub mod help;
pub mod meetup;
pub mod pair;
pub mod tips;

pub use account::AccountCommand;
pub use checkin::{CheckinCommand, ShiftEnd, SnoozeFor, parse_snooze};
pub use directory::DirectoryCommand;
pub use events::EventsCommand;
pub use help::HelpCommand;
pub use meetup::{MeetupCommand, MeetupDraft};
pub use pair::PairCommand;
pub use tips::TipCommand;

/// Longest command line accepted, in characters.
pub const MAX_LINE_CHARS: usize = 2000;

/// A mistake in what a member typed, or something they may not do. Its text is the reply.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct UserError(pub String);

/// A value a parser refused is the member's mistake, worded as the parser worded it.
impl From<super::input::InputError> for UserError {
    fn from(e: super::input::InputError) -> Self {
        Self(e.to_string())
    }
}

impl UserError {
    pub fn new(message: impl Into<String>) -> Self {
        Self(message.into())
    }
}

/// How an option's value is read.
#[derive(Clone, Copy)]
pub enum OptKind {
    /// One to three words that make a valid value (checked by the function).
    Word(fn(&str) -> bool),
    /// A whole number.
    Number,
    /// Free text up to the next option.
    Text,
}

/// An option of a command (`state:OH`).
#[derive(Clone, Copy)]
pub struct OptSpec {
    pub name: &'static str,
    pub aliases: &'static [&'static str],
    pub help: &'static str,
    pub kind: OptKind,
}

impl OptSpec {
    fn matches(&self, key: &str) -> bool {
        self.name == key || self.aliases.contains(&key)
    }
}

/// The positional argument of a command.
pub struct ArgSpec {
    pub name: &'static str,
    pub help: &'static str,
    pub required: bool,
    /// Whether it takes all remaining words (free text) or one word.
    pub rest: bool,
}

impl ArgSpec {
    /// One word the command needs (a key, an id).
    const fn one(name: &'static str, help: &'static str) -> ArgSpec {
        ArgSpec {
            name,
            help,
            required: true,
            rest: false,
        }
    }

    /// Words the command may take, all that remain.
    const fn optional_words(name: &'static str, help: &'static str) -> ArgSpec {
        ArgSpec {
            name,
            help,
            required: false,
            rest: true,
        }
    }
}

/// One command: its name (with subcommand, like `group add`), who may use it, and its help.
pub struct CommandSpec {
    pub name: &'static str,
    /// Types an invocation of this command (its values: vocabularies, numbers, lengths).
    pub parse: fn(&Invocation) -> Result<Command, UserError>,
    /// Whether everything the command answers, errors included, is private to the member.
    pub private: bool,
    pub summary: &'static str,
    pub details: &'static str,
    pub role: Role,
    pub arg: Option<ArgSpec>,
    pub options: &'static [OptSpec],
    pub examples: &'static [&'static str],
}

impl CommandSpec {
    /// The usage line: `/group show KEY`.
    pub fn usage(&self) -> String {
        let mut s = format!("/{}", self.name);
        if let Some(arg) = &self.arg {
            if arg.required {
                s.push_str(&format!(" {}", arg.name));
            } else {
                s.push_str(&format!(" [{}]", arg.name));
            }
        }
        if self.options.len() > 6 {
            s.push_str(" field:value …");
        } else {
            for opt in self.options {
                s.push_str(&format!(" [{}:…]", opt.name));
            }
        }
        s
    }
}

fn is<V: Vocab>(s: &str) -> bool {
    V::parse(s).is_ok()
}

/// A typed command, ready for the bot: one variant per area, each an enum of its commands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    Help(HelpCommand),
    Directory(DirectoryCommand),
    Checkin(CheckinCommand),
    Account(AccountCommand),
    Meetup(MeetupCommand),
    Events(EventsCommand),
    Pair(PairCommand),
    Tips(TipCommand),
}

/// The areas' tables, in the order `/help` lists them.
static AREAS: &[&[CommandSpec]] = &[
    help::SPECS,
    directory::SPECS,
    checkin::SPECS,
    account::SPECS,
    meetup::SPECS,
    events::SPECS,
    pair::SPECS,
    tips::SPECS,
];

/// Commands with subcommands, and the subcommand used when none is given.
const DEFAULT_SUBCOMMAND: &[(&str, Option<&str>)] = &[
    ("group", None),
    ("review", Some("list")),
    ("checkin", Some("settings")),
    ("meetup", Some("list")),
    ("pair", Some("status")),
    ("tip", None),
];

/// Every command, in the order `/help` lists them.
pub fn all() -> impl Iterator<Item = &'static CommandSpec> + Clone {
    AREAS.iter().flat_map(|area| area.iter())
}

/// Looks a command up by its full name (`"group add"`).
pub fn spec(name: &str) -> Option<&'static CommandSpec> {
    all().find(|c| c.name == name)
}

/// A command as given, before its values are typed: what adapters with structured options
/// (Discord slash commands) build directly.
#[derive(Debug, Clone)]
pub struct Invocation {
    pub spec: &'static CommandSpec,
    pub arg: Option<String>,
    pub options: Vec<(&'static OptSpec, String)>,
}

impl Invocation {
    /// An invocation from structured values (a slash command's resolved options), checked as
    /// a typed line would be: only the spec's options, each once; the argument as the spec
    /// wants it; no more than [`MAX_LINE_CHARS`] in all. Option values are taken whole: quotes
    /// and colons inside them are text. A free-text argument is read with the line grammar (it
    /// may carry options, like `burnout state:OH`); a one-word argument loses surrounding quotes.
    pub fn from_parts<'a>(
        spec: &'static CommandSpec,
        arg: Option<String>,
        options: impl IntoIterator<Item = (&'a str, String)>,
    ) -> Result<Invocation, UserError> {
        let arg = arg.map(|a| a.trim().to_owned()).filter(|a| !a.is_empty());
        let mut length = spec.name.chars().count() + arg.as_ref().map_or(0, |a| a.chars().count());
        let (arg, mut taken) = match (&spec.arg, arg) {
            // Words typed into a free-text box read as a typed line would: `burnout state:OH`
            // in /findgroup's words filters by state, as it does on the console and Matrix.
            (Some(a), Some(text)) if a.rest && !spec.options.is_empty() => {
                let inner = invocation(&format!("/{} {text}", spec.name))?;
                (inner.arg, inner.options)
            }
            // One word (a key, an id): quotes around it are not part of it.
            (Some(a), Some(text)) if !a.rest => {
                let unquoted = text.trim_matches(['"', '“', '”']).trim().to_owned();
                ((!unquoted.is_empty()).then_some(unquoted), Vec::new())
            }
            (_, arg) => (arg, Vec::new()),
        };
        for (name, value) in options {
            let Some(opt) = spec
                .options
                .iter()
                .find(|o| o.matches(&name.to_lowercase()))
            else {
                return Err(UserError::new(format!(
                    "/{} has no option {name}:. Usage: {}",
                    spec.name,
                    spec.usage()
                )));
            };
            if taken.iter().any(|(o, _)| o.name == opt.name) {
                return Err(UserError::new(format!(
                    "{}: is given twice; give it once.",
                    opt.name
                )));
            }
            length += opt.name.chars().count() + value.chars().count() + 2;
            taken.push((opt, value));
        }
        if length > MAX_LINE_CHARS {
            return Err(UserError::new(format!(
                "That command is {length} characters long; commands can be at most \
                 {MAX_LINE_CHARS}."
            )));
        }
        match (&spec.arg, &arg) {
            (None, Some(a)) => Err(words_without_option(spec, a)),
            (Some(a), None) if a.required => Err(UserError::new(format!(
                "/{} needs a {} ({}). Usage: {}",
                spec.name,
                a.name,
                a.help,
                spec.usage()
            ))),
            (Some(a), Some(given)) if !a.rest && given.split_whitespace().count() > 1 => {
                Err(UserError::new(format!(
                    "/{} takes one {}, not \"{given}\". Usage: {}",
                    spec.name,
                    a.name,
                    spec.usage()
                )))
            }
            _ => Ok(Invocation {
                spec,
                arg,
                options: taken,
            }),
        }
    }
}

impl fmt::Debug for CommandSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name)
    }
}

impl fmt::Debug for OptSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name)
    }
}

/// Reads a command line.
pub fn parse(line: &str) -> Result<Command, UserError> {
    typed(invocation(line)?)
}

/// Finds which command a line names, without reading its arguments (so a permission check can
/// come before any complaint about the arguments).
pub fn resolve(line: &str) -> Result<&'static CommandSpec, UserError> {
    split(line).map(|(spec, _)| spec)
}

/// Splits a line into the command it names and the words after the command's name.
fn split(line: &str) -> Result<(&'static CommandSpec, Vec<Word>), UserError> {
    let line = line.trim();
    if line.chars().count() > MAX_LINE_CHARS {
        return Err(UserError::new(format!(
            "That message is {} characters long, and commands can be at most \
             {MAX_LINE_CHARS}. Please shorten it and send it again.",
            line.chars().count()
        )));
    }
    let line = line.strip_prefix('/').unwrap_or(line);
    let words = tokenize(line)?;
    let mut words = words.into_iter().peekable();
    let Some(first) = words.next() else {
        return Err(UserError::new(
            "Type a command, like /findgroup burnout. /help lists them all.",
        ));
    };
    let name = first.text.to_lowercase();
    let spec = if let Some(&(group, default)) = DEFAULT_SUBCOMMAND.iter().find(|(g, _)| *g == name)
    {
        let subs: Vec<(&str, &'static CommandSpec)> = all()
            .filter_map(|c| Some((c.name.strip_prefix(group)?.strip_prefix(' ')?, c)))
            .collect();
        let names: Vec<&str> = subs.iter().map(|(sub, _)| *sub).collect();
        let find = |wanted: &str| subs.iter().find(|(sub, _)| *sub == wanted).map(|(_, c)| *c);
        let next = words.peek().map(|w| (w.quoted, w.text.clone()));
        let named = next
            .as_ref()
            .filter(|(quoted, _)| !quoted)
            .and_then(|(_, text)| find(&text.to_lowercase()));
        let fallback = default.and_then(find);
        match (named, next, fallback) {
            (Some(spec), _, _) => {
                words.next();
                spec
            }
            (None, Some((_, text)), fallback) if !text.contains(':') || fallback.is_none() => {
                let hint = nearest(&text.to_lowercase(), names.iter().copied())
                    .map(|s| format!(" Did you mean /{group} {s}?"))
                    .unwrap_or_default();
                return Err(UserError::new(format!(
                    "\"{text}\" is not something /{group} does.{hint} Choose one of: {}.",
                    names.join(", ")
                )));
            }
            (None, _, Some(spec)) => spec,
            (None, _, None) => {
                return Err(UserError::new(format!(
                    "/{group} needs one of: {}. For example: /help {group} {}",
                    names.join(", "),
                    names.first().copied().unwrap_or_default()
                )));
            }
        }
    } else if let Some(spec) = spec(&name) {
        spec
    } else {
        let names = top_level_names();
        let hint = nearest(&name, names.iter().copied())
            .map(|s| format!(" Did you mean /{s}?"))
            .unwrap_or_default();
        return Err(UserError::new(format!(
            "I don't know the command /{name}.{hint} Type /help to see every command."
        )));
    };
    Ok((spec, words.collect()))
}

/// Reads a command line into an untyped invocation.
pub fn invocation(line: &str) -> Result<Invocation, UserError> {
    let (spec, rest) = split(line)?;

    let mut arg_words: Vec<String> = Vec::new();
    let mut options: Vec<(&'static OptSpec, String)> = Vec::new();
    let mut open_text: Option<usize> = None; // index into `options` of a text option being read
    let mut i = 0;
    while i < rest.len() {
        let word = &rest[i];
        i += 1;
        // Inside free text, "Note: bring a badge" is prose: only a lower-case key starts an option.
        let prose =
            open_text.is_some() && word.option().is_some_and(|(k, _)| k != k.to_lowercase());
        if let Some((key, value)) = word.option().filter(|_| !prose) {
            let key_lower = key.to_lowercase();
            if let Some(opt) = spec.options.iter().find(|o| o.matches(&key_lower)) {
                if options.iter().any(|(o, _)| o.name == opt.name) {
                    return Err(UserError::new(format!(
                        "{}: is given twice; give it once.",
                        opt.name
                    )));
                }
                open_text = None;
                let mut value = value.to_owned();
                match opt.kind {
                    OptKind::Text => {
                        open_text = Some(options.len());
                    }
                    OptKind::Number => {}
                    OptKind::Word(accepts) => {
                        if value.is_empty() && i < rest.len() && rest[i].option().is_none() {
                            value = rest[i].text.clone();
                            i += 1;
                        }
                        // "state:new york", "state:washington dc": the longest run of up to
                        // three words that makes a value wins.
                        let mut joined = value.clone();
                        let mut best = accepts(&value).then_some(0);
                        for extra in 0..2 {
                            let Some(next) = rest.get(i + extra) else {
                                break;
                            };
                            if next.option().is_some() {
                                break;
                            }
                            joined = format!("{joined} {}", next.text);
                            if accepts(&joined) {
                                best = Some(extra + 1);
                            }
                        }
                        if let Some(taken) = best.filter(|t| *t > 0) {
                            let words: Vec<&str> =
                                rest[i..i + taken].iter().map(|w| w.text.as_str()).collect();
                            value = format!("{value} {}", words.join(" "));
                            i += taken;
                        }
                    }
                }
                options.push((opt, value));
                continue;
            }
            if !word.looks_like_link() {
                let accepted: Vec<&str> = spec.options.iter().map(|o| o.name).collect();
                let hint = nearest(&key_lower, accepted.iter().copied())
                    .map(|s| format!(" Did you mean {s}:?"))
                    .unwrap_or_default();
                let accepted = if accepted.is_empty() {
                    format!("/{} takes no options.", spec.name)
                } else {
                    format!(
                        "Accepted: {}.",
                        accepted
                            .iter()
                            .map(|a| format!("{a}:"))
                            .collect::<Vec<_>>()
                            .join(" ")
                    )
                };
                return Err(UserError::new(format!(
                    "/{} has no option {key}:.{hint} {accepted}",
                    spec.name
                )));
            }
        }
        match open_text {
            Some(index) => {
                let value = &mut options[index].1;
                if !value.is_empty() {
                    value.push(' ');
                }
                value.push_str(&word.text);
            }
            None => arg_words.push(word.text.clone()),
        }
    }

    let arg = match &spec.arg {
        // Someone reaching for the crisis lines gets them, whatever words follow.
        None if spec.name == "crisis" => None,
        None if !arg_words.is_empty() => {
            return Err(words_without_option(spec, &arg_words.join(" ")));
        }
        None => None,
        Some(a) if !a.rest && arg_words.len() > 1 => {
            return Err(UserError::new(format!(
                "/{} takes one {}, not \"{}\". Usage: {}",
                spec.name,
                a.name,
                arg_words.join(" "),
                spec.usage()
            )));
        }
        Some(a) if a.required && arg_words.is_empty() => {
            return Err(UserError::new(format!(
                "/{} needs a {} ({}). Usage: {}",
                spec.name,
                a.name,
                a.help,
                spec.usage()
            )));
        }
        Some(_) => (!arg_words.is_empty()).then(|| arg_words.join(" ")),
    };
    Ok(Invocation { spec, arg, options })
}

/// Types an invocation's values, through its spec's own parse function.
pub fn typed(inv: Invocation) -> Result<Command, UserError> {
    (inv.spec.parse)(&inv)
}

impl Invocation {
    /// An option's value as given, trimmed (`None`: not given).
    pub fn option(&self, name: &str) -> Option<String> {
        self.options
            .iter()
            .find(|(o, _)| o.name == name)
            .map(|(_, v)| v.trim().to_owned())
    }

    /// The argument as given, or empty.
    pub fn arg_text(&self) -> &str {
        self.arg.as_deref().unwrap_or_default()
    }
}

/// A positive whole number, `#` allowed in front (`#3`): the ids commands take.
fn number(text: &str) -> Option<i64> {
    text.trim_start_matches('#')
        .parse::<i64>()
        .ok()
        .filter(|n| *n > 0)
}

/// A vocabulary value that `none` clears: `None` not given, `Some(None)` cleared.
fn clearable<V: Vocab>(value: Option<String>) -> Result<Option<Option<V>>, UserError> {
    value
        .map(|s| {
            if s.eq_ignore_ascii_case("none") {
                Ok(None)
            } else {
                V::parse(&s).map(Some)
            }
        })
        .transpose()
        .map_err(|e| UserError::new(format!("{e} Or none to remove it.")))
}

fn vocab_option<V: Vocab>(value: Option<String>) -> Result<Option<V>, UserError> {
    value
        .map(|v| V::parse(&v))
        .transpose()
        .map_err(|e| UserError::new(e.to_string()))
}

/// Whether a line starts with the name of a private command (`/checkin …`, `/mydata`, …),
/// whatever follows it.
pub fn names_private_command(line: &str) -> bool {
    let first = first_word_of(line);
    // A typo of one ("/chekin answer 2") counts too: its error must not be public either.
    let first = if top_level_names().contains(&first.as_str()) {
        first
    } else {
        nearest(&first, top_level_names().into_iter())
            .unwrap_or_default()
            .to_owned()
    };
    all().any(|c| c.private && first_word(c.name) == first)
}

/// The first word of a line, lower-cased, without the leading `/`.
fn first_word_of(line: &str) -> String {
    line.trim()
        .trim_start_matches('/')
        .split_whitespace()
        .next()
        .unwrap_or_default()
        .to_lowercase()
}

/// Whether a command name was meant: the word is one, or a slip of one ("findgruop").
fn names_a_command(word: &str) -> bool {
    let names = top_level_names();
    names.contains(&word) || nearest(word, names.into_iter()).is_some()
}

/// Whether a line is words rather than a command: its first word neither is a command nor
/// looks like a slip of one ("/sad", "!i need help"). Such lines are read as a request.
pub fn is_words(line: &str) -> bool {
    let first = first_word_of(line);
    !first.is_empty() && !names_a_command(&first)
}

/// Whether a line written without `/` in a private chat is meant as a command: it starts with a
/// command's name (or a slip of one). "help me find a group" starts with `help` but asks for
/// help in words: `help` counts only alone or followed by a command's name.
pub fn reads_as_command(line: &str) -> bool {
    let first = first_word_of(line);
    if !names_a_command(&first) {
        return false;
    }
    if first != "help" {
        return true;
    }
    let mut rest = line.split_whitespace().skip(1);
    rest.next()
        .is_none_or(|topic| names_a_command(&topic.trim_start_matches('/').to_lowercase()))
}

/// Words given to a command that takes only options: names the option they most likely
/// belong to, written as it should be ("name:a nice group"), and the options there are.
fn words_without_option(spec: &CommandSpec, given: &str) -> UserError {
    let Some(meant) = meant_option(spec, given) else {
        return UserError::new(format!(
            "/{} takes nothing after it, so \"{given}\" was not used. Type just /{}.",
            spec.name, spec.name
        ));
    };
    let names: Vec<String> = spec
        .options
        .iter()
        .map(|o| format!("{}:", o.name))
        .collect();
    UserError::new(format!(
        "\"{given}\" needs an option name in front of it. Did you mean {}:{given}? \
         Options for /{}: {}",
        meant.name,
        spec.name,
        names.join(" ")
    ))
}

/// The option that `given` fits best: a link goes to the link option, a value one option
/// accepts (a state, a kind) to that option, anything else to the first free-text one.
fn meant_option(spec: &CommandSpec, given: &str) -> Option<&'static OptSpec> {
    let is_link = given.starts_with("http://") || given.starts_with("https://");
    let link = spec
        .options
        .iter()
        .find(|o| is_link && matches!(o.name, "url" | "link"));
    let word = spec
        .options
        .iter()
        .find(|o| matches!(o.kind, OptKind::Word(fits) if fits(given)));
    let number = spec
        .options
        .iter()
        .find(|o| matches!(o.kind, OptKind::Number) && given.parse::<u64>().is_ok());
    let text = spec
        .options
        .iter()
        .find(|o| matches!(o.kind, OptKind::Text));
    link.or(word).or(number).or(text).or(spec.options.first())
}

/// The names members type first: `help`, `findgroup`, `group`, `review`, ….
pub fn top_level_names() -> Vec<&'static str> {
    let mut names: Vec<&str> = Vec::new();
    for c in all() {
        let first = first_word(c.name);
        if !names.contains(&first) {
            names.push(first);
        }
    }
    names
}

/// `group` of `group add`.
fn first_word(name: &str) -> &str {
    name.split_once(' ').map_or(name, |(first, _)| first)
}

/// The closest of `candidates` to `word`, if any is close.
pub fn nearest<'a>(word: &str, candidates: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    candidates
        .map(|c| (strsim::damerau_levenshtein(word, c), c))
        // Short names allow one slip only: "i" or "hi" is not a slip of /tip.
        .filter(|(d, c)| {
            let allowed = if c.len() <= 4 { 1 } else { 2.max(c.len() / 3) };
            *d <= allowed && *d < c.len().max(word.len())
        })
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

#[derive(Debug, Clone)]
struct Word {
    text: String,
    /// Started with a quote: never read as an option.
    quoted: bool,
}

impl Word {
    /// `key:value` split, for words that could be options.
    fn option(&self) -> Option<(&str, &str)> {
        if self.quoted {
            return None;
        }
        let (key, value) = self.text.split_once(':')?;
        let plausible = !key.is_empty()
            && key.len() <= 20
            && key
                .chars()
                .all(|c| c.is_ascii_alphabetic() || c == '_' || c == '-');
        plausible.then_some((key, value))
    }

    fn looks_like_link(&self) -> bool {
        let lower = self.text.to_lowercase();
        lower.starts_with("http://")
            || lower.starts_with("https://")
            || lower.starts_with("mailto:")
    }
}

/// Splits on white space; double quotes group words (and are removed).
fn tokenize(line: &str) -> Result<Vec<Word>, UserError> {
    let mut words = Vec::new();
    let mut current = String::new();
    let mut in_quote = false;
    let mut started = false;
    let mut quoted = false;
    for c in line.chars() {
        match c {
            '"' | '“' | '”' => {
                if !started {
                    quoted = true;
                }
                started = true;
                in_quote = !in_quote;
            }
            c if c.is_whitespace() && !in_quote => {
                if started {
                    words.push(Word {
                        text: std::mem::take(&mut current),
                        quoted,
                    });
                }
                started = false;
                quoted = false;
            }
            c => {
                started = true;
                current.push(c);
            }
        }
    }
    if in_quote {
        return Err(UserError::new(
            "A quote (\") is not closed. Close it, or leave quotes out.",
        ));
    }
    if started {
        words.push(Word {
            text: current,
            quoted,
        });
    }
    Ok(words)
}

#[cfg(test)]
mod tests;
