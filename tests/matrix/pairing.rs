//! Pairing on Matrix: introductions come to each member's private chat and name nobody; one
//! accepts by typing `pair accept` there, the other by reacting 👍 to the introduction; once
//! both have, the bot opens an encrypted room with the two of them and says who is who, and
//! not before, and tells each privately that the room is open. When the room cannot be
//! opened, even after retrying, each is told privately how to reach the other directly; a
//! crash right after the room opened does not open a second one.

use std::time::Duration;

use matrix_sdk::ruma::api::client::state::get_state_event_for_key;
use matrix_sdk::ruma::events::StateEventType;

use super::community;
use crate::support::{BotAccount, Human, Seen};

const INTRO: &str = "This round's pairing: meet";
const ROOM_OPENED: &str = "Everyone accepted. This encrypted room is for you:";
const TOLD_PRIVATELY: &str = "Everyone accepted, so I opened an encrypted room for you with:";

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

    // Each is also told in their private chat that the room is open, with whom, and its name.
    let name = ann
        .joined(&opened.room)
        .await
        .name()
        .expect("the room has a name");
    for (who, mark, private, other) in [
        (&ann, ann_mark, &to_ann.room, &ben),
        (&ben, ben_mark, &to_ben.room, &ann),
    ] {
        let told = who
            .wait_for(mark, "the private word that the room is open", |s| {
                from_bot(s) && s.body.contains(TOLD_PRIVATELY)
            })
            .await;
        assert_eq!(&told.room, private, "in the private chat");
        assert!(told.encrypted && told.mentions_empty);
        assert!(told.body.contains(&format!("\"{name}\"")), "{}", told.body);
        let html = told.html.clone().unwrap_or_default();
        assert!(html.contains(&other.user_id().to_string()), "{html}");
        assert!(!html.contains(&who.user_id().to_string()), "{html}");
    }

    // The room is opened once: a restart does not open another or say it again.
    let mark = ann.mark();
    let running = running.restart().await;
    ann.never(mark, Duration::from_secs(3), |s| {
        from_bot(s) && s.body.contains(ROOM_OPENED)
    })
    .await;
    drop(running);
}

/// Two members, each in their own state, opted in; the round runs and both get their
/// introduction, then both accept (Ann by typing, Ben by 👍). Returns the introductions.
async fn both_accept(
    bot: &BotAccount,
    running: &mut crate::support::BotProcess,
    room: &matrix_sdk::ruma::RoomId,
    ann: &Human,
    ben: &Human,
) -> (Seen, Seen) {
    let from_bot = |s: &Seen| s.sender == bot.user_id();
    for (who, state) in [(ann, "OH"), (ben, "TX")] {
        let mark = who.mark();
        who.say(room, &format!("!pair join role:peer state:{state}"))
            .await;
        who.wait_for(mark, "the pairing confirmation", |s| {
            from_bot(s) && s.body.contains("You're in pairing as a peer")
        })
        .await;
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
    let mark = ann.mark();
    ann.say(&to_ann.room, "pair accept").await;
    ann.wait_for(mark, "the thanks", |s| {
        from_bot(s) && s.body.contains("you accepted")
    })
    .await;
    ben.react(&to_ben.room, &to_ben.event_id, "👍").await;
    (to_ann, to_ben)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn when_the_room_cannot_be_opened_each_is_told_privately_how_to_reach_the_other() {
    let host = Human::new("fhost").await;
    let ann = Human::new("fann").await;
    let ben = Human::new("fben").await;
    let bot = BotAccount::new().await;
    let (room, alias) = community(&host, &bot, &[&ann, &ben]).await;
    // Opening the room fails as a server error would, every time; three tries in all.
    let mut running = bot
        .start_env(
            &[(&alias, None)],
            Some("2026-12-07T08:00:00-05:00"),
            &["localhost"],
            "\n[delivery]\nmax_attempts = 3\n",
            &[("LABCIRCLE_TEST_MATRIX_FAIL_ROOMS", "1")],
        )
        .ready()
        .await;
    let from_bot = |s: &Seen| s.sender == bot.user_id();
    let (ann_mark, ben_mark) = (ann.mark(), ben.mark());
    let (to_ann, to_ben) = both_accept(&bot, &mut running, &room, &ann, &ben).await;

    // Nothing yet: the outbox tries again in 30 s, then a minute later, then gives up.
    ann.never(ann_mark, Duration::from_secs(2), |s| {
        from_bot(s) && s.body.contains("could not open a room")
    })
    .await;
    running.advance("31s").await;
    running.advance("61s").await;
    for (who, mark, private, other) in [
        (&ann, ann_mark, &to_ann.room, &ben),
        (&ben, ben_mark, &to_ben.room, &ann),
    ] {
        let told = who
            .wait_for(mark, "the word that no room could be opened", |s| {
                from_bot(s) && s.body.contains("could not open a room")
            })
            .await;
        assert_eq!(&told.room, private, "in the private chat");
        assert!(told.encrypted && told.mentions_empty);
        assert!(
            told.body.contains("write to each other directly"),
            "{}",
            told.body
        );
        let html = told.html.clone().unwrap_or_default();
        assert!(html.contains(&other.user_id().to_string()), "{html}");
        assert!(!html.contains(&who.user_id().to_string()), "{html}");
    }
    // No room was opened, and nobody was told one was.
    for (who, mark) in [(&ann, ann_mark), (&ben, ben_mark)] {
        who.never(mark, Duration::from_secs(1), |s| {
            from_bot(s) && (s.body.contains(ROOM_OPENED) || s.body.contains(TOLD_PRIVATELY))
        })
        .await;
    }
    let status = running.output();
    assert!(status.contains("delivery failed for good"), "{status}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_crash_right_after_the_room_opened_does_not_open_a_second_one() {
    let host = Human::new("chost").await;
    let ann = Human::new("cann").await;
    let ben = Human::new("cben").await;
    let bot = BotAccount::new().await;
    let (room, alias) = community(&host, &bot, &[&ann, &ben]).await;
    // The bot stops abruptly right after opening the room, before recording it.
    let mut running = bot
        .start_env(
            &[(&alias, None)],
            Some("2026-12-07T08:00:00-05:00"),
            &["localhost"],
            "",
            &[("LABCIRCLE_TEST_MATRIX_CRASH_AFTER_ROOM", "1")],
        )
        .ready()
        .await;
    let from_bot = |s: &Seen| s.sender == bot.user_id();
    // An outsider on the same server makes rooms named as introduction rooms would be and
    // invites the bot (which joins rooms it is invited to from allowed servers), hoping the
    // bot finds one of them after a stop and posts who is who there.
    let mallory = Human::new("cmal").await;
    let mut decoys = Vec::new();
    for group in 1..=3 {
        let alias = format!("{}-decoy-{group}", mallory.user_id().localpart());
        let decoy = mallory.create_room(&alias, false, &[bot.user_id()]).await;
        decoy
            .set_name(labcircle::domain::pairing::intro::meeting_room_name(group))
            .await
            .expect("name the decoy");
        decoys.push(decoy);
    }
    for decoy in &decoys {
        let began = std::time::Instant::now();
        loop {
            let request = get_state_event_for_key::v3::Request::new(
                decoy.room_id().to_owned(),
                StateEventType::RoomMember,
                bot.user_id().to_string(),
            );
            let joined = mallory
                .client
                .send(request)
                .await
                .is_ok_and(|r| r.event_or_content.get().contains("\"membership\":\"join\""));
            if joined {
                break;
            }
            assert!(
                began.elapsed() < Duration::from_secs(30),
                "the bot never joined a decoy"
            );
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }
    let (ann_mark, ben_mark) = (ann.mark(), ben.mark());
    both_accept(&bot, &mut running, &room, &ann, &ben).await;
    running.wait_line("stopping on purpose").await;

    // Started again (its clock starts again from Monday: moved to where it was), the room is
    // found by its name, and used.
    let mut running = running.restart().await;
    running.advance("27h").await;
    let opened = ann
        .wait_for(ann_mark, "the room with both", |s| {
            from_bot(s) && s.body.contains(ROOM_OPENED)
        })
        .await;
    for (who, mark) in [(&ann, ann_mark), (&ben, ben_mark)] {
        who.wait_for(mark, "the private word that the room is open", |s| {
            from_bot(s) && s.body.contains(TOLD_PRIVATELY)
        })
        .await;
    }
    tokio::time::sleep(Duration::from_secs(2)).await;
    for who in [&ann, &ben] {
        let rooms: Vec<_> = who
            .client
            .rooms()
            .into_iter()
            .filter(|r| {
                r.name()
                    .is_some_and(|n| n.starts_with("labcircle introduction"))
            })
            .map(|r| r.room_id().to_owned())
            .collect();
        assert_eq!(rooms, vec![opened.room.clone()], "{}", running.output());
    }
    let welcomes = ann
        .seen()
        .iter()
        .filter(|s| from_bot(s) && s.body.contains(ROOM_OPENED))
        .count();
    assert_eq!(welcomes, 1, "who is who is said once");
    assert!(
        !mallory
            .seen()
            .iter()
            .any(|s| from_bot(s) && s.body.contains(ROOM_OPENED)),
        "who is who was said in an outsider's room"
    );
}
