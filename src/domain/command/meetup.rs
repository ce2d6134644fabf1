//! Meetups: organizers announce them, members RSVP, admins share them into their community.

use chrono_tz::Tz;

use super::{
    ArgSpec, Command, CommandSpec, Invocation, OptKind, OptSpec, UserError, clearable, is, number,
};
use crate::domain::directory::check_url;
use crate::domain::identity::Role;
use crate::domain::member_text::{self, Lines};
use crate::domain::schedule;
use crate::domain::series;
use crate::domain::vocab::{State, Vocab};

/// A meetup command, typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MeetupCommand {
    Create(MeetupDraft),
    /// `/meetup list [STATE]`.
    List(Option<State>),
    Show(i64),
    Edit(i64, MeetupDraft),
    Cancel {
        id: i64,
        reason: Option<String>,
        whole_series: bool,
    },
    Ics(i64),
    Share(i64),
    /// `/meetup unshare ID`: withdraw this community's announcement of a shared meetup.
    Unshare(i64),
    /// `/meetup reminders on|off`.
    Reminders(bool),
    Subscribe(State),
    /// `None`: every subscription.
    Unsubscribe(Option<State>),
}

impl From<MeetupCommand> for Command {
    fn from(c: MeetupCommand) -> Command {
        Command::Meetup(c)
    }
}

type Parsed = Result<Command, UserError>;

/// The fields given to `/meetup create` or `/meetup edit` (`None`: not given).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MeetupDraft {
    pub title: Option<String>,
    /// As typed; read in the meetup's zone when handled (it needs "now").
    pub when: Option<String>,
    pub zone: Option<Tz>,
    pub location: Option<String>,
    pub state: Option<Option<State>>,
    pub capacity: Option<Option<u32>>,
    pub link: Option<Option<String>>,
    pub description: Option<Option<String>>,
    /// Only when creating: a recurring series.
    pub repeat: Option<series::Repeat>,
    pub until: Option<chrono::NaiveDate>,
}

fn meetup_id(text: Option<&str>) -> Result<i64, UserError> {
    let text = text.unwrap_or_default();
    number(text).ok_or_else(|| {
        UserError::new(format!(
            "\"{text}\" is not a meetup number; /meetup list shows them (like 3 for #3)."
        ))
    })
}

fn meetup_draft(inv: &Invocation) -> Result<MeetupDraft, UserError> {
    let option = |name: &str| inv.option(name);
    // Everything here but `when:` is shown to others; `when:` is read as a time, and refused
    // the same way so no control character is ever echoed back.
    let text = |name: &str, max: usize, lines: Lines| -> Result<Option<String>, UserError> {
        match option(name) {
            None => Ok(None),
            Some(v) if v.is_empty() => Err(UserError::new(format!(
                "{name}: has nothing after it. Write something after {name}:, or leave it out; \
                 nothing was changed."
            ))),
            Some(v) if v.chars().count() > max => Err(UserError::new(format!(
                "{name}: is {} characters long; at most {max} are accepted.",
                v.chars().count()
            ))),
            Some(v) => {
                member_text::check(name, &v, lines)?;
                Ok(Some(v))
            }
        }
    };
    let none = |v: &str| v.eq_ignore_ascii_case("none");
    Ok(MeetupDraft {
        title: text("title", 120, Lines::One)?,
        when: text("when", 60, Lines::One)?,
        zone: option("tz")
            .map(|z| schedule::parse_zone(&z))
            .transpose()
            .map_err(UserError::from)?,
        location: text("where", 200, Lines::One)?,
        state: clearable::<State>(option("state"))?,
        capacity: option("capacity")
            .map(|c| {
                if none(&c) {
                    Ok(None)
                } else {
                    c.parse::<u32>()
                        .ok()
                        .filter(|n| (1..=10_000).contains(n))
                        .map(Some)
                        .ok_or_else(|| {
                            UserError::new(format!(
                                "capacity:{c} is not a number of places; use a whole number from \
                                 1 to 10000, or none for no limit."
                            ))
                        })
                }
            })
            .transpose()?,
        link: option("link")
            .map(|l| {
                if none(&l) {
                    Ok(None)
                } else {
                    check_url(&l)
                        .map(Some)
                        .map_err(|e| UserError::new(format!("link: {e}.")))
                }
            })
            .transpose()?,
        description: text("description", 1000, Lines::Several)?
            .map(|d| if none(&d) { None } else { Some(d) }),
        repeat: option("repeat")
            .map(|r| series::Repeat::parse(&r))
            .transpose()
            .map_err(UserError::from)?,
        until: option("until")
            .map(|u| {
                chrono::NaiveDate::parse_from_str(&u, "%Y-%m-%d").map_err(|_| {
                    UserError::new(format!("until:{u} is not a date; write it as YYYY-MM-DD."))
                })
            })
            .transpose()?,
    })
}

fn meetup_create(inv: &Invocation) -> Parsed {
    let draft = meetup_draft(inv)?;
    let missing: Vec<String> = [
        ("title", draft.title.is_none()),
        ("when", draft.when.is_none()),
        ("where", draft.location.is_none()),
    ]
    .into_iter()
    .filter(|(_, m)| *m)
    .map(|(n, _)| format!("{n}:"))
    .collect();
    if !missing.is_empty() {
        return Err(UserError::new(format!(
            "A meetup needs {}. Example: {}",
            missing.join(", "),
            inv.spec.examples.first().copied().unwrap_or_default()
        )));
    }
    if draft.until.is_some() && draft.repeat.is_none() {
        return Err(UserError::new(
            "until: ends a series; give repeat:weekly, biweekly or monthly too.",
        ));
    }
    Ok(MeetupCommand::Create(draft).into())
}

fn meetup_edit(inv: &Invocation) -> Parsed {
    let draft = meetup_draft(inv)?;
    if draft.repeat.is_some() || draft.until.is_some() {
        return Err(UserError::new(
            "repeat: and until: are set when a series is created; /meetup cancel ID \
             series:all ends one.",
        ));
    }
    let id = meetup_id(inv.arg.as_deref())?;
    if draft == MeetupDraft::default() {
        return Err(UserError::new(format!(
            "/meetup edit {id} needs at least one change, like when:Dec 5 7pm."
        )));
    }
    Ok(MeetupCommand::Edit(id, draft).into())
}

/// An optional state, the argument.
fn state_arg(inv: &Invocation) -> Result<Option<State>, UserError> {
    inv.arg
        .as_deref()
        .map(State::parse)
        .transpose()
        .map_err(|e| UserError::new(e.to_string()))
}

fn meetup_list(inv: &Invocation) -> Parsed {
    Ok(MeetupCommand::List(state_arg(inv)?).into())
}

fn meetup_show(inv: &Invocation) -> Parsed {
    Ok(MeetupCommand::Show(meetup_id(inv.arg.as_deref())?).into())
}

fn meetup_cancel(inv: &Invocation) -> Parsed {
    let reason = inv.option("reason").filter(|r| !r.is_empty());
    if reason.as_ref().is_some_and(|r| r.chars().count() > 300) {
        return Err(UserError::new("reason: can be at most 300 characters."));
    }
    // Attendees read the reason: the rules for text shown to others apply.
    if let Some(r) = &reason {
        member_text::check("reason", r, Lines::Several)?;
    }
    let whole_series = match inv.option("series").map(|s| s.to_lowercase()).as_deref() {
        None | Some("this") => false,
        Some("all") => true,
        Some(other) => {
            return Err(UserError::new(format!(
                "series:{other} is not a choice; series:all cancels every later \
                 occurrence, leaving it out cancels only this one."
            )));
        }
    };
    Ok(MeetupCommand::Cancel {
        id: meetup_id(inv.arg.as_deref())?,
        reason,
        whole_series,
    }
    .into())
}

fn meetup_ics(inv: &Invocation) -> Parsed {
    Ok(MeetupCommand::Ics(meetup_id(inv.arg.as_deref())?).into())
}

fn meetup_share(inv: &Invocation) -> Parsed {
    Ok(MeetupCommand::Share(meetup_id(inv.arg.as_deref())?).into())
}

fn meetup_unshare(inv: &Invocation) -> Parsed {
    Ok(MeetupCommand::Unshare(meetup_id(inv.arg.as_deref())?).into())
}

fn meetup_reminders(inv: &Invocation) -> Parsed {
    match inv.arg_text().to_lowercase().as_str() {
        "on" => Ok(MeetupCommand::Reminders(true).into()),
        "off" => Ok(MeetupCommand::Reminders(false).into()),
        _ => Err(UserError::new("Say on or off: /meetup reminders off")),
    }
}

fn meetup_subscribe(inv: &Invocation) -> Parsed {
    let state = State::parse(inv.arg_text()).map_err(|e| UserError::new(e.to_string()))?;
    Ok(MeetupCommand::Subscribe(state).into())
}

fn meetup_unsubscribe(inv: &Invocation) -> Parsed {
    Ok(MeetupCommand::Unsubscribe(state_arg(inv)?).into())
}

/// The fields of a meetup, for create and edit.
const MEETUP_FIELDS: &[OptSpec] = &[
    field_opt!("title", [], "what it is"),
    field_opt!(
        "when",
        [],
        "2026-12-05 18:30, Dec 5 6:30pm, 12/5 6:30pm PT, tomorrow 18:30, next Tuesday 7pm"
    ),
    OptSpec {
        name: "tz",
        aliases: &["timezone"],
        help: "time zone: Eastern, Central, … or America/Chicago (default: the community's)",
        kind: OptKind::Word(|s| schedule::parse_zone(s).is_ok()),
    },
    field_opt!("where", ["place", "location"], "where it is (or online)"),
    OptSpec {
        name: "state",
        aliases: &[],
        help: "a US state, for /meetup list and subscribers",
        kind: OptKind::Word(|s| is::<State>(s) || s.eq_ignore_ascii_case("none")),
    },
    OptSpec {
        name: "capacity",
        aliases: &[],
        help: "most places (none: no limit)",
        kind: OptKind::Word(|_| true),
    },
    OptSpec {
        name: "link",
        aliases: &["url"],
        help: "a web link (http or https)",
        kind: OptKind::Word(|_| true),
    },
    field_opt!("description", [], "a few words about it"),
    OptSpec {
        name: "repeat",
        aliases: &[],
        help: "weekly, biweekly or monthly: a series, each occurrence announced a week ahead",
        kind: OptKind::Word(|s| series::Repeat::parse(s).is_ok()),
    },
    OptSpec {
        name: "until",
        aliases: &[],
        help: "last date of a series, YYYY-MM-DD",
        kind: OptKind::Word(|_| true),
    },
];

/// The argument of several commands here.
const STATE_ARG: ArgSpec = ArgSpec::optional_words("STATE", "a US state");

/// The argument of several commands here.
const MEETUP_ID: ArgSpec = ArgSpec::one("ID", "the meetup's number");

/// The meetup commands, in the order `/help` lists them.
pub(super) static SPECS: &[CommandSpec] = &[
    CommandSpec {
        name: "meetup create",
        parse: meetup_create,
        private: false,
        summary: "Announce a meetup (organizers)",
        details: "Posts an announcement members RSVP to with reactions: ✅ going, 🤔 maybe, ❌ \
                  can't go. when: takes 2026-12-05 18:30, Dec 5 6:30pm, 12/5 6:30pm, tomorrow \
                  18:30, next Tuesday 7pm or in 2 weeks 7pm, in a zone named after the time \
                  (6:30pm PT, 7pm Central), in tz:, or else in the community's zone. A date \
                  that has passed needs its year. Going members (and maybe, unless they opt \
                  out) are reminded 24 hours and 1 hour before.",
        role: Role::Organizer,
        arg: None,
        options: MEETUP_FIELDS,
        examples: &[
            "/meetup create title:Histo night out when:Dec 5 6:30pm where:Brewpub on 5th state:OH capacity:12",
        ],
    },
    CommandSpec {
        name: "meetup list",
        parse: meetup_list,
        private: false,
        summary: "Upcoming meetups, optionally in one state",
        details: "The next meetups, soonest first.",
        role: Role::Member,
        arg: Some(STATE_ARG),
        options: &[],
        examples: &["/meetup list", "/meetup list OH"],
    },
    CommandSpec {
        name: "meetup show",
        parse: meetup_show,
        private: false,
        summary: "One meetup: details and counts",
        details: "Who answered is shown only to the organizer, privately.",
        role: Role::Member,
        arg: Some(MEETUP_ID),
        options: &[],
        examples: &["/meetup show 3"],
    },
    CommandSpec {
        name: "meetup edit",
        parse: meetup_edit,
        private: false,
        summary: "Change a meetup (its organizer, or its community's admins)",
        details: "Give only what changes. Everyone who answered, and the waitlist, is told what \
                  changed. capacity:none removes the limit.",
        role: Role::Organizer,
        arg: Some(MEETUP_ID),
        options: MEETUP_FIELDS,
        examples: &["/meetup edit 3 when:Dec 5 7pm"],
    },
    CommandSpec {
        name: "meetup cancel",
        parse: meetup_cancel,
        private: false,
        summary: "Cancel a meetup (its organizer, or its community's admins)",
        details: "Everyone who answered is told, with your reason; no reminders go out.",
        role: Role::Organizer,
        arg: Some(MEETUP_ID),
        options: &[
            OptSpec {
                name: "series",
                aliases: &[],
                help: "all: cancel every later occurrence of a recurring meetup too",
                kind: OptKind::Word(|s| {
                    s.eq_ignore_ascii_case("all") || s.eq_ignore_ascii_case("this")
                }),
            },
            OptSpec {
                name: "reason",
                aliases: &[],
                help: "why (everyone is told)",
                kind: OptKind::Text,
            },
        ],
        examples: &["/meetup cancel 3 reason:snowstorm"],
    },
    CommandSpec {
        name: "meetup ics",
        parse: meetup_ics,
        private: false,
        summary: "A calendar file for a meetup",
        details: "An iCalendar (.ics) file: import it into any calendar. Edits raise its \
                  sequence; after a cancel it says so.",
        role: Role::Member,
        arg: Some(MEETUP_ID),
        options: &[],
        examples: &["/meetup ics 3"],
    },
    CommandSpec {
        name: "meetup share",
        parse: meetup_share,
        private: false,
        summary: "Announce a meetup here too (organizers)",
        details: "Posts the announcement in this community as well; RSVPs from every community \
                  count toward one roster and one capacity. Organizers share their own meetups; \
                  a community's admins may announce any upcoming meetup in their community (one \
                  from the community's Matrix room in its Discord server, say). Sharing gives no \
                  say over the meetup: only its organizer and the admins of the community it was \
                  created in edit or cancel it; /meetup unshare withdraws the announcement here.",
        role: Role::Organizer,
        arg: Some(MEETUP_ID),
        options: &[],
        examples: &["/meetup share 3"],
    },
    CommandSpec {
        name: "meetup unshare",
        parse: meetup_unshare,
        private: false,
        summary: "Withdraw a shared meetup's announcement here (admins, its organizer)",
        details: "For a meetup shared into this community from another: its announcement here \
                  says it was withdrawn, is no longer updated, and its reactions no longer make \
                  new RSVPs (RSVPs already made stay). The meetup itself is unchanged. This \
                  community's admins, or the meetup's organizer, may do it.",
        role: Role::Organizer,
        arg: Some(MEETUP_ID),
        options: &[],
        examples: &["/meetup unshare 3"],
    },
    CommandSpec {
        name: "meetup reminders",
        parse: meetup_reminders,
        private: true,
        summary: "Reminders for meetups you marked maybe: on or off",
        details: "Going members are always reminded; this is about maybe.",
        role: Role::Member,
        arg: Some(ArgSpec {
            name: "on|off",
            help: "on or off",
            required: true,
            rest: false,
        }),
        options: &[],
        examples: &["/meetup reminders off"],
    },
    CommandSpec {
        name: "meetup subscribe",
        parse: meetup_subscribe,
        private: true,
        summary: "Hear privately about new meetups in a state",
        details: "You get a private message when a meetup is created in that state.",
        role: Role::Member,
        arg: Some(ArgSpec {
            name: "STATE",
            help: "a US state",
            required: true,
            rest: true,
        }),
        options: &[],
        examples: &["/meetup subscribe OH"],
    },
    CommandSpec {
        name: "meetup unsubscribe",
        parse: meetup_unsubscribe,
        private: true,
        summary: "Stop hearing about new meetups (in one state, or all)",
        details: "Without a state, ends every subscription.",
        role: Role::Member,
        arg: Some(STATE_ARG),
        options: &[],
        examples: &["/meetup unsubscribe", "/meetup unsubscribe OH"],
    },
];
