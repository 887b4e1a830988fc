//! Documents (văn bản): the list with search by any field and by issue-date
//! range (Decree 42/2022 Art. 4), and each document's page with its form,
//! number and symbol, issuing body, signer, dates, field, summary and files.

use congxa_locale::time as vn_time;
use congxa_web::ApiError;
use serde::Serialize;
use time::Date;
use uuid::Uuid;

use super::articles::{Crumb, Detail, View, trail};
use super::items::iso_day;
use super::items::{Item, Section};
use super::paging::{Pager, Paging};
use super::params::{Params, with_query};
use super::{Outcome, Page, Visit, db_error};
use crate::AppState;

const PER_PAGE: u32 = 20;

#[derive(Serialize)]
pub struct Row {
    pub id: Uuid,
    pub slug: String,
    pub href: String,
    pub title: String,
    pub doc_type: String,
    pub number_symbol: String,
    pub issuing_body: String,
    pub summary: String,
    #[serde(with = "iso_day")]
    pub issued_on: Date,
}

/// The filters of the document list, as typed.
#[derive(Serialize, Default)]
struct Filters {
    q: Option<String>,
    loai: Option<String>,
    linh_vuc: Option<String>,
    co_quan: Option<String>,
    nguoi_ky: Option<String>,
    tu_ngay: Option<String>,
    den_ngay: Option<String>,
    /// Dates that could not be read, said so on the page.
    problems: Vec<String>,
}

#[derive(Serialize)]
struct Choices {
    types: Vec<String>,
    fields: Vec<String>,
    bodies: Vec<String>,
    signers: Vec<String>,
}

#[derive(Serialize)]
struct ListData {
    section: Section,
    trail: Vec<Crumb>,
    filters: Filters,
    choices: Choices,
    rows: Vec<Row>,
    pager: Pager,
    filtered: bool,
}

/// A search of the documents; every part optional.
#[derive(Default)]
pub struct Query {
    pub doc_type: Option<String>,
    pub field: Option<String>,
    pub issuing_body: Option<String>,
    pub signer: Option<String>,
    /// Issued on or after.
    pub from: Option<Date>,
    /// Issued on or before.
    pub to: Option<Date>,
    /// Words, or a number and symbol.
    pub q: Option<String>,
}

/// Published documents matching `query`, and how many match in all (the
/// page and the API search alike). A number typed as issued ("142/BC-UBND")
/// comes first; then matches of the words, diacritics or not, typos within
/// reason; then the newest.
pub async fn search(
    conn: &mut sqlx::PgConnection,
    query: &Query,
    limit: i64,
    offset: i64,
) -> sqlx::Result<(Vec<Row>, i64)> {
    let rows = sqlx::query!(
        r#"SELECT i.id, i.slug, '/' || s.path || '/' || i.slug AS "href!", i.title, d.doc_type,
                  d.number_symbol, d.issuing_body, i.summary, d.issued_on, count(*) OVER () AS "total!"
           FROM documents d JOIN items i ON i.id = d.item_id JOIN sections s ON s.id = i.section_id
           WHERE i.status = 'published' AND i.published_at <= now()
             AND ($1::text IS NULL OR d.doc_type = $1)
             AND ($2::text IS NULL OR d.field = $2)
             AND ($3::text IS NULL OR d.issuing_body = $3)
             AND ($4::text IS NULL OR d.signer = $4)
             AND ($5::date IS NULL OR d.issued_on >= $5)
             AND ($6::date IS NULL OR d.issued_on <= $6)
             AND ($7::text IS NULL
                  OR i.search_vector @@ websearch_to_tsquery('congxa_vi', $7)
                  OR lower(d.number_symbol) LIKE '%' || lower($7) || '%'
                  OR congxa_fold($7) <% i.search_folded)
           ORDER BY ($7::text IS NOT NULL AND lower(d.number_symbol) = lower($7)) DESC,
                    ts_rank(i.search_vector, websearch_to_tsquery('congxa_vi', COALESCE($7, ''))) DESC,
                    d.issued_on DESC, i.id
           LIMIT $8 OFFSET $9"#,
        query.doc_type,
        query.field,
        query.issuing_body,
        query.signer,
        query.from,
        query.to,
        query.q,
        limit,
        offset
    )
    .fetch_all(conn)
    .await?;
    let total = rows.first().map_or(0, |r| r.total);
    let rows = rows
        .into_iter()
        .map(|r| Row {
            id: r.id,
            slug: r.slug,
            href: r.href,
            title: r.title,
            doc_type: r.doc_type,
            number_symbol: r.number_symbol,
            issuing_body: r.issuing_body,
            summary: r.summary,
            issued_on: r.issued_on,
        })
        .collect();
    Ok((rows, total))
}

fn day_filter(
    params: &Params,
    name: &str,
    label: &str,
    problems: &mut Vec<String>,
) -> (Option<String>, Option<Date>) {
    let raw = params.get(name).map(str::to_owned);
    let day = raw.as_deref().and_then(vn_time::parse_day);
    if raw.is_some() && day.is_none() {
        problems.push(format!(
            "{label} không đúng dạng ngày (ví dụ: 26/11/2026); điều kiện này được bỏ qua."
        ));
    }
    (raw, day)
}

pub async fn list(
    state: &AppState,
    visit: &Visit,
    section: Section,
    params: &Params,
) -> Result<Outcome, ApiError> {
    let paging = Paging::new(params.get("trang"), PER_PAGE);
    let mut filters = Filters {
        q: params.get("q").map(str::to_owned),
        loai: params.get("loai").map(str::to_owned),
        linh_vuc: params.get("linh-vuc").map(str::to_owned),
        co_quan: params.get("co-quan").map(str::to_owned),
        nguoi_ky: params.get("nguoi-ky").map(str::to_owned),
        ..Filters::default()
    };
    let mut problems = Vec::new();
    let (tu_ngay, from) = day_filter(params, "tu-ngay", "Ngày ban hành từ", &mut problems);
    let (den_ngay, to) = day_filter(params, "den-ngay", "Ngày ban hành đến", &mut problems);
    filters.tu_ngay = tu_ngay;
    filters.den_ngay = den_ngay;
    filters.problems = problems;

    let mut tx = visit.begin(&state.pool).await?;
    let query = Query {
        doc_type: filters.loai.clone(),
        field: filters.linh_vuc.clone(),
        issuing_body: filters.co_quan.clone(),
        signer: filters.nguoi_ky.clone(),
        from,
        to,
        q: filters.q.clone(),
    };
    let (rows, total) = search(&mut tx, &query, paging.limit(), paging.offset())
        .await
        .map_err(db_error)?;
    // A commune with no documents yet aggregates to NULL: empty lists.
    let choices = sqlx::query!(
        r#"SELECT COALESCE(array_agg(DISTINCT doc_type), '{}') AS "types!", array_agg(DISTINCT field) FILTER (WHERE field <> '') AS fields,
                  COALESCE(array_agg(DISTINCT issuing_body), '{}') AS "bodies!", array_agg(DISTINCT signer) FILTER (WHERE signer <> '') AS signers
           FROM documents"#
    )
    .fetch_one(&mut *tx)
    .await
    .map_err(db_error)?;
    let trail = trail(&mut tx, &section).await.map_err(db_error)?;
    drop(tx);

    let path = section.href();
    let base = with_query(
        &path,
        &[
            ("q", filters.q.as_deref()),
            ("loai", filters.loai.as_deref()),
            ("linh-vuc", filters.linh_vuc.as_deref()),
            ("co-quan", filters.co_quan.as_deref()),
            ("nguoi-ky", filters.nguoi_ky.as_deref()),
            ("tu-ngay", filters.tu_ngay.as_deref()),
            ("den-ngay", filters.den_ngay.as_deref()),
        ],
    );
    let title = section.name.clone();
    let data = ListData {
        filtered: base != path,
        pager: paging.links(total, &base),
        section,
        trail,
        filters,
        choices: Choices {
            types: choices.types,
            fields: choices.fields.unwrap_or_default(),
            bodies: choices.bodies,
            signers: choices.signers.unwrap_or_default(),
        },
        rows,
    };
    Ok(Page {
        template: "documents.html",
        page: "section",
        title: &title,
        path: &path,
        data,
    }
    .render(state, visit)
    .await?
    .into())
}

#[derive(Serialize)]
pub struct Fields {
    pub doc_type: String,
    pub number_symbol: String,
    pub issuing_body: String,
    pub signer: String,
    pub field: String,
    #[serde(with = "iso_day")]
    pub issued_on: Date,
    #[serde(with = "iso_day::option")]
    pub effective_on: Option<Date>,
    #[serde(with = "iso_day::option")]
    pub expires_on: Option<Date>,
    /// Past its expiry date: shown, but marked as no longer in force.
    pub expired: bool,
}

pub async fn fields(conn: &mut sqlx::PgConnection, item: Uuid) -> sqlx::Result<Option<Fields>> {
    sqlx::query_as!(
        Fields,
        r#"SELECT doc_type, number_symbol, issuing_body, signer, field, issued_on, effective_on, expires_on,
                  COALESCE(expires_on < (now() AT TIME ZONE 'Asia/Ho_Chi_Minh')::date, false) AS "expired!"
           FROM documents WHERE item_id = $1"#,
        item
    )
    .fetch_optional(conn)
    .await
}

pub async fn detail(
    state: &AppState,
    visit: &Visit,
    item: Item,
    view: View,
) -> Result<Outcome, ApiError> {
    let mut tx = visit.begin(&state.pool).await?;
    let Some(fields) = fields(&mut tx, item.id).await.map_err(db_error)? else {
        return Ok(Outcome::NotFound);
    };
    drop(tx);
    Detail::load(state, visit, item, fields)
        .await?
        .render(state, visit, "document.html", view)
        .await
}
