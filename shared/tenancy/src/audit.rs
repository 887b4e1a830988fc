//! The operators' audit log: who did what, when, from where, to which commune.

use serde::Serialize;
use sqlx::PgConnection;
use time::OffsetDateTime;
use uuid::Uuid;

/// Who acts and from where, recorded with every operator action.
#[derive(Debug, Clone)]
pub struct Actor {
    pub name: String,
    pub origin: String,
}

impl Actor {
    /// The person running the command line on this machine.
    pub fn command_line() -> Self {
        let user = std::env::var("USER")
            .or_else(|_| std::env::var("LOGNAME"))
            .unwrap_or_else(|_| "unknown".to_owned());
        let host = std::fs::read_to_string("/etc/hostname")
            .map(|h| h.trim().to_owned())
            .unwrap_or_else(|_| "unknown".to_owned());
        Self {
            name: format!("cli:{user}"),
            origin: format!("cli on {host}"),
        }
    }
}

/// Records an action, inside the caller's transaction so the record and the
/// change land together or not at all.
pub async fn record(
    conn: &mut PgConnection,
    actor: &Actor,
    action: &str,
    tenant: Option<Uuid>,
    details: serde_json::Value,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "INSERT INTO operator_audit (actor, origin, action, tenant_id, details) VALUES ($1, $2, $3, $4, $5)",
        actor.name,
        actor.origin,
        action,
        tenant,
        details
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// One line of the audit log.
#[derive(Debug, Serialize)]
pub struct Entry {
    pub id: i64,
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
    pub actor: String,
    pub origin: String,
    pub action: String,
    pub tenant_slug: Option<String>,
    pub details: serde_json::Value,
}

/// The newest entries first, optionally for one commune.
pub async fn list(
    conn: &mut PgConnection,
    tenant_slug: Option<&str>,
    limit: i64,
) -> Result<Vec<Entry>, sqlx::Error> {
    list_within(conn, tenant_slug, None, limit).await
}

/// Like [`list`], limited to the communes of a region (and its former
/// districts) when `region` is given: what a region's operator may see.
pub async fn list_within(
    conn: &mut PgConnection,
    tenant_slug: Option<&str>,
    region: Option<Uuid>,
    limit: i64,
) -> Result<Vec<Entry>, sqlx::Error> {
    sqlx::query_as!(
        Entry,
        r#"SELECT a.id, a.at, a.actor, a.origin, a.action, t.slug AS "tenant_slug?", a.details
           FROM operator_audit a
           LEFT JOIN tenants t ON t.id = a.tenant_id
           LEFT JOIN regions r ON r.id = t.region_id
           WHERE ($1::text IS NULL OR t.slug = $1)
             AND ($2::uuid IS NULL OR r.id = $2 OR r.parent_id = $2)
           ORDER BY a.id DESC LIMIT $3"#,
        tenant_slug,
        region,
        limit
    )
    .fetch_all(conn)
    .await
}
