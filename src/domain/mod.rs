//! The platform-free core: commands, directory, check-in and meetup rules, and the reply model.
//!
//! Nothing here knows Discord, Matrix, the console, the store or SQL: it is pure rules and data,
//! testable without a database. [`crate::bot`] ties it to the store; adapters render its
//! [`reply::Outgoing`] values. `tests/architecture.rs` checks that nothing else
//! creeps in.

pub mod command;
pub mod directory;
pub mod directory_file;
pub mod events;
#[cfg(test)]
mod fuzz_tests;
pub mod help;
pub mod ics;
pub mod identity;
pub mod input;
pub mod link_status;
pub mod listing;
pub mod meetup;
pub mod meetup_time;
pub mod member_text;
pub mod mentions;
pub mod my_data;
pub mod notices;
pub mod pairing;
pub mod phi;
pub mod places;
pub mod reply;
pub mod reports;
pub mod roster;
pub mod safety;
pub mod schedule;
pub mod search;
pub mod search_index;
pub mod series;
pub mod state_coverage;
pub mod time_words;
pub mod trend;
pub mod understand;
pub mod vocab;
pub mod weekly;
pub mod wellbeing;
