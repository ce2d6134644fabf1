//! What a member writes in their own words: in their private chat with the bot anything is
//! read as a request (words of suicide or self-harm answered first with the crisis lines), in
//! a community room only what is addressed to the bot is, and there ordinary chat stays
//! unanswered.

use std::time::Duration;

use super::community;
use super::support::{BotAccount, Human};

/// How a search in the member's own words begins.
const FOUND: &str = "Here is what I found for:";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sentences_are_requests_in_the_private_chat_and_chatter_in_a_room_is_left_alone() {
    let member = Human::new("tech").await;
    let bot = BotAccount::new().await;
    let (room, alias) = community(&member, &bot, &[]).await;
    let _running = bot.start(&[(&alias, None)], None).ready().await;

    // In the community room, chatter is not for the bot; "!sad" is, and is read as words.
    let mark = member.mark();
    member.say(&room, "I'm so stressed").await;
    let sad = member.say(&room, "!sad").await;
    let answer = member
        .wait_for(mark, "the answer to !sad", |s| {
            s.in_reply_to.as_ref() == Some(&sad)
        })
        .await;
    assert_eq!(answer.room, room);
    assert!(answer.body.starts_with(FOUND), "{}", answer.body);
    assert!(
        !answer.body.contains("I don't know the command"),
        "{}",
        answer.body
    );
    // The chatter, written first, was read first: by now any answer to it would be on its
    // way. A little longer, then nothing else from the bot, anywhere.
    member
        .never(mark, Duration::from_secs(3), |s| {
            s.sender == bot.user_id() && s.in_reply_to.as_ref() != Some(&sad)
        })
        .await;

    // The bot opens the member's private chat for a private answer.
    let mark = member.mark();
    member.say(&room, "!mydata").await;
    let data = member
        .wait_for(mark, "the data in a private chat", |s| {
            s.sender == bot.user_id() && s.room != room
        })
        .await;
    let direct = data.room.clone();
    member
        .wait_joined(&direct, &[member.user_id(), bot.user_id()])
        .await;

    // There, a sentence without a prefix is a search, saying what it understood.
    let found = member
        .ask(
            &direct,
            "night shift phlebotomist in Texas, burned out",
            "the search in the member's words",
        )
        .await;
    assert_eq!(found.room, direct);
    assert!(found.encrypted, "the private chat is encrypted");
    let understood = found.body.lines().next().unwrap_or_default();
    assert!(understood.starts_with(FOUND), "{}", found.body);
    for named in ["phlebotomy", "Texas", "burnout"] {
        assert!(understood.contains(named), "{named}: {}", found.body);
    }
    assert!(found.body.contains("\n1. "), "results: {}", found.body);

    // Words of wanting to die: the crisis lines before anything else, and no search.
    let mark = member.mark();
    let lines = member
        .ask(&direct, "I want to kill myself", "the crisis lines")
        .await;
    assert_eq!(lines.room, direct);
    let body = &lines.body;
    assert!(body.starts_with("Thank you for telling me."), "{body}");
    let at = |needle: &str| body.find(needle).unwrap_or(usize::MAX);
    assert!(
        at("988") < at("741741") && at("741741") < usize::MAX,
        "{body}"
    );
    assert!(!body.contains("Here is what I found"), "{body}");
    member
        .never(mark, Duration::from_secs(2), |s| {
            s.sender == bot.user_id() && s.event_id != lines.event_id
        })
        .await;
}
