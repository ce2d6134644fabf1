//! Notices about events (the waitlist, a place opened up) come by DM through the outbox: one
//! server error from Discord delays a notice, it does not lose it.

use super::*;
use fake_discord::Call;

/// The bot's DMs (messages posted outside the announcement channel) that say `text`, failed
/// attempts included.
fn dms_saying(fake: &FakeDiscord, text: &str) -> Vec<Call> {
    fake.calls_to("POST", "/messages")
        .into_iter()
        .filter(|c| !c.path.contains(ANNOUNCEMENTS_ID) && c.text().contains(text))
        .collect()
}

/// Waits until `count` DMs say `text`.
async fn wait_dms(fake: &FakeDiscord, text: &str, count: usize) -> Vec<Call> {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    loop {
        let found = dms_saying(fake, text);
        if found.len() >= count {
            return found;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "waited for {count} DMs saying {text:?}; calls:\n{}",
            fake.describe_calls()
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_promotion_notice_that_meets_a_server_error_arrives_after_a_retry() {
    let fake = FakeDiscord::start().await;
    let mut bot = Labcircle::start(&fake).await;
    let id = fake.slash(
        &user(1, "olga"),
        MANAGE_EVENTS,
        &["meetup", "create"],
        json!([
            string("title", "Histo night out"),
            string("when", "Dec 10 6:30pm"),
            string("where", "Brewpub on 5th"),
            string("capacity", "1")
        ]),
    );
    let answer = fake.callback(&id).await;
    assert!(
        answer.text().contains("Histo night out"),
        "{}",
        answer.text()
    );
    let posts = fake
        .wait_calls("POST", &format!("/channels/{ANNOUNCEMENTS_ID}/messages"), 1)
        .await;
    let message = posts[0].created.clone().unwrap();
    fake.wait_calls("PUT", "/reactions/", 3).await;

    // One place: bob has it, cat is on the waitlist (and told so, by DM).
    fake.react(&user(4, "bob"), ANNOUNCEMENTS_ID, &message, "✅", true);
    shows(&fake, "1", "1 / 1 going").await;
    fake.react(&user(5, "cat"), ANNOUNCEMENTS_ID, &message, "✅", true);
    wait_dms(&fake, "you're on the waitlist", 1).await;

    // Bob takes his ✅ back: cat gets the place, and Discord answers the DM with a 500.
    fake.fail_next("POST", "/messages", 500);
    fake.react(&user(4, "bob"), ANNOUNCEMENTS_ID, &message, "✅", false);
    let failed = wait_dms(&fake, "A place opened up", 1).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(
        dms_saying(&fake, "A place opened up").len(),
        1,
        "failed once, not yet retried"
    );

    // After the outbox's backoff (30 s) it is sent again, with the same nonce, and once only.
    bot.advance("1m").await;
    let sent = wait_dms(&fake, "A place opened up", 2).await;
    assert!(sent[1].created.is_some(), "{}", fake.describe_calls());
    assert!(!failed[0].body["nonce"].is_null(), "{}", failed[0].body);
    assert_eq!(sent[1].body["nonce"], failed[0].body["nonce"]);
    assert!(sent[1].mentions_disabled());
    assert_eq!(sent[1].path, failed[0].path, "the same DM channel");
    bot.advance("1h").await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(dms_saying(&fake, "A place opened up").len(), 2);
}
