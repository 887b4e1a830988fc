//! The board's dashboard: what waits on me, what is late, what went out
//! this week, how long publishing takes, and my notifications.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use congxa_board::{BoardError, Role};
use serde::Serialize;
use time::OffsetDateTime;
use uuid::Uuid;

use super::session::Member;
use super::{board_error, render};
use crate::AppState;

/// Working days an item submitted for approval may wait before the
/// dashboard lists it as late.
const LATE_AFTER_WORKING_DAYS: u32 = 5;

#[derive(Serialize)]
pub struct Row {
    pub id: Uuid,
    pub title: String,
    pub status: String,
    pub status_name: String,
    pub section_name: String,
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
    pub target_date: Option<String>,
}

#[derive(Serialize)]
struct Notification {
    message: String,
    item_id: Option<Uuid>,
    #[serde(with = "time::serde::rfc3339")]
    created_at: OffsetDateTime,
}

#[derive(Serialize)]
struct Dashboard {
    waiting: Vec<Row>,
    late: Vec<Row>,
    published_this_week: i64,
    /// Median hours from submission to publication over the last 90 days.
    median_hours: Option<String>,
    notifications: Vec<Notification>,
    /// The site against the rules, for everyone but contributors.
    checklist: Option<congxa_compliance::Checklist>,
}

impl Row {
    pub fn new(
        id: Uuid,
        title: String,
        status: String,
        section_name: String,
        updated_at: OffsetDateTime,
        target_date: Option<time::Date>,
    ) -> Self {
        Self {
            status_name: congxa_board::Status::parse(&status)
                .map_or("", |s| s.name())
                .to_owned(),
            id,
            title,
            status,
            section_name,
            updated_at,
            target_date: target_date.map(congxa_locale::time::day_date),
        }
    }
}

pub async fn page(State(state): State<AppState>, member: Member) -> Response {
    let load = async {
        let mut tx = congxa_db::begin_for_tenant(&state.pool, member.tenant.id).await?;
        let steering = matches!(member.account.role, Role::Head | Role::Deputy);
        // Mine: what I must edit or fix; for the head and deputies also what
        // waits to be assigned or approved.
        let waiting = sqlx::query!(
            r#"SELECT i.id, i.title, i.status, s.name, i.updated_at, i.target_date
               FROM items i JOIN sections s ON s.id = i.section_id
               WHERE (i.assigned_to = $1 AND i.status IN ('assigned', 'returned'))
                  OR (i.created_by = $1 AND i.status IN ('draft', 'returned'))
                  OR ($2 AND i.status IN ('submitted', 'awaiting_approval', 'edited'))
                  OR ($2 AND EXISTS (SELECT 1 FROM item_revisions r WHERE r.item_id = i.id AND r.pending))
               ORDER BY i.target_date NULLS LAST, i.updated_at LIMIT 50"#,
            member.account.id,
            steering
        )
        .fetch_all(&mut *tx)
        .await?
        .into_iter()
        .map(|r| Row::new(r.id, r.title, r.status, r.name, r.updated_at, r.target_date))
        .collect();
        // Late: past the date it should be out by, or submitted more than 5
        // working days ago, as the commune's calendar counts them (holidays,
        // announced days off and make-up days), and still not out (Law
        // 104/2016 Art. 18.4).
        let calendar = congxa_calendar::stored::load(&mut tx).await?;
        let today = congxa_locale::time::now().date();
        let submitted_by = calendar.late_if_begun_before(today, LATE_AFTER_WORKING_DAYS);
        let late = sqlx::query!(
            r#"SELECT i.id, i.title, i.status, s.name, i.updated_at, i.target_date
               FROM items i JOIN sections s ON s.id = i.section_id
               WHERE i.status NOT IN ('published', 'withdrawn', 'scheduled')
                 AND (i.target_date < $1
                      OR (i.submitted_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date < $2)
               ORDER BY i.target_date NULLS LAST LIMIT 50"#,
            today,
            submitted_by
        )
        .fetch_all(&mut *tx)
        .await?
        .into_iter()
        .map(|r| Row::new(r.id, r.title, r.status, r.name, r.updated_at, r.target_date))
        .collect();
        let published_this_week = sqlx::query_scalar!(
            r#"SELECT count(*) AS "n!" FROM items WHERE status = 'published'
               AND published_at >= date_trunc('week', now() AT TIME ZONE 'Asia/Ho_Chi_Minh') AT TIME ZONE 'Asia/Ho_Chi_Minh'"#
        )
        .fetch_one(&mut *tx)
        .await?;
        let median = sqlx::query_scalar!(
            r#"SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM published_at - submitted_at)) / 3600
               AS hours FROM items
               WHERE status = 'published' AND submitted_at IS NOT NULL AND published_at > now() - interval '90 days'"#
        )
        .fetch_one(&mut *tx)
        .await?;
        let notifications = sqlx::query_as!(
            Notification,
            "SELECT message, item_id, created_at FROM board_notifications
             WHERE account_id = $1 AND read_at IS NULL ORDER BY created_at DESC LIMIT 20",
            member.account.id
        )
        .fetch_all(&mut *tx)
        .await?;
        let checklist = if member.account.role == Role::Contributor {
            None
        } else {
            let calendar = congxa_calendar::stored::load(&mut tx).await?;
            Some(
                congxa_compliance::check(&mut tx, &calendar, congxa_locale::time::now().date())
                    .await?,
            )
        };
        Ok::<_, BoardError>(Dashboard {
            checklist,
            waiting,
            late,
            published_this_week,
            median_hours: median.map(congxa_locale::number::decimal),
            notifications,
        })
    };
    match load.await {
        Ok(dashboard) => render(
            &state,
            StatusCode::OK,
            "dashboard.html",
            member.frame("Việc của tôi", dashboard),
        ),
        Err(error) => board_error(error),
    }
}
