//! Members' reports on directory entries: grouped for the moderators, resolved together, and
//! every reporter told privately.

use crate::support::Lab;

#[test]
fn two_reports_on_one_entry_reach_the_moderator_as_one_item_and_both_reporters_hear_back() {
    let lab = Lab::new();
    let first = lab
        .console_as(
            "alice",
            "member",
            "/group report ascls reason:broken-link details:The join page says 404.\n",
        )
        .message(0);
    assert!(first.starts_with("[private to alice"), "{first}");
    assert!(
        first.contains(
            "Thanks, the directory's moderators will look at it; you will hear back here."
        ),
        "{first}"
    );
    let again = lab
        .console_as("alice", "member", "/group report ascls reason:outdated\n")
        .message(0);
    assert!(again.contains("already with the moderators"), "{again}");
    lab.console_as("bob", "member", "/group report ascls reason:outdated\n");

    let queue = lab.moderator("/review\n").message(0);
    assert!(queue.contains("1 reported entry"), "{queue}");
    assert!(
        queue.contains("2 reports: 1 outdated, 1 broken link")
            || queue.contains("2 reports: 1 broken link, 1 outdated"),
        "{queue}"
    );
    assert_eq!(queue.matches("ascls:").count(), 1, "{queue}");
    assert!(queue.contains("The join page says 404."), "{queue}");
    assert!(queue.contains("checked"), "{queue}");
    assert!(
        queue.contains("/review report KEY fixed|dismissed"),
        "{queue}"
    );

    let m = lab
        .moderator("/review report ascls fixed note:The new link is in.\n")
        .messages();
    assert!(
        m[0].contains("Resolved 2 reports on ascls as fixed"),
        "{m:?}"
    );
    let to_alice = m.iter().find(|x| x.starts_with("[private to alice"));
    let to_bob = m.iter().find(|x| x.starts_with("[private to bob"));
    for told in [to_alice, to_bob] {
        let told = told.unwrap_or_else(|| panic!("a reporter was not told: {m:?}"));
        assert!(told.contains("the entry was corrected"), "{told}");
        assert!(
            told.contains("The moderator's note: The new link is in."),
            "{told}"
        );
    }
    assert!(
        to_alice.unwrap().contains("(broken link)") && to_bob.unwrap().contains("(outdated)"),
        "{m:?}"
    );
    // Resolved: the queue is empty, and a second resolution changes nothing.
    let queue = lab.moderator("/review\n").message(0);
    assert!(!queue.contains("reported entr"), "{queue}");
    let twice = lab.moderator("/review report ascls dismissed\n").messages();
    assert_eq!(twice.len(), 1, "{twice:?}");
    assert!(twice[0].contains("No open reports on ascls"), "{twice:?}");
    // Once resolved, alice may report the entry again.
    let later = lab
        .console_as("alice", "member", "/group report ascls reason:outdated\n")
        .message(0);
    assert!(later.contains("Thanks"), "{later}");
}

#[test]
fn a_bad_reason_or_an_unknown_key_is_explained_and_nothing_is_reported() {
    let lab = Lab::new();
    let m = lab
        .member(
            "/group report ascls reason:spam\n/group report no-such-group reason:outdated\n\
             /group report ascls\n",
        )
        .messages();
    assert!(m[0].contains("\"spam\" is not a reason I know"), "{m:?}");
    assert!(
        m[0].contains("outdated, broken-link, wrong-info, not-a-fit"),
        "{m:?}"
    );
    assert!(m[1].contains("No entry has the key no-such-group"), "{m:?}");
    assert!(m[2].contains("Reasons accepted"), "{m:?}");
    let long = format!(
        "/group report ascls reason:outdated details:{}\n",
        "x".repeat(301)
    );
    let m = lab.member(&long).messages();
    assert!(m[0].contains("at most 300"), "{m:?}");
    assert!(
        lab.moderator("/review\n")
            .message(0)
            .contains("No suggestions are waiting"),
    );
    assert!(!lab.moderator("/review\n").message(0).contains("report"));
}

#[test]
fn a_member_who_is_not_a_moderator_cannot_resolve_reports() {
    let lab = Lab::new();
    lab.member("/group report ascls reason:wrong-info\n");
    let m = lab
        .console_as("mallory", "admin", "/review report ascls dismissed\n")
        .messages();
    assert_eq!(m.len(), 1, "{m:?}");
    assert!(
        m[0].contains("you are not one; nothing was changed"),
        "{m:?}"
    );
    assert!(
        lab.moderator("/review\n")
            .message(0)
            .contains("1 report: 1 wrong information"),
    );
}

#[test]
fn forgetme_removes_the_members_reports() {
    let lab = Lab::new();
    let m = lab
        .member(
            "/group report ascls reason:not-a-fit details:Only for managers.\n/mydata\n\
             /forgetme confirm\n/mydata\n",
        )
        .messages();
    let before = m
        .iter()
        .find(|x| x.contains("Reports on directory entries"))
        .unwrap_or_else(|| panic!("/mydata does not show the report: {m:?}"));
    assert!(before.contains("1 (1 with the moderators)"), "{before}");
    let after = m.last().unwrap();
    assert!(!after.contains("Reports on directory entries"), "{after}");
    let queue = lab.moderator("/review\n").message(0);
    assert!(!queue.contains("Only for managers"), "{queue}");
    assert!(!queue.contains("reported entr"), "{queue}");
}

#[test]
fn report_details_with_patient_info_are_refused_and_nothing_is_reported() {
    let lab = Lab::new();
    let m = lab
        .member(
            "/group report ascls reason:not-a-fit details:Pt Garcia DOB 7/4/62 was turned away\n",
        )
        .messages();
    assert!(m[0].starts_with("[private to alice"), "{m:?}");
    assert!(m[0].contains("That report has something"), "{m:?}");
    assert!(!m[0].contains("Thanks"), "{m:?}");
    let queue = lab.moderator("/review\n").message(0);
    assert!(!queue.contains("reported entr"), "{queue}");
    assert!(!queue.contains("Garcia"), "{queue}");
}
