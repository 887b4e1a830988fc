//! The platform's calendar of working days: the Labour Code's holidays
//! (congxa-calendar) with the days the government fixed for each year, as
//! operators entered them.

use crate::{Calendar, Override};
use sqlx::PgConnection;

/// The overrides as stored.
pub async fn overrides(conn: &mut PgConnection) -> Result<Vec<Override>, sqlx::Error> {
    Ok(
        sqlx::query!("SELECT day, kind, label FROM calendar_overrides ORDER BY day")
            .fetch_all(&mut *conn)
            .await?
            .into_iter()
            // The table's check allows only the kinds this version knows.
            .filter_map(|row| Override::from_stored(&row.kind, row.day, row.label))
            .collect(),
    )
}

/// The calendar in force. Overrides are checked by the calendar before an
/// operator's change is saved, so a stored set is always accepted; were it
/// not, the Labour Code's days alone are used and the fault logged.
pub async fn load(conn: &mut PgConnection) -> Result<Calendar, sqlx::Error> {
    let overrides = overrides(conn).await?;
    Ok(Calendar::new(&overrides).unwrap_or_else(|error| {
        tracing::error!(%error, "the stored calendar overrides are refused; using the statutory holidays only");
        Calendar::default()
    }))
}
