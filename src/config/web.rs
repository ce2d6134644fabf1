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
}

fn default_reports_per_hour() -> u32 {
    5
}

impl Web {
    pub(super) fn validate(&self) -> anyhow::Result<()> {
        if !(1..=100).contains(&self.reports_per_hour) {
            anyhow::bail!(
                "web.reports_per_hour: {} is out of range; write a number from 1 to 100",
                self.reports_per_hour
            );
        }
        Ok(())
    }
}
