//! The tips library through Discord: a member shares a tip (live at once where the community
//! moderates after), another finds it with /tips and votes it helpful, and the tip of the week
//! arrives in the configured channel with its author line, then a starting-set one with its
//! source.

use super::*;

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
