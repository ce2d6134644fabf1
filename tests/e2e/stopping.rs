//! Stopping the Matrix adapter at any moment: SIGTERM or Ctrl-C while it logs in or syncs
//! ends the process within 5 s with exit code 0, even when the homeserver never answers.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;

use crate::process::{Home, Process};
use crate::silent::{Silent, stops_within_five_seconds};

/// Starts `labcircle run` with the homeserver at `url`.
fn launch(home: &Home, url: &str) -> Process {
    home.config(&format!(
        "[storage]\ndata_dir = \"{data}\"\n\
         [matrix]\nhomeserver = \"{url}\"\nuser_id = \"@labcircle:localhost\"\n",
        data = home.data_dir().display(),
    ));
    home.launch_with_config()
        .arg("run")
        .env("LABCIRCLE_MATRIX_PASSWORD", "correct-horse")
        .env("LABCIRCLE_LOG", "warn")
        .start()
}

/// A homeserver that answers the versions and the login, and nothing after: the bot is
/// logged in and hangs in its first requests (the sync, its keys). Returns its URL and the
/// paths asked so far.
async fn homeserver_that_stops_answering_after_login() -> (String, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("address"));
    let asked = Arc::new(Mutex::new(Vec::new()));
    let seen = asked.clone();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let seen = seen.clone();
            tokio::spawn(async move {
                let mut stream = BufReader::new(stream);
                loop {
                    let mut request = String::new();
                    if stream.read_line(&mut request).await.unwrap_or(0) == 0 {
                        return;
                    }
                    let mut length = 0;
                    loop {
                        let mut header = String::new();
                        if stream.read_line(&mut header).await.unwrap_or(0) == 0 {
                            return;
                        }
                        let header = header.trim().to_ascii_lowercase();
                        if header.is_empty() {
                            break;
                        }
                        if let Some(n) = header.strip_prefix("content-length:") {
                            length = n.trim().parse().unwrap_or(0);
                        }
                    }
                    let mut body = vec![0; length];
                    if stream.read_exact(&mut body).await.is_err() {
                        return;
                    }
                    let path = request.split(' ').nth(1).unwrap_or("").to_owned();
                    seen.lock().unwrap().push(path.clone());
                    let answer = if path.starts_with("/_matrix/client/versions") {
                        r#"{"versions":["v1.1","v1.2","v1.3","v1.4","v1.5","v1.6","v1.7","v1.8"]}"#
                    } else if path.starts_with("/_matrix/client/v3/login") {
                        r#"{"user_id":"@labcircle:localhost","access_token":"t0k3n","device_id":"DEVICE"}"#
                    } else {
                        // Never answered, never closed.
                        std::future::pending::<()>().await;
                        return;
                    };
                    let response = format!(
                        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{answer}",
                        answer.len()
                    );
                    if stream
                        .get_mut()
                        .write_all(response.as_bytes())
                        .await
                        .is_err()
                    {
                        return;
                    }
                }
            });
        }
    });
    (url, asked)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_while_logging_in_to_a_homeserver_that_never_answers_ends_the_process_at_once() {
    let silent = Silent::start().await;
    let home = Home::new();
    let mut bot = launch(&home, &silent.url);
    silent.wait_connected(Duration::from_secs(10)).await;
    assert!(silent.connections() > 0, "{}", bot.output());

    stops_within_five_seconds(&mut bot, "TERM").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ctrl_c_while_logging_in_to_a_homeserver_that_never_answers_ends_the_process_at_once() {
    let silent = Silent::start().await;
    let home = Home::new();
    let mut bot = launch(&home, &silent.url);
    silent.wait_connected(Duration::from_secs(10)).await;
    assert!(silent.connections() > 0, "{}", bot.output());

    stops_within_five_seconds(&mut bot, "INT").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_during_the_first_sync_with_a_homeserver_that_stops_answering_ends_at_once() {
    let (url, asked) = homeserver_that_stops_answering_after_login().await;
    let home = Home::new();
    let mut bot = launch(&home, &url);
    // Logged in (the session is saved), then waiting on the homeserver.
    let session = home.data_dir().join("matrix").join("session.json");
    let deadline = Instant::now() + Duration::from_secs(20);
    while !session.exists() && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(
        session.exists(),
        "never logged in; it printed:\n{}",
        bot.output()
    );
    tokio::time::sleep(Duration::from_millis(500)).await;
    let after_login: Vec<String> = asked.lock().unwrap().clone();
    assert!(
        after_login
            .iter()
            .any(|p| !p.contains("/versions") && !p.contains("/login")),
        "asked only {after_login:?}"
    );

    stops_within_five_seconds(&mut bot, "TERM").await;
}
