//! The tips library through the console on a simulated clock: sharing under the
//! patient-information guard, moderation before and after, browsing by topic words, one vote
//! per member, private saved lists, reports, /forgetme's question about tips, the tip after a
//! check-in answer and the tip of the week.
//!
//! Tests that need known tips share them; the shipped starting set is only assumed to load
//! (and, for the check-in and weekly tips, to hold tips from public guidance with sources).

use crate::support::{Lab, Run};

/// Monday, December 7, 2026, 08:00 in New York.
const MONDAY_8AM: &str = "2026-12-07T08:00:00-05:00";

/// A config: `mo` moderates; the console community moderates tips `moderation` and, with
/// `weekly`, gets a tip of the week on Mondays at 09:00 in the channel `tips`.
fn config(lab: &Lab, moderation: &str, weekly: bool) -> String {
    let weekly = if weekly {
        "weekly_channel = \"tips\"\nweekly_day = \"monday\"\nweekly_time = \"09:00\"\n"
    } else {
        ""
    };
    lab.file(
        "tips.toml",
        &format!(
            "[directory]\nmoderators = [\"console:mo\"]\n[tips]\n[[tips.communities]]\n\
             community = \"console:console\"\nmoderation = \"{moderation}\"\n{weekly}"
        ),
    )
    .display()
    .to_string()
}

/// Types `lines` as `who` with the config, on the simulated clock.
fn as_who(lab: &Lab, config: &str, who: &str, lines: &str) -> Run {
    let run = lab.run(
        &[
            "--config", config, "console", "--as", who, "--clock", MONDAY_8AM,
        ],
        lines,
    );
    assert!(run.success, "{}\n{}", run.stdout, run.stderr);
    run
}

/// The number in "tip #N" of a reply.
fn tip_number(message: &str) -> u32 {
    let at = message.find("tip #").expect("a tip number") + "tip #".len();
    message[at..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect::<String>()
        .parse()
        .expect("digits")
}

const NIGHT_TIP: &str = "Keep a small cooler of real food for the 3am slump zqxnight";

#[test]
fn a_shared_tip_waits_for_a_moderator_who_sees_the_author_then_members_find_it_by_their_words() {
    let lab = Lab::new();
    let cfg = config(&lab, "before", false);
    let shared = as_who(
        &lab,
        &cfg,
        "alice",
        &format!(
            "/profile specialty:phlebotomy state:TX\n/tip share topic:graveyard text:{NIGHT_TIP}\n/tips nights\n"
        ),
    );
    let m = shared.messages();
    let thanks = m
        .iter()
        .find(|x| x.contains("waits for a moderator"))
        .expect("{m:#?}");
    assert!(thanks.starts_with("[private to alice"), "{thanks}");
    assert!(thanks.contains("\"a phlebotomist in TX\""), "{thanks}");
    let id = tip_number(thanks);
    assert!(
        !m.last().unwrap().contains("zqxnight"),
        "not live yet: {m:#?}"
    );

    let review = as_who(&lab, &cfg, "mo", "/review\n").stdout;
    assert!(review.contains("zqxnight"), "{review}");
    assert!(
        review.contains("console:alice (alice)"),
        "moderators see who: {review}"
    );
    let approved = as_who(&lab, &cfg, "mo", &format!("/tip approve {id}\n")).stdout;
    assert!(
        approved.contains(&format!("Tip #{id} is live")),
        "{approved}"
    );

    let browse = as_who(&lab, &cfg, "bob", "/tips night shift\n/tips zqxnight\n").messages();
    for list in &browse {
        assert!(list.contains("zqxnight"), "{list}");
        assert!(list.contains("shared by a phlebotomist in TX"), "{list}");
        assert!(!list.contains("alice"), "members never see who: {list}");
    }
}

#[test]
fn a_tip_with_patient_information_is_refused_privately_and_nothing_is_kept() {
    let lab = Lab::new();
    let cfg = config(&lab, "after", false);
    let m = as_who(
        &lab,
        &cfg,
        "alice",
        "/tip share topic:errors text:When patient Maria Lopez's sample was mislabeled zqxphi I asked for help\n/tips zqxphi\n",
    )
    .messages();
    assert!(m[0].starts_with("[private to alice"), "{m:#?}");
    assert!(m[0].contains("looks like a patient's name"), "{}", m[0]);
    assert!(m[1].contains("No tips about"), "nothing kept: {}", m[1]);
}

#[test]
fn bad_tips_are_refused_with_what_is_accepted() {
    let lab = Lab::new();
    let cfg = config(&lab, "after", false);
    let long = "x".repeat(601);
    let m = as_who(
        &lab,
        &cfg,
        "alice",
        &format!("/tip share topic:pizza text:Eat it\n/tip share topic:sleep text:{long}\n/tip show abc\n"),
    )
    .messages();
    assert!(
        m[0].contains("\"pizza\" is not a tip topic") && m[0].contains("short-staffing"),
        "{}",
        m[0]
    );
    assert!(
        m[1].contains("601 characters") && m[1].contains("at most 600"),
        "{}",
        m[1]
    );
    assert!(m[2].contains("\"abc\" is not a tip number"), "{}", m[2]);
}

#[test]
fn in_a_community_that_moderates_after_a_tip_is_live_at_once_and_a_report_hides_it_until_a_moderator_decides()
 {
    let lab = Lab::new();
    let cfg = config(&lab, "after", false);
    let shared = as_who(
        &lab,
        &cfg,
        "alice",
        "/tip share topic:breaks text:Eat lunch away from the bench zqxafter\n",
    )
    .stdout;
    assert!(shared.contains("is live"), "{shared}");
    let id = tip_number(&shared);
    let m = as_who(
        &lab,
        &cfg,
        "bob",
        &format!("/tips zqxafter\n/tip report {id} reason:sounds like an ad\n/tip report {id} reason:again\n/tips zqxafter\n"),
    )
    .messages();
    assert!(m[0].contains("zqxafter"), "{}", m[0]);
    assert!(m[1].contains("hidden until they decide"), "{}", m[1]);
    assert!(
        m[2].contains("reported tip #") && m[2].contains("already"),
        "one report per member: {}",
        m[2]
    );
    assert!(m[3].contains("No tips about"), "hidden: {}", m[3]);
    let review = as_who(&lab, &cfg, "mo", &format!("/review\n/tip approve {id}\n")).stdout;
    assert!(review.contains("reported: sounds like an ad"), "{review}");
    let back = as_who(&lab, &cfg, "bob", "/tips zqxafter\n").stdout;
    assert!(back.contains("zqxafter"), "back after the decision: {back}");
}

#[test]
fn a_member_votes_once_cannot_vote_for_their_own_tip_and_helpful_tips_come_first() {
    let lab = Lab::new();
    let cfg = config(&lab, "after", false);
    let first = as_who(
        &lab,
        &cfg,
        "alice",
        "/tip share topic:sleep text:Blackout curtains zqxvote one\n",
    )
    .stdout;
    let one = tip_number(&first);
    let second = as_who(
        &lab,
        &cfg,
        "alice",
        "/tip share topic:sleep text:Earplugs zqxvote two\n",
    )
    .stdout;
    let two = tip_number(&second);
    let own = as_who(&lab, &cfg, "alice", &format!("/tip helpful {one}\n")).stdout;
    assert!(own.contains("is your own"), "{own}");
    let m = as_who(
        &lab,
        &cfg,
        "bob",
        &format!("/tips zqxvote\n/tip helpful {one}\n/tip helpful {one}\n/tips zqxvote\n"),
    )
    .messages();
    // Newest first before any vote; the voted one first after.
    assert!(
        m[0].find("zqxvote two") < m[0].find("zqxvote one"),
        "{}",
        m[0]
    );
    assert!(m[1].contains("counts"), "{}", m[1]);
    assert!(m[2].contains("already"), "{}", m[2]);
    assert!(
        m[3].find("zqxvote one") < m[3].find("zqxvote two"),
        "{}",
        m[3]
    );
    assert!(m[3].contains("1 member found it helpful"), "{}", m[3]);
    assert!(two > one);
}

#[test]
fn saved_tips_are_a_private_list() {
    let lab = Lab::new();
    let cfg = config(&lab, "after", false);
    let shared = as_who(
        &lab,
        &cfg,
        "alice",
        "/tip share topic:career text:Keep a brag file zqxsave\n",
    )
    .stdout;
    let id = tip_number(&shared);
    let m = as_who(
        &lab,
        &cfg,
        "bob",
        &format!("/tip save {id}\n/tips saved\n/tip unsave {id}\n/tips saved\n"),
    )
    .messages();
    assert!(
        m[0].starts_with("[private to bob") && m[0].contains("Saved tip"),
        "{}",
        m[0]
    );
    assert!(
        m[1].starts_with("[private to bob") && m[1].contains("zqxsave"),
        "{}",
        m[1]
    );
    assert!(m[2].contains("off your saved list"), "{}", m[2]);
    assert!(m[3].contains("no saved tips"), "{}", m[3]);
}

#[test]
fn forgetme_asks_about_the_members_tips_and_keeps_them_without_a_name_when_asked_to() {
    let lab = Lab::new();
    let cfg = config(&lab, "after", false);
    let shared = as_who(
        &lab,
        &cfg,
        "alice",
        "/profile state:OH\n/tip share topic:help text:Ask the lead early zqxforget\n",
    )
    .stdout;
    let id = tip_number(&shared);
    as_who(&lab, &cfg, "bob", &format!("/tip save {id}\n"));
    let m = as_who(
        &lab,
        &cfg,
        "alice",
        &format!(
            "/mydata\n/forgetme\n/forgetme confirm\n/forgetme confirm tips:keep\n/tip show {id}\n"
        ),
    )
    .messages();
    assert!(m[0].contains("Tips: 1 written"), "{}", m[0]);
    assert!(
        m[1].contains("You wrote 1 tip") && m[1].contains("tips:keep"),
        "{}",
        m[1]
    );
    assert!(m[2].contains("Nothing is deleted yet"), "{}", m[2]);
    assert!(m[3].contains("Done:"), "{}", m[3]);
    assert!(
        m[4].contains("zqxforget") && m[4].contains("shared by a member"),
        "{}",
        m[4]
    );
    let review = as_who(&lab, &cfg, "mo", &format!("/tip show {id}\n")).stdout;
    assert!(
        !review.contains("alice"),
        "not even moderators see who now: {review}"
    );

    // bob deletes his: the saved list and votes go, and he wrote none, so nothing is asked.
    let bob = as_who(&lab, &cfg, "bob", "/forgetme confirm\n/tips saved\n").messages();
    assert!(bob[0].contains("Done:"), "{}", bob[0]);
    assert!(bob[1].contains("no saved tips"), "{}", bob[1]);
}

#[test]
fn forgetme_with_tips_delete_takes_the_members_tips_away() {
    let lab = Lab::new();
    let cfg = config(&lab, "after", false);
    as_who(
        &lab,
        &cfg,
        "alice",
        "/tip share topic:help text:Ask the lead early zqxdelete\n",
    );
    as_who(&lab, &cfg, "alice", "/forgetme confirm tips:delete\n");
    let after = as_who(&lab, &cfg, "bob", "/tips zqxdelete\n").stdout;
    assert!(after.contains("No tips about"), "{after}");
}

#[test]
fn a_check_in_answer_brings_one_tip_never_the_same_within_8_weeks_none_after_a_low_answer_or_when_off()
 {
    let lab = Lab::new();
    let cfg = config(&lab, "after", false);
    as_who(
        &lab,
        &cfg,
        "bob",
        "/tip share topic:self-care text:A short walk after shift zqxcheckin\n",
    );
    let m = as_who(
        &lab,
        &cfg,
        "alice",
        "/checkin start Monday 9am Eastern\n:advance 1h\n/checkin answer 4 stress:2\n\
         :advance 7d\n/checkin answer 4\n:advance 7d\n/checkin answer 1\n\
         /checkin settings tips:off\n:advance 7d\n/checkin answer 4\n",
    )
    .messages();
    let answers: Vec<&String> = m.iter().filter(|x| x.contains("Recorded:")).collect();
    assert_eq!(answers.len(), 4, "{m:#?}");
    let tip_of = |a: &str| {
        a.lines()
            .find(|l| l.contains("A tip from peers"))
            .map(str::to_owned)
    };
    let first = tip_of(answers[0]).expect("a tip after a good week");
    let second = tip_of(answers[1]).expect("a tip the next week");
    assert_ne!(first, second, "never the same tip twice within 8 weeks");
    assert!(answers[2].contains("988"), "crisis lines: {}", answers[2]);
    assert!(
        tip_of(answers[2]).is_none(),
        "no tip after a low answer: {}",
        answers[2]
    );
    let settings = m
        .iter()
        .find(|x| x.contains("Tip after answers"))
        .expect("{m:#?}");
    assert!(settings.contains("Tip after answers: off"), "{settings}");
    assert!(tip_of(answers[3]).is_none(), "turned off: {}", answers[3]);
}

#[test]
fn the_tip_of_the_week_arrives_in_the_tips_channel_with_its_source_and_is_not_repeated() {
    let lab = Lab::new();
    let cfg = config(&lab, "after", true);
    let m = as_who(&lab, &cfg, "alice", ":advance 1h\n:advance 7d\n").messages();
    let posts: Vec<&String> = m.iter().filter(|x| x.contains("Tip of the week")).collect();
    assert_eq!(posts.len(), 2, "one a week: {m:#?}");
    for post in &posts {
        assert!(
            !post.contains("private to"),
            "posted in the channel: {post}"
        );
        assert!(
            post.contains("from the starting set") && post.contains("Source: "),
            "{post}"
        );
    }
    let text = |p: &str| p.lines().nth(1).unwrap_or_default().to_owned();
    assert_ne!(text(posts[0]), text(posts[1]), "{posts:#?}");
}

#[test]
fn the_shipped_starting_set_has_20_to_40_sourced_tips() {
    let tips = labcircle::domain::tips::read_file(labcircle::app::SHIPPED_TIPS)
        .expect("the shipped tips file loads");
    let starting: Vec<_> = tips
        .iter()
        .filter(|t| t.key.starts_with("start-"))
        .collect();
    assert!(
        (20..=40).contains(&starting.len()),
        "{} starting-set tips",
        starting.len()
    );
    assert!(
        starting
            .iter()
            .all(|t| t.source_url.is_some() && t.source_name.is_some())
    );
}
