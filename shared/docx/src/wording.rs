//! The fixed wording of Decree 30/2020/NĐ-CP: the date line, the number
//! line, the recipients list.

use time::Date;

/// "Quốc Tuấn, ngày 05 tháng 02 năm 2026": the place-and-date line. Decree
/// 30 (Phụ lục I) writes days below 10 and the months 1 and 2 with a leading
/// zero, so that no digit can be added in front later; other months have
/// none ("ngày 15 tháng 3 năm 2026").
///
/// ```
/// use time::macros::date;
///
/// assert_eq!(
///     congxa_docx::place_and_date("Quốc Tuấn", date!(2026 - 02 - 05)),
///     "Quốc Tuấn, ngày 05 tháng 02 năm 2026"
/// );
/// ```
pub fn place_and_date(place: &str, date: Date) -> String {
    let month = u8::from(date.month());
    let month = if month <= 2 {
        format!("{month:02}")
    } else {
        month.to_string()
    };
    format!(
        "{}, ngày {:02} tháng {} năm {}",
        place.trim(),
        date.day(),
        month,
        date.year()
    )
}

/// "Số: 142/BC-UBND". Numbers below 10 take a leading zero, as Decree 30
/// requires ("Số: 05/BC-UBND").
pub fn number_line(number: &str) -> String {
    let number = number.trim();
    let digits = number.chars().take_while(char::is_ascii_digit).count();
    if digits == 1 {
        format!("Số: 0{number}")
    } else {
        format!("Số: {number}")
    }
}

/// The recipients as printed: "- Như trên;" … "- Lưu: VT.". Whatever dash
/// or closing mark the item came with is replaced, so the list ends the way
/// the decree's samples do.
pub fn recipient_lines(recipients: &[String]) -> Vec<String> {
    let items: Vec<&str> = recipients
        .iter()
        .map(|item| {
            item.trim()
                .trim_start_matches(['-', '–', '+'])
                .trim_end_matches([';', '.', ','])
                .trim()
        })
        .filter(|item| !item.is_empty())
        .collect();
    let last = items.len().saturating_sub(1);
    items
        .iter()
        .enumerate()
        .map(|(i, item)| format!("- {item}{}", if i == last { "." } else { ";" }))
        .collect()
}

#[cfg(test)]
mod tests {
    use time::macros::date;

    use super::*;

    #[test]
    fn days_below_ten_and_january_and_february_take_a_leading_zero() {
        assert_eq!(
            place_and_date("Quốc Tuấn", date!(2026 - 12 - 15)),
            "Quốc Tuấn, ngày 15 tháng 12 năm 2026"
        );
        assert_eq!(
            place_and_date("Quốc Tuấn", date!(2026 - 02 - 05)),
            "Quốc Tuấn, ngày 05 tháng 02 năm 2026"
        );
        assert_eq!(
            place_and_date("Quốc Tuấn", date!(2027 - 01 - 01)),
            "Quốc Tuấn, ngày 01 tháng 01 năm 2027"
        );
        assert_eq!(
            place_and_date(" Quốc Tuấn ", date!(2026 - 03 - 09)),
            "Quốc Tuấn, ngày 09 tháng 3 năm 2026"
        );
        assert_eq!(
            place_and_date("Quốc Tuấn", date!(2026 - 09 - 30)),
            "Quốc Tuấn, ngày 30 tháng 9 năm 2026"
        );
        assert_eq!(
            place_and_date("Quốc Tuấn", date!(2026 - 10 - 10)),
            "Quốc Tuấn, ngày 10 tháng 10 năm 2026"
        );
    }

    #[test]
    fn numbers_below_ten_take_a_leading_zero() {
        assert_eq!(number_line("142/BC-UBND"), "Số: 142/BC-UBND");
        assert_eq!(number_line("5/BC-UBND"), "Số: 05/BC-UBND");
        assert_eq!(number_line("05/BC-UBND"), "Số: 05/BC-UBND");
        assert_eq!(number_line("   /BC-UBND"), "Số: /BC-UBND");
    }

    #[test]
    fn recipients_end_with_semicolons_and_a_full_stop() {
        let given = vec![
            "Như trên".to_owned(),
            "- UBND tỉnh (để b/c);".to_owned(),
            "  ".to_owned(),
            "Lưu: VT, VP.".to_owned(),
        ];
        assert_eq!(
            recipient_lines(&given),
            ["- Như trên;", "- UBND tỉnh (để b/c);", "- Lưu: VT, VP."]
        );
        assert!(recipient_lines(&[]).is_empty());
    }
}
