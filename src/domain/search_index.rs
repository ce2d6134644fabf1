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
//! finds "histotechnology". Results: best score first, then entries for the asked specialty
//! before those that serve every specialty, then verified entries, then by name.

use std::cmp::Ordering;
use std::collections::BTreeMap;

use rust_stemmers::{Algorithm, Stemmer};

use super::directory::Entry;
use super::search::{Region, SearchQuery};
use super::vocab::{Specialty, Vocab};

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

/// What the filters look at, per entry.
#[derive(Debug, Clone, Copy)]
struct Attributes {
    specialties: u32,
    states: u64,
    format: super::vocab::Format,
    kind: super::vocab::Kind,
    cost: super::vocab::Cost,
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
    /// Each entry's place in browsing order (verified first, then by name).
    browse_rank: Vec<u32>,
    /// Entries in browsing order.
    browse_order: Vec<u32>,
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
            });
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
        let mut browse_order: Vec<u32> = (0..entries.len() as u32).collect();
        browse_order.sort_by(|a, b| {
            let (a, b) = (&entries[*a as usize], &entries[*b as usize]);
            b.verified
                .cmp(&a.verified)
                .then_with(|| a.name.cmp(&b.name))
        });
        let mut browse_rank = vec![0u32; entries.len()];
        for (rank, doc) in browse_order.iter().enumerate() {
            browse_rank[*doc as usize] = rank as u32;
        }
        SearchIndex {
            entries,
            attributes,
            lengths,
            average_lengths,
            terms,
            browse_rank,
            browse_order,
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

    fn passes(&self, doc: usize, q: &SearchQuery) -> bool {
        let a = &self.attributes[doc];
        if let Some(s) = q.specialty
            && a.specialties & (bit(s) | bit(Specialty::All)) as u32 == 0
        {
            return false;
        }
        match q.region {
            Some(Region::State(s)) if a.states & bit(s) == 0 => return false,
            Some(Region::National) if a.states != 0 => return false,
            _ => {}
        }
        q.format.is_none_or(|f| a.format.suits(f))
            && q.kind.is_none_or(|k| a.kind == k)
            && q.cost.is_none_or(|c| a.cost == c)
    }

    /// Whether the entry is for the asked specialty itself (not only "all specialties").
    fn specific(&self, doc: usize, q: &SearchQuery) -> bool {
        q.specialty
            .is_some_and(|s| self.attributes[doc].specialties & bit(s) as u32 != 0)
    }

    /// BM25 scores of the entries that contain any query word (as a word or a prefix).
    fn scores(&self, q: &SearchQuery) -> Vec<(u32, f32)> {
        let mut scores = vec![0f32; self.entries.len()];
        let mut touched = Vec::new();
        let mut word = String::new();
        for term in &q.terms {
            word.clear();
            tokens_into(&self.stemmer, term, &mut word);
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
                    let s = FIELD_WEIGHTS[field] * entry.idf * tf * (K1 + 1.0) / (tf + K1 * norm);
                    if scores[doc] == 0.0 {
                        touched.push(p.doc);
                    }
                    scores[doc] += s;
                }
            }
        }
        touched
            .into_iter()
            .map(|d| (d, scores[d as usize]))
            .collect()
    }

    /// One page of results for a query.
    pub fn search(&self, q: &SearchQuery, offset: usize, limit: usize) -> Hits<'_> {
        if q.terms.is_empty() {
            return self.browse(q, offset, limit);
        }
        let mut matches: Vec<(f32, bool, u32, u32)> = self
            .scores(q)
            .into_iter()
            .filter(|(doc, _)| self.passes(*doc as usize, q))
            .map(|(doc, score)| {
                let d = doc as usize;
                (score, self.specific(d, q), self.browse_rank[d], doc)
            })
            .collect();
        let total = matches.len();
        let order = |a: &(f32, bool, u32, u32), b: &(f32, bool, u32, u32)| {
            b.0.partial_cmp(&a.0)
                .unwrap_or(Ordering::Equal)
                .then(b.1.cmp(&a.1))
                .then(a.2.cmp(&b.2))
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
            .map(|m| &self.entries[m.3 as usize])
            .collect();
        Hits { total, entries }
    }

    /// Filters only: entries for the specialty itself first, then browsing order.
    fn browse(&self, q: &SearchQuery, offset: usize, limit: usize) -> Hits<'_> {
        let mut total = 0;
        let mut entries = Vec::new();
        let passes: &[Option<bool>] = if q.specialty.is_some() {
            &[Some(true), Some(false)]
        } else {
            &[None]
        };
        for pass in passes {
            for doc in &self.browse_order {
                let d = *doc as usize;
                if pass.is_some_and(|specific| self.specific(d, q) != specific)
                    || !self.passes(d, q)
                {
                    continue;
                }
                if total >= offset && entries.len() < limit {
                    entries.push(&self.entries[d]);
                }
                total += 1;
            }
        }
        Hits { total, entries }
    }

    /// How many entries match a query.
    pub fn count(&self, q: &SearchQuery) -> usize {
        if q.terms.is_empty() {
            (0..self.entries.len())
                .filter(|d| self.passes(*d, q))
                .count()
        } else {
            self.scores(q)
                .iter()
                .filter(|(doc, _)| self.passes(*doc as usize, q))
                .count()
        }
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
mod tests {
    use super::*;
    use crate::domain::directory::tests::{draft, sample};
    use crate::domain::directory::{Field, Raw};
    use crate::domain::vocab::State;

    fn entry(
        key: &str,
        name: &str,
        description: &str,
        specialty: &str,
        state: Option<&str>,
    ) -> Entry {
        let mut d = sample();
        d.insert(Field::Key, Raw::Text(format!("k-{key}")));
        d.insert(Field::Name, Raw::Text(name.into()));
        d.insert(Field::Description, Raw::Text(description.into()));
        d.insert(Field::Specialties, Raw::Text(specialty.into()));
        match state {
            Some(s) => d.insert(Field::States, Raw::Text(s.into())),
            None => d.remove(&Field::States),
        };
        Entry::from_draft(&d).unwrap()
    }

    fn index() -> SearchIndex {
        SearchIndex::build(vec![
            entry(
                "a",
                "Coffee club",
                "Talks about night shift burnout and more.",
                "mls",
                Some("OH"),
            ),
            entry(
                "b",
                "Night Shift Circle",
                "Peer group for lab staff.",
                "all",
                None,
            ),
            entry(
                "c",
                "Histo friends",
                "Histology chat for night owls.",
                "histo",
                Some("OH"),
            ),
            entry(
                "d",
                "Blood bank forum",
                "Transfusion talk.",
                "blood bank",
                Some("TX"),
            ),
        ])
    }

    fn keys(hits: &Hits<'_>) -> Vec<String> {
        hits.entries
            .iter()
            .map(|e| e.key.trim_start_matches("k-").to_owned())
            .collect()
    }

    fn query(text: &str) -> SearchQuery {
        SearchQuery {
            terms: SearchQuery::terms_of(text),
            ..SearchQuery::default()
        }
    }

    #[test]
    fn a_match_in_the_name_outranks_one_in_the_description() {
        let idx = index();
        let hits = idx.search(&query("night shift"), 0, 10);
        assert_eq!(keys(&hits), vec!["b", "a", "c"]);
        assert_eq!(hits.total, 3);
    }

    #[test]
    fn words_match_as_prefixes_and_stems() {
        let idx = index();
        assert_eq!(keys(&idx.search(&query("histolog"), 0, 10)), vec!["c"]);
        assert_eq!(keys(&idx.search(&query("shifts"), 0, 10)), vec!["b", "a"]);
        // Keywords carry every spelling of the specialty.
        assert_eq!(keys(&idx.search(&query("histotech"), 0, 10)), vec!["c"]);
    }

    #[test]
    fn filters_combine_with_words_and_specialty_entries_come_before_all() {
        let idx = index();
        let mut q = query("");
        q.specialty = Some(Specialty::Histotechnology);
        assert_eq!(keys(&idx.search(&q, 0, 10)), vec!["c", "b"]);
        q.region = Some(Region::State(State::OH));
        assert_eq!(keys(&idx.search(&q, 0, 10)), vec!["c"]);
        q.region = Some(Region::National);
        assert_eq!(keys(&idx.search(&q, 0, 10)), vec!["b"]);
        let mut q = query("night");
        q.region = Some(Region::State(State::OH));
        // Both mention "night" in the description; the shorter description ranks first.
        assert_eq!(keys(&idx.search(&q, 0, 10)), vec!["c", "a"]);
        assert_eq!(idx.count(&q), 2);
    }

    #[test]
    fn pages_do_not_overlap_and_count_everything() {
        let idx = index();
        let q = SearchQuery {
            format: Some(crate::domain::vocab::Format::InPerson),
            ..query("")
        };
        let first = idx.search(&q, 0, 2);
        let second = idx.search(&q, 2, 2);
        assert_eq!(first.total, 4);
        assert_eq!(second.total, 4);
        let mut all = keys(&first);
        all.extend(keys(&second));
        all.sort();
        assert_eq!(all, vec!["a", "b", "c", "d"]);
        assert!(idx.search(&q, 8, 2).entries.is_empty());
        let _ = draft(&[]);
    }
}
