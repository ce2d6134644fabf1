//! labcircle: a circle of support for US clinical-lab professionals, inside the chat
//! communities they already use.
//!
//! # Layout
//!
//! * [`domain`]: the platform-free core, pure rules and data: commands and their help
//!   ([`domain::command`]), the directory ([`domain::directory`], [`domain::vocab`],
//!   [`domain::search_index`]), check-ins ([`domain::schedule`], [`domain::wellbeing`],
//!   [`domain::phi`]), meetup building blocks ([`domain::meetup_time`], [`domain::roster`],
//!   [`domain::ics`], [`domain::mentions`]) and the reply model ([`domain::reply`]).
//! * [`bot`]: the application layer: the [`bot::Bot`] takes [`bot::Incoming`] events, applies
//!   the domain's rules through the store and answers with [`domain::reply::Outgoing`].
//! * [`runtime`]: the live loop (scheduler ticks, per-platform dispatch) for chat adapters.
//! * [`scheduler`]: due check-ins into the outbox, and the outbox out through adapters;
//!   [`clock`]: time that tests can drive.
//! * [`store`]: the only place with SQL (SQLite through sqlx, migrations in `migrations/`).
//! * [`adapters`]: platforms: the [`adapters::console`] and [`adapters::matrix`].
//! * [`config`]: typed configuration; [`app`]: wiring (store, seeding); [`notes`]: encryption
//!   of check-in notes.
//!
//! The arrows point one way: adapters → bot → domain and store. The domain names no platform,
//! store or SQL; the bot and scheduler name no platform and write no SQL (checked by
//! `tests/e2e/architecture.rs`).

pub mod adapters;
pub mod app;
pub mod bot;
pub mod clock;
pub mod config;
pub mod domain;
pub mod notes;
pub mod runtime;
pub mod scheduler;
pub mod serve;
pub mod settings;
pub mod store;
