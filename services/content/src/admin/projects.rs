//! A new public investment project in the workspace: investor, place,
//! total investment (in đồng, typed as Vietnamese write it: "4.850.000.000"),
//! funding, stage, the procurement package and when bids close, the works'
//! dates, and its text. It then goes through the workflow like any item.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use congxa_board::items::{self, Text};
use congxa_board::{BoardError, Role};
use congxa_locale::time as vn_time;
use congxa_site::write::ProjectFields;
use serde::Serialize;

use super::session::Member;
use super::{board_error, item_forms, render};
use crate::AppState;
use crate::site::params::Params;
use crate::site::records::stage_name;

const STAGES: [&str; 4] = ["preparing", "procuring", "building", "completed"];
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
}

fn page(
    state: &AppState,
    member: &Member,
    status: StatusCode,
    values: Vec<(String, String)>,
    error: Option<&str>,
) -> Response {
    let data = ProjectPage {
        stages: STAGES.iter().map(|s| (*s, stage_name(s))).collect(),
        values,
    };
    let mut frame = member.frame("Dự án đầu tư công", data);
    frame.error = error;
    render(state, status, "project.html", frame)
}

pub async fn new_form(State(state): State<AppState>, member: Member) -> Response {
    if member.account.role == Role::Contributor {
        return board_error(BoardError::Forbidden);
    }
    page(&state, &member, StatusCode::OK, Vec::new(), None)
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

pub async fn create(State(state): State<AppState>, member: Member, body: Bytes) -> Response {
    let form = Params::parse_body(&body);
    if let Err(refused) = member.check(&form) {
        return refused;
    }
    let created = async {
        let day = |name: &str, label: &str| match form.get(name) {
            None => Ok(None),
            Some(raw) => vn_time::parse_day(raw).map(Some).ok_or_else(|| {
                BoardError::Invalid(format!("{label} không đúng dạng ngày (ví dụ: 01/12/2026)."))
            }),
        };
        let bid_closes_at = match form.get("bid_closes") {
            None => None,
            Some(raw) => Some(vn_time::parse_local(raw).ok_or_else(|| {
                invalid("Thời điểm đóng thầu không đúng dạng (ví dụ: 15/12/2026 09:00).")
            })?),
        };
        let fields = ProjectFields {
            investor: form.raw("investor"),
            location: form.raw("location"),
            total_investment: amount(form.raw("total"))?,
            funding: form.raw("funding"),
            stage: form.raw("stage"),
            package: form.raw("package"),
            bid_closes_at,
            starts_on: day("starts_on", "Ngày khởi công")?,
            ends_on: day("ends_on", "Ngày hoàn thành")?,
        };
        let text = Text {
            title: form.raw("title"),
            summary: form.raw("summary"),
            body: form.raw("body"),
            target_date: None,
        };
        let mut tx = member.begin(&state).await?;
        let id = items::create_project(&mut tx, member.tenant.id, &member.account, &text, &fields)
            .await?;
        tx.commit().await?;
        Ok::<_, BoardError>(id)
    };
    match item_forms::finished(created.await) {
        Ok(response) => response,
        Err(text) => page(
            &state,
            &member,
            StatusCode::UNPROCESSABLE_ENTITY,
            item_forms::typed(&form, &FIELDS),
            Some(&text),
        ),
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
