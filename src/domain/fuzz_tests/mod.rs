//! Property tests (proptest) for everything that reads what people type or what files hold:
//! the command lines of the console and Matrix, meetup and check-in times, directory files,
//! search sentences, member-text rules and the patient-information guard.
//!
//! Two kinds of property:
//!
//! - [`no_panic`]: any input, of any length and in any script, gets an answer or a refusal,
//!   never a panic. Inputs mix arbitrary Unicode with the characters that break text handling
//!   (controls, text-direction marks, zero-width joiners, emoji, letters whose lower case is
//!   longer than they are), the words the parsers look for, and 10 KB lines.
//! - [`round_trips`]: what the bot writes reads back as what it was: a directory export imports
//!   as the same entries, a meetup calendar file parses back with its title, times and place,
//!   and a meetup time as the bot shows it reads back as the same instant.
//!
//! Each property runs 256 cases by default (fewer for the slow ones), so the set stays well
//! under a minute in a debug build; `PROPTEST_CASES=20000 cargo test --lib fuzz` runs longer.

mod no_panic;
mod round_trips;

use proptest::prelude::*;
use proptest::test_runner::Config;

/// The configuration for a property: `default_cases` cases unless `PROPTEST_CASES` says
/// otherwise (proptest's own default reads it; an explicit count would hide it).
fn config(default_cases: u32) -> Config {
    let mut config = Config::default();
    if std::env::var_os("PROPTEST_CASES").is_none() {
        config.cases = default_cases;
    }
    config
}

/// Characters that have broken text handling elsewhere: controls and line separators,
/// text-direction controls, invisible characters and joiners, emoji and their parts, letters
/// whose case mapping changes their length (`İ`, `ẞ`, `ﬁ`), digits of other scripts, full-width
/// forms, and the punctuation the parsers split on.
#[rustfmt::skip]
const TRICKY: &[char] = &[
    '\0', '\t', '\n', '\r', '\u{7}', '\u{1b}', '\u{7f}', '\u{85}', '\u{2028}', '\u{2029}',
    '\u{202a}', '\u{202e}', '\u{2066}', '\u{2069}', '\u{200e}', '\u{200f}', '\u{61c}',
    '\u{200b}', '\u{200c}', '\u{200d}', '\u{2060}', '\u{feff}', '\u{ad}', '\u{180e}',
    '\u{e0067}', '\u{e007f}', '\u{fe0f}', '\u{1f3f4}', '🧪', '👩', '🔬', '😀', '🏳', 'İ', 'ẞ',
    'ß', 'ﬁ', 'Σ', 'ς', 'é', 'e', '\u{301}', '٣', '१', '１', '：', 'ａ', '\u{a0}', '\u{3000}',
    ':', '/', '!', '"', '“', '”', '\'', ',', ';', '-', '–', '—', '#', '@', '.', '=', '[', ']',
    '{', '}', '\\', ' ', ' ', ' ',
];

/// One character, usually an awkward one.
fn any_char() -> impl Strategy<Value = char> {
    prop_oneof![
        3 => any::<char>(),
        3 => prop::sample::select(TRICKY),
        2 => prop::char::range('a', 'z'),
        2 => prop::char::range('0', '9'),
    ]
}

/// Words the parsers look for, so that generated text reaches past the first refusal.
#[rustfmt::skip]
const WORDS: &[&str] = &[
    "/", "!", "help", "findgroup", "group", "add", "edit", "show", "remove", "review", "list",
    "approve", "reject", "suggestgroup", "checkin", "start", "stop", "pause", "skip", "settings",
    "now", "answer", "snooze", "quiet", "history", "stats", "mydata", "forgetme", "meetup",
    "create", "cancel", "rsvp", "when:", "title:", "where:", "tz:", "note:", "stress:",
    "shift:", "state:", "city:", "kind:", "format:", "cost:", "specialty:", "credential:",
    "facilitation:", "name:", "url:", "description:", "limit:", "\"", "today", "tonight",
    "tomorrow", "next", "this", "in", "a", "week", "weeks", "day", "days", "monday", "Tue",
    "saturday", "dec", "December", "jan", "5", "12", "31", "45", "2026", "2027", "1999",
    "2026-12-05", "2026-12-05T18:30", "12/5/2026", "12/05", "6:30pm", "6:30", "pm", "am",
    "a.m.", "18:30", "25:00", "0", "7", "noon", "midnight", "midday", "ET", "PT", "Central",
    "Eastern time", "America/Chicago", "Europe/London", "UTC", "at", "on", "until", "after",
    "shift", "2h", "30m", "2h30m", "1d", "-", "to", "22:00-06:00", "9pm-7am", "off", "none",
    "burnout", "histology", "Ohio", "OH", "Kansas City", "St. Louis", "near", "online",
    "free", "MLS", "MLT", "blood bank", "night shift", "patient", "DOB", "MRN", "SSN",
    "123-45-6789", "3/4/1975", "S23-12345", "1234567", "Mr.", "Mrs.", "John", "Smith",
    "@example.org", "https://example.org",
];

/// Text that people might type, or that an attacker might: short runs of awkward characters
/// and known words, and now and then a line of 10 KB or more.
fn any_text() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => prop::collection::vec(any_char(), 0..48).prop_map(|cs| cs.into_iter().collect()),
        4 => prop::collection::vec(word_or_char(), 0..12).prop_map(|parts| parts.join(" ")),
        1 => long_line(),
    ]
}

/// Either a known word or a few awkward characters.
fn word_or_char() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => prop::sample::select(WORDS).prop_map(str::to_owned),
        1 => prop::collection::vec(any_char(), 1..6).prop_map(|cs| cs.into_iter().collect()),
    ]
}

/// A line of at least 10 KB: a generated piece repeated, sometimes with a newline inside.
fn long_line() -> impl Strategy<Value = String> {
    prop::collection::vec(word_or_char(), 1..6).prop_map(|parts| {
        let piece = parts.join(" ");
        let piece = if piece.is_empty() {
            "x".to_owned()
        } else {
            piece
        };
        let mut line = String::with_capacity(10_300);
        while line.len() < 10_240 {
            line.push_str(&piece);
            line.push(' ');
        }
        line
    })
}
