//! The filters added for searches in members' own words (`city:`, `credential:`,
//! `facilitation:`), their refusals, and what a search says back.

use crate::support::Lab;

#[test]
fn city_means_its_state_and_a_slip_or_a_shared_name_is_said() {
    let lab = Lab::new();
    let m = lab
        .member(
            "/findgroup city:Chicgo\n/findgroup city:Portland\n/findgroup city:\"Portland, ME\"\n",
        )
        .messages();
    assert!(m[0].contains("Looking for: Chicago, Illinois"), "{}", m[0]);
    assert!(m[0].contains("details: /group show ascls-il"), "{}", m[0]);
    // No other state's society, ever.
    assert!(
        !m[0].contains("ascls-mi") && !m[0].contains("tacls"),
        "{}",
        m[0]
    );
    assert!(
        m[1].contains("Portland is in several states; I took Oregon")
            && m[1].contains("Portland, ME"),
        "{}",
        m[1]
    );
    assert!(m[2].contains("Looking for: Portland, Maine"), "{}", m[2]);
}

#[test]
fn credential_finds_entries_for_its_specialty_only() {
    let lab = Lab::new();
    let reply = lab.member("/findgroup credential:SBB\n").message(0);
    assert!(reply.contains("Looking for: SBB"), "{reply}");
    let first = reply.lines().nth(2).unwrap_or_default();
    assert!(first.contains("AABB"), "{reply}");
    // Generalist societies are not blood bank entries.
    assert!(!reply.contains("ascls-connect-open-forum"), "{reply}");
}

#[test]
fn facilitation_keeps_only_entries_led_that_way() {
    let lab = Lab::new();
    let reply = lab.member("/findgroup facilitation:peer_led\n").message(0);
    assert!(reply.contains("Looking for: peer-led"), "{reply}");
    assert!(reply.contains("ascp-community"), "{reply}");
    // 988 is staffed by counsellors, not peers.
    assert!(!reply.contains("988-lifeline"), "{reply}");
}

#[test]
fn wrong_values_say_what_is_accepted_and_search_nothing() {
    let lab = Lab::new();
    let m = lab
        .member(
            "/findgroup city:Atlantis\n/findgroup city:\n/findgroup credential:XYZ\n\
             /findgroup facilitation:bogus\n",
        )
        .messages();
    assert_eq!(m.len(), 4, "{m:#?}");
    assert!(
        m[0].contains("\"Atlantis\" is not a US city I know"),
        "{}",
        m[0]
    );
    assert!(m[0].contains("state:"), "{}", m[0]);
    assert!(m[1].contains("city: needs a city after it"), "{}", m[1]);
    assert!(
        m[2].contains("\"XYZ\" is not a credential I know") && m[2].contains("SBB"),
        "{}",
        m[2]
    );
    assert!(
        m[3].contains("peer_led, professional_led, none"),
        "{}",
        m[3]
    );
    for reply in &m {
        assert!(!reply.contains("details: /group show"), "{reply}");
    }
}

#[test]
fn what_was_understood_is_said_once_and_typed_text_comes_back_clean() {
    let lab = Lab::new();
    let m = lab
        .member(
            "/findgroup histotech specialty:histo state:TX\n\
             /findgroup burnout\u{202E}evil\n\
             /findgroup I need help page:2\n",
        )
        .messages();
    assert!(
        m[0].contains("Looking for: histotechnology · Texas\n"),
        "{}",
        m[0]
    );
    // A text-direction override typed into a search is not said back.
    assert!(!m[1].contains('\u{202E}'), "{}", m[1]);
    // A search in words pages like any other.
    assert!(m[2].contains("(page 2 of"), "{}", m[2]);
    assert!(m[2].contains("Looking for: someone to talk to"), "{}", m[2]);
}
