//! Encryption of check-in notes at rest: XChaCha20-Poly1305 with a random nonce per note.
//! Without a key, notes are not stored at all.

use base64::Engine as _;
use chacha20poly1305::aead::{Aead, AeadCore, KeyInit, OsRng};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};

/// Nonce length of XChaCha20-Poly1305.
const NONCE: usize = 24;

/// The key that encrypts notes. Its `Debug` never shows it.
#[derive(Clone)]
pub struct NoteKey(XChaCha20Poly1305);

impl std::fmt::Debug for NoteKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("NoteKey(…)")
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
        Ok(NoteKey(cipher))
    }

    /// Encrypts a note: nonce followed by ciphertext.
    pub fn seal(&self, note: &str) -> Vec<u8> {
        let nonce = XChaCha20Poly1305::generate_nonce(&mut OsRng);
        let sealed = self
            .0
            .encrypt(&nonce, note.as_bytes())
            .expect("encrypting a short note in memory cannot fail");
        let mut out = nonce.to_vec();
        out.extend(sealed);
        out
    }

    /// Decrypts a sealed note; `None` if it was sealed with another key or is damaged.
    pub fn open(&self, sealed: &[u8]) -> Option<String> {
        if sealed.len() < NONCE {
            return None;
        }
        let (nonce, body) = sealed.split_at(NONCE);
        let nonce: [u8; NONCE] = nonce.try_into().ok()?;
        let plain = self.0.decrypt(&XNonce::from(nonce), body).ok()?;
        String::from_utf8(plain).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=";

    #[test]
    fn a_sealed_note_opens_with_its_key_only() {
        let key = NoteKey::from_base64(KEY).unwrap();
        let sealed = key.seal("rough week");
        assert!(!String::from_utf8_lossy(&sealed).contains("rough week"));
        assert_eq!(key.open(&sealed).as_deref(), Some("rough week"));
        let other = NoteKey::from_base64("YWJjZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXoxMjM0NTY=").unwrap();
        assert_eq!(other.open(&sealed), None);
        assert_ne!(key.seal("rough week"), sealed, "a fresh nonce each time");
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
}
