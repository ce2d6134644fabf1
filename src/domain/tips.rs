//! The tips library: practical advice from peers, by topic.
//!
//! Members share tips (`/tip share`), browse them best first (`/tips`), vote them helpful, save
//! them privately and report them. A starting set ships in `data/tips.toml` (seeded by key, shown
//! in every community); members' tips stay in the community they were shared in. This module
//! holds the rules that need no database: the topic vocabulary and the words people use for it,
//! the shipped file's checks, how a tip's author is named to others, how tips rank, which tip
//! suits a check-in answer, and how a tip reads.

use serde::Deserialize;

use super::mentions::neutralize;
use super::reply::{Block, Item, Reply};
use super::vocab::{Specialty, State, Vocab, normalize};

/// Most characters in a tip's text.
pub const MAX_TIP_CHARS: usize = 600;
/// Most characters in a report's reason.
pub const MAX_REASON_CHARS: usize = 300;
/// Tips a page of `/tips` shows.
pub const PAGE: usize = 5;
/// How much one helpful vote lifts a tip in the ranking: as much as being shared this much later.
pub const VOTE_WEIGHT_SECS: i64 = 14 * 24 * 3600;
/// A member does not get the same tip after a check-in again within this many weeks.
pub const CHECKIN_REPEAT_WEEKS: i64 = 8;
/// A community's tip of the week is not repeated within this many weeks.
pub const WEEKLY_REPEAT_WEEKS: i64 = 52;
/// Fewest helpful votes for a member's tip to be a tip of the week (the starting set qualifies
/// without votes: its sources are public guidance).
pub const WEEKLY_MIN_VOTES: i64 = 1;

/// A tip's topic: the fixed vocabulary.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Topic {
    Workload,
    ShortStaffing,
    NightShift,
    Sleep,
    Breaks,
    DifficultConversations,
    ErrorsAndBlame,
    Career,
    Studying,
    NewGrads,
    SelfCare,
    AskingForHelp,
    LeadingATeam,
}

/// Every topic, with its code, its label and the words people use for it.
const TOPICS: &[(Topic, &str, &str, &[&str])] = &[
    (
        Topic::Workload,
        "workload",
        "workload",
        &[
            "work load",
            "too much work",
            "busy",
            "backlog",
            "volume",
            "overwhelmed",
        ],
    ),
    (
        Topic::ShortStaffing,
        "short-staffing",
        "short staffing",
        &[
            "short staffed",
            "short staff",
            "understaffed",
            "staffing",
            "short handed",
        ],
    ),
    (
        Topic::NightShift,
        "night-shift",
        "night shift",
        &[
            "nights",
            "night",
            "graveyard",
            "overnight",
            "third shift",
            "nocturnal",
        ],
    ),
    (
        Topic::Sleep,
        "sleep",
        "sleep",
        &["tired", "fatigue", "exhausted", "insomnia", "rest"],
    ),
    (
        Topic::Breaks,
        "breaks",
        "breaks",
        &["break", "lunch", "meal", "pause", "time off"],
    ),
    (
        Topic::DifficultConversations,
        "difficult-conversations",
        "difficult conversations",
        &[
            "doctors",
            "doctor",
            "nurses",
            "nurse",
            "providers",
            "provider",
            "conflict",
            "difficult conversation",
            "conversations",
            "rude",
        ],
    ),
    (
        Topic::ErrorsAndBlame,
        "errors-and-blame",
        "errors and blame",
        &["mistake", "mistakes", "error", "errors", "blame", "blamed"],
    ),
    (
        Topic::Career,
        "career",
        "career",
        &[
            "job",
            "promotion",
            "raise",
            "pay",
            "salary",
            "resume",
            "interview",
        ],
    ),
    (
        Topic::Studying,
        "studying",
        "studying and exams",
        &[
            "board exam",
            "boc",
            "exam",
            "exams",
            "study",
            "certification",
            "boards",
        ],
    ),
    (
        Topic::NewGrads,
        "new-grads",
        "new graduates",
        &[
            "new grad",
            "new grads",
            "first job",
            "graduate",
            "student",
            "new graduate",
        ],
    ),
    (
        Topic::SelfCare,
        "self-care",
        "self-care",
        &[
            "me time",
            "self care",
            "selfcare",
            "wellbeing",
            "stress",
            "burnout",
        ],
    ),
    (
        Topic::AskingForHelp,
        "asking-for-help",
        "asking for help",
        &["help", "support", "ask for help", "asking"],
    ),
    (
        Topic::LeadingATeam,
        "leading-a-team",
        "leading a team",
        &[
            "manager",
            "lead",
            "leader",
            "supervisor",
            "leadership",
            "team lead",
        ],
    ),
];

impl Topic {
    /// Every topic, in the order help lists them.
    pub fn all() -> impl Iterator<Item = Topic> {
        TOPICS.iter().map(|(t, ..)| *t)
    }

    fn row(self) -> &'static (Topic, &'static str, &'static str, &'static [&'static str]) {
        TOPICS
            .iter()
            .find(|(t, ..)| *t == self)
            .expect("every topic has a row in TOPICS")
    }

    /// The stored code (`short-staffing`).
    pub fn code(self) -> &'static str {
        self.row().1
    }

    /// How members read it ("short staffing").
    pub fn label(self) -> &'static str {
        self.row().2
    }

    /// A stored code back.
    pub fn from_code(code: &str) -> Option<Topic> {
        TOPICS
            .iter()
            .find(|(_, c, ..)| *c == code)
            .map(|(t, ..)| *t)
    }

    /// A topic from a code, a label or a word people use for it ("understaffed", "BOC").
    pub fn parse(text: &str) -> Option<Topic> {
        let wanted = normalize(&text.replace('-', " "));
        TOPICS
            .iter()
            .find(|(_, code, label, words)| {
                normalize(&code.replace('-', " ")) == wanted
                    || normalize(label) == wanted
                    || words.iter().any(|w| normalize(w) == wanted)
            })
            .map(|(t, ..)| *t)
    }

    /// The topic some words are about: the whole phrase, else the longest run of words that
    /// names one ("tips for night shift sleep" → night shift).
    pub fn find_in(words: &str) -> Option<Topic> {
        if let Some(t) = Topic::parse(words) {
            return Some(t);
        }
        let list: Vec<&str> = words.split_whitespace().collect();
        for len in (1..=3.min(list.len())).rev() {
            for start in 0..=(list.len() - len) {
                if let Some(t) = Topic::parse(&list[start..start + len].join(" ")) {
                    return Some(t);
                }
            }
        }
        None
    }

    /// "workload, short-staffing, …": what `topic:` accepts.
    pub fn accepted() -> String {
        TOPICS
            .iter()
            .map(|(_, c, ..)| *c)
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// Where a tip stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TipStatus {
    /// Waiting for a moderator (communities that moderate before).
    Pending,
    Live,
    /// Reported in a community that moderates after: hidden until a moderator decides.
    Hidden,
    /// Removed by a moderator; a removed starting-set tip is never seeded again.
    Removed,
}

impl TipStatus {
    pub fn code(self) -> &'static str {
        match self {
            TipStatus::Pending => "pending",
            TipStatus::Live => "live",
            TipStatus::Hidden => "hidden",
            TipStatus::Removed => "removed",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        [
            TipStatus::Pending,
            TipStatus::Live,
            TipStatus::Hidden,
            TipStatus::Removed,
        ]
        .into_iter()
        .find(|s| s.code() == code)
    }
}

/// When a community's moderators look at members' tips.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Moderation {
    /// A tip waits for a moderator before anyone sees it.
    #[default]
    Before,
    /// A tip is live at once; a report hides it until a moderator decides.
    After,
}

/// A tip as stored and shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tip {
    pub id: i64,
    /// The starting set's key; `None` for members' tips.
    pub key: Option<String>,
    /// `platform:id` of the community it was shared in; empty for the starting set.
    pub community: String,
    pub topic: Topic,
    pub also: Vec<Topic>,
    /// Fits after a stressed or low check-in.
    pub high_stress: bool,
    /// Role hints for the check-in tip ("night-shift", "phlebotomy"); empty: everyone.
    pub roles: Vec<String>,
    pub text: String,
    pub source_name: Option<String>,
    pub source_url: Option<String>,
    pub status: TipStatus,
    pub helpful: i64,
    /// Unix seconds.
    pub created_at: i64,
    /// How the author is named to other members ("a phlebotomist in TX", "a member").
    pub author_line: String,
    /// Who wrote it, for moderators (`platform:id (name)`); `None` for the starting set or an
    /// author who left and chose to keep their tips.
    pub author: Option<String>,
}

impl Tip {
    /// Whether it is from the shipped starting set.
    pub fn is_starting_set(&self) -> bool {
        self.key.is_some()
    }

    /// Its topics, the main one first.
    pub fn topics(&self) -> impl Iterator<Item = Topic> + '_ {
        std::iter::once(self.topic).chain(self.also.iter().copied())
    }
}

/// Where a tip ranks: later sharing and helpful votes lift it. Time-free, so it can be stored
/// and indexed: a vote counts as much as being shared [`VOTE_WEIGHT_SECS`] later.
pub fn rank(created_at: i64, helpful: i64) -> i64 {
    created_at.saturating_add(helpful.saturating_mul(VOTE_WEIGHT_SECS))
}

/// How a member is named to others on their tips, from what their profile gives:
/// "a phlebotomist in TX", "a member in OH", "a histotechnologist", "a member".
pub fn author_line(specialty: Option<Specialty>, state: Option<State>) -> String {
    let who = specialty.map(|s| match s {
        Specialty::Mls => "medical laboratory scientist",
        Specialty::Mlt => "medical laboratory technician",
        Specialty::Phlebotomy => "phlebotomist",
        Specialty::Cytotechnology => "cytotechnologist",
        Specialty::Histotechnology => "histotechnologist",
        Specialty::Microbiology => "microbiology tech",
        Specialty::BloodBank => "blood bank tech",
        Specialty::Molecular => "molecular tech",
        Specialty::Chemistry => "chemistry tech",
        Specialty::Hematology => "hematology tech",
        Specialty::LabManagement => "lab manager",
        Specialty::PathologistsAssistant => "pathologists' assistant",
        Specialty::All => "lab professional",
    });
    let who = who.unwrap_or("member");
    let article = if who.starts_with(['a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    };
    match state {
        Some(st) => format!("{article} {who} in {}", st.code()),
        None => format!("{article} {who}"),
    }
}

/// The line under a tip: its topic, who shared it (or its source), and its votes.
fn byline(tip: &Tip, moderator: bool) -> String {
    let mut parts = vec![tip.topic.label().to_owned()];
    if tip.is_starting_set() {
        parts.push("from the starting set".to_owned());
    } else {
        let mut who = format!("shared by {}", tip.author_line);
        if let (true, Some(author)) = (moderator, &tip.author) {
            who.push_str(&format!(" ({})", neutralize(author)));
        }
        parts.push(who);
    }
    if tip.helpful > 0 {
        parts.push(format!(
            "{} found it helpful",
            if tip.helpful == 1 {
                "1 member".to_owned()
            } else {
                format!("{} members", tip.helpful)
            }
        ));
    }
    parts.join(" · ")
}

/// The source line of a starting-set tip.
pub fn source_line(tip: &Tip) -> Option<String> {
    match (&tip.source_name, &tip.source_url) {
        (Some(name), Some(url)) => Some(format!("Source: {name} — {url}")),
        (Some(name), None) => Some(format!("Source: {name}")),
        (None, Some(url)) => Some(format!("Source: {url}")),
        (None, None) => None,
    }
}

/// A tip as one item of a list.
pub fn item(tip: &Tip, moderator: bool) -> Item {
    let mut lines = vec![neutralize(&tip.text)];
    if let Some(source) = source_line(tip) {
        lines.push(source);
    }
    if moderator && tip.status != TipStatus::Live {
        lines.push(format!("status: {}", tip.status.code()));
    }
    Item {
        title: format!("Tip #{}", tip.id),
        subtitle: byline(tip, moderator),
        lines,
        link: None,
    }
}

/// `/tips [TOPIC]`: a page of tips, best first.
pub fn list_reply(
    tips: &[Tip],
    topic: Option<Topic>,
    words: Option<&str>,
    moderator: bool,
) -> Reply {
    let about = match (topic, words) {
        (Some(t), _) => format!(" on {}", t.label()),
        (None, Some(w)) => format!(" about \"{}\"", neutralize(w)),
        (None, None) => String::new(),
    };
    if tips.is_empty() {
        return Reply::channel(format!("No tips{about} yet."))
            .text(format!("Topics: {}.", Topic::accepted()))
            .footer("Share one: /tip share topic:… text:…");
    }
    Reply::channel(format!("Tips{about}, most helpful first"))
        .block(Block::Items {
            first_number: 1,
            items: tips.iter().map(|t| item(t, moderator)).collect(),
        })
        .footer("/tip helpful ID · /tip save ID · /tip report ID reason:… · /tip share")
}

/// `/tip show ID`: one tip, in full. A 👍 reaction on it counts as a helpful vote.
pub fn show_reply(tip: &Tip, moderator: bool) -> Reply {
    Reply::channel(format!("Tip #{}", tip.id))
        .block(Block::Items {
            first_number: 1,
            items: vec![item(tip, moderator)],
        })
        .footer(format!(
            "React 👍 or /tip helpful {id} if it helped · /tip save {id}",
            id = tip.id
        ))
}

/// The tip of the week, posted in a community's tips channel.
pub fn weekly_post(tip: &Tip) -> Reply {
    let mut reply = Reply::channel("Tip of the week")
        .text(neutralize(&tip.text))
        .text(if tip.is_starting_set() {
            format!("{} · from the starting set", tip.topic.label())
        } else {
            format!("{} · shared by {}", tip.topic.label(), tip.author_line)
        });
    if let Some(source) = source_line(tip) {
        reply = reply.text(source);
    }
    reply.footer(format!(
        "/tip show {id} · /tip save {id} · /tips {} for more",
        tip.topic.code(),
        id = tip.id
    ))
}

/// `/mydata`'s summary lines about tips: written, found helpful, saved (none when all are 0).
pub fn my_data_fields(written: usize, votes: usize, saved: usize) -> Vec<(String, String)> {
    if written + votes + saved == 0 {
        return Vec::new();
    }
    vec![(
        "Tips".to_owned(),
        format!("{written} written, {votes} voted helpful, {saved} saved"),
    )]
}

/// What a member's check-in answer says about the tip that may follow it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CheckinContext {
    /// Stress of 4 or 5, or a mood of 2 or lower.
    pub stressed: bool,
}

/// How well `tip` fits after a check-in, or `None` if it does not: a high-stress tip only after
/// a stressed answer; a tip for some roles only for members whose profile names one of them
/// (`roles`: the member's role words, like "phlebotomy"). Higher is better.
pub fn checkin_fit(tip: &Tip, context: CheckinContext, roles: &[&str]) -> Option<i64> {
    if tip.high_stress && !context.stressed {
        return None;
    }
    let role_match = tip.roles.iter().any(|r| roles.contains(&r.as_str()));
    if !tip.roles.is_empty() && !role_match {
        return None;
    }
    let stress_match = tip.high_stress == context.stressed;
    let topic_match = context.stressed
        && tip
            .topics()
            .any(|t| matches!(t, Topic::SelfCare | Topic::Workload | Topic::Breaks));
    Some(
        i64::from(role_match) * 4
            + i64::from(stress_match) * 2
            + i64::from(topic_match)
            + tip.helpful.min(5),
    )
}

/// The one tip shown under a check-in answer.
pub fn checkin_text(tip: &Tip) -> String {
    let mut text = format!(
        "A tip from peers ({}): {}",
        tip.topic.label(),
        neutralize(&tip.text)
    );
    if let Some(source) = source_line(tip) {
        text.push_str(&format!(" ({source})"));
    }
    text
}

/// A tip in the shipped file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileTip {
    pub key: String,
    pub topic: String,
    #[serde(default)]
    pub also: Vec<String>,
    #[serde(default)]
    pub stress: Option<String>,
    #[serde(default)]
    pub roles: Vec<String>,
    pub text: String,
    pub source_name: Option<String>,
    pub source_url: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TipsFile {
    #[serde(default)]
    tip: Vec<FileTip>,
}

/// A tip of the shipped file, checked and typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeedTip {
    pub key: String,
    pub topic: Topic,
    pub also: Vec<Topic>,
    pub high_stress: bool,
    pub roles: Vec<String>,
    pub text: String,
    pub source_name: Option<String>,
    pub source_url: Option<String>,
}

/// What is wrong with the shipped tips file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TipsFileError {
    #[error("the tips file is not valid TOML: {0}")]
    Toml(String),
    #[error("tip {key}: {problem}")]
    Invalid { key: String, problem: String },
}

/// Role hints the check-in tip understands.
pub const ROLES: &[&str] = &[
    "night-shift",
    "new-grad",
    "manager",
    "phlebotomy",
    "mls",
    "mlt",
    "histotechnology",
    "cytotechnology",
    "microbiology",
    "blood-bank",
    "molecular",
    "chemistry",
    "hematology",
];

/// Reads and checks the shipped tips file: keys, topics, stress, roles, text and sources.
/// A problem names the tip's key.
pub fn read_file(text: &str) -> Result<Vec<SeedTip>, TipsFileError> {
    let file: TipsFile = toml::from_str(text).map_err(|e| TipsFileError::Toml(e.to_string()))?;
    let mut keys = std::collections::HashSet::new();
    let mut out = Vec::with_capacity(file.tip.len());
    for t in file.tip {
        let problem = |p: String| TipsFileError::Invalid {
            key: t.key.clone(),
            problem: p,
        };
        let key_ok = (2..=64).contains(&t.key.len())
            && t.key
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
        if !key_ok {
            return Err(problem(
                "the key must be 2-64 characters of a-z, 0-9 and '-'".into(),
            ));
        }
        if !keys.insert(t.key.clone()) {
            return Err(problem("the key is used twice".into()));
        }
        let topic = |code: &str| {
            Topic::from_code(code).ok_or_else(|| {
                problem(format!(
                    "\"{code}\" is not a topic; accepted: {}",
                    Topic::accepted()
                ))
            })
        };
        let main = topic(&t.topic)?;
        let also = t
            .also
            .iter()
            .map(|c| topic(c))
            .collect::<Result<Vec<_>, _>>()?;
        let high_stress = match t.stress.as_deref() {
            None | Some("any") => false,
            Some("high") => true,
            Some(other) => {
                return Err(problem(format!(
                    "stress \"{other}\" is not accepted; use \"high\" or \"any\""
                )));
            }
        };
        if let Some(r) = t.roles.iter().find(|r| !ROLES.contains(&r.as_str())) {
            return Err(problem(format!(
                "role \"{r}\" is not known; accepted: {}",
                ROLES.join(", ")
            )));
        }
        let body = t.text.trim().to_owned();
        if body.is_empty() {
            return Err(problem("the text is empty".into()));
        }
        if body.chars().count() > MAX_TIP_CHARS {
            return Err(problem(format!(
                "the text is {} characters; at most {MAX_TIP_CHARS}",
                body.chars().count()
            )));
        }
        if body.contains("http://") || body.contains("https://") || body.contains("www.") {
            return Err(problem(
                "the text has a link; put it in source_url instead".into(),
            ));
        }
        if t.key.starts_with("start-") {
            match (&t.source_name, &t.source_url) {
                (Some(n), Some(u)) if !n.trim().is_empty() && u.starts_with("https://") => {}
                _ => {
                    return Err(problem(
                        "a starting-set tip needs source_name and an https:// source_url".into(),
                    ));
                }
            }
        }
        out.push(SeedTip {
            key: t.key,
            topic: main,
            also,
            high_stress,
            roles: t.roles,
            text: body,
            source_name: t.source_name,
            source_url: t.source_url,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests;
