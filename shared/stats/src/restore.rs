//! What Redis gets back after it lost its data: the figures PostgreSQL holds
//! from the last flush, for every commune at once (no tenant is set; the
//! database hands them out through functions that only read).

use sqlx::PgPool;
use time::Date;
use uuid::Uuid;

/// A day still being counted, as last flushed.
pub struct Day {
    pub tenant_id: Uuid,
    pub day: Date,
    pub views: i64,
    pub visits: i64,
    pub bots: i64,
    pub visitors_hll: Option<Vec<u8>>,
}

/// One breakdown figure of such a day.
pub struct Count {
    pub tenant_id: Uuid,
    pub day: Date,
    pub dimension: String,
    pub key: String,
    pub views: i64,
}

/// A month's or a year's unique visitors, as last flushed.
pub struct Period {
    pub tenant_id: Uuid,
    pub period: String,
    pub starts: Date,
    pub visitors_hll: Option<Vec<u8>>,
}

/// Everything to restore: running totals, and the days, months and years
/// from `since` on.
pub struct Snapshot {
    pub totals: Vec<(Uuid, i64)>,
    pub days: Vec<Day>,
    pub counts: Vec<Count>,
    pub periods: Vec<Period>,
}

pub async fn snapshot(pool: &PgPool, since: Date) -> Result<Snapshot, sqlx::Error> {
    let totals = sqlx::query!(
        r#"SELECT tenant_id AS "tenant_id!", views AS "views!" FROM congxa_visit_totals()"#
    )
    .fetch_all(pool)
    .await?
    .into_iter()
    .map(|r| (r.tenant_id, r.views))
    .collect();
    let days = sqlx::query_as!(
        Day,
        r#"SELECT tenant_id AS "tenant_id!", day AS "day!", views AS "views!",
                  visits AS "visits!", bots AS "bots!", visitors_hll
           FROM congxa_visit_days_since($1)"#,
        since
    )
    .fetch_all(pool)
    .await?;
    let counts = sqlx::query_as!(
        Count,
        r#"SELECT tenant_id AS "tenant_id!", day AS "day!", dimension AS "dimension!",
                  key AS "key!", views AS "views!"
           FROM congxa_visit_day_counts_since($1)"#,
        since
    )
    .fetch_all(pool)
    .await?;
    let periods = sqlx::query_as!(
        Period,
        r#"SELECT tenant_id AS "tenant_id!", period AS "period!", starts AS "starts!", visitors_hll
           FROM congxa_visit_periods_since($1)"#,
        since
            .replace_month(time::Month::January)
            .and_then(|d| d.replace_day(1))
            .unwrap_or(since)
    )
    .fetch_all(pool)
    .await?;
    Ok(Snapshot {
        totals,
        days,
        counts,
        periods,
    })
}
