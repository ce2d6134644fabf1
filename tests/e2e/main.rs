//! End-to-end tests: the real `labcircle` binary, driven through the console adapter with
//! piped standard input, each test on a fresh data directory.

mod support;

mod architecture;
mod checkins;
mod cli;
mod directory_admin;
mod findgroup;
mod import_export;
mod meetups;
mod moderation;
mod scheduler;
