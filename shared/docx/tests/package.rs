//! The DOCX package itself: the page, type and parts Decree 30 prescribes,
//! read back from the XML.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::io::{Cursor, Read};

use congxa_docx::{Block, Error, write};

fn part(docx: &[u8], name: &str) -> String {
    let mut archive = zip::ZipArchive::new(Cursor::new(docx)).unwrap();
    let mut file = archive.by_name(name).unwrap();
    let mut text = String::new();
    file.read_to_string(&mut text).unwrap();
    text
}

/// The first element `<w:{tag} .../>` of `xml`.
fn element<'a>(xml: &'a str, tag: &str) -> &'a str {
    let start = xml
        .find(&format!("<w:{tag} "))
        .unwrap_or_else(|| panic!("không có <w:{tag}>"));
    let end = start + xml[start..].find('>').unwrap();
    &xml[start..=end]
}

#[test]
fn the_page_is_a4_with_the_decrees_margins() {
    let docx = write(&support::yearly_report()).unwrap();
    let document = part(&docx, "word/document.xml");
    let size = element(&document, "pgSz");
    assert!(
        size.contains(r#"w:w="11906""#) && size.contains(r#"w:h="16838""#),
        "{size}"
    );
    let margins = element(&document, "pgMar");
    for expected in [
        r#"w:top="1134""#,
        r#"w:bottom="1134""#,
        r#"w:left="1701""#,
        r#"w:right="850""#,
    ] {
        assert!(margins.contains(expected), "{margins}");
    }
    // No page number on the first page, then numbers at the top.
    assert!(document.contains("<w:titlePg"), "titlePg");
    let headers: Vec<String> = ["word/header1.xml", "word/header2.xml"]
        .iter()
        .map(|name| part(&docx, name))
        .collect();
    assert!(headers.iter().any(|h| h.contains("PAGE")), "{headers:?}");
}

#[test]
fn the_type_is_times_new_roman_14_pt_by_default() {
    let docx = write(&support::yearly_report()).unwrap();
    let styles = part(&docx, "word/styles.xml");
    assert!(styles.contains(r#"w:ascii="Times New Roman""#), "{styles}");
    assert!(styles.contains(r#"<w:sz w:val="28""#), "{styles}");
    let document = part(&docx, "word/document.xml");
    assert!(!document.contains("Calibri") && !document.contains("Arial"));
}

#[test]
fn body_paragraphs_are_justified_and_indented_6_pt_apart() {
    let docx = write(&support::yearly_report()).unwrap();
    let document = part(&docx, "word/document.xml");
    let paragraph = document
        .split("<w:p ")
        .find(|p| p.contains("Ban biên tập trang thông tin"))
        .unwrap();
    assert!(paragraph.contains(r#"<w:jc w:val="both""#), "{paragraph}");
    assert!(paragraph.contains(r#"w:firstLine="720""#), "{paragraph}");
    assert!(paragraph.contains(r#"w:before="120""#), "{paragraph}");
    assert!(paragraph.contains(r#"w:line="276""#), "{paragraph}");
}

#[test]
fn the_header_and_closing_tables_have_no_borders_and_the_data_table_has() {
    let docx = write(&support::yearly_report()).unwrap();
    let document = part(&docx, "word/document.xml");
    let tables: Vec<&str> = document.split("<w:tbl>").skip(1).collect();
    assert_eq!(tables.len(), 3);
    let borders = |table: &str| element(table, "top").to_owned();
    assert!(tables[0].contains("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"));
    assert!(
        borders(tables[0]).contains(r#"w:val="nil""#),
        "{}",
        borders(tables[0])
    );
    assert!(tables[1].contains("Chuyên mục"));
    assert!(
        borders(tables[1]).contains(r#"w:val="single""#),
        "{}",
        borders(tables[1])
    );
    assert!(tables[2].contains("Nơi nhận:"));
    assert!(
        borders(tables[2]).contains(r#"w:val="nil""#),
        "{}",
        borders(tables[2])
    );
}

#[test]
fn the_same_document_gives_the_same_file() {
    let report = support::yearly_report();
    assert_eq!(write(&report).unwrap(), write(&report).unwrap());
}

#[test]
fn a_table_row_with_a_missing_cell_is_refused_in_vietnamese() {
    let mut report = support::yearly_report();
    report.blocks.push(Block::Table {
        header: vec!["Chỉ tiêu".into(), "Số liệu".into()],
        rows: vec![
            vec!["Lượt truy cập".into(), "312.450".into()],
            vec!["Ghi chú".into()],
        ],
    });
    let error = write(&report).unwrap_err();
    assert_eq!(
        error.to_string(),
        "Bảng thứ 2: dòng 2 có 1 ô nhưng bảng có 2 cột."
    );
}

#[test]
fn a_document_without_a_signer_is_refused() {
    let mut report = support::yearly_report();
    report.signature.name = "  ".into();
    let error = write(&report).unwrap_err();
    assert!(matches!(error, Error::Missing(_)));
    assert_eq!(error.to_string(), "Văn bản thiếu họ tên người ký.");
}

#[test]
fn control_characters_pasted_into_the_text_do_not_break_the_file() {
    let mut report = support::yearly_report();
    report
        .blocks
        .push(Block::Paragraph("Dán từ Word:\u{0c} <b>&\u{0b}".into()));
    let docx = write(&report).unwrap();
    let document = part(&docx, "word/document.xml");
    assert!(
        document.contains("Dán từ Word: &lt;b&gt;&amp;"),
        "văn bản không được thoát đúng"
    );
    assert!(!document.contains('\u{0c}') && !document.contains('\u{0b}'));
}
