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

/// What a member may do in a community, and what a command needs. Adapters map platform
/// permissions onto the community roles (Discord permissions or roles, Matrix power levels);
/// the domain only ever sees a `Role`.
///
/// `Moderator` is not a community role: it is what the shared directory's commands need, and
/// no community role includes it. Who moderates is named in the configuration
/// ([`Moderators`]); an actor's role is always one of the three community roles.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Role {
    Member,
    Organizer,
    Admin,
    /// The shared directory's moderators (add, edit, remove entries; review suggestions).
    Moderator,
}

impl Role {
    pub fn code(self) -> &'static str {
        match self {
            Role::Member => "member",
            Role::Organizer => "organizer",
            Role::Admin => "admin",
            Role::Moderator => "moderator",
        }
    }

    /// Whether this community role includes everything `needed` may do. No community role
    /// includes `Moderator` (see [`Rights`]).
    pub fn allows(self, needed: Role) -> bool {
        needed != Role::Moderator && self != Role::Moderator && self >= needed
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
            "moderator" => Err(
                "moderator is not a community role: the directory's moderators are named in \
                 the configuration ([directory] moderators). Accepted: member, organizer, admin."
                    .to_owned(),
            ),
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

/// What an actor may do: their role where they act, and whether they moderate the shared
/// directory (by who they are, whatever their role there).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rights {
    pub role: Role,
    pub moderator: bool,
}

impl Rights {
    /// Whether these rights include what `needed` may do.
    pub fn allows(self, needed: Role) -> bool {
        match needed {
            Role::Moderator => self.moderator,
            community => self.role.allows(community),
        }
    }
}

/// The shared directory's moderators: members named by their platform identity, and the admins
/// of the moderators' rooms (a Discord server or Matrix room) while they act there.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Moderators {
    users: std::collections::BTreeSet<UserId>,
    rooms: Vec<CommunityId>,
}

impl Moderators {
    pub fn new(
        users: impl IntoIterator<Item = UserId>,
        rooms: impl IntoIterator<Item = CommunityId>,
    ) -> Self {
        Self {
            users: users.into_iter().collect(),
            rooms: rooms.into_iter().collect(),
        }
    }

    /// The moderators named by identity (not the admins of moderators' rooms).
    pub fn users(&self) -> impl Iterator<Item = &UserId> {
        self.users.iter()
    }

    /// Whether nobody moderates (the directory then changes only by import).
    pub fn is_empty(&self) -> bool {
        self.users.is_empty() && self.rooms.is_empty()
    }

    /// Whether `actor` moderates the directory: named, or an admin of a moderators' room
    /// acting in it.
    pub fn includes(&self, actor: &Actor) -> bool {
        self.users.contains(&actor.member.user)
            || (actor.role == Role::Admin && self.rooms.contains(&actor.community))
    }

    /// What `actor` may do.
    pub fn rights(&self, actor: &Actor) -> Rights {
        Rights {
            role: actor.role,
            moderator: self.includes(actor),
        }
    }
}

/// Reads `platform:id` (`discord:123…`, `matrix:@alice:example.org`, `console:alice`), the
/// spelling of identities and rooms in the configuration. Returns the platform and the id.
pub fn parse_qualified(text: &str) -> Result<(Platform, &str), String> {
    let text = text.trim();
    let (platform, id) = text.split_once(':').ok_or_else(|| {
        format!(
            "\"{text}\" names no platform; write it like discord:123456789012345678, \
             matrix:@alice:example.org or console:alice"
        )
    })?;
    let platform = Platform::from_code(platform).ok_or_else(|| {
        format!("\"{platform}\" is not a platform; accepted: discord, matrix, console")
    })?;
    if id.is_empty() || id.chars().any(char::is_whitespace) {
        return Err(format!(
            "\"{text}\" has no id after the platform, or spaces in it"
        ));
    }
    Ok((platform, id))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn actor(platform: Platform, user: &str, role: Role, community: &str) -> Actor {
        Actor {
            member: Member {
                user: UserId::new(platform, user),
                display_name: user.to_owned(),
            },
            role,
            community: CommunityId {
                platform,
                id: community.to_owned(),
            },
        }
    }

    #[test]
    fn no_community_role_moderates_the_directory() {
        for role in [Role::Member, Role::Organizer, Role::Admin] {
            assert!(!role.allows(Role::Moderator));
        }
        assert!(!Role::Moderator.allows(Role::Admin));
        assert!(
            "moderator"
                .parse::<Role>()
                .unwrap_err()
                .contains("configuration")
        );
    }

    #[test]
    fn moderators_are_named_identities_or_admins_of_a_moderators_room_acting_there() {
        let mods = Moderators::new(
            [UserId::new(Platform::Discord, "1")],
            [CommunityId {
                platform: Platform::Discord,
                id: "77".into(),
            }],
        );
        // Named: a moderator wherever they act, whatever their role there.
        let named = actor(Platform::Discord, "1", Role::Member, "55");
        assert!(mods.rights(&named).allows(Role::Moderator));
        assert!(!mods.rights(&named).allows(Role::Admin));
        // Admins of the moderators' server, there; not elsewhere, and not its members.
        assert!(mods.includes(&actor(Platform::Discord, "2", Role::Admin, "77")));
        assert!(!mods.includes(&actor(Platform::Discord, "2", Role::Admin, "55")));
        assert!(!mods.includes(&actor(Platform::Discord, "3", Role::Member, "77")));
        // The same id on another platform is another person.
        assert!(!mods.includes(&actor(Platform::Matrix, "1", Role::Admin, "55")));
        assert!(Moderators::default().is_empty());
    }

    #[test]
    fn qualified_ids_name_their_platform() {
        assert_eq!(
            parse_qualified("matrix:@alice:example.org"),
            Ok((Platform::Matrix, "@alice:example.org"))
        );
        assert!(
            parse_qualified("alice")
                .unwrap_err()
                .contains("console:alice")
        );
        assert!(parse_qualified("irc:bob").unwrap_err().contains("accepted"));
        assert!(parse_qualified("console:").is_err());
    }
}
