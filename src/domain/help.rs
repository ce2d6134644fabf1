//! `/help` and `/crisis`: both come from data in the domain, so every adapter shows the same.

use super::command::{self, CommandSpec, OptKind, UserError, nearest, top_level_names};
use super::identity::{Platform, Rights, Role};
use super::reply::{Block, Reply};

/// A crisis or support line that is always shown, whatever the directory holds.
pub struct CrisisLine {
    pub name: &'static str,
    pub how: &'static str,
}

/// Free, confidential US lines, from the confirmed facts in the project's reference notes.
pub const CRISIS_LINES: &[CrisisLine] = &[
    CrisisLine {
        name: "988 Suicide & Crisis Lifeline",
        how: "call or text 988, or chat at https://988lifeline.org (press 1 for the Veterans \
              Crisis Line, 2 for Spanish)",
    },
    CrisisLine {
        name: "Crisis Text Line",
        how: "text HOME to 741741",
    },
    CrisisLine {
        name: "SAMHSA National Helpline",
        how: "1-800-662-4357 (TTY 1-800-487-4889), free, confidential, 24/7, English and Spanish; \
              treatment referral and information",
    },
];

/// The line that says what the bot is not.
pub const NOT_AN_EMERGENCY_SERVICE: &str = "This bot is not monitored and is not an emergency \
    service. If you or someone else is in immediate danger, call 911.";

/// Console-only controls, listed in `/help` on the console.
pub const CONSOLE_CONTROLS: &[(&str, &str)] = &[
    (
        ":as NAME [ROLE]",
        "act as another member (ROLE: member, organizer or admin)",
    ),
    (
        ":react MSG EMOJI",
        "react to the bot's message number MSG (shown as [#MSG])",
    ),
    (":unreact MSG EMOJI", "take that reaction back"),
    (
        ":advance DURATION",
        "move a simulated clock (console --clock) forward, e.g. 2h or 7d, running what falls due",
    ),
    (":time", "show the console's current time"),
    (
        ":in NAME",
        "type in another community (console is the default), e.g. to share a meetup",
    ),
    (
        ":offline",
        "simulate the bot being down: reactions are kept, nothing else happens",
    ),
    (
        ":online",
        "bring it back: it reconciles RSVPs with the reactions and catches up",
    ),
    (":quit", "leave the console (end of input works too)"),
];

/// The `/crisis` reply.
pub fn crisis() -> Reply {
    Reply::channel("Crisis and support lines (US, free, confidential)")
        .block(Block::Bullets(
            CRISIS_LINES
                .iter()
                .map(|l| format!("{}: {}", l.name, l.how))
                .collect(),
        ))
        .text(NOT_AN_EMERGENCY_SERVICE)
        .footer("More lines and peer-support groups: /findgroup kind:crisis_line")
}

/// The `/help` reply: every command, or one command in full.
pub fn help(topic: Option<&str>, rights: Rights, platform: Platform) -> Result<Reply, UserError> {
    let Some(topic) = topic.map(|t| t.trim().trim_start_matches('/').to_lowercase()) else {
        return Ok(overview(rights, platform));
    };
    if let Some(spec) = command::all().find(|c| c.name == topic) {
        return Ok(one(spec));
    }
    // Subcommands the asker cannot use are left out: a member asking about /meetup is not
    // offered the organizers' commands, nor about /group or /review the moderators' ones.
    let (subs, hidden): (Vec<&CommandSpec>, Vec<&CommandSpec>) = command::all()
        .filter(|c| {
            c.name
                .strip_prefix(topic.as_str())
                .is_some_and(|r| r.starts_with(' '))
        })
        .partition(|c| rights.allows(c.role));
    if subs.is_empty() && !hidden.is_empty() {
        return Ok(Reply::channel(only_for(&topic, &hidden)));
    }
    if !subs.is_empty() {
        let mut reply = Reply::channel(format!("/{topic}")).block(Block::Bullets(
            subs.iter()
                .map(|c| format!("{}: {}", c.usage(), c.summary))
                .collect(),
        ));
        if !hidden.is_empty() {
            reply = reply.text(others_for(&topic, &hidden));
        }
        return Ok(reply.footer(format!("More on one: /help {}", subs[0].name)));
    }
    let hint = nearest(&topic, top_level_names().into_iter())
        .map(|s| format!(" Did you mean /help {s}?"))
        .unwrap_or_default();
    Err(UserError::new(format!(
        "There is no command /{topic}.{hint} /help lists every command."
    )))
}

/// Who runs the commands in `hidden` (the most permissive role among them, so the line never
/// names a narrower group than it should).
fn runners(hidden: &[&CommandSpec]) -> &'static str {
    if hidden.iter().any(|c| c.role == Role::Organizer) {
        "organizers"
    } else if hidden.iter().any(|c| c.role == Role::Admin) {
        "admins"
    } else {
        "the directory's moderators"
    }
}

/// The answer to `/help TOPIC` when every command under it is for others.
fn only_for(topic: &str, hidden: &[&CommandSpec]) -> String {
    if hidden.iter().all(|c| c.role == Role::Moderator) {
        return format!(
            "/{topic} is for the directory's moderators. To add a group, use /suggestgroup; \
             to tell them an entry is wrong, /group report KEY reason:…"
        );
    }
    format!("/{topic} is for {}.", runners(hidden))
}

/// A line under `/help TOPIC` that says others have more commands there, without listing them.
fn others_for(topic: &str, hidden: &[&CommandSpec]) -> String {
    format!("There are more /{topic} commands for {}.", runners(hidden))
}

fn overview(rights: Rights, platform: Platform) -> Reply {
    let lines = command::all()
        .filter(|c| c.role == Role::Member || rights.allows(c.role))
        .map(|c| format!("{}: {}", c.usage(), c.summary))
        .collect();
    let mut reply =
        Reply::channel("labcircle: support groups and communities for lab professionals")
            .block(Block::Bullets(lines));
    reply = reply.text(
        "Or just say what you need, in your own words: \"burned out night shift phlebotomist in \
         Texas\" after /findgroup, or as it is in a private chat with me.",
    );
    if !rights.moderator {
        reply = reply.text(
            "The directory is kept by its moderators: to add a group, use /suggestgroup; to \
             tell them an entry is outdated or wrong, /group report KEY reason:….",
        );
    }
    if platform == Platform::Console {
        reply = reply.text("Console controls:").block(Block::Bullets(
            CONSOLE_CONTROLS
                .iter()
                .map(|(c, what)| format!("{c}: {what}"))
                .collect(),
        ));
    }
    reply
        .text("In crisis? /crisis lists free, confidential lines you can call or text now.")
        .footer("More on one command: /help findgroup")
}

fn one(spec: &CommandSpec) -> Reply {
    let mut reply =
        Reply::channel(spec.usage()).text(format!("{}. {}", spec.summary, spec.details));
    match spec.role {
        Role::Member => {}
        Role::Moderator => {
            reply = reply.text(
                "Who: the directory's moderators only, named in this labcircle's configuration \
                 (community admins are not moderators as such).",
            );
        }
        role => reply = reply.text(format!("Who: {role}s only.")),
    }
    let mut opts: Vec<String> = Vec::new();
    if let Some(arg) = &spec.arg {
        opts.push(format!("{}: {}", arg.name, arg.help));
    }
    for o in spec.options {
        let kind = match o.kind {
            OptKind::Number => " (a number)",
            _ => "",
        };
        opts.push(format!("{}:{kind} {}", o.name, o.help));
    }
    if !opts.is_empty() {
        reply = reply.block(Block::Bullets(opts));
    }
    reply.footer(format!("Examples: {}", spec.examples.join("  |  ")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rights(role: Role, moderator: bool) -> Rights {
        Rights { role, moderator }
    }

    #[test]
    fn help_lists_member_commands_and_offers_moderator_ones_only_to_moderators() {
        let text = help(None, rights(Role::Member, false), Platform::Discord)
            .unwrap()
            .to_plain_text();
        assert!(text.contains("/findgroup"), "{text}");
        assert!(!text.contains("/group add"), "{text}");
        assert!(text.contains("use /suggestgroup"), "{text}");
        assert!(text.contains("/crisis"));
        assert!(!text.contains(":react"));
        // A community admin is not a directory moderator.
        let text = help(None, rights(Role::Admin, false), Platform::Console)
            .unwrap()
            .to_plain_text();
        assert!(
            !text.contains("/group add")
                && !text.contains("/review")
                && text.contains(":react MSG EMOJI"),
            "{text}"
        );
        // A moderator who is only a member where they ask is offered them.
        let text = help(None, rights(Role::Member, true), Platform::Discord)
            .unwrap()
            .to_plain_text();
        assert!(
            text.contains("/group add") && text.contains("/review approve"),
            "{text}"
        );
        assert!(!text.contains("use /suggestgroup"), "{text}");
        let text = help(
            Some("review"),
            rights(Role::Admin, false),
            Platform::Discord,
        )
        .unwrap()
        .to_plain_text();
        assert!(
            text.contains("for the directory's moderators") && !text.contains("approve"),
            "{text}"
        );
        let text = help(
            Some("group add"),
            rights(Role::Admin, false),
            Platform::Discord,
        )
        .unwrap()
        .to_plain_text();
        assert!(
            text.contains("Who: the directory's moderators only"),
            "{text}"
        );
    }

    #[test]
    fn help_on_a_command_group_lists_only_what_the_asker_can_run() {
        let text = help(
            Some("meetup"),
            rights(Role::Member, false),
            Platform::Matrix,
        )
        .unwrap()
        .to_plain_text();
        assert!(
            text.contains("/meetup list") && !text.contains("/meetup create"),
            "{text}"
        );
        assert!(
            text.contains("There are more /meetup commands for organizers."),
            "{text}"
        );
        let text = help(
            Some("meetup"),
            rights(Role::Organizer, false),
            Platform::Discord,
        )
        .unwrap()
        .to_plain_text();
        assert!(
            text.contains("/meetup create") && !text.contains("There are more"),
            "{text}"
        );
        let text = help(
            Some("checkin"),
            rights(Role::Member, false),
            Platform::Console,
        )
        .unwrap()
        .to_plain_text();
        assert!(
            !text.contains("/checkin stats") && text.contains("for admins"),
            "{text}"
        );
    }

    #[test]
    fn help_for_one_command_shows_options_and_examples() {
        let text = help(
            Some("findgroup"),
            rights(Role::Member, false),
            Platform::Console,
        )
        .unwrap()
        .to_plain_text();
        assert!(
            text.contains("specialty:") && text.contains("Examples:"),
            "{text}"
        );
        let text = help(
            Some("/group"),
            rights(Role::Member, false),
            Platform::Console,
        )
        .unwrap()
        .to_plain_text();
        assert!(text.contains("/group show KEY"), "{text}");
        assert!(!text.contains("/group edit"), "{text}");
        let err = help(
            Some("findgrop"),
            rights(Role::Member, false),
            Platform::Console,
        )
        .unwrap_err();
        assert!(err.0.contains("Did you mean /help findgroup?"), "{err}");
    }
}
