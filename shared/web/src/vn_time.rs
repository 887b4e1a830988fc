//! Time as Vietnamese readers see it: Asia/Ho_Chi_Minh, written the Vietnamese way.

use time::{OffsetDateTime, UtcOffset, Weekday};

/// Asia/Ho_Chi_Minh. Vietnam has kept UTC+7 without daylight saving since
/// 1975, so a fixed offset is exact and needs no time-zone database.
pub const VIETNAM: UtcOffset = match UtcOffset::from_hms(7, 0, 0) {
    Ok(offset) => offset,
    Err(_) => panic!("UTC+7 is a valid offset"),
};

/// The current moment in Vietnam.
pub fn now() -> OffsetDateTime {
    OffsetDateTime::now_utc().to_offset(VIETNAM)
}

/// "Thứ Năm, ngày 26/11/2026", as the top of an official site shows it.
pub fn long_date(at: OffsetDateTime) -> String {
    let at = at.to_offset(VIETNAM);
    format!(
        "{}, ngày {:02}/{:02}/{}",
        weekday(at.weekday()),
        at.day(),
        u8::from(at.month()),
        at.year()
    )
}

/// "26/11/2026": the short form used in lists.
pub fn short_date(at: OffsetDateTime) -> String {
    let at = at.to_offset(VIETNAM);
    format!("{:02}/{:02}/{}", at.day(), u8::from(at.month()), at.year())
}

/// "2026-11-26": the day a count belongs to, in Vietnam.
pub fn day_key(at: OffsetDateTime) -> String {
    let at = at.to_offset(VIETNAM);
    format!("{}-{:02}-{:02}", at.year(), u8::from(at.month()), at.day())
}

fn weekday(day: Weekday) -> &'static str {
    match day {
        Weekday::Monday => "Thứ Hai",
        Weekday::Tuesday => "Thứ Ba",
        Weekday::Wednesday => "Thứ Tư",
        Weekday::Thursday => "Thứ Năm",
        Weekday::Friday => "Thứ Sáu",
        Weekday::Saturday => "Thứ Bảy",
        Weekday::Sunday => "Chủ Nhật",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn a_late_utc_evening_is_already_the_next_day_in_vietnam() {
        let at = datetime!(2026-11-25 18:30 UTC);
        assert_eq!(long_date(at), "Thứ Năm, ngày 26/11/2026");
        assert_eq!(day_key(at), "2026-11-26");
    }

    #[test]
    fn sunday_is_written_chu_nhat() {
        assert_eq!(short_date(datetime!(2026-11-29 03:00 UTC)), "29/11/2026");
        assert!(long_date(datetime!(2026-11-29 03:00 UTC)).starts_with("Chủ Nhật"));
    }
}
