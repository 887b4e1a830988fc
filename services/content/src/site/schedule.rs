//! The leaders' work schedule (lịch công tác), one week at a time: each
//! week is published as a whole, its entries grouped by day.

use axum::response::{IntoResponse, Redirect};
use congxa_locale::time as vn_time;
use congxa_web::ApiError;
use serde::Serialize;
use time::{Date, Duration};

use super::articles::{Crumb, trail};
use super::items::{Item, Section};
use super::params::Params;
use super::{Outcome, Page, Visit, db_error};
use crate::AppState;

#[derive(Serialize)]
struct Day {
    label: String,
    iso: String,
    entries: Vec<Entry>,
}

#[derive(Serialize)]
struct Entry {
    time: String,
    leader: String,
    content: String,
    location: String,
    participants: String,
}

#[derive(Serialize)]
struct WeekData {
    section: Section,
    trail: Vec<Crumb>,
    heading: String,
    published: bool,
    days: Vec<Day>,
    previous: String,
    next: String,
    this_week: Option<String>,
    files: Vec<super::items::Attachment>,
}

fn week_href(section: &Section, monday: Date) -> String {
    format!("{}?tuan={}", section.href(), iso(monday))
}

fn iso(day: Date) -> String {
    format!(
        "{}-{:02}-{:02}",
        day.year(),
        u8::from(day.month()),
        day.day()
    )
}

pub async fn page(
    state: &AppState,
    visit: &Visit,
    section: Section,
    params: &Params,
) -> Result<Outcome, ApiError> {
    let today = vn_time::now().date();
    let monday = vn_time::monday_of(
        params
            .get("tuan")
            .and_then(vn_time::parse_day)
            .unwrap_or(today),
    );
    let sunday = monday + Duration::days(6);
    let mut tx = visit.begin(&state.pool).await?;
    let week = sqlx::query!(
        "SELECT w.item_id FROM schedule_weeks w JOIN items i ON i.id = w.item_id
         WHERE w.week_start = $1 AND i.status = 'published' AND i.published_at <= now()",
        monday
    )
    .fetch_optional(&mut *tx)
    .await
    .map_err(db_error)?;
    let mut days: Vec<Day> = (0..7)
        .map(|n| {
            let day = monday + Duration::days(n);
            Day {
                label: vn_time::weekday_date(day),
                iso: iso(day),
                entries: Vec::new(),
            }
        })
        .collect();
    let mut files = Vec::new();
    if let Some(week) = &week {
        let entries = sqlx::query!(
            "SELECT starts_at, leader, content, location, participants FROM schedule_entries
             WHERE item_id = $1 ORDER BY starts_at",
            week.item_id
        )
        .fetch_all(&mut *tx)
        .await
        .map_err(db_error)?;
        for entry in entries {
            let at = entry.starts_at.to_offset(vn_time::VIETNAM);
            let index = usize::try_from((at.date() - monday).whole_days()).unwrap_or(usize::MAX);
            if let Some(day) = days.get_mut(index) {
                day.entries.push(Entry {
                    time: format!("{:02}:{:02}", at.hour(), at.minute()),
                    leader: entry.leader,
                    content: entry.content,
                    location: entry.location,
                    participants: entry.participants,
                });
            }
        }
        files = super::items::attachments(&mut tx, week.item_id)
            .await
            .map_err(db_error)?;
    }
    let trail = trail(&mut tx, &section).await.map_err(db_error)?;
    drop(tx);
    // Weekends without entries are left out: few communes work them.
    days.retain(|d| {
        !d.entries.is_empty()
            || vn_time::parse_day(&d.iso).is_some_and(|day| !vn_time::is_weekend(day))
    });
    let heading = format!(
        "Tuần {}, từ ngày {} đến ngày {}",
        monday.iso_week(),
        vn_time::day_date(monday),
        vn_time::day_date(sunday)
    );
    let path = week_href(&section, monday);
    let title = format!("{} – {}", section.name, heading);
    let data = WeekData {
        previous: week_href(&section, monday - Duration::days(7)),
        next: week_href(&section, monday + Duration::days(7)),
        this_week: (vn_time::monday_of(today) != monday).then(|| section.href()),
        published: week.is_some(),
        heading,
        section,
        trail,
        days,
        files,
    };
    Ok(Page {
        template: "schedule.html",
        page: "section",
        title: &title,
        path: &path,
        data,
    }
    .render(state, visit)
    .await?
    .into())
}

/// A week's own address leads to the week on the schedule page.
pub async fn item(state: &AppState, visit: &Visit, item: Item) -> Result<Outcome, ApiError> {
    let mut tx = visit.begin(&state.pool).await?;
    let week = sqlx::query_scalar!(
        "SELECT week_start FROM schedule_weeks WHERE item_id = $1",
        item.id
    )
    .fetch_optional(&mut *tx)
    .await
    .map_err(db_error)?;
    Ok(match week {
        Some(monday) => Redirect::to(&format!("/{}?tuan={}", item.section_path, iso(monday)))
            .into_response()
            .into(),
        None => Outcome::NotFound,
    })
}
