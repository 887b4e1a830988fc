//! Signing board members in and out, the session every workspace page
//! requires, the CSRF check of every form, and the password change a
//! one-time password forces.

use axum::body::Bytes;
use axum::extract::{FromRequestParts, RawQuery, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::Response;
use congxa_auth::{cookie, token};
use congxa_board::BoardError;
use congxa_board::accounts::{self, Account, SESSION_LIFETIME};
use congxa_board::support;
use congxa_web::TenantContext;
use serde::Serialize;
use time::OffsetDateTime;

use super::{Frame, board_error, render, see_other};
use crate::AppState;
use crate::site::params::Params;
use congxa_auth::cookie::over_https as https;

use congxa_board::accounts::SESSION_COOKIE;
/// Before signing in there is no session to hold a CSRF token: the sign-in
/// form uses a double-submit cookie instead.
const SIGN_IN_COOKIE: &str = "congxa_quan_tri_csrf";

/// A signed-in board member of the commune the request is for.
pub struct Member {
    pub tenant: TenantContext,
    pub account: Account,
    pub csrf: String,
    pub token: String,
    pub https: bool,
    /// Set in an operator's support session: why they came.
    pub support: Option<String>,
}

impl Member {
    pub fn frame<'a, T: Serialize>(&'a self, title: &'a str, page: T) -> Frame<'a, T> {
        Frame {
            title,
            account: Some(&self.account),
            role_name: self.account.role.name(),
            csrf: &self.csrf,
            message: None,
            error: None,
            support: self.support.as_deref(),
            page,
        }
    }

    /// A transaction acting for the member's commune.
    pub async fn begin(
        &self,
        state: &AppState,
    ) -> Result<sqlx::Transaction<'static, sqlx::Postgres>, BoardError> {
        Ok(congxa_db::begin_for_tenant(&state.pool, self.tenant.id).await?)
    }

    /// Refuses a form whose CSRF token is not the session's.
    pub fn check(&self, form: &Params) -> Result<(), Response> {
        if token::same(&self.csrf, form.raw("csrf")) {
            Ok(())
        } else {
            Err(congxa_web::notice_page(
                StatusCode::FORBIDDEN,
                "Biểu mẫu đã hết hạn",
                "Biểu mẫu này đã hết hạn hoặc không được gửi từ trang quản trị. Vui lòng tải lại trang và thử lại.",
            ))
        }
    }
}

/// Where a board member acts from, for the sessions' record.
fn origin(headers: &HeaderMap) -> String {
    crate::private_page::origin(headers, "trang quản trị")
}

impl FromRequestParts<AppState> for Member {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let tenant = TenantContext::from_request_parts(parts, state)
            .await
            .map_err(congxa_web::ApiError::into_page)?;
        let member = current(state, &tenant, &parts.headers).await?;
        // A one-time password must be replaced before anything else.
        if member.account.must_change_password
            && parts.uri.path() != "/quan-tri/mat-khau"
            && parts.uri.path() != "/mat-khau"
        {
            return Err(see_other("/quan-tri/mat-khau"));
        }
        Ok(member)
    }
}

async fn current(
    state: &AppState,
    tenant: &TenantContext,
    headers: &HeaderMap,
) -> Result<Member, Response> {
    let Some(session) = cookie::read(headers, SESSION_COOKIE) else {
        return Err(see_other("/quan-tri/dang-nhap"));
    };
    let found = async {
        let mut tx = congxa_db::begin_for_tenant(&state.pool, tenant.id).await?;
        let found = accounts::from_session(&mut tx, session, OffsetDateTime::now_utc()).await?;
        let support = match found {
            Some(_) => support::reason_of(&mut tx, session).await?,
            None => None,
        };
        Ok::<_, BoardError>(found.map(|found| (found, support)))
    };
    match found.await {
        Ok(Some(((account, csrf), support))) => Ok(Member {
            tenant: tenant.clone(),
            account,
            csrf,
            token: session.to_owned(),
            https: https(headers),
            support,
        }),
        Ok(None) => Err(see_other("/quan-tri/dang-nhap")),
        Err(error) => Err(board_error(error)),
    }
}

#[derive(Serialize)]
struct SignInPage<'a> {
    email: Option<&'a str>,
}

pub async fn sign_in_form(
    State(state): State<AppState>,
    tenant: TenantContext,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Response {
    if current(&state, &tenant, &headers).await.is_ok() {
        return see_other("/quan-tri");
    }
    // After a password was set through an e-mailed link.
    let message = Params::parse(query.as_deref())
        .raw("mat-khau-moi")
        .eq("1")
        .then_some("Đã đặt mật khẩu mới. Mời đăng nhập.");
    before_sign_in_page(
        &state,
        &headers,
        StatusCode::OK,
        "sign_in.html",
        "Đăng nhập",
        (message, None),
        SignInPage { email: None },
    )
}

fn sign_in_page(
    state: &AppState,
    headers: &HeaderMap,
    status: StatusCode,
    email: Option<&str>,
    error: Option<&str>,
) -> Response {
    before_sign_in_page(
        state,
        headers,
        status,
        "sign_in.html",
        "Đăng nhập",
        (None, error),
        SignInPage { email },
    )
}

/// A page with a form for someone not signed in (signing in, asking for a
/// password reset link, setting the new password): with no session to hold
/// a CSRF token, the form's token is also set as a cookie (double submit),
/// which `before_sign_in_form_ok` compares.
pub(super) fn before_sign_in_page<T: Serialize>(
    state: &AppState,
    headers: &HeaderMap,
    status: StatusCode,
    template: &str,
    title: &str,
    (message, error): (Option<&str>, Option<&str>),
    page: T,
) -> Response {
    let csrf = token::generate();
    let mut response = render(
        state,
        status,
        template,
        Frame {
            title,
            account: None,
            role_name: "",
            csrf: &csrf,
            message,
            error,
            support: None,
            page,
        },
    );
    if let Ok(value) = HeaderValue::from_str(&cookie::session(
        SIGN_IN_COOKIE,
        &csrf,
        3600,
        https(headers),
    )) {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
    response
}

/// Whether a form sent before signing in carries the token of its cookie.
pub(super) fn before_sign_in_form_ok(headers: &HeaderMap, form: &Params) -> bool {
    let expected = cookie::read(headers, SIGN_IN_COOKIE).unwrap_or("");
    !expected.is_empty() && token::same(expected, form.raw("csrf"))
}

pub async fn sign_in(
    State(state): State<AppState>,
    tenant: TenantContext,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let form = Params::parse_body(&body);
    let email = form.raw("email").to_owned();
    if !before_sign_in_form_ok(&headers, &form) {
        let error = "Biểu mẫu đăng nhập đã hết hạn. Vui lòng thử lại.";
        return sign_in_page(
            &state,
            &headers,
            StatusCode::FORBIDDEN,
            Some(&email),
            Some(error),
        );
    }
    let origin = origin(&headers);
    let attempt = accounts::sign_in(
        &state.pool,
        tenant.id,
        &email,
        form.raw("password"),
        form.raw("code"),
        &origin,
        OffsetDateTime::now_utc(),
    );
    match attempt.await {
        Ok((session, account)) => {
            let next = if account.must_change_password {
                "/quan-tri/mat-khau"
            } else {
                "/quan-tri"
            };
            let mut response = see_other(next);
            for value in [
                cookie::session(
                    SESSION_COOKIE,
                    &session,
                    SESSION_LIFETIME.whole_seconds(),
                    https(&headers),
                ),
                cookie::clear(SIGN_IN_COOKIE, https(&headers)),
            ] {
                if let Ok(value) = HeaderValue::from_str(&value) {
                    response.headers_mut().append(header::SET_COOKIE, value);
                }
            }
            response
        }
        // A locked account is refused in the same words as a wrong
        // password, so that nobody learns which addresses have accounts;
        // the page tells everyone how the lock works.
        Err(BoardError::Rejected) => sign_in_page(
            &state,
            &headers,
            StatusCode::UNAUTHORIZED,
            Some(&email),
            Some(REJECTED),
        ),
        Err(error) => board_error(error),
    }
}

/// The one answer to every refused sign-in.
const REJECTED: &str = "Địa chỉ thư điện tử, mật khẩu hoặc mã xác thực không đúng. Sau 5 lần sai liên tiếp, tài khoản tạm khóa 15 phút.";

/// The end of an operator's hand-over from the console: a one-time token
/// becomes a support session on this commune's own address.
pub async fn enter_support(
    State(state): State<AppState>,
    tenant: TenantContext,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Response {
    let params = Params::parse(query.as_deref());
    let entered = async {
        let mut tx = congxa_db::begin_for_tenant(&state.pool, tenant.id).await?;
        let entered = support::enter(
            &mut tx,
            params.raw("ma"),
            &origin(&headers),
            OffsetDateTime::now_utc(),
        )
        .await;
        tx.commit().await?;
        entered
    };
    match entered.await {
        Ok((session, _)) => {
            let mut response = see_other("/quan-tri");
            let cookie = cookie::session(
                SESSION_COOKIE,
                &session,
                support::SESSION_FOR.whole_seconds(),
                https(&headers),
            );
            if let Ok(value) = HeaderValue::from_str(&cookie) {
                response.headers_mut().append(header::SET_COOKIE, value);
            }
            response
        }
        Err(BoardError::Rejected) => congxa_web::notice_page(
            StatusCode::GONE,
            "Liên kết hỗ trợ đã hết hạn",
            "Liên kết vào chế độ hỗ trợ chỉ dùng được một lần, trong 2 phút. Hãy mở lại từ bảng điều khiển.",
        ),
        Err(error) => board_error(error),
    }
}

pub async fn sign_out(State(state): State<AppState>, member: Member, body: Bytes) -> Response {
    if let Err(refused) = member.check(&Params::parse_body(&body)) {
        return refused;
    }
    let ended = async {
        let mut tx = congxa_db::begin_for_tenant(&state.pool, member.tenant.id).await?;
        accounts::sign_out(&mut tx, &member.token).await?;
        tx.commit().await?;
        Ok::<_, BoardError>(())
    };
    if let Err(error) = ended.await {
        return board_error(error);
    }
    let mut response = see_other("/quan-tri/dang-nhap");
    if let Ok(value) = HeaderValue::from_str(&cookie::clear(SESSION_COOKIE, member.https)) {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
    response
}

pub async fn password_form(State(state): State<AppState>, member: Member) -> Response {
    render(
        &state,
        StatusCode::OK,
        "password.html",
        member.frame("Đổi mật khẩu", ()),
    )
}

pub async fn change_password(
    State(state): State<AppState>,
    mut member: Member,
    body: Bytes,
) -> Response {
    let form = Params::parse_body(&body);
    if let Err(refused) = member.check(&form) {
        return refused;
    }
    let changed = accounts::change_password(
        &state.pool,
        member.tenant.id,
        member.account.id,
        form.raw("current"),
        form.raw("new"),
        &member.token,
        OffsetDateTime::now_utc(),
    );
    match changed.await {
        Ok(()) => {
            member.account.must_change_password = false;
            let mut frame = member.frame("Đổi mật khẩu", ());
            frame.message = Some("Đã đổi mật khẩu.");
            render(&state, StatusCode::OK, "password.html", frame)
        }
        Err(error) if error.is_input() => {
            let text = error.to_string();
            let mut frame = member.frame("Đổi mật khẩu", ());
            frame.error = Some(&text);
            render(
                &state,
                StatusCode::UNPROCESSABLE_ENTITY,
                "password.html",
                frame,
            )
        }
        Err(error) => board_error(error),
    }
}
