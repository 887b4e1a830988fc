//! Reading the Host header: which site a request is for.

use congxa_tenancy::DomainName;

/// What a Host header names, once normalised.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Site {
    /// The platform domain itself (the operators' side).
    Platform,
    /// `<slug>.<platform domain>`: a commune by its slug.
    Slug(String),
    /// Any other name: possibly a commune's registered domain.
    Domain(DomainName),
}

/// The Host header cannot be read as a domain name.
#[derive(Debug, PartialEq, Eq)]
pub struct BadHost;

/// A parsed Host header: the normalised name, what it names, and the port
/// the client used (kept on redirects).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Host {
    pub name: DomainName,
    pub site: Site,
    pub port: Option<u16>,
}

/// Tells which site a Host header names, given the platform domain.
pub fn classify(raw: &str, platform: &DomainName) -> Result<Host, BadHost> {
    let name = DomainName::parse(raw).map_err(|_| BadHost)?;
    let port = raw
        .rsplit_once(':')
        .and_then(|(_, port)| port.parse::<u16>().ok());
    let site = if &name == platform {
        Site::Platform
    } else if let Some(label) = name.label_under(platform) {
        Site::Slug(label.to_owned())
    } else {
        Site::Domain(name.clone())
    };
    Ok(Host { name, site, port })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site(raw: &str, platform: &str) -> Result<Site, BadHost> {
        classify(raw, &DomainName::parse(platform).unwrap()).map(|h| h.site)
    }

    #[test]
    fn a_subdomain_of_the_platform_names_a_commune_whatever_the_case_and_port() {
        assert_eq!(
            site("QuocTuan.LocalHost:8080", "localhost"),
            Ok(Site::Slug("quoctuan".into()))
        );
        assert_eq!(
            site("quoctuan.localhost.", "localhost"),
            Ok(Site::Slug("quoctuan".into()))
        );
    }

    #[test]
    fn other_names_are_looked_up_as_custom_domains() {
        assert_eq!(
            site("QuocTuan.HaiPhong.gov.vn:443", "congxa.vn"),
            Ok(Site::Domain(
                DomainName::parse("quoctuan.haiphong.gov.vn").unwrap()
            ))
        );
        assert!(matches!(
            site("a.b.localhost", "localhost"),
            Ok(Site::Domain(_))
        ));
    }

    #[test]
    fn the_platform_domain_itself_is_the_platform() {
        assert_eq!(site("LOCALHOST:8080", "localhost"), Ok(Site::Platform));
    }

    #[test]
    fn the_port_is_kept_for_redirects() {
        let platform = DomainName::parse("localhost").unwrap();
        assert_eq!(
            classify("a.localhost:8080", &platform).unwrap().port,
            Some(8080)
        );
        assert_eq!(classify("a.localhost", &platform).unwrap().port, None);
    }

    #[test]
    fn unreadable_hosts_are_refused() {
        for bad in [
            "",
            ":80",
            "a b.vn",
            "quoctuan.localhost:http",
            "[::1]:8080",
            "a..b",
        ] {
            assert_eq!(site(bad, "localhost"), Err(BadHost), "{bad:?}");
        }
    }
}
