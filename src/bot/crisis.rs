//! Crisis lines first: when a member's private words speak of suicide or self-harm, the answer
//! to them leads with people they can call or text now, whatever else the command did.
//!
//! The words are read in memory by the caller ([`crate::domain::safety::mentions_self_harm`]);
//! nothing here logs them or sends them anywhere but back to the member.

use tracing::error;

use super::{Failure, Handled};
use crate::domain::command::CommandSpec;
use crate::domain::member_text;
use crate::domain::reply::{Outgoing, Reply};
use crate::domain::safety;

/// `handled`, led by the crisis wording: the first reply to the member gets it on top. A
/// refusal ("nothing was recorded") or a failure on our side does not hide it: the crisis
/// wording comes first and what went wrong after it.
pub(super) fn crisis_first(handled: Handled) -> Vec<Outgoing> {
    let then = match handled {
        Ok(out) => return lead(out),
        Err(Failure::User(e) | Failure::Private(e)) => {
            Some(Reply::problem(member_text::clean_reply(&e.0)))
        }
        Err(Failure::Internal(e)) => {
            error!(error = ?e, "a command with crisis words failed; the lines were still shown");
            Some(Reply::problem(
                "Something went wrong on my side, so nothing was recorded. Please try again in \
                 a moment.",
            ))
        }
        Err(Failure::Quiet) => None,
    };
    let reply = then.map_or_else(safety::crisis_first_reply, safety::crisis_first);
    vec![Outgoing::Reply(reply)]
}

/// The crisis wording on top of the first reply, or as a reply of its own before the rest.
fn lead(out: Vec<Outgoing>) -> Vec<Outgoing> {
    let mut led = false;
    let mut out: Vec<Outgoing> = out
        .into_iter()
        .map(|o| match o {
            Outgoing::Reply(reply) if !led => {
                led = true;
                Outgoing::Reply(safety::crisis_first(reply))
            }
            other => other,
        })
        .collect();
    if !led {
        out.insert(0, Outgoing::Reply(safety::crisis_first_reply()));
    }
    out
}

/// Whether `words` of a `/checkin answer` (its line, or its mood and note) speak of suicide or
/// self-harm, in the note or where the mood goes ("/checkin answer I want to die"): checked
/// before its values are read, so a refusal of them still comes after the crisis lines.
pub(super) fn in_checkin_answer(spec: &CommandSpec, words: &str) -> bool {
    spec.name == "checkin answer" && safety::mentions_self_harm(words)
}
