use super::*;

fn profile() -> Profile {
    Profile {
        role: Role::Peer,
        specialty: Some("mls".into()),
        state: Some("OH".into()),
        shift: Some(Shift::Night),
        interests: vec!["hiking".into(), "microbiology".into()],
        every_weeks: 2,
        capacity: 1,
    }
}

#[test]
fn a_member_is_described_by_profile_only() {
    assert_eq!(
        describe(&profile()),
        "a night-shift MLS in Ohio who also likes hiking and microbiology"
    );
    let bare = Profile {
        specialty: None,
        state: None,
        shift: None,
        interests: Vec::new(),
        ..profile()
    };
    assert_eq!(describe(&bare), "a lab professional");
}

#[test]
fn bad_values_are_refused_with_what_is_accepted() {
    assert!(
        parse_role("boss")
            .unwrap_err()
            .contains("peer, mentor, mentee")
    );
    assert!(
        parse_shift("noon")
            .unwrap_err()
            .contains("day, evening, night, rotating")
    );
    assert!(parse_every("3w").unwrap_err().contains("2w"));
    assert!(
        parse_interests("a,b,c,d,e,f")
            .unwrap_err()
            .contains("at most 5")
    );
    assert!(
        parse_interests("<@123>")
            .unwrap_err()
            .contains("letters, digits")
    );
    assert_eq!(
        parse_interests("Hiking, baking, hiking").unwrap(),
        ["hiking", "baking"]
    );
}

#[test]
fn a_thumb_answers_an_introduction_and_handles_come_only_with_everyone_accepted() {
    use crate::domain::identity::{Member, Platform, UserId};
    use crate::domain::reply::Block;
    assert_eq!(intro::reaction_answer("👍"), Some(true));
    assert_eq!(intro::reaction_answer("👎"), Some(false));
    assert_eq!(intro::reaction_answer("✅"), None);
    let intro = intro::introduction(Role::Peer, &[profile()], &[]);
    assert!(!intro.blocks.iter().any(|b| matches!(b, Block::Contacts(_))));
    let bea = Member {
        user: UserId {
            platform: Platform::Matrix,
            id: "@bea:example.org".into(),
        },
        display_name: "Bea".into(),
    };
    let matched = intro::matched(std::slice::from_ref(&bea));
    assert!(matched.to_plain_text().contains("@bea:example.org"));
}
