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

    /// Reads a name an operator typed or pasted: as [`Self::parse`], and a
    /// pasted address (`https://xaquoctuan.haiphong.gov.vn/`) is taken for
    /// its name. A path beyond the bare `/` is refused: it names a page,
    /// not a site.
    pub fn typed(raw: &str) -> Result<Self, BadDomain> {
        let raw = raw.trim();
        let lower = raw.to_ascii_lowercase();
        let rest = ["https://", "http://"]
            .iter()
            .find(|scheme| lower.starts_with(*scheme))
            .map_or(raw, |scheme| &raw[scheme.len()..]);
        Self::parse(rest.strip_suffix('/').unwrap_or(rest))
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

    mod properties {
        use super::*;
        use proptest::prelude::*;

        /// Labels as they come: ASCII, hyphens, digits, Vietnamese letters,
        /// upper case, punycode, and characters no domain has.
        fn label() -> impl Strategy<Value = String> {
            prop_oneof![
                4 => "[a-z0-9]([a-z0-9-]{0,10}[a-z0-9])?",
                2 => "[A-Za-z0-9-]{1,12}",
                2 => "[a-zà-ỹđĐ]{1,10}",
                1 => "xn--[a-z0-9-]{0,12}",
                1 => "[a-z]{60,70}",
                1 => any::<String>().prop_map(|s| s.chars().take(8).collect()),
                1 => prop::sample::select(vec![
                    String::new(), "-".into(), "_".into(), "*".into(), "[::1]".into(),
                    "127".into(), "%2e".into(), "..".into(), " ".into(), "\u{0}".into(),
                ]),
            ]
        }

        fn host() -> impl Strategy<Value = String> {
            (
                prop::collection::vec(label(), 1..5),
                prop::option::of(prop_oneof![Just(String::new()), "[0-9]{1,6}", "[a-z]{1,3}"]),
                any::<bool>(),
            )
                .prop_map(|(labels, port, dot)| {
                    let mut host = labels.join(".");
                    if dot {
                        host.push('.');
                    }
                    if let Some(port) = port {
                        host.push(':');
                        host.push_str(&port);
                    }
                    host
                })
        }

        #[test]
        fn a_pasted_address_is_taken_for_its_name() {
            let name = DomainName::parse("xaquoctuan.haiphong.gov.vn").unwrap();
            for pasted in [
                "https://xaquoctuan.haiphong.gov.vn/",
                "HTTP://XaQuocTuan.HaiPhong.gov.vn",
                " xaquoctuan.haiphong.gov.vn/ ",
            ] {
                assert_eq!(DomainName::typed(pasted), Ok(name.clone()), "{pasted}");
            }
            for refused in [
                "https://xaquoctuan.haiphong.gov.vn/gioi-thieu",
                "ftp://xaquoctuan.haiphong.gov.vn",
                "https://",
            ] {
                assert!(DomainName::typed(refused).is_err(), "{refused}");
            }
            // A Host header is never read as an address.
            assert!(DomainName::parse("https://xaquoctuan.haiphong.gov.vn/").is_err());
        }

        proptest! {
            #![proptest_config(ProptestConfig { cases: 3_000, ..ProptestConfig::default() })]

            #[test]
            fn any_text_parses_or_is_refused_without_panicking(raw in any::<String>()) {
                let _ = DomainName::parse(&raw);
            }

            #[test]
            fn a_parsed_name_parses_again_to_itself(raw in host()) {
                if let Ok(name) = DomainName::parse(&raw) {
                    prop_assert_eq!(DomainName::parse(name.as_str()), Ok(name.clone()));
                    // Stored names are lowercase ASCII labels within bounds.
                    prop_assert!(name.as_str().len() <= 253);
                    prop_assert!(name.as_str().bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'.'));
                    prop_assert!(name.as_str().split('.').all(|l| !l.is_empty() && l.len() <= 63));
                }
            }

            #[test]
            fn case_a_trailing_dot_and_a_port_name_the_same_domain(
                raw in host().prop_filter("no port or dot of its own", |h| !h.contains(':') && !h.ends_with('.') && h.trim() == h),
                port in 0u32..100_000,
            ) {
                let plain = DomainName::parse(&raw);
                // A letter whose capital lowers to another letter (the final
                // sigma ς capitalises to Σ, which a domain name lowers to σ,
                // letter by letter) names another domain once uppercased:
                // uppercase only where each letter's case round-trips.
                let lower = |s: &str| s.chars().flat_map(char::to_lowercase).collect::<String>();
                let upper = if lower(&raw.to_uppercase()) == lower(&raw) {
                    raw.to_uppercase()
                } else {
                    raw.clone()
                };
                for variant in [
                    upper.clone(),
                    format!("{raw}."),
                    format!("{raw}:{port}"),
                    format!("{upper}.:{port}"),
                    format!(" {raw} "),
                ] {
                    // Uppercasing may change a name that is not a domain
                    // name into one (ß, ǅ…): only readable names compare.
                    if let Ok(name) = &plain {
                        prop_assert_eq!(DomainName::parse(&variant), Ok(name.clone()), "{:?}", variant);
                    }
                }
            }

            #[test]
            fn a_name_under_a_parent_is_within_it(label in "[a-z0-9]{1,10}", parent in host()) {
                if let Ok(parent) = DomainName::parse(&parent)
                    && let Ok(name) = DomainName::parse(&format!("{label}.{parent}"))
                {
                    prop_assert_eq!(name.label_under(&parent), Some(label.as_str()));
                    prop_assert!(name.is_within(&parent));
                    prop_assert!(!parent.is_within(&name));
                }
            }
        }
    }
}
