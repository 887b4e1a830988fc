//! The `congxa` binary's work: starting services (one or all), migrating,
//! and seeding the demo commune. `main.rs` only reads the command line.

use congxa_config::Config;
use congxa_web::Shutdown;
use tokio::net::TcpListener;

/// One of the platform's services.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Service {
    Gateway,
    Content,
    Media,
    Analytics,
    /// Every service in this one process, each on its own port.
    All,
}

/// Runs one service, or all of them, until `shutdown`.
pub async fn serve(service: Service, config: Config, shutdown: Shutdown) -> anyhow::Result<()> {
    match service {
        Service::Gateway => congxa_gateway::run(config, shutdown).await,
        Service::Content => congxa_content::run(config, shutdown).await,
        Service::Media => congxa_media::run(config, shutdown).await,
        Service::Analytics => congxa_analytics::run(config, shutdown).await,
        Service::All => {
            let listeners = Listeners::bind(&config).await?;
            serve_all(config, listeners, shutdown).await
        }
    }
}

/// The four listeners of `serve all`, bound before anything starts so the
/// gateway knows where the others really are (port 0 included).
pub struct Listeners {
    pub gateway: TcpListener,
    pub content: TcpListener,
    pub media: TcpListener,
    pub analytics: TcpListener,
}

impl Listeners {
    pub async fn bind(config: &Config) -> std::io::Result<Self> {
        Ok(Self {
            gateway: TcpListener::bind(config.gateway_listen).await?,
            content: TcpListener::bind(config.content_listen).await?,
            media: TcpListener::bind(config.media_listen).await?,
            analytics: TcpListener::bind(config.analytics_listen).await?,
        })
    }
}

/// Runs every service in this process, the gateway forwarding to the others
/// over loopback exactly as it does between separate processes.
pub async fn serve_all(
    mut config: Config,
    listeners: Listeners,
    shutdown: Shutdown,
) -> anyhow::Result<()> {
    if config.internal_token.is_empty() {
        // One process, so a secret nobody else knows is exactly right.
        config.internal_token = format!(
            "{}{}",
            uuid::Uuid::new_v4().simple(),
            uuid::Uuid::new_v4().simple()
        );
    }
    config.content_url = format!("http://{}", listeners.content.local_addr()?);
    config.media_url = format!("http://{}", listeners.media.local_addr()?);
    config.analytics_url = format!("http://{}", listeners.analytics.local_addr()?);

    let (gateway, content, media, analytics) = tokio::join!(
        congxa_gateway::serve(config.clone(), listeners.gateway, shutdown.clone()),
        congxa_content::serve(config.clone(), listeners.content, shutdown.clone()),
        congxa_media::serve(config.clone(), listeners.media, shutdown.clone()),
        congxa_analytics::serve(config, listeners.analytics, shutdown.clone()),
    );
    gateway.and(content).and(media).and(analytics)
}

/// The demo commune `make run` shows.
pub const DEMO_SLUG: &str = "quoctuan";
pub const DEMO_NAME: &str = "Xã Quốc Tuấn";

/// Creates the demo commune unless it exists. Returns whether it was created.
pub async fn seed_demo(admin_database_url: &str) -> anyhow::Result<bool> {
    let pool = sqlx::PgPool::connect(admin_database_url).await?;
    let created = sqlx::query!(
        "INSERT INTO tenants (slug, name) VALUES ($1, $2) ON CONFLICT (slug) DO NOTHING",
        DEMO_SLUG,
        DEMO_NAME
    )
    .execute(&pool)
    .await?
    .rows_affected()
        == 1;
    pool.close().await;
    Ok(created)
}
