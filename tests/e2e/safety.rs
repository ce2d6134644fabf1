//! Words of suicide or self-harm in a check-in note bring the crisis lines first, end to end.

use crate::support::Lab;

/// 08:00 in New York on a Monday.
const MONDAY_8AM: &str = "2026-12-07T08:00:00-05:00";
const KEY: &str = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=";

#[test]
fn a_note_of_wanting_to_die_is_answered_with_988_and_741741_before_anything_else() {
    let lab = Lab::new();
    let run = lab.console_at(
        "alice",
        MONDAY_8AM,
        "/checkin start\n/checkin now\n/checkin answer 2 note:\"I want to kill myself\"\n",
        &[("LABCIRCLE_NOTE_KEY", KEY)],
    );
    let reply = run.messages().last().cloned().unwrap_or_default();
    assert!(
        reply.starts_with("[private to alice #4] Thank you for telling me."),
        "{reply}"
    );
    let first_line = |needle: &str| reply.find(needle).unwrap_or(usize::MAX);
    let recorded = first_line("Thank you. Recorded: Low (2)");
    assert!(recorded < usize::MAX, "{reply}");
    for needle in [
        "988",
        "text HOME to 741741",
        "You are not alone",
        "call 911",
    ] {
        assert!(first_line(needle) < recorded, "{needle} not first: {reply}");
    }
    // The lines are said once, at the top; peers follow.
    assert_eq!(reply.matches("741741").count(), 1, "{reply}");
    assert!(reply.contains("Peers who get it"), "{reply}");
    // The rest of the usual answer is still there, and nothing was forwarded.
    assert!(reply.contains("stored encrypted"), "{reply}");
    assert!(reply.contains("forwarded to anyone"), "{reply}");
    assert_eq!(run.messages().len(), 4, "{:#?}", run.messages());
    // The note is never written to the log, nor stored in plain text.
    assert!(!run.stderr.contains("kill myself"), "{}", run.stderr);
    for file in ["labcircle.db", "labcircle.db-wal"] {
        if let Ok(bytes) = std::fs::read(lab.database().with_file_name(file)) {
            assert!(!String::from_utf8_lossy(&bytes).contains("kill myself"));
        }
    }
}

#[test]
fn a_hard_shift_note_gets_the_usual_answer() {
    let lab = Lab::new();
    let run = lab.console_at(
        "alice",
        MONDAY_8AM,
        "/checkin start\n/checkin now\n/checkin answer 2 note:\"this shift is killing me\"\n",
        &[],
    );
    // A low week brings the usual support, led by the record as always.
    let reply = run.messages().last().cloned().unwrap_or_default();
    assert!(
        reply.starts_with("[private to alice #4] Thank you. Recorded: Low (2)."),
        "{reply}"
    );
    assert!(reply.contains("That sounds like a hard week"), "{reply}");
    assert!(!reply.contains("Thank you for telling me"), "{reply}");
}

#[test]
fn the_lines_come_first_even_when_nothing_could_be_recorded() {
    let lab = Lab::new();
    let run = lab.console_at(
        "alice",
        MONDAY_8AM,
        "/checkin answer 5 note:i dont want to be here anymore\n/checkin answer i wanna die\n",
        &[],
    );
    let m = run.messages();
    assert_eq!(m.len(), 2, "{m:#?}");
    // No open check-in; then words where the mood goes, which are not a mood.
    for (reply, refusal) in m.iter().zip(["Nothing was recorded", "takes one MOOD"]) {
        assert!(
            reply.starts_with("[private to alice #")
                && reply.contains("] Thank you for telling me."),
            "{reply}"
        );
        let lines = reply.find("741741").unwrap_or(usize::MAX);
        let refused = reply.find(refusal).unwrap_or(0);
        assert!(lines < refused, "{reply}");
        assert!(!reply.contains("Sorry:"), "{reply}");
    }
}
