//! Which way the arrows point, read from the sources: adapters → runtime/bot →
//! scheduler/store → domain. The domain names no store, platform, config or SQL; the store
//! knows nothing above it; the bot and scheduler name no platform and write no SQL; no adapter
//! names another. Source files stay small enough to read, and a migration that has landed is
//! never edited again (a database that ran it would refuse to start). And `cargo test` reuses
//! every crate `cargo run` compiled (the README's two commands share one build).
//!
//! Each failure names the file and line (or size) that breaks the rule.

use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

fn project() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Every `.rs` file under `dir`, as (path relative to the project, text).
fn sources(dir: &Path, out: &mut Vec<(String, String)>) {
    for entry in std::fs::read_dir(dir).expect("read a source directory") {
        let path = entry.expect("a directory entry").path();
        if path.is_dir() {
            sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            let text = std::fs::read_to_string(&path).expect("read a source file");
            let relative = path.strip_prefix(project()).unwrap_or(&path);
            out.push((relative.display().to_string(), text));
        }
    }
}

/// The files of a module, whether it is one file or a folder (`src/scheduler.rs` or
/// `src/scheduler/`, both if both exist). Fails if there is neither.
fn module_files(module: &str) -> Vec<(String, String)> {
    let mut files = Vec::new();
    let dir = project().join(module);
    if dir.is_dir() {
        sources(&dir, &mut files);
    }
    let file = project().join(format!("{module}.rs"));
    if file.is_file() {
        sources_of_file(&file, &mut files);
    }
    assert!(!files.is_empty(), "found no {module}.rs nor {module}/");
    files
}

fn sources_of_file(path: &Path, out: &mut Vec<(String, String)>) {
    let text = std::fs::read_to_string(path).expect("read a source file");
    let relative = path.strip_prefix(project()).unwrap_or(path);
    out.push((relative.display().to_string(), text));
}

/// A file's code with comments left out (doc comments too), line by line.
fn code_of(text: &str) -> String {
    text.lines()
        .map(|l| l.split("//").next().unwrap_or(""))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The paths a line of code names, with `use crate::{a, b::c}` groups spelled out as
/// `crate::a` and `crate::b`, so a grouped import cannot hide an arrow.
fn named_paths(code: &str) -> String {
    let mut out = code.to_owned();
    let mut rest = code;
    while let Some(at) = rest.find("crate::{") {
        let group = &rest[at + "crate::{".len()..];
        let mut depth = 0;
        let mut item = String::new();
        let mut items = Vec::new();
        for c in group.chars() {
            match c {
                '{' => depth += 1,
                '}' if depth == 0 => break,
                '}' => depth -= 1,
                ',' if depth == 0 => items.push(std::mem::take(&mut item)),
                _ if depth == 0 => item.push(c),
                _ => {}
            }
        }
        items.push(item);
        for item in items {
            let first = item.trim().split("::").next().unwrap_or("").trim();
            if !first.is_empty() {
                out.push_str(&format!(" crate::{first}"));
            }
        }
        rest = group;
    }
    out
}

/// SQL statements in string literals, in any case (a line that opens a string with a
/// statement's first words).
fn has_sql(code: &str) -> Option<&'static str> {
    code.lines().find_map(sql_in_line)
}

fn sql_in_line(line: &str) -> Option<&'static str> {
    let lower = line.to_lowercase();
    [
        ("\"insert into", "insert"),
        ("\"delete from", "delete"),
        ("\"create table", "create"),
        ("\"pragma ", "pragma"),
    ]
    .into_iter()
    .find(|(kw, _)| lower.contains(kw))
    .map(|(_, name)| name)
    .or_else(|| (lower.contains("\"select ") && lower.contains(" from ")).then_some("select"))
    .or_else(|| (lower.contains("\"update ") && lower.contains(" set ")).then_some("update"))
}

/// What a module may not do.
struct Rule<'a> {
    module: &'a str,
    forbidden: &'a [&'a str],
    no_sql: bool,
}

/// Every line of `rule.module` that breaks it, as `file:line: code (names X)`.
fn violations(rule: &Rule<'_>) -> Vec<String> {
    let mut found = Vec::new();
    for (path, text) in module_files(rule.module) {
        let code = code_of(&text);
        for (n, line) in code.lines().enumerate() {
            // A grouped import may span lines: read it whole from the line that opens it.
            let names = if line.contains("crate::{") {
                let whole: String = code.lines().skip(n).take(40).collect::<Vec<_>>().join(" ");
                let end = whole.find(';').map_or(whole.len(), |i| i + 1);
                named_paths(&whole[..end])
            } else {
                line.to_owned()
            };
            for name in rule.forbidden {
                if names.contains(name) {
                    found.push(format!("{path}:{}: `{}` names {name}", n + 1, line.trim()));
                }
            }
            if rule.no_sql
                && let Some(sql) = sql_in_line(line)
            {
                found.push(format!(
                    "{path}:{}: `{}` holds SQL ({sql})",
                    n + 1,
                    line.trim()
                ));
            }
        }
    }
    found
}

fn check(rules: &[Rule<'_>]) {
    assert_clean(rules.iter().flat_map(violations).collect());
}

fn assert_clean(found: Vec<String>) {
    assert!(
        found.is_empty(),
        "{} line(s) point an arrow the wrong way:\n{}",
        found.len(),
        found.join("\n")
    );
}

const PLATFORMS: &[&str] = &["serenity", "poise", "matrix_sdk", "crate::adapters"];

#[test]
fn the_domain_names_no_platform_no_store_no_config_and_no_sql() {
    check(&[Rule {
        module: "src/domain",
        forbidden: &[
            "serenity",
            "poise",
            "matrix_sdk",
            "crate::adapters",
            "sqlx",
            "rusqlite",
            "tokio",
            // Drawing (the trend chart) is crate::chart's; the domain decides what is drawn.
            "plotters",
            "crate::chart",
            "crate::store",
            "crate::bot",
            "crate::runtime",
            "crate::scheduler",
            "crate::config",
            "crate::app",
        ],
        no_sql: true,
    }]);
}

#[test]
fn the_store_knows_nothing_above_it() {
    check(&[Rule {
        module: "src/store",
        forbidden: &[
            "crate::bot",
            "crate::runtime",
            "crate::scheduler",
            "crate::adapters",
            "crate::config",
            "serenity",
            "poise",
            "matrix_sdk",
        ],
        no_sql: false,
    }]);
}

#[test]
fn the_bot_and_scheduler_name_no_platform_and_leave_sql_to_the_store() {
    let mut bot = PLATFORMS.to_vec();
    bot.extend(["sqlx", "crate::runtime"]);
    let mut scheduler = bot.clone();
    // The scheduler sits below the bot: the helpers both use live in the domain.
    scheduler.push("crate::bot");
    check(&[
        Rule {
            module: "src/bot",
            forbidden: &bot,
            no_sql: true,
        },
        Rule {
            module: "src/scheduler",
            forbidden: &scheduler,
            no_sql: true,
        },
    ]);
}

#[test]
fn the_runtime_names_no_adapter() {
    check(&[Rule {
        module: "src/runtime",
        forbidden: PLATFORMS,
        no_sql: true,
    }]);
}

#[test]
fn the_web_page_reads_through_the_bot_and_names_no_store_no_platform_and_no_sql() {
    // Only public directory data may reach the page: it asks the bot's web_* methods, never
    // the store, where members' data lives.
    let mut forbidden = PLATFORMS.to_vec();
    forbidden.extend(["sqlx", "crate::store", "crate::runtime", "crate::scheduler"]);
    check(&[Rule {
        module: "src/web",
        forbidden: &forbidden,
        no_sql: true,
    }]);
}

#[test]
fn no_adapter_names_another() {
    // Each adapter with its platform's crates: the others may name neither.
    let adapters: [(&str, &[&str]); 3] = [
        ("console", &[]),
        ("discord", &["serenity", "poise"]),
        ("matrix", &["matrix_sdk"]),
    ];
    let mut found = Vec::new();
    for (name, _) in adapters {
        let mut forbidden = Vec::new();
        for (other, crates) in adapters.iter().filter(|(o, _)| *o != name) {
            forbidden.push(format!("adapters::{other}"));
            forbidden.push(format!("super::{other}"));
            forbidden.extend(crates.iter().map(|c| (*c).to_owned()));
        }
        let forbidden: Vec<&str> = forbidden.iter().map(String::as_str).collect();
        found.extend(violations(&Rule {
            module: &format!("src/adapters/{name}"),
            forbidden: &forbidden,
            no_sql: true,
        }));
    }
    assert_clean(found);
}

#[test]
fn no_source_file_is_over_800_lines_except_the_command_tables() {
    let mut files = Vec::new();
    sources(&project().join("src"), &mut files);
    let mut long: Vec<String> = files
        .iter()
        .filter_map(|(path, text)| {
            let lines = text.lines().count();
            let limit = if path.starts_with("src/domain/command/") {
                1000
            } else {
                800
            };
            (lines > limit).then(|| format!("{path}: {lines} lines (at most {limit})"))
        })
        .collect();
    long.sort();
    assert!(
        long.is_empty(),
        "{} file(s) too long to read at once; split them:\n{}",
        long.len(),
        long.join("\n")
    );
}

#[test]
fn the_checks_would_catch_what_they_look_for() {
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
    let grouped = named_paths("use crate::{domain::x, bot::{Bot, Settings}, store};");
    assert!(grouped.contains("crate::bot"), "{grouped}");
    assert!(grouped.contains("crate::store"), "{grouped}");
    assert!(!grouped.contains("crate::Bot"), "{grouped}");
}

/// The SHA-256 of every migration that has landed. sqlx records each applied migration's
/// checksum and refuses to start on a database whose migration has since changed: a change
/// goes into a new migration instead. Add a line here when a new one lands.
const LANDED: &[(&str, &str)] = &[
    (
        "0001_directory.sql",
        "8ab2830b3e029dc8a74a5c57e1c7c8238942e1e030c34374424c16404086a1f9",
    ),
    (
        "0002_checkins.sql",
        "922fa228257576ff737d9b048f030b9f64fdab263d2f87cf968bd3377281dca2",
    ),
    (
        "0003_meetups.sql",
        "c4b9a536c9ceca3b20de28055a21f7490d7f1c542ae9e4ac0f08a335ae802fec",
    ),
    (
        "0004_stats_optin.sql",
        "477c75a696c1b83c948b90021348d8baa27468b54e660e189a0df2e6cf4ef513",
    ),
    (
        "0005_meetup_shares.sql",
        "48bf466ad260cd49426059ce59d37fe0e66eb3579917cb4de30f9479866cb543",
    ),
    (
        "0006_matrix_direct_chats.sql",
        "286f773d5d854f5fba4696816f55cf25da3bc3fab4231c683a09bf0597ecfde5",
    ),
    (
        "0007_shift_end.sql",
        "718e4b1bb07386018a2cea20a613be9328e5736459f6f0b517da861aaf7549e9",
    ),
    (
        "0008_note_key.sql",
        "4332edc8c0acd1f11d8c4a153e5f58b8c2d9ed39afdd18627d19cfca9ea631fb",
    ),
    (
        "0011_last_checked.sql",
        "567a55e1c268933ac1479c961af8f24300b4effdacf7b2da8015fa7eb10d8da8",
    ),
    (
        "0012_link_checks.sql",
        "e2b123aa5d7d9be4ebe10aa3022e71c79f8da246256ca79f601d84ba994a60e4",
    ),
    (
        "0013_group_reports.sql",
        "5a229dfc07293bf555f77e72ddb143f1c7d97fa1bc615b2c6426295e933b575f",
    ),
    (
        "0014_events.sql",
        "d8ac9d30826960033b2c7b65e8c01886d75e389acb7a54fbd225547807276da6",
    ),
    (
        "0015_tips.sql",
        "f9887994bed3974cb25acff73bf15920c9bcfa1481a40e16cbedc50909bbc2f3",
    ),
    (
        "0017_pairing.sql",
        "35bb31eab15d16ecd87bac4a94680d77ee8fe2f0bffc0fde3850e4a19819af45",
    ),
];

#[test]
fn landed_migrations_are_never_edited() {
    let mut problems = Vec::new();
    for (name, expected) in LANDED {
        let path = project().join("migrations").join(name);
        match std::fs::read(&path) {
            Ok(bytes) => {
                let actual = hex::encode(Sha256::digest(&bytes));
                if actual != *expected {
                    problems.push(format!(
                        "migrations/{name} changed after it landed; add a new migration \
                         instead (sha256 {actual}, landed as {expected})"
                    ));
                }
            }
            Err(e) => problems.push(format!(
                "migrations/{name} landed and is gone ({e}); databases that ran it need it"
            )),
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// Each package of the build, as `name version` → the feature sets it is built with, from
/// `cargo tree` (with or without the test build's dev-dependencies).
fn feature_sets(with_dev: bool) -> std::collections::BTreeMap<String, Vec<String>> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let mut args = vec![
        "tree",
        "--offline",
        "--locked",
        "--prefix",
        "none",
        "--format",
        "{p}|{f}",
    ];
    if !with_dev {
        args.extend(["--edges", "no-dev"]);
    }
    let out = std::process::Command::new(cargo)
        .args(&args)
        .current_dir(project())
        .output()
        .expect("run cargo tree");
    assert!(
        out.status.success(),
        "cargo tree failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut sets: std::collections::BTreeMap<String, Vec<String>> = Default::default();
    for line in String::from_utf8_lossy(&out.stdout).lines() {
        let Some((package, features)) = line.split_once('|') else {
            continue;
        };
        // "name vX.Y.Z (path) (proc-macro)": the name and version say which package.
        let package: Vec<&str> = package.split_whitespace().take(2).collect();
        let features = features.trim_end_matches(" (*)").trim().to_owned();
        let entry = sets.entry(package.join(" ")).or_default();
        if !entry.contains(&features) {
            entry.push(features);
        }
    }
    sets
}

/// `cargo test` after `cargo run` (the README's two commands) reuses the bot's build: a
/// dev-dependency that turns on another feature of a crate the bot uses makes cargo build that
/// crate again, and everything above it (once: url, reqwest, ruma, matrix-sdk, serenity and
/// sqlx, two and a half minutes here). Cargo.toml then asks for that feature itself.
#[test]
fn the_test_build_reuses_every_crate_the_bot_build_compiled() {
    let bot = feature_sets(false);
    let tests = feature_sets(true);
    assert!(bot.len() > 100, "cargo tree listed the whole build");
    let mut differ = Vec::new();
    for (package, features) in &bot {
        let in_tests = tests.get(package).cloned().unwrap_or_default();
        // The test build may add copies built for the compiler (proc-macros' and build
        // scripts' dependencies); each copy the bot build has must be among them.
        for f in features {
            if !in_tests.contains(f) {
                differ.push(format!(
                    "{package}: the bot builds it with [{f}], the tests with {in_tests:?}"
                ));
            }
        }
    }
    assert!(
        differ.is_empty(),
        "`cargo test` would build these again (ask for the tests' features in Cargo.toml's \
         [dependencies]):\n{}",
        differ.join("\n")
    );
}

/// A line with its string literals emptied (`"matrix_sdk::http_client"` in a log filter names
/// a log target, not the crate).
fn without_strings(line: &str) -> String {
    let mut out = String::new();
    let mut in_string = false;
    let mut escaped = false;
    for c in line.chars() {
        if in_string {
            match (escaped, c) {
                (false, '\\') => escaped = true,
                (false, '"') => {
                    in_string = false;
                    out.push('"');
                }
                _ => escaped = false,
            }
        } else {
            if c == '"' {
                in_string = true;
            }
            out.push(c);
        }
    }
    out
}

/// A build of one platform (`--no-default-features --features matrix`, the server build
/// docs/DEPLOY.md recommends) leaves the other platform's crates out. Outside that platform's
/// adapter, its crates and adapter are named only under `#[cfg(feature = "…")]` (on the line
/// or in the eight above it), so such a build compiles. (CI builds only the default features.)
#[test]
fn outside_its_adapter_a_platform_is_named_only_where_its_feature_is_on() {
    let platforms: [(&str, &[&str]); 2] = [
        (
            "discord",
            &[
                "serenity::",
                "poise::",
                "use serenity",
                "use poise",
                "adapters::discord",
            ],
        ),
        (
            "matrix",
            &[
                "matrix_sdk::",
                "use matrix_sdk",
                "mime::",
                "use mime",
                "adapters::matrix",
            ],
        ),
    ];
    let mut files = Vec::new();
    sources(&project().join("src"), &mut files);
    let mut found = Vec::new();
    for (path, text) in &files {
        let code = code_of(text);
        let code_lines: Vec<&str> = code.lines().collect();
        let lines: Vec<String> = code_lines.iter().copied().map(without_strings).collect();
        for (feature, names) in platforms {
            if path.starts_with(&format!("src/adapters/{feature}")) {
                continue;
            }
            let gate = format!("#[cfg(feature = \"{feature}\")]");
            // The adapter's own module declaration.
            let declared = format!("pub mod {feature};");
            let in_adapters = path == "src/adapters/mod.rs";
            for (n, line) in lines.iter().enumerate() {
                let named = names.iter().copied().find(|name| line.contains(*name));
                let declares = in_adapters && line.trim() == declared
                    || line.contains("adapters::{") && line.contains(feature);
                let Some(name) = named.or(declares.then_some("its adapter module")) else {
                    continue;
                };
                // The attribute in code (not in a comment), on the line or on the item or
                // block it opens, a few lines up.
                let gated = (n.saturating_sub(8)..=n).any(|i| code_lines[i].contains(&gate));
                if !gated {
                    found.push(format!(
                        "{path}:{}: `{}` names {name} without {gate}",
                        n + 1,
                        line.trim()
                    ));
                }
            }
        }
    }
    assert!(
        found.is_empty(),
        "a build without that platform would not compile:\n{}",
        found.join("\n")
    );
}
