//! The day's visitor salt: random, the same for every gateway and analytics
//! replica (it lives in Redis), and gone two days later, so that a visitor
//! hash cannot be recomputed from an address once its day is over.

use redis::AsyncCommands;
use time::{Duration, OffsetDateTime};

use crate::keys::{Keys, Periods};

/// Long enough for views of yesterday still queued in a gateway.
const SALT_TTL_SECS: u64 = 2 * 24 * 3600;

/// The salt of `day` ("2026-11-27"), made on first request. Only today's
/// and yesterday's are handed out: others are gone or not yet due.
pub async fn of_day<C>(
    connection: &mut C,
    keys: &Keys,
    day: &str,
) -> redis::RedisResult<Option<String>>
where
    C: redis::aio::ConnectionLike + Send + Sync,
{
    let now = OffsetDateTime::now_utc();
    let today = Periods::of(now).day;
    let yesterday = Periods::of(now - Duration::days(1)).day;
    if day != today && day != yesterday {
        return Ok(None);
    }
    let fresh = hex::encode(rand::random::<[u8; 32]>());
    let options = redis::SetOptions::default()
        .conditional_set(redis::ExistenceCheck::NX)
        .with_expiration(redis::SetExpiry::EX(SALT_TTL_SECS));
    let _: Option<String> = connection
        .set_options(keys.salt(day), &fresh, options)
        .await?;
    connection.get(keys.salt(day)).await
}
