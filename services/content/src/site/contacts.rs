//! The contact page: the site's transaction details and the contacts of
//! competent officials, the access-to-information focal person marked
//! (REGULATIONS.md, Content 2).

use congxa_web::ApiError;
use serde::Serialize;

use super::articles::{Crumb, trail};
use super::items::Section;
use super::{Outcome, Page, Visit, db_error};
use crate::AppState;

#[derive(Serialize)]
pub struct Official {
    pub name: String,
    pub position: String,
    pub phone: String,
    pub email: String,
    pub duties: String,
    pub biography: String,
    pub is_leader: bool,
    pub is_info_focal: bool,
}

/// The commune's officials in their order, leaders first.
pub async fn officials(conn: &mut sqlx::PgConnection) -> sqlx::Result<Vec<Official>> {
    sqlx::query_as!(
        Official,
        "SELECT name, position, phone, email, duties, biography, is_leader, is_info_focal
         FROM officials ORDER BY sort_order, name"
    )
    .fetch_all(conn)
    .await
}

#[derive(Serialize)]
struct ContactData {
    section: Section,
    trail: Vec<Crumb>,
    officials: Vec<Official>,
}

pub async fn page(state: &AppState, visit: &Visit, section: Section) -> Result<Outcome, ApiError> {
    let mut tx = visit.begin(&state.pool).await?;
    let officials = officials(&mut tx).await.map_err(db_error)?;
    let trail = trail(&mut tx, &section).await.map_err(db_error)?;
    drop(tx);
    let path = section.href();
    let title = section.name.clone();
    Ok(Page {
        template: "contacts.html",
        page: "section",
        title: &title,
        path: &path,
        data: ContactData {
            section,
            trail,
            officials,
        },
    }
    .render(state, visit)
    .await?
    .into())
}
