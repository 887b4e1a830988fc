//! The DOCX opens in a real word processor: LibreOffice converts it to PDF
//! and the text read back from the PDF is the document's text, diacritics
//! and all.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use congxa_docx::{Block, Document, number_line, place_and_date, write};
use congxa_testing::office::{
    Converted, assert_in_order, flat, font_faces, read_docx, reading_order,
};

fn convert(document: &Document) -> Converted {
    read_docx(&write(document).unwrap())
}

#[test]
fn the_yearly_report_opens_in_libreoffice_with_all_its_text() {
    let report = support::yearly_report();
    let converted = convert(&report);
    let text = flat(&converted.text);
    eprintln!("LibreOffice chuyển sang PDF trong {:?}", converted.took);

    // The header's two columns come out in either order: each piece must be
    // there.
    for piece in [
        "ỦY BAN NHÂN DÂN TỈNH HƯNG YÊN",
        "ỦY BAN NHÂN DÂN XÃ QUỐC TUẤN",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        &number_line(&report.header.number),
        &place_and_date(&report.header.place, report.header.date),
    ] {
        assert!(text.contains(piece), "Không thấy «{piece}» trong:\n{text}");
    }
    assert!(text.contains("Số: 142/BC-UBND"));
    assert!(text.contains("Quốc Tuấn, ngày 15 tháng 12 năm 2026"));

    // The title and body in reading order, then the closing.
    assert_in_order(&text, &reading_order(&report));
    assert!(text.contains("- Lưu: VT."));
    assert_in_order(
        &text,
        &[
            "TM. ỦY BAN NHÂN DÂN".into(),
            "CHỦ TỊCH".into(),
            "Nguyễn Văn Đức".into(),
        ],
    );
    assert!(!text.contains('\u{fffd}'), "ký tự hỏng trong:\n{text}");

    // A4 pages, set in Times New Roman (LibreOffice's metric twin of it).
    assert!(
        converted.info.contains("(A4)"),
        "Khổ giấy không phải A4:\n{}",
        converted.info
    );
    let faces = font_faces(&converted.fonts);
    assert!(!faces.is_empty());
    for face in faces {
        assert!(
            face.contains("LiberationSerif") || face.contains("TimesNewRoman"),
            "Phông chữ lạ: {face}\n{}",
            converted.fonts
        );
    }
}

#[test]
fn a_short_document_without_superior_body_or_table_opens_too() {
    let mut notice = support::yearly_report();
    notice.header.superior = None;
    notice.header.number = "7/TB-UBND".into();
    notice.header.date = time::macros::date!(2027 - 02 - 03);
    notice.kind = "Thông báo".into();
    notice.summary = "Lịch nghỉ Tết Nguyên đán Đinh Mùi năm 2027".into();
    notice.blocks = vec![Block::Paragraph(
        "Cán bộ, công chức xã nghỉ Tết từ ngày 05/02/2027 đến hết ngày 10/02/2027.".into(),
    )];
    notice.signature.authority = vec![];
    notice.recipients = vec!["Lưu: VT".into()];

    let converted = convert(&notice);
    let text = flat(&converted.text);
    assert!(text.contains("Số: 07/TB-UBND"), "{text}");
    assert!(
        text.contains("Quốc Tuấn, ngày 03 tháng 02 năm 2027"),
        "{text}"
    );
    assert!(!text.contains("TỈNH HƯNG YÊN"), "{text}");
    assert_in_order(&text, &reading_order(&notice));
    assert!(text.contains("- Lưu: VT."), "{text}");
    assert_in_order(&text, &["CHỦ TỊCH".into(), "Nguyễn Văn Đức".into()]);
    assert!(
        converted.info.contains("Pages:           1"),
        "{}",
        converted.info
    );
}
