//! The console is a private chat with the bot: a line that is not a command is read as a
//! request in the member's own words, words of suicide or self-harm bring the crisis lines
//! first, and only a slip of a real command's name is answered as a slip.

use crate::support::Lab;

/// How a search in the member's own words begins.
const FOUND: &str = "Here is what I found for:";

#[test]
fn plain_words_and_a_slash_before_a_feeling_are_searched_as_they_were_understood() {
    let lab = Lab::new();
    let run = lab.member("I need help\nsad\n/sad\n");
    let m = run.messages();
    assert_eq!(m.len(), 3, "{m:#?}");
    for reply in &m {
        assert!(reply.starts_with("[#") && reply.contains(FOUND), "{reply}");
        // A result list, not a refusal.
        assert!(reply.contains("\n1. "), "{reply}");
        assert!(!reply.contains("Sorry:"), "{reply}");
        assert!(!reply.contains("I don't know the command"), "{reply}");
    }
    // "/sad" is the same request as "sad".
    let body = |r: &str| r.split_once(' ').map(|(_, b)| b.to_owned());
    assert_eq!(body(&m[1]), body(&m[2]), "{m:#?}");
}

#[test]
fn a_slip_of_a_command_is_a_slip_and_a_command_name_without_a_slash_is_the_command() {
    let lab = Lab::new();
    let run = lab.member("/findgruop burnout\nfindgroup burnout\n");
    let m = run.messages();
    assert_eq!(m.len(), 2, "{m:#?}");
    assert!(
        m[0].contains("I don't know the command /findgruop")
            && m[0].contains("Did you mean /findgroup?"),
        "{}",
        m[0]
    );
    // Without a slash it is still /findgroup, answered as the command is.
    assert!(m[1].contains("for /findgroup burnout"), "{}", m[1]);
    assert!(m[1].contains("r/medlabprofessionals"), "{}", m[1]);
    assert!(!m[1].contains("Sorry:"), "{}", m[1]);
}

#[test]
fn help_in_a_sentence_is_a_request_and_a_greeting_is_told_how_to_ask() {
    let lab = Lab::new();
    let run = lab.member("help me find a group\nhi\n");
    let m = run.messages();
    assert_eq!(m.len(), 2, "{m:#?}");
    assert!(!m[0].contains("There is no command"), "{}", m[0]);
    assert!(!m[0].contains("Sorry:"), "{}", m[0]);
    // Asking for help in words is a request for someone to talk to.
    assert!(
        m[0].contains(&format!("{FOUND} someone to talk to")),
        "{}",
        m[0]
    );
    // Nothing to look for in "hi": how to ask, with an example and the way to /crisis.
    assert!(
        m[1].contains("Tell me what you are looking for") && m[1].contains("For example:"),
        "{}",
        m[1]
    );
    assert!(m[1].contains("/crisis"), "{}", m[1]);
    assert!(!m[1].contains(FOUND), "{}", m[1]);
}

#[test]
fn words_of_self_harm_bring_988_and_741741_first_and_no_search() {
    let lab = Lab::new();
    let run = lab.member(
        "night shift has been hell and I want to kill myself\n\
         /findgroup i dont want to be alive anymore\n",
    );
    let m = run.messages();
    assert_eq!(m.len(), 2, "{m:#?}");
    // Typed into a search, the same words get the same answer.
    assert!(
        m[1].starts_with("[private to alice #2] Thank you for telling me."),
        "{}",
        m[1]
    );
    let reply = &m[0];
    assert!(
        reply.starts_with("[private to alice #1] Thank you for telling me."),
        "{reply}"
    );
    let at = |needle: &str| reply.find(needle).unwrap_or(usize::MAX);
    assert!(
        at("988") < at("741741") && at("741741") < usize::MAX,
        "{reply}"
    );
    assert!(reply.contains("You are not alone"), "{reply}");
    assert!(!reply.contains(FOUND), "no search: {reply}");
    assert!(!reply.contains("\n1. "), "no results: {reply}");
}
