//! Documents (văn bản) in the workspace: their form, number and symbol,
//! issuing body, signer, field, dates and summary, and their file chosen
//! from the commune's library. A new one then goes through the workflow
//! like any item; its fields can be corrected later.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use congxa_board::BoardError;
use congxa_board::items::Text;
use congxa_board::records::{DocumentFields, Fields};
use serde::Serialize;
use sqlx::PgConnection;
use uuid::Uuid;

use super::item_forms::{self, Target, day, day_text, value};
use super::session::Member;
use super::{board_error, render};
use crate::AppState;
use crate::site::params::Params;

/// The forms people choose from (another can be typed in).
const TYPES: [&str; 9] = [
    "Quyết định",
    "Nghị quyết",
    "Kế hoạch",
    "Báo cáo",
    "Thông báo",
    "Công văn",
    "Chỉ thị",
    "Tờ trình",
    "Hướng dẫn",
];

#[derive(Serialize)]
struct DocumentPage {
    types: Vec<&'static str>,
    files: Vec<(Uuid, String)>,
    values: Vec<(String, String)>,
    target: Target,
}

const FIELDS: [&str; 12] = [
    "title",
    "summary",
    "doc_type",
    "number_symbol",
    "issuing_body",
    "signer",
    "field",
    "issued_on",
    "effective_on",
    "expires_on",
    "file",
    "han",
];

pub async fn page(
    state: &AppState,
    member: &Member,
    status: StatusCode,
    mut values: Vec<(String, String)>,
    error: Option<&str>,
    target: Target,
) -> Response {
    let files = match item_forms::library_files(state, member).await {
        Ok(files) => files,
        Err(error) => return board_error(error),
    };
    if value(&values, "issuing_body").is_empty() {
        let agency = async {
            let mut tx = member.begin(state).await?;
            Ok::<_, BoardError>(
                sqlx::query_scalar!("SELECT agency FROM site_profiles")
                    .fetch_optional(&mut *tx)
                    .await?,
            )
        };
        if let Ok(Some(agency)) = agency.await {
            values.push(("issuing_body".to_owned(), agency));
        }
    }
    let title = target.heading("Đăng văn bản mới", "Sửa thông tin văn bản");
    let data = DocumentPage {
        types: TYPES.to_vec(),
        files,
        values,
        target,
    };
    let mut frame = member.frame(title, data);
    frame.error = error;
    render(state, status, "document.html", frame)
}

pub async fn new_form(State(state): State<AppState>, member: Member) -> Response {
    if let Err(refused) = item_forms::may_start(&member) {
        return refused;
    }
    let target = Target::new_item("/quan-tri/van-ban/moi");
    page(&state, &member, StatusCode::OK, Vec::new(), None, target).await
}

/// The document's fields as typed.
pub fn fields(form: &Params) -> Result<Fields<'_>, BoardError> {
    let issued_on = day(form, "issued_on", "Ngày ban hành", true)?.ok_or(BoardError::WrongState)?;
    Ok(Fields::Document(DocumentFields {
        doc_type: form.raw("doc_type"),
        number_symbol: form.raw("number_symbol"),
        issuing_body: form.raw("issuing_body"),
        signer: form.raw("signer"),
        field: form.raw("field"),
        issued_on,
        effective_on: day(form, "effective_on", "Ngày có hiệu lực", false)?,
        expires_on: day(form, "expires_on", "Ngày hết hiệu lực", false)?,
    }))
}

/// The fields of document `id` as the form shows them.
pub async fn current(
    conn: &mut PgConnection,
    id: Uuid,
) -> Result<Vec<(String, String)>, BoardError> {
    let r = sqlx::query!(
        "SELECT doc_type, number_symbol, issuing_body, signer, field, issued_on, effective_on, expires_on
         FROM documents WHERE item_id = $1",
        id
    )
    .fetch_optional(conn)
    .await?
    .ok_or(BoardError::ItemNotFound)?;
    Ok(vec![
        ("doc_type".to_owned(), r.doc_type),
        ("number_symbol".to_owned(), r.number_symbol),
        ("issuing_body".to_owned(), r.issuing_body),
        ("signer".to_owned(), r.signer),
        ("field".to_owned(), r.field),
        ("issued_on".to_owned(), day_text(Some(r.issued_on))),
        ("effective_on".to_owned(), day_text(r.effective_on)),
        ("expires_on".to_owned(), day_text(r.expires_on)),
    ])
}

pub async fn create(State(state): State<AppState>, member: Member, body: Bytes) -> Response {
    let form = Params::parse_body(&body);
    if let Err(refused) = item_forms::may_start(&member).and_then(|()| member.check(&form)) {
        return refused;
    }
    let created = async {
        let fields = fields(&form)?;
        let target_date = day(&form, "han", "Ngày cần đăng", false)?;
        let file = item_forms::chosen_file(&form)?;
        let title = match form.get("title") {
            Some(title) => title.to_owned(),
            None => format!(
                "{} số {}",
                form.raw("doc_type").trim(),
                form.raw("number_symbol").trim()
            ),
        };
        let text = Text {
            title: &title,
            summary: form.raw("summary"),
            body: "",
            target_date,
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
                Target::new_item("/quan-tri/van-ban/moi"),
            )
            .await
        }
    }
}
