//! The schema decides: every column that can name a member is shown by `/mydata` and gone after
//! `/forgetme`, for tables that exist now and any a later migration adds.

use super::*;
use crate::domain::identity::Platform;

/// Whether a column's name says it may hold a member (their id or their name).
fn names_a_member(column: &str) -> bool {
    let c = column.to_ascii_lowercase();
    [
        "user",
        "member",
        "organizer",
        "organiser",
        "author",
        "owner",
        "moderator",
        "admin",
        "display_name",
        "mxid",
        "person",
        "reporter",
        "_by",
        "who",
    ]
    .iter()
    .any(|word| c.contains(word))
}

/// Columns of `table` with their declared types, in order.
async fn columns(store: &Store, table: &str) -> Vec<(String, String)> {
    sqlx::query_as("SELECT name, upper(type) FROM pragma_table_info(?) ORDER BY cid")
        .bind(table)
        .fetch_all(&store.pool)
        .await
        .unwrap()
}

/// Where `/mydata` and `/forgetme` cover `table.column`: the export sections that show it.
fn covered_by(table: &str, column: &str) -> Vec<&'static str> {
    let owned = MEMBER_TABLES
        .iter()
        .filter(|(t, p, u)| *t == table && [*p, *u, "display_name"].contains(&column))
        .map(|(t, _, _)| *t);
    let named = NAMED_IN
        .iter()
        .filter(|n| n.table == table && n.columns().contains(&column))
        .map(|n| n.section);
    owned.chain(named).collect()
}

const ALICE: &str = "@alice-zq7x:localhost";
const ALICE_NAME: &str = "Alice Zq";

#[tokio::test]
async fn every_table_naming_a_member_is_covered_by_mydata_and_forgetme() {
    let store = Store::open_in_memory().await.unwrap();
    // Rows are written one table at a time, whatever they point at.
    sqlx::query("PRAGMA foreign_keys = OFF")
        .execute(&store.pool)
        .await
        .unwrap();
    let alice = UserId::new(Platform::Matrix, ALICE);
    let tables: Vec<String> = store.table_names().await.unwrap();
    let mut expected_sections = Vec::new();
    let mut uncovered = Vec::new();
    for table in &tables {
        let cols = columns(&store, table).await;
        let member_cols: Vec<&String> = cols
            .iter()
            .map(|(c, _)| c)
            .filter(|c| names_a_member(c))
            .collect();
        if member_cols.is_empty() {
            continue;
        }
        for c in &member_cols {
            let sections = covered_by(table, c);
            if sections.is_empty() {
                uncovered.push(format!("{table}.{c}"));
            }
            expected_sections.extend(sections);
        }
        // One row in which every column that can name a member names alice.
        let platform_cols: Vec<&str> = MEMBER_TABLES
            .iter()
            .filter(|(t, _, _)| t == table)
            .map(|(_, p, _)| *p)
            .chain(
                NAMED_IN
                    .iter()
                    .filter(|n| n.table == table)
                    .filter_map(|n| n.platform),
            )
            .collect();
        let joined_ids: Vec<&str> = NAMED_IN
            .iter()
            .filter(|n| n.table == table && n.platform.is_none())
            .map(|n| n.id)
            .collect();
        let mut names = Vec::new();
        let mut values = Vec::new();
        for (c, ty) in &cols {
            names.push(format!("\"{c}\""));
            values.push(if platform_cols.contains(&c.as_str()) {
                "'matrix'".to_owned()
            } else if joined_ids.contains(&c.as_str()) {
                format!("'{alice}'")
            } else if c.ends_with("_name") {
                format!("'{ALICE_NAME}'")
            } else if names_a_member(c) {
                format!("'{ALICE}'")
            } else if ty.contains("INT") {
                "1".to_owned()
            } else if ty.contains("REAL") {
                "1.0".to_owned()
            } else if ty.contains("BLOB") {
                "x'00'".to_owned()
            } else {
                "'x'".to_owned()
            });
        }
        let sql = format!(
            "INSERT INTO \"{table}\" ({}) VALUES ({})",
            names.join(", "),
            values.join(", ")
        );
        sqlx::query(sqlx::AssertSqlSafe(sql.clone()))
            .execute(&store.pool)
            .await
            .unwrap_or_else(|e| panic!("{sql}: {e}"));
    }
    assert!(
        uncovered.is_empty(),
        "columns that may name a member but are in neither MEMBER_TABLES nor NAMED_IN \
         (src/store/privacy.rs), so /mydata would not show them and /forgetme would leave \
         them: {uncovered:?}"
    );
    // The test itself would pass on an empty list: these must be found.
    for section in [
        "meetups_you_organised",
        "rsvps",
        "outbox",
        "matrix_direct_chats",
        "suggestions",
        "suggestions_you_decided",
        "group_reports",
        "reports_you_resolved",
        "checkin_answers",
    ] {
        assert!(
            expected_sections.contains(&section),
            "{section} not found in the schema: {expected_sections:?}"
        );
    }

    let export = store.member_rows(&alice).await.unwrap();
    for section in &expected_sections {
        let rows = export
            .iter()
            .find(|(name, _)| name == section)
            .map_or(0, |(_, rows)| rows.len());
        assert!(rows > 0, "/mydata shows nothing in {section}: {export:?}");
    }

    store.forget_member(&alice).await.unwrap();
    for table in &tables {
        let sql = format!("SELECT * FROM \"{table}\"");
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .fetch_all(&store.pool)
            .await
            .unwrap();
        for row in &rows {
            let text = Value::Object(row_map(row).unwrap()).to_string();
            assert!(
                !text.contains("alice-zq7x") && !text.contains(ALICE_NAME),
                "/forgetme left alice in {table}: {text}"
            );
        }
    }
}

#[test]
fn names_that_hold_a_member_are_recognised() {
    for c in [
        "user_id",
        "organizer_id",
        "organizer_name",
        "decided_by",
        "display_name",
    ] {
        assert!(names_a_member(c), "{c}");
    }
    for c in [
        "platform",
        "community",
        "title",
        "platform_message_id",
        "status",
    ] {
        assert!(!names_a_member(c), "{c}");
    }
}
