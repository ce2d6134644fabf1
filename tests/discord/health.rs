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
    assert!(
        down.contains("\"database\":\"ok\""),
        "the database is fine: {down}"
    );

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

/// Asks `/metrics` until `series` reads at least `at_least`, and returns the whole text.
async fn metrics_until(base: &str, series: &str, at_least: f64) -> String {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    loop {
        let (status, text) = get(&format!("{base}/metrics")).await;
        assert_eq!(status, 200, "{text}");
        if read(&text, series) >= at_least {
            return text;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "{series} never reached {at_least}:\n{text}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// The value of `series` (`name{labels}`) in a scrape, 0 when absent.
fn read(text: &str, series: &str) -> f64 {
    text.lines()
        .find_map(|l| l.strip_prefix(series)?.strip_prefix(' ')?.parse().ok())
        .unwrap_or(0.0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metrics_count_commands_rsvps_and_deliveries_sent_and_failed_and_name_nobody() {
    let fake = FakeDiscord::start().await;
    let bot = Labcircle::start_with(&fake, "\n[ops]\nlisten = \"127.0.0.1:0\"\n").await;
    let base = ops_base(&bot).await;
    healthz_until(&base, 200, Duration::from_secs(10)).await;

    // A search in the member's own words, and a meetup with one place.
    let asked = fake.slash(
        &user(2, "ruth"),
        NONE,
        &["findgroup"],
        json!([string("words", "night shift burnout support")]),
    );
    fake.callback(&asked).await;
    let id = fake.slash(
        &user(1, "olga"),
        MANAGE_EVENTS,
        &["meetup", "create"],
        json!([
            string("title", "Histo night out"),
            string("when", "Dec 10 6:30pm"),
            string("where", "Brewpub on 5th"),
            string("capacity", "1")
        ]),
    );
    let answer = fake.callback(&id).await;
    assert!(
        answer.text().contains("Histo night out"),
        "{}",
        answer.text()
    );
    let posts = fake
        .wait_calls("POST", &format!("/channels/{ANNOUNCEMENTS_ID}/messages"), 1)
        .await;
    let message = posts[0].created.clone().unwrap();
    fake.wait_calls("PUT", "/reactions/", 3).await;

    // Bob takes the place, cat is told by DM she is on the waitlist (sent)...
    fake.react(&user(4, "bob"), ANNOUNCEMENTS_ID, &message, "✅", true);
    shows(&fake, "1", "1 / 1 going").await;
    fake.react(&user(5, "cat"), ANNOUNCEMENTS_ID, &message, "✅", true);
    let sent = "labcircle_deliveries_total{platform=\"discord\",outcome=\"sent\"}";
    metrics_until(&base, sent, 1.0).await;
    // ...and when bob takes it back, Discord refuses her promotion DM (403: DMs closed), so
    // that delivery fails for good.
    fake.fail_next("POST", "/messages", 403);
    fake.react(&user(4, "bob"), ANNOUNCEMENTS_ID, &message, "✅", false);
    let failed = "labcircle_deliveries_total{platform=\"discord\",outcome=\"failed\"}";
    let text = metrics_until(&base, failed, 1.0).await;

    for (series, expected) in [
        (failed, 1.0),
        ("labcircle_outbox_deliveries{status=\"failed\"}", 1.0),
        ("labcircle_outbox_deliveries{status=\"waiting\"}", 0.0),
        // Bob, then cat when she moved up from the waitlist.
        ("labcircle_rsvp_changes_total{status=\"going\"}", 2.0),
        ("labcircle_rsvp_changes_total{status=\"withdrawn\"}", 1.0),
        ("labcircle_rsvp_changes_total{status=\"waitlisted\"}", 1.0),
        ("labcircle_adapter_connected{adapter=\"discord\"}", 1.0),
        (
            "labcircle_commands_total{command=\"findgroup\",outcome=\"ok\"}",
            1.0,
        ),
    ] {
        assert_eq!(read(&text, series), expected, "{series}:\n{text}");
    }
    assert!(read(&text, sent) >= 1.0, "{text}");
    assert!(
        read(
            &text,
            "labcircle_command_duration_seconds_count{command=\"meetup create\"}"
        ) >= 1.0,
        "{text}"
    );
    // Nobody's name or id, nothing typed, no server, channel or message id, no token, and
    // not Discord's refusal either.
    let (_, health) = get(&format!("{base}/healthz")).await;
    for private in [
        "ruth",
        "olga",
        "bob",
        "cat",
        "night shift",
        "burnout",
        "Histo",
        "Brewpub",
        "800000000000000",
        GUILD_ID,
        ANNOUNCEMENTS_ID,
        APPLICATION_ID,
        message.as_str(),
        "fake-token-for-tests",
        "Discord answered",
    ] {
        assert!(!text.contains(private), "{private} in /metrics:\n{text}");
        assert!(!health.contains(private), "{private} in /healthz: {health}");
    }
    let said = bot.process.output();
    assert!(!said.contains("fake-token-for-tests"), "{said}");
}
