//! The request's path as every later step reads it. A path is checked here,
//! once, before the gateway chooses a service or builds the service's URL:
//! dot segments in any spelling, backslashes, encoded slashes, empty inner
//! segments and control characters are refused, so that no later reader
//! (the HTTP client's URL parser, a service's router, a file name decoder)
//! can resolve a path to a place the gateway did not choose.

use percent_encoding::percent_decode_str;

/// Why a path is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refused {
    /// Not an absolute path (`*`, an empty path).
    NotAbsolute,
    /// `.` or `..`, written plainly or percent-encoded in any case.
    DotSegment,
    /// `\`, which some readers take for `/`, or `/` and `\` percent-encoded,
    /// which a reader that decodes first would split on.
    Separator,
    /// `//` inside a path: an empty segment that URL parsers and routers
    /// read differently.
    EmptySegment,
    /// A control character or NUL, plainly or percent-encoded.
    Control,
    /// Bytes that are not UTF-8 once decoded (`%c0%ae`, an overlong dot):
    /// no address of the platform has them.
    NotText,
}

/// A path that passed [`check`], as the client sent it (still
/// percent-encoded, without the query).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CheckedPath<'a>(&'a str);

impl<'a> CheckedPath<'a> {
    pub fn as_str(&self) -> &'a str {
        self.0
    }
}

/// The board's workspace: never cached, and its forms may be long.
pub const WORKSPACE: &str = "/quan-tri";
/// Where content serves the operators' console: never cached.
pub const CONSOLE: &str = "/_console";

/// Whether `path` is `prefix` itself or lies under it.
pub fn is_under(path: &str, prefix: &str) -> bool {
    path.strip_prefix(prefix)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
}

/// Checks a request's path (the part before `?`).
pub fn check(path: &str) -> Result<CheckedPath<'_>, Refused> {
    let Some(rest) = path.strip_prefix('/') else {
        return Err(Refused::NotAbsolute);
    };
    let segments: Vec<&str> = rest.split('/').collect();
    let last = segments.len() - 1;
    for (index, segment) in segments.iter().enumerate() {
        // Only the last segment may be empty: "/" and "/tin-tuc/".
        if segment.is_empty() && index != last {
            return Err(Refused::EmptySegment);
        }
        check_segment(segment)?;
    }
    Ok(CheckedPath(path))
}

fn check_segment(raw: &str) -> Result<(), Refused> {
    if raw.contains('\\') {
        return Err(Refused::Separator);
    }
    let decoded: Vec<u8> = percent_decode_str(raw).collect();
    if decoded.iter().any(|b| b.is_ascii_control()) {
        return Err(Refused::Control);
    }
    if std::str::from_utf8(&decoded).is_err() {
        return Err(Refused::NotText);
    }
    if decoded.iter().any(|b| matches!(b, b'/' | b'\\')) {
        return Err(Refused::Separator);
    }
    if decoded == b"." || decoded == b".." {
        return Err(Refused::DotSegment);
    }
    // A segment encoded twice ("%252e%252e") is still a dot segment to a
    // reader that decodes twice; no page of the platform has one.
    let twice: Vec<u8> = percent_decode_str(&String::from_utf8_lossy(&decoded)).collect();
    if twice == b"." || twice == b".." || twice.iter().any(|b| matches!(b, b'/' | b'\\')) {
        return Err(Refused::DotSegment);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn ordinary_paths_pass_as_they_are() {
        for path in [
            "/",
            "/tin-tuc",
            "/tin-tuc/",
            "/tin-tuc/le-hoi-2026",
            "/tep/0b5c/bao-cao%20n%C4%83m.pdf",
            "/tep/0b5c/r/w640.webp",
            "/api/thong-ke",
            "/.well-known/security.txt",
            "/a..b/c.d",
        ] {
            assert_eq!(check(path).map(|p| p.as_str()), Ok(path), "{path}");
        }
    }

    #[test]
    fn dot_segments_are_refused_in_every_spelling() {
        for path in [
            "/api/thong-ke/../../internal/salt/2026-12-07",
            "/api/thong-ke/%2e%2e/%2e%2e/internal/counter",
            "/api/thong-ke/%2E%2E/internal/views",
            "/api/thong-ke/.%2e/internal",
            "/api/thong-ke/%2e./internal",
            "/./internal",
            "/%2e/internal",
            "/..",
            "/a/%252e%252e/internal",
            "/a/%252E./internal",
        ] {
            assert_eq!(check(path), Err(Refused::DotSegment), "{path}");
        }
    }

    #[test]
    fn separators_that_are_not_slashes_are_refused() {
        for path in [
            "/api/thong-ke\\..\\internal",
            "/api/thong-ke/..%5cinternal",
            "/api/thong-ke/..%5Cinternal",
            "/api/thong-ke/%2f..%2finternal",
            "/tep/%2F/x",
            "/a/%252f/b",
        ] {
            assert!(
                matches!(check(path), Err(Refused::Separator | Refused::DotSegment)),
                "{path}"
            );
        }
    }

    #[test]
    fn empty_inner_segments_controls_and_relative_paths_are_refused() {
        assert_eq!(check("//internal/salt"), Err(Refused::EmptySegment));
        assert_eq!(check("/api//thong-ke"), Err(Refused::EmptySegment));
        assert_eq!(check("/a%00b"), Err(Refused::Control));
        assert_eq!(check("/a%0d%0aSet-Cookie"), Err(Refused::Control));
        assert_eq!(check("*"), Err(Refused::NotAbsolute));
        assert_eq!(check("/%c0%ae%c0%ae/internal"), Err(Refused::NotText));
        assert_eq!(check("/tep/%ff.pdf"), Err(Refused::NotText));
        assert!(check("/tep/1/b%C3%A1o-c%C3%A1o.pdf").is_ok());
        assert_eq!(check(""), Err(Refused::NotAbsolute));
    }

    /// What a URL parser makes of a path under a service's base: the
    /// reader the gateway's HTTP client uses.
    fn resolved(path: &str) -> String {
        url::Url::parse(&format!("http://service{path}"))
            .map(|u| u.path().to_owned())
            .unwrap_or_default()
    }

    proptest! {
        /// Whatever a client sends, a path that passes is read by a URL
        /// parser as exactly itself: nothing is resolved away.
        #[test]
        fn a_path_that_passes_is_never_resolved_elsewhere(
            segments in proptest::collection::vec(
                prop_oneof![
                    Just(".".to_owned()), Just("..".to_owned()),
                    Just("%2e".to_owned()), Just("%2E%2e".to_owned()),
                    Just(".%2e".to_owned()), Just("%5c".to_owned()),
                    Just("\\".to_owned()), Just("%2f".to_owned()),
                    Just(String::new()), Just("internal".to_owned()),
                    "[a-z0-9%.-]{0,8}",
                ],
                0..6,
            )
        ) {
            let path = format!("/{}", segments.join("/"));
            if let Ok(checked) = check(&path) {
                let kept = resolved(checked.as_str());
                prop_assert_eq!(&kept, &path);
            }
        }

        /// A checked path never decodes to one that climbs.
        #[test]
        fn a_path_that_passes_has_no_dot_segment_once_decoded(path in "/[a-z%2eE5cCfF/.\\\\]{0,24}") {
            if let Ok(checked) = check(&path) {
                let decoded = percent_decode_str(checked.as_str()).decode_utf8_lossy().into_owned();
                prop_assert!(!decoded.split('/').any(|s| s == "." || s == ".."));
                prop_assert!(!decoded.contains('\\'));
            }
        }
    }
}
