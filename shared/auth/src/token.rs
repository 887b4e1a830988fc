//! Random tokens for sessions and CSRF. Only a hash of a session token is
//! stored, so the database alone never lets anyone sign in.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::RngCore;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

/// 256 random bits, URL-safe.
pub fn generate() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// What the database keeps of a session token.
pub fn hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Compares two secrets without leaking where they differ.
pub fn same(a: &str, b: &str) -> bool {
    a.as_bytes().ct_eq(b.as_bytes()).into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_random_and_hashes_stable() {
        let token = generate();
        assert_eq!(token.len(), 43);
        assert_ne!(token, generate());
        assert_eq!(hash(&token), hash(&token));
        assert_ne!(hash(&token), token);
        assert!(same(&token, &token.clone()));
        assert!(!same(&token, "x"));
    }
}
