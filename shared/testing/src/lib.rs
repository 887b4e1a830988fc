//! Test support: every test gets its own database (migrated), its own bucket
//! and a configuration pointing at them, so tests run in parallel against the
//! real PostgreSQL, Redis and S3-compatible server of the local stack.

#![allow(clippy::unwrap_used, clippy::expect_used)]

pub mod office;

use std::sync::Once;

use congxa_config::Config;
use sqlx::postgres::{PgPool, PgPoolOptions};
use sqlx::{AssertSqlSafe, Connection, Executor, PgConnection};
use uuid::Uuid;

/// Prefix of every test database; `make test` drops the leftovers.
pub const DATABASE_PREFIX: &str = "congxa_test_";

/// A fresh database and bucket, and the configuration that uses them.
pub struct TestEnv {
    pub config: Config,
    /// Connected as the database owner: for arranging data and for checking
    /// what the services wrote, past row-level security.
    pub admin: PgPool,
    /// Connected as the application role, as the services are.
    pub app: PgPool,
}

/// Where the test server lives: the local stack by default, or
/// `CONGXA_TEST_POSTGRES` (a URL ending in the maintenance database).
fn server_url() -> String {
    std::env::var("CONGXA_TEST_POSTGRES")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432".to_owned())
}

/// Logs of the code under test, shown only with `TEST_LOG=1`.
pub fn init_logs() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        if std::env::var("TEST_LOG").is_ok() {
            let _ = tracing_subscriber::fmt()
                .with_env_filter("info")
                .with_test_writer()
                .try_init();
        }
    });
}

impl TestEnv {
    pub async fn new() -> Self {
        init_logs();
        let name = format!("{DATABASE_PREFIX}{}", Uuid::new_v4().simple());
        let server = server_url();
        let mut maintenance = PgConnection::connect(&format!("{server}/postgres"))
            .await
            .expect("the test PostgreSQL must be running (make test starts it)");
        maintenance
            .execute(AssertSqlSafe(format!(r#"CREATE DATABASE "{name}""#)))
            .await
            .expect("create the test database");
        maintenance.close().await.ok();

        let admin_url = format!("{server}/{name}");
        congxa_db::migrate(&admin_url)
            .await
            .expect("migrate the test database");

        let app_url = app_url(&server, &name);
        let mut config = Config::local_defaults();
        config.database_url = app_url.clone();
        config.admin_database_url = admin_url.clone();
        config.database_max_connections = 5;
        config.s3_bucket = format!("test-{}", Uuid::new_v4().simple());
        config.internal_token = format!("internal-{}", Uuid::new_v4().simple());
        config.operator_token = format!("operator-{}", Uuid::new_v4().simple());
        // Each test's counters apart, in the one Redis of the stack.
        config.redis_prefix = format!("test-{}", Uuid::new_v4().simple());
        for listen in [
            &mut config.gateway_listen,
            &mut config.content_listen,
            &mut config.media_listen,
            &mut config.analytics_listen,
        ] {
            *listen = "127.0.0.1:0".parse().unwrap();
        }

        congxa_storage::Store::new(&config)
            .ensure_bucket()
            .await
            .expect("the S3-compatible server must be running (make test starts it)");

        let admin = PgPoolOptions::new()
            .max_connections(3)
            .connect(&admin_url)
            .await
            .unwrap();
        let app = PgPoolOptions::new()
            .max_connections(3)
            .connect(&app_url)
            .await
            .unwrap();
        Self { config, admin, app }
    }

    /// Provisions a commune with its automatic domain only.
    pub async fn create_tenant(&self, slug: &str, name: &str) -> Uuid {
        sqlx::query_scalar::<_, Uuid>(
            "INSERT INTO tenants (slug, name) VALUES ($1, $2) RETURNING id",
        )
        .bind(slug)
        .bind(name)
        .fetch_one(&self.admin)
        .await
        .unwrap()
    }

    /// Attaches a custom domain to a commune.
    pub async fn add_domain(&self, tenant: Uuid, domain: &str, primary: bool) {
        sqlx::query(
            "INSERT INTO tenant_domains (domain, tenant_id, is_primary) VALUES ($1, $2, $3)",
        )
        .bind(domain)
        .bind(tenant)
        .bind(primary)
        .execute(&self.admin)
        .await
        .unwrap();
    }
}

/// The same server and database, connected as the application role.
fn app_url(server: &str, database: &str) -> String {
    match server.split_once("://") {
        Some((scheme, rest)) => {
            let host = rest.rsplit_once('@').map_or(rest, |(_, host)| host);
            format!("{scheme}://congxa_app@{host}/{database}")
        }
        None => format!("postgres://congxa_app@127.0.0.1:5432/{database}"),
    }
}

/// Connects to one test database as the application role (for tests that
/// need a connection of their own).
pub async fn connect_app(env: &TestEnv) -> PgConnection {
    PgConnection::connect(&env.config.database_url)
        .await
        .unwrap()
}

/// An e-mail the SMTP sink of the local stack received (tests/stack/up
/// starts it; each message is a file in its folder).
#[derive(Debug, Clone)]
pub struct Mail {
    pub subject: String,
    pub body: String,
}

/// Where the sink keeps messages.
fn mail_dir() -> std::path::PathBuf {
    std::env::var("CONGXA_MAIL_DIR")
        .unwrap_or_else(|_| "/tmp/congxa-mail".to_owned())
        .into()
}

/// The sink's SMTP address, for `Config::smtp_url`.
pub fn smtp_sink_url() -> String {
    let port = std::env::var("CONGXA_SMTP_SINK_PORT").unwrap_or_else(|_| "2525".to_owned());
    format!("smtp://127.0.0.1:{port}")
}

/// Every message the sink holds for `address` (tests use addresses of
/// their own, so parallel tests do not see each other's mail).
pub fn mail_to(address: &str) -> Vec<Mail> {
    let Ok(entries) = std::fs::read_dir(mail_dir()) else {
        return Vec::new();
    };
    let mut files: Vec<_> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "eml"))
        .collect();
    files.sort();
    files
        .iter()
        .filter_map(|path| std::fs::read(path).ok())
        .filter(|raw| {
            let head = String::from_utf8_lossy(&raw[..raw.len().min(1000)]).to_lowercase();
            head.lines()
                .next()
                .is_some_and(|l| l.contains(&address.to_lowercase()))
        })
        .filter_map(|raw| {
            let message = mail_parser::MessageParser::default().parse(&raw)?;
            Some(Mail {
                subject: message.subject().unwrap_or_default().to_owned(),
                body: message.body_text(0).unwrap_or_default().into_owned(),
            })
        })
        .collect()
}

/// Waits (up to `wait`) until the sink holds at least one message for
/// `address`, and returns them all.
pub async fn wait_for_mail(address: &str, wait: std::time::Duration) -> Vec<Mail> {
    let until = std::time::Instant::now() + wait;
    loop {
        let found = mail_to(address);
        if !found.is_empty() || std::time::Instant::now() > until {
            return found;
        }
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
}
