//! The operators' console on the platform domain, through the gateway as a
//! browser uses it: signing in, the one-time password, communes created,
//! suspended and given domains, the audit log, CSRF and region scope.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Mutex;
use std::time::Duration;

use congxa_tenancy::{operators, regions};
use congxa_testing::TestEnv;
use congxa_web::Shutdown;
use reqwest::StatusCode;

const CONSOLE: &str = "localhost";

/// A browser in miniature: follows no redirects, keeps cookies.
struct Browser {
    gateway: SocketAddr,
    http: reqwest::Client,
    cookies: Mutex<HashMap<String, String>>,
}

struct Page {
    status: StatusCode,
    location: Option<String>,
    body: String,
}

impl Page {
    /// The CSRF token of the first form on the page.
    fn csrf(&self) -> String {
        let start = self
            .body
            .find(r#"name="csrf" value=""#)
            .expect("a form with a CSRF field")
            + 19;
        let end = self.body[start..].find('"').unwrap();
        self.body[start..start + end].to_owned()
    }
}

impl Browser {
    fn new(gateway: SocketAddr) -> Self {
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .resolve(CONSOLE, gateway)
            .resolve("quoctuan.localhost", gateway)
            .build()
            .unwrap();
        Self {
            gateway,
            http,
            cookies: Mutex::new(HashMap::new()),
        }
    }

    fn cookie_header(&self) -> String {
        self.cookies
            .lock()
            .unwrap()
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    async fn send(&self, request: reqwest::RequestBuilder) -> Page {
        let response = request
            .header("cookie", self.cookie_header())
            .send()
            .await
            .unwrap();
        for set in response.headers().get_all("set-cookie") {
            let set = set.to_str().unwrap();
            let (pair, attributes) = set.split_once(';').unwrap_or((set, ""));
            let (name, value) = pair.split_once('=').unwrap();
            let mut cookies = self.cookies.lock().unwrap();
            if attributes.contains("Max-Age=0") {
                cookies.remove(name);
            } else {
                cookies.insert(name.to_owned(), value.to_owned());
            }
        }
        Page {
            status: response.status(),
            location: response
                .headers()
                .get("location")
                .map(|v| v.to_str().unwrap().to_owned()),
            body: response.text().await.unwrap(),
        }
    }

    fn url(&self, host: &str, path: &str) -> String {
        format!("http://{host}:{}{path}", self.gateway.port())
    }

    async fn get(&self, path: &str) -> Page {
        self.send(self.http.get(self.url(CONSOLE, path))).await
    }

    async fn post(&self, path: &str, form: &[(&str, &str)]) -> Page {
        self.send(self.http.post(self.url(CONSOLE, path)).form(form))
            .await
    }

    /// Signs in and replaces the one-time password.
    async fn sign_in(&self, email: &str, password: &str) {
        let form = self.get("/dang-nhap").await;
        let signed = self
            .post(
                "/dang-nhap",
                &[
                    ("email", email),
                    ("password", password),
                    ("csrf", &form.csrf()),
                ],
            )
            .await;
        assert_eq!(signed.status, StatusCode::SEE_OTHER, "{}", signed.body);
        if signed.location.as_deref() == Some("/mat-khau") {
            let page = self.get("/mat-khau").await;
            let changed = self
                .post(
                    "/mat-khau",
                    &[
                        ("current", password),
                        ("new", "mật khẩu mới đủ dài"),
                        ("csrf", &page.csrf()),
                    ],
                )
                .await;
            assert!(
                changed.body.contains("Đã đổi mật khẩu."),
                "{}",
                changed.body
            );
        }
    }
}

struct Setup {
    env: TestEnv,
    browser: Browser,
    shutdown: Shutdown,
    task: tokio::task::JoinHandle<anyhow::Result<()>>,
}

/// A platform with region haiphong (and former district vinhbao), another
/// province, and an operator of the given region (None: the whole platform).
async fn setup(region: Option<&str>) -> (Setup, String, String) {
    let env = TestEnv::new().await;
    let mut conn = env.app.acquire().await.unwrap();
    regions::create(&mut conn, "haiphong", "Thành phố Hải Phòng", None)
        .await
        .unwrap();
    regions::create(
        &mut conn,
        "vinhbao",
        "Huyện Vĩnh Bảo (cũ)",
        Some("haiphong"),
    )
    .await
    .unwrap();
    regions::create(&mut conn, "hanoi", "Thành phố Hà Nội", None)
        .await
        .unwrap();
    let created = operators::create(
        &mut conn,
        "VanHanh@HaiPhong.gov.vn",
        "Nguyễn Văn Hành",
        region,
    )
    .await
    .unwrap();
    drop(conn);
    let listeners = congxa::Listeners::bind(&env.config).await.unwrap();
    let gateway = listeners.gateway.local_addr().unwrap();
    let shutdown = Shutdown::new();
    let task = tokio::spawn(congxa::serve_all(
        env.config.clone(),
        listeners,
        shutdown.clone(),
    ));
    let setup = Setup {
        env,
        browser: Browser::new(gateway),
        shutdown,
        task,
    };
    (setup, created.operator.email, created.one_time_password)
}

impl Setup {
    async fn stop(self) {
        self.shutdown.trigger();
        self.task.await.unwrap().unwrap();
    }

    async fn create_commune(&self, slug: &str, name: &str, region: &str) -> Page {
        let form = self.browser.get("/xa-moi").await;
        self.browser
            .post(
                "/xa-moi",
                &[
                    ("name", name),
                    ("slug", slug),
                    ("region", region),
                    ("domain", ""),
                    ("csrf", &form.csrf()),
                ],
            )
            .await
    }

    async fn status_of(&self, slug: &str) -> String {
        sqlx::query_scalar("SELECT status FROM tenants WHERE slug = $1")
            .bind(slug)
            .fetch_one(&self.env.admin)
            .await
            .unwrap()
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn an_operator_signs_in_replaces_the_one_time_password_and_provisions_a_commune() {
    let (s, email, password) = setup(None).await;

    let anonymous = s.browser.get("/").await;
    let login = s.browser.get("/dang-nhap").await;
    let wrong = s
        .browser
        .post(
            "/dang-nhap",
            &[
                ("email", &email),
                ("password", "sai"),
                ("csrf", &login.csrf()),
            ],
        )
        .await;
    let login = s.browser.get("/dang-nhap").await;
    let first = s
        .browser
        .post(
            "/dang-nhap",
            &[
                ("email", &email),
                ("password", &password),
                ("csrf", &login.csrf()),
            ],
        )
        .await;
    let forced = s.browser.get("/").await;
    let password_page = s.browser.get("/mat-khau").await;
    let weak = s
        .browser
        .post(
            "/mat-khau",
            &[
                ("current", &password),
                ("new", "12345"),
                ("csrf", &password_page.csrf()),
            ],
        )
        .await;
    let changed = s
        .browser
        .post(
            "/mat-khau",
            &[
                ("current", &password),
                ("new", "mật khẩu mới đủ dài"),
                ("csrf", &password_page.csrf()),
            ],
        )
        .await;
    let created = s
        .create_commune("quoctuan", "Xã Quốc Tuấn", "vinhbao")
        .await;
    let page = s.browser.get("/xa/quoctuan?xong=tao").await;
    let list = s.browser.get("/?q=Qu%E1%BB%91c").await;
    let public = s
        .browser
        .send(s.browser.http.get(s.browser.url("quoctuan.localhost", "/")))
        .await;

    assert_eq!(anonymous.location.as_deref(), Some("/dang-nhap"));
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    assert!(
        wrong
            .body
            .contains("Địa chỉ thư điện tử hoặc mật khẩu không đúng.")
    );
    assert_eq!(first.location.as_deref(), Some("/mat-khau"));
    assert_eq!(
        forced.location.as_deref(),
        Some("/mat-khau"),
        "the one-time password must be replaced first"
    );
    assert_eq!(weak.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(changed.body.contains("Đã đổi mật khẩu."));
    assert_eq!(
        created.location.as_deref(),
        Some("/xa/quoctuan?xong=tao"),
        "{}",
        created.body
    );
    assert!(page.body.contains("<h1>Xã Quốc Tuấn</h1>"));
    assert!(page.body.contains("Đã tạo trang thông tin điện tử."));
    assert!(
        list.body
            .contains(r#"<a href="/xa/quoctuan">Xã Quốc Tuấn</a>"#),
        "{}",
        list.body
    );
    assert_eq!(public.status, StatusCode::OK);
    let actor: String =
        sqlx::query_scalar("SELECT actor FROM operator_audit WHERE action = 'tenant.create'")
            .fetch_one(&s.env.admin)
            .await
            .unwrap();
    assert_eq!(actor, "vanhanh@haiphong.gov.vn");
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn suspending_from_the_console_closes_the_site_and_is_logged() {
    let (s, email, password) = setup(None).await;
    s.browser.sign_in(&email, &password).await;
    s.create_commune("quoctuan", "Xã Quốc Tuấn", "haiphong")
        .await;

    let page = s.browser.get("/xa/quoctuan").await;
    let no_csrf = s
        .browser
        .post(
            "/xa/quoctuan/trang-thai",
            &[("action", "suspend"), ("csrf", "gia-mao")],
        )
        .await;
    let status_after_forgery = s.status_of("quoctuan").await;
    let suspended = s
        .browser
        .post(
            "/xa/quoctuan/trang-thai",
            &[("action", "suspend"), ("csrf", &page.csrf())],
        )
        .await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let public = s
        .browser
        .send(s.browser.http.get(s.browser.url("quoctuan.localhost", "/")))
        .await;
    let log = s.browser.get("/nhat-ky?xa=quoctuan").await;

    assert_eq!(no_csrf.status, StatusCode::FORBIDDEN);
    assert_eq!(status_after_forgery, "active");
    assert_eq!(
        suspended.location.as_deref(),
        Some("/xa/quoctuan?xong=tam-ngung")
    );
    assert_eq!(s.status_of("quoctuan").await, "suspended");
    assert_eq!(public.status, StatusCode::SERVICE_UNAVAILABLE);
    assert!(log.body.contains("tenant.suspend"));
    assert!(log.body.contains("vanhanh@haiphong.gov.vn"));
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn domains_are_added_made_primary_and_refused_in_vietnamese() {
    let (s, email, password) = setup(None).await;
    s.browser.sign_in(&email, &password).await;
    s.create_commune("quoctuan", "Xã Quốc Tuấn", "haiphong")
        .await;
    let page = s.browser.get("/xa/quoctuan").await;
    let csrf = page.csrf();

    let added = s
        .browser
        .post(
            "/xa/quoctuan/ten-mien",
            &[
                ("domain", "QuocTuan.HaiPhong.gov.vn"),
                ("primary", "1"),
                ("csrf", &csrf),
            ],
        )
        .await;
    let refused = s
        .browser
        .post(
            "/xa/quoctuan/ten-mien",
            &[("domain", "example.com"), ("csrf", &csrf)],
        )
        .await;
    let planted = s
        .browser
        .get("/xa/quoctuan?loi=Tai%20khoan%20bi%20khoa")
        .await;

    assert_eq!(
        added.location.as_deref(),
        Some("/xa/quoctuan?xong=ten-mien")
    );
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused
            .body
            .contains("phải thuộc tên miền quốc gia Việt Nam (.vn)"),
        "{}",
        refused.body
    );
    assert!(
        !planted.body.contains("Tai khoan bi khoa"),
        "no link can put words into the console"
    );
    let domains: Vec<(String, bool)> =
        sqlx::query_as("SELECT domain, is_primary FROM tenant_domains")
            .fetch_all(&s.env.admin)
            .await
            .unwrap();
    assert_eq!(domains, vec![("quoctuan.haiphong.gov.vn".to_owned(), true)]);
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_regions_operator_cannot_see_or_change_another_provinces_commune() {
    let (s, email, password) = setup(Some("haiphong")).await;
    let hanoi = s.env.create_tenant("hoankiem", "Phường Hoàn Kiếm").await;
    sqlx::query("UPDATE tenants SET region_id = (SELECT id FROM regions WHERE code = 'hanoi') WHERE id = $1")
        .bind(hanoi)
        .execute(&s.env.admin)
        .await
        .unwrap();
    s.browser.sign_in(&email, &password).await;
    s.create_commune("quoctuan", "Xã Quốc Tuấn", "vinhbao")
        .await;
    let own = s.browser.get("/xa/quoctuan").await;

    let foreign = s.browser.get("/xa/hoankiem").await;
    let change = s
        .browser
        .post(
            "/xa/hoankiem/trang-thai",
            &[("action", "suspend"), ("csrf", &own.csrf())],
        )
        .await;
    let unknown = s.browser.get("/xa/khongco").await;
    let list = s.browser.get("/?vung=hanoi").await;
    let sneaky = s.create_commune("anhung", "Xã An Hưng", "hanoi").await;

    assert_eq!(own.status, StatusCode::OK);
    assert_eq!(foreign.status, StatusCode::NOT_FOUND);
    assert_eq!(
        foreign.body, unknown.body,
        "a foreign commune looks exactly like a missing one"
    );
    assert_eq!(change.status, StatusCode::NOT_FOUND);
    assert_eq!(s.status_of("hoankiem").await, "active");
    assert!(!list.body.contains("Hoàn Kiếm"));
    assert!(list.body.contains("Xã Quốc Tuấn"));
    assert_eq!(sneaky.status, StatusCode::SEE_OTHER);
    let region: String = sqlx::query_scalar(
        "SELECT r.code FROM tenants t JOIN regions r ON r.id = t.region_id WHERE t.slug = 'anhung'",
    )
    .fetch_one(&s.env.admin)
    .await
    .unwrap();
    assert_eq!(
        region, "haiphong",
        "a commune created by a region's operator stays in their region"
    );
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn repeated_failed_sign_ins_lock_the_account() {
    let (s, email, password) = setup(None).await;

    let mut last = None;
    for _ in 0..operators::MAX_FAILED_ATTEMPTS {
        let form = s.browser.get("/dang-nhap").await;
        last = Some(
            s.browser
                .post(
                    "/dang-nhap",
                    &[
                        ("email", &email),
                        ("password", "sai mật khẩu"),
                        ("csrf", &form.csrf()),
                    ],
                )
                .await,
        );
    }
    let form = s.browser.get("/dang-nhap").await;
    let right_but_locked = s
        .browser
        .post(
            "/dang-nhap",
            &[
                ("email", &email),
                ("password", &password),
                ("csrf", &form.csrf()),
            ],
        )
        .await;

    let form = s.browser.get("/dang-nhap").await;
    let unknown = s
        .browser
        .post(
            "/dang-nhap",
            &[
                ("email", "khong-co@haiphong.gov.vn"),
                ("password", "sai mật khẩu"),
                ("csrf", &form.csrf()),
            ],
        )
        .await;

    // Locked, and the answer says nothing more than to anyone else: the
    // right password on a locked account, a wrong one, and an address
    // without an account read alike.
    let last = last.unwrap();
    let locked: Option<time::OffsetDateTime> =
        sqlx::query_scalar("SELECT locked_until FROM operators WHERE email = $1")
            .bind(&email)
            .fetch_one(&s.env.admin)
            .await
            .unwrap();
    assert!(locked.is_some());
    let refusal = "Địa chỉ thư điện tử hoặc mật khẩu không đúng. Sau 5 lần sai liên tiếp, tài khoản tạm khóa 15 phút.";
    for answer in [&last, &right_but_locked, &unknown] {
        assert_eq!(answer.status, StatusCode::UNAUTHORIZED);
        assert!(answer.body.contains(refusal), "{}", answer.body);
    }
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_console_is_not_reachable_from_a_communes_domain() {
    let (s, _, _) = setup(None).await;
    s.env.create_tenant("quoctuan", "Xã Quốc Tuấn").await;

    let through_commune = s
        .browser
        .send(
            s.browser
                .http
                .get(s.browser.url("quoctuan.localhost", "/_console/dang-nhap")),
        )
        .await;
    let forged = s
        .browser
        .send(
            s.browser
                .http
                .get(s.browser.url("quoctuan.localhost", "/_console/dang-nhap"))
                .header("x-congxa-console", "1"),
        )
        .await;

    assert_eq!(through_commune.status, StatusCode::NOT_FOUND);
    assert_eq!(forged.status, StatusCode::NOT_FOUND);
    assert!(!forged.body.contains("Đăng nhập"));
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn an_operator_created_on_the_command_line_signs_in_with_the_printed_password() {
    let (s, _, _) = setup(None).await;

    let created = common::congxa(
        &s.env,
        &[
            "operator",
            "create",
            "--email",
            "tinh@haiphong.gov.vn",
            "--name",
            "Trần Thị Tỉnh",
            "--region",
            "haiphong",
            "--json",
        ],
    )
    .await;
    let duplicate = common::congxa(
        &s.env,
        &[
            "operator",
            "create",
            "--email",
            "TINH@haiphong.gov.vn",
            "--name",
            "Người khác",
            "--json",
        ],
    )
    .await;
    created.assert_ok();
    let password = created.json()["one_time_password"]
        .as_str()
        .unwrap()
        .to_owned();
    s.browser.sign_in("tinh@haiphong.gov.vn", &password).await;
    let list = s.browser.get("/").await;

    duplicate.assert_refused("duplicate_operator");
    assert_eq!(created.json()["operator"]["region_code"], "haiphong");
    assert_eq!(list.status, StatusCode::OK);
    assert!(list.body.contains("Danh sách xã, phường, đặc khu"));
    s.stop().await;
}

/// A `datetime-local` value `days` from now, in Vietnam's time.
fn local_in(days: i64) -> String {
    let at = time::OffsetDateTime::now_utc().to_offset(time::macros::offset!(+7))
        + time::Duration::days(days);
    format!(
        "{:04}-{:02}-{:02}T22:00",
        at.year(),
        u8::from(at.month()),
        at.day()
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn maintenance_announced_too_late_is_refused_unless_an_emergency_and_then_shown_on_the_site()
{
    let (s, email, password) = setup(Some("haiphong")).await;
    s.browser.sign_in(&email, &password).await;
    s.create_commune("quoctuan", "Xã Quốc Tuấn", "vinhbao")
        .await;
    let page = s.browser.get("/bao-tri").await;
    let csrf = page.csrf();
    let (soon, soon_end) = (local_in(2), local_in(3));

    let late = s
        .browser
        .post(
            "/bao-tri",
            &[
                ("scope", "tenant"),
                ("tenant", "quoctuan"),
                ("from", &soon),
                ("until", &soon_end),
                ("csrf", &csrf),
            ],
        )
        .await;
    let platform_wide = s
        .browser
        .post(
            "/bao-tri",
            &[
                ("scope", "platform"),
                ("from", &local_in(20)),
                ("until", &local_in(21)),
                ("csrf", &csrf),
            ],
        )
        .await;
    let urgent = s
        .browser
        .post(
            "/bao-tri",
            &[
                ("scope", "tenant"),
                ("tenant", "quoctuan"),
                ("from", &soon),
                ("until", &soon_end),
                ("message", "Sửa lỗi khẩn cấp."),
                ("emergency", "1"),
                ("csrf", &csrf),
            ],
        )
        .await;
    let listed = s.browser.get("/bao-tri").await;
    let public = s
        .browser
        .send(s.browser.http.get(s.browser.url("quoctuan.localhost", "/")))
        .await;

    assert_eq!(late.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        late.body
            .contains("Phải thông báo bảo trì trước ít nhất 7 ngày làm việc"),
        "{}",
        late.body
    );
    assert_eq!(
        platform_wide.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "a region's operator cannot close the platform"
    );
    assert_eq!(
        urgent.location.as_deref(),
        Some("/bao-tri?xong=dang"),
        "{}",
        urgent.body
    );
    assert!(listed.body.contains("Sửa lỗi khẩn cấp."));
    assert!(
        public.body.contains("Sửa lỗi khẩn cấp."),
        "the commune's site shows the banner"
    );
    let rows: i64 = sqlx::query_scalar("SELECT count(*) FROM maintenance_notices")
        .fetch_one(&s.env.admin)
        .await
        .unwrap();
    assert_eq!(rows, 1);
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_regions_operator_cannot_cancel_a_notice_of_another_region_or_of_the_platform() {
    let (s, email, password) = setup(Some("haiphong")).await;
    let now = time::OffsetDateTime::now_utc();
    let mut conn = s.env.app.acquire().await.unwrap();
    let mut ids = Vec::new();
    for scope in [
        congxa_tenancy::maintenance::Scope::Platform,
        congxa_tenancy::maintenance::Scope::Region("hanoi".into()),
    ] {
        let announcement = congxa_tenancy::maintenance::Announcement {
            scope,
            starts_at: now + time::Duration::days(20),
            ends_at: now + time::Duration::days(21),
            message: String::new(),
            emergency: false,
        };
        let notice =
            congxa_tenancy::maintenance::announce(&mut conn, &operator(), now, &announcement)
                .await
                .unwrap();
        ids.push(notice.id);
    }
    drop(conn);
    s.browser.sign_in(&email, &password).await;
    let page = s.browser.get("/bao-tri").await;

    let mut answers = Vec::new();
    for id in &ids {
        let path = format!("/bao-tri/{id}/huy");
        answers.push(
            s.browser
                .post(&path, &[("csrf", &page.csrf())])
                .await
                .status,
        );
    }

    assert_eq!(answers, [StatusCode::NOT_FOUND, StatusCode::NOT_FOUND]);
    let cancelled: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM maintenance_notices WHERE cancelled_at IS NOT NULL",
    )
    .fetch_one(&s.env.admin)
    .await
    .unwrap();
    assert_eq!(cancelled, 0);
    assert!(
        !page.body.contains("vùng hanoi"),
        "another region's notice is not even listed"
    );
    s.stop().await;
}

/// Who announces maintenance in these tests.
fn operator() -> congxa_tenancy::audit::Actor {
    congxa_tenancy::audit::Actor {
        name: "op".to_owned(),
        origin: "test".to_owned(),
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_commune_provisioned_with_its_board_head_shows_the_one_time_password_once() {
    let (s, email, password) = setup(None).await;
    s.browser.sign_in(&email, &password).await;

    let form = s.browser.get("/xa-moi").await;
    let created = s
        .browser
        .post(
            "/xa-moi",
            &[
                ("name", "Xã Vĩnh Bảo"),
                ("slug", "vinhbao"),
                ("region", ""),
                ("domain", ""),
                ("admin_name", "Đỗ Thị Hằng"),
                ("admin_email", "Hang@VinhBao.vn"),
                ("csrf", &form.csrf()),
            ],
        )
        .await;
    assert_eq!(created.status, StatusCode::OK, "{}", created.body);
    let marker = "mật khẩu dùng một lần: ";
    let start = created.body.find(marker).expect("the password is shown") + marker.len();
    let one_time: String = created.body[start..].split(' ').next().unwrap().to_owned();

    // The account is the commune's head, and the password signs in there.
    let tenant: uuid::Uuid = sqlx::query_scalar("SELECT id FROM tenants WHERE slug = 'vinhbao'")
        .fetch_one(&s.env.admin)
        .await
        .unwrap();
    let (_, account) = congxa_board::accounts::sign_in(
        &s.env.app,
        tenant,
        "hang@vinhbao.vn",
        &one_time,
        "",
        "test",
        time::OffsetDateTime::now_utc(),
    )
    .await
    .unwrap();
    assert_eq!(account.role, congxa_board::Role::Head);
    assert!(account.must_change_password);
    let actions = common::audit_actions(&s.env).await;
    assert!(
        actions.ends_with(&[
            "tenant.create".to_owned(),
            "board.account.create".to_owned()
        ]),
        "{actions:?}"
    );

    // A bad address refuses the whole thing: no commune without its head.
    let form = s.browser.get("/xa-moi").await;
    let refused = s
        .browser
        .post(
            "/xa-moi",
            &[
                ("name", "Xã An Hưng"),
                ("slug", "anhung"),
                ("region", ""),
                ("domain", ""),
                ("admin_name", "A"),
                ("admin_email", "khong-hop-le"),
                ("csrf", &form.csrf()),
            ],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused
            .body
            .contains("không phải là địa chỉ thư điện tử hợp lệ")
    );
    let made: i64 = sqlx::query_scalar("SELECT count(*) FROM tenants WHERE slug = 'anhung'")
        .fetch_one(&s.env.admin)
        .await
        .unwrap();
    assert_eq!(made, 0);
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_merge_is_previewed_then_confirmed_and_stays_within_the_operators_region() {
    let (s, email, password) = setup(Some("haiphong")).await;
    let hanoi = s.env.create_tenant("hoankiem", "Phường Hoàn Kiếm").await;
    sqlx::query("UPDATE tenants SET region_id = (SELECT id FROM regions WHERE code = 'hanoi') WHERE id = $1")
        .bind(hanoi)
        .execute(&s.env.admin)
        .await
        .unwrap();
    s.browser.sign_in(&email, &password).await;
    s.create_commune("quoctuan", "Xã Quốc Tuấn", "vinhbao")
        .await;
    s.create_commune("anhung", "Xã An Hưng", "vinhbao").await;
    let page = s.browser.get("/xa/quoctuan").await;
    assert!(page.body.contains("Gộp xã khác vào xã này"));

    // Another province's commune is "not found", like a missing one.
    let foreign = s
        .browser
        .post(
            "/xa/quoctuan/gop",
            &[("from", "hoankiem"), ("csrf", &page.csrf())],
        )
        .await;
    assert_eq!(foreign.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        foreign
            .body
            .contains("Không tìm thấy xã có tên định danh “hoankiem”")
    );
    assert_eq!(s.status_of("hoankiem").await, "active");

    let preview = s
        .browser
        .post(
            "/xa/quoctuan/gop",
            &[("from", "anhung"), ("csrf", &page.csrf())],
        )
        .await;
    assert_eq!(preview.status, StatusCode::OK, "{}", preview.body);
    assert!(preview.body.contains("bản xem trước: chưa có gì thay đổi"));
    assert!(preview.body.contains("Xã An Hưng"));
    assert_eq!(s.status_of("anhung").await, "active");

    let confirmed = s
        .browser
        .post(
            "/xa/quoctuan/gop",
            &[
                ("from", "anhung"),
                ("confirm", "1"),
                ("csrf", &preview.csrf()),
            ],
        )
        .await;
    assert_eq!(confirmed.status, StatusCode::SEE_OTHER);
    assert_eq!(confirmed.location.as_deref(), Some("/xa/quoctuan?xong=gop"));
    assert_eq!(s.status_of("anhung").await, "merged");
    let logged: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM operator_audit WHERE action = 'tenant.merge' AND actor = 'vanhanh@haiphong.gov.vn'",
    )
    .fetch_one(&s.env.admin)
    .await
    .unwrap();
    assert_eq!(logged, 1);
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn an_operator_enters_a_communes_workspace_only_in_recorded_support_mode() {
    let (s, email, password) = setup(Some("haiphong")).await;
    let hanoi = s.env.create_tenant("hoankiem", "Phường Hoàn Kiếm").await;
    sqlx::query("UPDATE tenants SET region_id = (SELECT id FROM regions WHERE code = 'hanoi') WHERE id = $1")
        .bind(hanoi)
        .execute(&s.env.admin)
        .await
        .unwrap();
    s.browser.sign_in(&email, &password).await;
    s.create_commune("quoctuan", "Xã Quốc Tuấn", "vinhbao")
        .await;
    let page = s.browser.get("/xa/quoctuan").await;
    let csrf = page.csrf();

    // Another province's commune: not found. No reason: refused.
    let foreign = s
        .browser
        .post("/xa/hoankiem/ho-tro", &[("reason", "xem"), ("csrf", &csrf)])
        .await;
    assert_eq!(foreign.status, StatusCode::NOT_FOUND);
    let blank = s
        .browser
        .post("/xa/quoctuan/ho-tro", &[("reason", "  "), ("csrf", &csrf)])
        .await;
    assert_eq!(blank.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(blank.body.contains("Mời ghi lý do hỗ trợ"));

    let entered = s
        .browser
        .post(
            "/xa/quoctuan/ho-tro",
            &[
                ("reason", "Giúp ban biên tập đăng văn bản"),
                ("csrf", &csrf),
            ],
        )
        .await;
    assert_eq!(entered.status, StatusCode::SEE_OTHER, "{}", entered.body);
    let handoff = entered.location.unwrap();
    let prefix = s.browser.url("quoctuan.localhost", "/quan-tri/ho-tro?ma=");
    assert!(handoff.starts_with(&prefix), "{handoff}");

    // The hand-over signs in on the commune's own address, once.
    let landed = s.browser.send(s.browser.http.get(&handoff)).await;
    assert_eq!(landed.location.as_deref(), Some("/quan-tri"));
    let workspace = s
        .browser
        .send(
            s.browser
                .http
                .get(s.browser.url("quoctuan.localhost", "/quan-tri")),
        )
        .await;
    assert_eq!(workspace.status, StatusCode::OK);
    assert!(workspace.body.contains("Chế độ hỗ trợ"));
    assert!(workspace.body.contains("Giúp ban biên tập đăng văn bản"));
    assert!(
        workspace
            .body
            .contains("Nguyễn Văn Hành (cán bộ vận hành, hỗ trợ)")
    );
    let again = s.browser.send(s.browser.http.get(&handoff)).await;
    assert_eq!(again.status, StatusCode::GONE);

    // Recorded in the operators' audit log, with the reason.
    let reason: String = sqlx::query_scalar(
        "SELECT details->>'reason' FROM operator_audit WHERE action = 'tenant.support'",
    )
    .fetch_one(&s.env.admin)
    .await
    .unwrap();
    assert_eq!(reason, "Giúp ban biên tập đăng văn bản");
    // The support account has no password anyone could sign in with.
    let hash: String = sqlx::query_scalar(
        "SELECT password_hash FROM board_accounts WHERE support_operator_id IS NOT NULL",
    )
    .fetch_one(&s.env.admin)
    .await
    .unwrap();
    assert_eq!(hash, "!");
    s.stop().await;
}

/// A file the console serves, as bytes.
async fn console_file(setup: &Setup, path: &str) -> (StatusCode, Vec<u8>) {
    let response = setup
        .browser
        .http
        .get(setup.browser.url(CONSOLE, path))
        .header("cookie", setup.browser.cookie_header())
        .send()
        .await
        .unwrap();
    (response.status(), response.bytes().await.unwrap().to_vec())
}

#[tokio::test(flavor = "multi_thread")]
async fn operators_see_each_communes_checklist_and_reports_and_set_the_working_days() {
    let (setup, email, password) = setup(None).await;
    setup.browser.sign_in(&email, &password).await;
    for (slug, name) in [("quoctuan", "Xã Quốc Tuấn"), ("anhung", "Xã An Hưng")] {
        let created = setup.create_commune(slug, name, "haiphong").await;
        assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.body);
    }

    // New communes have their introduction still to write, among others.
    let table = setup.browser.get("/tuan-thu").await;
    assert_eq!(table.status, StatusCode::OK, "{}", table.body);
    assert!(
        table
            .body
            .contains("<strong>0/2</strong> xã, phường đạt mọi tiêu chí"),
        "{}",
        table.body
    );
    assert!(table.body.contains("Xã Quốc Tuấn") && table.body.contains("Xã An Hưng"));
    let one = setup.browser.get("/tuan-thu/quoctuan").await;
    assert_eq!(one.status, StatusCode::OK);
    assert!(
        one.body
            .contains("<strong>Chưa đạt:</strong> Phần giới thiệu đủ các trang"),
        "{}",
        one.body
    );
    assert!(
        one.body
            .contains("Căn cứ: Thông tư 24&#x2f;2011&#x2f;TT-BTTTT")
    );
    assert_eq!(
        setup.browser.get("/tuan-thu/khong-co").await.status,
        StatusCode::NOT_FOUND
    );

    // The province's feed carries the same.
    let feed: serde_json::Value =
        serde_json::from_str(&setup.browser.get("/api/giam-sat").await.body).unwrap();
    let communes = feed["communes"].as_array().unwrap();
    assert_eq!(communes.len(), 2);
    for commune in communes {
        let compliance = &commune["compliance"];
        assert!(compliance["total"].as_u64().unwrap() >= 20, "{commune}");
        assert!(compliance["passed"].as_u64().unwrap() < compliance["total"].as_u64().unwrap());
        let failed: Vec<&str> = compliance["failed"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c.as_str().unwrap())
            .collect();
        assert!(
            failed.contains(&"introduction") && failed.contains(&"section:van-ban"),
            "{failed:?}"
        );
    }

    // The lists of many communes are a few minutes old at most; one
    // commune's own page is checked afresh and brings them up to date.
    let footer_failed = || async {
        let feed: serde_json::Value =
            serde_json::from_str(&setup.browser.get("/api/giam-sat").await.body).unwrap();
        let quoctuan = feed["communes"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["slug"] == "quoctuan")
            .unwrap()
            .clone();
        quoctuan["compliance"]["failed"]
            .as_array()
            .unwrap()
            .contains(&serde_json::json!("footer"))
    };
    assert!(footer_failed().await);
    sqlx::query(
        "UPDATE site_profiles p SET address = 'Thôn An Lạc, xã Quốc Tuấn', phone = '0225 3 868 868',
                email = 'ubnd@quoctuan.vn', responsible_person = 'Nguyễn Văn Hùng'
         FROM tenants t WHERE t.id = p.tenant_id AND t.slug = 'quoctuan'",
    )
    .execute(&setup.env.admin)
    .await
    .unwrap();
    assert!(
        footer_failed().await,
        "the feed's checklists are kept a while"
    );
    let one = setup.browser.get("/tuan-thu/quoctuan").await;
    assert!(
        !one.body.contains("<strong>Chưa đạt:</strong> Chân trang"),
        "{}",
        one.body
    );
    assert!(
        !footer_failed().await,
        "the commune's own page refreshed it"
    );

    // Every commune's yearly report, one by one and all at once.
    let year = congxa_locale::time::now().year();
    let reports = setup.browser.get("/bao-cao").await;
    assert_eq!(reports.status, StatusCode::OK, "{}", reports.body);
    assert!(
        reports.body.contains("Chưa lập (bản gợi ý)") && reports.body.contains("<svg"),
        "{}",
        reports.body
    );
    let (status, docx) = console_file(&setup, &format!("/bao-cao/{year}/anhung.docx")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(docx.starts_with(b"PK"));
    let (status, zipped) = console_file(&setup, &format!("/bao-cao/{year}/tat-ca.zip")).await;
    assert_eq!(status, StatusCode::OK);
    let archive = zip::ZipArchive::new(std::io::Cursor::new(zipped)).unwrap();
    let mut names: Vec<&str> = archive.file_names().collect();
    names.sort_unstable();
    assert_eq!(
        names,
        vec![
            format!("bao-cao-hoat-dong-trang-anhung-{year}.docx").as_str(),
            format!("bao-cao-hoat-dong-trang-quoctuan-{year}.docx").as_str(),
        ]
    );
    assert_eq!(
        console_file(&setup, &format!("/bao-cao/{year}/khong-co.docx"))
            .await
            .0,
        StatusCode::NOT_FOUND
    );

    // The working days of 2027: the Labour Code's holidays by the lunar
    // calendar, then what the government announced.
    let calendar = setup.browser.get("/lich-nghi?nam=2027").await;
    assert_eq!(calendar.status, StatusCode::OK);
    assert!(
        calendar.body.contains("Tết Nguyên đán") && calendar.body.contains("Giỗ Tổ Hùng Vương"),
        "{}",
        calendar.body
    );
    let refused = setup
        .browser
        .post(
            "/lich-nghi",
            &[
                ("day", "2027-02-12"),
                ("kind", "day_off"),
                ("label", ""),
                ("csrf", &calendar.csrf()),
            ],
        )
        .await;
    assert_eq!(
        refused.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        refused.body
    );
    assert_eq!(
        common::count(&setup.env, "SELECT count(*) FROM calendar_overrides").await,
        0
    );
    let saved = setup
        .browser
        .post(
            "/lich-nghi",
            &[
                ("day", "2027-02-12"),
                ("kind", "day_off"),
                ("label", "Nghỉ Tết theo thông báo của Chính phủ"),
                ("csrf", &calendar.csrf()),
            ],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    assert_eq!(
        common::count(&setup.env, "SELECT count(*) FROM calendar_overrides").await,
        1
    );
    assert!(
        common::audit_actions(&setup.env)
            .await
            .contains(&"calendar.override".to_owned())
    );
    let shown = setup.browser.get("/lich-nghi?nam=2027").await;
    assert!(
        shown.body.contains("Nghỉ Tết theo thông báo của Chính phủ"),
        "{}",
        shown.body
    );
    let removed = setup
        .browser
        .post("/lich-nghi/2027-02-12/xoa", &[("csrf", &shown.csrf())])
        .await;
    assert_eq!(removed.status, StatusCode::SEE_OTHER);
    assert_eq!(
        common::count(&setup.env, "SELECT count(*) FROM calendar_overrides").await,
        0
    );
    setup.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_regions_operator_gets_only_its_communes_reports_and_cannot_change_the_calendar() {
    let (setup, email, password) = setup(Some("haiphong")).await;
    common::create_tenant(
        &setup.env,
        "quoctuan",
        "Xã Quốc Tuấn",
        &["--region", "haiphong"],
    )
    .await
    .assert_ok();
    common::create_tenant(
        &setup.env,
        "phucxa",
        "Phường Phúc Xá",
        &["--region", "hanoi"],
    )
    .await
    .assert_ok();
    setup.browser.sign_in(&email, &password).await;
    let year = congxa_locale::time::now().year();
    assert_eq!(
        console_file(&setup, &format!("/bao-cao/{year}/quoctuan.docx"))
            .await
            .0,
        StatusCode::OK
    );
    assert_eq!(
        console_file(&setup, &format!("/bao-cao/{year}/phucxa.docx"))
            .await
            .0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        setup.browser.get("/tuan-thu/phucxa").await.status,
        StatusCode::NOT_FOUND
    );
    let table = setup.browser.get("/tuan-thu").await;
    assert!(table.body.contains("Xã Quốc Tuấn") && !table.body.contains("Phường Phúc Xá"));
    let calendar = setup.browser.get("/lich-nghi").await;
    assert!(
        calendar
            .body
            .contains("Chỉ cán bộ vận hành của toàn nền tảng được sửa lịch này.")
    );
    let refused = setup
        .browser
        .post(
            "/lich-nghi",
            &[
                ("day", "2027-02-12"),
                ("kind", "day_off"),
                ("label", "Nghỉ"),
                ("csrf", &calendar.csrf()),
            ],
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert_eq!(
        common::count(&setup.env, "SELECT count(*) FROM calendar_overrides").await,
        0
    );
    setup.stop().await;
}
