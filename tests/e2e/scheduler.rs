//! The scheduler and outbox through the library: years of weekly prompts across DST, restarts
//! in the middle of dispatch, downtime, retries. Each test drives time itself.

use std::collections::{BTreeMap, HashSet};

use chrono::{DateTime, Datelike, Duration, TimeZone, Timelike, Utc, Weekday};
use chrono_tz::Tz;

use labcircle::bot::{Bot, Incoming, Settings};
use labcircle::domain::identity::Platform;
use labcircle::scheduler::{Deliver, Delivery, DeliveryError};

use crate::world::{Recorder, World, member, organizer};

#[tokio::test]
async fn two_years_of_weekly_prompts_arrive_once_a_week_at_local_nine_through_every_dst_change() {
    let start = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
    let world = World::new(start).await;
    let zones = [
        "America/New_York",
        "America/Chicago",
        "America/Denver",
        "America/Phoenix",
        "America/Los_Angeles",
        "America/Anchorage",
        "Pacific/Honolulu",
    ];
    for (i, zone) in zones.iter().enumerate() {
        let reply = world
            .say(
                &format!("m{i}"),
                &format!("/checkin start Monday 09:00 {zone}"),
            )
            .await;
        assert!(reply.contains("You're in"), "{reply}");
    }
    let mut sink = Recorder::default();
    let end = start + Duration::weeks(104);
    world.run_until(end, &mut sink).await;

    let mut per_member: BTreeMap<String, Vec<DateTime<Utc>>> = BTreeMap::new();
    let mut keys = HashSet::new();
    for sent in &sink.sent {
        let key = &sent.idempotency_key;
        assert!(keys.insert(key.clone()), "{key} delivered twice");
        per_member.entry(sent.to.clone()).or_default().push(sent.at);
    }
    for (i, zone) in zones.iter().enumerate() {
        let tz: Tz = zone.parse().unwrap();
        let times = &per_member[&format!("m{i}")];
        assert_eq!(times.len(), 104, "{zone}: one prompt a week for two years");
        let mut weeks = HashSet::new();
        for t in times {
            let local = t.with_timezone(&tz);
            assert_eq!(local.weekday(), Weekday::Mon, "{zone}: {local}");
            assert_eq!((local.hour(), local.minute()), (9, 0), "{zone}: {local}");
            assert!(
                weeks.insert(local.iso_week()),
                "{zone}: two prompts in one week"
            );
        }
    }
}

#[tokio::test]
async fn a_restart_in_the_middle_of_dispatch_sends_nothing_twice_and_loses_nothing() {
    let start = Utc.with_ymd_and_hms(2026, 12, 7, 13, 0, 0).unwrap(); // 08:00 in New York
    let world = World::new(start).await;
    for i in 0..20 {
        world
            .say(&format!("m{i}"), "/checkin start Monday 09:00 Eastern")
            .await;
    }
    let due = start + Duration::hours(1);
    world.clock.set(due);
    let report = world.scheduler.tick(due).await.unwrap();
    assert_eq!(report.enqueued, 20);
    let mut first = Recorder::at(due);
    world
        .scheduler
        .dispatch(due, Platform::Console, &mut first, 7)
        .await
        .unwrap();
    assert_eq!(first.sent.len(), 7);

    // "Crash": drop everything, open the same database again.
    let world = world.restart().await;
    let scheduler = &world.scheduler;
    let later = due + Duration::minutes(5);
    assert_eq!(
        scheduler.tick(later).await.unwrap().enqueued,
        0,
        "nothing enqueued twice"
    );
    let mut second = Recorder::at(later);
    scheduler
        .dispatch(later, Platform::Console, &mut second, 1000)
        .await
        .unwrap();
    assert_eq!(second.sent.len(), 13, "the rest, and only the rest");
    let all: HashSet<_> = first
        .sent
        .iter()
        .chain(&second.sent)
        .map(|s| s.idempotency_key.clone())
        .collect();
    assert_eq!(all.len(), 20);
    scheduler
        .dispatch(later, Platform::Console, &mut second, 1000)
        .await
        .unwrap();
    assert_eq!(second.sent.len(), 13, "nothing sent again");
}

#[tokio::test]
async fn after_downtime_beyond_the_grace_window_stale_prompts_are_skipped_to_next_week() {
    let start = Utc.with_ymd_and_hms(2026, 12, 7, 13, 0, 0).unwrap();
    let world = World::new(start).await;
    world
        .say("late", "/checkin start Monday 09:00 Eastern")
        .await;
    let mut sink = Recorder::default();
    // The bot is down until 8 hours after late's 09:00 prompt.
    let back = start + Duration::hours(9);
    world.clock.set(back);
    sink.now = Some(back);
    let report = world.scheduler.tick(back).await.unwrap();
    assert_eq!(report.skipped_stale, 1, "{report:?}");
    world
        .scheduler
        .dispatch(back, Platform::Console, &mut sink, 100)
        .await
        .unwrap();
    let who: Vec<_> = sink.sent.iter().map(|s| s.to.as_str()).collect();
    assert!(who.is_empty(), "no stale prompt: {who:?}");
    // Next week it arrives on time.
    world
        .run_until(start + Duration::days(7) + Duration::hours(2), &mut sink)
        .await;
    let late: Vec<_> = sink.sent.iter().filter(|s| s.to == "late").collect();
    assert_eq!(late.len(), 1);
    assert_eq!(
        late[0].at,
        Utc.with_ymd_and_hms(2026, 12, 14, 14, 0, 0).unwrap()
    );
}

#[tokio::test]
async fn prompts_due_within_the_grace_window_are_still_sent_after_downtime() {
    let start = Utc.with_ymd_and_hms(2026, 12, 7, 13, 0, 0).unwrap();
    let world = World::new(start).await;
    world.say("a", "/checkin start Monday 09:00 Eastern").await;
    let back = start + Duration::hours(4); // three hours late
    world.clock.set(back);
    world.scheduler.tick(back).await.unwrap();
    let mut sink = Recorder::at(back);
    world
        .scheduler
        .dispatch(back, Platform::Console, &mut sink, 100)
        .await
        .unwrap();
    assert_eq!(sink.sent.len(), 1);
}

#[tokio::test]
async fn failed_deliveries_are_retried_with_backoff_and_permanent_failures_stop() {
    let start = Utc.with_ymd_and_hms(2026, 12, 7, 14, 0, 0).unwrap();
    let world = World::new(start - Duration::hours(1)).await;
    world.say("a", "/checkin start Monday 09:00 Eastern").await;
    world.say("b", "/checkin start Monday 09:00 Eastern").await;
    world.clock.set(start);
    world.scheduler.tick(start).await.unwrap();
    let mut sink = Recorder::at(start);
    sink.fail_with = Some(DeliveryError::Transient("503".into()));
    let r = world
        .scheduler
        .dispatch(start, Platform::Console, &mut sink, 100)
        .await
        .unwrap();
    assert_eq!(r.retried, 2);
    // Not again before the backoff.
    let r = world
        .scheduler
        .dispatch(
            start + Duration::seconds(10),
            Platform::Console,
            &mut sink,
            100,
        )
        .await
        .unwrap();
    assert_eq!(r, Default::default());
    sink.fail_with = Some(DeliveryError::Permanent("DMs closed".into()));
    let t = start + Duration::seconds(31);
    let r = world
        .scheduler
        .dispatch(t, Platform::Console, &mut sink, 1)
        .await
        .unwrap();
    assert_eq!(r.failed, 1);
    sink.fail_with = None;
    let r = world
        .scheduler
        .dispatch(t, Platform::Console, &mut sink, 100)
        .await
        .unwrap();
    assert_eq!(r.sent, 1);
    let status = world.bot.store().outbox_status().await.unwrap();
    assert_eq!(status.failed.len(), 1);
    assert_eq!(status.failed[0].2, "DMs closed");
    assert_eq!(status.sent, 1);
}

#[tokio::test]
async fn answers_past_the_retention_period_are_deleted() {
    let start = Utc.with_ymd_and_hms(2026, 12, 7, 13, 0, 0).unwrap();
    let world = World::new(start).await;
    world.say("a", "/checkin start Monday 09:00 Eastern").await;
    world.say("a", "/checkin now").await;
    let mut sink = Recorder::default();
    world
        .run_until(start + Duration::minutes(1), &mut sink)
        .await;
    assert!(
        world
            .say("a", "/checkin answer 4")
            .await
            .contains("Recorded")
    );
    world.say("a", "/checkin stop").await;
    let history = world.say("a", "/checkin history").await;
    assert!(history.contains("Good (4)"), "{history}");
    let later = start + Duration::days(366);
    world.clock.set(later);
    let report = world.scheduler.tick(later).await.unwrap();
    assert_eq!(report.deleted_answers, 1);
    let data = world.say("a", "/mydata").await;
    assert!(data.contains("\"checkin_answers\": []"), "{data}");
}

#[tokio::test]
async fn deliveries_are_paced_to_the_platforms_rate() {
    let start = Utc.with_ymd_and_hms(2026, 12, 7, 13, 0, 0).unwrap();
    let settings = Settings {
        sends_per_second: [20, 5, 10],
        ..Settings::default()
    };
    let world = World::with_settings(start, settings).await;
    for i in 0..6 {
        world.say(&format!("m{i}"), "/checkin start").await;
        world.say(&format!("m{i}"), "/checkin now").await;
    }
    let mut sink = Recorder::default();
    let began = std::time::Instant::now();
    let report = world
        .scheduler
        .dispatch(start, Platform::Console, &mut sink, 100)
        .await
        .unwrap();
    assert_eq!(report.sent, 6);
    // Six messages at 20 a second take at least five gaps of 50 ms (a lower bound only).
    assert!(
        began.elapsed() >= std::time::Duration::from_millis(250),
        "{:?}",
        began.elapsed()
    );
}

#[tokio::test]
async fn a_thousand_concurrent_rsvps_give_exact_counts_and_one_edit() {
    let start = Utc.with_ymd_and_hms(2026, 12, 7, 13, 0, 0).unwrap();
    let world = World::new(start).await;
    let created = world
        .replies(
            organizer("olga"),
            "/meetup create title:Big one when:Dec 20 6pm where:Hall capacity:300",
        )
        .await;
    assert_eq!(created.len(), 1);
    let mut board = Recorder::default();
    world.scheduler.tick(start).await.unwrap();
    world
        .scheduler
        .dispatch(start, Platform::Console, &mut board, 10)
        .await
        .unwrap();
    assert_eq!(board.posts().len(), 1);
    let post = "post1".to_owned();

    // 1,000 events at once: 500 going, 300 maybe, 200 of the going switch to can't go.
    let mut tasks = Vec::new();
    for i in 0..1000 {
        let bot = world.bot.clone();
        let post = post.clone();
        tasks.push(tokio::spawn(async move {
            let (who, emoji) = match i {
                0..500 => (format!("g{i}"), "✅"),
                500..800 => (format!("m{i}"), "🤔"),
                _ => (format!("g{}", i - 800), "❌"),
            };
            bot.handle(Incoming::Reaction {
                actor: member(&who),
                post,
                emoji: emoji.into(),
                added: true,
            })
            .await
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    let counts = world.bot.store().rsvps(1).await.unwrap();
    let n = |s: &str| {
        counts
            .iter()
            .filter(|(_, st)| format!("{st:?}") == s)
            .count()
    };
    // g0..g199 ended on "can't go" or "going" depending on order; every member has one RSVP.
    assert_eq!(counts.len(), 800);
    assert_eq!(n("Maybe"), 300);
    assert_eq!(n("Going") + n("Waitlisted") + n("CantGo"), 500);
    assert!(n("Going") <= 300);
    // One edit for the whole burst, after the coalescing window.
    let later = start + Duration::seconds(6);
    world.scheduler.tick(later).await.unwrap();
    world
        .scheduler
        .dispatch(later, Platform::Console, &mut board, 1000)
        .await
        .unwrap();
    let edits = board.edits();
    assert_eq!(edits.len(), 1, "{edits:?}");
    let going = n("Going");
    assert!(
        edits[0].contains(&format!("{going} / 300 going · 300 maybe")),
        "{}",
        edits[0]
    );
}

/// Members react at once: their reactions reach the bot before the outbox has recorded the
/// post as an announcement.
struct Hasty {
    bot: Bot,
    notices: Vec<String>,
}

impl Deliver for Hasty {
    async fn deliver(&mut self, d: &Delivery) -> Result<String, DeliveryError> {
        if let labcircle::scheduler::Target::Channel { .. } = &d.target {
            for (who, emoji) in [("early", "✅"), ("quick", "✅"), ("quick", "❌")] {
                let out = self
                    .bot
                    .handle(Incoming::Reaction {
                        actor: member(who),
                        post: "post1".into(),
                        emoji: emoji.into(),
                        added: true,
                    })
                    .await;
                assert!(out.is_empty(), "nothing to say before the post is known");
            }
            return Ok("post1".into());
        }
        Ok("dm".into())
    }

    async fn announced(&mut self, message_id: &str) {
        for out in self.bot.announced(Platform::Console, message_id).await {
            self.notices.push(format!("{out:?}"));
        }
    }
}

#[tokio::test]
async fn rsvps_made_before_the_announcement_is_recorded_count_once_it_is() {
    let start = Utc.with_ymd_and_hms(2026, 12, 7, 13, 0, 0).unwrap();
    let world = World::new(start).await;
    world
        .organizer_says(
            "olga",
            "/meetup create title:Quick one when:Dec 20 6pm where:Hall capacity:1",
        )
        .await;
    let mut sink = Hasty {
        bot: world.bot.clone(),
        notices: Vec::new(),
    };
    world.scheduler.tick(start).await.unwrap();
    world
        .scheduler
        .dispatch(start, Platform::Console, &mut sink, 10)
        .await
        .unwrap();
    let rsvps = world.bot.store().rsvps(1).await.unwrap();
    let status = |name: &str| {
        rsvps
            .iter()
            .find(|(m, _)| m.display_name == name)
            .map(|(_, s)| format!("{s:?}"))
    };
    // In the order they came: early took the one place; quick said going, then can't go.
    assert_eq!(status("early").as_deref(), Some("Going"), "{rsvps:?}");
    assert_eq!(status("quick").as_deref(), Some("CantGo"), "{rsvps:?}");
}
