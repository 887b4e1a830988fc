//! Lists the board edits whole in one form, without scripts: the site's
//! menu and the home page's blocks. Every row's fields are posted together
//! with the button pressed, which moves a row up or down, removes one or
//! adds an empty one; nothing is kept until "Lưu và áp dụng", so the board
//! can preview the list first ("Xem trước"), and "Dùng lại … mặc định" gives
//! the default back. Each list says what is its own through [`ListEditor`];
//! the flow is here, once.

use std::future::Future;

use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use congxa_board::BoardError;
use congxa_site::menu::{self, SectionRef};
use serde::Serialize;
use sqlx::PgConnection;
use uuid::Uuid;

use super::session::Member;
use super::{board_error, record_change, refusal, render, see_other};
use crate::AppState;
use crate::site::Visit;
use crate::site::params::Params;

/// How a row's choice names a section of the commune: `muc:<id>`.
const SECTION: &str = "muc:";

/// The choice's value for a section.
pub fn section_choice(id: Uuid) -> String {
    format!("{SECTION}{id}")
}

/// The section a choice names, if it names one.
pub fn chosen_section(value: &str) -> Option<Uuid> {
    value
        .strip_prefix(SECTION)
        .and_then(|id| Uuid::parse_str(id).ok())
}

/// What a row button asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Edit {
    Up(usize),
    Down(usize),
    Remove(usize),
    Add,
}

impl Edit {
    /// The edit of a pressed button's value (`len-2`, `xuong-0`, `bo-1`,
    /// `them`), if it is one.
    pub fn parse(value: &str) -> Option<Self> {
        if value == "them" {
            return Some(Self::Add);
        }
        let (verb, row) = value.rsplit_once('-')?;
        let row = row.parse().ok()?;
        match verb {
            "len" => Some(Self::Up(row)),
            "xuong" => Some(Self::Down(row)),
            "bo" => Some(Self::Remove(row)),
            _ => None,
        }
    }

    /// Applies the edit; one that names no row changes nothing, and no more
    /// than `max` rows are ever made.
    pub fn apply<T: Default>(self, rows: &mut Vec<T>, max: usize) {
        match self {
            Self::Up(at) if at > 0 && at < rows.len() => rows.swap(at, at - 1),
            Self::Down(at) if at + 1 < rows.len() => rows.swap(at, at + 1),
            Self::Remove(at) if at < rows.len() => {
                rows.remove(at);
            }
            Self::Add if rows.len() < max => rows.push(T::default()),
            _ => {}
        }
    }
}

/// One list the board edits whole.
pub trait ListEditor: 'static {
    /// A row of the form, as typed.
    type Row: Default + Serialize + Send + Sync;
    /// What a row becomes once read.
    type Item: Send + Sync;
    /// What the page's template receives besides the rows.
    type Page: Serialize + Send;
    /// The workspace page of the list, its title and its template.
    const PATH: &'static str;
    const TITLE: &'static str;
    const TEMPLATE: &'static str;
    const MAX: usize;
    /// The audit log's action: `<ACTION>.save` or `<ACTION>.reset`.
    const ACTION: &'static str;
    /// What the page says after saving, after the default came back, and
    /// while an edit is not saved.
    const SAVED: &'static str;
    const RESET: &'static str;
    const UNSAVED: &'static str;
    /// What the preview's banner says it shows.
    const PREVIEW_NOTE: &'static str;

    /// Row `i` of a posted form.
    fn row(form: &Params, i: usize) -> Self::Row;
    /// The items the rows ask for, blank rows left out; the message when a
    /// row asks for nothing that can be.
    fn items(rows: &[Self::Row]) -> Result<Vec<Self::Item>, String>;
    /// The items checked against the commune's sections, as they would be
    /// kept.
    fn checked(items: &[Self::Item], sections: &[SectionRef]) -> Result<Vec<Self::Item>, String>;
    /// The board's own list (empty while the default shows).
    fn stored(
        conn: &mut PgConnection,
    ) -> impl Future<Output = sqlx::Result<Vec<Self::Item>>> + Send;
    /// The default list.
    fn defaults(
        conn: &mut PgConnection,
    ) -> impl Future<Output = sqlx::Result<Vec<Self::Item>>> + Send;
    /// An item as a row of the form.
    fn row_of(item: &Self::Item) -> Self::Row;
    /// What the template needs besides the rows and the sections: the
    /// other choices a row offers, the limits of its fields.
    fn page() -> Self::Page;
    /// Keeps the items (checked again); what the audit log records.
    fn save(
        conn: &mut PgConnection,
        member: &Member,
        items: &[Self::Item],
    ) -> impl Future<Output = Result<serde_json::Value, BoardError>> + Send;
    /// Gives the default back.
    fn reset(
        conn: &mut PgConnection,
        member: &Member,
    ) -> impl Future<Output = Result<(), BoardError>> + Send;
    /// Puts the unsaved items on the page the preview renders.
    fn preview(visit: &mut Visit, items: Vec<Self::Item>);
}

/// The page with the rows.
#[derive(Serialize)]
struct ListPage<R, P> {
    rows: Vec<R>,
    /// Whether the board has a list of its own (else the default shows).
    own: bool,
    /// Whether the rows shown differ from what is kept.
    unsaved: bool,
    /// The commune's sections, which a row may choose.
    sections: Vec<SectionRef>,
    max: usize,
    #[serde(flatten)]
    page: P,
}

/// The page: the list as kept (the default until the board saves its own),
/// or the rows as typed.
async fn show<E: ListEditor>(
    state: &AppState,
    member: &Member,
    status: StatusCode,
    typed: Option<Vec<E::Row>>,
    (message, error): (Option<&str>, Option<&str>),
) -> Response {
    let loaded = async {
        let mut tx = member.begin(state).await?;
        let sections = menu::sections(&mut tx).await?;
        let stored = E::stored(&mut tx).await?;
        let own = !stored.is_empty();
        let kept = if own {
            stored
        } else {
            E::defaults(&mut tx).await?
        };
        Ok::<_, BoardError>((sections, own, kept))
    };
    let (sections, own, kept) = match loaded.await {
        Ok(loaded) => loaded,
        Err(error) => return board_error(error),
    };
    let page = ListPage {
        own,
        unsaved: typed.is_some(),
        rows: typed.unwrap_or_else(|| kept.iter().map(E::row_of).collect()),
        page: E::page(),
        sections,
        max: E::MAX,
    };
    let mut frame = member.frame(E::TITLE, page);
    frame.message = message;
    frame.error = error;
    render(state, status, E::TEMPLATE, frame)
}

/// The rows a form posted; at most `max` (a hostile count is not believed).
fn rows<E: ListEditor>(form: &Params) -> Vec<E::Row> {
    let count = form
        .raw("so_dong")
        .parse::<usize>()
        .unwrap_or(0)
        .min(E::MAX + 1);
    (0..count).map(|i| E::row(form, i)).collect()
}

pub async fn page<E: ListEditor>(
    State(state): State<AppState>,
    member: Member,
    RawQuery(query): RawQuery,
) -> Response {
    if let Err(refused) = super::may_change_settings(&member) {
        return refused;
    }
    let query = Params::parse(query.as_deref());
    let message = if query.has("da-luu") {
        Some(E::SAVED)
    } else if query.has("mac-dinh") {
        Some(E::RESET)
    } else {
        None
    };
    show::<E>(&state, &member, StatusCode::OK, None, (message, None)).await
}

/// Every button of the form: a row edit, a preview, saving, or the default
/// back. Enter in a field shows the form again, as typed.
pub async fn change<E: ListEditor>(
    State(state): State<AppState>,
    member: Member,
    mut visit: Visit,
    body: Bytes,
) -> Response {
    let form = match super::settings_form(&member, &body) {
        Ok(form) => form,
        Err(refused) => return refused,
    };
    let mut rows = rows::<E>(&form);
    let action = form.raw("thao_tac");
    if let Some(edit) = Edit::parse(action) {
        edit.apply(&mut rows, E::MAX);
        let note = (Some(E::UNSAVED), None);
        return show::<E>(&state, &member, StatusCode::OK, Some(rows), note).await;
    }
    let refused = StatusCode::UNPROCESSABLE_ENTITY;
    let done = match action {
        "xem-truoc" | "luu" => {
            let items = match E::items(&rows) {
                Ok(items) => items,
                Err(reason) => {
                    return show::<E>(&state, &member, refused, Some(rows), (None, Some(&reason)))
                        .await;
                }
            };
            let outcome = async {
                let mut tx = member.begin(&state).await?;
                if action == "luu" {
                    let details = E::save(&mut tx, &member, &items).await?;
                    record_change(&mut tx, &member, &format!("{}.save", E::ACTION), details)
                        .await?;
                    tx.commit().await?;
                    return Ok(None);
                }
                let sections = menu::sections(&mut tx).await?;
                Ok::<_, BoardError>(Some(
                    E::checked(&items, &sections).map_err(BoardError::Invalid)?,
                ))
            };
            match outcome.await {
                Ok(Some(checked)) => {
                    visit.preview = Some(E::PATH.to_owned());
                    visit.preview_note = Some(E::PREVIEW_NOTE);
                    E::preview(&mut visit, checked);
                    return crate::site::home::page(State(state), visit).await;
                }
                Ok(None) => Ok("da-luu"),
                Err(error) => Err(error),
            }
        }
        "mac-dinh" => {
            let reset = async {
                let mut tx = member.begin(&state).await?;
                E::reset(&mut tx, &member).await?;
                let action = format!("{}.reset", E::ACTION);
                record_change(&mut tx, &member, &action, serde_json::json!({})).await?;
                tx.commit().await?;
                Ok::<_, BoardError>("mac-dinh")
            };
            reset.await
        }
        _ => return show::<E>(&state, &member, StatusCode::OK, Some(rows), (None, None)).await,
    };
    match done {
        Ok(flag) => see_other(&format!("{}?{flag}", E::PATH)),
        Err(error) => match refusal(error) {
            Ok(reason) => {
                show::<E>(&state, &member, refused, Some(rows), (None, Some(&reason))).await
            }
            Err(response) => response,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edits_move_remove_and_add_within_bounds() {
        let mut rows = vec![1, 2, 3];
        Edit::parse("len-2")
            .unwrap_or(Edit::Add)
            .apply(&mut rows, 5);
        assert_eq!(rows, [1, 3, 2]);
        Edit::parse("xuong-0")
            .unwrap_or(Edit::Add)
            .apply(&mut rows, 5);
        assert_eq!(rows, [3, 1, 2]);
        Edit::parse("bo-1").unwrap_or(Edit::Add).apply(&mut rows, 5);
        assert_eq!(rows, [3, 2]);
        for outside in ["len-0", "xuong-1", "bo-9", "len-99999999999999999999"] {
            if let Some(edit) = Edit::parse(outside) {
                edit.apply(&mut rows, 5);
            }
        }
        assert_eq!(rows, [3, 2]);
        Edit::Add.apply(&mut rows, 3);
        Edit::Add.apply(&mut rows, 3);
        assert_eq!(rows, [3, 2, 0]);
        assert_eq!(Edit::parse("luu"), None);
    }

    #[test]
    fn a_section_choice_reads_back_and_nothing_else_does() {
        let id = Uuid::new_v4();
        assert_eq!(chosen_section(&section_choice(id)), Some(id));
        for other in ["dia-chi", "latest", "muc:", "muc:x", ""] {
            assert_eq!(chosen_section(other), None, "{other}");
        }
    }
}
