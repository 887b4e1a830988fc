//! The measures of Decree 30/2020/NĐ-CP, Phụ lục I, as Word units: lengths
//! in twentieths of a point (twips, 567 to the centimetre), type sizes in
//! half-points. Where the decree gives a range we take the value the
//! ministries' own templates use.

/// Typeface required for administrative documents (with a Unicode TCVN 6909
/// font; LibreOffice substitutes the metric twin Liberation Serif).
pub const FONT: &str = "Times New Roman";

/// A4 portrait.
pub const PAGE_WIDTH: u32 = 11_906;
pub const PAGE_HEIGHT: u32 = 16_838;
/// Top and bottom 20 mm (20–25 allowed), left 30 mm (30–35), right 15 mm
/// (15–20).
pub const MARGIN_TOP: i32 = 1_134;
pub const MARGIN_BOTTOM: i32 = 1_134;
pub const MARGIN_LEFT: i32 = 1_701;
pub const MARGIN_RIGHT: i32 = 850;
/// The page number sits in the top margin, 10 mm from the edge.
pub const HEADER_DISTANCE: i32 = 567;
/// The width between the margins: 165 mm.
pub const TEXT_WIDTH: usize = 9_355;

/// The header table: the issuing body on the left, the national title on
/// the right. The right column is wide enough for "CỘNG HÒA XÃ HỘI CHỦ NGHĨA
/// VIỆT NAM" on one line at 12 pt bold.
pub const HEADER_LEFT: usize = 3_402;
pub const HEADER_RIGHT: usize = TEXT_WIDTH - HEADER_LEFT;
/// The closing table: recipients on the left, signature on the right.
pub const CLOSING_LEFT: usize = 4_536;
pub const CLOSING_RIGHT: usize = TEXT_WIDTH - CLOSING_LEFT;
/// Left and right padding inside the borderless tables' cells.
pub const CELL_PADDING: usize = 57;

/// Type sizes, in half-points.
pub const SIZE_BODY: usize = 28; // 13–14 pt
pub const SIZE_SUPERIOR: usize = 26; // 12–13 pt, upper case, regular
pub const SIZE_ISSUER: usize = 26; // 12–13 pt, upper case, bold
pub const SIZE_NUMBER: usize = 26; // 13 pt
pub const SIZE_NATIONAL_TITLE: usize = 24; // 12–13 pt, bold upper case
pub const SIZE_MOTTO: usize = 26; // 13–14 pt, bold
pub const SIZE_DATE_LINE: usize = 28; // 13–14 pt, italic
pub const SIZE_KIND: usize = 28; // 13–14 pt, bold upper case
pub const SIZE_SUMMARY: usize = 28; // 13–14 pt, bold
pub const SIZE_TABLE: usize = 26; // 12–13 pt
pub const SIZE_RECIPIENTS_LABEL: usize = 24; // 12 pt, bold italic
pub const SIZE_RECIPIENTS: usize = 22; // 11 pt
pub const SIZE_SIGNATURE: usize = 28; // 13–14 pt, bold
pub const SIZE_PAGE_NUMBER: usize = 26; // 13–14 pt

/// First-line indent of body paragraphs: 1.27 cm (1–1.27 allowed).
pub const FIRST_LINE_INDENT: i32 = 720;
/// Space before each body paragraph: 6 pt, the least the decree allows.
pub const PARAGRAPH_SPACING: u32 = 120;
/// Line spacing of the body, in 240ths of a line: 1.15 lines, between the
/// single and 1.5 lines allowed.
pub const LINE_SPACING: i32 = 276;
/// Room left for the handwritten signature and the seal, above the name.
pub const SIGNATURE_SPACE: u32 = 1_700;
/// Thickness of the short rules under the headings, in eighths of a point.
pub const RULE_THICKNESS: usize = 6;

/// Roughly how wide `text` prints in Times New Roman at `size` half-points,
/// in twips: average advance widths by kind of letter, in thousandths of an
/// em. Good to a few percent, enough to size the rules the decree wants
/// under a line of text (its full length, or a third to a half of it).
pub fn text_width(text: &str, size: usize) -> usize {
    let thousandths: usize = text
        .chars()
        .map(|c| match c {
            ' ' => 250,
            '-' | ',' | '.' | ':' | ';' | '/' => 300,
            'I' | 'J' | 'i' | 'j' | 'l' => 300,
            'M' | 'W' | 'Ơ' | 'Ư' => 900,
            'f' | 'r' | 't' => 360,
            'm' | 'w' => 800,
            c if c.is_ascii_digit() => 500,
            c if c.is_uppercase() => 720,
            _ => 530,
        })
        .sum();
    // Half-points to twips is a factor of 10.
    thousandths * size * 10 / 1000
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_page_adds_up_to_a4_less_the_margins() {
        let width = usize::try_from(PAGE_WIDTH).unwrap();
        let margins = usize::try_from(MARGIN_LEFT + MARGIN_RIGHT).unwrap();
        assert_eq!(width - margins, TEXT_WIDTH);
        // 210 × 297 mm within a twip.
        assert!((f64::from(PAGE_WIDTH) / 567.0 * 10.0 - 210.0).abs() < 0.1);
        assert!((f64::from(PAGE_HEIGHT) / 567.0 * 10.0 - 297.0).abs() < 0.1);
    }

    #[test]
    fn the_national_title_fits_its_column() {
        let title = text_width("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", SIZE_NATIONAL_TITLE);
        assert!(title < HEADER_RIGHT - 2 * CELL_PADDING, "{title}");
        // LibreOffice sets it 250 pt (5,000 twips, 8.8 cm) wide.
        assert!((4_800..5_500).contains(&title), "{title}");
    }
}
