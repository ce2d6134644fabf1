//! Member text shown in a channel (a meetup title, a location) must never ping anyone.
//!
//! [`neutralize`] breaks every mention form with an invisible zero-width space (U+200B), so the
//! text reads the same but no platform parses a mention out of it:
//!
//! | written                              | becomes            | platform |
//! | ------------------------------------ | ------------------ | -------- |
//! | `@everyone`, `@here` (any case)      | `@\u{200B}everyone` | Discord |
//! | `<@123>`, `<@!123>`, `<@&123>`, `<#123>` | `<\u{200B}@123>` | Discord user, role, channel |
//! | `@room` (any case)                   | `@\u{200B}room`    | Matrix   |
//! | `@alice:example.org`                 | `@\u{200B}alice:…` | Matrix user id |
//!
//! Everything else is kept byte for byte. The words are matched wherever they occur, even inside
//! a longer word (`@hereafter`, `me@room`), because the platforms' own matching is loose too; a
//! stray invisible character there costs nothing. Adapters should still send messages with
//! mentions disabled (Discord `allowed_mentions`, Matrix an empty `m.mentions`): this is the
//! second lock, for clients that read mentions out of the text.

/// The zero-width space inserted to break a mention.
const ZWSP: &str = "\u{200B}";

/// Words that ping a whole channel or room when written after `@`, compared in any case.
const ROOM_WIDE: [&[u8]; 3] = [b"everyone", b"here", b"room"];

/// `text` with every Discord and Matrix mention broken by a zero-width space (see the module
/// documentation); everything else is unchanged.
pub fn neutralize(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len() + 8);
    let mut copied = 0;
    for (at, &byte) in bytes.iter().enumerate() {
        let breaks = match byte {
            b'@' => pings_after_at(&bytes[at + 1..]),
            b'<' => is_discord_mention(&bytes[at + 1..]),
            _ => false,
        };
        if breaks {
            // `@` and `<` are ASCII, so `at + 1` is a character boundary.
            out.push_str(&text[copied..=at]);
            out.push_str(ZWSP);
            copied = at + 1;
        }
    }
    out.push_str(&text[copied..]);
    out
}

/// Whether the text right after an `@` makes it a room-wide ping or a Matrix user id.
fn pings_after_at(rest: &[u8]) -> bool {
    ROOM_WIDE
        .iter()
        .any(|word| rest.len() >= word.len() && rest[..word.len()].eq_ignore_ascii_case(word))
        || is_matrix_user_id(rest)
}

/// Whether `rest` (after `@`) starts like a Matrix user id: `localpart:server`.
///
/// The localpart takes the historical user id characters (letters, digits, `._=-/+`), the server
/// starts with a host name character or `[` (an IPv6 literal).
fn is_matrix_user_id(rest: &[u8]) -> bool {
    let local = rest
        .iter()
        .take_while(|&&b| b.is_ascii_alphanumeric() || b"._=-/+".contains(&b))
        .count();
    local > 0
        && rest.get(local) == Some(&b':')
        && rest
            .get(local + 1)
            .is_some_and(|&b| b.is_ascii_alphanumeric() || b == b'[')
}

/// Whether `rest` (after `<`) is a Discord mention: `@id>`, `@!id>`, `@&id>` or `#id>`.
fn is_discord_mention(rest: &[u8]) -> bool {
    let ([b'@', b'!' | b'&', digits @ ..] | [b'@' | b'#', digits @ ..]) = rest else {
        return false;
    };
    let count = digits.iter().take_while(|b| b.is_ascii_digit()).count();
    count > 0 && digits.get(count) == Some(&b'>')
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Shows the zero-width spaces, for readable expectations.
    fn shown(text: &str) -> String {
        neutralize(text).replace(ZWSP, "|")
    }

    #[test]
    fn everyone_and_here_in_any_case_are_broken_after_the_at_sign() {
        assert_eq!(shown("@everyone come!"), "@|everyone come!");
        assert_eq!(
            shown("Hey @HERE and @EveryOne"),
            "Hey @|HERE and @|EveryOne"
        );
        assert_eq!(shown("@everyone@here"), "@|everyone@|here");
    }

    #[test]
    fn discord_user_role_and_channel_mentions_are_broken_after_the_angle_bracket() {
        assert_eq!(shown("<@123456789012345678>"), "<|@123456789012345678>");
        assert_eq!(shown("<@!42> hi"), "<|@!42> hi");
        assert_eq!(shown("for <@&987>"), "for <|@&987>");
        assert_eq!(shown("see <#555>"), "see <|#555>");
    }

    #[test]
    fn angle_brackets_that_are_not_mentions_are_kept() {
        for text in [
            "<@>",
            "<@abc>",
            "<@123",
            "<@!>",
            "a < b",
            "<#general>",
            "<@&>",
            "<<@1",
        ] {
            assert_eq!(neutralize(text), text);
        }
    }

    #[test]
    fn matrix_room_pings_in_any_case_are_broken_after_the_at_sign() {
        assert_eq!(shown("@room meetup moved"), "@|room meetup moved");
        assert_eq!(shown("@ROOM"), "@|ROOM");
    }

    #[test]
    fn matrix_user_ids_are_broken_after_the_at_sign() {
        assert_eq!(shown("ask @alice:example.org"), "ask @|alice:example.org");
        assert_eq!(
            shown("@bob.smith_1=x/y+z-w:matrix.org"),
            "@|bob.smith_1=x/y+z-w:matrix.org"
        );
        assert_eq!(shown("@carol:[::1]:8448"), "@|carol:[::1]:8448");
    }

    #[test]
    fn email_addresses_times_and_lone_at_signs_are_kept_byte_identical() {
        for text in [
            "lab@hospital.org",
            "write to lab@hospital.org: soon",
            "meet @ 6pm",
            "@",
            "trailing @",
            "@alice: hi",
            "@:example.org",
        ] {
            assert_eq!(neutralize(text), text);
        }
    }

    #[test]
    fn text_without_mentions_is_kept_byte_identical() {
        for text in [
            "",
            "Hematology journal club — Tuesday 6pm",
            "Ünïcödé 🧪🔬 blood bank, QC; \"calibration\"\n2nd line",
            "C++ <vector> & <map>",
            "already safe: @\u{200B}everyone",
        ] {
            assert_eq!(neutralize(text), text);
        }
    }

    #[test]
    fn hostile_titles_ping_nobody() {
        let titles = [
            "@everyone FREE PIZZA <@&111> <@!222> <@333> @room @here",
            "🧪@everyone🧪",
            "x@heRe",
            "<@&1><@&2><@&3>",
            "Micro meetup @mallory:evil.example ping @room",
            "\n@everyone\n",
        ];
        for title in titles {
            let safe = neutralize(title);
            assert_eq!(
                safe.replace(ZWSP, ""),
                title,
                "only zero-width spaces are added"
            );
            let lower = safe.to_lowercase();
            for ping in ["@everyone", "@here", "@room", "<@", "@mallory:"] {
                assert!(!lower.contains(ping), "{ping} survives in {safe:?}");
            }
        }
    }

    #[test]
    fn neutralizing_twice_adds_nothing_more() {
        let once = neutralize("@everyone <@1> @room @a:b.c");
        assert_eq!(neutralize(&once), once);
    }
}
