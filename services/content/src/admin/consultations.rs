//! Drafts for public comments in the workspace: their name, who drafted
//! them, the days comments are taken (from the start of the first to the
//! end of the last, Vietnam's time), their text and their file. A new one
//! then goes through the workflow like any item (comments arrive in "Hỏi
//! đáp, góp ý"); its fields can be corrected later, to extend the days.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use congxa_board::BoardError;
use congxa_board::items::Text;
use congxa_board::records::{ConsultationFields, Fields};
use congxa_locale::time as vn_time;
use serde::Serialize;
use sqlx::PgConnection;
use time::{Duration, OffsetDateTime, Time};
use uuid::Uuid;

use super::item_forms::{self, Target};
use super::session::Member;
use super::{board_error, render};
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
    let title = target.heading("Lấy ý kiến dự thảo", "Sửa thông tin lấy ý kiến");
    let data = ConsultationPage {
        files,
        values,
        target,
    };
    let mut frame = member.frame(title, data);
    frame.error = error;
    render(state, status, "consultation.html", frame)
}

pub async fn new_form(State(state): State<AppState>, member: Member) -> Response {
    if let Err(refused) = item_forms::may_start(&member) {
        return refused;
    }
    let target = Target::new_item("/quan-tri/lay-y-kien/moi");
    page(&state, &member, StatusCode::OK, Vec::new(), None, target).await
}

/// The start of a day in Vietnam.
fn start_of(day: time::Date) -> OffsetDateTime {
    day.with_time(Time::MIDNIGHT)
        .assume_offset(vn_time::VIETNAM)
}

/// The consultation's fields as typed.
pub fn fields(form: &Params) -> Result<Fields<'_>, BoardError> {
    let day = |name: &str, label: &str| {
        item_forms::day(form, name, label, true)?.ok_or(BoardError::WrongState)
    };
    let opens_at = start_of(day("from", "Ngày bắt đầu lấy ý kiến")?);
    // Comments are taken until the end of the last day.
    let closes_at =
        start_of(day("to", "Ngày kết thúc lấy ý kiến")?) + Duration::days(1) - Duration::seconds(1);
    Ok(Fields::Consultation(ConsultationFields {
        drafting_body: form.raw("drafting_body"),
        opens_at,
        closes_at,
    }))
}

/// The fields of consultation `id` as the form shows them.
pub async fn current(
    conn: &mut PgConnection,
    id: Uuid,
) -> Result<Vec<(String, String)>, BoardError> {
    let r = sqlx::query!(
        "SELECT drafting_body, opens_at, closes_at FROM consultations WHERE item_id = $1",
        id
    )
    .fetch_optional(conn)
    .await?
    .ok_or(BoardError::ItemNotFound)?;
    let day = |at: OffsetDateTime| vn_time::day_date(at.to_offset(vn_time::VIETNAM).date());
    Ok(vec![
        ("drafting_body".to_owned(), r.drafting_body),
        ("from".to_owned(), day(r.opens_at)),
        ("to".to_owned(), day(r.closes_at)),
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
            body: form.raw("body"),
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
                Target::new_item("/quan-tri/lay-y-kien/moi"),
            )
            .await
        }
    }
}
