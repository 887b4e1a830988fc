//! How often one client may knock: sign-in forms (the board's, the
//! console's, password resets) and the public forms are limited per client
//! address, so that one client's flood meets a Vietnamese 429 page with
//! `Retry-After` instead of the database and the password hasher, and
//! everyone else's requests go on as before.
//!
//! The counts are kept in memory, per replica (a GCRA bucket per address:
//! `governor`); they only need to make a flood expensive, not be exact.

use std::net::{IpAddr, Ipv6Addr, SocketAddr};
use std::num::NonZeroU32;
use std::sync::Arc;

use axum::extract::{ConnectInfo, MatchedPath, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::Response;
use congxa_web::internal::InternalAuth;
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

/// Addresses remembered before the ones whose buckets are full again are
/// forgotten: memory stays bounded whatever a flood's spread.
const FORGET_AFTER: usize = 10_000;

/// What is limited, for the refusal's wording.
#[derive(Debug, Clone, Copy)]
pub enum Kind {
    /// Signing in, asking for or using a password reset link.
    SignIn,
    /// Questions, comments on drafts, ratings.
    PublicForm,
}

/// One limit per client address, shared by the routes it guards.
#[derive(Clone)]
pub struct Throttle {
    limiter: Arc<DefaultKeyedRateLimiter<IpAddr>>,
    auth: InternalAuth,
    kind: Kind,
}

impl Throttle {
    /// `per_minute` requests a minute for each client, all at once if it
    /// likes (the bucket holds a minute's worth).
    pub fn new(kind: Kind, per_minute: u32, auth: InternalAuth) -> Self {
        let per_minute = NonZeroU32::new(per_minute).unwrap_or(NonZeroU32::MIN);
        Self {
            limiter: Arc::new(RateLimiter::keyed(Quota::per_minute(per_minute))),
            auth,
            kind,
        }
    }

    /// Takes one request of `client` from its allowance, or says how long
    /// until the next one is allowed.
    fn admit(&self, client: IpAddr) -> Result<(), std::time::Duration> {
        if self.limiter.len() > FORGET_AFTER {
            self.limiter.retain_recent();
        }
        self.limiter
            .check_key(&client)
            .map_err(|not_until| not_until.wait_time_from(DefaultClock::default().now()))
    }
}

/// The client a request is from: the address the gateway resolved (behind
/// its trusted proxies) when the request carries the gateway's secret, the
/// connection's peer otherwise; as its [`network`].
pub fn client_address(
    headers: &HeaderMap,
    peer: Option<SocketAddr>,
    auth: &InternalAuth,
) -> Option<IpAddr> {
    let forwarded = auth
        .verify(headers)
        .then(|| headers.get("x-forwarded-for"))
        .flatten()
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<IpAddr>().ok());
    forwarded.or_else(|| peer.map(|p| p.ip())).map(network)
}

/// What one client is known by: an IPv4 address whole, an IPv6 address by
/// its /64, which one household or server usually has whole.
pub fn network(address: IpAddr) -> IpAddr {
    match address {
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => {
                let mut segments = v6.segments();
                segments[4..].fill(0);
                IpAddr::V6(Ipv6Addr::from(segments))
            }
        },
        v4 => v4,
    }
}

/// The forms a router limits: posts to these routes, named as the router
/// matched them (with the prefix it is nested under, as `MatchedPath` has
/// it), take from their client's allowance; everything else passes.
#[derive(Clone)]
pub struct Guarded {
    pub throttle: Throttle,
    pub routes: &'static [&'static str],
}

/// Middleware of a whole router: limits the posts [`Guarded`] names.
pub async fn limit_routes(
    State(guarded): State<Guarded>,
    request: Request,
    next: Next,
) -> Response {
    let limited = request.method() == axum::http::Method::POST
        && request
            .extensions()
            .get::<MatchedPath>()
            .is_some_and(|matched| guarded.routes.contains(&matched.as_str()));
    if limited {
        limit(State(guarded.throttle), request, next).await
    } else {
        next.run(request).await
    }
}

/// Middleware of the limited routes: a request over its client's allowance
/// is answered 429 before anything else is done for it.
pub async fn limit(State(throttle): State<Throttle>, request: Request, next: Next) -> Response {
    let peer = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(addr)| *addr);
    // Without any address (a router driven without a socket) all such
    // requests share one allowance, which errs on the safe side.
    let client = client_address(request.headers(), peer, &throttle.auth)
        .unwrap_or(IpAddr::V4(std::net::Ipv4Addr::UNSPECIFIED));
    match throttle.admit(client) {
        Ok(()) => next.run(request).await,
        Err(wait) => {
            // The form is read to its end (it is small: the body limit
            // holds): answering with bytes unsent could reset the
            // connection, and the gateway would show its own error instead.
            let _ = axum::body::to_bytes(request.into_body(), 64 * 1024).await;
            refusal(throttle.kind, wait)
        }
    }
}

/// The 429 page, in the same plain style as the workspace's and console's
/// other refusals, with `Retry-After` in whole seconds.
fn refusal(kind: Kind, wait: std::time::Duration) -> Response {
    let seconds = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
    let seconds = seconds.max(1);
    let (title, what) = match kind {
        Kind::SignIn => (
            "Quá nhiều lần đăng nhập",
            "Có quá nhiều lần đăng nhập hoặc đặt lại mật khẩu từ địa chỉ mạng của bạn trong thời gian ngắn.",
        ),
        Kind::PublicForm => (
            "Gửi quá nhiều lần",
            "Có quá nhiều biểu mẫu được gửi từ địa chỉ mạng của bạn trong thời gian ngắn.",
        ),
    };
    let message = format!(
        "{what} Vui lòng đợi {} giây rồi thử lại.",
        congxa_locale::number::grouped(seconds)
    );
    let mut response = congxa_web::notice_page(StatusCode::TOO_MANY_REQUESTS, title, &message);
    if let Ok(value) = HeaderValue::from_str(&seconds.to_string()) {
        response.headers_mut().insert(header::RETRY_AFTER, value);
    }
    response
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    const SECRET: &str = "internal-secret-for-tests";

    fn auth() -> InternalAuth {
        InternalAuth::new(SECRET).unwrap()
    }

    #[test]
    fn a_client_over_its_allowance_waits_and_another_does_not() {
        let throttle = Throttle::new(Kind::SignIn, 3, auth());
        let one = IpAddr::from([203, 0, 113, 7]);
        let other = IpAddr::from([198, 51, 100, 2]);
        for _ in 0..3 {
            assert!(throttle.admit(one).is_ok());
        }
        let wait = throttle.admit(one).expect_err("the fourth in a minute");
        assert!(wait.as_secs() <= 20, "{wait:?}");
        assert!(throttle.admit(other).is_ok());
    }

    #[test]
    fn the_gateways_address_counts_only_with_its_secret() {
        let auth = auth();
        let peer = Some(SocketAddr::from(([127, 0, 0, 1], 5000)));
        let mut headers = HeaderMap::new();
        headers.insert("x-forwarded-for", HeaderValue::from_static("203.0.113.7"));
        assert_eq!(
            client_address(&headers, peer, &auth),
            Some(IpAddr::from([127, 0, 0, 1]))
        );
        let mut signed = headers.clone();
        auth.sign_forwarded(&mut signed);
        assert_eq!(
            client_address(&signed, peer, &auth),
            Some(IpAddr::from([203, 0, 113, 7]))
        );
    }

    #[test]
    fn an_ipv6_client_is_known_by_its_64() {
        let auth = auth();
        let a = SocketAddr::new("2001:db8:1:2:aaaa::1".parse().unwrap(), 1);
        let b = SocketAddr::new("2001:db8:1:2:bbbb::9".parse().unwrap(), 1);
        let headers = HeaderMap::new();
        assert_eq!(
            client_address(&headers, Some(a), &auth),
            client_address(&headers, Some(b), &auth)
        );
    }

    #[test]
    fn the_refusal_says_when_to_come_back() {
        let response = refusal(Kind::PublicForm, std::time::Duration::from_millis(5_200));
        assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(
            response.headers().get(header::RETRY_AFTER),
            Some(&HeaderValue::from_static("6"))
        );
    }
}
