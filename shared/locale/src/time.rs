//! Time as Vietnamese readers see it: Asia/Ho_Chi_Minh, written the Vietnamese way.

use time::macros::format_description;
use time::{Date, Duration, OffsetDateTime, PrimitiveDateTime, UtcOffset, Weekday};

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

/// "26/11/2026 17:05": a moment in a table.
pub fn date_and_time(at: OffsetDateTime) -> String {
    let at = at.to_offset(VIETNAM);
    format!("{} {:02}:{:02}", short_date(at), at.hour(), at.minute())
}

/// "22:00 ngày 10/12/2026": a moment in a notice.
pub fn time_and_date(at: OffsetDateTime) -> String {
    let at = at.to_offset(VIETNAM);
    format!(
        "{:02}:{:02} ngày {}",
        at.hour(),
        at.minute(),
        short_date(at)
    )
}

/// Reads a moment typed in Vietnam's time: "2026-12-10 22:00" or
/// "10/12/2026 22:00".
pub fn parse_local(raw: &str) -> Option<OffsetDateTime> {
    let raw = raw.trim();
    let iso = format_description!("[year]-[month]-[day] [hour]:[minute]");
    // What a browser's date-and-time field sends when it shows seconds.
    let iso_seconds = format_description!("[year]-[month]-[day] [hour]:[minute]:[second]");
    let vietnamese = format_description!("[day]/[month]/[year] [hour]:[minute]");
    PrimitiveDateTime::parse(raw, iso)
        .or_else(|_| PrimitiveDateTime::parse(raw, iso_seconds))
        .or_else(|_| PrimitiveDateTime::parse(raw, vietnamese))
        .ok()
        .map(|at| at.assume_offset(VIETNAM))
}

/// Saturday or Sunday. Working days, with the public holidays, are
/// congxa-calendar's.
pub fn is_weekend(day: Date) -> bool {
    matches!(day.weekday(), Weekday::Saturday | Weekday::Sunday)
}

/// "26/11/2026": a calendar day (an issue date, a deadline).
pub fn day_date(day: Date) -> String {
    format!(
        "{:02}/{:02}/{}",
        day.day(),
        u8::from(day.month()),
        day.year()
    )
}

/// "Thứ Năm, 26/11/2026": a day of the week with its date.
pub fn weekday_date(day: Date) -> String {
    format!("{}, {}", weekday(day.weekday()), day_date(day))
}

/// Reads a day typed as "2026-11-26" (a date field) or "26/11/2026".
pub fn parse_day(raw: &str) -> Option<Date> {
    let raw = raw.trim();
    let iso = format_description!("[year]-[month]-[day]");
    let vietnamese = format_description!("[day]/[month]/[year]");
    Date::parse(raw, iso)
        .or_else(|_| Date::parse(raw, vietnamese))
        .ok()
}

/// The Monday of the week `day` falls in.
pub fn monday_of(day: Date) -> Date {
    day - Duration::days(i64::from(day.weekday().number_days_from_monday()))
}

/// "Thứ Hai" … "Chủ Nhật".
pub fn weekday(day: Weekday) -> &'static str {
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
    fn saturdays_and_sundays_are_the_weekend() {
        use time::macros::date;
        assert!(is_weekend(date!(2026 - 11 - 28)));
        assert!(is_weekend(date!(2026 - 11 - 29)));
        assert!(!is_weekend(date!(2026 - 11 - 30)));
    }

    #[test]
    fn local_times_are_read_in_vietnam() {
        let at = parse_local("10/12/2026 22:00").unwrap();
        assert_eq!(at, datetime!(2026-12-10 15:00 UTC));
        assert_eq!(parse_local("2026-12-10 22:00"), Some(at));
        assert_eq!(parse_local("2026-12-10 22:00:00"), Some(at));
        assert_eq!(time_and_date(at), "22:00 ngày 10/12/2026");
        assert_eq!(parse_local("mai"), None);
    }

    #[test]
    fn days_are_read_both_ways_and_weeks_start_on_monday() {
        use time::macros::date;
        assert_eq!(parse_day("2026-11-26"), Some(date!(2026 - 11 - 26)));
        assert_eq!(parse_day("26/11/2026"), Some(date!(2026 - 11 - 26)));
        assert_eq!(parse_day("31/02/2026"), None);
        assert_eq!(monday_of(date!(2026 - 11 - 26)), date!(2026 - 11 - 23));
        assert_eq!(monday_of(date!(2026 - 11 - 23)), date!(2026 - 11 - 23));
        assert_eq!(weekday_date(date!(2026 - 11 - 26)), "Thứ Năm, 26/11/2026");
    }

    #[test]
    fn sunday_is_written_chu_nhat() {
        assert_eq!(short_date(datetime!(2026-11-29 03:00 UTC)), "29/11/2026");
        assert!(long_date(datetime!(2026-11-29 03:00 UTC)).starts_with("Chủ Nhật"));
    }
}
