//! Calls between services: the shared-secret authentication, the tenant
//! context the gateway hands on, and the HTTP client that carries both along
//! with the trace context.

use std::sync::Arc;
use std::time::Duration;

use axum::extract::{FromRef, FromRequestParts};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue};
use hmac::{Hmac, Mac};
use sha2::Sha256;
use subtle::ConstantTimeEq;
use uuid::Uuid;

use crate::ApiError;

/// Every header the platform uses between its services starts with this.
/// The gateway removes all of them from outside requests, so nobody outside
/// can pose as a tenant or as a service.
pub const INTERNAL_PREFIX: &str = "x-congxa-";
/// Carries the proof of a call from one service to another (the internal
/// routes: counting views, the day's salt, the exact counter).
pub const TOKEN_HEADER: &str = "x-congxa-internal-token";
/// Carries the proof that the gateway forwarded a client's request. It is a
/// different secret from [`TOKEN_HEADER`]'s: whatever path a client manages
/// to send through the gateway, the request arrives with this one only, and
/// internal routes refuse it.
pub const FORWARDED_TOKEN_HEADER: &str = "x-congxa-forwarded-token";
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

/// The secrets that prove a request comes from the platform's own services.
/// Both are derived from the one configured secret, under different labels,
/// so that a forwarded client request can never carry the service proof.
#[derive(Clone)]
pub struct InternalAuth {
    /// A service calling another's internal routes.
    service: Arc<str>,
    /// The gateway forwarding a client's request.
    forwarded: Arc<str>,
}

impl InternalAuth {
    pub fn new(token: &str) -> anyhow::Result<Self> {
        anyhow::ensure!(
            token.len() >= 16,
            "CONGXA_INTERNAL_TOKEN must be set to a secret of at least 16 characters"
        );
        Ok(Self {
            service: Arc::from(derive(token, "congxa service call")),
            forwarded: Arc::from(derive(token, "congxa forwarded request")),
        })
    }

    /// Whether the headers carry the proof of a call between services
    /// (compared in constant time). Internal routes ask for this one.
    pub fn verify_service(&self, headers: &HeaderMap) -> bool {
        carries(headers, TOKEN_HEADER, &self.service)
    }

    /// Marks `headers` as a request the gateway forwards for a client.
    pub fn sign_forwarded(&self, headers: &mut HeaderMap) {
        if let Ok(value) = HeaderValue::from_str(&self.forwarded) {
            headers.insert(FORWARDED_TOKEN_HEADER, value);
        }
    }

    /// Whether the request comes from the platform: forwarded by the gateway
    /// for a client, or a call between services. What public routes of a
    /// service behind the gateway ask for.
    pub fn verify(&self, headers: &HeaderMap) -> bool {
        self.verify_service(headers) || carries(headers, FORWARDED_TOKEN_HEADER, &self.forwarded)
    }
}

fn derive(token: &str, label: &str) -> String {
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(token.as_bytes())
        .unwrap_or_else(|_| unreachable!("HMAC takes a key of any length"));
    mac.update(label.as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

fn carries(headers: &HeaderMap, name: &str, secret: &str) -> bool {
    headers
        .get(name)
        .is_some_and(|v| v.as_bytes().ct_eq(secret.as_bytes()).into())
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
        if InternalAuth::from_ref(state).verify_service(&parts.headers) {
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

    /// Starts a call to another service's internal routes, authenticated
    /// and traced.
    pub fn request(&self, method: reqwest::Method, url: &str) -> reqwest::RequestBuilder {
        self.with_proof(method, url, TOKEN_HEADER, &self.auth.service)
    }

    /// Starts the gateway's forwarding of a client's request: it proves the
    /// request came through the gateway, and nothing more.
    pub fn forward(&self, method: reqwest::Method, url: &str) -> reqwest::RequestBuilder {
        let mut headers = HeaderMap::new();
        self.auth.sign_forwarded(&mut headers);
        congxa_telemetry::inject_context(&mut headers);
        self.http.request(method, url).headers(headers)
    }

    fn with_proof(
        &self,
        method: reqwest::Method,
        url: &str,
        header: &'static str,
        secret: &str,
    ) -> reqwest::RequestBuilder {
        let mut headers = HeaderMap::new();
        if let Ok(value) = HeaderValue::from_str(secret) {
            headers.insert(header, value);
        }
        congxa_telemetry::inject_context(&mut headers);
        self.http.request(method, url).headers(headers)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with(name: &'static str, value: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(name, HeaderValue::from_str(value).unwrap());
        headers
    }

    #[test]
    fn a_forwarded_request_never_proves_a_service_call() {
        let auth = InternalAuth::new("a secret of the platform").unwrap();
        let forwarded = with(FORWARDED_TOKEN_HEADER, &auth.forwarded);
        let service = with(TOKEN_HEADER, &auth.service);
        assert!(auth.verify(&forwarded));
        assert!(!auth.verify_service(&forwarded));
        assert!(auth.verify(&service));
        assert!(auth.verify_service(&service));
        // The forwarded secret under the service's header proves nothing.
        assert!(!auth.verify_service(&with(TOKEN_HEADER, &auth.forwarded)));
        // Nor does the configured secret itself.
        assert!(!auth.verify(&with(TOKEN_HEADER, "a secret of the platform")));
        assert_ne!(auth.service, auth.forwarded);
    }
}
