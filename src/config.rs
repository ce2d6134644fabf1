//! Typed configuration: defaults, then the config file, then environment variables.
//!
//! Unknown keys and bad values are refused with the key's name and what is accepted.
//! `config.example.toml` documents every setting and is checked by a test.

use std::path::{Path, PathBuf};

use anyhow::Context;
use serde::Deserialize;

/// Environment variable that chooses the data directory.
pub const ENV_DATA_DIR: &str = "LABCIRCLE_DATA_DIR";
/// Environment variable that sets the log filter.
pub const ENV_LOG: &str = "LABCIRCLE_LOG";

/// The whole configuration.
#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Config {
    #[serde(default)]
    pub storage: Storage,
    #[serde(default)]
    pub community: Community,
    #[serde(default)]
    pub directory: Directory,
    #[serde(default)]
    pub log: Log,
}

/// Where state is kept.
#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Storage {
    /// Directory for the SQLite database. Default: the platform's data directory.
    pub data_dir: Option<PathBuf>,
}

/// Settings of the community the bot serves.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
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

/// The support-group directory.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Directory {
    /// Seed the shipped directory into an empty database on first start.
    #[serde(default = "yes")]
    pub seed: bool,
}

impl Default for Directory {
    fn default() -> Self {
        Self { seed: true }
    }
}

fn yes() -> bool {
    true
}

/// Logging (to standard error).
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
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
        if !valid_log_filter(&self.log.level) {
            anyhow::bail!(
                "log.level: \"{}\" is not a log filter; use error, warn, info, debug or trace",
                self.log.level
            );
        }
        Ok(())
    }

    /// Applies environment overrides (`LABCIRCLE_DATA_DIR`, `LABCIRCLE_LOG`).
    pub fn apply_env(&mut self) {
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
    }

    #[test]
    fn an_empty_config_gives_the_defaults() {
        assert_eq!(Config::from_toml("").unwrap(), Config::default());
    }

    #[test]
    fn unknown_keys_are_named() {
        let err = Config::from_toml("[community]\ndefault_tz = \"UTC\"\n").unwrap_err();
        let text = format!("{err:#}");
        assert!(text.contains("default_tz"), "{text}");
        assert!(text.contains("default_timezone"), "{text}");
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
