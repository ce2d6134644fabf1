//! Reading and describing meetup times.

use super::*;

const NY: Tz = Tz::America__New_York;

/// Tuesday, December 1, 2026, 10:00 in New York.
fn now() -> DateTime<Utc> {
    utc(2026, 12, 1, 15, 0)
}

fn utc(year: i32, month: u32, day: u32, hour: u32, minute: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(year, month, day, hour, minute, 0)
        .single()
        .expect("a real instant")
}

/// An instant given as New York local time.
fn ny(year: i32, month: u32, day: u32, hour: u32, minute: u32) -> DateTime<Utc> {
    NY.with_ymd_and_hms(year, month, day, hour, minute, 0)
        .single()
        .expect("a single local time")
        .with_timezone(&Utc)
}

fn read_at(text: &str, now: DateTime<Utc>) -> DateTime<Utc> {
    parse_when(text, NY, now).unwrap_or_else(|e| panic!("{text:?} was refused: {e}"))
}

fn read(text: &str) -> DateTime<Utc> {
    read_at(text, now())
}

fn refuse_at(text: &str, now: DateTime<Utc>) -> String {
    match parse_when(text, NY, now) {
        Ok(at) => panic!("{text:?} was read as {at}"),
        Err(message) => message.to_string(),
    }
}

fn refuse(text: &str) -> String {
    refuse_at(text, now())
}

#[test]
fn the_fixed_now_is_a_tuesday_morning_in_new_york() {
    let local = now().with_timezone(&NY);
    assert_eq!(local.weekday(), Weekday::Tue);
    assert_eq!(local.format("%H:%M").to_string(), "10:00");
}

#[test]
fn an_iso_date_with_a_24_hour_time_is_read_as_local_time() {
    assert_eq!(read("2026-12-05 18:30"), utc(2026, 12, 5, 23, 30));
}

#[test]
fn an_iso_date_with_a_t_separator_is_read() {
    assert_eq!(read("2026-12-05T18:30"), ny(2026, 12, 5, 18, 30));
}

#[test]
fn an_iso_date_with_a_12_hour_time_is_read() {
    assert_eq!(read("2026-12-05 6:30pm"), ny(2026, 12, 5, 18, 30));
    assert_eq!(read("2026-12-05 6:30 p.m."), ny(2026, 12, 5, 18, 30));
}

#[test]
fn a_us_slash_date_with_a_year_is_month_first() {
    assert_eq!(read("12/5/2026 6:30pm"), ny(2026, 12, 5, 18, 30));
    assert_eq!(read("1/2/27 9am"), ny(2027, 1, 2, 9, 0));
}

#[test]
fn a_slash_date_without_a_year_is_the_next_such_date() {
    assert_eq!(read("12/05 18:30"), ny(2026, 12, 5, 18, 30));
    assert_eq!(read("12/5 6:30pm"), ny(2026, 12, 5, 18, 30));
    assert_eq!(read("2/14 18:30"), ny(2027, 2, 14, 18, 30));
}

#[test]
fn a_short_month_name_with_a_12_hour_time_is_read() {
    assert_eq!(read("Dec 5 6:30pm"), ny(2026, 12, 5, 18, 30));
    assert_eq!(read("Dec 5th at 6pm"), ny(2026, 12, 5, 18, 0));
}

#[test]
fn a_full_month_name_with_a_24_hour_time_is_read() {
    assert_eq!(read("December 5 18:30"), ny(2026, 12, 5, 18, 30));
}

#[test]
fn a_month_name_with_a_comma_a_year_and_a_spaced_pm_is_read() {
    assert_eq!(read("Dec 5, 2026 6:30 pm"), ny(2026, 12, 5, 18, 30));
}

#[test]
fn a_day_before_the_month_name_is_read() {
    assert_eq!(read("5 Dec 18:30"), ny(2026, 12, 5, 18, 30));
}

#[test]
fn a_january_date_typed_in_december_is_next_year() {
    assert_eq!(read("Jan 3 7pm"), ny(2027, 1, 3, 19, 0));
}

#[test]
fn february_29_without_a_year_waits_for_a_leap_year() {
    assert_eq!(read("2/29 6pm"), ny(2028, 2, 29, 18, 0));
}

#[test]
fn today_and_tonight_are_the_local_date() {
    assert_eq!(read("today 7pm"), ny(2026, 12, 1, 19, 0));
    assert_eq!(read("tonight 7pm"), ny(2026, 12, 1, 19, 0));
}

#[test]
fn today_follows_the_local_date_not_the_utc_date() {
    // 03:00 UTC on Dec 1 is still 22:00 on Nov 30 in New York.
    assert_eq!(
        read_at("today 11pm", utc(2026, 12, 1, 3, 0)),
        ny(2026, 11, 30, 23, 0)
    );
}

#[test]
fn tomorrow_is_the_next_local_date() {
    assert_eq!(read("tomorrow 18:30"), ny(2026, 12, 2, 18, 30));
}

#[test]
fn tomorrow_rolls_over_the_month_and_the_year() {
    assert_eq!(
        read_at("tomorrow 9am", ny(2026, 11, 30, 12, 0)),
        ny(2026, 12, 1, 9, 0)
    );
    assert_eq!(
        read_at("tomorrow 9am", ny(2026, 12, 31, 12, 0)),
        ny(2027, 1, 1, 9, 0)
    );
}

#[test]
fn a_plain_weekday_is_today_while_its_time_is_still_ahead() {
    assert_eq!(read("Tuesday 7pm"), ny(2026, 12, 1, 19, 0));
    assert_eq!(read("this tues 7pm"), ny(2026, 12, 1, 19, 0));
}

#[test]
fn a_plain_weekday_is_a_week_away_once_its_time_has_passed_today() {
    assert_eq!(read("Tuesday 9am"), ny(2026, 12, 8, 9, 0));
}

#[test]
fn a_plain_weekday_later_this_week_is_that_day() {
    assert_eq!(read("Wednesday 7pm"), ny(2026, 12, 2, 19, 0));
    assert_eq!(read("Sunday 7pm"), ny(2026, 12, 6, 19, 0));
}

#[test]
fn next_weekday_is_that_day_of_the_following_week() {
    assert_eq!(read("next Tuesday 7pm"), ny(2026, 12, 8, 19, 0));
    assert_eq!(read("next Wednesday 7pm"), ny(2026, 12, 9, 19, 0));
    assert_eq!(read("next Sunday 7pm"), ny(2026, 12, 13, 19, 0));
}

#[test]
fn next_monday_and_monday_agree_when_monday_is_already_in_the_following_week() {
    assert_eq!(read("Monday 7pm"), ny(2026, 12, 7, 19, 0));
    assert_eq!(read("next Monday 7pm"), ny(2026, 12, 7, 19, 0));
}

#[test]
fn next_weekday_typed_on_a_sunday_is_at_most_a_week_and_a_day_away() {
    let sunday = ny(2026, 12, 6, 12, 0);
    assert_eq!(read_at("next Monday 7pm", sunday), ny(2026, 12, 7, 19, 0));
    assert_eq!(read_at("next Sunday 7pm", sunday), ny(2026, 12, 13, 19, 0));
    assert_eq!(read_at("Sunday 7pm", sunday), ny(2026, 12, 6, 19, 0));
}

#[test]
fn a_weekday_reaches_into_the_next_month_and_year() {
    assert_eq!(
        read_at("Tuesday 7pm", ny(2026, 11, 28, 12, 0)),
        ny(2026, 12, 1, 19, 0)
    );
    assert_eq!(
        read_at("next Friday 7pm", ny(2026, 12, 29, 12, 0)),
        ny(2027, 1, 8, 19, 0)
    );
}

#[test]
fn a_time_alone_is_today_if_still_ahead_and_tomorrow_otherwise() {
    assert_eq!(read("18:30"), ny(2026, 12, 1, 18, 30));
    assert_eq!(read("9am"), ny(2026, 12, 2, 9, 0));
}

#[test]
fn every_time_form_is_read() {
    let cases = [
        ("tomorrow 18:30", 18, 30),
        ("tomorrow 6:30pm", 18, 30),
        ("tomorrow 6pm", 18, 0),
        ("tomorrow 7 pm", 19, 0),
        ("tomorrow 6:05am", 6, 5),
        ("tomorrow noon", 12, 0),
        ("tomorrow 12pm", 12, 0),
        ("tomorrow 12am", 0, 0),
        ("tomorrow 07:45", 7, 45),
    ];
    for (text, hour, minute) in cases {
        assert_eq!(read(text), ny(2026, 12, 2, hour, minute), "{text}");
    }
}

#[test]
fn the_time_may_come_before_the_day() {
    assert_eq!(read("7pm tomorrow"), ny(2026, 12, 2, 19, 0));
    assert_eq!(read("noon on Dec 5"), ny(2026, 12, 5, 12, 0));
    assert_eq!(read("7 pm next Tuesday"), ny(2026, 12, 8, 19, 0));
}

#[test]
fn midnight_is_the_end_of_the_named_day() {
    assert_eq!(read("tonight midnight"), ny(2026, 12, 2, 0, 0));
    assert_eq!(read("Dec 5 midnight"), ny(2026, 12, 6, 0, 0));
    assert_eq!(read("midnight"), ny(2026, 12, 2, 0, 0));
}

#[test]
fn case_and_extra_spaces_do_not_matter() {
    assert_eq!(read("  DEC   5 ,  6:30PM  "), ny(2026, 12, 5, 18, 30));
    assert_eq!(read("Next   TUESDAY   7 PM"), ny(2026, 12, 8, 19, 0));
}

#[test]
fn a_time_earlier_today_is_refused_with_its_local_time() {
    let message = refuse("today 9am");
    assert!(message.starts_with("That is in the past ("), "{message}");
    assert!(message.contains("Tue Dec 1, 2026, 09:00 ET"), "{message}");
}

#[test]
fn a_date_without_a_year_that_is_today_does_not_jump_a_year_when_its_time_has_passed() {
    assert!(refuse("12/01 9am").starts_with("That is in the past"));
    assert_eq!(read("12/01 7pm"), ny(2026, 12, 1, 19, 0));
}

#[test]
fn a_date_in_an_earlier_year_is_refused_as_past() {
    let message = refuse("2025-12-05 18:30");
    assert!(
        message.contains("in the past (Fri Dec 5, 2025, 18:30 ET)"),
        "{message}"
    );
}

#[test]
fn a_time_the_clocks_skip_in_spring_is_refused_with_times_that_exist() {
    let message = refuse("2027-03-14 02:30");
    assert!(message.contains("Sun Mar 14, 2027"), "{message}");
    assert!(message.contains("skip an hour"), "{message}");
    assert!(message.contains("Try 03:30 or 01:30."), "{message}");
}

#[test]
fn a_time_the_clocks_show_twice_in_autumn_is_refused() {
    let october = ny(2026, 10, 1, 12, 0);
    let message = refuse_at("2026-11-01 01:30", october);
    assert!(message.contains("happens twice"), "{message}");
    assert!(
        message.contains("Pick another time, like 02:30 or 00:30."),
        "{message}"
    );
    assert!(refuse("Nov 7, 2027 1:30am").contains("happens twice"));
}

#[test]
fn a_date_more_than_two_years_ahead_is_refused() {
    let message = refuse("Dec 5, 2029 7pm");
    assert!(
        message.starts_with("That is more than 2 years ahead"),
        "{message}"
    );
    assert!(refuse("2028-12-05 18:30").contains("2 years ahead"));
    assert_eq!(read("2028-11-30 18:00"), ny(2028, 11, 30, 18, 0));
}

#[test]
fn unreadable_text_lists_the_accepted_forms() {
    for text in [
        "sometime",
        "",
        "   ",
        "soon-ish",
        "the 5th of never",
        "Dec 5 7pm 8pm",
    ] {
        let message = refuse(text);
        assert!(message.contains("2026-12-05 18:30"), "{text}: {message}");
        assert!(message.contains("next Tuesday 7pm"), "{text}: {message}");
    }
}

#[test]
fn an_impossible_day_of_the_month_is_refused() {
    assert_eq!(
        refuse("Dec 45 7pm"),
        "December has no day 45. Days in December run from 1 to 31."
    );
    let message = refuse("2/30/2027 6pm");
    assert!(
        message.starts_with("February 2027 has no day 30."),
        "{message}"
    );
    assert!(refuse("Feb 29, 2027 6pm").contains("February 2027 has no day 29"));
}

#[test]
fn an_impossible_month_is_refused_with_the_order_of_the_numbers() {
    assert!(refuse("25/12/2026 6pm").contains("Dates with slashes are month/day"));
    assert!(refuse("2026-13-01 18:00").contains("Dates with dashes are year-month-day"));
}

#[test]
fn an_impossible_time_is_refused() {
    assert!(refuse("25:00").starts_with("There is no hour 25."));
    assert!(refuse("tomorrow 24:00").starts_with("There is no hour 24."));
    assert!(refuse("tomorrow 18:75").starts_with("There is no minute 75."));
    assert!(refuse("tomorrow 13pm").contains("Hours with am or pm run from 1 to 12"));
}

#[test]
fn a_day_without_a_time_asks_for_a_time() {
    for text in [
        "tomorrow",
        "Dec 5",
        "Tuesday",
        "next Tuesday",
        "2026-12-05",
        "12/5/2026",
    ] {
        assert_eq!(
            refuse(text),
            "That has a day but no time. Give a time too, like 18:30 or 6:30pm.",
            "{text}"
        );
    }
}

#[test]
fn an_hour_without_minutes_or_am_pm_asks_which_is_meant() {
    assert_eq!(
        refuse("tomorrow 7"),
        "Is 7 in the morning or the evening? Write 7am, 7pm or 19:00."
    );
    assert_eq!(
        refuse("9"),
        "Is 9 in the morning or the evening? Write 9am, 9pm or 21:00."
    );
    assert!(refuse("Dec 5 12").contains("Write 12am, 12pm or 12:00."));
}

#[test]
fn a_bare_hour_that_cannot_be_morning_or_evening_is_a_24_hour_time() {
    // Check-ins read "18" as 18:00; so do meetups, where 0 and 13 to 23 leave no doubt.
    assert_eq!(read("Dec 5 18"), ny(2026, 12, 5, 18, 0));
    assert_eq!(read("tomorrow 0"), ny(2026, 12, 2, 0, 0));
    assert_eq!(read("19 next Tuesday"), ny(2026, 12, 8, 19, 0));
    assert_eq!(read("2026-12-05 18"), ny(2026, 12, 5, 18, 0));
    assert_eq!(read("18"), ny(2026, 12, 1, 18, 0));
    assert_eq!(read("Sat Dec 5 18"), ny(2026, 12, 5, 18, 0));
}

#[test]
fn a_bare_number_that_makes_a_date_is_the_day_not_the_time() {
    for text in ["Dec 18", "18 Dec", "Dec 5", "12/18"] {
        assert_eq!(
            refuse(text),
            "That has a day but no time. Give a time too, like 18:30 or 6:30pm.",
            "{text}"
        );
    }
    assert_eq!(read("Dec 18 7pm"), ny(2026, 12, 18, 19, 0));
    // With a day already given, an impossible day is still reported as such.
    assert_eq!(
        refuse("Dec 45 18"),
        "December has no day 45. Days in December run from 1 to 31."
    );
    // Past 23 a bare number is no time at all.
    assert!(refuse("tomorrow 25").starts_with("I couldn't read that"));
}

#[test]
fn midday_is_noon() {
    assert_eq!(read("tomorrow midday"), ny(2026, 12, 2, 12, 0));
    assert_eq!(read("midday Dec 5"), ny(2026, 12, 5, 12, 0));
}

#[test]
fn a_weekday_before_a_date_must_match_it() {
    assert_eq!(read("Sat Dec 5 6:30pm"), ny(2026, 12, 5, 18, 30));
    assert_eq!(
        refuse("Friday Dec 5 6:30pm"),
        "Dec 5, 2026 is a Saturday, not a Friday. Check the date, or leave the weekday out."
    );
}

#[test]
fn a_zone_in_the_time_must_agree_with_tz() {
    assert_eq!(read("Dec 5 6:30pm ET"), ny(2026, 12, 5, 18, 30));
    assert_eq!(read("Dec 5 6:30pm EST"), ny(2026, 12, 5, 18, 30));
    assert_eq!(
        refuse("Dec 5 6:30pm PT"),
        "The time says PT but tz: says ET. Give the zone once: after the time (like 6:30pm PT) \
         or in tz:."
    );
}

#[test]
fn describe_shows_the_local_time_with_a_short_us_zone_label() {
    let at = utc(2026, 12, 5, 23, 30);
    assert_eq!(describe(at, NY), "Sat Dec 5, 18:30 ET");
    assert_eq!(describe(at, Tz::America__Chicago), "Sat Dec 5, 17:30 CT");
    assert_eq!(describe(at, Tz::America__Denver), "Sat Dec 5, 16:30 MT");
    assert_eq!(describe(at, Tz::America__Phoenix), "Sat Dec 5, 16:30 MST");
    assert_eq!(
        describe(at, Tz::America__Los_Angeles),
        "Sat Dec 5, 15:30 PT"
    );
    assert_eq!(describe(at, Tz::America__Anchorage), "Sat Dec 5, 14:30 AKT");
    assert_eq!(describe(at, Tz::Pacific__Honolulu), "Sat Dec 5, 13:30 HT");
}

#[test]
fn describe_falls_back_to_the_zone_abbreviation_elsewhere() {
    assert_eq!(
        describe(utc(2026, 12, 5, 18, 30), Tz::Europe__London),
        "Sat Dec 5, 18:30 GMT"
    );
    assert_eq!(
        describe(utc(2026, 7, 4, 17, 0), Tz::Europe__London),
        "Sat Jul 4, 18:00 BST"
    );
}

#[test]
fn what_describe_shows_reads_back_as_the_same_instant() {
    for zone in [
        NY,
        Tz::America__Phoenix,
        Tz::Pacific__Honolulu,
        Tz::Europe__London,
    ] {
        let at = utc(2027, 6, 12, 23, 15);
        let text = describe_from(at, zone, now());
        assert!(text.contains("2027"), "{text}");
        assert_eq!(parse_when(&text, zone, now()), Ok(at), "{text}");
    }
}

#[test]
fn a_london_time_shown_in_gmt_reads_back_when_read_on_a_day_the_clocks_change() {
    // Found by the property tests: half a year either side of 2022-09-25 01:00 UTC is BST
    // both ways (the clocks had just changed and were about to), so "GMT" was not London's.
    let now = utc(2022, 9, 25, 1, 0);
    let at = utc(2023, 10, 29, 2, 0);
    let text = describe_from(at, Tz::Europe__London, now);
    assert_eq!(text, "Sun Oct 29, 2023, 02:00 GMT");
    assert_eq!(parse_when(&text, Tz::Europe__London, now), Ok(at));
}

#[test]
fn other_zones_read_their_own_local_time() {
    let chicago = Tz::America__Chicago;
    assert_eq!(
        parse_when("Dec 5 6:30pm", chicago, now()),
        Ok(utc(2026, 12, 6, 0, 30))
    );
}

/// Read with no `tz:`, New York being the community's zone.
fn when(text: &str, now: DateTime<Utc>) -> When {
    read_when(text, None, NY, now).unwrap_or_else(|e| panic!("{text:?} was refused: {e}"))
}

/// Monday, December 7, 2026, 10:00 in New York.
fn monday() -> DateTime<Utc> {
    ny(2026, 12, 7, 10, 0)
}

#[test]
fn a_date_without_a_year_that_has_passed_is_asked_about_not_moved() {
    let expected = "December 5 has passed. Did you mean December 5, 2027? Add the year to confirm.";
    for text in [
        "Dec 5 6:30pm",
        "12/5 6:30pm",
        "5 December 18:30",
        "Sat Dec 5 6:30pm",
    ] {
        assert_eq!(refuse_at(text, monday()), expected, "{text}");
    }
    assert_eq!(
        read_at("Dec 5, 2027 6:30pm", monday()),
        ny(2027, 12, 5, 18, 30)
    );
    assert_eq!(
        read_at("12/5/2027 6:30pm", monday()),
        ny(2027, 12, 5, 18, 30)
    );
    assert_eq!(
        read_at("12/05/27 6:30pm", monday()),
        ny(2027, 12, 5, 18, 30)
    );
}

#[test]
fn a_date_nearer_next_year_than_last_is_next_year_without_asking() {
    assert_eq!(read_at("Jan 3 7pm", monday()), ny(2027, 1, 3, 19, 0));
    assert_eq!(read_at("1/3 7pm", monday()), ny(2027, 1, 3, 19, 0));
    assert!(refuse("Jul 4 7pm").starts_with("July 4 has passed. Did you mean July 4, 2027?"));
}

#[test]
fn a_start_in_another_year_shows_its_year_and_this_year_does_not() {
    let jan = ny(2027, 1, 8, 18, 0);
    assert_eq!(
        describe_from(jan, NY, monday()),
        "Fri Jan 8, 2027, 18:00 ET"
    );
    assert_eq!(
        describe_from(jan, NY, ny(2027, 1, 2, 9, 0)),
        "Fri Jan 8, 18:00 ET"
    );
    let dec = ny(2026, 12, 12, 18, 0);
    assert_eq!(describe_from(dec, NY, monday()), "Sat Dec 12, 18:00 ET");
}

#[test]
fn next_tuesday_on_a_monday_is_eight_days_away_and_the_echo_names_both_tuesdays() {
    let read = when("next Tuesday 7pm", monday());
    assert_eq!(read.at, ny(2026, 12, 15, 19, 0));
    assert_eq!(
        read.echo.as_deref(),
        Some(
            "next Tuesday = Tue Dec 15, in 8 days (the Tuesday of next week; \"this Tuesday\" \
             would be Tue Dec 8)"
        )
    );
    let plain = when("Tuesday 7pm", monday());
    assert_eq!(plain.at, ny(2026, 12, 8, 19, 0));
    assert_eq!(plain.echo.as_deref(), Some("Tuesday = Tue Dec 8, in 1 day"));
}

#[test]
fn relative_words_are_echoed_with_the_date_and_how_far_away_it_is() {
    let cases = [
        (
            "tomorrow 6pm",
            ny(2026, 12, 8, 18, 0),
            "tomorrow = Tue Dec 8, in 1 day",
        ),
        (
            "tonight 8pm",
            ny(2026, 12, 7, 20, 0),
            "today = Mon Dec 7, later today",
        ),
        (
            "in 2 weeks 7pm",
            ny(2026, 12, 21, 19, 0),
            "in 2 weeks = Mon Dec 21, in 14 days",
        ),
        (
            "7pm in 3 days",
            ny(2026, 12, 10, 19, 0),
            "in 3 days = Thu Dec 10, in 3 days",
        ),
        (
            "in a week 7pm",
            ny(2026, 12, 14, 19, 0),
            "in 1 week = Mon Dec 14, in 7 days",
        ),
        (
            "next Monday 7pm",
            ny(2026, 12, 14, 19, 0),
            "next Monday = Mon Dec 14, in 7 days (the Monday of next week, not today)",
        ),
        (
            "next Sunday 7pm",
            ny(2026, 12, 20, 19, 0),
            "next Sunday = Sun Dec 20, in 13 days (the Sunday of next week; \"this Sunday\" would be Sun Dec 13)",
        ),
        (
            "in 4 weeks 7pm",
            ny(2027, 1, 4, 19, 0),
            "in 4 weeks = Mon Jan 4, 2027, in 28 days",
        ),
    ];
    for (text, at, echo) in cases {
        let read = when(text, monday());
        assert_eq!(read.at, at, "{text}");
        assert_eq!(read.echo.as_deref(), Some(echo), "{text}");
    }
    for text in ["Dec 12 7pm", "2026-12-12 19:00", "7pm"] {
        assert_eq!(when(text, monday()).echo, None, "{text}");
    }
    assert!(refuse("in 2 weeks").contains("has a day but no time"));
}

#[test]
fn a_us_zone_in_the_time_sets_the_meetup_zone() {
    let la = Tz::America__Los_Angeles;
    let pacific = |y, mo, d, h, mi| {
        la.with_ymd_and_hms(y, mo, d, h, mi, 0)
            .single()
            .expect("a single local time")
            .with_timezone(&Utc)
    };
    for text in [
        "Dec 12 6:30pm PT",
        "Dec 12 6:30pm PST",
        "Dec 12 6:30 pm pacific",
        "Dec 12 6:30pm Pacific time",
        "6:30pm PT Dec 12",
        "12/12 6:30pm PDT",
    ] {
        let read = when(text, monday());
        assert_eq!(
            (read.at, read.zone),
            (pacific(2026, 12, 12, 18, 30), la),
            "{text}"
        );
    }
    let zones = [
        ("ET", Tz::America__New_York),
        ("Eastern", Tz::America__New_York),
        ("EDT", Tz::America__New_York),
        ("CT", Tz::America__Chicago),
        ("CST", Tz::America__Chicago),
        ("CDT", Tz::America__Chicago),
        ("Central", Tz::America__Chicago),
        ("MT", Tz::America__Denver),
        ("MDT", Tz::America__Denver),
        ("Mountain", Tz::America__Denver),
        ("Arizona", Tz::America__Phoenix),
        ("AKT", Tz::America__Anchorage),
        ("AKST", Tz::America__Anchorage),
        ("Alaska", Tz::America__Anchorage),
        ("HT", Tz::Pacific__Honolulu),
        ("HST", Tz::Pacific__Honolulu),
        ("Hawaii", Tz::Pacific__Honolulu),
    ];
    for (word, zone) in zones {
        let text = format!("tomorrow 6:30pm {word}");
        assert_eq!(when(&text, monday()).zone, zone, "{text}");
    }
    let given = read_when("Dec 12 6:30pm PT", Some(la), NY, monday());
    assert_eq!(given.map(|w| w.zone), Ok(la));
}

#[test]
fn unreadable_text_says_a_zone_may_follow_the_time() {
    let message = refuse("6:30pm Martian time");
    assert!(message.contains("6:30pm PT"), "{message}");
    assert!(message.contains("tz:"), "{message}");
}
