//! What a link check found, in plain rules: how one probe's answer is classified, and what a
//! result says instead of a link that was not working when last checked. The checking itself
//! (HTTP, hosts, retries) is I/O and lives in `crate::link_check`.

use std::collections::HashMap;
use std::fmt;

use chrono::NaiveDate;

/// A link's standing after a check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum LinkStatus {
    /// Answered (after temporary redirects at most).
    Ok,
    /// Answered after a permanent redirect (301 or 308): the entry's link should change.
    Moved,
    /// Gone: 404, 410, or a host that does not exist.
    Dead,
    /// Could not tell: server errors, time-outs, refused connections, twice.
    Unknown,
}

impl LinkStatus {
    /// Every status, in summary order.
    pub const ALL: [LinkStatus; 4] = [
        LinkStatus::Ok,
        LinkStatus::Moved,
        LinkStatus::Dead,
        LinkStatus::Unknown,
    ];

    /// The status as stored and printed.
    pub fn code(self) -> &'static str {
        match self {
            LinkStatus::Ok => "ok",
            LinkStatus::Moved => "moved",
            LinkStatus::Dead => "dead",
            LinkStatus::Unknown => "unknown",
        }
    }

    /// Reads a stored status.
    pub fn from_code(code: &str) -> Option<LinkStatus> {
        LinkStatus::ALL.into_iter().find(|s| s.code() == code)
    }
}

impl fmt::Display for LinkStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// How one request ended, before any judgement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Probe {
    /// The server answered with this HTTP status.
    Status(u16),
    /// The host name does not resolve.
    NoSuchHost,
    /// No answer in time.
    TimedOut,
    /// Any other failure to talk to the server (refused, reset, TLS).
    Failed(String),
}

/// What to do with a probe's outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Settled: this is the link's status.
    Final(LinkStatus),
    /// A redirect to follow; `permanent` for 301 and 308.
    Redirect { permanent: bool },
    /// HEAD was refused: ask again with GET.
    TryGet,
    /// Maybe temporary: ask once more, then it is [`LinkStatus::Unknown`].
    Retry,
}

/// Classifies one probe. `was_head`: the request was a HEAD (some servers refuse HEAD with
/// 405, 501 or another 4xx and answer GET properly, so those are asked again with GET).
pub fn classify(probe: &Probe, was_head: bool) -> Verdict {
    match probe {
        Probe::Status(301 | 308) => Verdict::Redirect { permanent: true },
        Probe::Status(302 | 303 | 307) => Verdict::Redirect { permanent: false },
        Probe::Status(s) if (200..400).contains(s) => Verdict::Final(LinkStatus::Ok),
        Probe::Status(s) if was_head && (400..500).contains(s) => Verdict::TryGet,
        Probe::Status(s) if was_head && *s == 501 => Verdict::TryGet,
        Probe::Status(404 | 410) => Verdict::Final(LinkStatus::Dead),
        // Other refusals (401, 403, 429, …) say the page is there but not for robots.
        Probe::Status(s) if (400..500).contains(s) => Verdict::Final(LinkStatus::Unknown),
        Probe::Status(_) => Verdict::Retry,
        Probe::NoSuchHost => Verdict::Final(LinkStatus::Dead),
        Probe::TimedOut | Probe::Failed(_) => Verdict::Retry,
    }
}

/// Entries whose link was not working when last checked: key → the day of that check.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DeadLinks(HashMap<String, NaiveDate>);

impl DeadLinks {
    /// From (key, day checked) pairs.
    pub fn new(links: impl IntoIterator<Item = (String, NaiveDate)>) -> Self {
        Self(links.into_iter().collect())
    }

    /// The day `key`'s link was found not working, if it was.
    pub fn checked_on(&self, key: &str) -> Option<NaiveDate> {
        self.0.get(key).copied()
    }

    /// Whether no link is known dead.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// What a result says instead of a dead link: "link not working when checked on Dec 1, 2026".
pub fn not_working(checked_on: NaiveDate) -> String {
    format!(
        "link not working when checked on {}",
        checked_on.format("%b %-d, %Y")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gone_pages_and_missing_hosts_are_dead_and_server_trouble_is_retried() {
        assert_eq!(
            classify(&Probe::Status(200), true),
            Verdict::Final(LinkStatus::Ok)
        );
        assert_eq!(
            classify(&Probe::Status(404), false),
            Verdict::Final(LinkStatus::Dead)
        );
        assert_eq!(
            classify(&Probe::Status(410), false),
            Verdict::Final(LinkStatus::Dead)
        );
        assert_eq!(
            classify(&Probe::NoSuchHost, true),
            Verdict::Final(LinkStatus::Dead)
        );
        assert_eq!(classify(&Probe::Status(503), false), Verdict::Retry);
        assert_eq!(classify(&Probe::TimedOut, true), Verdict::Retry);
        assert_eq!(
            classify(&Probe::Status(403), false),
            Verdict::Final(LinkStatus::Unknown)
        );
    }

    #[test]
    fn a_refused_head_is_asked_again_with_get() {
        for s in [404, 405, 403, 501] {
            assert_eq!(classify(&Probe::Status(s), true), Verdict::TryGet, "{s}");
        }
        assert_eq!(classify(&Probe::Status(500), true), Verdict::Retry);
    }

    #[test]
    fn only_301_and_308_are_permanent_moves() {
        for (s, permanent) in [(301, true), (308, true), (302, false), (307, false)] {
            assert_eq!(
                classify(&Probe::Status(s), true),
                Verdict::Redirect { permanent }
            );
        }
    }

    #[test]
    fn a_dead_link_says_the_day_it_was_checked() {
        let day = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
        assert_eq!(
            not_working(day),
            "link not working when checked on Dec 1, 2026"
        );
        let dead = DeadLinks::new([("a".to_owned(), day)]);
        assert_eq!(dead.checked_on("a"), Some(day));
        assert_eq!(dead.checked_on("b"), None);
    }
}
