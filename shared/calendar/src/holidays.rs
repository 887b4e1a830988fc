//! The public holidays of the Labour Code 2019 (Art. 112) as the default
//! rules place them in a year, before the government's yearly decisions.

use time::{Date, Duration, Month};

use crate::lunar::LunarDate;

/// 1 January.
pub const NEW_YEAR: &str = "Tết Dương lịch";
/// The lunar new year: five days.
pub const TET: &str = "Tết Nguyên đán";
/// 10th day of the 3rd lunar month.
pub const HUNG_KINGS: &str = "Giỗ Tổ Hùng Vương";
/// 30 April.
pub const VICTORY: &str = "Ngày Chiến thắng";
/// 1 May.
pub const LABOUR: &str = "Ngày Quốc tế Lao động";
/// 2 September and a day next to it.
pub const NATIONAL: &str = "Quốc khánh";
/// The working day given back for a holiday that fell on a day off.
pub const COMPENSATION: &str = "Nghỉ bù";

/// The statutory holidays of `year` in date order, without compensation
/// days. The lunar ones are left out for years the lunar calendar does not
/// cover.
///
/// Two of them are fixed each year by the Prime Minister (Art. 112.3), so
/// these are the usual practice, to be corrected with overrides:
/// - Tết: the last day of the old lunar year and days 1–4 of the new one.
/// - Quốc khánh: 2/9 and one day next to it. We take the neighbour that is a
///   weekday; when both are, the one that joins the holiday to a weekend;
///   when neither or both do (2/9 on a Wednesday), 3/9. That gives what was
///   decided in 2021–2025: Thursday 2/9 → 3/9, Friday → 1/9, Saturday → 1/9,
///   Monday → 3/9, Tuesday → 1/9.
pub(crate) fn statutory(year: i32) -> Vec<(Date, &'static str)> {
    let mut days = Vec::new();
    let on = |month, day| Date::from_calendar_date(year, month, day).ok();

    days.extend(on(Month::January, 1).map(|d| (d, NEW_YEAR)));
    if let Ok(tet) = LunarDate::new(year, 1, 1).to_solar() {
        for offset in -1..=3 {
            days.push((tet + Duration::days(offset), TET));
        }
    }
    if let Ok(hung) = LunarDate::new(year, 3, 10).to_solar() {
        days.push((hung, HUNG_KINGS));
    }
    days.extend(on(Month::April, 30).map(|d| (d, VICTORY)));
    days.extend(on(Month::May, 1).map(|d| (d, LABOUR)));
    if let Some(national) = on(Month::September, 2) {
        days.push((national, NATIONAL));
        days.push((national_neighbour(national), NATIONAL));
    }
    days.sort();
    days
}

/// The second day of Quốc khánh next to 2/9 (see [`statutory`]).
fn national_neighbour(national: Date) -> Date {
    let before = national - Duration::days(1);
    let after = national + Duration::days(1);
    match (is_weekend(before), is_weekend(after)) {
        (true, false) => after,
        (false, true) => before,
        // Both neighbours are weekdays: the one touching a weekend.
        _ if is_weekend(before - Duration::days(1)) => before,
        _ => after,
    }
}

pub(crate) use congxa_locale::time::is_weekend;

#[cfg(test)]
mod tests {
    use time::macros::date;

    use super::*;

    fn national_days(year: i32) -> Vec<Date> {
        statutory(year)
            .into_iter()
            .filter(|(_, name)| *name == NATIONAL)
            .map(|(date, _)| date)
            .collect()
    }

    #[test]
    fn the_second_national_day_joins_the_holiday_to_a_weekend() {
        // Monday: 1/9 is a Sunday, so Tuesday 3/9.
        assert_eq!(
            national_days(2024),
            [date!(2024 - 09 - 02), date!(2024 - 09 - 03)]
        );
        // Tuesday: Monday 1/9 makes the bridge.
        assert_eq!(
            national_days(2025),
            [date!(2025 - 09 - 01), date!(2025 - 09 - 02)]
        );
        // Wednesday: neither side does; 3/9.
        assert_eq!(
            national_days(2026),
            [date!(2026 - 09 - 02), date!(2026 - 09 - 03)]
        );
        // Thursday: Friday 3/9.
        assert_eq!(
            national_days(2021),
            [date!(2021 - 09 - 02), date!(2021 - 09 - 03)]
        );
        // Friday: 3/9 is a Saturday, so Thursday 1/9.
        assert_eq!(
            national_days(2022),
            [date!(2022 - 09 - 01), date!(2022 - 09 - 02)]
        );
        // Saturday: Friday 1/9.
        assert_eq!(
            national_days(2023),
            [date!(2023 - 09 - 01), date!(2023 - 09 - 02)]
        );
        // Sunday: Monday 3/9.
        assert_eq!(date!(2029 - 09 - 02).weekday(), time::Weekday::Sunday);
        assert_eq!(
            national_days(2029),
            [date!(2029 - 09 - 02), date!(2029 - 09 - 03)]
        );
    }

    #[test]
    fn tet_is_the_eve_and_the_first_four_days() {
        let tet: Vec<Date> = statutory(2026)
            .into_iter()
            .filter(|(_, name)| *name == TET)
            .map(|(date, _)| date)
            .collect();
        assert_eq!(
            tet,
            [
                date!(2026 - 02 - 16),
                date!(2026 - 02 - 17),
                date!(2026 - 02 - 18),
                date!(2026 - 02 - 19),
                date!(2026 - 02 - 20)
            ]
        );
    }

    #[test]
    fn a_year_has_eleven_statutory_days() {
        assert_eq!(statutory(2026).len(), 11);
        // Outside the lunar calendar's range only the solar holidays remain.
        assert_eq!(statutory(2300).len(), 5);
    }
}
