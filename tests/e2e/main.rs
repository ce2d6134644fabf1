//! End-to-end tests: the real `labcircle` binary, driven through the console adapter with
//! piped standard input, each test on a fresh data directory; and the bot and scheduler in
//! process (`world`), on a manual clock.

#[path = "../support/process.rs"]
mod process;
#[path = "../support/silent.rs"]
mod silent;
mod support;
#[path = "../support/world.rs"]
mod world;

mod busy;
mod checkin_choices;
mod checkins;
mod cli;
mod directory_admin;
mod directory_moderators;
mod directory_trust;
mod events;
mod findgroup;
mod findgroup_eval;
mod findgroup_filters;
mod import_export;
mod limits;
mod link_check;
mod meetup_dates;
mod meetups;
mod member_text;
mod moderation;
mod note_key;
mod notices;
mod ops;
mod pairing;
mod patient_info;
mod reports;
mod retention;
mod runtime;
mod safety;
mod scheduler;
mod sentences;
mod sharing;
mod stats;
mod stopping;
mod tips;
mod trend_chart;
mod wording;
