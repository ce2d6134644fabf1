//! Reactions: RSVPs on meetup announcements (including those that arrive before the
//! announcement is recorded), answers on check-in prompts, and the reactions present on an
//! announcement when an adapter (re)connects.

use std::sync::PoisonError;
use std::time::{Duration, Instant};

use super::{Bot, Handled, Incoming};
use crate::domain::identity::{Actor, Member, Platform};
use crate::domain::reply::Outgoing;
use crate::store::StoreError;

/// A reaction waiting for its post to be known.
#[derive(Debug, Clone)]
pub(super) struct PendingReaction {
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
    /// The reactions present on a post when an adapter (re)connects: an announcement's RSVPs
    /// are reconciled with them.
    pub(super) async fn reactions_present(
        &self,
        platform: Platform,
        post: &str,
        reactions: Vec<(Member, String)>,
    ) -> Handled {
        match self.store.meetup_for_post(platform.code(), post).await? {
            Some(meetup) => {
                self.reconcile_meetup(platform, meetup, post, reactions)
                    .await
            }
            None => Ok(Vec::new()),
        }
    }

    /// A reaction on a meetup announcement is an RSVP; on a check-in prompt, an answer.
    pub(super) async fn reaction_event(
        &self,
        actor: &Actor,
        post: &str,
        emoji: &str,
        added: bool,
    ) -> Handled {
        if let Some(meetup) = self.announcement(actor.member.user.platform, post).await? {
            return self
                .meetup_reaction(actor, meetup, post, emoji, added)
                .await;
        }
        if let Some(out) = self.tip_reaction(actor, post, emoji, added).await? {
            return Ok(out);
        }
        // An RSVP emoji on a post not known as an announcement (check-in answers use other
        // emoji): it may be one whose record is a moment away.
        if crate::domain::meetup::rsvp_of(emoji).is_some() {
            return match self.keep_pending(actor, post, emoji, added).await? {
                Some(meetup) => {
                    self.meetup_reaction(actor, meetup, post, emoji, added)
                        .await
                }
                None => Ok(Vec::new()),
            };
        }
        // Taking a reaction back never un-answers a check-in.
        if !added {
            return Ok(Vec::new());
        }
        if let Some(accept) = crate::domain::pairing::intro::reaction_answer(emoji) {
            return self.pair_reaction(actor, post, accept).await;
        }
        self.checkin_reaction(actor, post, emoji).await
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
        if let Some(id) = self
            .announcements
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .get(&key)
        {
            return Ok(Some(*id));
        }
        let found = self.store.meetup_for_post(platform.code(), post).await?;
        if let Some(id) = found {
            self.announcements
                .write()
                .unwrap_or_else(PoisonError::into_inner)
                .insert(key, id);
        }
        Ok(found)
    }
}
