//! Finding the commune a request is for, with a short-lived cache so the
//! database is not asked on every request.

use std::sync::Arc;
use std::time::Duration;

use moka::future::Cache;
use sqlx::PgPool;
use uuid::Uuid;

use crate::host::Site;

/// A commune as the gateway needs it.
#[derive(Debug, Clone)]
pub struct Tenant {
    pub id: Uuid,
    pub slug: String,
    pub suspended: bool,
}

/// Resolves sites to communes. Misses are cached too, so a flood of requests
/// for unknown hosts costs the database little.
#[derive(Clone)]
pub struct Resolver {
    pool: PgPool,
    cache: Cache<Site, Option<Arc<Tenant>>>,
}

impl Resolver {
    pub fn new(pool: PgPool) -> Self {
        let cache = Cache::builder()
            .max_capacity(100_000)
            .time_to_live(Duration::from_secs(5))
            .build();
        Self { pool, cache }
    }

    /// The commune a site names, or `None` when there is none.
    pub async fn resolve(&self, site: &Site) -> Result<Option<Arc<Tenant>>, Arc<sqlx::Error>> {
        let pool = self.pool.clone();
        let key = site.clone();
        self.cache
            .try_get_with(site.clone(), async move { lookup(&pool, &key).await })
            .await
    }
}

async fn lookup(pool: &PgPool, site: &Site) -> Result<Option<Arc<Tenant>>, sqlx::Error> {
    let row = match site {
        Site::Platform => return Ok(None),
        Site::Slug(slug) => sqlx::query_as!(
            Tenant,
            r#"SELECT id, slug, status = 'suspended' AS "suspended!" FROM tenants WHERE slug = $1"#,
            slug
        )
        .fetch_optional(pool)
        .await?,
        Site::Domain(domain) => {
            sqlx::query_as!(
                Tenant,
                r#"SELECT t.id, t.slug, t.status = 'suspended' AS "suspended!"
                   FROM tenant_domains d JOIN tenants t ON t.id = d.tenant_id
                   WHERE d.domain = $1"#,
                domain
            )
            .fetch_optional(pool)
            .await?
        }
    };
    Ok(row.map(Arc::new))
}
