//! Items on the board: the list by state, a new item (also the
//! contributors' simple form), the editor with the moves the member may
//! make, and the item's history of moves and revisions.

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use congxa_board::items::{self, Draft, Move, Text};
use congxa_board::records;
use congxa_board::workflow::{self, Action, Status};
use congxa_board::{BoardError, Role, accounts};
use congxa_locale::time as vn_time;
use serde::Serialize;
use sqlx::PgConnection;
use time::OffsetDateTime;
use uuid::Uuid;

use super::dashboard::Row;
use super::session::Member;
use super::{board_error, render, see_other};
use crate::AppState;
use crate::site::params::Params;

#[derive(Serialize)]
struct ListPage {
    rows: Vec<Row>,
    statuses: Vec<(&'static str, &'static str)>,
    status: Option<String>,
}

pub async fn list(
    State(state): State<AppState>,
    member: Member,
    RawQuery(query): RawQuery,
) -> Response {
    let params = Params::parse(query.as_deref());
    let status = params
        .get("trang-thai")
        .and_then(Status::parse)
        .map(|s| s.code().to_owned());
    let load = async {
        let mut tx = member.begin(&state).await?;
        let rows = sqlx::query!(
            r#"SELECT i.id, i.title, i.status, s.name, i.updated_at, i.target_date
               FROM items i JOIN sections s ON s.id = i.section_id
               WHERE ($1::text IS NULL OR i.status = $1)
                 AND ($2 OR i.created_by = $3 OR i.assigned_to = $3)
               ORDER BY i.updated_at DESC LIMIT 200"#,
            status,
            member.account.role != Role::Contributor,
            member.account.id
        )
        .fetch_all(&mut *tx)
        .await?;
        Ok::<_, BoardError>(
            rows.into_iter()
                .map(|r| Row::new(r.id, r.title, r.status, r.name, r.updated_at, r.target_date))
                .collect(),
        )
    };
    match load.await {
        Ok(rows) => {
            let data = ListPage {
                rows,
                statuses: Status::ALL.iter().map(|s| (s.code(), s.name())).collect(),
                status,
            };
            render(
                &state,
                StatusCode::OK,
                "items.html",
                member.frame("Tin bài", data),
            )
        }
        Err(error) => board_error(error),
    }
}

/// The sections a new item may go to (article-like ones).
async fn sections(state: &AppState, member: &Member) -> Result<Vec<(String, String)>, BoardError> {
    let mut tx = member.begin(state).await?;
    let rows = sqlx::query!(
        "SELECT s.path, COALESCE(p.name || ' › ', '') || s.name AS \"name!\" FROM sections s
         LEFT JOIN sections p ON p.id = s.parent_id
         WHERE s.kind IN ('news', 'pages', 'plans', 'democracy')
         ORDER BY COALESCE(p.sort_order, s.sort_order), s.parent_id IS NOT NULL, s.sort_order"
    )
    .fetch_all(&mut *tx)
    .await?;
    Ok(rows.into_iter().map(|r| (r.path, r.name)).collect())
}

/// The section of the member's last new item, offered again; none the
/// first time (the member chooses: no section is filed into by default).
async fn last_section(state: &AppState, member: &Member) -> Result<String, BoardError> {
    let mut tx = member.begin(state).await?;
    let path = sqlx::query_scalar!(
        "SELECT s.path FROM items i JOIN sections s ON s.id = i.section_id
         WHERE i.created_by = $1 AND s.kind IN ('news', 'pages', 'plans', 'democracy')
         ORDER BY i.created_at DESC LIMIT 1",
        member.account.id
    )
    .fetch_optional(&mut *tx)
    .await?;
    Ok(path.unwrap_or_default())
}

/// What the editor shows: the item (or what was typed), the moves the
/// member may make, who may be assigned, and the history.
#[derive(Serialize, Default)]
struct EditorPage {
    item: Option<Draft>,
    status_name: String,
    sections: Vec<(String, String)>,
    section: String,
    title: String,
    summary: String,
    body: String,
    target_date: String,
    version: i32,
    may_edit: bool,
    actions: Vec<(&'static str, &'static str)>,
    editors: Vec<(Uuid, String)>,
    history: Vec<History>,
    revisions: i64,
    public_href: Option<String>,
    /// The form of the item's own fields (a document's number, a week's
    /// lines), when it has them and the member may correct them.
    fields_href: Option<String>,
}

#[derive(Serialize)]
struct History {
    action: String,
    to_status: String,
    actor: String,
    comment: String,
    #[serde(with = "time::serde::rfc3339")]
    at: OffsetDateTime,
}

pub async fn new_form(State(state): State<AppState>, member: Member) -> Response {
    let chosen = async {
        Ok::<_, BoardError>((
            sections(&state, &member).await?,
            last_section(&state, &member).await?,
        ))
    };
    match chosen.await {
        Ok((sections, section)) => {
            let data = EditorPage {
                sections,
                section,
                may_edit: true,
                ..EditorPage::default()
            };
            render(
                &state,
                StatusCode::OK,
                "item.html",
                member.frame("Viết tin bài mới", data),
            )
        }
        Err(error) => board_error(error),
    }
}

fn target(form: &Params) -> Result<Option<time::Date>, BoardError> {
    match form.get("han") {
        None => Ok(None),
        Some(raw) => vn_time::parse_day(raw).map(Some).ok_or_else(|| {
            BoardError::Invalid("Ngày cần đăng không đúng dạng (ví dụ: 30/11/2026).".to_owned())
        }),
    }
}

pub async fn create(State(state): State<AppState>, member: Member, body: Bytes) -> Response {
    let form = Params::parse_body(&body);
    if let Err(refused) = member.check(&form) {
        return refused;
    }
    let created = async {
        let target_date = target(&form)?;
        let mut tx = member.begin(&state).await?;
        let text = Text {
            title: form.raw("title"),
            summary: form.raw("summary"),
            body: form.raw("body"),
            target_date,
        };
        let id = items::create(
            &mut tx,
            member.tenant.id,
            &member.account,
            form.raw("section"),
            &text,
        )
        .await?;
        // A contributor's material goes straight to the board.
        if member.account.role == Role::Contributor || form.has("gui-ngay") {
            items::apply(
                &mut tx,
                member.tenant.id,
                &member.account,
                id,
                Action::Submit,
                &Move::default(),
                OffsetDateTime::now_utc(),
            )
            .await?;
        }
        tx.commit().await?;
        Ok::<_, BoardError>(id)
    };
    match created.await {
        Ok(id) => see_other(&format!("/quan-tri/tin-bai/{id}?da-luu=1")),
        Err(error) if error.is_input() && !matches!(error, BoardError::Forbidden) => {
            let text = error.to_string();
            let data = EditorPage {
                sections: sections(&state, &member).await.unwrap_or_default(),
                section: form.raw("section").to_owned(),
                title: form.raw("title").to_owned(),
                summary: form.raw("summary").to_owned(),
                body: form.raw("body").to_owned(),
                target_date: form.raw("han").to_owned(),
                may_edit: true,
                ..EditorPage::default()
            };
            let mut frame = member.frame("Viết tin bài mới", data);
            frame.error = Some(&text);
            render(&state, StatusCode::UNPROCESSABLE_ENTITY, "item.html", frame)
        }
        Err(error) => board_error(error),
    }
}

async fn editor(state: &AppState, member: &Member, id: Uuid) -> Result<EditorPage, BoardError> {
    let mut tx = member.begin(state).await?;
    let item = items::find(&mut tx, id).await?;
    let own = item.is_own(&member.account);
    // Contributors see only what they sent.
    if member.account.role == Role::Contributor && !own {
        return Err(BoardError::ItemNotFound);
    }
    let actions = Action::ALL
        .into_iter()
        .filter(|a| workflow::allowed(member.account.role, *a, item.status, own))
        .filter(|a| *a != Action::ApproveCorrection || item.pending_correction)
        .map(|a| (a.code(), a.name()))
        .collect();
    let editors = accounts::list(&mut tx)
        .await?
        .into_iter()
        .filter(|a| a.active && a.role != Role::Contributor)
        // The address too: two people of one name are told apart.
        .map(|a| (a.id, format!("{} ({}, {})", a.name, a.role.name(), a.email)))
        .collect();
    let history = sqlx::query!(
        r#"SELECT t.action, t.to_status, COALESCE(a.name, 'Hệ thống') AS "actor!", t.comment, t.at
           FROM item_transitions t LEFT JOIN board_accounts a ON a.id = t.actor_id
           WHERE t.item_id = $1 ORDER BY t.id DESC"#,
        id
    )
    .fetch_all(&mut *tx)
    .await?
    .into_iter()
    .map(|r| History {
        action: Action::parse(&r.action).map_or_else(
            || match r.action.as_str() {
                "edit" => "Biên tập".to_owned(),
                "publish_scheduled" => "Đăng theo lịch hẹn".to_owned(),
                other => other.to_owned(),
            },
            |a| a.name().to_owned(),
        ),
        to_status: Status::parse(&r.to_status)
            .map_or("", |s| s.name())
            .to_owned(),
        actor: r.actor,
        comment: r.comment,
        at: r.at,
    })
    .collect();
    let revisions = sqlx::query_scalar!(
        r#"SELECT count(*) AS "n!" FROM item_revisions WHERE item_id = $1"#,
        id
    )
    .fetch_one(&mut *tx)
    .await?;
    let shown = items::editing(&mut tx, id).await?;
    let has_fields = congxa_site::SectionKind::parse(&item.section_kind)
        .is_some_and(|kind| !kind.is_article_like());
    let fields_href = (has_fields && records::may_correct(&member.account, &item))
        .then(|| format!("/quan-tri/tin-bai/{id}/thong-tin"));
    Ok(EditorPage {
        status_name: item.status.name().to_owned(),
        may_edit: workflow::may_edit(member.account.role, item.status, own),
        section: item.section_path.clone(),
        title: shown.title,
        summary: shown.summary,
        body: shown.body,
        target_date: item.target_date.map(vn_time::day_date).unwrap_or_default(),
        version: item.version,
        public_href: (item.status == Status::Published)
            .then(|| format!("/{}/{}", item.section_path, item.slug)),
        actions,
        editors,
        history,
        revisions,
        fields_href,
        item: Some(item),
        sections: Vec::new(),
    })
}

/// The item as its public page will show it, in the commune's theme.
pub async fn preview(
    State(state): State<AppState>,
    member: Member,
    visit: crate::site::Visit,
    Path(id): Path<String>,
    RawQuery(query): RawQuery,
) -> Response {
    let visible = async {
        let id = parse_id(&id)?;
        let mut tx = member.begin(&state).await?;
        let item = items::find(&mut tx, id).await?;
        // Contributors see only what they sent.
        if member.account.role == Role::Contributor && !item.is_own(&member.account) {
            return Err(BoardError::ItemNotFound);
        }
        Ok(id)
    };
    match visible.await {
        Ok(id) => {
            let params = Params::parse(query.as_deref());
            crate::site::preview::page(&state, visit, id, &params).await
        }
        Err(error) => board_error(error),
    }
}

fn parse_id(raw: &str) -> Result<Uuid, BoardError> {
    Uuid::parse_str(raw).map_err(|_| BoardError::ItemNotFound)
}

pub async fn show(
    State(state): State<AppState>,
    member: Member,
    Path(id): Path<String>,
    RawQuery(query): RawQuery,
) -> Response {
    let params = Params::parse(query.as_deref());
    match async { editor(&state, &member, parse_id(&id)?).await }.await {
        Ok(page) => {
            let title = page.title.clone();
            let mut frame = member.frame(&title, page);
            if params.has("da-luu") {
                frame.message = Some("Đã lưu.");
            } else if params.has("da-chuyen") {
                frame.message = Some("Đã chuyển trạng thái.");
            }
            render(&state, StatusCode::OK, "item.html", frame)
        }
        Err(error) => board_error(error),
    }
}

pub async fn save(
    State(state): State<AppState>,
    member: Member,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let form = Params::parse_body(&body);
    if let Err(refused) = member.check(&form) {
        return refused;
    }
    let saved = async {
        let id = parse_id(&id)?;
        let mut tx = member.begin(&state).await?;
        save_typed(&mut tx, &member, id, &form, true).await?;
        tx.commit().await?;
        Ok::<_, BoardError>(id)
    };
    match saved.await {
        Ok(id) => see_other(&format!("/quan-tri/tin-bai/{id}?da-luu=1")),
        Err(error) => typed_again(&state, &member, &id, &form, error).await,
    }
}

/// Saves the text the item's form carries. Unless `always`, text the
/// form shows unchanged is not saved again (a published item would gain a
/// correction that changes nothing).
async fn save_typed(
    tx: &mut PgConnection,
    member: &Member,
    id: Uuid,
    form: &Params,
    always: bool,
) -> Result<(), BoardError> {
    let version: i32 = form
        .raw("version")
        .parse()
        .map_err(|_| BoardError::Conflict)?;
    let text = Text {
        title: form.raw("title"),
        summary: form.raw("summary"),
        body: form.raw("body"),
        target_date: target(form)?,
    };
    if !always {
        let shown = items::editing(&mut *tx, id).await?;
        let unchanged = shown.title == text.title.trim()
            && shown.summary == text.summary.trim()
            && shown.body == congxa_site::write::clean_html(text.body)
            && shown.target_date == text.target_date;
        if unchanged {
            return Ok(());
        }
    }
    items::save(tx, member.tenant.id, &member.account, id, version, &text).await?;
    Ok(())
}

/// The editor again, with what was typed and why it was not taken: for a
/// refusal the board can mend (bad text, someone else's newer save, a move
/// missing its comment). Any other error is the usual page.
async fn typed_again(
    state: &AppState,
    member: &Member,
    id: &str,
    form: &Params,
    error: BoardError,
) -> Response {
    if !matches!(error, BoardError::Invalid(_) | BoardError::Conflict) {
        return board_error(error);
    }
    let text = error.to_string();
    let status = if matches!(error, BoardError::Conflict) {
        StatusCode::CONFLICT
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    match async { editor(state, member, parse_id(id)?).await }.await {
        Ok(mut page) => {
            page.title = form.raw("title").to_owned();
            page.summary = form.raw("summary").to_owned();
            page.body = form.raw("body").to_owned();
            page.target_date = form.raw("han").to_owned();
            // The version the form was opened at, even after a conflict: a
            // second press must not overwrite the newer save unseen. (The
            // typed text stays in the browser's copy, offered back once the
            // item is opened anew.)
            page.version = form.raw("version").parse().unwrap_or(page.version);
            let title = page.title.clone();
            let mut frame = member.frame(&title, page);
            frame.error = Some(&text);
            render(state, status, "item.html", frame)
        }
        Err(error) => board_error(error),
    }
}

/// A workflow move. The item's own form sends its text along (each move
/// is a button of that form): what was typed is saved first, in the same
/// transaction and with the same checks, so a move never goes on with the
/// old text and drops the new.
pub async fn act(
    State(state): State<AppState>,
    member: Member,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let form = Params::parse_body(&body);
    if let Err(refused) = member.check(&form) {
        return refused;
    }
    let with_text = form.has("title");
    let moved = async {
        let id = parse_id(&id)?;
        let action = Action::parse(form.raw("action")).ok_or(BoardError::WrongState)?;
        // In the item's form each move has its own fields, named for it.
        let field = |name: &str| {
            let own = format!("{name}-{}", action.code());
            if form.has(&own) {
                form.get(&own)
            } else {
                form.get(name)
            }
        };
        let publish_at = match field("luc") {
            Some(raw) => Some(vn_time::parse_local(&raw.replace('T', " ")).ok_or_else(|| {
                BoardError::Invalid(
                    "Thời điểm hẹn đăng không đúng dạng (ví dụ: 30/11/2026 07:30).".to_owned(),
                )
            })?),
            None => None,
        };
        let assignee = field("nguoi-bien-tap").and_then(|raw| Uuid::parse_str(raw).ok());
        let details = Move {
            comment: field("y-kien").unwrap_or_default(),
            publish_at,
            assignee,
        };
        let mut tx = member.begin(&state).await?;
        if with_text {
            save_typed(&mut tx, &member, id, &form, false).await?;
        }
        items::apply(
            &mut tx,
            member.tenant.id,
            &member.account,
            id,
            action,
            &details,
            OffsetDateTime::now_utc(),
        )
        .await?;
        tx.commit().await?;
        Ok::<_, BoardError>(id)
    };
    match moved.await {
        Ok(id) => see_other(&format!("/quan-tri/tin-bai/{id}?da-chuyen=1")),
        Err(error) if with_text => typed_again(&state, &member, &id, &form, error).await,
        Err(error) => board_error(error),
    }
}

#[derive(Serialize)]
struct RevisionView {
    revision: items::Revision,
    /// What this version changed from the one before it.
    changes: Vec<congxa_board::diff::Piece>,
    title_changed: bool,
}

#[derive(Serialize)]
struct RevisionsPage {
    item: Draft,
    revisions: Vec<RevisionView>,
    may_edit: bool,
}

/// Every saved version of an item, each with what it changed.
pub async fn revisions(
    State(state): State<AppState>,
    member: Member,
    Path(id): Path<String>,
) -> Response {
    let load = async {
        let id = parse_id(&id)?;
        let mut tx = member.begin(&state).await?;
        let item = items::find(&mut tx, id).await?;
        if member.account.role == Role::Contributor && !item.is_own(&member.account) {
            return Err(BoardError::ItemNotFound);
        }
        let list = items::revisions(&mut tx, id).await?;
        let views = list
            .iter()
            .enumerate()
            .map(|(n, revision)| {
                let before = list.get(n + 1);
                RevisionView {
                    changes: congxa_board::diff::between(
                        before.map_or("", |b| b.body.as_str()),
                        &revision.body,
                    ),
                    title_changed: before.is_some_and(|b| b.title != revision.title),
                    revision: revision.clone(),
                }
            })
            .collect();
        let may_edit = workflow::may_edit(
            member.account.role,
            item.status,
            item.is_own(&member.account),
        );
        Ok::<_, BoardError>(RevisionsPage {
            item,
            revisions: views,
            may_edit,
        })
    };
    match load.await {
        Ok(page) => {
            let title = format!("Các phiên bản: {}", page.item.title);
            render(
                &state,
                StatusCode::OK,
                "revisions.html",
                member.frame(&title, page),
            )
        }
        Err(error) => board_error(error),
    }
}

/// Brings an earlier version back as a new save.
pub async fn restore(
    State(state): State<AppState>,
    member: Member,
    Path((id, revision)): Path<(String, String)>,
    body: Bytes,
) -> Response {
    let form = Params::parse_body(&body);
    if let Err(refused) = member.check(&form) {
        return refused;
    }
    let restored = async {
        let id = parse_id(&id)?;
        let revision: i64 = revision.parse().map_err(|_| BoardError::ItemNotFound)?;
        let version: i32 = form
            .raw("version")
            .parse()
            .map_err(|_| BoardError::Conflict)?;
        let mut tx = member.begin(&state).await?;
        items::restore(
            &mut tx,
            member.tenant.id,
            &member.account,
            id,
            version,
            revision,
        )
        .await?;
        tx.commit().await?;
        Ok::<_, BoardError>(id)
    };
    match restored.await {
        Ok(id) => see_other(&format!("/quan-tri/tin-bai/{id}?da-luu=1")),
        Err(error) => board_error(error),
    }
}
