//! labcircle: a circle of support for US clinical-lab professionals, inside the chat
//! communities they already use.
//!
//! # Layout
//!
//! * [`domain`]: the platform-free core. Commands and their help ([`domain::command`]), the
//!   directory's rules ([`domain::directory`], [`domain::vocab`], [`domain::search`]), the reply
//!   model ([`domain::reply`]) and the [`bot::Bot`] that ties them together.
//! * [`store`]: the only place with SQL (SQLite through sqlx, migrations in `migrations/`).
//! * [`adapters`]: platforms. Each turns platform events into [`bot::Incoming`] and
//!   renders [`domain::reply::Outgoing`]. Today: the [`adapters::console`].
//! * [`config`]: typed configuration; [`app`]: wiring (store, seeding, adapters).
//!
//! The arrows point one way: adapters → domain → store. The domain never names a platform
//! crate or SQL (checked by `tests/architecture.rs`).

pub mod adapters;
pub mod app;
pub mod bot;
pub mod clock;
pub mod config;
pub mod domain;
pub mod notes;
pub mod scheduler;
pub mod store;
