//! `[pairing]`: when introduction rounds run, and whether a community pairs its own members or
//! joins everyone opted in across the deployment (small servers have few members).

use serde::Deserialize;

/// When and among whom pairing rounds run.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Pairing {
    /// The day rounds run on.
    #[serde(default = "default_weekday")]
    pub weekday: String,
    /// The local time rounds run at (24-hour, like 10:00).
    #[serde(default = "default_time")]
    pub time: String,
    /// The rounds' time zone; default: `community.default_timezone`.
    pub zone: Option<String>,
    /// Weeks between rounds (1 to 4).
    #[serde(default = "default_every")]
    pub every_weeks: u32,
    /// `community`: each community pairs its own members; `deployment`: everyone together.
    #[serde(default = "default_scope")]
    pub scope: String,
    /// Communities (`platform:id`, like `discord:1234`) that choose otherwise than `scope`.
    #[serde(default)]
    pub communities: Vec<PairingCommunity>,
}

/// One community's choice of scope.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PairingCommunity {
    /// `platform:id`, like `discord:1234` or `console:lab`.
    pub community: String,
    /// `community` or `deployment`.
    pub scope: String,
}

impl Default for Pairing {
    fn default() -> Self {
        Self {
            weekday: default_weekday(),
            time: default_time(),
            zone: None,
            every_weeks: default_every(),
            scope: default_scope(),
            communities: Vec::new(),
        }
    }
}

impl Pairing {
    /// Checks the values types cannot.
    pub fn validate(&self) -> anyhow::Result<()> {
        use crate::domain::time_words::{parse_time, parse_weekday, parse_zone};
        parse_weekday(&self.weekday).map_err(|e| anyhow::anyhow!("pairing.weekday: {e}"))?;
        parse_time(&self.time).map_err(|e| anyhow::anyhow!("pairing.time: {e}"))?;
        if let Some(zone) = &self.zone {
            parse_zone(zone).map_err(|e| anyhow::anyhow!("pairing.zone: {e}"))?;
        }
        if !(1..=4).contains(&self.every_weeks) {
            anyhow::bail!(
                "pairing.every_weeks: {} is not allowed; use 1 to 4",
                self.every_weeks
            );
        }
        let scope = |where_: &str, s: &str| -> anyhow::Result<()> {
            match s {
                "community" | "deployment" => Ok(()),
                other => anyhow::bail!(
                    "{where_}: \"{other}\" is not a scope; use \"community\" or \"deployment\""
                ),
            }
        };
        scope("pairing.scope", &self.scope)?;
        for c in &self.communities {
            if !c.community.contains(':') {
                anyhow::bail!(
                    "pairing.communities: \"{}\" is not platform:id (like discord:1234)",
                    c.community
                );
            }
            scope("pairing.communities.scope", &c.scope)?;
        }
        Ok(())
    }
}

fn default_weekday() -> String {
    "tuesday".to_owned()
}

fn default_time() -> String {
    "10:00".to_owned()
}

fn default_every() -> u32 {
    2
}

fn default_scope() -> String {
    "community".to_owned()
}

#[cfg(test)]
mod tests {
    use crate::config::Config;

    #[test]
    fn a_bad_pairing_scope_or_day_is_refused_with_the_key_and_what_is_accepted() {
        let err = Config::from_toml("[pairing]\nscope = \"planet\"\n")
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("pairing.scope") && err.contains("deployment"),
            "{err}"
        );
        let err = Config::from_toml("[pairing]\nweekday = \"someday\"\n")
            .unwrap_err()
            .to_string();
        assert!(err.contains("pairing.weekday"), "{err}");
        let ok = Config::from_toml(
            "[pairing]\nscope = \"community\"\n[[pairing.communities]]\n\
             community = \"console:small\"\nscope = \"deployment\"\n",
        )
        .unwrap();
        assert_eq!(ok.pairing.communities.len(), 1);
    }
}
