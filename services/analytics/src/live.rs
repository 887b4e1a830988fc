//! The counter every commune site shows, read live from Redis, and a
//! commune's running total, which a merge or an export carries away.

use redis::AsyncCommands;
use time::OffsetDateTime;
use uuid::Uuid;

use crate::ingest::ONLINE_SECS;
use crate::keys::{Keys, Periods};

/// A commune's views: in all, today and this month, and the visitors seen
/// in the last five minutes.
pub struct Counter {
    pub total: u64,
    pub today: u64,
    pub month: u64,
    pub online: u64,
}

pub async fn read<C>(connection: &mut C, keys: &Keys, tenant: Uuid) -> redis::RedisResult<Counter>
where
    C: redis::aio::ConnectionLike + Send + Sync,
{
    let now = OffsetDateTime::now_utc();
    let periods = Periods::of(now);
    let (total, today, month, online): (Option<u64>, Option<u64>, Option<u64>, u64) = redis::pipe()
        .get(keys.total(tenant))
        .hget(keys.day(tenant, &periods.day), "views")
        .get(keys.month(tenant, &periods.month))
        .zcount(
            keys.online(tenant),
            now.unix_timestamp() - ONLINE_SECS,
            "+inf",
        )
        .query_async(connection)
        .await?;
    Ok(Counter {
        total: total.unwrap_or(0),
        today: today.unwrap_or(0),
        month: month.unwrap_or(0),
        online,
    })
}

/// A commune's running total alone, which a merge moves to PostgreSQL.
pub async fn total<C>(connection: &mut C, keys: &Keys, tenant: Uuid) -> redis::RedisResult<u64>
where
    C: redis::aio::ConnectionLike + Send + Sync,
{
    let total: Option<u64> = connection.get(keys.total(tenant)).await?;
    Ok(total.unwrap_or(0))
}

/// Forgets a commune's running total once a merge has moved it.
pub async fn clear_total<C>(connection: &mut C, keys: &Keys, tenant: Uuid) -> redis::RedisResult<()>
where
    C: redis::aio::ConnectionLike + Send + Sync,
{
    connection.del(keys.total(tenant)).await
}
