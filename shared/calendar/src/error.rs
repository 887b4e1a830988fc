//! What can go wrong with dates and the yearly configuration, said in Vietnamese.

use time::Date;

/// An error of the calendar; its message is meant for the person who typed
/// the date or wrote the configuration.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    #[error("Năm {0} nằm ngoài khoảng năm lịch hỗ trợ (1900–2199).")]
    YearOutOfRange(i32),
    #[error(
        "Không có ngày {day} tháng {month}{} năm {year} âm lịch.",
        if *leap { " nhuận" } else { "" }
    )]
    NoSuchLunarDate {
        year: i32,
        month: u8,
        leap: bool,
        day: u8,
    },
    #[error("Ngày {} được khai báo nhiều lần trong cấu hình ngày nghỉ.", short(.0))]
    DuplicateOverride(Date),
    #[error("Ngày {} cần có tên gọi (ví dụ: \"Nghỉ bù Tết Nguyên đán\").", short(.0))]
    MissingLabel(Date),
    #[error("Lỗi khi tính lịch âm; xin báo cho bộ phận kỹ thuật.")]
    Internal,
}

fn short(date: &Date) -> String {
    congxa_locale::time::day_date(*date)
}

#[cfg(test)]
mod tests {
    use time::macros::date;

    use super::*;

    #[test]
    fn messages_are_in_vietnamese_with_vietnamese_dates() {
        assert_eq!(
            Error::DuplicateOverride(date!(2025 - 01 - 27)).to_string(),
            "Ngày 27/01/2025 được khai báo nhiều lần trong cấu hình ngày nghỉ."
        );
        assert_eq!(
            Error::NoSuchLunarDate {
                year: 2023,
                month: 3,
                leap: true,
                day: 1
            }
            .to_string(),
            "Không có ngày 1 tháng 3 nhuận năm 2023 âm lịch."
        );
    }
}
