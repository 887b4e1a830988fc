//! Writing what Redis counted to PostgreSQL, every minute and once more on
//! a graceful shutdown. A flush writes each changed day whole (never a
//! difference) and PostgreSQL keeps the greater figure, so a flush retried
//! after a crash, or run by two replicas at once, counts nothing twice.

use std::collections::{BTreeMap, HashMap};

use congxa_stats::write::{self, Day, Period};
use redis::AsyncCommands;
use sqlx::PgPool;
use time::Date;
use uuid::Uuid;

use crate::keys::{self, Keys};

/// Days taken from Redis per round trip.
const CHUNK: usize = 200;

#[derive(Debug, thiserror::Error)]
pub enum FlushError {
    #[error("Redis: {0}")]
    Redis(#[from] redis::RedisError),
    #[error("PostgreSQL: {0}")]
    Database(#[from] sqlx::Error),
    /// Redis lost its data; it is restored before anything is flushed, or
    /// the flush would write its smaller figures (harmlessly, but for
    /// nothing).
    #[error("Redis is not restored yet")]
    NeedsRestore,
}

/// Puts back the days a flush had taken when its process stopped before
/// writing them: they are flushed again (which changes nothing if they
/// were written).
pub async fn recover<C>(connection: &mut C, keys: &Keys) -> redis::RedisResult<()>
where
    C: redis::aio::ConnectionLike + Send + Sync,
{
    redis::pipe()
        .atomic()
        .sunionstore(keys.dirty(), &[keys.dirty(), keys.flushing()])
        .ignore()
        .del(keys.flushing())
        .ignore()
        .query_async::<()>(connection)
        .await
}

/// One day of one commune, with the month's and year's unique visitors.
struct Taken {
    member: String,
    tenant: Uuid,
    day: Date,
    figures: Day,
    month: (i64, Option<Vec<u8>>),
    year: (i64, Option<Vec<u8>>),
}

/// Flushes every day counted since the last flush; returns how many.
pub async fn flush<C>(connection: &mut C, keys: &Keys, pool: &PgPool) -> Result<usize, FlushError>
where
    C: redis::aio::ConnectionLike + Send + Sync,
{
    let whole: bool = connection.exists(keys.epoch()).await?;
    if !whole {
        return Err(FlushError::NeedsRestore);
    }
    let members: Vec<String> = connection.smembers(keys.dirty()).await?;
    let mut flushed = 0;
    for chunk in members.chunks(CHUNK) {
        let taken = take(connection, keys, chunk).await?;
        let mut by_tenant: BTreeMap<Uuid, Vec<Taken>> = BTreeMap::new();
        for day in taken {
            by_tenant.entry(day.tenant).or_default().push(day);
        }
        for (tenant, days) in by_tenant {
            let members: Vec<&str> = days.iter().map(|d| d.member.as_str()).collect();
            match write_tenant(pool, tenant, &days).await {
                Ok(()) => {
                    connection
                        .srem::<_, _, ()>(keys.flushing(), &members)
                        .await?;
                    flushed += days.len();
                }
                Err(error) => {
                    // Back to the dirty set: the next flush tries again.
                    for member in &members {
                        connection
                            .smove::<_, _, _, ()>(keys.flushing(), keys.dirty(), *member)
                            .await?;
                    }
                    return Err(error.into());
                }
            }
        }
    }
    Ok(flushed)
}

/// Moves `members` from the dirty set to the flushing set, then reads them.
/// Taken before read: a view counted meanwhile marks its day dirty again.
async fn take<C>(
    connection: &mut C,
    keys: &Keys,
    members: &[String],
) -> redis::RedisResult<Vec<Taken>>
where
    C: redis::aio::ConnectionLike + Send + Sync,
{
    let mut moving = redis::pipe();
    for member in members {
        moving.smove(keys.dirty(), keys.flushing(), member).ignore();
    }
    moving.query_async::<()>(connection).await?;

    let mut out = Vec::with_capacity(members.len());
    for member in members {
        let Some((tenant, day)) = member
            .split_once('|')
            .and_then(|(t, d)| Some((Uuid::parse_str(t).ok()?, d)))
        else {
            connection.srem::<_, _, ()>(keys.flushing(), member).await?;
            continue;
        };
        let Some(date) = keys::parse_day(day) else {
            connection.srem::<_, _, ()>(keys.flushing(), member).await?;
            continue;
        };
        let (month, year) = (&day[..7], &day[..4]);
        #[allow(clippy::type_complexity)]
        let (hash, day_visitors, day_hll, month_visitors, month_hll, year_visitors, year_hll): (
            HashMap<String, i64>,
            i64,
            Option<Vec<u8>>,
            i64,
            Option<Vec<u8>>,
            i64,
            Option<Vec<u8>>,
        ) = redis::pipe()
            .hgetall(keys.day(tenant, day))
            .pfcount(keys.visitors(tenant, day))
            .get(keys.visitors(tenant, day))
            .pfcount(keys.visitors(tenant, month))
            .get(keys.visitors(tenant, month))
            .pfcount(keys.visitors(tenant, year))
            .get(keys.visitors(tenant, year))
            .query_async(connection)
            .await?;
        let mut figures = Day {
            visitors: day_visitors,
            visitors_hll: day_hll,
            ..Day::default()
        };
        for (field, value) in hash {
            match field.as_str() {
                "views" => figures.views = value,
                "visits" => figures.visits = value,
                "bots" => figures.bots = value,
                other => {
                    if let Some((dimension, key)) = keys::parse_field(other) {
                        figures.counts.push((dimension, key.to_owned(), value));
                    }
                }
            }
        }
        out.push(Taken {
            member: member.clone(),
            tenant,
            day: date,
            figures,
            month: (month_visitors, month_hll),
            year: (year_visitors, year_hll),
        });
    }
    Ok(out)
}

async fn write_tenant(pool: &PgPool, tenant: Uuid, days: &[Taken]) -> Result<(), sqlx::Error> {
    let mut tx = congxa_db::begin_for_tenant(pool, tenant).await?;
    let exists = sqlx::query_scalar!(
        r#"SELECT EXISTS (SELECT 1 FROM tenants WHERE id = $1) AS "exists!""#,
        tenant
    )
    .fetch_one(&mut *tx)
    .await?;
    if !exists {
        // A commune deleted since: its counts go with it.
        return Ok(());
    }
    for day in days {
        write::day(&mut tx, tenant, day.day, &day.figures).await?;
        let month_start = day.day.replace_day(1).unwrap_or(day.day);
        let year_start = month_start
            .replace_month(time::Month::January)
            .unwrap_or(month_start);
        write::period(
            &mut tx,
            tenant,
            Period::Month,
            month_start,
            day.month.0,
            day.month.1.as_deref(),
        )
        .await?;
        write::period(
            &mut tx,
            tenant,
            Period::Year,
            year_start,
            day.year.0,
            day.year.1.as_deref(),
        )
        .await?;
    }
    tx.commit().await
}
