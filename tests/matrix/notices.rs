//! Notices about events come to the member's private chat through the outbox: a send that
//! fails is retried until it arrives, once.

use std::time::Duration;

use super::{community, reactions_on, set_power};
use crate::support::{BotAccount, Human};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_promotion_notice_whose_first_send_fails_arrives_after_a_retry_and_once() {
    let host = Human::new("nhost").await;
    let organizer = Human::new("norga").await;
    let first = Human::new("nfirst").await;
    let second = Human::new("nsecond").await;
    let bot = BotAccount::new().await;
    let (room, alias) = community(&host, &bot, &[&organizer, &first, &second]).await;
    set_power(&host, &room, &organizer.user_id(), 50).await;
    // The first send of a promotion notice fails, as a homeserver's 5xx would.
    let mut running = bot
        .start_env(
            &[(&alias, None)],
            Some("2026-12-01T12:00:00-05:00"),
            &["localhost"],
            "",
            &[("LABCIRCLE_TEST_MATRIX_FAIL_ONCE", "promoted:")],
        )
        .ready()
        .await;

    let mark = first.mark();
    organizer
        .say(
            &room,
            "!meetup create title:Night shift coffee when:Dec 9 18:00 where:Cafe capacity:1",
        )
        .await;
    let announcement = first
        .wait_for(mark, "the announcement", |s| {
            s.sender == bot.user_id()
                && s.room == room
                && s.body.contains("Night shift coffee")
                && s.in_reply_to.is_none()
        })
        .await;

    // The bot's own three reactions are on it (it has finished its post).
    let keys = reactions_on(&host, &room, &announcement.event_id, &bot.user_id()).await;
    assert_eq!(keys.len(), 3, "the bot's reactions");

    // One place: the first has it, the second is on the waitlist (told privately).
    let mark = second.mark();
    let going = first.react(&room, &announcement.event_id, "✅").await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    second.react(&room, &announcement.event_id, "✅").await;
    second
        .wait_for(mark, "the waitlist notice", |s| {
            s.sender == bot.user_id() && s.room != room && s.body.contains("waitlist")
        })
        .await;

    // The first takes their ✅ back: the promotion's first send fails, so nothing arrives yet.
    let mark = second.mark();
    first.redact(&room, &going).await;
    let is_promotion = |s: &crate::support::Seen| {
        s.sender == bot.user_id() && s.body.contains("A place opened up")
    };
    running
        .wait_line("a private message fails on purpose, for a test")
        .await;
    second
        .never(mark, Duration::from_secs(1), is_promotion)
        .await;

    // After the outbox's backoff it is sent again, and arrives once.
    running.advance("1m").await;
    let promoted = second
        .wait_for(mark, "the promotion notice", is_promotion)
        .await;
    assert_ne!(promoted.room, room);
    assert!(promoted.encrypted);
    running.advance("1h").await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    let seen = second.seen()[mark..]
        .iter()
        .filter(|s| is_promotion(s))
        .count();
    assert_eq!(seen, 1, "sent once");
}
