//! What `/metrics` counts, in Prometheus text format (the Prometheus project's
//! `prometheus-client`): commands handled by command and outcome, their latency, RSVP changes,
//! deliveries sent, retried and failed, the outbox by status, and each adapter's connection
//! and reconnects.
//!
//! Labels name only things from fixed lists (a command's name from the command table, an
//! outcome, a platform, an RSVP status, an outbox status): never a member, a room, a server or
//! anything typed, so nothing personal leaves through a scrape.

use std::fmt;
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;

use super::health::AdapterHealth;

/// How a command ended, as counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Answered (whatever the answer).
    Ok,
    /// Refused with a message saying what was wrong (bad input, no permission).
    Refused,
    /// Over the member's per-minute limit: not run.
    Limited,
    /// The database was busy: not run.
    Busy,
    /// Failed on our side.
    Error,
    /// Nothing to answer (a reaction on a post that is not a meetup's, …).
    Ignored,
}

impl Outcome {
    fn label(self) -> &'static str {
        match self {
            Outcome::Ok => "ok",
            Outcome::Refused => "refused",
            Outcome::Limited => "limited",
            Outcome::Busy => "busy",
            Outcome::Error => "error",
            Outcome::Ignored => "ignored",
        }
    }
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct CommandLabels {
    command: &'static str,
    outcome: &'static str,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct CommandName {
    command: &'static str,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RsvpLabels {
    status: &'static str,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct DeliveryLabels {
    platform: &'static str,
    outcome: &'static str,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct StatusLabels {
    status: String,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct AdapterLabels {
    adapter: &'static str,
}

type Latency = Family<CommandName, Histogram, fn() -> Histogram>;

/// The process's counters. Shared as `Arc<Metrics>` by the bot, the runtime and `/metrics`.
pub struct Metrics {
    registry: Registry,
    commands: Family<CommandLabels, Counter>,
    latency: Latency,
    rsvps: Family<RsvpLabels, Counter>,
    deliveries: Family<DeliveryLabels, Counter>,
    outbox: Family<StatusLabels, Gauge>,
    connected: Family<AdapterLabels, Gauge>,
    reconnects: Family<AdapterLabels, Counter>,
    /// One scrape at a time: the gauges set from the database and the adapters, then encoded.
    scrape: Mutex<()>,
}

impl fmt::Debug for Metrics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Metrics").finish_non_exhaustive()
    }
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

/// Latency buckets: 1 ms doubling to about 16 s (a search answers in a few ms; a command
/// waiting on a busy database, in seconds).
fn latency_histogram() -> Histogram {
    Histogram::new(exponential_buckets(0.001, 2.0, 15))
}

impl Metrics {
    pub fn new() -> Self {
        let mut registry = Registry::with_prefix("labcircle");
        let commands = Family::<CommandLabels, Counter>::default();
        registry.register(
            "commands",
            "Commands handled, by command and outcome",
            commands.clone(),
        );
        let latency: Latency = Family::new_with_constructor(latency_histogram);
        registry.register(
            "command_duration_seconds",
            "Time from a command's arrival to its answer, by command",
            latency.clone(),
        );
        let rsvps = Family::<RsvpLabels, Counter>::default();
        registry.register(
            "rsvp_changes",
            "RSVPs recorded, by the status they moved to (withdrawn: taken back)",
            rsvps.clone(),
        );
        let deliveries = Family::<DeliveryLabels, Counter>::default();
        registry.register(
            "deliveries",
            "Outbox deliveries attempted by this process, by platform and outcome",
            deliveries.clone(),
        );
        let outbox = Family::<StatusLabels, Gauge>::default();
        registry.register(
            "outbox_deliveries",
            "Rows in the outbox by status (waiting, sent, failed, skipped), read at scrape time",
            outbox.clone(),
        );
        let connected = Family::<AdapterLabels, Gauge>::default();
        registry.register(
            "adapter_connected",
            "1 while the adapter is connected to its platform, else 0",
            connected.clone(),
        );
        let reconnects = Family::<AdapterLabels, Counter>::default();
        registry.register(
            "adapter_reconnects",
            "Connections made again after a lost one, by adapter",
            reconnects.clone(),
        );
        Self {
            registry,
            commands,
            latency,
            rsvps,
            deliveries,
            outbox,
            connected,
            reconnects,
            scrape: Mutex::new(()),
        }
    }

    /// A command `command` (a name from the command table, or `words`, `unknown`, `reaction`)
    /// ended with `outcome` after `took`.
    pub fn command(&self, command: &'static str, outcome: Outcome, took: Duration) {
        let outcome = outcome.label();
        self.commands
            .get_or_create(&CommandLabels { command, outcome })
            .inc();
        self.latency
            .get_or_create(&CommandName { command })
            .observe(took.as_secs_f64());
    }

    /// An RSVP moved to `status` (`going`, `maybe`, `cant_go`, `waitlisted`, `withdrawn`).
    pub fn rsvp(&self, status: &'static str) {
        self.rsvps.get_or_create(&RsvpLabels { status }).inc();
    }

    /// `count` deliveries for `platform` ended with `outcome` (`sent`, `retried`, `failed`, …).
    pub fn deliveries(&self, platform: &'static str, outcome: &'static str, count: usize) {
        if count > 0 {
            self.deliveries
                .get_or_create(&DeliveryLabels { platform, outcome })
                .inc_by(count as u64);
        }
    }

    /// The text of a scrape: the outbox as counted by status now, and the adapters' states.
    pub fn render(&self, outbox: &[(String, i64)], adapters: &[AdapterHealth]) -> String {
        let _one = self.scrape.lock().unwrap_or_else(PoisonError::into_inner);
        // The three statuses an alert reads are always there, 0 when the outbox has none.
        for status in ["waiting", "sent", "failed"] {
            self.outbox
                .get_or_create(&StatusLabels {
                    status: status.to_owned(),
                })
                .set(0);
        }
        for (status, n) in outbox {
            let status = match status.as_str() {
                "pending" => "waiting".to_owned(),
                other => other.to_owned(),
            };
            self.outbox.get_or_create(&StatusLabels { status }).set(*n);
        }
        for a in adapters {
            let labels = AdapterLabels { adapter: a.name };
            self.connected
                .get_or_create(&labels)
                .set(i64::from(a.connected));
            // The health registry counts; the counter catches up to it (never goes back).
            let counter = self.reconnects.get_or_create(&labels);
            let seen = counter.get();
            if a.reconnects > seen {
                counter.inc_by(a.reconnects - seen);
            }
        }
        let mut text = String::new();
        if let Err(e) = prometheus_client::encoding::text::encode(&mut text, &self.registry) {
            // Writing into a String does not fail; said anyway rather than unwrapped.
            tracing::error!(error = %e, "could not encode the metrics");
        }
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_scrape_counts_commands_by_name_and_outcome_and_names_no_member() {
        let metrics = Metrics::new();
        metrics.command("findgroup", Outcome::Ok, Duration::from_millis(3));
        metrics.command("findgroup", Outcome::Ok, Duration::from_millis(4));
        metrics.command("checkin", Outcome::Refused, Duration::from_millis(1));
        metrics.rsvp("going");
        metrics.deliveries("discord", "sent", 2);
        let adapters = [AdapterHealth {
            name: "discord",
            connected: true,
            reconnects: 1,
        }];
        let text = metrics.render(&[("pending".into(), 4)], &adapters);
        for line in [
            "labcircle_commands_total{command=\"findgroup\",outcome=\"ok\"} 2",
            "labcircle_commands_total{command=\"checkin\",outcome=\"refused\"} 1",
            "labcircle_command_duration_seconds_count{command=\"findgroup\"} 2",
            "labcircle_rsvp_changes_total{status=\"going\"} 1",
            "labcircle_deliveries_total{platform=\"discord\",outcome=\"sent\"} 2",
            "labcircle_outbox_deliveries{status=\"waiting\"} 4",
            "labcircle_outbox_deliveries{status=\"failed\"} 0",
            "labcircle_adapter_connected{adapter=\"discord\"} 1",
            "labcircle_adapter_reconnects_total{adapter=\"discord\"} 1",
        ] {
            assert!(text.lines().any(|l| l == line), "no {line} in:\n{text}");
        }
        // A second scrape does not count the reconnect twice.
        let again = metrics.render(&[], &adapters);
        assert!(again.contains("labcircle_adapter_reconnects_total{adapter=\"discord\"} 1"));
    }
}
