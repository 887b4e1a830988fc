//! The head's settings pages: the site's particulars and its leaders and
//! officials (/quan-tri/cai-dat), and the one-stop shop's monthly results
//! (/quan-tri/mot-cua). Each change shows on the public site at once and is
//! recorded in the audit log.

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use congxa_board::settings::{self, Month, Official, Profile};
use congxa_board::{BoardError, Permission};
use congxa_locale::time as vn_time;
use serde::Serialize;
use serde_json::json;
use uuid::Uuid;

use super::session::Member;
use super::{board_error, record_change, refusal, render, see_other};
use crate::AppState;
use crate::site::params::Params;

#[derive(Serialize)]
struct SettingsPage {
    profile: Profile,
    officials: Vec<Official>,
    /// The official being added or corrected, as typed (after a refusal).
    draft: Official,
}

fn may(member: &Member, permission: Permission) -> Result<(), Response> {
    if member.account.role.may(permission) {
        Ok(())
    } else {
        Err(board_error(BoardError::Forbidden))
    }
}

async fn settings_page(
    state: &AppState,
    member: &Member,
    status: StatusCode,
    typed: (Option<Profile>, Option<Official>),
    (message, error): (Option<&str>, Option<&str>),
) -> Response {
    let loaded = async {
        let mut tx = member.begin(state).await?;
        let profile = settings::profile(&mut tx).await?;
        let officials = settings::officials(&mut tx).await?;
        Ok::<_, BoardError>((profile, officials))
    };
    let (profile, officials) = match loaded.await {
        Ok(loaded) => loaded,
        Err(error) => return board_error(error),
    };
    let page = SettingsPage {
        profile: typed.0.unwrap_or(profile),
        officials,
        draft: typed.1.unwrap_or_default(),
    };
    let mut frame = member.frame("Thông tin của trang", page);
    frame.message = message;
    frame.error = error;
    render(state, status, "settings.html", frame)
}

pub async fn page(
    State(state): State<AppState>,
    member: Member,
    RawQuery(query): RawQuery,
) -> Response {
    if let Err(refused) = may(&member, Permission::ChangeSettings) {
        return refused;
    }
    let message = (Params::parse(query.as_deref()).raw("da-luu") == "can-bo")
        .then_some("Đã lưu danh sách lãnh đạo, cán bộ.");
    settings_page(
        &state,
        &member,
        StatusCode::OK,
        (None, None),
        (message, None),
    )
    .await
}

pub async fn save_profile(State(state): State<AppState>, member: Member, body: Bytes) -> Response {
    let form = Params::parse_body(&body);
    if let Err(refused) = member.check(&form) {
        return refused;
    }
    let given = Profile {
        agency: form.raw("agency").to_owned(),
        address: form.raw("address").to_owned(),
        phone: form.raw("phone").to_owned(),
        email: form.raw("email").to_owned(),
        responsible_person: form.raw("responsible_person").to_owned(),
        responsible_title: form.raw("responsible_title").to_owned(),
        licence: form.raw("licence").to_owned(),
        office_hours: form.raw("office_hours").to_owned(),
        board_decision: form.raw("board_decision").to_owned(),
        rules_decision: form.raw("rules_decision").to_owned(),
    };
    let saved = async {
        let mut tx = member.begin(&state).await?;
        let saved =
            settings::save_profile(&mut tx, member.tenant.id, &member.account, &given).await?;
        record_change(
            &mut tx,
            &member,
            "site.profile.save",
            json!({ "subject": saved.agency }),
        )
        .await?;
        tx.commit().await?;
        Ok::<_, BoardError>(())
    };
    match saved.await {
        Ok(()) => {
            let message = Some("Đã lưu thông tin của trang.");
            settings_page(
                &state,
                &member,
                StatusCode::OK,
                (None, None),
                (message, None),
            )
            .await
        }
        Err(error) => match refusal(error) {
            Ok(text) => {
                let status = StatusCode::UNPROCESSABLE_ENTITY;
                settings_page(
                    &state,
                    &member,
                    status,
                    (Some(given), None),
                    (None, Some(&text)),
                )
                .await
            }
            Err(response) => response,
        },
    }
}

pub async fn save_official(State(state): State<AppState>, member: Member, body: Bytes) -> Response {
    let form = Params::parse_body(&body);
    if let Err(refused) = member.check(&form) {
        return refused;
    }
    let id = match form.get("id").map(Uuid::parse_str).transpose() {
        Ok(id) => id,
        Err(_) => return board_error(BoardError::RecordNotFound),
    };
    let given = Official {
        id,
        name: form.raw("name").to_owned(),
        position: form.raw("position").to_owned(),
        phone: form.raw("phone").to_owned(),
        email: form.raw("email").to_owned(),
        duties: form.raw("duties").to_owned(),
        is_leader: form.get("is_leader").is_some(),
        is_info_focal: form.get("is_info_focal").is_some(),
        sort_order: form.raw("sort_order").trim().parse().unwrap_or(0),
    };
    let saved = async {
        let mut tx = member.begin(&state).await?;
        settings::save_official(&mut tx, member.tenant.id, &member.account, &given).await?;
        let subject = format!("{}, {}", given.name.trim(), given.position.trim());
        record_change(
            &mut tx,
            &member,
            "site.official.save",
            json!({ "subject": subject }),
        )
        .await?;
        tx.commit().await?;
        Ok::<_, BoardError>(())
    };
    match saved.await {
        Ok(()) => see_other("/quan-tri/cai-dat?da-luu=can-bo#can-bo"),
        Err(error) => match refusal(error) {
            Ok(text) => {
                let status = StatusCode::UNPROCESSABLE_ENTITY;
                settings_page(
                    &state,
                    &member,
                    status,
                    (None, Some(given)),
                    (None, Some(&text)),
                )
                .await
            }
            Err(response) => response,
        },
    }
}

pub async fn remove_official(
    State(state): State<AppState>,
    member: Member,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let form = Params::parse_body(&body);
    if let Err(refused) = member.check(&form) {
        return refused;
    }
    let Ok(id) = Uuid::parse_str(&id) else {
        return board_error(BoardError::RecordNotFound);
    };
    let removed = async {
        let mut tx = member.begin(&state).await?;
        let name = sqlx::query_scalar!("SELECT name FROM officials WHERE id = $1", id)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or(BoardError::RecordNotFound)?;
        settings::remove_official(&mut tx, &member.account, id).await?;
        record_change(
            &mut tx,
            &member,
            "site.official.remove",
            json!({ "subject": name }),
        )
        .await?;
        tx.commit().await?;
        Ok::<_, BoardError>(())
    };
    match removed.await {
        Ok(()) => see_other("/quan-tri/cai-dat?da-luu=can-bo#can-bo"),
        Err(error) => board_error(error),
    }
}

#[derive(Serialize)]
struct OneStopPage {
    months: Vec<(String, Month)>,
    /// What was typed, after a refusal.
    typed: Vec<(String, String)>,
}

async fn one_stop_page(
    state: &AppState,
    member: &Member,
    status: StatusCode,
    typed: Vec<(String, String)>,
    (message, error): (Option<&str>, Option<&str>),
) -> Response {
    let months = async {
        let mut tx = member.begin(state).await?;
        settings::one_stop_months(&mut tx).await
    };
    let months = match months.await {
        Ok(months) => months,
        Err(error) => return board_error(error),
    };
    let page = OneStopPage {
        months: months
            .into_iter()
            .map(|m| {
                (
                    format!("{:02}/{}", u8::from(m.month.month()), m.month.year()),
                    m,
                )
            })
            .collect(),
        typed,
    };
    let mut frame = member.frame("Kết quả giải quyết thủ tục hành chính", page);
    frame.message = message;
    frame.error = error;
    render(state, status, "one_stop.html", frame)
}

pub async fn one_stop(State(state): State<AppState>, member: Member) -> Response {
    if let Err(refused) = may(&member, Permission::Publish) {
        return refused;
    }
    one_stop_page(&state, &member, StatusCode::OK, Vec::new(), (None, None)).await
}

const FIGURES: [(&str, &str); 5] = [
    ("received", "Số hồ sơ tiếp nhận"),
    ("on_time", "Số hồ sơ giải quyết đúng hạn"),
    ("late", "Số hồ sơ giải quyết quá hạn"),
    ("in_progress", "Số hồ sơ đang giải quyết"),
    ("online", "Số hồ sơ nộp trực tuyến"),
];

/// "11/2026" → the first day of that month.
fn month_of(raw: &str) -> Option<time::Date> {
    let (month, year) = raw.trim().split_once('/')?;
    vn_time::parse_day(&format!("01/{}/{}", month.trim(), year.trim()))
}

pub async fn record_month(State(state): State<AppState>, member: Member, body: Bytes) -> Response {
    let form = Params::parse_body(&body);
    // Who may, before what the form says: a member is told no, not how
    // to fill the figures in.
    if let Err(refused) = may(&member, Permission::Publish).and_then(|()| member.check(&form)) {
        return refused;
    }
    let parsed = (|| {
        let month = month_of(form.raw("month")).ok_or_else(|| {
            BoardError::Invalid("Tháng không đúng dạng (ví dụ: 11/2026).".to_owned())
        })?;
        let mut numbers = [0i32; 5];
        for (slot, (name, label)) in numbers.iter_mut().zip(FIGURES) {
            *slot = form.raw(name).trim().parse().map_err(|_| {
                BoardError::Invalid(format!("{label} phải là một số nguyên không âm."))
            })?;
        }
        let [received, on_time, late, in_progress, online] = numbers;
        Ok::<_, BoardError>(Month {
            month,
            received,
            on_time,
            late,
            in_progress,
            online,
        })
    })();
    let saved = async {
        let month = parsed?;
        let mut tx = member.begin(&state).await?;
        settings::record_month(&mut tx, member.tenant.id, &member.account, &month).await?;
        let subject = format!("Tháng {}", form.raw("month").trim());
        record_change(
            &mut tx,
            &member,
            "site.one_stop.save",
            json!({ "subject": subject }),
        )
        .await?;
        tx.commit().await?;
        Ok::<_, BoardError>(())
    };
    match saved.await {
        Ok(()) => {
            let message = Some("Đã lưu kết quả của tháng.");
            one_stop_page(&state, &member, StatusCode::OK, Vec::new(), (message, None)).await
        }
        Err(error) => match refusal(error) {
            Ok(text) => {
                let typed = std::iter::once("month")
                    .chain(FIGURES.iter().map(|(name, _)| *name))
                    .map(|name| (name.to_owned(), form.raw(name).to_owned()))
                    .collect();
                let status = StatusCode::UNPROCESSABLE_ENTITY;
                one_stop_page(&state, &member, status, typed, (None, Some(&text))).await
            }
            Err(response) => response,
        },
    }
}
