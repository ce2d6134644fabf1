//! The directory's link checker: `labcircle directory check-links`, and the monthly check under
//! `labcircle run` when `[directory] check_links = true`.
//!
//! Every entry with a url is asked with HEAD, then GET when HEAD is refused; redirects are
//! followed by hand (so permanent ones, 301 and 308, are noticed and reported as "moved to …");
//! 404, 410 and hosts that do not exist are dead; server errors and time-outs are asked twice,
//! then unknown. Entries are grouped by host and each host is asked one request at a time, so
//! a small society's server never sees several of ours at once. How an answer is judged is
//! [`crate::domain::link_status::classify`]; this module only does the I/O.
//!
//! Results go to the `link_checks` table; a dead link is then shown as "link not working when
//! checked on …" instead of a link, and the directory's moderators are told privately, once
//! per newly dead link.

use std::collections::BTreeMap;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use chrono::{DateTime, Utc};
use tokio::sync::Semaphore;
use tokio_util::sync::CancellationToken;

use crate::config::Config;
use crate::domain::identity::Member;
use crate::domain::link_status::{LinkStatus, Probe, Verdict, classify, not_working};
use crate::domain::mentions::neutralize;
use crate::store::{LinkCheck, Store};

/// How a check runs.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    /// Requests in flight at once, over all hosts (each host still one at a time).
    pub concurrency: usize,
    /// Longest wait for one answer.
    pub timeout: Duration,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            concurrency: 4,
            timeout: Duration::from_secs(10),
        }
    }
}

/// Redirects followed before giving up on a link.
const MAX_REDIRECTS: usize = 10;
/// Tries before a server error or time-out makes a link unknown.
const TRIES: usize = 2;
/// The `meta` entry holding when the last full check finished.
const LAST_RUN: &str = "link_check_last_run";
/// How often `labcircle run` checks.
const EVERY: chrono::Duration = chrono::Duration::days(30);

/// Checks every (key, url) pair and returns one result each, in key order.
pub async fn check_links(links: Vec<(String, String)>, options: Options) -> Vec<LinkCheck> {
    let client = match reqwest::Client::builder()
        // Directory links are public pages: never through a proxy configured for something
        // else, and redirects followed here, to see the permanent ones.
        .no_proxy()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(options.timeout)
        .user_agent(concat!("labcircle-link-check/", env!("CARGO_PKG_VERSION")))
        .build()
    {
        Ok(client) => client,
        Err(e) => {
            tracing::error!(error = %e, "cannot build the HTTP client for the link check");
            return Vec::new();
        }
    };
    let mut by_host: BTreeMap<String, Vec<(String, String)>> = BTreeMap::new();
    let mut results = Vec::new();
    for (key, url) in links {
        match reqwest::Url::parse(&url) {
            Ok(parsed) if matches!(parsed.scheme(), "http" | "https") => {
                let host = parsed.host_str().unwrap_or_default().to_ascii_lowercase();
                by_host.entry(host).or_default().push((key, url));
            }
            _ => results.push(LinkCheck {
                key,
                url,
                status: LinkStatus::Dead,
                http_status: None,
                final_url: None,
                detail: "not a web address (http:// or https://)".into(),
            }),
        }
    }
    let permits = Arc::new(Semaphore::new(options.concurrency.max(1)));
    let mut tasks = tokio::task::JoinSet::new();
    for (_, links) in by_host {
        let (client, permits) = (client.clone(), permits.clone());
        // One task per host, asking its links one after the other.
        tasks.spawn(async move {
            let mut done = Vec::with_capacity(links.len());
            for (key, url) in links {
                let Ok(_permit) = permits.acquire().await else {
                    break;
                };
                done.push(check_one(&client, key, url).await);
            }
            done
        });
    }
    while let Some(done) = tasks.join_next().await {
        match done {
            Ok(done) => results.extend(done),
            Err(e) => tracing::error!(error = %e, "a link check task failed"),
        }
    }
    results.sort_by(|a, b| a.key.cmp(&b.key));
    results
}

/// One link: HEAD, GET when HEAD is refused, redirects followed, server trouble asked twice.
async fn check_one(client: &reqwest::Client, key: String, url: String) -> LinkCheck {
    let mut current = url.clone();
    let mut head = true;
    let mut tries = 0;
    let mut hops = 0;
    let mut moved = false;
    let mut last_status = None;
    let finish = |status, http, current: &str, detail: String| {
        let final_url = (current != url).then(|| current.to_owned());
        LinkCheck {
            key: key.clone(),
            url: url.clone(),
            status,
            http_status: http,
            final_url,
            detail,
        }
    };
    loop {
        let method = if head {
            reqwest::Method::HEAD
        } else {
            reqwest::Method::GET
        };
        let (probe, location) = match client.request(method, &current).send().await {
            Ok(response) => {
                let location = response
                    .headers()
                    .get(reqwest::header::LOCATION)
                    .and_then(|l| l.to_str().ok())
                    .map(str::to_owned);
                (Probe::Status(response.status().as_u16()), location)
            }
            Err(e) => (probe_error(&e), None),
        };
        if let Probe::Status(s) = probe {
            last_status = Some(s);
        }
        match classify(&probe, head) {
            Verdict::Final(LinkStatus::Ok) if moved => {
                let detail = format!("moved to {current}");
                return finish(LinkStatus::Moved, last_status, &current, detail);
            }
            Verdict::Final(status) => {
                let mut detail = describe(&probe);
                if current != url {
                    detail.push_str(&format!(" (at {current})"));
                }
                return finish(status, last_status, &current, detail);
            }
            Verdict::Redirect { permanent } => {
                let next = location.and_then(|l| reqwest::Url::parse(&current).ok()?.join(&l).ok());
                let Some(next) = next else {
                    let detail = format!("{} without a Location to go to", describe(&probe));
                    return finish(LinkStatus::Unknown, last_status, &current, detail);
                };
                hops += 1;
                if hops > MAX_REDIRECTS {
                    let detail = format!("more than {MAX_REDIRECTS} redirects");
                    return finish(LinkStatus::Unknown, last_status, &current, detail);
                }
                moved |= permanent;
                current = next.to_string();
                (head, tries) = (true, 0);
            }
            Verdict::TryGet => head = false,
            Verdict::Retry => {
                tries += 1;
                if tries >= TRIES {
                    let detail = format!("{}, twice", describe(&probe));
                    return finish(LinkStatus::Unknown, last_status, &current, detail);
                }
            }
        }
    }
}

/// What went wrong with a request that got no HTTP answer.
fn probe_error(e: &reqwest::Error) -> Probe {
    if e.is_timeout() {
        return Probe::TimedOut;
    }
    // The resolver's failure is only visible in the error chain's words.
    let mut chain = Vec::new();
    let mut source: Option<&dyn std::error::Error> = Some(e);
    while let Some(s) = source {
        chain.push(s.to_string());
        source = s.source();
    }
    let words = chain.join(": ");
    if words.contains("dns error") || words.contains("failed to lookup address") {
        Probe::NoSuchHost
    } else if e.is_connect() {
        Probe::Failed("could not connect".into())
    } else {
        Probe::Failed("the connection failed".into())
    }
}

/// A probe in words: "404 Not Found", "timed out", "no such host".
fn describe(probe: &Probe) -> String {
    match probe {
        Probe::Status(s) => match reqwest::StatusCode::from_u16(*s)
            .ok()
            .and_then(|c| c.canonical_reason())
        {
            Some(reason) => format!("{s} {reason}"),
            None => format!("HTTP {s}"),
        },
        Probe::NoSuchHost => "no such host".into(),
        Probe::TimedOut => "timed out".into(),
        Probe::Failed(why) => why.clone(),
    }
}

/// Checks every entry's link, records the results and the time, and queues a private report of
/// newly dead links to the directory's moderators. Returns the results.
pub async fn check_directory(
    store: &Store,
    moderators: &[Member],
    options: Options,
    now: impl Fn() -> DateTime<Utc>,
) -> anyhow::Result<Vec<LinkCheck>> {
    let links: Vec<(String, String)> = store
        .all_groups()
        .await
        .context("cannot read the directory")?
        .into_iter()
        .filter_map(|e| Some((e.key, e.url?)))
        .collect();
    tracing::info!(links = links.len(), "checking directory links");
    let results = check_links(links, options).await;
    let finished = now();
    store
        .record_link_checks(&results, finished)
        .await
        .context("cannot record the link checks")?;
    store
        .set_meta(
            LAST_RUN,
            &finished.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        )
        .await?;
    report_dead(store, moderators, finished).await?;
    Ok(results)
}

/// Tells each moderator, privately, about links found dead since the last report.
async fn report_dead(
    store: &Store,
    moderators: &[Member],
    now: DateTime<Utc>,
) -> anyhow::Result<()> {
    let dead = store.unreported_dead_links().await?;
    if dead.is_empty() || moderators.is_empty() {
        return Ok(());
    }
    let mut body = format!(
        "The link check found {} directory link{} not working; members now see \"{}\" instead:",
        dead.len(),
        if dead.len() == 1 { "" } else { "s" },
        not_working(now.date_naive())
    );
    for d in &dead {
        body.push_str(&format!(
            "\n- {} ({}): {} ({})",
            d.key,
            neutralize(&d.name),
            d.detail,
            d.url
        ));
    }
    body.push_str("\nFix one with /group edit KEY url:…, or remove it with /group remove KEY.");
    let key = format!("links:{}", now.timestamp());
    store
        .queue_link_report(moderators, &dead, &key, &body, now.timestamp())
        .await?;
    Ok(())
}

/// The summary `labcircle directory check-links` prints.
pub fn summary(results: &[LinkCheck]) -> String {
    let count = |s: LinkStatus| results.iter().filter(|r| r.status == s).count();
    let counts: Vec<String> = LinkStatus::ALL
        .iter()
        .map(|s| format!("{} {s}", count(*s)))
        .collect();
    let mut out = format!(
        "Checked {} link{}: {}.\n",
        results.len(),
        if results.len() == 1 { "" } else { "s" },
        counts.join(", ")
    );
    for (status, title) in [
        (LinkStatus::Dead, "Dead (shown as not working until fixed)"),
        (LinkStatus::Moved, "Moved for good (update the entry)"),
        (LinkStatus::Unknown, "Unknown (asked twice; still offered)"),
    ] {
        let listed: Vec<&LinkCheck> = results.iter().filter(|r| r.status == status).collect();
        if listed.is_empty() {
            continue;
        }
        out.push_str(&format!("{title}:\n"));
        for r in listed {
            out.push_str(&format!("  {}: {} ({})\n", r.key, r.detail, r.url));
        }
    }
    out
}

/// The directory's moderators named by identity, as members to write to.
pub fn moderator_members(config: &Config) -> anyhow::Result<Vec<Member>> {
    Ok(config
        .directory
        .moderators()?
        .users()
        .map(|u| Member {
            display_name: u.id.clone(),
            user: u.clone(),
        })
        .collect())
}

/// `labcircle directory check-links`.
pub async fn run_command(config: &Config, options: Options) -> anyhow::Result<ExitCode> {
    let moderators = moderator_members(config)?;
    let (store, _) = crate::app::open_store(config).await?;
    let results = check_directory(&store, &moderators, options, Utc::now).await;
    store.close().await;
    print!("{}", summary(&results?));
    Ok(ExitCode::SUCCESS)
}

/// When the next monthly check is due, from the last one recorded.
async fn next_due(store: &Store) -> anyhow::Result<DateTime<Utc>> {
    let last = store.meta(LAST_RUN).await?;
    let last = last.and_then(|t| DateTime::parse_from_rfc3339(&t).ok());
    Ok(match last {
        Some(t) => t.with_timezone(&Utc) + EVERY,
        None => Utc::now(),
    })
}

/// The monthly check under `labcircle run`: sleeps until due (the last run is kept in the
/// database, so a restart does not check early), checks, and again, until `stop`.
pub async fn monthly(store: Store, moderators: Vec<Member>, stop: CancellationToken) {
    loop {
        let due = match next_due(&store).await {
            Ok(due) => due,
            Err(e) => {
                tracing::error!(error = %e, "link check: cannot read when it last ran");
                Utc::now() + chrono::Duration::hours(1)
            }
        };
        // Woken at least daily, so a clock that jumped (a suspended machine) is noticed.
        let wait = (due - Utc::now())
            .to_std()
            .unwrap_or_default()
            .min(Duration::from_secs(24 * 3600));
        tokio::select! {
            () = stop.cancelled() => return,
            () = tokio::time::sleep(wait) => {}
        }
        if Utc::now() < due {
            continue;
        }
        let check = check_directory(&store, &moderators, Options::default(), Utc::now);
        let results = tokio::select! {
            () = stop.cancelled() => return,
            results = check => results,
        };
        match results {
            Ok(results) => {
                let dead = results
                    .iter()
                    .filter(|r| r.status == LinkStatus::Dead)
                    .count();
                tracing::info!(links = results.len(), dead, "directory links checked");
            }
            Err(e) => {
                tracing::error!(error = format!("{e:#}"), "link check failed");
                // Not recorded as run: try again in an hour rather than in a month.
                let retry = tokio::time::sleep(Duration::from_secs(3600));
                tokio::select! {
                    () = stop.cancelled() => return,
                    () = retry => {}
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_restart_waits_a_month_from_the_last_check_not_from_the_start() {
        let store = Store::open_in_memory().await.unwrap();
        let before = Utc::now();
        assert!(
            next_due(&store).await.unwrap() >= before,
            "never checked: due now"
        );
        let last = Utc::now() - chrono::Duration::days(3);
        let text = last.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
        store.set_meta(LAST_RUN, &text).await.unwrap();
        let due = next_due(&store).await.unwrap();
        assert_eq!(due.timestamp(), last.timestamp() + EVERY.num_seconds());
    }

    #[tokio::test]
    async fn the_monthly_check_stops_when_told_while_waiting() {
        let store = Store::open_in_memory().await.unwrap();
        let recent = Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
        store.set_meta(LAST_RUN, &recent).await.unwrap();
        let stop = CancellationToken::new();
        let task = tokio::spawn(monthly(store, Vec::new(), stop.clone()));
        stop.cancel();
        tokio::time::timeout(Duration::from_secs(5), task)
            .await
            .expect("stopped")
            .unwrap();
    }

    #[test]
    fn the_summary_counts_every_status_and_lists_the_dead_with_their_reason() {
        let check = |key: &str, status, detail: &str| LinkCheck {
            key: key.into(),
            url: format!("https://example.org/{key}"),
            status,
            http_status: None,
            final_url: None,
            detail: detail.into(),
        };
        let text = summary(&[
            check("a", LinkStatus::Ok, "200 OK"),
            check("b", LinkStatus::Dead, "no such host"),
        ]);
        assert!(
            text.starts_with("Checked 2 links: 1 ok, 0 moved, 1 dead, 0 unknown.\n"),
            "{text}"
        );
        assert!(
            text.contains("  b: no such host (https://example.org/b)"),
            "{text}"
        );
    }
}
