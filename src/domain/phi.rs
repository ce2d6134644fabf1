//! A guard against protected health information (PHI) in members' notes.
//!
//! Clinical-lab staff handle patient data all day; a wellbeing note must not carry any of it.
//! [`looks_like_patient_info`] is a cautious pattern check, not a classifier: it looks for the
//! identifiers a lab note is most likely to leak (medical record numbers, accession numbers,
//! dates of birth and patient names) and prefers a rare false alarm to letting one through.
//! Ordinary talk about the job ("3 techs for 40 tubes", "the patient was rude") passes.

use std::sync::LazyLock;

use regex::Regex;

/// The kind of patient information a note seems to contain.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PhiKind {
    /// A medical record number, or any long bare run of digits that could be one.
    MedicalRecordNumber,
    /// An accession, specimen or case number ("S23-12345").
    AccessionNumber,
    /// A date of birth, or a full date that could be one.
    DateOfBirth,
    /// A patient's name ("patient John Smith", "Mrs. Garcia").
    PatientName,
}

impl PhiKind {
    /// A short, kind sentence telling the member why the note was refused.
    pub fn explanation(self) -> &'static str {
        match self {
            Self::MedicalRecordNumber => {
                "That note looks like it contains a medical record number. Please leave patient \
                 details out: this bot is not a place for protected health information."
            }
            Self::AccessionNumber => {
                "That note looks like it contains an accession or specimen number. Please leave \
                 patient details out: this bot is not a place for protected health information."
            }
            Self::DateOfBirth => {
                "That note looks like it contains a date of birth. Please leave patient details \
                 out: this bot is not a place for protected health information."
            }
            Self::PatientName => {
                "That note looks like it contains a patient's name. Please leave patient details \
                 out: this bot is not a place for protected health information."
            }
        }
    }
}

/// Says whether `note` looks like it contains protected health information, and which kind.
///
/// Labelled identifiers are checked first ("DOB 3/4/1975", "MRN 1234567", "accession
/// S23-12345"), then patient names, then bare shapes that are identifiers on their own: lab-style
/// ids, full dates with a four-digit year from 1900 to 2029, and runs of seven or more digits
/// (a phone number written with separators, like 555-123-4567, is not such a run).
pub fn looks_like_patient_info(note: &str) -> Option<PhiKind> {
    if DOB_LABELLED.is_match(note) || BORN_ON.is_match(note) {
        return Some(PhiKind::DateOfBirth);
    }
    if MRN_LABELLED.is_match(note) {
        return Some(PhiKind::MedicalRecordNumber);
    }
    if ACCESSION_LABELLED.is_match(note) {
        return Some(PhiKind::AccessionNumber);
    }
    if has_patient_name(note) {
        return Some(PhiKind::PatientName);
    }
    if LAB_ID.is_match(note) {
        return Some(PhiKind::AccessionNumber);
    }
    if FULL_DATE.is_match(note) {
        return Some(PhiKind::DateOfBirth);
    }
    if has_long_digit_run(note) {
        return Some(PhiKind::MedicalRecordNumber);
    }
    None
}

/// Month names and their usual abbreviations, as a regex group.
const MONTH: &str = concat!(
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?",
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\b",
);

/// Separators people type between a label and its value: spaces, colons, hashes, dots, dashes.
const SEP: &str = r"[\s:#.\-]*";

/// "DOB", "D.O.B.", "date of birth" or "birthdate", then a digit or a month name.
static DOB_LABELLED: LazyLock<Regex> = LazyLock::new(|| {
    let label = r"(?:\bdob\b|\bd\.\s*o\.\s*b\b|\bdate\s+of\s+birth\b|\bbirth\s*date\b)";
    let pattern = format!(r"(?i){label}{SEP}(?:(?:is|was)\s+)?(?:\d|{MONTH})");
    Regex::new(&pattern).expect("the pattern is valid")
});

/// "born" or "born on", then a date (with or without its year).
static BORN_ON: LazyLock<Regex> = LazyLock::new(|| {
    let numeric = r"\d{1,2}[/.\-]\d{1,2}(?:[/.\-]\d{2,4})?\b|\d{4}-\d{1,2}-\d{1,2}\b";
    let month_first = format!(r"{MONTH}\.?\s+\d{{1,2}}(?:st|nd|rd|th)?\b");
    let day_first = format!(r"\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{MONTH}");
    let pattern = format!(r"(?i)\bborn(?:\s+on)?[\s:,]+(?:{numeric}|{month_first}|{day_first})");
    Regex::new(&pattern).expect("the pattern is valid")
});

/// "MRN", "medical record", "med rec" or "record #/no/number", then (optionally a letter and)
/// three or more digits.
static MRN_LABELLED: LazyLock<Regex> = LazyLock::new(|| {
    let label =
        r"(?:\bmrn|\bmedical\s+records?\b|\bmed\.?\s*recs?\b|\brecord\s*(?:#|no\b|num\b|number\b))";
    let words = r"(?:#|no\b|num\b|number\b|is\b)";
    let pattern = format!(r"(?i){label}(?:{SEP}{words})*{SEP}[a-z]?\d{{3,}}");
    Regex::new(&pattern).expect("the pattern is valid")
});

/// "accession", "acc #/no", "specimen #/id/no" or "case #/no", then an id with three or more
/// digits.
static ACCESSION_LABELLED: LazyLock<Regex> = LazyLock::new(|| {
    let number = r"(?:#|no\b|num\b|number\b|id\b)";
    let label = [
        format!(r"\baccession(?:\s*{number})?"),
        r"\bacc\s*(?:#|no\b|num\b|number\b)".to_owned(),
        format!(r"\bspecimen\s*{number}"),
        r"\bcase\s*(?:#|no\b|number\b)".to_owned(),
    ]
    .join("|");
    let id = r"(?:[a-z]{0,3}-?\d{2,4}-\d{3,}|[a-z]{0,3}-?\d{3,})";
    let pattern = format!(r"(?i)(?:{label}){SEP}(?:is\s+)?{id}");
    Regex::new(&pattern).expect("the pattern is valid")
});

/// A lab-style id: 1-3 letters, an optional dash, 2-4 digits, a dash and 3+ digits.
static LAB_ID: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b[a-z]{1,3}-?\d{2,4}-\d{3,}\b").expect("the pattern is valid")
});

/// A full numeric date with a four-digit year from 1900 to 2029, either way round.
static FULL_DATE: LazyLock<Regex> = LazyLock::new(|| {
    let year = r"(?:19\d{2}|20[0-2]\d)";
    let pattern = format!(
        r"\b(?:\d{{1,2}}[/.\-]\d{{1,2}}[/.\-]{year}|{year}[/.\-]\d{{1,2}}[/.\-]\d{{1,2}})\b"
    );
    Regex::new(&pattern).expect("the pattern is valid")
});

/// A run of seven or more ASCII digits.
static DIGIT_RUN: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"[0-9]{7,}").expect("the pattern is valid"));

/// "patient"/"pt" (any case), maybe "name"/"is"/"was" and a colon, then a capitalised word.
static PATIENT_THEN_WORD: LazyLock<Regex> = LazyLock::new(|| {
    let word = r"(\p{Lu}[\p{L}'’\-]*)";
    let pattern =
        format!(r"\b(?i:patient|pt)\b\.?(?:\s+(?i:name|named|is|was)\b)?\s*[:,\-]?\s*{word}");
    Regex::new(&pattern).expect("the pattern is valid")
});

/// "Mr", "Mrs" or "Ms" (with or without the dot, not in capitals), then a capitalised word.
static TITLE_THEN_WORD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\b[Mm](?:rs|r|s)\b\.?\s+(\p{Lu}[\p{L}'’\-]*)").expect("the pattern is valid")
});

/// Capitalised words that often follow "patient" or "pt" without being a name: sentence
/// starters, job and department words, and lab tests ("PT INR" is prothrombin time). Lower
/// case, separated by spaces.
const NOT_A_NAME: &str = concat!(
    // Sentence starters and small words.
    "a after all also an and any anyway are as at because before both but by can could did do ",
    "does during each even every everyone for from had has have he her here him his how however ",
    "i if in is it its just later like maybe me meanwhile my no nobody not now of ok okay on ",
    "one or our she so some someone still that the their them then there these they this those ",
    "though to too ugh was we well were what when where which while who why will with would yes ",
    "yet you your ",
    // Days, months and times.
    "today tonight tomorrow yesterday monday tuesday wednesday thursday friday saturday sunday ",
    "january february march april may june july august september october november december am ",
    "pm ",
    // Hospital and job words that follow "patient" in titles and systems.
    "access accounts advocate advocacy appointment appointments area bathroom bed beds billing ",
    "care center centered charts check communication complaint complaints count days ",
    "demographics ed er experience family financial first floor flow history icu id ids ",
    "identification identifiers info information intake label labels list lists load nicu note ",
    "notes or portal record records registration relations reports room rooms safety ",
    "satisfaction scheduling services session sessions side stickers tech techs transport ",
    "volume volumes wristband wristbands zero ",
    // Lab words ("PT" also means prothrombin time).
    "aptt blood control controls draw draws fibrinogen inr lab labs mix mixing panel ptt qc ",
    "reagent reagents result results sample samples specimen specimens test testing tests time ",
    "times tube tubes ",
);

/// Whether a capitalised word after "patient", "pt" or a title is likely a name.
fn is_probably_a_name(word: &str) -> bool {
    let word = word.trim_end_matches(['\'', '’', '-']);
    let word = word
        .strip_suffix("'s")
        .or_else(|| word.strip_suffix("’s"))
        .unwrap_or(word);
    if word.chars().count() < 2 {
        return false;
    }
    let lower = word.to_lowercase();
    !NOT_A_NAME.split_whitespace().any(|common| common == lower)
}

/// Whether the note names a patient, judged on the note's original capitalisation.
fn has_patient_name(note: &str) -> bool {
    [&*PATIENT_THEN_WORD, &*TITLE_THEN_WORD]
        .iter()
        .any(|pattern| {
            pattern
                .captures_iter(note)
                .filter_map(|captures| captures.get(1))
                .any(|word| is_probably_a_name(word.as_str()))
        })
}

/// Whether the note has a bare run of seven or more digits that is not one group of a number
/// written with separators (a phone number like 555-123-4567 or 555.1234567).
fn has_long_digit_run(note: &str) -> bool {
    let bytes = note.as_bytes();
    let is_separator = |b: u8| b == b'-' || b == b'.';
    DIGIT_RUN.find_iter(note).any(|run| {
        let (start, end) = (run.start(), run.end());
        let joined_before =
            start >= 2 && is_separator(bytes[start - 1]) && bytes[start - 2].is_ascii_digit();
        let joined_after =
            end + 1 < bytes.len() && is_separator(bytes[end]) && bytes[end + 1].is_ascii_digit();
        !joined_before && !joined_after
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind(note: &str) -> Option<PhiKind> {
        looks_like_patient_info(note)
    }

    #[test]
    fn labelled_medical_record_numbers_are_refused() {
        for note in [
            "MRN 1234567 was mislabeled",
            "mrn: 00451",
            "MRN#88213",
            "the medical record number is 4455667",
            "Medical record: 123456",
            "med rec 778899 again",
            "Med. rec # A12345",
            "record # 5521",
            "record no. 99812 kept clotting",
        ] {
            assert_eq!(kind(note), Some(PhiKind::MedicalRecordNumber), "{note}");
        }
    }

    #[test]
    fn a_bare_run_of_seven_or_more_digits_is_treated_as_a_record_number() {
        for note in ["redraw for 1234567 please", "5551234567", "id 00012345678."] {
            assert_eq!(kind(note), Some(PhiKind::MedicalRecordNumber), "{note}");
        }
    }

    #[test]
    fn labelled_accession_numbers_are_refused() {
        for note in [
            "accession 24-123456 was hemolyzed",
            "Accession number: 98765",
            "acc # 55123",
            "ACC NO 12345",
            "specimen # 4412",
            "Specimen ID SP-2024-001234 lost",
            "specimen no. 8812",
            "case #4521 took forever",
        ] {
            assert_eq!(kind(note), Some(PhiKind::AccessionNumber), "{note}");
        }
    }

    #[test]
    fn lab_style_ids_are_refused_even_without_a_label() {
        for note in [
            "S23-12345 needs a recut",
            "SP-2024-001234",
            "ch24-123456",
            "M23-4567 ok",
        ] {
            assert_eq!(kind(note), Some(PhiKind::AccessionNumber), "{note}");
        }
    }

    #[test]
    fn labelled_dates_of_birth_are_refused() {
        for note in [
            "DOB 3/4/75 did not match",
            "dob: 1980-01-02",
            "D.O.B. 12/5",
            "d.o.b 4-5-60",
            "date of birth was March 3",
            "Date of birth: 01/02/1980",
            "birthdate 7.8.91",
            "born on 3/4/1975",
            "born 03/04/75",
            "she was born on May 5th",
            "born 12 March",
        ] {
            assert_eq!(kind(note), Some(PhiKind::DateOfBirth), "{note}");
        }
    }

    #[test]
    fn full_dates_with_a_four_digit_year_are_refused() {
        for note in [
            "1/2/1980",
            "seen 01-02-1980",
            "1980-01-02",
            "on 12/31/1900",
            "5.6.2029",
        ] {
            assert_eq!(kind(note), Some(PhiKind::DateOfBirth), "{note}");
        }
    }

    #[test]
    fn dates_without_a_full_year_in_range_are_not_refused() {
        for note in [
            "back on 12/5",
            "1-2-80 was a while ago",
            "3/4/1899",
            "3/4/2030",
        ] {
            assert_eq!(kind(note), None, "{note}");
        }
    }

    #[test]
    fn patient_names_are_refused() {
        for note in [
            "patient John Smith kept calling",
            "pt Garcia pulled her line",
            "Patient: Mary",
            "PT. Nguyen was lovely",
            "the patient name: O'Brien",
            "the patient was Angela",
            "Mr. Jones yelled at me",
            "mrs Patel",
            "Ms Álvarez thanked us",
        ] {
            assert_eq!(kind(note), Some(PhiKind::PatientName), "{note}");
        }
    }

    #[test]
    fn talk_about_patients_without_names_is_allowed() {
        for note in [
            "the patient was rude",
            "patients were kind today",
            "a pt yelled",
            "Patient ID scanners broke again",
            "PT INR reagent lot failed QC",
            "PT/PTT backlog all night",
            "pt. Then I went home",
            "Patient Safety Week starts Monday",
            "MS Teams is down again",
            "patient X was fine",
        ] {
            assert_eq!(kind(note), None, "{note}");
        }
    }

    #[test]
    fn ordinary_burnout_notes_are_allowed() {
        for note in [
            "Short staffed again, 3 techs for 40 tubes",
            "Worked a double, feeling tired",
            "Patient ID scanners broke again",
            "Night shift 7p-7a was rough",
            "We ran 250 CBCs today",
            "Call me at 555-123-4567",
            "Call me at (555) 123-4567 or 555.123.4567",
            "Accessioned 300 specimens before lunch",
            "specimen #3 was hemolyzed",
            "Set a record number of tubes today",
            "DOB mismatch on labels again",
            "Back on 12/5, off until 12/9",
            "Medical records called twice",
            "Proud of my team, we hit a 45 minute TAT",
            "",
        ] {
            assert_eq!(kind(note), None, "{note}");
        }
    }

    #[test]
    fn each_kind_explains_itself_kindly_and_names_what_it_found() {
        let cases = [
            (PhiKind::MedicalRecordNumber, "a medical record number"),
            (PhiKind::AccessionNumber, "an accession or specimen number"),
            (PhiKind::DateOfBirth, "a date of birth"),
            (PhiKind::PatientName, "a patient's name"),
        ];
        for (kind, what) in cases {
            let text = kind.explanation();
            assert!(
                text.starts_with("That note looks like it contains "),
                "{text}"
            );
            assert!(text.contains(what), "{text}");
            assert!(text.contains("Please leave patient details out"), "{text}");
            assert!(
                !text.contains("  "),
                "no double spaces from line breaks: {text}"
            );
        }
    }

    #[test]
    fn the_medical_record_number_explanation_reads_as_intended() {
        assert_eq!(
            PhiKind::MedicalRecordNumber.explanation(),
            "That note looks like it contains a medical record number. Please leave patient \
             details out: this bot is not a place for protected health information."
        );
    }

    #[test]
    fn labelled_identifiers_win_over_bare_shapes() {
        assert_eq!(
            kind("DOB 01/02/1980, MRN 1234567"),
            Some(PhiKind::DateOfBirth)
        );
        assert_eq!(
            kind("MRN 1234567 on 01/02/1980"),
            Some(PhiKind::MedicalRecordNumber)
        );
    }
}
