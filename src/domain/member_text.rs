//! Member text that others will read: which characters it may hold.
//!
//! Every field a member writes and someone else reads (a meetup's title, place and description,
//! a directory entry's text fields and links, a suggestion's note, a reviewer's reason) goes
//! through [`check`] where it enters. Three kinds of characters are refused, because they make
//! text read differently from what it is:
//!
//! | kind | examples | why |
//! | ---- | -------- | --- |
//! | control characters | U+0000-U+001F, U+007F-U+009F (tab, escape, bell, …) | terminal tricks, hidden line breaks |
//! | text-direction controls | U+202A-U+202E, U+2066-U+2069, U+200E, U+200F, U+061C | a right-to-left override shows `exe.txt` for `txt.exe` |
//! | invisible characters | U+200B-U+200D, U+2060-U+2064, U+FEFF, U+00AD, U+180E, tag characters, … | look-alike names, hidden text |
//!
//! What is accepted: letters of any script, digits, punctuation, symbols, ordinary spaces and
//! emoji. Emoji sequences keep working: a zero-width joiner between two emoji (👩‍🔬) and the tag
//! characters of a subdivision flag right after 🏴 are part of the emoji, not hidden text.
//!
//! Line breaks: fields read as one line (titles, places, names, list items, links) take none.
//! Fields meant as a few sentences that are shown as a block ([`Lines::Several`]: a meetup's
//! description, a suggestion's note, a reviewer's reason) take ordinary line breaks (`\n`, also
//! written `\r\n`) and tabs; the Unicode line and paragraph separators (U+2028, U+2029, U+0085)
//! are refused there too. Directory descriptions stay on one line: results show them as one.
//!
//! Markdown is not refused here: it is ordinary punctuation, and each adapter shows member text
//! as plain text (Discord escapes it, Matrix HTML-escapes it, the console prints it).

use super::input::InputError;

/// How many lines a field may take.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lines {
    /// A title, a place, a name, a link: no line breaks.
    One,
    /// A description, a note or a reason: ordinary line breaks and tabs are fine.
    Several,
}

/// The kind of a refused character.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A line break in a one-line field, or an unusual line separator in any field.
    LineBreak,
    /// A control character (C0, DEL, C1).
    Control,
    /// A character that changes the direction text is shown in.
    Direction,
    /// A character that takes no room: zero-width spaces and joiners, soft hyphens, tags, …
    Invisible,
}

/// The first refused character of a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refused {
    pub kind: Kind,
    pub character: char,
    /// Where it is, counted in characters from 1.
    pub position: usize,
    pub lines: Lines,
}

impl Refused {
    /// "contains a text-direction control (U+202E RIGHT-TO-LEFT OVERRIDE) at character 7".
    pub fn problem(&self) -> String {
        let code = format!("U+{:04X}", u32::from(self.character));
        let named = match name(self.character) {
            Some(name) => format!("{code} {name}"),
            None => code,
        };
        let what = match self.kind {
            Kind::LineBreak if self.lines == Lines::One => "a line break",
            Kind::LineBreak => "an unusual line separator",
            Kind::Control => "a control character",
            Kind::Direction => "a text-direction control",
            Kind::Invisible => "an invisible character",
        };
        format!("contains {what} ({named}) at character {}", self.position)
    }

    /// What the field accepts instead.
    pub fn accepted(&self) -> &'static str {
        match self.lines {
            Lines::One => {
                "Accepted: letters, digits, punctuation, spaces and emoji, on one line; \
                 control, text-direction and invisible characters are not."
            }
            Lines::Several => {
                "Accepted: letters, digits, punctuation, spaces, emoji and ordinary line \
                 breaks; control, text-direction and invisible characters are not."
            }
        }
    }
}

/// Checks a field's text; the refusal names the field ("title: contains …").
pub fn check(field: &str, text: &str, lines: Lines) -> Result<(), InputError> {
    match first_refused(text, lines) {
        None => Ok(()),
        Some(refused) => Err(InputError::new(
            format!("{field}: {}.", refused.problem()),
            refused.accepted(),
        )),
    }
}

/// A name a platform gives (a display name), shown to others: the characters text fields
/// refuse are left out, since a name cannot be sent back to be fixed. Nothing left: "someone".
pub fn clean_name(name: &str) -> String {
    match without_refused(name, Lines::One).trim() {
        "" => "someone".to_owned(),
        trimmed => trimmed.to_owned(),
    }
}

/// Text the bot says that may quote what a member typed (a refusal quoting a wrong value):
/// refused characters are left out, line breaks kept.
pub fn clean_reply(text: &str) -> String {
    without_refused(text, Lines::Several)
}

fn without_refused(text: &str, lines: Lines) -> String {
    let chars: Vec<char> = text.chars().collect();
    chars
        .iter()
        .enumerate()
        .filter(|(at, c)| match kind_of(**c, lines) {
            None => true,
            Some(Kind::Invisible) => part_of_emoji(&chars, *at) || joins_letters(&chars, *at),
            Some(_) => false,
        })
        .map(|(_, c)| *c)
        .collect()
}

/// The first character of `text` that a field of `lines` refuses, if any.
pub fn first_refused(text: &str, lines: Lines) -> Option<Refused> {
    let chars: Vec<char> = text.chars().collect();
    chars.iter().enumerate().find_map(|(at, &c)| {
        let kind = kind_of(c, lines)?;
        if kind == Kind::Invisible && (part_of_emoji(&chars, at) || joins_letters(&chars, at)) {
            return None;
        }
        Some(Refused {
            kind,
            character: c,
            position: at + 1,
            lines,
        })
    })
}

/// Whether a field of `lines` refuses `c` wherever it stands (emoji context aside).
fn kind_of(c: char, lines: Lines) -> Option<Kind> {
    match c {
        '\n' | '\r' if lines == Lines::One => Some(Kind::LineBreak),
        '\n' | '\r' | '\t' if lines == Lines::Several => None,
        '\u{85}' | '\u{2028}' | '\u{2029}' => Some(Kind::LineBreak),
        c if c.is_control() => Some(Kind::Control),
        '\u{61C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' => {
            Some(Kind::Direction)
        }
        c if is_invisible(c) => Some(Kind::Invisible),
        _ => None,
    }
}

/// Characters that take no room or show nothing: Unicode's format characters (besides the
/// direction controls) and the blank fillers and selectors used to fake empty or look-alike
/// names.
fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{AD}'
            | '\u{34F}'
            | '\u{600}'..='\u{605}'
            | '\u{6DD}'
            | '\u{70F}'
            | '\u{890}'..='\u{891}'
            | '\u{8E2}'
            | '\u{115F}'..='\u{1160}'
            | '\u{17B4}'..='\u{17B5}'
            | '\u{180B}'..='\u{180F}'
            | '\u{200B}'..='\u{200D}'
            | '\u{2060}'..='\u{2064}'
            | '\u{206A}'..='\u{206F}'
            | '\u{3164}'
            | '\u{FEFF}'
            | '\u{FFA0}'
            | '\u{FFF9}'..='\u{FFFB}'
            | '\u{110BD}'
            | '\u{110CD}'
            | '\u{13430}'..='\u{1343F}'
            | '\u{1BCA0}'..='\u{1BCA3}'
            | '\u{1D173}'..='\u{1D17A}'
            | '\u{E0001}'
            | '\u{E0020}'..='\u{E007F}'
            | '\u{E0100}'..='\u{E01EF}'
    )
}

/// Whether a zero-width non-joiner or joiner at `at` stands inside a word of a script that
/// needs it (Persian, Hindi, Malayalam, …): ordinary spelling, not hidden text.
fn joins_letters(chars: &[char], at: usize) -> bool {
    matches!(chars[at], '\u{200C}' | '\u{200D}')
        && at > 0
        && needs_joiners(chars[at - 1])
        && chars.get(at + 1).is_some_and(|c| needs_joiners(*c))
}

/// Letters and signs of the scripts whose ordinary spelling uses zero-width (non-)joiners:
/// Arabic and Persian, and the Indic scripts from Devanagari to Sinhala. Latin, Greek and
/// Cyrillic never need one, so there a joiner can only hide a split ("Ad‌min").
fn needs_joiners(c: char) -> bool {
    matches!(
        c,
        '\u{600}'..='\u{6FF}'
            | '\u{750}'..='\u{77F}'
            | '\u{8A0}'..='\u{8FF}'
            | '\u{900}'..='\u{DFF}'
            | '\u{FB50}'..='\u{FDFF}'
            | '\u{FE70}'..='\u{FEFC}'
    )
}

/// Whether the invisible character at `at` belongs to an emoji: a zero-width joiner between two
/// emoji (👩‍🔬), or the tag characters of a subdivision flag (🏴 then 2-6 lower-case tag letters
/// or digits, then the cancel tag U+E007F).
fn part_of_emoji(chars: &[char], at: usize) -> bool {
    match chars[at] {
        '\u{200D}' => {
            let before = chars[..at]
                .iter()
                .rev()
                .find(|&&c| !is_emoji_modifier(c))
                .copied();
            let after = chars.get(at + 1).copied();
            before.is_some_and(is_emoji) && after.is_some_and(is_emoji)
        }
        '\u{E0020}'..='\u{E007F}' => {
            let start = chars[..at]
                .iter()
                .rposition(|&c| !('\u{E0020}'..='\u{E007F}').contains(&c));
            let Some(flag) = start.filter(|&s| chars[s] == '\u{1F3F4}') else {
                return false;
            };
            let run: Vec<char> = chars[flag + 1..]
                .iter()
                .take_while(|c| ('\u{E0020}'..='\u{E007F}').contains(*c))
                .copied()
                .collect();
            let Some((&'\u{E007F}', letters)) = run.split_last() else {
                return false;
            };
            (2..=6).contains(&letters.len())
                && letters.iter().all(|&c| {
                    ('\u{E0061}'..='\u{E007A}').contains(&c)
                        || ('\u{E0030}'..='\u{E0039}').contains(&c)
                })
        }
        _ => false,
    }
}

/// Variation selector 16 and skin tones, which may sit between an emoji and a joiner.
fn is_emoji_modifier(c: char) -> bool {
    matches!(c, '\u{FE0F}' | '\u{1F3FB}'..='\u{1F3FF}')
}

/// Emoji that take part in joined sequences (people, objects, symbols such as ♀ ⚕ ❤ 🔬).
fn is_emoji(c: char) -> bool {
    matches!(
        c,
        '\u{1F000}'..='\u{1FAFF}'
            | '\u{2300}'..='\u{23FF}'
            | '\u{2600}'..='\u{27BF}'
            | '\u{2B00}'..='\u{2BFF}'
            | '\u{A9}'
            | '\u{AE}'
            | '\u{203C}'
            | '\u{2049}'
            | '\u{2122}'
    )
}

/// Names of the characters members meet most, for the message.
fn name(c: char) -> Option<&'static str> {
    Some(match c {
        '\t' => "TAB",
        '\n' => "LINE FEED",
        '\r' => "CARRIAGE RETURN",
        '\u{1B}' => "ESCAPE",
        '\u{7}' => "BELL",
        '\u{AD}' => "SOFT HYPHEN",
        '\u{61C}' => "ARABIC LETTER MARK",
        '\u{200B}' => "ZERO WIDTH SPACE",
        '\u{200C}' => "ZERO WIDTH NON-JOINER",
        '\u{200D}' => "ZERO WIDTH JOINER",
        '\u{200E}' => "LEFT-TO-RIGHT MARK",
        '\u{200F}' => "RIGHT-TO-LEFT MARK",
        '\u{2028}' => "LINE SEPARATOR",
        '\u{2029}' => "PARAGRAPH SEPARATOR",
        '\u{202A}' => "LEFT-TO-RIGHT EMBEDDING",
        '\u{202B}' => "RIGHT-TO-LEFT EMBEDDING",
        '\u{202C}' => "POP DIRECTIONAL FORMATTING",
        '\u{202D}' => "LEFT-TO-RIGHT OVERRIDE",
        '\u{202E}' => "RIGHT-TO-LEFT OVERRIDE",
        '\u{2060}' => "WORD JOINER",
        '\u{2066}' => "LEFT-TO-RIGHT ISOLATE",
        '\u{2067}' => "RIGHT-TO-LEFT ISOLATE",
        '\u{2068}' => "FIRST STRONG ISOLATE",
        '\u{2069}' => "POP DIRECTIONAL ISOLATE",
        '\u{FEFF}' => "ZERO WIDTH NO-BREAK SPACE",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refused(text: &str, lines: Lines) -> Option<(Kind, usize)> {
        first_refused(text, lines).map(|r| (r.kind, r.position))
    }

    #[test]
    fn ordinary_text_of_any_script_with_emoji_is_accepted() {
        for text in [
            "Histo night out — Brewpub on 5th",
            "Ünïcödé blood bank, QC; \"calibration\" 100% (really)",
            "Laboratorio clínico: café y charla",
            "مختبر · 検査室 · лаборатория",
            "🧪🔬 Micro meetup 👍🏽",
            "👩‍🔬 and 👨🏿‍⚕️ and 🏳️‍🌈 lab staff",
            "🏴\u{E0067}\u{E0062}\u{E0073}\u{E0063}\u{E0074}\u{E007F} Scottish techs",
            "[Official 988 line](https://example.org) # ** ` |",
            "non\u{A0}breaking and\u{2009}thin spaces",
        ] {
            assert_eq!(refused(text, Lines::One), None, "{text:?}");
        }
    }

    #[test]
    fn control_characters_are_refused_with_their_code_and_place() {
        let r = first_refused("Lab\u{1B}[31m night", Lines::One).unwrap();
        assert_eq!((r.kind, r.position), (Kind::Control, 4));
        assert_eq!(
            r.problem(),
            "contains a control character (U+001B ESCAPE) at character 4"
        );
        for c in ['\0', '\u{7}', '\u{7F}', '\u{9B}', '\t'] {
            let text = format!("a{c}b");
            assert_eq!(
                refused(&text, Lines::One),
                Some((Kind::Control, 2)),
                "{c:?}"
            );
        }
    }

    #[test]
    fn bidi_overrides_isolates_and_marks_are_refused() {
        for c in [
            '\u{202A}', '\u{202B}', '\u{202C}', '\u{202D}', '\u{202E}', '\u{2066}', '\u{2067}',
            '\u{2068}', '\u{2069}', '\u{200E}', '\u{200F}', '\u{61C}',
        ] {
            let text = format!("txt{c}.exe");
            assert_eq!(
                refused(&text, Lines::Several),
                Some((Kind::Direction, 4)),
                "{c:?}"
            );
        }
    }

    #[test]
    fn zero_width_and_other_invisible_characters_are_refused() {
        for c in [
            '\u{200B}',
            '\u{200C}',
            '\u{200D}',
            '\u{2060}',
            '\u{FEFF}',
            '\u{AD}',
            '\u{180E}',
            '\u{3164}',
            '\u{E0041}',
            '\u{E0100}',
        ] {
            let text = format!("Ad{c}min");
            assert_eq!(
                refused(&text, Lines::One),
                Some((Kind::Invisible, 3)),
                "{c:?}"
            );
        }
        // A joiner needs an emoji on both sides; tags need a flag and a cancel tag.
        assert_eq!(
            refused("🧪\u{200D}x", Lines::One),
            Some((Kind::Invisible, 2))
        );
        assert_eq!(
            refused("\u{200D}🧪", Lines::One),
            Some((Kind::Invisible, 1))
        );
        let smuggled: String = "🏴"
            .chars()
            .chain(
                "ignore previous"
                    .chars()
                    .map(|c| char::from_u32(0xE0000 + u32::from(c)).unwrap()),
            )
            .chain(['\u{E007F}'])
            .collect();
        assert_eq!(refused(&smuggled, Lines::One), Some((Kind::Invisible, 2)));
    }

    #[test]
    fn line_breaks_only_where_a_field_takes_several_lines() {
        assert_eq!(refused("one\ntwo", Lines::One), Some((Kind::LineBreak, 4)));
        assert_eq!(refused("one\r\ntwo\tthree", Lines::Several), None);
        assert_eq!(
            refused("one\u{2028}two", Lines::Several),
            Some((Kind::LineBreak, 4))
        );
        assert_eq!(
            refused("one\u{85}two", Lines::Several),
            Some((Kind::LineBreak, 4))
        );
        assert_eq!(
            refused("a\u{7}\nb", Lines::Several),
            Some((Kind::Control, 2))
        );
    }

    #[test]
    fn the_message_names_the_field_and_what_is_accepted() {
        let e = check("title", "Free \u{202E}gnp.exe", Lines::One).unwrap_err();
        assert_eq!(
            e.problem,
            "title: contains a text-direction control (U+202E RIGHT-TO-LEFT OVERRIDE) at \
             character 6."
        );
        assert!(e.accepted.contains("on one line"), "{e}");
        let e = check("description", "x\u{200B}", Lines::Several).unwrap_err();
        assert!(
            e.contains("description: contains an invisible character (U+200B ZERO WIDTH SPACE)")
        );
        assert!(e.contains("ordinary line breaks"), "{e}");
        assert!(check("title", "Histo night", Lines::One).is_ok());
    }

    #[test]
    fn joiners_inside_words_of_scripts_that_need_them_are_accepted() {
        // Persian "می‌خواهم" (a zero-width non-joiner between letters) and Hindi with a joiner.
        assert_eq!(first_refused("می\u{200C}خواهم", Lines::One), None);
        assert_eq!(first_refused("क्\u{200D}ष", Lines::One), None);
        // Alone, at an edge or between Latin letters and spaces it is still hidden text.
        assert!(first_refused("a \u{200C} b", Lines::One).is_some());
        assert!(first_refused("\u{200D}start", Lines::One).is_some());
    }

    #[test]
    fn display_names_lose_hidden_characters_and_keep_the_rest() {
        assert_eq!(clean_name("Ad\u{202E}min\u{200B}"), "Admin");
        assert_eq!(clean_name("Dr. 👩\u{200D}🔬 Lee"), "Dr. 👩\u{200D}🔬 Lee");
        assert_eq!(clean_name("\u{200B}\u{202E}"), "someone");
        assert_eq!(
            clean_reply("\"4\u{202E}2\" is not a number.\nTry 3."),
            "\"42\" is not a number.\nTry 3."
        );
    }
}
