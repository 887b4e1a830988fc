//! Reading the Host header: which site a request is for.

/// What a Host header names, once normalised.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Site {
    /// The platform domain itself (the operators' side).
    Platform,
    /// `<slug>.<platform domain>`: a commune by its slug.
    Slug(String),
    /// Any other name: possibly a commune's registered domain.
    Domain(String),
}

/// The Host header cannot be read as a domain name.
#[derive(Debug, PartialEq, Eq)]
pub struct BadHost;

/// Normalises a Host header value: the port, a trailing dot and letter case
/// are ignored, and international names become their ASCII (punycode) form.
pub fn normalise(raw: &str) -> Result<String, BadHost> {
    let raw = raw.trim();
    let name = match raw.rsplit_once(':') {
        // An IPv6 literal is never a commune's domain.
        _ if raw.starts_with('[') => return Err(BadHost),
        Some((name, port)) if port.chars().all(|c| c.is_ascii_digit()) => name,
        Some(_) => return Err(BadHost),
        None => raw,
    };
    let name = name.strip_suffix('.').unwrap_or(name);
    if name.is_empty() || name.len() > 253 {
        return Err(BadHost);
    }
    let ascii = idna::domain_to_ascii(name).map_err(|_| BadHost)?;
    let valid_label = |label: &str| {
        !label.is_empty()
            && label.len() <= 63
            && !label.starts_with('-')
            && !label.ends_with('-')
            && label
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-')
    };
    if ascii.is_empty() || !ascii.split('.').all(valid_label) {
        return Err(BadHost);
    }
    Ok(ascii)
}

/// Tells which site a Host header names, given the platform domain
/// (already normalised).
pub fn classify(raw: &str, platform_domain: &str) -> Result<Site, BadHost> {
    let host = normalise(raw)?;
    if host == platform_domain {
        return Ok(Site::Platform);
    }
    if let Some(label) = host
        .strip_suffix(platform_domain)
        .and_then(|rest| rest.strip_suffix('.'))
        && !label.contains('.')
    {
        return Ok(Site::Slug(label.to_owned()));
    }
    Ok(Site::Domain(host))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_subdomain_of_the_platform_names_a_commune_whatever_the_case_and_port() {
        assert_eq!(
            classify("QuocTuan.LocalHost:8080", "localhost"),
            Ok(Site::Slug("quoctuan".into()))
        );
        assert_eq!(
            classify("quoctuan.localhost.", "localhost"),
            Ok(Site::Slug("quoctuan".into()))
        );
    }

    #[test]
    fn other_names_are_looked_up_as_custom_domains() {
        assert_eq!(
            classify("QuocTuan.HaiPhong.gov.vn:443", "congxa.vn"),
            Ok(Site::Domain("quoctuan.haiphong.gov.vn".into()))
        );
        assert_eq!(
            classify("a.b.localhost", "localhost"),
            Ok(Site::Domain("a.b.localhost".into()))
        );
    }

    #[test]
    fn international_names_become_punycode() {
        assert_eq!(
            classify("Quốctuấn.vn", "localhost"),
            Ok(Site::Domain("xn--quctun-td8bxn.vn".into()))
        );
    }

    #[test]
    fn the_platform_domain_itself_is_the_platform() {
        assert_eq!(classify("LOCALHOST:8080", "localhost"), Ok(Site::Platform));
    }

    #[test]
    fn unreadable_hosts_are_refused() {
        for bad in [
            "",
            ":80",
            "a b.vn",
            "quoctuan.localhost:http",
            "-x.vn",
            "[::1]:8080",
            "a..b",
            "x/y",
        ] {
            assert_eq!(classify(bad, "localhost"), Err(BadHost), "{bad:?}");
        }
    }
}
