//! A server on 127.0.0.1 that accepts connections and never answers nor closes them: a chat
//! platform's API that hangs, for the tests that stop the bot while it waits on one.

// Each test crate uses its own part of the harness.
#![allow(dead_code)]

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::net::{TcpListener, TcpStream};

use crate::process::Process;

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

/// Sends `signal` and asserts what an operator would see: the process says it is stopping
/// and ends within 5 s with exit code 0.
pub async fn stops_within_five_seconds(process: &mut Process, signal: &str) {
    let sent = Instant::now();
    let status = process.signal(signal, Duration::from_secs(5)).await;
    let took = sent.elapsed();
    let status = status.unwrap_or_else(|| {
        panic!(
            "still running 5 s after SIG{signal}; it printed:\n{}",
            process.output()
        )
    });
    assert_eq!(
        status.code(),
        Some(0),
        "SIG{signal} ended it with {status}; it printed:\n{}",
        process.output()
    );
    assert!(
        process.stderr().contains("labcircle: stopping"),
        "no \"stopping\" line; it printed:\n{}",
        process.output()
    );
    eprintln!("stopped {took:?} after SIG{signal}");
}
