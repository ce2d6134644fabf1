//! Member text others read: control, text-direction and invisible characters are refused where
//! they enter, with a message naming the field, and nothing is kept.

use crate::support::Lab;

const MONDAY_8AM: &str = "2026-12-07T08:00:00-05:00";

/// Lines typed by an organizer; the bot's messages.
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

/// One refused kind of character: what is typed and what the member is told.
struct Case {
    character: char,
    told: &'static str,
}

const CASES: [Case; 4] = [
    Case {
        character: '\u{1B}',
        told: "contains a control character (U+001B ESCAPE) at character 6.",
    },
    Case {
        character: '\u{202E}',
        told: "contains a text-direction control (U+202E RIGHT-TO-LEFT OVERRIDE) at character 6.",
    },
    Case {
        character: '\u{2066}',
        told: "contains a text-direction control (U+2066 LEFT-TO-RIGHT ISOLATE) at character 6.",
    },
    Case {
        character: '\u{200B}',
        told: "contains an invisible character (U+200B ZERO WIDTH SPACE) at character 6.",
    },
];

#[test]
fn a_meetup_title_with_a_control_direction_or_invisible_character_is_refused() {
    let lab = Lab::new();
    for case in CASES {
        let c = case.character;
        let m = organizer(
            &lab,
            &format!("/meetup create title:Histo{c} night when:Dec 10 6:30pm where:Brewpub\n"),
        );
        assert_eq!(m.len(), 1, "only the refusal: {m:#?}");
        assert!(m[0].contains(&format!("title: {}", case.told)), "{m:#?}");
        assert!(
            m[0].contains("Accepted: letters, digits, punctuation, spaces and emoji, on one line"),
            "{m:#?}"
        );
        assert!(!m[0].contains(c), "the character is not echoed: {m:#?}");
    }
    // The same in the place and the description, and in an edit.
    let m = organizer(
        &lab,
        "/meetup create title:Histo night when:Dec 10 6:30pm where:Brew\u{200D}pub\n\
         /meetup create title:Histo night when:Dec 10 6:30pm where:Brewpub \
         description:Call \u{202E}8891 now\n",
    );
    assert!(
        m[0].contains("where: contains an invisible character (U+200D ZERO WIDTH JOINER)"),
        "{m:#?}"
    );
    assert!(
        m[1].contains("description: contains a text-direction control (U+202E"),
        "{m:#?}"
    );
    assert!(m[1].contains("ordinary line breaks"), "{m:#?}");

    // Nothing was created: the first meetup that gets through is #1, and emoji (joined ones
    // too) are ordinary text.
    let m = organizer(
        &lab,
        "/meetup create title:👩\u{200D}🔬 Histo night when:Dec 10 6:30pm where:Brewpub\n\
         /meetup edit 1 title:Histo\u{200F} night\n/meetup show 1\n",
    );
    assert!(
        m.iter()
            .any(|x| x.contains("Meetup #1: 👩\u{200D}🔬 Histo night")),
        "{m:#?}"
    );
    let edit = m.iter().find(|x| x.contains("title: contains")).unwrap();
    assert!(
        edit.contains("a text-direction control (U+200F RIGHT-TO-LEFT MARK)"),
        "{edit}"
    );
    let show = m.last().unwrap();
    assert!(
        show.contains("👩\u{200D}🔬 Histo night"),
        "unchanged: {show}"
    );
}

#[test]
fn a_suggestion_with_hidden_characters_is_refused_field_by_field_and_not_queued() {
    let lab = Lab::new();
    for case in CASES {
        let c = case.character;
        let run = lab.member(&format!(
            "/suggestgroup name:Night{c} Owls url:https://example.org/owls \
             description:Peer support for night-shift techs.\n"
        ));
        let reply = run.message(0);
        assert!(
            reply.contains("The suggestion was not sent; nothing was changed"),
            "{reply}"
        );
        assert!(reply.contains(&format!("name: {}", case.told)), "{reply}");
        assert!(!reply.contains(c), "the character is not echoed: {reply}");
    }
    // Every field at once, each named; a hostile link and a hostile note too.
    let reply = lab
        .member(
            "/suggestgroup name:Official 988 line url:https://example.org/\u{202E}gpj.exe \
             description:Call\u{2060}now city:Dayton\u{7}\n",
        )
        .message(0);
    for expected in [
        "city: contains a control character (U+0007 BELL)",
        "url: the link contains a text-direction control (U+202E",
        "description: contains an invisible character (U+2060 WORD JOINER)",
    ] {
        assert!(reply.contains(expected), "{expected} in {reply}");
    }
    let reply = lab
        .member(
            "/suggestgroup name:Night Owls url:https://example.org/owls \
             description:Peer support. note:trust me\u{FEFF}\n",
        )
        .message(0);
    assert!(
        reply.contains("note: contains an invisible character (U+FEFF ZERO WIDTH NO-BREAK SPACE)"),
        "{reply}"
    );

    // None of them was queued: the first suggestion that gets through is #1.
    let reply = lab
        .member(
            "/suggestgroup name:Night Owls url:https://example.org/owls \
             description:Peer support for night-shift techs. note:[Official](https://x.org)\n",
        )
        .message(0);
    assert!(reply.contains("your suggestion is #1"), "{reply}");
}

#[test]
fn a_cancel_reason_with_a_direction_control_is_refused_and_the_meetup_stays() {
    let lab = Lab::new();
    let m = organizer(
        &lab,
        "/meetup create title:Histo night when:Dec 10 6:30pm where:Brewpub\n\
         /meetup cancel 1 reason:Moved, call \u{202E}8891 now\n/meetup show 1\n",
    );
    let refused = m.iter().find(|x| x.contains("reason: contains")).unwrap();
    assert!(
        refused.contains("a text-direction control (U+202E RIGHT-TO-LEFT OVERRIDE)"),
        "{refused}"
    );
    let show = m.last().unwrap();
    assert!(
        show.contains("Meetup #1: Histo night") && !show.contains("CANCELLED"),
        "still on: {show}"
    );
}
