//! Directory moderators add, edit and remove entries; bad input changes nothing.

use crate::support::Lab;

const ADD: &str = "/group add name:Night Shift Lab Circle kind:peer_support specialty:all \
    format:online cost:free facilitation:peer_led url:https://example.org/nights \
    description:Weekly online peer group for lab staff working nights. tags:night-shift, burnout\n";

#[test]
fn a_moderator_adds_edits_and_removes_an_entry() {
    let lab = Lab::new();
    let added = lab.moderator(ADD).message(0);
    assert!(
        added.contains("Added Night Shift Lab Circle to the directory"),
        "{added}"
    );
    assert!(
        added.contains("/group show night-shift-lab-circle"),
        "{added}"
    );

    let found = lab.member("/findgroup night shift\n").message(0);
    assert!(found.contains("Night Shift Lab Circle"), "{found}");

    let m = lab
        .moderator(
            "/group edit night-shift-lab-circle schedule:Tuesdays 7pm ET state:OH\n\
             /group edit night-shift-lab-circle schedule:Tuesdays 7pm ET\n\
             /group show night-shift-lab-circle\n",
        )
        .messages();
    assert!(
        m[0].contains("Updated night-shift-lab-circle: states, schedule"),
        "{}",
        m[0]
    );
    assert!(m[1].contains("Nothing to change"), "{}", m[1]);
    assert!(
        m[2].contains("Schedule: Tuesdays 7pm ET") && m[2].contains("Region: OH"),
        "{}",
        m[2]
    );

    let removed = lab
        .moderator("/group remove night-shift-lab-circle\n")
        .message(0);
    assert!(
        removed.contains("Removed Night Shift Lab Circle"),
        "{removed}"
    );
    let gone = lab.member("/findgroup night shift lab circle\n").message(0);
    assert!(!gone.contains("Night Shift Lab Circle"), "{gone}");
}

#[test]
fn bad_entries_are_refused_field_by_field_and_change_nothing() {
    let lab = Lab::new();
    let before = lab.export_csv();
    let m = lab
        .moderator(
            "/group add name:Bad kind:club specialty:all format:online cost:free \
             facilitation:peer_led url:ftp://example.org description:x\n\
             /group add key:ascls name:Copy kind:association specialty:mls format:online \
             cost:free facilitation:none description:x\n\
             /group edit ascls url:not a link\n\
             /group edit ascls name:\n\
             /group edit nothing-here name:x\n\
             /group remove nothing-here\n",
        )
        .messages();
    assert!(
        m[0].contains("The entry was not added; nothing was changed"),
        "{}",
        m[0]
    );
    assert!(m[0].contains("- kind: \"club\" is not a kind"), "{}", m[0]);
    assert!(
        m[0].contains("- url: \"ftp://example.org\" is a ftp link"),
        "{}",
        m[0]
    );
    assert!(
        m[1].contains("An entry with the key ascls exists already"),
        "{}",
        m[1]
    );
    assert!(
        m[2].contains("url: \"not a link\" is not a valid link"),
        "{}",
        m[2]
    );
    assert!(m[3].contains("name: is required"), "{}", m[3]);
    assert!(
        m[4].contains("No entry has the key nothing-here"),
        "{}",
        m[4]
    );
    assert!(
        m[5].contains("No entry has the key nothing-here"),
        "{}",
        m[5]
    );
    assert_eq!(lab.export_csv(), before);
}

#[test]
fn console_controls_switch_members_and_react_to_bot_posts() {
    let lab = Lab::new();
    // bob moderates the directory (named in the config); :as switches to him.
    let config = lab.moderators_config(&["bob"]).display().to_string();
    let run = lab.run(
        &["--config", &config, "console", "--as", "alice"],
        "/crisis\n:react 1 ✅\n:react 7 ✅\n:as bob admin\n/review\n:as bob wizard\n:frobnicate\n\
         :react 2 👍\n:as carol\n:react 2 👍\n",
    );
    let m = run.messages();
    assert!(m[0].starts_with("[#1] Crisis"), "{m:?}");
    assert_eq!(m[1], "(alice reacted ✅ on #1)");
    assert!(m[2].contains("There is no bot message #7"), "{m:?}");
    assert_eq!(m[3], "(now acting as bob (admin))");
    assert!(
        m[4].starts_with("[private to bob #2] No suggestions"),
        "{m:?}"
    );
    assert!(m[5].contains("\"wizard\" is not a role"), "{m:?}");
    assert!(
        m[6].contains("Unknown console control :frobnicate"),
        "{m:?}"
    );
}
