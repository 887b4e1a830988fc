//! The gateway's own pages, for when no commune site can answer: an unknown
//! site, an unreadable request, a suspended commune, a service that is down.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

/// A small, self-contained Vietnamese page with the given status.
pub fn page(status: StatusCode, title: &str, message: &str) -> Response {
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
"#
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

pub fn site_not_found() -> Response {
    page(
        StatusCode::NOT_FOUND,
        "Không tìm thấy trang thông tin điện tử",
        "Địa chỉ này chưa được gắn với trang thông tin điện tử của xã, phường nào. \
         Vui lòng kiểm tra lại địa chỉ đã nhập.",
    )
}

pub fn bad_host() -> Response {
    page(
        StatusCode::BAD_REQUEST,
        "Yêu cầu không hợp lệ",
        "Không đọc được tên miền trong yêu cầu. Vui lòng kiểm tra lại địa chỉ đã nhập.",
    )
}

pub fn suspended() -> Response {
    page(
        StatusCode::SERVICE_UNAVAILABLE,
        "Trang thông tin điện tử tạm ngừng hoạt động",
        "Trang thông tin điện tử này đang tạm ngừng hoạt động. Vui lòng quay lại sau.",
    )
}

pub fn too_large() -> Response {
    page(
        StatusCode::PAYLOAD_TOO_LARGE,
        "Dữ liệu gửi lên quá lớn",
        "Dữ liệu gửi lên vượt quá dung lượng cho phép.",
    )
}

pub fn unavailable() -> Response {
    page(
        StatusCode::SERVICE_UNAVAILABLE,
        "Hệ thống tạm thời gián đoạn",
        "Hệ thống đang tạm thời gián đoạn. Vui lòng thử lại sau ít phút.",
    )
}

pub fn bad_gateway() -> Response {
    page(
        StatusCode::BAD_GATEWAY,
        "Hệ thống tạm thời gián đoạn",
        "Một thành phần của hệ thống chưa phản hồi. Vui lòng thử lại sau ít phút.",
    )
}
