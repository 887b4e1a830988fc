//! Forwarding a request to the service behind the gateway, streaming both
//! ways, with the commune and the trace context attached.

use std::net::IpAddr;
use std::sync::{Arc, OnceLock};

use axum::body::Body;
use axum::extract::Request;
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, header};
use axum::response::Response;
use congxa_web::TenantContext;
use congxa_web::internal::{
    CACHE_TAGS_HEADER, CONSOLE_HEADER, INTERNAL_PREFIX, InternalClient, VIEW_HEADER,
};
use futures::TryStreamExt;

/// Headers that describe one connection, not the message, and never pass
/// through a proxy (RFC 9110 §7.6.1), plus the trace context, which the
/// gateway writes anew as the parent of the forwarded call.
const NOT_FORWARDED: [&str; 11] = [
    "connection",
    "keep-alive",
    "proxy-connection",
    "proxy-authenticate",
    "proxy-authorization",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
    "traceparent",
    "tracestate",
];

/// Removes hop-by-hop headers and every internal header a client may have
/// sent to pose as a service or a tenant.
pub fn strip_untrusted(headers: &mut HeaderMap) {
    let doomed: Vec<HeaderName> = headers
        .keys()
        .filter(|name| {
            let name = name.as_str();
            name.starts_with(INTERNAL_PREFIX) || NOT_FORWARDED.contains(&name)
        })
        .cloned()
        .collect();
    for name in doomed {
        headers.remove(name);
    }
}

/// Whom a forwarded request is for.
pub enum Audience<'a> {
    /// A commune's site.
    Tenant(&'a TenantContext),
    /// The platform domain: the operators' console.
    Console,
}

/// Content marked its answer a public page view (of an item, when it shows
/// one); the internal header itself does not reach the visitor.
#[derive(Debug, Clone, Copy)]
pub struct PageView {
    pub item: Option<uuid::Uuid>,
}

/// The tags content gave a page (`x-congxa-cache-tags`), by which the page
/// cache purges it.
#[derive(Debug, Clone)]
pub struct CacheTags(pub Option<HeaderValue>);

/// Who a forwarded request is from, as the gateway established it: what
/// the services may believe of the client, whatever its headers said.
#[derive(Debug, Clone, Copy)]
pub struct Caller<'a> {
    /// The visitor's address (behind the trusted proxies).
    pub addr: Option<IpAddr>,
    /// The commune's canonical host, with the port the client used.
    pub host: &'a str,
    /// Whether the client reached the platform over HTTPS: said by a
    /// trusted proxy, or by the configured public scheme.
    pub https: bool,
}

/// What went wrong reaching the service.
pub enum ForwardError {
    /// The service did not answer (down, refused, timed out).
    Unreachable(reqwest::Error),
    /// The path is not one the gateway forwards (see `path::check`). The
    /// gateway refuses such paths before it gets here; this guards every
    /// other caller.
    RefusedPath,
}

/// Sends `request` to `base` (a service's internal URL) for `audience` and
/// streams the answer back.
pub async fn forward(
    client: &InternalClient,
    base: &str,
    audience: Audience<'_>,
    caller: Caller<'_>,
    request: Request,
) -> Result<Response, ForwardError> {
    let (parts, body) = request.into_parts();
    if crate::path::check(parts.uri.path()).is_err() {
        return Err(ForwardError::RefusedPath);
    }
    let path = parts.uri.path_and_query().map_or("/", |p| p.as_str());
    let url = upstream_url(base, path);

    let mut headers = parts.headers;
    strip_untrusted(&mut headers);
    match audience {
        Audience::Tenant(tenant) => tenant.write_to(&mut headers),
        Audience::Console => {
            headers.insert(CONSOLE_HEADER, HeaderValue::from_static("1"));
        }
    }
    // What the client said of itself in these headers is replaced by what
    // the gateway established.
    headers.remove("x-forwarded-for");
    if let Some(addr) = caller.addr
        && let Ok(value) = HeaderValue::from_str(&addr.to_string())
    {
        headers.insert("x-forwarded-for", value);
    }
    if let Ok(value) = HeaderValue::from_str(caller.host) {
        headers.insert("x-forwarded-host", value);
    }
    headers.insert(
        "x-forwarded-proto",
        HeaderValue::from_static(if caller.https { "https" } else { "http" }),
    );

    let has_body = headers.contains_key(header::CONTENT_LENGTH)
        || !matches!(parts.method, Method::GET | Method::HEAD | Method::OPTIONS);
    let mut outgoing = client.forward(parts.method, &url).headers(headers);
    // Whether the client's own body failed on the way (true: past the
    // limit): then the call failed through the client, not the service.
    let body_fault = Arc::new(OnceLock::new());
    if has_body {
        let seen = body_fault.clone();
        let stream = body.into_data_stream().inspect_err(move |error| {
            let _ = seen.set(past_the_limit(error));
        });
        outgoing = outgoing.body(reqwest::Body::wrap_stream(stream));
    }
    let answer = match outgoing.send().await {
        Ok(answer) => answer,
        Err(error) => {
            return match body_fault.get() {
                Some(true) => Ok(crate::pages::too_large()),
                Some(false) => {
                    tracing::info!(%error, "the client's body broke off or could not be read");
                    Ok(crate::pages::unreadable_body())
                }
                // No URL can be made of the request's target (`*`, say):
                // the request's fault, and no service was called.
                None if error.is_builder() => Ok(crate::pages::unreadable_target()),
                None => Err(ForwardError::Unreachable(error)),
            };
        }
    };

    let mut response = Response::builder().status(answer.status());
    if let Some(response_headers) = response.headers_mut() {
        for (name, value) in answer.headers() {
            if !NOT_FORWARDED.contains(&name.as_str())
                && !name.as_str().starts_with(INTERNAL_PREFIX)
            {
                response_headers.append(name.clone(), value.clone());
            }
        }
    }
    if let Some(extensions) = response.extensions_mut() {
        if let Some(marked) = answer.headers().get(VIEW_HEADER) {
            extensions.insert(PageView {
                item: marked
                    .to_str()
                    .ok()
                    .and_then(|v| uuid::Uuid::parse_str(v).ok()),
            });
        }
        extensions.insert(CacheTags(answer.headers().get(CACHE_TAGS_HEADER).cloned()));
    }
    let body = Body::from_stream(answer.bytes_stream());
    Ok(response
        .body(body)
        .unwrap_or_else(|_| Response::new(Body::empty())))
}

/// Whether a body failed because it grew past the gateway's limit.
fn past_the_limit(error: &axum::Error) -> bool {
    let mut cause: Option<&(dyn std::error::Error + 'static)> = Some(error);
    while let Some(error) = cause {
        if error.is::<http_body_util::LengthLimitError>() {
            return true;
        }
        cause = error.source();
    }
    false
}

/// The service's URL for a path. A service mounted under a prefix (the
/// console under `/_console`) has its root at the prefix itself, not at the
/// prefix with a trailing slash.
fn upstream_url(base: &str, path_and_query: &str) -> String {
    let base = base.trim_end_matches('/');
    let has_prefix = base
        .split_once("://")
        .is_some_and(|(_, rest)| rest.contains('/'));
    match path_and_query.strip_prefix('/') {
        Some(rest) if has_prefix && (rest.is_empty() || rest.starts_with('?')) => {
            format!("{base}{rest}")
        }
        _ => format!("{base}{path_and_query}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_prefixed_service_has_its_root_at_the_prefix() {
        assert_eq!(
            upstream_url("http://c:1/_console", "/"),
            "http://c:1/_console"
        );
        assert_eq!(
            upstream_url("http://c:1/_console", "/?q=a"),
            "http://c:1/_console?q=a"
        );
        assert_eq!(
            upstream_url("http://c:1/_console", "/xa/a"),
            "http://c:1/_console/xa/a"
        );
        assert_eq!(upstream_url("http://c:1", "/"), "http://c:1/");
        assert_eq!(upstream_url("http://c:1/", "/?q=a"), "http://c:1/?q=a");
        assert_eq!(upstream_url("http://c:1", "/tin-tuc"), "http://c:1/tin-tuc");
    }

    #[test]
    fn internal_and_hop_by_hop_headers_never_pass() {
        let mut headers = HeaderMap::new();
        headers.insert("x-congxa-tenant-id", HeaderValue::from_static("forged"));
        headers.insert(
            "X-Congxa-Internal-Token",
            HeaderValue::from_static("forged"),
        );
        headers.insert("connection", HeaderValue::from_static("close"));
        headers.insert("accept", HeaderValue::from_static("text/html"));
        strip_untrusted(&mut headers);
        assert_eq!(headers.len(), 1);
        assert!(headers.contains_key("accept"));
    }
}
