//! Messages members write in their DM with the bot: answered in that DM, as messages with no
//! pings; anything written elsewhere (a server, a group DM) or by a bot gets no answer.

use super::*;
use fake_discord::{BOT_USER_ID, Call, GROUP_DM_ID};

/// The bot's messages in `channel`, once there are `count`.
async fn answers_in(fake: &FakeDiscord, channel: &str, count: usize) -> Vec<Call> {
    fake.wait_calls("POST", &format!("/channels/{channel}/messages"), count)
        .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_command_typed_in_a_dm_without_a_slash_is_answered_in_that_dm() {
    let fake = FakeDiscord::start().await;
    let _bot = Labcircle::start(&fake).await;
    let gil = user(40, "gil");

    let dm = fake.dm(&gil, "help");
    let answer = answers_in(&fake, &dm, 1).await.remove(0);
    let text = answer.text();
    assert!(text.contains("/findgroup"), "{text}");
    assert!(text.contains("/crisis"), "{text}");
    assert!(answer.mentions_disabled(), "{}", answer.body);

    fake.dm(&gil, "crisis");
    let answer = answers_in(&fake, &dm, 2).await.remove(1);
    assert!(answer.text().contains("988"), "{}", answer.text());
    // A DM is answered as a message in it, never as an interaction.
    assert!(fake.calls_to("POST", "/interactions/").is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dm_that_starts_by_naming_the_bot_is_read_without_it_and_never_logged() {
    let fake = FakeDiscord::start().await;
    let bot = Labcircle::start(&fake).await;
    let jo = user(44, "jo");

    let dm = fake.dm(&jo, &format!("<@{BOT_USER_ID}> crisis"));
    let answer = answers_in(&fake, &dm, 1).await.remove(0);
    assert!(answer.text().contains("988"), "{}", answer.text());

    fake.dm(&jo, &format!("<@{BOT_USER_ID}> quietly struggling tonight"));
    answers_in(&fake, &dm, 2).await;
    let log = bot.process.stderr();
    assert!(!log.contains("struggling tonight"), "{log}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn messages_from_bots_in_servers_or_in_group_dms_get_no_answer() {
    let fake = FakeDiscord::start().await;
    let _bot = Labcircle::start(&fake).await;
    let mut other_bot = user(41, "helperbot");
    other_bot["bot"] = json!(true);
    let bot_dm = fake.dm(&other_bot, "help");
    let hal = user(42, "hal");
    fake.write_in(Some(GUILD_ID), &hal, "help");
    fake.write_in(None, &hal, "help");
    // The bot's own message in a DM comes back as an event too.
    let mut itself = FakeDiscord::user(BOT_USER_ID, "labcircle");
    itself["bot"] = json!(true);
    fake.dm(&itself, "crisis");

    // Someone's DM, written last, is answered: the others have been read by then.
    let dm = fake.dm(&hal, "crisis");
    answers_in(&fake, &dm, 1).await;
    tokio::time::sleep(Duration::from_millis(800)).await;
    let posts = fake.calls_to("POST", "/messages");
    let paths: Vec<&str> = posts.iter().map(|c| c.path.as_str()).collect();
    assert_eq!(posts.len(), 1, "{paths:?}");
    assert!(posts[0].path.contains(&dm));
    assert!(!posts[0].path.contains(&bot_dm));
    assert!(fake.calls_to("POST", "/interactions/").is_empty());
    // A group DM was looked at, never written to.
    assert!(fake.calls_to("POST", GROUP_DM_ID).is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_answer_in_a_dm_pings_no_one_even_when_it_repeats_everyone() {
    let fake = FakeDiscord::start().await;
    let _bot = Labcircle::start(&fake).await;
    let ivy = user(43, "ivy");

    let dm = fake.dm(&ivy, "/help @everyone");
    let answer = answers_in(&fake, &dm, 1).await.remove(0);
    assert!(answer.mentions_disabled(), "{}", answer.body);
    assert!(
        answer.payload()["allowed_mentions"]["parse"]
            .as_array()
            .is_some_and(Vec::is_empty),
        "{}",
        answer.body
    );
    // Whatever the answer says of what Ivy wrote, it holds no working @everyone.
    assert!(!answer.text().contains("@everyone"), "{}", answer.text());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sentence_in_a_dm_is_searched_and_words_of_wanting_to_die_bring_988_first() {
    let fake = FakeDiscord::start().await;
    let _bot = Labcircle::start(&fake).await;
    let kim = user(45, "kim");

    // Not a command: read as a request and searched, answered in the DM.
    let dm = fake.dm(&kim, "I need someone to talk to tonight");
    let answer = answers_in(&fake, &dm, 1).await.remove(0);
    let text = answer.text();
    assert!(text.starts_with("Here is what I found for:"), "{text}");
    assert!(text.contains("someone to talk to"), "{text}");
    assert!(!text.contains("I don't know the command"), "{text}");
    assert!(answer.mentions_disabled(), "{}", answer.body);

    // Words of wanting to die: the crisis lines come first, and nothing is searched.
    fake.dm(&kim, "i want to die");
    let answer = answers_in(&fake, &dm, 2).await.remove(1);
    let text = answer.text();
    assert!(text.starts_with("Thank you for telling me."), "{text}");
    let at = |needle: &str| text.find(needle).unwrap_or(usize::MAX);
    assert!(
        at("988") < at("741741") && at("741741") < usize::MAX,
        "{text}"
    );
    assert!(!text.contains("Here is what I found for"), "{text}");
    // One answer each, in the DM, never as an interaction.
    tokio::time::sleep(Duration::from_millis(800)).await;
    assert_eq!(fake.calls_to("POST", "/messages").len(), 2);
    assert!(fake.calls_to("POST", "/interactions/").is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn checkin_history_in_a_dm_comes_with_the_trend_chart_attached_as_a_png() {
    let fake = FakeDiscord::start().await;
    let bot = Labcircle::start(&fake).await;
    let lee = user(46, "lee");

    let dm = fake.dm(&lee, "checkin start Monday 9am Eastern");
    answers_in(&fake, &dm, 1).await;
    fake.dm(&lee, "checkin now");
    let n = answers_in(&fake, &dm, 2).await.len();
    fake.dm(&lee, "checkin answer 2 stress:4");
    answers_in(&fake, &dm, n + 1).await;
    fake.dm(&lee, "checkin history");
    let history = answers_in(&fake, &dm, n + 2).await.remove(n + 1);

    assert!(
        history.text().contains("Your last 12 weeks"),
        "{}",
        history.text()
    );
    assert_eq!(history.attachments.len(), 1, "{}", history.body);
    let (name, png) = &history.attachments[0];
    assert_eq!(name, "checkin-trend-12-weeks.png");
    assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"), "PNG bytes, intact");
    // The embed shows the picture, and the attachment carries the alt text.
    let payload = history.payload();
    assert_eq!(
        payload["embeds"][0]["image"]["url"],
        "attachment://checkin-trend-12-weeks.png"
    );
    let alt = payload["attachments"][0]["description"]
        .as_str()
        .unwrap_or_default();
    assert!(
        alt.starts_with("Mood was 2 (one answer)"),
        "{}",
        history.body
    );
    // Only in the DM: nothing in a server channel, and the answers are not logged.
    assert!(
        fake.calls_to("POST", &format!("/channels/{ANNOUNCEMENTS_ID}/messages"))
            .is_empty()
    );
    let log = bot.process.stderr();
    assert!(!log.contains("stress:4"), "{log}");
}
