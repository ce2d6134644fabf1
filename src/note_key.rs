//! Keeping the note key and the stored notes together: the start-up check against the
//! fingerprint in the database, and `labcircle notes rekey`.
//!
//! A changed key used to leave old notes silently unreadable while new ones were written with
//! the new key. Now the first key seen is recorded by fingerprint ([`NoteKey::fingerprint`]);
//! every later start with a key compares it, and a different key is refused while notes exist.
//! Moving to a new key is `labcircle notes rekey`, which re-encrypts every note in one
//! transaction. Without a key the bot still starts (notes are simply not kept), with a warning
//! when encrypted notes are stored.

use std::process::ExitCode;

use anyhow::Context;

use crate::config::{self, Config, ENV_NOTE_KEY};
use crate::notes::{NoteKey, NotePlace};
use crate::store::{Rekeyed, Store, StoredNote};

/// The environment variable `labcircle notes rekey` reads the old key from (never an argument,
/// which other users of the machine could see in the process list).
pub const ENV_OLD_NOTE_KEY: &str = "LABCIRCLE_OLD_NOTE_KEY";

/// The configured note key, if any (`checkins.note_key` or `LABCIRCLE_NOTE_KEY`).
pub fn configured(config: &Config) -> anyhow::Result<Option<NoteKey>> {
    config::exposed(&config.checkins.note_key)
        .map(NoteKey::from_base64)
        .transpose()
        .map_err(|e| anyhow::anyhow!("{ENV_NOTE_KEY}: {e}"))
}

/// Compares the configured key with the database's: records the first key seen, refuses a
/// different one while notes exist. `Ok(Some(warning))` when the operator should hear about
/// notes that cannot be shown (no key, or some notes written with another key).
pub async fn check(store: &Store, key: Option<&NoteKey>) -> anyhow::Result<Option<String>> {
    let now = chrono::Utc::now().timestamp();
    let notes = store.count_notes().await?;
    let Some(key) = key else {
        if notes == 0 {
            return Ok(None);
        }
        let which = store
            .note_key_fingerprint()
            .await?
            .map_or_else(String::new, |f| format!(" (fingerprint {f})"));
        return Ok(Some(format!(
            "{notes} {} stored encrypted but {ENV_NOTE_KEY} is not set: {they} cannot be shown \
             to {their} members (in /checkin history or /mydata) and new notes are not kept. Set \
             {ENV_NOTE_KEY} to the key {they} {} written with{which}.",
            if notes == 1 { "note is" } else { "notes are" },
            if notes == 1 { "was" } else { "were" },
            they = if notes == 1 { "it" } else { "they" },
            their = if notes == 1 { "its" } else { "their" },
        )));
    };
    match store.note_key_fingerprint().await? {
        Some(stored) if stored == key.fingerprint() => unbound(store).await,
        Some(stored) if notes > 0 => Err(another_key(&stored, key, notes)),
        Some(_) => {
            // Nothing is encrypted with the old key, so nothing is lost by the change.
            store.replace_note_key(key.fingerprint(), now).await?;
            tracing::info!(
                fingerprint = key.fingerprint(),
                "a new note key is recorded (no notes were stored under the old one)"
            );
            Ok(None)
        }
        None => first_key(store, key, notes, now).await,
    }
}

/// The first key this database sees. Notes written before fingerprints were kept must open
/// with it; if none does, it is not their key.
async fn first_key(
    store: &Store,
    key: &NoteKey,
    notes: u64,
    now: i64,
) -> anyhow::Result<Option<String>> {
    let unreadable = if notes == 0 {
        0
    } else {
        let all = store.all_notes().await?;
        all.iter().filter(|n| open(key, n).is_none()).count()
    };
    if notes > 0 && unreadable as u64 == notes {
        anyhow::bail!(
            "{ENV_NOTE_KEY} opens none of the {notes} check-in notes stored in this database: \
             they were written with another key. Set {ENV_NOTE_KEY} to the key they were \
             written with; labcircle stops here so as not to mix keys."
        );
    }
    let stored = store.claim_note_key(key.fingerprint(), now).await?;
    if stored != key.fingerprint() {
        // Another process recorded a different key a moment ago.
        return Err(another_key(&stored, key, notes));
    }
    tracing::info!(fingerprint = key.fingerprint(), "note key recorded");
    if unreadable > 0 {
        return Ok(Some(format!(
            "{unreadable} of {notes} stored notes do not open with {ENV_NOTE_KEY} (written with \
             an earlier key); their members see them as locked"
        )));
    }
    unbound(store).await
}

/// A hint when notes written before row binding remain: one rekey binds them.
async fn unbound(store: &Store) -> anyhow::Result<Option<String>> {
    let n = store.count_unbound_notes().await?;
    Ok((n > 0).then(|| {
        format!(
            "{n} {} written before notes were bound to their answers; to bind {}, run \
             labcircle notes rekey with the current key in both {ENV_OLD_NOTE_KEY} and \
             {ENV_NOTE_KEY}",
            if n == 1 { "note was" } else { "notes were" },
            if n == 1 { "it" } else { "them" }
        )
    }))
}

/// The refusal to start with another key than the notes'.
fn another_key(stored: &str, key: &NoteKey, notes: u64) -> anyhow::Error {
    anyhow::anyhow!(
        "{ENV_NOTE_KEY} is not the key this database's check-in notes are encrypted with (the \
         database names the key with fingerprint {stored}; this key's is {}). Starting with it \
         would leave {notes} {} unreadable, so labcircle stops here. Either set {ENV_NOTE_KEY} \
         back to the old key, or re-encrypt the notes with the new one: \
         {ENV_OLD_NOTE_KEY}=<old key> {ENV_NOTE_KEY}=<new key> labcircle notes rekey",
        key.fingerprint(),
        if notes == 1 { "note" } else { "notes" }
    )
}

fn open(key: &NoteKey, note: &StoredNote) -> Option<String> {
    key.open(&note.sealed, &place(note))
}

fn place(note: &StoredNote) -> NotePlace<'_> {
    NotePlace {
        platform: &note.platform,
        user_id: &note.user_id,
        community: &note.community,
        week: &note.week,
    }
}

/// `labcircle notes rekey`: every note re-encrypted from the old key (`LABCIRCLE_OLD_NOTE_KEY`)
/// to the configured one, bound to its row, in one transaction; or nothing changed.
pub async fn rekey(config: &Config) -> anyhow::Result<ExitCode> {
    let old = std::env::var(ENV_OLD_NOTE_KEY).map_err(|_| {
        anyhow::anyhow!(
            "{ENV_OLD_NOTE_KEY} is not set: set it to the key the notes are encrypted with now, \
             and {ENV_NOTE_KEY} to the new key; nothing was changed"
        )
    })?;
    let old = NoteKey::from_base64(&old)
        .map_err(|e| anyhow::anyhow!("{ENV_OLD_NOTE_KEY}: {e}; nothing was changed"))?;
    let new = configured(config)?.ok_or_else(|| {
        anyhow::anyhow!(
            "{ENV_NOTE_KEY} is not set: set it to the new key (openssl rand -base64 32) and \
             {ENV_OLD_NOTE_KEY} to the old one; nothing was changed"
        )
    })?;
    let (store, path) = crate::app::open_store_unchecked(config).await?;
    let now = chrono::Utc::now().timestamp();
    let outcome = store
        .rekey_notes(old.fingerprint(), new.fingerprint(), now, |note| {
            let text = open(&old, note)?;
            Some(new.seal(&text, &place(note)))
        })
        .await
        .with_context(|| format!("cannot re-encrypt the notes in {}", path.display()));
    store.close().await;
    match outcome? {
        Rekeyed::Done(count) => {
            println!(
                "Re-encrypted {count} {} with the new key (fingerprint {}); start labcircle \
                 with {ENV_NOTE_KEY} set to it.",
                if count == 1 { "note" } else { "notes" },
                new.fingerprint()
            );
            Ok(ExitCode::SUCCESS)
        }
        Rekeyed::OtherKey { stored } => anyhow::bail!(
            "{ENV_OLD_NOTE_KEY} is not the key this database's notes are encrypted with (the \
             database names fingerprint {stored}; this key's is {}); nothing was changed. Set \
             {ENV_OLD_NOTE_KEY} to the key labcircle last ran with.",
            old.fingerprint()
        ),
        Rekeyed::Unreadable { answer_id } => anyhow::bail!(
            "the note of check-in answer #{answer_id} does not open with {ENV_OLD_NOTE_KEY} (it \
             was written with another key, or is damaged); nothing was changed"
        ),
    }
}
