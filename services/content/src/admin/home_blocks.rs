//! The home page's blocks in the workspace (/quan-tri/giao-dien/trang-chu):
//! the head chooses which blocks show, in what order, in which column, how
//! many items each lists and, if it likes, a heading of its own; previews
//! the home page and applies it, or gives the default home page back.

use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use congxa_board::{BoardError, layout};
use congxa_site::home_blocks::{self, Block, Kind, MAX_BLOCKS, MAX_ITEMS, Placement};
use congxa_site::menu::{self, SectionRef};
use serde::Serialize;
use serde_json::json;
use uuid::Uuid;

use super::row_list::{self, Edit};
use super::session::Member;
use super::{board_error, record_change, refusal, render, see_other};
use crate::AppState;
use crate::site::Visit;
use crate::site::params::Params;

/// A row of the form, as typed.
#[derive(Debug, Clone, Serialize)]
struct Row {
    /// A kind's code, or `muc:<section id>` for a section's block.
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
    fn of(block: &Block) -> Self {
        Self {
            what: match block.section {
                Some(id) => format!("muc:{id}"),
                None => block.kind.code().to_owned(),
            },
            count: block.count.to_string(),
            placement: block.placement.code().to_owned(),
            title: block.title.clone(),
        }
    }

    /// The block the row asks for; the message when it names no kind.
    fn block(&self, n: usize) -> Result<Block, String> {
        let section = self
            .what
            .strip_prefix("muc:")
            .and_then(|id| Uuid::parse_str(id).ok());
        let kind = match section {
            Some(_) => Kind::Section,
            None => Kind::from_code(&self.what)
                .filter(|k| *k != Kind::Section)
                .ok_or_else(|| format!("Hãy chọn nội dung cho khối thứ {n}."))?,
        };
        let count =
            self.count.trim().parse::<i16>().map_err(|_| {
                format!("Số mục của khối thứ {n} phải là một số từ 1 đến {MAX_ITEMS}.")
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

fn typed(form: &Params) -> Vec<Row> {
    row_list::rows(form, MAX_BLOCKS + 1, |form, i| Row {
        what: form.raw(&format!("loai_{i}")).to_owned(),
        count: form.raw(&format!("so_{i}")).to_owned(),
        placement: form.raw(&format!("cot_{i}")).to_owned(),
        title: form.raw(&format!("tieu_de_{i}")).to_owned(),
    })
}

fn blocks(rows: &[Row]) -> Result<Vec<Block>, String> {
    (1..).zip(rows).map(|(n, row)| row.block(n)).collect()
}

#[derive(Serialize)]
struct Choice {
    code: &'static str,
    name: &'static str,
}

#[derive(Serialize)]
struct BlocksPage {
    rows: Vec<Row>,
    kinds: Vec<Choice>,
    sections: Vec<SectionRef>,
    own: bool,
    unsaved: bool,
    max: usize,
    max_items: i16,
}

async fn blocks_page(
    state: &AppState,
    member: &Member,
    status: StatusCode,
    typed: Option<Vec<Row>>,
    (message, error): (Option<&str>, Option<&str>),
) -> Response {
    let loaded = async {
        let mut tx = member.begin(state).await?;
        let sections = menu::sections(&mut tx).await?;
        let own = home_blocks::stored(&mut tx).await?;
        let current = if own.is_empty() {
            home_blocks::defaults(&mut tx).await?
        } else {
            own.clone()
        };
        Ok::<_, BoardError>((sections, !own.is_empty(), current))
    };
    let (sections, own, current) = match loaded.await {
        Ok(loaded) => loaded,
        Err(error) => return board_error(error),
    };
    let page = BlocksPage {
        unsaved: typed.is_some(),
        rows: typed.unwrap_or_else(|| current.iter().map(Row::of).collect()),
        kinds: Kind::ALL
            .into_iter()
            .filter(|k| *k != Kind::Section)
            .map(|k| Choice {
                code: k.code(),
                name: k.heading(),
            })
            .collect(),
        sections,
        own,
        max: MAX_BLOCKS,
        max_items: MAX_ITEMS,
    };
    let mut frame = member.frame("Bố cục trang chủ", page);
    frame.message = message;
    frame.error = error;
    render(state, status, "home_blocks.html", frame)
}

pub async fn page(
    State(state): State<AppState>,
    member: Member,
    RawQuery(query): RawQuery,
) -> Response {
    if let Err(refused) = super::may_change_settings(&member) {
        return refused;
    }
    let query = Params::parse(query.as_deref());
    let message = if query.has("da-luu") {
        Some("Đã áp dụng bố cục mới cho trang chủ.")
    } else if query.has("mac-dinh") {
        Some("Trang chủ dùng lại bố cục mặc định.")
    } else {
        None
    };
    blocks_page(&state, &member, StatusCode::OK, None, (message, None)).await
}

/// Every button of the form: a row edit, a preview, saving, or the default
/// home page back.
pub async fn change(
    State(state): State<AppState>,
    member: Member,
    mut visit: Visit,
    body: Bytes,
) -> Response {
    if let Err(refused) = super::may_change_settings(&member) {
        return refused;
    }
    let form = Params::parse_body(&body);
    if let Err(refused) = member.check(&form) {
        return refused;
    }
    let mut rows = typed(&form);
    let refused = |rows: Vec<Row>, reason: String| {
        let (state, member) = (&state, &member);
        async move {
            blocks_page(
                state,
                member,
                StatusCode::UNPROCESSABLE_ENTITY,
                Some(rows),
                (None, Some(&reason)),
            )
            .await
        }
    };
    let action = form.raw("thao_tac");
    if let Some(edit) = Edit::parse(action) {
        edit.apply(&mut rows, MAX_BLOCKS);
        let note = Some("Chưa lưu: bấm “Lưu và áp dụng” để trang chủ đổi theo.");
        return blocks_page(&state, &member, StatusCode::OK, Some(rows), (note, None)).await;
    }
    match action {
        "xem-truoc" => {
            let given = match blocks(&rows) {
                Ok(given) => given,
                Err(reason) => return refused(rows, reason).await,
            };
            let checked = async {
                let mut tx = member.begin(&state).await?;
                let sections = menu::sections(&mut tx).await?;
                Ok::<_, BoardError>(home_blocks::checked(&given, &sections))
            };
            match checked.await {
                Ok(Ok(kept)) => {
                    visit.preview = Some("/quan-tri/giao-dien/trang-chu".to_owned());
                    visit.preview_note =
                        Some("bố cục trang chủ này chưa được lưu, chỉ ban biên tập xem được");
                    visit.home_blocks = Some(kept);
                    crate::site::home::page(State(state), visit).await
                }
                Ok(Err(reason)) => refused(rows, reason).await,
                Err(error) => board_error(error),
            }
        }
        "luu" => {
            let given = match blocks(&rows) {
                Ok(given) => given,
                Err(reason) => return refused(rows, reason).await,
            };
            let saved = async {
                let mut tx = member.begin(&state).await?;
                let kept =
                    layout::save_home(&mut tx, member.tenant.id, &member.account, &given).await?;
                let kinds: Vec<&str> = kept.iter().map(|b| b.kind.code()).collect();
                record_change(
                    &mut tx,
                    &member,
                    "site.home.save",
                    json!({ "blocks": kinds }),
                )
                .await?;
                tx.commit().await?;
                Ok::<_, BoardError>(())
            };
            match saved.await {
                Ok(()) => see_other("/quan-tri/giao-dien/trang-chu?da-luu"),
                Err(error) => match refusal(error) {
                    Ok(reason) => refused(rows, reason).await,
                    Err(response) => response,
                },
            }
        }
        "mac-dinh" => {
            let reset = async {
                let mut tx = member.begin(&state).await?;
                layout::reset_home(&mut tx, member.tenant.id, &member.account).await?;
                record_change(&mut tx, &member, "site.home.reset", json!({})).await?;
                tx.commit().await?;
                Ok::<_, BoardError>(())
            };
            match reset.await {
                Ok(()) => see_other("/quan-tri/giao-dien/trang-chu?mac-dinh"),
                Err(error) => board_error(error),
            }
        }
        _ => blocks_page(&state, &member, StatusCode::OK, Some(rows), (None, None)).await,
    }
}
