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
/// The rich-text editor, bundled from npm by `make editor`
/// (services/content/admin/editor/).
const EDITOR: &str = include_str!("../../admin/bien-tap.js");

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

pub async fn editor_script() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        EDITOR,
    )
        .into_response()
}

/// An image of the commune's library, as the editor's picker lists it.
#[derive(Serialize)]
struct Image {
    href: String,
    filename: String,
}

/// The commune's images, newest first, as JSON for the editor: the photos a
/// member may put into an item's text.
pub async fn images(State(state): State<AppState>, member: Member) -> Response {
    let load = async {
        let mut tx = member.begin(&state).await?;
        let rows = sqlx::query!(
            "SELECT id, filename FROM media_files WHERE content_type LIKE 'image/%'
             ORDER BY created_at DESC LIMIT 500"
        )
        .fetch_all(&mut *tx)
        .await?;
        Ok::<_, BoardError>(
            rows.into_iter()
                .map(|r| Image {
                    href: format!(
                        "/tep/{}/{}",
                        r.id,
                        percent_encoding::utf8_percent_encode(
                            &r.filename,
                            percent_encoding::NON_ALPHANUMERIC
                        )
                    ),
                    filename: r.filename,
                })
                .collect::<Vec<_>>(),
        )
    };
    match load.await {
        Ok(images) => ([(header::CACHE_CONTROL, "no-store")], axum::Json(images)).into_response(),
        Err(error) => board_error(error),
    }
}
