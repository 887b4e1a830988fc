//! The analytics service: counts public page views in Redis, flushes them
//! to PostgreSQL every minute, restores Redis from PostgreSQL when Redis
//! lost its data, and reports the counter every commune site shows
//! (README, "Visits: what is counted").

pub mod batch_check;
pub mod flush;
pub mod ingest;
pub mod keys;
pub mod live;
pub mod redis_handle;
pub mod restore;
pub mod salt;

use std::sync::Arc;
use std::time::Duration;

use axum::extract::{FromRef, Path, State};
use axum::routing::{get, post};
use axum::{Json, Router};
use congxa_config::Config;
use congxa_stats::privacy::Shared;
use congxa_web::internal::{Internal, InternalAuth};
use congxa_web::views::{Batch, COUNTER_PATH, SALT_PATH, Salt, VIEWS_PATH};
use congxa_web::{ApiError, Shutdown, TenantContext, health};
use serde::Serialize;
use sqlx::PgPool;
use tokio::net::TcpListener;

use crate::ingest::Applied;
use crate::keys::Keys;
use crate::redis_handle::{REDIS_WAIT, RedisHandle};

#[derive(Clone)]
pub struct AppState {
    redis: Arc<RedisHandle>,
    keys: Keys,
    pool: PgPool,
    auth: InternalAuth,
}

impl FromRef<AppState> for InternalAuth {
    fn from_ref(state: &AppState) -> Self {
        state.auth.clone()
    }
}

pub async fn serve(
    config: Config,
    listener: TcpListener,
    shutdown: Shutdown,
) -> anyhow::Result<()> {
    let state = AppState {
        redis: Arc::new(RedisHandle::new(&config.redis_url)?),
        keys: Keys::new(&config.redis_prefix),
        pool: congxa_db::connect_lazy(&config)?,
        auth: InternalAuth::new(&config.internal_token)?,
    };
    let interval = Duration::from_secs(config.flush_interval_secs.max(1));
    let flushes = tokio::spawn(keep_flushing(state.clone(), interval, shutdown.clone()));
    let drain = Duration::from_secs(config.request_timeout_secs);
    congxa_web::serve(listener, router(state), shutdown, drain).await?;
    // The last flush, after the last batch was counted.
    if let Err(error) = flushes.await {
        tracing::warn!(%error, "the visit flush stopped abnormally");
    }
    Ok(())
}

pub async fn run(config: Config, shutdown: Shutdown) -> anyhow::Result<()> {
    let listener = TcpListener::bind(config.analytics_listen).await?;
    serve(config, listener, shutdown).await
}

pub fn router(state: AppState) -> Router {
    let redis = state.redis.clone();
    let health = health::router(
        "analytics",
        vec![(
            "redis",
            health::check(move || {
                let redis = redis.clone();
                async move { redis.ping().await }
            }),
        )],
    );
    let api = Router::new()
        .route(VIEWS_PATH, post(record_views))
        .route(&format!("{SALT_PATH}/{{day}}"), get(salt_of_day))
        .route(COUNTER_PATH, get(exact_counter))
        .route("/api/thong-ke", get(public_counter))
        // An address the API does not have, a method it does not take: the
        // typed error, not an empty answer.
        .fallback(|| async { ApiError::not_found() })
        .layer(axum::middleware::from_fn(
            congxa_web::notice::typed_refusals,
        ))
        .with_state(state);
    congxa_web::serve::instrument(health.merge(api), "analytics")
}

/// Flushes on every tick, restoring Redis first when it lost its data, and
/// once more when the service stops.
async fn keep_flushing(state: AppState, interval: Duration, shutdown: Shutdown) {
    let mut recovered = false;
    loop {
        let stopping = tokio::select! {
            () = tokio::time::sleep(interval) => false,
            () = shutdown.wait() => true,
        };
        if let Err(error) = flush_once(&state, &mut recovered).await {
            tracing::warn!(%error, "visits not flushed to PostgreSQL; the next flush tries again");
        }
        if stopping {
            return;
        }
    }
}

async fn flush_once(state: &AppState, recovered: &mut bool) -> anyhow::Result<()> {
    let mut connection = state.redis.get().await?;
    if !*recovered {
        flush::recover(&mut connection, &state.keys).await?;
        *recovered = true;
    }
    restore::if_needed(&mut connection, &state.keys, &state.pool).await?;
    match flush::flush(&mut connection, &state.keys, &state.pool).await {
        Ok(days) if days > 0 => tracing::debug!(days, "visits flushed"),
        Ok(_) => {}
        Err(flush::FlushError::NeedsRestore) => {}
        Err(error) => return Err(error.into()),
    }
    Ok(())
}

#[derive(Serialize)]
struct Recorded {
    counted: u64,
}

/// Counts a batch from a gateway. Any answer but success makes the gateway
/// resend the same batch, which is then counted once.
async fn record_views(
    State(state): State<AppState>,
    _: Internal,
    Json(batch): Json<Batch>,
) -> Result<Json<Recorded>, ApiError> {
    let refused = |refusal: batch_check::Refusal| {
        ApiError::new(
            axum::http::StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_batch",
            refusal.message(),
        )
    };
    batch_check::shape(&batch, time::OffsetDateTime::now_utc()).map_err(refused)?;
    match batch_check::tenants(&state.pool, &batch).await {
        Ok(()) => {}
        Err(batch_check::CheckError::Refused(refusal)) => return Err(refused(refusal)),
        // Not known now: the gateway sends the batch again.
        Err(batch_check::CheckError::Database(error)) => {
            return Err(ApiError::unavailable(
                "database_unavailable",
                "Cơ sở dữ liệu tạm thời không trả lời.",
            )
            .with_source(error));
        }
    }
    let mut connection = state.redis.get().await.map_err(redis_down)?;
    let applied = tokio::time::timeout(
        REDIS_WAIT * 4,
        ingest::apply(&mut connection, &state.keys, &batch),
    )
    .await
    .map_err(|_| redis_timeout())?
    .map_err(redis_down)?;
    match applied {
        Applied::Counted(counted) => Ok(Json(Recorded { counted })),
        Applied::NeedsRestore => {
            // Restored here rather than on the next tick, so counting
            // resumes as soon as Redis is back.
            let (pool, keys) = (state.pool.clone(), state.keys.clone());
            tokio::spawn(async move {
                if let Err(error) = restore::if_needed(&mut connection, &keys, &pool).await {
                    tracing::warn!(%error, "Redis not restored yet; views wait in the gateways");
                }
            });
            Err(ApiError::unavailable(
                "counter_restoring",
                "Bộ đếm lượt truy cập đang được khôi phục.",
            ))
        }
    }
}

/// The day's visitor salt, for the gateways' hashes.
async fn salt_of_day(
    State(state): State<AppState>,
    _: Internal,
    Path(day): Path<String>,
) -> Result<Json<Salt>, ApiError> {
    let mut connection = state.redis.get().await.map_err(redis_down)?;
    let salt = tokio::time::timeout(REDIS_WAIT, salt::of_day(&mut connection, &state.keys, &day))
        .await
        .map_err(|_| redis_timeout())?
        .map_err(redis_down)?;
    salt.map(|salt| Json(Salt { salt }))
        .ok_or_else(ApiError::not_found)
}

/// The visit counter of the commune the request is for.
#[derive(Serialize)]
struct Counter {
    total: u64,
    today: u64,
    month: u64,
    online: u64,
}

async fn counter(state: &AppState, tenant: &TenantContext) -> Result<Counter, ApiError> {
    let mut connection = state.redis.get().await.map_err(redis_down)?;
    let views = tokio::time::timeout(
        REDIS_WAIT,
        live::read(&mut connection, &state.keys, tenant.id),
    )
    .await
    .map_err(|_| redis_timeout())?
    .map_err(redis_down)?;
    let earlier = u64::try_from(tenant.visits_offset).unwrap_or(0);
    Ok(Counter {
        total: views.total + earlier,
        today: views.today,
        month: views.month,
        online: views.online,
    })
}

/// The exact counter, for the services (content renders it, a merge moves
/// the total).
async fn exact_counter(
    State(state): State<AppState>,
    _: Internal,
    tenant: TenantContext,
) -> Result<Json<Counter>, ApiError> {
    counter(&state, &tenant).await.map(Json)
}

/// The counter anyone may read: figures from 1 to 9 as "< 10".
#[derive(Serialize)]
struct PublicCounter {
    total: Shared,
    today: Shared,
    month: Shared,
    online: Shared,
}

async fn public_counter(
    State(state): State<AppState>,
    tenant: TenantContext,
) -> Result<Json<PublicCounter>, ApiError> {
    let exact = counter(&state, &tenant).await?;
    Ok(Json(PublicCounter {
        total: exact.total.into(),
        today: exact.today.into(),
        month: exact.month.into(),
        online: exact.online.into(),
    }))
}

fn redis_down(error: redis::RedisError) -> ApiError {
    ApiError::unavailable(
        "counter_unavailable",
        "Bộ đếm lượt truy cập tạm thời không hoạt động.",
    )
    .with_source(error)
}

fn redis_timeout() -> ApiError {
    ApiError::unavailable(
        "counter_unavailable",
        "Bộ đếm lượt truy cập tạm thời không hoạt động.",
    )
}
