//! HTTP done right for public pages: a strong ETag on the exact bytes, 304
//! for a browser or cache that has them, and cache headers a shared cache
//! (the gateway's, a CDN) can honour.

use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};

use super::Visit;

/// Public pages may be kept a minute by shared caches and served stale a
/// little longer while they refresh; browsers revalidate every time (the
/// ETag makes that a cheap 304).
/// The `Cache-Control` of a public page: browsers ask again each time (and
/// get 304 while it is unchanged); shared caches, the gateway's first, keep
/// it `fresh` seconds and serve it `stale` seconds more while fetching it.
pub fn public_page(fresh: u64, stale: u64) -> String {
    format!("public, max-age=0, s-maxage={fresh}, stale-while-revalidate={stale}")
}

pub fn html(status: StatusCode, body: String, visit: &Visit) -> Response {
    let html = "text/html; charset=utf-8";
    cacheable(status, body, html, &visit.cache_control, visit.headers())
}

/// A page for the board alone (a preview): kept by no cache, indexed by no
/// search engine.
pub fn private(response: &mut Response) {
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.remove(header::ETAG);
    headers.insert("x-robots-tag", HeaderValue::from_static("noindex"));
}

pub fn xml(body: String, content_type: &'static str, visit: &Visit) -> Response {
    cacheable(
        StatusCode::OK,
        body,
        content_type,
        &visit.cache_control,
        visit.headers(),
    )
}

/// Answers with `body`, or with 304 when the request names its ETag.
/// Only successful answers are cacheable; a 404 or an error is not kept.
fn cacheable(
    status: StatusCode,
    body: String,
    content_type: &'static str,
    cache_control: &str,
    request: &HeaderMap,
) -> Response {
    let etag = etag_of(body.as_bytes());
    let mut headers = HeaderMap::new();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    if status != StatusCode::OK {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        return (status, headers, body).into_response();
    }
    if let Ok(value) = HeaderValue::from_str(cache_control) {
        headers.insert(header::CACHE_CONTROL, value);
    }
    // Compressed and plain answers differ; caches must keep them apart.
    headers.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    if let Ok(value) = HeaderValue::from_str(&etag) {
        headers.insert(header::ETAG, value);
    }
    if matches_etag(request, &etag) {
        return (StatusCode::NOT_MODIFIED, headers).into_response();
    }
    (status, headers, body).into_response()
}

fn etag_of(body: &[u8]) -> String {
    let digest = Sha256::digest(body);
    format!("\"{}\"", hex::encode(&digest[..12]))
}

/// Whether `If-None-Match` lists this ETag (or `*`). Compression middleware
/// may have weakened it to W/"…" on the way out; either form matches.
fn matches_etag(request: &HeaderMap, etag: &str) -> bool {
    request
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(|tag| tag.trim().trim_start_matches("W/"))
        .any(|tag| tag == etag || tag == "*")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn html(status: StatusCode, body: String, request: &HeaderMap) -> Response {
        cacheable(
            status,
            body,
            "text/html; charset=utf-8",
            &public_page(60, 300),
            request,
        )
    }

    fn asking(tag: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(header::IF_NONE_MATCH, HeaderValue::from_str(tag).unwrap());
        headers
    }

    #[test]
    fn the_same_bytes_answer_not_modified() {
        let first = html(StatusCode::OK, "<p>xin chào</p>".into(), &HeaderMap::new());
        let etag = first.headers()[header::ETAG].to_str().unwrap().to_owned();
        let again = html(StatusCode::OK, "<p>xin chào</p>".into(), &asking(&etag));
        assert_eq!(again.status(), StatusCode::NOT_MODIFIED);
        let weak = html(
            StatusCode::OK,
            "<p>xin chào</p>".into(),
            &asking(&format!("W/{etag}")),
        );
        assert_eq!(weak.status(), StatusCode::NOT_MODIFIED);
    }

    #[test]
    fn changed_bytes_answer_in_full() {
        let first = html(StatusCode::OK, "<p>một</p>".into(), &HeaderMap::new());
        let etag = first.headers()[header::ETAG].to_str().unwrap().to_owned();
        let changed = html(StatusCode::OK, "<p>hai</p>".into(), &asking(&etag));
        assert_eq!(changed.status(), StatusCode::OK);
    }

    #[test]
    fn a_not_found_page_is_never_cached() {
        let page = html(
            StatusCode::NOT_FOUND,
            "<p>không có</p>".into(),
            &HeaderMap::new(),
        );
        assert_eq!(page.headers()[header::CACHE_CONTROL], "no-store");
        let kept = html(StatusCode::OK, "<p>có</p>".into(), &HeaderMap::new());
        assert_eq!(
            kept.headers()[header::CACHE_CONTROL],
            "public, max-age=0, s-maxage=60, stale-while-revalidate=300"
        );
        assert!(page.headers().get(header::ETAG).is_none());
    }
}
