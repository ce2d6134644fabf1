//! What pairing tells members privately: the introduction (by profile only) with Accept and
//! Skip, the handles once everyone accepted, a kind word after a skip or when nobody could be
//! matched, and the follow-up a week later. Sent through the outbox, rendered when sent.

use super::{LeftOut, Profile, Role, Shared, describe, shared_words};
use crate::domain::identity::Member;
use crate::domain::reply::{Block, Choice, Reply};

/// The introduction to one member of a group: the others as profiles, never names.
/// `you` is the recipient's role in the group.
pub fn introduction(you: Role, others: &[Profile], shared: &[Shared]) -> Reply {
    let described: Vec<String> = others.iter().map(describe).collect();
    let who = match (you, described.as_slice()) {
        (Role::Mentor, [one]) => format!("a possible mentee: {one}"),
        (Role::Mentee, [one]) => format!("a possible mentor: {one}"),
        (_, [one]) => one.clone(),
        (_, many) => format!("two colleagues: {}", many.join("; and ")),
    };
    let mut reply = Reply::private(format!("This round's pairing: meet {who}."));
    let words = shared_words(shared);
    if !words.is_empty() {
        reply = reply.text(format!("You have in common: {}.", words.join(", ")));
    }
    reply
        .text(
            "Nobody's name or handle is shared unless everyone accepts. Answer /pair accept \
             (or react 👍) to meet, or /pair skip (or 👎) to pass this time (nobody is told who \
             skipped).",
        )
        .choice(Choice::Command {
            line: "/pair accept".into(),
            label: "Accept".into(),
        })
        .choice(Choice::Command {
            line: "/pair skip".into(),
            label: "Skip".into(),
        })
}

/// What a reaction on an introduction answers: `Some(true)` accept (👍), `Some(false)` skip
/// (👎), `None` not an answer.
pub fn reaction_answer(emoji: &str) -> Option<bool> {
    match emoji.trim_end_matches('\u{fe0f}') {
        "👍" => Some(true),
        "👎" => Some(false),
        _ => None,
    }
}

/// Told to each member once everyone accepted: how to reach the others.
pub fn matched(others: &[Member]) -> Reply {
    Reply::private("Everyone accepted. You can reach:")
        .block(Block::Contacts(others.to_vec()))
        .text("Say hello and find a time that suits you.")
        .footer(
            "If something feels wrong, /pair report tells the moderators and ends the pairing. \
             In a week I'll ask how it went.",
        )
}

/// Posted once in the encrypted room the bot opens for a group whose members all accepted
/// (Matrix): who is in it, and what it is for.
pub fn meeting_room(members: &[Member]) -> Reply {
    Reply::private("Everyone accepted. This encrypted room is for you:")
        .block(Block::Contacts(members.to_vec()))
        .text("Say hello and find a time that suits you. Only you and labcircle are in it.")
        .footer(
            "If something feels wrong, /pair report (in your private chat with me) tells the \
             moderators and ends the pairing. In a week I'll ask how it went.",
        )
}

/// The name of the room the bot opens for a group whose members all accepted (Matrix): the
/// same for a group every time, so a room opened just before a crash is found again.
pub fn meeting_room_name(group: i64) -> String {
    format!("labcircle introduction {group}")
}

/// Told privately to each member of a group once the bot opened its room (Matrix): who is
/// in it, and where to find it.
pub fn room_opened(group: i64, others: &[Member]) -> Reply {
    Reply::private("Everyone accepted, so I opened an encrypted room for you with:")
        .block(Block::Contacts(others.to_vec()))
        .text(format!(
            "It is called \"{}\": accept its invitation to say hello there. Only you, them and \
             labcircle are in it.",
            meeting_room_name(group)
        ))
        .footer(
            "If something feels wrong, /pair report tells the moderators and ends the pairing. \
             In a week I'll ask how it went.",
        )
}

/// Told privately to each member of a group when the room for them could not be opened, even
/// after retrying (Matrix): everyone accepted, so each may write to the others directly.
pub fn no_room(others: &[Member]) -> Reply {
    Reply::private(
        "Everyone accepted, but I could not open a room for you, even after several tries. \
         You can write to each other directly:",
    )
    .block(Block::Contacts(others.to_vec()))
    .text(
        "Start a direct chat with them from your Matrix app and find a time that suits you. \
         (You both agreed to share your handles.)",
    )
    .footer(
        "If something feels wrong, /pair report tells the moderators and ends the pairing. \
         In a week I'll ask how it went.",
    )
}

/// Told to the others when a member skipped; never says who skipped first.
pub fn skipped() -> Reply {
    Reply::private(
        "This round's introduction won't go ahead this time; that's all right, and nobody is \
         told who answered what. You stay in pairing, and I'll try again next round.",
    )
}

/// Told to a member nobody could be matched with this round.
pub fn left_out(why: &LeftOut) -> Reply {
    let reason = match why {
        LeftOut::NoMentorInSpecialty => {
            "there was no mentor in your specialty with room this round"
        }
        LeftOut::OnlyRecentPartners => "everyone available was someone you met recently",
        LeftOut::NoPartner => "there was nobody left to pair you with",
    };
    Reply::private(format!(
        "No introduction for you this round: {reason}. Sorry about that; you'll be among the \
         first placed next round."
    ))
}

/// A week after everyone accepted: did you meet?
pub fn follow_up() -> Reply {
    Reply::private("A week ago you were introduced through pairing. Did you meet?")
        .text("Answer /pair met yes, /pair met no or /pair met notyet. Only counts are kept for the organisers.")
        .choice(Choice::Command {
            line: "/pair met yes".into(),
            label: "Yes".into(),
        })
        .choice(Choice::Command {
            line: "/pair met no".into(),
            label: "No".into(),
        })
        .choice(Choice::Command {
            line: "/pair met notyet".into(),
            label: "Not yet".into(),
        })
}

/// Told to the moderators when a member reports a pairing.
pub fn report_to_moderators(group: i64, community: &str, reason: &str) -> Reply {
    Reply::private(format!(
        "A member reported pairing #{group} (in {community}) and it has ended."
    ))
    .text(format!(
        "Their reason: {}",
        crate::domain::mentions::neutralize(reason)
    ))
}
