//! The session cookie: HttpOnly (no script reads it), SameSite=Lax (other
//! sites cannot post with it), Secure when the site is served over HTTPS.

use http::HeaderMap;
use http::header::COOKIE;

/// The `Set-Cookie` value that stores a session for `max_age_secs`.
pub fn session(name: &str, token: &str, max_age_secs: i64, secure: bool) -> String {
    let secure = if secure { "; Secure" } else { "" };
    format!("{name}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age_secs}{secure}")
}

/// The `Set-Cookie` value that removes the session cookie.
pub fn clear(name: &str, secure: bool) -> String {
    session(name, "", 0, secure)
}

/// The value of cookie `name` in a request, if any.
pub fn read<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
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
            "s=abc; Path=/; HttpOnly; SameSite=Lax; Max-Age=3600; Secure"
        );
        assert!(!session("s", "abc", 3600, false).contains("Secure"));
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
}
