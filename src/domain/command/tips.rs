//! The tips library: sharing, browsing, voting, saving, reporting and moderating tips.

use super::{ArgSpec, Command, CommandSpec, Invocation, OptKind, OptSpec, UserError, number};
use crate::domain::identity::Role;
use crate::domain::member_text::{self, Lines};
use crate::domain::tips::{MAX_REASON_CHARS, MAX_TIP_CHARS, Topic};

/// A tips command, typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TipCommand {
    /// `/tips [TOPIC or words]`: a topic when the words name one, else words to look for.
    Browse {
        topic: Option<Topic>,
        words: Option<String>,
        page: usize,
    },
    /// `/tips saved`: the member's private list.
    Saved,
    /// `/tip share topic:… text:…`.
    Share {
        topic: Topic,
        text: String,
    },
    Show(i64),
    Save(i64),
    Unsave(i64),
    Helpful(i64),
    /// `/tip report ID reason:…`.
    Report {
        id: i64,
        reason: String,
    },
    /// `/tip approve ID`: a moderator makes a waiting or reported tip live.
    Approve(i64),
    /// `/tip remove ID`: a moderator removes a tip for good.
    Remove(i64),
}

impl From<TipCommand> for Command {
    fn from(c: TipCommand) -> Command {
        Command::Tips(c)
    }
}

type Parsed = Result<Command, UserError>;

fn tips(inv: &Invocation) -> Parsed {
    let text = inv.arg_text().trim();
    let page = inv
        .option("page")
        .map(|p| {
            number(&p)
                .and_then(|n| usize::try_from(n).ok())
                .ok_or_else(|| {
                    UserError::new(format!(
                        "page:{p} is not a page number; use page:2, page:3 …"
                    ))
                })
        })
        .transpose()?
        .unwrap_or(1);
    if text.eq_ignore_ascii_case("saved") {
        return Ok(TipCommand::Saved.into());
    }
    if text.is_empty() {
        return Ok(TipCommand::Browse {
            topic: None,
            words: None,
            page,
        }
        .into());
    }
    Ok(match Topic::parse(text) {
        Some(topic) => TipCommand::Browse {
            topic: Some(topic),
            words: None,
            page,
        },
        None => TipCommand::Browse {
            topic: Topic::find_in(text),
            words: Topic::find_in(text).is_none().then(|| text.to_owned()),
            page,
        },
    }
    .into())
}

/// The tip number an invocation names (`/tip show 12`, `#12`).
fn tip_id(inv: &Invocation) -> Result<i64, UserError> {
    let given = inv.arg_text();
    number(given).ok_or_else(|| {
        UserError::new(format!(
            "\"{given}\" is not a tip number; give the number shown as Tip #N, like /{} 12.",
            inv.spec.name
        ))
    })
}

fn share(inv: &Invocation) -> Parsed {
    const HOW: &str = "Share like this: /tip share topic:breaks text:Take your break away from \
                       the bench, even ten minutes.";
    let topic = match inv.option("topic") {
        Some(t) => Topic::parse(&t).ok_or_else(|| {
            UserError::new(format!(
                "\"{t}\" is not a tip topic. Accepted: {}. Nothing was shared.",
                Topic::accepted()
            ))
        })?,
        None => {
            return Err(UserError::new(format!(
                "A tip needs a topic:. Accepted: {}. {HOW}",
                Topic::accepted()
            )));
        }
    };
    let text = inv.option("text").unwrap_or_default();
    if text.is_empty() {
        return Err(UserError::new(format!("A tip needs its text:. {HOW}")));
    }
    let length = text.chars().count();
    if length > MAX_TIP_CHARS {
        return Err(UserError::new(format!(
            "That tip is {length} characters; a tip can be at most {MAX_TIP_CHARS}. Please \
             shorten it; nothing was shared."
        )));
    }
    member_text::check("text", &text, Lines::Several)?;
    Ok(TipCommand::Share { topic, text }.into())
}

fn report(inv: &Invocation) -> Parsed {
    let id = tip_id(inv)?;
    let reason = inv.option("reason").unwrap_or_default();
    if reason.is_empty() {
        return Err(UserError::new(format!(
            "Say why in reason:, like /tip report {id} reason:gives medical advice. Nothing was \
             reported."
        )));
    }
    let length = reason.chars().count();
    if length > MAX_REASON_CHARS {
        return Err(UserError::new(format!(
            "That reason is {length} characters; at most {MAX_REASON_CHARS}. Nothing was \
             reported."
        )));
    }
    member_text::check("reason", &reason, Lines::Several)?;
    Ok(TipCommand::Report { id, reason }.into())
}

fn show(inv: &Invocation) -> Parsed {
    Ok(TipCommand::Show(tip_id(inv)?).into())
}
fn save(inv: &Invocation) -> Parsed {
    Ok(TipCommand::Save(tip_id(inv)?).into())
}
fn unsave(inv: &Invocation) -> Parsed {
    Ok(TipCommand::Unsave(tip_id(inv)?).into())
}
fn helpful(inv: &Invocation) -> Parsed {
    Ok(TipCommand::Helpful(tip_id(inv)?).into())
}
fn approve(inv: &Invocation) -> Parsed {
    Ok(TipCommand::Approve(tip_id(inv)?).into())
}
fn remove(inv: &Invocation) -> Parsed {
    Ok(TipCommand::Remove(tip_id(inv)?).into())
}

fn is_topic(s: &str) -> bool {
    Topic::parse(s).is_some()
}

const ID: ArgSpec = ArgSpec::one("ID", "the tip's number, shown as Tip #N");

/// A `/tip …` command that takes only the tip's number.
macro_rules! by_id {
    ($name:literal, $parse:ident, $private:literal, $role:expr, $summary:literal, $details:literal) => {
        CommandSpec {
            name: $name,
            parse: $parse,
            private: $private,
            summary: $summary,
            details: $details,
            role: $role,
            arg: Some(ID),
            options: &[],
            examples: &[concat!("/", $name, " 12")],
        }
    };
}

/// The tips commands, in the order `/help` lists them.
pub(super) static SPECS: &[CommandSpec] = &[
    CommandSpec {
        name: "tips",
        parse: tips,
        private: false,
        summary: "Practical tips from peers, most helpful first",
        details: "Lists tips shared in this community and the starting set, most helpful first. \
                  Give a topic (workload, short staffing, night shift, sleep, breaks, difficult \
                  conversations, errors and blame, career, studying, new grads, self-care, \
                  asking for help, leading a team) or words to look for. /tips saved shows your \
                  saved tips, privately.",
        role: Role::Member,
        arg: Some(ArgSpec::optional_words(
            "TOPIC | words | saved",
            "a topic, words to look for, or saved",
        )),
        options: &[OptSpec {
            name: "page",
            aliases: &[],
            help: "which page of tips",
            kind: OptKind::Number,
        }],
        examples: &[
            "/tips",
            "/tips night shift",
            "/tips short staffed",
            "/tips saved",
        ],
    },
    CommandSpec {
        name: "tip share",
        parse: share,
        private: true,
        summary: "Share a practical tip with peers",
        details: "Shares a tip in your own words (at most 600 characters, no patient \
                  information). Depending on this community, it waits for a moderator or is \
                  live at once. Others see you only as your /profile describes you (\"a \
                  phlebotomist in TX\", or \"a member\").",
        role: Role::Member,
        arg: None,
        options: &[
            OptSpec {
                name: "topic",
                aliases: &[],
                help: "what the tip is about (workload, night shift, breaks, …)",
                kind: OptKind::Word(is_topic),
            },
            field_opt!("text", [], "the tip, at most 600 characters"),
        ],
        examples: &[
            "/tip share topic:breaks text:Take your break away from the bench, even ten minutes.",
        ],
    },
    by_id!(
        "tip show",
        show,
        false,
        Role::Member,
        "One tip in full",
        "Shows the tip with its author line or source. React 👍 on it if it helped."
    ),
    by_id!(
        "tip helpful",
        helpful,
        true,
        Role::Member,
        "Say a tip helped you",
        "One vote per member per tip (a 👍 reaction on a shown tip counts the same); helpful \
         tips are listed first. Not on your own tips."
    ),
    by_id!(
        "tip save",
        save,
        true,
        Role::Member,
        "Keep a tip in your private list",
        "Adds the tip to your saved list (/tips saved), which only you see."
    ),
    by_id!(
        "tip unsave",
        unsave,
        true,
        Role::Member,
        "Take a tip off your saved list",
        "Removes the tip from your saved list."
    ),
    CommandSpec {
        name: "tip report",
        parse: report,
        private: true,
        summary: "Ask the moderators to look at a tip",
        details: "Sends the tip to the moderators with your reason (at most 300 characters). \
                  One report per member per tip. Where tips are moderated after sharing, a \
                  reported tip is hidden until a moderator decides.",
        role: Role::Member,
        arg: Some(ID),
        options: &[field_opt!("reason", ["why"], "why the tip needs a look")],
        examples: &["/tip report 12 reason:gives medical advice"],
    },
    by_id!(
        "tip approve",
        approve,
        true,
        Role::Moderator,
        "Make a waiting or reported tip live",
        "For moderators: the tip goes live (or back live after reports); its reports are \
         closed. /review lists tips waiting."
    ),
    by_id!(
        "tip remove",
        remove,
        true,
        Role::Moderator,
        "Remove a tip for good",
        "For moderators: the tip is no longer shown anywhere; a removed starting-set tip is \
         never brought back."
    ),
];
