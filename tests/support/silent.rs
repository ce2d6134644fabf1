//! A server on 127.0.0.1 that accepts connections and never answers nor closes them: a chat
//! platform's API that hangs, for the tests that stop the bot while it waits on one.

// Each test crate uses its own part of the harness.
#![allow(dead_code)]

use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::net::{TcpListener, TcpStream};

pub struct Silent {
    /// `http://127.0.0.1:PORT`
    pub url: String,
    /// Every connection accepted, kept open.
    accepted: Arc<Mutex<Vec<TcpStream>>>,
}

impl Silent {
    pub async fn start() -> Silent {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let url = format!("http://{}", listener.local_addr().expect("address"));
        let accepted = Arc::new(Mutex::new(Vec::new()));
        let kept = accepted.clone();
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                kept.lock().unwrap().push(stream);
            }
        });
        Silent { url, accepted }
    }

    /// How many connections were made to it so far.
    pub fn connections(&self) -> usize {
        self.accepted.lock().unwrap().len()
    }

    /// Waits until the bot has connected (or `at_most` has passed).
    pub async fn wait_connected(&self, at_most: Duration) {
        let deadline = tokio::time::Instant::now() + at_most;
        while self.connections() == 0 && tokio::time::Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}
