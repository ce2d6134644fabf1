//! What [`crate::ops::metrics`] is told about commands and RSVPs: a command's name from the
//! command table (never what was typed) and an RSVP's new status (never whose).

use crate::domain::command;
use crate::domain::roster::Status;
use crate::ops::metrics::Metrics;
use crate::store::RsvpWrite;

use super::Incoming;

/// The command an event is, for counting: its name in the command table; `words` for a request
/// in the member's own words; `unknown` for a line naming no command; `reaction` for
/// reactions.
pub(super) fn command_name(incoming: &Incoming) -> &'static str {
    let line = match incoming {
        Incoming::Invoked { invocation, .. } => return invocation.spec.name,
        Incoming::Reaction { .. } | Incoming::ReactionsPresent { .. } => return "reaction",
        Incoming::Command { text, .. } => text.trim(),
        Incoming::Message { text, .. } => {
            let text = text.trim();
            if !(text.starts_with('/') || command::reads_as_command(text)) {
                return "words";
            }
            text
        }
    };
    if command::is_words(line) {
        return "words";
    }
    command::resolve(line).map_or("unknown", |spec| spec.name)
}

/// Counts RSVP writes by the status each member moved to (`withdrawn` when taken back).
pub(super) fn rsvps<'a>(metrics: &Metrics, writes: impl IntoIterator<Item = &'a RsvpWrite>) {
    for (_, status, _, _) in writes {
        metrics.rsvp(match status {
            Some(Status::Going) => "going",
            Some(Status::Waitlisted) => "waitlisted",
            Some(Status::Maybe) => "maybe",
            Some(Status::CantGo) => "cant_go",
            None => "withdrawn",
        });
    }
}
