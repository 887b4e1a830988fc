//! The home page, laid out like a Vietnamese commune portal: featured and
//! latest news, notices, recent documents, procedures online, this week's
//! schedule link, and the board's links to state portals.

use axum::extract::State;
use axum::response::Response;
use congxa_site::links::Link;
use congxa_web::ApiError;
use serde::Serialize;

use super::documents::Row as DocumentRow;
use super::items::{self, Entry};
use super::{Outcome, Page, Visit, db_error, finish};
use crate::AppState;

#[derive(Serialize)]
struct HomeData {
    featured: Vec<Entry>,
    latest: Vec<Entry>,
    notices: Vec<Entry>,
    documents: Vec<DocumentRow>,
    /// The links to state portals, in the board's order.
    portals: Vec<Link>,
}

pub async fn page(State(state): State<AppState>, visit: Visit) -> Response {
    let mut outcome = render(&state, &visit).await;
    super::tag(&mut outcome, "home");
    finish(&state, &visit, outcome).await
}

async fn render(state: &AppState, visit: &Visit) -> Result<Outcome, ApiError> {
    let mut tx = visit.begin(&state.pool).await?;
    let featured = items::latest_of_kinds(&mut tx, &["news"], true, 3)
        .await
        .map_err(db_error)?;
    let mut latest = items::latest_of_kinds(&mut tx, &["news"], false, 12)
        .await
        .map_err(db_error)?;
    latest.retain(|e| {
        !featured.iter().any(|f| f.id == e.id) && e.section_path != "tin-tuc/thong-bao"
    });
    latest.truncate(8);
    let notices = match items::section(&mut tx, "tin-tuc/thong-bao")
        .await
        .map_err(db_error)?
    {
        Some(section) => items::latest_in(&mut tx, section.id, 5, 0)
            .await
            .map_err(db_error)?,
        None => Vec::new(),
    };
    let documents = sqlx::query_as!(
        DocumentRow,
        r#"SELECT i.id, i.slug, '/' || s.path || '/' || i.slug AS "href!", i.title, d.doc_type,
                  d.number_symbol, d.issuing_body, i.summary, d.issued_on
           FROM documents d JOIN items i ON i.id = d.item_id JOIN sections s ON s.id = i.section_id
           WHERE i.status = 'published' AND i.published_at <= now()
           ORDER BY d.issued_on DESC, i.id LIMIT 5"#
    )
    .fetch_all(&mut *tx)
    .await
    .map_err(db_error)?;
    let portals = congxa_site::links::list(&mut tx).await.map_err(db_error)?;
    drop(tx);
    let data = HomeData {
        featured,
        latest,
        notices,
        documents,
        portals,
    };
    Ok(Page {
        template: "home.html",
        page: "home",
        title: "Trang chủ",
        path: "/",
        data,
    }
    .render(state, visit)
    .await?
    .into())
}
