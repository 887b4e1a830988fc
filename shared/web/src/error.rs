//! The typed JSON error every API answers with: a stable code for programs,
//! a Vietnamese message for people, and the cause chain for the logs only.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;

/// An API error. Unexpected failures become a logged 500 that leaks nothing.
#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    code: &'static str,
    message: String,
    source: Option<anyhow::Error>,
}

#[derive(Serialize)]
struct Body<'a> {
    error: Inner<'a>,
}

#[derive(Serialize)]
struct Inner<'a> {
    code: &'a str,
    message: &'a str,
}

impl ApiError {
    /// An error the client caused or can act on, with its Vietnamese message.
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Self {
            status,
            code,
            message: message.into(),
            source: None,
        }
    }

    /// Keeps the cause for the logs.
    pub fn with_source(mut self, source: impl Into<anyhow::Error>) -> Self {
        self.source = Some(source.into());
        self
    }

    pub fn not_found() -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "not_found",
            "Không tìm thấy nội dung yêu cầu.",
        )
    }

    pub fn unauthorized() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "Bạn cần đăng nhập hoặc cung cấp mã truy cập hợp lệ.",
        )
    }

    pub fn bad_request(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, code, message)
    }

    /// A dependency (storage, Redis, a neighbouring service) is down.
    pub fn unavailable(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::SERVICE_UNAVAILABLE, code, message)
    }

    pub fn internal(source: impl Into<anyhow::Error>) -> Self {
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "Đã có lỗi ngoài ý muốn. Vui lòng thử lại sau.",
        )
        .with_source(source)
    }

    pub fn status(&self) -> StatusCode {
        self.status
    }

    pub fn code(&self) -> &'static str {
        self.code
    }

    /// The same error for a person in a browser: a Vietnamese HTML page.
    pub fn into_page(self) -> Response {
        self.log();
        let title = if self.status.is_server_error() {
            "Hệ thống tạm thời gián đoạn"
        } else {
            "Không thực hiện được yêu cầu"
        };
        crate::notice_page(self.status, title, &self.message)
    }

    fn log(&self) {
        match &self.source {
            Some(source) if self.status.is_server_error() => {
                tracing::error!(code = self.code, error = ?source, "request failed");
            }
            Some(source) => tracing::info!(code = self.code, error = %source, "request refused"),
            None => {}
        }
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ({})", self.code, self.status)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        self.log();
        let body = Body {
            error: Inner {
                code: self.code,
                message: &self.message,
            },
        };
        (self.status, Json(body)).into_response()
    }
}
