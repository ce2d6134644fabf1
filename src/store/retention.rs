//! Meetup retention: a meetup that ended long enough ago goes, with everything that hangs off
//! it (RSVPs, announcements' message ids, shares, reminders, notices and other deliveries).
//! Check-in retention lives with the check-ins (`delete_answers_before`).

use super::{Result, Store};

impl Store {
    /// Deletes every meetup that ended before `before` (UTC seconds), each occurrence of a
    /// series by its own end, with its RSVPs, posts, shares and deliveries (they cascade), and
    /// deliveries tied to neither a prompt nor a meetup that were done with before `before`.
    /// Returns how many meetups went.
    ///
    /// A series copies its next occurrences from one of its meetups (its template). When that
    /// one goes, the series copies from its newest remaining occurrence instead; a series that
    /// still runs and has no other occurrence keeps its template's details (title, place,
    /// organizer) until the next occurrence exists, but not who answered it or what was sent.
    pub async fn delete_meetups_ended_before(&self, before: i64) -> Result<u64> {
        let old: i64 = sqlx::query_scalar(
            "SELECT (SELECT count(*) FROM meetups WHERE ends_at < ?1) + (SELECT count(*) FROM \
             outbox WHERE prompt_id IS NULL AND meetup_id IS NULL AND status != 'pending' \
             AND max(coalesce(sent_at, 0), next_attempt_at) < ?1)",
        )
        .bind(before)
        .fetch_one(&self.pool)
        .await?;
        if old == 0 {
            return Ok(0);
        }
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        // A series whose template goes copies from its newest occurrence that stays.
        sqlx::query(
            "UPDATE meetup_series SET template = (SELECT m.id FROM meetups AS m \
                 WHERE m.series_id = meetup_series.id AND m.ends_at >= ?1 \
                 ORDER BY m.starts_at DESC, m.id DESC LIMIT 1) \
             WHERE template IN (SELECT id FROM meetups WHERE ends_at < ?1) \
             AND EXISTS (SELECT 1 FROM meetups AS m \
                 WHERE m.series_id = meetup_series.id AND m.ends_at >= ?1)",
        )
        .bind(before)
        .execute(&mut *tx)
        .await?;
        // A series that is over needs no template.
        sqlx::query(
            "UPDATE meetup_series SET template = NULL \
             WHERE (cancelled != 0 OR next_starts_at IS NULL) \
             AND template IN (SELECT id FROM meetups WHERE ends_at < ?)",
        )
        .bind(before)
        .execute(&mut *tx)
        .await?;
        // A running series with nothing newer keeps its template's details, not its people.
        let kept = "(SELECT template FROM meetup_series WHERE template IS NOT NULL \
                    AND template IN (SELECT id FROM meetups WHERE ends_at < ?))";
        for table in ["rsvps", "outbox", "meetup_posts", "meetup_shares"] {
            // Table names come from the list above, never from input.
            let sql = format!("DELETE FROM {table} WHERE meetup_id IN {kept}");
            sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(before)
                .execute(&mut *tx)
                .await?;
        }
        // RSVPs, posts, shares and deliveries cascade (ON DELETE CASCADE).
        let meetups = sqlx::query(
            "DELETE FROM meetups WHERE ends_at < ? \
             AND id NOT IN (SELECT template FROM meetup_series WHERE template IS NOT NULL)",
        )
        .bind(before)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        sqlx::query(
            "DELETE FROM meetup_series WHERE template IS NULL \
             AND NOT EXISTS (SELECT 1 FROM meetups WHERE series_id = meetup_series.id)",
        )
        .execute(&mut *tx)
        .await?;
        // Deliveries tied to no prompt and no meetup (reports to organizers, notices): kept
        // as long as meetups, counted from their last attempt.
        sqlx::query(
            "DELETE FROM outbox WHERE prompt_id IS NULL AND meetup_id IS NULL \
             AND status != 'pending' AND max(coalesce(sent_at, 0), next_attempt_at) < ?",
        )
        .bind(before)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        self.scrub_wal().await?;
        Ok(meetups)
    }

    /// Deliveries stored per meetup (meetup id, how many), by meetup: what retention leaves.
    pub async fn deliveries_per_meetup(&self) -> Result<Vec<(i64, i64)>> {
        Ok(sqlx::query_as(
            "SELECT meetup_id, count(*) FROM outbox WHERE meetup_id IS NOT NULL \
             GROUP BY meetup_id ORDER BY meetup_id",
        )
        .fetch_all(&self.pool)
        .await?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn exec(store: &Store, sql: &str) {
        sqlx::query(sqlx::AssertSqlSafe(sql.to_owned()))
            .execute(&store.pool)
            .await
            .unwrap();
    }

    async fn count(store: &Store, sql: &str) -> i64 {
        sqlx::query_scalar(sqlx::AssertSqlSafe(sql.to_owned()))
            .fetch_one(&store.pool)
            .await
            .unwrap()
    }

    /// A meetup `id` in `series` ending at `ends`, with an RSVP, a post, a share and a reminder.
    async fn meetup(store: &Store, id: i64, series: &str, ends: i64) {
        exec(
            store,
            &format!(
                "INSERT INTO meetups (id, series_id, community, organizer_platform, organizer_id, \
                 organizer_name, title, starts_at, ends_at, timezone, location, created_at, \
                 updated_at) VALUES ({id}, {series}, 'console:lab', 'console', 'org', 'Org', \
                 'Meetup {id}', {ends} - 3600, {ends}, 'UTC', 'online', 0, 0)"
            ),
        )
        .await;
        exec(
            store,
            &format!(
                "INSERT INTO rsvps (meetup_id, platform, user_id, display_name, status, position, \
                 updated_at) VALUES ({id}, 'console', 'ann', 'Ann', 'going', 1, 0); \
                 INSERT INTO meetup_posts (meetup_id, platform, community, message_id) \
                 VALUES ({id}, 'console', 'console:lab', 'post-{id}'); \
                 INSERT INTO meetup_shares (meetup_id, community, shared_at) \
                 VALUES ({id}, 'console:other', 0); \
                 INSERT INTO outbox (idempotency_key, platform, user_id, display_name, kind, \
                 meetup_id, due_at, next_attempt_at, created_at, status, sent_at) VALUES \
                 ('remind:{id}', 'console', 'ann', 'Ann', 'meetup_reminder', {id}, 0, 0, 0, \
                 'sent', 0)"
            ),
        )
        .await;
    }

    async fn rows_of(store: &Store, id: i64) -> i64 {
        count(
            store,
            &format!(
                "SELECT (SELECT count(*) FROM rsvps WHERE meetup_id = {id}) \
                 + (SELECT count(*) FROM meetup_posts WHERE meetup_id = {id}) \
                 + (SELECT count(*) FROM meetup_shares WHERE meetup_id = {id}) \
                 + (SELECT count(*) FROM outbox WHERE meetup_id = {id})"
            ),
        )
        .await
    }

    const CUT: i64 = 100_000;

    #[tokio::test]
    async fn a_meetup_goes_with_its_rsvps_and_deliveries_once_it_ended_long_enough_ago() {
        let store = Store::open_in_memory().await.unwrap();
        meetup(&store, 1, "NULL", CUT - 1).await;
        meetup(&store, 2, "NULL", CUT + 1).await;
        // A report to an organizer sent long ago, and one still waiting.
        exec(
            &store,
            "INSERT INTO outbox (idempotency_key, platform, user_id, display_name, kind, due_at, \
             next_attempt_at, created_at, status, sent_at) VALUES \
             ('stale:1:1', 'console', 'org', 'Org', 'stale_report', 0, 0, 0, 'sent', 10), \
             ('stale:2:1', 'console', 'org', 'Org', 'stale_report', 0, 0, 0, 'pending', NULL)",
        )
        .await;

        assert_eq!(store.delete_meetups_ended_before(CUT).await.unwrap(), 1);

        assert_eq!(
            count(&store, "SELECT count(*) FROM meetups WHERE id = 1").await,
            0
        );
        assert_eq!(
            rows_of(&store, 1).await,
            0,
            "RSVPs, posts, shares, deliveries"
        );
        assert_eq!(
            count(&store, "SELECT count(*) FROM meetups WHERE id = 2").await,
            1
        );
        assert_eq!(rows_of(&store, 2).await, 4);
        assert_eq!(
            count(
                &store,
                "SELECT count(*) FROM outbox WHERE kind = 'stale_report'"
            )
            .await,
            1,
            "the waiting report stays"
        );
        assert_eq!(store.delete_meetups_ended_before(CUT).await.unwrap(), 0);
    }

    #[tokio::test]
    async fn each_occurrence_of_a_series_goes_by_its_own_end_and_the_series_keeps_a_model() {
        let store = Store::open_in_memory().await.unwrap();
        // 1: a running series with a newer occurrence; 2: a running series with none yet;
        // 3: a series that is over.
        exec(
            &store,
            "INSERT INTO meetup_series (id, repeat, first_local, next_starts_at, created_at) \
             VALUES (1, 'weekly', '2026-01-05T18:00', 999999999, 0), \
                    (2, 'monthly', '2026-01-05T18:00', 999999999, 0), \
                    (3, 'weekly', '2026-01-05T18:00', NULL, 0)",
        )
        .await;
        meetup(&store, 10, "1", CUT - 2).await;
        meetup(&store, 11, "1", CUT + 5).await;
        meetup(&store, 20, "2", CUT - 2).await;
        meetup(&store, 30, "3", CUT - 2).await;
        exec(
            &store,
            "UPDATE meetup_series SET template = id * 10; UPDATE meetups SET title = 'Renamed' \
             WHERE id = 11",
        )
        .await;

        assert_eq!(store.delete_meetups_ended_before(CUT).await.unwrap(), 2);

        let ids: Vec<i64> = sqlx::query_scalar("SELECT id FROM meetups ORDER BY id")
            .fetch_all(&store.pool)
            .await
            .unwrap();
        assert_eq!(ids, [11, 20]);
        let series = store.series(1).await.unwrap().unwrap();
        assert_eq!(
            series.template,
            Some(11),
            "copies from the newest occurrence"
        );
        assert_eq!(rows_of(&store, 11).await, 4);
        assert_eq!(
            rows_of(&store, 20).await,
            0,
            "a running series' only meetup stays as its model, without who answered"
        );
        assert!(
            store.series(3).await.unwrap().is_none(),
            "an ended series goes"
        );
    }
}
