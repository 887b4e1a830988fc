//! The gateway's own pages, for when no commune site can answer: an unknown
//! site, an unreadable request, a suspended commune, a service that is down.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;

/// A page of the gateway's own: nothing to frame, whatever the path.
fn page(status: StatusCode, title: &str, message: &str) -> Response {
    let mut page = congxa_web::notice_page(status, title, message);
    let headers = page.headers_mut();
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(congxa_web::policy::PRIVATE),
    );
    page
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

/// A path that could be read as another (dot segments, backslashes,
/// encoded slashes): no page of the platform has one.
pub fn bad_path() -> Response {
    page(
        StatusCode::BAD_REQUEST,
        "Địa chỉ không hợp lệ",
        "Đường dẫn trong địa chỉ này không hợp lệ (có “..”, dấu “\\” hoặc ký tự không được phép). \
         Vui lòng kiểm tra lại địa chỉ đã nhập.",
    )
}

pub fn suspended() -> Response {
    page(
        StatusCode::SERVICE_UNAVAILABLE,
        "Trang thông tin điện tử tạm ngừng hoạt động",
        "Trang thông tin điện tử này đang tạm ngừng hoạt động. Vui lòng quay lại sau.",
    )
}

/// A body that went past its limit while it streamed (no length was
/// declared, so the limit could not be named before).
pub fn too_large() -> Response {
    page(
        StatusCode::PAYLOAD_TOO_LARGE,
        "Dữ liệu gửi lên quá lớn",
        "Dữ liệu gửi lên vượt quá dung lượng cho phép. Bấm “Quay lại” trên trình duyệt để trở về \
         biểu mẫu với nội dung đã nhập.",
    )
}

/// The client's body broke off before its declared end, or its framing
/// (chunks) could not be read: the client's fault, not a service's.
pub fn unreadable_body() -> Response {
    page(
        StatusCode::BAD_REQUEST,
        "Yêu cầu không hợp lệ",
        "Dữ liệu gửi lên bị ngắt giữa chừng hoặc không đọc được. Vui lòng gửi lại.",
    )
}

/// A request target no service address can be made of (`*`).
pub fn unreadable_target() -> Response {
    page(
        StatusCode::BAD_REQUEST,
        "Địa chỉ không hợp lệ",
        "Không đọc được địa chỉ trang trong yêu cầu. Vui lòng kiểm tra lại địa chỉ đã nhập.",
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
