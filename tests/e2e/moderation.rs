//! Suggestions and their review: member → queue → moderator → directory, and the refusals.

use crate::support::Lab;

#[test]
fn a_suggestion_approved_by_a_moderator_enters_the_directory_and_the_member_is_told() {
    let lab = Lab::new();
    let suggested = lab.member(
        "/suggestgroup name:Tri-State Histo Night Owls url:https://example.org/owls \
         description:Monthly online meetup for histotechs on nights. state:OH, KY\n",
    );
    let reply = suggested.message(0);
    assert!(
        reply.starts_with("[private to alice #1] Thank you: your suggestion is #1"),
        "{reply}"
    );

    let review = lab.moderator("/review\n").message(0);
    assert!(review.contains("#1 Tri-State Histo Night Owls"), "{review}");
    assert!(review.contains("suggested by alice"), "{review}");
    assert!(
        review.contains("To add when approving: kind, specialties, format, cost, facilitation"),
        "{review}"
    );

    // Approval needs the fields the member left out; nothing changes until they are given.
    let refused = lab.moderator("/review approve 1\n").message(0);
    assert!(
        refused.contains("can't be approved yet; nothing was changed"),
        "{refused}"
    );
    assert!(refused.contains("kind: is required"), "{refused}");

    let approved = lab.moderator(
        "/review approve 1 kind:local_group specialty:histo format:online cost:free facilitation:peer_led\n",
    );
    let m = approved.messages();
    assert!(
        m[0].contains("Approved #1: Tri-State Histo Night Owls is now in the directory"),
        "{m:?}"
    );
    assert!(m[1].starts_with("[private to alice"), "{m:?}");
    assert!(m[1].contains("was approved"), "{m:?}");
    assert!(
        m[1].contains("/group show tri-state-histo-night-owls"),
        "{m:?}"
    );

    let found = lab.member("/findgroup night owls\n").message(0);
    assert!(
        found.contains("Tri-State Histo Night Owls [unverified]"),
        "{found}"
    );
    let found = lab
        .member("/findgroup specialty:histo state:KY\n")
        .message(0);
    assert!(found.contains("Tri-State Histo Night Owls"), "{found}");

    // Decided suggestions stay decided.
    let again = lab
        .moderator("/review approve 1 kind:local_group\n")
        .message(0);
    assert!(
        again.contains("Suggestion #1 was already approved"),
        "{again}"
    );
    assert!(
        lab.moderator("/review\n")
            .message(0)
            .contains("No suggestions are waiting")
    );
}

#[test]
fn a_rejected_suggestion_tells_the_member_why_and_adds_nothing() {
    let lab = Lab::new();
    let before = lab.export_csv().len();
    lab.member(
        "/suggestgroup name:Duplicate url:https://ohiohistology.org description:Ohio histo.\n",
    );
    let m = lab
        .moderator("/review reject 1 reason:Already listed as oh-histo.\n")
        .messages();
    assert!(m[0].contains("Turned down #1"), "{m:?}");
    assert!(m[1].starts_with("[private to alice"), "{m:?}");
    assert!(
        m[1].contains("The reviewer's reason: Already listed as oh-histo."),
        "{m:?}"
    );
    assert_eq!(lab.export_csv().len(), before);
    let again = lab
        .moderator("/review approve 1 kind:association\n")
        .message(0);
    assert!(
        again.contains("Suggestion #1 was already turned down"),
        "{again}"
    );
    assert!(
        lab.moderator("/review\n")
            .message(0)
            .contains("No suggestions are waiting")
    );
}

#[test]
fn an_approved_suggestion_whose_name_is_taken_gets_a_free_key() {
    let lab = Lab::new();
    lab.member("/suggestgroup name:ASCLS url:https://example.org description:A second one.\n");
    let m = lab
        .moderator(
            "/review approve 1 kind:association specialty:mls format:online cost:free \
             facilitation:none\n",
        )
        .messages();
    assert!(m[0].contains("/group show ascls-2"), "{m:?}");
    let original = lab.member("/group show ascls\n").message(0);
    assert!(
        original.contains("American Society for Clinical Laboratory Science"),
        "{original}"
    );
}

#[test]
fn bad_suggestions_and_reviews_are_refused_with_reasons() {
    let lab = Lab::new();
    let m = lab
        .member(
            "/suggestgroup name:Only a name\n\
             /suggestgroup name:X url:javascript:alert(1) description:Bad link\n\
             /suggestgroup name:Y url:https://example.org description:Fine specialty:wizardry\n",
        )
        .messages();
    assert!(
        m[0].contains("A suggestion needs url, description"),
        "{}",
        m[0]
    );
    assert!(
        m[1].contains("url:") && m[1].contains("only http:// and https://"),
        "{}",
        m[1]
    );
    assert!(m[2].contains("\"wizardry\" is not a specialty"), "{}", m[2]);
    let m = lab
        .moderator("/review approve 42\n/review reject 42 reason:x\n/review approve two\n/review reject 1\n")
        .messages();
    assert!(m[0].contains("There is no suggestion #42"), "{}", m[0]);
    assert!(m[1].contains("There is no suggestion #42"), "{}", m[1]);
    assert!(m[2].contains("\"two\" is not a suggestion id"), "{}", m[2]);
    assert!(m[3].contains("Give the member a reason"), "{}", m[3]);
    assert!(
        lab.moderator("/review\n")
            .message(0)
            .contains("No suggestions are waiting")
    );
}

#[test]
fn members_and_community_admins_cannot_use_moderator_commands() {
    let lab = Lab::new();
    let before = lab.export_csv();
    let config = lab.moderators_config(&["mo"]).display().to_string();
    for role in ["member", "organizer", "admin"] {
        let run = lab.run(
            &[
                "--config", &config, "console", "--as", "alice", "--role", role,
            ],
            "/group add name:Mine kind:peer_support specialty:all format:online cost:free \
             facilitation:peer_led description:x\n\
             /group remove ascls\n/group edit ascls name:Hijacked\n/review\n/review approve 1\n\
             /group remove\n/group add colour:red\n",
        );
        let m = run.messages();
        assert_eq!(m.len(), 7, "{m:?}");
        for reply in &m {
            assert!(
                reply.contains(
                    "is for the directory's moderators, and you are not one; nothing was changed"
                ),
                "{reply}"
            );
            assert!(reply.contains("/suggestgroup"), "{reply}");
        }
        // The refusal comes before any complaint about the arguments, and names no option.
        assert!(!m[6].contains("description:"), "{}", m[6]);
    }
    assert_eq!(lab.export_csv(), before);
}
