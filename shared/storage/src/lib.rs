//! The object store: one S3-compatible bucket, reached with path-style
//! addressing, holding every commune's files under its own key prefix.

pub mod filename;
pub mod kinds;

use std::time::Duration;

use aws_sdk_s3::Client;
use aws_sdk_s3::config::retry::RetryConfig;
use aws_sdk_s3::config::timeout::TimeoutConfig;
use aws_sdk_s3::config::{BehaviorVersion, Credentials, Region};
use aws_sdk_s3::primitives::ByteStream;
use aws_sdk_s3::types::{CompletedMultipartUpload, CompletedPart};
use bytes::Bytes;

/// Parts of a multipart upload are this big (S3 wants at least 5 MiB), which
/// also bounds what an upload holds in memory at once.
pub const PART_SIZE: usize = 8 * 1024 * 1024;

#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    #[error("the object does not exist")]
    NotFound,
    #[error("the storage did not answer: {0}")]
    Unavailable(String),
}

/// Where a commune's file lives in the bucket: under the commune's own
/// prefix, named by its id, never by anything an uploader typed.
pub fn tenant_key(tenant: uuid::Uuid, file: uuid::Uuid) -> String {
    format!("tenants/{tenant}/{file}")
}

/// A bucket of the S3-compatible storage.
#[derive(Clone)]
pub struct Store {
    client: Client,
    bucket: String,
}

/// An object being read back.
pub struct Object {
    pub body: ByteStream,
    pub size: Option<i64>,
}

/// An object found when listing the bucket.
pub struct Listed {
    pub key: String,
    pub size: i64,
    /// When it was written, in seconds since the epoch.
    pub modified: i64,
}

impl Store {
    /// Builds the client once; it connects on first use.
    pub fn new(config: &congxa_config::Config) -> Self {
        let credentials = Credentials::new(
            &config.s3_access_key,
            &config.s3_secret_key,
            None,
            None,
            "congxa-config",
        );
        // Short timeouts and few retries: when the storage is down an upload
        // must get its clear error in seconds, not hang.
        let s3 = aws_sdk_s3::Config::builder()
            .behavior_version(BehaviorVersion::latest())
            .endpoint_url(&config.s3_endpoint)
            .region(Region::new(config.s3_region.clone()))
            .credentials_provider(credentials)
            .force_path_style(true)
            .retry_config(RetryConfig::standard().with_max_attempts(2))
            .timeout_config(
                TimeoutConfig::builder()
                    .connect_timeout(Duration::from_secs(2))
                    .operation_attempt_timeout(Duration::from_secs(60))
                    .build(),
            )
            .build();
        Self {
            client: Client::from_conf(s3),
            bucket: config.s3_bucket.clone(),
        }
    }

    pub fn bucket(&self) -> &str {
        &self.bucket
    }

    /// Creates the bucket if it is missing (local stacks and tests).
    pub async fn ensure_bucket(&self) -> Result<(), StorageError> {
        if self.is_reachable().await {
            return Ok(());
        }
        self.client
            .create_bucket()
            .bucket(&self.bucket)
            .send()
            .await
            .map(|_| ())
            .map_err(|e| StorageError::Unavailable(format!("{e:?}")))
    }

    /// Whether the bucket answers, for `/readyz`.
    pub async fn is_reachable(&self) -> bool {
        let head = self.client.head_bucket().bucket(&self.bucket).send();
        matches!(
            tokio::time::timeout(Duration::from_secs(3), head).await,
            Ok(Ok(_))
        )
    }

    /// Stores a small object in one request.
    pub async fn put(
        &self,
        key: &str,
        content_type: &str,
        bytes: Bytes,
    ) -> Result<(), StorageError> {
        self.client
            .put_object()
            .bucket(&self.bucket)
            .key(key)
            .content_type(content_type)
            .body(ByteStream::from(bytes))
            .send()
            .await
            .map(|_| ())
            .map_err(unavailable)
    }

    /// Stores a file from disk, streamed rather than read into memory.
    pub async fn put_file(
        &self,
        key: &str,
        content_type: &str,
        path: &std::path::Path,
    ) -> Result<(), StorageError> {
        let body = ByteStream::from_path(path).await.map_err(unavailable)?;
        self.client
            .put_object()
            .bucket(&self.bucket)
            .key(key)
            .content_type(content_type)
            .body(body)
            .send()
            .await
            .map(|_| ())
            .map_err(unavailable)
    }

    /// Starts a multipart upload for an object too big for one request.
    pub async fn start_multipart(
        &self,
        key: &str,
        content_type: &str,
    ) -> Result<MultipartUpload, StorageError> {
        let started = self
            .client
            .create_multipart_upload()
            .bucket(&self.bucket)
            .key(key)
            .content_type(content_type)
            .send()
            .await
            .map_err(unavailable)?;
        let upload_id = started
            .upload_id()
            .ok_or_else(|| StorageError::Unavailable("no upload id returned".into()))?
            .to_owned();
        Ok(MultipartUpload {
            store: self.clone(),
            key: key.to_owned(),
            upload_id,
            parts: Vec::new(),
        })
    }

    /// Reads an object back as a stream.
    pub async fn get(&self, key: &str) -> Result<Object, StorageError> {
        self.get_range(key, None).await
    }

    /// Reads bytes `start..=end` of an object (all of it with `None`).
    pub async fn get_range(
        &self,
        key: &str,
        range: Option<(u64, u64)>,
    ) -> Result<Object, StorageError> {
        let output = self
            .client
            .get_object()
            .bucket(&self.bucket)
            .key(key)
            .set_range(range.map(|(start, end)| format!("bytes={start}-{end}")))
            .send()
            .await
            .map_err(|e| {
                if e.as_service_error().is_some_and(|s| s.is_no_such_key()) {
                    StorageError::NotFound
                } else {
                    unavailable(e)
                }
            })?;
        Ok(Object {
            size: output.content_length(),
            body: output.body,
        })
    }

    /// Every object under `prefix`, page by page.
    pub async fn list(&self, prefix: &str) -> Result<Vec<Listed>, StorageError> {
        let mut found = Vec::new();
        let mut pages = self
            .client
            .list_objects_v2()
            .bucket(&self.bucket)
            .prefix(prefix)
            .into_paginator()
            .send();
        while let Some(page) = pages.next().await {
            let page = page.map_err(unavailable)?;
            for object in page.contents() {
                if let Some(key) = object.key() {
                    found.push(Listed {
                        key: key.to_owned(),
                        size: object.size().unwrap_or(0),
                        modified: object.last_modified().map_or(0, |t| t.secs()),
                    });
                }
            }
        }
        Ok(found)
    }

    /// Aborts multipart uploads under `prefix` started before `before`
    /// (seconds since the epoch): parts of uploads that died half way.
    /// Returns how many were aborted.
    pub async fn abort_stale_uploads(
        &self,
        prefix: &str,
        before: i64,
    ) -> Result<usize, StorageError> {
        let listed = self
            .client
            .list_multipart_uploads()
            .bucket(&self.bucket)
            .prefix(prefix)
            .send()
            .await
            .map_err(unavailable)?;
        let mut aborted = 0;
        for upload in listed.uploads() {
            let started = upload.initiated().map_or(0, |t| t.secs());
            if let (Some(key), Some(id)) = (upload.key(), upload.upload_id())
                && started < before
            {
                self.client
                    .abort_multipart_upload()
                    .bucket(&self.bucket)
                    .key(key)
                    .upload_id(id)
                    .send()
                    .await
                    .map_err(unavailable)?;
                aborted += 1;
            }
        }
        Ok(aborted)
    }

    /// Removes an object; removing one that is gone is not an error.
    pub async fn delete(&self, key: &str) -> Result<(), StorageError> {
        self.client
            .delete_object()
            .bucket(&self.bucket)
            .key(key)
            .send()
            .await
            .map(|_| ())
            .map_err(unavailable)
    }
}

/// A multipart upload in progress. Either `complete` it or `abort` it, so no
/// orphan parts stay behind in the bucket.
pub struct MultipartUpload {
    store: Store,
    key: String,
    upload_id: String,
    parts: Vec<CompletedPart>,
}

impl MultipartUpload {
    pub async fn upload_part(&mut self, bytes: Bytes) -> Result<(), StorageError> {
        let number = i32::try_from(self.parts.len() + 1)
            .map_err(|_| StorageError::Unavailable("too many parts".into()))?;
        let uploaded = self
            .store
            .client
            .upload_part()
            .bucket(&self.store.bucket)
            .key(&self.key)
            .upload_id(&self.upload_id)
            .part_number(number)
            .body(ByteStream::from(bytes))
            .send()
            .await
            .map_err(unavailable)?;
        self.parts.push(
            CompletedPart::builder()
                .part_number(number)
                .set_e_tag(uploaded.e_tag().map(str::to_owned))
                .build(),
        );
        Ok(())
    }

    pub async fn complete(self) -> Result<(), StorageError> {
        self.store
            .client
            .complete_multipart_upload()
            .bucket(&self.store.bucket)
            .key(&self.key)
            .upload_id(&self.upload_id)
            .multipart_upload(
                CompletedMultipartUpload::builder()
                    .set_parts(Some(self.parts))
                    .build(),
            )
            .send()
            .await
            .map(|_| ())
            .map_err(unavailable)
    }

    pub async fn abort(self) {
        let aborted = self
            .store
            .client
            .abort_multipart_upload()
            .bucket(&self.store.bucket)
            .key(&self.key)
            .upload_id(&self.upload_id)
            .send()
            .await;
        if let Err(error) = aborted {
            tracing::warn!(key = %self.key, error = %unavailable(error), "could not abort an upload");
        }
    }
}

fn unavailable<E: std::fmt::Debug>(error: E) -> StorageError {
    StorageError::Unavailable(format!("{error:?}"))
}
