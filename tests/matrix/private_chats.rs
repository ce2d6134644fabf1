//! Private chats are the rooms the bot opened with one member, while they hold exactly the two
//! of them: a room with the direct-chat mark is not private because of the mark, and a private
//! chat someone else joins is never used again.

use std::time::Duration;

use matrix_sdk::media::{MediaFormat, MediaRequestParameters};
use matrix_sdk::ruma::events::room::MediaSource;

use super::community;
use super::support::{BotAccount, Human};

/// What `/mydata` answers with (its title); never to be seen by anyone but the member.
const MYDATA: &str = "What labcircle keeps about you";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_room_marked_direct_with_three_members_gets_no_private_answers() {
    let member = Human::new("tech").await;
    let peer = Human::new("peer").await;
    let bot = BotAccount::new().await;
    let _running = bot.start(&[], None).ready().await;

    // The member's client "messages" the bot: a room marked direct, but a colleague is in it.
    let marked = member
        .create_marked_direct(&[bot.user_id(), peer.user_id()])
        .await;
    let marked = marked.room_id().to_owned();
    member
        .wait_joined(&marked, &[member.user_id(), bot.user_id(), peer.user_id()])
        .await;
    peer.joined(&marked).await;

    // Something private to show: a check-in schedule.
    member
        .ask(
            &marked,
            "!checkin start Friday 17:00 Central",
            "a pointer to the private answer",
        )
        .await;

    // /mydata there: the room gets a pointer, the data goes to the bot's own private chat.
    let mark = member.mark();
    let note = member
        .ask(&marked, "!mydata", "a pointer to the data")
        .await;
    assert_eq!(note.room, marked);
    assert!(note.body.contains("direct chat"), "{}", note.body);
    assert!(!note.body.contains(MYDATA), "{}", note.body);
    let data = member
        .wait_for(mark, "the data, privately", |s| {
            s.sender == bot.user_id() && s.body.contains(MYDATA)
        })
        .await;
    assert_ne!(data.room, marked, "not in the room with the colleague");
    assert!(data.encrypted, "the private chat is encrypted");
    member
        .wait_joined(&data.room, &[member.user_id(), bot.user_id()])
        .await;

    // The colleague's client has the pointer too before anything new is watched for, so a
    // late sync of it is not taken for an answer to what follows.
    let pointer = note.event_id.clone();
    peer.wait_for(0, "the pointer to the data", |s| s.event_id == pointer)
        .await;

    // Without the prefix, a room that is not the private chat hears no command, and a bare
    // number answers nothing.
    let mark = peer.mark();
    member.say(&marked, "mydata").await;
    member.say(&marked, "3").await;
    // The colleague tries too: their own data would not come here either.
    peer.say(&marked, "checkin history").await;
    peer.never(mark, Duration::from_secs(3), |s| s.sender == bot.user_id())
        .await;

    // The colleague saw nothing private from the bot, ever: only pointers.
    let peer_saw = peer.seen();
    let from_bot: Vec<_> = peer_saw
        .iter()
        .filter(|s| s.sender == bot.user_id())
        .collect();
    assert!(!from_bot.is_empty(), "the pointers are seen in the room");
    assert!(
        from_bot
            .iter()
            .all(|s| s.room == marked && !s.body.contains(MYDATA) && !s.body.contains("Friday")),
        "{from_bot:#?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_private_chat_a_third_person_joins_is_closed_and_the_next_private_answer_opens_a_new_one()
{
    let host = Human::new("host").await;
    let member = Human::new("tech").await;
    let peer = Human::new("peer").await;
    let bot = BotAccount::new().await;
    let (room, alias) = community(&host, &bot, &[&member]).await;
    let _running = bot.start(&[(&alias, None)], None).ready().await;

    // The bot opens a private chat for the first private answer.
    let mark = member.mark();
    member.say(&room, "!mydata").await;
    let first = member
        .wait_for(mark, "the data in a private chat", |s| {
            s.sender == bot.user_id() && s.body.contains(MYDATA)
        })
        .await;
    let old = first.room.clone();
    assert_ne!(old, room);
    member.joined(&old).await;

    // The member brings a colleague in: the bot says the chat is no longer private.
    let mark = member.mark();
    member.invite(&old, &peer.user_id()).await;
    peer.joined(&old).await;
    let said = member
        .wait_for(mark, "the notice that the chat is no longer private", |s| {
            // The export's file, sent just after the summary, may arrive in between.
            s.sender == bot.user_id() && s.room == old && s.file.is_none()
        })
        .await;
    assert!(said.body.contains("no longer private"), "{}", said.body);

    // A command in the old chat is a room command now: a pointer there, the data elsewhere.
    let mark = member.mark();
    let note = member
        .ask(&old, "!mydata", "a pointer in the old chat")
        .await;
    assert_eq!(note.room, old);
    assert!(!note.body.contains(MYDATA), "{}", note.body);
    let data = member
        .wait_for(mark, "the data in a new private chat", |s| {
            s.sender == bot.user_id() && s.body.contains(MYDATA)
        })
        .await;
    let new = data.room.clone();
    assert!(new != old && new != room, "a new chat: {new}");
    assert!(data.encrypted);
    member
        .wait_joined(&new, &[member.user_id(), bot.user_id()])
        .await;

    // The next private message (from the community room) goes to the new chat too.
    let mark = member.mark();
    member
        .say(&room, "!checkin start Friday 17:00 Central")
        .await;
    let confirmed = member
        .wait_for(mark, "the check-in confirmation", |s| {
            s.sender == bot.user_id() && s.body.contains("Friday")
        })
        .await;
    assert_eq!(confirmed.room, new, "the new chat is reused");

    // Prefix-free commands in the old chat are not commands any more. (The colleague's client
    // has the pointer first, so its late sync is not taken for an answer.)
    let pointer = note.event_id.clone();
    peer.wait_for(0, "the pointer in the old chat", |s| s.event_id == pointer)
        .await;
    let mark = peer.mark();
    member.say(&old, "checkin history").await;
    peer.never(mark, Duration::from_secs(3), |s| s.sender == bot.user_id())
        .await;

    // The colleague never saw the member's data.
    assert!(
        peer.seen()
            .iter()
            .filter(|s| s.sender == bot.user_id())
            .all(|s| !s.body.contains(MYDATA) && !s.body.contains("Friday")),
        "{:#?}",
        peer.seen()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_private_chat_the_member_left_is_not_used_again() {
    let host = Human::new("host").await;
    let member = Human::new("tech").await;
    let bot = BotAccount::new().await;
    let (room, alias) = community(&host, &bot, &[&member]).await;
    let _running = bot.start(&[(&alias, None)], None).ready().await;

    let mark = member.mark();
    member.say(&room, "!mydata").await;
    let first = member
        .wait_for(mark, "the data in a private chat", |s| {
            s.sender == bot.user_id() && s.body.contains(MYDATA)
        })
        .await;
    let old = first.room.clone();
    member.joined(&old).await;

    // The member leaves it; the bot hears of it with its next sync.
    member.room(&old).leave().await.expect("leave the chat");
    tokio::time::sleep(Duration::from_secs(2)).await;

    let mark = member.mark();
    member.say(&room, "!mydata").await;
    let data = member
        .wait_for(mark, "the data in a new private chat", |s| {
            s.sender == bot.user_id() && s.body.contains(MYDATA)
        })
        .await;
    assert!(data.room != old && data.room != room, "{}", data.room);
    assert!(data.encrypted);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mydata_arrives_as_an_encrypted_json_file_in_the_private_chat() {
    let host = Human::new("host").await;
    let member = Human::new("tech").await;
    let bot = BotAccount::new().await;
    let (room, alias) = community(&host, &bot, &[&member]).await;
    let _running = bot.start(&[(&alias, None)], None).ready().await;

    // Something to export: a check-in schedule.
    let mark = member.mark();
    member
        .say(&room, "!checkin start Friday 17:00 Central")
        .await;
    member
        .wait_for(mark, "the check-in confirmation", |s| {
            s.sender == bot.user_id() && s.room != room
        })
        .await;

    let mark = member.mark();
    member.say(&room, "!mydata").await;
    let summary = member
        .wait_for(mark, "the summary, privately", |s| {
            s.sender == bot.user_id() && s.body.contains(MYDATA)
        })
        .await;
    assert!(
        summary.body.contains("📎 labcircle-my-data.json"),
        "the text names the file: {}",
        summary.body
    );
    assert!(
        !summary.body.contains("\"checkin_schedule\""),
        "the export is not pasted into the text: {}",
        summary.body
    );
    let sent = member
        .wait_for(mark, "the export as a file", |s| {
            s.sender == bot.user_id() && s.file.is_some()
        })
        .await;
    assert_eq!(sent.room, summary.room, "in the same private chat");
    assert!(sent.encrypted, "the private chat is encrypted");
    assert!(sent.mentions_empty);
    let file = sent.file.expect("an m.file");
    assert_eq!(file.filename(), "labcircle-my-data.json");
    let MediaSource::Encrypted(encrypted) = &file.source else {
        panic!("uploaded in the clear: {:?}", file.source);
    };

    // The member's client decrypts it: the whole export.
    let bytes = member
        .client
        .media()
        .get_file(&file, false)
        .await
        .expect("download")
        .expect("a file");
    let json: serde_json::Value = serde_json::from_slice(&bytes).expect("JSON");
    assert_eq!(json["time_zone"], "America/Chicago");
    assert_eq!(json["checkin_schedule"][0]["weekday"], "Friday", "{json:#}");
    assert_eq!(
        json["checkin_schedule"][0]["local_time"], "17:00",
        "{json:#}"
    );

    // The homeserver holds only ciphertext.
    let raw = member
        .client
        .media()
        .get_media_content(
            &MediaRequestParameters {
                source: MediaSource::Plain(encrypted.url.clone()),
                format: MediaFormat::File,
            },
            false,
        )
        .await
        .expect("raw download");
    assert!(
        !String::from_utf8_lossy(&raw).contains("Friday"),
        "the stored upload is encrypted"
    );
}
