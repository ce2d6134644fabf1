//! Tokens taken out of text before it is logged or stored: the token in Discord interaction
//! and webhook routes (`/interactions/{id}/{token}/callback`, `/webhooks/{app}/{token}/…`),
//! `access_token=` and the like in URLs and JSON, `Authorization` values, strings shaped like a
//! Discord bot token or a Synapse access token, and every secret the process was given
//! ([`hide`]). Errors from HTTP clients carry the URL they failed on, so an error is logged as
//! `error = %Redacted(&e)`; and the log writer passes every line through [`redact`] as well.

use std::borrow::Cow;
use std::fmt;
use std::sync::{LazyLock, RwLock};

use regex::Regex;

/// What stands where a token was.
pub const REDACTED: &str = "[redacted]";

/// Secrets shorter than this are not looked for verbatim (they would match ordinary words);
/// the shapes below still catch the real ones.
const SHORTEST_SECRET: usize = 8;

struct Patterns {
    /// `/interactions/{id}/{token}` and `/webhooks/{id}/{token}`: the part after the id.
    routes: Regex,
    /// `access_token=…`, `"token": "…"`, `password=…`: the value.
    named: Regex,
    /// `Bot …` and `Bearer …` as in an `Authorization` header.
    authorization: Regex,
    /// A Discord bot token (three dot-separated base64url parts) or a Synapse token.
    shaped: Regex,
}

static PATTERNS: LazyLock<Patterns> = LazyLock::new(|| {
    let build = |re: &str| Regex::new(re).expect("the redaction patterns are valid");
    Patterns {
        routes: build(r"(?i)(/(?:interactions|webhooks)/[0-9]+/)[^/?#\s&'\x22<>)\]]+"),
        named: build(
            r"(?i)\b((?:access_token|refresh_token|token|password|passphrase)[\x22']?\s*[=:]\s*(?:Some\()?[\x22']?)[^&\s'\x22,;)}\]]+",
        ),
        authorization: build(r"(?i)\b(Bot|Bearer)(\s+|%20)[A-Za-z0-9._~+/=-]{16,}"),
        shaped: build(
            r"[A-Za-z0-9_-]{23,28}\.[A-Za-z0-9_-]{6,7}\.[A-Za-z0-9_-]{27,}|\b(?:syt|syr|mct|mat)_[A-Za-z0-9_]{10,}",
        ),
    }
});

/// Secrets the process knows (tokens, passwords, keys), redacted wherever they appear.
static SECRETS: RwLock<Vec<String>> = RwLock::new(Vec::new());

/// Adds a secret to those [`redact`] removes verbatim (the bot token at start, a Matrix access
/// token after login). Short strings are ignored.
pub fn hide(secret: &str) {
    let secret = secret.trim();
    if secret.chars().count() < SHORTEST_SECRET {
        return;
    }
    let mut secrets = SECRETS.write().unwrap_or_else(|e| e.into_inner());
    if !secrets.iter().any(|s| s == secret) {
        secrets.push(secret.to_owned());
        // Longest first, so a secret containing another is removed whole.
        secrets.sort_by_key(|s| std::cmp::Reverse(s.len()));
    }
}

/// `text` with every token it carries replaced by `[redacted]`.
pub fn redact(text: &str) -> Cow<'_, str> {
    let p = &*PATTERNS;
    let mut out = Cow::Borrowed(text);
    {
        let secrets = SECRETS.read().unwrap_or_else(|e| e.into_inner());
        for secret in secrets.iter() {
            if out.contains(secret.as_str()) {
                out = Cow::Owned(out.replace(secret.as_str(), REDACTED));
            }
        }
    }
    for (re, with) in [
        (&p.routes, format!("${{1}}{REDACTED}")),
        (&p.named, format!("${{1}}{REDACTED}")),
        (&p.authorization, format!("${{1}}${{2}}{REDACTED}")),
        (&p.shaped, REDACTED.to_owned()),
    ] {
        if let Cow::Owned(changed) = re.replace_all(&out, with.as_str()) {
            out = Cow::Owned(changed);
        }
    }
    out
}

/// Displays a value (an error, a URL) with its tokens redacted: `error = %Redacted(&e)`. The
/// alternate form (`{:#}`, an anyhow error's chain) is kept.
pub struct Redacted<T>(pub T);

impl<T: fmt::Display> fmt::Display for Redacted<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = if f.alternate() {
            format!("{:#}", self.0)
        } else {
            self.0.to_string()
        };
        f.write_str(&redact(&text))
    }
}

impl<T: fmt::Display> fmt::Debug for Redacted<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interaction_and_webhook_tokens_are_removed_from_urls() {
        let cases = [
            (
                "https://discord.com/api/v10/interactions/1234567890/aW50ZXJhY3Rpb246MTIz.abc-_/callback",
                "https://discord.com/api/v10/interactions/1234567890/[redacted]/callback",
            ),
            (
                "error sending request for url (http://127.0.0.1:40001/api/v10/webhooks/900000000000000001/token-42/messages/@original)",
                "error sending request for url (http://127.0.0.1:40001/api/v10/webhooks/900000000000000001/[redacted]/messages/@original)",
            ),
            (
                "POST /api/v10/webhooks/9/tok?wait=true",
                "POST /api/v10/webhooks/9/[redacted]?wait=true",
            ),
            (
                "url: \"https://x/Interactions/5/tok\"",
                "url: \"https://x/Interactions/5/[redacted]\"",
            ),
        ];
        for (text, want) in cases {
            assert_eq!(redact(text), want);
        }
        // Routes with no token keep their ids.
        let plain = "GET /api/v10/webhooks/900000000000000001 and /channels/5/messages";
        assert_eq!(redact(plain), plain);
    }

    #[test]
    fn named_tokens_in_query_strings_json_and_debug_output_are_removed() {
        let cases = [
            (
                "https://matrix.example/_matrix/client/v3/sync?since=s1&access_token=syt_Ym90_abcdEFGH_123&timeout=0",
                "https://matrix.example/_matrix/client/v3/sync?since=s1&access_token=[redacted]&timeout=0",
            ),
            (
                r#"{"token":"token-77","type":2}"#,
                r#"{"token":"[redacted]","type":2}"#,
            ),
            (
                r#"Login { password: Some("hunter22-long"), user: "bot" }"#,
                r#"Login { password: Some("[redacted]"), user: "bot" }"#,
            ),
            ("ACCESS_TOKEN=abc", "ACCESS_TOKEN=[redacted]"),
        ];
        for (text, want) in cases {
            assert_eq!(redact(text), want, "{text}");
        }
        // Words that only contain "token" are left alone.
        let plain = "tokens=5 tokenizer: ok interaction_token_count=3";
        assert_eq!(redact(plain), plain);
    }

    #[test]
    fn authorization_values_and_token_shapes_are_removed() {
        let discord = "MTA4NzQ1NjE3ODk0NTYxNzg5.GhIjKl.abcdefghijklmnopqrstuvwxyz0123";
        let said = redact(&format!("authorization: Bot {discord}")).into_owned();
        assert_eq!(said, "authorization: Bot [redacted]");
        assert_eq!(redact(discord), REDACTED);
        let said = redact("Authorization: Bearer syt_bGFiY2lyY2xl_AbCdEfGhIjKlMnOp_0a1b2c");
        assert_eq!(said, "Authorization: Bearer [redacted]");
        assert_eq!(redact("token syt_bGFiY2lyY2xl_AbCdEf"), "token [redacted]");
        // Ordinary words after Bot or Bearer stay.
        let plain = "Bot started; Bearer of good news";
        assert_eq!(redact(plain), plain);
    }

    #[test]
    fn a_hidden_secret_is_removed_wherever_it_appears_and_short_ones_are_ignored() {
        hide("plain-secret-for-redact-test");
        hide("short");
        assert_eq!(
            redact("sent with plain-secret-for-redact-test inside"),
            "sent with [redacted] inside"
        );
        assert_eq!(redact("a short word"), "a short word");
    }

    #[test]
    fn an_error_is_displayed_redacted_in_both_forms() {
        let e = anyhow::anyhow!("HTTP 404 for /interactions/1/secret-tok/callback")
            .context("could not answer");
        assert_eq!(format!("{}", Redacted(&e)), "could not answer");
        assert_eq!(
            format!("{:#}", Redacted(&e)),
            "could not answer: HTTP 404 for /interactions/1/[redacted]/callback"
        );
        assert_eq!(format!("{:?}", Redacted(&e)), "could not answer");
    }
}
