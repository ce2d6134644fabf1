//! What the bot logs at its most verbose: never the bot token, an interaction token, a DM's
//! text, a check-in note or a mood answer, however the level is spelled.

use super::*;

/// A note key (32 bytes, base64), so that notes are kept.
const NOTE_KEY: &str = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=";
/// A bot token shaped like Discord's, to be looked for in the logs.
const BOT_TOKEN: &str = "MTA4NzQ1NjE3ODk0NTYxNzg5.GlogTs.never-in-the-logs-0123456789abc";
const DM_TEXT: &str = "dm words only for the bot about the zebrafish bench";
const NOTE: &str = "note words about the quiet centrifuge";

/// Starts `labcircle run` against the fake with `LABCIRCLE_LOG=level`.
async fn start_logging(fake: &FakeDiscord, level: &str) -> Labcircle {
    let home = Home::new();
    home.config(&format!(
        "[storage]\ndata_dir = \"{data}\"\n\
         [discord]\napplication_id = \"{APPLICATION_ID}\"\napi_base = \"{api}\"\n\
         guilds = [\"{GUILD_ID}\"]\n",
        data = home.data_dir().display(),
        api = fake.api_base,
    ));
    let process = home
        .launch_with_config()
        .args(["run", "--clock", MONDAY_8AM])
        .env("LABCIRCLE_DISCORD_TOKEN", BOT_TOKEN)
        .env("LABCIRCLE_NOTE_KEY", NOTE_KEY)
        .env("LABCIRCLE_LOG", level)
        .wait(Duration::from_secs(30))
        .start();
    process.next_line("discord: ready").await;
    Labcircle {
        process,
        _home: home,
    }
}

/// A DM, a check-in answered with a mood and a note, at `level`: the logs hold none of them.
async fn nothing_private_is_logged_at(level: &str) {
    let fake = FakeDiscord::start().await;
    let mut bot = start_logging(&fake, level).await;
    let una = user(60, "una");

    let dm = fake.dm(&una, DM_TEXT);
    fake.wait_calls("POST", &format!("/channels/{dm}/messages"), 1)
        .await;

    let start = fake.slash(
        &una,
        NONE,
        &["checkin", "start"],
        json!([string("day_time_timezone", "Monday 9am Eastern")]),
    );
    fake.callback(&start).await;
    let now = fake.slash(&una, NONE, &["checkin", "now"], json!([]));
    fake.callback(&now).await;
    let answer = fake.slash(
        &una,
        NONE,
        &["checkin", "answer"],
        json!([string("mood", "struggling"), string("note", NOTE)]),
    );
    let answered = fake.callback(&answer).await;
    let said = answered.text();
    assert!(said.contains("Recorded"), "{said}");
    // The answer as the bot said it back ("Recorded: Struggling (1)" or the like).
    let recorded = said
        .lines()
        .find(|l| l.contains("Recorded"))
        .unwrap_or_default()
        .trim()
        .to_owned();
    bot.process.stop().await;

    let log = bot.process.stderr();
    // The level took: the bot's own debug lines are there.
    assert!(log.contains("slash command answered"), "{level}: {log}");
    let interaction_token = format!("token-{answer}");
    for (what, secret) in [
        ("the bot token", BOT_TOKEN),
        ("part of the bot token", "never-in-the-logs"),
        ("an interaction token", interaction_token.as_str()),
        ("the DM's text", DM_TEXT),
        ("part of the DM", "zebrafish"),
        ("the note", NOTE),
        ("part of the note", "quiet centrifuge"),
        ("the mood answer", "struggling"),
        ("the mood as recorded", recorded.as_str()),
    ] {
        assert!(
            secret.is_empty() || !log.contains(secret),
            "{level}: {what} ({secret:?}) is in the logs:\n{log}"
        );
    }
    assert!(
        !log.contains("token-"),
        "{level}: an interaction token:\n{log}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn at_trace_in_capitals_no_token_dm_note_or_mood_is_logged() {
    nothing_private_is_logged_at("TRACE").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn naming_the_http_and_gateway_libraries_at_trace_logs_no_token_dm_note_or_mood() {
    nothing_private_is_logged_at(
        "trace,serenity=trace,hyper=trace,reqwest=Trace,tungstenite=TRACE",
    )
    .await;
}
