//! `[tips]`: how each community moderates members' tips, and where its tip of the week goes.
//!
//! ```toml
//! [tips]
//! moderation = "before"          # default for every community: tips wait for a moderator
//! [[tips.communities]]
//! community = "discord:123456789012345678"   # platform:id, as the bot names the community
//! moderation = "after"           # live at once; a report hides a tip until a moderator decides
//! weekly_channel = "234567890123456789"      # a channel (Discord) or room (Matrix) for the tip of the week
//! weekly_day = "monday"
//! weekly_time = "09:00"
//! weekly_zone = "America/Chicago"            # default: community.default_timezone
//! ```

use serde::Deserialize;

use crate::domain::schedule::WeeklySchedule;
use crate::domain::tips::Moderation;

/// The `[tips]` section.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Tips {
    /// "before" (default) or "after", for communities not listed below.
    #[serde(default)]
    pub moderation: Option<String>,
    /// Tips one member may share in 24 hours.
    #[serde(default)]
    pub tips_per_day: Option<u32>,
    #[serde(default)]
    pub communities: Vec<TipsCommunity>,
}

/// One community's tips settings (`[[tips.communities]]`).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TipsCommunity {
    /// `platform:id` (`discord:GUILD`, `matrix:!room:server`, `console:NAME`).
    pub community: String,
    pub moderation: Option<String>,
    /// Where the tip of the week is posted; none: no tip of the week.
    pub weekly_channel: Option<String>,
    #[serde(default)]
    pub weekly_day: Option<String>,
    #[serde(default)]
    pub weekly_time: Option<String>,
    #[serde(default)]
    pub weekly_zone: Option<String>,
}

/// A community's tip of the week, as configured and checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WeeklyTips {
    /// `platform:id` of the community.
    pub community: String,
    /// `platform:channel` the post goes to.
    pub channel: String,
    pub schedule: WeeklySchedule,
}

/// The tips settings the bot and the scheduler use.
#[derive(Debug, Clone, Default)]
pub struct TipsSettings {
    pub default_moderation: Moderation,
    pub moderation: Vec<(String, Moderation)>,
    pub weekly: Vec<WeeklyTips>,
    pub tips_per_day: u32,
}

impl TipsSettings {
    /// How `community` (`platform:id`) moderates members' tips.
    pub fn moderation(&self, community: &str) -> Moderation {
        self.moderation
            .iter()
            .find(|(c, _)| c == community)
            .map_or(self.default_moderation, |(_, m)| *m)
    }
}

fn moderation(key: &str, value: Option<&str>) -> anyhow::Result<Option<Moderation>> {
    match value {
        None => Ok(None),
        Some("before") => Ok(Some(Moderation::Before)),
        Some("after") => Ok(Some(Moderation::After)),
        Some(other) => anyhow::bail!(
            "{key}: \"{other}\" is not accepted; use \"before\" (tips wait for a moderator) or \
             \"after\" (live at once, hidden when reported)"
        ),
    }
}

impl Tips {
    /// The checked settings; `default_zone` is `community.default_timezone`.
    pub fn settings(&self, default_zone: &str) -> anyhow::Result<TipsSettings> {
        use crate::domain::time_words::{parse_time, parse_weekday, parse_zone};
        let mut out = TipsSettings {
            default_moderation: moderation("tips.moderation", self.moderation.as_deref())?
                .unwrap_or_default(),
            tips_per_day: self.tips_per_day.unwrap_or(5),
            ..TipsSettings::default()
        };
        if !(1..=100).contains(&out.tips_per_day) {
            anyhow::bail!("tips.tips_per_day: use 1 to 100");
        }
        for c in &self.communities {
            let (platform, _) = crate::domain::identity::parse_qualified(&c.community)
                .map_err(|e| anyhow::anyhow!("tips.communities.community: {e}"))?;
            if let Some(m) = moderation("tips.communities.moderation", c.moderation.as_deref())? {
                out.moderation.push((c.community.clone(), m));
            }
            let Some(channel) = &c.weekly_channel else {
                continue;
            };
            let day = c.weekly_day.as_deref().unwrap_or("monday");
            let time = c.weekly_time.as_deref().unwrap_or("09:00");
            let zone = c.weekly_zone.as_deref().unwrap_or(default_zone);
            let schedule = WeeklySchedule {
                weekday: parse_weekday(day)
                    .map_err(|e| anyhow::anyhow!("tips.communities.weekly_day: {e}"))?,
                time: parse_time(time)
                    .map_err(|e| anyhow::anyhow!("tips.communities.weekly_time: {e}"))?,
                zone: parse_zone(zone)
                    .map_err(|e| anyhow::anyhow!("tips.communities.weekly_zone: {e}"))?,
                quiet: None,
            };
            out.weekly.push(WeeklyTips {
                community: c.community.clone(),
                channel: format!("{}:{}", platform.code(), channel.trim()),
                schedule,
            });
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use crate::config::Config;
    use crate::domain::tips::Moderation;

    #[test]
    fn tips_settings_are_read_per_community_and_bad_values_are_named() {
        let c = Config::from_toml(
            "[tips]\n[[tips.communities]]\ncommunity = \"console:lab\"\nmoderation = \"after\"\n\
             weekly_channel = \"tips\"\nweekly_day = \"friday\"\nweekly_time = \"8am\"\n",
        )
        .unwrap();
        let s = c.tips.settings("America/New_York").unwrap();
        assert_eq!(s.moderation("console:lab"), Moderation::After);
        assert_eq!(s.moderation("console:other"), Moderation::Before);
        assert_eq!(s.weekly[0].channel, "console:tips");
        let err = Config::from_toml("[tips]\nmoderation = \"later\"\n").unwrap_err();
        assert!(format!("{err:#}").contains("tips.moderation"), "{err:#}");
    }
}
