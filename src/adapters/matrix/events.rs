//! Events in: room messages become commands (prefix-free only in the sender's private chat,
//! see `private`), reactions and their redactions become RSVPs, and on start (or a redaction the bot cannot place) the reactions on active announcements
//! are read again so the RSVPs match them.

use std::sync::Arc;
use std::sync::PoisonError;

use matrix_sdk::room::{IncludeRelations, RelationsOptions};
use matrix_sdk::ruma::events::Mentions;
use matrix_sdk::ruma::events::reaction::OriginalSyncReactionEvent;
use matrix_sdk::ruma::events::relation::{Annotation, RelationType};
use matrix_sdk::ruma::events::room::member::{
    MembershipState, OriginalSyncRoomMemberEvent, StrippedRoomMemberEvent, SyncRoomMemberEvent,
};
use matrix_sdk::ruma::events::room::message::{
    AddMentions, ForwardThread, MessageType, OriginalSyncRoomMessageEvent, Relation,
};
use matrix_sdk::ruma::events::room::power_levels::{SyncRoomPowerLevelsEvent, UserPowerLevel};
use matrix_sdk::ruma::events::room::redaction::OriginalSyncRoomRedactionEvent;
use matrix_sdk::ruma::events::{AnySyncMessageLikeEvent, AnySyncTimelineEvent};
use matrix_sdk::ruma::{
    EventId, OwnedEventId, OwnedRoomId, OwnedUserId, RoomId, UInt, UserId as MxUserId,
};
use matrix_sdk::{Room, RoomState};
use tracing::warn;

use super::Shared;
use super::catchup::{AWAY_NOTE, Arrival};
use crate::bot::Incoming;
use crate::domain::identity::{Actor, CommunityId, Member, Platform, Role, UserId};
use crate::domain::reply::{Block, Outgoing, Reply, Visibility};
use crate::logging::Redacted;

/// Most reactions remembered for their redactions (see `Shared::remember_reaction`).
const REACTIONS_REMEMBERED: usize = 50_000;
/// Community id of private chats (roles there are always "member").
const DIRECT: &str = "direct";

/// Hands messages, reactions, redactions and invites to the bot as they sync in.
pub(super) fn add_handlers(shared: &Arc<Shared>) {
    let client = &shared.client;
    let s = shared.clone();
    client.add_event_handler(move |ev: OriginalSyncRoomMessageEvent, room: Room| {
        let s = s.clone();
        async move { s.on_message(ev, room).await }
    });
    let s = shared.clone();
    client.add_event_handler(move |ev: OriginalSyncReactionEvent, room: Room| {
        let s = s.clone();
        async move { s.on_reaction(ev, room).await }
    });
    let s = shared.clone();
    client.add_event_handler(move |ev: OriginalSyncRoomRedactionEvent, room: Room| {
        let s = s.clone();
        async move { s.on_redaction(ev, room).await }
    });
    let s = shared.clone();
    client.add_event_handler(move |ev: OriginalSyncRoomMemberEvent, room: Room| {
        let s = s.clone();
        async move { s.on_membership(ev, room).await }
    });
    // Every member and power-level event, in the state section as in the timeline: what it
    // changes is read again (see `known`). A later redaction of one changes neither the
    // stored name nor anyone's level.
    let s = shared.clone();
    client.add_event_handler(move |ev: SyncRoomMemberEvent, room: Room| {
        s.known.member_changed(room.room_id(), ev.state_key());
        std::future::ready(())
    });
    let s = shared.clone();
    client.add_event_handler(move |_: SyncRoomPowerLevelsEvent, room: Room| {
        s.known.levels_changed(room.room_id());
        std::future::ready(())
    });
    let s = shared.clone();
    client.add_event_handler(move |ev: StrippedRoomMemberEvent, room: Room| {
        let s = s.clone();
        async move {
            if ev.state_key == s.me && ev.content.membership == MembershipState::Invite {
                tokio::spawn(async move { s.answer_invite(room).await });
            }
        }
    });
}

impl Shared {
    /// Remembers a reaction so that its redaction can be understood. Bounded: when full, the
    /// memory starts afresh, and a redaction of a forgotten reaction reconciles its room from
    /// the server instead.
    fn remember_reaction(
        &self,
        event: OwnedEventId,
        seen: (OwnedRoomId, OwnedUserId, String, String),
    ) {
        let mut reactions = self
            .reactions
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if reactions.len() >= REACTIONS_REMEMBERED {
            reactions.clear();
        }
        reactions.insert(event, seen);
    }

    /// The command in a message, if it is one.
    fn command_text(&self, body: &str, direct: bool, mentioned: bool) -> Option<String> {
        let body = strip_reply_fallback(body).trim();
        if let Some(rest) = body.strip_prefix(self.prefix.as_str()) {
            return Some(rest.trim().to_owned());
        }
        // "labcircle: findgroup burnout", "@labcircle:example.org !help", or a pill.
        let lower = body.to_lowercase();
        for lead in [
            self.me.as_str().to_lowercase(),
            self.me.localpart().to_lowercase(),
        ] {
            if !lead.is_empty()
                && let Some(rest) = lower.strip_prefix(&lead)
            {
                let rest = body[body.len() - rest.len()..].trim_start_matches([':', ',', ' ']);
                let rest = rest.strip_prefix(self.prefix.as_str()).unwrap_or(rest);
                if !rest.trim().is_empty() {
                    return Some(rest.trim().to_owned());
                }
            }
        }
        if mentioned && let Some((_, rest)) = body.split_once(':') {
            let rest = rest.trim();
            let rest = rest.strip_prefix(self.prefix.as_str()).unwrap_or(rest);
            if crate::domain::command::resolve(rest).is_ok() {
                return Some(rest.to_owned());
            }
        }
        if direct {
            // A bare number in a direct chat answers the open check-in.
            if let Ok(n) = body.parse::<u8>()
                && (1..=5).contains(&n)
            {
                return Some(format!("checkin answer {n}"));
            }
            // Anything else said in the member's own chat with the bot is for the bot: a
            // command, or a request in their own words.
            if !body.is_empty() {
                return Some(body.to_owned());
            }
        }
        None
    }

    pub(super) async fn on_message(self: Arc<Self>, ev: OriginalSyncRoomMessageEvent, room: Room) {
        // A message from before the start can still come live when the first sync missed
        // it: it gets the same treatment as those the first sync brought.
        let note = match self.arrival(&ev, &room).await {
            Arrival::Live => None,
            Arrival::Late => Some(AWAY_NOTE),
            Arrival::Leave => return,
        };
        self.answer_message(&ev, &room, note).await;
    }

    /// Answers a message if it is a command for the bot: the path of live messages, and of
    /// commands sent while the bot was away (`catchup`), whose first reply starts with `note`.
    pub(super) async fn answer_message(
        &self,
        ev: &OriginalSyncRoomMessageEvent,
        room: &Room,
        note: Option<&str>,
    ) {
        if ev.sender == self.me || room.state() != RoomState::Joined {
            return;
        }
        // Edits of earlier messages are not new commands.
        if matches!(ev.content.relates_to, Some(Relation::Replacement(_))) {
            return;
        }
        let MessageType::Text(text) = &ev.content.msgtype else {
            return;
        };
        // Only the sender's own private chat with the bot is private; anywhere else (a room
        // with the direct-chat mark or two members included) a command is a room command.
        let direct = self.is_private_chat(room, &ev.sender).await;
        let mentioned = ev
            .content
            .mentions
            .as_ref()
            .is_some_and(|m| m.user_ids.contains(&self.me));
        let Some(line) = self.command_text(&text.body, direct, mentioned) else {
            return;
        };
        let actor = self.actor(room, &ev.sender, direct).await;
        // In a room only a command reaches here; in a direct chat, anything the member wrote.
        let incoming = if direct {
            Incoming::Message { actor, text: line }
        } else {
            Incoming::Command { actor, text: line }
        };
        let mut outgoing = self.runtime.bot().handle(incoming).await;
        if let Some(note) = note {
            with_note_first(&mut outgoing, note);
        }
        for message in outgoing {
            let result = match message {
                Outgoing::Reply(reply) => match reply.visibility {
                    Visibility::Channel => self.reply_in(room, ev, &reply).await.map(|_| ()),
                    Visibility::Private if direct => {
                        self.reply_in(room, ev, &reply).await.map(|_| ())
                    }
                    Visibility::Private => self.reply_privately(room, ev, &reply).await,
                },
            };
            if let Err(e) = result {
                warn!(error = %Redacted(&e), "matrix: could not send a reply");
            }
        }
        self.runtime.poke();
    }

    pub(super) async fn on_reaction(self: Arc<Self>, ev: OriginalSyncReactionEvent, room: Room) {
        if ev.sender == self.me {
            return;
        }
        let Annotation { event_id, key, .. } = ev.content.relates_to;
        self.remember_reaction(
            ev.event_id.clone(),
            (
                room.room_id().to_owned(),
                ev.sender.clone(),
                event_id.to_string(),
                key.clone(),
            ),
        );
        self.react(&room, &ev.sender, event_id.to_string(), key, true)
            .await;
    }

    pub(super) async fn on_redaction(
        self: Arc<Self>,
        ev: OriginalSyncRoomRedactionEvent,
        room: Room,
    ) {
        let Some(redacted) = ev.redacts.clone().or(ev.content.redacts.clone()) else {
            return;
        };
        let known = self
            .reactions
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .remove(&redacted);
        match known {
            Some((_, sender, post, key)) => self.react(&room, &sender, post, key, false).await,
            // A reaction from before this start: read what is on the announcements now.
            None => self.reconcile(Some(room.room_id())).await,
        }
    }

    async fn react(
        &self,
        room: &Room,
        sender: &OwnedUserId,
        post: String,
        emoji: String,
        added: bool,
    ) {
        let direct = self.is_private_chat(room, sender).await;
        let actor = self.actor(room, sender, direct).await;
        let outgoing = self
            .runtime
            .bot()
            .handle(Incoming::Reaction {
                actor,
                post,
                emoji,
                added,
            })
            .await;
        // Answers to a reaction (a check-in answered by reaction) go to whoever reacted; news
        // of RSVPs (the waitlist, a reaction not counted) comes through the outbox.
        for message in outgoing {
            let Outgoing::Reply(reply) = message;
            if let Err(e) = self.send_direct(sender, &reply, None).await {
                warn!(error = %Redacted(&e), "matrix: could not answer a reaction");
            }
        }
        self.runtime.poke();
    }

    /// Reads the reactions on active announcements (in one room, or all) and lets the bot
    /// reconcile its RSVPs with them.
    pub(super) async fn reconcile(&self, only_room: Option<&RoomId>) {
        let announcements = match self
            .runtime
            .bot()
            .active_announcements(Platform::Matrix)
            .await
        {
            Ok(a) => a,
            Err(e) => {
                warn!(error = %Redacted(&e), "matrix: cannot list active announcements");
                return;
            }
        };
        for (community, message) in announcements {
            let Some(room_id) = self.announcement_room(&community) else {
                continue;
            };
            if only_room.is_some_and(|r| r != room_id) {
                continue;
            }
            let Some(room) = self.client.get_room(&room_id) else {
                continue;
            };
            let Ok(event_id) = EventId::parse(&message) else {
                continue;
            };
            match self.reactions_on(&room, &event_id).await {
                Ok(reactions) => {
                    // Reconciling answers nobody; notices of it go through the outbox.
                    self.runtime
                        .bot()
                        .handle(Incoming::ReactionsPresent {
                            post: message.clone(),
                            platform: Platform::Matrix,
                            reactions,
                        })
                        .await;
                }
                Err(e) => {
                    warn!(error = %Redacted(&e), "matrix: cannot read an announcement's reactions")
                }
            }
        }
        self.runtime.poke();
    }

    /// Everyone's reactions on one event (the bot's own left out).
    async fn reactions_on(
        &self,
        room: &Room,
        event_id: &EventId,
    ) -> anyhow::Result<Vec<(Member, String)>> {
        let mut found = Vec::new();
        let mut from = None;
        for _ in 0..100 {
            let options = RelationsOptions {
                from: from.clone(),
                limit: Some(UInt::from(100u32)),
                include_relations: IncludeRelations::RelationsOfType(RelationType::Annotation),
                ..RelationsOptions::default()
            };
            let page = room.relations(event_id.to_owned(), options).await?;
            for event in &page.chunk {
                let Ok(AnySyncTimelineEvent::MessageLike(AnySyncMessageLikeEvent::Reaction(
                    reaction,
                ))) = event.raw().deserialize()
                else {
                    continue;
                };
                let Some(original) = reaction.as_original() else {
                    continue;
                };
                if original.sender == self.me {
                    continue;
                }
                self.remember_reaction(
                    original.event_id.clone(),
                    (
                        room.room_id().to_owned(),
                        original.sender.clone(),
                        event_id.to_string(),
                        original.content.relates_to.key.clone(),
                    ),
                );
                found.push((
                    self.member(room, &original.sender).await,
                    original.content.relates_to.key.clone(),
                ));
            }
            match page.next_batch_token {
                Some(token) if !page.chunk.is_empty() => from = Some(token),
                _ => break,
            }
        }
        Ok(found)
    }

    /// The member as the room knows them: as last read (see `known`), or from one state-store
    /// read (their profile in the room) rather than `get_member_no_sync`'s six (member event,
    /// presence, profile, power levels, ambiguous names, ignored users). This runs for every
    /// command and reaction.
    async fn member(&self, room: &Room, user: &MxUserId) -> Member {
        let display_name = match self.known.name(room.room_id(), user) {
            Some(name) => name,
            None => {
                let generation = self.known.generation();
                match self
                    .client
                    .state_store()
                    .get_profile(room.room_id(), user)
                    .await
                {
                    Ok(Some(profile)) => {
                        let name = profile.content.displayname;
                        self.known
                            .keep_name(generation, room.room_id(), user, name.clone());
                        name
                    }
                    // No profile kept (not joined or invited): the slower full read, not kept.
                    _ => match room.get_member_no_sync(user).await {
                        Ok(Some(m)) => m.display_name().map(str::to_owned),
                        _ => None,
                    },
                }
            }
        }
        .unwrap_or_else(|| user.localpart().to_owned());
        Member {
            user: UserId::new(Platform::Matrix, user.as_str()),
            display_name,
        }
    }

    /// The member's power level in a configured community room, as the member's own would
    /// give: the room's power levels (one store read), or as last read (see `known`) when the
    /// event came from the community room itself. From its announcement room, the store is
    /// read every time: a sync handles its rooms one after the other, so a promotion in the
    /// community room may not have been handled yet when an event of the same sync from the
    /// announcement room is (the store has it already).
    async fn power_level(
        &self,
        community: &RoomId,
        from: &RoomId,
        user: &MxUserId,
    ) -> UserPowerLevel {
        let here = community == from;
        if here && let Some(level) = self.known.level(community, user) {
            return level;
        }
        let Some(room) = self.client.get_room(community) else {
            return UserPowerLevel::Int(0.into());
        };
        let generation = self.known.generation();
        match room.power_levels().await {
            Ok(levels) => {
                let level = levels.for_user(user);
                if here {
                    self.known.keep_levels(generation, community, levels);
                }
                level
            }
            // None in the store yet: the defaults, not kept.
            Err(_) => room.power_levels_or_default().await.for_user(user),
        }
    }

    /// Who acts, with the role their power level gives in a community room.
    async fn actor(&self, room: &Room, user: &MxUserId, direct: bool) -> Actor {
        let community_room = if direct {
            None
        } else {
            Some(
                self.announces_for
                    .get(room.room_id())
                    .cloned()
                    .unwrap_or_else(|| room.room_id().to_owned()),
            )
        };
        // The member's name and their power level: a store read each unless known, both at once.
        let (member, level) = tokio::join!(self.member(room, user), async {
            match &community_room {
                Some(c) if self.communities.contains_key(c) => {
                    Some(self.power_level(c, room.room_id(), user).await)
                }
                _ => None,
            }
        });
        let role = match level {
            // Power levels count only in community rooms: in a private chat both sides hold
            // the highest level, and any room a member makes is theirs to rule.
            Some(level) => {
                let level = match level {
                    UserPowerLevel::Infinite => i64::MAX,
                    UserPowerLevel::Int(n) => i64::from(n),
                    _ => 0,
                };
                if level >= self.admin_power {
                    Role::Admin
                } else if level >= self.organizer_power {
                    Role::Organizer
                } else {
                    Role::Member
                }
            }
            _ => Role::Member,
        };
        Actor {
            member,
            role,
            community: CommunityId {
                platform: Platform::Matrix,
                id: community_room.map_or_else(|| DIRECT.to_owned(), |r| r.to_string()),
            },
        }
    }

    /// Answers in the room, as a reply to the command.
    async fn reply_in(
        &self,
        room: &Room,
        to: &OriginalSyncRoomMessageEvent,
        reply: &Reply,
    ) -> anyhow::Result<OwnedEventId> {
        self.wrote();
        let content = self
            .content(reply)
            .make_reply_to(to, ForwardThread::Yes, AddMentions::No)
            .add_mentions(Mentions::new());
        let id = room.send(content).await?.response.event_id;
        self.send_files(room, reply, None).await?;
        Ok(id)
    }

    /// Sends a private reply to the member's private chat and says so, briefly, where the
    /// command was.
    async fn reply_privately(
        &self,
        room: &Room,
        to: &OriginalSyncRoomMessageEvent,
        reply: &Reply,
    ) -> anyhow::Result<()> {
        self.send_direct(&to.sender, reply, None).await?;
        let mut note =
            Reply::channel("").text("I answered you in our direct chat (it is private to you).");
        note.title = None;
        self.reply_in(room, to, &note).await?;
        Ok(())
    }
}

/// Puts `note` in front of the first reply to the command.
fn with_note_first(outgoing: &mut [Outgoing], note: &str) {
    if let Some(Outgoing::Reply(reply)) = outgoing.first_mut() {
        reply.blocks.insert(0, Block::Text(note.to_owned()));
    }
}

/// Message bodies of replies may start with a quote of the message replied to.
fn strip_reply_fallback(body: &str) -> &str {
    if !body.starts_with("> ") {
        return body;
    }
    match body.find("\n\n") {
        Some(i) => &body[i + 2..],
        None => body,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reply_fallbacks_are_left_out() {
        assert_eq!(strip_reply_fallback("> <@a:b> How are you?\n\n4"), "4");
        assert_eq!(strip_reply_fallback("!help"), "!help");
    }
}
