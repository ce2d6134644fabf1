//! Private notices about events (the waitlist, a place opened up, a reaction not counted) go
//! through the outbox: a failed send is retried until it arrives, a send that cannot succeed
//! is given up on, and nothing is sent twice, across retries and restarts.

use chrono::{Duration, TimeZone, Utc};

use labcircle::scheduler::DeliveryError;

use crate::support::Lab;
use crate::world::{Recorder, World};

/// Meetup #1 with one place, announced as `post1`; bob has the place and carol is on the
/// waitlist (told so).
async fn full_meetup() -> (World, Recorder) {
    let start = Utc.with_ymd_and_hms(2026, 12, 7, 13, 0, 0).unwrap();
    let world = World::new(start).await;
    let created = world
        .organizer_says(
            "olga",
            "/meetup create title:Histo night when:Dec 9 18:00 where:Hall capacity:1",
        )
        .await;
    assert!(created.contains("Meetup #1 is created"), "{created}");
    let mut sink = Recorder::at(start);
    world.step(&mut sink, 10).await;
    assert_eq!(sink.posts().len(), 1, "{:#?}", sink.sent);
    world.react("bob", "post1", "✅", true).await;
    let answer = world.react("carol", "post1", "✅", true).await;
    assert!(answer.is_empty(), "told through the outbox: {answer:#?}");
    world.step(&mut sink, 10).await;
    let told = sink.directs().join("\n");
    assert!(told.contains("you're on the waitlist"), "{told}");
    (world, sink)
}

fn promotions(sink: &Recorder) -> usize {
    sink.directs()
        .iter()
        .filter(|t| t.contains("A place opened up"))
        .count()
}

#[tokio::test]
async fn a_promotion_notice_that_meets_a_server_error_arrives_after_a_retry_and_only_once() {
    let (world, mut sink) = full_meetup().await;
    // Bob takes his ✅ back: carol gets the place, but the platform answers 503.
    world.react("bob", "post1", "✅", false).await;
    sink.fail_with = Some(DeliveryError::Transient("503 Service Unavailable".into()));
    world.step(&mut sink, 10).await;
    sink.fail_with = None;
    assert_eq!(promotions(&sink), 0);

    // Retried after its backoff, and sent once.
    world.advance(Duration::minutes(2), &mut sink).await;
    assert_eq!(promotions(&sink), 1, "{:#?}", sink.sent);
    let sent = sink
        .sent
        .iter()
        .find(|s| s.text.contains("A place opened up"));
    assert_eq!(sent.map(|s| s.to.as_str()), Some("carol"));

    // A restart sends nothing again.
    let world = world.restart().await;
    world.advance(Duration::hours(1), &mut sink).await;
    assert_eq!(promotions(&sink), 1, "{:#?}", sink.sent);
}

#[tokio::test]
async fn a_notice_to_a_member_whose_dms_are_closed_is_given_up_on_not_retried() {
    let (world, mut sink) = full_meetup().await;
    let before = sink.sent.len();
    world.react("bob", "post1", "✅", false).await;
    sink.fail_with = Some(DeliveryError::Permanent("403 Cannot send messages".into()));
    world.step(&mut sink, 10).await;
    sink.fail_with = None;
    world.advance(Duration::hours(2), &mut sink).await;
    assert_eq!(promotions(&sink), 0, "{:#?}", sink.sent[before..].to_vec());
    let status = world.bot.store().outbox_status().await.unwrap();
    assert!(
        status
            .failed
            .iter()
            .any(|(who, kind, _)| who.id == "carol" && kind == "notice_promoted"),
        "{status:?}"
    );
}

#[tokio::test]
async fn a_promotion_no_longer_true_when_its_turn_comes_is_not_sent() {
    let (world, mut sink) = full_meetup().await;
    world.react("bob", "post1", "✅", false).await;
    // Carol changes her mind before the notice goes out (the platform was down).
    world.react("carol", "post1", "✅", false).await;
    world.advance(Duration::minutes(5), &mut sink).await;
    assert_eq!(promotions(&sink), 0, "{:#?}", sink.sent);
}

#[tokio::test]
async fn a_reaction_that_is_not_counted_is_told_privately_through_the_outbox() {
    let (world, mut sink) = full_meetup().await;
    let cancelled = world
        .organizer_says("olga", "/meetup cancel 1 reason:the hall flooded")
        .await;
    assert!(cancelled.contains("cancelled"), "{cancelled}");
    let answer = world.react("dan", "post1", "✅", true).await;
    assert!(answer.is_empty(), "{answer:#?}");
    world.step(&mut sink, 20).await;
    let told: Vec<_> = sink.sent.iter().filter(|s| s.to == "dan").collect();
    assert_eq!(told.len(), 1, "{:#?}", sink.sent);
    assert!(
        told[0]
            .text
            .contains("is cancelled; your reaction was not counted"),
        "{}",
        told[0].text
    );
}

const MONDAY_8AM: &str = "2026-12-07T08:00:00-05:00";

#[test]
fn a_promotion_notice_is_not_sent_twice_after_a_restart() {
    let lab = Lab::new();
    let console = |who: &str, lines: &str| {
        lab.run(
            &[
                "console",
                "--as",
                who,
                "--role",
                "organizer",
                "--clock",
                MONDAY_8AM,
            ],
            lines,
        )
    };
    let first = console(
        "olga",
        "/meetup create title:Histo night out when:Dec 10 6:30pm where:Brewpub capacity:1\n\
         :as bob\n:react 2 ✅\n:as carol\n:react 2 ✅\n:as bob\n:unreact 2 ✅\n:advance 5s\n",
    );
    let told: Vec<String> = first
        .messages()
        .into_iter()
        .filter(|m| m.contains("A place opened up"))
        .collect();
    assert_eq!(told.len(), 1, "{}", first.stdout);
    assert!(told[0].starts_with("[private to carol"), "{}", told[0]);

    // The same data, a new process, time moving on: nothing is sent again.
    let again = console("olga", ":advance 2h\n/meetup show 1\n");
    assert!(
        !again.stdout.contains("A place opened up"),
        "{}",
        again.stdout
    );
    assert!(again.stdout.contains("carol (going)"), "{}", again.stdout);
}
