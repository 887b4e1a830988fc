//! The commune's media library in the workspace: upload (drag and drop, a
//! progress bar per file, straight to the media service), the space used of
//! the commune's quota, search and a filter by kind, each file's address,
//! an image's description, where each file is used, and deletion of what
//! no item uses.

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use congxa_board::{BoardError, Permission};
use serde::Serialize;
use serde_json::json;
use time::OffsetDateTime;
use uuid::Uuid;

use super::session::Member;
use super::{board_error, record_change, refusal, render, see_other};
use crate::AppState;
use crate::site::images::file_href as href;
use crate::site::params::Params;

const SCRIPT: &str = include_str!("../../admin/tai-len.js");
/// The rich-text editor, bundled from npm by `make editor`
/// (services/content/admin/editor/).
const EDITOR: &str = include_str!("../../admin/bien-tap.js");

/// A file of the library as the page lists it.
#[derive(Serialize)]
struct File {
    id: Uuid,
    filename: String,
    kind: String,
    size: String,
    href: String,
    alt_text: String,
    dimensions: Option<String>,
    #[serde(with = "time::serde::rfc3339")]
    created_at: OffsetDateTime,
    /// The items that use it: (workspace address, title).
    used_in: Vec<(String, String)>,
}

#[derive(Serialize)]
struct FilesPage {
    files: Vec<File>,
    query: String,
    kind: String,
    kinds: [(&'static str, &'static str); 3],
    used: String,
    limit: String,
    /// Of the quota, in whole per cent.
    percent: u64,
    may_delete: bool,
}

const KINDS: [(&str, &str); 3] = [
    ("image", "Ảnh"),
    ("document", "Tài liệu"),
    ("video", "Video"),
];

async fn library(
    state: &AppState,
    member: &Member,
    params: &Params,
) -> Result<FilesPage, BoardError> {
    let query = params.raw("q").trim().to_owned();
    let kind = KINDS
        .iter()
        .find(|(code, _)| *code == params.raw("loai"))
        .map_or("", |(code, _)| code)
        .to_owned();
    let mut tx = member.begin(state).await?;
    let quota = congxa_db::quota::usage(&mut tx, member.tenant.id, state.default_quota).await?;
    let rows = sqlx::query!(
        r#"SELECT f.id, f.filename, f.kind, f.size_bytes, f.alt_text, f.width, f.height, f.created_at,
                  coalesce((SELECT json_agg(json_build_array(i.id, i.title) ORDER BY i.title)
                            FROM congxa_items_using_file(f.id) i),
                           '[]'::json) AS "used!: serde_json::Value"
           FROM media_files f
           WHERE ($1 = '' OR strpos(congxa_fold(f.filename), congxa_fold($1)) > 0)
             AND ($2 = '' OR f.kind = $2)
           ORDER BY f.created_at DESC LIMIT 300"#,
        query,
        kind
    )
    .fetch_all(&mut *tx)
    .await?;
    let files = rows
        .into_iter()
        .map(|r| File {
            href: href(r.id, &r.filename),
            id: r.id,
            kind: KINDS
                .iter()
                .find(|(code, _)| *code == r.kind)
                .map_or("", |(_, name)| name)
                .to_owned(),
            size: congxa_locale::number::megabytes_exact(u64::try_from(r.size_bytes).unwrap_or(0)),
            alt_text: r.alt_text,
            dimensions: r.width.zip(r.height).map(|(w, h)| format!("{w} × {h}")),
            created_at: r.created_at,
            used_in: r
                .used
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|pair| {
                    let id = pair.get(0)?.as_str()?;
                    let title = pair.get(1)?.as_str()?;
                    Some((format!("/quan-tri/tin-bai/{id}"), title.to_owned()))
                })
                .collect(),
            filename: r.filename,
        })
        .collect();
    Ok(FilesPage {
        files,
        query,
        kind,
        kinds: KINDS,
        used: congxa_locale::number::megabytes_exact(quota.used),
        limit: congxa_locale::number::megabytes(quota.limit),
        percent: (quota.used * 100)
            .checked_div(quota.limit)
            .unwrap_or(100)
            .min(100),
        may_delete: member.account.role.may(Permission::Publish),
    })
}

pub async fn list(
    State(state): State<AppState>,
    member: Member,
    RawQuery(raw): RawQuery,
) -> Response {
    let params = Params::parse(raw.as_deref());
    let message = match params.raw("da") {
        "xoa" => Some("Đã xóa tệp."),
        "mo-ta" => Some("Đã lưu mô tả ảnh."),
        _ => None,
    };
    page(&state, &member, &params, StatusCode::OK, (message, None)).await
}

async fn page(
    state: &AppState,
    member: &Member,
    params: &Params,
    status: StatusCode,
    (message, error): (Option<&str>, Option<&str>),
) -> Response {
    match library(state, member, params).await {
        Ok(data) => {
            let mut frame = member.frame("Tệp và hình ảnh", data);
            frame.message = message;
            frame.error = error;
            render(state, status, "files.html", frame)
        }
        Err(error) => board_error(error),
    }
}

/// Saves an image's description, or deletes a file no item uses
/// (`thao_tac`: mo-ta, xoa). A deleted file's bytes leave the bucket with
/// the media service's next orphan sweep.
pub async fn change(
    State(state): State<AppState>,
    member: Member,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let form = Params::parse_body(&body);
    if let Err(refused) = member.check(&form) {
        return refused;
    }
    let Ok(id) = Uuid::parse_str(&id) else {
        return board_error(BoardError::RecordNotFound);
    };
    let action = form.raw("thao_tac");
    let changed = async {
        let mut tx = member.begin(&state).await?;
        let filename = match action {
            "mo-ta" => {
                if !member.account.role.may(Permission::Create) {
                    return Err(BoardError::Forbidden);
                }
                let alt = form.raw("mo_ta").trim();
                if alt.chars().count() > 500 {
                    return Err(BoardError::Invalid(
                        "Mô tả ảnh dài quá 500 ký tự.".to_owned(),
                    ));
                }
                sqlx::query_scalar!(
                    "UPDATE media_files SET alt_text = $2 WHERE id = $1 AND kind = 'image' RETURNING filename",
                    id,
                    alt
                )
                .fetch_optional(&mut *tx)
                .await?
                .ok_or(BoardError::RecordNotFound)?
            }
            "xoa" => {
                if !member.account.role.may(Permission::Publish) {
                    return Err(BoardError::Forbidden);
                }
                let used: i64 = sqlx::query_scalar!(
                    r#"SELECT count(*) AS "n!" FROM congxa_items_using_file($1)"#,
                    id
                )
                .fetch_one(&mut *tx)
                .await?;
                if used > 0 {
                    return Err(BoardError::Invalid(format!(
                        "Tệp đang được dùng trong {used} tin bài; hãy gỡ tệp khỏi các tin bài đó trước khi xóa."
                    )));
                }
                // The site's logo or banner would go from every page at once.
                let on_every_page = sqlx::query_scalar!(
                    r#"SELECT CASE WHEN logo_id = $1 THEN 'biểu trưng' ELSE 'ảnh đầu trang' END AS "role!"
                       FROM site_profiles WHERE logo_id = $1 OR banner_id = $1"#,
                    id
                )
                .fetch_optional(&mut *tx)
                .await?;
                if let Some(role) = on_every_page {
                    return Err(BoardError::Invalid(format!(
                        "Ảnh đang là {role} của trang; hãy chọn ảnh khác ở mục Giao diện trước khi xóa."
                    )));
                }
                sqlx::query_scalar!(
                    "DELETE FROM media_files WHERE id = $1 RETURNING filename",
                    id
                )
                .fetch_optional(&mut *tx)
                .await?
                .ok_or(BoardError::RecordNotFound)?
            }
            _ => return Err(BoardError::Invalid("Thao tác không hợp lệ.".to_owned())),
        };
        let what = if action == "xoa" {
            "media.delete"
        } else {
            "media.describe"
        };
        record_change(&mut tx, &member, what, json!({ "subject": filename })).await?;
        tx.commit().await?;
        Ok::<_, BoardError>(())
    };
    match changed.await {
        Ok(()) => {
            let done = if action == "xoa" { "xoa" } else { "mo-ta" };
            see_other(&format!("/quan-tri/tep?da={done}"))
        }
        Err(error) => match refusal(error) {
            Ok(text) => {
                let params = Params::default();
                page(
                    &state,
                    &member,
                    &params,
                    StatusCode::CONFLICT,
                    (None, Some(&text)),
                )
                .await
            }
            Err(response) => response,
        },
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
    /// The library's description, to start the editor's from.
    alt: String,
}

/// The commune's images, newest first, as JSON for the editor: the photos a
/// member may put into an item's text.
pub async fn images(State(state): State<AppState>, member: Member) -> Response {
    let load = async {
        let mut tx = member.begin(&state).await?;
        let rows = sqlx::query!(
            "SELECT id, filename, alt_text FROM media_files WHERE kind = 'image'
             ORDER BY created_at DESC LIMIT 500"
        )
        .fetch_all(&mut *tx)
        .await?;
        Ok::<_, BoardError>(
            rows.into_iter()
                .map(|r| Image {
                    href: href(r.id, &r.filename),
                    filename: r.filename,
                    alt: r.alt_text,
                })
                .collect::<Vec<_>>(),
        )
    };
    match load.await {
        Ok(images) => ([(header::CACHE_CONTROL, "no-store")], axum::Json(images)).into_response(),
        Err(error) => board_error(error),
    }
}
