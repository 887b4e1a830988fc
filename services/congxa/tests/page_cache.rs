//! The gateway's page cache (README, "The page cache"): a change purges
//! exactly the pages it touches, on every gateway; a signed-in board member
//! is never served from the cache nor fills it; with PostgreSQL gone, the
//! pages visitors were getting are still served.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use congxa_config::Config;
use congxa_testing::TestEnv;
use congxa_web::Shutdown;
use reqwest::StatusCode;
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;

const HOST: &str = "quoctuan.localhost";

/// Content, media and analytics, and any number of gateways in front of
/// them, in this process.
struct Stack {
    gateways: Vec<SocketAddr>,
    shutdown: Shutdown,
    tasks: Vec<JoinHandle<anyhow::Result<()>>>,
}

impl Stack {
    async fn start(mut config: Config, gateways: usize) -> Self {
        let content = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let media = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let analytics = TcpListener::bind("127.0.0.1:0").await.unwrap();
        config.content_url = format!("http://{}", content.local_addr().unwrap());
        config.media_url = format!("http://{}", media.local_addr().unwrap());
        config.analytics_url = format!("http://{}", analytics.local_addr().unwrap());
        let shutdown = Shutdown::new();
        let mut tasks = vec![
            tokio::spawn(congxa_content::serve(
                config.clone(),
                content,
                shutdown.clone(),
            )),
            tokio::spawn(congxa_media::serve(config.clone(), media, shutdown.clone())),
            tokio::spawn(congxa_analytics::serve(
                config.clone(),
                analytics,
                shutdown.clone(),
            )),
        ];
        let mut addresses = Vec::new();
        for _ in 0..gateways {
            let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
            addresses.push(listener.local_addr().unwrap());
            tasks.push(tokio::spawn(congxa_gateway::serve(
                config.clone(),
                listener,
                shutdown.clone(),
            )));
        }
        Self {
            gateways: addresses,
            shutdown,
            tasks,
        }
    }

    /// A visitor of one gateway.
    fn visitor(&self, gateway: usize) -> Visitor {
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .resolve(HOST, self.gateways[gateway])
            .user_agent("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36")
            .build()
            .unwrap();
        Visitor {
            http,
            port: self.gateways[gateway].port(),
        }
    }

    async fn stop(self) {
        self.shutdown.trigger();
        for task in self.tasks {
            task.await.unwrap().unwrap();
        }
    }
}

struct Visitor {
    http: reqwest::Client,
    port: u16,
}

impl Visitor {
    /// The page's status, how the cache answered (`X-Cache`) and its text.
    async fn get(&self, path: &str) -> (StatusCode, String, String) {
        let response = self
            .http
            .get(format!("http://{HOST}:{}{path}", self.port))
            .send()
            .await
            .unwrap();
        let cache = response
            .headers()
            .get("x-cache")
            .map(|v| v.to_str().unwrap().to_owned())
            .unwrap_or_default();
        (response.status(), cache, response.text().await.unwrap())
    }

    async fn cache_of(&self, path: &str) -> String {
        self.get(path).await.1
    }

    /// Asks until the page comes from the cache. A page fetched while a
    /// purge arrives is not kept, and a gateway empties its cache when its
    /// purge feed connects, which may be just after its first pages.
    async fn warm(&self, path: &str) {
        let started = Instant::now();
        while self.cache_of(path).await != "hit" {
            assert!(
                started.elapsed() < Duration::from_secs(5),
                "{path} is never kept"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

/// A published item and its section, as the demo commune has them.
struct Published {
    title: String,
    section: String,
    href: String,
}

async fn published_in(env: &TestEnv, section_not_under: &str) -> Published {
    let (title, section, slug): (String, String, String) = sqlx::query_as(
        "SELECT i.title, s.path, i.slug FROM items i JOIN sections s ON s.id = i.section_id
         WHERE i.status = 'published' AND s.kind = 'news' AND s.path LIKE 'tin-tuc/%'
           AND s.path <> $1
         ORDER BY i.published_at DESC LIMIT 1",
    )
    .bind(section_not_under)
    .fetch_one(&env.admin)
    .await
    .unwrap();
    Published {
        title,
        href: format!("/{section}/{slug}"),
        section,
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_change_purges_exactly_the_pages_it_touches_on_every_gateway() {
    let env = TestEnv::new().await;
    common::demo_commune(&env, "quoctuan", "Xã Quốc Tuấn").await;
    let changed = published_in(&env, "").await;
    let untouched = published_in(&env, &changed.section).await;
    assert_ne!(changed.section, untouched.section);
    let stack = Stack::start(env.config.clone(), 2).await;
    let visitors = [stack.visitor(0), stack.visitor(1)];
    let touched = [
        "/".to_owned(),
        format!("/{}", changed.section),
        changed.href.clone(),
    ];
    let kept = [format!("/{}", untouched.section), untouched.href.clone()];

    for visitor in &visitors {
        for path in touched.iter().chain(&kept) {
            assert_eq!(visitor.cache_of(path).await, "miss", "{path}");
            visitor.warm(path).await;
        }
    }

    // A draft changes nothing public: nothing is purged.
    sqlx::query(
        "INSERT INTO items (tenant_id, section_id, slug, title, body, status)
         SELECT tenant_id, section_id, 'ban-nhap-moi', 'Bản nháp', '<p>Nháp</p>', 'draft'
         FROM items WHERE slug = $1",
    )
    .bind(changed.href.rsplit('/').next().unwrap())
    .execute(&env.admin)
    .await
    .unwrap();

    tokio::time::sleep(Duration::from_millis(300)).await;
    for visitor in &visitors {
        for path in touched.iter().chain(&kept) {
            assert_eq!(visitor.cache_of(path).await, "hit", "{path} after a draft");
        }
    }

    // The published item is corrected: its page, its section's list and the
    // home page go, on both gateways; the other section's pages stay.
    sqlx::query("UPDATE items SET title = title || ' (đã sửa)' WHERE title = $1")
        .bind(&changed.title)
        .execute(&env.admin)
        .await
        .unwrap();
    for visitor in &visitors {
        let started = Instant::now();
        let (status, cache, page) = loop {
            let answer = visitor.get(&changed.href).await;
            if answer.1 == "miss" || started.elapsed() > Duration::from_secs(5) {
                break answer;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        };
        assert_eq!((status, cache.as_str()), (StatusCode::OK, "miss"));
        assert!(page.contains("(đã sửa)"), "the corrected title is served");
        for path in &touched[..2] {
            assert_eq!(visitor.cache_of(path).await, "miss", "{path} was purged");
        }
        for path in &kept {
            assert_eq!(visitor.cache_of(path).await, "hit", "{path} was kept");
        }
    }

    // Withdrawn: its page answers 404 at once, everywhere.
    sqlx::query(
        "UPDATE items SET status = 'withdrawn', withdrawn_reason = 'Đăng nhầm' WHERE slug = $1",
    )
    .bind(untouched.href.rsplit('/').next().unwrap())
    .execute(&env.admin)
    .await
    .unwrap();
    for visitor in &visitors {
        let started = Instant::now();
        let status = loop {
            let (status, _, _) = visitor.get(&untouched.href).await;
            if status == StatusCode::NOT_FOUND || started.elapsed() > Duration::from_secs(5) {
                break status;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        };
        assert_eq!(status, StatusCode::NOT_FOUND);
    }
    stack.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_signed_in_board_member_is_never_served_from_the_cache_nor_fills_it() {
    let env = TestEnv::new().await;
    let password =
        common::workspace::head_of(&env, "quoctuan", "Xã Quốc Tuấn", "tb@quoctuan.vn").await;
    let platform = common::browser::Platform::start(&env).await;
    let head = common::workspace::signed_in_head(&platform, HOST, &password).await;
    let gateway = SocketAddr::from(([127, 0, 0, 1], platform.port));
    let visitor = Visitor {
        http: reqwest::Client::builder()
            .resolve(HOST, gateway)
            .build()
            .unwrap(),
        port: platform.port,
    };
    let as_head = |path: &'static str| {
        let request = head
            .http
            .get(format!("http://{HOST}:{}{path}", platform.port))
            .header("cookie", head.cookie_header());
        async move {
            let response = request.send().await.unwrap();
            (
                response.status(),
                response.headers().get("x-cache").cloned(),
            )
        }
    };

    // The head's visit does not fill the cache...
    assert_eq!(as_head("/").await, (StatusCode::OK, None));
    assert_eq!(visitor.cache_of("/").await, "miss");
    visitor.warm("/").await;
    // ...nor is it answered from it, nor is the workspace ever cached.
    assert_eq!(as_head("/").await, (StatusCode::OK, None));
    assert_eq!(as_head("/quan-tri").await, (StatusCode::OK, None));
    let (status, cache, _) = visitor.get("/quan-tri/dang-nhap").await;
    assert_eq!((status, cache.as_str()), (StatusCode::OK, ""));
    // A page that is not found is not kept.
    assert_eq!(visitor.cache_of("/khong-co").await, "miss");
    assert_eq!(visitor.cache_of("/khong-co").await, "miss");
    platform.stop().await;
}

/// A TCP relay to PostgreSQL that can be cut, as when the server stops:
/// open connections drop, new ones are refused.
struct Relay {
    port: u16,
    cut: Shutdown,
    task: JoinHandle<()>,
}

impl Relay {
    async fn start(target: SocketAddr) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let cut = Shutdown::new();
        let stop = cut.clone();
        let task = tokio::spawn(async move {
            loop {
                let accepted = tokio::select! {
                    () = stop.wait() => return,
                    accepted = listener.accept() => accepted,
                };
                let Ok((mut client, _)) = accepted else {
                    continue;
                };
                let stop = stop.clone();
                tokio::spawn(async move {
                    let Ok(mut server) = TcpStream::connect(target).await else {
                        return;
                    };
                    tokio::select! {
                        () = stop.wait() => {}
                        _ = tokio::io::copy_bidirectional(&mut client, &mut server) => {}
                    }
                });
            }
        });
        Self { port, cut, task }
    }

    async fn cut(self) {
        self.cut.trigger();
        self.task.await.unwrap();
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn with_postgresql_gone_the_pages_visitors_were_getting_are_still_served() {
    let mut env = TestEnv::new().await;
    common::demo_commune(&env, "quoctuan", "Xã Quốc Tuấn").await;
    let article = published_in(&env, "").await;
    let relay = Relay::start(SocketAddr::from(([127, 0, 0, 1], 5432))).await;
    env.config.database_url = env
        .config
        .database_url
        .replace("127.0.0.1:5432", &format!("127.0.0.1:{}", relay.port));
    // Fresh for a second, served stale a second more while fetched anew.
    env.config.page_fresh_secs = 1;
    env.config.page_stale_secs = 1;
    let stack = Stack::start(env.config.clone(), 1).await;
    let visitor = stack.visitor(0);
    for path in ["/", article.href.as_str()] {
        assert_eq!(visitor.cache_of(path).await, "miss");
        visitor.warm(path).await;
    }
    tokio::time::sleep(Duration::from_millis(1200)).await;
    assert_eq!(visitor.cache_of("/").await, "stale");

    relay.cut().await;
    tokio::time::sleep(Duration::from_millis(2500)).await;
    for path in ["/", article.href.as_str()] {
        let (status, cache, page) = visitor.get(path).await;
        assert_eq!(
            (status, cache.as_str()),
            (StatusCode::OK, "stale-if-error"),
            "{path}"
        );
        assert!(page.contains("Xã Quốc Tuấn"));
    }
    // What was never served cannot be: the database is really gone.
    let (status, _, page) = visitor.get("/tim-kiem?q=ubnd").await;
    assert!(status.is_server_error(), "{status}: {page}");
    stack.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_host_written_otherwise_cannot_put_its_links_into_a_cached_page() {
    let env = TestEnv::new().await;
    common::demo_commune(&env, "quoctuan", "Xã Quốc Tuấn").await;
    let stack = Stack::start(env.config.clone(), 1).await;
    let port = stack.gateways[0].port();
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let visitor = stack.visitor(0);
    let started = Instant::now();
    let page = loop {
        let (_, cache, page) = visitor.get("/").await;
        if cache == "hit" || started.elapsed() > Duration::from_secs(5) {
            break page;
        }
    };
    // The same commune, its name written in capitals with a trailing dot:
    // the page kept for its proper name, links and all.
    let odd = http
        .get(format!("http://127.0.0.1:{port}/"))
        .header("host", format!("QUOCTUAN.localhost.:{port}"))
        .send()
        .await
        .unwrap();
    assert_eq!(odd.status(), StatusCode::OK);
    assert_eq!(odd.headers()["x-cache"], "hit");
    let odd = odd.text().await.unwrap();
    assert_eq!(odd, page);
    // Asked for anew, it is rendered with the proper name all the same.
    sqlx::query("UPDATE site_profiles SET phone = phone")
        .execute(&env.admin)
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    let fresh = http
        .get(format!("http://127.0.0.1:{port}/"))
        .header("host", format!("QUOCTUAN.localhost.:{port}"))
        .send()
        .await
        .unwrap();
    assert_eq!(fresh.headers()["x-cache"], "miss");
    let fresh = fresh.text().await.unwrap();
    for page in [&page, &fresh] {
        assert!(
            !page.contains("QUOCTUAN") && !page.contains("localhost.:"),
            "{page}"
        );
        // (The templates write "/" as "&#x2f;".)
        assert!(page.contains(&format!(
            "href=\"http:&#x2f;&#x2f;quoctuan.localhost:{port}&#x2f;\""
        )));
    }
    stack.stop().await;
}
