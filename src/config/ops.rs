//! `[ops]`: the operator's HTTP endpoints (`/healthz`, `/metrics`). Absent: not served.

use std::net::SocketAddr;

use serde::{Deserialize, Deserializer};

/// Where `/healthz` and `/metrics` are served.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Ops {
    /// Address and port, e.g. `127.0.0.1:9187` (port 0: any free port, said at start).
    #[serde(deserialize_with = "socket_addr")]
    pub listen: SocketAddr,
}

fn socket_addr<'de, D: Deserializer<'de>>(d: D) -> Result<SocketAddr, D::Error> {
    let text = String::deserialize(d)?;
    text.trim().parse().map_err(|_| {
        serde::de::Error::custom(format!(
            "ops.listen must be an IP address and port such as \"127.0.0.1:9187\" or \
             \"[::1]:9187\", not {text:?}"
        ))
    })
}

#[cfg(test)]
mod tests {
    use crate::config::Config;

    #[test]
    fn ops_is_off_by_default_and_a_bad_address_says_what_is_accepted() {
        assert!(Config::from_toml("").unwrap().ops.is_none());
        let on = Config::from_toml("[ops]\nlisten = \"127.0.0.1:9187\"\n").unwrap();
        assert_eq!(on.ops.unwrap().listen.port(), 9187);
        let err = format!(
            "{:#}",
            Config::from_toml("[ops]\nlisten = \"localhost\"\n").unwrap_err()
        );
        assert!(err.contains("127.0.0.1:9187") && err.contains("localhost"), "{err}");
    }
}
