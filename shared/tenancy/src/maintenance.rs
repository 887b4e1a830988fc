//! Planned downtime: operators announce it for one commune, a region or the
//! whole platform at least 7 working days ahead (Decree 224/2026 Art. 13),
//! and the affected sites show it until it is over.

use congxa_calendar::Calendar;
use congxa_locale::time::{self as vn, VIETNAM};
use serde::Serialize;
use sqlx::PgConnection;
use time::OffsetDateTime;
use uuid::Uuid;

use crate::audit;
use crate::error::TenancyError;
use crate::regions;

/// The notice period the decree asks for, in working days.
pub const NOTICE_WORKING_DAYS: u32 = 7;

/// Which sites a notice concerns.
#[derive(Debug, Clone)]
pub enum Scope {
    Tenant(String),
    Region(String),
    Platform,
}

/// What an operator announces.
#[derive(Debug, Clone)]
pub struct Announcement {
    pub scope: Scope,
    pub starts_at: OffsetDateTime,
    pub ends_at: OffsetDateTime,
    pub message: String,
    pub emergency: bool,
}

/// A notice as stored.
#[derive(Debug, Clone, Serialize)]
pub struct Notice {
    pub id: i64,
    pub scope: String,
    pub tenant_slug: Option<String>,
    pub region_code: Option<String>,
    #[serde(with = "time::serde::rfc3339")]
    pub starts_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub ends_at: OffsetDateTime,
    pub message: String,
    pub emergency: bool,
    #[serde(with = "time::serde::rfc3339")]
    pub announced_at: OffsetDateTime,
    pub announced_by: String,
}

impl Notice {
    /// The banner text citizens read.
    pub fn banner(&self) -> String {
        let mut text = format!(
            "Thông báo: hệ thống sẽ tạm ngừng hoạt động để bảo trì từ {} đến {} (dự kiến).",
            vn::time_and_date(self.starts_at),
            vn::time_and_date(self.ends_at)
        );
        if !self.message.is_empty() {
            text.push(' ');
            text.push_str(&self.message);
        }
        text
    }
}

/// The earliest start a notice given at `now` may announce without being
/// an emergency: the beginning of the day 7 working days later.
pub fn earliest_start(now: OffsetDateTime, calendar: &Calendar) -> OffsetDateTime {
    let today = now.to_offset(VIETNAM).date();
    calendar
        .add_working_days(today, NOTICE_WORKING_DAYS)
        .midnight()
        .assume_offset(VIETNAM)
}

/// Records a notice with its audit entry, refusing one given too late
/// unless it is an emergency.
pub async fn announce(
    conn: &mut PgConnection,
    actor: &audit::Actor,
    now: OffsetDateTime,
    announcement: &Announcement,
) -> Result<Notice, TenancyError> {
    if announcement.ends_at <= announcement.starts_at {
        return Err(TenancyError::MaintenanceEndsBeforeStart);
    }
    if announcement.ends_at <= now {
        return Err(TenancyError::MaintenanceInPast);
    }
    let calendar = congxa_calendar::stored::load(&mut *conn).await?;
    let earliest = earliest_start(now, &calendar);
    if !announcement.emergency && announcement.starts_at < earliest {
        return Err(TenancyError::MaintenanceTooLate(vn::time_and_date(
            earliest,
        )));
    }
    let message = announcement
        .message
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    if message.chars().count() > 1000 {
        return Err(TenancyError::MaintenanceMessageTooLong);
    }
    let (scope, tenant_id, region_id): (&str, Option<Uuid>, Option<Uuid>) =
        match &announcement.scope {
            Scope::Tenant(slug) => {
                let id = sqlx::query_scalar!("SELECT id FROM tenants WHERE slug = $1", slug)
                    .fetch_optional(&mut *conn)
                    .await?
                    .ok_or_else(|| TenancyError::TenantNotFound(slug.clone()))?;
                ("tenant", Some(id), None)
            }
            Scope::Region(code) => ("region", None, Some(regions::find(conn, code).await?.id)),
            Scope::Platform => ("platform", None, None),
        };
    let id = sqlx::query_scalar!(
        "INSERT INTO maintenance_notices
             (scope, tenant_id, region_id, starts_at, ends_at, message, emergency, announced_at, announced_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
        scope,
        tenant_id,
        region_id,
        announcement.starts_at,
        announcement.ends_at,
        message,
        announcement.emergency,
        now,
        actor.name
    )
    .fetch_one(&mut *conn)
    .await?;
    let notice = find(conn, id).await?;
    let details = serde_json::to_value(&notice).unwrap_or_default();
    audit::record(conn, actor, "maintenance.announce", tenant_id, details).await?;
    Ok(notice)
}

/// What cancelling found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Cancellation {
    /// Withdrawn now (and recorded in the audit log).
    Cancelled,
    AlreadyCancelled,
    /// The downtime is over: the notice stays as it was.
    AlreadyOver,
}

/// Withdraws a notice still in force, with its audit entry; a notice already
/// withdrawn or over is left as it was.
pub async fn cancel(
    conn: &mut PgConnection,
    actor: &audit::Actor,
    id: i64,
    now: OffsetDateTime,
) -> Result<Cancellation, TenancyError> {
    let state = sqlx::query!(
        r#"SELECT cancelled_at IS NOT NULL AS "cancelled!", ends_at <= $2 AS "over!", tenant_id
           FROM maintenance_notices WHERE id = $1"#,
        id,
        now
    )
    .fetch_optional(&mut *conn)
    .await?
    .ok_or(TenancyError::MaintenanceNotFound(id))?;
    if state.cancelled {
        return Ok(Cancellation::AlreadyCancelled);
    }
    if state.over {
        return Ok(Cancellation::AlreadyOver);
    }
    sqlx::query!(
        "UPDATE maintenance_notices SET cancelled_at = $2 WHERE id = $1",
        id,
        now
    )
    .execute(&mut *conn)
    .await?;
    let details = serde_json::to_value(find(conn, id).await?).unwrap_or_default();
    audit::record(conn, actor, "maintenance.cancel", state.tenant_id, details).await?;
    Ok(Cancellation::Cancelled)
}

async fn find(conn: &mut PgConnection, id: i64) -> Result<Notice, TenancyError> {
    let by = Select {
        id: Some(id),
        ..Select::default()
    };
    select(conn, &by)
        .await?
        .pop()
        .ok_or(TenancyError::MaintenanceNotFound(id))
}

/// Notices not yet over and not cancelled, soonest first.
pub async fn upcoming(
    conn: &mut PgConnection,
    now: OffsetDateTime,
) -> Result<Vec<Notice>, TenancyError> {
    let by = Select {
        in_force_at: Some(now),
        ..Select::default()
    };
    Ok(select(conn, &by).await?)
}

/// The notices one commune's site shows now: its own, its region's (or its
/// province's) and the platform's, until each is over.
pub async fn for_tenant(
    conn: &mut PgConnection,
    tenant: Uuid,
    now: OffsetDateTime,
) -> Result<Vec<Notice>, sqlx::Error> {
    let by = Select {
        in_force_at: Some(now),
        concerning: Some(tenant),
        ..Select::default()
    };
    select(conn, &by).await
}

/// Which notices to read; every condition left out matches all.
#[derive(Default)]
struct Select {
    id: Option<i64>,
    /// Not cancelled and not over at this moment.
    in_force_at: Option<OffsetDateTime>,
    /// Concerning this commune: its own, its region's or province's, and the
    /// platform's.
    concerning: Option<Uuid>,
}

async fn select(conn: &mut PgConnection, by: &Select) -> Result<Vec<Notice>, sqlx::Error> {
    sqlx::query_as!(
        Notice,
        r#"SELECT n.id, n.scope, t.slug AS "tenant_slug?", r.code AS "region_code?",
                  n.starts_at, n.ends_at, n.message, n.emergency, n.announced_at, n.announced_by
           FROM maintenance_notices n
           LEFT JOIN tenants t ON t.id = n.tenant_id
           LEFT JOIN regions r ON r.id = n.region_id
           WHERE ($1::bigint IS NULL OR n.id = $1)
             AND ($2::timestamptz IS NULL OR (n.cancelled_at IS NULL AND n.ends_at > $2))
             AND ($3::uuid IS NULL
                  OR n.scope = 'platform'
                  OR n.tenant_id = $3
                  OR n.region_id IN (SELECT reg.id FROM tenants me
                                     JOIN regions reg ON reg.id = me.region_id OR reg.id = (
                                         SELECT parent_id FROM regions WHERE id = me.region_id)
                                     WHERE me.id = $3))
           ORDER BY n.starts_at, n.id"#,
        by.id,
        by.in_force_at,
        by.concerning
    )
    .fetch_all(conn)
    .await
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn notice_must_come_seven_working_days_ahead() {
        // Thursday afternoon → Monday 7 December, 00:00 in Vietnam.
        let now = datetime!(2026-11-26 08:00 UTC);
        assert_eq!(
            earliest_start(now, &Calendar::default()),
            datetime!(2026-12-07 00:00 +7)
        );
    }
}
