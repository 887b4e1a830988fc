//! Visit counting end to end (README, "Visits: what is counted"): views
//! through the gateway, counted in Redis, flushed to PostgreSQL, read back
//! exactly; a batch or a flush repeated counts once; Redis lost and
//! restarted, analytics stopped or killed, all under load, with the bounds
//! the README promises.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use congxa_analytics::flush;
use congxa_analytics::ingest::{self, Applied};
use congxa_analytics::keys::Keys;
use congxa_analytics::restore;
use congxa_config::Config;
use congxa_testing::TestEnv;
use congxa_web::Shutdown;
use congxa_web::views::{Batch, Device, View};
use reqwest::StatusCode;
use tokio::net::TcpListener;
use tokio::task::JoinHandle;
use uuid::Uuid;

const CHROME: &str = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";
const PHONE: &str = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1";
const GOOGLEBOT: &str = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)";

/// The platform in this process with analytics on its own switch, so a test
/// can stop, kill and restart it on the same address while the rest serves.
struct Stack {
    config: Config,
    gateway: SocketAddr,
    analytics: SocketAddr,
    shutdown: Shutdown,
    rest: JoinHandle<()>,
    counting: Option<(Shutdown, JoinHandle<anyhow::Result<()>>)>,
}

impl Stack {
    async fn start(mut config: Config) -> Self {
        config.flush_interval_secs = 1;
        let listeners = congxa::Listeners::bind(&config).await.unwrap();
        let gateway = listeners.gateway.local_addr().unwrap();
        let analytics = listeners.analytics.local_addr().unwrap();
        config.content_url = format!("http://{}", listeners.content.local_addr().unwrap());
        config.media_url = format!("http://{}", listeners.media.local_addr().unwrap());
        config.analytics_url = format!("http://{analytics}");
        let shutdown = Shutdown::new();
        let (c, s) = (config.clone(), shutdown.clone());
        let rest = tokio::spawn(async move {
            let (g, ct, m) = tokio::join!(
                congxa_gateway::serve(c.clone(), listeners.gateway, s.clone()),
                congxa_content::serve(c.clone(), listeners.content, s.clone()),
                congxa_media::serve(c, listeners.media, s),
            );
            g.and(ct).and(m).unwrap();
        });
        let mut stack = Self {
            config,
            gateway,
            analytics,
            shutdown,
            rest,
            counting: None,
        };
        stack.start_analytics(Some(listeners.analytics));
        stack
    }

    fn start_analytics(&mut self, listener: Option<TcpListener>) {
        let config = self.config.clone();
        let address = self.analytics;
        let stop = Shutdown::new();
        let s = stop.clone();
        let task = tokio::spawn(async move {
            let listener = match listener {
                Some(listener) => listener,
                None => TcpListener::bind(address).await?,
            };
            congxa_analytics::serve(config, listener, s).await
        });
        self.counting = Some((stop, task));
    }

    /// A graceful stop, as on SIGTERM: the last flush included.
    async fn stop_analytics(&mut self) {
        let (stop, task) = self.counting.take().unwrap();
        stop.trigger();
        task.await.unwrap().unwrap();
    }

    /// Gone at once, mid-request and mid-flush, as on SIGKILL.
    async fn kill_analytics(&mut self) {
        let (_, task) = self.counting.take().unwrap();
        task.abort();
        let _ = task.await;
    }

    fn client(&self, hosts: &[&str], user_agent: &str) -> reqwest::Client {
        let mut http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(user_agent);
        for host in hosts {
            http = http.resolve(host, self.gateway);
        }
        http.build().unwrap()
    }

    fn url(&self, host: &str, path: &str) -> String {
        format!("http://{host}:{}{path}", self.gateway.port())
    }

    /// Stops as `serve all` does: analytics last, after the gateway handed
    /// over what it held.
    async fn stop(mut self) {
        self.shutdown.trigger();
        (&mut self.rest).await.unwrap();
        if self.counting.is_some() {
            self.stop_analytics().await;
        }
    }
}

fn host(slug: &str) -> String {
    format!("{slug}.localhost")
}

/// What PostgreSQL holds for a commune: views, visits, visitors, robots.
async fn stored(env: &TestEnv, slug: &str) -> (i64, i64, i64, i64) {
    sqlx::query_as(
        "SELECT COALESCE(sum(d.views), 0)::int8, COALESCE(sum(d.visits), 0)::int8,
                COALESCE(sum(d.visitors), 0)::int8, COALESCE(sum(d.bots), 0)::int8
         FROM tenants t LEFT JOIN visit_days d ON d.tenant_id = t.id WHERE t.slug = $1",
    )
    .bind(slug)
    .fetch_one(&env.admin)
    .await
    .unwrap()
}

async fn stored_views(env: &TestEnv, slug: &str) -> i64 {
    stored(env, slug).await.0
}

/// Waits until `slug` has `expected` views in PostgreSQL.
async fn wait_for_views(env: &TestEnv, slug: &str, expected: i64, within: Duration) -> i64 {
    let started = Instant::now();
    loop {
        let views = stored_views(env, slug).await;
        if views >= expected || started.elapsed() > within {
            return views;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn exact_totals_under_concurrent_load_from_many_communes() {
    let env = TestEnv::new().await;
    let communes: Vec<(String, i64)> = (0..8).map(|i| (format!("xa{i}"), 25 + 7 * i)).collect();
    for (slug, _) in &communes {
        env.create_tenant(slug, &format!("Xã Số {slug}")).await;
    }
    let stack = Stack::start(env.config.clone()).await;
    let hosts: Vec<String> = communes.iter().map(|(slug, _)| host(slug)).collect();
    let host_refs: Vec<&str> = hosts.iter().map(String::as_str).collect();
    let browser = stack.client(&host_refs, CHROME);
    let phone = stack.client(&host_refs, PHONE);
    let robot = stack.client(&host_refs, GOOGLEBOT);

    // Every view of every commune at once, 16 at a time.
    let mut jobs = Vec::new();
    for (slug, n) in &communes {
        for i in 0..*n {
            // The first commune has a second person, on a phone.
            let http = if slug == "xa0" && i % 5 == 0 {
                &phone
            } else {
                &browser
            };
            jobs.push((http.clone(), stack.url(&host(slug), "/")));
        }
        for _ in 0..5 {
            jobs.push((robot.clone(), stack.url(&host(slug), "/")));
        }
        // Neither is a page view: a missing page, the counter itself.
        jobs.push((
            browser.clone(),
            stack.url(&host(slug), "/khong-co-trang-nay"),
        ));
        jobs.push((browser.clone(), stack.url(&host(slug), "/api/thong-ke")));
    }
    let statuses: Vec<StatusCode> = futures::future::join_all(jobs.chunks(16).map(|chunk| {
        let chunk = chunk.to_vec();
        async move {
            let mut statuses = Vec::new();
            for (http, url) in chunk {
                statuses.push(http.get(url).send().await.unwrap().status());
            }
            statuses
        }
    }))
    .await
    .into_iter()
    .flatten()
    .collect();
    assert!(statuses.iter().all(|s| s.as_u16() < 500), "{statuses:?}");

    for (slug, n) in &communes {
        wait_for_views(&env, slug, *n, Duration::from_secs(20)).await;
    }
    // Two more flushes must change nothing.
    tokio::time::sleep(Duration::from_millis(2500)).await;
    for (slug, n) in &communes {
        let (views, visits, visitors, bots) = stored(&env, slug).await;
        assert_eq!(views, *n, "{slug}");
        assert_eq!(bots, 5, "{slug}");
        // One person (one address, one browser) within 30 minutes: one
        // visit; the first commune also had a second person.
        let people = if slug == "xa0" { 2 } else { 1 };
        assert_eq!(visits, people, "{slug}");
        assert_eq!(visitors, people, "{slug}");
    }

    // The public counter is exact from 10 on; the first commune's devices
    // are told apart.
    let counter: serde_json::Value = browser
        .get(stack.url(&host("xa7"), "/api/thong-ke"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(counter["total"], 25 + 7 * 7);
    assert_eq!(counter["today"], 25 + 7 * 7);
    assert_eq!(counter["online"], "< 10");
    let devices: Vec<(String, i64)> = sqlx::query_as(
        "SELECT c.key, sum(c.views)::int8 FROM visit_day_counts c JOIN tenants t ON t.id = c.tenant_id
         WHERE t.slug = 'xa0' AND c.dimension = 'device' GROUP BY 1 ORDER BY 1",
    )
    .fetch_all(&env.admin)
    .await
    .unwrap();
    assert_eq!(
        devices,
        vec![("desktop".to_owned(), 20), ("mobile".to_owned(), 5)]
    );
    stack.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn an_item_page_counts_for_its_item_and_a_link_from_elsewhere_for_its_site() {
    let env = TestEnv::new().await;
    common::demo_commune(&env, "quoctuan", "Xã Quốc Tuấn").await;
    let (item, path): (Uuid, String) = sqlx::query_as(
        "SELECT i.id, '/' || s.path || '/' || i.slug FROM items i JOIN sections s ON s.id = i.section_id
         WHERE i.status = 'published' AND s.kind = 'news' ORDER BY i.published_at DESC LIMIT 1",
    )
    .fetch_one(&env.admin)
    .await
    .unwrap();
    let stack = Stack::start(env.config.clone()).await;
    let browser = stack.client(&["quoctuan.localhost"], CHROME);
    for referer in [
        "https://www.facebook.com/ubnd.quoctuan/posts/1",
        "https://zalo.me/g/abc",
        "http://quoctuan.localhost/",
    ] {
        let page = browser
            .get(stack.url("quoctuan.localhost", &path))
            .header("referer", referer)
            .send()
            .await
            .unwrap();
        assert_eq!(page.status(), StatusCode::OK);
        // The mark content puts on a page view stays inside the platform.
        assert!(page.headers().get("x-congxa-view").is_none());
    }
    wait_for_views(&env, "quoctuan", 3, Duration::from_secs(20)).await;
    tokio::time::sleep(Duration::from_millis(1200)).await;
    let counts: Vec<(String, String, i64)> = sqlx::query_as(
        "SELECT dimension, key, views FROM visit_day_counts ORDER BY dimension, key",
    )
    .fetch_all(&env.admin)
    .await
    .unwrap();
    let of = |dimension: &str| -> Vec<(String, i64)> {
        counts
            .iter()
            .filter(|(d, _, _)| d == dimension)
            .map(|(_, k, v)| (k.clone(), *v))
            .collect()
    };
    assert_eq!(of("item"), vec![(item.to_string(), 3)]);
    assert_eq!(of("path"), vec![(path.clone(), 3)]);
    assert_eq!(
        of("referrer"),
        vec![("facebook.com".to_owned(), 1), ("zalo.me".to_owned(), 1)]
    );
    // Nothing stored names a visitor: no address, no user agent.
    let dump: String =
        sqlx::query_scalar("SELECT string_agg(t::text, ' ') FROM (SELECT * FROM visit_days) t")
            .fetch_one(&env.admin)
            .await
            .unwrap();
    assert!(
        !dump.contains("127.0.0.1") && !dump.contains("Chrome"),
        "{dump}"
    );
    stack.stop().await;
}

fn view(tenant: Uuid, visitor: &str, path: &str) -> View {
    View {
        tenant_id: tenant,
        path: path.to_owned(),
        item: None,
        at: time::OffsetDateTime::now_utc(),
        visitor: format!("{visitor:0>64}"),
        referrer: None,
        device: Device::Desktop,
        count: 1,
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_batch_or_a_flush_repeated_after_a_crash_counts_once_and_a_lost_redis_is_restored() {
    let env = TestEnv::new().await;
    let tenant = env.create_tenant("quoctuan", "Xã Quốc Tuấn").await;
    let keys = Keys::new(&env.config.redis_prefix);
    let client = redis::Client::open(env.config.redis_url.as_str()).unwrap();
    let mut redis = client.get_multiplexed_async_connection().await.unwrap();
    let pool = &env.app;

    // A Redis that never held this platform's counters is "restored" from
    // an empty PostgreSQL before anything is counted.
    let first = Batch {
        id: Uuid::new_v4(),
        views: vec![
            view(tenant, "a", "/"),
            view(tenant, "a", "/tin-tuc"),
            view(tenant, "b", "/"),
        ],
    };
    assert_eq!(
        ingest::apply(&mut redis, &keys, &first).await.unwrap(),
        Applied::NeedsRestore
    );
    assert!(restore::if_needed(&mut redis, &keys, pool).await.unwrap());
    assert!(!restore::if_needed(&mut redis, &keys, pool).await.unwrap());
    assert_eq!(
        ingest::apply(&mut redis, &keys, &first).await.unwrap(),
        Applied::Counted(3)
    );
    // The gateway resends a batch whose answer it lost: counted once.
    assert_eq!(
        ingest::apply(&mut redis, &keys, &first).await.unwrap(),
        Applied::Counted(0)
    );
    flush::flush(&mut redis, &keys, pool).await.unwrap();
    flush::flush(&mut redis, &keys, pool).await.unwrap();
    let stored_now = stored(&env, "quoctuan").await;
    assert_eq!(stored_now, (3, 2, 2, 0));

    // A flush that took its days and died before writing them: the next
    // start puts them back, and they are written once.
    let second = Batch {
        id: Uuid::new_v4(),
        views: vec![view(tenant, "c", "/"), view(tenant, "a", "/")],
    };
    ingest::apply(&mut redis, &keys, &second).await.unwrap();
    let dirty: Vec<String> = redis::cmd("SMEMBERS")
        .arg(keys.dirty())
        .query_async(&mut redis)
        .await
        .unwrap();
    assert_eq!(dirty.len(), 1);
    let _: () = redis::cmd("SMOVE")
        .arg(keys.dirty())
        .arg(keys.flushing())
        .arg(&dirty[0])
        .query_async(&mut redis)
        .await
        .unwrap();
    assert_eq!(flush::flush(&mut redis, &keys, pool).await.unwrap(), 0);
    assert_eq!(stored_views(&env, "quoctuan").await, 3);
    flush::recover(&mut redis, &keys).await.unwrap();
    flush::flush(&mut redis, &keys, pool).await.unwrap();
    flush::flush(&mut redis, &keys, pool).await.unwrap();
    assert_eq!(stored(&env, "quoctuan").await, (5, 3, 3, 0));

    // Redis loses everything. Counting waits for the restore, then carries
    // on from what PostgreSQL holds: the total, the day, the visitor log
    // (person "a" again is no new visitor).
    let doomed: Vec<String> = redis::cmd("KEYS")
        .arg(format!("{}:v:*", env.config.redis_prefix))
        .query_async(&mut redis)
        .await
        .unwrap();
    assert!(doomed.len() > 5, "{doomed:?}");
    let _: () = redis::cmd("DEL")
        .arg(&doomed)
        .query_async(&mut redis)
        .await
        .unwrap();
    let third = Batch {
        id: Uuid::new_v4(),
        views: vec![view(tenant, "a", "/lien-he")],
    };
    assert_eq!(
        ingest::apply(&mut redis, &keys, &third).await.unwrap(),
        Applied::NeedsRestore
    );
    assert!(restore::if_needed(&mut redis, &keys, pool).await.unwrap());
    let counter = congxa_analytics::live::read(&mut redis, &keys, tenant)
        .await
        .unwrap();
    assert_eq!((counter.total, counter.today, counter.month), (5, 5, 5));
    assert_eq!(
        ingest::apply(&mut redis, &keys, &third).await.unwrap(),
        Applied::Counted(1)
    );
    flush::flush(&mut redis, &keys, pool).await.unwrap();
    let (views, _, visitors, _) = stored(&env, "quoctuan").await;
    assert_eq!((views, visitors), (6, 3));
    // The same view seen three times, folded by the gateway: three views,
    // one visitor, one visit.
    let (_, visits_before, _, _) = stored(&env, "quoctuan").await;
    let folded = Batch {
        id: Uuid::new_v4(),
        views: vec![View {
            count: 3,
            ..view(tenant, "d", "/")
        }],
    };
    assert_eq!(
        ingest::apply(&mut redis, &keys, &folded).await.unwrap(),
        Applied::Counted(3)
    );
    flush::flush(&mut redis, &keys, pool).await.unwrap();
    let (views, visits, visitors, _) = stored(&env, "quoctuan").await;
    assert_eq!((views, visits - visits_before, visitors), (9, 1, 4));
    let paths: Vec<(String, i64)> = sqlx::query_as(
        "SELECT key, views FROM visit_day_counts WHERE dimension = 'path' ORDER BY key",
    )
    .fetch_all(&env.admin)
    .await
    .unwrap();
    assert_eq!(
        paths,
        vec![
            ("/".to_owned(), 7),
            ("/lien-he".to_owned(), 1),
            ("/tin-tuc".to_owned(), 1)
        ]
    );
}

/// Sends page views to `hosts` until told to stop; counts what was sent
/// and every answer of 500 or more.
struct Load {
    sent: Arc<AtomicU64>,
    failed: Arc<AtomicU64>,
    stop: Arc<AtomicBool>,
    task: JoinHandle<()>,
}

impl Load {
    fn start(http: reqwest::Client, urls: Vec<String>) -> Self {
        let sent = Arc::new(AtomicU64::new(0));
        let failed = Arc::new(AtomicU64::new(0));
        let stop = Arc::new(AtomicBool::new(false));
        let (s, f, st) = (sent.clone(), failed.clone(), stop.clone());
        let task = tokio::spawn(async move {
            let workers = (0..4).map(|w| {
                let (http, urls, s, f, st) =
                    (http.clone(), urls.clone(), s.clone(), f.clone(), st.clone());
                async move {
                    let mut i = w;
                    while !st.load(Ordering::SeqCst) {
                        let url = &urls[i % urls.len()];
                        i += 1;
                        let status = http.get(url).send().await.unwrap().status();
                        if status.as_u16() >= 500 {
                            f.fetch_add(1, Ordering::SeqCst);
                        } else if status == StatusCode::OK {
                            s.fetch_add(1, Ordering::SeqCst);
                        }
                    }
                }
            });
            futures::future::join_all(workers).await;
        });
        Self {
            sent,
            failed,
            stop,
            task,
        }
    }

    fn sent(&self) -> i64 {
        i64::try_from(self.sent.load(Ordering::SeqCst)).unwrap()
    }

    async fn finish(self) -> (i64, u64) {
        self.stop.store(true, Ordering::SeqCst);
        self.task.await.unwrap();
        (
            i64::try_from(self.sent.load(Ordering::SeqCst)).unwrap(),
            self.failed.load(Ordering::SeqCst),
        )
    }
}

async fn total_stored(env: &TestEnv) -> i64 {
    sqlx::query_scalar("SELECT COALESCE(sum(views), 0)::int8 FROM visit_days")
        .fetch_one(&env.admin)
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn analytics_stopped_or_killed_under_load_loses_no_view() {
    let env = TestEnv::new().await;
    env.create_tenant("quoctuan", "Xã Quốc Tuấn").await;
    env.create_tenant("anhung", "Xã An Hưng").await;
    let mut stack = Stack::start(env.config.clone()).await;
    let http = stack.client(&["quoctuan.localhost", "anhung.localhost"], CHROME);
    let load = Load::start(
        http,
        vec![
            stack.url("quoctuan.localhost", "/"),
            stack.url("anhung.localhost", "/tim-kiem?q=ubnd"),
        ],
    );
    tokio::time::sleep(Duration::from_millis(800)).await;
    stack.stop_analytics().await;
    tokio::time::sleep(Duration::from_millis(800)).await;
    stack.start_analytics(None);
    tokio::time::sleep(Duration::from_millis(800)).await;
    stack.kill_analytics().await;
    tokio::time::sleep(Duration::from_millis(800)).await;
    stack.start_analytics(None);
    tokio::time::sleep(Duration::from_millis(800)).await;
    let (sent, failed) = load.finish().await;

    assert_eq!(failed, 0, "pages answered 5xx while analytics was away");
    assert!(sent > 50, "the load sent only {sent} views");
    let started = Instant::now();
    let mut counted = 0;
    while started.elapsed() < Duration::from_secs(30) {
        counted = total_stored(&env).await;
        if counted >= sent {
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    // Views waited in the gateway and were resent; none twice.
    tokio::time::sleep(Duration::from_millis(2500)).await;
    assert_eq!(
        total_stored(&env).await,
        sent,
        "counted {counted} of {sent}"
    );
    stack.stop().await;
}

/// A Redis of this test's own, which it may kill.
struct OwnRedis {
    port: u16,
    child: tokio::process::Child,
}

impl OwnRedis {
    async fn start(port: Option<u16>) -> Self {
        let port = match port {
            Some(port) => port,
            None => std::net::TcpListener::bind("127.0.0.1:0")
                .unwrap()
                .local_addr()
                .unwrap()
                .port(),
        };
        let child = tokio::process::Command::new("redis-server")
            .args(["--port", &port.to_string(), "--bind", "127.0.0.1"])
            .args(["--save", "", "--appendonly", "no"])
            .stdout(std::process::Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .expect("redis-server is installed with the local stack");
        let started = Instant::now();
        while tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .is_err()
        {
            assert!(
                started.elapsed() < Duration::from_secs(10),
                "redis-server did not start"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        Self { port, child }
    }

    async fn kill(mut self) -> u16 {
        self.child.kill().await.unwrap();
        self.port
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn redis_killed_and_restarted_under_load_takes_no_page_down_and_loses_at_most_a_flush() {
    let mut env = TestEnv::new().await;
    let redis = OwnRedis::start(None).await;
    env.config.redis_url = format!("redis://127.0.0.1:{}", redis.port);
    env.create_tenant("quoctuan", "Xã Quốc Tuấn").await;
    let stack = Stack::start(env.config.clone()).await;
    let http = stack.client(&["quoctuan.localhost"], CHROME);
    let load = Load::start(http.clone(), vec![stack.url("quoctuan.localhost", "/")]);

    // Counting and flushing, then Redis dies without a trace.
    let before = wait_for_views(&env, "quoctuan", 20, Duration::from_secs(20)).await;
    assert!(before >= 20, "nothing flushed before the kill: {before}");
    let flushed_before_kill = stored_views(&env, "quoctuan").await;
    let sent_before_kill = load.sent();
    let port = redis.kill().await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    // Pages still render, without the counter.
    let page = http
        .get(stack.url("quoctuan.localhost", "/"))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    let redis = OwnRedis::start(Some(port)).await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let (sent, failed) = load.finish().await;
    // The page fetched above is a view too.
    let sent = sent + 1;
    assert_eq!(failed, 0, "pages answered 5xx while Redis was away");

    // Everything sent after the kill is counted (it waited in the gateway
    // or came after the restore); of what came before, only what the last
    // flush had not written may be lost; nothing counts twice.
    let lower = flushed_before_kill + (sent - sent_before_kill);
    let counted = wait_for_views(&env, "quoctuan", lower, Duration::from_secs(30)).await;
    tokio::time::sleep(Duration::from_millis(2500)).await;
    let counted_later = stored_views(&env, "quoctuan").await;
    assert!(
        counted >= lower,
        "counted {counted}, at least {lower} expected"
    );
    assert!(
        counted_later <= sent,
        "counted {counted_later} of {sent} sent"
    );
    // And the live counter carries on from the restored total.
    let counter: serde_json::Value = http
        .get(stack.url("quoctuan.localhost", "/api/thong-ke"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let live = counter["total"].as_i64().unwrap();
    assert!(
        live >= counted_later && live <= sent,
        "live {live}, stored {counted_later}, sent {sent}"
    );
    stack.stop().await;
    drop(redis);
}

#[tokio::test(flavor = "multi_thread")]
async fn the_board_reads_its_own_figures_and_operators_compare_every_commune() {
    use common::workspace::{Browser, head_of};
    let env = TestEnv::new().await;
    let password = head_of(&env, "quoctuan", "Xã Quốc Tuấn", "tb@quoctuan.vn").await;
    common::create_tenant(&env, "anhung", "Xã An Hưng", &[])
        .await
        .assert_ok();
    common::visits_of_a_month(&env, "quoctuan").await;
    // The other commune had three views yesterday: a small number.
    sqlx::query(
        "INSERT INTO visit_days (tenant_id, day, views, visits, visitors, bots)
         SELECT id, (now() AT TIME ZONE 'Asia/Ho_Chi_Minh')::date - 1, 3, 2, 2, 40 FROM tenants WHERE slug = 'anhung'",
    )
    .execute(&env.admin)
    .await
    .unwrap();
    let contributor = common::congxa(
        &env,
        &[
            "user",
            "create",
            "--tenant",
            "quoctuan",
            "--email",
            "cb@quoctuan.vn",
            "--name",
            "Trần Văn Cường",
            "--role",
            "contributor",
            "--json",
        ],
    )
    .await;
    let contributor_password = contributor.json()["one_time_password"]
        .as_str()
        .unwrap()
        .to_owned();
    let platform = common::browser::Platform::start(&env).await;

    let mut head =
        common::workspace::signed_in_head(&platform, "quoctuan.localhost", &password).await;
    let (status, page) = head.get("/quan-tri/thong-ke").await;
    assert_eq!(status, StatusCode::OK);
    // 30 days of 40 + 3d views: 40·30 + 3·(0 + … + 29) = 2,505, exact for
    // the board; three charts over time and the rankings of referrers and
    // devices (this commune has published nothing to rank).
    assert!(page.contains("<strong>2.505</strong>"), "{page}");
    assert_eq!(page.matches("<svg").count(), 5, "{page}");
    assert!(page.contains("Chưa có nội dung nào được xem trong khoảng này."));
    assert!(page.contains("role=\"img\""));
    assert!(
        page.contains("facebook.com") && page.contains("Điện thoại"),
        "{page}"
    );
    let (status, csv) = head.get("/quan-tri/thong-ke?dinh-dang=csv").await;
    assert_eq!(status, StatusCode::OK);
    let lines: Vec<&str> = csv.trim_start_matches('\u{feff}').lines().collect();
    assert_eq!(lines.len(), 31, "{csv}");
    assert!(lines[0].starts_with("Ngày,Lượt xem trang,Lượt truy cập"));
    let today = congxa_locale::time::day_date(congxa_locale::time::now().date());
    assert_eq!(lines[30], format!("{today},40,20,15,0"));
    let year = congxa_locale::time::now().year();
    let (status, yearly) = head.get(&format!("/quan-tri/thong-ke/nam/{year}")).await;
    assert_eq!(status, StatusCode::OK);
    let yearly: serde_json::Value = serde_json::from_str(&yearly).unwrap();
    assert_eq!(yearly["year"], year);
    assert!(
        yearly["sections"].as_array().unwrap().len() >= 10,
        "{yearly}"
    );
    let (status, _) = head.get("/quan-tri/thong-ke/nam/hai-nghin").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);

    // A contributor only sends material: no statistics.
    let mut sender = Browser::new(&platform, "quoctuan.localhost");
    sender
        .sign_in(
            "cb@quoctuan.vn",
            &contributor_password,
            "câu mật khẩu mới của cán bộ",
        )
        .await;
    let (status, _) = sender.get("/quan-tri/thong-ke").await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // The province's feed: with the operators' token only, small numbers
    // hidden, every commune and the totals.
    let http = reqwest::Client::builder()
        .resolve(
            "localhost",
            SocketAddr::from(([127, 0, 0, 1], platform.port)),
        )
        .resolve(
            "quoctuan.localhost",
            SocketAddr::from(([127, 0, 0, 1], platform.port)),
        )
        .build()
        .unwrap();
    let feed_url = format!("http://localhost:{}/api/giam-sat", platform.port);
    let refused = http.get(&feed_url).send().await.unwrap();
    assert_eq!(refused.status(), StatusCode::UNAUTHORIZED);
    let wrong = http.get(&feed_url).bearer_auth("sai").send().await.unwrap();
    assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
    let feed: serde_json::Value = http
        .get(&feed_url)
        .bearer_auth(&env.config.operator_token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let communes = feed["communes"].as_array().unwrap();
    let of = |slug: &str| communes.iter().find(|c| c["slug"] == slug).unwrap().clone();
    assert_eq!(of("quoctuan")["views"], 2505);
    assert_eq!(of("anhung")["views"], "< 10");
    assert_eq!(of("anhung")["bots"], 40);
    assert_eq!(feed["totals"]["communes"], 2);
    assert_eq!(feed["totals"]["views"], 2508);
    // The same paths on a commune's domain are not the console.
    let elsewhere = http
        .get(format!(
            "http://quoctuan.localhost:{}/_console/api/giam-sat",
            platform.port
        ))
        .bearer_auth(&env.config.operator_token)
        .send()
        .await
        .unwrap();
    assert_eq!(elsewhere.status(), StatusCode::NOT_FOUND);
    let yearly: serde_json::Value = http
        .get(format!(
            "http://localhost:{}/api/thong-ke/quoctuan/{year}",
            platform.port
        ))
        .bearer_auth(&env.config.operator_token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(
        yearly["visits"]["views"].as_u64().unwrap() >= 40,
        "{yearly}"
    );
    platform.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn serve_all_stopped_right_after_the_views_has_written_every_one() {
    let env = TestEnv::new().await;
    assert_eq!(
        env.config.flush_interval_secs, 60,
        "only the last flush may write"
    );
    env.create_tenant("quoctuan", "Xã Quốc Tuấn").await;
    let platform = common::browser::Platform::start(&env).await;
    let http = reqwest::Client::builder()
        .resolve(
            "quoctuan.localhost",
            SocketAddr::from(([127, 0, 0, 1], platform.port)),
        )
        .user_agent(CHROME)
        .build()
        .unwrap();
    for _ in 0..30 {
        let page = http
            .get(format!("http://quoctuan.localhost:{}/", platform.port))
            .send()
            .await
            .unwrap();
        assert_eq!(page.status(), StatusCode::OK);
    }
    // Stopped at once: the gateway hands over what it holds, analytics
    // counts it and flushes on its way out.
    platform.stop().await;
    assert_eq!(stored(&env, "quoctuan").await, (30, 1, 1, 0));
}
