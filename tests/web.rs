//! The public directory web page end to end: the real `labcircle run` binary with `[web]` on a
//! free 127.0.0.1 port, read over HTTP (HTML validity, headers, privacy, the report form's
//! protections) and driven in headless Chromium through chromedriver (search, filter, open a
//! result, report a problem, on a phone-sized window).

#[path = "support/process.rs"]
mod process;

#[path = "web/browser.rs"]
mod browser;
#[path = "web/flows.rs"]
mod flows;
#[path = "web/links.rs"]
mod links;
#[path = "web/pages.rs"]
mod pages;
#[path = "web/privacy.rs"]
mod privacy;
#[path = "web/reports.rs"]
mod reports;
#[path = "web/site.rs"]
mod site;
