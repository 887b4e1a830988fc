//! The live counters in Redis: per commune, a running total and one count
//! per day (in Vietnam's time zone).

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

fn day_key(tenant: Uuid, at: OffsetDateTime) -> String {
    format!("congxa:{{{tenant}}}:views:day:{}", vn_time::day_key(at))
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
    }
    pipe.query_async(connection).await
}

/// A commune's total and today's views.
pub async fn read(
    connection: &mut redis::aio::ConnectionManager,
    tenant: Uuid,
) -> redis::RedisResult<(u64, u64)> {
    let (total, today): (Option<u64>, Option<u64>) = connection
        .mget(&[
            total_key(tenant),
            day_key(tenant, OffsetDateTime::now_utc()),
        ])
        .await?;
    Ok((total.unwrap_or(0), today.unwrap_or(0)))
}
