//! Per-member limits and an outbox that drops nothing silently: in process (`World`, on a
//! manual clock that also drives the per-minute limiter) and through the console binary.

use chrono::{Duration, TimeZone, Utc};

use labcircle::domain::identity::{Actor, CommunityId, Platform};

use crate::support::Lab;
use crate::world::{Recorder, World, member, organizer};

/// 08:00 in New York on a Monday.
const MONDAY_8AM: &str = "2026-12-07T08:00:00-05:00";

fn start() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, 7, 13, 0, 0).unwrap()
}

const CRISIS: &str = "Crisis and support lines";

const TOLD_FLOOD: &str = "faster than labcircle takes them";

#[tokio::test]
async fn fifty_checkin_now_give_one_prompt_and_every_other_points_to_the_open_one() {
    let world = World::new(start()).await;
    let joined = world
        .say("alice", "/checkin start Monday 9am America/New_York")
        .await;
    assert!(joined.contains("You're in"), "{joined}");
    let mut replies = Vec::new();
    // One every three seconds: inside the 20-a-minute command limit, so each is answered.
    for _ in 0..50 {
        world.clock.advance(Duration::seconds(3));
        replies.push(world.say("alice", "/checkin now").await);
    }
    let mut sink = Recorder::at(world.now());
    world.step(&mut sink, 1000).await;
    let prompts: Vec<_> = sink
        .directs()
        .into_iter()
        .filter(|t| t.contains("How are you doing"))
        .collect();
    assert_eq!(prompts.len(), 1, "{:#?}", sink.directs());
    assert!(replies[0].contains("on its way"), "{}", replies[0]);
    for r in &replies[1..] {
        assert!(
            r.contains("is still open") && r.contains("No new one was opened"),
            "{r}"
        );
    }
    // An answered prompt still counts (its answer can be changed until it closes): no second
    // prompt, and no second answer for the week, until it has closed.
    let answered = world.say("alice", "/checkin answer 4").await;
    assert!(answered.contains("Recorded"), "{answered}");
    world.clock.advance(Duration::seconds(3));
    let again = world.say("alice", "/checkin now").await;
    assert!(
        again.contains("You answered your check-in") && again.contains("No new one"),
        "{again}"
    );
    world.clock.advance(world.settings.prompt_expiry);
    let later = world.say("alice", "/checkin now").await;
    assert!(later.contains("on its way"), "{later}");
}

#[tokio::test]
async fn a_member_who_floods_commands_is_told_once_then_hears_nothing_until_the_minute_passes() {
    let world = World::new(start()).await;
    let mut answered = 0;
    let mut told = Vec::new();
    let mut silent = 0;
    for _ in 0..100 {
        let out = world.replies(member("mallory"), "/crisis").await;
        match out.as_slice() {
            [] => silent += 1,
            [one] if one.contains(TOLD_FLOOD) => told.push(one.clone()),
            [_] => answered += 1,
            more => panic!("{more:#?}"),
        }
    }
    assert_eq!((answered, told.len(), silent), (20, 1, 79));
    assert!(told[0].contains("at most 20 a minute"), "{}", told[0]);
    // Others are not slowed by one member's flood, in the same community or another.
    assert!(world.say("alice", "/crisis").await.contains(CRISIS));
    let mut elsewhere = member("mallory-alt");
    elsewhere.community = CommunityId {
        platform: Platform::Console,
        id: "other".into(),
    };
    assert!(world.say_as(elsewhere, "/crisis").await.contains(CRISIS));
    // The same identity in another community is the same member: still limited, still quiet.
    let mut moved: Actor = member("mallory");
    moved.community.id = "other".into();
    assert!(world.replies(moved, "/crisis").await.is_empty());
    // A minute later they are answered again.
    world.clock.advance(Duration::seconds(61));
    assert!(world.say("mallory", "/crisis").await.contains(CRISIS));
}

fn suggestion(n: usize) -> String {
    format!("/suggestgroup name:Group {n} url:https://example.org/{n} description:Peer group {n}")
}

#[tokio::test]
async fn three_hundred_suggestions_queue_only_the_daily_allowance_and_the_member_is_told_once() {
    let world = World::new(start()).await;
    let mut thanked = 0;
    let mut told = Vec::new();
    let mut silent = 0;
    for n in 0..300 {
        // Slow enough for the per-minute limit: only the daily one is at work.
        world.clock.advance(Duration::seconds(3));
        let out = world.replies(member("mallory"), &suggestion(n)).await;
        match out.as_slice() {
            [] => silent += 1,
            [one] if one.contains("Thank you: your suggestion is #") => thanked += 1,
            [one] if one.contains("Thank you for your 5 suggestions in the last 24 hours") => {
                told.push(one.clone())
            }
            more => panic!("{more:#?}"),
        }
    }
    assert_eq!((thanked, told.len(), silent), (5, 1, 294));
    assert!(told[0].contains("was not kept"), "{}", told[0]);
    let queued = world.bot.store().pending_suggestions().await.unwrap();
    assert_eq!(queued.len(), 5);
    // Another member still suggests.
    let other = world.say("alice", &suggestion(1000)).await;
    assert!(other.contains("Thank you"), "{other}");
    // The count is in the database: a restart neither resets it nor lets a sixth in (the
    // member is told once more by the new process, then nothing).
    let world = world.restart().await;
    let after = world.say("mallory", &suggestion(301)).await;
    assert!(after.contains("in the last 24 hours"), "{after}");
    assert!(world.say("mallory", &suggestion(302)).await.is_empty());
    assert_eq!(
        world.bot.store().pending_suggestions().await.unwrap().len(),
        6
    );
    // A day after the first one, one more is accepted.
    world.clock.advance(Duration::hours(24));
    let later = world.say("mallory", &suggestion(303)).await;
    assert!(later.contains("Thank you"), "{later}");
}

fn meetup(n: usize) -> String {
    format!("/meetup create title:Coffee {n} when:Dec 20 6pm where:Cafe {n}")
}

#[tokio::test]
async fn an_organizer_creates_at_most_the_daily_number_of_meetups_and_is_told_once() {
    let world = World::new(start()).await;
    let mut created = 0;
    let mut told = Vec::new();
    let mut silent = 0;
    for n in 0..15 {
        world.clock.advance(Duration::seconds(3));
        let out = world.replies(organizer("olga"), &meetup(n)).await;
        match out.as_slice() {
            [] => silent += 1,
            [one] if one.contains("10 meetups in the last 24 hours") => told.push(one.clone()),
            [one] if one.contains("Meetup #") => created += 1,
            more => panic!("{more:#?}"),
        }
    }
    assert_eq!((created, told.len(), silent), (10, 1, 4));
    assert!(told[0].contains("was not created"), "{}", told[0]);
    let store = world.bot.store();
    assert!(store.meetup(10).await.unwrap().is_some());
    assert!(
        store.meetup(11).await.unwrap().is_none(),
        "an 11th was kept"
    );
    // Another organizer is not held back by olga's count.
    let other = world.organizer_says("otto", &meetup(99)).await;
    assert!(other.contains("Meetup #11"), "{other}");
    // A day later olga may create again.
    world.clock.advance(Duration::hours(24));
    let later = world.organizer_says("olga", &meetup(100)).await;
    assert!(later.contains("Meetup #12"), "{later}");
}

#[tokio::test]
async fn an_announcement_past_its_window_is_reported_to_the_organizer_not_dropped_silently() {
    let world = World::new(start()).await;
    let created = world
        .organizer_says(
            "olga",
            "/meetup create title:Bench talk when:Dec 8 6pm where:Lab lounge state:OH",
        )
        .await;
    assert!(created.contains("Meetup #1"), "{created}");
    // The bot is down (nothing ticks or dispatches) until after the meetup has started.
    world.clock.advance(Duration::days(2));
    let mut sink = Recorder::at(world.now());
    world.step(&mut sink, 1000).await;
    assert!(sink.posts().is_empty(), "{:#?}", sink.posts());
    let reports = sink.directs();
    assert_eq!(reports.len(), 1, "{reports:#?}");
    assert!(
        reports[0].contains("#1 \"Bench talk\"")
            && reports[0].contains("its announcement in console:test")
            && reports[0].contains("not sent late"),
        "{}",
        reports[0]
    );
    assert_eq!(sink.sent[0].to, "olga");
    let status = world.bot.store().outbox_status().await.unwrap();
    assert_eq!(status.stale_total, 1, "{status:?}");
    assert_eq!(status.stale[0].0, "meetup_announcement");
    // The report is sent once.
    world.clock.advance(Duration::minutes(1));
    world.step(&mut sink, 1000).await;
    assert_eq!(sink.directs().len(), 1);
    // `labcircle status` on that database counts and lists it.
    let lab = Lab::new();
    let to = lab.database();
    std::fs::create_dir_all(to.parent().unwrap()).unwrap();
    for suffix in ["", "-wal", "-shm"] {
        let from = format!("{}{suffix}", world.path.display());
        if std::path::Path::new(&from).exists() {
            std::fs::copy(&from, format!("{}{suffix}", to.display())).unwrap();
        }
    }
    let status = lab.run(&["status"], "");
    assert!(status.success, "{}\n{}", status.stdout, status.stderr);
    assert!(
        status
            .stdout
            .contains("not sent, past their window (reported to the meetup's organizer): 1")
            && status
                .stdout
                .contains("meetup_announcement for meetup #1, to console:test"),
        "{}",
        status.stdout
    );
}

#[tokio::test]
async fn a_late_announcement_of_a_meetup_still_to_come_is_sent_and_a_stale_notice_reported() {
    let world = World::new(start()).await;
    let subscribed = world.say("sam", "/meetup subscribe OH").await;
    assert!(subscribed.contains("new meetups in"), "{subscribed}");
    let created = world
        .organizer_says(
            "olga",
            "/meetup create title:Bench talk when:Dec 20 6pm where:Lab lounge state:OH",
        )
        .await;
    assert!(created.contains("Meetup #1"), "{created}");
    // Down ten hours: past the notice's six-hour window, the meetup still days away.
    world.clock.advance(Duration::hours(10));
    let mut sink = Recorder::at(world.now());
    world.step(&mut sink, 1000).await;
    assert_eq!(sink.posts().len(), 1, "the announcement goes out late");
    let directs = sink.directs();
    assert!(
        !directs.iter().any(|d| d.contains("New meetup in OH")),
        "{directs:#?}"
    );
    let report: Vec<_> = sink.sent.iter().filter(|s| s.to == "olga").collect();
    assert_eq!(report.len(), 1, "{:#?}", sink.sent);
    assert!(
        report[0].text.contains("a notice to a member"),
        "{}",
        report[0].text
    );
    assert_eq!(
        world.bot.store().outbox_status().await.unwrap().stale_total,
        1
    );
}

#[test]
fn through_the_console_a_flood_of_checkin_now_opens_one_prompt_and_a_burst_is_told_once() {
    let lab = Lab::new();
    let mut script = String::from("/checkin start Monday 9am Eastern\n");
    for _ in 0..50 {
        script.push_str("/checkin now\n:advance 3s\n");
    }
    // A minute later, a burst at one instant: twenty are answered, one is told, the rest are
    // quiet.
    script.push_str(":advance 1m\n");
    for _ in 0..30 {
        script.push_str("/crisis\n");
    }
    let run = lab.console_at("alice", MONDAY_8AM, &script, &[]);
    let m = run.messages();
    let prompts = m.iter().filter(|x| x.contains("How are you doing")).count();
    assert_eq!(prompts, 1, "{m:#?}");
    let pointed = m.iter().filter(|x| x.contains("is still open")).count();
    assert_eq!(pointed, 49, "{m:#?}");
    let told: Vec<_> = m.iter().filter(|x| x.contains(TOLD_FLOOD)).collect();
    assert_eq!(told.len(), 1, "{m:#?}");
    assert!(told[0].starts_with("[private to alice"), "{}", told[0]);
    let crisis = m
        .iter()
        .filter(|x| x.contains("Crisis and support lines"))
        .count();
    assert_eq!(crisis, 20, "{m:#?}");
}

#[tokio::test]
async fn forgetting_oneself_does_not_reset_the_daily_meetup_count() {
    let world = World::new(start()).await;
    for n in 0..10 {
        world.clock.advance(Duration::seconds(3));
        let made = world.organizer_says("olga", &meetup(n)).await;
        assert!(made.contains("Meetup #"), "{made}");
    }
    // /forgetme unlinks olga from her meetups in the database...
    world.clock.advance(Duration::seconds(3));
    let gone = world.organizer_says("olga", "/forgetme confirm").await;
    assert!(gone.contains("Done"), "{gone}");
    // ... and still the eleventh is refused.
    world.clock.advance(Duration::seconds(3));
    let refused = world.organizer_says("olga", &meetup(10)).await;
    assert!(
        refused.contains("10 meetups in the last 24 hours"),
        "{refused}"
    );
    assert!(world.bot.store().meetup(11).await.unwrap().is_none());
}

#[tokio::test]
async fn pausing_or_stopping_between_checkin_now_opens_at_most_three_a_day() {
    let world = World::new(start()).await;
    let mut opened = 0;
    let mut refused = Vec::new();
    for round in 0..6 {
        world.clock.advance(Duration::seconds(10));
        world
            .say("alice", "/checkin start Monday 9am America/New_York")
            .await;
        world.clock.advance(Duration::seconds(10));
        let now = world.say("alice", "/checkin now").await;
        if now.contains("most in one day") {
            refused.push(now);
        } else {
            opened += 1;
        }
        world.clock.advance(Duration::seconds(10));
        // Closes the open prompt, which alone would let the next /checkin now through.
        let close = if round % 2 == 0 {
            "/checkin pause 1"
        } else {
            "/checkin stop"
        };
        world.say("alice", close).await;
    }
    assert_eq!(opened, 3, "{refused:#?}");
    assert!(refused[0].contains("/crisis"), "{}", refused[0]);
    // The next day it works again.
    world.clock.advance(Duration::hours(25));
    world
        .say("alice", "/checkin start Monday 9am America/New_York")
        .await;
    let again = world.say("alice", "/checkin now").await;
    assert!(!again.contains("most in one day"), "{again}");
}

#[tokio::test]
async fn hidden_characters_in_a_platform_display_name_never_reach_an_announcement() {
    let world = World::new(start()).await;
    let mut olga = organizer("olga");
    olga.member.display_name = "Ol\u{202E}ga\u{200B}".into();
    let made = world.replies(olga, &meetup(1)).await;
    assert!(made.iter().any(|t| t.contains("Meetup #1")), "{made:#?}");
    let mut sink = Recorder::at(world.now());
    world.step(&mut sink, 100).await;
    let posts = sink.posts();
    let announcement = posts.iter().find(|p| p.contains("Coffee 1")).unwrap();
    assert!(announcement.contains("Olga"), "{announcement}");
    assert!(
        !announcement.contains('\u{202E}') && !announcement.contains('\u{200B}'),
        "{announcement:?}"
    );
}
