//! The platform-free core: commands, directory rules and the reply model.
//!
//! Nothing here knows Discord, Matrix, the console or SQL. The bot reads and writes through
//! the [`crate::store::Store`], and answers with [`reply::Outgoing`] values that adapters render.
//! `tests/architecture.rs` checks that no platform crate or SQL creeps in.

pub mod bot;
pub mod command;
pub mod directory;
pub mod directory_file;
pub mod help;
pub mod identity;
pub mod reply;
pub mod search;
pub mod vocab;
