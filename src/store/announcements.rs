//! What goes out about meetups: announcement posts and their count edits, reminders, and the
//! reminder opt-out.

use sqlx::Row;

use super::meetups::queue_post;
use super::outbox::mark_sent_in;
use super::{Result, Store};
use crate::domain::identity::UserId;

/// What `/meetup unshare` did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unshared {
    /// Withdrawn; `posted` announcements there were edited to say so (0: it was not posted
    /// yet, and will not be).
    Withdrawn {
        posted: usize,
    },
    WithdrawnAlready,
    /// The meetup was never shared into that community.
    NotShared,
}

impl Store {
    /// The meetup an announcement message belongs to.
    pub async fn meetup_for_post(
        &self,
        platform_code: &str,
        message_id: &str,
    ) -> Result<Option<i64>> {
        Ok(sqlx::query_scalar(
            "SELECT meetup_id FROM meetup_posts WHERE platform = ? AND message_id = ?",
        )
        .bind(platform_code)
        .bind(message_id)
        .fetch_optional(&self.pool)
        .await?)
    }

    /// Announcements of scheduled meetups that have not started, on one platform.
    pub async fn active_announcements(
        &self,
        platform_code: &str,
        now: i64,
    ) -> Result<Vec<(String, String)>> {
        Ok(sqlx::query_as(
            "SELECT p.community, p.message_id FROM meetup_posts AS p JOIN meetups AS m \
             ON m.id = p.meetup_id WHERE p.platform = ? AND m.status = 'scheduled' \
             AND m.starts_at > ? AND p.withdrawn_at IS NULL ORDER BY m.starts_at",
        )
        .bind(platform_code)
        .bind(now)
        .fetch_all(&self.pool)
        .await?)
    }

    /// The platform acknowledged an announcement: mark the delivery sent and record the post,
    /// together (a post the bot does not know would never count its reactions).
    pub async fn announcement_sent(
        &self,
        delivery: i64,
        meetup_id: i64,
        community: &str,
        message_id: &str,
        now: i64,
    ) -> Result<()> {
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        mark_sent_in(&mut tx, delivery, message_id, now).await?;
        let platform_code = community.split(':').next().unwrap_or_default();
        // A share withdrawn while its post was on its way: the post is recorded withdrawn
        // and edited to say so.
        let withdrawn: Option<i64> = sqlx::query_scalar(
            "INSERT INTO meetup_posts (meetup_id, platform, community, message_id, withdrawn_at) \
             VALUES (?, ?, ?, ?, (SELECT withdrawn_at FROM meetup_shares \
             WHERE meetup_id = ? AND community = ?)) ON CONFLICT DO NOTHING \
             RETURNING withdrawn_at",
        )
        .bind(meetup_id)
        .bind(platform_code)
        .bind(community)
        .bind(message_id)
        .bind(meetup_id)
        .bind(community)
        .fetch_optional(&mut *tx)
        .await?
        .flatten();
        if withdrawn.is_some() {
            let key = format!("withdrawn:{meetup_id}:{message_id}");
            queue_post(&mut tx, meetup_id, community, Some(message_id), &key, now).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Shares a meetup into a community other than its home (`/meetup share`): records the
    /// share and queues its announcement there. A share withdrawn before is renewed with a
    /// new announcement. `Ok(false)`: it is announced there already.
    pub async fn share_meetup(&self, meetup_id: i64, community: &str, now: i64) -> Result<bool> {
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        let share: Option<(i64, Option<i64>)> = sqlx::query_as(
            "SELECT generation, withdrawn_at FROM meetup_shares \
             WHERE meetup_id = ? AND community = ?",
        )
        .bind(meetup_id)
        .bind(community)
        .fetch_optional(&mut *tx)
        .await?;
        let key = match share {
            Some((_, None)) => return Ok(false),
            None => {
                sqlx::query(
                    "INSERT INTO meetup_shares (meetup_id, community, shared_at) VALUES (?, ?, ?)",
                )
                .bind(meetup_id)
                .bind(community)
                .bind(now)
                .execute(&mut *tx)
                .await?;
                format!("announce:{meetup_id}:{community}")
            }
            Some((generation, Some(_))) => {
                sqlx::query(
                    "UPDATE meetup_shares SET generation = ?, shared_at = ?, withdrawn_at = NULL \
                     WHERE meetup_id = ? AND community = ?",
                )
                .bind(generation + 1)
                .bind(now)
                .bind(meetup_id)
                .bind(community)
                .execute(&mut *tx)
                .await?;
                format!("announce:{meetup_id}:{community}:{}", generation + 1)
            }
        };
        queue_post(&mut tx, meetup_id, community, None, &key, now).await?;
        tx.commit().await?;
        Ok(true)
    }

    /// Withdraws a meetup's announcement from a community it was shared into
    /// (`/meetup unshare`): a post still waiting is not sent, and every post there is marked
    /// withdrawn and edited to say so. RSVPs made through them stay.
    pub async fn unshare_meetup(
        &self,
        meetup_id: i64,
        community: &str,
        now: i64,
    ) -> Result<Unshared> {
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        let share: Option<Option<i64>> = sqlx::query_scalar(
            "SELECT withdrawn_at FROM meetup_shares WHERE meetup_id = ? AND community = ?",
        )
        .bind(meetup_id)
        .bind(community)
        .fetch_optional(&mut *tx)
        .await?;
        match share {
            None => return Ok(Unshared::NotShared),
            Some(Some(_)) => return Ok(Unshared::WithdrawnAlready),
            Some(None) => {}
        }
        sqlx::query(
            "UPDATE meetup_shares SET withdrawn_at = ? WHERE meetup_id = ? AND community = ?",
        )
        .bind(now)
        .bind(meetup_id)
        .bind(community)
        .execute(&mut *tx)
        .await?;
        // The post not sent yet, and count edits of the posts there, are not sent.
        sqlx::query(
            "UPDATE outbox SET status = 'skipped', last_error = 'announcement withdrawn' \
             WHERE meetup_id = ? AND community = ? AND status = 'pending' \
             AND kind IN ('meetup_announcement', 'meetup_edit')",
        )
        .bind(meetup_id)
        .bind(community)
        .execute(&mut *tx)
        .await?;
        let posts: Vec<String> = sqlx::query_scalar(
            "UPDATE meetup_posts SET withdrawn_at = ? \
             WHERE meetup_id = ? AND community = ? AND withdrawn_at IS NULL RETURNING message_id",
        )
        .bind(now)
        .bind(meetup_id)
        .bind(community)
        .fetch_all(&mut *tx)
        .await?;
        for message in &posts {
            let key = format!("withdrawn:{meetup_id}:{message}");
            queue_post(&mut tx, meetup_id, community, Some(message), &key, now).await?;
        }
        tx.commit().await?;
        Ok(Unshared::Withdrawn {
            posted: posts.len(),
        })
    }

    /// Whether an announcement was withdrawn from its community: the post `message_id`, or,
    /// without one (a post not sent yet), the meetup's share there.
    pub async fn announcement_withdrawn(
        &self,
        meetup_id: i64,
        community: &str,
        message_id: Option<&str>,
    ) -> Result<bool> {
        let withdrawn: Option<Option<i64>> =
            match message_id {
                Some(message) => {
                    sqlx::query_scalar(
                        "SELECT withdrawn_at FROM meetup_posts \
                     WHERE meetup_id = ? AND community = ? AND message_id = ?",
                    )
                    .bind(meetup_id)
                    .bind(community)
                    .bind(message)
                    .fetch_optional(&self.pool)
                    .await?
                }
                None => sqlx::query_scalar(
                    "SELECT withdrawn_at FROM meetup_shares WHERE meetup_id = ? AND community = ?",
                )
                .bind(meetup_id)
                .bind(community)
                .fetch_optional(&self.pool)
                .await?,
            };
        Ok(withdrawn.flatten().is_some())
    }

    /// Whether a post on `platform_code` is a withdrawn announcement.
    pub async fn post_withdrawn(&self, platform_code: &str, message_id: &str) -> Result<bool> {
        let withdrawn: Option<Option<i64>> = sqlx::query_scalar(
            "SELECT withdrawn_at FROM meetup_posts WHERE platform = ? AND message_id = ?",
        )
        .bind(platform_code)
        .bind(message_id)
        .fetch_optional(&self.pool)
        .await?;
        Ok(withdrawn.flatten().is_some())
    }

    /// For every meetup whose RSVPs changed at or before `before`: one edit of each of its
    /// announcements (a burst of reactions becomes one edit). Returns how many were queued.
    pub async fn queue_count_edits(&self, before: i64, now: i64) -> Result<usize> {
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        let rows = sqlx::query(
            "SELECT m.id, p.community, p.message_id, m.counts_changed_at FROM meetups AS m \
             JOIN meetup_posts AS p ON p.meetup_id = m.id \
             WHERE m.counts_changed_at IS NOT NULL AND m.counts_changed_at <= ? \
             AND p.withdrawn_at IS NULL",
        )
        .bind(before)
        .fetch_all(&mut *tx)
        .await?;
        for r in &rows {
            let id: i64 = r.try_get("id")?;
            let community: String = r.try_get("community")?;
            let message: String = r.try_get("message_id")?;
            let at: i64 = r.try_get("counts_changed_at")?;
            queue_post(
                &mut tx,
                id,
                &community,
                Some(&message),
                &format!("edit:{id}:{message}:{at}"),
                now,
            )
            .await?;
        }
        sqlx::query(
            "UPDATE meetups SET counts_changed_at = NULL \
             WHERE counts_changed_at IS NOT NULL AND counts_changed_at <= ? \
             AND id IN (SELECT meetup_id FROM meetup_posts)",
        )
        .bind(before)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(rows.len())
    }

    /// Queues the 24-hour and 1-hour reminders that are due, to members going (and maybe,
    /// unless they opted out), once per meetup and reminder. A 24-hour reminder that comes due
    /// less than an hour before the start is skipped. Returns how many were queued.
    pub async fn queue_meetup_reminders(&self, now: i64) -> Result<usize> {
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        let mut queued = 0;
        for (flag, lead, label) in [
            ("reminded_24h", 86_400, "24h"),
            ("reminded_1h", 3_600, "1h"),
        ] {
            // Column names come from the constant list above.
            let sql = format!(
                "SELECT id, starts_at FROM meetups WHERE status = 'scheduled' AND {flag} = 0 \
                 AND starts_at > ? AND starts_at - {lead} <= ?"
            );
            let due = sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(now)
                .bind(now)
                .fetch_all(&mut *tx)
                .await?;
            for r in &due {
                let id: i64 = r.try_get("id")?;
                let starts: i64 = r.try_get("starts_at")?;
                // "Tomorrow" would be wrong for a meetup less than 20 hours away.
                let skip = label == "24h" && starts - now < 20 * 3_600;
                if !skip {
                    queued += sqlx::query(
                        "INSERT INTO outbox (idempotency_key, platform, user_id, display_name, \
                         kind, meetup_id, body, due_at, next_attempt_at, created_at) \
                         SELECT 'reminder:' || ? || ':' || ? || ':' || ? || ':' || r.platform || ':' \
                         || r.user_id, r.platform, r.user_id, r.display_name, 'meetup_reminder', \
                         ?, ?, ?, ?, ? \
                         FROM rsvps AS r WHERE r.meetup_id = ? AND (r.status = 'going' OR \
                         (r.status = 'maybe' AND NOT EXISTS (SELECT 1 FROM meetup_reminder_optouts AS o \
                         WHERE o.platform = r.platform AND o.user_id = r.user_id))) \
                         ON CONFLICT (idempotency_key) DO NOTHING",
                    )
                    .bind(id)
                    .bind(label)
                    .bind(starts)
                    .bind(id)
                    .bind(format!("{label}:{starts}"))
                    .bind(now)
                    .bind(now)
                    .bind(now)
                    .bind(id)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected() as usize;
                }
                let sql = format!("UPDATE meetups SET {flag} = 1 WHERE id = ?");
                sqlx::query(sqlx::AssertSqlSafe(sql))
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
            }
        }
        tx.commit().await?;
        Ok(queued)
    }

    /// Turns reminders for "maybe" meetups off (`true`) or on.
    pub async fn set_reminder_optout(&self, user: &UserId, off: bool) -> Result<()> {
        let sql = if off {
            "INSERT INTO meetup_reminder_optouts (platform, user_id) VALUES (?, ?) \
             ON CONFLICT DO NOTHING"
        } else {
            "DELETE FROM meetup_reminder_optouts WHERE platform = ? AND user_id = ?"
        };
        sqlx::query(sql)
            .bind(user.platform.code())
            .bind(&user.id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}
