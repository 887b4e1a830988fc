//! Pages for signed-in people only (the operators' console, the board's
//! workspace): rendered from their own templates and never cached anywhere.

use axum::http::{HeaderValue, StatusCode, header};
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
            response
                .headers_mut()
                .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            response
        }
        Err(error) => congxa_web::ApiError::internal(error).into_page(),
    }
}
