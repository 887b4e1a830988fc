//! The head's list of links to state portals (/quan-tri/lien-ket): add the
//! province's portal or another, remove one, move one up or down. The home
//! page shows them at once, in this order; each change is in the audit log.

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use congxa_board::{BoardError, Permission, links};
use congxa_site::links::Link;
use serde::Serialize;
use serde_json::json;
use uuid::Uuid;

use super::session::Member;
use super::{board_error, record_change, refusal, render, see_other};
use crate::AppState;
use crate::site::params::Params;

#[derive(Serialize)]
struct LinksPage {
    links: Vec<Link>,
    /// The link being added, as typed (after a refusal).
    label: String,
    url: String,
}

async fn links_page(
    state: &AppState,
    member: &Member,
    status: StatusCode,
    (label, url): (&str, &str),
    (message, error): (Option<&str>, Option<&str>),
) -> Response {
    let loaded = async {
        let mut tx = member.begin(state).await?;
        Ok::<_, BoardError>(congxa_site::links::list(&mut tx).await?)
    };
    let links = match loaded.await {
        Ok(links) => links,
        Err(error) => return board_error(error),
    };
    let page = LinksPage {
        links,
        label: label.to_owned(),
        url: url.to_owned(),
    };
    let mut frame = member.frame("Liên kết cổng thông tin", page);
    frame.message = message;
    frame.error = error;
    render(state, status, "links.html", frame)
}

pub async fn page(
    State(state): State<AppState>,
    member: Member,
    RawQuery(query): RawQuery,
) -> Response {
    if !member.account.role.may(Permission::ChangeSettings) {
        return board_error(BoardError::Forbidden);
    }
    let message = Params::parse(query.as_deref())
        .has("da-luu")
        .then_some("Đã lưu danh sách liên kết; trang chủ hiện theo thứ tự này.");
    links_page(&state, &member, StatusCode::OK, ("", ""), (message, None)).await
}

pub async fn add(State(state): State<AppState>, member: Member, body: Bytes) -> Response {
    let form = Params::parse_body(&body);
    if let Err(refused) = member.check(&form) {
        return refused;
    }
    let (label, url) = (form.raw("label"), form.raw("url"));
    let added = async {
        let mut tx = member.begin(&state).await?;
        links::add(&mut tx, member.tenant.id, &member.account, label, url).await?;
        record_change(
            &mut tx,
            &member,
            "site.link.add",
            json!({ "subject": label.trim(), "url": url.trim() }),
        )
        .await?;
        tx.commit().await?;
        Ok::<_, BoardError>(())
    };
    match added.await {
        Ok(()) => see_other("/quan-tri/lien-ket?da-luu=1"),
        Err(error) => match refusal(error) {
            Ok(text) => {
                let status = StatusCode::UNPROCESSABLE_ENTITY;
                links_page(&state, &member, status, (label, url), (None, Some(&text))).await
            }
            Err(response) => response,
        },
    }
}

/// Removes a link, or moves it up or down (`thao_tac`: xoa, len, xuong).
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
    let changed = async {
        let mut tx = member.begin(&state).await?;
        match form.raw("thao_tac") {
            "xoa" => {
                let label = links::remove(&mut tx, &member.account, id).await?;
                record_change(
                    &mut tx,
                    &member,
                    "site.link.remove",
                    json!({ "subject": label }),
                )
                .await?;
            }
            way @ ("len" | "xuong") => {
                links::shift(&mut tx, &member.account, id, way == "len").await?;
            }
            _ => return Err(BoardError::Invalid("Thao tác không hợp lệ.".to_owned())),
        }
        tx.commit().await?;
        Ok::<_, BoardError>(())
    };
    match changed.await {
        Ok(()) => see_other("/quan-tri/lien-ket?da-luu=1"),
        Err(error) => board_error(error),
    }
}
