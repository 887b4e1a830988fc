//! The optional second factor: a time-based one-time code (TOTP, RFC 6238:
//! SHA-1, 6 digits, 30 seconds), as authenticator apps make. A member turns
//! it on by scanning (or typing) a new secret and confirming with a first
//! code; from then on signing in needs a current code as well. A code is
//! accepted once only, and one step early or late for clocks that drift.

use sqlx::PgPool;
use time::OffsetDateTime;
use totp_rs::{Algorithm, Secret, TOTP};
use uuid::Uuid;

use crate::accounts;
use crate::error::BoardError;

const DIGITS: usize = 6;
const STEP_SECS: u64 = 30;

/// A new random secret, base32 as apps take it.
pub fn new_secret() -> String {
    // 160 bits, as RFC 4226 recommends.
    let bytes: [u8; 20] = rand::random();
    Secret::Raw(bytes.to_vec()).to_encoded().to_string()
}

/// The secret grouped by four for typing by hand.
pub fn grouped(secret: &str) -> String {
    secret
        .as_bytes()
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join(" ")
}

/// The `otpauth://` address apps read (from a link or a QR code).
pub fn setup_url(secret: &str, email: &str, commune: &str) -> String {
    let encode = |s: &str| {
        s.bytes()
            .map(|b| match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                    (b as char).to_string()
                }
                _ => format!("%{b:02X}"),
            })
            .collect::<String>()
    };
    format!(
        "otpauth://totp/{}:{}?secret={secret}&issuer={}&digits={DIGITS}&period={STEP_SECS}",
        encode(commune),
        encode(email),
        encode(commune)
    )
}

fn totp(secret: &str) -> Option<TOTP> {
    let bytes = Secret::Encoded(secret.to_owned()).to_bytes().ok()?;
    TOTP::new(Algorithm::SHA1, DIGITS, 1, STEP_SECS, bytes).ok()
}

/// The time step a code belongs to, if it is valid now (one step either
/// side allowed) and newer than `after`.
pub fn verify(secret: &str, code: &str, after: Option<i64>, now: OffsetDateTime) -> Option<i64> {
    let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    if code.len() != DIGITS || !code.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let totp = totp(secret)?;
    let now = u64::try_from(now.unix_timestamp()).ok()?;
    let current = now / STEP_SECS;
    [current.saturating_sub(1), current, current + 1]
        .into_iter()
        .filter(|step| after.is_none_or(|last| i64::try_from(*step).is_ok_and(|s| s > last)))
        .find(|step| totp.generate(step * STEP_SECS) == code)
        .and_then(|step| i64::try_from(step).ok())
}

/// The current code of a secret (what an authenticator app shows now).
pub fn code_at(secret: &str, at: OffsetDateTime) -> Option<String> {
    let at = u64::try_from(at.unix_timestamp()).ok()?;
    Some(totp(secret)?.generate(at))
}

/// Turns the second factor on for an account, once a code from the new
/// secret proves the member's app has it. A wrong code counts towards the
/// lockout, like a wrong code at sign-in.
pub async fn enable(
    pool: &PgPool,
    tenant: Uuid,
    account: Uuid,
    secret: &str,
    code: &str,
    now: OffsetDateTime,
) -> Result<(), BoardError> {
    if totp(secret).is_none() {
        return Err(BoardError::Invalid(
            "Khóa bí mật không hợp lệ; hãy tải lại trang để nhận khóa mới.".to_owned(),
        ));
    }
    accounts::claim_attempt(pool, tenant, account, now).await?;
    let Some(step) = verify(secret, code, None, now) else {
        return Err(BoardError::Invalid(
            "Mã xác thực không đúng. Hãy nhập mã 6 chữ số đang hiện trong ứng dụng xác thực."
                .to_owned(),
        ));
    };
    let mut tx = congxa_db::begin_for_tenant(pool, tenant).await?;
    accounts::attempt_passed(&mut tx, account).await?;
    sqlx::query!(
        "UPDATE board_accounts SET totp_secret = $2, totp_last_step = $3 WHERE id = $1",
        account,
        secret,
        step
    )
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Turns it off again; the member proves it is them with their password (a
/// wrong one counts towards the lockout).
pub async fn disable(
    pool: &PgPool,
    tenant: Uuid,
    account: Uuid,
    password: &str,
    now: OffsetDateTime,
) -> Result<(), BoardError> {
    let claimed = accounts::claim_attempt(pool, tenant, account, now).await?;
    if !congxa_auth::password::verify(password, &claimed.password_hash).await {
        return Err(BoardError::Invalid("Mật khẩu không đúng.".to_owned()));
    }
    let mut tx = congxa_db::begin_for_tenant(pool, tenant).await?;
    accounts::attempt_passed(&mut tx, account).await?;
    sqlx::query!(
        "UPDATE board_accounts SET totp_secret = NULL, totp_last_step = NULL WHERE id = $1",
        account
    )
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn a_code_is_accepted_in_its_window_and_once_only() {
        let secret = new_secret();
        // The first second of a step, so that a step later is exactly 30 s on.
        let now = OffsetDateTime::from_unix_timestamp(1_800_000_000).unwrap();
        let code = code_at(&secret, now).unwrap();
        let step = verify(&secret, &code, None, now).expect("the current code");
        assert_eq!(verify(&secret, &code, Some(step), now), None, "replayed");
        let late = now + time::Duration::seconds(31);
        assert!(verify(&secret, &code, None, late).is_some(), "a step late");
        let stale = now + time::Duration::seconds(95);
        assert_eq!(
            verify(&secret, &code, None, stale),
            None,
            "three steps late"
        );
        assert_eq!(verify(&secret, "12345", None, now), None);
        assert_eq!(verify(&secret, "abcdef", None, now), None);
        assert!(setup_url(&secret, "a@b.vn", "Xã Quốc Tuấn").starts_with("otpauth://totp/X%C3%A3"));
    }
}
