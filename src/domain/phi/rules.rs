//! The PHI guard's rules for numbers, dates and contact details. Each returns the byte range
//! of the first part of a text that matches; names are in `names.rs`.

use std::ops::Range;
use std::sync::LazyLock;

use regex::{Captures, Regex};

/// A regex built from a pattern this module writes; a bad one is a bug caught by any test.
fn re(pattern: &str) -> Regex {
    Regex::new(pattern).expect("the PHI guard's patterns are valid")
}

/// Month names and their usual abbreviations, as a regex group (no trailing boundary, so
/// "04JUL1962" is read; each use puts a space, a digit or a dot after it).
const MONTH: &str = concat!(
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?",
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)",
);

/// What people type between a label and its value: spaces, colons, hashes, dots, dashes,
/// equals signs and the small words "is", "was", "on", "in", "of", "number", "no", "id".
const JOIN: &str = r"[\s:#.=,\-]*(?:(?:is|was|on|in|of|number|num|no|id|ending(?:\s+in)?|last\s+(?:4|four))\b[\s:#.=,\-]*)*";

/// Words that tie a text to a patient (or a patient's family).
static PATIENT_CUE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)\b(?:patients?|pts?|in-?patient|out-?patient|mother|mom|father|dad|daughter|son|wife|husband|spouse|guardian|caregiver|family)\b",
    )
});

/// Diagnoses and clinical events: words that make a name or an age about a patient.
/// "positive" and "negative" count unless a control, QC or an attitude follows.
static CLINICAL: LazyLock<Regex> = LazyLock::new(|| {
    re(concat!(
        r"(?i)\bhiv\+|\b(?:hiv|aids|hep(?:atitis)?\s*[abc]|hepatitis|seps[ie]s|septic|cancer|carcinoma",
        r"|tumou?rs?|malignan\w*|leuka?emi\w*|lymphoma|myeloma|aml|cll|cml|mds|diabet\w*|dka",
        r"|stemi|nstemi|stroke|cva|dvt|copd|chf|ckd|esrd|dialysis|pneumonia|covid(?:-19)?",
        r"|influenza|tuberculosis|syphilis|gonorrh\w*|chlamydia|herpes|hpv|mrsa|vre|c\.?\s?diff",
        r"|overdosed?|pregnan\w*|miscarri\w*|gsw|mva|coded|died|expired|deceased|passed\s+away",
        r"|dx|dx'd|diagnos\w*|hx|biops\w*|admitted|discharged|transfus\w*|anemi\w*|sickle\s+cell",
        r"|hemophilia|lupus|cirrhosis|bacteremia|meningitis|dementia|schizophreni\w*|bipolar",
        r"|metasta\w*|chemo\w*|oncology\s+patient|s/p|status\s+post",
        r"|positive|negative|pos|neg",
        r")\b",
    ))
});

/// Words after "positive"/"negative" that make it lab or everyday talk, not a diagnosis.
static NOT_A_DIAGNOSIS_AFTER: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)^\s*(?:and\s+negative\s+)?(?:controls?|qc|attitude|vibes|feedback|energy|note|notes|thinking|reinforcement|people|team|shift|day|displacement|pressure|mode)\b",
    )
});

/// Whether the text speaks of a patient or a patient's family.
pub(super) fn patient_context(text: &str) -> bool {
    PATIENT_CUE.is_match(text)
}

/// Whether the text names a diagnosis or a clinical event.
pub(super) fn clinical_context(text: &str) -> bool {
    CLINICAL.find_iter(text).any(|m| {
        let word = m.as_str().to_ascii_lowercase();
        let polar = ["positive", "negative", "pos", "neg"]
            .iter()
            .any(|p| word.starts_with(p));
        !polar || !NOT_A_DIAGNOSIS_AFTER.is_match(&text[m.end()..])
    })
}

/// The first match's range, if any.
fn first(pattern: &Regex, text: &str) -> Option<Range<usize>> {
    pattern.find(text).map(|m| m.range())
}

// ---------------------------------------------------------------------------------------------
// Social security numbers.

static SSN_LABELLED: LazyLock<Regex> = LazyLock::new(|| {
    let label = r"(?:\bssn\b|\bss\s?#|\bsocial\s+security\b|\bsoc\.?\s+sec\b\.?)";
    re(&format!(
        r"(?i){label}{JOIN}(?:\d{{3}}[\s\-]?\d{{2}}[\s\-]?\d{{4}}|\d{{4}})\b"
    ))
});

static SSN_SHAPE: LazyLock<Regex> = LazyLock::new(|| re(r"\b\d{3}-\d{2}-\d{4}\b"));

/// A social security number: labelled ("SSN 123456789", "social security ending 6789") or
/// in its dashed shape ("123-45-6789").
pub(super) fn ssn(text: &str) -> Option<Range<usize>> {
    first(&SSN_LABELLED, text).or_else(|| {
        SSN_SHAPE
            .find_iter(text)
            .find(|m| !joined(text, m.range()))
            .map(|m| m.range())
    })
}

/// Whether a match is one group of a longer number ("555-123-45-6789", "1.234-56-7890").
fn joined(text: &str, range: Range<usize>) -> bool {
    let bytes = text.as_bytes();
    let sep = |b: u8| matches!(b, b'-' | b'.' | b'/');
    let before =
        range.start >= 2 && sep(bytes[range.start - 1]) && bytes[range.start - 2].is_ascii_digit();
    let after = range.end + 1 < bytes.len()
        && sep(bytes[range.end])
        && bytes[range.end + 1].is_ascii_digit();
    before || after
}

// ---------------------------------------------------------------------------------------------
// Dates of birth.

/// A date in any common form, the year optional: "7/4/62", "04.07.1962", "1962-07-04",
/// "July 4, 1962", "4th of July 1962", "04JUL1962", "19620704", or a year alone ("in 1962").
fn any_date() -> String {
    let ordinal = r"(?:st|nd|rd|th)?";
    [
        r"\d{4}[/.\-]\d{1,2}[/.\-]\d{1,2}\b".to_owned(),
        r"\d{1,2}[/.\-]\d{1,2}(?:[/.\-]\d{2,4})?\b".to_owned(),
        format!(r"{MONTH}\.?[\s\-]*\d{{1,2}}{ordinal}\b(?:,?[\s\-]*\d{{2,4}}\b)?"),
        format!(r"\d{{1,2}}{ordinal}[\s\-]*(?:of\s+)?{MONTH}\.?(?:,?[\s\-]*\d{{2,4}}\b)?"),
        r"(?:19|20)\d{6}\b".to_owned(),
        r"(?:18|19|20)\d{2}\b".to_owned(),
    ]
    .join("|")
}

/// A date with its year: numeric, or a month name with a day and a year.
fn dated() -> String {
    let ordinal = r"(?:st|nd|rd|th)?";
    [
        r"\d{4}[/.\-]\d{1,2}[/.\-]\d{1,2}\b".to_owned(),
        r"\d{1,2}[/.\-]\d{1,2}[/.\-]\d{2,4}\b".to_owned(),
        format!(r"{MONTH}\.?\s*\d{{1,2}}{ordinal},?\s*\d{{2,4}}\b"),
        format!(r"\d{{1,2}}{ordinal}\s*(?:of\s+)?{MONTH}\.?,?\s*\d{{2,4}}\b"),
    ]
    .join("|")
}

static BIRTH_LABELLED: LazyLock<Regex> = LazyLock::new(|| {
    let label = r"(?:\bdob\b|\bd\.\s?o\.\s?b\b\.?|\bdate\s+of\s+birth\b|\bbirth\s*date\b|\bborn\b)";
    re(&format!(r"(?i){label}{JOIN}(?:{})", any_date()))
});

static BIRTHDAY_DATED: LazyLock<Regex> = LazyLock::new(|| {
    re(&format!(
        r"(?i)\b(?:birthday|b-?day)\b{JOIN}(?:{})",
        dated()
    ))
});

/// A date after "DOB", "date of birth", "birthdate" or "born" (any form, even without a year),
/// or a dated "birthday" ("birthday is 7/4/62"; "Jen's birthday 12/5" is a party, not a DOB).
pub(super) fn labelled_birth_date(text: &str) -> Option<Range<usize>> {
    first(&BIRTH_LABELLED, text).or_else(|| first(&BIRTHDAY_DATED, text))
}

static NUMERIC_DATE: LazyLock<Regex> =
    LazyLock::new(|| re(r"\b(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4}|\d{2})\b"));

static ISO_DATE: LazyLock<Regex> =
    LazyLock::new(|| re(r"\b(\d{4})[/.\-](\d{1,2})[/.\-](\d{1,2})\b"));

static NAMED_DATE: LazyLock<Regex> = LazyLock::new(|| {
    let ordinal = r"(?:st|nd|rd|th)?";
    re(&format!(
        r"(?i)\b(?:{MONTH}\.?\s+\d{{1,2}}{ordinal},?\s+(\d{{4}})|\d{{1,2}}{ordinal}\s+(?:of\s+)?{MONTH}\.?,?\s+(\d{{4}})|\d{{1,2}}-?{MONTH}-?(\d{{4}}|\d{{2}}))\b"
    ))
});

/// Whether a year reads as a birth year rather than a shift, an exam or a deadline: 1900 to
/// 2009, or two digits from 30 (1930-1999). Dates from 2010 on pass unless labelled.
fn birth_year(year: &str) -> bool {
    match (year.len(), year.parse::<u32>()) {
        (4, Ok(y)) => (1900..=2009).contains(&y),
        (2, Ok(y)) => y >= 30,
        _ => false,
    }
}

fn day_and_month(a: &str, b: &str) -> bool {
    let (Ok(a), Ok(b)) = (a.parse::<u32>(), b.parse::<u32>()) else {
        return false;
    };
    (1..=31).contains(&a) && (1..=31).contains(&b) && (a <= 12 || b <= 12)
}

/// An unlabelled full date whose year makes it a likely birth date: "7/4/62",
/// "04.07.1962", "1962-07-04", "July 4, 1962". Version numbers ("1.2.62") are skipped.
pub(super) fn birth_date_shape(text: &str) -> Option<Range<usize>> {
    let numeric = |c: &Captures<'_>| {
        let whole = c.get(0)?;
        let (a, b, y) = (c.get(1)?.as_str(), c.get(2)?.as_str(), c.get(3)?.as_str());
        // "1.2.62" is a version: with dots, only a four-digit year reads as a date.
        let version = (whole.as_str().contains('.') && y.len() != 4)
            || whole.start() > 0 && {
                let before = text.as_bytes()[whole.start() - 1];
                before == b'.' || before.is_ascii_alphabetic()
            };
        (day_and_month(a, b) && birth_year(y) && !version && !joined(text, whole.range()))
            .then(|| whole.range())
    };
    let iso = |c: &Captures<'_>| {
        let whole = c.get(0)?;
        let (y, a, b) = (c.get(1)?.as_str(), c.get(2)?.as_str(), c.get(3)?.as_str());
        (day_and_month(a, b) && birth_year(y) && !joined(text, whole.range()))
            .then(|| whole.range())
    };
    let named = |c: &Captures<'_>| {
        let year = c.get(1).or_else(|| c.get(2)).or_else(|| c.get(3))?;
        birth_year(year.as_str()).then(|| c.get(0).map(|m| m.range()))?
    };
    NUMERIC_DATE
        .captures_iter(text)
        .find_map(|c| numeric(&c))
        .or_else(|| ISO_DATE.captures_iter(text).find_map(|c| iso(&c)))
        .or_else(|| NAMED_DATE.captures_iter(text).find_map(|c| named(&c)))
}

// ---------------------------------------------------------------------------------------------
// Record and accession numbers.

/// An identifier after a label: letters, digits and dashes with at least one digit; the caller
/// checks it has four or more digits.
const ID: &str = r"([a-z0-9]*\d[a-z0-9]*(?:[\-/][a-z0-9]+)*)";

static RECORD_LABELLED: LazyLock<Regex> = LazyLock::new(|| {
    let label = [
        r"\bmrn",
        r"\bmr\s?#",
        r"\bmedical\s+records?\b",
        r"\bmed\.?\s*recs?\b",
        r"\brecords?\s*(?:#|no\b|num\b|number\b)",
        r"\bchart\s*(?:#|no\b|num\b|number\b)",
        r"\bacct\b",
        r"\baccount\s*(?:#|no\b|num\b|number\b)",
        r"\bfin\b",
        r"\bcsn\b",
        r"\bempi\b",
        r"\bencounter\b",
        r"\bvisit\s*(?:#|no\b|number\b|id\b)",
        r"\bpatient\s*(?:id\b|#|number\b|no\b)",
        r"\bpt\.?\s*(?:id\b|#)",
        r"\bhospital\s*(?:#|no\b|number\b)",
        r"\bmember\s*id\b",
        r"\binsurance\s*(?:id\b|#|number\b)",
        r"\bpolicy\s*(?:#|number\b)",
        r"\bmedicaid\b",
        r"\bmedicare\b",
        r"\bmbi\b",
        r"\bemr\s*#",
    ]
    .join("|");
    re(&format!(r"(?i)(?:{label}){JOIN}{ID}"))
});

static ACCESSION_LABELLED: LazyLock<Regex> = LazyLock::new(|| {
    let label = [
        r"\baccession\b",
        r"\baccn\b",
        r"\bacc\s*(?:#|no\b|num\b|number\b)",
        r"\bspecimens?\b",
        r"\bsamples?\b",
        r"\bcase\s*(?:#|no\b|num\b|number\b)",
        r"\breq(?:uisition)?\s*(?:#|no\b|num\b|number\b)",
        r"\brequisition\b",
        r"\border\s*(?:#|no\b|num\b|number\b)",
        r"\bbar\s?code\b",
        r"\blabel\s*#",
        r"\btube\s*#",
        r"\bcontainer\b",
        r"\bblock\b",
        r"\bslide\b",
        r"\bpath(?:ology)?\s*(?:#|no\b|num\b|number\b)",
        r"\bsurg(?:ical)?\s+path\b",
        r"\bcyto(?:logy)?\s*(?:#|no\b|number\b)",
        r"\blab\s*(?:#|no\b|number\b|id\b)",
        r"\bunit\s*(?:#|no\b|number\b|id\b)",
        r"\bisbt\b",
    ]
    .join("|");
    re(&format!(r"(?i)(?:{label}){JOIN}{ID}"))
});

/// The first labelled match whose identifier has four or more digits.
fn labelled_id(pattern: &Regex, text: &str) -> Option<Range<usize>> {
    pattern.captures_iter(text).find_map(|c| {
        let id = c.get(1)?;
        let digits = id.as_str().bytes().filter(u8::is_ascii_digit).count();
        (digits >= 4).then(|| c.get(0).map(|m| m.range()))?
    })
}

/// "MRN 1234567", "med rec# A12345", "account number 88812345", "FIN 2211334".
pub(super) fn labelled_record(text: &str) -> Option<Range<usize>> {
    labelled_id(&RECORD_LABELLED, text)
}

/// "accession 24-123456", "specimen 2024-0001234", "case # S23-4412", "block A1-22345".
pub(super) fn labelled_accession(text: &str) -> Option<Range<usize>> {
    labelled_id(&ACCESSION_LABELLED, text)
}

/// Lab-style ids without a label: "S23-12345", "SP-2024-001234", "24-CH-118233",
/// "2024-0001234", "A12345678".
static LAB_ID: LazyLock<Regex> = LazyLock::new(|| {
    re(concat!(
        r"(?i)\b(?:[a-z]{1,4}-?\d{2,4}-\d{3,}|\d{2,4}-[a-z]{1,4}-\d{3,}|\d{2,4}-\d{5,}",
        r"|[a-z]{1,3}\d{7,})\b",
    ))
});

/// Words that make the id after them a product's, not a patient's: "lot R23-00412".
const PRODUCT_WORDS: &[&str] = &[
    "lot",
    "lots",
    "lot#",
    "cat",
    "cat#",
    "catalog",
    "catalogue",
    "ref",
    "part",
    "pn",
    "p/n",
    "model",
    "serial",
    "s/n",
    "sn",
    "kit",
    "ticket",
    "incident",
    "wo",
    "po",
    "invoice",
    "sop",
    "policy",
    "form",
    "version",
    "rev",
    "ext",
    "fax",
    "badge",
    "employee",
    "emp",
    "item",
    "sku",
    "reagent",
    "reagents",
    "control",
    "controls",
    "calibrator",
    "cal",
    "qc",
    "room",
    "flight",
];

/// Whether one of the three words before `start` names a product, a form or a place.
fn after_product_word(text: &str, start: usize) -> bool {
    text[..start]
        .split_whitespace()
        .rev()
        .take(3)
        .map(|w| {
            w.trim_matches(|c: char| !c.is_alphanumeric() && c != '#' && c != '/')
                .to_lowercase()
        })
        .any(|w| PRODUCT_WORDS.contains(&w.as_str()) || w.starts_with("lot"))
}

/// Whether the letters of a lab-id-looking match are a month ("Dec-12-2026" is a date).
fn starts_with_month(id: &str) -> bool {
    let letters: String = id
        .chars()
        .take_while(char::is_ascii_alphabetic)
        .collect::<String>()
        .to_ascii_lowercase();
    [
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
    ]
    .contains(&letters.as_str())
}

pub(super) fn lab_id(text: &str) -> Option<Range<usize>> {
    LAB_ID
        .find_iter(text)
        .find(|m| {
            !joined(text, m.range())
                && !after_product_word(text, m.start())
                && !starts_with_month(m.as_str())
        })
        .map(|m| m.range())
}

static DIGIT_RUN: LazyLock<Regex> = LazyLock::new(|| re(r"[0-9]{7,}"));

/// Verbs ending in "s" that may follow an id ("1234567 was relabeled").
const VERBS_IN_S: &[&str] = &["was", "is", "has", "does", "gets", "needs", "goes", "says"];

/// A bare run of seven or more digits that is not a count or an amount: not one group of a
/// number with separators (555-123-4567), not a round number ("1200000"), not followed by
/// a plural or a unit ("2500000 tests"), not money ("$1250000").
pub(super) fn long_number(text: &str) -> Option<Range<usize>> {
    let count = |range: &Range<usize>| {
        let run = &text[range.clone()];
        let round = run.ends_with("000");
        let money = text[..range.start].ends_with('$');
        let next = text[range.end..]
            .split_whitespace()
            .next()
            .map(|w| {
                w.trim_matches(|c: char| !c.is_alphanumeric())
                    .to_lowercase()
            })
            .unwrap_or_default();
        let plural = next.len() >= 3
            && next.ends_with('s')
            && next.chars().all(char::is_alphabetic)
            && !VERBS_IN_S.contains(&next.as_str());
        round || money || plural
    };
    DIGIT_RUN
        .find_iter(text)
        .map(|m| m.range())
        .find(|r| !joined(text, r.clone()) && !count(r) && !after_product_word(text, r.start))
}

// ---------------------------------------------------------------------------------------------
// Age, sex and diagnosis.

/// "72 yo male", "72-year-old woman", "3 y/o boy": an age and a sex in a clinical style.
static AGE_YO_SEX: LazyLock<Regex> = LazyLock::new(|| {
    re(concat!(
        r"(?i)\b\d{1,3}\s?-?\s?(?:yo|y/o|y\.\s?o\.?|yrs?\.?[\s\-]?old|years?[\s\-]old|yoa)",
        r"\s*-?\s*(?:m|f|male|female|man|woman|boy|girl|gentleman|gent|lady|pt|patient)\b",
    ))
});

/// "72 yo", "40 years old": an age, about a patient only next to a diagnosis.
static AGE_YO: LazyLock<Regex> = LazyLock::new(|| {
    re(r"(?i)\b\d{1,3}\s?-?\s?(?:yo|y/o|y\.\s?o\b\.?|yrs?\.?[\s\-]?old|years?[\s\-]old)\b")
});

/// "54F", "54 M", "54f", "60 male": an age and a sex in a compact form.
static AGE_SEX_COMPACT: LazyLock<Regex> =
    LazyLock::new(|| re(r"\b\d{1,3}\s?(?:[MF]|[mf]\b|(?i:male|female|man|woman|boy|girl))\b"));

/// Words that make "40F" a temperature.
static TEMPERATURE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)°|\b(?:fridge|freezer|refrigerator|temps?|temperature|degrees?|incubator|oven|water\s*bath|weather|outside|cold|hot|heat)\b",
    )
});

/// An age with a sex next to a diagnosis: "54F HIV positive", "72 yo male with sepsis".
pub(super) fn age_with_diagnosis(text: &str) -> Option<Range<usize>> {
    if let Some(range) = first(&AGE_YO_SEX, text) {
        return Some(range);
    }
    if !clinical_context(text) {
        return None;
    }
    first(&AGE_YO, text).or_else(|| {
        if TEMPERATURE.is_match(text) {
            return None;
        }
        AGE_SEX_COMPACT
            .find_iter(text)
            .find(|m| {
                let age: String = m
                    .as_str()
                    .chars()
                    .take_while(char::is_ascii_digit)
                    .collect();
                age.parse::<u32>().is_ok_and(|a| a <= 120)
            })
            .map(|m| m.range())
    })
}

// ---------------------------------------------------------------------------------------------
// Contact details.

static EMAIL: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?i)\b[a-z0-9._%+\-]+@[a-z0-9\-]+(?:\.[a-z0-9\-]+)*\.[a-z]{2,}\b"));

/// An e-mail address in a text about a patient or a diagnosis.
pub(super) fn email(text: &str) -> Option<Range<usize>> {
    let range = first(&EMAIL, text)?;
    (patient_context(text) || clinical_context(text)).then_some(range)
}

static PHONE: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?:\+?1[\s.\-]?)?(?:\(\d{3}\)\s?|\b\d{3}[\s.\-])\d{3}[\s.\-]\d{4}\b"));

/// A phone number in a text about a patient, their family or a diagnosis ("pt's daughter
/// called from 555-867-5309"); "call me at 555-123-4567" passes.
pub(super) fn phone(text: &str) -> Option<Range<usize>> {
    let range = first(&PHONE, text)?;
    (patient_context(text) || clinical_context(text)).then_some(range)
}

/// "42 Elm St", "1600 N. Oak Avenue Apt 4": a number, one to three words (the first
/// capitalised unless the street word is spelled out) and a street word.
static STREET: LazyLock<Regex> = LazyLock::new(|| {
    let unit = r"(?:,?\s*(?i:apt|apartment|unit|suite|ste|#)\.?\s*#?\s*[A-Za-z0-9\-]+)?";
    let short = r"(?i:st|ave|rd|blvd|dr|ln|ct|pl|ter|cir|hwy|pkwy|trl|way)\b\.?";
    let long = r"(?i:street|avenue|road|boulevard|drive|lane|court|place|terrace|circle|highway|parkway|trail)\b";
    re(&format!(
        r"\b\d{{1,6}}\s+(?:(?i:[nsew])\.?\s+)?(?:(?:[A-Z0-9][\w'\-]*\.?\s+(?:[A-Za-z][\w'\-]*\.?\s+){{0,2}}{short})|(?:(?:[A-Za-z0-9][\w'\-]*\.?\s+){{1,3}}{long})){unit}|(?i:\bp\.?\s?o\.?\s+box\s+\d+)"
    ))
});

/// Words before an address that make it someone's home.
static RESIDENCE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)\b(?:lives?|living|lived|resides?|residing|residence|home|address|addr|moved\s+to|house)\b",
    )
});

/// A street address after words about a patient or where someone lives ("pt lives at 42
/// Elm St"); a meetup "at 450 Main St" passes.
pub(super) fn street_address(text: &str) -> Option<Range<usize>> {
    STREET.find_iter(text).map(|m| m.range()).find(|r| {
        let before = &text[..r.start];
        RESIDENCE.is_match(before) || patient_context(before)
    })
}
