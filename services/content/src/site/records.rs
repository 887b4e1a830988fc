//! Sections whose items are records with a few fields of their own: public
//! investment projects and procurement, budget reports, and the
//! access-to-information list (Decree 13/2018 Art. 6.3).

use congxa_site::SectionKind;
use congxa_web::ApiError;
use serde::Serialize;
use time::{Date, OffsetDateTime};

use super::articles::{Crumb, Detail, View, trail};
use super::items::iso_day;
use super::items::{Item, Section};
use super::paging::{Pager, Paging};
use super::params::{Params, with_query};
use super::{Outcome, Page, Visit, db_error};
use crate::AppState;

const PER_PAGE: u32 = 20;

#[derive(Serialize)]
struct Row {
    href: String,
    title: String,
    summary: String,
    #[serde(with = "time::serde::rfc3339")]
    published_at: OffsetDateTime,
    /// The kind's own columns, already in words.
    cells: Vec<String>,
    /// A date column, when the kind has one.
    #[serde(with = "iso_day::option")]
    day: Option<Date>,
}

#[derive(Serialize)]
struct ListData {
    section: Section,
    trail: Vec<Crumb>,
    kind: SectionKind,
    rows: Vec<Row>,
    pager: Pager,
    filter: Option<String>,
    year: Option<i32>,
    years: Vec<i32>,
}

/// An amount in đồng as Vietnamese write it ("4.850.000.000 đồng"); empty
/// when not given.
fn money(amount: Option<i64>) -> String {
    amount
        .map(|v| format!("{} đồng", congxa_locale::number::grouped(v.unsigned_abs())))
        .unwrap_or_default()
}

/// A project's stage in words.
pub fn stage_name(stage: &str) -> &'static str {
    match stage {
        "preparing" => "Chuẩn bị đầu tư",
        "procuring" => "Đang lựa chọn nhà thầu",
        "building" => "Đang thi công",
        _ => "Đã hoàn thành",
    }
}

/// A budget report's kind in words.
pub fn report_kind_name(kind: &str) -> &'static str {
    match kind {
        "estimate" => "Dự toán",
        "settlement" => "Quyết toán",
        "execution" => "Tình hình thực hiện",
        "financial" => "Báo cáo tài chính",
        _ => "Thống kê",
    }
}

/// A budget period in words.
pub fn period_name(period: &str) -> &'static str {
    match period {
        "q1" => "Quý I",
        "q2" => "Quý II",
        "q3" => "Quý III",
        "q4" => "Quý IV",
        "half" => "6 tháng",
        _ => "Cả năm",
    }
}

pub async fn list(
    state: &AppState,
    visit: &Visit,
    section: Section,
    kind: SectionKind,
    params: &Params,
) -> Result<Outcome, ApiError> {
    let paging = Paging::new(params.get("trang"), PER_PAGE);
    let mut tx = visit.begin(&state.pool).await?;
    let mut filter = None;
    let mut year = None;
    let mut years = Vec::new();
    let (rows, total) = match kind {
        SectionKind::Projects => {
            filter = params
                .get("giai-doan")
                .filter(|s| matches!(*s, "preparing" | "procuring" | "building" | "completed"))
                .map(str::to_owned);
            let rows = sqlx::query!(
                r#"SELECT '/' || s.path || '/' || i.slug AS "href!", i.title, i.summary,
                          i.published_at AS "published_at!", p.investor, p.location, p.total_investment,
                          p.stage, p.bid_closes_at, count(*) OVER () AS "total!"
                   FROM projects p JOIN items i ON i.id = p.item_id JOIN sections s ON s.id = i.section_id
                   WHERE i.status = 'published' AND i.published_at <= now()
                     AND ($1::text IS NULL OR p.stage = $1)
                   ORDER BY i.published_at DESC LIMIT $2 OFFSET $3"#,
                filter,
                paging.limit(),
                paging.offset()
            )
            .fetch_all(&mut *tx)
            .await
            .map_err(db_error)?;
            let total = rows.first().map_or(0, |r| r.total);
            let rows = rows
                .into_iter()
                .map(|r| Row {
                    href: r.href,
                    title: r.title,
                    summary: r.summary,
                    published_at: r.published_at,
                    cells: vec![
                        r.investor,
                        r.location,
                        money(r.total_investment),
                        stage_name(&r.stage).to_owned(),
                    ],
                    day: r
                        .bid_closes_at
                        .map(|at| at.to_offset(congxa_locale::time::VIETNAM).date()),
                })
                .collect();
            (rows, total)
        }
        SectionKind::Budget => {
            filter = params
                .get("loai")
                .filter(|s| {
                    matches!(
                        *s,
                        "estimate" | "settlement" | "execution" | "financial" | "statistics"
                    )
                })
                .map(str::to_owned);
            year = params.get("nam").and_then(|y| y.parse::<i32>().ok());
            years = sqlx::query_scalar!(
                r#"SELECT DISTINCT year AS "y!" FROM budget_reports ORDER BY 1 DESC"#
            )
            .fetch_all(&mut *tx)
            .await
            .map_err(db_error)?;
            let rows = sqlx::query!(
                r#"SELECT '/' || s.path || '/' || i.slug AS "href!", i.title, i.summary,
                          i.published_at AS "published_at!", b.report_kind, b.year, b.period,
                          count(*) OVER () AS "total!"
                   FROM budget_reports b JOIN items i ON i.id = b.item_id JOIN sections s ON s.id = i.section_id
                   WHERE i.status = 'published' AND i.published_at <= now()
                     AND ($1::text IS NULL OR b.report_kind = $1) AND ($2::int IS NULL OR b.year = $2)
                   ORDER BY b.year DESC, i.published_at DESC LIMIT $3 OFFSET $4"#,
                filter,
                year,
                paging.limit(),
                paging.offset()
            )
            .fetch_all(&mut *tx)
            .await
            .map_err(db_error)?;
            let total = rows.first().map_or(0, |r| r.total);
            let rows = rows
                .into_iter()
                .map(|r| Row {
                    href: r.href,
                    title: r.title,
                    summary: r.summary,
                    published_at: r.published_at,
                    cells: vec![
                        report_kind_name(&r.report_kind).to_owned(),
                        period_name(&r.period).to_owned(),
                        r.year.to_string(),
                    ],
                    day: None,
                })
                .collect();
            (rows, total)
        }
        _ => {
            let rows = sqlx::query!(
                r#"SELECT '/' || s.path || '/' || i.slug AS "href!", i.title, i.summary,
                          i.published_at AS "published_at!", a.number_symbol, a.issued_on,
                          a.publication_form, a.publication_time, count(*) OVER () AS "total!"
                   FROM access_info_entries a JOIN items i ON i.id = a.item_id JOIN sections s ON s.id = i.section_id
                   WHERE i.status = 'published' AND i.published_at <= now()
                   ORDER BY i.published_at DESC LIMIT $1 OFFSET $2"#,
                paging.limit(),
                paging.offset()
            )
            .fetch_all(&mut *tx)
            .await
            .map_err(db_error)?;
            let total = rows.first().map_or(0, |r| r.total);
            let rows = rows
                .into_iter()
                .map(|r| Row {
                    href: r.href,
                    title: r.title,
                    summary: r.summary,
                    published_at: r.published_at,
                    cells: vec![r.number_symbol, r.publication_form, r.publication_time],
                    day: r.issued_on,
                })
                .collect();
            (rows, total)
        }
    };
    let trail = trail(&mut tx, &section).await.map_err(db_error)?;
    drop(tx);
    let path = section.href();
    let year_text = year.map(|y| y.to_string());
    let filter_name = if kind == SectionKind::Projects {
        "giai-doan"
    } else {
        "loai"
    };
    let base = with_query(
        &path,
        &[
            (filter_name, filter.as_deref()),
            ("nam", year_text.as_deref()),
        ],
    );
    let title = section.name.clone();
    let data = ListData {
        pager: paging.links(total, &base),
        section,
        trail,
        kind,
        rows,
        filter,
        year,
        years,
    };
    Ok(Page {
        template: "projects.html",
        page: "section",
        title: &title,
        path: &base,
        data,
    }
    .render(state, visit)
    .await?
    .into())
}

/// A record's own fields as labelled values, in the order shown.
#[derive(Serialize)]
struct Facts {
    facts: Vec<(String, String)>,
}

pub async fn detail(
    state: &AppState,
    visit: &Visit,
    item: Item,
    kind: SectionKind,
    view: View,
) -> Result<Outcome, ApiError> {
    let mut tx = visit.begin(&state.pool).await?;
    let vn_day = |d: Option<Date>| d.map(congxa_locale::time::day_date).unwrap_or_default();
    let facts: Option<Vec<(&str, String)>> = match kind {
        SectionKind::Projects => sqlx::query!(
            "SELECT investor, location, total_investment, funding, stage, package, bid_closes_at, starts_on, ends_on
             FROM projects WHERE item_id = $1",
            item.id
        )
        .fetch_optional(&mut *tx)
        .await
        .map_err(db_error)?
        .map(|p| {
            vec![
                ("Chủ đầu tư", p.investor),
                ("Địa điểm", p.location),
                ("Tổng mức đầu tư", money(p.total_investment)),
                ("Nguồn vốn", p.funding),
                ("Giai đoạn", stage_name(&p.stage).to_owned()),
                ("Gói thầu", p.package),
                (
                    "Thời điểm đóng thầu",
                    p.bid_closes_at.map(congxa_locale::time::time_and_date).unwrap_or_default(),
                ),
                ("Khởi công", vn_day(p.starts_on)),
                ("Hoàn thành (dự kiến)", vn_day(p.ends_on)),
            ]
        }),
        SectionKind::Budget => sqlx::query!(
            "SELECT report_kind, year, period FROM budget_reports WHERE item_id = $1",
            item.id
        )
        .fetch_optional(&mut *tx)
        .await
        .map_err(db_error)?
        .map(|b| {
            vec![
                ("Loại báo cáo", report_kind_name(&b.report_kind).to_owned()),
                ("Kỳ báo cáo", period_name(&b.period).to_owned()),
                ("Năm", b.year.to_string()),
            ]
        }),
        _ => sqlx::query!(
            "SELECT number_symbol, issued_on, publication_form, publication_time
             FROM access_info_entries WHERE item_id = $1",
            item.id
        )
        .fetch_optional(&mut *tx)
        .await
        .map_err(db_error)?
        .map(|a| {
            vec![
                ("Số, ký hiệu", a.number_symbol),
                ("Ngày ban hành", vn_day(a.issued_on)),
                ("Hình thức công khai", a.publication_form),
                ("Thời điểm, thời hạn công khai", a.publication_time),
            ]
        }),
    };
    drop(tx);
    let Some(facts) = facts else {
        return Ok(Outcome::NotFound);
    };
    let facts = Facts {
        facts: facts
            .into_iter()
            .filter(|(_, value)| !value.is_empty())
            .map(|(label, value)| (label.to_owned(), value))
            .collect(),
    };
    Detail::load(state, visit, item, facts)
        .await?
        .render(state, visit, "project.html", view)
        .await
}
