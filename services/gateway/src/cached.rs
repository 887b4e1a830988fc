//! Answering a public page from the page cache, or from content while
//! keeping its answer (README, "The page cache").

use std::time::Instant;

use axum::body::Body;
use axum::extract::Request;
use axum::http::{HeaderName, HeaderValue, Method, header};
use axum::response::Response;
use congxa_web::TenantContext;

use crate::AppState;
use crate::forward::{self, Audience, CacheTags, Caller, ForwardError, PageView};
use crate::page_cache::{self, Age, Encoding, Entry, Key};

/// Tells whoever looks (and the tests) how the cache answered.
const CACHE_STATUS: HeaderName = HeaderName::from_static("x-cache");

/// What a request of the page cache needs to reach content.
pub struct Origin<'a> {
    pub state: &'a AppState,
    pub tenant: &'a TenantContext,
    pub caller: Caller<'a>,
}

/// Answers a cacheable request (see `page_cache::request_is_cacheable`).
/// `key` names the page as `page_cache::key_path` reads it.
pub async fn serve(
    origin: Origin<'_>,
    path_and_query: String,
    request: Request,
) -> Result<Response, ForwardError> {
    let encoding = Encoding::of(request.headers());
    let key = Key {
        tenant: origin.tenant.id,
        host: origin.caller.host.to_owned(),
        path_and_query,
        encoding,
    };
    let method = request.method().clone();
    let asked = request.headers().get(header::IF_NONE_MATCH).cloned();
    let asked = asked.as_ref();
    let cache = &origin.state.pages;

    if let Some(entry) = cache.get(&key).await {
        match entry.age(Instant::now()) {
            Age::Fresh => return Ok(marked(entry.respond(&method, asked), "hit")),
            Age::Stale => {
                if cache.start_refresh(&key).await {
                    let (state, tenant, host) = (
                        origin.state.clone(),
                        origin.tenant.clone(),
                        origin.caller.host.to_owned(),
                    );
                    let (key, addr, https) = (key.clone(), origin.caller.addr, origin.caller.https);
                    tokio::spawn(async move {
                        let origin = Origin {
                            state: &state,
                            tenant: &tenant,
                            caller: Caller {
                                addr,
                                host: &host,
                                https,
                            },
                        };
                        if let Err(ForwardError::Unreachable(error)) = fetch(&origin, &key).await {
                            tracing::warn!(%error, "a stale page could not be fetched anew");
                        }
                        state.pages.end_refresh(&key).await;
                    });
                }
                return Ok(marked(entry.respond(&method, asked), "stale"));
            }
            Age::Expired => {
                // Content's answer if it can give one; the kept page if not.
                return match fetch(&origin, &key).await {
                    Ok(Fetched::Kept(fresh)) => Ok(marked(fresh.respond(&method, asked), "miss")),
                    Ok(Fetched::Passed(response)) if !response.status().is_server_error() => {
                        Ok(marked(response, "miss"))
                    }
                    Ok(Fetched::Passed(_)) | Err(_) => {
                        Ok(marked(entry.respond(&method, asked), "stale-if-error"))
                    }
                };
            }
        }
    }

    if method == Method::HEAD {
        // Not worth a page of its own: passed through, not kept.
        let response = forward::forward(
            &origin.state.client,
            &origin.state.config.content_url,
            Audience::Tenant(origin.tenant),
            origin.caller,
            request,
        )
        .await?;
        return Ok(marked(response, "miss"));
    }
    match fetch(&origin, &key).await? {
        Fetched::Kept(entry) => Ok(marked(entry.respond(&method, asked), "miss")),
        Fetched::Passed(response) => Ok(marked(response, "miss")),
    }
}

enum Fetched {
    /// Content's page, now in the cache.
    Kept(std::sync::Arc<Entry>),
    /// Content's answer, not for keeping (an error page, a redirect).
    Passed(Response),
}

/// Asks content for the page as any visitor would see it (no cookies, no
/// validators, the cache's encoding) and keeps it when content allows.
async fn fetch(origin: &Origin<'_>, key: &Key) -> Result<Fetched, ForwardError> {
    let mark = origin.state.pages.purge_mark();
    let mut request = Request::new(Body::empty());
    *request.method_mut() = Method::GET;
    *request.uri_mut() = key
        .path_and_query
        .parse()
        .unwrap_or_else(|_| axum::http::Uri::from_static("/"));
    let headers = request.headers_mut();
    headers.insert(header::ACCEPT_ENCODING, key.encoding.header());
    if let Ok(host) = HeaderValue::from_str(origin.caller.host) {
        headers.insert(header::HOST, host);
    }
    let response = forward::forward(
        &origin.state.client,
        &origin.state.config.content_url,
        Audience::Tenant(origin.tenant),
        origin.caller,
        request,
    )
    .await?;
    let Some((fresh_for, stale_for)) = page_cache::freshness(response.status(), response.headers())
    else {
        return Ok(Fetched::Passed(response));
    };
    let (parts, body) = response.into_parts();
    let body = match page_cache::collect(body).await {
        Ok(body) => body,
        Err(whole) => return Ok(Fetched::Passed(Response::from_parts(parts, whole))),
    };
    let mut tags = page_cache::tags_of(
        parts
            .extensions
            .get::<CacheTags>()
            .and_then(|t| t.0.as_ref()),
    );
    if tags.is_empty() {
        // A page content did not tag goes with every list.
        tags.insert("list".to_owned());
    }
    let entry = std::sync::Arc::new(Entry {
        status: parts.status,
        headers: parts.headers,
        body,
        view: parts.extensions.get::<PageView>().copied(),
        tags,
        stored: Instant::now(),
        fresh_for,
        stale_for,
    });
    origin
        .state
        .pages
        .put(key.clone(), entry.clone(), mark)
        .await;
    Ok(Fetched::Kept(entry))
}

fn marked(mut response: Response, how: &'static str) -> Response {
    response
        .headers_mut()
        .insert(CACHE_STATUS, HeaderValue::from_static(how));
    response
}
