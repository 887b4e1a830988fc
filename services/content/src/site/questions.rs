//! Questions and answers (hỏi đáp): citizens ask through a form, follow
//! their question by its code, and read the answers the commune publishes.

use axum::body::Body;
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use congxa_web::ApiError;
use serde::Serialize;
use time::OffsetDateTime;
use uuid::Uuid;

use super::articles::{Crumb, trail};
use super::forms::{self, Form};
use super::items::Section;
use super::paging::{Pager, Paging};
use super::params::{Params, with_query};
use super::{Outcome, Page, Visit, db_error, finish};
use crate::AppState;

const PER_PAGE: u32 = 10;
const SECTION: &str = "hoi-dap";

#[derive(Serialize)]
struct Answered {
    href: String,
    title: String,
    asker_name: String,
    field: String,
    #[serde(with = "time::serde::rfc3339")]
    created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339::option")]
    answered_at: Option<OffsetDateTime>,
}

#[derive(Serialize)]
struct ListData {
    section: Section,
    trail: Vec<Crumb>,
    questions: Vec<Answered>,
    fields: Vec<String>,
    linh_vuc: Option<String>,
    pager: Pager,
}

pub async fn list(
    state: &AppState,
    visit: &Visit,
    section: Section,
    params: &Params,
) -> Result<Outcome, ApiError> {
    let paging = Paging::new(params.get("trang"), PER_PAGE);
    let linh_vuc = params.get("linh-vuc").map(str::to_owned);
    let mut tx = visit.begin(&state.pool).await?;
    let rows = sqlx::query!(
        r#"SELECT slug, title, asker_name, field, created_at, answered_at, count(*) OVER () AS "total!"
           FROM questions WHERE is_public AND ($1::text IS NULL OR field = $1)
           ORDER BY answered_at DESC LIMIT $2 OFFSET $3"#,
        linh_vuc,
        paging.limit(),
        paging.offset()
    )
    .fetch_all(&mut *tx)
    .await
    .map_err(db_error)?;
    let fields = sqlx::query_scalar!(
        r#"SELECT DISTINCT field AS "f!" FROM questions WHERE is_public AND field <> '' ORDER BY 1"#
    )
    .fetch_all(&mut *tx)
    .await
    .map_err(db_error)?;
    let trail = trail(&mut tx, &section).await.map_err(db_error)?;
    drop(tx);
    let total = rows.first().map_or(0, |r| r.total);
    let questions = rows
        .into_iter()
        .map(|r| Answered {
            href: format!("/{}/{}", section.path, r.slug),
            title: r.title,
            asker_name: r.asker_name,
            field: r.field,
            created_at: r.created_at,
            answered_at: r.answered_at,
        })
        .collect();
    let path = section.href();
    let base = with_query(&path, &[("linh-vuc", linh_vuc.as_deref())]);
    let title = section.name.clone();
    let data = ListData {
        pager: paging.links(total, &base),
        section,
        trail,
        questions,
        fields,
        linh_vuc,
    };
    Ok(Page {
        template: "questions.html",
        page: "section",
        title: &title,
        path: &base,
        data,
    }
    .render(state, visit)
    .await?
    .into())
}

#[derive(Serialize)]
struct QuestionView {
    title: String,
    body: String,
    asker_name: String,
    field: String,
    /// Written by the board through its sanitising editor.
    answer: String,
    answered_by: String,
    #[serde(with = "time::serde::rfc3339")]
    created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339::option")]
    answered_at: Option<OffsetDateTime>,
}

#[derive(Serialize)]
struct DetailData {
    trail: Vec<Crumb>,
    question: QuestionView,
}

pub async fn detail(
    state: &AppState,
    visit: &Visit,
    section: Section,
    slug: &str,
) -> Result<Outcome, ApiError> {
    let mut tx = visit.begin(&state.pool).await?;
    let question = sqlx::query_as!(
        QuestionView,
        "SELECT title, body, asker_name, field, answer, answered_by, created_at, answered_at
         FROM questions WHERE slug = $1 AND is_public",
        slug
    )
    .fetch_optional(&mut *tx)
    .await
    .map_err(db_error)?;
    let Some(question) = question else {
        return Ok(Outcome::NotFound);
    };
    let trail = trail(&mut tx, &section).await.map_err(db_error)?;
    drop(tx);
    let path = format!("/{}/{slug}", section.path);
    let title = question.title.clone();
    Ok(Page {
        template: "question.html",
        page: "item",
        title: &title,
        path: &path,
        data: DetailData { trail, question },
    }
    .render(state, visit)
    .await?
    .into())
}

/// What the question form shows: the stamp, what was typed, what is wrong.
#[derive(Serialize, Default)]
struct AskData {
    stamp: String,
    values: Asked,
    errors: Vec<String>,
    fields: Vec<String>,
}

#[derive(Serialize, Default, Clone)]
struct Asked {
    name: String,
    email: String,
    phone: String,
    address: String,
    field: String,
    title: String,
    body: String,
}

/// The fields people may choose a question's field from.
const FIELDS: [&str; 9] = [
    "Đất đai",
    "Hộ tịch, chứng thực",
    "Chính sách xã hội",
    "Xây dựng, giao thông",
    "Nông nghiệp",
    "Y tế, giáo dục",
    "Văn hóa, thông tin",
    "Quốc phòng, an ninh",
    "Khác",
];

async fn ask_page(
    state: &AppState,
    visit: &Visit,
    values: Asked,
    errors: Vec<String>,
    status: StatusCode,
) -> Result<Response, ApiError> {
    let data = AskData {
        stamp: state.forms.stamp(visit.tenant.id, Form::Question),
        values,
        errors,
        fields: FIELDS.iter().map(|f| (*f).to_owned()).collect(),
    };
    let page = Page {
        template: "ask.html",
        page: "section",
        title: "Đặt câu hỏi",
        path: "/hoi-dap/dat-cau-hoi",
        data,
    };
    let mut response = page.render_with(state, visit, status).await?;
    // The form carries a fresh stamp: no cache may keep it.
    response.headers_mut().insert(
        axum::http::header::CACHE_CONTROL,
        axum::http::HeaderValue::from_static("no-store"),
    );
    Ok(response)
}

pub async fn ask_form(State(state): State<AppState>, visit: Visit) -> Response {
    let page = ask_page(&state, &visit, Asked::default(), Vec::new(), StatusCode::OK).await;
    finish(&state, &visit, page.map(Outcome::Page)).await
}

pub async fn ask(State(state): State<AppState>, visit: Visit, body: Body) -> Response {
    let outcome = receive(&state, &visit, body).await;
    finish(&state, &visit, outcome.map(Outcome::Page)).await
}

async fn receive(state: &AppState, visit: &Visit, body: Body) -> Result<Response, ApiError> {
    let body = forms::read_body(body).await?;
    let form = Params::parse_body(&body);
    let stamp = state.forms.check(
        visit.tenant.id,
        Form::Question,
        form.raw("dau"),
        form.raw("website"),
    )?;
    let mut errors = Vec::new();
    let asked = Asked {
        name: forms::text(form.raw("ho-ten"), "họ và tên", true, 100, &mut errors),
        email: forms::text(form.raw("email"), "thư điện tử", false, 254, &mut errors),
        phone: forms::text(
            form.raw("dien-thoai"),
            "số điện thoại",
            false,
            30,
            &mut errors,
        ),
        address: forms::text(form.raw("dia-chi"), "địa chỉ", false, 300, &mut errors),
        field: forms::text(form.raw("linh-vuc"), "lĩnh vực", false, 200, &mut errors),
        title: forms::text(
            form.raw("tieu-de"),
            "tiêu đề câu hỏi",
            true,
            300,
            &mut errors,
        ),
        body: forms::text(
            form.raw("noi-dung"),
            "nội dung câu hỏi",
            true,
            5000,
            &mut errors,
        ),
    };
    if !asked.email.is_empty() && !forms::plausible_email(&asked.email) {
        errors.push("Địa chỉ thư điện tử không đúng dạng (ví dụ: ten@gmail.com).".to_owned());
    }
    if asked.email.is_empty() && asked.phone.is_empty() {
        errors.push("Mời bạn để lại thư điện tử hoặc số điện thoại để nhận trả lời.".to_owned());
    }
    if !asked.field.is_empty() && !FIELDS.contains(&asked.field.as_str()) {
        errors.push("Lĩnh vực đã chọn không có trong danh sách.".to_owned());
    }
    // Robots advertise; people asking their commune rarely paste links.
    if asked.body.matches("http").count() > 2 {
        errors.push("Nội dung câu hỏi có quá nhiều đường liên kết.".to_owned());
    }
    if !errors.is_empty() {
        return ask_page(
            state,
            visit,
            asked,
            errors,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    }
    let visitor = state
        .forms
        .visitor(visit.tenant.id, visit.client_ip, &visit.user_agent);
    let client = state.forms.client(visit.tenant.id, visit.client_ip);
    let sender = forms::Sender {
        visitor: &visitor,
        client: &client,
    };
    let mut tx = visit.begin(&state.pool).await?;
    forms::admit(&mut tx, visit.tenant.id, Form::Question, &sender, &stamp).await?;
    let code = tracking_code();
    let slug = format!(
        "{}-{}",
        congxa_site::slugify(&asked.title),
        code[3..].to_ascii_lowercase()
    )
    .trim_start_matches('-')
    .to_owned();
    sqlx::query!(
        "INSERT INTO questions (tenant_id, code, slug, asker_name, asker_email, asker_phone, asker_address, title, body, field)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        visit.tenant.id,
        code,
        slug,
        asked.name,
        asked.email,
        asked.phone,
        asked.address,
        asked.title,
        asked.body,
        asked.field
    )
    .execute(&mut *tx)
    .await
    .map_err(db_error)?;
    tx.commit().await.map_err(db_error)?;
    Ok(Redirect::to(&format!("/hoi-dap/tra-cuu?ma={code}&moi=1")).into_response())
}

/// "HD-7K3P9Q2M": short enough to read over the phone, no 0/O or 1/I.
fn tracking_code() -> String {
    const ALPHABET: &[u8; 32] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let random = Uuid::new_v4().as_u128();
    let code: String = (0..8)
        .map(|i| ALPHABET[((random >> (i * 5)) & 31) as usize] as char)
        .collect();
    format!("HD-{code}")
}

#[derive(Serialize)]
struct Tracked {
    code: String,
    title: String,
    status: String,
    #[serde(with = "time::serde::rfc3339")]
    created_at: OffsetDateTime,
    public_href: Option<String>,
    answer: String,
}

#[derive(Serialize)]
struct TrackingData {
    code: Option<String>,
    found: Option<Tracked>,
    just_sent: bool,
}

pub async fn tracking(
    State(state): State<AppState>,
    visit: Visit,
    RawQuery(query): RawQuery,
) -> Response {
    let params = Params::parse(query.as_deref());
    let outcome = async {
        let code = params.get("ma").map(|c| c.to_ascii_uppercase());
        let found = match code.as_deref() {
            Some(code) if code.len() <= 20 => {
                let mut tx = visit.begin(&state.pool).await?;
                sqlx::query!(
                    "SELECT code, title, status, created_at, slug, is_public, answer FROM questions WHERE code = $1",
                    code
                )
                .fetch_optional(&mut *tx)
                .await
                .map_err(db_error)?
                .map(|q| Tracked {
                    status: status_name(&q.status).to_owned(),
                    public_href: q.is_public.then(|| format!("/{SECTION}/{}", q.slug)),
                    // An answer not published is the asker's alone: shown to
                    // whoever holds the code, as a letter would be.
                    answer: q.answer,
                    code: q.code,
                    title: q.title,
                    created_at: q.created_at,
                })
            }
            _ => None,
        };
        let data = TrackingData { code, found, just_sent: params.has("moi") };
        let mut response = Page {
            template: "tracking.html",
            page: "section",
            title: "Tra cứu câu hỏi",
            path: "/hoi-dap/tra-cuu",
            data,
        }
        .render(&state, &visit)
        .await?;
        response
            .headers_mut()
            .insert(axum::http::header::CACHE_CONTROL, axum::http::HeaderValue::from_static("private, no-store"));
        Ok(Outcome::Page(response))
    }
    .await;
    finish(&state, &visit, outcome).await
}

fn status_name(status: &str) -> &'static str {
    match status {
        "received" => "Đã tiếp nhận, đang chờ phân công trả lời",
        "processing" => "Đang xử lý",
        "answered" => "Đã trả lời",
        _ => "Không đủ điều kiện trả lời",
    }
}
