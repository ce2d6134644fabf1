//! What the public directory web page asks of the bot: the same search, entries, events and
//! reports as the chat commands, for a visitor with no account. Only public directory data
//! comes out of here: no member, check-in, meetup or moderator is ever named.

use std::sync::Arc;

use chrono::NaiveDate;

use super::Bot;
use super::directory::DirectoryView;
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
    pub dead: Arc<DeadLinks>,
    /// When nothing matched: each filter whose removal would find something, with how many.
    pub without: Vec<(Filter, usize)>,
    /// The bot's today, for "checked Mon YYYY" and "may be out of date".
    pub today: NaiveDate,
}

/// The directory as the web page's searches see it at one moment (see [`Bot::web_snapshot`]).
#[derive(Debug, Clone)]
pub struct WebSnapshot {
    view: DirectoryView,
    today: NaiveDate,
}

impl WebSnapshot {
    /// Whether both were taken from the same index, dead links and day: then the same search
    /// gives the same page.
    pub fn same_as(&self, other: &WebSnapshot) -> bool {
        Arc::ptr_eq(&self.view.index, &other.view.index)
            && Arc::ptr_eq(&self.view.dead, &other.view.dead)
            && self.today == other.today
    }
}

/// A directory search as `/findgroup` runs it, for someone with no profile, in `snapshot`:
/// `limit` results from `offset`.
pub fn web_search_in(
    snapshot: &WebSnapshot,
    mut query: SearchQuery,
    offset: usize,
    limit: usize,
) -> WebResults {
    let today = snapshot.today;
    query.today = Some(today);
    let index = &snapshot.view.index;
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
    WebResults {
        total,
        entries,
        dead: snapshot.view.dead.clone(),
        without,
        today,
    }
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

    /// What the web page's searches read now: the directory's index, the dead links and the
    /// day. Pages built from one snapshot can be served again while
    /// [`WebSnapshot::same_as`] the current one.
    pub async fn web_snapshot(&self) -> Result<WebSnapshot, StoreError> {
        Ok(WebSnapshot {
            view: self.directory_view().await?,
            today: self.today(),
        })
    }

    /// A directory search as `/findgroup` runs it, for someone with no profile: `limit`
    /// results from `offset`.
    pub async fn web_search(
        &self,
        query: SearchQuery,
        offset: usize,
        limit: usize,
    ) -> Result<WebResults, StoreError> {
        Ok(web_search_in(
            &self.web_snapshot().await?,
            query,
            offset,
            limit,
        ))
    }

    /// One entry and, when the link check found its link dead, the day it did.
    pub async fn web_entry(
        &self,
        key: &str,
    ) -> Result<Option<(Entry, Option<NaiveDate>)>, StoreError> {
        let Some(entry) = self.store.group(key).await? else {
            return Ok(None);
        };
        let dead = self.dead_links().await?;
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

#[cfg(test)]
impl Bot {
    /// A bot over the shipped directory in a database in memory.
    pub(crate) async fn over_shipped_directory() -> Bot {
        let store = crate::store::Store::open_in_memory().await.unwrap();
        crate::app::seed_directory(&store).await.unwrap();
        Bot::new(store)
    }

    /// A moderator's edit of the first entry's description.
    pub(crate) async fn edit_an_entry(&self) {
        let mut entry = self.store.all_groups().await.unwrap().remove(0);
        entry.description.push_str(" Edited.");
        let key = entry.key.clone();
        assert!(self.store.replace_group(&key, &entry).await.unwrap());
    }
}

#[cfg(test)]
mod tests {
    use chrono::Utc;

    use super::*;
    use crate::domain::link_status::LinkStatus;
    use crate::store::{LinkCheck, Store};

    #[tokio::test]
    async fn a_link_found_dead_is_no_longer_offered_by_the_next_search_or_entry_page() {
        let store = Store::open_in_memory().await.unwrap();
        crate::app::seed_directory(&store).await.unwrap();
        let bot = Bot::new(store.clone());
        let query = SearchQuery::words("burned out");
        let first = bot.web_search(query.clone(), 0, 10).await.unwrap();
        let entry = first
            .entries
            .iter()
            .find(|e| e.url.is_some())
            .expect("a result with a link")
            .clone();
        assert_eq!(first.dead.checked_on(&entry.key), None);

        let now = Utc::now();
        let dead = LinkCheck {
            key: entry.key.clone(),
            url: entry.url.clone().unwrap(),
            status: LinkStatus::Dead,
            http_status: Some(404),
            final_url: None,
            detail: "404 Not Found".into(),
        };
        store.record_link_checks(&[dead], now).await.unwrap();
        let again = bot.web_search(query, 0, 10).await.unwrap();
        assert_eq!(again.dead.checked_on(&entry.key), Some(now.date_naive()));
        let (_, dead_on) = bot.web_entry(&entry.key).await.unwrap().unwrap();
        assert_eq!(dead_on, Some(now.date_naive()));
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn searches_arriving_together_at_the_start_or_after_an_edit_share_one_index() {
        let bot = Bot::over_shipped_directory().await;
        let together = |bot: &Bot| {
            let tasks: Vec<_> = (0..50)
                .map(|_| {
                    let bot = bot.clone();
                    tokio::spawn(async move { bot.web_snapshot().await.unwrap() })
                })
                .collect();
            async move {
                let mut snapshots = Vec::new();
                for t in tasks {
                    snapshots.push(t.await.unwrap());
                }
                snapshots
            }
        };
        let first = together(&bot).await;
        assert!(
            first.iter().all(|s| s.same_as(&first[0])),
            "the first searches all read the one index built for them"
        );
        bot.edit_an_entry().await;
        let after = together(&bot).await;
        assert!(!after[0].same_as(&first[0]), "the edit is searched at once");
        assert!(after.iter().all(|s| s.same_as(&after[0])));
    }
}
