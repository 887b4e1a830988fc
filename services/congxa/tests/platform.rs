//! The platform end to end in one process (`serve all`): everything goes
//! through the gateway as a browser's request would, against the real
//! PostgreSQL, Redis and S3-compatible server.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::net::SocketAddr;
use std::time::Duration;

use congxa_config::Config;
use congxa_testing::TestEnv;
use congxa_web::Shutdown;
use reqwest::StatusCode;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// A running platform and a client that reaches any host name through it.
struct Platform {
    gateway: SocketAddr,
    http: reqwest::Client,
    shutdown: Shutdown,
    task: tokio::task::JoinHandle<anyhow::Result<()>>,
}

impl Platform {
    async fn start(config: Config, hosts: &[&str]) -> Self {
        let listeners = congxa::Listeners::bind(&config).await.unwrap();
        let gateway = listeners.gateway.local_addr().unwrap();
        let shutdown = Shutdown::new();
        let task = tokio::spawn(congxa::serve_all(config, listeners, shutdown.clone()));
        // A browser's user agent: requests without one are robots' and
        // are not counted as page views.
        let mut http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(BROWSER);
        for host in hosts {
            http = http.resolve(host, gateway);
        }
        Self {
            gateway,
            http: http.build().unwrap(),
            shutdown,
            task,
        }
    }

    fn url(&self, host: &str, path: &str) -> String {
        format!("http://{host}:{}{path}", self.gateway.port())
    }

    async fn get(&self, host: &str, path: &str) -> reqwest::Response {
        self.http.get(self.url(host, path)).send().await.unwrap()
    }

    async fn stop(self) {
        self.shutdown.trigger();
        self.task.await.unwrap().unwrap();
    }
}

/// Sends raw bytes to the gateway and returns the status line.
async fn raw_status(gateway: SocketAddr, request: &[u8]) -> String {
    let mut stream = tokio::net::TcpStream::connect(gateway).await.unwrap();
    stream.write_all(request).await.unwrap();
    let mut answer = vec![0; 4096];
    let n = tokio::time::timeout(Duration::from_secs(5), stream.read(&mut answer))
        .await
        .unwrap()
        .unwrap();
    String::from_utf8_lossy(&answer[..n])
        .lines()
        .next()
        .unwrap_or("")
        .to_owned()
}

const QT: &str = "quoctuan.localhost";
const BROWSER: &str = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";
const AH: &str = "anhung.localhost";

fn png() -> Vec<u8> {
    common::png(40, 30)
}

fn form(bytes: Vec<u8>, name: &str) -> reqwest::multipart::Form {
    reqwest::multipart::Form::new().part(
        "file",
        reqwest::multipart::Part::bytes(bytes).file_name(name.to_owned()),
    )
}

async fn upload(
    platform: &Platform,
    env: &TestEnv,
    host: &str,
    bytes: Vec<u8>,
    name: &str,
) -> reqwest::Response {
    platform
        .http
        .post(platform.url(host, "/api/tep"))
        .bearer_auth(&env.config.operator_token)
        .multipart(form(bytes, name))
        .send()
        .await
        .unwrap()
}

async fn total_views(platform: &Platform, host: &str) -> u64 {
    let counter: serde_json::Value = platform
        .get(host, "/api/thong-ke")
        .await
        .json()
        .await
        .unwrap();
    counter["total"].as_u64().unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn each_commune_gets_its_own_home_page_by_host_name() {
    let env = TestEnv::new().await;
    env.create_tenant("quoctuan", "Xã Quốc Tuấn").await;
    let ah = env.create_tenant("anhung", "Xã An Hưng").await;
    env.add_domain(ah, "anhung.haiphong.gov.vn", true).await;
    let platform = Platform::start(env.config.clone(), &[QT, AH, "anhung.haiphong.gov.vn"]).await;

    let quoc_tuan = platform.get("QuocTuan.Localhost", "/").await;
    let status = quoc_tuan.status();
    let kind = quoc_tuan.headers()["content-type"]
        .to_str()
        .unwrap()
        .to_owned();
    let page = quoc_tuan.text().await.unwrap();
    let an_hung = platform
        .get("anhung.haiphong.gov.vn", "/")
        .await
        .text()
        .await
        .unwrap();

    assert_eq!(status, StatusCode::OK);
    assert!(kind.starts_with("text/html"));
    assert!(page.contains(r#"<html lang="vi">"#));
    assert!(page.contains("<h1>Trang thông tin điện tử Xã Quốc Tuấn</h1>"));
    assert!(!page.contains("An Hưng"));
    assert!(an_hung.contains("Xã An Hưng"));
    assert!(!an_hung.contains("Quốc Tuấn"));
    platform.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn an_unknown_site_gets_a_vietnamese_not_found_page() {
    let env = TestEnv::new().await;
    let platform =
        Platform::start(env.config.clone(), &["khongco.localhost", "a.b.localhost"]).await;

    let unknown = platform.get("khongco.localhost", "/").await;
    let status = unknown.status();
    let page = unknown.text().await.unwrap();
    let deeper = platform.get("a.b.localhost", "/").await.status();

    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(page.contains("Không tìm thấy trang thông tin điện tử"));
    assert_eq!(deeper, StatusCode::NOT_FOUND);
    platform.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn an_unknown_path_of_a_commune_gets_its_themed_not_found_page() {
    let env = TestEnv::new().await;
    env.create_tenant("quoctuan", "Xã Quốc Tuấn").await;
    let platform = Platform::start(env.config.clone(), &[QT]).await;

    let missing = platform.get(QT, "/khong-co-trang-nay").await;
    let status = missing.status();
    let page = missing.text().await.unwrap();

    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(page.contains("Không tìm thấy trang"));
    assert!(page.contains("Xã Quốc Tuấn"));
    platform.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn unreadable_or_oversized_requests_get_a_clear_status_and_the_gateway_lives_on() {
    let env = TestEnv::new().await;
    env.create_tenant("quoctuan", "Xã Quốc Tuấn").await;
    let platform = Platform::start(env.config.clone(), &[QT]).await;

    let bad_host = raw_status(
        platform.gateway,
        b"GET / HTTP/1.1\r\nHost: a b!\r\nConnection: close\r\n\r\n",
    )
    .await;
    let no_host = raw_status(platform.gateway, b"GET / HTTP/1.0\r\n\r\n").await;
    let two_hosts = raw_status(
        platform.gateway,
        format!(
            "GET / HTTP/1.1\r\nHost: {QT}\r\nHost: anhung.localhost\r\nConnection: close\r\n\r\n"
        )
        .as_bytes(),
    )
    .await;
    let asterisk = raw_status(
        platform.gateway,
        format!("OPTIONS * HTTP/1.1\r\nHost: {QT}\r\nConnection: close\r\n\r\n").as_bytes(),
    )
    .await;
    let huge_header = format!(
        "GET / HTTP/1.1\r\nHost: {QT}\r\nX-Big: {}\r\nConnection: close\r\n\r\n",
        "a".repeat(1024 * 1024)
    );
    let big_header = raw_status(platform.gateway, huge_header.as_bytes()).await;
    let big_body = platform
        .http
        .post(platform.url(QT, "/"))
        .body(vec![b'x'; env.config.max_body_bytes + 1])
        .send()
        .await
        .unwrap();
    let still_up = platform.get(QT, "/").await.status();

    assert!(bad_host.contains(" 400 "), "{bad_host}");
    assert!(no_host.contains(" 400 "), "{no_host}");
    assert!(two_hosts.contains(" 400 "), "{two_hosts}");
    assert!(asterisk.contains(" 400 "), "{asterisk}");
    assert!(
        big_header.contains(" 431 ") || big_header.contains(" 400 "),
        "{big_header}"
    );
    assert_eq!(big_body.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(still_up, StatusCode::OK);
    platform.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn forged_internal_headers_cannot_switch_the_commune() {
    let env = TestEnv::new().await;
    env.create_tenant("quoctuan", "Xã Quốc Tuấn").await;
    let ah = env.create_tenant("anhung", "Xã An Hưng").await;
    let platform = Platform::start(env.config.clone(), &[QT]).await;

    let page = platform
        .http
        .get(platform.url(QT, "/"))
        .header("x-congxa-tenant-id", ah.to_string())
        .header("x-congxa-tenant-slug", "anhung")
        .header("x-congxa-internal-token", "guess")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();

    assert!(page.contains("Xã Quốc Tuấn"));
    assert!(!page.contains("An Hưng"));
    platform.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn services_behind_the_gateway_refuse_calls_without_the_internal_secret() {
    let env = TestEnv::new().await;
    let ah = env.create_tenant("anhung", "Xã An Hưng").await;
    let mut config = env.config.clone();
    let content = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    config.content_listen = content;
    let platform = Platform::start(config, &[]).await;

    let direct = reqwest::Client::new()
        .get(format!("http://{content}/"))
        .header("x-congxa-tenant-id", ah.to_string())
        .header("x-congxa-internal-token", "not-the-secret")
        .send()
        .await
        .unwrap();

    assert_eq!(direct.status(), StatusCode::UNAUTHORIZED);
    platform.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn every_page_view_is_counted_per_commune() {
    let env = TestEnv::new().await;
    env.create_tenant("quoctuan", "Xã Quốc Tuấn").await;
    env.create_tenant("anhung", "Xã An Hưng").await;
    let platform = Platform::start(env.config.clone(), &[QT, AH]).await;

    for _ in 0..12 {
        assert_eq!(platform.get(QT, "/").await.status(), StatusCode::OK);
    }
    platform.get(AH, "/").await;
    // Not a page view: a missing page, the counter itself, a robot.
    platform.get(QT, "/khong-co").await;
    platform
        .http
        .get(platform.url(QT, "/"))
        .header(
            "user-agent",
            "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
        )
        .send()
        .await
        .unwrap();

    let mut counted = 0;
    for _ in 0..50 {
        counted = total_views(&platform, QT).await;
        if counted >= 12 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    tokio::time::sleep(Duration::from_millis(700)).await;

    assert_eq!(total_views(&platform, QT).await, 12, "after {counted}");
    // Figures from 1 to 9 are not shown exactly to the public.
    let other: serde_json::Value = platform
        .get(AH, "/api/thong-ke")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(other["total"], "< 10");
    // The home page was cached at the first view, and a parameter no page
    // reads names the same page; another page number is another page,
    // rendered now (the counter on a cached page lags by its freshness).
    let kept = platform.get(QT, "/?lan=cuoi").await;
    assert_eq!(kept.headers()["x-cache"], "hit");
    let page = platform.get(QT, "/?trang=2").await.text().await.unwrap();
    assert!(page.contains("<dt>Tổng số:</dt><dd>12</dd>"), "{page}");
    assert!(page.contains("<dt>Tháng này:</dt><dd>12</dd>"), "{page}");
    assert!(page.contains("<dt>Hôm nay:</dt><dd>12</dd>"), "{page}");
    assert!(
        page.contains("<dt>Đang trực tuyến:</dt><dd>&lt; 10</dd>"),
        "{page}"
    );
    let page = platform.get(AH, "/?trang=2").await.text().await.unwrap();
    assert!(page.contains("<dt>Tổng số:</dt><dd>&lt; 10</dd>"), "{page}");
    platform.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn an_uploaded_file_is_stored_and_served_back_with_its_vietnamese_name() {
    let env = TestEnv::new().await;
    env.create_tenant("quoctuan", "Xã Quốc Tuấn").await;
    let platform = Platform::start(env.config.clone(), &[QT]).await;

    let uploaded = upload(&platform, &env, QT, png(), "Ảnh hội nghị.png").await;
    assert_eq!(uploaded.status(), StatusCode::CREATED);
    let body: serde_json::Value = uploaded.json().await.unwrap();
    let served = platform.get(QT, body["url"].as_str().unwrap()).await;
    let status = served.status();
    let headers = served.headers().clone();
    let bytes = served.bytes().await.unwrap();
    let etag = headers["etag"].to_str().unwrap().to_owned();
    let again = platform
        .http
        .get(platform.url(QT, body["url"].as_str().unwrap()))
        .header("if-none-match", &etag)
        .send()
        .await
        .unwrap();

    assert_eq!(body["filename"], "Ảnh hội nghị.png");
    assert_eq!(body["content_type"], "image/png");
    assert_eq!(status, StatusCode::OK);
    assert!(
        common::same_points(&bytes, &png()),
        "the same points come back"
    );
    assert_eq!(headers["content-type"], "image/png");
    assert!(
        headers["content-disposition"]
            .to_str()
            .unwrap()
            .contains("filename*=UTF-8''%E1%BA%A2nh%20h%E1%BB%99i%20ngh%E1%BB%8B.png")
    );
    assert!(
        headers["cache-control"]
            .to_str()
            .unwrap()
            .contains("immutable")
    );
    assert_eq!(again.status(), StatusCode::NOT_MODIFIED);
    platform.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_large_upload_goes_to_storage_in_parts_and_comes_back_whole() {
    let env = TestEnv::new().await;
    env.create_tenant("quoctuan", "Xã Quốc Tuấn").await;
    let platform = Platform::start(env.config.clone(), &[QT]).await;
    // Over two parts' worth, with a tail, so every branch of the part logic runs.
    let mut pdf = b"%PDF-1.7\n".to_vec();
    pdf.extend((0..(17 * 1024 * 1024 + 12345)).map(|i: u32| (i % 251) as u8));

    let uploaded = upload(&platform, &env, QT, pdf.clone(), "Quyết định 142.pdf").await;
    assert_eq!(uploaded.status(), StatusCode::CREATED);
    let body: serde_json::Value = uploaded.json().await.unwrap();
    let served = platform.get(QT, body["url"].as_str().unwrap()).await;
    let disposition = served.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .to_owned();
    let bytes = served.bytes().await.unwrap();

    assert_eq!(body["size"].as_u64().unwrap(), pdf.len() as u64);
    assert!(
        bytes.as_ref() == pdf.as_slice(),
        "the file came back different"
    );
    assert!(disposition.starts_with("attachment;"));
    platform.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn one_commune_cannot_read_another_communes_file() {
    let env = TestEnv::new().await;
    env.create_tenant("quoctuan", "Xã Quốc Tuấn").await;
    env.create_tenant("anhung", "Xã An Hưng").await;
    let platform = Platform::start(env.config.clone(), &[QT, AH]).await;
    let uploaded: serde_json::Value = upload(&platform, &env, QT, png(), "a.png")
        .await
        .json()
        .await
        .unwrap();

    let from_other = platform.get(AH, uploaded["url"].as_str().unwrap()).await;

    assert_eq!(from_other.status(), StatusCode::NOT_FOUND);
    platform.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn uploads_without_the_token_or_of_refused_kinds_are_rejected_and_nothing_is_recorded() {
    let env = TestEnv::new().await;
    env.create_tenant("quoctuan", "Xã Quốc Tuấn").await;
    let mut config = env.config.clone();
    config.max_upload_bytes = 4096;
    let platform = Platform::start(config, &[QT]).await;

    let anonymous = platform
        .http
        .post(platform.url(QT, "/api/tep"))
        .multipart(form(png(), "a.png"))
        .send()
        .await
        .unwrap();
    let script = upload(
        &platform,
        &env,
        QT,
        b"<script>alert(1)</script>".to_vec(),
        "a.png",
    )
    .await;
    let too_big = upload(
        &platform,
        &env,
        QT,
        [png(), vec![0; 8000]].concat(),
        "a.png",
    )
    .await;
    let script_status = script.status();
    let script_error: serde_json::Value = script.json().await.unwrap();

    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(script_status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert_eq!(script_error["error"]["code"], "unsupported_type");
    assert_eq!(too_big.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let rows: i64 = sqlx::query_scalar("SELECT count(*) FROM media_files")
        .fetch_one(&env.admin)
        .await
        .unwrap();
    assert_eq!(rows, 0);
    platform.stop().await;
}

/// A port nothing listens on: a dependency that is down.
fn dead_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

#[tokio::test(flavor = "multi_thread")]
async fn with_redis_down_pages_render_without_the_counter_and_analytics_is_not_ready() {
    let env = TestEnv::new().await;
    env.create_tenant("quoctuan", "Xã Quốc Tuấn").await;
    let mut config = env.config.clone();
    config.redis_url = format!("redis://127.0.0.1:{}", dead_port());
    let analytics = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    config.analytics_listen = analytics;
    let platform = Platform::start(config, &[QT]).await;

    let home = platform.get(QT, "/").await;
    let status = home.status();
    let page = home.text().await.unwrap();
    let ready = reqwest::get(format!("http://{analytics}/readyz"))
        .await
        .unwrap();
    let counter = platform.get(QT, "/api/thong-ke").await;

    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Xã Quốc Tuấn"));
    assert!(!page.contains("Lượt truy cập"));
    assert_eq!(ready.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(counter.status(), StatusCode::SERVICE_UNAVAILABLE);
    platform.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn with_storage_down_uploads_get_a_clear_503_and_pages_still_render() {
    let env = TestEnv::new().await;
    env.create_tenant("quoctuan", "Xã Quốc Tuấn").await;
    let mut config = env.config.clone();
    config.s3_endpoint = format!("http://127.0.0.1:{}", dead_port());
    let platform = Platform::start(config, &[QT]).await;

    let uploaded = upload(&platform, &env, QT, png(), "a.png").await;
    let status = uploaded.status();
    let error: serde_json::Value = uploaded.json().await.unwrap();
    let home = platform.get(QT, "/").await.status();

    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(error["error"]["code"], "storage_unavailable");
    assert!(
        error["error"]["message"]
            .as_str()
            .unwrap()
            .contains("Kho lưu trữ tệp")
    );
    assert_eq!(home, StatusCode::OK);
    let rows: i64 = sqlx::query_scalar("SELECT count(*) FROM media_files")
        .fetch_one(&env.admin)
        .await
        .unwrap();
    assert_eq!(rows, 0);
    platform.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn every_service_answers_health_and_readiness() {
    let env = TestEnv::new().await;
    let mut config = env.config.clone();
    let mut addresses = Vec::new();
    for listen in [
        &mut config.gateway_listen,
        &mut config.content_listen,
        &mut config.media_listen,
        &mut config.analytics_listen,
    ] {
        *listen = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap();
        addresses.push(*listen);
    }
    let platform = Platform::start(config, &[]).await;

    for address in addresses {
        let alive = reqwest::get(format!("http://{address}/healthz"))
            .await
            .unwrap()
            .status();
        let ready = reqwest::get(format!("http://{address}/readyz"))
            .await
            .unwrap();
        assert_eq!(alive, StatusCode::OK, "{address}");
        assert_eq!(
            ready.status(),
            StatusCode::OK,
            "{address}: {}",
            ready.text().await.unwrap()
        );
    }
    platform.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_suspended_commune_shows_a_notice() {
    let env = TestEnv::new().await;
    let id = env.create_tenant("quoctuan", "Xã Quốc Tuấn").await;
    sqlx::query("UPDATE tenants SET status = 'suspended' WHERE id = $1")
        .bind(id)
        .execute(&env.admin)
        .await
        .unwrap();
    let platform = Platform::start(env.config.clone(), &[QT]).await;

    let page = platform.get(QT, "/").await;

    assert_eq!(page.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert!(page.text().await.unwrap().contains("tạm ngừng hoạt động"));
    platform.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn an_alias_redirects_permanently_to_the_same_path_on_the_primary_domain() {
    let env = TestEnv::new().await;
    let ah = env.create_tenant("anhung", "Xã An Hưng").await;
    env.add_domain(ah, "anhung.haiphong.gov.vn", true).await;
    env.add_domain(ah, "anhung.vinhbao.gov.vn", false).await;
    let platform = Platform::start(env.config.clone(), &[AH, "anhung.vinhbao.gov.vn"]).await;
    let port = platform.gateway.port();

    let alias = platform
        .get("anhung.vinhbao.gov.vn", "/tin-tuc?trang=2")
        .await;
    let automatic = platform.get(AH, "/").await;

    assert_eq!(alias.status(), StatusCode::MOVED_PERMANENTLY);
    assert_eq!(
        alias.headers()["location"],
        format!("http://anhung.haiphong.gov.vn:{port}/tin-tuc?trang=2").as_str()
    );
    assert_eq!(automatic.status(), StatusCode::MOVED_PERMANENTLY);
    assert_eq!(
        automatic.headers()["location"],
        format!("http://anhung.haiphong.gov.vn:{port}/").as_str()
    );
    platform.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_new_domain_is_served_within_a_second_though_its_absence_was_cached() {
    let env = TestEnv::new().await;
    let ah = env.create_tenant("anhung", "Xã An Hưng").await;
    let platform = Platform::start(env.config.clone(), &["anhung.haiphong.gov.vn"]).await;
    let before = platform.get("anhung.haiphong.gov.vn", "/").await.status();

    env.add_domain(ah, "anhung.haiphong.gov.vn", true).await;
    let started = std::time::Instant::now();
    let mut after = before;
    while started.elapsed() < Duration::from_secs(1) {
        after = platform.get("anhung.haiphong.gov.vn", "/").await.status();
        if after == StatusCode::OK {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }

    assert_eq!(before, StatusCode::NOT_FOUND);
    assert_eq!(
        after,
        StatusCode::OK,
        "still not served after {:?}",
        started.elapsed()
    );
    platform.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn announced_maintenance_shows_as_a_banner_on_the_commune_site() {
    let env = TestEnv::new().await;
    env.create_tenant("quoctuan", "Xã Quốc Tuấn").await;
    env.create_tenant("anhung", "Xã An Hưng").await;
    let now = time::OffsetDateTime::now_utc();
    let mut conn = env.app.acquire().await.unwrap();
    let announcement = congxa_tenancy::maintenance::Announcement {
        scope: congxa_tenancy::maintenance::Scope::Tenant("quoctuan".into()),
        starts_at: now + time::Duration::days(14),
        ends_at: now + time::Duration::days(14) + time::Duration::hours(3),
        message: "Nâng cấp <b>máy chủ</b>.".to_owned(),
        emergency: false,
    };
    congxa_tenancy::maintenance::announce(&mut conn, &operator(), now, &announcement)
        .await
        .unwrap();
    let platform = Platform::start(env.config.clone(), &[QT, AH]).await;

    let qt = platform.get(QT, "/").await.text().await.unwrap();
    let ah = platform.get(AH, "/").await.text().await.unwrap();

    assert!(qt.contains(r#"<aside class="maintenance" aria-label="Thông báo bảo trì">"#));
    assert!(qt.contains("hệ thống sẽ tạm ngừng hoạt động để bảo trì"));
    assert!(
        qt.contains("Nâng cấp &lt;b&gt;máy chủ"),
        "the message is escaped"
    );
    assert!(!qt.contains("<b>máy chủ"));
    assert!(!ah.contains("bảo trì"));
    platform.stop().await;
}

/// Who announces maintenance in these tests.
fn operator() -> congxa_tenancy::audit::Actor {
    congxa_tenancy::audit::Actor {
        name: "op".to_owned(),
        origin: "test".to_owned(),
    }
}

/// Sends a request line exactly as written (no client tidies the path) and
/// returns the whole answer.
async fn raw_answer(gateway: SocketAddr, host: &str, target: &str) -> String {
    let mut stream = tokio::net::TcpStream::connect(gateway).await.unwrap();
    let request = format!("GET {target} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut answer = Vec::new();
    tokio::time::timeout(Duration::from_secs(5), stream.read_to_end(&mut answer))
        .await
        .unwrap()
        .unwrap();
    String::from_utf8_lossy(&answer).into_owned()
}

#[tokio::test(flavor = "multi_thread")]
async fn no_spelling_of_a_path_reaches_an_internal_route_through_the_gateway() {
    let env = TestEnv::new().await;
    env.create_tenant("quoctuan", "Xã Quốc Tuấn").await;
    let platform = Platform::start(env.config.clone(), &[QT]).await;
    let today = time::OffsetDateTime::now_utc().date();

    let spellings = [
        format!("/api/thong-ke/../../internal/salt/{today}"),
        format!("/api/thong-ke/%2e%2e/%2e%2e/internal/salt/{today}"),
        format!("/api/thong-ke/%2E%2e/%2e%2E/internal/salt/{today}"),
        format!("/api/thong-ke/.%2e/.%2E/internal/salt/{today}"),
        "/api/thong-ke/../../internal/counter".to_owned(),
        "/api/thong-ke/..\\..\\internal/counter".to_owned(),
        "/api/thong-ke/..%5c..%5cinternal/counter".to_owned(),
        "/api/thong-ke/%2f..%2f..%2finternal/counter".to_owned(),
        "/api/thong-ke/%252e%252e/%252e%252e/internal/counter".to_owned(),
        "/api/thong-ke//../internal/counter".to_owned(),
        "//internal/counter".to_owned(),
        "/tep/../internal/salt".to_owned(),
        "/./api/thong-ke".to_owned(),
        format!("http://{QT}/api/thong-ke/../../internal/salt/{today}"),
    ];
    for target in &spellings {
        let answer = raw_answer(platform.gateway, QT, target).await;
        let status = answer.lines().next().unwrap_or_default();
        assert!(status.contains(" 400 "), "{target}: {status}");
        assert!(
            answer.contains("Địa chỉ không hợp lệ"),
            "{target}: {answer}"
        );
        assert!(!answer.contains("\"salt\""), "{target}: {answer}");
    }
    // The console's host as well.
    let console = raw_answer(platform.gateway, "localhost", "/../internal/counter").await;
    assert!(console.starts_with("HTTP/1.1 400"), "{console}");
    // The public counter itself still answers, with small numbers hidden.
    let counter = raw_answer(platform.gateway, QT, "/api/thong-ke").await;
    assert!(counter.starts_with("HTTP/1.1 200"), "{counter}");
    // Addresses nobody serves: a Vietnamese page on the console's host, the
    // API's typed error under the counter.
    let unknown = raw_answer(platform.gateway, "localhost", "/khong-co/trang-nay").await;
    assert!(unknown.starts_with("HTTP/1.1 404"), "{unknown}");
    assert!(unknown.contains("Không tìm thấy trang"), "{unknown}");
    let unknown = raw_answer(platform.gateway, QT, "/api/thong-ke/khong-co").await;
    assert!(unknown.starts_with("HTTP/1.1 404"), "{unknown}");
    assert!(unknown.contains("\"not_found\""), "{unknown}");
    // The icon every page names, and the address browsers ask by habit.
    for host in ["localhost", QT] {
        let icon = raw_answer(platform.gateway, host, "/bieu-tuong.svg").await;
        assert!(icon.starts_with("HTTP/1.1 200"), "{icon}");
        assert!(
            icon.contains("image/svg+xml") && icon.contains("<svg"),
            "{icon}"
        );
        let habit = raw_answer(platform.gateway, host, "/favicon.ico").await;
        assert!(habit.starts_with("HTTP/1.1 308"), "{habit}");
        assert!(habit.contains("location: /bieu-tuong.svg"), "{habit}");
    }
    // The framework's own refusals in the APIs: typed, in Vietnamese.
    let wrong_method = platform
        .http
        .post(platform.url(QT, "/api/thong-ke"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        wrong_method.status(),
        reqwest::StatusCode::METHOD_NOT_ALLOWED
    );
    let error: serde_json::Value = wrong_method.json().await.unwrap();
    assert_eq!(error["error"]["code"], "method_not_allowed", "{error}");
    let not_multipart = platform
        .http
        .post(platform.url(QT, "/api/tep"))
        .header("content-type", "multipart/form-data")
        .body("x")
        .send()
        .await
        .unwrap();
    assert!(not_multipart.status().is_client_error());
    let error: serde_json::Value = not_multipart.json().await.unwrap();
    assert!(error["error"]["message"].as_str().is_some(), "{error}");

    platform.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn analytics_refuses_batches_no_gateway_sends() {
    use congxa_web::internal::{InternalAuth, InternalClient};
    use congxa_web::views::{Batch, Device, VIEWS_PATH, View};

    let env = TestEnv::new().await;
    let qt = env.create_tenant("quoctuan", "Xã Quốc Tuấn").await;
    let mut config = env.config.clone();
    let analytics = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    config.analytics_listen = analytics;
    let platform = Platform::start(config.clone(), &[QT]).await;
    let client = InternalClient::new(InternalAuth::new(&config.internal_token).unwrap()).unwrap();
    let view = |tenant: uuid::Uuid, count: u64| View {
        tenant_id: tenant,
        path: "/".to_owned(),
        item: None,
        at: time::OffsetDateTime::now_utc(),
        visitor: "ab".repeat(32),
        referrer: None,
        device: Device::Desktop,
        count,
    };
    let send = |views: Vec<View>| {
        let request = client
            .request(
                reqwest::Method::POST,
                &format!("http://{analytics}{VIEWS_PATH}"),
            )
            .json(&Batch {
                id: uuid::Uuid::new_v4(),
                views,
            });
        async move { request.send().await.unwrap() }
    };

    // The gateway's own route to it carries no service proof.
    let forwarded = client
        .forward(
            reqwest::Method::POST,
            &format!("http://{analytics}{VIEWS_PATH}"),
        )
        .json(&Batch {
            id: uuid::Uuid::new_v4(),
            views: vec![view(qt, 1)],
        })
        .send()
        .await
        .unwrap();
    assert_eq!(forwarded.status(), StatusCode::UNAUTHORIZED);
    let inflated = send(vec![view(qt, 1_000_000)]).await;
    assert_eq!(inflated.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: serde_json::Value = inflated.json().await.unwrap();
    assert_eq!(body["error"]["code"], "invalid_batch");
    let nobody = send(vec![view(uuid::Uuid::new_v4(), 1)]).await;
    assert_eq!(nobody.status(), StatusCode::UNPROCESSABLE_ENTITY);
    // Redis may still be restoring for this platform's first batch.
    let mut honest = send(vec![view(qt, 12)]).await;
    for _ in 0..50 {
        if honest.status() == StatusCode::OK {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
        honest = send(vec![view(qt, 12)]).await;
    }
    assert_eq!(honest.status(), StatusCode::OK);
    assert_eq!(total_views(&platform, QT).await, 12);
    platform.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_clients_own_forwarded_scheme_is_believed_only_from_a_trusted_proxy() {
    let env = TestEnv::new().await;
    env.create_tenant("quoctuan", "Xã Quốc Tuấn").await;
    let ask = |platform: &Platform| {
        platform
            .http
            .get(platform.url(QT, "/quan-tri/dang-nhap"))
            .header("x-forwarded-proto", "https")
            .send()
    };

    // Straight from a client: plain http whatever it says.
    let platform = Platform::start(env.config.clone(), &[QT]).await;
    let direct = ask(&platform).await.unwrap();
    assert!(!direct.headers().contains_key("strict-transport-security"));
    let cookie = direct.headers()["set-cookie"].to_str().unwrap().to_owned();
    assert!(
        cookie.starts_with("congxa_") && !cookie.contains("Secure"),
        "{cookie}"
    );
    platform.stop().await;

    // Behind one trusted proxy that terminates TLS: HTTPS, with HSTS and
    // the `__Host-` cookies.
    let mut config = env.config.clone();
    config.trusted_proxy_hops = 1;
    let platform = Platform::start(config, &[QT]).await;
    let proxied = ask(&platform).await.unwrap();
    assert_eq!(
        proxied.headers()["strict-transport-security"],
        "max-age=31536000"
    );
    let cookie = proxied.headers()["set-cookie"].to_str().unwrap().to_owned();
    assert!(
        cookie.starts_with("__Host-congxa_") && cookie.ends_with("Secure"),
        "{cookie}"
    );
    platform.stop().await;
}
