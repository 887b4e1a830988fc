//! The page views the gateway reports to analytics: what one view carries
//! and the batch it travels in (README, "Visits: what is counted").

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use uuid::Uuid;

/// Where analytics receives batches.
pub const VIEWS_PATH: &str = "/internal/views";
/// Where content reads a commune's counter, exact (the public counter at
/// `/api/thong-ke` hides small numbers).
pub const COUNTER_PATH: &str = "/internal/counter";
/// Where the gateway asks for a day's visitor salt: `/internal/salt/{day}`.
pub const SALT_PATH: &str = "/internal/salt";

/// The class of the device a page was viewed on; robots are their own
/// class and are counted apart from people.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Device {
    Desktop,
    Mobile,
    Tablet,
    Bot,
}

impl Device {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Desktop => "desktop",
            Self::Mobile => "mobile",
            Self::Tablet => "tablet",
            Self::Bot => "bot",
        }
    }
}

/// One public page view. No address and no user agent: the visitor is a
/// hash salted with the day's salt, which is forgotten after the day.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct View {
    pub tenant_id: Uuid,
    pub path: String,
    /// The content item the page shows, when it shows one.
    #[serde(default)]
    pub item: Option<Uuid>,
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
    /// Hex SHA-256 of the day's salt, the commune, the address and the user
    /// agent.
    pub visitor: String,
    /// The host of another site the visitor followed a link from.
    #[serde(default)]
    pub referrer: Option<String>,
    pub device: Device,
    /// How many times this view was seen (the same visitor, page, item,
    /// referrer and day); `at` is the latest.
    #[serde(default = "one")]
    pub count: u64,
}

fn one() -> u64 {
    1
}

/// The most sightings a gateway sends in one batch: the views of a batch,
/// their counts added up, never exceed it.
pub const MAX_BATCH_VIEWS: usize = 500;

/// Views sent together. Analytics applies a batch once: the gateway resends
/// one whose answer it did not get under the same id.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Batch {
    pub id: Uuid,
    pub views: Vec<View>,
}

/// A day's salt, as analytics hands it to every gateway.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Salt {
    pub salt: String,
}

/// `text` cut to at most `max` characters (at a character, never inside
/// one): what counting keeps of a path, a referrer or a user agent.
pub fn clip(text: &str, max: usize) -> &str {
    match text.char_indices().nth(max) {
        Some((end, _)) => &text[..end],
        None => text,
    }
}
