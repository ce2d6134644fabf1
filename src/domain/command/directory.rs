//! The directory: searching it, its moderators keeping it, members suggesting entries and
//! moderators reviewing the suggestions.

use super::vocab_option;
use super::{ArgSpec, Command, CommandSpec, Invocation, OptKind, OptSpec, UserError, is, number};
use crate::domain::directory::{Draft, Field, Raw, slugify};
use crate::domain::identity::Role;
use crate::domain::member_text::{self, Lines};
use crate::domain::places;
use crate::domain::reports::{self, ReportOutcome, ReportReason};
use crate::domain::search::{MAX_QUERY_CHARS, Region, SearchQuery};
use crate::domain::understand::{self, Place, credential};
use crate::domain::vocab::{Cost, Facilitation, Format, Kind, Specialty};

/// A directory command, typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DirectoryCommand {
    /// `/findgroup WORDS filters… [page:N]`.
    FindGroup {
        /// Boxed: a read search is large next to the other commands.
        query: Box<SearchQuery>,
        page: u32,
    },
    /// `/group show KEY`.
    Show(String),
    /// `/group add field:value …`.
    Add(Draft),
    /// `/group edit KEY field:value …`: only the fields to change.
    Edit(String, Draft),
    /// `/group remove KEY`.
    Remove(String),
    /// `/suggestgroup field:value … [note:…]`.
    Suggest { draft: Draft, note: Option<String> },
    /// `/review list`.
    ReviewList,
    /// `/review approve ID [field:value …]`: the fields override the suggestion's.
    ReviewApprove { id: i64, draft: Draft },
    /// `/review reject ID reason:…`.
    ReviewReject { id: i64, reason: String },
    /// `/group report KEY reason:… [details:…]`: a member says an entry needs a look.
    Report {
        key: String,
        reason: ReportReason,
        details: Option<String>,
    },
    /// `/review report KEY fixed|dismissed [note:…]`: resolves every open report on the entry.
    ReviewReport {
        key: String,
        outcome: ReportOutcome,
        note: Option<String>,
    },
}

impl From<DirectoryCommand> for Command {
    fn from(c: DirectoryCommand) -> Command {
        Command::Directory(c)
    }
}

type Parsed = Result<Command, UserError>;

fn findgroup(inv: &Invocation) -> Parsed {
    let text = inv.arg_text();
    if text.chars().count() > MAX_QUERY_CHARS {
        return Err(UserError::new(format!(
            "That search is {} characters long; at most {MAX_QUERY_CHARS} are accepted. \
             A few words work best, like /findgroup night shift burnout.",
            text.chars().count()
        )));
    }
    let page = match inv.option("page") {
        None => 1,
        Some(p) => p
            .parse::<u32>()
            .ok()
            .filter(|p| (1..=1000).contains(p))
            .ok_or_else(|| {
                UserError::new(format!("page:{p} is not a page number; use 1, 2, 3, …"))
            })?,
    };
    let mut query = SearchQuery::words(text);
    // specialty:all asks for everything: no filter.
    query.specialty = vocab_option(inv.option("specialty"))?.filter(|s| *s != Specialty::All);
    query.region = inv
        .option("state")
        .map(|s| Region::parse(&s))
        .transpose()
        .map_err(|e| UserError::new(e.to_string()))?;
    query.format = vocab_option(inv.option("format"))?;
    query.kind = vocab_option(inv.option("kind"))?;
    query.cost = vocab_option(inv.option("cost"))?;
    query.facilitation = vocab_option(inv.option("facilitation"))?;
    if let Some(c) = inv.option("credential") {
        query.credential = Some(credential(&c).ok_or_else(|| {
            UserError::new(format!(
                "\"{}\" is not a credential I know. Accepted: {}.",
                c.trim(),
                understand::CREDENTIALS
                    .iter()
                    .map(|(c, _)| *c)
                    .collect::<Vec<_>>()
                    .join(", ")
            ))
        })?);
    }
    if let Some(c) = inv.option("city") {
        query.wants.place = Some(city(&c)?);
        query.city = Some(c.trim().to_owned());
    }
    if query.is_empty() {
        return Err(UserError::new(
            "Tell me what to look for: some words, a filter, or both. For example: \
             /findgroup burnout, /findgroup specialty:histo state:OH, \
             /findgroup kind:crisis_line.",
        ));
    }
    Ok(DirectoryCommand::FindGroup {
        query: Box::new(query),
        page,
    }
    .into())
}

/// A city option: "Chicago", "Portland, ME", "St. Louis".
fn city(value: &str) -> Result<Place, UserError> {
    if value.trim().is_empty() {
        return Err(UserError::new(
            "city: needs a city after it, like city:Chicago or city:\"Portland, ME\".",
        ));
    }
    let reading = understand::read(&format!("in {value}"));
    match reading.wants.place {
        Some(place) if place.city.is_some() => Ok(place),
        _ => {
            let hint = places::nearest(value.trim())
                .map(|n| format!(" Did you mean {n}?"))
                .unwrap_or_default();
            Err(UserError::new(format!(
                "\"{}\" is not a US city I know.{hint} I know every US place of 50,000 people \
                 or more; for a smaller place, use its state instead (state:OH).",
                value.trim()
            )))
        }
    }
}

/// The entry fields given as options.
fn draft(inv: &Invocation) -> Draft {
    inv.options
        .iter()
        .filter_map(|(o, v)| Some((Field::from_name(o.name)?, Raw::Text(v.trim().to_owned()))))
        .collect()
}

/// A suggestion's id, the argument.
fn id(inv: &Invocation) -> Result<i64, UserError> {
    let text = inv.arg_text();
    number(text).ok_or_else(|| {
        UserError::new(format!(
            "\"{text}\" is not a suggestion id; ids are whole numbers, shown by /review list."
        ))
    })
}

/// An entry's key, the argument.
fn key(inv: &Invocation) -> Result<String, UserError> {
    let text = inv.arg_text().to_lowercase();
    if !text.is_empty() && text.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
        Ok(text)
    } else {
        Err(UserError::new(format!(
            "\"{text}\" is not an entry key; keys look like ohio-histology and are shown under \
             each /findgroup result."
        )))
    }
}

fn group_show(inv: &Invocation) -> Parsed {
    Ok(DirectoryCommand::Show(key(inv)?).into())
}

fn group_add(inv: &Invocation) -> Parsed {
    let mut d = draft(inv);
    if d.is_empty() {
        return Err(UserError::new(format!(
            "/group add needs the entry's fields. {}\nExample: {}",
            inv.spec.details,
            inv.spec.examples.first().copied().unwrap_or_default()
        )));
    }
    d.entry(Field::Key).or_insert_with(|| {
        let name = inv.option("name").unwrap_or_default();
        Raw::Text(slugify(&name))
    });
    Ok(DirectoryCommand::Add(d).into())
}

fn group_edit(inv: &Invocation) -> Parsed {
    let key = key(inv)?;
    let d = draft(inv);
    if d.is_empty() {
        return Err(UserError::new(format!(
            "/group edit {key} needs at least one field to change, like url:https://…"
        )));
    }
    Ok(DirectoryCommand::Edit(key, d).into())
}

fn group_remove(inv: &Invocation) -> Parsed {
    Ok(DirectoryCommand::Remove(key(inv)?).into())
}

fn suggestgroup(inv: &Invocation) -> Parsed {
    let d = draft(inv);
    let missing: Vec<&str> = [Field::Name, Field::Url, Field::Description]
        .into_iter()
        .filter(|f| !d.contains_key(f))
        .map(Field::name)
        .collect();
    if !missing.is_empty() {
        return Err(UserError::new(format!(
            "A suggestion needs {}. Example: {}",
            missing.join(", "),
            inv.spec.examples.first().copied().unwrap_or_default()
        )));
    }
    let note = inv.option("note").filter(|n| !n.is_empty());
    if note.as_ref().is_some_and(|n| n.chars().count() > 500) {
        return Err(UserError::new("note: can be at most 500 characters."));
    }
    if let Some(note) = &note {
        // The reviewers read it.
        member_text::check("note", note, Lines::Several)?;
    }
    Ok(DirectoryCommand::Suggest { draft: d, note }.into())
}

fn review_list(_: &Invocation) -> Parsed {
    Ok(DirectoryCommand::ReviewList.into())
}

fn review_approve(inv: &Invocation) -> Parsed {
    Ok(DirectoryCommand::ReviewApprove {
        id: id(inv)?,
        draft: draft(inv),
    }
    .into())
}

fn review_reject(inv: &Invocation) -> Parsed {
    let id = id(inv)?;
    let reason = inv
        .option("reason")
        .filter(|r| !r.is_empty())
        .ok_or_else(|| {
            UserError::new(format!(
                "Give the member a reason: /review reject {id} reason:Already listed."
            ))
        })?;
    if reason.chars().count() > 500 {
        return Err(UserError::new("reason: can be at most 500 characters."));
    }
    // The member reads it.
    member_text::check("reason", &reason, Lines::Several)?;
    Ok(DirectoryCommand::ReviewReject { id, reason }.into())
}

fn group_report(inv: &Invocation) -> Parsed {
    let key = key(inv)?;
    let reason = match inv.option("reason").filter(|r| !r.is_empty()) {
        None => {
            return Err(UserError::new(format!(
                "Say what is wrong with {key}: /group report {key} reason:broken-link. \
                 Reasons accepted: {}.",
                reports::REASONS
            )));
        }
        Some(r) => ReportReason::parse(&r).ok_or_else(|| {
            UserError::new(format!(
                "\"{}\" is not a reason I know; nothing was reported. Reasons accepted: {}.",
                r.trim(),
                reports::REASONS
            ))
        })?,
    };
    let details = inv.option("details").filter(|d| !d.is_empty());
    if let Some(d) = &details {
        let n = d.chars().count();
        if n > reports::MAX_DETAILS_CHARS {
            return Err(UserError::new(format!(
                "details: is {n} characters long; at most {} are accepted. Nothing was reported.",
                reports::MAX_DETAILS_CHARS
            )));
        }
        // The moderators read it.
        member_text::check("details", d, Lines::Several)?;
    }
    Ok(DirectoryCommand::Report {
        key,
        reason,
        details,
    }
    .into())
}

fn review_report(inv: &Invocation) -> Parsed {
    let words: Vec<&str> = inv.arg_text().split_whitespace().collect();
    let usage = "Give the entry's key and the outcome: /review report KEY fixed, or \
                 /review report KEY dismissed (with note:… for the reporters if you like).";
    let [key_text, outcome] = words.as_slice() else {
        return Err(UserError::new(usage));
    };
    let key = key_text.to_lowercase();
    if !key.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
        return Err(UserError::new(format!(
            "\"{key_text}\" is not an entry key; /review lists the reported entries by key."
        )));
    }
    let outcome = ReportOutcome::parse(outcome).ok_or_else(|| {
        UserError::new(format!(
            "\"{outcome}\" is not an outcome; use fixed or dismissed. {usage}"
        ))
    })?;
    let note = inv.option("note").filter(|n| !n.is_empty());
    if let Some(n) = &note {
        if n.chars().count() > 500 {
            return Err(UserError::new("note: can be at most 500 characters."));
        }
        // The reporters read it.
        member_text::check("note", n, Lines::Several)?;
    }
    Ok(DirectoryCommand::ReviewReport { key, outcome, note }.into())
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
        name: "facilitation",
        aliases: &[],
        help: "peer_led, professional_led or none",
        kind: OptKind::Word(is::<Facilitation>),
    },
    OptSpec {
        name: "credential",
        aliases: &["credentials"],
        help: "a credential: MLS, MLT, PBT, HT, CT, SBB, MB, DLM, … (entries for its specialty)",
        kind: OptKind::Word(|s| credential(s).is_some()),
    },
    OptSpec {
        name: "city",
        aliases: &[],
        help: "a US city (Chicago, \"Portland, ME\"): its state's groups and national ones",
        kind: OptKind::Text,
    },
    OptSpec {
        name: "page",
        aliases: &[],
        help: "which page of results",
        kind: OptKind::Number,
    },
];

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
const LAST_CHECKED: OptSpec = field_opt!(
    "last_checked",
    ["checked"],
    "date a moderator confirmed the facts, YYYY-MM-DD, or today"
);
const CHECKED_HOW: OptSpec = field_opt!(
    "checked_how",
    [],
    "how: own-page (the default), third-party or member-report"
);

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
    LAST_CHECKED,
    CHECKED_HOW,
];

/// What a member may give with a suggestion (name, url and description are required).
#[rustfmt::skip]
const SUGGEST_FIELDS: &[OptSpec] = &[
    NAME, URL, DESCRIPTION, KIND, SPECIALTY, STATE, CITY, FORMAT, COST, FACILITATION, SCHEDULE,
    CONTACT, field_opt!("note", [], "anything the reviewers should know"),
];

const REJECT_OPTIONS: &[OptSpec] = &[field_opt!("reason", [], "why (the member is told)")];

const REPORT_OPTIONS: &[OptSpec] = &[
    field_opt!(
        "reason",
        [],
        "outdated, broken-link, wrong-info or not-a-fit"
    ),
    field_opt!(
        "details",
        ["detail"],
        "what you noticed, at most 300 characters (no patient information)"
    ),
];

const RESOLVE_OPTIONS: &[OptSpec] = &[field_opt!("note", [], "for the reporters (they are told)")];

/// The argument of several commands here.
const ENTRY_KEY: ArgSpec = ArgSpec::one("KEY", "the entry's key");

/// The argument of several commands here.
const SUGGESTION_ID: ArgSpec = ArgSpec::one("ID", "the suggestion's id");

/// The directory commands, in the order `/help` lists them.
pub(super) static SPECS: &[CommandSpec] = &[
    CommandSpec {
        name: "findgroup",
        parse: findgroup,
        private: false,
        summary: "Find support groups, associations and communities",
        details: "Searches the directory by words and filters, best help first, five per \
                  page. Write it your way: feelings (stressed, burned out, lonely), your role \
                  (phlebotomist, MLT, histotech), a place (in Texas, near Chicago), a shift, \
                  online or free are understood and said back. Filters accept common spellings: \
                  specialty:histo, specialty:\"med tech\", state:Ohio, state:OH, city:Chicago, \
                  credential:SBB, facilitation:peer_led. A state filter finds groups in that \
                  state only; national groups are suggested when there is none.",
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
            "/findgroup night shift phlebotomist in Texas, burned out",
            "/findgroup specialty:histo state:OH",
            "/findgroup peer support city:Chicago",
            "/findgroup peer support format:online page:2",
        ],
    },
    CommandSpec {
        name: "group show",
        parse: group_show,
        private: false,
        summary: "Show one directory entry in full",
        details: "Shows everything the directory knows about an entry, by its key (the key is \
                  shown under each /findgroup result).",
        role: Role::Member,
        arg: Some(ENTRY_KEY),
        options: &[],
        examples: &["/group show ascls"],
    },
    CommandSpec {
        name: "group add",
        parse: group_add,
        private: false,
        summary: "Add an entry to the directory (moderators)",
        details: "Required: name, kind, specialty, format, cost, facilitation, description. \
                  Lists are comma-separated. Links must be http or https.",
        role: Role::Moderator,
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
        parse: group_edit,
        private: false,
        summary: "Change fields of a directory entry (moderators)",
        details: "Give the key, then only the fields to change. The whole entry is checked again. \
                  Changing url, contact or schedule clears last_checked, unless the same edit \
                  confirms the check: checked:today (or last_checked:YYYY-MM-DD) after looking \
                  at the organisation's own page, with checked_how:third-party or \
                  checked_how:member-report when the facts came from elsewhere.",
        role: Role::Moderator,
        arg: Some(ENTRY_KEY),
        options: ENTRY_FIELDS,
        examples: &[
            "/group edit oh-histo url:https://ohiohistology.org checked:today",
            "/group edit oh-histo last_checked:2026-11-01 checked_how:third-party",
        ],
    },
    CommandSpec {
        name: "group remove",
        parse: group_remove,
        private: false,
        summary: "Remove a directory entry (moderators)",
        details: "Removes the entry for good. `labcircle directory export` keeps a copy first.",
        role: Role::Moderator,
        arg: Some(ENTRY_KEY),
        options: &[],
        examples: &["/group remove old-group"],
    },
    CommandSpec {
        name: "group report",
        parse: group_report,
        private: true,
        summary: "Tell the moderators an entry needs a look",
        details: "Reports an entry that is outdated, has a broken link, says something wrong or \
                  is not a fit for lab professionals. The directory's moderators see it in their \
                  queue and you are told privately what they did. One open report per entry.",
        role: Role::Member,
        arg: Some(ENTRY_KEY),
        options: REPORT_OPTIONS,
        examples: &[
            "/group report oh-histo reason:broken-link",
            "/group report ascls reason:outdated details:The meeting moved to Thursdays.",
        ],
    },
    CommandSpec {
        name: "suggestgroup",
        parse: suggestgroup,
        private: false,
        summary: "Suggest a group for the directory",
        details: "Your suggestion goes to the directory moderators' review queue; you are told privately when \
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
        parse: review_list,
        private: false,
        summary: "List pending directory suggestions (moderators)",
        details: "Shows suggestions waiting for review, oldest first, with their ids.",
        role: Role::Moderator,
        arg: None,
        options: &[],
        examples: &["/review", "/review list"],
    },
    CommandSpec {
        name: "review approve",
        parse: review_approve,
        private: false,
        summary: "Approve a suggestion into the directory (moderators)",
        details: "Creates the entry from the suggestion. Fields the member left out (kind, \
                  specialty, format, cost, facilitation) can be given here; any field given here \
                  overrides the suggestion's.",
        role: Role::Moderator,
        arg: Some(SUGGESTION_ID),
        options: ENTRY_FIELDS,
        examples: &[
            "/review approve 3 kind:local_group specialty:histo format:in_person cost:free facilitation:peer_led",
        ],
    },
    CommandSpec {
        name: "review reject",
        parse: review_reject,
        private: false,
        summary: "Turn a suggestion down, with a reason (moderators)",
        details: "The member is told privately, with your reason.",
        role: Role::Moderator,
        arg: Some(SUGGESTION_ID),
        options: REJECT_OPTIONS,
        examples: &["/review reject 3 reason:Already listed as oh-histo."],
    },
    CommandSpec {
        name: "review report",
        parse: review_report,
        private: false,
        summary: "Resolve the members' reports on an entry (moderators)",
        details: "Resolves every open report on the entry: fixed (you corrected it, for example \
                  with /group edit KEY … checked:today) or dismissed (it stays as it is). Each \
                  reporter is told privately, with your note if you give one.",
        role: Role::Moderator,
        arg: Some(ArgSpec {
            name: "KEY OUTCOME",
            help: "the entry's key, then fixed or dismissed",
            required: true,
            rest: true,
        }),
        options: RESOLVE_OPTIONS,
        examples: &[
            "/review report oh-histo fixed note:The new link is in.",
            "/review report ascls dismissed",
        ],
    },
];
