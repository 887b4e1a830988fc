//! The publishing job: items scheduled by the board go out at their time,
//! with no visitor needed. The schedule lives in PostgreSQL (so it survives
//! restarts); every content replica runs this loop, and the conditional
//! update in `congxa_board::items::publish_due` lets exactly one of them
//! publish each item. An item found past its time is published at once and
//! reported as late, never skipped.

use std::time::Duration;

use congxa_web::Shutdown;
use sqlx::PgPool;
use time::OffsetDateTime;

/// Most items published in one round; the next round takes the rest.
const BATCH: i32 = 100;

pub async fn run(pool: PgPool, every: Duration, shutdown: Shutdown) {
    let mut ticker = tokio::time::interval(every);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = ticker.tick() => {}
            () = shutdown.wait() => return,
        }
        match round(&pool, OffsetDateTime::now_utc()).await {
            Ok(0) => {}
            Ok(published) => tracing::info!(published, "scheduled items published"),
            Err(error) => tracing::warn!(%error, "publishing round failed; retried next round"),
        }
    }
}

/// Publishes everything due by `now`; returns how many this replica did.
pub async fn round(pool: &PgPool, now: OffsetDateTime) -> Result<usize, congxa_board::BoardError> {
    let due = sqlx::query!(
        r#"SELECT tenant_id AS "tenant_id!", item_id AS "item_id!" FROM congxa_due_items($1, $2)"#,
        now,
        BATCH
    )
    .fetch_all(pool)
    .await?;
    let mut published = 0;
    for item in due {
        let mut tx = congxa_db::begin_for_tenant(pool, item.tenant_id).await?;
        if congxa_board::items::publish_due(&mut tx, item.tenant_id, item.item_id, now).await? {
            published += 1;
        }
        tx.commit().await?;
    }
    Ok(published)
}
