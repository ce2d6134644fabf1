//! A fake Discord on 127.0.0.1: the REST API the bot uses (plain HTTP) and a gateway (plain
//! WebSocket). It records every REST call, keeps messages and reactions as Discord would, and lets
//! tests push gateway events, drop the connection and answer a request with 429.
//!
//! It never contacts anything: both servers only listen on 127.0.0.1.

#![allow(dead_code)]

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;
use tokio_tungstenite::tungstenite::Message as WsMessage;

pub const APPLICATION_ID: &str = "900000000000000001";
pub const BOT_USER_ID: &str = "900000000000000002";
pub const GUILD_ID: &str = "900000000000000003";
pub const CHANNEL_ID: &str = "900000000000000004";
pub const ANNOUNCEMENTS_ID: &str = "900000000000000005";
/// A second server the bot was added to, which the tests' config does not list.
pub const OTHER_GUILD_ID: &str = "900000000000000006";
/// A channel of the second server.
pub const OTHER_CHANNEL_ID: &str = "900000000000000007";
/// A DM channel between a member and the bot.
pub const DM_CHANNEL_ID: &str = "900000000000000008";
/// A group DM (several people, no server): the bot cannot be in one, but its events say only
/// "no server".
pub const GROUP_DM_ID: &str = "900000000000000009";

/// One REST call as the bot made it.
#[derive(Debug, Clone)]
pub struct Call {
    pub method: String,
    /// Path without the query, percent-decoded (`/api/v10/channels/1/messages`).
    pub path: String,
    pub query: String,
    /// The JSON body (for multipart requests, `payload_json`); `Null` when there is none.
    pub body: Value,
    /// Attached files: (name, content read as text).
    pub files: Vec<(String, String)>,
    /// Attached files as sent, byte for byte (pictures): (name, bytes).
    pub attachments: Vec<(String, Vec<u8>)>,
    pub at: Instant,
    /// The id of the message the call created, if it created one.
    pub created: Option<String>,
}

impl Call {
    /// All text of the call's embeds and content, for assertions.
    pub fn text(&self) -> String {
        let payload = self.body.get("data").unwrap_or(&self.body);
        let mut out = String::new();
        if let Some(c) = payload.get("content").and_then(Value::as_str) {
            out.push_str(c);
            out.push('\n');
        }
        for embed in payload
            .get("embeds")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            for key in ["title", "description"] {
                if let Some(t) = embed.get(key).and_then(Value::as_str) {
                    out.push_str(t);
                    out.push('\n');
                }
            }
            for field in embed
                .get("fields")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                out.push_str(&format!(
                    "{}: {}\n",
                    field["name"].as_str().unwrap_or(""),
                    field["value"].as_str().unwrap_or("")
                ));
            }
            if let Some(t) = embed.pointer("/footer/text").and_then(Value::as_str) {
                out.push_str(t);
                out.push('\n');
            }
        }
        out
    }

    /// The payload of an interaction callback or a message (`data` of a callback).
    pub fn payload(&self) -> &Value {
        self.body.get("data").unwrap_or(&self.body)
    }

    pub fn ephemeral(&self) -> bool {
        self.payload()["flags"].as_u64().unwrap_or(0) & 64 != 0
    }

    /// Whether the message allows no mentions at all.
    pub fn mentions_disabled(&self) -> bool {
        let am = &self.payload()["allowed_mentions"];
        am["parse"].as_array().is_some_and(Vec::is_empty)
            && am["users"].as_array().is_none_or(Vec::is_empty)
            && am["roles"].as_array().is_none_or(Vec::is_empty)
    }

    /// Custom ids of the message's buttons.
    pub fn buttons(&self) -> Vec<String> {
        let mut ids = Vec::new();
        for row in self.payload()["components"]
            .as_array()
            .into_iter()
            .flatten()
        {
            for b in row["components"].as_array().into_iter().flatten() {
                if let Some(id) = b["custom_id"].as_str() {
                    ids.push(id.to_owned());
                }
            }
        }
        ids
    }
}

/// The status of a canned failure that is never answered.
const HANG: u16 = 0;

/// A canned failure for the next matching request.
struct Failure {
    method: String,
    path_contains: String,
    status: u16,
    retry_after: Option<f64>,
}

#[derive(Default)]
struct State {
    calls: Vec<Call>,
    next_id: u64,
    failures: Vec<Failure>,
    /// message id → channel id
    messages: HashMap<String, String>,
    /// (message id, emoji) → user ids, in order
    reactions: HashMap<(String, String), Vec<String>>,
    users: HashMap<String, Value>,
    dm_channels: HashMap<String, String>,
    // gateway
    session: u64,
    seq: u64,
    /// Events of the current session: (seq, payload).
    events: Vec<(u64, Value)>,
    connection: Option<mpsc::UnboundedSender<Control>>,
    identifies: u32,
    resumes: u32,
    /// Refuse the next resume (the session is gone: the bot must identify again).
    refuse_resume: bool,
    /// On resume, replay the last event the bot already saw too (at-least-once delivery).
    replay_overlap: bool,
    /// The gateway is unreachable: new connections are closed before the handshake.
    unreachable: bool,
}

enum Control {
    Send(Value),
    Drop,
}

/// The fake Discord. Cheap to clone.
#[derive(Clone)]
pub struct FakeDiscord {
    pub api_base: String,
    pub gateway_url: String,
    state: Arc<Mutex<State>>,
}

impl FakeDiscord {
    pub async fn start() -> FakeDiscord {
        let rest = TcpListener::bind("127.0.0.1:0").await.expect("bind REST");
        let gateway = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind gateway");
        let fake = FakeDiscord {
            api_base: format!("http://{}", rest.local_addr().unwrap()),
            gateway_url: format!("ws://{}", gateway.local_addr().unwrap()),
            state: Arc::new(Mutex::new(State {
                next_id: 1_000_000_000_000_000_000,
                ..State::default()
            })),
        };
        let f = fake.clone();
        tokio::spawn(async move {
            while let Ok((stream, _)) = rest.accept().await {
                let f = f.clone();
                tokio::spawn(async move { f.serve_http(stream).await });
            }
        });
        let f = fake.clone();
        tokio::spawn(async move {
            while let Ok((stream, _)) = gateway.accept().await {
                let f = f.clone();
                tokio::spawn(async move { f.serve_gateway(stream).await });
            }
        });
        fake
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().expect("fake state")
    }

    fn new_id(&self) -> String {
        let mut s = self.state();
        s.next_id += 1;
        s.next_id.to_string()
    }

    // ---------------------------------------------------------------- assertions

    pub fn calls(&self) -> Vec<Call> {
        self.state().calls.clone()
    }

    /// Calls with this method whose path contains `path`.
    pub fn calls_to(&self, method: &str, path: &str) -> Vec<Call> {
        self.calls()
            .into_iter()
            .filter(|c| c.method == method && c.path.contains(path))
            .collect()
    }

    /// Waits until `count` calls match, then returns them all.
    pub async fn wait_calls(&self, method: &str, path: &str, count: usize) -> Vec<Call> {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let found = self.calls_to(method, path);
            if found.len() >= count {
                return found;
            }
            if Instant::now() > deadline {
                panic!(
                    "waited for {count} {method} {path}, got {}; calls:\n{}",
                    found.len(),
                    self.describe_calls()
                );
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Waits for the answer to an interaction (its callback).
    /// The bot's answer to an interaction. When the bot deferred it (it answers "thinking"
    /// when work takes long, as on a loaded machine), the answer is the later edit of the
    /// original response, returned in the shape of a direct answer.
    pub async fn callback(&self, interaction: &str) -> Call {
        let call = self
            .wait_calls("POST", &format!("/interactions/{interaction}/"), 1)
            .await
            .remove(0);
        if call.body.get("type").and_then(Value::as_u64) != Some(5) {
            return call;
        }
        let token = call
            .path
            .split('/')
            .skip_while(|s| *s != interaction)
            .nth(1)
            .unwrap_or_default()
            .to_owned();
        let mut edit = self
            .wait_calls("PATCH", &format!("/{token}/messages/@original"), 1)
            .await
            .remove(0);
        let mut data = edit.body.clone();
        if let (Some(flags), Some(map)) = (call.body["data"].get("flags"), data.as_object_mut()) {
            map.entry("flags").or_insert(flags.clone());
        }
        edit.body = serde_json::json!({ "type": 4, "data": data });
        edit
    }

    pub fn describe_calls(&self) -> String {
        self.calls()
            .iter()
            .map(|c| format!("{} {} {}", c.method, c.path, c.body))
            .collect::<Vec<_>>()
            .join("\n")
    }

    pub fn identifies(&self) -> u32 {
        self.state().identifies
    }

    pub fn resumes(&self) -> u32 {
        self.state().resumes
    }

    pub fn connected(&self) -> bool {
        self.state().connection.is_some()
    }

    /// Users who reacted with `emoji` to a message.
    pub fn reactors(&self, message: &str, emoji: &str) -> Vec<String> {
        self.state()
            .reactions
            .get(&(message.to_owned(), emoji.to_owned()))
            .cloned()
            .unwrap_or_default()
    }

    // ---------------------------------------------------------------- controls

    /// Answers the next request with this method and path with 429 and `retry_after` seconds.
    pub fn rate_limit_next(&self, method: &str, path_contains: &str, retry_after: f64) {
        self.state().failures.push(Failure {
            method: method.to_owned(),
            path_contains: path_contains.to_owned(),
            status: 429,
            retry_after: Some(retry_after),
        });
    }

    /// Answers the next matching request with `status`.
    pub fn fail_next(&self, method: &str, path_contains: &str, status: u16) {
        self.state().failures.push(Failure {
            method: method.to_owned(),
            path_contains: path_contains.to_owned(),
            status,
            retry_after: None,
        });
    }

    /// Never answers the next matching request (the connection stays open): an API that
    /// hangs. The request is recorded as a call.
    pub fn hang_next(&self, method: &str, path_contains: &str) {
        self.state().failures.push(Failure {
            method: method.to_owned(),
            path_contains: path_contains.to_owned(),
            status: HANG,
            retry_after: None,
        });
    }

    /// Closes the gateway connection without a close frame (a network drop).
    pub fn drop_connection(&self) {
        if let Some(c) = self.state().connection.take() {
            let _ = c.send(Control::Drop);
        }
    }

    /// While `on`, the gateway cannot be reached (connections close before the handshake), as
    /// in a network outage; with [`FakeDiscord::drop_connection`], the bot stays disconnected.
    pub fn unreachable(&self, on: bool) {
        self.state().unreachable = on;
    }

    /// The next resume is refused, so the bot identifies again (a new session).
    pub fn refuse_next_resume(&self) {
        self.state().refuse_resume = true;
    }

    /// Resumes replay one event the bot already had (Discord may deliver twice).
    pub fn replay_overlap(&self, on: bool) {
        self.state().replay_overlap = on;
    }

    /// Sends a dispatch event (or keeps it for a resume when disconnected).
    pub fn dispatch(&self, t: &str, d: Value) {
        let mut s = self.state();
        s.seq += 1;
        let payload = json!({"op": 0, "t": t, "s": s.seq, "d": d});
        let seq = s.seq;
        s.events.push((seq, payload.clone()));
        if let Some(c) = &s.connection {
            let _ = c.send(Control::Send(payload));
        }
    }

    pub fn user(id: &str, name: &str) -> Value {
        json!({"id": id, "username": name, "discriminator": "0", "global_name": name,
               "avatar": null, "bot": false})
    }

    fn bot_user() -> Value {
        json!({"id": BOT_USER_ID, "username": "labcircle", "discriminator": "0",
               "global_name": null, "avatar": null, "bot": true, "verified": true,
               "mfa_enabled": false, "flags": 0})
    }

    /// A member of the test guild with these permissions (a bit set, as Discord sends it).
    pub fn member(user: &Value, permissions: u64) -> Value {
        json!({"user": user, "roles": [], "joined_at": "2024-01-01T00:00:00+00:00",
               "deaf": false, "mute": false, "flags": 0, "nick": null,
               "permissions": permissions.to_string()})
    }

    /// A slash command in the guild. `path` is the command and subcommand (`["meetup",
    /// "create"]`), `options` the leaf's options. Returns the interaction id.
    pub fn slash(&self, user: &Value, permissions: u64, path: &[&str], options: Value) -> String {
        self.slash_in(Some(GUILD_ID), user, permissions, path, options)
    }

    /// A slash command in a server (`Some(guild)`, from a channel of it) or in a DM with the
    /// bot (`None`). Returns the interaction id.
    pub fn slash_in(
        &self,
        guild: Option<&str>,
        user: &Value,
        permissions: u64,
        path: &[&str],
        options: Value,
    ) -> String {
        let id = self.new_id();
        let mut opts = options;
        for sub in path[1..].iter().rev() {
            opts = json!([{"name": sub, "type": 1, "options": opts}]);
        }
        let data = json!({"id": self.new_id(), "name": path[0], "type": 1, "options": opts});
        let mut d = json!({
            "id": id, "application_id": APPLICATION_ID, "type": 2, "data": data,
            "token": format!("token-{id}"), "version": 1, "locale": "en-US",
            "app_permissions": "0", "entitlements": [],
            "attachment_size_limit": 8_388_608, "authorizing_integration_owners": {}
        });
        match guild {
            Some(guild) => {
                d["guild_id"] = json!(guild);
                d["channel_id"] = json!(Self::channel_of(guild));
                d["member"] = Self::member(user, permissions);
                d["guild_locale"] = json!("en-US");
                d["context"] = json!(0);
            }
            None => {
                d["channel_id"] = json!(DM_CHANNEL_ID);
                d["user"] = user.clone();
                d["context"] = json!(1);
            }
        }
        self.dispatch("INTERACTION_CREATE", d);
        id
    }

    /// The channel interactions in a server come from.
    fn channel_of(guild: &str) -> &'static str {
        if guild == GUILD_ID {
            CHANNEL_ID
        } else {
            OTHER_CHANNEL_ID
        }
    }

    /// Typing into an option with suggestions (an autocomplete interaction). Returns its id.
    pub fn typing(&self, user: &Value, command: &str, option: &str, partial: &str) -> String {
        self.typing_in(GUILD_ID, user, command, option, partial)
    }

    /// Typing into an option with suggestions in a server. Returns its id.
    pub fn typing_in(
        &self,
        guild: &str,
        user: &Value,
        command: &str,
        option: &str,
        partial: &str,
    ) -> String {
        let id = self.new_id();
        self.dispatch(
            "INTERACTION_CREATE",
            json!({
                "id": id, "application_id": APPLICATION_ID, "type": 4,
                "data": {"id": self.new_id(), "name": command, "type": 1, "options": [
                    {"name": option, "type": 3, "value": partial, "focused": true}]},
                "guild_id": guild, "channel_id": Self::channel_of(guild),
                "member": Self::member(user, 0),
                "token": format!("token-{id}"), "version": 1, "locale": "en-US",
                "app_permissions": "0", "entitlements": [], "attachment_size_limit": 8_388_608,
                "context": 0, "authorizing_integration_owners": {}
            }),
        );
        id
    }

    /// A button press on a message the bot sent by DM. Returns the interaction id.
    pub fn press(&self, user: &Value, channel: &str, message: &str, custom_id: &str) -> String {
        let id = self.new_id();
        self.dispatch(
            "INTERACTION_CREATE",
            json!({
                "id": id, "application_id": APPLICATION_ID, "type": 3,
                "data": {"custom_id": custom_id, "component_type": 2},
                "channel_id": channel, "user": user,
                "message": message_json(message, channel, &json!([])),
                "token": format!("token-{id}"), "version": 1, "locale": "en-US",
                "app_permissions": "0", "entitlements": [], "attachment_size_limit": 8_388_608,
                "context": 1, "authorizing_integration_owners": {}
            }),
        );
        id
    }

    /// A button press on a message in a server's channel, by a member with these permissions.
    /// Returns the interaction id.
    pub fn press_in(
        &self,
        guild: &str,
        user: &Value,
        permissions: u64,
        message: &str,
        custom_id: &str,
    ) -> String {
        let id = self.new_id();
        let channel = Self::channel_of(guild);
        self.dispatch(
            "INTERACTION_CREATE",
            json!({
                "id": id, "application_id": APPLICATION_ID, "type": 3,
                "data": {"custom_id": custom_id, "component_type": 2},
                "guild_id": guild, "channel_id": channel,
                "member": Self::member(user, permissions),
                "message": message_json(message, channel, &json!([])),
                "token": format!("token-{id}"), "version": 1, "locale": "en-US",
                "app_permissions": "0", "entitlements": [], "attachment_size_limit": 8_388_608,
                "context": 0, "authorizing_integration_owners": {}
            }),
        );
        id
    }

    /// A filled-in form (modal) submitted by DM. Returns the interaction id.
    pub fn submit(
        &self,
        user: &Value,
        channel: &str,
        custom_id: &str,
        fields: &[(&str, &str)],
    ) -> String {
        let id = self.new_id();
        let rows: Vec<Value> = fields
            .iter()
            .map(|(k, v)| json!({"type": 1, "components": [{"type": 4, "custom_id": k, "value": v}]}))
            .collect();
        self.dispatch(
            "INTERACTION_CREATE",
            json!({
                "id": id, "application_id": APPLICATION_ID, "type": 5,
                "data": {"custom_id": custom_id, "components": rows},
                "channel_id": channel, "user": user,
                "token": format!("token-{id}"), "version": 1, "locale": "en-US",
                "app_permissions": "0", "entitlements": [], "attachment_size_limit": 8_388_608,
                "context": 1, "authorizing_integration_owners": {}
            }),
        );
        id
    }

    /// A member writes `text` in their DM with the bot (MESSAGE_CREATE; a DM's text comes
    /// without the message content intent). Returns the DM channel, where answers go.
    pub fn dm(&self, user: &Value, text: &str) -> String {
        let channel = self.dm_channel(user["id"].as_str().unwrap());
        self.write(None, &channel, user, text);
        channel
    }

    /// A message in a group DM, or (`Some(guild)`) in a channel of a server.
    pub fn write_in(&self, guild: Option<&str>, user: &Value, text: &str) {
        let channel = guild.map_or(GROUP_DM_ID, Self::channel_of);
        self.write(guild, channel, user, text);
    }

    fn write(&self, guild: Option<&str>, channel: &str, user: &Value, text: &str) {
        let mut d = message_json(&self.new_id(), channel, &json!([]));
        d["author"] = user.clone();
        d["content"] = json!(text);
        if let Some(guild) = guild {
            d["guild_id"] = json!(guild);
        }
        self.dispatch("MESSAGE_CREATE", d);
    }

    /// The DM channel between `user` and the bot (made on first use).
    /// The DM channel the bot opened with `user`, if it opened one.
    pub fn dm_channel_of(&self, user: &str) -> Option<String> {
        self.state().dm_channels.get(user).cloned()
    }

    fn dm_channel(&self, user: &str) -> String {
        if let Some(c) = self.state().dm_channels.get(user) {
            return c.clone();
        }
        let c = self.new_id();
        self.state().dm_channels.insert(user.to_owned(), c.clone());
        c
    }

    fn dm_json(channel: &str, user: &str) -> Value {
        json!({"id": channel, "type": 1, "last_message_id": null,
               "recipients": [Self::user(user, "member")]})
    }

    /// A member reacts (or takes a reaction back) in the guild: kept, and sent to the bot when
    /// `tell` (as the gateway does while connected).
    pub fn react(&self, user: &Value, channel: &str, message: &str, emoji: &str, added: bool) {
        self.react_in(GUILD_ID, user, channel, message, emoji, added);
    }

    /// A reaction as `react`, with the event saying it came from `guild`.
    pub fn react_in(
        &self,
        guild: &str,
        user: &Value,
        channel: &str,
        message: &str,
        emoji: &str,
        added: bool,
    ) {
        let uid = user["id"].as_str().unwrap().to_owned();
        {
            let mut s = self.state();
            s.users.insert(uid.clone(), user.clone());
            let list = s
                .reactions
                .entry((message.to_owned(), emoji.to_owned()))
                .or_default();
            list.retain(|u| *u != uid);
            if added {
                list.push(uid.clone());
            }
        }
        let mut d = json!({"user_id": uid, "channel_id": channel, "message_id": message,
                           "guild_id": guild, "emoji": {"id": null, "name": emoji},
                           "burst": false, "type": 0});
        if added {
            d["member"] = Self::member(user, 0);
        }
        self.dispatch(
            if added {
                "MESSAGE_REACTION_ADD"
            } else {
                "MESSAGE_REACTION_REMOVE"
            },
            d,
        );
    }

    /// A reaction made while the bot cannot hear it (kept, never sent as an event).
    pub fn react_silently(&self, user: &Value, message: &str, emoji: &str) {
        let uid = user["id"].as_str().unwrap().to_owned();
        let mut s = self.state();
        s.users.insert(uid.clone(), user.clone());
        s.reactions
            .entry((message.to_owned(), emoji.to_owned()))
            .or_default()
            .push(uid);
    }

    // ---------------------------------------------------------------- REST

    async fn serve_http(&self, stream: TcpStream) {
        let mut stream = BufReader::new(stream);
        loop {
            let mut head = String::new();
            loop {
                let mut line = String::new();
                match stream.read_line(&mut line).await {
                    Ok(0) | Err(_) => return,
                    Ok(_) => {}
                }
                if line == "\r\n" || line == "\n" {
                    break;
                }
                head.push_str(&line);
            }
            let mut lines = head.lines();
            let request_line = lines.next().unwrap_or_default().to_owned();
            let mut parts = request_line.split_whitespace();
            let method = parts.next().unwrap_or_default().to_owned();
            let target = parts.next().unwrap_or_default().to_owned();
            let mut headers = HashMap::new();
            for l in lines {
                if let Some((k, v)) = l.split_once(':') {
                    headers.insert(k.trim().to_ascii_lowercase(), v.trim().to_owned());
                }
            }
            let mut body = Vec::new();
            if headers
                .get("transfer-encoding")
                .is_some_and(|t| t.contains("chunked"))
            {
                loop {
                    let mut size = String::new();
                    if stream.read_line(&mut size).await.unwrap_or(0) == 0 {
                        return;
                    }
                    let n = usize::from_str_radix(size.trim(), 16).unwrap_or(0);
                    let mut chunk = vec![0; n + 2];
                    if stream.read_exact(&mut chunk).await.is_err() {
                        return;
                    }
                    chunk.truncate(n);
                    body.extend(chunk);
                    if n == 0 {
                        break;
                    }
                }
            } else if let Some(n) = headers.get("content-length").and_then(|n| n.parse().ok()) {
                body = vec![0; n];
                if stream.read_exact(&mut body).await.is_err() {
                    return;
                }
            }
            let (path, query) = match target.split_once('?') {
                Some((p, q)) => (percent_decode(p), q.to_owned()),
                None => (percent_decode(&target), String::new()),
            };
            let content_type = headers.get("content-type").cloned().unwrap_or_default();
            let (json_body, attachments) = parse_body(&content_type, &body);
            let files = attachments
                .iter()
                .map(|(name, bytes)| (name.clone(), String::from_utf8_lossy(bytes).into_owned()))
                .collect();
            let mut call = Call {
                method: method.clone(),
                path: path.clone(),
                query,
                body: json_body,
                files,
                attachments,
                at: Instant::now(),
                created: None,
            };
            let (status, extra_headers, response) = self.respond(&call);
            if status == HANG {
                self.state().calls.push(call.clone());
                std::future::pending::<()>().await;
            }
            if call.method == "POST" && status == 200 {
                call.created = response
                    .as_ref()
                    .and_then(|r| r["id"].as_str())
                    .map(str::to_owned);
            }
            self.state().calls.push(call);
            let body = response.map(|v| v.to_string()).unwrap_or_default();
            let reason = match status {
                200 => "OK",
                204 => "No Content",
                404 => "Not Found",
                429 => "Too Many Requests",
                _ => "Status",
            };
            let mut out = format!(
                "HTTP/1.1 {status} {reason}\r\ncontent-type: application/json\r\ncontent-length: {}\r\n",
                body.len()
            );
            for (k, v) in extra_headers {
                out.push_str(&format!("{k}: {v}\r\n"));
            }
            out.push_str("\r\n");
            out.push_str(&body);
            if stream.get_mut().write_all(out.as_bytes()).await.is_err() {
                return;
            }
        }
    }

    fn respond(&self, call: &Call) -> (u16, Vec<(String, String)>, Option<Value>) {
        {
            let mut s = self.state();
            if let Some(i) = s
                .failures
                .iter()
                .position(|f| f.method == call.method && call.path.contains(&f.path_contains))
            {
                let f = s.failures.remove(i);
                return match f.retry_after {
                    Some(after) => (
                        429,
                        vec![
                            ("retry-after".into(), format!("{after}")),
                            ("x-ratelimit-scope".into(), "user".into()),
                        ],
                        Some(json!({"message": "You are being rate limited.",
                                    "retry_after": after, "global": false})),
                    ),
                    None => (
                        f.status,
                        vec![],
                        Some(
                            json!({"code": 50007, "message": "Cannot send messages to this user"}),
                        ),
                    ),
                };
            }
        }
        let segments: Vec<&str> = call
            .path
            .trim_start_matches("/api/v10/")
            .split('/')
            .collect();
        let ok = |v: Value| (200, vec![], Some(v));
        let no_content = (204, vec![], None);
        match (call.method.as_str(), segments.as_slice()) {
            ("GET", ["gateway"]) => ok(json!({"url": self.gateway_url})),
            ("GET", ["gateway", "bot"]) => ok(json!({
                "url": self.gateway_url, "shards": 1,
                "session_start_limit": {"total": 1000, "remaining": 1000,
                                        "reset_after": 0, "max_concurrency": 1}
            })),
            ("PUT", ["applications", _, "commands"])
            | ("PUT", ["applications", _, "guilds", _, "commands"]) => ok(json!([])),
            ("POST", ["interactions", _, _, "callback"]) => no_content,
            ("PATCH", ["webhooks", _, _, "messages", _]) | ("POST", ["webhooks", _, _]) => {
                let id = self.new_id();
                ok(message_json(&id, CHANNEL_ID, &json!([])))
            }
            ("POST", ["users", "@me", "channels"]) => {
                let user = call.body["recipient_id"].as_str().unwrap_or("0");
                ok(Self::dm_json(&self.dm_channel(user), user))
            }
            ("GET", ["channels", channel]) => {
                let recipient = (self.state().dm_channels.iter())
                    .find(|(_, c)| c.as_str() == *channel)
                    .map(|(user, _)| user.clone());
                match recipient {
                    Some(user) => ok(Self::dm_json(channel, &user)),
                    None if *channel == GROUP_DM_ID => ok(json!({"id": GROUP_DM_ID, "type": 3,
                        "last_message_id": null, "owner_id": "1", "name": null, "icon": null,
                        "recipients": [Self::user("1", "one"), Self::user("2", "two")]})),
                    None => (
                        404,
                        vec![],
                        Some(json!({"code": 10003, "message": "Unknown Channel"})),
                    ),
                }
            }
            ("POST", ["channels", channel, "messages"]) => {
                let id = self.new_id();
                self.state()
                    .messages
                    .insert(id.clone(), (*channel).to_owned());
                ok(message_json(&id, channel, &json!([])))
            }
            ("PATCH", ["channels", channel, "messages", message]) => {
                ok(message_json(message, channel, &json!([])))
            }
            (
                "PUT",
                [
                    "channels",
                    _,
                    "messages",
                    message,
                    "reactions",
                    emoji,
                    "@me",
                ],
            ) => {
                self.state()
                    .reactions
                    .entry(((*message).to_owned(), (*emoji).to_owned()))
                    .or_default()
                    .push(BOT_USER_ID.to_owned());
                no_content
            }
            ("GET", ["channels", _, "messages", message, "reactions", emoji]) => {
                let s = self.state();
                let users: Vec<Value> = s
                    .reactions
                    .get(&((*message).to_owned(), (*emoji).to_owned()))
                    .into_iter()
                    .flatten()
                    .map(|u| {
                        if u == BOT_USER_ID {
                            Self::bot_user()
                        } else {
                            s.users
                                .get(u)
                                .cloned()
                                .unwrap_or_else(|| Self::user(u, "member"))
                        }
                    })
                    .collect();
                ok(Value::Array(users))
            }
            _ => (
                404,
                vec![],
                Some(json!({"code": 0, "message": "404: Not Found (fake Discord)"})),
            ),
        }
    }

    // ---------------------------------------------------------------- gateway

    async fn serve_gateway(&self, stream: TcpStream) {
        if self.state().unreachable {
            return;
        }
        let Ok(mut ws) = tokio_tungstenite::accept_async(stream).await else {
            return;
        };
        let (tx, mut rx) = mpsc::unbounded_channel();
        let hello = json!({"op": 10, "d": {"heartbeat_interval": 41250}});
        if ws.send(WsMessage::Text(hello.to_string())).await.is_err() {
            return;
        }
        loop {
            tokio::select! {
                control = rx.recv() => match control {
                    Some(Control::Send(v)) => {
                        if ws.send(WsMessage::Text(v.to_string())).await.is_err() {
                            break;
                        }
                    }
                    Some(Control::Drop) | None => break,
                },
                msg = ws.next() => {
                    let Some(Ok(msg)) = msg else { break };
                    let WsMessage::Text(text) = msg else { continue };
                    let Ok(v) = serde_json::from_str::<Value>(&text) else { continue };
                    match v["op"].as_u64() {
                        Some(1) => {
                            let _ = ws.send(WsMessage::Text(json!({"op": 11}).to_string())).await;
                        }
                        Some(2) => self.identify(&tx),
                        Some(6) => {
                            let seq = v["d"]["seq"].as_u64().unwrap_or(0);
                            let session = v["d"]["session_id"].as_str().unwrap_or("").to_owned();
                            self.resume(&tx, &session, seq);
                        }
                        _ => {}
                    }
                }
            }
        }
        // Dropped without a close frame, as a network failure would.
        let mut s = self.state();
        if s.connection.as_ref().is_some_and(|c| c.same_channel(&tx)) {
            s.connection = None;
        }
    }

    fn identify(&self, tx: &mpsc::UnboundedSender<Control>) {
        let ready = {
            let mut s = self.state();
            s.identifies += 1;
            s.session += 1;
            s.seq = 1;
            s.events.clear();
            s.connection = Some(tx.clone());
            json!({"op": 0, "t": "READY", "s": 1, "d": {
                "v": 10, "user": Self::bot_user(), "guilds": [],
                "session_id": format!("session-{}", s.session),
                "resume_gateway_url": self.gateway_url,
                "application": {"id": APPLICATION_ID, "flags": 0}
            }})
        };
        let _ = tx.send(Control::Send(ready));
    }

    fn resume(&self, tx: &mpsc::UnboundedSender<Control>, session: &str, seq: u64) {
        let mut s = self.state();
        if s.refuse_resume || session != format!("session-{}", s.session) {
            s.refuse_resume = false;
            let _ = tx.send(Control::Send(json!({"op": 9, "d": false})));
            return;
        }
        s.resumes += 1;
        let from = if s.replay_overlap { seq } else { seq + 1 };
        for (n, event) in &s.events {
            if *n >= from {
                let _ = tx.send(Control::Send(event.clone()));
            }
        }
        s.seq += 1;
        let resumed = json!({"op": 0, "t": "RESUMED", "s": s.seq, "d": {}});
        let n = s.seq;
        s.events.push((n, resumed.clone()));
        let _ = tx.send(Control::Send(resumed));
        s.connection = Some(tx.clone());
    }
}

/// A message as Discord returns it.
pub fn message_json(id: &str, channel: &str, embeds: &Value) -> Value {
    json!({
        "id": id, "channel_id": channel, "author": FakeDiscord::bot_user(), "content": "",
        "timestamp": "2026-12-01T12:00:00+00:00", "edited_timestamp": null, "tts": false,
        "mention_everyone": false, "mentions": [], "mention_roles": [], "attachments": [],
        "embeds": embeds, "pinned": false, "type": 0, "flags": 0, "components": []
    })
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let Ok(b) = u8::from_str_radix(
                std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap_or("zz"),
                16,
            )
        {
            out.push(b);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The JSON body, and files (byte for byte) for multipart requests.
fn parse_body(content_type: &str, body: &[u8]) -> (Value, Vec<(String, Vec<u8>)>) {
    if let Some(boundary) = content_type
        .split(';')
        .find_map(|p| p.trim().strip_prefix("boundary="))
    {
        let delimiter = format!("--{}", boundary.trim_matches('"'));
        let mut json_body = Value::Null;
        let mut files = Vec::new();
        for part in split_bytes(body, delimiter.as_bytes()) {
            let Some(at) = find_bytes(part, b"\r\n\r\n") else {
                continue;
            };
            let head = String::from_utf8_lossy(&part[..at]);
            let content = &part[at + 4..];
            let content = content.strip_suffix(b"\r\n").unwrap_or(content);
            let name = head
                .split("name=\"")
                .nth(1)
                .and_then(|r| r.split('"').next())
                .unwrap_or("");
            if name == "payload_json" {
                json_body = serde_json::from_slice(content).unwrap_or(Value::Null);
            } else if let Some(file) = head
                .split("filename=\"")
                .nth(1)
                .and_then(|r| r.split('"').next())
            {
                files.push((file.to_owned(), content.to_vec()));
            }
        }
        return (json_body, files);
    }
    if body.is_empty() {
        return (Value::Null, Vec::new());
    }
    (
        serde_json::from_slice(body)
            .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(body).into_owned())),
        Vec::new(),
    )
}

/// Where `needle` first occurs in `hay`.
fn find_bytes(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// `hay` cut at every `needle` (binary parts of a multipart body stay as they were).
fn split_bytes<'a>(mut hay: &'a [u8], needle: &[u8]) -> Vec<&'a [u8]> {
    let mut parts = Vec::new();
    while let Some(at) = find_bytes(hay, needle) {
        parts.push(&hay[..at]);
        hay = &hay[at + needle.len()..];
    }
    parts.push(hay);
    parts
}
