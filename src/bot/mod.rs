//! The bot: takes normalised events from any adapter, applies the domain's rules, reads and
//! writes through the store, and answers with platform-neutral [`Outgoing`] messages.
//! Adapters never decide; they only translate.
//!
//! It sits between the two on purpose: the domain stays pure (parsing, validation, rules and
//! reply building, testable without a database), the store owns every SQL statement, and this
//! module is the only one that knows both.

mod checkins;
mod meetups;

use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

pub(crate) use checkins::{instant, next_due, prompt_for, schedule_of, week_label};

use tracing::error;

use crate::clock::Clock;
use crate::config::Config;
use crate::domain::command::{self, Command, UserError};
use crate::domain::directory::{Draft, Entry, Field, Raw, region_label, slugify};
use crate::domain::help;
use crate::domain::identity::{Actor, Platform, Role};
use crate::domain::reply::{Block, Item, Outgoing, Reply};
use crate::domain::search::{Filter, PAGE_SIZE, Region, SearchQuery};
use crate::domain::search_index::SearchIndex;
use crate::domain::vocab::Vocab;
use crate::notes::NoteKey;
use crate::store::{Store, StoreError, SuggestionStatus};

/// What the bot needs to know from the configuration.
#[derive(Debug, Clone)]
pub struct Settings {
    pub default_zone: chrono_tz::Tz,
    pub default_weekday: chrono::Weekday,
    pub default_time: chrono::NaiveTime,
    pub prompt_expiry: chrono::Duration,
    pub grace: chrono::Duration,
    pub retention: chrono::Duration,
    pub note_key: Option<NoteKey>,
    pub max_attempts: u32,
    /// Most deliveries per second through the console, Discord and Matrix.
    pub sends_per_second: [u32; 3],
    /// How long before it starts each occurrence of a series is announced.
    pub announce_ahead: chrono::Duration,
}

impl Settings {
    /// Most deliveries per second through `platform`.
    pub fn rate(&self, platform: Platform) -> u32 {
        let i = match platform {
            Platform::Console => 0,
            Platform::Discord => 1,
            Platform::Matrix => 2,
        };
        self.sends_per_second[i]
    }
}

impl Settings {
    /// Settings from a validated configuration.
    pub fn from_config(config: &Config) -> anyhow::Result<Settings> {
        use crate::domain::schedule::{parse_time, parse_weekday, parse_zone};
        let c = &config.checkins;
        Ok(Settings {
            default_zone: parse_zone(&config.community.default_timezone)
                .map_err(anyhow::Error::msg)?,
            default_weekday: parse_weekday(&c.default_day).map_err(anyhow::Error::msg)?,
            default_time: parse_time(&c.default_time).map_err(anyhow::Error::msg)?,
            prompt_expiry: chrono::Duration::hours(i64::from(c.prompt_expiry_hours)),
            grace: chrono::Duration::hours(i64::from(c.grace_hours)),
            retention: chrono::Duration::days(i64::from(c.retention_days)),
            note_key: c
                .note_key
                .as_deref()
                .map(NoteKey::from_base64)
                .transpose()
                .map_err(anyhow::Error::msg)?,
            max_attempts: config.delivery.max_attempts,
            announce_ahead: chrono::Duration::days(i64::from(config.meetups.announce_days_ahead)),
            sends_per_second: [
                config.delivery.console_per_second,
                config.delivery.discord_per_second,
                config.delivery.matrix_per_second,
            ],
        })
    }
}

impl Default for Settings {
    fn default() -> Self {
        Settings::from_config(&Config::default()).expect("the default configuration is valid")
    }
}

/// How long a search index is trusted before the database is asked whether another process
/// changed the directory. This process's own writes are noticed at once.
const INDEX_RECHECK: Duration = Duration::from_secs(1);

/// The search index and what it was built from.
#[derive(Debug)]
struct BuiltIndex {
    index: Arc<SearchIndex>,
    version: i64,
    local_writes: u64,
    checked: Instant,
}

/// Something that happened on a platform, in the bot's terms.
#[derive(Debug, Clone)]
pub enum Incoming {
    /// A command line (`/findgroup …`, `!findgroup …`, a console line).
    Command { actor: Actor, text: String },
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
    #[error(transparent)]
    Internal(#[from] StoreError),
}

type Handled = Result<Vec<Outgoing>, Failure>;

/// The platform-free bot.
#[derive(Clone, Debug)]
pub struct Bot {
    store: Store,
    settings: Arc<Settings>,
    clock: Clock,
    index: Arc<RwLock<Option<BuiltIndex>>>,
    /// RSVPs in this process take turns here rather than racing for SQLite's write lock
    /// (which retries by sleeping and, under a burst, gives up).
    rsvp_turn: Arc<tokio::sync::Mutex<()>>,
    /// Announcement message → meetup, once found (an announcement never moves to another
    /// meetup, so a hit needs no round trip to the database).
    announcements: Arc<RwLock<std::collections::HashMap<(Platform, String), i64>>>,
    /// Rosters of meetups RSVP'd to in this process, as stored (see `with_roster`).
    rosters: Arc<std::sync::Mutex<std::collections::HashMap<i64, crate::store::RosterSnapshot>>>,
    /// RSVP reactions on posts not known (yet) as announcements. A member can react between
    /// the platform's answer to the post and the outbox's record of it; such reactions wait
    /// here (a little while) and count once the adapter reports the post as recorded
    /// ([`Bot::announced`]).
    pending: Arc<tokio::sync::Mutex<Vec<PendingReaction>>>,
}

/// A reaction waiting for its post to be known.
#[derive(Debug, Clone)]
struct PendingReaction {
    at: Instant,
    platform: Platform,
    post: String,
    actor: Actor,
    emoji: String,
    added: bool,
}

/// How long a reaction waits for its post to be recorded as an announcement.
const PENDING_FOR: Duration = Duration::from_secs(120);
/// Most reactions kept waiting (the oldest go first).
const PENDING_MAX: usize = 10_000;

impl Bot {
    /// A bot with default settings on the system clock.
    pub fn new(store: Store) -> Self {
        Self::with(store, Settings::default(), Clock::System)
    }

    /// A bot with the given settings and clock.
    pub fn with(store: Store, settings: Settings, clock: Clock) -> Self {
        Self {
            store,
            settings: Arc::new(settings),
            clock,
            index: Arc::new(RwLock::new(None)),
            rsvp_turn: Arc::new(tokio::sync::Mutex::new(())),
            announcements: Arc::new(RwLock::new(std::collections::HashMap::new())),
            rosters: Arc::new(std::sync::Mutex::new(std::collections::HashMap::new())),
            pending: Arc::new(tokio::sync::Mutex::new(Vec::new())),
        }
    }

    /// Called by adapters once a new announcement is recorded: RSVPs made on it before that
    /// count now, in the order they came. Returns what to send (waitlist notices, …).
    pub async fn announced(&self, platform: Platform, post: &str) -> Vec<Outgoing> {
        let waiting: Vec<PendingReaction> = {
            let mut pending = self.pending.lock().await;
            let (these, others): (Vec<_>, Vec<_>) = pending
                .drain(..)
                .partition(|p| p.platform == platform && p.post == post);
            *pending = others;
            these
        };
        let mut out = Vec::new();
        for p in waiting {
            out.extend(
                self.handle(Incoming::Reaction {
                    actor: p.actor,
                    post: p.post,
                    emoji: p.emoji,
                    added: p.added,
                })
                .await,
            );
        }
        out
    }

    /// Keeps an RSVP reaction on a post not known as an announcement, unless it has become
    /// one meanwhile (then its meetup is returned). The check and the keeping happen under the
    /// lock that [`Bot::announced`] takes, so a reaction is never lost between the two.
    async fn keep_pending(
        &self,
        actor: &Actor,
        post: &str,
        emoji: &str,
        added: bool,
    ) -> Result<Option<i64>, StoreError> {
        let platform = actor.member.user.platform;
        let mut pending = self.pending.lock().await;
        if let Some(meetup) = self.announcement(platform, post).await? {
            return Ok(Some(meetup));
        }
        pending.retain(|p| p.at.elapsed() < PENDING_FOR);
        if pending.len() >= PENDING_MAX {
            pending.remove(0);
        }
        pending.push(PendingReaction {
            at: Instant::now(),
            platform,
            post: post.to_owned(),
            actor: actor.clone(),
            emoji: emoji.to_owned(),
            added,
        });
        Ok(None)
    }

    /// Announcements of meetups that have not started, on `platform`: (community, message id).
    /// Adapters list their reactions on (re)connect and report them as
    /// [`Incoming::ReactionsPresent`].
    pub async fn active_announcements(
        &self,
        platform: Platform,
    ) -> Result<Vec<(String, String)>, StoreError> {
        self.store
            .active_announcements(platform.code(), self.clock.now().timestamp())
            .await
    }

    /// The meetup an announcement belongs to, if the post is one.
    async fn announcement(
        &self,
        platform: Platform,
        post: &str,
    ) -> Result<Option<i64>, StoreError> {
        let key = (platform, post.to_owned());
        if let Some(id) = self.announcements.read().expect("never poisoned").get(&key) {
            return Ok(Some(*id));
        }
        let found = self.store.meetup_for_post(platform.code(), post).await?;
        if let Some(id) = found {
            self.announcements
                .write()
                .expect("never poisoned")
                .insert(key, id);
        }
        Ok(found)
    }

    /// The bot's settings.
    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// The bot's clock.
    pub fn clock(&self) -> &Clock {
        &self.clock
    }

    /// The directory's search index, rebuilt when the directory changed.
    async fn index(&self) -> Result<Arc<SearchIndex>, StoreError> {
        let local_writes = self.store.local_directory_writes();
        {
            let cache = self
                .index
                .read()
                .expect("the index lock is never poisoned: no panics inside");
            if let Some(built) = cache.as_ref()
                && built.local_writes == local_writes
                && built.checked.elapsed() < INDEX_RECHECK
            {
                return Ok(built.index.clone());
            }
        }
        let version = self.store.directory_version().await?;
        {
            let mut cache = self
                .index
                .write()
                .expect("the index lock is never poisoned");
            if let Some(built) = cache.as_mut()
                && built.local_writes == local_writes
                && built.version == version
            {
                built.checked = Instant::now();
                return Ok(built.index.clone());
            }
        }
        // Version and write count were read before the entries: a write in between makes the
        // next call rebuild again, never serve stale results for long.
        let index = Arc::new(SearchIndex::build(self.store.all_groups().await?));
        let mut cache = self
            .index
            .write()
            .expect("the index lock is never poisoned");
        *cache = Some(BuiltIndex {
            index: index.clone(),
            version,
            local_writes,
            checked: Instant::now(),
        });
        Ok(index)
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    /// Handles one event and returns what to send.
    pub async fn handle(&self, incoming: Incoming) -> Vec<Outgoing> {
        // Problems with private commands (check-ins, profile, data) and with reactions are
        // answered privately too.
        let private = match &incoming {
            Incoming::Command { text, .. } => match command::resolve(text) {
                Ok(spec) => spec.private,
                // Even when the rest of the line is not understood, a private command's
                // problems stay private.
                Err(_) => command::names_private_command(text),
            },
            Incoming::Invoked { invocation, .. } => invocation.spec.private,
            Incoming::Reaction { .. } | Incoming::ReactionsPresent { .. } => true,
        };
        let result = match incoming {
            Incoming::Command { actor, text } => self.command(&actor, &text).await,
            Incoming::Invoked { actor, invocation } => self.invoked(&actor, invocation).await,
            Incoming::ReactionsPresent {
                post,
                platform,
                reactions,
            } => match self.store.meetup_for_post(platform.code(), &post).await {
                Ok(Some(meetup)) => self.reconcile_meetup(meetup, &post, reactions).await,
                Ok(None) => Ok(Vec::new()),
                Err(e) => Err(e.into()),
            },
            // A reaction on a meetup announcement is an RSVP; on a check-in prompt, an answer.
            Incoming::Reaction {
                actor,
                post,
                emoji,
                added,
            } => match self.announcement(actor.member.user.platform, &post).await {
                Ok(Some(meetup)) => {
                    self.meetup_reaction(&actor, meetup, &post, &emoji, added)
                        .await
                }
                // An RSVP emoji on a post not known as an announcement (check-in answers use
                // other emoji): it may be one whose record is a moment away.
                Ok(None) if crate::domain::meetup::rsvp_of(&emoji).is_some() => {
                    match self.keep_pending(&actor, &post, &emoji, added).await {
                        Ok(Some(meetup)) => {
                            self.meetup_reaction(&actor, meetup, &post, &emoji, added)
                                .await
                        }
                        Ok(None) => Ok(Vec::new()),
                        Err(e) => Err(e.into()),
                    }
                }
                Ok(None) => self.reaction(&actor, &post, &emoji, added).await,
                Err(e) => Err(e.into()),
            },
        };
        match result {
            Ok(out) => out,
            Err(Failure::User(e)) => {
                let mut reply = Reply::problem(e.0);
                if private {
                    reply.visibility = crate::domain::reply::Visibility::Private;
                }
                vec![Outgoing::Reply(reply)]
            }
            Err(Failure::Internal(e)) => {
                error!(error = ?e, "command failed");
                let mut reply = Reply::problem(
                    "something went wrong on my side, and nothing was changed. Please try again \
                     in a moment.",
                );
                if private {
                    reply.visibility = crate::domain::reply::Visibility::Private;
                }
                vec![Outgoing::Reply(reply)]
            }
        }
    }

    async fn command(&self, actor: &Actor, text: &str) -> Handled {
        // Who may use the command is checked before its arguments are read, so a member never
        // learns admin options from an error message.
        let spec = command::resolve(text)?;
        permitted(actor, spec)?;
        let command = command::typed(command::invocation(text)?)?;
        self.run(actor, command).await
    }

    async fn invoked(&self, actor: &Actor, invocation: command::Invocation) -> Handled {
        permitted(actor, invocation.spec)?;
        let command = command::typed(invocation)?;
        self.run(actor, command).await
    }

    async fn run(&self, actor: &Actor, command: Command) -> Handled {
        let reply = match command {
            Command::Help(topic) => {
                help::help(topic.as_deref(), actor.role, actor.community.platform)?
            }
            Command::Crisis => help::crisis(),
            Command::FindGroup { query, page } => self.find_group(&query, page).await?,
            Command::GroupShow(key) => self.show_group(&key).await?,
            Command::GroupAdd(draft) => self.add_group(&draft).await?,
            Command::GroupEdit(key, changes) => self.edit_group(&key, &changes).await?,
            Command::GroupRemove(key) => self.remove_group(&key).await?,
            Command::SuggestGroup { draft, note } => {
                self.suggest(actor, &draft, note.as_deref()).await?
            }
            Command::ReviewList => self.review_list().await?,
            Command::ReviewApprove { id, draft } => return self.approve(actor, id, draft).await,
            Command::ReviewReject { id, reason } => return self.reject(actor, id, &reason).await,
            meetup @ (Command::MeetupCreate(_)
            | Command::MeetupList(_)
            | Command::MeetupShow(_)
            | Command::MeetupEdit(..)
            | Command::MeetupCancel { .. }
            | Command::MeetupIcs(_)
            | Command::MeetupShare(_)
            | Command::MeetupReminders(_)
            | Command::MeetupSubscribe(_)
            | Command::MeetupUnsubscribe(_)) => return self.meetup_command(actor, meetup).await,
            checkin => return self.checkin(actor, checkin).await,
        };
        Ok(vec![Outgoing::Reply(reply)])
    }

    async fn find_group(&self, query: &SearchQuery, page: u32) -> Result<Reply, Failure> {
        let index = self.index().await?;
        let offset = (page - 1) * PAGE_SIZE;
        let found = index.search(query, offset as usize, PAGE_SIZE as usize);
        let command_line = query.to_command();
        if found.total == 0 {
            return Ok(no_results(&index, query));
        }
        let pages = found.total.div_ceil(PAGE_SIZE as usize);
        if found.entries.is_empty() {
            return Err(UserError::new(format!(
                "There {} only {pages} page{} of results for {command_line}.",
                if pages == 1 { "is" } else { "are" },
                if pages == 1 { "" } else { "s" }
            ))
            .into());
        }
        let plural = if found.total == 1 { "" } else { "s" };
        let mut reply = Reply::channel(format!(
            "{} group{plural} for {command_line} (page {page} of {pages})",
            found.total
        ))
        .block(Block::Items {
            first_number: offset as usize + 1,
            items: found.entries.iter().map(|e| summary_item(e)).collect(),
        });
        let footer = if (page as usize) < pages {
            format!(
                "Next page: {command_line} page:{}  ·  In crisis? /crisis",
                page + 1
            )
        } else {
            "Details: /group show KEY  ·  In crisis? /crisis".to_owned()
        };
        reply = reply.footer(footer);
        Ok(reply)
    }

    async fn show_group(&self, key: &str) -> Result<Reply, Failure> {
        let entry = self.existing(key).await?;
        Ok(entry_reply(&entry))
    }

    async fn existing(&self, key: &str) -> Result<Entry, Failure> {
        self.store.group(key).await?.ok_or_else(|| {
            UserError::new(format!(
                "No entry has the key {key}. Keys are shown under each /findgroup result."
            ))
            .into()
        })
    }

    async fn add_group(&self, draft: &Draft) -> Result<Reply, Failure> {
        let entry = Entry::from_draft(draft).map_err(|e| invalid("The entry was not added", &e))?;
        if !self.store.add_group(&entry).await? {
            return Err(UserError::new(format!(
                "An entry with the key {} exists already; nothing was changed. Give another \
                 key:, or change that one with /group edit {}.",
                entry.key, entry.key
            ))
            .into());
        }
        Ok(
            Reply::channel(format!("Added {} to the directory.", entry.name))
                .footer(format!("See it: /group show {}", entry.key)),
        )
    }

    async fn edit_group(&self, key: &str, changes: &Draft) -> Result<Reply, Failure> {
        let before = self.existing(key).await?;
        let mut draft = before.to_draft();
        for (field, value) in changes {
            if value == &Raw::Text(String::new()) {
                draft.remove(field);
            } else {
                draft.insert(*field, value.clone());
            }
        }
        let after =
            Entry::from_draft(&draft).map_err(|e| invalid("The entry was not changed", &e))?;
        let changed: Vec<&str> = Field::ALL
            .iter()
            .filter(|f| before.to_draft().get(f) != after.to_draft().get(f))
            .map(|f| f.name())
            .collect();
        if changed.is_empty() {
            return Ok(Reply::channel(format!(
                "Nothing to change: {key} already has those values."
            )));
        }
        if !self.store.replace_group(key, &after).await? {
            return Err(UserError::new(format!(
                "The key {} is taken by another entry; nothing was changed.",
                after.key
            ))
            .into());
        }
        Ok(
            Reply::channel(format!("Updated {}: {}.", after.key, changed.join(", ")))
                .footer(format!("See it: /group show {}", after.key)),
        )
    }

    async fn remove_group(&self, key: &str) -> Result<Reply, Failure> {
        let entry = self.existing(key).await?;
        self.store.remove_group(key).await?;
        Ok(Reply::channel(format!(
            "Removed {} ({}) from the directory.",
            entry.name, entry.key
        )))
    }

    async fn suggest(
        &self,
        actor: &Actor,
        draft: &Draft,
        note: Option<&str>,
    ) -> Result<Reply, Failure> {
        // Check the fields the member gave; the rest (key, kind, …) an admin fills in at review.
        let mut trial = draft.clone();
        let placeholders = [
            (Field::Key, "placeholder"),
            (Field::Kind, "association"),
            (Field::Specialties, "all"),
            (Field::Format, "online"),
            (Field::Cost, "free"),
            (Field::Facilitation, "none"),
        ];
        for (field, value) in placeholders {
            trial
                .entry(field)
                .or_insert_with(|| Raw::Text(value.to_owned()));
        }
        if let Err(errors) = Entry::from_draft(&trial) {
            let given: Vec<_> = errors
                .into_iter()
                .filter(|e| draft.contains_key(&e.field))
                .collect();
            if !given.is_empty() {
                return Err(invalid("The suggestion was not sent", &given).into());
            }
        }
        let id = self
            .store
            .add_suggestion(&actor.member, draft, note)
            .await?;
        Ok(Reply::private(format!(
            "Thank you: your suggestion is #{id} in the review queue."
        ))
        .text(
            "An admin will look at it; you will hear from me privately when it is approved or \
             turned down.",
        ))
    }

    async fn review_list(&self) -> Result<Reply, Failure> {
        let pending = self.store.pending_suggestions().await?;
        if pending.is_empty() {
            return Ok(Reply::private("No suggestions are waiting for review."));
        }
        let items = pending
            .iter()
            .map(|s| {
                let text = |f: Field| match s.draft.get(&f) {
                    Some(Raw::Text(t)) => t.clone(),
                    Some(Raw::List(l)) => l.join(", "),
                    Some(Raw::Bool(b)) => b.to_string(),
                    None => String::new(),
                };
                let missing: Vec<&str> = [
                    Field::Kind,
                    Field::Specialties,
                    Field::Format,
                    Field::Cost,
                    Field::Facilitation,
                ]
                .into_iter()
                .filter(|f| !s.draft.contains_key(f))
                .map(Field::name)
                .collect();
                let mut lines = vec![text(Field::Description)];
                let given: Vec<String> = s
                    .draft
                    .iter()
                    .filter(|(f, _)| !matches!(f, Field::Name | Field::Url | Field::Description))
                    .map(|(f, _)| format!("{f}: {}", text(*f)))
                    .collect();
                if !given.is_empty() {
                    lines.push(given.join("; "));
                }
                if let Some(note) = &s.note {
                    lines.push(format!("Note: {note}"));
                }
                if !missing.is_empty() {
                    lines.push(format!("To add when approving: {}", missing.join(", ")));
                }
                Item {
                    title: format!("#{} {}", s.id, text(Field::Name)),
                    subtitle: format!(
                        "suggested by {} on {}",
                        s.by.display_name,
                        s.created_at.get(..10).unwrap_or(&s.created_at)
                    ),
                    lines,
                    link: s.draft.get(&Field::Url).map(|_| text(Field::Url)),
                }
            })
            .collect();
        Ok(Reply::private(format!(
            "{} suggestion(s) waiting for review",
            pending.len()
        ))
        .block(Block::Items {
            first_number: 1,
            items,
        })
        .footer("/review approve ID [field:value …]  ·  /review reject ID reason:…"))
    }

    async fn pending(&self, id: i64) -> Result<crate::store::Suggestion, Failure> {
        let Some(s) = self.store.suggestion(id).await? else {
            return Err(UserError::new(format!(
                "There is no suggestion #{id}. /review list shows the pending ones."
            ))
            .into());
        };
        if s.status != SuggestionStatus::Pending {
            let what = if s.status == SuggestionStatus::Approved {
                "approved"
            } else {
                "turned down"
            };
            return Err(UserError::new(format!("Suggestion #{id} was already {what}.")).into());
        }
        Ok(s)
    }

    async fn approve(&self, actor: &Actor, id: i64, overrides: Draft) -> Handled {
        let suggestion = self.pending(id).await?;
        let mut draft = suggestion.draft.clone();
        draft.extend(overrides);
        if !draft.contains_key(&Field::Key) {
            let name = match draft.get(&Field::Name) {
                Some(Raw::Text(n)) => n.clone(),
                _ => String::new(),
            };
            draft.insert(Field::Key, Raw::Text(self.free_key(&slugify(&name)).await?));
        }
        let entry = Entry::from_draft(&draft).map_err(|e| {
            let mut failure = invalid(&format!("Suggestion #{id} can't be approved yet"), &e);
            failure.0.push_str(&format!(
                "\nGive what is missing: /review approve {id} kind:… specialty:… format:… \
                 cost:… facilitation:…"
            ));
            failure
        })?;
        if !self
            .store
            .approve_suggestion(id, &entry, &actor.member.user)
            .await?
        {
            return Err(UserError::new(format!(
                "Suggestion #{id} was not approved: the key {} is taken (give another key:) or \
                 it was decided meanwhile. Nothing was changed.",
                entry.key
            ))
            .into());
        }
        Ok(vec![
            Outgoing::Reply(
                Reply::private(format!(
                    "Approved #{id}: {} is now in the directory.",
                    entry.name
                ))
                .footer(format!("See it: /group show {}", entry.key)),
            ),
            Outgoing::Direct {
                to: suggestion.by,
                reply: Reply::private(format!(
                    "Good news: your suggestion \"{}\" was approved and is now in the directory.",
                    entry.name
                ))
                .footer(format!("See it: /group show {}", entry.key)),
            },
        ])
    }

    async fn reject(&self, actor: &Actor, id: i64, reason: &str) -> Handled {
        let suggestion = self.pending(id).await?;
        if !self
            .store
            .reject_suggestion(id, reason, &actor.member.user)
            .await?
        {
            return Err(UserError::new(format!("Suggestion #{id} was decided meanwhile.")).into());
        }
        let name = match suggestion.draft.get(&Field::Name) {
            Some(Raw::Text(n)) => n.clone(),
            _ => format!("#{id}"),
        };
        Ok(vec![
            Outgoing::Reply(Reply::private(format!(
                "Turned down #{id}; the member is told why."
            ))),
            Outgoing::Direct {
                to: suggestion.by,
                reply: Reply::private(format!(
                    "Your suggestion \"{name}\" was not added to the directory."
                ))
                .text(format!("The reviewer's reason: {reason}"))
                .footer("Thank you for suggesting it; /suggestgroup is always open."),
            },
        ])
    }

    /// `base`, or `base-2`, `base-3`, … whichever no entry uses yet.
    async fn free_key(&self, base: &str) -> Result<String, StoreError> {
        let mut candidate = base.to_owned();
        let mut n = 2;
        while self.store.group(&candidate).await?.is_some() {
            candidate = format!("{base}-{n}");
            n += 1;
        }
        Ok(candidate)
    }

    /// Whether a member with `role` may use a command (for adapters that hide commands).
    pub fn allows(role: Role, command_name: &str) -> bool {
        command::spec(command_name).is_some_and(|s| role.allows(s.role))
    }
}

/// Says which filter emptied the result and offers the nearest alternatives.
fn no_results(index: &SearchIndex, query: &SearchQuery) -> Reply {
    let command_line = query.to_command();
    let mut reply = Reply::channel(format!("No groups match {command_line}."));
    let filters = query.active_filters();
    let mut culprits = Vec::new();
    if filters.len() > 1 {
        for filter in &filters {
            let n = index.count(&query.without(*filter));
            if n > 0 {
                culprits.push((*filter, n));
            }
        }
    }
    for (filter, n) in &culprits {
        reply = reply.text(format!(
            "{} is what empties it: without it there {} {n} match{}.",
            query.describe(*filter),
            if *n == 1 { "is" } else { "are" },
            if *n == 1 { "" } else { "es" },
        ));
    }
    if culprits.is_empty() && filters.len() > 1 {
        reply = reply.text("No single filter empties it; try fewer filters.");
    } else if filters == [Filter::Text] {
        reply = reply.text(
            "No entry mentions those words. Try other words or a filter \
                            such as specialty:, state: or kind:.",
        );
    }
    // The nearest alternatives: national groups when no local one exists, otherwise the
    // query without the filter that emptied it. The first candidate with results is shown.
    let mut candidates = Vec::new();
    if let Some(Region::State(_)) = query.region {
        let mut q = query.without(Filter::State);
        q.region = Some(Region::National);
        candidates.push(("National groups instead", q));
    }
    for (filter, _) in &culprits {
        candidates.push(("Nearest matches", query.without(*filter)));
    }
    for (label, q) in candidates {
        let near = index.search(&q, 0, 3);
        if !near.entries.is_empty() {
            reply = reply
                .text(format!("{label} ({}):", q.to_command()))
                .block(Block::Items {
                    first_number: 1,
                    items: near.entries.iter().map(|e| summary_item(e)).collect(),
                });
            break;
        }
    }
    reply.footer("In crisis? /crisis lists lines you can call or text now.")
}

fn invalid(what: &str, errors: &[crate::domain::directory::FieldError]) -> UserError {
    let list: Vec<String> = errors.iter().map(|e| format!("- {e}")).collect();
    UserError::new(format!("{what}; nothing was changed:\n{}", list.join("\n")))
}

/// One result line.
fn summary_item(g: &Entry) -> Item {
    let mut title = g.name.clone();
    if !g.verified {
        title.push_str(" [unverified]");
    }
    Item {
        title,
        subtitle: format!(
            "{} · {} · {}",
            g.kind.label(),
            g.format.label(),
            region_label(&g.states, g.city.as_deref())
        ),
        lines: vec![
            one_line(&g.description, 140),
            format!("details: /group show {}", g.key),
        ],
        link: g.url.clone(),
    }
}

/// An entry in full.
fn entry_reply(e: &Entry) -> Reply {
    let join = |v: Vec<&str>| v.join(", ");
    let mut fields = vec![
        ("Kind".to_owned(), e.kind.label().to_owned()),
        (
            "Specialties".to_owned(),
            join(e.specialties.iter().map(|s| s.label()).collect()),
        ),
    ];
    if !e.credentials.is_empty() {
        fields.push(("Credentials".into(), e.credentials.join(", ")));
    }
    fields.extend([
        ("Region".to_owned(), e.region_label()),
        ("Format".to_owned(), e.format.label().to_owned()),
        ("Cost".to_owned(), e.cost.label().to_owned()),
        ("Facilitation".to_owned(), e.facilitation.label().to_owned()),
    ]);
    let optional = [
        ("Schedule", &e.schedule),
        ("Link", &e.url),
        ("Contact", &e.contact),
        ("Source", &e.source),
    ];
    for (label, value) in optional {
        if let Some(v) = value {
            fields.push((label.to_owned(), v.clone()));
        }
    }
    if !e.tags.is_empty() {
        fields.push(("Tags".into(), e.tags.join(", ")));
    }
    let verified = match (e.verified, e.last_verified) {
        (true, Some(d)) => format!("yes, last checked {}", d.format("%Y-%m-%d")),
        _ => "not verified: check the details with the group before relying on them".to_owned(),
    };
    fields.push(("Verified".into(), verified));
    Reply::channel(format!("{} ({})", e.name, e.key))
        .text(e.description.clone())
        .block(Block::Fields(fields))
}

/// Shortens text to `max` characters on a word boundary, with an ellipsis.
fn one_line(text: &str, max: usize) -> String {
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if text.chars().count() <= max {
        return text;
    }
    let cut: String = text.chars().take(max).collect();
    let cut = cut.rsplit_once(' ').map_or(cut.as_str(), |(head, _)| head);
    format!("{}…", cut.trim_end_matches([',', ';', '.', ':']))
}

/// Who may use a command is checked before its arguments are read, so a member never learns
/// admin options from an error message.
fn permitted(actor: &Actor, spec: &command::CommandSpec) -> Result<(), UserError> {
    let needed = spec.role;
    if !actor.role.allows(needed) {
        let alternative = if spec.name.starts_with("group") || spec.name.starts_with("review") {
            " To propose a group for the directory, use /suggestgroup."
        } else {
            ""
        };
        return Err(UserError::new(format!(
            "/{} is for {needed}s, and you are {} {} here; nothing was changed.{alternative}",
            spec.name,
            if actor.role == Role::Member {
                "a"
            } else {
                "an"
            },
            actor.role
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_descriptions_are_cut_on_a_word() {
        assert_eq!(one_line("one two three", 9), "one two…");
        assert_eq!(one_line("short", 9), "short");
    }
}
