//! A commune's look: the theme, colours, font and its own lines, chosen in
//! the workspace, checked for contrast and against injection, previewed
//! before they apply, and applied at once (the commune's cached pages
//! purged).

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::Duration;

use common::browser::Platform;
use common::workspace::{Browser, field, head_of};
use congxa_testing::TestEnv;
use reqwest::StatusCode;

/// A commune's home page from the gateway, with whether it came from the
/// page cache (`x-cache`).
async fn home_at(platform: &Platform, host: &str) -> (String, String) {
    let gateway = std::net::SocketAddr::from(([127, 0, 0, 1], platform.port));
    let client = reqwest::Client::builder()
        .resolve(host, gateway)
        .build()
        .unwrap();
    let response = client
        .get(format!("http://{host}:{}/", platform.port))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let cache = response
        .headers()
        .get("x-cache")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    (cache, response.text().await.unwrap())
}

async fn home(platform: &Platform) -> (String, String) {
    home_at(platform, "quoctuan.localhost").await
}

async fn theme_of(env: &TestEnv) -> (String, Option<String>) {
    sqlx::query_as("SELECT theme, primary_color FROM site_profiles")
        .fetch_one(&env.admin)
        .await
        .unwrap()
}

fn look<'a>(csrf: &'a str, primary: &'a str, header: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("csrf", csrf),
        ("theme", "sen"),
        ("mau-rieng", "1"),
        ("primary", primary),
        ("primary_dark", "#06372c"),
        ("font", "co-chan"),
        ("header_text", header),
        ("footer_text", "Xã văn hóa, nông thôn mới kiểu mẫu"),
    ]
}

#[tokio::test(flavor = "multi_thread")]
async fn the_head_previews_then_applies_a_look_and_bad_or_hostile_choices_change_nothing() {
    let env = TestEnv::new().await;
    let password = head_of(&env, "quoctuan", "Xã Quốc Tuấn", "tb@quoctuan.vn").await;
    let platform = Platform::start(&env).await;
    let mut head = Browser::new(&platform, "quoctuan.localhost");
    head.sign_in(
        "tb@quoctuan.vn",
        &password,
        "câu mật khẩu mới của trưởng ban",
    )
    .await;
    let (status, page) = head.get("/quan-tri/giao-dien").await;
    assert_eq!(status, StatusCode::OK, "{page}");
    let csrf = field(&page, "csrf");

    // The public home page in the default theme, kept by the gateway.
    let (_, before) = home(&platform).await;
    assert!(before.contains(r#"data-giao-dien="default""#), "{before}");
    let (cache, _) = home(&platform).await;
    assert_eq!(cache, "hit");

    // Too light a colour, or anything but a colour: refused, nothing kept.
    let (status, refused) = head
        .post("/quan-tri/giao-dien", &look(&csrf, "#ffcc00", ""))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused.contains("chỉ đạt độ tương phản 1,5:1 với nền trắng"),
        "{refused}"
    );
    let hostile = "#fff;}</style><script>alert(1)</script>";
    let (status, refused) = head
        .post("/quan-tri/giao-dien", &look(&csrf, hostile, ""))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.contains("không phải mã màu"), "{refused}");
    assert!(!refused.contains("<script>alert(1)"), "{refused}");
    assert_eq!(theme_of(&env).await, ("default".to_owned(), None));

    // The preview shows the look, keeps nothing, and the site stays as it was.
    let motto = "<script>alert('đầu trang')</script> Đoàn kết – Sáng tạo";
    let (status, preview) = head
        .post(
            "/quan-tri/giao-dien/xem-truoc",
            &look(&csrf, "#0b5d4b", motto),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{preview}");
    assert!(preview.contains(r#"data-giao-dien="sen""#), "{preview}");
    assert!(preview.contains("--primary:#0b5d4b"), "{preview}");
    assert!(
        preview.contains("Bản xem trước: giao diện này chưa được lưu"),
        "{preview}"
    );
    assert!(!preview.contains("<script>alert('đầu trang')"), "{preview}");
    assert_eq!(theme_of(&env).await, ("default".to_owned(), None));
    let (cache, still) = home(&platform).await;
    assert_eq!(cache, "hit");
    assert!(still.contains(r#"data-giao-dien="default""#));

    // Applied: kept, recorded, and the site shows it at once.
    let (status, to) = head
        .post("/quan-tri/giao-dien", &look(&csrf, "#0B5D4B", motto))
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{to}");
    assert_eq!(
        theme_of(&env).await,
        ("sen".to_owned(), Some("#0b5d4b".to_owned()))
    );
    assert!(
        common::audit_actions(&env)
            .await
            .contains(&"site.look.save".to_owned())
    );
    let mut after = String::new();
    for _ in 0..50 {
        after = home(&platform).await.1;
        if after.contains(r#"data-giao-dien="sen""#) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(after.contains(r#"data-giao-dien="sen""#), "{after}");
    assert!(after.contains("--primary:#0b5d4b"));
    assert!(after.contains("Times New Roman"));
    assert!(after.contains("&lt;script&gt;alert("), "{after}");
    assert!(!after.contains("<script>alert("));
    assert!(after.contains("Xã văn hóa, nông thôn mới kiểu mẫu"));

    platform.stop().await;
}

async fn home_of(platform: &Platform, host: &str) -> String {
    home_at(platform, host).await.1
}

/// The home page once it says (or stops saying) `text`: purges reach the
/// gateway a moment after the change.
async fn home_when(platform: &Platform, host: &str, text: &str, present: bool) -> String {
    let mut page = String::new();
    for _ in 0..50 {
        page = home_of(platform, host).await;
        if page.contains(text) == present {
            return page;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the home page of {host} still does not show the change: {page}");
}

const WELCOME: &str = "Chào mừng đến với trang của xã chúng tôi";

fn home_with(content: &str) -> String {
    format!(r#"{{% extends "base.html" %}}{{% block content %}}{content}{{% endblock %}}"#)
}

#[tokio::test(flavor = "multi_thread")]
async fn a_communes_own_template_serves_its_site_alone_and_a_broken_one_never_takes_it_down() {
    let env = TestEnv::new().await;
    let password = head_of(&env, "quoctuan", "Xã Quốc Tuấn", "tb@quoctuan.vn").await;
    common::create_tenant(&env, "anhung", "Xã An Hưng", &[])
        .await
        .assert_ok();
    let platform = Platform::start(&env).await;
    let mut head = Browser::new(&platform, "quoctuan.localhost");
    head.sign_in(
        "tb@quoctuan.vn",
        &password,
        "câu mật khẩu mới của trưởng ban",
    )
    .await;
    let (status, list) = head.get("/quan-tri/giao-dien/mau").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        list.contains("home.html") && list.contains("base.html"),
        "{list}"
    );
    let (status, editor) = head.get("/quan-tri/giao-dien/mau/home.html").await;
    assert_eq!(status, StatusCode::OK);
    assert!(editor.contains("extends"), "{editor}");
    let csrf = field(&editor, "csrf");
    let path = "/quan-tri/giao-dien/mau/home.html";
    let kept = || async {
        sqlx::query_scalar::<_, i64>("SELECT count(*) FROM template_overrides")
            .fetch_one(&env.admin)
            .await
            .unwrap()
    };

    // A version that does not parse is refused with the parser's words.
    let broken = home_with("{% if %}");
    let (status, page) = head
        .post(
            path,
            &[("csrf", &csrf), ("thao_tac", "luu"), ("source", &broken)],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("Lỗi cú pháp"), "{page}");
    assert_eq!(kept().await, 0);
    // Only the theme's templates can be replaced.
    let (status, _) = head
        .post(
            "/quan-tri/giao-dien/mau/khong_co.html",
            &[("csrf", &csrf), ("thao_tac", "luu"), ("source", "x")],
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // A version of its own serves this commune at once, and no other.
    let before = home_of(&platform, "anhung.localhost").await;
    let (status, _) = head
        .post(
            path,
            &[
                ("csrf", &csrf),
                ("thao_tac", "luu"),
                ("based_on", "0"),
                ("source", &home_with(&format!("<h1>{WELCOME}</h1>"))),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    home_when(&platform, "quoctuan.localhost", WELCOME, true).await;
    let other = home_of(&platform, "anhung.localhost").await;
    assert!(!other.contains(WELCOME));
    assert_eq!(other, before);

    // Endless work: the preview shows the board why; saved anyway (it
    // parses), citizens get the theme's page and the board the fault.
    let endless = home_with(
        "{% for a in range(100000) %}{% for b in range(100000) %}x{% endfor %}{% endfor %}",
    );
    let (status, page) = head
        .post(
            path,
            &[
                ("csrf", &csrf),
                ("thao_tac", "xem-truoc"),
                ("source", &endless),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("quá nhiều việc"), "{page}");
    let (status, _) = head
        .post(
            path,
            &[
                ("csrf", &csrf),
                ("thao_tac", "luu"),
                ("based_on", "1"),
                ("source", &endless),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    // A form made before that save is refused, not merged.
    let (status, page) = head
        .post(
            path,
            &[
                ("csrf", &csrf),
                ("thao_tac", "luu"),
                ("based_on", "1"),
                ("source", "<p>cũ</p>"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("đã được người khác lưu"), "{page}");
    let served = home_when(&platform, "quoctuan.localhost", WELCOME, false).await;
    assert!(
        served.contains("Tin nổi bật") || served.contains("<main"),
        "{served}"
    );
    let (_, editor) = head.get(path).await;
    assert!(
        editor.contains("Lần lỗi gần nhất") && editor.contains("quá nhiều việc"),
        "{editor}"
    );

    // Earlier versions come back; removing gives the theme's own back.
    let (status, _) = head
        .post(
            path,
            &[
                ("csrf", &csrf),
                ("thao_tac", "khoi-phuc"),
                ("phien_ban", "1"),
                ("based_on", "2"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    home_when(&platform, "quoctuan.localhost", WELCOME, true).await;
    let (status, _) = head
        .post(
            path,
            &[("csrf", &csrf), ("thao_tac", "bo"), ("based_on", "3")],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    home_when(&platform, "quoctuan.localhost", WELCOME, false).await;
    assert_eq!(kept().await, 4);
    assert!(
        common::audit_actions(&env)
            .await
            .contains(&"site.template.restore".to_owned())
    );
    platform.stop().await;
}
