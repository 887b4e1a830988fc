//! The query parameters of public pages, for the gateway's page cache: a
//! page is kept under its path and the parameters pages read, so that
//! `?x=1`, `?x=2`… name the same page and cannot fill the cache; a page that
//! depends on a value anyone can vary without end (a search, a filter
//! typed by hand) is not kept at all.

/// How a query parameter bears on a public page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bearing {
    /// No public page reads it: left out of the page's name.
    Unread,
    /// Read, with a value from a small set (a page number, a week, a year,
    /// a flag): part of the page's name.
    Kept,
    /// Read, with a value anyone can vary without end: the page is not kept.
    Open,
}

/// Flags pages read by their presence: the print view, the thanks shown
/// after a form was sent.
const FLAGS: [&str; 5] = ["ban-in", "da-gui", "da-danh-gia", "danh-gia-roi", "moi"];
/// Filters and searches: text or choices people (and robots) can vary.
const OPEN: [&str; 11] = [
    "q",
    "ma",
    "loai",
    "linh-vuc",
    "co-quan",
    "nguoi-ky",
    "muc-do",
    "giai-doan",
    "chuyen-muc",
    "tu-ngay",
    "den-ngay",
];

/// How `name=value` bears on a public page.
pub fn bearing(name: &str, value: &str) -> Bearing {
    let digits = |max: usize| {
        !value.is_empty() && value.len() <= max && value.bytes().all(|b| b.is_ascii_digit())
    };
    match name {
        // Pages stop at 1000 (`site::paging`); a longer number is not a page.
        "trang" if digits(4) => Bearing::Kept,
        "nam" if digits(4) => Bearing::Kept,
        "tuan" if is_date(value) => Bearing::Kept,
        "trang" | "nam" | "tuan" => Bearing::Open,
        flag if FLAGS.contains(&flag) => {
            if value.is_empty() {
                Bearing::Kept
            } else {
                Bearing::Open
            }
        }
        open if OPEN.contains(&open) => {
            if value.is_empty() {
                Bearing::Unread
            } else {
                Bearing::Open
            }
        }
        _ => Bearing::Unread,
    }
}

/// `YYYY-MM-DD`, digits in place (the page itself reads the date).
fn is_date(value: &str) -> bool {
    let bytes = value.as_bytes();
    bytes.len() == 10
        && bytes.iter().enumerate().all(|(i, b)| match i {
            4 | 7 => *b == b'-',
            _ => b.is_ascii_digit(),
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_numbers_weeks_years_and_flags_name_a_page() {
        assert_eq!(bearing("trang", "12"), Bearing::Kept);
        assert_eq!(bearing("nam", "2026"), Bearing::Kept);
        assert_eq!(bearing("tuan", "2026-11-23"), Bearing::Kept);
        assert_eq!(bearing("ban-in", ""), Bearing::Kept);
    }

    #[test]
    fn endless_values_are_open_and_unknown_names_unread() {
        assert_eq!(bearing("trang", "123456"), Bearing::Open);
        assert_eq!(bearing("trang", "1a"), Bearing::Open);
        assert_eq!(bearing("tuan", "hôm nay"), Bearing::Open);
        assert_eq!(bearing("q", "quyết định"), Bearing::Open);
        assert_eq!(bearing("loai", "Nghị quyết"), Bearing::Open);
        assert_eq!(bearing("ban-in", "1"), Bearing::Open);
        assert_eq!(bearing("q", ""), Bearing::Unread);
        assert_eq!(bearing("x", "1"), Bearing::Unread);
        assert_eq!(bearing("utm_source", "zalo"), Bearing::Unread);
    }
}
