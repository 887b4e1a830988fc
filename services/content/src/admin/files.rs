//! The commune's files in the workspace: upload (drag and drop, a progress
//! bar per file, straight to the media service) and the list of what is
//! stored, with the address to use in an item.

use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use congxa_board::BoardError;
use serde::Serialize;
use time::OffsetDateTime;

use super::session::Member;
use super::{board_error, render};
use crate::AppState;

const SCRIPT: &str = include_str!("../../admin/tai-len.js");

#[derive(Serialize)]
struct File {
    filename: String,
    content_type: String,
    size: String,
    href: String,
    #[serde(with = "time::serde::rfc3339")]
    created_at: OffsetDateTime,
}

#[derive(Serialize)]
struct FilesPage {
    files: Vec<File>,
}

pub async fn list(State(state): State<AppState>, member: Member) -> Response {
    let load = async {
        let mut tx = member.begin(&state).await?;
        let rows = sqlx::query!(
            "SELECT id, filename, content_type, size_bytes, created_at FROM media_files ORDER BY created_at DESC LIMIT 500"
        )
        .fetch_all(&mut *tx)
        .await?;
        Ok::<_, BoardError>(
            rows.into_iter()
                .map(|r| File {
                    href: format!(
                        "/tep/{}/{}",
                        r.id,
                        percent_encoding::utf8_percent_encode(
                            &r.filename,
                            percent_encoding::NON_ALPHANUMERIC
                        )
                    ),
                    size: format!(
                        "{} KB",
                        congxa_locale::number::grouped(
                            u64::try_from(r.size_bytes).unwrap_or(0).div_ceil(1024)
                        )
                    ),
                    filename: r.filename,
                    content_type: r.content_type,
                    created_at: r.created_at,
                })
                .collect(),
        )
    };
    match load.await {
        Ok(files) => render(
            &state,
            StatusCode::OK,
            "files.html",
            member.frame("Tệp và hình ảnh", FilesPage { files }),
        ),
        Err(error) => board_error(error),
    }
}

pub async fn script() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        SCRIPT,
    )
        .into_response()
}
