//! The board's visit statistics (/quan-tri/thong-ke): views per day, month
//! and year as charts, the most read items, where visitors came from and on
//! what devices; the days as CSV; the year's figures as JSON for the yearly
//! report. Figures are PostgreSQL's, at most a minute behind the live
//! counter. The board sees its own commune's exact numbers.

use axum::Json;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use congxa_board::{BoardError, Role};
use congxa_locale::number::grouped;
use congxa_locale::time as vn_time;
use congxa_stats::series::{self, Figures};
use congxa_stats::{Dimension, dimension};
use congxa_web::chart::{self, Bar, Chart};
use serde::Serialize;
use time::{Date, Month};
use uuid::Uuid;

use super::session::Member;
use super::{board_error, csv_download, render};
use crate::AppState;
use crate::site::params::Params;

/// Rows of each ranking.
const TOP: i64 = 10;

#[derive(Serialize)]
struct Row {
    label: String,
    views: String,
    visits: String,
    visitors: String,
    bots: String,
}

impl Row {
    fn new(label: String, f: &Figures) -> Self {
        Self {
            label,
            views: grouped(f.views),
            visits: grouped(f.visits),
            visitors: grouped(f.visitors),
            bots: grouped(f.bots),
        }
    }
}

#[derive(Serialize)]
struct Ranked {
    label: String,
    href: Option<String>,
    views: String,
}

#[derive(Serialize)]
struct Panel {
    /// The chart's SVG, made here (every text in it escaped).
    svg: String,
    rows: Vec<Row>,
}

#[derive(Serialize)]
struct RankPanel {
    svg: String,
    rows: Vec<Ranked>,
}

#[derive(Serialize)]
struct StatisticsPage {
    tu_ngay: String,
    den_ngay: String,
    span: String,
    totals: Row,
    total_views: String,
    days: Panel,
    year: i32,
    previous_year: Option<i32>,
    next_year: Option<i32>,
    months: Panel,
    years: Panel,
    items: RankPanel,
    referrers: RankPanel,
    devices: RankPanel,
    csv_href: String,
}

/// Who sees the statistics: the board, not the contributors who only send
/// material.
fn may_see(member: &Member) -> bool {
    member.account.role != Role::Contributor
}

fn short_day(day: Date) -> String {
    format!("{:02}/{:02}", day.day(), u8::from(day.month()))
}

pub async fn page(
    State(state): State<AppState>,
    member: Member,
    RawQuery(query): RawQuery,
) -> Response {
    if !may_see(&member) {
        return board_error(BoardError::Forbidden);
    }
    let params = Params::parse(query.as_deref());
    let (first, last) = params.day_span();
    let this_year = vn_time::now().year();
    let year = params
        .get("nam")
        .and_then(|y| y.parse::<i32>().ok())
        .filter(|y| (2000..=this_year).contains(y))
        .unwrap_or(this_year);
    let load = async {
        let mut tx = member.begin(&state).await?;
        let days = series::days(&mut tx, first, last).await?;
        if params.get("dinh-dang") == Some("csv") {
            return Ok::<_, BoardError>(Err(csv(&days)));
        }
        let months = series::months(&mut tx, year).await?;
        let years = series::years(&mut tx).await?;
        let total = series::total(&mut tx, member.tenant.id).await?;
        let items = series::top(&mut tx, Dimension::Item, first, last, TOP).await?;
        let items = item_titles(&mut tx, items).await?;
        let referrers = series::top(&mut tx, Dimension::Referrer, first, last, TOP).await?;
        let devices = series::top(&mut tx, Dimension::Device, first, last, TOP).await?;
        Ok(Ok((days, months, years, total, items, referrers, devices)))
    };
    let (days, months, years, total, items, referrers, devices) = match load.await {
        Ok(Ok(loaded)) => loaded,
        Ok(Err(csv)) => return csv,
        Err(error) => return board_error(error),
    };
    let span_text = format!("{} – {}", vn_time::day_date(first), vn_time::day_date(last));
    let mut sum = Figures::default();
    for (_, f) in &days {
        sum.views += f.views;
        sum.visits += f.visits;
        sum.bots += f.bots;
    }
    // Unique visitors of a span are not a sum of its days; the page says
    // so and shows the days' own.
    let first_year = years.first().map(|(y, _)| *y);
    let data = StatisticsPage {
        totals: Row::new(span_text.clone(), &sum),
        total_views: grouped(total),
        days: day_panel(&days, &span_text),
        previous_year: first_year.filter(|y| *y < year).map(|_| year - 1),
        next_year: (year < this_year).then_some(year + 1),
        months: month_panel(&months, year),
        year,
        years: year_panel(&years),
        items: rank_panel("top-items", "Nội dung được xem nhiều nhất", &items),
        referrers: rank_panel(
            "top-referrers",
            "Trang dẫn người xem đến",
            &referrers
                .into_iter()
                .map(|(host, n)| (host, None, n))
                .collect::<Vec<_>>(),
        ),
        devices: rank_panel(
            "top-devices",
            "Thiết bị người xem dùng",
            &devices
                .into_iter()
                .map(|(class, n)| (dimension::device_label(&class).to_owned(), None, n))
                .collect::<Vec<_>>(),
        ),
        csv_href: format!("/quan-tri/thong-ke?tu-ngay={first}&den-ngay={last}&dinh-dang=csv"),
        tu_ngay: first.to_string(),
        den_ngay: last.to_string(),
        span: span_text,
    };
    render(
        &state,
        StatusCode::OK,
        "statistics.html",
        member.frame("Thống kê truy cập", data),
    )
}

fn day_panel(days: &[(Date, Figures)], span: &str) -> Panel {
    let bars: Vec<Bar> = days
        .iter()
        .map(|(day, f)| Bar {
            label: short_day(*day),
            full_label: vn_time::weekday_date(*day),
            value: f.views,
        })
        .collect();
    let title = format!("Lượt xem trang theo ngày, {span}");
    Panel {
        svg: chart::columns(&Chart {
            id: "by-day",
            title: &title,
            unit: "lượt xem",
            bars: &bars,
        }),
        rows: days
            .iter()
            .rev()
            .map(|(day, f)| Row::new(vn_time::weekday_date(*day), f))
            .collect(),
    }
}

fn month_panel(months: &[(Month, Figures)], year: i32) -> Panel {
    let bars: Vec<Bar> = months
        .iter()
        .map(|(month, f)| Bar {
            label: format!("Th{}", u8::from(*month)),
            full_label: format!("Tháng {}/{year}", u8::from(*month)),
            value: f.views,
        })
        .collect();
    let title = format!("Lượt xem trang theo tháng, năm {year}");
    Panel {
        svg: chart::columns(&Chart {
            id: "by-month",
            title: &title,
            unit: "lượt xem",
            bars: &bars,
        }),
        rows: months
            .iter()
            .map(|(month, f)| Row::new(format!("Tháng {}/{year}", u8::from(*month)), f))
            .collect(),
    }
}

fn year_panel(years: &[(i32, Figures)]) -> Panel {
    let bars: Vec<Bar> = years
        .iter()
        .map(|(year, f)| Bar {
            label: year.to_string(),
            full_label: format!("Năm {year}"),
            value: f.views,
        })
        .collect();
    Panel {
        svg: chart::columns(&Chart {
            id: "by-year",
            title: "Lượt xem trang theo năm",
            unit: "lượt xem",
            bars: &bars,
        }),
        rows: years
            .iter()
            .map(|(year, f)| Row::new(format!("Năm {year}"), f))
            .collect(),
    }
}

fn rank_panel(id: &str, title: &str, ranked: &[(String, Option<String>, u64)]) -> RankPanel {
    let bars: Vec<Bar> = ranked
        .iter()
        .map(|(label, _, n)| Bar {
            label: label.clone(),
            full_label: label.clone(),
            value: *n,
        })
        .collect();
    RankPanel {
        svg: if bars.is_empty() {
            String::new()
        } else {
            chart::ranking(&Chart {
                id,
                title,
                unit: "lượt xem",
                bars: &bars,
            })
        },
        rows: ranked
            .iter()
            .map(|(label, href, n)| Ranked {
                label: label.clone(),
                href: href.clone(),
                views: grouped(*n),
            })
            .collect(),
    }
}

/// The items' titles and public addresses; an item deleted since keeps its
/// place under a plain name.
async fn item_titles(
    conn: &mut sqlx::PgConnection,
    items: Vec<(String, u64)>,
) -> Result<Vec<(String, Option<String>, u64)>, sqlx::Error> {
    let ids: Vec<Uuid> = items
        .iter()
        .filter_map(|(id, _)| Uuid::parse_str(id).ok())
        .collect();
    let rows = sqlx::query!(
        "SELECT i.id, i.title, s.path || '/' || i.slug AS href
         FROM items i JOIN sections s ON s.id = i.section_id WHERE i.id = ANY($1)",
        &ids
    )
    .fetch_all(&mut *conn)
    .await?;
    Ok(items
        .into_iter()
        .map(|(id, n)| {
            let found = Uuid::parse_str(&id)
                .ok()
                .and_then(|id| rows.iter().find(|r| r.id == id));
            match found {
                Some(row) => (
                    row.title.clone(),
                    row.href.as_ref().map(|h| format!("/{h}")),
                    n,
                ),
                None => ("(Nội dung đã xóa)".to_owned(), None, n),
            }
        })
        .collect())
}

/// The days as CSV for a spreadsheet.
fn csv(days: &[(Date, Figures)]) -> Response {
    let header = [
        "Ngày",
        "Lượt xem trang",
        "Lượt truy cập",
        "Người truy cập",
        "Lượt của máy tự động",
    ];
    let rows = days.iter().map(|(day, f)| {
        [
            vn_time::day_date(*day),
            f.views.to_string(),
            f.visits.to_string(),
            f.visitors.to_string(),
            f.bots.to_string(),
        ]
    });
    csv_download("thong-ke-truy-cap.csv", &header, rows)
}

/// The year's figures (README, "Visits: what is counted"), as the yearly
/// report reads them: `/quan-tri/thong-ke/nam/{year}`.
pub async fn yearly(
    State(state): State<AppState>,
    member: Member,
    Path(year): Path<String>,
) -> Response {
    if !may_see(&member) {
        return board_error(BoardError::Forbidden);
    }
    let Some(year) = year
        .parse::<i32>()
        .ok()
        .filter(|y| (2000..=9999).contains(y))
    else {
        return congxa_web::ApiError::bad_request("year_invalid", "Năm không hợp lệ.")
            .into_response();
    };
    let load = async {
        let mut tx = member.begin(&state).await?;
        Ok::<_, BoardError>(congxa_stats::yearly::yearly(&mut tx, member.tenant.id, year).await?)
    };
    match load.await {
        Ok(figures) => Json(figures).into_response(),
        Err(error) => board_error(error),
    }
}
