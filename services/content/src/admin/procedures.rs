//! Administrative procedures in the workspace: their code in the national
//! catalogue, field, how far they can be done online, processing time, fee,
//! agency, the national portal's page, and their text (the steps and
//! papers, in the editor). A new one then goes through the workflow like
//! any item; its fields can be corrected later.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use congxa_board::BoardError;
use congxa_board::items::Text;
use congxa_board::records::{Fields, ProcedureFields};
use serde::Serialize;
use sqlx::PgConnection;
use uuid::Uuid;

use super::item_forms::{self, Target};
use super::render;
use super::session::Member;
use crate::AppState;
use crate::site::params::Params;

const FIELDS: [&str; 10] = [
    "title",
    "summary",
    "body",
    "code",
    "field",
    "online_level",
    "processing_time",
    "fee",
    "agency",
    "portal_url",
];

#[derive(Serialize)]
struct ProcedurePage {
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
    let title = target.heading("Thêm thủ tục hành chính", "Sửa thông tin thủ tục");
    let mut frame = member.frame(title, ProcedurePage { values, target });
    frame.error = error;
    render(state, status, "procedure.html", frame)
}

pub async fn new_form(State(state): State<AppState>, member: Member) -> Response {
    if let Err(refused) = item_forms::may_start(&member) {
        return refused;
    }
    let target = Target::new_item("/quan-tri/thu-tuc/moi");
    page(&state, &member, StatusCode::OK, Vec::new(), None, target).await
}

/// The procedure's fields as typed.
pub fn fields(form: &Params) -> Result<Fields<'_>, BoardError> {
    Ok(Fields::Procedure(ProcedureFields {
        code: form.raw("code"),
        field: form.raw("field"),
        online_level: form.raw("online_level"),
        processing_time: form.raw("processing_time"),
        fee: form.raw("fee"),
        agency: form.raw("agency"),
        portal_url: form.raw("portal_url"),
    }))
}

/// The fields of procedure `id` as the form shows them.
pub async fn current(
    conn: &mut PgConnection,
    id: Uuid,
) -> Result<Vec<(String, String)>, BoardError> {
    let r = sqlx::query!(
        "SELECT code, field, online_level, processing_time, fee, agency, portal_url
         FROM procedures WHERE item_id = $1",
        id
    )
    .fetch_optional(conn)
    .await?
    .ok_or(BoardError::ItemNotFound)?;
    Ok([
        ("code", r.code),
        ("field", r.field),
        ("online_level", r.online_level),
        ("processing_time", r.processing_time),
        ("fee", r.fee),
        ("agency", r.agency),
        ("portal_url", r.portal_url),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect())
}

pub async fn create(State(state): State<AppState>, member: Member, body: Bytes) -> Response {
    let form = Params::parse_body(&body);
    if let Err(refused) = item_forms::may_start(&member).and_then(|()| member.check(&form)) {
        return refused;
    }
    let created = async {
        let text = Text {
            title: form.raw("title"),
            summary: form.raw("summary"),
            body: form.raw("body"),
            target_date: None,
        };
        let fields = fields(&form)?;
        item_forms::start(&state, &member, &text, &fields, None).await
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
                Target::new_item("/quan-tri/thu-tuc/moi"),
            )
            .await
        }
    }
}
