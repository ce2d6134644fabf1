//! Meetups end to end through the console binary with the simulated clock.

use crate::support::Lab;

const MONDAY_8AM: &str = "2026-12-07T08:00:00-05:00";

fn organizer(lab: &Lab, lines: &str) -> Vec<String> {
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

#[test]
fn an_announcement_takes_rsvps_by_reaction_with_a_waitlist_and_promotion() {
    let lab = Lab::new();
    let m = organizer(
        &lab,
        "/meetup create title:Histo night out when:Dec 10 6:30pm where:Brewpub on 5th state:OH \
         capacity:2\n\
         :as bob\n:react 2 ✅\n:as carol\n:react 2 ✅\n:as dan\n:react 2 ✅\n:advance 5s\n\
         :as bob\n:unreact 2 ✅\n:advance 5s\n:as erin\n:react 2 🤔\n:react 2 ❌\n:advance 5s\n",
    );
    let announcement = &m[1];
    assert!(
        announcement.starts_with("[#2] Meetup #1: Histo night out"),
        "{m:#?}"
    );
    assert!(
        announcement.contains("When: Thu Dec 10, 18:30 ET"),
        "{announcement}"
    );
    assert!(
        announcement.contains("0 / 2 going · 0 maybe"),
        "{announcement}"
    );
    assert!(
        m.iter().any(|x| x == "(labcircle reacted ✅ 🤔 ❌ on #2)"),
        "{m:#?}"
    );
    let waitlisted = m.iter().find(|x| x.starts_with("[private to dan")).unwrap();
    assert!(
        waitlisted.contains("is full, so you're on the waitlist"),
        "{waitlisted}"
    );
    // A burst of three reactions became one edit with the counts.
    let edits: Vec<&String> = m.iter().filter(|x| x.starts_with("[#2 edited]")).collect();
    assert_eq!(edits.len(), 3, "{m:#?}");
    assert!(
        edits[0].contains("2 / 2 going · 0 maybe · 1 on the waitlist"),
        "{}",
        edits[0]
    );
    let promoted = m.iter().find(|x| x.contains("A place opened up")).unwrap();
    assert!(promoted.starts_with("[private to dan"), "{promoted}");
    assert!(
        edits[1].contains("2 / 2 going · 0 maybe") && !edits[1].contains("waitlist"),
        "{}",
        edits[1]
    );
    // Switching reactions keeps only the latest: erin is "can't go", not maybe.
    assert!(edits[2].contains("2 / 2 going · 0 maybe"), "{}", edits[2]);
    let show = organizer(&lab, "/meetup show 1\n");
    assert!(show[0].starts_with("[private to olga"), "{show:#?}");
    assert!(
        show[0].contains("carol (going)") && show[0].contains("dan (going)"),
        "{}",
        show[0]
    );
    assert!(
        show[0].contains("erin (can't go)") && !show[0].contains("bob"),
        "{}",
        show[0]
    );
    let member_view = lab.member("/meetup show 1\n").message(0);
    assert!(
        !member_view.contains("carol") && member_view.contains("2 / 2 going"),
        "{member_view}"
    );
}

#[test]
fn reminders_go_out_once_at_24_hours_and_1_hour_even_across_a_restart() {
    let lab = Lab::new();
    organizer(
        &lab,
        "/meetup create title:Coffee when:Dec 9 18:00 where:Cafe\n:as bob\n:react 2 ✅\n\
         :as carol\n:react 2 🤔\n:as dan\n/meetup reminders off\n:react 2 🤔\n",
    );
    // Dec 8 18:00 ET is 24 hours before.
    let first = lab.run(
        &[
            "console",
            "--as",
            "bob",
            "--clock",
            "2026-12-08T17:00:00-05:00",
        ],
        ":advance 2h\n",
    );
    let day: Vec<String> = first
        .messages()
        .into_iter()
        .filter(|x| x.contains("is tomorrow"))
        .collect();
    assert_eq!(day.len(), 2, "{:#?}", first.messages());
    assert!(day.iter().any(|x| x.starts_with("[private to bob")));
    assert!(day.iter().any(|x| x.starts_with("[private to carol")));
    // Each footer says what applies to that member: bob is going, carol said maybe.
    let bob = day
        .iter()
        .find(|x| x.starts_with("[private to bob"))
        .unwrap();
    assert!(bob.contains("You're going, so reminders come"), "{bob}");
    assert!(!bob.contains("maybe"), "{bob}");
    let carol = day
        .iter()
        .find(|x| x.starts_with("[private to carol"))
        .unwrap();
    assert!(carol.contains("/meetup reminders off"), "{carol}");
    assert!(carol.contains("You said maybe"), "{carol}");
    // A restart in the same window sends nothing again.
    let again = lab.run(
        &[
            "console",
            "--as",
            "bob",
            "--clock",
            "2026-12-08T19:30:00-05:00",
        ],
        ":advance 1h\n",
    );
    assert!(!again.stdout.contains("is tomorrow"), "{}", again.stdout);
    let hour = lab.run(
        &[
            "console",
            "--as",
            "bob",
            "--clock",
            "2026-12-09T16:30:00-05:00",
        ],
        ":advance 1h\n:advance 2h\n",
    );
    let soon: Vec<String> = hour
        .messages()
        .into_iter()
        .filter(|x| x.contains("in an hour"))
        .collect();
    assert_eq!(soon.len(), 2, "{:#?}", hour.messages());
}

#[test]
fn a_cancelled_meetup_tells_everyone_and_sends_no_reminders() {
    let lab = Lab::new();
    let m = organizer(
        &lab,
        "/meetup create title:Coffee when:Dec 9 18:00 where:Cafe\n:as bob\n:react 2 ✅\n\
         :as olga organizer\n/meetup cancel 1 reason:snow day\n:advance 3d\n:as bob\n:react 2 ✅\n",
    );
    let notice = m
        .iter()
        .find(|x| x.contains("is cancelled. Reason: snow day"))
        .unwrap();
    assert!(notice.starts_with("[private to bob"), "{notice}");
    assert!(!m.iter().any(|x| x.contains("Reminder:")), "{m:#?}");
    assert!(
        m.iter()
            .any(|x| x.starts_with("[#2 edited] CANCELLED: Meetup #1")),
        "{m:#?}"
    );
    let refused = m.last().unwrap();
    assert!(
        refused.starts_with("[private to bob") && refused.contains("not counted"),
        "{refused}"
    );
}

#[test]
fn an_edit_tells_who_answered_what_changed_and_raises_the_calendar_sequence() {
    let lab = Lab::new();
    let m = organizer(
        &lab,
        "/meetup create title:Coffee when:Dec 9 18:30 where:Cafe\n/meetup ics 1\n:as bob\n\
         :react 2 ✅\n:as olga organizer\n/meetup edit 1 when:Dec 9 7pm where:Diner\n/meetup ics 1\n\
         /meetup cancel 1\n/meetup ics 1\n",
    );
    let notice = m.iter().find(|x| x.starts_with("[private to bob")).unwrap();
    assert!(
        notice.contains("moved from Wed Dec 9, 18:30 ET to Wed Dec 9, 19:00 ET"),
        "{notice}"
    );
    assert!(notice.contains("now at Diner"), "{notice}");
    let files: Vec<String> = m
        .iter()
        .filter(|x| x.contains("BEGIN:VCALENDAR"))
        .map(|x| x[x.find("BEGIN:VCALENDAR").unwrap()..].to_owned())
        .collect();
    assert_eq!(files.len(), 3, "{m:#?}");
    let parsed: Vec<icalendar::Calendar> = files
        .iter()
        .map(|f| f.parse().expect("a valid calendar"))
        .collect();
    let field = |cal: &icalendar::Calendar, name: &str| -> String {
        use icalendar::Component;
        let event = cal
            .components
            .iter()
            .find_map(|c| c.as_event())
            .expect("an event");
        event.property_value(name).unwrap_or_default().to_owned()
    };
    assert_eq!(
        field(&parsed[0], "UID"),
        field(&parsed[1], "UID"),
        "a stable UID"
    );
    assert_eq!(field(&parsed[0], "SEQUENCE"), "0");
    assert_eq!(field(&parsed[1], "SEQUENCE"), "1");
    assert_eq!(field(&parsed[0], "DTSTART"), "20261209T233000Z");
    assert_eq!(field(&parsed[1], "DTSTART"), "20261210T000000Z");
    assert_eq!(field(&parsed[1], "LOCATION"), "Diner");
    assert_eq!(field(&parsed[1], "SUMMARY"), "Coffee");
    assert_eq!(field(&parsed[1], "STATUS"), "CONFIRMED");
    assert_eq!(field(&parsed[2], "STATUS"), "CANCELLED");
    assert_eq!(field(&parsed[2], "SEQUENCE"), "2");
}

#[test]
fn hostile_titles_never_ping_anyone() {
    let lab = Lab::new();
    let m = organizer(
        &lab,
        "/meetup create title:@everyone free pizza <@&42> @here when:Dec 9 18:00 \
         where:@room by <@123> description:ping @everyone\n/meetup list\n",
    );
    for text in &m {
        for ping in ["@everyone", "@here", "<@&42>", "<@123>", "@room"] {
            assert!(!text.contains(ping), "{ping} in {text}");
        }
    }
    assert!(m[1].contains("free pizza"), "{m:#?}");
}

#[test]
fn bad_meetup_input_is_refused_and_members_cannot_organise() {
    let lab = Lab::new();
    let m = organizer(
        &lab,
        "/meetup create title:X\n/meetup create title:X when:2026-12-01 18:00 where:Y\n\
         /meetup create title:X when:whenever where:Y\n\
         /meetup create title:X when:Dec 9 6pm where:Y capacity:-3\n\
         /meetup create title:X when:Dec 9 6pm where:Y link:ftp://x\n\
         /meetup create title:X when:Mar 14 2027 2:30am where:Y\n/meetup show 99\n/meetup cancel 99\n",
    );
    assert!(m[0].contains("A meetup needs when:, where:"), "{}", m[0]);
    assert!(m[1].contains("in the past"), "{}", m[1]);
    assert!(
        m[2].contains("2026-12-05 18:30") || m[2].contains("Dec 5"),
        "{}",
        m[2]
    );
    assert!(m[3].contains("not a number of places"), "{}", m[3]);
    assert!(m[4].contains("only http:// and https://"), "{}", m[4]);
    assert!(m[5].contains("skip an hour"), "{}", m[5]);
    assert!(m[6].contains("There is no meetup #99"), "{}", m[6]);
    assert!(m[7].contains("There is no meetup #99"), "{}", m[7]);
    let refused = lab
        .member("/meetup create title:X when:Dec 9 6pm where:Y\n")
        .message(0);
    assert!(refused.contains("is for organizers"), "{refused}");
    organizer(&lab, "/meetup create title:Mine when:Dec 9 6pm where:Y\n");
    let other = lab
        .run(
            &[
                "console",
                "--as",
                "oscar",
                "--role",
                "organizer",
                "--clock",
                MONDAY_8AM,
            ],
            "/meetup cancel 1\n",
        )
        .message(0);
    assert!(other.contains("only its organizer or an admin"), "{other}");
    let admin = lab
        .run(
            &[
                "console", "--as", "root", "--role", "admin", "--clock", MONDAY_8AM,
            ],
            "/meetup cancel 1\n",
        )
        .message(0);
    assert!(admin.contains("is cancelled"), "{admin}");
}

#[test]
fn subscribers_hear_privately_about_new_meetups_in_their_state() {
    let lab = Lab::new();
    lab.run(
        &["console", "--as", "bob", "--clock", MONDAY_8AM],
        "/meetup subscribe Ohio\n",
    );
    let m = organizer(
        &lab,
        "/meetup create title:Ohio histo when:Dec 9 6pm where:Columbus state:OH\n\
         /meetup create title:Texas micro when:Dec 9 6pm where:Austin state:TX\n",
    );
    let news: Vec<&String> = m
        .iter()
        .filter(|x| x.starts_with("[private to bob"))
        .collect();
    assert_eq!(news.len(), 1, "{m:#?}");
    assert!(
        news[0].contains("New meetup #1 in OH: Ohio histo"),
        "{}",
        news[0]
    );
    // The notice names the meetup's real id, never a placeholder.
    assert!(news[0].contains("/meetup show 1"), "{}", news[0]);
    assert!(
        !news[0].contains("{id}") && !news[0].contains('\u{1}'),
        "{}",
        news[0]
    );
}

#[test]
fn reactions_made_while_the_bot_was_offline_are_counted_when_it_comes_back() {
    let lab = Lab::new();
    let m = organizer(
        &lab,
        "/meetup create title:Coffee when:Dec 9 18:00 where:Cafe capacity:1\n\
         :as bob\n:react 2 ✅\n:offline\n:as carol\n:react 2 ✅\n:as bob\n:unreact 2 ✅\n\
         :react 2 ❌\n:as dan\n:react 2 🤔\n/meetup show 1\n:advance 10m\n:online\n:advance 10s\n\
         :as olga organizer\n/meetup show 1\n",
    );
    assert!(
        m.iter()
            .any(|x| x.contains("the bot is offline; it will see this reaction")),
        "{m:#?}"
    );
    assert!(
        m.iter()
            .any(|x| x.contains("The bot is offline; :online brings it back.")),
        "{m:#?}"
    );
    // Back online: bob's place went to carol; dan is maybe.
    let show = m.last().unwrap();
    assert!(
        show.contains("carol (going)") && show.contains("dan (maybe)"),
        "{show}"
    );
    assert!(show.contains("bob (can't go)"), "{show}");
    let edit = m
        .iter()
        .rev()
        .find(|x| x.starts_with("[#2 edited]"))
        .unwrap();
    assert!(edit.contains("1 / 1 going · 1 maybe"), "{edit}");
}

#[test]
fn a_weekly_series_announces_each_occurrence_a_week_ahead_and_can_end() {
    let lab = Lab::new();
    let m = organizer(
        &lab,
        "/meetup create title:Night shift circle when:Dec 10 6:30pm where:Zoom repeat:weekly \
         until:2027-01-07\n:advance 4d\n:advance 7d\n/meetup list\n/meetup cancel 3\n\
         /meetup ics 1\n/meetup cancel 2 series:all\n:advance 30d\n/meetup list\n",
    );
    assert!(m[0].contains("repeating weekly until 2027-01-07"), "{m:#?}");
    let announced: Vec<&String> = m
        .iter()
        .filter(|x| x.contains("] Meetup #") && x.contains("Night shift circle"))
        .collect();
    // #1 at once; #2 (Dec 17) on Dec 10, #3 (Dec 24) on Dec 17.
    assert!(
        announced
            .iter()
            .any(|x| x.contains("Meetup #2") && x.contains("Thu Dec 17, 18:30 ET")),
        "{m:#?}"
    );
    assert!(
        announced
            .iter()
            .any(|x| x.contains("Meetup #3") && x.contains("Thu Dec 24, 18:30 ET")),
        "{m:#?}"
    );
    let ics = m.iter().find(|x| x.contains("BEGIN:VCALENDAR")).unwrap();
    let ics = &ics[ics.find("BEGIN:VCALENDAR").unwrap()..];
    assert!(
        ics.contains("RRULE:FREQ=WEEKLY;UNTIL=20270108T045959Z"),
        "{ics}"
    );
    assert!(ics.contains("EXDATE"), "{ics}");
    assert!(ics.contains("UID:series-1@labcircle"), "{ics}");
    // Local times with the zone, so the series stays at 18:30 across DST.
    assert!(
        ics.contains("DTSTART;TZID=America/New_York:20261210T183000"),
        "{ics}"
    );
    assert!(
        ics.contains("EXDATE;TZID=America/New_York:20261224T183000"),
        "{ics}"
    );
    assert!(
        ics.contains("BEGIN:VTIMEZONE") && ics.contains("TZID:America/New_York"),
        "{ics}"
    );
    let parsed: icalendar::Calendar = ics.parse().expect("a valid calendar");
    assert!(parsed.components.iter().any(|c| c.as_event().is_some()));
    assert!(
        m.iter().any(|x| x.contains("The series is cancelled")),
        "{m:#?}"
    );
    let last = m.last().unwrap();
    assert!(
        last.contains("None yet"),
        "no occurrence after the series ended: {last}"
    );
}

#[test]
fn a_meetup_shared_in_two_communities_keeps_one_roster() {
    let lab = Lab::new();
    let m = organizer(
        &lab,
        ":in histo-club\n/meetup create title:Shared when:Dec 9 18:00 where:Hall capacity:2\n\
         :in micro-club\n/meetup share 1\n/meetup share 1\n:as bob\n:react 2 ✅\n:as carol\n\
         :react 4 ✅\n:as dan\n:react 4 ✅\n:advance 10s\n",
    );
    let second = m
        .iter()
        .find(|x| x.starts_with("[#4] Meetup #1: Shared"))
        .expect("posted again");
    assert!(second.contains("0 / 2 going"), "{second}");
    assert!(
        m.iter().any(|x| x.contains("is announced here already")),
        "{m:#?}"
    );
    // Two places across both communities: dan, reacting in the second, waits.
    let waitlisted = m.iter().find(|x| x.starts_with("[private to dan")).unwrap();
    assert!(waitlisted.contains("waitlist"), "{waitlisted}");
    for post in ["[#2 edited]", "[#4 edited]"] {
        let edit = m.iter().rev().find(|x| x.starts_with(post)).expect(post);
        assert!(
            edit.contains("2 / 2 going · 0 maybe · 1 on the waitlist"),
            "{edit}"
        );
    }
}

#[test]
fn rosters_stay_right_after_forgetme_and_capacity_changes() {
    let lab = Lab::new();
    let m = organizer(
        &lab,
        "/meetup create title:Coffee when:Dec 9 18:00 where:Cafe capacity:1\n:as bob\n:react 2 ✅\n\
         :as carol\n:react 2 ✅\n:as bob\n/forgetme confirm\n:as dan\n:react 2 🤔\n\
         :as olga organizer\n/meetup edit 1 capacity:3\n:as erin\n:react 2 ✅\n\
         :as olga organizer\n/meetup show 1\n",
    );
    // bob's place went to carol when he was forgotten.
    let promoted = m
        .iter()
        .find(|x| x.contains("A place opened up"))
        .expect("carol promoted");
    assert!(promoted.starts_with("[private to carol"), "{promoted}");
    let show = m.last().unwrap();
    assert!(
        !show.contains("bob"),
        "forgotten members do not come back: {show}"
    );
    assert!(
        show.contains("carol (going)") && show.contains("erin (going)"),
        "{show}"
    );
    assert!(show.contains("dan (maybe)"), "{show}");
    assert!(show.contains("2 / 3 going · 1 maybe"), "{show}");
}

#[test]
fn reconciling_one_announcement_keeps_rsvps_made_on_another() {
    let lab = Lab::new();
    let m = organizer(
        &lab,
        ":in histo-club\n/meetup create title:Shared when:Dec 9 18:00 where:Hall capacity:5\n\
         :in micro-club\n/meetup share 1\n:as bob\n:react 2 ✅\n:as carol\n:react 4 ✅\n\
         :offline\n:as dan\n:react 4 🤔\n:online\n:as olga organizer\n/meetup show 1\n",
    );
    let show = m.last().unwrap();
    assert!(
        show.contains("bob (going)") && show.contains("carol (going)"),
        "{show}"
    );
    assert!(show.contains("dan (maybe)"), "{show}");
}

#[test]
fn moving_a_meetup_moves_its_reminders_and_short_notice_skips_tomorrow() {
    let lab = Lab::new();
    let m = organizer(
        &lab,
        "/meetup create title:Coffee when:Dec 9 18:00 where:Cafe\n:as bob\n:react 2 ✅\n\
         :as olga organizer\n/meetup edit 1 when:Dec 10 18:00\n:advance 2d\n\
         /meetup create title:Soon when:Dec 9 14:00 where:Lab\n:as carol\n:react 6 ✅\n:advance 1d\n",
    );
    let tomorrow: Vec<&String> = m
        .iter()
        .filter(|x| x.contains("Coffee is tomorrow"))
        .collect();
    assert_eq!(
        tomorrow.len(),
        1,
        "one 24-hour reminder, for the new time: {m:#?}"
    );
    assert!(
        tomorrow[0].contains("Thu Dec 10, 18:00 ET"),
        "{}",
        tomorrow[0]
    );
    assert!(
        !m.iter().any(|x| x.contains("Soon is tomorrow")),
        "short notice: no 'tomorrow': {m:#?}"
    );
    assert!(m.iter().any(|x| x.contains("Soon is in an hour")), "{m:#?}");
}

#[test]
fn links_and_problems_cannot_ping_either() {
    let lab = Lab::new();
    let m = organizer(
        &lab,
        "/meetup create title:Talk when:Dec 9 18:00 where:Online link:https://example.org/@room\n\
         /meetup show @everyone\n/meetup create title:X when:Dec 9 18:00 where:Y \
         link:https://me@everyone.example\n",
    );
    for text in &m {
        assert!(
            !text.contains("@room") && !text.contains("@everyone"),
            "{text}"
        );
    }
    assert!(
        m.iter().any(|x| x.contains("https://example.org/%40room")),
        "{m:#?}"
    );
    assert!(
        m.iter().any(|x| x.contains("has a user name in it")),
        "{m:#?}"
    );
}

#[test]
fn an_admin_of_another_community_cannot_manage_a_meetup() {
    let lab = Lab::new();
    organizer(
        &lab,
        ":in histo-club\n/meetup create title:Ours when:Dec 9 18:00 where:Hall\n",
    );
    let other = lab
        .run(
            &[
                "console", "--as", "root", "--role", "admin", "--clock", MONDAY_8AM,
            ],
            ":in other-club\n/meetup cancel 1\n:in histo-club\n/meetup cancel 1\n",
        )
        .messages();
    assert!(
        other[1].contains("only its organizer or an admin"),
        "{other:#?}"
    );
    assert!(other[3].contains("is cancelled"), "{other:#?}");
}
