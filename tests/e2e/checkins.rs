//! Check-ins end to end through the console binary with the simulated clock.

use labcircle::domain::identity::{Platform, UserId};

use crate::support::Lab;

/// 08:00 in New York on a Monday.
const MONDAY_8AM: &str = "2026-12-07T08:00:00-05:00";
const KEY: &str = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=";

#[test]
fn a_member_opts_in_receives_the_prompt_privately_answers_and_sees_history() {
    let lab = Lab::new();
    let run = lab.console_at(
        "alice",
        MONDAY_8AM,
        "/checkin start Monday 9am Eastern\n\
         :advance 59m\n\
         :advance 1m\n\
         /checkin answer 4 stress:2\n\
         :advance 7d\n\
         /checkin answer good\n\
         /checkin history\n",
        &[],
    );
    let m = run.messages();
    assert!(
        m[0].starts_with("[private to alice #1] You're in"),
        "{m:#?}"
    );
    assert!(m[0].contains("Next: Mon Dec 7, 09:00 ET"), "{}", m[0]);
    // Nothing before 09:00; at 09:00 the prompt arrives, privately.
    assert!(
        m[1].starts_with("(the time is now 2026-12-07T13:59"),
        "{m:#?}"
    );
    assert!(
        m[2].starts_with("[private to alice #2] How are you doing this week?"),
        "{m:#?}"
    );
    assert!(
        m[2].contains("1 Struggling") && m[2].contains("5 Great"),
        "{}",
        m[2]
    );
    assert!(
        m[4].contains("Recorded: Good (4)") && m[4].contains("Stress: 2 of 5"),
        "{}",
        m[4]
    );
    // A week later the next prompt came, was answered, and history shows both weeks.
    assert!(
        m[5].starts_with("[private to alice #4] How are you doing"),
        "{m:#?}"
    );
    let history = m.last().unwrap();
    assert!(history.starts_with("[private to alice"), "{history}");
    assert!(history.contains("··········▆▆"), "{history}");
    assert!(history.contains("Streak: 2 weeks"), "{history}");
    assert!(
        history.contains("Mon Dec 7 – Sun Dec 13: Good (4), stress 2"),
        "{history}"
    );
}

#[test]
fn a_reaction_on_the_prompt_answers_it_and_someone_elses_reaction_is_refused() {
    let lab = Lab::new();
    let run = lab.console_at(
        "alice",
        MONDAY_8AM,
        "/checkin start Monday 9am Eastern\n:advance 1h\n:as bob\n:react 2 4️⃣\n:as alice\n\
         :react 2 5️⃣\n/checkin history\n",
        &[],
    );
    let m = run.messages();
    let prompt = m
        .iter()
        .position(|x| x.contains("How are you doing"))
        .unwrap();
    assert!(m[prompt].starts_with("[private to alice #2]"), "{m:#?}");
    let refused = m
        .iter()
        .find(|x| x.starts_with("[private to bob"))
        .expect("bob is answered");
    assert!(
        refused.contains("not sent to you; nothing was recorded"),
        "{refused}"
    );
    assert!(
        m.iter().any(|x| x.contains("Recorded: Great (5)")),
        "{m:#?}"
    );
    assert!(m.last().unwrap().contains("Great (5)"), "{m:#?}");
}

#[test]
fn a_low_answer_brings_crisis_lines_and_peer_groups_at_once() {
    let lab = Lab::new();
    let run = lab.console_at(
        "alice",
        MONDAY_8AM,
        "/profile specialty:histo state:OH\n/checkin start\n/checkin now\n/checkin answer 1\n",
        &[],
    );
    let reply = run.messages().last().unwrap().clone();
    assert!(reply.starts_with("[private to alice"), "{reply}");
    for needle in [
        "988",
        "text HOME to 741741",
        "SAMHSA",
        "not monitored",
        "not an emergency service",
    ] {
        assert!(reply.contains(needle), "{needle} missing: {reply}");
    }
    assert!(reply.contains("Peers who get it"), "{reply}");
    // Peers for a histotech: histology communities first, never a group for families.
    let peers = &reply[reply.find("Peers who get it").unwrap()..];
    let first = peers.lines().nth(1).unwrap_or_default();
    assert!(
        first.contains("NSH The Block") || first.contains("r/Histology"),
        "{peers}"
    );
    assert!(!reply.contains("Family"), "{reply}");
    assert!(
        reply.contains("Nothing you answer is forwarded to anyone"),
        "{reply}"
    );
}

#[test]
fn a_fall_of_two_points_from_the_recent_average_also_counts_as_low() {
    let lab = Lab::new();
    let mut script = String::from("/checkin start Monday 9am Eastern\n");
    for _ in 0..3 {
        script.push_str(":advance 1h\n/checkin answer 5\n:advance 167h\n");
    }
    script.push_str(":advance 1h\n/checkin answer 3\n");
    let run = lab.console_at("alice", MONDAY_8AM, &script, &[]);
    let reply = run.messages().last().unwrap().clone();
    assert!(
        reply.contains("Recorded: Okay (3)") && reply.contains("988"),
        "{reply}"
    );
}

#[test]
fn patient_like_notes_are_refused_and_nothing_is_stored() {
    let lab = Lab::new();
    let run = lab.console_at(
        "alice",
        MONDAY_8AM,
        "/checkin start\n/checkin now\n/checkin answer 2 note:pt John Smith MRN 12345678 coded\n\
         /checkin answer 2 note:DOB 04/12/1961 was on the wrong tube\n/mydata\n",
        &[("LABCIRCLE_NOTE_KEY", KEY)],
    );
    let m = run.messages();
    let refusals: Vec<_> = m
        .iter()
        .filter(|x| x.contains("Nothing was recorded"))
        .collect();
    assert_eq!(refusals.len(), 2, "{m:#?}");
    assert!(
        refusals
            .iter()
            .all(|r| r.contains("protected health information")),
        "{refusals:#?}"
    );
    let data = m.last().unwrap();
    let file = crate::support::saved_file(data, "labcircle-my-data.json");
    assert!(file.contains("\"checkin_answers\": []"), "{file}");
    for text in [data, &file] {
        assert!(!text.contains("Smith") && !text.contains("1961"), "{text}");
    }
}

#[test]
fn notes_are_stored_encrypted_with_a_key_and_not_at_all_without() {
    let lab = Lab::new();
    let run = lab.console_at(
        "alice",
        MONDAY_8AM,
        "/checkin start\n/checkin now\n/checkin answer 3 note:three techs for forty tubes\n\
         /checkin history\n",
        &[("LABCIRCLE_NOTE_KEY", KEY)],
    );
    let m = run.messages();
    assert!(m.iter().any(|x| x.contains("stored encrypted")), "{m:#?}");
    assert!(
        m.last()
            .unwrap()
            .contains("note: three techs for forty tubes"),
        "{m:#?}"
    );
    for file in ["labcircle.db", "labcircle.db-wal"] {
        let path = lab.database().with_file_name(file);
        if let Ok(bytes) = std::fs::read(&path) {
            let text = String::from_utf8_lossy(&bytes);
            assert!(!text.contains("forty tubes"), "plain note in {file}");
        }
    }

    let other = Lab::new();
    let run = other.console_at(
        "bob",
        MONDAY_8AM,
        "/checkin start\n/checkin now\n/checkin answer 3 note:three techs\n/checkin history\n",
        &[],
    );
    let m = run.messages();
    assert!(
        m.iter()
            .any(|x| x.contains("Notes are turned off on this server")),
        "{m:#?}"
    );
    assert!(!m.last().unwrap().contains("three techs"), "{m:#?}");
}

#[test]
fn forgetme_leaves_no_row_about_the_member_in_any_table() {
    let lab = Lab::new();
    let key = [("LABCIRCLE_NOTE_KEY", KEY)];
    let who = "alice-zq7x";
    lab.console_at(
        "bob",
        MONDAY_8AM,
        "/suggestgroup name:B url:https://example.org description:C\n\
         /group report ascls reason:outdated\n",
        &key,
    );
    lab.console_at(
        who,
        MONDAY_8AM,
        "/profile specialty:mls state:TX\n/checkin start\n/checkin quiet 22:00-06:00\n\
         /checkin now\n/checkin answer 4 note:fine\n/checkin snooze\n\
         /suggestgroup name:X url:https://example.org description:Y\n\
         /group report ascls reason:broken-link details:The page is gone.\n:advance 8d\n",
        &key,
    );
    // alice is also a directory moderator who decided bob's suggestion.
    let config = lab.moderators_config(&[who]).display().to_string();
    let decided = lab.run_env(
        &[
            "--config", &config, "console", "--as", who, "--clock", MONDAY_8AM,
        ],
        b"/review reject 1 reason:duplicate\n/review report ascls dismissed\n",
        &key,
    );
    assert!(
        decided.message(0).contains("Turned down #1"),
        "{}",
        decided.stdout
    );
    lab.console_at(
        "bob",
        MONDAY_8AM,
        "/checkin start\n/profile state:OH\n",
        &key,
    );

    let rt = tokio::runtime::Runtime::new().unwrap();
    let alice = UserId::new(Platform::Console, who);
    let bob = UserId::new(Platform::Console, "bob");
    let tables_about = |user: &UserId| {
        let user = user.clone();
        let db = lab.database();
        rt.block_on(async move {
            let store = labcircle::store::Store::open(&db).await.unwrap();
            let mut counts = Vec::new();
            for table in store.table_names().await.unwrap() {
                let columns = store.table_columns(&table).await.unwrap();
                if columns.iter().any(|c| c == "user_id") {
                    counts.push((
                        table.clone(),
                        store.count_member_rows(&table, &user).await.unwrap(),
                    ));
                }
                // Any column naming a member must be one forget_member knows.
                for c in &columns {
                    assert!(
                        c == "user_id"
                            || c == "decided_by"
                            || c == "resolved_by"
                            || !(c.contains("user") || c.contains("member") || c.contains("by")),
                        "{table}.{c} may name a member; teach forget_member about it"
                    );
                }
            }
            let decided: i64 = {
                let rows = store.member_rows(&user).await.unwrap();
                rows.iter()
                    .find(|(t, _)| t == "suggestions_you_decided")
                    .map_or(0, |(_, r)| r.len() as i64)
            };
            store.close().await;
            (counts, decided)
        })
    };
    let (before, decided_before) = tables_about(&alice);
    for table in [
        "member_profiles",
        "checkin_schedules",
        "checkin_prompts",
        "checkin_answers",
        "outbox",
        "suggestions",
        "group_reports",
    ] {
        let n = before
            .iter()
            .find(|(t, _)| t == table)
            .map_or(0, |(_, n)| *n);
        assert!(n > 0, "alice had rows in {table} before: {before:?}");
    }
    assert_eq!(decided_before, 1);

    let unconfirmed = lab
        .console_at(who, MONDAY_8AM, "/forgetme\n", &key)
        .message(0);
    assert!(unconfirmed.contains("/forgetme confirm"), "{unconfirmed}");
    let done = lab
        .console_at(who, MONDAY_8AM, "/forgetme confirm\n", &key)
        .message(0);
    assert!(done.contains("records about you deleted"), "{done}");

    let (after, decided_after) = tables_about(&alice);
    assert!(after.len() >= 6, "{after:?}");
    for (table, n) in &after {
        assert_eq!(*n, 0, "{table} still has rows about alice");
    }
    assert_eq!(decided_after, 0, "her decision no longer names her");
    // Bob is untouched.
    let (bob_rows, _) = tables_about(&bob);
    let bob_count = |t: &str| bob_rows.iter().find(|(x, _)| x == t).map_or(0, |(_, n)| *n);
    assert_eq!(bob_count("checkin_schedules"), 1);
    assert_eq!(bob_count("member_profiles"), 1);
    assert_eq!(bob_count("suggestions"), 1);
    assert_eq!(bob_count("group_reports"), 1);
    // Nor is her name left in the database files.
    for file in ["labcircle.db", "labcircle.db-wal"] {
        if let Ok(bytes) = std::fs::read(lab.database().with_file_name(file)) {
            let found = bytes.windows(who.len()).any(|w| w == who.as_bytes());
            assert!(!found, "{who} is still in {file}");
        }
    }
}

#[test]
fn admins_see_rough_bands_from_ten_members_opted_in_four_weeks_before() {
    let lab = Lab::new();
    // Ten members opt in; five weeks later they answer, two weeks running (one fewer the
    // second week).
    for i in 0..10 {
        lab.console_at(&format!("m{i}"), MONDAY_8AM, "/checkin start\n", &[]);
    }
    for (i, mood) in [4, 3, 5, 2, 4, 3, 4, 5, 1, 3].iter().enumerate() {
        let week2 = if i < 9 {
            "/checkin now\n/checkin answer 3\n"
        } else {
            ""
        };
        lab.console_at(
            &format!("m{i}"),
            "2027-01-11T08:00:00-05:00",
            &format!("/checkin now\n/checkin answer {mood} stress:3\n:advance 7d\n{week2}"),
            &[],
        );
    }
    let admin_at = |clock: &str| {
        lab.run(
            &[
                "console", "--as", "root", "--role", "admin", "--clock", clock,
            ],
            "/checkin stats\n",
        )
        .message(0)
    };
    let stats = admin_at("2027-02-08T08:00:00-05:00");
    assert!(stats.starts_with("[private to root"), "{stats}");
    let line = stats
        .lines()
        .find(|l| l.contains("Week of 2027-01-11:"))
        .unwrap_or_else(|| panic!("{stats}"));
    // Struggling 2, okay 3, good 5, each with noise and rounded to 5: never exact, never a mean.
    assert!(
        line.contains("struggling (1-2) about ")
            && line.contains("okay (3) about ")
            && line.contains("good (4-5) about "),
        "{line}"
    );
    for part in line.split("about ").skip(1) {
        let figure: u32 = part
            .chars()
            .take_while(char::is_ascii_digit)
            .collect::<String>()
            .parse()
            .unwrap();
        assert_eq!(figure % 5, 0, "{line}");
    }
    assert!(!stats.contains("average"), "{stats}");
    assert!(
        stats.contains("Week of 2027-01-18: fewer than 10 answers"),
        "{stats}"
    );
    // Asked again later, the same figures.
    let again = admin_at("2027-02-15T08:00:00-05:00");
    assert!(again.contains(line), "{again}");
    // While the week is open, its figures are not shown at all.
    let early = admin_at("2027-01-12T08:00:00-05:00");
    assert!(early.contains("once its check-ins have closed"), "{early}");
    let refused = lab
        .console_at("m0", MONDAY_8AM, "/checkin stats\n", &[])
        .message(0);
    assert!(refused.contains("is for admins"), "{refused}");
}

#[test]
fn bad_check_in_input_gets_clear_messages_and_changes_nothing() {
    let lab = Lab::new();
    let run = lab.console_at(
        "alice",
        MONDAY_8AM,
        "/checkin start Funday\n/checkin start 25:00\n/checkin start Mars/Olympus\n\
         /checkin answer 3\n/checkin start Tuesday 7pm Central\n/checkin answer 6\n\
         /checkin now\n/checkin answer 3 stress:9\n/checkin answer 4 note:{long}\n\
         /checkin quiet 08:00-08:00\n/checkin quiet whenever\n/checkin pause 40\n\
         /forgetme please\n/checkin pause 2\n:advance 4d\n/checkin answer 3\n/checkin settings\n"
            .replace("{long}", &"x".repeat(300))
            .as_str(),
        &[],
    );
    let m = run.messages();
    assert!(
        m[0].contains("\"Funday\" is not a day, a time or a time zone"),
        "{}",
        m[0]
    );
    assert!(
        m[1].contains("\"25:00\" is not a day, a time or a time zone"),
        "{}",
        m[1]
    );
    assert!(m[2].contains("\"Mars/Olympus\""), "{}", m[2]);
    assert!(
        m[3].contains("You have not opted in") || m[3].contains("no open check-in"),
        "{}",
        m[3]
    );
    assert!(
        m[4].contains("Every Tuesday at 19:00 (America/Chicago)"),
        "{}",
        m[4]
    );
    assert!(
        m[5].contains("1 (Struggling) to 5 (Great)") || m[5].contains("1 to 5"),
        "{}",
        m[5]
    );
    let has = |needle: &str| {
        m.iter()
            .find(|x| x.contains(needle))
            .unwrap_or_else(|| panic!("no message with {needle}: {m:#?}"))
            .clone()
    };
    assert!(has("1 (least stressed) to 5").starts_with("[private to alice"));
    assert!(has("at most 280").contains("Nothing was"));
    assert!(has("whole day").starts_with("[private to alice"));
    assert!(has("whenever").starts_with("[private to alice"));
    assert!(has("1 to 12 weeks").starts_with("[private to alice"));
    assert!(has("not the word confirm").starts_with("[private to alice"));
    // Every problem was answered privately: nothing about check-ins went to the channel.
    assert!(m.iter().all(|x| !x.starts_with("[#")), "{m:#?}");
    let expired = m
        .iter()
        .find(|x| x.contains("closed on"))
        .expect("an expiry message");
    assert!(expired.contains("stay open for 72 hours"), "{expired}");
    assert!(
        m.last().unwrap().contains("Quiet hours: none"),
        "{}",
        m.last().unwrap()
    );
}

#[test]
fn answers_can_be_corrected_while_open_and_a_reaction_keeps_the_stress_given() {
    let lab = Lab::new();
    let run = lab.console_at(
        "alice",
        MONDAY_8AM,
        "/checkin start Monday 9am Eastern\n:advance 1h\n/checkin answer 2 stress:4\n\
         :react 2 4️⃣\n/checkin history\n/checkin snooze\n",
        &[],
    );
    let m = run.messages();
    assert!(m.iter().any(|x| x.contains("Updated: Good (4).")), "{m:#?}");
    let history = m.iter().find(|x| x.contains("Your last 12 weeks")).unwrap();
    assert!(history.contains("Good (4), stress 4"), "{history}");
    assert!(m.last().unwrap().contains("nothing to snooze"), "{m:#?}");
}

#[test]
fn quiet_hours_set_after_this_weeks_prompt_do_not_bring_a_second_one() {
    let lab = Lab::new();
    let run = lab.console_at(
        "alice",
        MONDAY_8AM,
        "/checkin start Monday 9am Eastern\n:advance 2h\n/checkin quiet 08:00-12:00\n:advance 3d\n",
        &[],
    );
    let prompts = run
        .messages()
        .iter()
        .filter(|x| x.contains("How are you doing"))
        .count();
    assert_eq!(prompts, 1, "{:#?}", run.messages());
    let quiet = run
        .messages()
        .into_iter()
        .find(|x| x.contains("Quiet hours set"))
        .unwrap();
    assert!(
        quiet.contains("Next check-in: Mon Dec 14, 12:00 ET"),
        "{quiet}"
    );
}

#[test]
fn a_snoozed_prompt_waits_for_the_end_of_quiet_hours() {
    let lab = Lab::new();
    let run = lab.console_at(
        "alice",
        MONDAY_8AM,
        "/checkin start Monday 9am Eastern\n/checkin quiet 22:00-06:00\n:advance 1h\n\
         :advance 12h\n/checkin snooze 2h\n:advance 12h\n",
        &[],
    );
    let m = run.messages();
    let snoozed = m.iter().find(|x| x.contains("Snoozed until")).unwrap();
    assert!(snoozed.contains("Tue Dec 8, 06:00 ET"), "{snoozed}");
    assert_eq!(
        m.iter().filter(|x| x.contains("How are you doing")).count(),
        2,
        "{m:#?}"
    );
}

#[test]
fn one_busy_member_cannot_make_a_week_count_as_five_answers() {
    let lab = Lab::new();
    let mut script = String::from("/checkin start\n");
    for _ in 0..5 {
        script.push_str("/checkin now\n/checkin answer 3\n:advance 1m\n");
    }
    lab.console_at("solo", MONDAY_8AM, &script, &[]);
    let stats = lab
        .run(
            &[
                "console",
                "--as",
                "root",
                "--role",
                "admin",
                "--clock",
                "2026-12-28T08:00:00-05:00",
            ],
            "/checkin stats\n",
        )
        .message(0);
    assert!(stats.contains("fewer than 10 answers"), "{stats}");
}

#[test]
fn problems_with_private_commands_stay_private_even_when_not_understood() {
    let lab = Lab::new();
    let m = lab
        .console_at(
            "alice",
            MONDAY_8AM,
            "/checkin struggling\n/checkin answer \"2\n/mydata please\n",
            &[],
        )
        .messages();
    assert_eq!(m.len(), 3, "{m:#?}");
    for reply in &m {
        assert!(reply.starts_with("[private to alice"), "{reply}");
    }
}

#[test]
fn reacting_with_the_snooze_choice_brings_the_prompt_back_four_hours_later() {
    let lab = Lab::new();
    let run = lab.console_at(
        "alice",
        MONDAY_8AM,
        "/checkin start Monday 9am Eastern\n:advance 1h\n:react 2 💤\n:advance 4h\n",
        &[],
    );
    let m = run.messages();
    assert!(
        m.iter()
            .any(|x| x.contains("Snoozed until Mon Dec 7, 13:00 ET")),
        "{m:#?}"
    );
    assert_eq!(
        m.iter().filter(|x| x.contains("How are you doing")).count(),
        2,
        "{m:#?}"
    );
}

#[test]
fn status_shows_what_the_outbox_holds() {
    let lab = Lab::new();
    lab.console_at("alice", MONDAY_8AM, "/checkin start\n/checkin now\n", &[]);
    let run = lab.run(&["status"], "");
    assert!(run.success, "{}", run.stderr);
    assert!(
        run.stdout.contains("deliveries sent:    1"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("failed for good:    none"),
        "{}",
        run.stdout
    );
}

#[test]
fn profile_values_can_be_set_shown_and_cleared() {
    let lab = Lab::new();
    let m = lab
        .console_at(
            "alice",
            MONDAY_8AM,
            "/profile specialty:med tech state:Ohio\n/profile state:none\n/profile specialty:alchemy\n\
             /profile\n/checkin\n",
            &[],
        )
        .messages();
    assert!(
        m[0].contains("Specialty: mls") && m[0].contains("State: OH"),
        "{}",
        m[0]
    );
    assert!(
        m[1].contains("Specialty: mls") && m[1].contains("State: not given"),
        "{}",
        m[1]
    );
    assert!(
        m[2].contains("\"alchemy\" is not a specialty") && m[2].contains("none"),
        "{}",
        m[2]
    );
    assert!(m[3].contains("Specialty: mls"), "{}", m[3]);
    assert!(m[4].contains("You are not opted in"), "{}", m[4]);
    assert!(
        m.iter().all(|x| x.starts_with("[private to alice")),
        "{m:#?}"
    );
}

#[test]
fn checkin_now_takes_the_place_of_this_weeks_scheduled_prompt() {
    let lab = Lab::new();
    let run = lab.console_at(
        "alice",
        MONDAY_8AM,
        "/checkin start Monday 9am Eastern\n/checkin now\n/checkin answer 4\n:advance 3h\n\
         /checkin settings\n",
        &[],
    );
    let m = run.messages();
    assert_eq!(
        m.iter().filter(|x| x.contains("How are you doing")).count(),
        1,
        "{m:#?}"
    );
    assert!(
        m.last()
            .unwrap()
            .contains("Next check-in: Mon Dec 14, 09:00 ET"),
        "{m:#?}"
    );
}

#[test]
fn nothing_arrives_after_stop_not_even_a_snoozed_prompt() {
    let lab = Lab::new();
    let run = lab.console_at(
        "alice",
        MONDAY_8AM,
        "/checkin start Monday 9am Eastern\n:advance 1h\n/checkin snooze 2h\n/checkin stop\n\
         :advance 8d\n",
        &[],
    );
    let m = run.messages();
    assert_eq!(
        m.iter().filter(|x| x.contains("How are you doing")).count(),
        1,
        "{m:#?}"
    );
}

#[test]
fn a_pause_survives_changing_the_time() {
    let lab = Lab::new();
    let m = lab
        .console_at(
            "alice",
            MONDAY_8AM,
            "/checkin start Monday 9am Eastern\n/checkin pause 3\n/checkin start Tuesday 7pm\n\
             /checkin settings\n",
            &[],
        )
        .messages();
    let settings = m.last().unwrap();
    assert!(settings.contains("Paused until"), "{settings}");
    assert!(
        settings.contains("Next check-in: Tue Dec 29, 19:00 ET"),
        "{settings}"
    );
}
