//! Planned downtime in the console: announce for one commune, the operator's
//! region or (platform operators) everything, refused when given less than 7
//! working days ahead unless marked an emergency; cancel.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use congxa_locale::time as vn_time;
use congxa_tenancy::TenancyError;
use congxa_tenancy::maintenance::{self, Announcement, Notice, Scope};
use serde::{Deserialize, Serialize};
use sqlx::Connection;
use time::OffsetDateTime;

use super::session::{Checked, CsrfField, Signed, SignedForm, database_down};
use super::tenants::actor;
use super::{ConsoleState, Frame, page_not_found, render, see_other};

#[derive(Debug, Default, Deserialize, Serialize)]
pub struct NoticeForm {
    scope: Option<String>,
    tenant: Option<String>,
    from: Option<String>,
    until: Option<String>,
    message: Option<String>,
    emergency: Option<String>,
    #[serde(skip_serializing)]
    csrf: String,
}

impl CsrfField for NoticeForm {
    fn csrf(&self) -> &str {
        &self.csrf
    }
}

#[derive(Serialize)]
struct Line {
    id: i64,
    scope: String,
    from: String,
    until: String,
    emergency: bool,
    message: String,
}

#[derive(Serialize)]
struct MaintenancePage<'a> {
    notices: Vec<Line>,
    earliest: String,
    form: &'a NoticeForm,
}

#[derive(Deserialize)]
pub struct Done {
    xong: Option<String>,
}

/// The notices this operator may see and cancel: every one for platform
/// operators; for a region's operator, their region's and their communes'.
async fn visible(
    conn: &mut sqlx::PgConnection,
    signed: &Signed,
) -> Result<Vec<Notice>, TenancyError> {
    let all = maintenance::upcoming(conn, OffsetDateTime::now_utc()).await?;
    let Some(own) = &signed.operator.region_code else {
        return Ok(all);
    };
    let mut mine = Vec::new();
    for notice in all {
        let within = match (&notice.region_code, &notice.tenant_slug) {
            (Some(region), _) => region == own,
            (None, Some(slug)) => signed.operator.may_manage(conn, slug).await?,
            (None, None) => false,
        };
        if within {
            mine.push(notice);
        }
    }
    Ok(mine)
}

pub async fn page(
    signed: Signed,
    State(state): State<ConsoleState>,
    Query(done): Query<Done>,
) -> Response {
    let message = done.xong.as_deref().map(|code| match code {
        "huy" => "Đã hủy thông báo.",
        _ => "Đã đăng thông báo bảo trì.",
    });
    show(
        &state,
        &signed,
        &NoticeForm::default(),
        StatusCode::OK,
        message,
        None,
    )
    .await
}

async fn show(
    state: &ConsoleState,
    signed: &Signed,
    form: &NoticeForm,
    status: StatusCode,
    message: Option<&str>,
    error: Option<&str>,
) -> Response {
    let notices = async {
        let mut conn = state.pool.acquire().await?;
        let calendar = congxa_calendar::stored::load(&mut conn).await?;
        Ok::<_, TenancyError>((visible(&mut conn, signed).await?, calendar))
    };
    let (notices, calendar) = match notices.await {
        Ok(found) => found,
        Err(error) => return database_down(error),
    };
    let lines = notices
        .into_iter()
        .map(|n| Line {
            id: n.id,
            scope: match (&n.tenant_slug, &n.region_code) {
                (Some(slug), _) => format!("xã {slug}"),
                (None, Some(region)) => format!("vùng {region}"),
                (None, None) => "toàn nền tảng".to_owned(),
            },
            from: vn_time::date_and_time(n.starts_at),
            until: vn_time::date_and_time(n.ends_at),
            emergency: n.emergency,
            message: n.message,
        })
        .collect();
    render(
        state,
        status,
        "maintenance.html",
        Frame {
            title: "Thông báo bảo trì",
            operator: Some(&signed.operator),
            csrf: &signed.csrf,
            message,
            error,
            page: MaintenancePage {
                notices: lines,
                earliest: vn_time::time_and_date(maintenance::earliest_start(
                    OffsetDateTime::now_utc(),
                    &calendar,
                )),
                form,
            },
        },
    )
}

/// A time from a `datetime-local` field ("2026-12-10T22:00"), in Vietnam.
fn read_time(raw: Option<&str>, field: &str) -> Result<OffsetDateTime, String> {
    let raw = raw.unwrap_or("").trim();
    vn_time::parse_local(&raw.replacen('T', " ", 1))
        .ok_or_else(|| format!("Chưa đọc được thời điểm “{field}”: hãy chọn ngày và giờ."))
}

pub async fn announce(
    State(state): State<ConsoleState>,
    Checked(signed, form): Checked<NoticeForm>,
) -> Response {
    let times = read_time(form.from.as_deref(), "Bắt đầu").and_then(|from| {
        read_time(form.until.as_deref(), "Dự kiến hoạt động trở lại").map(|until| (from, until))
    });
    let (starts_at, ends_at) = match times {
        Ok(times) => times,
        Err(error) => {
            return show(
                &state,
                &signed,
                &form,
                StatusCode::UNPROCESSABLE_ENTITY,
                None,
                Some(&error),
            )
            .await;
        }
    };
    let scope = match (form.scope.as_deref(), &signed.operator.region_code) {
        (Some("platform"), None) => Scope::Platform,
        (Some("region"), Some(own)) => Scope::Region(own.clone()),
        _ => Scope::Tenant(form.tenant.clone().unwrap_or_default().trim().to_owned()),
    };
    let announced = async {
        let mut conn = state.pool.acquire().await?;
        if let Scope::Tenant(slug) = &scope
            && !signed.operator.may_manage(&mut conn, slug).await?
        {
            return Err(TenancyError::TenantNotFound(slug.clone()));
        }
        let mut tx = conn.begin().await?;
        maintenance::announce(
            &mut tx,
            &actor(&signed),
            OffsetDateTime::now_utc(),
            &Announcement {
                scope,
                starts_at,
                ends_at,
                message: form.message.clone().unwrap_or_default(),
                emergency: form.emergency.is_some(),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    };
    match announced.await {
        Ok(()) => see_other("/bao-tri?xong=dang"),
        Err(error) if error.is_input() => {
            show(
                &state,
                &signed,
                &form,
                StatusCode::UNPROCESSABLE_ENTITY,
                None,
                Some(&error.to_string()),
            )
            .await
        }
        Err(error) => database_down(error),
    }
}

pub async fn cancel(
    State(state): State<ConsoleState>,
    Path(id): Path<i64>,
    Checked(signed, _): Checked<SignedForm>,
) -> Response {
    let cancelled = async {
        let mut conn = state.pool.acquire().await?;
        if !visible(&mut conn, &signed)
            .await?
            .iter()
            .any(|n| n.id == id)
        {
            return Ok(false);
        }
        let mut tx = conn.begin().await?;
        maintenance::cancel(&mut tx, &actor(&signed), id, OffsetDateTime::now_utc()).await?;
        tx.commit().await?;
        Ok::<_, TenancyError>(true)
    };
    match cancelled.await {
        Ok(true) => see_other("/bao-tri?xong=huy"),
        Ok(false) => page_not_found(),
        Err(error) => database_down(error),
    }
}
