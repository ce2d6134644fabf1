//! Encryption of check-in notes at rest: XChaCha20-Poly1305 with a random nonce per note, each
//! note bound to its row. Without a key, notes are not stored at all.
//!
//! # Format
//!
//! Version 1, written now: `0x01 ‖ nonce (24 bytes) ‖ ciphertext and tag`. The associated data
//! names the row ([`NotePlace`]: platform, member id, community and week), so a ciphertext
//! copied onto another member's answer fails its tag and shows as unreadable, never as someone
//! else's text. These four columns never change once an answer is written (a correction
//! updates mood, stress and note only). Two answers of one member in one week share a place;
//! swapping their notes shows the member only their own words.
//!
//! Legacy, before the key fingerprint (migration 0008): `nonce ‖ ciphertext and tag`, with no
//! associated data. Such notes are still read, so nothing written before is lost, but they are
//! not bound to their rows until `labcircle notes rekey` rewrites every note as version 1 (with
//! the same key in both variables, it upgrades them in place). A legacy nonce starts with 0x01
//! one time in 256, so [`NoteKey::open`] tries version 1 first and then legacy. The fallback
//! does not weaken new notes: a version-1 ciphertext's tag covers its associated data, so it
//! never opens as a legacy note.
//!
//! # Fingerprint
//!
//! The database keeps [`NoteKey::fingerprint`], SHA-256 over a fixed label and the key, so a
//! changed key is noticed at start-up rather than leaving old notes silently unreadable. The
//! key is 32 random bytes, so its hash tells nothing about it; the label keeps the value apart
//! from any other hash of the same bytes.

use base64::Engine as _;
use chacha20poly1305::aead::{Aead, AeadCore, KeyInit, OsRng, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use sha2::{Digest, Sha256};

use crate::domain::identity::UserId;

/// Nonce length of XChaCha20-Poly1305.
const NONCE: usize = 24;
/// First byte of a note sealed with its place as associated data.
const VERSION_1: u8 = 1;
/// The first byte of every note written now.
pub const CURRENT_VERSION: u8 = VERSION_1;
/// Hashed before the key for its fingerprint.
const FINGERPRINT_LABEL: &[u8] = b"labcircle note key fingerprint v1\0";
/// Starts the associated data of a version-1 note.
const PLACE_LABEL: &[u8] = b"labcircle note v1\0";

/// The key that encrypts notes. Its `Debug` never shows it.
#[derive(Clone)]
pub struct NoteKey {
    cipher: XChaCha20Poly1305,
    fingerprint: String,
}

impl std::fmt::Debug for NoteKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("NoteKey(…)")
    }
}

/// The answer a note belongs to: what a ciphertext is bound to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NotePlace<'a> {
    /// Platform code, as stored (`console`, `discord`, `matrix`).
    pub platform: &'a str,
    /// The member's id on that platform.
    pub user_id: &'a str,
    /// The community the answer counts in (`platform:id`).
    pub community: &'a str,
    /// Monday of the answer's week, `YYYY-MM-DD`.
    pub week: &'a str,
}

impl<'a> NotePlace<'a> {
    /// The place of a member's answer in a community and week.
    pub fn of(user: &'a UserId, community: &'a str, week: &'a str) -> NotePlace<'a> {
        NotePlace {
            platform: user.platform.code(),
            user_id: &user.id,
            community,
            week,
        }
    }

    /// Label, then every field with its length in front, so no two places give the same bytes.
    fn associated_data(&self) -> Vec<u8> {
        let mut out = PLACE_LABEL.to_vec();
        for field in [self.platform, self.user_id, self.community, self.week] {
            let len = u32::try_from(field.len()).unwrap_or(u32::MAX);
            out.extend(len.to_be_bytes());
            out.extend(field.as_bytes());
        }
        out
    }
}

impl NoteKey {
    /// Reads a key written as base64 (32 bytes; `openssl rand -base64 32` makes one).
    pub fn from_base64(text: &str) -> Result<NoteKey, String> {
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(text.trim())
            .map_err(|_| "the note key is not base64; make one with: openssl rand -base64 32")?;
        if bytes.len() != 32 {
            return Err(format!(
                "the note key is {} bytes; it must be 32 (openssl rand -base64 32)",
                bytes.len()
            ));
        }
        let cipher = XChaCha20Poly1305::new_from_slice(&bytes).map_err(|_| "bad key length")?;
        let digest = Sha256::new()
            .chain_update(FINGERPRINT_LABEL)
            .chain_update(&bytes)
            .finalize();
        // 128 bits tell keys apart and stay short enough to compare by eye.
        let fingerprint = digest[..16].iter().map(|b| format!("{b:02x}")).collect();
        Ok(NoteKey {
            cipher,
            fingerprint,
        })
    }

    /// A stable name for this key that reveals nothing about it (32 hex digits).
    pub fn fingerprint(&self) -> &str {
        &self.fingerprint
    }

    /// Encrypts a note for its place: version byte, nonce, then ciphertext.
    pub fn seal(&self, note: &str, place: &NotePlace<'_>) -> Vec<u8> {
        let nonce = XChaCha20Poly1305::generate_nonce(&mut OsRng);
        let aad = place.associated_data();
        let payload = Payload {
            msg: note.as_bytes(),
            aad: &aad,
        };
        let sealed = self
            .cipher
            .encrypt(&nonce, payload)
            .expect("encrypting a short note in memory cannot fail");
        let mut out = Vec::with_capacity(1 + NONCE + sealed.len());
        out.push(VERSION_1);
        out.extend(nonce);
        out.extend(sealed);
        out
    }

    /// Decrypts a note sealed for `place` (or a legacy note, see the module docs); `None` if it
    /// was sealed with another key, for another place, or is damaged.
    pub fn open(&self, sealed: &[u8], place: &NotePlace<'_>) -> Option<String> {
        let plain = match sealed.split_first() {
            Some((&VERSION_1, rest)) => {
                let aad = place.associated_data();
                self.decrypt(rest, &aad)
                    .or_else(|| self.decrypt(sealed, &[]))
            }
            _ => self.decrypt(sealed, &[]),
        }?;
        String::from_utf8(plain).ok()
    }

    fn decrypt(&self, sealed: &[u8], aad: &[u8]) -> Option<Vec<u8>> {
        if sealed.len() < NONCE {
            return None;
        }
        let (nonce, body) = sealed.split_at(NONCE);
        let nonce: [u8; NONCE] = nonce.try_into().ok()?;
        let payload = Payload { msg: body, aad };
        self.cipher.decrypt(&XNonce::from(nonce), payload).ok()
    }
}

#[cfg(test)]
mod tests;
