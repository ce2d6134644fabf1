//! The systemd units in docs/DEPLOY.md: hardened as the document says, and accepted by
//! `systemd-analyze verify` (every directive known, every value valid). systemd-analyze prints
//! unknown keys and bad values as warnings and still exits 0, so any line it prints about a
//! unit fails the test. Where it is not installed, the hardening checks still run and the test
//! says that the verification was skipped.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::Command;

/// (file name, text) of every unit in the document: a "`/etc/systemd/system/NAME`:" line,
/// then an `ini` block.
fn units() -> Vec<(String, String)> {
    let doc =
        std::fs::read_to_string(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("docs/DEPLOY.md"))
            .expect("read docs/DEPLOY.md");
    let mut out = Vec::new();
    let mut rest = doc.as_str();
    while let Some(at) = rest.find("`/etc/systemd/system/") {
        let after = &rest[at + "`/etc/systemd/system/".len()..];
        let name = &after[..after.find('`').expect("a closing backquote")];
        let block = &after[after.find("```ini\n").expect("an ini block") + "```ini\n".len()..];
        let end = block.find("```").expect("the block's end");
        out.push((name.to_owned(), block[..end].to_owned()));
        rest = &block[end..];
    }
    out
}

/// Every `Key=value` of a unit's `[section]`, in order (keys may repeat).
fn directives(text: &str, section: &str) -> Vec<(String, String)> {
    let mut current = String::new();
    let mut out = Vec::new();
    for line in text.lines().map(str::trim) {
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if line.starts_with('[') {
            current = line.trim_matches(['[', ']']).to_owned();
        } else if current == section {
            let (k, v) = line.split_once('=').expect("Key=value");
            out.push((k.to_owned(), v.to_owned()));
        }
    }
    out
}

#[test]
fn the_service_in_the_deploy_guide_is_hardened_as_it_says() {
    let units: BTreeMap<_, _> = units().into_iter().collect();
    for name in [
        "labcircle.service",
        "labcircle-backup.service",
        "labcircle-backup.timer",
    ] {
        assert!(units.contains_key(name), "no {name} in docs/DEPLOY.md");
    }
    let service = directives(&units["labcircle.service"], "Service");
    let has = |key: &str, value: &str| service.iter().any(|(k, v)| k == key && v == value);
    for (key, value) in [
        ("DynamicUser", "yes"),
        ("StateDirectory", "labcircle"),
        ("ProtectSystem", "strict"),
        ("ProtectHome", "yes"),
        ("PrivateTmp", "yes"),
        ("NoNewPrivileges", "yes"),
        ("CapabilityBoundingSet", ""),
        ("RestrictAddressFamilies", "AF_INET AF_INET6 AF_UNIX"),
        ("SystemCallFilter", "@system-service"),
        ("MemoryMax", "512M"),
        ("EnvironmentFile", "/etc/labcircle/secrets.env"),
        ("Environment", "LABCIRCLE_DATA_DIR=%S/labcircle"),
    ] {
        assert!(has(key, value), "labcircle.service lacks {key}={value}");
    }
    // The backup runs as the bot's own dynamic user (it reads the bot's database).
    let backup = directives(&units["labcircle-backup.service"], "Service");
    let user = |d: &[(String, String)]| d.iter().find(|(k, _)| k == "User").map(|(_, v)| v.clone());
    assert_eq!(user(&backup), user(&service));
    assert!(
        backup.iter().any(
            |(k, v)| k == "ExecStart" && v.contains("labcircle --data-dir %S/labcircle backup")
        )
    );
}

#[test]
fn systemd_analyze_accepts_every_unit_in_the_deploy_guide() {
    if Command::new("systemd-analyze")
        .arg("--version")
        .output()
        .is_err()
    {
        eprintln!("systemd-analyze is not installed: the units were not verified by systemd");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let binary = env!("CARGO_BIN_EXE_labcircle");
    let mut paths = Vec::new();
    for (name, text) in units() {
        // The installed path does not exist here: verify checks that ExecStart is executable.
        let text = text.replace("/usr/local/bin/labcircle", binary);
        let path = dir.path().join(&name);
        std::fs::write(&path, text).unwrap();
        paths.push(path);
    }
    let out = Command::new("systemd-analyze")
        .args(["verify", "--man=no"])
        .args(&paths)
        .output()
        .expect("run systemd-analyze");
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let about_units: Vec<&str> = said
        .lines()
        .filter(|l| l.contains(&dir.path().display().to_string()))
        .collect();
    assert!(
        out.status.success() && about_units.is_empty(),
        "systemd-analyze verify:\n{said}"
    );
}
