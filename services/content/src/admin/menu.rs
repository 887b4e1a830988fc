//! The site's menu in the workspace (/quan-tri/giao-dien/trinh-don): the
//! head orders the entries, renames them and points each at a section of
//! the commune or an address, previews the home page with the menu and
//! applies it; or gives the default menu back. "Trang chủ" and "Sơ đồ
//! trang" stay first and last, and the entries the rules require cannot be
//! left out (`congxa_site::menu::checked`).

use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use congxa_board::{BoardError, layout};
use congxa_site::menu::{self, Entry, MAX_ENTRIES, SectionRef, Target};
use serde::Serialize;
use serde_json::json;
use uuid::Uuid;

use super::row_list::{self, Edit};
use super::session::Member;
use super::{board_error, record_change, refusal, render, see_other};
use crate::AppState;
use crate::site::Visit;
use crate::site::params::Params;

/// The value of the "leads to" choice for an address of the board's own.
const ADDRESS: &str = "dia-chi";

/// A row of the form, as typed.
#[derive(Debug, Clone, Default, Serialize)]
struct Row {
    label: String,
    /// `muc:<section id>` or [`ADDRESS`].
    target: String,
    address: String,
}

impl Row {
    fn of(entry: &Entry) -> Self {
        match &entry.target {
            Target::Section(id) => Self {
                label: entry.label.clone(),
                target: format!("muc:{id}"),
                address: String::new(),
            },
            Target::Address(url) => Self {
                label: entry.label.clone(),
                target: ADDRESS.to_owned(),
                address: url.clone(),
            },
        }
    }

    fn is_blank(&self) -> bool {
        self.label.trim().is_empty() && self.address.trim().is_empty()
    }

    fn entry(&self) -> Entry {
        let section = self
            .target
            .strip_prefix("muc:")
            .and_then(|id| Uuid::parse_str(id).ok());
        Entry {
            label: self.label.clone(),
            target: match section {
                Some(id) => Target::Section(id),
                None => Target::Address(self.address.clone()),
            },
        }
    }
}

fn typed(form: &Params) -> Vec<Row> {
    row_list::rows(form, MAX_ENTRIES + 1, |form, i| Row {
        label: form.raw(&format!("ten_{i}")).to_owned(),
        target: form.raw(&format!("dich_{i}")).to_owned(),
        address: form.raw(&format!("dia_chi_{i}")).to_owned(),
    })
}

/// The entries of the typed rows, blank rows left out.
fn entries(rows: &[Row]) -> Vec<Entry> {
    rows.iter()
        .filter(|r| !r.is_blank())
        .map(Row::entry)
        .collect()
}

#[derive(Serialize)]
struct MenuPage {
    rows: Vec<Row>,
    sections: Vec<SectionRef>,
    /// Whether the board has a menu of its own (else the default shows).
    own: bool,
    /// Whether the rows shown differ from what is kept.
    unsaved: bool,
    max: usize,
}

async fn menu_page(
    state: &AppState,
    member: &Member,
    status: StatusCode,
    typed: Option<Vec<Row>>,
    (message, error): (Option<&str>, Option<&str>),
) -> Response {
    let loaded = async {
        let mut tx = member.begin(state).await?;
        let sections = menu::sections(&mut tx).await?;
        let own = menu::stored(&mut tx).await?;
        let current = if own.is_empty() {
            menu::defaults(&mut tx).await?
        } else {
            own.clone()
        };
        Ok::<_, BoardError>((sections, !own.is_empty(), current))
    };
    let (sections, own, current) = match loaded.await {
        Ok(loaded) => loaded,
        Err(error) => return board_error(error),
    };
    let unsaved = typed.is_some();
    let page = MenuPage {
        rows: typed.unwrap_or_else(|| current.iter().map(Row::of).collect()),
        sections,
        own,
        unsaved,
        max: MAX_ENTRIES,
    };
    let mut frame = member.frame("Trình đơn của trang", page);
    frame.message = message;
    frame.error = error;
    render(state, status, "menu.html", frame)
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
        Some("Đã áp dụng trình đơn mới cho mọi trang của xã.")
    } else if query.has("mac-dinh") {
        Some("Trang dùng lại trình đơn mặc định.")
    } else {
        None
    };
    menu_page(&state, &member, StatusCode::OK, None, (message, None)).await
}

/// Every button of the form: a row edit, a preview, saving, or the default
/// menu back.
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
            menu_page(
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
        edit.apply(&mut rows, MAX_ENTRIES);
        let note = Some("Chưa lưu: bấm “Lưu và áp dụng” để trang đổi theo.");
        return menu_page(&state, &member, StatusCode::OK, Some(rows), (note, None)).await;
    }
    match action {
        "xem-truoc" => {
            let checked = async {
                let mut tx = member.begin(&state).await?;
                let sections = menu::sections(&mut tx).await?;
                Ok::<_, BoardError>(menu::checked(&entries(&rows), &sections))
            };
            match checked.await {
                Ok(Ok(entries)) => {
                    visit.preview = Some("/quan-tri/giao-dien/trinh-don".to_owned());
                    visit.preview_note =
                        Some("trình đơn này chưa được lưu, chỉ ban biên tập xem được");
                    visit.menu = Some(entries);
                    crate::site::home::page(State(state), visit).await
                }
                Ok(Err(reason)) => refused(rows, reason).await,
                Err(error) => board_error(error),
            }
        }
        "luu" => {
            let saved = async {
                let mut tx = member.begin(&state).await?;
                let kept =
                    layout::save_menu(&mut tx, member.tenant.id, &member.account, &entries(&rows))
                        .await?;
                let labels: Vec<&str> = kept.iter().map(|e| e.label.as_str()).collect();
                record_change(
                    &mut tx,
                    &member,
                    "site.menu.save",
                    json!({ "entries": labels }),
                )
                .await?;
                tx.commit().await?;
                Ok::<_, BoardError>(())
            };
            match saved.await {
                Ok(()) => see_other("/quan-tri/giao-dien/trinh-don?da-luu"),
                Err(error) => match refusal(error) {
                    Ok(reason) => refused(rows, reason).await,
                    Err(response) => response,
                },
            }
        }
        "mac-dinh" => {
            let reset = async {
                let mut tx = member.begin(&state).await?;
                layout::reset_menu(&mut tx, member.tenant.id, &member.account).await?;
                record_change(&mut tx, &member, "site.menu.reset", json!({})).await?;
                tx.commit().await?;
                Ok::<_, BoardError>(())
            };
            match reset.await {
                Ok(()) => see_other("/quan-tri/giao-dien/trinh-don?mac-dinh"),
                Err(error) => board_error(error),
            }
        }
        // Enter in a field: the form again, as typed.
        _ => menu_page(&state, &member, StatusCode::OK, Some(rows), (None, None)).await,
    }
}
