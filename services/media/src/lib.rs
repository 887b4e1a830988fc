//! The media service: commune files in S3-compatible storage, uploaded as
//! streams and served back with the right headers.

pub mod filename;
pub mod kinds;
pub mod upload;

use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::extract::{DefaultBodyLimit, FromRef, Multipart, Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use congxa_config::Config;
use congxa_storage::Store;
use congxa_web::internal::InternalAuth;
use congxa_web::{ApiError, Shutdown, TenantContext, health};
use serde::Serialize;
use sqlx::PgPool;
use subtle::ConstantTimeEq;
use tokio::net::TcpListener;
use uuid::Uuid;

#[derive(Clone)]
pub struct AppState {
    pool: PgPool,
    store: Store,
    auth: InternalAuth,
    operator_token: Arc<str>,
    max_upload_bytes: u64,
}

impl FromRef<AppState> for InternalAuth {
    fn from_ref(state: &AppState) -> Self {
        state.auth.clone()
    }
}

pub async fn serve(
    config: Config,
    listener: TcpListener,
    shutdown: Shutdown,
) -> anyhow::Result<()> {
    let state = AppState {
        pool: congxa_db::connect_lazy(&config)?,
        store: Store::new(&config),
        auth: InternalAuth::new(&config.internal_token)?,
        operator_token: Arc::from(config.operator_token.as_str()),
        max_upload_bytes: config.max_upload_bytes,
    };
    let drain = Duration::from_secs(config.request_timeout_secs);
    congxa_web::serve(listener, router(state), shutdown, drain).await?;
    Ok(())
}

pub async fn run(config: Config, shutdown: Shutdown) -> anyhow::Result<()> {
    let listener = TcpListener::bind(config.media_listen).await?;
    serve(config, listener, shutdown).await
}

pub fn router(state: AppState) -> Router {
    let pool = state.pool.clone();
    let store = state.store.clone();
    let health = health::router(
        "media",
        vec![
            (
                "database",
                health::check(move || {
                    let pool = pool.clone();
                    async move { congxa_db::ping(&pool).await }
                }),
            ),
            (
                "storage",
                health::check(move || {
                    let store = store.clone();
                    async move { store.is_reachable().await }
                }),
            ),
        ],
    );
    // Multipart framing adds a little to the file itself.
    let body_limit = usize::try_from(state.max_upload_bytes)
        .unwrap_or(usize::MAX)
        .saturating_add(64 * 1024);
    let files = Router::new()
        .route(
            "/api/tep",
            post(upload_file).layer(DefaultBodyLimit::max(body_limit)),
        )
        .route("/tep/{id}/{name}", get(serve_file))
        .with_state(state);
    congxa_web::serve::instrument(health.merge(files), "media")
}

/// What an upload answers.
#[derive(Serialize)]
struct Uploaded {
    id: Uuid,
    url: String,
    filename: String,
    content_type: &'static str,
    size: u64,
}

async fn upload_file(
    State(state): State<AppState>,
    tenant: TenantContext,
    headers: HeaderMap,
    form: Multipart,
) -> Result<(StatusCode, Json<Uploaded>), ApiError> {
    authorise(&state, &tenant, &headers).await?;
    let stored = upload::receive(&state.store, tenant.id, form, state.max_upload_bytes).await?;

    let recorded = async {
        let mut tx = congxa_db::begin_for_tenant(&state.pool, tenant.id).await?;
        sqlx::query!(
            "INSERT INTO media_files (id, tenant_id, storage_key, filename, content_type, size_bytes, sha256)
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
            stored.id,
            tenant.id,
            stored.key,
            stored.filename,
            stored.kind.mime,
            i64::try_from(stored.size).unwrap_or(i64::MAX),
            stored.sha256,
        )
        .execute(&mut *tx)
        .await?;
        tx.commit().await
    }
    .await;
    if let Err(error) = recorded {
        // Nothing half written: the bytes go when their record could not be made.
        if let Err(cleanup) = state.store.delete(&stored.key).await {
            tracing::warn!(key = %stored.key, error = %cleanup, "could not remove an unrecorded file");
        }
        return Err(ApiError::unavailable(
            "database_unavailable",
            "Không ghi nhận được tệp vì cơ sở dữ liệu tạm thời không truy cập được. Vui lòng thử lại sau.",
        )
        .with_source(error));
    }

    let url = format!(
        "/tep/{}/{}",
        stored.id,
        percent_encoding::utf8_percent_encode(&stored.filename, percent_encoding::NON_ALPHANUMERIC)
    );
    Ok((
        StatusCode::CREATED,
        Json(Uploaded {
            id: stored.id,
            url,
            filename: stored.filename,
            content_type: stored.kind.mime,
            size: stored.size,
        }),
    ))
}

/// Uploads need the operators' token until board accounts exist.
/// Uploads come from operators (their API token) or from the commune's
/// board members: their session cookie, and the session's CSRF token in a
/// header (a script sends it; another site's form cannot).
async fn authorise(
    state: &AppState,
    tenant: &TenantContext,
    headers: &HeaderMap,
) -> Result<(), ApiError> {
    if authorise_operator(state, headers).is_ok() {
        return Ok(());
    }
    let Some(session) = congxa_auth::cookie::read(headers, congxa_board::accounts::SESSION_COOKIE)
    else {
        return Err(ApiError::unauthorized());
    };
    let given = headers
        .get(congxa_board::accounts::CSRF_HEADER)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let found = async {
        let mut tx = congxa_db::begin_for_tenant(&state.pool, tenant.id).await?;
        congxa_board::accounts::from_session(&mut tx, session, time::OffsetDateTime::now_utc())
            .await
    };
    match found.await {
        Ok(Some((account, csrf)))
            if congxa_auth::token::same(&csrf, given)
                && account.role.may(congxa_board::Permission::Create) =>
        {
            Ok(())
        }
        Ok(_) => Err(ApiError::unauthorized()),
        Err(error) => Err(ApiError::unavailable(
            "database_unavailable",
            "Cơ sở dữ liệu tạm thời không truy cập được.",
        )
        .with_source(error)),
    }
}

fn authorise_operator(state: &AppState, headers: &HeaderMap) -> Result<(), ApiError> {
    let presented = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or("");
    let expected = state.operator_token.as_bytes();
    if expected.is_empty() || !bool::from(presented.as_bytes().ct_eq(expected)) {
        return Err(ApiError::unauthorized());
    }
    Ok(())
}

struct FileRow {
    storage_key: String,
    filename: String,
    content_type: String,
    size_bytes: i64,
    sha256: String,
}

async fn serve_file(
    State(state): State<AppState>,
    tenant: TenantContext,
    Path((id, _name)): Path<(String, String)>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let id = Uuid::parse_str(&id).map_err(|_| ApiError::not_found())?;
    let mut tx = congxa_db::begin_for_tenant(&state.pool, tenant.id)
        .await
        .map_err(database)?;
    let row = sqlx::query_as!(
        FileRow,
        "SELECT storage_key, filename, content_type, size_bytes, sha256 FROM media_files WHERE id = $1",
        id
    )
    .fetch_optional(&mut *tx)
    .await
    .map_err(database)?
    .ok_or_else(ApiError::not_found)?;
    tx.commit().await.map_err(database)?;

    let etag = format!("\"{}\"", row.sha256);
    let cache = HeaderValue::from_static("public, max-age=31536000, immutable");
    if headers
        .get(header::IF_NONE_MATCH)
        .is_some_and(|v| v.as_bytes() == etag.as_bytes())
    {
        let mut response = StatusCode::NOT_MODIFIED.into_response();
        response.headers_mut().insert(header::CACHE_CONTROL, cache);
        insert(&mut response, header::ETAG, &etag);
        return Ok(response);
    }

    let object = state
        .store
        .get(&row.storage_key)
        .await
        .map_err(upload::storage)?;
    let body = Body::from_stream(tokio_util::io::ReaderStream::new(
        object.body.into_async_read(),
    ));
    let mut response = Response::new(body);
    let download = kinds::is_download(&row.content_type);
    insert(&mut response, header::CONTENT_TYPE, &row.content_type);
    insert(
        &mut response,
        header::CONTENT_LENGTH,
        &row.size_bytes.to_string(),
    );
    insert(&mut response, header::ETAG, &etag);
    insert(
        &mut response,
        header::CONTENT_DISPOSITION,
        &filename::content_disposition(&row.filename, download),
    );
    response.headers_mut().insert(header::CACHE_CONTROL, cache);
    Ok(response)
}

fn insert(response: &mut Response, name: header::HeaderName, value: &str) {
    if let Ok(value) = HeaderValue::from_str(value) {
        response.headers_mut().insert(name, value);
    }
}

fn database(error: sqlx::Error) -> ApiError {
    ApiError::unavailable(
        "database_unavailable",
        "Cơ sở dữ liệu tạm thời không truy cập được.",
    )
    .with_source(error)
}
