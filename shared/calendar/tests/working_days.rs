//! Deadlines and holidays as an official counts them, through the public API.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use congxa_calendar::{Calendar, Error, Override};
use time::macros::date;
use time::{Date, Duration};

fn day_off(date: Date, label: &str) -> Override {
    Override::DayOff {
        date,
        label: label.into(),
    }
}

fn working_day(date: Date, label: &str) -> Override {
    Override::WorkingDay {
        date,
        label: label.into(),
    }
}

fn remove(date: Date) -> Override {
    Override::RemoveDayOff { date }
}

fn days(list: &[(Date, &str)]) -> Vec<(Date, String)> {
    list.iter().map(|(d, n)| (*d, (*n).to_owned())).collect()
}

/// The announcements for 2025: Tết from Monday 27/01 to Friday 31/01 (28
/// Chạp to mùng 3) instead of 28/01–01/02, and Friday 02/05 off in exchange
/// for Saturday 26/04.
fn calendar_2025() -> Calendar {
    Calendar::new(&[
        day_off(date!(2025 - 01 - 27), "Tết Nguyên đán"),
        remove(date!(2025 - 02 - 01)),
        day_off(date!(2025 - 05 - 02), "Nghỉ hoán đổi"),
        working_day(date!(2025 - 04 - 26), "Làm bù cho ngày 02/5"),
    ])
    .unwrap()
}

#[test]
fn weekends_are_not_working_days_and_are_no_holidays() {
    let calendar = Calendar::default();
    assert!(calendar.is_working_day(date!(2026 - 03 - 06))); // Friday
    assert!(!calendar.is_working_day(date!(2026 - 03 - 07))); // Saturday
    assert!(!calendar.is_working_day(date!(2026 - 03 - 08))); // Sunday
    assert!(calendar.is_working_day(date!(2026 - 03 - 09))); // Monday
    assert_eq!(calendar.holiday(date!(2026 - 03 - 07)), None);
    assert_eq!(calendar.holiday(date!(2026 - 03 - 09)), None);
}

#[test]
fn a_document_issued_on_friday_with_two_working_days_is_due_on_tuesday() {
    let calendar = Calendar::default();
    let friday = date!(2026 - 03 - 06);
    assert_eq!(calendar.add_working_days(friday, 2), date!(2026 - 03 - 10));
    assert_eq!(calendar.add_working_days(friday, 0), friday);
    assert_eq!(calendar.add_working_days(friday, 1), date!(2026 - 03 - 09));
    // Posted on Tuesday: on time; on Wednesday: one day late.
    assert_eq!(
        calendar.working_days_between(friday, date!(2026 - 03 - 10)),
        2
    );
    assert_eq!(
        calendar.working_days_between(friday, date!(2026 - 03 - 11)),
        3
    );
    assert_eq!(calendar.working_days_between(friday, friday), 0);
    // Over the weekend nothing counts.
    assert_eq!(
        calendar.working_days_between(friday, date!(2026 - 03 - 08)),
        0
    );
    assert_eq!(
        calendar.working_days_between(date!(2026 - 03 - 10), friday),
        -2
    );
}

#[test]
fn the_default_year_2026_lists_every_holiday_and_compensation_day() {
    let calendar = Calendar::default();
    assert_eq!(
        calendar.holidays_of(2026),
        days(&[
            (date!(2026 - 01 - 01), "Tết Dương lịch"),
            (date!(2026 - 02 - 16), "Tết Nguyên đán"),
            (date!(2026 - 02 - 17), "Tết Nguyên đán"),
            (date!(2026 - 02 - 18), "Tết Nguyên đán"),
            (date!(2026 - 02 - 19), "Tết Nguyên đán"),
            (date!(2026 - 02 - 20), "Tết Nguyên đán"),
            // Hùng Kings' day on a Sunday, given back on Monday.
            (date!(2026 - 04 - 26), "Giỗ Tổ Hùng Vương"),
            (date!(2026 - 04 - 27), "Nghỉ bù"),
            (date!(2026 - 04 - 30), "Ngày Chiến thắng"),
            (date!(2026 - 05 - 01), "Ngày Quốc tế Lao động"),
            (date!(2026 - 09 - 02), "Quốc khánh"),
            (date!(2026 - 09 - 03), "Quốc khánh"),
        ])
    );
    assert!(calendar.make_up_days_of(2026).is_empty());
}

#[test]
fn tet_over_a_weekend_gives_back_its_weekend_days_after_it() {
    // Tết 2024 fell on Saturday 10/02: by the default rules Friday 09/02 to
    // Tuesday 13/02, with Saturday and Sunday given back on 14 and 15.
    let calendar = Calendar::default();
    let tet: Vec<(Date, String)> = calendar
        .holidays_of(2024)
        .into_iter()
        .filter(|(d, _)| d.month() == time::Month::February)
        .collect();
    assert_eq!(
        tet,
        days(&[
            (date!(2024 - 02 - 09), "Tết Nguyên đán"),
            (date!(2024 - 02 - 10), "Tết Nguyên đán"),
            (date!(2024 - 02 - 11), "Tết Nguyên đán"),
            (date!(2024 - 02 - 12), "Tết Nguyên đán"),
            (date!(2024 - 02 - 13), "Tết Nguyên đán"),
            (date!(2024 - 02 - 14), "Nghỉ bù"),
            (date!(2024 - 02 - 15), "Nghỉ bù"),
        ])
    );
    assert!(calendar.is_working_day(date!(2024 - 02 - 08)));
    assert!(calendar.is_working_day(date!(2024 - 02 - 16)));
}

#[test]
fn the_2024_announcement_moves_tet_a_day_earlier() {
    // Announced: off from Thursday 08/02 (29 Chạp) to Wednesday 14/02.
    let calendar = Calendar::new(&[
        day_off(date!(2024 - 02 - 08), "Tết Nguyên đán"),
        remove(date!(2024 - 02 - 15)),
    ])
    .unwrap();
    let off: Vec<Date> = (0..10)
        .map(|i| date!(2024 - 02 - 07) + Duration::days(i))
        .filter(|d| !calendar.is_working_day(*d))
        .collect();
    let expected: Vec<Date> = (8..=14)
        .map(|d| Date::from_calendar_date(2024, time::Month::February, d).unwrap())
        .collect();
    assert_eq!(off, expected);
    assert_eq!(calendar.holiday(date!(2024 - 02 - 14)), Some("Nghỉ bù"));
    assert_eq!(calendar.holiday(date!(2024 - 02 - 15)), None);
}

#[test]
fn the_2025_announcement_replaces_the_default_tet_days() {
    let defaults = Calendar::default();
    // Default: 28/01–01/02, Saturday 01/02 given back on Monday 03/02.
    assert!(defaults.is_working_day(date!(2025 - 01 - 27)));
    assert_eq!(defaults.holiday(date!(2025 - 02 - 03)), Some("Nghỉ bù"));

    let calendar = calendar_2025();
    for day in 27..=31 {
        let date = Date::from_calendar_date(2025, time::Month::January, day).unwrap();
        assert_eq!(calendar.holiday(date), Some("Tết Nguyên đán"), "{date}");
    }
    // 01/02 is an ordinary Saturday again, and nothing is given back.
    assert_eq!(calendar.holiday(date!(2025 - 02 - 01)), None);
    assert!(!calendar.is_working_day(date!(2025 - 02 - 01)));
    assert!(calendar.is_working_day(date!(2025 - 02 - 03)));
}

#[test]
fn a_make_up_saturday_is_worked_and_the_bridge_day_is_off() {
    let calendar = calendar_2025();
    assert!(calendar.is_working_day(date!(2025 - 04 - 26)));
    assert!(!calendar.is_working_day(date!(2025 - 05 - 02)));
    assert_eq!(
        calendar.holiday(date!(2025 - 05 - 02)),
        Some("Nghỉ hoán đổi")
    );
    assert_eq!(calendar.holiday(date!(2025 - 04 - 26)), None);
    assert_eq!(
        calendar.make_up_days_of(2025),
        days(&[(date!(2025 - 04 - 26), "Làm bù cho ngày 02/5")])
    );
}

#[test]
fn a_deadline_across_30_april_and_1_may_waits_for_the_holidays() {
    let tuesday = date!(2025 - 04 - 29);
    // Default rules: Wednesday 30/4 and Thursday 1/5 off; Friday 2/5 is the
    // first working day, Monday 5/5 the second.
    assert_eq!(
        Calendar::default().add_working_days(tuesday, 2),
        date!(2025 - 05 - 05)
    );
    // With the announced bridge day, Tuesday 6/5.
    let calendar = calendar_2025();
    assert_eq!(calendar.add_working_days(tuesday, 2), date!(2025 - 05 - 06));
    assert_eq!(
        calendar.working_days_between(tuesday, date!(2025 - 05 - 06)),
        2
    );
    // The make-up Saturday counts: Friday 25/4 plus one is Saturday 26/4.
    assert_eq!(
        calendar.add_working_days(date!(2025 - 04 - 25), 1),
        date!(2025 - 04 - 26)
    );
}

#[test]
fn a_deadline_across_tet_waits_for_tet() {
    let calendar = Calendar::default();
    // Issued Friday 13/02/2026; Tết is 16–20/02, so Monday 23 and Tuesday 24.
    assert_eq!(
        calendar.add_working_days(date!(2026 - 02 - 13), 2),
        date!(2026 - 02 - 24)
    );
    // Fifteen working days from Monday 09/02/2026 (answering a question):
    // 5 that week, none during Tết, 10 more after it.
    assert_eq!(
        calendar.add_working_days(date!(2026 - 02 - 06), 15),
        date!(2026 - 03 - 06)
    );
}

#[test]
fn hung_kings_day_on_saturday_and_30_april_on_sunday_give_two_days_back() {
    // 2023: 29/4 (Sat, Hùng Kings), 30/4 (Sun), 1/5 (Mon): off until 3/5.
    let calendar = Calendar::default();
    assert_eq!(
        calendar.holiday(date!(2023 - 04 - 29)),
        Some("Giỗ Tổ Hùng Vương")
    );
    assert_eq!(
        calendar.holiday(date!(2023 - 05 - 01)),
        Some("Ngày Quốc tế Lao động")
    );
    assert_eq!(calendar.holiday(date!(2023 - 05 - 02)), Some("Nghỉ bù"));
    assert_eq!(calendar.holiday(date!(2023 - 05 - 03)), Some("Nghỉ bù"));
    assert!(calendar.is_working_day(date!(2023 - 05 - 04)));
    assert_eq!(
        calendar.add_working_days(date!(2023 - 04 - 28), 1),
        date!(2023 - 05 - 04)
    );
}

#[test]
fn new_years_day_on_saturday_is_given_back_on_monday() {
    let calendar = Calendar::default();
    assert_eq!(
        calendar.holiday(date!(2022 - 01 - 01)),
        Some("Tết Dương lịch")
    );
    assert_eq!(calendar.holiday(date!(2022 - 01 - 03)), Some("Nghỉ bù"));
    assert!(calendar.is_working_day(date!(2022 - 01 - 04)));
}

#[test]
fn national_day_on_saturday_takes_friday_and_monday() {
    let calendar = Calendar::default();
    let off: Vec<Date> = calendar
        .holidays_of(2023)
        .into_iter()
        .map(|(d, _)| d)
        .filter(|d| d.month() == time::Month::September)
        .collect();
    assert_eq!(
        off,
        [
            date!(2023 - 09 - 01),
            date!(2023 - 09 - 02),
            date!(2023 - 09 - 04)
        ]
    );
}

#[test]
fn an_override_can_remove_a_weekday_holiday_and_relabel_another() {
    let calendar = Calendar::new(&[
        remove(date!(2026 - 09 - 03)),
        day_off(date!(2026 - 09 - 01), "Quốc khánh (theo thông báo)"),
    ])
    .unwrap();
    assert!(calendar.is_working_day(date!(2026 - 09 - 03)));
    assert_eq!(
        calendar.holiday(date!(2026 - 09 - 01)),
        Some("Quốc khánh (theo thông báo)")
    );
}

#[test]
fn counting_forward_and_back_agree_over_a_whole_year() {
    let calendar = calendar_2025();
    let mut start = date!(2025 - 01 - 01);
    while start.year() == 2025 {
        for n in [0, 1, 2, 5, 15] {
            let due = calendar.add_working_days(start, n);
            assert!(n == 0 || calendar.is_working_day(due), "{start} + {n}");
            assert_eq!(
                calendar.working_days_between(start, due),
                i64::from(n),
                "{start} + {n}"
            );
        }
        start += Duration::days(1);
    }
}

#[test]
fn bad_configurations_are_refused_in_vietnamese() {
    let twice = Calendar::new(&[
        day_off(date!(2025 - 05 - 02), "Nghỉ hoán đổi"),
        remove(date!(2025 - 05 - 02)),
    ]);
    assert_eq!(
        twice.unwrap_err(),
        Error::DuplicateOverride(date!(2025 - 05 - 02))
    );
    let unnamed = Calendar::new(&[day_off(date!(2025 - 05 - 02), "  ")]).unwrap_err();
    assert_eq!(
        unnamed.to_string(),
        "Ngày 02/05/2025 cần có tên gọi (ví dụ: \"Nghỉ bù Tết Nguyên đán\")."
    );
    assert_eq!(
        Calendar::new(&[remove(date!(2300 - 01 - 01))]).unwrap_err(),
        Error::YearOutOfRange(2300)
    );
}

#[test]
fn outside_the_lunar_calendar_only_weekends_are_days_off() {
    let calendar = Calendar::default();
    assert!(calendar.holidays_of(2300).is_empty());
    assert!(calendar.is_working_day(date!(2300 - 01 - 01))); // a Monday
    assert!(!calendar.is_working_day(date!(2300 - 01 - 06)));
}
