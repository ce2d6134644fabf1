//! The PHI guard on every stored free text others read: a meetup's title and description, a
//! suggestion's name, description, schedule and note. Patient information is refused
//! privately, with the part that looked like it quoted, and nothing of it is stored; ordinary
//! text passes.

use crate::support::Lab;

const MONDAY_8AM: &str = "2026-12-07T08:00:00-05:00";

/// Whether the database files hold `text` anywhere.
fn stored(lab: &Lab, text: &str) -> bool {
    ["labcircle.db", "labcircle.db-wal"].iter().any(|file| {
        std::fs::read(lab.database().with_file_name(file))
            .is_ok_and(|bytes| String::from_utf8_lossy(&bytes).contains(text))
    })
}

fn organizer(lab: &Lab, lines: &str) -> Vec<String> {
    let args = [
        "console",
        "--as",
        "olga",
        "--role",
        "organizer",
        "--clock",
        MONDAY_8AM,
    ];
    let run = lab.run(&args, lines);
    assert!(run.success, "{}\n{}", run.stdout, run.stderr);
    run.messages()
}

#[test]
fn a_meetup_description_with_patient_info_is_refused_privately_and_nothing_is_stored() {
    let lab = Lab::new();
    let m = organizer(
        &lab,
        "/meetup create title:Histo night when:Dec 10 6:30pm where:Brewpub \
         description:We'll talk about patient maria lopez and her biopsy\n\
         /meetup create title:Pt Garcia DOB 7/4/62 when:Dec 10 6:30pm where:Brewpub\n\
         /meetup list\n",
    );
    assert_eq!(m.len(), 3, "{m:#?}");
    assert!(
        m[0].starts_with("[private to olga"),
        "only the writer sees it: {m:#?}"
    );
    assert!(
        m[0].contains(
            "That description has something that looks like a patient's name \
             (\"patient maria lopez\"). Please leave patient details out"
        ),
        "{m:#?}"
    );
    assert!(m[0].contains("Nothing was saved."), "{m:#?}");
    assert!(m[1].starts_with("[private to olga"), "{m:#?}");
    assert!(
        m[1].contains("That title has something that looks like"),
        "{m:#?}"
    );
    assert!(
        !m[2].contains("Histo night") && !m[2].contains("Garcia"),
        "{m:#?}"
    );
    for text in ["maria lopez", "7/4/62", "Garcia"] {
        assert!(!stored(&lab, text), "{text} is not stored");
    }
}

#[test]
fn an_edit_that_adds_patient_info_is_refused_and_the_meetup_is_unchanged() {
    let lab = Lab::new();
    let m = organizer(
        &lab,
        "/meetup create title:Histo night when:Dec 10 6:30pm where:Brewpub \
         description:Bring your worst cassette stories. Questions: olga@example.org\n\
         /meetup edit 1 description:the pt with MRN 12345678 was our favourite\n\
         /meetup show 1\n",
    );
    assert!(
        m[0].contains("Meetup #1 is created"),
        "an ordinary meetup passes: {m:#?}"
    );
    let refusal = m
        .iter()
        .find(|x| x.contains("looks like"))
        .expect("a refusal");
    assert!(
        refusal.starts_with("[private to olga")
            && refusal.contains("looks like a medical record number (\"MRN 12345678\")"),
        "{m:#?}"
    );
    let show = m.last().expect("the meetup");
    assert!(show.contains("worst cassette stories"), "unchanged: {show}");
    assert!(!stored(&lab, "12345678"));
}

#[test]
fn a_suggestion_note_with_patient_info_is_refused_and_not_queued_but_an_ordinary_one_is() {
    let lab = Lab::new();
    let suggest = "/suggestgroup name:Night Owls url:https://example.org/owls \
                   description:Online peer group for night-shift techs. note:";
    let run = lab.member(&format!(
        "{suggest}a member, Sarah Johnson 54F HIV positive, loves it\n\
         {suggest}I run it, 3 techs and a cobas 8000 between us\n"
    ));
    let m = run.messages();
    assert!(m[0].starts_with("[private to alice"), "{m:#?}");
    assert!(
        m[0].contains(
            "That note has something that looks like a patient's name (\"Sarah Johnson\")"
        ),
        "{m:#?}"
    );
    assert!(
        !m[1].contains("looks like"),
        "the ordinary note passes: {m:#?}"
    );
    let queue = lab.moderator("/review list\n").message(0);
    assert!(queue.contains("cobas 8000"), "{queue}");
    assert!(
        !queue.contains("Sarah") && !queue.contains("HIV"),
        "{queue}"
    );
    assert!(!stored(&lab, "Sarah Johnson"));
}

#[test]
fn a_suggestion_whose_description_names_a_patient_is_refused_and_nothing_is_stored() {
    let lab = Lab::new();
    let run = lab.member(
        "/suggestgroup name:Night Owls url:https://example.org/owls \
         description:Started after patient Maria Lopez died on our shift\n",
    );
    let m = run.messages();
    assert!(m[0].starts_with("[private to alice"), "{m:#?}");
    assert!(
        m[0].contains("That description has something that looks like a patient's name"),
        "{m:#?}"
    );
    let queue = lab.moderator("/review list\n").message(0);
    assert!(!queue.contains("Night Owls"), "nothing was queued: {queue}");
    assert!(!stored(&lab, "Maria Lopez"));
}
