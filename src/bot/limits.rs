//! Per-member limits, and telling a limited member once.
//!
//! Commands per minute: a keyed GCRA rate limiter (`governor`) per member identity, driven by
//! the bot's clock (so a manual clock moves it too), in memory: a restart forgets a minute's
//! count, which costs nothing. Suggestions and meetups per day are counted from the database
//! by the areas that create them (`directory.rs`, `meetups.rs`), so a restart or a second
//! process does not reset them; this module only remembers whom it told.
//!
//! A limited member is told once, privately, when the limit is reached, and then hears
//! nothing more about it until the window has passed.

use std::collections::HashMap;
use std::num::NonZeroU32;
use std::sync::Mutex;
use std::time::Duration;

use chrono::{DateTime, Utc};
use governor::clock::Clock as GovernorClock;
use governor::middleware::NoOpMiddleware;
use governor::state::keyed::HashMapStateStore;
use governor::{Quota, RateLimiter};

use crate::clock::Clock;
use crate::domain::identity::UserId;

/// The bot's clock as `governor` reads it: time since the Unix epoch.
#[derive(Clone, Debug)]
struct BotClock(Clock);

impl GovernorClock for BotClock {
    type Instant = Duration;

    fn now(&self) -> Duration {
        let now = self.0.now();
        Duration::from_millis(u64::try_from(now.timestamp_millis()).unwrap_or(0))
    }
}

/// When each of a member's counted actions happened.
type Times = Vec<DateTime<Utc>>;

type Keyed = RateLimiter<UserId, HashMapStateStore<UserId>, BotClock, NoOpMiddleware<Duration>>;

/// Which limit a member reached.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(super) enum Limit {
    Commands,
    Suggestions,
    /// Reports on directory entries.
    Reports,
    Meetups,
    /// Prompts opened with `/checkin now`.
    CheckinNow,
    /// Tips shared.
    Tips,
}

/// What to do with a member's command.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Gate {
    /// Under the limit.
    Go,
    /// Over it, and not told yet: tell them, with when they may go on.
    Tell(DateTime<Utc>),
    /// Over it and told already: answer nothing.
    Quiet,
}

/// The limits' state in one process.
pub(super) struct Limiter {
    commands: Keyed,
    clock: Clock,
    /// Whom we told about which limit, until when.
    told: Mutex<HashMap<(Limit, UserId), DateTime<Utc>>>,
    /// What each member made in this process (meetups, `/checkin now` prompts), when: a
    /// backstop to the database's counts, which `/forgetme` empties.
    made: Mutex<HashMap<(Limit, UserId), Times>>,
    /// Meetup creations take turns, so two at once cannot both pass the count.
    pub(super) create_turn: tokio::sync::Mutex<()>,
}

impl std::fmt::Debug for Limiter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Limiter").finish_non_exhaustive()
    }
}

impl Limiter {
    pub(super) fn new(commands_per_minute: u32, clock: Clock) -> Self {
        let per_minute = NonZeroU32::new(commands_per_minute).unwrap_or(NonZeroU32::MIN);
        let quota = Quota::per_minute(per_minute);
        Self {
            commands: RateLimiter::new(
                quota,
                HashMapStateStore::default(),
                BotClock(clock.clone()),
            ),
            clock,
            told: Mutex::new(HashMap::new()),
            made: Mutex::new(HashMap::new()),
            create_turn: tokio::sync::Mutex::new(()),
        }
    }

    /// Notes that `user` made one of what `limit` counts, now.
    pub(super) fn note_made(&self, limit: Limit, user: &UserId) {
        let now = self.clock.now();
        let mut made = self
            .made
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if made.len() > 10_000 {
            made.retain(|_, times| times.iter().any(|t| *t > now - chrono::Duration::days(1)));
        }
        made.entry((limit, user.clone())).or_default().push(now);
    }

    /// How many of what `limit` counts `user` made in this process after `since`, and the
    /// oldest of them.
    pub(super) fn made_since(
        &self,
        limit: Limit,
        user: &UserId,
        since: DateTime<Utc>,
    ) -> (i64, Option<DateTime<Utc>>) {
        let mut made = self
            .made
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let Some(times) = made.get_mut(&(limit, user.clone())) else {
            return (0, None);
        };
        times.retain(|t| *t > since);
        (times.len() as i64, times.first().copied())
    }

    /// Counts one command by `user` against the per-minute limit.
    pub(super) fn command(&self, user: &UserId) -> Gate {
        if self.commands.len() > 10_000 {
            self.commands.retain_recent();
        }
        match self.commands.check_key(user) {
            Ok(()) => Gate::Go,
            Err(_) => {
                // Told once, then quiet for the rest of the minute, however fast they send.
                let until = self.clock.now() + chrono::Duration::minutes(1);
                self.gate(Limit::Commands, user, until)
            }
        }
    }

    /// `user` reached `limit`, which lifts at `until`: tell them once.
    pub(super) fn gate(&self, limit: Limit, user: &UserId, until: DateTime<Utc>) -> Gate {
        let now = self.clock.now();
        let mut told = self
            .told
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if told.len() > 10_000 {
            told.retain(|_, t| *t > now);
        }
        let key = (limit, user.clone());
        match told.get(&key) {
            Some(t) if *t > now => Gate::Quiet,
            _ => {
                told.insert(key, until);
                Gate::Tell(until)
            }
        }
    }
}
