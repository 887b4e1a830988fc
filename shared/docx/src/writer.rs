//! Lays a [`Document`] out as a DOCX file with docx-rs.

use std::io::Cursor;

use docx_rs::{
    AlignmentType, BorderType, BreakType, Docx, Header as PageHeader, LineSpacing, LineSpacingType,
    PageMargin, PageNum, Paragraph, ParagraphBorder, ParagraphBorderPosition, ParagraphBorders,
    Run, RunFonts, SpecialIndentType, Table, TableBorder, TableBorderPosition, TableBorders,
    TableCell, TableCellMargins, TableLayoutType, TableRow, VAlignType, WidthType,
};

use crate::Error;
use crate::layout::*;
use crate::model::{Block, Document, Header, Signature};
use crate::wording::{number_line, place_and_date, recipient_lines};

/// The DOCX file of a document.
pub fn write(document: &Document) -> Result<Vec<u8>, Error> {
    check(document)?;

    let created = format!("{}T00:00:00Z", document.header.date);
    let mut docx = Docx::new()
        .page_size(PAGE_WIDTH, PAGE_HEIGHT)
        .page_margin(
            PageMargin::new()
                .top(MARGIN_TOP)
                .bottom(MARGIN_BOTTOM)
                .left(MARGIN_LEFT)
                .right(MARGIN_RIGHT)
                .header(HEADER_DISTANCE)
                .footer(HEADER_DISTANCE),
        )
        .default_fonts(fonts())
        .default_size(SIZE_BODY)
        // Page numbers at the top centre, from the second page on.
        .header(
            PageHeader::new().add_paragraph(
                Paragraph::new()
                    .align(AlignmentType::Center)
                    .add_page_num(PageNum::new())
                    .size(SIZE_PAGE_NUMBER),
            ),
        )
        .first_header(PageHeader::new())
        .title_pg()
        // A fixed date keeps the file the same for the same document.
        .created_at(&created)
        .updated_at(&created);

    docx = docx.add_table(header_table(&document.header));
    docx = docx
        .add_paragraph(
            centred(&document.kind.to_uppercase(), Font::bold(SIZE_KIND))
                .line_spacing(spacing(360, 0))
                .keep_next(true),
        )
        .add_paragraph(
            centred(&document.summary, Font::bold(SIZE_SUMMARY))
                .line_spacing(spacing(0, 0))
                .keep_next(true),
        )
        .add_paragraph(rule(
            text_width(&document.summary, SIZE_SUMMARY).min(TEXT_WIDTH) * 2 / 5,
            TEXT_WIDTH,
        ));

    for block in &document.blocks {
        docx = match block {
            Block::Heading1(text) | Block::Heading2(text) => {
                docx.add_paragraph(body(text, Font::bold(SIZE_BODY)).keep_next(true))
            }
            // Each line of a paragraph is a paragraph of its own, indented
            // as Vietnamese documents set one.
            Block::Paragraph(text) => clean(text)
                .split('\n')
                .filter(|line| !line.trim().is_empty())
                .fold(docx, |docx, line| {
                    docx.add_paragraph(body(line, Font::regular(SIZE_BODY)))
                }),
            Block::Bullet(text) => {
                let text = format!("- {}", text.trim().trim_start_matches(['-', '–']).trim());
                docx.add_paragraph(body(&text, Font::regular(SIZE_BODY)))
            }
            Block::Table { header, rows } => docx
                .add_table(data_table(header, rows))
                // Keeps two tables in a row from merging into one.
                .add_paragraph(spacer()),
        };
    }

    docx = docx
        .add_paragraph(spacer())
        .add_table(closing_table(&document.signature, &document.recipients))
        .add_paragraph(spacer());

    let mut bytes = Cursor::new(Vec::new());
    docx.build()
        .pack(&mut bytes)
        .map_err(|error| Error::Pack(Box::new(error)))?;
    Ok(bytes.into_inner())
}

/// The parts without which the document is not an administrative
/// document, and tables that would print misaligned.
fn check(document: &Document) -> Result<(), Error> {
    let required = [
        (&document.header.body, "tên cơ quan ban hành"),
        (&document.header.number, "số và ký hiệu"),
        (&document.header.place, "địa danh"),
        (&document.kind, "tên loại văn bản"),
        (&document.summary, "trích yếu nội dung"),
        (&document.signature.title, "chức vụ người ký"),
        (&document.signature.name, "họ tên người ký"),
    ];
    for (value, name) in required {
        if value.trim().is_empty() {
            return Err(Error::Missing(name));
        }
    }
    let tables = document.blocks.iter().filter_map(|block| match block {
        Block::Table { header, rows } => Some((header, rows)),
        _ => None,
    });
    for (index, (header, rows)) in tables.enumerate() {
        let table = index + 1;
        let columns = if header.is_empty() {
            rows.first().map_or(0, Vec::len)
        } else {
            header.len()
        };
        if columns == 0 {
            return Err(Error::EmptyTable { table });
        }
        for (row, cells) in rows.iter().enumerate() {
            if cells.len() != columns {
                return Err(Error::TableShape {
                    table,
                    row: row + 1,
                    cells: cells.len(),
                    columns,
                });
            }
        }
    }
    Ok(())
}

/// How a run of text is set.
#[derive(Clone, Copy)]
struct Font {
    size: usize,
    bold: bool,
    italic: bool,
}

impl Font {
    fn regular(size: usize) -> Self {
        Self {
            size,
            bold: false,
            italic: false,
        }
    }

    fn bold(size: usize) -> Self {
        Self {
            bold: true,
            ..Self::regular(size)
        }
    }

    fn italic(self) -> Self {
        Self {
            italic: true,
            ..self
        }
    }
}

fn fonts() -> RunFonts {
    RunFonts::new()
        .ascii(FONT)
        .hi_ansi(FONT)
        .cs(FONT)
        .east_asia(FONT)
}

/// A paragraph holding `text`, its line breaks kept as line breaks.
fn paragraph(text: &str, font: Font) -> Paragraph {
    let mut run = Run::new().fonts(fonts()).size(font.size);
    if font.bold {
        run = run.bold();
    }
    if font.italic {
        run = run.italic();
    }
    for (i, line) in clean(text).split('\n').enumerate() {
        if i > 0 {
            run = run.add_break(BreakType::TextWrapping);
        }
        run = run.add_text(line.trim_end());
    }
    Paragraph::new().add_run(run)
}

/// Drops the control characters XML cannot carry (a stray form feed pasted
/// from another program would make the file unreadable).
fn clean(text: &str) -> String {
    text.trim()
        .replace("\r\n", "\n")
        .chars()
        .filter(|c| *c == '\n' || *c == '\t' || !c.is_control())
        .collect()
}

fn spacing(before: u32, after: u32) -> LineSpacing {
    LineSpacing::new()
        .before(before)
        .after(after)
        .line_rule(LineSpacingType::Auto)
        .line(240)
}

fn centred(text: &str, font: Font) -> Paragraph {
    paragraph(text, font).align(AlignmentType::Center)
}

/// Body text: justified, first line indented, 6 pt apart.
fn body(text: &str, font: Font) -> Paragraph {
    paragraph(text, font)
        .align(AlignmentType::Both)
        .indent(
            None,
            Some(SpecialIndentType::FirstLine(FIRST_LINE_INDENT)),
            None,
            None,
        )
        .line_spacing(
            LineSpacing::new()
                .before(PARAGRAPH_SPACING)
                .after(0)
                .line_rule(LineSpacingType::Auto)
                .line(LINE_SPACING),
        )
}

/// A solid rule `width` twips long, centred in a space `room` twips wide:
/// the top border of an empty paragraph two points high, narrowed by its
/// indents, set a little below the line above so it clears the descenders.
fn rule(width: usize, room: usize) -> Paragraph {
    let width = width.clamp(850, room);
    let side = i32::try_from((room - width) / 2).unwrap_or(0);
    let mut paragraph = Paragraph::new()
        .size(2)
        .indent(Some(side), None, Some(side), None)
        .line_spacing(
            LineSpacing::new()
                .before(50)
                .after(0)
                .line_rule(LineSpacingType::Exact)
                .line(40),
        );
    paragraph.property = paragraph.property.set_borders(
        ParagraphBorders::with_empty().set(
            ParagraphBorder::new(ParagraphBorderPosition::Top)
                .val(BorderType::Single)
                .size(RULE_THICKNESS)
                .space(0)
                .color("000000"),
        ),
    );
    paragraph
}

/// An empty line of small type between blocks.
fn spacer() -> Paragraph {
    Paragraph::new()
        .size(SIZE_RECIPIENTS)
        .line_spacing(spacing(0, 0))
}

/// Every border explicitly off, so no reader's default table style draws one.
fn no_borders() -> TableBorders {
    TableBorders::new().clear_all()
}

fn cell(width: usize, paragraphs: Vec<Paragraph>) -> TableCell {
    let mut cell = TableCell::new()
        .width(width, WidthType::Dxa)
        .vertical_align(VAlignType::Top);
    for paragraph in paragraphs {
        cell = cell.add_paragraph(paragraph);
    }
    cell
}

fn borderless(rows: Vec<TableRow>, grid: Vec<usize>) -> Table {
    Table::new(rows)
        .set_grid(grid)
        .width(TEXT_WIDTH, WidthType::Dxa)
        .layout(TableLayoutType::Fixed)
        .set_borders(no_borders())
        .margins(TableCellMargins::new().margin(0, CELL_PADDING, 0, CELL_PADDING))
}

/// The top of the first page: issuing body and number on the left, national
/// title, motto and date line on the right, the number level with the date.
fn header_table(header: &Header) -> Table {
    let left_room = HEADER_LEFT - 2 * CELL_PADDING;
    let right_room = HEADER_RIGHT - 2 * CELL_PADDING;
    let tight = spacing(0, 0);

    let mut issuer = Vec::new();
    if let Some(superior) = header.superior.as_deref().filter(|s| !s.trim().is_empty()) {
        issuer.push(
            centred(&superior.to_uppercase(), Font::regular(SIZE_SUPERIOR))
                .line_spacing(tight.clone()),
        );
    }
    let body = header.body.to_uppercase();
    let body_width = clean(&body)
        .lines()
        .map(|line| text_width(line, SIZE_ISSUER))
        .max()
        .unwrap_or(0)
        .min(left_room);
    issuer.push(centred(&body, Font::bold(SIZE_ISSUER)).line_spacing(tight.clone()));
    issuer.push(rule(body_width * 2 / 5, left_room));

    let motto = "Độc lập - Tự do - Hạnh phúc";
    let nation = vec![
        centred(
            "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
            Font::bold(SIZE_NATIONAL_TITLE),
        )
        .line_spacing(tight.clone()),
        centred(motto, Font::bold(SIZE_MOTTO)).line_spacing(tight.clone()),
        rule(text_width(motto, SIZE_MOTTO), right_room),
    ];

    let number = centred(&number_line(&header.number), Font::regular(SIZE_NUMBER))
        .line_spacing(spacing(120, 0));
    let date_line = centred(
        &place_and_date(&header.place, header.date),
        Font::regular(SIZE_DATE_LINE).italic(),
    )
    .line_spacing(spacing(120, 0));

    borderless(
        vec![
            TableRow::new(vec![cell(HEADER_LEFT, issuer), cell(HEADER_RIGHT, nation)]).cant_split(),
            TableRow::new(vec![
                cell(HEADER_LEFT, vec![number]),
                cell(HEADER_RIGHT, vec![date_line]),
            ])
            .cant_split(),
        ],
        vec![HEADER_LEFT, HEADER_RIGHT],
    )
}

/// A bordered table of the body; columns get widths by how much they hold.
fn data_table(header: &[String], rows: &[Vec<String>]) -> Table {
    let columns = if header.is_empty() {
        rows.first().map_or(0, Vec::len)
    } else {
        header.len()
    };
    let weights: Vec<usize> = (0..columns)
        .map(|column| {
            let longest = header
                .get(column)
                .into_iter()
                .chain(rows.iter().filter_map(|row| row.get(column)))
                .map(|text| text.chars().count())
                .max()
                .unwrap_or(0);
            longest.clamp(4, 40)
        })
        .collect();
    let total: usize = weights.iter().sum::<usize>().max(1);
    let grid: Vec<usize> = weights.iter().map(|w| TEXT_WIDTH * w / total).collect();

    let table_cell = |text: &str, width: usize, font: Font, align: AlignmentType| {
        cell(
            width,
            vec![
                paragraph(text, font)
                    .align(align)
                    .line_spacing(spacing(60, 60)),
            ],
        )
    };
    let mut table_rows = Vec::new();
    if !header.is_empty() {
        let cells = header
            .iter()
            .zip(&grid)
            .map(|(text, width)| {
                table_cell(text, *width, Font::bold(SIZE_TABLE), AlignmentType::Center)
            })
            .collect();
        table_rows.push(TableRow::new(cells).cant_split());
    }
    for row in rows {
        let cells = row
            .iter()
            .zip(&grid)
            .map(|(text, width)| {
                table_cell(text, *width, Font::regular(SIZE_TABLE), AlignmentType::Left)
            })
            .collect();
        table_rows.push(TableRow::new(cells).cant_split());
    }

    let line = |position| {
        TableBorder::new(position)
            .border_type(BorderType::Single)
            .size(4)
            .color("000000")
    };
    Table::new(table_rows)
        .set_grid(grid)
        .width(TEXT_WIDTH, WidthType::Dxa)
        .layout(TableLayoutType::Fixed)
        .margins(TableCellMargins::new().margin(0, 85, 0, 85))
        .set_borders(
            TableBorders::with_empty()
                .set(line(TableBorderPosition::Top))
                .set(line(TableBorderPosition::Bottom))
                .set(line(TableBorderPosition::Left))
                .set(line(TableBorderPosition::Right))
                .set(line(TableBorderPosition::InsideH))
                .set(line(TableBorderPosition::InsideV)),
        )
}

/// The end: "Nơi nhận" and its list on the left, the signature block on
/// the right, kept on one page.
fn closing_table(signature: &Signature, recipients: &[String]) -> Table {
    let tight = spacing(0, 0);

    let mut left = vec![
        paragraph("Nơi nhận:", Font::bold(SIZE_RECIPIENTS_LABEL).italic())
            .line_spacing(spacing(120, 0)),
    ];
    for line in recipient_lines(recipients) {
        left.push(paragraph(&line, Font::regular(SIZE_RECIPIENTS)).line_spacing(tight.clone()));
    }

    let mut right: Vec<Paragraph> = signature
        .authority
        .iter()
        .filter(|line| !line.trim().is_empty())
        .map(|line| {
            centred(&line.to_uppercase(), Font::bold(SIZE_SIGNATURE)).line_spacing(tight.clone())
        })
        .collect();
    right.push(
        centred(&signature.title.to_uppercase(), Font::bold(SIZE_SIGNATURE))
            .line_spacing(tight.clone()),
    );
    if let Some(first) = right.first_mut() {
        *first = first.clone().line_spacing(spacing(120, 0));
    }
    right.push(
        centred(&signature.name, Font::bold(SIZE_SIGNATURE))
            .line_spacing(spacing(SIGNATURE_SPACE, 0)),
    );

    borderless(
        vec![
            TableRow::new(vec![cell(CLOSING_LEFT, left), cell(CLOSING_RIGHT, right)]).cant_split(),
        ],
        vec![CLOSING_LEFT, CLOSING_RIGHT],
    )
}
