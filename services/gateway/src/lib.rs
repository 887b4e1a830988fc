//! The gateway: the platform's only public listener. It finds the commune
//! from the Host header, forwards to content, media and analytics, adds the
//! security headers, and reports page views without slowing the page.

pub mod cached;
pub mod forward;
pub mod host;
pub mod page_cache;
pub mod pages;
pub mod path;
pub mod tenants;
pub mod views;
pub mod visitors;

use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use congxa_config::Config;
use congxa_tenancy::DomainName;
use congxa_web::internal::{InternalAuth, InternalClient};
use congxa_web::{Shutdown, TenantContext, health};
use http_body_util::Limited;
use tokio::net::TcpListener;
use tower_http::set_header::SetResponseHeaderLayer;

use crate::forward::{Audience, Caller};
use crate::host::Site;
use crate::tenants::Resolver;
use crate::views::{Sighting, ViewReporter};

/// Where a path is served.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Upstream {
    Content,
    Media,
    Analytics,
}

fn upstream_for(path: &str) -> Upstream {
    if path.starts_with("/tep/") || path == "/api/tep" || path.starts_with("/api/tep/") {
        Upstream::Media
    } else if path == "/api/thong-ke" || path.starts_with("/api/thong-ke/") {
        Upstream::Analytics
    } else {
        Upstream::Content
    }
}

/// The gateway's state, shared by every request.
#[derive(Clone)]
pub struct AppState {
    config: Arc<Config>,
    platform_domain: Arc<DomainName>,
    tenants: Resolver,
    client: InternalClient,
    views: ViewReporter,
    pages: page_cache::PageCache,
}

/// Serves the gateway on `listener` until `shutdown`.
pub async fn serve(
    config: Config,
    listener: TcpListener,
    shutdown: Shutdown,
) -> anyhow::Result<()> {
    let pool = congxa_db::connect_lazy(&config)?;
    let platform_domain = DomainName::parse(&config.platform_domain)
        .map_err(|_| anyhow::anyhow!("CONGXA_PLATFORM_DOMAIN is not a domain name"))?;
    let tenants = Resolver::new(pool.clone());
    let follower = tokio::spawn(tenants.clone().follow_changes(shutdown.clone()));
    let client = InternalClient::new(InternalAuth::new(&config.internal_token)?)?;
    let (views, sender) = ViewReporter::start(client.clone(), &config.analytics_url);
    let pages = page_cache::PageCache::new(
        config.page_cache_bytes,
        std::time::Duration::from_secs(config.cache_stale_if_error_secs),
    );
    let purges = tokio::spawn(pages.clone().follow_purges(pool.clone(), shutdown.clone()));
    let drain = std::time::Duration::from_secs(config.request_timeout_secs);
    let state = AppState {
        platform_domain: Arc::new(platform_domain),
        config: Arc::new(config),
        tenants,
        client,
        views,
        pages,
    };
    let app = router(state, pool);
    congxa_web::serve(listener, app, shutdown, drain).await?;
    // The router (and with it every reporter) is gone: the sender sends what
    // is queued and ends.
    if let Err(error) = sender.await {
        tracing::warn!(%error, "the page-view sender stopped abnormally");
    }
    follower.abort();
    purges.abort();
    Ok(())
}

/// Binds the configured address and serves until SIGTERM or Ctrl-C.
pub async fn run(config: Config, shutdown: Shutdown) -> anyhow::Result<()> {
    let listener = TcpListener::bind(config.gateway_listen).await?;
    serve(config, listener, shutdown).await
}

/// The gateway's routes: health outside everything, all else resolved to a
/// commune and forwarded.
pub fn router(state: AppState, pool: sqlx::PgPool) -> Router {
    let health = health::router(
        "gateway",
        vec![(
            "database",
            health::check(move || {
                let pool = pool.clone();
                async move { congxa_db::ping(&pool).await }
            }),
        )],
    );
    let site = Router::new()
        .fallback(handle)
        .with_state(state)
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_FRAME_OPTIONS,
            HeaderValue::from_static("SAMEORIGIN"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::REFERRER_POLICY,
            HeaderValue::from_static("strict-origin-when-cross-origin"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(congxa_web::policy::PUBLIC),
        ));
    congxa_web::serve::instrument(health.merge(site), "gateway")
}

async fn handle(State(state): State<AppState>, request: Request) -> Response {
    let https = client_https(&state.config, request.headers());
    let mut response = answer(&state, https, request).await;
    if https {
        // Browsers that came once over HTTPS never try plain HTTP again
        // for a year (the province provides TLS in front of every name).
        response.headers_mut().insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000"),
        );
    }
    response
}

/// Whether the client reached the platform over HTTPS: what the trusted
/// proxy in front says, or, with none configured, the public scheme. A
/// client's own `X-Forwarded-Proto` is believed only from a trusted proxy.
fn client_https(config: &Config, headers: &axum::http::HeaderMap) -> bool {
    let said = (config.trusted_proxy_hops > 0)
        .then(|| {
            headers
                .get("x-forwarded-proto")
                .and_then(|v| v.to_str().ok())
        })
        .flatten();
    match said {
        Some(scheme) => scheme.eq_ignore_ascii_case("https"),
        None => config.public_scheme == "https",
    }
}

async fn answer(state: &AppState, https: bool, request: Request) -> Response {
    // Before anything reads the path: a path that could resolve elsewhere
    // in a later reader is refused here, whatever the host.
    if path::check(request.uri().path()).is_err() {
        return pages::bad_path();
    }
    // Absent when the router is driven without a socket (as in unit tests).
    let peer = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(addr)| *addr);
    // The visitor's address, behind the trusted proxies if any: what the
    // services see (form limits, rating hashes) and what counting hashes.
    let client_addr = visitors::address(request.headers(), peer, state.config.trusted_proxy_hops);
    // Two Host headers name two sites; which one a later reader takes is
    // anybody's guess, so neither is.
    if request.headers().get_all(header::HOST).iter().count() > 1 {
        return pages::bad_host();
    }
    let raw_host = request.uri().host().map(str::to_owned).or_else(|| {
        request
            .headers()
            .get(header::HOST)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    });
    let Some(raw_host) = raw_host else {
        return pages::bad_host();
    };
    let Ok(host) = host::classify(&raw_host, &state.platform_domain) else {
        return pages::bad_host();
    };
    if host.site == Site::Platform {
        let caller = Caller {
            addr: client_addr,
            host: &raw_host,
            https,
        };
        return to_console(state, caller, request).await;
    }
    let tenant = match state.tenants.resolve(&host.site).await {
        Ok(Some(tenant)) => tenant,
        Ok(None) => return pages::site_not_found(),
        Err(error) => {
            tracing::error!(%error, "cannot resolve the commune");
            return pages::unavailable();
        }
    };
    if tenant.suspended {
        return pages::suspended();
    }
    let canonical = tenant.canonical_host(&state.platform_domain);
    if let Some(old) = tenant.moved_from {
        // A name of a commune merged into this one: 301 to where the old
        // address's item now lives (most kept their path; renamed ones are
        // looked up).
        let path = request.uri().path().to_owned();
        return match state.tenants.moved_path(old, path.trim_matches('/')).await {
            Ok(Some(to)) => redirect_to(&canonical, host.port, &format!("/{to}"), https, &request),
            Ok(None) => redirect_to(&canonical, host.port, &path, https, &request),
            Err(error) => {
                tracing::error!(%error, "cannot look up a merged commune's old address");
                pages::unavailable()
            }
        };
    }
    if host.name.as_str() != canonical {
        return redirect_to(&canonical, host.port, request.uri().path(), https, &request);
    }
    // The name content builds its links from (and the page cache keeps
    // pages under): the canonical one, never the bytes the client sent
    // ("Xa.Vn.", "xa.vn:1"), so no request can put foreign links into a
    // cached page.
    let raw_host = match host.port {
        Some(port) => format!("{canonical}:{port}"),
        None => canonical.clone(),
    };

    let path = request.uri().path().to_owned();
    let upstream = upstream_for(&path);
    let limit = match upstream {
        Upstream::Media => usize::try_from(state.config.max_upload_bytes).unwrap_or(usize::MAX),
        // The workspace's forms carry long articles; content holds each
        // form to its own limit within this one.
        Upstream::Content if is_workspace(&path) => state
            .config
            .max_body_bytes
            .max(congxa_web::body_limit::WORKSPACE_BYTES),
        Upstream::Content | Upstream::Analytics => state.config.max_body_bytes,
    };
    if too_large(&request, limit) {
        return refuse_too_large(request, limit).await;
    }
    // A body without a declared length is cut off at the limit as it streams.
    let request = request.map(|body| Body::new(Limited::new(body, limit)));
    // What a page view is made of, noted before the request goes on.
    let seen = (state.config.count_views
        && request.method() == Method::GET
        && upstream == Upstream::Content)
        .then(|| {
            let headers = request.headers();
            let text = |name: header::HeaderName| {
                headers
                    .get(name)
                    .and_then(|v| v.to_str().ok())
                    .map(views::clipped)
            };
            (
                client_addr,
                text(header::USER_AGENT).unwrap_or_default(),
                text(header::REFERER),
            )
        });

    let base = match upstream {
        Upstream::Content => &state.config.content_url,
        Upstream::Media => &state.config.media_url,
        Upstream::Analytics => &state.config.analytics_url,
    };
    let context = TenantContext {
        id: tenant.id,
        slug: tenant.slug.clone(),
        visits_offset: tenant.visits_offset,
    };
    let caller = Caller {
        addr: client_addr,
        host: &raw_host,
        https,
    };
    let kept_as = (upstream == Upstream::Content
        && state.config.page_cache_bytes > 0
        && page_cache::request_is_cacheable(request.method(), &path, request.headers()))
    .then(|| page_cache::key_path(&path, request.uri().query()))
    .flatten();
    let answered = if let Some(kept_as) = kept_as {
        let origin = cached::Origin {
            state,
            tenant: &context,
            caller,
        };
        cached::serve(origin, kept_as, request).await
    } else {
        forward::forward(
            &state.client,
            base,
            Audience::Tenant(&context),
            caller,
            request,
        )
        .await
    };
    let response = match answered {
        Ok(response) => response,
        Err(forward::ForwardError::Unreachable(error)) => {
            tracing::error!(%error, ?upstream, "service unreachable");
            return pages::bad_gateway();
        }
        Err(forward::ForwardError::RefusedPath) => return pages::bad_path(),
    };

    // A revalidated page (304) was still viewed.
    let viewed = matches!(response.status(), StatusCode::OK | StatusCode::NOT_MODIFIED);
    if let Some((address, user_agent, referer)) = seen
        && viewed
        && let Some(view) = response.extensions().get::<forward::PageView>()
    {
        state.views.record(Sighting {
            tenant_id: tenant.id,
            path,
            item: view.item,
            at: time::OffsetDateTime::now_utc(),
            address,
            user_agent,
            referer,
            host: raw_host.clone(),
        });
    }
    response.into_response()
}

/// The platform domain serves the operators' console, which content renders
/// under `/_console`. Console pages are never counted as visits.
async fn to_console(state: &AppState, caller: Caller<'_>, request: Request) -> Response {
    if too_large(&request, state.config.max_body_bytes) {
        return refuse_too_large(request, state.config.max_body_bytes).await;
    }
    let limit = state.config.max_body_bytes;
    let request = request.map(|body| Body::new(Limited::new(body, limit)));
    let base = format!(
        "{}/_console",
        state.config.content_url.trim_end_matches('/')
    );
    match forward::forward(&state.client, &base, Audience::Console, caller, request).await {
        Ok(response) => response,
        Err(forward::ForwardError::Unreachable(error)) => {
            tracing::error!(%error, "content unreachable for the console");
            pages::bad_gateway()
        }
        Err(forward::ForwardError::RefusedPath) => pages::bad_path(),
    }
}

/// Whether a (checked) path is the board's workspace.
fn is_workspace(path: &str) -> bool {
    path::is_under(path, path::WORKSPACE)
}

/// The page for a body declared longer than `limit`, naming the limit. A
/// body not much longer is read to its end first, as the services do
/// (`congxa_web::body_limit`): a browser still sending when the answer
/// comes and the connection closes shows a reset instead of the page. One
/// far longer is not worth reading.
async fn refuse_too_large(request: Request, limit: usize) -> Response {
    let drain = congxa_web::body_limit::DRAIN_BYTES;
    let declared = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n <= drain as u64 * 2) {
        let _ = axum::body::to_bytes(request.into_body(), drain * 2).await;
    }
    congxa_web::body_limit::refusal(congxa_web::body_limit::TooLarge { limit })
}

/// Whether a request declares a body longer than `limit`.
fn too_large(request: &Request, limit: usize) -> bool {
    request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok())
        .is_some_and(|n| n > limit as u64)
}

/// 301 to `path` and the same query on the commune's canonical name: old
/// addresses and aliases keep working, and search engines learn the new one.
fn redirect_to(
    canonical: &str,
    port: Option<u16>,
    path: &str,
    https: bool,
    request: &Request,
) -> Response {
    let scheme = if https { "https" } else { "http" };
    let port = port.map(|p| format!(":{p}")).unwrap_or_default();
    let query = request
        .uri()
        .query()
        .map(|q| format!("?{q}"))
        .unwrap_or_default();
    let location = format!("{scheme}://{canonical}{port}{path}{query}");
    match HeaderValue::from_str(&location) {
        Ok(location) => (
            StatusCode::MOVED_PERMANENTLY,
            [(header::LOCATION, location)],
        )
            .into_response(),
        Err(_) => pages::bad_host(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_go_to_the_service_that_owns_them() {
        assert_eq!(upstream_for("/"), Upstream::Content);
        assert_eq!(upstream_for("/tin-tuc/abc"), Upstream::Content);
        assert_eq!(upstream_for("/tep/1/a.pdf"), Upstream::Media);
        assert_eq!(upstream_for("/api/tep"), Upstream::Media);
        assert_eq!(upstream_for("/api/thong-ke"), Upstream::Analytics);
        assert_eq!(upstream_for("/api/teppp"), Upstream::Content);
    }
}
