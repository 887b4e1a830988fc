//! Passwords: hashed with Argon2id (never stored or logged in clear), checked
//! in constant time, and generated for one-time use.

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use rand::Rng;

/// The shortest password people may choose.
pub const MIN_LENGTH: usize = 10;

/// Hashes a password into the PHC string stored in the database.
pub fn hash(password: &str) -> Result<String, argon2::password_hash::Error> {
    let salt = SaltString::generate(&mut argon2::password_hash::rand_core::OsRng);
    Ok(Argon2::default()
        .hash_password(password.as_bytes(), &salt)?
        .to_string())
}

/// Whether `password` matches a stored hash. A malformed hash matches nothing.
pub fn verify(password: &str, stored: &str) -> bool {
    PasswordHash::new(stored).is_ok_and(|parsed| {
        Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok()
    })
}

/// A hash of a password nobody knows, to verify against when an account does
/// not exist: signing in then takes as long as with a wrong password, so the
/// timing does not tell which addresses have accounts.
pub fn decoy_hash() -> &'static str {
    static DECOY: std::sync::LazyLock<String> =
        std::sync::LazyLock::new(|| hash(&generate()).unwrap_or_default());
    &DECOY
}

/// Why a new password is refused, in Vietnamese, or `None` when it is fine.
pub fn weakness(password: &str) -> Option<&'static str> {
    if password.chars().count() < MIN_LENGTH {
        return Some("Mật khẩu cần ít nhất 10 ký tự.");
    }
    if password.chars().all(|c| c.is_ascii_digit()) {
        return Some("Mật khẩu không được chỉ gồm chữ số.");
    }
    None
}

/// A one-time password easy to read aloud and type: four groups of four
/// characters without look-alikes (no 0/O, 1/l/I).
pub fn generate() -> String {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";
    let mut rng = rand::rng();
    (0..4)
        .map(|_| {
            (0..4)
                .map(|_| char::from(ALPHABET[rng.random_range(0..ALPHABET.len())]))
                .collect::<String>()
        })
        .collect::<Vec<_>>()
        .join("-")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hash_verifies_its_password_only() {
        let stored = hash("mật khẩu đủ dài").unwrap();
        assert!(stored.starts_with("$argon2id$"));
        assert!(verify("mật khẩu đủ dài", &stored));
        assert!(!verify("mật khẩu khác", &stored));
        assert!(!verify("anything", "not a hash"));
        assert!(!verify("anything", decoy_hash()));
    }

    #[test]
    fn generated_passwords_are_long_enough_and_differ() {
        let a = generate();
        assert_eq!(a.len(), 19);
        assert!(weakness(&a).is_none());
        assert_ne!(a, generate());
    }

    #[test]
    fn short_or_digit_only_passwords_are_weak() {
        assert!(weakness("ngắn").is_some());
        assert!(weakness("12345678901").is_some());
        assert!(weakness("cổng xã an toàn").is_none());
    }
}
