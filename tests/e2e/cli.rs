//! The command line: first start, config checks.

use crate::support::Lab;

#[test]
fn first_start_creates_the_database_prints_its_path_and_seeds_once() {
    let lab = Lab::new();
    let run = lab.run(&[], "/findgroup kind:crisis_line\n");
    assert!(run.success, "{}", run.stderr);
    let db = lab.path().join("data").join("labcircle.db");
    assert!(db.exists());
    assert!(
        run.stderr.contains(&db.display().to_string()),
        "{}",
        run.stderr
    );
    assert!(run.message(0).contains("988"), "{}", run.stdout);
    let rows = lab.export_csv().len();
    lab.run(&[], "/help\n");
    assert_eq!(
        lab.export_csv().len(),
        rows,
        "a second start seeds nothing again"
    );
}

#[test]
fn config_check_accepts_the_example_and_names_bad_keys() {
    let lab = Lab::new();
    let example = concat!(env!("CARGO_MANIFEST_DIR"), "/config.example.toml");
    let ok = lab.run(&["config", "check", "--config", example], "");
    assert!(ok.success, "{}", ok.stderr);
    assert!(ok.stdout.contains("Configuration OK"), "{}", ok.stdout);

    let bad = lab.file(
        "bad.toml",
        "[community]\ndefault_timezone = \"America/New_York\"\ncolour = 1\n",
    );
    let run = lab.run(&["config", "check", "--config", bad.to_str().unwrap()], "");
    assert!(!run.success);
    assert!(
        run.stderr.contains("line 3") && run.stderr.contains("colour"),
        "{}",
        run.stderr
    );

    let bad = lab.file(
        "tz.toml",
        "[community]\ndefault_timezone = \"Mars/Olympus\"\n",
    );
    let run = lab.run(&["config", "check", "--config", bad.to_str().unwrap()], "");
    assert!(
        !run.success && run.stderr.contains("not an IANA time zone"),
        "{}",
        run.stderr
    );
}

#[test]
fn the_readme_documents_every_command_and_console_control() {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md"))
        .expect("README.md");
    for spec in labcircle::domain::command::COMMANDS {
        assert!(
            readme.contains(&format!("`/{}", spec.name)),
            "README lacks /{}",
            spec.name
        );
    }
    for (control, _) in labcircle::domain::help::CONSOLE_CONTROLS {
        assert!(
            readme.contains(&format!("`{control}`")),
            "README lacks {control}"
        );
    }
    assert!(
        readme.contains("cargo test"),
        "README names the test command"
    );
    let ci =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/.ci/run")).expect(".ci/run");
    assert!(
        ci.lines().any(|l| l.trim() == "cargo test"),
        ".ci/run runs the README's test command"
    );
}
