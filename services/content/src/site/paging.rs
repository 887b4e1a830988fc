//! Paging of lists: `?trang=2`, and the links a list shows to move around.

use serde::Serialize;

/// The deepest page anyone may ask for; beyond it lists are empty anyway
/// and OFFSET would only cost the database.
const MAX_PAGE: u32 = 1000;

#[derive(Debug, Clone, Copy)]
pub struct Paging {
    pub page: u32,
    pub per_page: u32,
}

impl Paging {
    /// The page asked for; anything unreadable is the first page.
    pub fn new(raw: Option<&str>, per_page: u32) -> Self {
        let page = raw
            .and_then(|r| r.trim().parse::<u32>().ok())
            .filter(|p| *p >= 1)
            .unwrap_or(1)
            .min(MAX_PAGE);
        Self { page, per_page }
    }

    pub fn limit(&self) -> i64 {
        i64::from(self.per_page)
    }

    pub fn offset(&self) -> i64 {
        i64::from(self.page - 1) * i64::from(self.per_page)
    }

    /// The links under a list of `total` entries. `base` is the list's path
    /// with its filters as a query (without `trang`).
    pub fn links(&self, total: i64, base: &str) -> Pager {
        let pages =
            u32::try_from((total.max(0) + i64::from(self.per_page) - 1) / i64::from(self.per_page))
                .unwrap_or(MAX_PAGE)
                .clamp(1, MAX_PAGE);
        let href = |page: u32| {
            let sep = if base.contains('?') { '&' } else { '?' };
            if page == 1 {
                base.to_owned()
            } else {
                format!("{base}{sep}trang={page}")
            }
        };
        // A window of pages around the current one keeps the bar short on
        // a phone.
        let first = self.page.saturating_sub(2).max(1);
        let last = (first + 4).min(pages);
        Pager {
            current: self.page,
            pages,
            total,
            previous: (self.page > 1).then(|| href(self.page - 1)),
            next: (self.page < pages).then(|| href(self.page + 1)),
            window: (first..=last)
                .map(|page| PageLink {
                    page,
                    href: href(page),
                    current: page == self.page,
                })
                .collect(),
        }
    }
}

#[derive(Serialize)]
pub struct Pager {
    pub current: u32,
    pub pages: u32,
    pub total: i64,
    pub previous: Option<String>,
    pub next: Option<String>,
    pub window: Vec<PageLink>,
}

#[derive(Serialize)]
pub struct PageLink {
    pub page: u32,
    pub href: String,
    pub current: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unreadable_or_hostile_pages_are_the_first() {
        for raw in ["", "0", "-3", "abc", "1e9", "' OR 1=1"] {
            assert_eq!(Paging::new(Some(raw), 10).page, 1, "{raw}");
        }
        assert_eq!(Paging::new(Some("999999"), 10).page, MAX_PAGE);
    }

    #[test]
    fn links_keep_the_filters_and_drop_page_one() {
        let pager =
            Paging::new(Some("2"), 10).links(35, "/van-ban?loai=Quy%E1%BA%BFt+%C4%91%E1%BB%8Bnh");
        assert_eq!(pager.pages, 4);
        assert_eq!(
            pager.previous.as_deref(),
            Some("/van-ban?loai=Quy%E1%BA%BFt+%C4%91%E1%BB%8Bnh")
        );
        assert_eq!(
            pager.next.as_deref(),
            Some("/van-ban?loai=Quy%E1%BA%BFt+%C4%91%E1%BB%8Bnh&trang=3")
        );
    }
}
