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
    // An admin's removal survives a restart: the shipped directory is seeded only once.
    let removed = lab.run(&[], "/group remove ascls\n");
    assert!(removed.message(0).contains("Removed"), "{}", removed.stdout);
    let rows = lab.export_csv().len();
    let again = lab.run(&[], "/group show ascls\n");
    assert!(
        again.message(0).contains("No entry has the key ascls"),
        "{}",
        again.stdout
    );
    assert_eq!(lab.export_csv().len(), rows);
}

#[test]
fn input_that_is_not_utf8_is_answered_and_the_session_goes_on() {
    let lab = Lab::new();
    let run = lab.run_bytes(
        &["console", "--as", "alice"],
        b"/findgroup caf\xe9\n/crisis\n",
    );
    assert!(run.success, "{}", run.stderr);
    assert!(run.message(0).contains("No groups match"), "{}", run.stdout);
    assert!(run.message(1).contains("988"), "{}", run.stdout);
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
    for spec in labcircle::domain::command::all() {
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

/// The permission bits of `path`.
#[cfg(unix)]
fn mode(path: &std::path::Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    let meta = std::fs::metadata(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    meta.permissions().mode() & 0o777
}

#[cfg(unix)]
#[tokio::test]
async fn the_data_directory_and_the_database_with_its_wal_are_readable_by_their_owner_only() {
    let lab = Lab::new();
    let mut console = lab.launch(&[]).start();
    console.send_line("/crisis");
    console.wait_line("988").await;

    // While the bot runs, the WAL and shared-memory files exist, and are as private as the
    // database: nobody else on the machine can read what members wrote.
    let data = lab.path().join("data");
    assert_eq!(mode(&data), 0o700, "{}", data.display());
    for name in ["labcircle.db", "labcircle.db-wal", "labcircle.db-shm"] {
        assert_eq!(mode(&data.join(name)), 0o600, "{name}");
    }
    console.stop().await;
    assert!(!console.stderr().contains("chmod"), "{}", console.stderr());
}

#[cfg(unix)]
#[test]
fn a_data_directory_others_can_read_is_named_at_start_and_in_status_with_the_fix() {
    use std::os::unix::fs::PermissionsExt;
    let lab = Lab::new();
    let data = lab.path().join("data");
    std::fs::create_dir(&data).unwrap();
    std::fs::set_permissions(&data, std::fs::Permissions::from_mode(0o755)).unwrap();

    let run = lab.run(&[], "/crisis\n");
    assert!(run.success, "{}", run.stderr);
    assert!(run.message(0).contains("988"), "{}", run.stdout);
    let fix = format!("chmod 700 {}", data.display());
    assert!(run.stderr.contains("WARN"), "{}", run.stderr);
    assert!(run.stderr.contains("mode 0755"), "{}", run.stderr);
    assert!(run.stderr.contains(&fix), "{}", run.stderr);
    // The database itself was created private all the same.
    assert_eq!(mode(&data.join("labcircle.db")), 0o600);

    let status = lab.run(&["status"], "");
    assert!(status.success, "{}", status.stderr);
    assert!(
        status.stdout.contains("warning:") && status.stdout.contains(&fix),
        "{}",
        status.stdout
    );

    // Once fixed, nothing more is said.
    std::fs::set_permissions(&data, std::fs::Permissions::from_mode(0o700)).unwrap();
    let status = lab.run(&["status"], "");
    assert!(!status.stdout.contains("warning:"), "{}", status.stdout);
    assert!(!status.stderr.contains("chmod"), "{}", status.stderr);
}
