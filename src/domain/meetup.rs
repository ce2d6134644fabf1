//! Meetups as members see them: the announcement with live counts, details, reminders and
//! notices. Every piece of member text passes through [`neutralize`], so no title, place or
//! description can ping anyone, on any platform.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;

use super::identity::Member;
use super::meetup_time::describe_from;
use super::mentions::neutralize;
use super::reply::{Block, Reply, WHEN_FIELD};
use super::roster::{Counts, Rsvp, Status};

/// Counts for an announcement from the stored RSVPs.
pub fn counts_of(rsvps: &[(Member, Status)], capacity: Option<u32>) -> Counts {
    let n = |s: Status| rsvps.iter().filter(|(_, x)| *x == s).count();
    Counts {
        going: n(Status::Going),
        maybe: n(Status::Maybe),
        cant: n(Status::CantGo),
        waitlist: n(Status::Waitlisted),
        capacity,
    }
}

/// The reactions that answer a meetup, in the order the bot adds them.
pub const RSVP_EMOJI: [(&str, Rsvp); 3] = [
    ("✅", Rsvp::Going),
    ("🤔", Rsvp::Maybe),
    ("❌", Rsvp::CantGo),
];

/// The RSVP a reaction means, if any.
pub fn rsvp_of(emoji: &str) -> Option<Rsvp> {
    let emoji = emoji.trim_end_matches('\u{fe0f}');
    RSVP_EMOJI
        .iter()
        .find(|(e, _)| e.trim_end_matches('\u{fe0f}') == emoji)
        .map(|(_, r)| *r)
}

/// A link as shown in a channel: `@` percent-encoded (the same address) so that a path like
/// `/@room` cannot ping anyone.
pub fn safe_link(link: &str) -> String {
    link.replace('@', "%40")
}

/// A meetup.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Meetup {
    pub id: i64,
    /// The series it belongs to, for recurring meetups.
    pub series_id: Option<i64>,
    /// `platform:id` of the community where it was created.
    pub community: String,
    pub organizer: Member,
    pub title: String,
    pub starts_at: i64,
    pub ends_at: i64,
    pub timezone: String,
    pub location: String,
    pub state: Option<String>,
    pub capacity: Option<u32>,
    pub link: Option<String>,
    pub description: Option<String>,
    pub cancelled: bool,
    pub cancel_reason: Option<String>,
    /// Raised on every edit (the calendar file's SEQUENCE).
    pub sequence: i64,
}

impl Meetup {
    /// The meetup's time zone (stored names are validated when saved).
    pub fn zone(&self) -> Tz {
        self.timezone
            .parse()
            .unwrap_or(chrono_tz::America::New_York)
    }

    pub fn starts(&self) -> DateTime<Utc> {
        DateTime::from_timestamp(self.starts_at, 0).unwrap_or_default()
    }

    pub fn ends(&self) -> DateTime<Utc> {
        DateTime::from_timestamp(self.ends_at, 0).unwrap_or_default()
    }

    /// "Sat Dec 5, 18:30 ET" as members see it at `now`, with the year when it is not this
    /// year ("Fri Jan 8, 2027, 18:30 ET").
    pub fn when(&self, now: DateTime<Utc>) -> String {
        describe_from(self.starts(), self.zone(), now)
    }
}

fn counts_line(m: &Meetup, c: &Counts) -> String {
    let going = match m.capacity {
        Some(cap) => format!("{} / {cap} going", c.going),
        None => format!("{} going", c.going),
    };
    let mut line = format!("{going} · {} maybe", c.maybe);
    if c.waitlist > 0 {
        line.push_str(&format!(" · {} on the waitlist", c.waitlist));
    }
    line
}

/// The announcement in a community at `now`, with live counts.
pub fn announcement(m: &Meetup, c: &Counts, now: DateTime<Utc>) -> Reply {
    let mut title = format!("Meetup #{}: {}", m.id, neutralize(&m.title));
    if m.cancelled {
        title = format!("CANCELLED: {title}");
    }
    let mut fields = vec![
        (WHEN_FIELD.to_owned(), m.when(now)),
        ("Where".to_owned(), neutralize(&m.location)),
    ];
    if let Some(link) = &m.link {
        fields.push(("Link".into(), safe_link(link)));
    }
    fields.push(("Organizer".into(), neutralize(&m.organizer.display_name)));
    let mut reply = Reply::channel(title).starts_at(m.starts());
    if let Some(d) = &m.description {
        reply = reply.text(neutralize(d));
    }
    reply = reply.block(Block::Fields(fields)).text(counts_line(m, c));
    if m.cancelled {
        let why = m
            .cancel_reason
            .as_deref()
            .map(neutralize)
            .unwrap_or_default();
        reply.text(
            format!("This meetup is cancelled. {why}")
                .trim_end()
                .to_owned(),
        )
    } else {
        reply.footer(format!(
            "React ✅ going · 🤔 maybe · ❌ can't go  ·  /meetup show {}  ·  /meetup ics {}",
            m.id, m.id
        ))
    }
}

/// An announcement withdrawn from a community it was shared into (`/meetup unshare`): no
/// counts (it is no longer updated) and no call to react.
pub fn withdrawn(m: &Meetup) -> Reply {
    Reply::channel(format!(
        "Withdrawn here: Meetup #{}: {}",
        m.id,
        neutralize(&m.title)
    ))
    .text(
        "This community no longer announces this meetup: reactions here are not counted as new \
         RSVPs, and RSVPs made here before still stand.",
    )
    .footer(format!("/meetup show {} has its details", m.id))
}

/// `/meetup show`: details and counts; names only for the organizer.
pub fn details(
    m: &Meetup,
    c: &Counts,
    attendees: Option<&[(Member, &'static str)]>,
    now: DateTime<Utc>,
) -> Reply {
    let mut reply = announcement(m, c, now);
    reply.footer = None;
    if let Some(list) = attendees {
        let names: Vec<String> = list
            .iter()
            .map(|(member, status)| format!("{} ({status})", neutralize(&member.display_name)))
            .collect();
        reply = reply
            .text("Who answered (only you, the organizer, see this):")
            .block(Block::Bullets(if names.is_empty() {
                vec!["nobody yet".into()]
            } else {
                names
            }));
    }
    reply.footer(format!("Calendar file: /meetup ics {}", m.id))
}

/// Told privately to a member put on the waitlist.
pub fn waitlisted_text(m: &Meetup) -> String {
    format!(
        "Meetup #{} \"{}\" is full, so you're on the waitlist. You'll hear privately if a place \
         opens up.",
        m.id,
        neutralize(&m.title)
    )
}

/// Told privately to a member promoted from the waitlist.
pub fn promoted_text(m: &Meetup, now: DateTime<Utc>) -> String {
    format!(
        "A place opened up: you're going to meetup #{} \"{}\", {}.",
        m.id,
        neutralize(&m.title),
        m.when(now)
    )
}

/// A reminder before a meetup, privately; `going` (rather than maybe) picks the footer, so
/// each member reads what applies to them: going members are always reminded.
pub fn reminder(m: &Meetup, which: &str, going: bool, now: DateTime<Utc>) -> Reply {
    let when = if which == "1h" {
        "in an hour"
    } else {
        "tomorrow"
    };
    Reply::private(format!("Reminder: {} is {when}.", neutralize(&m.title)))
        .text(format!("{} · {}", m.when(now), neutralize(&m.location)))
        .footer(if going {
            format!(
                "/meetup show {} · You're going, so reminders come; plans changed? React ❌ on \
                 the announcement.",
                m.id
            )
        } else {
            format!(
                "/meetup show {} · You said maybe; /meetup reminders off stops reminders for \
                 meetups you said maybe to.",
                m.id
            )
        })
}

/// One line per upcoming meetup.
pub fn list(meetups: &[(Meetup, Counts)], state: Option<&str>, now: DateTime<Utc>) -> Reply {
    let title = match state {
        Some(s) => format!("Upcoming meetups in {s}"),
        None => "Upcoming meetups".to_owned(),
    };
    if meetups.is_empty() {
        return Reply::channel(title)
            .text("None yet. Organizers can create one with /meetup create.");
    }
    let items = meetups
        .iter()
        .map(|(m, c)| super::reply::Item {
            title: format!("#{} {}", m.id, neutralize(&m.title)),
            subtitle: m.when(now),
            lines: vec![neutralize(&m.location), counts_line(m, c)],
            link: m.link.as_deref().map(safe_link),
        })
        .collect();
    Reply::channel(title)
        .block(Block::Items {
            first_number: 1,
            items,
        })
        .footer("/meetup show ID for details")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::identity::{Platform, UserId};

    fn meetup() -> Meetup {
        Meetup {
            id: 3,
            series_id: None,
            community: "console:console".into(),
            organizer: Member {
                user: UserId::new(Platform::Console, "olga"),
                display_name: "olga".into(),
            },
            title: "@everyone free pizza <@&123>".into(),
            starts_at: 1_796_520_600,
            ends_at: 1_796_527_800,
            timezone: "America/New_York".into(),
            location: "Lab break room @here".into(),
            state: Some("OH".into()),
            capacity: Some(10),
            link: None,
            description: Some("Bring a friend @room".into()),
            cancelled: false,
            cancel_reason: None,
            sequence: 0,
        }
    }

    #[test]
    fn hostile_text_cannot_ping_anyone_in_an_announcement() {
        let c = Counts {
            going: 2,
            maybe: 1,
            cant: 0,
            waitlist: 0,
            capacity: Some(10),
        };
        let text = announcement(&meetup(), &c, meetup().starts()).to_plain_text();
        for ping in ["@everyone", "@here", "<@&123>", "@room"] {
            assert!(!text.contains(ping), "{ping} in {text}");
        }
        assert!(text.contains("2 / 10 going · 1 maybe"), "{text}");
    }

    #[test]
    fn reactions_map_to_rsvps() {
        assert_eq!(rsvp_of("✅"), Some(Rsvp::Going));
        assert_eq!(rsvp_of("🤔"), Some(Rsvp::Maybe));
        assert_eq!(rsvp_of("❌"), Some(Rsvp::CantGo));
        assert_eq!(rsvp_of("👍"), None);
    }
}
