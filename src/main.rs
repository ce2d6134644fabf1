//! The `labcircle` command: runs the bot, and the directory and config tools.

mod cli;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    // Before anything is created: SQLite's WAL and shared-memory files and matrix-sdk's stores
    // are created by those libraries, and only a umask makes them private from creation.
    labcircle::files::restrict_umask();
    match cli::run().await {
        Ok(code) => code,
        Err(e) => {
            eprintln!("labcircle: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
