//! Gateway events: (re)connections and cleared reactions (reconciled with the bot), reactions
//! (RSVPs, check-in answers), buttons under check-in prompts and the note form they open, and
//! what members write in their DM with the bot.

use poise::serenity_prelude as serenity;
use serenity::{
    ButtonStyle, ChannelId, ChannelType, ComponentInteraction, CreateActionRow, CreateButton,
    CreateInteractionResponse, FullEvent, Http, MessageType, ReactionType,
};
use tracing::{debug, warn};

use super::commands::{one_line, run_invocation};
use super::render::{BUTTON_COMMAND, BUTTON_REACTION, render};
use super::sink::{direct, parse_post, post_id};
use super::{Data, Error, Served, community, display_name, member_of, not_set_up, replies, served};
use crate::bot::Incoming;
use crate::config;
use crate::domain::command::{self, CommandSpec, Invocation, UserError};
use crate::domain::identity::{Actor, Member, Platform, Role, UserId};
use crate::domain::meetup::RSVP_EMOJI;
use crate::domain::reply::{Outgoing, Tone};
use crate::logging::Redacted;
use crate::runtime::Runtime;

type FrameworkContext<'a> = poise::FrameworkContext<'a, Data, Error>;

/// "Add stress or a note" under an answered check-in (`lc:n:MOOD`), and its form (`lc:m:MOOD`).
const BUTTON_NOTE: &str = "lc:n:";
const NOTE_FORM: &str = "lc:m:";

pub(super) async fn on_event(
    framework: FrameworkContext<'_>,
    event: &FullEvent,
) -> Result<(), Error> {
    let data = framework.user_data;
    let ctx = framework.serenity_context;
    match event {
        FullEvent::ShardStageUpdate { event } => {
            let health = data.runtime.health();
            match event.new {
                serenity::ConnectionStage::Connected => health.up("discord"),
                _ => health.down("discord"),
            }
        }
        FullEvent::Ready { .. } | FullEvent::Resume { .. } => {
            data.runtime.health().up("discord");
            let http = ctx.http.clone();
            let runtime = data.runtime.clone();
            let config = data.config.clone();
            let me = framework.bot_id();
            tokio::spawn(async move {
                if let Err(e) = reconcile(&http, &runtime, &config, me, None).await {
                    warn!(error = %Redacted(&e), "could not list the reactions on announcements");
                }
            });
        }
        FullEvent::Message { new_message } => {
            direct_message(data, &ctx.http, framework.bot_id(), new_message).await;
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
                warn!(error = %Redacted(&e), "could not answer a button");
            }
        }
        FullEvent::InteractionCreate {
            interaction: serenity::Interaction::Modal(form),
        } => {
            if data.first_time(form.id.get())
                && let Err(e) = note_form(data, &ctx.http, form).await
            {
                warn!(error = %Redacted(&e), "could not answer a form");
            }
        }
        _ => {}
    }
    Ok(())
}

/// A message a member wrote in their DM with the bot: a command or a request in their own
/// words ("I need help"), answered in that DM. Messages anywhere else are not for the bot
/// (commands there are slash commands) and get no answer.
async fn direct_message(data: &Data, http: &Http, me: serenity::UserId, msg: &serenity::Message) {
    if !written_to_the_bot(msg, me) {
        return;
    }
    let Some(text) = request_text(&msg.content, me) else {
        return;
    };
    // A resumed session may deliver a message again.
    if !data.first_time(msg.id.get())
        || !is_dm_with(data, http, msg.channel_id, msg.author.id).await
    {
        return;
    }
    let actor = Actor {
        member: member_of(data, &msg.author, None),
        role: Role::Member,
        community: community(None),
    };
    let outgoing = data
        .runtime
        .bot()
        .handle(Incoming::Message { actor, text })
        .await;
    data.runtime.poke();
    // Private replies too: the DM is the member's own.
    let replies = replies(outgoing);
    for reply in replies {
        if let Err(e) = msg
            .channel_id
            .send_message(http, render(&reply).message())
            .await
        {
            warn!(error = %Redacted(&e), "could not answer a direct message");
        }
    }
}

/// Whether a gateway message is one a person wrote outside any server: not a bot's (the bot's
/// own answers included), not a webhook's, not a system message (a pin, a call).
fn written_to_the_bot(msg: &serenity::Message, me: serenity::UserId) -> bool {
    msg.guild_id.is_none()
        && !msg.author.bot
        && msg.author.id != me
        && msg.webhook_id.is_none()
        && matches!(msg.kind, MessageType::Regular | MessageType::InlineReply)
}

/// What a member asks in a DM: the message without surrounding space or a leading mention of
/// the bot (`@labcircle help` is `help`); nothing when that leaves nothing.
fn request_text(content: &str, me: serenity::UserId) -> Option<String> {
    let text = content.trim();
    let text = [format!("<@{me}>"), format!("<@!{me}>")]
        .iter()
        .find_map(|mention| text.strip_prefix(mention.as_str()))
        .map_or(text, |rest| rest.trim_start_matches([':', ',']).trim());
    (!text.is_empty()).then(|| text.to_owned())
}

/// Whether `channel` is the 1:1 DM between `author` and the bot, not a group DM. A message
/// event does not say what kind of channel it came from, so Discord is asked once per channel.
async fn is_dm_with(
    data: &Data,
    http: &Http,
    channel: ChannelId,
    author: serenity::UserId,
) -> bool {
    if let Some(member) = data.dm_member(channel.get()) {
        return member == author.get();
    }
    match http.get_channel(channel).await {
        Ok(serenity::Channel::Private(dm)) if dm.kind == ChannelType::Private => {
            data.remember_dm(channel.get(), dm.recipient.id.get());
            dm.recipient.id == author
        }
        Ok(_) => false,
        Err(serenity::Error::Http(e)) => {
            warn!(error = %Redacted(&e), "could not read the channel of a direct message; not answered");
            false
        }
        // Serenity reads no other kind of channel outside servers (a group DM is an error).
        Err(_) => {
            debug!("a message outside servers and not in a DM with the bot; ignored");
            false
        }
    }
}

/// Reads what is left on a post whose reactions a moderator cleared.
async fn reconcile_cleared(ctx: &serenity::Context, data: &Data, me: serenity::UserId, post: &str) {
    if let Err(e) = reconcile(&ctx.http, &data.runtime, &data.config, me, Some(post)).await {
        warn!(error = %Redacted(&e), "could not reconcile a cleared announcement");
    }
}

async fn reaction(
    data: &Data,
    ctx: &serenity::Context,
    me: serenity::UserId,
    r: &serenity::Reaction,
    added: bool,
) {
    if data.served(r.guild_id, None) == Served::Refused {
        // Not who, nor where: a server not in the config is simply not listened to.
        debug!("a reaction in a server not in the config; ignored");
        return;
    }
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
    // Answers to a reaction (a check-in answered by reaction) go privately to whoever
    // reacted; news of RSVPs (the waitlist, a reaction not counted) comes through the outbox.
    for out in outgoing {
        match out {
            Outgoing::Reply(reply) => direct(&ctx.http, &actor.member, &reply).await,
        }
    }
}

/// A button under a check-in prompt: the same as the reaction or command it stands for.
async fn button(data: &Data, http: &Http, press: &ComponentInteraction) -> serenity::Result<()> {
    let served = data.served(press.guild_id, press.context);
    if served == Served::Refused {
        debug!("a button in a server not in the config; answered not set up");
        return press.create_response(http, not_set_up()).await;
    }
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
    let role = member.map_or(Role::Member, |m| data.role(served, m.permissions, &m.roles));
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
    let replies = replies(outgoing);
    let mut answered = false;
    for reply in replies {
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
    if !answered {
        press
            .create_response(http, CreateInteractionResponse::Acknowledge)
            .await?;
    }
    Ok(())
}

/// The form of "Add stress or a note": the same as `/checkin answer MOOD stress:… note:…`.
async fn note_form(
    data: &Data,
    http: &Http,
    form: &serenity::ModalInteraction,
) -> serenity::Result<()> {
    if data.served(form.guild_id, None) == Served::Refused {
        debug!("a form from a server not in the config; answered not set up");
        return form.create_response(http, not_set_up()).await;
    }
    let Some(mood) = form.data.custom_id.strip_prefix(NOTE_FORM) else {
        return Ok(());
    };
    let Some(spec) = command::spec("checkin answer") else {
        return Ok(());
    };
    let fields = form.data.components.iter().flat_map(|row| &row.components);
    let fields = fields.filter_map(|component| match component {
        serenity::ActionRowComponent::InputText(input) => {
            Some((input.custom_id.as_str(), input.value.as_deref()?))
        }
        _ => None,
    });
    let invocation = note_invocation(spec, mood, fields);
    let actor = Actor {
        member: member_of(data, &form.user, form.member.as_ref()),
        role: Role::Member,
        community: community(form.guild_id),
    };
    let outgoing = run_invocation(data, actor, spec, invocation).await;
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
        }
    }
    if !answered {
        form.create_response(http, CreateInteractionResponse::Acknowledge)
            .await?;
    }
    Ok(())
}

/// The form's answers as `/checkin answer MOOD stress:… note:…`: the note is taken whole, its
/// quotes and colons kept; an empty field is left out.
fn note_invocation<'a>(
    spec: &'static CommandSpec,
    mood: &str,
    fields: impl Iterator<Item = (&'a str, &'a str)>,
) -> Result<Invocation, UserError> {
    let options = fields
        .filter(|(name, _)| matches!(*name, "stress" | "note"))
        .map(|(name, value)| (name, one_line(value)))
        .filter(|(_, value)| !value.is_empty());
    Invocation::from_parts(spec, Some(mood.to_owned()), options)
}

/// Lists the RSVP reactions on every active announcement and lets the bot reconcile. An
/// announcement in a server no longer in the config (and not served by `allow_any_guild`) is
/// left alone: reactions there are not counted.
async fn reconcile(
    http: &Http,
    runtime: &Runtime,
    config: &config::Discord,
    me: serenity::UserId,
    only: Option<&str>,
) -> anyhow::Result<()> {
    let announcements = runtime
        .bot()
        .active_announcements(Platform::Discord)
        .await?;
    for (community, post) in announcements {
        if only.is_some_and(|o| o != post) {
            continue;
        }
        let guild = community
            .strip_prefix("discord:")
            .and_then(|g| g.parse::<u64>().ok())
            .filter(|g| *g != 0)
            .map(serenity::GuildId::new);
        if guild.is_none_or(|g| served(config, Some(g), None) == Served::Refused) {
            debug!("an announcement in a server not in the config; its reactions are not read");
            continue;
        }
        // One announcement that cannot be read (deleted, channel gone) does not keep the
        // others from being reconciled.
        if let Err(e) = reconcile_post(http, runtime, me, post).await {
            warn!(error = %Redacted(&e), "could not list the reactions on an announcement");
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
        // Reconciling answers nobody; notices of it go through the outbox.
        runtime
            .bot()
            .handle(Incoming::ReactionsPresent {
                post,
                platform: Platform::Discord,
                reactions,
            })
            .await;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_dm_is_read_without_a_leading_mention_of_the_bot_or_its_surrounding_space() {
        let me = serenity::UserId::new(42);
        let read = |content| request_text(content, me);
        assert_eq!(read("  help \n").as_deref(), Some("help"));
        assert_eq!(read("<@42> help").as_deref(), Some("help"));
        assert_eq!(read("<@!42>: I need help").as_deref(), Some("I need help"));
        // Someone else's mention is part of what the member wrote.
        assert_eq!(read("<@7> help").as_deref(), Some("<@7> help"));
        assert_eq!(read("<@42>"), None);
        assert_eq!(read(" \n "), None);
    }

    #[test]
    fn a_note_keeps_its_quotes_and_colons_and_empty_fields_are_left_out() {
        let spec = command::spec("checkin answer").unwrap();
        let note = "Night shift: \"short staffed\" again";
        let invocation =
            note_invocation(spec, "4", [("stress", ""), ("note", note)].into_iter()).unwrap();
        assert_eq!(invocation.arg.as_deref(), Some("4"));
        let options: Vec<(&str, &str)> = invocation
            .options
            .iter()
            .map(|(o, v)| (o.name, v.as_str()))
            .collect();
        assert_eq!(options, vec![("note", note)]);
    }

    #[test]
    fn a_note_form_with_a_mood_that_is_not_one_word_is_a_problem() {
        let spec = command::spec("checkin answer").unwrap();
        let problem = note_invocation(spec, "4 5", std::iter::empty()).unwrap_err();
        assert!(problem.0.contains("takes one MOOD"), "{problem}");
    }
}
