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

    mod properties {
        use super::*;
        use proptest::prelude::*;

        fn header() -> impl Strategy<Value = String> {
            prop_oneof![
                3 => "[a-zA-Z0-9.-]{0,30}(:[0-9]{0,6})?",
                2 => "(quoctuan|anhung|a-b|xn--quctun-td8bxn|QuocTuan)\\.(localhost|LOCALHOST|haiphong\\.gov\\.vn)\\.?(:[0-9]{1,5})?",
                1 => "\\[[0-9a-f:]{0,20}\\](:[0-9]{1,5})?",
                1 => "[0-9]{1,3}\\.[0-9]{1,3}\\.[0-9]{1,3}\\.[0-9]{1,3}(:[0-9]{1,5})?",
                1 => any::<String>(),
            ]
        }

        proptest! {
            #![proptest_config(ProptestConfig { cases: 3_000, ..ProptestConfig::default() })]

            #[test]
            fn any_host_header_is_read_or_refused_without_panicking(raw in header()) {
                let platform = DomainName::parse("localhost").unwrap();
                let _ = classify(&raw, &platform);
            }

            #[test]
            fn case_a_trailing_dot_and_the_port_never_change_the_site(
                slug in "[a-z0-9]([a-z0-9-]{0,14}[a-z0-9])?",
                parent in prop::sample::select(vec!["localhost", "congxa.vn", "haiphong.gov.vn"]),
                port in 1u16..,
                upper in any::<bool>(),
                dot in any::<bool>(),
            ) {
                let platform = DomainName::parse("localhost").unwrap();
                let plain = format!("{slug}.{parent}");
                let expected = classify(&plain, &platform).unwrap();
                let mut variant = if upper { plain.to_uppercase() } else { plain.clone() };
                if dot {
                    variant.push('.');
                }
                let with_port = classify(&format!("{variant}:{port}"), &platform).unwrap();
                prop_assert_eq!(&with_port.site, &expected.site);
                prop_assert_eq!(&with_port.name, &expected.name);
                prop_assert_eq!(with_port.port, Some(port));
                let without = classify(&variant, &platform).unwrap();
                prop_assert_eq!(without.site, expected.site);
                prop_assert_eq!(without.port, None);
            }

            #[test]
            fn a_commune_is_named_only_by_one_label_directly_under_the_platform(raw in header()) {
                let platform = DomainName::parse("localhost").unwrap();
                if let Ok(host) = classify(&raw, &platform) {
                    match &host.site {
                        Site::Platform => prop_assert_eq!(&host.name, &platform),
                        Site::Slug(slug) => {
                            prop_assert!(!slug.is_empty() && !slug.contains('.'));
                            prop_assert_eq!(host.name.as_str(), format!("{slug}.localhost"));
                        }
                        Site::Domain(name) => {
                            prop_assert_eq!(name, &host.name);
                            prop_assert!(name.label_under(&platform).is_none() && name != &platform);
                        }
                    }
                }
            }
        }
    }
}
