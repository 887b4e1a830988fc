//! The member's own second factor: turning TOTP on (a new secret, confirmed
//! with a first code from their app) and off (with their password).

use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use congxa_board::BoardError;
use congxa_board::second_factor;
use serde::Serialize;
use time::OffsetDateTime;

use super::session::Member;
use super::{board_error, render};
use crate::AppState;
use crate::site::params::Params;

#[derive(Serialize)]
struct SecurityPage {
    enabled: bool,
    /// For turning it on: the new secret, grouped for typing, and the
    /// address authenticator apps open.
    secret: Option<String>,
    secret_grouped: Option<String>,
    setup_url: Option<String>,
}

pub async fn page(State(state): State<AppState>, member: Member) -> Response {
    show(&state, &member, StatusCode::OK, None, None, None).await
}

async fn show(
    state: &AppState,
    member: &Member,
    status: StatusCode,
    secret: Option<String>,
    message: Option<&str>,
    error: Option<&str>,
) -> Response {
    let found = async {
        let mut tx = member.begin(state).await?;
        let enabled = sqlx::query_scalar!(
            r#"SELECT totp_secret IS NOT NULL AS "on!" FROM board_accounts WHERE id = $1"#,
            member.account.id
        )
        .fetch_one(&mut *tx)
        .await?;
        let commune =
            sqlx::query_scalar!("SELECT name FROM tenants WHERE id = $1", member.tenant.id)
                .fetch_one(&mut *tx)
                .await?;
        Ok::<_, BoardError>((enabled, commune))
    };
    let (enabled, commune) = match found.await {
        Ok(found) => found,
        Err(error) => return board_error(error),
    };
    let secret = (!enabled).then(|| secret.unwrap_or_else(second_factor::new_secret));
    let page = SecurityPage {
        enabled,
        secret_grouped: secret.as_deref().map(second_factor::grouped),
        setup_url: secret
            .as_deref()
            .map(|s| second_factor::setup_url(s, &member.account.email, &commune)),
        secret,
    };
    let mut frame = member.frame("Xác thực hai bước", page);
    frame.message = message;
    frame.error = error;
    render(state, status, "security.html", frame)
}

pub async fn enable(State(state): State<AppState>, member: Member, body: Bytes) -> Response {
    let form = Params::parse_body(&body);
    if let Err(refused) = member.check(&form) {
        return refused;
    }
    let secret = form.raw("secret").to_owned();
    let done = second_factor::enable(
        &state.pool,
        member.tenant.id,
        member.account.id,
        &secret,
        form.raw("code"),
        OffsetDateTime::now_utc(),
    );
    match done.await {
        Ok(()) => {
            let message = "Đã bật xác thực hai bước. Từ lần đăng nhập sau, hãy nhập cả mã trong ứng dụng xác thực.";
            show(&state, &member, StatusCode::OK, None, Some(message), None).await
        }
        Err(error) if error.is_input() => {
            let text = error.to_string();
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            show(&state, &member, status, Some(secret), None, Some(&text)).await
        }
        Err(error) => board_error(error),
    }
}

pub async fn disable(State(state): State<AppState>, member: Member, body: Bytes) -> Response {
    let form = Params::parse_body(&body);
    if let Err(refused) = member.check(&form) {
        return refused;
    }
    let done = second_factor::disable(
        &state.pool,
        member.tenant.id,
        member.account.id,
        form.raw("password"),
        OffsetDateTime::now_utc(),
    );
    match done.await {
        Ok(()) => {
            let message = "Đã tắt xác thực hai bước.";
            show(&state, &member, StatusCode::OK, None, Some(message), None).await
        }
        Err(error) if error.is_input() => {
            let text = error.to_string();
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            show(&state, &member, status, None, None, Some(&text)).await
        }
        Err(error) => board_error(error),
    }
}
