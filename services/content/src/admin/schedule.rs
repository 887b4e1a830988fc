//! Weeks of the leaders' work schedule in the workspace: the week, then one
//! line per engagement (day, time, who presides, what, where, who takes
//! part). Lines left empty are ignored. A new week then goes through the
//! workflow like any item and shows as that week on the public schedule;
//! its lines can be corrected as plans change.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use congxa_board::BoardError;
use congxa_board::schedule::{self, ScheduleLine};
use congxa_locale::time as vn_time;
use serde::Serialize;
use sqlx::PgConnection;
use uuid::Uuid;

use super::item_forms::{self, Target, value};
use super::render;
use super::session::Member;
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
    let title = target.heading("Lịch công tác tuần", "Sửa lịch công tác tuần");
    let data = SchedulePage {
        week: value(&values, "tuan").to_owned(),
        lines: (0..LINES)
            .map(|i| {
                LINE_FIELDS
                    .iter()
                    .map(|f| value(&values, &format!("{f}-{i}")).to_owned())
                    .collect()
            })
            .collect(),
        target,
    };
    let mut frame = member.frame(title, data);
    frame.error = error;
    render(state, status, "schedule.html", frame)
}

pub async fn new_form(State(state): State<AppState>, member: Member) -> Response {
    if let Err(refused) = item_forms::may_start(&member) {
        return refused;
    }
    let target = Target::new_item("/quan-tri/lich-cong-tac/moi");
    page(&state, &member, StatusCode::OK, Vec::new(), None, target).await
}

fn invalid(message: String) -> BoardError {
    BoardError::Invalid(message)
}

/// Everything the form carries, to show it again as typed.
fn typed(form: &Params) -> Vec<(String, String)> {
    let mut names = vec!["tuan".to_owned()];
    for i in 0..LINES {
        names.extend(LINE_FIELDS.iter().map(|f| format!("{f}-{i}")));
    }
    names
        .into_iter()
        .map(|name| {
            let value = form.raw(&name).to_owned();
            (name, value)
        })
        .collect()
}

/// The lines typed, in the form's order; empty ones left out.
pub fn lines(form: &Params) -> Result<Vec<ScheduleLine<'_>>, BoardError> {
    let mut lines = Vec::new();
    for i in 0..LINES {
        let field = |name: &str| form.raw(&format!("{name}-{i}"));
        if field("noi-dung").trim().is_empty() && field("chu-tri").trim().is_empty() {
            continue;
        }
        let starts_at =
            vn_time::parse_local(&format!("{} {}", field("ngay").trim(), field("gio").trim()))
                .ok_or_else(|| {
                    invalid(format!(
                        "Dòng {}: ngày và giờ không đúng dạng (ví dụ: 30/11/2026 và 07:30).",
                        i + 1
                    ))
                })?;
        lines.push(ScheduleLine {
            starts_at,
            leader: field("chu-tri"),
            content: field("noi-dung"),
            location: field("dia-diem"),
            participants: field("thanh-phan"),
        });
    }
    Ok(lines)
}

/// The week of item `id` and its lines as the form shows them.
pub async fn current(
    conn: &mut PgConnection,
    id: Uuid,
) -> Result<Vec<(String, String)>, BoardError> {
    let monday = schedule::week_of(&mut *conn, id).await?;
    let entries = sqlx::query!(
        "SELECT starts_at, leader, content, location, participants FROM schedule_entries
         WHERE item_id = $1 ORDER BY starts_at, id",
        id
    )
    .fetch_all(conn)
    .await?;
    let mut values = vec![("tuan".to_owned(), vn_time::day_date(monday))];
    for (i, e) in entries.into_iter().take(LINES).enumerate() {
        let at = e.starts_at.to_offset(vn_time::VIETNAM);
        for (name, value) in [
            ("ngay", vn_time::day_date(at.date())),
            ("gio", format!("{:02}:{:02}", at.hour(), at.minute())),
            ("chu-tri", e.leader),
            ("noi-dung", e.content),
            ("dia-diem", e.location),
            ("thanh-phan", e.participants),
        ] {
            values.push((format!("{name}-{i}"), value));
        }
    }
    Ok(values)
}

pub async fn create(State(state): State<AppState>, member: Member, body: Bytes) -> Response {
    let form = Params::parse_body(&body);
    if let Err(refused) = item_forms::may_start(&member).and_then(|()| member.check(&form)) {
        return refused;
    }
    let created = async {
        let day = vn_time::parse_day(form.raw("tuan")).ok_or_else(|| {
            invalid("Mời nhập một ngày trong tuần (ví dụ: 30/11/2026).".to_owned())
        })?;
        let entries = lines(&form)?;
        let mut tx = member.begin(&state).await?;
        let id = schedule::start_week(
            &mut tx,
            member.tenant.id,
            &member.account,
            vn_time::monday_of(day),
            &entries,
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
                typed(&form),
                Some(&text),
                Target::new_item("/quan-tri/lich-cong-tac/moi"),
            )
            .await
        }
    }
}
