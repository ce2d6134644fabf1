//! `[directory]`: seeding the shipped directory, and who moderates it.
//!
//! The shared directory and its suggestion queue belong to no community: community admins
//! have no power over them. Its moderators are named here by platform identity, and optionally
//! by moderators' rooms (a Discord server or a Matrix room) whose admins moderate while they
//! act there. With nobody named, the directory changes only by `labcircle directory import`.

use serde::Deserialize;

use super::is_snowflake;

use crate::domain::identity::{CommunityId, Moderators, Platform, UserId, parse_qualified};

/// The support-group directory.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Directory {
    /// Seed the shipped directory into an empty database on first start.
    #[serde(default = "yes")]
    pub seed: bool,
    /// The directory's moderators, by identity: `discord:USER_ID`, `matrix:@user:server`,
    /// `console:NAME`.
    #[serde(default)]
    pub moderators: Vec<String>,
    /// Moderators' rooms: `discord:GUILD_ID` or `matrix:!room:server`. Their admins moderate
    /// while they act there.
    #[serde(default)]
    pub moderator_rooms: Vec<String>,
    /// Check every entry's link monthly under `labcircle run` (dead links are then not offered
    /// and moderators are told).
    #[serde(default)]
    pub check_links: bool,
}

impl Default for Directory {
    fn default() -> Self {
        Self {
            seed: true,
            moderators: Vec::new(),
            moderator_rooms: Vec::new(),
            check_links: false,
        }
    }
}

fn yes() -> bool {
    true
}

/// A Matrix id with its sigil: `@user:server`, `!room:server`.
fn is_matrix_id(id: &str, sigil: char) -> bool {
    id.strip_prefix(sigil)
        .and_then(|r| r.split_once(':'))
        .is_some_and(|(local, server)| !local.is_empty() && !server.is_empty())
}

fn moderator(text: &str) -> anyhow::Result<UserId> {
    let bad = |why: &str| anyhow::anyhow!("directory.moderators: \"{text}\" {why}");
    let (platform, id) =
        parse_qualified(text).map_err(|e| anyhow::anyhow!("directory.moderators: {e}"))?;
    match platform {
        Platform::Discord if !is_snowflake(id) => Err(bad(
            "is not a Discord user id; write discord: and the long number Developer Mode's \
             Copy User ID gives, like discord:123456789012345678",
        )),
        Platform::Matrix if !is_matrix_id(id, '@') => Err(bad(
            "is not a Matrix user id; write it like matrix:@alice:example.org",
        )),
        _ => Ok(UserId::new(platform, id)),
    }
}

fn room(text: &str) -> anyhow::Result<CommunityId> {
    let bad = |why: &str| anyhow::anyhow!("directory.moderator_rooms: \"{text}\" {why}");
    let (platform, id) =
        parse_qualified(text).map_err(|e| anyhow::anyhow!("directory.moderator_rooms: {e}"))?;
    match platform {
        Platform::Discord if !is_snowflake(id) => Err(bad(
            "is not a Discord server id; write it like discord:234567890123456789",
        )),
        Platform::Matrix if !is_matrix_id(id, '!') => Err(bad(
            "is not a Matrix room id; write it like matrix:!abcdef:example.org (the room's id, \
             not an alias: Room settings → Advanced)",
        )),
        Platform::Console => Err(bad(
            "is a console community, where anyone can say they are an admin; name console \
             members in directory.moderators instead (console:NAME)",
        )),
        _ => Ok(CommunityId {
            platform,
            id: id.to_owned(),
        }),
    }
}

impl Directory {
    pub(super) fn validate(&self) -> anyhow::Result<()> {
        self.moderators()?;
        Ok(())
    }

    /// The moderators, read from their configured spellings.
    pub fn moderators(&self) -> anyhow::Result<Moderators> {
        let users = self
            .moderators
            .iter()
            .map(|m| moderator(m))
            .collect::<anyhow::Result<Vec<_>>>()?;
        let rooms = self
            .moderator_rooms
            .iter()
            .map(|r| room(r))
            .collect::<anyhow::Result<Vec<_>>>()?;
        Ok(Moderators::new(users, rooms))
    }

    /// One line on who moderates, for `labcircle config check` and the start-up log.
    pub fn moderators_summary(&self) -> String {
        if self.moderators.is_empty() && self.moderator_rooms.is_empty() {
            return "nobody: /group add|edit|remove and /review are refused, and the directory \
                    can only be changed by `labcircle directory import` (name moderators in \
                    [directory] moderators)"
                .to_owned();
        }
        let mut parts = Vec::new();
        if !self.moderators.is_empty() {
            parts.push(self.moderators.join(", "));
        }
        if !self.moderator_rooms.is_empty() {
            parts.push(format!(
                "admins of {} while they act there",
                self.moderator_rooms.join(", ")
            ));
        }
        parts.join("; ")
    }
}

#[cfg(test)]
mod tests {
    use crate::config::Config;

    fn err(toml: &str) -> String {
        format!("{:#}", Config::from_toml(toml).unwrap_err())
    }

    #[test]
    fn moderators_are_checked_and_said_who_they_are() {
        let config = Config::from_toml(
            "[directory]\nmoderators = [\"discord:123456789012345678\", \
             \"matrix:@alice:example.org\", \"console:alice\"]\n\
             moderator_rooms = [\"discord:234567890123456789\", \"matrix:!mods:example.org\"]\n",
        )
        .unwrap();
        let mods = config.directory.moderators().unwrap();
        assert!(!mods.is_empty());
        let summary = config.directory.moderators_summary();
        assert!(
            summary.contains("console:alice") && summary.contains("admins of discord:2345"),
            "{summary}"
        );
        assert!(
            Config::default()
                .directory
                .moderators_summary()
                .contains("labcircle directory import")
        );
        for (bad, says) in [
            ("moderators = [\"alice\"]", "console:alice"),
            ("moderators = [\"discord:alice\"]", "Discord user id"),
            (
                "moderators = [\"matrix:alice\"]",
                "matrix:@alice:example.org",
            ),
            (
                "moderators = [\"slack:U123\"]",
                "accepted: discord, matrix, console",
            ),
            ("moderator_rooms = [\"console:console\"]", "anyone can say"),
            (
                "moderator_rooms = [\"matrix:#mods:example.org\"]",
                "not an alias",
            ),
            ("moderator_rooms = [\"discord:0\"]", "Discord server id"),
        ] {
            let e = err(&format!("[directory]\n{bad}\n"));
            assert!(
                e.contains("directory.moderator") && e.contains(says),
                "{bad}: {e}"
            );
        }
    }
}
