//! `labcircle directory check-links` against a small HTTP server on 127.0.0.1 started here:
//! what it reports, what it records, and what members then see.

use std::net::SocketAddr;
use std::thread;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

use crate::support::Lab;

/// Canned HTTP/1.1 answers by path; `/never` accepts and never answers.
fn start_server() -> SocketAddr {
    let (tx, rx) = std::sync::mpsc::channel();
    thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async move {
            let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
            tx.send(listener.local_addr().unwrap()).unwrap();
            loop {
                let (mut socket, _) = listener.accept().await.unwrap();
                tokio::spawn(async move {
                    let mut request = Vec::new();
                    let mut buf = [0u8; 1024];
                    while !request.windows(4).any(|w| w == b"\r\n\r\n") {
                        match socket.read(&mut buf).await {
                            Ok(0) | Err(_) => return,
                            Ok(n) => request.extend_from_slice(&buf[..n]),
                        }
                    }
                    let text = String::from_utf8_lossy(&request);
                    let path = text.split_whitespace().nth(1).unwrap_or("/").to_owned();
                    let head = match path.as_str() {
                        "/ok" => "200 OK\r\nContent-Type: text/html".to_owned(),
                        "/old" => "301 Moved Permanently\r\nLocation: /ok".to_owned(),
                        "/gone" => "404 Not Found".to_owned(),
                        "/broken" => "500 Internal Server Error".to_owned(),
                        _ => {
                            // Holds the connection open without a word.
                            tokio::time::sleep(std::time::Duration::from_secs(3600)).await;
                            return;
                        }
                    };
                    let answer = format!(
                        "HTTP/1.1 {head}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                    );
                    let _ = socket.write_all(answer.as_bytes()).await;
                    let _ = socket.shutdown().await;
                });
            }
        });
    });
    rx.recv().unwrap()
}

fn entry(key: &str, name: &str, url: &str) -> String {
    format!(
        "[[group]]\nkey = \"{key}\"\nname = \"{name}\"\nkind = \"peer_support\"\n\
         specialties = [\"all\"]\nformat = \"online\"\ncost = \"free\"\n\
         facilitation = \"peer_led\"\nurl = \"{url}\"\n\
         description = \"Zephyr test circle for lab staff.\"\n\n"
    )
}

#[test]
fn dead_links_are_recorded_reported_and_no_longer_offered() {
    let addr = start_server();
    let base = format!("http://{addr}");
    let lab = Lab::new();
    let config = lab.file(
        "links.toml",
        "[directory]\nseed = false\nmoderators = [\"console:mo\"]\n",
    );
    let config = config.to_str().unwrap();
    let mut file = String::new();
    for (key, name, path) in [
        ("zephyr-ok", "Zephyr Ok Circle", "/ok"),
        ("zephyr-moved", "Zephyr Moved Circle", "/old"),
        ("zephyr-gone", "Zephyr Gone Circle", "/gone"),
        ("zephyr-broken", "Zephyr Broken Circle", "/broken"),
        ("zephyr-never", "Zephyr Silent Circle", "/never"),
    ] {
        file.push_str(&entry(key, name, &format!("{base}{path}")));
    }
    let directory = lab.file("directory.toml", &file);
    let imported = lab.run(
        &[
            "--config",
            config,
            "directory",
            "import",
            directory.to_str().unwrap(),
        ],
        "",
    );
    assert!(imported.success, "{}", imported.stderr);

    let day_before = chrono::Utc::now().date_naive();
    let run = lab.run(
        &[
            "--config",
            config,
            "directory",
            "check-links",
            "--timeout",
            "1",
        ],
        "",
    );
    let day_after = chrono::Utc::now().date_naive();
    assert!(run.success, "{}\n{}", run.stdout, run.stderr);
    let out = &run.stdout;
    assert!(
        out.contains("Checked 5 links: 1 ok, 1 moved, 1 dead, 2 unknown."),
        "{out}"
    );
    assert!(
        out.contains(&format!("zephyr-gone: 404 Not Found ({base}/gone)")),
        "{out}"
    );
    assert!(
        out.contains(&format!("zephyr-moved: moved to {base}/ok")),
        "{out}"
    );
    assert!(
        out.contains("zephyr-broken: 500 Internal Server Error, twice"),
        "{out}"
    );
    assert!(out.contains("zephyr-never: timed out, twice"), "{out}");

    // What was stored, entry by entry.
    let rt = tokio::runtime::Runtime::new().unwrap();
    let stored = rt.block_on(async {
        let store = labcircle::store::Store::open(&lab.database())
            .await
            .unwrap();
        let checks = store.link_checks().await.unwrap();
        store.close().await;
        checks
    });
    let statuses: Vec<(String, &str, Option<u16>)> = stored
        .iter()
        .map(|(c, _)| (c.key.clone(), c.status.code(), c.http_status))
        .collect();
    assert_eq!(
        statuses,
        vec![
            ("zephyr-broken".to_owned(), "unknown", Some(500)),
            ("zephyr-gone".to_owned(), "dead", Some(404)),
            ("zephyr-moved".to_owned(), "moved", Some(200)),
            ("zephyr-never".to_owned(), "unknown", None),
            ("zephyr-ok".to_owned(), "ok", Some(200)),
        ]
    );
    let moved = &stored[2].0;
    assert_eq!(
        moved.final_url.as_deref(),
        Some(format!("{base}/ok").as_str())
    );

    // The moderator is told privately, once.
    let told = lab.run(&["--config", config, "console", "--as", "mo"], "/crisis\n");
    assert!(
        told.stdout
            .contains("The link check found 1 directory link not working")
            && told
                .stdout
                .contains("zephyr-gone (Zephyr Gone Circle): 404 Not Found"),
        "{}",
        told.stdout
    );
    let again = lab.run(
        &[
            "--config",
            config,
            "directory",
            "check-links",
            "--timeout",
            "1",
        ],
        "",
    );
    assert!(again.success, "{}", again.stderr);
    let told_again = lab.run(&["--config", config, "console", "--as", "mo"], "/crisis\n");
    assert!(
        !told_again.stdout.contains("The link check found"),
        "{}",
        told_again.stdout
    );

    // Members no longer get the dead link; the server's trouble is not held against the other.
    let said = |day: chrono::NaiveDate| {
        format!(
            "link not working when checked on {}",
            day.format("%b %-d, %Y")
        )
    };
    let found = lab.member("/findgroup zephyr\n").message(0);
    assert!(
        found.contains(&said(day_before)) || found.contains(&said(day_after)),
        "{found}"
    );
    assert!(!found.contains(&format!("{base}/gone")), "{found}");
    assert!(found.contains(&format!("{base}/broken")), "{found}");
    assert!(found.contains(&format!("{base}/ok")), "{found}");
    let shown = lab.member("/group show zephyr-gone\n").message(0);
    assert!(
        shown.contains("Link: link not working when checked on"),
        "{shown}"
    );
}
