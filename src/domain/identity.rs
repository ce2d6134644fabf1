//! Who is talking to the bot, where, and with which rights.
//!
//! Identities are `(platform, id)` pairs: the same person on Discord and on Matrix is two
//! members as far as the bot knows. A community is a Discord guild, a Matrix room or space, or
//! the console.

use std::fmt;
use std::str::FromStr;

/// The chat platform an identity or community lives on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Platform {
    Console,
    Discord,
    Matrix,
}

impl Platform {
    /// The stored name of the platform.
    pub fn code(self) -> &'static str {
        match self {
            Platform::Console => "console",
            Platform::Discord => "discord",
            Platform::Matrix => "matrix",
        }
    }

    /// Reads a stored platform name back.
    pub fn from_code(code: &str) -> Option<Self> {
        [Platform::Console, Platform::Discord, Platform::Matrix]
            .into_iter()
            .find(|p| p.code() == code)
    }
}

/// A member's identity on one platform.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct UserId {
    pub platform: Platform,
    /// The platform's own id (a Discord snowflake, a Matrix user id, a console name).
    pub id: String,
}

impl UserId {
    pub fn new(platform: Platform, id: impl Into<String>) -> Self {
        Self {
            platform,
            id: id.into(),
        }
    }
}

impl fmt::Display for UserId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.platform.code(), self.id)
    }
}

/// A person as the bot addresses them: identity plus the name to show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Member {
    pub user: UserId,
    pub display_name: String,
}

/// A community the bot serves (a Discord guild, a Matrix room, the console).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CommunityId {
    pub platform: Platform,
    pub id: String,
}

/// What a member may do in a community. Adapters map platform permissions onto these
/// (Discord permissions or roles, Matrix power levels); the domain only ever sees a `Role`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Role {
    Member,
    Organizer,
    Admin,
}

impl Role {
    pub fn code(self) -> &'static str {
        match self {
            Role::Member => "member",
            Role::Organizer => "organizer",
            Role::Admin => "admin",
        }
    }

    /// Whether this role includes everything `needed` may do.
    pub fn allows(self, needed: Role) -> bool {
        self >= needed
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl FromStr for Role {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "member" => Ok(Role::Member),
            "organizer" | "organiser" => Ok(Role::Organizer),
            "admin" => Ok(Role::Admin),
            other => Err(format!(
                "\"{other}\" is not a role. Accepted: member, organizer, admin."
            )),
        }
    }
}

/// The member acting on a command, in the community where they act.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub member: Member,
    pub role: Role,
    pub community: CommunityId,
}
