//! What the bot and the scheduler need to know from the configuration, read and checked once.

use crate::config::Config;
use crate::domain::identity::{Moderators, Platform};
use crate::notes::NoteKey;

/// What the bot needs to know from the configuration.
#[derive(Debug, Clone)]
pub struct Settings {
    pub default_zone: chrono_tz::Tz,
    pub default_weekday: chrono::Weekday,
    pub default_time: chrono::NaiveTime,
    pub prompt_expiry: chrono::Duration,
    pub grace: chrono::Duration,
    pub retention: chrono::Duration,
    /// Fewest counted answers for a week to show in `/checkin stats` (5 or more).
    pub stats_min_answers: u32,
    pub note_key: Option<NoteKey>,
    pub max_attempts: u32,
    /// Most deliveries per second through the console, Discord and Matrix.
    pub sends_per_second: [u32; 3],
    /// How long before it starts each occurrence of a series is announced.
    pub announce_ahead: chrono::Duration,
    /// How long after it ends a meetup is kept, with its RSVPs and deliveries.
    pub meetup_retention: chrono::Duration,
    /// Who moderates the shared directory (community roles do not).
    pub moderators: Moderators,
    /// Per-member limits (`[limits]`).
    pub limits: crate::config::Limits,
    /// When pairing rounds run, and among whom (`[pairing]`).
    pub pairing: crate::domain::pairing::rounds::Rounds,
    /// The tips library's moderation and tip of the week, per community (`[tips]`).
    pub tips: crate::config::TipsSettings,
}

impl Settings {
    /// Most deliveries per second through `platform`.
    pub fn rate(&self, platform: Platform) -> u32 {
        let i = match platform {
            Platform::Console => 0,
            Platform::Discord => 1,
            Platform::Matrix => 2,
        };
        self.sends_per_second[i]
    }
}

impl Settings {
    /// Settings from a validated configuration.
    pub fn from_config(config: &Config) -> anyhow::Result<Settings> {
        use crate::domain::schedule::{parse_time, parse_weekday, parse_zone};
        let c = &config.checkins;
        Ok(Settings {
            default_zone: parse_zone(&config.community.default_timezone)
                .map_err(anyhow::Error::msg)?,
            default_weekday: parse_weekday(&c.default_day).map_err(anyhow::Error::msg)?,
            default_time: parse_time(&c.default_time).map_err(anyhow::Error::msg)?,
            prompt_expiry: chrono::Duration::hours(i64::from(c.prompt_expiry_hours)),
            grace: chrono::Duration::hours(i64::from(c.grace_hours)),
            retention: chrono::Duration::days(i64::from(c.retention_days)),
            stats_min_answers: c.stats_min_answers,
            note_key: crate::config::exposed(&c.note_key)
                .map(NoteKey::from_base64)
                .transpose()
                .map_err(anyhow::Error::msg)?,
            max_attempts: config.delivery.max_attempts,
            announce_ahead: chrono::Duration::days(i64::from(config.meetups.announce_days_ahead)),
            meetup_retention: chrono::Duration::days(i64::from(config.meetups.retention_days)),
            moderators: config.directory.moderators()?,
            limits: config.limits.clone(),
            pairing: pairing_rounds(config)?,
            tips: config.tips.settings(&config.community.default_timezone)?,
            sends_per_second: [
                config.delivery.console_per_second,
                config.delivery.discord_per_second,
                config.delivery.matrix_per_second,
            ],
        })
    }
}

/// `[pairing]`, read.
fn pairing_rounds(config: &Config) -> anyhow::Result<crate::domain::pairing::rounds::Rounds> {
    use crate::domain::time_words::{parse_time, parse_weekday, parse_zone};
    let p = &config.pairing;
    let zone = p
        .zone
        .as_deref()
        .unwrap_or(&config.community.default_timezone);
    Ok(crate::domain::pairing::rounds::Rounds {
        weekday: parse_weekday(&p.weekday).map_err(anyhow::Error::msg)?,
        time: parse_time(&p.time).map_err(anyhow::Error::msg)?,
        zone: parse_zone(zone).map_err(anyhow::Error::msg)?,
        every_weeks: p.every_weeks,
        deployment: p.scope == "deployment",
        exceptions: p
            .communities
            .iter()
            .map(|c| (c.community.clone(), c.scope == "deployment"))
            .collect(),
    })
}

impl Default for Settings {
    fn default() -> Self {
        Settings::from_config(&Config::default()).expect("the default configuration is valid")
    }
}
