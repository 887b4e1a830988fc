//! A week of the leaders' work schedule in the workspace: the week, then one
//! line per engagement (day, time, who presides, what, where, who takes
//! part). Lines left empty are ignored. It then goes through the workflow
//! like any item, and shows as that week on the public schedule.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use congxa_board::items::{self, ScheduleLine};
use congxa_board::{BoardError, Role};
use congxa_locale::time as vn_time;
use serde::Serialize;

use super::session::Member;
use super::{board_error, item_forms, render};
use crate::AppState;
use crate::site::params::Params;

/// Lines the form offers (a busy week has a few a day).
const LINES: usize = 14;
const LINE_FIELDS: [&str; 6] = [
    "ngay",
    "gio",
    "chu-tri",
    "noi-dung",
    "dia-diem",
    "thanh-phan",
];

#[derive(Serialize)]
struct SchedulePage {
    week: String,
    lines: Vec<Vec<String>>,
}

fn page(
    state: &AppState,
    member: &Member,
    status: StatusCode,
    form: Option<&Params>,
    error: Option<&str>,
) -> Response {
    let value = |name: String| form.map(|f| f.raw(&name).to_owned()).unwrap_or_default();
    let data = SchedulePage {
        week: value("tuan".to_owned()),
        lines: (0..LINES)
            .map(|i| {
                LINE_FIELDS
                    .iter()
                    .map(|f| value(format!("{f}-{i}")))
                    .collect()
            })
            .collect(),
    };
    let mut frame = member.frame("Lịch công tác tuần", data);
    frame.error = error;
    render(state, status, "schedule.html", frame)
}

pub async fn new_form(State(state): State<AppState>, member: Member) -> Response {
    if member.account.role == Role::Contributor {
        return board_error(BoardError::Forbidden);
    }
    page(&state, &member, StatusCode::OK, None, None)
}

fn invalid(message: String) -> BoardError {
    BoardError::Invalid(message)
}

pub async fn create(State(state): State<AppState>, member: Member, body: Bytes) -> Response {
    let form = Params::parse_body(&body);
    if let Err(refused) = member.check(&form) {
        return refused;
    }
    let created = async {
        let day = vn_time::parse_day(form.raw("tuan")).ok_or_else(|| {
            invalid("Mời nhập một ngày trong tuần (ví dụ: 30/11/2026).".to_owned())
        })?;
        let monday = vn_time::monday_of(day);
        let mut lines = Vec::new();
        for i in 0..LINES {
            let field = |name: &str| form.raw(&format!("{name}-{i}")).to_owned();
            let (date, hour) = (field("ngay"), field("gio"));
            if field("noi-dung").trim().is_empty() && field("chu-tri").trim().is_empty() {
                continue;
            }
            let starts_at = vn_time::parse_local(&format!("{} {}", date.trim(), hour.trim()))
                .ok_or_else(|| {
                    invalid(format!(
                        "Dòng {}: ngày và giờ không đúng dạng (ví dụ: 30/11/2026 và 07:30).",
                        i + 1
                    ))
                })?;
            lines.push((starts_at, i));
        }
        let owned: Vec<[String; 4]> = lines
            .iter()
            .map(|(_, i)| {
                ["chu-tri", "noi-dung", "dia-diem", "thanh-phan"]
                    .map(|name| form.raw(&format!("{name}-{i}")).to_owned())
            })
            .collect();
        let entries: Vec<ScheduleLine<'_>> = lines
            .iter()
            .zip(&owned)
            .map(
                |((starts_at, _), [leader, content, location, participants])| ScheduleLine {
                    starts_at: *starts_at,
                    leader,
                    content,
                    location,
                    participants,
                },
            )
            .collect();
        let mut tx = member.begin(&state).await?;
        let id = items::create_schedule_week(
            &mut tx,
            member.tenant.id,
            &member.account,
            monday,
            &entries,
        )
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
            Some(&form),
            Some(&text),
        ),
    }
}
