//! The site's menu in the workspace (/quan-tri/giao-dien/trinh-don): the
//! head orders the entries, renames them and points each at a section of
//! the commune or an address, previews the home page with the menu and
//! applies it; or gives the default menu back (the flow is
//! `list_editor`'s). "Trang chủ" and "Sơ đồ trang" stay first and last,
//! and the entries the rules require cannot be left out
//! (`congxa_site::menu::checked`).

use congxa_board::{BoardError, layout};
use congxa_site::menu::{self, Entry, MAX_ENTRIES, MAX_LABEL, SectionRef, Target};
use serde::Serialize;
use serde_json::json;
use sqlx::PgConnection;

use super::list_editor::{ListEditor, chosen_section, section_choice};
use super::session::Member;
use crate::site::Visit;
use crate::site::params::Params;

/// The value of the "leads to" choice for an address of the board's own.
const ADDRESS: &str = "dia-chi";

/// A row of the form, as typed.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Row {
    label: String,
    /// A section's choice, or [`ADDRESS`].
    target: String,
    address: String,
}

impl Row {
    /// Nothing typed and no section chosen.
    fn is_blank(&self) -> bool {
        chosen_section(&self.target).is_none()
            && self.label.trim().is_empty()
            && self.address.trim().is_empty()
    }

    fn entry(&self) -> Entry {
        Entry {
            label: self.label.clone(),
            target: match chosen_section(&self.target) {
                Some(id) => Target::Section(id),
                None => Target::Address(self.address.clone()),
            },
        }
    }
}

/// The limit of a label, for its field.
#[derive(Serialize)]
pub struct Limits {
    max_label: usize,
}

/// The menu's editor.
pub struct Menu;

impl ListEditor for Menu {
    type Row = Row;
    type Item = Entry;
    type Page = Limits;
    const PATH: &'static str = "/quan-tri/giao-dien/trinh-don";
    const TITLE: &'static str = "Trình đơn của trang";
    const TEMPLATE: &'static str = "menu.html";
    const MAX: usize = MAX_ENTRIES;
    const ACTION: &'static str = "site.menu";
    const SAVED: &'static str = "Đã áp dụng trình đơn mới cho mọi trang của xã.";
    const RESET: &'static str = "Trang dùng lại trình đơn mặc định.";
    const UNSAVED: &'static str = "Chưa lưu: bấm “Lưu và áp dụng” để trang đổi theo.";
    const PREVIEW_NOTE: &'static str = "trình đơn này chưa được lưu, chỉ ban biên tập xem được";

    fn row(form: &Params, i: usize) -> Row {
        Row {
            label: form.raw(&format!("ten_{i}")).to_owned(),
            target: form.raw(&format!("dich_{i}")).to_owned(),
            address: form.raw(&format!("dia_chi_{i}")).to_owned(),
        }
    }

    fn items(rows: &[Row]) -> Result<Vec<Entry>, String> {
        Ok(rows
            .iter()
            .filter(|r| !r.is_blank())
            .map(Row::entry)
            .collect())
    }

    fn checked(items: &[Entry], sections: &[SectionRef]) -> Result<Vec<Entry>, String> {
        menu::checked(items, sections)
    }

    async fn stored(conn: &mut PgConnection) -> sqlx::Result<Vec<Entry>> {
        menu::stored(conn).await
    }

    async fn defaults(conn: &mut PgConnection) -> sqlx::Result<Vec<Entry>> {
        menu::defaults(conn).await
    }

    fn row_of(entry: &Entry) -> Row {
        match &entry.target {
            Target::Section(id) => Row {
                label: entry.label.clone(),
                target: section_choice(*id),
                address: String::new(),
            },
            Target::Address(url) => Row {
                label: entry.label.clone(),
                target: ADDRESS.to_owned(),
                address: url.clone(),
            },
        }
    }

    fn page() -> Limits {
        Limits {
            max_label: MAX_LABEL,
        }
    }

    async fn save(
        conn: &mut PgConnection,
        member: &Member,
        items: &[Entry],
    ) -> Result<serde_json::Value, BoardError> {
        let kept = layout::save_menu(conn, member.tenant.id, &member.account, items).await?;
        let labels: Vec<&str> = kept.iter().map(|e| e.label.as_str()).collect();
        Ok(json!({ "entries": labels }))
    }

    async fn reset(conn: &mut PgConnection, member: &Member) -> Result<(), BoardError> {
        layout::reset_menu(conn, member.tenant.id, &member.account).await
    }

    fn preview(visit: &mut Visit, items: Vec<Entry>) {
        visit.menu = Some(items);
    }
}
