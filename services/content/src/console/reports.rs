//! The yearly activity reports of every commune of the operator's region
//! (/_console/bao-cao): each commune's report (as its head issued it, else
//! the draft as it reads now) to print or download as DOCX, all of them in
//! one ZIP, and the province's summary: what each commune published, its
//! visits and how it stands against the rules, side by side and charted.

use std::io::Write;

use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use congxa_board::yearly_report;
use congxa_locale::number::grouped;
use congxa_locale::time as vn_time;
use congxa_web::chart::{self, Bar, Chart};
use serde::Serialize;
use time::Date;

use super::compliance::{CommuneRef, communes_of};
use super::session::{Signed, database_down};
use super::{ConsoleState, Frame, page_not_found, render};
use crate::site::params::Params;
use crate::yearly_report::{self as report, Facts};

/// Communes the chart shows (the table shows all).
const CHART_COMMUNES: usize = 20;

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
) -> anyhow::Result<Made> {
    let mut tx = congxa_db::begin_for_tenant(&state.pool, commune.id).await?;
    let facts = report::facts(&mut tx, commune.id, year, calendar, today).await?;
    let stored = yearly_report::load(&mut tx, year).await?;
    let draft = report::current(stored.as_ref(), &facts, year, today);
    let document = report::document_of(stored.as_ref(), &facts, &draft, year, today)?;
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

async fn calendar(state: &ConsoleState) -> Result<congxa_calendar::Calendar, sqlx::Error> {
    let mut conn = state.pool.acquire().await?;
    congxa_calendar::stored::load(&mut conn).await
}

/// The reports of the given communes, one after another: each is a
/// handful of queries, and operators ask for them rarely.
async fn make_all(
    state: &ConsoleState,
    communes: Vec<CommuneRef>,
    year: i32,
) -> anyhow::Result<Vec<Made>> {
    let today = vn_time::now().date();
    let calendar = calendar(state).await?;
    let mut made = Vec::with_capacity(communes.len());
    for commune in communes {
        made.push(make(state, &calendar, commune, year, today).await?);
    }
    Ok(made)
}

/// A fault while making reports: the database's, or ours.
fn failed(error: anyhow::Error) -> Response {
    if error.downcast_ref::<sqlx::Error>().is_some() {
        database_down(error)
    } else {
        congxa_web::ApiError::internal(error).into_page()
    }
}

/// The year asked for (this year when none), when it can have a report.
fn year_of(asked: Option<&str>) -> Option<i32> {
    let today = vn_time::now().date();
    let year = match asked {
        None => today.year(),
        Some(raw) => raw.parse().ok()?,
    };
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
    RawQuery(query): RawQuery,
) -> Response {
    let Some(year) = year_of(Params::parse(query.as_deref()).get("nam")) else {
        return page_not_found();
    };
    let loaded = async {
        let communes = communes_of(&state.pool, signed.operator.region_id).await?;
        make_all(&state, communes, year).await
    };
    let judged = |m: &Made| m.facts.checklist.as_ref().map(|c| (c.passed, c.total));
    let made = match loaded.await {
        Ok(made) => made,
        Err(error) => return failed(error),
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
        name: "Cộng".to_owned(),
        status: String::new(),
        published: grouped(made.iter().map(|m| m.facts.yearly.published).sum()),
        views: grouped(made.iter().map(|m| m.facts.yearly.visits.views).sum()),
        visitors: grouped(made.iter().map(|m| m.facts.yearly.visits.visitors).sum()),
        compliance: if made.iter().any(|m| judged(m).is_some()) {
            format!(
                "{}/{} xã đạt mọi tiêu chí",
                made.iter()
                    .filter(|m| judged(m).is_some_and(|(p, t)| p == t))
                    .count(),
                made.len()
            )
        } else {
            "—".to_owned()
        },
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
                compliance: judged(&m).map_or_else(|| "—".to_owned(), |(p, t)| format!("{p}/{t}")),
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
    Path((year, file)): Path<(String, String)>,
) -> Response {
    let Some(year) = year_of(Some(&year)) else {
        return page_not_found();
    };
    let communes = match communes_of(&state.pool, signed.operator.region_id).await {
        Ok(communes) => communes,
        Err(error) => return database_down(error),
    };
    if file == "tat-ca.zip" {
        return match make_all(&state, communes, year).await {
            Ok(made) => zip_download(&made, year),
            Err(error) => failed(error),
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
    let made = async {
        let calendar = calendar(&state).await?;
        make(&state, &calendar, commune, year, vn_time::now().date()).await
    };
    match made.await {
        Ok(m) if html => report::printable_page(&m.document),
        Ok(m) => report::docx_download(&m.document, &slug, year),
        Err(error) => failed(error),
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
