//! Members' reports on directory entries: why an entry was reported, how moderators resolved
//! the reports, and how the open reports of one entry are summed up for them.

use std::fmt;

/// Why a member reported an entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ReportReason {
    Outdated,
    BrokenLink,
    WrongInfo,
    NotAFit,
}

/// The reasons as typed, for messages that list what is accepted.
pub const REASONS: &str = "outdated, broken-link, wrong-info, not-a-fit";

/// The most characters a report's details may have.
pub const MAX_DETAILS_CHARS: usize = 300;

impl ReportReason {
    pub const ALL: [ReportReason; 4] = [
        ReportReason::Outdated,
        ReportReason::BrokenLink,
        ReportReason::WrongInfo,
        ReportReason::NotAFit,
    ];

    /// The stored and typed word.
    pub fn code(self) -> &'static str {
        match self {
            ReportReason::Outdated => "outdated",
            ReportReason::BrokenLink => "broken-link",
            ReportReason::WrongInfo => "wrong-info",
            ReportReason::NotAFit => "not-a-fit",
        }
    }

    /// In words, for people.
    pub fn label(self) -> &'static str {
        match self {
            ReportReason::Outdated => "outdated",
            ReportReason::BrokenLink => "broken link",
            ReportReason::WrongInfo => "wrong information",
            ReportReason::NotAFit => "not a fit",
        }
    }

    /// A typed reason: the code, with spaces or underscores for dashes, any case.
    pub fn parse(text: &str) -> Option<Self> {
        let word = text.trim().to_lowercase().replace([' ', '_'], "-");
        let word = match word.as_str() {
            "wrong-information" => "wrong-info",
            "broken" | "dead-link" => "broken-link",
            other => other,
        };
        Self::ALL.into_iter().find(|r| r.code() == word)
    }
}

impl fmt::Display for ReportReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// How a moderator resolved the reports on an entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportOutcome {
    /// The entry was corrected (or removed).
    Fixed,
    /// The entry stays as it is.
    Dismissed,
}

impl ReportOutcome {
    pub fn code(self) -> &'static str {
        match self {
            ReportOutcome::Fixed => "fixed",
            ReportOutcome::Dismissed => "dismissed",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        match text.trim().to_lowercase().as_str() {
            "fixed" => Some(ReportOutcome::Fixed),
            "dismissed" | "dismiss" => Some(ReportOutcome::Dismissed),
            _ => None,
        }
    }
}

/// "3 reports: 2 broken link, 1 outdated": the open reports of one entry, most common reason
/// first.
pub fn summary(reasons: &[ReportReason]) -> String {
    let mut counts: Vec<(ReportReason, usize)> = ReportReason::ALL
        .into_iter()
        .map(|r| (r, reasons.iter().filter(|x| **x == r).count()))
        .filter(|(_, n)| *n > 0)
        .collect();
    counts.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let parts: Vec<String> = counts.iter().map(|(r, n)| format!("{n} {r}")).collect();
    let total = reasons.len();
    format!(
        "{total} report{}: {}",
        if total == 1 { "" } else { "s" },
        parts.join(", ")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reports_of_one_entry_are_summed_up_by_reason_most_common_first() {
        use ReportReason::*;
        assert_eq!(
            summary(&[Outdated, BrokenLink, BrokenLink]),
            "3 reports: 2 broken link, 1 outdated"
        );
        assert_eq!(summary(&[NotAFit]), "1 report: 1 not a fit");
    }

    #[test]
    fn reasons_are_read_in_common_spellings_and_round_trip() {
        for r in ReportReason::ALL {
            assert_eq!(ReportReason::parse(r.code()), Some(r));
        }
        assert_eq!(
            ReportReason::parse("Broken link"),
            Some(ReportReason::BrokenLink)
        );
        assert_eq!(
            ReportReason::parse("wrong_info"),
            Some(ReportReason::WrongInfo)
        );
        assert_eq!(ReportReason::parse("spam"), None);
        assert_eq!(ReportOutcome::parse("Fixed"), Some(ReportOutcome::Fixed));
        assert_eq!(ReportOutcome::parse("later"), None);
    }
}
