//! `/findgroup` through the console: filters, synonyms, paging and no-results guidance.

use crate::support::Lab;

#[test]
fn specialty_and_state_find_the_state_society() {
    let lab = Lab::new();
    let reply = lab
        .member("/findgroup specialty:histo state:OH\n")
        .message(0);
    assert!(
        reply.starts_with("[#1] 1 group for /findgroup specialty:histotechnology state:OH"),
        "{reply}"
    );
    assert!(reply.contains("Histology Society of Ohio"), "{reply}");
    assert!(reply.contains("https://ohiohistology.org"), "{reply}");
    assert!(reply.contains("details: /group show oh-histo"), "{reply}");
}

#[test]
fn common_spellings_of_specialty_and_state_give_the_same_results() {
    let lab = Lab::new();
    let run = lab.member(
        "/findgroup specialty:histotech state:ohio\n\
         /findgroup specialty:HT state:Ohio\n\
         /findgroup specialty:histology state:oh\n",
    );
    let bodies: Vec<String> = run
        .messages()
        .iter()
        .map(|m| m.split_once(' ').expect("numbered").1.to_owned())
        .collect();
    assert_eq!(bodies.len(), 3, "{:?}", run.stdout);
    assert!(bodies.iter().all(|b| b == &bodies[0]), "{bodies:#?}");
    assert!(bodies[0].contains("Histology Society of Ohio"));

    let reply = lab
        .member("/findgroup specialty:\"med tech\" state:new york\n")
        .message(0);
    assert!(reply.contains("ASCLS-New York"), "{reply}");
    let reply = lab.member("/findgroup specialty:MLS state:NY\n").message(0);
    assert!(reply.contains("ASCLS-New York"), "{reply}");
}

#[test]
fn free_text_finds_by_meaning_words_and_ranks_name_matches_first() {
    let lab = Lab::new();
    let reply = lab.member("/findgroup burnout\n").message(0);
    assert!(reply.contains("r/medlabprofessionals"), "{reply}");
    let reply = lab.member("/findgroup phlebotomy\n").message(0);
    let first = reply.lines().nth(1).expect("a first result");
    assert!(
        first.contains("hlebotom"),
        "the best match names phlebotomy: {reply}"
    );
}

#[test]
fn results_come_five_to_a_page_with_the_next_page_named() {
    let lab = Lab::new();
    let run = lab.member("/findgroup histo\n/findgroup histo page:2\n/findgroup histo page:99\n");
    let first = run.message(0);
    assert!(first.contains("(page 1 of "), "{first}");
    assert!(
        first.contains("\n5. ") && !first.contains("\n6. "),
        "{first}"
    );
    assert!(
        first.contains("Next page: /findgroup histo page:2"),
        "{first}"
    );
    let second = run.message(1);
    assert!(
        second.contains("(page 2 of ") && second.contains("\n6. "),
        "{second}"
    );
    // Page 1's results are not repeated on page 2.
    let titles = |m: &str| -> Vec<String> {
        m.lines()
            .filter(|l| l.chars().next().is_some_and(|c| c.is_ascii_digit()))
            .map(|l| l.split_once(". ").expect("numbered").1.to_owned())
            .collect()
    };
    for t in titles(&second) {
        assert!(!titles(&first).contains(&t), "{t} is on both pages");
    }
    assert!(
        run.message(2).contains("] There are only"),
        "{}",
        run.message(2)
    );
}

#[test]
fn no_results_name_the_filter_and_offer_national_groups() {
    let lab = Lab::new();
    let reply = lab
        .member("/findgroup specialty:histo state:WY\n")
        .message(0);
    assert!(
        reply.contains("No groups match /findgroup specialty:histotechnology state:WY"),
        "{reply}"
    );
    assert!(reply.contains("state:WY is what empties it"), "{reply}");
    assert!(reply.contains("National groups instead"), "{reply}");
    assert!(
        reply.contains("National Society for Histotechnology"),
        "{reply}"
    );
    assert!(reply.contains("/crisis"), "{reply}");

    // When the words empty it, the state's groups are offered (no national group matches either).
    let reply = lab
        .member("/findgroup xylophonequartet state:OH\n")
        .message(0);
    assert!(
        reply.contains("\"xylophonequartet\" is what empties it"),
        "{reply}"
    );
    assert!(
        reply.contains("Nearest matches (/findgroup state:OH)"),
        "{reply}"
    );
    assert!(reply.contains("Histology Society of Ohio"), "{reply}");

    let reply = lab.member("/findgroup xylophonequartet\n").message(0);
    assert!(reply.contains("No entry mentions those words"), "{reply}");
}

#[test]
fn crisis_lines_are_one_command_away() {
    let lab = Lab::new();
    let run = lab.member("/crisis\n/help\n");
    let crisis = run.message(0);
    for needle in [
        "988",
        "text HOME to 741741",
        "1-800-662-4357",
        "not an emergency service",
    ] {
        assert!(crisis.contains(needle), "{needle} missing from {crisis}");
    }
    assert!(run.message(1).contains("/crisis"));
    let reply = lab.member("/findgroup kind:crisis\n").message(0);
    assert!(reply.contains("988 Suicide & Crisis Lifeline"), "{reply}");
}

#[test]
fn bad_searches_get_specific_messages() {
    let lab = Lab::new();
    let run = lab.member(&format!(
        "/findgroup\n/findgroup specialty:basketweaving\n/findgroup state:Narnia\n\
         /findgroup burnout colour:blue\n/findgrop burnout\n/findgroup {}\n/findgroup format:floating\n",
        "word ".repeat(50)
    ));
    let m = run.messages();
    assert!(m[0].contains("Tell me what to look for"), "{}", m[0]);
    assert!(
        m[1].contains("\"basketweaving\" is not a specialty") && m[1].contains("phlebotomy"),
        "{}",
        m[1]
    );
    assert!(
        m[2].contains("\"Narnia\" is not a US state") && m[2].contains("OH"),
        "{}",
        m[2]
    );
    assert!(
        m[3].contains("/findgroup has no option colour:") && m[3].contains("state:"),
        "{}",
        m[3]
    );
    assert!(
        m[4].contains("I don't know the command /findgrop")
            && m[4].contains("Did you mean /findgroup?"),
        "{}",
        m[4]
    );
    assert!(m[5].contains("at most 200"), "{}", m[5]);
    assert!(
        m[6].contains("not a format") && m[6].contains("in_person"),
        "{}",
        m[6]
    );
}

#[test]
fn group_show_gives_the_whole_entry_and_unknown_keys_are_explained() {
    let lab = Lab::new();
    let run = lab.member("/group show oh-histo\n/group show no-such-group\n/group show\n");
    let show = run.message(0);
    for needle in [
        "Histology Society of Ohio (oh-histo)",
        "Region: OH",
        "Format: in person",
        "Link: https://ohiohistology.org",
        "Last checked: Nov 1, 2026, on the organisation's own page",
    ] {
        assert!(show.contains(needle), "{needle} missing from {show}");
    }
    assert!(
        run.message(1)
            .contains("No entry has the key no-such-group")
    );
    assert!(run.message(2).contains("needs a KEY"), "{}", run.message(2));
}
