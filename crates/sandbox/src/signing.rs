//! Signing keys as the state keeps them, and the `Upstash-Signature` every delivery to a
//! destination carries (added by `keys`), so an app that verifies signatures (the SDKs'
//! `Receiver`, `@upstash/workflow`'s `serve` with keys set) works against the sandbox as
//! against QStash.
//!
//! The signature is a JWT signed HS256 with the current key: `iss` "Upstash", `sub` the
//! destination URL, `iat`/`nbf` now, `exp` five minutes on, a `jti`, and `body` the
//! base64url SHA-256 of the body. Keys belong to the state (saved with it) and are derived
//! from the token and the number of rotations, so a sandbox started fresh with the same token
//! has the same keys: an app configured once keeps verifying.

use base64::engine::general_purpose::{URL_SAFE, URL_SAFE_NO_PAD};
use base64::Engine;
use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use serde_json::json;
use sha2::{Digest, Sha256};

/// How long a signature is valid, as QStash gives it.
const VALID_S: i64 = 300;

/// The current and next signing keys of a sandbox state.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SigningKeys {
    pub current: String,
    pub next: String,
    /// Rotations so far: the next key made is the one of `rotations + 1`.
    #[serde(default)]
    pub rotations: u64,
}

impl SigningKeys {
    pub fn is_empty(&self) -> bool {
        self.current.is_empty() && self.next.is_empty()
    }

    /// Makes the keys of a state that has none (a fresh one, or one saved before keys).
    pub fn ensure(&mut self, token: &str) {
        if self.current.is_empty() || self.next.is_empty() {
            *self = SigningKeys {
                current: derive(token, 0),
                next: derive(token, 1),
                rotations: 0,
            };
        }
    }

    /// The next key becomes the current one, and a fresh next key is made.
    pub fn rotate(&mut self, token: &str) {
        self.rotations += 1;
        self.current = std::mem::take(&mut self.next);
        self.next = derive(token, self.rotations + 1);
    }

    /// `{current, next}`, as `GET /v2/keys` answers.
    pub fn wire(&self) -> serde_json::Value {
        json!({ "current": self.current, "next": self.next })
    }
}

/// Key number `n` of the state with `token`: `sig_` and 28 letters and digits, as QStash's.
fn derive(token: &str, n: u64) -> String {
    const ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    let digest = Sha256::digest(format!("dlq sandbox signing key\0{token}\0{n}"));
    let tail: String = digest
        .iter()
        .take(28)
        .map(|b| ALPHABET[*b as usize % ALPHABET.len()] as char)
        .collect();
    format!("sig_{tail}")
}

/// The `Upstash-Signature` of a delivery of `body` to `url`, at `now_ms`, with token id `jti`.
pub fn signature(key: &str, url: &str, body: &[u8], now_ms: i64, jti: &str) -> String {
    let now = now_ms / 1000;
    let header = json!({ "alg": "HS256", "typ": "JWT" });
    let claims = json!({
        "iss": "Upstash",
        "sub": url,
        "exp": now + VALID_S,
        "nbf": now,
        "iat": now,
        "jti": jti,
        "body": URL_SAFE.encode(Sha256::digest(body)),
    });
    let signed = format!(
        "{}.{}",
        URL_SAFE_NO_PAD.encode(header.to_string()),
        URL_SAFE_NO_PAD.encode(claims.to_string())
    );
    let mut mac = Hmac::<Sha256>::new_from_slice(key.as_bytes()).expect("HMAC takes any key");
    mac.update(signed.as_bytes());
    let sig = URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes());
    format!("{signed}.{sig}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_follow_the_token_and_rotate_next_into_current() {
        let mut k = SigningKeys::default();
        k.ensure("tok");
        let (first, second) = (k.current.clone(), k.next.clone());
        assert!(first.starts_with("sig_") && first.len() == 32 && first != second);
        let mut again = SigningKeys::default();
        again.ensure("tok");
        assert_eq!((again.current, again.next), (first.clone(), second.clone()));
        let mut other = SigningKeys::default();
        other.ensure("other");
        assert_ne!(other.current, first);
        k.rotate("tok");
        assert_eq!(k.current, second);
        assert!(k.next != first && k.next != second);
        k.ensure("tok");
        assert_eq!(k.current, second, "ensure keeps keys there are");
    }

    #[test]
    fn the_signature_is_hs256_over_its_two_parts() {
        let jwt = signature(
            "sig_key",
            "http://127.0.0.1:9/x",
            b"hello",
            1_700_000_000_123,
            "jwt_1",
        );
        let parts: Vec<&str> = jwt.split('.').collect();
        assert_eq!(parts.len(), 3);
        let mut mac = Hmac::<Sha256>::new_from_slice(b"sig_key").unwrap();
        mac.update(format!("{}.{}", parts[0], parts[1]).as_bytes());
        mac.verify_slice(&URL_SAFE_NO_PAD.decode(parts[2]).unwrap())
            .unwrap();
        let claims: serde_json::Value =
            serde_json::from_slice(&URL_SAFE_NO_PAD.decode(parts[1]).unwrap()).unwrap();
        assert_eq!(claims["sub"], "http://127.0.0.1:9/x");
        assert_eq!(claims["iss"], "Upstash");
        assert_eq!(claims["exp"], 1_700_000_300);
        assert_eq!(
            claims["body"],
            URL_SAFE.encode(Sha256::digest(b"hello")).as_str()
        );
    }
}
