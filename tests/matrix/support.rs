//! A real Synapse on 127.0.0.1, members driven by real matrix-sdk clients, and the real
//! `labcircle run` binary as the bot.
//!
//! The homeserver comes from `LABCIRCLE_SYNAPSE_URL` and `LABCIRCLE_SYNAPSE_CONFIG` when a
//! caller started one; otherwise the first test starts one with `scripts/synapse.sh` (which
//! installs Synapse into a cached virtualenv) and a watcher stops it when this process ends.
//! A homeserver that cannot be installed or started fails the tests: nothing is skipped.

// Shared with benches/matrix.rs, which reads the timing fields and the bot's pid.
#![allow(dead_code)]

#[path = "../support/process.rs"]
pub mod process;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use hmac::{Hmac, Mac};
use matrix_sdk::config::SyncSettings;
use matrix_sdk::room::Room;
use matrix_sdk::ruma::api::client::room::create_room::v3::{Request as CreateRoom, RoomPreset};
use matrix_sdk::ruma::events::reaction::ReactionEventContent;
use matrix_sdk::ruma::events::relation::Annotation;
use matrix_sdk::ruma::events::room::member::{MembershipState, StrippedRoomMemberEvent};
use matrix_sdk::ruma::events::room::message::{
    FileMessageEventContent, ImageMessageEventContent, MessageType, OriginalSyncRoomMessageEvent,
    Relation, RoomMessageEventContent,
};
use matrix_sdk::ruma::serde::Raw;
use matrix_sdk::ruma::{OwnedEventId, OwnedRoomId, OwnedUserId, RoomId};
use matrix_sdk::{Client, RoomMemberships};
use process::{Home, Process};

pub const PASSWORD: &str = "correct-horse-battery-staple";
/// How long a test waits for something to arrive before it fails.
pub const WAIT: Duration = Duration::from_secs(60);

/// The homeserver under test.
pub struct Homeserver {
    pub url: String,
    secret: String,
}

static HOMESERVER: OnceLock<Homeserver> = OnceLock::new();
static NEXT_NAME: AtomicU32 = AtomicU32::new(0);

fn project() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The shared homeserver, started on first use.
pub fn homeserver() -> &'static Homeserver {
    HOMESERVER.get_or_init(|| {
        let (url, config) = match (
            std::env::var("LABCIRCLE_SYNAPSE_URL"),
            std::env::var("LABCIRCLE_SYNAPSE_CONFIG"),
        ) {
            (Ok(url), Ok(config)) if !url.is_empty() => (url, PathBuf::from(config)),
            _ => start_synapse(),
        };
        assert!(
            url.starts_with("http://127.0.0.1:"),
            "the test homeserver must be on 127.0.0.1, not {url}"
        );
        let text = std::fs::read_to_string(&config).expect("read the Synapse config");
        let secret = text
            .lines()
            .find_map(|l| l.trim().strip_prefix("registration_shared_secret:"))
            .map(|s| s.trim().trim_matches(['"', '\'']).to_owned())
            .expect("the Synapse config has a registration_shared_secret");
        Homeserver { url, secret }
    })
}

fn start_synapse() -> (String, PathBuf) {
    let base = if Path::new("/dev/shm").is_dir() {
        PathBuf::from("/dev/shm")
    } else {
        std::env::temp_dir()
    };
    let dir = base.join(format!("labcircle-synapse-test-{}", std::process::id()));
    let out = Command::new("bash")
        .arg(project().join("scripts/synapse.sh"))
        .arg("start")
        .arg(&dir)
        .env(
            "LABCIRCLE_SYNAPSE_WATCH_PID",
            std::process::id().to_string(),
        )
        .env("LABCIRCLE_SYNAPSE_CLEANUP", "1")
        .stderr(Stdio::inherit())
        .output()
        .expect("run scripts/synapse.sh (bash is needed)");
    assert!(
        out.status.success(),
        "Synapse could not be installed or started (scripts/synapse.sh start failed; see \
         above). The Matrix tests need it and are not skipped."
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    let value = |key: &str| {
        stdout
            .lines()
            .find_map(|l| l.strip_prefix(key))
            .unwrap_or_else(|| panic!("scripts/synapse.sh printed no {key}: {stdout}"))
            .to_owned()
    };
    (value("url="), PathBuf::from(value("config=")))
}

impl Homeserver {
    /// Registers a fresh user (unique name from `hint`) through the shared-secret API and
    /// returns the name's localpart.
    pub async fn register(&self, hint: &str) -> String {
        let name = format!(
            "{hint}{}x{}",
            std::process::id(),
            NEXT_NAME.fetch_add(1, Ordering::SeqCst)
        );
        let http = matrix_sdk::reqwest::Client::new();
        let endpoint = format!("{}/_synapse/admin/v1/register", self.url);
        let nonce: serde_json::Value = http
            .get(&endpoint)
            .send()
            .await
            .expect("ask Synapse for a registration nonce")
            .text()
            .await
            .ok()
            .and_then(|t| serde_json::from_str(&t).ok())
            .expect("a nonce");
        let nonce = nonce["nonce"].as_str().expect("nonce").to_owned();
        let mut mac = Hmac::<sha1::Sha1>::new_from_slice(self.secret.as_bytes()).expect("key");
        mac.update(format!("{nonce}\0{name}\0{PASSWORD}\0notadmin").as_bytes());
        let mac = hex::encode(mac.finalize().into_bytes());
        let response = http
            .post(&endpoint)
            .header("content-type", "application/json")
            .body(
                serde_json::json!({
                    "nonce": nonce, "username": name, "password": PASSWORD, "admin": false,
                    "mac": mac
                })
                .to_string(),
            )
            .send()
            .await
            .expect("register a user");
        assert!(
            response.status().is_success(),
            "registering {name}: {}",
            response.text().await.unwrap_or_default()
        );
        name
    }

    pub fn user_id(&self, name: &str) -> OwnedUserId {
        format!("@{name}:localhost").parse().expect("a user id")
    }
}

/// A message a member saw.
#[derive(Debug, Clone)]
pub struct Seen {
    pub room: OwnedRoomId,
    pub event_id: OwnedEventId,
    pub sender: OwnedUserId,
    pub body: String,
    pub html: Option<String>,
    /// The event this one edits, if it is an edit (`m.replace`).
    pub replaces: Option<OwnedEventId>,
    /// The event this one answers, if it is a reply.
    pub in_reply_to: Option<OwnedEventId>,
    pub server_ts: u64,
    /// Whether the member's client decrypted it.
    pub encrypted: bool,
    pub mentions_empty: bool,
    /// The file, when it is an `m.file`.
    pub file: Option<FileMessageEventContent>,
    /// The picture, when it is an `m.image`.
    pub image: Option<ImageMessageEventContent>,
    /// When this client saw it.
    pub seen_at: Instant,
}

/// A person on the homeserver, with a matrix-sdk client syncing in the background.
pub struct Human {
    pub client: Client,
    pub name: String,
    seen: Arc<Mutex<Vec<Seen>>>,
    /// Woken at every message seen, so waiting adds no polling delay (round trips are
    /// measured with it).
    arrived: Arc<tokio::sync::Notify>,
    sync: tokio::task::JoinHandle<()>,
    /// Whether the sync loop is to stop (see [`Human::stop_syncing`]), and whether it has.
    hold: tokio::sync::watch::Sender<bool>,
    held: tokio::sync::watch::Receiver<bool>,
}

impl Drop for Human {
    fn drop(&mut self) {
        self.sync.abort();
    }
}

impl Human {
    /// A new user, logged in, syncing; joins every room it is invited to.
    pub async fn new(hint: &str) -> Human {
        let hs = homeserver();
        let name = hs.register(hint).await;
        let client = Client::builder()
            .homeserver_url(&hs.url)
            .build()
            .await
            .expect("a client");
        client
            .matrix_auth()
            .login_username(&name, PASSWORD)
            .initial_device_display_name("test client")
            .send()
            .await
            .expect("log in");
        let seen = Arc::new(Mutex::new(Vec::new()));
        let arrived = Arc::new(tokio::sync::Notify::new());
        let log = seen.clone();
        let wake = arrived.clone();
        client.add_event_handler(move |ev: OriginalSyncRoomMessageEvent, room: Room| {
            let log = log.clone();
            let wake = wake.clone();
            async move {
                let seen_at = Instant::now();
                let file = match &ev.content.msgtype {
                    MessageType::File(f) => Some(f.clone()),
                    _ => None,
                };
                let image = match &ev.content.msgtype {
                    MessageType::Image(i) => Some(i.clone()),
                    _ => None,
                };
                let (body, html) = match &ev.content.msgtype {
                    MessageType::Text(t) => {
                        (t.body.clone(), t.formatted.as_ref().map(|f| f.body.clone()))
                    }
                    MessageType::Notice(t) => {
                        (t.body.clone(), t.formatted.as_ref().map(|f| f.body.clone()))
                    }
                    other => (other.body().to_owned(), None),
                };
                let (replaces, in_reply_to, body, html) = match &ev.content.relates_to {
                    Some(Relation::Replacement(r)) => {
                        let (b, h) = match &r.new_content.msgtype {
                            MessageType::Notice(t) => {
                                (t.body.clone(), t.formatted.as_ref().map(|f| f.body.clone()))
                            }
                            MessageType::Text(t) => {
                                (t.body.clone(), t.formatted.as_ref().map(|f| f.body.clone()))
                            }
                            _ => (body, html),
                        };
                        (Some(r.event_id.clone()), None, b, h)
                    }
                    Some(Relation::Reply(r)) => {
                        (None, Some(r.in_reply_to.event_id.clone()), body, html)
                    }
                    _ => (None, None, body, html),
                };
                let encrypted = room
                    .latest_encryption_state()
                    .await
                    .map(|s| s.is_encrypted())
                    .unwrap_or(false);
                log.lock().unwrap().push(Seen {
                    room: room.room_id().to_owned(),
                    event_id: ev.event_id.clone(),
                    sender: ev.sender.clone(),
                    body,
                    html,
                    replaces,
                    in_reply_to,
                    server_ts: u64::from(ev.origin_server_ts.0),
                    encrypted,
                    mentions_empty: ev
                        .content
                        .mentions
                        .as_ref()
                        .is_some_and(|m| m.user_ids.is_empty() && !m.room),
                    file,
                    image,
                    seen_at,
                });
                wake.notify_waiters();
            }
        });
        client.add_event_handler(
            |ev: StrippedRoomMemberEvent, room: Room, c: Client| async move {
                if Some(ev.state_key.as_ref()) == c.user_id()
                    && ev.content.membership == MembershipState::Invite
                {
                    tokio::spawn(async move {
                        for _ in 0..20 {
                            if room.join().await.is_ok() {
                                return;
                            }
                            tokio::time::sleep(Duration::from_millis(200)).await;
                        }
                    });
                }
            },
        );
        client
            .sync_once(SyncSettings::default())
            .await
            .expect("first sync");
        let syncing = client.clone();
        // sync_once in a loop rather than matrix-sdk's sync, which pauses a second between
        // syncs that come back quickly (and every answer from the bot is one).
        let hold = tokio::sync::watch::Sender::new(false);
        let (held_tx, held) = tokio::sync::watch::channel(false);
        let mut holding = hold.subscribe();
        let sync = tokio::spawn(async move {
            let settings = SyncSettings::default().timeout(Duration::from_secs(10));
            loop {
                if *holding.borrow_and_update() {
                    held_tx.send_replace(true);
                    let _ = holding.wait_for(|hold| !hold).await;
                    held_tx.send_replace(false);
                }
                if syncing.sync_once(settings.clone()).await.is_err() {
                    tokio::time::sleep(Duration::from_millis(200)).await;
                }
            }
        });
        Human {
            client,
            name,
            seen,
            arrived,
            sync,
            hold,
            held,
        }
    }

    pub fn user_id(&self) -> OwnedUserId {
        self.client.user_id().expect("logged in").to_owned()
    }

    /// Creates a room (encrypted if asked) with an alias, and returns its id.
    pub async fn create_room(&self, alias: &str, encrypted: bool, invite: &[OwnedUserId]) -> Room {
        let mut request = CreateRoom::new();
        request.room_alias_name = Some(alias.to_owned());
        request.preset = Some(RoomPreset::PrivateChat);
        request.invite = invite.to_vec();
        let room = self
            .client
            .create_room(request)
            .await
            .expect("create a room");
        if encrypted {
            room.enable_encryption().await.expect("enable encryption");
        }
        room
    }

    /// Creates a room marked as a direct chat (`is_direct`), encrypted, inviting `invite`:
    /// what a member's client makes when they "message" someone.
    pub async fn create_marked_direct(&self, invite: &[OwnedUserId]) -> Room {
        let mut request = CreateRoom::new();
        request.is_direct = true;
        request.preset = Some(RoomPreset::TrustedPrivateChat);
        request.invite = invite.to_vec();
        let room = self
            .client
            .create_room(request)
            .await
            .expect("create a direct room");
        room.enable_encryption().await.expect("enable encryption");
        room
    }

    /// Invites `user` into a room this member is in.
    pub async fn invite(&self, room: &RoomId, user: &OwnedUserId) {
        self.room(room)
            .invite_user_by_id(user)
            .await
            .expect("invite someone");
    }

    /// Waits until exactly `users` have joined `room`, as this member sees it.
    pub async fn wait_joined(&self, room: &RoomId, users: &[OwnedUserId]) {
        let deadline = Instant::now() + WAIT;
        loop {
            let mut joined: Vec<OwnedUserId> = self
                .room(room)
                .members(RoomMemberships::JOIN)
                .await
                .expect("members")
                .iter()
                .map(|m| m.user_id().to_owned())
                .collect();
            joined.sort();
            let mut expected = users.to_vec();
            expected.sort();
            if joined == expected {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "{room}: expected {expected:?} joined, saw {joined:?}"
            );
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }

    pub fn room(&self, id: &RoomId) -> Room {
        self.client.get_room(id).expect("a room this member is in")
    }

    /// Waits until the member has joined `room`.
    pub async fn joined(&self, room: &RoomId) -> Room {
        let deadline = Instant::now() + WAIT;
        loop {
            if let Some(r) = self.client.get_room(room)
                && r.state() == matrix_sdk::RoomState::Joined
            {
                return r;
            }
            assert!(
                Instant::now() < deadline,
                "{} never joined {room}",
                self.name
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    pub async fn say(&self, room: &RoomId, text: &str) -> OwnedEventId {
        self.learn_devices(room).await;
        self.room(room)
            .send(RoomMessageEventContent::text_plain(text))
            .await
            .expect("send a message")
            .response
            .event_id
    }

    /// Asks the homeserver for the devices of the room's members this client knows none of.
    /// A bot that has just started has a new device, which the client would hear of only with
    /// its next sync: a message encrypted before then is one the bot cannot read.
    async fn learn_devices(&self, room: &RoomId) {
        let room = self.room(room);
        let encrypted = room
            .latest_encryption_state()
            .await
            .is_ok_and(|s| s.is_encrypted());
        if !encrypted {
            return;
        }
        let Ok(members) = room.members(RoomMemberships::ACTIVE).await else {
            return;
        };
        let encryption = self.client.encryption();
        for member in members {
            let user = member.user_id();
            let known = encryption
                .get_user_devices(user)
                .await
                .is_ok_and(|d| d.devices().next().is_some());
            if !known && Some(user) != self.client.user_id() {
                let _ = encryption.request_user_identity(user).await;
            }
        }
    }

    pub async fn react(&self, room: &RoomId, event: &OwnedEventId, key: &str) -> OwnedEventId {
        self.room(room)
            .send(ReactionEventContent::new(Annotation::new(
                event.clone(),
                key.to_owned(),
            )))
            .await
            .expect("react")
            .response
            .event_id
    }

    pub async fn redact(&self, room: &RoomId, event: &OwnedEventId) {
        self.room(room)
            .redact(event, None, None)
            .await
            .expect("redact");
    }

    /// Everything seen so far.
    pub fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }

    /// Stops the background sync until [`Human::sync_again`], and returns once no long poll
    /// of this member is open: a change to the member's account data ends the one in flight.
    /// For the Matrix bench: Synapse wakes the long polls of a room's members in an order of
    /// its own (a set), so a member's poll open when a command lands can be answered before
    /// or after the bot's, a few ms either way, fixed for a whole run.
    pub async fn stop_syncing(&self) {
        static WAKE: AtomicU32 = AtomicU32::new(0);
        self.hold.send_replace(true);
        let content = serde_json::json!({ "n": WAKE.fetch_add(1, Ordering::SeqCst) });
        self.client
            .account()
            .set_account_data_raw(
                "org.labcircle.bench.wake".into(),
                Raw::new(&content).expect("json").cast_unchecked(),
            )
            .await
            .expect("set account data");
        let mut held = self.held.clone();
        tokio::time::timeout(WAIT, held.wait_for(|held| *held))
            .await
            .expect("the sync loop stops")
            .expect("the sync loop runs");
    }

    /// Starts the background sync again after [`Human::stop_syncing`].
    pub fn sync_again(&self) {
        self.hold.send_replace(false);
    }

    /// How many messages have been seen so far (to wait only for newer ones).
    pub fn mark(&self) -> usize {
        self.seen.lock().unwrap().len()
    }

    /// Says `text` in `room` and waits for the reply to it (`what` names it if none comes).
    pub async fn ask(&self, room: &RoomId, text: &str, what: &str) -> Seen {
        let mark = self.mark();
        let asked = self.say(room, text).await;
        self.wait_for(mark, what, |s| s.in_reply_to.as_ref() == Some(&asked))
            .await
    }

    /// Waits for a message after `mark` that matches.
    pub async fn wait_for(&self, mark: usize, what: &str, matches: impl Fn(&Seen) -> bool) -> Seen {
        let deadline = Instant::now() + WAIT;
        loop {
            let arrived = self.arrived.notified();
            tokio::pin!(arrived);
            arrived.as_mut().enable();
            if let Some(found) = self.seen.lock().unwrap()[mark..]
                .iter()
                .find(|s| matches(s))
            {
                return found.clone();
            }
            if Instant::now() > deadline {
                let seen: Vec<String> = self.seen()[mark..]
                    .iter()
                    .map(|s| format!("{} in {}: {}", s.sender, s.room, s.body))
                    .collect();
                panic!(
                    "{} never saw {what}; saw:\n{}",
                    self.name,
                    seen.join("\n---\n")
                );
            }
            let _ = tokio::time::timeout(Duration::from_millis(250), arrived).await;
        }
    }

    /// Asserts nothing matching arrives within `quiet`.
    pub async fn never(&self, mark: usize, quiet: Duration, matches: impl Fn(&Seen) -> bool) {
        tokio::time::sleep(quiet).await;
        let seen = self.seen.lock().unwrap();
        if let Some(s) = seen[mark..].iter().find(|s| matches(s)) {
            panic!("{} saw what should not come: {}", self.name, s.body);
        }
    }
}

/// The bot: `labcircle run` with a [matrix] config, its own account and data directory.
pub struct BotProcess {
    process: Process,
    pub name: String,
    pub dir: PathBuf,
}

/// A bot account and its data directory, kept across restarts.
pub struct BotAccount {
    pub name: String,
    pub dir: Home,
}

impl BotAccount {
    pub async fn new() -> BotAccount {
        BotAccount {
            name: homeserver().register("bot").await,
            dir: Home::new(),
        }
    }

    pub fn user_id(&self) -> OwnedUserId {
        homeserver().user_id(&self.name)
    }

    /// Starts the bot serving `communities` (room id or alias, announcement room).
    pub fn start(&self, communities: &[(&str, Option<&str>)], clock: Option<&str>) -> BotProcess {
        self.start_with(communities, clock, &["localhost"])
    }

    /// Starts the bot accepting invites from users of `invite_servers` only.
    pub fn start_with(
        &self,
        communities: &[(&str, Option<&str>)],
        clock: Option<&str>,
        invite_servers: &[&str],
    ) -> BotProcess {
        self.start_full(communities, clock, invite_servers, "")
    }

    /// Starts the bot with more configuration (another platform's section) appended.
    pub fn start_full(
        &self,
        communities: &[(&str, Option<&str>)],
        clock: Option<&str>,
        invite_servers: &[&str],
        more_config: &str,
    ) -> BotProcess {
        self.start_env(communities, clock, invite_servers, more_config, &[])
    }

    /// Starts the bot as `start_full`, with more environment variables.
    pub fn start_env(
        &self,
        communities: &[(&str, Option<&str>)],
        clock: Option<&str>,
        invite_servers: &[&str],
        more_config: &str,
        env: &[(&str, &str)],
    ) -> BotProcess {
        let servers: Vec<String> = invite_servers.iter().map(|s| format!("\"{s}\"")).collect();
        let mut config = format!(
            "[log]\nlevel = \"{}\"\n\n[matrix]\nhomeserver = \"{}\"\nuser_id = \"{}\"\n\
             device_name = \"labcircle test\"\ninvite_servers = [{}]\n",
            std::env::var("LABCIRCLE_TEST_BOT_LOG").unwrap_or_else(|_| "warn".into()),
            homeserver().url,
            self.user_id(),
            servers.join(", ")
        );
        for (room, announcements) in communities {
            config.push_str(&format!("\n[[matrix.communities]]\nroom = \"{room}\"\n"));
            if let Some(a) = announcements {
                config.push_str(&format!("announcements = \"{a}\"\n"));
            }
        }
        config.push_str(more_config);
        self.dir.config(&config);
        BotProcess::spawn(&self.name, &self.dir, clock, env)
    }
}

impl BotProcess {
    fn spawn(name: &str, home: &Home, clock: Option<&str>, env: &[(&str, &str)]) -> BotProcess {
        let mut launch = home.launch_with_config().arg("run");
        if let Some(clock) = clock {
            launch = launch.arg("--clock").arg(clock);
        }
        for (name, value) in env {
            launch = launch.env(*name, *value);
        }
        let process = launch
            .env("LABCIRCLE_DATA_DIR", home.data_dir())
            .env("LABCIRCLE_MATRIX_PASSWORD", PASSWORD)
            .env("LABCIRCLE_DISCORD_TOKEN", "fake-token-for-tests")
            .env("LABCIRCLE_MATRIX_STORE_PASSPHRASE", "test store passphrase")
            .env(
                "LABCIRCLE_NOTE_KEY",
                "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
            )
            .wait(WAIT)
            .start();
        BotProcess {
            process,
            name: name.to_owned(),
            dir: home.path().to_owned(),
        }
    }

    /// Waits until the bot says it is listening.
    pub async fn ready(self) -> BotProcess {
        self.wait_line("matrix: ready").await;
        self
    }

    /// Waits for a line of the bot's output containing `needle`.
    pub async fn wait_line(&self, needle: &str) -> String {
        self.process.wait_line(needle).await
    }

    pub fn output(&self) -> String {
        self.process.output()
    }

    /// Moves the bot's simulated clock (`--clock`) forward and waits until it has.
    pub async fn advance(&mut self, by: &str) {
        self.process.advance(by).await;
    }

    /// Stops the bot (SIGKILL: as abrupt as a crash) and starts it again on the same data.
    pub async fn restart(self) -> BotProcess {
        self.restart_after(async {}).await
    }

    /// Stops the bot, lets `while_down` happen, and starts it again on the same data.
    pub async fn restart_after(mut self, while_down: impl Future<Output = ()>) -> BotProcess {
        self.process.kill();
        while_down.await;
        let next = BotProcess {
            process: self.process.relaunch(),
            name: self.name.clone(),
            dir: self.dir.clone(),
        };
        next.ready().await
    }

    pub fn pid(&self) -> u32 {
        self.process.pid()
    }
}

/// Sets a member's power level in a room (as its creator).
pub async fn set_power(admin: &Human, room: &RoomId, user: &OwnedUserId, level: i64) {
    let room = admin.room(room);
    room.update_power_levels(vec![(user, level.try_into().expect("a power level"))])
        .await
        .expect("set a power level");
}
