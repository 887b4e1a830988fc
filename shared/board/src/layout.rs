//! The head sets the site's menu and the home page's blocks: each saved
//! whole, checked against the commune's own sections, or given back to the
//! default. Saving purges the commune's cached pages (the tables' triggers
//! announce it to every gateway).

use congxa_site::home_blocks::{self, Block};
use congxa_site::menu::{self, Entry};
use sqlx::PgConnection;
use uuid::Uuid;

use crate::accounts::Account;
use crate::error::BoardError;
use crate::roles::Permission;
use crate::settings::{allowed, invalid};

/// Checks and keeps the board's menu; the entries as kept.
pub async fn save_menu(
    conn: &mut PgConnection,
    tenant: Uuid,
    actor: &Account,
    given: &[Entry],
) -> Result<Vec<Entry>, BoardError> {
    allowed(actor, Permission::ChangeSettings)?;
    let sections = menu::sections(&mut *conn).await?;
    let entries = menu::checked(given, &sections).map_err(invalid)?;
    menu::replace(conn, tenant, &entries).await?;
    Ok(entries)
}

/// Gives the default menu back.
pub async fn reset_menu(
    conn: &mut PgConnection,
    tenant: Uuid,
    actor: &Account,
) -> Result<(), BoardError> {
    allowed(actor, Permission::ChangeSettings)?;
    menu::replace(conn, tenant, &[]).await?;
    Ok(())
}

/// Checks and keeps the home page's blocks; the blocks as kept.
pub async fn save_home(
    conn: &mut PgConnection,
    tenant: Uuid,
    actor: &Account,
    given: &[Block],
) -> Result<Vec<Block>, BoardError> {
    allowed(actor, Permission::ChangeSettings)?;
    let sections = menu::sections(&mut *conn).await?;
    let blocks = home_blocks::checked(given, &sections).map_err(invalid)?;
    home_blocks::replace(conn, tenant, &blocks).await?;
    Ok(blocks)
}

/// Gives the default home page back.
pub async fn reset_home(
    conn: &mut PgConnection,
    tenant: Uuid,
    actor: &Account,
) -> Result<(), BoardError> {
    allowed(actor, Permission::ChangeSettings)?;
    home_blocks::replace(conn, tenant, &[]).await?;
    Ok(())
}
