//! The real `congxa` binary, each service its own process, as a province
//! would run them on several machines: pages, files and counts go through the
//! gateway; one request gives one trace across every service it touched;
//! SIGTERM drains requests in flight.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::net::SocketAddr;
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::routing::post;
use congxa_config::Config;
use congxa_testing::TestEnv;
use futures::StreamExt as _;
use reqwest::StatusCode;
use tokio::process::{Child, Command};

const QT: &str = "quoctuan.localhost";

/// A local OTLP/HTTP receiver (JSON encoding) that keeps every export.
#[derive(Clone, Default)]
struct Receiver {
    exports: Arc<Mutex<Vec<serde_json::Value>>>,
}

impl Receiver {
    async fn start() -> (Self, SocketAddr) {
        let receiver = Receiver::default();
        let app = Router::new()
            .route(
                "/v1/traces",
                post(|State(r): State<Receiver>, body: Bytes| async move {
                    if let Ok(json) = serde_json::from_slice(&body) {
                        r.exports.lock().unwrap().push(json);
                    }
                    "{}"
                }),
            )
            .with_state(receiver.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        (receiver, address)
    }

    /// The service names that sent spans of `trace_id`.
    fn services_in(&self, trace_id: &str) -> Vec<String> {
        let mut services = Vec::new();
        for export in self.exports.lock().unwrap().iter() {
            for resource in export["resourceSpans"].as_array().into_iter().flatten() {
                let name = resource["resource"]["attributes"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .find(|a| a["key"] == "service.name")
                    .and_then(|a| a["value"]["stringValue"].as_str())
                    .unwrap_or_default()
                    .to_owned();
                let spans = resource["scopeSpans"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .flat_map(|s| s["spans"].as_array().into_iter().flatten());
                for span in spans {
                    if span["traceId"]
                        .as_str()
                        .is_some_and(|t| t.eq_ignore_ascii_case(trace_id))
                        && !services.contains(&name)
                    {
                        services.push(name.clone());
                    }
                }
            }
        }
        services.sort();
        services
    }
}

fn free_address() -> SocketAddr {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
}

/// The environment a process of the binary runs with, from a configuration.
fn environment(config: &Config) -> Vec<(&'static str, String)> {
    vec![
        ("DATABASE_URL", config.database_url.clone()),
        (
            "CONGXA_ADMIN_DATABASE_URL",
            config.admin_database_url.clone(),
        ),
        ("REDIS_URL", config.redis_url.clone()),
        ("CONGXA_S3_ENDPOINT", config.s3_endpoint.clone()),
        ("CONGXA_S3_BUCKET", config.s3_bucket.clone()),
        ("CONGXA_PLATFORM_DOMAIN", config.platform_domain.clone()),
        ("CONGXA_GATEWAY_LISTEN", config.gateway_listen.to_string()),
        ("CONGXA_CONTENT_LISTEN", config.content_listen.to_string()),
        ("CONGXA_MEDIA_LISTEN", config.media_listen.to_string()),
        (
            "CONGXA_ANALYTICS_LISTEN",
            config.analytics_listen.to_string(),
        ),
        (
            "CONGXA_CONTENT_URL",
            format!("http://{}", config.content_listen),
        ),
        (
            "CONGXA_MEDIA_URL",
            format!("http://{}", config.media_listen),
        ),
        (
            "CONGXA_ANALYTICS_URL",
            format!("http://{}", config.analytics_listen),
        ),
        ("CONGXA_INTERNAL_TOKEN", config.internal_token.clone()),
        ("CONGXA_OPERATOR_TOKEN", config.operator_token.clone()),
        ("CONGXA_REDIS_PREFIX", config.redis_prefix.clone()),
        ("CONGXA_FLUSH_INTERVAL_SECS", "1".to_owned()),
        ("RUST_LOG", "warn".to_owned()),
    ]
}

fn spawn(service: &str, config: &Config, extra: &[(&str, String)]) -> Child {
    let mut command = Command::new(env!("CARGO_BIN_EXE_congxa"));
    command
        .args(["serve", service])
        .envs(environment(config))
        .envs(extra.iter().map(|(k, v)| (*k, v.as_str())))
        .stdin(Stdio::null())
        .kill_on_drop(true);
    if std::env::var("TEST_LOG").is_err() {
        command.stdout(Stdio::null()).stderr(Stdio::null());
    }
    command.spawn().unwrap()
}

async fn wait_until_up(address: SocketAddr) {
    for _ in 0..200 {
        if let Ok(r) = reqwest::get(format!("http://{address}/healthz")).await
            && r.status().is_success()
        {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("{address} did not come up");
}

async fn terminate(child: &mut Child) -> std::process::ExitStatus {
    let pid = child.id().unwrap().to_string();
    let sent = Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .await
        .unwrap();
    assert!(sent.success());
    tokio::time::timeout(Duration::from_secs(20), child.wait())
        .await
        .expect("the process must stop after SIGTERM")
        .unwrap()
}

fn separate_ports(config: &mut Config) {
    config.gateway_listen = free_address();
    config.content_listen = free_address();
    config.media_listen = free_address();
    config.analytics_listen = free_address();
}

fn png() -> Vec<u8> {
    common::png(120, 90)
}

#[tokio::test(flavor = "multi_thread")]
async fn four_separate_processes_serve_pages_files_and_counts_with_one_trace_per_request() {
    let env = TestEnv::new().await;
    env.create_tenant("quoctuan", "Xã Quốc Tuấn").await;
    let (receiver, otlp) = Receiver::start().await;
    let mut config = env.config.clone();
    separate_ports(&mut config);
    let telemetry = [
        ("OTEL_EXPORTER_OTLP_ENDPOINT", format!("http://{otlp}")),
        ("OTEL_EXPORTER_OTLP_PROTOCOL", "http/json".to_owned()),
        ("OTEL_BSP_SCHEDULE_DELAY", "100".to_owned()),
    ];
    let mut children = Vec::new();
    for service in ["gateway", "content", "media", "analytics"] {
        children.push(spawn(service, &config, &telemetry));
    }
    for address in [
        config.gateway_listen,
        config.content_listen,
        config.media_listen,
        config.analytics_listen,
    ] {
        wait_until_up(address).await;
    }
    let http = reqwest::Client::builder()
        .resolve(QT, config.gateway_listen)
        .user_agent("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36")
        .build()
        .unwrap();
    let url = |path: &str| format!("http://{QT}:{}{path}", config.gateway_listen.port());
    let page_trace = "4bf92f3577b34da6a3ce929d0e0e4736";
    let upload_trace = "0af7651916cd43dd8448eb211c80319c";

    let page = http
        .get(url("/"))
        .header(
            "traceparent",
            format!("00-{page_trace}-00f067aa0ba902b7-01"),
        )
        .send()
        .await
        .unwrap();
    let page_status = page.status();
    let page_html = page.text().await.unwrap();
    let uploaded = http
        .post(url("/api/tep"))
        .header(
            "traceparent",
            format!("00-{upload_trace}-00f067aa0ba902b7-01"),
        )
        .bearer_auth(&config.operator_token)
        .multipart(reqwest::multipart::Form::new().part(
            "file",
            reqwest::multipart::Part::bytes(png()).file_name("Bản đồ hành chính.png"),
        ))
        .send()
        .await
        .unwrap();
    let upload_status = uploaded.status();
    let uploaded: serde_json::Value = uploaded.json().await.unwrap();
    let file = http
        .get(url(uploaded["url"].as_str().unwrap()))
        .send()
        .await
        .unwrap();
    let file_status = file.status();
    let file_bytes = file.bytes().await.unwrap();
    // The view went from the gateway through analytics to PostgreSQL.
    let mut views = 0;
    for _ in 0..100 {
        views =
            sqlx::query_scalar::<_, i64>("SELECT COALESCE(sum(views), 0)::int8 FROM visit_days")
                .fetch_one(&env.admin)
                .await
                .unwrap();
        if views >= 1 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let mut exits = Vec::new();
    for child in &mut children {
        exits.push(terminate(child).await);
    }

    assert_eq!(page_status, StatusCode::OK);
    assert!(page_html.contains("Xã Quốc Tuấn"));
    assert_eq!(upload_status, StatusCode::CREATED);
    assert_eq!(file_status, StatusCode::OK);
    assert!(
        common::same_points(&file_bytes, &png()),
        "the same image comes back"
    );
    assert_eq!(views, 1);
    assert!(exits.iter().all(|e| e.success()), "{exits:?}");
    // Each process flushes its spans as it shuts down.
    assert_eq!(
        receiver.services_in(page_trace),
        ["congxa-analytics", "congxa-content", "congxa-gateway"],
        "a page touches the gateway, content and (for the counter) analytics; received: {}",
        serde_json::to_string(&*receiver.exports.lock().unwrap())
            .unwrap()
            .chars()
            .take(3000)
            .collect::<String>()
    );
    assert_eq!(
        receiver.services_in(upload_trace),
        ["congxa-gateway", "congxa-media"]
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn sigterm_lets_an_upload_in_flight_finish() {
    let env = TestEnv::new().await;
    env.create_tenant("quoctuan", "Xã Quốc Tuấn").await;
    let mut config = env.config.clone();
    separate_ports(&mut config);
    let mut platform = spawn("all", &config, &[]);
    wait_until_up(config.gateway_listen).await;
    let http = reqwest::Client::builder()
        .resolve(QT, config.gateway_listen)
        .build()
        .unwrap();
    let url = format!("http://{QT}:{}/api/tep", config.gateway_listen.port());

    // A slow client: the first half now, the rest after the signal.
    let bytes = png();
    let (first, rest) = bytes.split_at(bytes.len() / 2);
    let (first, rest) = (Bytes::copy_from_slice(first), Bytes::copy_from_slice(rest));
    let body = futures::stream::iter([Ok::<_, std::io::Error>(first), Ok(rest)]).then(
        |chunk| async move {
            if chunk.as_ref().is_ok_and(|c| c[0] != 0x89) {
                tokio::time::sleep(Duration::from_millis(1500)).await;
            }
            chunk
        },
    );
    let part =
        reqwest::multipart::Part::stream(reqwest::Body::wrap_stream(body)).file_name("a.png");
    let upload = tokio::spawn(
        http.post(url)
            .bearer_auth(&config.operator_token)
            .multipart(reqwest::multipart::Form::new().part("file", part))
            .send(),
    );
    tokio::time::sleep(Duration::from_millis(500)).await;
    let exit = terminate(&mut platform).await;
    let answer = upload.await.unwrap().unwrap();

    assert!(exit.success(), "{exit:?}");
    assert_eq!(answer.status(), StatusCode::CREATED);
    let rows: i64 = sqlx::query_scalar("SELECT count(*) FROM media_files")
        .fetch_one(&env.admin)
        .await
        .unwrap();
    assert_eq!(rows, 1);
}

/// Polls `url` through `http` until it answers `expected`, for at most `limit`.
async fn eventually(
    http: &reqwest::Client,
    url: &str,
    expected: StatusCode,
    limit: Duration,
) -> StatusCode {
    let started = std::time::Instant::now();
    loop {
        let status = http.get(url).send().await.unwrap().status();
        if status == expected || started.elapsed() > limit {
            return status;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_tenancy_change_reaches_every_gateway_replica_within_a_second() {
    let env = TestEnv::new().await;
    let ah = env.create_tenant("anhung", "Xã An Hưng").await;
    let mut config = env.config.clone();
    separate_ports(&mut config);
    let mut first = spawn("all", &config, &[]);
    let mut second_config = config.clone();
    second_config.gateway_listen = free_address();
    let mut second = spawn("gateway", &second_config, &[]);
    wait_until_up(config.gateway_listen).await;
    wait_until_up(second_config.gateway_listen).await;
    let domain = "anhung.haiphong.gov.vn";
    let replicas = [config.gateway_listen, second_config.gateway_listen];
    // Each replica is reached by the same Host header through its own address.
    let clients: Vec<reqwest::Client> = replicas
        .iter()
        .map(|a| {
            reqwest::Client::builder()
                .resolve(domain, *a)
                .build()
                .unwrap()
        })
        .collect();
    let url = |replica: &SocketAddr| format!("http://{domain}:{}/", replica.port());

    let mut before = Vec::new();
    for (client, replica) in clients.iter().zip(&replicas) {
        before.push(client.get(url(replica)).send().await.unwrap().status());
    }
    env.add_domain(ah, domain, true).await;
    let mut added = Vec::new();
    for (client, replica) in clients.iter().zip(&replicas) {
        added.push(
            eventually(
                client,
                &url(replica),
                StatusCode::OK,
                Duration::from_secs(1),
            )
            .await,
        );
    }
    sqlx::query("UPDATE tenants SET status = 'suspended' WHERE id = $1")
        .bind(ah)
        .execute(&env.admin)
        .await
        .unwrap();
    let mut suspended = Vec::new();
    for (client, replica) in clients.iter().zip(&replicas) {
        suspended.push(
            eventually(
                client,
                &url(replica),
                StatusCode::SERVICE_UNAVAILABLE,
                Duration::from_secs(1),
            )
            .await,
        );
    }
    terminate(&mut second).await;
    terminate(&mut first).await;

    assert_eq!(before, [StatusCode::NOT_FOUND, StatusCode::NOT_FOUND]);
    assert_eq!(added, [StatusCode::OK, StatusCode::OK]);
    assert_eq!(
        suspended,
        [
            StatusCode::SERVICE_UNAVAILABLE,
            StatusCode::SERVICE_UNAVAILABLE
        ]
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_correction_purges_the_cached_page_on_every_gateway_process_and_nothing_else() {
    let env = TestEnv::new().await;
    common::demo_commune(&env, "quoctuan", "Xã Quốc Tuấn").await;
    // Two published articles of two sections.
    let articles: Vec<(String, String)> = sqlx::query_as(
        "SELECT DISTINCT ON (s.path) i.title, '/' || s.path || '/' || i.slug
         FROM items i JOIN sections s ON s.id = i.section_id
         WHERE i.status = 'published' AND s.kind = 'news' AND s.path LIKE 'tin-tuc/%'
         ORDER BY s.path, i.published_at DESC LIMIT 2",
    )
    .fetch_all(&env.admin)
    .await
    .unwrap();
    let [(title, corrected), (_, other)] = [articles[0].clone(), articles[1].clone()];
    let mut config = env.config.clone();
    separate_ports(&mut config);
    let mut first = spawn("all", &config, &[]);
    let mut second_config = config.clone();
    second_config.gateway_listen = free_address();
    let mut second = spawn("gateway", &second_config, &[]);
    wait_until_up(config.gateway_listen).await;
    wait_until_up(second_config.gateway_listen).await;
    let replicas = [config.gateway_listen, second_config.gateway_listen];
    let cache_of = |replica: SocketAddr, path: String| async move {
        let response = reqwest::Client::builder()
            .resolve(QT, replica)
            .build()
            .unwrap()
            .get(format!("http://{QT}:{}{path}", replica.port()))
            .send()
            .await
            .unwrap();
        let cache = response
            .headers()
            .get("x-cache")
            .map(|v| v.to_str().unwrap().to_owned())
            .unwrap_or_default();
        (cache, response.text().await.unwrap())
    };

    // Asked until kept: a gateway empties its cache when its purge feed
    // connects, which may be just after its first pages.
    let mut warmed = Vec::new();
    for replica in replicas {
        for path in [&corrected, &other] {
            let started = std::time::Instant::now();
            let mut cache = String::new();
            while cache != "hit" && started.elapsed() < Duration::from_secs(5) {
                cache = cache_of(replica, path.clone()).await.0;
            }
            warmed.push(cache);
        }
    }
    sqlx::query("UPDATE items SET title = title || ' (đã sửa)' WHERE title = $1")
        .bind(&title)
        .execute(&env.admin)
        .await
        .unwrap();
    let mut after = Vec::new();
    for replica in replicas {
        let started = std::time::Instant::now();
        let (cache, page) = loop {
            let answer = cache_of(replica, corrected.clone()).await;
            if answer.0 == "miss" || started.elapsed() > Duration::from_secs(5) {
                break answer;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        };
        after.push((
            cache,
            page.contains("(đã sửa)"),
            cache_of(replica, other.clone()).await.0,
        ));
    }
    terminate(&mut second).await;
    terminate(&mut first).await;

    assert_eq!(warmed, ["hit", "hit", "hit", "hit"]);
    let expected = ("miss".to_owned(), true, "hit".to_owned());
    assert_eq!(after, [expected.clone(), expected]);
}
