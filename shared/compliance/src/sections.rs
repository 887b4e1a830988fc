//! Completeness: every section REGULATIONS.md names is on the site and
//! holds something published, the introduction is written, and every
//! published page carries what its Dublin Core metadata states.

use congxa_site::sections::{INTRODUCTION_PAGES, REQUIRED, SectionKind};
use sqlx::PgConnection;

use crate::{Check, Example, item_path};

const BASIS_CONTENT: &str = "Nghị định 224/2026/NĐ-CP, Điều 9; Nghị định 42/2022/NĐ-CP, Điều 4";
const BASIS_INTRODUCTION: &str = "Nghị định 224/2026/NĐ-CP, Điều 9.1.c";
const BASIS_DUBLIN_CORE: &str = "Thông tư 24/2011/TT-BTTTT";

/// Where the board adds an item of a kind.
pub fn new_item_path(kind: SectionKind) -> &'static str {
    match kind {
        SectionKind::Documents => "/quan-tri/van-ban/moi",
        SectionKind::Procedures => "/quan-tri/thu-tuc/moi",
        SectionKind::Schedule => "/quan-tri/lich-cong-tac/moi",
        SectionKind::Projects => "/quan-tri/du-an/moi",
        SectionKind::Budget => "/quan-tri/ngan-sach/moi",
        SectionKind::AccessInfo => "/quan-tri/tiep-can-thong-tin/moi",
        SectionKind::Consultations => "/quan-tri/lay-y-kien/moi",
        SectionKind::Questions => "/quan-tri/hoi-dap",
        SectionKind::Contacts => "/quan-tri/cai-dat",
        SectionKind::Pages | SectionKind::News | SectionKind::Plans | SectionKind::Democracy => {
            "/quan-tri/tin-bai/moi"
        }
    }
}

/// Sections whose content comes from elsewhere: citizens' questions, and
/// the officials of the settings (checked with the contact data).
fn filled_elsewhere(kind: SectionKind) -> bool {
    matches!(kind, SectionKind::Questions | SectionKind::Contacts)
}

pub async fn check(conn: &mut PgConnection) -> Result<Vec<Check>, sqlx::Error> {
    // Each top-level section with what is published in it or below it.
    let present = sqlx::query!(
        r#"SELECT s.path,
                  (SELECT count(*) FROM items i JOIN sections c ON c.id = i.section_id
                   WHERE (c.id = s.id OR c.parent_id = s.id) AND i.status = 'published') AS "published!"
           FROM sections s WHERE s.parent_id IS NULL"#
    )
    .fetch_all(&mut *conn)
    .await?;

    let mut checks = Vec::new();
    for required in REQUIRED {
        let published = present
            .iter()
            .find(|s| s.path == required.path)
            .map(|s| s.published);
        let check = Check::new(
            format!("section:{}", required.path),
            format!("Có mục «{}» và mục có nội dung", required.name),
            BASIS_CONTENT,
        );
        checks.push(match published {
            None => check.fails_when(
                true,
                format!("Trang không có mục «{}».", required.name),
                "Đề nghị cán bộ vận hành của tỉnh khôi phục mục này.",
                "/quan-tri",
            ),
            Some(n) => check.fails_when(
                n == 0 && !filled_elsewhere(required.kind),
                format!("Mục «{}» chưa có nội dung nào được đăng.", required.name),
                format!("Đăng nội dung đầu tiên của mục «{}».", required.name),
                new_item_path(required.kind),
            ),
        });
    }

    let introduction: Vec<String> = INTRODUCTION_PAGES
        .iter()
        .map(|(slug, _)| (*slug).to_owned())
        .collect();
    let written = sqlx::query_scalar!(
        "SELECT slug FROM items WHERE slug = ANY($1) AND status = 'published'",
        &introduction
    )
    .fetch_all(&mut *conn)
    .await?;
    let missing: Vec<&str> = INTRODUCTION_PAGES
        .iter()
        .filter(|(slug, _)| !written.iter().any(|w| w == slug))
        .map(|(_, title)| *title)
        .collect();
    checks.push(
        Check::new(
            "introduction",
            "Phần giới thiệu đủ các trang: tổng quan, cơ cấu tổ chức, chức năng nhiệm vụ, bản đồ địa giới, điều kiện tự nhiên, lịch sử văn hóa",
            BASIS_INTRODUCTION,
        )
        .fails_when(
            !missing.is_empty(),
            format!("Chưa đăng: {}.", missing.join("; ")),
            "Viết và đăng các trang giới thiệu còn thiếu (có sẵn bản nháp trong danh sách tin bài).",
            "/quan-tri/tin-bai",
        ),
    );

    // DC.description is the item's summary; the other elements come from
    // the title, the agency and the dates, which every item has.
    let undescribed = sqlx::query!(
        r#"SELECT id, title, count(*) OVER () AS "total!" FROM items
           WHERE status = 'published' AND btrim(summary) = ''
           ORDER BY published_at DESC LIMIT $1"#,
        i64::try_from(crate::EXAMPLES).unwrap_or(5)
    )
    .fetch_all(&mut *conn)
    .await?;
    let total = undescribed.first().map_or(0, |r| r.total);
    checks.push(
        Check::new(
            "dublin-core",
            "Mỗi tin bài, văn bản có đủ siêu dữ liệu Dublin Core (nhan đề, tác giả, ngày, mô tả, cơ quan, định danh)",
            BASIS_DUBLIN_CORE,
        )
        .fails_when(
            !undescribed.is_empty(),
            format!("{total} nội dung đã đăng chưa có tóm tắt (trích yếu), nên thiếu phần mô tả."),
            "Thêm tóm tắt cho từng nội dung trong danh sách.",
            "/quan-tri/tin-bai",
        )
        .with_examples(
            undescribed
                .into_iter()
                .map(|r| Example {
                    label: r.title,
                    path: item_path(r.id),
                })
                .collect(),
        ),
    );
    Ok(checks)
}
