//! The platform's working days (/_console/lich-nghi): a year's public
//! holidays as the Labour Code gives them, with the days off, bridges and
//! make-up Saturdays the government announced for that year, which the
//! platform's operators enter here. Every deadline of the compliance checks
//! and of planned downtime counts working days on this calendar.

use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use congxa_calendar::{Calendar, Override};
use congxa_locale::time as vn_time;
use serde::{Deserialize, Serialize};
use serde_json::json;
use sqlx::Connection;
use time::Date;

use super::session::{Checked, CsrfField, Signed, SignedForm, database_down};
use super::tenants::actor;
use super::{ConsoleState, Frame, page_not_found, render, see_other};
use crate::site::params::Params;

#[derive(Debug, Default, Deserialize, Serialize)]
pub struct OverrideForm {
    day: Option<String>,
    kind: Option<String>,
    label: Option<String>,
    #[serde(skip_serializing)]
    csrf: String,
}

impl CsrfField for OverrideForm {
    fn csrf(&self) -> &str {
        &self.csrf
    }
}

#[derive(Serialize)]
struct Day {
    day: String,
    weekday: String,
    label: String,
}

#[derive(Serialize)]
struct Entered {
    iso: String,
    day: String,
    kind: &'static str,
    label: String,
}

#[derive(Serialize)]
struct CalendarPage<'a> {
    year: i32,
    may_change: bool,
    days_off: Vec<Day>,
    make_up: Vec<Day>,
    entered: Vec<Entered>,
    form: &'a OverrideForm,
}

fn kind_name(o: &Override) -> &'static str {
    // The console's words for congxa-calendar's kinds.
    match o {
        Override::DayOff { .. } => "Ngày nghỉ thêm",
        Override::WorkingDay { .. } => "Ngày làm việc (làm bù)",
        Override::RemoveDayOff { .. } => "Bỏ ngày nghỉ mặc định",
    }
}

fn days(list: Vec<(Date, String)>) -> Vec<Day> {
    list.into_iter()
        .map(|(day, label)| Day {
            day: vn_time::day_date(day),
            weekday: vn_time::weekday(day.weekday()).to_owned(),
            label,
        })
        .collect()
}

/// Only the platform's own operators change the province's calendar.
fn may_change(signed: &Signed) -> bool {
    signed.operator.region_id.is_none()
}

fn valid_year(year: i32) -> bool {
    (congxa_calendar::lunar::FIRST_YEAR..=congxa_calendar::lunar::LAST_YEAR).contains(&year)
}

pub async fn page(
    signed: Signed,
    State(state): State<ConsoleState>,
    RawQuery(query): RawQuery,
) -> Response {
    let params = Params::parse(query.as_deref());
    let year = match params.get("nam") {
        None => vn_time::now().year(),
        Some(raw) => match raw.parse::<i32>() {
            Ok(year) if valid_year(year) => year,
            _ => return page_not_found(),
        },
    };
    let message = params.get("xong").map(|code| match code {
        "xoa" => "Đã bỏ ngày đã nhập.",
        _ => "Đã lưu; các hạn tính theo ngày làm việc dùng lịch mới ngay.",
    });
    show(
        &state,
        &signed,
        year,
        &OverrideForm::default(),
        StatusCode::OK,
        message,
        None,
    )
    .await
}

async fn show(
    state: &ConsoleState,
    signed: &Signed,
    year: i32,
    form: &OverrideForm,
    status: StatusCode,
    message: Option<&str>,
    error: Option<&str>,
) -> Response {
    let loaded = async {
        let mut conn = state.pool.acquire().await?;
        congxa_calendar::stored::overrides(&mut conn).await
    };
    let overrides = match loaded.await {
        Ok(overrides) => overrides,
        Err(error) => return database_down(error),
    };
    let calendar = Calendar::new(&overrides).unwrap_or_default();
    let entered = overrides
        .iter()
        .filter(|o| o.date().year() == year)
        .map(|o| Entered {
            iso: o.date().to_string(),
            day: vn_time::weekday_date(o.date()),
            kind: kind_name(o),
            label: o.label().to_owned(),
        })
        .collect();
    let title = format!("Lịch nghỉ lễ, ngày làm việc năm {year}");
    render(
        state,
        status,
        "calendar.html",
        Frame {
            title: &title,
            operator: Some(&signed.operator),
            csrf: &signed.csrf,
            message,
            error,
            page: CalendarPage {
                year,
                may_change: may_change(signed),
                days_off: days(calendar.holidays_of(year)),
                make_up: days(calendar.make_up_days_of(year)),
                entered,
                form,
            },
        },
    )
}

/// The override a form asks for, or why it cannot be.
fn read(form: &OverrideForm) -> Result<Override, String> {
    let raw = form.day.as_deref().unwrap_or("").trim();
    let date = vn_time::parse_day(raw)
        .ok_or_else(|| format!("Ngày “{raw}” không hợp lệ; chọn một ngày."))?;
    let label = form.label.as_deref().unwrap_or("").trim().to_owned();
    if label.chars().count() > 200 {
        return Err("Ghi chú dài quá 200 ký tự.".to_owned());
    }
    Override::from_stored(form.kind.as_deref().unwrap_or(""), date, label)
        .ok_or_else(|| "Chọn loại ngày: nghỉ thêm, làm bù, hoặc bỏ ngày nghỉ mặc định.".to_owned())
}

pub async fn add(
    State(state): State<ConsoleState>,
    Checked(signed, form): Checked<OverrideForm>,
) -> Response {
    if !may_change(&signed) {
        return congxa_web::notice_page(
            StatusCode::FORBIDDEN,
            "Không có quyền",
            "Chỉ cán bộ vận hành của toàn nền tảng được sửa lịch nghỉ.",
        );
    }
    let refused = StatusCode::UNPROCESSABLE_ENTITY;
    let wanted = match read(&form) {
        Ok(wanted) => wanted,
        Err(reason) => {
            let year = vn_time::now().year();
            return show(&state, &signed, year, &form, refused, None, Some(&reason)).await;
        }
    };
    let year = wanted.date().year();
    let saved = async {
        let mut conn = state.pool.acquire().await?;
        let mut tx = conn.begin().await?;
        // One operator's change at a time: the calendar is checked whole.
        sqlx::query!("LOCK TABLE calendar_overrides IN SHARE ROW EXCLUSIVE MODE")
            .execute(&mut *tx)
            .await?;
        let mut all = congxa_calendar::stored::overrides(&mut tx).await?;
        all.retain(|o| o.date() != wanted.date());
        all.push(wanted.clone());
        if let Err(refused) = Calendar::new(&all) {
            return Ok(Err(refused.to_string()));
        }
        sqlx::query!(
            "INSERT INTO calendar_overrides (day, kind, label) VALUES ($1, $2, $3)
             ON CONFLICT (day) DO UPDATE SET kind = EXCLUDED.kind, label = EXCLUDED.label",
            wanted.date(),
            wanted.code(),
            wanted.label()
        )
        .execute(&mut *tx)
        .await?;
        congxa_tenancy::audit::record(
            &mut tx,
            &actor(&signed),
            "calendar.override",
            None,
            json!({ "day": wanted.date().to_string(), "kind": wanted.code(), "label": wanted.label() }),
        )
        .await?;
        tx.commit().await?;
        // What counts as a working day changed: every kept checklist may.
        state.checked.forget_all();
        Ok::<_, sqlx::Error>(Ok(()))
    };
    match saved.await {
        Ok(Ok(())) => see_other(&format!("/lich-nghi?nam={year}&xong=luu")),
        Ok(Err(reason)) => show(&state, &signed, year, &form, refused, None, Some(&reason)).await,
        Err(error) => database_down(error),
    }
}

pub async fn remove(
    State(state): State<ConsoleState>,
    Path(day): Path<String>,
    Checked(signed, _form): Checked<SignedForm>,
) -> Response {
    if !may_change(&signed) {
        return congxa_web::notice_page(
            StatusCode::FORBIDDEN,
            "Không có quyền",
            "Chỉ cán bộ vận hành của toàn nền tảng được sửa lịch nghỉ.",
        );
    }
    let Some(date) = vn_time::parse_day(&day) else {
        return page_not_found();
    };
    let removed = async {
        let mut conn = state.pool.acquire().await?;
        let mut tx = conn.begin().await?;
        let gone = sqlx::query!("DELETE FROM calendar_overrides WHERE day = $1", date)
            .execute(&mut *tx)
            .await?;
        if gone.rows_affected() > 0 {
            congxa_tenancy::audit::record(
                &mut tx,
                &actor(&signed),
                "calendar.override.remove",
                None,
                json!({ "day": date.to_string() }),
            )
            .await?;
        }
        tx.commit().await?;
        // What counts as a working day changed: every kept checklist may.
        state.checked.forget_all();
        Ok::<_, sqlx::Error>(())
    };
    match removed.await {
        Ok(()) => see_other(&format!("/lich-nghi?nam={}&xong=xoa", date.year())),
        Err(error) => database_down(error),
    }
}
