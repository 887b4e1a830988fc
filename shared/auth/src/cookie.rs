//! The session cookie: HttpOnly (no script reads it), SameSite=Lax (other
//! sites cannot post with it), Secure when the site is served over HTTPS.
//!
//! Over HTTPS every cookie name takes the `__Host-` prefix: browsers then
//! accept the cookie only if it is Secure, for the whole host and without
//! a Domain, so neither a sibling subdomain (another commune) nor a plain
//! http page can plant or overwrite it. The prefix needs Secure, so plain
//! http (the local stack) keeps the bare names.

use std::borrow::Cow;

use http::HeaderMap;
use http::header::COOKIE;

/// What `__Host-` cookies are called by.
const HOST_PREFIX: &str = "__Host-";

/// Whether the client reached the platform over HTTPS, as the gateway says
/// in `X-Forwarded-Proto`: it writes the header itself, from what a trusted
/// proxy said or from the configured public scheme, never from the client.
pub fn over_https(headers: &HeaderMap) -> bool {
    headers
        .get("x-forwarded-proto")
        .is_some_and(|v| v.as_bytes() == b"https")
}

/// The name a cookie goes by on a connection of this kind.
pub fn name(base: &str, secure: bool) -> Cow<'_, str> {
    if secure {
        Cow::Owned(format!("{HOST_PREFIX}{base}"))
    } else {
        Cow::Borrowed(base)
    }
}

/// The `Set-Cookie` value that stores a session for `max_age_secs`.
pub fn session(base: &str, token: &str, max_age_secs: i64, secure: bool) -> String {
    let name = name(base, secure);
    let secure = if secure { "; Secure" } else { "" };
    format!("{name}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age_secs}{secure}")
}

/// The `Set-Cookie` value that removes the session cookie.
pub fn clear(base: &str, secure: bool) -> String {
    session(base, "", 0, secure)
}

/// The value of cookie `base` in a request, under the name that matches the
/// request's scheme: over HTTPS only the `__Host-` one counts, since a bare
/// name could have been set by a plain http page or a sibling host.
pub fn read<'a>(headers: &'a HeaderMap, base: &str) -> Option<&'a str> {
    let wanted = name(base, over_https(headers));
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == wanted)
        .map(|(_, value)| value)
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::HeaderValue;

    #[test]
    fn the_session_cookie_is_locked_down() {
        let value = session("s", "abc", 3600, true);
        assert_eq!(
            value,
            "__Host-s=abc; Path=/; HttpOnly; SameSite=Lax; Max-Age=3600; Secure"
        );
        let plain = session("s", "abc", 3600, false);
        assert_eq!(plain, "s=abc; Path=/; HttpOnly; SameSite=Lax; Max-Age=3600");
    }

    #[test]
    fn a_cookie_is_found_among_others() {
        let mut headers = HeaderMap::new();
        headers.insert(
            COOKIE,
            HeaderValue::from_static("a=1; congxa_console=tok; b=2"),
        );
        assert_eq!(read(&headers, "congxa_console"), Some("tok"));
        assert_eq!(read(&headers, "missing"), None);
    }

    #[test]
    fn over_https_only_the_host_prefixed_name_is_read() {
        let mut headers = HeaderMap::new();
        headers.insert("x-forwarded-proto", HeaderValue::from_static("https"));
        headers.insert(COOKIE, HeaderValue::from_static("congxa_console=planted"));
        assert_eq!(read(&headers, "congxa_console"), None);
        headers.insert(
            COOKIE,
            HeaderValue::from_static("congxa_console=planted; __Host-congxa_console=real"),
        );
        assert_eq!(read(&headers, "congxa_console"), Some("real"));
    }

    #[test]
    fn over_plain_http_the_prefixed_name_is_not_read() {
        let mut headers = HeaderMap::new();
        headers.insert(COOKIE, HeaderValue::from_static("__Host-congxa_console=x"));
        assert_eq!(read(&headers, "congxa_console"), None);
    }
}
