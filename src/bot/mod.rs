//! The bot: takes normalised events from any adapter, applies the domain's rules, reads and
//! writes through the store, and answers with platform-neutral [`Outgoing`] messages.
//! Adapters never decide; they only translate.
//!
//! It sits between the two on purpose: the domain stays pure (parsing, validation, rules and
//! reply building, testable without a database), the store owns every SQL statement, and this
//! module is the only one that knows both.

mod account;
mod checkin_history;
mod checkin_snooze;
mod checkins;
mod crisis;
mod directory;
mod events;
mod limits;
mod meetups;
mod metered;
mod pairing;
mod reactions;
mod reports;
mod rsvp_batch;
mod rsvps;
mod tips;
mod web;

use std::sync::{Arc, RwLock};

use tracing::error;

use crate::clock::Clock;
use crate::domain::command::{self, Command, HelpCommand, UserError};
use crate::domain::help;
use crate::domain::identity::{Actor, Platform, Rights, Role, UserId};
use crate::domain::member_text;
use crate::domain::reply::{Outgoing, Reply};
use crate::ops::metrics::{Metrics, Outcome};
use crate::store::{Store, StoreError};

pub use crate::settings::Settings;
use directory::BuiltIndex;
use reactions::PendingReaction;
pub use web::{WebReportError, WebResults, WebSnapshot, web_search_in};

/// Something that happened on a platform, in the bot's terms.
#[derive(Debug, Clone)]
pub enum Incoming {
    /// A command line (`/findgroup …`, `!findgroup …`).
    Command { actor: Actor, text: String },
    /// What a member wrote to the bot in a private chat (a console line, a Discord DM, a
    /// Matrix direct chat), command or not: a command if it reads as one, otherwise a request
    /// in their own words ("I need help", "night shift phlebotomist in Texas").
    Message { actor: Actor, text: String },
    /// A command already split into its parts by the platform (a Discord slash command's
    /// resolved options): no text to parse, so member text keeps its quotes.
    Invoked {
        actor: Actor,
        invocation: command::Invocation,
    },
    /// The reactions present on one of the bot's announcements, as the platform lists them
    /// when the adapter (re)connects: RSVPs made while the bot was away are not lost.
    ReactionsPresent {
        post: String,
        platform: Platform,
        reactions: Vec<(crate::domain::identity::Member, String)>,
    },
    /// A reaction added to or removed from one of the bot's posts.
    Reaction {
        actor: Actor,
        post: String,
        emoji: String,
        added: bool,
    },
}

/// Why handling failed: the member's mistake (shown) or ours (logged, not shown).
#[derive(Debug, thiserror::Error)]
enum Failure {
    #[error(transparent)]
    User(#[from] UserError),
    /// The member's mistake, answered only to them whatever the command: it quotes what they
    /// typed (a note refused as patient information).
    #[error(transparent)]
    Private(UserError),
    #[error(transparent)]
    Internal(#[from] StoreError),
    /// Over a limit the member was told about already: nothing is answered.
    #[error("over a limit, told already")]
    Quiet,
}

type Handled = Result<Vec<Outgoing>, Failure>;

/// The PHI guard for free text that is stored or shown to others (`field` as the member knows
/// it: "description", "note"): a refusal is answered privately, since it quotes the text.
/// Call it before anything is stored; nothing of a refused text is kept or logged.
fn refuse_patient_info(field: &str, text: Option<&str>) -> Result<(), Failure> {
    match text.map(|t| crate::domain::phi::guard(field, t)) {
        Some(Err(refusal)) => Err(Failure::Private(UserError::new(refusal.to_string()))),
        _ => Ok(()),
    }
}

/// The platform-free bot.
#[derive(Clone, Debug)]
pub struct Bot {
    store: Store,
    settings: Arc<Settings>,
    clock: Clock,
    index: Arc<RwLock<Option<BuiltIndex>>>,
    /// Requests that find the index out of date take turns here: one rebuilds it and the
    /// others then use what it built, rather than every request in flight rebuilding at once.
    index_turn: Arc<tokio::sync::Mutex<()>>,
    /// RSVPs in this process take turns here rather than racing for SQLite's write lock
    /// (which retries by sleeping and, under a burst, gives up).
    rsvp_turn: Arc<tokio::sync::Mutex<()>>,
    /// Reactions waiting for the RSVP writer (see `rsvp_batch`).
    rsvp_queue: Arc<rsvp_batch::RsvpQueue>,
    /// Announcement message → meetup, once found (an announcement never moves to another
    /// meetup, so a hit needs no round trip to the database).
    announcements: Arc<RwLock<std::collections::HashMap<(Platform, String), i64>>>,
    /// Rosters of meetups RSVP'd to in this process, as stored (see `with_roster`).
    rosters: Arc<std::sync::Mutex<std::collections::HashMap<i64, rsvps::CachedRoster>>>,
    /// RSVP reactions on posts not known (yet) as announcements. A member can react between
    /// the platform's answer to the post and the outbox's record of it; such reactions wait
    /// here (a little while) and count once the adapter reports the post as recorded
    /// ([`Bot::announced`]).
    pending: Arc<tokio::sync::Mutex<Vec<PendingReaction>>>,
    /// Per-member limits (commands per minute; whom we told about a limit).
    limits: Arc<limits::Limiter>,
    /// Members told in this process that notes are turned off here, so a member who writes a
    /// note every week reads it once, not after every answer. (After a restart they may read
    /// it once more; the wording is plain enough that this does no harm.)
    told_notes_off: Arc<std::sync::Mutex<std::collections::HashSet<UserId>>>,
    /// Commands, their outcomes and latency, and RSVPs, for `/metrics` (never who).
    metrics: Arc<Metrics>,
}

impl Bot {
    /// A bot with default settings on the system clock.
    pub fn new(store: Store) -> Self {
        Self::with(store, Settings::default(), Clock::System)
    }

    /// A bot with the given settings and clock.
    pub fn with(store: Store, settings: Settings, clock: Clock) -> Self {
        Self {
            store,
            clock: clock.clone(),
            index: Arc::new(RwLock::new(None)),
            index_turn: Arc::new(tokio::sync::Mutex::new(())),
            rsvp_turn: Arc::new(tokio::sync::Mutex::new(())),
            rsvp_queue: Arc::default(),
            announcements: Arc::new(RwLock::new(std::collections::HashMap::new())),
            rosters: Arc::new(std::sync::Mutex::new(std::collections::HashMap::new())),
            pending: Arc::new(tokio::sync::Mutex::new(Vec::new())),
            limits: Arc::new(limits::Limiter::new(
                settings.limits.commands_per_minute,
                clock.clone(),
            )),
            settings: Arc::new(settings),
            told_notes_off: Arc::new(std::sync::Mutex::new(std::collections::HashSet::new())),
            metrics: Arc::new(Metrics::new()),
        }
    }

    /// Whether `user` is yet to be told that notes are turned off on this server; true once
    /// per member (in this process), so the notice is not repeated after every answer.
    fn first_notes_off_notice(&self, user: &UserId) -> bool {
        // A poisoned set only means a panic elsewhere; telling the member again is harmless.
        self.told_notes_off
            .lock()
            .map_or(true, |mut told| told.insert(user.clone()))
    }

    /// The bot's settings.
    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// The bot's clock.
    pub fn clock(&self) -> &Clock {
        &self.clock
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    /// The bot's counters (`/metrics`).
    pub fn metrics(&self) -> &Arc<Metrics> {
        &self.metrics
    }

    /// Handles one event and returns what to send (counted in [`Bot::metrics`]).
    pub async fn handle(&self, incoming: Incoming) -> Vec<Outgoing> {
        let name = metered::command_name(&incoming);
        let started = std::time::Instant::now();
        let (out, outcome) = self.handle_counted(incoming).await;
        self.metrics.command(name, outcome, started.elapsed());
        out
    }

    /// [`Bot::handle`], saying how the command ended.
    async fn handle_counted(&self, mut incoming: Incoming) -> (Vec<Outgoing>, Outcome) {
        // Display names come from the platform and are shown to others (announcements, lists
        // of who answered): hidden characters in them are left out here, once.
        match &mut incoming {
            Incoming::Command { actor, .. }
            | Incoming::Message { actor, .. }
            | Incoming::Invoked { actor, .. }
            | Incoming::Reaction { actor, .. } => {
                actor.member.display_name = member_text::clean_name(&actor.member.display_name);
            }
            Incoming::ReactionsPresent { reactions, .. } => {
                for (member, _) in reactions {
                    member.display_name = member_text::clean_name(&member.display_name);
                }
            }
        }
        // Problems with private commands (check-ins, profile, data) and with reactions are
        // answered privately too.
        let private = match &incoming {
            Incoming::Command { text, .. } | Incoming::Message { text, .. } => {
                match command::resolve(text) {
                    Ok(spec) => spec.private,
                    // Even when the rest of the line is not understood, a private command's
                    // problems stay private.
                    Err(_) => command::names_private_command(text),
                }
            }
            Incoming::Invoked { invocation, .. } => invocation.spec.private,
            Incoming::Reaction { .. } | Incoming::ReactionsPresent { .. } => true,
        };
        // Commands count against the member's per-minute limit before anything is read.
        if let Incoming::Command { actor, .. }
        | Incoming::Message { actor, .. }
        | Incoming::Invoked { actor, .. } = &incoming
        {
            match self.limits.command(&actor.member.user) {
                limits::Gate::Go => {}
                limits::Gate::Quiet => return (Vec::new(), Outcome::Limited),
                limits::Gate::Tell(_) => {
                    let told = vec![Outgoing::Reply(Reply::private(format!(
                        "You're sending commands faster than labcircle takes them (at most {} \
                         a minute), so I didn't run this one. Please wait a minute and try \
                         again; until then I'll stay quiet so the room isn't flooded.",
                        self.settings.limits.commands_per_minute
                    )))];
                    return (told, Outcome::Limited);
                }
            }
        }
        let result = match incoming {
            Incoming::Command { actor, text } => self.command(&actor, &text).await,
            Incoming::Message { actor, text } => self.message(&actor, &text).await,
            Incoming::Invoked { actor, invocation } => self.invoked(&actor, invocation).await,
            Incoming::ReactionsPresent {
                post,
                platform,
                reactions,
            } => self.reactions_present(platform, &post, reactions).await,
            Incoming::Reaction {
                actor,
                post,
                emoji,
                added,
            } => self.reaction_event(&actor, &post, &emoji, added).await,
        };
        match result {
            Ok(out) => (out, Outcome::Ok),
            Err(Failure::Quiet) => (Vec::new(), Outcome::Ignored),
            Err(Failure::User(e)) => {
                // A refusal may quote what was typed: no hidden characters go back out.
                let mut reply = Reply::problem(member_text::clean_reply(&e.0));
                if private {
                    reply.visibility = crate::domain::reply::Visibility::Private;
                }
                (vec![Outgoing::Reply(reply)], Outcome::Refused)
            }
            Err(Failure::Internal(e)) if e.is_busy() => {
                // Another process holds the database: the operator learns which file; the
                // member, that waiting a moment is all it takes.
                let path = self
                    .store
                    .path()
                    .unwrap_or(std::path::Path::new(":memory:"));
                error!(
                    database = %path.display(),
                    "command not run: the database is busy (another labcircle may be running on \
                     it, or a backup holds a lock)"
                );
                let mut reply = Reply::problem(
                    "labcircle is busy right now, and nothing was changed. Please try again in \
                     a moment.",
                );
                if private {
                    reply.visibility = crate::domain::reply::Visibility::Private;
                }
                (vec![Outgoing::Reply(reply)], Outcome::Busy)
            }
            Err(Failure::Private(e)) => {
                let mut reply = Reply::problem(member_text::clean_reply(&e.0));
                reply.visibility = crate::domain::reply::Visibility::Private;
                (vec![Outgoing::Reply(reply)], Outcome::Refused)
            }
            Err(Failure::Internal(e)) => {
                error!(error = ?e, "command failed");
                let mut reply = Reply::problem(
                    "Something went wrong on my side, and nothing was changed. Please try again \
                     in a moment.",
                );
                if private {
                    reply.visibility = crate::domain::reply::Visibility::Private;
                }
                (vec![Outgoing::Reply(reply)], Outcome::Error)
            }
        }
    }

    async fn command(&self, actor: &Actor, text: &str) -> Handled {
        // "/sad", "!i need help": not a command nor a slip of one, so read as a request.
        if command::is_words(text) {
            return self.sentence(actor, text).await;
        }
        // Who may use the command is checked before its arguments are read, so a member never
        // learns admin options from an error message.
        let spec = command::resolve(text)?;
        self.permitted(actor, spec)?;
        let crisis_words = crisis::in_checkin_answer(spec, text);
        let read = command::invocation(text).and_then(command::typed);
        self.read_and_run(actor, read, crisis_words).await
    }

    /// A private message: a command when it starts with `/` or names one, otherwise a request
    /// in the member's own words. "help me find a group" names /help but is not about a
    /// command, so it is read as a request too.
    async fn message(&self, actor: &Actor, text: &str) -> Handled {
        let text = text.trim();
        if text.starts_with('/') || command::reads_as_command(text) {
            self.command(actor, text).await
        } else {
            self.sentence(actor, text).await
        }
    }

    async fn invoked(&self, actor: &Actor, invocation: command::Invocation) -> Handled {
        self.permitted(actor, invocation.spec)?;
        let words = format!(
            "{} . {}",
            invocation.arg_text(),
            invocation.option("note").unwrap_or_default()
        );
        let crisis_words = crisis::in_checkin_answer(invocation.spec, &words);
        self.read_and_run(actor, command::typed(invocation), crisis_words)
            .await
    }

    /// Runs a command that was read. A check-in answer that could not be read (a note too
    /// long, a mood not understood) but speaks of suicide or self-harm still gets the crisis
    /// lines first.
    async fn read_and_run(
        &self,
        actor: &Actor,
        read: Result<Command, UserError>,
        crisis_words: bool,
    ) -> Handled {
        match read {
            Ok(command) => self.run(actor, command).await,
            Err(e) if crisis_words => Ok(crisis::crisis_first(Err(e.into()))),
            Err(e) => Err(e.into()),
        }
    }

    /// Routes a typed command to its area: every area, and in each every command, is
    /// matched exhaustively, so a command nobody handles does not compile.
    async fn run(&self, actor: &Actor, command: Command) -> Handled {
        match command {
            Command::Help(HelpCommand::Help(topic)) => Ok(vec![Outgoing::Reply(help::help(
                topic.as_deref(),
                self.rights(actor),
                actor.community.platform,
            )?)]),
            Command::Help(HelpCommand::Crisis) => Ok(vec![Outgoing::Reply(help::crisis())]),
            Command::Directory(c) => self.directory(actor, c).await,
            Command::Checkin(c) => self.checkin(actor, c).await,
            Command::Account(c) => self.account(actor, c).await,
            Command::Meetup(c) => self.meetup_command(actor, c).await,
            Command::Events(c) => self.events_command(actor, c).await,
            Command::Pair(c) => self.pair_command(actor, c).await,
            Command::Tips(c) => self.tips_command(actor, c).await,
        }
    }

    /// What `actor` may do: their role where they act, and whether they moderate the
    /// directory (by identity, named in the configuration).
    pub fn rights(&self, actor: &Actor) -> Rights {
        self.settings.moderators.rights(actor)
    }

    /// Whether `actor` may use the command `spec` (adapters ask before reading its options).
    pub fn permits(&self, actor: &Actor, spec: &command::CommandSpec) -> bool {
        self.rights(actor).allows(spec.role)
    }

    fn permitted(&self, actor: &Actor, spec: &command::CommandSpec) -> Result<(), UserError> {
        if self.permits(actor, spec) {
            Ok(())
        } else {
            Err(refusal(actor, spec, self.settings.moderators.is_empty()))
        }
    }
}

/// Why a command is refused to someone without the rights it needs. Who may use a command is
/// checked before its arguments are read, so a member never learns admin options from an
/// error message.
fn refusal(actor: &Actor, spec: &command::CommandSpec, nobody_moderates: bool) -> UserError {
    let name = spec.name;
    let suggest = if spec.name.starts_with("group") || spec.name.starts_with("review") {
        " To propose a group or a correction for the directory, use /suggestgroup."
    } else {
        ""
    };
    if spec.role == Role::Moderator {
        let who = if nobody_moderates {
            "This labcircle names no directory moderators, so the directory is changed only by \
             whoever runs it (with `labcircle directory import`)."
        } else {
            "Moderators are named in this labcircle's configuration; being an admin of a \
             community does not make you one."
        };
        return UserError::new(format!(
            "/{name} is for the directory's moderators, and you are not one; nothing was \
             changed. {who}{suggest}"
        ));
    }
    let role = actor.role;
    let article = if role == Role::Member { "a" } else { "an" };
    UserError::new(format!(
        "/{name} is for {}s, and you are {article} {role} here; nothing was changed.{suggest}",
        spec.role
    ))
}
