//! Regions: the province, and former districts as groupings of communes.

use serde::Serialize;
use sqlx::PgConnection;
use uuid::Uuid;

use crate::error::{TenancyError, clean_name, is_unique_violation};
use crate::slug::Slug;

#[derive(Debug, Clone, Serialize)]
pub struct Region {
    pub id: Uuid,
    pub code: String,
    pub name: String,
    /// `province` or `former_district`.
    pub kind: String,
    pub parent_code: Option<String>,
}

/// Creates a province (no parent) or a former district (with its province).
pub async fn create(
    conn: &mut PgConnection,
    code: &str,
    name: &str,
    parent: Option<&str>,
) -> Result<Region, TenancyError> {
    let code = Slug::parse(code).ok_or_else(|| TenancyError::InvalidSlug(code.to_owned()))?;
    let name = clean_name(name)?;
    let parent = match parent {
        Some(parent) => {
            let region = find(conn, parent).await?;
            if region.kind != "province" {
                return Err(TenancyError::InvalidRegionParent(code.to_string()));
            }
            Some(region)
        }
        None => None,
    };
    let kind = if parent.is_some() {
        "former_district"
    } else {
        "province"
    };
    let id = sqlx::query_scalar!(
        "INSERT INTO regions (code, name, kind, parent_id) VALUES ($1, $2, $3, $4) RETURNING id",
        code.as_str(),
        name,
        kind,
        parent.as_ref().map(|p| p.id)
    )
    .fetch_one(&mut *conn)
    .await
    .map_err(|e| {
        if is_unique_violation(&e, "regions_code_key") {
            TenancyError::DuplicateRegion(code.to_string())
        } else {
            e.into()
        }
    })?;
    Ok(Region {
        id,
        code: code.to_string(),
        name,
        kind: kind.to_owned(),
        parent_code: parent.map(|p| p.code),
    })
}

pub async fn find(conn: &mut PgConnection, code: &str) -> Result<Region, TenancyError> {
    sqlx::query_as!(
        Region,
        r#"SELECT r.id, r.code, r.name, r.kind, p.code AS "parent_code?"
           FROM regions r LEFT JOIN regions p ON p.id = r.parent_id WHERE r.code = $1"#,
        code
    )
    .fetch_optional(conn)
    .await?
    .ok_or_else(|| TenancyError::RegionNotFound(code.to_owned()))
}

pub async fn list(conn: &mut PgConnection) -> Result<Vec<Region>, TenancyError> {
    Ok(sqlx::query_as!(
        Region,
        r#"SELECT r.id, r.code, r.name, r.kind, p.code AS "parent_code?"
           FROM regions r LEFT JOIN regions p ON p.id = r.parent_id
           ORDER BY coalesce(p.code, r.code), r.parent_id NULLS FIRST, r.code"#
    )
    .fetch_all(conn)
    .await?)
}
