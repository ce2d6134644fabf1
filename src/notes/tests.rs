use super::*;
use crate::domain::identity::Platform;

const KEY: &str = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=";
const OTHER: &str = "YWJjZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXoxMjM0NTY=";

fn alice() -> UserId {
    UserId::new(Platform::Console, "alice")
}

fn place(user: &UserId) -> NotePlace<'_> {
    NotePlace::of(user, "console:local", "2026-12-07")
}

/// A note as written before notes were bound to their rows: nonce and ciphertext, no
/// associated data.
fn legacy_seal(key: &NoteKey, note: &str) -> Vec<u8> {
    let nonce = XChaCha20Poly1305::generate_nonce(&mut OsRng);
    let mut out = nonce.to_vec();
    out.extend(key.cipher.encrypt(&nonce, note.as_bytes()).unwrap());
    out
}

#[test]
fn a_sealed_note_opens_with_its_key_only() {
    let key = NoteKey::from_base64(KEY).unwrap();
    let user = alice();
    let sealed = key.seal("rough week", &place(&user));
    assert!(!String::from_utf8_lossy(&sealed).contains("rough week"));
    assert_eq!(
        key.open(&sealed, &place(&user)).as_deref(),
        Some("rough week")
    );
    let other = NoteKey::from_base64(OTHER).unwrap();
    assert_eq!(other.open(&sealed, &place(&user)), None);
    assert_ne!(
        key.seal("rough week", &place(&user)),
        sealed,
        "a fresh nonce each time"
    );
    assert_eq!(sealed[0], CURRENT_VERSION);
}

#[test]
fn a_note_moved_to_another_member_or_answer_does_not_open() {
    let key = NoteKey::from_base64(KEY).unwrap();
    let user = alice();
    let sealed = key.seal("rough week", &place(&user));
    let bob = UserId::new(Platform::Console, "bob");
    assert_eq!(key.open(&sealed, &place(&bob)), None, "another member");
    let on_discord = UserId::new(Platform::Discord, "alice");
    assert_eq!(
        key.open(&sealed, &place(&on_discord)),
        None,
        "another platform"
    );
    let next_week = NotePlace::of(&user, "console:local", "2026-12-14");
    assert_eq!(key.open(&sealed, &next_week), None, "another week");
    let elsewhere = NotePlace::of(&user, "discord:1", "2026-12-07");
    assert_eq!(key.open(&sealed, &elsewhere), None, "another community");
    // Fields are length-prefixed: moving a character from one field to the next is another
    // place, not the same bytes.
    let shifted = NotePlace {
        user_id: "alic",
        community: "econsole:local",
        ..place(&user)
    };
    assert_eq!(key.open(&sealed, &shifted), None);
}

#[test]
fn notes_written_before_row_binding_still_open() {
    let key = NoteKey::from_base64(KEY).unwrap();
    let user = alice();
    let old = legacy_seal(&key, "old note");
    assert_eq!(key.open(&old, &place(&user)).as_deref(), Some("old note"));
    // One legacy nonce in 256 starts with the version byte by chance: still the old note.
    let lookalike = (0..5000)
        .map(|_| legacy_seal(&key, "old note"))
        .find(|sealed| sealed[0] == VERSION_1)
        .expect("one nonce in 256 starts with 1");
    assert_eq!(
        key.open(&lookalike, &place(&user)).as_deref(),
        Some("old note")
    );
    let other = NoteKey::from_base64(OTHER).unwrap();
    assert_eq!(other.open(&legacy_seal(&key, "x"), &place(&user)), None);
}

#[test]
fn a_new_note_never_opens_as_an_old_one_without_its_place() {
    let key = NoteKey::from_base64(KEY).unwrap();
    let user = alice();
    let sealed = key.seal("rough week", &place(&user));
    assert_eq!(key.decrypt(&sealed, &[]), None);
    assert_eq!(key.decrypt(&sealed[1..], &[]), None);
    assert_eq!(key.open(&[], &place(&user)), None);
    assert_eq!(key.open(&[VERSION_1], &place(&user)), None);
}

#[test]
fn the_fingerprint_is_stable_differs_per_key_and_does_not_reveal_the_key() {
    let key = NoteKey::from_base64(KEY).unwrap();
    let again = NoteKey::from_base64(&format!("  {KEY}\n")).unwrap();
    let other = NoteKey::from_base64(OTHER).unwrap();
    assert_eq!(key.fingerprint(), again.fingerprint());
    assert_ne!(key.fingerprint(), other.fingerprint());
    assert_eq!(key.fingerprint().len(), 32);
    assert!(key.fingerprint().chars().all(|c| c.is_ascii_hexdigit()));
    let raw = base64::engine::general_purpose::STANDARD
        .decode(KEY)
        .unwrap();
    let raw_hex: String = raw.iter().map(|b| format!("{b:02x}")).collect();
    let plain_hash: String = Sha256::digest(&raw)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    for revealing in [&raw_hex[..16], &plain_hash[..16], KEY] {
        assert!(!key.fingerprint().contains(revealing), "{revealing}");
    }
}

#[test]
fn bad_keys_are_refused_with_a_reason() {
    assert!(
        NoteKey::from_base64("not base64!")
            .unwrap_err()
            .contains("base64")
    );
    assert!(NoteKey::from_base64("c2hvcnQ=").unwrap_err().contains("32"));
    assert_eq!(
        format!("{:?}", NoteKey::from_base64(KEY).unwrap()),
        "NoteKey(…)"
    );
}
