//! Conferences and events: listing them and their calendar files.

use super::{ArgSpec, Command, CommandSpec, Invocation, OptKind, OptSpec, UserError, is};
use crate::domain::identity::Role;
use crate::domain::vocab::{Specialty, State, Vocab};

/// An events command, typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EventsCommand {
    /// `/events [STATE] [specialty:…]`.
    List {
        state: Option<State>,
        specialty: Option<Specialty>,
    },
    /// `/events ics KEY`.
    Ics(String),
    /// `/events subscribe [STATE]`: news of new events, national and the state's (or all).
    Subscribe(Option<State>),
    /// `/events unsubscribe`.
    Unsubscribe,
}

impl From<EventsCommand> for Command {
    fn from(c: EventsCommand) -> Command {
        Command::Events(c)
    }
}

const USAGE: &str = "Use /events, /events STATE (like /events OH), /events specialty:histo, \
                     /events ics KEY (the key in [brackets] after an event), /events subscribe \
                     [STATE] or /events unsubscribe.";

fn events(inv: &Invocation) -> Result<Command, UserError> {
    let words: Vec<&str> = inv.arg_text().split_whitespace().collect();
    if words.first().is_some_and(|w| w.eq_ignore_ascii_case("ics")) {
        return match words.as_slice() {
            [_, key] => Ok(EventsCommand::Ics(key.to_lowercase()).into()),
            [_] => Err(UserError::new(format!(
                "/events ics needs the event's key. {USAGE}"
            ))),
            _ => Err(UserError::new(format!(
                "/events ics takes one key, not \"{}\". {USAGE}",
                words[1..].join(" ")
            ))),
        };
    }
    let first = words.first().map(|w| w.to_lowercase());
    match first.as_deref() {
        Some("subscribe") => {
            let rest = words[1..].join(" ");
            let given = (!rest.is_empty()).then_some(rest).or(inv.option("state"));
            let state = given
                .map(|s| State::parse(&s))
                .transpose()
                .map_err(|e| UserError::new(format!("{e} {USAGE}")))?;
            return Ok(EventsCommand::Subscribe(state).into());
        }
        Some("unsubscribe") if words.len() == 1 => return Ok(EventsCommand::Unsubscribe.into()),
        Some("unsubscribe") => {
            return Err(UserError::new(
                "/events unsubscribe takes nothing more: it stops all your new-event notices.",
            ));
        }
        _ => {}
    }
    let parse_state =
        |text: &str| State::parse(text).map_err(|e| UserError::new(format!("{e} {USAGE}")));
    let from_arg = (!words.is_empty())
        .then(|| parse_state(&words.join(" ")))
        .transpose()?;
    let from_option = inv.option("state").map(|s| parse_state(&s)).transpose()?;
    let state = match (from_arg, from_option) {
        (Some(a), Some(b)) if a != b => {
            return Err(UserError::new(format!(
                "Give one state, not {} and {}. {USAGE}",
                a.code(),
                b.code()
            )));
        }
        (a, b) => a.or(b),
    };
    let specialty = inv
        .option("specialty")
        .map(|s| Specialty::parse(&s).map_err(|e| UserError::new(format!("{e} {USAGE}"))))
        .transpose()?;
    Ok(EventsCommand::List { state, specialty }.into())
}

/// The events commands, in the order `/help` lists them.
pub(super) static SPECS: &[CommandSpec] = &[CommandSpec {
    name: "events",
    parse: events,
    private: false,
    summary: "Conferences, Lab Week and other events for lab professionals",
    details: "Lists upcoming events with dates first, soonest first, then the ones held \
              regularly with the month they are usually held in (\"dates not announced yet; \
              usually late April\"). Give a state for national events and that state's own; \
              specialty: narrows to a discipline. /events ics KEY gives a calendar file for an \
              event whose dates are confirmed. /events subscribe [STATE] tells you privately \
              when a new event is added (national ones and the state's; all without a state); \
              /events unsubscribe stops it.",
    role: Role::Member,
    arg: Some(ArgSpec::optional_words(
        "STATE | ics KEY | subscribe [STATE] | unsubscribe",
        "a US state; ics and an event's key; subscribe, optionally with a state; or unsubscribe",
    )),
    options: &[
        OptSpec {
            name: "state",
            aliases: &[],
            help: "a US state",
            kind: OptKind::Word(is::<State>),
        },
        OptSpec {
            name: "specialty",
            aliases: &[],
            help: "a lab discipline",
            kind: OptKind::Word(is::<Specialty>),
        },
    ],
    examples: &[
        "/events",
        "/events OH",
        "/events specialty:micro",
        "/events ics adlm-annual",
        "/events subscribe OH",
    ],
}];
