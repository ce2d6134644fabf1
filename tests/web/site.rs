//! A running `labcircle run` with only `[web]` configured, and plain HTTP against it.

use process::{Home, Process, Run};

use crate::process;

/// The bot serving its web page, on a fresh data directory.
pub struct Site {
    pub home: Home,
    pub process: Process,
    /// `http://127.0.0.1:PORT`.
    pub base: String,
}

impl Site {
    /// Starts `labcircle run` with `[web]` on a free port; `prepare` runs console lines first
    /// (as `NAME ROLE` then the lines), so the database holds members' data.
    pub async fn start(prepare: &[(&str, &str, &str)]) -> Site {
        Site::start_with("", prepare).await
    }

    /// As [`Site::start`], with `directory` added to the `[directory]` section (such as
    /// `seed = false`).
    pub async fn start_with(directory: &str, prepare: &[(&str, &str, &str)]) -> Site {
        let home = Home::new();
        home.config(&format!(
            "[storage]\ndata_dir = \"{data}\"\n\
             [directory]\nmoderators = [\"console:mo\", \"console:mojaguar\"]\n{directory}\n\
             [web]\nlisten = \"127.0.0.1:0\"\n",
            data = home.data_dir().display(),
        ));
        for (name, role, lines) in prepare {
            let run = home
                .launch_with_config()
                .args(["console", "--as", name, "--role", role])
                .run(lines);
            assert!(
                run.success,
                "console failed:\n{}\n{}",
                run.stdout, run.stderr
            );
        }
        let process = home
            .launch_with_config()
            .arg("run")
            .env("LABCIRCLE_LOG", "warn")
            .start();
        let line = process.wait_line("web: serving http://").await;
        let base = line
            .split_once("serving ")
            .map(|(_, url)| url.trim().to_owned())
            .expect("the address after \"serving\"");
        Site {
            home,
            process,
            base,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// A console line typed by the moderator `mo`, against the running bot's database.
    pub fn moderator(&self, lines: &str) -> Run {
        let run = self
            .home
            .launch_with_config()
            .args(["console", "--as", "mo"])
            .run(lines);
        assert!(
            run.success,
            "console failed:\n{}\n{}",
            run.stdout, run.stderr
        );
        run
    }
}

/// An HTTP client that goes straight to 127.0.0.1 (no system proxy); cookies are the test's.
pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .no_proxy()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("an HTTP client")
}

/// A GET: status, headers and body.
pub async fn get(client: &reqwest::Client, url: &str) -> (u16, reqwest::header::HeaderMap, String) {
    let response = client
        .get(url)
        .send()
        .await
        .unwrap_or_else(|e| panic!("GET {url}: {e}"));
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let body = response.text().await.expect("a body");
    (status, headers, body)
}
