use proptest::prelude::*;

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
        "FIN 22113344",
    ] {
        assert_eq!(kind(note), Some(PhiKind::MedicalRecordNumber), "{note}");
    }
}

#[test]
fn a_bare_run_of_seven_or_more_digits_is_treated_as_a_record_number_unless_it_counts() {
    for note in ["redraw for 1234567 please", "5551234567", "id 00012345678."] {
        assert_eq!(kind(note), Some(PhiKind::MedicalRecordNumber), "{note}");
    }
    for note in [
        "1200000 tests",
        "2345678 tubes a year",
        "$1250000 budget",
        "lot 1234567",
    ] {
        assert_eq!(kind(note), None, "{note}");
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
        "specimen 2024-0001234",
        "case #4521 took forever",
    ] {
        assert_eq!(kind(note), Some(PhiKind::AccessionNumber), "{note}");
    }
}

#[test]
fn lab_style_ids_are_refused_even_without_a_label_but_not_after_lot() {
    for note in [
        "S23-12345 needs a recut",
        "SP-2024-001234",
        "ch24-123456",
        "24-CH-118233",
    ] {
        assert_eq!(kind(note), Some(PhiKind::AccessionNumber), "{note}");
    }
    for note in [
        "lot R23-00412 failed QC",
        "reagent lot # S23-12345",
        "XN-1000 is down",
    ] {
        assert_eq!(kind(note), None, "{note}");
    }
}

#[test]
fn social_security_numbers_are_refused() {
    for note in [
        "SSN 123-45-6789",
        "ssn: 123456789",
        "123-45-6789 on the req",
    ] {
        assert_eq!(kind(note), Some(PhiKind::SocialSecurityNumber), "{note}");
    }
}

#[test]
fn labelled_dates_of_birth_are_refused_in_any_form() {
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
        "birthday is 7/4/62",
        "DOB: July 4, 1962",
    ] {
        assert_eq!(kind(note), Some(PhiKind::DateOfBirth), "{note}");
    }
}

#[test]
fn full_dates_are_refused_only_when_their_year_reads_as_a_birth_year() {
    for note in [
        "1/2/1980",
        "seen 01-02-1980",
        "1980-01-02",
        "on 12/31/1900",
        "7/4/62",
    ] {
        assert_eq!(kind(note), Some(PhiKind::DateOfBirth), "{note}");
    }
    for note in [
        "back on 12/5",
        "12/24/2026",
        "BOC exam on 3/15/2027",
        "3/4/1899",
        "due 1/31/27",
        "version 1.2.62",
        "Jen's birthday 12/5",
    ] {
        assert_eq!(kind(note), None, "{note}");
    }
}

#[test]
fn patient_names_are_refused_in_any_case() {
    for note in [
        "patient John Smith kept calling",
        "pt Garcia pulled her line",
        "pt garcia pulled her line",
        "Patient: Mary",
        "PT. Nguyen was lovely",
        "the patient name: O'Brien",
        "the patient was Angela",
        "patient maria lopez",
        "the patient's name was Doe",
        "Sarah Johnson is HIV positive",
        "Mrs. Garcia was diagnosed today",
        "baby girl Garcia, bili 18",
        "the band read HERNANDEZ CARLOS",
    ] {
        assert_eq!(kind(note), Some(PhiKind::PatientName), "{note}");
    }
}

#[test]
fn talk_about_patients_and_coworkers_without_names_is_allowed() {
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
        "the patient will need a redraw",
        "Ms. Lee covered",
        "Mr. Coffee is broken",
        "Mr. Jones yelled at me",
        "Dr. Sarah Kim talked about sepsis",
    ] {
        assert_eq!(kind(note), None, "{note}");
    }
}

#[test]
fn an_age_with_a_sex_next_to_a_diagnosis_is_refused_but_a_fridge_at_40f_is_not() {
    for note in ["54F HIV positive", "72 yo male with sepsis", "a 3 y/o boy"] {
        assert_eq!(kind(note), Some(PhiKind::AgeWithDiagnosis), "{note}");
    }
    for note in ["fridge at 40F", "54F", "40 years old and tired"] {
        assert_eq!(kind(note), None, "{note}");
    }
}

#[test]
fn contact_details_are_refused_only_when_tied_to_a_patient() {
    assert_eq!(
        kind("pt emailed a@b.org for biopsy results"),
        Some(PhiKind::Email)
    );
    assert_eq!(kind("pt's mom called 555-123-4567"), Some(PhiKind::Phone));
    assert_eq!(kind("pt lives at 42 Elm St"), Some(PhiKind::StreetAddress));
    for note in [
        "Call me at 555-123-4567",
        "Call me at (555) 123-4567 or 555.123.4567",
        "meet at 450 Main St, 6pm",
        "questions: organizer@example.org",
    ] {
        assert_eq!(kind(note), None, "{note}");
    }
}

#[test]
fn ordinary_burnout_notes_are_allowed() {
    for note in [
        "Short staffed again, 3 techs for 40 tubes",
        "Worked a double, feeling tired",
        "Night shift 7p-7a was rough",
        "We ran 250 CBCs today",
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
fn the_refusal_names_the_field_the_kind_and_quotes_the_matched_part() {
    let refusal = guard("note", "rough day, birthday is 7/4/62 on the req").unwrap_err();
    assert_eq!(refusal.finding.kind, PhiKind::DateOfBirth);
    assert_eq!(
        refusal.to_string(),
        "That note has something that looks like a date of birth (\"birthday is 7/4/62\"). \
         Please leave patient details out: this bot is not a place for protected health \
         information. Nothing was saved."
    );
    assert!(guard("description", "Histo night at the brewpub").is_ok());
}

#[test]
fn the_quoted_part_is_on_one_line_short_and_keeps_its_quotes_readable() {
    let text = format!("patient \"John\nSmith\" {}", "x".repeat(10));
    let finding = check(&text).expect("a name");
    let quoted = finding.quoted(&text);
    assert!(!quoted.contains('\n') && !quoted.contains('"'), "{quoted}");
    let long = format!("MRN {}", "1".repeat(200));
    let quoted = check(&long).expect("an MRN").quoted(&long);
    assert!(
        quoted.chars().count() <= 61 && quoted.ends_with('…'),
        "{quoted}"
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn the_guard_never_panics_on_any_unicode(text in any::<String>()) {
        if let Some(finding) = check(&text) {
            prop_assert!(text.get(finding.span.clone()).is_some());
            let _ = finding.quoted(&text);
        }
    }

    #[test]
    fn the_guard_never_panics_on_10_kb_lines(
        piece in "[ -~\u{a0}-\u{2fff}]{0,40}",
        repeat in 1usize..300,
    ) {
        let line: String = piece.repeat(repeat).chars().take(10_000).collect();
        let _ = guard("note", &line);
    }
}
