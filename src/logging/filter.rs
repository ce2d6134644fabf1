//! The log filter as it is applied: the operator's `LABCIRCLE_LOG` (or `[log] level`), with
//! the HTTP, gateway, chat-SDK and database libraries held at their caps whatever it says.
//!
//! At debug and trace those libraries print request lines, headers and bodies, and gateway
//! frames: Discord interaction routes carry the interaction's token, request bodies carry DM
//! text and check-in notes, and the gateway's identify frame carries the bot token. At info
//! and above they print none of that. So every directive is parsed and, for a capped library,
//! its level becomes the lower of the two, whatever the spelling: `TRACE`, `Trace`,
//! `hyper=trace`, `hyper::proto=trace`, `h=trace` (a target is a prefix: it names `hyper` and
//! `h2` too), `trace,hyper=trace`, or a span directive such as `[request]=trace`, which would
//! otherwise enable every event inside that span regardless of its target.

/// A level, most quiet first (so `min` is the quieter of two).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Level {
    Off,
    Error,
    Warn,
    Info,
    Debug,
    Trace,
}

impl Level {
    /// As `tracing`'s `LevelFilter` parses it: a name in any case, or 0 to 5.
    fn parse(text: &str) -> Option<Level> {
        Some(match text.trim().to_ascii_lowercase().as_str() {
            "off" | "0" => Level::Off,
            "error" | "1" => Level::Error,
            "warn" | "2" => Level::Warn,
            "info" | "3" => Level::Info,
            "debug" | "4" => Level::Debug,
            "trace" | "5" => Level::Trace,
            _ => return None,
        })
    }

    fn name(self) -> &'static str {
        match self {
            Level::Off => "off",
            Level::Error => "error",
            Level::Warn => "warn",
            Level::Info => "info",
            Level::Debug => "debug",
            Level::Trace => "trace",
        }
    }
}

/// The libraries that never log beneath their cap, by target prefix. None of them prints a
/// URL, header, body or frame at its cap or above (the errors they log at warn are redacted on
/// their way out, see [`super::redact`]).
const CAPS: &[(&str, Level)] = &[
    // Discord: the gateway (identify frames hold the bot token; events hold DM text and
    // interaction tokens) and its HTTP client (interaction routes hold tokens). Serenity at
    // warn, not info: its `#[instrument]` spans are at info and record whole requests (the
    // route with the interaction token, the body) and gateway events (a DM's text) as fields,
    // and every event logged inside such a span prints them.
    ("serenity", Level::Warn),
    ("poise", Level::Info),
    ("tungstenite", Level::Info),
    ("tokio_tungstenite", Level::Info),
    // HTTP and TLS under serenity, reqwest and matrix-sdk (`hyper` covers hyper_util and
    // hyper_rustls; `tower` covers tower_http).
    ("reqwest", Level::Info),
    ("hyper", Level::Info),
    ("h2", Level::Info),
    ("rustls", Level::Info),
    ("tokio_rustls", Level::Info),
    ("tower", Level::Info),
    // Matrix: `matrix_sdk` covers matrix_sdk_base, _crypto, _sqlite and the rest; sync
    // responses and decrypted events are logged at debug and trace.
    ("matrix_sdk", Level::Info),
    ("ruma", Level::Info),
    ("vodozemac", Level::Info),
    ("eyeball", Level::Info),
    // sqlx logs each statement at debug (`sqlx` covers sqlx_sqlite).
    ("sqlx", Level::Info),
];

/// Quieter still unless the operator names a `matrix_sdk` target: matrix-sdk logs every
/// refused request (such as "account data not found" at each start, which is expected) as an
/// error, and warns about key backups the bot does not use; the adapter logs the failures that
/// matter itself.
const MATRIX_QUIET: &[(&str, Level)] = &[
    ("matrix_sdk::http_client", Level::Off),
    ("matrix_sdk_crypto::backups", Level::Error),
];

/// One directive: `target[span{field=value}]=level`, where every part may be missing.
#[derive(Debug)]
struct Directive {
    /// What comes before `=level`, as written (`hyper::proto`, `[request]`, empty).
    selector: String,
    /// The target part of the selector (before any `[`), empty for all targets.
    target: String,
    /// Whether the selector has a span or field part: such a directive enables events inside
    /// matching spans whatever their target, so more specific static directives do not stop it.
    dynamic: bool,
    level: Level,
}

impl Directive {
    fn parse(text: &str) -> Directive {
        let text = text.trim();
        let (selector, level) = match text.rsplit_once('=') {
            Some((selector, level)) if Level::parse(level).is_some() => {
                (selector.trim(), Level::parse(level))
            }
            _ => match Level::parse(text) {
                Some(level) => ("", Some(level)),
                // A bare target means everything from it (tracing's own reading).
                None => (text, Some(Level::Trace)),
            },
        };
        let target = selector.split('[').next().unwrap_or("").trim();
        Directive {
            selector: selector.to_owned(),
            target: target.to_owned(),
            dynamic: selector.contains('['),
            level: level.unwrap_or(Level::Trace),
        }
    }

    fn render(&self) -> String {
        if self.selector.is_empty() {
            self.level.name().to_owned()
        } else {
            format!("{}={}", self.selector, self.level.name())
        }
    }
}

/// Whether `target` (as a directive names it) falls under the library prefix `library`.
/// Targets are compared without case: over-capping a mistyped target costs nothing.
fn within(target: &str, library: &str) -> bool {
    target
        .to_ascii_lowercase()
        .starts_with(&library.to_ascii_lowercase())
}

/// The filter to hand to `EnvFilter`: `filter` with every capped library held at its cap.
pub fn capped(filter: &str) -> String {
    let mut directives: Vec<Directive> = filter
        .split(',')
        .filter(|d| !d.trim().is_empty())
        .map(Directive::parse)
        .collect();
    let names_matrix = directives.iter().any(|d| within(&d.target, "matrix_sdk"));

    // A directive inside a capped library is clamped to the cap. A span directive that could
    // reach a capped library (no target, or a prefix of one) is clamped too: it would enable
    // that library's events inside the span whatever the static directives say.
    for d in &mut directives {
        for &(library, cap) in CAPS {
            let reaches = within(&d.target, library) || (d.dynamic && within(library, &d.target));
            if reaches {
                d.level = d.level.min(cap);
            }
        }
    }

    // A broader static directive (`trace`, `h=trace`) would give a capped library its level:
    // a directive for the library itself, more specific, holds it at the cap. It is needed
    // only where the level the library would get is above the cap.
    let quiet = if names_matrix { &[][..] } else { MATRIX_QUIET };
    let mut extra = Vec::new();
    for &(library, cap) in CAPS.iter().chain(quiet) {
        let inherited = directives
            .iter()
            // As EnvFilter matches: a case-sensitive prefix (`Hyper=info` does not hold hyper).
            .filter(|d| !d.dynamic && library.starts_with(d.target.as_str()))
            .max_by_key(|d| d.target.len())
            .map(|d| d.level);
        if inherited.is_some_and(|level| level > cap) {
            extra.push(format!("{library}={}", cap.name()));
        }
    }

    directives
        .iter()
        .map(Directive::render)
        .chain(extra)
        .collect::<Vec<_>>()
        .join(",")
}

#[cfg(test)]
mod tests;
