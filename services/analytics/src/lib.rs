//! The analytics service: counts public page views in Redis and reports the
//! counter every commune site shows.

pub mod counters;
pub mod redis_handle;

use std::sync::Arc;
use std::time::Duration;

use axum::extract::{FromRef, State};
use axum::routing::{get, post};
use axum::{Json, Router};
use congxa_config::Config;
use congxa_web::internal::{Internal, InternalAuth};
use congxa_web::{ApiError, Shutdown, TenantContext, health};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use tokio::net::TcpListener;
use uuid::Uuid;

use crate::redis_handle::{REDIS_WAIT, RedisHandle};

#[derive(Clone)]
pub struct AppState {
    redis: Arc<RedisHandle>,
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
        auth: InternalAuth::new(&config.internal_token)?,
    };
    let drain = Duration::from_secs(config.request_timeout_secs);
    congxa_web::serve(listener, router(state), shutdown, drain).await?;
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
        .route("/internal/views", post(record_views))
        .route("/api/thong-ke", get(counter))
        .with_state(state);
    congxa_web::serve::instrument(health.merge(api), "analytics")
}

/// One page view, as the gateway reports it.
#[derive(Debug, Deserialize)]
pub struct View {
    pub tenant_id: Uuid,
    pub path: String,
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
}

#[derive(Serialize)]
struct Recorded {
    counted: usize,
}

async fn record_views(
    State(state): State<AppState>,
    _: Internal,
    Json(views): Json<Vec<View>>,
) -> Result<Json<Recorded>, ApiError> {
    let views: Vec<_> = views.iter().map(|v| (v.tenant_id, v.at)).collect();
    let mut connection = state.redis.get().await.map_err(redis_down)?;
    tokio::time::timeout(REDIS_WAIT * 2, counters::add_views(&mut connection, &views))
        .await
        .map_err(|_| redis_timeout())?
        .map_err(redis_down)?;
    Ok(Json(Recorded {
        counted: views.len(),
    }))
}

/// The visit counter of the commune the request is for.
#[derive(Serialize)]
struct Counter {
    total: u64,
    today: u64,
    month: u64,
}

async fn counter(
    State(state): State<AppState>,
    tenant: TenantContext,
) -> Result<Json<Counter>, ApiError> {
    let mut connection = state.redis.get().await.map_err(redis_down)?;
    let views = tokio::time::timeout(REDIS_WAIT, counters::read(&mut connection, tenant.id))
        .await
        .map_err(|_| redis_timeout())?
        .map_err(redis_down)?;
    let earlier = u64::try_from(tenant.visits_offset).unwrap_or(0);
    Ok(Json(Counter {
        total: views.total + earlier,
        today: views.today,
        month: views.month,
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
