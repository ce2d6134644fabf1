//! Adapters translate between a platform and the bot: platform events become
//! [`crate::bot::Incoming`], [`crate::domain::reply::Outgoing`] becomes platform calls.
//! They own rendering and the platform's notion of permission; they never decide.

pub mod console;
#[cfg(feature = "discord")]
pub mod discord;
#[cfg(feature = "matrix")]
pub mod matrix;

/// How long an adapter, once told to stop, waits for what it has in flight (a connection
/// being closed, a delivery being answered and recorded) before it gives up on it: the whole
/// process has 5 s (see [`crate::serve`]).
pub const STOP_GRACE: std::time::Duration = std::time::Duration::from_secs(2);
