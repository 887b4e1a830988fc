//! The head keeps the site's links to state portals: adds one (the
//! province's portal, a district's), removes one, moves one up or down.
//! The public site shows them in this order at once.

use sqlx::PgConnection;
use uuid::Uuid;

use crate::accounts::Account;
use crate::error::BoardError;
use crate::roles::Permission;
use crate::settings::{allowed, invalid, text};

/// Most links a site shows: a home page's block, not a directory.
pub const MAX_LINKS: i64 = 30;

/// A web address people can follow: http or https, with a host, no spaces.
fn web_address(raw: &str) -> Result<String, BoardError> {
    let raw = text(raw, "địa chỉ", 2000, true)?;
    let parsed = url::Url::parse(&raw)
        .ok()
        .filter(|u| matches!(u.scheme(), "http" | "https"))
        // No name and password before the host: `https://haiphong.gov.vn@x`
        // reads as the province's site and leads elsewhere.
        .filter(|u| u.username().is_empty() && u.password().is_none())
        .filter(|u| {
            u.host_str().is_some_and(|host| {
                host.split('.').all(|label| {
                    !label.is_empty() && !label.starts_with('-') && !label.ends_with('-')
                })
            })
        });
    // Written out as people and the database read it: the scheme, two
    // slashes, then the host (a parser would also take `https:x` or
    // `https:///x` and mean another address than the text shows).
    let spelled_out = ["http://", "https://"].iter().any(|scheme| {
        raw.strip_prefix(scheme)
            .is_some_and(|rest| !rest.starts_with(['/', '\\']))
    });
    match parsed {
        Some(_) if spelled_out && !raw.contains(char::is_whitespace) => Ok(raw),
        _ => Err(invalid(format!(
            "Địa chỉ “{raw}” không hợp lệ: cần ghi đủ dạng https://tên-miền (ví dụ: https://haiphong.gov.vn)."
        ))),
    }
}

/// Adds a link at the end of the list.
pub async fn add(
    conn: &mut PgConnection,
    tenant: Uuid,
    actor: &Account,
    label: &str,
    url: &str,
) -> Result<(), BoardError> {
    allowed(actor, Permission::ChangeSettings)?;
    let label = text(label, "tên trang liên kết", 200, true)?;
    let url = web_address(url)?;
    let (count, last) = sqlx::query!(
        r#"SELECT count(*) AS "count!", coalesce(max(position), 0) AS "last!" FROM site_links"#
    )
    .fetch_one(&mut *conn)
    .await
    .map(|r| (r.count, r.last))?;
    if count >= MAX_LINKS {
        return Err(invalid(format!(
            "Trang đã có {MAX_LINKS} liên kết; hãy bỏ bớt trước khi thêm."
        )));
    }
    sqlx::query!(
        "INSERT INTO site_links (tenant_id, label, url, position) VALUES ($1, $2, $3, $4)",
        tenant,
        label,
        url,
        last + 1
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Removes a link; the label it had, for the record.
pub async fn remove(
    conn: &mut PgConnection,
    actor: &Account,
    id: Uuid,
) -> Result<String, BoardError> {
    allowed(actor, Permission::ChangeSettings)?;
    sqlx::query_scalar!("DELETE FROM site_links WHERE id = $1 RETURNING label", id)
        .fetch_optional(conn)
        .await?
        .ok_or(BoardError::RecordNotFound)
}

/// Swaps a link with its neighbour above (`up`) or below; at either end
/// nothing moves.
pub async fn shift(
    conn: &mut PgConnection,
    actor: &Account,
    id: Uuid,
    up: bool,
) -> Result<(), BoardError> {
    allowed(actor, Permission::ChangeSettings)?;
    let order: Vec<Uuid> =
        sqlx::query_scalar!("SELECT id FROM site_links ORDER BY position, created_at FOR UPDATE")
            .fetch_all(&mut *conn)
            .await?;
    let at = order
        .iter()
        .position(|l| *l == id)
        .ok_or(BoardError::RecordNotFound)?;
    let other = if up { at.checked_sub(1) } else { Some(at + 1) };
    let mut order = order;
    if let Some(other) = other.filter(|o| *o < order.len()) {
        order.swap(at, other);
    }
    // Renumbered whole, so that positions stay distinct whatever came before.
    for (position, link) in order.iter().enumerate() {
        sqlx::query!(
            "UPDATE site_links SET position = $2 WHERE id = $1",
            link,
            position as i32 + 1
        )
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::web_address;

    #[test]
    fn only_web_addresses_are_links() {
        assert!(web_address("https://haiphong.gov.vn").is_ok());
        assert!(web_address(" http://xa.vn/trang?a=1 ").is_ok());
        for bad in [
            "",
            "javascript:alert(1)",
            "data:text/html,<script>",
            "haiphong.gov.vn",
            "https://",
            "https://a b.vn",
            "https:x",
            "https:/x.vn",
            "https:///x.vn",
            "https://haiphong.gov.vn@evil.example",
            "https://user:pw@x.vn",
            "https://-x.vn",
            "https://x..vn",
            "HTTPS://x.vn",
            "https:\\\\x.vn",
            "ftp://x.vn",
        ] {
            assert!(web_address(bad).is_err(), "{bad}");
        }
    }
}
