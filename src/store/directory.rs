//! Directory entries, their filter tables and the full-text index.

use chrono::NaiveDate;
use sqlx::{QueryBuilder, Row, Sqlite, SqliteConnection};

use super::{Result, Store, StoreError, now_rfc3339};
use crate::domain::directory::Entry;
use crate::domain::search::{Region, SearchQuery};
use crate::domain::vocab::{Format, Kind, Specialty, State, Vocab, from_code};

/// One search result: what a result line shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupSummary {
    pub key: String,
    pub name: String,
    pub kind: Kind,
    pub format: Format,
    pub states: Vec<State>,
    pub city: Option<String>,
    pub description: String,
    pub url: Option<String>,
    pub verified: bool,
}

/// One page of search results and how many there are in all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchPage {
    pub total: u64,
    pub hits: Vec<GroupSummary>,
}

/// What an import did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ImportOutcome {
    pub added: usize,
    pub updated: usize,
    pub unchanged: usize,
}

/// `SELECT` of every column of an entry, for `concat!` (sqlx wants static SQL strings).
macro_rules! select_entry {
    () => {
        "SELECT g.id, g.key, g.name, g.kind, g.credentials, g.city, g.format, g.cost, \
    g.facilitation, g.schedule, g.url, g.contact, g.description, g.tags, g.source, g.verified, \
    g.last_verified, \
    (SELECT group_concat(specialty, ';') FROM group_specialties WHERE group_id = g.id) AS specialties, \
    (SELECT group_concat(state, ';') FROM group_states WHERE group_id = g.id) AS states \
    FROM groups g "
    };
}

impl Store {
    /// One entry by key.
    pub async fn group(&self, key: &str) -> Result<Option<Entry>> {
        let sql = concat!(select_entry!(), "WHERE g.key = ?");
        let row = sqlx::query(sql)
            .bind(key)
            .fetch_optional(&self.pool)
            .await?;
        row.map(|r| entry_from_row(&r)).transpose()
    }

    /// Every entry, by key (for export).
    pub async fn all_groups(&self) -> Result<Vec<Entry>> {
        let sql = concat!(select_entry!(), "ORDER BY g.key");
        let rows = sqlx::query(sql).fetch_all(&self.pool).await?;
        rows.iter().map(entry_from_row).collect()
    }

    /// How many entries there are.
    pub async fn group_count(&self) -> Result<u64> {
        let n: i64 = sqlx::query_scalar("SELECT count(*) FROM groups")
            .fetch_one(&self.pool)
            .await?;
        Ok(n as u64)
    }

    /// Adds a new entry. `Ok(false)`: an entry with that key exists; nothing changed.
    pub async fn add_group(&self, entry: &Entry) -> Result<bool> {
        let mut tx = self.pool.begin().await?;
        if key_exists(&mut tx, &entry.key).await? {
            return Ok(false);
        }
        write_entry(&mut tx, entry, None).await?;
        tx.commit().await?;
        Ok(true)
    }

    /// Replaces an entry, found by `key` (the entry may carry a new key).
    /// `Ok(false)`: no entry has `key`, or the new key is taken; nothing changed.
    pub async fn replace_group(&self, key: &str, entry: &Entry) -> Result<bool> {
        let mut tx = self.pool.begin().await?;
        let id: Option<i64> = sqlx::query_scalar("SELECT id FROM groups WHERE key = ?")
            .bind(key)
            .fetch_optional(&mut *tx)
            .await?;
        let Some(id) = id else { return Ok(false) };
        if entry.key != key && key_exists(&mut tx, &entry.key).await? {
            return Ok(false);
        }
        write_entry(&mut tx, entry, Some(id)).await?;
        tx.commit().await?;
        Ok(true)
    }

    /// Removes an entry. `Ok(false)`: there was none with that key.
    pub async fn remove_group(&self, key: &str) -> Result<bool> {
        let mut tx = self.pool.begin().await?;
        let id: Option<i64> = sqlx::query_scalar("DELETE FROM groups WHERE key = ? RETURNING id")
            .bind(key)
            .fetch_optional(&mut *tx)
            .await?;
        if let Some(id) = id {
            sqlx::query("DELETE FROM group_search WHERE rowid = ?")
                .bind(id)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(id.is_some())
    }

    /// Adds or updates every entry, matched by key, in one transaction: all or nothing.
    pub async fn import_groups(&self, entries: &[Entry]) -> Result<ImportOutcome> {
        let mut outcome = ImportOutcome::default();
        let mut tx = self.pool.begin().await?;
        for entry in entries {
            let sql = concat!(select_entry!(), "WHERE g.key = ?");
            let existing = sqlx::query(sql)
                .bind(&entry.key)
                .fetch_optional(&mut *tx)
                .await?;
            match existing {
                None => {
                    write_entry(&mut tx, entry, None).await?;
                    outcome.added += 1;
                }
                Some(row) => {
                    if entry_from_row(&row)? == *entry {
                        outcome.unchanged += 1;
                    } else {
                        write_entry(&mut tx, entry, Some(row.try_get("id")?)).await?;
                        outcome.updated += 1;
                    }
                }
            }
        }
        tx.commit().await?;
        Ok(outcome)
    }

    /// One page of results for a query, best first.
    pub async fn search_groups(
        &self,
        q: &SearchQuery,
        limit: u32,
        offset: u32,
    ) -> Result<SearchPage> {
        // bm25() cannot sit beside a window function, so the ranking happens in an inner query
        // and the outer one counts, orders and cuts the page.
        let mut sql = QueryBuilder::<Sqlite>::new(
            "SELECT m.key, m.name, m.kind, m.format, m.city, m.description, m.url, m.verified, \
             (SELECT group_concat(state, ';') FROM group_states WHERE group_id = m.id) AS states, \
             count(*) OVER () AS total \
             FROM (SELECT g.id, g.key, g.name, g.kind, g.format, g.city, g.description, g.url, \
             g.verified, ",
        );
        if q.terms.is_empty() {
            sql.push("0.0 AS score, ");
        } else {
            // Name matches weigh most, then the description, then keywords.
            sql.push("bm25(group_search, 10.0, 3.0, 1.0) AS score, ");
        }
        match q.specialty {
            // Entries for this specialty before those that serve every specialty.
            Some(s) => sql
                .push("g.id IN (SELECT group_id FROM group_specialties WHERE specialty = ")
                .push_bind(s.code())
                .push(") AS specific "),
            None => sql.push("0 AS specific "),
        };
        push_from_where(&mut sql, q);
        sql.push(") AS m ORDER BY m.score, m.specific DESC, m.verified DESC, m.name LIMIT ")
            .push_bind(i64::from(limit))
            .push(" OFFSET ")
            .push_bind(i64::from(offset));
        let rows = sql.build().fetch_all(&self.pool).await?;
        let mut total = 0;
        let mut hits = Vec::with_capacity(rows.len());
        for row in &rows {
            total = row.try_get::<i64, _>("total")? as u64;
            hits.push(GroupSummary {
                key: row.try_get("key")?,
                name: row.try_get("name")?,
                kind: code(row.try_get("kind")?)?,
                format: code(row.try_get("format")?)?,
                states: codes(row.try_get("states")?)?,
                city: row.try_get("city")?,
                description: row.try_get("description")?,
                url: row.try_get("url")?,
                verified: row.try_get("verified")?,
            });
        }
        if rows.is_empty() && offset > 0 {
            total = self.count_groups(q).await?;
        }
        Ok(SearchPage { total, hits })
    }

    /// How many entries a query matches.
    pub async fn count_groups(&self, q: &SearchQuery) -> Result<u64> {
        let mut sql = QueryBuilder::<Sqlite>::new("SELECT count(*) ");
        push_from_where(&mut sql, q);
        let n: i64 = sql.build_query_scalar().fetch_one(&self.pool).await?;
        Ok(n as u64)
    }
}

fn push_from_where(sql: &mut QueryBuilder<Sqlite>, q: &SearchQuery) {
    sql.push("FROM groups g ");
    if !q.terms.is_empty() {
        sql.push("JOIN group_search ON group_search.rowid = g.id ");
    }
    sql.push("WHERE 1 = 1");
    if !q.terms.is_empty() {
        sql.push(" AND group_search MATCH ")
            .push_bind(fts_query(&q.terms));
    }
    if let Some(s) = q.specialty {
        sql.push(" AND g.id IN (SELECT group_id FROM group_specialties WHERE specialty IN (")
            .push_bind(s.code())
            .push(", 'all'))");
    }
    match q.region {
        Some(Region::State(s)) => {
            sql.push(" AND g.id IN (SELECT group_id FROM group_states WHERE state = ")
                .push_bind(s.code())
                .push(")");
        }
        Some(Region::National) => {
            sql.push(" AND g.id NOT IN (SELECT group_id FROM group_states)");
        }
        None => {}
    }
    if let Some(f) = q.format {
        sql.push(" AND g.format IN (");
        let mut list = sql.separated(", ");
        for g in Format::ALL.iter().filter(|g| g.suits(f)) {
            list.push_bind(g.code());
        }
        list.push_unseparated(")");
    }
    if let Some(k) = q.kind {
        sql.push(" AND g.kind = ").push_bind(k.code());
    }
    if let Some(c) = q.cost {
        sql.push(" AND g.cost = ").push_bind(c.code());
    }
}

/// An FTS5 query: any of the terms, each also as a prefix ("histo" finds "histotechnology").
/// Terms are letters and digits only (see `SearchQuery::terms_of`); quoting keeps FTS5 syntax out.
fn fts_query(terms: &[String]) -> String {
    terms
        .iter()
        .map(|t| format!("\"{}\"*", t.replace('"', "\"\"")))
        .collect::<Vec<_>>()
        .join(" OR ")
}

pub(super) async fn key_exists(conn: &mut SqliteConnection, key: &str) -> Result<bool> {
    let found: Option<i64> = sqlx::query_scalar("SELECT 1 FROM groups WHERE key = ?")
        .bind(key)
        .fetch_optional(&mut *conn)
        .await?;
    Ok(found.is_some())
}

/// Inserts (id = None) or overwrites (id = Some) an entry, its filter rows and its index row.
pub(super) async fn write_entry(
    conn: &mut SqliteConnection,
    e: &Entry,
    id: Option<i64>,
) -> Result<()> {
    let now = now_rfc3339();
    let last_verified = e.last_verified.map(|d| d.format("%Y-%m-%d").to_string());
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO groups (id, key, name, kind, credentials, city, format, cost, facilitation, \
            schedule, url, contact, description, tags, source, verified, last_verified, \
            created_at, updated_at) \
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) \
         ON CONFLICT (id) DO UPDATE SET key = excluded.key, name = excluded.name, \
            kind = excluded.kind, credentials = excluded.credentials, city = excluded.city, \
            format = excluded.format, cost = excluded.cost, facilitation = excluded.facilitation, \
            schedule = excluded.schedule, url = excluded.url, contact = excluded.contact, \
            description = excluded.description, tags = excluded.tags, source = excluded.source, \
            verified = excluded.verified, last_verified = excluded.last_verified, \
            updated_at = excluded.updated_at \
         RETURNING id",
    )
    .bind(id)
    .bind(&e.key)
    .bind(&e.name)
    .bind(e.kind.code())
    .bind(e.credentials.join(";"))
    .bind(&e.city)
    .bind(e.format.code())
    .bind(e.cost.code())
    .bind(e.facilitation.code())
    .bind(&e.schedule)
    .bind(&e.url)
    .bind(&e.contact)
    .bind(&e.description)
    .bind(e.tags.join(";"))
    .bind(&e.source)
    .bind(e.verified)
    .bind(last_verified)
    .bind(&now)
    .bind(&now)
    .fetch_one(&mut *conn)
    .await?;
    sqlx::query("DELETE FROM group_specialties WHERE group_id = ?")
        .bind(id)
        .execute(&mut *conn)
        .await?;
    sqlx::query("DELETE FROM group_states WHERE group_id = ?")
        .bind(id)
        .execute(&mut *conn)
        .await?;
    for s in &e.specialties {
        sqlx::query("INSERT INTO group_specialties (group_id, specialty) VALUES (?, ?)")
            .bind(id)
            .bind(s.code())
            .execute(&mut *conn)
            .await?;
    }
    for s in &e.states {
        sqlx::query("INSERT INTO group_states (group_id, state) VALUES (?, ?)")
            .bind(id)
            .bind(s.code())
            .execute(&mut *conn)
            .await?;
    }
    sqlx::query("DELETE FROM group_search WHERE rowid = ?")
        .bind(id)
        .execute(&mut *conn)
        .await?;
    sqlx::query(
        "INSERT INTO group_search (rowid, name, description, keywords) VALUES (?, ?, ?, ?)",
    )
    .bind(id)
    .bind(&e.name)
    .bind(&e.description)
    .bind(e.search_keywords())
    .execute(&mut *conn)
    .await?;
    Ok(())
}

fn entry_from_row(row: &sqlx::sqlite::SqliteRow) -> Result<Entry> {
    let list = |name: &str| -> Result<Vec<String>> {
        let text: String = row.try_get(name)?;
        Ok(text
            .split(';')
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect())
    };
    let last_verified: Option<String> = row.try_get("last_verified")?;
    let last_verified = last_verified
        .map(|d| {
            NaiveDate::parse_from_str(&d, "%Y-%m-%d")
                .map_err(|_| StoreError::Corrupt(format!("bad date {d}")))
        })
        .transpose()?;
    let mut specialties: Vec<Specialty> = codes(row.try_get("specialties")?)?;
    specialties.sort();
    let mut states: Vec<State> = codes(row.try_get("states")?)?;
    states.sort();
    Ok(Entry {
        key: row.try_get("key")?,
        name: row.try_get("name")?,
        kind: code(row.try_get("kind")?)?,
        specialties,
        credentials: list("credentials")?,
        states,
        city: row.try_get("city")?,
        format: code(row.try_get("format")?)?,
        cost: code(row.try_get("cost")?)?,
        facilitation: code(row.try_get("facilitation")?)?,
        schedule: row.try_get("schedule")?,
        url: row.try_get("url")?,
        contact: row.try_get("contact")?,
        description: row.try_get("description")?,
        tags: list("tags")?,
        source: row.try_get("source")?,
        verified: row.try_get("verified")?,
        last_verified,
    })
}

fn code<V: Vocab>(text: String) -> Result<V> {
    from_code(&text).ok_or_else(|| StoreError::Corrupt(format!("unknown {} code {text}", V::WHAT)))
}

fn codes<V: Vocab>(text: Option<String>) -> Result<Vec<V>> {
    text.unwrap_or_default()
        .split(';')
        .filter(|s| !s.is_empty())
        .map(|s| code(s.to_owned()))
        .collect()
}
