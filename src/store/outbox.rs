//! The outbox: deliveries waiting to be sent, sent, or given up on.

use sqlx::{Row, SqliteConnection};

use super::{Result, Store, member_from_row, user_from_row};
use crate::domain::identity::{Member, UserId};
use crate::domain::notices::{Notice, Refusal};

/// A delivery due to be sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingDelivery {
    pub id: i64,
    pub idempotency_key: String,
    pub to: Member,
    pub kind: String,
    pub prompt_id: Option<i64>,
    pub meetup_id: Option<i64>,
    /// For announcements and edits: the community (`platform:id`) to post in.
    pub community: Option<String>,
    /// For edits: the message to edit.
    pub edit_of: Option<String>,
    /// For notices and reminders: the text, or which reminder.
    pub body: Option<String>,
    pub due_at: i64,
    pub attempts: i64,
}

impl PendingDelivery {
    /// What a notice to a member is about (`None` for other kinds). The row keeps only kinds
    /// and ids: `body` holds the refusal's word or the suggestion's id, never text.
    pub fn notice(&self) -> Option<Notice> {
        let body = self.body.as_deref().unwrap_or_default();
        Some(match self.kind.as_str() {
            "notice_promoted" => Notice::Promoted {
                meetup: self.meetup_id?,
            },
            "notice_waitlisted" => Notice::Waitlisted {
                meetup: self.meetup_id?,
            },
            "notice_reaction_refused" => Notice::ReactionRefused {
                meetup: self.meetup_id?,
                why: Refusal::from_code(body)?,
            },
            "notice_suggestion" => Notice::SuggestionDecided {
                suggestion: body.parse().ok()?,
            },
            "notice_report" => Notice::ReportResolved {
                report: body.parse().ok()?,
            },
            "notice_new_event" => Notice::NewEvent {
                event: body.parse().ok()?,
            },
            "notice_pair_intro" => Notice::PairIntro {
                group: body.parse().ok()?,
            },
            "notice_pair_matched" => Notice::PairMatched {
                group: body.parse().ok()?,
            },
            "notice_pair_skipped" => Notice::PairSkipped {
                group: body.parse().ok()?,
            },
            "notice_pair_left_out" => Notice::PairLeftOut {
                why: crate::domain::pairing::left_out_code(
                    &crate::domain::pairing::left_out_from_code(body)?,
                ),
            },
            "notice_pair_follow_up" => Notice::PairFollowUp {
                group: body.parse().ok()?,
            },
            "notice_pair_report" => Notice::PairReported {
                group: body.parse().ok()?,
            },
            "notice_pair_no_room" => Notice::PairNoRoom {
                group: body.parse().ok()?,
            },
            _ => return None,
        })
    }
}

/// How the outbox stands (for `labcircle status`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OutboxStatus {
    pub pending: i64,
    pub sent: i64,
    pub skipped: i64,
    /// Announcements, reminders and notices that waited past their window and were not sent
    /// (logged and reported to their meetup's organizer): (kind, meetup, recipient or
    /// community), newest first.
    pub stale: Vec<(String, Option<i64>, String)>,
    /// How many of those in all.
    pub stale_total: i64,
    /// Permanent failures: (recipient, kind, reason), newest first.
    pub failed: Vec<(UserId, String, String)>,
}

/// What `last_error` says of a delivery given up on as stale and reported.
const STALE_REPORTED: &str = "stale, reported";

/// A delivery given up on because it waited past its window (not a check-in prompt).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaleDelivery {
    pub id: i64,
    pub kind: String,
    pub meetup_id: Option<i64>,
    /// For announcements: the community it was for.
    pub community: Option<String>,
    /// For private deliveries: the member it was for.
    pub to: Option<Member>,
}

/// Who a new delivery goes to.
#[derive(Debug, Clone, Copy)]
pub(super) enum Recipient<'a> {
    /// A private message to a member.
    Member(&'a Member),
    /// A post, or an edit of one, in a community (`platform:id`).
    Community(&'a str),
}

/// A delivery to queue. What its kind does not use stays `None`.
#[derive(Debug, Clone, Copy)]
pub(super) struct NewDelivery<'a> {
    /// Makes queueing idempotent: a delivery whose key is queued already is dropped.
    pub key: &'a str,
    pub to: Recipient<'a>,
    pub kind: &'a str,
    pub prompt_id: Option<i64>,
    pub meetup_id: Option<i64>,
    pub edit_of: Option<&'a str>,
    pub body: Option<&'a str>,
    /// The first attempt's time.
    pub due_at: i64,
}

impl<'a> NewDelivery<'a> {
    /// A delivery of `kind` to `to`, due at `due_at`, with nothing else set.
    pub(super) fn new(key: &'a str, to: Recipient<'a>, kind: &'a str, due_at: i64) -> Self {
        NewDelivery {
            key,
            to,
            kind,
            prompt_id: None,
            meetup_id: None,
            edit_of: None,
            body: None,
            due_at,
        }
    }
}

/// Queues a delivery, unless one with its key is queued already.
pub(super) async fn queue_delivery(
    conn: &mut SqliteConnection,
    d: &NewDelivery<'_>,
    now: i64,
) -> Result<()> {
    // A post has no member: the platform is the community's, user and name stay empty.
    let (platform_code, user_id, display_name, community) = match d.to {
        Recipient::Member(m) => (
            m.user.platform.code(),
            m.user.id.as_str(),
            m.display_name.as_str(),
            None,
        ),
        Recipient::Community(c) => (c.split(':').next().unwrap_or_default(), "", "", Some(c)),
    };
    sqlx::query(
        "INSERT INTO outbox (idempotency_key, platform, user_id, display_name, kind, prompt_id, \
         meetup_id, community, edit_of, body, due_at, next_attempt_at, created_at) \
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (idempotency_key) DO NOTHING",
    )
    .bind(d.key)
    .bind(platform_code)
    .bind(user_id)
    .bind(display_name)
    .bind(d.kind)
    .bind(d.prompt_id)
    .bind(d.meetup_id)
    .bind(community)
    .bind(d.edit_of)
    .bind(d.body)
    .bind(d.due_at)
    .bind(d.due_at)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Queues a private notice to `to`, due at `due_at`, unless one with `key` is queued already.
/// Only what the notice is about is stored (kind and ids); its text is rendered when sent.
pub(super) async fn queue_notice_in(
    conn: &mut SqliteConnection,
    key: &str,
    to: &Member,
    notice: Notice,
    due_at: i64,
    now: i64,
) -> Result<()> {
    let (kind, meetup_id, body) = notice_row(notice);
    let delivery = NewDelivery {
        meetup_id,
        body: body.as_deref(),
        ..NewDelivery::new(key, Recipient::Member(to), kind, due_at)
    };
    queue_delivery(conn, &delivery, now).await
}

/// Queues private notices (key, to whom, what), due now, in order, in one statement: as
/// [`queue_notice_in`] for each in turn (a key queued already, or earlier in the list, is
/// dropped).
pub(super) async fn queue_notices_in(
    conn: &mut SqliteConnection,
    notices: &[(String, Member, Notice)],
    now: i64,
) -> Result<()> {
    if notices.is_empty() {
        return Ok(());
    }
    let rows: Vec<serde_json::Value> = notices
        .iter()
        .map(|(key, to, notice)| {
            let (kind, meetup_id, body) = notice_row(*notice);
            serde_json::json!([
                key,
                to.user.platform.code(),
                to.user.id,
                to.display_name,
                kind,
                meetup_id,
                body
            ])
        })
        .collect();
    sqlx::query(
        "INSERT INTO outbox (idempotency_key, platform, user_id, display_name, kind, meetup_id, \
         body, due_at, next_attempt_at, created_at) SELECT value ->> 0, value ->> 1, \
         value ->> 2, value ->> 3, value ->> 4, value ->> 5, value ->> 6, ?, ?, ? \
         FROM json_each(?) WHERE true ON CONFLICT (idempotency_key) DO NOTHING",
    )
    .bind(now)
    .bind(now)
    .bind(now)
    .bind(serde_json::Value::Array(rows).to_string())
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// A notice as an outbox row: its kind, its meetup, and its body (the suggestion's, report's,
/// event's or pairing's id, or the refusal's word).
fn notice_row(notice: Notice) -> (&'static str, Option<i64>, Option<String>) {
    match notice {
        Notice::Promoted { meetup } => ("notice_promoted", Some(meetup), None),
        Notice::Waitlisted { meetup } => ("notice_waitlisted", Some(meetup), None),
        Notice::ReactionRefused { meetup, why } => (
            "notice_reaction_refused",
            Some(meetup),
            Some(why.code().to_owned()),
        ),
        Notice::SuggestionDecided { suggestion: id } => {
            ("notice_suggestion", None, Some(id.to_string()))
        }
        Notice::ReportResolved { report: id } => ("notice_report", None, Some(id.to_string())),
        Notice::NewEvent { event } => ("notice_new_event", None, Some(event.to_string())),
        Notice::PairIntro { group } => ("notice_pair_intro", None, Some(group.to_string())),
        Notice::PairMatched { group } => ("notice_pair_matched", None, Some(group.to_string())),
        Notice::PairSkipped { group } => ("notice_pair_skipped", None, Some(group.to_string())),
        Notice::PairLeftOut { why } => ("notice_pair_left_out", None, Some(why.to_owned())),
        Notice::PairFollowUp { group } => ("notice_pair_follow_up", None, Some(group.to_string())),
        Notice::PairReported { group } => ("notice_pair_report", None, Some(group.to_string())),
        Notice::PairNoRoom { group } => ("notice_pair_no_room", None, Some(group.to_string())),
    }
}

/// Marks a delivery sent: the platform acknowledged it as `message_id`.
pub(super) async fn mark_sent_in(
    conn: &mut SqliteConnection,
    id: i64,
    message_id: &str,
    now: i64,
) -> Result<()> {
    sqlx::query(
        "UPDATE outbox SET status = 'sent', platform_message_id = ?, sent_at = ?, \
         attempts = attempts + 1, last_error = NULL WHERE id = ?",
    )
    .bind(message_id)
    .bind(now)
    .bind(id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

impl Store {
    /// Deliveries whose time has come, oldest first.
    pub async fn due_deliveries(
        &self,
        now: i64,
        only: crate::domain::identity::Platform,
        limit: usize,
    ) -> Result<Vec<PendingDelivery>> {
        let rows = sqlx::query(
            "SELECT id, idempotency_key, platform, user_id, display_name, kind, prompt_id, \
             meetup_id, community, edit_of, body, due_at, attempts FROM outbox WHERE status = 'pending' AND next_attempt_at <= ? \
             AND platform = ? ORDER BY next_attempt_at, id LIMIT ?",
        )
        .bind(now)
        .bind(only.code())
        .bind(limit as i64)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(PendingDelivery {
                    id: r.try_get("id")?,
                    idempotency_key: r.try_get("idempotency_key")?,
                    to: member_from_row(r)?,
                    kind: r.try_get("kind")?,
                    prompt_id: r.try_get("prompt_id")?,
                    meetup_id: r.try_get("meetup_id")?,
                    community: r.try_get("community")?,
                    edit_of: r.try_get("edit_of")?,
                    body: r.try_get("body")?,
                    due_at: r.try_get("due_at")?,
                    attempts: r.try_get("attempts")?,
                })
            })
            .collect()
    }

    /// The platform acknowledged the delivery.
    pub async fn mark_sent(&self, id: i64, message_id: &str, now: i64) -> Result<()> {
        let mut conn = self.pool.acquire().await?;
        mark_sent_in(&mut conn, id, message_id, now).await
    }

    /// A passing failure: try again at `retry_at`.
    pub async fn mark_retry(&self, id: i64, retry_at: i64, error: &str) -> Result<()> {
        sqlx::query(
            "UPDATE outbox SET attempts = attempts + 1, next_attempt_at = ?, last_error = ? \
             WHERE id = ?",
        )
        .bind(retry_at)
        .bind(error)
        .bind(id)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// A failure that retrying cannot fix (the member left, DMs closed): stop trying.
    pub async fn mark_failed(&self, id: i64, error: &str) -> Result<()> {
        sqlx::query(
            "UPDATE outbox SET status = 'failed', attempts = attempts + 1, last_error = ? \
             WHERE id = ?",
        )
        .bind(error)
        .bind(id)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Holds a delivery back until `at` (quiet hours), without counting an attempt.
    pub async fn defer_delivery(&self, id: i64, at: i64) -> Result<()> {
        sqlx::query("UPDATE outbox SET next_attempt_at = ? WHERE id = ?")
            .bind(at)
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Nothing left to deliver (the prompt was answered or closed meanwhile).
    pub async fn mark_skipped(&self, id: i64, why: &str) -> Result<()> {
        sqlx::query("UPDATE outbox SET status = 'skipped', last_error = ? WHERE id = ?")
            .bind(why)
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Gives up on deliveries past their window, and returns those that must be reported.
    ///
    /// - Check-in prompts due before `before` (the grace window) are skipped: after downtime a
    ///   member gets this week's prompt, not a burst of stale ones. They are counted, not
    ///   reported (a skipped prompt is the next week's to make up).
    /// - Notices and reminders (and reports of stale deliveries) due before `before`, and
    ///   announcements of a meetup that has started by `now`, are skipped as `stale,
    ///   reported`: returned so the caller logs them and tells their meetup's organizer, and
    ///   counted by `labcircle status`. An announcement of a meetup still to come is sent late
    ///   rather than dropped.
    /// - Edits of announcements are never stale: they carry the meetup as it now stands.
    ///
    /// Deferrals (quiet hours) and retries move `next_attempt_at`, so they are not stale.
    pub async fn skip_stale_deliveries(
        &self,
        before: i64,
        now: i64,
    ) -> Result<(u64, Vec<StaleDelivery>)> {
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        let prompts = sqlx::query(
            "UPDATE outbox SET status = 'skipped', last_error = 'stale after downtime' \
             WHERE status = 'pending' AND kind = 'checkin_prompt' AND next_attempt_at < ?",
        )
        .bind(before)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        let rows = sqlx::query(
            "UPDATE outbox SET status = 'skipped', last_error = ? WHERE status = 'pending' AND ( \
             (kind IN ('meetup_notice', 'meetup_reminder', 'stale_report') \
              AND next_attempt_at < ?) \
             OR (kind = 'meetup_announcement' AND next_attempt_at <= ? \
                 AND (SELECT starts_at FROM meetups m WHERE m.id = outbox.meetup_id) <= ?)) \
             RETURNING id, kind, meetup_id, community, platform, user_id, display_name",
        )
        .bind(STALE_REPORTED)
        .bind(before)
        .bind(now)
        .bind(now)
        .fetch_all(&mut *tx)
        .await?;
        tx.commit().await?;
        let stale = rows
            .iter()
            .map(|r| {
                Ok(StaleDelivery {
                    id: r.try_get("id")?,
                    kind: r.try_get("kind")?,
                    meetup_id: r.try_get("meetup_id")?,
                    community: r.try_get("community")?,
                    to: member_from_row(r).ok().filter(|m| !m.user.id.is_empty()),
                })
            })
            .collect::<Result<Vec<_>>>()?;
        Ok((prompts, stale))
    }

    /// Queues a private report of stale deliveries to `to` (a meetup's organizer), due now.
    pub async fn queue_stale_report(
        &self,
        to: &Member,
        key: &str,
        body: &str,
        now: i64,
    ) -> Result<()> {
        let mut conn = self.pool.acquire().await?;
        let report = NewDelivery {
            body: Some(body),
            ..NewDelivery::new(key, Recipient::Member(to), "stale_report", now)
        };
        queue_delivery(&mut conn, &report, now).await
    }

    /// Queues a private notice to `to`, due now, unless one with `key` is queued already (the
    /// key names the event: a retry of the same event, or a restart, queues nothing more).
    /// Only what the notice is about is stored; its text is rendered when it is sent.
    pub async fn queue_notice(
        &self,
        key: &str,
        to: &Member,
        notice: Notice,
        now: i64,
    ) -> Result<()> {
        let mut conn = self.pool.acquire().await?;
        queue_notice_in(&mut conn, key, to, notice, now, now).await
    }

    /// Counts by status and the permanent failures.
    pub async fn outbox_status(&self) -> Result<OutboxStatus> {
        let mut status = OutboxStatus::default();
        let rows = sqlx::query("SELECT status, count(*) AS n FROM outbox GROUP BY status")
            .fetch_all(&self.pool)
            .await?;
        for r in rows {
            let n: i64 = r.try_get("n")?;
            match r.try_get::<String, _>("status")?.as_str() {
                "pending" => status.pending = n,
                "sent" => status.sent = n,
                "skipped" => status.skipped = n,
                _ => {}
            }
        }
        let rows = sqlx::query(
            "SELECT kind, meetup_id, platform, user_id, community FROM outbox \
             WHERE status = 'skipped' AND last_error = ? ORDER BY id DESC LIMIT 50",
        )
        .bind(STALE_REPORTED)
        .fetch_all(&self.pool)
        .await?;
        for r in rows {
            let community: Option<String> = r.try_get("community")?;
            let to = match community {
                Some(c) => c,
                None => user_from_row(&r)?.to_string(),
            };
            status
                .stale
                .push((r.try_get("kind")?, r.try_get("meetup_id")?, to));
        }
        status.stale_total = sqlx::query_scalar(
            "SELECT count(*) FROM outbox WHERE status = 'skipped' AND last_error = ?",
        )
        .bind(STALE_REPORTED)
        .fetch_one(&self.pool)
        .await?;
        let rows = sqlx::query(
            "SELECT platform, user_id, kind, last_error FROM outbox WHERE status = 'failed' \
             ORDER BY id DESC LIMIT 50",
        )
        .fetch_all(&self.pool)
        .await?;
        for r in rows {
            status.failed.push((
                user_from_row(&r)?,
                r.try_get("kind")?,
                r.try_get::<Option<String>, _>("last_error")?
                    .unwrap_or_default(),
            ));
        }
        Ok(status)
    }
}
