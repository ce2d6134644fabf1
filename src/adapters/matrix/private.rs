//! Private chats: the rooms the bot created with one member, recorded in the database, used
//! only while they hold exactly the two of them and are encrypted. A room that merely carries
//! the direct-chat mark, or happens to have two members, is not one: commands there are room
//! commands, and private answers go to the member's real private chat with a pointer.
//!
//! When a third person joins (or is invited) or the member leaves, the chat is closed in the
//! database and never used again; the next private message opens a new one.

use anyhow::Context as _;
use matrix_sdk::ruma::api::client::room::create_room;
use matrix_sdk::ruma::api::client::state::get_state_event_for_key;
use matrix_sdk::ruma::events::room::encryption::RoomEncryptionEventContent;
use matrix_sdk::ruma::events::room::member::{MembershipState, OriginalSyncRoomMemberEvent};
use matrix_sdk::ruma::events::{InitialStateEvent, StateEventType};
use matrix_sdk::ruma::{OwnedTransactionId, OwnedUserId, UserId as MxUserId, assign};
use matrix_sdk::{Room, RoomMemberships, RoomState};
use tracing::{info, warn};

use super::Shared;
use crate::domain::reply::Reply;
use crate::logging::Redacted;

/// For tests only: the process stops abruptly right after opening a pairing room, before
/// recording it, as a crash would. A real crash cannot be timed to fall there, and the tests
/// must show that the room is found again by its name rather than opened twice. Unset (always,
/// outside tests), nothing stops.
const CRASH_AFTER_ROOM_FOR_TESTS: &str = "LABCIRCLE_TEST_MATRIX_CRASH_AFTER_ROOM";

/// What the bot can tell about a recorded private chat.
enum Privacy {
    /// The bot and the member only (the member joined or still invited), encrypted.
    Private,
    /// No longer private, and why (recorded when the chat is closed).
    Broken(&'static str),
}

/// Told in a private chat that someone else joined (it names nobody and shows nothing).
const NO_LONGER_PRIVATE: &str = "Someone else is in this chat now, so it is no longer private: \
     I will send private answers to a new chat.";

impl Shared {
    fn now_secs(&self) -> i64 {
        self.runtime.bot().clock().now().timestamp()
    }

    /// Whether `room`, as the bot sees it now, is private to the bot and `member`.
    async fn privacy(&self, room: &Room, member: &MxUserId) -> anyhow::Result<Privacy> {
        if room.state() != RoomState::Joined {
            return Ok(Privacy::Broken("the bot is not in it"));
        }
        if !room.latest_encryption_state().await?.is_encrypted() {
            return Ok(Privacy::Broken("not encrypted"));
        }
        // The summary's counts first (they come with every sync), then the members by name.
        if room.joined_members_count() + room.invited_members_count() > 2 {
            return Ok(Privacy::Broken("a third person joined or was invited"));
        }
        let present = room
            .members(RoomMemberships::JOIN | RoomMemberships::INVITE | RoomMemberships::KNOCK)
            .await?;
        if present
            .iter()
            .any(|m| m.user_id() != self.me && m.user_id() != member)
        {
            return Ok(Privacy::Broken("a third person joined or was invited"));
        }
        if !present.iter().any(|m| m.user_id() == member) {
            return Ok(Privacy::Broken("the member left"));
        }
        Ok(Privacy::Private)
    }

    /// Stops using a private chat, recording why. Errors are logged: the room is not used
    /// either way for this message.
    async fn close_private_chat(&self, room: &Room, reason: &str) -> bool {
        match self
            .runtime
            .bot()
            .store()
            .close_direct_chat(room.room_id().as_str(), reason, self.now_secs())
            .await
        {
            Ok(closed) => {
                if closed {
                    info!(room = %room.room_id(), reason, "matrix: private chat closed");
                }
                closed
            }
            Err(e) => {
                warn!(error = %Redacted(&e), "matrix: cannot record that a private chat was closed");
                false
            }
        }
    }

    /// The member whose recorded private chat `room` is, if it is one. A store failure is
    /// logged and read as "not known", so nothing private goes anywhere uncertain.
    async fn chat_owner(&self, room: &Room) -> Result<Option<String>, ()> {
        self.runtime
            .bot()
            .store()
            .direct_chat_member(room.room_id().as_str())
            .await
            .map_err(|e| warn!(error = %Redacted(&e), "matrix: cannot read the private chats"))
    }

    /// Whether `room` is `sender`'s private chat with the bot (recorded, and still the two of
    /// them, encrypted). A recorded chat that is no longer private is closed here.
    pub(super) async fn is_private_chat(&self, room: &Room, sender: &MxUserId) -> bool {
        // A configured community or announcement room is never one (and needs no read).
        if self.communities.contains_key(room.room_id())
            || self.announces_for.contains_key(room.room_id())
        {
            return false;
        }
        let Ok(owner) = self.chat_owner(room).await else {
            return false;
        };
        if owner.as_deref() != Some(sender.as_str()) {
            return false;
        }
        match self.privacy(room, sender).await {
            Ok(Privacy::Private) => true,
            Ok(Privacy::Broken(reason)) => {
                self.close_private_chat(room, reason).await;
                false
            }
            Err(e) => {
                warn!(error = %Redacted(&e), "matrix: cannot tell whether a chat is private");
                false
            }
        }
    }

    /// The member's private chat: the recorded one while it stays private, or a new one
    /// (created by the bot, encrypted, recorded).
    pub(super) async fn direct_room(&self, user: &MxUserId) -> anyhow::Result<Room> {
        let _turn = self.creating_direct.lock().await;
        let store = self.runtime.bot().store();
        if let Some(id) = store.open_direct_chat(user.as_str()).await? {
            let known = id.parse::<matrix_sdk::ruma::OwnedRoomId>().ok();
            match known.and_then(|id| self.client.get_room(&id)) {
                Some(room) => match self.privacy(&room, user).await? {
                    Privacy::Private => return Ok(room),
                    Privacy::Broken(reason) => {
                        self.close_private_chat(&room, reason).await;
                    }
                },
                None => {
                    store
                        .close_direct_chat(&id, "the bot is not in it", self.now_secs())
                        .await?;
                }
            }
        }
        let room = self
            .client
            .create_dm(user)
            .await
            .context("cannot create a private chat")?;
        store
            .record_direct_chat(user.as_str(), room.room_id().as_str(), self.now_secs())
            .await?;
        info!(room = %room.room_id(), "matrix: private chat opened");
        Ok(room)
    }

    /// The room opened for a pairing group whose members all accepted: the recorded one, or a
    /// new one (created by the bot, encrypted, not listed, the members invited), in which
    /// `welcome` is posted before the room is recorded. Posting is idempotent like any delivery
    /// (`txn`, from the delivery's key).
    pub(super) async fn meeting_room(
        &self,
        group: i64,
        members: &[OwnedUserId],
        welcome: &Reply,
        txn: OwnedTransactionId,
    ) -> anyhow::Result<Room> {
        let _turn = self.creating_direct.lock().await;
        let store = self.runtime.bot().store();
        if let Some(id) = store.pair_meeting_room(group).await?
            && let Ok(id) = id.parse::<matrix_sdk::ruma::OwnedRoomId>()
            && let Some(room) = self.client.get_room(&id)
        {
            return Ok(room);
        }
        // Named after the group, so a room opened just before a stop (and not yet recorded)
        // is found again rather than opened twice. Only an earlier try that got as far as
        // asking for a room can have left one.
        let name = crate::domain::pairing::intro::meeting_room_name(group);
        let found = if store.pair_meeting_opening(group).await? {
            self.room_named(&name).await
        } else {
            None
        };
        let room = match found {
            Some(room) => room,
            None => {
                store.pair_mark_meeting_opening(group).await?;
                let encryption = InitialStateEvent::with_empty_state_key(
                    RoomEncryptionEventContent::with_recommended_defaults(),
                )
                .to_raw_any();
                let request = assign!(create_room::v3::Request::new(), {
                    invite: members.to_vec(),
                    name: Some(name),
                    preset: Some(create_room::v3::RoomPreset::PrivateChat),
                    initial_state: vec![encryption],
                });
                let room = self
                    .client
                    .create_room(request)
                    .await
                    .context("cannot open a room for the introduction")?;
                info!(room = %room.room_id(), "matrix: introduction room opened");
                if std::env::var_os(CRASH_AFTER_ROOM_FOR_TESTS).is_some() {
                    warn!("matrix: {CRASH_AFTER_ROOM_FOR_TESTS} is set: stopping on purpose");
                    std::process::abort();
                }
                room
            }
        };
        room.send(self.content(welcome))
            .with_transaction_id(txn)
            .await?;
        store
            .pair_set_meeting_room(group, room.room_id().as_str())
            .await?;
        Ok(room)
    }

    /// The joined room called `name` that the bot made itself (anyone on an allowed server
    /// can invite the bot into a room they named so, to read the introduction). The bot's
    /// own events are left out of its syncs (see `session::sync_settings`), so a room it made
    /// may have no name or creator in the local store: those, other than recorded private
    /// chats, are asked of the homeserver.
    async fn room_named(&self, name: &str) -> Option<Room> {
        let store = self.runtime.bot().store();
        for room in self.client.joined_rooms() {
            let known = match room.name() {
                Some(known) => Some(known),
                None if self.communities.contains_key(room.room_id())
                    || self.announces_for.contains_key(room.room_id()) =>
                {
                    None
                }
                None => match store.direct_chat_member(room.room_id().as_str()).await {
                    Ok(Some(_)) => None,
                    _ => self.name_on_server(&room).await,
                },
            };
            if known.as_deref() == Some(name) && self.made_by_me(&room).await {
                return Some(room);
            }
        }
        None
    }

    /// Whether the bot created the room: from the local store when it knows the creation
    /// event, else from the homeserver (no when neither can tell).
    async fn made_by_me(&self, room: &Room) -> bool {
        if let Some(creators) = room.creators() {
            return creators.contains(&self.me);
        }
        let request = assign!(get_state_event_for_key::v3::Request::new(
            room.room_id().to_owned(),
            StateEventType::RoomCreate,
            String::new(),
        ), { format: get_state_event_for_key::v3::StateEventFormat::Event });
        let Ok(response) = self.client.send(request).await else {
            return false;
        };
        serde_json::from_str::<serde_json::Value>(response.event_or_content.get())
            .ok()
            .and_then(|event| event.get("sender")?.as_str().map(str::to_owned))
            .is_some_and(|sender| sender == self.me.as_str())
    }

    /// The room's name as the homeserver has it (none if unnamed or unreadable).
    async fn name_on_server(&self, room: &Room) -> Option<String> {
        let request = get_state_event_for_key::v3::Request::new(
            room.room_id().to_owned(),
            StateEventType::RoomName,
            String::new(),
        );
        let response = self.client.send(request).await.ok()?;
        let content: serde_json::Value =
            serde_json::from_str(response.event_or_content.get()).ok()?;
        content.get("name")?.as_str().map(str::to_owned)
    }

    /// A membership change in a recorded private chat: a third person joining or invited, or
    /// the member leaving, closes it at once. Someone else joining is told that the chat is
    /// no longer private (so the member knows where private answers went); a chat the member
    /// left is left by the bot too.
    pub(super) async fn on_membership(&self, ev: OriginalSyncRoomMemberEvent, room: Room) {
        if ev.state_key == self.me {
            return;
        }
        let Ok(Some(owner)) = self.chat_owner(&room).await else {
            return;
        };
        let is_owner = ev.state_key.as_str() == owner;
        let membership = &ev.content.membership;
        let present = matches!(
            membership,
            MembershipState::Join | MembershipState::Invite | MembershipState::Knock
        );
        if !is_owner && present {
            if self
                .close_private_chat(&room, "a third person joined or was invited")
                .await
            {
                let mut note = Reply::channel("").text(NO_LONGER_PRIVATE);
                note.title = None;
                self.wrote();
                if let Err(e) = room.send(self.content(&note)).await {
                    warn!(error = %Redacted(&e), "matrix: cannot say that a chat is no longer private");
                }
            }
        } else if is_owner
            && matches!(membership, MembershipState::Leave | MembershipState::Ban)
            && self.close_private_chat(&room, "the member left").await
            && let Err(e) = room.leave().await
        {
            warn!(error = %Redacted(&e), "matrix: cannot leave a closed private chat");
        }
    }
}
