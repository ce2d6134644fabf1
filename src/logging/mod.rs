//! Logging that never leaks: to standard error, at the operator's level for the bot's own code,
//! with the HTTP, gateway, chat-SDK and database libraries held at their caps whatever the
//! filter says ([`filter`]), and every line passed through [`redact`] on its way out (the
//! secrets the process was given and anything shaped like a token).
//!
//! The bot's own code never logs DM text, notes or wellbeing answers (see STYLE.md); what these
//! two layers stop is what the libraries under it would print at debug and trace, and the URLs
//! inside their errors.

mod filter;
mod redact;

use std::io::{self, Write};

pub use filter::capped;
pub use redact::{REDACTED, Redacted, hide, redact};

use crate::config::{Config, exposed};

/// Starts logging to standard error with the configured filter, capped, through the redacting
/// writer, after hiding every secret in `config`.
pub fn init(config: &Config) {
    let mut secrets = vec![exposed(&config.checkins.note_key)];
    if let Some(d) = &config.discord {
        secrets.push(exposed(&d.token));
    }
    if let Some(m) = &config.matrix {
        secrets.extend([
            exposed(&m.password),
            exposed(&m.access_token),
            exposed(&m.store_passphrase),
        ]);
    }
    for secret in secrets.into_iter().flatten() {
        hide(secret);
    }
    let applied = capped(&config.log.level);
    let filter = tracing_subscriber::EnvFilter::try_new(&applied)
        .expect("the log level was validated with the config, and capping keeps it valid");
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(|| RedactingStderr(Vec::new()))
        .init();
}

/// One log line's writer: collects what the formatter writes for one event, and writes it
/// redacted, in one piece, when the formatter is done with it (the formatter takes a writer
/// per event and drops it after the event).
struct RedactingStderr(Vec<u8>);

impl Write for RedactingStderr {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        if self.0.is_empty() {
            return Ok(());
        }
        let text = String::from_utf8_lossy(&self.0);
        let result = io::stderr().lock().write_all(redact(&text).as_bytes());
        self.0.clear();
        result
    }
}

impl Drop for RedactingStderr {
    fn drop(&mut self) {
        // Nowhere to report a failed write to standard error.
        let _ = self.flush();
    }
}
