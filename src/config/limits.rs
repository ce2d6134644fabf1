//! `[limits]`: how much one member may ask of the bot.
//!
//! Commands per minute are counted in memory (a keyed rate limiter in the running process: a
//! restart forgets them, which a minute's window can afford). Suggestions and meetups per day
//! are counted from the database (rows in the last 24 hours), so a restart or a second process
//! does not reset them.

use serde::Deserialize;

/// Per-member limits.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Limits {
    /// Commands one member may send per minute (in bursts up to this many).
    #[serde(default = "default_commands")]
    pub commands_per_minute: u32,
    /// Directory suggestions one member may send in 24 hours.
    #[serde(default = "default_suggestions")]
    pub suggestions_per_day: u32,
    /// Meetups one organizer may create in 24 hours (a series counts once).
    #[serde(default = "default_meetups")]
    pub meetups_per_day: u32,
    /// Check-ins one member may have in 24 hours, counting those opened with `/checkin now`
    /// (stopping or pausing closes the open one, so "one at a time" alone is no limit).
    #[serde(default = "default_checkin_now")]
    pub checkin_now_per_day: u32,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            commands_per_minute: default_commands(),
            suggestions_per_day: default_suggestions(),
            meetups_per_day: default_meetups(),
            checkin_now_per_day: default_checkin_now(),
        }
    }
}

impl Limits {
    /// Refuses limits of zero (nobody could use the bot) and absurd ones.
    pub fn validate(&self) -> anyhow::Result<()> {
        let checks = [
            ("commands_per_minute", self.commands_per_minute, 10_000),
            ("suggestions_per_day", self.suggestions_per_day, 10_000),
            ("meetups_per_day", self.meetups_per_day, 1_000),
            ("checkin_now_per_day", self.checkin_now_per_day, 24),
        ];
        for (name, value, most) in checks {
            if !(1..=most).contains(&value) {
                anyhow::bail!("limits.{name}: {value} is not allowed; use 1 to {most}");
            }
        }
        Ok(())
    }
}

fn default_commands() -> u32 {
    20
}

fn default_suggestions() -> u32 {
    5
}

fn default_meetups() -> u32 {
    10
}

fn default_checkin_now() -> u32 {
    3
}

#[cfg(test)]
mod tests {
    use crate::config::Config;

    fn read(text: &str) -> anyhow::Result<Config> {
        let config: Config = toml::from_str(text)?;
        config.validate()?;
        Ok(config)
    }

    #[test]
    fn defaults_are_generous_for_normal_use() {
        let c = read("").unwrap();
        assert_eq!(
            (
                c.limits.commands_per_minute,
                c.limits.suggestions_per_day,
                c.limits.meetups_per_day
            ),
            (20, 5, 10)
        );
        let c = read("[limits]\nsuggestions_per_day = 2\n").unwrap();
        assert_eq!(c.limits.suggestions_per_day, 2);
    }

    #[test]
    fn zero_and_unknown_limits_are_refused_by_name() {
        let e = read("[limits]\ncommands_per_minute = 0\n").unwrap_err();
        assert!(
            e.to_string()
                .contains("limits.commands_per_minute: 0 is not allowed; use 1 to 10000"),
            "{e}"
        );
        let e = read("[limits]\nmeetups_per_week = 3\n").unwrap_err();
        assert!(e.to_string().contains("meetups_per_week"), "{e}");
    }
}
