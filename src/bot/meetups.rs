//! Meetups: create, list, show, edit, cancel, share, calendar files and subscriptions. RSVPs
//! and the roster are in `rsvps.rs`.

use chrono::Duration;

use super::limits::{Gate, Limit};
use super::{Bot, Failure, Handled, refuse_patient_info};
use crate::domain::command::{MeetupCommand, MeetupDraft, UserError};
use crate::domain::ics::{IcsEvent, calendar_stamped};
use crate::domain::identity::{Actor, Member, Role};
use crate::domain::meetup::{self, Meetup, counts_of};
use crate::domain::meetup_time::{describe_from, read_when};
use crate::domain::mentions::neutralize;
use crate::domain::reply::{Block, Outgoing, Reply};
use crate::domain::roster::{Change, Status};
use crate::domain::series::{Repeat, occurrence, until_instant, within};
use crate::domain::vocab::{State, Vocab};

use crate::store::{MEETUP_ID_SLOT, NewSeries, Notice, Unshared};

/// How long a meetup lasts when nobody says (for calendar files).
const DEFAULT_LENGTH: Duration = Duration::hours(2);

fn community_key(actor: &Actor) -> String {
    format!("{}:{}", actor.community.platform.code(), actor.community.id)
}

/// A confirmation with what relative words were read as ("next Tuesday = Tue Dec 15, in 8
/// days"), so the organizer can catch a misreading before members act on it.
fn echoed(reply: Reply, echo: Option<String>) -> Reply {
    match echo {
        Some(echo) => reply.text(echo),
        None => reply,
    }
}

/// The PHI guard on what members read of a meetup: its title and description. The place is
/// left alone: a street address is what it is for.
fn guard_draft(draft: &MeetupDraft) -> Result<(), Failure> {
    refuse_patient_info("title", draft.title.as_deref())?;
    refuse_patient_info(
        "description",
        draft.description.as_ref().and_then(|d| d.as_deref()),
    )
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
    pub(super) async fn meetup_command(&self, actor: &Actor, command: MeetupCommand) -> Handled {
        let reply = match command {
            MeetupCommand::Create(draft) => self.create_meetup(actor, draft).await?,
            MeetupCommand::List(state) => self.list_meetups(state).await?,
            MeetupCommand::Show(id) => self.show_meetup(actor, id).await?,
            MeetupCommand::Edit(id, draft) => self.edit_meetup(actor, id, draft).await?,
            MeetupCommand::Cancel {
                id,
                reason,
                whole_series,
            } => self.cancel_meetup(actor, id, reason, whole_series).await?,
            MeetupCommand::Ics(id) => self.meetup_ics(id).await?,
            MeetupCommand::Share(id) => self.share_meetup(actor, id).await?,
            MeetupCommand::Unshare(id) => self.unshare_meetup(actor, id).await?,
            MeetupCommand::Reminders(on) => {
                self.store
                    .set_reminder_optout(&actor.member.user, !on)
                    .await?;
                Reply::private(if on {
                    "You will be reminded of meetups you marked maybe."
                } else {
                    "No reminders for meetups you marked maybe (going still gets them)."
                })
            }
            MeetupCommand::Subscribe(state) => {
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
            MeetupCommand::Unsubscribe(state) => {
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
        };
        Ok(vec![Outgoing::Reply(reply)])
    }

    pub(super) fn now(&self) -> i64 {
        self.clock.now().timestamp()
    }

    /// A meetup by id; with `manage`, only for its organizer or an admin.
    async fn meetup_for(&self, actor: &Actor, id: i64, manage: bool) -> Result<Meetup, Failure> {
        let m = self.store.meetup(id).await?.ok_or_else(|| {
            UserError::new(format!(
                "There is no meetup #{id}. /meetup list shows the upcoming ones."
            ))
        })?;
        // A meetup belongs to its home community (where it was created): its organizer and
        // that community's admins manage it. Sharing it elsewhere announces it there and gives
        // that community's admins only their own announcement (`/meetup unshare`).
        let home_admin = actor.role.allows(Role::Admin) && m.community == community_key(actor);
        if manage && m.organizer.user != actor.member.user && !home_admin {
            let here = if actor.role.allows(Role::Admin) && m.community != community_key(actor) {
                format!(
                    " If it is announced here, admins here can withdraw that announcement: \
                     /meetup unshare {id}."
                )
            } else {
                String::new()
            };
            return Err(UserError::new(format!(
                "Meetup #{id} is {}'s; only its organizer or an admin of the community it was \
                 created in can change it. Nothing was changed.{here}",
                neutralize(&m.organizer.display_name)
            ))
            .into());
        }
        Ok(m)
    }

    /// `/meetup share`: announces a meetup in this community too, giving it no say over it.
    async fn share_meetup(&self, actor: &Actor, id: i64) -> Result<Reply, Failure> {
        // Sharing announces the meetup here and changes nothing of it, so this community's
        // admins may share any meetup into it (the organizer's identity on another platform
        // is another member); organizers share their own.
        let m = self
            .meetup_for(actor, id, !actor.role.allows(Role::Admin))
            .await?;
        if m.cancelled || m.starts_at <= self.now() {
            return Err(UserError::new(format!(
                "Meetup #{id} is cancelled or over; there is nothing to share."
            ))
            .into());
        }
        let here = community_key(actor);
        if m.community == here {
            return Err(UserError::new(format!(
                "Meetup #{id} was created in this community, so it is announced here already."
            ))
            .into());
        }
        if !self.store.share_meetup(m.id, &here, self.now()).await? {
            return Err(UserError::new(format!("Meetup #{id} is announced here already.")).into());
        }
        Ok(Reply::channel(format!(
            "Meetup #{id} will be announced here too; RSVPs count toward one roster."
        ))
        .footer(format!(
            "It stays its own community's: only its organizer and that community's admins edit \
             or cancel it. /meetup unshare {id} withdraws the announcement here."
        )))
    }

    /// `/meetup unshare`: withdraws this community's announcement of a meetup shared into it.
    async fn unshare_meetup(&self, actor: &Actor, id: i64) -> Result<Reply, Failure> {
        let m = self.meetup_for(actor, id, false).await?;
        let here = community_key(actor);
        if m.community == here {
            return Err(UserError::new(format!(
                "Meetup #{id} was created in this community, so its announcement here is its \
                 own; there is nothing to withdraw. /meetup cancel {id} calls the meetup off."
            ))
            .into());
        }
        if !actor.role.allows(Role::Admin) && m.organizer.user != actor.member.user {
            return Err(UserError::new(format!(
                "Only this community's admins, or the meetup's organizer, can withdraw meetup \
                 #{id}'s announcement here. Nothing was changed."
            ))
            .into());
        }
        // Taken with the RSVP turn, so no reaction on the announcement counts after this.
        let _turn = self.rsvp_turn.lock().await;
        let done = match self.store.unshare_meetup(id, &here, self.now()).await? {
            Unshared::NotShared => {
                return Err(UserError::new(format!(
                    "Meetup #{id} was never shared into this community; there is nothing to \
                     withdraw."
                ))
                .into());
            }
            Unshared::WithdrawnAlready => {
                return Err(UserError::new(format!(
                    "Meetup #{id}'s announcement here is withdrawn already; /meetup share {id} \
                     announces it again."
                ))
                .into());
            }
            Unshared::Withdrawn { posted: 0 } => "its announcement will not be posted here",
            Unshared::Withdrawn { .. } => {
                "its announcement here says so and takes no new RSVPs; RSVPs made already stay"
            }
        };
        Ok(Reply::channel(format!(
            "Meetup #{id} is withdrawn from this community: {done}."
        ))
        .footer("The meetup itself is unchanged; its own community still announces it."))
    }

    /// Whether the organizer created `limits.meetups_per_day` meetups in the last 24 hours
    /// (counted in the database): then they are told once, and after that answered nothing
    /// until the oldest of them is a day old.
    async fn meetups_limited(&self, actor: &Actor) -> Result<Option<Reply>, Failure> {
        let now = self.clock.now();
        let most = self.settings.limits.meetups_per_day;
        let user = &actor.member.user;
        let since = now - Duration::days(1);
        let (stored, oldest_stored) = self
            .store
            .meetups_created_since(user, since.timestamp())
            .await?;
        // The database forgets who made a meetup after /forgetme; this process does not.
        let (remembered, oldest_remembered) = self.limits.made_since(Limit::Meetups, user, since);
        let (made, oldest) = if remembered > stored {
            (remembered, oldest_remembered)
        } else {
            (stored, oldest_stored.map(crate::domain::weekly::instant))
        };
        if made < i64::from(most) {
            return Ok(None);
        }
        let until = oldest.unwrap_or(now) + Duration::days(1);
        match self.limits.gate(Limit::Meetups, user, until) {
            Gate::Quiet => Err(Failure::Quiet),
            _ => Ok(Some(Reply::private(format!(
                "You have created {most} meetups in the last 24 hours, the most one organizer \
                 may; this one was not created. You may create meetups again from {}. Until \
                 then I will not answer further /meetup create.",
                crate::domain::weekly::local_label(until, self.settings.default_zone)
            )))),
        }
    }

    async fn create_meetup(&self, actor: &Actor, draft: MeetupDraft) -> Result<Reply, Failure> {
        guard_draft(&draft)?;
        // The count and the creation happen in one turn, so a burst cannot pass the limit.
        let _turn = self.limits.create_turn.lock().await;
        if let Some(reply) = self.meetups_limited(actor).await? {
            return Ok(reply);
        }
        let now = self.clock.now();
        let when = draft.when.as_deref().unwrap_or_default();
        let read = read_when(when, draft.zone, self.settings.default_zone, now)
            .map_err(UserError::from)?;
        let (starts, zone) = (read.at, read.zone);
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
                        "new:{MEETUP_ID_SLOT}:{}:{}",
                        member.user.platform.code(),
                        member.user.id
                    ),
                    text: format!(
                        "New meetup #{MEETUP_ID_SLOT} in {state}: {} · {} · {}. Details: \
                         /meetup show {MEETUP_ID_SLOT}",
                        neutralize(&m.title),
                        m.when(now),
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
                        m.when(now)
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
        self.limits.note_made(Limit::Meetups, &actor.member.user);
        if let Some(repeat) = draft.repeat {
            let until = draft
                .until
                .map(|u| format!(" until {u}"))
                .unwrap_or_default();
            return Ok(echoed(
                Reply::channel(format!(
                    "Meetup #{id} is created: {}, {}, repeating {repeat}{until}.",
                    neutralize(&m.title),
                    m.when(now)
                )),
                read.echo,
            )
            .footer(format!(
                "Each occurrence is announced {} days ahead. /meetup cancel {id} series:all ends \
                 the series.",
                self.settings.announce_ahead.num_days()
            )));
        }
        Ok(echoed(
            Reply::channel(format!(
                "Meetup #{id} is created: {}, {}.",
                neutralize(&m.title),
                m.when(now)
            )),
            read.echo,
        )
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
        Ok(meetup::list(
            &items,
            state.map(|s| s.code()),
            self.clock.now(),
        ))
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
            let mut reply = meetup::details(&m, &counts, Some(&names), self.clock.now());
            reply.visibility = crate::domain::reply::Visibility::Private;
            return Ok(reply);
        }
        Ok(meetup::details(&m, &counts, None, self.clock.now()))
    }

    async fn edit_meetup(
        &self,
        actor: &Actor,
        id: i64,
        draft: MeetupDraft,
    ) -> Result<Reply, Failure> {
        guard_draft(&draft)?;
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
        let clock_now = self.clock.now();
        let mut changes: Vec<String> = Vec::new();
        let mut echo = None;
        if let Some(when) = &draft.when {
            let read =
                read_when(when, draft.zone, before.zone(), clock_now).map_err(UserError::from)?;
            after.timezone = read.zone.name().to_owned();
            after.starts_at = read.at.timestamp();
            after.ends_at = (read.at + DEFAULT_LENGTH).timestamp();
            echo = read.echo;
        }
        if after.starts_at != before.starts_at || after.timezone != before.timezone {
            changes.push(format!(
                "moved from {} to {}",
                describe_from(before.starts(), before.zone(), clock_now),
                describe_from(after.starts(), after.zone(), clock_now)
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
                    text: meetup::promoted_text(&after, clock_now),
                    to: member.clone(),
                });
            }
        }
        self.store.save_meetup(&after, &notices, now).await?;
        self.forget_rosters(Some(id));
        Ok(echoed(
            Reply::channel(format!("Meetup #{id} updated: {summary}.")),
            echo,
        )
        .footer("Everyone who answered is told; the announcement is updated."))
    }

    async fn cancel_meetup(
        &self,
        actor: &Actor,
        id: i64,
        reason: Option<String>,
        whole_series: bool,
    ) -> Result<Reply, Failure> {
        refuse_patient_info("reason", reason.as_deref())?;
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
                    m.when(self.clock.now())
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
                let repeat = Repeat::parse(&s.repeat).map_err(UserError::from)?;
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
}
