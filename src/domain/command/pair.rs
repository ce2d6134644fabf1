//! Networking and mentorship pairing: opting in, settings, pausing, leaving, and answering an
//! introduction.

use super::{ArgSpec, Command, CommandSpec, Invocation, OptKind, OptSpec, UserError, is};
use crate::domain::identity::Role as CommunityRole;
use crate::domain::pairing::{self, MAX_PAUSE_WEEKS, Role, Shift};
use crate::domain::vocab::{Specialty, State};

/// What `/pair join` or `/pair settings` changes; `None`: left as it is (or the default).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PairChanges {
    pub role: Option<Role>,
    /// `Some(None)`: cleared with `none`.
    pub specialty: Option<Option<Specialty>>,
    pub state: Option<Option<State>>,
    pub shift: Option<Option<Shift>>,
    pub interests: Option<Vec<String>>,
    pub every_weeks: Option<u8>,
    pub capacity: Option<u8>,
}

impl PairChanges {
    /// Whether nothing was given.
    pub fn is_empty(&self) -> bool {
        *self == PairChanges::default()
    }
}

/// Did a pairing's members meet?
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Met {
    Yes,
    No,
    NotYet,
}

impl Met {
    /// The stored word.
    pub fn code(self) -> &'static str {
        match self {
            Met::Yes => "yes",
            Met::No => "no",
            Met::NotYet => "notyet",
        }
    }
}

/// A pairing command, typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PairCommand {
    /// `/pair join role:… [specialty:…] …`.
    Join(PairChanges),
    /// `/pair settings [options]`: shows them, or changes the ones given.
    Settings(PairChanges),
    /// `/pair pause WEEKS`.
    Pause(u32),
    /// `/pair leave`.
    Leave,
    /// `/pair status`.
    Status,
    /// `/pair accept`: yes to the current introduction.
    Accept,
    /// `/pair skip`: not this time.
    Skip,
    /// `/pair report REASON`: tells the moderators and ends the pairing.
    Report(String),
    /// `/pair met yes|no|notyet`.
    Met(Met),
    /// `/pair stats`: counts for admins.
    Stats,
}

impl From<PairCommand> for Command {
    fn from(c: PairCommand) -> Command {
        Command::Pair(c)
    }
}

type Parsed = Result<Command, UserError>;

fn changes(inv: &Invocation) -> Result<PairChanges, UserError> {
    let role = inv
        .option("role")
        .map(|r| pairing::parse_role(&r))
        .transpose()
        .map_err(UserError::new)?;
    let none = |s: &str| s.eq_ignore_ascii_case("none");
    let specialty = super::clearable::<Specialty>(inv.option("specialty"))?;
    let state = super::clearable::<State>(inv.option("state"))?;
    let shift = inv
        .option("shift")
        .map(|s| {
            if none(&s) {
                Ok(None)
            } else {
                pairing::parse_shift(&s).map(Some)
            }
        })
        .transpose()
        .map_err(UserError::new)?;
    let interests = inv
        .option("interests")
        .map(|s| {
            if none(&s) {
                Ok(Vec::new())
            } else {
                pairing::parse_interests(&s)
            }
        })
        .transpose()
        .map_err(UserError::new)?;
    let every_weeks = inv
        .option("every")
        .map(|s| pairing::parse_every(&s))
        .transpose()
        .map_err(UserError::new)?;
    let capacity = inv
        .option("capacity")
        .map(|s| match s.trim().parse::<u8>() {
            Ok(n @ 1..=3) => Ok(n),
            _ => Err(UserError::new(format!(
                "capacity: takes 1, 2 or 3 (mentees a round), not \"{}\".",
                crate::domain::mentions::neutralize(&s)
            ))),
        })
        .transpose()?;
    Ok(PairChanges {
        role,
        specialty,
        state,
        shift,
        interests,
        every_weeks,
        capacity,
    })
}

fn join(inv: &Invocation) -> Parsed {
    Ok(PairCommand::Join(changes(inv)?).into())
}

fn settings(inv: &Invocation) -> Parsed {
    Ok(PairCommand::Settings(changes(inv)?).into())
}

fn pause(inv: &Invocation) -> Parsed {
    let text = inv.arg_text().trim().to_lowercase();
    let number = text.trim_end_matches('w').trim_end_matches("weeks").trim();
    match number.parse::<u32>() {
        Ok(n) if (1..=MAX_PAUSE_WEEKS).contains(&n) => Ok(PairCommand::Pause(n).into()),
        _ => Err(UserError::new(format!(
            "/pair pause takes a number of weeks from 1 to {MAX_PAUSE_WEEKS}, like /pair pause 4; \
             \"{}\" is not one.",
            crate::domain::mentions::neutralize(inv.arg_text())
        ))),
    }
}

fn met(inv: &Invocation) -> Parsed {
    let answer = match inv
        .arg_text()
        .trim()
        .to_lowercase()
        .replace([' ', '-'], "")
        .as_str()
    {
        "yes" | "y" => Met::Yes,
        "no" | "n" => Met::No,
        "notyet" => Met::NotYet,
        _ => {
            return Err(UserError::new(format!(
                "/pair met takes yes, no or notyet, not \"{}\".",
                crate::domain::mentions::neutralize(inv.arg_text())
            )));
        }
    };
    Ok(PairCommand::Met(answer).into())
}

fn report(inv: &Invocation) -> Parsed {
    let reason = inv.arg_text().trim();
    if reason.chars().count() > 500 {
        return Err(UserError::new(
            "A report's reason can be at most 500 characters; please shorten it.",
        ));
    }
    Ok(PairCommand::Report(reason.to_owned()).into())
}

fn role_ok(s: &str) -> bool {
    pairing::parse_role(s).is_ok()
}
fn shift_ok(s: &str) -> bool {
    s.eq_ignore_ascii_case("none") || pairing::parse_shift(s).is_ok()
}
fn every_ok(s: &str) -> bool {
    pairing::parse_every(s).is_ok()
}

const OPTIONS: &[OptSpec] = &[
    OptSpec {
        name: "role",
        aliases: &[],
        help: "peer, mentor or mentee",
        kind: OptKind::Word(role_ok),
    },
    OptSpec {
        name: "specialty",
        aliases: &[],
        help: "a lab discipline (or none); default: your /profile",
        kind: OptKind::Word(|s| is::<Specialty>(s) || s.eq_ignore_ascii_case("none")),
    },
    OptSpec {
        name: "state",
        aliases: &[],
        help: "a US state (or none); default: your /profile",
        kind: OptKind::Word(|s| is::<State>(s) || s.eq_ignore_ascii_case("none")),
    },
    OptSpec {
        name: "shift",
        aliases: &[],
        help: "day, evening, night or rotating (or none)",
        kind: OptKind::Word(shift_ok),
    },
    OptSpec {
        name: "interests",
        aliases: &[],
        help: "up to 5 interests, separated by commas (or none)",
        kind: OptKind::Text,
    },
    OptSpec {
        name: "every",
        aliases: &[],
        help: "2w or 4w: how often you'd like an introduction",
        kind: OptKind::Word(every_ok),
    },
    OptSpec {
        name: "capacity",
        aliases: &[],
        help: "mentors: 1 to 3 mentees a round",
        kind: OptKind::Number,
    },
];

const fn spec(
    name: &'static str,
    parse: fn(&Invocation) -> Parsed,
    summary: &'static str,
    details: &'static str,
    arg: Option<ArgSpec>,
    options: &'static [OptSpec],
    examples: &'static [&'static str],
) -> CommandSpec {
    CommandSpec {
        name,
        parse,
        private: true,
        summary,
        details,
        role: CommunityRole::Member,
        arg,
        options,
        examples,
    }
}

/// The pairing commands, in the order `/help` lists them.
pub(super) static SPECS: &[CommandSpec] = &[
    spec(
        "pair join",
        join,
        "Opt in to being introduced to a peer, a mentor or a mentee",
        "Each round (every two weeks by default) you may get a private introduction to a \
         colleague, described only by profile (\"a night-shift MLS in Ohio who also likes \
         hiking\"). Names and handles are shared only when both of you accept. Specialty and \
         state default to your /profile.",
        None,
        OPTIONS,
        &[
            "/pair join role:peer shift:night interests:hiking, baking",
            "/pair join role:mentor specialty:micro capacity:2",
            "/pair join role:mentee specialty:histo every:4w",
        ],
    ),
    spec(
        "pair settings",
        settings,
        "See or change your pairing settings",
        "Without options, shows what you gave; with options (the same as /pair join), changes \
         them.",
        None,
        OPTIONS,
        &["/pair settings", "/pair settings shift:day"],
    ),
    spec(
        "pair pause",
        pause,
        "No introductions for a few weeks",
        "Pauses pairing for 1 to 12 weeks; you stay opted in.",
        Some(ArgSpec::one("WEEKS", "a number of weeks, 1 to 12")),
        &[],
        &["/pair pause 4"],
    ),
    spec(
        "pair leave",
        leave,
        "Stop pairing",
        "Opts you out; /pair join brings you back.",
        None,
        &[],
        &["/pair leave"],
    ),
    spec(
        "pair status",
        status,
        "Where you stand in pairing",
        "Whether you are opted in or paused, and your current introduction.",
        None,
        &[],
        &["/pair status"],
    ),
    spec(
        "pair accept",
        accept,
        "Yes to this round's introduction",
        "When everyone accepts, each of you learns how to reach the other.",
        None,
        &[],
        &["/pair accept"],
    ),
    spec(
        "pair skip",
        skip,
        "Not this time",
        "The others are told kindly that it won't go ahead, never who skipped.",
        None,
        &[],
        &["/pair skip"],
    ),
    spec(
        "pair report",
        report,
        "Tell the moderators about a pairing, and end it",
        "Ends your current pairing and tells the moderators, with your reason.",
        Some(ArgSpec::optional_words(
            "REASON",
            "what happened, in a few words",
        )),
        &[],
        &["/pair report they were rude"],
    ),
    spec(
        "pair met",
        met,
        "Say whether you met your pairing",
        "Answers the follow-up a week after an introduction: yes, no or notyet.",
        Some(ArgSpec::one("ANSWER", "yes, no or notyet")),
        &[],
        &["/pair met yes"],
    ),
    CommandSpec {
        name: "pair stats",
        parse: stats,
        private: true,
        summary: "Pairing counts for this community",
        details: "Counts of introductions, accepts and meetings, shown only when large enough \
                  that nobody can be picked out.",
        role: CommunityRole::Admin,
        arg: None,
        options: &[],
        examples: &["/pair stats"],
    },
];

fn leave(_: &Invocation) -> Parsed {
    Ok(PairCommand::Leave.into())
}
fn status(_: &Invocation) -> Parsed {
    Ok(PairCommand::Status.into())
}
fn accept(_: &Invocation) -> Parsed {
    Ok(PairCommand::Accept.into())
}
fn skip(_: &Invocation) -> Parsed {
    Ok(PairCommand::Skip.into())
}
fn stats(_: &Invocation) -> Parsed {
    Ok(PairCommand::Stats.into())
}
