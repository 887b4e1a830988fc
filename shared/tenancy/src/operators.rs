//! Operators' accounts and sessions: creation with a one-time password,
//! sign-in with lockout after repeated failures, sessions kept as hashes,
//! and the scope (one region, or the whole platform) every action checks.

use congxa_auth::{password, token};
use serde::Serialize;
use sqlx::PgConnection;
use time::{Duration, OffsetDateTime};
use uuid::Uuid;

use crate::error::{TenancyError, clean_name};
use crate::regions;

pub use congxa_auth::lockout::{LOCKOUT, MAX_FAILED_ATTEMPTS};
/// How long a session lasts without signing in again.
pub const SESSION_LIFETIME: Duration = Duration::hours(8);

/// A signed-in operator, as every console request sees them.
#[derive(Debug, Clone, Serialize)]
pub struct Operator {
    pub id: Uuid,
    pub email: String,
    pub name: String,
    /// `None`: the whole platform.
    pub region_id: Option<Uuid>,
    pub region_code: Option<String>,
    pub must_change_password: bool,
}

/// A new account and the one-time password to hand over.
#[derive(Debug, Serialize)]
pub struct Created {
    pub operator: Operator,
    pub one_time_password: String,
}

/// Why a sign-in failed. Deliberately vague towards the person signing in:
/// a wrong address, a wrong password and a locked account are one answer.
#[derive(Debug, PartialEq, Eq)]
pub enum SignInError {
    Rejected,
}

fn normalise_email(raw: &str) -> Result<String, TenancyError> {
    let email = raw.trim().to_lowercase();
    let valid = email.len() <= 254
        && email.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty() && domain.contains('.') && !domain.starts_with('.')
        })
        && !email.chars().any(|c| c.is_whitespace() || c.is_control());
    if valid {
        Ok(email)
    } else {
        Err(TenancyError::InvalidEmail(raw.to_owned()))
    }
}

/// Creates an operator, for a region or (no region) the whole platform.
pub async fn create(
    conn: &mut PgConnection,
    email: &str,
    name: &str,
    region: Option<&str>,
) -> Result<Created, TenancyError> {
    let email = normalise_email(email)?;
    let name = clean_name(name)?;
    let region = match region {
        Some(code) => Some(regions::find(conn, code).await?),
        None => None,
    };
    let one_time_password = password::generate();
    let hash = password::hash(&one_time_password)
        .await
        .map_err(|e| TenancyError::Hashing(e.to_string()))?;
    let id = sqlx::query_scalar!(
        "INSERT INTO operators (email, name, password_hash, region_id) VALUES ($1, $2, $3, $4) RETURNING id",
        email,
        name,
        hash,
        region.as_ref().map(|r| r.id)
    )
    .fetch_one(&mut *conn)
    .await
    .map_err(|e| {
        if crate::error::is_unique_violation(&e, "operators_email_key") {
            TenancyError::DuplicateOperator(email.clone())
        } else {
            e.into()
        }
    })?;
    Ok(Created {
        operator: Operator {
            id,
            email,
            name,
            region_id: region.as_ref().map(|r| r.id),
            region_code: region.map(|r| r.code),
            must_change_password: true,
        },
        one_time_password,
    })
}

/// Checks an address and password; on success opens a session and returns
/// its token (for the cookie) and the operator.
///
/// The attempt is counted before the password is checked, by one statement
/// that also sets the lock (see `congxa_auth::lockout`), so parallel
/// guesses cannot each be counted once. Every refusal is the same
/// [`SignInError::Rejected`] after the same work, a locked account
/// included: the lock does not tell which addresses have accounts.
pub async fn sign_in(
    conn: &mut PgConnection,
    email: &str,
    given_password: &str,
    origin: &str,
    now: OffsetDateTime,
) -> Result<Result<(String, Operator), SignInError>, TenancyError> {
    let email = email.trim().to_lowercase();
    // Runs on its own (no transaction): the count is kept at once, and no
    // row lock is held while the password is hashed.
    let account = sqlx::query!(
        "UPDATE operators SET
             failed_attempts = (CASE WHEN locked_until IS NULL THEN failed_attempts ELSE 0 END) + 1,
             locked_until = CASE
                 WHEN (CASE WHEN locked_until IS NULL THEN failed_attempts ELSE 0 END) + 1 >= $3
                 THEN $4::timestamptz END
         WHERE email = $1 AND (locked_until IS NULL OR locked_until <= $2)
         RETURNING id, password_hash, active",
        email,
        now,
        MAX_FAILED_ATTEMPTS,
        now + LOCKOUT
    )
    .fetch_optional(&mut *conn)
    .await?;
    let Some(account) = account else {
        password::verify_decoy(given_password).await;
        return Ok(Err(SignInError::Rejected));
    };
    if !password::verify(given_password, &account.password_hash).await || !account.active {
        return Ok(Err(SignInError::Rejected));
    }
    sqlx::query!(
        "UPDATE operators SET failed_attempts = 0, locked_until = NULL, last_sign_in_at = $2 WHERE id = $1",
        account.id,
        now
    )
    .execute(&mut *conn)
    .await?;
    let session = token::generate();
    sqlx::query!(
        "INSERT INTO operator_sessions (token_hash, operator_id, csrf_token, expires_at, origin)
         VALUES ($1, $2, $3, $4, $5)",
        token::hash(&session),
        account.id,
        token::generate(),
        now + SESSION_LIFETIME,
        origin
    )
    .execute(&mut *conn)
    .await?;
    let operator = find(conn, account.id).await?;
    Ok(Ok((session, operator)))
}

/// The operator behind a session token and the session's CSRF token, while
/// the session is valid and the account active.
pub async fn from_session(
    conn: &mut PgConnection,
    session: &str,
    now: OffsetDateTime,
) -> Result<Option<(Operator, String)>, TenancyError> {
    let row = sqlx::query!(
        "SELECT s.operator_id, s.csrf_token FROM operator_sessions s
         JOIN operators o ON o.id = s.operator_id
         WHERE s.token_hash = $1 AND s.expires_at > $2 AND o.active",
        token::hash(session),
        now
    )
    .fetch_optional(&mut *conn)
    .await?;
    match row {
        Some(row) => Ok(Some((find(conn, row.operator_id).await?, row.csrf_token))),
        None => Ok(None),
    }
}

/// Ends a session.
pub async fn sign_out(conn: &mut PgConnection, session: &str) -> Result<(), TenancyError> {
    sqlx::query!(
        "DELETE FROM operator_sessions WHERE token_hash = $1",
        token::hash(session)
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Replaces a password after checking the current one (a wrong one counts
/// towards the lockout, like a wrong password at sign-in); every other
/// session of the account ends.
pub async fn change_password(
    conn: &mut PgConnection,
    operator: Uuid,
    current: &str,
    new: &str,
    keep_session: &str,
    now: OffsetDateTime,
) -> Result<(), TenancyError> {
    let stored = sqlx::query_scalar!(
        "UPDATE operators SET
             failed_attempts = (CASE WHEN locked_until IS NULL THEN failed_attempts ELSE 0 END) + 1,
             locked_until = CASE
                 WHEN (CASE WHEN locked_until IS NULL THEN failed_attempts ELSE 0 END) + 1 >= $3
                 THEN $4::timestamptz END
         WHERE id = $1 AND (locked_until IS NULL OR locked_until <= $2)
         RETURNING password_hash",
        operator,
        now,
        MAX_FAILED_ATTEMPTS,
        now + LOCKOUT
    )
    .fetch_optional(&mut *conn)
    .await?;
    let Some(stored) = stored else {
        return Err(TenancyError::Locked);
    };
    if !password::verify(current, &stored).await {
        return Err(TenancyError::WrongPassword);
    }
    sqlx::query!(
        "UPDATE operators SET failed_attempts = 0, locked_until = NULL WHERE id = $1",
        operator
    )
    .execute(&mut *conn)
    .await?;
    if let Some(reason) = password::weakness(new) {
        return Err(TenancyError::WeakPassword(reason));
    }
    let hash = password::hash(new)
        .await
        .map_err(|e| TenancyError::Hashing(e.to_string()))?;
    sqlx::query!(
        "UPDATE operators SET password_hash = $2, must_change_password = false WHERE id = $1",
        operator,
        hash
    )
    .execute(&mut *conn)
    .await?;
    sqlx::query!(
        "DELETE FROM operator_sessions WHERE operator_id = $1 AND token_hash <> $2",
        operator,
        token::hash(keep_session)
    )
    .execute(conn)
    .await?;
    Ok(())
}

async fn find(conn: &mut PgConnection, id: Uuid) -> Result<Operator, TenancyError> {
    Ok(sqlx::query_as!(
        Operator,
        r#"SELECT o.id, o.email, o.name, o.region_id, r.code AS "region_code?", o.must_change_password
           FROM operators o LEFT JOIN regions r ON r.id = o.region_id WHERE o.id = $1"#,
        id
    )
    .fetch_one(conn)
    .await?)
}

impl Operator {
    /// Whether this operator may act on a commune of `region` (a region id,
    /// or none): platform operators on all; a region's operators on that
    /// region and its former districts.
    pub async fn may_manage(
        &self,
        conn: &mut PgConnection,
        tenant_slug: &str,
    ) -> Result<bool, TenancyError> {
        let Some(scope) = self.region_id else {
            return Ok(true);
        };
        let within = sqlx::query_scalar!(
            r#"SELECT EXISTS (
                 SELECT 1 FROM tenants t JOIN regions r ON r.id = t.region_id
                 WHERE t.slug = $1 AND (r.id = $2 OR r.parent_id = $2)) AS "within!""#,
            tenant_slug,
            scope
        )
        .fetch_one(conn)
        .await?;
        Ok(within)
    }
}
