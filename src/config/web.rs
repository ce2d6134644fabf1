//! `[web]`: the public directory web page that `labcircle run` also serves when configured.

use std::net::SocketAddr;

use serde::Deserialize;

/// The public directory web page.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Web {
    /// Address and port to listen on, e.g. `127.0.0.1:8080` (port 0: any free port, printed
    /// at start). Put a TLS-terminating reverse proxy in front for the public.
    pub listen: SocketAddr,
    /// Reports one client address may send through the page per hour.
    #[serde(default = "default_reports_per_hour")]
    pub reports_per_hour: u32,
    /// Search result pages kept ready in memory (0: none). A kept page is served again only
    /// while the directory, the link check's verdicts and the day are unchanged.
    #[serde(default = "default_page_cache")]
    pub page_cache: usize,
}

fn default_reports_per_hour() -> u32 {
    5
}

fn default_page_cache() -> usize {
    256
}

impl Web {
    pub(super) fn validate(&self) -> anyhow::Result<()> {
        if !(1..=100).contains(&self.reports_per_hour) {
            anyhow::bail!(
                "web.reports_per_hour: {} is out of range; write a number from 1 to 100",
                self.reports_per_hour
            );
        }
        if self.page_cache > 10_000 {
            anyhow::bail!(
                "web.page_cache: {} is out of range; write a number from 0 (none) to 10000 \
                 (pages of about 10 KB each)",
                self.page_cache
            );
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use crate::config::Config;

    #[test]
    fn the_web_page_is_off_by_default_and_its_address_and_limit_are_checked() {
        assert!(Config::from_toml("").unwrap().web.is_none());
        let on = Config::from_toml("[web]\nlisten = \"127.0.0.1:8080\"\n").unwrap();
        let web = on.web.expect("[web] read");
        assert_eq!(web.listen.port(), 8080);
        assert_eq!(web.reports_per_hour, 5);
        assert_eq!(web.page_cache, 256);
        let bad = Config::from_toml("[web]\nlisten = \"localhost\"\n").unwrap_err();
        assert!(format!("{bad:#}").contains("listen"), "{bad:#}");
        let bad = Config::from_toml("[web]\nlisten = \"127.0.0.1:1\"\nreports_per_hour = 0\n")
            .unwrap_err();
        assert!(bad.to_string().contains("web.reports_per_hour"), "{bad}");
        let bad =
            Config::from_toml("[web]\nlisten = \"127.0.0.1:1\"\npage_cache = 20000\n").unwrap_err();
        assert!(bad.to_string().contains("web.page_cache"), "{bad}");
    }
}
