//! `/healthz` and `/metrics` of a bot connected to Discord: connected after Ready, 503 while the
//! gateway cannot be reached, connected again (one reconnect counted) once it can.

use super::*;

/// The address the bot printed for its health and metrics endpoints.
async fn ops_base(bot: &Labcircle) -> String {
    let line = bot.process.wait_line("health and metrics on http://").await;
    let start = line.find("http://").expect("an address");
    let rest = &line[start..];
    rest[..rest.find("/healthz").expect("the /healthz path")].to_owned()
}

async fn get(url: &str) -> (u16, String) {
    let client = reqwest::Client::builder()
        .no_proxy()
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap();
    let response = client.get(url).send().await.expect("GET");
    let status = response.status().as_u16();
    (status, response.text().await.expect("a body"))
}

/// Asks `/healthz` until it answers `status`, and returns its body.
async fn healthz_until(base: &str, status: u16, within: Duration) -> String {
    let deadline = tokio::time::Instant::now() + within;
    loop {
        let (now, body) = get(&format!("{base}/healthz")).await;
        if now == status {
            return body;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "/healthz still {now} after {within:?}, not {status}: {body}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn healthz_shows_discord_connected_after_ready_and_503_while_the_gateway_is_gone() {
    let fake = FakeDiscord::start().await;
    let bot = Labcircle::start_with(&fake, "\n[ops]\nlisten = \"127.0.0.1:0\"\n").await;
    let base = ops_base(&bot).await;

    let healthy = healthz_until(&base, 200, Duration::from_secs(10)).await;
    assert!(healthy.contains("\"discord\":\"connected\""), "{healthy}");
    assert!(healthy.contains("\"database\":\"ok\""), "{healthy}");

    // The network goes: the connection drops and cannot be made again.
    fake.unreachable(true);
    fake.drop_connection();
    let down = healthz_until(&base, 503, Duration::from_secs(20)).await;
    assert!(down.contains("\"discord\":\"disconnected\""), "{down}");
    assert!(down.contains("\"down\":[\"discord\"]"), "{down}");
    assert!(down.contains("\"database\":\"ok\""), "the database is fine: {down}");

    // It comes back: the bot reconnects by itself, and says so in /metrics.
    fake.unreachable(false);
    let back = healthz_until(&base, 200, Duration::from_secs(60)).await;
    assert!(back.contains("\"discord\":\"connected\""), "{back}");
    let (_, metrics) = get(&format!("{base}/metrics")).await;
    assert!(
        metrics
            .lines()
            .any(|l| l == "labcircle_adapter_reconnects_total{adapter=\"discord\"} 1"),
        "{metrics}"
    );
    assert!(
        metrics
            .lines()
            .any(|l| l == "labcircle_adapter_connected{adapter=\"discord\"} 1"),
        "{metrics}"
    );
}
