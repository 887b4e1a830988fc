//! Reporting page views to analytics off the request path. A request only
//! notes what it saw (a sighting) in a bounded queue; a background task
//! makes the views (device class, referrer, salted visitor hash), sends
//! them in batches and resends a batch until analytics has it, so views
//! survive an analytics restart or a Redis restore.

use std::collections::HashMap;
use std::net::IpAddr;
use std::time::Duration;

use congxa_web::internal::InternalClient;
use congxa_web::views::{Batch, Device, SALT_PATH, Salt, VIEWS_PATH, View};
use time::OffsetDateTime;
use tokio::sync::mpsc;
use uuid::Uuid;

use crate::visitors;

/// Most sightings waiting. While analytics is down the queue fills; views
/// beyond it are dropped (and logged) rather than slowing pages.
const QUEUE: usize = 50_000;
const BATCH: usize = congxa_web::views::MAX_BATCH_VIEWS;
/// How long a batch may fill before it is sent.
const INTERVAL: Duration = Duration::from_millis(250);
/// Between two tries of a batch analytics did not take.
const RETRY_FIRST: Duration = Duration::from_millis(200);
const RETRY_MAX: Duration = Duration::from_secs(5);
/// How long a stopping gateway keeps trying to hand over what it holds.
const LAST_TRIES: Duration = Duration::from_secs(10);
/// User agents whose device class is remembered at most.
const DEVICES_REMEMBERED: usize = 10_000;
/// Longest user agent and referrer looked at.
const MAX_HEADER_CHARS: usize = 512;

/// What a request saw: everything a view is made of, raw. Never leaves the
/// gateway; the address and user agent go into the hash and are dropped.
#[derive(Debug)]
pub struct Sighting {
    pub tenant_id: Uuid,
    pub path: String,
    pub item: Option<Uuid>,
    pub at: OffsetDateTime,
    pub address: Option<IpAddr>,
    pub user_agent: String,
    pub referer: Option<String>,
    pub host: String,
}

impl Sighting {
    fn into_view(self, salt: &str, device: Device, count: u64) -> View {
        View {
            device,
            referrer: visitors::referrer(self.referer.as_deref(), &self.host),
            visitor: visitors::hash(salt, self.tenant_id, self.address, &self.user_agent),
            tenant_id: self.tenant_id,
            path: self.path,
            item: self.item,
            at: self.at,
            count,
        }
    }

    /// What makes two sightings the same view but for the moment.
    fn same_view_as(&self, other: &Self) -> bool {
        self.tenant_id == other.tenant_id
            && self.path == other.path
            && self.item == other.item
            && self.address == other.address
            && self.user_agent == other.user_agent
            && self.referer == other.referer
            && self.host == other.host
            && congxa_locale::time::day_key(self.at) == congxa_locale::time::day_key(other.at)
    }
}

/// Folds the same view seen many times (a visitor reloading, a spike on
/// one page from one place) into one with its count and latest moment:
/// analytics then does its work once for them all.
fn aggregate(sightings: Vec<Sighting>) -> Vec<(Sighting, u64)> {
    // Sightings of one commune, page, address and browser, to look through.
    type Group = (Uuid, String, Option<IpAddr>, String);
    let mut groups: HashMap<Group, Vec<(Sighting, u64)>> = HashMap::new();
    for sighting in sightings {
        let key = (
            sighting.tenant_id,
            sighting.path.clone(),
            sighting.address,
            sighting.user_agent.clone(),
        );
        let group = groups.entry(key).or_default();
        match group
            .iter_mut()
            .find(|(kept, _)| kept.same_view_as(&sighting))
        {
            Some((kept, count)) => {
                *count += 1;
                kept.at = kept.at.max(sighting.at);
            }
            None => group.push((sighting, 1)),
        }
    }
    groups.into_values().flatten().collect()
}

/// Cuts a header's text to what counting looks at.
pub fn clipped(text: &str) -> String {
    congxa_web::views::clip(text, MAX_HEADER_CHARS).to_owned()
}

/// The sending side, cheap to clone into every request.
#[derive(Clone)]
pub struct ViewReporter {
    queue: mpsc::Sender<Sighting>,
}

impl ViewReporter {
    /// Starts the task that sends batches to `analytics_url`. It ends, after
    /// handing over what it holds (or trying to for a while), once every
    /// reporter is dropped.
    pub fn start(
        client: InternalClient,
        analytics_url: &str,
    ) -> (Self, tokio::task::JoinHandle<()>) {
        let (queue, receiver) = mpsc::channel(QUEUE);
        let sender = Sender {
            client,
            base: analytics_url.trim_end_matches('/').to_owned(),
            salts: HashMap::new(),
            devices: HashMap::new(),
        };
        let task = tokio::spawn(sender.run(receiver));
        (Self { queue }, task)
    }

    /// Queues a sighting; never waits.
    pub fn record(&self, sighting: Sighting) {
        if self.queue.try_send(sighting).is_err() {
            tracing::warn!("page-view queue full; a view was not counted");
        }
    }
}

struct Sender {
    client: InternalClient,
    base: String,
    /// The salts of the days in hand ("2026-11-27"), as analytics gave them.
    salts: HashMap<String, String>,
    /// Device classes of the user agents seen lately.
    devices: HashMap<String, Device>,
}

impl Sender {
    async fn run(mut self, mut receiver: mpsc::Receiver<Sighting>) {
        let mut sightings = Vec::with_capacity(BATCH);
        loop {
            let received = receiver.recv_many(&mut sightings, BATCH).await;
            if received == 0 {
                return; // every reporter is gone and the queue is empty
            }
            // Let a batch fill a little: one call for many views.
            if sightings.len() < BATCH {
                tokio::time::sleep(INTERVAL).await;
                while sightings.len() < BATCH {
                    match receiver.try_recv() {
                        Ok(sighting) => sightings.push(sighting),
                        Err(_) => break,
                    }
                }
            }
            let closed = receiver.is_closed();
            self.hand_over(std::mem::take(&mut sightings), &receiver, closed)
                .await;
        }
    }

    /// Makes the batch and sends it until analytics takes it. While the
    /// queue is open this waits as long as it must (the queue holds what
    /// arrives meanwhile); once the gateway is stopping, only so long.
    async fn hand_over(
        &mut self,
        sightings: Vec<Sighting>,
        receiver: &mpsc::Receiver<Sighting>,
        closed: bool,
    ) {
        let count = sightings.len();
        let started = tokio::time::Instant::now();
        let mut wait = RETRY_FIRST;
        let mut pending = Some(sightings);
        let mut batch: Option<Batch> = None;
        loop {
            if batch.is_none()
                && let Some(sightings) = pending.take()
            {
                match self.make_batch(sightings).await {
                    Ok(made) => batch = Some(made),
                    Err(back) => pending = Some(back),
                }
            }
            if let Some(made) = &batch
                && self.send(made).await
            {
                return;
            }
            let stopping = closed || receiver.is_closed();
            if stopping && started.elapsed() > LAST_TRIES {
                tracing::warn!(
                    views = count,
                    "analytics unreachable while stopping; page views were not counted"
                );
                return;
            }
            tokio::time::sleep(wait).await;
            wait = (wait * 2).min(RETRY_MAX);
        }
    }

    /// The views of `sightings`, hashed with their days' salts; the
    /// sightings back when a salt cannot be had yet.
    async fn make_batch(&mut self, sightings: Vec<Sighting>) -> Result<Batch, Vec<Sighting>> {
        let mut days: Vec<String> = sightings
            .iter()
            .map(|s| congxa_locale::time::day_key(s.at))
            .collect();
        days.sort_unstable();
        days.dedup();
        let mut gone = Vec::new();
        for day in &days {
            if !self.salts.contains_key(day) {
                match self.fetch_salt(day).await {
                    Ok(Some(salt)) => {
                        self.salts.insert(day.clone(), salt);
                    }
                    Ok(None) => gone.push(day.clone()),
                    Err(()) => return Err(sightings),
                }
            }
        }
        // Views of a day whose salt is forgotten (held through an outage of
        // more than a day) cannot be counted any more; they would block the
        // queue.
        let mut sightings = sightings;
        if !gone.is_empty() {
            let before = sightings.len();
            sightings.retain(|s| !gone.contains(&congxa_locale::time::day_key(s.at)));
            tracing::warn!(
                views = before - sightings.len(),
                "page views older than yesterday were not counted"
            );
        }
        // Forget the salts of days gone.
        self.salts
            .retain(|day, _| days.contains(day) || day > &days[0]);
        let views = aggregate(sightings)
            .into_iter()
            .map(|(sighting, count)| {
                let day = congxa_locale::time::day_key(sighting.at);
                let salt = self.salts.get(&day).cloned().unwrap_or_default();
                let device = self.device_of(&sighting.user_agent);
                sighting.into_view(&salt, device, count)
            })
            .collect();
        Ok(Batch {
            id: Uuid::new_v4(),
            views,
        })
    }

    /// The device class of a user agent, remembered: a site's visitors use
    /// few browsers, and the robots' list is a long expression.
    fn device_of(&mut self, user_agent: &str) -> Device {
        if let Some(device) = self.devices.get(user_agent) {
            return *device;
        }
        if self.devices.len() >= DEVICES_REMEMBERED {
            self.devices.clear();
        }
        let device = visitors::device(user_agent);
        self.devices.insert(user_agent.to_owned(), device);
        device
    }

    /// The day's salt; `Ok(None)` when analytics has none for that day any
    /// more (its views can no longer be counted), `Err` when it cannot say.
    async fn fetch_salt(&self, day: &str) -> Result<Option<String>, ()> {
        let url = format!("{}{SALT_PATH}/{day}", self.base);
        let asked = self
            .client
            .request(reqwest::Method::GET, &url)
            .timeout(Duration::from_secs(5))
            .send()
            .await;
        match asked {
            Ok(response) if response.status().is_success() => response
                .json::<Salt>()
                .await
                .map(|s| Some(s.salt))
                .map_err(|_| ()),
            Ok(response) if response.status() == reqwest::StatusCode::NOT_FOUND => Ok(None),
            Ok(response) => {
                tracing::warn!(status = %response.status(), "no visitor salt from analytics; views wait");
                Err(())
            }
            Err(error) => {
                tracing::warn!(%error, "analytics unreachable; views wait");
                Err(())
            }
        }
    }

    async fn send(&self, batch: &Batch) -> bool {
        let sent = self
            .client
            .request(reqwest::Method::POST, &format!("{}{VIEWS_PATH}", self.base))
            .timeout(Duration::from_secs(5))
            .json(batch)
            .send()
            .await;
        match sent {
            Ok(response) if response.status().is_success() => true,
            // Refused for what it is: sending it again would change nothing.
            Ok(response) if response.status().is_client_error() => {
                tracing::error!(status = %response.status(), views = batch.views.len(), "analytics refused page views; they were not counted");
                true
            }
            Ok(response) => {
                tracing::warn!(status = %response.status(), views = batch.views.len(), "analytics did not take page views; sent again later");
                false
            }
            Err(error) => {
                tracing::warn!(%error, views = batch.views.len(), "analytics unreachable; page views sent again later");
                false
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sighting(path: &str, agent: &str, second: i64) -> Sighting {
        Sighting {
            tenant_id: Uuid::nil(),
            path: path.to_owned(),
            item: None,
            at: OffsetDateTime::from_unix_timestamp(1_790_000_000 + second).unwrap(),
            address: "203.113.1.7".parse().ok(),
            user_agent: agent.to_owned(),
            referer: None,
            host: "quoctuan.localhost".to_owned(),
        }
    }

    #[test]
    fn the_same_view_seen_again_is_counted_once_with_its_number() {
        let folded = aggregate(vec![
            sighting("/", "A", 0),
            sighting("/", "A", 5),
            sighting("/tin-tuc", "A", 1),
            sighting("/", "B", 2),
            sighting("/", "A", 3),
        ]);
        let mut seen: Vec<(String, String, u64, i64)> = folded
            .into_iter()
            .map(|(s, n)| {
                (
                    s.path,
                    s.user_agent,
                    n,
                    s.at.unix_timestamp() - 1_790_000_000,
                )
            })
            .collect();
        seen.sort();
        assert_eq!(
            seen,
            [
                ("/".to_owned(), "A".to_owned(), 3, 5),
                ("/".to_owned(), "B".to_owned(), 1, 2),
                ("/tin-tuc".to_owned(), "A".to_owned(), 1, 1),
            ]
        );
    }
}
