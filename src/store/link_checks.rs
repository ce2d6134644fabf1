//! What the link checker found, entry by entry (`link_checks`), and the private reports to the
//! directory's moderators about links newly found dead.

use std::sync::atomic::Ordering;

use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use sqlx::Row;

use super::outbox::{NewDelivery, Recipient, queue_delivery};
use super::{Result, Store, StoreError};
use crate::domain::identity::Member;
use crate::domain::link_status::{DeadLinks, LinkStatus};

/// One entry's link as a check found it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkCheck {
    /// The entry's key.
    pub key: String,
    /// The link checked.
    pub url: String,
    pub status: LinkStatus,
    /// The last HTTP status seen, if any answer came.
    pub http_status: Option<u16>,
    /// Where redirects led, when they led elsewhere.
    pub final_url: Option<String>,
    /// The reason in words.
    pub detail: String,
}

/// A link found dead and not yet reported to the moderators.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeadLink {
    pub key: String,
    pub name: String,
    pub url: String,
    pub detail: String,
    pub checked_on: NaiveDate,
}

impl Store {
    /// Records a check's results, one row per entry (the newest check replaces the last). A
    /// link dead now and dead before with the same url keeps its first day dead and whether it
    /// was reported; any other dead link is newly dead and will be reported.
    pub async fn record_link_checks(&self, checks: &[LinkCheck], now: DateTime<Utc>) -> Result<()> {
        let now = now.to_rfc3339_opts(SecondsFormat::Secs, true);
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        for c in checks {
            sqlx::query(
                "INSERT INTO link_checks (group_key, url, status, http_status, final_url, \
                 checked_at, detail, dead_since, reported) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, CASE WHEN ?3 = 'dead' THEN ?6 END, 0) \
                 ON CONFLICT (group_key) DO UPDATE SET \
                   dead_since = CASE WHEN excluded.status <> 'dead' THEN NULL \
                     WHEN link_checks.status = 'dead' AND link_checks.url = excluded.url \
                       THEN link_checks.dead_since ELSE excluded.dead_since END, \
                   reported = CASE WHEN excluded.status = 'dead' AND link_checks.status = 'dead' \
                     AND link_checks.url = excluded.url THEN link_checks.reported ELSE 0 END, \
                   url = excluded.url, status = excluded.status, \
                   http_status = excluded.http_status, final_url = excluded.final_url, \
                   checked_at = excluded.checked_at, detail = excluded.detail",
            )
            .bind(&c.key)
            .bind(&c.url)
            .bind(c.status.code())
            .bind(c.http_status.map(i64::from))
            .bind(&c.final_url)
            .bind(&now)
            .bind(&c.detail)
            .execute(&mut *tx)
            .await?;
        }
        // Tells every process showing dead links (the web page, searches) to read them again.
        sqlx::query(
            "INSERT INTO meta (name, value) VALUES ('link_checks_version', '1') \
             ON CONFLICT (name) DO UPDATE SET value = CAST(CAST(value AS INTEGER) + 1 AS TEXT)",
        )
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        self.link_check_writes.fetch_add(1, Ordering::AcqRel);
        Ok(())
    }

    /// Link checks recorded through this handle (and its clones) since it opened: lets cached
    /// dead links notice this process's own checks without asking the database.
    pub fn local_link_check_writes(&self) -> u64 {
        self.link_check_writes.load(Ordering::Acquire)
    }

    /// Every stored result, by key.
    pub async fn link_checks(&self) -> Result<Vec<(LinkCheck, String)>> {
        let rows = sqlx::query(
            "SELECT group_key, url, status, http_status, final_url, checked_at, detail \
             FROM link_checks ORDER BY group_key",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                let status: String = r.try_get("status")?;
                let http: Option<i64> = r.try_get("http_status")?;
                Ok((
                    LinkCheck {
                        key: r.try_get("group_key")?,
                        url: r.try_get("url")?,
                        status: LinkStatus::from_code(&status).ok_or_else(|| {
                            StoreError::Corrupt(format!("unknown link status {status}"))
                        })?,
                        http_status: http.and_then(|h| u16::try_from(h).ok()),
                        final_url: r.try_get("final_url")?,
                        detail: r.try_get("detail")?,
                    },
                    r.try_get("checked_at")?,
                ))
            })
            .collect()
    }

    /// Entries whose current link was dead when last checked, with the day of that check. An
    /// entry whose url changed since is not among them.
    pub async fn dead_links(&self) -> Result<DeadLinks> {
        let rows = sqlx::query(
            "SELECT l.group_key, l.checked_at FROM link_checks l \
             JOIN groups g ON g.key = l.group_key AND g.url = l.url WHERE l.status = 'dead'",
        )
        .fetch_all(&self.pool)
        .await?;
        let mut links = Vec::with_capacity(rows.len());
        for r in &rows {
            let at: String = r.try_get("checked_at")?;
            links.push((r.try_get("group_key")?, day(&at)?));
        }
        Ok(DeadLinks::new(links))
    }

    /// Dead links the moderators were not told about yet (entries still carrying them).
    pub async fn unreported_dead_links(&self) -> Result<Vec<DeadLink>> {
        let rows = sqlx::query(
            "SELECT l.group_key, g.name, l.url, l.detail, l.checked_at FROM link_checks l \
             JOIN groups g ON g.key = l.group_key AND g.url = l.url \
             WHERE l.status = 'dead' AND l.reported = 0 ORDER BY l.group_key",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                let at: String = r.try_get("checked_at")?;
                Ok(DeadLink {
                    key: r.try_get("group_key")?,
                    name: r.try_get("name")?,
                    url: r.try_get("url")?,
                    detail: r.try_get("detail")?,
                    checked_on: day(&at)?,
                })
            })
            .collect()
    }

    /// Queues `body` privately to each moderator and marks `links` reported, in one
    /// transaction: each dead spell is reported once. `key` makes the queueing idempotent.
    pub async fn queue_link_report(
        &self,
        moderators: &[Member],
        links: &[DeadLink],
        key: &str,
        body: &str,
        now: i64,
    ) -> Result<()> {
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        for m in moderators {
            let key = format!("{key}:{}:{}", m.user.platform.code(), m.user.id);
            let report = NewDelivery {
                body: Some(body),
                ..NewDelivery::new(&key, Recipient::Member(m), "link_report", now)
            };
            queue_delivery(&mut tx, &report, now).await?;
        }
        for l in links {
            sqlx::query("UPDATE link_checks SET reported = 1 WHERE group_key = ? AND url = ?")
                .bind(&l.key)
                .bind(&l.url)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(())
    }
}

/// The UTC day of a stored RFC 3339 time.
fn day(at: &str) -> Result<NaiveDate> {
    DateTime::parse_from_rfc3339(at)
        .map(|t| t.with_timezone(&Utc).date_naive())
        .map_err(|_| StoreError::Corrupt(format!("bad time {at}")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::identity::{Platform, UserId};

    fn check(key: &str, url: &str, status: LinkStatus) -> LinkCheck {
        LinkCheck {
            key: key.into(),
            url: url.into(),
            status,
            http_status: Some(404),
            final_url: None,
            detail: "404 Not Found".into(),
        }
    }

    #[tokio::test]
    async fn a_dead_link_is_reported_once_and_forgotten_when_the_url_changes() {
        let store = Store::open_in_memory().await.unwrap();
        crate::app::seed_directory(&store).await.unwrap();
        let entry = store
            .all_groups()
            .await
            .unwrap()
            .into_iter()
            .find(|e| e.url.is_some())
            .unwrap();
        let url = entry.url.clone().unwrap();
        let now = Utc::now();
        store
            .record_link_checks(&[check(&entry.key, &url, LinkStatus::Dead)], now)
            .await
            .unwrap();
        let dead = store.dead_links().await.unwrap();
        assert_eq!(dead.checked_on(&entry.key), Some(now.date_naive()));
        let unreported = store.unreported_dead_links().await.unwrap();
        assert_eq!(unreported.len(), 1);
        let moderator = Member {
            user: UserId::new(Platform::Console, "mod"),
            display_name: "mod".into(),
        };
        store
            .queue_link_report(
                &[moderator],
                &unreported,
                "links:1",
                "dead",
                now.timestamp(),
            )
            .await
            .unwrap();
        // Still dead a month later: not news.
        store
            .record_link_checks(&[check(&entry.key, &url, LinkStatus::Dead)], now)
            .await
            .unwrap();
        assert!(store.unreported_dead_links().await.unwrap().is_empty());
        assert_eq!(store.outbox_status().await.unwrap().pending, 1);

        // A moderator fixes the url: the old result no longer hides the new link.
        let mut fixed = entry.clone();
        fixed.url = Some("https://example.org/new".into());
        store.replace_group(&entry.key, &fixed).await.unwrap();
        assert!(store.dead_links().await.unwrap().is_empty());
    }
}
