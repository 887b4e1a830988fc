//! Configuration shared by every service, read from flags and environment variables.
//!
//! One struct for the whole platform keeps `congxa serve all` and the
//! separately started services reading exactly the same settings.

use std::net::SocketAddr;

use clap::Args;

/// Everything a congxa service may need. Each service reads only its part.
///
/// The defaults describe the local stack that `make run` starts, so a
/// developer needs no settings at all.
#[derive(Debug, Clone, Args)]
pub struct Config {
    /// PostgreSQL URL the services connect with, as the application role
    /// (which cannot bypass row-level security).
    #[arg(
        long,
        env = "DATABASE_URL",
        default_value = "postgres://congxa_app@127.0.0.1:5432/congxa"
    )]
    pub database_url: String,

    /// PostgreSQL URL with the rights to create tables and roles; used only
    /// by `congxa migrate` and the operator commands that set up the database.
    #[arg(
        long,
        env = "CONGXA_ADMIN_DATABASE_URL",
        default_value = "postgres://postgres@127.0.0.1:5432/congxa"
    )]
    pub admin_database_url: String,

    /// Largest number of database connections each service keeps open.
    #[arg(long, env = "CONGXA_DATABASE_MAX_CONNECTIONS", default_value_t = 10)]
    pub database_max_connections: u32,

    /// Redis URL where analytics keeps its live counters.
    #[arg(long, env = "REDIS_URL", default_value = "redis://127.0.0.1:6379")]
    pub redis_url: String,

    /// Endpoint of the S3-compatible storage (path-style addressing is used).
    #[arg(
        long,
        env = "CONGXA_S3_ENDPOINT",
        default_value = "http://127.0.0.1:9000"
    )]
    pub s3_endpoint: String,

    /// Bucket that holds every commune's files, each under its own prefix.
    #[arg(long, env = "CONGXA_S3_BUCKET", default_value = "congxa")]
    pub s3_bucket: String,

    /// Region sent with S3 requests.
    #[arg(long, env = "CONGXA_S3_REGION", default_value = "us-east-1")]
    pub s3_region: String,

    /// S3 access key.
    #[arg(long, env = "CONGXA_S3_ACCESS_KEY", default_value = "congxa")]
    pub s3_access_key: String,

    /// S3 secret key.
    #[arg(
        long,
        env = "CONGXA_S3_SECRET_KEY",
        default_value = "congxa-local-secret",
        hide_env_values = true
    )]
    pub s3_secret_key: String,

    /// The platform's own domain: commune `quoctuan` answers at
    /// `quoctuan.<platform domain>`.
    #[arg(long, env = "CONGXA_PLATFORM_DOMAIN", default_value = "localhost")]
    pub platform_domain: String,

    /// How citizens reach the sites: `https` in production (behind TLS),
    /// `http` locally. Canonical addresses, sitemaps and feeds use it.
    #[arg(long, env = "CONGXA_PUBLIC_SCHEME", default_value = "http", value_parser = ["http", "https"])]
    pub public_scheme: String,

    /// Where the gateway, the only public listener, listens.
    #[arg(long, env = "CONGXA_GATEWAY_LISTEN", default_value = "0.0.0.0:8080")]
    pub gateway_listen: SocketAddr,

    /// Where the content service listens.
    #[arg(long, env = "CONGXA_CONTENT_LISTEN", default_value = "127.0.0.1:8081")]
    pub content_listen: SocketAddr,

    /// Where the media service listens.
    #[arg(long, env = "CONGXA_MEDIA_LISTEN", default_value = "127.0.0.1:8082")]
    pub media_listen: SocketAddr,

    /// Where the analytics service listens.
    #[arg(
        long,
        env = "CONGXA_ANALYTICS_LISTEN",
        default_value = "127.0.0.1:8083"
    )]
    pub analytics_listen: SocketAddr,

    /// Internal URL of the content service, as the gateway reaches it.
    #[arg(
        long,
        env = "CONGXA_CONTENT_URL",
        default_value = "http://127.0.0.1:8081"
    )]
    pub content_url: String,

    /// Internal URL of the media service.
    #[arg(
        long,
        env = "CONGXA_MEDIA_URL",
        default_value = "http://127.0.0.1:8082"
    )]
    pub media_url: String,

    /// Internal URL of the analytics service.
    #[arg(
        long,
        env = "CONGXA_ANALYTICS_URL",
        default_value = "http://127.0.0.1:8083"
    )]
    pub analytics_url: String,

    /// Secret that authenticates calls between services. Required when the
    /// services run as separate processes; `serve all` makes a random one
    /// when it is unset.
    #[arg(
        long,
        env = "CONGXA_INTERNAL_TOKEN",
        default_value = "",
        hide_default_value = true,
        hide_env_values = true
    )]
    pub internal_token: String,

    /// Bearer token of the platform operators' API (file uploads until board
    /// accounts exist). Empty turns that API off.
    #[arg(
        long,
        env = "CONGXA_OPERATOR_TOKEN",
        default_value = "",
        hide_default_value = true,
        hide_env_values = true
    )]
    pub operator_token: String,

    /// Largest accepted upload, in bytes (videos are held to this).
    #[arg(long, env = "CONGXA_MAX_UPLOAD_BYTES", default_value_t = 200 * 1024 * 1024)]
    pub max_upload_bytes: u64,

    /// Largest accepted image, in bytes (images are processed in memory).
    #[arg(long, env = "CONGXA_MAX_IMAGE_BYTES", default_value_t = 25 * 1024 * 1024)]
    pub max_image_bytes: u64,

    /// Largest accepted document (PDF, Office, OpenDocument), in bytes.
    #[arg(long, env = "CONGXA_MAX_DOCUMENT_BYTES", default_value_t = 50 * 1024 * 1024)]
    pub max_document_bytes: u64,

    /// Most pixels (width × height) of an accepted image: bigger ones are
    /// refused before they are decoded (decompression bombs).
    #[arg(long, env = "CONGXA_MAX_IMAGE_PIXELS", default_value_t = 40_000_000)]
    pub max_image_pixels: u64,

    /// What a commune may store (files and their renditions), in bytes,
    /// unless the operators set its own quota.
    #[arg(long, env = "CONGXA_STORAGE_QUOTA_BYTES", default_value_t = 2 * 1024 * 1024 * 1024)]
    pub storage_quota_bytes: u64,

    /// Seconds between two rounds of the clean-up of orphan objects in the
    /// bucket (left by uploads interrupted before they were recorded, or by
    /// deleted files).
    #[arg(long, env = "CONGXA_ORPHAN_INTERVAL_SECS", default_value_t = 3600)]
    pub orphan_interval_secs: u64,

    /// What every Redis key of this platform starts with, so that several
    /// platforms (staging and production, or tests) can share one Redis.
    #[arg(long, env = "CONGXA_REDIS_PREFIX", default_value = "congxa")]
    pub redis_prefix: String,

    /// Seconds a public page is fresh for shared caches (its `s-maxage`):
    /// how long the gateway serves it without asking content, and so how
    /// old the visit counter on a cached page may be.
    #[arg(long, env = "CONGXA_PAGE_FRESH_SECS", default_value_t = 60)]
    pub page_fresh_secs: u64,

    /// Seconds past that a public page is still served while one request
    /// fetches it anew (its `stale-while-revalidate`).
    #[arg(long, env = "CONGXA_PAGE_STALE_SECS", default_value_t = 300)]
    pub page_stale_secs: u64,

    /// Bytes of public pages each gateway keeps in its page cache (0: no
    /// cache).
    #[arg(long, env = "CONGXA_PAGE_CACHE_BYTES", default_value_t = 64 * 1024 * 1024)]
    pub page_cache_bytes: u64,

    /// Seconds a cached page may still be served, past its freshness, while
    /// content (or PostgreSQL behind it) cannot answer.
    #[arg(
        long,
        env = "CONGXA_CACHE_STALE_IF_ERROR_SECS",
        default_value_t = 86_400
    )]
    pub cache_stale_if_error_secs: u64,

    /// Seconds between two flushes of the visit counters from Redis to
    /// PostgreSQL (and one more on shutdown).
    #[arg(long, env = "CONGXA_FLUSH_INTERVAL_SECS", default_value_t = 60)]
    pub flush_interval_secs: u64,

    /// Whether the gateway reports page views (off only to measure what
    /// counting costs).
    #[arg(long, env = "CONGXA_COUNT_VIEWS", default_value_t = true, action = clap::ArgAction::Set)]
    pub count_views: bool,

    /// Proxies in front of the gateway whose X-Forwarded-For entries are
    /// trusted for the visitor's address (1 behind an ingress).
    #[arg(long, env = "CONGXA_TRUSTED_PROXY_HOPS", default_value_t = 0)]
    pub trusted_proxy_hops: usize,

    /// Largest accepted body of any other request, in bytes.
    #[arg(long, env = "CONGXA_MAX_BODY_BYTES", default_value_t = 1024 * 1024)]
    pub max_body_bytes: usize,

    /// Seconds a request may take before it is answered with a timeout
    /// (uploads excepted), and the longest a shutdown waits for requests in
    /// flight.
    #[arg(long, env = "CONGXA_REQUEST_TIMEOUT_SECS", default_value_t = 30)]
    pub request_timeout_secs: u64,

    /// Seconds between two rounds of the publishing job, which publishes
    /// the items the board scheduled once their time has come.
    #[arg(long, env = "CONGXA_PUBLISH_INTERVAL_SECS", default_value_t = 15)]
    pub publish_interval_secs: u64,

    /// SMTP server for the board's e-mails (notifications, password reset
    /// links): `smtp://host:port`, `smtp://user:pass@host:587?tls=required`
    /// or `smtps://user:pass@host:465`. Unset: no e-mail is sent.
    #[arg(long, env = "CONGXA_SMTP_URL")]
    pub smtp_url: Option<String>,

    /// The sender of those e-mails; "Cổng thông tin điện tử
    /// <no-reply@<platform domain>>" when unset.
    #[arg(long, env = "CONGXA_SMTP_FROM")]
    pub smtp_from: Option<String>,

    /// Seconds between two rounds of the job that e-mails notifications.
    #[arg(long, env = "CONGXA_MAIL_INTERVAL_SECS", default_value_t = 10)]
    pub mail_interval_secs: u64,

    /// Sign-in forms one client address may send per minute, all communes
    /// and the console together: the board's sign-in (with its second
    /// factor code), asking for a password reset link, setting the new
    /// password, the operators' sign-in. More answer 429.
    #[arg(long, env = "CONGXA_SIGN_IN_PER_MINUTE", default_value_t = 10)]
    pub sign_in_per_minute: u32,

    /// Public forms (questions, comments on drafts, ratings) one client
    /// address may send per minute, all communes together. More answer 429.
    #[arg(long, env = "CONGXA_PUBLIC_FORMS_PER_MINUTE", default_value_t = 20)]
    pub public_forms_per_minute: u32,
}

impl Config {
    /// The configuration as with no flags (environment variables still
    /// apply): the starting point of tests, which then point it at their own
    /// database, bucket and ports.
    pub fn local_defaults() -> Self {
        use clap::{Command, FromArgMatches};
        let matches = Config::augment_args(Command::new("congxa")).get_matches_from(["congxa"]);
        match Config::from_arg_matches(&matches) {
            Ok(config) => config,
            Err(error) => panic!("the built-in defaults must parse: {error}"),
        }
    }
}
