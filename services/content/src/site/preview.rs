//! The board's previews, shown exactly as the public pages will show them,
//! in the commune's own theme, with a banner that says so: an item that is
//! not out yet (or a correction waiting for approval), and any public page
//! rendered with a version of a template not yet saved. Only the workspace
//! calls these, for a signed-in member allowed to see what they show; the
//! answer is never cached, never counted and never indexed.

use axum::body::Body;
use axum::http::{Method, Request, Uri, header};
use axum::response::Response;
use tower::ServiceExt;
use uuid::Uuid;

use super::params::Params;
use super::{Outcome, Visit, browse, db_error, finish, items};
use crate::AppState;
use crate::overrides::Live;

/// What the board previews on a public page of its choice. The workspace
/// hands it to the page's own handler with the request, so every page type
/// can show it; only this service makes one (a request's extensions never
/// come from the client).
#[derive(Debug, Clone)]
pub struct Previewing {
    /// The workspace page to go back to.
    pub back: String,
    /// What the preview shows, for its banner.
    pub note: &'static str,
    pub candidate: Option<Live>,
}

/// Paths the site's router serves that are not pages of the public site
/// (the workspace, the open data, forms' targets, feeds, the theme's script).
const NOT_PAGES: [&str; 8] = [
    "/quan-tri",
    "/api",
    "/danh-gia",
    "/gop-y",
    "/rss",
    "/sitemap.xml",
    "/giao-dien",
    "/tep",
];

/// What of a typed path is percent-encoded besides anything not ASCII.
const TYPED: &percent_encoding::AsciiSet = &percent_encoding::CONTROLS.add(b' ');

/// A path of the public site, as typed: "/", "/tin-tuc/..." with a query;
/// Vietnamese typed in it goes as UTF-8, percent-encoded. The check reads
/// the path as the router will, so nothing typed reaches another route.
fn page_path(typed: &str) -> Result<Uri, String> {
    let typed = typed.trim();
    let refused = || {
        format!(
            "“{typed}” không phải đường dẫn của một trang công khai của xã; ghi đường dẫn bắt đầu bằng /, ví dụ / hoặc /tin-tuc."
        )
    };
    let encoded = percent_encoding::utf8_percent_encode(typed, TYPED).to_string();
    let uri = encoded.parse::<Uri>().map_err(|_| refused())?;
    let path = uri.path();
    let is_page = uri.scheme().is_none()
        && uri.authority().is_none()
        && !encoded.contains('#')
        && path.starts_with('/')
        && !path.starts_with("//")
        && !NOT_PAGES
            .iter()
            .any(|p| path == *p || path.starts_with(&format!("{p}/")));
    if is_page { Ok(uri) } else { Err(refused()) }
}

/// How many of the site's own redirects (an item that moved section, an
/// old address) a preview follows.
const REDIRECTS_FOLLOWED: usize = 3;

/// The public page at `path` as it shows with what the board previews; the
/// message when `path` is not a public page. A redirect to another page of
/// the site is followed, so the board sees the page, not the redirect.
pub async fn page_at(
    state: &AppState,
    visit: &Visit,
    path: &str,
    previewing: Previewing,
) -> Result<Response, String> {
    let mut uri = page_path(path)?;
    let mut followed = 0;
    loop {
        let mut request = Request::new(Body::empty());
        *request.method_mut() = Method::GET;
        *request.uri_mut() = uri;
        *request.headers_mut() = visit.headers().clone();
        // The workspace's form is not the page's request, and a page the
        // browser holds must not come back as "not modified".
        for name in [
            header::CONTENT_TYPE,
            header::CONTENT_LENGTH,
            header::IF_NONE_MATCH,
            header::IF_MODIFIED_SINCE,
        ] {
            request.headers_mut().remove(name);
        }
        request.extensions_mut().insert(previewing.clone());
        let mut response = match super::router(state.clone()).oneshot(request).await {
            Ok(response) => response,
            Err(never) => match never {},
        };
        let next = response
            .headers()
            .get(header::LOCATION)
            .and_then(|to| to.to_str().ok())
            .filter(|_| response.status().is_redirection() && followed < REDIRECTS_FOLLOWED)
            .and_then(|to| page_path(to).ok());
        match next {
            Some(to) => {
                uri = to;
                followed += 1;
            }
            None => {
                super::http::private(&mut response);
                return Ok(response);
            }
        }
    }
}

pub async fn page(state: &AppState, mut visit: Visit, id: Uuid, params: &Params) -> Response {
    visit.preview = Some(format!("/quan-tri/tin-bai/{id}"));
    let outcome = async {
        let mut tx = visit.begin(&state.pool).await?;
        let Some(item) = items::preview_of(&mut tx, id).await.map_err(db_error)? else {
            return Ok(Outcome::NotFound);
        };
        let section = items::section_by_id(&mut tx, item.section_id)
            .await
            .map_err(db_error)?;
        drop(tx);
        browse::show(state, &visit, section, item, params).await
    };
    let mut response = finish(state, &visit, outcome.await).await;
    super::http::private(&mut response);
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_public_pages_can_be_previewed() {
        for page in [
            "/",
            "/tin-tuc",
            "/tim-kiem?q=đất đai",
            "/hoi-dap/tra-cuu?ma=HD-1",
        ] {
            assert!(page_path(page).is_ok(), "{page}");
        }
        assert_eq!(
            page_path("/tim-kiem?q=đất").unwrap().query(),
            Some("q=%C4%91%E1%BA%A5t")
        );
        for not_a_page in [
            "/quan-tri",
            "/quan-tri/giao-dien",
            "/quan-tri#x",
            "/tin-tuc#x",
            "/api/openapi.json",
            "/rss/tin-tuc",
            "//evil.example/",
            "http://evil.example/",
            "tin-tuc",
            "",
        ] {
            assert!(page_path(not_a_page).is_err(), "{not_a_page}");
        }
    }
}
