//! `[discord]`: the Discord adapter, and which servers (guilds) it serves.
//!
//! The servers "in the config" are those listed in `guilds` and those with a
//! `[[discord.communities]]` block. Any other server's interactions are answered "this server is
//! not set up for labcircle" and its events are ignored, unless `allow_any_guild = true`, which
//! registers the commands globally and serves any server with member rights only (its admins
//! and organizers count as members; it never moderates the directory). Direct messages with the
//! bot are served either way.

use secrecy::SecretString;
use serde::Deserialize;

use super::{exposed, is_snowflake};

/// Environment variable holding the Discord bot token.
pub const ENV_DISCORD_TOKEN: &str = "LABCIRCLE_DISCORD_TOKEN";

/// Discord's own address, the default `api_base`.
pub const DISCORD_API: &str = "https://discord.com";

/// The Discord adapter (`[discord]`).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Discord {
    /// The bot token. Prefer `LABCIRCLE_DISCORD_TOKEN`; never logged.
    pub token: Option<SecretString>,
    /// The application's id (Developer Portal, General Information).
    pub application_id: String,
    /// Where Discord's API is: Discord itself unless a test or a proxy stands in for it.
    #[serde(default = "default_api_base")]
    pub api_base: String,
    /// The servers (guild ids) the bot serves; their slash commands are registered directly
    /// (they appear at once). With the guilds of `communities`, these are the servers "in the
    /// config"; any other server's interactions are answered "not set up" and its events are
    /// ignored, unless `allow_any_guild`.
    #[serde(default)]
    pub guilds: Vec<String>,
    /// Serve any server the bot is added to: commands are registered globally. Servers not in
    /// the config are served with member rights only (their admins and organizers count as
    /// members) and never moderate the directory.
    #[serde(default)]
    pub allow_any_guild: bool,
    /// Members with any of these roles are organizers (besides Manage Events).
    #[serde(default)]
    pub organizer_roles: Vec<String>,
    /// Members with any of these roles are admins (besides Manage Server).
    #[serde(default)]
    pub admin_roles: Vec<String>,
    /// Each guild's announcement channel, for meetups.
    #[serde(default)]
    pub communities: Vec<DiscordCommunity>,
}

/// A guild the bot announces meetups in (`[[discord.communities]]`).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DiscordCommunity {
    /// The guild (server) id.
    pub guild: String,
    /// The channel meetups are announced in.
    pub announcements: String,
}

fn default_api_base() -> String {
    DISCORD_API.to_owned()
}

impl Discord {
    /// The bot token, or a message saying where to put it.
    pub fn require_token(&self) -> anyhow::Result<&str> {
        match exposed(&self.token).map(str::trim) {
            Some(t) if !t.is_empty() => Ok(t),
            _ => anyhow::bail!(
                "discord: no bot token; set the environment variable {ENV_DISCORD_TOKEN} (or \
                 discord.token in the config file) to the token from the Developer Portal's Bot page"
            ),
        }
    }

    pub(super) fn validate(&self) -> anyhow::Result<()> {
        let id = |key: &str, value: &str| -> anyhow::Result<()> {
            if is_snowflake(value) {
                Ok(())
            } else {
                anyhow::bail!(
                    "discord.{key}: \"{value}\" is not a Discord id; ids are long numbers like \
                     123456789012345678 (Developer Mode, then right-click → Copy ID)"
                )
            }
        };
        id("application_id", &self.application_id)?;
        for g in &self.guilds {
            id("guilds", g)?;
        }
        for r in &self.organizer_roles {
            id("organizer_roles", r)?;
        }
        for r in &self.admin_roles {
            id("admin_roles", r)?;
        }
        for c in &self.communities {
            id("communities.guild", &c.guild)?;
            id("communities.announcements", &c.announcements)?;
        }
        let mut seen = std::collections::HashSet::new();
        for c in &self.communities {
            if !seen.insert(&c.guild) {
                anyhow::bail!(
                    "discord.communities: guild {} is listed twice; give each guild one \
                     announcement channel",
                    c.guild
                );
            }
        }
        match url::Url::parse(&self.api_base) {
            Ok(u) if matches!(u.scheme(), "http" | "https") && u.host().is_some() => {}
            _ => anyhow::bail!(
                "discord.api_base: \"{}\" is not an http(s) address; leave it out to use {DISCORD_API}",
                self.api_base
            ),
        }
        if let Some(t) = exposed(&self.token)
            && (t.trim().is_empty() || t.chars().any(char::is_whitespace))
        {
            anyhow::bail!(
                "discord.token: the token is empty or has spaces in it; copy it again from the Developer Portal"
            );
        }
        if !self.allow_any_guild && self.guilds.is_empty() && self.communities.is_empty() {
            anyhow::bail!(
                "discord.guilds: no server is listed, so the bot would serve none. List the \
                 servers it serves (guilds = [\"234567890123456789\"], or their \
                 [[discord.communities]]), or set allow_any_guild = true to register the \
                 commands globally for any server (servers not listed get member rights only)"
            );
        }
        Ok(())
    }

    /// Whether a server is in the config: listed in `guilds` or in `communities`.
    pub fn is_configured(&self, guild: &str) -> bool {
        self.guilds.iter().any(|g| g == guild) || self.communities.iter().any(|c| c.guild == guild)
    }

    /// The servers in the config (`guilds`, then the other guilds of `communities`), each once.
    pub fn configured_guilds(&self) -> Vec<&str> {
        let mut all: Vec<&str> = Vec::new();
        let listed = self
            .guilds
            .iter()
            .chain(self.communities.iter().map(|c| &c.guild));
        for guild in listed {
            if !all.contains(&guild.as_str()) {
                all.push(guild);
            }
        }
        all
    }

    /// One line on which servers are served, for `labcircle config check` and the start-up log.
    pub fn servers_summary(&self) -> String {
        let listed = self.configured_guilds().join(", ");
        match (self.allow_any_guild, listed.is_empty()) {
            (true, true) => "any server, with member rights only (allow_any_guild)".to_owned(),
            (true, false) => {
                format!("{listed}; any other server with member rights only (allow_any_guild)")
            }
            (false, _) => format!("{listed}; other servers are told they are not set up"),
        }
    }

    /// The announcement channel of a guild, if configured.
    pub fn announcement_channel(&self, guild: &str) -> Option<&str> {
        self.communities
            .iter()
            .find(|c| c.guild == guild)
            .map(|c| c.announcements.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;

    #[test]
    fn the_example_discord_section_validates_when_uncommented() {
        let text = include_str!("../../config.example.toml");
        let start = text
            .find("# [discord]")
            .expect("the example documents [discord]");
        let uncommented: String = text[start..]
            .lines()
            .filter_map(|l| l.strip_prefix("# "))
            // Settings, not their documentation: `[table]` and `key = value` lines.
            .filter(|l| {
                l.starts_with('[')
                    || l.split_once(" = ")
                        .is_some_and(|(k, _)| k.chars().all(|c| c.is_ascii_lowercase() || c == '_'))
            })
            .collect::<Vec<_>>()
            .join("\n");
        let config = Config::from_toml(&uncommented).unwrap();
        let discord = config.discord.unwrap();
        assert_eq!(discord.api_base, DISCORD_API);
        assert!(discord.announcement_channel(&discord.guilds[0]).is_some());
        assert!(!format!("{discord:?}").contains(exposed(&discord.token).unwrap()));
    }

    #[test]
    fn discord_ids_and_addresses_are_checked() {
        let err = Config::from_toml("[discord]\napplication_id = \"my-bot\"\n")
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("discord.application_id") && err.contains("my-bot"),
            "{err}"
        );
        let err =
            Config::from_toml("[discord]\napplication_id = \"1\"\napi_base = \"discord.com\"\n")
                .unwrap_err()
                .to_string();
        assert!(err.contains("discord.api_base"), "{err}");
        let err = Config::from_toml(
            "[discord]\napplication_id = \"1\"\n[[discord.communities]]\nguild = \"2\"\nannouncement = \"3\"\n",
        )
        .unwrap_err();
        assert!(format!("{err:#}").contains("announcements"), "{err:#}");
        let discord = Config::from_toml("[discord]\napplication_id = \"1\"\nguilds = [\"2\"]\n")
            .unwrap()
            .discord
            .unwrap();
        assert!(
            discord
                .require_token()
                .unwrap_err()
                .to_string()
                .contains("LABCIRCLE_DISCORD_TOKEN")
        );
    }

    #[test]
    fn the_servers_in_the_config_are_the_listed_guilds_and_the_communities_guilds() {
        let discord = Config::from_toml(
            "[discord]\napplication_id = \"1\"\nguilds = [\"2\", \"3\"]\n\
             [[discord.communities]]\nguild = \"3\"\nannouncements = \"5\"\n\
             [[discord.communities]]\nguild = \"4\"\nannouncements = \"6\"\n",
        )
        .unwrap()
        .discord
        .unwrap();
        assert_eq!(discord.configured_guilds(), ["2", "3", "4"]);
        assert!(discord.is_configured("4") && !discord.is_configured("7"));
        assert!(!discord.allow_any_guild);
        // Communities alone name the servers too.
        let only = "[discord]\napplication_id = \"1\"\n\
                    [[discord.communities]]\nguild = \"4\"\nannouncements = \"6\"\n";
        assert!(Config::from_toml(only).is_ok());
    }

    #[test]
    fn the_summary_says_which_servers_are_served() {
        let summary = |toml: &str| {
            Config::from_toml(&format!("[discord]\napplication_id = \"1\"\n{toml}"))
                .unwrap()
                .discord
                .unwrap()
                .servers_summary()
        };
        assert_eq!(
            summary("guilds = [\"2\"]\n"),
            "2; other servers are told they are not set up"
        );
        assert!(summary("allow_any_guild = true\n").starts_with("any server, with member rights"));
        assert!(summary("allow_any_guild = true\nguilds = [\"2\"]\n").starts_with("2; any other"));
    }

    #[test]
    fn serving_no_listed_server_needs_allow_any_guild() {
        let err = format!(
            "{:#}",
            Config::from_toml("[discord]\napplication_id = \"1\"\n").unwrap_err()
        );
        assert!(
            err.contains("discord.guilds") && err.contains("allow_any_guild = true"),
            "{err}"
        );
        let any = Config::from_toml("[discord]\napplication_id = \"1\"\nallow_any_guild = true\n")
            .unwrap()
            .discord
            .unwrap();
        assert!(any.allow_any_guild && any.configured_guilds().is_empty());
        let err = format!(
            "{:#}",
            Config::from_toml("[discord]\napplication_id = \"1\"\nallow_any_guild = \"yes\"\n")
                .unwrap_err()
        );
        assert!(err.contains("bool"), "{err}");
    }

    #[test]
    fn a_moderators_server_must_be_a_server_in_the_config() {
        let discord =
            "[discord]\napplication_id = \"1\"\nallow_any_guild = true\nguilds = [\"2\"]\n";
        let err = format!(
            "{:#}",
            Config::from_toml(&format!(
                "[directory]\nmoderator_rooms = [\"discord:9\"]\n{discord}"
            ))
            .unwrap_err()
        );
        assert!(
            err.contains("directory.moderator_rooms")
                && err.contains("discord:9")
                && err.contains("discord.guilds"),
            "{err}"
        );
        assert!(
            Config::from_toml(&format!(
                "[directory]\nmoderator_rooms = [\"discord:2\"]\n{discord}"
            ))
            .is_ok()
        );
    }
}
