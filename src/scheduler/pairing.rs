//! Pairing rounds on the scheduler, and the pairing notices rendered when they are sent.
//!
//! A round is written once: its row is keyed by scope and date, and its groups, seats and
//! introductions (queued in the outbox, each with its own key) are written in the same
//! transaction. A restart, a second tick or a kill at any point never pairs or sends twice.

use std::collections::{BTreeMap, HashSet};
use std::hash::{Hash, Hasher};

use chrono::{DateTime, Duration, Utc};
use tracing::info;

use super::{Planned, Scheduler};
use crate::domain::identity::Platform;
use crate::domain::notices::Notice;
use crate::domain::pairing::{
    self, Participant, intro, left_out_code, left_out_from_code, matcher,
};
use crate::store::{PairMember, PendingDelivery, PlannedGroup, StoreError};

/// A round missed by more than this (the bot was down) waits for the next one.
const ROUND_GRACE: Duration = Duration::hours(24);

impl Scheduler {
    /// Runs the round that is due, in every scope that has not had it yet. Returns how many
    /// rounds were written.
    pub(super) async fn pairing_rounds(&self, now: DateTime<Utc>) -> Result<usize, StoreError> {
        let rounds = &self.settings.pairing;
        let Some((at, date)) = rounds.last_at_or_before(now) else {
            return Ok(0);
        };
        if now - at > ROUND_GRACE {
            return Ok(0);
        }
        let members = self.store.pair_members().await?;
        if members.is_empty() {
            return Ok(0);
        }
        let date = date.to_string();
        let mut scopes: BTreeMap<String, Vec<&PairMember>> = BTreeMap::new();
        for m in &members {
            scopes
                .entry(rounds.scope_of(&m.community))
                .or_default()
                .push(m);
        }
        let recent: HashSet<(i64, i64)> = self
            .store
            .pair_recent((now - Duration::days(pairing::RECENT_DAYS)).timestamp())
            .await?
            .into_iter()
            .collect();
        let mut written = 0;
        for (scope, members) in scopes {
            if self.store.pair_round_ran(&scope, &date).await? {
                continue;
            }
            let eligible: Vec<&PairMember> = members
                .into_iter()
                .filter(|m| m.paused_until.is_none_or(|until| until <= at.timestamp()))
                .filter(|m| {
                    // Every four weeks: only when four weeks (less a day) have passed.
                    let gap = Duration::weeks(i64::from(m.profile.every_weeks)) - Duration::days(1);
                    m.last_round
                        .is_none_or(|last| at.timestamp() - last >= gap.num_seconds())
                })
                .collect();
            let participants: Vec<Participant> = eligible
                .iter()
                .map(|m| Participant {
                    id: m.id,
                    role: m.profile.role,
                    specialty: m.profile.specialty.clone(),
                    state: m.profile.state.clone(),
                    shift: m.profile.shift,
                    interests: m.profile.interests.clone(),
                    capacity: m.profile.capacity.max(1),
                    left_out_last_round: m.left_out,
                })
                .collect();
            let is_recent = |a: i64, b: i64| recent.contains(&(a.min(b), a.max(b)));
            let plan = matcher::plan(&participants, &is_recent, seed(&scope, &date));
            let by_id = |id: i64| eligible.iter().copied().find(|m| m.id == id);
            let groups: Vec<PlannedGroup<'_>> = plan
                .groups
                .iter()
                .map(|g| PlannedGroup {
                    group: g.clone(),
                    members: g.members.iter().filter_map(|id| by_id(*id)).collect(),
                })
                .collect();
            let left_out: Vec<(&PairMember, &'static str)> = plan
                .left_out
                .iter()
                .filter_map(|(id, why)| Some((by_id(*id)?, left_out_code(why))))
                .collect();
            let round = self
                .store
                .pair_write_round(&scope, &date, &groups, &left_out, now.timestamp())
                .await?;
            if let Some(round) = round {
                info!(
                    round,
                    groups = groups.len(),
                    left_out = left_out.len(),
                    "pairing round written"
                );
                written += 1;
            }
        }
        Ok(written)
    }

    /// A pairing notice, rendered from the group as it stands now; one that no longer holds
    /// (the group ended, the member answered the follow-up) is dropped.
    pub(super) async fn pairing_notice(
        &self,
        d: &PendingDelivery,
        notice: Notice,
    ) -> Result<Planned, StoreError> {
        let drop = Ok(Planned::Drop("pairing no longer so"));
        let group_id = match notice {
            Notice::PairLeftOut { why } => {
                let Some(why) = left_out_from_code(why) else {
                    return drop;
                };
                return Ok(self.send(d, intro::left_out(&why)));
            }
            Notice::PairIntro { group }
            | Notice::PairMatched { group }
            | Notice::PairSkipped { group }
            | Notice::PairFollowUp { group }
            | Notice::PairReported { group }
            | Notice::PairNoRoom { group } => group,
            _ => return drop,
        };
        let Some(group) = self.store.pair_group(group_id).await? else {
            return drop;
        };
        let me = group.seat(&d.to.user);
        let others: Vec<_> = group
            .seats
            .iter()
            .filter(|s| s.member.user != d.to.user)
            .collect();
        let reply = match (notice, group.status.as_str(), me) {
            (Notice::PairIntro { .. }, "proposed", Some(me)) => {
                let profiles: Vec<_> = others.iter().map(|s| s.profile.clone()).collect();
                intro::introduction(me.role, &profiles, &group.shared)
            }
            (Notice::PairMatched { .. }, "accepted", Some(_)) => {
                let all_matrix = group
                    .seats
                    .iter()
                    .all(|s| s.member.user.platform == Platform::Matrix);
                if !all_matrix {
                    let others: Vec<_> = others.iter().map(|s| s.member.clone()).collect();
                    intro::matched(&others)
                } else {
                    // On Matrix the bot opens an encrypted room with everyone, once, and says who
                    // is who in it; each member is then told privately that it is open, and with
                    // whom.
                    let members: Vec<_> = group.seats.iter().map(|s| s.member.clone()).collect();
                    let others: Vec<_> = others.iter().map(|s| s.member.clone()).collect();
                    return Ok(Planned::Send(super::Delivery {
                        target: super::Target::Meeting {
                            group: group.id,
                            welcome: Box::new(intro::meeting_room(&members)),
                            members,
                            to: Box::new(d.to.clone()),
                        },
                        reply: intro::room_opened(group.id, &others),
                        reactions: Vec::new(),
                        idempotency_key: d.idempotency_key.clone(),
                    }));
                }
            }
            (Notice::PairNoRoom { .. }, "accepted", Some(_)) => {
                if self.store.pair_meeting_room(group.id).await?.is_some() {
                    // Opened after all (the failure came after): the invitation stands.
                    return Ok(Planned::Drop("the room was opened"));
                }
                let others: Vec<_> = others.iter().map(|s| s.member.clone()).collect();
                intro::no_room(&others)
            }
            (Notice::PairSkipped { .. }, "skipped", Some(_)) => intro::skipped(),
            (Notice::PairFollowUp { .. }, "accepted", Some(me)) if me.met.is_none() => {
                // Someone who has left pairing hears nothing more of it.
                if self.store.pair_member(&d.to.user).await?.is_none() {
                    return Ok(Planned::Drop("left pairing"));
                }
                intro::follow_up()
            }
            (Notice::PairReported { .. }, "reported", None) => intro::report_to_moderators(
                group.id,
                &group.scope,
                group
                    .report_reason
                    .as_deref()
                    .unwrap_or("(no reason given)"),
            ),
            _ => return drop,
        };
        Ok(self.send(d, reply))
    }

    /// After a delivery failed for good: when it was the room for a group everyone accepted
    /// (Matrix), the member is told privately how to reach the others directly instead.
    pub(super) async fn pairing_failed(
        &self,
        d: &PendingDelivery,
        delivery: &super::Delivery,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        if let (Some(Notice::PairMatched { group }), super::Target::Meeting { .. }) =
            (d.notice(), &delivery.target)
        {
            let key = format!(
                "pair-no-room:{group}:{}:{}",
                d.to.user.platform.code(),
                d.to.user.id
            );
            self.store
                .queue_notice(&key, &d.to, Notice::PairNoRoom { group }, now.timestamp())
                .await?;
        }
        Ok(())
    }

    fn send(&self, d: &PendingDelivery, reply: crate::domain::reply::Reply) -> Planned {
        Planned::Send(super::Delivery {
            target: super::Target::Member(d.to.clone()),
            reply,
            reactions: Vec::new(),
            idempotency_key: d.idempotency_key.clone(),
        })
    }
}

/// The matcher's seed for a round: the same round always pairs the same way.
fn seed(scope: &str, date: &str) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    (scope, date).hash(&mut h);
    h.finish()
}
