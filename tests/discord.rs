//! The Discord adapter end to end: the real `labcircle run` binary, through serenity and poise,
//! against a fake Discord (REST and gateway on 127.0.0.1).

#[path = "support/fake_discord.rs"]
mod fake_discord;
#[path = "support/process.rs"]
mod process;
#[path = "support/silent.rs"]
mod silent;

#[path = "discord/direct_messages.rs"]
mod direct_messages;
#[path = "discord/health.rs"]
mod health;
#[path = "discord/logs.rs"]
mod logs;
#[path = "discord/notices.rs"]
mod notices;
#[path = "discord/pairing.rs"]
mod pairing;
#[path = "discord/stopping.rs"]
mod stopping;
#[path = "discord/tips.rs"]
mod tips;

use std::time::Duration;

use fake_discord::{ANNOUNCEMENTS_ID, APPLICATION_ID, FakeDiscord, GUILD_ID, OTHER_GUILD_ID};
use process::{Home, Process};
use serde_json::{Value, json};

/// Monday 8:00 in New York.
const MONDAY_8AM: &str = "2026-12-07T08:00:00-05:00";
/// Discord permission bits.
const MANAGE_EVENTS: u64 = 1 << 33;
const MANAGE_GUILD: u64 = 1 << 5;
const NONE: u64 = 0;

/// The directory's moderators named in the config (users 13 and 15): moderation is by
/// identity, whatever their permissions in the server.
const MODERATOR: u64 = 800_000_000_000_000_013;
const READER: u64 = 800_000_000_000_000_015;

/// The bot process, on a fresh data directory.
struct Labcircle {
    process: Process,
    _home: Home,
}

impl Labcircle {
    /// Starts `labcircle run` against the fake and waits for `discord: ready`.
    async fn start(fake: &FakeDiscord) -> Labcircle {
        Labcircle::start_with(fake, "").await
    }

    /// Starts as `start`, with more `[discord]` settings (`allow_any_guild = true`).
    async fn start_with(fake: &FakeDiscord, discord: &str) -> Labcircle {
        let servers = format!(
            "guilds = [\"{GUILD_ID}\"]\n{discord}\n\
             [[discord.communities]]\nguild = \"{GUILD_ID}\"\nannouncements = \"{ANNOUNCEMENTS_ID}\"\n"
        );
        Labcircle::start_in(Home::new(), fake, &servers).await
    }

    /// Starts in `home` (its data kept), with `servers` ending the `[discord]` section.
    async fn start_in(home: Home, fake: &FakeDiscord, servers: &str) -> Labcircle {
        home.config(&format!(
            "[storage]\ndata_dir = \"{data}\"\n\
             [delivery]\ndiscord_per_second = 100\n\
             [directory]\nmoderators = [\"discord:{MODERATOR}\", \"discord:{READER}\"]\n\
             [discord]\napplication_id = \"{APPLICATION_ID}\"\napi_base = \"{api}\"\n{servers}",
            data = home.data_dir().display(),
            api = fake.api_base,
        ));
        let process = home
            .launch_with_config()
            .args(["run", "--clock", MONDAY_8AM])
            .env("LABCIRCLE_DISCORD_TOKEN", "fake-token-for-tests")
            .env("LABCIRCLE_LOG", "warn")
            .wait(Duration::from_secs(30))
            .start();
        let bot = Labcircle {
            process,
            _home: home,
        };
        bot.process.next_line("discord: ready").await;
        bot
    }

    /// Stops the bot (SIGTERM) and starts it again on the same data with other `servers`.
    async fn restart_with(mut self, fake: &FakeDiscord, servers: &str) -> Labcircle {
        let stopped = self.process.terminate(Duration::from_secs(15)).await;
        assert!(stopped.is_some(), "still running after SIGTERM");
        Labcircle::start_in(self._home, fake, servers).await
    }

    /// Moves the simulated clock (`5s`, `1h`, …) and waits until it has moved.
    async fn advance(&mut self, by: &str) {
        self.process.advance(by).await;
        // Let the dispatcher send what fell due.
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
}

fn user(n: u64, name: &str) -> Value {
    FakeDiscord::user(&(800_000_000_000_000_000 + n).to_string(), name)
}

fn string(name: &str, value: &str) -> Value {
    json!({"name": name, "type": 3, "value": value})
}

/// Asks `/meetup show ID` until the answer says `expected`: the bot has taken in the RSVPs
/// (gateway events are handled concurrently, so a loaded machine may take a moment).
async fn shows(fake: &FakeDiscord, id: &str, expected: &str) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    loop {
        let asked = fake.slash(
            &user(30, "vera"),
            NONE,
            &["meetup", "show"],
            json!([string("id", id)]),
        );
        let answer = fake.callback(&asked).await;
        if answer.text().contains(expected) {
            return;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "/meetup show {id} never said {expected:?}; last: {}",
            answer.text()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Moves the clock 5 s at a time until an edit of `message` says `expected` and returns it: on
/// a loaded machine the reactions may still be on their way when the clock first moves.
async fn edit_with(
    bot: &mut Labcircle,
    fake: &FakeDiscord,
    message: &str,
    expected: &str,
) -> fake_discord::Call {
    for _ in 0..12 {
        bot.advance("5s").await;
        let deadline = tokio::time::Instant::now() + Duration::from_secs(2);
        while tokio::time::Instant::now() < deadline {
            if let Some(edit) = fake
                .calls_to("PATCH", message)
                .into_iter()
                .rev()
                .find(|c| c.text().contains(expected))
            {
                return edit;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
    panic!(
        "no edit of {message} says {expected:?}; calls:\n{}",
        fake.describe_calls()
    );
}

/// Creates a meetup as an organizer and returns the announcement's message id.
async fn announce(fake: &FakeDiscord, title: &str) -> String {
    let olga = user(1, "olga");
    let id = fake.slash(
        &olga,
        MANAGE_EVENTS,
        &["meetup", "create"],
        json!([
            string("title", title),
            string("when", "Dec 10 6:30pm"),
            string("where", "Brewpub on 5th"),
            string("state", "OH")
        ]),
    );
    let answer = fake.callback(&id).await;
    assert!(answer.text().contains(title), "{}", answer.text());
    let posts = fake
        .wait_calls("POST", &format!("/channels/{ANNOUNCEMENTS_ID}/messages"), 1)
        .await;
    fake.wait_calls("PUT", "/reactions/", 3).await;
    posts.last().unwrap().created.clone().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn findgroup_answers_with_an_embed_from_the_one_command_table() {
    let fake = FakeDiscord::start().await;
    let _bot = Labcircle::start(&fake).await;

    // Commands are registered in the configured guild, generated from the command table.
    let registered = fake
        .wait_calls(
            "PUT",
            &format!("/applications/{APPLICATION_ID}/guilds/{GUILD_ID}/commands"),
            1,
        )
        .await;
    let commands = registered[0].body.as_array().unwrap().clone();
    let names: Vec<&str> = commands.iter().filter_map(|c| c["name"].as_str()).collect();
    for name in [
        "findgroup",
        "group",
        "suggestgroup",
        "review",
        "checkin",
        "meetup",
        "profile",
        "mydata",
        "forgetme",
        "help",
    ] {
        assert!(names.contains(&name), "{name} not in {names:?}");
    }
    let findgroup = commands.iter().find(|c| c["name"] == "findgroup").unwrap();
    let specialty = findgroup["options"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["name"] == "specialty")
        .unwrap();
    assert_eq!(specialty["autocomplete"], true, "{specialty}");

    let id = fake.slash(
        &user(2, "bea"),
        NONE,
        &["findgroup"],
        json!([
            string("specialty", "histotechnology"),
            string("state", "OH")
        ]),
    );
    let answer = fake.callback(&id).await;
    assert_eq!(answer.body["type"], 4, "{}", answer.body);
    let embed = &answer.payload()["embeds"][0];
    assert!(
        embed["title"]
            .as_str()
            .unwrap()
            .starts_with("1 group for /findgroup specialty:histotechnology state:OH"),
        "{embed}"
    );
    assert!(
        answer.text().contains("Histology Society of Ohio"),
        "{}",
        answer.text()
    );
    assert!(!answer.ephemeral());
    assert!(answer.mentions_disabled(), "{}", answer.body);

    // Typing a state offers the matching ones.
    let typing = fake.typing(&user(2, "bea"), "findgroup", "state", "ohi");
    let answer = fake.callback(&typing).await;
    assert_eq!(answer.body["type"], 8, "{}", answer.body);
    let choices = answer.body["data"]["choices"].as_array().unwrap();
    assert!(
        choices
            .iter()
            .any(|c| c["name"] == "Ohio" && c["value"] == "OH"),
        "{choices:?}"
    );

    // A mistake is answered in red, with the bot's own explanation.
    let id = fake.slash(
        &user(2, "bea"),
        NONE,
        &["findgroup"],
        json!([string("state", "Atlantis")]),
    );
    let answer = fake.callback(&id).await;
    assert_eq!(answer.payload()["embeds"][0]["color"], 0xC0392B);
    assert!(answer.text().contains("Atlantis"), "{}", answer.text());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_checkin_prompt_comes_by_dm_with_buttons_and_a_button_answers_it() {
    let fake = FakeDiscord::start().await;
    let mut bot = Labcircle::start(&fake).await;
    let ana = user(3, "ana");
    let id = fake.slash(
        &ana,
        NONE,
        &["checkin", "start"],
        json!([string("day_time_timezone", "Monday 9am Eastern")]),
    );
    let answer = fake.callback(&id).await;
    assert!(
        answer.ephemeral(),
        "check-in replies are private: {}",
        answer.body
    );

    bot.advance("1h").await;
    let dm = fake.wait_calls("POST", "/users/@me/channels", 1).await;
    assert_eq!(dm[0].body["recipient_id"], ana["id"]);
    let prompts = fake.wait_calls("POST", "/messages", 1).await;
    let prompt = prompts.last().unwrap();
    assert!(
        prompt.text().contains("How are you doing this week?"),
        "{}",
        prompt.text()
    );
    assert!(prompt.mentions_disabled());
    assert_eq!(prompt.payload()["enforce_nonce"], true, "{}", prompt.body);
    assert!(
        prompt.payload()["nonce"]
            .as_str()
            .is_some_and(|n| n.len() <= 25)
    );
    let buttons = prompt.buttons();
    for b in ["lc:r:1️⃣", "lc:r:5️⃣", "lc:r:💤", "lc:c:/checkin skip"] {
        assert!(buttons.iter().any(|x| x == b), "{b} not in {buttons:?}");
    }

    let channel = prompt.path.split('/').nth(4).unwrap().to_owned();
    let message = prompt.created.clone().unwrap();
    let press = fake.press(&ana, &channel, &message, "lc:r:4️⃣");
    let answer = fake.callback(&press).await;
    assert!(
        answer.text().contains("Recorded: Good (4)"),
        "{}",
        answer.text()
    );
    // Stress and a note through a form.
    assert!(
        answer.buttons().contains(&"lc:n:4".to_owned()),
        "{}",
        answer.body
    );
    let add = fake.press(&ana, &channel, &message, "lc:n:4");
    let form = fake.callback(&add).await;
    assert_eq!(form.body["type"], 9, "a form opens: {}", form.body);
    assert_eq!(form.body["data"]["custom_id"], "lc:m:4");
    let submitted = fake.submit(
        &ana,
        &channel,
        "lc:m:4",
        &[("stress", "2"), ("note", "short staffed")],
    );
    let answer = fake.callback(&submitted).await;
    assert!(
        answer.text().contains("Updated: Good (4)"),
        "{}",
        answer.text()
    );
    assert!(
        answer.text().contains("Stress: 2 of 5"),
        "{}",
        answer.text()
    );
    assert!(answer.ephemeral());

    let history = fake.slash(&ana, NONE, &["checkin", "history"], json!([]));
    let answer = fake.callback(&history).await;
    assert!(answer.ephemeral(), "{}", answer.body);
    assert!(answer.text().contains("Good"), "{}", answer.text());
    // The trend chart comes with it, privately too.
    assert_eq!(answer.attachments.len(), 1, "{}", answer.body);
    assert!(answer.attachments[0].1.starts_with(b"\x89PNG\r\n\x1a\n"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_organizers_meetup_is_announced_with_three_reactions_and_rsvps_edit_the_counts() {
    let fake = FakeDiscord::start().await;
    let mut bot = Labcircle::start(&fake).await;
    let message = announce(&fake, "Histo night out").await;
    let post = &fake.calls_to("POST", &format!("/channels/{ANNOUNCEMENTS_ID}/messages"))[0];
    // Thu Dec 10 2026, 18:30 in New York, shown in each reader's own zone.
    assert!(post.text().contains("<t:1796945400:F>"), "{}", post.text());
    assert!(post.text().contains("<t:1796945400:R>"), "{}", post.text());
    assert!(post.mentions_disabled());
    assert_eq!(post.payload()["enforce_nonce"], true);
    let emojis: Vec<String> = fake
        .calls_to("PUT", "/reactions/")
        .iter()
        .map(|c| c.path.split('/').nth(8).unwrap().to_owned())
        .collect();
    assert_eq!(emojis, ["✅", "🤔", "❌"]);

    // Three RSVPs in a burst: one edit with the counts once the coalescing window passes.
    fake.react(&user(4, "bob"), ANNOUNCEMENTS_ID, &message, "✅", true);
    fake.react(&user(5, "cat"), ANNOUNCEMENTS_ID, &message, "✅", true);
    fake.react(&user(6, "dan"), ANNOUNCEMENTS_ID, &message, "🤔", true);
    // The bot's own reactions are not RSVPs.
    fake.react(
        &FakeDiscord::user(fake_discord::BOT_USER_ID, "labcircle"),
        ANNOUNCEMENTS_ID,
        &message,
        "❌",
        true,
    );
    // Once the bot has counted all three (as /meetup show tells), nothing is edited yet.
    shows(&fake, "1", "2 going · 1 maybe").await;
    assert!(
        fake.calls_to("PATCH", &message).is_empty(),
        "edits wait for the window"
    );
    bot.advance("5s").await;
    let edits = fake.wait_calls("PATCH", &message, 1).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(
        fake.calls_to("PATCH", &message).len(),
        1,
        "one coalesced edit"
    );
    assert!(
        edits[0].text().contains("2 going · 1 maybe"),
        "{}",
        edits[0].text()
    );
    assert!(edits[0].mentions_disabled());

    // Taking a reaction back counts too.
    fake.react(&user(4, "bob"), ANNOUNCEMENTS_ID, &message, "✅", false);
    edit_with(&mut bot, &fake, &message, "1 going · 1 maybe").await;

    // The calendar file comes as an attachment.
    let ics = fake.slash(
        &user(4, "bob"),
        NONE,
        &["meetup", "ics"],
        json!([string("id", "1")]),
    );
    let answer = fake.callback(&ics).await;
    assert_eq!(answer.files.len(), 1, "{}", answer.body);
    assert_eq!(answer.files[0].0, "meetup-1.ics");
    assert!(answer.files[0].1.contains("BEGIN:VCALENDAR"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn members_without_permission_are_refused_and_private_answers_are_ephemeral() {
    let fake = FakeDiscord::start().await;
    let _bot = Labcircle::start(&fake).await;
    let id = fake.slash(
        &user(7, "mo"),
        NONE,
        &["meetup", "create"],
        json!([
            string("title", "Party"),
            string("when", "Dec 10 6:30pm"),
            string("where", "Lab")
        ]),
    );
    let answer = fake.callback(&id).await;
    assert!(
        answer.text().contains("/meetup create is for organizers"),
        "{}",
        answer.text()
    );
    assert_eq!(answer.payload()["embeds"][0]["color"], 0xC0392B);

    let id = fake.slash(&user(7, "mo"), NONE, &["mydata"], json!([]));
    let answer = fake.callback(&id).await;
    assert!(answer.ephemeral(), "{}", answer.body);
    // The readable summary in the embed, the full export as an attached file.
    assert_eq!(
        answer.files[0].0, "labcircle-my-data.json",
        "{}",
        answer.body
    );
    assert!(
        !answer.files[0].1.contains("user_id"),
        "{}",
        answer.files[0].1
    );
    assert!(
        answer.text().contains("What labcircle keeps about you"),
        "{}",
        answer.text()
    );
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(
        fake.calls_to("POST", &format!("/channels/{ANNOUNCEMENTS_ID}/messages"))
            .is_empty(),
        "nothing was announced"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dropped_connection_resumes_and_no_event_is_handled_twice() {
    let fake = FakeDiscord::start().await;
    let _bot = Labcircle::start(&fake).await;
    fake.replay_overlap(true);
    let first = fake.slash(&user(8, "eve"), NONE, &["help"], json!([]));
    fake.callback(&first).await;

    fake.drop_connection();
    // Sent while the bot is away: delivered when it resumes.
    let missed = fake.slash(&user(8, "eve"), NONE, &["crisis"], json!([]));
    let answer = fake.callback(&missed).await;
    assert!(fake.resumes() >= 1, "resumed, not identified again");
    assert_eq!(fake.identifies(), 1);
    assert!(
        answer.text().to_lowercase().contains("988"),
        "{}",
        answer.text()
    );
    tokio::time::sleep(Duration::from_millis(800)).await;
    // The replayed events were not answered a second time.
    assert_eq!(
        fake.calls_to("POST", &format!("/interactions/{first}/"))
            .len(),
        1
    );
    assert_eq!(
        fake.calls_to("POST", &format!("/interactions/{missed}/"))
            .len(),
        1
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reactions_made_while_disconnected_count_after_reconnecting() {
    let fake = FakeDiscord::start().await;
    let mut bot = Labcircle::start(&fake).await;
    let message = announce(&fake, "Cyto brunch").await;
    // Lost while the session was gone: Discord keeps the reaction but the bot never hears it.
    fake.refuse_next_resume();
    fake.drop_connection();
    fake.react_silently(&user(9, "fay"), &message, "✅");
    fake.react_silently(&user(10, "gus"), &message, "🤔");
    // The bot identifies again and lists the reactions on its announcements.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    while fake.identifies() < 2 {
        assert!(tokio::time::Instant::now() < deadline, "no second identify");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    fake.wait_calls("GET", &format!("/messages/{message}/reactions/❌"), 1)
        .await;
    edit_with(&mut bot, &fake, &message, "1 going · 1 maybe").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rate_limited_announcement_is_retried_later_and_posted_once() {
    let fake = FakeDiscord::start().await;
    let _bot = Labcircle::start(&fake).await;
    fake.rate_limit_next(
        "POST",
        &format!("/channels/{ANNOUNCEMENTS_ID}/messages"),
        2.5,
    );
    let id = fake.slash(
        &user(1, "olga"),
        MANAGE_EVENTS,
        &["meetup", "create"],
        json!([
            string("title", "Micro meetup"),
            string("when", "Dec 10 6:30pm"),
            string("where", "Lab")
        ]),
    );
    fake.callback(&id).await;
    let first = fake
        .wait_calls("POST", &format!("/channels/{ANNOUNCEMENTS_ID}/messages"), 1)
        .await;
    // The delivery waits the retry_after Discord gave (2.5 s), then posts again by itself; no
    // simulated time has to pass.
    let posts = fake
        .wait_calls("POST", &format!("/channels/{ANNOUNCEMENTS_ID}/messages"), 2)
        .await;
    let waited = posts[1].at.duration_since(first[0].at);
    assert!(
        waited >= Duration::from_millis(2500),
        "retried after {waited:?}, before retry_after"
    );
    // The same nonce both times: Discord would drop a repeat of a post that did go through.
    assert_eq!(posts[0].payload()["nonce"], posts[1].payload()["nonce"]);
    fake.wait_calls("PUT", "/reactions/", 3).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(
        fake.calls_to("POST", &format!("/channels/{ANNOUNCEMENTS_ID}/messages"))
            .len(),
        2
    );
    assert_eq!(fake.calls_to("PUT", "/reactions/").len(), 3);
}

/// Runs the binary to completion with a config file and returns (success, stderr).
fn run_with_config(config: &str, token: Option<&str>) -> (bool, String) {
    let home = Home::new();
    home.config(&format!(
        "[storage]\ndata_dir = \"{}\"\n{config}",
        home.path().display()
    ));
    let mut launch = home.launch_with_config().arg("run");
    if let Some(t) = token {
        launch = launch.env("LABCIRCLE_DISCORD_TOKEN", t);
    }
    let run = launch.run("");
    (run.success, run.stderr)
}

#[test]
fn run_says_what_is_missing_and_never_shows_the_token() {
    let (ok, err) = run_with_config("", None);
    assert!(!ok);
    assert!(err.contains("nothing to serve"), "{err}");
    assert!(err.contains("[discord]"), "{err}");

    let (ok, err) = run_with_config(
        "[discord]\napplication_id = \"1\"\nguilds = [\"2\"]\n",
        None,
    );
    assert!(!ok);
    assert!(err.contains("LABCIRCLE_DISCORD_TOKEN"), "{err}");

    let (ok, err) = run_with_config(
        "[discord]\napplication_id = \"12x\"\ntoken = \"secret-token-value\"\n",
        None,
    );
    assert!(!ok);
    assert!(err.contains("discord.application_id"), "{err}");
    assert!(!err.contains("secret-token-value"), "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_stops_the_bot_cleanly() {
    let fake = FakeDiscord::start().await;
    let mut bot = Labcircle::start(&fake).await;
    let status = bot
        .process
        .terminate(Duration::from_secs(15))
        .await
        .unwrap_or_else(|| {
            panic!(
                "still running after SIGTERM; stderr:\n{}",
                bot.process.stderr()
            )
        });
    assert!(
        status.success(),
        "{status:?}; stderr:\n{}",
        bot.process.stderr()
    );
    let stderr = bot.process.stderr();
    assert!(stderr.contains("stopping"), "{stderr}");
    assert!(!stderr.contains("fake-token-for-tests"), "{stderr}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn closed_dms_fail_for_good_without_retrying() {
    let fake = FakeDiscord::start().await;
    let mut bot = Labcircle::start(&fake).await;
    let kim = user(11, "kim");
    let id = fake.slash(
        &kim,
        NONE,
        &["checkin", "start"],
        json!([string("day_time_timezone", "Monday 9am Eastern")]),
    );
    fake.callback(&id).await;
    // Kim does not accept DMs from server members: Discord answers 403.
    fake.fail_next("POST", "/messages", 403);
    bot.advance("1h").await;
    fake.wait_calls("POST", "/messages", 1).await;
    bot.advance("2h").await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(fake.calls_to("POST", "/messages").len(), 1, "not retried");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_suggestion_approved_by_a_moderator_reaches_the_member_by_dm() {
    let fake = FakeDiscord::start().await;
    let _bot = Labcircle::start(&fake).await;
    let lee = user(12, "lee");
    // Members cannot add entries themselves; they are pointed to /suggestgroup.
    let id = fake.slash(
        &lee,
        NONE,
        &["group", "add"],
        json!([string("name", "Night owls")]),
    );
    let answer = fake.callback(&id).await;
    assert!(
        answer.text().contains("use /suggestgroup"),
        "{}",
        answer.text()
    );

    let id = fake.slash(
        &lee,
        NONE,
        &["suggestgroup"],
        json!([
            string("name", "Night Owls Lab Circle"),
            string("url", "https://example.org/owls"),
            string(
                "description",
                "Peer support for night-shift techs: \"we\" meet online."
            )
        ]),
    );
    let answer = fake.callback(&id).await;
    assert!(
        answer.text().contains("your suggestion is #1"),
        "{}",
        answer.text()
    );

    // Managing the server does not make anyone a moderator of the shared directory.
    let id = fake.slash(
        &user(16, "ada"),
        MANAGE_GUILD,
        &["review", "approve"],
        json!([string("id", "1"), string("kind", "peer_support")]),
    );
    let answer = fake.callback(&id).await;
    assert!(
        answer
            .text()
            .contains("/review approve is for the directory's moderators"),
        "{}",
        answer.text()
    );
    // The moderator named in the config, with no permissions in this server.
    let moderator = user(13, "ada");
    let id = fake.slash(
        &moderator,
        NONE,
        &["review", "approve"],
        json!([
            string("id", "1"),
            string("kind", "peer_support"),
            string("specialty", "all"),
            string("format", "online"),
            string("cost", "free"),
            string("facilitation", "peer_led")
        ]),
    );
    let answer = fake.callback(&id).await;
    assert!(answer.ephemeral());
    assert!(answer.text().contains("Approved #1"), "{}", answer.text());
    let dm = fake.wait_calls("POST", "/users/@me/channels", 1).await;
    assert_eq!(dm[0].body["recipient_id"], lee["id"]);
    let news = fake.wait_calls("POST", "/messages", 1).await;
    assert!(news[0].text().contains("Good news"), "{}", news[0].text());
    assert!(news[0].mentions_disabled());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_members_quotes_and_colons_in_an_option_arrive_unchanged() {
    let fake = FakeDiscord::start().await;
    let _bot = Labcircle::start(&fake).await;
    let kim = user(14, "kim");
    let description = "Night shift: \"we\" meet online, 9:30pm ET.";
    let id = fake.slash(
        &kim,
        NONE,
        &["suggestgroup"],
        json!([
            string("name", "The \"Late\" Lab: night owls"),
            string("url", "https://example.org/late"),
            string("description", description)
        ]),
    );
    let answer = fake.callback(&id).await;
    assert!(
        answer.text().contains("your suggestion is #1"),
        "{}",
        answer.text()
    );

    // The reviewer reads the suggestion exactly as the member wrote it.
    let id = fake.slash(&user(15, "ada"), NONE, &["review", "list"], json!([]));
    let answer = fake.callback(&id).await;
    assert!(answer.ephemeral(), "{}", answer.body);
    assert!(answer.text().contains(description), "{}", answer.text());
    assert!(
        answer.text().contains("The \"Late\" Lab: night owls"),
        "{}",
        answer.text()
    );

    // A problem with the options is the bot's own explanation, in red, private for a private
    // command.
    let id = fake.slash(
        &kim,
        NONE,
        &["checkin", "answer"],
        json!([string("mood", "4 5"), string("note", "a \"long\": week")]),
    );
    let answer = fake.callback(&id).await;
    assert_eq!(answer.payload()["embeds"][0]["color"], 0xC0392B);
    assert!(answer.ephemeral(), "{}", answer.body);
    assert!(
        answer.text().contains("takes one MOOD"),
        "{}",
        answer.text()
    );

    // Who may use a command is said before anything about its options.
    let id = fake.slash(
        &kim,
        NONE,
        &["review", "approve"],
        json!([string("id", "1 2")]),
    );
    let answer = fake.callback(&id).await;
    assert!(
        answer
            .text()
            .contains("/review approve is for the directory's moderators"),
        "{}",
        answer.text()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_members_masked_link_and_markdown_arrive_escaped_and_links_only_from_link_fields() {
    let fake = FakeDiscord::start().await;
    let _bot = Labcircle::start(&fake).await;
    let olga = user(1, "olga");
    let id = fake.slash(
        &olga,
        MANAGE_EVENTS,
        &["meetup", "create"],
        json!([
            string(
                "title",
                "**URGENT** [Official 988 line](https://example.org)"
            ),
            string("when", "Dec 10 6:30pm"),
            string("where", "# Brewpub"),
            string("link", "https://example.org/histo"),
            string(
                "description",
                "Crisis? [Official 988 line](https://example.org) `call` ||now||"
            )
        ]),
    );
    let answer = fake.callback(&id).await;
    assert!(answer.text().contains("Meetup #1"), "{}", answer.text());
    let posts = fake
        .wait_calls("POST", &format!("/channels/{ANNOUNCEMENTS_ID}/messages"), 1)
        .await;
    let embed = &posts[0].payload()["embeds"][0];
    assert_eq!(
        embed["title"],
        "Meetup #1: \\*\\*URGENT\\*\\* \\[Official 988 line\\](https://example.org)",
        "{embed}"
    );
    assert_eq!(
        embed["description"],
        "Crisis? \\[Official 988 line\\](https://example.org) \\`call\\` \\|\\|now\\|\\|",
        "{embed}"
    );
    let field = |name: &str| {
        embed["fields"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["name"] == name)
            .unwrap_or_else(|| panic!("no {name} in {embed}"))["value"]
            .clone()
    };
    assert_eq!(field("Where"), "\\# Brewpub");
    // The link field is the one link, as the plain address.
    assert_eq!(field("Link"), "https://example.org/histo");

    // A suggestion's masked link reaches the reviewer as text too.
    let id = fake.slash(
        &user(12, "lee"),
        NONE,
        &["suggestgroup"],
        json!([
            string("name", "[Official 988 line](https://example.org)"),
            string("url", "https://example.org/owls"),
            string("description", "Peer support for _night_ techs.")
        ]),
    );
    let answer = fake.callback(&id).await;
    assert!(
        answer.text().contains("your suggestion is #1"),
        "{}",
        answer.text()
    );
    let id = fake.slash(
        &user(13, "ada"),
        MANAGE_GUILD,
        &["review", "list"],
        json!([]),
    );
    let review = fake.callback(&id).await;
    let text = review.text();
    assert!(
        text.contains("#1 \\[Official 988 line\\](https://example.org)"),
        "{text}"
    );
    assert!(text.contains("\\_night\\_"), "{text}");
    assert!(text.contains("\nhttps://example.org/owls"), "{text}");
}

/// The commands registered globally (for every server, or only for DMs with the bot): each
/// top-level name with its subcommands' names, and the contexts it may be used in.
async fn global_commands(fake: &FakeDiscord) -> Vec<(String, Vec<String>, Value)> {
    let calls = fake
        .wait_calls(
            "PUT",
            &format!("/applications/{APPLICATION_ID}/commands"),
            1,
        )
        .await;
    let mut out = Vec::new();
    for c in calls[0].body.as_array().unwrap() {
        let subs = c["options"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|o| o["type"] == 1)
            .filter_map(|o| o["name"].as_str().map(str::to_owned))
            .collect();
        out.push((
            c["name"].as_str().unwrap().to_owned(),
            subs,
            c["contexts"].clone(),
        ));
    }
    out
}

/// The slash command's one answer, which must be the private "not set up" and nothing else.
async fn not_set_up(fake: &FakeDiscord, interaction: &str) {
    let answer = fake.callback(interaction).await;
    assert!(
        answer
            .text()
            .contains("This server is not set up for labcircle"),
        "{}",
        answer.text()
    );
    assert!(answer.ephemeral(), "told privately: {}", answer.body);
    assert!(answer.mentions_disabled());
    assert_eq!(answer.body["type"], 4, "answered at once: {}", answer.body);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_not_in_the_config_is_told_it_is_not_set_up_and_nothing_runs_there() {
    let fake = FakeDiscord::start().await;
    let _bot = Labcircle::start(&fake).await;
    // Commands go to the configured server; globally only what works in a DM with the bot
    // (which also takes back commands an old global registration left in other servers).
    fake.wait_calls("PUT", &format!("/guilds/{GUILD_ID}/commands"), 1)
        .await;
    let global = global_commands(&fake).await;
    let names: Vec<&str> = global.iter().map(|(n, _, _)| n.as_str()).collect();
    for name in [
        "checkin",
        "mydata",
        "forgetme",
        "findgroup",
        "help",
        "review",
    ] {
        assert!(names.contains(&name), "{name} not in {names:?}");
    }
    for (name, subs, contexts) in &global {
        assert_eq!(
            *contexts,
            json!([1]),
            "/{name} is for DMs with the bot only"
        );
        assert!(
            !subs.iter().any(|s| s == "create" || s == "cancel"),
            "/{name} {subs:?}: organizer commands need a server's roles"
        );
    }
    assert!(
        fake.calls_to("PUT", &format!("/guilds/{OTHER_GUILD_ID}/"))
            .is_empty()
    );
    let message = announce(&fake, "Histo night out").await;

    // The other server's owner, with every permission there, tries the bot.
    let rex = user(20, "rex");
    let everything = MANAGE_GUILD | MANAGE_EVENTS | 1 << 3;
    let tries = [
        (
            vec!["findgroup"],
            json!([string("specialty", "histotechnology")]),
        ),
        (
            vec!["meetup", "create"],
            json!([
                string("title", "Rex's party"),
                string("when", "Dec 10 6:30pm"),
                string("where", "Lab")
            ]),
        ),
        (
            vec!["group", "edit"],
            json!([
                string("key", "988-lifeline"),
                string("url", "https://example.org/not-988")
            ]),
        ),
        (vec!["checkin", "start"], json!([])),
    ];
    for (path, options) in tries {
        let id = fake.slash_in(Some(OTHER_GUILD_ID), &rex, everything, &path, options);
        not_set_up(&fake, &id).await;
    }
    // Nothing runs there, not even for a directory moderator named in the config.
    let id = fake.slash_in(
        Some(OTHER_GUILD_ID),
        &user(13, "ada"),
        NONE,
        &["group", "edit"],
        json!([
            string("key", "988-lifeline"),
            string("url", "https://example.org/not-988")
        ]),
    );
    not_set_up(&fake, &id).await;
    // A button there gets the same one answer; typing gets no suggestions.
    let press = fake.press_in(
        OTHER_GUILD_ID,
        &rex,
        everything,
        &message,
        "lc:c:/checkin now",
    );
    not_set_up(&fake, &press).await;
    let typing = fake.typing_in(OTHER_GUILD_ID, &rex, "findgroup", "state", "ohi");
    let answer = fake.callback(&typing).await;
    assert_eq!(answer.body["type"], 8, "{}", answer.body);
    assert_eq!(answer.body["data"]["choices"], json!([]), "{}", answer.body);

    // A reaction that claims to come from that server is not an RSVP, and brings no DM; one
    // from the configured server after it counts.
    fake.react_in(OTHER_GUILD_ID, &rex, ANNOUNCEMENTS_ID, &message, "✅", true);
    fake.react(&user(4, "bob"), ANNOUNCEMENTS_ID, &message, "✅", true);
    shows(&fake, "1", "1 going").await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    shows(&fake, "1", "1 going").await;

    // The crisis line is as it was; nothing was announced for Rex, and nobody heard more
    // from the bot: one answer per interaction, no follow-ups, no DM to Rex.
    let id = fake.slash(
        &user(4, "bob"),
        NONE,
        &["group", "show"],
        json!([string("key", "988-lifeline")]),
    );
    let answer = fake.callback(&id).await;
    assert!(
        answer.text().contains("988lifeline.org"),
        "{}",
        answer.text()
    );
    assert!(!answer.text().contains("not-988"), "{}", answer.text());
    assert_eq!(
        fake.calls_to("POST", &format!("/channels/{ANNOUNCEMENTS_ID}/messages"))
            .len(),
        1
    );
    assert!(fake.calls_to("POST", "/webhooks/").is_empty());
    assert!(
        fake.calls_to("POST", "/users/@me/channels")
            .iter()
            .all(|c| c.body["recipient_id"] != rex["id"]),
        "{}",
        fake.describe_calls()
    );

    // A DM with the bot still serves private commands, Rex's included.
    let id = fake.slash_in(None, &rex, NONE, &["mydata"], json!([]));
    let answer = fake.callback(&id).await;
    assert!(answer.ephemeral(), "{}", answer.body);
    assert!(
        answer.text().contains("What labcircle keeps about you"),
        "{}",
        answer.text()
    );
    // A group DM (reached through someone's own install of the app) is not a DM with the bot.
    let group_dm = "900000000000000042";
    fake.dispatch(
        "INTERACTION_CREATE",
        json!({
            "id": group_dm, "application_id": APPLICATION_ID, "type": 2,
            "data": {"id": "900000000000000043", "name": "mydata", "type": 1, "options": []},
            "channel_id": "900000000000000044", "user": rex,
            "token": "token-group-dm", "version": 1, "locale": "en-US",
            "app_permissions": "0", "entitlements": [], "attachment_size_limit": 8_388_608,
            "context": 2, "authorizing_integration_owners": {"1": rex["id"]}
        }),
    );
    not_set_up(&fake, group_dm).await;
    let id = fake.slash_in(
        None,
        &rex,
        NONE,
        &["checkin", "start"],
        json!([string("day_time_timezone", "Monday 9am Eastern")]),
    );
    let answer = fake.callback(&id).await;
    assert!(answer.ephemeral(), "{}", answer.body);
    assert!(!answer.text().contains("not set up"), "{}", answer.text());
    assert!(answer.text().contains("Monday"), "{}", answer.text());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_allow_any_guild_another_server_is_served_with_member_rights_only() {
    let fake = FakeDiscord::start().await;
    let _bot = Labcircle::start_with(&fake, "allow_any_guild = true").await;
    // Registered globally, for servers and DMs with the bot, organizer commands included.
    let global = global_commands(&fake).await;
    let meetup = global.iter().find(|(n, _, _)| n == "meetup").unwrap();
    assert!(meetup.1.iter().any(|s| s == "create"), "{meetup:?}");
    assert!(
        global.iter().all(|(_, _, c)| *c == json!([0, 1])),
        "{global:?}"
    );
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(fake.calls_to("PUT", "/guilds/").is_empty());

    // Any member there can search.
    let rex = user(20, "rex");
    let everything = MANAGE_GUILD | MANAGE_EVENTS | 1 << 3;
    let id = fake.slash_in(
        Some(OTHER_GUILD_ID),
        &user(21, "sue"),
        NONE,
        &["findgroup"],
        json!([
            string("specialty", "histotechnology"),
            string("state", "OH")
        ]),
    );
    let answer = fake.callback(&id).await;
    assert!(
        answer.text().contains("Histology Society of Ohio"),
        "{}",
        answer.text()
    );
    // Its owner is a member as far as the bot goes: no meetups, no stats, no directory.
    let refused = [
        (
            vec!["meetup", "create"],
            json!([
                string("title", "Rex's party"),
                string("when", "Dec 10 6:30pm"),
                string("where", "Lab")
            ]),
            "/meetup create is for organizers, and you are a member here",
        ),
        (
            vec!["checkin", "stats"],
            json!([]),
            "/checkin stats is for admins, and you are a member here",
        ),
        (
            vec!["group", "edit"],
            json!([
                string("key", "988-lifeline"),
                string("url", "https://example.org/not-988")
            ]),
            "/group edit is for the directory's moderators",
        ),
        (
            vec!["review", "list"],
            json!([]),
            "/review list is for the directory's moderators",
        ),
    ];
    for (path, options, says) in refused {
        let id = fake.slash_in(Some(OTHER_GUILD_ID), &rex, everything, &path, options);
        let answer = fake.callback(&id).await;
        assert!(answer.text().contains(says), "{path:?}: {}", answer.text());
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(
        fake.calls_to("POST", &format!("/channels/{ANNOUNCEMENTS_ID}/messages"))
            .is_empty(),
        "nothing was announced"
    );
    // A moderator named by id keeps that power there, as everywhere.
    let id = fake.slash_in(
        Some(OTHER_GUILD_ID),
        &user(13, "ada"),
        NONE,
        &["review", "list"],
        json!([]),
    );
    let answer = fake.callback(&id).await;
    assert!(answer.ephemeral(), "{}", answer.body);
    assert!(!answer.text().contains("is for"), "{}", answer.text());
    // In the configured server, roles count as before.
    announce(&fake, "Histo night out").await;
}

#[test]
fn serving_no_listed_server_without_allow_any_guild_is_refused_at_start() {
    let (ok, err) = run_with_config(
        "[discord]\napplication_id = \"1\"\ntoken = \"secret-token-value\"\n",
        None,
    );
    assert!(!ok);
    assert!(
        err.contains("discord.guilds") && err.contains("allow_any_guild = true"),
        "{err}"
    );
    assert!(!err.contains("secret-token-value"), "{err}");
    // A moderators' server must be one the bot is set up for.
    let (ok, err) = run_with_config(
        "[directory]\nmoderator_rooms = [\"discord:900000000000000006\"]\n\
         [discord]\napplication_id = \"1\"\nallow_any_guild = true\n",
        Some("fake-token-for-tests"),
    );
    assert!(!ok);
    assert!(
        err.contains("directory.moderator_rooms") && err.contains("not a server in [discord]"),
        "{err}"
    );
}

#[test]
fn config_check_says_which_servers_are_served() {
    let check = |discord: &str| {
        let home = Home::new();
        home.config(&format!(
            "[storage]\ndata_dir = \"{}\"\n[discord]\napplication_id = \"1\"\n{discord}",
            home.path().display()
        ));
        let run = home.launch_with_config().args(["config", "check"]).run("");
        assert!(run.success, "{}", run.stderr);
        run.stdout
    };
    let out = check(&format!("guilds = [\"{GUILD_ID}\"]\n"));
    assert!(
        out.contains(&format!(
            "discord servers:  {GUILD_ID}; other servers are told they are not set up"
        )),
        "{out}"
    );
    let out = check("allow_any_guild = true\n");
    assert!(
        out.contains("discord servers:  any server, with member rights only"),
        "{out}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reactions_on_an_announcement_in_a_server_taken_out_of_the_config_are_not_read() {
    let fake = FakeDiscord::start().await;
    let bot = Labcircle::start(&fake).await;
    let message = announce(&fake, "Histo night out").await;
    // While the bot is stopped, the server is taken out of the config and someone reacts.
    fake.react_silently(&user(4, "bob"), &message, "✅");
    let identified = fake.identifies();
    let _bot = bot
        .restart_with(&fake, &format!("guilds = [\"{OTHER_GUILD_ID}\"]\n"))
        .await;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    while fake.identifies() <= identified {
        assert!(tokio::time::Instant::now() < deadline, "never identified");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert!(
        fake.calls_to("GET", &format!("/messages/{message}/reactions/"))
            .is_empty(),
        "{}",
        fake.describe_calls()
    );
    // Its members are now told it is not set up.
    let id = fake.slash(
        &user(4, "bob"),
        NONE,
        &["meetup", "show"],
        json!([string("id", "1")]),
    );
    not_set_up(&fake, &id).await;
}
