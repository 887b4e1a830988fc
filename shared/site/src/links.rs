//! The links to state portals a commune site shows (REGULATIONS.md,
//! "Content"), in the board's order. A new commune starts with the national
//! portals; the board adds the province's own and any others.

use serde::Serialize;
use sqlx::PgConnection;
use uuid::Uuid;

/// The national portals every new commune starts with. (Communes made
/// before links could be chosen got the same list from the migration that
/// added them.)
pub const NATIONAL: [(&str, &str); 4] = [
    ("Cổng Thông tin điện tử Chính phủ", "https://chinhphu.vn"),
    ("Cổng Dịch vụ công quốc gia", "https://dichvucong.gov.vn"),
    (
        "Cơ sở dữ liệu quốc gia về văn bản pháp luật",
        "https://vbpl.vn",
    ),
    (
        "Hệ thống tiếp nhận phản ánh, kiến nghị",
        "https://pakn.dichvucong.gov.vn",
    ),
];

#[derive(Debug, Clone, Serialize)]
pub struct Link {
    pub id: Uuid,
    pub label: String,
    pub url: String,
}

/// The commune's links in order (the connection acts for the commune).
pub async fn list(conn: &mut PgConnection) -> sqlx::Result<Vec<Link>> {
    sqlx::query_as!(
        Link,
        "SELECT id, label, url FROM site_links ORDER BY position, created_at"
    )
    .fetch_all(conn)
    .await
}

/// Gives a new commune the national portals (once: a commune that has
/// links keeps them).
pub async fn seed(conn: &mut PgConnection, tenant_id: Uuid) -> sqlx::Result<()> {
    let has_links = sqlx::query_scalar!(
        r#"SELECT EXISTS (SELECT 1 FROM site_links WHERE tenant_id = $1) AS "has!""#,
        tenant_id
    )
    .fetch_one(&mut *conn)
    .await?;
    if has_links {
        return Ok(());
    }
    for (position, (label, url)) in NATIONAL.iter().enumerate() {
        sqlx::query!(
            "INSERT INTO site_links (tenant_id, label, url, position) VALUES ($1, $2, $3, $4)",
            tenant_id,
            label,
            url,
            position as i32 + 1
        )
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}
