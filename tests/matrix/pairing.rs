//! Pairing on Matrix: introductions come to each member's private chat and name nobody; one
//! accepts by typing `pair accept` there, the other by reacting 👍 to the introduction; once
//! both have, the bot opens an encrypted room with the two of them and says who is who, and
//! not before.

use std::time::Duration;

use super::community;
use crate::support::{BotAccount, Human, Seen};

const INTRO: &str = "This round's pairing: meet";
const ROOM_OPENED: &str = "Everyone accepted. This encrypted room is for you:";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn both_accept_in_their_private_chats_and_the_bot_opens_an_encrypted_room_with_both() {
    let host = Human::new("phost").await;
    let ann = Human::new("pann").await;
    let ben = Human::new("pben").await;
    let bot = BotAccount::new().await;
    let (room, alias) = community(&host, &bot, &[&ann, &ben]).await;
    // Monday 8:00 in New York; the round is Tuesday at 10:00.
    let mut running = bot
        .start(&[(&alias, None)], Some("2026-12-07T08:00:00-05:00"))
        .ready()
        .await;
    let from_bot = |s: &Seen| s.sender == bot.user_id();

    for (who, state) in [(&ann, "OH"), (&ben, "TX")] {
        let mark = who.mark();
        who.say(
            &room,
            &format!("!pair join role:peer shift:night state:{state} interests:hiking"),
        )
        .await;
        let joined = who
            .wait_for(mark, "the pairing confirmation, privately", |s| {
                from_bot(s) && s.body.contains("You're in pairing as a peer")
            })
            .await;
        assert_ne!(joined.room, room, "answered in the private chat");
    }

    let (ann_mark, ben_mark) = (ann.mark(), ben.mark());
    running.advance("27h").await;
    let to_ann = ann
        .wait_for(ann_mark, "an introduction", |s| {
            from_bot(s) && s.body.contains(INTRO)
        })
        .await;
    let to_ben = ben
        .wait_for(ben_mark, "an introduction", |s| {
            from_bot(s) && s.body.contains(INTRO)
        })
        .await;
    for (intro, other) in [(&to_ann, &ben), (&to_ben, &ann)] {
        assert!(intro.encrypted, "in the private chat");
        assert!(intro.mentions_empty);
        assert!(intro.body.contains("!pair accept"), "{}", intro.body);
        let other_id = other.user_id().to_string();
        let html = intro.html.clone().unwrap_or_default();
        assert!(
            !intro.body.contains(other.name.as_str()) && !html.contains(&other_id),
            "nobody is named yet: {}",
            intro.body
        );
    }
    assert!(to_ann.body.contains("Texas"), "{}", to_ann.body);

    // Ann accepts in her private chat, without the prefix; nothing is shared yet.
    let mark = ann.mark();
    ann.say(&to_ann.room, "pair accept").await;
    ann.wait_for(mark, "the thanks", |s| {
        from_bot(s) && s.body.contains("you accepted")
    })
    .await;
    ann.never(mark, Duration::from_secs(2), |s| {
        from_bot(s) && s.body.contains(ROOM_OPENED)
    })
    .await;

    // Ben accepts with a 👍 on the introduction: the bot opens an encrypted room with both and says who is who.
    let (ann_mark, ben_mark) = (ann.mark(), ben.mark());
    ben.react(&to_ben.room, &to_ben.event_id, "👍").await;
    let opened = ann
        .wait_for(ann_mark, "the room with both", |s| {
            from_bot(s) && s.body.contains(ROOM_OPENED)
        })
        .await;
    assert!(opened.encrypted, "the room is encrypted");
    assert!(opened.mentions_empty, "it pings nobody");
    assert!(opened.room != room && opened.room != to_ann.room);
    let html = opened.html.clone().unwrap_or_default();
    for who in [&ann, &ben] {
        assert!(html.contains(&who.user_id().to_string()), "{html}");
    }
    let seen_by_ben = ben
        .wait_for(ben_mark, "the room with both", |s| {
            from_bot(s) && s.body.contains(ROOM_OPENED)
        })
        .await;
    assert_eq!(seen_by_ben.room, opened.room, "the same room for both");
    let members = ann
        .joined(&opened.room)
        .await
        .members(matrix_sdk::RoomMemberships::JOIN | matrix_sdk::RoomMemberships::INVITE)
        .await
        .expect("members");
    let mut ids: Vec<String> = members.iter().map(|m| m.user_id().to_string()).collect();
    ids.sort();
    let mut expected = vec![
        ann.user_id().to_string(),
        ben.user_id().to_string(),
        bot.user_id().to_string(),
    ];
    expected.sort();
    assert_eq!(ids, expected, "the two of them and the bot");

    // The room is opened once: a restart does not open another or say it again.
    let mark = ann.mark();
    let running = running.restart().await;
    ann.never(mark, Duration::from_secs(3), |s| {
        from_bot(s) && s.body.contains(ROOM_OPENED)
    })
    .await;
    drop(running);
}
