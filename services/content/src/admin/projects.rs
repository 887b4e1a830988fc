//! Public investment projects in the workspace: investor, place, total
//! investment (in đồng, typed as Vietnamese write it: "4.850.000.000"),
//! funding, stage, the procurement package and when bids close, the works'
//! dates, and the text. A new one then goes through the workflow like any
//! item; its fields can be corrected later, as the works move on.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use congxa_board::BoardError;
use congxa_board::items::Text;
use congxa_board::records::{Fields, ProjectFields, STAGES};
use congxa_locale::time as vn_time;
use serde::Serialize;
use sqlx::PgConnection;
use uuid::Uuid;

use super::item_forms::{self, Target, day, day_text};
use super::render;
use super::session::Member;
use crate::AppState;
use crate::site::params::Params;
use crate::site::records::stage_name;

const FIELDS: [&str; 12] = [
    "title",
    "summary",
    "body",
    "investor",
    "location",
    "total",
    "funding",
    "stage",
    "package",
    "bid_closes",
    "starts_on",
    "ends_on",
];

#[derive(Serialize)]
struct ProjectPage {
    stages: Vec<(&'static str, &'static str)>,
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
    let title = target.heading("Dự án đầu tư công", "Sửa thông tin dự án");
    let data = ProjectPage {
        stages: STAGES.iter().map(|s| (*s, stage_name(s))).collect(),
        values,
        target,
    };
    let mut frame = member.frame(title, data);
    frame.error = error;
    render(state, status, "project.html", frame)
}

pub async fn new_form(State(state): State<AppState>, member: Member) -> Response {
    if let Err(refused) = item_forms::may_start(&member) {
        return refused;
    }
    let target = Target::new_item("/quan-tri/du-an/moi");
    page(&state, &member, StatusCode::OK, Vec::new(), None, target).await
}

fn invalid(message: &str) -> BoardError {
    BoardError::Invalid(message.to_owned())
}

/// "4.850.000.000" (or with spaces, or plain digits) → 4850000000.
fn amount(raw: &str) -> Result<Option<i64>, BoardError> {
    let digits: String = raw
        .chars()
        .filter(|c| !matches!(c, '.' | ' ' | '\u{a0}'))
        .collect();
    if digits.is_empty() {
        return Ok(None);
    }
    digits
        .parse()
        .map(Some)
        .map_err(|_| invalid("Tổng mức đầu tư là số đồng, ví dụ 4.850.000.000."))
}

/// The project's fields as typed.
pub fn fields(form: &Params) -> Result<Fields<'_>, BoardError> {
    let bid_closes_at = match form.get("bid_closes") {
        None => None,
        Some(raw) => Some(vn_time::parse_local(raw).ok_or_else(|| {
            invalid("Thời điểm đóng thầu không đúng dạng (ví dụ: 15/12/2026 09:00).")
        })?),
    };
    Ok(Fields::Project(ProjectFields {
        investor: form.raw("investor"),
        location: form.raw("location"),
        total_investment: amount(form.raw("total"))?,
        funding: form.raw("funding"),
        stage: form.raw("stage"),
        package: form.raw("package"),
        bid_closes_at,
        starts_on: day(form, "starts_on", "Ngày khởi công", false)?,
        ends_on: day(form, "ends_on", "Ngày hoàn thành", false)?,
    }))
}

/// The fields of project `id` as the form shows them.
pub async fn current(
    conn: &mut PgConnection,
    id: Uuid,
) -> Result<Vec<(String, String)>, BoardError> {
    let r = sqlx::query!(
        "SELECT investor, location, total_investment, funding, stage, package, bid_closes_at, starts_on, ends_on
         FROM projects WHERE item_id = $1",
        id
    )
    .fetch_optional(conn)
    .await?
    .ok_or(BoardError::ItemNotFound)?;
    Ok(vec![
        ("investor".to_owned(), r.investor),
        ("location".to_owned(), r.location),
        (
            "total".to_owned(),
            r.total_investment
                .map(|n| congxa_locale::number::grouped(n.unsigned_abs()))
                .unwrap_or_default(),
        ),
        ("funding".to_owned(), r.funding),
        ("stage".to_owned(), r.stage),
        ("package".to_owned(), r.package),
        (
            "bid_closes".to_owned(),
            r.bid_closes_at
                .map(vn_time::date_and_time)
                .unwrap_or_default(),
        ),
        ("starts_on".to_owned(), day_text(r.starts_on)),
        ("ends_on".to_owned(), day_text(r.ends_on)),
    ])
}

pub async fn create(State(state): State<AppState>, member: Member, body: Bytes) -> Response {
    let form = Params::parse_body(&body);
    if let Err(refused) = item_forms::may_start(&member).and_then(|()| member.check(&form)) {
        return refused;
    }
    let created = async {
        let fields = fields(&form)?;
        let text = Text {
            title: form.raw("title"),
            summary: form.raw("summary"),
            body: form.raw("body"),
            target_date: None,
        };
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
                Target::new_item("/quan-tri/du-an/moi"),
            )
            .await
        }
    }
}

#[cfg(test)]
mod tests {
    use super::amount;

    #[test]
    fn amounts_are_read_as_vietnamese_write_them() {
        assert_eq!(amount("4.850.000.000").ok(), Some(Some(4_850_000_000)));
        assert_eq!(amount(" 12 000 ").ok(), Some(Some(12_000)));
        assert_eq!(amount("").ok(), Some(None));
        assert!(amount("4,8 tỷ").is_err());
    }
}
