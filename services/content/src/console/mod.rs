//! The operators' console on the platform domain: sign-in, the communes
//! (list, create, suspend, domains) and the audit log, in Vietnamese.
//!
//! The gateway sends requests for the platform domain here, under
//! `/_console`, marked with an internal header that only it can set; the
//! same paths reached from a commune's domain answer 404.

// Handlers return early with the response to send (a redirect to sign in, a
// refusal); that response is the `Err` of small helpers, by design.
#![allow(clippy::result_large_err)]

mod audit_log;
mod calendar;
pub mod compliance;
mod maintenance_notices;
mod merges;
mod reports;
mod session;
mod support;
mod tenants;
mod visits;

use std::sync::Arc;

use axum::Router;
use axum::extract::{FromRef, FromRequestParts};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Redirect, Response};
use congxa_board::Need;
use congxa_tenancy::DomainName;
use congxa_tenancy::operators::Operator;
use congxa_web::internal::{CONSOLE_HEADER, InternalAuth};
use congxa_web::routes::{Declared, Routes};
use minijinja::Environment;
use serde::Serialize;
use sqlx::PgPool;

/// What the console needs, shared by its requests.
#[derive(Clone)]
pub struct ConsoleState {
    pub pool: PgPool,
    pub templates: Arc<Environment<'static>>,
    pub platform: Arc<DomainName>,
    pub auth: InternalAuth,
    /// The visit counter, read when a merge moves a commune's total.
    pub analytics: congxa_web::internal::InternalClient,
    pub analytics_url: Arc<str>,
    /// The operators' API token, which the monitoring feed accepts.
    pub operator_token: Arc<str>,
    /// Communes' checklists lately made, for the lists of many communes.
    pub checked: compliance::Checked,
    /// Sign-in forms per client address (shared with the workspaces').
    pub sign_in_throttle: crate::throttle::Throttle,
}

impl FromRef<ConsoleState> for InternalAuth {
    fn from_ref(state: &ConsoleState) -> Self {
        state.auth.clone()
    }
}

const TEMPLATES: [(&str, &str); 14] = [
    ("calendar.html", include_str!("../../console/calendar.html")),
    (
        "compliance.html",
        include_str!("../../console/compliance.html"),
    ),
    (
        "compliance_commune.html",
        include_str!("../../console/compliance_commune.html"),
    ),
    ("reports.html", include_str!("../../console/reports.html")),
    ("visits.html", include_str!("../../console/visits.html")),
    ("merge.html", include_str!("../../console/merge.html")),
    (
        "maintenance.html",
        include_str!("../../console/maintenance.html"),
    ),
    ("layout.html", include_str!("../../console/layout.html")),
    ("sign_in.html", include_str!("../../console/sign_in.html")),
    ("password.html", include_str!("../../console/password.html")),
    ("tenants.html", include_str!("../../console/tenants.html")),
    (
        "new_tenant.html",
        include_str!("../../console/new_tenant.html"),
    ),
    ("tenant.html", include_str!("../../console/tenant.html")),
    ("audit.html", include_str!("../../console/audit.html")),
];

/// Parses the console's templates once.
pub fn templates() -> anyhow::Result<Environment<'static>> {
    let mut env = Environment::new();
    for (name, source) in TEMPLATES {
        env.add_template(name, source)?;
    }
    Ok(env)
}

/// The console's routes, to be nested under `/_console`.
pub fn router(state: ConsoleState) -> Router {
    let sign_in = crate::throttle::Guarded {
        throttle: state.sign_in_throttle.clone(),
        routes: &["/dang-nhap", "/_console/dang-nhap"],
    };
    table()
        .router()
        .route_layer(axum::middleware::from_fn_with_state(
            sign_in,
            crate::throttle::limit_routes,
        ))
        .route_layer(axum::middleware::from_fn_with_state(
            congxa_web::body_limit::FORM_BYTES,
            congxa_web::body_limit::within,
        ))
        // A catch-all route, not a fallback: nested under `/_console`, a
        // fallback would lose to the public site's own catch-all.
        .route(
            "/{*rest}",
            axum::routing::any(|| async { page_not_found() }),
        )
        .fallback(|| async { page_not_found() })
        .with_state(state)
}

/// Every route of the console (as the platform domain shows it) and who
/// may use it. A region's operator reaches only the region's communes:
/// any other answers 404, as if it did not exist.
pub fn routes() -> Vec<Declared<Need>> {
    table().declared()
}

fn table() -> Routes<ConsoleState, Need> {
    use Need::{Anyone, Operator, PlatformOperator};
    Routes::new()
        .get("/", Operator, tenants::list)
        .get("/dang-nhap", Anyone, session::sign_in_form)
        .get(crate::icon::PATH, Anyone, crate::icon::svg)
        .get("/favicon.ico", Anyone, crate::icon::favicon)
        .post("/dang-nhap", Anyone, session::sign_in)
        .post("/dang-xuat", Operator, session::sign_out)
        .get("/mat-khau", Operator, session::password_form)
        .post("/mat-khau", Operator, session::change_password)
        .get("/xa-moi", Operator, tenants::new_form)
        .post("/xa-moi", Operator, tenants::create)
        .get("/xa/{slug}", Operator, tenants::show)
        .post("/xa/{slug}/trang-thai", Operator, tenants::set_status)
        .post("/xa/{slug}/ten-mien", Operator, tenants::add_domain)
        .post("/xa/{slug}/ten-mien/chinh", Operator, tenants::set_primary)
        .post("/xa/{slug}/ten-mien/go", Operator, tenants::remove_domain)
        .post("/xa/{slug}/gop", Operator, merges::merge_into)
        .post("/xa/{slug}/ho-tro", Operator, support::enter)
        .get("/nhat-ky", Operator, audit_log::list)
        .get("/thong-ke", Operator, visits::page)
        // Also to the operators' API token.
        .get("/api/giam-sat", Operator, visits::feed)
        .get("/api/thong-ke/{slug}/{year}", Operator, visits::yearly)
        .get("/tuan-thu", Operator, compliance::page)
        .get("/tuan-thu/{slug}", Operator, compliance::commune)
        .get("/bao-cao", Operator, reports::page)
        .get("/bao-cao/{year}/{file}", Operator, reports::download)
        // Every operator reads the working days; the platform's change them.
        .get("/lich-nghi", Operator, calendar::page)
        .post("/lich-nghi", PlatformOperator, calendar::add)
        .post("/lich-nghi/{day}/xoa", PlatformOperator, calendar::remove)
        .get("/bao-tri", Operator, maintenance_notices::page)
        .post("/bao-tri", Operator, maintenance_notices::announce)
        .post("/bao-tri/{id}/huy", Operator, maintenance_notices::cancel)
}

/// Proof that a request came through the gateway for the platform domain.
pub struct FromPlatform;

impl<S> FromRequestParts<S> for FromPlatform
where
    InternalAuth: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let internal = InternalAuth::from_ref(state).verify(&parts.headers);
        if internal && parts.headers.contains_key(CONSOLE_HEADER) {
            Ok(FromPlatform)
        } else {
            Err(page_not_found())
        }
    }
}

fn page_not_found() -> Response {
    congxa_web::notice_page(
        StatusCode::NOT_FOUND,
        "Không tìm thấy trang",
        "Trang bạn tìm không có trong bảng điều khiển.",
    )
}

/// What every console page's layout uses.
#[derive(Serialize)]
struct Frame<'a, T: Serialize> {
    title: &'a str,
    operator: Option<&'a Operator>,
    csrf: &'a str,
    message: Option<&'a str>,
    error: Option<&'a str>,
    #[serde(flatten)]
    page: T,
}

/// Renders a console page. Console pages are never cached anywhere.
fn render<T: Serialize>(
    state: &ConsoleState,
    status: StatusCode,
    template: &str,
    frame: Frame<'_, T>,
) -> Response {
    crate::private_page::render(&state.templates, status, template, frame)
}

/// After a change: back to a page, with a message carried in the query.
fn see_other(path: &str) -> Response {
    Redirect::to(path).into_response()
}

/// Where an operator acts from, for the audit log.
fn origin(headers: &axum::http::HeaderMap) -> String {
    crate::private_page::origin(headers, "bảng điều khiển")
}
