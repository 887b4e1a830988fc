//! Objects in the bucket that no record names: left by an upload that died
//! between storing and recording, or by a file the board deleted (the
//! workspace removes the record; the bytes go here). A sweep removes them
//! once they are older than a grace period (so an upload in flight is never
//! touched), and aborts multipart uploads abandoned for a day where the
//! server lists them. Sweeps are
//! idempotent, so every replica may run them.

use std::collections::HashSet;
use std::time::Duration;

use congxa_storage::{StorageError, Store};
use congxa_web::Shutdown;
use sqlx::PgPool;

/// Objects younger than this are left alone: their upload may still be
/// about to record them.
pub const GRACE: Duration = Duration::from_secs(3600);
/// Multipart uploads older than this are dead.
const STALE_UPLOAD: Duration = Duration::from_secs(24 * 3600);

/// What a sweep did.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Sweep {
    pub removed: usize,
    pub aborted: usize,
}

#[derive(Debug, thiserror::Error)]
pub enum SweepError {
    #[error(transparent)]
    Storage(#[from] StorageError),
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

/// Removes the objects older than `grace` that no record of their commune
/// names, and the abandoned multipart uploads.
pub async fn sweep(pool: &PgPool, store: &Store, grace: Duration) -> Result<Sweep, SweepError> {
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    let cutoff = now - i64::try_from(grace.as_secs()).unwrap_or(i64::MAX);
    let old: Vec<String> = store
        .list("tenants/")
        .await?
        .into_iter()
        .filter(|object| object.modified <= cutoff)
        .map(|object| object.key)
        .collect();
    let mut sweep = Sweep::default();
    for batch in old.chunks(500) {
        // By key, not by the commune of the prefix: a merged commune's files
        // keep their keys and belong to the commune they joined.
        let known: HashSet<String> =
            sqlx::query_scalar!(r#"SELECT congxa_known_storage_keys($1) AS "key!""#, batch)
                .fetch_all(pool)
                .await?
                .into_iter()
                .collect();
        for key in batch.iter().filter(|key| !known.contains(*key)) {
            store.delete(key).await?;
            sweep.removed += 1;
        }
    }
    let stale = now - i64::try_from(STALE_UPLOAD.as_secs()).unwrap_or(i64::MAX);
    // Not every S3-compatible server lists multipart uploads (s3s-fs does
    // not); the objects are swept all the same.
    sweep.aborted = match store.abort_stale_uploads("tenants/", stale).await {
        Ok(aborted) => aborted,
        Err(error) => {
            tracing::debug!(%error, "abandoned multipart uploads could not be listed");
            0
        }
    };
    Ok(sweep)
}

/// Sweeps every `interval` until shutdown.
pub fn spawn_sweeps(pool: PgPool, store: Store, interval: Duration, shutdown: Shutdown) {
    tokio::spawn(async move {
        loop {
            tokio::select! {
                () = tokio::time::sleep(interval) => {}
                () = shutdown.wait() => return,
            }
            match sweep(&pool, &store, GRACE).await {
                Ok(done) if done != Sweep::default() => {
                    tracing::info!(
                        removed = done.removed,
                        aborted = done.aborted,
                        "orphan objects swept"
                    );
                }
                Ok(_) => {}
                Err(error) => {
                    tracing::warn!(%error, "the orphan sweep could not finish; it runs again later")
                }
            }
        }
    });
}
