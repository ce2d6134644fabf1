//! The Discord adapter: slash commands, buttons, reactions and DMs to the bot in, embeds and
//! DMs out.
//!
//! * Slash commands are generated from the one command table ([`command::all`]) as poise
//!   commands (`/group add`, `/checkin answer`, …). An invocation's resolved options reach the
//!   bot as a [`command::Invocation`], checked as a typed line would be, so Discord and the
//!   console behave alike, refusals included, and a member's quotes and colons stay text.
//! * Which servers: those in the config (`discord.guilds` and the guilds of
//!   `[[discord.communities]]`). Commands are registered in each of them, and globally only
//!   those that work in a DM with the bot. An interaction from any other server is answered
//!   once, privately, "this server is not set up for labcircle", and nothing runs; its
//!   reactions are ignored. With `discord.allow_any_guild` the commands are global and any
//!   server is served, but a server not in the config gives member rights only (see
//!   [`Served`]). DMs with the bot are served either way.
//! * Who may do what comes from Discord, in a server in the config: Manage Server (or
//!   Administrator) makes an admin, Manage Events an organizer; `discord.admin_roles` and
//!   `discord.organizer_roles` add roles.
//! * Replies are embeds. Private replies are ephemeral; the answer to a reaction is a DM. Every
//!   message is sent with mentions disabled, and its text passes through [`neutralize`].
//! * Deliveries from the outbox: check-in prompts and notices by DM (prompts with buttons;
//!   notices include the waitlist, promotions, reactions not counted and suggestion decisions),
//!   meetup announcements in the guild's announcement channel with ✅ 🤔 ❌ added, count
//!   updates as edits. Each new message carries a nonce derived from the idempotency key with
//!   `enforce_nonce`, so a retry cannot post twice.
//! * A message a member writes in their DM with the bot (not in a server, not in a group DM)
//!   is read by the bot as a command or a request in their own words, and answered in that
//!   DM. Discord delivers a DM's text without the privileged message content intent.
//! * RSVPs are reactions. On every (re)connection the reactions on active announcements are
//!   listed and reported to the bot, so RSVPs made while it was away count.
//!
//! Message ids handed to the bot are `CHANNEL_ID/MESSAGE_ID`, so an edit or a reaction finds
//! its channel without asking Discord.
//!
//! The parts: `commands` (slash commands in), `events` (gateway events, buttons, the note
//! form), `render` (replies as embeds), `sink` (messages out: outbox deliveries and DMs).
//!
//! Known limits:
//! * Serenity hands each gateway event to its own task, so two reactions by one member within
//!   milliseconds (add, then remove) can be handled in either order. The next reconnection's
//!   reconciliation puts the roster right.
//! * With `api_base` set (a proxy, the tests' fake Discord), serenity's rate limiter is off (it
//!   would talk to discord.com), and it drops `retry_after` from 429 errors: a 429 is a
//!   transient failure that the outbox retries after its backoff (30 s, 1 min, …), longer than
//!   Discord's retry-after for message routes. Against Discord itself the rate limiter waits
//!   out every 429 before the delivery sees it.
//!
//! [`command::all`]: crate::domain::command::all
//! [`command::Invocation`]: crate::domain::command::Invocation
//! [`neutralize`]: crate::domain::mentions::neutralize

mod commands;
mod events;
mod render;
mod sink;

use anyhow::Context as _;
use poise::serenity_prelude as serenity;
use serenity::{
    CreateAllowedMentions, CreateInteractionResponse, GatewayIntents, GuildId, HttpBuilder,
    InteractionContext, Permissions,
};
use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::Mutex;
use std::sync::PoisonError;
use tokio_util::sync::CancellationToken;
use tracing::{error, info, warn};

use super::STOP_GRACE;
use crate::config::{self, DISCORD_API};
use crate::domain::identity::{CommunityId, Member, Platform, Role, UserId};
use crate::domain::reply::{Outgoing, Reply};
use crate::logging::Redacted;
use crate::runtime::Runtime;

pub use sink::DiscordSink;

type Error = Box<dyn std::error::Error + Send + Sync>;

/// Interaction ids remembered to answer each once (a resumed session may replay events).
const SEEN_INTERACTIONS: usize = 1024;
/// The community of commands and buttons used in DMs.
const DM_COMMUNITY: &str = "dm";
/// DM channels remembered as a member's own chat with the bot; past this many, forgotten and
/// asked of Discord again.
const KNOWN_DMS: usize = 4096;

/// The intents the adapter needs: guilds, reactions (RSVPs, check-in answers) and DMs.
pub fn intents() -> GatewayIntents {
    GatewayIntents::GUILDS
        | GatewayIntents::GUILD_MESSAGE_REACTIONS
        | GatewayIntents::DIRECT_MESSAGES
        | GatewayIntents::DIRECT_MESSAGE_REACTIONS
}

/// The one answer to an interaction from a server that is not in the config.
const NOT_SET_UP: &str = "This server is not set up for labcircle. Its admins can ask the \
                          bot's operator to add it.";

/// How the bot serves an interaction or event, by where it comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Served {
    /// A DM with the bot: commands with member rights (private ones, check-ins, `/mydata`).
    Direct,
    /// A server in the config: roles from its permissions and the configured roles.
    Listed,
    /// Any other server, with `allow_any_guild`. Its admins and organizers count as members:
    /// the operator has vouched for no one there, and it has no announcement channel for
    /// meetups. It never moderates the directory (a moderators' server must be in the config);
    /// moderators named by id keep their power, as everywhere.
    Unlisted,
    /// Any other server without `allow_any_guild`: one "not set up" answer per interaction,
    /// reactions ignored.
    Refused,
}

/// How an interaction or event from `guild` is served under `config`.
fn served(
    config: &config::Discord,
    guild: Option<GuildId>,
    context: Option<InteractionContext>,
) -> Served {
    match guild {
        None if context == Some(InteractionContext::PrivateChannel) => Served::Refused,
        None => Served::Direct,
        Some(g) if config.is_configured(&g.get().to_string()) => Served::Listed,
        Some(_) if config.allow_any_guild => Served::Unlisted,
        Some(_) => Served::Refused,
    }
}

/// The answer to an interaction from a server that is not set up: private, no mentions.
fn not_set_up() -> CreateInteractionResponse {
    let reply = Reply::problem(NOT_SET_UP);
    CreateInteractionResponse::Message(render::render(&reply).response().ephemeral(true))
}

/// What every event handler shares.
pub struct Data {
    runtime: Runtime,
    config: config::Discord,
    seen: Mutex<(HashSet<u64>, VecDeque<u64>)>,
    /// Display names seen in events, for events that carry none (a reaction removed).
    names: Mutex<HashMap<u64, String>>,
    /// DM channels known to be one member's 1:1 chat with the bot (channel → member), so a
    /// message there is not checked with Discord again.
    dms: Mutex<HashMap<u64, u64>>,
}

impl Data {
    /// Whether this interaction is new (and remembers it).
    fn first_time(&self, id: u64) -> bool {
        let mut seen = self.seen.lock().unwrap_or_else(PoisonError::into_inner);
        if !seen.0.insert(id) {
            return false;
        }
        seen.1.push_back(id);
        if seen.1.len() > SEEN_INTERACTIONS
            && let Some(old) = seen.1.pop_front()
        {
            seen.0.remove(&old);
        }
        true
    }

    fn remember_name(&self, user: u64, name: &str) {
        self.names
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(user, name.to_owned());
    }

    fn name_of(&self, user: u64) -> String {
        self.names
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(&user)
            .cloned()
            .unwrap_or_else(|| format!("member {user}"))
    }

    /// The member whose 1:1 chat with the bot `channel` is, if known.
    fn dm_member(&self, channel: u64) -> Option<u64> {
        self.dms
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(&channel)
            .copied()
    }

    fn remember_dm(&self, channel: u64, member: u64) {
        let mut dms = self.dms.lock().unwrap_or_else(PoisonError::into_inner);
        if dms.len() >= KNOWN_DMS {
            dms.clear();
        }
        dms.insert(channel, member);
    }

    /// How an interaction or event from `guild` is served. `context` is the interaction's (a
    /// group DM, where another app's users could reach the bot, is not a DM with the bot).
    fn served(&self, guild: Option<GuildId>, context: Option<InteractionContext>) -> Served {
        served(&self.config, guild, context)
    }

    /// The member's role where they act: in a server in the config, from Discord permissions
    /// and the configured role ids; anywhere else, a member.
    fn role(
        &self,
        served: Served,
        permissions: Option<Permissions>,
        roles: &[serenity::RoleId],
    ) -> Role {
        if served != Served::Listed {
            return Role::Member;
        }
        let has_role = |ids: &[String]| {
            roles
                .iter()
                .any(|r| ids.iter().any(|id| *id == r.get().to_string()))
        };
        let p = permissions.unwrap_or_else(Permissions::empty);
        if p.administrator() || p.manage_guild() || has_role(&self.config.admin_roles) {
            Role::Admin
        } else if p.manage_events() || has_role(&self.config.organizer_roles) {
            Role::Organizer
        } else {
            Role::Member
        }
    }
}

/// Connects to Discord and serves until `shutdown` is cancelled (or the connection fails for
/// good). Prints `discord: ready` on standard output once connected and registered.
pub async fn run(
    runtime: Runtime,
    config: config::Discord,
    shutdown: CancellationToken,
) -> anyhow::Result<()> {
    let token = config.require_token()?.to_owned();
    let application_id: u64 = config
        .application_id
        .parse()
        .context("discord.application_id is not a number")?;
    let api_base = config.api_base.trim_end_matches('/');
    // A server on this machine (a test server, a local proxy) is talked to directly, never
    // through a proxy from the environment.
    let loopback = url::Url::parse(api_base).is_ok_and(|u| {
        matches!(
            u.host_str(),
            Some("127.0.0.1" | "localhost" | "[::1]" | "::1")
        )
    });
    let mut rest = reqwest::Client::builder();
    if loopback {
        rest = rest.no_proxy();
    }
    let rest = rest.build().context("cannot set up an HTTP client")?;
    let mut http = HttpBuilder::new(&token)
        .client(rest.clone())
        .application_id(application_id.into());
    if api_base != DISCORD_API {
        // Serenity's rate limiter always talks to discord.com, so it is off behind a proxy
        // (the proxy limits); the delivery path treats 429 as worth retrying.
        http = http.proxy(api_base).ratelimiter_disabled(true);
    }
    let http = http.build();
    info!("Discord servers: {}", config.servers_summary());
    let data = Data {
        runtime: runtime.clone(),
        config: config.clone(),
        seen: Mutex::new((HashSet::new(), VecDeque::new())),
        names: Mutex::new(HashMap::new()),
        dms: Mutex::new(HashMap::new()),
    };
    let options = poise::FrameworkOptions {
        commands: commands::commands(),
        event_handler: |framework, event| Box::pin(events::on_event(framework, event)),
        on_error: |e| {
            Box::pin(async move {
                warn!(error = %Redacted(&e), "Discord framework error");
            })
        },
        initialize_owners: false,
        allowed_mentions: Some(CreateAllowedMentions::new()),
        // No prefix commands: a DM is read by `events` alone. Read as a prefix command,
        // "@labcircle I need help" would be an unknown command, logged with its words.
        prefix_options: poise::PrefixFrameworkOptions {
            mention_as_prefix: false,
            ..Default::default()
        },
        ..Default::default()
    };
    let framework = poise::Framework::builder()
        .options(options)
        .initialize_owners(false)
        .setup(move |ctx, _ready, _framework| {
            Box::pin(async move {
                let registered = commands::register(ctx, &data.config).await;
                match registered {
                    Ok(()) => info!("Discord slash commands registered"),
                    Err(e) => {
                        error!(error = %Redacted(&e), "registering the slash commands failed")
                    }
                }
                println!("discord: ready");
                Ok(data)
            })
        })
        .build();
    // Setting up asks Discord for the gateway's address: a stop while it waits is a stop.
    let client = serenity::ClientBuilder::new_with_http(http, intents()).framework(framework);
    let mut client = tokio::select! {
        client = client => client.context("cannot set up the Discord client")?,
        () = shutdown.cancelled() => return Ok(()),
    };

    let mut sink = DiscordSink::new(client.http.clone(), runtime.clone(), rest, config);
    // Deliveries left from before the start go first: a post sent but not recorded when the
    // process stopped is sent again (Discord answers the repeated nonce with the first
    // message), so the reconciliation at Ready knows every announcement.
    let flushed = tokio::select! {
        flushed = runtime.flush(Platform::Discord, &mut sink) => flushed,
        () = shutdown.cancelled() => return Ok(()),
    };
    if let Err(e) = flushed {
        warn!(error = %Redacted(&e), "could not send the Discord deliveries left from before the start");
    }
    let dispatcher = {
        let runtime = runtime.clone();
        let shutdown = shutdown.clone();
        tokio::spawn(async move {
            runtime
                .deliver_loop(Platform::Discord, &mut sink, shutdown)
                .await;
        })
    };
    let shards = client.shard_manager.clone();
    tokio::spawn(watch_connection(
        shards.clone(),
        runtime.health().clone(),
        shutdown.clone(),
    ));
    let start = client.start_autosharded();
    tokio::pin!(start);
    let result = tokio::select! {
        result = &mut start => result,
        () = shutdown.cancelled() => {
            // Still connecting (asking for the gateway, identifying) against an API that does
            // not answer, `start` would wait for it for minutes: it is given up after a grace.
            let stopped = async {
                shards.shutdown_all().await;
                start.await
            };
            if let Ok(result) = tokio::time::timeout(STOP_GRACE, stopped).await {
                result
            } else {
                warn!("Discord was still connecting at shutdown; given up");
                Ok(())
            }
        }
    };
    // Let a delivery in flight finish and be marked sent, rather than cut it off between
    // Discord's answer and the outbox's record of it.
    if tokio::time::timeout(STOP_GRACE, dispatcher).await.is_err() {
        warn!("a Discord delivery was still running at shutdown; it will be retried");
    }
    result.context("the Discord connection ended")
}

/// Reports the connection as the shard manager sees it, every second, until `stop`: a shard
/// that lost its connection and cannot make one again is dropped by serenity without an event
/// the handler would see (Ready, Resumed and stage updates report the rest at once).
async fn watch_connection(
    shards: std::sync::Arc<serenity::ShardManager>,
    health: std::sync::Arc<crate::ops::Health>,
    stop: CancellationToken,
) {
    loop {
        let connected = (shards.runners.lock().await.values())
            .any(|r| r.stage == serenity::ConnectionStage::Connected);
        if connected {
            health.up("discord");
        } else {
            health.down("discord");
        }
        tokio::select! {
            () = stop.cancelled() => return,
            () = tokio::time::sleep(std::time::Duration::from_secs(1)) => {}
        }
    }
}

/// The name a member shows in the guild: nickname, then global name, then user name.
fn display_name(user: &serenity::User, member: Option<&serenity::Member>) -> String {
    member
        .and_then(|m| m.nick.clone())
        .or_else(|| user.global_name.clone())
        .unwrap_or_else(|| user.name.clone())
}

/// The member behind an interaction (their name remembered for events that carry none).
fn member_of(data: &Data, user: &serenity::User, member: Option<&serenity::Member>) -> Member {
    let name = display_name(user, member);
    data.remember_name(user.id.get(), &name);
    Member {
        user: UserId::new(Platform::Discord, user.id.get().to_string()),
        display_name: name,
    }
}

/// The guild an interaction came from, or the DM community.
fn community(guild: Option<GuildId>) -> CommunityId {
    CommunityId {
        platform: Platform::Discord,
        id: guild.map_or_else(|| DM_COMMUNITY.to_owned(), |g| g.get().to_string()),
    }
}

/// The bot's answer to an interaction. (Messages to other members are not in it: the bot queues
/// them in the outbox, which the dispatcher sends once poked.)
fn replies(outgoing: Vec<Outgoing>) -> Vec<Reply> {
    outgoing
        .into_iter()
        .map(|out| match out {
            Outgoing::Reply(reply) => reply,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn discord(extra: &str) -> config::Discord {
        config::Config::from_toml(&format!(
            "[discord]\napplication_id = \"1\"\nguilds = [\"2\"]\n{extra}\n\
             [[discord.communities]]\nguild = \"4\"\nannouncements = \"5\"\n"
        ))
        .unwrap()
        .discord
        .unwrap()
    }

    #[test]
    fn servers_in_the_config_are_served_others_are_refused_unless_any_is_allowed() {
        let listed = discord("");
        let guild = |g| Some(GuildId::new(g));
        assert_eq!(served(&listed, None, None), Served::Direct);
        assert_eq!(
            served(&listed, None, Some(InteractionContext::BotDm)),
            Served::Direct
        );
        // A group DM reached through someone's own install is not a DM with the bot.
        assert_eq!(
            served(&listed, None, Some(InteractionContext::PrivateChannel)),
            Served::Refused
        );
        assert_eq!(served(&listed, guild(2), None), Served::Listed);
        assert_eq!(served(&listed, guild(4), None), Served::Listed);
        assert_eq!(served(&listed, guild(3), None), Served::Refused);
        let any = discord("allow_any_guild = true");
        assert_eq!(served(&any, guild(3), None), Served::Unlisted);
        assert_eq!(served(&any, guild(4), None), Served::Listed);
    }
}
