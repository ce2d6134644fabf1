//! The one command table, and how a line of text becomes a [`Command`].
//!
//! Every adapter derives its surface from [`COMMANDS`]: the console reads lines, Matrix reads
//! `!`-prefixed messages, Discord registers slash commands with the same names and options. Help
//! text lives here too, so help and behaviour never drift apart.
//!
//! # Grammar
//!
//! ```text
//! line     = ["/"] name [sub] { word | option }
//! option   = key ":" value        e.g.  state:OH   name:"Histology Society of Ohio"
//! ```
//!
//! * Words that are not options form the command's argument (`/findgroup night shift` searches
//!   for "night shift"; `/group show oh-histo` names an entry).
//! * A *word* option (`state:`, `specialty:`, …) takes one word, or two or three where that is
//!   what makes a known value: `state:new york`, `specialty:med tech`.
//! * A *text* option (`name:`, `description:`, …) runs until the next option.
//! * Double quotes keep words together: `name:"A: B"`.
//! * `key:value` with an unknown key is refused with the accepted keys, except links
//!   (`https://…`), which are ordinary words.

use std::fmt;

use super::directory::{Draft, Field, Raw};
use super::identity::Role;
use super::search::{MAX_QUERY_CHARS, Region, SearchQuery};
use chrono::{NaiveTime, Weekday};
use chrono_tz::Tz;

use super::schedule::{self, QuietHours};
use super::vocab::{Cost, Format, Kind, Specialty, State, Vocab};
use super::wellbeing;

/// Longest command line accepted, in characters.
pub const MAX_LINE_CHARS: usize = 2000;

/// A mistake in what a member typed, or something they may not do. Its text is the reply.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct UserError(pub String);

impl UserError {
    pub fn new(message: impl Into<String>) -> Self {
        Self(message.into())
    }
}

/// How an option's value is read.
#[derive(Clone, Copy)]
pub enum OptKind {
    /// One to three words that make a valid value (checked by the function).
    Word(fn(&str) -> bool),
    /// A whole number.
    Number,
    /// Free text up to the next option.
    Text,
}

/// An option of a command (`state:OH`).
#[derive(Clone, Copy)]
pub struct OptSpec {
    pub name: &'static str,
    pub aliases: &'static [&'static str],
    pub help: &'static str,
    pub kind: OptKind,
}

impl OptSpec {
    fn matches(&self, key: &str) -> bool {
        self.name == key || self.aliases.contains(&key)
    }
}

/// The positional argument of a command.
pub struct ArgSpec {
    pub name: &'static str,
    pub help: &'static str,
    pub required: bool,
    /// Whether it takes all remaining words (free text) or one word.
    pub rest: bool,
}

/// One command: its name (with subcommand, like `group add`), who may use it, and its help.
pub struct CommandSpec {
    pub name: &'static str,
    /// Whether everything the command answers, errors included, is private to the member.
    pub private: bool,
    pub summary: &'static str,
    pub details: &'static str,
    pub role: Role,
    pub arg: Option<ArgSpec>,
    pub options: &'static [OptSpec],
    pub examples: &'static [&'static str],
}

impl CommandSpec {
    /// The usage line: `/group show KEY`.
    pub fn usage(&self) -> String {
        let mut s = format!("/{}", self.name);
        if let Some(arg) = &self.arg {
            if arg.required {
                s.push_str(&format!(" {}", arg.name));
            } else {
                s.push_str(&format!(" [{}]", arg.name));
            }
        }
        if self.options.len() > 6 {
            s.push_str(" field:value …");
        } else {
            for opt in self.options {
                s.push_str(&format!(" [{}:…]", opt.name));
            }
        }
        s
    }
}

fn is<V: Vocab>(s: &str) -> bool {
    V::parse(s).is_ok()
}

fn is_group_key(s: &str) -> bool {
    !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
}

const FILTERS: &[OptSpec] = &[
    OptSpec {
        name: "specialty",
        aliases: &["specialties"],
        help: "your discipline: med tech/MLS, MLT, phlebotomy, histo, cyto, micro, blood bank, …",
        kind: OptKind::Word(is::<Specialty>),
    },
    OptSpec {
        name: "state",
        aliases: &["states"],
        help: "a US state, by name or two-letter code (Ohio, OH), or national",
        kind: OptKind::Word(|s| Region::parse(s).is_ok()),
    },
    OptSpec {
        name: "format",
        aliases: &[],
        help: "online, in_person or hybrid (hybrid groups count as both)",
        kind: OptKind::Word(is::<Format>),
    },
    OptSpec {
        name: "kind",
        aliases: &[],
        help: "association, online_community, local_group, peer_support, crisis_line",
        kind: OptKind::Word(is::<Kind>),
    },
    OptSpec {
        name: "cost",
        aliases: &[],
        help: "free, membership or paid",
        kind: OptKind::Word(is::<Cost>),
    },
    OptSpec {
        name: "page",
        aliases: &[],
        help: "which page of results",
        kind: OptKind::Number,
    },
];

macro_rules! field_opt {
    ($name:literal, [$($alias:literal),*], $help:literal) => {
        OptSpec { name: $name, aliases: &[$($alias),*], help: $help, kind: OptKind::Text }
    };
}

// Entry fields as options. Each is declared once; the lists below share them.
const KEY: OptSpec = field_opt!(
    "key",
    [],
    "stable id: lowercase letters, digits, '-' (made from the name if left out)"
);
const NAME: OptSpec = field_opt!("name", [], "the group's name");
const KIND: OptSpec = field_opt!(
    "kind",
    [],
    "association, online_community, local_group, peer_support, crisis_line"
);
const SPECIALTY: OptSpec = field_opt!(
    "specialty",
    ["specialties"],
    "comma-separated specialties, or all"
);
const CREDENTIALS: OptSpec = field_opt!(
    "credentials",
    ["credential"],
    "comma-separated credentials served (MLS, PBT, HT, …)"
);
const STATE: OptSpec = field_opt!(
    "state",
    ["states"],
    "comma-separated US states; leave out for national"
);
const CITY: OptSpec = field_opt!("city", [], "city, for local groups");
const FORMAT: OptSpec = field_opt!("format", [], "online, in_person or hybrid");
const COST: OptSpec = field_opt!("cost", [], "free, membership or paid");
const FACILITATION: OptSpec = field_opt!("facilitation", [], "peer_led, professional_led or none");
const SCHEDULE: OptSpec = field_opt!("schedule", [], "when it meets, in words");
const URL: OptSpec = field_opt!("url", ["link"], "web address (http or https)");
const CONTACT: OptSpec = field_opt!("contact", [], "how to reach it");
const DESCRIPTION: OptSpec = field_opt!("description", [], "one or two plain sentences");
const TAGS: OptSpec = field_opt!("tags", ["tag"], "comma-separated search words");
const SOURCE: OptSpec = field_opt!("source", [], "where the facts come from (a link)");
const VERIFIED: OptSpec = field_opt!("verified", [], "true once an admin has checked the facts");
const LAST_VERIFIED: OptSpec = field_opt!("last_verified", [], "date last checked, YYYY-MM-DD");

/// Every entry field, for add, edit and approve.
const ENTRY_FIELDS: &[OptSpec] = &[
    KEY,
    NAME,
    KIND,
    SPECIALTY,
    CREDENTIALS,
    STATE,
    CITY,
    FORMAT,
    COST,
    FACILITATION,
    SCHEDULE,
    URL,
    CONTACT,
    DESCRIPTION,
    TAGS,
    SOURCE,
    VERIFIED,
    LAST_VERIFIED,
];

/// What a member may give with a suggestion (name, url and description are required).
const SUGGEST_FIELDS: &[OptSpec] = &[
    NAME,
    URL,
    DESCRIPTION,
    KIND,
    SPECIALTY,
    STATE,
    CITY,
    FORMAT,
    COST,
    FACILITATION,
    SCHEDULE,
    CONTACT,
    field_opt!("note", [], "anything the reviewers should know"),
];

/// The fields of a meetup, for create and edit.
const MEETUP_FIELDS: &[OptSpec] = &[
    field_opt!("title", [], "what it is"),
    field_opt!(
        "when",
        [],
        "2026-12-05 18:30, Dec 5 6:30pm, tomorrow 18:30, next Tuesday 7pm"
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
        kind: OptKind::Word(|s| super::series::Repeat::parse(s).is_ok()),
    },
    OptSpec {
        name: "until",
        aliases: &[],
        help: "last date of a series, YYYY-MM-DD",
        kind: OptKind::Word(|_| true),
    },
];

const REJECT_OPTIONS: &[OptSpec] = &[field_opt!("reason", [], "why (the member is told)")];

/// Every command the bot understands, in the order `/help` lists them.
pub static COMMANDS: &[CommandSpec] = &[
    CommandSpec {
        name: "help",
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
        private: false,
        summary: "Crisis and support lines, right now",
        details: "Lists free, confidential US crisis and support lines. The bot is not monitored \
                  and is not an emergency service: in danger, call 911.",
        role: Role::Member,
        arg: None,
        options: &[],
        examples: &["/crisis"],
    },
    CommandSpec {
        name: "findgroup",
        private: false,
        summary: "Find support groups, associations and communities",
        details: "Searches the directory by words and filters, best matches first, five per \
                  page. Filters accept common spellings: specialty:histo, specialty:\"med tech\", \
                  state:Ohio, state:OH. A state filter finds groups in that state; national \
                  groups are suggested when there is none.",
        role: Role::Member,
        arg: Some(ArgSpec {
            name: "WORDS",
            help: "what you are looking for (burnout, night shift, students, …)",
            required: false,
            rest: true,
        }),
        options: FILTERS,
        examples: &[
            "/findgroup burnout",
            "/findgroup specialty:histo state:OH",
            "/findgroup peer support format:online page:2",
        ],
    },
    CommandSpec {
        name: "group show",
        private: false,
        summary: "Show one directory entry in full",
        details: "Shows everything the directory knows about an entry, by its key (the key is \
                  shown under each /findgroup result).",
        role: Role::Member,
        arg: Some(ArgSpec {
            name: "KEY",
            help: "the entry's key",
            required: true,
            rest: false,
        }),
        options: &[],
        examples: &["/group show ascls"],
    },
    CommandSpec {
        name: "group add",
        private: false,
        summary: "Add an entry to the directory (admins)",
        details: "Required: name, kind, specialty, format, cost, facilitation, description. \
                  Lists are comma-separated. Links must be http or https.",
        role: Role::Admin,
        arg: None,
        options: ENTRY_FIELDS,
        examples: &[
            "/group add name:Night Shift Lab Circle kind:peer_support specialty:all \
             format:online cost:free facilitation:peer_led url:https://example.org \
             description:Weekly online peer group for lab staff on nights.",
        ],
    },
    CommandSpec {
        name: "group edit",
        private: false,
        summary: "Change fields of a directory entry (admins)",
        details: "Give the key, then only the fields to change. The whole entry is checked again.",
        role: Role::Admin,
        arg: Some(ArgSpec {
            name: "KEY",
            help: "the entry's key",
            required: true,
            rest: false,
        }),
        options: ENTRY_FIELDS,
        examples: &[
            "/group edit oh-histo url:https://ohiohistology.org verified:true last_verified:2026-11-01",
        ],
    },
    CommandSpec {
        name: "group remove",
        private: false,
        summary: "Remove a directory entry (admins)",
        details: "Removes the entry for good. `labcircle directory export` keeps a copy first.",
        role: Role::Admin,
        arg: Some(ArgSpec {
            name: "KEY",
            help: "the entry's key",
            required: true,
            rest: false,
        }),
        options: &[],
        examples: &["/group remove old-group"],
    },
    CommandSpec {
        name: "suggestgroup",
        private: false,
        summary: "Suggest a group for the directory",
        details: "Your suggestion goes to the admins' review queue; you are told privately when \
                  it is approved or turned down. Give at least its name, link and a description.",
        role: Role::Member,
        arg: None,
        options: SUGGEST_FIELDS,
        examples: &[
            "/suggestgroup name:Tri-State Histo Meetup url:https://example.org \
             description:Monthly meetup for histotechs in the Cincinnati area. state:OH,KY,IN",
        ],
    },
    CommandSpec {
        name: "review list",
        private: false,
        summary: "List pending directory suggestions (admins)",
        details: "Shows suggestions waiting for review, oldest first, with their ids.",
        role: Role::Admin,
        arg: None,
        options: &[],
        examples: &["/review", "/review list"],
    },
    CommandSpec {
        name: "review approve",
        private: false,
        summary: "Approve a suggestion into the directory (admins)",
        details: "Creates the entry from the suggestion. Fields the member left out (kind, \
                  specialty, format, cost, facilitation) can be given here; any field given here \
                  overrides the suggestion's.",
        role: Role::Admin,
        arg: Some(ArgSpec {
            name: "ID",
            help: "the suggestion's id",
            required: true,
            rest: false,
        }),
        options: ENTRY_FIELDS,
        examples: &[
            "/review approve 3 kind:local_group specialty:histo format:in_person cost:free facilitation:peer_led",
        ],
    },
    CommandSpec {
        name: "review reject",
        private: false,
        summary: "Turn a suggestion down, with a reason (admins)",
        details: "The member is told privately, with your reason.",
        role: Role::Admin,
        arg: Some(ArgSpec {
            name: "ID",
            help: "the suggestion's id",
            required: true,
            rest: false,
        }),
        options: REJECT_OPTIONS,
        examples: &["/review reject 3 reason:Already listed as oh-histo."],
    },
    CommandSpec {
        name: "checkin start",
        private: true,
        summary: "Opt in to a private weekly wellbeing check-in",
        details: "Every week, at your day and time, the bot asks you privately how you are doing. \
                  Answers are private to you. Give a day, a time and a time zone in any order \
                  (US names like Eastern or Pacific work); left out, they default to the \
                  community's. Run it again to change the schedule.",
        role: Role::Member,
        arg: Some(ArgSpec {
            name: "[DAY] [TIME] [TIMEZONE]",
            help: "e.g. Tuesday 7pm Central",
            required: false,
            rest: true,
        }),
        options: &[],
        examples: &[
            "/checkin start",
            "/checkin start Tuesday 7pm Central",
            "/checkin start fri 06:30 America/Denver",
        ],
    },
    CommandSpec {
        name: "checkin stop",
        private: true,
        summary: "Stop your weekly check-ins",
        details: "No more prompts. Your past answers stay (only you can see them) until they \
                  pass the retention period or you delete everything with /forgetme.",
        role: Role::Member,
        arg: None,
        options: &[],
        examples: &["/checkin stop"],
    },
    CommandSpec {
        name: "checkin pause",
        private: true,
        summary: "Pause check-ins for some weeks",
        details: "No prompts for that many weeks (1 to 12); then they resume by themselves.",
        role: Role::Member,
        arg: Some(ArgSpec {
            name: "WEEKS",
            help: "1 to 12",
            required: true,
            rest: false,
        }),
        options: &[],
        examples: &["/checkin pause 2"],
    },
    CommandSpec {
        name: "checkin skip",
        private: true,
        summary: "Skip the next check-in",
        details: "The next prompt is not sent; the one after comes as usual.",
        role: Role::Member,
        arg: None,
        options: &[],
        examples: &["/checkin skip"],
    },
    CommandSpec {
        name: "checkin settings",
        private: true,
        summary: "Your check-in schedule",
        details: "Shows your day, time, zone, quiet hours, pause and the next prompt.",
        role: Role::Member,
        arg: None,
        options: &[],
        examples: &["/checkin settings", "/checkin"],
    },
    CommandSpec {
        name: "checkin now",
        private: true,
        summary: "Check in right away",
        details: "Sends you this week's prompt now, privately.",
        role: Role::Member,
        arg: None,
        options: &[],
        examples: &["/checkin now"],
    },
    CommandSpec {
        name: "checkin answer",
        private: true,
        summary: "Answer your open check-in",
        details: "1 Struggling, 2 Low, 3 Okay, 4 Good, 5 Great. Optionally a stress level \
                  (1 to 5) and a short note. Answer again to correct it while the prompt is \
                  open. You can also react to the prompt with 1️⃣ to 5️⃣. Please leave patient \
                  details out of notes.",
        role: Role::Member,
        arg: Some(ArgSpec {
            name: "MOOD",
            help: "1 to 5, or Struggling … Great",
            required: true,
            rest: false,
        }),
        options: &[
            OptSpec {
                name: "stress",
                aliases: &[],
                help: "1 (calm) to 5 (very stressed)",
                kind: OptKind::Number,
            },
            OptSpec {
                name: "note",
                aliases: &[],
                help: "a few words for yourself (280 characters at most)",
                kind: OptKind::Text,
            },
        ],
        examples: &[
            "/checkin answer 4",
            "/checkin answer 2 stress:4 note:short staffed again",
        ],
    },
    CommandSpec {
        name: "checkin snooze",
        private: true,
        summary: "Ask again later",
        details: "Sends the open prompt again after a while (default 4h); at most twice.",
        role: Role::Member,
        arg: Some(ArgSpec {
            name: "DURATION",
            help: "e.g. 30m, 4h",
            required: false,
            rest: false,
        }),
        options: &[],
        examples: &["/checkin snooze", "/checkin snooze 2h"],
    },
    CommandSpec {
        name: "checkin quiet",
        private: true,
        summary: "Set quiet hours (e.g. sleeping after a night shift)",
        details: "Nothing is delivered inside quiet hours; a prompt due then waits for their \
                  end. Times in your check-in time zone; off removes them.",
        role: Role::Member,
        arg: Some(ArgSpec {
            name: "HH:MM-HH:MM|off",
            help: "e.g. 08:00-16:00",
            required: true,
            rest: true,
        }),
        options: &[],
        examples: &["/checkin quiet 08:00-16:00", "/checkin quiet off"],
    },
    CommandSpec {
        name: "checkin history",
        private: true,
        summary: "Your last 12 weeks, privately",
        details: "A sparkline of your answers (a dot for a missed week), your streak, the trend \
                  and your answers with notes. Only you see it.",
        role: Role::Member,
        arg: None,
        options: &[],
        examples: &["/checkin history"],
    },
    CommandSpec {
        name: "checkin stats",
        private: true,
        summary: "Community check-in counts and averages (admins)",
        details: "Per week: how many answered and the averages, only for weeks with at least \
                  5 answers. Never anything about one person.",
        role: Role::Admin,
        arg: None,
        options: &[],
        examples: &["/checkin stats"],
    },
    CommandSpec {
        name: "profile",
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
        private: true,
        summary: "Everything the bot stores about you, privately",
        details: "Sends you, privately, every record about you as JSON.",
        role: Role::Member,
        arg: None,
        options: &[],
        examples: &["/mydata"],
    },
    CommandSpec {
        name: "forgetme",
        private: true,
        summary: "Delete everything the bot stores about you",
        details: "Deletes your check-ins, answers, schedule, profile and suggestions, and stops \
                  all prompts. It cannot be undone, so it asks first: confirm with \
                  /forgetme confirm.",
        role: Role::Member,
        arg: Some(ArgSpec {
            name: "confirm",
            help: "the word confirm",
            required: false,
            rest: false,
        }),
        options: &[],
        examples: &["/forgetme", "/forgetme confirm"],
    },
    CommandSpec {
        name: "meetup create",
        private: false,
        summary: "Announce a meetup (organizers)",
        details: "Posts an announcement members RSVP to with reactions: ✅ going, 🤔 maybe, ❌ \
                  can't go. when: takes 2026-12-05 18:30, Dec 5 6:30pm, tomorrow 18:30 or next \
                  Tuesday 7pm, in tz: or the community's zone. Going members (and maybe, unless \
                  they opt out) are reminded 24 hours and 1 hour before.",
        role: Role::Organizer,
        arg: None,
        options: MEETUP_FIELDS,
        examples: &[
            "/meetup create title:Histo night out when:Dec 5 6:30pm where:Brewpub on 5th state:OH capacity:12",
        ],
    },
    CommandSpec {
        name: "meetup list",
        private: false,
        summary: "Upcoming meetups, optionally in one state",
        details: "The next meetups, soonest first.",
        role: Role::Member,
        arg: Some(ArgSpec {
            name: "STATE",
            help: "a US state",
            required: false,
            rest: true,
        }),
        options: &[],
        examples: &["/meetup list", "/meetup list OH"],
    },
    CommandSpec {
        name: "meetup show",
        private: false,
        summary: "One meetup: details and counts",
        details: "Who answered is shown only to the organizer, privately.",
        role: Role::Member,
        arg: Some(ArgSpec {
            name: "ID",
            help: "the meetup's number",
            required: true,
            rest: false,
        }),
        options: &[],
        examples: &["/meetup show 3"],
    },
    CommandSpec {
        name: "meetup edit",
        private: false,
        summary: "Change a meetup (its organizer, or admins)",
        details: "Give only what changes. Everyone who answered, and the waitlist, is told what \
                  changed. capacity:none removes the limit.",
        role: Role::Organizer,
        arg: Some(ArgSpec {
            name: "ID",
            help: "the meetup's number",
            required: true,
            rest: false,
        }),
        options: MEETUP_FIELDS,
        examples: &["/meetup edit 3 when:Dec 5 7pm"],
    },
    CommandSpec {
        name: "meetup cancel",
        private: false,
        summary: "Cancel a meetup (its organizer, or admins)",
        details: "Everyone who answered is told, with your reason; no reminders go out.",
        role: Role::Organizer,
        arg: Some(ArgSpec {
            name: "ID",
            help: "the meetup's number",
            required: true,
            rest: false,
        }),
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
        private: false,
        summary: "A calendar file for a meetup",
        details: "An iCalendar (.ics) file: import it into any calendar. Edits raise its \
                  sequence; after a cancel it says so.",
        role: Role::Member,
        arg: Some(ArgSpec {
            name: "ID",
            help: "the meetup's number",
            required: true,
            rest: false,
        }),
        options: &[],
        examples: &["/meetup ics 3"],
    },
    CommandSpec {
        name: "meetup share",
        private: false,
        summary: "Announce a meetup here too (organizers)",
        details: "Posts the announcement in this community as well; RSVPs from every community \
                  count toward one roster and one capacity. Organizers share their own meetups; \
                  a community's admins may announce any upcoming meetup in their community (one \
                  from the community's Matrix room in its Discord server, say).",
        role: Role::Organizer,
        arg: Some(ArgSpec {
            name: "ID",
            help: "the meetup's number",
            required: true,
            rest: false,
        }),
        options: &[],
        examples: &["/meetup share 3"],
    },
    CommandSpec {
        name: "meetup reminders",
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
        private: true,
        summary: "Stop hearing about new meetups (in one state, or all)",
        details: "Without a state, ends every subscription.",
        role: Role::Member,
        arg: Some(ArgSpec {
            name: "STATE",
            help: "a US state",
            required: false,
            rest: true,
        }),
        options: &[],
        examples: &["/meetup unsubscribe", "/meetup unsubscribe OH"],
    },
];

/// Commands with subcommands, and the subcommand used when none is given.
const DEFAULT_SUBCOMMAND: &[(&str, Option<&str>)] = &[
    ("group", None),
    ("review", Some("list")),
    ("checkin", Some("settings")),
    ("meetup", Some("list")),
];

/// Every command, in the order `/help` lists them.
pub fn all() -> impl Iterator<Item = &'static CommandSpec> + Clone {
    COMMANDS.iter()
}

/// Looks a command up by its full name (`"group add"`).
pub fn spec(name: &str) -> Option<&'static CommandSpec> {
    COMMANDS.iter().find(|c| c.name == name)
}

/// A typed command, ready for the bot.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    Help(Option<String>),
    Crisis,
    FindGroup {
        query: SearchQuery,
        page: u32,
    },
    GroupShow(String),
    GroupAdd(Draft),
    GroupEdit(String, Draft),
    GroupRemove(String),
    SuggestGroup {
        draft: Draft,
        note: Option<String>,
    },
    ReviewList,
    ReviewApprove {
        id: i64,
        draft: Draft,
    },
    ReviewReject {
        id: i64,
        reason: String,
    },
    CheckinStart {
        day: Option<Weekday>,
        time: Option<NaiveTime>,
        zone: Option<Tz>,
    },
    CheckinStop,
    CheckinPause(u32),
    CheckinSkip,
    CheckinSettings,
    CheckinNow,
    CheckinAnswer {
        mood: u8,
        stress: Option<u8>,
        note: Option<String>,
    },
    CheckinSnooze(chrono::Duration),
    CheckinQuiet(Option<QuietHours>),
    CheckinHistory,
    CheckinStats,
    /// `None`: leave as is; `Some(None)`: remove.
    Profile {
        specialty: Option<Option<Specialty>>,
        state: Option<Option<State>>,
    },
    MyData,
    ForgetMe {
        confirmed: bool,
    },
    MeetupCreate(MeetupDraft),
    MeetupList(Option<State>),
    MeetupShow(i64),
    MeetupEdit(i64, MeetupDraft),
    MeetupCancel {
        id: i64,
        reason: Option<String>,
        whole_series: bool,
    },
    MeetupIcs(i64),
    MeetupShare(i64),
    MeetupReminders(bool),
    MeetupSubscribe(State),
    MeetupUnsubscribe(Option<State>),
}

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
    pub repeat: Option<super::series::Repeat>,
    pub until: Option<chrono::NaiveDate>,
}

impl Command {
    /// The spec this command came from (for permission checks and help).
    pub fn spec(&self) -> &'static CommandSpec {
        let name = match self {
            Command::Help(_) => "help",
            Command::Crisis => "crisis",
            Command::FindGroup { .. } => "findgroup",
            Command::GroupShow(_) => "group show",
            Command::GroupAdd(_) => "group add",
            Command::GroupEdit(..) => "group edit",
            Command::GroupRemove(_) => "group remove",
            Command::SuggestGroup { .. } => "suggestgroup",
            Command::ReviewList => "review list",
            Command::ReviewApprove { .. } => "review approve",
            Command::ReviewReject { .. } => "review reject",
            Command::CheckinStart { .. } => "checkin start",
            Command::CheckinStop => "checkin stop",
            Command::CheckinPause(_) => "checkin pause",
            Command::CheckinSkip => "checkin skip",
            Command::CheckinSettings => "checkin settings",
            Command::CheckinNow => "checkin now",
            Command::CheckinAnswer { .. } => "checkin answer",
            Command::CheckinSnooze(_) => "checkin snooze",
            Command::CheckinQuiet(_) => "checkin quiet",
            Command::CheckinHistory => "checkin history",
            Command::CheckinStats => "checkin stats",
            Command::Profile { .. } => "profile",
            Command::MyData => "mydata",
            Command::ForgetMe { .. } => "forgetme",
            Command::MeetupCreate(_) => "meetup create",
            Command::MeetupList(_) => "meetup list",
            Command::MeetupShow(_) => "meetup show",
            Command::MeetupEdit(..) => "meetup edit",
            Command::MeetupCancel { .. } => "meetup cancel",
            Command::MeetupIcs(_) => "meetup ics",
            Command::MeetupShare(_) => "meetup share",
            Command::MeetupReminders(_) => "meetup reminders",
            Command::MeetupSubscribe(_) => "meetup subscribe",
            Command::MeetupUnsubscribe(_) => "meetup unsubscribe",
        };
        spec(name).expect("every Command variant names a spec in COMMANDS")
    }
}

/// A command as given, before its values are typed: what adapters with structured options
/// (Discord slash commands) build directly.
#[derive(Debug, Clone)]
pub struct Invocation {
    pub spec: &'static CommandSpec,
    pub arg: Option<String>,
    pub options: Vec<(&'static OptSpec, String)>,
}

impl Invocation {
    /// An invocation from structured values (a slash command's resolved options), checked as
    /// a typed line would be: only the spec's options, each once; the argument as the spec
    /// wants it; no more than [`MAX_LINE_CHARS`] in all. Values are taken whole: quotes and
    /// colons inside them are text.
    pub fn from_parts<'a>(
        spec: &'static CommandSpec,
        arg: Option<String>,
        options: impl IntoIterator<Item = (&'a str, String)>,
    ) -> Result<Invocation, UserError> {
        let arg = arg.map(|a| a.trim().to_owned()).filter(|a| !a.is_empty());
        let mut length = spec.name.chars().count() + arg.as_ref().map_or(0, |a| a.chars().count());
        let mut taken: Vec<(&'static OptSpec, String)> = Vec::new();
        for (name, value) in options {
            let Some(opt) = spec
                .options
                .iter()
                .find(|o| o.matches(&name.to_lowercase()))
            else {
                return Err(UserError::new(format!(
                    "/{} has no option {name}:. Usage: {}",
                    spec.name,
                    spec.usage()
                )));
            };
            if taken.iter().any(|(o, _)| o.name == opt.name) {
                return Err(UserError::new(format!(
                    "{}: is given twice; give it once.",
                    opt.name
                )));
            }
            length += opt.name.chars().count() + value.chars().count() + 2;
            taken.push((opt, value));
        }
        if length > MAX_LINE_CHARS {
            return Err(UserError::new(format!(
                "That command is {length} characters long; commands can be at most \
                 {MAX_LINE_CHARS}."
            )));
        }
        match (&spec.arg, &arg) {
            (None, Some(a)) => Err(UserError::new(format!(
                "/{} does not take \"{a}\" there. Usage: {}",
                spec.name,
                spec.usage()
            ))),
            (Some(a), None) if a.required => Err(UserError::new(format!(
                "/{} needs a {} ({}). Usage: {}",
                spec.name,
                a.name,
                a.help,
                spec.usage()
            ))),
            (Some(a), Some(given)) if !a.rest && given.split_whitespace().count() > 1 => {
                Err(UserError::new(format!(
                    "/{} takes one {}, not \"{given}\". Usage: {}",
                    spec.name,
                    a.name,
                    spec.usage()
                )))
            }
            _ => Ok(Invocation {
                spec,
                arg,
                options: taken,
            }),
        }
    }
}

impl fmt::Debug for CommandSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name)
    }
}

impl fmt::Debug for OptSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name)
    }
}

/// Reads a command line.
pub fn parse(line: &str) -> Result<Command, UserError> {
    typed(invocation(line)?)
}

/// Finds which command a line names, without reading its arguments (so a permission check can
/// come before any complaint about the arguments).
pub fn resolve(line: &str) -> Result<&'static CommandSpec, UserError> {
    split(line).map(|(spec, _)| spec)
}

/// Splits a line into the command it names and the words after the command's name.
fn split(line: &str) -> Result<(&'static CommandSpec, Vec<Word>), UserError> {
    let line = line.trim();
    if line.chars().count() > MAX_LINE_CHARS {
        return Err(UserError::new(format!(
            "That message is {} characters long; commands can be at most {MAX_LINE_CHARS}.",
            line.chars().count()
        )));
    }
    let line = line.strip_prefix('/').unwrap_or(line);
    let words = tokenize(line)?;
    let mut words = words.into_iter().peekable();
    let Some(first) = words.next() else {
        return Err(UserError::new(
            "Type a command, like /findgroup burnout. /help lists them all.",
        ));
    };
    let name = first.text.to_lowercase();
    let spec = if let Some(&(group, default)) = DEFAULT_SUBCOMMAND.iter().find(|(g, _)| *g == name)
    {
        let subs: Vec<&str> = COMMANDS
            .iter()
            .filter_map(|c| c.name.strip_prefix(group)?.strip_prefix(' '))
            .collect();
        let sub = match words.peek() {
            Some(w) if !w.quoted && subs.contains(&w.text.to_lowercase().as_str()) => {
                words.next().map(|w| w.text.to_lowercase())
            }
            Some(w) if !w.text.contains(':') || default.is_none() => {
                let hint = nearest(&w.text.to_lowercase(), subs.iter().copied())
                    .map(|s| format!(" Did you mean /{group} {s}?"))
                    .unwrap_or_default();
                return Err(UserError::new(format!(
                    "\"{}\" is not something /{group} does.{hint} Choose one of: {}.",
                    w.text,
                    subs.join(", ")
                )));
            }
            _ => match default {
                Some(d) => Some(d.to_owned()),
                None => {
                    return Err(UserError::new(format!(
                        "/{group} needs one of: {}. For example: /help {group} {}",
                        subs.join(", "),
                        subs[0]
                    )));
                }
            },
        };
        spec(&format!(
            "{group} {}",
            sub.expect("a subcommand was chosen above")
        ))
        .expect("subcommand names come from COMMANDS")
    } else if let Some(spec) = spec(&name) {
        spec
    } else {
        let names = top_level_names();
        let hint = nearest(&name, names.iter().copied())
            .map(|s| format!(" Did you mean /{s}?"))
            .unwrap_or_default();
        return Err(UserError::new(format!(
            "I don't know the command /{name}.{hint} Type /help to see every command."
        )));
    };
    Ok((spec, words.collect()))
}

/// Reads a command line into an untyped invocation.
pub fn invocation(line: &str) -> Result<Invocation, UserError> {
    let (spec, rest) = split(line)?;

    let mut arg_words: Vec<String> = Vec::new();
    let mut options: Vec<(&'static OptSpec, String)> = Vec::new();
    let mut open_text: Option<usize> = None; // index into `options` of a text option being read
    let mut i = 0;
    while i < rest.len() {
        let word = &rest[i];
        i += 1;
        // Inside free text, "Note: bring a badge" is prose: only a lower-case key starts an option.
        let prose =
            open_text.is_some() && word.option().is_some_and(|(k, _)| k != k.to_lowercase());
        if let Some((key, value)) = word.option().filter(|_| !prose) {
            let key_lower = key.to_lowercase();
            if let Some(opt) = spec.options.iter().find(|o| o.matches(&key_lower)) {
                if options.iter().any(|(o, _)| o.name == opt.name) {
                    return Err(UserError::new(format!(
                        "{}: is given twice; give it once.",
                        opt.name
                    )));
                }
                open_text = None;
                let mut value = value.to_owned();
                match opt.kind {
                    OptKind::Text => {
                        open_text = Some(options.len());
                    }
                    OptKind::Number => {}
                    OptKind::Word(accepts) => {
                        if value.is_empty() && i < rest.len() && rest[i].option().is_none() {
                            value = rest[i].text.clone();
                            i += 1;
                        }
                        // "state:new york", "state:washington dc": the longest run of up to
                        // three words that makes a value wins.
                        let mut joined = value.clone();
                        let mut best = accepts(&value).then_some(0);
                        for extra in 0..2 {
                            let Some(next) = rest.get(i + extra) else {
                                break;
                            };
                            if next.option().is_some() {
                                break;
                            }
                            joined = format!("{joined} {}", next.text);
                            if accepts(&joined) {
                                best = Some(extra + 1);
                            }
                        }
                        if let Some(taken) = best.filter(|t| *t > 0) {
                            let words: Vec<&str> =
                                rest[i..i + taken].iter().map(|w| w.text.as_str()).collect();
                            value = format!("{value} {}", words.join(" "));
                            i += taken;
                        }
                    }
                }
                options.push((opt, value));
                continue;
            }
            if !word.looks_like_link() {
                let accepted: Vec<&str> = spec.options.iter().map(|o| o.name).collect();
                let hint = nearest(&key_lower, accepted.iter().copied())
                    .map(|s| format!(" Did you mean {s}:?"))
                    .unwrap_or_default();
                let accepted = if accepted.is_empty() {
                    format!("/{} takes no options.", spec.name)
                } else {
                    format!(
                        "Accepted: {}.",
                        accepted
                            .iter()
                            .map(|a| format!("{a}:"))
                            .collect::<Vec<_>>()
                            .join(" ")
                    )
                };
                return Err(UserError::new(format!(
                    "/{} has no option {key}:.{hint} {accepted}",
                    spec.name
                )));
            }
        }
        match open_text {
            Some(index) => {
                let value = &mut options[index].1;
                if !value.is_empty() {
                    value.push(' ');
                }
                value.push_str(&word.text);
            }
            None => arg_words.push(word.text.clone()),
        }
    }

    let arg = match &spec.arg {
        None if !arg_words.is_empty() => {
            return Err(UserError::new(format!(
                "/{} does not take \"{}\" there. Usage: {}",
                spec.name,
                arg_words.join(" "),
                spec.usage()
            )));
        }
        None => None,
        Some(a) if !a.rest && arg_words.len() > 1 => {
            return Err(UserError::new(format!(
                "/{} takes one {}, not \"{}\". Usage: {}",
                spec.name,
                a.name,
                arg_words.join(" "),
                spec.usage()
            )));
        }
        Some(a) if a.required && arg_words.is_empty() => {
            return Err(UserError::new(format!(
                "/{} needs a {} ({}). Usage: {}",
                spec.name,
                a.name,
                a.help,
                spec.usage()
            )));
        }
        Some(_) => (!arg_words.is_empty()).then(|| arg_words.join(" ")),
    };
    Ok(Invocation { spec, arg, options })
}

/// Types an invocation's values: vocabularies, numbers, lengths.
pub fn typed(inv: Invocation) -> Result<Command, UserError> {
    let option = |name: &str| {
        inv.options
            .iter()
            .find(|(o, _)| o.name == name)
            .map(|(_, v)| v.trim().to_owned())
    };
    let draft = || -> Draft {
        inv.options
            .iter()
            .filter_map(|(o, v)| Some((Field::from_name(o.name)?, Raw::Text(v.trim().to_owned()))))
            .collect()
    };
    let id = || -> Result<i64, UserError> {
        let text = inv.arg.clone().unwrap_or_default();
        text.trim_start_matches('#').parse::<i64>().ok().filter(|n| *n > 0).ok_or_else(|| {
            UserError::new(format!(
                "\"{text}\" is not a suggestion id; ids are whole numbers, shown by /review list."
            ))
        })
    };
    let key = || -> Result<String, UserError> {
        let text = inv.arg.clone().unwrap_or_default().to_lowercase();
        if is_group_key(&text) {
            Ok(text)
        } else {
            Err(UserError::new(format!(
                "\"{text}\" is not an entry key; keys look like ohio-histology and are shown under \
                 each /findgroup result."
            )))
        }
    };
    Ok(match inv.spec.name {
        "help" => Command::Help(inv.arg.clone()),
        "crisis" => Command::Crisis,
        "findgroup" => {
            let text = inv.arg.clone().unwrap_or_default();
            if text.chars().count() > MAX_QUERY_CHARS {
                return Err(UserError::new(format!(
                    "That search is {} characters long; at most {MAX_QUERY_CHARS} are accepted. \
                     A few words work best, like /findgroup night shift burnout.",
                    text.chars().count()
                )));
            }
            let page = match option("page") {
                None => 1,
                Some(p) => p
                    .parse::<u32>()
                    .ok()
                    .filter(|p| (1..=1000).contains(p))
                    .ok_or_else(|| {
                        UserError::new(format!("page:{p} is not a page number; use 1, 2, 3, …"))
                    })?,
            };
            let query = SearchQuery {
                terms: SearchQuery::terms_of(&text),
                // specialty:all asks for everything: no filter.
                specialty: vocab_option(option("specialty"))?.filter(|s| *s != Specialty::All),
                region: option("state")
                    .map(|s| Region::parse(&s))
                    .transpose()
                    .map_err(|e| UserError::new(e.to_string()))?,
                format: vocab_option(option("format"))?,
                kind: vocab_option(option("kind"))?,
                cost: vocab_option(option("cost"))?,
            };
            if query.is_empty() {
                return Err(UserError::new(
                    "Tell me what to look for: some words, a filter, or both. For example: \
                     /findgroup burnout, /findgroup specialty:histo state:OH, \
                     /findgroup kind:crisis_line.",
                ));
            }
            Command::FindGroup { query, page }
        }
        "group show" => Command::GroupShow(key()?),
        "group add" => {
            let mut d = draft();
            if d.is_empty() {
                return Err(UserError::new(format!(
                    "/group add needs the entry's fields. {}\nExample: {}",
                    inv.spec.details, inv.spec.examples[0]
                )));
            }
            d.entry(Field::Key).or_insert_with(|| {
                let name = option("name").unwrap_or_default();
                Raw::Text(super::directory::slugify(&name))
            });
            Command::GroupAdd(d)
        }
        "group edit" => {
            let key = key()?;
            let d = draft();
            if d.is_empty() {
                return Err(UserError::new(format!(
                    "/group edit {key} needs at least one field to change, like url:https://…"
                )));
            }
            Command::GroupEdit(key, d)
        }
        "group remove" => Command::GroupRemove(key()?),
        "suggestgroup" => {
            let d = draft();
            let missing: Vec<&str> = [Field::Name, Field::Url, Field::Description]
                .into_iter()
                .filter(|f| !d.contains_key(f))
                .map(Field::name)
                .collect();
            if !missing.is_empty() {
                return Err(UserError::new(format!(
                    "A suggestion needs {}. Example: {}",
                    missing.join(", "),
                    inv.spec.examples[0]
                )));
            }
            let note = option("note").filter(|n| !n.is_empty());
            if note.as_ref().is_some_and(|n| n.chars().count() > 500) {
                return Err(UserError::new("note: can be at most 500 characters."));
            }
            Command::SuggestGroup { draft: d, note }
        }
        "review list" => Command::ReviewList,
        "review approve" => Command::ReviewApprove {
            id: id()?,
            draft: draft(),
        },
        "review reject" => {
            let id = id()?;
            let reason = option("reason").filter(|r| !r.is_empty()).ok_or_else(|| {
                UserError::new(format!(
                    "Give the member a reason: /review reject {id} reason:Already listed."
                ))
            })?;
            if reason.chars().count() > 500 {
                return Err(UserError::new("reason: can be at most 500 characters."));
            }
            Command::ReviewReject { id, reason }
        }
        "checkin start" => {
            let (mut day, mut time, mut zone) = (None, None, None);
            let words: Vec<&str> = inv
                .arg
                .as_deref()
                .unwrap_or_default()
                .split_whitespace()
                .collect();
            let mut i = 0;
            while i < words.len() {
                let word = words[i];
                // "Monday at 9am on Eastern time": little words carry no setting.
                if ["at", "on", "every", "in", "@", "time"].contains(&word.to_lowercase().as_str())
                {
                    i += 1;
                    continue;
                }
                // Zones may take two or three words ("Puerto Rico", "Eastern Time"); longest wins.
                let joined = |n: usize| words.get(i..i + n).map(|w| w.join(" "));
                let multi_zone = [3, 2].into_iter().find_map(|n| {
                    joined(n).and_then(|text| schedule::parse_zone(&text).ok().map(|z| (z, n)))
                });
                if let Ok(d) = schedule::parse_weekday(word) {
                    if day.replace(d).is_some() {
                        return Err(UserError::new("Give one day, like Tuesday."));
                    }
                } else if let Ok(t) = schedule::parse_time(word) {
                    if time.replace(t).is_some() {
                        return Err(UserError::new("Give one time, like 7pm or 19:00."));
                    }
                } else if let Some(z) =
                    multi_zone.or_else(|| schedule::parse_zone(word).ok().map(|z| (z, 1)))
                {
                    if zone.replace(z.0).is_some() {
                        return Err(UserError::new("Give one time zone, like Eastern."));
                    }
                    i += z.1;
                    continue;
                } else {
                    return Err(UserError::new(format!(
                        "\"{word}\" is not a day, a time or a time zone I know. Days: Monday … \
                         Sunday. Times: 9am, 19:00. Zones: Eastern, Central, Mountain, Arizona, \
                         Pacific, Alaska, Hawaii, or an IANA name like America/Chicago. \
                         Example: /checkin start Tuesday 7pm Central"
                    )));
                }
                i += 1;
            }
            Command::CheckinStart { day, time, zone }
        }
        "checkin stop" => Command::CheckinStop,
        "checkin pause" => {
            let text = inv.arg.clone().unwrap_or_default();
            let weeks = text.parse::<u32>().ok().filter(|w| (1..=12).contains(w)).ok_or_else(|| {
                UserError::new(format!(
                    "\"{text}\" is not a number of weeks; pause for 1 to 12 weeks, like /checkin pause 2."
                ))
            })?;
            Command::CheckinPause(weeks)
        }
        "checkin skip" => Command::CheckinSkip,
        "checkin settings" => Command::CheckinSettings,
        "checkin now" => Command::CheckinNow,
        "checkin answer" => {
            let mood = wellbeing::parse_mood(inv.arg.as_deref().unwrap_or_default())
                .map_err(UserError::new)?;
            let stress = option("stress")
                .map(|s| wellbeing::parse_stress(&s))
                .transpose()
                .map_err(UserError::new)?;
            let note = option("note").filter(|n| !n.is_empty());
            if let Some(n) = &note {
                let len = n.chars().count();
                if len > wellbeing::MAX_NOTE_CHARS {
                    return Err(UserError::new(format!(
                        "That note is {len} characters; notes can be at most {}. Nothing was \
                         recorded.",
                        wellbeing::MAX_NOTE_CHARS
                    )));
                }
            }
            Command::CheckinAnswer { mood, stress, note }
        }
        "checkin snooze" => {
            let d = match inv.arg.as_deref() {
                None => chrono::Duration::hours(4),
                Some(text) => schedule::parse_duration(text).map_err(UserError::new)?,
            };
            Command::CheckinSnooze(d)
        }
        "checkin quiet" => {
            let text = inv.arg.clone().unwrap_or_default();
            if text.trim().eq_ignore_ascii_case("off") || text.trim().eq_ignore_ascii_case("none") {
                Command::CheckinQuiet(None)
            } else {
                Command::CheckinQuiet(Some(QuietHours::parse(&text).map_err(UserError::new)?))
            }
        }
        "checkin history" => Command::CheckinHistory,
        "checkin stats" => Command::CheckinStats,
        "profile" => {
            let specialty = clearable::<Specialty>(option("specialty"))?;
            let state = clearable::<State>(option("state"))?;
            Command::Profile { specialty, state }
        }
        "mydata" => Command::MyData,
        "forgetme" => match inv.arg.as_deref().map(str::to_lowercase).as_deref() {
            None => Command::ForgetMe { confirmed: false },
            Some("confirm") => Command::ForgetMe { confirmed: true },
            Some(other) => {
                return Err(UserError::new(format!(
                    "\"{other}\" is not the word confirm. /forgetme explains what it deletes; \
                     /forgetme confirm deletes it."
                )));
            }
        },
        "meetup create" | "meetup edit" => {
            let draft = meetup_draft(&inv)?;
            if inv.spec.name == "meetup create" {
                let missing: Vec<&str> = [
                    ("title", draft.title.is_none()),
                    ("when", draft.when.is_none()),
                    ("where", draft.location.is_none()),
                ]
                .into_iter()
                .filter(|(_, m)| *m)
                .map(|(n, _)| n)
                .collect();
                if !missing.is_empty() {
                    return Err(UserError::new(format!(
                        "A meetup needs {}. Example: {}",
                        missing
                            .iter()
                            .map(|m| format!("{m}:"))
                            .collect::<Vec<_>>()
                            .join(", "),
                        inv.spec.examples[0]
                    )));
                }
                if draft.until.is_some() && draft.repeat.is_none() {
                    return Err(UserError::new(
                        "until: ends a series; give repeat:weekly, biweekly or monthly too.",
                    ));
                }
                Command::MeetupCreate(draft)
            } else {
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
                Command::MeetupEdit(id, draft)
            }
        }
        "meetup list" => Command::MeetupList(
            inv.arg
                .as_deref()
                .map(State::parse)
                .transpose()
                .map_err(|e| UserError::new(e.to_string()))?,
        ),
        "meetup show" => Command::MeetupShow(meetup_id(inv.arg.as_deref())?),
        "meetup cancel" => {
            let reason = option("reason").filter(|r| !r.is_empty());
            if reason.as_ref().is_some_and(|r| r.chars().count() > 300) {
                return Err(UserError::new("reason: can be at most 300 characters."));
            }
            let whole_series = match option("series").map(|s| s.to_lowercase()).as_deref() {
                None | Some("this") => false,
                Some("all") => true,
                Some(other) => {
                    return Err(UserError::new(format!(
                        "series:{other} is not a choice; series:all cancels every later \
                         occurrence, leaving it out cancels only this one."
                    )));
                }
            };
            Command::MeetupCancel {
                id: meetup_id(inv.arg.as_deref())?,
                reason,
                whole_series,
            }
        }
        "meetup ics" => Command::MeetupIcs(meetup_id(inv.arg.as_deref())?),
        "meetup share" => Command::MeetupShare(meetup_id(inv.arg.as_deref())?),
        "meetup reminders" => match inv.arg.as_deref().map(str::to_lowercase).as_deref() {
            Some("on") => Command::MeetupReminders(true),
            Some("off") => Command::MeetupReminders(false),
            _ => return Err(UserError::new("Say on or off: /meetup reminders off")),
        },
        "meetup subscribe" => Command::MeetupSubscribe(
            State::parse(inv.arg.as_deref().unwrap_or_default())
                .map_err(|e| UserError::new(e.to_string()))?,
        ),
        "meetup unsubscribe" => Command::MeetupUnsubscribe(
            inv.arg
                .as_deref()
                .map(State::parse)
                .transpose()
                .map_err(|e| UserError::new(e.to_string()))?,
        ),
        other => unreachable!("command {other} is in COMMANDS but not typed here"),
    })
}

fn meetup_id(text: Option<&str>) -> Result<i64, UserError> {
    let text = text.unwrap_or_default();
    text.trim_start_matches('#')
        .parse::<i64>()
        .ok()
        .filter(|n| *n > 0)
        .ok_or_else(|| {
            UserError::new(format!(
                "\"{text}\" is not a meetup number; /meetup list shows them (like 3 for #3)."
            ))
        })
}

fn meetup_draft(inv: &Invocation) -> Result<MeetupDraft, UserError> {
    let option = |name: &str| {
        inv.options
            .iter()
            .find(|(o, _)| o.name == name)
            .map(|(_, v)| v.trim().to_owned())
    };
    let text = |name: &str, max: usize| -> Result<Option<String>, UserError> {
        match option(name) {
            None => Ok(None),
            Some(v) if v.is_empty() => Err(UserError::new(format!("{name}: is empty."))),
            Some(v) if v.chars().count() > max => Err(UserError::new(format!(
                "{name}: is {} characters long; at most {max} are accepted.",
                v.chars().count()
            ))),
            Some(v) => Ok(Some(v)),
        }
    };
    let none = |v: &str| v.eq_ignore_ascii_case("none");
    Ok(MeetupDraft {
        title: text("title", 120)?,
        when: text("when", 60)?,
        zone: option("tz")
            .map(|z| schedule::parse_zone(&z))
            .transpose()
            .map_err(UserError::new)?,
        location: text("where", 200)?,
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
                    super::directory::check_url(&l)
                        .map(Some)
                        .map_err(|e| UserError::new(format!("link: {e}.")))
                }
            })
            .transpose()?,
        description: text("description", 1000)?.map(|d| if none(&d) { None } else { Some(d) }),
        repeat: option("repeat")
            .map(|r| super::series::Repeat::parse(&r))
            .transpose()
            .map_err(UserError::new)?,
        until: option("until")
            .map(|u| {
                chrono::NaiveDate::parse_from_str(&u, "%Y-%m-%d").map_err(|_| {
                    UserError::new(format!("until:{u} is not a date; write it as YYYY-MM-DD."))
                })
            })
            .transpose()?,
    })
}

/// A vocabulary value that `none` clears: `None` not given, `Some(None)` cleared.
fn clearable<V: Vocab>(value: Option<String>) -> Result<Option<Option<V>>, UserError> {
    value
        .map(|s| {
            if s.eq_ignore_ascii_case("none") {
                Ok(None)
            } else {
                V::parse(&s).map(Some)
            }
        })
        .transpose()
        .map_err(|e| UserError::new(format!("{e} Or none to remove it.")))
}

fn vocab_option<V: Vocab>(value: Option<String>) -> Result<Option<V>, UserError> {
    value
        .map(|v| V::parse(&v))
        .transpose()
        .map_err(|e| UserError::new(e.to_string()))
}

/// Whether a line starts with the name of a private command (`/checkin …`, `/mydata`, …),
/// whatever follows it.
pub fn names_private_command(line: &str) -> bool {
    let first = line
        .trim()
        .trim_start_matches('/')
        .split_whitespace()
        .next()
        .unwrap_or_default()
        .to_lowercase();
    // A typo of one ("/chekin answer 2") counts too: its error must not be public either.
    let first = if top_level_names().contains(&first.as_str()) {
        first
    } else {
        nearest(&first, top_level_names().into_iter())
            .unwrap_or_default()
            .to_owned()
    };
    COMMANDS
        .iter()
        .any(|c| c.private && c.name.split(' ').next() == Some(first.as_str()))
}

/// The names members type first: `help`, `findgroup`, `group`, `review`, ….
pub fn top_level_names() -> Vec<&'static str> {
    let mut names: Vec<&str> = Vec::new();
    for c in COMMANDS {
        let first = c
            .name
            .split(' ')
            .next()
            .expect("split yields at least one part");
        if !names.contains(&first) {
            names.push(first);
        }
    }
    names
}

/// The closest of `candidates` to `word`, if any is close.
pub fn nearest<'a>(word: &str, candidates: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    candidates
        .map(|c| (strsim::damerau_levenshtein(word, c), c))
        .filter(|(d, c)| *d <= 2.max(c.len() / 3) && *d < c.len().max(word.len()))
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

#[derive(Debug, Clone)]
struct Word {
    text: String,
    /// Started with a quote: never read as an option.
    quoted: bool,
}

impl Word {
    /// `key:value` split, for words that could be options.
    fn option(&self) -> Option<(&str, &str)> {
        if self.quoted {
            return None;
        }
        let (key, value) = self.text.split_once(':')?;
        let plausible = !key.is_empty()
            && key.len() <= 20
            && key
                .chars()
                .all(|c| c.is_ascii_alphabetic() || c == '_' || c == '-');
        plausible.then_some((key, value))
    }

    fn looks_like_link(&self) -> bool {
        let lower = self.text.to_lowercase();
        lower.starts_with("http://")
            || lower.starts_with("https://")
            || lower.starts_with("mailto:")
    }
}

/// Splits on white space; double quotes group words (and are removed).
fn tokenize(line: &str) -> Result<Vec<Word>, UserError> {
    let mut words = Vec::new();
    let mut current = String::new();
    let mut in_quote = false;
    let mut started = false;
    let mut quoted = false;
    for c in line.chars() {
        match c {
            '"' | '“' | '”' => {
                if !started {
                    quoted = true;
                }
                started = true;
                in_quote = !in_quote;
            }
            c if c.is_whitespace() && !in_quote => {
                if started {
                    words.push(Word {
                        text: std::mem::take(&mut current),
                        quoted,
                    });
                }
                started = false;
                quoted = false;
            }
            c => {
                started = true;
                current.push(c);
            }
        }
    }
    if in_quote {
        return Err(UserError::new(
            "A quote (\") is not closed. Close it, or leave quotes out.",
        ));
    }
    if started {
        words.push(Word {
            text: current,
            quoted,
        });
    }
    Ok(words)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(line: &str) -> String {
        parse(line).unwrap_err().0
    }

    #[test]
    fn findgroup_reads_words_and_filters_in_any_order() {
        let Command::FindGroup { query, page } =
            parse("/findgroup night shift specialty:histo state:new york burnout page:2").unwrap()
        else {
            panic!("not a findgroup");
        };
        assert_eq!(query.terms, vec!["night", "shift", "burnout"]);
        assert_eq!(query.specialty, Some(Specialty::Histotechnology));
        assert_eq!(query.region, Some(Region::State(State::NY)));
        assert_eq!(page, 2);
    }

    #[test]
    fn multi_word_values_and_quotes_work() {
        let Command::FindGroup { query, .. } = parse("findgroup specialty:med tech").unwrap()
        else {
            panic!()
        };
        assert_eq!(query.specialty, Some(Specialty::Mls));
        let Command::FindGroup { query, .. } =
            parse("findgroup specialty:\"blood bank\" \"state:x\"").unwrap()
        else {
            panic!()
        };
        assert_eq!(query.specialty, Some(Specialty::BloodBank));
        assert_eq!(query.terms, vec!["state", "x"]);
        let Command::FindGroup { query, .. } =
            parse("findgroup state:washington dc specialty:transfusion medicine nights").unwrap()
        else {
            panic!()
        };
        assert_eq!(query.region, Some(Region::State(State::DC)));
        assert_eq!(query.specialty, Some(Specialty::BloodBank));
        assert_eq!(query.terms, vec!["nights"]);
        let Command::FindGroup { query, .. } = parse("findgroup specialty:all burnout").unwrap()
        else {
            panic!()
        };
        assert_eq!(query.specialty, None);
    }

    #[test]
    fn prose_inside_text_values_is_not_read_as_options() {
        let Command::SuggestGroup { draft, note } = parse(
            "suggestgroup name:X url:https://example.org description:Meets monthly. Note: bring \
             a badge. City: Dayton note:thanks",
        )
        .unwrap() else {
            panic!()
        };
        assert_eq!(
            draft[&Field::Description],
            Raw::Text("Meets monthly. Note: bring a badge. City: Dayton".into())
        );
        assert!(!draft.contains_key(&Field::City));
        assert_eq!(note.as_deref(), Some("thanks"));
    }

    #[test]
    fn text_options_run_to_the_next_option_and_links_are_words() {
        let Command::GroupAdd(d) = parse(
            "/group add name:Histology Society of Ohio url:https://ohiohistology.org kind:association",
        )
        .unwrap() else {
            panic!()
        };
        assert_eq!(
            d[&Field::Name],
            Raw::Text("Histology Society of Ohio".into())
        );
        assert_eq!(
            d[&Field::Url],
            Raw::Text("https://ohiohistology.org".into())
        );
        assert_eq!(
            d[&Field::Key],
            Raw::Text("histology-society-of-ohio".into())
        );
    }

    #[test]
    fn unknown_commands_and_options_suggest_the_nearest() {
        assert!(err("/findgrup burnout").contains("Did you mean /findgroup?"));
        let e = err("/findgroup burnout stat:OH");
        assert!(
            e.contains("no option stat:") && e.contains("Did you mean state:?"),
            "{e}"
        );
        assert!(err("/group shwo x").contains("Did you mean /group show?"));
        assert!(err("/group").contains("needs one of: show, add, edit, remove"));
    }

    #[test]
    fn bad_values_say_what_is_accepted() {
        let e = err("/findgroup specialty:wizardry");
        assert!(
            e.contains("not a specialty") && e.contains("histotechnology"),
            "{e}"
        );
        assert!(err("/findgroup state:Narnia").contains("Accepted: AL, AK"));
        assert!(err("/findgroup").contains("Tell me what to look for"));
        assert!(err(&format!("/findgroup {}", "x".repeat(300))).contains("at most 200"));
        assert!(err("/findgroup burnout page:0").contains("not a page number"));
        assert!(err("/review approve abc").contains("not a suggestion id"));
        assert!(err("/review reject 3").contains("reason"));
    }

    #[test]
    fn checkin_start_reads_days_times_and_zones_in_any_order_with_little_words() {
        let Command::CheckinStart { day, time, zone } =
            parse("/checkin start Monday at 9am Eastern Time").unwrap()
        else {
            panic!()
        };
        assert_eq!(day, Some(Weekday::Mon));
        assert_eq!(time, NaiveTime::from_hms_opt(9, 0, 0));
        assert_eq!(zone, Some(chrono_tz::America::New_York));
        let Command::CheckinStart { zone, .. } =
            parse("/checkin start 7pm Puerto Rico fri").unwrap()
        else {
            panic!()
        };
        assert_eq!(zone, Some(chrono_tz::America::Puerto_Rico));
        assert!(
            parse("/checkin start Monday Tuesday")
                .unwrap_err()
                .0
                .contains("one day")
        );
    }

    #[test]
    fn review_defaults_to_list() {
        assert_eq!(parse("/review").unwrap(), Command::ReviewList);
        assert_eq!(parse("review list").unwrap(), Command::ReviewList);
    }

    #[test]
    fn every_spec_is_typed() {
        // Each spec must be reachable and typed without panicking.
        for spec in COMMANDS {
            let inv = Invocation {
                spec,
                arg: Some("1".into()),
                options: Vec::new(),
            };
            let _ = typed(inv);
        }
    }
}
