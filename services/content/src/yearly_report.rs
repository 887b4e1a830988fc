//! The yearly activity report of a commune's site (the report every
//! commune sends its superiors in December): the facts read from the data,
//! the head's draft, and the document made of both, as DOCX laid out as
//! Decree 30/2020/NĐ-CP prescribes and as a printable page. The board's
//! workspace and the operators' console both make it from here.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use congxa_board::Role;
use congxa_board::yearly_report::{Draft, Stored};
use congxa_compliance::Checklist;
use congxa_docx::{Block, Document, Header, Signature};
use congxa_locale::number::grouped;
use congxa_stats::yearly::Yearly;
use serde::Serialize;
use sqlx::PgConnection;
use time::Date;
use uuid::Uuid;

/// What the report states, read in a transaction acting for the commune.
#[derive(Debug, Clone, Serialize)]
pub struct Facts {
    /// "Xã Quốc Tuấn".
    pub commune: String,
    /// "Ủy ban nhân dân xã Quốc Tuấn".
    pub agency: String,
    pub province: Option<String>,
    pub board_decision: String,
    pub rules_decision: String,
    /// The chairman of the People's Committee, who signs for it, when the
    /// officials name one.
    pub chair: Option<String>,
    /// Members in the order of their roles: (name, role's name).
    pub board: Vec<(String, String)>,
    pub contributors: usize,
    pub submitted: i64,
    pub returned: i64,
    /// Each section's items published in the year and in all.
    pub sections: Vec<SectionFacts>,
    pub yearly: Yearly,
    /// The site against the rules today; only for the running year's
    /// report (a past year's cannot be judged by today's site).
    pub checklist: Option<Checklist>,
}

#[derive(Debug, Clone, Serialize)]
pub struct SectionFacts {
    pub name: String,
    pub in_year: u64,
    pub in_all: i64,
}

pub async fn facts(
    conn: &mut PgConnection,
    tenant: Uuid,
    year: i32,
    calendar: &congxa_calendar::Calendar,
    today: Date,
) -> Result<Facts, sqlx::Error> {
    let commune = sqlx::query!(
        "SELECT t.name, r.name AS \"region?\" FROM tenants t LEFT JOIN regions r ON r.id = t.region_id
         WHERE t.id = $1",
        tenant
    )
    .fetch_one(&mut *conn)
    .await?;
    let profile = sqlx::query!("SELECT agency, board_decision, rules_decision FROM site_profiles")
        .fetch_optional(&mut *conn)
        .await?;
    let chair = sqlx::query_scalar!(
        "SELECT name FROM officials WHERE position ILIKE 'Chủ tịch%' ORDER BY sort_order LIMIT 1"
    )
    .fetch_optional(&mut *conn)
    .await?;
    let accounts = sqlx::query!(
        "SELECT name, role FROM board_accounts
         WHERE active AND support_operator_id IS NULL ORDER BY name"
    )
    .fetch_all(&mut *conn)
    .await?;
    let mut board: Vec<(Role, String)> = accounts
        .iter()
        .filter_map(|a| Role::parse(&a.role).map(|role| (role, a.name.clone())))
        .filter(|(role, _)| *role != Role::Contributor)
        .collect();
    board.sort_by_key(|(role, _)| Role::ALL.iter().position(|r| r == role));
    let contributors = accounts.iter().filter(|a| a.role == "contributor").count();
    let moves = sqlx::query!(
        r#"SELECT count(*) FILTER (WHERE to_status = 'submitted') AS "submitted!",
                  count(*) FILTER (WHERE to_status = 'returned') AS "returned!"
           FROM item_transitions
           WHERE extract(year FROM at AT TIME ZONE 'Asia/Ho_Chi_Minh')::int = $1"#,
        year
    )
    .fetch_one(&mut *conn)
    .await?;
    let yearly = congxa_stats::yearly::yearly(conn, tenant, year).await?;
    // Top-level sections, each with its children's items.
    let totals = sqlx::query!(
        r#"SELECT s.path, s.name,
                  (SELECT count(*) FROM items i JOIN sections c ON c.id = i.section_id
                   WHERE (c.id = s.id OR c.parent_id = s.id) AND i.status = 'published'
                     AND (i.published_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date <= make_date($1, 12, 31)) AS "in_all!"
           FROM sections s WHERE s.parent_id IS NULL ORDER BY s.sort_order, s.path"#,
        year
    )
    .fetch_all(&mut *conn)
    .await?;
    let sections = totals
        .into_iter()
        .map(|s| {
            let prefix = format!("{}/", s.path);
            let in_year = yearly
                .sections
                .iter()
                .filter(|y| y.path == s.path || y.path.starts_with(&prefix))
                .map(|y| y.total)
                .sum();
            SectionFacts {
                name: s.name,
                in_year,
                in_all: s.in_all,
            }
        })
        .collect();
    let checklist = if year == today.year() {
        Some(congxa_compliance::check(conn, calendar, today).await?)
    } else {
        None
    };
    let agency = profile
        .as_ref()
        .map(|p| p.agency.clone())
        .filter(|a| !a.trim().is_empty())
        .unwrap_or_else(|| congxa_site::sections::agency_of(&commune.name));
    Ok(Facts {
        commune: commune.name,
        agency,
        province: commune.region,
        board_decision: profile
            .as_ref()
            .map(|p| p.board_decision.clone())
            .unwrap_or_default(),
        rules_decision: profile.map(|p| p.rules_decision).unwrap_or_default(),
        chair,
        board: board
            .into_iter()
            .map(|(role, name)| (name, role.name().to_owned()))
            .collect(),
        contributors,
        submitted: moves.submitted,
        returned: moves.returned,
        sections,
        yearly,
        checklist,
    })
}

/// The place of the place-and-date line: the commune's own name without
/// its kind ("Quốc Tuấn").
pub fn place_of(commune: &str) -> String {
    let name = commune.trim();
    match congxa_tenancy::kind::TenantKind::from_name(name) {
        Some(kind) => name[kind.label().len()..].trim().to_owned(),
        None => name.to_owned(),
    }
}

/// A first draft of the head's parts, from the figures: what a head would
/// write anyway, to be corrected rather than typed.
pub fn suggested(facts: &Facts, year: i32, today: Date) -> Draft {
    let failed: Vec<&str> = facts
        .checklist
        .iter()
        .flat_map(Checklist::failed)
        .map(|c| c.finding.as_str())
        .collect();
    let mut difficulties = String::from(
        "Các thành viên Ban biên tập làm việc kiêm nhiệm, thời gian dành cho việc biên tập còn hạn chế.",
    );
    if !failed.is_empty() {
        difficulties.push_str("\nMột số yêu cầu về nội dung và thời hạn đăng tải chưa đạt: ");
        difficulties.push_str(&failed.join(" "));
    }
    let mut direction = String::from(
        "Tiếp tục cập nhật kịp thời, đầy đủ thông tin theo quy định; đăng văn bản trong thời hạn, trả lời câu hỏi của người dân đúng hạn.",
    );
    if !failed.is_empty() {
        direction.push_str("\nKhắc phục các nội dung chưa đạt nêu trên trong quý I năm ");
        direction.push_str(&(year + 1).to_string());
        direction.push('.');
    }
    Draft {
        number_symbol: String::new(),
        place: place_of(&facts.commune),
        report_date: Some(today),
        advantages: format!(
            "Trang thông tin điện tử hoạt động ổn định; trong năm {year} đã đăng {} tin, bài, văn bản{}.",
            grouped(facts.yearly.published),
            facts
                .checklist
                .as_ref()
                .map_or_else(String::new, |c| format!(
                    "; đến ngày {}, {}/{} tiêu chí về nội dung và thời hạn đăng tải đạt yêu cầu",
                    congxa_locale::time::day_date(today),
                    c.passed,
                    c.total
                ))
        ),
        difficulties,
        direction,
        recipients: [
            "Văn phòng UBND tỉnh;",
            "Thường trực Đảng ủy, HĐND xã;",
            "Chủ tịch, các Phó Chủ tịch UBND xã;",
            "Lưu: VT.",
        ]
        .join("\n"),
        signer_authority: "TM. ỦY BAN NHÂN DÂN".to_owned(),
        signer_title: "CHỦ TỊCH".to_owned(),
        signer_name: facts.chair.clone().unwrap_or_default(),
    }
}

/// The draft the head works on: what was saved, or the suggestion.
pub fn current(stored: Option<&Stored>, facts: &Facts, year: i32, today: Date) -> Draft {
    stored.map_or_else(|| suggested(facts, year, today), |s| s.draft.clone())
}

/// Why a report cannot be issued yet, in the head's words.
pub fn missing_for_issue(facts: &Facts, draft: &Draft) -> Vec<&'static str> {
    let mut missing = Vec::new();
    if draft.number_symbol.is_empty() {
        missing.push("số, ký hiệu của báo cáo");
    }
    if draft.report_date.is_none() {
        missing.push("ngày báo cáo");
    }
    if draft.place.trim().is_empty() {
        missing.push("địa danh");
    }
    if draft.signer_title.trim().is_empty() || draft.signer_name.trim().is_empty() {
        missing.push("chức vụ và họ tên người ký");
    }
    if facts.board_decision.trim().is_empty() || facts.rules_decision.trim().is_empty() {
        missing.push("quyết định thành lập Ban biên tập và quyết định ban hành quy chế (trong Thông tin trang)");
    }
    missing
}

/// What a draft shows where a part is still to be written, as typed
/// drafts leave a dotted space.
const BLANK: &str = "……………";

fn or_blank(text: &str) -> String {
    let text = text.trim();
    if text.is_empty() {
        BLANK.to_owned()
    } else {
        text.to_owned()
    }
}

/// Paragraphs of a free-text part: one per line the head wrote.
fn paragraphs(text: &str) -> impl Iterator<Item = Block> + '_ {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(|l| Block::Paragraph(l.to_owned()))
}

/// The report as a document.
pub fn compose(facts: &Facts, draft: &Draft, year: i32, today: Date) -> Document {
    let commune = congxa_site::sections::in_sentence(&facts.commune);
    let y = &facts.yearly;
    let mut blocks = vec![Block::Heading1("I. TÌNH HÌNH HOẠT ĐỘNG".to_owned())];
    blocks.push(Block::Heading2(
        "1. Tổ chức bộ máy, quy chế và quy trình hoạt động".to_owned(),
    ));
    let decision = |text: &str, what: &str| {
        if text.trim().is_empty() {
            format!("[chưa ghi {what}]")
        } else {
            text.trim().trim_end_matches('.').to_owned()
        }
    };
    blocks.push(Block::Paragraph(format!(
        "Ban biên tập trang thông tin điện tử {commune} được thành lập theo {}; quy chế hoạt động của Ban biên tập được ban hành theo {}.",
        decision(&facts.board_decision, "quyết định thành lập"),
        decision(&facts.rules_decision, "quyết định ban hành quy chế"),
    )));
    blocks.push(Block::Paragraph(format!(
        "Ban biên tập gồm {} thành viên:",
        facts.board.len()
    )));
    for (index, (name, role)) in facts.board.iter().enumerate() {
        let end = if index + 1 == facts.board.len() {
            "."
        } else {
            ";"
        };
        blocks.push(Block::Bullet(format!(
            "{name}, {}{end}",
            role.to_lowercase()
        )));
    }
    if facts.contributors > 0 {
        blocks.push(Block::Paragraph(format!(
            "Ngoài ra, {} cán bộ, công chức có tài khoản gửi tin, bài cho Ban biên tập.",
            facts.contributors
        )));
    }
    blocks.push(Block::Paragraph(
        "Quy trình tiếp nhận, biên tập, duyệt và đăng tin: tin, bài và tài liệu do cán bộ, công chức gửi qua hệ thống quản trị của trang; Trưởng ban phân công thành viên biên tập; thành viên biên tập hoàn thiện và trình duyệt; Trưởng ban (hoặc Phó trưởng ban) duyệt và cho đăng ngay hoặc hẹn giờ đăng, hoặc trả lại kèm ý kiến để sửa. Việc sửa nội dung đã đăng cũng được duyệt như trên; gỡ nội dung phải nêu lý do. Mọi bước đều được hệ thống ghi lại: người thực hiện, thời gian, ý kiến.".to_owned(),
    ));
    let median = y
        .median_hours_to_publish
        .map(congxa_locale::number::decimal);
    blocks.push(Block::Paragraph(format!(
        "Trong năm {year}, Ban biên tập tiếp nhận {} lượt tin, bài gửi duyệt, trả lại {} lượt để chỉnh sửa{}; {} tin, bài đăng sau ngày dự kiến.",
        grouped(u64::try_from(facts.submitted).unwrap_or(0)),
        grouped(u64::try_from(facts.returned).unwrap_or(0)),
        median.map_or_else(String::new, |m| format!(
            "; thời gian từ khi gửi đến khi đăng (trung vị) là {m} giờ"
        )),
        grouped(y.published_late),
    )));

    blocks.push(Block::Heading2("2. Kết quả hoạt động".to_owned()));
    blocks.push(Block::Paragraph(format!(
        "Trang có {} chuyên mục theo quy định; số tin, bài, văn bản của từng chuyên mục như sau:",
        facts.sections.len()
    )));
    let mut rows: Vec<Vec<String>> = facts
        .sections
        .iter()
        .enumerate()
        .map(|(i, s)| {
            vec![
                (i + 1).to_string(),
                s.name.clone(),
                grouped(s.in_year),
                grouped(u64::try_from(s.in_all).unwrap_or(0)),
            ]
        })
        .collect();
    rows.push(vec![
        String::new(),
        "Tổng cộng".to_owned(),
        grouped(y.published),
        grouped(
            facts
                .sections
                .iter()
                .map(|s| u64::try_from(s.in_all).unwrap_or(0))
                .sum(),
        ),
    ]);
    blocks.push(Block::Table {
        header: vec![
            "STT".to_owned(),
            "Chuyên mục".to_owned(),
            format!("Đăng trong năm {year}"),
            "Tổng số đến nay".to_owned(),
        ],
        rows,
    });
    blocks.push(Block::Paragraph(format!(
        "Trong năm {year}, trang đã đăng {} tin, bài, văn bản.",
        grouped(y.published)
    )));
    blocks.push(Block::Paragraph(format!(
        "Số lượt truy cập từ khi trang hoạt động đến hết năm {year}: {} lượt xem trang. Riêng năm {year}: {} lượt xem trang, {} lượt truy cập, {} lượt người truy cập (mỗi người được tính một lần trong một ngày).",
        grouped(y.views_to_date),
        grouped(y.visits.views),
        grouped(y.visits.visits),
        grouped(y.visits.visitors),
    )));

    blocks.push(Block::Heading1("II. ĐÁNH GIÁ".to_owned()));
    blocks.push(Block::Heading2("1. Ưu điểm".to_owned()));
    blocks.extend(paragraphs(&draft.advantages));
    blocks.push(Block::Heading2("2. Khó khăn, hạn chế".to_owned()));
    blocks.extend(paragraphs(&draft.difficulties));
    blocks.push(Block::Heading1(format!(
        "III. PHƯƠNG HƯỚNG, NHIỆM VỤ NĂM {}",
        year + 1
    )));
    blocks.extend(paragraphs(&draft.direction));
    blocks.push(Block::Paragraph(format!(
        "Trên đây là báo cáo tình hình hoạt động của trang thông tin điện tử {commune} năm {year}./."
    )));

    let body = facts.agency.to_uppercase();
    Document {
        header: Header {
            superior: None,
            body,
            // The number itself is given when the report is registered.
            number: if draft.number_symbol.is_empty() {
                "/BC-UBND".to_owned()
            } else {
                draft.number_symbol.clone()
            },
            place: or_blank(&draft.place),
            date: draft.report_date.unwrap_or(today),
        },
        kind: "BÁO CÁO".to_owned(),
        summary: format!("Tình hình hoạt động của trang thông tin điện tử {commune} năm {year}"),
        blocks,
        signature: Signature {
            authority: draft
                .signer_authority
                .lines()
                .map(|l| l.trim().to_uppercase())
                .filter(|l| !l.is_empty())
                .collect(),
            title: or_blank(&draft.signer_title.to_uppercase()),
            name: or_blank(&draft.signer_name),
        },
        recipients: draft
            .recipients
            .lines()
            .map(|l| l.trim().trim_start_matches('-').trim().to_owned())
            .filter(|l| !l.is_empty())
            .collect(),
    }
}

/// The report as issued, when it was: kept whole, never made again from
/// the data. A kept report that no longer reads is an error, not a reason
/// to show today's figures under an issued number.
pub fn issued(stored: Option<&Stored>) -> Option<Result<Document, serde_json::Error>> {
    stored
        .and_then(|s| s.issued.clone())
        .map(serde_json::from_value)
}

/// The report to show: as issued when it was, else as it reads now.
pub fn document_of(
    stored: Option<&Stored>,
    facts: &Facts,
    draft: &Draft,
    year: i32,
    today: Date,
) -> Result<Document, serde_json::Error> {
    issued(stored).unwrap_or_else(|| Ok(compose(facts, draft, year, today)))
}

/// One block of the document as the printable page's template reads it.
#[derive(Serialize)]
struct ViewBlock<'a> {
    kind: &'static str,
    text: &'a str,
    header: &'a [String],
    rows: &'a [Vec<String>],
}

#[derive(Serialize)]
struct PrintView<'a> {
    standalone: bool,
    style: &'static str,
    superior: Option<&'a str>,
    body: Vec<&'a str>,
    number: String,
    place_and_date: String,
    kind: &'a str,
    summary: &'a str,
    blocks: Vec<ViewBlock<'a>>,
    recipients: Vec<String>,
    authority: &'a [String],
    title: &'a str,
    name: &'a str,
}

fn print_view(document: &Document, standalone: bool) -> PrintView<'_> {
    const NONE: &[String] = &[];
    const NO_ROWS: &[Vec<String>] = &[];
    let blocks = document
        .blocks
        .iter()
        .map(|block| match block {
            Block::Heading1(text) => ViewBlock {
                kind: "h2",
                text,
                header: NONE,
                rows: NO_ROWS,
            },
            Block::Heading2(text) => ViewBlock {
                kind: "h3",
                text,
                header: NONE,
                rows: NO_ROWS,
            },
            Block::Paragraph(text) => ViewBlock {
                kind: "p",
                text,
                header: NONE,
                rows: NO_ROWS,
            },
            Block::Bullet(text) => ViewBlock {
                kind: "li",
                text,
                header: NONE,
                rows: NO_ROWS,
            },
            Block::Table { header, rows } => ViewBlock {
                kind: "table",
                text: "",
                header,
                rows,
            },
        })
        .collect();
    let header = &document.header;
    PrintView {
        standalone,
        style: STYLE,
        superior: header.superior.as_deref(),
        body: header.body.lines().collect(),
        number: congxa_docx::number_line(&header.number),
        place_and_date: congxa_docx::place_and_date(&header.place, header.date),
        kind: &document.kind,
        summary: &document.summary,
        blocks,
        recipients: congxa_docx::recipient_lines(&document.recipients),
        authority: &document.signature.authority,
        title: &document.signature.title,
        name: &document.signature.name,
    }
}

/// How a report looks, printed or previewed: a page that shows one puts
/// this in its head (an inline style in the page's body would be
/// indistinguishable from injected markup).
pub const STYLE: &str = include_str!("../reports/van-ban.css");

/// The report's template, parsed once.
static TEMPLATES: std::sync::LazyLock<Result<minijinja::Environment<'static>, minijinja::Error>> =
    std::sync::LazyLock::new(|| {
        let mut env = minijinja::Environment::new();
        env.add_template("print.html", include_str!("../reports/print.html"))?;
        Ok(env)
    });

fn templates() -> anyhow::Result<&'static minijinja::Environment<'static>> {
    TEMPLATES
        .as_ref()
        .map_err(|error| anyhow::anyhow!("the report's template does not parse: {error}"))
}

/// The report's markup alone, for a preview inside a page.
pub fn printable_body(document: &Document) -> anyhow::Result<String> {
    Ok(templates()?
        .get_template("print.html")?
        .render(minijinja::value::Serde(print_view(document, false)))?)
}

/// The report as a page of its own, laid out for A4 paper.
pub fn printable_page(document: &Document) -> Response {
    match templates() {
        Ok(env) => crate::private_page::render(
            env,
            StatusCode::OK,
            "print.html",
            print_view(document, true),
        ),
        Err(error) => congxa_web::ApiError::internal(error).into_page(),
    }
}

/// The report as a Word document to download.
pub fn docx_download(document: &Document, slug: &str, year: i32) -> Response {
    match congxa_docx::write(document) {
        Ok(bytes) => {
            let mut response = (StatusCode::OK, bytes).into_response();
            let headers = response.headers_mut();
            headers.insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static(
                    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                ),
            );
            let filename = format!("bao-cao-hoat-dong-trang-{slug}-{year}.docx");
            if let Ok(value) =
                HeaderValue::from_str(&format!("attachment; filename=\"{filename}\""))
            {
                headers.insert(header::CONTENT_DISPOSITION, value);
            }
            headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            response
        }
        Err(error) => congxa_web::ApiError::internal(error).into_page(),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use time::macros::date;

    fn document() -> Document {
        Document {
            header: Header {
                superior: None,
                body: "ỦY BAN NHÂN DÂN\nXÃ QUỐC TUẤN".into(),
                number: "142/BC-UBND".into(),
                place: "Quốc Tuấn".into(),
                date: date!(2026 - 12 - 15),
            },
            kind: "BÁO CÁO".into(),
            summary: "Tình hình hoạt động".into(),
            blocks: vec![
                Block::Bullet("Một".into()),
                Block::Bullet("Hai".into()),
                Block::Paragraph("Đoạn văn".into()),
            ],
            signature: Signature {
                authority: vec!["TM. ỦY BAN NHÂN DÂN".into()],
                title: "CHỦ TỊCH".into(),
                name: "Phạm Văn Thành".into(),
            },
            recipients: vec!["Văn phòng UBND tỉnh".into(), "Lưu: VT".into()],
        }
    }

    #[test]
    fn the_printable_report_says_its_number_once_and_lists_as_lists() {
        let html = printable_body(&document()).unwrap();
        assert_eq!(html.matches("Số:").count(), 1, "{html}");
        assert!(html.contains("Số: 142&#x2f;BC-UBND"), "{html}");
        // The members in one list, the recipients in another.
        assert_eq!(html.matches("<ul>").count(), 2, "{html}");
        assert!(html.contains("- Văn phòng UBND tỉnh;") && html.contains("- Lưu: VT."));
        assert!(
            html.contains("<h3 class=\"ten-loai\">BÁO CÁO</h3>"),
            "{html}"
        );
    }

    #[test]
    fn the_place_is_the_communes_name_without_its_kind() {
        assert_eq!(place_of("Xã Quốc Tuấn"), "Quốc Tuấn");
        assert_eq!(place_of("Đặc khu Bạch Long Vĩ"), "Bạch Long Vĩ");
        assert_eq!(place_of("Quốc Tuấn"), "Quốc Tuấn");
    }
}
