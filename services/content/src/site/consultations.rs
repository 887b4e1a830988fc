//! Public consultation on drafts: the full text, the deadline, the comments
//! the board has read, and a form to comment while it is open.

use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use congxa_web::ApiError;
use serde::Serialize;
use time::OffsetDateTime;
use uuid::Uuid;

use super::articles::{Crumb, Detail, View, trail};
use super::forms::{self, Form};
use super::items::{Item, Section};
use super::params::Params;
use super::{Outcome, Page, Visit, db_error, finish};
use crate::AppState;

#[derive(Serialize)]
struct Row {
    href: String,
    title: String,
    summary: String,
    drafting_body: String,
    #[serde(with = "time::serde::rfc3339")]
    opens_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    closes_at: OffsetDateTime,
    open: bool,
}

#[derive(Serialize)]
struct ListData {
    section: Section,
    trail: Vec<Crumb>,
    open: Vec<Row>,
    closed: Vec<Row>,
}

pub async fn list(
    state: &AppState,
    visit: &Visit,
    section: Section,
    _params: &Params,
) -> Result<Outcome, ApiError> {
    let mut tx = visit.begin(&state.pool).await?;
    let rows = sqlx::query_as!(
        Row,
        r#"SELECT '/' || s.path || '/' || i.slug AS "href!", i.title, i.summary, c.drafting_body,
                  c.opens_at, c.closes_at, (now() BETWEEN c.opens_at AND c.closes_at) AS "open!"
           FROM consultations c JOIN items i ON i.id = c.item_id JOIN sections s ON s.id = i.section_id
           WHERE i.status = 'published' AND i.published_at <= now()
           ORDER BY c.closes_at DESC
           LIMIT 100"#
    )
    .fetch_all(&mut *tx)
    .await
    .map_err(db_error)?;
    let trail = trail(&mut tx, &section).await.map_err(db_error)?;
    drop(tx);
    let (open, closed) = rows.into_iter().partition(|r| r.open);
    let path = section.href();
    let title = section.name.clone();
    Ok(Page {
        template: "consultations.html",
        page: "section",
        title: &title,
        path: &path,
        data: ListData {
            section,
            trail,
            open,
            closed,
        },
    }
    .render(state, visit)
    .await?
    .into())
}

#[derive(Serialize)]
struct Comment {
    author_name: String,
    body: String,
    #[serde(with = "time::serde::rfc3339")]
    created_at: OffsetDateTime,
}

#[derive(Serialize, Default, Clone)]
struct Typed {
    name: String,
    email: String,
    body: String,
}

#[derive(Serialize)]
struct Fields {
    drafting_body: String,
    #[serde(with = "time::serde::rfc3339")]
    opens_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    closes_at: OffsetDateTime,
    open: bool,
    comments: Vec<Comment>,
    stamp: String,
    sent: bool,
    typed: Typed,
    errors: Vec<String>,
}

async fn fields(state: &AppState, visit: &Visit, item: Uuid) -> Result<Option<Fields>, ApiError> {
    let mut tx = visit.begin(&state.pool).await?;
    let Some(c) = sqlx::query!(
        r#"SELECT drafting_body, opens_at, closes_at, (now() BETWEEN opens_at AND closes_at) AS "open!"
           FROM consultations WHERE item_id = $1"#,
        item
    )
    .fetch_optional(&mut *tx)
    .await
    .map_err(db_error)?
    else {
        return Ok(None);
    };
    let comments = sqlx::query_as!(
        Comment,
        "SELECT author_name, body, created_at FROM consultation_comments
         WHERE item_id = $1 AND status = 'published' ORDER BY created_at",
        item
    )
    .fetch_all(&mut *tx)
    .await
    .map_err(db_error)?;
    Ok(Some(Fields {
        drafting_body: c.drafting_body,
        opens_at: c.opens_at,
        closes_at: c.closes_at,
        open: c.open,
        comments,
        stamp: state.forms.stamp(visit.tenant.id, Form::Comment),
        sent: false,
        typed: Typed::default(),
        errors: Vec::new(),
    }))
}

pub async fn detail(
    state: &AppState,
    visit: &Visit,
    item: Item,
    params: &Params,
) -> Result<Outcome, ApiError> {
    let Some(mut fields) = fields(state, visit, item.id).await? else {
        return Ok(Outcome::NotFound);
    };
    fields.sent = params.has("da-gui");
    Detail::load(state, visit, item, fields)
        .await?
        .render(state, visit, "consultation.html", View::of(params))
        .await
}

pub async fn comment(
    State(state): State<AppState>,
    visit: Visit,
    Path(item): Path<String>,
    body: Body,
) -> Response {
    let outcome = receive(&state, &visit, &item, body).await;
    finish(&state, &visit, outcome).await
}

async fn receive(
    state: &AppState,
    visit: &Visit,
    item: &str,
    body: Body,
) -> Result<Outcome, ApiError> {
    let Ok(item) = Uuid::parse_str(item) else {
        return Ok(Outcome::NotFound);
    };
    let body = forms::read_body(body).await?;
    let form = Params::parse_body(&body);
    let mut tx = visit.begin(&state.pool).await?;
    let target = sqlx::query!(
        r#"SELECT i.slug, s.path, (now() BETWEEN c.opens_at AND c.closes_at) AS "open!"
           FROM consultations c JOIN items i ON i.id = c.item_id JOIN sections s ON s.id = i.section_id
           WHERE c.item_id = $1 AND i.status = 'published' AND i.published_at <= now()"#,
        item
    )
    .fetch_optional(&mut *tx)
    .await
    .map_err(db_error)?;
    let Some(target) = target else {
        return Ok(Outcome::NotFound);
    };
    let href = format!("/{}/{}", target.path, target.slug);
    if !target.open {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "consultation_closed",
            "Thời hạn góp ý cho dự thảo này đã kết thúc.",
        ));
    }
    let stamp = state.forms.check(
        visit.tenant.id,
        Form::Comment,
        form.raw("dau"),
        form.raw("website"),
    )?;
    let mut errors = Vec::new();
    let typed = Typed {
        name: forms::text(form.raw("ho-ten"), "họ và tên", true, 100, &mut errors),
        email: forms::text(form.raw("email"), "thư điện tử", false, 254, &mut errors),
        body: forms::text(
            form.raw("noi-dung"),
            "nội dung góp ý",
            true,
            5000,
            &mut errors,
        ),
    };
    if !typed.email.is_empty() && !forms::plausible_email(&typed.email) {
        errors.push("Địa chỉ thư điện tử không đúng dạng (ví dụ: ten@gmail.com).".to_owned());
    }
    if !errors.is_empty() {
        drop(tx);
        let mut tx = visit.begin(&state.pool).await?;
        let Some(item) = super::items::item(&mut tx, &target.slug)
            .await
            .map_err(db_error)?
        else {
            return Ok(Outcome::NotFound);
        };
        drop(tx);
        let Some(mut fields) = fields(state, visit, item.id).await? else {
            return Ok(Outcome::NotFound);
        };
        fields.typed = typed;
        fields.errors = errors;
        let detail = Detail::load(state, visit, item, fields).await?;
        let title = detail.item.title.clone();
        #[derive(Serialize)]
        struct Again<T: Serialize> {
            #[serde(flatten)]
            detail: Detail<T>,
            layout: &'static str,
        }
        let response = Page {
            template: "consultation.html",
            page: "item",
            title: &title,
            path: &href,
            data: Again {
                detail,
                layout: "base.html",
            },
        }
        .render_with(state, visit, StatusCode::UNPROCESSABLE_ENTITY)
        .await?;
        return Ok(response.into());
    }
    let visitor = state
        .forms
        .visitor(visit.tenant.id, visit.client_ip, &visit.user_agent);
    let client = state.forms.client(visit.tenant.id, visit.client_ip);
    let sender = forms::Sender {
        visitor: &visitor,
        client: &client,
    };
    forms::admit(&mut tx, visit.tenant.id, Form::Comment, &sender, &stamp).await?;
    sqlx::query!(
        "INSERT INTO consultation_comments (tenant_id, item_id, author_name, author_email, body)
         VALUES ($1, $2, $3, $4, $5)",
        visit.tenant.id,
        item,
        typed.name,
        typed.email,
        typed.body
    )
    .execute(&mut *tx)
    .await
    .map_err(db_error)?;
    tx.commit().await.map_err(db_error)?;
    Ok(Redirect::to(&format!("{href}?da-gui=1#gop-y"))
        .into_response()
        .into())
}
