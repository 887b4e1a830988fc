//! Counting a batch of page views in Redis: one script per commune applies
//! the commune's part of the batch at once, and only once.

use congxa_web::views::Batch;

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

/// Redis runs this atomically for a whole batch: one round trip, however
/// many communes it holds. Returns -1 when Redis holds no whole state (it
/// lost its data and is not restored yet), 0 when the batch was applied
/// before, else the views of people it counted.
///
/// KEYS: the epoch marker, the batch marker, the dirty set.
/// ARGV: the keys' root, the lifetimes, then eleven fields per view: the
/// commune, its day, month and year, the moment, the visitor, the device,
/// the path, the item, the referrer, and the count (the same view seen
/// that many times). The script names the communes' keys itself, each
/// commune's under its braces; it runs on one Redis, not a cluster.
///
/// Views spread over many communes rarely share a key within a batch, so
/// each command per view counts: a view costs about ten, and the rest is
/// done only when something starts. Lifetimes are set when a commune's day
/// starts (its first view of that day), the month and year visitor logs are
/// fed only by a visitor new to the day (the day's salt makes a visitor's
/// hash the same all day, so one already in the day's log is already in
/// the month's and the year's), and the online set is pruned and kept
/// alive when a visit starts.
const SCRIPT: &str = r#"
if redis.call('EXISTS', KEYS[1]) == 0 then return -1 end
if not redis.call('SET', KEYS[2], '1', 'NX', 'EX', tonumber(ARGV[2])) then return 0 end
local root = ARGV[1]
local gap = tonumber(ARGV[3])
local ttl_day, ttl_month, ttl_year = tonumber(ARGV[4]), tonumber(ARGV[5]), tonumber(ARGV[6])
local counted = 0
local dirty = {}
local visits_started = {}
for i = 7, #ARGV, 11 do
  local tenant = ARGV[i]
  local p = root .. '{' .. tenant .. '}:'
  local day, month, year = ARGV[i + 1], ARGV[i + 2], ARGV[i + 3]
  local ts = tonumber(ARGV[i + 4])
  local visitor, device, path, item, ref = ARGV[i + 5], ARGV[i + 6], ARGV[i + 7], ARGV[i + 8], ARGV[i + 9]
  local n = tonumber(ARGV[i + 10])
  local dayk = p .. 'day:' .. day
  if device == 'bot' then
    if redis.call('HINCRBY', dayk, 'bots', n) == n then
      redis.call('EXPIRE', dayk, ttl_day)
    end
  else
    local monthk = p .. 'month:' .. month
    redis.call('INCRBY', p .. 'total', n)
    redis.call('INCRBY', monthk, n)
    local day_views = redis.call('HINCRBY', dayk, 'views', n)
    redis.call('HINCRBY', dayk, 'p:' .. path, n)
    if item ~= '' then redis.call('HINCRBY', dayk, 'i:' .. item, n) end
    if ref ~= '' then redis.call('HINCRBY', dayk, 'r:' .. ref, n) end
    redis.call('HINCRBY', dayk, 'd:' .. device, n)
    local dayu = p .. 'u:' .. day
    if redis.call('PFADD', dayu, visitor) == 1 then
      local monthu, yearu = p .. 'u:' .. month, p .. 'u:' .. year
      redis.call('PFADD', monthu, visitor)
      redis.call('PFADD', yearu, visitor)
      if day_views == n then
        redis.call('EXPIRE', dayk, ttl_day)
        redis.call('EXPIRE', dayu, ttl_day)
        redis.call('EXPIRE', monthk, ttl_month)
        redis.call('EXPIRE', monthu, ttl_month)
        redis.call('EXPIRE', yearu, ttl_year)
      end
    elseif day_views == n then
      -- The day's log existed without views: a restored day.
      redis.call('EXPIRE', dayk, ttl_day)
      redis.call('EXPIRE', monthk, ttl_month)
    end
    -- Views folded together are one visitor's within a moment: one visit
    -- at most between them.
    local online = p .. 'online'
    local last = redis.call('ZSCORE', online, visitor)
    if (not last) or ts - tonumber(last) > gap then
      redis.call('HINCRBY', dayk, 'visits', 1)
      if (visits_started[online] or 0) < ts then visits_started[online] = ts end
    end
    redis.call('ZADD', online, 'GT', ts, visitor)
    counted = counted + n
  end
  dirty[tenant .. '|' .. day] = true
end
for member in pairs(dirty) do redis.call('SADD', KEYS[3], member) end
-- A set lives as long as the day's counts, far beyond the gap, so a
-- visitor still reading keeps their visit; a commune's set goes when
-- no visit has started there for that long.
for online, ts in pairs(visits_started) do
  redis.call('ZREMRANGEBYSCORE', online, '-inf', ts - gap)
  redis.call('EXPIRE', online, ttl_day)
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
    congxa_web::views::clip(text, MAX_KEY_CHARS)
}

pub async fn apply<C>(connection: &mut C, keys: &Keys, batch: &Batch) -> redis::RedisResult<Applied>
where
    C: redis::aio::ConnectionLike + Send + Sync,
{
    let script = redis::Script::new(SCRIPT);
    let mut invocation = script.prepare_invoke();
    invocation
        .key(keys.epoch())
        .key(keys.batch(batch.id))
        .key(keys.dirty())
        .arg(keys.root())
        .arg(BATCH_MEMORY_SECS)
        .arg(VISIT_GAP_SECS)
        .arg(DAY_TTL_SECS)
        .arg(MONTH_TTL_SECS)
        .arg(YEAR_TTL_SECS);
    for view in &batch.views {
        let periods = Periods::of(view.at);
        let path = clip(&view.path);
        invocation
            .arg(view.tenant_id.to_string())
            .arg(periods.day)
            .arg(periods.month)
            .arg(periods.year)
            .arg(view.at.unix_timestamp())
            .arg(&view.visitor)
            .arg(view.device.as_str())
            .arg(if path.is_empty() { "/" } else { path })
            .arg(view.item.map(|i| i.to_string()).unwrap_or_default())
            .arg(view.referrer.as_deref().map(clip).unwrap_or_default())
            .arg(view.count.max(1));
    }
    let result: i64 = invocation.invoke_async(connection).await?;
    Ok(match result {
        -1 => Applied::NeedsRestore,
        n => Applied::Counted(u64::try_from(n).unwrap_or(0)),
    })
}
