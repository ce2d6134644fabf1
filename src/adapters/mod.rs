//! Adapters translate between a platform and the bot: platform events become
//! [`crate::bot::Incoming`], [`crate::domain::reply::Outgoing`] becomes platform calls.
//! They own rendering and the platform's notion of permission; they never decide.

pub mod console;
pub mod discord;
pub mod matrix;
