//! The directory's search index: BM25 ranking over names, descriptions and keywords, with the
//! filters (specialty, state, format, kind, cost) as per-entry attributes. Built in memory from
//! the stored entries and rebuilt when they change.
//!
//! Why not SQLite FTS5: it was the first version, and it measured 5-250 ms per query on a
//! 10,000-entry directory (bm25 over thousands of matches, plus a window count, plus the database's
//! round trip), against a 1 ms target. Measured again with a plain query driven from the FTS
//! table (issue 10), on the benchmark's directory and on a realistic Zipf one: 15-16 ms p99
//! against this index's 83-319 µs, as `bm25()` runs on every match before the top five are
//! known. This index answers the same queries with the same BM25 ranking (name weighs 10,
//! description 3, keywords 1) in tens of microseconds; see docs/PERFORMANCE.md.
//!
//! Words are lower-cased, split on anything but letters and digits, and stemmed (English
//! Snowball), so "shifts" finds "shift". Every query word also matches as a prefix, so "histo"
//! finds "histotechnology".
//!
//! Ranking puts the best help first, not only the best text match: an entry's score adds its
//! text match (scaled to the best one) to what the words asked for ([`Wants`]): a feeling ranks
//! peer support, communities and lines above associations; a role ranks entries made for it
//! above lab-wide ones and those above ones for everyone; with no place named, national
//! entries come before state ones (the member's own state counts as national); entries
//! checked in the last 24 months rank above unchecked and stale ones; groups for families
//! rank only when family is asked. Ties: by name.

use std::cmp::Ordering;
use std::collections::BTreeMap;

use rust_stemmers::{Algorithm, Stemmer};

use chrono::NaiveDate;

use super::directory::{Entry, Freshness, freshness};
use super::search::{Region, SearchQuery};
use super::understand::{CREDENTIALS, Need, Wants};
use super::vocab::{CheckedHow, Cost, Facilitation, Format, Kind, Specialty, Vocab, normalize};

/// Weights of name, description and keywords (as FTS5's `bm25(…, 10.0, 3.0, 1.0)`).
const FIELD_WEIGHTS: [f32; 3] = [10.0, 3.0, 1.0];
const K1: f32 = 1.2;
const B: f32 = 0.75;

#[derive(Debug, Clone, Copy)]
struct Posting {
    doc: u32,
    field: u8,
    tf: u16,
}

#[derive(Debug)]
struct Term {
    postings: Vec<Posting>,
    idf: f32,
}

/// Entries for one situation, by tag, and the needs that ask for them: a disaster line or a
/// mentoring programme is no answer to ordinary stress.
/// The third value is the weight when asked: a line for the very situation is the answer; a
/// mentoring tag is one hint among others.
const NARROW: &[(&str, &[Need], f32)] = &[
    ("substance-use", &[Need::SubstanceUse], 1.5),
    ("disaster", &[Need::Disaster], 1.5),
    (
        "mentoring",
        &[
            Need::Mentorship,
            Need::Students,
            Need::Career,
            Need::Networking,
        ],
        0.5,
    ),
    // Help that goes through an employer (an EAP, a hospital's peer listeners) is an answer to
    // a hard workplace, not to someone who needs a person tonight.
    ("employer", &[Need::HardWorkplace], 0.3),
    // Leadership programmes and certificates answer a question about a career, not about
    // studying or feeling low.
    ("career-programme", &[Need::Career], 0.3),
];

/// Whom an entry is for, as far as its own words say.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Audience {
    /// Lab professionals (made for a lab specialty, or says so).
    Lab,
    /// Health-care workers in general.
    HealthWorkers,
    Everyone,
    /// Families of people who are struggling, not the people themselves.
    Families,
}

/// What the filters and the ranking look at, per entry.
#[derive(Debug, Clone, Copy)]
struct Attributes {
    specialties: u32,
    states: u64,
    format: Format,
    kind: Kind,
    cost: Cost,
    facilitation: Facilitation,
    /// Credentials the entry lists, as bits of [`CREDENTIALS`].
    credentials: u32,
    audience: Audience,
    /// Narrow situations the entry is for ([`NARROW`] bits): shown for those only.
    narrow: u8,
    last_checked: Option<NaiveDate>,
    checked_how: Option<CheckedHow>,
}

/// One page of results.
#[derive(Debug)]
pub struct Hits<'a> {
    /// How many entries match in all.
    pub total: usize,
    /// The entries on the page, best first.
    pub entries: Vec<&'a Entry>,
}

/// The searchable directory.
pub struct SearchIndex {
    entries: Vec<Entry>,
    attributes: Vec<Attributes>,
    /// Token count of each field of each entry.
    lengths: Vec<[u16; 3]>,
    average_lengths: [f32; 3],
    terms: BTreeMap<String, Term>,
    /// Each entry's city, normalised.
    cities: Vec<Option<String>>,
    /// Each entry's place in name order (ties in score).
    name_rank: Vec<u32>,
    stemmer: Stemmer,
}

impl std::fmt::Debug for SearchIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SearchIndex")
            .field("entries", &self.entries.len())
            .field("terms", &self.terms.len())
            .finish()
    }
}

fn bit<V: Vocab>(value: V) -> u64 {
    let position = V::ALL
        .iter()
        .position(|v| *v == value)
        .expect("a value is in its vocabulary");
    1 << position
}

impl SearchIndex {
    /// Builds the index over `entries`.
    pub fn build(entries: Vec<Entry>) -> SearchIndex {
        let stemmer = Stemmer::create(Algorithm::English);
        let mut terms: BTreeMap<String, Vec<Posting>> = BTreeMap::new();
        let mut lengths = Vec::with_capacity(entries.len());
        let mut attributes = Vec::with_capacity(entries.len());
        let mut totals = [0f64; 3];
        let mut tokens_buf = Vec::new();
        let mut cities = Vec::with_capacity(entries.len());
        for (doc, entry) in entries.iter().enumerate() {
            let keywords = entry.search_keywords();
            let fields = [
                entry.name.as_str(),
                entry.description.as_str(),
                keywords.as_str(),
            ];
            let mut doc_lengths = [0u16; 3];
            for (field, text) in fields.iter().enumerate() {
                tokens_buf.clear();
                tokens(&stemmer, text, &mut tokens_buf);
                doc_lengths[field] = u16::try_from(tokens_buf.len()).unwrap_or(u16::MAX);
                totals[field] += tokens_buf.len() as f64;
                let mut counts: BTreeMap<&str, u16> = BTreeMap::new();
                for token in &tokens_buf {
                    *counts.entry(token.as_str()).or_default() += 1;
                }
                for (token, tf) in &counts {
                    let posting = Posting {
                        doc: u32::try_from(doc).expect("fewer than 4 billion entries"),
                        field: u8::try_from(field).expect("three fields"),
                        tf: *tf,
                    };
                    match terms.get_mut(*token) {
                        Some(list) => list.push(posting),
                        None => {
                            terms.insert((*token).to_owned(), vec![posting]);
                        }
                    }
                }
            }
            lengths.push(doc_lengths);
            attributes.push(Attributes {
                specialties: entry.specialties.iter().fold(0, |m, s| m | bit(*s) as u32),
                states: entry.states.iter().fold(0, |m, s| m | bit(*s)),
                format: entry.format,
                kind: entry.kind,
                cost: entry.cost,
                facilitation: entry.facilitation,
                credentials: CREDENTIALS.iter().enumerate().fold(0, |m, (i, (code, _))| {
                    if entry
                        .credentials
                        .iter()
                        .any(|c| c.eq_ignore_ascii_case(code))
                    {
                        m | 1 << i
                    } else {
                        m
                    }
                }),
                audience: audience(entry),
                narrow: NARROW
                    .iter()
                    .enumerate()
                    .filter(|(_, (tag, _, _))| entry.tags.iter().any(|t| t == tag))
                    .fold(0, |m, (i, _)| m | 1 << i),
                last_checked: entry.last_checked,
                checked_how: entry.checked_how,
            });
            cities.push(entry.city.as_deref().map(normalize));
        }
        let n = entries.len().max(1) as f32;
        let average_lengths = totals.map(|t| ((t / f64::from(n)) as f32).max(1.0));
        let terms = terms
            .into_iter()
            .map(|(token, postings)| {
                let mut docs: Vec<u32> = postings.iter().map(|p| p.doc).collect();
                docs.dedup();
                let df = docs.len() as f32;
                let idf = ((n - df + 0.5) / (df + 0.5) + 1.0).ln();
                (token, Term { postings, idf })
            })
            .collect();
        let mut by_name: Vec<u32> = (0..entries.len() as u32).collect();
        by_name.sort_by(|a, b| entries[*a as usize].name.cmp(&entries[*b as usize].name));
        let mut name_rank = vec![0u32; entries.len()];
        for (rank, doc) in by_name.iter().enumerate() {
            name_rank[*doc as usize] = rank as u32;
        }
        SearchIndex {
            entries,
            attributes,
            lengths,
            average_lengths,
            terms,
            cities,
            name_rank,
            stemmer,
        }
    }

    /// How many entries the index holds.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Whether an entry passes the filters given as options, and the place the words named
    /// (entries of other states are left out; national ones stay).
    fn passes(&self, doc: usize, q: &SearchQuery) -> bool {
        let a = &self.attributes[doc];
        if let Some(s) = q.specialty
            && self.specialty_fit(doc, s) == 0
        {
            return false;
        }
        if let Some((code, s)) = q.credential {
            let listed = CREDENTIALS
                .iter()
                .position(|(c, _)| *c == code)
                .is_some_and(|i| a.credentials & (1 << i) != 0);
            if !listed && self.specialty_fit(doc, s) < 3 {
                return false;
            }
        }
        match q.region {
            Some(Region::State(s)) if a.states & bit(s) == 0 => return false,
            Some(Region::National) if a.states != 0 => return false,
            _ => {}
        }
        if let Some(place) = self.place(q)
            && a.states != 0
            && a.states & bit(place) == 0
        {
            return false;
        }
        q.format.is_none_or(|f| a.format.suits(f))
            && q.kind.is_none_or(|k| a.kind == k)
            && q.cost.is_none_or(|c| a.cost == c)
            && q.facilitation.is_none_or(|f| a.facilitation == f)
    }

    /// The state the search is about: named in the words, or "near me" with a profile state.
    fn place(&self, q: &SearchQuery) -> Option<super::vocab::State> {
        q.wants
            .place
            .as_ref()
            .map(|p| p.state)
            .or(q.home_state.filter(|_| q.wants.near_me))
    }

    /// How well an entry serves a specialty: 3 made for it, 2 for the generalists who work
    /// that bench (MLS and MLT for hematology, chemistry, …), 1 for every specialty, 0 not.
    fn specialty_fit(&self, doc: usize, wanted: Specialty) -> u8 {
        let mine = self.attributes[doc].specialties;
        if mine & bit(wanted) as u32 != 0 {
            3
        } else if wanted.is_bench()
            && mine & (bit(Specialty::Mls) | bit(Specialty::Mlt)) as u32 != 0
        {
            2
        } else if mine & bit(Specialty::All) as u32 != 0 {
            1
        } else {
            0
        }
    }

    /// BM25 scores of every entry for some words (0 for those without any of them), and the
    /// best score.
    fn text_scores(&self, words: &[&str]) -> (Vec<f32>, f32) {
        let mut scores = vec![0f32; self.entries.len()];
        let mut word = String::new();
        for term in words {
            word.clear();
            tokens_into(&self.stemmer, term, &mut word);
            if word.is_empty() {
                continue;
            }
            for (token, entry) in self.terms.range(word.clone()..) {
                if !token.starts_with(word.as_str()) {
                    break;
                }
                for p in &entry.postings {
                    let field = usize::from(p.field);
                    let doc = p.doc as usize;
                    let tf = f32::from(p.tf);
                    let len = f32::from(self.lengths[doc][field]);
                    let norm = 1.0 - B + B * len / self.average_lengths[field];
                    scores[doc] +=
                        FIELD_WEIGHTS[field] * entry.idf * tf * (K1 + 1.0) / (tf + K1 * norm);
                }
            }
        }
        let best = scores.iter().copied().fold(0.0, f32::max);
        (scores, best)
    }

    /// Every matching entry with its score, unordered.
    fn matches(&self, q: &SearchQuery) -> Vec<(f32, u32)> {
        let terms: Vec<&str> = q.terms.iter().map(String::as_str).collect();
        let (text, best_text) = self.text_scores(&terms);
        let roles: Vec<&str> = q.role_terms.iter().map(String::as_str).collect();
        let (role_text, best_role) = if roles.is_empty() {
            (Vec::new(), 0.0)
        } else {
            self.text_scores(&roles)
        };
        let mut need_words: Vec<&str> = q
            .wants
            .needs
            .iter()
            .flat_map(|n| n.search_words().iter().copied())
            .collect();
        need_words.sort_unstable();
        need_words.dedup();
        let (need_text, best_need) = if need_words.is_empty() {
            (Vec::new(), 0.0)
        } else {
            self.text_scores(&need_words)
        };
        let city = q.wants.place.as_ref().and_then(|p| p.city).map(normalize);
        let mut out = Vec::new();
        for doc in 0..self.entries.len() {
            if !self.passes(doc, q) {
                continue;
            }
            let text_fit = if best_text > 0.0 {
                text[doc] / best_text
            } else {
                0.0
            };
            let need_fit = if best_need > 0.0 {
                need_text[doc] / best_need
            } else {
                0.0
            };
            let role_fit = if best_role > 0.0 {
                role_text[doc] / best_role
            } else {
                0.0
            };
            if let Some(score) = self.score(doc, q, city.as_deref(), text_fit, need_fit) {
                out.push((score + 0.5 * role_fit, doc as u32));
            }
        }
        out
    }

    /// An entry's score for a query, or None when nothing in it answers the query.
    fn score(
        &self,
        doc: usize,
        q: &SearchQuery,
        city: Option<&str>,
        text_fit: f32,
        need_fit: f32,
    ) -> Option<f32> {
        let a = &self.attributes[doc];
        let w: &Wants = &q.wants;
        let mut relevant = text_fit > 0.0;
        let mut score = 3.0 * text_fit;
        // Needs: what kind of entry helps, and the directory's words for it.
        let emotional = w.needs.iter().any(|n| n.is_emotional());
        if !w.needs.is_empty() {
            let fit = w
                .needs
                .iter()
                .map(|n| n.kind_fit(a.kind))
                .fold(0.0, f32::max);
            score += 2.5 * fit + 1.0 * need_fit;
            relevant |= fit >= 0.5;
        } else if w.kind.is_none() && q.kind.is_none() {
            // Nothing asked about the kind: professional homes first, lines last.
            score += match a.kind {
                Kind::Association => 0.6,
                Kind::OnlineCommunity => 0.5,
                Kind::PeerSupport | Kind::LocalGroup => 0.3,
                Kind::CrisisLine => 0.0,
            };
        }
        if let Some(kind) = w.kind {
            if a.kind == kind {
                score += 2.5;
                relevant = true;
            } else if kind == Kind::PeerSupport && a.kind == Kind::OnlineCommunity {
                score += 1.5;
                relevant = true;
            }
        }
        // Situations: asked for, or kept out of answers about anything else.
        let words_asked = !q.terms.is_empty() || !w.is_empty();
        if a.narrow != 0 && words_asked {
            let asked = NARROW
                .iter()
                .enumerate()
                .filter(|(i, (_, needs, _))| {
                    a.narrow & (1 << i) != 0 && w.needs.iter().any(|n| needs.contains(n))
                })
                .map(|(_, (_, _, weight))| *weight)
                .reduce(f32::max);
            score += asked.unwrap_or(-2.0);
        } else if a.narrow != 0 {
            // Browsing by filters alone (state:CT, then national groups): entries for one
            // situation still show, after the ones for everybody.
            score -= 0.5;
        }
        if emotional || w.lab_wide || w.kind == Some(Kind::PeerSupport) {
            // Someone struggling tonight is not asked to pay first.
            score += match a.cost {
                Cost::Free => 0.5,
                Cost::Membership => -0.3,
                Cost::Paid => -0.5,
            };
        }
        // Whom it is for.
        match a.audience {
            Audience::Families if !w.family => {
                if emotional {
                    return None;
                }
                score -= 3.0;
            }
            Audience::Families => {
                score += 4.0;
                relevant = true;
            }
            Audience::Lab if emotional || w.lab_wide => score += 1.5,
            Audience::HealthWorkers if emotional || w.lab_wide => score += 1.0,
            Audience::Everyone if emotional || w.lab_wide => score -= 0.5,
            _ => {}
        }
        let specialty = w.specialty.or(q.specialty).or(q.credential.map(|c| c.1));
        if let Some(s) = specialty {
            match self.specialty_fit(doc, s) {
                3 => {
                    // For a feeling, an association of the specialty helps less than peers.
                    let fits = !emotional || w.needs.iter().any(|n| n.kind_fit(a.kind) >= 0.5);
                    score += if fits { 2.5 } else { 0.7 };
                    relevant = true;
                }
                2 => score += 0.8,
                1 => score += 0.3,
                _ => score -= 1.5,
            }
        }
        // Where.
        match (self.place(q), a.states) {
            (Some(state), states) if states & bit(state) != 0 => {
                score += 1.5;
                relevant = true;
                if let Some(city) = city
                    && self.cities[doc].as_deref() == Some(city)
                {
                    score += 0.5;
                }
            }
            (Some(_), _) => {}
            (None, 0) => score += 0.5,
            (None, states) => {
                // No place named: a state's group is no answer, unless it is the member's own.
                let home = q.home_state.is_some_and(|h| states & bit(h) != 0);
                score += if home { 0.5 } else { -1.5 };
            }
        }
        if specialty.is_none() && a.audience == Audience::Lab {
            // Nothing asked about the specialty: entries for the whole lab first, those for
            // one discipline (histology, blood bank) after.
            let whole_lab =
                (bit(Specialty::Mls) | bit(Specialty::Mlt) | bit(Specialty::All)) as u32;
            score += if a.specialties & whole_lab != 0 {
                0.4
            } else if emotional || w.lab_wide {
                -0.8
            } else {
                0.0
            };
        }
        // Only a place named ("near Chicago"): the state's groups first, then those open to
        // everyone, wherever they are.
        if a.states == 0
            && self.place(q).is_some()
            && q.terms.is_empty()
            && w.needs.is_empty()
            && specialty.is_none()
            && w.kind.is_none()
        {
            relevant = true;
        }
        if let Some(f) = w.format {
            if a.format.suits(f) {
                score += 0.8;
                relevant |= w.needs.is_empty() && w.kind.is_none();
            } else {
                score -= 1.5;
            }
        }
        if let Some(c) = w.cost {
            if a.cost == c {
                score += 0.8;
                relevant |= w.needs.is_empty() && w.kind.is_none();
            } else {
                score -= 1.5;
            }
        }
        if w.lab_wide && a.audience == Audience::Lab {
            relevant = true;
        }
        // Trust: checked in the last 24 months ranks above checked longer ago, which may be
        // out of date, and above never checked. A check on the organisation's own page counts
        // more than one from a third party or a member.
        score += match (freshness(a.last_checked, q.today), a.checked_how) {
            (Freshness::Fresh, Some(CheckedHow::OwnPage)) => 0.4,
            (Freshness::Fresh, _) => 0.2,
            (Freshness::Stale, _) => -0.3,
            (Freshness::Unchecked, _) => -0.4,
        };
        // Filters only, no words: everything that passed.
        (relevant || !words_asked).then_some(score)
    }

    /// One page of results for a query, best first.
    pub fn search(&self, q: &SearchQuery, offset: usize, limit: usize) -> Hits<'_> {
        let mut matches = self.matches(q);
        let total = matches.len();
        let order = |a: &(f32, u32), b: &(f32, u32)| {
            b.0.partial_cmp(&a.0)
                .unwrap_or(Ordering::Equal)
                .then(self.name_rank[a.1 as usize].cmp(&self.name_rank[b.1 as usize]))
        };
        let end = (offset + limit).min(total);
        if end < total && end > 0 {
            matches.select_nth_unstable_by(end - 1, order);
            matches.truncate(end);
        }
        matches.sort_unstable_by(order);
        let entries = matches
            .iter()
            .skip(offset)
            .take(limit)
            .map(|m| &self.entries[m.1 as usize])
            .collect();
        Hits { total, entries }
    }

    /// How many entries match a query.
    pub fn count(&self, q: &SearchQuery) -> usize {
        self.matches(q).len()
    }
}

/// Whom an entry is for, from its specialties, tags and words.
fn audience(entry: &Entry) -> Audience {
    // Clauses that say whom it is not for ("not specific to lab staff") are left out.
    let said: Vec<&str> = entry
        .description
        .split(['.', ';', ','])
        .filter(|clause| !clause.to_lowercase().contains("not "))
        .collect();
    let text = format!("{} {} {}", entry.name, said.join(" "), entry.tags.join(" ")).to_lowercase();
    let has = |words: &[&str]| words.iter().any(|w| text.contains(w));
    if entry.tags.iter().any(|t| t == "family" || t == "families")
        || has(&["family support", "for families", "family members"])
    {
        Audience::Families
    } else if !entry.specialties.contains(&Specialty::All)
        || has(&[
            "laboratory professionals",
            "lab professionals",
            "lab staff",
            "medical laboratory",
            "pathology and laboratory",
        ])
    {
        Audience::Lab
    } else if has(&[
        "healthcare-workers",
        "health care workers",
        "healthcare workers",
        "healthcare staff",
        "responders",
        "clinicians",
        "health workers",
    ]) {
        Audience::HealthWorkers
    } else {
        Audience::Everyone
    }
}

/// Lower-cased, stemmed words of `text`.
fn tokens(stemmer: &Stemmer, text: &str, out: &mut Vec<String>) {
    let mut word = String::new();
    for raw in text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        word.clear();
        tokens_into(stemmer, raw, &mut word);
        out.push(word.clone());
    }
}

fn tokens_into(stemmer: &Stemmer, raw: &str, out: &mut String) {
    let lower = raw.to_lowercase();
    out.push_str(&stemmer.stem(&lower));
}

#[cfg(test)]
mod tests;
