//! Everything stored about one member: to show it to them (`/mydata`) and to delete it
//! (`/forgetme`). Each table that holds anything about a member is named here, once.

use serde_json::{Map, Value};
use sqlx::{Column, Row, TypeInfo, ValueRef};

use super::{Result, Store};
use crate::domain::identity::UserId;
use crate::domain::my_data::MeetupBrief;

/// Tables with rows about a member, and the columns that say whose row it is.
/// With [`NAMED_IN`], every column that can name a member (a test reads the schema).
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
    ("event_subscriptions", "platform", "user_id"),
    ("matrix_direct_chats", "platform", "user_id"),
    ("pairing_members", "platform", "user_id"),
    ("pairing_seats", "platform", "user_id"),
    ("tip_votes", "platform", "user_id"),
    ("tip_saves", "platform", "user_id"),
    ("tip_reports", "platform", "user_id"),
    ("tip_shown", "platform", "user_id"),
    ("tip_checkin_optouts", "platform", "user_id"),
];

/// A column outside [`MEMBER_TABLES`] that names a member in rows that are not only theirs.
#[derive(Debug, Clone, Copy)]
pub struct NamedIn {
    /// The table.
    pub table: &'static str,
    /// The column with the member's platform; `None` when `id` holds `platform:id`.
    pub platform: Option<&'static str>,
    /// The column with the member's id.
    pub id: &'static str,
    /// What `/mydata` shows of such a row.
    pub select: &'static str,
    /// The `/mydata` export's section for them.
    pub section: &'static str,
    /// What `/forgetme` sets, so the row stays without naming the member.
    pub forget: &'static str,
}

impl NamedIn {
    /// `prefix` with this column's condition for `user`, and the values to bind.
    fn query(&self, prefix: &str, user: &UserId) -> (String, Vec<String>) {
        match self.platform {
            Some(platform) => (
                format!("{prefix} WHERE {platform} = ? AND {} = ?", self.id),
                vec![user.platform.code().to_owned(), user.id.clone()],
            ),
            None => (
                format!("{prefix} WHERE {} = ?", self.id),
                vec![user.to_string()],
            ),
        }
    }

    /// Every column this entry reads or rewrites.
    #[cfg(test)]
    fn columns(&self) -> Vec<&'static str> {
        let mut columns: Vec<&str> = self.platform.into_iter().chain([self.id]).collect();
        columns.extend(
            self.forget
                .split(',')
                .filter_map(|set| set.split('=').next())
                .map(str::trim),
        );
        columns
    }
}

/// Columns that name a member in rows shared with others: shown by `/mydata`, and emptied (not
/// deleted) by `/forgetme`. With [`MEMBER_TABLES`], every column of the schema that can name a
/// member (a test reads the schema and checks it).
pub const NAMED_IN: &[NamedIn] = &[
    // Meetups the member organised stay for those who RSVP'd, without naming them.
    NamedIn {
        table: "meetups",
        platform: Some("organizer_platform"),
        id: "organizer_id",
        select: "id AS meetup_id, title, starts_at, ends_at, timezone, location, state, \
                 capacity, link, description, status, cancel_reason, created_at, updated_at",
        section: "meetups_you_organised",
        forget: "organizer_id = '', organizer_name = 'a former member'",
    },
    // A moderator's decisions on suggestions keep the decision, not who made it.
    NamedIn {
        table: "suggestions",
        platform: None,
        id: "decided_by",
        select: "id AS suggestion_id, status, decided_at",
        section: "suggestions_you_decided",
        forget: "decided_by = NULL",
    },
    // A moderator's resolutions of reports on entries keep the outcome, not who resolved them.
    NamedIn {
        table: "group_reports",
        platform: None,
        id: "resolved_by",
        select: "id AS report_id, group_key, status, resolved_at",
        section: "reports_you_resolved",
        forget: "resolved_by = NULL",
    },
    // Tips the member wrote stay for others without their name, unless they chose at
    // /forgetme to delete them (the bot deletes those first).
    NamedIn {
        table: "tips",
        platform: Some("author_platform"),
        id: "author_id",
        select: "id AS tip_id, topic, text, status, helpful, created_at",
        section: "tips_you_wrote",
        forget: "author_platform = '', author_id = '', author_name = ''",
    },
    // A moderator's decisions on tips keep the decision, not who made it.
    NamedIn {
        table: "tips",
        platform: None,
        id: "decided_by",
        select: "id AS tip_id, status, decided_at",
        section: "tips_you_decided",
        forget: "decided_by = NULL",
    },
];

/// One row as JSON values, column by column.
fn row_map(row: &sqlx::sqlite::SqliteRow) -> Result<Map<String, Value>> {
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
    Ok(map)
}

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
            let list = rows.iter().map(row_map).collect::<Result<Vec<_>>>()?;
            out.push(((*table).to_owned(), list));
        }
        for named in NAMED_IN {
            let (sql, bind) = named.query(
                &format!("SELECT {} FROM {}", named.select, named.table),
                user,
            );
            let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
            for value in bind {
                query = query.bind(value);
            }
            let rows = query.fetch_all(&self.pool).await?;
            let list = rows.iter().map(row_map).collect::<Result<Vec<_>>>()?;
            out.push((named.section.to_owned(), list));
        }
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
        // Rows that name the member but belong to others too keep the row, not the name.
        for named in NAMED_IN {
            let (sql, bind) = named.query(
                &format!("UPDATE {} SET {}", named.table, named.forget),
                user,
            );
            let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
            for value in bind {
                query = query.bind(value);
            }
            deleted += query.execute(&mut *tx).await?.rows_affected();
        }
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

#[cfg(test)]
mod tests;
