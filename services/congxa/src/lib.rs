//! The `congxa` binary's work: starting services (one or all), migrating,
//! seeding the demo commune and the operators' commands. `main.rs` only
//! reads the command line.

pub mod archive;
pub mod cli;
pub mod demo;

use anyhow::Context;
use congxa_config::Config;
use congxa_tenancy::audit::{self, Actor};
use congxa_tenancy::tenants::{self, NewTenant};
use congxa_tenancy::{DomainName, TenancyError, regions};
use congxa_web::Shutdown;
use serde_json::json;
use sqlx::{Connection, PgConnection};
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

    // Analytics stops last: a stopping gateway hands it the views it still
    // holds, and analytics flushes them on its way out.
    let counting = Shutdown::new();
    let analytics = tokio::spawn(congxa_analytics::serve(
        config.clone(),
        listeners.analytics,
        counting.clone(),
    ));
    let (gateway, content, media) = tokio::join!(
        congxa_gateway::serve(config.clone(), listeners.gateway, shutdown.clone()),
        congxa_content::serve(config.clone(), listeners.content, shutdown.clone()),
        congxa_media::serve(config, listeners.media, shutdown.clone()),
    );
    counting.trigger();
    let analytics = analytics.await.map_err(anyhow::Error::from).and_then(|a| a);
    gateway.and(content).and(media).and(analytics)
}

/// The demo commune `make run` shows.
pub const DEMO_SLUG: &str = "quoctuan";
pub const DEMO_NAME: &str = "Xã Quốc Tuấn";
/// The demo commune's province.
pub const DEMO_REGION: &str = "haiphong";
pub const DEMO_REGION_NAME: &str = "Thành phố Hải Phòng";

/// Creates the demo commune, in its province, with its content, unless it
/// exists. Returns whether it was created. Runs as the admin role, like
/// `migrate`, since it is part of setting the platform up.
pub async fn seed_demo(config: &Config) -> anyhow::Result<bool> {
    let platform = DomainName::parse(&config.platform_domain).map_err(|_| {
        anyhow::anyhow!(
            "the platform domain {:?} is not a domain name",
            config.platform_domain
        )
    })?;
    let store = congxa_storage::Store::new(config);
    store
        .ensure_bucket()
        .await
        .context("reaching the S3-compatible storage for the demo's files")?;
    let mut conn = PgConnection::connect(&config.admin_database_url)
        .await
        .context("connecting to the database with the admin URL")?;
    let mut tx = conn.begin().await?;
    match tenants::show(&mut tx, &platform, DEMO_SLUG).await {
        Ok(tenant) => {
            // Made before the site had content (an older database): give it
            // its sections and the demo content once.
            let items: i64 = sqlx::query_scalar!(
                r#"SELECT count(*) AS "n!" FROM items WHERE tenant_id = $1"#,
                tenant.id
            )
            .fetch_one(&mut *tx)
            .await?;
            if items > 0 {
                return Ok(false);
            }
            congxa_site::sections::seed_required(
                &mut tx,
                tenant.id,
                &congxa_site::sections::agency_of(&tenant.name),
            )
            .await?;
            demo::seed(&mut tx, &store, tenant.id).await?;
            tx.commit().await?;
            return Ok(true);
        }
        Err(TenancyError::TenantNotFound(_)) => {}
        Err(error) => return Err(error.into()),
    }
    let actor = Actor::command_line();
    match regions::find(&mut tx, DEMO_REGION).await {
        Ok(_) => {}
        Err(TenancyError::RegionNotFound(_)) => {
            let region = regions::create(&mut tx, DEMO_REGION, DEMO_REGION_NAME, None).await?;
            audit::record(
                &mut tx,
                &actor,
                "region.create",
                None,
                json!({ "code": region.code, "name": region.name, "kind": region.kind, "parent": null }),
            )
            .await?;
        }
        Err(error) => return Err(error.into()),
    }
    let new = NewTenant {
        slug: DEMO_SLUG.to_owned(),
        name: DEMO_NAME.to_owned(),
        kind: None,
        region: Some(DEMO_REGION.to_owned()),
        domain: None,
    };
    let tenant = match tenants::provision(&mut tx, &platform, &new, &actor).await {
        Ok(tenant) => tenant,
        // Another seed-demo won the race: the commune exists, as wanted.
        Err(TenancyError::DuplicateSlug(_)) => return Ok(false),
        Err(error) => return Err(error.into()),
    };
    demo::seed(&mut tx, &store, tenant.id).await?;
    tx.commit().await?;
    conn.close().await?;
    Ok(true)
}
