use std::sync::{Arc, Mutex};

use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::{EnvFilter, Layer, Registry};

use super::capped;

/// Records `target LEVEL` for every event that gets through the filter.
struct Recorder(Arc<Mutex<Vec<String>>>);

impl<S: tracing::Subscriber> Layer<S> for Recorder {
    fn on_event(
        &self,
        event: &tracing::Event<'_>,
        _ctx: tracing_subscriber::layer::Context<'_, S>,
    ) {
        let meta = event.metadata();
        self.0
            .lock()
            .unwrap()
            .push(format!("{} {}", meta.target(), meta.level()));
    }
}

/// Emits a trace, a debug and an info event from each target (as those libraries would).
macro_rules! from {
    ($($target:literal),*) => {$(
        tracing::trace!(target: $target, "x");
        tracing::debug!(target: $target, "x");
        tracing::info!(target: $target, "x");
    )*};
}

/// What gets logged, through the real `EnvFilter`, when the operator writes `filter`.
fn logged(filter: &str) -> Vec<String> {
    let applied = capped(filter);
    let seen = Arc::new(Mutex::new(Vec::new()));
    let subscriber = Registry::default()
        .with(EnvFilter::try_new(&applied).unwrap_or_else(|e| panic!("{applied}: {e}")))
        .with(Recorder(seen.clone()));
    tracing::subscriber::with_default(subscriber, || {
        from!(
            "hyper::proto::h1::role",
            "hyper_util::client::legacy::pool",
            "h2::codec::framed_write",
            "reqwest::connect",
            "rustls::client::hs",
            "serenity::gateway::shard",
            "serenity::http::client",
            "poise::dispatch",
            "tungstenite::protocol",
            "tokio_tungstenite",
            "matrix_sdk::http_client",
            "matrix_sdk_base::client",
            "matrix_sdk_crypto::machine",
            "sqlx::query",
            "tower_http::trace",
            "labcircle::bot"
        );
        let span = tracing::info_span!("request");
        let _inside = span.enter();
        from!("hyper::client", "labcircle::runtime");
    });
    seen.lock().unwrap().clone()
}

/// The events from the capped libraries below info.
fn leaks(logged: &[String]) -> Vec<&String> {
    logged
        .iter()
        .filter(|l| !l.starts_with("labcircle"))
        .filter(|l| l.ends_with("DEBUG") || l.ends_with("TRACE"))
        .collect()
}

#[test]
fn no_spelling_of_trace_or_debug_lifts_the_http_and_gateway_libraries_above_info() {
    for filter in [
        "trace",
        "TRACE",
        "Trace",
        " trace ",
        "5",
        "debug",
        "DEBUG",
        "trace,hyper=trace",
        "TRACE,Hyper=TRACE,SERENITY=Trace",
        "serenity=trace",
        "serenity::gateway=trace",
        "serenity::http::client=trace",
        "hyper=trace",
        "hyper::proto=trace",
        "hyper_util=trace",
        "h2=trace",
        "h=trace",
        "s=trace,m=trace,r=trace,t=trace,p=trace",
        "reqwest=debug",
        "rustls=trace",
        "poise=trace",
        "tungstenite=trace,tokio_tungstenite=trace",
        "matrix_sdk=trace",
        "matrix_sdk::http_client=trace",
        "matrix_sdk_base=trace,matrix_sdk_crypto=trace",
        "sqlx=debug",
        "sqlx::query=trace",
        "tower_http=trace",
        "[request]=trace",
        "[]=trace",
        "hyper[request]=trace",
        "[request{method=POST}]=trace",
        "warn,[request]=TRACE,hyper=trace",
        "labcircle=trace,trace",
        "hyper",
        "serenity",
    ] {
        let logged = logged(filter);
        assert!(
            leaks(&logged).is_empty(),
            "{filter:?} (applied as {:?}) let through {:?}",
            capped(filter),
            leaks(&logged)
        );
    }
}

#[test]
fn the_capped_libraries_still_log_at_info_when_asked() {
    let at_trace = logged("TRACE");
    assert!(at_trace.contains(&"hyper::proto::h1::role INFO".to_owned()));
    assert!(at_trace.contains(&"matrix_sdk_base::client INFO".to_owned()));
    let chosen = logged("reqwest=info,hyper=warn");
    assert!(chosen.contains(&"reqwest::connect INFO".to_owned()));
    assert!(!chosen.contains(&"hyper::proto::h1::role INFO".to_owned()));
}

#[test]
fn serenity_stays_at_warn_so_its_spans_holding_requests_and_events_stay_off() {
    for filter in [
        "TRACE",
        "info",
        "serenity=info",
        "Serenity=DEBUG",
        "[handle_event]=info",
    ] {
        let logged = logged(filter);
        assert!(
            !logged.iter().any(|l| l.starts_with("serenity")),
            "{filter:?} (applied as {:?}): {logged:?}",
            capped(filter)
        );
    }
}

#[test]
fn the_bots_own_logs_follow_the_level_in_any_case() {
    for filter in [
        "TRACE",
        "trace,hyper=trace",
        "labcircle=trace",
        "warn,labcircle=TRACE",
    ] {
        let logged = logged(filter);
        assert!(
            logged.contains(&"labcircle::bot TRACE".to_owned()),
            "{filter:?}: {logged:?}"
        );
    }
    let logged = logged("DEBUG");
    assert!(logged.contains(&"labcircle::bot DEBUG".to_owned()));
    assert!(!logged.contains(&"labcircle::bot TRACE".to_owned()));
}

#[test]
fn a_quiet_filter_stays_quiet_and_is_not_raised_to_a_cap() {
    for filter in ["warn", "WARN", "error", "off", "labcircle=debug"] {
        let logged = logged(filter);
        assert!(
            !logged
                .iter()
                .any(|l| l.ends_with("INFO") && !l.starts_with("labcircle")),
            "{filter:?} (applied as {:?}): {logged:?}",
            capped(filter)
        );
    }
    // What the operator wrote is kept as written, levels spelled in lower case.
    assert_eq!(
        capped("warn"),
        "warn,matrix_sdk::http_client=off,matrix_sdk_crypto::backups=error"
    );
    assert_eq!(capped("labcircle=debug"), "labcircle=debug");
}

#[test]
fn matrix_sdks_noisy_requests_stay_off_unless_the_operator_names_matrix_sdk() {
    let quiet = logged("info");
    assert!(
        !quiet
            .iter()
            .any(|l| l.starts_with("matrix_sdk::http_client")),
        "{quiet:?}"
    );
    assert!(
        quiet.contains(&"matrix_sdk_base::client INFO".to_owned()),
        "{quiet:?}"
    );
    let named = logged("info,matrix_sdk=info");
    assert!(
        named.contains(&"matrix_sdk::http_client INFO".to_owned()),
        "{named:?}"
    );
}

#[test]
fn every_capped_filter_is_one_env_filter_accepts() {
    for filter in [
        "trace",
        "TRACE,hyper=Trace",
        "[x]=trace",
        "h",
        "labcircle=4",
        "3",
    ] {
        let applied = capped(filter);
        assert!(
            EnvFilter::try_new(&applied).is_ok(),
            "{filter:?} -> {applied:?}"
        );
    }
}
