//! Visits of every commune side by side (/_console/thong-ke), sortable, with
//! the province's totals and a chart, and the same as a JSON feed for the
//! province's monitoring (/_console/api/giam-sat, Decree 224/2026 Art. 12).
//! Both are shared views: figures from 1 to 9 show as "< 10". The yearly
//! figures of one commune (/_console/api/thong-ke/{slug}/{year}) are for the
//! operators' reports and exact.

use axum::Json;
use axum::extract::{FromRequestParts, Path, RawQuery, State};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use congxa_locale::time as vn_time;
use congxa_stats::privacy::Shared;
use congxa_stats::province::{self, Commune};
use congxa_stats::shown;
use congxa_web::ApiError;
use congxa_web::chart::{self, Bar, Chart};
use serde::Serialize;

use super::session::{Signed, database_down};
use super::{ConsoleState, Frame, FromPlatform, render};
use crate::site::params::Params;

/// Communes the chart shows (the table shows all).
const CHART_COMMUNES: usize = 20;

/// The columns the table sorts by.
#[derive(Clone, Copy, PartialEq, Eq)]
enum SortBy {
    Name,
    Views,
    Visits,
    Total,
}

impl SortBy {
    fn parse(raw: Option<&str>) -> Self {
        match raw {
            Some("luot-xem") => Self::Views,
            Some("luot-truy-cap") => Self::Visits,
            Some("tong") => Self::Total,
            _ => Self::Name,
        }
    }

    fn code(self) -> &'static str {
        match self {
            Self::Name => "ten",
            Self::Views => "luot-xem",
            Self::Visits => "luot-truy-cap",
            Self::Total => "tong",
        }
    }
}

fn sort(communes: &mut [Commune], by: SortBy, ascending: bool) {
    communes.sort_by(|a, b| {
        let order = match by {
            SortBy::Name => a.name.cmp(&b.name),
            SortBy::Views => a.views.cmp(&b.views),
            SortBy::Visits => a.visits.cmp(&b.visits),
            SortBy::Total => a.total.cmp(&b.total),
        };
        let order = if ascending { order } else { order.reverse() };
        order.then_with(|| a.slug.cmp(&b.slug))
    });
}

#[derive(Serialize)]
struct Line {
    slug: String,
    name: String,
    active: bool,
    views: String,
    visits: String,
    bots: String,
    total: String,
}

#[derive(Serialize)]
struct Column {
    label: &'static str,
    href: String,
    /// "ascending", "descending" or "none", for aria-sort.
    sorted: &'static str,
}

#[derive(Serialize)]
struct VisitsPage {
    tu_ngay: String,
    den_ngay: String,
    span: String,
    columns: Vec<Column>,
    lines: Vec<Line>,
    totals: Line,
    chart: String,
}

pub async fn page(
    signed: Signed,
    State(state): State<ConsoleState>,
    RawQuery(query): RawQuery,
) -> Response {
    let params = Params::parse(query.as_deref());
    let (first, last) = params.day_span();
    let by = SortBy::parse(params.get("sap-xep"));
    // Names read A to Z; figures largest first, unless asked otherwise.
    let ascending = match params.get("chieu") {
        Some("tang") => true,
        Some("giam") => false,
        _ => by == SortBy::Name,
    };
    let loaded = async {
        let mut conn = state.pool.acquire().await?;
        province::communes(&mut conn, first, last, signed.operator.region_id).await
    };
    let mut communes = match loaded.await {
        Ok(communes) => communes,
        Err(error) => return database_down(error),
    };
    sort(&mut communes, by, ascending);

    let span_text = format!("{} – {}", vn_time::day_date(first), vn_time::day_date(last));
    let mut busiest = communes.clone();
    busiest.sort_by(|a, b| b.views.cmp(&a.views).then_with(|| a.name.cmp(&b.name)));
    let bars: Vec<Bar> = busiest
        .iter()
        .take(CHART_COMMUNES)
        .map(|c| Bar {
            label: c.name.clone(),
            full_label: c.name.clone(),
            value: c.views,
        })
        .collect();
    let title = format!("Các xã có nhiều lượt xem nhất, {span_text}");
    let chart = chart::ranking(&Chart {
        id: "communes",
        title: &title,
        unit: "lượt xem",
        bars: &bars,
    });
    let column = |label: &'static str, column: SortBy| {
        let now_ascending = by == column && ascending;
        let next = if by == column {
            !ascending
        } else {
            column == SortBy::Name
        };
        Column {
            label,
            href: format!(
                "/thong-ke?tu-ngay={first}&den-ngay={last}&sap-xep={}&chieu={}",
                column.code(),
                if next { "tang" } else { "giam" }
            ),
            sorted: match (by == column, now_ascending) {
                (false, _) => "none",
                (true, true) => "ascending",
                (true, false) => "descending",
            },
        }
    };
    let totals = Line {
        slug: String::new(),
        name: "Toàn tỉnh".to_owned(),
        active: true,
        views: shown(communes.iter().map(|c| c.views).sum()),
        visits: shown(communes.iter().map(|c| c.visits).sum()),
        bots: shown(communes.iter().map(|c| c.bots).sum()),
        total: shown(communes.iter().map(|c| c.total).sum()),
    };
    let page = VisitsPage {
        columns: vec![
            column("Xã, phường", SortBy::Name),
            column("Lượt xem trang", SortBy::Views),
            column("Lượt truy cập", SortBy::Visits),
            column("Tổng lượt xem từ trước đến nay", SortBy::Total),
        ],
        lines: communes
            .into_iter()
            .map(|c| Line {
                views: shown(c.views),
                visits: shown(c.visits),
                bots: shown(c.bots),
                total: shown(c.total),
                slug: c.slug,
                name: c.name,
                active: c.active,
            })
            .collect(),
        totals,
        chart,
        tu_ngay: first.to_string(),
        den_ngay: last.to_string(),
        span: span_text,
    };
    render(
        &state,
        StatusCode::OK,
        "visits.html",
        Frame {
            title: "Thống kê truy cập các xã",
            operator: Some(&signed.operator),
            csrf: &signed.csrf,
            message: None,
            error: None,
            page,
        },
    )
}

/// Who may read the feeds: a system holding the operators' API token (the
/// whole platform), or an operator signed in to the console (their
/// region). Returns the region to keep to.
async fn monitor(state: &ConsoleState, parts: &mut Parts) -> Result<Option<uuid::Uuid>, ApiError> {
    if congxa_web::internal::bearer_matches(&parts.headers, &state.operator_token) {
        return Ok(None);
    }
    match Signed::from_request_parts(parts, state).await {
        Ok(signed) => Ok(signed.operator.region_id),
        Err(_) => Err(ApiError::unauthorized()),
    }
}

#[derive(Serialize)]
struct FeedCommune {
    slug: String,
    name: String,
    active: bool,
    /// The site against the rules (Decree 224/2026 Art. 12): checks passed,
    /// checks made, and the codes of those failed.
    compliance: Option<FeedCompliance>,
    views: Shared,
    visits: Shared,
    bots: Shared,
    total: Shared,
}

#[derive(Serialize)]
struct FeedCompliance {
    passed: usize,
    total: usize,
    failed: Vec<String>,
}

#[derive(Serialize)]
struct Feed {
    from: String,
    to: String,
    generated_at: String,
    /// Figures from 1 to 9 are given as the string "< 10".
    totals: FeedTotals,
    communes: Vec<FeedCommune>,
}

#[derive(Serialize)]
struct FeedTotals {
    communes: usize,
    views: Shared,
    visits: Shared,
    total: Shared,
}

/// The province's monitoring feed.
pub async fn feed(
    _: FromPlatform,
    State(state): State<ConsoleState>,
    mut parts: Parts,
    RawQuery(query): RawQuery,
) -> Response {
    let region = match monitor(&state, &mut parts).await {
        Ok(region) => region,
        Err(error) => return error.into_response(),
    };
    let params = Params::parse(query.as_deref());
    let (first, last) = params.day_span();
    let loaded = async {
        let mut conn = state.pool.acquire().await?;
        let communes = province::communes(&mut conn, first, last, region).await?;
        drop(conn);
        let checked = super::compliance::communes_of(&state.pool, region).await?;
        let lists = super::compliance::checklists(
            &state.pool,
            &state.checked,
            &checked,
            vn_time::now().date(),
        )
        .await?;
        let compliance: std::collections::HashMap<String, FeedCompliance> = checked
            .into_iter()
            .zip(lists)
            .map(|(c, list)| {
                let failed = list.failed().map(|f| f.code.clone()).collect();
                (
                    c.slug,
                    FeedCompliance {
                        passed: list.passed,
                        total: list.total,
                        failed,
                    },
                )
            })
            .collect();
        Ok::<_, sqlx::Error>((communes, compliance))
    };
    let (communes, mut compliance) = match loaded.await {
        Ok(found) => found,
        Err(error) => {
            return ApiError::unavailable(
                "database_unavailable",
                "Cơ sở dữ liệu tạm thời không truy cập được.",
            )
            .with_source(error)
            .into_response();
        }
    };
    let feed = Feed {
        from: first.to_string(),
        to: last.to_string(),
        generated_at: time::OffsetDateTime::now_utc()
            .format(&time::format_description::well_known::Rfc3339)
            .unwrap_or_default(),
        totals: FeedTotals {
            communes: communes.len(),
            views: communes.iter().map(|c| c.views).sum::<u64>().into(),
            visits: communes.iter().map(|c| c.visits).sum::<u64>().into(),
            total: communes.iter().map(|c| c.total).sum::<u64>().into(),
        },
        communes: communes
            .into_iter()
            .map(|c| FeedCommune {
                compliance: compliance.remove(&c.slug),
                views: c.views.into(),
                visits: c.visits.into(),
                bots: c.bots.into(),
                total: c.total.into(),
                slug: c.slug,
                name: c.name,
                active: c.active,
            })
            .collect(),
    };
    Json(feed).into_response()
}

/// One commune's figures of a year, exact, for the operators' reports.
pub async fn yearly(
    _: FromPlatform,
    State(state): State<ConsoleState>,
    Path((slug, year)): Path<(String, String)>,
    mut parts: Parts,
) -> Response {
    let region = match monitor(&state, &mut parts).await {
        Ok(region) => region,
        Err(error) => return error.into_response(),
    };
    let Some(year) = year
        .parse::<i32>()
        .ok()
        .filter(|y| (2000..=9999).contains(y))
    else {
        return ApiError::bad_request("year_invalid", "Năm không hợp lệ.").into_response();
    };
    let loaded = async {
        let mut conn = state.pool.acquire().await?;
        let tenant = sqlx::query!(
            "SELECT id FROM tenants WHERE slug = $1 AND ($2::uuid IS NULL OR region_id = $2)",
            slug,
            region
        )
        .fetch_optional(&mut *conn)
        .await?;
        let Some(tenant) = tenant else {
            return Ok(None);
        };
        let mut tx = congxa_db::begin_for_tenant(&state.pool, tenant.id).await?;
        Ok::<_, sqlx::Error>(Some(
            congxa_stats::yearly::yearly(&mut tx, tenant.id, year).await?,
        ))
    };
    match loaded.await {
        Ok(Some(figures)) => Json(figures).into_response(),
        Ok(None) => ApiError::not_found().into_response(),
        Err(error) => ApiError::unavailable(
            "database_unavailable",
            "Cơ sở dữ liệu tạm thời không truy cập được.",
        )
        .with_source(error)
        .into_response(),
    }
}
