//! Help and crisis lines: what every member can ask for, anywhere.

use super::{ArgSpec, Command, CommandSpec, Invocation, UserError};
use crate::domain::identity::Role;

/// A help command, typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HelpCommand {
    /// `/help [COMMAND]`.
    Help(Option<String>),
    /// `/crisis`.
    Crisis,
}

impl From<HelpCommand> for Command {
    fn from(c: HelpCommand) -> Command {
        Command::Help(c)
    }
}

fn help(inv: &Invocation) -> Result<Command, UserError> {
    Ok(HelpCommand::Help(inv.arg.clone()).into())
}

fn crisis(_: &Invocation) -> Result<Command, UserError> {
    Ok(HelpCommand::Crisis.into())
}

/// The help commands, in the order `/help` lists them.
pub(super) static SPECS: &[CommandSpec] = &[
    CommandSpec {
        name: "help",
        parse: help,
        private: false,
        summary: "List commands, or explain one",
        details: "Without a name, lists every command you can use. With a name, shows how to use it.",
        role: Role::Member,
        arg: Some(ArgSpec {
            name: "COMMAND",
            help: "a command name",
            required: false,
            rest: true,
        }),
        options: &[],
        examples: &["/help", "/help findgroup"],
    },
    CommandSpec {
        name: "crisis",
        parse: crisis,
        private: false,
        summary: "Crisis and support lines, right now",
        details: "Lists free, confidential US crisis and support lines. The bot is not monitored \
                  and is not an emergency service: in danger, call 911.",
        role: Role::Member,
        arg: None,
        options: &[],
        examples: &["/crisis"],
    },
];
