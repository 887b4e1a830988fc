//! A small, self-contained Vietnamese HTML page for when no themed page can
//! be shown: an unknown site, a suspended commune, a dependency that is down.

use crate::chart::escape;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

/// The page, with its status; never cached, since the cause is passing.
pub fn notice_page(status: StatusCode, title: &str, message: &str) -> Response {
    let html = format!(
        r#"<!doctype html>
<html lang="vi">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>
body{{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans",Arial,sans-serif;font-size:1.0625rem;line-height:1.6;color:#1a1a1a;background:#fff;margin:0}}
main{{max-width:40rem;margin:0 auto;padding:3rem 1.25rem}}
h1{{font-size:1.5rem;color:#7a0c0c}}
</style>
</head>
<body>
<main>
<h1>{title}</h1>
<p>{message}</p>
</main>
</body>
</html>
"#,
        title = escape(title),
        message = escape(message),
    );
    let mut response = (status, html).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped() {
        let response = notice_page(StatusCode::NOT_FOUND, "<b>", "a & b");
        assert_eq!(response.status(), StatusCode::NOT_FOUND);
        assert_eq!(escape("<script>\"&"), "&lt;script&gt;&quot;&amp;");
    }
}
