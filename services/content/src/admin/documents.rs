//! A new document (văn bản) in the workspace: its form, number and symbol,
//! issuing body, signer, field, dates and summary, and its file chosen from
//! the commune's library. It then goes through the workflow like any item.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use congxa_board::items::{self, Text};
use congxa_board::{BoardError, Role};
use congxa_locale::time as vn_time;
use congxa_site::write::DocumentFields;
use serde::Serialize;
use uuid::Uuid;

use super::session::Member;
use super::{board_error, item_forms, render};
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

#[derive(Serialize, Default)]
struct DocumentPage {
    types: Vec<&'static str>,
    files: Vec<(Uuid, String)>,
    values: Vec<(String, String)>,
}

impl DocumentPage {
    fn value(&self, name: &str) -> &str {
        self.values
            .iter()
            .find(|(k, _)| k == name)
            .map_or("", |(_, v)| v.as_str())
    }
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

async fn page(
    state: &AppState,
    member: &Member,
    status: StatusCode,
    values: Vec<(String, String)>,
    error: Option<&str>,
) -> Response {
    let files = match item_forms::library_files(state, member).await {
        Ok(files) => files,
        Err(error) => return board_error(error),
    };
    let mut data = DocumentPage {
        types: TYPES.to_vec(),
        files,
        values,
    };
    if data.value("issuing_body").is_empty() {
        let agency = async {
            let mut tx = member.begin(state).await?;
            Ok::<_, BoardError>(
                sqlx::query_scalar!("SELECT agency FROM site_profiles")
                    .fetch_optional(&mut *tx)
                    .await?,
            )
        };
        if let Ok(Some(agency)) = agency.await {
            data.values.push(("issuing_body".to_owned(), agency));
        }
    }
    let mut frame = member.frame("Đăng văn bản mới", data);
    frame.error = error;
    render(state, status, "document.html", frame)
}

pub async fn new_form(State(state): State<AppState>, member: Member) -> Response {
    if member.account.role == Role::Contributor {
        return board_error(BoardError::Forbidden);
    }
    page(&state, &member, StatusCode::OK, Vec::new(), None).await
}

fn day(
    form: &Params,
    name: &str,
    label: &str,
    required: bool,
) -> Result<Option<time::Date>, BoardError> {
    match form.get(name) {
        None if required => Err(BoardError::Invalid(format!("Mời nhập {label}."))),
        None => Ok(None),
        Some(raw) => vn_time::parse_day(raw).map(Some).ok_or_else(|| {
            BoardError::Invalid(format!("{label} không đúng dạng ngày (ví dụ: 26/11/2026)."))
        }),
    }
}

pub async fn create(State(state): State<AppState>, member: Member, body: Bytes) -> Response {
    let form = Params::parse_body(&body);
    if let Err(refused) = member.check(&form) {
        return refused;
    }
    let created = async {
        let issued_on =
            day(&form, "issued_on", "Ngày ban hành", true)?.ok_or(BoardError::WrongState)?;
        let effective_on = day(&form, "effective_on", "Ngày có hiệu lực", false)?;
        let expires_on = day(&form, "expires_on", "Ngày hết hiệu lực", false)?;
        let target_date = day(&form, "han", "Ngày cần đăng", false)?;
        let file = item_forms::chosen_file(&form)?;
        let summary = form.raw("summary");
        let title = match form.get("title") {
            Some(title) => title.to_owned(),
            None => format!(
                "{} số {}",
                form.raw("doc_type").trim(),
                form.raw("number_symbol").trim()
            ),
        };
        let fields = DocumentFields {
            doc_type: form.raw("doc_type"),
            number_symbol: form.raw("number_symbol"),
            issuing_body: form.raw("issuing_body"),
            signer: form.raw("signer"),
            field: form.raw("field"),
            issued_on,
            effective_on,
            expires_on,
        };
        let text = Text {
            title: &title,
            summary,
            body: "",
            target_date,
        };
        let mut tx = member.begin(&state).await?;
        let id = items::create_document(
            &mut tx,
            member.tenant.id,
            &member.account,
            &text,
            &fields,
            file,
        )
        .await?;
        tx.commit().await?;
        Ok::<_, BoardError>(id)
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
            )
            .await
        }
    }
}
