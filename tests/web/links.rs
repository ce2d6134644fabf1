//! What the link check finds shows on the running web page: a link found dead by
//! `labcircle directory check-links` (another process) is no longer offered, on the results and
//! on the entry's page, without restarting the bot.

use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

use crate::site::{Site, client, get};

/// A site on 127.0.0.1 where every page is gone (404), on its own thread (the test blocks
/// while the link check runs); its address.
fn gone_server() -> String {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a runtime");
        rt.block_on(async move {
            let listener = TcpListener::bind("127.0.0.1:0").await.expect("a port");
            tx.send(listener.local_addr().expect("its address"))
                .expect("the test waits");
            while let Ok((mut socket, _)) = listener.accept().await {
                tokio::spawn(async move {
                    let mut request = Vec::new();
                    let mut buf = [0u8; 1024];
                    while !request.windows(4).any(|w| w == b"\r\n\r\n") {
                        match socket.read(&mut buf).await {
                            Ok(0) | Err(_) => return,
                            Ok(n) => request.extend_from_slice(&buf[..n]),
                        }
                    }
                    let answer =
                        "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
                    let _ = socket.write_all(answer.as_bytes()).await;
                    let _ = socket.shutdown().await;
                });
            }
        });
    });
    format!("http://{}", rx.recv().expect("the server's address"))
}

/// `url`'s page once it contains `text`, reading it again for up to ten seconds (the bot
/// notices another process's writes within a second).
async fn page_once(http: &reqwest::Client, url: &str, text: &str) -> String {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let (status, _, body) = get(http, url).await;
        assert_eq!(status, 200, "{url}:\n{body}");
        if body.contains(text) {
            return body;
        }
        assert!(
            Instant::now() < deadline,
            "{url} never showed {text:?}:\n{body}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test]
async fn a_link_the_check_finds_dead_is_no_longer_offered_on_the_running_page() {
    let gone = gone_server();
    let site = Site::start_with("seed = false", &[]).await;
    let http = client();
    let url = format!("{gone}/circle");
    let file = site.home.file(
        "directory.toml",
        &format!(
            "[[group]]\nkey = \"zephyr-gone\"\nname = \"Zephyr Gone Circle\"\n\
             kind = \"peer_support\"\nspecialties = [\"all\"]\nformat = \"online\"\n\
             cost = \"free\"\nfacilitation = \"peer_led\"\nurl = \"{url}\"\n\
             description = \"Zephyr test circle for lab staff.\"\n"
        ),
    );
    let import = site
        .home
        .launch_with_config()
        .args(["directory", "import"])
        .arg(&file)
        .run("");
    assert!(import.success, "{}\n{}", import.stdout, import.stderr);

    // Imported by another process: found, with its link offered.
    let search = site.url("/?q=zephyr");
    let offered = format!("href=\"{url}\"");
    let before = page_once(&http, &search, "Zephyr Gone Circle").await;
    assert!(before.contains(&offered), "{before}");
    assert!(!before.contains("link not working"), "{before}");

    let day_before = chrono::Utc::now().date_naive();
    let check = site
        .home
        .launch_with_config()
        .args(["directory", "check-links", "--timeout", "2"])
        .run("");
    let day_after = chrono::Utc::now().date_naive();
    assert!(check.success, "{}\n{}", check.stdout, check.stderr);
    assert!(check.stdout.contains("1 dead"), "{}", check.stdout);

    let said = |day: chrono::NaiveDate| {
        format!(
            "link not working when checked on {}",
            day.format("%b %-d, %Y")
        )
    };
    let after = page_once(&http, &search, "link not working").await;
    assert!(
        after.contains(&said(day_before)) || after.contains(&said(day_after)),
        "{after}"
    );
    assert!(!after.contains(&offered), "{after}");
    let (status, _, entry) = get(&http, &site.url("/groups/zephyr-gone")).await;
    assert_eq!(status, 200, "{entry}");
    assert!(
        entry.contains(&said(day_before)) || entry.contains(&said(day_after)),
        "{entry}"
    );
    assert!(!entry.contains(&offered), "{entry}");
}
