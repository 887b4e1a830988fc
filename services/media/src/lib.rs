//! The media service: commune files in S3-compatible storage, uploaded as
//! streams and served back with the right headers.

pub mod filename;
pub mod images;
pub mod orphans;
pub mod range;
pub mod upload;

// Kept under its old name: the rest of the service says `kinds::`.
pub use congxa_storage::kinds;

use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::extract::{DefaultBodyLimit, FromRef, Multipart, Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::{Json, Router};
use congxa_board::Need;
use congxa_config::Config;
use congxa_db::quota::{Quota, usage};
use congxa_storage::Store;
use congxa_web::internal::InternalAuth;
use congxa_web::routes::{Declared, Routes};
use congxa_web::{ApiError, Shutdown, TenantContext, health};
use serde::Serialize;
use sqlx::PgPool;
use tokio::net::TcpListener;
use uuid::Uuid;

#[derive(Clone)]
pub struct AppState {
    pool: PgPool,
    store: Store,
    auth: InternalAuth,
    operator_token: Arc<str>,
    max_upload_bytes: u64,
    limits: upload::Limits,
    /// A commune's quota unless it has its own.
    default_quota: u64,
    /// Images decoded at once (each may take hundreds of megabytes).
    image_work: Arc<tokio::sync::Semaphore>,
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
        limits: upload::Limits::of(&config),
        default_quota: config.storage_quota_bytes,
        image_work: Arc::new(tokio::sync::Semaphore::new(2)),
    };
    orphans::spawn_sweeps(
        state.pool.clone(),
        state.store.clone(),
        Duration::from_secs(config.orphan_interval_secs.max(1)),
        shutdown.clone(),
    );
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
    let files = uploads()
        .router()
        .layer(DefaultBodyLimit::max(body_limit))
        .merge(downloads().router())
        .layer(axum::middleware::from_fn(
            congxa_web::notice::typed_refusals,
        ))
        .with_state(state);
    congxa_web::serve::instrument(health.merge(files), "media")
}

/// Every route of the media service and who may use it.
pub fn routes() -> Vec<Declared<Need>> {
    [uploads(), downloads()]
        .into_iter()
        .flat_map(Routes::declared)
        .collect()
}

/// Uploads, read up to the largest file: from a board member's session
/// with its CSRF token in `x-csrf-token`, or with the operators' token.
fn uploads() -> Routes<AppState, Need> {
    Routes::new().post(
        "/api/tep",
        Need::Capability(congxa_board::Permission::Create),
        upload_file,
    )
}

/// The commune's files, to anyone.
fn downloads() -> Routes<AppState, Need> {
    Routes::new()
        .get("/tep/{id}/{name}", Need::Anyone, serve_file)
        .get("/tep/{id}/r/{rendition}", Need::Anyone, serve_rendition)
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
    let quota = quota_of(&state, tenant.id).await.map_err(database)?;
    let receiving = upload::Receiving {
        store: &state.store,
        tenant: tenant.id,
        limits: state.limits,
        room: quota.room(),
        image_work: state.image_work.clone(),
    };
    let stored = upload::receive(&receiving, form).await?;
    match record(&state, tenant.id, &stored).await {
        Ok(true) => {}
        Ok(false) => {
            stored.discard(&state.store).await;
            return Err(upload::over_quota());
        }
        Err(error) => {
            // Nothing half written: the bytes go when their record could not be made.
            stored.discard(&state.store).await;
            return Err(ApiError::unavailable(
                "database_unavailable",
                "Không ghi nhận được tệp vì cơ sở dữ liệu tạm thời không truy cập được. Vui lòng thử lại sau.",
            )
            .with_source(error));
        }
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

async fn quota_of(state: &AppState, tenant: Uuid) -> Result<Quota, sqlx::Error> {
    let mut tx = congxa_db::begin_for_tenant(&state.pool, tenant).await?;
    let quota = usage(&mut tx, tenant, state.default_quota).await?;
    tx.commit().await?;
    Ok(quota)
}

/// Records a stored file and its renditions, if the commune still has room
/// for it (`Ok(false)` when not: uploads running side by side are counted
/// one after the other).
async fn record(
    state: &AppState,
    tenant: Uuid,
    stored: &upload::Stored,
) -> Result<bool, sqlx::Error> {
    let mut tx = congxa_db::begin_for_tenant(&state.pool, tenant).await?;
    sqlx::query!(
        "SELECT pg_advisory_xact_lock(hashtextextended('congxa.media:' || $1::text, 0))",
        tenant.to_string()
    )
    .execute(&mut *tx)
    .await?;
    let quota = usage(&mut tx, tenant, state.default_quota).await?;
    if stored.stored_bytes() > quota.room() {
        return Ok(false);
    }
    let signed = |n: u64| i64::try_from(n).unwrap_or(i64::MAX);
    let (width, height) = stored
        .dimensions
        .map_or((None, None), |(w, h)| (Some(w as i32), Some(h as i32)));
    sqlx::query!(
        "INSERT INTO media_files (id, tenant_id, storage_key, filename, content_type, size_bytes, sha256,
                                  kind, width, height, stored_bytes)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
        stored.id,
        tenant,
        stored.key,
        stored.filename,
        stored.kind.mime,
        signed(stored.size),
        stored.sha256,
        stored.kind.class().code(),
        width,
        height,
        signed(stored.stored_bytes()),
    )
    .execute(&mut *tx)
    .await?;
    for r in &stored.renditions {
        sqlx::query!(
            "INSERT INTO media_renditions (file_id, tenant_id, width, height, content_type, storage_key, size_bytes)
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
            stored.id,
            tenant,
            r.width as i32,
            r.height as i32,
            r.mime,
            r.key,
            signed(r.size),
        )
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(true)
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
    if !congxa_web::internal::bearer_matches(headers, &state.operator_token) {
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
    let download = kinds::is_download(&row.content_type);
    let object = Served {
        key: &row.storage_key,
        content_type: &row.content_type,
        size: u64::try_from(row.size_bytes).unwrap_or(0),
        etag: format!("\"{}\"", row.sha256),
        disposition: Some(filename::content_disposition(&row.filename, download)),
    };
    object.send(&state.store, &headers).await
}

/// An image at one of the standard widths: `w640.webp`, `w1280.jpg`.
async fn serve_rendition(
    State(state): State<AppState>,
    tenant: TenantContext,
    Path((id, rendition)): Path<(String, String)>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let id = Uuid::parse_str(&id).map_err(|_| ApiError::not_found())?;
    let (width, mime) = rendition
        .strip_prefix('w')
        .and_then(|rest| rest.split_once('.'))
        .and_then(|(width, extension)| {
            let mime = match extension {
                "webp" => images::MIME_WEBP,
                "jpg" => images::MIME_JPEG,
                _ => return None,
            };
            Some((width.parse::<i32>().ok()?, mime))
        })
        .ok_or_else(ApiError::not_found)?;
    let mut tx = congxa_db::begin_for_tenant(&state.pool, tenant.id)
        .await
        .map_err(database)?;
    let row = sqlx::query!(
        "SELECT storage_key, size_bytes FROM media_renditions
         WHERE file_id = $1 AND width = $2 AND content_type = $3",
        id,
        width,
        mime
    )
    .fetch_optional(&mut *tx)
    .await
    .map_err(database)?
    .ok_or_else(ApiError::not_found)?;
    tx.commit().await.map_err(database)?;
    let object = Served {
        // Made once and never changed: the key names these bytes.
        etag: format!("\"{id}-{width}-{}\"", mime.trim_start_matches("image/")),
        key: &row.storage_key,
        content_type: mime,
        size: u64::try_from(row.size_bytes).unwrap_or(0),
        disposition: None,
    };
    object.send(&state.store, &headers).await
}

/// An object of the bucket as the answer to a GET: conditional (ETag),
/// ranged (video seeking, resumed downloads), cached for a year (the
/// address names bytes that never change), never sniffed or run.
struct Served<'a> {
    key: &'a str,
    content_type: &'a str,
    size: u64,
    etag: String,
    disposition: Option<String>,
}

impl Served<'_> {
    async fn send(self, store: &Store, headers: &HeaderMap) -> Result<Response, ApiError> {
        let cache = HeaderValue::from_static("public, max-age=31536000, immutable");
        if headers
            .get(header::IF_NONE_MATCH)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| {
                v.split(',')
                    .any(|tag| tag.trim() == self.etag || tag.trim() == "*")
            })
        {
            let mut response = StatusCode::NOT_MODIFIED.into_response();
            response.headers_mut().insert(header::CACHE_CONTROL, cache);
            insert(&mut response, header::ETAG, &self.etag);
            return Ok(response);
        }
        let wanted = range::wanted(headers, self.size, &self.etag);
        let (status, part) = match wanted {
            range::Wanted::All => (StatusCode::OK, None),
            range::Wanted::Part { start, end } => (StatusCode::PARTIAL_CONTENT, Some((start, end))),
            range::Wanted::Unsatisfiable => {
                let mut response = StatusCode::RANGE_NOT_SATISFIABLE.into_response();
                insert(
                    &mut response,
                    header::CONTENT_RANGE,
                    &format!("bytes */{}", self.size),
                );
                return Ok(response);
            }
        };
        let object = store
            .get_range(self.key, part)
            .await
            .map_err(upload::storage)?;
        let body = Body::from_stream(tokio_util::io::ReaderStream::new(
            object.body.into_async_read(),
        ));
        let mut response = Response::new(body);
        *response.status_mut() = status;
        let length = part.map_or(self.size, |(start, end)| end - start + 1);
        insert(&mut response, header::CONTENT_TYPE, self.content_type);
        insert(&mut response, header::CONTENT_LENGTH, &length.to_string());
        if let Some((start, end)) = part {
            insert(
                &mut response,
                header::CONTENT_RANGE,
                &format!("bytes {start}-{end}/{}", self.size),
            );
        }
        insert(&mut response, header::ACCEPT_RANGES, "bytes");
        insert(&mut response, header::ETAG, &self.etag);
        if let Some(disposition) = &self.disposition {
            insert(&mut response, header::CONTENT_DISPOSITION, disposition);
        }
        // A file is data, never a page of the site: no type guessing, and
        // opened on its own it can run nothing.
        insert(&mut response, header::X_CONTENT_TYPE_OPTIONS, "nosniff");
        insert(
            &mut response,
            header::CONTENT_SECURITY_POLICY,
            "default-src 'none'; sandbox",
        );
        response.headers_mut().insert(header::CACHE_CONTROL, cache);
        Ok(response)
    }
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
