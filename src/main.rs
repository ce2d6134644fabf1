//! The `labcircle` command: runs the bot, and the directory and config tools.

mod cli;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    match cli::run().await {
        Ok(code) => code,
        Err(e) => {
            eprintln!("labcircle: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
