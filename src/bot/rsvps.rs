//! The roster of a meetup: RSVPs from reactions, reconciliation with the reactions present
//! after downtime, the waitlist and its notices. Every RSVP write in the process goes through
//! [`Bot::with_roster`], holding the RSVP turn.

use std::collections::HashMap;
use std::sync::PoisonError;

use super::{Bot, Handled, metered};
use crate::domain::identity::{Actor, Member, Platform, UserId};
use crate::domain::meetup::{self, Meetup};
use crate::domain::notices::{Notice, Refusal};
use crate::domain::roster::{Change, Roster, Rsvp, Status};
use crate::store::{RosterOutcome, RosterSnapshot, StoreError};

impl Bot {
    /// Makes the roster match the reactions present on an announcement (after downtime).
    pub(super) async fn reconcile_meetup(
        &self,
        platform: Platform,
        meetup_id: i64,
        post: &str,
        reactions: Vec<(Member, String)>,
    ) -> Handled {
        let present: Vec<(Member, Rsvp)> = reactions
            .into_iter()
            .filter_map(|(m, e)| meetup::rsvp_of(&e).map(|r| (m, r)))
            .collect();
        let _turn = self.rsvp_turn.lock().await;
        // A withdrawn announcement is not reconciled: its reactions make no new RSVPs, and
        // the RSVPs made through it stay.
        if self.store.post_withdrawn(platform.code(), post).await? {
            return Ok(Vec::new());
        }
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
        if let Some(outcome) = outcome {
            self.tell_changes(outcome, None).await?;
        }
        Ok(Vec::new())
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
        // A withdrawn announcement takes no new RSVPs; taking one back still counts.
        if added
            && self
                .store
                .post_withdrawn(actor.member.user.platform.code(), post)
                .await?
        {
            self.refuse_reaction(actor, meetup_id, post, emoji, Refusal::Withdrawn)
                .await?;
            return Ok(Vec::new());
        }
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
        let changes = match outcome.result {
            Ok(changes) => changes,
            Err(cancelled) => {
                if added {
                    let why = if cancelled {
                        Refusal::Cancelled
                    } else {
                        Refusal::Started
                    };
                    self.refuse_reaction(actor, meetup_id, post, emoji, why)
                        .await?;
                }
                return Ok(Vec::new());
            }
        };
        let outcome = RosterOutcome {
            meetup: outcome.meetup,
            result: changes,
            changed: outcome.changed,
        };
        self.tell_changes(outcome, Some(&actor.member.user)).await?;
        Ok(Vec::new())
    }

    /// Tells the member, privately and through the outbox, that their reaction was not
    /// counted. A reaction has no command to answer: like every message about an event, this
    /// one is retried until it arrives. The key names the reaction (who, where, which, when),
    /// so the same reaction reported twice is told once.
    async fn refuse_reaction(
        &self,
        actor: &Actor,
        meetup_id: i64,
        post: &str,
        emoji: &str,
        why: Refusal,
    ) -> Result<(), StoreError> {
        let user = &actor.member.user;
        let now = self.now();
        let key = format!(
            "refused:{meetup_id}:{}:{}:{post}:{emoji}:{now}",
            user.platform.code(),
            user.id
        );
        let notice = Notice::ReactionRefused {
            meetup: meetup_id,
            why,
        };
        self.store
            .queue_notice(&key, &actor.member, notice, now)
            .await
    }

    /// Tells of the roster's changes, privately and through the outbox: the waitlisted and the
    /// promoted. With `actor` (a member's own reaction), only the actor can be waitlisted:
    /// someone else's reaction never waitlists a member; reconciliation may, and then everyone
    /// waitlisted is told.
    pub(super) async fn tell_changes(
        &self,
        outcome: RosterOutcome<Vec<Change<UserId>>>,
        actor: Option<&UserId>,
    ) -> Result<(), StoreError> {
        let now = self.now();
        let id = outcome.meetup.id;
        for change in outcome.result {
            let (user, notice, word) = match change {
                Change::Waitlisted(user) if actor.is_some_and(|a| *a != user) => continue,
                Change::Waitlisted(user) => (user, Notice::Waitlisted { meetup: id }, "waitlisted"),
                Change::Promoted(user) => (user, Notice::Promoted { meetup: id }, "promoted"),
            };
            // The key names the event: the member's new place in the meetup's order of
            // arrival, written once with the change (a restart never makes it again).
            let (member, event) = match outcome.changed.iter().find(|(m, _, _)| m.user == user) {
                Some((m, _, position)) => (m.clone(), position.to_string()),
                None => (
                    Member {
                        display_name: user.id.clone(),
                        user: user.clone(),
                    },
                    format!("t{now}"),
                ),
            };
            let key = format!("{word}:{id}:{}:{}:{event}", user.platform.code(), user.id);
            self.store.queue_notice(&key, &member, notice, now).await?;
        }
        Ok(())
    }
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
    ) -> Result<Option<RosterOutcome<R>>, StoreError> {
        // Taken out while in use (put back below), so nothing is copied per RSVP.
        let cached = self
            .rosters
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
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
        metered::rsvps(&self.metrics, &writes);
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
        self.rosters
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(
                meetup_id,
                RosterSnapshot {
                    meetup: meetup.clone(),
                    rsvps,
                    via,
                    last_position: position,
                },
            );
        let changed = writes.into_iter().map(|(m, s, p, _)| (m, s, p)).collect();
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
        self.tell_changes(outcome, None).await?;
        Ok(Vec::new())
    }

    /// Forgets cached rosters: one meetup's (after an edit or cancel), or all (`None`).
    pub(super) fn forget_rosters(&self, meetup_id: Option<i64>) {
        let mut rosters = self.rosters.lock().unwrap_or_else(PoisonError::into_inner);
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
