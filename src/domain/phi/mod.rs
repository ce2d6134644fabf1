//! A guard against protected health information (PHI) in what members write for others or keep.
//!
//! Clinical-lab staff handle patient data all day; a wellbeing note, a meetup's title or
//! description, a directory suggestion's note (and any later free text others read) must not
//! carry any of it. [`guard`] is the one call for a field: it refuses the text with a message
//! that quotes the part that looked like patient information, so the writer can fix it. The
//! message is for the writer alone: callers show it privately and never store or log it.
//!
//! [`check`] is a cautious pattern check, not a classifier. It looks for the identifiers a lab
//! note is most likely to leak and prefers a rare false alarm to letting one through:
//!
//! - labelled identifiers: "DOB 7/4/62", "SSN 123-45-6789", "MRN 1234567", "specimen
//!   2024-0001234", "accession S23-12345" (a label and a number with four or more digits);
//! - identifier shapes on their own: social security numbers, lab-style ids ("24-CH-118233",
//!   "S23-12345"; not after "lot", "catalog", "serial" and the like), long runs of digits that
//!   are not counts ("1200000 tests" is a count), and full dates whose year makes them a
//!   birth date rather than a shift or an exam (before 2010, or a two-digit year from 30);
//! - names in a patient context, in any case: "patient maria lopez", "the patient's name was
//!   Doe", "Sarah Johnson ... HIV positive", "Mrs. Garcia ... diagnosed". Given names and
//!   surnames come from the US Census 1990 lists in `data/` (public domain); a title or a
//!   first name alone ("Ms. Lee covered", "Mr. Coffee", "Jen covered") is not enough;
//! - an age with a sex next to a diagnosis ("54F HIV positive", "72 yo male with sepsis");
//! - contact details tied to a patient: an e-mail address, a phone number or a street
//!   address in a note that speaks of a patient, a diagnosis or where someone lives. A
//!   meetup's "call me at 555-123-4567" or "at 450 Main St" passes.
//!
//! Ordinary talk about the job passes: shift and exam dates ("12/24/2026"), instruments
//! ("XN-1000", "cobas 8000"), reagent lots ("lot R23-00412"), test names (CBC, PT/INR),
//! coworkers' first names and counts ("3 techs for 40 tubes", "the patient was rude").

mod names;
mod rules;

#[cfg(test)]
mod corpus;
#[cfg(test)]
mod held_out;
#[cfg(test)]
mod tests;

use std::fmt;
use std::ops::Range;

/// The kind of patient information a text seems to contain.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PhiKind {
    /// A social security number ("123-45-6789", "SSN 123456789").
    SocialSecurityNumber,
    /// A medical record, account or encounter number, or a long bare run of digits.
    MedicalRecordNumber,
    /// An accession, specimen, sample or case number ("S23-12345", "24-CH-118233").
    AccessionNumber,
    /// A date of birth, or a full date that could be one.
    DateOfBirth,
    /// A patient's name ("patient John Smith", "Sarah Johnson ... HIV positive").
    PatientName,
    /// An age and a sex next to a diagnosis ("54F HIV positive").
    AgeWithDiagnosis,
    /// An e-mail address in a note about a patient.
    Email,
    /// A phone number in a note about a patient.
    Phone,
    /// A street address in a note about a patient or where someone lives.
    StreetAddress,
}

impl PhiKind {
    /// What the text seemed to contain, for "looks like {what}".
    pub fn what(self) -> &'static str {
        match self {
            Self::SocialSecurityNumber => "a social security number",
            Self::MedicalRecordNumber => "a medical record number",
            Self::AccessionNumber => "an accession or specimen number",
            Self::DateOfBirth => "a date of birth",
            Self::PatientName => "a patient's name",
            Self::AgeWithDiagnosis => "a patient's age and sex with a diagnosis",
            Self::Email => "a patient's e-mail address",
            Self::Phone => "a patient's phone number",
            Self::StreetAddress => "a patient's street address",
        }
    }
}

/// Where a text looked like patient information, and as what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PhiFinding {
    pub kind: PhiKind,
    /// Byte range of the matched part in the checked text (always on character boundaries).
    pub span: Range<usize>,
}

/// The longest quoted fragment, in characters; a longer match is cut with "…".
const MAX_QUOTED: usize = 60;

impl PhiFinding {
    /// The matched part of `text` (the text that was checked), as typed.
    pub fn fragment<'a>(&self, text: &'a str) -> &'a str {
        text.get(self.span.clone()).unwrap_or_default()
    }

    /// The matched part as it may be quoted back: on one line, at most 60 characters, with
    /// double quotes turned into single ones so the quotation reads as one.
    pub fn quoted(&self, text: &str) -> String {
        let one_line: String = self
            .fragment(text)
            .chars()
            .map(|c| match c {
                '"' => '\'',
                c if c.is_control() => ' ',
                c => c,
            })
            .collect();
        let one_line = one_line.trim();
        if one_line.chars().count() > MAX_QUOTED {
            let cut: String = one_line.chars().take(MAX_QUOTED).collect();
            format!("{}…", cut.trim_end())
        } else {
            one_line.to_owned()
        }
    }
}

/// A refused text: which field, what was found and where. Its `Display` is the message for
/// the writer (private: it quotes what they typed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PhiRefusal {
    /// The field as the writer knows it: "note", "description", "title", "reason".
    pub field: String,
    pub finding: PhiFinding,
    quoted: String,
}

impl PhiRefusal {
    /// `That note has something that looks like a date of birth ("7/4/62"). Please leave
    /// patient details out: this bot is not a place for protected health information.`
    pub fn explanation(&self) -> String {
        format!(
            "That {} has something that looks like {} (\"{}\"). Please leave patient details \
             out: this bot is not a place for protected health information.",
            self.field,
            self.finding.kind.what(),
            self.quoted
        )
    }
}

impl fmt::Display for PhiRefusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} Nothing was saved.", self.explanation())
    }
}

impl std::error::Error for PhiRefusal {}

/// The guard for one free-text field that is stored or shown to others: `Ok` when `text` has
/// nothing that looks like patient information, else the refusal to show (privately) to the
/// writer. `field` names the field in the message ("note", "description", "tip").
pub fn guard(field: &str, text: &str) -> Result<(), PhiRefusal> {
    match check(text) {
        None => Ok(()),
        Some(finding) => Err(PhiRefusal {
            field: field.to_owned(),
            quoted: finding.quoted(text),
            finding,
        }),
    }
}

/// Where `text` looks like it contains protected health information, and which kind.
///
/// Labelled identifiers are checked first, then names and ages in a clinical context, then
/// contact details tied to a patient, then bare identifier shapes.
pub fn check(text: &str) -> Option<PhiFinding> {
    let found = |kind: PhiKind| move |span: Range<usize>| PhiFinding { kind, span };
    rules::ssn(text)
        .map(found(PhiKind::SocialSecurityNumber))
        .or_else(|| rules::labelled_birth_date(text).map(found(PhiKind::DateOfBirth)))
        .or_else(|| rules::labelled_record(text).map(found(PhiKind::MedicalRecordNumber)))
        .or_else(|| rules::labelled_accession(text).map(found(PhiKind::AccessionNumber)))
        .or_else(|| names::patient_name(text).map(found(PhiKind::PatientName)))
        .or_else(|| rules::age_with_diagnosis(text).map(found(PhiKind::AgeWithDiagnosis)))
        .or_else(|| rules::email(text).map(found(PhiKind::Email)))
        .or_else(|| rules::phone(text).map(found(PhiKind::Phone)))
        .or_else(|| rules::street_address(text).map(found(PhiKind::StreetAddress)))
        .or_else(|| rules::lab_id(text).map(found(PhiKind::AccessionNumber)))
        .or_else(|| rules::birth_date_shape(text).map(found(PhiKind::DateOfBirth)))
        .or_else(|| rules::long_number(text).map(found(PhiKind::MedicalRecordNumber)))
}

/// Says whether `note` looks like it contains protected health information, and which kind.
/// Kept for callers that need only the kind; [`guard`] gives the message.
pub fn looks_like_patient_info(note: &str) -> Option<PhiKind> {
    check(note).map(|finding| finding.kind)
}
