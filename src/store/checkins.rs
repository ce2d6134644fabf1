//! Check-in schedules, prompts, answers and members' profiles. Times are Unix seconds (UTC).

use sqlx::Row;

use super::outbox::{NewDelivery, Recipient, queue_delivery};
use super::{Result, Store, StoreError, member_from_row, platform, user_from_row};
use crate::domain::identity::{Member, Platform, UserId};

/// A member's weekly schedule, as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScheduleRow {
    pub member: Member,
    pub community: String,
    /// 0 = Monday … 6 = Sunday.
    pub weekday: u8,
    /// HH:MM.
    pub local_time: String,
    pub timezone: String,
    /// Quiet hours, HH:MM each.
    pub quiet: Option<(String, String)>,
    pub paused_until: Option<i64>,
    pub next_due_at: i64,
}

impl ScheduleRow {
    /// The stored schedule as the domain's; `None` for one that no longer reads.
    pub fn schedule(&self) -> Option<crate::domain::schedule::WeeklySchedule> {
        crate::domain::weekly::stored_schedule(
            self.weekday,
            &self.local_time,
            &self.timezone,
            self.quiet.as_ref().map(|(s, e)| (s.as_str(), e.as_str())),
        )
    }
}

/// A prompt to create (and deliver) for a due schedule.
#[derive(Debug, Clone)]
pub struct NewPrompt {
    pub member: Member,
    pub community: String,
    pub due_at: i64,
    pub week: String,
    pub expires_at: i64,
}

/// A prompt, as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PromptRow {
    pub id: i64,
    pub user: UserId,
    pub community: String,
    pub due_at: i64,
    pub week: String,
    pub expires_at: i64,
    pub snoozes: i64,
    pub status: String,
}

/// An answer, as stored (the note still encrypted).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnswerRow {
    pub community: String,
    pub week: String,
    pub mood: u8,
    pub stress: Option<u8>,
    pub note: Option<Vec<u8>>,
    pub answered_at: i64,
}

/// One week's answers in a community that count for its stats: per mood (1 to 5), one answer
/// per member (their latest of the week), only from members who opted in there long enough
/// before. Never anything per person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WeekMoods {
    pub week: String,
    pub per_mood: [u32; 5],
}

/// One week's figures as first shown, kept unchanged from then on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublishedWeek {
    pub week: String,
    /// Struggling, okay, good (rounded, with noise); `None`: too few answers to show.
    pub bands: Option<[u32; 3]>,
    /// The least number of counted answers the week needed when it was worked out.
    pub min_answers: u32,
}

impl Store {
    /// How many check-in prompts `user` had due after `since` (any community, any status).
    pub async fn prompts_due_since(&self, user: &UserId, since: i64) -> Result<i64> {
        let n: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM checkin_prompts WHERE platform = ? AND user_id = ? \
             AND due_at > ?",
        )
        .bind(user.platform.code())
        .bind(&user.id)
        .bind(since)
        .fetch_one(&self.pool)
        .await?;
        Ok(n)
    }

    /// Creates or replaces a member's schedule, and records when they first opted in to check-ins
    /// in its community (kept through `/checkin stop`; `/forgetme` deletes it).
    pub async fn save_schedule(&self, s: &ScheduleRow, now: i64) -> Result<()> {
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        sqlx::query(
            "INSERT INTO checkin_schedules (platform, user_id, display_name, community, weekday, \
                local_time, timezone, quiet_start, quiet_end, paused_until, next_due_at, \
                created_at, updated_at) \
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) \
             ON CONFLICT (platform, user_id) DO UPDATE SET display_name = excluded.display_name, \
                community = excluded.community, weekday = excluded.weekday, \
                local_time = excluded.local_time, timezone = excluded.timezone, \
                quiet_start = excluded.quiet_start, quiet_end = excluded.quiet_end, \
                paused_until = excluded.paused_until, next_due_at = excluded.next_due_at, \
                updated_at = excluded.updated_at",
        )
        .bind(s.member.user.platform.code())
        .bind(&s.member.user.id)
        .bind(&s.member.display_name)
        .bind(&s.community)
        .bind(i64::from(s.weekday))
        .bind(&s.local_time)
        .bind(&s.timezone)
        .bind(s.quiet.as_ref().map(|q| q.0.clone()))
        .bind(s.quiet.as_ref().map(|q| q.1.clone()))
        .bind(s.paused_until)
        .bind(s.next_due_at)
        .bind(now)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "INSERT INTO checkin_optins (platform, user_id, community, opted_in_at) \
             VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
        )
        .bind(s.member.user.platform.code())
        .bind(&s.member.user.id)
        .bind(&s.community)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// A member's schedule, if they opted in.
    pub async fn schedule(&self, user: &UserId) -> Result<Option<ScheduleRow>> {
        let row = sqlx::query("SELECT * FROM checkin_schedules WHERE platform = ? AND user_id = ?")
            .bind(user.platform.code())
            .bind(&user.id)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(schedule_from_row).transpose()
    }

    /// Removes a member's schedule. `Ok(false)`: they had none.
    pub async fn delete_schedule(&self, user: &UserId) -> Result<bool> {
        let done = sqlx::query("DELETE FROM checkin_schedules WHERE platform = ? AND user_id = ?")
            .bind(user.platform.code())
            .bind(&user.id)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected() > 0)
    }

    /// One pass over up to `limit` schedules due at or before `now`, in one write transaction
    /// (so no command can change a schedule in between): `plan` says, for each, which prompt
    /// to create (if any) and when the schedule is next due. Prompts and their deliveries are
    /// written at most once (idempotency keys). Returns (schedules handled, deliveries written).
    ///
    /// Rows cross between SQLite and Rust as one JSON document each way: sqlx hands rows over
    /// one at a time (about 8 µs each), which made 100,000 due members take seconds.
    pub async fn enqueue_due(
        &self,
        now: i64,
        limit: usize,
        mut plan: impl FnMut(&ScheduleRow) -> (Option<NewPrompt>, i64),
    ) -> Result<(usize, usize)> {
        type Due = (
            String,
            String,
            String,
            String,
            i64,
            String,
            String,
            Option<String>,
            Option<String>,
            Option<i64>,
            i64,
        );
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        let json: String = sqlx::query_scalar(
            "SELECT json_group_array(json_array(platform, user_id, display_name, community, \
             weekday, local_time, timezone, quiet_start, quiet_end, paused_until, next_due_at)) \
             FROM (SELECT * FROM checkin_schedules WHERE next_due_at <= ? \
             ORDER BY next_due_at LIMIT ?)",
        )
        .bind(now)
        .bind(limit as i64)
        .fetch_one(&mut *tx)
        .await?;
        let due: Vec<Due> =
            serde_json::from_str(&json).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        drop(json);
        let handled = due.len();
        // The plan goes back as one JSON array, written row by row.
        let mut planned = String::with_capacity(handled * 96 + 2);
        planned.push('[');
        for (platform_code, user_id, name, community, weekday, time, zone, qs, qe, paused, next) in
            due
        {
            let row = ScheduleRow {
                member: Member {
                    user: UserId::new(platform(&platform_code)?, user_id),
                    display_name: name,
                },
                community,
                weekday: u8::try_from(weekday)
                    .map_err(|_| StoreError::Corrupt("weekday out of range".into()))?,
                local_time: time,
                timezone: zone,
                quiet: qs.zip(qe),
                paused_until: paused,
                next_due_at: next,
            };
            let (prompt, next) = plan(&row);
            if planned.len() > 1 {
                planned.push(',');
            }
            let entry = (
                &platform_code,
                &row.member.user.id,
                &row.member.display_name,
                &row.community,
                prompt.as_ref().map(|p| p.due_at),
                prompt.as_ref().map(|p| p.week.as_str()),
                prompt.as_ref().map(|p| p.expires_at),
                next,
            );
            planned.push_str(
                &serde_json::to_string(&entry).expect("strings and numbers always serialise"),
            );
        }
        planned.push(']');
        sqlx::query(
            "CREATE TEMP TABLE IF NOT EXISTS due_plan (platform TEXT NOT NULL, \
             user_id TEXT NOT NULL, display_name TEXT NOT NULL, community TEXT NOT NULL, \
             due_at INTEGER, week TEXT, expires_at INTEGER, next_due_at INTEGER NOT NULL, \
             PRIMARY KEY (platform, user_id)) WITHOUT ROWID",
        )
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "INSERT OR REPLACE INTO temp.due_plan SELECT value ->> 0, value ->> 1, value ->> 2, \
             value ->> 3, value ->> 4, value ->> 5, value ->> 6, value ->> 7 FROM json_each(?)",
        )
        .bind(planned)
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "INSERT INTO checkin_prompts (platform, user_id, community, due_at, week, expires_at) \
             SELECT platform, user_id, community, due_at, week, expires_at FROM temp.due_plan AS d \
             WHERE due_at IS NOT NULL AND NOT EXISTS (SELECT 1 FROM checkin_prompts AS p \
                WHERE p.platform = d.platform AND p.user_id = d.user_id AND p.week = d.week \
                AND p.due_at != d.due_at) \
             ORDER BY platform, user_id \
             ON CONFLICT (platform, user_id, due_at) DO NOTHING",
        )
        .execute(&mut *tx)
        .await?;
        let written = sqlx::query(
            "INSERT INTO outbox (idempotency_key, platform, user_id, display_name, kind, \
             prompt_id, due_at, next_attempt_at, created_at) \
             SELECT 'checkin:' || d.platform || ':' || d.user_id || ':' || d.due_at, \
             d.platform, d.user_id, d.display_name, 'checkin_prompt', p.id, d.due_at, d.due_at, ? \
             FROM temp.due_plan AS d JOIN checkin_prompts AS p ON p.platform = d.platform \
             AND p.user_id = d.user_id AND p.due_at = d.due_at WHERE d.due_at IS NOT NULL \
             ORDER BY d.platform, d.user_id \
             ON CONFLICT (idempotency_key) DO NOTHING",
        )
        .bind(now)
        .execute(&mut *tx)
        .await?
        .rows_affected() as usize;
        // Driven by the small table (an UPDATE … FROM plans a scan of every schedule).
        sqlx::query(
            "UPDATE checkin_schedules SET next_due_at = (SELECT d.next_due_at \
             FROM temp.due_plan AS d WHERE d.platform = checkin_schedules.platform \
             AND d.user_id = checkin_schedules.user_id) \
             WHERE (platform, user_id) IN (SELECT platform, user_id FROM temp.due_plan)",
        )
        .execute(&mut *tx)
        .await?;
        sqlx::query("DELETE FROM temp.due_plan")
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok((handled, written))
    }

    /// Creates one prompt due now and its delivery (`/checkin now`). Returns the prompt id.
    pub async fn create_prompt_now(&self, p: &NewPrompt, now: i64) -> Result<i64> {
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO checkin_prompts (platform, user_id, community, due_at, week, expires_at) \
             VALUES (?, ?, ?, ?, ?, ?) \
             ON CONFLICT (platform, user_id, due_at) DO UPDATE SET due_at = due_at RETURNING id",
        )
        .bind(p.member.user.platform.code())
        .bind(&p.member.user.id)
        .bind(&p.community)
        .bind(p.due_at)
        .bind(&p.week)
        .bind(p.expires_at)
        .fetch_one(&mut *tx)
        .await?;
        insert_delivery(
            &mut tx,
            &format!("checkin-now:{id}"),
            &p.member,
            id,
            now,
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Stops everything waiting for the member: pending deliveries are skipped and open
    /// prompts closed (`/checkin stop`, `/checkin pause`).
    pub async fn cancel_pending_checkins(&self, user: &UserId) -> Result<()> {
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        sqlx::query(
            "UPDATE outbox SET status = 'skipped', last_error = 'check-ins stopped or paused' \
             WHERE platform = ? AND user_id = ? AND status = 'pending' AND kind = 'checkin_prompt'",
        )
        .bind(user.platform.code())
        .bind(&user.id)
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "UPDATE checkin_prompts SET status = 'expired' \
             WHERE platform = ? AND user_id = ? AND status = 'open'",
        )
        .bind(user.platform.code())
        .bind(&user.id)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The member's most recent prompt that is still open at `now`.
    pub async fn open_prompt(&self, user: &UserId, now: i64) -> Result<Option<PromptRow>> {
        let row = sqlx::query(
            "SELECT * FROM checkin_prompts WHERE platform = ? AND user_id = ? \
             AND status IN ('open', 'answered') AND expires_at > ? ORDER BY due_at DESC LIMIT 1",
        )
        .bind(user.platform.code())
        .bind(&user.id)
        .bind(now)
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(prompt_from_row).transpose()
    }

    /// One prompt by id.
    pub async fn prompt(&self, id: i64) -> Result<Option<PromptRow>> {
        let row = sqlx::query("SELECT * FROM checkin_prompts WHERE id = ?")
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(prompt_from_row).transpose()
    }

    /// The member's latest prompt, whatever its state.
    pub async fn latest_prompt(&self, user: &UserId) -> Result<Option<PromptRow>> {
        let row = sqlx::query(
            "SELECT * FROM checkin_prompts WHERE platform = ? AND user_id = ? \
             ORDER BY due_at DESC LIMIT 1",
        )
        .bind(user.platform.code())
        .bind(&user.id)
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(prompt_from_row).transpose()
    }

    /// The prompt a delivered message carried, found by the platform's message id.
    pub async fn prompt_for_message(
        &self,
        platform: Platform,
        message_id: &str,
    ) -> Result<Option<PromptRow>> {
        let row = sqlx::query(
            "SELECT p.* FROM outbox o JOIN checkin_prompts p ON p.id = o.prompt_id \
             WHERE o.platform = ? AND o.platform_message_id = ? ORDER BY o.id DESC LIMIT 1",
        )
        .bind(platform.code())
        .bind(message_id)
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(prompt_from_row).transpose()
    }

    /// Records (or replaces) the answer to a prompt and closes the prompt, together.
    pub async fn record_answer(&self, prompt: &PromptRow, answer: &AnswerRow) -> Result<()> {
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        sqlx::query(
            "INSERT INTO checkin_answers (platform, user_id, community, prompt_id, week, mood, \
                stress, note, answered_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) \
             ON CONFLICT (prompt_id) DO UPDATE SET mood = excluded.mood, \
                stress = coalesce(excluded.stress, stress), note = coalesce(excluded.note, note), \
                answered_at = excluded.answered_at",
        )
        .bind(prompt.user.platform.code())
        .bind(&prompt.user.id)
        .bind(&prompt.community)
        .bind(prompt.id)
        .bind(&answer.week)
        .bind(i64::from(answer.mood))
        .bind(answer.stress.map(i64::from))
        .bind(&answer.note)
        .bind(answer.answered_at)
        .execute(&mut *tx)
        .await?;
        sqlx::query("UPDATE checkin_prompts SET status = 'answered' WHERE id = ?")
            .bind(prompt.id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Whether the prompt already has an answer (answers can be corrected while it is open).
    pub async fn prompt_answered(&self, prompt_id: i64) -> Result<bool> {
        let n: i64 = sqlx::query_scalar("SELECT count(*) FROM checkin_answers WHERE prompt_id = ?")
            .bind(prompt_id)
            .fetch_one(&self.pool)
            .await?;
        Ok(n > 0)
    }

    /// Snoozes a prompt: one more delivery at `due_at`. `Ok(false)`: snoozed twice already.
    pub async fn snooze_prompt(
        &self,
        prompt: &PromptRow,
        to: &Member,
        due_at: i64,
        now: i64,
    ) -> Result<bool> {
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        let updated = sqlx::query(
            "UPDATE checkin_prompts SET snoozes = snoozes + 1, \
             expires_at = max(expires_at, ?) WHERE id = ? AND snoozes < 2",
        )
        .bind(due_at + 3600)
        .bind(prompt.id)
        .execute(&mut *tx)
        .await?;
        if updated.rows_affected() == 0 {
            return Ok(false);
        }
        let key = format!("checkin-snooze:{}:{}", prompt.id, prompt.snoozes + 1);
        insert_delivery(&mut tx, &key, to, prompt.id, due_at, now).await?;
        tx.commit().await?;
        Ok(true)
    }

    /// The member's answers since `week` (YYYY-MM-DD, a Monday), oldest first.
    pub async fn answers_since(&self, user: &UserId, week: &str) -> Result<Vec<AnswerRow>> {
        let rows = sqlx::query(
            "SELECT community, week, mood, stress, note, answered_at FROM checkin_answers \
             WHERE platform = ? AND user_id = ? AND week >= ? ORDER BY answered_at",
        )
        .bind(user.platform.code())
        .bind(&user.id)
        .bind(week)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(answer_from_row).collect()
    }

    /// Closes prompts whose time ran out; returns how many.
    pub async fn expire_prompts(&self, now: i64) -> Result<u64> {
        Ok(sqlx::query(
            "UPDATE checkin_prompts SET status = 'expired' WHERE status = 'open' AND expires_at <= ?",
        )
        .bind(now)
        .execute(&self.pool)
        .await?
        .rows_affected())
    }

    /// Deletes answers older than `before` (retention); returns how many.
    pub async fn delete_answers_before(&self, before: i64) -> Result<u64> {
        let old: i64 =
            sqlx::query_scalar("SELECT count(*) FROM checkin_answers WHERE answered_at < ?")
                .bind(before)
                .fetch_one(&self.pool)
                .await?;
        if old == 0 {
            return Ok(0);
        }
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        let answers = sqlx::query("DELETE FROM checkin_answers WHERE answered_at < ?")
            .bind(before)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        // Prompts older than the retention window go too (deliveries cascade with them).
        sqlx::query("DELETE FROM checkin_prompts WHERE due_at < ? AND status != 'open'")
            .bind(before)
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM checkin_skips WHERE skipped_at < ?")
            .bind(before)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        self.scrub_wal().await?;
        Ok(answers)
    }

    /// Per week from `from` to `to` (Mondays, YYYY-MM-DD) with any answer in `community`: the
    /// answers that count for its stats, per mood. One answer per member and week (their
    /// latest), and only from members who opted in to check-ins in this community at least
    /// `seasoning` seconds before the week's Monday (00:00 UTC).
    pub async fn week_moods(
        &self,
        community: &str,
        from: &str,
        to: &str,
        seasoning: i64,
    ) -> Result<Vec<WeekMoods>> {
        let rows = sqlx::query(
            "WITH latest AS (SELECT a.platform, a.user_id, a.mood, a.week \
                FROM checkin_answers AS a \
                WHERE a.community = ? AND a.week >= ? AND a.week <= ? AND a.id = (SELECT max(b.id) \
                FROM checkin_answers AS b WHERE b.platform = a.platform \
                AND b.user_id = a.user_id AND b.week = a.week)), \
             counted AS (SELECT l.week, CASE WHEN EXISTS (SELECT 1 FROM checkin_optins AS o \
                WHERE o.platform = l.platform AND o.user_id = l.user_id AND o.community = ? \
                AND o.opted_in_at <= CAST(strftime('%s', l.week) AS INTEGER) - ?) \
                THEN l.mood END AS mood FROM latest AS l) \
             SELECT week, count(mood = 1 OR NULL) AS m1, count(mood = 2 OR NULL) AS m2, \
                count(mood = 3 OR NULL) AS m3, count(mood = 4 OR NULL) AS m4, \
                count(mood = 5 OR NULL) AS m5 \
             FROM counted GROUP BY week ORDER BY week",
        )
        .bind(community)
        .bind(from)
        .bind(to)
        .bind(community)
        .bind(seasoning)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                let mut per_mood = [0; 5];
                for (i, n) in per_mood.iter_mut().enumerate() {
                    let count: i64 = r.try_get(i + 1)?;
                    *n = u32::try_from(count)
                        .map_err(|_| StoreError::Corrupt("count out of range".into()))?;
                }
                Ok(WeekMoods {
                    week: r.try_get("week")?,
                    per_mood,
                })
            })
            .collect()
    }

    /// The figures already shown for `community`'s weeks since `from`, oldest first.
    pub async fn published_weeks(&self, community: &str, from: &str) -> Result<Vec<PublishedWeek>> {
        let rows = sqlx::query(
            "SELECT week, struggling, okay, good, min_answers FROM checkin_week_stats \
             WHERE community = ? AND week >= ? ORDER BY week",
        )
        .bind(community)
        .bind(from)
        .fetch_all(&self.pool)
        .await?;
        let count = |v: i64| u32::try_from(v).map_err(|_| StoreError::Corrupt("stats".into()));
        rows.iter()
            .map(|r| {
                let bands: [Option<i64>; 3] = [
                    r.try_get("struggling")?,
                    r.try_get("okay")?,
                    r.try_get("good")?,
                ];
                let bands = match bands {
                    [Some(s), Some(o), Some(g)] => Some([count(s)?, count(o)?, count(g)?]),
                    _ => None,
                };
                Ok(PublishedWeek {
                    week: r.try_get("week")?,
                    bands,
                    min_answers: count(r.try_get("min_answers")?)?,
                })
            })
            .collect()
    }

    /// Keeps a week's figures as first shown. A week already kept stays as it was (two admins
    /// asking at once both see the first figures).
    pub async fn publish_week(
        &self,
        community: &str,
        week: &PublishedWeek,
        now: i64,
    ) -> Result<()> {
        let band = |i: usize| week.bands.map(|b| i64::from(b[i]));
        sqlx::query(
            "INSERT INTO checkin_week_stats (community, week, struggling, okay, good, \
                min_answers, published_at) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
        )
        .bind(community)
        .bind(&week.week)
        .bind(band(0))
        .bind(band(1))
        .bind(band(2))
        .bind(i64::from(week.min_answers))
        .bind(now)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// What the member told the bot about themselves: (specialty code, state code).
    pub async fn profile(&self, user: &UserId) -> Result<(Option<String>, Option<String>)> {
        if let Some(known) = self.profiles().get(user) {
            return Ok(known.clone());
        }
        let row = sqlx::query(
            "SELECT specialty, state FROM member_profiles WHERE platform = ? AND user_id = ?",
        )
        .bind(user.platform.code())
        .bind(&user.id)
        .fetch_optional(&self.pool)
        .await?;
        let profile = match row {
            None => (None, None),
            Some(r) => (r.try_get("specialty")?, r.try_get("state")?),
        };
        let mut known = self.profiles();
        // Bounded: a very busy bot starts the memory afresh rather than grow without end.
        if known.len() >= PROFILES_REMEMBERED {
            known.clear();
        }
        known.insert(user.clone(), profile.clone());
        Ok(profile)
    }

    /// The profiles this process knows (see `Store::profiles`).
    fn profiles(&self) -> std::sync::MutexGuard<'_, super::ProfileCache> {
        self.profiles
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Forgets what this process knows of a member's profile (after it changed or was deleted).
    pub(crate) fn forget_profile(&self, user: &UserId) {
        self.profiles().remove(user);
    }

    /// Saves the member's profile; a profile with nothing in it is deleted.
    pub async fn save_profile(
        &self,
        user: &UserId,
        specialty: Option<&str>,
        state: Option<&str>,
        now: i64,
    ) -> Result<()> {
        self.forget_profile(user);
        if specialty.is_none() && state.is_none() {
            sqlx::query("DELETE FROM member_profiles WHERE platform = ? AND user_id = ?")
                .bind(user.platform.code())
                .bind(&user.id)
                .execute(&self.pool)
                .await?;
            return Ok(());
        }
        sqlx::query(
            "INSERT INTO member_profiles (platform, user_id, specialty, state, updated_at) \
             VALUES (?, ?, ?, ?, ?) ON CONFLICT (platform, user_id) DO UPDATE SET \
             specialty = excluded.specialty, state = excluded.state, updated_at = excluded.updated_at",
        )
        .bind(user.platform.code())
        .bind(&user.id)
        .bind(specialty)
        .bind(state)
        .bind(now)
        .execute(&self.pool)
        .await?;
        Ok(())
    }
}

/// Queues the delivery of a check-in prompt.
async fn insert_delivery(
    conn: &mut sqlx::SqliteConnection,
    key: &str,
    to: &Member,
    prompt_id: i64,
    due_at: i64,
    now: i64,
) -> Result<()> {
    let prompt = NewDelivery {
        prompt_id: Some(prompt_id),
        ..NewDelivery::new(key, Recipient::Member(to), "checkin_prompt", due_at)
    };
    queue_delivery(conn, &prompt, now).await
}

fn schedule_from_row(r: &sqlx::sqlite::SqliteRow) -> Result<ScheduleRow> {
    let quiet_start: Option<String> = r.try_get("quiet_start")?;
    let quiet_end: Option<String> = r.try_get("quiet_end")?;
    Ok(ScheduleRow {
        member: member_from_row(r)?,
        community: r.try_get("community")?,
        weekday: u8::try_from(r.try_get::<i64, _>("weekday")?)
            .map_err(|_| StoreError::Corrupt("weekday out of range".into()))?,
        local_time: r.try_get("local_time")?,
        timezone: r.try_get("timezone")?,
        quiet: quiet_start.zip(quiet_end),
        paused_until: r.try_get("paused_until")?,
        next_due_at: r.try_get("next_due_at")?,
    })
}

fn prompt_from_row(r: &sqlx::sqlite::SqliteRow) -> Result<PromptRow> {
    Ok(PromptRow {
        id: r.try_get("id")?,
        user: user_from_row(r)?,
        community: r.try_get("community")?,
        due_at: r.try_get("due_at")?,
        week: r.try_get("week")?,
        expires_at: r.try_get("expires_at")?,
        snoozes: r.try_get("snoozes")?,
        status: r.try_get("status")?,
    })
}

fn answer_from_row(r: &sqlx::sqlite::SqliteRow) -> Result<AnswerRow> {
    let small =
        |v: i64| u8::try_from(v).map_err(|_| StoreError::Corrupt("answer out of range".into()));
    Ok(AnswerRow {
        community: r.try_get("community")?,
        week: r.try_get("week")?,
        mood: small(r.try_get("mood")?)?,
        stress: r
            .try_get::<Option<i64>, _>("stress")?
            .map(small)
            .transpose()?,
        note: r.try_get("note")?,
        answered_at: r.try_get("answered_at")?,
    })
}

/// How many members' profiles a process keeps in memory.
const PROFILES_REMEMBERED: usize = 10_000;
