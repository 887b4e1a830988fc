//! The board's workspace at `/quan-tri` on the commune's own site: sign-in,
//! the dashboard of what waits, the items and their workflow, the board's
//! accounts. Every page is for signed-in members only, never cached, and
//! every form carries the session's CSRF token.

// Handlers return early with the response to send (a redirect to sign in, a
// refusal); that response is the `Err` of small helpers, by design.
#![allow(clippy::result_large_err)]

mod access_info;
mod audit;
mod budget;
mod citizens;
mod consultations;
mod corrections;
mod dashboard;
mod documents;
mod files;
mod home_blocks;
mod item_forms;
mod items;
mod links;
mod list_editor;
mod look;
mod members;
mod menu;
mod procedures;
mod projects;
mod recovery;
mod schedule;
mod security;
mod session;
mod settings;
mod statistics;
mod templates;
mod yearly_report;

use axum::Router;
use axum::handler::Handler;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use congxa_board::BoardError;
use congxa_board::accounts::Account;
use minijinja::Environment;
use serde::Serialize;

use crate::AppState;
use crate::site::params::Params;

const TEMPLATES: [(&str, &str); 34] = [
    ("templates.html", include_str!("../../admin/templates.html")),
    ("template.html", include_str!("../../admin/template.html")),
    ("look.html", include_str!("../../admin/look.html")),
    ("menu.html", include_str!("../../admin/menu.html")),
    (
        "list_editor.html",
        include_str!("../../admin/list_editor.html"),
    ),
    (
        "home_blocks.html",
        include_str!("../../admin/home_blocks.html"),
    ),
    (
        "yearly_report.html",
        include_str!("../../admin/yearly_report.html"),
    ),
    (
        "statistics.html",
        include_str!("../../admin/statistics.html"),
    ),
    (
        "access_info.html",
        include_str!("../../admin/access_info.html"),
    ),
    ("links.html", include_str!("../../admin/links.html")),
    (
        "target_intro.html",
        include_str!("../../admin/target_intro.html"),
    ),
    (
        "target_button.html",
        include_str!("../../admin/target_button.html"),
    ),
    ("project.html", include_str!("../../admin/project.html")),
    (
        "consultation.html",
        include_str!("../../admin/consultation.html"),
    ),
    ("budget.html", include_str!("../../admin/budget.html")),
    ("schedule.html", include_str!("../../admin/schedule.html")),
    ("procedure.html", include_str!("../../admin/procedure.html")),
    ("settings.html", include_str!("../../admin/settings.html")),
    ("one_stop.html", include_str!("../../admin/one_stop.html")),
    ("security.html", include_str!("../../admin/security.html")),
    ("forgot.html", include_str!("../../admin/forgot.html")),
    ("reset.html", include_str!("../../admin/reset.html")),
    ("document.html", include_str!("../../admin/document.html")),
    ("files.html", include_str!("../../admin/files.html")),
    ("revisions.html", include_str!("../../admin/revisions.html")),
    ("audit.html", include_str!("../../admin/audit.html")),
    ("citizens.html", include_str!("../../admin/citizens.html")),
    ("layout.html", include_str!("../../admin/layout.html")),
    ("sign_in.html", include_str!("../../admin/sign_in.html")),
    ("password.html", include_str!("../../admin/password.html")),
    ("dashboard.html", include_str!("../../admin/dashboard.html")),
    ("items.html", include_str!("../../admin/items.html")),
    ("item.html", include_str!("../../admin/item.html")),
    ("members.html", include_str!("../../admin/members.html")),
];

/// Parses the workspace's templates once.
pub fn templates() -> anyhow::Result<Environment<'static>> {
    let mut env = Environment::new();
    env.add_filter("ngay_gio", |v: &str| {
        time::OffsetDateTime::parse(v, &time::format_description::well_known::Rfc3339)
            .map(congxa_locale::time::date_and_time)
            .unwrap_or_else(|_| v.to_owned())
    });
    for (name, source) in TEMPLATES {
        env.add_template(name, source)?;
    }
    Ok(env)
}

/// The workspace's routes, nested under `/quan-tri`. The forms sent before
/// signing in are limited per client address.
pub fn router(state: &AppState) -> Router<AppState> {
    let throttled = axum::middleware::from_fn_with_state(
        state.sign_in_throttle.clone(),
        crate::throttle::limit,
    );
    Router::new()
        .route("/", get(dashboard::page))
        .route(
            "/dang-nhap",
            get(session::sign_in_form).post(session::sign_in.layer(throttled.clone())),
        )
        .route("/dang-xuat", post(session::sign_out))
        .route(
            "/mat-khau",
            get(session::password_form).post(session::change_password),
        )
        .route("/ho-tro", get(session::enter_support))
        .route("/cai-dat", get(settings::page).post(settings::save_profile))
        .route("/cai-dat/can-bo", post(settings::save_official))
        .route("/cai-dat/can-bo/{id}/xoa", post(settings::remove_official))
        .route(
            "/mot-cua",
            get(settings::one_stop).post(settings::record_month),
        )
        .route("/bao-mat", get(security::page))
        .route("/bao-mat/bat", post(security::enable))
        .route("/bao-mat/tat", post(security::disable))
        .route(
            "/quen-mat-khau",
            get(recovery::forgot_form).post(recovery::forgot.layer(throttled.clone())),
        )
        .route(
            "/dat-lai-mat-khau",
            get(recovery::reset_form).post(recovery::reset.layer(throttled)),
        )
        .route("/tin-bai", get(items::list))
        .route("/tin-bai/moi", get(items::new_form).post(items::create))
        .route("/tin-bai/{id}", get(items::show).post(items::save))
        .route("/tin-bai/{id}/thao-tac", post(items::act))
        .route("/tin-bai/{id}/phien-ban", get(items::revisions))
        .route("/tin-bai/{id}/xem-truoc", get(items::preview))
        .route(
            "/tin-bai/{id}/thong-tin",
            get(corrections::form).post(corrections::save),
        )
        .route(
            "/tiep-can-thong-tin/moi",
            get(access_info::new_form).post(access_info::create),
        )
        .route("/lien-ket", get(links::page).post(links::add))
        .route("/giao-dien", get(look::page).post(look::save))
        .route("/giao-dien/xem-truoc", post(look::preview))
        .route(
            "/giao-dien/trinh-don",
            get(list_editor::page::<menu::Menu>).post(list_editor::change::<menu::Menu>),
        )
        .route(
            "/giao-dien/trang-chu",
            get(list_editor::page::<home_blocks::HomeBlocks>)
                .post(list_editor::change::<home_blocks::HomeBlocks>),
        )
        .route("/giao-dien/mau", get(templates::list))
        .route(
            "/giao-dien/mau/{name}",
            get(templates::edit).post(templates::change),
        )
        .route("/lien-ket/{id}", post(links::change))
        .route("/tin-bai/{id}/phien-ban/{revision}", post(items::restore))
        .route("/nhat-ky", get(audit::page))
        .route("/thong-ke", get(statistics::page))
        .route("/thong-ke/nam/{year}", get(statistics::yearly))
        .route("/bao-cao-nam", get(yearly_report::page))
        .route("/bao-cao-nam/{year}", post(yearly_report::save))
        .route("/bao-cao-nam/{year}/ban-hanh", post(yearly_report::issue))
        .route("/bao-cao-nam/{year}/{file}", get(yearly_report::download))
        .route("/tep", get(files::list))
        .route("/tep/{id}", post(files::change))
        .route(
            "/van-ban/moi",
            get(documents::new_form).post(documents::create),
        )
        .route("/ngan-sach/moi", get(budget::new_form).post(budget::create))
        .route("/du-an/moi", get(projects::new_form).post(projects::create))
        .route(
            "/lay-y-kien/moi",
            get(consultations::new_form).post(consultations::create),
        )
        .route(
            "/lich-cong-tac/moi",
            get(schedule::new_form).post(schedule::create),
        )
        .route(
            "/thu-tuc/moi",
            get(procedures::new_form).post(procedures::create),
        )
        .route("/tai-len.js", get(files::script))
        .route("/bien-tap.js", get(files::editor_script))
        .route("/tep/anh.json", get(files::images))
        .route("/hoi-dap", get(citizens::inbox))
        .route("/hoi-dap/{id}", post(citizens::answer))
        .route("/gop-y/{id}", post(citizens::moderate))
        .route("/thanh-vien", get(members::list).post(members::create))
        .route(
            "/thanh-vien/{id}/dat-lai-mat-khau",
            post(members::reset_password),
        )
        .route("/thanh-vien/{id}/khoa", post(members::set_active))
}

/// What every workspace page's layout uses.
#[derive(Serialize)]
struct Frame<'a, T: Serialize> {
    title: &'a str,
    account: Option<&'a Account>,
    role_name: &'a str,
    csrf: &'a str,
    message: Option<&'a str>,
    error: Option<&'a str>,
    /// The reason of an operator's support session, shown on every page.
    support: Option<&'a str>,
    #[serde(flatten)]
    page: T,
}

/// Renders a workspace page; never cached anywhere.
fn render<T: Serialize>(
    state: &AppState,
    status: StatusCode,
    template: &str,
    frame: Frame<'_, T>,
) -> Response {
    crate::private_page::render(&state.admin, status, template, frame)
}

/// Records a change made in the workspace (accounts, the site's
/// particulars) in the platform's audit log, where the head's log page and
/// operators see it.
async fn record_change(
    conn: &mut sqlx::PgConnection,
    member: &session::Member,
    action: &str,
    details: serde_json::Value,
) -> Result<(), BoardError> {
    let actor = congxa_tenancy::audit::Actor {
        name: format!("{} <{}>", member.account.name, member.account.email),
        origin: "trang quản trị".to_owned(),
    };
    congxa_tenancy::audit::record(conn, &actor, action, Some(member.tenant.id), details).await?;
    Ok(())
}

/// Refuses a member who may not change the site's settings (its look, its
/// templates).
fn may_change_settings(member: &session::Member) -> Result<(), Response> {
    if member
        .account
        .role
        .may(congxa_board::Permission::ChangeSettings)
    {
        Ok(())
    } else {
        Err(board_error(BoardError::Forbidden))
    }
}

/// A form that changes the site's settings, read once the member may send
/// it (the role, then the form's CSRF token).
fn settings_form(member: &session::Member, body: &[u8]) -> Result<Params, Response> {
    may_change_settings(member)?;
    let form = Params::parse_body(body);
    member.check(&form)?;
    Ok(form)
}

fn see_other(path: &str) -> Response {
    Redirect::to(path).into_response()
}

/// After a refused submission: `Ok` with the reason to show on the form
/// again (with what was typed), or `Err` with the page to answer when the
/// request cannot go on (not allowed, not found, a fault of ours).
fn refusal(error: BoardError) -> Result<String, Response> {
    if error.is_input() && !matches!(error, BoardError::Forbidden | BoardError::RecordNotFound) {
        Ok(error.to_string())
    } else {
        Err(board_error(error))
    }
}

/// A board error as the page a person sees: their mistake explained, or
/// our fault logged.
fn board_error(error: BoardError) -> Response {
    let status = match &error {
        BoardError::Forbidden => StatusCode::FORBIDDEN,
        BoardError::ItemNotFound | BoardError::AccountNotFound | BoardError::RecordNotFound => {
            StatusCode::NOT_FOUND
        }
        BoardError::Conflict | BoardError::WrongState | BoardError::DuplicateEmail => {
            StatusCode::CONFLICT
        }
        BoardError::Database(_) => {
            return congxa_web::ApiError::unavailable(
                "database_unavailable",
                "Cơ sở dữ liệu tạm thời không truy cập được. Vui lòng thử lại sau.",
            )
            .with_source(error)
            .into_page();
        }
        _ => StatusCode::UNPROCESSABLE_ENTITY,
    };
    congxa_web::notice_page(status, "Không thực hiện được", &error.to_string())
}

/// A table as a CSV download for a spreadsheet: UTF-8 with a byte-order
/// mark, which Excel needs to read Vietnamese correctly; never cached.
fn csv_download<I, R>(filename: &'static str, header: &[&str], rows: I) -> Response
where
    I: IntoIterator<Item = R>,
    R: IntoIterator,
    R::Item: AsRef<[u8]>,
{
    let mut writer = csv::Writer::from_writer(vec![0xEF, 0xBB, 0xBF]);
    let written = (|| {
        writer.write_record(header)?;
        for row in rows {
            writer.write_record(row)?;
        }
        writer.flush()
    })();
    let bytes = written
        .map_err(csv::Error::from)
        .and_then(|()| writer.into_inner().map_err(|e| e.into_error().into()));
    match bytes {
        Ok(bytes) => {
            let disposition = format!("attachment; filename=\"{filename}\"");
            let mut response = (StatusCode::OK, bytes).into_response();
            let headers = response.headers_mut();
            headers.insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/csv; charset=utf-8"),
            );
            if let Ok(value) = HeaderValue::from_str(&disposition) {
                headers.insert(header::CONTENT_DISPOSITION, value);
            }
            headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            response
        }
        Err(error) => congxa_web::ApiError::internal(error).into_page(),
    }
}
