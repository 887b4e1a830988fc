//! The name people see for a file: kept as uploaded (Vietnamese included)
//! but made harmless, and sent back as RFC 6266 says.

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

pub use congxa_storage::filename::clean;

/// RFC 5987 attr-char: everything else is percent-encoded.
const ATTR: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'!')
    .remove(b'#')
    .remove(b'$')
    .remove(b'&')
    .remove(b'+')
    .remove(b'-')
    .remove(b'.')
    .remove(b'^')
    .remove(b'_')
    .remove(b'`')
    .remove(b'|')
    .remove(b'~');

/// `Content-Disposition` with an ASCII fallback and the exact UTF-8 name
/// (RFC 6266 §4.3), so "Báo cáo.pdf" downloads as "Báo cáo.pdf".
pub fn content_disposition(name: &str, download: bool) -> String {
    let kind = if download { "attachment" } else { "inline" };
    let fallback: String = name
        .chars()
        .map(|c| {
            if c.is_ascii() && !c.is_ascii_control() && c != '\\' {
                c
            } else {
                '_'
            }
        })
        .collect();
    format!(
        "{kind}; filename=\"{fallback}\"; filename*=UTF-8''{}",
        utf8_percent_encode(name, ATTR)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vietnamese_names_survive_the_header() {
        assert_eq!(
            content_disposition("Báo cáo 142.pdf", true),
            "attachment; filename=\"B_o c_o 142.pdf\"; filename*=UTF-8''B%C3%A1o%20c%C3%A1o%20142.pdf"
        );
    }
}
