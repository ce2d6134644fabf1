//! Everything stored about one member: to show it to them (`/mydata`) and to delete it
//! (`/forgetme`). Each table that holds anything about a member is named here, once.

use serde_json::{Map, Value};
use sqlx::{Column, Row, TypeInfo, ValueRef};

use super::{Result, Store};
use crate::domain::identity::UserId;
use crate::domain::my_data::MeetupBrief;

/// Tables with rows about a member, and the columns that say whose row it is.
/// `tests/e2e` checks that every table with such columns is listed here.
pub const MEMBER_TABLES: &[(&str, &str, &str)] = &[
    ("member_profiles", "platform", "user_id"),
    ("checkin_schedules", "platform", "user_id"),
    ("checkin_answers", "platform", "user_id"),
    ("checkin_optins", "platform", "user_id"),
    ("outbox", "platform", "user_id"),
    ("checkin_prompts", "platform", "user_id"),
    ("checkin_skips", "platform", "user_id"),
    ("suggestions", "platform", "user_id"),
    ("group_reports", "platform", "user_id"),
    ("rsvps", "platform", "user_id"),
    ("meetup_reminder_optouts", "platform", "user_id"),
    ("meetup_subscriptions", "platform", "user_id"),
    ("matrix_direct_chats", "platform", "user_id"),
];

impl Store {
    /// Every row about the member, table by table, as JSON values. Encrypted notes are
    /// returned as they are stored; the caller decrypts what it can.
    pub async fn member_rows(
        &self,
        user: &UserId,
    ) -> Result<Vec<(String, Vec<Map<String, Value>>)>> {
        let mut out = Vec::new();
        for (table, platform_col, user_col) in MEMBER_TABLES {
            // Table and column names come from the constant above, never from input.
            let sql = format!("SELECT * FROM {table} WHERE {platform_col} = ? AND {user_col} = ?");
            let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(user.platform.code())
                .bind(&user.id)
                .fetch_all(&self.pool)
                .await?;
            let mut list = Vec::with_capacity(rows.len());
            for row in &rows {
                let mut map = Map::new();
                for (i, column) in row.columns().iter().enumerate() {
                    let raw = row.try_get_raw(i)?;
                    let value = if raw.is_null() {
                        Value::Null
                    } else {
                        match raw.type_info().name() {
                            "INTEGER" => Value::from(row.try_get::<i64, _>(i)?),
                            "REAL" => Value::from(row.try_get::<f64, _>(i)?),
                            "BLOB" => Value::from(row.try_get::<Vec<u8>, _>(i)?),
                            _ => Value::from(row.try_get::<String, _>(i)?),
                        }
                    };
                    map.insert(column.name().to_owned(), value);
                }
                list.push(map);
            }
            out.push(((*table).to_owned(), list));
        }
        let decided: Vec<i64> =
            sqlx::query_scalar("SELECT id FROM suggestions WHERE decided_by = ? ORDER BY id")
                .bind(user.to_string())
                .fetch_all(&self.pool)
                .await?;
        let decided = decided
            .into_iter()
            .map(|id| {
                let mut m = Map::new();
                m.insert("suggestion_id".into(), Value::from(id));
                m
            })
            .collect();
        out.push(("suggestions_you_decided".to_owned(), decided));
        let resolved: Vec<i64> =
            sqlx::query_scalar("SELECT id FROM group_reports WHERE resolved_by = ? ORDER BY id")
                .bind(user.to_string())
                .fetch_all(&self.pool)
                .await?;
        let resolved = resolved
            .into_iter()
            .map(|id| {
                let mut m = Map::new();
                m.insert("report_id".into(), Value::from(id));
                m
            })
            .collect();
        out.push(("reports_you_resolved".to_owned(), resolved));
        Ok(out)
    }

    /// Meetups the member organised, oldest first, for `/mydata`.
    pub async fn meetups_organised_by(&self, user: &UserId) -> Result<Vec<MeetupBrief>> {
        let rows: Vec<(i64, String, i64, String)> = sqlx::query_as(
            "SELECT id, title, starts_at, status FROM meetups \
             WHERE organizer_platform = ? AND organizer_id = ? ORDER BY starts_at, id",
        )
        .bind(user.platform.code())
        .bind(&user.id)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|(id, title, starts_at, status)| MeetupBrief {
                id,
                title,
                starts_at,
                status,
                rsvp: None,
            })
            .collect())
    }

    /// Meetups the member answered (taken-back answers left out), oldest first, for `/mydata`.
    pub async fn meetups_answered_by(&self, user: &UserId) -> Result<Vec<MeetupBrief>> {
        let rows: Vec<(i64, String, i64, String, String)> = sqlx::query_as(
            "SELECT m.id, m.title, m.starts_at, m.status, r.status FROM rsvps AS r \
             JOIN meetups AS m ON m.id = r.meetup_id \
             WHERE r.platform = ? AND r.user_id = ? AND r.status != 'none' \
             ORDER BY m.starts_at, m.id",
        )
        .bind(user.platform.code())
        .bind(&user.id)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|(id, title, starts_at, status, rsvp)| MeetupBrief {
                id,
                title,
                starts_at,
                status,
                rsvp: Some(rsvp),
            })
            .collect())
    }

    /// Deletes every row about the member, in every table, in one transaction.
    /// Returns how many rows went.
    pub async fn forget_member(&self, user: &UserId) -> Result<u64> {
        self.forget_profile(user);
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        let mut deleted = 0;
        for (table, platform_col, user_col) in MEMBER_TABLES {
            let sql = format!("DELETE FROM {table} WHERE {platform_col} = ? AND {user_col} = ?");
            deleted += sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(user.platform.code())
                .bind(&user.id)
                .execute(&mut *tx)
                .await?
                .rows_affected();
        }
        // Meetups the member organised stay for those who RSVP'd, without naming them.
        deleted += sqlx::query(
            "UPDATE meetups SET organizer_id = '', organizer_name = 'a former member' \
             WHERE organizer_platform = ? AND organizer_id = ?",
        )
        .bind(user.platform.code())
        .bind(&user.id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        // An admin's decisions on suggestions keep the decision, not who made it.
        deleted += sqlx::query("UPDATE suggestions SET decided_by = NULL WHERE decided_by = ?")
            .bind(user.to_string())
            .execute(&mut *tx)
            .await?
            .rows_affected();
        // A moderator's resolutions of reports keep the outcome, not who resolved them.
        deleted += sqlx::query("UPDATE group_reports SET resolved_by = NULL WHERE resolved_by = ?")
            .bind(user.to_string())
            .execute(&mut *tx)
            .await?
            .rows_affected();
        tx.commit().await?;
        self.scrub_wal().await?;
        Ok(deleted)
    }

    /// Copies the write-ahead log into the database and empties it, so deleted rows (already
    /// overwritten in the database by `secure_delete`) do not linger in the `-wal` file.
    pub async fn scrub_wal(&self) -> Result<()> {
        sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Columns of a table (tests use it to find every table that could hold member rows).
    pub async fn table_columns(&self, table: &str) -> Result<Vec<String>> {
        Ok(sqlx::query_scalar("SELECT name FROM pragma_table_info(?)")
            .bind(table)
            .fetch_all(&self.pool)
            .await?)
    }

    /// Rows in `table` whose `platform`/`user_id` columns name the member (tests).
    pub async fn count_member_rows(&self, table: &str, user: &UserId) -> Result<i64> {
        let known = MEMBER_TABLES.iter().find(|(t, _, _)| *t == table);
        let (platform_col, user_col) = match known {
            Some((_, p, u)) => (*p, *u),
            None => ("platform", "user_id"),
        };
        // Only ever called with table names read from sqlite_master.
        let sql = format!(
            "SELECT count(*) FROM \"{}\" WHERE {platform_col} = ? AND {user_col} = ?",
            table.replace('"', "\"\"")
        );
        Ok(sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
            .bind(user.platform.code())
            .bind(&user.id)
            .fetch_one(&self.pool)
            .await?)
    }
}
