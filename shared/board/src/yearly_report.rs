//! The yearly activity report's draft: the parts the head writes (number,
//! date, place, assessment, direction, recipients, signer) kept per year;
//! the figures are read from the data whenever the report is shown. The
//! head issues it once, and the whole document as issued is kept as it is
//! (the database refuses any later change).

use serde::{Deserialize, Serialize};
use sqlx::PgConnection;
use time::{Date, OffsetDateTime};
use uuid::Uuid;

use crate::accounts::Account;
use crate::error::BoardError;
use crate::roles::Permission;
use crate::settings::{allowed, invalid, text};

/// The head's parts of a report.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Draft {
    pub number_symbol: String,
    pub place: String,
    pub report_date: Option<Date>,
    pub advantages: String,
    pub difficulties: String,
    pub direction: String,
    /// One per line.
    pub recipients: String,
    pub signer_authority: String,
    pub signer_title: String,
    pub signer_name: String,
}

/// A report as stored.
#[derive(Debug, Clone, Serialize)]
pub struct Stored {
    pub draft: Draft,
    pub issued: Option<serde_json::Value>,
    #[serde(with = "time::serde::rfc3339::option")]
    pub issued_at: Option<OffsetDateTime>,
    pub version: i32,
}

/// The years a report can be made for: from the platform's first years to
/// the running one.
pub fn valid_year(year: i32, today: Date) -> bool {
    (2000..=today.year()).contains(&year)
}

pub async fn load(conn: &mut PgConnection, year: i32) -> Result<Option<Stored>, sqlx::Error> {
    let row = sqlx::query!(
        "SELECT number_symbol, place, report_date, advantages, difficulties, direction, recipients,
                signer_authority, signer_title, signer_name, issued, issued_at, version
         FROM yearly_reports WHERE year = $1",
        year
    )
    .fetch_optional(conn)
    .await?;
    Ok(row.map(|r| Stored {
        draft: Draft {
            number_symbol: r.number_symbol,
            place: r.place,
            report_date: r.report_date,
            advantages: r.advantages,
            difficulties: r.difficulties,
            direction: r.direction,
            recipients: r.recipients,
            signer_authority: r.signer_authority,
            signer_title: r.signer_title,
            signer_name: r.signer_name,
        },
        issued: r.issued,
        issued_at: r.issued_at,
        version: r.version,
    }))
}

/// The number and symbol as administrative documents write them: a number,
/// then the kind and the issuing body's abbreviations ("142/BC-UBND").
fn number_symbol(value: &str) -> Result<String, BoardError> {
    let value = text(value, "số, ký hiệu", 50, false)?;
    let well_formed = value.is_empty()
        || value.split_once('/').is_some_and(|(number, symbol)| {
            !number.is_empty()
                && number.chars().all(|c| c.is_ascii_digit())
                && !symbol.is_empty()
                && symbol
                    .chars()
                    .all(|c| c.is_alphanumeric() || c == '-' || c == '.')
        });
    if well_formed {
        Ok(value)
    } else {
        Err(invalid(format!(
            "Số, ký hiệu “{value}” chưa đúng cách ghi, ví dụ: 142/BC-UBND."
        )))
    }
}

/// Checks the draft field by field.
pub fn checked(given: &Draft) -> Result<Draft, BoardError> {
    Ok(Draft {
        number_symbol: number_symbol(&given.number_symbol)?,
        place: text(&given.place, "địa danh", 100, false)?,
        report_date: given.report_date,
        advantages: text(&given.advantages, "ưu điểm", 20_000, false)?,
        difficulties: text(&given.difficulties, "khó khăn, hạn chế", 20_000, false)?,
        direction: text(&given.direction, "phương hướng", 20_000, false)?,
        recipients: text(&given.recipients, "nơi nhận", 4_000, false)?,
        signer_authority: text(&given.signer_authority, "thẩm quyền ký", 200, false)?,
        signer_title: text(&given.signer_title, "chức vụ người ký", 200, false)?,
        signer_name: text(&given.signer_name, "họ tên người ký", 200, false)?,
    })
}

/// Saves the head's draft. `version` is the one the head's form was made
/// from: a report changed since is refused, not overwritten.
pub async fn save(
    conn: &mut PgConnection,
    tenant: Uuid,
    actor: &Account,
    year: i32,
    version: i32,
    given: &Draft,
) -> Result<Draft, BoardError> {
    allowed(actor, Permission::ChangeSettings)?;
    let draft = checked(given)?;
    let saved = sqlx::query_scalar!(
        r#"INSERT INTO yearly_reports AS r (tenant_id, year, number_symbol, place, report_date, advantages,
                                          difficulties, direction, recipients, signer_authority,
                                          signer_title, signer_name)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
           ON CONFLICT (tenant_id, year) DO UPDATE SET
               number_symbol = EXCLUDED.number_symbol, place = EXCLUDED.place,
               report_date = EXCLUDED.report_date, advantages = EXCLUDED.advantages,
               difficulties = EXCLUDED.difficulties, direction = EXCLUDED.direction,
               recipients = EXCLUDED.recipients, signer_authority = EXCLUDED.signer_authority,
               signer_title = EXCLUDED.signer_title, signer_name = EXCLUDED.signer_name,
               version = r.version + 1, updated_at = now()
           WHERE r.version = $13 AND r.status = 'draft'
           RETURNING version"#,
        tenant,
        year,
        draft.number_symbol,
        draft.place,
        draft.report_date,
        draft.advantages,
        draft.difficulties,
        draft.direction,
        draft.recipients,
        draft.signer_authority,
        draft.signer_title,
        draft.signer_name,
        version
    )
    .fetch_optional(&mut *conn)
    .await?;
    match saved {
        Some(_) => Ok(draft),
        None => match load(conn, year).await?.and_then(|r| r.issued_at) {
            Some(_) => Err(already_issued()),
            None => Err(changed_meanwhile()),
        },
    }
}

fn changed_meanwhile() -> BoardError {
    invalid(
        "Báo cáo đã được người khác sửa sau khi bạn mở. Hãy tải lại trang để xem bản mới nhất; nội dung của bạn chưa được lưu.",
    )
}

fn already_issued() -> BoardError {
    invalid("Báo cáo năm này đã ban hành nên không sửa được nữa.")
}

/// Issues the report: `document` is the whole report as it reads now, kept
/// from here on instead of the figures of the day. What an issued report
/// must carry is checked by the caller, who made the document.
pub async fn issue(
    conn: &mut PgConnection,
    actor: &Account,
    year: i32,
    version: i32,
    document: serde_json::Value,
) -> Result<(), BoardError> {
    allowed(actor, Permission::ChangeSettings)?;
    let issued = sqlx::query!(
        "UPDATE yearly_reports SET status = 'issued', issued = $3, issued_at = now(), issued_by = $4
         WHERE year = $1 AND version = $2 AND status = 'draft'",
        year,
        version,
        document,
        actor.id
    )
    .execute(&mut *conn)
    .await?;
    if issued.rows_affected() == 1 {
        return Ok(());
    }
    match load(conn, year).await? {
        Some(r) if r.issued_at.is_some() => Err(already_issued()),
        Some(_) => Err(changed_meanwhile()),
        None => Err(invalid("Hãy lưu bản dự thảo báo cáo trước khi ban hành.")),
    }
}
