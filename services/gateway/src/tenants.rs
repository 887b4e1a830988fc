//! Finding the commune a request is for. Answers come from memory: every
//! gateway keeps what it resolved until PostgreSQL tells it (LISTEN/NOTIFY on
//! `congxa_tenancy`) that tenants or domains changed, so the hot path makes
//! no database round trip and a change reaches every replica at once.

use std::sync::Arc;
use std::time::Duration;

use congxa_tenancy::DomainName;
use moka::future::Cache;
use sqlx::PgPool;
use sqlx::postgres::PgListener;
use uuid::Uuid;

use crate::host::Site;

/// The channel the database's triggers notify on any tenancy change.
const CHANNEL: &str = "congxa_tenancy";

/// A safety net only: should a notification ever be missed, nothing stays
/// stale for longer than this.
const TIME_TO_LIVE: Duration = Duration::from_secs(300);

/// A commune as the gateway needs it.
#[derive(Debug, Clone)]
pub struct Tenant {
    pub id: Uuid,
    pub slug: String,
    pub suspended: bool,
    /// The primary registered domain, where every other name redirects.
    pub primary_domain: Option<String>,
    /// Visits counted before its counter started here.
    pub visits_offset: i64,
    /// Set when the name belongs to a commune merged into this one: its old
    /// addresses are mapped to where their items went.
    pub moved_from: Option<Uuid>,
}

/// Resolves sites to communes. Misses are kept too, so a flood of requests
/// for unknown hosts costs the database nothing after the first.
#[derive(Clone)]
pub struct Resolver {
    pool: PgPool,
    cache: Cache<Site, Option<Arc<Tenant>>>,
    /// Old addresses of merged communes: (old commune, path) → new path.
    moved: Cache<(Uuid, String), Option<Arc<str>>>,
}

impl Resolver {
    pub fn new(pool: PgPool) -> Self {
        let cache = Cache::builder()
            .max_capacity(200_000)
            .time_to_live(TIME_TO_LIVE)
            .build();
        let moved = Cache::builder()
            .max_capacity(100_000)
            .time_to_live(TIME_TO_LIVE)
            .build();
        Self { pool, cache, moved }
    }

    /// The commune a site names, or `None` when there is none.
    pub async fn resolve(&self, site: &Site) -> Result<Option<Arc<Tenant>>, Arc<sqlx::Error>> {
        if let Site::Platform = site {
            return Ok(None);
        }
        let pool = self.pool.clone();
        let key = site.clone();
        self.cache
            .try_get_with(site.clone(), async move { lookup(&pool, &key).await })
            .await
    }

    /// Where an old address of a merged commune now lives (without the
    /// leading slash), when it did not keep its path.
    pub async fn moved_path(
        &self,
        old: Uuid,
        path: &str,
    ) -> Result<Option<Arc<str>>, Arc<sqlx::Error>> {
        let pool = self.pool.clone();
        let key = (old, path.to_owned());
        let from = key.1.clone();
        self.moved
            .try_get_with(key, async move {
                sqlx::query_scalar!(
                    "SELECT to_path FROM merged_paths WHERE from_tenant_id = $1 AND from_path = $2",
                    old,
                    from
                )
                .fetch_optional(&pool)
                .await
                .map(|to| to.map(Arc::from))
            })
            .await
    }

    /// Forgets everything; the next requests ask the database again.
    pub fn forget_all(&self) {
        self.cache.invalidate_all();
        self.moved.invalidate_all();
    }

    /// Listens for tenancy changes until `shutdown`, forgetting the cache on
    /// each. While the listener is disconnected nothing can be trusted, so the
    /// cache is forgotten again on every reconnect.
    pub async fn follow_changes(self, shutdown: congxa_web::Shutdown) {
        loop {
            match self.listen(&shutdown).await {
                Ok(Feed::Shutdown) => return,
                Ok(Feed::Dropped) => {
                    tracing::warn!("tenancy change feed interrupted; reconnecting");
                }
                // What is known stays while the feed is down (PostgreSQL may
                // be down too: the cached pages still need their commune);
                // `listen` forgets it all once the feed is back.
                Err(error) => tracing::warn!(%error, "lost the tenancy change feed; reconnecting"),
            }
            tokio::select! {
                () = shutdown.wait() => return,
                () = tokio::time::sleep(Duration::from_secs(1)) => {}
            }
        }
    }

    async fn listen(&self, shutdown: &congxa_web::Shutdown) -> Result<Feed, sqlx::Error> {
        let mut listener = PgListener::connect_with(&self.pool).await?;
        listener.listen(CHANNEL).await?;
        // Changes made while we were not listening.
        self.forget_all();
        loop {
            tokio::select! {
                () = shutdown.wait() => return Ok(Feed::Shutdown),
                // `None`: the connection dropped; what changed until it is
                // back is unknown, so `listen` starts over.
                notification = listener.try_recv() => match notification? {
                    Some(_) => self.forget_all(),
                    None => return Ok(Feed::Dropped),
                },
            }
        }
    }
}

/// How listening to a feed of changes ended.
pub enum Feed {
    Shutdown,
    /// The connection dropped; listen again.
    Dropped,
}

async fn lookup(pool: &PgPool, site: &Site) -> Result<Option<Arc<Tenant>>, sqlx::Error> {
    let row = match site {
        Site::Platform => return Ok(None),
        Site::Slug(slug) => {
            // A merged commune's automatic address answers for the commune
            // it went into.
            sqlx::query_as!(
                Tenant,
                r#"SELECT n.id, n.slug, n.status = 'suspended' AS "suspended!",
                          p.domain AS "primary_domain?", n.visits_offset,
                          CASE WHEN t.merged_into IS NOT NULL THEN t.id END AS moved_from
                   FROM tenants t
                   JOIN tenants n ON n.id = COALESCE(t.merged_into, t.id)
                   LEFT JOIN tenant_domains p ON p.tenant_id = n.id AND p.is_primary
                   WHERE t.slug = $1"#,
                slug
            )
            .fetch_optional(pool)
            .await?
        }
        Site::Domain(domain) => {
            sqlx::query_as!(
                Tenant,
                r#"SELECT t.id, t.slug, t.status = 'suspended' AS "suspended!",
                          p.domain AS "primary_domain?", t.visits_offset,
                          d.merged_from AS moved_from
                   FROM tenant_domains d
                   JOIN tenants t ON t.id = d.tenant_id
                   LEFT JOIN tenant_domains p ON p.tenant_id = t.id AND p.is_primary
                   WHERE d.domain = $1"#,
                domain.as_str()
            )
            .fetch_optional(pool)
            .await?
        }
    };
    Ok(row.map(Arc::new))
}

impl Tenant {
    /// The name this commune should be reached at: its primary domain, or
    /// else its automatic `<slug>.<platform domain>`.
    pub fn canonical_host(&self, platform: &DomainName) -> String {
        congxa_tenancy::domain::canonical_host(&self.slug, self.primary_domain.as_deref(), platform)
    }
}
