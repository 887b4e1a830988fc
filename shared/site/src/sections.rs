//! The sections every commune site carries (REGULATIONS.md, "Content"), the
//! kind of item each holds, and seeding them when a commune is provisioned.

use serde::Serialize;
use sqlx::PgConnection;
use uuid::Uuid;

/// What a section holds, and so which pages show it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SectionKind {
    /// Introduction pages.
    Pages,
    /// News, notices, directives, law dissemination: articles.
    News,
    Documents,
    Procedures,
    /// The leaders' weekly work schedule.
    Schedule,
    Plans,
    Projects,
    Budget,
    Democracy,
    AccessInfo,
    Consultations,
    Questions,
    Contacts,
}

impl SectionKind {
    pub const ALL: [SectionKind; 13] = [
        Self::Pages,
        Self::News,
        Self::Documents,
        Self::Procedures,
        Self::Schedule,
        Self::Plans,
        Self::Projects,
        Self::Budget,
        Self::Democracy,
        Self::AccessInfo,
        Self::Consultations,
        Self::Questions,
        Self::Contacts,
    ];

    /// The value stored in `sections.kind`.
    pub fn code(self) -> &'static str {
        match self {
            Self::Pages => "pages",
            Self::News => "news",
            Self::Documents => "documents",
            Self::Procedures => "procedures",
            Self::Schedule => "schedule",
            Self::Plans => "plans",
            Self::Projects => "projects",
            Self::Budget => "budget",
            Self::Democracy => "democracy",
            Self::AccessInfo => "access_info",
            Self::Consultations => "consultations",
            Self::Questions => "questions",
            Self::Contacts => "contacts",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.code() == code)
    }

    /// Whether items of this kind are written like articles (a title, a
    /// lead, a body), with no fields of their own.
    pub fn is_article_like(self) -> bool {
        matches!(
            self,
            Self::Pages | Self::News | Self::Plans | Self::Democracy
        )
    }
}

/// One section of the required tree.
pub struct Required {
    pub path: &'static str,
    pub name: &'static str,
    pub kind: SectionKind,
    pub in_menu: bool,
    pub children: &'static [(&'static str, &'static str)],
}

use SectionKind as K;

/// The sections of REGULATIONS.md, in the order of the site map. Children
/// are (last path segment, name) and share their parent's kind.
pub const REQUIRED: &[Required] = &[
    Required {
        path: "gioi-thieu",
        name: "Giới thiệu",
        kind: K::Pages,
        in_menu: true,
        children: &[],
    },
    Required {
        path: "tin-tuc",
        name: "Tin tức - Sự kiện",
        kind: K::News,
        in_menu: true,
        children: &[
            ("hoat-dong-dang-uy", "Hoạt động của Đảng ủy"),
            ("hdnd-ubnd", "Hội đồng nhân dân - Ủy ban nhân dân"),
            ("mat-tran-doan-the", "Mặt trận Tổ quốc và các đoàn thể"),
            ("quan-su-cong-an", "Quân sự - Công an"),
            ("kinh-te-xa-hoi", "Kinh tế - Xã hội"),
            ("van-hoa-giao-duc-y-te", "Văn hóa - Giáo dục - Y tế"),
            ("tin-cac-thon", "Tin các thôn"),
            ("thong-bao", "Thông báo"),
        ],
    },
    Required {
        path: "chi-dao-dieu-hanh",
        name: "Chỉ đạo điều hành",
        kind: K::News,
        in_menu: false,
        children: &[
            ("y-kien-chi-dao", "Ý kiến chỉ đạo, điều hành"),
            ("tra-loi-kien-nghi", "Trả lời kiến nghị của công dân"),
        ],
    },
    Required {
        path: "lich-cong-tac",
        name: "Lịch công tác",
        kind: K::Schedule,
        in_menu: true,
        children: &[],
    },
    Required {
        path: "van-ban",
        name: "Văn bản",
        kind: K::Documents,
        in_menu: true,
        children: &[],
    },
    Required {
        path: "thu-tuc-hanh-chinh",
        name: "Thủ tục hành chính",
        kind: K::Procedures,
        in_menu: true,
        children: &[],
    },
    Required {
        path: "pho-bien-phap-luat",
        name: "Phổ biến, giáo dục pháp luật",
        kind: K::News,
        in_menu: false,
        children: &[],
    },
    Required {
        path: "ke-hoach",
        name: "Kế hoạch - Quy hoạch",
        kind: K::Plans,
        in_menu: false,
        children: &[
            (
                "phat-trien-kinh-te-xa-hoi",
                "Kế hoạch phát triển kinh tế - xã hội",
            ),
            ("ke-hoach-cong-tac", "Kế hoạch, chương trình công tác"),
            ("quy-hoach", "Quy hoạch"),
        ],
    },
    Required {
        path: "du-an-dau-thau",
        name: "Dự án, đầu tư công, đấu thầu",
        kind: K::Projects,
        in_menu: false,
        children: &[],
    },
    Required {
        path: "ngan-sach",
        name: "Tài chính - Ngân sách",
        kind: K::Budget,
        in_menu: false,
        children: &[],
    },
    Required {
        path: "dan-chu-co-so",
        name: "Thực hiện dân chủ ở cơ sở",
        kind: K::Democracy,
        in_menu: false,
        children: &[
            ("dat-dai", "Đất đai, thu hồi đất"),
            ("quy-an-sinh", "Các quỹ, chương trình an sinh xã hội"),
            ("goi-nhap-ngu", "Gọi công dân nhập ngũ"),
            ("thanh-tra", "Kết quả thanh tra, kiểm tra"),
            ("phi-le-phi", "Phí, lệ phí"),
            ("quy-che-dan-chu", "Quy chế thực hiện dân chủ"),
        ],
    },
    Required {
        path: "tiep-can-thong-tin",
        name: "Tiếp cận thông tin",
        kind: K::AccessInfo,
        in_menu: false,
        children: &[],
    },
    Required {
        path: "lay-y-kien",
        name: "Lấy ý kiến dự thảo văn bản",
        kind: K::Consultations,
        in_menu: false,
        children: &[],
    },
    Required {
        path: "hoi-dap",
        name: "Hỏi đáp",
        kind: K::Questions,
        in_menu: true,
        children: &[],
    },
    Required {
        path: "lien-he",
        name: "Liên hệ",
        kind: K::Contacts,
        in_menu: true,
        children: &[],
    },
];

/// The introduction pages every commune writes (REGULATIONS.md, Content
/// 1), seeded as empty drafts for the board to fill in: (slug, title).
pub const INTRODUCTION_PAGES: [(&str, &str); 6] = [
    ("tong-quan", "Tổng quan"),
    ("co-cau-to-chuc", "Cơ cấu tổ chức bộ máy hành chính"),
    ("chuc-nang-nhiem-vu", "Chức năng, nhiệm vụ"),
    ("ban-do-dia-gioi", "Bản đồ địa giới hành chính"),
    ("dieu-kien-tu-nhien", "Điều kiện tự nhiên"),
    (
        "lich-su-van-hoa",
        "Lịch sử, truyền thống văn hóa, di tích, danh thắng",
    ),
];

/// Creates the required sections of a new commune, its introduction pages
/// as drafts, its profile with the agency named after it, and its links to
/// the national portals. Needs a connection acting for that commune (or the
/// admin role): the tables are under row-level security.
pub async fn seed_required(
    conn: &mut PgConnection,
    tenant_id: Uuid,
    agency: &str,
) -> Result<(), sqlx::Error> {
    for (order, section) in REQUIRED.iter().enumerate() {
        let parent = sqlx::query_scalar!(
            r#"INSERT INTO sections (tenant_id, path, name, kind, in_menu, sort_order)
               VALUES ($1, $2, $3, $4, $5, $6)
               ON CONFLICT (tenant_id, path) DO UPDATE SET name = sections.name
               RETURNING id"#,
            tenant_id,
            section.path,
            section.name,
            section.kind.code(),
            section.in_menu,
            order as i32,
        )
        .fetch_one(&mut *conn)
        .await?;
        for (child_order, (segment, name)) in section.children.iter().enumerate() {
            sqlx::query!(
                r#"INSERT INTO sections (tenant_id, parent_id, path, name, kind, sort_order)
                   VALUES ($1, $2, $3, $4, $5, $6)
                   ON CONFLICT (tenant_id, path) DO NOTHING"#,
                tenant_id,
                parent,
                format!("{}/{}", section.path, segment),
                *name,
                section.kind.code(),
                child_order as i32,
            )
            .execute(&mut *conn)
            .await?;
        }
    }
    for (slug, title) in INTRODUCTION_PAGES {
        sqlx::query!(
            "INSERT INTO items (tenant_id, section_id, slug, title, status)
             SELECT $1, id, $2, $3, 'draft' FROM sections WHERE tenant_id = $1 AND path = 'gioi-thieu'
             ON CONFLICT (tenant_id, slug) DO NOTHING",
            tenant_id,
            slug,
            title,
        )
        .execute(&mut *conn)
        .await?;
    }
    sqlx::query!(
        "INSERT INTO site_profiles (tenant_id, agency) VALUES ($1, $2)
         ON CONFLICT (tenant_id) DO NOTHING",
        tenant_id,
        agency,
    )
    .execute(&mut *conn)
    .await?;
    crate::links::seed(conn, tenant_id).await
}

/// The agency behind a commune's site: "Ủy ban nhân dân xã Quốc Tuấn" for
/// "Xã Quốc Tuấn" (the kind word is lowercase inside a name).
pub fn agency_of(tenant_name: &str) -> String {
    format!("Ủy ban nhân dân {}", in_sentence(tenant_name))
}

/// A commune's name inside a sentence: "xã Quốc Tuấn" (the kind word is
/// lowercase there).
pub fn in_sentence(tenant_name: &str) -> String {
    let mut chars = tenant_name.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_round_trips_through_its_code() {
        for kind in SectionKind::ALL {
            assert_eq!(SectionKind::parse(kind.code()), Some(kind));
        }
        assert_eq!(SectionKind::parse("nonsense"), None);
    }

    #[test]
    fn the_required_tree_carries_every_kind() {
        for kind in SectionKind::ALL {
            assert!(
                REQUIRED.iter().any(|s| s.kind == kind),
                "{kind:?} has no section"
            );
        }
    }

    #[test]
    fn the_agency_is_the_peoples_committee_of_the_commune() {
        assert_eq!(agency_of("Xã Quốc Tuấn"), "Ủy ban nhân dân xã Quốc Tuấn");
        assert_eq!(
            agency_of("Phường Lê Chân"),
            "Ủy ban nhân dân phường Lê Chân"
        );
        assert_eq!(
            agency_of("Đặc khu Bạch Long Vĩ"),
            "Ủy ban nhân dân đặc khu Bạch Long Vĩ"
        );
    }
}
