//! Domain names: read from Host headers and from operators, normalised the
//! same way everywhere (port, trailing dot and case ignored; international
//! names as punycode), so one name is one row.

use std::fmt;

use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct DomainName(String);

/// The value cannot be read as a domain name.
#[derive(Debug, PartialEq, Eq)]
pub struct BadDomain;

impl DomainName {
    /// Reads a Host header value or a name an operator typed.
    pub fn parse(raw: &str) -> Result<Self, BadDomain> {
        let raw = raw.trim();
        let name = match raw.rsplit_once(':') {
            // An IPv6 literal is never a commune's domain.
            _ if raw.starts_with('[') => return Err(BadDomain),
            Some((name, port)) if !port.is_empty() && port.chars().all(|c| c.is_ascii_digit()) => {
                name
            }
            Some(_) => return Err(BadDomain),
            None => raw,
        };
        let name = name.strip_suffix('.').unwrap_or(name);
        if name.is_empty() || name.len() > 253 {
            return Err(BadDomain);
        }
        let ascii = idna::domain_to_ascii(name).map_err(|_| BadDomain)?;
        let valid_label = |label: &str| {
            !label.is_empty()
                && label.len() <= 63
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-')
        };
        if ascii.is_empty() || ascii.len() > 253 || !ascii.split('.').all(valid_label) {
            return Err(BadDomain);
        }
        Ok(Self(ascii))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The single label before `.<parent>`, if this name is directly under it
    /// (`quoctuan` for `quoctuan.localhost` under `localhost`).
    pub fn label_under(&self, parent: &DomainName) -> Option<&str> {
        self.0
            .strip_suffix(parent.as_str())
            .and_then(|rest| rest.strip_suffix('.'))
            .filter(|label| !label.contains('.'))
    }

    /// Whether this name is `parent` or lies anywhere under it.
    pub fn is_within(&self, parent: &DomainName) -> bool {
        self == parent
            || self
                .0
                .strip_suffix(parent.as_str())
                .is_some_and(|rest| rest.ends_with('.'))
    }

    /// A name in a Vietnamese top-level domain, as state sites must use
    /// (Decree 224/2026 Art. 11.4).
    pub fn is_vn(&self) -> bool {
        self.0.ends_with(".vn") && self.0.contains('.')
    }
}

/// Every commune's own address under the platform: `<slug>.<platform domain>`.
pub fn automatic_host(slug: &str, platform: impl fmt::Display) -> String {
    format!("{slug}.{platform}")
}

/// The name a commune is reached at: its primary domain, or else its
/// automatic address. Every other name redirects here, and links the
/// platform sends (e-mails) use it.
pub fn canonical_host(slug: &str, primary: Option<&str>, platform: impl fmt::Display) -> String {
    primary.map_or_else(|| automatic_host(slug, platform), str::to_owned)
}

impl fmt::Display for DomainName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(raw: &str) -> Result<String, BadDomain> {
        DomainName::parse(raw).map(|d| d.0)
    }

    #[test]
    fn case_port_and_trailing_dot_are_ignored() {
        assert_eq!(
            parse("QuocTuan.HaiPhong.gov.vn:443").unwrap(),
            "quoctuan.haiphong.gov.vn"
        );
        assert_eq!(
            parse("quoctuan.haiphong.gov.vn.").unwrap(),
            "quoctuan.haiphong.gov.vn"
        );
    }

    #[test]
    fn international_names_become_punycode() {
        assert_eq!(parse("Quốctuấn.vn").unwrap(), "xn--quctun-td8bxn.vn");
    }

    #[test]
    fn unreadable_names_are_refused() {
        for bad in [
            "",
            ":80",
            "a b.vn",
            "x.vn:http",
            "x.vn:",
            "-x.vn",
            "[::1]:8080",
            "a..b",
            "x/y",
            "a_b.vn",
        ] {
            assert_eq!(parse(bad), Err(BadDomain), "{bad:?}");
        }
    }

    #[test]
    fn labels_under_a_parent_are_found() {
        let platform = DomainName::parse("localhost").unwrap();
        let name = DomainName::parse("quoctuan.localhost").unwrap();
        let deeper = DomainName::parse("a.b.localhost").unwrap();
        assert_eq!(name.label_under(&platform), Some("quoctuan"));
        assert_eq!(deeper.label_under(&platform), None);
        assert!(deeper.is_within(&platform));
        assert!(
            !DomainName::parse("notlocalhost")
                .unwrap()
                .is_within(&platform)
        );
    }
}
