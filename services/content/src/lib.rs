//! The content service: each commune's public site, rendered through its theme.

pub mod console;
pub mod themes;

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::{FromRef, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use congxa_config::Config;
use congxa_locale::time as vn_time;
use congxa_tenancy::maintenance;
use congxa_web::internal::{InternalAuth, InternalClient};
use congxa_web::{ApiError, Shutdown, TenantContext, health};
use serde::{Deserialize, Serialize};
use sqlx::PgPool;
use tokio::net::TcpListener;

use crate::themes::Themes;

/// How long a page waits for the visit counter before rendering without it.
const COUNTER_WAIT: Duration = Duration::from_millis(300);

#[derive(Clone)]
pub struct AppState {
    pool: PgPool,
    themes: Arc<Themes>,
    analytics: InternalClient,
    analytics_url: Arc<str>,
    auth: InternalAuth,
    console: console::ConsoleState,
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
    let auth = InternalAuth::new(&config.internal_token)?;
    let pool = congxa_db::connect_lazy(&config)?;
    let platform = congxa_tenancy::DomainName::parse(&config.platform_domain)
        .map_err(|_| anyhow::anyhow!("CONGXA_PLATFORM_DOMAIN is not a domain name"))?;
    let state = AppState {
        console: console::ConsoleState {
            pool: pool.clone(),
            templates: Arc::new(console::templates()?),
            platform: Arc::new(platform),
            auth: auth.clone(),
        },
        pool,
        themes: Arc::new(Themes::load()?),
        analytics: InternalClient::new(auth.clone())?,
        analytics_url: Arc::from(config.analytics_url.trim_end_matches('/')),
        auth,
    };
    let drain = Duration::from_secs(config.request_timeout_secs);
    congxa_web::serve(listener, router(state), shutdown, drain).await?;
    Ok(())
}

pub async fn run(config: Config, shutdown: Shutdown) -> anyhow::Result<()> {
    let listener = TcpListener::bind(config.content_listen).await?;
    serve(config, listener, shutdown).await
}

pub fn router(state: AppState) -> Router {
    let pool = state.pool.clone();
    let health = health::router(
        "content",
        vec![(
            "database",
            health::check(move || {
                let pool = pool.clone();
                async move { congxa_db::ping(&pool).await }
            }),
        )],
    );
    let console = console::router(state.console.clone());
    let site = Router::new()
        .route("/", get(home))
        .fallback(not_found)
        .with_state(state)
        .nest("/_console", console);
    congxa_web::serve::instrument(health.merge(site), "content")
}

/// What every page's layout shows of the commune.
#[derive(Serialize)]
struct TenantView {
    name: String,
}

/// The visit counter in the footer, as analytics reports it.
#[derive(Serialize, Deserialize)]
struct Visits {
    total: u64,
    today: u64,
}

#[derive(Serialize)]
struct Page<'a> {
    page: &'a str,
    title: &'a str,
    tenant: &'a TenantView,
    today: String,
    visits: Option<Visits>,
    /// Announced maintenance, shown as banners until it is over.
    notices: Vec<String>,
}

async fn home(State(state): State<AppState>, tenant: TenantContext) -> Response {
    render_page(
        &state,
        &tenant,
        "home",
        "Trang chủ",
        "home.html",
        StatusCode::OK,
    )
    .await
    .unwrap_or_else(ApiError::into_page)
}

async fn not_found(State(state): State<AppState>, tenant: TenantContext) -> Response {
    render_page(
        &state,
        &tenant,
        "not_found",
        "Không tìm thấy trang",
        "not_found.html",
        StatusCode::NOT_FOUND,
    )
    .await
    .unwrap_or_else(ApiError::into_page)
}

async fn render_page(
    state: &AppState,
    tenant: &TenantContext,
    page: &str,
    title: &str,
    template: &str,
    status: StatusCode,
) -> Result<Response, ApiError> {
    let (name, visits, notices) = tokio::join!(
        tenant_name(&state.pool, tenant),
        visits(state, tenant),
        maintenance_banners(&state.pool, tenant)
    );
    let Some(name) = name? else {
        return Err(ApiError::not_found());
    };
    let context = Page {
        page,
        title,
        tenant: &TenantView { name },
        today: vn_time::long_date(vn_time::now()),
        visits,
        notices,
    };
    let html = state
        .themes
        .render(template, &context)
        .map_err(ApiError::internal)?;
    let mut response = (status, Html(html)).into_response();
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    Ok(response)
}

async fn tenant_name(pool: &PgPool, tenant: &TenantContext) -> Result<Option<String>, ApiError> {
    sqlx::query_scalar!("SELECT name FROM tenants WHERE id = $1", tenant.id)
        .fetch_optional(pool)
        .await
        .map_err(|e| {
            ApiError::unavailable(
                "database_unavailable",
                "Cơ sở dữ liệu tạm thời không truy cập được.",
            )
            .with_source(e)
        })
}

/// The banners of maintenance announced for this commune, its region or the
/// platform; none (and a log line) when they cannot be read.
async fn maintenance_banners(pool: &PgPool, tenant: &TenantContext) -> Vec<String> {
    let notices = async {
        let mut conn = pool.acquire().await?;
        maintenance::for_tenant(&mut conn, tenant.id, time::OffsetDateTime::now_utc()).await
    };
    match notices.await {
        Ok(notices) => notices.iter().map(maintenance::Notice::banner).collect(),
        Err(error) => {
            tracing::warn!(%error, "maintenance notices unavailable; page shown without them");
            Vec::new()
        }
    }
}

/// The counter, or nothing when analytics (or its Redis) cannot answer in
/// time: the page renders either way.
async fn visits(state: &AppState, tenant: &TenantContext) -> Option<Visits> {
    let mut headers = axum::http::HeaderMap::new();
    tenant.write_to(&mut headers);
    let asked = state
        .analytics
        .request(
            reqwest::Method::GET,
            &format!("{}/api/thong-ke", state.analytics_url),
        )
        .headers(headers)
        .timeout(COUNTER_WAIT)
        .send()
        .await;
    match asked {
        Ok(response) if response.status().is_success() => response.json().await.ok(),
        Ok(response) => {
            tracing::warn!(status = %response.status(), "visit counter unavailable; page shown without it");
            None
        }
        Err(error) => {
            tracing::warn!(%error, "visit counter unavailable; page shown without it");
            None
        }
    }
}
