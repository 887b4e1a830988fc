//! The mailing job: board notifications (assigned, approval needed,
//! returned, published) also go out by e-mail when SMTP is configured. The
//! notification rows are the outbox, so nothing is lost across restarts;
//! each replica takes rows with `FOR UPDATE SKIP LOCKED`, so each goes out
//! once. A failed send is retried a few times, then left in the app only.

use std::time::Duration;

use congxa_mail::Mailer;
use congxa_web::Shutdown;
use sqlx::PgPool;
use time::OffsetDateTime;

/// Most e-mails sent in one round; the next round takes the rest.
const BATCH: i32 = 50;
/// Tries before a notification stays in the app only.
const MAX_ATTEMPTS: i32 = 5;
/// Older notifications are not worth a late e-mail.
const FRESH_FOR: time::Duration = time::Duration::days(2);

pub struct Job {
    pub pool: PgPool,
    pub mailer: Mailer,
    pub scheme: String,
    pub platform_domain: String,
}

pub async fn run(job: Job, every: Duration, shutdown: Shutdown) {
    let mut ticker = tokio::time::interval(every);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = ticker.tick() => {}
            () = shutdown.wait() => return,
        }
        match round(&job, OffsetDateTime::now_utc()).await {
            Ok(0) => {}
            Ok(sent) => tracing::info!(sent, "notifications e-mailed"),
            Err(error) => tracing::warn!(%error, "mailing round failed; retried next round"),
        }
    }
}

/// Sends what is waiting; returns how many e-mails this replica sent.
pub async fn round(job: &Job, now: OffsetDateTime) -> Result<usize, sqlx::Error> {
    let waiting = sqlx::query!(
        r#"SELECT tenant_id AS "tenant_id!", id AS "id!"
           FROM congxa_unmailed_notifications($1, $2, $3)"#,
        now - FRESH_FOR,
        MAX_ATTEMPTS,
        BATCH
    )
    .fetch_all(&job.pool)
    .await?;
    let mut sent = 0;
    for row in waiting {
        let mut tx = congxa_db::begin_for_tenant(&job.pool, row.tenant_id).await?;
        // Another replica may be sending it right now: then it is not ours.
        let Some(note) = sqlx::query!(
            r#"SELECT n.message, n.item_id, a.email, a.name, t.name AS commune, t.slug,
                      d.domain AS "domain?"
               FROM board_notifications n
               JOIN board_accounts a ON a.id = n.account_id
               JOIN tenants t ON t.id = n.tenant_id
               LEFT JOIN tenant_domains d ON d.tenant_id = t.id AND d.is_primary
               WHERE n.id = $1 AND n.emailed_at IS NULL
               FOR UPDATE OF n SKIP LOCKED"#,
            row.id
        )
        .fetch_optional(&mut *tx)
        .await?
        else {
            continue;
        };
        let host = congxa_tenancy::domain::canonical_host(
            &note.slug,
            note.domain.as_deref(),
            &job.platform_domain,
        );
        let link = match note.item_id {
            Some(item) => format!("{}://{host}/quan-tri/tin-bai/{item}", job.scheme),
            None => format!("{}://{host}/quan-tri", job.scheme),
        };
        let subject = format!("[{}] {}", note.commune, first_line(&note.message));
        let body = format!(
            "Kính gửi {},\n\n{}\n\nXem và xử lý tại: {link}\n\n--\nThư gửi tự động từ trang thông tin điện tử {}. \
             Thông báo này cũng có trong trang quản trị.\n",
            note.name, note.message, note.commune
        );
        match job
            .mailer
            .send(&note.name, &note.email, &subject, &body)
            .await
        {
            Ok(()) => {
                sqlx::query!(
                    "UPDATE board_notifications SET emailed_at = now() WHERE id = $1",
                    row.id
                )
                .execute(&mut *tx)
                .await?;
                sent += 1;
            }
            Err(error) => {
                tracing::warn!(%error, notification = row.id, "a notification could not be e-mailed");
                sqlx::query!(
                    "UPDATE board_notifications SET email_attempts = email_attempts + 1 WHERE id = $1",
                    row.id
                )
                .execute(&mut *tx)
                .await?;
            }
        }
        tx.commit().await?;
    }
    Ok(sent)
}

fn first_line(message: &str) -> &str {
    message.lines().next().unwrap_or(message)
}
