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

    let platform = Platform::start(&down).await;
    let mut browser = Browser::new(&platform, HOST);
    let (_, form) = browser.get("/quan-tri/quen-mat-khau").await;
    let (status, page) = browser
        .post(
            "/quan-tri/quen-mat-khau",
            &[("csrf", &field(&form, "csrf")), ("email", &head)],
        )
        .await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    assert!(page.contains("Chưa gửi được thư"), "{page}");
    let links: i64 = sqlx::query_scalar("SELECT count(*) FROM board_password_resets")
        .fetch_one(&down.admin)
        .await
        .unwrap();
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
