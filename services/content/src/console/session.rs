//! Signing in and out, the session every console page requires, CSRF
//! checks, and the password change a one-time password forces.

use axum::Form;
use axum::extract::{FromRequest, FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::Response;
use congxa_auth::{cookie, token};
use congxa_tenancy::operators::{self, Operator, SESSION_LIFETIME, SignInError};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use super::{ConsoleState, Frame, FromPlatform, origin, render, see_other};
use congxa_auth::cookie::over_https as https;

/// The session cookie of the console.
const SESSION_COOKIE: &str = "congxa_console";
/// Before signing in there is no session to hold a CSRF token: the sign-in
/// form uses a double-submit cookie instead.
const SIGN_IN_COOKIE: &str = "congxa_console_csrf";

/// A signed-in operator and the secrets of their session. As an extractor
/// it also proves the request came for the platform domain, and sends
/// anyone else to the sign-in page (or, with a one-time password, to the
/// password page).
pub struct Signed {
    pub operator: Operator,
    pub csrf: String,
    pub token: String,
    /// Where the request came from, for the audit log.
    pub origin: String,
    /// Whether the client uses HTTPS (cookies are then Secure).
    pub https: bool,
}

impl FromRequestParts<ConsoleState> for Signed {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &ConsoleState) -> Result<Self, Response> {
        FromPlatform::from_request_parts(parts, state).await?;
        require(state, &parts.headers, false).await
    }
}

/// A form of the console: it carries the session's CSRF token.
pub trait CsrfField {
    fn csrf(&self) -> &str;
    /// Whether an operator still holding a one-time password may send it
    /// (only to replace that password, or to sign out).
    const ALLOWS_ONE_TIME_PASSWORD: bool = false;
}

/// A form that carries nothing but its CSRF token (a button).
#[derive(Deserialize)]
pub struct SignedForm {
    csrf: String,
}

impl CsrfField for SignedForm {
    fn csrf(&self) -> &str {
        &self.csrf
    }
}

/// A posted form whose CSRF token matched, with the operator who sent it.
pub struct Checked<T>(pub Signed, pub T);

impl<T> FromRequest<ConsoleState> for Checked<T>
where
    T: DeserializeOwned + CsrfField + Send + 'static,
{
    type Rejection = Response;

    async fn from_request(request: Request, state: &ConsoleState) -> Result<Self, Response> {
        let (mut parts, body) = request.into_parts();
        FromPlatform::from_request_parts(&mut parts, state).await?;
        let signed = require(state, &parts.headers, T::ALLOWS_ONE_TIME_PASSWORD).await?;
        let Form(form) = Form::<T>::from_request(Request::from_parts(parts, body), state)
            .await
            .map_err(|_| {
                congxa_web::notice_page(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "Biểu mẫu không hợp lệ",
                    "Dữ liệu gửi lên thiếu hoặc sai. Vui lòng tải lại trang và thử lại.",
                )
            })?;
        check_csrf(&signed, form.csrf())?;
        Ok(Self(signed, form))
    }
}

/// The signed-in operator, or the response to send instead: the sign-in
/// page, or the password page while a one-time password is in use.
pub async fn require(
    state: &ConsoleState,
    headers: &HeaderMap,
    allow_one_time_password: bool,
) -> Result<Signed, Response> {
    let Some(session) = cookie::read(headers, SESSION_COOKIE) else {
        return Err(see_other("/dang-nhap"));
    };
    let found = async {
        let mut conn = state.pool.acquire().await?;
        operators::from_session(&mut conn, session, OffsetDateTime::now_utc()).await
    };
    match found.await {
        Ok(Some((operator, csrf))) => {
            if operator.must_change_password && !allow_one_time_password {
                return Err(see_other("/mat-khau"));
            }
            Ok(Signed {
                operator,
                csrf,
                token: session.to_owned(),
                origin: origin(headers),
                https: https(headers),
            })
        }
        Ok(None) => Err(see_other("/dang-nhap")),
        Err(error) => Err(database_down(error)),
    }
}

/// Refuses a form whose CSRF field does not match the session's.
fn check_csrf(signed: &Signed, given: &str) -> Result<(), Response> {
    if token::same(&signed.csrf, given) {
        Ok(())
    } else {
        Err(congxa_web::notice_page(
            StatusCode::FORBIDDEN,
            "Biểu mẫu đã hết hạn",
            "Biểu mẫu này đã hết hạn hoặc không được gửi từ bảng điều khiển. Vui lòng tải lại trang và thử lại.",
        ))
    }
}

pub fn database_down(error: impl Into<anyhow::Error>) -> Response {
    congxa_web::ApiError::unavailable(
        "database_unavailable",
        "Cơ sở dữ liệu tạm thời không truy cập được. Vui lòng thử lại sau.",
    )
    .with_source(error)
    .into_page()
}

#[derive(Serialize)]
struct SignInPage<'a> {
    email: Option<&'a str>,
}

pub async fn sign_in_form(
    _: FromPlatform,
    State(state): State<ConsoleState>,
    headers: HeaderMap,
) -> Response {
    if require(&state, &headers, true).await.is_ok() {
        return see_other("/");
    }
    sign_in_page(&state, &headers, StatusCode::OK, None, None)
}

fn sign_in_page(
    state: &ConsoleState,
    headers: &HeaderMap,
    status: StatusCode,
    email: Option<&str>,
    error: Option<&str>,
) -> Response {
    let csrf = token::generate();
    let mut response = render(
        state,
        status,
        "sign_in.html",
        Frame {
            title: "Đăng nhập",
            operator: None,
            csrf: &csrf,
            message: None,
            error,
            page: SignInPage { email },
        },
    );
    let cookie = cookie::session(SIGN_IN_COOKIE, &csrf, 3600, https(headers));
    if let Ok(value) = HeaderValue::from_str(&cookie) {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
    response
}

#[derive(Deserialize)]
pub struct SignInForm {
    email: String,
    password: String,
    csrf: String,
}

pub async fn sign_in(
    _: FromPlatform,
    State(state): State<ConsoleState>,
    headers: HeaderMap,
    Form(form): Form<SignInForm>,
) -> Response {
    let expected = cookie::read(&headers, SIGN_IN_COOKIE).unwrap_or("");
    if expected.is_empty() || !token::same(expected, &form.csrf) {
        let error = "Biểu mẫu đăng nhập đã hết hạn. Vui lòng thử lại.";
        return sign_in_page(
            &state,
            &headers,
            StatusCode::FORBIDDEN,
            Some(&form.email),
            Some(error),
        );
    }
    let attempt = async {
        let mut conn = state.pool.acquire().await?;
        operators::sign_in(
            &mut conn,
            &form.email,
            &form.password,
            &origin(&headers),
            OffsetDateTime::now_utc(),
        )
        .await
    };
    match attempt.await {
        Ok(Ok((session, operator))) => {
            let next = if operator.must_change_password {
                "/mat-khau"
            } else {
                "/"
            };
            let mut response = see_other(next);
            let max_age = SESSION_LIFETIME.whole_seconds();
            for cookie in [
                cookie::session(SESSION_COOKIE, &session, max_age, https(&headers)),
                cookie::clear(SIGN_IN_COOKIE, https(&headers)),
            ] {
                if let Ok(value) = HeaderValue::from_str(&cookie) {
                    response.headers_mut().append(header::SET_COOKIE, value);
                }
            }
            response
        }
        // A locked account is refused in the same words as a wrong
        // password: the answer never tells whether an address is known.
        Ok(Err(SignInError::Rejected)) => sign_in_page(
            &state,
            &headers,
            StatusCode::UNAUTHORIZED,
            Some(&form.email),
            Some(
                "Địa chỉ thư điện tử hoặc mật khẩu không đúng. Sau 5 lần sai liên tiếp, tài khoản tạm khóa 15 phút.",
            ),
        ),
        Err(error) => database_down(error),
    }
}

#[derive(Deserialize)]
pub struct SignOutForm {
    csrf: String,
}

impl CsrfField for SignOutForm {
    fn csrf(&self) -> &str {
        &self.csrf
    }
    const ALLOWS_ONE_TIME_PASSWORD: bool = true;
}

pub async fn sign_out(
    State(state): State<ConsoleState>,
    Checked(signed, _): Checked<SignOutForm>,
) -> Response {
    let ended = async {
        let mut conn = state.pool.acquire().await?;
        operators::sign_out(&mut conn, &signed.token).await
    };
    if let Err(error) = ended.await {
        return database_down(error);
    }
    let mut response = see_other("/dang-nhap");
    if let Ok(value) = HeaderValue::from_str(&cookie::clear(SESSION_COOKIE, signed.https)) {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
    response
}

pub async fn password_form(
    _: FromPlatform,
    State(state): State<ConsoleState>,
    headers: HeaderMap,
) -> Response {
    match require(&state, &headers, true).await {
        Ok(signed) => password_page(&state, &signed, StatusCode::OK, None, None),
        Err(response) => response,
    }
}

fn password_page(
    state: &ConsoleState,
    signed: &Signed,
    status: StatusCode,
    message: Option<&str>,
    error: Option<&str>,
) -> Response {
    render(
        state,
        status,
        "password.html",
        Frame {
            title: "Đổi mật khẩu",
            operator: Some(&signed.operator),
            csrf: &signed.csrf,
            message,
            error,
            page: (),
        },
    )
}

#[derive(Deserialize)]
pub struct PasswordForm {
    current: String,
    new: String,
    csrf: String,
}

impl CsrfField for PasswordForm {
    fn csrf(&self) -> &str {
        &self.csrf
    }
    const ALLOWS_ONE_TIME_PASSWORD: bool = true;
}

pub async fn change_password(
    State(state): State<ConsoleState>,
    Checked(mut signed, form): Checked<PasswordForm>,
) -> Response {
    let changed = async {
        let mut conn = state.pool.acquire().await?;
        operators::change_password(
            &mut conn,
            signed.operator.id,
            &form.current,
            &form.new,
            &signed.token,
            OffsetDateTime::now_utc(),
        )
        .await
    };
    match changed.await {
        Ok(()) => {
            signed.operator.must_change_password = false;
            password_page(
                &state,
                &signed,
                StatusCode::OK,
                Some("Đã đổi mật khẩu."),
                None,
            )
        }
        Err(error) if error.is_input() => password_page(
            &state,
            &signed,
            StatusCode::UNPROCESSABLE_ENTITY,
            None,
            Some(&error.to_string()),
        ),
        Err(error) => database_down(error),
    }
}
