//! `/healthz` and `/metrics` of a bot connected to a real Synapse: the Matrix adapter shows
//! connected once it syncs, and its commands are counted without naming anyone.

use std::time::Duration;

use super::community;
use crate::support::{BotAccount, Human, PASSWORD};

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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn healthz_shows_matrix_connected_and_metrics_count_its_commands_naming_nobody() {
    let host = Human::new("ophost").await;
    let bot = BotAccount::new().await;
    let (room, alias) = community(&host, &bot, &[]).await;
    let running = bot
        .start_full(
            &[(&alias, None)],
            None,
            &["localhost"],
            "\n[ops]\nlisten = \"127.0.0.1:0\"\n",
        )
        .ready()
        .await;
    let line = running.wait_line("health and metrics on http://").await;
    let rest = &line[line.find("http://").expect("an address")..];
    let base = &rest[..rest.find("/healthz").expect("the /healthz path")];

    let (status, health) = get(&format!("{base}/healthz")).await;
    assert_eq!(status, 200, "{health}");
    assert!(health.contains("\"matrix\":\"connected\""), "{health}");
    assert!(health.contains("\"database\":\"ok\""), "{health}");

    let mark = host.mark();
    let asked = host.say(&room, "!findgroup night shift burnout").await;
    host.wait_for(mark, "the answer to !findgroup", |s| {
        s.sender == bot.user_id() && s.in_reply_to.as_ref() == Some(&asked)
    })
    .await;
    let (status, metrics) = get(&format!("{base}/metrics")).await;
    assert_eq!(status, 200);
    for line in [
        "labcircle_commands_total{command=\"findgroup\",outcome=\"ok\"} 1",
        "labcircle_command_duration_seconds_count{command=\"findgroup\"} 1",
        "labcircle_adapter_connected{adapter=\"matrix\"} 1",
        "labcircle_adapter_reconnects_total{adapter=\"matrix\"} 0",
    ] {
        assert!(
            metrics.lines().any(|l| l == line),
            "no {line} in:\n{metrics}"
        );
    }
    // No user, room or server name, nothing typed, no password.
    for private in [
        host.name.as_str(),
        bot.name.as_str(),
        room.as_str(),
        alias.as_str(),
        "localhost",
        "night shift",
        "burnout",
        PASSWORD,
    ] {
        assert!(
            !metrics.contains(private),
            "{private} in /metrics:\n{metrics}"
        );
        assert!(!health.contains(private), "{private} in /healthz: {health}");
    }
    assert!(!running.output().contains(PASSWORD), "{}", running.output());
}
