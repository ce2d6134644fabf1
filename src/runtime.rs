//! Running the bot live: the scheduler ticks, and each connected platform dispatches its own
//! outbox rows through its adapter.
//!
//! Adapters call [`Runtime::poke`] after handling an event (a command may have queued an
//! announcement or a notice), so deliveries go out at once rather than at the next wake-up.
//! A poke dispatches; the scheduler's tick (check-ins falling due, reminders, retention)
//! runs when the next due time comes.
//!
//! With a manual clock (`labcircle run --clock TIME`), time moves only when
//! [`Runtime::advance`] is called (tests drive it through standard input with `:advance 2h`).

use std::time::Duration as StdDuration;

use chrono::{DateTime, Utc};
use tokio::sync::watch;
use tokio_util::sync::CancellationToken;
use tracing::warn;

use crate::bot::Bot;
use crate::domain::identity::Platform;
use crate::logging::Redacted;
use crate::ops::Health;
use crate::scheduler::{Deliver, Scheduler};
use crate::store::StoreError;

/// Longest a dispatcher sleeps before looking at the outbox again.
const RECHECK: StdDuration = StdDuration::from_secs(30);
/// Deliveries taken per dispatch pass.
const BATCH: usize = 200;
/// Most stops one clock advance makes (each moves the clock forward).
const MAX_STOPS: usize = 1_000_000;

/// The bot, its scheduler and the signal that wakes dispatchers.
#[derive(Clone, Debug)]
pub struct Runtime {
    bot: Bot,
    scheduler: Scheduler,
    /// Bumped whenever new work may be waiting; each dispatcher watches it.
    wake: watch::Sender<u64>,
    /// Each adapter's connection, reported by the adapters (`/healthz`).
    health: std::sync::Arc<Health>,
}

impl Runtime {
    pub fn new(bot: Bot, scheduler: Scheduler) -> Self {
        let (wake, _) = watch::channel(0);
        Self {
            bot,
            scheduler,
            wake,
            health: std::sync::Arc::new(Health::new()),
        }
    }

    pub fn bot(&self) -> &Bot {
        &self.bot
    }

    pub fn scheduler(&self) -> &Scheduler {
        &self.scheduler
    }

    /// Where adapters report whether they are connected.
    pub fn health(&self) -> &std::sync::Arc<Health> {
        &self.health
    }

    /// Wakes every dispatcher: something may have been queued.
    pub fn poke(&self) {
        self.wake.send_modify(|n| *n = n.wrapping_add(1));
    }

    /// Ticks the scheduler and sends what is due for `platform` through `sink`, until
    /// `shutdown` is cancelled. Errors from the store are logged and retried, never fatal.
    pub async fn deliver_loop<D: Deliver>(
        &self,
        platform: Platform,
        sink: &mut D,
        shutdown: CancellationToken,
    ) {
        let mut wake = self.wake.subscribe();
        // A poke (a command may have queued something) dispatches without ticking: only the
        // outbox can have changed, and a tick's write transactions cost more than the
        // dispatch. The tick runs when its time comes (`deadline`), however often pokes
        // arrive meanwhile, so a busy bot never starves its schedules.
        let mut tick = true;
        let mut deadline = tokio::time::Instant::now();
        loop {
            if shutdown.is_cancelled() {
                return;
            }
            let wait = match self.pass(platform, sink, tick).await {
                Ok(wait) => wait,
                Err(e) if is_busy(&e) => {
                    self.busy_warning(platform);
                    StdDuration::from_secs(2)
                }
                Err(e) => {
                    warn!(error = %Redacted(&e), platform = platform.code(), "delivery pass failed");
                    StdDuration::from_secs(2)
                }
            };
            let next = tokio::time::Instant::now() + wait;
            deadline = if tick { next } else { deadline.min(next) };
            tick = tokio::select! {
                _ = wake.changed() => false,
                () = shutdown.cancelled() => true,
                () = tokio::time::sleep_until(deadline) => true,
            };
        }
    }

    /// Logs, naming the file, that a scheduler pass for `platform` found the database busy.
    pub fn busy_warning(&self, platform: Platform) {
        let path = self.bot.store().path().map(|p| p.display().to_string());
        warn!(
            database = path.as_deref().unwrap_or(":memory:"),
            platform = platform.code(),
            "scheduler pass not run: the database is busy (another labcircle may be running on \
             it, or a backup holds a lock); trying again shortly"
        );
    }

    /// Sends what is due for `platform` now, once, and says how long until more may fall due
    /// (an adapter's start-up before it looks at what happened while it was away; the
    /// console after every line).
    pub async fn flush<D: Deliver>(
        &self,
        platform: Platform,
        sink: &mut D,
    ) -> anyhow::Result<StdDuration> {
        self.pass(platform, sink, true).await
    }

    /// One pass: tick (when `tick`), then dispatch until nothing due is left. Returns how
    /// long to sleep.
    async fn pass<D: Deliver>(
        &self,
        platform: Platform,
        sink: &mut D,
        tick: bool,
    ) -> anyhow::Result<StdDuration> {
        if tick {
            self.scheduler.tick(self.bot.clock().now()).await?;
        }
        loop {
            let report = self
                .scheduler
                .dispatch(self.bot.clock().now(), platform, sink, BATCH)
                .await?;
            let metrics = self.bot.metrics();
            for (outcome, n) in [
                ("sent", report.sent),
                ("retried", report.retried),
                ("failed", report.failed),
            ] {
                metrics.deliveries(platform.code(), outcome, n);
            }
            let handled =
                report.sent + report.retried + report.failed + report.dropped + report.deferred;
            if handled < BATCH {
                break;
            }
        }
        let now = self.bot.clock().now();
        Ok(match self.scheduler.next_wakeup(now).await? {
            // Due now (a retry's backoff, a delivery held for pacing, or what this pass
            // queued, such as the word that a delivery failed for good): look again shortly.
            Some(at) if at <= now => StdDuration::from_millis(500),
            // Simulated time moves only by `advance`, which pokes.
            _ if self.bot.clock().is_manual() => RECHECK,
            Some(at) => (at - now).to_std().unwrap_or(RECHECK).min(RECHECK),
            None => RECHECK,
        })
    }

    /// The next due time after now and no later than `target`, where a manual clock moving to
    /// `target` must stop so that work runs in order.
    async fn next_stop(&self, target: DateTime<Utc>) -> anyhow::Result<Option<DateTime<Utc>>> {
        let now = self.bot.clock().now();
        Ok(match self.scheduler.next_wakeup(now).await? {
            Some(at) if at > now && at <= target => Some(at),
            _ => None,
        })
    }

    /// Moves a manual clock to `target`, stopping at every due time on the way so work runs
    /// in order. Dispatchers (each adapter's [`Runtime::deliver_loop`]) are woken at each stop.
    pub async fn advance(&self, target: DateTime<Utc>) -> anyhow::Result<()> {
        let clock = self.bot.clock().clone();
        // Bounded: each stop moves the clock forward.
        for _ in 0..MAX_STOPS {
            let Some(at) = self.next_stop(target).await? else {
                break;
            };
            clock.set(at);
            self.scheduler.tick(at).await?;
            self.poke();
            // Let dispatchers send what fell due at this stop before moving on.
            tokio::time::sleep(StdDuration::from_millis(50)).await;
        }
        clock.set(target);
        self.scheduler.tick(target).await?;
        self.poke();
        Ok(())
    }

    /// Like [`Runtime::advance`], for a caller that is its platform's only dispatcher (the
    /// console): at each stop, what fell due goes out through `sink` before time moves on.
    pub async fn advance_through<D: Deliver>(
        &self,
        target: DateTime<Utc>,
        platform: Platform,
        sink: &mut D,
    ) -> anyhow::Result<()> {
        let clock = self.bot.clock().clone();
        for _ in 0..MAX_STOPS {
            let Some(at) = self.next_stop(target).await? else {
                break;
            };
            clock.set(at);
            self.pass(platform, sink, true).await?;
        }
        clock.set(target);
        self.pass(platform, sink, true).await.map(|_| ())
    }

    /// Reads clock controls from `input` (`:advance DURATION`, `:time`), answering on standard
    /// output. Only meaningful with a manual clock; used by tests and demos.
    pub async fn control_loop<R: tokio::io::AsyncBufRead + Unpin>(&self, input: R) {
        use tokio::io::AsyncBufReadExt;
        let mut lines = input.lines();
        while let Ok(Some(line)) = lines.next_line().await {
            let words: Vec<&str> = line.split_whitespace().collect();
            match words.as_slice() {
                [":advance", amount] if self.bot.clock().is_manual() => {
                    match crate::domain::schedule::parse_advance(amount) {
                        Ok(by) => {
                            let target = self.bot.clock().now() + by;
                            match self.advance(target).await {
                                Ok(()) => println!("(the time is now {})", target.to_rfc3339()),
                                Err(e) => println!("(could not advance: {e})"),
                            }
                        }
                        Err(e) => println!("({e})"),
                    }
                }
                [":advance", _] => {
                    println!("(the bot runs on the system clock; start it with --clock TIME)");
                }
                [":time"] => println!("(the time is {})", self.bot.clock().now().to_rfc3339()),
                [] => {}
                _ => println!("(unknown control {line}; controls: :advance DURATION, :time)"),
            }
        }
    }
}

/// Whether `e` is the database being busy: another connection held its lock for longer than
/// [`crate::store::BUSY_WAIT`]. Nothing was changed, and a later try may work.
pub fn is_busy(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<StoreError>()
            .is_some_and(StoreError::is_busy)
    })
}
