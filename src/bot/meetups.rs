//! Meetups: create, list, show, edit, cancel, share, calendar files, subscriptions, and RSVPs
//! from reactions on announcements.

use chrono::Duration;

use super::{Bot, Failure, Handled};
use crate::domain::command::{Command, MeetupDraft, UserError};
use crate::domain::ics::{IcsEvent, calendar_stamped};
use crate::domain::identity::{Actor, Member, Role};
use crate::domain::meetup::{self, Meetup};
use crate::domain::meetup_time::{describe, parse_when};
use crate::domain::mentions::neutralize;
use crate::domain::reply::{Block, Outgoing, Reply};
use crate::domain::roster::{Change, Rsvp, Status};
use crate::domain::series::{Repeat, occurrence, until_instant, within};
use crate::domain::vocab::{State, Vocab};
use crate::scheduler::counts_of;
use std::collections::HashMap;

use crate::domain::identity::UserId;
use crate::domain::roster::Roster;
use crate::store::{NewSeries, Notice, RosterOutcome, RosterSnapshot};

/// How long a meetup lasts when nobody says (for calendar files).
const DEFAULT_LENGTH: Duration = Duration::hours(2);

fn community_key(actor: &Actor) -> String {
    format!("{}:{}", actor.community.platform.code(), actor.community.id)
}

fn status_word(s: Status) -> &'static str {
    match s {
        Status::Going => "going",
        Status::Waitlisted => "waitlist",
        Status::Maybe => "maybe",
        Status::CantGo => "can't go",
    }
}

impl Bot {
    pub(super) async fn meetup_command(&self, actor: &Actor, command: Command) -> Handled {
        let reply = match command {
            Command::MeetupCreate(draft) => self.create_meetup(actor, draft).await?,
            Command::MeetupList(state) => self.list_meetups(state).await?,
            Command::MeetupShow(id) => self.show_meetup(actor, id).await?,
            Command::MeetupEdit(id, draft) => self.edit_meetup(actor, id, draft).await?,
            Command::MeetupCancel {
                id,
                reason,
                whole_series,
            } => self.cancel_meetup(actor, id, reason, whole_series).await?,
            Command::MeetupIcs(id) => self.meetup_ics(id).await?,
            Command::MeetupShare(id) => {
                // Sharing announces the meetup here and changes nothing of it, so this
                // community's admins may share any meetup into it (the organizer's identity on
                // another platform is another member); organizers share their own.
                let m = self
                    .meetup_for(actor, id, !actor.role.allows(Role::Admin))
                    .await?;
                if m.cancelled || m.starts_at <= self.now() {
                    return Err(UserError::new(format!(
                        "Meetup #{id} is cancelled or over; there is nothing to share."
                    ))
                    .into());
                }
                if !self
                    .store
                    .share_meetup(m.id, &community_key(actor), self.now())
                    .await?
                {
                    return Err(
                        UserError::new(format!("Meetup #{id} is announced here already.")).into(),
                    );
                }
                Reply::channel(format!(
                    "Meetup #{id} will be announced here too; RSVPs count toward one roster."
                ))
            }
            Command::MeetupReminders(on) => {
                self.store
                    .set_reminder_optout(&actor.member.user, !on)
                    .await?;
                Reply::private(if on {
                    "You will be reminded of meetups you marked maybe."
                } else {
                    "No reminders for meetups you marked maybe (going still gets them)."
                })
            }
            Command::MeetupSubscribe(state) => {
                let added = self.store.subscribe(&actor.member, state.code()).await?;
                Reply::private(if added {
                    format!(
                        "You'll hear privately about new meetups in {}.",
                        state.label()
                    )
                } else {
                    format!("You already hear about new meetups in {}.", state.label())
                })
            }
            Command::MeetupUnsubscribe(state) => {
                let n = self
                    .store
                    .unsubscribe(&actor.member.user, state.map(|s| s.code()))
                    .await?;
                Reply::private(match (n, state) {
                    (0, _) => "You had no such subscription.".to_owned(),
                    (_, Some(s)) => format!("No more news of meetups in {}.", s.label()),
                    (_, None) => "All your meetup subscriptions ended.".to_owned(),
                })
            }
            other => unreachable!("{other:?} is not a meetup command"),
        };
        Ok(vec![Outgoing::Reply(reply)])
    }

    fn now(&self) -> i64 {
        self.clock.now().timestamp()
    }

    /// A meetup by id; with `manage`, only for its organizer or an admin.
    async fn meetup_for(&self, actor: &Actor, id: i64, manage: bool) -> Result<Meetup, Failure> {
        let m = self.store.meetup(id).await?.ok_or_else(|| {
            UserError::new(format!(
                "There is no meetup #{id}. /meetup list shows the upcoming ones."
            ))
        })?;
        // Roles are per community: an admin manages the meetups of their own community (where
        // it was created or is announced), not every community's.
        let admin_here = actor.role.allows(Role::Admin)
            && (m.community == community_key(actor)
                || self
                    .store
                    .meetup_posts(id)
                    .await?
                    .iter()
                    .any(|(c, _)| *c == community_key(actor)));
        if manage && m.organizer.user != actor.member.user && !admin_here {
            return Err(UserError::new(format!(
                "Meetup #{id} is {}'s; only its organizer or an admin can change it. Nothing \
                 was changed.",
                neutralize(&m.organizer.display_name)
            ))
            .into());
        }
        Ok(m)
    }

    async fn create_meetup(&self, actor: &Actor, draft: MeetupDraft) -> Result<Reply, Failure> {
        let zone = draft.zone.unwrap_or(self.settings.default_zone);
        let when = draft.when.as_deref().unwrap_or_default();
        let starts = parse_when(when, zone, self.clock.now()).map_err(UserError::new)?;
        let m = Meetup {
            id: 0,
            series_id: None,
            community: community_key(actor),
            organizer: actor.member.clone(),
            title: draft.title.unwrap_or_default(),
            starts_at: starts.timestamp(),
            ends_at: (starts + DEFAULT_LENGTH).timestamp(),
            timezone: zone.name().to_owned(),
            location: draft.location.unwrap_or_default(),
            state: draft.state.flatten().map(|s| s.code().to_owned()),
            capacity: draft.capacity.flatten(),
            link: draft.link.flatten(),
            description: draft.description.flatten(),
            cancelled: false,
            cancel_reason: None,
            sequence: 0,
        };
        let mut notices = Vec::new();
        if let Some(state) = &m.state {
            for member in self.store.subscribers(state).await? {
                if member.user == actor.member.user {
                    continue;
                }
                notices.push(Notice {
                    key: format!(
                        "new:{{id}}:{}:{}",
                        member.user.platform.code(),
                        member.user.id
                    ),
                    text: format!(
                        "New meetup in {state}: {} · {} · {}. /meetup show {{id}}",
                        neutralize(&m.title),
                        m.when(),
                        neutralize(&m.location)
                    ),
                    to: member,
                });
            }
        }
        let series = match draft.repeat {
            None => None,
            Some(repeat) => {
                let first = starts.with_timezone(&zone).naive_local();
                if repeat == Repeat::Monthly && chrono::Datelike::day(&first) > 28 {
                    return Err(UserError::new(
                        "A monthly series must start on day 1 to 28, so that every month has \
                         that day.",
                    )
                    .into());
                }
                if let Some(until) = draft.until
                    && until < first.date()
                {
                    return Err(UserError::new(format!(
                        "until:{until} is before the first meetup ({}).",
                        m.when()
                    ))
                    .into());
                }
                let next = occurrence(repeat, first, 1, zone);
                Some(NewSeries {
                    repeat: repeat.code().to_owned(),
                    until: draft.until.map(|u| u.format("%Y-%m-%d").to_string()),
                    first_local: first.format("%Y-%m-%dT%H:%M").to_string(),
                    next_starts_at: within(next, draft.until, zone).then_some(next.timestamp()),
                })
            }
        };
        let id = self
            .store
            .create_meetup(&m, series.as_ref(), &notices, self.now())
            .await?;
        if let Some(repeat) = draft.repeat {
            let until = draft
                .until
                .map(|u| format!(" until {u}"))
                .unwrap_or_default();
            return Ok(Reply::channel(format!(
                "Meetup #{id} is created: {}, {}, repeating {repeat}{until}.",
                neutralize(&m.title),
                m.when()
            ))
            .footer(format!(
                "Each occurrence is announced {} days ahead. /meetup cancel {id} series:all ends \
                 the series.",
                self.settings.announce_ahead.num_days()
            )));
        }
        Ok(Reply::channel(format!(
            "Meetup #{id} is created: {}, {}.",
            neutralize(&m.title),
            m.when()
        ))
        .footer(format!(
            "The announcement follows. /meetup edit {id} · /meetup cancel {id}"
        )))
    }

    async fn list_meetups(&self, state: Option<State>) -> Result<Reply, Failure> {
        let mut items = Vec::new();
        for m in self
            .store
            .upcoming_meetups(self.now(), state.map(|s| s.code()))
            .await?
        {
            let counts = counts_of(&self.store.rsvps(m.id).await?, m.capacity);
            items.push((m, counts));
        }
        Ok(meetup::list(&items, state.map(|s| s.code())))
    }

    async fn show_meetup(&self, actor: &Actor, id: i64) -> Result<Reply, Failure> {
        let m = self.meetup_for(actor, id, false).await?;
        let rsvps = self.store.rsvps(id).await?;
        let counts = counts_of(&rsvps, m.capacity);
        if m.organizer.user == actor.member.user {
            let names: Vec<(Member, &'static str)> = rsvps
                .into_iter()
                .map(|(member, s)| (member, status_word(s)))
                .collect();
            let mut reply = meetup::details(&m, &counts, Some(&names));
            reply.visibility = crate::domain::reply::Visibility::Private;
            return Ok(reply);
        }
        Ok(meetup::details(&m, &counts, None))
    }

    async fn edit_meetup(
        &self,
        actor: &Actor,
        id: i64,
        draft: MeetupDraft,
    ) -> Result<Reply, Failure> {
        // Edits take the RSVP turn: no reaction may use the roster while it changes.
        let _turn = self.rsvp_turn.lock().await;
        let before = self.meetup_for(actor, id, true).await?;
        if before.starts_at <= self.now() {
            return Err(UserError::new(format!(
                "Meetup #{id} has already started; it cannot be changed."
            ))
            .into());
        }
        if draft.zone.is_some() && draft.when.is_none() {
            return Err(UserError::new(
                "Give when: with tz:, so the new time is read in the new zone (like tz:Pacific \
                 when:Dec 5 6:30pm).",
            )
            .into());
        }
        if before.series_id.is_some() && draft.when.is_some() {
            return Err(UserError::new(format!(
                "Meetup #{id} is one of a series, whose occurrences keep their day and time. \
                 Cancel this one (/meetup cancel {id}) and create a one-off instead."
            ))
            .into());
        }
        if before.cancelled {
            return Err(UserError::new(format!(
                "Meetup #{id} is cancelled; it cannot be changed."
            ))
            .into());
        }
        let mut after = before.clone();
        let zone = draft.zone.unwrap_or_else(|| before.zone());
        after.timezone = zone.name().to_owned();
        let mut changes: Vec<String> = Vec::new();
        if let Some(when) = &draft.when {
            let starts = parse_when(when, zone, self.clock.now()).map_err(UserError::new)?;
            after.starts_at = starts.timestamp();
            after.ends_at = (starts + DEFAULT_LENGTH).timestamp();
        }
        if after.starts_at != before.starts_at
            || draft.zone.is_some() && after.timezone != before.timezone
        {
            changes.push(format!(
                "moved from {} to {}",
                describe(before.starts(), before.zone()),
                describe(after.starts(), after.zone())
            ));
        }
        if let Some(t) = draft.title {
            changes.push(format!("now called {}", neutralize(&t)));
            after.title = t;
        }
        if let Some(l) = draft.location {
            changes.push(format!("now at {}", neutralize(&l)));
            after.location = l;
        }
        if let Some(s) = draft.state {
            after.state = s.map(|s| s.code().to_owned());
        }
        if let Some(l) = draft.link {
            after.link = l;
        }
        if let Some(d) = draft.description {
            after.description = d;
        }
        let capacity_changed = draft.capacity.is_some_and(|c| c != before.capacity);
        if let Some(c) = draft.capacity {
            after.capacity = c;
            if capacity_changed {
                changes.push(match c {
                    Some(n) => format!("places: {n}"),
                    None => "no limit on places".to_owned(),
                });
            }
        }
        if after == before {
            return Ok(Reply::channel(format!(
                "Nothing to change: meetup #{id} already has those values."
            )));
        }
        let now = self.now();
        let mut promoted = Vec::new();
        if capacity_changed {
            let capacity = after.capacity;
            if let Some(outcome) = self
                .with_roster(id, now, |_, roster, _| roster.set_capacity(capacity))
                .await?
            {
                promoted = outcome.result;
            }
        }
        let summary = if changes.is_empty() {
            "details updated".to_owned()
        } else {
            changes.join("; ")
        };
        let mut notices = Vec::new();
        for (member, _) in self.store.rsvps(id).await? {
            notices.push(Notice {
                key: format!(
                    "edit:{id}:{}:{}:{}",
                    before.sequence + 1,
                    member.user.platform.code(),
                    member.user.id
                ),
                text: format!(
                    "Meetup #{id} \"{}\" changed: {summary}.",
                    neutralize(&after.title)
                ),
                to: member,
            });
        }
        let roster = self.store.rsvps(id).await?;
        for change in promoted {
            let Change::Promoted(user) = change else {
                continue;
            };
            if let Some((member, _)) = roster.iter().find(|(m, _)| m.user == user) {
                notices.push(Notice {
                    key: format!(
                        "promoted:{id}:{}:{}:{}",
                        before.sequence + 1,
                        user.platform.code(),
                        user.id
                    ),
                    text: meetup::promoted_text(&after),
                    to: member.clone(),
                });
            }
        }
        self.store.save_meetup(&after, &notices, now).await?;
        self.forget_rosters(Some(id));
        Ok(Reply::channel(format!("Meetup #{id} updated: {summary}."))
            .footer("Everyone who answered is told; the announcement is updated."))
    }

    async fn cancel_meetup(
        &self,
        actor: &Actor,
        id: i64,
        reason: Option<String>,
        whole_series: bool,
    ) -> Result<Reply, Failure> {
        let first = self.meetup_for(actor, id, true).await?;
        if whole_series {
            let Some(series) = first.series_id else {
                return Err(UserError::new(format!(
                    "Meetup #{id} is not part of a series; /meetup cancel {id} cancels it."
                ))
                .into());
            };
            self.store.cancel_series(series).await?;
            let mut cancelled = Vec::new();
            for m in self.store.series_occurrences(series).await? {
                if !m.cancelled && m.starts_at >= first.starts_at && m.starts_at > self.now() {
                    cancelled.push(format!("#{}", m.id));
                    self.cancel_one(m, reason.clone()).await?;
                }
            }
            let which = if cancelled.is_empty() {
                String::new()
            } else {
                format!(
                    "; {} cancelled and everyone who answered told",
                    cancelled.join(", ")
                )
            };
            return Ok(Reply::channel(format!(
                "The series is cancelled: no more occurrences{which}."
            )));
        }
        if first.cancelled {
            return Err(UserError::new(format!("Meetup #{id} is cancelled already.")).into());
        }
        if first.starts_at <= self.now() {
            return Err(UserError::new(format!("Meetup #{id} has already started.")).into());
        }
        self.cancel_one(first, reason).await?;
        Ok(Reply::channel(format!(
            "Meetup #{id} is cancelled; everyone who answered is told."
        )))
    }

    /// Cancels one meetup and queues a notice to everyone who answered.
    async fn cancel_one(&self, mut m: Meetup, reason: Option<String>) -> Result<(), Failure> {
        let _turn = self.rsvp_turn.lock().await;
        let id = m.id;
        m.cancelled = true;
        m.cancel_reason = reason.clone();
        let why = reason
            .as_deref()
            .map(|r| format!(" Reason: {}", neutralize(r)))
            .unwrap_or_default();
        let notices: Vec<Notice> = self
            .store
            .rsvps(id)
            .await?
            .into_iter()
            .map(|(member, _)| Notice {
                key: format!(
                    "cancel:{id}:{}:{}",
                    member.user.platform.code(),
                    member.user.id
                ),
                text: format!(
                    "Meetup #{id} \"{}\" on {} is cancelled.{why}",
                    neutralize(&m.title),
                    m.when()
                ),
                to: member,
            })
            .collect();
        self.store.save_meetup(&m, &notices, self.now()).await?;
        self.forget_rosters(Some(id));
        Ok(())
    }

    async fn meetup_ics(&self, id: i64) -> Result<Reply, Failure> {
        let m = self.store.meetup(id).await?.ok_or_else(|| {
            UserError::new(format!(
                "There is no meetup #{id}. /meetup list shows the upcoming ones."
            ))
        })?;
        // A series' file describes the whole series: its rule and its cancelled occurrences.
        let series = match m.series_id {
            Some(s) => self.store.series(s).await?,
            None => None,
        };
        // The file's SEQUENCE: raised by any change to any occurrence (an edit, a cancel).
        let mut sequence = m.sequence;
        let (uid, first, rrule, exdates, cancelled) = match &series {
            Some(s) => {
                let occurrences = self.store.series_occurrences(s.id).await?;
                let first = occurrences.first().cloned().unwrap_or_else(|| m.clone());
                sequence =
                    occurrences.iter().map(|o| o.sequence).sum::<i64>() + i64::from(s.cancelled);
                let repeat = Repeat::parse(&s.repeat).map_err(UserError::new)?;
                let until = s
                    .until
                    .as_deref()
                    .and_then(|u| chrono::NaiveDate::parse_from_str(u, "%Y-%m-%d").ok())
                    .map(|u| until_instant(u, m.zone()));
                let exdates: Vec<_> = occurrences
                    .iter()
                    .filter(|o| o.cancelled)
                    .map(Meetup::starts)
                    .collect();
                let uid = format!("series-{}@labcircle", s.id);
                (uid, first, Some(repeat.rrule(until)), exdates, s.cancelled)
            }
            None => (
                format!("meetup-{id}@labcircle"),
                m.clone(),
                None,
                Vec::new(),
                m.cancelled,
            ),
        };
        let event = IcsEvent {
            uid: &uid,
            sequence: u32::try_from(sequence).unwrap_or(0),
            title: &first.title,
            description: first.description.as_deref(),
            location: Some(&first.location),
            url: first.link.as_deref(),
            start: first.starts(),
            end: first.ends(),
            zone: first.zone(),
            cancelled,
            rrule: rrule.as_deref(),
            exdates: &exdates,
        };
        Ok(
            Reply::channel(format!("Calendar file for meetup #{id}")).block(Block::File {
                name: format!("meetup-{id}.ics"),
                content: calendar_stamped(&event, self.clock.now()),
            }),
        )
    }

    /// Makes the roster match the reactions present on an announcement (after downtime).
    pub(super) async fn reconcile_meetup(
        &self,
        meetup_id: i64,
        post: &str,
        reactions: Vec<(Member, String)>,
    ) -> Handled {
        let present: Vec<(Member, Rsvp)> = reactions
            .into_iter()
            .filter_map(|(m, e)| meetup::rsvp_of(&e).map(|r| (m, r)))
            .collect();
        let _turn = self.rsvp_turn.lock().await;
        let now = self.now();
        let outcome = self
            .with_roster(meetup_id, now, |m, roster, names| {
                if m.cancelled || m.starts_at <= now {
                    return Vec::new();
                }
                let mut changes = Vec::new();
                // RSVPs that came through this post and whose reaction is gone: taken back.
                // (RSVPs made through the meetup's other announcements are theirs to reconcile.)
                let here: Vec<UserId> = names
                    .via
                    .iter()
                    .filter(|(_, v)| v.as_str() == post)
                    .map(|(u, _)| u.clone())
                    .collect();
                for user in here {
                    if !present.iter().any(|(m, _)| m.user == user)
                        && let Some(status) = roster.status(&user)
                    {
                        changes.extend(roster.remove(&user, status.rsvp()));
                    }
                }
                // Reactions present: the latest per member counts.
                for (member, rsvp) in &present {
                    if roster.status(&member.user).map(|s| s.rsvp()) == Some(*rsvp) {
                        continue;
                    }
                    names
                        .names
                        .insert(member.user.clone(), member.display_name.clone());
                    names.via.insert(member.user.clone(), post.to_owned());
                    changes.extend(roster.set(member.user.clone(), *rsvp));
                }
                changes
            })
            .await?;
        let Some(outcome) = outcome else {
            return Ok(Vec::new());
        };
        Ok(roster_notices(
            &outcome.meetup,
            outcome.result,
            &outcome.changed,
            None,
        ))
    }

    /// A reaction on an announcement: an RSVP (or taking one back).
    pub(super) async fn meetup_reaction(
        &self,
        actor: &Actor,
        meetup_id: i64,
        post: &str,
        emoji: &str,
        added: bool,
    ) -> Handled {
        let Some(rsvp) = meetup::rsvp_of(emoji) else {
            return Ok(Vec::new());
        };
        let _turn = self.rsvp_turn.lock().await;
        let now = self.now();
        let me = actor.member.user.clone();
        let name = actor.member.display_name.clone();
        let outcome = self
            .with_roster(meetup_id, now, |m, roster, names| {
                if m.cancelled || m.starts_at <= now {
                    return Err(m.cancelled);
                }
                names.names.insert(me.clone(), name);
                names.via.insert(me.clone(), post.to_owned());
                Ok(if added {
                    roster.set(me.clone(), rsvp)
                } else {
                    roster.remove(&me, rsvp)
                })
            })
            .await?;
        let Some(outcome) = outcome else {
            return Ok(Vec::new());
        };
        let m = &outcome.meetup;
        let changes = match outcome.result {
            Ok(changes) => changes,
            Err(cancelled) => {
                if !added {
                    return Ok(Vec::new());
                }
                let what = if cancelled {
                    "is cancelled"
                } else {
                    "has already started"
                };
                return Err(UserError::new(format!(
                    "Meetup #{} \"{}\" {what}; your reaction was not counted.",
                    m.id,
                    neutralize(&m.title)
                ))
                .into());
            }
        };
        Ok(roster_notices(
            m,
            changes,
            &outcome.changed,
            Some(&actor.member.user),
        ))
    }
}

/// Private word of the roster's changes: the waitlisted (the acting member in place, with
/// `actor`) and the promoted.
fn roster_notices(
    m: &Meetup,
    changes: Vec<Change<UserId>>,
    changed: &[(Member, Option<Status>)],
    actor: Option<&UserId>,
) -> Vec<Outgoing> {
    let member = |user: UserId| {
        changed
            .iter()
            .find(|(mm, _)| mm.user == user)
            .map(|(mm, _)| mm.clone())
            .unwrap_or(Member {
                display_name: user.id.clone(),
                user,
            })
    };
    changes
        .into_iter()
        .filter_map(|change| match change {
            Change::Waitlisted(user) if Some(&user) == actor => {
                Some(Outgoing::Reply(Reply::private(meetup::waitlisted_text(m))))
            }
            // Someone else's reaction never waitlists a member; reconciliation may.
            Change::Waitlisted(_) if actor.is_some() => None,
            Change::Waitlisted(user) => Some(Outgoing::Direct {
                to: member(user),
                reply: Reply::private(meetup::waitlisted_text(m)),
            }),
            Change::Promoted(user) => Some(Outgoing::Direct {
                to: member(user),
                reply: Reply::private(meetup::promoted_text(m)),
            }),
        })
        .collect()
}

impl Bot {
    /// Loads the roster (from memory when this process has it), lets `apply` change it, and
    /// writes what changed. Callers hold the RSVP turn, so the cached roster is always the
    /// stored one: every RSVP write in the process goes through here. `None`: no such meetup.
    pub(super) async fn with_roster<R>(
        &self,
        meetup_id: i64,
        now: i64,
        apply: impl FnOnce(&Meetup, &mut Roster<UserId>, &mut RosterNames) -> R,
    ) -> Result<Option<RosterOutcome<R>>, crate::store::StoreError> {
        // Taken out while in use (put back below), so nothing is copied per RSVP.
        let cached = self
            .rosters
            .lock()
            .expect("never poisoned")
            .remove(&meetup_id);
        let mut snapshot = match cached {
            Some(s) => s,
            None => match self.store.load_roster(meetup_id).await? {
                Some(s) => s,
                None => return Ok(None),
            },
        };
        let mut names = RosterNames {
            names: HashMap::new(),
            via: std::mem::take(&mut snapshot.via),
        };
        let mut lists: [Vec<UserId>; 4] = Default::default();
        let mut before: HashMap<UserId, Status> = HashMap::new();
        for (member, status) in &snapshot.rsvps {
            let i = match status {
                Status::Going => 0,
                Status::Maybe => 1,
                Status::CantGo => 2,
                Status::Waitlisted => 3,
            };
            lists[i].push(member.user.clone());
            before.insert(member.user.clone(), *status);
            names
                .names
                .insert(member.user.clone(), member.display_name.clone());
        }
        let [going, maybe, cant, waitlist] = lists;
        let mut roster = Roster::from_parts(snapshot.meetup.capacity, going, maybe, cant, waitlist);
        let result = apply(&snapshot.meetup, &mut roster, &mut names);
        let member = |user: &UserId| Member {
            user: user.clone(),
            display_name: names
                .names
                .get(user)
                .cloned()
                .unwrap_or_else(|| user.id.clone()),
        };
        let mut after: Vec<(Member, Status)> = Vec::new();
        for (list, status) in [
            (roster.going(), Status::Going),
            (roster.waitlist(), Status::Waitlisted),
            (roster.maybe(), Status::Maybe),
            (roster.cant(), Status::CantGo),
        ] {
            after.extend(list.iter().map(|user| (member(user), status)));
        }
        let mut position = snapshot.last_position;
        let mut writes: Vec<(Member, Option<Status>, i64, String)> = Vec::new();
        for (m, status) in &after {
            if before.get(&m.user) != Some(status) {
                position += 1;
                let via = names.via.get(&m.user).cloned().unwrap_or_default();
                writes.push((m.clone(), Some(*status), position, via));
            }
        }
        for user in before.keys() {
            if !after.iter().any(|(m, _)| &m.user == user) {
                writes.push((member(user), None, 0, String::new()));
            }
        }
        // On failure the roster stays out of the cache: the next RSVP reads the stored one.
        self.store.write_rsvps(meetup_id, &writes, now).await?;
        // The stored order (by position) is unchanged members in their order, then the changed
        // ones; the cache keeps that order too.
        let mut rsvps: Vec<(Member, Status)> = snapshot
            .rsvps
            .into_iter()
            .filter(|(m, _)| !writes.iter().any(|w| w.0.user == m.user))
            .collect();
        rsvps.extend(
            writes
                .iter()
                .filter_map(|(m, s, _, _)| s.map(|s| (m.clone(), s))),
        );
        let mut via = names.via;
        via.retain(|user, _| rsvps.iter().any(|(m, _)| &m.user == user));
        let meetup = snapshot.meetup;
        self.rosters.lock().expect("never poisoned").insert(
            meetup_id,
            RosterSnapshot {
                meetup: meetup.clone(),
                rsvps,
                via,
                last_position: position,
            },
        );
        let changed = writes.into_iter().map(|(m, s, _, _)| (m, s)).collect();
        Ok(Some(RosterOutcome {
            meetup,
            result,
            changed,
        }))
    }

    /// Promotes from the waitlist into free places (after someone left without a reaction:
    /// `/forgetme`), telling those promoted.
    pub(super) async fn fill_places(&self, meetup_id: i64) -> Handled {
        let _turn = self.rsvp_turn.lock().await;
        let now = self.now();
        let Some(outcome) = self
            .with_roster(meetup_id, now, |m, roster, _| {
                if m.cancelled || m.starts_at <= now {
                    Vec::new()
                } else {
                    roster.set_capacity(roster.capacity())
                }
            })
            .await?
        else {
            return Ok(Vec::new());
        };
        Ok(roster_notices(
            &outcome.meetup,
            outcome.result,
            &outcome.changed,
            None,
        ))
    }

    /// Forgets cached rosters: one meetup's (after an edit or cancel), or all (`None`).
    pub(super) fn forget_rosters(&self, meetup_id: Option<i64>) {
        let mut rosters = self.rosters.lock().expect("never poisoned");
        match meetup_id {
            Some(id) => {
                rosters.remove(&id);
            }
            None => rosters.clear(),
        }
    }
}

/// Names and the announcement each RSVP came through, for `with_roster`'s callers.
pub(super) struct RosterNames {
    pub names: HashMap<UserId, String>,
    pub via: HashMap<UserId, String>,
}
