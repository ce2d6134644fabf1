//! The grammar and the tables: parsing, typing, help and examples.

use super::*;
use crate::domain::directory::{Field, Raw};
use crate::domain::search::Region;
use crate::domain::vocab::{Specialty, State};
use chrono::{NaiveTime, Weekday};

fn err(line: &str) -> String {
    parse(line).unwrap_err().0
}

#[test]
fn findgroup_reads_words_and_filters_in_any_order() {
    let Command::Directory(DirectoryCommand::FindGroup { query, page }) =
        parse("/findgroup night shift specialty:histo state:new york burnout page:2").unwrap()
    else {
        panic!("not a findgroup");
    };
    // The words are read for their meaning: a shift (also searched) and a feeling.
    assert_eq!(query.terms, vec!["night"]);
    assert_eq!(
        query.wants.needs,
        vec![crate::domain::understand::Need::Burnout]
    );
    assert_eq!(query.text, "night shift burnout");
    assert_eq!(query.specialty, Some(Specialty::Histotechnology));
    assert_eq!(query.region, Some(Region::State(State::NY)));
    assert_eq!(page, 2);
}

#[test]
fn multi_word_values_and_quotes_work() {
    let Command::Directory(DirectoryCommand::FindGroup { query, .. }) =
        parse("findgroup specialty:med tech").unwrap()
    else {
        panic!()
    };
    assert_eq!(query.specialty, Some(Specialty::Mls));
    let Command::Directory(DirectoryCommand::FindGroup { query, .. }) =
        parse("findgroup specialty:\"blood bank\" \"state:x\"").unwrap()
    else {
        panic!()
    };
    assert_eq!(query.specialty, Some(Specialty::BloodBank));
    assert_eq!(query.terms, vec!["state"]);
    let Command::Directory(DirectoryCommand::FindGroup { query, .. }) =
        parse("findgroup state:washington dc specialty:transfusion medicine nights").unwrap()
    else {
        panic!()
    };
    assert_eq!(query.region, Some(Region::State(State::DC)));
    assert_eq!(query.specialty, Some(Specialty::BloodBank));
    assert_eq!(query.terms, vec!["nights"]);
    let Command::Directory(DirectoryCommand::FindGroup { query, .. }) =
        parse("findgroup specialty:all burnout").unwrap()
    else {
        panic!()
    };
    assert_eq!(query.specialty, None);
}

#[test]
fn prose_inside_text_values_is_not_read_as_options() {
    let Command::Directory(DirectoryCommand::Suggest { draft, note }) = parse(
        "suggestgroup name:X url:https://example.org description:Meets monthly. Note: bring \
         a badge. City: Dayton note:thanks",
    )
    .unwrap() else {
        panic!()
    };
    assert_eq!(
        draft[&Field::Description],
        Raw::Text("Meets monthly. Note: bring a badge. City: Dayton".into())
    );
    assert!(!draft.contains_key(&Field::City));
    assert_eq!(note.as_deref(), Some("thanks"));
}

#[test]
fn text_options_run_to_the_next_option_and_links_are_words() {
    let Command::Directory(DirectoryCommand::Add(d)) = parse(
        "/group add name:Histology Society of Ohio url:https://ohiohistology.org kind:association",
    )
    .unwrap() else {
        panic!()
    };
    assert_eq!(
        d[&Field::Name],
        Raw::Text("Histology Society of Ohio".into())
    );
    assert_eq!(
        d[&Field::Url],
        Raw::Text("https://ohiohistology.org".into())
    );
    assert_eq!(
        d[&Field::Key],
        Raw::Text("histology-society-of-ohio".into())
    );
}

#[test]
fn unknown_commands_and_options_suggest_the_nearest() {
    assert!(err("/findgrup burnout").contains("Did you mean /findgroup?"));
    let e = err("/findgroup burnout stat:OH");
    assert!(
        e.contains("no option stat:") && e.contains("Did you mean state:?"),
        "{e}"
    );
    assert!(err("/group shwo x").contains("Did you mean /group show?"));
    assert!(err("/group").contains("needs one of: show, add, edit, remove"));
    // A short name takes one slip, not two: "/hi" is not a slip of /tip.
    assert!(
        err("/tpi").contains("Did you mean /tip?"),
        "{}",
        err("/tpi")
    );
    assert!(!err("/hi").contains("Did you mean"), "{}", err("/hi"));
    assert!(!err("/i").contains("Did you mean"), "{}", err("/i"));
}

#[test]
fn bad_values_say_what_is_accepted() {
    let e = err("/findgroup specialty:wizardry");
    assert!(
        e.contains("not a specialty") && e.contains("histotechnology"),
        "{e}"
    );
    assert!(err("/findgroup state:Narnia").contains("Accepted: AL, AK"));
    assert!(err("/findgroup").contains("Tell me what to look for"));
    assert!(err(&format!("/findgroup {}", "x".repeat(300))).contains("at most 200"));
    assert!(err("/findgroup burnout page:0").contains("not a page number"));
    assert!(err("/review approve abc").contains("not a suggestion id"));
    assert!(err("/review reject 3").contains("reason"));
}

#[test]
fn checkin_start_reads_days_times_and_zones_in_any_order_with_little_words() {
    let Command::Checkin(CheckinCommand::Start { day, time, zone }) =
        parse("/checkin start Monday at 9am Eastern Time").unwrap()
    else {
        panic!()
    };
    assert_eq!(day, Some(Weekday::Mon));
    assert_eq!(time, NaiveTime::from_hms_opt(9, 0, 0));
    assert_eq!(zone, Some(chrono_tz::America::New_York));
    let Command::Checkin(CheckinCommand::Start { zone, .. }) =
        parse("/checkin start 7pm Puerto Rico fri").unwrap()
    else {
        panic!()
    };
    assert_eq!(zone, Some(chrono_tz::America::Puerto_Rico));
    assert!(
        parse("/checkin start Monday Tuesday")
            .unwrap_err()
            .0
            .contains("one day")
    );
}

#[test]
fn review_defaults_to_list() {
    assert_eq!(
        parse("/review").unwrap(),
        Command::Directory(DirectoryCommand::ReviewList)
    );
    assert_eq!(
        parse("review list").unwrap(),
        Command::Directory(DirectoryCommand::ReviewList)
    );
}

#[test]
fn every_spec_is_typed() {
    // Each spec must be reachable and typed without panicking.
    for spec in all() {
        let inv = Invocation {
            spec,
            arg: Some("1".into()),
            options: Vec::new(),
        };
        let _ = typed(inv);
    }
}

#[test]
fn every_spec_has_help_and_examples_that_parse_to_it() {
    let mut names = Vec::new();
    for spec in all() {
        assert!(
            !names.contains(&spec.name),
            "/{} is in the tables twice",
            spec.name
        );
        names.push(spec.name);
        assert!(
            !spec.summary.is_empty() && !spec.details.is_empty(),
            "/{}",
            spec.name
        );
        assert!(!spec.examples.is_empty(), "/{} has no example", spec.name);
        for example in spec.examples {
            assert_eq!(resolve(example).map(|s| s.name), Ok(spec.name), "{example}");
            if let Err(e) = parse(example) {
                panic!("the example {example} does not parse: {e}");
            }
        }
    }
}

#[test]
fn structured_invocations_keep_option_values_whole_and_read_free_text_as_a_line() {
    let from = |name: &str, arg: &str, options: &[(&str, &str)]| {
        let spec = spec(name).unwrap();
        let options = options.iter().map(|(k, v)| (*k, (*v).to_owned()));
        Invocation::from_parts(spec, Some(arg.to_owned()), options).and_then(typed)
    };
    // Filters typed into the words box work as on the console.
    let Command::Directory(DirectoryCommand::FindGroup { query, .. }) =
        from("findgroup", "burnout state:OH", &[]).unwrap()
    else {
        panic!("not a findgroup");
    };
    assert_eq!(
        query.wants.needs,
        vec![crate::domain::understand::Need::Burnout]
    );
    assert_eq!(query.region, Some(Region::State(State::OH)));
    // ... but not twice.
    let twice = from("findgroup", "burnout state:OH", &[("state", "TX")]).unwrap_err();
    assert!(twice.0.contains("given twice"), "{twice}");
    // A key in quotes is still the key.
    assert_eq!(
        from("group show", "\"oh-histo\"", &[]).unwrap(),
        Command::Directory(DirectoryCommand::Show("oh-histo".into()))
    );
    // Option values keep quotes and colons exactly.
    let Command::Directory(DirectoryCommand::Suggest { draft, .. }) = from(
        "suggestgroup",
        "",
        &[
            ("name", "The \"Late\" Lab: night owls"),
            ("url", "https://example.org"),
            ("description", "Night shift: \"we\" meet online."),
        ],
    )
    .unwrap() else {
        panic!("not a suggestion");
    };
    assert_eq!(
        draft[&Field::Name],
        Raw::Text("The \"Late\" Lab: night owls".into())
    );
}

#[test]
fn words_without_an_option_name_are_given_the_option_they_were_meant_for() {
    let e = err("/suggestgroup a nice group url:https://example.org");
    assert!(
        e.contains("\"a nice group\" needs an option name")
            && e.contains("Did you mean name:a nice group?"),
        "{e}"
    );
    let e = err("/suggestgroup https://example.org name:X description:Y");
    assert!(e.contains("Did you mean url:https://example.org?"), "{e}");
    let e = err("/mydata please");
    assert!(e.contains("/mydata takes nothing after it"), "{e}");
    // The crisis lines come whatever follows the command.
    assert!(matches!(
        parse("/crisis please help"),
        Ok(Command::Help(HelpCommand::Crisis))
    ));
}
