//! The slug of a commune or region: its name in URLs and in
//! `<slug>.<platform domain>`, so it must be a valid DNS label.

use std::fmt;

use serde::Serialize;

/// Lowercase ASCII letters, digits and inner hyphens, 1 to 63 characters.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct Slug(String);

/// Why a slug was refused, in Vietnamese.
pub const SLUG_RULE: &str =
    "chỉ gồm chữ thường không dấu (a-z), chữ số và dấu gạch ngang ở giữa, tối đa 63 ký tự";

impl Slug {
    pub fn parse(raw: &str) -> Option<Self> {
        let s = raw.trim();
        let ok = (1..=63).contains(&s.len())
            && s.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            && !s.starts_with('-')
            && !s.ends_with('-');
        ok.then(|| Self(s.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Slug {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dns_labels_are_slugs() {
        assert_eq!(Slug::parse("quoctuan").unwrap().as_str(), "quoctuan");
        assert!(Slug::parse("an-hung-2").is_some());
    }

    #[test]
    fn anything_else_is_refused() {
        for bad in [
            "",
            "QuocTuan",
            "quốc-tuấn",
            "-a",
            "a-",
            "a_b",
            "a.b",
            &"a".repeat(64),
        ] {
            assert!(Slug::parse(bad).is_none(), "{bad:?}");
        }
    }
}
