//! The content service: each commune's public site, rendered through its theme.

mod admin;
pub mod console;
mod icon;
pub mod mailing;
mod overrides;
mod private_page;
pub mod publishing;
mod site;
pub mod themes;
mod throttle;
mod yearly_report;

pub use overrides::{MAX_SOURCE as MAX_TEMPLATE_SOURCE, check_version as check_template_version};

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::{DefaultBodyLimit, FromRef};
use congxa_config::Config;
use congxa_web::internal::{InternalAuth, InternalClient};
use congxa_web::{Shutdown, health};
use sqlx::PgPool;
use tokio::net::TcpListener;
use tower_http::compression::CompressionLayer;

use crate::themes::Themes;

#[derive(Clone)]
pub struct AppState {
    pool: PgPool,
    themes: Arc<Themes>,
    analytics: InternalClient,
    analytics_url: Arc<str>,
    auth: InternalAuth,
    console: console::ConsoleState,
    /// `http` or `https`: how citizens reach the sites, for canonical and
    /// absolute addresses (sitemaps, feeds, the API).
    public_scheme: Arc<str>,
    forms: site::forms::Guard,
    /// The board workspace's templates.
    admin: Arc<minijinja::Environment<'static>>,
    /// Outgoing e-mail, when SMTP is configured (password reset links; the
    /// notifications go through the mailing job).
    mailer: Option<congxa_mail::Mailer>,
    /// A commune's storage quota unless it has its own.
    default_quota: u64,
    /// The `Cache-Control` of public pages (`CONGXA_PAGE_FRESH_SECS`,
    /// `CONGXA_PAGE_STALE_SECS`).
    page_cache_control: Arc<str>,
    /// Communes' own versions of their theme's templates, built once.
    overrides: overrides::Cache,
    /// Sign-in forms per client address (shared with the console's).
    sign_in_throttle: throttle::Throttle,
    /// Public forms per client address.
    forms_throttle: throttle::Throttle,
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
    let sign_in_throttle = throttle::Throttle::new(
        throttle::Kind::SignIn,
        config.sign_in_per_minute,
        auth.clone(),
    );
    let state = AppState {
        forms_throttle: throttle::Throttle::new(
            throttle::Kind::PublicForm,
            config.public_forms_per_minute,
            auth.clone(),
        ),
        sign_in_throttle: sign_in_throttle.clone(),
        console: console::ConsoleState {
            sign_in_throttle,
            pool: pool.clone(),
            templates: Arc::new(console::templates()?),
            platform: Arc::new(platform),
            auth: auth.clone(),
            analytics: InternalClient::new(auth.clone())?,
            analytics_url: Arc::from(config.analytics_url.trim_end_matches('/')),
            operator_token: Arc::from(config.operator_token.as_str()),
            checked: console::compliance::Checked::default(),
        },
        pool,
        themes: Arc::new(Themes::load()?),
        overrides: overrides::Cache::default(),
        analytics: InternalClient::new(auth.clone())?,
        analytics_url: Arc::from(config.analytics_url.trim_end_matches('/')),
        public_scheme: Arc::from(config.public_scheme.as_str()),
        forms: site::forms::Guard::new(&config.internal_token),
        admin: Arc::new(admin::templates()?),
        mailer: congxa_mail::Mailer::from_config(&config)?,
        default_quota: config.storage_quota_bytes,
        page_cache_control: Arc::from(site::http::public_page(
            config.page_fresh_secs,
            config.page_stale_secs,
        )),
        auth,
    };
    let drain = Duration::from_secs(config.request_timeout_secs);
    let job = tokio::spawn(publishing::run(
        state.pool.clone(),
        Duration::from_secs(config.publish_interval_secs.max(1)),
        shutdown.clone(),
    ));
    let mailing = state.mailer.clone().map(|mailer| {
        tokio::spawn(mailing::run(
            mailing::Job {
                pool: state.pool.clone(),
                mailer,
                scheme: config.public_scheme.clone(),
                platform_domain: config.platform_domain.clone(),
            },
            Duration::from_secs(config.mail_interval_secs.max(1)),
            shutdown.clone(),
        ))
    });
    congxa_web::serve(listener, router(state), shutdown, drain).await?;
    job.abort();
    if let Some(mailing) = mailing {
        mailing.abort();
    }
    Ok(())
}

pub async fn run(config: Config, shutdown: Shutdown) -> anyhow::Result<()> {
    let listener = TcpListener::bind(config.content_listen).await?;
    serve(config, listener, shutdown).await
}

/// The three applications content serves, by where they are reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum App {
    /// A commune's public site, on the commune's address.
    Site,
    /// The board's workspace, under `/quan-tri` on the commune's address.
    Workspace,
    /// The operators' console, on the platform domain.
    Console,
}

/// One route of content, with the path its application's address shows.
#[derive(Debug, Clone)]
pub struct Route {
    pub app: App,
    pub path: String,
    pub method: axum::http::Method,
    pub need: congxa_board::Need,
}

/// Every route the three routers serve, each method with who may use it:
/// the list the permission tests walk, made from the very tables the
/// routers are built from.
pub fn routes() -> Vec<Route> {
    let listed = |app: App, prefix: &str, declared: Vec<congxa_web::routes::Declared<_>>| {
        let prefix = prefix.to_owned();
        declared.into_iter().map(move |d| Route {
            app,
            path: match d.path {
                "/" if !prefix.is_empty() => prefix.clone(),
                path => format!("{prefix}{path}"),
            },
            method: d.method,
            need: d.need,
        })
    };
    listed(App::Site, "", site::routes())
        .chain(listed(App::Workspace, "/quan-tri", admin::routes()))
        .chain(listed(App::Console, "", console::routes()))
        .collect()
}

/// Every answer of the workspace and the console, its refusals and the
/// preview of a draft included, with the private policy: no page may put
/// it in a frame (a commune's own templates could otherwise frame it and
/// trick a board member into a click).
fn never_framed(app: Router) -> Router {
    use tower_http::set_header::SetResponseHeaderLayer;
    app.layer(SetResponseHeaderLayer::overriding(
        axum::http::header::X_FRAME_OPTIONS,
        axum::http::HeaderValue::from_static("DENY"),
    ))
    .layer(SetResponseHeaderLayer::if_not_present(
        axum::http::header::CONTENT_SECURITY_POLICY,
        axum::http::HeaderValue::from_static(congxa_web::policy::PRIVATE),
    ))
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
    // Three applications side by side, none inside another: each reads
    // bodies within its own limits.
    let console = never_framed(console::router(state.console.clone()));
    let workspace = never_framed(
        Router::new()
            .nest("/quan-tri", admin::router(&state))
            .with_state(state.clone()),
    );
    let site = site::router(state)
        .layer(DefaultBodyLimit::max(site::MAX_FORM_BYTES))
        .layer(CompressionLayer::new());
    let apps = site
        .merge(workspace)
        .nest("/_console", console)
        .layer(axum::middleware::from_fn(
            congxa_web::notice::vietnamese_refusals,
        ));
    congxa_web::serve::instrument(health.merge(apps), "content")
}
