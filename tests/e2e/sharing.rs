//! Meetups belong to their home community: sharing one elsewhere announces it there and gives
//! that community's admins no power over it but withdrawing their own announcement.

use chrono::{TimeZone, Utc};

use labcircle::bot::Incoming;
use labcircle::domain::identity::Actor;
use labcircle::scheduler::{Deliver, Delivery, DeliveryError, Target};

use crate::support::Lab;
use crate::world::{self, Recorder, World};

const MONDAY_8AM: &str = "2026-12-07T08:00:00-05:00";

/// Runs the console as olga, an organizer, on the simulated clock: one session, so the post
/// numbers ([#N]) of every line below are this run's.
fn session(lab: &Lab, lines: &str) -> Vec<String> {
    lab.run(
        &[
            "console",
            "--as",
            "olga",
            "--role",
            "organizer",
            "--clock",
            MONDAY_8AM,
        ],
        lines,
    )
    .messages()
}

/// olga creates meetup #1 in histo-club (its announcement is [#2]) and bob RSVPs there.
const CREATED_AND_BOB_GOING: &str = ":in histo-club\n/meetup create title:Histo night when:Dec 9 \
     18:00 where:Hall capacity:5\n:as bob\n:react 2 ✅\n";

fn find<'a>(m: &'a [String], text: &str) -> &'a String {
    m.iter()
        .find(|x| x.contains(text))
        .unwrap_or_else(|| panic!("no message with {text:?}: {m:#?}"))
}

#[test]
fn sharing_a_meetup_gives_another_communitys_admin_no_power_over_it() {
    let lab = Lab::new();
    let m = session(
        &lab,
        &format!(
            "{CREATED_AND_BOB_GOING}:as mallory admin\n:in other-club\n/meetup share 1\n\
             /meetup cancel 1 reason:moved to my place, DM me\n\
             /meetup edit 1 where:My place\n:advance 10s\n/meetup show 1\n"
        ),
    );
    // The share itself is allowed: an announcement in other-club.
    find(&m, "will be announced here too");
    assert!(
        m.iter()
            .any(|x| x.starts_with("[#4] Meetup #1: Histo night")),
        "{m:#?}"
    );
    let refusals: Vec<&String> = m
        .iter()
        .filter(|x| x.contains("only its organizer or an admin of"))
        .collect();
    assert_eq!(refusals.len(), 2, "cancel and edit are refused: {m:#?}");
    assert!(
        refusals[0].contains("/meetup unshare 1"),
        "it says what they can do: {}",
        refusals[0]
    );
    // Nothing reached bob, the meetup is neither cancelled nor moved.
    assert!(
        !m.iter().any(|x| x.starts_with("[private to bob")),
        "{m:#?}"
    );
    assert!(!m.iter().any(|x| x.contains("CANCELLED")), "{m:#?}");
    let show = m.last().unwrap();
    assert!(
        show.contains("Where: Hall") && !show.contains("My place"),
        "{show}"
    );
}

/// The numbers of meetup #1's announcement posts, in the order they were posted.
fn posts_of_meetup_1(m: &[String]) -> Vec<String> {
    m.iter()
        .filter(|x| x.starts_with("[#") && x.contains("] Meetup #1: Histo night"))
        .map(|x| x[1..x.find(']').unwrap()].to_owned())
        .filter(|label| !label.contains(' '))
        .collect()
}

#[test]
fn organizers_and_admins_elsewhere_cannot_take_a_meetup_or_withdraw_what_is_not_theirs() {
    let lab = Lab::new();
    let m = session(
        &lab,
        &format!(
            "{CREATED_AND_BOB_GOING}:as oscar organizer\n:in other-club\n/meetup share 1\n\
             /meetup cancel 1 reason:@everyone it is off\n/meetup unshare 1\n\
             :as mallory admin\n/meetup share 1\n/meetup share 1\n\
             :as oscar organizer\n/meetup unshare 1\n\
             :as trent admin\n:in third-club\n/meetup unshare 1\n/meetup unshare 99\n\
             /meetup unshare first\n:in histo-club\n/meetup unshare 1\n/meetup share 1\n\
             :advance 10s\n:as olga organizer\n:in other-club\n/meetup unshare 1\n"
        ),
    );
    // oscar, an organizer of another community: not his meetup to share, cancel or withdraw.
    let oscar: Vec<&String> = m
        .iter()
        .filter(|x| x.contains("only its organizer or an admin of"))
        .collect();
    assert_eq!(oscar.len(), 2, "share and cancel refused: {m:#?}");
    assert!(
        m.iter().all(|x| !x.contains("@everyone")),
        "nothing echoes a ping: {m:#?}"
    );
    let not_his = m
        .iter()
        .filter(|x| x.contains("Only this community's admins, or the meetup's organizer"))
        .count();
    assert_eq!(
        not_his, 2,
        "oscar may not withdraw, before or after: {m:#?}"
    );
    // Sharing twice posts once.
    find(&m, "is announced here already");
    // Withdrawing where it was never shared, or where it was created, changes nothing.
    find(&m, "was never shared into this community");
    find(&m, "There is no meetup #99");
    find(&m, "\"first\" is not a meetup number");
    find(
        &m,
        "its announcement here is its own; there is nothing to withdraw",
    );
    find(
        &m,
        "was created in this community, so it is announced here already",
    );
    assert_eq!(
        posts_of_meetup_1(&m),
        ["#2", "#7"],
        "one post at home, one in other-club: {m:#?}"
    );
    // The meetup's own organizer may withdraw it from a community it was shared into.
    let last = m.last().unwrap();
    assert!(
        m.iter()
            .any(|x| x.starts_with("[#7 edited] Withdrawn here: Meetup #1")),
        "{m:#?}"
    );
    assert!(
        m.iter()
            .any(|x| x.contains("Meetup #1 is withdrawn from this community")),
        "{last}"
    );
    assert!(
        !m.iter().any(|x| x.starts_with("[private to bob")),
        "bob heard of none of it: {m:#?}"
    );
}

#[test]
fn a_withdrawn_announcement_takes_no_new_rsvps_and_keeps_the_old_ones() {
    let lab = Lab::new();
    let m = session(
        &lab,
        &format!(
            "{CREATED_AND_BOB_GOING}:as mallory admin\n:in other-club\n/meetup share 1\n\
             :as carol\n:react 4 ✅\n:advance 10s\n\
             :as mallory admin\n/meetup unshare 1\n/meetup unshare 1\n\
             :as dan\n:react 4 ✅\n:offline\n:as erin\n:react 4 🤔\n:online\n\
             :as carol\n:unreact 4 ✅\n:react 4 ✅\n\
             :as frank\n:react 2 ✅\n:advance 10s\n:as olga organizer\n/meetup show 1\n\
             :as mallory admin\n:in other-club\n/meetup share 1\n"
        ),
    );
    assert!(
        m.iter()
            .any(|x| x.starts_with("[#4 edited]") && x.contains("2 / 5 going")),
        "counted while shared: {m:#?}"
    );
    let at = m
        .iter()
        .position(|x| x.starts_with("[#4 edited] Withdrawn here: Meetup #1: Histo night"))
        .unwrap_or_else(|| panic!("the announcement says it was withdrawn: {m:#?}"));
    assert!(
        !m[at].contains("going") && !m[at].contains("React ✅"),
        "no counts, no call to react: {}",
        m[at]
    );
    assert!(
        !m[at + 1..].iter().any(|x| x.starts_with("[#4 edited]")),
        "no longer updated: {m:#?}"
    );
    find(&m, "announcement here is withdrawn already");
    let dan = find(&m, "[private to dan");
    assert!(
        dan.contains("was withdrawn from this community") && dan.contains("not counted"),
        "{dan}"
    );
    let carol = find(&m, "[private to carol");
    assert!(carol.contains("not counted"), "{carol}");
    // The organizer's list: bob and frank through home, nobody new through the withdrawn post;
    // carol took hers back there and could not make it again.
    let show = m
        .iter()
        .find(|x| x.starts_with("[private to olga"))
        .unwrap_or_else(|| panic!("{m:#?}"));
    assert!(
        show.contains("bob (going)") && show.contains("frank (going)"),
        "{show}"
    );
    assert!(
        !show.contains("dan") && !show.contains("erin") && !show.contains("carol"),
        "{show}"
    );
    assert!(show.contains("2 / 5 going"), "{show}");
    let last_home = m
        .iter()
        .rev()
        .find(|x| x.starts_with("[#2 edited]"))
        .unwrap();
    assert!(last_home.contains("2 / 5 going"), "{last_home}");
    // Shared again: a fresh announcement with today's counts.
    let posts = posts_of_meetup_1(&m);
    assert_eq!(posts.len(), 3, "{m:#?}");
    let again = find(&m, &format!("[{}] Meetup #1", posts[2]));
    assert!(again.contains("2 / 5 going"), "{again}");
}

#[test]
fn the_home_admin_still_cancels_and_every_announcement_shows_it() {
    let lab = Lab::new();
    let m = session(
        &lab,
        &format!(
            "{CREATED_AND_BOB_GOING}:as mallory admin\n:in other-club\n/meetup share 1\n\
             :as carol\n:react 4 ✅\n:as trent admin\n:in micro-club\n/meetup share 1\n\
             :as olga organizer\n/meetup edit 1 where:Annex\n\
             :as root admin\n:in histo-club\n/meetup cancel 1 reason:snow day\n:advance 10s\n"
        ),
    );
    find(&m, "Meetup #1 updated: now at Annex");
    find(&m, "Meetup #1 is cancelled; everyone who answered is told.");
    let posts = posts_of_meetup_1(&m);
    assert_eq!(posts.len(), 3, "{m:#?}");
    for post in posts {
        let edit = m
            .iter()
            .rev()
            .find(|x| x.starts_with(&format!("[{post} edited]")))
            .unwrap_or_else(|| panic!("{post} edited: {m:#?}"));
        assert!(
            edit.starts_with(&format!("[{post} edited] CANCELLED: Meetup #1"))
                && edit.contains("Where: Annex")
                && edit.contains("snow day"),
            "{edit}"
        );
    }
    for who in ["bob", "carol"] {
        let notice = m
            .iter()
            .find(|x| x.starts_with(&format!("[private to {who}")) && x.contains("cancelled"))
            .unwrap_or_else(|| panic!("{who} told: {m:#?}"));
        assert!(notice.contains("Reason: snow day"), "{notice}");
    }
}

/// `name` as an admin of another community, `community`, on the console platform.
fn admin_of(name: &str, community: &str) -> Actor {
    let mut actor = world::admin(name);
    actor.community.id = community.into();
    actor
}

/// A sink that withdraws the share while the platform is still posting its announcement, as
/// an admin typing at that moment would.
struct WithdrawnInFlight {
    recorder: Recorder,
    bot: labcircle::bot::Bot,
}

impl Deliver for WithdrawnInFlight {
    async fn deliver(&mut self, d: &Delivery) -> Result<String, DeliveryError> {
        if let Target::Channel { community } = &d.target
            && community == "console:other"
        {
            let out = self
                .bot
                .handle(Incoming::Command {
                    actor: admin_of("mallory", "other"),
                    text: "/meetup unshare 1".into(),
                })
                .await;
            let said = world::texts(&out).join("\n");
            assert!(said.contains("will not be posted here"), "{said}");
        }
        self.recorder.deliver(d).await
    }
}

#[tokio::test]
async fn a_share_withdrawn_before_its_post_goes_out_is_never_left_standing() {
    let start = Utc.with_ymd_and_hms(2026, 12, 7, 13, 0, 0).unwrap();
    let world = World::new(start).await;
    let created = world
        .organizer_says(
            "olga",
            "/meetup create title:Histo night when:Dec 9 18:00 where:Hall",
        )
        .await;
    assert!(created.contains("Meetup #1 is created"), "{created}");
    let mut sink = Recorder::at(start);
    world.step(&mut sink, 10).await;
    assert_eq!(sink.posts().len(), 1, "the home announcement");

    // Shared and withdrawn before the outbox ran: nothing is posted.
    let mallory = || admin_of("mallory", "other");
    let shared = world.say_as(mallory(), "/meetup share 1").await;
    assert!(shared.contains("will be announced here too"), "{shared}");
    let withdrawn = world.say_as(mallory(), "/meetup unshare 1").await;
    assert!(withdrawn.contains("will not be posted here"), "{withdrawn}");
    world.step(&mut sink, 10).await;
    assert_eq!(sink.posts().len(), 1, "{:#?}", sink.sent);

    // Shared again, and withdrawn while the platform posts it: the post, once recorded, is
    // edited to say it was withdrawn and takes no RSVPs.
    let again = world.say_as(mallory(), "/meetup share 1").await;
    assert!(again.contains("will be announced here too"), "{again}");
    let mut racing = WithdrawnInFlight {
        recorder: sink,
        bot: world.bot.clone(),
    };
    world.step(&mut racing, 10).await;
    world.step(&mut racing, 10).await;
    let mut sink = racing.recorder;
    assert_eq!(sink.posts().len(), 2, "{:#?}", sink.sent);
    let post = sink.sent.last().expect("an edit");
    assert_eq!(post.kind, world::Kind::Edit, "{:#?}", sink.sent);
    assert!(
        post.text.starts_with("Withdrawn here: Meetup #1"),
        "{}",
        post.text
    );
    let refused = world
        .bot
        .handle(Incoming::Reaction {
            actor: world::member("dan"),
            post: "post2".into(),
            emoji: "✅".into(),
            added: true,
        })
        .await;
    // Dan is told privately, through the outbox: no answer comes back from the reaction.
    assert!(refused.is_empty(), "{:#?}", world::texts(&refused));
    world.step(&mut sink, 10).await;
    let told = sink.directs().join("\n");
    assert!(told.contains("not counted"), "{told}");
}
