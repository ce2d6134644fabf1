//! The tips library through Discord: a member shares a tip (live at once where the community
//! moderates after), another finds it with /tips and votes it helpful, and the tip of the week
//! arrives in the configured channel with its author line, then a starting-set one with its
//! source; where tips wait for a moderator, only a moderator makes one live, a saved list is
//! private, and a check-in answer in a DM brings one tip.

use super::*;
use fake_discord::Call;

/// The channel the guild's tip of the week goes to.
const TIPS_CHANNEL: &str = "700000000000000077";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_shared_tip_is_found_voted_helpful_and_posted_as_the_tip_of_the_week_with_its_author_line()
 {
    let fake = FakeDiscord::start().await;
    let servers = format!(
        "guilds = [\"{GUILD_ID}\"]\n\
         [[discord.communities]]\nguild = \"{GUILD_ID}\"\nannouncements = \"{ANNOUNCEMENTS_ID}\"\n\
         [tips]\n[[tips.communities]]\ncommunity = \"discord:{GUILD_ID}\"\nmoderation = \"after\"\n\
         weekly_channel = \"{TIPS_CHANNEL}\"\nweekly_day = \"monday\"\nweekly_time = \"09:00\"\n"
    );
    let mut bot = Labcircle::start_in(Home::new(), &fake, &servers).await;

    let shared = fake.slash(
        &user(1, "alice"),
        NONE,
        &["tip", "share"],
        json!([
            string("topic", "understaffed"),
            string(
                "text",
                "Split the backlog by priority with the lead at the start of the shift"
            )
        ]),
    );
    let answer = fake.callback(&shared).await;
    assert!(answer.text().contains("is live"), "{}", answer.text());
    let id = answer
        .text()
        .split("tip #")
        .nth(1)
        .and_then(|rest| rest.split(' ').next())
        .expect("a tip number")
        .to_owned();

    let browse = fake.slash(
        &user(2, "bob"),
        NONE,
        &["tips"],
        json!([string("topic_words_saved", "short staffed")]),
    );
    let list = fake.callback(&browse).await;
    assert!(list.text().contains("Split the backlog"), "{}", list.text());
    assert!(
        list.text().contains("shared by a member"),
        "{}",
        list.text()
    );
    assert!(!list.text().contains("alice"), "{}", list.text());

    let vote = fake.slash(
        &user(2, "bob"),
        NONE,
        &["tip", "helpful"],
        json!([string("id", &id)]),
    );
    let voted = fake.callback(&vote).await;
    assert!(voted.text().contains("counts"), "{}", voted.text());

    // Monday 09:00: the voted tip is the best rated, so it is the tip of the week.
    bot.advance("1h").await;
    let path = format!("/channels/{TIPS_CHANNEL}/messages");
    let posts = fake.wait_calls("POST", &path, 1).await;
    let post = posts[0].text();
    assert!(post.contains("Tip of the week"), "{post}");
    assert!(post.contains("Split the backlog"), "{post}");
    assert!(post.contains("shared by a member"), "{post}");
    assert!(posts[0].mentions_disabled());
    fake.wait_calls("PUT", "/reactions/", 1).await;

    // A week later: not the same tip again; a starting-set one, with its source.
    bot.advance("7d").await;
    let posts = fake.wait_calls("POST", &path, 2).await;
    let second = posts[1].text();
    assert!(!second.contains("Split the backlog"), "{second}");
    assert!(second.contains("Source: "), "{second}");
}

/// Sends `/path options` as `who` and returns the bot's answer.
async fn ask(fake: &FakeDiscord, who: &Value, path: &[&str], options: Value) -> Call {
    let interaction = fake.slash(who, NONE, path, options);
    fake.callback(&interaction).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_tip_waits_for_a_moderator_is_saved_privately_and_one_follows_a_check_in_answer() {
    let fake = FakeDiscord::start().await;
    let bot = Labcircle::start(&fake).await;
    let (alice, bob, mo) = (user(1, "alice"), user(2, "bob"), user(13, "mo"));

    // Tips wait for a moderator by default.
    let shared = ask(
        &fake,
        &alice,
        &["tip", "share"],
        json!([
            string("topic", "self-care"),
            string("text", "A short walk after the shift zqxdiscord")
        ]),
    )
    .await;
    assert!(shared.ephemeral(), "{}", shared.body);
    assert!(
        shared.text().contains("waits for a moderator"),
        "{}",
        shared.text()
    );
    let id: String = shared
        .text()
        .split("tip #")
        .nth(1)
        .expect("a tip number")
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    let words = || json!([string("topic_words_saved", "zqxdiscord")]);
    let early = ask(&fake, &bob, &["tips"], words()).await;
    assert!(!early.text().contains("A short walk"), "{}", early.text());

    // Only a directory moderator decides.
    let approve = || json!([string("id", &id)]);
    let refused = ask(&fake, &bob, &["tip", "approve"], approve()).await;
    assert!(refused.text().contains("moderators"), "{}", refused.text());
    let approved = ask(&fake, &mo, &["tip", "approve"], approve()).await;
    assert!(approved.text().contains("is live"), "{}", approved.text());
    let found = ask(&fake, &bob, &["tips"], words()).await;
    assert!(found.text().contains("A short walk"), "{}", found.text());

    // A saved list, shown only to its owner.
    let saved = ask(&fake, &bob, &["tip", "save"], approve()).await;
    assert!(saved.text().contains("Saved tip #"), "{}", saved.text());
    let list = ask(
        &fake,
        &bob,
        &["tips"],
        json!([string("topic_words_saved", "saved")]),
    )
    .await;
    assert!(list.ephemeral(), "{}", list.body);
    assert!(list.text().contains("A short walk"), "{}", list.text());
    let others = ask(
        &fake,
        &alice,
        &["tips"],
        json!([string("topic_words_saved", "saved")]),
    )
    .await;
    assert!(others.text().contains("no saved tips"), "{}", others.text());

    // After a check-in answer in a DM: one tip from peers under the answer.
    let lee = user(46, "lee");
    let dm = fake.dm(&lee, "checkin start Monday 9am Eastern");
    let dm_path = format!("/channels/{dm}/messages");
    fake.wait_calls("POST", &dm_path, 1).await;
    fake.dm(&lee, "checkin now");
    let n = fake.wait_calls("POST", &dm_path, 2).await.len();
    fake.dm(&lee, "checkin answer 4 stress:2");
    let answer = fake.wait_calls("POST", &dm_path, n + 1).await.remove(n);
    assert!(answer.text().contains("Recorded:"), "{}", answer.text());
    assert!(
        answer.text().contains("A tip from peers"),
        "{}",
        answer.text()
    );
    assert!(answer.mentions_disabled());
    let log = bot.process.stderr();
    assert!(!log.contains("stress:2"), "{log}");
}
