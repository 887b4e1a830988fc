//! Every commune side by side, for the operators' view and the province's
//! monitoring feed: sums only, no commune's breakdown.

use serde::Serialize;
use sqlx::PgConnection;
use time::Date;
use uuid::Uuid;

#[derive(Debug, Clone, Serialize)]
pub struct Commune {
    pub slug: String,
    pub name: String,
    pub active: bool,
    pub views: u64,
    pub visits: u64,
    pub bots: u64,
    /// Views since counting began, with those brought from an earlier
    /// portal.
    pub total: u64,
}

fn count(value: i64) -> u64 {
    u64::try_from(value).unwrap_or(0)
}

/// The communes of `region` (all of them for `None`) with their figures
/// from `first` to `last`, by name.
pub async fn communes(
    conn: &mut PgConnection,
    first: Date,
    last: Date,
    region: Option<Uuid>,
) -> Result<Vec<Commune>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"SELECT t.slug, t.name, t.status = 'active' AS "active!",
                  s.views AS "views!", s.visits AS "visits!", s.bots AS "bots!", s.total AS "total!"
           FROM congxa_visit_summary($1, $2) s JOIN tenants t ON t.id = s.tenant_id
           WHERE $3::uuid IS NULL OR t.region_id = $3
           ORDER BY t.name, t.slug"#,
        first,
        last,
        region
    )
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| Commune {
            slug: r.slug,
            name: r.name,
            active: r.active,
            views: count(r.views),
            visits: count(r.visits),
            bots: count(r.bots),
            total: count(r.total),
        })
        .collect())
}
