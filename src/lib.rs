//! labcircle: a circle of support for US clinical-lab professionals, inside the chat
//! communities they already use.
//!
//! # Layout
//!
//! * [`domain`]: the platform-free core, pure rules and data: commands by area with their help
//!   ([`domain::command`], [`domain::help`]), the directory ([`domain::directory`],
//!   [`domain::directory_file`], [`domain::vocab`], [`domain::search`],
//!   [`domain::search_index`], [`domain::listing`], [`domain::state_coverage`]), check-ins ([`domain::schedule`],
//!   [`domain::weekly`], [`domain::wellbeing`], [`domain::phi`], [`domain::trend`]), meetups
//!   ([`domain::meetup`], [`domain::meetup_time`], [`domain::series`], [`domain::roster`],
//!   [`domain::ics`], [`domain::mentions`]), time words shared by both ([`domain::time_words`]),
//!   identities ([`domain::identity`]), typed input errors ([`domain::input`]), the reply
//!   model ([`domain::reply`]) and private notices about events, sent through the outbox
//!   ([`domain::notices`]), and networking and mentorship pairing ([`domain::pairing`]).
//! * [`bot`]: the application layer: the [`bot::Bot`] takes [`bot::Incoming`] events, applies
//!   the domain's rules through the store and answers with [`domain::reply::Outgoing`].
//! * [`scheduler`]: due check-ins into the outbox, and the outbox out through adapters;
//!   [`settings`]: what the bot and scheduler read from the configuration; [`clock`]: time that
//!   tests can drive.
//! * [`store`]: the only place with SQL (SQLite through sqlx, migrations in `migrations/`).
//! * [`runtime`]: the live loop (scheduler ticks, per-platform dispatch) that every adapter runs
//!   on.
//! * [`adapters`]: platforms: the `console`, `discord` and `matrix` adapters (the last two
//!   behind the cargo features of the same names, both on by default).
//! * [`ops`]: for whoever runs the bot: `/healthz` and `/metrics` over HTTP (`[ops] listen`),
//!   the adapters' connection states behind them, and `labcircle backup` (SQLite's online
//!   backup API).
//! * [`chart`]: the check-in trend chart drawn as a PNG (plotters); its data and alt text are
//!   [`domain::trend`].
//! * [`link_check`]: the directory's link checker (HTTP, one request per host at a time) and its
//!   monthly run; how an answer is judged is [`domain::link_status`].
//! * [`web`]: the public directory web page (`[web] listen`): the directory, entries, events
//!   and a report form, server-rendered with axum and maud; it asks the [`bot::Bot`] for public
//!   directory data only.
//! * [`serve`]: starting the console or the chat adapters, signals and shutdown; [`app`]: the
//!   store, seeding, logging and the directory and config tools; [`config`]: typed
//!   configuration (secrets as `SecretString`); [`notes`]: encryption of check-in notes, each
//!   bound to its row; [`note_key`]: the key's fingerprint checked at start-up, and rekeying;
//!   [`files`]: the data directory and database private to their owner (0700, 0600);
//!   [`memory`]: at most two malloc arenas;
//!   [`logging`]: the log filter with the HTTP and gateway libraries capped, and tokens
//!   redacted from what is logged.
//!
//! The arrows point one way: adapters → runtime/bot → scheduler/store → domain. The domain names
//! no platform, store, configuration or SQL; the bot and scheduler name no platform and write no
//! SQL; the scheduler does not know the bot; no adapter names another (checked by
//! `tests/architecture.rs`).

pub mod adapters;
pub mod app;
pub mod bot;
pub mod chart;
pub mod clock;
pub mod config;
pub mod domain;
pub mod files;
pub mod link_check;
pub mod logging;
pub mod memory;
pub mod note_key;
pub mod notes;
pub mod ops;
pub mod runtime;
pub mod scheduler;
pub mod serve;
pub mod settings;
pub mod store;
pub mod web;
