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

/// Middleware: the framework's own refusals (a body it cannot read, a form
/// it cannot parse, a method a route does not take) come as English plain
/// text; people get the Vietnamese page for the same status instead.
pub async fn vietnamese_refusals(
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let response = next.run(request).await;
    let status = response.status();
    if !status.is_client_error() {
        return response;
    }
    if !from_the_framework(&response) {
        return response;
    }
    let (title, message) = match status {
        StatusCode::PAYLOAD_TOO_LARGE => (
            "Nội dung gửi lên quá lớn",
            "Biểu mẫu gửi lên dài hơn mức cho phép. Bấm “Quay lại” trên trình duyệt để trở về \
             biểu mẫu với nội dung đã nhập.",
        ),
        StatusCode::METHOD_NOT_ALLOWED => (
            "Thao tác không được hỗ trợ",
            "Địa chỉ này không nhận thao tác vừa gửi. Vui lòng quay lại trang trước.",
        ),
        StatusCode::NOT_FOUND => (
            "Không tìm thấy trang",
            "Trang bạn tìm không có hoặc đã được chuyển đi.",
        ),
        StatusCode::UNSUPPORTED_MEDIA_TYPE
        | StatusCode::BAD_REQUEST
        | StatusCode::UNPROCESSABLE_ENTITY => (
            "Biểu mẫu không hợp lệ",
            "Không đọc được nội dung biểu mẫu vừa gửi (thiếu trường hoặc sai định dạng). \
             Vui lòng tải lại trang và thử lại.",
        ),
        _ => (
            "Yêu cầu không hợp lệ",
            "Yêu cầu vừa gửi không hợp lệ. Vui lòng quay lại trang trước.",
        ),
    };
    let mut page = notice_page(status, title, message);
    keep_headers(&response, &mut page);
    page
}

/// What a refusal said besides its body (Allow, Retry-After, the private
/// pages' policy…) stays on the page or error that replaces it.
fn keep_headers(refusal: &Response, replacement: &mut Response) {
    let own = replacement.headers().clone();
    for (name, value) in refusal.headers() {
        if name != header::CONTENT_LENGTH && !own.contains_key(name) {
            replacement
                .headers_mut()
                .append(name.clone(), value.clone());
        }
    }
}

/// Whether a refusal is the framework's own: English plain text, or no
/// body at all (our pages are HTML, our API errors JSON).
fn from_the_framework(response: &Response) -> bool {
    match response.headers().get(header::CONTENT_TYPE) {
        None => true,
        Some(kind) => kind.as_bytes().starts_with(b"text/plain"),
    }
}

/// Middleware for the APIs (media, the counter): the framework's own
/// refusals become the typed JSON error of their status, in Vietnamese.
pub async fn typed_refusals(
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let response = next.run(request).await;
    let status = response.status();
    // Range and conditional answers are empty by design: HTTP's, not ours.
    let by_design = matches!(
        status,
        StatusCode::RANGE_NOT_SATISFIABLE | StatusCode::PRECONDITION_FAILED
    );
    if !status.is_client_error() || by_design || !from_the_framework(&response) {
        return response;
    }
    let (code, message) = match status {
        StatusCode::PAYLOAD_TOO_LARGE => ("too_large", "Nội dung gửi lên quá lớn."),
        StatusCode::METHOD_NOT_ALLOWED => (
            "method_not_allowed",
            "Địa chỉ này không nhận thao tác vừa gửi.",
        ),
        StatusCode::NOT_FOUND => ("not_found", "Không tìm thấy nội dung yêu cầu."),
        _ => (
            "bad_request",
            "Không đọc được nội dung vừa gửi (thiếu trường hoặc sai định dạng).",
        ),
    };
    let mut typed = crate::ApiError::new(status, code, message).into_response();
    keep_headers(&response, &mut typed);
    typed
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
