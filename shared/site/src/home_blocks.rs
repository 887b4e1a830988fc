//! The home page's blocks: which ones, in what order, how many items each
//! lists and in which column. Until the board sets its own, the home page
//! shows the default blocks (featured and latest news, the notices, the
//! online public services, the newest documents, the links to state
//! portals). Each theme lays the two columns out its own way.

use serde::Serialize;
use sqlx::PgConnection;
use uuid::Uuid;

use crate::menu::SectionRef;

/// Most blocks a home page has.
pub const MAX_BLOCKS: usize = 12;
/// Most items one block lists.
pub const MAX_ITEMS: i16 = 20;
pub const MAX_TITLE: usize = 80;
/// The notices section the default home page lists beside the news.
pub const NOTICES: &str = "tin-tuc/thong-bao";

/// What a block shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// News the board marked as featured.
    Featured,
    /// The newest news not shown in another block.
    Latest,
    /// The newest items of one section and the sections directly below it.
    Section,
    /// The newest documents.
    Documents,
    /// The online public services: a fixed box of links.
    Services,
    /// The links to state portals.
    Portals,
}

impl Kind {
    pub const ALL: [Kind; 6] = [
        Self::Featured,
        Self::Latest,
        Self::Section,
        Self::Documents,
        Self::Services,
        Self::Portals,
    ];

    /// The value stored in `home_blocks.kind`.
    pub fn code(self) -> &'static str {
        match self {
            Self::Featured => "featured",
            Self::Latest => "latest",
            Self::Section => "section",
            Self::Documents => "documents",
            Self::Services => "services",
            Self::Portals => "portals",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.code() == code)
    }

    /// The block's usual heading (a section's block is headed by the
    /// section's name).
    pub fn heading(self) -> &'static str {
        match self {
            Self::Featured => "Tin nổi bật",
            Self::Latest => "Tin mới",
            Self::Section => "Tin của chuyên mục",
            Self::Documents => "Văn bản mới ban hành",
            Self::Services => "Dịch vụ công trực tuyến",
            Self::Portals => "Liên kết cổng thông tin nhà nước",
        }
    }

    /// Whether the board chooses how many items it lists.
    pub fn counts(self) -> bool {
        !matches!(self, Self::Services | Self::Portals)
    }
}

/// Which column of the home page a block sits in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Placement {
    Main,
    Side,
}

impl Placement {
    pub fn code(self) -> &'static str {
        match self {
            Self::Main => "main",
            Self::Side => "side",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        match code {
            "main" => Some(Self::Main),
            "side" => Some(Self::Side),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Block {
    pub kind: Kind,
    /// The section a section's block lists.
    pub section: Option<Uuid>,
    /// The board's own heading; empty for the usual one.
    pub title: String,
    pub count: i16,
    pub placement: Placement,
}

impl Block {
    fn new(kind: Kind, section: Option<Uuid>, count: i16, placement: Placement) -> Self {
        Self {
            kind,
            section,
            title: String::new(),
            count,
            placement,
        }
    }
}

/// The default blocks; the notices' block only where the section exists.
pub async fn defaults(conn: &mut PgConnection) -> sqlx::Result<Vec<Block>> {
    let notices = sqlx::query_scalar!("SELECT id FROM sections WHERE path = $1", NOTICES)
        .fetch_optional(conn)
        .await?;
    let mut blocks = vec![
        Block::new(Kind::Featured, None, 3, Placement::Main),
        Block::new(Kind::Latest, None, 8, Placement::Main),
    ];
    if let Some(notices) = notices {
        let mut block = Block::new(Kind::Section, Some(notices), 5, Placement::Side);
        block.title = "Thông báo".to_owned();
        blocks.push(block);
    }
    blocks.extend([
        Block::new(Kind::Services, None, 1, Placement::Side),
        Block::new(Kind::Documents, None, 5, Placement::Main),
        Block::new(Kind::Portals, None, 1, Placement::Side),
    ]);
    Ok(blocks)
}

/// The board's own blocks; empty when the home page uses the default ones.
pub async fn stored(conn: &mut PgConnection) -> sqlx::Result<Vec<Block>> {
    let rows = sqlx::query!(
        "SELECT kind, section_id, title, item_count, placement FROM home_blocks ORDER BY position"
    )
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .filter_map(|r| {
            Some(Block {
                kind: Kind::from_code(&r.kind)?,
                section: r.section_id,
                title: r.title,
                count: r.item_count,
                placement: Placement::from_code(&r.placement)?,
            })
        })
        .collect())
}

/// The blocks in use: the board's, or the default ones.
pub async fn current(conn: &mut PgConnection) -> sqlx::Result<Vec<Block>> {
    let own = stored(&mut *conn).await?;
    if own.is_empty() {
        defaults(conn).await
    } else {
        Ok(own)
    }
}

/// Replaces the board's blocks with these (already checked); none gives the
/// default home page back. The caller's transaction acts for the commune.
pub async fn replace(conn: &mut PgConnection, tenant: Uuid, blocks: &[Block]) -> sqlx::Result<()> {
    sqlx::query!("DELETE FROM home_blocks")
        .execute(&mut *conn)
        .await?;
    for (position, block) in (1_i16..).zip(blocks) {
        sqlx::query!(
            "INSERT INTO home_blocks (tenant_id, position, kind, section_id, title, item_count, placement)
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
            tenant,
            position,
            block.kind.code(),
            block.section,
            block.title,
            block.count,
            block.placement.code()
        )
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// Checks the board's blocks against the commune's sections; the message
/// says what to change.
pub fn checked(blocks: &[Block], sections: &[SectionRef]) -> Result<Vec<Block>, String> {
    if blocks.is_empty() {
        return Err("Trang chủ cần ít nhất một khối.".to_owned());
    }
    if blocks.len() > MAX_BLOCKS {
        return Err(format!(
            "Trang chủ có {} khối; tối đa {MAX_BLOCKS} khối.",
            blocks.len()
        ));
    }
    let mut kept = Vec::with_capacity(blocks.len());
    for (n, block) in (1..).zip(blocks) {
        let title = block.title.trim();
        if title.chars().count() > MAX_TITLE {
            return Err(format!(
                "Tiêu đề của khối thứ {n} dài quá {MAX_TITLE} ký tự."
            ));
        }
        if title.chars().any(char::is_control) {
            return Err(format!("Tiêu đề của khối thứ {n} có ký tự không hợp lệ."));
        }
        let section = match (block.kind, block.section) {
            (Kind::Section, Some(id)) if sections.iter().any(|s| s.id == id) => Some(id),
            (Kind::Section, _) => {
                return Err(format!(
                    "Khối thứ {n} cần một chuyên mục của trang để lấy tin."
                ));
            }
            _ => None,
        };
        let count = if block.kind.counts() {
            if !(1..=MAX_ITEMS).contains(&block.count) {
                return Err(format!(
                    "Khối thứ {n} hiện từ 1 đến {MAX_ITEMS} tin (đang ghi {}).",
                    block.count
                ));
            }
            block.count
        } else {
            1
        };
        kept.push(Block {
            kind: block.kind,
            section,
            title: title.to_owned(),
            count,
            placement: block.placement,
        });
    }
    Ok(kept)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn notices() -> SectionRef {
        SectionRef {
            id: Uuid::new_v4(),
            path: NOTICES.to_owned(),
            name: "Thông báo".to_owned(),
        }
    }

    #[test]
    fn a_sections_block_needs_one_of_the_communes_sections() {
        let sections = [notices()];
        let mut block = Block::new(Kind::Section, Some(sections[0].id), 4, Placement::Side);
        assert_eq!(checked(&[block.clone()], &sections).unwrap()[0].count, 4);
        block.section = Some(Uuid::new_v4());
        assert!(
            checked(&[block.clone()], &sections)
                .unwrap_err()
                .contains("cần một chuyên mục")
        );
        block.section = None;
        assert!(checked(&[block], &sections).is_err());
    }

    #[test]
    fn counts_are_bounded_and_fixed_boxes_ignore_them() {
        let too_many = Block::new(Kind::Latest, None, 21, Placement::Main);
        assert!(
            checked(&[too_many], &[])
                .unwrap_err()
                .contains("từ 1 đến 20")
        );
        let none = Block::new(Kind::Documents, None, 0, Placement::Main);
        assert!(checked(&[none], &[]).is_err());
        let services = Block::new(Kind::Services, Some(Uuid::new_v4()), 0, Placement::Side);
        let kept = checked(&[services], &[]).unwrap();
        assert_eq!((kept[0].count, kept[0].section), (1, None));
        assert!(checked(&[], &[]).is_err());
    }
}
