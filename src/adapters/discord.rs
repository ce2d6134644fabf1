//! The Discord adapter: slash commands, buttons and reactions in, embeds and DMs out.
//!
//! * Slash commands are generated from the one command table ([`COMMANDS`]) as poise commands
//!   (`/group add`, `/checkin answer`, …). An invocation is turned back into the command line the
//!   bot parses (`/findgroup specialty:"histotechnology" state:"OH"`), so Discord and the console
//!   behave alike, refusals included.
//! * Who may do what comes from Discord: Manage Server (or Administrator) makes an admin,
//!   Manage Events an organizer; `discord.admin_roles` and `discord.organizer_roles` add roles.
//! * Replies are embeds. Private replies are ephemeral; [`Outgoing::Direct`] is a DM. Every
//!   message is sent with mentions disabled, and its text passes through [`neutralize`].
//! * Deliveries from the outbox: check-in prompts and notices by DM (prompts with buttons),
//!   meetup announcements in the guild's announcement channel with ✅ 🤔 ❌ added, count
//!   updates as edits. Each new message carries a nonce derived from the idempotency key with
//!   `enforce_nonce`, so a retry cannot post twice.
//! * RSVPs are reactions. On every (re)connection the reactions on active announcements are
//!   listed and reported to the bot, so RSVPs made while it was away count.
//!
//! Message ids handed to the bot are `CHANNEL_ID/MESSAGE_ID`, so an edit or a reaction finds
//! its channel without asking Discord.
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

use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::Context as _;
use poise::serenity_prelude as serenity;
use serenity::{
    ButtonStyle, ChannelId, CommandInteraction, CommandOptionType, ComponentInteraction,
    CreateActionRow, CreateAllowedMentions, CreateAttachment, CreateAutocompleteResponse,
    CreateButton, CreateEmbed, CreateEmbedFooter, CreateInteractionResponse,
    CreateInteractionResponseFollowup, CreateInteractionResponseMessage, CreateMessage,
    EditInteractionResponse, EditMessage, FullEvent, GatewayIntents, GuildId, Http, HttpBuilder,
    MessageId, Nonce, Permissions, ReactionType, ResolvedOption, ResolvedValue,
};
use tokio::sync::watch;
use tracing::{debug, error, info, warn};

use crate::bot::Incoming;
use crate::config::{self, DISCORD_API};
use crate::domain::command::{CommandSpec, OptKind};
use crate::domain::identity::{Actor, CommunityId, Member, Platform, Role, UserId};
use crate::domain::meetup::RSVP_EMOJI;
use crate::domain::mentions::neutralize;
use crate::domain::reply::{Block, Choice, Outgoing, Reply, Tone, Visibility, WHEN_FIELD};
use crate::domain::vocab::{Cost, Format, Kind, Specialty, State, Vocab};
use crate::runtime::Runtime;
use crate::scheduler::{Deliver, Delivery, DeliveryError, Target};

type Error = Box<dyn std::error::Error + Send + Sync>;
type Ctx<'a> = poise::ApplicationContext<'a, Data, Error>;
type FrameworkContext<'a> = poise::FrameworkContext<'a, Data, Error>;

/// Embed colour of ordinary replies (teal) and of refusals and problems (red).
const INFO_COLOUR: u32 = 0x2A_9D_8F;
const PROBLEM_COLOUR: u32 = 0xC0_39_2B;
/// Longer than this, an interaction is deferred (Discord wants an answer within 3 s).
const DEFER_AFTER: Duration = Duration::from_millis(2000);
/// Interaction ids remembered to answer each once (a resumed session may replay events).
const SEEN_INTERACTIONS: usize = 1024;
/// Button ids: a reaction or a command.
const BUTTON_REACTION: &str = "lc:r:";
const BUTTON_COMMAND: &str = "lc:c:";
/// "Add stress or a note" under an answered check-in (`lc:n:MOOD`), and its form (`lc:m:MOOD`).
const BUTTON_NOTE: &str = "lc:n:";
const NOTE_FORM: &str = "lc:m:";
/// The community of commands and buttons used in DMs.
const DM_COMMUNITY: &str = "dm";

/// The intents the adapter needs: guilds, reactions (RSVPs, check-in answers) and DMs.
pub fn intents() -> GatewayIntents {
    GatewayIntents::GUILDS
        | GatewayIntents::GUILD_MESSAGE_REACTIONS
        | GatewayIntents::DIRECT_MESSAGES
        | GatewayIntents::DIRECT_MESSAGE_REACTIONS
}

/// What every event handler shares.
pub struct Data {
    runtime: Runtime,
    config: config::Discord,
    seen: Mutex<(HashSet<u64>, VecDeque<u64>)>,
    /// Display names seen in events, for events that carry none (a reaction removed).
    names: Mutex<HashMap<u64, String>>,
}

impl Data {
    /// Whether this interaction is new (and remembers it).
    fn first_time(&self, id: u64) -> bool {
        let mut seen = self.seen.lock().expect("never poisoned");
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
            .expect("never poisoned")
            .insert(user, name.to_owned());
    }

    fn name_of(&self, user: u64) -> String {
        self.names
            .lock()
            .expect("never poisoned")
            .get(&user)
            .cloned()
            .unwrap_or_else(|| format!("member {user}"))
    }

    /// The member's role: from Discord permissions, and from the configured role ids.
    fn role(&self, permissions: Option<Permissions>, roles: &[serenity::RoleId]) -> Role {
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

/// Connects to Discord and serves until `shutdown` turns true (or the connection fails for
/// good). Prints `discord: ready` on standard output once connected and registered.
pub async fn run(
    runtime: Runtime,
    config: config::Discord,
    shutdown: watch::Receiver<bool>,
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
    let guilds: Vec<GuildId> = config
        .guilds
        .iter()
        .filter_map(|g| g.parse::<u64>().ok().map(GuildId::new))
        .collect();
    let data = Data {
        runtime: runtime.clone(),
        config: config.clone(),
        seen: Mutex::new((HashSet::new(), VecDeque::new())),
        names: Mutex::new(HashMap::new()),
    };
    let options = poise::FrameworkOptions {
        commands: commands(),
        event_handler: |framework, event| Box::pin(on_event(framework, event)),
        on_error: |e| {
            Box::pin(async move {
                warn!(error = %e, "Discord framework error");
            })
        },
        initialize_owners: false,
        allowed_mentions: Some(CreateAllowedMentions::new()),
        ..Default::default()
    };
    let framework = poise::Framework::builder()
        .options(options)
        .initialize_owners(false)
        .setup(move |ctx, _ready, framework| {
            Box::pin(async move {
                let commands = &framework.options().commands;
                let registered = if guilds.is_empty() {
                    poise::builtins::register_globally(ctx, commands).await
                } else {
                    let mut result = Ok(());
                    for guild in &guilds {
                        result = result
                            .and(poise::builtins::register_in_guild(ctx, commands, *guild).await);
                    }
                    result
                };
                match registered {
                    Ok(()) => info!("Discord slash commands registered"),
                    Err(e) => error!(error = %e, "registering the slash commands failed"),
                }
                println!("discord: ready");
                Ok(data)
            })
        })
        .build();
    let mut client = serenity::ClientBuilder::new_with_http(http, intents())
        .framework(framework)
        .await
        .context("cannot set up the Discord client")?;

    let mut sink = DiscordSink {
        http: client.http.clone(),
        runtime: runtime.clone(),
        rest,
        config,
        dm_channels: HashMap::new(),
    };
    // Deliveries left from before the start go first: a post sent but not recorded when the
    // process stopped is sent again (Discord answers the repeated nonce with the first
    // message), so the reconciliation at Ready knows every announcement.
    if let Err(e) = runtime.flush(Platform::Discord, &mut sink).await {
        warn!(error = %e, "could not send the Discord deliveries left from before the start");
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
    let mut stop = shutdown.clone();
    let stopper = tokio::spawn(async move {
        while !*stop.borrow() {
            if stop.changed().await.is_err() {
                break;
            }
        }
        shards.shutdown_all().await;
    });
    let result = client.start_autosharded().await;
    stopper.abort();
    // Let a delivery in flight finish and be marked sent, rather than cut it off between
    // Discord's answer and the outbox's record of it.
    if tokio::time::timeout(Duration::from_secs(5), dispatcher)
        .await
        .is_err()
    {
        warn!("a Discord delivery was still running at shutdown; it will be retried");
    }
    result.context("the Discord connection ended")
}

// ---------------------------------------------------------------------------------------------
// Slash commands from the command table

/// The poise commands: one per top-level name, subcommands for `group add`, `checkin answer`, ….
fn commands() -> Vec<poise::Command<Data, Error>> {
    let mut top: Vec<poise::Command<Data, Error>> = Vec::new();
    for spec in crate::domain::command::all() {
        match spec.name.split_once(' ') {
            None => top.push(leaf(spec.name, spec)),
            Some((group, sub)) => {
                let index = match top.iter().position(|c| c.name == group) {
                    Some(i) => i,
                    None => {
                        top.push(poise::Command {
                            name: group.to_owned().into(),
                            qualified_name: group.to_owned().into(),
                            identifying_name: group.to_owned().into(),
                            description: Some(format!("/{group} commands").into()),
                            slash_action: Some(slash),
                            subcommand_required: true,
                            ..Default::default()
                        });
                        top.len() - 1
                    }
                };
                top[index].subcommands.push(leaf(sub, spec));
            }
        }
    }
    top
}

fn leaf(name: &str, spec: &'static CommandSpec) -> poise::Command<Data, Error> {
    let mut parameters = Vec::new();
    if let Some(arg) = &spec.arg {
        parameters.push(parameter(
            arg_option_name(spec),
            arg.help,
            arg.required,
            false,
            None,
        ));
    }
    for opt in spec.options {
        let number = matches!(opt.kind, OptKind::Number);
        let suggest = matches!(opt.kind, OptKind::Word(_)) && !suggestions(opt.name).is_empty();
        parameters.push(parameter(
            opt.name.to_owned(),
            opt.help,
            false,
            number,
            suggest.then_some(autocomplete as AutocompleteFn),
        ));
    }
    poise::Command {
        name: name.to_owned().into(),
        qualified_name: spec.name.to_owned().into(),
        identifying_name: spec.name.to_owned().into(),
        description: Some(shorten(spec.summary, 100).into()),
        help_text: Some(spec.details.into()),
        slash_action: Some(slash),
        parameters,
        ..Default::default()
    }
}

type AutocompleteFn =
    for<'a> fn(Ctx<'a>, &'a str) -> poise::BoxFuture<'a, CreateAutocompleteResponse>;

fn parameter(
    name: String,
    help: &str,
    required: bool,
    number: bool,
    autocomplete_callback: Option<AutocompleteFn>,
) -> poise::CommandParameter<Data, Error> {
    poise::CommandParameter {
        name: name.into(),
        name_localizations: Vec::new().into(),
        description: Some(shorten(help, 100).into()),
        description_localizations: Vec::new().into(),
        required,
        channel_types: None,
        choices: Vec::new().into(),
        type_setter: Some(if number {
            |b| b.kind(CommandOptionType::Integer).min_int_value(1)
        } else {
            |b| b.kind(CommandOptionType::String)
        }),
        autocomplete_callback,
        __non_exhaustive: (),
    }
}

/// The Discord option name of a command's positional argument (`KEY` → `key`).
fn arg_option_name(spec: &CommandSpec) -> String {
    let Some(arg) = &spec.arg else {
        return String::new();
    };
    let mut name = String::new();
    for c in arg.name.chars() {
        if c.is_ascii_alphanumeric() {
            name.push(c.to_ascii_lowercase());
        } else if !name.is_empty() && !name.ends_with('_') {
            name.push('_');
        }
    }
    let name = name.trim_end_matches('_');
    let name: String = name.chars().take(32).collect();
    if name.is_empty() || spec.options.iter().any(|o| o.name == name) {
        "value".to_owned()
    } else {
        name
    }
}

fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let mut s: String = text.chars().take(max - 1).collect();
    s.push('…');
    s
}

/// Values offered while typing an option: (shown, value).
fn suggestions(option: &str) -> Vec<(String, String)> {
    fn all<V: Vocab>() -> Vec<(String, String)> {
        V::ALL
            .iter()
            .map(|v| (v.label().to_owned(), v.code().to_owned()))
            .collect()
    }
    match option {
        "specialty" => all::<Specialty>(),
        "state" => all::<State>(),
        "format" => all::<Format>(),
        "kind" => all::<Kind>(),
        "cost" => all::<Cost>(),
        "repeat" => ["weekly", "biweekly", "monthly"]
            .iter()
            .map(|s| ((*s).to_owned(), (*s).to_owned()))
            .collect(),
        "tz" => [
            "Eastern", "Central", "Mountain", "Arizona", "Pacific", "Alaska", "Hawaii",
        ]
        .iter()
        .map(|s| ((*s).to_owned(), (*s).to_owned()))
        .collect(),
        _ => Vec::new(),
    }
}

fn autocomplete<'a>(
    ctx: Ctx<'a>,
    partial: &'a str,
) -> poise::BoxFuture<'a, CreateAutocompleteResponse> {
    Box::pin(async move {
        let focused = ctx.args.iter().find_map(|o| match o.value {
            ResolvedValue::Autocomplete { .. } => Some(o.name),
            _ => None,
        });
        let wanted = crate::domain::vocab::normalize(partial);
        focused
            .map(suggestions)
            .unwrap_or_default()
            .into_iter()
            .filter(|(label, code)| {
                wanted.is_empty()
                    || crate::domain::vocab::normalize(label).contains(&wanted)
                    || crate::domain::vocab::normalize(code).contains(&wanted)
            })
            .take(25)
            .fold(CreateAutocompleteResponse::new(), |r, (label, code)| {
                r.add_string_choice(label, code)
            })
    })
}

/// The command line a slash invocation stands for: `/group edit oh-histo url:"https://…"`.
fn command_line(spec: &CommandSpec, args: &[ResolvedOption<'_>]) -> String {
    let value = |name: &str| {
        args.iter()
            .find(|o| o.name == name)
            .and_then(|o| match &o.value {
                ResolvedValue::String(s) => Some((*s).to_owned()),
                ResolvedValue::Integer(i) => Some(i.to_string()),
                ResolvedValue::Number(n) => Some(n.to_string()),
                ResolvedValue::Boolean(b) => Some(b.to_string()),
                _ => None,
            })
    };
    let mut line = format!("/{}", spec.name);
    if spec.arg.is_some()
        && let Some(arg) = value(&arg_option_name(spec))
    {
        line.push(' ');
        line.push_str(&one_line(&arg));
    }
    for opt in spec.options {
        if let Some(v) = value(opt.name) {
            // Quoted, so a value is read whole; a quote inside would end it early.
            let v = one_line(&v).replace(['"', '“', '”'], "'");
            line.push_str(&format!(" {}:\"{v}\"", opt.name));
        }
    }
    line
}

fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Every slash command lands here.
fn slash(ctx: Ctx<'_>) -> poise::BoxFuture<'_, Result<(), poise::FrameworkError<'_, Data, Error>>> {
    Box::pin(async move {
        let data = ctx.framework.user_data;
        let interaction = ctx.interaction;
        if !data.first_time(interaction.id.get()) {
            debug!("interaction seen before; not answered twice");
            return Ok(());
        }
        let name = ctx
            .command_tree
            .last()
            .map(|c| c.identifying_name.to_string())
            .unwrap_or_default();
        let Some(spec) = crate::domain::command::spec(&name) else {
            // A command registered by another version of the bot: say so rather than leave
            // the member with "the application did not respond".
            let reply = Reply::problem(format!(
                "/{name} is not a command of this version of the bot; /help lists them."
            ));
            let response =
                CreateInteractionResponse::Message(render(&reply).response().ephemeral(true));
            if let Err(e) = interaction
                .create_response(&ctx.framework.serenity_context.http, response)
                .await
            {
                warn!(error = %e, "could not answer an unknown slash command");
            }
            return Ok(());
        };
        let text = command_line(spec, ctx.args);
        let actor = command_actor(data, interaction);
        let http = &ctx.framework.serenity_context.http;
        if let Err(e) = answer_command(data, http, interaction, spec, actor, text).await {
            warn!(error = %e, command = spec.name, "could not answer a slash command");
        }
        Ok(())
    })
}

fn display_name(user: &serenity::User, member: Option<&serenity::Member>) -> String {
    member
        .and_then(|m| m.nick.clone())
        .or_else(|| user.global_name.clone())
        .unwrap_or_else(|| user.name.clone())
}

fn member_of(data: &Data, user: &serenity::User, member: Option<&serenity::Member>) -> Member {
    let name = display_name(user, member);
    data.remember_name(user.id.get(), &name);
    Member {
        user: UserId::new(Platform::Discord, user.id.get().to_string()),
        display_name: name,
    }
}

fn community(guild: Option<GuildId>) -> CommunityId {
    CommunityId {
        platform: Platform::Discord,
        id: guild.map_or_else(|| DM_COMMUNITY.to_owned(), |g| g.get().to_string()),
    }
}

fn command_actor(data: &Data, interaction: &CommandInteraction) -> Actor {
    let member = interaction.member.as_deref();
    let role = match member {
        Some(m) => data.role(m.permissions, &m.roles),
        None => Role::Member,
    };
    Actor {
        member: member_of(data, &interaction.user, member),
        role,
        community: community(interaction.guild_id),
    }
}

/// Runs a command through the bot and answers the interaction (deferring when slow).
async fn answer_command(
    data: &Data,
    http: &Http,
    interaction: &CommandInteraction,
    spec: &CommandSpec,
    actor: Actor,
    text: String,
) -> serenity::Result<()> {
    let handling = data.runtime.bot().handle(Incoming::Command { actor, text });
    tokio::pin!(handling);
    let (outgoing, deferred) = tokio::select! {
        out = &mut handling => (out, None),
        () = tokio::time::sleep(DEFER_AFTER) => {
            let ephemeral = spec.private;
            interaction
                .create_response(
                    http,
                    CreateInteractionResponse::Defer(
                        CreateInteractionResponseMessage::new().ephemeral(ephemeral),
                    ),
                )
                .await?;
            (handling.await, Some(ephemeral))
        }
    };
    data.runtime.poke();
    let mut answered = false;
    let mut later = Vec::new();
    for out in outgoing {
        match out {
            Outgoing::Reply(reply) => {
                let private = reply.visibility == Visibility::Private;
                let rendered = render(&reply);
                if answered {
                    interaction
                        .create_followup(http, rendered.followup().ephemeral(private))
                        .await?;
                } else if let Some(ephemeral) = deferred {
                    if private && !ephemeral {
                        interaction
                            .edit_response(
                                http,
                                EditInteractionResponse::new()
                                    .content("Answered privately.")
                                    .allowed_mentions(CreateAllowedMentions::new()),
                            )
                            .await?;
                        interaction
                            .create_followup(http, rendered.followup().ephemeral(true))
                            .await?;
                    } else {
                        interaction.edit_response(http, rendered.edit()).await?;
                    }
                } else {
                    interaction
                        .create_response(
                            http,
                            CreateInteractionResponse::Message(
                                rendered.response().ephemeral(private),
                            ),
                        )
                        .await?;
                }
                answered = true;
            }
            // Other members' messages wait until the interaction is answered (3 s).
            Outgoing::Direct { to, reply } => later.push((to, reply)),
        }
    }
    if !answered {
        let done = Reply::private("Done.");
        match deferred {
            Some(_) => {
                interaction
                    .edit_response(http, render(&done).edit())
                    .await?;
            }
            None => {
                interaction
                    .create_response(
                        http,
                        CreateInteractionResponse::Message(
                            render(&done).response().ephemeral(true),
                        ),
                    )
                    .await?;
            }
        }
    }
    for (to, reply) in later {
        direct(http, &to, &reply).await;
    }
    // Not who: which members use the bot is theirs to tell.
    debug!("slash command answered");
    Ok(())
}

/// A DM to a member, outside the outbox (replies the bot produced for an event).
async fn direct(http: &Http, to: &Member, reply: &Reply) {
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
        warn!(error = %e, "could not send a direct message");
    }
}

fn discord_user(member: &Member) -> Option<serenity::UserId> {
    (member.user.platform == Platform::Discord)
        .then(|| member.user.id.parse::<u64>().ok())
        .flatten()
        .filter(|id| *id > 0)
        .map(serenity::UserId::new)
}

// ---------------------------------------------------------------------------------------------
// Gateway events: reactions, buttons, (re)connections

async fn on_event(framework: FrameworkContext<'_>, event: &FullEvent) -> Result<(), Error> {
    let data = framework.user_data;
    let ctx = framework.serenity_context;
    match event {
        FullEvent::Ready { .. } | FullEvent::Resume { .. } => {
            let http = ctx.http.clone();
            let runtime = data.runtime.clone();
            let me = framework.bot_id();
            tokio::spawn(async move {
                if let Err(e) = reconcile(&http, &runtime, me, None).await {
                    warn!(error = %e, "could not list the reactions on announcements");
                }
            });
        }
        FullEvent::ReactionAdd { add_reaction } => {
            reaction(data, ctx, framework.bot_id(), add_reaction, true).await;
        }
        FullEvent::ReactionRemove { removed_reaction } => {
            reaction(data, ctx, framework.bot_id(), removed_reaction, false).await;
        }
        // A moderator cleared the reactions of a message (all, or one emoji): read what is
        // left on it, as after a reconnection.
        FullEvent::ReactionRemoveAll {
            channel_id,
            removed_from_message_id,
        } => {
            let post = post_id(*channel_id, *removed_from_message_id);
            reconcile_cleared(ctx, data, framework.bot_id(), &post).await;
        }
        FullEvent::ReactionRemoveEmoji { removed_reactions } => {
            let post = post_id(removed_reactions.channel_id, removed_reactions.message_id);
            reconcile_cleared(ctx, data, framework.bot_id(), &post).await;
        }
        FullEvent::InteractionCreate {
            interaction: serenity::Interaction::Component(press),
        } => {
            if data.first_time(press.id.get())
                && let Err(e) = button(data, &ctx.http, press).await
            {
                warn!(error = %e, "could not answer a button");
            }
        }
        FullEvent::InteractionCreate {
            interaction: serenity::Interaction::Modal(form),
        } => {
            if data.first_time(form.id.get())
                && let Err(e) = note_form(data, &ctx.http, form).await
            {
                warn!(error = %e, "could not answer a form");
            }
        }
        _ => {}
    }
    Ok(())
}

/// Reads what is left on a post whose reactions a moderator cleared.
async fn reconcile_cleared(ctx: &serenity::Context, data: &Data, me: serenity::UserId, post: &str) {
    if let Err(e) = reconcile(&ctx.http, &data.runtime, me, Some(post)).await {
        warn!(error = %e, "could not reconcile a cleared announcement");
    }
}

fn post_id(channel: ChannelId, message: MessageId) -> String {
    format!("{}/{}", channel.get(), message.get())
}

fn parse_post(post: &str) -> Option<(ChannelId, MessageId)> {
    let (c, m) = post.split_once('/')?;
    let c = c.parse::<u64>().ok().filter(|n| *n > 0)?;
    let m = m.parse::<u64>().ok().filter(|n| *n > 0)?;
    Some((ChannelId::new(c), MessageId::new(m)))
}

async fn reaction(
    data: &Data,
    ctx: &serenity::Context,
    me: serenity::UserId,
    r: &serenity::Reaction,
    added: bool,
) {
    let Some(user) = r.user_id else {
        return;
    };
    if user == me {
        return;
    }
    let ReactionType::Unicode(emoji) = &r.emoji else {
        return;
    };
    let display_name = match &r.member {
        Some(m) => {
            let name = display_name(&m.user, Some(m));
            data.remember_name(user.get(), &name);
            name
        }
        None => data.name_of(user.get()),
    };
    let actor = Actor {
        member: Member {
            user: UserId::new(Platform::Discord, user.get().to_string()),
            display_name,
        },
        role: Role::Member,
        community: community(r.guild_id),
    };
    let incoming = Incoming::Reaction {
        actor: actor.clone(),
        post: post_id(r.channel_id, r.message_id),
        emoji: emoji.clone(),
        added,
    };
    let outgoing = data.runtime.bot().handle(incoming).await;
    data.runtime.poke();
    // Answers to a reaction go privately to whoever reacted.
    for out in outgoing {
        match out {
            Outgoing::Reply(reply) => direct(&ctx.http, &actor.member, &reply).await,
            Outgoing::Direct { to, reply } => direct(&ctx.http, &to, &reply).await,
        }
    }
}

/// A button under a check-in prompt: the same as the reaction or command it stands for.
async fn button(data: &Data, http: &Http, press: &ComponentInteraction) -> serenity::Result<()> {
    let id = press.data.custom_id.as_str();
    if let Some(mood) = id.strip_prefix(BUTTON_NOTE) {
        let form = serenity::CreateModal::new(format!("{NOTE_FORM}{mood}"), "Add to your check-in")
            .components(vec![
                CreateActionRow::InputText(
                    serenity::CreateInputText::new(
                        serenity::InputTextStyle::Short,
                        "Stress, 1 (calm) to 5 (very stressed)",
                        "stress",
                    )
                    .required(false)
                    .max_length(1),
                ),
                CreateActionRow::InputText(
                    serenity::CreateInputText::new(
                        serenity::InputTextStyle::Paragraph,
                        "A note for yourself (no patient details)",
                        "note",
                    )
                    .required(false)
                    .max_length(280),
                ),
            ]);
        return press
            .create_response(http, CreateInteractionResponse::Modal(form))
            .await;
    }
    let member = press.member.as_ref();
    let role = member.map_or(Role::Member, |m| data.role(m.permissions, &m.roles));
    let actor = Actor {
        member: member_of(data, &press.user, member),
        role,
        community: community(press.guild_id),
    };
    // A mood answered by button can get its stress and note through a form.
    let mood = id
        .strip_prefix(BUTTON_REACTION)
        .and_then(|emoji| crate::domain::wellbeing::parse_mood(emoji).ok());
    let incoming = if let Some(emoji) = id.strip_prefix(BUTTON_REACTION) {
        Incoming::Reaction {
            actor,
            post: post_id(press.channel_id, press.message.id),
            emoji: emoji.to_owned(),
            added: true,
        }
    } else if let Some(line) = id.strip_prefix(BUTTON_COMMAND) {
        Incoming::Command {
            actor,
            text: line.to_owned(),
        }
    } else {
        return Ok(());
    };
    let outgoing = data.runtime.bot().handle(incoming).await;
    data.runtime.poke();
    let mut answered = false;
    let mut later = Vec::new();
    for out in outgoing {
        match out {
            Outgoing::Reply(reply) => {
                let mut rendered = render(&reply);
                if let Some(mood) = mood.filter(|_| !answered && reply.tone == Tone::Info) {
                    rendered.rows.push(CreateActionRow::Buttons(vec![
                        CreateButton::new(format!("{BUTTON_NOTE}{mood}"))
                            .label("Add stress or a note")
                            .style(ButtonStyle::Secondary),
                    ]));
                }
                if answered {
                    press
                        .create_followup(http, rendered.followup().ephemeral(true))
                        .await?;
                } else {
                    press
                        .create_response(
                            http,
                            CreateInteractionResponse::Message(rendered.response()),
                        )
                        .await?;
                    answered = true;
                }
            }
            // Other members' messages wait until the press is answered (3 s).
            Outgoing::Direct { to, reply } => later.push((to, reply)),
        }
    }
    if !answered {
        press
            .create_response(http, CreateInteractionResponse::Acknowledge)
            .await?;
    }
    for (to, reply) in later {
        direct(http, &to, &reply).await;
    }
    Ok(())
}

/// The form of "Add stress or a note": the same as `/checkin answer MOOD stress:… note:…`.
async fn note_form(
    data: &Data,
    http: &Http,
    form: &serenity::ModalInteraction,
) -> serenity::Result<()> {
    let Some(mood) = form.data.custom_id.strip_prefix(NOTE_FORM) else {
        return Ok(());
    };
    let mut line = format!("/checkin answer {}", one_line(mood));
    for row in &form.data.components {
        for component in &row.components {
            if let serenity::ActionRowComponent::InputText(input) = component
                && matches!(input.custom_id.as_str(), "stress" | "note")
                && let Some(value) = input.value.as_deref().map(one_line)
                && !value.is_empty()
            {
                let value = value.replace(['"', '“', '”'], "'");
                line.push_str(&format!(" {}:\"{value}\"", input.custom_id));
            }
        }
    }
    let actor = Actor {
        member: member_of(data, &form.user, form.member.as_ref()),
        role: Role::Member,
        community: community(form.guild_id),
    };
    let outgoing = data
        .runtime
        .bot()
        .handle(Incoming::Command { actor, text: line })
        .await;
    data.runtime.poke();
    let mut answered = false;
    for out in outgoing {
        match out {
            Outgoing::Reply(reply) if !answered => {
                form.create_response(
                    http,
                    CreateInteractionResponse::Message(render(&reply).response().ephemeral(true)),
                )
                .await?;
                answered = true;
            }
            Outgoing::Reply(reply) => {
                form.create_followup(http, render(&reply).followup().ephemeral(true))
                    .await?;
            }
            Outgoing::Direct { to, reply } => direct(http, &to, &reply).await,
        }
    }
    if !answered {
        form.create_response(http, CreateInteractionResponse::Acknowledge)
            .await?;
    }
    Ok(())
}

/// Lists the RSVP reactions on every active announcement and lets the bot reconcile.
async fn reconcile(
    http: &Http,
    runtime: &Runtime,
    me: serenity::UserId,
    only: Option<&str>,
) -> anyhow::Result<()> {
    let announcements = runtime
        .bot()
        .active_announcements(Platform::Discord)
        .await?;
    for (_, post) in announcements {
        if only.is_some_and(|o| o != post) {
            continue;
        }
        // One announcement that cannot be read (deleted, channel gone) does not keep the
        // others from being reconciled.
        if let Err(e) = reconcile_post(http, runtime, me, post).await {
            warn!(error = %e, "could not list the reactions on an announcement");
        }
    }
    runtime.poke();
    Ok(())
}

/// Lists the RSVP reactions on one announcement and lets the bot reconcile with them.
async fn reconcile_post(
    http: &Http,
    runtime: &Runtime,
    me: serenity::UserId,
    post: String,
) -> anyhow::Result<()> {
    {
        let Some((channel, message)) = parse_post(&post) else {
            return Ok(());
        };
        let mut reactions = Vec::new();
        for (emoji, _) in RSVP_EMOJI {
            let kind = ReactionType::Unicode(emoji.to_owned());
            let mut after = None;
            loop {
                let users = http
                    .get_reaction_users(channel, message, &kind, 100, after)
                    .await?;
                let full = users.len() == 100;
                after = users.last().map(|u| u.id.get());
                for user in users.into_iter().filter(|u| u.id != me && !u.bot) {
                    reactions.push((
                        Member {
                            user: UserId::new(Platform::Discord, user.id.get().to_string()),
                            display_name: display_name(&user, None),
                        },
                        emoji.to_owned(),
                    ));
                }
                if !full {
                    break;
                }
            }
        }
        let outgoing = runtime
            .bot()
            .handle(Incoming::ReactionsPresent {
                post,
                platform: Platform::Discord,
                reactions,
            })
            .await;
        for out in outgoing {
            if let Outgoing::Direct { to, reply } = out {
                direct(http, &to, &reply).await;
            }
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Rendering

/// A reply as Discord parts: one embed, attachments, buttons.
struct Rendered {
    embed: CreateEmbed,
    files: Vec<CreateAttachment>,
    rows: Vec<CreateActionRow>,
}

impl Rendered {
    fn response(self) -> CreateInteractionResponseMessage {
        CreateInteractionResponseMessage::new()
            .embed(self.embed)
            .add_files(self.files)
            .components(self.rows)
            .allowed_mentions(CreateAllowedMentions::new())
    }

    fn followup(self) -> CreateInteractionResponseFollowup {
        CreateInteractionResponseFollowup::new()
            .embed(self.embed)
            .add_files(self.files)
            .components(self.rows)
            .allowed_mentions(CreateAllowedMentions::new())
    }

    fn edit(self) -> EditInteractionResponse {
        let mut edit = EditInteractionResponse::new()
            .embed(self.embed)
            .components(self.rows)
            .allowed_mentions(CreateAllowedMentions::new());
        for file in self.files {
            edit = edit.new_attachment(file);
        }
        edit
    }

    fn message(self) -> CreateMessage {
        CreateMessage::new()
            .embed(self.embed)
            .add_files(self.files)
            .components(self.rows)
            .allowed_mentions(CreateAllowedMentions::new())
    }
}

/// Room for text in an embed's description and field values.
const DESCRIPTION_MAX: usize = 4096;
const FIELD_VALUE_MAX: usize = 1024;
/// Room for all text of one embed (title, description, fields, footer).
const EMBED_TOTAL_MAX: usize = 6000;

fn render(reply: &Reply) -> Rendered {
    let mut embed = CreateEmbed::new().colour(match reply.tone {
        Tone::Info => INFO_COLOUR,
        Tone::Problem => PROBLEM_COLOUR,
    });
    let title = match (&reply.title, reply.tone) {
        (Some(t), _) => Some(neutralize(t)),
        (None, Tone::Problem) => Some("Sorry".to_owned()),
        (None, Tone::Info) => None,
    };
    let title = title.map(|t| shorten(&t, 256));
    if let Some(title) = &title {
        embed = embed.title(title.clone());
    }
    let mut description: Vec<String> = Vec::new();
    let mut fields: Vec<(String, String, bool)> = Vec::new();
    let mut files = Vec::new();
    for block in &reply.blocks {
        let text = match block {
            Block::Text(t) => Some(neutralize(t)),
            Block::Bullets(items) => Some(
                items
                    .iter()
                    .map(|i| format!("• {}", neutralize(i)))
                    .collect::<Vec<_>>()
                    .join("\n"),
            ),
            Block::Items {
                first_number,
                items,
            } => Some(
                items
                    .iter()
                    .enumerate()
                    .map(|(i, item)| {
                        let title = neutralize(&item.title);
                        let mut s = match &item.link {
                            Some(link) => {
                                format!("**{}. [{title}]({})**", first_number + i, neutralize(link))
                            }
                            None => format!("**{}. {title}**", first_number + i),
                        };
                        if !item.subtitle.is_empty() {
                            s.push_str(&format!("\n*{}*", neutralize(&item.subtitle)));
                        }
                        for line in &item.lines {
                            s.push_str(&format!("\n{}", neutralize(line)));
                        }
                        s
                    })
                    .collect::<Vec<_>>()
                    .join("\n\n"),
            ),
            Block::Fields(pairs) => {
                for (label, value) in pairs {
                    let value = match reply.starts_at {
                        Some(at) if label == WHEN_FIELD => {
                            let t = at.timestamp();
                            format!("<t:{t}:F> (<t:{t}:R>)")
                        }
                        _ => neutralize(value),
                    };
                    fields.push((
                        shorten(&neutralize(label), 256),
                        shorten(&value, FIELD_VALUE_MAX),
                        value.chars().count() <= 40,
                    ));
                }
                None
            }
            Block::File { name, content } => {
                files.push(CreateAttachment::bytes(
                    content.clone().into_bytes(),
                    name.clone(),
                ));
                Some(format!("📎 {}", neutralize(name)))
            }
        };
        if let Some(text) = text {
            if fields.is_empty() {
                description.push(text);
            } else {
                // Text after fields stays after them, as a field without a name.
                fields.push((
                    "\u{200b}".to_owned(),
                    shorten(&text, FIELD_VALUE_MAX),
                    false,
                ));
            }
        }
    }
    let mut description = description.join("\n\n");
    let footer = reply.footer.as_ref().map(|f| shorten(&neutralize(f), 2048));
    let count = |t: &str| t.chars().count();
    let fixed = title.as_deref().map_or(0, count) + footer.as_deref().map_or(0, count);
    let fields_len = |fields: &[(String, String, bool)]| -> usize {
        fields.iter().map(|(n, v, _)| count(n) + count(v)).sum()
    };
    let cut_field = fields
        .iter()
        .any(|(_, v, _)| count(v) == FIELD_VALUE_MAX && v.ends_with('…'));
    let lossy = count(&description) > DESCRIPTION_MAX
        || fields.len() > 25
        || cut_field
        || fixed + count(&description) + fields_len(&fields) > EMBED_TOTAL_MAX;
    if lossy {
        // Nothing is lost to Discord's limits (`/mydata` can be long): the whole text is
        // attached, and the embed keeps what fits (one embed holds 6,000 characters).
        files.push(CreateAttachment::bytes(
            reply.to_plain_text().into_bytes(),
            "labcircle.txt",
        ));
        fields.truncate(25);
        while !fields.is_empty() && fixed + fields_len(&fields) > EMBED_TOTAL_MAX / 2 {
            fields.pop();
        }
        let room = EMBED_TOTAL_MAX
            .saturating_sub(fixed + fields_len(&fields))
            .min(DESCRIPTION_MAX)
            .saturating_sub(100);
        description = format!(
            "{}\n\n(Too long for one message: the whole text is attached.)",
            shorten(&description, room.max(1))
        );
    }
    if !description.is_empty() {
        embed = embed.description(description);
    }
    embed = embed.fields(fields);
    if let Some(footer) = footer {
        embed = embed.footer(CreateEmbedFooter::new(footer));
    }
    Rendered {
        embed,
        files,
        rows: buttons(&reply.choices),
    }
}

fn buttons(choices: &[Choice]) -> Vec<CreateActionRow> {
    let buttons: Vec<CreateButton> = choices
        .iter()
        .filter_map(|c| match c {
            Choice::Reaction { emoji, label } => Some(
                CreateButton::new(format!("{BUTTON_REACTION}{emoji}"))
                    .label(shorten(label, 80))
                    .emoji(ReactionType::Unicode(emoji.clone()))
                    .style(ButtonStyle::Secondary),
            ),
            Choice::Command { line, label } => {
                let id = format!("{BUTTON_COMMAND}{line}");
                (id.len() <= 100).then(|| {
                    CreateButton::new(id)
                        .label(shorten(label, 80))
                        .style(ButtonStyle::Secondary)
                })
            }
        })
        .take(25)
        .collect();
    buttons
        .chunks(5)
        .map(|row| CreateActionRow::Buttons(row.to_vec()))
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Deliveries from the outbox

/// Sends outbox deliveries: DMs, announcements and their edits.
pub struct DiscordSink {
    http: Arc<Http>,
    runtime: Runtime,
    /// The client `http` uses, for the requests the sink makes itself.
    rest: reqwest::Client,
    config: config::Discord,
    dm_channels: HashMap<serenity::UserId, ChannelId>,
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
        DeliveryError::Transient(format!("cannot reach Discord: {e}"))
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
                .map_err(|e| DeliveryError::Permanent(format!("cannot build the request: {e}")))?
                .send()
                .await
                .map_err(|e| DeliveryError::Transient(format!("cannot reach Discord: {e}")))?;
            let status = response.status().as_u16();
            let header_wait = response
                .headers()
                .get("retry-after")
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.parse::<f64>().ok());
            let bytes = response.bytes().await.map_err(|e| {
                DeliveryError::Transient(format!("cannot read Discord's answer: {e}"))
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
        // RSVPs made on the post before it was recorded count now.
        let outgoing = self
            .runtime
            .bot()
            .announced(Platform::Discord, message_id)
            .await;
        for out in outgoing {
            if let Outgoing::Direct { to, reply } = out {
                direct(&self.http, &to, &reply).await;
            }
        }
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
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_command_becomes_a_slash_command_discord_accepts() {
        let commands = commands();
        let names: Vec<&str> = commands.iter().map(|c| c.name.as_ref()).collect();
        for name in ["findgroup", "group", "checkin", "meetup", "help", "mydata"] {
            assert!(names.contains(&name), "{names:?}");
        }
        for command in &commands {
            let built = command.create_as_slash_command();
            assert!(built.is_some(), "{} cannot be registered", command.name);
            for c in std::iter::once(command).chain(command.subcommands.iter()) {
                assert!(c.parameters.len() <= 25, "{}", c.name);
                for p in &c.parameters {
                    let ok = !p.name.is_empty()
                        && p.name.len() <= 32
                        && p.name
                            .chars()
                            .all(|ch| ch.is_ascii_lowercase() || ch.is_ascii_digit() || ch == '_');
                    assert!(ok, "option {} of {}", p.name, c.name);
                }
                let first_optional = c.parameters.iter().position(|p| !p.required);
                let last_required = c.parameters.iter().rposition(|p| p.required);
                if let (Some(o), Some(r)) = (first_optional, last_required) {
                    assert!(r < o, "required options come first in {}", c.name);
                }
            }
        }
    }

    #[test]
    fn long_replies_keep_everything_in_an_attachment() {
        let long = "x".repeat(5000);
        let rendered = render(&Reply::private("Everything labcircle stores about you").text(&long));
        let embed = serde_json::to_value(&rendered.embed).unwrap();
        let description = embed["description"].as_str().unwrap();
        assert!(description.chars().count() <= DESCRIPTION_MAX);
        assert!(description.contains("the whole text is attached"));
        assert_eq!(rendered.files.len(), 1);
    }

    #[test]
    fn an_embed_never_holds_more_than_discord_takes_and_the_rest_is_attached() {
        let fields: Vec<(String, String)> = (0..30)
            .map(|i| (format!("Field {i}"), "y".repeat(1000)))
            .collect();
        let reply = Reply::private("A lot")
            .text("x".repeat(3500))
            .block(Block::Fields(fields))
            .footer("f".repeat(100));
        let rendered = render(&reply);
        let embed = serde_json::to_value(&rendered.embed).unwrap();
        let len = |v: &serde_json::Value| v.as_str().map_or(0, |s| s.chars().count());
        let total = len(&embed["title"])
            + len(&embed["description"])
            + len(&embed["footer"]["text"])
            + embed["fields"].as_array().map_or(0, |f| {
                f.iter().map(|f| len(&f["name"]) + len(&f["value"])).sum()
            });
        assert!(total <= EMBED_TOTAL_MAX, "{total}");
        assert!(embed["fields"].as_array().is_some_and(|f| f.len() <= 25));
        assert_eq!(rendered.files.len(), 1, "the whole text is attached");
    }

    #[test]
    fn meetup_times_show_in_each_readers_zone_and_problems_are_red() {
        let at = chrono::DateTime::from_timestamp(1_796_945_400, 0).unwrap();
        let reply = Reply::channel("Meetup #1: <@&1> night")
            .starts_at(at)
            .block(Block::Fields(vec![
                (WHEN_FIELD.to_owned(), "Thu Dec 10, 18:30 ET".to_owned()),
                ("Where".to_owned(), "@everyone's lab".to_owned()),
            ]))
            .text("0 going · 0 maybe");
        let embed = serde_json::to_value(&render(&reply).embed).unwrap();
        assert_eq!(
            embed["fields"][0]["value"],
            "<t:1796945400:F> (<t:1796945400:R>)"
        );
        assert!(!embed["title"].as_str().unwrap().contains("<@&1>"));
        assert!(
            !embed["fields"][1]["value"]
                .as_str()
                .unwrap()
                .contains("@everyone")
        );
        assert_eq!(embed["fields"][2]["value"], "0 going · 0 maybe");
        let problem = serde_json::to_value(&render(&Reply::problem("no")).embed).unwrap();
        assert_eq!(problem["color"], PROBLEM_COLOUR);
    }

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
