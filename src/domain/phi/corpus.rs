//! A labelled corpus for the PHI guard: notes with patient information that must be refused,
//! and ordinary lab-life notes that must pass. The guard's rules are general (see `mod.rs`);
//! this corpus measures them. Run with `cargo test --lib phi::corpus -- --nocapture` to see
//! the rates.

use super::check;

/// Notes with patient information, written as lab staff might type them.
const PATIENT_INFO: &[&str] = &[
    // Names, in any case, with a clinical context.
    "patient maria lopez kept pulling her line",
    "Sarah Johnson 54F HIV positive, results called to floor",
    "the patient's name was Doe and he coded",
    "pt John Smith was so rude at draw station",
    "PATIENT ROBERT BROWN refused the redraw",
    "pt garcia pulled her IV again",
    "Patient: Nguyen, critical K called",
    "had to call the HIV result for james wilson to the ED",
    "LOPEZ, MARIA positive blood cultures x2",
    "Mrs. Garcia was diagnosed with leukemia today, I ran her smear",
    "Mr. Thompson's biopsy came back malignant",
    "her name was Linda and she was septic, so sad",
    "the patient named kowalski cried while I drew him",
    "patient Angela was so sweet even with her cancer dx",
    "karen miller on 4 west overdosed again",
    "pt. Patel's troponin was sky high",
    "patient was Jennifer, AML relapse, broke my heart",
    "Michael Davis in room 12 tested positive for syphilis",
    // Social security numbers.
    "SSN 123-45-6789 on the requisition",
    "someone wrote their ssn 123456789 on the tube",
    "Social security number: 321 54 9876 on the form",
    "the card had 078-05-1120 printed on it",
    "ss# 555-44-3333 visible on the label",
    "social security ending in 6789 was on the req",
    // Record, accession and specimen numbers.
    "MRN 1234567 was mislabeled",
    "mrn: 00451233 mismatch again",
    "accession 24-CH-118233 was hemolyzed",
    "24-CH-118233 needs a redraw",
    "specimen 2024-0001234 lost in the tube system",
    "S23-12345 needs a recut",
    "acc# 88213456 clotted",
    "Accession number: 98765 was QNS",
    "case # SP-2024-001234 took forever to sign out",
    "the FIN 22113344 was wrong on the wristband",
    "account number 88812345 billed twice",
    "encounter 5544332211 had two orders",
    "redraw for 7784512 please",
    "A12345678 was in the wrong rack",
    "specimen ID SP24-0042311 was missing a label",
    "req # 7722119 had no collection time",
    "block A1 from case 23-S-00412 needs levels",
    "sample 20241201337 was unlabeled",
    "chart number 4455661 flagged as duplicate",
    "M23-4567 ok to release",
    "tube # 99812345 broke in the centrifuge",
    // Dates of birth, every common format.
    "birthday is 7/4/62",
    "DOB 3/4/75 did not match the wristband",
    "born 04.07.1962 and still working",
    "DOB: July 4, 1962",
    "dob 1962-07-04 on the second label",
    "D.O.B. 12-05-1948 wrong on the req",
    "date of birth was 4th of July 1962",
    "born on 3/4/1975, two labels, two names",
    "Date of birth 04JUL1962",
    "born in 1948 and sharp as a tack, HIV positive for decades",
    "the label said 7/4/62 but the band said 7/4/63",
    "she had a birthday of 11/23/1957 on the order",
    "dob:19620704",
    "born March 3rd, 1951",
    "the order had 02/29/1988 as the date, wrong patient",
    // Age with sex and diagnosis.
    "54F HIV positive, viral load through the roof",
    "72 yo male with sepsis, lactate 8",
    "3 y/o girl with leukemia, hardest smear I've read",
    "45 year old woman, newly diagnosed diabetes",
    "68M s/p MI, troponins trending",
    "19-year-old male, overdose, tox screen positive",
    // E-mail, phone, street address.
    "pt emailed jdoe1962@gmail.com asking for biopsy results",
    "her daughter called from 555-867-5309 about the positive test",
    "patient lives at 42 Elm Street, Springfield",
    "the pt's home address is 1600 N Oak Ave Apt 4",
    "patient's wife wants results sent to maria.lopez@yahoo.com",
    "patient's mom left (312) 555-0198 for a callback",
    "pt lives on 123 maple drive and walked in for a draw",
];

/// Ordinary notes about lab life that must pass.
const ORDINARY: &[&str] = &[
    // Dates of shifts, exams and deadlines.
    "Working 12/24/2026 and 12/25/2026, feeling it",
    "BOC exam on 3/15/2027, nervous",
    "off from 12/5 to 12/9, finally",
    "CAP inspection 2027-02-10, everyone is stressed",
    "schedule posted for Jan 4, 2027",
    "since 3/1/2019 I've been on nights",
    "My kid's birthday party is 12/5, hope I can leave on time",
    "Ms. Lee's birthday cake was great",
    "competency due 01/31/27",
    "renewed my ASCP cert on 11.30.2026",
    // Instruments, lots, tests.
    "XN-1000 down again, running on the backup",
    "cobas 8000 module threw a bunch of errors",
    "Alinity ci went down during the morning run",
    "reagent lot R23-00412 failed QC",
    "new lot R24-11873 of the PT reagent",
    "lot 24-0012345 of controls expired",
    "CBC, PT/INR and BMP backlog all night",
    "A1c analyzer calibration took an hour",
    "PT INR reagent lot failed QC",
    "PT/PTT backlog all night",
    "ran 250 CBCs today",
    "our TAT for troponin was 45 minutes",
    "BacT/ALERT bottles piling up",
    "serial number SN-2024-00123 on the new centrifuge",
    "catalog # 08-0012345 backordered again",
    // Coworkers and people.
    "Ms. Lee covered my shift, so grateful",
    "Mr. Coffee broke and nobody fixed it",
    "Jen covered nights for me",
    "Maria and Kevin stayed late to help",
    "Dr. Patel gave a great talk on sepsis workups",
    "my supervisor Karen approved my PTO",
    "shout out to Mike for fixing the tube system",
    "Mrs. Doubtfire marathon after my shift",
    "Will you cover Saturday?",
    "May was a brutal month",
    "the patient was rude",
    "patients were kind today",
    "a pt yelled at me in the draw station",
    "Patient ID scanners broke again",
    "Patient Safety Week starts Monday",
    "the patient will need a redraw, not my fault",
    "pt was young and scared of needles",
    // Counts and numbers.
    "1200000 tests a year and still short staffed",
    "3 techs for 40 tubes",
    "we did 2500000 tests last year",
    "short 4 people on evenings",
    "budget cut of $1250000",
    "call me at 555-123-4567 if you need a swap",
    "positive control out again",
    "QC negative control failed twice",
    "trying to keep a positive attitude",
    // Feelings and everyday life.
    "Worked a double, feeling tired",
    "Night shift 7p-7a was rough",
    "burned out after the holiday rush",
    "feeling better after the weekend off",
    "micro was slammed, blood culture bottles everywhere",
    "hematology bench alone for 10 hours",
    "fridge was at 40F so we moved everything",
    "DOB mismatch on labels again, so frustrating",
    "Medical records called twice",
    "Set a record number of tubes today",
    "specimen #3 was hemolyzed",
    "Accessioned 300 specimens before lunch",
    "the sepsis protocol changed again",
    "meetup at 450 Main St was fun",
    "room 12 fridge alarm went off 3 times",
    "studying for the MLS exam, 60 days to go",
    "the HIV viral load bench is backed up",
    "got my flu shot at work",
    "email me at lab.team@example.org for the schedule",
];

#[test]
fn the_guard_refuses_at_least_95_percent_of_patient_info_and_at_most_5_percent_of_ordinary_notes() {
    let missed: Vec<&str> = PATIENT_INFO
        .iter()
        .copied()
        .filter(|note| check(note).is_none())
        .collect();
    let over: Vec<(&str, String)> = ORDINARY
        .iter()
        .filter_map(|note| {
            check(note).map(|f| (*note, format!("{:?} {:?}", f.kind, f.fragment(note))))
        })
        .collect();
    let refused = PATIENT_INFO.len() - missed.len();
    let caught = 100.0 * refused as f64 / PATIENT_INFO.len() as f64;
    let wrongly = 100.0 * over.len() as f64 / ORDINARY.len() as f64;
    println!(
        "PHI guard: refused {refused} of {} notes with patient information ({caught:.1}%), \
         and {} of {} ordinary notes ({wrongly:.1}%)",
        PATIENT_INFO.len(),
        over.len(),
        ORDINARY.len(),
    );
    println!("missed: {missed:#?}");
    println!("refused ordinary: {over:#?}");
    assert!(PATIENT_INFO.len() >= 60 && ORDINARY.len() >= 60);
    assert!(
        caught >= 95.0,
        "only {caught:.1}% refused; missed {missed:#?}"
    );
    assert!(
        wrongly <= 5.0,
        "{wrongly:.1}% of ordinary refused: {over:#?}"
    );
}
