//! What the directory says about a state without a confirmed state-level group of its own: an
//! honest line ("No state-level group is known for Connecticut; …") shown with that state's
//! results. The lines ship in `data/state-coverage.toml`, next to the directory they describe.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use super::vocab::{State, from_code};

/// The shipped notes, one per state that needs one.
const SHIPPED: &str = include_str!("../../data/state-coverage.toml");

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Note {
    note: String,
}

/// State → note, read once. A malformed file reads as no notes (the unit test below keeps the
/// shipped file well formed).
static NOTES: LazyLock<BTreeMap<State, String>> =
    LazyLock::new(|| parse(SHIPPED).unwrap_or_default());

/// Reads a coverage file: a table per two-letter state code, each with a `note`.
fn parse(text: &str) -> Result<BTreeMap<State, String>, String> {
    let tables: BTreeMap<String, Note> = toml::from_str(text).map_err(|e| e.to_string())?;
    tables
        .into_iter()
        .map(|(code, n)| {
            let state = from_code::<State>(&code).ok_or(format!("{code} is not a state code"))?;
            Ok((state, n.note))
        })
        .collect()
}

/// The honest line for a state, where one is needed.
pub fn note(state: State) -> Option<&'static str> {
    NOTES.get(&state).map(String::as_str)
}

/// Every state with a note (for the coverage test).
pub fn states() -> impl Iterator<Item = State> {
    NOTES.keys().copied()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::vocab::Vocab;

    #[test]
    fn the_shipped_notes_parse_and_name_their_state() {
        let notes = parse(SHIPPED).unwrap();
        assert!(notes.len() >= 2, "{}", notes.len());
        for (state, note) in &notes {
            assert!(note.contains(state.label()), "{}: {note}", state.code());
            assert!(note.chars().count() <= 400, "{}", state.code());
        }
        assert!(
            note(State::CT)
                .unwrap()
                .starts_with("No state-level group is known")
        );
        assert_eq!(note(State::OH), None);
    }
}
