//! Byte ranges of a file (RFC 9110 §14): video seeking and resumed
//! downloads ask for part of a file. One range is served; a request for
//! several gets the whole file, which the RFC allows.

use axum::http::{HeaderMap, header};

/// What a request asks of a file of `size` bytes.
#[derive(Debug, PartialEq, Eq)]
pub enum Wanted {
    /// The whole file.
    All,
    /// Bytes `start..=end`.
    Part { start: u64, end: u64 },
    /// A range that lies outside the file: 416.
    Unsatisfiable,
}

/// Reads `Range` (and `If-Range`, against the file's ETag) for a file of
/// `size` bytes.
pub fn wanted(headers: &HeaderMap, size: u64, etag: &str) -> Wanted {
    let Some(range) = headers.get(header::RANGE).and_then(|v| v.to_str().ok()) else {
        return Wanted::All;
    };
    // A range of another version of the file is no use: send it all.
    if let Some(if_range) = headers.get(header::IF_RANGE)
        && if_range.as_bytes() != etag.as_bytes()
    {
        return Wanted::All;
    }
    parse(range, size)
}

fn parse(range: &str, size: u64) -> Wanted {
    let Some(spec) = range.trim().strip_prefix("bytes=") else {
        return Wanted::All;
    };
    if spec.contains(',') {
        return Wanted::All;
    }
    let Some((first, last)) = spec.trim().split_once('-') else {
        return Wanted::All;
    };
    let (first, last) = (first.trim(), last.trim());
    let number = |s: &str| s.parse::<u64>().ok();
    match (first.is_empty(), last.is_empty()) {
        // "-500": the last 500 bytes.
        (true, false) => match number(last) {
            Some(0) => Wanted::Unsatisfiable,
            Some(n) if size > 0 => Wanted::Part {
                start: size.saturating_sub(n),
                end: size - 1,
            },
            Some(_) => Wanted::Unsatisfiable,
            None => Wanted::All,
        },
        // "500-": from byte 500 on.
        (false, true) => match number(first) {
            Some(start) if start < size => Wanted::Part {
                start,
                end: size - 1,
            },
            Some(_) => Wanted::Unsatisfiable,
            None => Wanted::All,
        },
        (false, false) => match (number(first), number(last)) {
            (Some(start), Some(end)) if start <= end && start < size => Wanted::Part {
                start,
                end: end.min(size - 1),
            },
            (Some(start), Some(end)) if start <= end => Wanted::Unsatisfiable,
            _ => Wanted::All,
        },
        (true, true) => Wanted::All,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_are_read_as_the_rfc_says() {
        assert_eq!(
            parse("bytes=0-99", 1000),
            Wanted::Part { start: 0, end: 99 }
        );
        assert_eq!(
            parse("bytes=900-", 1000),
            Wanted::Part {
                start: 900,
                end: 999
            }
        );
        assert_eq!(
            parse("bytes=-100", 1000),
            Wanted::Part {
                start: 900,
                end: 999
            }
        );
        assert_eq!(
            parse("bytes=-5000", 1000),
            Wanted::Part { start: 0, end: 999 }
        );
        assert_eq!(
            parse("bytes=990-2000", 1000),
            Wanted::Part {
                start: 990,
                end: 999
            }
        );
        assert_eq!(parse("bytes=1000-", 1000), Wanted::Unsatisfiable);
        assert_eq!(parse("bytes=1000-1001", 1000), Wanted::Unsatisfiable);
        assert_eq!(parse("bytes=-0", 1000), Wanted::Unsatisfiable);
        assert_eq!(parse("bytes=0-1,5-9", 1000), Wanted::All);
        assert_eq!(parse("bytes=9-1", 1000), Wanted::All);
        assert_eq!(parse("items=0-1", 1000), Wanted::All);
        assert_eq!(parse("bytes=a-b", 1000), Wanted::All);
    }

    #[test]
    fn a_range_of_another_version_gets_the_whole_file() {
        let mut headers = HeaderMap::new();
        headers.insert(header::RANGE, "bytes=0-9".parse().unwrap());
        headers.insert(header::IF_RANGE, "\"old\"".parse().unwrap());
        assert_eq!(wanted(&headers, 100, "\"new\""), Wanted::All);
        headers.insert(header::IF_RANGE, "\"new\"".parse().unwrap());
        assert_eq!(
            wanted(&headers, 100, "\"new\""),
            Wanted::Part { start: 0, end: 9 }
        );
    }
}
