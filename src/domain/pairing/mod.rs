//! Networking and mentorship pairing: who opted in and how they are described to a possible
//! partner ([`Profile`]), the matcher ([`matcher`]: who meets whom in a round) and what members
//! are told ([`intro`]).
//!
//! Consent comes first: an introduction describes the other person only by their profile
//! ("a night-shift MLS in Ohio who also likes hiking"); handles are shared only when everyone
//! in the group accepts.

pub mod intro;
pub mod matcher;
pub mod rounds;
pub use matcher::*;

use super::vocab::{Specialty, State, Vocab};

/// Most interests a member may list.
pub const MAX_INTERESTS: usize = 5;
/// Longest interest, in characters.
pub const MAX_INTEREST_CHARS: usize = 30;
/// Longest pause, in weeks.
pub const MAX_PAUSE_WEEKS: u32 = 12;
/// How long a pair counts as recent (not paired again), in days.
pub const RECENT_DAYS: i64 = 182;

/// What a member gave when opting in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Profile {
    pub role: Role,
    /// A specialty code of the directory's vocabulary.
    pub specialty: Option<String>,
    /// A two-letter state code.
    pub state: Option<String>,
    pub shift: Option<Shift>,
    pub interests: Vec<String>,
    /// Every 2 or 4 weeks.
    pub every_weeks: u8,
    /// Mentors: mentees a round (1-3).
    pub capacity: u8,
}

/// The stored and typed word of a role.
pub fn role_code(role: Role) -> &'static str {
    match role {
        Role::Peer => "peer",
        Role::Mentor => "mentor",
        Role::Mentee => "mentee",
    }
}

/// Reads a role, or says what is accepted.
pub fn parse_role(text: &str) -> Result<Role, String> {
    match text.trim().to_lowercase().as_str() {
        "peer" | "peers" => Ok(Role::Peer),
        "mentor" => Ok(Role::Mentor),
        "mentee" => Ok(Role::Mentee),
        _ => Err(format!(
            "\"{}\" is not a pairing role. Accepted: peer, mentor, mentee.",
            super::mentions::neutralize(text.trim())
        )),
    }
}

/// The stored and typed word of a shift.
pub fn shift_code(shift: Shift) -> &'static str {
    match shift {
        Shift::Day => "day",
        Shift::Evening => "evening",
        Shift::Night => "night",
        Shift::Rotating => "rotating",
    }
}

/// Reads a shift, or says what is accepted.
pub fn parse_shift(text: &str) -> Result<Shift, String> {
    match text.trim().to_lowercase().as_str() {
        "day" | "days" => Ok(Shift::Day),
        "evening" | "evenings" | "swing" => Ok(Shift::Evening),
        "night" | "nights" | "overnight" => Ok(Shift::Night),
        "rotating" | "rotate" | "rotation" => Ok(Shift::Rotating),
        _ => Err(format!(
            "\"{}\" is not a shift. Accepted: day, evening, night, rotating.",
            super::mentions::neutralize(text.trim())
        )),
    }
}

/// Reads how often (`2w` or `4w`), or says what is accepted.
pub fn parse_every(text: &str) -> Result<u8, String> {
    match text.trim().to_lowercase().as_str() {
        "2w" | "2" | "2 weeks" | "biweekly" => Ok(2),
        "4w" | "4" | "4 weeks" | "monthly" => Ok(4),
        _ => Err(format!(
            "\"{}\" is not how often pairing can run. Accepted: 2w (every two weeks) or 4w \
             (every four weeks).",
            super::mentions::neutralize(text.trim())
        )),
    }
}

/// Reads interests: up to [`MAX_INTERESTS`] words or short phrases separated by commas (or
/// spaces when no comma is given), letters, digits and hyphens only, lower-cased.
pub fn parse_interests(text: &str) -> Result<Vec<String>, String> {
    let parts: Vec<String> = if text.contains(',') {
        text.split(',').map(|s| s.trim().to_lowercase()).collect()
    } else {
        text.split_whitespace().map(str::to_lowercase).collect()
    };
    let parts: Vec<String> = parts.into_iter().filter(|s| !s.is_empty()).collect();
    if parts.len() > MAX_INTERESTS {
        return Err(format!(
            "Give at most {MAX_INTERESTS} interests, not {}, separated by commas (like \
             interests:hiking, baking, microbiology).",
            parts.len()
        ));
    }
    for p in &parts {
        let fine = p
            .chars()
            .all(|c| c.is_alphanumeric() || c == '-' || c == ' ');
        if !fine || p.chars().count() > MAX_INTEREST_CHARS {
            return Err(format!(
                "The interest \"{}\" can't be used: an interest is a word or short phrase of \
                 letters, digits and hyphens, at most {MAX_INTEREST_CHARS} characters.",
                super::mentions::neutralize(p)
            ));
        }
    }
    let mut unique = Vec::new();
    for p in parts {
        if !unique.contains(&p) {
            unique.push(p);
        }
    }
    Ok(unique)
}

/// The stored word for why a member was left out of a round.
pub fn left_out_code(why: &LeftOut) -> &'static str {
    match why {
        LeftOut::NoPartner => "no-partner",
        LeftOut::NoMentorInSpecialty => "no-mentor",
        LeftOut::OnlyRecentPartners => "only-recent",
    }
}

/// Reads [`left_out_code`]'s word back.
pub fn left_out_from_code(code: &str) -> Option<LeftOut> {
    [
        LeftOut::NoPartner,
        LeftOut::NoMentorInSpecialty,
        LeftOut::OnlyRecentPartners,
    ]
    .into_iter()
    .find(|w| left_out_code(w) == code)
}

/// A member's work, as a colleague would say it ("MLS", "phlebotomist").
fn work(specialty: Option<&str>) -> &'static str {
    match specialty.and_then(crate::domain::vocab::from_code::<Specialty>) {
        Some(Specialty::Mls) => "MLS",
        Some(Specialty::Mlt) => "MLT",
        Some(Specialty::Phlebotomy) => "phlebotomist",
        Some(Specialty::Cytotechnology) => "cytotechnologist",
        Some(Specialty::Histotechnology) => "histotech",
        Some(Specialty::Microbiology) => "microbiology tech",
        Some(Specialty::BloodBank) => "blood bank tech",
        Some(Specialty::Molecular) => "molecular tech",
        Some(Specialty::Chemistry) => "chemistry tech",
        Some(Specialty::Hematology) => "hematology tech",
        Some(Specialty::LabManagement) => "lab manager",
        Some(Specialty::PathologistsAssistant) => "pathologists' assistant",
        Some(Specialty::All) | None => "lab professional",
    }
}

/// How a member is described to a possible partner, by profile only, never by name:
/// "a night-shift MLS in Ohio who also likes hiking and baking".
pub fn describe(p: &Profile) -> String {
    let work = work(p.specialty.as_deref());
    let shift = p.shift.map(|s| format!("{}-shift ", shift_code(s)));
    let mut text = format!("{}{work}", shift.unwrap_or_default());
    let article = if text.starts_with(['a', 'e', 'i', 'o', 'u', 'M']) {
        "an"
    } else {
        "a"
    };
    text = format!("{article} {text}");
    if let Some(state) = p
        .state
        .as_deref()
        .and_then(crate::domain::vocab::from_code::<State>)
    {
        text.push_str(&format!(" in {}", state.label()));
    }
    match p.interests.as_slice() {
        [] => {}
        [one] => text.push_str(&format!(" who also likes {one}")),
        [first @ .., last] => {
            text.push_str(&format!(" who also likes {} and {last}", first.join(", ")))
        }
    }
    super::mentions::neutralize(&text)
}

/// What two profiles have in common, in words ("night shift, microbiology").
pub fn shared_words(shared: &[Shared]) -> Vec<String> {
    shared
        .iter()
        .map(|s| match s {
            Shared::Specialty(code) => crate::domain::vocab::from_code::<Specialty>(code)
                .map_or_else(|| code.clone(), |s| s.label().to_owned()),
            Shared::Shift(shift) => format!("{} shift", shift_code(*shift)),
            Shared::State(code) => crate::domain::vocab::from_code::<State>(code)
                .map_or_else(|| code.clone(), |s| s.label().to_owned()),
            Shared::Interest(i) => i.clone(),
        })
        .collect()
}

#[cfg(test)]
mod tests;
