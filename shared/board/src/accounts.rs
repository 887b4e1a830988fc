//! Board members' accounts and sessions: created with a one-time password
//! (by an operator at provisioning, or by the head), sign-in with back-off
//! and lockout, sessions kept only as hashes, password changes and resets.
//! Every function works in a transaction acting for the commune.

use congxa_auth::{lockout, password, token};
use serde::Serialize;
use sqlx::{PgConnection, PgPool};
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

pub(crate) async fn hashed(password: &str) -> Result<String, BoardError> {
    password::hash(password)
        .await
        .map_err(|e| BoardError::Hashing(e.to_string()))
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
        hashed(&one_time_password).await?
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

/// The second factor at sign-in: off for the account, or its code's time
/// step, or a wrong code.
enum SecondFactor {
    Off,
    Passed(i64),
    Failed,
}

/// What a counted attempt may check: the account's secrets, read by the
/// same statement that counted the attempt.
pub(crate) struct Claimed {
    pub(crate) id: Uuid,
    pub(crate) tenant_id: Uuid,
    pub(crate) password_hash: String,
    pub(crate) active: bool,
    pub(crate) totp_secret: Option<String>,
    pub(crate) totp_last_step: Option<i64>,
}

/// Counts one more attempt against the account with this address, as a
/// failure until it succeeds, and locks the account when that makes
/// [`lockout::MAX_FAILED_ATTEMPTS`]; `None` when there is no such account,
/// it is locked, or it is an operator's support account (which never signs
/// in by form). One statement: parallel guesses each take a turn, and once
/// the lock is set the others find nothing to check.
async fn claim_by_email(
    conn: &mut PgConnection,
    email: &str,
    now: OffsetDateTime,
) -> Result<Option<Claimed>, BoardError> {
    // In SET, columns are the row's values before the update: an expired
    // lock starts the count again from zero.
    Ok(sqlx::query_as!(
        Claimed,
        "UPDATE board_accounts SET
             failed_attempts = (CASE WHEN locked_until IS NULL THEN failed_attempts ELSE 0 END) + 1,
             locked_until = CASE
                 WHEN (CASE WHEN locked_until IS NULL THEN failed_attempts ELSE 0 END) + 1 >= $3
                 THEN $4::timestamptz END
         WHERE email = $1 AND support_operator_id IS NULL
           AND (locked_until IS NULL OR locked_until <= $2)
         RETURNING id, tenant_id, password_hash, active, totp_secret, totp_last_step",
        email,
        now,
        lockout::MAX_FAILED_ATTEMPTS,
        now + lockout::LOCKOUT
    )
    .fetch_optional(conn)
    .await?)
}

/// The same for a signed-in member checking their own password or a code
/// again (a password change, the second factor on or off); a locked account
/// is refused with the end of its lock.
pub(crate) async fn claim_attempt(
    pool: &PgPool,
    tenant: Uuid,
    account: Uuid,
    now: OffsetDateTime,
) -> Result<Claimed, BoardError> {
    let mut tx = congxa_db::begin_for_tenant(pool, tenant).await?;
    let claimed = sqlx::query_as!(
        Claimed,
        "UPDATE board_accounts SET
             failed_attempts = (CASE WHEN locked_until IS NULL THEN failed_attempts ELSE 0 END) + 1,
             locked_until = CASE
                 WHEN (CASE WHEN locked_until IS NULL THEN failed_attempts ELSE 0 END) + 1 >= $3
                 THEN $4::timestamptz END
         WHERE id = $1 AND (locked_until IS NULL OR locked_until <= $2)
         RETURNING id, tenant_id, password_hash, active, totp_secret, totp_last_step",
        account,
        now,
        lockout::MAX_FAILED_ATTEMPTS,
        now + lockout::LOCKOUT
    )
    .fetch_optional(&mut *tx)
    .await?;
    let claimed = match claimed {
        Some(claimed) => claimed,
        None => {
            let until = sqlx::query_scalar!(
                "SELECT locked_until FROM board_accounts WHERE id = $1",
                account
            )
            .fetch_optional(&mut *tx)
            .await?
            .flatten()
            .ok_or(BoardError::AccountNotFound)?;
            return Err(BoardError::Locked(until));
        }
    };
    // Committed at once: the attempt counts even if what follows fails.
    tx.commit().await?;
    Ok(claimed)
}

/// A counted attempt that turned out right: the count starts again.
pub(crate) async fn attempt_passed(
    conn: &mut PgConnection,
    account: Uuid,
) -> Result<(), BoardError> {
    sqlx::query!(
        "UPDATE board_accounts SET failed_attempts = 0, locked_until = NULL WHERE id = $1",
        account
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Checks an address and password (and the code, with the second factor
/// on) for the commune; on success opens a session and returns its token
/// (for the cookie) and the account.
///
/// Every refusal is the same [`BoardError::Rejected`], after the same work:
/// an unknown address, a locked account, an account switched off, a wrong
/// password or code. The lock therefore tells nobody that an address has an
/// account.
pub async fn sign_in(
    pool: &PgPool,
    tenant: Uuid,
    email: &str,
    given_password: &str,
    given_code: &str,
    origin: &str,
    now: OffsetDateTime,
) -> Result<(String, Account), BoardError> {
    let email = email.trim().to_lowercase();
    let mut tx = congxa_db::begin_for_tenant(pool, tenant).await?;
    let claimed = claim_by_email(&mut tx, &email, now).await?;
    // The attempt is counted before anything is checked, in its own
    // transaction: no row lock is held while the password is hashed.
    tx.commit().await?;
    let Some(account) = claimed else {
        password::verify_decoy(given_password).await;
        return Err(BoardError::Rejected);
    };
    // With the second factor on, the code must be right as well; a wrong
    // code counts as a failed attempt like a wrong password, and the answer
    // does not say which of the two was wrong.
    let factor = match &account.totp_secret {
        None => SecondFactor::Off,
        Some(secret) => second_factor::verify(secret, given_code, account.totp_last_step, now)
            .map_or(SecondFactor::Failed, SecondFactor::Passed),
    };
    let password_ok = password::verify(given_password, &account.password_hash).await;
    if !password_ok || !account.active || matches!(factor, SecondFactor::Failed) {
        return Err(BoardError::Rejected);
    }
    let step = match factor {
        SecondFactor::Passed(step) => Some(step),
        SecondFactor::Off | SecondFactor::Failed => None,
    };
    let mut tx = congxa_db::begin_for_tenant(pool, tenant).await?;
    // The code's step is used up by this statement alone: of parallel
    // requests with the same code, one finds it unused.
    let passed = sqlx::query_scalar!(
        "UPDATE board_accounts SET failed_attempts = 0, locked_until = NULL, last_sign_in_at = $2,
                totp_last_step = COALESCE($3, totp_last_step)
         WHERE id = $1
           AND ($3::bigint IS NULL OR totp_last_step IS NULL OR totp_last_step < $3)
         RETURNING id",
        account.id,
        now,
        step
    )
    .fetch_optional(&mut *tx)
    .await?;
    if passed.is_none() {
        return Err(BoardError::Rejected);
    }
    let session = start_session(
        &mut tx,
        account.tenant_id,
        account.id,
        origin,
        now + SESSION_LIFETIME,
        None,
    )
    .await?;
    let found = find(&mut tx, account.id).await?;
    tx.commit().await?;
    Ok((session, found))
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

/// Replaces one's own password after checking the current one (a wrong one
/// counts towards the lockout, like a wrong password at sign-in); every
/// other session of the account ends. An operator's support account never
/// takes a password.
pub async fn change_password(
    pool: &PgPool,
    tenant: Uuid,
    account: Uuid,
    current: &str,
    new: &str,
    keep_session: &str,
    now: OffsetDateTime,
) -> Result<(), BoardError> {
    let claimed = claim_attempt(pool, tenant, account, now).await?;
    if !password::verify(current, &claimed.password_hash).await {
        return Err(BoardError::Invalid(
            "Mật khẩu hiện tại không đúng.".to_owned(),
        ));
    }
    let mut tx = congxa_db::begin_for_tenant(pool, tenant).await?;
    attempt_passed(&mut tx, account).await?;
    if let Some(reason) = password::weakness(new) {
        tx.commit().await?;
        return Err(BoardError::Invalid(reason.to_owned()));
    }
    let changed = sqlx::query!(
        "UPDATE board_accounts SET password_hash = $2, must_change_password = false
         WHERE id = $1 AND support_operator_id IS NULL",
        account,
        hashed(new).await?
    )
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if changed == 0 {
        return Err(BoardError::SupportAccount);
    }
    sqlx::query!(
        "DELETE FROM board_sessions WHERE account_id = $1 AND token_hash <> $2",
        account,
        token::hash(keep_session)
    )
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}

/// A new one-time password for an account (the head's or an operator's
/// reset); every session of the account ends. An operator's support
/// account is refused: it never takes a password, so that nobody but the
/// console's hand-over ever enters as it.
pub async fn reset_password(conn: &mut PgConnection, account: Uuid) -> Result<String, BoardError> {
    let one_time_password = password::generate();
    let changed = sqlx::query_scalar!(
        "UPDATE board_accounts SET password_hash = $2, must_change_password = true,
                failed_attempts = 0, locked_until = NULL
         WHERE id = $1 AND support_operator_id IS NULL
         RETURNING id",
        account,
        hashed(&one_time_password).await?
    )
    .fetch_optional(&mut *conn)
    .await?;
    if changed.is_none() {
        return Err(if is_support(conn, account).await? {
            BoardError::SupportAccount
        } else {
            BoardError::AccountNotFound
        });
    }
    sqlx::query!("DELETE FROM board_sessions WHERE account_id = $1", account)
        .execute(conn)
        .await?;
    Ok(one_time_password)
}

/// Whether an account is an operator's support account.
pub async fn is_support(conn: &mut PgConnection, account: Uuid) -> Result<bool, BoardError> {
    Ok(sqlx::query_scalar!(
        r#"SELECT EXISTS (SELECT 1 FROM board_accounts
                          WHERE id = $1 AND support_operator_id IS NOT NULL) AS "support!""#,
        account
    )
    .fetch_one(conn)
    .await?)
}

/// Turns an account off (or on again); an account off has no sessions.
/// Operators' support accounts are not the board's to manage.
pub async fn set_active(
    conn: &mut PgConnection,
    account: Uuid,
    active: bool,
) -> Result<(), BoardError> {
    let changed = sqlx::query!(
        "UPDATE board_accounts SET active = $2 WHERE id = $1 AND support_operator_id IS NULL",
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

/// Every account of the commune's board, the head first; operators'
/// support accounts are not the board's and are not listed.
pub async fn list(conn: &mut PgConnection) -> Result<Vec<Account>, BoardError> {
    let rows = sqlx::query!(
        "SELECT id, email, name, role, must_change_password, active FROM board_accounts
         WHERE support_operator_id IS NULL
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

/// An account of the board itself, as its head manages them: an operator's
/// support account is not found here.
pub async fn find_member(conn: &mut PgConnection, id: Uuid) -> Result<Account, BoardError> {
    if is_support(conn, id).await? {
        return Err(BoardError::AccountNotFound);
    }
    find(conn, id).await
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
