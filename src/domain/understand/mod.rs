//! Reading a search the way a person writes it: "I'm a night shift phlebotomist in Texas and
//! burned out", "near Chicago", "talk to someone who gets it", "histotechnoligist".
//!
//! The words are split (contractions undone: "I'm", "can't"), stop words dropped, and the
//! longest known phrase at each place is recognised: feelings and needs ("burned out",
//! "short staffed", "talk to someone"), roles and credentials ("phlebotomist", "MLT", "SBB"),
//! states by name, and by code only when that cannot be an ordinary word ("in" is not
//! Indiana; "OR", "ME", "PA" count only after "in", "near", "from" or a city), US cities from
//! the shipped gazetteer ([`super::places`]), shift, format, cost and kind words. What is left
//! is searched as text. A word that is none of these but one or two letters away from a known
//! one is read as that one, and the reply says so.
//!
//! Nothing here filters: [`Wants`] are preferences the ranking weighs (see
//! [`super::search_index`]), so "phlebotomist" puts phlebotomy entries first without hiding a
//! lab-wide community that would help.

use std::collections::HashMap;
use std::sync::LazyLock;

use super::places;
use super::vocab::{Cost, Format, Kind, Specialty, State, Vocab, normalize};

/// A need or feeling a search can express, and what helps with it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Need {
    Stress,
    Anxiety,
    Depression,
    Burnout,
    Overwhelmed,
    Lonely,
    ShortStaffed,
    Quitting,
    Career,
    Grief,
    MoralDistress,
    TalkToSomeone,
    Mentorship,
    Students,
    Networking,
    SubstanceUse,
    Disaster,
    HardWorkplace,
    Crisis,
}

impl Need {
    /// How the need reads in "Looking for: …".
    pub fn label(self) -> &'static str {
        match self {
            Need::Stress => "stress",
            Need::Anxiety => "anxiety",
            Need::Depression => "feeling down",
            Need::Burnout => "burnout",
            Need::Overwhelmed => "feeling overwhelmed",
            Need::Lonely => "loneliness",
            Need::ShortStaffed => "short staffing",
            Need::Quitting => "thinking of quitting",
            Need::Career => "career",
            Need::Grief => "grief",
            Need::MoralDistress => "mistakes and moral distress",
            Need::TalkToSomeone => "someone to talk to",
            Need::Mentorship => "mentorship",
            Need::Students => "students and new graduates",
            Need::Networking => "networking",
            Need::SubstanceUse => "drinking or drug use",
            Need::Disaster => "after a disaster",
            Need::HardWorkplace => "a hard workplace",
            Need::Crisis => "help now",
        }
    }

    /// Whether the need is about how someone feels (peer support and lines help most), rather
    /// than about their career (associations help most).
    pub fn is_emotional(self) -> bool {
        !matches!(
            self,
            Need::Career | Need::Mentorship | Need::Students | Need::Networking
        )
    }

    /// Words the directory uses for what helps with this need (searched alongside the
    /// member's own words, at a lower weight).
    pub fn search_words(self) -> &'static [&'static str] {
        match self {
            Need::Stress | Need::Anxiety | Need::Depression | Need::Overwhelmed => {
                &["burnout", "peer", "mental", "wellbeing", "support"]
            }
            Need::Burnout => &["burnout", "peer", "support", "wellbeing"],
            Need::Lonely => &["peer", "community", "forum", "discussion", "connection"],
            Need::ShortStaffed => &["understaffing", "staffing", "burnout", "forum"],
            Need::Quitting => &["career", "burnout", "forum", "discussion"],
            Need::Career => &["career", "mentoring", "continuing", "education"],
            Need::Grief => &["grief", "loss", "peer", "support"],
            Need::MoralDistress => &["moral", "distress", "peer", "support"],
            Need::TalkToSomeone => &["peer", "support", "listen", "discussion"],
            Need::Mentorship => &["mentoring", "mentorship", "career"],
            Need::Students => &["students", "student", "education", "mentoring"],
            Need::Networking => &["chapters", "meetings", "networking", "community"],
            Need::SubstanceUse => &["substance", "referrals", "treatment"],
            Need::Disaster => &["disaster", "responders", "crisis"],
            Need::HardWorkplace => &["burnout", "forum", "discussion", "peer"],
            Need::Crisis => &["crisis", "text", "chat"],
        }
    }

    /// How well an entry of `kind` meets this need, from 0 (not at all) to 1.
    pub fn kind_fit(self, kind: Kind) -> f32 {
        match (self.is_emotional(), kind) {
            (_, Kind::CrisisLine)
                if matches!(self, Need::Crisis | Need::SubstanceUse | Need::Disaster) =>
            {
                1.0
            }
            (_, Kind::PeerSupport) if matches!(self, Need::Crisis | Need::SubstanceUse) => 0.6,
            (_, Kind::CrisisLine) if self == Need::TalkToSomeone => 0.7,
            (_, Kind::OnlineCommunity) if self == Need::SubstanceUse => 0.3,
            (_, Kind::OnlineCommunity) if self == Need::Crisis => 0.4,
            (true, Kind::PeerSupport) => 1.0,
            (true, Kind::OnlineCommunity) => 0.9,
            (true, Kind::CrisisLine) => 0.55,
            (true, Kind::LocalGroup) => 0.6,
            (true, Kind::Association) => 0.1,
            (false, Kind::PeerSupport) if self == Need::Mentorship => 1.0,
            (false, Kind::Association) if self == Need::Mentorship => 0.8,
            (false, Kind::Association) => 1.0,
            (false, Kind::OnlineCommunity) => 0.8,
            (false, Kind::PeerSupport) => 0.7,
            (false, Kind::LocalGroup) => 0.8,
            (false, Kind::CrisisLine) => 0.0,
        }
    }
}

/// When someone works.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shift {
    Day,
    Evening,
    Night,
    Weekend,
    Rotating,
}

impl Shift {
    pub fn label(self) -> &'static str {
        match self {
            Shift::Day => "day shift",
            Shift::Evening => "evening shift",
            Shift::Night => "night shift",
            Shift::Weekend => "weekends",
            Shift::Rotating => "rotating shifts",
        }
    }
}

/// A place named in a search.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Place {
    pub state: State,
    /// The city named, when it was a city ("Chicago").
    pub city: Option<&'static str>,
    /// Said about the place: "Portland: I took Oregon; for Maine write Portland, ME."
    pub note: Option<String>,
}

/// What a search asks for beyond its words: preferences the ranking weighs.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Wants {
    pub specialty: Option<Specialty>,
    /// "lab techs", "lab workers": entries made for lab people rank first.
    pub lab_wide: bool,
    pub place: Option<Place>,
    /// "near me", "local", "in my state": the member's own state, if their profile has one.
    pub near_me: bool,
    pub shift: Option<Shift>,
    pub format: Option<Format>,
    pub cost: Option<Cost>,
    pub kind: Option<Kind>,
    pub needs: Vec<Need>,
    /// Support for family members was asked for.
    pub family: bool,
    /// Words read as something close to them: ("burnot", "burnout").
    pub corrected: Vec<(String, String)>,
}

impl Wants {
    pub fn is_empty(&self) -> bool {
        *self == Wants::default()
    }

    /// What was understood, for "Looking for: phlebotomy · Texas · burnout".
    pub fn labels(&self) -> Vec<String> {
        let mut out = Vec::new();
        if let Some(s) = self.specialty {
            out.push(s.label().to_owned());
        } else if self.lab_wide {
            out.push("lab staff".to_owned());
        }
        if let Some(p) = &self.place {
            out.push(match p.city {
                Some(city) => format!("{city}, {}", p.state.label()),
                None => p.state.label().to_owned(),
            });
        } else if self.near_me {
            out.push("near you".to_owned());
        }
        out.extend(self.shift.map(|s| s.label().to_owned()));
        out.extend(self.needs.iter().map(|n| n.label().to_owned()));
        if self.family {
            out.push("support for family".to_owned());
        }
        out.extend(self.kind.map(|k| k.label().to_owned()));
        out.extend(self.format.map(|f| f.label().to_owned()));
        out.extend(self.cost.map(|c| c.label().to_owned()));
        out
    }
}

/// A search read: what it wants, and the words left to look for as text.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Reading {
    pub wants: Wants,
    pub terms: Vec<String>,
    /// Role words as typed ("histotech", "molecular"), searched at a lower weight: the role
    /// itself is already in `wants`.
    pub role_terms: Vec<String>,
    /// The words not understood, searched as they are: what "Looking for" quotes.
    pub unknown: Vec<String>,
}

/// What a known phrase means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Meaning {
    Need(Need),
    Specialty(Specialty),
    LabWide,
    Kind(Kind),
    Format(Format),
    Cost(Cost),
    Shift(Shift),
    Family,
    NearMe,
    /// Searched as this word ("español" → "spanish").
    Term(&'static str),
    /// Known, but says nothing for the search ("looking for", "please").
    Nothing,
}

/// Credentials and the specialty each belongs to. Those that are also state codes ("MT",
/// "CT", "PA", "SC") mean the credential unless a place word comes before them.
pub const CREDENTIALS: &[(&str, Specialty)] = &[
    ("MLS", Specialty::Mls),
    ("MT", Specialty::Mls),
    ("CLS", Specialty::Mls),
    ("MLT", Specialty::Mlt),
    ("CLT", Specialty::Mlt),
    ("PBT", Specialty::Phlebotomy),
    ("CPT", Specialty::Phlebotomy),
    ("RPT", Specialty::Phlebotomy),
    ("HT", Specialty::Histotechnology),
    ("HTL", Specialty::Histotechnology),
    ("CT", Specialty::Cytotechnology),
    ("SCT", Specialty::Cytotechnology),
    ("SBB", Specialty::BloodBank),
    ("BB", Specialty::BloodBank),
    ("MB", Specialty::Molecular),
    ("SH", Specialty::Hematology),
    ("SC", Specialty::Chemistry),
    ("SM", Specialty::Microbiology),
    ("DLM", Specialty::LabManagement),
    ("PA", Specialty::PathologistsAssistant),
];

/// The specialty of a credential ("SBB", "mlt"), if it is one.
pub fn credential(code: &str) -> Option<(&'static str, Specialty)> {
    let code = code.trim().trim_end_matches("(ASCP)").trim();
    let find = |code: &str| {
        CREDENTIALS
            .iter()
            .find(|(c, _)| c.eq_ignore_ascii_case(code))
            .copied()
    };
    // "MLTs", "PBTs": a plural of a credential of three letters or more.
    find(code).or_else(|| {
        code.strip_suffix(['s', 'S'])
            .filter(|c| c.len() >= 3)
            .and_then(find)
    })
}

/// State codes that are also ordinary words: they mean the state only in capitals after a
/// place word ("in OR") or after a city ("Portland, ME").
const WORD_CODES: &[&str] = &[
    "in", "or", "me", "ok", "hi", "oh", "id", "as", "al", "la", "de", "co", "mo", "ne",
];

/// State codes that are also credentials or common abbreviations ("MT", "PA", "MD", "VA"):
/// they mean the state only after a place word ("in PA", "from md").
const ABBREVIATION_CODES: &[&str] = &[
    "pa", "ma", "md", "va", "mt", "ct", "sc", "ms", "wa", "gu", "vi", "pr",
];

struct Tables {
    phrases: HashMap<String, Meaning>,
    stop_words: std::collections::HashSet<&'static str>,
    longest: usize,
    /// Every spelling a fuzzy match may land on: (spelling, meaning).
    fuzzy: Vec<(String, Meaning)>,
}

static TABLES: LazyLock<Tables> = LazyLock::new(|| {
    let mut phrases = HashMap::new();
    let mut add = |spelling: &str, meaning: Meaning| {
        let key = words_of(spelling).join(" ");
        if !key.is_empty() {
            phrases.entry(key).or_insert(meaning);
        }
    };
    for (phrase, meaning) in PHRASES {
        add(phrase, *meaning);
    }
    for &s in Specialty::ALL {
        if s == Specialty::All {
            continue;
        }
        let spellings = [s.code(), s.label()];
        for spelling in spellings.iter().chain(s.synonyms()) {
            // Two-letter codes are credentials or states: read by `credential` with context.
            if spelling.len() <= 3 && !spelling.contains(' ') {
                continue;
            }
            add(spelling, Meaning::Specialty(s));
            add(&format!("{spelling}s"), Meaning::Specialty(s));
        }
    }
    for (phrase, specialty) in MORE_SPECIALTY_WORDS {
        add(phrase, Meaning::Specialty(*specialty));
    }
    let longest = phrases
        .keys()
        .map(|k| k.split(' ').count())
        .max()
        .unwrap_or(1);
    let fuzzy = phrases
        .iter()
        .filter(|(k, m)| k.len() >= 5 && !matches!(m, Meaning::Nothing | Meaning::Term(_)))
        .map(|(k, m)| (k.clone(), *m))
        .collect();
    Tables {
        phrases,
        stop_words: STOP_WORDS.split_whitespace().collect(),
        longest,
        fuzzy,
    }
});

/// Lower-case words of `text`, contractions undone ("I'm" → "i am", "can't" → "cannot") and
/// possessives dropped ("patient's" → "patient").
pub fn words_of(text: &str) -> Vec<String> {
    raw_words(text).into_iter().map(|(w, _)| w).collect()
}

/// Words with whether each was written in capitals.
fn raw_words(text: &str) -> Vec<(String, bool)> {
    let text = text.replace(['’', '‘', '`'], "'");
    let mut out = Vec::new();
    for raw in text.split(|c: char| !(c.is_alphanumeric() || c == '\'')) {
        let raw = raw.trim_matches('\'');
        if raw.is_empty() {
            continue;
        }
        let capitals =
            raw.chars().all(|c| !c.is_lowercase()) && raw.chars().any(char::is_alphabetic);
        let lower = raw.to_lowercase();
        let expanded: &[&str] = match lower.as_str() {
            "i'm" => &["i", "am"],
            "can't" | "cant" => &["cannot"],
            "won't" => &["will", "not"],
            "don't" | "dont" => &["do", "not"],
            "doesn't" => &["does", "not"],
            "isn't" => &["is", "not"],
            "i've" => &["i", "have"],
            "i'll" => &["i", "will"],
            "i'd" => &["i", "would"],
            "it's" => &["it", "is"],
            "we're" => &["we", "are"],
            "they're" => &["they", "are"],
            "you're" => &["you", "are"],
            _ => &[],
        };
        if !expanded.is_empty() {
            out.extend(expanded.iter().map(|w| ((*w).to_owned(), false)));
            continue;
        }
        let lower = lower
            .strip_suffix("'s")
            .or_else(|| lower.strip_suffix("n't"))
            .unwrap_or(&lower)
            .replace('\'', "");
        out.push((lower, capitals));
    }
    out
}

/// Reads a search written in the member's own words.
pub fn read(text: &str) -> Reading {
    let words = raw_words(text);
    let lower: Vec<&str> = words.iter().map(|(w, _)| w.as_str()).collect();
    let tables = &*TABLES;
    let mut reading = Reading::default();
    let mut i = 0;
    while i < words.len() {
        let before = i.checked_sub(1).map(|j| lower[j]);
        let after_place_word = before.is_some_and(|w| PLACE_WORDS.contains(&w));
        // A city ("Kansas City", "St. Louis"), longest first, before state names.
        if let Some(used) = city_at(&words, &lower, i, after_place_word, &mut reading) {
            i += used;
            continue;
        }
        if let Some((used, place)) = region_at(&words, &lower, i) {
            if reading.wants.place.is_none() {
                reading.wants.place = Some(place);
            }
            i += used;
            continue;
        }
        if let Some((used, state)) = state_name_at(&lower, i) {
            set_place(&mut reading, state, None, None);
            i += used;
            continue;
        }
        if let Some(used) = phrase_at(tables, &lower, i, &mut reading) {
            i += used;
            continue;
        }
        let (word, capitals) = (&words[i].0, words[i].1);
        if let Some(state) = state_code(word, capitals, after_place_word) {
            set_place(&mut reading, state, None, None);
        } else if let Some((_, specialty)) = credential(word) {
            reading.wants.specialty.get_or_insert(specialty);
        } else if tables.stop_words.contains(word.as_str()) || word.chars().count() < 3 {
            // Nothing to look for; two letters left over ("ok", "hi") are words, not state
            // codes or searches.
        } else if let Some(meaning) = fuzzy(tables, word) {
            apply(&mut reading.wants, meaning.1);
            reading.wants.corrected.push((word.clone(), meaning.0));
        } else if let Some(state) = fuzzy_state(word, after_place_word) {
            set_place(&mut reading, state, None, None);
            reading
                .wants
                .corrected
                .push((word.clone(), state.label().to_owned()));
        } else if let Some(name) = fuzzy_city(word, after_place_word) {
            let places = places::named(name);
            if let Some(p) = places.first() {
                set_place(&mut reading, p.state, Some(p.name), ambiguity_note(places));
                reading
                    .wants
                    .corrected
                    .push((word.clone(), p.name.to_owned()));
            }
        } else if !reading.terms.contains(word) && reading.terms.len() < super::search::MAX_TERMS {
            reading.terms.push(word.clone());
            reading.unknown.push(word.clone());
        }
        i += 1;
    }
    reading.wants.needs.sort();
    reading.wants.needs.dedup();
    // "talk" or "help" alongside a feeling adds nothing to the feeling.
    if reading.wants.needs.len() > 1 {
        reading.wants.needs.retain(|n| *n != Need::TalkToSomeone);
    }
    reading
}

/// The longest known phrase at `i`, applied; how many words it used.
fn phrase_at(tables: &Tables, lower: &[&str], i: usize, reading: &mut Reading) -> Option<usize> {
    let most = tables.longest.min(lower.len() - i);
    for len in (1..=most).rev() {
        let key = lower[i..i + len].join(" ");
        if let Some(meaning) = tables.phrases.get(&key) {
            apply(&mut reading.wants, *meaning);
            // "MLS(ASCP)": the certifying body after a credential is part of the credential.
            let after_credential = i > 0 && credential(lower[i - 1]).is_some();
            if let Meaning::Term(term) = meaning
                && !(after_credential && *term == "ascp")
                && !reading.terms.iter().any(|t| t == term)
            {
                reading.terms.push((*term).to_owned());
            }
            // Shift, role and platform words are also searched: entries say "night shift",
            // "Association for Molecular Pathology", "Reddit".
            let searched = match meaning {
                Meaning::Shift(_) => Some(&mut reading.terms),
                Meaning::Specialty(_) => Some(&mut reading.role_terms),
                Meaning::Kind(_) if matches!(lower[i], "reddit" | "subreddit" | "discord") => {
                    Some(&mut reading.terms)
                }
                _ => None,
            };
            if let Some(list) = searched {
                for w in &lower[i..i + len] {
                    if !list.iter().any(|t| t == w) && w.len() > 3 && *w != "shift" {
                        list.push((*w).to_owned());
                    }
                }
            }
            return Some(len);
        }
    }
    None
}

fn apply(wants: &mut Wants, meaning: Meaning) {
    match meaning {
        Meaning::Need(n) => wants.needs.push(n),
        Meaning::Specialty(s) => {
            wants.specialty.get_or_insert(s);
        }
        Meaning::LabWide => wants.lab_wide = true,
        Meaning::Kind(k) => {
            wants.kind.get_or_insert(k);
        }
        Meaning::Format(f) => {
            wants.format.get_or_insert(f);
        }
        Meaning::Cost(c) => {
            wants.cost.get_or_insert(c);
        }
        Meaning::Shift(s) => {
            wants.shift.get_or_insert(s);
        }
        Meaning::Family => wants.family = true,
        Meaning::NearMe => wants.near_me = true,
        Meaning::Term(_) | Meaning::Nothing => {}
    }
}

fn set_place(
    reading: &mut Reading,
    state: State,
    city: Option<&'static str>,
    note: Option<String>,
) {
    // The first place named wins; a state right after its own city only confirms it.
    if reading.wants.place.is_none() {
        reading.wants.place = Some(Place { state, city, note });
    }
}

/// A region ("Bay Area", "SoCal") or "LA" (Los Angeles, as people say it) at `i`.
fn region_at(words: &[(String, bool)], lower: &[&str], i: usize) -> Option<(usize, Place)> {
    for len in (1..=3.min(lower.len() - i)).rev() {
        let name = lower[i..i + len].join(" ");
        if let Some((_, state, label)) = REGIONS.iter().find(|(r, _, _)| *r == name) {
            return Some((
                len,
                Place {
                    state: *state,
                    city: Some(label),
                    note: None,
                },
            ));
        }
    }
    (words[i].0 == "la" && words[i].1).then(|| {
        (
            1,
            Place {
                state: State::CA,
                city: Some("Los Angeles"),
                note: Some("I took LA as Los Angeles; for Louisiana, write Louisiana.".to_owned()),
            },
        )
    })
}

/// A state written out ("Ohio", "New York", "North Carolina"), never a two-letter code.
fn state_name_at(lower: &[&str], i: usize) -> Option<(usize, State)> {
    for len in (1..=3.min(lower.len() - i)).rev() {
        let name = lower[i..i + len].join(" ");
        if name.len() <= 2 {
            continue;
        }
        if let Some(&s) = State::ALL.iter().find(|s| normalize(s.label()) == name) {
            return Some((len, s));
        }
        let alias = match name.as_str() {
            "washington dc" | "d c" => Some(State::DC),
            "cali" => Some(State::CA),
            _ => None,
        };
        if let Some(s) = alias {
            return Some((len, s));
        }
    }
    None
}

/// A two-letter state code, when it cannot be an ordinary word.
fn state_code(word: &str, capitals: bool, after_place_word: bool) -> Option<State> {
    if word.len() != 2 {
        return None;
    }
    let state = State::ALL
        .iter()
        .copied()
        .find(|s| s.code().eq_ignore_ascii_case(word))?;
    if WORD_CODES.contains(&word) {
        (capitals && after_place_word).then_some(state)
    } else if ABBREVIATION_CODES.contains(&word) {
        after_place_word.then_some(state)
    } else {
        Some(state)
    }
}

/// A city at `i`; how many words it used (a state written after it counts too).
fn city_at(
    words: &[(String, bool)],
    lower: &[&str],
    i: usize,
    after_place_word: bool,
    reading: &mut Reading,
) -> Option<usize> {
    let (used, found) = places::longest_at(lower, i)?;
    let name = found.first()?.name;
    // A place named like its state ("New York", "Washington") is the state; a one-word place
    // that is an ordinary word ("Normal", "Independence") counts only after a place word.
    if state_name_at(lower, i).is_some_and(|(n, _)| n == used)
        || used == 1 && places::is_word_like(name) && !after_place_word
    {
        return None;
    }
    // "Portland, ME" / "Portland Maine": the state after it picks among same-named places.
    let next = i + used;
    let named_state = state_name_at(lower, next).or_else(|| {
        let (w, caps) = words.get(next)?;
        let s = State::ALL
            .iter()
            .copied()
            .find(|s| s.code().eq_ignore_ascii_case(w))?;
        (*caps || found.iter().any(|p| p.state == s)).then_some((1, s))
    });
    if let Some((n, state)) = named_state
        && let Some(p) = found.iter().find(|p| p.state == state)
    {
        set_place(reading, p.state, Some(p.name), None);
        return Some(used + n);
    }
    let first = found.first()?;
    set_place(
        reading,
        first.state,
        Some(first.name),
        ambiguity_note(found),
    );
    Some(used)
}

/// "Portland: I took Portland, Oregon; for another, add its state (Portland, ME)."
fn ambiguity_note(places: &[places::Place]) -> Option<String> {
    let first = places.first()?;
    let others: Vec<String> = places
        .iter()
        .skip(1)
        .filter(|p| p.state != first.state)
        .take(3)
        .map(|p| format!("{}, {}", p.name, p.state.code()))
        .collect();
    (!others.is_empty()).then(|| {
        format!(
            "{} is in several states; I took {}. For another, write it with its state: {}.",
            first.name,
            first.state.label(),
            others.join(" or ")
        )
    })
}

/// A slip of a known word ("burnot", "anxeity", "histotechnoligist"): one letter off, two
/// for words of ten letters or more, never the first letter.
fn fuzzy(tables: &Tables, word: &str) -> Option<(String, Meaning)> {
    if word.len() < 5 || word.chars().any(|c| c.is_ascii_digit()) {
        return None;
    }
    // Slips keep the first letter ("burnot", "anxeity"); a different first letter makes
    // another word ("thinking" is not "drinking").
    let allowed = if word.len() >= 10 { 2 } else { 1 };
    let first = word.chars().next();
    tables
        .fuzzy
        .iter()
        .filter(|(k, _)| {
            !k.contains(' ') && k.len().abs_diff(word.len()) <= allowed && k.chars().next() == first
        })
        .map(|(k, m)| (strsim::damerau_levenshtein(word, k), k, m))
        .filter(|(d, _, _)| *d <= allowed)
        .min_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.cmp(b.1)))
        .map(|(_, k, m)| (k.clone(), *m))
}

/// A slip of a state's name ("Texs", "Pensylvania"), one letter off (two for long names).
fn fuzzy_state(word: &str, after_place_word: bool) -> Option<State> {
    if word.len() < 4 || word.len() < 6 && !after_place_word {
        return None;
    }
    let allowed = if word.len() >= 8 { 2 } else { 1 };
    State::ALL
        .iter()
        .map(|s| (normalize(s.label()), *s))
        .filter(|(name, _)| name.chars().next() == word.chars().next())
        .map(|(name, s)| (strsim::damerau_levenshtein(word, &name), s))
        .filter(|(d, _)| *d <= allowed)
        .min_by_key(|(d, _)| *d)
        .map(|(_, s)| s)
}

/// A slip of a city's name, after a place word or when long enough to be sure ("chicgo").
fn fuzzy_city(word: &str, after_place_word: bool) -> Option<&'static str> {
    if word.len() < 6 && !after_place_word {
        return None;
    }
    let name = places::nearest(word)?;
    if normalize(name).chars().next() != word.chars().next() {
        return None;
    }
    let close =
        strsim::damerau_levenshtein(word, &normalize(name)) <= 1 + usize::from(word.len() >= 8);
    (close && !places::is_word_like(name)).then_some(name)
}

#[cfg(test)]
mod tests;
mod words;

use words::{MORE_SPECIALTY_WORDS, PHRASES, PLACE_WORDS, REGIONS, STOP_WORDS};
