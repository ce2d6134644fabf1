//! The PHI guard's rules for patients' names, in any case.
//!
//! A name is recognised by its place ("patient Maria", "the patient's name was Doe"), or as a
//! given name and a surname in a text about a patient or a diagnosis ("Sarah Johnson 54F HIV
//! positive"), or as a title and a name next to a diagnosis ("Mrs. Garcia was diagnosed").
//! Written in lower case, a word counts as a name only when it is in the US Census 1990 lists
//! shipped in `data/given-names.txt` and `data/surnames.txt` (public domain) and is not an
//! everyday English word ("will", "young", "price").

use std::collections::HashSet;
use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;

use super::rules::{clinical_context, patient_context};

/// Lower-case words of a list file, without its `#` header lines.
fn word_list(file: &'static str) -> HashSet<&'static str> {
    file.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .collect()
}

static GIVEN_NAMES: LazyLock<HashSet<&'static str>> =
    LazyLock::new(|| word_list(include_str!("../../../data/given-names.txt")));

static SURNAMES: LazyLock<HashSet<&'static str>> =
    LazyLock::new(|| word_list(include_str!("../../../data/surnames.txt")));

/// Names in the lists that are everyday English words: in lower case they are read as words.
const ENGLISH: &str = concat!(
    "will may june april august mark bill art chase dawn joy hope rose faith grace guy jack pat ",
    "ray sue don gene rich frank chance crystal amber ivy iris holly ruby pearl penny autumn ",
    "sunny misty sandy candy sky summer major king young dale glen lane cliff rod bob carol ",
    "cherry earl norm herb chip buck drew sterling royal ward van eve rusty lucky rocky dusty ",
    "brook white brown green black gray grey long little short small hill wood woods price ",
    "ford cole west rice grant stone hunt berry fox day love page ball sharp cross bell cook ",
    "baker hall wells mills banks bush parks hart head bird sweet good strong wall walls bond ",
    "rush best key case gay justice battle cash church house english noble glass branch frost ",
    "moss rivers flowers waters powers fields stout hood gates clay snow hale lamb marsh knight ",
    "porter hunter fisher farmer potter sawyer carpenter weaver mason cooper tucker butler ",
    "walker barber chambers summers winters spring north south east son best golden bright ",
    "sparks beach craft moon bean miles wise hardy fuller case lynch lowe dean reed rice ",
    "early free freeman page bass pierce wade stark house sharp holder cotton booker hope ",
    "mercy patience harmony destiny trinity precious angel wolf steele irons ",
);

/// Capitalised words that follow "patient" or a title without being a name: sentence
/// starters, job and department words, and lab tests ("PT INR" is prothrombin time).
const NOT_A_NAME: &str = concat!(
    "a after all also an and any anyway are as at because before both but by can could did do ",
    "does during each even every everyone for from had has have he her here him his how however ",
    "i if in is it its just later like maybe me meanwhile my no nobody not now of ok okay on ",
    "one or our she so some someone still that the their them then there these they this those ",
    "though to too ugh was we well were what when where which while who why will with would yes ",
    "yet you your got get gets went came come comes said says told asked called refused needed ",
    "needs wanted kept left went stated states reported complained fell coded died ",
    "today tonight tomorrow yesterday monday tuesday wednesday thursday friday saturday sunday ",
    "january february march april may june july august september october november december am ",
    "pm ",
    "access accounts advocate advocacy appointment appointments area bathroom bed beds billing ",
    "care center centered charts check communication complaint complaints count days ",
    "demographics ed er experience family financial first floor flow history icu id ids ",
    "identification identifiers info information intake label labels list lists load nicu note ",
    "notes or portal record records registration relations reports room rooms safety ",
    "satisfaction scheduling services session sessions side stickers tech techs transport ",
    "volume volumes wristband wristbands zero week month day education portal privacy rights ",
    "aptt blood control controls draw draws fibrinogen inr lab labs mix mixing panel ptt qc ",
    "reagent reagents result results sample samples specimen specimens test testing tests time ",
    "times tube tubes bench station analyzer level levels value values ",
);

fn in_words(list: &str, word: &str) -> bool {
    list.split_whitespace().any(|w| w == word)
}

/// A word without a trailing possessive or dash: "Garcia's" → "Garcia".
fn bare(word: &str) -> &str {
    let word = word.trim_end_matches(['\'', '’', '-']);
    word.strip_suffix("'s")
        .or_else(|| word.strip_suffix("’s"))
        .unwrap_or(word)
}

fn is_lowercase(word: &str) -> bool {
    word.chars().all(|c| !c.is_uppercase())
}

fn is_capitalised(word: &str) -> bool {
    word.chars().next().is_some_and(char::is_uppercase)
}

/// An all-capitals word of up to four letters (INR, QC, HIV) is an abbreviation, not a name.
fn is_abbreviation(word: &str) -> bool {
    word.chars().count() <= 4 && word.chars().all(|c| !c.is_lowercase())
}

/// Whether a word in a name's place reads as a name.
///
/// Capitalised: any word that is not a sentence word, a job word or an abbreviation (unless
/// the lists know it). Lower case: a listed given name or surname that is not an English word.
fn reads_as_name(word: &str) -> bool {
    let word = bare(word);
    if word.chars().count() < 2 {
        return false;
    }
    let lower = word.to_lowercase();
    if in_words(NOT_A_NAME, &lower) {
        return false;
    }
    let listed = GIVEN_NAMES.contains(lower.as_str()) || SURNAMES.contains(lower.as_str());
    if is_lowercase(word) {
        return listed && !in_words(ENGLISH, &lower);
    }
    if is_abbreviation(word) {
        return listed && !in_words(ENGLISH, &lower);
    }
    is_capitalised(word)
}

/// Whether a word is a listed given name (an English word only when capitalised).
fn is_given_name(word: &str) -> bool {
    let word = bare(word);
    let lower = word.to_lowercase();
    GIVEN_NAMES.contains(lower.as_str())
        && !in_words(NOT_A_NAME, &lower)
        && (!is_lowercase(word) || !in_words(ENGLISH, &lower))
}

/// "patient"/"pt", maybe "'s", maybe "name"/"named"/"called" (the label), maybe "is"/"was",
/// a colon or a comma, then one or two words.
static AFTER_PATIENT: LazyLock<Regex> = LazyLock::new(|| {
    let word = r"(\p{L}[\p{L}'’\-]*)";
    Regex::new(&format!(
        r"\b(?i:patient|pt)(?:['’]s)?\b\.?(?:\s+(?i:(name|named|called|surname|last\s+name|first\s+name))\b)?(?:\s+(?i:is|was)\b)?\s*[:,\-]?\s*{word}(?:\s+{word})?"
    ))
    .expect("the pattern is valid")
});

/// "his name was", "her name is", "named", "name:" (a patient or a diagnosis elsewhere).
static NAME_LABEL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)\b(?:(?:his|her|their)\s+(?:last\s+|first\s+)?name\s+(?:is|was)|named|name\s*:)\s*(\p{L}[\p{L}'’\-]*)",
    )
    .expect("the pattern is valid")
});

/// "Mr", "Mrs", "Ms", "Miss", "Mx" (any case), then a word.
static TITLE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\b(?i:mrs|mr|ms|miss|mx)\b\.?\s+(\p{L}[\p{L}'’\-]*)")
        .expect("the pattern is valid")
});

static WORD: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\p{L}[\p{L}'’\-]*").expect("the pattern is valid"));

/// Words before a name that make it a colleague's, and credentials after it.
const COLLEAGUE_BEFORE: &[&str] = &[
    "dr",
    "doctor",
    "prof",
    "professor",
    "nurse",
    "tech",
    "coworker",
    "co-worker",
    "manager",
    "supervisor",
    "lead",
    "director",
    "pathologist",
    "resident",
    "thanks",
    "thank",
];

/// A patient's name in the text, as the range from its cue (or first word) to its end.
pub(super) fn patient_name(text: &str) -> Option<Range<usize>> {
    after_patient(text)
        .or_else(|| labelled_name(text))
        .or_else(|| newborn(text))
        .or_else(|| label_name(text))
        .or_else(|| full_name(text))
        .or_else(|| titled_name(text))
}

/// "patient maria lopez", "Pt: Garcia", "the patient's name was Doe".
fn after_patient(text: &str) -> Option<Range<usize>> {
    AFTER_PATIENT.captures_iter(text).find_map(|c| {
        let whole = c.get(0)?;
        let first = c.get(2)?;
        let labelled = c.get(1).is_some();
        let named = if labelled {
            let lower = bare(first.as_str()).to_lowercase();
            lower.chars().count() >= 2 && !in_words(NOT_A_NAME, &lower)
        } else {
            reads_as_name(first.as_str())
        };
        if !named {
            return None;
        }
        let end = match c.get(3) {
            Some(second) if reads_as_name(second.as_str()) => second.end(),
            _ => first.end(),
        };
        Some(whole.start()..end)
    })
}

/// "her name was Doe" or "named Smith" in a text about a patient or a diagnosis.
fn labelled_name(text: &str) -> Option<Range<usize>> {
    if !patient_context(text) && !clinical_context(text) {
        return None;
    }
    NAME_LABEL.captures_iter(text).find_map(|c| {
        let word = c.get(1)?;
        let lower = bare(word.as_str()).to_lowercase();
        (lower.chars().count() >= 2 && !in_words(NOT_A_NAME, &lower))
            .then(|| c.get(0).map(|m| m.range()))?
    })
}

/// A given name then a surname ("Sarah Johnson", "maria lopez"), or a surname, a comma and a
/// given name ("LOPEZ, MARIA"), in a text about a patient or a diagnosis; not a colleague's
/// ("Dr. Sarah Kim").
fn full_name(text: &str) -> Option<Range<usize>> {
    if !patient_context(text) && !clinical_context(text) {
        return None;
    }
    let words: Vec<_> = WORD.find_iter(text).collect();
    words.windows(2).enumerate().find_map(|(i, pair)| {
        let (a, b) = (pair[0], pair[1]);
        let gap = &text[a.end()..b.start()];
        let spaced = !gap.is_empty() && gap.len() <= 2 && gap.trim().is_empty();
        let comma = gap.trim() == "," && gap.len() <= 3;
        let colleague = i > 0 && {
            let before = bare(words[i - 1].as_str()).to_lowercase();
            COLLEAGUE_BEFORE.contains(&before.as_str())
        };
        if colleague {
            return None;
        }
        let given_then_surname = spaced
            && is_given_name(a.as_str())
            && reads_as_name(b.as_str())
            && same_case_style(a.as_str(), b.as_str());
        let surname_comma_given = comma
            && is_given_name(b.as_str())
            && reads_as_name(a.as_str())
            && is_capitalised(a.as_str());
        (given_then_surname || surname_comma_given).then(|| a.start()..b.end())
    })
}

/// A listed name in capitals ("HERNANDEZ"), as labels print it.
fn is_label_name(word: &str, list: &HashSet<&'static str>) -> bool {
    let lower = word.to_lowercase();
    word.chars().count() >= 2
        && word.chars().all(|c| !c.is_lowercase())
        && list.contains(lower.as_str())
        && !in_words(ENGLISH, &lower)
        && !in_words(NOT_A_NAME, &lower)
}

/// "HERNANDEZ CARLOS": a listed surname then a listed given name, both in capitals, as labels
/// and wristbands print them. Strong enough without any other context.
fn label_name(text: &str) -> Option<Range<usize>> {
    let words: Vec<_> = WORD.find_iter(text).collect();
    words.windows(2).find_map(|pair| {
        let (a, b) = (pair[0], pair[1]);
        let gap = &text[a.end()..b.start()];
        let spaced = !gap.is_empty() && gap.len() <= 2 && gap.trim().is_empty();
        (spaced && is_label_name(a.as_str(), &SURNAMES) && is_label_name(b.as_str(), &GIVEN_NAMES))
            .then(|| a.start()..b.end())
    })
}

/// "baby boy Smith", "Baby Girl Garcia": how hospitals name a newborn.
static NEWBORN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\b(?i:baby\s+(?:boy|girl))\s+(\p{L}[\p{L}'’\-]*)").expect("the pattern is valid")
});

fn newborn(text: &str) -> Option<Range<usize>> {
    NEWBORN
        .captures_iter(text)
        .find_map(|c| reads_as_name(c.get(1)?.as_str()).then(|| c.get(0).map(|m| m.range()))?)
}

/// Both capitalised, or both lower case: "Sarah Johnson", "maria lopez", not "Maria covered".
fn same_case_style(a: &str, b: &str) -> bool {
    (is_capitalised(a) && is_capitalised(b)) || (is_lowercase(a) && is_lowercase(b))
}

/// "Mrs. Garcia" next to a diagnosis ("Ms. Lee covered" and "Mr. Coffee" pass).
fn titled_name(text: &str) -> Option<Range<usize>> {
    if !clinical_context(text) {
        return None;
    }
    TITLE.captures_iter(text).find_map(|c| {
        let word = c.get(1)?;
        reads_as_name(word.as_str()).then(|| c.get(0).map(|m| m.range()))?
    })
}
