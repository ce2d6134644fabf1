//! The Matrix adapter, on matrix-sdk with end-to-end encryption.
//!
//! * Start-up: restore the saved session (or log in once and save it, so a restart is the
//!   same device), `sync_once` without handlers so nothing from before the start is answered
//!   as it syncs in, reconcile RSVPs with the reactions on active announcements, then handle
//!   events and sync on; commands sent in the last `catch_up_minutes` while the bot was away
//!   and not answered are answered with a note that it was briefly away (`catchup`).
//! * Commands: `!findgroup …` (the prefix is configurable), or the bot's name followed by a
//!   command; in the member's private chat with the bot the prefix may be left out, and a bare
//!   number answers the open check-in. Replies are HTML with a plain body, in reply to the
//!   command.
//! * Private replies, check-in prompts and notices go to the member's private chat: a room the
//!   bot created with them (recorded in the database), encrypted, used while it holds exactly
//!   the two of them; a third person or the member leaving closes it and the next private
//!   message opens a new one (`private`). The direct-chat mark alone makes no room private.
//! * Meetups: announcements get ✅ 🤔 ❌ from the bot; `m.reaction` annotations and their
//!   redactions are RSVPs; counts are kept by editing the announcement (`m.replace`).
//! * Roles come from power levels in community rooms; in any other room everyone is a member.
//! * Deliveries use a transaction id derived from the idempotency key: Synapse drops a repeat
//!   from the same device, so a retry after a crash cannot post twice.
//!
//! The parts: `session` (the session, start-up sync, joining rooms and invites), `catchup`
//! (commands sent while away), `events` (commands, RSVPs, reconciliation), `private` (private
//! chats), `deliver` (the outbox and every message sent), [`render`] (replies as Matrix
//! messages).

mod catchup;
mod deliver;
mod events;
mod known;
mod private;
pub mod render;
mod session;

use std::collections::HashMap;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use anyhow::Context as _;
use matrix_sdk::Client;
use matrix_sdk::ruma::{OwnedEventId, OwnedRoomId, OwnedUserId};
use tokio_util::sync::CancellationToken;
use tracing::{info, warn};

use super::STOP_GRACE;
use crate::config::Matrix as MatrixConfig;
use crate::domain::identity::Platform;
use crate::logging::Redacted;
use crate::runtime::Runtime;

/// Everything the event handlers and the outbox sink share.
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
    /// Reactions seen: reaction event → (room, sender, annotated event, key), so that a
    /// redaction (which carries only the reaction's id) can be turned into "took back".
    reactions: Mutex<HashMap<OwnedEventId, (OwnedRoomId, OwnedUserId, String, String)>>,
    /// Serialises finding and creating private chats, so two messages to one member make one
    /// room.
    creating_direct: tokio::sync::Mutex<()>,
    /// Messages sent before this (server time, ms) were sent while the bot was away.
    started_ms: u64,
    /// How far back such messages are still answered (`matrix.catch_up_minutes`; 0: never).
    catch_up_minutes: u32,
    /// How many times the bot has written into a room (see [`Shared::wrote`]).
    writes: AtomicU64,
    /// Names and power levels as last read (see `known`).
    known: known::Known,
}

impl Shared {
    /// Counts a message (or a delivery) the bot is about to send into a room, so that the sync
    /// loop knows its own events follow its last sync token (see `session::sync_forever`).
    fn wrote(&self) {
        self.writes.fetch_add(1, Ordering::Relaxed);
    }
}

/// Runs the Matrix adapter until `shutdown` is cancelled. `ready` is called once the bot
/// listens (after the first sync).
pub async fn run(
    runtime: Runtime,
    config: MatrixConfig,
    data_dir: &Path,
    shutdown: CancellationToken,
    ready: impl FnOnce(&str),
) -> anyhow::Result<()> {
    // Every start-up step talks to the homeserver: a stop while one waits (a server that
    // does not answer) ends the start-up at once rather than after the HTTP timeouts.
    let started = tokio::select! {
        started = start(&runtime, &config, data_dir) => started?,
        () = shutdown.cancelled() => {
            info!("matrix: stopped while starting");
            return Ok(());
        }
    };
    let Started {
        client,
        me,
        first,
        shared,
        mut sink,
    } = started;

    events::add_handlers(&shared);
    // Commands sent while the bot was away that the first sync brought, answered beside the
    // live ones (the first sync's end divides the two), so a slow catch-up delays nobody.
    let since = first.next_batch.clone();
    tokio::spawn(shared.clone().answer_missed(first));
    let deliveries = {
        let runtime = runtime.clone();
        let shutdown = shutdown.clone();
        tokio::spawn(async move {
            runtime
                .deliver_loop(Platform::Matrix, &mut sink, shutdown)
                .await;
        })
    };
    // Connected before saying ready, so /healthz agrees with whoever reads the line.
    runtime.health().up("matrix");
    ready(me.as_str());
    runtime.poke();

    tokio::select! {
        () = session::sync_forever(
            &client,
            runtime.health(),
            since,
            || shared.writes.load(Ordering::Relaxed),
            |gap| {
                tokio::spawn(shared.clone().answer_gap(gap));
            },
        ) => {}
        () = shutdown.cancelled() => {}
    };
    // Let a delivery in flight finish and be marked sent, rather than cut it off between the
    // homeserver's answer and the outbox's record of it.
    if tokio::time::timeout(STOP_GRACE, deliveries).await.is_err() {
        warn!("matrix: a delivery was still running at shutdown; it will be retried");
    }
    Ok(())
}

/// What start-up hands to the live loop.
struct Started {
    client: Client,
    me: OwnedUserId,
    first: session::FirstSync,
    shared: Arc<Shared>,
    sink: deliver::MatrixSink,
}

/// Start-up: the session, the first sync, the rooms, the deliveries left from before the
/// start and the RSVPs made while away.
async fn start(
    runtime: &Runtime,
    config: &MatrixConfig,
    data_dir: &Path,
) -> anyhow::Result<Started> {
    let store_dir = config
        .store_dir
        .clone()
        .unwrap_or_else(|| data_dir.join("matrix"));
    let client = session::connect(config, &store_dir).await?;
    let me = client
        .user_id()
        .context("matrix: logged in without a user id")?
        .to_owned();
    let first = session::first_sync(&client).await?;
    let rooms = session::join_rooms(&client, config).await?;
    let shared = Arc::new(Shared {
        runtime: runtime.clone(),
        client: client.clone(),
        me: me.clone(),
        prefix: config.command_prefix.trim().to_owned(),
        organizer_power: config.organizer_power,
        admin_power: config.admin_power,
        invite_servers: config.invite_servers.clone(),
        invite_rooms: rooms.invite_rooms,
        communities: rooms.communities,
        announces_for: rooms.announces_for,
        reactions: Mutex::new(HashMap::new()),
        creating_direct: tokio::sync::Mutex::new(()),
        started_ms: first.started_ms,
        // On the very first start there was no "away": what was typed before is left alone.
        catch_up_minutes: if first.since.is_some() {
            config.catch_up_minutes
        } else {
            0
        },
        writes: AtomicU64::new(0),
        known: known::Known::default(),
    });
    session::answer_waiting_invites(&shared);

    let mut sink = deliver::MatrixSink::new(shared.clone());
    // Deliveries left from before the start go first: an announcement posted but not yet
    // recorded when the process stopped is sent again (the homeserver answers the repeated
    // transaction id with the first event), so reconciliation below knows every announcement.
    if let Err(e) = runtime.flush(Platform::Matrix, &mut sink).await {
        warn!(error = %Redacted(&e), "matrix: could not send the deliveries left from before the start");
    }
    // RSVPs made while the bot was away.
    shared.reconcile(None).await;
    Ok(Started {
        client,
        me,
        first,
        shared,
        sink,
    })
}
