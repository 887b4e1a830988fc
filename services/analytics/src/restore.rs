//! Giving Redis back what PostgreSQL holds after Redis lost its data: the
//! running totals, this month's views, the figures and visitor logs of the
//! days still being counted. Views are refused (the gateway keeps and
//! resends them) until this is done, so the figures restored are written as
//! they are, and a restore cut short and run again writes the same.

use std::collections::HashMap;

use redis::AsyncCommands;
use sqlx::PgPool;
use time::{Duration, OffsetDateTime};
use uuid::Uuid;

use crate::ingest::{DAY_TTL_SECS, MONTH_TTL_SECS, YEAR_TTL_SECS};
use crate::keys::{self, Keys, Periods};

/// Commands sent per round trip.
const CHUNK: usize = 1000;
/// The longest a restore may hold the lock before another replica may
/// take over.
const LOCK_SECS: u64 = 120;

#[derive(Debug, thiserror::Error)]
pub enum RestoreError {
    #[error("Redis: {0}")]
    Redis(#[from] redis::RedisError),
    #[error("PostgreSQL: {0}")]
    Database(#[from] sqlx::Error),
}

/// Restores Redis when it holds no whole state. Returns whether this call
/// restored it (false: nothing to do, or another replica is at it).
pub async fn if_needed<C>(
    connection: &mut C,
    keys: &Keys,
    pool: &PgPool,
) -> Result<bool, RestoreError>
where
    C: redis::aio::ConnectionLike + Send + Sync,
{
    let whole: bool = connection.exists(keys.epoch()).await?;
    if whole {
        return Ok(false);
    }
    let options = redis::SetOptions::default()
        .conditional_set(redis::ExistenceCheck::NX)
        .with_expiration(redis::SetExpiry::EX(LOCK_SECS));
    let locked: Option<String> = connection
        .set_options(keys.restoring(), "1", options)
        .await?;
    if locked.is_none() {
        return Ok(false);
    }
    let restored = restore(connection, keys, pool).await;
    let _: Result<(), _> = connection.del(keys.restoring()).await;
    restored.map(|()| true)
}

async fn restore<C>(connection: &mut C, keys: &Keys, pool: &PgPool) -> Result<(), RestoreError>
where
    C: redis::aio::ConnectionLike + Send + Sync,
{
    let now = OffsetDateTime::now_utc();
    let today = Periods::of(now);
    let yesterday = Periods::of(now - Duration::days(1));
    // Days a gateway may still send views for: today and yesterday.
    let counting = [today.day.as_str(), yesterday.day.as_str()];
    let local_today = congxa_locale::time::now().date();
    let month_start = local_today.replace_day(1).unwrap_or(local_today);
    let since = month_start.min(local_today - Duration::days(1));
    let snapshot = congxa_stats::restore::snapshot(pool, since).await?;

    let mut commands: Vec<redis::Cmd> = Vec::new();
    for (tenant, views) in &snapshot.totals {
        commands.push(redis::Cmd::set(keys.total(*tenant), views));
    }
    let mut month_views: HashMap<Uuid, i64> = HashMap::new();
    for day in &snapshot.days {
        let key = keys::day_key_of(day.day);
        if key.starts_with(&today.month) {
            *month_views.entry(day.tenant_id).or_default() += day.views;
        }
        if !counting.contains(&key.as_str()) {
            continue;
        }
        let hash = keys.day(day.tenant_id, &key);
        commands.push(redis::Cmd::hset_multiple(
            &hash,
            &[
                ("views", day.views),
                ("visits", day.visits),
                ("bots", day.bots),
            ],
        ));
        commands.push(redis::Cmd::expire(&hash, DAY_TTL_SECS));
        if let Some(hll) = &day.visitors_hll {
            let visitors = keys.visitors(day.tenant_id, &key);
            commands.push(redis::Cmd::set(&visitors, hll.as_slice()));
            commands.push(redis::Cmd::expire(&visitors, DAY_TTL_SECS));
        }
        commands.push(redis::Cmd::sadd(
            keys.dirty(),
            format!("{}|{key}", day.tenant_id),
        ));
        // The counting script sets lifetimes when a commune's day starts; a
        // day put back here has started, so what its views feed must exist
        // with a lifetime already (yesterday may be of another month, even
        // another year, than the ones restored below).
        let (month, year) = (&key[..7], &key[..4]);
        for (name, ttl) in [
            (key.as_str(), DAY_TTL_SECS),
            (month, MONTH_TTL_SECS),
            (year, YEAR_TTL_SECS),
        ] {
            let visitors = keys.visitors(day.tenant_id, name);
            commands.push(redis::Cmd::pfadd(&visitors, Vec::<String>::new()));
            commands.push(redis::Cmd::expire(&visitors, ttl));
        }
        let month_key = keys.month(day.tenant_id, month);
        commands.push(redis::Cmd::incr(&month_key, 0));
        commands.push(redis::Cmd::expire(&month_key, MONTH_TTL_SECS));
    }
    for (tenant, views) in month_views {
        let key = keys.month(tenant, &today.month);
        commands.push(redis::Cmd::set(&key, views));
        commands.push(redis::Cmd::expire(&key, MONTH_TTL_SECS));
    }
    for count in &snapshot.counts {
        let key = keys::day_key_of(count.day);
        if !counting.contains(&key.as_str()) {
            continue;
        }
        let Some(dimension) = congxa_stats::Dimension::parse(&count.dimension) else {
            continue;
        };
        commands.push(redis::Cmd::hset(
            keys.day(count.tenant_id, &key),
            keys::field(dimension, &count.key),
            count.views,
        ));
    }
    for period in &snapshot.periods {
        let Some(hll) = &period.visitors_hll else {
            continue;
        };
        let key = keys::day_key_of(period.starts);
        let (name, ttl) = match period.period.as_str() {
            "month" if key[..7] == today.month => (&key[..7], MONTH_TTL_SECS),
            "year" if key[..4] == today.year => (&key[..4], YEAR_TTL_SECS),
            _ => continue,
        };
        let visitors = keys.visitors(period.tenant_id, name);
        commands.push(redis::Cmd::set(&visitors, hll.as_slice()));
        commands.push(redis::Cmd::expire(&visitors, ttl));
    }
    for chunk in commands.chunks(CHUNK) {
        let mut pipe = redis::pipe();
        for command in chunk {
            pipe.add_command(command.clone()).ignore();
        }
        pipe.query_async::<()>(connection).await?;
    }
    // Last: counting resumes only on a whole state.
    connection
        .set::<_, _, ()>(keys.epoch(), now.unix_timestamp())
        .await?;
    tracing::info!(
        communes = snapshot.totals.len(),
        "visit counters restored to Redis from PostgreSQL"
    );
    Ok(())
}
