//! The roster of a meetup: RSVPs from reactions, reconciliation with the reactions present
//! after downtime, the waitlist and its notices. Every RSVP write in the process holds the RSVP
//! turn: reactions are written in batches by the RSVP writer (`rsvp_batch`, through
//! [`apply_roster`]), everything else through [`Bot::with_roster`].

use std::collections::hash_map::Entry;
use std::collections::{HashMap, HashSet};
use std::sync::PoisonError;

use super::rsvp_batch::QueuedRsvp;
use super::{Bot, Handled, metered};
use crate::domain::identity::{Actor, Member, Platform, UserId};
use crate::domain::meetup::{self, Meetup};
use crate::domain::notices::{Notice, Refusal};
use crate::domain::roster::{Change, Roster, Rsvp, Status};
use crate::store::{RosterOutcome, RosterSnapshot, RsvpTx, RsvpWrite, StoreError};

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

    /// A reaction on an announcement: an RSVP (or taking one back). It is queued for the RSVP
    /// writer, which applies whatever is queued in one transaction (see `rsvp_batch`).
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
        self.rsvp_written(QueuedRsvp {
            actor: actor.clone(),
            meetup_id,
            post: post.to_owned(),
            emoji: emoji.to_owned(),
            rsvp,
            added,
        })
        .await?;
        Ok(Vec::new())
    }

    /// Applies one queued reaction to the rosters being written (`rosters`, taken from the
    /// cache or read through `tx` as needed), as reactions have always counted: a withdrawn
    /// announcement takes no new RSVPs (taking one back still counts), a cancelled or started
    /// meetup none at all, and the member hears privately when theirs was not counted or when
    /// they are waitlisted, and anyone promoted hears so. Returns the rows to write and the
    /// notices to queue.
    pub(super) async fn apply_reaction(
        &self,
        tx: &mut RsvpTx,
        rosters: &mut HashMap<i64, Option<CachedRoster>>,
        withdrawn: &HashSet<(String, String)>,
        q: &QueuedRsvp,
        now: i64,
    ) -> Result<(Vec<RsvpWrite>, Vec<QueuedNotice>), StoreError> {
        let user = &q.actor.member.user;
        let refused = |why| {
            let notice = refusal_notice(&q.actor, q.meetup_id, &q.post, &q.emoji, why, now);
            Ok((Vec::new(), vec![notice]))
        };
        if q.added
            && !withdrawn.is_empty()
            && withdrawn.contains(&(user.platform.code().to_owned(), q.post.clone()))
        {
            return refused(Refusal::Withdrawn);
        }
        let slot = match rosters.entry(q.meetup_id) {
            Entry::Occupied(o) => o.into_mut(),
            Entry::Vacant(v) => {
                let cached = self
                    .rosters
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .remove(&q.meetup_id);
                let loaded = match cached {
                    Some(c) => Some(c),
                    None => tx
                        .load_roster(q.meetup_id)
                        .await?
                        .map(|snapshot| CachedRoster {
                            snapshot,
                            roster: None,
                        }),
                };
                v.insert(loaded)
            }
        };
        // No such meetup: nothing to do.
        let Some(cached) = slot.as_mut() else {
            return Ok((Vec::new(), Vec::new()));
        };
        let meetup = &cached.snapshot.meetup;
        let (cancelled, started) = (meetup.cancelled, meetup.starts_at <= now);
        if cancelled || started {
            if !q.added {
                return Ok((Vec::new(), Vec::new()));
            }
            return refused(if cancelled {
                Refusal::Cancelled
            } else {
                Refusal::Started
            });
        }
        let roster = cached
            .roster
            .get_or_insert_with(|| roster_of(&cached.snapshot));
        let (changes, writes) = apply_reaction_to(
            &mut cached.snapshot,
            roster,
            &q.actor.member,
            &q.post,
            q.rsvp,
            q.added,
        );
        let notices = change_notices(q.meetup_id, changes, &writes, Some(user), now);
        Ok((writes, notices))
    }

    /// Tells of the roster's changes, privately and through the outbox: the waitlisted and the
    /// promoted (see [`change_notices`]).
    pub(super) async fn tell_changes(
        &self,
        outcome: RosterOutcome<Vec<Change<UserId>>>,
        actor: Option<&UserId>,
    ) -> Result<(), StoreError> {
        let now = self.now();
        let id = outcome.meetup.id;
        let changed: Vec<RsvpWrite> = outcome
            .changed
            .into_iter()
            .map(|(m, s, p)| (m, s, p, String::new()))
            .collect();
        for (key, member, notice) in change_notices(id, outcome.result, &changed, actor, now) {
            self.store.queue_notice(&key, &member, notice, now).await?;
        }
        Ok(())
    }
}

/// A private notice to queue: its key (queued once per key), to whom, what about.
pub(super) type QueuedNotice = (String, Member, Notice);

/// Tells the member, privately and through the outbox, that their reaction was not counted. A
/// reaction has no command to answer: like every message about an event, this one is retried
/// until it arrives. The key names the reaction (who, where, which, when), so the same
/// reaction reported twice is told once.
fn refusal_notice(
    actor: &Actor,
    meetup_id: i64,
    post: &str,
    emoji: &str,
    why: Refusal,
    now: i64,
) -> QueuedNotice {
    let user = &actor.member.user;
    let key = format!(
        "refused:{meetup_id}:{}:{}:{post}:{emoji}:{now}",
        user.platform.code(),
        user.id
    );
    let notice = Notice::ReactionRefused {
        meetup: meetup_id,
        why,
    };
    (key, actor.member.clone(), notice)
}

/// The notices of a roster's changes (`changes`, written as `changed`): to the waitlisted and
/// the promoted. With `actor` (a member's own reaction), only the actor can be waitlisted:
/// someone else's reaction never waitlists a member; reconciliation may, and then everyone
/// waitlisted is told.
fn change_notices(
    meetup_id: i64,
    changes: Vec<Change<UserId>>,
    changed: &[RsvpWrite],
    actor: Option<&UserId>,
    now: i64,
) -> Vec<QueuedNotice> {
    let id = meetup_id;
    let mut out = Vec::new();
    for change in changes {
        let (user, notice, word) = match change {
            Change::Waitlisted(user) if actor.is_some_and(|a| *a != user) => continue,
            Change::Waitlisted(user) => (user, Notice::Waitlisted { meetup: id }, "waitlisted"),
            Change::Promoted(user) => (user, Notice::Promoted { meetup: id }, "promoted"),
        };
        // The key names the event: the member's new place in the meetup's order of
        // arrival, written once with the change (a restart never makes it again).
        let (member, event) = match changed.iter().find(|(m, _, _, _)| m.user == user) {
            Some((m, _, position, _)) => (m.clone(), position.to_string()),
            None => (
                Member {
                    display_name: user.id.clone(),
                    user: user.clone(),
                },
                format!("t{now}"),
            ),
        };
        let key = format!("{word}:{id}:{}:{}:{event}", user.platform.code(), user.id);
        out.push((key, member, notice));
    }
    out
}

impl Bot {
    /// Loads the roster (from memory when this process has it), lets `apply` change it, and
    /// writes what changed. Callers hold the RSVP turn, so the cached roster is always the
    /// stored one: every RSVP write in the process goes through here or through the RSVP
    /// writer (`rsvp_batch`), which holds the turn too. `None`: no such meetup.
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
        let snapshot = match cached {
            Some(c) => c.snapshot,
            None => match self.store.load_roster(meetup_id).await? {
                Some(s) => s,
                None => return Ok(None),
            },
        };
        let Applied {
            snapshot,
            result,
            writes,
        } = apply_roster(snapshot, apply);
        // On failure the roster stays out of the cache: the next RSVP reads the stored one.
        self.store.write_rsvps(meetup_id, &writes, now).await?;
        metered::rsvps(&self.metrics, &writes);
        let meetup = snapshot.meetup.clone();
        self.rosters
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(
                meetup_id,
                CachedRoster {
                    snapshot,
                    roster: None,
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

/// A roster changed in memory by [`apply_roster`]: the roster as it is to be stored, what
/// `apply` returned, and the writes that store it.
pub(super) struct Applied<R> {
    pub snapshot: RosterSnapshot,
    pub result: R,
    pub writes: Vec<RsvpWrite>,
}

/// Lets `apply` change a roster, in memory: every member whose status changed takes the next
/// place in the meetup's order of arrival; a member with no RSVP any more is written as taken
/// back. Nothing is stored here.
pub(super) fn apply_roster<R>(
    mut snapshot: RosterSnapshot,
    apply: impl FnOnce(&Meetup, &mut Roster<UserId>, &mut RosterNames) -> R,
) -> Applied<R> {
    let mut names = RosterNames {
        names: HashMap::new(),
        via: std::mem::take(&mut snapshot.via),
    };
    let mut before: HashMap<UserId, Status> = HashMap::new();
    for (member, status) in &snapshot.rsvps {
        before.insert(member.user.clone(), *status);
        names
            .names
            .insert(member.user.clone(), member.display_name.clone());
    }
    let mut roster = roster_of(&snapshot);
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
    let mut writes: Vec<RsvpWrite> = Vec::new();
    for (m, status) in &after {
        if before.get(&m.user) != Some(status) {
            position += 1;
            let via = names.via.get(&m.user).cloned().unwrap_or_default();
            writes.push((m.clone(), Some(*status), position, via));
        }
    }
    let remaining: HashSet<&UserId> = after.iter().map(|(m, _)| &m.user).collect();
    for user in before.keys() {
        if !remaining.contains(user) {
            writes.push((member(user), None, 0, String::new()));
        }
    }
    // The stored order (by position) is unchanged members in their order, then the changed
    // ones; the cache keeps that order too.
    let written: HashSet<&UserId> = writes.iter().map(|w| &w.0.user).collect();
    let mut rsvps: Vec<(Member, Status)> = snapshot
        .rsvps
        .into_iter()
        .filter(|(m, _)| !written.contains(&m.user))
        .collect();
    rsvps.extend(
        writes
            .iter()
            .filter_map(|(m, s, _, _)| s.map(|s| (m.clone(), s))),
    );
    let mut via = names.via;
    let kept: HashSet<&UserId> = rsvps.iter().map(|(m, _)| &m.user).collect();
    via.retain(|user, _| kept.contains(user));
    Applied {
        snapshot: RosterSnapshot {
            meetup: snapshot.meetup,
            rsvps,
            via,
            last_position: position,
        },
        result,
        writes,
    }
}

/// A roster as this process keeps it: as stored, and (once a reaction has used it) as the
/// domain's roster, kept in step with it by [`apply_reaction_to`]. Other changes
/// ([`Bot::with_roster`]) leave the domain's roster out, to be rebuilt when next needed.
#[derive(Debug, Clone)]
pub(super) struct CachedRoster {
    pub snapshot: RosterSnapshot,
    pub roster: Option<Roster<UserId>>,
}

/// The domain's roster of a stored one (as [`apply_roster`] builds it).
pub(super) fn roster_of(snapshot: &RosterSnapshot) -> Roster<UserId> {
    let mut lists: [Vec<UserId>; 4] = Default::default();
    for (member, status) in &snapshot.rsvps {
        let i = match status {
            Status::Going => 0,
            Status::Maybe => 1,
            Status::CantGo => 2,
            Status::Waitlisted => 3,
        };
        lists[i].push(member.user.clone());
    }
    let [going, maybe, cant, waitlist] = lists;
    Roster::from_parts(snapshot.meetup.capacity, going, maybe, cant, waitlist)
}

/// One reaction (`actor` added or took back `rsvp` on `post`), as [`apply_roster`] applies it
/// (the same changes, writes and snapshot after), on a domain roster kept in step with the
/// snapshot, so nothing is rebuilt: a reaction moves only its member and those it promotes, so
/// only they are compared and written. Returns the roster's changes and the writes.
pub(super) fn apply_reaction_to(
    snapshot: &mut RosterSnapshot,
    roster: &mut Roster<UserId>,
    actor: &Member,
    post: &str,
    rsvp: Rsvp,
    added: bool,
) -> (Vec<Change<UserId>>, Vec<RsvpWrite>) {
    let user = &actor.user;
    let was = roster.status(user);
    let changes = if added {
        roster.set(user.clone(), rsvp)
    } else {
        roster.remove(user, rsvp)
    };
    let stored = |u: &UserId| snapshot.rsvps.iter().find(|(m, _)| m.user == *u);
    // Who moved, with their status after: the member, and whoever the change names.
    let mut moved: Vec<(&UserId, Option<Status>)> = Vec::new();
    let now = roster.status(user);
    if now != was {
        moved.push((user, now));
    }
    for change in &changes {
        let (Change::Waitlisted(u) | Change::Promoted(u)) = change;
        if moved.iter().any(|(m, _)| *m == u) {
            continue;
        }
        let after = roster.status(u);
        if stored(u).map(|(_, s)| *s) != after {
            moved.push((u, after));
        }
    }
    let name = |u: &UserId| -> String {
        if u == user {
            actor.display_name.clone()
        } else {
            stored(u).map_or_else(|| u.id.clone(), |(m, _)| m.display_name.clone())
        }
    };
    let via = |u: &UserId| -> String {
        if u == user {
            post.to_owned()
        } else {
            snapshot.via.get(u).cloned().unwrap_or_default()
        }
    };
    // New places in list order (going, waitlist, maybe, can't go; each in its order), as a
    // rebuilt roster would give them; then those with no RSVP any more.
    let place = |u: &UserId, s: Status| {
        let (rank, list) = match s {
            Status::Going => (0, roster.going()),
            Status::Waitlisted => (1, roster.waitlist()),
            Status::Maybe => (2, roster.maybe()),
            Status::CantGo => (3, roster.cant()),
        };
        (rank, list.iter().position(|m| m == u).unwrap_or(usize::MAX))
    };
    let mut placed: Vec<(&UserId, Status)> = moved
        .iter()
        .filter_map(|(u, s)| s.map(|s| (*u, s)))
        .collect();
    placed.sort_by_key(|(u, s)| place(u, *s));
    let mut position = snapshot.last_position;
    let mut writes: Vec<RsvpWrite> = Vec::new();
    for (u, s) in placed {
        position += 1;
        let member = Member {
            user: u.clone(),
            display_name: name(u),
        };
        writes.push((member, Some(s), position, via(u)));
    }
    for (u, s) in &moved {
        if s.is_none() {
            let member = Member {
                user: (*u).clone(),
                display_name: name(u),
            };
            writes.push((member, None, 0, String::new()));
        }
    }
    // The snapshot as stored after: unchanged members in their order, then the written ones.
    snapshot.last_position = position;
    snapshot
        .rsvps
        .retain(|(m, _)| !writes.iter().any(|w| w.0.user == m.user));
    snapshot.rsvps.extend(
        writes
            .iter()
            .filter_map(|(m, s, _, _)| s.map(|s| (m.clone(), s))),
    );
    snapshot.via.insert(user.clone(), post.to_owned());
    for (m, s, _, _) in &writes {
        if s.is_none() {
            snapshot.via.remove(&m.user);
        }
    }
    if now.is_none() {
        snapshot.via.remove(user);
    }
    (changes, writes)
}
