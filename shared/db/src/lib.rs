//! Database access: the one migration set, the connection pool, and
//! transactions scoped to a tenant so row-level security applies.

use std::time::Duration;

use anyhow::Context;
use sqlx::postgres::{PgPool, PgPoolOptions};
use sqlx::{PgConnection, Postgres, Transaction};
use uuid::Uuid;

pub mod quota;

pub use sqlx;

/// Every migration of the platform, embedded in the binary.
pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("../../migrations");

/// Opens the services' pool as the application role.
///
/// The pool connects lazily, so a service starts (and says it is not ready)
/// while the database is still coming up, instead of crashing.
pub fn connect_lazy(config: &congxa_config::Config) -> anyhow::Result<PgPool> {
    PgPoolOptions::new()
        .max_connections(config.database_max_connections)
        .acquire_timeout(Duration::from_secs(3))
        .connect_lazy(&config.database_url)
        .context("the database URL is not valid")
}

/// Applies every pending migration, connected with the admin URL.
pub async fn migrate(admin_database_url: &str) -> anyhow::Result<()> {
    let pool = PgPoolOptions::new()
        .max_connections(1)
        .connect(admin_database_url)
        .await
        .context("cannot connect to the database to migrate it")?;
    MIGRATOR.run(&pool).await.context("migration failed")?;
    pool.close().await;
    Ok(())
}

/// Begins a transaction acting for one tenant: every tenant-owned table then
/// shows and accepts only that tenant's rows. The setting is local to the
/// transaction, so a pooled connection never carries it to another request.
pub async fn begin_for_tenant(
    pool: &PgPool,
    tenant_id: Uuid,
) -> Result<Transaction<'static, Postgres>, sqlx::Error> {
    let mut tx = pool.begin().await?;
    act_for(&mut tx, Some(tenant_id)).await?;
    Ok(tx)
}

/// Makes the rest of the caller's transaction act for one tenant, or (None)
/// for none again: for work that crosses from platform tables into a
/// commune's (provisioning, the operators' commands).
pub async fn act_for(conn: &mut PgConnection, tenant_id: Option<Uuid>) -> Result<(), sqlx::Error> {
    let setting = tenant_id.map(|id| id.to_string()).unwrap_or_default();
    sqlx::query!(
        "SELECT set_config('congxa.tenant_id', $1, true) AS ok",
        setting
    )
    .fetch_one(conn)
    .await?;
    Ok(())
}

/// Whether the database answers, for `/readyz`.
pub async fn ping(pool: &PgPool) -> bool {
    let check = sqlx::query_scalar!("SELECT 1 AS one").fetch_one(pool);
    match tokio::time::timeout(Duration::from_secs(2), check).await {
        Ok(Ok(_)) => true,
        Ok(Err(error)) => {
            tracing::warn!(%error, "database not reachable");
            false
        }
        Err(_) => {
            tracing::warn!("database did not answer in time");
            false
        }
    }
}
