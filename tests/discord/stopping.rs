//! Stopping at any moment: SIGTERM or Ctrl-C while the bot connects to Discord or registers
//! its commands ends the process within 5 s with exit code 0, even when Discord never answers.

use super::*;
use crate::silent::{Silent, stops_within_five_seconds};

/// Starts `labcircle run` with Discord's API at `api`.
fn launch(home: &Home, api: &str) -> Process {
    home.config(&format!(
        "[storage]\ndata_dir = \"{data}\"\n\
         [discord]\napplication_id = \"{APPLICATION_ID}\"\napi_base = \"{api}\"\n\
         guilds = [\"{GUILD_ID}\"]\n",
        data = home.data_dir().display(),
    ));
    home.launch_with_config()
        .arg("run")
        .env("LABCIRCLE_DISCORD_TOKEN", "fake-token-for-tests")
        .env("LABCIRCLE_LOG", "warn")
        .start()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_while_connecting_to_a_discord_that_never_answers_ends_the_process_at_once() {
    let silent = Silent::start().await;
    let home = Home::new();
    let mut bot = launch(&home, &silent.url);
    silent.wait_connected(Duration::from_secs(10)).await;
    assert!(silent.connections() > 0, "{}", bot.output());

    stops_within_five_seconds(&mut bot, "TERM").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ctrl_c_while_connecting_to_a_discord_that_never_answers_ends_the_process_at_once() {
    let silent = Silent::start().await;
    let home = Home::new();
    let mut bot = launch(&home, &silent.url);
    silent.wait_connected(Duration::from_secs(10)).await;
    assert!(silent.connections() > 0, "{}", bot.output());

    stops_within_five_seconds(&mut bot, "INT").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_while_registering_commands_that_discord_never_answers_ends_the_process_at_once() {
    let fake = FakeDiscord::start().await;
    fake.hang_next("PUT", "/commands");
    let home = Home::new();
    let mut bot = launch(&home, &fake.api_base);
    fake.wait_calls("PUT", "/commands", 1).await;
    assert!(!bot.stdout().contains("discord: ready"), "{}", bot.output());

    stops_within_five_seconds(&mut bot, "TERM").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_while_discord_never_says_where_its_gateway_is_ends_the_process_at_once() {
    let fake = FakeDiscord::start().await;
    fake.hang_next("GET", "/gateway/bot");
    let home = Home::new();
    let mut bot = launch(&home, &fake.api_base);
    fake.wait_calls("GET", "/gateway/bot", 1).await;

    stops_within_five_seconds(&mut bot, "TERM").await;
}
