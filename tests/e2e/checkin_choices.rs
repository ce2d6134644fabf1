//! Check-in choices end to end: snoozing until a time or until the shift ends, skipped weeks
//! and the streak, what a pause and a week are called.

use crate::support::Lab;

/// 08:00 in New York on a Monday.
const MONDAY_8AM: &str = "2026-12-07T08:00:00-05:00";

/// Alice opts in for Monday 09:00 Eastern and her first prompt arrives; then `lines`.
fn after_first_prompt(lab: &Lab, lines: &str) -> Vec<String> {
    lab.console_at(
        "alice",
        MONDAY_8AM,
        &format!("/checkin start Monday 9am Eastern\n:advance 1h\n{lines}"),
        &[],
    )
    .messages()
}

fn prompts(m: &[String]) -> usize {
    m.iter().filter(|x| x.contains("How are you doing")).count()
}

#[test]
fn snooze_until_a_time_brings_the_prompt_back_then() {
    let lab = Lab::new();
    let m = after_first_prompt(
        &lab,
        "/checkin snooze until 7pm\n:advance 9h59m\n:advance 1m\n",
    );
    assert!(
        m.iter()
            .any(|x| x.contains("Snoozed until Mon Dec 7, 19:00 ET")),
        "{m:#?}"
    );
    // Nothing before 19:00 (00:00 UTC); at 19:00 the prompt is back.
    let before = m.iter().position(|x| x.contains("T23:59")).unwrap();
    assert_eq!(prompts(&m[..before]), 1, "{m:#?}");
    assert_eq!(prompts(&m), 2, "{m:#?}");
}

#[test]
fn snooze_after_shift_asks_for_a_shift_end_then_uses_it() {
    let lab = Lab::new();
    let m = after_first_prompt(
        &lab,
        "/checkin snooze after shift\n/checkin settings shift:7pm\n/checkin snooze after shift\n",
    );
    let asked = m
        .iter()
        .find(|x| x.contains("when your shift ends"))
        .unwrap();
    assert!(asked.contains("/checkin settings shift:7am"), "{asked}");
    assert!(asked.contains("Nothing was changed"), "{asked}");
    let set = m.iter().find(|x| x.contains("Shift end set")).unwrap();
    assert!(set.contains("19:00"), "{set}");
    assert!(set.contains("Shift ends: 19:00"), "{set}");
    assert!(
        m.last()
            .unwrap()
            .contains("Snoozed until Mon Dec 7, 19:00 ET"),
        "{m:#?}"
    );
}

#[test]
fn snooze_after_shift_without_a_shift_end_waits_for_the_end_of_quiet_hours() {
    let lab = Lab::new();
    let m = after_first_prompt(
        &lab,
        "/checkin quiet 10:00-16:00\n/checkin snooze after shift\n",
    );
    assert!(
        m.last()
            .unwrap()
            .contains("Snoozed until Mon Dec 7, 16:00 ET"),
        "{m:#?}"
    );
}

#[test]
fn the_new_snoozes_keep_the_old_rules() {
    let lab = Lab::new();
    // Twice at most, whatever the form.
    let m = after_first_prompt(
        &lab,
        "/checkin settings shift:11am\n/checkin snooze until 10am\n:advance 1h\n\
         /checkin snooze after shift\n:advance 1h\n/checkin snooze until 1pm\n",
    );
    assert!(
        m.last().unwrap().contains("snoozed twice already"),
        "{m:#?}"
    );
    // Not past the prompt's close: a time it closes before is refused.
    let late = after_first_prompt(&Lab::new(), "/checkin snooze 3d\n");
    assert!(
        late.last().unwrap().contains("This check-in closes on"),
        "{late:#?}"
    );
}

#[test]
fn a_snooze_that_cannot_be_read_says_what_works_and_changes_nothing() {
    let lab = Lab::new();
    let m = after_first_prompt(
        &lab,
        "/checkin snooze until lunch\n/checkin snooze after lunch\n/checkin settings shift:soon\n\
         /checkin settings\n/checkin snooze 1h\n/checkin snooze 1h\n",
    );
    let lunch = m.iter().find(|x| x.contains("\"lunch\"")).unwrap();
    assert!(lunch.contains("/checkin snooze until 7pm"), "{lunch}");
    assert!(lunch.contains("/checkin snooze after shift"), "{lunch}");
    let after = m.iter().find(|x| x.contains("\"after lunch\"")).unwrap();
    assert!(after.contains("/checkin snooze 2h"), "{after}");
    let soon = m.iter().find(|x| x.contains("\"soon\"")).unwrap();
    assert!(soon.contains("shift:7am"), "{soon}");
    let settings = m
        .iter()
        .find(|x| x.contains("Your check-in settings"))
        .unwrap();
    assert!(settings.contains("Shift ends: not set"), "{settings}");
    // Both snoozes are still there.
    assert_eq!(
        m.iter().filter(|x| x.contains("Snoozed until")).count(),
        2,
        "{m:#?}"
    );
}

#[test]
fn a_skipped_week_keeps_the_streak_and_a_missed_week_ends_it() {
    let lab = Lab::new();
    let skipped = after_first_prompt(
        &lab,
        "/checkin answer 4\n/checkin skip\n:advance 7d\n:advance 7d\n/checkin answer 3\n/checkin history\n",
    );
    let history = skipped.last().unwrap();
    assert!(history.contains("Streak: 2 weeks"), "{history}");
    assert!(
        history.contains("Mon Dec 14 – Sun Dec 20: skipped"),
        "{history}"
    );
    let missed = after_first_prompt(
        &Lab::new(),
        "/checkin answer 4\n:advance 7d\n:advance 7d\n/checkin answer 3\n/checkin history\n",
    );
    let history = missed.last().unwrap();
    assert!(history.contains("Streak: 1 week "), "{history}");
}

#[test]
fn paused_until_shows_the_next_prompt_s_day_and_time() {
    let lab = Lab::new();
    let m = lab
        .console_at(
            "alice",
            MONDAY_8AM,
            "/checkin start Monday 9am Eastern\n/checkin pause 2\n/checkin settings\n",
            &[],
        )
        .messages();
    let settings = m.last().unwrap();
    assert!(
        settings.contains("Paused until: Mon Dec 21, 09:00 ET (your next check-in)"),
        "{settings}"
    );
    // Not the moment the two weeks were counted to.
    assert!(!settings.contains("08:00"), "{settings}");
}

#[test]
fn a_sunday_check_in_is_labelled_with_its_own_week() {
    let lab = Lab::new();
    // Sunday Dec 13, 19:00 in Los Angeles is 6 days 14 hours after Monday 05:00 there.
    let m = lab
        .console_at(
            "alice",
            MONDAY_8AM,
            "/checkin start Sunday 7pm Pacific\n:advance 6d14h\n/checkin answer 4\n\
             /checkin history\n",
            &[],
        )
        .messages();
    assert_eq!(prompts(&m), 1, "{m:#?}");
    let history = m.last().unwrap();
    assert!(
        history.contains("Mon Dec 7 – Sun Dec 13: Good (4)"),
        "{history}"
    );
}

#[test]
fn the_shift_end_and_skipped_weeks_are_in_mydata_and_gone_after_forgetme() {
    let lab = Lab::new();
    let m = after_first_prompt(
        &lab,
        "/checkin settings shift:7am\n/checkin skip\n/mydata\n/forgetme confirm\n/mydata\n",
    );
    let before = m
        .iter()
        .find(|x| x.contains("What labcircle keeps about you"))
        .unwrap();
    assert!(
        before.contains("shift ends 07:00") && before.contains("1 week skipped"),
        "{before}"
    );
    // The export was saved when /mydata answered; read it before /forgetme's /mydata
    // writes the new one over it.
    let after = m.last().unwrap();
    let file = crate::support::saved_file(after, "labcircle-my-data.json");
    assert!(
        !after.contains("07:00") && !file.contains("07:00"),
        "{after}\n{file}"
    );
    assert!(!file.contains("2026-12-14"), "{file}");
}
