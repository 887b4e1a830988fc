//! The gateway's cache of public pages, per commune and address (README,
//! "The page cache"). A page is kept as content answered it, in the
//! encoding the visitor's browser takes, for as long as content's
//! `s-maxage` says; past that it is still served for `stale-while-
//! revalidate` while one request fetches it anew, and for a day
//! (`CONGXA_CACHE_STALE_IF_ERROR_SECS`) when content cannot answer at all.
//! Purges come from PostgreSQL (LISTEN on `congxa_cache`): a change names
//! its commune and the tags of the pages it touches, and only those go.
//!
//! Never cached: anything but GET and HEAD, a request of a signed-in board
//! member or operator (their cookie), an answer that sets a cookie, that is
//! not 200, or that content did not mark public.

use std::collections::HashSet;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::Response;
use congxa_web::public_query::{self, Bearing};
use moka::future::Cache;
use serde::Deserialize;
use sqlx::PgPool;
use sqlx::postgres::PgListener;
use uuid::Uuid;

use crate::forward::PageView;
use crate::tenants::Feed;

/// The channel the database's triggers announce purges on.
const CHANNEL: &str = "congxa_cache";
/// Every cookie the platform sets starts with this (the board's session
/// and sign-in cookies, the console's); the public site sets none. A request
/// carrying one is somebody's own.
const PLATFORM_COOKIE_PREFIX: &str = "congxa_";
/// Paths that are never anybody's public page.
const PRIVATE_PREFIXES: [&str; 2] = [crate::path::WORKSPACE, crate::path::CONSOLE];
/// The largest page kept; a longer one is passed through.
const MAX_PAGE_BYTES: usize = 2 * 1024 * 1024;

/// The encodings a page is kept in, one copy each: what the browser
/// accepts is reduced to one of these before content is asked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Encoding {
    Brotli,
    Gzip,
    Identity,
}

impl Encoding {
    /// The best the request accepts ("br" first: smallest for a phone).
    pub fn of(headers: &HeaderMap) -> Self {
        let accepted = headers
            .get_all(header::ACCEPT_ENCODING)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .filter_map(|part| {
                let mut pieces = part.split(';');
                let name = pieces.next()?.trim().to_ascii_lowercase();
                // "gzip;q=0" refuses gzip.
                let refused = pieces.any(|p| {
                    p.trim()
                        .strip_prefix("q=")
                        .and_then(|q| q.trim().parse::<f32>().ok())
                        .is_some_and(|q| q <= 0.0)
                });
                (!refused).then_some(name)
            })
            .collect::<Vec<_>>();
        if accepted.iter().any(|e| e == "br") {
            Self::Brotli
        } else if accepted.iter().any(|e| e == "gzip") {
            Self::Gzip
        } else {
            Self::Identity
        }
    }

    pub fn header(self) -> HeaderValue {
        HeaderValue::from_static(match self {
            Self::Brotli => "br",
            Self::Gzip => "gzip",
            Self::Identity => "identity",
        })
    }
}

/// Which page: the commune, the address with its query, the encoding.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Key {
    pub tenant: Uuid,
    /// The canonical name with the port the visitor used: links in the
    /// page are built from it.
    pub host: String,
    pub path_and_query: String,
    pub encoding: Encoding,
}

/// A page as content answered it.
#[derive(Debug)]
pub struct Entry {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Bytes,
    /// Whether (and of which item) the page is a page view.
    pub view: Option<PageView>,
    pub tags: HashSet<String>,
    pub stored: Instant,
    /// Served as it is until then.
    pub fresh_for: Duration,
    /// Then served while one request fetches it anew.
    pub stale_for: Duration,
}

/// How old an entry is, as the cache sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Age {
    Fresh,
    /// Serve it, and fetch it anew.
    Stale,
    /// Serve it only when content cannot answer.
    Expired,
}

impl Entry {
    pub fn age(&self, now: Instant) -> Age {
        let age = now.saturating_duration_since(self.stored);
        if age < self.fresh_for {
            Age::Fresh
        } else if age < self.fresh_for + self.stale_for {
            Age::Stale
        } else {
            Age::Expired
        }
    }

    /// The answer to a request: the page, or 304 when the browser names
    /// its ETag (`If-None-Match`, given); no body for HEAD.
    pub fn respond(&self, method: &Method, if_none_match: Option<&HeaderValue>) -> Response {
        let etag = self.headers.get(header::ETAG);
        let not_modified = etag.zip(if_none_match).is_some_and(|(etag, asked)| {
            asked
                .to_str()
                .unwrap_or_default()
                .split(',')
                .map(|v| v.trim())
                // A weak comparison, as for GET: "W/" does not matter.
                .any(|v| v == "*" || v.trim_start_matches("W/").as_bytes() == etag.as_bytes())
        });
        let mut response = if not_modified {
            let mut response = Response::new(Body::empty());
            *response.status_mut() = StatusCode::NOT_MODIFIED;
            for name in [header::ETAG, header::CACHE_CONTROL, header::VARY] {
                if let Some(value) = self.headers.get(&name) {
                    response.headers_mut().insert(name, value.clone());
                }
            }
            response
        } else {
            let body = if method == Method::HEAD {
                Body::empty()
            } else {
                Body::from(self.body.clone())
            };
            let mut response = Response::new(body);
            *response.status_mut() = self.status;
            *response.headers_mut() = self.headers.clone();
            response
        };
        if let Some(view) = self.view {
            response.extensions_mut().insert(view);
        }
        response
    }
}

/// The name a public page is kept under: its path and the query parameters
/// pages read, in a fixed order, each once (the first, as pages read it);
/// `None` when the page depends on a value without end (a search, a
/// filter) and is not kept.
pub fn key_path(path: &str, query: Option<&str>) -> Option<String> {
    let mut kept: Vec<(String, String)> = Vec::new();
    for (name, value) in form_urlencoded::parse(query.unwrap_or_default().as_bytes()) {
        if kept.iter().any(|(k, _)| *k == name) {
            continue;
        }
        match public_query::bearing(&name, &value) {
            Bearing::Unread => {}
            Bearing::Kept => kept.push((name.into_owned(), value.into_owned())),
            Bearing::Open => return None,
        }
    }
    if kept.is_empty() {
        return Some(path.to_owned());
    }
    kept.sort();
    let mut query = form_urlencoded::Serializer::new(String::new());
    for (name, value) in &kept {
        if value.is_empty() {
            query.append_key_only(name);
        } else {
            query.append_pair(name, value);
        }
    }
    Some(format!("{path}?{}", query.finish()))
}

/// Whether a request may be answered from the cache (and its answer kept).
pub fn request_is_cacheable(method: &Method, path: &str, headers: &HeaderMap) -> bool {
    if method != Method::GET && method != Method::HEAD {
        return false;
    }
    if PRIVATE_PREFIXES
        .iter()
        .any(|prefix| crate::path::is_under(path, prefix))
    {
        return false;
    }
    if headers.contains_key(header::AUTHORIZATION) {
        return false;
    }
    let signed_in = headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .map(|pair| pair.trim())
        // Over HTTPS the cookies' names carry the `__Host-` prefix.
        .map(|pair| pair.strip_prefix("__Host-").unwrap_or(pair))
        .any(|pair| pair.starts_with(PLATFORM_COOKIE_PREFIX));
    !signed_in
}

/// The freshness a response allows a shared cache: `s-maxage` (or
/// `max-age`) and `stale-while-revalidate`; `None` when it may not be kept.
pub fn freshness(status: StatusCode, headers: &HeaderMap) -> Option<(Duration, Duration)> {
    if status != StatusCode::OK || headers.contains_key(header::SET_COOKIE) {
        return None;
    }
    let control = headers.get(header::CACHE_CONTROL)?.to_str().ok()?;
    let mut public = false;
    let (mut s_maxage, mut max_age, mut stale) = (None, None, 0u64);
    for directive in control.split(',').map(str::trim) {
        let (name, value) = directive.split_once('=').unwrap_or((directive, ""));
        let seconds = value.trim_matches('"').parse::<u64>().ok();
        match name.to_ascii_lowercase().as_str() {
            "public" => public = true,
            "private" | "no-store" | "no-cache" => return None,
            "s-maxage" => s_maxage = seconds,
            "max-age" => max_age = seconds,
            "stale-while-revalidate" => stale = seconds.unwrap_or(0),
            _ => {}
        }
    }
    let fresh = s_maxage.or(max_age)?;
    (public && fresh > 0).then(|| (Duration::from_secs(fresh), Duration::from_secs(stale)))
}

/// One announced purge, as the database's triggers write it.
#[derive(Debug, Deserialize)]
pub struct Purge {
    /// `None`: every commune.
    pub tenant: Option<Uuid>,
    /// `None`: every page of the commune.
    pub tags: Option<Vec<String>>,
}

/// The cache itself, shared by every request of one gateway.
#[derive(Clone)]
pub struct PageCache {
    entries: Cache<Key, Arc<Entry>>,
    /// Pages being fetched anew in the background: one request each.
    refreshing: Cache<Key, ()>,
    stale_if_error: Duration,
    /// Counts purges: a page fetched while one arrived may predate the
    /// change, so it is not kept (see [`PageCache::put`]).
    purges: Arc<std::sync::atomic::AtomicU64>,
}

impl PageCache {
    pub fn new(max_bytes: u64, stale_if_error: Duration) -> Self {
        let entries = Cache::builder()
            .max_capacity(max_bytes)
            .weigher(|key: &Key, entry: &Arc<Entry>| {
                let bytes = key.path_and_query.len() + entry.body.len() + 512;
                u32::try_from(bytes).unwrap_or(u32::MAX)
            })
            .support_invalidation_closures()
            .build();
        let refreshing = Cache::builder()
            .max_capacity(100_000)
            .time_to_live(Duration::from_secs(30))
            .build();
        Self {
            entries,
            refreshing,
            stale_if_error,
            purges: Arc::new(std::sync::atomic::AtomicU64::new(0)),
        }
    }

    /// The kept page, unless it is past even serving when content fails.
    pub async fn get(&self, key: &Key) -> Option<Arc<Entry>> {
        let entry = self.entries.get(key).await?;
        let age = Instant::now().saturating_duration_since(entry.stored);
        (age < entry.fresh_for + entry.stale_for + self.stale_if_error).then_some(entry)
    }

    /// Where purges stand, taken before asking content for a page.
    pub fn purge_mark(&self) -> u64 {
        self.purges.load(std::sync::atomic::Ordering::Acquire)
    }

    /// Keeps a page fetched since `mark`, unless a purge came meanwhile: the
    /// page may have been read before the change committed, and would
    /// otherwise outlive its purge.
    pub async fn put(&self, key: Key, entry: Arc<Entry>, mark: u64) {
        if self.purge_mark() == mark {
            self.entries.insert(key, entry).await;
        }
    }

    /// Whether this request should fetch `key` anew (true once until done).
    pub async fn start_refresh(&self, key: &Key) -> bool {
        let entry = self.refreshing.entry(key.clone()).or_insert(()).await;
        entry.is_fresh()
    }

    pub async fn end_refresh(&self, key: &Key) {
        self.refreshing.invalidate(key).await;
    }

    pub fn purge(&self, purge: &Purge) {
        self.purges
            .fetch_add(1, std::sync::atomic::Ordering::AcqRel);
        let tenant = purge.tenant;
        let tags: Option<HashSet<String>> = purge.tags.clone().map(|t| t.into_iter().collect());
        let removed = self.entries.invalidate_entries_if(move |key, entry| {
            tenant.is_none_or(|t| key.tenant == t)
                && tags
                    .as_ref()
                    .is_none_or(|tags| !entry.tags.is_disjoint(tags))
        });
        if let Err(error) = removed {
            tracing::error!(%error, "the page cache could not purge; emptying it");
            self.entries.invalidate_all();
        }
    }

    pub fn purge_all(&self) {
        self.purges
            .fetch_add(1, std::sync::atomic::Ordering::AcqRel);
        self.entries.invalidate_all();
    }

    /// Follows the database's purge announcements until `shutdown`. While
    /// the feed is down, pages stay (content may be down too: they are
    /// what visitors get); once it is back, everything goes, since purges
    /// may have been missed.
    pub async fn follow_purges(self, pool: PgPool, shutdown: congxa_web::Shutdown) {
        loop {
            match self.listen(&pool, &shutdown).await {
                Ok(Feed::Shutdown) => return,
                Ok(Feed::Dropped) => tracing::warn!("page purge feed interrupted; reconnecting"),
                Err(error) => tracing::warn!(%error, "lost the page purge feed; reconnecting"),
            }
            tokio::select! {
                () = shutdown.wait() => return,
                () = tokio::time::sleep(Duration::from_secs(1)) => {}
            }
        }
    }

    async fn listen(
        &self,
        pool: &PgPool,
        shutdown: &congxa_web::Shutdown,
    ) -> Result<Feed, sqlx::Error> {
        let mut listener = PgListener::connect_with(pool).await?;
        listener.listen(CHANNEL).await?;
        // Purges announced while nobody listened are unknown.
        self.purge_all();
        loop {
            tokio::select! {
                () = shutdown.wait() => return Ok(Feed::Shutdown),
                notification = listener.try_recv() => match notification? {
                    Some(notification) => match serde_json::from_str::<Purge>(notification.payload()) {
                        Ok(purge) => self.purge(&purge),
                        Err(error) => {
                            tracing::warn!(%error, "unreadable purge; emptying the page cache");
                            self.purge_all();
                        }
                    },
                    // Dropped: `listen` starts over, and empties the cache
                    // once connected again.
                    None => return Ok(Feed::Dropped),
                },
            }
        }
    }
}

/// The tags content set on a page (`x-congxa-cache-tags`, space-separated).
pub fn tags_of(value: Option<&HeaderValue>) -> HashSet<String> {
    value
        .and_then(|v| v.to_str().ok())
        .map(|v| v.split_ascii_whitespace().map(str::to_owned).collect())
        .unwrap_or_default()
}

/// Reads a page's body for keeping, up to the limit; `Err` gives back the
/// body (what was read and the rest) when it is longer.
pub async fn collect(body: Body) -> Result<Bytes, Body> {
    use http_body_util::BodyExt;
    let mut body = body;
    let mut kept = Vec::new();
    while let Some(frame) = body.frame().await {
        let Ok(frame) = frame else {
            return Err(Body::from(kept));
        };
        if let Ok(data) = frame.into_data() {
            kept.extend_from_slice(&data);
            if kept.len() > MAX_PAGE_BYTES {
                let head =
                    futures::stream::once(async move { Ok::<_, axum::Error>(Bytes::from(kept)) });
                let rest = body.into_data_stream();
                return Err(Body::from_stream(futures::StreamExt::chain(head, rest)));
            }
        }
    }
    Ok(Bytes::from(kept))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.append(*name, HeaderValue::from_static(value));
        }
        map
    }

    #[test]
    fn the_best_accepted_encoding_is_chosen() {
        assert_eq!(
            Encoding::of(&headers(&[("accept-encoding", "gzip, deflate, br")])),
            Encoding::Brotli
        );
        assert_eq!(
            Encoding::of(&headers(&[("accept-encoding", "gzip")])),
            Encoding::Gzip
        );
        assert_eq!(
            Encoding::of(&headers(&[("accept-encoding", "br;q=0, gzip")])),
            Encoding::Gzip
        );
        assert_eq!(Encoding::of(&headers(&[])), Encoding::Identity);
    }

    #[test]
    fn only_public_successful_answers_without_cookies_are_kept() {
        let public = headers(&[(
            "cache-control",
            "public, max-age=0, s-maxage=60, stale-while-revalidate=300",
        )]);
        assert_eq!(
            freshness(StatusCode::OK, &public),
            Some((Duration::from_secs(60), Duration::from_secs(300)))
        );
        assert_eq!(freshness(StatusCode::NOT_FOUND, &public), None);
        let mut cookie = public.clone();
        cookie.insert(header::SET_COOKIE, HeaderValue::from_static("a=b"));
        assert_eq!(freshness(StatusCode::OK, &cookie), None);
        assert_eq!(
            freshness(StatusCode::OK, &headers(&[("cache-control", "no-store")])),
            None
        );
        assert_eq!(
            freshness(
                StatusCode::OK,
                &headers(&[("cache-control", "private, max-age=60")])
            ),
            None
        );
        assert_eq!(freshness(StatusCode::OK, &headers(&[])), None);
    }

    #[test]
    fn a_page_is_kept_under_what_pages_read_of_its_query() {
        assert_eq!(key_path("/tin-tuc", None).as_deref(), Some("/tin-tuc"));
        assert_eq!(
            key_path("/tin-tuc", Some("x=1")).as_deref(),
            Some("/tin-tuc")
        );
        assert_eq!(
            key_path("/tin-tuc", Some("x=2&utm_source=a")).as_deref(),
            Some("/tin-tuc")
        );
        assert_eq!(
            key_path("/tin-tuc", Some("trang=2&x=1&trang=3")).as_deref(),
            Some("/tin-tuc?trang=2")
        );
        assert_eq!(
            key_path("/lich-cong-tac", Some("tuan=2026-11-23&ban-in")).as_deref(),
            Some("/lich-cong-tac?ban-in&tuan=2026-11-23")
        );
        assert_eq!(key_path("/van-ban", Some("q=quy%E1%BA%BFt")), None);
        assert_eq!(key_path("/van-ban", Some("loai=abc")), None);
        assert_eq!(key_path("/tin-tuc", Some("trang=99999")), None);
        assert_eq!(
            key_path("/van-ban", Some("q=")).as_deref(),
            Some("/van-ban")
        );
    }

    #[test]
    fn board_members_and_their_pages_are_never_cached() {
        let get = Method::GET;
        assert!(request_is_cacheable(&get, "/", &headers(&[])));
        assert!(!request_is_cacheable(
            &get,
            "/",
            &headers(&[("cookie", "a=b; __Host-congxa_quan_tri=x")])
        ));
        assert!(request_is_cacheable(
            &get,
            "/",
            &headers(&[("cookie", "danh-gia=1")])
        ));
        assert!(!request_is_cacheable(
            &get,
            "/",
            &headers(&[("cookie", "x=1; congxa_quan_tri=abc")])
        ));
        assert!(!request_is_cacheable(&get, "/quan-tri", &headers(&[])));
        assert!(!request_is_cacheable(
            &get,
            "/quan-tri/tin-bai",
            &headers(&[])
        ));
        assert!(request_is_cacheable(&get, "/quan-tri-xa", &headers(&[])));
        assert!(!request_is_cacheable(&Method::POST, "/", &headers(&[])));
        assert!(!request_is_cacheable(
            &get,
            "/",
            &headers(&[("authorization", "Bearer x")])
        ));
    }
}
