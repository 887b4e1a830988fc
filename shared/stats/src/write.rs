//! What a flush writes: a commune's day, whole. Every figure only grows
//! (`GREATEST`), so writing the same day twice, or a day Redis is still
//! restoring, never lowers what is stored.

use sqlx::PgConnection;
use time::Date;

use crate::Dimension;

/// One day of one commune as Redis holds it.
#[derive(Debug, Clone, Default)]
pub struct Day {
    pub views: i64,
    pub visits: i64,
    pub visitors: i64,
    pub bots: i64,
    /// The day's HyperLogLog, as Redis stores it.
    pub visitors_hll: Option<Vec<u8>>,
    /// Views by page, item, referrer and device class.
    pub counts: Vec<(Dimension, String, i64)>,
}

/// Unique visitors of a month or a year.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Period {
    Month,
    Year,
}

impl Period {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Month => "month",
            Self::Year => "year",
        }
    }
}

/// Writes `day` for the commune the transaction acts for.
pub async fn day(
    conn: &mut PgConnection,
    tenant: uuid::Uuid,
    on: Date,
    figures: &Day,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "INSERT INTO visit_days (tenant_id, day, views, visits, visitors, bots, visitors_hll)
         VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (tenant_id, day) DO UPDATE SET
             views = GREATEST(visit_days.views, EXCLUDED.views),
             visits = GREATEST(visit_days.visits, EXCLUDED.visits),
             bots = GREATEST(visit_days.bots, EXCLUDED.bots),
             visitors_hll = CASE WHEN EXCLUDED.visitors >= visit_days.visitors
                                 THEN EXCLUDED.visitors_hll ELSE visit_days.visitors_hll END,
             visitors = GREATEST(visit_days.visitors, EXCLUDED.visitors),
             flushed_at = now()",
        tenant,
        on,
        figures.views,
        figures.visits,
        figures.visitors,
        figures.bots,
        figures.visitors_hll.as_deref(),
    )
    .execute(&mut *conn)
    .await?;
    if figures.counts.is_empty() {
        return Ok(());
    }
    let mut dimensions = Vec::with_capacity(figures.counts.len());
    let mut keys = Vec::with_capacity(figures.counts.len());
    let mut views = Vec::with_capacity(figures.counts.len());
    for (dimension, key, count) in &figures.counts {
        dimensions.push(dimension.as_str().to_owned());
        keys.push(key.clone());
        views.push(*count);
    }
    sqlx::query!(
        "INSERT INTO visit_day_counts (tenant_id, day, dimension, key, views)
         SELECT $1, $2, d, k, v FROM UNNEST($3::text[], $4::text[], $5::int8[]) AS x (d, k, v)
         ON CONFLICT (tenant_id, day, dimension, key)
         DO UPDATE SET views = GREATEST(visit_day_counts.views, EXCLUDED.views)",
        tenant,
        on,
        &dimensions,
        &keys,
        &views,
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Writes the unique visitors of the month or year starting `starts`.
pub async fn period(
    conn: &mut PgConnection,
    tenant: uuid::Uuid,
    period: Period,
    starts: Date,
    visitors: i64,
    hll: Option<&[u8]>,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "INSERT INTO visit_periods (tenant_id, period, starts, visitors, visitors_hll)
         VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (tenant_id, period, starts) DO UPDATE SET
             visitors_hll = CASE WHEN EXCLUDED.visitors >= visit_periods.visitors
                                 THEN EXCLUDED.visitors_hll ELSE visit_periods.visitors_hll END,
             visitors = GREATEST(visit_periods.visitors, EXCLUDED.visitors)",
        tenant,
        period.as_str(),
        starts,
        visitors,
        hll,
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}
