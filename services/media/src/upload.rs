//! Receiving a file: streamed from the request into S3 part by part, checked
//! by its first bytes, recorded in PostgreSQL only once it is safely stored.

use axum::extract::Multipart;
use axum::extract::multipart::Field;
use axum::http::StatusCode;
use bytes::{Bytes, BytesMut};
use congxa_storage::{MultipartUpload, PART_SIZE, StorageError, Store};
use congxa_web::ApiError;
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::filename;
use crate::kinds::{self, Kind};

/// Bytes needed to tell a file's kind (the longest signature `infer` reads
/// for our kinds fits in this).
const SNIFF: usize = 8 * 1024;

/// A file stored in the bucket, not yet recorded.
pub struct Stored {
    pub id: Uuid,
    pub key: String,
    pub filename: String,
    pub kind: Kind,
    pub size: u64,
    pub sha256: String,
}

/// Takes the `file` field of a multipart form and stores it under the
/// tenant's prefix.
pub async fn receive(
    store: &Store,
    tenant: Uuid,
    mut form: Multipart,
    max_bytes: u64,
) -> Result<Stored, ApiError> {
    while let Some(field) = form.next_field().await.map_err(bad_form)? {
        if field.name() == Some("file") {
            return store_field(store, tenant, field, max_bytes).await;
        }
    }
    Err(ApiError::new(
        StatusCode::UNPROCESSABLE_ENTITY,
        "no_file",
        "Chưa chọn tệp để tải lên (trường \"file\").",
    ))
}

async fn store_field(
    store: &Store,
    tenant: Uuid,
    mut field: Field<'_>,
    max_bytes: u64,
) -> Result<Stored, ApiError> {
    let filename = field.file_name().and_then(filename::clean).ok_or_else(|| {
        ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "no_filename",
            "Tệp tải lên cần có tên.",
        )
    })?;
    let id = Uuid::new_v4();
    let key = congxa_storage::tenant_key(tenant, id);

    let mut buffer = BytesMut::with_capacity(SNIFF);
    let mut kind: Option<Kind> = None;
    let mut size: u64 = 0;
    let mut hasher = Sha256::new();
    let mut upload: Option<MultipartUpload> = None;

    let outcome: Result<(), ApiError> = async {
        while let Some(chunk) = field.chunk().await.map_err(bad_form)? {
            size += chunk.len() as u64;
            if size > max_bytes {
                return Err(too_large(max_bytes));
            }
            hasher.update(&chunk);
            buffer.extend_from_slice(&chunk);
            if kind.is_none() && buffer.len() >= SNIFF {
                kind = Some(identify(&buffer)?);
            }
            if buffer.len() >= PART_SIZE {
                let part = buffer.split_to(PART_SIZE).freeze();
                let content_type = kind.map_or("application/octet-stream", |k| k.mime);
                if upload.is_none() {
                    upload = Some(
                        store
                            .start_multipart(&key, content_type)
                            .await
                            .map_err(storage)?,
                    );
                }
                if let Some(upload) = upload.as_mut() {
                    upload.upload_part(part).await.map_err(storage)?;
                }
            }
        }
        if kind.is_none() {
            kind = Some(identify(&buffer)?);
        }
        Ok(())
    }
    .await;

    if let Err(error) = outcome {
        if let Some(upload) = upload {
            upload.abort().await;
        }
        return Err(error);
    }
    let kind = kind.ok_or_else(refused)?;
    let rest: Bytes = buffer.freeze();
    match upload {
        Some(mut upload) => {
            let finished = async {
                if !rest.is_empty() {
                    upload.upload_part(rest).await?;
                }
                upload.complete().await
            };
            // On failure the parts are abandoned; the orphan clean-up removes them.
            finished.await.map_err(storage)?;
        }
        None => store.put(&key, kind.mime, rest).await.map_err(storage)?,
    }
    Ok(Stored {
        id,
        key,
        filename,
        kind,
        size,
        sha256: hex::encode(hasher.finalize()),
    })
}

fn identify(head: &[u8]) -> Result<Kind, ApiError> {
    kinds::detect(head).ok_or_else(refused)
}

fn refused() -> ApiError {
    ApiError::new(
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "unsupported_type",
        "Loại tệp này không được chấp nhận. Chỉ nhận ảnh (JPEG, PNG, WebP, GIF), \
         tài liệu (PDF, Word, Excel, PowerPoint, OpenDocument) và video MP4.",
    )
}

fn too_large(max_bytes: u64) -> ApiError {
    ApiError::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        "too_large",
        format!(
            "Tệp vượt quá dung lượng cho phép ({} MB).",
            max_bytes / (1024 * 1024)
        ),
    )
}

fn bad_form(error: axum::extract::multipart::MultipartError) -> ApiError {
    let status = error.status();
    if status == StatusCode::PAYLOAD_TOO_LARGE {
        return ApiError::new(status, "too_large", "Tệp vượt quá dung lượng cho phép.");
    }
    ApiError::bad_request("bad_form", "Không đọc được dữ liệu tải lên.").with_source(error)
}

pub fn storage(error: StorageError) -> ApiError {
    match error {
        StorageError::NotFound => ApiError::not_found(),
        StorageError::Unavailable(_) => ApiError::unavailable(
            "storage_unavailable",
            "Kho lưu trữ tệp tạm thời không truy cập được. Tệp chưa được lưu; vui lòng thử lại sau.",
        )
        .with_source(anyhow::anyhow!(error)),
    }
}
