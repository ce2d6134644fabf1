//! Wording end to end: problems said plainly, notes-off told once, `/mydata` readable with the
//! full export as a file, and `/help` showing each member what they can run.

use crate::support::{Lab, saved_file};

/// 08:00 in New York on a Monday.
const MONDAY_8AM: &str = "2026-12-07T08:00:00-05:00";
const KEY: &str = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=";

#[test]
fn problems_say_what_happened_and_what_to_do_without_a_stock_apology() {
    let lab = Lab::new();
    let run = lab.member(
        "/suggestgroup a nice group url:https://example.org\n/findgroup colour:blue\n\
         /mydata please\n/crisis please help\n",
    );
    let m = run.messages();
    assert!(m.iter().all(|x| !x.contains("Sorry")), "{m:#?}");
    // Words without an option name: the option they meant, written as it should be.
    assert!(
        m[0].contains("\"a nice group\" needs an option name")
            && m[0].contains("Did you mean name:a nice group?"),
        "{}",
        m[0]
    );
    assert!(
        m[1].contains("/findgroup has no option colour:"),
        "{}",
        m[1]
    );
    assert!(
        m[2].contains("/mydata takes nothing after it") && m[2].contains("Type just /mydata"),
        "{}",
        m[2]
    );
    // The crisis lines are never refused over extra words.
    assert!(m[3].contains("988"), "{}", m[3]);
}

#[test]
fn without_a_note_key_the_member_is_told_once_in_plain_words_and_the_operator_is_warned() {
    let lab = Lab::new();
    let run = lab.console_at(
        "alice",
        MONDAY_8AM,
        "/checkin start Monday 9am Eastern\n/checkin now\n/checkin answer 1 note:rough night\n\
         /checkin answer 1 note:still rough\n",
        &[],
    );
    let told = "Notes are turned off on this server, so only your answer was kept";
    assert_eq!(run.stdout.matches(told).count(), 1, "{}", run.stdout);
    for technical in ["encryption", "note key", "not stored"] {
        assert!(
            !run.stdout.contains(technical),
            "{technical}: {}",
            run.stdout
        );
    }
    // The low answer still brings the support lines.
    assert!(run.stdout.contains("988"), "{}", run.stdout);
    assert!(
        run.stderr.contains("check-in notes are turned off")
            && run.stderr.contains("LABCIRCLE_NOTE_KEY")
            && !run.stderr.contains(KEY),
        "{}",
        run.stderr
    );
    let with_key = Lab::new().console_at(
        "bob",
        MONDAY_8AM,
        "/checkin start\n",
        &[("LABCIRCLE_NOTE_KEY", KEY)],
    );
    assert!(
        !with_key.stderr.contains("notes are turned off"),
        "{}",
        with_key.stderr
    );
}

#[test]
fn mydata_is_a_readable_summary_in_the_members_zone_with_the_full_export_as_a_file() {
    let lab = Lab::new();
    let key = [("LABCIRCLE_NOTE_KEY", KEY)];
    lab.run_env(
        &[
            "console",
            "--as",
            "olga",
            "--role",
            "organizer",
            "--clock",
            MONDAY_8AM,
        ],
        "/meetup create title:Night shift coffee when:Dec 10 6:30pm where:Cafe state:TX\n\
         :as alice\n:react 2 ✅\n:advance 5s\n"
            .as_bytes(),
        &key,
    );
    let run = lab.console_at(
        "alice",
        MONDAY_8AM,
        "/profile state:TX\n/checkin start Monday 9am Pacific\n/checkin now\n\
         /checkin answer 4 note:good team this week\n/meetup subscribe TX\n/mydata\n",
        &key,
    );
    let data = run.messages().last().cloned().unwrap();
    assert!(data.starts_with("[private to alice"), "{data}");
    for readable in [
        "Times are shown in your time zone (America/Los_Angeles)",
        "Profile: Texas",
        "Check-ins: every Monday at 09:00",
        "Good (4), note: good team this week",
        "New-meetup notices: Texas",
        // 18:30 Eastern, in the member's own zone.
        "Going: #1 Night shift coffee (Thu Dec 10, 2026, 15:30 PT)",
    ] {
        assert!(data.contains(readable), "{readable}: {data}");
    }
    let file = saved_file(&data, "labcircle-my-data.json");
    let json: serde_json::Value = serde_json::from_str(&file).unwrap();
    assert_eq!(json["profile"][0]["state"], "TX", "{file}");
    assert_eq!(
        json["checkin_answers"][0]["note"], "good team this week",
        "{file}"
    );
    assert_eq!(
        json["meetup_rsvps"][0]["meetup"], "#1 Night shift coffee",
        "{file}"
    );
    // No internal keys, and no Unix timestamps, in the summary or the file.
    for text in [&data, &file] {
        assert!(
            !text.contains("user_id") && !text.contains("prompt_id"),
            "{text}"
        );
        let long_number = text
            .split(|c: char| !c.is_ascii_digit())
            .any(|n| n.len() >= 9);
        assert!(!long_number, "{text}");
    }
    let organiser = lab.console_as("olga", "organizer", "/mydata\n").message(0);
    assert!(
        organiser.contains("You organise #1 Night shift coffee"),
        "{organiser}"
    );
}

#[test]
fn help_shows_each_member_only_the_commands_they_can_run() {
    let lab = Lab::new();
    let member = lab
        .member("/help\n/help meetup\n/help checkin\n")
        .messages();
    for text in &member {
        for hidden in [
            "/meetup create",
            "/meetup edit",
            "/meetup cancel",
            "/checkin stats",
        ] {
            assert!(!text.contains(hidden), "{hidden}: {text}");
        }
    }
    assert!(member[1].contains("/meetup list"), "{}", member[1]);
    assert!(
        member[1].contains("There are more /meetup commands for organizers."),
        "{}",
        member[1]
    );
    let organizer = lab
        .console_as("olga", "organizer", "/help\n/help meetup\n")
        .messages();
    for text in &organizer {
        assert!(text.contains("/meetup create"), "{text}");
        assert!(!text.contains("/checkin stats"), "{text}");
    }
    assert!(!organizer[1].contains("There are more"), "{}", organizer[1]);
    let admin = lab.admin("/help\n/help checkin\n").messages();
    for text in &admin {
        assert!(text.contains("/checkin stats"), "{text}");
    }
}
