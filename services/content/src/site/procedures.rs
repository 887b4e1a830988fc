//! The commune's administrative procedures (thủ tục hành chính), linked to
//! the national public-service portal, with the one-stop shop's results.

use congxa_web::ApiError;
use serde::Serialize;
use time::Date;
use uuid::Uuid;

use super::articles::{Crumb, Detail, View, trail};
use super::items::{Item, Section};
use super::params::{Params, with_query};
use super::{Outcome, Page, Visit, db_error};
use crate::AppState;

/// The national public-service portal, where procedures are done online.
pub const NATIONAL_PORTAL: &str = "https://dichvucong.gov.vn";

#[derive(Serialize)]
struct Row {
    href: String,
    title: String,
    code: String,
    field: String,
    online_level: String,
    processing_time: String,
}

/// One month of the one-stop shop, with its bar lengths for the chart.
#[derive(Serialize)]
struct Month {
    label: String,
    received: i32,
    on_time: i32,
    late: i32,
    in_progress: i32,
    online: i32,
    /// Percent of the largest month's total, for the bars.
    on_time_pct: f64,
    late_pct: f64,
    in_progress_pct: f64,
}

#[derive(Serialize)]
struct ListData {
    section: Section,
    trail: Vec<Crumb>,
    rows: Vec<Row>,
    fields: Vec<String>,
    linh_vuc: Option<String>,
    muc_do: Option<String>,
    q: Option<String>,
    months: Vec<Month>,
    portal: &'static str,
}

pub async fn list(
    state: &AppState,
    visit: &Visit,
    section: Section,
    params: &Params,
) -> Result<Outcome, ApiError> {
    let linh_vuc = params.get("linh-vuc").map(str::to_owned);
    let muc_do = params
        .get("muc-do")
        .filter(|l| matches!(*l, "full" | "partial" | "none"))
        .map(str::to_owned);
    let q = params.get("q").map(str::to_owned);
    let mut tx = visit.begin(&state.pool).await?;
    let rows = sqlx::query_as!(
        Row,
        r#"SELECT '/' || s.path || '/' || i.slug AS "href!", i.title, p.code, p.field,
                  p.online_level, p.processing_time
           FROM procedures p JOIN items i ON i.id = p.item_id JOIN sections s ON s.id = i.section_id
           WHERE i.status = 'published' AND i.published_at <= now()
             AND ($1::text IS NULL OR p.field = $1)
             AND ($2::text IS NULL OR p.online_level = $2)
             AND ($3::text IS NULL OR i.search_vector @@ websearch_to_tsquery('congxa_vi', $3)
                  OR p.code = $3 OR congxa_fold($3) <% i.search_folded)
           ORDER BY p.field, i.title"#,
        linh_vuc,
        muc_do,
        q
    )
    .fetch_all(&mut *tx)
    .await
    .map_err(db_error)?;
    let fields = sqlx::query_scalar!(r#"SELECT DISTINCT field AS "f!" FROM procedures ORDER BY 1"#)
        .fetch_all(&mut *tx)
        .await
        .map_err(db_error)?;
    let results = sqlx::query!(
        "SELECT month, received, on_time, late, in_progress, online FROM one_stop_results
         ORDER BY month DESC LIMIT 12"
    )
    .fetch_all(&mut *tx)
    .await
    .map_err(db_error)?;
    let trail = trail(&mut tx, &section).await.map_err(db_error)?;
    drop(tx);
    let largest = f64::from(results.iter().map(|r| r.received).max().unwrap_or(1).max(1));
    let pct = |n: i32| (f64::from(n) * 1000.0 / largest).round() / 10.0;
    let months = results
        .into_iter()
        .rev()
        .map(|r| Month {
            label: month_label(r.month),
            on_time_pct: pct(r.on_time),
            late_pct: pct(r.late),
            in_progress_pct: pct(r.in_progress),
            received: r.received,
            on_time: r.on_time,
            late: r.late,
            in_progress: r.in_progress,
            online: r.online,
        })
        .collect();
    let path = section.href();
    let canonical = with_query(
        &path,
        &[
            ("linh-vuc", linh_vuc.as_deref()),
            ("muc-do", muc_do.as_deref()),
            ("q", q.as_deref()),
        ],
    );
    let title = section.name.clone();
    let data = ListData {
        section,
        trail,
        rows,
        fields,
        linh_vuc,
        muc_do,
        q,
        months,
        portal: NATIONAL_PORTAL,
    };
    Ok(Page {
        template: "procedures.html",
        page: "section",
        title: &title,
        path: &canonical,
        data,
    }
    .render(state, visit)
    .await?
    .into())
}

/// "11/2026".
fn month_label(month: Date) -> String {
    format!("{:02}/{}", u8::from(month.month()), month.year())
}

#[derive(Serialize)]
pub struct Fields {
    pub code: String,
    pub field: String,
    pub online_level: String,
    pub processing_time: String,
    pub fee: String,
    pub agency: String,
    pub portal_url: String,
}

pub async fn fields(conn: &mut sqlx::PgConnection, item: Uuid) -> sqlx::Result<Option<Fields>> {
    sqlx::query_as!(
        Fields,
        "SELECT code, field, online_level, processing_time, fee, agency, portal_url
         FROM procedures WHERE item_id = $1",
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
    let Some(mut fields) = fields(&mut tx, item.id).await.map_err(db_error)? else {
        return Ok(Outcome::NotFound);
    };
    drop(tx);
    if fields.portal_url.is_empty() {
        fields.portal_url = NATIONAL_PORTAL.to_owned();
    }
    Detail::load(state, visit, item, fields)
        .await?
        .render(state, visit, "procedure.html", view)
        .await
}
