//! A member's own account: their optional profile, and seeing or deleting what the bot holds.

use super::{
    ArgSpec, Command, CommandSpec, Invocation, OptKind, OptSpec, UserError, clearable, is,
};
use crate::domain::identity::Role;
use crate::domain::vocab::{Specialty, State};

/// An account and privacy command, typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AccountCommand {
    /// `/profile [specialty:…] [state:…]`. For each: `None` leave as is; `Some(None)` remove.
    Profile {
        specialty: Option<Option<Specialty>>,
        state: Option<Option<State>>,
    },
    /// `/mydata`.
    MyData,
    /// `/forgetme [confirm] [tips:delete|keep]`: without the word, it only explains. A member
    /// who wrote tips says whether they are deleted (`Some(false)`) or kept without their name
    /// (`Some(true)`); `None`: not said (asked before anything is deleted).
    ForgetMe {
        confirmed: bool,
        keep_tips: Option<bool>,
    },
}

impl From<AccountCommand> for Command {
    fn from(c: AccountCommand) -> Command {
        Command::Account(c)
    }
}

type Parsed = Result<Command, UserError>;

fn profile(inv: &Invocation) -> Parsed {
    Ok(AccountCommand::Profile {
        specialty: clearable::<Specialty>(inv.option("specialty"))?,
        state: clearable::<State>(inv.option("state"))?,
    }
    .into())
}

fn mydata(_: &Invocation) -> Parsed {
    Ok(AccountCommand::MyData.into())
}

fn forgetme(inv: &Invocation) -> Parsed {
    let confirmed = match inv.arg.as_deref().map(str::to_lowercase).as_deref() {
        None => false,
        Some("confirm") => true,
        Some(other) => {
            return Err(UserError::new(format!(
                "\"{other}\" is not the word confirm. /forgetme explains what it deletes; \
                 /forgetme confirm deletes it."
            )));
        }
    };
    let keep_tips = match inv.option("tips").map(|t| t.to_lowercase()).as_deref() {
        None => None,
        Some("delete") => Some(false),
        Some("keep" | "anonymous") => Some(true),
        Some(other) => {
            return Err(UserError::new(format!(
                "tips:{other} is not a choice. tips:delete deletes the tips you wrote; \
                 tips:keep keeps them for others without your name. Nothing was deleted."
            )));
        }
    };
    Ok(AccountCommand::ForgetMe {
        confirmed,
        keep_tips,
    }
    .into())
}

/// The account commands, in the order `/help` lists them.
pub(super) static SPECS: &[CommandSpec] = &[
    CommandSpec {
        name: "profile",
        parse: profile,
        private: true,
        summary: "Your specialty and state, for matching peer groups",
        details: "Optional. Used only to suggest peer groups alongside support resources. \
                  specialty:none or state:none removes one.",
        role: Role::Member,
        arg: None,
        options: &[
            OptSpec {
                name: "specialty",
                aliases: &[],
                help: "your discipline, or none",
                kind: OptKind::Word(|s| is::<Specialty>(s) || s.eq_ignore_ascii_case("none")),
            },
            OptSpec {
                name: "state",
                aliases: &[],
                help: "your US state, or none",
                kind: OptKind::Word(|s| is::<State>(s) || s.eq_ignore_ascii_case("none")),
            },
        ],
        examples: &["/profile", "/profile specialty:histo state:OH"],
    },
    CommandSpec {
        name: "mydata",
        parse: mydata,
        private: true,
        summary: "Everything the bot stores about you, privately",
        details: "Sends you, privately, a short summary of what labcircle keeps about you \
                  (dates in your time zone), with everything in full attached as a file.",
        role: Role::Member,
        arg: None,
        options: &[],
        examples: &["/mydata"],
    },
    CommandSpec {
        name: "forgetme",
        parse: forgetme,
        private: true,
        summary: "Delete everything the bot stores about you",
        details: "Deletes your check-ins, answers, schedule, profile, meetup answers and notices, \
                  suggestions, reports, saved tips and votes, and stops all prompts. Tips you wrote are \
                  deleted (tips:delete) or kept without your name (tips:keep); it asks which. It cannot be undone, so it asks first: confirm with \
                  /forgetme confirm.",
        role: Role::Member,
        arg: Some(ArgSpec {
            name: "confirm",
            help: "the word confirm",
            required: false,
            rest: false,
        }),
        options: &[OptSpec {
            name: "tips",
            aliases: &[],
            help: "the tips you wrote: delete, or keep without your name",
            kind: OptKind::Word(|s| {
                ["delete", "keep", "anonymous"].contains(&s.to_lowercase().as_str())
            }),
        }],
        examples: &[
            "/forgetme",
            "/forgetme confirm",
            "/forgetme confirm tips:keep",
        ],
    },
];
