//! What the head keeps up to date besides items: the site's particulars
//! (the footer's and contact page's agency, address, telephone, e-mail,
//! person responsible, licence, office hours), the leaders and officials on
//! the introduction and contact pages, and the one-stop shop's monthly
//! results. These show on the public site as soon as they are saved.

use serde::{Deserialize, Serialize};
use sqlx::PgConnection;
use time::Date;
use uuid::Uuid;

use congxa_site::look::Look;

use crate::accounts::Account;
use crate::error::BoardError;
use crate::roles::Permission;

/// The site's particulars (REGULATIONS.md, the footer and Content 2).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Profile {
    pub agency: String,
    pub address: String,
    pub phone: String,
    pub email: String,
    pub responsible_person: String,
    pub responsible_title: String,
    pub licence: String,
    pub office_hours: String,
    /// The decision that set up the editorial board, as the yearly report
    /// cites it ("Quyết định số 15/QĐ-UBND ngày 10/01/2025 ...").
    pub board_decision: String,
    /// The decision that approved the board's rules.
    pub rules_decision: String,
}

pub(crate) fn invalid(message: impl Into<String>) -> BoardError {
    BoardError::Invalid(message.into())
}

pub(crate) fn allowed(actor: &Account, permission: Permission) -> Result<(), BoardError> {
    if actor.role.may(permission) {
        Ok(())
    } else {
        Err(BoardError::Forbidden)
    }
}

/// A field's text, trimmed, within `max` characters.
pub(crate) fn text(
    value: &str,
    label: &str,
    max: usize,
    required: bool,
) -> Result<String, BoardError> {
    let value = value.trim();
    if required && value.is_empty() {
        return Err(invalid(format!("Mời nhập {label}.")));
    }
    if value.chars().count() > max {
        return Err(invalid(format!("Trường {label} dài quá {max} ký tự.")));
    }
    if value
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\r')
    {
        return Err(invalid(format!("Trường {label} có ký tự không hợp lệ.")));
    }
    Ok(value.to_owned())
}

fn email(value: &str, label: &str) -> Result<String, BoardError> {
    let value = text(value, label, 254, false)?;
    let valid = value.is_empty()
        || value.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty() && domain.contains('.') && !value.contains(char::is_whitespace)
        });
    if valid {
        Ok(value.to_lowercase())
    } else {
        Err(invalid(format!("{label} “{value}” không hợp lệ.")))
    }
}

fn phone(value: &str, label: &str) -> Result<String, BoardError> {
    let value = text(value, label, 50, false)?;
    if value
        .chars()
        .all(|c| c.is_ascii_digit() || " .+-()/".contains(c))
    {
        Ok(value)
    } else {
        Err(invalid(format!(
            "{label} chỉ gồm chữ số và các dấu + - . ( ) /."
        )))
    }
}

pub async fn profile(conn: &mut PgConnection) -> Result<Profile, BoardError> {
    Ok(sqlx::query_as!(
        Profile,
        "SELECT agency, address, phone, email, responsible_person, responsible_title, licence, office_hours,
                board_decision, rules_decision
         FROM site_profiles"
    )
    .fetch_optional(conn)
    .await?
    .unwrap_or_default())
}

/// Saves the particulars, checked field by field.
pub async fn save_profile(
    conn: &mut PgConnection,
    tenant: Uuid,
    actor: &Account,
    given: &Profile,
) -> Result<Profile, BoardError> {
    allowed(actor, Permission::ChangeSettings)?;
    let profile = Profile {
        agency: text(&given.agency, "cơ quan chủ quản", 300, true)?,
        address: text(&given.address, "địa chỉ", 500, true)?,
        phone: phone(&given.phone, "Số điện thoại")?,
        email: email(&given.email, "Địa chỉ thư điện tử")?,
        responsible_person: text(
            &given.responsible_person,
            "người chịu trách nhiệm",
            200,
            true,
        )?,
        responsible_title: text(
            &given.responsible_title,
            "chức vụ người chịu trách nhiệm",
            200,
            false,
        )?,
        licence: text(&given.licence, "giấy phép, quyết định", 500, false)?,
        office_hours: text(&given.office_hours, "giờ làm việc", 500, false)?,
        board_decision: text(
            &given.board_decision,
            "quyết định thành lập Ban biên tập",
            500,
            false,
        )?,
        rules_decision: text(
            &given.rules_decision,
            "quyết định ban hành quy chế",
            500,
            false,
        )?,
    };
    sqlx::query!(
        "INSERT INTO site_profiles (tenant_id, agency, address, phone, email, responsible_person,
                                    responsible_title, licence, office_hours, board_decision,
                                    rules_decision, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, now())
         ON CONFLICT (tenant_id) DO UPDATE SET
             agency = EXCLUDED.agency, address = EXCLUDED.address, phone = EXCLUDED.phone,
             email = EXCLUDED.email, responsible_person = EXCLUDED.responsible_person,
             responsible_title = EXCLUDED.responsible_title, licence = EXCLUDED.licence,
             office_hours = EXCLUDED.office_hours, board_decision = EXCLUDED.board_decision,
             rules_decision = EXCLUDED.rules_decision, updated_at = now()",
        tenant,
        profile.agency,
        profile.address,
        profile.phone,
        profile.email,
        profile.responsible_person,
        profile.responsible_title,
        profile.licence,
        profile.office_hours,
        profile.board_decision,
        profile.rules_decision
    )
    .execute(conn)
    .await?;
    Ok(profile)
}

/// The site's look (congxa_site::look), the theme's own when never set.
pub async fn look(conn: &mut PgConnection) -> Result<Look, BoardError> {
    Ok(sqlx::query!(
        "SELECT theme, primary_color, primary_dark_color, font, header_text, footer_text, logo_id, banner_id
         FROM site_profiles"
    )
    .fetch_optional(conn)
    .await?
    .map(|r| Look {
        theme: r.theme,
        primary: r.primary_color,
        primary_dark: r.primary_dark_color,
        font: r.font,
        header_text: r.header_text,
        footer_text: r.footer_text,
        logo: r.logo_id,
        banner: r.banner_id,
    })
    .unwrap_or_default())
}

/// A look checked as [`congxa_site::look::checked`] does, and its logo and
/// banner checked to be images of the commune's own library (the
/// connection acts for the commune, so another commune's file is not found).
pub async fn checked_look(conn: &mut PgConnection, given: &Look) -> Result<Look, BoardError> {
    let look = congxa_site::look::checked(given).map_err(invalid)?;
    for (id, what) in [(look.logo, "Biểu trưng"), (look.banner, "Ảnh đầu trang")] {
        let Some(id) = id else { continue };
        let is_image = sqlx::query_scalar!(
            r#"SELECT kind = 'image' AS "image!" FROM media_files WHERE id = $1"#,
            id
        )
        .fetch_optional(&mut *conn)
        .await?;
        match is_image {
            Some(true) => {}
            Some(false) => {
                return Err(invalid(format!(
                    "{what} phải là một ảnh của thư viện (không phải tài liệu hay video)."
                )));
            }
            None => {
                return Err(invalid(format!(
                    "{what} đã chọn không có trong thư viện ảnh của xã; hãy chọn lại."
                )));
            }
        }
    }
    Ok(look)
}

/// Saves the look, checked (contrast, the theme and font lists). The row's
/// update purges the commune's cached pages on every gateway.
pub async fn save_look(
    conn: &mut PgConnection,
    actor: &Account,
    given: &Look,
) -> Result<Look, BoardError> {
    allowed(actor, Permission::ChangeSettings)?;
    let look = checked_look(&mut *conn, given).await?;
    let updated = sqlx::query!(
        "UPDATE site_profiles SET theme = $1, primary_color = $2, primary_dark_color = $3, font = $4,
                header_text = $5, footer_text = $6, logo_id = $7, banner_id = $8, updated_at = now()",
        look.theme,
        look.primary,
        look.primary_dark,
        look.font,
        look.header_text,
        look.footer_text,
        look.logo,
        look.banner
    )
    .execute(conn)
    .await?;
    if updated.rows_affected() == 0 {
        return Err(invalid("Hãy lưu thông tin chung của trang trước."));
    }
    Ok(look)
}

/// A leader or official, as the introduction and contact pages list them.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Official {
    pub id: Option<Uuid>,
    pub name: String,
    pub position: String,
    pub phone: String,
    pub email: String,
    pub duties: String,
    pub is_leader: bool,
    pub is_info_focal: bool,
    pub sort_order: i32,
}

pub async fn officials(conn: &mut PgConnection) -> Result<Vec<Official>, BoardError> {
    Ok(sqlx::query_as!(
        Official,
        r#"SELECT id AS "id?", name, position, phone, email, duties, is_leader, is_info_focal, sort_order
           FROM officials ORDER BY sort_order, name"#
    )
    .fetch_all(conn)
    .await?)
}

/// Adds an official (no id) or changes one.
pub async fn save_official(
    conn: &mut PgConnection,
    tenant: Uuid,
    actor: &Account,
    given: &Official,
) -> Result<Uuid, BoardError> {
    allowed(actor, Permission::ChangeSettings)?;
    let name = text(&given.name, "họ và tên", 200, true)?;
    let position = text(&given.position, "chức vụ", 200, true)?;
    let phone = phone(&given.phone, "Số điện thoại")?;
    let email = email(&given.email, "Địa chỉ thư điện tử")?;
    let duties = text(&given.duties, "nhiệm vụ được giao", 4000, false)?;
    if !(0..=1000).contains(&given.sort_order) {
        return Err(invalid("Thứ tự hiển thị là một số từ 0 đến 1.000."));
    }
    let id = match given.id {
        None => sqlx::query_scalar!(
            "INSERT INTO officials (tenant_id, name, position, phone, email, duties, is_leader, is_info_focal, sort_order)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
            tenant,
            name,
            position,
            phone,
            email,
            duties,
            given.is_leader,
            given.is_info_focal,
            given.sort_order
        )
        .fetch_one(conn)
        .await?,
        // Row-level security keeps another commune's official out of reach:
        // such an id updates nothing, and says so.
        Some(id) => sqlx::query_scalar!(
            "UPDATE officials SET name = $2, position = $3, phone = $4, email = $5, duties = $6,
                    is_leader = $7, is_info_focal = $8, sort_order = $9
             WHERE id = $1 RETURNING id",
            id,
            name,
            position,
            phone,
            email,
            duties,
            given.is_leader,
            given.is_info_focal,
            given.sort_order
        )
        .fetch_optional(conn)
        .await?
        .ok_or(BoardError::RecordNotFound)?,
    };
    Ok(id)
}

pub async fn remove_official(
    conn: &mut PgConnection,
    actor: &Account,
    id: Uuid,
) -> Result<(), BoardError> {
    allowed(actor, Permission::ChangeSettings)?;
    let removed = sqlx::query!("DELETE FROM officials WHERE id = $1", id)
        .execute(conn)
        .await?
        .rows_affected();
    if removed == 0 {
        return Err(BoardError::RecordNotFound);
    }
    Ok(())
}

/// The one-stop shop's figures for a month.
#[derive(Debug, Clone, Serialize)]
pub struct Month {
    pub month: Date,
    pub received: i32,
    pub on_time: i32,
    pub late: i32,
    pub in_progress: i32,
    pub online: i32,
}

pub async fn one_stop_months(conn: &mut PgConnection) -> Result<Vec<Month>, BoardError> {
    Ok(sqlx::query_as!(
        Month,
        "SELECT month, received, on_time, late, in_progress, online FROM one_stop_results
         ORDER BY month DESC LIMIT 24"
    )
    .fetch_all(conn)
    .await?)
}

/// Records (or corrects) a month's results. They must add up, as the
/// one-stop reports count them: the files handled in the month (received,
/// including those carried over from the month before) are those settled on
/// time, settled late, and still in progress.
pub async fn record_month(
    conn: &mut PgConnection,
    tenant: Uuid,
    actor: &Account,
    month: &Month,
) -> Result<(), BoardError> {
    allowed(actor, Permission::Publish)?;
    if [
        month.received,
        month.on_time,
        month.late,
        month.in_progress,
        month.online,
    ]
    .iter()
    .any(|n| *n < 0)
    {
        return Err(invalid("Các số liệu không được âm."));
    }
    if month.on_time + month.late + month.in_progress != month.received {
        return Err(invalid(format!(
            "Số hồ sơ đúng hạn ({}), quá hạn ({}) và đang giải quyết ({}) phải cộng lại bằng số hồ sơ tiếp nhận ({}, kể cả hồ sơ kỳ trước chuyển sang).",
            month.on_time, month.late, month.in_progress, month.received
        )));
    }
    if month.online > month.received {
        return Err(invalid(
            "Số hồ sơ nộp trực tuyến không thể lớn hơn số hồ sơ tiếp nhận.",
        ));
    }
    let first = month
        .month
        .replace_day(1)
        .map_err(|_| invalid("Tháng không hợp lệ."))?;
    sqlx::query!(
        "INSERT INTO one_stop_results (tenant_id, month, received, on_time, late, in_progress, online)
         VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (tenant_id, month) DO UPDATE SET received = EXCLUDED.received,
             on_time = EXCLUDED.on_time, late = EXCLUDED.late,
             in_progress = EXCLUDED.in_progress, online = EXCLUDED.online",
        tenant,
        first,
        month.received,
        month.on_time,
        month.late,
        month.in_progress,
        month.online
    )
    .execute(conn)
    .await?;
    Ok(())
}
