//! The `labcircle` command: runs the bot, and the directory and config tools.

mod cli;

fn main() -> std::process::ExitCode {
    // Before anything is created: SQLite's WAL and shared-memory files and matrix-sdk's stores
    // are created by those libraries, and only a umask makes them private from creation.
    labcircle::files::restrict_umask();
    // Before any other thread starts (malloc reads the setting once).
    labcircle::memory::limit_malloc_arenas();
    // One thread runs every task. The bot waits on the network and on its databases (each
    // with threads of its own), and its own work per message is well under a millisecond;
    // with the multi-thread scheduler the two cores' workers woke each other at every hand-off,
    // which cost more CPU per Matrix command than the work itself (docs/PERFORMANCE.md).
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("labcircle: cannot start the async runtime: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    match runtime.block_on(cli::run()) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("labcircle: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
