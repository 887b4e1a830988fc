//! Counting a batch of page views in Redis: one script per commune applies
//! the commune's part of the batch at once, and only once.

use std::collections::BTreeMap;

use congxa_web::views::{Batch, View};
use uuid::Uuid;

use crate::keys::{Keys, Periods};

/// Seconds without a view after which a visitor's next view starts a new
/// visit (README, "Visits: what is counted").
pub const VISIT_GAP_SECS: i64 = 30 * 60;
/// How long "online now" looks back.
pub const ONLINE_SECS: i64 = 5 * 60;
/// How long a batch id is remembered: far longer than the gateway keeps
/// resending one.
const BATCH_MEMORY_SECS: i64 = 24 * 3600;
/// Days stay in Redis until long after their last flush.
pub const DAY_TTL_SECS: i64 = 3 * 24 * 3600;
pub const MONTH_TTL_SECS: i64 = 40 * 24 * 3600;
pub const YEAR_TTL_SECS: i64 = 400 * 24 * 3600;

/// Redis runs this atomically for one commune. Returns -1 when Redis holds
/// no whole state (it lost its data and is not restored yet), 0 when the
/// batch was applied before, else the views of people it counted.
///
/// KEYS: the epoch marker, the batch marker, the dirty set.
/// ARGV: the commune's key prefix, its id, then nine fields per view.
/// The script names the commune's other keys itself; they all share its
/// braces, as a cluster would need.
const SCRIPT: &str = r#"
if redis.call('EXISTS', KEYS[1]) == 0 then return -1 end
if not redis.call('SET', KEYS[2], '1', 'NX', 'EX', tonumber(ARGV[3])) then return 0 end
local p = ARGV[1]
local gap = tonumber(ARGV[4])
local ttl_day, ttl_month, ttl_year = tonumber(ARGV[5]), tonumber(ARGV[6]), tonumber(ARGV[7])
local counted, latest = 0, 0
local expiring = {}
for i = 8, #ARGV, 9 do
  local day, month, year = ARGV[i], ARGV[i + 1], ARGV[i + 2]
  local ts = tonumber(ARGV[i + 3])
  local visitor, device, path, item, ref = ARGV[i + 4], ARGV[i + 5], ARGV[i + 6], ARGV[i + 7], ARGV[i + 8]
  local dayk = p .. 'day:' .. day
  expiring[dayk] = ttl_day
  if device == 'bot' then
    redis.call('HINCRBY', dayk, 'bots', 1)
  else
    redis.call('INCR', p .. 'total')
    redis.call('INCR', p .. 'month:' .. month)
    expiring[p .. 'month:' .. month] = ttl_month
    redis.call('HINCRBY', dayk, 'views', 1)
    redis.call('HINCRBY', dayk, 'p:' .. path, 1)
    if item ~= '' then redis.call('HINCRBY', dayk, 'i:' .. item, 1) end
    if ref ~= '' then redis.call('HINCRBY', dayk, 'r:' .. ref, 1) end
    redis.call('HINCRBY', dayk, 'd:' .. device, 1)
    redis.call('PFADD', p .. 'u:' .. day, visitor)
    redis.call('PFADD', p .. 'u:' .. month, visitor)
    redis.call('PFADD', p .. 'u:' .. year, visitor)
    expiring[p .. 'u:' .. day] = ttl_day
    expiring[p .. 'u:' .. month] = ttl_month
    expiring[p .. 'u:' .. year] = ttl_year
    local last = redis.call('ZSCORE', p .. 'online', visitor)
    if (not last) or ts - tonumber(last) > gap then
      redis.call('HINCRBY', dayk, 'visits', 1)
    end
    redis.call('ZADD', p .. 'online', 'GT', ts, visitor)
    counted = counted + 1
  end
  redis.call('SADD', KEYS[3], ARGV[2] .. '|' .. day)
  if ts > latest then latest = ts end
end
for key, ttl in pairs(expiring) do redis.call('EXPIRE', key, ttl) end
if latest > 0 then
  redis.call('ZREMRANGEBYSCORE', p .. 'online', '-inf', latest - gap)
  redis.call('EXPIRE', p .. 'online', gap * 2)
end
return counted
"#;

/// What applying a batch came to.
#[derive(Debug, PartialEq, Eq)]
pub enum Applied {
    /// People's views counted (a batch seen before counts 0).
    Counted(u64),
    /// Redis lost its data and must be restored before counting resumes.
    NeedsRestore,
}

/// The longest path or referrer kept; longer ones are cut (at a character).
const MAX_KEY_CHARS: usize = 300;

fn clip(text: &str) -> &str {
    match text.char_indices().nth(MAX_KEY_CHARS) {
        Some((end, _)) => &text[..end],
        None => text,
    }
}

pub async fn apply<C>(connection: &mut C, keys: &Keys, batch: &Batch) -> redis::RedisResult<Applied>
where
    C: redis::aio::ConnectionLike + Send + Sync,
{
    let script = redis::Script::new(SCRIPT);
    let mut by_tenant: BTreeMap<Uuid, Vec<&View>> = BTreeMap::new();
    for view in &batch.views {
        by_tenant.entry(view.tenant_id).or_default().push(view);
    }
    let mut counted = 0u64;
    for (tenant, views) in by_tenant {
        let mut invocation = script.prepare_invoke();
        invocation
            .key(keys.epoch())
            .key(keys.batch(tenant, batch.id))
            .key(keys.dirty())
            .arg(keys.tenant(tenant))
            .arg(tenant.to_string())
            .arg(BATCH_MEMORY_SECS)
            .arg(VISIT_GAP_SECS)
            .arg(DAY_TTL_SECS)
            .arg(MONTH_TTL_SECS)
            .arg(YEAR_TTL_SECS);
        for view in views {
            let periods = Periods::of(view.at);
            let device = view.device.as_str();
            let path = clip(&view.path);
            let path = if path.is_empty() { "/" } else { path };
            invocation
                .arg(periods.day)
                .arg(periods.month)
                .arg(periods.year)
                .arg(view.at.unix_timestamp())
                .arg(&view.visitor)
                .arg(device)
                .arg(path)
                .arg(view.item.map(|i| i.to_string()).unwrap_or_default())
                .arg(view.referrer.as_deref().map(clip).unwrap_or_default());
        }
        let result: i64 = invocation.invoke_async(connection).await?;
        match result {
            -1 => return Ok(Applied::NeedsRestore),
            n => counted += u64::try_from(n).unwrap_or(0),
        }
    }
    Ok(Applied::Counted(counted))
}
