//! "Quên mật khẩu?": a member asks for a link by e-mail and sets a new
//! password through it (congxa_board::password_reset). Without SMTP the
//! page says whom to ask instead.

use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use congxa_board::BoardError;
use congxa_board::password_reset;
use congxa_web::TenantContext;
use serde::Serialize;
use time::OffsetDateTime;

use super::board_error;
use super::session::{before_sign_in_form_ok, before_sign_in_page};
use crate::AppState;
use crate::site::params::Params;

#[derive(Serialize)]
struct ForgotPage {
    /// Whether e-mail can be sent at all.
    mail: bool,
    sent: bool,
}

pub async fn forgot_form(State(state): State<AppState>, headers: HeaderMap) -> Response {
    forgot_page(&state, &headers, StatusCode::OK, false, None)
}

fn forgot_page(
    state: &AppState,
    headers: &HeaderMap,
    status: StatusCode,
    sent: bool,
    error: Option<&str>,
) -> Response {
    let page = ForgotPage {
        mail: state.mailer.is_some(),
        sent,
    };
    before_sign_in_page(
        state,
        headers,
        status,
        "forgot.html",
        "Quên mật khẩu",
        (None, error),
        page,
    )
}

pub async fn forgot(
    State(state): State<AppState>,
    tenant: TenantContext,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let form = Params::parse_body(&body);
    if !before_sign_in_form_ok(&headers, &form) {
        let error = "Biểu mẫu đã hết hạn. Vui lòng thử lại.";
        return forgot_page(&state, &headers, StatusCode::FORBIDDEN, false, Some(error));
    }
    let Some(mailer) = &state.mailer else {
        return forgot_page(&state, &headers, StatusCode::OK, false, None);
    };
    let asked = async {
        let mut tx = congxa_db::begin_for_tenant(&state.pool, tenant.id).await?;
        let link = password_reset::request(
            &mut tx,
            tenant.id,
            form.raw("email"),
            OffsetDateTime::now_utc(),
        )
        .await?;
        let site = site_address(&state, &mut tx, &tenant).await?;
        Ok::<_, BoardError>((tx, link, site))
    };
    let (tx, link, (address, commune)) = match asked.await {
        Ok(asked) => asked,
        Err(error) => return board_error(error),
    };
    if let Err(error) = tx.commit().await {
        return board_error(error.into());
    }
    if let Some((secret, account)) = link {
        let subject = format!("[{commune}] Đặt lại mật khẩu trang quản trị");
        let body = format!(
            "Kính gửi {},\n\nCó yêu cầu đặt lại mật khẩu cho tài khoản {} tại trang quản trị của {commune}.\n\
             Đặt mật khẩu mới tại liên kết sau (dùng được một lần, trong 1 giờ):\n\n\
             {address}/quan-tri/dat-lai-mat-khau?ma={secret}\n\n\
             Nếu bạn không yêu cầu, hãy bỏ qua thư này: mật khẩu hiện tại vẫn giữ nguyên.\n",
            account.name, account.email
        );
        // Sent after answering: the answer (its words, its status, its
        // time) is then the same whether or not the address has an
        // account. A failed send withdraws the link, leaving nothing behind.
        let (mailer, pool, tenant) = (mailer.clone(), state.pool.clone(), tenant.id);
        tokio::spawn(async move {
            let Err(error) = mailer
                .send(&account.name, &account.email, &subject, &body)
                .await
            else {
                return;
            };
            tracing::warn!(%error, "a password reset link could not be e-mailed");
            let withdrawn = async {
                let mut tx = congxa_db::begin_for_tenant(&pool, tenant).await?;
                password_reset::withdraw(&mut tx, &secret).await?;
                tx.commit().await?;
                Ok::<_, BoardError>(())
            };
            if let Err(error) = withdrawn.await {
                tracing::error!(%error, "a password reset link that was not e-mailed stays valid until it expires");
            }
        });
    }
    forgot_page(&state, &headers, StatusCode::OK, true, None)
}

/// The commune's own address (its primary domain, or its automatic one) and
/// its name, for links in e-mails: never taken from the request.
async fn site_address(
    state: &AppState,
    conn: &mut sqlx::PgConnection,
    tenant: &TenantContext,
) -> Result<(String, String), BoardError> {
    let row = sqlx::query!(
        r#"SELECT t.name, t.slug, d.domain AS "domain?" FROM tenants t
           LEFT JOIN tenant_domains d ON d.tenant_id = t.id AND d.is_primary
           WHERE t.id = $1"#,
        tenant.id
    )
    .fetch_one(conn)
    .await?;
    let host = congxa_tenancy::domain::canonical_host(
        &row.slug,
        row.domain.as_deref(),
        &state.console.platform,
    );
    Ok((format!("{}://{host}", state.public_scheme), row.name))
}

#[derive(Serialize)]
struct ResetPage<'a> {
    secret: &'a str,
    valid: bool,
}

pub async fn reset_form(
    State(state): State<AppState>,
    tenant: TenantContext,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Response {
    let params = Params::parse(query.as_deref());
    let secret = params.raw("ma").to_owned();
    let valid = async {
        let mut tx = congxa_db::begin_for_tenant(&state.pool, tenant.id).await?;
        password_reset::is_valid(&mut tx, &secret, OffsetDateTime::now_utc()).await
    };
    let valid = match valid.await {
        Ok(valid) => valid,
        Err(error) => return board_error(error),
    };
    let status = if valid {
        StatusCode::OK
    } else {
        StatusCode::GONE
    };
    let page = ResetPage {
        secret: &secret,
        valid,
    };
    before_sign_in_page(
        &state,
        &headers,
        status,
        "reset.html",
        "Đặt mật khẩu mới",
        (None, None),
        page,
    )
}

pub async fn reset(
    State(state): State<AppState>,
    tenant: TenantContext,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let form = Params::parse_body(&body);
    let secret = form.raw("ma").to_owned();
    let refuse = |status, error: &str| {
        let page = ResetPage {
            secret: &secret,
            valid: true,
        };
        before_sign_in_page(
            &state,
            &headers,
            status,
            "reset.html",
            "Đặt mật khẩu mới",
            (None, Some(error)),
            page,
        )
    };
    if !before_sign_in_form_ok(&headers, &form) {
        return refuse(
            StatusCode::FORBIDDEN,
            "Biểu mẫu đã hết hạn. Vui lòng thử lại.",
        );
    }
    let done = async {
        let mut tx = congxa_db::begin_for_tenant(&state.pool, tenant.id).await?;
        let account =
            password_reset::complete(&mut tx, &secret, form.raw("new"), OffsetDateTime::now_utc())
                .await?;
        tx.commit().await?;
        Ok::<_, BoardError>(account)
    };
    match done.await {
        Ok(_) => super::see_other("/quan-tri/dang-nhap?mat-khau-moi=1"),
        Err(error) if error.is_input() => {
            refuse(StatusCode::UNPROCESSABLE_ENTITY, &error.to_string())
        }
        Err(error) => board_error(error),
    }
}
