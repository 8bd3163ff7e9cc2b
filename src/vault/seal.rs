//! AES-256-GCM sealing. A sealed value is `sb1.<key id>.<nonce>.<ciphertext>` (base64), and its
//! associated data names the table, row and field it belongs to, so a ciphertext copied into
//! another row or field fails to open.

use std::sync::Arc;

use aes_gcm::aead::{Aead, AeadCore, KeyInit, OsRng, Payload};
use aes_gcm::{Aes256Gcm, Key, Nonce};
use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use sha2::{Digest, Sha256};

use crate::common::secret::Secret;

const PREFIX: &str = "sb1";

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum SealError {
    #[error("密文格式无效")]
    Malformed,
    #[error("密文由另一把主密钥（{0}）加密")]
    OtherKey(String),
    #[error("密文无法解开：已被篡改，或不属于这一行")]
    Tampered,
}

/// Where a sealed value lives; bound into the ciphertext as associated data.
#[derive(Clone, Debug)]
pub struct Slot {
    pub table: &'static str,
    pub row: String,
    pub field: &'static str,
}

impl Slot {
    pub fn new(table: &'static str, row: impl ToString, field: &'static str) -> Self {
        Slot {
            table,
            row: row.to_string(),
            field,
        }
    }

    fn aad(&self) -> String {
        format!("{}/{}/{}", self.table, self.row, self.field)
    }
}

/// A 256-bit master key and its id (the first 8 hex digits of its SHA-256).
#[derive(Clone)]
pub struct MasterKey {
    id: String,
    bytes: [u8; 32],
}

impl std::fmt::Debug for MasterKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "MasterKey({}, [REDACTED])", self.id)
    }
}

impl MasterKey {
    pub fn generate() -> Self {
        let key = Aes256Gcm::generate_key(&mut OsRng);
        Self::from_bytes(key.into())
    }

    pub fn from_bytes(bytes: [u8; 32]) -> Self {
        let digest = Sha256::digest(bytes);
        let id = digest[..4].iter().map(|b| format!("{b:02x}")).collect();
        MasterKey { id, bytes }
    }

    /// Parses the base64 text of a key file or `SHOPBRIDGE_MASTER_KEY`.
    pub fn from_base64(text: &str) -> Option<Self> {
        let bytes = B64.decode(text.trim()).ok()?;
        let bytes: [u8; 32] = bytes.try_into().ok()?;
        Some(Self::from_bytes(bytes))
    }

    pub fn to_base64(&self) -> String {
        B64.encode(self.bytes)
    }

    pub fn id(&self) -> &str {
        &self.id
    }
}

/// Seals and opens secrets under one master key.
#[derive(Clone, Debug)]
pub struct Sealer {
    key: Arc<MasterKey>,
}

impl Sealer {
    pub fn new(key: MasterKey) -> Self {
        Sealer { key: Arc::new(key) }
    }

    pub fn key_id(&self) -> &str {
        self.key.id()
    }

    pub fn seal(&self, slot: &Slot, plain: &Secret) -> String {
        let cipher = Aes256Gcm::new(Key::<Aes256Gcm>::from_slice(&self.key.bytes));
        let nonce = Aes256Gcm::generate_nonce(&mut OsRng);
        let aad = slot.aad();
        let payload = Payload {
            msg: plain.expose().as_bytes(),
            aad: aad.as_bytes(),
        };
        // Encryption with a fresh nonce and an in-memory buffer cannot fail.
        let ciphertext = cipher.encrypt(&nonce, payload).unwrap_or_default();
        format!(
            "{PREFIX}.{}.{}.{}",
            self.key.id,
            B64.encode(nonce),
            B64.encode(ciphertext)
        )
    }

    pub fn open(&self, slot: &Slot, sealed: &str) -> Result<Secret, SealError> {
        let mut parts = sealed.split('.');
        let (Some(PREFIX), Some(key_id), Some(nonce), Some(ciphertext), None) = (
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
        ) else {
            return Err(SealError::Malformed);
        };
        if key_id != self.key.id {
            return Err(SealError::OtherKey(key_id.to_string()));
        }
        let nonce = B64.decode(nonce).map_err(|_| SealError::Malformed)?;
        let ciphertext = B64.decode(ciphertext).map_err(|_| SealError::Malformed)?;
        if nonce.len() != 12 {
            return Err(SealError::Malformed);
        }
        let cipher = Aes256Gcm::new(Key::<Aes256Gcm>::from_slice(&self.key.bytes));
        let aad = slot.aad();
        let payload = Payload {
            msg: &ciphertext,
            aad: aad.as_bytes(),
        };
        let plain = cipher
            .decrypt(Nonce::from_slice(&nonce), payload)
            .map_err(|_| SealError::Tampered)?;
        String::from_utf8(plain)
            .map(Secret::new)
            .map_err(|_| SealError::Tampered)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn slot(row: i64) -> Slot {
        Slot::new("ozon_credentials", row, "api_key")
    }

    #[test]
    fn roundtrip() {
        let sealer = Sealer::new(MasterKey::generate());
        let sealed = sealer.seal(&slot(1), &Secret::new("api-key-value"));
        assert!(!sealed.contains("api-key-value"));
        assert_eq!(
            sealer.open(&slot(1), &sealed),
            Ok(Secret::new("api-key-value"))
        );
    }

    #[test]
    fn same_input_seals_differently_each_time() {
        let sealer = Sealer::new(MasterKey::generate());
        let a = sealer.seal(&slot(1), &Secret::new("same"));
        let b = sealer.seal(&slot(1), &Secret::new("same"));
        assert_ne!(a, b);
    }

    #[test]
    fn a_tampered_byte_fails() {
        let sealer = Sealer::new(MasterKey::generate());
        let sealed = sealer.seal(&slot(1), &Secret::new("value"));
        let (head, body) = sealed.rsplit_once('.').expect("parts");
        let mut bytes = B64.decode(body).expect("b64");
        bytes[0] ^= 0x01;
        let tampered = format!("{head}.{}", B64.encode(bytes));
        assert_eq!(sealer.open(&slot(1), &tampered), Err(SealError::Tampered));
        assert_eq!(sealer.open(&slot(1), "garbage"), Err(SealError::Malformed));
    }

    #[test]
    fn the_wrong_key_fails() {
        let sealed = Sealer::new(MasterKey::generate()).seal(&slot(1), &Secret::new("v"));
        let other = Sealer::new(MasterKey::generate());
        assert!(matches!(
            other.open(&slot(1), &sealed),
            Err(SealError::OtherKey(_))
        ));
        // Even with a forged key id, the wrong key cannot open it.
        let forged = sealed.replacen(sealed.split('.').nth(1).expect("id"), other.key_id(), 1);
        assert_eq!(other.open(&slot(1), &forged), Err(SealError::Tampered));
    }

    #[test]
    fn a_ciphertext_swapped_between_rows_fails() {
        let sealer = Sealer::new(MasterKey::generate());
        let row1 = sealer.seal(&slot(1), &Secret::new("secret of row 1"));
        assert_eq!(sealer.open(&slot(2), &row1), Err(SealError::Tampered));
        let other_field = Slot::new("ozon_credentials", 1, "client_secret");
        assert_eq!(sealer.open(&other_field, &row1), Err(SealError::Tampered));
    }

    #[test]
    fn keys_survive_base64() {
        let key = MasterKey::generate();
        let again = MasterKey::from_base64(&key.to_base64()).expect("parse");
        assert_eq!(key.id(), again.id());
        assert!(MasterKey::from_base64("dG9vIHNob3J0").is_none());
        assert!(!format!("{key:?}").contains(&key.to_base64()));
    }
}
