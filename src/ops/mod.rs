//! The operator's side: `/healthz` and `/metrics` over HTTP (`[ops] listen`), the adapters'
//! connection states behind them ([`health`]), the counters ([`metrics`]) and
//! `labcircle backup` ([`backup`]).
//!
//! [`router`] is a plain `axum::Router`, so these routes can be served on their own listener
//! (what [`serve`] does) or merged into another one.

pub mod backup;
pub mod health;
pub mod metrics;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context as _;
use axum::extract::State as Extract;
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use axum::routing::get;
use tokio_util::sync::CancellationToken;

use crate::runtime::Runtime;
use crate::store::Store;

pub use health::Health;
pub use metrics::Metrics;

/// How long `/healthz` waits for the database's write lock before calling it locked.
pub const PROBE: Duration = Duration::from_secs(1);

/// What the endpoints read. Cheap to clone.
#[derive(Clone, Debug)]
pub struct State {
    store: Store,
    health: Arc<Health>,
    metrics: Arc<Metrics>,
}

impl State {
    pub fn new(store: Store, health: Arc<Health>, metrics: Arc<Metrics>) -> Self {
        Self {
            store,
            health,
            metrics,
        }
    }

    /// The state of a running bot: its store, its adapters' health and its counters.
    pub fn of(runtime: &Runtime) -> Self {
        Self::new(
            runtime.bot().store().clone(),
            runtime.health().clone(),
            runtime.bot().metrics().clone(),
        )
    }
}

/// `/healthz` and `/metrics`.
pub fn router(state: State) -> axum::Router {
    axum::Router::new()
        .route("/healthz", get(healthz))
        .route("/metrics", get(metrics))
        .with_state(state)
}

/// `/healthz`: 200 when the database answers and takes writes and every configured adapter is
/// connected; 503 otherwise, saying which part is down. A small JSON body either way.
async fn healthz(Extract(state): Extract<State>) -> impl IntoResponse {
    let database = state.store.probe(PROBE).await;
    let adapters = state.health.adapters();
    let mut down: Vec<&str> = adapters
        .iter()
        .filter(|a| !a.connected)
        .map(|a| a.name)
        .collect();
    if database.is_err() {
        down.insert(0, "database");
    }
    let body = serde_json::json!({
        "status": if down.is_empty() { "ok" } else { "down" },
        "down": down,
        "database": match &database {
            Ok(()) => "ok".to_owned(),
            Err(e) => e.to_string(),
        },
        "adapters": adapters
            .iter()
            .map(|a| {
                let state = if a.connected { "connected" } else { "disconnected" };
                (a.name.to_owned(), serde_json::Value::from(state))
            })
            .collect::<serde_json::Map<_, _>>(),
    });
    let status = if down.is_empty() {
        StatusCode::OK
    } else {
        tracing::warn!(down = ?down, "health check: not healthy");
        StatusCode::SERVICE_UNAVAILABLE
    };
    (
        status,
        [(header::CONTENT_TYPE, "application/json")],
        format!("{body}\n"),
    )
}

/// `/metrics`: Prometheus (OpenMetrics) text.
async fn metrics(Extract(state): Extract<State>) -> impl IntoResponse {
    let outbox = match state.store.outbox_counts().await {
        Ok(counts) => counts,
        Err(e) => {
            // The rest is still worth a scrape; the outbox gauges keep their last values.
            tracing::warn!(error = %e, "metrics: could not count the outbox");
            Vec::new()
        }
    };
    let text = state.metrics.render(&outbox, &state.health.adapters());
    (
        [(
            header::CONTENT_TYPE,
            "application/openmetrics-text; version=1.0.0; charset=utf-8",
        )],
        text,
    )
}

/// Binds `[ops] listen`; a taken or forbidden address stops the start with its reason.
pub async fn bind(addr: SocketAddr) -> anyhow::Result<tokio::net::TcpListener> {
    tokio::net::TcpListener::bind(addr)
        .await
        .with_context(|| format!("cannot listen on {addr} for [ops] (health and metrics)"))
}

/// Serves [`router`] on `listener` until `stop` is cancelled.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: State,
    stop: CancellationToken,
) -> anyhow::Result<()> {
    axum::serve(listener, router(state))
        .with_graceful_shutdown(stop.cancelled_owned())
        .await
        .context("the health and metrics server stopped")
}

/// Binds `listen`, says where on standard error, and serves until `stop` is cancelled (for
/// `labcircle run` and the console).
pub async fn start(
    listen: SocketAddr,
    state: State,
    stop: CancellationToken,
) -> anyhow::Result<tokio::task::JoinHandle<()>> {
    let listener = bind(listen).await?;
    let addr = listener
        .local_addr()
        .context("the [ops] listener's address")?;
    eprintln!("labcircle: health and metrics on http://{addr}/healthz and /metrics");
    Ok(tokio::spawn(async move {
        if let Err(e) = serve(listener, state, stop).await {
            tracing::error!(error = ?e, "health and metrics server failed");
        }
    }))
}
