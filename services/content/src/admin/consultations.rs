//! A new draft for public comments in the workspace: its name, who drafted
//! it, the days comments are taken (from the start of the first to the end
//! of the last, Vietnam's time), its text and its file. It then goes through
//! the workflow like any item; comments arrive in "Hỏi đáp, góp ý".

use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use congxa_board::items::{self, Text};
use congxa_board::{BoardError, Role};
use congxa_locale::time as vn_time;
use serde::Serialize;
use time::{Duration, OffsetDateTime, Time};
use uuid::Uuid;

use super::session::Member;
use super::{board_error, item_forms, render};
use crate::AppState;
use crate::site::params::Params;

const FIELDS: [&str; 7] = [
    "title",
    "summary",
    "body",
    "drafting_body",
    "from",
    "to",
    "file",
];

#[derive(Serialize)]
struct ConsultationPage {
    files: Vec<(Uuid, String)>,
    values: Vec<(String, String)>,
}

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
    let mut frame = member.frame("Lấy ý kiến dự thảo", ConsultationPage { files, values });
    frame.error = error;
    render(state, status, "consultation.html", frame)
}

pub async fn new_form(State(state): State<AppState>, member: Member) -> Response {
    if member.account.role == Role::Contributor {
        return board_error(BoardError::Forbidden);
    }
    page(&state, &member, StatusCode::OK, Vec::new(), None).await
}

/// The start of a day in Vietnam.
fn start_of(day: time::Date) -> OffsetDateTime {
    day.with_time(Time::MIDNIGHT)
        .assume_offset(vn_time::VIETNAM)
}

pub async fn create(State(state): State<AppState>, member: Member, body: Bytes) -> Response {
    let form = Params::parse_body(&body);
    if let Err(refused) = member.check(&form) {
        return refused;
    }
    let created = async {
        let day = |name: &str, label: &str| {
            vn_time::parse_day(form.raw(name)).ok_or_else(|| {
                BoardError::Invalid(format!("{label} không đúng dạng ngày (ví dụ: 01/12/2026)."))
            })
        };
        let opens_at = start_of(day("from", "Ngày bắt đầu lấy ý kiến")?);
        // Comments are taken until the end of the last day.
        let closes_at = start_of(day("to", "Ngày kết thúc lấy ý kiến")?) + Duration::days(1)
            - Duration::seconds(1);
        let file = item_forms::chosen_file(&form)?;
        let text = Text {
            title: form.raw("title"),
            summary: form.raw("summary"),
            body: form.raw("body"),
            target_date: None,
        };
        let mut tx = member.begin(&state).await?;
        let id = items::create_consultation(
            &mut tx,
            member.tenant.id,
            &member.account,
            &text,
            form.raw("drafting_body"),
            opens_at,
            closes_at,
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
