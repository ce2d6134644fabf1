//! The note key end to end: its fingerprint checked at every start, `labcircle notes rekey`,
//! notes bound to their rows, and a warning when notes exist without a key.

use chacha20poly1305::XChaCha20Poly1305;
use chacha20poly1305::aead::{Aead, AeadCore, KeyInit, OsRng};

use crate::support::{Lab, Run};

/// 08:00 in New York on a Monday.
const MONDAY_8AM: &str = "2026-12-07T08:00:00-05:00";
const KEY_A: &str = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=";
const KEY_B: &str = "YWJjZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXoxMjM0NTY=";
const KEY_C: &str = "Q0NDQ0NDQ0NDQ0NDQ0NDQ0NDQ0NDQ0NDQ0NDQ0NDQ0M=";
const NOTE: &str = "three techs for forty tubes";

/// `who` opts in, gets this week's prompt and answers 3 with `note`, under `key`.
fn answer_with_note(lab: &Lab, who: &str, note: &str, key: &str) {
    let run = lab.console_at(
        who,
        MONDAY_8AM,
        &format!("/checkin start\n/checkin now\n/checkin answer 3 note:{note}\n"),
        &[("LABCIRCLE_NOTE_KEY", key)],
    );
    let m = run.messages();
    assert!(m.iter().any(|x| x.contains("stored encrypted")), "{m:#?}");
}

/// `who`'s check-in history (the last message), under `env`.
fn history(lab: &Lab, who: &str, env: &[(&str, &str)]) -> String {
    let run = lab.console_at(who, MONDAY_8AM, "/checkin history\n", env);
    run.messages().last().cloned().unwrap_or_default()
}

fn console(lab: &Lab, who: &str, env: &[(&str, &str)]) -> Run {
    lab.run_env(
        &["console", "--as", who, "--clock", MONDAY_8AM],
        b"/checkin history\n",
        env,
    )
}

fn rekey(lab: &Lab, old: &str, new: &str) -> Run {
    lab.run_env(
        &["notes", "rekey"],
        b"",
        &[("LABCIRCLE_OLD_NOTE_KEY", old), ("LABCIRCLE_NOTE_KEY", new)],
    )
}

/// Runs SQL on the test's database directly, as someone with the file would.
fn sql(lab: &Lab, statement: &str, blob: Option<Vec<u8>>) {
    let db = lab.database();
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async move {
        let options = sqlx::sqlite::SqliteConnectOptions::new().filename(&db);
        let pool = sqlx::SqlitePool::connect_with(options).await.unwrap();
        let mut query = sqlx::query(sqlx::AssertSqlSafe(statement.to_owned()));
        if let Some(blob) = blob {
            query = query.bind(blob);
        }
        query.execute(&pool).await.unwrap();
        pool.close().await;
    });
}

#[test]
fn a_different_key_is_refused_at_start_and_rekeying_brings_the_notes_back() {
    let lab = Lab::new();
    answer_with_note(&lab, "alice", NOTE, KEY_A);

    // Key B: refused before anything runs, with what happened and what to do.
    for args in [vec!["console", "--as", "alice"], vec!["status"]] {
        let run = lab.run_env(
            &args,
            b"/checkin history\n",
            &[("LABCIRCLE_NOTE_KEY", KEY_B)],
        );
        assert!(!run.success, "{args:?} started with another key");
        for words in [
            "is not the key this database's check-in notes are encrypted with",
            "1 note unreadable",
            "set LABCIRCLE_NOTE_KEY back to the old key",
            "LABCIRCLE_OLD_NOTE_KEY=<old key> LABCIRCLE_NOTE_KEY=<new key> labcircle notes rekey",
        ] {
            assert!(
                run.stderr.contains(words),
                "{args:?}: {words}:\n{}",
                run.stderr
            );
        }
        assert!(!run.stdout.contains(NOTE), "{}", run.stdout);
        assert!(!run.stderr.contains(KEY_A) && !run.stderr.contains(KEY_B));
    }

    // Rekeying from a key that is not the database's changes nothing.
    let wrong = rekey(&lab, KEY_C, KEY_B);
    assert!(!wrong.success);
    assert!(
        wrong
            .stderr
            .contains("LABCIRCLE_OLD_NOTE_KEY is not the key")
            && wrong.stderr.contains("nothing was changed"),
        "{}",
        wrong.stderr
    );
    let missing = lab.run_env(&["notes", "rekey"], b"", &[("LABCIRCLE_NOTE_KEY", KEY_B)]);
    assert!(
        !missing.success && missing.stderr.contains("LABCIRCLE_OLD_NOTE_KEY is not set"),
        "{}",
        missing.stderr
    );
    assert!(history(&lab, "alice", &[("LABCIRCLE_NOTE_KEY", KEY_A)]).contains(NOTE));

    // A to B: the note reads back under B, and A is the one refused now.
    let done = rekey(&lab, KEY_A, KEY_B);
    assert!(done.success, "{}", done.stderr);
    assert!(
        done.stdout.contains("Re-encrypted 1 note"),
        "{}",
        done.stdout
    );
    assert!(
        history(&lab, "alice", &[("LABCIRCLE_NOTE_KEY", KEY_B)]).contains(&format!("note: {NOTE}"))
    );
    let old = console(&lab, "alice", &[("LABCIRCLE_NOTE_KEY", KEY_A)]);
    assert!(
        !old.success && old.stderr.contains("labcircle notes rekey"),
        "{}",
        old.stderr
    );
    for file in ["labcircle.db", "labcircle.db-wal"] {
        if let Ok(bytes) = std::fs::read(lab.database().with_file_name(file)) {
            assert!(!String::from_utf8_lossy(&bytes).contains("forty tubes"));
        }
    }
}

#[test]
fn a_rekey_that_meets_a_note_the_old_key_cannot_open_changes_nothing() {
    let lab = Lab::new();
    answer_with_note(&lab, "alice", NOTE, KEY_A);
    answer_with_note(&lab, "bob", "quiet night", KEY_A);
    sql(
        &lab,
        "UPDATE checkin_answers SET note = ? WHERE user_id = 'bob'",
        Some(vec![1, 2, 3]),
    );
    let run = rekey(&lab, KEY_A, KEY_B);
    assert!(!run.success);
    assert!(
        run.stderr
            .contains("does not open with LABCIRCLE_OLD_NOTE_KEY")
            && run.stderr.contains("nothing was changed"),
        "{}",
        run.stderr
    );
    // Alice's note, re-sealed before bob's failed, was rolled back with the rest.
    let key = [("LABCIRCLE_NOTE_KEY", KEY_A)];
    assert!(history(&lab, "alice", &key).contains(&format!("note: {NOTE}")));
    assert!(!console(&lab, "alice", &[("LABCIRCLE_NOTE_KEY", KEY_B)]).success);
}

#[test]
fn a_new_key_is_accepted_while_no_note_is_stored() {
    let lab = Lab::new();
    lab.console_at(
        "alice",
        MONDAY_8AM,
        "/checkin start\n/checkin now\n/checkin answer 4\n",
        &[("LABCIRCLE_NOTE_KEY", KEY_A)],
    );
    // Nothing is encrypted with A, so nothing is lost by starting with B; B holds from then on.
    answer_with_note(&lab, "bob", NOTE, KEY_B);
    assert!(history(&lab, "bob", &[("LABCIRCLE_NOTE_KEY", KEY_B)]).contains(NOTE));
    assert!(!console(&lab, "bob", &[("LABCIRCLE_NOTE_KEY", KEY_A)]).success);
}

#[test]
fn a_note_copied_onto_another_members_answer_shows_as_unreadable() {
    let lab = Lab::new();
    let key = [("LABCIRCLE_NOTE_KEY", KEY_A)];
    answer_with_note(&lab, "alice", NOTE, KEY_A);
    answer_with_note(&lab, "bob", "quiet night", KEY_A);
    sql(
        &lab,
        "UPDATE checkin_answers SET note = \
         (SELECT note FROM checkin_answers WHERE user_id = 'alice') WHERE user_id = 'bob'",
        None,
    );
    let bob = history(&lab, "bob", &key);
    assert!(!bob.contains(NOTE), "{bob}");
    assert!(
        bob.contains("note: (locked: this server cannot open it)"),
        "{bob}"
    );
    let data = lab
        .console_at("bob", MONDAY_8AM, "/mydata\n", &key)
        .message(0);
    let file = crate::support::saved_file(&data, "labcircle-my-data.json");
    assert!(!file.contains("forty tubes"), "{file}");
    assert!(file.contains("kept locked"), "{file}");
    // Alice's own note still reads back where it belongs.
    assert!(history(&lab, "alice", &key).contains(NOTE));
}

#[test]
fn notes_from_before_row_binding_still_read_and_rekeying_binds_them() {
    let lab = Lab::new();
    answer_with_note(&lab, "alice", "placeholder", KEY_A);
    answer_with_note(&lab, "bob", "quiet night", KEY_A);
    // As an older version wrote it: nonce and ciphertext, no version byte, no row binding;
    // and no fingerprint recorded yet.
    let cipher = XChaCha20Poly1305::new_from_slice(&base64_decode(KEY_A)).unwrap();
    // (Not one of the 1 in 256 that start like a current note, which the status hint skips.)
    let nonce = std::iter::repeat_with(|| XChaCha20Poly1305::generate_nonce(&mut OsRng))
        .find(|n| n[0] != 1)
        .unwrap();
    let mut legacy = nonce.to_vec();
    legacy.extend(cipher.encrypt(&nonce, NOTE.as_bytes()).unwrap());
    sql(
        &lab,
        "UPDATE checkin_answers SET note = ? WHERE user_id = 'alice'",
        Some(legacy),
    );
    sql(&lab, "DELETE FROM note_key", None);

    // A first key that opens none of the stored notes is not theirs.
    let wrong = console(&lab, "alice", &[("LABCIRCLE_NOTE_KEY", KEY_B)]);
    assert!(!wrong.success);
    assert!(
        wrong.stderr.contains("opens none of the 2 check-in notes"),
        "{}",
        wrong.stderr
    );
    let key = [("LABCIRCLE_NOTE_KEY", KEY_A)];
    assert!(history(&lab, "alice", &key).contains(&format!("note: {NOTE}")));
    let hint = "1 note was written before notes were bound to their answers";
    let status = lab.run_env(&["status"], b"", &key);
    assert!(status.stdout.contains(hint), "{}", status.stdout);

    // The same key in both variables rewrites every note bound to its row.
    let done = rekey(&lab, KEY_A, KEY_A);
    assert!(done.success, "{}", done.stderr);
    assert!(
        done.stdout.contains("Re-encrypted 2 notes"),
        "{}",
        done.stdout
    );
    assert!(history(&lab, "alice", &key).contains(&format!("note: {NOTE}")));
    sql(
        &lab,
        "UPDATE checkin_answers SET note = \
         (SELECT note FROM checkin_answers WHERE user_id = 'alice') WHERE user_id = 'bob'",
        None,
    );
    let bob = history(&lab, "bob", &key);
    assert!(!bob.contains(NOTE), "{bob}");
    let status = lab.run_env(&["status"], b"", &key);
    assert!(!status.stdout.contains(hint), "{}", status.stdout);
}

#[test]
fn notes_stored_without_a_key_set_are_a_warning_at_start_and_in_status() {
    let lab = Lab::new();
    answer_with_note(&lab, "alice", NOTE, KEY_A);

    let status = lab.run(&["status"], "");
    assert!(status.success, "{}", status.stderr);
    let warning =
        "1 note is stored encrypted but LABCIRCLE_NOTE_KEY is not set: it cannot be shown";
    assert!(status.stdout.contains(warning), "{}", status.stdout);
    let start = console(&lab, "alice", &[]);
    assert!(start.success, "{}", start.stderr);
    assert!(start.stderr.contains(warning), "{}", start.stderr);
    assert!(!start.stdout.contains(NOTE));

    let keyed = lab.run_env(&["status"], b"", &[("LABCIRCLE_NOTE_KEY", KEY_A)]);
    assert!(keyed.success, "{}", keyed.stderr);
    assert!(!keyed.stdout.contains("warning"), "{}", keyed.stdout);
}

fn base64_decode(text: &str) -> Vec<u8> {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD
        .decode(text)
        .unwrap()
}
