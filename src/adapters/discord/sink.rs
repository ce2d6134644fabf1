//! Messages out: outbox deliveries (DMs, announcements with their RSVP reactions, edits) and
//! direct messages the bot produced for an event. New messages carry a nonce from the
//! delivery's idempotency key, so a retry cannot post twice.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use poise::serenity_prelude as serenity;
use serenity::{
    ChannelId, CreateAllowedMentions, EditMessage, Http, MessageId, Nonce, ReactionType,
};
use tracing::{debug, warn};

use super::render::render;
use crate::config;
use crate::domain::identity::{Member, Platform};
use crate::domain::reply::Reply;
use crate::logging::Redacted;
use crate::runtime::Runtime;
use crate::scheduler::{Deliver, Delivery, DeliveryError, Target};

/// Sends outbox deliveries: DMs, announcements and their edits.
pub struct DiscordSink {
    http: Arc<Http>,
    runtime: Runtime,
    /// The client `http` uses, for the requests the sink makes itself.
    rest: reqwest::Client,
    config: config::Discord,
    dm_channels: HashMap<serenity::UserId, ChannelId>,
}

impl DiscordSink {
    pub(super) fn new(
        http: Arc<Http>,
        runtime: Runtime,
        rest: reqwest::Client,
        config: config::Discord,
    ) -> Self {
        Self {
            http,
            runtime,
            rest,
            config,
            dm_channels: HashMap::new(),
        }
    }
}

/// Posts tried per delivery while Discord answers 429 with a short `retry_after`.
const RATE_LIMITED_TRIES: u32 = 3;
/// Longest `retry_after` waited inside a delivery; a longer one goes back to the outbox's
/// backoff.
const MAX_RATE_LIMIT_WAIT: Duration = Duration::from_secs(60);

/// A message nonce from an idempotency key: the same key, the same nonce (at most 25 chars).
fn nonce(key: &str) -> String {
    // FNV-1a, 64 bits: stable across runs and versions, unlike the std hasher.
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in key.bytes() {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    format!("lc{hash:016x}")
}

/// What a failed Discord call means for the delivery.
fn delivery_error(e: &serenity::Error) -> DeliveryError {
    if let serenity::Error::Http(serenity::HttpError::UnsuccessfulRequest(r)) = e {
        let status = r.status_code.as_u16();
        let why = format!("Discord answered {status}: {}", r.error.message);
        if status == 429 || status >= 500 {
            DeliveryError::Transient(why)
        } else {
            // 403 (DMs closed, no access), 404 (unknown channel or message), 400 (refused).
            DeliveryError::Permanent(why)
        }
    } else {
        DeliveryError::Transient(format!("cannot reach Discord: {}", Redacted(&e)))
    }
}

impl DiscordSink {
    async fn dm_channel(&mut self, member: &Member) -> Result<ChannelId, DeliveryError> {
        let user = discord_user(member)
            .ok_or_else(|| DeliveryError::Permanent("not a Discord member".to_owned()))?;
        if let Some(channel) = self.dm_channels.get(&user) {
            return Ok(*channel);
        }
        let channel = user
            .create_dm_channel(&self.http)
            .await
            .map_err(|e| delivery_error(&e))?
            .id;
        self.dm_channels.insert(user, channel);
        Ok(channel)
    }

    fn announcement_channel(&self, community: &str) -> Result<ChannelId, DeliveryError> {
        let guild = community.strip_prefix("discord:").ok_or_else(|| {
            DeliveryError::Permanent(format!("{community} is not a Discord community"))
        })?;
        self.config
            .announcement_channel(guild)
            .and_then(|c| c.parse::<u64>().ok())
            .map(ChannelId::new)
            .ok_or_else(|| {
                DeliveryError::Permanent(format!(
                    "no announcement channel for guild {guild}; add it to [[discord.communities]]"
                ))
            })
    }

    async fn post(&self, channel: ChannelId, delivery: &Delivery) -> Result<String, DeliveryError> {
        let rendered = render(&delivery.reply);
        let with_files = !rendered.files.is_empty();
        let message = rendered
            .message()
            .nonce(Nonce::String(nonce(&delivery.idempotency_key)))
            .enforce_nonce(true);
        if with_files {
            // Attachments go as multipart, which serenity builds.
            let sent = channel
                .send_message(&self.http, message)
                .await
                .map_err(|e| delivery_error(&e))?;
            return Ok(post_id(sent.channel_id, sent.id));
        }
        let body = serde_json::to_vec(&message)
            .map_err(|e| DeliveryError::Permanent(format!("cannot encode the message: {e}")))?;
        for attempt in 1..=RATE_LIMITED_TRIES {
            let request = serenity::Request::new(
                serenity::Route::ChannelMessages {
                    channel_id: channel,
                },
                serenity::LightMethod::Post,
            )
            .body(Some(body.clone()));
            let response = request
                .build(&self.rest, self.http.token(), self.http.proxy.as_deref())
                .map_err(|e| {
                    DeliveryError::Permanent(format!("cannot build the request: {}", Redacted(&e)))
                })?
                .send()
                .await
                .map_err(|e| {
                    DeliveryError::Transient(format!("cannot reach Discord: {}", Redacted(&e)))
                })?;
            let status = response.status().as_u16();
            let header_wait = response
                .headers()
                .get("retry-after")
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.parse::<f64>().ok());
            let bytes = response.bytes().await.map_err(|e| {
                DeliveryError::Transient(format!("cannot read Discord's answer: {}", Redacted(&e)))
            })?;
            let json: serde_json::Value = serde_json::from_slice(&bytes).unwrap_or_default();
            match status {
                200..=299 => {
                    let sent: serenity::Message = serde_json::from_value(json).map_err(|e| {
                        DeliveryError::Transient(format!("unexpected answer from Discord: {e}"))
                    })?;
                    return Ok(post_id(sent.channel_id, sent.id));
                }
                429 => {
                    // Discord says how long to wait; the body's value is the precise one.
                    let wait = json
                        .get("retry_after")
                        .and_then(serde_json::Value::as_f64)
                        .or(header_wait)
                        .unwrap_or(1.0);
                    let wait = Duration::from_secs_f64(wait.clamp(0.0, 3600.0));
                    if attempt < RATE_LIMITED_TRIES && wait <= MAX_RATE_LIMIT_WAIT {
                        warn!(
                            ?wait,
                            "Discord rate limit; waiting as it asks before posting"
                        );
                        tokio::time::sleep(wait).await;
                        continue;
                    }
                    return Err(DeliveryError::Transient(format!(
                        "Discord rate limit: retry after {wait:?}"
                    )));
                }
                _ => {
                    let why = format!(
                        "Discord answered {status}: {}",
                        json.get("message")
                            .and_then(serde_json::Value::as_str)
                            .unwrap_or("")
                    );
                    return Err(if status >= 500 {
                        DeliveryError::Transient(why)
                    } else {
                        DeliveryError::Permanent(why)
                    });
                }
            }
        }
        Err(DeliveryError::Transient(
            "Discord kept rate limiting".to_owned(),
        ))
    }

    async fn react(&self, channel: ChannelId, message: MessageId, emoji: &str) {
        let kind = ReactionType::Unicode(emoji.to_owned());
        for attempt in 0..3u64 {
            match self.http.create_reaction(channel, message, &kind).await {
                Ok(()) => return,
                Err(e) => match delivery_error(&e) {
                    DeliveryError::Transient(_) if attempt < 2 => {
                        tokio::time::sleep(Duration::from_millis(500 * (attempt + 1))).await;
                    }
                    DeliveryError::Transient(why) | DeliveryError::Permanent(why) => {
                        warn!(reason = %why, "could not add an RSVP reaction");
                        return;
                    }
                },
            }
        }
    }
}

impl Deliver for DiscordSink {
    async fn announced(&mut self, message_id: &str) {
        // RSVPs made on the post before it was recorded count now (their notices are queued
        // in the outbox; the poke sends them).
        self.runtime
            .bot()
            .announced(Platform::Discord, message_id)
            .await;
        self.runtime.poke();
    }

    async fn deliver(&mut self, delivery: &Delivery) -> Result<String, DeliveryError> {
        match &delivery.target {
            Target::Member(member) => {
                let channel = self.dm_channel(member).await?;
                self.post(channel, delivery).await
            }
            Target::Channel { community } => {
                let channel = self.announcement_channel(community)?;
                let post = self.post(channel, delivery).await?;
                if let Some((channel, message)) = parse_post(&post) {
                    for emoji in &delivery.reactions {
                        self.react(channel, message, emoji).await;
                    }
                }
                Ok(post)
            }
            Target::Room { channel } => {
                let id = channel
                    .strip_prefix("discord:")
                    .and_then(|c| c.parse::<u64>().ok())
                    .filter(|c| *c > 0)
                    .ok_or_else(|| {
                        DeliveryError::Permanent(format!("{channel} is not a Discord channel"))
                    })?;
                let channel = ChannelId::new(id);
                let post = self.post(channel, delivery).await?;
                if let Some((channel, message)) = parse_post(&post) {
                    for emoji in &delivery.reactions {
                        self.react(channel, message, emoji).await;
                    }
                }
                Ok(post)
            }
            Target::Edit { message_id, .. } => {
                let (channel, message) = parse_post(message_id).ok_or_else(|| {
                    DeliveryError::Permanent(format!("{message_id} is not a Discord message"))
                })?;
                let rendered = render(&delivery.reply);
                let edit = EditMessage::new()
                    .embed(rendered.embed)
                    .allowed_mentions(CreateAllowedMentions::new());
                channel
                    .edit_message(&self.http, message, edit)
                    .await
                    .map_err(|e| delivery_error(&e))?;
                Ok(message_id.clone())
            }
            // Discord members are told each other's mention by DM instead.
            Target::Meeting { .. } => Err(DeliveryError::Permanent(
                "a meeting room is for Matrix members".to_owned(),
            )),
        }
    }
}

/// A DM to a member, outside the outbox: the answer to a reaction the member just made (a
/// check-in answered by reaction), which has no interaction to answer.
pub(super) async fn direct(http: &Http, to: &Member, reply: &Reply) {
    let Some(user) = discord_user(to) else {
        debug!("a direct message to a member of another platform is not sent from Discord");
        return;
    };
    let sent = async {
        let channel = user.create_dm_channel(http).await?;
        channel.id.send_message(http, render(reply).message()).await
    }
    .await;
    if let Err(e) = sent {
        warn!(error = %Redacted(&e), "could not send a direct message");
    }
}

fn discord_user(member: &Member) -> Option<serenity::UserId> {
    (member.user.platform == Platform::Discord)
        .then(|| member.user.id.parse::<u64>().ok())
        .flatten()
        .filter(|id| *id > 0)
        .map(serenity::UserId::new)
}

/// A message as the bot knows it: `CHANNEL_ID/MESSAGE_ID`.
pub(super) fn post_id(channel: ChannelId, message: MessageId) -> String {
    format!("{}/{}", channel.get(), message.get())
}

pub(super) fn parse_post(post: &str) -> Option<(ChannelId, MessageId)> {
    let (c, m) = post.split_once('/')?;
    let c = c.parse::<u64>().ok().filter(|n| *n > 0)?;
    let m = m.parse::<u64>().ok().filter(|n| *n > 0)?;
    Some((ChannelId::new(c), MessageId::new(m)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nonces_are_stable_and_short() {
        assert_eq!(nonce("prompt:1"), nonce("prompt:1"));
        assert_ne!(nonce("prompt:1"), nonce("prompt:2"));
        assert!(nonce("x").len() <= 25);
    }

    #[test]
    fn posts_round_trip() {
        let post = post_id(ChannelId::new(5), MessageId::new(7));
        assert_eq!(
            parse_post(&post),
            Some((ChannelId::new(5), MessageId::new(7)))
        );
        assert_eq!(parse_post("console:3"), None);
    }
}
