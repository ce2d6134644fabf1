//! What a `/findgroup` asks for, independent of how it is stored or searched.

use super::vocab::{Cost, Format, Kind, Specialty, State, Vocab};

/// Results per page.
pub const PAGE_SIZE: u32 = 5;
/// Longest free-text query, in characters.
pub const MAX_QUERY_CHARS: usize = 200;
/// Most words of free text that take part in a search.
pub const MAX_TERMS: usize = 12;

/// Words that carry no meaning for finding a group.
const STOP_WORDS: &[&str] = &[
    "a", "an", "and", "any", "are", "as", "at", "be", "by", "find", "for", "from", "group",
    "groups", "i", "im", "in", "is", "it", "looking", "me", "my", "near", "of", "on", "or", "our",
    "some", "that", "the", "to", "us", "we", "with", "who", "want", "need",
];

/// A directory search: free-text terms plus filters.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SearchQuery {
    /// Lower-cased words to look for (stop words removed). Empty: filters only.
    pub terms: Vec<String>,
    pub specialty: Option<Specialty>,
    pub region: Option<Region>,
    pub format: Option<Format>,
    pub kind: Option<Kind>,
    pub cost: Option<Cost>,
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
}

impl SearchQuery {
    /// Splits free text into search terms.
    pub fn terms_of(text: &str) -> Vec<String> {
        let mut terms: Vec<String> = Vec::new();
        for word in text.split(|c: char| !c.is_alphanumeric()) {
            let word = word.to_lowercase();
            if word.is_empty() || STOP_WORDS.contains(&word.as_str()) || terms.contains(&word) {
                continue;
            }
            terms.push(word);
            if terms.len() == MAX_TERMS {
                break;
            }
        }
        terms
    }

    /// Whether the query asks for anything at all.
    pub fn is_empty(&self) -> bool {
        self.terms.is_empty() && self.active_filters().is_empty()
    }

    /// The filters in use.
    pub fn active_filters(&self) -> Vec<Filter> {
        let mut out = Vec::new();
        if !self.terms.is_empty() {
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
        out
    }

    /// The same query without one filter.
    pub fn without(&self, filter: Filter) -> SearchQuery {
        let mut q = self.clone();
        match filter {
            Filter::Text => q.terms.clear(),
            Filter::Specialty => q.specialty = None,
            Filter::State => q.region = None,
            Filter::Format => q.format = None,
            Filter::Kind => q.kind = None,
            Filter::Cost => q.cost = None,
        }
        q
    }

    /// How a filter reads in a command: `state:OH`, `"night shift"`.
    pub fn describe(&self, filter: Filter) -> String {
        match filter {
            Filter::Text => format!("\"{}\"", self.terms.join(" ")),
            Filter::Specialty => format!("specialty:{}", code(self.specialty)),
            Filter::State => format!("state:{}", self.region.map_or("", Region::code)),
            Filter::Format => format!("format:{}", code(self.format)),
            Filter::Kind => format!("kind:{}", code(self.kind)),
            Filter::Cost => format!("cost:{}", code(self.cost)),
        }
    }

    /// The query written back as a `/findgroup` command line (for "next page" hints).
    pub fn to_command(&self) -> String {
        let mut parts = vec!["/findgroup".to_owned()];
        if !self.terms.is_empty() {
            parts.push(self.terms.join(" "));
        }
        for filter in self.active_filters() {
            if filter != Filter::Text {
                parts.push(self.describe(filter));
            }
        }
        parts.join(" ")
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
        assert_eq!(
            SearchQuery::terms_of("Looking for a night-shift support group in Ohio!"),
            vec!["night", "shift", "support", "ohio"]
        );
    }

    #[test]
    fn a_query_writes_back_as_a_command() {
        let q = SearchQuery {
            terms: vec!["burnout".into()],
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
