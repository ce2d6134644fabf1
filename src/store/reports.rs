//! Members' reports on directory entries, and their resolution by the moderators.

use chrono::{DateTime, SecondsFormat, Utc};
use sqlx::Row;

use super::{Result, Store, StoreError, member_from_row};
use crate::domain::identity::{Member, UserId};
use crate::domain::reports::{ReportOutcome, ReportReason};

/// A member's report on a directory entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    pub id: i64,
    pub group_key: String,
    /// The member who reported it; `None` for a visitor of the public web page (no account:
    /// nobody to tell when it is resolved).
    pub by: Option<Member>,
    pub reason: ReportReason,
    pub details: Option<String>,
    pub created_at: String,
    /// `None` while open.
    pub outcome: Option<ReportOutcome>,
    /// The moderator's note to the reporters.
    pub note: Option<String>,
}

/// What became of a new report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportAdded {
    /// Kept, with its id.
    Added(i64),
    /// The member has an open report on that entry already; nothing was kept.
    AlreadyOpen,
    /// The member reached the daily limit; nothing was kept.
    Limited,
}

/// The `platform` of reports made on the public web page, and the one `user_id` they share:
/// no account and no address is kept, and one visitor report per entry waits at a time.
const VISITOR_PLATFORM: &str = "web";
const VISITOR_ID: &str = "visitor";
/// How a visitor's report names its reporter to the moderators.
pub const VISITOR_NAME: &str = "a web visitor";

fn stamp(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

impl Store {
    /// Keeps a report unless `by` has an open one on `key`, or made `limit` or more in the 24
    /// hours before `now` (counted in the database, in one transaction).
    pub async fn add_report_within(
        &self,
        by: &Member,
        key: &str,
        reason: ReportReason,
        details: Option<&str>,
        now: DateTime<Utc>,
        limit: u32,
    ) -> Result<ReportAdded> {
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        let open: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM group_reports WHERE group_key = ? AND platform = ? \
             AND user_id = ? AND status = 'open'",
        )
        .bind(key)
        .bind(by.user.platform.code())
        .bind(&by.user.id)
        .fetch_one(&mut *tx)
        .await?;
        if open > 0 {
            return Ok(ReportAdded::AlreadyOpen);
        }
        let recent: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM group_reports WHERE platform = ? AND user_id = ? \
             AND created_at > ?",
        )
        .bind(by.user.platform.code())
        .bind(&by.user.id)
        .bind(stamp(now - chrono::Duration::days(1)))
        .fetch_one(&mut *tx)
        .await?;
        if recent >= i64::from(limit) {
            return Ok(ReportAdded::Limited);
        }
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO group_reports (group_key, platform, user_id, display_name, reason, \
             details, created_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
        )
        .bind(key)
        .bind(by.user.platform.code())
        .bind(&by.user.id)
        .bind(&by.display_name)
        .bind(reason.code())
        .bind(details)
        .bind(stamp(now))
        .fetch_one(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(ReportAdded::Added(id))
    }

    /// Keeps a report from a visitor of the public web page, unless a visitor's report on
    /// `key` is open already (the web page limits how often one address reports).
    pub async fn add_visitor_report(
        &self,
        key: &str,
        reason: ReportReason,
        details: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<ReportAdded> {
        let id: Option<i64> = sqlx::query_scalar(
            "INSERT INTO group_reports (group_key, platform, user_id, display_name, reason, \
             details, created_at) VALUES (?, ?, ?, ?, ?, ?, ?) \
             ON CONFLICT (group_key, platform, user_id) WHERE status = 'open' DO NOTHING \
             RETURNING id",
        )
        .bind(key)
        .bind(VISITOR_PLATFORM)
        .bind(VISITOR_ID)
        .bind(VISITOR_NAME)
        .bind(reason.code())
        .bind(details)
        .bind(stamp(now))
        .fetch_optional(&self.pool)
        .await?;
        Ok(id.map_or(ReportAdded::AlreadyOpen, ReportAdded::Added))
    }

    /// When `by` may report again: 24 hours after the oldest of their reports in the day
    /// before `now`.
    pub async fn reports_reopen(
        &self,
        by: &UserId,
        now: DateTime<Utc>,
    ) -> Result<Option<DateTime<Utc>>> {
        let oldest: Option<String> = sqlx::query_scalar(
            "SELECT min(created_at) FROM group_reports WHERE platform = ? AND user_id = ? \
             AND created_at > ?",
        )
        .bind(by.platform.code())
        .bind(&by.id)
        .bind(stamp(now - chrono::Duration::days(1)))
        .fetch_one(&self.pool)
        .await?;
        Ok(oldest
            .and_then(|t| DateTime::parse_from_rfc3339(&t).ok())
            .map(|t| t.with_timezone(&Utc) + chrono::Duration::days(1)))
    }

    /// Open reports, by entry key, oldest first within an entry.
    pub async fn open_reports(&self) -> Result<Vec<Report>> {
        let rows =
            sqlx::query("SELECT * FROM group_reports WHERE status = 'open' ORDER BY group_key, id")
                .fetch_all(&self.pool)
                .await?;
        rows.iter().map(report_from_row).collect()
    }

    /// One report by id.
    pub async fn report(&self, id: i64) -> Result<Option<Report>> {
        let row = sqlx::query("SELECT * FROM group_reports WHERE id = ?")
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(report_from_row).transpose()
    }

    /// Resolves every open report on `key` with `outcome`; returns the reports resolved (none
    /// when there were no open ones).
    pub async fn resolve_reports(
        &self,
        key: &str,
        outcome: ReportOutcome,
        note: Option<&str>,
        moderator: &UserId,
        now: DateTime<Utc>,
    ) -> Result<Vec<Report>> {
        let rows = sqlx::query(
            "UPDATE group_reports SET status = ?, note = ?, resolved_by = ?, resolved_at = ? \
             WHERE group_key = ? AND status = 'open' RETURNING *",
        )
        .bind(outcome.code())
        .bind(note)
        .bind(moderator.to_string())
        .bind(stamp(now))
        .bind(key)
        .fetch_all(&self.pool)
        .await?;
        let mut reports = rows
            .iter()
            .map(report_from_row)
            .collect::<Result<Vec<_>>>()?;
        reports.sort_by_key(|r| r.id);
        Ok(reports)
    }
}

fn report_from_row(row: &sqlx::sqlite::SqliteRow) -> Result<Report> {
    let reason: String = row.try_get("reason")?;
    let status: String = row.try_get("status")?;
    let outcome = match status.as_str() {
        "open" => None,
        other => Some(
            ReportOutcome::parse(other)
                .ok_or_else(|| StoreError::Corrupt(format!("unknown report status {other}")))?,
        ),
    };
    Ok(Report {
        id: row.try_get("id")?,
        group_key: row.try_get("group_key")?,
        by: match row.try_get::<String, _>("platform")?.as_str() {
            VISITOR_PLATFORM => None,
            _ => Some(member_from_row(row)?),
        },
        reason: ReportReason::parse(&reason)
            .ok_or_else(|| StoreError::Corrupt(format!("unknown report reason {reason}")))?,
        details: row.try_get("details")?,
        created_at: row.try_get("created_at")?,
        outcome,
        note: row.try_get("note")?,
    })
}
