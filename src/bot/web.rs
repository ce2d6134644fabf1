//! What the public directory web page asks of the bot: the same search, entries, events and
//! reports as the chat commands, for a visitor with no account. Only public directory data
//! comes out of here: no member, check-in, meetup or moderator is ever named.

use chrono::NaiveDate;

use super::Bot;
use crate::domain::command::UserError;
use crate::domain::directory::Entry;
use crate::domain::events::Event;
use crate::domain::link_status::DeadLinks;
use crate::domain::reports::{MAX_DETAILS_CHARS, ReportReason};
use crate::domain::search::{Filter, SearchQuery};
use crate::store::{ReportAdded, StoreError};

/// One page of a web search.
#[derive(Debug)]
pub struct WebResults {
    /// Matches in all.
    pub total: usize,
    /// This page's entries, best first.
    pub entries: Vec<Entry>,
    /// Links found dead by the link check (not offered as links).
    pub dead: DeadLinks,
    /// When nothing matched: each filter whose removal would find something, with how many.
    pub without: Vec<(Filter, usize)>,
    /// The bot's today, for "checked Mon YYYY" and "may be out of date".
    pub today: NaiveDate,
}

/// Why a web visitor's report was not kept.
#[derive(Debug, thiserror::Error)]
pub enum WebReportError {
    /// The visitor's mistake; the text says what was wrong and what is accepted.
    #[error(transparent)]
    User(#[from] UserError),
    #[error(transparent)]
    Internal(#[from] StoreError),
}

impl Bot {
    /// The bot's today (the date of its clock, UTC).
    pub fn today(&self) -> NaiveDate {
        self.clock.now().date_naive()
    }

    /// A directory search as `/findgroup` runs it, for someone with no profile: `limit`
    /// results from `offset`.
    pub async fn web_search(
        &self,
        mut query: SearchQuery,
        offset: usize,
        limit: usize,
    ) -> Result<WebResults, StoreError> {
        let today = self.today();
        query.today = Some(today);
        let index = self.index().await?;
        let found = index.search(&query, offset, limit);
        let (total, entries) = (found.total, found.entries.into_iter().cloned().collect());
        let without = if total == 0 && query.active_filters().len() > 1 {
            query
                .active_filters()
                .into_iter()
                .map(|f| (f, index.count(&query.without(f))))
                .filter(|(_, n)| *n > 0)
                .collect()
        } else {
            Vec::new()
        };
        Ok(WebResults {
            total,
            entries,
            dead: self.store.dead_links().await?,
            without,
            today,
        })
    }

    /// One entry and, when the link check found its link dead, the day it did.
    pub async fn web_entry(
        &self,
        key: &str,
    ) -> Result<Option<(Entry, Option<NaiveDate>)>, StoreError> {
        let Some(entry) = self.store.group(key).await? else {
            return Ok(None);
        };
        let dead = self.store.dead_links().await?;
        let dead_on = dead.checked_on(&entry.key);
        Ok(Some((entry, dead_on)))
    }

    /// The events worth listing today where this labcircle's communities are: upcoming dated
    /// ones soonest first, then regular ones by name (as `/events` lists them).
    pub async fn web_events(&self) -> Result<(NaiveDate, Vec<Event>, Vec<Event>), StoreError> {
        let today = self
            .clock
            .now()
            .with_timezone(&self.settings.default_zone)
            .date_naive();
        let all = self.store.events().await?;
        let (dated, recurring) = crate::domain::events::listing(&all, today, None, None);
        let owned = |v: Vec<&Event>| v.into_iter().cloned().collect();
        Ok((today, owned(dated), owned(recurring)))
    }

    /// A web visitor's report on an entry, into the moderators' queue (`/review`). The details
    /// go through the patient-information guard first; nothing of a refused text is kept.
    /// `Ok(false)`: a visitor's report on that entry is already waiting, nothing new was kept.
    pub async fn web_report(
        &self,
        key: &str,
        reason: &str,
        details: &str,
    ) -> Result<bool, WebReportError> {
        let Some(reason) = ReportReason::parse(reason) else {
            return Err(UserError::new(format!(
                "Choose what is wrong with the entry: {}.",
                ReportReason::ALL.map(ReportReason::label).join(", ")
            ))
            .into());
        };
        let details = details.trim();
        let details = (!details.is_empty()).then_some(details);
        if let Some(d) = details {
            let n = d.chars().count();
            if n > MAX_DETAILS_CHARS {
                return Err(UserError::new(format!(
                    "The details are {n} characters long; at most {MAX_DETAILS_CHARS} are \
                     accepted. Nothing was reported."
                ))
                .into());
            }
            if let Err(refusal) = crate::domain::phi::guard("report", d) {
                return Err(UserError::new(refusal.to_string()).into());
            }
        }
        if self.store.group(key).await?.is_none() {
            return Err(UserError::new(format!(
                "No entry has the key {key}; it may have been removed. Nothing was reported."
            ))
            .into());
        }
        let added = self
            .store
            .add_visitor_report(key, reason, details, self.clock.now())
            .await?;
        if let ReportAdded::Added(id) = added {
            tracing::info!(report = id, group = %key, reason = reason.code(), "entry reported on the web");
        }
        Ok(matches!(added, ReportAdded::Added(_)))
    }
}
