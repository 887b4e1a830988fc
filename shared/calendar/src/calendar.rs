//! Working days: the statutory holidays with their compensation days, as
//! corrected for each year by the days the government announces.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};
use time::Date;

use crate::Error;
use crate::holidays::{self, COMPENSATION, is_weekend};
use crate::lunar::{FIRST_YEAR, LAST_YEAR};

time::serde::format_description!(iso_date, Date, "[year]-[month]-[day]");

/// A change to the default rules for one date, as the government announces
/// them each year (bridge days, make-up Saturdays, Tết placed otherwise).
///
/// In configuration files:
/// `{"kind": "day_off", "date": "2025-01-27", "label": "Tết Nguyên đán"}`,
/// `{"kind": "working_day", "date": "2025-04-26", "label": "Làm bù cho ngày 02/5"}`,
/// `{"kind": "remove_day_off", "date": "2025-02-01"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Override {
    /// An extra day off, shown with its own label. It gets no compensation
    /// day if it falls on a weekend.
    DayOff {
        #[serde(with = "iso_date")]
        date: Date,
        label: String,
    },
    /// A day worked although it is a weekend or a default day off, such as
    /// a Saturday worked to make up for a bridge day.
    WorkingDay {
        #[serde(with = "iso_date")]
        date: Date,
        label: String,
    },
    /// The default day off on this date (a statutory holiday or a
    /// compensation day) is not taken. A holiday removed this way brings no
    /// compensation day either; the date is then an ordinary day (a weekday
    /// is worked, a weekend stays off).
    RemoveDayOff {
        #[serde(with = "iso_date")]
        date: Date,
    },
}

impl Override {
    /// An override as stored: its kind's code (the serde tag), date and
    /// label; `None` for a kind this version does not know.
    pub fn from_stored(code: &str, date: Date, label: String) -> Option<Self> {
        match code {
            "day_off" => Some(Override::DayOff { date, label }),
            "working_day" => Some(Override::WorkingDay { date, label }),
            "remove_day_off" => Some(Override::RemoveDayOff { date }),
            _ => None,
        }
    }

    /// The kind's code, as stored and as JSON writes it.
    pub fn code(&self) -> &'static str {
        match self {
            Override::DayOff { .. } => "day_off",
            Override::WorkingDay { .. } => "working_day",
            Override::RemoveDayOff { .. } => "remove_day_off",
        }
    }

    /// What the day is called; empty for a day off taken away.
    pub fn label(&self) -> &str {
        match self {
            Override::DayOff { label, .. } | Override::WorkingDay { label, .. } => label,
            Override::RemoveDayOff { .. } => "",
        }
    }

    /// The date the override is about.
    pub fn date(&self) -> Date {
        match self {
            Override::DayOff { date, .. }
            | Override::WorkingDay { date, .. }
            | Override::RemoveDayOff { date } => *date,
        }
    }
}

/// Vietnamese working days: Monday to Friday, less the public holidays and
/// their compensation days, with each year's announced changes.
///
/// Years are worked out the first time they are asked for and kept. Outside
/// 1900–2199 the lunar holidays cannot be placed, so only weekends are days
/// off there.
#[derive(Debug, Clone)]
pub struct Calendar {
    overrides: BTreeMap<i32, Vec<Override>>,
    years: Box<[OnceLock<YearDays>]>,
}

/// What a year changes about the Monday–Friday week.
#[derive(Debug, Clone, Default)]
struct YearDays {
    days: BTreeMap<Date, Day>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Day {
    Off(String),
    Working(String),
}

impl Default for Calendar {
    /// The default rules alone, with no announced changes.
    fn default() -> Self {
        Self::build(BTreeMap::new())
    }
}

impl Calendar {
    /// The calendar with the given changes to the default rules. Each date
    /// may be changed once, within 1900–2199, and an added day off or
    /// working day needs a label.
    pub fn new(overrides: &[Override]) -> Result<Self, Error> {
        let mut by_year: BTreeMap<i32, Vec<Override>> = BTreeMap::new();
        let mut seen = BTreeSet::new();
        for item in overrides {
            let date = item.date();
            if !(FIRST_YEAR..=LAST_YEAR).contains(&date.year()) {
                return Err(Error::YearOutOfRange(date.year()));
            }
            if !seen.insert(date) {
                return Err(Error::DuplicateOverride(date));
            }
            if let Override::DayOff { label, .. } | Override::WorkingDay { label, .. } = item
                && label.trim().is_empty()
            {
                return Err(Error::MissingLabel(date));
            }
            by_year.entry(date.year()).or_default().push(item.clone());
        }
        Ok(Self::build(by_year))
    }

    fn build(overrides: BTreeMap<i32, Vec<Override>>) -> Self {
        let span = usize::try_from(LAST_YEAR - FIRST_YEAR + 1).unwrap_or(0);
        Self {
            overrides,
            years: (0..span).map(|_| OnceLock::new()).collect(),
        }
    }

    fn year(&self, year: i32) -> Option<&YearDays> {
        let index = usize::try_from(year.checked_sub(FIRST_YEAR)?).ok()?;
        let cell = self.years.get(index)?;
        Some(cell.get_or_init(|| {
            let overrides = self.overrides.get(&year).map_or(&[][..], Vec::as_slice);
            YearDays::build(year, overrides)
        }))
    }

    fn day(&self, date: Date) -> Option<&Day> {
        self.year(date.year())?.days.get(&date)
    }

    /// Whether public servants work on this day.
    pub fn is_working_day(&self, date: Date) -> bool {
        match self.day(date) {
            Some(Day::Off(_)) => false,
            Some(Day::Working(_)) => true,
            None => !is_weekend(date),
        }
    }

    /// The Vietnamese name of the holiday or announced day off on this date
    /// ("Tết Nguyên đán", "Nghỉ bù", an override's label), also when it falls
    /// on a weekend; `None` for ordinary days and weekends.
    pub fn holiday(&self, date: Date) -> Option<&str> {
        match self.day(date) {
            Some(Day::Off(name)) => Some(name),
            _ => None,
        }
    }

    /// The deadline `n` working days after `date`: the `n`-th working day
    /// that follows it (a Friday plus 2 is the Tuesday after). `date` itself
    /// for `n = 0`.
    pub fn add_working_days(&self, date: Date, n: u32) -> Date {
        let mut day = date;
        let mut left = n;
        while left > 0 {
            match day.next_day() {
                Some(next) => day = next,
                None => return day,
            }
            if self.is_working_day(day) {
                left -= 1;
            }
        }
        day
    }

    /// The first day on which something with `n` working days to be done
    /// can have begun and not be late on `today`: begun on `d`, it is late
    /// exactly when `d` is before this day, as
    /// `working_days_between(d, today) > n` says. Lets a query find the late
    /// ones with one date.
    pub fn late_if_begun_before(&self, today: Date, n: u32) -> Date {
        // The (n + 1)-th working day counting back from today, today
        // included when it is one.
        let today_counts = u32::from(self.is_working_day(today));
        self.subtract_working_days(today, n + 1 - today_counts)
    }

    /// The `n`-th working day before `date` (a Monday minus 2 is the
    /// Thursday before); `date` itself for `n = 0`.
    pub fn subtract_working_days(&self, date: Date, n: u32) -> Date {
        let mut day = date;
        let mut left = n;
        while left > 0 {
            match day.previous_day() {
                Some(previous) => day = previous,
                None => return day,
            }
            if self.is_working_day(day) {
                left -= 1;
            }
        }
        day
    }

    /// How many working days come after `from` up to and including `to`;
    /// negative when `to` is before `from`. For a deadline of `n` working
    /// days, a result above `n` means late, and
    /// `working_days_between(d, add_working_days(d, n)) == n`.
    pub fn working_days_between(&self, from: Date, to: Date) -> i64 {
        if to < from {
            return -self.working_days_between(to, from);
        }
        let mut count = 0;
        let mut day = from;
        while day < to {
            match day.next_day() {
                Some(next) => day = next,
                None => break,
            }
            if self.is_working_day(day) {
                count += 1;
            }
        }
        count
    }

    /// Every day off of the year other than plain weekends, in date order
    /// with its name: what an operator checks against the government's
    /// announcement.
    pub fn holidays_of(&self, year: i32) -> Vec<(Date, String)> {
        self.year(year)
            .map(|days| {
                days.days
                    .iter()
                    .filter_map(|(date, day)| match day {
                        Day::Off(name) => Some((*date, name.clone())),
                        Day::Working(_) => None,
                    })
                    .collect()
            })
            .unwrap_or_default()
    }

    /// The days of the year worked by announcement (make-up Saturdays), with
    /// their labels.
    pub fn make_up_days_of(&self, year: i32) -> Vec<(Date, String)> {
        self.year(year)
            .map(|days| {
                days.days
                    .iter()
                    .filter_map(|(date, day)| match day {
                        Day::Working(label) => Some((*date, label.clone())),
                        Day::Off(_) => None,
                    })
                    .collect()
            })
            .unwrap_or_default()
    }
}

impl YearDays {
    /// The year's statutory holidays, less the removed ones, plus the added
    /// days off and working days, then the compensation days (Labour Code
    /// Art. 111.3: a holiday on a weekly day off is given back on the next
    /// working day). The law does not say what happens when two holidays
    /// fall on one date (10/3 lunar can meet 30/4); we give one of them back
    /// the same way, so no day off is lost. Compensation days skip days
    /// already off and days declared worked, and are placed in the order of
    /// the holidays.
    fn build(year: i32, overrides: &[Override]) -> Self {
        let removed: BTreeSet<Date> = overrides
            .iter()
            .filter(|item| !matches!(item, Override::DayOff { .. }))
            .map(Override::date)
            .collect();

        let mut days = BTreeMap::new();
        let mut to_give_back = Vec::new();
        for (date, name) in holidays::statutory(year) {
            if removed.contains(&date) {
                continue;
            }
            if is_weekend(date) || days.contains_key(&date) {
                to_give_back.push(date);
            }
            days.entry(date)
                .or_insert_with(|| Day::Off(name.to_owned()));
        }

        for item in overrides {
            match item {
                Override::DayOff { date, label } => {
                    days.insert(*date, Day::Off(label.clone()));
                }
                Override::WorkingDay { date, label } => {
                    days.insert(*date, Day::Working(label.clone()));
                }
                Override::RemoveDayOff { .. } => {}
            }
        }

        for holiday in to_give_back {
            let mut day = holiday;
            while let Some(next) = day.next_day() {
                day = next;
                if !is_weekend(day) && !days.contains_key(&day) {
                    days.insert(day, Day::Off(COMPENSATION.to_owned()));
                    break;
                }
            }
        }

        // A removal also cancels a compensation day that landed on its date:
        // that is how an announcement that moves Tết's days is written.
        for item in overrides {
            if let Override::RemoveDayOff { date } = item
                && matches!(days.get(date), Some(Day::Off(_)))
            {
                days.remove(date);
            }
        }

        Self { days }
    }
}

#[cfg(test)]
mod tests {
    use time::macros::date;

    use super::*;

    #[test]
    fn overrides_read_from_json_with_plain_dates() {
        let json = r#"[
            {"kind": "day_off", "date": "2025-05-02", "label": "Nghỉ hoán đổi"},
            {"kind": "working_day", "date": "2025-04-26", "label": "Làm bù cho ngày 02/5"},
            {"kind": "remove_day_off", "date": "2025-02-01"}
        ]"#;
        let overrides: Vec<Override> = serde_json::from_str(json).unwrap();
        assert_eq!(
            overrides,
            [
                Override::DayOff {
                    date: date!(2025 - 05 - 02),
                    label: "Nghỉ hoán đổi".into()
                },
                Override::WorkingDay {
                    date: date!(2025 - 04 - 26),
                    label: "Làm bù cho ngày 02/5".into()
                },
                Override::RemoveDayOff {
                    date: date!(2025 - 02 - 01)
                },
            ]
        );
        let back = serde_json::to_string(&overrides[2]).unwrap();
        assert_eq!(back, r#"{"kind":"remove_day_off","date":"2025-02-01"}"#);
    }

    #[test]
    fn a_misspelt_field_is_refused() {
        let json = r#"{"kind": "day_off", "date": "2025-05-02", "lable": "x"}"#;
        assert!(serde_json::from_str::<Override>(json).is_err());
    }

    #[test]
    fn working_days_count_back_over_weekends_and_tet() {
        let calendar = Calendar::default();
        // Monday 30 November 2026, minus two: Thursday 26.
        assert_eq!(
            calendar.subtract_working_days(date!(2026 - 11 - 30), 2),
            date!(2026 - 11 - 26)
        );
        // Across Tết 2026 and on every kind of day, "begun before" says late
        // exactly when the count of working days does.
        let mut today = date!(2026 - 02 - 01);
        while today <= date!(2026 - 03 - 10) {
            for n in [0, 2, 5, 15] {
                let first = calendar.late_if_begun_before(today, n);
                for back in 0..40 {
                    let begun = today - time::Duration::days(back);
                    let late = calendar.working_days_between(begun, today) > i64::from(n);
                    assert_eq!(begun < first, late, "{begun} → {today}, {n} days");
                }
            }
            today = today.next_day().unwrap();
        }
    }

    #[test]
    fn a_calendar_is_shared_between_threads() {
        fn shareable<T: Send + Sync>() {}
        shareable::<Calendar>();
    }
}
