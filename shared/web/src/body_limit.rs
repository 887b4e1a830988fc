//! How much a request may carry, per kind of form: each group of routes
//! reads its bodies through [`within`], which refuses a longer body with a
//! Vietnamese page naming the limit, having read it to its end (up to
//! [`DRAIN_BYTES`]) so that the answer reaches the person instead of a reset
//! connection. The gateway lets the workspace's bodies through up to
//! [`WORKSPACE_BYTES`] and refuses longer ones itself.

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::Response;
use http_body_util::BodyExt;

/// The largest body of a workspace form: an item's text of up to 1 MB of
/// HTML (what the editor promises), percent-encoded (three bytes for every
/// byte of a Vietnamese letter), with its other fields.
pub const WORKSPACE_BYTES: usize = 4 * 1024 * 1024;
/// An item's form: its body and fields (see [`WORKSPACE_BYTES`]).
pub const ITEM_FORM_BYTES: usize = WORKSPACE_BYTES;
/// A commune's own template: 200 KB of source, percent-encoded.
pub const TEMPLATE_FORM_BYTES: usize = 1024 * 1024;
/// Every other form of the workspace and the console (settings, a week's
/// schedule, a menu): far above what they hold.
pub const FORM_BYTES: usize = 256 * 1024;
/// How much of a refused body is still read before answering. The gateway
/// forwards nothing longer than its own limits, so this covers every body
/// that reaches a service through it.
pub const DRAIN_BYTES: usize = WORKSPACE_BYTES + 1024 * 1024;

/// A body longer than its limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TooLarge {
    pub limit: usize,
}

/// Reads a whole body of at most `limit` bytes. A longer one is refused, but
/// read to its end first (up to [`DRAIN_BYTES`]): a server that answers and
/// closes with bytes unread resets the connection, and the gateway, still
/// sending, would lose the answer and show its own error instead.
pub async fn read(body: Body, limit: usize) -> Result<Bytes, TooLarge> {
    let mut body = body;
    let mut kept = Vec::new();
    let mut seen = 0usize;
    while let Some(frame) = body.frame().await {
        let Ok(frame) = frame else {
            return Err(TooLarge { limit });
        };
        let Ok(data) = frame.into_data() else {
            continue;
        };
        seen = seen.saturating_add(data.len());
        if seen <= limit {
            kept.extend_from_slice(&data);
        } else if seen > DRAIN_BYTES {
            break;
        }
    }
    if seen > limit {
        return Err(TooLarge { limit });
    }
    Ok(Bytes::from(kept))
}

/// Middleware: the routes it wraps receive their body whole and within
/// `limit`, or never run.
pub async fn within(State(limit): State<usize>, request: Request, next: Next) -> Response {
    let (parts, body) = request.into_parts();
    match read(body, limit).await {
        Ok(bytes) => {
            next.run(Request::from_parts(parts, Body::from(bytes)))
                .await
        }
        Err(too_large) => refusal(too_large),
    }
}

/// The Vietnamese page for a form longer than its limit. What was typed
/// stays in the browser's page: going back finds it.
pub fn refusal(TooLarge { limit }: TooLarge) -> Response {
    // The advice on articles only where an article's form was sent.
    let advice = if limit >= ITEM_FORM_BYTES {
        "Nội dung một bài viết không được quá 1 MB; hãy tách thành nhiều bài hoặc đưa \
         bảng, ảnh thành tệp đính kèm."
    } else {
        "Hãy rút gọn nội dung rồi gửi lại."
    };
    crate::notice_page(
        StatusCode::PAYLOAD_TOO_LARGE,
        "Nội dung gửi lên quá lớn",
        &format!(
            "Biểu mẫu gửi lên dài hơn mức cho phép ({}). {advice} Bấm “Quay lại” trên trình \
             duyệt để trở về biểu mẫu với nội dung đã nhập.",
            size(limit)
        ),
    )
}

/// A limit as Vietnamese write it: "4 MB", "256 KB".
pub fn size(bytes: usize) -> String {
    if bytes >= 1024 * 1024 {
        format!("{} MB", bytes / (1024 * 1024))
    } else {
        format!("{} KB", bytes / 1024)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chunked(sizes: &[usize]) -> Body {
        let chunks: Vec<Result<Bytes, std::io::Error>> = sizes
            .iter()
            .map(|n| Ok(Bytes::from(vec![b'a'; *n])))
            .collect();
        Body::from_stream(futures::stream::iter(chunks))
    }

    #[tokio::test]
    async fn a_body_at_its_limit_passes_and_one_byte_more_is_refused() {
        assert_eq!(read(chunked(&[600, 424]), 1024).await.unwrap().len(), 1024);
        assert_eq!(
            read(chunked(&[600, 425]), 1024).await,
            Err(TooLarge { limit: 1024 })
        );
    }

    #[test]
    fn limits_are_written_as_people_read_them() {
        assert_eq!(size(WORKSPACE_BYTES), "4 MB");
        assert_eq!(size(FORM_BYTES), "256 KB");
    }
}
