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
    // Any TOML value, so that a bare port (`listen = 9187`) gets the same message as a bad
    // string rather than serde's "invalid type".
    let value = toml::Value::deserialize(d)?;
    let parsed = match &value {
        toml::Value::String(text) => text.trim().parse().ok(),
        _ => None,
    };
    parsed.ok_or_else(|| {
        let shown = match &value {
            toml::Value::String(text) => format!("{text:?}"),
            other => other.to_string(),
        };
        serde::de::Error::custom(format!(
            "ops.listen must be an IP address and port in quotes, such as \"127.0.0.1:9187\" \
             or \"[::1]:9187\", not {shown}"
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
        assert!(
            err.contains("127.0.0.1:9187") && err.contains("localhost"),
            "{err}"
        );
        let err = format!(
            "{:#}",
            Config::from_toml("[ops]\nlisten = 9187\n").unwrap_err()
        );
        assert!(
            err.contains("ops.listen") && err.contains("not 9187"),
            "{err}"
        );
    }
}
