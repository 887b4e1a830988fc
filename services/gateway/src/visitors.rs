//! Who viewed a page, as far as counting needs: the device class (robots
//! apart), the site a visitor came from, and the address the visitor hash
//! is made of. Nothing here is kept.

use std::net::{IpAddr, SocketAddr};
use std::sync::LazyLock;

use axum::http::HeaderMap;
use congxa_web::views::Device;
use sha2::{Digest, Sha256};
use uuid::Uuid;

/// The maintained list of robots' user agents (the isbot patterns).
static BOTS: LazyLock<isbot::Bots> = LazyLock::new(isbot::Bots::default);

/// The device class of a user agent. No user agent at all is a robot: every
/// browser sends one.
pub fn device(user_agent: &str) -> Device {
    if user_agent.trim().is_empty() || BOTS.is_bot(user_agent) {
        return Device::Bot;
    }
    // As browsers announce themselves: tablets say iPad or are Android
    // without "Mobile"; phones say Mobile (or Mobi).
    let tablet = user_agent.contains("iPad")
        || user_agent.contains("Tablet")
        || (user_agent.contains("Android") && !user_agent.contains("Mobile"));
    if tablet {
        Device::Tablet
    } else if user_agent.contains("Mobi") || user_agent.contains("iPhone") {
        Device::Mobile
    } else {
        Device::Desktop
    }
}

/// The host of the page a visitor followed a link from, when it is another
/// site: "www." dropped, lower case. Links within the page's own site are
/// no referrer (its other names redirect here, and are no page views).
pub fn referrer(referer: Option<&str>, own_host: &str) -> Option<String> {
    let url = reqwest::Url::parse(referer?).ok()?;
    if !matches!(url.scheme(), "http" | "https") {
        return None;
    }
    let host = url.host_str()?.to_ascii_lowercase();
    let host = host.strip_prefix("www.").unwrap_or(&host).to_owned();
    let own = own_host
        .split(':')
        .next()
        .unwrap_or(own_host)
        .to_ascii_lowercase();
    let own = own.strip_prefix("www.").unwrap_or(&own);
    (host != own && !host.is_empty() && host.len() <= 253).then_some(host)
}

/// The visitor's address: the connection's, or, behind `hops` trusted
/// proxies, the one the outermost of them saw (X-Forwarded-For, counted
/// from the right: what a visitor writes there themselves is ignored).
pub fn address(headers: &HeaderMap, peer: Option<SocketAddr>, hops: usize) -> Option<IpAddr> {
    if hops == 0 {
        return peer.map(|p| p.ip());
    }
    let forwarded: Vec<&str> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .collect();
    forwarded
        .len()
        .checked_sub(hops)
        .and_then(|i| forwarded.get(i))
        .and_then(|a| a.parse().ok())
        .or_else(|| peer.map(|p| p.ip()))
}

/// The visitor hash: the day's salt, the commune, the address and the user
/// agent. Without the salt, which is forgotten after its day, it leads back
/// to no one.
pub fn hash(salt: &str, tenant: Uuid, address: Option<IpAddr>, user_agent: &str) -> String {
    let mut digest = Sha256::new();
    digest.update(salt.as_bytes());
    digest.update(tenant.as_bytes());
    digest.update(
        address
            .map(|a| a.to_string())
            .unwrap_or_default()
            .as_bytes(),
    );
    digest.update([0]);
    digest.update(user_agent.as_bytes());
    hex::encode(digest.finalize())
}

#[cfg(test)]
mod tests {
    use super::*;

    const CHROME_WINDOWS: &str = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";
    const SAFARI_IPHONE: &str = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1";
    const ZALO_ANDROID: &str = "Mozilla/5.0 (Linux; Android 13; SM-A145F) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Mobile Safari/537.36 Zalo android/12100";
    const SAMSUNG_TAB: &str = "Mozilla/5.0 (Linux; Android 12; SM-X200) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36";
    const IPAD: &str = "Mozilla/5.0 (iPad; CPU OS 16_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/16.6 Mobile/15E148 Safari/604.1";

    #[test]
    fn devices_are_told_apart_and_robots_set_aside() {
        assert_eq!(device(CHROME_WINDOWS), Device::Desktop);
        assert_eq!(device(SAFARI_IPHONE), Device::Mobile);
        assert_eq!(device(ZALO_ANDROID), Device::Mobile);
        assert_eq!(device(SAMSUNG_TAB), Device::Tablet);
        assert_eq!(device(IPAD), Device::Tablet);
        for robot in [
            "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
            "Mozilla/5.0 (compatible; coccocbot-web/1.0; +http://help.coccoc.com/searchengine)",
            "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
            "curl/8.5.0",
            "python-requests/2.31.0",
            "",
        ] {
            assert_eq!(device(robot), Device::Bot, "{robot}");
        }
    }

    #[test]
    fn a_referrer_is_another_sites_host() {
        let own = "quoctuan.haiphong.gov.vn";
        assert_eq!(
            referrer(Some("https://www.facebook.com/ubnd.quoctuan/posts/1"), own),
            Some("facebook.com".to_owned())
        );
        assert_eq!(
            referrer(Some("https://zalo.me/g/abc"), own),
            Some("zalo.me".to_owned())
        );
        assert_eq!(
            referrer(Some("https://quoctuan.haiphong.gov.vn/tin-tuc"), own),
            None
        );
        assert_eq!(
            referrer(
                Some("http://quoctuan.localhost:8080/"),
                "quoctuan.localhost:8080"
            ),
            None
        );
        assert_eq!(
            referrer(Some("android-app://com.google.android.gm/"), own),
            None
        );
        assert_eq!(referrer(Some("not a url"), own), None);
        assert_eq!(referrer(None, own), None);
    }

    #[test]
    fn behind_proxies_the_address_is_counted_from_the_right() {
        let peer: SocketAddr = "10.0.0.9:40000".parse().unwrap();
        let mut headers = HeaderMap::new();
        // The visitor claims 1.2.3.4; the ingress appended the real address.
        headers.insert("x-forwarded-for", "1.2.3.4, 203.113.1.7".parse().unwrap());
        assert_eq!(address(&headers, Some(peer), 0), Some(peer.ip()));
        assert_eq!(address(&headers, Some(peer), 1), "203.113.1.7".parse().ok());
        assert_eq!(address(&HeaderMap::new(), Some(peer), 1), Some(peer.ip()));
    }

    #[test]
    fn the_hash_changes_with_the_salt_the_commune_and_the_person() {
        let tenant = Uuid::nil();
        let ip = "203.113.1.7".parse().ok();
        let one = hash("salt-a", tenant, ip, CHROME_WINDOWS);
        assert_eq!(one.len(), 64);
        assert_eq!(one, hash("salt-a", tenant, ip, CHROME_WINDOWS));
        assert_ne!(one, hash("salt-b", tenant, ip, CHROME_WINDOWS));
        assert_ne!(one, hash("salt-a", Uuid::max(), ip, CHROME_WINDOWS));
        assert_ne!(one, hash("salt-a", tenant, ip, SAFARI_IPHONE));
        assert_ne!(
            one,
            hash("salt-a", tenant, "203.113.1.8".parse().ok(), CHROME_WINDOWS)
        );
        assert!(!one.contains("203"));
    }
}
