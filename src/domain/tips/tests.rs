use super::*;

#[test]
fn the_words_people_use_map_onto_the_topic_vocabulary() {
    let cases = [
        ("short staffed", Topic::ShortStaffing),
        ("understaffed", Topic::ShortStaffing),
        ("nights", Topic::NightShift),
        ("graveyard", Topic::NightShift),
        ("tired", Topic::Sleep),
        ("lunch", Topic::Breaks),
        ("doctors", Topic::DifficultConversations),
        ("nurses", Topic::DifficultConversations),
        ("mistake", Topic::ErrorsAndBlame),
        ("blame", Topic::ErrorsAndBlame),
        ("job", Topic::Career),
        ("promotion", Topic::Career),
        ("board exam", Topic::Studying),
        ("BOC", Topic::Studying),
        ("new grad", Topic::NewGrads),
        ("first job", Topic::NewGrads),
        ("me time", Topic::SelfCare),
        ("help", Topic::AskingForHelp),
        ("manager", Topic::LeadingATeam),
        ("lead", Topic::LeadingATeam),
        ("leading-a-team", Topic::LeadingATeam),
        ("Night Shift", Topic::NightShift),
    ];
    for (words, topic) in cases {
        assert_eq!(Topic::parse(words), Some(topic), "{words}");
    }
    assert_eq!(
        Topic::find_in("tips for the graveyard crew"),
        Some(Topic::NightShift)
    );
    assert_eq!(Topic::parse("pizza"), None);
}

#[test]
fn every_topic_code_round_trips() {
    for t in Topic::all() {
        assert_eq!(Topic::from_code(t.code()), Some(t));
        assert_eq!(Topic::parse(t.code()), Some(t));
    }
}

#[test]
fn an_author_is_named_only_by_what_their_profile_gives() {
    assert_eq!(author_line(None, None), "a member");
    assert_eq!(
        author_line(
            Some(Specialty::Phlebotomy),
            Some(State::parse("TX").unwrap())
        ),
        "a phlebotomist in TX"
    );
    assert_eq!(
        author_line(Some(Specialty::LabManagement), None),
        "a lab manager"
    );
}

#[test]
fn a_vote_lifts_a_tip_as_much_as_two_weeks_of_recency() {
    assert!(rank(1_000, 1) > rank(1_000 + VOTE_WEIGHT_SECS - 1, 0));
    assert!(rank(1_000, 0) < rank(2_000, 0));
}

const GOOD: &str = r#"
[[tip]]
key = "start-breaks-1"
topic = "breaks"
also = ["workload"]
stress = "high"
text = """Take the break."""
source_name = "NIOSH"
source_url = "https://www.cdc.gov/niosh/"
"#;

#[test]
fn the_tips_file_is_read_and_a_bad_tip_is_named_by_its_key() {
    let tips = read_file(GOOD).unwrap();
    assert_eq!(tips.len(), 1);
    assert!(tips[0].high_stress);
    assert_eq!(tips[0].also, vec![Topic::Workload]);
    let bad_topic = GOOD.replace("topic = \"breaks\"", "topic = \"pizza\"");
    let err = read_file(&bad_topic).unwrap_err().to_string();
    assert!(
        err.contains("start-breaks-1") && err.contains("pizza"),
        "{err}"
    );
    let no_source = GOOD.replace("source_url = \"https://www.cdc.gov/niosh/\"\n", "");
    let err = read_file(&no_source).unwrap_err().to_string();
    assert!(
        err.contains("start-breaks-1") && err.contains("source_url"),
        "{err}"
    );
    let long = GOOD.replace("Take the break.", &"x".repeat(601));
    let err = read_file(&long).unwrap_err().to_string();
    assert!(err.contains("601 characters"), "{err}");
    let twice = format!("{GOOD}{GOOD}");
    let err = read_file(&twice).unwrap_err().to_string();
    assert!(err.contains("used twice"), "{err}");
}

fn tip(high_stress: bool, roles: &[&str]) -> Tip {
    Tip {
        id: 1,
        key: None,
        community: "console:lab".into(),
        topic: Topic::Sleep,
        also: vec![],
        high_stress,
        roles: roles.iter().map(|r| (*r).to_owned()).collect(),
        text: "Blackout curtains.".into(),
        source_name: None,
        source_url: None,
        status: TipStatus::Live,
        helpful: 0,
        created_at: 0,
        author_line: "a member".into(),
        author: Some("console:bob (bob)".into()),
    }
}

#[test]
fn a_check_in_tip_fits_the_stress_and_the_members_role() {
    let calm = CheckinContext { stressed: false };
    let stressed = CheckinContext { stressed: true };
    assert!(checkin_fit(&tip(true, &[]), calm, &[]).is_none());
    assert!(checkin_fit(&tip(true, &[]), stressed, &[]).is_some());
    assert!(checkin_fit(&tip(false, &["night-shift"]), calm, &["phlebotomy"]).is_none());
    let fits = checkin_fit(&tip(false, &["phlebotomy"]), calm, &["phlebotomy"]).unwrap();
    assert!(fits > checkin_fit(&tip(false, &[]), calm, &["phlebotomy"]).unwrap());
}

#[test]
fn only_moderators_see_who_wrote_a_tip() {
    let t = tip(false, &[]);
    let member = item(&t, false);
    assert!(member.subtitle.contains("shared by a member"));
    assert!(!member.subtitle.contains("console:bob"));
    assert!(item(&t, true).subtitle.contains("console:bob"));
}
