//! Which way the arrows point: the domain knows no platform, no store and no SQL; the bot
//! (between domain and store) knows no platform and writes no SQL.

use std::path::Path;

fn sources(dir: &Path, out: &mut Vec<(String, String)>) {
    for entry in std::fs::read_dir(dir).expect("read a source directory") {
        let path = entry.expect("a directory entry").path();
        if path.is_dir() {
            sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            let text = std::fs::read_to_string(&path).expect("read a source file");
            out.push((path.display().to_string(), text));
        }
    }
}

fn source_files(relative: &str) -> Vec<(String, String)> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(relative);
    let mut files = Vec::new();
    if path.is_dir() {
        sources(&path, &mut files);
    } else {
        files.push((
            path.display().to_string(),
            std::fs::read_to_string(&path).expect("read"),
        ));
    }
    assert!(!files.is_empty(), "found {relative}");
    files
}

/// Paths a file names in code (`use x::…`, `x::y(…)`), comments left out.
fn code_of(text: &str) -> String {
    text.lines()
        .map(|l| l.split("//").next().unwrap_or(""))
        .collect::<Vec<_>>()
        .join("\n")
}

/// SQL statements in string literals, in any case (a line that opens a string with a
/// statement's first words).
fn has_sql(code: &str) -> Option<&'static str> {
    for line in code.lines() {
        let lower = line.to_lowercase();
        let found = [
            ("\"insert into", "insert"),
            ("\"delete from", "delete"),
            ("\"create table", "create"),
            ("\"pragma ", "pragma"),
        ]
        .into_iter()
        .find(|(kw, _)| lower.contains(kw))
        .map(|(_, name)| name)
        .or_else(|| (lower.contains("\"select ") && lower.contains(" from ")).then_some("select"))
        .or_else(|| (lower.contains("\"update ") && lower.contains(" set ")).then_some("update"));
        if found.is_some() {
            return found;
        }
    }
    None
}

fn check(relative: &str, forbidden: &[&str]) {
    for (path, text) in source_files(relative) {
        let code = code_of(&text);
        for name in forbidden {
            assert!(!code.contains(name), "{path} uses {name}");
        }
        assert_eq!(has_sql(&code), None, "{path} holds SQL");
    }
}

const PLATFORMS: &[&str] = &["serenity", "poise", "matrix_sdk", "crate::adapters"];

#[test]
fn the_domain_names_no_platform_no_store_and_no_sql() {
    let mut forbidden = PLATFORMS.to_vec();
    forbidden.extend([
        "sqlx",
        "rusqlite",
        "crate::store",
        "crate::bot",
        "crate::app",
        "tokio",
    ]);
    check("src/domain", &forbidden);
}

#[test]
fn the_bot_and_scheduler_name_no_platform_and_leave_sql_to_the_store() {
    let mut forbidden = PLATFORMS.to_vec();
    forbidden.push("sqlx");
    check("src/bot", &forbidden);
    check("src/scheduler.rs", &forbidden);
}

#[test]
fn the_sql_check_would_catch_sql() {
    assert_eq!(has_sql("let q = \"Select id FROM x\";"), Some("select"));
    assert_eq!(
        has_sql("query(\"DELETE FROM x WHERE a = ?\")"),
        Some("delete")
    );
    assert_eq!(
        has_sql("\"Delete everything the bot stores about you\""),
        None
    );
    assert_eq!(code_of("let a = 1; // sqlx"), "let a = 1; ");
}
