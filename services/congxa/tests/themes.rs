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

async fn home(platform: &Platform) -> (String, String) {
    let gateway = std::net::SocketAddr::from(([127, 0, 0, 1], platform.port));
    let client = reqwest::Client::builder()
        .resolve("quoctuan.localhost", gateway)
        .build()
        .unwrap();
    let response = client
        .get(format!("http://quoctuan.localhost:{}/", platform.port))
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
    assert!(preview.contains("Bản xem trước"), "{preview}");
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
