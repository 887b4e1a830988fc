//! The operators' audit log in the console, newest first, filterable by
//! commune; a region's operator sees only the entries of their region.

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use congxa_locale::time as vn_time;
use congxa_tenancy::audit;
use serde::{Deserialize, Serialize};

use super::session::{Signed, database_down};
use super::{ConsoleState, Frame, render};

#[derive(Deserialize)]
pub struct AuditQuery {
    xa: Option<String>,
}

#[derive(Serialize)]
struct Line {
    at: String,
    actor: String,
    origin: String,
    action: String,
    tenant_slug: Option<String>,
    details: String,
}

#[derive(Serialize)]
struct AuditPage {
    slug: Option<String>,
    entries: Vec<Line>,
}

pub async fn list(
    signed: Signed,
    State(state): State<ConsoleState>,
    Query(query): Query<AuditQuery>,
) -> Response {
    let slug = query
        .xa
        .filter(|s| !s.trim().is_empty())
        .map(|s| s.trim().to_owned());
    let entries = async {
        let mut conn = state.pool.acquire().await?;
        audit::list_within(&mut conn, slug.as_deref(), signed.operator.region_id, 200).await
    };
    let entries = match entries.await {
        Ok(entries) => entries,
        Err(error) => return database_down(error),
    };
    let lines = entries
        .into_iter()
        .map(|e| Line {
            at: vn_time::date_and_time(e.at),
            actor: e.actor,
            origin: e.origin,
            action: e.action,
            tenant_slug: e.tenant_slug,
            details: e.details.to_string(),
        })
        .collect();
    render(
        &state,
        StatusCode::OK,
        "audit.html",
        Frame {
            title: "Nhật ký thao tác",
            operator: Some(&signed.operator),
            csrf: &signed.csrf,
            message: None,
            error: None,
            page: AuditPage {
                slug,
                entries: lines,
            },
        },
    )
}
