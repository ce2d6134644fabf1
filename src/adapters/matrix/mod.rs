//! The Matrix adapter, on matrix-sdk with end-to-end encryption.
//!
//! * Start-up: restore the saved session (or log in once and save it, so a restart is the
//!   same device), `sync_once` so messages from before the start are not answered, reconcile
//!   RSVPs with the reactions on active announcements, then handle events and sync on.
//! * Commands: `!findgroup …` (the prefix is configurable), or the bot's name followed by a
//!   command; in a direct chat with the bot the prefix may be left out, and a bare number
//!   answers the open check-in. Replies are HTML with a plain body, in reply to the command.
//! * Private replies, check-in prompts and notices go to an encrypted direct chat with the
//!   member, created once and reused.
//! * Meetups: announcements get ✅ 🤔 ❌ from the bot; `m.reaction` annotations and their
//!   redactions are RSVPs; counts are kept by editing the announcement (`m.replace`).
//! * Roles come from power levels in community rooms; in any other room everyone is a member.
//! * Deliveries use a transaction id derived from the idempotency key: Synapse drops a repeat
//!   from the same device, so a retry after a crash cannot post twice.

pub mod render;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::Context as _;
use matrix_sdk::authentication::matrix::MatrixSession;
use matrix_sdk::config::SyncSettings;
use matrix_sdk::room::{IncludeRelations, RelationsOptions};
use matrix_sdk::ruma::api::client::filter::FilterDefinition;
use matrix_sdk::ruma::events::Mentions;
use matrix_sdk::ruma::events::reaction::{OriginalSyncReactionEvent, ReactionEventContent};
use matrix_sdk::ruma::events::relation::{Annotation, RelationType};
use matrix_sdk::ruma::events::room::member::{MembershipState, StrippedRoomMemberEvent};
use matrix_sdk::ruma::events::room::message::{
    AddMentions, ForwardThread, MessageType, OriginalSyncRoomMessageEvent, Relation,
    ReplacementMetadata, RoomMessageEventContent,
};
use matrix_sdk::ruma::events::room::power_levels::UserPowerLevel;
use matrix_sdk::ruma::events::room::redaction::OriginalSyncRoomRedactionEvent;
use matrix_sdk::ruma::events::{AnySyncMessageLikeEvent, AnySyncTimelineEvent};
use matrix_sdk::ruma::{
    EventId, OwnedEventId, OwnedRoomId, OwnedTransactionId, OwnedUserId, RoomId, RoomOrAliasId,
    UInt, UserId as MxUserId,
};
use matrix_sdk::{Client, Room, RoomState, SessionMeta, SessionTokens, SqliteStoreConfig};
use tokio::sync::watch;
use tracing::{debug, info, warn};

use crate::bot::Incoming;
use crate::config::Matrix as MatrixConfig;
use crate::domain::identity::{Actor, CommunityId, Member, Platform, Role, UserId};
use crate::domain::reply::{Outgoing, Reply, Visibility};
use crate::runtime::Runtime;
use crate::scheduler::{Deliver, Delivery, DeliveryError, Target};

/// Name of the saved session inside the store directory.
const SESSION_FILE: &str = "session.json";
/// Most reactions remembered for their redactions (see `Shared::remember_reaction`).
const REACTIONS_REMEMBERED: usize = 50_000;
/// Community id of direct chats (roles there are always "member").
const DIRECT: &str = "direct";

/// Everything the event handlers share.
struct Shared {
    runtime: Runtime,
    client: Client,
    me: OwnedUserId,
    prefix: String,
    organizer_power: i64,
    admin_power: i64,
    invite_servers: Vec<String>,
    invite_rooms: Vec<OwnedRoomId>,
    /// Community room → its announcement room.
    communities: HashMap<OwnedRoomId, OwnedRoomId>,
    /// Announcement room → its community room.
    announces_for: HashMap<OwnedRoomId, OwnedRoomId>,
    /// Member → their direct chat with the bot, once known (created or found).
    direct: Mutex<HashMap<OwnedUserId, OwnedRoomId>>,
    /// Reactions seen: reaction event → (room, sender, annotated event, key), so that a
    /// redaction (which carries only the reaction's id) can be turned into "took back".
    reactions: Mutex<HashMap<OwnedEventId, (OwnedRoomId, OwnedUserId, String, String)>>,
    /// Serialises direct-chat creation, so two messages to one member make one room.
    creating_direct: tokio::sync::Mutex<()>,
}

/// Runs the Matrix adapter until `shutdown` turns true. `ready` is called once the bot
/// listens (after the first sync).
pub async fn run(
    runtime: Runtime,
    config: MatrixConfig,
    data_dir: &Path,
    shutdown: watch::Receiver<bool>,
    ready: impl FnOnce(&str),
) -> anyhow::Result<()> {
    let store_dir = config
        .store_dir
        .clone()
        .unwrap_or_else(|| data_dir.join("matrix"));
    let client = connect(&config, &store_dir).await?;
    let me = client
        .user_id()
        .context("matrix: logged in without a user id")?
        .to_owned();

    // Everything that happened before this start is history: take it in without answering.
    let filter = FilterDefinition::with_lazy_loading();
    let first = SyncSettings::default().filter(filter.clone().into());
    client
        .sync_once(first)
        .await
        .context("matrix: the first sync failed")?;

    let mut communities = HashMap::new();
    let mut announces_for = HashMap::new();
    for c in &config.communities {
        let room = join_configured(&client, &c.room).await?;
        let announcements = match &c.announcements {
            Some(a) => join_configured(&client, a).await?,
            None => room.clone(),
        };
        announces_for.insert(announcements.clone(), room.clone());
        communities.insert(room, announcements);
    }
    let mut invite_rooms = Vec::new();
    for r in &config.invite_rooms {
        if let Ok(id) = resolve(&client, r).await {
            invite_rooms.push(id);
        } else {
            warn!(room = %r, "matrix.invite_rooms: cannot resolve this room; ignored");
        }
    }
    let shared = Arc::new(Shared {
        runtime: runtime.clone(),
        client: client.clone(),
        me: me.clone(),
        prefix: config.command_prefix.trim().to_owned(),
        organizer_power: config.organizer_power,
        admin_power: config.admin_power,
        invite_servers: config.invite_servers.clone(),
        invite_rooms,
        communities,
        announces_for,
        direct: Mutex::new(HashMap::new()),
        reactions: Mutex::new(HashMap::new()),
        creating_direct: tokio::sync::Mutex::new(()),
    });

    // Invites that arrived while the bot was away.
    for room in client.invited_rooms() {
        let shared = shared.clone();
        tokio::spawn(async move { shared.answer_invite(room).await });
    }
    let mut sink = MatrixSink {
        shared: shared.clone(),
    };
    // Deliveries left from before the start go first: an announcement posted but not yet
    // recorded when the process stopped is sent again (the homeserver answers the repeated
    // transaction id with the first event), so reconciliation below knows every announcement.
    if let Err(e) = runtime.flush(Platform::Matrix, &mut sink).await {
        warn!(error = %e, "matrix: could not send the deliveries left from before the start");
    }
    // RSVPs made while the bot was away.
    shared.reconcile(None).await;

    add_handlers(&shared);
    let deliveries = {
        let runtime = runtime.clone();
        let shutdown = shutdown.clone();
        tokio::spawn(async move {
            runtime
                .deliver_loop(Platform::Matrix, &mut sink, shutdown)
                .await;
        })
    };
    ready(me.as_str());
    runtime.poke();

    let settings = SyncSettings::default()
        .filter(filter.into())
        .timeout(Duration::from_secs(30));
    let mut shutdown = shutdown;
    tokio::select! {
        () = sync_forever(&client, settings) => {}
        _ = shutdown.wait_for(|stop| *stop) => {}
    };
    // Let a delivery in flight finish and be marked sent, rather than cut it off between the
    // homeserver's answer and the outbox's record of it.
    if tokio::time::timeout(Duration::from_secs(5), deliveries)
        .await
        .is_err()
    {
        warn!("matrix: a delivery was still running at shutdown; it will be retried");
    }
    Ok(())
}

/// Long-polls the homeserver for ever. matrix-sdk's own `sync` waits a second between syncs
/// that come back quickly, which is every sync while members talk to the bot (its own replies
/// end the long poll): a command right after another would wait that second. Here the next
/// long poll starts at once; only failures back off (1 s doubling to a minute).
async fn sync_forever(client: &Client, settings: SyncSettings) {
    let mut backoff = Duration::from_secs(1);
    loop {
        match client.sync_once(settings.clone()).await {
            Ok(_) => backoff = Duration::from_secs(1),
            Err(e) => {
                warn!(error = %e, "matrix: sync failed; trying again in {backoff:?}");
                tokio::time::sleep(backoff).await;
                backoff = (backoff * 2).min(Duration::from_secs(60));
            }
        }
    }
}

/// Builds the client on its encrypted store and restores or creates the session.
async fn connect(config: &MatrixConfig, store_dir: &Path) -> anyhow::Result<Client> {
    std::fs::create_dir_all(store_dir)
        .with_context(|| format!("matrix: cannot create {}", store_dir.display()))?;
    let session_path = store_dir.join(SESSION_FILE);
    let had_store = std::fs::read_dir(store_dir)
        .map(|mut d| d.any(|e| e.is_ok_and(|e| e.file_name() != SESSION_FILE)))
        .unwrap_or(false);
    let client = Client::builder()
        .homeserver_url(&config.homeserver)
        // The bot is one account with few rooms: matrix-sdk's low-memory settings (one
        // connection per core, a 500 KB page cache) keep its memory small (see
        // docs/PERFORMANCE.md).
        .sqlite_store_with_config_and_cache_path(
            SqliteStoreConfig::with_low_memory_config(store_dir)
                .passphrase(config.store_passphrase.as_deref()),
            None::<&Path>,
        )
        .build()
        .await
        .context("matrix: cannot open the store (is the passphrase the one it was made with?)")?;

    if session_path.exists() {
        let text = std::fs::read_to_string(&session_path)
            .with_context(|| format!("matrix: cannot read {}", session_path.display()))?;
        let session: MatrixSession = serde_json::from_str(&text).with_context(|| {
            format!("matrix: {} is not a saved session", session_path.display())
        })?;
        if session.meta.user_id.as_str() != config.user_id {
            anyhow::bail!(
                "matrix: the saved session in {} is for {}, not matrix.user_id {}; use another \
                 store_dir for another account",
                store_dir.display(),
                session.meta.user_id,
                config.user_id
            );
        }
        client
            .restore_session(session)
            .await
            .context("matrix: cannot restore the saved session")?;
        info!(device = ?client.device_id(), "matrix: session restored");
        return Ok(client);
    }
    if had_store {
        anyhow::bail!(
            "matrix: {} holds a store but no saved session; logging in again would make a new \
             device that the old crypto store refuses. Move the directory away to start afresh.",
            store_dir.display()
        );
    }
    if let Some(token) = &config.access_token {
        let probe = Client::builder()
            .homeserver_url(&config.homeserver)
            .build()
            .await?;
        let session = MatrixSession {
            meta: SessionMeta {
                user_id: config.user_id.parse()?,
                device_id: "unknown".into(),
            },
            tokens: SessionTokens {
                access_token: token.clone(),
                refresh_token: None,
            },
        };
        probe.restore_session(session.clone()).await?;
        let who = probe
            .whoami()
            .await
            .context("matrix: the access token was refused")?;
        let device_id = who
            .device_id
            .context("matrix: the access token has no device; log in with a password instead")?;
        let session = MatrixSession {
            meta: SessionMeta {
                user_id: who.user_id,
                device_id,
            },
            ..session
        };
        client.restore_session(session).await?;
    } else {
        let password = config.password.as_deref().context(
            "matrix: no password or access token; set LABCIRCLE_MATRIX_PASSWORD (or \
             LABCIRCLE_MATRIX_ACCESS_TOKEN)",
        )?;
        client
            .matrix_auth()
            .login_username(&config.user_id, password)
            .initial_device_display_name(&config.device_name)
            .send()
            .await
            .context("matrix: login failed")?;
    }
    let session = client
        .matrix_auth()
        .session()
        .context("matrix: logged in without a session")?;
    save_session(&session_path, &session)?;
    info!(device = ?client.device_id(), "matrix: logged in; session saved");
    Ok(client)
}

/// Writes the session readable by its owner only (it holds the access token).
fn save_session(path: &Path, session: &MatrixSession) -> anyhow::Result<()> {
    let text = serde_json::to_string(session)?;
    let tmp: PathBuf = path.with_extension("tmp");
    {
        use std::io::Write;
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create(true).truncate(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        let mut file = options
            .open(&tmp)
            .with_context(|| format!("matrix: cannot write {}", tmp.display()))?;
        file.write_all(text.as_bytes())?;
        file.sync_all()?;
    }
    std::fs::rename(&tmp, path)
        .with_context(|| format!("matrix: cannot write {}", path.display()))?;
    Ok(())
}

async fn resolve(client: &Client, room: &str) -> anyhow::Result<OwnedRoomId> {
    let id = <&RoomOrAliasId>::try_from(room)
        .map_err(|_| anyhow::anyhow!("\"{room}\" is not a room id or alias"))?;
    match <&RoomId>::try_from(id) {
        Ok(room_id) => Ok(room_id.to_owned()),
        Err(alias) => Ok(client
            .resolve_room_alias(alias)
            .await
            .with_context(|| format!("cannot resolve {room}"))?
            .room_id),
    }
}

/// A configured room: resolved and joined.
async fn join_configured(client: &Client, room: &str) -> anyhow::Result<OwnedRoomId> {
    let id = resolve(client, room)
        .await
        .with_context(|| format!("matrix.communities: {room}"))?;
    if client
        .get_room(&id)
        .is_some_and(|r| r.state() == RoomState::Joined)
    {
        return Ok(id);
    }
    let alias_or_id = <&RoomOrAliasId>::try_from(room)?;
    join_with_backoff(client, alias_or_id)
        .await
        .with_context(|| format!("matrix.communities: cannot join {room}"))?;
    Ok(id)
}

/// Joins with retries: Synapse can send an invite before the room can be joined.
async fn join_with_backoff(client: &Client, room: &RoomOrAliasId) -> anyhow::Result<Room> {
    let mut wait = Duration::from_millis(250);
    let mut last = None;
    for _ in 0..8 {
        match client.join_room_by_id_or_alias(room, &[]).await {
            Ok(joined) => return Ok(joined),
            Err(e) => {
                debug!(error = %e, "matrix: join failed; retrying");
                last = Some(e);
                tokio::time::sleep(wait).await;
                wait = (wait * 2).min(Duration::from_secs(30));
            }
        }
    }
    Err(last.map_or_else(|| anyhow::anyhow!("join failed"), Into::into))
}

fn add_handlers(shared: &Arc<Shared>) {
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
    /// Accepts an invite from an allowed server or into an allowed room; declines others.
    async fn answer_invite(&self, room: Room) {
        let inviter = match room.invite_details().await {
            Ok(details) => details.inviter.map(|m| m.user_id().to_owned()),
            Err(_) => None,
        };
        let from_allowed_server = inviter.as_ref().is_some_and(|u| {
            self.invite_servers
                .iter()
                .any(|s| s.as_str() == u.server_name().as_str())
        });
        let allowed_room = self.invite_rooms.iter().any(|r| r == room.room_id())
            || self.communities.contains_key(room.room_id())
            || self.announces_for.contains_key(room.room_id());
        if !(from_allowed_server || allowed_room) {
            info!(room = %room.room_id(), "matrix: invite from a server not in invite_servers declined");
            if let Err(e) = room.leave().await {
                warn!(error = %e, "matrix: cannot decline an invite");
            }
            return;
        }
        let mut wait = Duration::from_millis(250);
        for attempt in 1..=8 {
            match room.join().await {
                Ok(()) => {
                    info!(room = %room.room_id(), "matrix: joined on invite");
                    return;
                }
                Err(e) => {
                    debug!(error = %e, attempt, "matrix: joining on invite failed; retrying");
                    tokio::time::sleep(wait).await;
                    wait = (wait * 2).min(Duration::from_secs(30));
                }
            }
        }
        warn!(room = %room.room_id(), "matrix: could not join after an invite");
    }

    /// Remembers a reaction so that its redaction can be understood. Bounded: when full, the
    /// memory starts afresh, and a redaction of a forgotten reaction reconciles its room from
    /// the server instead.
    fn remember_reaction(
        &self,
        event: OwnedEventId,
        seen: (OwnedRoomId, OwnedUserId, String, String),
    ) {
        let mut reactions = self.reactions.lock().expect("never poisoned");
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
            let line = body.strip_prefix('/').unwrap_or(body);
            if crate::domain::command::resolve(line).is_ok() {
                return Some(line.to_owned());
            }
        }
        None
    }

    async fn on_message(self: Arc<Self>, ev: OriginalSyncRoomMessageEvent, room: Room) {
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
        let direct = self.is_direct(&room).await;
        let mentioned = ev
            .content
            .mentions
            .as_ref()
            .is_some_and(|m| m.user_ids.contains(&self.me));
        let Some(line) = self.command_text(&text.body, direct, mentioned) else {
            return;
        };
        let actor = self.actor(&room, &ev.sender, direct).await;
        let outgoing = self
            .runtime
            .bot()
            .handle(Incoming::Command {
                actor: actor.clone(),
                text: line,
            })
            .await;
        for message in outgoing {
            let result = match message {
                Outgoing::Reply(reply) => match reply.visibility {
                    Visibility::Channel => self.reply_in(&room, &ev, &reply).await.map(|_| ()),
                    Visibility::Private if direct => {
                        self.reply_in(&room, &ev, &reply).await.map(|_| ())
                    }
                    Visibility::Private => self.reply_privately(&room, &ev, &reply).await,
                },
                Outgoing::Direct { to, reply } => match to.user.id.parse::<OwnedUserId>() {
                    Ok(user) => self.send_direct(&user, &reply, None).await.map(|_| ()),
                    Err(_) => Ok(()),
                },
            };
            if let Err(e) = result {
                warn!(error = %e, "matrix: could not send a reply");
            }
        }
        self.runtime.poke();
    }

    async fn on_reaction(self: Arc<Self>, ev: OriginalSyncReactionEvent, room: Room) {
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

    async fn on_redaction(self: Arc<Self>, ev: OriginalSyncRoomRedactionEvent, room: Room) {
        let Some(redacted) = ev.redacts.clone().or(ev.content.redacts.clone()) else {
            return;
        };
        let known = self
            .reactions
            .lock()
            .expect("never poisoned")
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
        let direct = self.is_direct(room).await;
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
        for message in outgoing {
            let (to, reply) = match message {
                Outgoing::Reply(reply) => (sender.clone(), reply),
                Outgoing::Direct { to, reply } => match to.user.id.parse::<OwnedUserId>() {
                    Ok(user) => (user, reply),
                    Err(_) => continue,
                },
            };
            if let Err(e) = self.send_direct(&to, &reply, None).await {
                warn!(error = %e, "matrix: could not send a private notice");
            }
        }
        self.runtime.poke();
    }

    /// Reads the reactions on active announcements (in one room, or all) and lets the bot
    /// reconcile its RSVPs with them.
    async fn reconcile(&self, only_room: Option<&RoomId>) {
        let announcements = match self
            .runtime
            .bot()
            .active_announcements(Platform::Matrix)
            .await
        {
            Ok(a) => a,
            Err(e) => {
                warn!(error = %e, "matrix: cannot list active announcements");
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
                    let outgoing = self
                        .runtime
                        .bot()
                        .handle(Incoming::ReactionsPresent {
                            post: message.clone(),
                            platform: Platform::Matrix,
                            reactions,
                        })
                        .await;
                    for message in outgoing {
                        if let Outgoing::Direct { to, reply } = message
                            && let Ok(user) = to.user.id.parse::<OwnedUserId>()
                            && let Err(e) = self.send_direct(&user, &reply, None).await
                        {
                            warn!(error = %e, "matrix: could not send a private notice");
                        }
                    }
                }
                Err(e) => warn!(error = %e, "matrix: cannot read an announcement's reactions"),
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

    fn announcement_room(&self, community: &str) -> Option<OwnedRoomId> {
        let id = community.strip_prefix("matrix:")?;
        let room: OwnedRoomId = id.parse().ok()?;
        Some(self.communities.get(&room).cloned().unwrap_or(room))
    }

    async fn is_direct(&self, room: &Room) -> bool {
        if self.communities.contains_key(room.room_id())
            || self.announces_for.contains_key(room.room_id())
        {
            return false;
        }
        if self
            .direct
            .lock()
            .expect("never poisoned")
            .values()
            .any(|r| r == room.room_id())
        {
            return true;
        }
        room.is_direct().await.unwrap_or(false) || room.joined_members_count() <= 2
    }

    async fn member(&self, room: &Room, user: &MxUserId) -> Member {
        let display_name = match room.get_member_no_sync(user).await {
            Ok(Some(m)) => m.display_name().map(str::to_owned),
            _ => None,
        }
        .unwrap_or_else(|| user.localpart().to_owned());
        Member {
            user: UserId::new(Platform::Matrix, user.as_str()),
            display_name,
        }
    }

    /// Who acts, with the role their power level gives in a community room.
    async fn actor(&self, room: &Room, user: &MxUserId, direct: bool) -> Actor {
        let member = self.member(room, user).await;
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
        let role = match &community_room {
            // Power levels count only in community rooms: in a direct chat both sides hold
            // the highest level, and any room a member makes is theirs to rule.
            Some(c) if self.communities.contains_key(c) => {
                let level = match self.client.get_room(c) {
                    Some(r) => match r.get_member_no_sync(user).await {
                        Ok(Some(m)) => m.power_level(),
                        _ => UserPowerLevel::Int(0.into()),
                    },
                    None => UserPowerLevel::Int(0.into()),
                };
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

    fn content(&self, reply: &Reply) -> RoomMessageEventContent {
        let (plain, html) = render::render(reply, &self.prefix);
        // An empty m.mentions: nobody is pinged, whatever the text says.
        RoomMessageEventContent::notice_html(plain, html).add_mentions(Mentions::new())
    }

    /// Answers in the room, as a reply to the command.
    async fn reply_in(
        &self,
        room: &Room,
        to: &OriginalSyncRoomMessageEvent,
        reply: &Reply,
    ) -> anyhow::Result<OwnedEventId> {
        let content = self
            .content(reply)
            .make_reply_to(to, ForwardThread::Yes, AddMentions::No)
            .add_mentions(Mentions::new());
        Ok(room.send(content).await?.response.event_id)
    }

    /// Sends a private reply by direct chat and says so, briefly, where the command was.
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

    /// The member's direct chat with the bot: known, found, or created (encrypted).
    async fn direct_room(&self, user: &MxUserId) -> anyhow::Result<Room> {
        let _turn = self.creating_direct.lock().await;
        let known = self
            .direct
            .lock()
            .expect("never poisoned")
            .get(user)
            .cloned();
        if let Some(id) = known
            && let Some(room) = self.client.get_room(&id)
            && room.state() == RoomState::Joined
        {
            return Ok(room);
        }
        let room = match self.client.get_dm_room(user) {
            Some(room) => room,
            None => self
                .client
                .create_dm(user)
                .await
                .context("cannot create a direct chat")?,
        };
        self.direct
            .lock()
            .expect("never poisoned")
            .insert(user.to_owned(), room.room_id().to_owned());
        Ok(room)
    }

    async fn send_direct(
        &self,
        user: &MxUserId,
        reply: &Reply,
        txn: Option<OwnedTransactionId>,
    ) -> anyhow::Result<OwnedEventId> {
        let room = self.direct_room(user).await?;
        let mut send = room.send(self.content(reply));
        if let Some(txn) = txn {
            send = send.with_transaction_id(txn);
        }
        Ok(send.await?.response.event_id)
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
        Some(403 | 404) => DeliveryError::Permanent(format!("refused by the homeserver ({e})")),
        _ => DeliveryError::Transient(e.to_string()),
    }
}

/// Sends outbox deliveries.
struct MatrixSink {
    shared: Arc<Shared>,
}

impl MatrixSink {
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
                let room_id = s
                    .announcement_room(community)
                    .context("no announcement room for this community")?;
                let room = s
                    .client
                    .get_room(&room_id)
                    .context("the bot is not in the announcement room")?;
                let sent = room
                    .send(s.content(&delivery.reply))
                    .with_transaction_id(transaction_id(key, "post"))
                    .await?;
                let event_id = sent.response.event_id;
                for (i, emoji) in delivery.reactions.iter().enumerate() {
                    let content = ReactionEventContent::new(Annotation::new(
                        event_id.clone(),
                        (*emoji).to_owned(),
                    ));
                    room.send(content)
                        .with_transaction_id(transaction_id(key, &format!("r{i}")))
                        .await?;
                }
                Ok(event_id.to_string())
            }
            Target::Edit {
                community,
                message_id,
            } => {
                let room_id = s
                    .announcement_room(community)
                    .context("no announcement room for this community")?;
                let room = s
                    .client
                    .get_room(&room_id)
                    .context("the bot is not in the announcement room")?;
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
        self.send(delivery).await.map_err(|e| delivery_error(&e))
    }

    async fn announced(&mut self, message_id: &str) {
        // RSVPs made on the post before it was recorded count now.
        let outgoing = self
            .shared
            .runtime
            .bot()
            .announced(Platform::Matrix, message_id)
            .await;
        for message in outgoing {
            if let Outgoing::Direct { to, reply } = message
                && let Ok(user) = to.user.id.parse::<OwnedUserId>()
                && let Err(e) = self.shared.send_direct(&user, &reply, None).await
            {
                warn!(error = %e, "matrix: could not send a private notice");
            }
        }
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

    #[test]
    fn reply_fallbacks_are_left_out() {
        assert_eq!(strip_reply_fallback("> <@a:b> How are you?\n\n4"), "4");
        assert_eq!(strip_reply_fallback("!help"), "!help");
    }
}
