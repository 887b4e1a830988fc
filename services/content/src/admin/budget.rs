//! Budget reports in the workspace (Law 104/2016 Art. 19: estimates,
//! settlements, execution, financial reports): their kind, year and period,
//! a title (made from those when left empty), and their file from the
//! commune's library. A new one then goes through the workflow like any
//! item; its fields can be corrected later.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use congxa_board::BoardError;
use congxa_board::items::Text;
use congxa_board::records::{BudgetFields, Fields, PERIODS, REPORT_KINDS};
use serde::Serialize;
use sqlx::PgConnection;
use uuid::Uuid;

use super::item_forms::{self, Target};
use super::session::Member;
use super::{board_error, render};
use crate::AppState;
use crate::site::params::Params;
use crate::site::records::{period_name, report_kind_name};

const FIELDS: [&str; 6] = ["title", "summary", "report_kind", "year", "period", "file"];

#[derive(Serialize)]
struct BudgetPage {
    kinds: Vec<(&'static str, &'static str)>,
    periods: Vec<(&'static str, &'static str)>,
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
    let title = target.heading("Công khai ngân sách", "Sửa thông tin báo cáo ngân sách");
    let data = BudgetPage {
        kinds: REPORT_KINDS
            .iter()
            .map(|k| (*k, report_kind_name(k)))
            .collect(),
        periods: PERIODS.iter().map(|p| (*p, period_name(p))).collect(),
        files,
        values,
        target,
    };
    let mut frame = member.frame(title, data);
    frame.error = error;
    render(state, status, "budget.html", frame)
}

pub async fn new_form(State(state): State<AppState>, member: Member) -> Response {
    if let Err(refused) = item_forms::may_start(&member) {
        return refused;
    }
    let target = Target::new_item("/quan-tri/ngan-sach/moi");
    page(&state, &member, StatusCode::OK, Vec::new(), None, target).await
}

/// The report's fields as typed.
pub fn fields(form: &Params) -> Result<Fields<'_>, BoardError> {
    let year: i32 =
        form.raw("year").trim().parse().map_err(|_| {
            BoardError::Invalid("Năm ngân sách không hợp lệ (ví dụ: 2026).".to_owned())
        })?;
    Ok(Fields::Budget(BudgetFields {
        report_kind: form.raw("report_kind"),
        year,
        period: form.raw("period"),
    }))
}

/// The fields of report `id` as the form shows them.
pub async fn current(
    conn: &mut PgConnection,
    id: Uuid,
) -> Result<Vec<(String, String)>, BoardError> {
    let r = sqlx::query!(
        "SELECT report_kind, year, period FROM budget_reports WHERE item_id = $1",
        id
    )
    .fetch_optional(conn)
    .await?
    .ok_or(BoardError::ItemNotFound)?;
    Ok(vec![
        ("report_kind".to_owned(), r.report_kind),
        ("year".to_owned(), r.year.to_string()),
        ("period".to_owned(), r.period),
    ])
}

/// "Dự toán ngân sách xã năm 2027", "Quyết toán … quý 3 năm 2026".
fn title_of(fields: &BudgetFields<'_>) -> String {
    let period = if fields.period == "year" {
        String::new()
    } else {
        format!("{} ", period_name(fields.period).to_lowercase())
    };
    format!(
        "{} ngân sách xã {period}năm {}",
        report_kind_name(fields.report_kind),
        fields.year
    )
}

pub async fn create(State(state): State<AppState>, member: Member, body: Bytes) -> Response {
    let form = Params::parse_body(&body);
    if let Err(refused) = item_forms::may_start(&member).and_then(|()| member.check(&form)) {
        return refused;
    }
    let created = async {
        let fields = fields(&form)?;
        let file = item_forms::chosen_file(&form)?;
        let title = match (form.get("title"), &fields) {
            (Some(title), _) => title.to_owned(),
            (None, Fields::Budget(budget))
                if REPORT_KINDS.contains(&budget.report_kind)
                    && PERIODS.contains(&budget.period) =>
            {
                title_of(budget)
            }
            _ => String::new(),
        };
        let text = Text {
            title: &title,
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
                Target::new_item("/quan-tri/ngan-sach/moi"),
            )
            .await
        }
    }
}
