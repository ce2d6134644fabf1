//! The RSVP writer: reactions on announcements are written in batches (group commit).
//!
//! A reaction joins the queue; whoever then holds the RSVP turn takes everything queued and
//! applies it in arrival order, in memory, exactly as one reaction at a time would (the same
//! rosters, places in the order of arrival, waitlist and notices), then writes the batch in one
//! transaction and answers each reaction with its own outcome. A batch is whatever is queued
//! when the writer is free: nothing waits for more to come, so a lone reaction is written at
//! once, and under a burst one transaction carries hundreds.
//!
//! A batch that fails writes nothing: its reactions are then written one at a time, so each
//! fails or lands on its own (when the database was busy, each is told so instead: trying
//! each alone would only wait as long again).

use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use tokio::sync::oneshot;
use tracing::warn;

use super::Bot;
use super::rsvps::QueuedNotice;
use crate::domain::identity::Actor;
use crate::domain::roster::Rsvp;
use crate::store::{RsvpWrite, StoreError};

/// A reaction on an announcement, as the writer takes it.
#[derive(Debug, Clone)]
pub(super) struct QueuedRsvp {
    pub actor: Actor,
    pub meetup_id: i64,
    pub post: String,
    pub emoji: String,
    pub rsvp: Rsvp,
    pub added: bool,
}

type Answer = Result<(), StoreError>;

/// Reactions waiting for the writer, each with where its outcome goes.
#[derive(Debug, Default)]
pub(super) struct RsvpQueue {
    waiting: Mutex<VecDeque<(QueuedRsvp, oneshot::Sender<Answer>)>>,
    batches: AtomicU64,
    written: AtomicU64,
    /// Every reaction in the order it joined the queue (tests replay them one at a time).
    #[cfg(test)]
    arrivals: Mutex<Vec<QueuedRsvp>>,
}

impl RsvpQueue {
    fn push(&self, rsvp: QueuedRsvp, answer: oneshot::Sender<Answer>) {
        let mut waiting = self.waiting.lock().unwrap_or_else(PoisonError::into_inner);
        #[cfg(test)]
        self.arrivals
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(rsvp.clone());
        waiting.push_back((rsvp, answer));
    }

    fn take(&self) -> Vec<(QueuedRsvp, oneshot::Sender<Answer>)> {
        self.waiting
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .drain(..)
            .collect()
    }

    /// Batches written so far, and the reactions in them.
    fn counts(&self) -> (u64, u64) {
        (
            self.batches.load(Ordering::Relaxed),
            self.written.load(Ordering::Relaxed),
        )
    }
}

impl Bot {
    /// RSVP batches written by this bot so far, and the reactions in them (a burst of
    /// reactions makes few batches; reactions one at a time make one each).
    pub fn rsvp_batches(&self) -> (u64, u64) {
        self.rsvp_queue.counts()
    }

    /// Queues a reaction for the writer and waits for its outcome. The caller that gets the
    /// RSVP turn while its own reaction is still queued writes the batch; the batch is written
    /// by a task of its own, so a caller that goes away (a cancelled handler) never leaves the
    /// others of its batch unanswered.
    pub(super) async fn rsvp_written(&self, rsvp: QueuedRsvp) -> Answer {
        let (answer, mut answered) = oneshot::channel();
        self.rsvp_queue.push(rsvp, answer);
        let turn = tokio::select! {
            biased;
            done = &mut answered => return done.unwrap_or(Err(StoreError::Unconfirmed)),
            turn = Arc::clone(&self.rsvp_turn).lock_owned() => turn,
        };
        // Holding the turn, no batch is being written: either this reaction's was (and it has
        // its answer), or it is still queued.
        match answered.try_recv() {
            Ok(done) => return done,
            Err(oneshot::error::TryRecvError::Closed) => return Err(StoreError::Unconfirmed),
            Err(oneshot::error::TryRecvError::Empty) => {}
        }
        let batch = self.rsvp_queue.take();
        let bot = self.clone();
        let writer = tokio::spawn(async move {
            bot.write_batch(batch).await;
            drop(turn);
        });
        if let Err(e) = writer.await
            && e.is_panic()
        {
            std::panic::resume_unwind(e.into_panic());
        }
        answered.await.unwrap_or(Err(StoreError::Unconfirmed))
    }

    /// Writes a batch and answers each of its reactions.
    async fn write_batch(&self, batch: Vec<(QueuedRsvp, oneshot::Sender<Answer>)>) {
        self.rsvp_queue.batches.fetch_add(1, Ordering::Relaxed);
        self.rsvp_queue
            .written
            .fetch_add(batch.len() as u64, Ordering::Relaxed);
        let (rsvps, answers): (Vec<QueuedRsvp>, Vec<_>) = batch.into_iter().unzip();
        match self.apply_rsvps(&rsvps).await {
            Ok(()) => {
                for answer in answers {
                    // A caller that went away needs no answer; its reaction counted.
                    let _ = answer.send(Ok(()));
                }
            }
            Err(e) if answers.len() == 1 => {
                if let Some(answer) = answers.into_iter().next() {
                    let _ = answer.send(Err(e));
                }
            }
            Err(e) if e.is_busy() => {
                let mut first = Some(e);
                for answer in answers {
                    let _ = answer.send(Err(first.take().unwrap_or(StoreError::Busy)));
                }
            }
            Err(e) => {
                warn!(
                    error = ?e,
                    reactions = rsvps.len(),
                    "a batch of RSVPs was not written; writing them one at a time"
                );
                for (rsvp, answer) in rsvps.iter().zip(answers) {
                    let done = self.apply_rsvps(std::slice::from_ref(rsvp)).await;
                    let _ = answer.send(done);
                }
            }
        }
    }

    /// Applies reactions in order and writes them in one transaction: all of them, or (on an
    /// error) none, with the rosters they touched left out of the cache so the next reaction
    /// reads the stored ones.
    async fn apply_rsvps(&self, rsvps: &[QueuedRsvp]) -> Answer {
        let now = self.now();
        let mut tx = self.store.begin_rsvps().await?;
        let mut posts: Vec<(&str, &str)> = rsvps
            .iter()
            .filter(|q| q.added)
            .map(|q| (q.actor.member.user.platform.code(), q.post.as_str()))
            .collect();
        posts.sort_unstable();
        posts.dedup();
        let withdrawn = tx.withdrawn_posts(&posts).await?;
        let mut rosters = HashMap::new();
        let mut writes: Vec<(i64, RsvpWrite)> = Vec::new();
        let mut notices: Vec<QueuedNotice> = Vec::new();
        for q in rsvps {
            let (w, n) = self
                .apply_reaction(&mut tx, &mut rosters, &withdrawn, q, now)
                .await?;
            writes.extend(w.into_iter().map(|w| (q.meetup_id, w)));
            notices.extend(n);
        }
        tx.write_rsvps(writes.iter().map(|(id, w)| (*id, w)), now)
            .await?;
        tx.queue_notices(&notices, now).await?;
        tx.commit().await?;
        super::metered::rsvps(&self.metrics, writes.iter().map(|(_, w)| w));
        let mut cache = self.rosters.lock().unwrap_or_else(PoisonError::into_inner);
        for (id, roster) in rosters {
            if let Some(r) = roster {
                cache.insert(id, r);
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests;
