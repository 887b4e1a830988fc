//! Setting a new password by an e-mailed link, for a member who forgot
//! theirs (when the platform has SMTP). The link carries a random token of
//! which only a hash is kept; it works once, for an hour, and a few times an
//! hour at most per account. Asking never tells whether an address has an
//! account.

use congxa_auth::{password, token};
use sqlx::PgConnection;
use time::{Duration, OffsetDateTime};
use uuid::Uuid;

use crate::accounts::{self, Account};
use crate::error::BoardError;

/// How long a link works.
pub const VALID_FOR: Duration = Duration::hours(1);
/// Links one account may be sent within an hour.
const PER_HOUR: i64 = 3;

/// A new link's token for the active account with this address in the
/// connection's commune, or `None` (no such account, or enough links sent
/// this hour): the caller answers the same either way.
pub async fn request(
    conn: &mut PgConnection,
    tenant: Uuid,
    email: &str,
    now: OffsetDateTime,
) -> Result<Option<(String, Account)>, BoardError> {
    let email = email.trim().to_lowercase();
    let Some(id) = sqlx::query_scalar!(
        "SELECT id FROM board_accounts WHERE email = $1 AND active AND support_operator_id IS NULL",
        email
    )
    .fetch_optional(&mut *conn)
    .await?
    else {
        return Ok(None);
    };
    let recent = sqlx::query_scalar!(
        r#"SELECT count(*) AS "n!" FROM board_password_resets
           WHERE account_id = $1 AND created_at > $2"#,
        id,
        now - Duration::hours(1)
    )
    .fetch_one(&mut *conn)
    .await?;
    if recent >= PER_HOUR {
        return Ok(None);
    }
    let secret = token::generate();
    sqlx::query!(
        "INSERT INTO board_password_resets (token_hash, tenant_id, account_id, created_at, expires_at)
         VALUES ($1, $2, $3, $4, $5)",
        token::hash(&secret),
        tenant,
        id,
        now,
        now + VALID_FOR
    )
    .execute(&mut *conn)
    .await?;
    Ok(Some((secret, accounts::find(conn, id).await?)))
}

/// Removes a link that could not be sent.
pub async fn withdraw(conn: &mut PgConnection, secret: &str) -> Result<(), BoardError> {
    sqlx::query!(
        "DELETE FROM board_password_resets WHERE token_hash = $1",
        token::hash(secret)
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Whether a link's token can still be used (to show the form or not).
pub async fn is_valid(
    conn: &mut PgConnection,
    secret: &str,
    now: OffsetDateTime,
) -> Result<bool, BoardError> {
    Ok(sqlx::query_scalar!(
        r#"SELECT EXISTS (SELECT 1 FROM board_password_resets
                          WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2) AS "ok!""#,
        token::hash(secret),
        now
    )
    .fetch_one(conn)
    .await?)
}

/// Sets the new password through a link: the link is used up, every
/// session of the account ends, and a lockout is lifted.
pub async fn complete(
    conn: &mut PgConnection,
    secret: &str,
    new_password: &str,
    now: OffsetDateTime,
) -> Result<Account, BoardError> {
    let expired = || {
        BoardError::Invalid(
            "Liên kết đặt lại mật khẩu đã hết hạn hoặc đã được dùng. Hãy yêu cầu liên kết mới."
                .to_owned(),
        )
    };
    if let Some(reason) = password::weakness(new_password) {
        return Err(BoardError::Invalid(reason.to_owned()));
    }
    let account = sqlx::query_scalar!(
        "UPDATE board_password_resets SET used_at = $2
         WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2
         RETURNING account_id",
        token::hash(secret),
        now
    )
    .fetch_optional(&mut *conn)
    .await?
    .ok_or_else(expired)?;
    sqlx::query!(
        "UPDATE board_accounts SET password_hash = $2, must_change_password = false,
                failed_attempts = 0, locked_until = NULL
         WHERE id = $1 AND active AND support_operator_id IS NULL",
        account,
        accounts::hashed(new_password).await?
    )
    .execute(&mut *conn)
    .await?;
    sqlx::query!("DELETE FROM board_sessions WHERE account_id = $1", account)
        .execute(&mut *conn)
        .await?;
    // Other links sent to the same account are no longer needed.
    sqlx::query!(
        "UPDATE board_password_resets SET used_at = $2 WHERE account_id = $1 AND used_at IS NULL",
        account,
        now
    )
    .execute(&mut *conn)
    .await?;
    accounts::find(conn, account).await
}
