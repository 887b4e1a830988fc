//! Merging communes from the console: the operator names the old communes
//! on the new one's page, sees what would move (the merge done and rolled
//! back), then confirms. The work is congxa_tenancy::merge, as on the
//! command line.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use congxa_tenancy::TenancyError;
use congxa_tenancy::merge::{self, Merge, Source};
use congxa_web::TenantContext;
use serde::{Deserialize, Serialize};
use sqlx::Connection;

use super::session::{Checked, CsrfField, Signed, database_down};
use super::tenants::{actor, tenant_page};
use super::{ConsoleState, Frame, render, see_other};

#[derive(Deserialize)]
pub struct MergeForm {
    /// The old communes' slugs, separated by commas or spaces.
    from: String,
    /// Present once the operator has seen the preview and confirms.
    confirm: Option<String>,
    csrf: String,
}

impl CsrfField for MergeForm {
    fn csrf(&self) -> &str {
        &self.csrf
    }
}

#[derive(Serialize)]
struct PreviewPage<'a> {
    merge: &'a Merge,
    from: &'a str,
}

/// Why a merge did not go through.
enum Refused {
    Tenancy(TenancyError),
    /// An operator of a region named a commune outside it (or none such).
    NotVisible(String),
    Counter,
}

impl From<TenancyError> for Refused {
    fn from(error: TenancyError) -> Self {
        Refused::Tenancy(error)
    }
}

impl From<sqlx::Error> for Refused {
    fn from(error: sqlx::Error) -> Self {
        Refused::Tenancy(error.into())
    }
}

pub async fn merge_into(
    State(state): State<ConsoleState>,
    Path(slug): Path<String>,
    Checked(signed, form): Checked<MergeForm>,
) -> Response {
    let from: Vec<String> = form
        .from
        .split(|c: char| c == ',' || c.is_whitespace())
        .filter(|s| !s.is_empty())
        .map(|s| s.trim().to_lowercase())
        .collect();
    let confirmed = form.confirm.is_some();
    match run(&state, &signed, &slug, &from, confirmed).await {
        Ok(merged) if confirmed => see_other(&format!("/xa/{}?xong=gop", merged.into.slug)),
        Ok(merged) => render(
            &state,
            StatusCode::OK,
            "merge.html",
            Frame {
                title: &format!("Gộp vào {}", merged.into.name),
                operator: Some(&signed.operator),
                csrf: &signed.csrf,
                message: None,
                error: None,
                page: PreviewPage {
                    merge: &merged,
                    from: &from.join(", "),
                },
            },
        ),
        Err(Refused::Tenancy(error)) if !error.is_input() => database_down(error),
        Err(refused) => {
            let (status, reason) = match refused {
                Refused::Tenancy(error) => (StatusCode::UNPROCESSABLE_ENTITY, error.to_string()),
                Refused::NotVisible(old) => (
                    StatusCode::UNPROCESSABLE_ENTITY,
                    TenancyError::TenantNotFound(old).to_string(),
                ),
                Refused::Counter => (
                    StatusCode::SERVICE_UNAVAILABLE,
                    "Bộ đếm lượt truy cập tạm thời không hoạt động nên chưa gộp gì (lượt truy cập phải chuyển cùng nội dung). Vui lòng thử lại sau.".to_owned(),
                ),
            };
            tenant_page(&state, &signed, &slug, status, None, Some(&reason)).await
        }
    }
}

/// The merge, committed when confirmed and rolled back otherwise. A
/// region's operator merges only communes of their region: others are
/// "not found", exactly like missing ones.
async fn run(
    state: &ConsoleState,
    signed: &Signed,
    into: &str,
    from: &[String],
    confirmed: bool,
) -> Result<Merge, Refused> {
    let mut conn = state.pool.acquire().await?;
    for slug in std::iter::once(into).chain(from.iter().map(String::as_str)) {
        if !signed.operator.may_manage(&mut conn, slug).await? {
            return Err(Refused::NotVisible(slug.to_owned()));
        }
    }
    let mut sources = Vec::new();
    for slug in from {
        let id = sqlx::query_scalar!("SELECT id FROM tenants WHERE slug = $1", slug)
            .fetch_optional(&mut *conn)
            .await?
            .ok_or_else(|| TenancyError::TenantNotFound(slug.clone()))?;
        sources.push(Source {
            slug: slug.clone(),
            counted_visits: counted_visits(state, id, slug).await?,
        });
    }
    let mut tx = conn.begin().await?;
    let merged = merge::merge(&mut tx, into, &sources, &actor(signed)).await?;
    if confirmed {
        tx.commit().await?;
    } else {
        tx.rollback().await?;
    }
    Ok(merged)
}

/// What the analytics service counted for a commune (without any offset:
/// that one is in PostgreSQL and moves with the rows).
async fn counted_visits(state: &ConsoleState, id: uuid::Uuid, slug: &str) -> Result<i64, Refused> {
    let mut headers = axum::http::HeaderMap::new();
    TenantContext {
        id,
        slug: slug.to_owned(),
        visits_offset: 0,
    }
    .write_to(&mut headers);
    #[derive(Deserialize)]
    struct Counter {
        total: i64,
    }
    let response = state
        .analytics
        .request(
            reqwest::Method::GET,
            &format!("{}{}", state.analytics_url, congxa_web::views::COUNTER_PATH),
        )
        .headers(headers)
        .timeout(std::time::Duration::from_secs(5))
        .send()
        .await
        .map_err(|_| Refused::Counter)?;
    if !response.status().is_success() {
        return Err(Refused::Counter);
    }
    let counter: Counter = response.json().await.map_err(|_| Refused::Counter)?;
    Ok(counter.total)
}
