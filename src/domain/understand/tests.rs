use super::*;

fn labels(text: &str) -> Vec<String> {
    read(text).wants.labels()
}

#[test]
fn contractions_and_stop_words_leave_no_stray_letters() {
    let r = read("I'm so tired, can't sleep and I don't know what to do");
    assert!(!r.terms.iter().any(|t| t.len() < 2), "{:?}", r.terms);
    assert_eq!(r.wants.needs, vec![Need::Burnout]);
    assert_eq!(words_of("I’m"), vec!["i", "am"]);
}

#[test]
fn a_whole_sentence_is_understood() {
    let r = read("I'm a night shift phlebotomist in Texas and burned out");
    assert_eq!(r.wants.specialty, Some(Specialty::Phlebotomy));
    assert_eq!(r.wants.place.as_ref().map(|p| p.state), Some(State::TX));
    assert_eq!(r.wants.shift, Some(Shift::Night));
    assert_eq!(r.wants.needs, vec![Need::Burnout]);
    assert_eq!(
        labels("I'm a night shift phlebotomist in Texas and burned out"),
        vec!["phlebotomy", "Texas", "night shift", "burnout"]
    );
}

#[test]
fn in_is_not_indiana_and_word_like_codes_need_a_place_word() {
    assert_eq!(read("support in person").wants.place, None);
    assert_eq!(read("I'm not ok").wants.place, None);
    assert_eq!(read("oh no, so stressed").wants.place, None);
    let or = read("histotech in Portland OR");
    assert_eq!(or.wants.place.map(|p| p.state), Some(State::OR));
    let me = read("peer support near Portland, ME");
    assert_eq!(me.wants.place.map(|p| p.state), Some(State::ME));
    assert_eq!(
        read("lab jobs in OH").wants.place.map(|p| p.state),
        Some(State::OH)
    );
    assert_eq!(
        read("Indiana").wants.place.map(|p| p.state),
        Some(State::IN)
    );
}

#[test]
fn credentials_that_are_also_state_codes_are_credentials_without_a_place_word() {
    let pa = read("PA here, burned out from grossing all day");
    assert_eq!(pa.wants.specialty, Some(Specialty::PathologistsAssistant));
    assert_eq!(pa.wants.place, None);
    let pa = read("MLS jobs in PA");
    assert_eq!(pa.wants.place.map(|p| p.state), Some(State::PA));
    assert_eq!(read("SBB").wants.specialty, Some(Specialty::BloodBank));
    assert_eq!(read("MLT Ohio").wants.specialty, Some(Specialty::Mlt));
}

#[test]
fn cities_mean_their_state_and_say_so_when_there_are_several() {
    let chicago = read("near Chicago").wants.place.unwrap();
    assert_eq!((chicago.state, chicago.city), (State::IL, Some("Chicago")));
    let portland = read("in Portland").wants.place.unwrap();
    assert_eq!(portland.state, State::OR);
    assert!(portland.note.unwrap().contains("ME"));
    assert_eq!(
        read("new york").wants.place.map(|p| p.state),
        Some(State::NY)
    );
    assert_eq!(
        read("Kansas City").wants.place.map(|p| p.state),
        Some(State::MO)
    );
}

#[test]
fn feelings_and_needs_become_topics() {
    assert_eq!(read("stress").wants.needs, vec![Need::Stress]);
    assert_eq!(read("anxiety").wants.needs, vec![Need::Anxiety]);
    assert_eq!(read("depressed").wants.needs, vec![Need::Depression]);
    assert_eq!(
        read("talk to someone who gets it").wants.needs,
        vec![Need::TalkToSomeone]
    );
    assert_eq!(
        read("I want to quit my job").wants.needs,
        vec![Need::Quitting]
    );
    assert_eq!(
        read("we're so short staffed").wants.needs,
        vec![Need::ShortStaffed]
    );
    let r = read("What should I do I'm so overwhelmed");
    assert_eq!(r.wants.needs, vec![Need::Overwhelmed]);
    assert!(r.terms.is_empty(), "{:?}", r.terms);
}

#[test]
fn slips_are_read_as_the_nearest_known_word_and_said() {
    let r = read("phlebotomy burnot");
    assert_eq!(r.wants.needs, vec![Need::Burnout]);
    assert_eq!(
        r.wants.corrected,
        vec![("burnot".to_owned(), "burnout".to_owned())]
    );
    assert_eq!(read("anxeity").wants.needs, vec![Need::Anxiety]);
    assert_eq!(
        read("histotechnoligist").wants.specialty,
        Some(Specialty::Histotechnology)
    );
    assert_eq!(read("chicgo").wants.place.map(|p| p.state), Some(State::IL));
}

#[test]
fn format_cost_and_kind_words_are_preferences() {
    let w = read("free online peer support").wants;
    assert_eq!(
        (w.cost, w.format, w.kind),
        (
            Some(Cost::Free),
            Some(Format::Online),
            Some(Kind::PeerSupport)
        )
    );
    let w = read("support group for lab techs").wants;
    assert!(w.lab_wide);
    assert_eq!(w.kind, Some(Kind::PeerSupport));
    assert!(read("support for my family").wants.family);
}
