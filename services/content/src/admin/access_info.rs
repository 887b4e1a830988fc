//! Entries of the access-to-information list (Decree 13/2018 Art. 6.3) in
//! the workspace: the information's name, its number and symbol and date
//! when it is a document, how it is made public (on the site, posted at the
//! office, …), when and for how long, and its file. A new entry then goes
//! through the workflow like any item; its fields can be corrected later.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use congxa_board::BoardError;
use congxa_board::items::Text;
use congxa_board::records::{AccessInfoFields, Fields};
use serde::Serialize;
use sqlx::PgConnection;
use uuid::Uuid;

use super::item_forms::{self, Target, day, day_text};
use super::session::Member;
use super::{board_error, render};
use crate::AppState;
use crate::site::params::Params;

const FIELDS: [&str; 7] = [
    "title",
    "summary",
    "number_symbol",
    "issued_on",
    "publication_form",
    "publication_time",
    "file",
];

/// The ways of making information public people choose from (another can
/// be typed in).
const FORMS: [&str; 4] = [
    "Đăng trên trang thông tin điện tử",
    "Niêm yết tại trụ sở Ủy ban nhân dân xã",
    "Thông báo trên hệ thống truyền thanh",
    "Đăng trên trang thông tin điện tử; niêm yết tại trụ sở",
];

#[derive(Serialize)]
struct AccessInfoPage {
    forms: Vec<&'static str>,
    files: Vec<(Uuid, String)>,
    values: Vec<(String, String)>,
    target: Target,
}

pub async fn page(
    state: &AppState,
    member: &Member,
    status: StatusCode,
    values: Vec<(String, String)>,
    error: Option<&str>,
    target: Target,
) -> Response {
    let files = match item_forms::library_files(state, member).await {
        Ok(files) => files,
        Err(error) => return board_error(error),
    };
    let title = target.heading(
        "Danh mục thông tin phải công khai",
        "Sửa thông tin trong danh mục công khai",
    );
    let data = AccessInfoPage {
        forms: FORMS.to_vec(),
        files,
        values,
        target,
    };
    let mut frame = member.frame(title, data);
    frame.error = error;
    render(state, status, "access_info.html", frame)
}

pub async fn new_form(State(state): State<AppState>, member: Member) -> Response {
    if let Err(refused) = item_forms::may_start(&member) {
        return refused;
    }
    let target = Target::new_item("/quan-tri/tiep-can-thong-tin/moi");
    page(&state, &member, StatusCode::OK, Vec::new(), None, target).await
}

/// The entry's fields as typed.
pub fn fields(form: &Params) -> Result<Fields<'_>, BoardError> {
    Ok(Fields::AccessInfo(AccessInfoFields {
        number_symbol: form.raw("number_symbol"),
        issued_on: day(form, "issued_on", "Ngày ban hành", false)?,
        publication_form: form.raw("publication_form"),
        publication_time: form.raw("publication_time"),
    }))
}

/// The fields of entry `id` as the form shows them.
pub async fn current(
    conn: &mut PgConnection,
    id: Uuid,
) -> Result<Vec<(String, String)>, BoardError> {
    let r = sqlx::query!(
        "SELECT number_symbol, issued_on, publication_form, publication_time
         FROM access_info_entries WHERE item_id = $1",
        id
    )
    .fetch_optional(conn)
    .await?
    .ok_or(BoardError::ItemNotFound)?;
    Ok(vec![
        ("number_symbol".to_owned(), r.number_symbol),
        ("issued_on".to_owned(), day_text(r.issued_on)),
        ("publication_form".to_owned(), r.publication_form),
        ("publication_time".to_owned(), r.publication_time),
    ])
}

pub async fn create(State(state): State<AppState>, member: Member, body: Bytes) -> Response {
    let form = Params::parse_body(&body);
    if let Err(refused) = item_forms::may_start(&member).and_then(|()| member.check(&form)) {
        return refused;
    }
    let created = async {
        let fields = fields(&form)?;
        let file = item_forms::chosen_file(&form)?;
        let text = Text {
            title: form.raw("title"),
            summary: form.raw("summary"),
            body: "",
            target_date: None,
        };
        item_forms::start(&state, &member, &text, &fields, file).await
    };
    match item_forms::finished(created.await) {
        Ok(response) => response,
        Err(text) => {
            page(
                &state,
                &member,
                StatusCode::UNPROCESSABLE_ENTITY,
                item_forms::typed(&form, &FIELDS),
                Some(&text),
                Target::new_item("/quan-tri/tiep-can-thong-tin/moi"),
            )
            .await
        }
    }
}
