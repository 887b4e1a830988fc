//! The yearly activity reports of every commune of the operator's region
//! (/_console/bao-cao): each commune's report (as its head issued it, else
//! the draft as it reads now) to print or download as DOCX, all of them in
//! one ZIP, and the province's summary: what each commune published, its
//! visits and how it stands against the rules, side by side and charted.

use std::io::Write;

use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use congxa_board::yearly_report;
use congxa_locale::number::grouped;
use congxa_locale::time as vn_time;
use congxa_web::chart::{self, Bar, Chart};
use serde::{Deserialize, Serialize};
use time::Date;

use super::compliance::{CommuneRef, communes_of};
use super::session::{Signed, database_down};
use super::{ConsoleState, Frame, page_not_found, render};
use crate::yearly_report::{self as report, Facts};

/// Communes the chart shows (the table shows all).
const CHART_COMMUNES: usize = 20;

#[derive(Deserialize)]
pub struct YearQuery {
    nam: Option<i32>,
}

/// One commune's report: its facts and the document.
struct Made {
    commune: CommuneRef,
    facts: Facts,
    issued_at: Option<String>,
    saved: bool,
    document: congxa_docx::Document,
}

async fn make(
    state: &ConsoleState,
    calendar: &congxa_calendar::Calendar,
    commune: CommuneRef,
    year: i32,
    today: Date,
) -> Result<Made, sqlx::Error> {
    let mut tx = congxa_db::begin_for_tenant(&state.pool, commune.id).await?;
    let facts = report::facts(&mut tx, commune.id, year, calendar, today).await?;
    let stored = yearly_report::load(&mut tx, year)
        .await
        .map_err(|e| match e {
            congxa_board::BoardError::Database(e) => e,
            other => sqlx::Error::Protocol(other.to_string()),
        })?;
    let draft = report::current(stored.as_ref(), &facts, year, today);
    let document = report::document_of(stored.as_ref(), &facts, &draft, year, today);
    Ok(Made {
        issued_at: stored
            .as_ref()
            .and_then(|s| s.issued_at)
            .map(vn_time::date_and_time),
        saved: stored.is_some(),
        commune,
        facts,
        document,
    })
}

/// The reports of the given communes, one after another: each is a
/// handful of queries, and operators ask for them rarely.
async fn make_all(
    state: &ConsoleState,
    communes: Vec<CommuneRef>,
    year: i32,
) -> Result<Vec<Made>, sqlx::Error> {
    let today = vn_time::now().date();
    let calendar = {
        let mut conn = state.pool.acquire().await?;
        congxa_calendar::stored::load(&mut conn).await?
    };
    let mut made = Vec::with_capacity(communes.len());
    for commune in communes {
        made.push(make(state, &calendar, commune, year, today).await?);
    }
    Ok(made)
}

fn year_of(asked: Option<i32>) -> Option<i32> {
    let today = vn_time::now().date();
    let year = asked.unwrap_or(today.year());
    yearly_report::valid_year(year, today).then_some(year)
}

#[derive(Serialize)]
struct Line {
    slug: String,
    name: String,
    status: String,
    published: String,
    views: String,
    visitors: String,
    compliance: String,
}

#[derive(Serialize)]
struct ReportsPage {
    year: i32,
    years: Vec<i32>,
    lines: Vec<Line>,
    totals: Line,
    issued: usize,
    chart: String,
}

pub async fn page(
    signed: Signed,
    State(state): State<ConsoleState>,
    Query(query): Query<YearQuery>,
) -> Response {
    let Some(year) = year_of(query.nam) else {
        return page_not_found();
    };
    let loaded = async {
        let communes = communes_of(&state.pool, signed.operator.region_id).await?;
        make_all(&state, communes, year).await
    };
    let made = match loaded.await {
        Ok(made) => made,
        Err(error) => return database_down(error),
    };
    let mut bars: Vec<Bar> = made
        .iter()
        .map(|m| Bar {
            label: m.commune.name.clone(),
            full_label: m.commune.name.clone(),
            value: m.facts.yearly.published,
        })
        .collect();
    bars.sort_by(|a, b| b.value.cmp(&a.value).then_with(|| a.label.cmp(&b.label)));
    bars.truncate(CHART_COMMUNES);
    let title = format!("Các xã đăng nhiều tin, bài, văn bản nhất năm {year}");
    let chart = chart::ranking(&Chart {
        id: "reports",
        title: &title,
        unit: "tin, bài, văn bản",
        bars: &bars,
    });
    let totals = Line {
        slug: String::new(),
        name: "Toàn tỉnh".to_owned(),
        status: String::new(),
        published: grouped(made.iter().map(|m| m.facts.yearly.published).sum()),
        views: grouped(made.iter().map(|m| m.facts.yearly.visits.views).sum()),
        visitors: grouped(made.iter().map(|m| m.facts.yearly.visits.visitors).sum()),
        compliance: format!(
            "{}/{} xã đạt mọi tiêu chí",
            made.iter()
                .filter(|m| m.facts.checklist.passed == m.facts.checklist.total)
                .count(),
            made.len()
        ),
    };
    let this_year = vn_time::now().year();
    let page = ReportsPage {
        year,
        years: (this_year - 4..=this_year).rev().collect(),
        issued: made.iter().filter(|m| m.issued_at.is_some()).count(),
        lines: made
            .into_iter()
            .map(|m| Line {
                status: match (&m.issued_at, m.saved) {
                    (Some(at), _) => format!("Đã ban hành ({at})"),
                    (None, true) => "Dự thảo".to_owned(),
                    (None, false) => "Chưa lập (bản gợi ý)".to_owned(),
                },
                published: grouped(m.facts.yearly.published),
                views: grouped(m.facts.yearly.visits.views),
                visitors: grouped(m.facts.yearly.visits.visitors),
                compliance: format!("{}/{}", m.facts.checklist.passed, m.facts.checklist.total),
                slug: m.commune.slug,
                name: m.commune.name,
            })
            .collect(),
        totals,
        chart,
    };
    let title = format!("Báo cáo hoạt động của trang các xã năm {year}");
    render(
        &state,
        StatusCode::OK,
        "reports.html",
        Frame {
            title: &title,
            operator: Some(&signed.operator),
            csrf: &signed.csrf,
            message: None,
            error: None,
            page,
        },
    )
}

/// One commune's report (`<slug>.docx`, `<slug>.html`) or all of them
/// (`tat-ca.zip`).
pub async fn download(
    signed: Signed,
    State(state): State<ConsoleState>,
    Path((year, file)): Path<(i32, String)>,
) -> Response {
    let Some(year) = year_of(Some(year)) else {
        return page_not_found();
    };
    let communes = match communes_of(&state.pool, signed.operator.region_id).await {
        Ok(communes) => communes,
        Err(error) => return database_down(error),
    };
    if file == "tat-ca.zip" {
        return match make_all(&state, communes, year).await {
            Ok(made) => zip_download(&made, year),
            Err(error) => database_down(error),
        };
    }
    let (slug, html) = match (file.strip_suffix(".docx"), file.strip_suffix(".html")) {
        (Some(slug), _) => (slug, false),
        (_, Some(slug)) => (slug, true),
        _ => return page_not_found(),
    };
    // Only a commune of the operator's region, whatever the address says.
    let Some(commune) = communes.into_iter().find(|c| c.slug == slug) else {
        return page_not_found();
    };
    let slug = commune.slug.clone();
    match make_all(&state, vec![commune], year).await {
        Ok(made) => match made.first() {
            Some(m) if html => report::printable_page(&m.document),
            Some(m) => report::docx_download(&m.document, &slug, year),
            None => page_not_found(),
        },
        Err(error) => database_down(error),
    }
}

fn zip_download(made: &[Made], year: i32) -> Response {
    let written = (|| {
        let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        for m in made {
            let bytes = congxa_docx::write(&m.document).map_err(anyhow::Error::from)?;
            zip.start_file(
                format!("bao-cao-hoat-dong-trang-{}-{year}.docx", m.commune.slug),
                options,
            )?;
            zip.write_all(&bytes)?;
        }
        Ok::<_, anyhow::Error>(zip.finish()?.into_inner())
    })();
    match written {
        Ok(bytes) => {
            let mut response = (StatusCode::OK, bytes).into_response();
            let headers = response.headers_mut();
            headers.insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/zip"),
            );
            if let Ok(value) = HeaderValue::from_str(&format!(
                "attachment; filename=\"bao-cao-hoat-dong-cac-xa-{year}.zip\""
            )) {
                headers.insert(header::CONTENT_DISPOSITION, value);
            }
            headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            response
        }
        Err(error) => congxa_web::ApiError::internal(error).into_page(),
    }
}
