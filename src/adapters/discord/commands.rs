//! Slash commands from the one command table: registration, autocomplete, and answering an
//! invocation (deferred when the bot takes long, as Discord wants an answer within 3 s).

use std::time::Duration;

use poise::serenity_prelude as serenity;
use serenity::{
    CommandInteraction, CommandOptionType, CreateAllowedMentions, CreateAutocompleteResponse,
    CreateInteractionResponse, CreateInteractionResponseMessage, EditInteractionResponse, Http,
    ResolvedOption, ResolvedValue,
};
use tracing::{debug, warn};

use super::render::{render, shorten};
use super::sink::direct;
use super::{Data, Error, Served, community, member_of, not_set_up, replies_first};
use crate::bot::Incoming;
use crate::domain::command::{self, CommandSpec, Invocation, OptKind, UserError};
use crate::domain::identity::{Actor, Role};
use crate::domain::reply::{Outgoing, Reply, Visibility};
use crate::domain::vocab::{Cost, Format, Kind, Specialty, State, Vocab};
use crate::logging::Redacted;

type Ctx<'a> = poise::ApplicationContext<'a, Data, Error>;

/// Longer than this, an interaction is deferred (Discord wants an answer within 3 s).
const DEFER_AFTER: Duration = Duration::from_millis(2000);

/// The poise commands: one per top-level name, subcommands for `group add`, `checkin answer`, ….
pub(super) fn commands() -> Vec<poise::Command<Data, Error>> {
    commands_where(|_| true)
}

/// The commands that work in a DM with the bot: those for members (check-ins, `/mydata`, …)
/// and the directory's moderators (named by id, they moderate anywhere). Organizer and admin
/// commands need a server's roles, which a DM has not.
fn dm_commands() -> Vec<poise::Command<Data, Error>> {
    commands_where(|spec| matches!(spec.role, Role::Member | Role::Moderator))
}

/// Registers the commands. With `allow_any_guild`, globally, for servers and DMs with the bot.
/// Otherwise in each server in the config, and globally only the DM commands (for DMs with the
/// bot only), which also takes back commands an earlier global registration left in servers
/// that are not in the config.
pub(super) async fn register(
    http: &serenity::Context,
    config: &crate::config::Discord,
) -> serenity::Result<()> {
    use serenity::{InstallationContext, InteractionContext};
    // Installed in servers only: a user's own install would reach group DMs.
    let usable_in = |mut list: Vec<poise::Command<Data, Error>>,
                     contexts: Vec<InteractionContext>| {
        for c in &mut list {
            c.install_context = Some(vec![InstallationContext::Guild]);
            c.interaction_context = Some(contexts.clone());
        }
        list
    };
    if config.allow_any_guild {
        let everywhere = usable_in(
            commands(),
            vec![InteractionContext::Guild, InteractionContext::BotDm],
        );
        return poise::builtins::register_globally(http, &everywhere).await;
    }
    let in_guild = commands();
    let mut result = Ok(());
    for guild in config.configured_guilds() {
        let Ok(id) = guild.parse::<u64>() else {
            continue;
        };
        result = result.and(
            poise::builtins::register_in_guild(http, &in_guild, serenity::GuildId::new(id)).await,
        );
    }
    let direct = usable_in(dm_commands(), vec![InteractionContext::BotDm]);
    result.and(poise::builtins::register_globally(http, &direct).await)
}

fn commands_where(wanted: impl Fn(&CommandSpec) -> bool) -> Vec<poise::Command<Data, Error>> {
    let mut top: Vec<poise::Command<Data, Error>> = Vec::new();
    for spec in command::all().filter(|s| wanted(s)) {
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
        "facilitation" => all::<crate::domain::vocab::Facilitation>(),
        "credential" => crate::domain::understand::CREDENTIALS
            .iter()
            .map(|(c, s)| (format!("{c} ({})", s.label()), (*c).to_owned()))
            .collect(),
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
        let served = ctx
            .data()
            .served(ctx.interaction.guild_id, ctx.interaction.context);
        if served == Served::Refused {
            return CreateAutocompleteResponse::new();
        }
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

/// A slash command's resolved options as the invocation they stand for. Values are taken
/// whole (a member's quotes and colons are text), on one line as a typed command would be.
fn invocation(
    spec: &'static CommandSpec,
    args: &[ResolvedOption<'_>],
) -> Result<Invocation, UserError> {
    let value = |name: &str| {
        args.iter()
            .find(|o| o.name == name)
            .and_then(|o| match &o.value {
                ResolvedValue::String(s) => Some(one_line(s)),
                ResolvedValue::Integer(i) => Some(i.to_string()),
                ResolvedValue::Number(n) => Some(n.to_string()),
                ResolvedValue::Boolean(b) => Some(b.to_string()),
                _ => None,
            })
    };
    let arg = spec
        .arg
        .as_ref()
        .and_then(|_| value(&arg_option_name(spec)));
    let options = spec
        .options
        .iter()
        .filter_map(|opt| Some((opt.name, value(opt.name)?)));
    Invocation::from_parts(spec, arg, options)
}

/// Whitespace as in a typed line: runs of spaces and line breaks become one space.
pub(super) fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Runs an invocation through the bot. A problem with its parts is answered as the bot answers
/// any mistake (red; private for a private command), except that who may use the command is
/// checked first, so a member never learns admin options from an error message.
pub(super) async fn run_invocation(
    data: &Data,
    actor: Actor,
    spec: &'static CommandSpec,
    invocation: Result<Invocation, UserError>,
) -> Vec<Outgoing> {
    let invocation = match invocation {
        Ok(invocation) => invocation,
        // The bare command, for the bot to refuse before it reads any options.
        Err(_) if !data.runtime.bot().permits(&actor, spec) => Invocation {
            spec,
            arg: None,
            options: Vec::new(),
        },
        Err(problem) => {
            let mut reply = Reply::problem(problem.0);
            if spec.private {
                reply.visibility = Visibility::Private;
            }
            return vec![Outgoing::Reply(reply)];
        }
    };
    data.runtime
        .bot()
        .handle(Incoming::Invoked { actor, invocation })
        .await
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
        if data.served(interaction.guild_id, interaction.context) == Served::Refused {
            // Not who, nor which server: only that one was turned away.
            debug!("a slash command from a server not in the config; answered not set up");
            let http = &ctx.framework.serenity_context.http;
            if let Err(e) = interaction.create_response(http, not_set_up()).await {
                warn!(error = %Redacted(&e), "could not answer a slash command from a server not set up");
            }
            return Ok(());
        }
        let name = ctx
            .command_tree
            .last()
            .map(|c| c.identifying_name.to_string())
            .unwrap_or_default();
        let Some(spec) = command::spec(&name) else {
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
                warn!(error = %Redacted(&e), "could not answer an unknown slash command");
            }
            return Ok(());
        };
        let actor = command_actor(data, interaction);
        let handling = run_invocation(data, actor, spec, invocation(spec, ctx.args));
        let http = &ctx.framework.serenity_context.http;
        if let Err(e) = answer_command(data, http, interaction, spec, handling).await {
            warn!(error = %Redacted(&e), command = spec.name, "could not answer a slash command");
        }
        Ok(())
    })
}

fn command_actor(data: &Data, interaction: &CommandInteraction) -> Actor {
    let member = interaction.member.as_deref();
    let served = data.served(interaction.guild_id, interaction.context);
    let role = match member {
        Some(m) => data.role(served, m.permissions, &m.roles),
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
    handling: impl Future<Output = Vec<Outgoing>>,
) -> serenity::Result<()> {
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
    // Nothing at all comes back only when the bot stays quiet on purpose (a member over the
    // command limit, already told once); Discord still needs an answer.
    let silent = outgoing.is_empty();
    let (replies, later) = replies_first(outgoing);
    let mut answered = false;
    for reply in replies {
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
                    CreateInteractionResponse::Message(rendered.response().ephemeral(private)),
                )
                .await?;
        }
        answered = true;
    }
    if !answered {
        let done = Reply::private(if silent {
            "I didn't run this one: you reached a limit (commands per minute, or suggestions or \
             meetups per day). My first message about it says when you can go on."
        } else {
            "Done."
        });
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
}
