//! Typed configuration: defaults, then the config file, then environment variables.
//!
//! Unknown keys and bad values are refused with the key's name and what is accepted.
//! `config.example.toml` documents every setting and is checked by a test.

use std::path::{Path, PathBuf};

use anyhow::Context;
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;

mod directory;
mod discord;
mod limits;
mod ops;
mod pairing;
mod tips;
mod web;
pub use directory::Directory;
pub use discord::{DISCORD_API, Discord, DiscordCommunity, ENV_DISCORD_TOKEN};
pub use limits::Limits;
pub use ops::Ops;
pub use pairing::{Pairing, PairingCommunity};
pub use tips::{Tips, TipsSettings, WeeklyTips};
pub use web::Web;

/// Environment variable that chooses the data directory.
pub const ENV_DATA_DIR: &str = "LABCIRCLE_DATA_DIR";
/// Environment variable that sets the log filter.
pub const ENV_LOG: &str = "LABCIRCLE_LOG";

/// The whole configuration.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    #[serde(default)]
    pub storage: Storage,
    #[serde(default)]
    pub community: Community,
    #[serde(default)]
    pub directory: Directory,
    #[serde(default)]
    pub checkins: Checkins,
    #[serde(default)]
    pub delivery: Delivery,
    #[serde(default)]
    pub meetups: Meetups,
    #[serde(default)]
    pub limits: Limits,
    #[serde(default)]
    pub pairing: Pairing,
    #[serde(default)]
    pub tips: Tips,
    #[serde(default)]
    pub log: Log,
    /// The Discord adapter; absent: not connected to Discord.
    pub discord: Option<Discord>,
    /// The Matrix adapter; absent means Matrix is not used.
    pub matrix: Option<Matrix>,
    /// The public directory web page; absent: not served.
    pub web: Option<Web>,
    /// `/healthz` and `/metrics` over HTTP; absent: not served.
    pub ops: Option<Ops>,
}

/// Environment variable holding the Matrix account's password.
pub const ENV_MATRIX_PASSWORD: &str = "LABCIRCLE_MATRIX_PASSWORD";
/// Environment variable holding a Matrix access token (instead of a password).
pub const ENV_MATRIX_TOKEN: &str = "LABCIRCLE_MATRIX_ACCESS_TOKEN";
/// Environment variable holding the passphrase of matrix-sdk's state and crypto store.
pub const ENV_MATRIX_PASSPHRASE: &str = "LABCIRCLE_MATRIX_STORE_PASSPHRASE";

/// A secret's text, where it is used (it never goes to a log: `SecretString` prints as
/// redacted).
pub fn exposed(secret: &Option<SecretString>) -> Option<&str> {
    secret.as_ref().map(ExposeSecret::expose_secret)
}

/// The Matrix adapter.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Matrix {
    /// Client-server API base URL, e.g. `https://matrix.example.org`.
    pub homeserver: String,
    /// The bot's account, e.g. `@labcircle:example.org`.
    pub user_id: String,
    /// Password (prefer `LABCIRCLE_MATRIX_PASSWORD`). Used once; the session is then kept.
    pub password: Option<SecretString>,
    /// Access token (prefer `LABCIRCLE_MATRIX_ACCESS_TOKEN`), instead of a password.
    pub access_token: Option<SecretString>,
    /// Name of the bot's device, shown to members who verify it.
    #[serde(default = "default_device_name")]
    pub device_name: String,
    /// Where matrix-sdk keeps its state and crypto store and the session.
    /// Default: `matrix/` in the data directory.
    pub store_dir: Option<PathBuf>,
    /// Passphrase that encrypts the store (prefer `LABCIRCLE_MATRIX_STORE_PASSPHRASE`).
    pub store_passphrase: Option<SecretString>,
    /// What commands start with in rooms (`!findgroup burnout`).
    #[serde(default = "default_prefix")]
    pub command_prefix: String,
    /// Servers whose users may invite the bot into rooms (`example.org`).
    #[serde(default)]
    pub invite_servers: Vec<String>,
    /// Rooms (ids or aliases) the bot may be invited to, whoever invites.
    #[serde(default)]
    pub invite_rooms: Vec<String>,
    /// Power level from which a member is an organizer.
    #[serde(default = "default_organizer_power")]
    pub organizer_power: i64,
    /// Power level from which a member is an admin.
    #[serde(default = "default_admin_power")]
    pub admin_power: i64,
    /// Rooms that are communities.
    #[serde(default)]
    pub communities: Vec<MatrixCommunity>,
    /// How far back, in minutes, commands sent while the bot was away (a restart, an update)
    /// are still answered at start-up, with a note that it was briefly away; older ones are
    /// left, as an answer long after the question would confuse more than help. 0 turns it
    /// off.
    #[serde(default = "default_catch_up_minutes")]
    pub catch_up_minutes: u32,
}

/// Most minutes `matrix.catch_up_minutes` may reach back: a day.
pub const MAX_CATCH_UP_MINUTES: u32 = 1440;

/// A Matrix room that is a community.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MatrixCommunity {
    /// The community's room (id `!…` or alias `#…`).
    pub room: String,
    /// Where meetups are announced (id or alias). Default: the community's room.
    pub announcements: Option<String>,
}

fn default_device_name() -> String {
    "labcircle".to_owned()
}
fn default_prefix() -> String {
    "!".to_owned()
}
fn default_organizer_power() -> i64 {
    50
}
fn default_admin_power() -> i64 {
    100
}
fn default_catch_up_minutes() -> u32 {
    15
}

impl Matrix {
    fn validate(&self) -> anyhow::Result<()> {
        match url::Url::parse(&self.homeserver) {
            Ok(u) if matches!(u.scheme(), "http" | "https") => {}
            _ => anyhow::bail!(
                "matrix.homeserver: \"{}\" is not an http(s) URL; write it like \
                 https://matrix.example.org",
                self.homeserver
            ),
        }
        let user_ok = self
            .user_id
            .strip_prefix('@')
            .and_then(|r| r.split_once(':'))
            .is_some_and(|(local, server)| !local.is_empty() && !server.is_empty());
        if !user_ok {
            anyhow::bail!(
                "matrix.user_id: \"{}\" is not a Matrix user id; write it like \
                 @labcircle:example.org",
                self.user_id
            );
        }
        let prefix = self.command_prefix.trim();
        if prefix.is_empty() || prefix.chars().count() > 3 || prefix.contains(char::is_alphanumeric)
        {
            anyhow::bail!(
                "matrix.command_prefix: use one to three symbols, like ! or ?; \"{}\" is not one",
                self.command_prefix
            );
        }
        if self.organizer_power < 0 || self.admin_power < self.organizer_power {
            anyhow::bail!(
                "matrix.organizer_power and matrix.admin_power: use 0 or more, with the admin \
                 level at least the organizer level (defaults 50 and 100)"
            );
        }
        if self.catch_up_minutes > MAX_CATCH_UP_MINUTES {
            anyhow::bail!(
                "matrix.catch_up_minutes: use 0 (off) to {MAX_CATCH_UP_MINUTES} (a day); {} is \
                 too far back",
                self.catch_up_minutes
            );
        }
        for c in &self.communities {
            for (key, room) in [
                ("room", Some(&c.room)),
                ("announcements", c.announcements.as_ref()),
            ] {
                if let Some(room) = room
                    && !(room.starts_with('!') || room.starts_with('#'))
                {
                    anyhow::bail!(
                        "matrix.communities.{key}: \"{room}\" is not a room; give an id \
                         (!abc…) or an alias (#lab:example.org)"
                    );
                }
            }
        }
        for room in &self.invite_rooms {
            if !(room.starts_with('!') || room.starts_with('#')) {
                anyhow::bail!(
                    "matrix.invite_rooms: \"{room}\" is not a room; give an id (!abc…) or an \
                     alias (#lab:example.org)"
                );
            }
        }
        Ok(())
    }
}

/// Whether `id` looks like a Discord id (a snowflake: digits, not zero).
fn is_snowflake(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 20
        && id.bytes().all(|b| b.is_ascii_digit())
        && id.parse::<u64>().is_ok_and(|n| n > 0)
}

/// Environment variable holding the key that encrypts check-in notes.
pub const ENV_NOTE_KEY: &str = "LABCIRCLE_NOTE_KEY";

/// Wellbeing check-ins.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Checkins {
    /// Day of the weekly prompt when a member gives none.
    #[serde(default = "default_day")]
    pub default_day: String,
    /// Local time of the weekly prompt when a member gives none (HH:MM).
    #[serde(default = "default_time")]
    pub default_time: String,
    /// How long a prompt can be answered, in hours.
    #[serde(default = "default_expiry")]
    pub prompt_expiry_hours: u32,
    /// After downtime, prompts due within this many hours are still sent; older ones are
    /// skipped to the next week.
    #[serde(default = "default_grace")]
    pub grace_hours: u32,
    /// Answers older than this many days are deleted.
    #[serde(default = "default_retention")]
    pub retention_days: u32,
    /// Fewest answers (from members who opted in at least four weeks before) for a week to
    /// show in `/checkin stats`. At least 5.
    #[serde(default = "default_stats_min_answers")]
    pub stats_min_answers: u32,
    /// Base64 key (32 bytes) that encrypts notes at rest. Prefer `LABCIRCLE_NOTE_KEY`.
    pub note_key: Option<SecretString>,
}

impl Default for Checkins {
    fn default() -> Self {
        Self {
            default_day: default_day(),
            default_time: default_time(),
            prompt_expiry_hours: default_expiry(),
            grace_hours: default_grace(),
            retention_days: default_retention(),
            stats_min_answers: default_stats_min_answers(),
            note_key: None,
        }
    }
}

fn default_day() -> String {
    "Monday".to_owned()
}
fn default_time() -> String {
    "09:00".to_owned()
}
fn default_expiry() -> u32 {
    72
}
fn default_grace() -> u32 {
    6
}
fn default_retention() -> u32 {
    365
}
fn default_stats_min_answers() -> u32 {
    10
}

/// Meetups.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Meetups {
    /// How many days before it starts each occurrence of a recurring meetup is announced.
    #[serde(default = "default_announce_days")]
    pub announce_days_ahead: u32,
    /// Days after a meetup ends before it is deleted with its RSVPs and deliveries.
    #[serde(default = "default_meetup_retention")]
    pub retention_days: u32,
}

impl Default for Meetups {
    fn default() -> Self {
        Self {
            announce_days_ahead: default_announce_days(),
            retention_days: default_meetup_retention(),
        }
    }
}

fn default_announce_days() -> u32 {
    7
}

fn default_meetup_retention() -> u32 {
    90
}

/// Sending through the outbox.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Delivery {
    /// Most messages per second the dispatcher sends through each platform.
    #[serde(default = "default_console_rate")]
    pub console_per_second: u32,
    #[serde(default = "default_discord_rate")]
    pub discord_per_second: u32,
    #[serde(default = "default_matrix_rate")]
    pub matrix_per_second: u32,
    /// Attempts before a delivery that keeps failing is given up.
    #[serde(default = "default_attempts")]
    pub max_attempts: u32,
}

impl Default for Delivery {
    fn default() -> Self {
        Self {
            console_per_second: default_console_rate(),
            discord_per_second: default_discord_rate(),
            matrix_per_second: default_matrix_rate(),
            max_attempts: default_attempts(),
        }
    }
}

fn default_console_rate() -> u32 {
    1000
}
fn default_discord_rate() -> u32 {
    5
}
fn default_matrix_rate() -> u32 {
    10
}
fn default_attempts() -> u32 {
    8
}

/// Where state is kept.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Storage {
    /// Directory for the SQLite database. Default: the platform's data directory.
    pub data_dir: Option<PathBuf>,
}

/// Settings of the community the bot serves.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Community {
    /// IANA time zone used when a member gives none.
    #[serde(default = "default_timezone")]
    pub default_timezone: String,
}

impl Default for Community {
    fn default() -> Self {
        Self {
            default_timezone: default_timezone(),
        }
    }
}

fn default_timezone() -> String {
    "America/New_York".to_owned()
}

/// Logging (to standard error).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Log {
    /// A tracing filter: error, warn, info, debug, or per module (labcircle=debug).
    #[serde(default = "default_level")]
    pub level: String,
}

impl Default for Log {
    fn default() -> Self {
        Self {
            level: default_level(),
        }
    }
}

fn default_level() -> String {
    "warn".to_owned()
}

impl Config {
    /// Reads and validates a config file.
    pub fn from_file(path: &Path) -> anyhow::Result<Config> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read the config file {}", path.display()))?;
        Self::from_toml(&text).with_context(|| format!("in {}", path.display()))
    }

    /// Parses and validates config text.
    pub fn from_toml(text: &str) -> anyhow::Result<Config> {
        // toml's message names the line and shows it, so the key is in front of the reader.
        let config: Config = toml::from_str(text).map_err(|e| anyhow::anyhow!("{e}"))?;
        config.validate()?;
        Ok(config)
    }

    /// Checks values that types alone cannot.
    pub fn validate(&self) -> anyhow::Result<()> {
        if self
            .community
            .default_timezone
            .parse::<chrono_tz::Tz>()
            .is_err()
        {
            anyhow::bail!(
                "community.default_timezone: \"{}\" is not an IANA time zone; use a name like \
                 America/New_York, America/Chicago, America/Denver, America/Phoenix, \
                 America/Los_Angeles, America/Anchorage or Pacific/Honolulu",
                self.community.default_timezone
            );
        }
        let c = &self.checkins;
        crate::domain::schedule::parse_weekday(&c.default_day)
            .map_err(|e| anyhow::anyhow!("checkins.default_day: {e}"))?;
        crate::domain::schedule::parse_time(&c.default_time)
            .map_err(|e| anyhow::anyhow!("checkins.default_time: {e}"))?;
        if !(1..=24 * 14).contains(&c.prompt_expiry_hours) {
            anyhow::bail!("checkins.prompt_expiry_hours: use 1 to 336 (two weeks)");
        }
        if !(1..=72).contains(&c.grace_hours) {
            anyhow::bail!("checkins.grace_hours: use 1 to 72");
        }
        if !(7..=3650).contains(&c.retention_days) {
            anyhow::bail!("checkins.retention_days: use 7 to 3650");
        }
        let floor = crate::domain::wellbeing::STATS_MIN_ANSWERS_FLOOR;
        if !(floor..=100_000).contains(&c.stats_min_answers) {
            anyhow::bail!(
                "checkins.stats_min_answers: {} is not allowed; use {floor} to 100000 (default \
                 10). With fewer answers a handful of accounts could work out one member's answer",
                c.stats_min_answers
            );
        }
        if let Some(key) = exposed(&c.note_key) {
            crate::notes::NoteKey::from_base64(key)
                .map_err(|e| anyhow::anyhow!("checkins.note_key: {e}"))?;
        }
        self.limits.validate()?;
        self.pairing.validate()?;
        self.tips.settings(&self.community.default_timezone)?;
        if !(1..=60).contains(&self.meetups.announce_days_ahead) {
            anyhow::bail!("meetups.announce_days_ahead: use 1 to 60 days");
        }
        if !(1..=3650).contains(&self.meetups.retention_days) {
            anyhow::bail!(
                "meetups.retention_days: use 1 to 3650 days (how long a meetup, its RSVPs and \
                 its messages are kept after it ends; default 90), not {}",
                self.meetups.retention_days
            );
        }
        let d = &self.delivery;
        for (name, rate) in [
            ("console_per_second", d.console_per_second),
            ("discord_per_second", d.discord_per_second),
            ("matrix_per_second", d.matrix_per_second),
        ] {
            if !(1..=1000).contains(&rate) {
                anyhow::bail!("delivery.{name}: use 1 to 1000 messages a second");
            }
        }
        if !(1..=50).contains(&d.max_attempts) {
            anyhow::bail!("delivery.max_attempts: use 1 to 50");
        }
        self.directory.validate()?;
        if let Some(m) = &self.matrix {
            m.validate()?;
        }
        if let Some(web) = &self.web {
            web.validate()?;
        }
        if let Some(discord) = &self.discord {
            discord.validate()?;
            // A moderators' server must be one the bot is set up for: an unlisted server
            // (allow_any_guild) never holds directory power through its admins.
            for room in &self.directory.moderator_rooms {
                if let Some(guild) = room.strip_prefix("discord:")
                    && !discord.is_configured(guild)
                {
                    anyhow::bail!(
                        "directory.moderator_rooms: {room} is not a server in [discord]; a \
                         moderators' server must be listed in discord.guilds (or \
                         [[discord.communities]]), or name its moderators in \
                         directory.moderators instead"
                    );
                }
            }
        }
        if !valid_log_filter(&self.log.level)
            || tracing_subscriber::EnvFilter::try_new(&self.log.level).is_err()
        {
            anyhow::bail!(
                "log.level: \"{}\" is not a log filter; use error, warn, info, debug or trace",
                self.log.level
            );
        }
        Ok(())
    }

    /// Applies environment overrides (`LABCIRCLE_DATA_DIR`, `LABCIRCLE_LOG`,
    /// `LABCIRCLE_NOTE_KEY`, and `LABCIRCLE_DISCORD_TOKEN` when Discord is configured).
    pub fn apply_env(&mut self) {
        if let Some(discord) = self.discord.as_mut()
            && let Ok(token) = std::env::var(ENV_DISCORD_TOKEN)
            && !token.is_empty()
        {
            discord.token = Some(token.into());
        }
        if let Ok(key) = std::env::var(ENV_NOTE_KEY)
            && !key.is_empty()
        {
            self.checkins.note_key = Some(key.into());
        }
        if let Some(m) = self.matrix.as_mut() {
            let env = |name| std::env::var(name).ok().filter(|v: &String| !v.is_empty());
            if let Some(v) = env(ENV_MATRIX_PASSWORD) {
                m.password = Some(v.into());
            }
            if let Some(v) = env(ENV_MATRIX_TOKEN) {
                m.access_token = Some(v.into());
            }
            if let Some(v) = env(ENV_MATRIX_PASSPHRASE) {
                m.store_passphrase = Some(v.into());
            }
        }
        if let Some(dir) = std::env::var_os(ENV_DATA_DIR).filter(|d| !d.is_empty()) {
            self.storage.data_dir = Some(PathBuf::from(dir));
        }
        if let Ok(level) = std::env::var(ENV_LOG)
            && !level.is_empty()
        {
            self.log.level = level;
        }
    }

    /// The data directory to use: configured, or the platform default.
    pub fn data_dir(&self) -> PathBuf {
        self.storage.data_dir.clone().unwrap_or_else(|| {
            dirs::data_dir()
                .unwrap_or_else(|| PathBuf::from("."))
                .join("labcircle")
        })
    }
}

/// A log filter: comma-separated levels, each alone or as `target=level`.
fn valid_log_filter(filter: &str) -> bool {
    const LEVELS: &[&str] = &["off", "error", "warn", "info", "debug", "trace"];
    !filter.trim().is_empty()
        && filter.split(',').all(|directive| {
            let level = directive
                .rsplit_once('=')
                .map_or(
                    directive,
                    |(target, level)| {
                        if target.trim().is_empty() { "" } else { level }
                    },
                );
            LEVELS.contains(&level.trim().to_ascii_lowercase().as_str())
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_example_config_parses_and_validates() {
        let text = include_str!("../config.example.toml");
        let config = Config::from_toml(text).unwrap();
        assert_eq!(config.community.default_timezone, "America/New_York");
        assert_eq!(config.meetups.retention_days, 90);
    }

    #[test]
    fn meetup_retention_defaults_to_90_days_and_refuses_what_it_cannot_keep() {
        assert_eq!(Config::from_toml("").unwrap().meetups.retention_days, 90);
        let ok = Config::from_toml("[meetups]\nretention_days = 30\n").unwrap();
        assert_eq!(ok.meetups.retention_days, 30);
        for bad in ["0", "3651"] {
            let err = Config::from_toml(&format!("[meetups]\nretention_days = {bad}\n"))
                .unwrap_err()
                .to_string();
            assert!(
                err.contains("meetups.retention_days") && err.contains("1 to 3650"),
                "{bad}: {err}"
            );
        }
    }

    #[test]
    fn an_empty_config_gives_the_defaults() {
        // Compared as printed: secrets have no equality (their Debug shows only whether set).
        assert_eq!(
            format!("{:?}", Config::from_toml("").unwrap()),
            format!("{:?}", Config::default())
        );
    }

    #[test]
    fn unknown_keys_are_named() {
        let err = Config::from_toml("[community]\ndefault_tz = \"UTC\"\n").unwrap_err();
        let text = format!("{err:#}");
        assert!(text.contains("default_tz"), "{text}");
        assert!(text.contains("default_timezone"), "{text}");
    }

    #[test]
    fn a_matrix_section_is_checked_and_keeps_its_secrets_out_of_debug() {
        let ok = "[matrix]\nhomeserver = \"http://127.0.0.1:8008\"\nuser_id = \"@bot:localhost\"\n\
                  password = \"hunter2\"\n[[matrix.communities]]\nroom = \"#lab:localhost\"\n";
        let config = Config::from_toml(ok).unwrap();
        let m = config.matrix.as_ref().unwrap();
        assert_eq!((m.organizer_power, m.admin_power), (50, 100));
        assert_eq!(m.command_prefix, "!");
        assert_eq!(
            m.catch_up_minutes, 15,
            "commands from the last 15 minutes by default"
        );
        assert!(!format!("{config:?}").contains("hunter2"));
        for (bad, says) in [
            ("catch_up_minutes = 1441", "matrix.catch_up_minutes"),
            ("catch_up_minutes = -5", "catch_up_minutes"),
            ("homeserver = \"matrix.example.org\"", "matrix.homeserver"),
            ("user_id = \"bot\"", "matrix.user_id"),
            ("command_prefix = \"go\"", "matrix.command_prefix"),
            ("admin_power = 10", "matrix.admin_power"),
        ] {
            let key = bad.split(' ').next().unwrap();
            let text = ok
                .lines()
                .filter(|l| !l.starts_with(&format!("{key} ")))
                .collect::<Vec<_>>()
                .join("\n")
                .replacen("[matrix]", &format!("[matrix]\n{bad}"), 1);
            let err = Config::from_toml(&text).unwrap_err().to_string();
            assert!(err.contains(says), "{bad}: {err}");
        }
        let off = Config::from_toml(&ok.replace("[matrix]\n", "[matrix]\ncatch_up_minutes = 0\n"))
            .unwrap();
        assert_eq!(
            off.matrix.unwrap().catch_up_minutes,
            0,
            "0 turns catching up off"
        );
        let err = Config::from_toml(&ok.replace("#lab:localhost", "lab")).unwrap_err();
        assert!(err.to_string().contains("matrix.communities.room"), "{err}");
    }

    #[test]
    fn bad_values_say_what_is_accepted() {
        let err = Config::from_toml("[community]\ndefault_timezone = \"Eastern Time\"\n")
            .unwrap_err()
            .to_string();
        assert!(err.contains("community.default_timezone") && err.contains("America/Chicago"));
        let err = Config::from_toml("[directory]\nseed = \"yes\"\n")
            .unwrap_err()
            .to_string();
        assert!(err.contains("bool"), "{err}");
    }
}
