//! Two kinds of authority: community admins act on their own community; the shared directory
//! and its suggestion queue belong to the moderators named in the configuration.

use std::path::PathBuf;

use crate::support::{Lab, Run};

/// A member's suggestion with a private note, waiting in the queue.
const SUGGEST: &str = "/suggestgroup name:Night Owls url:https://example.org/owls \
    description:Online peer group for night-shift techs. note:I run it; my cell is 555-0100\n";

/// A config naming `console:mia` as the directory's only moderator.
fn moderated(lab: &Lab) -> PathBuf {
    lab.file(
        "labcircle.toml",
        "[directory]\nmoderators = [\"console:mia\", \"discord:123456789012345678\"]\n",
    )
}

/// `name` with `role` on the console, with the config (if any), typing `lines`.
fn console(lab: &Lab, config: Option<&PathBuf>, name: &str, role: &str, lines: &str) -> Run {
    let mut args: Vec<String> = Vec::new();
    if let Some(c) = config {
        args.extend(["--config".into(), c.display().to_string()]);
    }
    args.extend(["console", "--as", name, "--role", role].map(String::from));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let run = lab.run(&args, lines);
    assert!(run.success, "{}\n{}", run.stdout, run.stderr);
    run
}

#[test]
fn an_admin_of_any_community_cannot_rewrite_a_crisis_line_or_read_the_queue() {
    for config in [false, true] {
        let lab = Lab::new();
        let config = config.then(|| moderated(&lab));
        console(&lab, config.as_ref(), "alice", "member", SUGGEST);
        let before = lab.export_csv();
        // An admin of their own community (here `other`), as anyone who adds the bot to a
        // server they manage would be.
        let run = console(
            &lab,
            config.as_ref(),
            "mallory",
            "admin",
            ":in other\n\
             /group edit 988-lifeline url:https://example.net/not-988 name:Official 988 Line\n\
             /review\n/review list\n/review approve 1 kind:peer_support specialty:all \
             format:online cost:free facilitation:peer_led\n/review reject 1 reason:no\n\
             /group add name:Mine kind:crisis_line specialty:all format:online cost:free \
             facilitation:none description:Call me.\n/group remove samhsa-helpline\n",
        );
        let m = run.messages();
        let refusals = &m[1..];
        assert_eq!(refusals.len(), 7, "{m:?}");
        for reply in refusals {
            assert!(
                reply.contains(
                    "is for the directory's moderators, and you are not one; nothing was changed"
                ),
                "{reply}"
            );
            assert!(reply.contains("/suggestgroup"), "{reply}");
            // Nothing of the queue leaks: not the member, not her note.
            assert!(
                !reply.contains("alice") && !reply.contains("555-0100"),
                "{reply}"
            );
            if config.is_some() {
                assert!(
                    reply.contains("being an admin of a community does not"),
                    "{reply}"
                );
            } else {
                assert!(reply.contains("labcircle directory import"), "{reply}");
            }
        }
        assert_eq!(lab.export_csv(), before);
        // The suggestion is still waiting, undecided, for a moderator (or the operator).
        let operator = lab.run(&["console"], "/review\n");
        assert!(
            operator.message(0).contains("#1 Night Owls"),
            "{}",
            operator.stdout
        );
    }
}

#[test]
fn a_moderator_keeps_the_directory_from_a_community_where_they_are_only_a_member() {
    let lab = Lab::new();
    let config = moderated(&lab);
    console(&lab, Some(&config), "alice", "member", SUGGEST);
    let run = console(
        &lab,
        Some(&config),
        "mia",
        "member",
        ":in other\n/help\n/review\n\
         /review approve 1 kind:peer_support specialty:all format:online cost:free \
         facilitation:peer_led\n\
         /group edit night-owls schedule:Nightly 2am ET\n",
    );
    assert!(
        run.stderr
            .contains("acting as mia (member, directory moderator)"),
        "{}",
        run.stderr
    );
    let m = run.messages();
    assert!(
        m[1].contains("/group add") && m[1].contains("/review approve"),
        "{}",
        m[1]
    );
    assert!(
        m[2].contains("#1 Night Owls") && m[2].contains("555-0100"),
        "{}",
        m[2]
    );
    assert!(m[3].contains("Approved #1: Night Owls"), "{}", m[3]);
    // The suggesting member is told, privately, wherever the moderator acted.
    assert!(
        m[4].starts_with("[private to alice") && m[4].contains("was approved"),
        "{}",
        m[4]
    );
    assert!(m[5].contains("Updated night-owls: schedule"), "{}", m[5]);

    // Another member with the moderator's display name but not her identity is not one, and
    // the console does not let anyone claim the moderator role.
    let run = console(
        &lab,
        Some(&config),
        "bob",
        "admin",
        "/help\n/group remove night-owls\n:as bob moderator\n",
    );
    let m = run.messages();
    assert!(
        !m[0].contains("/group add") && m[0].contains("use /suggestgroup"),
        "{}",
        m[0]
    );
    assert!(m[1].contains("you are not one"), "{}", m[1]);
    assert!(
        m[2].contains("moderator is not a community role"),
        "{}",
        m[2]
    );
    let found = lab.run(&["console", "--as", "carol"], "/group show night-owls\n");
    assert!(
        found.message(0).contains("Nightly 2am ET"),
        "{}",
        found.stdout
    );
}

#[test]
fn without_moderators_start_up_and_config_check_say_the_directory_changes_only_by_import() {
    let lab = Lab::new();
    // A community admin (the console's, with --role admin) is refused, and start-up says why.
    let run = lab.admin("/group remove ascls\n");
    assert!(run.message(0).contains("you are not one"), "{}", run.stdout);
    assert!(
        run.stderr.contains("directory moderators: nobody")
            && run.stderr.contains("labcircle directory import"),
        "{}",
        run.stderr
    );
    let check = lab.run(&["config", "check"], "");
    assert!(
        check.stdout.contains("directory moderators: nobody")
            && check.stdout.contains("labcircle directory import"),
        "{}",
        check.stdout
    );
    let config = moderated(&lab);
    let check = lab.run(
        &["--config", &config.display().to_string(), "config", "check"],
        "",
    );
    assert!(
        check
            .stdout
            .contains("directory moderators: console:mia, discord:123456789012345678"),
        "{}",
        check.stdout
    );
    // The operator of the database (the console without --as) moderates it.
    let operator = lab.run(&["console"], "/group remove ascls\n");
    assert!(
        operator.message(0).contains("Removed"),
        "{}",
        operator.stdout
    );
}
