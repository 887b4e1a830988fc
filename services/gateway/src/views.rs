//! Reporting page views to analytics off the request path: views go into a
//! bounded queue and a background task sends them in batches.

use std::time::Duration;

use congxa_web::internal::InternalClient;
use serde::Serialize;
use time::OffsetDateTime;
use tokio::sync::mpsc;
use uuid::Uuid;

/// Most views waiting to be sent. When analytics is slow or down the queue
/// fills and further views are dropped (and logged) rather than slowing pages.
const QUEUE: usize = 10_000;
const BATCH: usize = 500;
const INTERVAL: Duration = Duration::from_millis(500);

/// One public page view, as analytics receives it.
#[derive(Debug, Clone, Serialize)]
pub struct View {
    pub tenant_id: Uuid,
    pub path: String,
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
}

/// The sending side, cheap to clone into every request.
#[derive(Clone)]
pub struct ViewReporter {
    queue: mpsc::Sender<View>,
}

impl ViewReporter {
    /// Starts the task that sends batches to `analytics_url`. It ends, after
    /// sending what is queued, once every reporter is dropped.
    pub fn start(
        client: InternalClient,
        analytics_url: &str,
    ) -> (Self, tokio::task::JoinHandle<()>) {
        let (queue, receiver) = mpsc::channel(QUEUE);
        let url = format!("{}/internal/views", analytics_url.trim_end_matches('/'));
        let task = tokio::spawn(send_batches(receiver, client, url));
        (Self { queue }, task)
    }

    /// Queues a view; never waits.
    pub fn record(&self, view: View) {
        if self.queue.try_send(view).is_err() {
            tracing::warn!("page-view queue full; a view was not counted");
        }
    }
}

async fn send_batches(mut receiver: mpsc::Receiver<View>, client: InternalClient, url: String) {
    let mut batch = Vec::with_capacity(BATCH);
    loop {
        let received = receiver.recv_many(&mut batch, BATCH).await;
        if received == 0 {
            return; // every reporter is gone and the queue is empty
        }
        // Let a batch fill a little: one call for many views.
        if batch.len() < BATCH {
            tokio::time::sleep(INTERVAL).await;
            while batch.len() < BATCH {
                match receiver.try_recv() {
                    Ok(view) => batch.push(view),
                    Err(_) => break,
                }
            }
        }
        send(&client, &url, &batch).await;
        batch.clear();
    }
}

async fn send(client: &InternalClient, url: &str, batch: &[View]) {
    let sent = client
        .request(reqwest::Method::POST, url)
        .timeout(Duration::from_secs(5))
        .json(batch)
        .send()
        .await;
    match sent {
        Ok(response) if response.status().is_success() => {}
        Ok(response) => {
            tracing::warn!(status = %response.status(), views = batch.len(), "analytics refused page views; they were not counted");
        }
        Err(error) => {
            tracing::warn!(%error, views = batch.len(), "analytics unreachable; page views were not counted");
        }
    }
}
