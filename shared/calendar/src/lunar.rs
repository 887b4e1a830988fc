//! The Vietnamese lunisolar calendar (âm lịch), computed with Hồ Ngọc Đức's
//! published astronomical algorithm.
//!
//! The calendar is astronomical, not tabular: a month starts on the day
//! (in Vietnam's time) of a new moon, month 11 is the one that holds the
//! winter solstice, and in a year with 13 months between two months 11 the
//! first month that holds no major solar term (trung khí) is the leap month
//! and repeats the number of the month before it. Vietnam reckons all of this
//! in UTC+7 while China uses UTC+8, which is why Tết sometimes falls on
//! another day (1985, 2007).
//!
//! The series for the new moon and the sun's longitude are the short ones
//! from Jean Meeus, "Astronomical Algorithms", as Hồ Ngọc Đức uses them,
//! fitted to 1800–2199. They are good to minutes, not seconds; they are kept
//! unchanged so that the days match his published conversion exactly, since
//! a more precise series could move a new moon that falls close to midnight
//! onto another day.

use time::Date;

use crate::Error;

/// Vietnam's calendar has been reckoned in UTC+7 since 1968; we use it for
/// every year, as the Vietnamese calendars in print do.
const TIME_ZONE_HOURS: f64 = 7.0;

/// The first and last solar (and lunar) years converted. The ΔT and series
/// used below are fitted to 1800–2199; the platform needs far less.
pub const FIRST_YEAR: i32 = 1900;
/// See [`FIRST_YEAR`].
pub const LAST_YEAR: i32 = 2199;

/// Julian day of the mean new moon of 1900-01-01, the origin of the lunation
/// count `k` in Meeus's series.
const FIRST_NEW_MOON: f64 = 2_415_021.076_998_695;

/// Mean length of a lunation, in days.
const SYNODIC_MONTH: f64 = 29.530_588_853;

/// A day of the lunar calendar.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct LunarDate {
    /// The lunar year, numbered as the solar year in which its Tết falls.
    pub year: i32,
    /// 1 to 12.
    pub month: u8,
    /// Whether this is the leap (nhuận) repetition of `month`.
    pub leap: bool,
    /// 1 to 29 or 30.
    pub day: u8,
}

impl LunarDate {
    /// A day of a regular (non-leap) month.
    pub fn new(year: i32, month: u8, day: u8) -> Self {
        Self {
            year,
            month,
            leap: false,
            day,
        }
    }

    /// A day of the leap repetition of `month`.
    pub fn leap(year: i32, month: u8, day: u8) -> Self {
        Self {
            year,
            month,
            leap: true,
            day,
        }
    }

    /// The lunar date of a solar date.
    pub fn from_solar(date: Date) -> Result<Self, Error> {
        let year = date.year();
        check_year(year)?;
        let day_number = i64::from(date.to_julian_day());

        // The new moon on or before the day starts its month. The mean
        // lunation count may be one off either way of the true new moon.
        let k = ((day_number as f64 - FIRST_NEW_MOON) / SYNODIC_MONTH).floor() as i64;
        let mut month_start = new_moon_day(k + 1);
        if month_start > day_number {
            month_start = new_moon_day(k);
        }
        if month_start > day_number {
            month_start = new_moon_day(k - 1);
        }

        // The months are counted from the month 11 that starts the
        // solstice-to-solstice stretch the day lies in: `a11` is its start,
        // `b11` the start of the next month 11.
        let mut a11 = month_11(year);
        let b11;
        let mut lunar_year;
        if a11 >= month_start {
            lunar_year = year;
            b11 = a11;
            a11 = month_11(year - 1);
        } else {
            lunar_year = year + 1;
            b11 = month_11(year + 1);
        }

        let day = day_number - month_start + 1;
        // Lunations are 29.27–29.84 days, so whole lunations since `a11`
        // are counted exactly by dividing by 29.
        let diff = (month_start - a11) / 29;
        let mut leap = false;
        let mut month = diff + 11;
        if b11 - a11 > 365 {
            // Thirteen months in the stretch: one of them is a leap month,
            // and the months from it on carry the number before them.
            let leap_offset = leap_month_offset(a11);
            if diff >= leap_offset {
                month = diff + 10;
                leap = diff == leap_offset;
            }
        }
        if month > 12 {
            month -= 12;
        }
        // Months 11 and 12 at the start of the stretch belong to the lunar
        // year before the one whose Tết comes after them.
        if month >= 11 && diff < 4 {
            lunar_year -= 1;
        }

        Ok(Self {
            year: lunar_year,
            month: small(month)?,
            leap,
            day: small(day)?,
        })
    }

    /// The solar date of this lunar date, or an error when the calendar has
    /// no such day (a 30th in a 29-day month, a leap month the year lacks).
    pub fn to_solar(self) -> Result<Date, Error> {
        check_year(self.year)?;
        if !(1..=12).contains(&self.month) || !(1..=30).contains(&self.day) {
            return Err(self.no_such_day());
        }
        let month = i64::from(self.month);

        // Months 11 and 12 of a lunar year lie in the stretch starting at
        // that year's month 11; months 1–10 in the one starting at the
        // previous year's.
        let (a11, b11) = if month < 11 {
            (month_11(self.year - 1), month_11(self.year))
        } else {
            (month_11(self.year), month_11(self.year + 1))
        };
        let k = ((a11 as f64 - FIRST_NEW_MOON) / SYNODIC_MONTH + 0.5).floor() as i64;
        let mut offset = (month - 11).rem_euclid(12);
        if b11 - a11 > 365 {
            let leap_offset = leap_month_offset(a11);
            // Offset n holds month (n + 10) mod 12 + 1 up to the leap month,
            // which repeats the number at offset L - 1: (L + 9) mod 12 + 1.
            let leap_month = (leap_offset + 9).rem_euclid(12) + 1;
            if self.leap && month != leap_month {
                return Err(self.no_such_day());
            }
            if self.leap || offset >= leap_offset {
                offset += 1;
            }
        } else if self.leap {
            return Err(self.no_such_day());
        }

        let month_start = new_moon_day(k + offset);
        let next_month_start = new_moon_day(k + offset + 1);
        let day_number = month_start + i64::from(self.day) - 1;
        if day_number >= next_month_start {
            return Err(self.no_such_day());
        }
        i32::try_from(day_number)
            .ok()
            .and_then(|jd| Date::from_julian_day(jd).ok())
            .ok_or_else(|| self.no_such_day())
    }

    fn no_such_day(self) -> Error {
        Error::NoSuchLunarDate {
            year: self.year,
            month: self.month,
            leap: self.leap,
            day: self.day,
        }
    }
}

/// The solar date of Tết (1/1) of a lunar year.
pub fn new_year(year: i32) -> Result<Date, Error> {
    LunarDate::new(year, 1, 1).to_solar()
}

fn check_year(year: i32) -> Result<(), Error> {
    if (FIRST_YEAR..=LAST_YEAR).contains(&year) {
        Ok(())
    } else {
        Err(Error::YearOutOfRange(year))
    }
}

fn small(value: i64) -> Result<u8, Error> {
    // Only reachable if the series misbehaved; reported rather than wrapped.
    u8::try_from(value).map_err(|_| Error::Internal)
}

/// The Julian day number of a Gregorian date, as integer arithmetic so it
/// cannot fail for the years computed here (checked against `time` in the
/// tests).
fn julian_day(year: i64, month: i64, day: i64) -> i64 {
    let a = (14 - month) / 12;
    let y = year + 4800 - a;
    let m = month + 12 * a - 3;
    day + (153 * m + 2) / 5 + 365 * y + y / 4 - y / 100 + y / 400 - 32045
}

/// The day (Julian day number, in Vietnam's time) of the `k`-th new moon
/// after the one of 1900-01-01 (Meeus, chapter 49, shortened).
fn new_moon_day(k: i64) -> i64 {
    let k = k as f64;
    let t = k / 1236.85; // Julian centuries since 1900-01-00.5
    let t2 = t * t;
    let t3 = t2 * t;
    let dr = std::f64::consts::PI / 180.0;

    // Mean new moon.
    let mut jd1 = 2_415_020.759_33 + 29.530_588_68 * k + 0.000_117_8 * t2 - 0.000_000_155 * t3;
    jd1 += 0.000_33 * ((166.56 + 132.87 * t - 0.009_173 * t2) * dr).sin();
    // Sun's mean anomaly, Moon's mean anomaly, Moon's argument of latitude.
    let m = 359.224_2 + 29.105_356_08 * k - 0.000_033_3 * t2 - 0.000_003_47 * t3;
    let mpr = 306.025_3 + 385.816_918_06 * k + 0.010_730_6 * t2 + 0.000_012_36 * t3;
    let f = 21.296_4 + 390.670_506_46 * k - 0.001_652_8 * t2 - 0.000_002_39 * t3;

    // Periodic terms from the true anomalies: true minus mean new moon.
    let mut c1 = (0.173_4 - 0.000_393 * t) * (m * dr).sin() + 0.002_1 * (2.0 * dr * m).sin();
    c1 = c1 - 0.406_8 * (mpr * dr).sin() + 0.016_1 * (dr * 2.0 * mpr).sin();
    c1 -= 0.000_4 * (dr * 3.0 * mpr).sin();
    c1 = c1 + 0.010_4 * (dr * 2.0 * f).sin() - 0.005_1 * (dr * (m + mpr)).sin();
    c1 = c1 - 0.007_4 * (dr * (m - mpr)).sin() + 0.000_4 * (dr * (2.0 * f + m)).sin();
    c1 = c1 - 0.000_4 * (dr * (2.0 * f - m)).sin() - 0.000_6 * (dr * (2.0 * f + mpr)).sin();
    c1 = c1 + 0.001_0 * (dr * (2.0 * f - mpr)).sin() + 0.000_5 * (dr * (2.0 * mpr + m)).sin();

    // ΔT, the lag of Universal Time behind Ephemeris Time, in days: two fits,
    // before and after 1800 (t = -11).
    let delta_t = if t < -11.0 {
        0.001 + 0.000_839 * t + 0.000_226_1 * t2 - 0.000_008_45 * t3 - 0.000_000_081 * t * t3
    } else {
        -0.000_278 + 0.000_265 * t + 0.000_262 * t2
    };
    let jd_new = jd1 + c1 - delta_t;
    // Julian days start at noon; the +0.5 and the zone move it to the local
    // civil day.
    (jd_new + 0.5 + TIME_ZONE_HOURS / 24.0).floor() as i64
}

/// Which 30° sector (0–11) the sun's apparent longitude is in at the start of
/// the local day `day_number`. Sector 9 begins at the winter solstice (270°);
/// every sector boundary is a major solar term (Meeus, chapter 25, low
/// precision).
fn sun_sector(day_number: i64) -> i64 {
    // Julian centuries since J2000.0, at local midnight of the day.
    let t = (day_number as f64 - 2_451_545.5 - TIME_ZONE_HOURS / 24.0) / 36_525.0;
    let t2 = t * t;
    let dr = std::f64::consts::PI / 180.0;
    let mean_anomaly = 357.529_10 + 35_999.050_30 * t - 0.000_155_9 * t2 - 0.000_000_48 * t * t2;
    let mean_longitude = 280.466_45 + 36_000.769_83 * t + 0.000_303_2 * t2;
    let centre = (1.914_600 - 0.004_817 * t - 0.000_014 * t2) * (dr * mean_anomaly).sin()
        + (0.019_993 - 0.000_101 * t) * (dr * 2.0 * mean_anomaly).sin()
        + 0.000_290 * (dr * 3.0 * mean_anomaly).sin();
    let longitude = (mean_longitude + centre) * dr;
    let turn = 2.0 * std::f64::consts::PI;
    let longitude = longitude - turn * (longitude / turn).floor();
    (longitude / std::f64::consts::PI * 6.0).floor() as i64
}

/// The first day of the lunar month 11 that holds the winter solstice of
/// the solar year `year`.
fn month_11(year: i32) -> i64 {
    let off = julian_day(i64::from(year), 12, 31) - 2_415_021;
    let k = (off as f64 / SYNODIC_MONTH).floor() as i64;
    let new_moon = new_moon_day(k);
    // The last new moon of the year; if the sun has passed 270° by then the
    // solstice fell in the month before.
    if sun_sector(new_moon) >= 9 {
        new_moon_day(k - 1)
    } else {
        new_moon
    }
}

/// In a stretch of 13 months starting at `a11`, how many months after month
/// 11 the leap month comes: the first month during which the sun crosses
/// no sector boundary (no major solar term), seen as two consecutive month
/// starts in the same sector.
fn leap_month_offset(a11: i64) -> i64 {
    let k = ((a11 as f64 - FIRST_NEW_MOON) / SYNODIC_MONTH + 0.5).floor() as i64;
    let mut i = 1;
    let mut sector = sun_sector(new_moon_day(k + i));
    loop {
        let last = sector;
        i += 1;
        sector = sun_sector(new_moon_day(k + i));
        if sector == last || i >= 14 {
            return i - 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use time::macros::date;
    use time::{Duration, Month};

    use super::*;

    fn tet(year: i32) -> Date {
        new_year(year).unwrap()
    }

    #[test]
    fn tet_falls_on_the_days_vietnam_kept() {
        assert_eq!(tet(2024), date!(2024 - 02 - 10));
        assert_eq!(tet(2025), date!(2025 - 01 - 29));
        assert_eq!(tet(2026), date!(2026 - 02 - 17));
        assert_eq!(tet(2027), date!(2027 - 02 - 06));
        assert_eq!(tet(2028), date!(2028 - 01 - 26));
        assert_eq!(tet(2029), date!(2029 - 02 - 13));
        assert_eq!(tet(2007), date!(2007 - 02 - 17));
    }

    #[test]
    fn tet_2030_is_a_day_before_chinas() {
        // The new moon is at 16:07 UTC on 2 February 2030: 23:07 in Vietnam,
        // 00:07 on the 3rd in China, whose New Year is on the 3rd.
        assert_eq!(tet(2030), date!(2030 - 02 - 02));
        assert_eq!(
            LunarDate::from_solar(date!(2030 - 02 - 03)).unwrap(),
            LunarDate::new(2030, 1, 2)
        );
    }

    #[test]
    fn tet_1985_is_a_month_before_chinas_because_of_utc_plus_7() {
        assert_eq!(tet(1985), date!(1985 - 01 - 21));
        assert_eq!(
            LunarDate::from_solar(date!(1985 - 02 - 20)).unwrap(),
            LunarDate::new(1985, 2, 1)
        );
    }

    #[test]
    fn the_leap_second_month_of_2023_follows_the_regular_one() {
        assert_eq!(
            LunarDate::leap(2023, 2, 1).to_solar().unwrap(),
            date!(2023 - 03 - 22)
        );
        assert_eq!(
            LunarDate::from_solar(date!(2023 - 03 - 22)).unwrap(),
            LunarDate::leap(2023, 2, 1)
        );
        assert_eq!(
            LunarDate::from_solar(date!(2023 - 03 - 21)).unwrap(),
            LunarDate::new(2023, 2, 30)
        );
        assert_eq!(
            LunarDate::new(2023, 2, 1).to_solar().unwrap(),
            date!(2023 - 02 - 20)
        );
        assert_eq!(
            LunarDate::new(2023, 3, 1).to_solar().unwrap(),
            date!(2023 - 04 - 20)
        );
    }

    #[test]
    fn the_leap_sixth_month_of_2025_starts_on_25_july() {
        assert_eq!(
            LunarDate::leap(2025, 6, 1).to_solar().unwrap(),
            date!(2025 - 07 - 25)
        );
        assert_eq!(
            LunarDate::from_solar(date!(2025 - 07 - 24)).unwrap(),
            LunarDate::new(2025, 6, 30)
        );
    }

    #[test]
    fn other_recent_leap_months_fall_where_the_calendars_print_them() {
        assert_eq!(
            LunarDate::leap(2020, 4, 1).to_solar().unwrap(),
            date!(2020 - 05 - 23)
        );
        assert_eq!(
            LunarDate::leap(2017, 6, 1).to_solar().unwrap(),
            date!(2017 - 07 - 23)
        );
        assert!(LunarDate::leap(2024, 6, 1).to_solar().is_err());
    }

    #[test]
    fn hung_kings_day_is_the_tenth_of_the_third_month() {
        let hung = |year| LunarDate::new(year, 3, 10).to_solar().unwrap();
        assert_eq!(hung(2025), date!(2025 - 04 - 07));
        assert_eq!(hung(2026), date!(2026 - 04 - 26));
        // After 2023's leap second month it came late.
        assert_eq!(hung(2023), date!(2023 - 04 - 29));
    }

    #[test]
    fn days_the_calendar_lacks_are_refused() {
        // 2023 has no leap third month, 2026 no leap month at all.
        assert!(LunarDate::leap(2023, 3, 1).to_solar().is_err());
        assert!(LunarDate::leap(2026, 6, 1).to_solar().is_err());
        // The twelfth month of the lunar year 2024 had 29 days: no "30 Tết".
        assert_eq!(
            LunarDate::new(2024, 12, 29).to_solar().unwrap(),
            date!(2025 - 01 - 28)
        );
        assert_eq!(
            LunarDate::new(2024, 12, 30).to_solar(),
            Err(Error::NoSuchLunarDate {
                year: 2024,
                month: 12,
                leap: false,
                day: 30
            })
        );
        assert!(LunarDate::new(2025, 13, 1).to_solar().is_err());
        assert!(LunarDate::new(2025, 1, 0).to_solar().is_err());
    }

    #[test]
    fn years_outside_1900_to_2199_are_refused() {
        assert_eq!(
            LunarDate::from_solar(date!(1899 - 12 - 31)),
            Err(Error::YearOutOfRange(1899))
        );
        assert_eq!(
            LunarDate::from_solar(date!(2200 - 01 - 01)),
            Err(Error::YearOutOfRange(2200))
        );
        assert!(LunarDate::from_solar(date!(1900 - 01 - 01)).is_ok());
        assert!(LunarDate::from_solar(date!(2199 - 12 - 31)).is_ok());
        assert_eq!(new_year(2200), Err(Error::YearOutOfRange(2200)));
    }

    #[test]
    fn the_julian_day_formula_agrees_with_time() {
        let mut day = date!(1899 - 01 - 01);
        while day <= date!(2200 - 12 - 31) {
            assert_eq!(
                julian_day(
                    i64::from(day.year()),
                    i64::from(u8::from(day.month())),
                    i64::from(day.day())
                ),
                i64::from(day.to_julian_day()),
                "{day}"
            );
            day += Duration::days(1);
        }
    }

    /// Walks every day from 1950 to 2100: each converts to a lunar date that
    /// converts back to it, and consecutive days step through the lunar
    /// calendar as it must (day + 1, or day 1 of the next month after a
    /// month of 29 or 30 days; months in order with at most one leap month a
    /// year, repeating the month before it; the year turning at month 1).
    #[test]
    fn every_day_from_1950_to_2100_round_trips() {
        let mut day = date!(1950 - 01 - 01);
        let mut previous = LunarDate::from_solar(day - Duration::days(1)).unwrap();
        let mut leap_months = 0;
        while day <= date!(2100 - 12 - 31) {
            let lunar = LunarDate::from_solar(day).unwrap();
            assert_eq!(lunar.to_solar().unwrap(), day, "{day} -> {lunar:?}");
            if lunar.day == 1 {
                assert!(
                    previous.day == 29 || previous.day == 30,
                    "{day}: {previous:?}"
                );
                let expected_next = if lunar.leap {
                    leap_months += 1;
                    (previous.year, previous.month)
                } else if previous.month == 12 {
                    (previous.year + 1, 1)
                } else {
                    (previous.year, previous.month + 1)
                };
                assert_eq!((lunar.year, lunar.month), expected_next, "{day}");
                assert!(!(lunar.leap && previous.leap), "{day}");
            } else {
                assert_eq!(
                    (lunar.year, lunar.month, lunar.leap, lunar.day),
                    (
                        previous.year,
                        previous.month,
                        previous.leap,
                        previous.day + 1
                    ),
                    "{day}"
                );
            }
            previous = lunar;
            day += Duration::days(1);
        }
        // Seven leap months every nineteen years: about 56 in 151 years.
        assert!((54..=58).contains(&leap_months), "{leap_months}");
    }

    #[test]
    fn tet_always_falls_between_21_january_and_20_february() {
        for year in FIRST_YEAR..=LAST_YEAR {
            let day = tet(year);
            assert_eq!(day.year(), year);
            let after_start = day.month() == Month::January && day.day() >= 21;
            let before_end = day.month() == Month::February && day.day() <= 20;
            assert!(after_start || before_end, "{year}: {day}");
        }
    }
}
