//! The bot and its scheduler in process, on a manual clock and a store in a temporary
//! directory: bot rules tested without starting the binary. Members type command lines
//! (`Bot::handle(Incoming::Command)`) and read the replies as plain text; time moves only when
//! a test moves it, and deliveries go into a [`Recorder`].
//!
//! Only the crate's public API is used, through text commands, so renames inside the bot do
//! not reach the tests.

// Each test crate uses its own part of the harness.
#![allow(dead_code)]

use chrono::{DateTime, Duration, Utc};

use labcircle::bot::{Bot, Incoming, Settings};
use labcircle::clock::Clock;
use labcircle::domain::identity::{Actor, CommunityId, Member, Platform, Role, UserId};
use labcircle::domain::reply::Outgoing;
use labcircle::scheduler::{Deliver, Delivery, DeliveryError, Scheduler, Target};
use labcircle::store::Store;

/// The one community a world's members belong to (on the console platform).
pub const COMMUNITY: &str = "test";

/// `name` as a member of the test community.
pub fn member(name: &str) -> Actor {
    as_role(name, Role::Member)
}

/// `name` as an organizer (may create meetups).
pub fn organizer(name: &str) -> Actor {
    as_role(name, Role::Organizer)
}

/// `name` as an admin of the test community (its meetups and stats; not the directory, which
/// only moderators named in the settings keep).
pub fn admin(name: &str) -> Actor {
    as_role(name, Role::Admin)
}

pub fn as_role(name: &str, role: Role) -> Actor {
    Actor {
        member: Member {
            user: UserId::new(Platform::Console, name),
            display_name: name.into(),
        },
        role,
        community: CommunityId {
            platform: Platform::Console,
            id: COMMUNITY.into(),
        },
    }
}

/// Replies as the member would read them, one text each.
pub fn texts(out: &[Outgoing]) -> Vec<String> {
    out.iter()
        .map(|o| match o {
            Outgoing::Reply(r) => r.to_plain_text(),
        })
        .collect()
}

/// What kind of message a delivery was.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// Privately to a member.
    Direct,
    /// A new announcement.
    Post,
    /// An edit of an announcement.
    Edit,
}

/// One delivery the recorder took.
#[derive(Clone, Debug)]
pub struct Sent {
    pub kind: Kind,
    /// The member's user id for a direct message, empty otherwise.
    pub to: String,
    pub idempotency_key: String,
    pub text: String,
    /// The recorder's `now` when it was delivered.
    pub at: DateTime<Utc>,
}

/// A delivery sink that records what was delivered, and fails on demand. Posts get the ids
/// `post1`, `post2`, … (counting every delivery), direct messages `m1`, `m2`, …; an edit keeps
/// its post's id.
#[derive(Default)]
pub struct Recorder {
    pub sent: Vec<Sent>,
    /// Stamped on each delivery; [`World::run_until`] keeps it at the clock's time.
    pub now: Option<DateTime<Utc>>,
    /// Every delivery fails with this while it is set.
    pub fail_with: Option<DeliveryError>,
    deliveries: u32,
}

impl Recorder {
    pub fn at(now: DateTime<Utc>) -> Recorder {
        Recorder {
            now: Some(now),
            ..Recorder::default()
        }
    }

    fn of(&self, kind: Kind) -> Vec<String> {
        self.sent
            .iter()
            .filter(|s| s.kind == kind)
            .map(|s| s.text.clone())
            .collect()
    }

    /// The announcements' texts.
    pub fn posts(&self) -> Vec<String> {
        self.of(Kind::Post)
    }

    /// The announcement edits' texts.
    pub fn edits(&self) -> Vec<String> {
        self.of(Kind::Edit)
    }

    /// The direct messages' texts.
    pub fn directs(&self) -> Vec<String> {
        self.of(Kind::Direct)
    }
}

impl Deliver for Recorder {
    async fn deliver(&mut self, d: &Delivery) -> Result<String, DeliveryError> {
        if let Some(e) = self.fail_with.clone() {
            return Err(e);
        }
        self.deliveries += 1;
        let (kind, id) = match &d.target {
            Target::Member(_) => (Kind::Direct, format!("m{}", self.deliveries)),
            Target::Channel { .. } | Target::Room { .. } => {
                (Kind::Post, format!("post{}", self.deliveries))
            }
            Target::Edit { message_id, .. } => (Kind::Edit, message_id.clone()),
            Target::Meeting { .. } => (Kind::Direct, format!("m{}", self.deliveries)),
        };
        self.sent.push(Sent {
            kind,
            to: d.member().map(|m| m.user.id.clone()).unwrap_or_default(),
            idempotency_key: d.idempotency_key.clone(),
            text: d.reply.to_plain_text(),
            at: self.now.unwrap_or_default(),
        });
        Ok(id)
    }
}

/// A store, a bot and a scheduler sharing a manual clock.
pub struct World {
    dir: tempfile::TempDir,
    pub path: std::path::PathBuf,
    pub clock: Clock,
    pub settings: Settings,
    pub bot: Bot,
    pub scheduler: Scheduler,
}

impl World {
    pub async fn new(start: DateTime<Utc>) -> World {
        World::with_settings(start, Settings::default()).await
    }

    pub async fn with_settings(start: DateTime<Utc>, settings: Settings) -> World {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let path = dir.path().join("labcircle.db");
        World::open(dir, path, Clock::manual(start), settings).await
    }

    /// A world on the system clock, for the live runtime (`Runtime::deliver_loop`).
    pub async fn live() -> World {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let path = dir.path().join("labcircle.db");
        World::open(dir, path, Clock::System, Settings::default()).await
    }

    async fn open(
        dir: tempfile::TempDir,
        path: std::path::PathBuf,
        clock: Clock,
        settings: Settings,
    ) -> World {
        let store = Store::open(&path).await.expect("open the store");
        World {
            bot: Bot::with(store.clone(), settings.clone(), clock.clone()),
            scheduler: Scheduler::new(store, settings.clone()),
            settings,
            clock,
            path,
            dir,
        }
    }

    /// A "crash": drops the bot and scheduler and opens the same database again, at the same
    /// time.
    pub async fn restart(self) -> World {
        let World {
            dir,
            path,
            clock,
            settings,
            bot,
            scheduler,
        } = self;
        drop((bot, scheduler));
        World::open(dir, path, clock, settings).await
    }

    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    /// What `actor` reads after typing `text`, one text per message.
    pub async fn replies(&self, actor: Actor, text: &str) -> Vec<String> {
        let out = self
            .bot
            .handle(Incoming::Command {
                actor,
                text: text.into(),
            })
            .await;
        texts(&out)
    }

    /// `actor` types `text`; the replies, joined by newlines.
    pub async fn say_as(&self, actor: Actor, text: &str) -> String {
        self.replies(actor, text).await.join("\n")
    }

    /// Member `who` types `text`.
    pub async fn say(&self, who: &str, text: &str) -> String {
        self.say_as(member(who), text).await
    }

    /// Organizer `who` types `text`.
    pub async fn organizer_says(&self, who: &str, text: &str) -> String {
        self.say_as(organizer(who), text).await
    }

    /// Admin `who` types `text`.
    pub async fn admin_says(&self, who: &str, text: &str) -> String {
        self.say_as(admin(who), text).await
    }

    /// Member `who` adds (or takes back) `emoji` on the bot's post `post`.
    pub async fn react(&self, who: &str, post: &str, emoji: &str, added: bool) -> Vec<String> {
        let out = self
            .bot
            .handle(Incoming::Reaction {
                actor: member(who),
                post: post.into(),
                emoji: emoji.into(),
                added,
            })
            .await;
        texts(&out)
    }

    /// One tick and one dispatch (up to `limit` deliveries) at the clock's time.
    pub async fn step(&self, sink: &mut impl Deliver, limit: usize) {
        let now = self.now();
        self.scheduler.tick(now).await.expect("tick");
        self.scheduler
            .dispatch(now, Platform::Console, sink, limit)
            .await
            .expect("dispatch");
    }

    /// Runs every due time up to `until` (tick, then dispatch into `sink`), and leaves the
    /// clock there.
    pub async fn run_until(&self, until: DateTime<Utc>, sink: &mut Recorder) {
        loop {
            let next = self
                .scheduler
                .next_wakeup(self.now())
                .await
                .expect("wakeup");
            match next {
                Some(at) if at <= until => {
                    self.clock.set(at);
                    let now = self.now();
                    sink.now = Some(now);
                    self.step(sink, 1000).await;
                    let again = self.scheduler.next_wakeup(now).await.expect("wakeup");
                    assert!(
                        !(self.now() == now && again == Some(now)),
                        "no progress at {now}"
                    );
                }
                _ => break,
            }
        }
        self.clock.set(until);
        sink.now = Some(until);
    }

    /// Moves the clock forward by `by`, running what falls due on the way.
    pub async fn advance(&self, by: Duration, sink: &mut Recorder) {
        self.run_until(self.now() + by, sink).await;
    }
}
