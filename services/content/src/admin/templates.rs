//! The commune's own versions of its theme's templates
//! (/quan-tri/giao-dien/mau): the head, or an operator in support mode,
//! edits any template of the chosen theme with its syntax checked,
//! previews any public page with it, saves it as a new version (purging the
//! commune's cached pages), reverts to an earlier version or gives the
//! theme's own back. The templates run sandboxed (crate::overrides); a
//! render that fails is shown here, never to citizens.

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use congxa_board::{BoardError, settings};
use serde::Serialize;
use serde_json::json;
use time::OffsetDateTime;

use super::session::Member;
use super::{board_error, record_change, render, see_other};
use crate::AppState;
use crate::overrides::Live;
use crate::site::params::Params;
use crate::site::preview::{self, Previewing};

#[derive(Serialize)]
struct Row {
    name: &'static str,
    version: Option<i32>,
    last_error: Option<String>,
}

#[derive(Serialize)]
struct ListPage {
    theme: String,
    rows: Vec<Row>,
}

#[derive(Serialize)]
struct Version {
    version: i32,
    author: String,
    #[serde(with = "time::serde::rfc3339")]
    created_at: OffsetDateTime,
    removed: bool,
}

#[derive(Serialize)]
struct EditPage {
    name: String,
    source: String,
    /// The version serving now; none when the theme's own serves.
    live: Option<i32>,
    /// The newest version, which a change must start from.
    newest: i32,
    last_error: Option<String>,
    versions: Vec<Version>,
    /// The public page the preview shows: one that uses the template.
    preview_at: String,
    /// A version set beside the one before it, when asked for.
    compared: Option<Compared>,
}

/// What a version changed from the one before it (or from the theme's own
/// template, for the first).
#[derive(Serialize)]
struct Compared {
    version: i32,
    previous: Option<i32>,
    /// Changed lines with three around each; `None` between groups.
    lines: Vec<Option<congxa_board::diff::Line>>,
}

/// Lines of context around each change of a compared version.
const COMPARE_CONTEXT: usize = 3;

/// Version `wanted` beside the one before it; none if there is no such
/// version. A version that gave the theme's own back compares as that.
fn compared(stored: &[Stored], own_source: &str, wanted: i32) -> Option<Compared> {
    let at = stored.iter().position(|v| v.version == wanted)?;
    let source = |v: &Stored| v.source.clone().unwrap_or_else(|| own_source.to_owned());
    let previous = stored.get(at + 1);
    let before = previous.map_or_else(|| own_source.to_owned(), source);
    Some(Compared {
        version: wanted,
        previous: previous.map(|v| v.version),
        lines: congxa_board::diff::lines(&before, &source(&stored[at]), COMPARE_CONTEXT),
    })
}

/// A public page of the commune that uses the template: its newest item
/// of the page type, else the list it belongs to.
async fn sample_path(conn: &mut sqlx::PgConnection, name: &str) -> Result<String, BoardError> {
    let (kinds, otherwise): (&'static [&'static str], &str) = match name {
        "article.html" => (
            &[
                "news",
                "pages",
                "plans",
                "democracy",
                "budget",
                "access_info",
            ],
            "/tin-tuc",
        ),
        "print.html" => (&["news"], "/tin-tuc"),
        "document.html" => (&["documents"], "/van-ban"),
        "procedure.html" => (&["procedures"], "/thu-tuc-hanh-chinh"),
        "project.html" => (&["projects"], "/du-an-dau-thau"),
        "consultation.html" => (&["consultations"], "/lay-y-kien"),
        "section.html" => return Ok("/tin-tuc".to_owned()),
        "documents.html" => return Ok("/van-ban".to_owned()),
        "procedures.html" => return Ok("/thu-tuc-hanh-chinh".to_owned()),
        "projects.html" => return Ok("/du-an-dau-thau".to_owned()),
        "consultations.html" => return Ok("/lay-y-kien".to_owned()),
        "schedule.html" => return Ok("/lich-cong-tac".to_owned()),
        "questions.html" => return Ok("/hoi-dap".to_owned()),
        "ask.html" => return Ok("/hoi-dap/dat-cau-hoi".to_owned()),
        "tracking.html" => return Ok("/hoi-dap/tra-cuu".to_owned()),
        "contacts.html" => return Ok("/lien-he".to_owned()),
        "search.html" => return Ok("/tim-kiem?q=x%C3%A3".to_owned()),
        "sitemap.html" => return Ok("/so-do-trang".to_owned()),
        "not_found.html" => return Ok("/khong-co-trang-nay".to_owned()),
        "question.html" => {
            let public = sqlx::query_scalar!(
                r#"SELECT '/hoi-dap/' || slug AS "path!" FROM questions WHERE is_public
                   ORDER BY created_at DESC LIMIT 1"#
            )
            .fetch_optional(conn)
            .await?;
            return Ok(public.unwrap_or_else(|| "/hoi-dap".to_owned()));
        }
        // The layout, the shared pieces and the home page show on "/".
        _ => return Ok("/".to_owned()),
    };
    let kinds: Vec<String> = kinds.iter().map(|k| (*k).to_owned()).collect();
    let newest = sqlx::query_scalar!(
        r#"SELECT '/' || s.path || '/' || i.slug AS "path!" FROM items i
           JOIN sections s ON s.id = i.section_id
           WHERE i.status = 'published' AND i.published_at <= now() AND s.kind = ANY($1)
           ORDER BY i.published_at DESC LIMIT 1"#,
        &kinds
    )
    .fetch_optional(conn)
    .await?;
    Ok(match (newest, name) {
        (Some(path), "print.html") => format!("{path}?ban-in"),
        (Some(path), _) => path,
        (None, _) => otherwise.to_owned(),
    })
}

/// What a template's versions say: (version, source, author, when, last
/// fault), newest first.
struct Stored {
    version: i32,
    source: Option<String>,
    author: String,
    created_at: OffsetDateTime,
    last_error: Option<String>,
    last_error_at: Option<OffsetDateTime>,
}

async fn versions(
    conn: &mut sqlx::PgConnection,
    theme: &str,
    name: &str,
) -> Result<Vec<Stored>, sqlx::Error> {
    sqlx::query_as!(
        Stored,
        "SELECT version, source, author, created_at, last_error, last_error_at FROM template_overrides
         WHERE theme = $1 AND name = $2 ORDER BY version DESC",
        theme,
        name
    )
    .fetch_all(conn)
    .await
}

pub async fn list(State(state): State<AppState>, member: Member) -> Response {
    if let Err(refused) = super::may_change_settings(&member) {
        return refused;
    }
    let loaded = async {
        let mut tx = member.begin(&state).await?;
        let look = settings::look(&mut tx).await?;
        let live = sqlx::query!(
            r#"SELECT DISTINCT ON (name) name, version, source IS NOT NULL AS "kept!", last_error
               FROM template_overrides WHERE theme = $1 ORDER BY name, version DESC"#,
            look.theme
        )
        .fetch_all(&mut *tx)
        .await?;
        let rows = state
            .themes
            .templates(&look.theme)
            .into_iter()
            .map(|(name, _)| {
                let own = live.iter().find(|r| r.name == name && r.kept);
                Row {
                    name,
                    version: own.map(|r| r.version),
                    last_error: own.and_then(|r| r.last_error.clone()),
                }
            })
            .collect();
        Ok::<_, BoardError>(ListPage {
            theme: look.theme,
            rows,
        })
    };
    match loaded.await {
        Ok(page) => render(
            &state,
            StatusCode::OK,
            "templates.html",
            member.frame("Mẫu trang của xã", page),
        ),
        Err(error) => board_error(error),
    }
}

/// The template's editor, with `typed` when a submission is shown again.
async fn editor(
    state: &AppState,
    member: &Member,
    name: &str,
    status: StatusCode,
    typed: Option<(String, String)>,
    compare: Option<i32>,
    (message, error): (Option<&str>, Option<&str>),
) -> Response {
    let loaded = async {
        let mut tx = member.begin(state).await?;
        let look = settings::look(&mut tx).await?;
        let Some((_, own_source)) = state
            .themes
            .templates(&look.theme)
            .into_iter()
            .find(|(n, _)| *n == name)
        else {
            return Err(BoardError::RecordNotFound);
        };
        let stored = versions(&mut tx, &look.theme, name).await?;
        let newest = stored.first();
        let live = newest.filter(|v| v.source.is_some());
        let compared = compare.and_then(|wanted| compared(&stored, &own_source, wanted));
        let (source, preview_at) = match typed {
            Some(typed) => typed,
            None => (
                live.and_then(|v| v.source.clone()).unwrap_or(own_source),
                sample_path(&mut tx, name).await?,
            ),
        };
        Ok::<_, BoardError>(EditPage {
            name: name.to_owned(),
            source,
            preview_at,
            compared,
            live: live.map(|v| v.version),
            newest: newest.map_or(0, |v| v.version),
            last_error: live.and_then(|v| {
                let at = v.last_error_at.map(congxa_locale::time::date_and_time)?;
                Some(format!("{} (lúc {at})", v.last_error.as_deref()?))
            }),
            versions: stored
                .iter()
                .map(|v| Version {
                    version: v.version,
                    author: v.author.clone(),
                    created_at: v.created_at,
                    removed: v.source.is_none(),
                })
                .collect(),
        })
    };
    match loaded.await {
        Ok(page) => {
            let title = format!("Mẫu {name}");
            let mut frame = member.frame(&title, page);
            frame.message = message;
            frame.error = error;
            render(state, status, "template.html", frame)
        }
        Err(error) => board_error(error),
    }
}

pub async fn edit(
    State(state): State<AppState>,
    member: Member,
    Path(name): Path<String>,
    RawQuery(query): RawQuery,
) -> Response {
    if let Err(refused) = super::may_change_settings(&member) {
        return refused;
    }
    let query = Params::parse(query.as_deref());
    let message = query
        .has("da-luu")
        .then_some("Đã áp dụng; các trang của xã dùng mẫu này ngay.");
    let compare = query.raw("so-sanh").parse::<i32>().ok();
    editor(
        &state,
        &member,
        &name,
        StatusCode::OK,
        None,
        compare,
        (message, None),
    )
    .await
}

/// Whether the source parses among the commune's templates; the parser's
/// message when not.
async fn syntax(
    state: &AppState,
    member: &Member,
    name: &str,
    source: &str,
) -> Result<(), BoardError> {
    let mut tx = member.begin(state).await?;
    let look = settings::look(&mut tx).await?;
    crate::overrides::check_version(&state.themes, &look.theme, name, source)
        .map_err(BoardError::Invalid)
}

/// Saves a version (a source, or none to give the theme's own back), from
/// the form made of version `based_on`: a template changed since is
/// refused, not overwritten.
async fn keep(
    state: &AppState,
    member: &Member,
    (theme, name): (&str, &str),
    based_on: i32,
    source: Option<&str>,
    action: &str,
) -> Result<i32, BoardError> {
    let mut tx = member.begin(state).await?;
    // Saves of one template take turns, so each gets the next number.
    let lock = format!("{}/{theme}/{name}", member.tenant.id);
    sqlx::query!("SELECT pg_advisory_xact_lock(hashtext($1))", lock)
        .execute(&mut *tx)
        .await?;
    let newest = sqlx::query_scalar!(
        r#"SELECT COALESCE(max(version), 0) AS "newest!" FROM template_overrides
           WHERE theme = $1 AND name = $2"#,
        theme,
        name
    )
    .fetch_one(&mut *tx)
    .await?;
    if newest != based_on {
        return Err(BoardError::Invalid(
            "Mẫu đã được người khác lưu sau khi bạn mở. Hãy tải lại trang để xem bản mới nhất; nội dung của bạn chưa được lưu."
                .to_owned(),
        ));
    }
    let author = format!("{} <{}>", member.account.name, member.account.email);
    let version = sqlx::query_scalar!(
        r#"INSERT INTO template_overrides (tenant_id, theme, name, version, source, author)
           VALUES ($1, $2, $3, $4, $5, $6) RETURNING version"#,
        member.tenant.id,
        theme,
        name,
        newest + 1,
        source,
        author
    )
    .fetch_one(&mut *tx)
    .await?;
    record_change(
        &mut tx,
        member,
        action,
        json!({ "theme": theme, "template": name, "version": version }),
    )
    .await?;
    tx.commit().await?;
    Ok(version)
}

pub async fn change(
    State(state): State<AppState>,
    member: Member,
    visit: crate::site::Visit,
    Path(name): Path<String>,
    body: Bytes,
) -> Response {
    let form = match super::settings_form(&member, &body) {
        Ok(form) => form,
        Err(refused) => return refused,
    };
    // Only the chosen theme's own templates may be replaced.
    let theme = async {
        let mut tx = member.begin(&state).await?;
        Ok::<_, BoardError>(settings::look(&mut tx).await?.theme)
    };
    let theme = match theme.await {
        Ok(theme)
            if state
                .themes
                .templates(&theme)
                .iter()
                .any(|(n, _)| *n == name) =>
        {
            theme
        }
        Ok(_) => return board_error(BoardError::RecordNotFound),
        Err(error) => return board_error(error),
    };
    let based_on = form.raw("based_on").parse::<i32>().unwrap_or(0);
    let source = form.raw("source").replace("\r\n", "\n");
    let at = form.get("xem_tai").unwrap_or("/").trim().to_owned();
    let shown_again = |reason: String| {
        let (state, member, name) = (&state, &member, &name);
        let typed = (source.clone(), at.clone());
        async move {
            editor(
                state,
                member,
                name,
                StatusCode::UNPROCESSABLE_ENTITY,
                Some(typed),
                None,
                (None, Some(&reason)),
            )
            .await
        }
    };
    let result = match form.raw("thao_tac") {
        "xem-truoc" => {
            if let Err(error) = syntax(&state, &member, &name, &source).await {
                return shown_again(error.to_string()).await;
            }
            let previewing = Previewing {
                back: format!("/quan-tri/giao-dien/mau/{name}"),
                note: "trang dựng bằng mẫu đang sửa, chưa được lưu",
                candidate: Some(Live {
                    id: 0,
                    name: name.clone(),
                    source: source.clone(),
                }),
            };
            return match preview::page_at(&state, &visit, &at, previewing).await {
                Ok(page) => page,
                Err(reason) => shown_again(reason).await,
            };
        }
        "luu" => match syntax(&state, &member, &name, &source).await {
            Ok(()) => {
                let at = (theme.as_str(), name.as_str());
                keep(
                    &state,
                    &member,
                    at,
                    based_on,
                    Some(&source),
                    "site.template.save",
                )
                .await
            }
            Err(error) => Err(error),
        },
        "bo" => {
            let at = (theme.as_str(), name.as_str());
            keep(&state, &member, at, based_on, None, "site.template.remove").await
        }
        "khoi-phuc" => {
            let wanted = form.raw("phien_ban").parse::<i32>().unwrap_or(0);
            let restored = async {
                let mut tx = member.begin(&state).await?;
                let stored = versions(&mut tx, &theme, &name).await?;
                Ok::<_, BoardError>(
                    stored
                        .into_iter()
                        .find(|v| v.version == wanted)
                        .map(|v| v.source),
                )
            };
            match restored.await {
                Ok(Some(source)) => {
                    let at = (theme.as_str(), name.as_str());
                    let action = "site.template.restore";
                    keep(&state, &member, at, based_on, source.as_deref(), action).await
                }
                Ok(None) => Err(BoardError::RecordNotFound),
                Err(error) => Err(error),
            }
        }
        _ => Err(BoardError::Invalid("Thao tác không hợp lệ.".to_owned())),
    };
    match result {
        Ok(_) => see_other(&format!("/quan-tri/giao-dien/mau/{name}?da-luu")),
        Err(BoardError::Invalid(reason)) => shown_again(reason).await,
        Err(error) => board_error(error),
    }
}
