//! The ways a day's views are broken down.

use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Dimension {
    /// The page's path, without its query.
    Path,
    /// The content item the page shows, when it shows one.
    Item,
    /// The host of the site a visitor followed a link from.
    Referrer,
    /// The visitor's device class: desktop, mobile or tablet.
    Device,
}

impl Dimension {
    pub const ALL: [Self; 4] = [Self::Path, Self::Item, Self::Referrer, Self::Device];

    /// The name stored in PostgreSQL.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Path => "path",
            Self::Item => "item",
            Self::Referrer => "referrer",
            Self::Device => "device",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|d| d.as_str() == raw)
    }
}

/// A device class as the board reads it.
pub fn device_label(class: &str) -> &'static str {
    match class {
        "desktop" => "Máy tính",
        "mobile" => "Điện thoại",
        "tablet" => "Máy tính bảng",
        _ => "Khác",
    }
}
