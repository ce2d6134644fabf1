//! The tips library through Matrix: a member shares a tip (live at once where the community
//! moderates after), another finds it with !tips and votes it helpful, and the tip of the week
//! arrives in the room with its author line.

use super::community;
use crate::support::{BotAccount, Human};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_shared_tip_is_found_voted_helpful_and_posted_in_the_room_as_the_tip_of_the_week() {
    let host = Human::new("thost").await;
    let reader = Human::new("treader").await;
    let bot = BotAccount::new().await;
    let (room, alias) = community(&host, &bot, &[&reader]).await;
    let tips = format!(
        "\n[tips]\n[[tips.communities]]\ncommunity = \"matrix:{room}\"\nmoderation = \"after\"\n\
         weekly_channel = \"{room}\"\nweekly_day = \"monday\"\nweekly_time = \"09:00\"\n"
    );
    let mut running = bot
        .start_full(
            &[(&alias, None)],
            Some("2026-12-07T08:00:00-05:00"),
            &["localhost"],
            &tips,
        )
        .ready()
        .await;

    let mark = host.mark();
    host.say(
        &room,
        "!tip share topic:nights text:Eat your main meal before the shift zqxmatrix",
    )
    .await;
    let shared = host
        .wait_for(mark, "the share's answer", |s| {
            s.sender == bot.user_id() && s.body.contains("is live")
        })
        .await;
    let id: String = shared
        .body
        .split("tip #")
        .nth(1)
        .expect("a tip number")
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();

    let mark = reader.mark();
    reader.say(&room, "!tips night shift").await;
    let list = reader
        .wait_for(mark, "the list", |s| {
            s.sender == bot.user_id() && s.room == room && s.body.contains("zqxmatrix")
        })
        .await;
    assert!(list.body.contains("shared by a member"), "{}", list.body);
    assert!(!list.body.contains("thost"), "{}", list.body);

    let mark = reader.mark();
    reader.say(&room, &format!("!tip helpful {id}")).await;
    reader
        .wait_for(mark, "the vote's answer", |s| {
            s.sender == bot.user_id() && s.body.contains("counts")
        })
        .await;

    // Monday 09:00: the voted tip is the best rated, so it is the tip of the week.
    let mark = reader.mark();
    running.advance("1h").await;
    let post = reader
        .wait_for(mark, "the tip of the week", |s| {
            s.sender == bot.user_id() && s.room == room && s.body.contains("Tip of the week")
        })
        .await;
    assert!(post.body.contains("zqxmatrix"), "{}", post.body);
    assert!(post.body.contains("shared by a member"), "{}", post.body);
    assert!(post.in_reply_to.is_none());
}
