//! Where the live counters live in Redis. Every key of one commune carries
//! its id in braces, so a Redis Cluster would keep a commune's keys (and a
//! script over them) in one slot.

use std::sync::Arc;

use congxa_stats::Dimension;
use time::{Date, OffsetDateTime};
use uuid::Uuid;

use congxa_locale::time as vn_time;

/// The names of every key, under the deployment's prefix
/// (`CONGXA_REDIS_PREFIX`), so that several platforms (or tests) can share
/// one Redis.
#[derive(Debug, Clone)]
pub struct Keys {
    root: Arc<str>,
}

impl Keys {
    pub fn new(prefix: &str) -> Self {
        Self {
            root: Arc::from(format!("{prefix}:v:")),
        }
    }

    /// Present while Redis holds a whole state: written after a restore (or
    /// the first start), gone when Redis lost its data. Nothing is counted
    /// without it.
    pub fn epoch(&self) -> String {
        format!("{}epoch", self.root)
    }

    /// Held by the analytics replica restoring Redis from PostgreSQL.
    pub fn restoring(&self) -> String {
        format!("{}restoring", self.root)
    }

    /// The days ("tenant|2026-11-27") counted since their last flush.
    pub fn dirty(&self) -> String {
        format!("{}dirty", self.root)
    }

    /// The days a flush has taken and not yet written.
    pub fn flushing(&self) -> String {
        format!("{}flushing", self.root)
    }

    /// A day's visitor salt, forgotten two days after.
    pub fn salt(&self, day: &str) -> String {
        format!("{}salt:{day}", self.root)
    }

    /// The prefix of every key of one commune.
    pub fn tenant(&self, tenant: Uuid) -> String {
        format!("{}{{{tenant}}}:", self.root)
    }

    pub fn total(&self, t: Uuid) -> String {
        format!("{}total", self.tenant(t))
    }

    /// A hash of the day's figures: views, visits, bots, and one field per
    /// page ("p:"), item ("i:"), referrer ("r:") and device class ("d:").
    pub fn day(&self, t: Uuid, day: &str) -> String {
        format!("{}day:{day}", self.tenant(t))
    }

    /// The month's views, for the counter every page shows.
    pub fn month(&self, t: Uuid, month: &str) -> String {
        format!("{}month:{month}", self.tenant(t))
    }

    /// HyperLogLogs of visitor hashes: per day ("2026-11-27"), month
    /// ("2026-11") and year ("2026").
    pub fn visitors(&self, t: Uuid, period: &str) -> String {
        format!("{}u:{period}", self.tenant(t))
    }

    /// The visitors seen in the last half hour, scored by when: "online
    /// now" counts the last five minutes, and a visitor absent for 30
    /// minutes starts a new visit.
    pub fn online(&self, t: Uuid) -> String {
        format!("{}online", self.tenant(t))
    }

    /// A batch of views already applied.
    pub fn batch(&self, id: Uuid) -> String {
        format!("{}batch:{id}", self.root)
    }

    /// What every key starts with; a commune's keys then have its id in
    /// braces (see [`Keys::tenant`]).
    pub fn root(&self) -> &str {
        &self.root
    }
}

/// The field of a day's hash that counts one key of a breakdown.
pub fn field(dimension: Dimension, key: &str) -> String {
    format!("{}{key}", field_prefix(dimension))
}

pub fn field_prefix(dimension: Dimension) -> &'static str {
    match dimension {
        Dimension::Path => "p:",
        Dimension::Item => "i:",
        Dimension::Referrer => "r:",
        Dimension::Device => "d:",
    }
}

/// A field of a day's hash read back as a breakdown key.
pub fn parse_field(field: &str) -> Option<(Dimension, &str)> {
    Dimension::ALL.into_iter().find_map(|dimension| {
        field
            .strip_prefix(field_prefix(dimension))
            .filter(|key| !key.is_empty())
            .map(|key| (dimension, key))
    })
}

/// "2026-11-27", "2026-11" and "2026" of a moment in Vietnam.
pub struct Periods {
    pub day: String,
    pub month: String,
    pub year: String,
}

impl Periods {
    pub fn of(at: OffsetDateTime) -> Self {
        let day = vn_time::day_key(at);
        Self {
            month: day[..7].to_owned(),
            year: day[..4].to_owned(),
            day,
        }
    }
}

/// A date as its day key, "2026-11-27".
pub fn day_key_of(day: Date) -> String {
    format!(
        "{}-{:02}-{:02}",
        day.year(),
        u8::from(day.month()),
        day.day()
    )
}

/// "2026-11-27" as a date.
pub fn parse_day(day: &str) -> Option<Date> {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    Date::parse(day, format).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_read_back_as_what_they_count() {
        assert_eq!(field(Dimension::Path, "/tin-tuc"), "p:/tin-tuc");
        assert_eq!(
            parse_field("p:/tin-tuc"),
            Some((Dimension::Path, "/tin-tuc"))
        );
        assert_eq!(
            parse_field("r:zalo.me"),
            Some((Dimension::Referrer, "zalo.me"))
        );
        assert_eq!(parse_field("views"), None);
        assert_eq!(parse_field("d:"), None);
    }

    #[test]
    fn periods_are_vietnams_calendar() {
        // 17:30 UTC on 31 December is already New Year's Day in Vietnam.
        let at = time::macros::datetime!(2026-12-31 17:30 UTC);
        let periods = Periods::of(at);
        assert_eq!(periods.day, "2027-01-01");
        assert_eq!(periods.month, "2027-01");
        assert_eq!(periods.year, "2027");
        assert_eq!(
            parse_day("2027-01-01"),
            Some(time::macros::date!(2027 - 01 - 01))
        );
    }
}
