//! The read-only JSON API of a commune: articles, documents and procedures,
//! described by the OpenAPI document served at `/api/openapi.json`. Errors
//! are typed JSON like every API of the platform.

use axum::Json;
use axum::extract::{Path, RawQuery, State};
use congxa_board::Need;
use congxa_web::ApiError;
use congxa_web::routes::Routes;
use serde::Serialize;
use serde_json::{Value, json};
use time::{Date, OffsetDateTime};
use uuid::Uuid;

use super::items::iso_day;
use super::paging::Paging;
use super::params::Params;
use super::{Visit, db_error, documents, items, procedures};
use crate::AppState;

const PER_PAGE: u32 = 20;

/// The API's routes, open to anyone.
pub fn routes(table: Routes<AppState, Need>) -> Routes<AppState, Need> {
    table
        .get("/api/openapi.json", Need::Anyone, openapi)
        .get("/api/v1/bai-viet", Need::Anyone, articles)
        .get("/api/v1/bai-viet/{slug}", Need::Anyone, article)
        .get("/api/v1/van-ban", Need::Anyone, document_list)
        .get("/api/v1/van-ban/{slug}", Need::Anyone, document)
        .get("/api/v1/thu-tuc", Need::Anyone, procedure_list)
        .get("/api/v1/thu-tuc/{slug}", Need::Anyone, procedure)
}

#[derive(Serialize)]
struct List<T> {
    page: u32,
    per_page: u32,
    total: i64,
    items: Vec<T>,
}

#[derive(Serialize)]
struct ArticleEntry {
    id: Uuid,
    slug: String,
    title: String,
    summary: String,
    section: String,
    url: String,
    #[serde(with = "time::serde::rfc3339")]
    published_at: OffsetDateTime,
}

fn not_found() -> ApiError {
    ApiError::not_found()
}

async fn articles(
    State(state): State<AppState>,
    visit: Visit,
    RawQuery(query): RawQuery,
) -> Result<Json<List<ArticleEntry>>, ApiError> {
    let params = Params::parse(query.as_deref());
    let paging = Paging::new(params.get("trang"), PER_PAGE);
    let section = params.get("chuyen-muc").map(str::to_owned);
    let mut tx = visit.begin(&state.pool).await?;
    let rows = sqlx::query!(
        r#"SELECT i.id, i.slug, i.title, i.summary, s.path, i.published_at AS "published_at!",
                  count(*) OVER () AS "total!"
           FROM items i JOIN sections s ON s.id = i.section_id
           LEFT JOIN sections p ON p.id = s.parent_id
           WHERE i.status = 'published' AND i.published_at <= now() AND s.kind = 'news'
             AND ($1::text IS NULL OR s.path = $1 OR p.path = $1)
           ORDER BY i.published_at DESC, i.id LIMIT $2 OFFSET $3"#,
        section,
        paging.limit(),
        paging.offset()
    )
    .fetch_all(&mut *tx)
    .await
    .map_err(db_error)?;
    let total = rows.first().map_or(0, |r| r.total);
    let items = rows
        .into_iter()
        .map(|r| ArticleEntry {
            url: visit.url(&state, &format!("/{}/{}", r.path, r.slug)),
            id: r.id,
            slug: r.slug,
            title: r.title,
            summary: r.summary,
            section: r.path,
            published_at: r.published_at,
        })
        .collect();
    Ok(Json(List {
        page: paging.page,
        per_page: paging.per_page,
        total,
        items,
    }))
}

#[derive(Serialize)]
struct Full<T: Serialize> {
    id: Uuid,
    slug: String,
    title: String,
    summary: String,
    /// Sanitised HTML.
    body: String,
    author: String,
    source: String,
    section: String,
    url: String,
    #[serde(with = "time::serde::rfc3339")]
    published_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    updated_at: OffsetDateTime,
    files: Vec<items::Attachment>,
    #[serde(flatten)]
    fields: T,
}

/// An item of a section of `kind`, with its files and its own fields.
async fn full<T: Serialize>(
    state: &AppState,
    visit: &Visit,
    slug: &str,
    kind: &str,
    fields: impl AsyncFnOnce(&mut sqlx::PgConnection, Uuid) -> sqlx::Result<Option<T>>,
) -> Result<Json<Full<T>>, ApiError> {
    // Only an address of ours is looked up (a NUL byte is none).
    if !super::browse::well_formed(slug) {
        return Err(not_found());
    }
    let mut tx = visit.begin(&state.pool).await?;
    let item = items::item(&mut tx, slug)
        .await
        .map_err(db_error)?
        .ok_or_else(not_found)?;
    let section = items::section_by_id(&mut tx, item.section_id)
        .await
        .map_err(db_error)?;
    if section.kind_code != kind {
        return Err(not_found());
    }
    let own = fields(&mut tx, item.id)
        .await
        .map_err(db_error)?
        .ok_or_else(not_found)?;
    let mut files = items::attachments(&mut tx, item.id)
        .await
        .map_err(db_error)?;
    for file in &mut files {
        file.href = visit.url(state, &file.href);
    }
    Ok(Json(Full {
        url: visit.url(state, &item.href),
        id: item.id,
        slug: item.slug,
        title: item.title,
        summary: item.summary,
        body: item.body,
        author: item.author,
        source: item.source,
        section: item.section_path,
        published_at: item.published_at,
        updated_at: item.updated_at,
        files,
        fields: own,
    }))
}

async fn article(
    State(state): State<AppState>,
    visit: Visit,
    Path(slug): Path<String>,
) -> Result<Json<Full<()>>, ApiError> {
    full(&state, &visit, &slug, "news", async |_, _| Ok(Some(()))).await
}

#[derive(Serialize)]
struct DocumentEntry {
    id: Uuid,
    slug: String,
    title: String,
    doc_type: String,
    number_symbol: String,
    issuing_body: String,
    summary: String,
    #[serde(with = "iso_day")]
    issued_on: Date,
    url: String,
}

async fn document_list(
    State(state): State<AppState>,
    visit: Visit,
    RawQuery(query): RawQuery,
) -> Result<Json<List<DocumentEntry>>, ApiError> {
    let params = Params::parse(query.as_deref());
    let paging = Paging::new(params.get("trang"), PER_PAGE);
    let day = |name: &str| -> Result<Option<Date>, ApiError> {
        match params.get(name) {
            None => Ok(None),
            Some(raw) => congxa_locale::time::parse_day(raw)
                .map(Some)
                .ok_or_else(|| {
                    ApiError::bad_request(
                        "invalid_date",
                        format!("Tham số {name} phải là một ngày dạng YYYY-MM-DD."),
                    )
                }),
        }
    };
    let query = documents::Query {
        doc_type: params.get("loai").map(str::to_owned),
        from: day("tu-ngay")?,
        to: day("den-ngay")?,
        q: params.get("q").map(str::to_owned),
        ..documents::Query::default()
    };
    let mut tx = visit.begin(&state.pool).await?;
    let (rows, total) = documents::search(&mut tx, &query, paging.limit(), paging.offset())
        .await
        .map_err(db_error)?;
    let items = rows
        .into_iter()
        .map(|r| DocumentEntry {
            url: visit.url(&state, &r.href),
            id: r.id,
            slug: r.slug,
            title: r.title,
            doc_type: r.doc_type,
            number_symbol: r.number_symbol,
            issuing_body: r.issuing_body,
            summary: r.summary,
            issued_on: r.issued_on,
        })
        .collect();
    Ok(Json(List {
        page: paging.page,
        per_page: paging.per_page,
        total,
        items,
    }))
}

async fn document(
    State(state): State<AppState>,
    visit: Visit,
    Path(slug): Path<String>,
) -> Result<Json<Full<documents::Fields>>, ApiError> {
    full(&state, &visit, &slug, "documents", async |conn, id| {
        documents::fields(conn, id).await
    })
    .await
}

#[derive(Serialize)]
struct ProcedureEntry {
    id: Uuid,
    slug: String,
    title: String,
    code: String,
    field: String,
    online_level: String,
    url: String,
}

async fn procedure_list(
    State(state): State<AppState>,
    visit: Visit,
    RawQuery(query): RawQuery,
) -> Result<Json<List<ProcedureEntry>>, ApiError> {
    let params = Params::parse(query.as_deref());
    let paging = Paging::new(params.get("trang"), 100);
    let field = params.get("linh-vuc").map(str::to_owned);
    let mut tx = visit.begin(&state.pool).await?;
    let rows = sqlx::query!(
        r#"SELECT i.id, i.slug, s.path, i.title, p.code, p.field, p.online_level, count(*) OVER () AS "total!"
           FROM procedures p JOIN items i ON i.id = p.item_id JOIN sections s ON s.id = i.section_id
           WHERE i.status = 'published' AND i.published_at <= now() AND ($1::text IS NULL OR p.field = $1)
           ORDER BY p.field, i.title LIMIT $2 OFFSET $3"#,
        field,
        paging.limit(),
        paging.offset()
    )
    .fetch_all(&mut *tx)
    .await
    .map_err(db_error)?;
    let total = rows.first().map_or(0, |r| r.total);
    let items = rows
        .into_iter()
        .map(|r| ProcedureEntry {
            url: visit.url(&state, &format!("/{}/{}", r.path, r.slug)),
            id: r.id,
            slug: r.slug,
            title: r.title,
            code: r.code,
            field: r.field,
            online_level: r.online_level,
        })
        .collect();
    Ok(Json(List {
        page: paging.page,
        per_page: paging.per_page,
        total,
        items,
    }))
}

async fn procedure(
    State(state): State<AppState>,
    visit: Visit,
    Path(slug): Path<String>,
) -> Result<Json<Full<procedures::Fields>>, ApiError> {
    full(&state, &visit, &slug, "procedures", async |conn, id| {
        procedures::fields(conn, id).await
    })
    .await
}

/// The OpenAPI 3.1 description of this API.
async fn openapi(State(state): State<AppState>, visit: Visit) -> Json<Value> {
    Json(describe(&visit.url(&state, "")))
}

fn describe(server: &str) -> Value {
    let page = json!({"name": "trang", "in": "query", "description": "Trang kết quả, từ 1.", "schema": {"type": "integer", "minimum": 1}});
    let slug = json!({"name": "slug", "in": "path", "required": true, "schema": {"type": "string", "pattern": "^[a-z0-9]+(-[a-z0-9]+)*$"}});
    let error = json!({"description": "Lỗi", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}});
    let list = |item: &str| {
        json!({"type": "object", "required": ["page", "per_page", "total", "items"], "properties": {
            "page": {"type": "integer"}, "per_page": {"type": "integer"}, "total": {"type": "integer"},
            "items": {"type": "array", "items": {"$ref": format!("#/components/schemas/{item}")}}}})
    };
    let ok = |schema: Value| json!({"description": "Thành công", "content": {"application/json": {"schema": schema}}});
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "API dữ liệu mở của trang thông tin điện tử xã",
            "version": "1",
            "description": "Bài viết, văn bản và thủ tục hành chính đã công bố của một xã, chỉ đọc."
        },
        "servers": [{"url": server}],
        "paths": {
            "/api/v1/bai-viet": {"get": {"summary": "Danh sách bài viết", "parameters": [page, {"name": "chuyen-muc", "in": "query", "description": "Đường dẫn chuyên mục, ví dụ tin-tuc/thong-bao", "schema": {"type": "string"}}],
                "responses": {"200": ok(list("ArticleEntry")), "503": error}}},
            "/api/v1/bai-viet/{slug}": {"get": {"summary": "Một bài viết", "parameters": [slug],
                "responses": {"200": ok(json!({"$ref": "#/components/schemas/Article"})), "404": error}}},
            "/api/v1/van-ban": {"get": {"summary": "Tra cứu văn bản", "parameters": [page,
                    {"name": "q", "in": "query", "description": "Từ khóa hoặc số ký hiệu", "schema": {"type": "string"}},
                    {"name": "loai", "in": "query", "description": "Hình thức văn bản", "schema": {"type": "string"}},
                    {"name": "tu-ngay", "in": "query", "schema": {"type": "string", "format": "date"}},
                    {"name": "den-ngay", "in": "query", "schema": {"type": "string", "format": "date"}}],
                "responses": {"200": ok(list("DocumentEntry")), "400": error}}},
            "/api/v1/van-ban/{slug}": {"get": {"summary": "Một văn bản", "parameters": [slug],
                "responses": {"200": ok(json!({"$ref": "#/components/schemas/Document"})), "404": error}}},
            "/api/v1/thu-tuc": {"get": {"summary": "Danh mục thủ tục hành chính", "parameters": [page, {"name": "linh-vuc", "in": "query", "schema": {"type": "string"}}],
                "responses": {"200": ok(list("ProcedureEntry"))}}},
            "/api/v1/thu-tuc/{slug}": {"get": {"summary": "Một thủ tục hành chính", "parameters": [slug],
                "responses": {"200": ok(json!({"$ref": "#/components/schemas/Procedure"})), "404": error}}}
        },
        "components": {"schemas": {
            "Error": {"type": "object", "required": ["error"], "properties": {"error": {"type": "object", "required": ["code", "message"], "properties": {"code": {"type": "string"}, "message": {"type": "string"}}}}},
            "ArticleEntry": {"type": "object", "properties": {"id": {"type": "string", "format": "uuid"}, "slug": {"type": "string"}, "title": {"type": "string"}, "summary": {"type": "string"}, "section": {"type": "string"}, "url": {"type": "string", "format": "uri"}, "published_at": {"type": "string", "format": "date-time"}}},
            "File": {"type": "object", "properties": {"label": {"type": "string"}, "filename": {"type": "string"}, "content_type": {"type": "string"}, "size_bytes": {"type": "integer"}, "href": {"type": "string", "format": "uri"}}},
            "Article": {"type": "object", "properties": {"id": {"type": "string", "format": "uuid"}, "slug": {"type": "string"}, "title": {"type": "string"}, "summary": {"type": "string"}, "body": {"type": "string", "description": "HTML đã làm sạch"}, "author": {"type": "string"}, "source": {"type": "string"}, "section": {"type": "string"}, "url": {"type": "string"}, "published_at": {"type": "string", "format": "date-time"}, "updated_at": {"type": "string", "format": "date-time"}, "files": {"type": "array", "items": {"$ref": "#/components/schemas/File"}}}},
            "DocumentEntry": {"type": "object", "properties": {"id": {"type": "string", "format": "uuid"}, "slug": {"type": "string"}, "title": {"type": "string"}, "doc_type": {"type": "string"}, "number_symbol": {"type": "string"}, "issuing_body": {"type": "string"}, "summary": {"type": "string"}, "issued_on": {"type": "string", "format": "date"}, "url": {"type": "string"}}},
            "Document": {"allOf": [{"$ref": "#/components/schemas/Article"}, {"type": "object", "properties": {"doc_type": {"type": "string"}, "number_symbol": {"type": "string"}, "issuing_body": {"type": "string"}, "signer": {"type": "string"}, "field": {"type": "string"}, "issued_on": {"type": "string", "format": "date"}, "effective_on": {"type": ["string", "null"], "format": "date"}, "expires_on": {"type": ["string", "null"], "format": "date"}, "expired": {"type": "boolean"}}}]},
            "ProcedureEntry": {"type": "object", "properties": {"id": {"type": "string", "format": "uuid"}, "slug": {"type": "string"}, "title": {"type": "string"}, "code": {"type": "string"}, "field": {"type": "string"}, "online_level": {"type": "string", "enum": ["full", "partial", "none"]}, "url": {"type": "string"}}},
            "Procedure": {"allOf": [{"$ref": "#/components/schemas/Article"}, {"type": "object", "properties": {"code": {"type": "string"}, "field": {"type": "string"}, "online_level": {"type": "string", "enum": ["full", "partial", "none"]}, "processing_time": {"type": "string"}, "fee": {"type": "string"}, "agency": {"type": "string"}, "portal_url": {"type": "string", "format": "uri"}}}]}
        }}
    })
}
