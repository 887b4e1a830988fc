//! Calls between services: the shared-secret authentication, the tenant
//! context the gateway hands on, and the HTTP client that carries both along
//! with the trace context.

use std::sync::Arc;
use std::time::Duration;

use axum::extract::{FromRef, FromRequestParts};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue};
use subtle::ConstantTimeEq;
use uuid::Uuid;

use crate::ApiError;

/// Every header the platform uses between its services starts with this.
/// The gateway removes all of them from outside requests, so nobody outside
/// can pose as a tenant or as a service.
pub const INTERNAL_PREFIX: &str = "x-congxa-";
pub const TOKEN_HEADER: &str = "x-congxa-internal-token";
pub const TENANT_ID_HEADER: &str = "x-congxa-tenant-id";
pub const TENANT_SLUG_HEADER: &str = "x-congxa-tenant-slug";
pub const VISITS_OFFSET_HEADER: &str = "x-congxa-visits-offset";
/// Marks a request for the platform domain (the operators' console).
pub const CONSOLE_HEADER: &str = "x-congxa-console";
/// On a response of content: the page is a public page view, of the item
/// whose id it carries, or "page" for any other page. Only the gateway
/// reads it (and strips it, like every internal header).
pub const VIEW_HEADER: &str = "x-congxa-view";
/// On a response of content: the tags the gateway's page cache purges the
/// page by, space-separated ("item:<id> section:tin-tuc", "home", "list";
/// see the migration that announces purges).
pub const CACHE_TAGS_HEADER: &str = "x-congxa-cache-tags";

/// Whether a request carries `Authorization: Bearer <expected>` (compared
/// in constant time). An empty `expected` (no token configured) matches
/// nothing.
pub fn bearer_matches(headers: &HeaderMap, expected: &str) -> bool {
    let presented = headers
        .get(axum::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or("");
    !expected.is_empty() && bool::from(presented.as_bytes().ct_eq(expected.as_bytes()))
}

/// The shared secret that proves a request comes from another service.
#[derive(Clone)]
pub struct InternalAuth {
    token: Arc<str>,
}

impl InternalAuth {
    pub fn new(token: &str) -> anyhow::Result<Self> {
        anyhow::ensure!(
            token.len() >= 16,
            "CONGXA_INTERNAL_TOKEN must be set to a secret of at least 16 characters"
        );
        Ok(Self {
            token: Arc::from(token),
        })
    }

    /// Whether the headers carry the secret (compared in constant time).
    pub fn verify(&self, headers: &HeaderMap) -> bool {
        headers
            .get(TOKEN_HEADER)
            .is_some_and(|v| v.as_bytes().ct_eq(self.token.as_bytes()).into())
    }

    fn header_value(&self) -> Option<HeaderValue> {
        HeaderValue::from_str(&self.token).ok()
    }
}

/// The commune a request is for, as resolved by the gateway.
#[derive(Debug, Clone)]
pub struct TenantContext {
    pub id: Uuid,
    pub slug: String,
    /// Visits counted before this commune's counter started here (an old
    /// portal's, merged communes'): the counter shows them in its total.
    pub visits_offset: i64,
}

impl TenantContext {
    /// Writes this tenant into the headers of a call to another service.
    pub fn write_to(&self, headers: &mut HeaderMap) {
        if let Ok(id) = HeaderValue::from_str(&self.id.to_string()) {
            headers.insert(TENANT_ID_HEADER, id);
        }
        if let Ok(slug) = HeaderValue::from_str(&self.slug) {
            headers.insert(TENANT_SLUG_HEADER, slug);
        }
        headers.insert(VISITS_OFFSET_HEADER, HeaderValue::from(self.visits_offset));
    }
}

impl<S> FromRequestParts<S> for TenantContext
where
    InternalAuth: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        if !InternalAuth::from_ref(state).verify(&parts.headers) {
            return Err(ApiError::unauthorized());
        }
        let header = |name| parts.headers.get(name).and_then(|v| v.to_str().ok());
        let id = header(TENANT_ID_HEADER)
            .and_then(|v| Uuid::parse_str(v).ok())
            .ok_or_else(|| ApiError::bad_request("no_tenant", "Thiếu thông tin xã."))?;
        let slug = header(TENANT_SLUG_HEADER).unwrap_or_default().to_owned();
        let visits_offset = header(VISITS_OFFSET_HEADER)
            .and_then(|v| v.parse().ok())
            .unwrap_or(0);
        Ok(Self {
            id,
            slug,
            visits_offset,
        })
    }
}

/// Proof that a request came from another service, for internal routes that
/// need no tenant.
pub struct Internal;

impl<S> FromRequestParts<S> for Internal
where
    InternalAuth: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        if InternalAuth::from_ref(state).verify(&parts.headers) {
            Ok(Internal)
        } else {
            Err(ApiError::unauthorized())
        }
    }
}

/// HTTP client for calls to other services: adds the secret and the trace
/// context to every request.
#[derive(Clone)]
pub struct InternalClient {
    http: reqwest::Client,
    auth: InternalAuth,
}

impl InternalClient {
    pub fn new(auth: InternalAuth) -> anyhow::Result<Self> {
        let http = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(2))
            .pool_idle_timeout(Duration::from_secs(60))
            // Redirects are for browsers; the gateway hands them on as they are.
            .redirect(reqwest::redirect::Policy::none())
            .build()?;
        Ok(Self { http, auth })
    }

    /// Starts a request to another service, authenticated and traced.
    pub fn request(&self, method: reqwest::Method, url: &str) -> reqwest::RequestBuilder {
        let mut headers = HeaderMap::new();
        if let Some(token) = self.auth.header_value() {
            headers.insert(TOKEN_HEADER, token);
        }
        congxa_telemetry::inject_context(&mut headers);
        self.http.request(method, url).headers(headers)
    }
}
