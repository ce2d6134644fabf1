//! Directory entries and their search. Every write keeps the entry's full-text search row
//! (`group_search`, FTS5) in step in the same transaction, so every process searches the
//! directory as it is now.

use std::collections::HashMap;
use std::sync::atomic::Ordering;

use chrono::NaiveDate;
use sqlx::query_builder::Separated;
use sqlx::{QueryBuilder, Row, Sqlite, SqliteConnection, SqlitePool};

use super::{Result, Store, StoreError, now_rfc3339};
use crate::domain::directory::Entry;
use crate::domain::search::{Region, SearchQuery};
use crate::domain::vocab::{Format, Specialty, Vocab, from_code};

/// What an import did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ImportOutcome {
    pub added: usize,
    pub updated: usize,
    pub unchanged: usize,
}

/// Rows per multi-row `INSERT` on import (19 values each, well under SQLite's 32,766).
const IMPORT_BATCH: usize = 500;

/// Raise when what a search row holds changes (`Entry::search_keywords`, the vocabulary's
/// labels and synonyms): opening a database whose rows are older rewrites them all.
const SEARCH_TEXT_VERSION: &str = "1";

/// One page of search results.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct GroupPage {
    /// How many entries match in all.
    pub total: u64,
    /// The entries on the page, best first.
    pub entries: Vec<Entry>,
}

impl Store {
    /// One entry by key.
    pub async fn group(&self, key: &str) -> Result<Option<Entry>> {
        let row = sqlx::query(
            "SELECT id, key, name, kind, specialties, credentials, states, city, format, cost, \
             facilitation, schedule, url, contact, description, tags, source, verified, \
             last_verified FROM groups WHERE key = ?",
        )
        .bind(key)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|r| entry_from_row(&r)).transpose()
    }

    /// Every entry, by key (for export and for building the search index).
    pub async fn all_groups(&self) -> Result<Vec<Entry>> {
        let rows = sqlx::query(
            "SELECT id, key, name, kind, specialties, credentials, states, city, format, cost, \
             facilitation, schedule, url, contact, description, tags, source, verified, \
             last_verified FROM groups ORDER BY key",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(entry_from_row).collect()
    }

    /// How many entries there are.
    pub async fn group_count(&self) -> Result<u64> {
        let n: i64 = sqlx::query_scalar("SELECT count(*) FROM groups")
            .fetch_one(&self.pool)
            .await?;
        Ok(n as u64)
    }

    /// One page of the entries a query matches, best first, and how many match in all.
    ///
    /// Free text ranks by FTS5's BM25 (name weighs 10, description 3, keywords 1); every word
    /// is also a prefix ("histo" finds "histotechnology") and any one of them is enough. Then,
    /// and for filters alone: entries for the asked specialty itself before those for every
    /// specialty, verified before unverified, by name.
    pub async fn search_groups(
        &self,
        q: &SearchQuery,
        offset: u32,
        limit: u32,
    ) -> Result<GroupPage> {
        // The inner query ranks and cuts the page from narrow rows; only the page's entries
        // are read whole.
        let mut sql = QueryBuilder::<Sqlite>::new("SELECT g.* FROM (SELECT g.id, ");
        if q.terms.is_empty() {
            sql.push("0.0 AS score, ");
        } else {
            sql.push("bm25(group_search, 10.0, 3.0, 1.0) AS score, ");
        }
        match q.specialty {
            Some(s) => sql
                .push("instr(';' || g.specialties || ';', ")
                .push_bind(format!(";{};", s.code()))
                .push(") > 0 AS specific, "),
            None => sql.push("0 AS specific, "),
        };
        sql.push("g.verified, g.name, g.key ");
        push_from_where(&mut sql, q);
        sql.push(" ORDER BY score, specific DESC, g.verified DESC, g.name, g.key LIMIT ")
            .push_bind(i64::from(limit))
            .push(" OFFSET ")
            .push_bind(i64::from(offset))
            .push(
                ") AS hit CROSS JOIN groups g ON g.id = hit.id \
                 ORDER BY hit.score, hit.specific DESC, hit.verified DESC, hit.name, hit.key",
            );
        let rows = sql.build().fetch_all(&self.pool).await?;
        let entries = rows
            .iter()
            .map(entry_from_row)
            .collect::<Result<Vec<_>>>()?;
        // A short page is the last one: the count is known without counting.
        let total = if entries.len() < limit as usize && (offset == 0 || !entries.is_empty()) {
            u64::from(offset) + entries.len() as u64
        } else {
            self.count_groups(q).await?
        };
        Ok(GroupPage { total, entries })
    }

    /// How many entries a query matches.
    pub async fn count_groups(&self, q: &SearchQuery) -> Result<u64> {
        let mut sql = QueryBuilder::<Sqlite>::new("SELECT count(*) ");
        push_from_where(&mut sql, q);
        let n: i64 = sql.build_query_scalar().fetch_one(&self.pool).await?;
        Ok(n as u64)
    }

    /// The directory's version: raised by every write, from any process.
    pub async fn directory_version(&self) -> Result<i64> {
        let v: Option<String> =
            sqlx::query_scalar("SELECT value FROM meta WHERE name = 'directory_version'")
                .fetch_optional(&self.pool)
                .await?;
        Ok(v.and_then(|v| v.parse().ok()).unwrap_or(0))
    }

    /// Writes to the directory made through this handle (and its clones) since it opened.
    /// Lets a search index notice this process's own writes without asking the database.
    pub fn local_directory_writes(&self) -> u64 {
        self.directory_writes.load(Ordering::Acquire)
    }

    /// Adds a new entry. `Ok(false)`: an entry with that key exists; nothing changed.
    pub async fn add_group(&self, entry: &Entry) -> Result<bool> {
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        if key_exists(&mut tx, &entry.key).await? {
            return Ok(false);
        }
        write_entry(&mut tx, entry, None).await?;
        tx.commit().await?;
        self.directory_changed();
        Ok(true)
    }

    /// Replaces an entry, found by `key` (the entry may carry a new key).
    /// `Ok(false)`: no entry has `key`, or the new key is taken; nothing changed.
    pub async fn replace_group(&self, key: &str, entry: &Entry) -> Result<bool> {
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
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
        self.directory_changed();
        Ok(true)
    }

    /// Removes an entry. `Ok(false)`: there was none with that key.
    pub async fn remove_group(&self, key: &str) -> Result<bool> {
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        let removed = sqlx::query("DELETE FROM groups WHERE key = ?")
            .bind(key)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if removed == 0 {
            return Ok(false);
        }
        bump_version(&mut tx).await?;
        tx.commit().await?;
        self.directory_changed();
        Ok(true)
    }

    /// Adds or updates every entry, matched by key, in one transaction: all or nothing.
    pub async fn import_groups(&self, entries: &[Entry]) -> Result<ImportOutcome> {
        let mut outcome = ImportOutcome::default();
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        let rows = sqlx::query(
            "SELECT id, key, name, kind, specialties, credentials, states, city, format, cost, \
             facilitation, schedule, url, contact, description, tags, source, verified, \
             last_verified FROM groups",
        )
        .fetch_all(&mut *tx)
        .await?;
        let mut existing: HashMap<String, (i64, Entry)> = HashMap::with_capacity(rows.len());
        for row in &rows {
            let entry = entry_from_row(row)?;
            existing.insert(entry.key.clone(), (row.try_get("id")?, entry));
        }
        let mut new = Vec::new();
        for entry in entries {
            match existing.get(&entry.key) {
                None => new.push(entry),
                Some((_, old)) if old == entry => outcome.unchanged += 1,
                Some((id, _)) => {
                    write_entry(&mut tx, entry, Some(*id)).await?;
                    outcome.updated += 1;
                }
            }
        }
        let now = now_rfc3339();
        for batch in new.chunks(IMPORT_BATCH) {
            let mut sql = QueryBuilder::<Sqlite>::new(concat!(
                "INSERT INTO groups (",
                group_columns!(),
                ") "
            ));
            sql.push_values(batch, |mut row, e| push_entry(&mut row, e, &now));
            sql.push(" RETURNING id, key");
            let written = sql.build().fetch_all(&mut *tx).await?;
            let by_key: HashMap<&str, &Entry> =
                batch.iter().map(|e| (e.key.as_str(), *e)).collect();
            let mut rows = Vec::with_capacity(written.len());
            for row in &written {
                let key: String = row.try_get("key")?;
                let entry = by_key.get(key.as_str()).ok_or_else(|| {
                    StoreError::Corrupt(format!("import wrote an unknown key {key}"))
                })?;
                rows.push((row.try_get::<i64, _>("id")?, *entry));
            }
            write_search_rows(&mut tx, &rows).await?;
        }
        outcome.added = new.len();
        if outcome.added + outcome.updated > 0 {
            bump_version(&mut tx).await?;
        }
        tx.commit().await?;
        if outcome.added + outcome.updated > 0 {
            self.directory_changed();
        }
        Ok(outcome)
    }

    pub(super) fn directory_changed(&self) {
        self.directory_writes.fetch_add(1, Ordering::AcqRel);
    }
}

/// `FROM … WHERE …` of a search: driven from the full-text match when there are words
/// (`CROSS JOIN` keeps SQLite from running the match once per entry), then the filters.
fn push_from_where(sql: &mut QueryBuilder<Sqlite>, q: &SearchQuery) {
    if q.terms.is_empty() {
        sql.push("FROM groups g WHERE true");
    } else {
        sql.push(
            "FROM group_search CROSS JOIN groups g ON g.id = group_search.rowid \
             WHERE group_search MATCH ",
        )
        .push_bind(match_expression(&q.terms));
    }
    if let Some(s) = q.specialty {
        sql.push(" AND (instr(';' || g.specialties || ';', ")
            .push_bind(format!(";{};", s.code()))
            .push(") > 0 OR instr(';' || g.specialties || ';', ")
            .push_bind(format!(";{};", Specialty::All.code()))
            .push(") > 0)");
    }
    match q.region {
        Some(Region::State(s)) => {
            sql.push(" AND instr(';' || g.states || ';', ")
                .push_bind(format!(";{};", s.code()))
                .push(") > 0");
        }
        Some(Region::National) => {
            sql.push(" AND g.states = ''");
        }
        None => {}
    }
    if let Some(wanted) = q.format {
        sql.push(" AND g.format IN (");
        let mut codes = sql.separated(", ");
        for format in Format::ALL.iter().filter(|f| f.suits(wanted)) {
            codes.push_bind(format.code());
        }
        sql.push(")");
    }
    if let Some(kind) = q.kind {
        sql.push(" AND g.kind = ").push_bind(kind.code());
    }
    if let Some(cost) = q.cost {
        sql.push(" AND g.cost = ").push_bind(cost.code());
    }
}

/// The FTS5 query for a member's words: each one quoted, so that `"`, `*`, `OR`, `NEAR` or
/// `-` are only ever text, and matched as a prefix; any one word is enough.
fn match_expression(terms: &[String]) -> String {
    terms
        .iter()
        .map(|t| format!("\"{}\"*", t.replace('"', "\"\"")))
        .collect::<Vec<_>>()
        .join(" OR ")
}

/// Writes the search rows of entries just written (rowid = the entry's id), replacing any.
async fn write_search_rows(conn: &mut SqliteConnection, rows: &[(i64, &Entry)]) -> Result<()> {
    for batch in rows.chunks(IMPORT_BATCH) {
        let mut sql = QueryBuilder::<Sqlite>::new("DELETE FROM group_search WHERE rowid IN (");
        let mut ids = sql.separated(", ");
        for (id, _) in batch {
            ids.push_bind(*id);
        }
        sql.push(")");
        sql.build().execute(&mut *conn).await?;
        let mut sql = QueryBuilder::<Sqlite>::new(
            "INSERT INTO group_search (rowid, name, description, keywords) ",
        );
        sql.push_values(batch, |mut row, (id, e)| {
            row.push_bind(*id)
                .push_bind(e.name.clone())
                .push_bind(e.description.clone())
                .push_bind(e.search_keywords());
        });
        sql.build().execute(&mut *conn).await?;
    }
    Ok(())
}

/// Rewrites every search row if they were written for another [`SEARCH_TEXT_VERSION`] (or
/// never: a database from before full-text search). Runs when a database is opened.
pub(super) async fn refresh_search_rows(pool: &SqlitePool) -> Result<()> {
    let current = |version: Option<String>| version.as_deref() == Some(SEARCH_TEXT_VERSION);
    let read = "SELECT value FROM meta WHERE name = 'search_text_version'";
    if current(sqlx::query_scalar(read).fetch_optional(pool).await?) {
        return Ok(());
    }
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await?;
    // Another process may have done it meanwhile.
    if current(sqlx::query_scalar(read).fetch_optional(&mut *tx).await?) {
        return Ok(());
    }
    let rows = sqlx::query("SELECT * FROM groups")
        .fetch_all(&mut *tx)
        .await?;
    let mut entries = Vec::with_capacity(rows.len());
    for row in &rows {
        entries.push((row.try_get::<i64, _>("id")?, entry_from_row(row)?));
    }
    sqlx::query("DELETE FROM group_search")
        .execute(&mut *tx)
        .await?;
    let refs: Vec<(i64, &Entry)> = entries.iter().map(|(id, e)| (*id, e)).collect();
    write_search_rows(&mut tx, &refs).await?;
    sqlx::query(
        "INSERT INTO meta (name, value) VALUES ('search_text_version', ?) \
         ON CONFLICT (name) DO UPDATE SET value = excluded.value",
    )
    .bind(SEARCH_TEXT_VERSION)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}

async fn bump_version(conn: &mut SqliteConnection) -> Result<()> {
    sqlx::query(
        "INSERT INTO meta (name, value) VALUES ('directory_version', '1') \
         ON CONFLICT (name) DO UPDATE SET value = CAST(CAST(value AS INTEGER) + 1 AS TEXT)",
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}

pub(super) async fn key_exists(conn: &mut SqliteConnection, key: &str) -> Result<bool> {
    let found: Option<i64> = sqlx::query_scalar("SELECT 1 FROM groups WHERE key = ?")
        .bind(key)
        .fetch_optional(&mut *conn)
        .await?;
    Ok(found.is_some())
}

/// Inserts (id = None) or overwrites (id = Some) an entry with its search row, and raises the
/// directory version.
/// The caller notes the change on the store after committing.
pub(super) async fn write_entry(
    conn: &mut SqliteConnection,
    e: &Entry,
    id: Option<i64>,
) -> Result<()> {
    let now = now_rfc3339();
    let mut sql =
        QueryBuilder::<Sqlite>::new(concat!("INSERT INTO groups (id, ", group_columns!(), ") "));
    sql.push_values([e], |mut row, e| {
        row.push_bind(id);
        push_entry(&mut row, e, &now);
    });
    sql.push(
        " ON CONFLICT (id) DO UPDATE SET key = excluded.key, name = excluded.name, \
            kind = excluded.kind, specialties = excluded.specialties, \
            credentials = excluded.credentials, states = excluded.states, city = excluded.city, \
            format = excluded.format, cost = excluded.cost, facilitation = excluded.facilitation, \
            schedule = excluded.schedule, url = excluded.url, contact = excluded.contact, \
            description = excluded.description, tags = excluded.tags, source = excluded.source, \
            verified = excluded.verified, last_verified = excluded.last_verified, \
            updated_at = excluded.updated_at",
    );
    sql.push(" RETURNING id");
    let id: i64 = sql.build_query_scalar().fetch_one(&mut *conn).await?;
    write_search_rows(conn, &[(id, e)]).await?;
    bump_version(conn).await
}

/// The columns an entry is written to, in the order [`push_entry`] binds them.
macro_rules! group_columns {
    () => {
        "key, name, kind, specialties, credentials, states, city, format, cost, facilitation, \
         schedule, url, contact, description, tags, source, verified, last_verified, \
         created_at, updated_at"
    };
}
use group_columns;

/// Binds an entry's values in the order of [`group_columns`].
fn push_entry(row: &mut Separated<'_, Sqlite, &'static str>, e: &Entry, now: &str) {
    row.push_bind(e.key.clone())
        .push_bind(e.name.clone())
        .push_bind(e.kind.code())
        .push_bind(codes(&e.specialties))
        .push_bind(e.credentials.join(";"))
        .push_bind(codes(&e.states))
        .push_bind(e.city.clone())
        .push_bind(e.format.code())
        .push_bind(e.cost.code())
        .push_bind(e.facilitation.code())
        .push_bind(e.schedule.clone())
        .push_bind(e.url.clone())
        .push_bind(e.contact.clone())
        .push_bind(e.description.clone())
        .push_bind(e.tags.join(";"))
        .push_bind(e.source.clone())
        .push_bind(e.verified)
        .push_bind(date_text(e.last_verified))
        .push_bind(now.to_owned())
        .push_bind(now.to_owned());
}

fn codes<V: Vocab>(values: &[V]) -> String {
    values
        .iter()
        .map(|v| v.code())
        .collect::<Vec<_>>()
        .join(";")
}

fn date_text(date: Option<NaiveDate>) -> Option<String> {
    date.map(|d| d.format("%Y-%m-%d").to_string())
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
    Ok(Entry {
        key: row.try_get("key")?,
        name: row.try_get("name")?,
        kind: code(row.try_get("kind")?)?,
        specialties: list("specialties")?
            .into_iter()
            .map(code)
            .collect::<Result<_>>()?,
        credentials: list("credentials")?,
        states: list("states")?
            .into_iter()
            .map(code)
            .collect::<Result<_>>()?,
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::directory::tests::sample;
    use crate::domain::directory::{Field, Raw};
    use crate::domain::vocab::State;

    fn entry(key: &str, name: &str, description: &str, specialty: &str, state: &str) -> Entry {
        let mut d = sample();
        d.insert(Field::Key, Raw::Text(format!("k-{key}")));
        d.insert(Field::Name, Raw::Text(name.into()));
        d.insert(Field::Description, Raw::Text(description.into()));
        d.insert(Field::Specialties, Raw::Text(specialty.into()));
        match state {
            "" => d.remove(&Field::States),
            s => d.insert(Field::States, Raw::Text(s.into())),
        };
        Entry::from_draft(&d).unwrap()
    }

    async fn searchable() -> Store {
        let store = Store::open_in_memory().await.unwrap();
        let entries = [
            entry(
                "a",
                "Coffee club",
                "Talks about night shift burnout and more.",
                "mls",
                "OH",
            ),
            entry(
                "b",
                "Night Shift Circle",
                "Peer group for lab staff.",
                "all",
                "",
            ),
            entry(
                "c",
                "Histo friends",
                "Histology chat for night owls.",
                "histo",
                "OH",
            ),
            entry(
                "d",
                "Blood bank forum",
                "Transfusion talk.",
                "blood bank",
                "TX",
            ),
        ];
        store.import_groups(&entries).await.unwrap();
        store
    }

    async fn keys(store: &Store, q: &SearchQuery, offset: u32, limit: u32) -> (u64, Vec<String>) {
        let page = store.search_groups(q, offset, limit).await.unwrap();
        let keys = page.entries.iter().map(|e| e.key[2..].to_owned()).collect();
        (page.total, keys)
    }

    fn words(text: &str) -> SearchQuery {
        SearchQuery {
            terms: SearchQuery::terms_of(text),
            ..SearchQuery::default()
        }
    }

    #[tokio::test]
    async fn words_rank_by_field_and_match_as_prefixes_and_stems() {
        let store = searchable().await;
        let (total, found) = keys(&store, &words("night shift"), 0, 10).await;
        assert_eq!(
            (total, found),
            (3, vec!["b".into(), "a".into(), "c".into()])
        );
        assert_eq!(keys(&store, &words("histolog"), 0, 10).await.1, ["c"]);
        assert_eq!(keys(&store, &words("shifts"), 0, 10).await.1, ["b", "a"]);
        // Keywords carry every spelling of the specialty.
        assert_eq!(keys(&store, &words("histotech"), 0, 10).await.1, ["c"]);
    }

    #[tokio::test]
    async fn filters_combine_with_words_and_pages_count_everything() {
        let store = searchable().await;
        let mut q = words("");
        q.specialty = Some(Specialty::Histotechnology);
        assert_eq!(keys(&store, &q, 0, 10).await.1, ["c", "b"]);
        q.region = Some(Region::State(State::OH));
        assert_eq!(keys(&store, &q, 0, 10).await.1, ["c"]);
        q.region = Some(Region::National);
        assert_eq!(keys(&store, &q, 0, 10).await.1, ["b"]);
        let mut q = words("night");
        q.region = Some(Region::State(State::OH));
        assert_eq!(keys(&store, &q, 0, 10).await.0, 2);
        assert_eq!(store.count_groups(&q).await.unwrap(), 2);

        let q = SearchQuery {
            format: Some(Format::InPerson),
            ..words("")
        };
        let (total, mut all) = keys(&store, &q, 0, 2).await;
        let (second_total, second) = keys(&store, &q, 2, 2).await;
        assert_eq!((total, second_total), (4, 4));
        all.extend(second);
        all.sort();
        assert_eq!(all, ["a", "b", "c", "d"]);
        assert_eq!(keys(&store, &q, 8, 2).await, (4, vec![]));
    }

    #[tokio::test]
    async fn a_members_words_are_never_search_syntax() {
        let store = searchable().await;
        for typed in [
            "\"", "*", "OR", "NEAR", "-", "night\"*", "AND NOT", "^", "(", ":",
        ] {
            let q = SearchQuery {
                terms: vec![typed.to_owned(), "NEAR(".to_owned()],
                ..SearchQuery::default()
            };
            let page = store.search_groups(&q, 0, 5).await;
            assert!(page.is_ok(), "{typed}: {page:?}");
        }
        assert_eq!(
            keys(&store, &words("OR"), 0, 5).await.0,
            4,
            "a stop word: filters only"
        );
    }

    #[tokio::test]
    async fn edits_and_removals_keep_the_search_rows_in_step() {
        let store = searchable().await;
        let renamed = entry("b", "Evening Circle", "Peer group.", "all", "");
        assert!(store.replace_group("k-b", &renamed).await.unwrap());
        assert_eq!(keys(&store, &words("circle"), 0, 5).await.1, ["b"]);
        assert_eq!(keys(&store, &words("shift"), 0, 5).await.1, ["a"]);
        assert!(store.remove_group("k-a").await.unwrap());
        assert_eq!(keys(&store, &words("shift"), 0, 5).await.0, 0);
        let added = entry("e", "Shift swap", "Trading shifts.", "mls", "OH");
        assert!(store.add_group(&added).await.unwrap());
        assert_eq!(keys(&store, &words("shift"), 0, 5).await.1, ["e"]);
    }

    #[tokio::test]
    async fn entries_round_trip_and_every_write_raises_the_version() {
        let store = Store::open_in_memory().await.unwrap();
        let entries = crate::domain::directory_file::read(
            crate::app::SHIPPED_DIRECTORY,
            crate::domain::directory_file::FileFormat::Toml,
        )
        .unwrap();
        assert_eq!(store.directory_version().await.unwrap(), 0);
        let outcome = store.import_groups(&entries).await.unwrap();
        assert_eq!(outcome.added, entries.len());
        let mut stored = store.all_groups().await.unwrap();
        stored.sort_by(|a, b| a.key.cmp(&b.key));
        let mut expected = entries.clone();
        expected.sort_by(|a, b| a.key.cmp(&b.key));
        assert_eq!(stored, expected);
        assert_eq!(store.directory_version().await.unwrap(), 1);
        assert_eq!(store.local_directory_writes(), 1);

        let unchanged = store.import_groups(&entries).await.unwrap();
        assert_eq!(unchanged.unchanged, entries.len());
        assert_eq!(
            store.directory_version().await.unwrap(),
            1,
            "nothing changed"
        );

        assert!(store.remove_group(&entries[0].key).await.unwrap());
        assert!(!store.remove_group(&entries[0].key).await.unwrap());
        assert_eq!(store.directory_version().await.unwrap(), 2);
        assert_eq!(store.local_directory_writes(), 2);
    }
}
