//! The tips library (`tips` and the tables around it): sharing, browsing best first, votes,
//! saved lists, reports, the check-in tip and the tip of the week.

use sqlx::Row;
use sqlx::sqlite::SqliteRow;

use super::outbox::{NewDelivery, Recipient, queue_delivery};
use super::{Result, Store, StoreError};
use crate::domain::identity::{Member, UserId};
use crate::domain::tips::{self, SeedTip, Tip, TipStatus, Topic};
use crate::domain::vocab::from_code;

/// The columns a [`Tip`] is read from: the tip, and its author's profile for the author line.
const TIP_COLUMNS: &str = "t.id, t.key, t.community, t.author_platform, t.author_id, \
     t.author_name, t.topic, t.also, t.high_stress, t.roles, t.text, t.source_title, \
     t.source_url, t.status, t.helpful, t.created_at, p.specialty, p.state";

/// The join that names each tip's author's profile.
const TIP_FROM: &str = "tips AS t LEFT JOIN member_profiles AS p \
     ON p.platform = t.author_platform AND p.user_id = t.author_id";

/// What became of a vote, a save or a report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TipMark {
    /// Recorded.
    Done,
    /// The member had done it already; nothing changed.
    Already,
    /// No live tip has that number here.
    NoSuchTip,
}

/// A tip waiting for a moderator: pending, or reported, with the reports' reasons.
#[derive(Debug, Clone)]
pub struct TipForReview {
    pub tip: Tip,
    pub reports: Vec<String>,
}

fn spaced(words: impl Iterator<Item = String>) -> String {
    words.collect::<Vec<_>>().join(" ")
}

fn topics_column(topic: Topic, also: &[Topic]) -> String {
    let mut s = String::from(" ");
    for t in std::iter::once(topic).chain(also.iter().copied()) {
        s.push_str(t.code());
        s.push(' ');
    }
    s
}

/// A member's tip as shared, before it is kept.
pub struct NewTip<'a> {
    pub author: &'a Member,
    pub community: &'a str,
    pub topic: Topic,
    pub text: &'a str,
    pub status: TipStatus,
}

impl Store {
    /// Seeds the shipped starting set in one transaction: a new key is added (live), a known key
    /// takes the file's text and topics. A status is never changed here: a tip a moderator
    /// removed stays removed. Returns the keys that were new.
    pub async fn seed_tips(&self, seed: &[SeedTip], now: i64) -> Result<Vec<String>> {
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        let mut added = Vec::new();
        for t in seed {
            let known: Option<i64> = sqlx::query_scalar("SELECT 1 FROM tips WHERE key = ?")
                .bind(&t.key)
                .fetch_optional(&mut *tx)
                .await?;
            sqlx::query(
                "INSERT INTO tips (key, community, author_platform, author_id, author_name, \
                 topic, also, topics, high_stress, roles, text, source_title, source_url, status, \
                 rank, created_at) VALUES (?, '', '', '', '', ?, ?, ?, ?, ?, ?, ?, ?, 'live', ?, ?) \
                 ON CONFLICT (key) DO UPDATE SET topic = excluded.topic, also = excluded.also, \
                 topics = excluded.topics, high_stress = excluded.high_stress, \
                 roles = excluded.roles, text = excluded.text, \
                 source_title = excluded.source_title, source_url = excluded.source_url",
            )
            .bind(&t.key)
            .bind(t.topic.code())
            .bind(spaced(t.also.iter().map(|a| a.code().to_owned())))
            .bind(topics_column(t.topic, &t.also))
            .bind(t.high_stress)
            .bind(t.roles.join(" "))
            .bind(&t.text)
            .bind(&t.source_name)
            .bind(&t.source_url)
            .bind(tips::rank(now, 0))
            .bind(now)
            .execute(&mut *tx)
            .await?;
            if known.is_none() {
                added.push(t.key.clone());
            }
        }
        tx.commit().await?;
        Ok(added)
    }

    /// Keeps a member's tip unless they shared `limit` or more in the 24 hours before `now`
    /// (counted in the database). `Ok(None)`: over the limit, nothing kept.
    pub async fn add_tip_within(
        &self,
        tip: NewTip<'_>,
        now: i64,
        limit: u32,
    ) -> Result<Option<i64>> {
        let NewTip {
            author,
            community,
            topic,
            text,
            status,
        } = tip;
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        let recent: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM tips WHERE author_platform = ? AND author_id = ? \
             AND created_at > ?",
        )
        .bind(author.user.platform.code())
        .bind(&author.user.id)
        .bind(now - 24 * 3600)
        .fetch_one(&mut *tx)
        .await?;
        if recent >= i64::from(limit) {
            return Ok(None);
        }
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO tips (key, community, author_platform, author_id, author_name, topic, \
             also, topics, high_stress, roles, text, status, rank, created_at) \
             VALUES (NULL, ?, ?, ?, ?, ?, '', ?, 0, '', ?, ?, ?, ?) RETURNING id",
        )
        .bind(community)
        .bind(author.user.platform.code())
        .bind(&author.user.id)
        .bind(&author.display_name)
        .bind(topic.code())
        .bind(topics_column(topic, &[]))
        .bind(text)
        .bind(status.code())
        .bind(tips::rank(now, 0))
        .bind(now)
        .fetch_one(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(Some(id))
    }

    /// The tip numbered `id`, whatever its status, if it belongs to `community` or to the
    /// starting set.
    pub async fn tip_in(&self, id: i64, community: &str) -> Result<Option<Tip>> {
        let sql = format!(
            "SELECT {TIP_COLUMNS} FROM {TIP_FROM} WHERE t.id = ? AND t.community IN (?, '')"
        );
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(id)
            .bind(community)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(tip_from_row).transpose()
    }

    /// The tip numbered `id` (for notices and the weekly post).
    pub async fn tip_by_id(&self, id: i64) -> Result<Option<Tip>> {
        let sql = format!("SELECT {TIP_COLUMNS} FROM {TIP_FROM} WHERE t.id = ?");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(tip_from_row).transpose()
    }

    /// Live tips for `community` (its own and the starting set), best first: on `topic` if
    /// given, and with every word of `words` in their text. The community's tips and the
    /// starting set are each read in rank order from the `tips_community` index and merged, so
    /// a page costs about the same however many tips there are.
    pub async fn browse_tips(
        &self,
        community: &str,
        topic: Option<Topic>,
        words: &[String],
        offset: usize,
        limit: usize,
    ) -> Result<Vec<Tip>> {
        let mut sql = format!(
            "SELECT {TIP_COLUMNS}, t.rank FROM tips AS t INDEXED BY tips_community \
             LEFT JOIN member_profiles AS p \
             ON p.platform = t.author_platform AND p.user_id = t.author_id \
             WHERE t.community = ? AND t.status = 'live'"
        );
        if topic.is_some() {
            sql.push_str(" AND instr(t.topics, ?) > 0");
        }
        for _ in words {
            sql.push_str(" AND instr(lower(t.text), ?) > 0");
        }
        sql.push_str(" ORDER BY t.rank DESC, t.id DESC LIMIT ?");
        let wanted = offset.saturating_add(limit);
        let mut found: Vec<(i64, Tip)> = Vec::with_capacity(wanted * 2);
        for place in [community, ""] {
            let mut query = sqlx::query(sqlx::AssertSqlSafe(sql.clone())).bind(place);
            if let Some(t) = topic {
                query = query.bind(format!(" {} ", t.code()));
            }
            for w in words {
                query = query.bind(w.to_lowercase());
            }
            let rows = query
                .bind(i64::try_from(wanted).unwrap_or(i64::MAX))
                .fetch_all(&self.pool)
                .await?;
            for row in &rows {
                found.push((row.try_get("rank")?, tip_from_row(row)?));
            }
        }
        found.sort_by(|(ra, a), (rb, b)| rb.cmp(ra).then(b.id.cmp(&a.id)));
        Ok(found
            .into_iter()
            .skip(offset)
            .take(limit)
            .map(|(_, t)| t)
            .collect())
    }

    /// Records `user`'s helpful vote on a live tip of `community` (or the starting set); one per
    /// member, never on their own tip (the caller checks authorship).
    pub async fn vote_tip(
        &self,
        id: i64,
        community: &str,
        user: &UserId,
        now: i64,
    ) -> Result<TipMark> {
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        let live: Option<i64> = sqlx::query_scalar(
            "SELECT id FROM tips WHERE id = ? AND status = 'live' AND community IN (?, '')",
        )
        .bind(id)
        .bind(community)
        .fetch_optional(&mut *tx)
        .await?;
        if live.is_none() {
            return Ok(TipMark::NoSuchTip);
        }
        let added = sqlx::query(
            "INSERT INTO tip_votes (tip_id, platform, user_id, created_at) VALUES (?, ?, ?, ?) \
             ON CONFLICT DO NOTHING",
        )
        .bind(id)
        .bind(user.platform.code())
        .bind(&user.id)
        .bind(now)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if added == 0 {
            return Ok(TipMark::Already);
        }
        sqlx::query("UPDATE tips SET helpful = helpful + 1, rank = rank + ? WHERE id = ?")
            .bind(tips::VOTE_WEIGHT_SECS)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(TipMark::Done)
    }

    /// Saves a live tip to `user`'s private list (or removes it: `save` false).
    pub async fn save_tip(
        &self,
        id: i64,
        community: &str,
        user: &UserId,
        save: bool,
        now: i64,
    ) -> Result<TipMark> {
        if !save {
            let gone = sqlx::query(
                "DELETE FROM tip_saves WHERE tip_id = ? AND platform = ? AND user_id = ?",
            )
            .bind(id)
            .bind(user.platform.code())
            .bind(&user.id)
            .execute(&self.pool)
            .await?
            .rows_affected();
            return Ok(if gone > 0 {
                TipMark::Done
            } else {
                TipMark::Already
            });
        }
        let live: Option<i64> = sqlx::query_scalar(
            "SELECT id FROM tips WHERE id = ? AND status = 'live' AND community IN (?, '')",
        )
        .bind(id)
        .bind(community)
        .fetch_optional(&self.pool)
        .await?;
        if live.is_none() {
            return Ok(TipMark::NoSuchTip);
        }
        let added = sqlx::query(
            "INSERT INTO tip_saves (tip_id, platform, user_id, created_at) VALUES (?, ?, ?, ?) \
             ON CONFLICT DO NOTHING",
        )
        .bind(id)
        .bind(user.platform.code())
        .bind(&user.id)
        .bind(now)
        .execute(&self.pool)
        .await?
        .rows_affected();
        Ok(if added > 0 {
            TipMark::Done
        } else {
            TipMark::Already
        })
    }

    /// `user`'s saved tips that are still live, newest save first.
    pub async fn saved_tips(&self, user: &UserId) -> Result<Vec<Tip>> {
        let sql = format!(
            "SELECT {TIP_COLUMNS} FROM tip_saves AS s JOIN tips AS t ON t.id = s.tip_id \
             LEFT JOIN member_profiles AS p \
             ON p.platform = t.author_platform AND p.user_id = t.author_id WHERE s.platform = ? AND s.user_id = ? AND t.status = 'live' \
             ORDER BY s.created_at DESC, t.id DESC"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(user.platform.code())
            .bind(&user.id)
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(tip_from_row).collect()
    }

    /// Keeps `by`'s report on a tip (one per member per tip). With `hide`, a live tip is hidden
    /// until a moderator decides (communities that moderate after).
    pub async fn report_tip(
        &self,
        id: i64,
        community: &str,
        by: &Member,
        reason: &str,
        hide: bool,
        now: i64,
    ) -> Result<TipMark> {
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        let status: Option<String> = sqlx::query_scalar(
            "SELECT status FROM tips WHERE id = ? AND community IN (?, '') \
             AND status IN ('live', 'hidden')",
        )
        .bind(id)
        .bind(community)
        .fetch_optional(&mut *tx)
        .await?;
        if status.is_none() {
            return Ok(TipMark::NoSuchTip);
        }
        let added = sqlx::query(
            "INSERT INTO tip_reports (tip_id, platform, user_id, display_name, reason, \
             created_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
        )
        .bind(id)
        .bind(by.user.platform.code())
        .bind(&by.user.id)
        .bind(&by.display_name)
        .bind(reason)
        .bind(now)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if added == 0 {
            return Ok(TipMark::Already);
        }
        if hide {
            sqlx::query("UPDATE tips SET status = 'hidden' WHERE id = ? AND status = 'live'")
                .bind(id)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(TipMark::Done)
    }

    /// Tips waiting for a moderator: pending ones, and ones with open reports, oldest first.
    pub async fn tips_for_review(&self) -> Result<Vec<TipForReview>> {
        let sql = format!(
            "SELECT {TIP_COLUMNS} FROM {TIP_FROM} WHERE t.status = 'pending' OR t.id IN \
             (SELECT tip_id FROM tip_reports WHERE status = 'open') ORDER BY t.id LIMIT 50"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .fetch_all(&self.pool)
            .await?;
        let mut out = Vec::with_capacity(rows.len());
        for row in &rows {
            let tip = tip_from_row(row)?;
            let reports: Vec<String> = sqlx::query_scalar(
                "SELECT reason FROM tip_reports WHERE tip_id = ? AND status = 'open' ORDER BY id",
            )
            .bind(tip.id)
            .fetch_all(&self.pool)
            .await?;
            out.push(TipForReview { tip, reports });
        }
        Ok(out)
    }

    /// A moderator's decision on a tip: live (approved, or restored after reports) or removed.
    /// Closes its open reports. `Ok(false)`: no such tip.
    pub async fn decide_tip(
        &self,
        id: i64,
        status: TipStatus,
        moderator: &UserId,
        now: i64,
    ) -> Result<bool> {
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        let changed =
            sqlx::query("UPDATE tips SET status = ?, decided_by = ?, decided_at = ? WHERE id = ?")
                .bind(status.code())
                .bind(moderator.to_string())
                .bind(now)
                .bind(id)
                .execute(&mut *tx)
                .await?
                .rows_affected();
        sqlx::query("UPDATE tip_reports SET status = 'closed' WHERE tip_id = ?")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(changed > 0)
    }

    /// Live tips that may follow `user`'s check-in answer in `community`: not shown to them
    /// since `since`, best first (a bounded candidate list; the bot picks the best fit).
    pub async fn checkin_tip_candidates(
        &self,
        user: &UserId,
        community: &str,
        since: i64,
    ) -> Result<Vec<Tip>> {
        let sql = format!(
            "SELECT {TIP_COLUMNS} FROM {TIP_FROM} WHERE t.status = 'live' \
             AND t.community IN (?, '') AND t.id NOT IN (SELECT tip_id FROM tip_shown \
             WHERE platform = ? AND user_id = ? AND shown_at > ?) \
             ORDER BY t.rank DESC LIMIT 200"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(community)
            .bind(user.platform.code())
            .bind(&user.id)
            .bind(since)
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(tip_from_row).collect()
    }

    /// Records that `user` was shown tip `id` after a check-in.
    pub async fn tip_shown(&self, id: i64, user: &UserId, now: i64) -> Result<()> {
        sqlx::query(
            "INSERT INTO tip_shown (tip_id, platform, user_id, shown_at) VALUES (?, ?, ?, ?)",
        )
        .bind(id)
        .bind(user.platform.code())
        .bind(&user.id)
        .bind(now)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Whether `user` gets a tip after their check-in answers (on unless turned off).
    pub async fn checkin_tips_on(&self, user: &UserId) -> Result<bool> {
        let off: Option<i64> = sqlx::query_scalar(
            "SELECT 1 FROM tip_checkin_optouts WHERE platform = ? AND user_id = ?",
        )
        .bind(user.platform.code())
        .bind(&user.id)
        .fetch_optional(&self.pool)
        .await?;
        Ok(off.is_none())
    }

    /// Turns the check-in tip on or off for `user`.
    pub async fn set_checkin_tips(&self, user: &UserId, on: bool, now: i64) -> Result<()> {
        let sql = if on {
            "DELETE FROM tip_checkin_optouts WHERE platform = ? AND user_id = ?"
        } else {
            "INSERT INTO tip_checkin_optouts (platform, user_id, since) VALUES (?, ?, ?) \
             ON CONFLICT DO NOTHING"
        };
        sqlx::query(sql)
            .bind(user.platform.code())
            .bind(&user.id)
            .bind(now)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Picks `community`'s tip of the week `week` and queues its post to `channel`
    /// (`platform:channel`) through the outbox, once per community and week: a well-rated live
    /// tip (the starting set, or a member's tip of the community with a helpful vote) not
    /// posted there since `since`. `Ok(None)`: none qualifies (nothing is queued), or the week
    /// has its tip already.
    pub async fn queue_weekly_tip(
        &self,
        community: &str,
        channel: &str,
        week: &str,
        since: i64,
        now: i64,
    ) -> Result<Option<i64>> {
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        let done: Option<i64> =
            sqlx::query_scalar("SELECT tip_id FROM tip_weekly WHERE community = ? AND week = ?")
                .bind(community)
                .bind(week)
                .fetch_optional(&mut *tx)
                .await?;
        if done.is_some() {
            return Ok(None);
        }
        let pick: Option<i64> = sqlx::query_scalar(
            "SELECT id FROM tips INDEXED BY tips_browse WHERE status = 'live' \
             AND (community = '' OR (community = ? AND helpful >= ?)) \
             AND id NOT IN (SELECT tip_id FROM tip_weekly WHERE community = ? AND queued_at > ?) \
             ORDER BY rank DESC, id LIMIT 1",
        )
        .bind(community)
        .bind(tips::WEEKLY_MIN_VOTES)
        .bind(community)
        .bind(since)
        .fetch_optional(&mut *tx)
        .await?;
        let Some(id) = pick else {
            return Ok(None);
        };
        sqlx::query(
            "INSERT INTO tip_weekly (community, week, tip_id, queued_at) VALUES (?, ?, ?, ?)",
        )
        .bind(community)
        .bind(week)
        .bind(id)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        let key = format!("tip-week:{community}:{week}");
        let body = id.to_string();
        let delivery = NewDelivery {
            body: Some(&body),
            ..NewDelivery::new(&key, Recipient::Community(channel), "tip_weekly", now)
        };
        queue_delivery(&mut tx, &delivery, now).await?;
        tx.commit().await?;
        Ok(Some(id))
    }

    /// The tip a sent tip-of-the-week post shows (`post`: the platform's message id).
    pub async fn weekly_tip_post(
        &self,
        platform: crate::domain::identity::Platform,
        post: &str,
    ) -> Result<Option<i64>> {
        let body: Option<String> = sqlx::query_scalar(
            "SELECT body FROM outbox WHERE platform = ? AND platform_message_id = ? \
             AND kind = 'tip_weekly'",
        )
        .bind(platform.code())
        .bind(post)
        .fetch_optional(&self.pool)
        .await?;
        Ok(body.and_then(|b| b.parse().ok()))
    }

    /// How many tips `user` wrote (for `/forgetme`'s question).
    pub async fn tips_written(&self, user: &UserId) -> Result<i64> {
        Ok(sqlx::query_scalar(
            "SELECT count(*) FROM tips WHERE author_platform = ? AND author_id = ?",
        )
        .bind(user.platform.code())
        .bind(&user.id)
        .fetch_one(&self.pool)
        .await?)
    }

    /// Deletes the tips `user` wrote (with their votes, saves and reports). `/forgetme` then
    /// empties the author of any left; this is for members who want them gone.
    pub async fn delete_tips_by(&self, user: &UserId) -> Result<u64> {
        Ok(
            sqlx::query("DELETE FROM tips WHERE author_platform = ? AND author_id = ?")
                .bind(user.platform.code())
                .bind(&user.id)
                .execute(&self.pool)
                .await?
                .rows_affected(),
        )
    }
}

fn tip_from_row(row: &SqliteRow) -> Result<Tip> {
    let corrupt = |what: &str| StoreError::Corrupt(format!("tip {what}"));
    let topic =
        Topic::from_code(&row.try_get::<String, _>("topic")?).ok_or_else(|| corrupt("topic"))?;
    let also = row
        .try_get::<String, _>("also")?
        .split_whitespace()
        .map(|c| Topic::from_code(c).ok_or_else(|| corrupt("topic")))
        .collect::<Result<Vec<_>>>()?;
    let platform: String = row.try_get("author_platform")?;
    let id: String = row.try_get("author_id")?;
    let name: String = row.try_get("author_name")?;
    let specialty: Option<String> = row.try_get("specialty")?;
    let state: Option<String> = row.try_get("state")?;
    let author_line = tips::author_line(
        specialty.as_deref().and_then(from_code),
        state.as_deref().and_then(from_code),
    );
    Ok(Tip {
        id: row.try_get("id")?,
        key: row.try_get("key")?,
        community: row.try_get("community")?,
        topic,
        also,
        high_stress: row.try_get("high_stress")?,
        roles: row
            .try_get::<String, _>("roles")?
            .split_whitespace()
            .map(str::to_owned)
            .collect(),
        text: row.try_get("text")?,
        source_name: row.try_get("source_title")?,
        source_url: row.try_get("source_url")?,
        status: TipStatus::from_code(&row.try_get::<String, _>("status")?)
            .ok_or_else(|| corrupt("status"))?,
        helpful: row.try_get("helpful")?,
        created_at: row.try_get("created_at")?,
        author_line,
        author: (!id.is_empty()).then(|| format!("{platform}:{id} ({name})")),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::identity::Platform;

    fn member(name: &str) -> Member {
        Member {
            user: UserId::new(Platform::Console, name),
            display_name: name.to_owned(),
        }
    }

    #[tokio::test]
    async fn no_tip_of_the_week_is_queued_when_none_qualifies_and_a_voted_tip_then_is() {
        let store = Store::open_in_memory().await.unwrap();
        let (c, ch) = ("console:lab", "console:tips");
        assert_eq!(
            store
                .queue_weekly_tip(c, ch, "2026-W50", 0, 100)
                .await
                .unwrap(),
            None
        );
        let id = store
            .add_tip_within(
                NewTip {
                    author: &member("alice"),
                    community: c,
                    topic: Topic::Sleep,
                    text: "Curtains.",
                    status: TipStatus::Live,
                },
                100,
                5,
            )
            .await
            .unwrap()
            .unwrap();
        // A member's tip without a helpful vote is not "well rated" yet.
        assert_eq!(
            store
                .queue_weekly_tip(c, ch, "2026-W50", 0, 100)
                .await
                .unwrap(),
            None
        );
        let bob = member("bob").user;
        assert_eq!(
            store.vote_tip(id, c, &bob, 101).await.unwrap(),
            TipMark::Done
        );
        assert_eq!(
            store.vote_tip(id, c, &bob, 102).await.unwrap(),
            TipMark::Already
        );
        assert_eq!(
            store
                .queue_weekly_tip(c, ch, "2026-W50", 0, 103)
                .await
                .unwrap(),
            Some(id)
        );
        // Once a week, and not again within the window.
        assert_eq!(
            store
                .queue_weekly_tip(c, ch, "2026-W50", 0, 104)
                .await
                .unwrap(),
            None
        );
        assert_eq!(
            store
                .queue_weekly_tip(c, ch, "2026-W51", 0, 105)
                .await
                .unwrap(),
            None
        );
        // Another community never gets it.
        assert_eq!(
            store
                .queue_weekly_tip("console:other", ch, "2026-W50", 0, 106)
                .await
                .unwrap(),
            None
        );
    }
}
