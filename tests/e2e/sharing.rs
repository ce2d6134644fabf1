//! Meetups belong to their home community: sharing one elsewhere announces it there and gives
//! that community's admins no power over it but withdrawing their own announcement.

use crate::support::Lab;

const MONDAY_8AM: &str = "2026-12-07T08:00:00-05:00";

/// Runs the console as olga, an organizer, on the simulated clock: one session, so the post
/// numbers ([#N]) of every line below are this run's.
fn session(lab: &Lab, lines: &str) -> Vec<String> {
    lab.run(
        &[
            "console",
            "--as",
            "olga",
            "--role",
            "organizer",
            "--clock",
            MONDAY_8AM,
        ],
        lines,
    )
    .messages()
}

/// olga creates meetup #1 in histo-club (its announcement is [#2]) and bob RSVPs there.
const CREATED_AND_BOB_GOING: &str = ":in histo-club\n/meetup create title:Histo night when:Dec 9 \
     18:00 where:Hall capacity:5\n:as bob\n:react 2 ✅\n";

fn find<'a>(m: &'a [String], text: &str) -> &'a String {
    m.iter()
        .find(|x| x.contains(text))
        .unwrap_or_else(|| panic!("no message with {text:?}: {m:#?}"))
}

#[test]
fn sharing_a_meetup_gives_another_communitys_admin_no_power_over_it() {
    let lab = Lab::new();
    let m = session(
        &lab,
        &format!(
            "{CREATED_AND_BOB_GOING}:as mallory admin\n:in other-club\n/meetup share 1\n\
             /meetup cancel 1 reason:moved to my place, DM me\n\
             /meetup edit 1 where:My place\n:advance 10s\n/meetup show 1\n"
        ),
    );
    // The share itself is allowed: an announcement in other-club.
    find(&m, "will be announced here too");
    assert!(
        m.iter()
            .any(|x| x.starts_with("[#4] Meetup #1: Histo night")),
        "{m:#?}"
    );
    let refusals: Vec<&String> = m
        .iter()
        .filter(|x| x.contains("only its organizer or an admin of"))
        .collect();
    assert_eq!(refusals.len(), 2, "cancel and edit are refused: {m:#?}");
    // Nothing reached bob, the meetup is neither cancelled nor moved.
    assert!(
        !m.iter().any(|x| x.starts_with("[private to bob")),
        "{m:#?}"
    );
    assert!(!m.iter().any(|x| x.contains("CANCELLED")), "{m:#?}");
    let show = m.last().unwrap();
    assert!(
        show.contains("Where: Hall") && !show.contains("My place"),
        "{show}"
    );
}
