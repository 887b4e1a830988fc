//! The live counters in Redis: per commune, a running total, one count per
//! day and one per month (in Vietnam's time zone).

use redis::AsyncCommands;
use time::OffsetDateTime;
use uuid::Uuid;

use congxa_locale::time as vn_time;

/// Days are kept this long in Redis; the yearly figures come from
/// PostgreSQL, so Redis only needs the recent past.
const DAY_TTL_SECS: i64 = 40 * 24 * 3600;

fn total_key(tenant: Uuid) -> String {
    format!("congxa:{{{tenant}}}:views:total")
}

/// Months outlive the year they close, for the yearly report.
const MONTH_TTL_SECS: i64 = 400 * 24 * 3600;

fn day_key(tenant: Uuid, at: OffsetDateTime) -> String {
    format!("congxa:{{{tenant}}}:views:day:{}", vn_time::day_key(at))
}

fn month_key(tenant: Uuid, at: OffsetDateTime) -> String {
    // "2026-11-26" → "2026-11".
    let day = vn_time::day_key(at);
    format!("congxa:{{{tenant}}}:views:month:{}", &day[..7])
}

/// Adds page views, all in one round trip.
pub async fn add_views(
    connection: &mut redis::aio::ConnectionManager,
    views: &[(Uuid, OffsetDateTime)],
) -> redis::RedisResult<()> {
    let mut pipe = redis::pipe();
    for (tenant, at) in views {
        let day = day_key(*tenant, *at);
        pipe.incr(total_key(*tenant), 1).ignore();
        pipe.incr(&day, 1).ignore();
        pipe.expire(&day, DAY_TTL_SECS).ignore();
        let month = month_key(*tenant, *at);
        pipe.incr(&month, 1).ignore();
        pipe.expire(&month, MONTH_TTL_SECS).ignore();
    }
    pipe.query_async(connection).await
}

/// A commune's running total alone, which a merge moves to PostgreSQL.
pub async fn total<C>(connection: &mut C, tenant: Uuid) -> redis::RedisResult<u64>
where
    C: redis::aio::ConnectionLike + Send + Sync,
{
    let total: Option<u64> = connection.get(total_key(tenant)).await?;
    Ok(total.unwrap_or(0))
}

/// Forgets a commune's running total once a merge has moved it.
pub async fn clear_total<C>(connection: &mut C, tenant: Uuid) -> redis::RedisResult<()>
where
    C: redis::aio::ConnectionLike + Send + Sync,
{
    connection.del(total_key(tenant)).await
}

/// A commune's views: in all, today and this month.
pub struct Views {
    pub total: u64,
    pub today: u64,
    pub month: u64,
}

pub async fn read(
    connection: &mut redis::aio::ConnectionManager,
    tenant: Uuid,
) -> redis::RedisResult<Views> {
    let now = OffsetDateTime::now_utc();
    let (total, today, month): (Option<u64>, Option<u64>, Option<u64>) = connection
        .mget(&[
            total_key(tenant),
            day_key(tenant, now),
            month_key(tenant, now),
        ])
        .await?;
    Ok(Views {
        total: total.unwrap_or(0),
        today: today.unwrap_or(0),
        month: month.unwrap_or(0),
    })
}
