//! The board's preview: an item that is not out yet (or a correction
//! waiting for approval) shown exactly as its public page will show it, in
//! the commune's own theme, with a banner that says so. Only the workspace
//! calls this, for a signed-in member allowed to see the item; the answer is
//! never cached and never indexed.

use axum::response::Response;
use uuid::Uuid;

use super::params::Params;
use super::{Outcome, Visit, browse, db_error, finish, items};
use crate::AppState;

pub async fn page(state: &AppState, mut visit: Visit, id: Uuid, params: &Params) -> Response {
    visit.preview = Some(format!("/quan-tri/tin-bai/{id}"));
    let outcome = async {
        let mut tx = visit.begin(&state.pool).await?;
        let Some(item) = items::preview_of(&mut tx, id).await.map_err(db_error)? else {
            return Ok(Outcome::NotFound);
        };
        let section = items::section_by_id(&mut tx, item.section_id)
            .await
            .map_err(db_error)?;
        drop(tx);
        browse::show(state, &visit, section, item, params).await
    };
    let mut response = finish(state, &visit, outcome.await).await;
    super::http::private(&mut response);
    response
}
