//! The home page's blocks in the workspace (/quan-tri/giao-dien/trang-chu):
//! the head chooses which blocks show, in what order, in which column, how
//! many items each lists and, if it likes, a heading of its own; previews
//! the home page and applies it, or gives the default home page back (the
//! flow is `list_editor`'s).

use congxa_board::{BoardError, layout};
use congxa_site::home_blocks::{self, Block, Kind, MAX_BLOCKS, MAX_ITEMS, MAX_TITLE, Placement};
use congxa_site::menu::SectionRef;
use serde::Serialize;
use serde_json::json;
use sqlx::PgConnection;

use super::list_editor::{ListEditor, chosen_section, section_choice};
use super::session::Member;
use crate::site::Visit;
use crate::site::params::Params;

/// A row of the form, as typed.
#[derive(Debug, Clone, Serialize)]
pub struct Row {
    /// A kind's code, or a section's choice for a section's block.
    what: String,
    count: String,
    placement: String,
    title: String,
}

impl Default for Row {
    fn default() -> Self {
        Self {
            what: Kind::Latest.code().to_owned(),
            count: "5".to_owned(),
            placement: Placement::Main.code().to_owned(),
            title: String::new(),
        }
    }
}

impl Row {
    /// The block the row asks for; the message when it names no kind.
    fn block(&self, n: usize) -> Result<Block, String> {
        let section = chosen_section(&self.what);
        let kind = match section {
            Some(_) => Kind::Section,
            None => Kind::from_code(&self.what)
                .filter(|k| *k != Kind::Section)
                .ok_or_else(|| format!("Hãy chọn nội dung cho khối thứ {n}."))?,
        };
        let count =
            self.count.trim().parse::<i16>().map_err(|_| {
                format!("Số tin của khối thứ {n} phải là một số từ 1 đến {MAX_ITEMS}.")
            });
        Ok(Block {
            kind,
            section,
            title: self.title.clone(),
            // Fixed boxes list no items: whatever is typed does not matter.
            count: if kind.counts() { count? } else { 1 },
            placement: Placement::from_code(&self.placement).unwrap_or(Placement::Main),
        })
    }
}

#[derive(Serialize)]
struct Choice {
    code: &'static str,
    name: &'static str,
}

/// The kinds a row may choose besides a section, and the limits of its
/// fields.
#[derive(Serialize)]
pub struct Choices {
    kinds: Vec<Choice>,
    max_items: i16,
    max_title: usize,
}

/// The home page's editor.
pub struct HomeBlocks;

impl ListEditor for HomeBlocks {
    type Row = Row;
    type Item = Block;
    type Page = Choices;
    const PATH: &'static str = "/quan-tri/giao-dien/trang-chu";
    const TITLE: &'static str = "Bố cục trang chủ";
    const TEMPLATE: &'static str = "home_blocks.html";
    const MAX: usize = MAX_BLOCKS;
    const ACTION: &'static str = "site.home";
    const SAVED: &'static str = "Đã áp dụng bố cục mới cho trang chủ.";
    const RESET: &'static str = "Trang chủ dùng lại bố cục mặc định.";
    const UNSAVED: &'static str = "Chưa lưu: bấm “Lưu và áp dụng” để trang chủ đổi theo.";
    const PREVIEW_NOTE: &'static str =
        "bố cục trang chủ này chưa được lưu, chỉ ban biên tập xem được";

    fn row(form: &Params, i: usize) -> Row {
        Row {
            what: form.raw(&format!("loai_{i}")).to_owned(),
            count: form.raw(&format!("so_{i}")).to_owned(),
            placement: form.raw(&format!("cot_{i}")).to_owned(),
            title: form.raw(&format!("tieu_de_{i}")).to_owned(),
        }
    }

    fn items(rows: &[Row]) -> Result<Vec<Block>, String> {
        (1..).zip(rows).map(|(n, row)| row.block(n)).collect()
    }

    fn checked(items: &[Block], sections: &[SectionRef]) -> Result<Vec<Block>, String> {
        home_blocks::checked(items, sections)
    }

    async fn stored(conn: &mut PgConnection) -> sqlx::Result<Vec<Block>> {
        home_blocks::stored(conn).await
    }

    async fn defaults(conn: &mut PgConnection) -> sqlx::Result<Vec<Block>> {
        home_blocks::defaults(conn).await
    }

    fn row_of(block: &Block) -> Row {
        Row {
            what: match block.section {
                Some(id) => section_choice(id),
                None => block.kind.code().to_owned(),
            },
            count: block.count.to_string(),
            placement: block.placement.code().to_owned(),
            title: block.title.clone(),
        }
    }

    fn page() -> Choices {
        Choices {
            kinds: Kind::ALL
                .into_iter()
                .filter(|k| *k != Kind::Section)
                .map(|k| Choice {
                    code: k.code(),
                    name: k.heading(),
                })
                .collect(),
            max_items: MAX_ITEMS,
            max_title: MAX_TITLE,
        }
    }

    async fn save(
        conn: &mut PgConnection,
        member: &Member,
        items: &[Block],
    ) -> Result<serde_json::Value, BoardError> {
        let kept = layout::save_home(conn, member.tenant.id, &member.account, items).await?;
        let kinds: Vec<&str> = kept.iter().map(|b| b.kind.code()).collect();
        Ok(json!({ "blocks": kinds }))
    }

    async fn reset(conn: &mut PgConnection, member: &Member) -> Result<(), BoardError> {
        layout::reset_home(conn, member.tenant.id, &member.account).await
    }

    fn preview(visit: &mut Visit, items: Vec<Block>) {
        visit.home_blocks = Some(items);
    }
}
