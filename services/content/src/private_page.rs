//! Pages for signed-in people only (the operators' console, the board's
//! workspace): rendered from their own templates and never cached anywhere.

use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use minijinja::Environment;
use serde::Serialize;

/// Renders `template` with `context`, answering `no-store`; a template
/// error is logged and shown as the Vietnamese error page.
pub fn render(
    env: &Environment<'static>,
    status: StatusCode,
    template: &str,
    context: impl Serialize,
) -> Response {
    let rendered = env
        .get_template(template)
        .and_then(|t| t.render(minijinja::value::Serde(&context)));
    match rendered {
        Ok(html) => {
            let mut response = (status, Html(html)).into_response();
            let headers = response.headers_mut();
            // The policy and the refusal of frames: `never_framed` in
            // lib.rs, over every answer of the workspace and the console.
            headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            response
        }
        Err(error) => congxa_web::ApiError::internal(error).into_page(),
    }
}

/// Where a signed-in person acts from, for the audit log: the place (the
/// console, the workspace) and the client's address as the gateway saw it.
pub fn origin(headers: &HeaderMap, place: &str) -> String {
    let address = headers
        .get("x-forwarded-for")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("không rõ");
    format!("{place}, {address}")
}
