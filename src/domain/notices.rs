//! Private notices to members about something that happened (not the answer to a command they
//! just typed): a place opened up, the waitlist, a reaction that did not count, a decision on
//! their suggestion.
//!
//! A notice is sent through the outbox, never straight from the event: the outbox retries a
//! failed send with backoff and sends each notice once, across retries and restarts. The outbox
//! keeps only what a notice is about ([`Notice`]: its kind and ids), never its text; the text is
//! rendered here, from the meetup or suggestion as it stands when the notice is sent.

use chrono::{DateTime, Utc};

use super::meetup::{self, Meetup};
use super::mentions::neutralize;
use super::reply::{Reply, Visibility};
use super::reports::{ReportOutcome, ReportReason};

/// What a private notice to a member is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Notice {
    /// A place opened up at a meetup and the member has it.
    Promoted { meetup: i64 },
    /// The meetup is full; the member is on its waitlist.
    Waitlisted { meetup: i64 },
    /// The member's RSVP reaction on a meetup's announcement was not counted.
    ReactionRefused { meetup: i64, why: Refusal },
    /// A moderator approved or turned down the member's suggestion.
    SuggestionDecided { suggestion: i64 },
    /// A moderator resolved the member's report on a directory entry.
    ReportResolved { report: i64 },
    /// A conference or event was added that the member asked to hear about.
    NewEvent { event: i64 },
    /// Pairing: an introduction to the others in the group.
    PairIntro { group: i64 },
    /// Pairing: everyone accepted; how to reach the others.
    PairMatched { group: i64 },
    /// Pairing: someone skipped (never said who).
    PairSkipped { group: i64 },
    /// Pairing: nobody to meet this round (`why`: [`super::pairing::left_out_code`]).
    PairLeftOut { why: &'static str },
    /// Pairing: a week on, did you meet?
    PairFollowUp { group: i64 },
    /// Pairing: to a moderator, a member reported the group.
    PairReported { group: i64 },
    /// Pairing (Matrix): the room for a group everyone accepted could not be opened, even
    /// after retrying; how to reach the others directly.
    PairNoRoom { group: i64 },
}

/// Why an RSVP reaction was not counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// The announcement was withdrawn from the community it was reacted on.
    Withdrawn,
    Cancelled,
    Started,
}

impl Refusal {
    /// The stored word for it.
    pub fn code(self) -> &'static str {
        match self {
            Refusal::Withdrawn => "withdrawn",
            Refusal::Cancelled => "cancelled",
            Refusal::Started => "started",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Some(match code {
            "withdrawn" => Refusal::Withdrawn,
            "cancelled" => Refusal::Cancelled,
            "started" => Refusal::Started,
            _ => return None,
        })
    }
}

/// Told privately to a member promoted from the waitlist.
pub fn promoted(m: &Meetup, now: DateTime<Utc>) -> Reply {
    Reply::private(meetup::promoted_text(m, now))
}

/// Told privately to a member put on the waitlist.
pub fn waitlisted(m: &Meetup) -> Reply {
    Reply::private(meetup::waitlisted_text(m))
}

/// Told privately to a member whose RSVP reaction was not counted.
pub fn reaction_refused(m: &Meetup, why: Refusal) -> Reply {
    let text = match why {
        Refusal::Withdrawn => format!(
            "Meetup #{id}'s announcement was withdrawn from this community, so your reaction was \
             not counted. /meetup show {id} has its details.",
            id = m.id
        ),
        Refusal::Cancelled | Refusal::Started => format!(
            "Meetup #{} \"{}\" {}; your reaction was not counted.",
            m.id,
            neutralize(&m.title),
            if why == Refusal::Cancelled {
                "is cancelled"
            } else {
                "has already started"
            }
        ),
    };
    let mut reply = Reply::problem(text);
    reply.visibility = Visibility::Private;
    reply
}

/// Told privately to a member whose suggestion was approved: `name` is in the directory as
/// `key`.
pub fn suggestion_approved(name: &str, key: &str) -> Reply {
    Reply::private(format!(
        "Good news: your suggestion \"{name}\" was approved and is now in the directory."
    ))
    .footer(format!("See it: /group show {key}"))
}

/// Told privately to a member whose suggestion was turned down, with the reviewer's reason.
pub fn suggestion_rejected(name: &str, reason: &str) -> Reply {
    Reply::private(format!(
        "Your suggestion \"{name}\" was not added to the directory."
    ))
    .text(format!("The reviewer's reason: {reason}"))
    .footer("Thank you for suggesting it; /suggestgroup is always open.")
}

/// Told privately to a member whose report on the entry `name` (`key`) was resolved, with the
/// moderator's note if any.
pub fn report_resolved(
    name: &str,
    key: &str,
    reason: ReportReason,
    outcome: ReportOutcome,
    note: Option<&str>,
) -> Reply {
    let name = neutralize(name);
    let mut reply = Reply::private(match outcome {
        ReportOutcome::Fixed => format!(
            "Thank you: your report on \"{name}\" ({reason}) was looked at and the entry was \
             corrected."
        ),
        ReportOutcome::Dismissed => format!(
            "Your report on \"{name}\" ({reason}) was looked at; the moderators left the entry \
             as it is."
        ),
    });
    if let Some(note) = note {
        reply = reply.text(format!("The moderator's note: {}", neutralize(note)));
    }
    reply.footer(format!("See it: /group show {key}"))
}

/// Told privately to a member subscribed to new events.
pub fn new_event(e: &super::events::Event, today: chrono::NaiveDate) -> Reply {
    Reply::private(format!(
        "A new event was added to /events: {} — {}. {} /events ics {} gives a calendar file \
         when its dates are confirmed; /events unsubscribe stops these notices.",
        neutralize(&e.name),
        super::events::when_text(e, today),
        e.url,
        e.key
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refusals_round_trip_through_their_stored_word() {
        for why in [Refusal::Withdrawn, Refusal::Cancelled, Refusal::Started] {
            assert_eq!(Refusal::from_code(why.code()), Some(why));
        }
        assert_eq!(Refusal::from_code("other"), None);
    }

    #[test]
    fn a_resolved_report_says_what_was_done_with_the_note_and_never_pings() {
        let plain = report_resolved(
            "Night @everyone owls",
            "night-owls",
            ReportReason::BrokenLink,
            ReportOutcome::Dismissed,
            Some("The link works for us."),
        )
        .to_plain_text();
        assert!(plain.contains("(broken link)"), "{plain}");
        assert!(plain.contains("left the entry as it is"), "{plain}");
        assert!(
            plain.contains("The moderator's note: The link works for us."),
            "{plain}"
        );
        assert!(plain.contains("/group show night-owls"), "{plain}");
        assert!(!plain.contains("@everyone"), "{plain}");
    }

    #[test]
    fn a_rejection_says_the_reason_and_where_to_suggest_again() {
        let plain = suggestion_rejected("Night owls", "a duplicate of #3").to_plain_text();
        assert!(plain.contains("\"Night owls\" was not added"), "{plain}");
        assert!(
            plain.contains("The reviewer's reason: a duplicate of #3"),
            "{plain}"
        );
        assert!(plain.contains("/suggestgroup"), "{plain}");
    }
}
