//! Directory entries: what a support group, association, community or crisis line looks like,
//! and the one validation every way in goes through (import files, `/group add`, `/group edit`,
//! `/suggestgroup`, `/review approve`).
//!
//! Input arrives as a [`Draft`]: field → raw value, as typed or as read from a file. Validation
//! turns a draft into an [`Entry`] or into the full list of what is wrong with it, field by field,
//! so a person can fix everything at once.

use super::input::InputError;
use super::member_text::{self, Lines};
use std::collections::BTreeMap;
use std::fmt;

use chrono::{Months, NaiveDate};

use super::vocab::{CheckedHow, Cost, Facilitation, Format, Kind, Specialty, State, Vocab};

/// Longest accepted values, in characters.
pub mod limits {
    pub const KEY: usize = 64;
    pub const NAME: usize = 120;
    pub const DESCRIPTION: usize = 500;
    pub const SHORT_TEXT: usize = 200;
    pub const CITY: usize = 60;
    pub const URL: usize = 300;
    pub const LIST_ITEM: usize = 30;
    pub const LIST_LEN: usize = 20;
}

/// One field of a directory entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Field {
    Key,
    Name,
    Kind,
    Specialties,
    Credentials,
    States,
    City,
    Format,
    Cost,
    Facilitation,
    Schedule,
    Url,
    Contact,
    Description,
    Tags,
    Source,
    LastChecked,
    CheckedHow,
    /// Older files' `verified = true|false`: read, mapped to [`Field::LastChecked`], never
    /// written.
    Verified,
    /// Older files' `last_verified` date, read with [`Field::Verified`].
    LastVerified,
}

impl Field {
    /// Every field, in file and export order.
    pub const ALL: [Field; 18] = [
        Field::Key,
        Field::Name,
        Field::Kind,
        Field::Specialties,
        Field::Credentials,
        Field::States,
        Field::City,
        Field::Format,
        Field::Cost,
        Field::Facilitation,
        Field::Schedule,
        Field::Url,
        Field::Contact,
        Field::Description,
        Field::Tags,
        Field::Source,
        Field::LastChecked,
        Field::CheckedHow,
    ];

    /// Fields of older directory files that are still read (and mapped to the new ones).
    pub const LEGACY: [Field; 2] = [Field::Verified, Field::LastVerified];

    /// The field's name in files and commands.
    pub fn name(self) -> &'static str {
        match self {
            Field::Key => "key",
            Field::Name => "name",
            Field::Kind => "kind",
            Field::Specialties => "specialties",
            Field::Credentials => "credentials",
            Field::States => "states",
            Field::City => "city",
            Field::Format => "format",
            Field::Cost => "cost",
            Field::Facilitation => "facilitation",
            Field::Schedule => "schedule",
            Field::Url => "url",
            Field::Contact => "contact",
            Field::Description => "description",
            Field::Tags => "tags",
            Field::Source => "source",
            Field::LastChecked => "last_checked",
            Field::CheckedHow => "checked_how",
            Field::Verified => "verified",
            Field::LastVerified => "last_verified",
        }
    }

    /// Reads a field name, accepting the singular forms used in commands (`specialty:`).
    pub fn from_name(name: &str) -> Option<Field> {
        let name = name.trim().to_ascii_lowercase();
        let alias = match name.as_str() {
            "specialty" => Some(Field::Specialties),
            "state" => Some(Field::States),
            "credential" => Some(Field::Credentials),
            "tag" => Some(Field::Tags),
            "link" => Some(Field::Url),
            "lastverified" | "last-verified" => Some(Field::LastVerified),
            "checked" | "lastchecked" | "last-checked" => Some(Field::LastChecked),
            "checked-how" | "how" => Some(Field::CheckedHow),
            _ => None,
        };
        alias.or_else(|| {
            Field::ALL
                .into_iter()
                .chain(Field::LEGACY)
                .find(|f| f.name() == name)
        })
    }

    /// Whether the field holds a list.
    pub fn is_list(self) -> bool {
        matches!(
            self,
            Field::Specialties | Field::Credentials | Field::States | Field::Tags
        )
    }
}

impl fmt::Display for Field {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A field's value before validation.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(untagged)]
pub enum Raw {
    Bool(bool),
    Text(String),
    List(Vec<String>),
}

impl Raw {
    /// The value as list items: lists as they are, text split on commas or semicolons.
    fn items(&self) -> Vec<String> {
        match self {
            Raw::List(items) => items
                .iter()
                .map(|s| s.trim().to_owned())
                .filter(|s| !s.is_empty())
                .collect(),
            Raw::Text(text) => text
                .split([',', ';'])
                .map(|s| s.trim().to_owned())
                .filter(|s| !s.is_empty())
                .collect(),
            Raw::Bool(b) => vec![b.to_string()],
        }
    }

    fn text(&self) -> String {
        match self {
            Raw::Text(t) => t.trim().to_owned(),
            Raw::List(items) => items.join(", "),
            Raw::Bool(b) => b.to_string(),
        }
    }
}

/// Field → raw value, as given. Fields not given are absent.
pub type Draft = BTreeMap<Field, Raw>;

/// What is wrong with one field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub field: Field,
    pub message: String,
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.message)
    }
}

/// How long a check counts: after this many months an entry "may be out of date".
pub const FRESH_MONTHS: u32 = 24;

/// Whether an entry's facts were checked recently.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Freshness {
    /// Checked in the last [`FRESH_MONTHS`] months.
    Fresh,
    /// Checked, but longer ago: it may be out of date.
    Stale,
    /// Never checked by a moderator.
    Unchecked,
}

/// How fresh a check made on `last_checked` is on `today` (without a date, a check is fresh).
pub fn freshness(last_checked: Option<NaiveDate>, today: Option<NaiveDate>) -> Freshness {
    match (last_checked, today) {
        (None, _) => Freshness::Unchecked,
        (Some(checked), Some(today))
            if checked
                .checked_add_months(Months::new(FRESH_MONTHS))
                .is_some_and(|until| until < today) =>
        {
            Freshness::Stale
        }
        (Some(_), _) => Freshness::Fresh,
    }
}

/// A validated directory entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// Stable key: lowercase letters, digits and '-'. Imports match on it.
    pub key: String,
    pub name: String,
    pub kind: Kind,
    pub specialties: Vec<Specialty>,
    pub credentials: Vec<String>,
    /// Empty for national entries.
    pub states: Vec<State>,
    pub city: Option<String>,
    pub format: Format,
    pub cost: Cost,
    pub facilitation: Facilitation,
    pub schedule: Option<String>,
    pub url: Option<String>,
    pub contact: Option<String>,
    pub description: String,
    pub tags: Vec<String>,
    pub source: Option<String>,
    /// When a moderator last confirmed the facts; `None` when nobody has.
    pub last_checked: Option<NaiveDate>,
    /// How they were confirmed (set exactly when `last_checked` is).
    pub checked_how: Option<CheckedHow>,
}

impl Entry {
    /// Validates a draft. Every problem is reported, not only the first.
    pub fn from_draft(draft: &Draft) -> Result<Entry, Vec<FieldError>> {
        let mut v = Validator::new(draft);
        let key = v.key();
        let name = v.text(Field::Name, limits::NAME, true);
        let kind = v.one::<Kind>(Field::Kind);
        let specialties = v.many::<Specialty>(Field::Specialties, true);
        let credentials = v.words(Field::Credentials);
        let states = v.many::<State>(Field::States, false);
        let city = v.text(Field::City, limits::CITY, false);
        let format = v.one::<Format>(Field::Format);
        let cost = v.one::<Cost>(Field::Cost);
        let facilitation = v.one::<Facilitation>(Field::Facilitation);
        let schedule = v.text(Field::Schedule, limits::SHORT_TEXT, false);
        let url = v.url(Field::Url);
        let contact = v.text(Field::Contact, limits::SHORT_TEXT, false);
        let description = v.text(Field::Description, limits::DESCRIPTION, true);
        let tags = v.words(Field::Tags);
        let source = v.url(Field::Source);
        let (last_checked, checked_how) = v.checked();
        if !v.errors.is_empty() {
            return Err(v.errors);
        }
        let missing = "validator reports every missing required field";
        let mut specialties = specialties.expect(missing);
        specialties.sort();
        specialties.dedup();
        let mut states = states.unwrap_or_default();
        states.sort();
        states.dedup();
        Ok(Entry {
            key: key.expect(missing),
            name: name.expect(missing),
            kind: kind.expect(missing),
            specialties,
            credentials,
            states,
            city,
            format: format.expect(missing),
            cost: cost.expect(missing),
            facilitation: facilitation.expect(missing),
            schedule,
            url,
            contact,
            description: description.expect(missing),
            tags,
            source,
            last_checked,
            checked_how,
        })
    }

    /// The entry as a draft, so an edit can change some fields and validate the whole again.
    pub fn to_draft(&self) -> Draft {
        let mut d = Draft::new();
        let text = |s: &str| Raw::Text(s.to_owned());
        let codes = |v: Vec<&str>| Raw::List(v.into_iter().map(str::to_owned).collect());
        d.insert(Field::Key, text(&self.key));
        d.insert(Field::Name, text(&self.name));
        d.insert(Field::Kind, text(self.kind.code()));
        d.insert(
            Field::Specialties,
            codes(self.specialties.iter().map(|s| s.code()).collect()),
        );
        if !self.credentials.is_empty() {
            d.insert(Field::Credentials, Raw::List(self.credentials.clone()));
        }
        if !self.states.is_empty() {
            d.insert(
                Field::States,
                codes(self.states.iter().map(|s| s.code()).collect()),
            );
        }
        let optional = [
            (Field::City, &self.city),
            (Field::Schedule, &self.schedule),
            (Field::Url, &self.url),
            (Field::Contact, &self.contact),
            (Field::Source, &self.source),
        ];
        for (field, value) in optional {
            if let Some(value) = value {
                d.insert(field, text(value));
            }
        }
        d.insert(Field::Format, text(self.format.code()));
        d.insert(Field::Cost, text(self.cost.code()));
        d.insert(Field::Facilitation, text(self.facilitation.code()));
        d.insert(Field::Description, text(&self.description));
        if !self.tags.is_empty() {
            d.insert(Field::Tags, Raw::List(self.tags.clone()));
        }
        if let Some(date) = self.last_checked {
            d.insert(
                Field::LastChecked,
                text(&date.format("%Y-%m-%d").to_string()),
            );
        }
        if let Some(how) = self.checked_how {
            d.insert(Field::CheckedHow, text(how.code()));
        }
        d
    }

    /// Whether the entry's facts were checked in the last [`FRESH_MONTHS`] months (as of
    /// `today`, the bot's date; without one a checked entry counts as fresh).
    pub fn freshness(&self, today: Option<NaiveDate>) -> Freshness {
        freshness(self.last_checked, today)
    }

    /// Where the entry is, for people: "national", "OH", "Columbus, OH", "TX, AZ, CO".
    pub fn region_label(&self) -> String {
        region_label(&self.states, self.city.as_deref())
    }

    /// Words that should find this entry in free-text search besides its name and description:
    /// every spelling of its specialties, kind and states, its city, credentials and tags.
    pub fn search_keywords(&self) -> String {
        let mut words: Vec<&str> = Vec::new();
        for s in &self.specialties {
            words.extend([s.code(), s.label()]);
            words.extend(s.synonyms());
        }
        words.extend([self.kind.label()]);
        words.extend(self.kind.synonyms());
        words.push(self.format.label());
        for s in &self.states {
            words.extend([s.code(), s.label()]);
        }
        if self.states.is_empty() {
            words.extend(["national", "nationwide"]);
        }
        words.extend(self.city.as_deref());
        words.extend(self.credentials.iter().map(String::as_str));
        words.extend(self.tags.iter().map(String::as_str));
        words.join(" ").replace('_', " ")
    }
}

/// Where something is, for people: "national", "OH", "Columbus, OH", "TX, AZ, CO".
pub fn region_label(states: &[State], city: Option<&str>) -> String {
    let states = if states.is_empty() {
        "national".to_owned()
    } else {
        states
            .iter()
            .map(|s| s.code())
            .collect::<Vec<_>>()
            .join(", ")
    };
    match city {
        Some(city) => format!("{city}, {states}"),
        None => states,
    }
}

/// Checks a value is an absolute http(s) link. The refusal is a fragment ("… is not a valid
/// link; write it in full, like …") that callers place after the field's name.
pub fn check_url(value: &str) -> Result<String, InputError> {
    let value = value.trim();
    if value.chars().count() > limits::URL {
        return Err(InputError::new(
            format!("a link can be at most {} characters", limits::URL),
            "",
        ));
    }
    if value.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(InputError::new(
            format!("\"{}\" is not a valid link:", value.escape_debug()),
            "links have no spaces or line breaks",
        ));
    }
    if let Some(refused) = member_text::first_refused(value, Lines::One) {
        return Err(InputError::new(
            format!("the link {};", refused.problem()),
            "give the plain address as it shows in a browser, like https://example.org",
        ));
    }
    match url::Url::parse(value) {
        Ok(u) if !u.username().is_empty() || u.password().is_some() => Err(InputError::new(
            format!("\"{}\" has a user name in it;", value.replace('@', "(at)")),
            "give the plain address, like https://example.org",
        )),
        Ok(u) if (u.scheme() == "http" || u.scheme() == "https") && u.host().is_some() => {
            Ok(value.to_owned())
        }
        Ok(u) => Err(InputError::new(
            format!("\"{value}\" is a {} link;", u.scheme()),
            "only http:// and https:// links are accepted",
        )),
        Err(_) => Err(InputError::new(
            format!("\"{value}\" is not a valid link;"),
            "write it in full, like https://example.org",
        )),
    }
}

/// Makes a key out of a name: "Histology Society of Ohio" → "histology-society-of-ohio".
pub fn slugify(name: &str) -> String {
    let mut slug = String::new();
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c.to_ascii_lowercase());
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    let mut slug: String = slug
        .trim_end_matches('-')
        .chars()
        .take(limits::KEY)
        .collect();
    while slug.ends_with('-') {
        slug.pop();
    }
    if slug.len() < 2 {
        slug = if slug.is_empty() {
            "group".to_owned()
        } else {
            format!("group-{slug}")
        };
    }
    slug
}

struct Validator<'a> {
    draft: &'a Draft,
    errors: Vec<FieldError>,
    /// Fields refused for their characters: said once, and not read further (so nothing
    /// quotes their text back).
    refused: Vec<Field>,
}

impl<'a> Validator<'a> {
    /// A validator for `draft` that has already refused every field holding a character
    /// others must not be shown (see [`member_text`]): every field is one line here, since
    /// results show descriptions as one. Links are left to [`check_url`], which says it in
    /// terms of links.
    fn new(draft: &'a Draft) -> Self {
        let mut v = Validator {
            draft,
            errors: Vec::new(),
            refused: Vec::new(),
        };
        let not_links = draft
            .iter()
            .filter(|(field, _)| !matches!(field, Field::Url | Field::Source));
        for (&field, raw) in not_links {
            let (items, is_list) = match raw {
                Raw::Text(t) => (vec![t.trim()], false),
                Raw::List(items) => (items.iter().map(|i| i.trim()).collect(), true),
                Raw::Bool(_) => (Vec::new(), false),
            };
            let refused = items
                .into_iter()
                .find_map(|item| member_text::first_refused(item, Lines::One));
            if let Some(refused) = refused {
                let which = if is_list { "an item " } else { "" };
                v.fail(
                    field,
                    format!("{which}{}. {}", refused.problem(), refused.accepted()),
                );
                v.refused.push(field);
            }
        }
        v
    }

    fn fail(&mut self, field: Field, message: impl Into<String>) {
        if self.refused.contains(&field) {
            return;
        }
        self.errors.push(FieldError {
            field,
            message: message.into(),
        });
    }

    fn raw(&self, field: Field) -> Option<&Raw> {
        if self.refused.contains(&field) {
            return None;
        }
        self.draft.get(&field)
    }

    fn key(&mut self) -> Option<String> {
        let key = self.text(Field::Key, limits::KEY, true)?;
        let ok = key.len() >= 2
            && key
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
            && !key.starts_with('-')
            && !key.ends_with('-');
        if ok {
            Some(key)
        } else {
            self.fail(
                Field::Key,
                format!(
                    "\"{key}\" is not a valid key; use 2-64 lowercase letters, digits and '-' \
                     (like ohio-histology)"
                ),
            );
            None
        }
    }

    fn text(&mut self, field: Field, max: usize, required: bool) -> Option<String> {
        let value = match self.raw(field) {
            None => None,
            Some(Raw::Text(t)) => Some(t.trim().to_owned()),
            Some(Raw::List(_) | Raw::Bool(_)) => {
                self.fail(field, "expected text, not a list or true/false");
                return None;
            }
        };
        match value {
            Some(v) if !v.is_empty() => {
                if v.chars().count() > max {
                    self.fail(
                        field,
                        format!(
                            "is {} characters long; at most {max} are accepted",
                            v.chars().count()
                        ),
                    );
                    None
                } else {
                    Some(v)
                }
            }
            _ => {
                if required {
                    self.fail(field, "is required");
                }
                None
            }
        }
    }

    fn one<V: Vocab>(&mut self, field: Field) -> Option<V> {
        match self.raw(field).map(Raw::text) {
            Some(t) if !t.is_empty() => match V::parse(&t) {
                Ok(v) => Some(v),
                Err(e) => {
                    self.fail(field, e.to_string());
                    None
                }
            },
            _ => {
                let accepted: Vec<_> = V::ALL.iter().map(|v| v.code()).collect();
                self.fail(
                    field,
                    format!("is required (one of: {})", accepted.join(", ")),
                );
                None
            }
        }
    }

    fn many<V: Vocab>(&mut self, field: Field, required: bool) -> Option<Vec<V>> {
        let items = self.raw(field).map(Raw::items).unwrap_or_default();
        if items.is_empty() {
            if required {
                let accepted: Vec<_> = V::ALL.iter().map(|v| v.code()).collect();
                self.fail(
                    field,
                    format!("needs at least one of: {}", accepted.join(", ")),
                );
                return None;
            }
            return Some(Vec::new());
        }
        let mut out = Vec::new();
        let mut ok = true;
        for item in items {
            match V::parse(&item) {
                Ok(v) => out.push(v),
                Err(e) => {
                    self.fail(field, e.to_string());
                    ok = false;
                }
            }
        }
        ok.then_some(out)
    }

    fn words(&mut self, field: Field) -> Vec<String> {
        let items = self.raw(field).map(Raw::items).unwrap_or_default();
        if items.len() > limits::LIST_LEN {
            self.fail(
                field,
                format!("at most {} items are accepted", limits::LIST_LEN),
            );
            return Vec::new();
        }
        let mut out = Vec::new();
        for item in items {
            if item.contains([',', ';']) {
                self.fail(
                    field,
                    format!("\"{item}\" holds a comma or semicolon; give each item separately"),
                );
            } else if item.chars().count() > limits::LIST_ITEM {
                self.fail(
                    field,
                    format!(
                        "\"{item}\" is too long; each item is a word or two of at most {} characters",
                        limits::LIST_ITEM
                    ),
                );
            } else if !out.contains(&item) {
                out.push(item);
            }
        }
        out
    }

    fn url(&mut self, field: Field) -> Option<String> {
        let value = self.raw(field).map(Raw::text)?;
        if value.is_empty() {
            return None;
        }
        match check_url(&value) {
            Ok(url) => Some(url),
            Err(problem) => {
                self.fail(field, problem.to_string());
                None
            }
        }
    }

    /// `last_checked` and `checked_how`, or an older file's `verified` and `last_verified`:
    /// a verified entry with its date reads as checked on its own page that day; an unverified
    /// one as never checked.
    fn checked(&mut self) -> (Option<NaiveDate>, Option<CheckedHow>) {
        let date = self.date(Field::LastChecked);
        let how = match self.raw(Field::CheckedHow).map(Raw::text) {
            Some(text) if !text.is_empty() => match CheckedHow::parse(&text) {
                Ok(how) => Some(how),
                Err(e) => {
                    self.fail(Field::CheckedHow, e.to_string());
                    None
                }
            },
            _ => None,
        };
        let legacy = self.boolean(Field::Verified);
        let legacy_date = self.date(Field::LastVerified);
        if self.raw(Field::LastChecked).is_some() || self.raw(Field::CheckedHow).is_some() {
            if how.is_some() && date.is_none() && self.errors.is_empty() {
                self.fail(
                    Field::LastChecked,
                    "checked_how needs the date of the check (last_checked:YYYY-MM-DD)",
                );
            }
            // A date alone was checked on the organisation's own page, the usual way.
            return (date, date.map(|_| how.unwrap_or(CheckedHow::OwnPage)));
        }
        match (legacy, legacy_date) {
            (Some(true), Some(d)) => (Some(d), Some(CheckedHow::OwnPage)),
            (Some(true), None) if self.errors.is_empty() => {
                self.fail(
                    Field::LastVerified,
                    "a verified entry needs the date it was last verified (YYYY-MM-DD)",
                );
                (None, None)
            }
            _ => (None, None),
        }
    }

    fn boolean(&mut self, field: Field) -> Option<bool> {
        match self.raw(field)? {
            Raw::Bool(b) => Some(*b),
            other => match other.text().to_ascii_lowercase().as_str() {
                "true" | "yes" | "y" | "1" => Some(true),
                "false" | "no" | "n" | "0" | "" => Some(false),
                text => {
                    let message = format!("\"{text}\" is not true or false");
                    self.fail(field, message);
                    None
                }
            },
        }
    }

    fn date(&mut self, field: Field) -> Option<NaiveDate> {
        let text = self.raw(field).map(Raw::text)?;
        if text.is_empty() {
            return None;
        }
        match NaiveDate::parse_from_str(&text, "%Y-%m-%d") {
            Ok(d) => Some(d),
            Err(_) => {
                self.fail(
                    field,
                    format!("\"{text}\" is not a date; write it as YYYY-MM-DD"),
                );
                None
            }
        }
    }
}

#[cfg(test)]
pub(crate) mod tests;
