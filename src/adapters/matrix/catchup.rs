//! Commands sent while the bot was away (a restart, an update): those at most
//! `matrix.catch_up_minutes` old that the bot has not answered are answered, through the same
//! path as live messages, with a short note in front; older ones are left alone.
//!
//! Most come with the first sync: the rooms it brought new events in are read back with
//! `/messages`, from the first sync's end to the previous run's last sync token, at most
//! [`EVENTS_PER_ROOM`] events per room (in a very busy room the oldest commands of a long
//! absence stay unanswered). A command seen live before the restart is outside that span, so
//! it is not run twice even when it had no reply. Right after a crash the homeserver can leave
//! messages out of the first sync and send them with the next: a message that comes live but
//! was sent before the start is treated the same way ([`Arrival`]).
//!
//! "Not answered": no reply from the bot to the command (`m.in_reply_to`, also inside a
//! thread) among the events read. Every reply the bot gives to a command is such a reply
//! (`reply_in`), so a command answered just before the process stopped (before its sync token
//! was saved) is not answered again. Server timestamps are compared with the system clock
//! (not the bot's clock, which tests may set elsewhere); a homeserver whose clock is behind
//! the bot's host makes a command sent in the first seconds after the start look late (it is
//! answered, with the note). On the very first start (no saved
//! sync token) nothing is caught up: commands typed before the bot ever ran are left alone.

use std::collections::HashSet;
use std::sync::Arc;

use matrix_sdk::room::MessagesOptions;
use matrix_sdk::ruma::events::room::message::{OriginalSyncRoomMessageEvent, Relation};
use matrix_sdk::ruma::events::{AnySyncMessageLikeEvent, AnySyncTimelineEvent};
use matrix_sdk::ruma::{OwnedEventId, UInt, UserId as MxUserId};
use matrix_sdk::{Room, RoomState};
use tracing::{info, warn};

use super::Shared;
use super::session::{FirstSync, Gap};
use crate::logging::Redacted;

/// In front of the first reply to a command answered late.
pub(super) const AWAY_NOTE: &str = "Sorry for the wait — I was briefly away.";

/// Most events read back per room (one `/messages` page).
pub(super) const EVENTS_PER_ROOM: u32 = 50;

/// How a message that comes live is to be taken.
pub(super) enum Arrival {
    /// Sent while the bot listens: answered as usual.
    Live,
    /// Sent while the bot was away, recently, and not answered: answered with the note.
    Late,
    /// Sent while the bot was away, too long ago or already answered: left alone.
    Leave,
}

impl Shared {
    /// Messages sent at or after this (server time, ms) are recent enough to answer late.
    fn oldest_answered_ms(&self) -> u64 {
        self.started_ms
            .saturating_sub(u64::from(self.catch_up_minutes) * 60_000)
    }

    /// Answers the commands the first sync brought (oldest first, room by room) that were
    /// sent in the last `catch_up_minutes` and not answered.
    pub(super) async fn answer_missed(self: Arc<Self>, first: FirstSync) {
        if self.catch_up_minutes == 0 {
            return;
        }
        let mut looked_at = 0usize;
        for room_id in &first.rooms {
            let Some(room) = self.client.get_room(room_id) else {
                continue;
            };
            if room.state() != RoomState::Joined {
                continue;
            }
            let span = (Some(first.next_batch.clone()), first.since.clone());
            match self.room_messages(&room, span).await {
                Ok(events) => {
                    for ev in unanswered(&events, &self.me, self.oldest_answered_ms()) {
                        self.answer_message(ev, &room, Some(AWAY_NOTE)).await;
                        looked_at += 1;
                    }
                }
                Err(e) => {
                    warn!(error = %Redacted(&e), room = %room_id, "matrix: cannot read what was missed");
                }
            }
        }
        if looked_at > 0 {
            info!(
                messages = looked_at,
                "matrix: messages sent while away and not answered, looked at again"
            );
        }
    }

    /// Handles what a cut-short sync left out (see [`Gap`]), oldest first, as if it had come
    /// live: commands are answered, reactions and their removal counted. Read back in one
    /// page of [`EVENTS_PER_ROOM`]; a gap larger still loses its oldest events (logged).
    pub(super) async fn answer_gap(self: Arc<Self>, gap: Gap) {
        let Some(room) = self.client.get_room(&gap.room) else {
            return;
        };
        let mut options = MessagesOptions::backward();
        (options.from, options.to) = (Some(gap.from), Some(gap.to));
        options.limit = UInt::from(EVENTS_PER_ROOM);
        let page = match room.messages(options).await {
            Ok(page) => page,
            Err(e) => {
                warn!(error = %Redacted(&e), room = %gap.room, "matrix: cannot read the events a sync left out");
                return;
            }
        };
        if page.end.is_some() && page.chunk.len() >= EVENTS_PER_ROOM as usize {
            warn!(room = %gap.room, "matrix: more events than one page came at once; the oldest were not read");
        }
        info!(room = %gap.room, events = page.chunk.len(), "matrix: reading back events a sync left out");
        for event in page.chunk.iter().rev() {
            match event.raw().deserialize() {
                Ok(AnySyncTimelineEvent::MessageLike(AnySyncMessageLikeEvent::RoomMessage(m))) => {
                    if let Some(m) = m.as_original() {
                        self.clone().on_message(m.clone(), room.clone()).await;
                    }
                }
                Ok(AnySyncTimelineEvent::MessageLike(AnySyncMessageLikeEvent::Reaction(r))) => {
                    if let Some(r) = r.as_original() {
                        self.clone().on_reaction(r.clone(), room.clone()).await;
                    }
                }
                Ok(AnySyncTimelineEvent::MessageLike(AnySyncMessageLikeEvent::RoomRedaction(
                    r,
                ))) => {
                    if let Some(r) = r.as_original() {
                        self.clone().on_redaction(r.clone(), room.clone()).await;
                    }
                }
                _ => {}
            }
        }
    }

    /// Whether a message that came live was sent while the bot was away, and if so whether
    /// to answer it (the room's latest events are read to see whether it was answered).
    pub(super) async fn arrival(&self, ev: &OriginalSyncRoomMessageEvent, room: &Room) -> Arrival {
        let sent = u64::from(ev.origin_server_ts.get());
        // Turned off (or the very first start): every message that comes live is answered,
        // as before there was catching up.
        if sent >= self.started_ms || ev.sender == self.me || self.catch_up_minutes == 0 {
            return Arrival::Live;
        }
        if sent < self.oldest_answered_ms() {
            return Arrival::Leave;
        }
        match self.room_messages(room, (None, None)).await {
            Ok(events) if replied_to(&events, &self.me).contains(&ev.event_id) => Arrival::Leave,
            Ok(_) => Arrival::Late,
            Err(e) => {
                // Unsure whether it was answered: answering twice is kinder than never.
                warn!(error = %Redacted(&e), "matrix: cannot tell whether a message was answered");
                Arrival::Late
            }
        }
    }

    /// Room messages from `span.0` back to `span.1` (each a sync token; none: the latest,
    /// the start), oldest first, at most [`EVENTS_PER_ROOM`].
    async fn room_messages(
        &self,
        room: &Room,
        span: (Option<String>, Option<String>),
    ) -> anyhow::Result<Vec<OriginalSyncRoomMessageEvent>> {
        let mut options = MessagesOptions::backward();
        (options.from, options.to) = span;
        options.limit = UInt::from(EVENTS_PER_ROOM);
        let page = room.messages(options).await?;
        let mut messages: Vec<_> = page
            .chunk
            .iter()
            .filter_map(|event| match event.raw().deserialize() {
                Ok(AnySyncTimelineEvent::MessageLike(AnySyncMessageLikeEvent::RoomMessage(m))) => {
                    m.as_original().cloned()
                }
                _ => None,
            })
            .collect();
        messages.reverse();
        Ok(messages)
    }
}

/// The messages the bot's own messages among `messages` reply to.
fn replied_to(messages: &[OriginalSyncRoomMessageEvent], me: &MxUserId) -> HashSet<OwnedEventId> {
    messages
        .iter()
        .filter(|m| m.sender == me)
        .filter_map(|m| match &m.content.relates_to {
            Some(Relation::Reply(reply)) => Some(reply.in_reply_to.event_id.clone()),
            Some(Relation::Thread(thread)) => {
                thread.in_reply_to.as_ref().map(|r| r.event_id.clone())
            }
            _ => None,
        })
        .collect()
}

/// The messages from others, sent at `oldest_ms` or later, that no message from the bot
/// replies to: the candidates for a late answer (whether each is a command is decided as for
/// live messages). Edits are never candidates.
fn unanswered<'a>(
    messages: &'a [OriginalSyncRoomMessageEvent],
    me: &'a MxUserId,
    oldest_ms: u64,
) -> impl Iterator<Item = &'a OriginalSyncRoomMessageEvent> {
    let replied = replied_to(messages, me);
    messages.iter().filter(move |m| {
        m.sender != me
            && u64::from(m.origin_server_ts.get()) >= oldest_ms
            && !matches!(m.content.relates_to, Some(Relation::Replacement(_)))
            && !replied.contains(&m.event_id)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use matrix_sdk::ruma::user_id;

    fn message(
        id: &str,
        sender: &str,
        ts: u64,
        reply_to: Option<&str>,
    ) -> OriginalSyncRoomMessageEvent {
        let mut content = serde_json::json!({ "msgtype": "m.text", "body": "!help" });
        if let Some(to) = reply_to {
            content["m.relates_to"] = serde_json::json!({ "m.in_reply_to": { "event_id": to } });
        }
        serde_json::from_value(serde_json::json!({
            "type": "m.room.message",
            "event_id": id,
            "sender": sender,
            "origin_server_ts": ts,
            "content": content,
        }))
        .expect("a message event")
    }

    #[test]
    fn only_recent_commands_from_others_without_a_reply_from_the_bot_are_candidates() {
        let bot = user_id!("@bot:localhost");
        let events = [
            message("$old", "@tech:localhost", 1_000, None),
            message("$answered", "@tech:localhost", 5_000, None),
            message("$reply", "@bot:localhost", 5_500, Some("$answered")),
            message("$waiting", "@tech:localhost", 6_000, None),
            message("$mine", "@bot:localhost", 6_500, None),
            message("$chat", "@host:localhost", 7_000, Some("$old")),
        ];
        let ids: Vec<&str> = unanswered(&events, bot, 2_000)
            .map(|m| m.event_id.as_str())
            .collect();
        assert_eq!(ids, ["$waiting", "$chat"]);
    }

    #[test]
    fn a_thread_reply_from_the_bot_counts_as_an_answer() {
        let bot = user_id!("@bot:localhost");
        let mut reply = message("$reply", "@bot:localhost", 3_000, None);
        reply.content = serde_json::from_value(serde_json::json!({
            "msgtype": "m.notice",
            "body": "Commands",
            "m.relates_to": {
                "rel_type": "m.thread",
                "event_id": "$root",
                "m.in_reply_to": { "event_id": "$asked" },
                "is_falling_back": false,
            },
        }))
        .expect("a thread reply");
        let events = [message("$asked", "@tech:localhost", 2_000, None), reply];
        assert_eq!(unanswered(&events, bot, 0).count(), 0);
    }
}
