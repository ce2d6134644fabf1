//! Peer and mentor pairing (issue 16).

pub mod matcher;
pub use matcher::*;
