//! A new budget report in the workspace (Law 104/2016 Art. 19: estimates,
//! settlements, execution, financial reports): its kind, year and period,
//! a title (made from those when left empty), and its file from the
//! commune's library. It then goes through the workflow like any item.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use congxa_board::items::{self, BudgetFields, Text};
use congxa_board::{BoardError, Role};
use serde::Serialize;
use uuid::Uuid;

use super::session::Member;
use super::{board_error, item_forms, render};
use crate::AppState;
use crate::site::params::Params;
use crate::site::records::{period_name, report_kind_name};

const KINDS: [&str; 5] = [
    "estimate",
    "settlement",
    "execution",
    "financial",
    "statistics",
];
const PERIODS: [&str; 6] = ["year", "half", "q1", "q2", "q3", "q4"];
const FIELDS: [&str; 6] = ["title", "summary", "report_kind", "year", "period", "file"];

#[derive(Serialize)]
struct BudgetPage {
    kinds: Vec<(&'static str, &'static str)>,
    periods: Vec<(&'static str, &'static str)>,
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
    let data = BudgetPage {
        kinds: KINDS.iter().map(|k| (*k, report_kind_name(k))).collect(),
        periods: PERIODS.iter().map(|p| (*p, period_name(p))).collect(),
        files,
        values,
    };
    let mut frame = member.frame("Công khai ngân sách", data);
    frame.error = error;
    render(state, status, "budget.html", frame)
}

pub async fn new_form(State(state): State<AppState>, member: Member) -> Response {
    if member.account.role == Role::Contributor {
        return board_error(BoardError::Forbidden);
    }
    page(&state, &member, StatusCode::OK, Vec::new(), None).await
}

pub async fn create(State(state): State<AppState>, member: Member, body: Bytes) -> Response {
    let form = Params::parse_body(&body);
    if let Err(refused) = member.check(&form) {
        return refused;
    }
    let created = async {
        let year: i32 = form.raw("year").trim().parse().map_err(|_| {
            BoardError::Invalid("Năm ngân sách không hợp lệ (ví dụ: 2026).".to_owned())
        })?;
        let file = item_forms::chosen_file(&form)?;
        let fields = BudgetFields {
            report_kind: form.raw("report_kind"),
            year,
            period: form.raw("period"),
        };
        let title = match form.get("title") {
            Some(title) => title.to_owned(),
            None if KINDS.contains(&fields.report_kind) && PERIODS.contains(&fields.period) => {
                let period = if fields.period == "year" {
                    String::new()
                } else {
                    format!("{} ", period_name(fields.period).to_lowercase())
                };
                format!(
                    "{} ngân sách xã {period}năm {year}",
                    report_kind_name(fields.report_kind)
                )
            }
            None => String::new(),
        };
        let text = Text {
            title: &title,
            summary: form.raw("summary"),
            body: "",
            target_date: None,
        };
        let mut tx = member.begin(&state).await?;
        let id = items::create_budget_report(
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
