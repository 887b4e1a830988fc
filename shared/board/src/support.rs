//! Operators' support mode: an operator enters a commune's workspace only
//! with a reason, through a one-time hand-over made by the console, as the
//! commune's support account for that operator (named after them, with no
//! usable password), in a session that every workspace page marks as
//! support. The console records the entry in the operators' audit log;
//! everything done inside is the support account's, in the board's own
//! records.

use congxa_auth::token;
use sqlx::PgConnection;
use time::{Duration, OffsetDateTime};
use uuid::Uuid;

use crate::accounts::{self, Account};
use crate::error::BoardError;
use crate::roles::Role;

/// How long the hand-over link works.
const HANDOFF_FOR: Duration = Duration::minutes(2);
/// How long a support session lasts (shorter than the board's own).
pub const SESSION_FOR: Duration = Duration::hours(1);

/// The operator entering.
pub struct Operator<'a> {
    pub id: Uuid,
    pub name: &'a str,
}

/// The hand-over token for an operator to enter the connection's commune.
pub async fn open(
    conn: &mut PgConnection,
    tenant: Uuid,
    operator: &Operator<'_>,
    reason: &str,
    now: OffsetDateTime,
) -> Result<String, BoardError> {
    let reason = reason.trim();
    if reason.is_empty() || reason.chars().count() > 1000 {
        return Err(BoardError::Invalid(
            "Mời ghi lý do hỗ trợ (tối đa 1.000 ký tự): ban biên tập sẽ thấy lý do này.".to_owned(),
        ));
    }
    let account = sqlx::query_scalar!(
        "INSERT INTO board_accounts (tenant_id, email, name, role, password_hash,
                                     must_change_password, support_operator_id)
         VALUES ($1, $2, $3, $4, '!', false, $5)
         ON CONFLICT (tenant_id, support_operator_id) WHERE support_operator_id IS NOT NULL
         DO UPDATE SET name = EXCLUDED.name, active = true
         RETURNING id",
        tenant,
        format!("ho-tro-{}@van-hanh.invalid", operator.id.simple()),
        format!("{} (cán bộ vận hành, hỗ trợ)", operator.name.trim()),
        Role::Head.code(),
        operator.id
    )
    .fetch_one(&mut *conn)
    .await?;
    let secret = token::generate();
    sqlx::query!(
        "INSERT INTO support_handoffs (token_hash, tenant_id, account_id, reason, expires_at)
         VALUES ($1, $2, $3, $4, $5)",
        token::hash(&secret),
        tenant,
        account,
        reason,
        now + HANDOFF_FOR
    )
    .execute(&mut *conn)
    .await?;
    Ok(secret)
}

/// Exchanges a hand-over token (once, in time) for a support session.
pub async fn enter(
    conn: &mut PgConnection,
    handoff: &str,
    origin: &str,
    now: OffsetDateTime,
) -> Result<(String, Account), BoardError> {
    let used = sqlx::query!(
        "UPDATE support_handoffs SET used_at = $2
         WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2
         RETURNING tenant_id, account_id, reason",
        token::hash(handoff),
        now
    )
    .fetch_optional(&mut *conn)
    .await?
    .ok_or(BoardError::Rejected)?;
    let session = accounts::start_session(
        conn,
        used.tenant_id,
        used.account_id,
        origin,
        now + SESSION_FOR,
        Some(&used.reason),
    )
    .await?;
    Ok((session, accounts::find(conn, used.account_id).await?))
}

/// Why the session is a support one, if it is.
pub async fn reason_of(
    conn: &mut PgConnection,
    session: &str,
) -> Result<Option<String>, BoardError> {
    Ok(sqlx::query_scalar!(
        "SELECT support_reason FROM board_sessions WHERE token_hash = $1",
        token::hash(session)
    )
    .fetch_optional(conn)
    .await?
    .flatten())
}
