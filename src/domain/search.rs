//! What a `/findgroup` asks for, independent of how it is stored or searched.

use chrono::NaiveDate;

use super::member_text;
use super::understand::{self, Wants};
use super::vocab::{Cost, Facilitation, Format, Kind, Specialty, State, Vocab};

/// Results per page.
pub const PAGE_SIZE: u32 = 5;
/// Longest free-text query, in characters.
pub const MAX_QUERY_CHARS: usize = 200;
/// Most words of free text that take part in a search.
pub const MAX_TERMS: usize = 12;

/// A directory search: the member's words (read into preferences and leftover terms) plus
/// filters given as options.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SearchQuery {
    /// The words as typed (for "next page" and for saying what was asked).
    pub text: String,
    /// Words left to look for as text, after what was understood. Empty: none.
    pub terms: Vec<String>,
    /// Role words as typed, searched at a lower weight (the role is in `wants`).
    pub role_terms: Vec<String>,
    /// The words not understood (searched as text, quoted in "Looking for").
    pub unknown: Vec<String>,
    /// What the words asked for beyond text: weighed by the ranking, never a filter (except
    /// that a place leaves out other states' entries).
    pub wants: Wants,
    pub specialty: Option<Specialty>,
    pub region: Option<Region>,
    pub format: Option<Format>,
    pub kind: Option<Kind>,
    pub cost: Option<Cost>,
    pub facilitation: Option<Facilitation>,
    /// `credential:SBB`: entries listing the credential or made for its specialty.
    pub credential: Option<(&'static str, Specialty)>,
    /// `city:Chicago`, as written (the place itself is in `wants`).
    pub city: Option<String>,
    /// Who is asking: their profile's state ranks its own entries with the national ones.
    pub home_state: Option<State>,
    /// Today, so that entries checked recently rank above stale ones.
    pub today: Option<NaiveDate>,
}

/// Where a group is: one state, or national (no state).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Region {
    State(State),
    National,
}

impl Region {
    /// Reads `OH`, `Ohio`, or `national` / `nationwide` / `US`.
    pub fn parse(input: &str) -> Result<Region, super::vocab::VocabError> {
        match super::vocab::normalize(input).as_str() {
            "national" | "nationwide" | "us" | "usa" | "united states" => Ok(Region::National),
            _ => State::parse(input).map(Region::State).map_err(|mut e| {
                e.accepted.push("national");
                e
            }),
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Region::State(s) => s.code(),
            Region::National => "national",
        }
    }
}

/// One of the filters of a query, for "this filter emptied the result".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Filter {
    Text,
    Specialty,
    State,
    Format,
    Kind,
    Cost,
    Facilitation,
    Credential,
    City,
}

impl SearchQuery {
    /// A query for words written in the member's own way.
    pub fn words(text: &str) -> SearchQuery {
        let reading = understand::read(text);
        SearchQuery {
            // Said back ("No groups match /findgroup …", "Next page: …"): no hidden characters.
            text: member_text::clean_reply(text)
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" "),
            terms: reading.terms,
            role_terms: reading.role_terms,
            unknown: reading.unknown,
            wants: reading.wants,
            ..SearchQuery::default()
        }
    }

    /// Whether the query asks for anything at all.
    pub fn is_empty(&self) -> bool {
        self.terms.is_empty() && self.wants.is_empty() && self.active_filters().is_empty()
    }

    /// What was understood, for "Looking for: phlebotomy · Texas · burnout": the words'
    /// meaning, then the filters.
    pub fn understood(&self) -> Vec<String> {
        let mut out = self.wants.labels();
        out.extend(self.unknown.iter().map(|t| format!("\"{t}\"")));
        if let Some(s) = self.specialty {
            out.push(s.label().to_owned());
        }
        if let Some((code, _)) = self.credential {
            out.push(code.to_owned());
        }
        match self.region {
            Some(Region::State(s)) => out.push(s.label().to_owned()),
            Some(Region::National) => out.push("national groups".to_owned()),
            None => {}
        }
        out.extend(self.kind.map(|k| k.label().to_owned()));
        out.extend(self.format.map(|f| f.label().to_owned()));
        out.extend(self.cost.map(|c| c.label().to_owned()));
        out.extend(self.facilitation.map(|f| f.label().to_owned()));
        // "histotech specialty:histo": said once.
        let mut seen = std::collections::HashSet::new();
        out.retain(|label| seen.insert(label.clone()));
        out
    }

    /// Notes on how the words were read: slips corrected, a city in several states.
    pub fn notes(&self) -> Vec<String> {
        let mut out: Vec<String> = self
            .wants
            .corrected
            .iter()
            .map(|(typed, read)| format!("I read \"{typed}\" as {read}."))
            .collect();
        out.extend(self.wants.place.as_ref().and_then(|p| p.note.clone()));
        out
    }

    /// The filters in use.
    pub fn active_filters(&self) -> Vec<Filter> {
        let mut out = Vec::new();
        if !self.text.is_empty() {
            out.push(Filter::Text);
        }
        if self.specialty.is_some() {
            out.push(Filter::Specialty);
        }
        if self.region.is_some() {
            out.push(Filter::State);
        }
        if self.format.is_some() {
            out.push(Filter::Format);
        }
        if self.kind.is_some() {
            out.push(Filter::Kind);
        }
        if self.cost.is_some() {
            out.push(Filter::Cost);
        }
        if self.facilitation.is_some() {
            out.push(Filter::Facilitation);
        }
        if self.credential.is_some() {
            out.push(Filter::Credential);
        }
        if self.city.is_some() {
            out.push(Filter::City);
        }
        out
    }

    /// The same query without one filter.
    pub fn without(&self, filter: Filter) -> SearchQuery {
        let mut q = self.clone();
        match filter {
            Filter::Text => {
                let city = q.city.is_some().then(|| q.wants.place.clone()).flatten();
                q.text.clear();
                q.terms.clear();
                q.role_terms.clear();
                q.unknown.clear();
                q.wants = Wants {
                    place: city,
                    ..Wants::default()
                };
            }
            Filter::Specialty => q.specialty = None,
            Filter::State => q.region = None,
            Filter::Format => q.format = None,
            Filter::Kind => q.kind = None,
            Filter::Cost => q.cost = None,
            Filter::Facilitation => q.facilitation = None,
            Filter::Credential => q.credential = None,
            Filter::City => {
                q.city = None;
                q.wants.place = None;
            }
        }
        q
    }

    /// How a filter reads in a command: `state:OH`, `"night shift"`.
    pub fn describe(&self, filter: Filter) -> String {
        match filter {
            Filter::Text => format!("\"{}\"", self.text),
            Filter::Specialty => format!("specialty:{}", code(self.specialty)),
            Filter::State => format!("state:{}", self.region.map_or("", Region::code)),
            Filter::Format => format!("format:{}", code(self.format)),
            Filter::Kind => format!("kind:{}", code(self.kind)),
            Filter::Cost => format!("cost:{}", code(self.cost)),
            Filter::Facilitation => format!("facilitation:{}", code(self.facilitation)),
            Filter::Credential => format!("credential:{}", self.credential.map_or("", |c| c.0)),
            Filter::City => format!("city:{}", quoted(self.city.as_deref().unwrap_or(""))),
        }
    }

    /// The query written back as a `/findgroup` command line (for "next page" hints).
    pub fn to_command(&self) -> String {
        let mut parts = vec!["/findgroup".to_owned()];
        if !self.text.is_empty() {
            parts.push(self.text.clone());
        }
        for filter in self.active_filters() {
            if filter != Filter::Text {
                parts.push(self.describe(filter));
            }
        }
        parts.join(" ")
    }
}

/// A value written so that the command reads it back whole.
fn quoted(value: &str) -> String {
    if value.contains(char::is_whitespace) {
        format!("\"{value}\"")
    } else {
        value.to_owned()
    }
}

fn code<V: Vocab>(value: Option<V>) -> &'static str {
    value.map_or("", |v| v.code())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stop_words_and_punctuation_are_dropped() {
        let q = SearchQuery::words("Looking for a night-shift support group in Ohio!");
        assert_eq!(q.terms, vec!["night"]);
        assert_eq!(q.wants.place.map(|p| p.state), Some(State::OH));
    }

    #[test]
    fn a_query_writes_back_as_a_command() {
        let q = SearchQuery {
            text: "burnout".into(),
            region: Some(Region::State(State::OH)),
            specialty: Some(Specialty::Histotechnology),
            ..SearchQuery::default()
        };
        assert_eq!(
            q.to_command(),
            "/findgroup burnout specialty:histotechnology state:OH"
        );
    }
}
