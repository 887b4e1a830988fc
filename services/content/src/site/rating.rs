//! The anonymous satisfaction rating of an item (Decree 224/2026 Art.
//! 10.3): one per visitor per item, visitors known only by a keyed hash,
//! floods limited like every public form.

use axum::body::Body;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use congxa_web::ApiError;
use uuid::Uuid;

use super::forms::{self, Form};
use super::params::Params;
use super::{Outcome, Visit, db_error, finish};
use crate::AppState;

pub async fn rate(
    State(state): State<AppState>,
    visit: Visit,
    Path(item): Path<String>,
    body: Body,
) -> Response {
    let outcome = receive(&state, &visit, &item, body).await;
    finish(&state, &visit, outcome).await
}

async fn receive(
    state: &AppState,
    visit: &Visit,
    item: &str,
    body: Body,
) -> Result<Outcome, ApiError> {
    let Ok(item) = Uuid::parse_str(item) else {
        return Ok(Outcome::NotFound);
    };
    let body = forms::read_body(body).await?;
    let form = Params::parse_body(&body);
    let score: i16 = match form.raw("diem").trim().parse() {
        Ok(score @ 1..=5) => score,
        _ => {
            return Err(ApiError::bad_request(
                "rating_invalid",
                "Mời bạn chọn một mức đánh giá từ 1 đến 5.",
            ));
        }
    };
    let mut tx = visit.begin(&state.pool).await?;
    let Some(href) = sqlx::query_scalar!(
        r#"SELECT '/' || s.path || '/' || i.slug AS "href!" FROM items i JOIN sections s ON s.id = i.section_id
           WHERE i.id = $1 AND i.status = 'published' AND i.published_at <= now()"#,
        item
    )
    .fetch_optional(&mut *tx)
    .await
    .map_err(db_error)?
    else {
        return Ok(Outcome::NotFound);
    };
    // The item first: another commune's id is simply not found here.
    let stamp = state.forms.check(
        visit.tenant.id,
        Form::Rating,
        form.raw("dau"),
        form.raw("website"),
    )?;
    let visitor = state
        .forms
        .visitor(visit.tenant.id, visit.client_ip, &visit.user_agent);
    let client = state.forms.client(visit.tenant.id, visit.client_ip);
    let sender = forms::Sender {
        visitor: &visitor,
        client: &client,
    };
    forms::admit(&mut tx, visit.tenant.id, Form::Rating, &sender, &stamp).await?;
    let counted = sqlx::query!(
        "INSERT INTO item_ratings (tenant_id, item_id, visitor_hash, score) VALUES ($1, $2, $3, $4)
         ON CONFLICT (item_id, visitor_hash) DO NOTHING",
        visit.tenant.id,
        item,
        visitor,
        score
    )
    .execute(&mut *tx)
    .await
    .map_err(db_error)?
    .rows_affected();
    tx.commit().await.map_err(db_error)?;
    let said = if counted == 1 {
        "da-danh-gia"
    } else {
        "danh-gia-roi"
    };
    Ok(Redirect::to(&format!("{href}?{said}=1#danh-gia"))
        .into_response()
        .into())
}
