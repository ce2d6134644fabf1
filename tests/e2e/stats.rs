//! `/checkin stats` against someone trying to unmask one member: alt accounts whose answers the
//! attacker knows, rounding edges, asking again, and differences after a member leaves. The bot
//! and its store in process (`World`), members in many communities; the configuration check
//! through the binary.

use chrono::{DateTime, Utc};

use labcircle::domain::identity::{Actor, CommunityId, Member, Platform, Role, UserId};

use crate::support::Lab;
use crate::world::World;

/// When the long-standing members opt in.
const OPT_IN: &str = "2026-11-02T08:00:00-05:00";
/// The week under attack: five weeks later.
const WEEK: &str = "2026-12-07T08:00:00-05:00";
/// Long after every prompt of that week closed.
const LATER: &str = "2026-12-28T08:00:00-05:00";

fn at(time: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(time)
        .expect("a test time")
        .with_timezone(&Utc)
}

fn in_community(name: &str, community: &str, role: Role) -> Actor {
    Actor {
        member: Member {
            user: UserId::new(Platform::Console, name),
            display_name: name.into(),
        },
        role,
        community: CommunityId {
            platform: Platform::Console,
            id: community.into(),
        },
    }
}

async fn opt_in(world: &World, community: &str, names: &[String]) {
    for name in names {
        let reply = world
            .say_as(
                in_community(name, community, Role::Member),
                "/checkin start",
            )
            .await;
        assert!(
            reply.contains("You're in") || reply.contains("schedule is updated"),
            "{name}: {reply}"
        );
    }
}

async fn answer(world: &World, community: &str, name: &str, mood: u8, stress: u8) {
    let who = || in_community(name, community, Role::Member);
    world.say_as(who(), "/checkin now").await;
    let reply = world
        .say_as(who(), &format!("/checkin answer {mood} stress:{stress}"))
        .await;
    assert!(reply.contains("Recorded"), "{name}: {reply}");
}

async fn stats(world: &World, community: &str) -> String {
    world
        .say_as(
            // Each community's own admin: one identity asking dozens of times at one instant
            // would meet the per-minute command limit.
            in_community(&format!("{community}-admin"), community, Role::Admin),
            "/checkin stats",
        )
        .await
}

fn names(prefix: &str, n: usize) -> Vec<String> {
    (0..n).map(|i| format!("{prefix}{i}")).collect()
}

/// The shown figures of a week: (struggling, okay, good), or `None` when it is hidden.
fn shown(stats: &str, week: &str) -> Option<[u32; 3]> {
    let line = stats
        .lines()
        .find(|l| l.contains(&format!("Week of {week}:")))
        .unwrap_or_else(|| panic!("no line for {week}: {stats}"));
    let figures: Vec<u32> = line
        .split("about ")
        .skip(1)
        .map(|part| {
            let digits: String = part.chars().take_while(char::is_ascii_digit).collect();
            digits.parse().expect("a figure")
        })
        .collect();
    match figures[..] {
        [s, o, g] => Some([s, o, g]),
        [] => None,
        _ => panic!("{line}"),
    }
}

/// The attack from the report, replayed: the victim opted in long ago; the attacker makes four
/// accounts, answers with them, and compares the community's figures. Before, with 5 answers
/// enough and exact averages, the victim's mood and stress came straight back. Now the four
/// accounts are too new to count, so the week (9 long-standing answers) is not shown at all,
/// and the reply is the same whatever the victim answered.
#[tokio::test]
async fn four_new_alt_accounts_count_for_nothing_and_the_victims_answer_stays_hidden() {
    let mut replies = Vec::new();
    for (mood, stress) in [(1, 5), (5, 1)] {
        let world = World::new(at(OPT_IN)).await;
        let honest = names("honest", 8);
        opt_in(&world, "lab", &honest).await;
        opt_in(&world, "lab", &["victim".to_owned()]).await;
        world.clock.set(at(WEEK));
        let alts = names("alt", 4);
        opt_in(&world, "lab", &alts).await;
        for (i, name) in honest.iter().enumerate() {
            answer(&world, "lab", name, [4, 3, 5, 2][i % 4], 3).await;
        }
        for name in &alts {
            answer(&world, "lab", name, 3, 3).await;
        }
        answer(&world, "lab", "victim", mood, stress).await;
        world.clock.set(at(LATER));
        let seen = stats(&world, "lab").await;
        assert_eq!(shown(&seen, "2026-12-07"), None, "{seen}");
        assert!(seen.contains("fewer than 10 answers"), "{seen}");
        assert!(!seen.contains("average"), "{seen}");
        // The attacker's own community (where they are an admin) shows nothing of this one.
        let elsewhere = stats(&world, "attackers-own").await;
        assert!(
            elsewhere.contains("No closed check-in weeks"),
            "{elsewhere}"
        );
        replies.push(seen);
    }
    assert_eq!(
        replies[0], replies[1],
        "the victim's answer changed the reply"
    );
}

/// Ten long-standing answers: shown; nine: not, whatever else answered. The figures are bands
/// rounded to 5, never means.
#[tokio::test]
async fn a_week_shows_from_exactly_ten_long_standing_answers() {
    let world = World::new(at(OPT_IN)).await;
    for (community, n) in [("nine", 9), ("ten", 10)] {
        opt_in(&world, community, &names(community, n)).await;
    }
    world.clock.set(at(WEEK));
    // Four fresh accounts in the community of nine do not lift it to the minimum.
    opt_in(&world, "nine", &names("fresh", 4)).await;
    for (community, n) in [("nine", 9), ("ten", 10)] {
        for (i, name) in names(community, n).iter().enumerate() {
            answer(&world, community, name, [1, 3, 4, 5, 2][i % 5], 2).await;
        }
    }
    for name in names("fresh", 4) {
        answer(&world, "nine", &name, 4, 2).await;
    }
    world.clock.set(at(LATER));
    let nine = stats(&world, "nine").await;
    assert_eq!(shown(&nine, "2026-12-07"), None, "{nine}");
    let ten = stats(&world, "ten").await;
    let figures = shown(&ten, "2026-12-07").expect("ten answers are shown");
    assert!(figures.iter().all(|f| f % 5 == 0), "{ten}");
    assert!(ten.contains("struggling (1-2) about"), "{ten}");
    assert!(!ten.contains("average"), "{ten}");
}

/// The stronger attacker: nine accounts opted in long before, so they count, and answers chosen
/// to put the struggling count right at a rounding edge (2 without the victim, 3 with). Plain
/// rounding would show 0 or 5 and give the victim away every time. With the noise, across many
/// communities attacked this way, both figures turn up whether the victim struggled or not: no
/// single week tells. (How much one week can hint, at most, is checked exactly in the domain's
/// unit tests.)
#[tokio::test]
async fn old_alt_accounts_at_a_rounding_edge_cannot_read_one_answer() {
    const RUNS: usize = 30;
    let world = World::new(at(OPT_IN)).await;
    let community = |victim_mood: u8, run: usize| format!("edge-{victim_mood}-{run}");
    for victim_mood in [1, 5] {
        for run in 0..RUNS {
            let c = community(victim_mood, run);
            let mut members = names(&format!("{c}-alt"), 9);
            members.push(format!("{c}-victim"));
            opt_in(&world, &c, &members).await;
        }
    }
    world.clock.set(at(WEEK));
    for victim_mood in [1, 5] {
        for run in 0..RUNS {
            let c = community(victim_mood, run);
            for (i, alt) in names(&format!("{c}-alt"), 9).iter().enumerate() {
                answer(&world, &c, alt, if i < 2 { 1 } else { 5 }, 3).await;
            }
            answer(&world, &c, &format!("{c}-victim"), victim_mood, 3).await;
        }
    }
    world.clock.set(at(LATER));
    for victim_mood in [1, 5] {
        let mut struggling = Vec::new();
        for run in 0..RUNS {
            let seen = stats(&world, &community(victim_mood, run)).await;
            let figures = shown(&seen, "2026-12-07").expect("ten counted answers are shown");
            struggling.push(figures[0]);
        }
        for figure in [0, 5] {
            assert!(
                struggling.contains(&figure),
                "victim mood {victim_mood}: struggling never shown as {figure}: {struggling:?}"
            );
        }
    }
}

/// Differencing: a week's figures are fixed the first time they are shown after it closed.
/// Asking again gives the same figures (the noise cannot be averaged away), and a member who
/// then uses /forgetme or /checkin stop does not change them (the difference would be their
/// answer).
#[tokio::test]
async fn shown_figures_never_change_so_no_difference_gives_an_answer_away() {
    let world = World::new(at(OPT_IN)).await;
    let members = names("m", 11);
    opt_in(&world, "lab", &members).await;
    world.clock.set(at(WEEK));
    for (i, name) in members.iter().enumerate() {
        answer(&world, "lab", name, [1, 2, 3, 4, 5][i % 5], 3).await;
    }
    world.clock.set(at(LATER));
    let first = stats(&world, "lab").await;
    assert!(shown(&first, "2026-12-07").is_some(), "{first}");
    for _ in 0..5 {
        assert_eq!(stats(&world, "lab").await, first);
    }
    let leaving = in_community("m0", "lab", Role::Member);
    let gone = world.say_as(leaving, "/forgetme confirm").await;
    assert!(gone.contains("deleted"), "{gone}");
    let stopped = world
        .say_as(in_community("m1", "lab", Role::Member), "/checkin stop")
        .await;
    assert!(stopped.contains("stopped"), "{stopped}");
    assert_eq!(stats(&world, "lab").await, first);
}

/// Opting in long ago somewhere else does not count: moving to the community under attack
/// starts the four weeks again there.
#[tokio::test]
async fn an_account_moved_from_another_community_waits_four_weeks_again() {
    let world = World::new(at(OPT_IN)).await;
    let members = names("m", 9);
    opt_in(&world, "lab", &members).await;
    opt_in(&world, "other", &["mover".to_owned()]).await;
    world.clock.set(at(WEEK));
    opt_in(&world, "lab", &["mover".to_owned()]).await;
    for name in &members {
        answer(&world, "lab", name, 3, 3).await;
    }
    answer(&world, "lab", "mover", 3, 3).await;
    world.clock.set(at(LATER));
    let seen = stats(&world, "lab").await;
    assert_eq!(shown(&seen, "2026-12-07"), None, "{seen}");
}

#[test]
fn a_stats_minimum_under_five_is_refused_with_the_reason() {
    let lab = Lab::new();
    for (value, ok) in [("3", false), ("0", false), ("5", true), ("10", true)] {
        let config = lab.file(
            &format!("stats-{value}.toml"),
            &format!("[checkins]\nstats_min_answers = {value}\n"),
        );
        let run = lab.run(
            &["config", "check", "--config", config.to_str().unwrap()],
            "",
        );
        assert_eq!(run.success, ok, "{value}: {}{}", run.stdout, run.stderr);
        if !ok {
            assert!(
                run.stderr.contains("checkins.stats_min_answers")
                    && run
                        .stderr
                        .contains(&format!("{value} is not allowed; use 5"))
                    && run.stderr.contains("work out one member's answer"),
                "{}",
                run.stderr
            );
        }
    }
}
