//! Words of suicide or self-harm, and the reply that puts people to call or text first.
//!
//! When a member writes that they want to die or to hurt themselves, the first thing they see
//! must be a way to reach a person now, in words that follow safe-messaging guidance (the
//! 988 Suicide & Crisis Lifeline's and reportingonsuicide.org's recommendations, and the
//! #chatsafe guidelines): thank them, say they are not alone, give the lines, no judgement, no
//! talk of means, no "commit", nothing forwarded.
//!
//! [`mentions_self_harm`] is a vetted phrase list, not a classifier. Its phrases are the
//! warning-sign statements that guidance lists ("I want to die", "better off dead", "no reason
//! to live", "I don't want to be here anymore", self-harm and overdose said as intent), with the
//! spellings people actually type: contractions without apostrophes ("dont", "im"), "wanna",
//! "kms", "unalive", common typos ("sucidal", "kill my self") and stretched letters
//! ("diiie"). It is deliberately broad: a false alarm costs one kind message, a miss costs much
//! more. It only leaves out what clinical-lab staff say every day and plainly mean otherwise
//! ("this shift is killing me", "kill the centrifuge", "cut the block", "patient expired",
//! "dead tired", "drove 40 kms"), and technical terms ("suicide inhibitor").

use std::sync::LazyLock;

use regex::Regex;

use super::help::{CRISIS_LINES, NOT_AN_EMERGENCY_SERVICE};
use super::reply::{Block, Reply, Tone, Visibility};

/// Whether `text` speaks of suicide or self-harm (see the module documentation for the list's
/// approach). Case, apostrophes (' and ’), punctuation, hidden characters, stretched letters
/// and repeated spaces do not matter.
///
/// Said of someone else it counts too ("the patient attempted suicide", "my friend wants to
/// kill himself"): the lines help people worried about someone, and reading a third-person
/// sentence as "not about me" would be the riskier guess.
pub fn mentions_self_harm(text: &str) -> bool {
    let text = normalise(text);
    RULES.iter().any(|rule| rule.matches(&text))
}

/// The reply that comes before anything else when a member writes of suicide or self-harm:
/// private, warm, with 988 and the Crisis Text Line, and saying plainly that nothing is
/// forwarded (so a member is not afraid of having said it).
pub fn crisis_first_reply() -> Reply {
    let lines = CRISIS_LINES
        .iter()
        .filter(|l| l.name.starts_with("988") || l.name == "Crisis Text Line")
        .map(|l| format!("{}: {}", l.name, l.how))
        .collect();
    Reply::private("Thank you for telling me.")
        .text(
            "You are not alone, and it's OK to reach out. Whatever you're carrying right now, \
             you don't have to carry it by yourself.",
        )
        .text("You can talk to someone now, free and confidential, any time of day or night:")
        .block(Block::Bullets(lines))
        .text("They are there for you if you're worried about someone else, too.")
        .text(format!(
            "{NOT_AN_EMERGENCY_SERVICE} Nothing you write here is forwarded to anyone."
        ))
}

/// `then` led by [`crisis_first_reply`]: one private message, the crisis wording first, then
/// what `then` said (its title as the first line after it). A refusal in `then` loses its
/// problem tone, as the message is no longer a refusal first.
pub fn crisis_first(then: Reply) -> Reply {
    let mut reply = crisis_first_reply();
    if let Some(title) = then.title {
        reply = reply.text(title);
    }
    reply.blocks.extend(then.blocks);
    reply.footer = then.footer;
    reply.starts_at = then.starts_at;
    reply.choices = then.choices;
    reply.visibility = Visibility::Private;
    reply.tone = Tone::Info;
    reply
}

/// Lower case, apostrophes and hidden characters dropped ("don't" → "dont"), sentence
/// punctuation as a "." word (so a phrase does not run across sentences), any other
/// punctuation as a space, runs of three or more of one letter as one ("diiie" → "die"),
/// single spaces, and a space at each end.
fn normalise(text: &str) -> String {
    let mut chars: Vec<char> = Vec::with_capacity(text.len() + 2);
    for c in text.chars().flat_map(char::to_lowercase) {
        match c {
            '\'' | '’' | '‘' | 'ʼ' | '`' | '´' | '\u{AD}' | '\u{FEFF}' => {}
            '\u{200B}'..='\u{200F}' | '\u{2060}'..='\u{2064}' => {}
            '.' | '!' | '?' | ';' | ':' | ',' | '…' | '\n' | '\r' => {
                chars.extend([' ', '.', ' '])
            }
            c if c.is_alphanumeric() => chars.push(c),
            _ => chars.push(' '),
        }
    }
    let mut out = String::with_capacity(chars.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let run = chars[i..].iter().take_while(|&&d| d == c).count();
        let kept = if c.is_alphabetic() && run >= 3 {
            1
        } else {
            run
        };
        out.extend(std::iter::repeat_n(c, kept));
        i += run;
    }
    let words: Vec<&str> = out.split_whitespace().collect();
    format!(" {} ", words.join(" "))
}

/// One phrase (a regex over normalised words) and the neighbours that make it mean something
/// else.
struct Rule {
    phrase: Regex,
    /// Words just before the phrase that take it back ("#" stands for any number).
    unless_before: &'static [&'static str],
    /// Words just after the phrase that take it back.
    unless_after: &'static [&'static str],
}

impl Rule {
    fn new(phrase: &str) -> Self {
        Self::unless(phrase, &[], &[])
    }

    fn unless(
        phrase: &str,
        unless_before: &'static [&'static str],
        unless_after: &'static [&'static str],
    ) -> Self {
        let pattern = format!(r"\b(?:{phrase})\b");
        Self {
            phrase: Regex::new(&pattern).expect("the phrase list is valid (unit-tested)"),
            unless_before,
            unless_after,
        }
    }

    fn matches(&self, text: &str) -> bool {
        self.phrase.find_iter(text).any(|m| {
            let before = &text[..m.start()];
            let after = &text[m.end()..];
            !self.unless_before.iter().any(|w| ends_with_word(before, w))
                && !self
                    .unless_after
                    .iter()
                    .any(|w| starts_with_words(after, w))
        })
    }
}

/// Whether the last word of `before` is `word` ("#": any number).
fn ends_with_word(before: &str, word: &str) -> bool {
    let last = before.split_whitespace().next_back().unwrap_or("");
    if word == "#" {
        return !last.is_empty() && last.chars().all(|c| c.is_ascii_digit());
    }
    before.trim_end().ends_with(&format!(" {word}"))
}

/// Whether `after` starts with the words `words`.
fn starts_with_words(after: &str, words: &str) -> bool {
    format!("{} ", after.trim_start()).starts_with(&format!("{words} "))
}

/// Spellings shared by several phrases, as regex groups over normalised words.
const WANT: &str = r"(?:want(?:ed|ing|s)?|wanna|wana|wnat|would like)(?: to| 2)?";
const DONT: &str = r"(?:dont|do not|dnt|didnt|did not|doesnt)";
const MYSELF: &str = r"(?:my ?(?:self|slef|sef|sefl)|me self)";
const KILL: &str = r"(?:kill|kil|kll|kiil)(?:ing|in|ed|s)?";
const SELF_VERB: &str = r"(?:hurt|hurting|harm|harming|cut|cutting|injure|injuring|burn|burning|starve|starving|punish|punishing)";

/// The vetted list. Each group says what it stands for; see the tests for what each catches
/// and what it lets pass.
static RULES: LazyLock<Vec<Rule>> = LazyLock::new(|| {
    vec![
        // Suicide named, in any person, with common typos and "sewerslide" (said to get past
        // filters); the biochemistry terms and film are not about a person.
        Rule::unless(
            r"suicid(?:e|es|al|ality|ally)|sucid(?:e|al)|suicde|suicdal|suiside|suisidal|suicidle|suicidel|sewer ?slide",
            &[],
            &[
                "inhibitor",
                "inhibitors",
                "inhibition",
                "substrate",
                "substrates",
                "gene",
                "genes",
                "inactivation",
                "enzyme",
                "enzymes",
                "squad",
                "prevention training",
                "awareness",
            ],
        ),
        // Killing oneself (or someone saying so of another); "killing me" is left out, as in
        // "this shift is killing me".
        Rule::new(&format!(
            r"{KILL} (?:{MYSELF}|(?:him|her|them|your) ?(?:self|selves))|off {MYSELF}"
        )),
        // "kms", but not kilometres ("40 kms").
        Rule::unless("kms", &["#"], &[]),
        Rule::new(r"unaliv(?:e|ed|es|ing)|un aliv(?:e|ed|es|ing)"),
        // Ending one's life.
        Rule::new(
            r"(?:end|ending|ended|take|taking|took) my (?:own )?life|(?:end|ending) (?:it all|everything|my existence)",
        ),
        Rule::new(r"(?:think|thinking|thought|thoughts) (?:about|of) ending (?:it|things|my life)"),
        // Wanting to die or not to exist.
        Rule::new(&format!(
            r"{WANT} (?:die|be dead|not exist|not be alive|not be here any ?more|disappear forever|sleep forever|never wake up)"
        )),
        Rule::new(&format!(
            r"{WANT} (?:it all|everything|my life|the pain) to (?:end|stop|be over)"
        )),
        Rule::new(
            r"wish (?:i|id)(?: \w+){0,3} (?:dead|die|died|never been born|never born|didnt exist|not exist|stop existing)",
        ),
        Rule::new(
            r"(?:i|id|im) should (?:just )?(?:die|be dead|not be here|not be alive|not exist)",
        ),
        Rule::new(r"hope (?:i|to) (?:just )?(?:die|dont survive|dont make it)"),
        Rule::new(
            r"better off (?:dead|without me|if i (?:was|were|wasnt|werent|was not|were not) (?:here|around|alive|gone|dead))|better off if i (?:died|disappeared|was gone)",
        ),
        // Not wanting to be alive ("be here" only with "anymore": "I don't want to be here
        // today" is a hard shift, not a crisis).
        Rule::new(&format!(
            r"{DONT} (?:want|wanna|wana)(?: to| 2)? (?:be alive|exist|be here any ?more|be around any ?more|be in this world|be on this earth|live any ?more|keep living|go on living|keep going any ?more)"
        )),
        Rule::unless(
            &format!(r"{DONT} (?:want|wanna|wana)(?: to| 2)? live"),
            &[],
            &[
                "in", "with", "near", "at", "on", "there", "here", "by", "alone", "together", "so",
                "too", "far", "close", "off", "out", "through", "paycheck",
            ],
        ),
        Rule::unless(
            &format!(r"{DONT} (?:want|wanna|wana)(?: to| 2)? go on"),
            &[],
            &[
                "break",
                "lunch",
                "vacation",
                "call",
                "a",
                "the",
                "leave",
                "shift",
                "nights",
                "days",
                "strike",
                "that",
                "this",
                "with",
                "pto",
                "nightshift",
            ],
        ),
        Rule::unless(
            &format!(r"{DONT} (?:want|wanna|wana)(?: to| 2)? wake up"),
            &[],
            &[
                "at", "early", "for", "so", "before", "this", "that", "to", "in", "on",
            ],
        ),
        Rule::new(
            r"no (?:reason|point|purpose) (?:to live|in living|living|to be alive|in being alive|to go on|in going on|to keep going|to exist|in existing)",
        ),
        Rule::new(
            r"nothing (?:left )?to live for|(?:not|isnt|aint) worth living|(?:life|living) (?:is|isnt|is not|aint|feels) (?:pointless|meaningless|not worth it)",
        ),
        Rule::new(
            r"(?:tired|sick) of (?:living|being alive|life|existing)|done with (?:life|living|being alive|existing)",
        ),
        Rule::new(r"cant (?:go on|keep living|live) (?:any ?more|like this)"),
        // Sleeping and not waking up.
        Rule::new(r"(?:sleep|asleep) and (?:not|never) wake up|never wake up again|sleep forever"),
        Rule::new(r"(?:hope|wish|want|wanna|pray)(?: to)? not (?:to )?wake up"),
        Rule::unless(
            r"(?:hope|hoping|wish|pray|praying) (?:that )?i (?:dont|do not|wont|will not|wouldnt|would not|never|didnt|did not) wake up",
            &[],
            &[
                "late", "early", "before", "to", "for", "at", "in", "on", "until", "till", "with",
                "when",
            ],
        ),
        // Self-harm, named or said as something done or wanted.
        Rule::new(
            r"self ?(?:harm|harms|harming|harmed|injury|injure|injuring|injurious|mutilation|mutilate|mutilating|hurt|hurting)",
        ),
        Rule::new(&format!(
            r"(?:want|wanna|wana|wanted|wanting|going|gonna|urge|urges|urged|tempted|trying|tried|thinking|think|thought|thoughts|might|ill|will)(?: to| about| of| about to)? {SELF_VERB} {MYSELF}"
        )),
        Rule::new(&format!(
            r"{SELF_VERB} {MYSELF} (?:on purpose|deliberately|intentionally)"
        )),
        // "I hurt myself", but not "hurt myself lifting a box".
        Rule::unless(
            &format!(r"(?:hurt|hurting|harm|harming|injure|injuring) {MYSELF}"),
            &["accidentally", "nearly", "almost"],
            &[
                "lifting",
                "carrying",
                "moving",
                "pushing",
                "pulling",
                "slipping",
                "falling",
                "tripping",
                "running",
                "playing",
                "at the gym",
                "working out",
                "exercising",
                "skiing",
                "hiking",
                "badly",
            ],
        ),
        // "Cutting myself", but not on a microtome blade or broken glass.
        Rule::unless(
            &format!(r"cutting {MYSELF}"),
            &["accidentally"],
            &[
                "on the",
                "on a",
                "on glass",
                "on broken",
                "with the",
                "shaving",
            ],
        ),
        Rule::new(&format!(
            r"(?:hang|hanging|shoot|shooting|drown|drowning|poison|poisoning|stab|stabbing|strangle|strangling) {MYSELF}|(?:slit|slitting|slash|slashing) my wrists?"
        )),
        Rule::new(
            r"(?:jump|jumping|throw myself) (?:off|from) (?:a|the) (?:bridge|building|roof|cliff|balcony|overpass)|(?:jump|jumping|step|stepping|walk|walking|throw myself) in front of (?:a|the) (?:train|bus|truck|car)",
        ),
        // Overdose as intent (an overdose in a tox report is not).
        Rule::new(
            r"(?:overdose|overdosing|overdosed|od|oding) on purpose|(?:take|taking|took|swallow|swallowing|swallowed) (?:an overdose|a whole bottle|a bottle of pills|all (?:my|the|of my) (?:pills|meds|medication))",
        ),
        Rule::new(
            r"(?:want|wanna|wanted|going|gonna|thinking about|thought about|thinking of|tempted|plan|planning|trying|tried)(?: to)? (?:overdose|overdosing|od)",
        ),
    ]
});

#[cfg(test)]
mod tests {
    use super::*;

    /// What a member in trouble may type: each must bring the crisis lines first.
    const POSITIVES: &[&str] = &[
        "I want to kill myself",
        "i wanna kms",
        "kms",
        "honestly? kms.",
        "Thinking about suicide a lot lately",
        "I've been feeling suicidal since the layoffs",
        "sucidal thoughts again",
        "I want to end my life",
        "sometimes I just want to end it all",
        "I want to die",
        "want 2 die",
        "i just wanna diiiie",
        "i wish i were dead",
        "Wish I was dead tbh",
        "everyone would be better off without me",
        "they'd all be better off if I was gone",
        "I'm better off dead",
        "I don't want to be here anymore",
        "i dont want to be here any more",
        "i dont want to be alive anymore",
        "I do not want to live anymore.",
        "I don’t want to live",
        "There's no reason to live",
        "nothing left to live for",
        "life isn't worth living",
        "I keep thinking about hurting myself",
        "I hurt myself again last night",
        "self-harm urges are back",
        "self harm",
        "I've been cutting myself",
        "thought about taking an overdose",
        "I might overdose on purpose",
        "I want to go to sleep and not wake up",
        "I hope I don't wake up",
        "I'm thinking of unaliving myself",
        "un-alive",
        "KILL MYSELF",
        "I’m going to kill myself",
        "im gonna   kill    my self",
        "the patient attempted suicide",
        "my friend says she wants to kill herself",
        "I want to take my own life",
        "i should just die",
        "I can't go on like this",
        "tired of being alive",
    ];

    /// What lab people type every day and mean otherwise: none of it is an alarm.
    const NEGATIVES: &[&str] = &[
        "this shift is killing me",
        "my feet are killing me after 12 hours",
        "had to kill the centrifuge mid-run",
        "dying to go home",
        "I could kill for coffee right now",
        "cut the block at 4 microns",
        "patient expired before the crossmatch was done",
        "dead tired after three nights",
        "killing time until the courier comes",
        "the analyzer died again",
        "dead on my feet",
        "the QC run nearly killed me today",
        "drove 40 kms in the snow to get here",
        "suicide inhibitor lecture in the biochem refresher",
        "I hurt myself lifting a reagent box",
        "cut myself on the microtome blade",
        "kept cutting myself on the microtome, need a new blade guard",
        "I don't want to be here today, short staffed again",
        "I don't want to live in this city anymore, rent is crazy",
        "killing it on the bench today",
        "I'm going to die of boredom on nights",
        "shoot me a message if you need coverage",
        "cutting it close on turnaround time",
        "my phone is dead",
        "I was dying laughing at the pathologist",
        "I don't want to wake up at 4am again",
        "end my shift early",
        "I overdosed on caffeine today",
        "tox screen showed an overdose",
        "I never wake up on time for day shift",
        "don't want to go on nights again",
    ];

    #[test]
    fn words_of_suicide_or_self_harm_are_recognised() {
        for text in POSITIVES {
            assert!(mentions_self_harm(text), "missed: {text:?}");
        }
        assert!(POSITIVES.len() >= 25);
    }

    #[test]
    fn everyday_lab_idioms_are_not_alarms() {
        for text in NEGATIVES {
            assert!(!mentions_self_harm(text), "false alarm: {text:?}");
        }
        assert!(NEGATIVES.len() >= 20);
    }

    #[test]
    fn case_apostrophes_punctuation_and_spacing_do_not_matter() {
        assert_eq!(
            normalise("I’m  NOT ok... Don't!"),
            " im not ok . . . dont . "
        );
        assert_eq!(normalise("kiiiill   my\u{200B}self"), " kill myself ");
        assert!(mentions_self_harm("I DON'T want to be alive"));
        assert!(mentions_self_harm("i dont want to be alive"));
        // A sentence break keeps "live" from running into the next sentence's words.
        assert!(mentions_self_harm(
            "I don't want to live. In fact I'm done."
        ));
        assert!(!mentions_self_harm(""));
    }

    #[test]
    fn the_crisis_reply_gives_988_and_the_text_line_with_no_judgement() {
        let reply = crisis_first_reply();
        assert_eq!(reply.visibility, Visibility::Private);
        let text = reply.to_plain_text();
        for needle in [
            "Thank you for telling me",
            "You are not alone",
            "call or text 988",
            "988lifeline.org",
            "text HOME to 741741",
            "call 911",
            "not monitored",
            "forwarded to anyone",
        ] {
            assert!(text.contains(needle), "{needle} missing: {text}");
        }
        for word in ["commit", "method", "pills", "should", "wrong"] {
            assert!(!text.to_lowercase().contains(word), "{word} in: {text}");
        }
    }

    #[test]
    fn crisis_first_leads_and_keeps_the_rest_of_the_reply() {
        let then = Reply::problem("That note looks like it contains a patient's name.")
            .footer("/checkin history");
        let reply = crisis_first(then);
        let text = reply.to_plain_text();
        assert!(text.starts_with("Thank you for telling me."), "{text}");
        let lines = text.find("741741").unwrap_or(usize::MAX);
        let rest = text.find("patient's name").unwrap_or(0);
        assert!(lines < rest, "{text}");
        assert!(text.ends_with("/checkin history"), "{text}");
        assert_eq!(reply.tone, Tone::Info);
        assert_eq!(reply.visibility, Visibility::Private);
    }
}
