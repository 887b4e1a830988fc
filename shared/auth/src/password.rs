//! Passwords: hashed with Argon2id (never stored or logged in clear), checked
//! in constant time, and generated for one-time use.
//!
//! Argon2 is meant to be slow (tens of milliseconds of CPU and 19 MiB each).
//! Run on the async workers, a burst of sign-ins would stall every other
//! request of the process; so every hash and check runs on tokio's blocking
//! pool, and at most [`slots`] at a time: a flood of sign-ins queues for a
//! slot while the rest of the machine keeps serving pages.

use std::sync::LazyLock;

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use rand::Rng;
use tokio::sync::Semaphore;

/// The shortest password people may choose.
pub const MIN_LENGTH: usize = 10;

/// Why a password could not be hashed.
#[derive(Debug, thiserror::Error)]
pub enum HashError {
    #[error("argon2: {0}")]
    Argon2(argon2::password_hash::Error),
    #[error("the hashing task did not finish: {0}")]
    Stopped(#[from] tokio::task::JoinError),
}

/// How many hashes may run at once: half the machine's cores, at least one,
/// so that the other half always stays free for everything else.
pub fn slots() -> usize {
    std::thread::available_parallelism().map_or(1, |n| (n.get() / 2).max(1))
}

static SLOTS: LazyLock<Semaphore> = LazyLock::new(|| Semaphore::new(slots()));

/// Runs `work` on the blocking pool once a hashing slot is free.
async fn off_the_workers<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, tokio::task::JoinError> {
    // The semaphore is never closed, so acquiring only waits.
    let _slot = SLOTS.acquire().await;
    tokio::task::spawn_blocking(work).await
}

fn hash_now(password: &str) -> Result<String, argon2::password_hash::Error> {
    let salt = SaltString::generate(&mut argon2::password_hash::rand_core::OsRng);
    Ok(Argon2::default()
        .hash_password(password.as_bytes(), &salt)?
        .to_string())
}

fn verify_now(password: &str, stored: &str) -> bool {
    PasswordHash::new(stored).is_ok_and(|parsed| {
        Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok()
    })
}

/// Hashes a password into the PHC string stored in the database.
pub async fn hash(password: &str) -> Result<String, HashError> {
    let password = password.to_owned();
    off_the_workers(move || hash_now(&password))
        .await?
        .map_err(HashError::Argon2)
}

/// Whether `password` matches a stored hash. A malformed hash matches nothing.
pub async fn verify(password: &str, stored: &str) -> bool {
    let (password, stored) = (password.to_owned(), stored.to_owned());
    off_the_workers(move || verify_now(&password, &stored))
        .await
        .unwrap_or(false)
}

/// The same work as checking a password against a real account, against a
/// hash of a password nobody knows: for an address without an account (or
/// one that may not sign in now), so that the time taken does not tell which
/// addresses have accounts. Always false.
pub async fn verify_decoy(password: &str) {
    static DECOY: LazyLock<String> = LazyLock::new(|| hash_now(&generate()).unwrap_or_default());
    let password = password.to_owned();
    let _ = off_the_workers(move || verify_now(&password, &DECOY)).await;
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

    #[tokio::test]
    async fn a_hash_verifies_its_password_only() {
        let stored = hash("mật khẩu đủ dài").await.unwrap();
        assert!(stored.starts_with("$argon2id$"));
        assert!(verify("mật khẩu đủ dài", &stored).await);
        assert!(!verify("mật khẩu khác", &stored).await);
        assert!(!verify("anything", "not a hash").await);
        verify_decoy("anything").await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn many_checks_at_once_all_finish_and_agree() {
        let stored = hash("mật khẩu đủ dài").await.unwrap();
        let checks = (0..8).map(|i| {
            let stored = stored.clone();
            tokio::spawn(async move {
                let given = if i % 2 == 0 {
                    "mật khẩu đủ dài"
                } else {
                    "sai"
                };
                verify(given, &stored).await == (i % 2 == 0)
            })
        });
        for check in checks {
            assert!(check.await.unwrap());
        }
    }

    #[test]
    fn at_least_one_hash_may_run() {
        assert!(slots() >= 1);
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
