//! Meetup dates that never surprise, end to end through the console on a simulated clock:
//! a passed date is asked about, another year is always shown, relative words are echoed,
//! and US zones and numeric dates are understood.

use crate::support::Lab;

/// Monday, December 7, 2026, 08:00 in New York (the console community's zone).
const MONDAY_8AM: &str = "2026-12-07T08:00:00-05:00";

fn organizer(lab: &Lab, lines: &str) -> Vec<String> {
    let args = [
        "console",
        "--as",
        "olga",
        "--role",
        "organizer",
        "--clock",
        MONDAY_8AM,
    ];
    lab.run(&args, lines).messages()
}

/// What `/meetup list` shows afterwards.
fn listed(lab: &Lab) -> String {
    organizer(lab, "/meetup list\n").join("\n\n")
}

#[test]
fn a_date_that_has_passed_is_asked_about_and_nothing_is_created() {
    let lab = Lab::new();
    for when in ["Dec 5 6:30pm", "12/5 6:30pm"] {
        let m = organizer(
            &lab,
            &format!("/meetup create title:Holiday potluck when:{when} where:Break room\n"),
        );
        assert_eq!(m.len(), 1, "{m:#?}");
        assert!(
            m[0].contains(
                "December 5 has passed. Did you mean December 5, 2027? Add the year to confirm."
            ),
            "{m:#?}"
        );
    }
    assert!(listed(&lab).contains("None yet"), "{}", listed(&lab));
    let confirmed = organizer(
        &lab,
        "/meetup create title:Holiday potluck when:12/5/2027 6:30pm where:Break room\n",
    );
    assert!(
        confirmed[0].contains("Holiday potluck, Sun Dec 5, 2027, 18:30 ET."),
        "{confirmed:#?}"
    );
}

#[test]
fn a_meetup_in_another_year_shows_its_year_wherever_its_date_is_shown() {
    let lab = Lab::new();
    let m = organizer(
        &lab,
        "/meetup create title:New year coffee when:Jan 1, 2027 6pm where:Cafe\n\
         :as bob\n:react 2 ✅\n:advance 5s\n",
    );
    let year = "Fri Jan 1, 2027, 18:00 ET";
    assert!(m[0].contains(year), "confirmation: {m:#?}");
    assert!(
        m[1].contains(&format!("When: {year}")),
        "announcement: {m:#?}"
    );
    let list = listed(&lab);
    assert!(list.contains(year), "{list}");
    let show = organizer(&lab, "/meetup show 1\n").join("\n");
    assert!(show.contains(year), "{show}");
    // The day-before reminder goes out on Dec 31, still the year before.
    let reminder = lab.console_at("bob", "2026-12-31T17:00:00-05:00", ":advance 2h\n", &[]);
    let day: Vec<String> = reminder
        .messages()
        .into_iter()
        .filter(|x| x.contains("is tomorrow"))
        .collect();
    assert_eq!(day.len(), 1, "{:#?}", reminder.messages());
    assert!(day[0].contains(year), "{}", day[0]);
}

#[test]
fn a_meetup_this_year_shows_no_year() {
    let lab = Lab::new();
    let m = organizer(
        &lab,
        "/meetup create title:Coffee when:12/10 6pm where:Cafe\n",
    );
    assert!(m[0].contains("Coffee, Thu Dec 10, 18:00 ET."), "{m:#?}");
    assert!(m[1].contains("When: Thu Dec 10, 18:00 ET"), "{m:#?}");
}

#[test]
fn relative_words_are_echoed_with_the_date_and_how_far_away_it_is() {
    let lab = Lab::new();
    let m = organizer(
        &lab,
        "/meetup create title:Coffee when:next Tuesday 7pm where:Cafe\n\
         /meetup create title:Tea when:tomorrow 6pm where:Cafe\n\
         /meetup create title:Cake when:in 2 weeks 7pm where:Cafe\n",
    );
    let confirmations: Vec<&String> = m.iter().filter(|x| x.contains("is created")).collect();
    assert_eq!(confirmations.len(), 3, "{m:#?}");
    assert!(
        confirmations[0].contains("Coffee, Tue Dec 15, 19:00 ET."),
        "{m:#?}"
    );
    assert!(
        confirmations[0].contains(
            "next Tuesday = Tue Dec 15, in 8 days (the Tuesday of next week; \"this Tuesday\" \
             would be Tue Dec 8)"
        ),
        "{m:#?}"
    );
    assert!(
        confirmations[1].contains("tomorrow = Tue Dec 8, in 1 day"),
        "{m:#?}"
    );
    assert!(
        confirmations[2].contains("in 2 weeks = Mon Dec 21, in 14 days"),
        "{m:#?}"
    );
    let edited = organizer(&lab, "/meetup edit 1 when:Thursday 7pm\n");
    assert!(
        edited[0].contains("Thursday = Thu Dec 10, in 3 days"),
        "{edited:#?}"
    );
}

#[test]
fn a_us_zone_after_the_time_is_the_meetups_zone() {
    let lab = Lab::new();
    let m = organizer(
        &lab,
        "/meetup create title:West coast chat when:Dec 12 6:30pm PT where:Online\n",
    );
    assert!(
        m[0].contains("West coast chat, Sat Dec 12, 18:30 PT."),
        "{m:#?}"
    );
    assert!(m[1].contains("When: Sat Dec 12, 18:30 PT"), "{m:#?}");
    let central = organizer(
        &lab,
        "/meetup create title:Midwest chat when:12/12 7pm Central where:Online\n",
    );
    assert!(central[0].contains("Sat Dec 12, 19:00 CT."), "{central:#?}");
}

#[test]
fn a_zone_in_the_time_that_disagrees_with_tz_is_refused_and_nothing_is_created() {
    let lab = Lab::new();
    let m = organizer(
        &lab,
        "/meetup create title:Chat when:Dec 12 6:30pm PT tz:Eastern where:Online\n",
    );
    assert_eq!(m.len(), 1, "{m:#?}");
    assert!(m[0].contains("The time says PT but tz: says ET."), "{m:#?}");
    assert!(listed(&lab).contains("None yet"));
}

#[test]
fn unreadable_dates_say_what_is_accepted_and_nothing_is_created() {
    let lab = Lab::new();
    let m = organizer(
        &lab,
        "/meetup create title:Chat when:sometime soon where:Online\n\
         /meetup create title:Chat when:13/40 7pm where:Online\n",
    );
    assert_eq!(m.len(), 2, "{m:#?}");
    assert!(
        m[0].contains("I couldn't read that as a date and time."),
        "{m:#?}"
    );
    assert!(m[0].contains("12/5/2026 6:30pm"), "{m:#?}");
    assert!(m[0].contains("6:30pm PT"), "{m:#?}");
    assert!(m[1].contains("There is no month 13."), "{m:#?}");
    assert!(listed(&lab).contains("None yet"));
}
