//! Messages out: the outbox sink (private messages, announcements with their reactions,
//! edits of announcements), and private messages, sent to the member's private chat.
//!
//! Each outbox delivery sends with a transaction id derived from its idempotency key, so a
//! retry after a crash is a repeat the homeserver drops rather than a second post.

use std::sync::Arc;

use anyhow::Context as _;
use matrix_sdk::Room;
use matrix_sdk::attachment::{AttachmentConfig, AttachmentInfo, BaseImageInfo};
use matrix_sdk::ruma::events::Mentions;
use matrix_sdk::ruma::events::reaction::ReactionEventContent;
use matrix_sdk::ruma::events::relation::Annotation;
use matrix_sdk::ruma::events::room::message::{
    ReplacementMetadata, RoomMessageEventContent, TextMessageEventContent,
};
use matrix_sdk::ruma::{
    OwnedEventId, OwnedRoomId, OwnedTransactionId, OwnedUserId, UInt, UserId as MxUserId,
};
use tracing::warn;

use super::{Shared, render};
use crate::domain::identity::Platform;
use crate::domain::reply::{Block, Reply};
use crate::logging::Redacted;
use crate::scheduler::{Deliver, Delivery, DeliveryError, Target};

impl Shared {
    /// The announcement room of a community id (`matrix:!room`): the configured one, or the
    /// community room itself.
    pub(super) fn announcement_room(&self, community: &str) -> Option<OwnedRoomId> {
        let id = community.strip_prefix("matrix:")?;
        let room: OwnedRoomId = id.parse().ok()?;
        Some(self.communities.get(&room).cloned().unwrap_or(room))
    }

    /// The announcement room, for posting: it must be known and the bot in it.
    fn joined_announcement_room(&self, community: &str) -> anyhow::Result<Room> {
        let room_id = self
            .announcement_room(community)
            .context("no announcement room for this community")?;
        self.client
            .get_room(&room_id)
            .context("the bot is not in the announcement room")
    }

    /// A reply as a notice that pings nobody.
    pub(super) fn content(&self, reply: &Reply) -> RoomMessageEventContent {
        let (plain, html) = render::render(reply, &self.prefix);
        // An empty m.mentions: nobody is pinged, whatever the text says.
        RoomMessageEventContent::notice_html(plain, html).add_mentions(Mentions::new())
    }

    pub(super) async fn send_direct(
        &self,
        user: &MxUserId,
        reply: &Reply,
        txn: Option<OwnedTransactionId>,
    ) -> anyhow::Result<OwnedEventId> {
        self.wrote();
        let room = self.direct_room(user).await?;
        let mut send = room.send(self.content(reply));
        if let Some(txn) = &txn {
            send = send.with_transaction_id(txn.clone());
        }
        let id = send.await?.response.event_id;
        self.send_files(&room, reply, txn.as_deref()).await?;
        Ok(id)
    }

    /// Uploads each file of a reply as an `m.file` after its text. In an encrypted room (every
    /// private chat) matrix-sdk encrypts the file before uploading it, so the homeserver keeps
    /// only ciphertext; the event carries the key, end-to-end encrypted like any message.
    pub(super) async fn send_files(
        &self,
        room: &Room,
        reply: &Reply,
        txn: Option<&matrix_sdk::ruma::TransactionId>,
    ) -> anyhow::Result<()> {
        let files = reply.blocks.iter().filter_map(|b| match b {
            Block::File { name, content } => Some((name, content)),
            _ => None,
        });
        for (i, (name, content)) in files.enumerate() {
            let mut config = AttachmentConfig::new().mentions(Some(Mentions::new()));
            if let Some(txn) = txn {
                config = config.txn_id(transaction_id(txn.as_str(), &format!("f{i}")));
            }
            room.send_attachment(
                name.clone(),
                &file_type(name),
                content.clone().into_bytes(),
                config,
            )
            .await
            .context("could not send a file")?;
        }
        let images = reply.blocks.iter().filter_map(|b| match b {
            Block::Image {
                name,
                png,
                alt,
                width,
                height,
            } => Some((name, png, alt, *width, *height)),
            _ => None,
        });
        for (i, (name, png, alt, width, height)) in images.enumerate() {
            // An `m.image`, encrypted like any file in a private chat. Its body is the alt text
            // (a caption), which clients read out and show where the picture cannot be.
            let info = BaseImageInfo {
                width: Some(UInt::from(width)),
                height: Some(UInt::from(height)),
                size: UInt::try_from(png.len()).ok(),
                ..Default::default()
            };
            let mut config = AttachmentConfig::new()
                .mentions(Some(Mentions::new()))
                .info(AttachmentInfo::Image(info))
                .caption(Some(TextMessageEventContent::plain(alt.clone())));
            if let Some(txn) = txn {
                config = config.txn_id(transaction_id(txn.as_str(), &format!("i{i}")));
            }
            room.send_attachment(name.clone(), &mime::IMAGE_PNG, png.clone(), config)
                .await
                .context("could not send a picture")?;
        }
        Ok(())
    }
}

/// The media type of a file the bot sends, from its name.
fn file_type(name: &str) -> mime::Mime {
    let ext = name.rsplit_once('.').map_or("", |(_, e)| e);
    match ext.to_ascii_lowercase().as_str() {
        "json" => mime::APPLICATION_JSON,
        // Calendar files (`/meetup ics`).
        "ics" => "text/calendar; charset=utf-8"
            .parse()
            .unwrap_or(mime::TEXT_PLAIN_UTF_8),
        "csv" => mime::TEXT_CSV_UTF_8,
        _ => mime::TEXT_PLAIN_UTF_8,
    }
}

/// Posts a delivery's message in `room`, then its reactions (👍 to vote, RSVP choices), each
/// under its own transaction id so a retry sends none of them twice.
async fn post_with_reactions(
    room: &Room,
    content: RoomMessageEventContent,
    delivery: &Delivery,
    part: &str,
) -> anyhow::Result<String> {
    let key = &delivery.idempotency_key;
    let sent = room
        .send(content)
        .with_transaction_id(transaction_id(key, part))
        .await?;
    let event_id = sent.response.event_id;
    for (i, emoji) in delivery.reactions.iter().enumerate() {
        let content =
            ReactionEventContent::new(Annotation::new(event_id.clone(), (*emoji).to_owned()));
        room.send(content)
            .with_transaction_id(transaction_id(key, &format!("r{i}")))
            .await?;
    }
    Ok(event_id.to_string())
}

/// A transaction id from an idempotency key: the same key always gives the same id.
fn transaction_id(key: &str, part: &str) -> OwnedTransactionId {
    // FNV-1a: stable across runs and builds (the standard hasher is not).
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for b in key.bytes().chain(part.bytes()) {
        hash ^= u64::from(b);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    let readable: String = key
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .take(32)
        .collect();
    format!("lc-{readable}-{part}-{hash:016x}").into()
}

/// Classifies a matrix-sdk failure for the outbox.
fn delivery_error(e: &anyhow::Error) -> DeliveryError {
    let status = e
        .downcast_ref::<matrix_sdk::Error>()
        .and_then(|e| e.as_client_api_error())
        .map(|e| e.status_code.as_u16());
    match status {
        Some(403 | 404) => {
            DeliveryError::Permanent(format!("refused by the homeserver ({})", Redacted(e)))
        }
        _ => DeliveryError::Transient(Redacted(e).to_string()),
    }
}

/// For tests only: the first private delivery whose idempotency key starts with this
/// variable's value (`promoted:`) fails once, as a homeserver's server error would. A real
/// Synapse cannot be made to fail one send on cue, and the tests must show that a failed
/// private message is retried until it arrives. Unset (always, outside tests), nothing fails.
const FAIL_ONCE_FOR_TESTS: &str = "LABCIRCLE_TEST_MATRIX_FAIL_ONCE";

/// For tests only: opening a pairing room fails every time, as a homeserver's server error
/// would, so that the tests can show what members are told once the outbox gives up. Unset
/// (always, outside tests), nothing fails.
const FAIL_ROOMS_FOR_TESTS: &str = "LABCIRCLE_TEST_MATRIX_FAIL_ROOMS";

/// Sends outbox deliveries.
pub(super) struct MatrixSink {
    shared: Arc<Shared>,
    /// The key prefix of a private delivery still to fail once (see [`FAIL_ONCE_FOR_TESTS`]).
    fail_once: Option<String>,
    /// Whether opening a pairing room fails on purpose (see [`FAIL_ROOMS_FOR_TESTS`]).
    fail_rooms: bool,
}

impl MatrixSink {
    pub(super) fn new(shared: Arc<Shared>) -> Self {
        let fail_once = std::env::var(FAIL_ONCE_FOR_TESTS)
            .ok()
            .filter(|v| !v.is_empty());
        if fail_once.is_some() {
            warn!("matrix: {FAIL_ONCE_FOR_TESTS} is set: a private message will fail on purpose");
        }
        let fail_rooms = std::env::var_os(FAIL_ROOMS_FOR_TESTS).is_some();
        if fail_rooms {
            warn!("matrix: {FAIL_ROOMS_FOR_TESTS} is set: pairing rooms will fail on purpose");
        }
        Self {
            shared,
            fail_once,
            fail_rooms,
        }
    }

    async fn send(&self, delivery: &Delivery) -> anyhow::Result<String> {
        let s = &self.shared;
        let key = &delivery.idempotency_key;
        match &delivery.target {
            Target::Member(member) => {
                let user: OwnedUserId = member
                    .user
                    .id
                    .parse()
                    .map_err(|_| anyhow::anyhow!("not a Matrix user id"))?;
                let id = s
                    .send_direct(&user, &delivery.reply, Some(transaction_id(key, "m")))
                    .await?;
                Ok(id.to_string())
            }
            Target::Channel { community } => {
                let room = s.joined_announcement_room(community)?;
                post_with_reactions(&room, s.content(&delivery.reply), delivery, "post").await
            }
            Target::Meeting {
                group,
                members,
                to,
                welcome,
            } => {
                let users = members
                    .iter()
                    .map(|m| m.user.id.parse::<OwnedUserId>())
                    .collect::<Result<Vec<_>, _>>()
                    .map_err(|_| anyhow::anyhow!("not a Matrix user id"))?;
                s.meeting_room(*group, &users, welcome, transaction_id(key, "meet"))
                    .await?;
                let user: OwnedUserId = to
                    .user
                    .id
                    .parse()
                    .map_err(|_| anyhow::anyhow!("not a Matrix user id"))?;
                let id = s
                    .send_direct(&user, &delivery.reply, Some(transaction_id(key, "m")))
                    .await?;
                Ok(id.to_string())
            }
            Target::Room { channel } => {
                let room_id: OwnedRoomId = channel
                    .strip_prefix("matrix:")
                    .context("not a Matrix room")?
                    .parse()
                    .context("not a Matrix room id (use !id:server)")?;
                let room = s
                    .client
                    .get_room(&room_id)
                    .context("the bot is not in the tips room")?;
                post_with_reactions(&room, s.content(&delivery.reply), delivery, "room").await
            }
            Target::Edit {
                community,
                message_id,
            } => {
                let room = s.joined_announcement_room(community)?;
                let original: OwnedEventId = message_id.parse()?;
                let content = s
                    .content(&delivery.reply)
                    .make_replacement(ReplacementMetadata::new(original, Some(Mentions::new())));
                room.send(content)
                    .with_transaction_id(transaction_id(key, "edit"))
                    .await?;
                Ok(message_id.clone())
            }
        }
    }
}

impl Deliver for MatrixSink {
    async fn deliver(&mut self, delivery: &Delivery) -> Result<String, DeliveryError> {
        if matches!(delivery.target, Target::Member(_))
            && self
                .fail_once
                .take_if(|prefix| delivery.idempotency_key.starts_with(prefix.as_str()))
                .is_some()
        {
            warn!("matrix: a private message fails on purpose, for a test");
            return Err(DeliveryError::Transient(
                "a server error, injected for a test".to_owned(),
            ));
        }
        if self.fail_rooms && matches!(delivery.target, Target::Meeting { .. }) {
            warn!("matrix: opening a pairing room fails on purpose, for a test");
            return Err(DeliveryError::Transient(
                "a server error, injected for a test".to_owned(),
            ));
        }
        self.shared.wrote();
        self.send(delivery).await.map_err(|e| delivery_error(&e))
    }

    async fn announced(&mut self, message_id: &str) {
        // RSVPs made on the post before it was recorded count now (their notices are queued
        // in the outbox; the poke sends them).
        self.shared
            .runtime
            .bot()
            .announced(Platform::Matrix, message_id)
            .await;
        self.shared.runtime.poke();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transaction_ids_are_stable_and_distinct() {
        let a = transaction_id("announce:1:matrix:!x", "post");
        assert_eq!(a, transaction_id("announce:1:matrix:!x", "post"));
        assert_ne!(a, transaction_id("announce:1:matrix:!x", "r0"));
        assert_ne!(a, transaction_id("announce:2:matrix:!x", "post"));
        assert!(
            a.as_str()
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-')
        );
    }
}
