//! Board members' accounts and sessions: created with a one-time password
//! (by an operator at provisioning, or by the head), sign-in with back-off
//! and lockout, sessions kept only as hashes, password changes and resets.
//! Every function works in a transaction acting for the commune.

use congxa_auth::{lockout, password, token};
use serde::Serialize;
use sqlx::PgConnection;
use time::{Duration, OffsetDateTime};
use uuid::Uuid;

use crate::error::BoardError;
use crate::roles::Role;
use crate::second_factor;

/// How long a session lasts without signing in again.
pub const SESSION_LIFETIME: Duration = Duration::hours(8);
/// The cookie that carries a board member's session on the commune's site
/// (the workspace and the media service's uploads both read it).
pub const SESSION_COOKIE: &str = "congxa_quan_tri";
/// The header a script sends the session's CSRF token in (uploads).
pub const CSRF_HEADER: &str = "x-csrf-token";

/// A board member, as every admin request sees them.
#[derive(Debug, Clone, Serialize)]
pub struct Account {
    pub id: Uuid,
    pub email: String,
    pub name: String,
    pub role: Role,
    pub must_change_password: bool,
    pub active: bool,
}

/// A new account and the password to hand over once.
#[derive(Serialize)]
pub struct Created {
    pub account: Account,
    pub one_time_password: String,
}

fn normalise_email(email: &str) -> Result<String, BoardError> {
    let email = email.trim().to_lowercase();
    let valid = email.len() <= 254
        && email.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty() && domain.contains('.') && !domain.starts_with('.')
        })
        && !email.contains(char::is_whitespace);
    if valid {
        Ok(email)
    } else {
        Err(BoardError::Invalid(format!(
            "“{email}” không phải là địa chỉ thư điện tử hợp lệ."
        )))
    }
}

fn clean_name(name: &str) -> Result<String, BoardError> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 200 {
        return Err(BoardError::Invalid(
            "Họ và tên phải có từ 1 đến 200 ký tự.".to_owned(),
        ));
    }
    Ok(name.to_owned())
}

pub(crate) fn hashed(password: &str) -> Result<String, BoardError> {
    password::hash(password)
        .map_err(|e| BoardError::Invalid(format!("không băm được mật khẩu: {e}")))
}

/// Creates an account with a one-time password.
pub async fn create(
    conn: &mut PgConnection,
    tenant: Uuid,
    email: &str,
    name: &str,
    role: Role,
) -> Result<Created, BoardError> {
    let email = normalise_email(email)?;
    let name = clean_name(name)?;
    let one_time_password = password::generate();
    let id = sqlx::query_scalar!(
        "INSERT INTO board_accounts (tenant_id, email, name, role, password_hash)
         VALUES ($1, $2, $3, $4, $5) RETURNING id",
        tenant,
        email,
        name,
        role.code(),
        hashed(&one_time_password)?
    )
    .fetch_one(&mut *conn)
    .await
    .map_err(|e| match &e {
        sqlx::Error::Database(db)
            if db.constraint() == Some("board_accounts_tenant_id_email_key") =>
        {
            BoardError::DuplicateEmail
        }
        _ => e.into(),
    })?;
    Ok(Created {
        account: Account {
            id,
            email,
            name,
            role,
            must_change_password: true,
            active: true,
        },
        one_time_password,
    })
}

/// Checks an address and password; on success opens a session and returns
/// its token (for the cookie) and the account.
/// The second factor at sign-in: off for the account, or its code's time
/// step, or a wrong code.
enum SecondFactor {
    Off,
    Passed(i64),
    Failed,
}

pub async fn sign_in(
    conn: &mut PgConnection,
    email: &str,
    given_password: &str,
    given_code: &str,
    origin: &str,
    now: OffsetDateTime,
) -> Result<(String, Account), BoardError> {
    let email = email.trim().to_lowercase();
    let found = sqlx::query!(
        "SELECT id, tenant_id, password_hash, failed_attempts, locked_until, active,
                totp_secret, totp_last_step
         FROM board_accounts WHERE email = $1",
        email
    )
    .fetch_optional(&mut *conn)
    .await?;
    let Some(account) = found else {
        // Same work as for a real account, so timing reveals nothing.
        password::verify(given_password, password::decoy_hash());
        return Err(BoardError::Rejected);
    };
    if let Some(until) = account.locked_until
        && until > now
    {
        return Err(BoardError::Locked(until));
    }
    // With the second factor on, the code must be right as well; a wrong
    // code counts as a failed attempt like a wrong password, and the answer
    // does not say which of the two was wrong.
    let factor = match &account.totp_secret {
        None => SecondFactor::Off,
        Some(secret) => second_factor::verify(secret, given_code, account.totp_last_step, now)
            .map_or(SecondFactor::Failed, SecondFactor::Passed),
    };
    let password_ok = password::verify(given_password, &account.password_hash);
    if !password_ok || !account.active || matches!(factor, SecondFactor::Failed) {
        let (failures, locked_until) = lockout::after_failure(account.failed_attempts, now);
        sqlx::query!(
            "UPDATE board_accounts SET failed_attempts = $2, locked_until = $3 WHERE id = $1",
            account.id,
            failures,
            locked_until
        )
        .execute(&mut *conn)
        .await?;
        return Err(locked_until.map_or(BoardError::Rejected, BoardError::Locked));
    }
    sqlx::query!(
        "UPDATE board_accounts SET failed_attempts = 0, locked_until = NULL, last_sign_in_at = $2,
                totp_last_step = COALESCE($3, totp_last_step)
         WHERE id = $1",
        account.id,
        now,
        match factor {
            SecondFactor::Passed(step) => Some(step),
            SecondFactor::Off | SecondFactor::Failed => None,
        }
    )
    .execute(&mut *conn)
    .await?;
    let session = start_session(
        conn,
        account.tenant_id,
        account.id,
        origin,
        now + SESSION_LIFETIME,
        None,
    )
    .await?;
    Ok((session, find(conn, account.id).await?))
}

/// A new session of an account; returns its token (only a hash is kept).
/// `support` is the reason of an operator's support session.
pub async fn start_session(
    conn: &mut PgConnection,
    tenant: Uuid,
    account: Uuid,
    origin: &str,
    expires_at: OffsetDateTime,
    support: Option<&str>,
) -> Result<String, BoardError> {
    let session = token::generate();
    sqlx::query!(
        "INSERT INTO board_sessions (token_hash, tenant_id, account_id, csrf_token, expires_at, origin, support_reason)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
        token::hash(&session),
        tenant,
        account,
        token::generate(),
        expires_at,
        origin,
        support
    )
    .execute(conn)
    .await?;
    Ok(session)
}

/// The account behind a session token, with the session's CSRF token,
/// while the session is valid and the account active.
pub async fn from_session(
    conn: &mut PgConnection,
    session: &str,
    now: OffsetDateTime,
) -> Result<Option<(Account, String)>, BoardError> {
    let row = sqlx::query!(
        "SELECT s.account_id, s.csrf_token FROM board_sessions s
         JOIN board_accounts a ON a.id = s.account_id
         WHERE s.token_hash = $1 AND s.expires_at > $2 AND a.active",
        token::hash(session),
        now
    )
    .fetch_optional(&mut *conn)
    .await?;
    match row {
        Some(row) => Ok(Some((find(conn, row.account_id).await?, row.csrf_token))),
        None => Ok(None),
    }
}

pub async fn sign_out(conn: &mut PgConnection, session: &str) -> Result<(), BoardError> {
    sqlx::query!(
        "DELETE FROM board_sessions WHERE token_hash = $1",
        token::hash(session)
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Replaces one's own password after checking the current one; every other
/// session of the account ends.
pub async fn change_password(
    conn: &mut PgConnection,
    account: Uuid,
    current: &str,
    new: &str,
    keep_session: &str,
) -> Result<(), BoardError> {
    let stored = sqlx::query_scalar!(
        "SELECT password_hash FROM board_accounts WHERE id = $1",
        account
    )
    .fetch_one(&mut *conn)
    .await?;
    if !password::verify(current, &stored) {
        return Err(BoardError::Invalid(
            "Mật khẩu hiện tại không đúng.".to_owned(),
        ));
    }
    if let Some(reason) = password::weakness(new) {
        return Err(BoardError::Invalid(reason.to_owned()));
    }
    sqlx::query!(
        "UPDATE board_accounts SET password_hash = $2, must_change_password = false WHERE id = $1",
        account,
        hashed(new)?
    )
    .execute(&mut *conn)
    .await?;
    sqlx::query!(
        "DELETE FROM board_sessions WHERE account_id = $1 AND token_hash <> $2",
        account,
        token::hash(keep_session)
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// A new one-time password for an account (the head's or an operator's
/// reset); every session of the account ends.
pub async fn reset_password(conn: &mut PgConnection, account: Uuid) -> Result<String, BoardError> {
    let one_time_password = password::generate();
    let changed = sqlx::query!(
        "UPDATE board_accounts SET password_hash = $2, must_change_password = true,
                failed_attempts = 0, locked_until = NULL WHERE id = $1",
        account,
        hashed(&one_time_password)?
    )
    .execute(&mut *conn)
    .await?
    .rows_affected();
    if changed == 0 {
        return Err(BoardError::AccountNotFound);
    }
    sqlx::query!("DELETE FROM board_sessions WHERE account_id = $1", account)
        .execute(conn)
        .await?;
    Ok(one_time_password)
}

/// Turns an account off (or on again); an account off has no sessions.
pub async fn set_active(
    conn: &mut PgConnection,
    account: Uuid,
    active: bool,
) -> Result<(), BoardError> {
    let changed = sqlx::query!(
        "UPDATE board_accounts SET active = $2 WHERE id = $1",
        account,
        active
    )
    .execute(&mut *conn)
    .await?
    .rows_affected();
    if changed == 0 {
        return Err(BoardError::AccountNotFound);
    }
    if !active {
        sqlx::query!("DELETE FROM board_sessions WHERE account_id = $1", account)
            .execute(conn)
            .await?;
    }
    Ok(())
}

/// Every account of the commune, the head first.
pub async fn list(conn: &mut PgConnection) -> Result<Vec<Account>, BoardError> {
    let rows = sqlx::query!(
        "SELECT id, email, name, role, must_change_password, active FROM board_accounts
         ORDER BY array_position(ARRAY['head','deputy','member','contributor'], role), name"
    )
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .filter_map(|r| {
            Some(Account {
                role: Role::parse(&r.role)?,
                id: r.id,
                email: r.email,
                name: r.name,
                must_change_password: r.must_change_password,
                active: r.active,
            })
        })
        .collect())
}

pub async fn find(conn: &mut PgConnection, id: Uuid) -> Result<Account, BoardError> {
    let r = sqlx::query!(
        "SELECT id, email, name, role, must_change_password, active FROM board_accounts WHERE id = $1",
        id
    )
    .fetch_optional(conn)
    .await?
    .ok_or(BoardError::AccountNotFound)?;
    Ok(Account {
        role: Role::parse(&r.role).ok_or(BoardError::AccountNotFound)?,
        id: r.id,
        email: r.email,
        name: r.name,
        must_change_password: r.must_change_password,
        active: r.active,
    })
}
