//! A gazetteer of US places, so "near Chicago" can mean Illinois.
//!
//! The data is `data/us-places.tsv`: every US place GeoNames counts at 50,000 people or more,
//! with its state, plus a few nicknames ("NYC", "Philly"). It is built by
//! `data/tools/us_places.py` (its header names the source, licence and date) and embedded here,
//! so the bot needs no file or network at run time.
//!
//! Names meet however they are typed: case, punctuation and the usual abbreviations are folded
//! ("St. Louis", "st louis" and "Saint Louis" are one key; so are "Ft Worth" and "Fort Worth").
//! The file is read once, on first use, into a `HashMap`; a lookup is one hash.

use std::collections::HashMap;
use std::sync::LazyLock;

use crate::domain::vocab::{State, from_code, normalize};

/// The embedded gazetteer, as `data/tools/us_places.py` wrote it.
const DATA: &str = include_str!("../../data/us-places.tsv");

/// The most words a place name (or nickname) has, once folded: what [`longest_at`] tries.
pub const MAX_WORDS: usize = 4;

/// A place a member may name, with the state it is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Place {
    /// The name as GeoNames spells it ("St. Louis", "New York City"), fit to show back.
    pub name: &'static str,
    /// The state (or DC, or Puerto Rico) the place is in: what a search near it filters by.
    pub state: State,
    /// People living there per GeoNames: orders places that share a name, largest first.
    pub population: u32,
}

/// All places with this name (or nickname), largest first: a name can be in several states
/// (Portland OR and ME, Springfield, Aurora). Empty when the name is unknown.
pub fn named(name: &str) -> &'static [Place] {
    lookup(&key(name))
}

/// The longest place name starting at `words[start]`, trying at most [`MAX_WORDS`] words, so
/// "kansas city mo" finds Kansas City rather than stopping at "kansas". `words` are single
/// words as the message was split (already lower-cased and normalised); returns how many
/// words the name used and its places, largest first.
pub fn longest_at(words: &[&str], start: usize) -> Option<(usize, &'static [Place])> {
    let room = words.len().saturating_sub(start).min(MAX_WORDS);
    (1..=room).rev().find_map(|used| {
        let places = lookup(&key(&words[start..start + used].join(" ")));
        (!places.is_empty()).then_some((used, places))
    })
}

/// Whether a place name is also an ordinary English word, a common first name, or better known
/// as somewhere else ("Normal", "Mobile", "Reading", "Tyler", "Madison", "Jamaica"): such a
/// name should count as a place only with context ("near Normal", "Normal, IL"), which the
/// caller judges. Unknown names are not word-like.
pub fn is_word_like(name: &str) -> bool {
    WORD_LIKE.contains(&key(name).as_str())
}

/// The closest known place name, for "did you mean …?" after a typo ("chicgo" → "Chicago").
/// A nickname that is closest answers with its place's name. None when nothing is close.
pub fn nearest(name: &str) -> Option<&'static str> {
    let wanted = key(name);
    if wanted.chars().count() < 3 {
        return None;
    }
    let mut best: Option<(f64, &'static str)> = None;
    // Largest places come first, so a tie goes to the place more people mean.
    let length = wanted.chars().count() as f64;
    for (candidate, shown) in &gazetteer().names {
        // A similarity of 0.8 allows one edit in five letters: names much longer or shorter
        // cannot reach it, so they are skipped before the (costlier) comparison.
        let other = candidate.chars().count() as f64;
        if (length - other).abs() > (1.0 - NEAREST_AT_LEAST) * length.max(other) {
            continue;
        }
        let score = strsim::normalized_damerau_levenshtein(&wanted, candidate);
        if score >= NEAREST_AT_LEAST && best.is_none_or(|(s, _)| score > s) {
            best = Some((score, shown));
        }
    }
    best.map(|(_, shown)| shown)
}

/// How alike a typo and a name must be to be offered: one slip in a seven-letter name
/// ("chicgo") passes, a different short name ("reno" for "rome") does not.
const NEAREST_AT_LEAST: f64 = 0.8;

/// Place names that read as ordinary words, first names or other well-known places, as
/// [`key`] folds them. Curated by reading every single-word name in the file (and the
/// multi-word ones that are everyday phrases); a test checks each is a place.
#[rustfmt::skip]
const WORD_LIKE: &[&str] = &[
    // Everyday words.
    "auburn", "aurora", "bend", "brick", "buckeye", "buffalo", "carmel", "centennial",
    "chinatown", "clay", "concord", "cypress", "enterprise", "fishers", "flint", "grapevine",
    "highland", "hollywood", "homestead", "independence", "jupiter", "koreatown", "meridian",
    "mesa", "midland", "mission", "mobile", "normal", "orange", "paradise", "paramount",
    "plantation", "providence", "queens", "reading", "revere", "riverside", "riverview",
    "sandy", "shoreline", "sparks", "spring", "sunrise", "surprise", "temple", "union",
    "upland", "uptown", "vista", "woodland",
    // Everyday phrases.
    "center city", "central city", "commerce city", "east village", "financial district",
    "high point", "mid city", "national city", "near north side", "south shore", "the villages",
    "union city", "universal city", "upper west side",
    // First names.
    "allen", "austin", "blaine", "bryan", "camden", "carson", "chandler", "charlotte",
    "elizabeth", "eugene", "everett", "franklin", "frederick", "gary", "gilbert", "hamilton",
    "irving", "jackson", "kendall", "kent", "lawrence", "lincoln", "logan", "lynn", "madison",
    "norman", "quincy", "savannah", "shelby", "taylor", "tracy", "troy", "tyler", "victoria",
    "warren", "wayne",
    // Better known as a country, a province or a state.
    "jamaica", "ontario", "wyoming",
];

/// The lookup form of a name: [`normalize`]d, with "st"/"ste"/"ft"/"mt" spelled out, so the
/// ways people abbreviate a name meet the way GeoNames writes it.
fn key(name: &str) -> String {
    normalize(name)
        .split(' ')
        .map(|word| match word {
            "st" => "saint",
            "ste" => "sainte",
            "ft" => "fort",
            "mt" => "mount",
            other => other,
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn lookup(key: &str) -> &'static [Place] {
    gazetteer().by_key.get(key).map_or(&[], Vec::as_slice)
}

/// The parsed file: read once, never changed.
struct Gazetteer {
    /// Every folded name and nickname, with its places largest first.
    by_key: HashMap<String, Vec<Place>>,
    /// Each key once with the name to offer for it, largest place first (for [`nearest`]).
    names: Vec<(String, &'static str)>,
    places: usize,
    aliases: usize,
    /// The counts the file's header declares (`# places: N`, `# aliases: N`).
    declared: (Option<usize>, Option<usize>),
    /// Lines that could not be read; empty for the shipped file (a test holds it to that).
    problems: Vec<String>,
}

static GAZETTEER: LazyLock<Gazetteer> = LazyLock::new(|| Gazetteer::parse(DATA));

fn gazetteer() -> &'static Gazetteer {
    &GAZETTEER
}

/// A nickname row waiting for its place to be known: (nickname, state, place name, line).
type PendingAlias = (&'static str, State, &'static str, usize);

impl Gazetteer {
    /// Reads the file, skipping (and noting) any line it cannot read rather than failing:
    /// the bot should still answer with the places it has.
    fn parse(text: &'static str) -> Gazetteer {
        let mut found = Gazetteer {
            by_key: HashMap::new(),
            names: Vec::new(),
            places: 0,
            aliases: 0,
            declared: (None, None),
            problems: Vec::new(),
        };
        let mut pending: Vec<PendingAlias> = Vec::new();
        for (index, line) in text.lines().enumerate() {
            let number = index + 1;
            if let Some(comment) = line.strip_prefix('#') {
                found.read_header(comment);
                continue;
            }
            if line.trim().is_empty() {
                continue;
            }
            match Row::read(line) {
                Ok(Row::Place(place)) => {
                    found.add(place.name, place);
                    found.places += 1;
                }
                Ok(Row::Alias(alias, state, target)) => {
                    pending.push((alias, state, target, number))
                }
                Err(why) => found.problems.push(format!("line {number}: {why}")),
            }
        }
        for (alias, state, target, number) in pending {
            found.add_alias(alias, state, target, number);
        }
        found.finish();
        found
    }

    fn read_header(&mut self, comment: &str) {
        let count = |label: &str| {
            comment
                .trim()
                .strip_prefix(label)
                .and_then(|n| n.trim().parse().ok())
        };
        if let Some(n) = count("places:") {
            self.declared.0 = Some(n);
        }
        if let Some(n) = count("aliases:") {
            self.declared.1 = Some(n);
        }
    }

    fn add(&mut self, name: &str, place: Place) {
        let places = self.by_key.entry(key(name)).or_default();
        if !places.contains(&place) {
            places.push(place);
        }
    }

    /// Files a nickname under the place it stands for (same name and state).
    fn add_alias(&mut self, alias: &str, state: State, target: &str, number: usize) {
        let place = self
            .by_key
            .get(&key(target))
            .and_then(|places| places.iter().find(|p| p.name == target && p.state == state))
            .copied();
        match place {
            Some(place) => {
                self.add(alias, place);
                self.aliases += 1;
            }
            None => self.problems.push(format!(
                "line {number}: \"{alias}\" stands for unknown place \"{target}\""
            )),
        }
    }

    /// Puts each name's places largest first and lists the names for [`nearest`].
    fn finish(&mut self) {
        for places in self.by_key.values_mut() {
            places.sort_by(|a, b| b.population.cmp(&a.population).then(a.name.cmp(b.name)));
        }
        let mut names: Vec<(u32, String, &'static str)> = self
            .by_key
            .iter()
            .filter_map(|(k, places)| places.first().map(|p| (p.population, k.clone(), p.name)))
            .collect();
        names.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
        self.names = names.into_iter().map(|(_, k, shown)| (k, shown)).collect();
    }
}

/// One data line: a place, or a nickname standing for one.
enum Row {
    Place(Place),
    Alias(&'static str, State, &'static str),
}

impl Row {
    fn read(line: &'static str) -> Result<Row, String> {
        let fields: Vec<&'static str> = line.split('\t').collect();
        let (name, state, population, target) = match fields.as_slice() {
            [name, state, population] => (*name, *state, *population, None),
            [name, state, population, target] => (*name, *state, *population, Some(*target)),
            _ => return Err(format!("{} fields, not 3 or 4", fields.len())),
        };
        if name.trim().is_empty() || target.is_some_and(|t| t.trim().is_empty()) {
            return Err("an empty name".to_owned());
        }
        let state = from_code::<State>(state).ok_or_else(|| format!("unknown state {state:?}"))?;
        let population: u32 = population
            .parse()
            .map_err(|_| format!("population {population:?} is not a number"))?;
        Ok(match target {
            Some(target) => Row::Alias(name, state, target),
            None => Row::Place(Place {
                name,
                state,
                population,
            }),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Fewest people a place has to be listed (the file's rule).
    const MIN_POPULATION: u32 = 50_000;

    fn states(name: &str) -> Vec<State> {
        named(name).iter().map(|p| p.state).collect()
    }

    #[test]
    fn the_shipped_file_reads_fully_and_matches_its_header() {
        let g = gazetteer();
        assert!(g.problems.is_empty(), "{:#?}", g.problems);
        // Every US place of 50,000 or more in GeoNames' cities15000 (976 in the 50 states and
        // DC, 9 in Puerto Rico): none lost between the source and the lookup.
        assert_eq!(g.declared.0, Some(985));
        assert_eq!(g.places, 985);
        assert_eq!(g.declared.1, Some(g.aliases));
        assert!(g.aliases >= 20, "{}", g.aliases);
        let data_lines = DATA.lines().filter(|l| !l.starts_with('#')).count();
        assert_eq!(data_lines, g.places + g.aliases);
    }

    #[test]
    fn every_place_is_big_enough_and_in_a_state_dc_or_puerto_rico() {
        for places in gazetteer().by_key.values() {
            for p in places {
                assert!(p.population >= MIN_POPULATION, "{p:?}");
                assert!(!matches!(p.state, State::GU | State::VI), "{p:?}");
            }
        }
        assert_eq!(states("San Juan"), [State::PR]);
    }

    #[test]
    fn a_big_city_names_its_state() {
        assert_eq!(states("chicago"), [State::IL]);
        assert_eq!(states("Chicago"), [State::IL]);
        assert_eq!(states("HOUSTON"), [State::TX]);
        assert!(named("nowhereville").is_empty());
        assert!(named("").is_empty());
    }

    #[test]
    fn saint_and_other_abbreviations_meet_however_they_are_typed() {
        for typed in ["st. louis", "St Louis", "saint louis", "SAINT LOUIS", "STL"] {
            let places = named(typed);
            assert_eq!(places.len(), 1, "{typed}");
            assert_eq!(places[0].state, State::MO, "{typed}");
            assert_eq!(places[0].name, "St. Louis", "{typed}");
        }
        assert_eq!(named("ft worth")[0].name, "Fort Worth");
        assert_eq!(named("Ft. Lauderdale")[0].state, State::FL);
        assert_eq!(named("mt vernon")[0].name, "Mount Vernon");
        assert_eq!(states("st paul"), [State::MN]);
        assert_eq!(states("port st. lucie"), [State::FL]);
        assert_eq!(states("lees summit"), [State::MO]);
        assert_eq!(states("winston salem"), [State::NC]);
    }

    #[test]
    fn new_york_city_answers_to_its_nicknames() {
        for typed in ["new york city", "NYC", "nyc", "New York", "big apple"] {
            let places = named(typed);
            assert!(!places.is_empty(), "{typed}");
            assert_eq!(places[0].name, "New York City", "{typed}");
            assert_eq!(places[0].state, State::NY, "{typed}");
        }
        assert_eq!(named("philly")[0].name, "Philadelphia");
        assert_eq!(named("Bronx")[0].name, "The Bronx");
        assert!(
            named("la").is_empty(),
            "two-letter nicknames are too ambiguous"
        );
    }

    #[test]
    fn washington_the_city_is_dc() {
        assert_eq!(states("Washington"), [State::DC]);
        assert_eq!(states("Washington, D.C."), [State::DC]);
        assert_eq!(states("washington dc"), [State::DC]);
    }

    #[test]
    fn accented_names_are_found_with_or_without_accents() {
        assert_eq!(states("Bayamón"), [State::PR]);
        assert_eq!(states("bayamon"), [State::PR]);
        assert_eq!(named("mayaguez")[0].name, "Mayagüez");
    }

    #[test]
    fn a_name_in_several_states_lists_the_largest_first() {
        assert_eq!(states("portland"), [State::OR, State::ME]);
        assert_eq!(states("kansas city"), [State::MO, State::KS]);
        let springfields = states("springfield");
        assert!(springfields.len() >= 4, "{springfields:?}");
        let pops: Vec<u32> = named("springfield").iter().map(|p| p.population).collect();
        assert!(pops.windows(2).all(|w| w[0] >= w[1]), "{pops:?}");
        assert_eq!(states("manhattan"), [State::NY, State::KS]);
    }

    #[test]
    fn the_longest_name_in_a_sentence_wins() {
        let words = ["near", "kansas", "city", "mo"];
        let (used, places) = longest_at(&words, 1).expect("kansas city");
        assert_eq!(used, 2);
        assert_eq!(places[0].state, State::MO);
        assert_eq!(longest_at(&words, 0), None);
        assert_eq!(longest_at(&words, 4), None);
        assert_eq!(longest_at(&words, 9), None);
        let words = ["groups", "in", "new", "york", "city", "please"];
        assert_eq!(longest_at(&words, 2).map(|(n, _)| n), Some(3));
        let words = ["st", "louis"];
        assert_eq!(
            longest_at(&words, 0).map(|(n, p)| (n, p[0].name)),
            Some((2, "St. Louis"))
        );
    }

    #[test]
    fn every_name_is_reachable_word_by_word() {
        for k in gazetteer().by_key.keys() {
            assert!(k.split(' ').count() <= MAX_WORDS, "{k}");
        }
    }

    #[test]
    fn place_names_that_are_also_words_or_first_names_need_context() {
        for name in [
            "normal",
            "Normal",
            "Independence",
            "Surprise",
            "Mission",
            "Orange",
        ] {
            assert!(is_word_like(name), "{name}");
        }
        for name in [
            "Temple", "Victoria", "Jackson", "Tyler", "Lawrence", "Madison", "Mobile",
        ] {
            assert!(is_word_like(name), "{name}");
        }
        for name in ["chicago", "Portland", "st louis", "nowhereville"] {
            assert!(!is_word_like(name), "{name}");
        }
    }

    #[test]
    fn every_word_like_name_is_a_place_written_as_it_is_looked_up() {
        for &name in WORD_LIKE {
            assert_eq!(key(name), name);
            assert!(!named(name).is_empty(), "{name} is not in the gazetteer");
        }
    }

    #[test]
    fn a_typo_is_offered_the_place_it_nearly_spells() {
        assert_eq!(nearest("chicgo"), Some("Chicago"));
        assert_eq!(nearest("Pittsburg"), Some("Pittsburg"));
        assert_eq!(nearest("pittsbrugh"), Some("Pittsburgh"));
        assert_eq!(nearest("san fransisco"), Some("San Francisco"));
        assert_eq!(nearest("phily"), Some("Philadelphia"));
        assert_eq!(nearest("xyzzy"), None);
        assert_eq!(nearest(""), None);
    }

    #[test]
    fn bad_lines_are_skipped_and_noted_not_fatal() {
        let g = Gazetteer::parse(
            "# places: 2\nOkay\tIL\t60000\nBad\tZZ\t1\nShort\tIL\nNYC\tNY\t1\tNowhere\n",
        );
        assert_eq!(g.places, 1);
        assert_eq!(g.problems.len(), 3, "{:#?}", g.problems);
        assert_eq!(g.declared.0, Some(2));
        assert_eq!(g.by_key.get("okay").map(Vec::len), Some(1));
    }
}
