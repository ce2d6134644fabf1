//! Networking and mentorship pairing through the console on a simulated clock: twenty members
//! of one community opt in, three rounds run (every two weeks, Tuesdays at 10:00 New York),
//! with accepts, a skip, a pause and a leave; restarts never pair or send twice.

use std::collections::BTreeSet;

use crate::support::{Lab, Run};

/// Monday, December 7, 2026, noon in New York: the first round is the next morning.
const MONDAY: &str = "2026-12-07T12:00:00-05:00";
/// Tuesday, December 8, noon: two hours after the first round.
const ROUND_1_DONE: &str = "2026-12-08T12:00:00-05:00";
/// Tuesday, December 22, noon: two hours after the second round.
const ROUND_2_DONE: &str = "2026-12-22T12:00:00-05:00";

fn name(i: usize) -> String {
    format!("m{i:02}")
}

/// `lines` typed as each of `who` in turn (`:as NAME` before each).
fn as_each(who: impl IntoIterator<Item = String>, line: &str) -> String {
    who.into_iter()
        .map(|n| format!(":as {n}\n{line}\n"))
        .collect()
}

/// (recipient, text) of every private message in a run.
fn private(run: &Run) -> Vec<(String, String)> {
    run.messages()
        .into_iter()
        .filter_map(|m| {
            let rest = m.strip_prefix("[private to ")?;
            let (to, text) = rest.split_once(' ')?;
            let text = text.split_once("] ").map_or(text, |(_, t)| t);
            Some((to.to_owned(), text.to_owned()))
        })
        .collect()
}

fn to_whom(messages: &[(String, String)], what: &str) -> Vec<String> {
    messages
        .iter()
        .filter(|(_, t)| t.contains(what))
        .map(|(to, _)| to.clone())
        .collect()
}

const INTRO: &str = "This round's pairing: meet";
const NONE_THIS_ROUND: &str = "No introduction for you this round";
const MATCHED: &str = "Everyone accepted. You can reach:";

/// Who each member was told they can reach, from the "everyone accepted" messages.
fn pairs(messages: &[(String, String)]) -> BTreeSet<(String, String)> {
    messages
        .iter()
        .filter_map(|(to, t)| {
            let rest = t.split_once(MATCHED)?.1;
            let other = rest.split_whitespace().next()?.to_owned();
            Some((to.clone().min(other.clone()), to.clone().max(other)))
        })
        .collect()
}

#[test]
fn twenty_members_run_three_rounds_with_accepts_a_skip_a_pause_and_a_leave() {
    let lab = Lab::new();
    let everyone: Vec<String> = (1..=20).map(name).collect();
    let shifts = ["day", "evening", "night", "rotating"];
    let mut joins = String::new();
    for (i, n) in everyone.iter().enumerate().take(18) {
        joins.push_str(&format!(
            ":as {n}\n/pair join role:peer specialty:{} state:{} shift:{} interests:hiking, baking\n",
            if i % 2 == 0 { "mls" } else { "micro" },
            if i % 3 == 0 { "OH" } else { "TX" },
            shifts[i % 4]
        ));
    }
    joins.push_str(":as m19\n/pair join role:mentor specialty:micro capacity:2\n");
    joins.push_str(":as m20\n/pair join role:mentee specialty:micro every:2w\n");

    // Round 1: everyone gets one introduction, by profile only.
    let run = lab.console_at("m01", MONDAY, &format!("{joins}:advance 1d\n"), &[]);
    let joined = run.stdout.matches("You're in pairing as a").count();
    assert_eq!(joined, 20, "{}", run.stdout);
    let round1 = private(&run);
    let mut got = to_whom(&round1, INTRO);
    got.sort();
    assert_eq!(got, everyone, "{}", run.stdout);
    for (_, text) in round1.iter().filter(|(_, t)| t.contains(INTRO)) {
        assert!(
            !everyone.iter().any(|n| text.contains(n.as_str())),
            "an introduction names nobody: {text}"
        );
        assert!(
            text.contains("/pair accept") && text.contains("/pair skip"),
            "{text}"
        );
    }
    assert!(
        round1
            .iter()
            .any(|(to, t)| to == "m20" && t.contains("a possible mentor:")),
        "{round1:#?}"
    );

    // A restart at the same time: the round ran already, nobody is introduced twice.
    // m01 skips; everyone else accepts; m02 pauses two weeks and m03 leaves.
    let answers = format!(
        ":as m01\n/pair skip\n{}:as m02\n/pair pause 2\n:as m03\n/pair leave\n",
        as_each(everyone.iter().skip(1).cloned(), "/pair accept")
    );
    let run = lab.console_at("m01", ROUND_1_DONE, &answers, &[]);
    let answered = private(&run);
    assert!(to_whom(&answered, INTRO).is_empty(), "{}", run.stdout);
    let skipped_partner = to_whom(&answered, "won't go ahead this time");
    assert_eq!(skipped_partner.len(), 1, "{}", run.stdout);
    assert_ne!(skipped_partner[0], "m01");
    let first = pairs(&answered);
    assert_eq!(first.len(), 9, "{first:?}\n{}", run.stdout);
    assert!(
        !first.iter().any(|(a, b)| a == "m01"
            || b == "m01"
            || skipped_partner.contains(a)
            || skipped_partner.contains(b)),
        "{first:?}"
    );
    assert!(
        run.stdout.contains("Pairing is paused for 2 weeks"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("You have left pairing"),
        "{}",
        run.stdout
    );

    // A week later, those who met are asked; a fortnight later, round 2 leaves out the paused
    // and the departed, and pairs nobody with last round's partner.
    let run = lab.console_at(
        "m04",
        ROUND_1_DONE,
        ":advance 7d\n:as m04\n/pair met yes\n:advance 7d\n",
        &[],
    );
    let round2 = private(&run);
    // Those who met are asked, except the one who left pairing since.
    let asked = to_whom(&round2, "Did you meet?");
    assert_eq!(asked.len(), 17, "{}", run.stdout);
    assert!(!asked.iter().any(|x| x == "m03"), "{}", run.stdout);
    assert!(
        run.stdout.contains("Thank you for letting us know."),
        "{}",
        run.stdout
    );
    let introduced = to_whom(&round2, INTRO);
    let left_out = to_whom(&round2, NONE_THIS_ROUND);
    // The mentor's only mentee was theirs last round: a mentor nobody needs is not disturbed.
    for n in everyone.iter().skip(3).filter(|n| *n != "m19") {
        assert_eq!(
            introduced
                .iter()
                .chain(&left_out)
                .filter(|x| *x == n)
                .count(),
            1,
            "{n} hears once in round 2:\n{}",
            run.stdout
        );
    }
    for quiet in ["m02", "m03"] {
        assert!(
            !introduced.iter().chain(&left_out).any(|x| x == quiet),
            "{}",
            run.stdout
        );
    }
    assert!(
        introduced.iter().any(|x| x == "m01"),
        "the one who skipped is tried again, with someone else"
    );

    let run = lab.console_at(
        "m01",
        ROUND_2_DONE,
        &format!(
            "{}:advance 7d\n:advance 7d\n",
            as_each(introduced.iter().cloned(), "/pair accept")
        ),
        &[],
    );
    let round3 = private(&run);
    let second = pairs(&round3);
    assert!(!second.is_empty(), "{}", run.stdout);
    assert!(
        second.is_disjoint(&first),
        "nobody meets the same colleague twice: {second:?}"
    );
    let introduced3 = to_whom(&round3, INTRO);
    let left_out3 = to_whom(&round3, NONE_THIS_ROUND);
    assert!(
        introduced3.iter().chain(&left_out3).any(|x| x == "m02"),
        "back from the pause: {}",
        run.stdout
    );
    assert!(
        !introduced3.iter().chain(&left_out3).any(|x| x == "m03"),
        "left: {}",
        run.stdout
    );
}

#[test]
fn bad_pairing_values_are_refused_with_what_is_accepted_and_nothing_changes() {
    let lab = Lab::new();
    let run = lab.console_at(
        "ana",
        MONDAY,
        "/pair join\n/pair join role:boss\n/pair join role:peer shift:noon\n\
         /pair join role:peer capacity:2\n/pair join role:peer every:3w\n\
         /pair join role:peer state:XX\n/pair join role:peer interests:@everyone, <@&123>\n\
         /pair pause 99\n/pair settings\n/pair accept\n/pair status\n",
        &[],
    );
    let out = &run.stdout;
    assert!(out.contains("Choose a role: /pair join role:peer"), "{out}");
    assert!(out.contains("Accepted: peer, mentor, mentee."), "{out}");
    assert!(out.contains("day, evening, night, rotating"), "{out}");
    assert!(out.contains("capacity: is for mentors"), "{out}");
    assert!(out.contains("2w (every two weeks) or 4w"), "{out}");
    assert!(out.contains("from 1 to 12"), "{out}");
    assert!(out.contains("XX"), "{out}");
    assert!(out.contains("letters, digits and hyphens"), "{out}");
    assert!(
        !out.contains("@everyone") && !out.contains("<@&123>"),
        "never pings: {out}"
    );
    assert!(out.contains("You are not in pairing."), "{out}");
    // Nothing was saved by any of them.
    let last = run.messages().last().cloned().unwrap_or_default();
    assert!(last.contains("You are not in pairing."), "{last}");
    assert!(out.contains("no introduction waiting"), "{out}");
}

#[test]
fn pairing_defaults_come_from_the_profile_and_show_in_mydata_until_forgotten() {
    let lab = Lab::new();
    let run = lab.console_at(
        "ana",
        MONDAY,
        "/profile specialty:histo state:OH\n/pair join role:mentee shift:night\n/mydata\n\
         /forgetme confirm\n/pair status\n",
        &[],
    );
    let out = &run.stdout;
    assert!(out.contains("Specialty: histotechnology"), "{out}");
    assert!(
        out.contains("Others see you as: a night-shift histotech in Ohio."),
        "{out}"
    );
    assert!(out.contains("Pairing: opted in as mentee"), "{out}");
    let last = run.messages().last().cloned().unwrap_or_default();
    assert!(
        last.contains("You are not in pairing."),
        "forgotten: {last}"
    );
}

#[tokio::test]
async fn a_kill_while_introductions_go_out_never_pairs_or_sends_twice() {
    use crate::world::{Recorder, World};
    // Tuesday, December 8, 2026, 10:00 in New York: a round.
    let world = World::new("2026-12-08T15:00:00Z".parse().unwrap()).await;
    for i in 1..=6 {
        world
            .say(&name(i), "/pair join role:peer shift:night")
            .await;
    }
    let mut sink = Recorder::at(world.now());
    // The round is written and only two introductions go out before the process is killed.
    world.step(&mut sink, 2).await;
    let world = world.restart().await;
    world.step(&mut sink, 1000).await;
    world.step(&mut sink, 1000).await;
    let world = world.restart().await;
    world.step(&mut sink, 1000).await;
    let told = sink.directs();
    let intros = told.iter().filter(|t| t.contains(INTRO)).count();
    assert_eq!(intros, 6, "each of six once: {told:#?}");
    let status = world.say("m01", "/pair status").await;
    assert!(status.contains("waiting for your answer"), "{status}");
}

#[test]
fn a_report_ends_the_pairing_and_tells_only_the_moderators_and_stats_hide_small_counts() {
    let lab = Lab::new();
    let config = lab.moderators_config(&["mo"]).display().to_string();
    let lines = ":as ana\n/pair join role:peer\n:as bo\n/pair join role:peer\n:advance 1d\n\
                 :as ana\n/pair accept\n:as bo\n/pair accept\n\
                 :as ana\n/pair report they asked for my home address\n/pair status\n";
    let run = lab.run(
        &[
            "--config", &config, "console", "--as", "ana", "--clock", MONDAY,
        ],
        lines,
    );
    assert!(run.success, "{}\n{}", run.stdout, run.stderr);
    let told = private(&run);
    let to_mo: Vec<&String> = told
        .iter()
        .filter(|(to, _)| to == "mo")
        .map(|(_, t)| t)
        .collect();
    assert_eq!(to_mo.len(), 1, "{}", run.stdout);
    assert!(to_mo[0].contains("reported pairing"), "{}", to_mo[0]);
    assert!(to_mo[0].contains("home address"), "{}", to_mo[0]);
    assert!(
        run.stdout.contains("That pairing has ended"),
        "{}",
        run.stdout
    );
    assert!(
        !told
            .iter()
            .any(|(to, t)| to == "bo" && t.contains("reported")),
        "the other is not told who reported: {}",
        run.stdout
    );
    let last = run.messages().last().cloned().unwrap_or_default();
    assert!(last.contains("No introduction is open"), "{last}");

    // Admins see counts only at the check-in stats minimum or above.
    let run = lab.console_as("root", "admin", "/pair stats\n");
    assert!(
        run.stdout.contains("Introductions: fewer than"),
        "{}",
        run.stdout
    );
}
