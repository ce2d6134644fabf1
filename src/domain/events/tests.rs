use chrono::NaiveDate;

use super::*;

fn day(s: &str) -> NaiveDate {
    s.parse().expect("a test date")
}

fn event(key: &str, start: Option<&str>, usual: Option<&str>, yearly: bool) -> Event {
    Event {
        key: key.into(),
        name: key.into(),
        kind: EventKind::Conference,
        organiser: "Org".into(),
        specialties: vec!["all".into()],
        states: vec![],
        place: "Somewhere".into(),
        online: false,
        start: start.map(day),
        end: start.map(day),
        usual: usual.map(Into::into),
        yearly,
        url: "https://example.org".into(),
        source: "example.org".into(),
        sure: Sureness::Confirmed,
    }
}

#[test]
fn upcoming_dated_events_come_first_soonest_first_then_recurring_ones_by_name() {
    let events = vec![
        event("late", Some("2026-10-01"), None, false),
        event("b-recurring", None, Some("April"), true),
        event("soon", Some("2026-03-01"), None, false),
        event("a-recurring", None, Some("May"), true),
    ];
    let (dated, recurring) = listing(&events, day("2026-02-01"), None, None);
    let keys = |v: &[&Event]| v.iter().map(|e| e.key.clone()).collect::<Vec<_>>();
    assert_eq!(keys(&dated), ["soon", "late"]);
    assert_eq!(keys(&recurring), ["a-recurring", "b-recurring"]);
}

#[test]
fn a_one_off_event_drops_out_after_its_last_day_and_a_yearly_one_waits_for_next_dates() {
    let events = vec![
        event("one-off", Some("2026-03-01"), None, false),
        event("yearly", Some("2026-03-01"), Some("early March"), true),
    ];
    let (dated, _) = listing(&events, day("2026-03-01"), None, None);
    assert_eq!(dated.len(), 2, "both are shown on their own day");
    let (dated, recurring) = listing(&events, day("2026-03-02"), None, None);
    assert!(dated.is_empty());
    assert_eq!(recurring.len(), 1);
    assert_eq!(
        when_text(recurring[0], day("2026-03-02")),
        "next dates not announced yet; usually early March"
    );
}

#[test]
fn an_undated_event_says_its_dates_are_not_announced_with_its_usual_month() {
    let e = event("lab-week", None, Some("late April"), true);
    assert_eq!(
        when_text(&e, day("2026-12-01")),
        "dates not announced yet; usually late April"
    );
}

#[test]
fn dates_read_naturally_within_a_month_across_months_and_across_years() {
    assert_eq!(
        dates_text(day("2026-07-26"), day("2026-07-30")),
        "July 26-30, 2026"
    );
    assert_eq!(
        dates_text(day("2026-07-28"), day("2026-08-01")),
        "July 28 - August 1, 2026"
    );
    assert_eq!(
        dates_text(day("2026-12-30"), day("2027-01-02")),
        "December 30, 2026 - January 2, 2027"
    );
    assert_eq!(
        dates_text(day("2026-03-18"), day("2026-03-18")),
        "March 18, 2026"
    );
}

#[test]
fn a_state_filter_keeps_national_events_and_that_states_own() {
    let mut maine = event("maine", None, Some("fall"), true);
    maine.states = vec!["ME".into()];
    let events = vec![maine, event("national", None, Some("April"), true)];
    let (_, in_ohio) = listing(
        &events,
        day("2026-12-01"),
        Some(State::parse("OH").unwrap()),
        None,
    );
    assert_eq!(in_ohio.len(), 1);
    let (_, in_maine) = listing(
        &events,
        day("2026-12-01"),
        Some(State::parse("ME").unwrap()),
        None,
    );
    assert_eq!(in_maine.len(), 2);
}

#[test]
fn only_confirmed_dates_to_come_get_a_calendar_file() {
    let mut e = event("x", Some("2026-06-05"), None, true);
    assert!(e.calendar_dates(day("2026-06-01")).is_some());
    assert!(e.calendar_dates(day("2026-06-06")).is_none(), "past");
    e.sure = Sureness::Secondary;
    assert!(
        e.calendar_dates(day("2026-06-01")).is_none(),
        "not confirmed"
    );
}

#[test]
fn the_shipped_events_file_reads_and_every_event_has_dates_or_a_usual_month() {
    let events = read_file(include_str!("../../../data/events.toml")).expect("valid file");
    assert!(events.len() >= 15, "{}", events.len());
    assert!(
        events
            .iter()
            .all(|e| e.start.is_some() || e.usual.is_some())
    );
}

#[test]
fn an_events_file_with_an_unknown_state_is_refused_naming_the_event() {
    let text = "[[event]]\nkey = \"x\"\nname = \"X\"\nkind = \"webinar\"\norganiser = \"O\"\n\
                states = [\"ZZ\"]\nplace = \"online\"\nusual = \"May\"\nurl = \"u\"\n\
                source = \"s\"\nsure = \"confirmed\"\n";
    let err = read_file(text).unwrap_err().to_string();
    assert!(err.starts_with("event x:"), "{err}");
}
