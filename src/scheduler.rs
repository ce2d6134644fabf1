//! The persistent scheduler and the outbox dispatcher.
//!
//! Nothing is kept in memory between passes: [`Scheduler::tick`] finds what is due in the
//! database and writes deliveries to the outbox (each once, by idempotency key);
//! [`Scheduler::dispatch`] sends due deliveries through an adapter ([`Deliver`]) and marks them
//! sent when the platform acknowledges. A restart loses nothing and sends nothing twice: a
//! delivery written but not sent is sent after the restart; one sent and marked is never sent
//! again. (One sent but not yet marked when the process dies is sent again; the chat adapters
//! pass the idempotency key to the platform, which drops the repeat.)
//!
//! Tests and the console's simulated clock call `tick` and `dispatch` themselves with the time
//! they choose; a live adapter sleeps until [`Scheduler::next_wakeup`] and does the same.

mod pairing;

use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Duration, Utc};
use tracing::{debug, warn};

use crate::domain::directory::{Field, Raw};
use crate::domain::identity::{Member, Platform};
use crate::domain::meetup::{self, counts_of};
use crate::domain::notices::{self, Notice};
use crate::domain::reply::Reply;
use crate::domain::roster::Status;
use crate::domain::schedule::WeeklySchedule;
use crate::domain::series::{Repeat, occurrence, within};
use crate::domain::weekly::{self, instant, next_due, week_label};
use crate::settings::Settings;
use crate::store::{
    NewPrompt, PendingDelivery, StaleDelivery, Store, StoreError, SuggestionStatus,
};

/// RSVPs within this long of each other become one edit of an announcement (rate limits).
pub const EDIT_COALESCE: Duration = Duration::seconds(5);

/// Schedules read per pass of the enqueue loop.
const DUE_BATCH: usize = 50_000;

/// Where a delivery goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// Privately to a member (a DM).
    Member(Member),
    /// A new post in a community's announcement channel (`platform:id`).
    Channel { community: String },
    /// A new post in a configured channel or room (`platform:id`: a Discord channel id, a
    /// Matrix room id), like a community's tip of the week.
    Room { channel: String },
    /// An edit of a post the bot made.
    Edit {
        community: String,
        message_id: String,
    },
    /// A room of its own for members who all agreed to meet (pairing on Matrix): opened once
    /// per `group` (by whichever member's delivery comes first), encrypted, with the members
    /// invited, and `welcome` posted in it when it opens; the message itself goes privately to
    /// `to` once the room is open.
    Meeting {
        group: i64,
        members: Vec<Member>,
        to: Box<Member>,
        welcome: Box<Reply>,
    },
}

/// A message ready to send.
#[derive(Debug, Clone)]
pub struct Delivery {
    pub target: Target,
    pub reply: Reply,
    /// Reactions the bot adds to its new post (meetup RSVPs).
    pub reactions: Vec<&'static str>,
    /// Stable across retries: adapters pass it to the platform so a retry cannot post twice.
    pub idempotency_key: String,
}

impl Delivery {
    /// The member it goes to, for private deliveries.
    pub fn member(&self) -> Option<&Member> {
        match &self.target {
            Target::Member(m) => Some(m),
            Target::Meeting { to, .. } => Some(to),
            _ => None,
        }
    }
}

/// What to do with one pending delivery.
enum Planned {
    Send(Delivery),
    Drop(&'static str),
    Defer(DateTime<Utc>),
}

/// Why a delivery failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeliveryError {
    /// Worth retrying (network, rate limit, server error).
    Transient(String),
    /// Retrying cannot help (the member left, DMs are closed).
    Permanent(String),
}

/// An adapter's way of sending a private message. Returns the platform's message id.
pub trait Deliver {
    fn deliver(
        &mut self,
        delivery: &Delivery,
    ) -> impl Future<Output = Result<String, DeliveryError>>;

    /// Called once a new announcement is recorded as sent (with its message id). Members can
    /// react between the platform's answer and that record, and the bot does not know the post
    /// then: chat adapters read the reactions already on it here.
    fn announced(&mut self, _message_id: &str) -> impl Future<Output = ()> {
        std::future::ready(())
    }
}

/// What one `tick` did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TickReport {
    /// Prompts written to the outbox.
    pub enqueued: usize,
    /// Prompts skipped because they were due longer ago than the grace window.
    pub skipped_stale: usize,
    pub expired_prompts: u64,
    pub deleted_answers: u64,
    /// Meetups deleted (with their RSVPs and deliveries) past `meetups.retention_days`.
    pub deleted_meetups: u64,
    /// Prompts still in the outbox past the grace window, skipped.
    pub stale_prompts: u64,
    /// Announcements, reminders and notices past their window: not sent, logged, counted by
    /// `labcircle status` and reported to their meetup's organizer.
    pub stale_reported: usize,
}

/// What one `dispatch` did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DispatchReport {
    pub sent: usize,
    pub retried: usize,
    pub failed: usize,
    /// Deliveries dropped because their prompt was answered or had closed meanwhile.
    pub dropped: usize,
    /// Deliveries held back until the member's quiet hours end.
    pub deferred: usize,
}

/// Finds due work and sends it.
#[derive(Debug, Clone)]
pub struct Scheduler {
    store: Store,
    settings: Settings,
    /// When each platform may take its next message (pacing to its rate limit, in real time).
    pacing: Arc<Mutex<HashMap<Platform, tokio::time::Instant>>>,
}

impl Scheduler {
    pub fn new(store: Store, settings: Settings) -> Self {
        Self {
            store,
            settings,
            pacing: Arc::new(Mutex::new(HashMap::new())),
        }
    }

    /// Waits until `platform` may take another message, at `settings.sends_per_second`.
    async fn pace(&self, platform: Platform) {
        let gap = std::time::Duration::from_secs(1) / self.settings.rate(platform).max(1);
        let wait_until = {
            let mut pacing = self
                .pacing
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            let now = tokio::time::Instant::now();
            let slot = pacing.get(&platform).copied().unwrap_or(now).max(now);
            pacing.insert(platform, slot + gap);
            slot
        };
        tokio::time::sleep_until(wait_until).await;
    }

    /// Everything due at `now`: writes due check-ins to the outbox, skips stale ones, closes
    /// expired prompts and deletes answers and meetups past retention.
    pub async fn tick(&self, now: DateTime<Utc>) -> Result<TickReport, StoreError> {
        let mut report = TickReport::default();
        let stale_before = (now - self.settings.grace).timestamp();
        let expiry = self.settings.prompt_expiry;
        let grace = self.settings.grace;
        let prompt_at = |row: &crate::store::ScheduleRow, due_at: DateTime<Utc>, zone| NewPrompt {
            member: row.member.clone(),
            community: row.community.clone(),
            due_at: due_at.timestamp(),
            week: week_label(due_at, zone),
            expires_at: (due_at + expiry).timestamp(),
        };
        loop {
            let mut skipped = 0;
            let (handled, written) = self
                .store
                .enqueue_due(now.timestamp(), DUE_BATCH, |row| {
                    let Some(schedule) = row.schedule() else {
                        // Never log who: a check-in schedule is health-adjacent.
                        warn!("unreadable check-in schedule; it waits a week");
                        return (None, (now + Duration::weeks(1)).timestamp());
                    };
                    let mut due_at = instant(row.next_due_at);
                    if row.next_due_at < stale_before {
                        // Down longer than the grace window: only an occurrence inside the
                        // window is still sent; older ones are skipped, not sent in a burst.
                        skipped += 1;
                        due_at = instant(next_due(&schedule, now - grace, row.paused_until));
                        if due_at > now {
                            return (None, due_at.timestamp());
                        }
                    }
                    let next = next_due(&schedule, due_at, row.paused_until);
                    (Some(prompt_at(row, due_at, schedule.zone)), next)
                })
                .await?;
            report.skipped_stale += skipped;
            report.enqueued += written;
            if handled < DUE_BATCH {
                break;
            }
        }
        self.create_due_occurrences(now).await?;
        self.pairing_rounds(now).await?;
        self.queue_weekly_tips(now).await?;
        self.store.queue_meetup_reminders(now.timestamp()).await?;
        self.store
            .queue_count_edits((now - EDIT_COALESCE).timestamp(), now.timestamp())
            .await?;
        report.expired_prompts = self.store.expire_prompts(now.timestamp()).await?;
        report.deleted_answers = self
            .store
            .delete_answers_before((now - self.settings.retention).timestamp())
            .await?;
        report.deleted_meetups = self
            .store
            .delete_meetups_ended_before((now - self.settings.meetup_retention).timestamp())
            .await?;
        let (stale_prompts, stale) = self
            .store
            .skip_stale_deliveries(stale_before, now.timestamp())
            .await?;
        report.stale_prompts = stale_prompts;
        report.stale_reported = stale.len();
        if !stale.is_empty() {
            self.report_stale(stale, now).await?;
        }
        if report != TickReport::default() {
            debug!(
                enqueued = report.enqueued,
                stale = report.skipped_stale,
                "scheduler tick"
            );
        }
        Ok(report)
    }

    /// Sends up to `max` due deliveries for `platform` through `sink`.
    pub async fn dispatch<D: Deliver>(
        &self,
        now: DateTime<Utc>,
        platform: Platform,
        sink: &mut D,
        max: usize,
    ) -> Result<DispatchReport, StoreError> {
        let mut report = DispatchReport::default();
        let due = self
            .store
            .due_deliveries(now.timestamp(), platform, max)
            .await?;
        let mut schedules: HashMap<String, Option<WeeklySchedule>> = HashMap::new();
        for d in due {
            let planned = match d.kind.as_str() {
                "checkin_prompt" => self.checkin_delivery(&d, now, &mut schedules).await?,
                "meetup_notice" | "stale_report" | "link_report" => Planned::Send(Delivery {
                    target: Target::Member(d.to.clone()),
                    reply: Reply::private(d.body.clone().unwrap_or_default()),
                    reactions: Vec::new(),
                    idempotency_key: d.idempotency_key.clone(),
                }),
                "meetup_reminder" => self.reminder_delivery(&d, now).await?,
                _ if d.notice().is_some() => self.notice_delivery(&d, now).await?,
                "meetup_announcement" | "meetup_edit" => self.post_delivery(&d, now).await?,
                "tip_weekly" => self.weekly_tip_delivery(&d).await?,
                _ => Planned::Drop("nothing to deliver"),
            };
            let delivery = match planned {
                Planned::Send(delivery) => delivery,
                Planned::Drop(why) => {
                    self.store.mark_skipped(d.id, why).await?;
                    report.dropped += 1;
                    continue;
                }
                Planned::Defer(until) => {
                    self.store.defer_delivery(d.id, until.timestamp()).await?;
                    report.deferred += 1;
                    continue;
                }
            };
            self.pace(platform).await;
            match sink.deliver(&delivery).await {
                Ok(message_id) => {
                    match (d.kind.as_str(), d.meetup_id, &d.community) {
                        ("meetup_announcement", Some(meetup), Some(community)) => {
                            self.store
                                .announcement_sent(
                                    d.id,
                                    meetup,
                                    community,
                                    &message_id,
                                    now.timestamp(),
                                )
                                .await?;
                            sink.announced(&message_id).await;
                        }
                        _ => {
                            self.store
                                .mark_sent(d.id, &message_id, now.timestamp())
                                .await?
                        }
                    }
                    report.sent += 1;
                }
                Err(DeliveryError::Transient(why))
                    if (d.attempts + 1) < i64::from(self.settings.max_attempts) =>
                {
                    // 30 s, 1 min, 2 min, … at most an hour.
                    let backoff = 30i64.saturating_mul(1 << d.attempts.min(7)).min(3600);
                    self.store
                        .mark_retry(d.id, now.timestamp() + backoff, &why)
                        .await?;
                    report.retried += 1;
                }
                Err(DeliveryError::Transient(why) | DeliveryError::Permanent(why)) => {
                    // The delivery id, not the member: who gets check-ins is health-adjacent.
                    warn!(delivery = d.id, kind = %d.kind, reason = %why, "delivery failed for good");
                    self.store.mark_failed(d.id, &why).await?;
                    self.pairing_failed(&d, &delivery, now).await?;
                    report.failed += 1;
                }
            }
        }
        Ok(report)
    }

    /// Logs deliveries given up on as stale and tells each meetup's organizer, privately,
    /// what did not go out. The log names kinds, counts and meetup ids, never members or
    /// their text.
    async fn report_stale(
        &self,
        stale: Vec<StaleDelivery>,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let mut by_meetup: std::collections::BTreeMap<i64, Vec<StaleDelivery>> =
            std::collections::BTreeMap::new();
        for d in stale {
            match d.meetup_id {
                // A report that itself went stale is logged, not reported again.
                Some(id) if d.kind != "stale_report" => by_meetup.entry(id).or_default().push(d),
                _ => warn!(delivery = d.id, kind = %d.kind, "delivery past its window, not sent"),
            }
        }
        for (id, items) in by_meetup {
            let count = |kind: &str| items.iter().filter(|d| d.kind == kind).count();
            let places: Vec<&str> = items
                .iter()
                .filter(|d| d.kind == "meetup_announcement")
                .filter_map(|d| d.community.as_deref())
                .collect();
            let (reminders, notices) = (count("meetup_reminder"), count("meetup_notice"));
            warn!(
                meetup = id,
                announcements = places.len(),
                reminders,
                notices,
                "deliveries past their window, not sent; reporting to the organizer"
            );
            let Some(m) = self.store.meetup(id).await? else {
                continue;
            };
            let mut parts = Vec::new();
            if !places.is_empty() {
                parts.push(format!("its announcement in {}", places.join(", ")));
            }
            for (n, one, many) in [
                (reminders, "a reminder to a member", "reminders to members"),
                (notices, "a notice to a member", "notices to members"),
            ] {
                match n {
                    0 => {}
                    1 => parts.push(one.to_owned()),
                    n => parts.push(format!("{n} {many}")),
                }
            }
            let body = format!(
                "Some messages about your meetup #{id} \"{}\" could not go out in time (labcircle \
                 or the platform was down) and were not sent late: {}. Members can still read \
                 the meetup as it stands with /meetup show {id}; you may want to tell them \
                 yourself.",
                crate::domain::mentions::neutralize(&m.title),
                parts.join("; ")
            );
            let key = format!("stale:{id}:{}", now.timestamp());
            self.store
                .queue_stale_report(&m.organizer, &key, &body, now.timestamp())
                .await?;
        }
        Ok(())
    }

    /// Creates (and announces) the next occurrence of every series that starts within
    /// `announce_ahead`, as many as fall in that window.
    async fn create_due_occurrences(&self, now: DateTime<Utc>) -> Result<(), StoreError> {
        let horizon = (now + self.settings.announce_ahead).timestamp();
        for _ in 0..100 {
            let due = self.store.due_series(horizon).await?;
            if due.is_empty() {
                break;
            }
            for s in due {
                let (Ok(repeat), Ok(first), Some(template), Some(starts)) = (
                    Repeat::parse(&s.repeat),
                    chrono::NaiveDateTime::parse_from_str(&s.first_local, "%Y-%m-%dT%H:%M"),
                    s.template,
                    s.next_starts_at,
                ) else {
                    self.store.cancel_series(s.id).await?;
                    continue;
                };
                let Some(model) = self.store.meetup(template).await? else {
                    self.store.cancel_series(s.id).await?;
                    continue;
                };
                let zone = model.zone();
                let until = s
                    .until
                    .as_deref()
                    .and_then(|u| chrono::NaiveDate::parse_from_str(u, "%Y-%m-%d").ok());
                let index = u32::try_from(s.next_index + 1).unwrap_or(u32::MAX);
                let next = occurrence(repeat, first, index, zone);
                let next = within(next, until, zone).then_some(next.timestamp());
                let length = model.ends_at - model.starts_at;
                if starts <= now.timestamp() {
                    // Missed while down: moved past, never announced.
                    self.store.skip_occurrence(&s, next).await?;
                    continue;
                }
                self.store
                    .create_occurrence(&s, starts, starts + length, next, now.timestamp())
                    .await?;
            }
        }
        Ok(())
    }

    async fn checkin_delivery(
        &self,
        d: &PendingDelivery,
        now: DateTime<Utc>,
        schedules: &mut HashMap<String, Option<WeeklySchedule>>,
    ) -> Result<Planned, StoreError> {
        let Some(prompt_id) = d.prompt_id else {
            return Ok(Planned::Drop("nothing to deliver"));
        };
        let prompt = self.store.prompt(prompt_id).await?;
        let Some(prompt) = prompt.filter(|p| p.status == "open" && p.expires_at > now.timestamp())
        else {
            return Ok(Planned::Drop("prompt answered or closed"));
        };
        let schedule = match schedules.get(&d.to.user.id) {
            Some(s) => *s,
            None => {
                let s = self
                    .store
                    .schedule(&d.to.user)
                    .await?
                    .as_ref()
                    .and_then(crate::store::ScheduleRow::schedule);
                schedules.insert(d.to.user.id.clone(), s);
                s
            }
        };
        // Opted out (or forgotten) since this was written: nothing more to send.
        let Some(schedule) = schedule else {
            return Ok(Planned::Drop("check-ins stopped"));
        };
        // Nothing arrives inside quiet hours, whatever made it late (retries, downtime).
        if let Some(end) = schedule.quiet.and_then(|q| q.end_after(now, schedule.zone)) {
            return Ok(Planned::Defer(end));
        }
        Ok(Planned::Send(Delivery {
            target: Target::Member(d.to.clone()),
            reply: weekly::prompt(prompt.expires_at, prompt.snoozes, schedule.zone),
            reactions: Vec::new(),
            idempotency_key: d.idempotency_key.clone(),
        }))
    }

    async fn reminder_delivery(
        &self,
        d: &PendingDelivery,
        now: DateTime<Utc>,
    ) -> Result<Planned, StoreError> {
        let Some(meetup) = (match d.meetup_id {
            Some(id) => self.store.meetup(id).await?,
            None => None,
        }) else {
            return Ok(Planned::Drop("no such meetup"));
        };
        if meetup.cancelled || meetup.starts_at <= now.timestamp() {
            return Ok(Planned::Drop("meetup cancelled or started"));
        }
        // Written as "24h:START": a reminder for a time the meetup has moved from is dropped
        // (the new time gets its own).
        let (which, starts) = d
            .body
            .as_deref()
            .unwrap_or("24h")
            .split_once(':')
            .unwrap_or(("24h", ""));
        if starts.parse::<i64>().is_ok_and(|s| s != meetup.starts_at) {
            return Ok(Planned::Drop("meetup moved"));
        }
        // Members who left the meetup since the reminder was queued get none.
        let going = match self.store.rsvp_of(meetup.id, &d.to.user).await? {
            Some(Status::Going) => true,
            Some(Status::Maybe) => false,
            _ => return Ok(Planned::Drop("no longer going")),
        };
        Ok(Planned::Send(Delivery {
            target: Target::Member(d.to.clone()),
            reply: meetup::reminder(&meetup, which, going, now),
            reactions: Vec::new(),
            idempotency_key: d.idempotency_key.clone(),
        }))
    }

    /// A private notice, rendered from the meetup or suggestion as it stands now. One that no
    /// longer holds (the member left the meetup or the waitlist meanwhile, the meetup was
    /// cancelled or has started, the suggestion was deleted) is dropped, not sent.
    async fn notice_delivery(
        &self,
        d: &PendingDelivery,
        now: DateTime<Utc>,
    ) -> Result<Planned, StoreError> {
        let Some(notice) = d.notice() else {
            return Ok(Planned::Drop("nothing to deliver"));
        };
        let reply = match notice {
            Notice::Promoted { meetup: id } | Notice::Waitlisted { meetup: id } => {
                let Some(m) = self.store.meetup(id).await? else {
                    return Ok(Planned::Drop("no such meetup"));
                };
                if m.cancelled || m.starts_at <= now.timestamp() {
                    return Ok(Planned::Drop("meetup cancelled or started"));
                }
                let status = self.store.rsvp_of(id, &d.to.user).await?;
                match (notice, status) {
                    (Notice::Promoted { .. }, Some(Status::Going)) => notices::promoted(&m, now),
                    (Notice::Waitlisted { .. }, Some(Status::Waitlisted)) => {
                        notices::waitlisted(&m)
                    }
                    _ => return Ok(Planned::Drop("no longer so")),
                }
            }
            Notice::ReactionRefused { meetup: id, why } => {
                let Some(m) = self.store.meetup(id).await? else {
                    return Ok(Planned::Drop("no such meetup"));
                };
                notices::reaction_refused(&m, why)
            }
            Notice::SuggestionDecided { suggestion: id } => {
                let Some(s) = self.store.suggestion(id).await? else {
                    return Ok(Planned::Drop("no such suggestion"));
                };
                let drafted = match s.draft.get(&Field::Name) {
                    Some(Raw::Text(n)) => n.clone(),
                    _ => format!("#{id}"),
                };
                match s.status {
                    SuggestionStatus::Approved => {
                        let key = s.group_key.unwrap_or_default();
                        let name = match self.store.group(&key).await? {
                            Some(entry) => entry.name,
                            None => drafted,
                        };
                        notices::suggestion_approved(&name, &key)
                    }
                    SuggestionStatus::Rejected => notices::suggestion_rejected(
                        &drafted,
                        s.reason.as_deref().unwrap_or_default(),
                    ),
                    SuggestionStatus::Pending => return Ok(Planned::Drop("not decided")),
                }
            }
            Notice::ReportResolved { report: id } => {
                let Some(r) = self.store.report(id).await? else {
                    return Ok(Planned::Drop("no such report"));
                };
                let Some(outcome) = r.outcome else {
                    return Ok(Planned::Drop("not resolved"));
                };
                let name = match self.store.group(&r.group_key).await? {
                    Some(entry) => entry.name,
                    None => r.group_key.clone(),
                };
                notices::report_resolved(&name, &r.group_key, r.reason, outcome, r.note.as_deref())
            }
            Notice::NewEvent { event: id } => {
                let Some(e) = self.store.event_by_id(id).await? else {
                    return Ok(Planned::Drop("no such event"));
                };
                let today = now.with_timezone(&self.settings.default_zone).date_naive();
                notices::new_event(&e, today)
            }
            Notice::PairIntro { .. }
            | Notice::PairMatched { .. }
            | Notice::PairSkipped { .. }
            | Notice::PairLeftOut { .. }
            | Notice::PairFollowUp { .. }
            | Notice::PairReported { .. }
            | Notice::PairNoRoom { .. } => return self.pairing_notice(d, notice).await,
        };
        Ok(Planned::Send(Delivery {
            target: Target::Member(d.to.clone()),
            reply,
            reactions: Vec::new(),
            idempotency_key: d.idempotency_key.clone(),
        }))
    }

    async fn post_delivery(
        &self,
        d: &PendingDelivery,
        now: DateTime<Utc>,
    ) -> Result<Planned, StoreError> {
        let (Some(id), Some(community)) = (d.meetup_id, d.community.clone()) else {
            return Ok(Planned::Drop("nothing to post"));
        };
        let Some(meetup) = self.store.meetup(id).await? else {
            return Ok(Planned::Drop("no such meetup"));
        };
        // Withdrawn from a community it was shared into: a post not sent yet is not sent, an
        // edit says it was withdrawn.
        let withdrawn = self
            .store
            .announcement_withdrawn(id, &community, d.edit_of.as_deref())
            .await?;
        let reply = match (withdrawn, &d.edit_of) {
            (true, None) => return Ok(Planned::Drop("announcement withdrawn")),
            (true, Some(_)) => meetup::withdrawn(&meetup),
            (false, _) => {
                let counts = counts_of(&self.store.rsvps(id).await?, meetup.capacity);
                meetup::announcement(&meetup, &counts, now)
            }
        };
        let (target, reactions) = match &d.edit_of {
            Some(message_id) => (
                Target::Edit {
                    community,
                    message_id: message_id.clone(),
                },
                Vec::new(),
            ),
            None => (
                Target::Channel { community },
                meetup::RSVP_EMOJI.iter().map(|(e, _)| *e).collect(),
            ),
        };
        Ok(Planned::Send(Delivery {
            target,
            reply,
            reactions,
            idempotency_key: d.idempotency_key.clone(),
        }))
    }

    /// The earliest time something may become due (a schedule or a delivery).
    pub async fn next_wakeup(
        &self,
        now: DateTime<Utc>,
    ) -> Result<Option<DateTime<Utc>>, StoreError> {
        // One read for everything stored (this runs after every command's dispatch).
        let due = self
            .store
            .next_due(
                now.timestamp(),
                EDIT_COALESCE.num_seconds(),
                self.settings.announce_ahead.num_seconds(),
            )
            .await?;
        let f = if due.pairing {
            self.settings.pairing.next_after(now).map(|t| t.timestamp())
        } else {
            None
        };
        // Each community's next tip of the week.
        let e = self
            .settings
            .tips
            .weekly
            .iter()
            .map(|w| w.schedule.next_after(now).timestamp())
            .min();
        Ok([due.at, e, f].into_iter().flatten().min().map(instant))
    }

    /// Queues each community's tip of the week once its day and time have come (within the
    /// grace window: a week missed while the bot was down longer is skipped, not posted late).
    /// One a week per community, none repeated within a year; nothing when none qualifies.
    async fn queue_weekly_tips(&self, now: DateTime<Utc>) -> Result<(), StoreError> {
        for w in &self.settings.tips.weekly {
            let due = w.schedule.next_after(now - Duration::weeks(1));
            if due > now || now - due > self.settings.grace {
                continue;
            }
            let week = week_label(due, w.schedule.zone);
            let since =
                (now - Duration::weeks(crate::domain::tips::WEEKLY_REPEAT_WEEKS)).timestamp();
            let picked = self
                .store
                .queue_weekly_tip(&w.community, &w.channel, &week, since, now.timestamp())
                .await?;
            if let Some(tip) = picked {
                debug!(community = %w.community, week = %week, tip, "tip of the week queued");
            }
        }
        Ok(())
    }

    /// A tip of the week, rendered when it is sent: a tip removed or hidden meanwhile is not.
    async fn weekly_tip_delivery(&self, d: &PendingDelivery) -> Result<Planned, StoreError> {
        let (Some(id), Some(channel)) = (
            d.body.as_deref().and_then(|b| b.parse::<i64>().ok()),
            d.community.clone(),
        ) else {
            return Ok(Planned::Drop("nothing to post"));
        };
        let tip = self.store.tip_by_id(id).await?;
        let Some(tip) = tip.filter(|t| t.status == crate::domain::tips::TipStatus::Live) else {
            return Ok(Planned::Drop("the tip is no longer live"));
        };
        Ok(Planned::Send(Delivery {
            target: Target::Room { channel },
            reply: crate::domain::tips::weekly_post(&tip),
            reactions: vec!["👍"],
            idempotency_key: d.idempotency_key.clone(),
        }))
    }
}
