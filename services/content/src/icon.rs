//! The platform's icon (the star of the header's emblem), which every page
//! names in its head: without one, browsers ask for `/favicon.ico` on every
//! page and log an error when it is missing.

use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};

/// Where the icon is served, on every host.
pub const PATH: &str = "/bieu-tuong.svg";

const SVG: &str = r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64"><circle cx="32" cy="32" r="30" fill="#da251d" stroke="#ffd54f" stroke-width="3"/><path fill="#ffd54f" d="M32 12l5.9 18.1H57L41.6 41.3l5.9 18.1L32 48.2 16.5 59.4l5.9-18.1L7 30.1h19.1z"/></svg>"##;

pub async fn svg() -> Response {
    (
        [
            (header::CONTENT_TYPE, "image/svg+xml"),
            (header::CACHE_CONTROL, "public, max-age=604800"),
        ],
        SVG,
    )
        .into_response()
}

/// The address browsers and tools ask for by habit.
pub async fn favicon() -> Redirect {
    Redirect::permanent(PATH)
}
