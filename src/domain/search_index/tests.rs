//! Ranking and filtering, on small directories built here.

use super::*;
use crate::domain::directory::tests::{draft, sample};
use crate::domain::directory::{Field, Raw};
use crate::domain::vocab::State;

fn entry(key: &str, name: &str, description: &str, specialty: &str, state: Option<&str>) -> Entry {
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
    SearchQuery::words(text)
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
    // Both mention "night"; with no specialty asked, the entry for the whole lab (MLS)
    // ranks before the histology one.
    assert_eq!(keys(&idx.search(&q, 0, 10)), vec!["a", "c"]);
    assert_eq!(idx.count(&q), 2);
}

#[test]
fn pages_do_not_overlap_and_count_everything() {
    let idx = index();
    let q = SearchQuery {
        format: Some(Format::InPerson),
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

/// An entry built from fields, for the ranking tests.
fn made(fields: &[(Field, &str)]) -> Entry {
    let mut d = sample();
    d.remove(&Field::States);
    d.remove(&Field::Url);
    for (f, v) in fields {
        d.insert(*f, Raw::Text((*v).into()));
    }
    Entry::from_draft(&d).unwrap()
}

#[test]
fn a_feeling_ranks_lab_peers_first_and_never_a_group_for_families() {
    let idx = SearchIndex::build(vec![
        made(&[
            (Field::Key, "society"),
            (Field::Name, "Lab Society"),
            (Field::Specialties, "mls"),
        ]),
        made(&[
            (Field::Key, "family"),
            (Field::Name, "Family Circle"),
            (Field::Kind, "peer support"),
            (Field::Specialties, "all"),
            (Field::Tags, "family"),
            (Field::Cost, "free"),
        ]),
        made(&[
            (Field::Key, "forum"),
            (Field::Name, "Bench Talk"),
            (Field::Kind, "online community"),
            (Field::Specialties, "mls, mlt"),
            (Field::Cost, "free"),
        ]),
    ]);
    let hits = idx.search(&query("so stressed and lonely"), 0, 10);
    // A society is no answer to a feeling; the family group is not offered unasked.
    assert_eq!(keys(&hits), vec!["forum"]);
    // Asked for on purpose, the family group comes first.
    let hits = idx.search(&query("support for my family"), 0, 10);
    assert_eq!(keys(&hits)[0], "family");
}

#[test]
fn without_a_place_national_entries_come_first_and_recently_checked_ones_first() {
    let today = NaiveDate::from_ymd_opt(2026, 12, 1);
    let idx = SearchIndex::build(vec![
        made(&[
            (Field::Key, "ohio"),
            (Field::Name, "A Ohio Histo"),
            (Field::States, "OH"),
        ]),
        made(&[
            (Field::Key, "stale"),
            (Field::Name, "B Histo National"),
            (Field::Verified, "yes"),
            (Field::LastVerified, "2015-01-01"),
        ]),
        made(&[
            (Field::Key, "fresh"),
            (Field::Name, "C Histo National"),
            (Field::LastChecked, "2026-11-01"),
        ]),
    ]);
    let mut q = query("histotech");
    q.today = today;
    assert_eq!(keys(&idx.search(&q, 0, 10)), vec!["fresh", "stale", "ohio"]);
    // The member's own state counts with the national ones.
    q.home_state = Some(State::OH);
    assert_eq!(keys(&idx.search(&q, 0, 10))[0], "fresh");
    assert_eq!(
        keys(&idx.search(&query("histotech in Ohio"), 0, 10))[0],
        "ohio"
    );
}
