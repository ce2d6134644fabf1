//! Meetup retention through the console binary on the simulated clock: a meetup goes with its
//! RSVPs and deliveries `meetups.retention_days` (90) after it ends, not before.

use labcircle::store::Store;

use crate::support::{Lab, saved_file};

const MONDAY_8AM: &str = "2026-12-07T08:00:00-05:00";

/// Per meetup: its number, whether it is stored, how many RSVPs it has.
fn rows_per_meetup(lab: &Lab) -> Vec<(i64, bool, usize)> {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let db = lab.database();
    rt.block_on(async move {
        let store = Store::open(&db).await.unwrap();
        let mut out = Vec::new();
        for id in [1, 2] {
            out.push((
                id,
                store.meetup(id).await.unwrap().is_some(),
                store.rsvps(id).await.unwrap().len(),
            ));
        }
        store.close().await;
        out
    })
}

/// The number of the announcement of meetup `id` in the console's output ("[#5] Meetup #2: …").
fn announcement(messages: &[String], id: i64) -> String {
    let head = format!("Meetup #{id}:");
    messages
        .iter()
        .find_map(|m| {
            let (number, rest) = m.strip_prefix("[#")?.split_once("] ")?;
            rest.starts_with(&head).then(|| number.to_owned())
        })
        .unwrap_or_else(|| panic!("no announcement of #{id}: {messages:#?}"))
}

#[test]
fn a_meetup_is_deleted_with_its_rsvps_and_deliveries_90_days_after_it_ends_not_before() {
    let lab = Lab::new();
    let run = lab.run(
        &[
            "console",
            "--as",
            "olga",
            "--role",
            "organizer",
            "--clock",
            MONDAY_8AM,
        ],
        // Both last two hours: #1 ends Dec 8 at 20:00, #2 two days later. Bob answers both
        // announcements (bot messages #2 and #4) and hears the reminders.
        "/meetup create title:Histo night out when:Dec 8 6pm where:Brewpub on 5th\n\
         /meetup create title:Night shift coffee when:Dec 10 6pm where:Diner on Main\n\
         :as bob\n:react 2 ✅\n:react 4 ✅\n:advance 4d\n",
    );
    let messages = run.messages();
    assert_eq!(announcement(&messages, 1), "2", "{messages:#?}");
    assert_eq!(announcement(&messages, 2), "4", "{messages:#?}");
    assert!(
        messages
            .iter()
            .any(|m| m.starts_with("[private to bob") && m.contains("Reminder")),
        "reminders went out: {messages:#?}"
    );
    let before = rows_per_meetup(&lab);
    assert_eq!(
        before,
        [(1, true, 1), (2, true, 1)],
        "both kept, each with bob's RSVP"
    );
    let deliveries_before = deliveries(&lab);
    assert!(
        deliveries_before.iter().all(|(_, n)| *n >= 2),
        "announcement and reminder for each: {deliveries_before:?}"
    );

    // Mar 9, 20:00 ET: #1 ended 91 days ago, #2 89 days ago.
    let later = lab.console_at(
        "olga",
        "2027-03-09T20:00:00-05:00",
        ":advance 1m\n/mydata\n/meetup show 1\n",
        &[],
    );
    let after = rows_per_meetup(&lab);
    assert_eq!(
        after,
        [(1, false, 0), (2, true, 1)],
        "#1 gone with its RSVP, #2 kept"
    );
    let deliveries_after = deliveries(&lab);
    assert_eq!(
        deliveries_after.iter().find(|(id, _)| *id == 1),
        None,
        "no delivery of #1 left: {deliveries_after:?}"
    );
    assert_eq!(
        deliveries_after.iter().find(|(id, _)| *id == 2),
        deliveries_before.iter().find(|(id, _)| *id == 2),
        "#2's deliveries stay"
    );

    let data = later
        .messages()
        .into_iter()
        .find(|m| m.contains("What labcircle keeps about you"))
        .unwrap_or_else(|| panic!("no /mydata answer:\n{}", later.stdout));
    assert!(
        data.contains("You organise #2 Night shift coffee"),
        "{data}"
    );
    assert!(!data.contains("Histo night out"), "{data}");
    let file = saved_file(&data, "labcircle-my-data.json");
    let json: serde_json::Value = serde_json::from_str(&file).unwrap();
    let organised = json["meetups_you_organised"].as_array().unwrap();
    assert_eq!(organised.len(), 1, "{file}");
    assert_eq!(organised[0]["meetup"], "#2 Night shift coffee", "{file}");
    assert_eq!(organised[0]["location"], "Diner on Main", "{file}");
    assert!(
        organised[0]["starts_at"]
            .as_str()
            .unwrap()
            .starts_with("Thu Dec 10, 2026, 18:00"),
        "{file}"
    );
}

/// Deliveries per meetup (meetup id, how many).
fn deliveries(lab: &Lab) -> Vec<(i64, i64)> {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let db = lab.database();
    rt.block_on(async move {
        let store = Store::open(&db).await.unwrap();
        let counts = store.deliveries_per_meetup().await.unwrap();
        store.close().await;
        counts
    })
}
