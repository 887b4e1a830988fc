//! A commune's public site: every section of REGULATIONS.md, search, the site
//! map and feeds, rendered through the commune's theme.

mod api;
mod articles;
mod browse;
mod chrome;
mod consultations;
mod contacts;
mod documents;
mod feeds;
pub mod forms;
pub(crate) mod home;
pub mod http;
pub mod images;
mod items;
mod paging;
pub(crate) mod params;
pub mod preview;
mod procedures;
mod questions;
mod rating;
pub(crate) mod records;
mod schedule;
mod search;
mod sitemap;

use std::net::IpAddr;
use std::sync::Arc;

use axum::Router;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use congxa_board::Need;
use congxa_web::routes::{Declared, Routes};
use congxa_web::{ApiError, TenantContext};
use serde::Serialize;
use sqlx::{PgPool, Postgres, Transaction};

use crate::AppState;
use crate::overrides::{self, Commune, Fault};
pub use chrome::Chrome;

/// The site's routes. Fixed paths come first; everything else is a section
/// or an item, found by its address.
pub fn router(state: AppState) -> Router {
    let public_forms = crate::throttle::Guarded {
        throttle: state.forms_throttle.clone(),
        routes: &["/hoi-dap/dat-cau-hoi", "/gop-y/{item}", "/danh-gia/{item}"],
    };
    table()
        .router()
        .route_layer(axum::middleware::from_fn_with_state(
            public_forms,
            crate::throttle::limit_routes,
        ))
        .fallback(browse::not_found)
        .with_state(state)
}

/// Every route of the public site: all open to anyone.
pub fn routes() -> Vec<Declared<Need>> {
    table().declared()
}

fn table() -> Routes<AppState, Need> {
    let table = Routes::new()
        .get("/", Need::Anyone, home::page)
        .get("/tim-kiem", Need::Anyone, search::page)
        .get("/so-do-trang", Need::Anyone, sitemap::page)
        .get("/sitemap.xml", Need::Anyone, sitemap::xml)
        .get("/rss", Need::Anyone, feeds::index)
        .get("/rss/{*path}", Need::Anyone, feeds::section)
        .get("/hoi-dap/dat-cau-hoi", Need::Anyone, questions::ask_form)
        .post("/hoi-dap/dat-cau-hoi", Need::Anyone, questions::ask)
        .get("/hoi-dap/tra-cuu", Need::Anyone, questions::tracking)
        .post("/gop-y/{item}", Need::Anyone, consultations::comment)
        .post("/danh-gia/{item}", Need::Anyone, rating::rate)
        .get("/giao-dien/hien-thi.js", Need::Anyone, display_script)
        .get(crate::icon::PATH, Need::Anyone, crate::icon::svg)
        .get("/favicon.ico", Need::Anyone, crate::icon::favicon);
    api::routes(table).get("/{*path}", Need::Anyone, browse::page)
}

/// The largest form body the site accepts (questions, comments, ratings).
pub const MAX_FORM_BYTES: usize = 32 * 1024;

/// The theme's one script: font size and contrast controls.
const DISPLAY_SCRIPT: &str = include_str!("../../themes/default/hien-thi.js");

async fn display_script() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=86400"),
        ],
        DISPLAY_SCRIPT,
    )
        .into_response()
}

/// One public request: which commune, through which host, from whom.
pub struct Visit {
    pub tenant: TenantContext,
    /// The host the citizen used, already canonical: the gateway redirects
    /// aliases to the primary domain before anything reaches this service.
    pub host: String,
    pub client_ip: Option<IpAddr>,
    pub user_agent: String,
    /// When the board previews an unpublished item: the workspace page to
    /// go back to, shown in a banner above the page.
    pub preview: Option<String>,
    /// A look the board previews before applying it.
    pub look: Option<congxa_site::look::Look>,
    /// A menu the board previews before applying it.
    pub menu: Option<Vec<congxa_site::menu::Entry>>,
    /// Home page blocks the board previews before applying them.
    pub home_blocks: Option<Vec<congxa_site::home_blocks::Block>>,
    /// A version of one of the commune's templates the board previews.
    pub candidate: Option<crate::overrides::Live>,
    /// What a preview shows, for its banner, when it is not an item.
    pub preview_note: Option<&'static str>,
    /// The `Cache-Control` of this commune's public pages.
    pub cache_control: Arc<str>,
    headers: HeaderMap,
}

impl FromRequestParts<AppState> for Visit {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let tenant = TenantContext::from_request_parts(parts, state)
            .await
            .map_err(ApiError::into_page)?;
        let text = |name: &str| {
            parts
                .headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default()
                .to_owned()
        };
        // Set by the gateway, which overwrites whatever the client sent; the
        // internal token checked above proves the gateway sent this request.
        let host = text("x-forwarded-host");
        let client_ip = text("x-forwarded-for").parse().ok();
        // Set only by the workspace, which renders this page for the board.
        let previewing = parts.extensions.remove::<preview::Previewing>();
        Ok(Self {
            tenant,
            host,
            client_ip,
            user_agent: text(header::USER_AGENT.as_str()),
            preview: previewing.as_ref().map(|p| p.back.clone()),
            look: None,
            menu: None,
            home_blocks: None,
            preview_note: previewing.as_ref().map(|p| p.note),
            candidate: previewing.and_then(|p| p.candidate),
            cache_control: state.page_cache_control.clone(),
            headers: parts.headers.clone(),
        })
    }
}

impl Visit {
    /// The request's headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The absolute address of a path on this commune's site.
    pub fn url(&self, state: &AppState, path: &str) -> String {
        format!("{}://{}{}", state.public_scheme, self.host, path)
    }

    /// A transaction that sees only this commune's rows.
    pub async fn begin(&self, pool: &PgPool) -> Result<Transaction<'static, Postgres>, ApiError> {
        congxa_db::begin_for_tenant(pool, self.tenant.id)
            .await
            .map_err(db_error)
    }
}

/// What a page template receives besides its own data.
#[derive(Serialize)]
struct Frame<'a, T> {
    #[serde(flatten)]
    chrome: &'a Chrome,
    /// Which page type this is (the menu marks its section).
    page: &'a str,
    title: &'a str,
    /// The canonical address of this page.
    canonical: String,
    /// The page's own path, without its query (the menu marks the entry
    /// that opens it).
    here: &'a str,
    #[serde(flatten)]
    data: T,
}

/// A themed page ready to send.
pub struct Page<'a, T> {
    pub template: &'a str,
    pub page: &'a str,
    pub title: &'a str,
    /// The page's own path (and query, when it matters), for its canonical
    /// address.
    pub path: &'a str,
    pub data: T,
}

impl<T: Serialize> Page<'_, T> {
    /// Renders the page with the commune's chrome, answering 304 when the
    /// browser already has these bytes.
    pub async fn render(self, state: &AppState, visit: &Visit) -> Result<Response, ApiError> {
        self.render_with(state, visit, StatusCode::OK).await
    }

    pub async fn render_with(
        self,
        state: &AppState,
        visit: &Visit,
        status: StatusCode,
    ) -> Result<Response, ApiError> {
        let chrome = Chrome::load(state, visit).await?;
        let frame = Frame {
            chrome: &chrome,
            page: self.page,
            title: self.title,
            canonical: visit.url(state, self.path),
            here: self.path.split('?').next().unwrap_or(self.path),
            data: self.data,
        };
        let theme = chrome.look.theme.as_str();
        let html = if chrome.overrides_rev.is_none() && visit.candidate.is_none() {
            state
                .themes
                .render(theme, self.template, &frame)
                .map_err(ApiError::internal)?
        } else {
            match commune_render(
                state,
                visit,
                theme,
                chrome.overrides_rev.clone(),
                self.template,
                &frame,
            )
            .await?
            {
                Ok(html) => html,
                // A preview shows the board what is wrong.
                Err(fault) if visit.preview.is_some() => {
                    return Ok(congxa_web::notice_page(
                        StatusCode::UNPROCESSABLE_ENTITY,
                        "Mẫu chưa dùng được",
                        &fault.message,
                    ));
                }
                // Citizens get the theme's own template meanwhile.
                Err(_) => state
                    .themes
                    .render(theme, self.template, &frame)
                    .map_err(ApiError::internal)?,
            }
        };
        let mut response = http::html(status, html, visit);
        if visit.preview.is_some() {
            http::private(&mut response);
        }
        // A public page shown to a visitor is a page view; a preview for
        // the board, a 404 or an error page is not.
        if status == StatusCode::OK && visit.preview.is_none() {
            response.headers_mut().insert(
                congxa_web::internal::VIEW_HEADER,
                HeaderValue::from_static("page"),
            );
            // Until a page says what it shows, it goes with every list.
            response.headers_mut().insert(
                congxa_web::internal::CACHE_TAGS_HEADER,
                HeaderValue::from_static("list"),
            );
        }
        Ok(response)
    }
}

/// Renders with the commune's own versions of its templates; the fault
/// when they fail. A preview (the board trying a look or a version, which
/// `candidate` carries) builds its own environment, keeps and reports
/// nothing, and shows its fault; a public page uses the commune's kept
/// environment and reports a fault once, on the version at fault.
async fn commune_render(
    state: &AppState,
    visit: &Visit,
    theme: &str,
    rev: Option<String>,
    template: &str,
    frame: &impl Serialize,
) -> Result<Result<String, Fault>, ApiError> {
    if visit.preview.is_some() {
        let mut tx = visit.begin(&state.pool).await?;
        let mut live = overrides::live(&mut tx, theme).await.map_err(db_error)?;
        drop(tx);
        if let Some(candidate) = &visit.candidate {
            live.retain(|l| l.name != candidate.name);
            live.push(candidate.clone());
        }
        let commune = Commune::build(state.themes.env(theme), live);
        if let Some((_, message)) = commune.broken.first() {
            return Ok(Err(Fault {
                message: message.clone(),
                template: None,
            }));
        }
        return Ok(commune.render(template, frame));
    }
    let key = (visit.tenant.id, theme.to_owned(), rev.unwrap_or_default());
    let commune = state
        .overrides
        .get_or_build(key, async {
            let mut tx = congxa_db::begin_for_tenant(&state.pool, visit.tenant.id).await?;
            let live = overrides::live(&mut tx, theme).await?;
            let commune = Commune::build(state.themes.env(theme), live);
            for (id, message) in &commune.broken {
                overrides::report(&mut tx, *id, message).await?;
            }
            tx.commit().await?;
            Ok(commune)
        })
        .await
        .map_err(db_error)?;
    if commune.has_failed(template) {
        return Ok(Err(Fault {
            message: String::new(),
            template: Some(template.to_owned()),
        }));
    }
    let rendered = commune.render(template, frame);
    if let Err(fault) = &rendered
        && let Some(id) = commune.blamed(fault, template)
        && commune.first_report(id)
    {
        tracing::warn!(tenant = %visit.tenant.slug, template, fault = %fault.message,
            "a commune's own template failed; the theme's serves");
        let reported = async {
            let mut tx = congxa_db::begin_for_tenant(&state.pool, visit.tenant.id).await?;
            overrides::report(&mut tx, id, &fault.message).await?;
            tx.commit().await
        };
        if let Err(error) = reported.await {
            tracing::warn!(%error, "the template's fault could not be kept for the board");
        }
    }
    Ok(rendered)
}

/// The themed "not found" page of a commune.
pub async fn not_found_page(state: &AppState, visit: &Visit) -> Response {
    let page = Page {
        template: "not_found.html",
        page: "not_found",
        title: "Không tìm thấy trang",
        path: "/",
        data: (),
    };
    page.render_with(state, visit, StatusCode::NOT_FOUND)
        .await
        .unwrap_or_else(ApiError::into_page)
}

/// Names what a page shows, for the gateway's page cache: "home",
/// "section:<path>", "item:<id> section:<path>" (the migration that
/// announces purges says which change purges which). Only a page marked as
/// a page view is tagged; anything else keeps no tags.
pub fn tag(outcome: &mut Result<Outcome, ApiError>, tags: &str) {
    if let Ok(Outcome::Page(response)) = outcome
        && response
            .headers()
            .contains_key(congxa_web::internal::CACHE_TAGS_HEADER)
        && let Ok(value) = HeaderValue::from_str(tags)
    {
        response
            .headers_mut()
            .insert(congxa_web::internal::CACHE_TAGS_HEADER, value);
    }
}

/// A page handler's outcome: the page, the themed 404, or an error page.
pub enum Outcome {
    Page(Response),
    NotFound,
}

impl From<Response> for Outcome {
    fn from(response: Response) -> Self {
        Self::Page(response)
    }
}

/// Finishes a handler: a missing page gets the commune's own 404 page, a
/// failure the Vietnamese error page.
pub async fn finish(
    state: &AppState,
    visit: &Visit,
    outcome: Result<Outcome, ApiError>,
) -> Response {
    match outcome {
        Ok(Outcome::Page(response)) => response,
        Ok(Outcome::NotFound) => not_found_page(state, visit).await,
        Err(error) => error.into_page(),
    }
}

/// The database could not answer: the page says so, the log says why.
pub fn db_error(error: sqlx::Error) -> ApiError {
    ApiError::unavailable(
        "database_unavailable",
        "Cơ sở dữ liệu tạm thời không truy cập được. Mời bạn thử lại sau ít phút.",
    )
    .with_source(error)
}
