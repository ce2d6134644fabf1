//! `labcircle directory import/export`: all or nothing, idempotent, both formats.

use crate::support::Lab;

const GOOD: &str = r#"
[[group]]
key = "test-night-owls"
name = "Test Night Owls"
kind = "peer_support"
specialties = ["all"]
format = "online"
cost = "free"
facilitation = "peer_led"
description = "A test group for night-shift lab staff."

[[group]]
key = "test-histo-wy"
name = "Test Wyoming Histology Circle"
kind = "local_group"
specialties = ["histo"]
states = ["Wyoming"]
format = "in_person"
cost = "free"
facilitation = "peer_led"
url = "https://example.org/wy"
description = "A test local group for histotechs in Wyoming."
"#;

const BAD_ROW: &str = r#"
[[group]]
key = "test-bad"
name = "Bad"
kind = "peer_support"
specialties = ["all", "alchemy"]
format = "online"
cost = "free"
facilitation = "peer_led"
url = "mailto:someone"
description = "Bad."
"#;

fn keys(csv: &[String]) -> Vec<String> {
    csv.iter()
        .skip(1)
        .map(|row| row.split(',').next().unwrap().to_owned())
        .collect()
}

#[test]
fn a_file_with_any_bad_row_imports_nothing_and_names_every_problem() {
    let lab = Lab::new();
    let before = lab.export_csv();
    let file = lab.file("mixed.toml", &format!("{GOOD}{BAD_ROW}"));
    let run = lab.run(&["directory", "import", file.to_str().unwrap()], "");
    assert!(!run.success);
    assert!(
        run.stderr.contains("has 2 problems; nothing was imported"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains(
            "line 28 (entry test-bad), field specialties: \"alchemy\" is not a specialty"
        ),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("line 32 (entry test-bad), field url:"),
        "{}",
        run.stderr
    );
    assert_eq!(lab.export_csv(), before, "nothing half-applied");
}

#[test]
fn importing_the_same_file_twice_creates_no_duplicates() {
    let lab = Lab::new();
    let file = lab.file("good.toml", GOOD);
    let first = lab.run(&["directory", "import", file.to_str().unwrap()], "");
    assert!(first.success, "{}", first.stderr);
    assert!(
        first.stdout.contains("2 added, 0 updated, 0 unchanged"),
        "{}",
        first.stdout
    );
    let count = lab.export_csv().len();
    let second = lab.run(&["directory", "import", file.to_str().unwrap()], "");
    assert!(
        second.stdout.contains("0 added, 0 updated, 2 unchanged"),
        "{}",
        second.stdout
    );
    assert_eq!(lab.export_csv().len(), count);

    let changed = lab.file(
        "changed.toml",
        &GOOD.replace("A test group for", "A changed group for"),
    );
    let third = lab.run(&["directory", "import", changed.to_str().unwrap()], "");
    assert!(
        third.stdout.contains("0 added, 1 updated, 1 unchanged"),
        "{}",
        third.stdout
    );

    let found = lab
        .member("/findgroup specialty:histo state:WY\n")
        .message(0);
    assert!(found.contains("Test Wyoming Histology Circle"), "{found}");
}

#[test]
fn export_round_trips_through_csv_and_toml_into_a_fresh_database() {
    let lab = Lab::new();
    let csv = lab.export_csv();
    assert!(
        csv.len() > 50,
        "the shipped directory is seeded: {} rows",
        csv.len()
    );
    let toml = lab.run(&["directory", "export"], "").stdout;

    let other = Lab::new();
    // The fresh database is seeded with the same entries: both imports change nothing.
    let csv_file = other.file("all.csv", &(csv.join("\n") + "\n"));
    let run = other.run(&["directory", "import", csv_file.to_str().unwrap()], "");
    assert!(
        run.stdout
            .contains(&format!("0 added, 0 updated, {} unchanged", csv.len() - 1)),
        "{}{}",
        run.stdout,
        run.stderr
    );
    let toml_file = other.file("all.toml", &toml);
    let run = other.run(&["directory", "import", toml_file.to_str().unwrap()], "");
    assert!(
        run.stdout.contains("0 added, 0 updated"),
        "{}{}",
        run.stdout,
        run.stderr
    );
    assert_eq!(keys(&other.export_csv()), keys(&csv));
}

#[test]
fn malformed_files_are_refused_with_their_line() {
    let lab = Lab::new();
    let cases = [
        (
            "broken.toml",
            "[[group]]\nkey = \"x\nname = \"y\"\n",
            "line 2",
        ),
        (
            "ragged.csv",
            "key,name,kind\na-b,A,association,extra\n",
            "line 2: this row has 4 fields; the header has 3",
        ),
        (
            "columns.csv",
            "key,nickname\na-b,A\n",
            "field nickname: unknown column",
        ),
        (
            "fields.toml",
            "[[group]]\nkey = \"a-b\"\nnickname = \"A\"\n",
            "line 3 (entry a-b), field nickname: unknown field",
        ),
        ("notes.txt", "hello", "cannot tell the format"),
    ];
    for (name, contents, expected) in cases {
        let file = lab.file(name, contents);
        let run = lab.run(&["directory", "import", file.to_str().unwrap()], "");
        assert!(!run.success, "{name} was accepted");
        assert!(run.stderr.contains(expected), "{name}: {}", run.stderr);
    }
    let missing = lab.run(&["directory", "import", "/nonexistent/file.toml"], "");
    assert!(
        !missing.success
            && missing
                .stderr
                .contains("cannot read /nonexistent/file.toml")
    );
}
