//! A burst of reactions handled concurrently ends exactly as the same reactions, in the order
//! they arrived, handled one at a time: rosters, places in the order of arrival, waitlists and
//! the notices queued; and a batch that fails loses nothing and half-applies nothing.

use chrono::{TimeZone, Utc};
use tempfile::TempDir;

use crate::bot::{Bot, Incoming, Settings};
use crate::clock::Clock;
use crate::domain::identity::{Actor, CommunityId, Member, Platform, Role, UserId};
use crate::domain::reply::Outgoing;
use crate::domain::roster::Status;
use crate::scheduler::{Deliver, Delivery, DeliveryError, Scheduler};
use crate::store::Store;

use super::QueuedRsvp;

fn actor(name: &str, role: Role) -> Actor {
    Actor {
        member: Member {
            user: UserId::new(Platform::Console, name),
            display_name: format!("{name} (display)"),
        },
        role,
        community: CommunityId {
            platform: Platform::Console,
            id: "lab".into(),
        },
    }
}

/// Accepts every delivery and numbers posts like a platform would.
struct Sink(u64);

impl Deliver for Sink {
    async fn deliver(&mut self, _: &Delivery) -> Result<String, DeliveryError> {
        self.0 += 1;
        Ok(format!("m{}", self.0))
    }
}

struct World {
    /// Kept so the database outlives the test's use of it.
    _dir: TempDir,
    bot: Bot,
    store: Store,
    /// Announcement posts, and the meetup each belongs to.
    posts: Vec<(String, i64)>,
}

/// Meetups with these capacities, announced; the last one is then cancelled (its reactions are
/// refused and told so).
async fn world(capacities: &[u32]) -> World {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let store = Store::open(&dir.path().join("rsvp.db"))
        .await
        .expect("open");
    let start = Utc.with_ymd_and_hms(2026, 12, 7, 13, 0, 0).unwrap();
    let settings = Settings::default();
    let bot = Bot::with(store.clone(), settings.clone(), Clock::manual(start));
    for (i, capacity) in capacities.iter().enumerate() {
        bot.handle(Incoming::Command {
            actor: actor("olga", Role::Organizer),
            text: format!(
                "/meetup create title:Meetup {i} when:Dec 20 6pm where:Hall capacity:{capacity}"
            ),
        })
        .await;
    }
    let scheduler = Scheduler::new(store.clone(), settings);
    scheduler.tick(start).await.expect("tick");
    scheduler
        .dispatch(start, Platform::Console, &mut Sink(0), 1_000)
        .await
        .expect("dispatch");
    let mut posts = Vec::new();
    for n in 1..=capacities.len() {
        let post = format!("m{n}");
        let meetup = store
            .meetup_for_post("console", &post)
            .await
            .expect("read")
            .expect("an announcement");
        posts.push((post, meetup));
    }
    let last = posts.last().expect("meetups").1;
    bot.handle(Incoming::Command {
        actor: actor("olga", Role::Organizer),
        text: format!("/meetup cancel {last}"),
    })
    .await;
    World {
        _dir: dir,
        bot,
        store,
        posts,
    }
}

/// Reactions from `members` members on the world's announcements: mostly "going" (so places
/// run out and waitlists form), with changes of mind and a quarter taken back.
fn reactions(world: &World, members: u64, count: usize, mut seed: u64) -> Vec<Incoming> {
    let mut next = move || {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        seed >> 33
    };
    (0..count)
        .map(|_| {
            let (post, _) = &world.posts[(next() as usize) % world.posts.len()];
            let who = format!("u{}", next() % members);
            let emoji = match next() % 100 {
                0..65 => "✅",
                65..85 => "🤔",
                _ => "❌",
            };
            Incoming::Reaction {
                actor: actor(&who, Role::Member),
                post: post.clone(),
                emoji: emoji.into(),
                added: next() % 4 != 0,
            }
        })
        .collect()
}

/// Handles every reaction at once, each in its own task, as an adapter delivering a burst
/// would; returns what each was answered.
async fn burst(bot: &Bot, events: Vec<Incoming>) -> Vec<Vec<Outgoing>> {
    let tasks: Vec<_> = events
        .into_iter()
        .map(|e| {
            let bot = bot.clone();
            tokio::spawn(async move { bot.handle(e).await })
        })
        .collect();
    let mut out = Vec::new();
    for task in tasks {
        out.push(task.await.expect("handled"));
    }
    out
}

/// The reactions in the order they reached the RSVP writer.
fn arrivals(bot: &Bot) -> Vec<QueuedRsvp> {
    bot.rsvp_queue.arrivals.lock().expect("arrivals").clone()
}

/// Hands the reactions to `bot` one at a time, each waiting for the one before.
async fn one_by_one(bot: &Bot, rsvps: &[QueuedRsvp]) {
    for q in rsvps {
        let out = bot
            .handle(Incoming::Reaction {
                actor: q.actor.clone(),
                post: q.post.clone(),
                emoji: q.emoji.clone(),
                added: q.added,
            })
            .await;
        assert!(
            out.is_empty(),
            "a reaction is answered only by notices: {out:?}"
        );
    }
}

type Roster = (i64, Vec<(String, String, Status)>, i64);
type Queued = (String, String, String, Option<i64>, Option<String>);

/// Every roster as stored (who, shown as, status, in list order; the last place used), and
/// every delivery queued (key, kind, to whom, meetup, body), in order.
async fn stored(world: &World) -> (Vec<Roster>, Vec<Queued>) {
    stored_except(world, 0).await
}

/// [`stored`], without one meetup (whose roster cannot be read).
async fn stored_except(world: &World, skip: i64) -> (Vec<Roster>, Vec<Queued>) {
    let mut rosters = Vec::new();
    for (_, meetup) in world.posts.iter().filter(|p| p.1 != skip) {
        let r = world
            .store
            .load_roster(*meetup)
            .await
            .expect("read")
            .expect("the meetup");
        let members = r
            .rsvps
            .into_iter()
            .map(|(m, s)| (m.user.id, m.display_name, s))
            .collect();
        rosters.push((*meetup, members, r.last_position));
    }
    let far = Utc
        .with_ymd_and_hms(2030, 1, 1, 0, 0, 0)
        .unwrap()
        .timestamp();
    let queued = world
        .store
        .due_deliveries(far, Platform::Console, 1_000_000)
        .await
        .expect("outbox")
        .into_iter()
        .map(|d| (d.idempotency_key, d.kind, d.to.user.id, d.meetup_id, d.body))
        .collect();
    (rosters, queued)
}

fn notices(queued: &[Queued], kind: &str) -> usize {
    queued.iter().filter(|q| q.1 == kind).count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_burst_ends_exactly_as_the_same_reactions_one_at_a_time() {
    // Small meetups and few members: places run out, waitlists form and move, members change
    // their minds and take RSVPs back; the cancelled meetup refuses.
    let capacities = [2, 3, 5, 1];
    let a = world(&capacities).await;
    let b = world(&capacities).await;
    let events = reactions(&a, 14, 600, 11);
    let out = burst(&a.bot, events).await;
    assert!(out.iter().all(Vec::is_empty), "no reaction failed: {out:?}");
    let arrived = arrivals(&a.bot);
    assert_eq!(arrived.len(), 600, "every reaction reached the writer");
    let (batches, written) = a.bot.rsvp_batches();
    assert_eq!(written, 600);
    assert!(
        batches < 300,
        "the burst was written in batches, not one by one: {batches} batches"
    );

    one_by_one(&b.bot, &arrived).await;
    assert_eq!(
        b.bot.rsvp_batches(),
        (600, 600),
        "one at a time, one batch each"
    );
    let (rosters, queued) = stored(&a).await;
    let (rosters_b, queued_b) = stored(&b).await;
    assert_eq!(rosters, rosters_b, "the same rosters, order and places");
    assert_eq!(queued, queued_b, "the same notices, in the same order");
    // The burst did exercise what matters: full meetups with waitlists, promotions, refusals.
    assert!(notices(&queued, "notice_waitlisted") > 10, "{queued:?}");
    assert!(notices(&queued, "notice_promoted") > 10, "{queued:?}");
    assert!(
        notices(&queued, "notice_reaction_refused") > 10,
        "{queued:?}"
    );
    for ((_, members, _), capacity) in rosters.iter().zip(capacities) {
        let going = members.iter().filter(|m| m.2 == Status::Going).count();
        let waiting = members.iter().filter(|m| m.2 == Status::Waitlisted).count();
        assert!(going <= capacity as usize, "{members:?}");
        assert!(waiting == 0 || going == capacity as usize, "{members:?}");
    }

    // The rosters each bot keeps in memory are the stored ones: more reactions, one at a
    // time on both, still end the same.
    let more = reactions(&a, 14, 100, 12);
    let b_more = reactions(&b, 14, 100, 12);
    for (x, y) in more.into_iter().zip(b_more) {
        a.bot.handle(x).await;
        b.bot.handle(y).await;
    }
    assert_eq!(stored(&a).await, stored(&b).await);
}

#[tokio::test]
async fn a_failed_batch_loses_nothing_and_half_applies_nothing() {
    let capacities = [2, 3, 4];
    let a = world(&capacities).await;
    let b = world(&capacities).await;
    // One meetup's stored roster cannot be read: reactions on it fail; the others, in the same
    // batches, must land as if that one had never come.
    let (broken_post, broken) = a.posts[1].clone();
    a.bot
        .store()
        .break_roster_for_tests(broken)
        .await
        .expect("a broken row");
    a.bot.forget_rosters(None);

    let events = reactions(&a, 10, 200, 5);
    let on_broken: Vec<bool> = events
        .iter()
        .map(|e| matches!(e, Incoming::Reaction { post, .. } if *post == broken_post))
        .collect();
    let out = burst(&a.bot, events).await;
    assert!(a.bot.rsvp_batches().0 < 100, "written in batches");
    // Each caller hears about its own reaction: the broken meetup's fail, the others don't.
    assert!(
        on_broken.iter().filter(|b| **b).count() > 10,
        "the burst reached it"
    );
    for (broken, answer) in on_broken.iter().zip(&out) {
        if *broken {
            let text = format!("{answer:?}");
            assert!(text.contains("nothing was changed"), "{text}");
        } else {
            assert!(answer.is_empty(), "{answer:?}");
        }
    }
    let rows = a
        .bot
        .store()
        .rsvp_rows_for_tests(broken)
        .await
        .expect("count");
    assert_eq!(rows, 1, "nothing was written on the broken meetup");

    let good: Vec<QueuedRsvp> = arrivals(&a.bot)
        .into_iter()
        .filter(|q| q.post != broken_post)
        .collect();
    one_by_one(&b.bot, &good).await;
    let (rosters, queued) = stored_except(&a, broken).await;
    let (rosters_b, queued_b) = stored_except(&b, broken).await;
    assert_eq!(
        rosters, rosters_b,
        "the other meetups' rosters landed whole"
    );
    assert_eq!(queued, queued_b, "and their notices");
    assert!(notices(&queued, "notice_promoted") > 0, "{queued:?}");
}

fn meetup(capacity: Option<u32>) -> crate::domain::meetup::Meetup {
    crate::domain::meetup::Meetup {
        id: 1,
        series_id: None,
        community: "console:lab".into(),
        organizer: actor("olga", Role::Organizer).member,
        title: "Meetup".into(),
        starts_at: 2_000_000_000,
        ends_at: 2_000_003_600,
        timezone: "America/New_York".into(),
        location: "Hall".into(),
        state: None,
        capacity,
        link: None,
        description: None,
        cancelled: false,
        cancel_reason: None,
        sequence: 0,
    }
}

/// The writer keeps each roster in step with its snapshot rather than rebuilding it for every
/// reaction: that must make exactly what the rebuild makes (the changes, the writes with their
/// places in the order of arrival, names and announcements, and the snapshot after), over long
/// runs of going, maybe, can't go, changes of mind, take-backs (also of answers not given),
/// renamed members and two announcements, at and around capacity.
#[test]
fn a_kept_roster_makes_what_a_rebuilt_one_makes() {
    use crate::bot::rsvps::{apply_reaction_to, apply_roster, roster_of};
    use crate::domain::roster::Rsvp;
    use crate::store::RosterSnapshot;

    let mut seed = 3u64;
    let mut next = move || {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        seed >> 33
    };
    for capacity in [Some(1), Some(2), Some(3), Some(5), None] {
        let empty = RosterSnapshot {
            meetup: meetup(capacity),
            rsvps: Vec::new(),
            via: Default::default(),
            last_position: 0,
        };
        let mut kept = empty.clone();
        let mut roster = roster_of(&kept);
        let mut rebuilt = empty;
        let mut promoted = 0;
        for _ in 0..500 {
            let who = next() % 8;
            let member = Member {
                user: UserId::new(Platform::Console, format!("u{who}")),
                display_name: format!("U{who} ({})", next() % 3),
            };
            let post = if next() % 2 == 0 { "p1" } else { "p2" };
            let rsvp = match next() % 5 {
                0..3 => Rsvp::Going,
                3 => Rsvp::Maybe,
                _ => Rsvp::CantGo,
            };
            let added = next() % 3 != 0;
            let (changes, writes) =
                apply_reaction_to(&mut kept, &mut roster, &member, post, rsvp, added);
            let applied = apply_roster(rebuilt, |_, r, names| {
                names
                    .names
                    .insert(member.user.clone(), member.display_name.clone());
                names.via.insert(member.user.clone(), post.to_owned());
                if added {
                    r.set(member.user.clone(), rsvp)
                } else {
                    r.remove(&member.user, rsvp)
                }
            });
            promoted += writes.len().saturating_sub(1);
            assert_eq!(changes, applied.result);
            assert_eq!(writes, applied.writes);
            assert_eq!(kept.rsvps, applied.snapshot.rsvps);
            assert_eq!(kept.via, applied.snapshot.via);
            assert_eq!(kept.last_position, applied.snapshot.last_position);
            assert_eq!(
                roster,
                roster_of(&kept),
                "the kept roster is the stored one"
            );
            rebuilt = applied.snapshot;
        }
        if capacity.is_some() {
            assert!(promoted > 10, "promotions happened: {promoted}");
        }
    }
}
