//! The session and the rooms: restore the saved session (or log in once and save it), the
//! first sync (and what it brought, for `catchup`), syncing on, joining the configured rooms
//! and answering invites.

use std::collections::HashMap;
use std::future::Future;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context as _;
use matrix_sdk::authentication::matrix::MatrixSession;
use matrix_sdk::config::SyncSettings;
use matrix_sdk::ruma::api::client::filter::FilterDefinition;
use matrix_sdk::ruma::{MilliSecondsSinceUnixEpoch, OwnedRoomId, RoomId, RoomOrAliasId, UInt};
use matrix_sdk::store::{StateStoreDataKey, StateStoreDataValue};
use matrix_sdk::{Client, Room, RoomState, SessionMeta, SessionTokens, SqliteStoreConfig};
use tracing::{debug, info, warn};

use super::Shared;
use crate::config::{Matrix as MatrixConfig, exposed};
use crate::logging::Redacted;
use secrecy::ExposeSecret;

/// Name of the saved session inside the store directory.
const SESSION_FILE: &str = "session.json";

/// Builds the client on its encrypted store and restores or creates the session.
pub(super) async fn connect(config: &MatrixConfig, store_dir: &Path) -> anyhow::Result<Client> {
    // Its owner's alone, like the data directory: it holds the session and the crypto store.
    crate::files::create_private_dir(store_dir)
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
                .passphrase(exposed(&config.store_passphrase)),
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
        crate::logging::hide(&session.tokens.access_token);
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
                access_token: token.expose_secret().to_owned(),
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
        let password = exposed(&config.password).context(
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
    crate::logging::hide(&session.tokens.access_token);
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

/// Most timeline events one sync brings per room. Homeservers default to 10, which a burst
/// of commands (twenty members joining pairing within seconds) passes while the bot is still
/// answering the last sync; what does not fit is read back as a gap ([`Gap`]).
const TIMELINE_LIMIT: u32 = 50;

/// For tests only: a smaller [`TIMELINE_LIMIT`], so that a short burst of commands is cut
/// short and read back as a gap, as a long burst would be. Unset (always, outside tests), the
/// limit is [`TIMELINE_LIMIT`].
const TIMELINE_LIMIT_FOR_TESTS: &str = "LABCIRCLE_TEST_MATRIX_TIMELINE_LIMIT";

/// What the bot syncs. Members are loaded lazily: the bot asks for the few it needs. Its own
/// events are left out of the timeline: each reply would otherwise end the long poll and bring
/// a second sync to process for every command, and nothing reads them from the sync (whether a
/// command was answered is read back with `/messages`, see `catchup`). No presence, typing or
/// read receipts: the bot uses none of them.
fn sync_settings(client: &Client) -> SyncSettings {
    let limit = std::env::var(TIMELINE_LIMIT_FOR_TESTS)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(TIMELINE_LIMIT);
    let mut filter = FilterDefinition::with_lazy_loading();
    filter.room.timeline.limit = Some(UInt::from(limit));
    if let Some(me) = client.user_id() {
        filter.room.timeline.not_senders = vec![me.to_owned()];
    }
    filter.presence.not_types = vec!["*".to_owned()];
    filter.room.ephemeral.not_types = vec!["*".to_owned()];
    SyncSettings::default().filter(filter.into())
}

/// A room whose timeline a sync cut short (`limited`): the events from `from` (the timeline's
/// start) back to `to` (where the sync before it ended) never reached the event handlers.
pub(super) struct Gap {
    pub room: OwnedRoomId,
    pub from: String,
    pub to: String,
}

/// Where the first sync of this start began and ended, and the rooms it brought messages in:
/// what happened in between is what the bot missed while it was away (see `catchup`).
pub(super) struct FirstSync {
    /// The sync token saved by the previous run (none on the very first start).
    pub since: Option<String>,
    /// Where the first sync ended: later events come to the event handlers.
    pub next_batch: String,
    /// Joined rooms whose timeline had new events.
    pub rooms: Vec<OwnedRoomId>,
    /// When the first sync was asked for (system clock, ms since the epoch).
    pub started_ms: u64,
}

/// The first sync, before the event handlers are added: nothing in it is answered as it syncs
/// in; commands in it that nobody answered are found afterwards from what this returns.
pub(super) async fn first_sync(client: &Client) -> anyhow::Result<FirstSync> {
    let since = match client
        .state_store()
        .get_kv_data(StateStoreDataKey::SyncToken)
        .await
    {
        Ok(value) => value.and_then(StateStoreDataValue::into_sync_token),
        Err(e) => {
            warn!(error = %Redacted(&e), "matrix: cannot read the last sync token");
            None
        }
    };
    let started_ms = u64::from(MilliSecondsSinceUnixEpoch::now().get());
    // It does not wait for something new: from a saved token on a quiet server a long poll
    // would hold the start (and `ready`) for its whole 30 seconds, and a command sent in
    // that time would be taken for one sent while the bot was away.
    let response = client
        .sync_once(sync_settings(client).timeout(Duration::ZERO))
        .await
        .context("matrix: the first sync failed")?;
    let rooms = response
        .rooms
        .joined
        .iter()
        .filter(|(_, update)| !update.timeline.events.is_empty())
        .map(|(id, _)| id.clone())
        .collect();
    Ok(FirstSync {
        since,
        next_batch: response.next_batch,
        rooms,
        started_ms,
    })
}

/// How long a long poll waits for something new.
const LONG_POLL: Duration = Duration::from_secs(30);

/// How long the next sync may wait. The sync filter leaves the bot's own events out
/// ([`sync_settings`]), so a long poll begun before the bot's latest reply brings the next
/// command with a hole in its timeline where that reply was. Synapse handles such a timeline
/// on a slower path (it reads the room's state at three points rather than once): in the Matrix
/// bench that put 4 to 7 ms more between a command and the sync that brings it (see
/// docs/PERFORMANCE.md). So after the bot has written into a room, the next sync does not
/// wait: it comes back at once, usually empty, with a token past the bot's own events, and
/// the long poll after it starts from there. Never two such syncs in a row: while the outbox
/// sends a long burst, the bot long-polls as usual rather than asking again and again.
struct NextPoll {
    /// The write count when the last sync that came back began.
    synced_at: u64,
    /// Whether that sync was one that did not wait.
    was_quick: bool,
}

impl NextPoll {
    /// The wait for a sync about to begin, given the bot's write count now.
    fn wait(&self, writes: u64) -> Duration {
        if writes != self.synced_at && !self.was_quick {
            Duration::ZERO
        } else {
            LONG_POLL
        }
    }

    /// A sync begun at write count `writes`, that waited at most `waited`, came back.
    fn synced(&mut self, writes: u64, waited: Duration) {
        self.synced_at = writes;
        self.was_quick = waited.is_zero();
    }
}

/// Long-polls the homeserver for ever, from `since` (where the first sync ended). matrix-sdk's
/// own `sync` waits a second between syncs that come back quickly, which is every sync while
/// members talk to the bot: a command right after another would wait that second. Here the
/// next sync starts at once, without waiting when the bot has written since the last one
/// began (`writes` counts its writes; see [`NextPoll`]); only failures back off (1 s doubling
/// to a minute). Rooms whose timeline came cut short go to `on_gap`.
pub(super) async fn sync_forever(
    client: &Client,
    health: &crate::ops::Health,
    since: String,
    writes: impl Fn() -> u64,
    on_gap: impl Fn(Gap),
) {
    let settings = sync_settings(client);
    let mut backoff = Duration::from_secs(1);
    let mut since = since;
    // Counted from the start: what start-up sent (deliveries left from before) came after the
    // first sync's token too.
    let mut next = NextPoll {
        synced_at: 0,
        was_quick: false,
    };
    loop {
        let began_at = writes();
        let wait = next.wait(began_at);
        match client.sync_once(settings.clone().timeout(wait)).await {
            Ok(response) => {
                health.up("matrix");
                backoff = Duration::from_secs(1);
                next.synced(began_at, wait);
                for (room, update) in &response.rooms.joined {
                    if update.timeline.limited
                        && let Some(from) = &update.timeline.prev_batch
                    {
                        on_gap(Gap {
                            room: room.clone(),
                            from: from.clone(),
                            to: since.clone(),
                        });
                    }
                }
                since = response.next_batch;
            }
            Err(e) => {
                health.down("matrix");
                warn!(error = %Redacted(&e), "matrix: sync failed; trying again in {backoff:?}");
                tokio::time::sleep(backoff).await;
                backoff = (backoff * 2).min(Duration::from_secs(60));
            }
        }
    }
}

/// The configured rooms, resolved (and joined, for communities).
pub(super) struct Rooms {
    /// Community room → its announcement room.
    pub communities: HashMap<OwnedRoomId, OwnedRoomId>,
    /// Announcement room → its community room.
    pub announces_for: HashMap<OwnedRoomId, OwnedRoomId>,
    /// Rooms whose invites are accepted from any server.
    pub invite_rooms: Vec<OwnedRoomId>,
}

/// Joins the community and announcement rooms and resolves `invite_rooms`. A community room
/// that cannot be joined stops the start; an invite room that cannot be resolved is ignored.
pub(super) async fn join_rooms(client: &Client, config: &MatrixConfig) -> anyhow::Result<Rooms> {
    let mut communities = HashMap::new();
    let mut announces_for = HashMap::new();
    for c in &config.communities {
        let room = join_configured(client, &c.room).await?;
        let announcements = match &c.announcements {
            Some(a) => join_configured(client, a).await?,
            None => room.clone(),
        };
        announces_for.insert(announcements.clone(), room.clone());
        communities.insert(room, announcements);
    }
    let mut invite_rooms = Vec::new();
    for r in &config.invite_rooms {
        if let Ok(id) = resolve(client, r).await {
            invite_rooms.push(id);
        } else {
            warn!(room = %r, "matrix.invite_rooms: cannot resolve this room; ignored");
        }
    }
    Ok(Rooms {
        communities,
        announces_for,
        invite_rooms,
    })
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
    with_join_retries(|| client.join_room_by_id_or_alias(alias_or_id, &[]))
        .await
        .with_context(|| format!("matrix.communities: cannot join {room}"))?;
    Ok(id)
}

/// Tries a join up to eight times, waiting 250 ms doubling to 30 s between tries: Synapse can
/// send an invite before the room can be joined.
async fn with_join_retries<T, E, F, Fut>(mut join: F) -> Result<T, E>
where
    E: std::fmt::Display,
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, E>>,
{
    let mut wait = Duration::from_millis(250);
    let mut attempt = 1;
    loop {
        match join().await {
            Ok(joined) => return Ok(joined),
            Err(e) if attempt >= 8 => return Err(e),
            Err(e) => {
                debug!(error = %Redacted(&e), attempt, "matrix: joining failed; retrying");
                tokio::time::sleep(wait).await;
                wait = (wait * 2).min(Duration::from_secs(30));
                attempt += 1;
            }
        }
    }
}

/// Answers the invites that arrived while the bot was away, each in its own task.
pub(super) fn answer_waiting_invites(shared: &Arc<Shared>) {
    for room in shared.client.invited_rooms() {
        let shared = shared.clone();
        tokio::spawn(async move { shared.answer_invite(room).await });
    }
}

impl Shared {
    /// Accepts an invite from an allowed server or into an allowed room; declines others.
    pub(super) async fn answer_invite(&self, room: Room) {
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
                warn!(error = %Redacted(&e), "matrix: cannot decline an invite");
            }
            return;
        }
        match with_join_retries(|| room.join()).await {
            Ok(()) => info!(room = %room.room_id(), "matrix: joined on invite"),
            Err(_) => warn!(room = %room.room_id(), "matrix: could not join after an invite"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn after_the_bot_writes_the_next_sync_does_not_wait_and_then_it_long_polls_again() {
        let mut next = NextPoll {
            synced_at: 0,
            was_quick: false,
        };
        assert_eq!(next.wait(0), LONG_POLL, "nothing written: a long poll");
        // A command came; its reply was written while that sync was handled.
        next.synced(0, LONG_POLL);
        assert_eq!(next.wait(1), Duration::ZERO, "a reply written: at once");
        next.synced(1, Duration::ZERO);
        assert_eq!(next.wait(1), LONG_POLL, "caught up: a long poll again");
        // A long poll came back; two replies were written meanwhile, and the next sync fails.
        next.synced(1, LONG_POLL);
        assert_eq!(next.wait(3), Duration::ZERO);
        assert_eq!(
            next.wait(3),
            Duration::ZERO,
            "still at once after a failure"
        );
        next.synced(3, Duration::ZERO);
        assert_eq!(next.wait(3), LONG_POLL);
    }

    #[test]
    fn a_burst_of_writes_does_not_make_the_bot_sync_again_and_again() {
        let mut next = NextPoll {
            synced_at: 0,
            was_quick: false,
        };
        // The outbox sends one message after another: each sync sees new writes.
        let wait = next.wait(5);
        assert_eq!(wait, Duration::ZERO);
        next.synced(5, wait);
        let wait = next.wait(9);
        assert_eq!(wait, LONG_POLL, "never two syncs in a row that do not wait");
        next.synced(9, wait);
        assert_eq!(
            next.wait(12),
            Duration::ZERO,
            "after the long poll, one again"
        );
    }
}
