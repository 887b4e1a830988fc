//! Receiving a file: streamed from the request into S3 part by part, checked
//! by its first bytes, held to its kind's size limit and to the commune's
//! quota, recorded in PostgreSQL only once it is safely stored. Images are
//! the exception to streaming: they are bounded in size, decoded, turned
//! upright, stripped of every metadata byte (no GPS leaves the platform),
//! re-encoded, and stored with their renditions.

use std::sync::Arc;

use axum::extract::Multipart;
use axum::extract::multipart::Field;
use axum::http::StatusCode;
use bytes::{Bytes, BytesMut};
use congxa_locale::number::megabytes;
use congxa_storage::{MultipartUpload, PART_SIZE, StorageError, Store};
use congxa_web::ApiError;
use sha2::{Digest, Sha256};
use tokio::sync::Semaphore;
use uuid::Uuid;

use crate::filename;
use crate::images::{self, ImageError};
use congxa_storage::kinds::{self, Class, Kind};

use congxa_storage::kinds::SNIFF;

pub use congxa_storage::kinds::Limits;

/// What an upload is received with besides the request.
pub struct Receiving<'a> {
    pub store: &'a Store,
    pub tenant: Uuid,
    pub limits: Limits,
    /// Bytes the commune may still store.
    pub room: u64,
    /// Images decoded at once: each takes hundreds of megabytes at most.
    pub image_work: Arc<Semaphore>,
}

/// A rendition of an image, stored.
pub struct StoredRendition {
    pub width: u32,
    pub height: u32,
    pub mime: &'static str,
    pub key: String,
    pub size: u64,
}

/// A file stored in the bucket, not yet recorded.
pub struct Stored {
    pub id: Uuid,
    pub key: String,
    pub filename: String,
    pub kind: Kind,
    /// Bytes of the file as served (an image as re-encoded).
    pub size: u64,
    pub sha256: String,
    /// An image's size, upright.
    pub dimensions: Option<(u32, u32)>,
    pub renditions: Vec<StoredRendition>,
}

impl Stored {
    /// Every object it put in the bucket.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.key.as_str()).chain(self.renditions.iter().map(|r| r.key.as_str()))
    }

    /// What it counts against the quota.
    pub fn stored_bytes(&self) -> u64 {
        self.size + self.renditions.iter().map(|r| r.size).sum::<u64>()
    }

    /// Removes what it put in the bucket (when it could not be recorded).
    pub async fn discard(&self, store: &Store) {
        for key in self.keys() {
            if let Err(error) = store.delete(key).await {
                tracing::warn!(key, %error, "could not remove an unrecorded file");
            }
        }
    }
}

/// Takes the `file` field of a multipart form and stores it under the
/// tenant's prefix.
pub async fn receive(receiving: &Receiving<'_>, mut form: Multipart) -> Result<Stored, ApiError> {
    while let Some(field) = form.next_field().await.map_err(bad_form)? {
        if field.name() == Some("file") {
            return store_field(receiving, field).await;
        }
    }
    Err(ApiError::new(
        StatusCode::UNPROCESSABLE_ENTITY,
        "no_file",
        "Chưa chọn tệp để tải lên (trường \"file\").",
    ))
}

async fn store_field(receiving: &Receiving<'_>, mut field: Field<'_>) -> Result<Stored, ApiError> {
    let filename = field.file_name().and_then(filename::clean).ok_or_else(|| {
        ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "no_filename",
            "Tệp tải lên cần có tên.",
        )
    })?;
    let store = receiving.store;
    let id = Uuid::new_v4();
    let key = congxa_storage::tenant_key(receiving.tenant, id);

    let mut buffer = BytesMut::with_capacity(SNIFF);
    let mut kind: Option<Kind> = None;
    let mut size: u64 = 0;
    let mut hasher = Sha256::new();
    let mut upload: Option<MultipartUpload> = None;

    let outcome: Result<(), ApiError> = async {
        while let Some(chunk) = field.chunk().await.map_err(bad_form)? {
            size += chunk.len() as u64;
            let limit = kind.map_or(receiving.limits.largest(), |k| {
                receiving.limits.bytes_for(k.class())
            });
            if size > limit {
                return Err(too_large(kind.map(|k| k.class()), limit));
            }
            if size > receiving.room {
                return Err(over_quota());
            }
            hasher.update(&chunk);
            buffer.extend_from_slice(&chunk);
            if kind.is_none() && buffer.len() >= SNIFF {
                kind = Some(identify(&buffer)?);
            }
            // Images stay whole in memory (they are bounded): they are
            // re-encoded before anything is stored.
            let streamed = kind.is_some_and(|k| k.class() != Class::Image);
            if streamed && buffer.len() >= PART_SIZE {
                let part = buffer.split_to(PART_SIZE).freeze();
                if upload.is_none() {
                    let mime = kind.map_or("application/octet-stream", |k| k.mime);
                    upload = Some(store.start_multipart(&key, mime).await.map_err(storage)?);
                }
                if let Some(upload) = upload.as_mut() {
                    upload.upload_part(part).await.map_err(storage)?;
                }
            }
        }
        if size == 0 {
            return Err(ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "empty_file",
                "Tệp rỗng, không có nội dung.",
            ));
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
    if kind.class() == Class::Image {
        return store_image(receiving, id, key, filename, kind, rest).await;
    }
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
        dimensions: None,
        renditions: Vec::new(),
    })
}

/// Decodes, cleans and re-encodes an image, then stores it with its
/// renditions; on a failure nothing stays in the bucket.
async fn store_image(
    receiving: &Receiving<'_>,
    id: Uuid,
    key: String,
    filename: String,
    kind: Kind,
    bytes: Bytes,
) -> Result<Stored, ApiError> {
    let limits = images::Limits {
        max_pixels: receiving.limits.image_pixels,
    };
    // A bomb is refused from its header, before it waits for a turn.
    images::dimensions(&bytes, kind.mime)
        .and_then(|(width, height)| limits.check(width, height))
        .map_err(bad_image)?;
    let permit = receiving
        .image_work
        .clone()
        .acquire_owned()
        .await
        .map_err(ApiError::internal)?;
    let mime = kind.mime;
    let prepared = tokio::task::spawn_blocking(move || {
        let _permit = permit;
        images::prepare(&bytes, mime, &limits)
    })
    .await
    .map_err(ApiError::internal)?
    .map_err(bad_image)?;

    let original = Bytes::from(prepared.original.bytes);
    let mut stored = Stored {
        id,
        key,
        filename,
        kind: Kind {
            mime: prepared.original.mime,
            download: false,
        },
        size: original.len() as u64,
        sha256: hex::encode(Sha256::digest(&original)),
        dimensions: Some((prepared.width, prepared.height)),
        renditions: Vec::new(),
    };
    let put = async {
        receiving
            .store
            .put(&stored.key, prepared.original.mime, original)
            .await?;
        for rendition in prepared.renditions {
            let extension = if rendition.mime == images::MIME_WEBP {
                "webp"
            } else {
                "jpg"
            };
            // Beside the original, not under it: on a file-system backed
            // store a key cannot be both a file and a folder.
            let key = format!("{}-w{}.{extension}", stored.key, rendition.width);
            let size = rendition.bytes.len() as u64;
            receiving
                .store
                .put(&key, rendition.mime, Bytes::from(rendition.bytes))
                .await?;
            stored.renditions.push(StoredRendition {
                width: rendition.width,
                height: rendition.height,
                mime: rendition.mime,
                key,
                size,
            });
        }
        Ok::<_, StorageError>(())
    };
    if let Err(error) = put.await {
        stored.discard(receiving.store).await;
        return Err(storage(error));
    }
    if stored.stored_bytes() > receiving.room {
        stored.discard(receiving.store).await;
        return Err(over_quota());
    }
    Ok(stored)
}

fn identify(head: &[u8]) -> Result<Kind, ApiError> {
    kinds::detect(head).ok_or_else(refused)
}

fn refused() -> ApiError {
    ApiError::new(
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "unsupported_type",
        format!(
            "Loại tệp này không được chấp nhận. Chỉ nhận {}.",
            kinds::ACCEPTED
        ),
    )
}

fn bad_image(error: ImageError) -> ApiError {
    let code = match error {
        ImageError::TooManyPixels { .. } => "image_too_large",
        _ => "bad_image",
    };
    ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, code, error.to_string())
}

fn too_large(class: Option<Class>, limit: u64) -> ApiError {
    let what = class.map_or_else(String::new, |c| format!(" đối với {}", c.name()));
    ApiError::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        "too_large",
        format!(
            "Tệp vượt quá dung lượng cho phép{what} ({}).",
            megabytes(limit)
        ),
    )
}

pub fn over_quota() -> ApiError {
    ApiError::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        "quota_exceeded",
        "Xã đã dùng hết dung lượng lưu trữ được cấp. Hãy xóa bớt tệp không còn dùng, \
         hoặc đề nghị cán bộ vận hành tăng dung lượng.",
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
