//! Weeks of the leaders' work schedule: one item per week, its entries
//! (when, who presides, what, where, who takes part). A week is started with
//! its entries and corrected as plans change: a correction replaces the
//! entries whole.

use sqlx::PgConnection;
use time::{Date, OffsetDateTime};
use uuid::Uuid;

use crate::accounts::Account;
use crate::error::BoardError;
use crate::items::{self, Text};
use crate::records::may_correct;

/// One entry of a week's schedule as the board types it.
pub struct ScheduleLine<'a> {
    pub starts_at: OffsetDateTime,
    pub leader: &'a str,
    pub content: &'a str,
    pub location: &'a str,
    pub participants: &'a str,
}

/// Refuses a week without entries, or with one outside the week or with
/// fields missing or too long.
fn check(monday: Date, lines: &[ScheduleLine<'_>]) -> Result<(), BoardError> {
    if lines.is_empty() {
        return Err(BoardError::Invalid(
            "Mời nhập ít nhất một việc trong tuần.".to_owned(),
        ));
    }
    let sunday = monday + time::Duration::days(6);
    for line in lines {
        let day = line
            .starts_at
            .to_offset(congxa_locale::time::VIETNAM)
            .date();
        if day < monday || day > sunday {
            return Err(BoardError::Invalid(format!(
                "Ngày {} không thuộc tuần từ {} đến {}.",
                congxa_locale::time::day_date(day),
                congxa_locale::time::day_date(monday),
                congxa_locale::time::day_date(sunday)
            )));
        }
        for (value, label, max, required) in [
            (line.leader, "người chủ trì", 300, true),
            (line.content, "nội dung", 2000, true),
            (line.location, "địa điểm", 300, false),
            (line.participants, "thành phần", 1000, false),
        ] {
            if required && value.trim().is_empty() {
                return Err(BoardError::Invalid(format!("Mỗi việc cần có {label}.")));
            }
            if value.chars().count() > max {
                return Err(BoardError::Invalid(format!(
                    "Trường {label} dài quá {max} ký tự."
                )));
            }
        }
    }
    Ok(())
}

async fn write_lines(
    conn: &mut PgConnection,
    tenant: Uuid,
    id: Uuid,
    lines: &[ScheduleLine<'_>],
) -> sqlx::Result<()> {
    sqlx::query!("DELETE FROM schedule_entries WHERE item_id = $1", id)
        .execute(&mut *conn)
        .await?;
    for line in lines {
        sqlx::query!(
            "INSERT INTO schedule_entries (tenant_id, item_id, starts_at, leader, content, location, participants)
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
            tenant,
            id,
            line.starts_at,
            line.leader.trim(),
            line.content.trim(),
            line.location.trim(),
            line.participants.trim()
        )
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// Starts a week of the leaders' work schedule (the week of `monday`) with
/// its entries, as the actor's draft in the schedule section. A week has
/// one schedule: a second one for the same week is refused.
pub async fn start_week(
    conn: &mut PgConnection,
    tenant: Uuid,
    actor: &Account,
    monday: Date,
    lines: &[ScheduleLine<'_>],
) -> Result<Uuid, BoardError> {
    items::may_start_record(actor)?;
    check(monday, lines)?;
    let taken = sqlx::query_scalar!(
        r#"SELECT EXISTS (SELECT 1 FROM schedule_weeks WHERE week_start = $1) AS "taken!""#,
        monday
    )
    .fetch_one(&mut *conn)
    .await?;
    if taken {
        return Err(BoardError::Invalid(
            "Tuần này đã có lịch công tác: hãy mở lịch đã có trong danh sách tin bài để sửa."
                .to_owned(),
        ));
    }
    let section =
        items::section_of_kind(conn, "schedule", "Trang chưa có chuyên mục lịch công tác.").await?;
    let sunday = monday + time::Duration::days(6);
    let (year, week, _) = monday.to_iso_week_date();
    let title = format!(
        "Lịch công tác tuần {week} năm {year} (từ {} đến {})",
        congxa_locale::time::day_date(monday),
        congxa_locale::time::day_date(sunday)
    );
    let text = Text {
        title: &title,
        summary: "",
        body: "",
        target_date: Some(monday),
    };
    let id = items::insert_draft(conn, tenant, actor, section, &text, "").await?;
    sqlx::query!(
        "INSERT INTO schedule_weeks (item_id, tenant_id, week_start) VALUES ($1, $2, $3)",
        id,
        tenant,
        monday
    )
    .execute(&mut *conn)
    .await?;
    write_lines(conn, tenant, id, lines).await?;
    Ok(id)
}

/// The Monday of the week item `id` schedules.
pub async fn week_of(conn: &mut PgConnection, id: Uuid) -> Result<Date, BoardError> {
    sqlx::query_scalar!(
        "SELECT week_start FROM schedule_weeks WHERE item_id = $1",
        id
    )
    .fetch_optional(conn)
    .await?
    .ok_or(BoardError::ItemNotFound)
}

/// Replaces the entries of week item `id`, if it is still at `version`.
/// The week itself stays: another week is another item.
pub async fn correct_week(
    conn: &mut PgConnection,
    tenant: Uuid,
    actor: &Account,
    id: Uuid,
    version: i32,
    lines: &[ScheduleLine<'_>],
) -> Result<(), BoardError> {
    let item = items::find(conn, id).await?;
    if !may_correct(actor, &item) {
        return Err(BoardError::Forbidden);
    }
    let monday = week_of(conn, id).await?;
    check(monday, lines)?;
    items::bump_version(conn, id, version, "").await?;
    write_lines(conn, tenant, id, lines).await?;
    Ok(())
}
