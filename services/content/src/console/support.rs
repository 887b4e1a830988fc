//! Support mode from the console: an operator names a reason and is handed
//! over to the commune's own workspace as its support account
//! (congxa_board::support). The entry goes to the operators' audit log; a
//! region's operator can enter only their region's communes.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use congxa_board::BoardError;
use congxa_board::support::{self, Operator};
use congxa_tenancy::{TenancyError, audit, tenants};
use serde::Deserialize;
use sqlx::Connection;
use time::OffsetDateTime;

use super::ConsoleState;
use super::session::{Checked, CsrfField, database_down};
use super::tenants::{actor, tenant_page};

#[derive(Deserialize)]
pub struct SupportForm {
    reason: String,
    csrf: String,
}

impl CsrfField for SupportForm {
    fn csrf(&self) -> &str {
        &self.csrf
    }
}

enum Refused {
    Tenancy(TenancyError),
    Board(BoardError),
    Closed,
}

impl From<TenancyError> for Refused {
    fn from(error: TenancyError) -> Self {
        Refused::Tenancy(error)
    }
}

impl From<BoardError> for Refused {
    fn from(error: BoardError) -> Self {
        Refused::Board(error)
    }
}

impl From<sqlx::Error> for Refused {
    fn from(error: sqlx::Error) -> Self {
        Refused::Tenancy(error.into())
    }
}

pub async fn enter(
    State(state): State<ConsoleState>,
    Path(slug): Path<String>,
    headers: HeaderMap,
    Checked(signed, form): Checked<SupportForm>,
) -> Response {
    let opened = async {
        let mut conn = state.pool.acquire().await?;
        if !signed.operator.may_manage(&mut conn, &slug).await? {
            return Ok(None);
        }
        let tenant = match tenants::show(&mut conn, &state.platform, &slug).await {
            Ok(tenant) => tenant,
            Err(TenancyError::TenantNotFound(_)) => return Ok(None),
            Err(error) => return Err(error.into()),
        };
        if tenant.status != "active" {
            return Err(Refused::Closed);
        }
        let mut tx = conn.begin().await?;
        congxa_db::act_for(&mut tx, Some(tenant.id)).await?;
        let operator = Operator {
            id: signed.operator.id,
            name: &signed.operator.name,
        };
        let handoff = support::open(
            &mut tx,
            tenant.id,
            &operator,
            &form.reason,
            OffsetDateTime::now_utc(),
        )
        .await?;
        congxa_db::act_for(&mut tx, None).await?;
        let details = serde_json::json!({ "slug": tenant.slug, "reason": form.reason.trim() });
        audit::record(
            &mut tx,
            &actor(&signed),
            "tenant.support",
            Some(tenant.id),
            details,
        )
        .await?;
        tx.commit().await?;
        Ok::<_, Refused>(Some((tenant, handoff)))
    };
    match opened.await {
        Ok(Some((tenant, handoff))) => {
            let host = tenants::primary_of(&tenant).unwrap_or(&tenant.automatic_domain);
            let scheme = if congxa_auth::cookie::over_https(&headers) {
                "https"
            } else {
                "http"
            };
            // The console and the communes are served by the same gateway:
            // its port, if the address had one, is the commune's too.
            let port = headers
                .get("x-forwarded-host")
                .and_then(|v| v.to_str().ok())
                .and_then(|h| h.rsplit_once(':'))
                .filter(|(_, p)| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
                .map(|(_, p)| format!(":{p}"))
                .unwrap_or_default();
            let location = format!("{scheme}://{host}{port}/quan-tri/ho-tro?ma={handoff}");
            match HeaderValue::from_str(&location) {
                Ok(location) => {
                    (StatusCode::SEE_OTHER, [(header::LOCATION, location)]).into_response()
                }
                Err(_) => super::page_not_found(),
            }
        }
        Ok(None) => super::page_not_found(),
        Err(Refused::Closed) => {
            let reason = "Trang của xã đang tạm ngừng hoặc đã gộp vào xã khác: trang quản trị của xã đóng, không vào hỗ trợ được.";
            tenant_page(
                &state,
                &signed,
                &slug,
                StatusCode::CONFLICT,
                None,
                Some(reason),
            )
            .await
        }
        Err(Refused::Board(error)) if error.is_input() => {
            let reason = error.to_string();
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            tenant_page(&state, &signed, &slug, status, None, Some(&reason)).await
        }
        Err(Refused::Tenancy(error)) if error.is_input() => {
            let reason = error.to_string();
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            tenant_page(&state, &signed, &slug, status, None, Some(&reason)).await
        }
        Err(Refused::Board(error)) => database_down(error),
        Err(Refused::Tenancy(error)) => database_down(error),
    }
}
