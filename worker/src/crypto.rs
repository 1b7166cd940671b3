//! Session ids, the per-session token key and AES-256-GCM sealing of the stored tokens.
//!
//! The key that encrypts a session's tokens is `HMAC-SHA256(SESSION_KEY, label || session id)`:
//! the Durable Object's storage holds neither input (the object is addressed by a hash of the
//! session id), so a copy of the storage alone cannot be decrypted.

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine;
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};
use std::fmt;

/// Random part of a session id: 32 bytes from the CSPRNG.
const SESSION_RANDOM_LEN: usize = 32;
/// Authentication tag appended to the random part: truncated HMAC-SHA256 under `SESSION_KEY`.
const SESSION_TAG_LEN: usize = 16;
/// Length of a session id (the cookie value): 48 bytes, base64url without padding.
pub const SESSION_ID_LEN: usize = 64;
const KEY_LABEL: &[u8] = b"tastypocket session tokens v1\0";
const ID_LABEL: &[u8] = b"tastypocket session id v1\0";
const AAD: &[u8] = b"tastypocket-tokens-v1";
const NONCE_LEN: usize = 12;

/// The `SESSION_KEY` secret: 32 bytes given as 64 hex characters.
#[derive(Clone)]
pub struct SessionKey([u8; 32]);

impl SessionKey {
    pub fn from_hex(s: &str) -> Option<Self> {
        let s = s.as_bytes();
        if s.len() != 64 {
            return None;
        }
        let mut out = [0u8; 32];
        for (i, pair) in s.chunks_exact(2).enumerate() {
            let hi = (pair[0] as char).to_digit(16)?;
            let lo = (pair[1] as char).to_digit(16)?;
            out[i] = (hi * 16 + lo) as u8;
        }
        Some(Self(out))
    }

    fn mac(&self, label: &[u8], data: &[u8]) -> [u8; 32] {
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&self.0)
            .expect("HMAC accepts keys of any length");
        mac.update(label);
        mac.update(data);
        mac.finalize().into_bytes().into()
    }
}

impl fmt::Debug for SessionKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

/// An opaque session id (the cookie value): 32 random bytes followed by a 16-byte HMAC tag
/// under `SESSION_KEY`, so a forged or random id is refused before it can address (and spin
/// up) a Durable Object. It is a bearer credential: `Debug` prints `***`.
#[derive(Clone, PartialEq, Eq)]
pub struct SessionId(String);

impl SessionId {
    /// 32 bytes from the platform CSPRNG (Workers: `crypto.getRandomValues`), then the tag.
    pub fn generate(key: &SessionKey) -> Result<Self, CryptoError> {
        let mut bytes = [0u8; SESSION_RANDOM_LEN + SESSION_TAG_LEN];
        getrandom::fill(&mut bytes[..SESSION_RANDOM_LEN]).map_err(|_| CryptoError::Random)?;
        let tag = key.mac(ID_LABEL, &bytes[..SESSION_RANDOM_LEN]);
        bytes[SESSION_RANDOM_LEN..].copy_from_slice(&tag[..SESSION_TAG_LEN]);
        Ok(Self(URL_SAFE_NO_PAD.encode(bytes)))
    }

    /// Accepts exactly the shape [`generate`](Self::generate) produces with this key: right
    /// length and alphabet, and a tag that verifies (compared in constant time).
    pub fn parse(s: &str, key: &SessionKey) -> Option<Self> {
        if s.len() != SESSION_ID_LEN
            || !s
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        {
            return None;
        }
        let bytes = URL_SAFE_NO_PAD.decode(s).ok()?;
        if bytes.len() != SESSION_RANDOM_LEN + SESSION_TAG_LEN {
            return None;
        }
        let (random, tag) = bytes.split_at(SESSION_RANDOM_LEN);
        let mut mac =
            <Hmac<Sha256> as Mac>::new_from_slice(&key.0).expect("HMAC accepts keys of any length");
        mac.update(ID_LABEL);
        mac.update(random);
        mac.verify_truncated_left(tag).ok()?;
        Some(Self(s.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for SessionId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SessionId(***)")
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CryptoError {
    Random,
    Seal,
    /// Wrong key, tampered or truncated data.
    Open,
}

impl fmt::Display for CryptoError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            CryptoError::Random => "random number generator failed",
            CryptoError::Seal => "encryption failed",
            CryptoError::Open => "stored session data could not be decrypted",
        })
    }
}

/// AES-256-GCM keyed for one session.
#[derive(Clone)]
pub struct TokenCipher(Aes256Gcm);

impl fmt::Debug for TokenCipher {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("TokenCipher(***)")
    }
}

impl TokenCipher {
    pub fn for_session(master: &SessionKey, session: &SessionId) -> Self {
        let key = master.mac(KEY_LABEL, session.as_str().as_bytes());
        Self(Aes256Gcm::new(&key.into()))
    }

    /// `base64(nonce || ciphertext+tag)` with a fresh random nonce.
    pub fn seal(&self, plaintext: &[u8]) -> Result<String, CryptoError> {
        let mut nonce = [0u8; NONCE_LEN];
        getrandom::fill(&mut nonce).map_err(|_| CryptoError::Random)?;
        let ct = self
            .0
            .encrypt(
                Nonce::from_slice(&nonce),
                Payload {
                    msg: plaintext,
                    aad: AAD,
                },
            )
            .map_err(|_| CryptoError::Seal)?;
        let mut out = Vec::with_capacity(NONCE_LEN + ct.len());
        out.extend_from_slice(&nonce);
        out.extend_from_slice(&ct);
        Ok(STANDARD.encode(out))
    }

    pub fn open(&self, sealed: &str) -> Result<Vec<u8>, CryptoError> {
        let raw = STANDARD.decode(sealed).map_err(|_| CryptoError::Open)?;
        if raw.len() < NONCE_LEN + 16 {
            return Err(CryptoError::Open);
        }
        let (nonce, ct) = raw.split_at(NONCE_LEN);
        self.0
            .decrypt(Nonce::from_slice(nonce), Payload { msg: ct, aad: AAD })
            .map_err(|_| CryptoError::Open)
    }
}

/// `base64(SHA-256(data))`, the form CSP hash sources use.
pub fn sha256_base64(data: &[u8]) -> String {
    STANDARD.encode(Sha256::digest(data))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(byte: char) -> SessionKey {
        SessionKey::from_hex(&byte.to_string().repeat(64)).unwrap()
    }

    #[test]
    fn session_ids_are_64_char_base64url_unique_and_verify() {
        let k = key('1');
        let a = SessionId::generate(&k).unwrap();
        let b = SessionId::generate(&k).unwrap();
        assert_eq!(a.as_str().len(), SESSION_ID_LEN);
        assert_ne!(a, b);
        assert_eq!(SessionId::parse(a.as_str(), &k), Some(a.clone()));
        assert_eq!(format!("{a:?}"), "SessionId(***)");
    }

    #[test]
    fn session_id_parse_rejects_forgeries_and_everything_else() {
        let k = key('1');
        let good = SessionId::generate(&k).unwrap();
        let s = good.as_str();
        // The same id under another SESSION_KEY (e.g. after rotation) is not ours.
        assert!(SessionId::parse(s, &key('2')).is_none());
        // A well-formed random id without a valid tag (what an attacker can make).
        let random = URL_SAFE_NO_PAD.encode([7u8; 48]);
        assert_eq!(random.len(), SESSION_ID_LEN);
        assert!(SessionId::parse(&random, &k).is_none());
        // One flipped character in the random part or the tag.
        for at in [0, 20, 42, 50, 63] {
            let mut chars: Vec<char> = s.chars().collect();
            chars[at] = if chars[at] == 'A' { 'B' } else { 'A' };
            let flipped: String = chars.into_iter().collect();
            assert!(SessionId::parse(&flipped, &k).is_none(), "flip at {at}");
        }
        for bad in [
            "",
            "abc",
            &s[1..],
            &format!("{s}A"),
            &format!("{}=", &s[..63]),
            &format!("{}+", &s[..63]),
            &format!("{}/", &s[..63]),
            &format!("{}é", &s[..62]),
            &"0".repeat(64),
            &s[..43],
        ] {
            assert!(SessionId::parse(bad, &k).is_none(), "{bad:?}");
        }
    }

    #[test]
    fn session_key_is_exactly_64_hex() {
        assert!(SessionKey::from_hex(&"aB".repeat(32)).is_some());
        assert!(SessionKey::from_hex(&"a".repeat(63)).is_none());
        assert!(SessionKey::from_hex(&"g".repeat(64)).is_none());
        assert!(SessionKey::from_hex(&"é".repeat(32)).is_none());
        assert_eq!(format!("{:?}", key('1')), "***");
    }

    #[test]
    fn seal_open_round_trip_and_fresh_nonces() {
        let sid = SessionId::generate(&key('7')).unwrap();
        let c = TokenCipher::for_session(&key('7'), &sid);
        let a = c.seal(b"refresh-token").unwrap();
        let b = c.seal(b"refresh-token").unwrap();
        assert_ne!(a, b);
        assert!(!a.contains("refresh"));
        assert_eq!(c.open(&a).unwrap(), b"refresh-token");
    }

    #[test]
    fn other_session_or_master_key_or_tampering_cannot_open() {
        let sid = SessionId::generate(&key('7')).unwrap();
        let other = SessionId::generate(&key('7')).unwrap();
        let sealed = TokenCipher::for_session(&key('7'), &sid)
            .seal(b"secret")
            .unwrap();
        assert_eq!(
            TokenCipher::for_session(&key('7'), &other).open(&sealed),
            Err(CryptoError::Open)
        );
        assert_eq!(
            TokenCipher::for_session(&key('8'), &sid).open(&sealed),
            Err(CryptoError::Open)
        );
        let mut raw = STANDARD.decode(&sealed).unwrap();
        let last = raw.len() - 1;
        raw[last] ^= 1;
        let c = TokenCipher::for_session(&key('7'), &sid);
        assert_eq!(c.open(&STANDARD.encode(raw)), Err(CryptoError::Open));
        assert_eq!(c.open("not base64!"), Err(CryptoError::Open));
        assert_eq!(c.open(""), Err(CryptoError::Open));
    }

    #[test]
    fn sha256_base64_matches_known_vector() {
        // echo -n 'abc' | openssl dgst -sha256 -binary | base64
        assert_eq!(
            sha256_base64(b"abc"),
            "ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0="
        );
    }
}
