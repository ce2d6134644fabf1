//! Whether each configured adapter is connected to its platform, for `/healthz` and the
//! reconnect counter in `/metrics`.
//!
//! Adapters report three moments: [`Health::expect`] when they are configured (not yet
//! connected), [`Health::up`] when the platform says they are connected (Discord's Ready or
//! Resumed, a Matrix sync that came back) and [`Health::down`] when the connection is lost. A
//! connection after a loss counts as a reconnect.
//!
//! One `std::sync::Mutex` over a small map rather than atomics per adapter: adapters are added
//! at start-up by name, reports are rare (a connection changing state) and no lock is held
//! across an `.await`.

use std::collections::BTreeMap;
use std::sync::{Mutex, PoisonError};

/// The connection state of every configured adapter. Cheap to share (`Arc<Health>`).
#[derive(Debug, Default)]
pub struct Health {
    adapters: Mutex<BTreeMap<&'static str, State>>,
}

#[derive(Debug, Default, Clone, Copy)]
struct State {
    connected: bool,
    /// Connected at least once: a later connection is a reconnect.
    ever: bool,
    reconnects: u64,
}

/// One adapter's state as `/healthz` and `/metrics` show it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AdapterHealth {
    /// The adapter's name (`discord`, `matrix`, `console`).
    pub name: &'static str,
    pub connected: bool,
    /// Connections after a lost one, since the process started.
    pub reconnects: u64,
}

impl Health {
    pub fn new() -> Self {
        Self::default()
    }

    fn with<R>(&self, f: impl FnOnce(&mut BTreeMap<&'static str, State>) -> R) -> R {
        // A poisoned map only means a panic elsewhere while it was held; its states are
        // plain values and still right.
        f(&mut self.adapters.lock().unwrap_or_else(PoisonError::into_inner))
    }

    /// `adapter` is configured: it counts for `/healthz` from now on, down until [`Health::up`].
    pub fn expect(&self, adapter: &'static str) {
        self.with(|m| {
            m.entry(adapter).or_default();
        });
    }

    /// `adapter` is connected (a connection after a lost one counts as a reconnect).
    pub fn up(&self, adapter: &'static str) {
        self.with(|m| {
            let s = m.entry(adapter).or_default();
            if s.ever && !s.connected {
                s.reconnects += 1;
            }
            s.connected = true;
            s.ever = true;
        });
    }

    /// `adapter` lost its connection (it may be trying again).
    pub fn down(&self, adapter: &'static str) {
        self.with(|m| m.entry(adapter).or_default().connected = false);
    }

    /// Every configured adapter, by name.
    pub fn adapters(&self) -> Vec<AdapterHealth> {
        self.with(|m| {
            m.iter()
                .map(|(name, s)| AdapterHealth {
                    name,
                    connected: s.connected,
                    reconnects: s.reconnects,
                })
                .collect()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_adapter_is_down_until_it_connects_and_a_second_connection_is_a_reconnect() {
        let health = Health::new();
        health.expect("discord");
        assert!(!health.adapters()[0].connected);
        health.up("discord");
        health.up("discord");
        assert_eq!(
            health.adapters()[0].reconnects,
            0,
            "Ready twice is one connection"
        );
        health.down("discord");
        assert!(!health.adapters()[0].connected);
        health.up("discord");
        let discord = &health.adapters()[0];
        assert!(discord.connected);
        assert_eq!(discord.reconnects, 1);
    }
}
