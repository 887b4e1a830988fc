//! The board's e-mail and sign-in safety, against the real SMTP sink of the
//! local stack: notifications e-mailed once each, a forgotten password set
//! again through an e-mailed link (and what happens without SMTP, or with
//! it down), and the optional second factor (TOTP) at sign-in.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::Duration;

use common::browser::Platform;
use common::workspace::{Browser, field};
use congxa_testing::{TestEnv, mail_to, smtp_sink_url, wait_for_mail};
use reqwest::StatusCode;

const HOST: &str = "quoctuan.localhost";

/// An address no other test uses, so the shared sink's mail is this test's.
fn unique(name: &str) -> String {
    format!("{name}-{}@quoctuan.vn", uuid::Uuid::new_v4().simple())
}

/// Xã Quốc Tuấn with a head (`head` as e-mail); returns the one-time password.
async fn commune_with_head(env: &TestEnv, head: &str) -> String {
    let created = common::create_tenant(
        env,
        "quoctuan",
        "Xã Quốc Tuấn",
        &[
            "--admin-email",
            head,
            "--admin-name",
            "Lê Thị Thu Hà",
            "--json",
        ],
    )
    .await;
    created.assert_ok();
    created.json()["head"]["one_time_password"]
        .as_str()
        .unwrap()
        .to_owned()
}

async fn add_member(env: &TestEnv, email: &str) -> String {
    let run = common::congxa(
        env,
        &[
            "user",
            "create",
            "--tenant",
            "quoctuan",
            "--email",
            email,
            "--name",
            "Nguyễn Thị Mai",
            "--role",
            "member",
            "--json",
        ],
    )
    .await;
    run.assert_ok();
    run.json()["one_time_password"].as_str().unwrap().to_owned()
}

#[tokio::test(flavor = "multi_thread")]
async fn notifications_go_out_by_email_once_each() {
    let mut env = TestEnv::new().await;
    env.config.smtp_url = Some(smtp_sink_url());
    env.config.mail_interval_secs = 1;
    let head = unique("truongban");
    commune_with_head(&env, &head).await;
    let member = unique("mai");
    let member_password = add_member(&env, &member).await;
    let platform = Platform::start(&env).await;

    let mut browser = Browser::new(&platform, HOST);
    let csrf = browser
        .sign_in(&member, &member_password, "mật khẩu mới của ủy viên Mai")
        .await;
    let (status, to) = browser
        .post(
            "/quan-tri/tin-bai/moi",
            &[
                ("csrf", &csrf),
                ("section", "tin-tuc/tin-cac-thon"),
                ("title", "Thôn Vĩnh Khê làm đường"),
                ("body", "<p>Nhân dân góp công.</p>"),
                ("gui-ngay", "1"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{to}");

    // The head is told by e-mail, in Vietnamese, with a link to the item.
    let mails = wait_for_mail(&head, Duration::from_secs(20)).await;
    assert_eq!(mails.len(), 1, "{mails:?}");
    assert_eq!(
        mails[0].subject,
        "[Xã Quốc Tuấn] Tin bài mới gửi ban biên tập: “Thôn Vĩnh Khê làm đường”."
    );
    assert!(
        mails[0].body.contains("Kính gửi Lê Thị Thu Hà"),
        "{}",
        mails[0].body
    );
    let item = to.split('?').next().unwrap();
    assert!(
        mails[0].body.contains(&format!("http://{HOST}{item}")),
        "{}",
        mails[0].body
    );
    // Once only: later rounds find nothing more to send.
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert_eq!(mail_to(&head).len(), 1);
    let unsent: i64 =
        sqlx::query_scalar("SELECT count(*) FROM board_notifications WHERE emailed_at IS NULL")
            .fetch_one(&env.admin)
            .await
            .unwrap();
    assert_eq!(unsent, 0);
    platform.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_forgotten_password_is_set_again_through_an_emailed_link() {
    let mut env = TestEnv::new().await;
    env.config.smtp_url = Some(smtp_sink_url());
    let head = unique("truongban");
    commune_with_head(&env, &head).await;
    let platform = Platform::start(&env).await;
    let mut browser = Browser::new(&platform, HOST);

    // An unknown address gets the same answer, and no mail.
    let stranger = unique("la");
    for email in [&stranger, &head] {
        let (_, form) = browser.get("/quan-tri/quen-mat-khau").await;
        let (status, page) = browser
            .post(
                "/quan-tri/quen-mat-khau",
                &[("csrf", &field(&form, "csrf")), ("email", email)],
            )
            .await;
        assert_eq!(status, StatusCode::OK);
        assert!(page.contains("Nếu địa chỉ này có tài khoản"), "{page}");
    }
    assert!(mail_to(&stranger).is_empty());
    let mails = wait_for_mail(&head, Duration::from_secs(10)).await;
    assert_eq!(mails.len(), 1);
    assert_eq!(
        mails[0].subject,
        "[Xã Quốc Tuấn] Đặt lại mật khẩu trang quản trị"
    );
    let prefix = format!("http://{HOST}");
    let link = mails[0]
        .body
        .lines()
        .find(|l| l.starts_with(&prefix))
        .unwrap()
        .trim()
        .strip_prefix(&prefix)
        .unwrap()
        .to_owned();

    let (status, form) = browser.get(&link).await;
    assert_eq!(status, StatusCode::OK);
    let secret = field(&form, "ma");
    // A weak password is refused and the link still works.
    let (status, page) = browser
        .post(
            "/quan-tri/dat-lai-mat-khau",
            &[
                ("csrf", &field(&form, "csrf")),
                ("ma", &secret),
                ("new", "123"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("Mật khẩu cần ít nhất 10 ký tự."));
    let (status, to) = browser
        .post(
            "/quan-tri/dat-lai-mat-khau",
            &[
                ("csrf", &field(&page, "csrf")),
                ("ma", &secret),
                ("new", "mật khẩu mới sau khi quên"),
            ],
        )
        .await;
    assert_eq!(
        (status, to.as_str()),
        (StatusCode::SEE_OTHER, "/quan-tri/dang-nhap?mat-khau-moi=1")
    );
    // The new password signs in at once (no forced change: the member chose it).
    let mut fresh = Browser::new(&platform, HOST);
    fresh.sign_in(&head, "mật khẩu mới sau khi quên", "").await;
    // The link works once.
    let (status, page) = browser.get(&link).await;
    assert_eq!(status, StatusCode::GONE);
    assert!(page.contains("đã hết hạn hoặc đã được dùng"));
    platform.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn without_smtp_or_with_it_down_no_reset_link_is_promised() {
    let env = TestEnv::new().await;
    let head = unique("truongban");
    commune_with_head(&env, &head).await;
    let mut down = TestEnv::new().await;
    // Nothing listens on port 9 of this machine.
    down.config.smtp_url = Some("smtp://127.0.0.1:9".to_owned());
    commune_with_head(&down, &head).await;

    let platform = Platform::start(&env).await;
    let mut browser = Browser::new(&platform, HOST);
    let (_, page) = browser.get("/quan-tri/quen-mat-khau").await;
    assert!(
        page.contains("chưa được cấu hình gửi thư điện tử"),
        "{page}"
    );
    platform.stop().await;

    // With the mail server down, the answer is the one an unknown address
    // gets (nothing tells whether the address has an account), and the
    // link that could not be sent is withdrawn.
    let platform = Platform::start(&down).await;
    let mut browser = Browser::new(&platform, HOST);
    let mut answers = Vec::new();
    for email in [head.clone(), unique("khongco")] {
        let (_, form) = browser.get("/quan-tri/quen-mat-khau").await;
        answers.push(
            browser
                .post(
                    "/quan-tri/quen-mat-khau",
                    &[("csrf", &field(&form, "csrf")), ("email", &email)],
                )
                .await,
        );
    }
    assert_eq!(answers[0].0, StatusCode::OK);
    assert_eq!(answers[0], answers[1]);
    assert!(answers[0].1.contains("Nếu địa chỉ này có tài khoản"));
    let mut links = 1;
    for _ in 0..100 {
        links = sqlx::query_scalar::<_, i64>("SELECT count(*) FROM board_password_resets")
            .fetch_one(&down.admin)
            .await
            .unwrap();
        if links == 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(links, 0, "nothing half done");
    platform.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn with_the_second_factor_on_signing_in_needs_a_fresh_code() {
    let env = TestEnv::new().await;
    let head = unique("truongban");
    let one_time = commune_with_head(&env, &head).await;
    let platform = Platform::start(&env).await;
    let password = "một câu dài dễ nhớ của trưởng ban";
    let mut browser = Browser::new(&platform, HOST);
    let csrf = browser.sign_in(&head, &one_time, password).await;

    let (status, page) = browser.get("/quan-tri/bao-mat").await;
    assert_eq!(status, StatusCode::OK);
    let secret = field(&page, "secret");
    // Slashes come escaped in HTML attributes.
    assert!(page.contains("otpauth:&#x2f;&#x2f;totp&#x2f;"), "{page}");
    let now = time::OffsetDateTime::now_utc();
    let (status, page) = browser
        .post(
            "/quan-tri/bao-mat/bat",
            &[("csrf", &csrf), ("secret", &secret), ("code", "000000")],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("Mã xác thực không đúng"));
    let code = congxa_board::second_factor::code_at(&secret, now).unwrap();
    let (status, page) = browser
        .post(
            "/quan-tri/bao-mat/bat",
            &[("csrf", &csrf), ("secret", &secret), ("code", &code)],
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert!(page.contains("Đã bật xác thực hai bước"));

    let sign_in = |code: String| {
        let platform = &platform;
        let head = head.clone();
        async move {
            let mut fresh = Browser::new(platform, HOST);
            let (_, form) = fresh.get("/quan-tri/dang-nhap").await;
            fresh
                .post(
                    "/quan-tri/dang-nhap",
                    &[
                        ("csrf", &field(&form, "csrf")),
                        ("email", &head),
                        ("password", password),
                        ("code", &code),
                    ],
                )
                .await
        }
    };
    // The password alone no longer does; nor does the code already used.
    assert_eq!(sign_in(String::new()).await.0, StatusCode::UNAUTHORIZED);
    assert_eq!(sign_in(code.clone()).await.0, StatusCode::UNAUTHORIZED);
    // The next code does, once.
    let next =
        congxa_board::second_factor::code_at(&secret, now + time::Duration::seconds(30)).unwrap();
    let (status, to) = sign_in(next.clone()).await;
    assert_eq!((status, to.as_str()), (StatusCode::SEE_OTHER, "/quan-tri"));
    assert_eq!(sign_in(next).await.0, StatusCode::UNAUTHORIZED);
    platform.stop().await;
}

/// A client of the gateway with an address of its own: the platform trusts
/// one proxy hop, and this client's proxy says who it is.
struct Client {
    browser: Browser,
    address: &'static str,
}

impl Client {
    fn new(platform: &Platform, host: &'static str, address: &'static str) -> Self {
        Self {
            browser: Browser::new(platform, host),
            address,
        }
    }

    async fn send(&mut self, request: reqwest::RequestBuilder) -> reqwest::Response {
        let response = request
            .header("x-forwarded-for", self.address)
            .header("cookie", self.browser.cookie_header())
            .send()
            .await
            .unwrap();
        for value in response.headers().get_all("set-cookie") {
            let pair = value.to_str().unwrap().split(';').next().unwrap();
            let (name, value) = pair.split_once('=').unwrap();
            self.browser
                .cookies
                .insert(name.to_owned(), value.to_owned());
        }
        response
    }

    fn url(&self, path: &str) -> String {
        format!("http://{}:{}{path}", self.browser.host, self.browser.port)
    }

    async fn get(&mut self, path: &str) -> reqwest::Response {
        let request = self.browser.http.get(self.url(path));
        self.send(request).await
    }

    async fn post(&mut self, path: &str, pairs: &[(&str, &str)]) -> reqwest::Response {
        let mut body = form_urlencoded::Serializer::new(String::new());
        for (k, v) in pairs {
            body.append_pair(k, v);
        }
        let request = self
            .browser
            .http
            .post(self.url(path))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body.finish());
        self.send(request).await
    }
}

/// A sign-in form's CSRF token (its cookie is kept by the client).
async fn sign_in_csrf(client: &mut Client) -> String {
    let page = client
        .get("/quan-tri/dang-nhap")
        .await
        .text()
        .await
        .unwrap();
    field(&page, "csrf")
}

#[tokio::test(flavor = "multi_thread")]
async fn a_flood_of_sign_ins_meets_429_while_other_clients_and_communes_go_on() {
    let mut env = TestEnv::new().await;
    env.config.trusted_proxy_hops = 1;
    let head = unique("truongban");
    commune_with_head(&env, &head).await;
    let other_head = "tb@vinhbao.vn";
    let other_password =
        common::workspace::head_of(&env, "vinhbao", "Xã Vĩnh Bảo", other_head).await;
    let platform = Platform::start(&env).await;

    // One client sends forty wrong sign-ins to Quốc Tuấn at once…
    let mut flooder = Client::new(&platform, HOST, "203.0.113.7");
    let csrf = sign_in_csrf(&mut flooder).await;
    let cookies = flooder.browser.cookie_header();
    let flood = (0..40).map(|n| {
        let http = flooder.browser.http.clone();
        let url = flooder.url("/quan-tri/dang-nhap");
        let cookies = cookies.clone();
        let body = format!(
            "csrf={csrf}&email={}&password=sai-{n}",
            head.replace('@', "%40")
        );
        tokio::spawn(async move {
            let response = http
                .post(url)
                .header("x-forwarded-for", "203.0.113.7")
                .header("cookie", cookies)
                .header("content-type", "application/x-www-form-urlencoded")
                .body(body)
                .send()
                .await
                .unwrap();
            let status = response.status();
            let retry_after = response
                .headers()
                .get("retry-after")
                .map(|v| v.to_str().unwrap().parse::<u64>().unwrap());
            (status, retry_after, response.text().await.unwrap())
        })
    });
    let flood: Vec<_> = flood.collect();

    // …while another client reads and signs in to Vĩnh Bảo.
    let mut neighbour = Client::new(&platform, "vinhbao.localhost", "198.51.100.2");
    let home = neighbour.get("/").await;
    assert_eq!(home.status(), StatusCode::OK);
    let csrf = sign_in_csrf(&mut neighbour).await;
    let signed_in = neighbour
        .post(
            "/quan-tri/dang-nhap",
            &[
                ("csrf", &csrf),
                ("email", other_head),
                ("password", &other_password),
            ],
        )
        .await;
    assert_eq!(signed_in.status(), StatusCode::SEE_OTHER);

    let mut refused = 0;
    for answer in flood {
        let (status, retry_after, body) = answer.await.unwrap();
        match status {
            StatusCode::UNAUTHORIZED => {}
            StatusCode::TOO_MANY_REQUESTS => {
                refused += 1;
                assert!(retry_after.is_some_and(|s| (1..=60).contains(&s)));
                assert!(body.contains("Quá nhiều lần đăng nhập"), "{body}");
                assert!(body.contains("Vui lòng đợi"), "{body}");
            }
            other => panic!("unexpected {other}: {body}"),
        }
    }
    // Ten a minute: the rest were refused, give or take what the minute
    // gave back while the flood lasted.
    assert!(refused >= 25, "{refused} refused");
    // The forms for resetting a password draw on the same allowance (the
    // allowance is checked before anything else, the form's token too).
    let mut asked = Vec::new();
    for path in [
        "/quan-tri/quen-mat-khau",
        "/quan-tri/dat-lai-mat-khau",
        "/quan-tri/quen-mat-khau",
    ] {
        let answer = flooder.post(path, &[("csrf", "x"), ("email", &head)]).await;
        asked.push(answer.status());
    }
    assert!(asked.contains(&StatusCode::TOO_MANY_REQUESTS), "{asked:?}");
    platform.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn parallel_wrong_passwords_lock_the_account_after_five_checks_at_most() {
    let mut env = TestEnv::new().await;
    // Out of the way: this is about the account's count, not the client's.
    env.config.sign_in_per_minute = 1000;
    let head = unique("truongban");
    let one_time = commune_with_head(&env, &head).await;
    let platform = Platform::start(&env).await;

    let mut browser = Browser::new(&platform, HOST);
    let (_, form) = browser.get("/quan-tri/dang-nhap").await;
    let csrf = field(&form, "csrf");
    let guesses = (0..20).map(|n| {
        let http = browser.http.clone();
        let url = format!("http://{HOST}:{}/quan-tri/dang-nhap", platform.port);
        let cookies = browser.cookie_header();
        let body = format!(
            "csrf={csrf}&email={}&password=sai-{n}",
            head.replace('@', "%40")
        );
        tokio::spawn(async move {
            let response = http
                .post(url)
                .header("cookie", cookies)
                .header("content-type", "application/x-www-form-urlencoded")
                .body(body)
                .send()
                .await
                .unwrap();
            (response.status(), response.text().await.unwrap())
        })
    });
    let guesses: Vec<_> = guesses.collect();
    for guess in guesses {
        let (status, body) = guess.await.unwrap();
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
    }
    // Each attempt was counted before its password was checked: five were
    // checked, the fifth locked the account, the rest found it locked.
    let (failed, locked): (i32, Option<time::OffsetDateTime>) =
        sqlx::query_as("SELECT failed_attempts, locked_until FROM board_accounts WHERE email = $1")
            .bind(&head)
            .fetch_one(&env.admin)
            .await
            .unwrap();
    assert_eq!(failed, 5);
    assert!(locked.is_some());

    // The right password now gets the very answer a wrong one gets, as does
    // an address without an account.
    let (_, form) = browser.get("/quan-tri/dang-nhap").await;
    let (status, right) = browser
        .post(
            "/quan-tri/dang-nhap",
            &[
                ("csrf", &field(&form, "csrf")),
                ("email", &head),
                ("password", &one_time),
            ],
        )
        .await;
    let (_, form) = browser.get("/quan-tri/dang-nhap").await;
    let (unknown_status, unknown) = browser
        .post(
            "/quan-tri/dang-nhap",
            &[
                ("csrf", &field(&form, "csrf")),
                ("email", &unique("khongco")),
                ("password", &one_time),
            ],
        )
        .await;
    let refusal = "Địa chỉ thư điện tử, mật khẩu hoặc mã xác thực không đúng. Sau 5 lần sai liên tiếp, tài khoản tạm khóa 15 phút.";
    assert_eq!(
        (status, unknown_status),
        (StatusCode::UNAUTHORIZED, StatusCode::UNAUTHORIZED)
    );
    assert!(right.contains(refusal), "{right}");
    assert!(unknown.contains(refusal), "{unknown}");
    platform.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn one_code_sent_in_parallel_signs_in_once() {
    let mut env = TestEnv::new().await;
    env.config.sign_in_per_minute = 1000;
    let head = unique("truongban");
    let one_time = commune_with_head(&env, &head).await;
    let platform = Platform::start(&env).await;
    let password = "một câu dài dễ nhớ của trưởng ban";
    let mut browser = Browser::new(&platform, HOST);
    let csrf = browser.sign_in(&head, &one_time, password).await;
    let (_, page) = browser.get("/quan-tri/bao-mat").await;
    let secret = field(&page, "secret");
    let now = time::OffsetDateTime::now_utc();
    let code = congxa_board::second_factor::code_at(&secret, now).unwrap();
    let (status, _) = browser
        .post(
            "/quan-tri/bao-mat/bat",
            &[("csrf", &csrf), ("secret", &secret), ("code", &code)],
        )
        .await;
    assert_eq!(status, StatusCode::OK);

    // The next code, sent by ten sign-ins at once.
    let next =
        congxa_board::second_factor::code_at(&secret, now + time::Duration::seconds(30)).unwrap();
    let mut attempts = Vec::new();
    for _ in 0..10 {
        let mut fresh = Browser::new(&platform, HOST);
        let (_, form) = fresh.get("/quan-tri/dang-nhap").await;
        let body = format!(
            "csrf={}&email={}&password={}&code={next}",
            field(&form, "csrf"),
            head.replace('@', "%40"),
            form_urlencoded::byte_serialize(password.as_bytes()).collect::<String>()
        );
        let request = fresh
            .http
            .post(format!(
                "http://{HOST}:{}/quan-tri/dang-nhap",
                platform.port
            ))
            .header("cookie", fresh.cookie_header())
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body);
        attempts.push(tokio::spawn(async move {
            request.send().await.unwrap().status()
        }));
    }
    let mut statuses = Vec::new();
    for attempt in attempts {
        statuses.push(attempt.await.unwrap());
    }
    let signed_in = statuses
        .iter()
        .filter(|s| **s == StatusCode::SEE_OTHER)
        .count();
    assert_eq!(signed_in, 1, "{statuses:?}");
    assert!(
        statuses
            .iter()
            .all(|s| *s == StatusCode::SEE_OTHER || *s == StatusCode::UNAUTHORIZED),
        "{statuses:?}"
    );
    platform.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn wrong_current_passwords_and_codes_count_towards_the_lockout() {
    let env = TestEnv::new().await;
    let head = unique("truongban");
    let one_time = commune_with_head(&env, &head).await;
    let platform = Platform::start(&env).await;
    let password = "một câu dài dễ nhớ của trưởng ban";
    let mut browser = Browser::new(&platform, HOST);
    let csrf = browser.sign_in(&head, &one_time, password).await;
    let (_, page) = browser.get("/quan-tri/bao-mat").await;
    let secret = field(&page, "secret");

    // Three wrong codes to turn the second factor on, two wrong current
    // passwords: five, as at sign-in.
    for _ in 0..3 {
        let (status, page) = browser
            .post(
                "/quan-tri/bao-mat/bat",
                &[("csrf", &csrf), ("secret", &secret), ("code", "000000")],
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(page.contains("Mã xác thực không đúng"));
    }
    for _ in 0..2 {
        let (status, page) = browser
            .post(
                "/quan-tri/mat-khau",
                &[
                    ("csrf", &csrf),
                    ("current", "đoán mật khẩu hiện tại"),
                    ("new", "mật khẩu mới của kẻ lạ"),
                ],
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(page.contains("Mật khẩu hiện tại không đúng."));
    }
    // Locked now: the right password is not even checked, here or at sign-in.
    let (status, page) = browser
        .post(
            "/quan-tri/mat-khau",
            &[
                ("csrf", &csrf),
                ("current", password),
                ("new", "mật khẩu mới của kẻ lạ"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("Tài khoản đang tạm khóa"), "{page}");
    let mut fresh = Browser::new(&platform, HOST);
    let (_, form) = fresh.get("/quan-tri/dang-nhap").await;
    let (status, _) = fresh
        .post(
            "/quan-tri/dang-nhap",
            &[
                ("csrf", &field(&form, "csrf")),
                ("email", &head),
                ("password", password),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    platform.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_support_account_takes_no_password_and_is_not_the_boards_to_manage() {
    let env = TestEnv::new().await;
    let head = unique("truongban");
    let one_time = commune_with_head(&env, &head).await;
    let operator = congxa_tenancy::operators::create(
        &mut env.admin.acquire().await.unwrap(),
        "vanhanh@haiphong.gov.vn",
        "Trần Văn Vận",
        None,
    )
    .await
    .unwrap();
    let tenant: uuid::Uuid = sqlx::query_scalar("SELECT id FROM tenants WHERE slug = 'quoctuan'")
        .fetch_one(&env.admin)
        .await
        .unwrap();
    let mut tx = congxa_db::begin_for_tenant(&env.app, tenant).await.unwrap();
    let who = congxa_board::support::Operator {
        id: operator.operator.id,
        name: &operator.operator.name,
    };
    congxa_board::support::open(
        &mut tx,
        tenant,
        &who,
        "kiểm tra",
        time::OffsetDateTime::now_utc(),
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    let (support_id, support_email): (uuid::Uuid, String) = sqlx::query_as(
        "SELECT id, email FROM board_accounts WHERE support_operator_id IS NOT NULL",
    )
    .fetch_one(&env.admin)
    .await
    .unwrap();
    let platform = Platform::start(&env).await;
    let mut browser = Browser::new(&platform, HOST);
    let csrf = browser
        .sign_in(&head, &one_time, "câu mật khẩu mới của trưởng ban")
        .await;

    // Not listed on the board's member page, and not found by its actions.
    let (status, page) = browser.get("/quan-tri/thanh-vien").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains(&head));
    assert!(!page.contains("cán bộ vận hành, hỗ trợ"), "{page}");
    for action in ["dat-lai-mat-khau", "khoa"] {
        let (status, _) = browser
            .post(
                &format!("/quan-tri/thanh-vien/{support_id}/{action}"),
                &[("csrf", &csrf), ("active", "0")],
            )
            .await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{action}");
    }
    let (hash, active): (String, bool) =
        sqlx::query_as("SELECT password_hash, active FROM board_accounts WHERE id = $1")
            .bind(support_id)
            .fetch_one(&env.admin)
            .await
            .unwrap();
    assert_eq!((hash.as_str(), active), ("!", true));

    // Nor from the command line.
    let run = common::congxa(
        &env,
        &[
            "user",
            "reset-password",
            "--tenant",
            "quoctuan",
            "--email",
            &support_email,
            "--json",
        ],
    )
    .await;
    run.assert_refused("support_account");

    // Even with a known password forced into the database, it never signs
    // in by form.
    let known = congxa_auth::password::hash("mật khẩu gài vào cơ sở dữ liệu")
        .await
        .unwrap();
    sqlx::query("UPDATE board_accounts SET password_hash = $2 WHERE id = $1")
        .bind(support_id)
        .bind(&known)
        .execute(&env.admin)
        .await
        .unwrap();
    let mut fresh = Browser::new(&platform, HOST);
    let (_, form) = fresh.get("/quan-tri/dang-nhap").await;
    let (status, _) = fresh
        .post(
            "/quan-tri/dang-nhap",
            &[
                ("csrf", &field(&form, "csrf")),
                ("email", &support_email),
                ("password", "mật khẩu gài vào cơ sở dữ liệu"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    platform.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn over_https_every_cookie_takes_the_host_prefix() {
    let mut env = TestEnv::new().await;
    // Behind an ingress, which terminates TLS and says so in
    // X-Forwarded-Proto (a client's own header is not believed).
    env.config.trusted_proxy_hops = 1;
    let head = unique("truongban");
    let one_time = commune_with_head(&env, &head).await;
    let platform = Platform::start(&env).await;
    let browser = Browser::new(&platform, HOST);
    let url = |path: &str| format!("http://{HOST}:{}{path}", platform.port);
    let cookies = |response: &reqwest::Response| -> Vec<String> {
        response
            .headers()
            .get_all("set-cookie")
            .iter()
            .map(|v| v.to_str().unwrap().to_owned())
            .collect()
    };

    let form = browser
        .http
        .get(url("/quan-tri/dang-nhap"))
        .header("x-forwarded-proto", "https")
        .send()
        .await
        .unwrap();
    let set = cookies(&form);
    assert!(
        set.iter()
            .any(|c| c.starts_with("__Host-congxa_quan_tri_csrf=") && c.ends_with("; Secure")),
        "{set:?}"
    );
    let csrf_cookie = set[0].split(';').next().unwrap().to_owned();
    let csrf = field(&form.text().await.unwrap(), "csrf");
    let body = format!(
        "csrf={csrf}&email={}&password={}",
        head.replace('@', "%40"),
        form_urlencoded::byte_serialize(one_time.as_bytes()).collect::<String>()
    );
    // The bare name does not count over HTTPS.
    let bare = browser
        .http
        .post(url("/quan-tri/dang-nhap"))
        .header("x-forwarded-proto", "https")
        .header("cookie", csrf_cookie.replace("__Host-", ""))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(bare.status(), StatusCode::FORBIDDEN);
    let signed_in = browser
        .http
        .post(url("/quan-tri/dang-nhap"))
        .header("x-forwarded-proto", "https")
        .header("cookie", &csrf_cookie)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(signed_in.status(), StatusCode::SEE_OTHER);
    let set = cookies(&signed_in);
    let session = set
        .iter()
        .find(|c| c.starts_with("__Host-congxa_quan_tri="))
        .unwrap_or_else(|| panic!("{set:?}"));
    assert!(session.contains("; Path=/;") && session.ends_with("; Secure"));
    assert!(!session.contains("Domain"));
    let session = session.split(';').next().unwrap().to_owned();

    // Over HTTPS the prefixed cookie is the session; over plain http it is
    // not read (plain http has the bare names).
    let page = |proto: &'static str, cookie: String| {
        let request = browser
            .http
            .get(url("/quan-tri/mat-khau"))
            .header("x-forwarded-proto", proto)
            .header("cookie", cookie);
        async move { request.send().await.unwrap().status() }
    };
    assert_eq!(page("https", session.clone()).await, StatusCode::OK);
    assert_eq!(page("http", session.clone()).await, StatusCode::SEE_OTHER);
    assert_eq!(
        page("https", session.replace("__Host-", "")).await,
        StatusCode::SEE_OTHER
    );
    platform.stop().await;
}
