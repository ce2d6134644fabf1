//! Conferences and events through the console on a simulated clock: upcoming dated events
//! first, recurring ones with their usual month, past ones dropping out by themselves, and
//! calendar files only for confirmed dates.

use icalendar::{Calendar, CalendarComponent, Component};

use crate::support::Lab;

/// Sunday, March 1, 2026, noon in New York.
const MARCH_1: &str = "2026-03-01T12:00:00-05:00";

fn events(lab: &Lab, clock: &str, lines: &str) -> Vec<String> {
    lab.console_at("alice", clock, lines, &[]).messages()
}

#[test]
fn events_lists_upcoming_dated_events_soonest_first_then_recurring_ones_with_dates_not_announced() {
    let lab = Lab::new();
    let m = events(&lab, MARCH_1, "/events\n").join("\n\n");
    let coming = m.find("Coming up:").expect("a coming-up section");
    let regular = m.find("Held regularly:").expect("a recurring section");
    let aclps = m.find("ACLPS Annual Meeting").expect("ACLPS listed");
    let adlm = m.find("ADLM Annual Meeting").expect("ADLM listed");
    assert!(coming < aclps && aclps < adlm && adlm < regular, "{m}");
    assert!(m.contains("May 28-30, 2026"), "{m}");
    assert!(m.contains("July 26-30, 2026"), "{m}");
    assert!(
        m.contains("Medical Laboratory Professionals Week (Lab Week) — dates not announced yet; usually late April"),
        "{m}"
    );
    // CLEC was in February: it waits for its next dates.
    assert!(
        m.contains("next dates not announced yet; usually February or March"),
        "{m}"
    );
}

#[test]
fn a_past_event_drops_out_of_the_coming_up_list_when_the_clock_moves_past_it() {
    let lab = Lab::new();
    let m = events(
        &lab,
        "2026-07-29T12:00:00-04:00",
        "/events specialty:chemistry\n:advance 3d\n/events specialty:chemistry\n",
    );
    let before = m.iter().find(|x| x.contains("Coming up:")).expect("{m:#?}");
    assert!(before.contains("ADLM Annual Meeting") && before.contains("July 26-30, 2026"));
    let after = m.last().expect("a second list");
    assert!(!after.contains("Coming up:"), "{after}");
    assert!(!after.contains("July 26-30"), "{after}");
    assert!(
        after.contains("next dates not announced yet; usually late July"),
        "{after}"
    );
}

#[test]
fn a_calendar_file_is_given_for_confirmed_dates_and_refused_with_the_reason_otherwise() {
    let lab = Lab::new();
    let m = events(
        &lab,
        MARCH_1,
        "/events ics adlm-annual\n/events ics lab-week\n/events ics asm-microbe\n",
    );
    let file = m
        .iter()
        .find(|x| x.contains("BEGIN:VCALENDAR"))
        .expect("{m:#?}");
    let ics = &file[file.find("BEGIN:VCALENDAR").unwrap()..];
    let ics = &ics[..ics.find("END:VCALENDAR").unwrap() + "END:VCALENDAR".len()];
    let calendar: Calendar = ics.parse().expect("a calendar file that parses");
    let event = calendar
        .components
        .iter()
        .find_map(CalendarComponent::as_event)
        .expect("one event");
    assert!(
        event
            .get_summary()
            .unwrap()
            .starts_with("ADLM Annual Meeting")
    );
    assert!(ics.contains("DTSTART;VALUE=DATE:20260726"), "{ics}");
    assert!(ics.contains("DTEND;VALUE=DATE:20260731"), "{ics}");
    let all = m.join("\n\n");
    assert!(
        all.contains("There is no calendar file for Medical Laboratory Professionals Week (Lab Week): dates not announced yet; usually late April"),
        "{all}"
    );
    assert!(all.contains("seen only on a copy"), "{all}");
}

#[test]
fn a_bad_state_specialty_or_key_is_answered_with_what_is_accepted() {
    let lab = Lab::new();
    let m = events(
        &lab,
        MARCH_1,
        "/events Narnia\n/events specialty:astrology\n/events ics no-such-event\n",
    );
    let all = m.join("\n\n");
    assert!(
        all.contains("\"Narnia\" is not a US state I know."),
        "{all}"
    );
    assert!(
        all.contains("\"astrology\" is not a specialty I know."),
        "{all}"
    );
    assert!(
        all.contains("No event has the key \"no-such-event\""),
        "{all}"
    );
    assert!(all.contains("Accepted:"), "{all}");
}

#[test]
fn a_state_shows_its_own_meetings_with_the_national_events() {
    let lab = Lab::new();
    let maine = events(&lab, MARCH_1, "/events ME\n").join("\n\n");
    assert!(maine.contains("\"Maine Meeting\""), "{maine}");
    assert!(maine.contains("Lab Week"), "{maine}");
    let ohio = events(&lab, MARCH_1, "/events state:OH\n").join("\n\n");
    assert!(!ohio.contains("Maine Meeting"), "{ohio}");
    assert!(ohio.contains("Lab Week"), "{ohio}");
}

/// The shipped events file without the events whose keys are given (an older file).
fn without(keys: &[&str]) -> String {
    let shipped = labcircle::app::SHIPPED_EVENTS;
    shipped
        .split("\n[[event]]")
        .filter(|part| {
            !keys
                .iter()
                .any(|k| part.contains(&format!("key = \"{k}\"")))
        })
        .collect::<Vec<_>>()
        .join("\n[[event]]")
}

#[tokio::test]
async fn a_subscriber_is_told_once_about_a_new_event_after_an_upgrade_seeding_a_newer_file() {
    use crate::world::{Recorder, World};
    let world = World::new("2026-12-01T15:00:00Z".parse().unwrap()).await;
    let store = world.bot.store();
    let older = without(&["maine-meeting", "labtober"]);
    labcircle::app::seed_events_from(store, &older, world.now())
        .await
        .expect("the older file seeds");
    assert!(
        world
            .say("ohio", "/events subscribe OH")
            .await
            .contains("Ohio")
    );
    assert!(
        world
            .say("maine", "/events subscribe ME")
            .await
            .contains("Maine")
    );
    world.say("gone", "/events subscribe").await;
    assert!(
        world
            .say("gone", "/events unsubscribe")
            .await
            .contains("no longer")
    );

    let added =
        labcircle::app::seed_events_from(store, labcircle::app::SHIPPED_EVENTS, world.now())
            .await
            .expect("the newer file seeds");
    assert_eq!(added, ["labtober", "maine-meeting"]);
    // Seeding the same file again, and queueing again, tells nobody twice.
    labcircle::app::seed_events_from(store, labcircle::app::SHIPPED_EVENTS, world.now())
        .await
        .unwrap();
    store
        .queue_new_event_notices(&added, world.now().timestamp())
        .await
        .unwrap();
    let mut sink = Recorder::at(world.now());
    world.step(&mut sink, 1000).await;
    world.step(&mut sink, 1000).await;

    let told = sink.directs();
    let about = |what: &str| told.iter().filter(|t| t.contains(what)).count();
    assert_eq!(about("A new event was added"), 3, "{told:#?}");
    assert_eq!(
        about("#LABtober"),
        2,
        "national: both subscribers, {told:#?}"
    );
    assert_eq!(
        about("Maine Meeting"),
        1,
        "Maine's own: only Maine's, {told:#?}"
    );
    assert!(
        told.iter()
            .any(|t| t.contains("dates not announced yet; usually the fall")),
        "{told:#?}"
    );
}

#[test]
fn an_events_subscription_shows_in_mydata_and_ends_with_unsubscribe() {
    let lab = Lab::new();
    let m = events(
        &lab,
        MARCH_1,
        "/events subscribe OH\n/mydata\n/events unsubscribe\n/events unsubscribe\n",
    )
    .join("\n\n");
    assert!(
        m.contains(
            "You will be told privately when a new event is added: national events and Ohio's own."
        ),
        "{m}"
    );
    assert!(m.contains("national events and Ohio's"), "{m}");
    assert!(
        m.contains("You will no longer be told about new events."),
        "{m}"
    );
    assert!(
        m.contains("You were not subscribed to new events; nothing changed."),
        "{m}"
    );
}
