//! A commune's storage quota and what it uses of it: read by the media
//! service before it records an upload and by the workspace's library.

use uuid::Uuid;

/// What a commune may store and has stored, in bytes.
pub struct Quota {
    pub limit: u64,
    pub used: u64,
}

impl Quota {
    pub fn room(&self) -> u64 {
        self.limit.saturating_sub(self.used)
    }
}

/// The commune's quota and usage, as its own connection sees them.
pub async fn usage(
    conn: &mut sqlx::PgConnection,
    tenant: Uuid,
    default_quota: u64,
) -> Result<Quota, sqlx::Error> {
    let row = sqlx::query!(
        r#"SELECT t.storage_quota_bytes,
                  (SELECT coalesce(sum(stored_bytes), 0)::bigint FROM media_files) AS "used!"
           FROM tenants t WHERE t.id = $1"#,
        tenant
    )
    .fetch_one(conn)
    .await?;
    Ok(Quota {
        limit: row
            .storage_quota_bytes
            .map_or(default_quota, |q| u64::try_from(q).unwrap_or(0)),
        used: u64::try_from(row.used).unwrap_or(0),
    })
}
