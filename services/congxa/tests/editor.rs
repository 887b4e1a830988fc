//! The item editor's rich text in a real browser (tests/browser/editor.mjs):
//! a head signs in, uploads a photo to the commune's library, writes an item
//! with the toolbar, the image dialog and a paste from Word, and saves it;
//! what reaches the database is checked here.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::Duration;

use common::browser::Platform;
use common::workspace::Browser;
use congxa_testing::TestEnv;
use reqwest::StatusCode;

const HOST: &str = "quoctuan.localhost";
const TITLE: &str = "Lịch tiếp công dân của Chủ tịch UBND xã tháng 12";
const IMAGE: &str = "Ảnh tiếp dân.png";
const ALT: &str = "Chủ tịch xã tiếp công dân tại trụ sở UBND";

#[tokio::test(flavor = "multi_thread")]
async fn a_board_member_writes_an_item_with_the_rich_text_editor_and_it_is_saved_clean() {
    // Arrange: a commune, its head signed in, a photo in its library.
    let scripts = common::browser::Scripts::installed();
    let env = TestEnv::new().await;
    common::demo_commune(&env, "quoctuan", "Xã Quốc Tuấn").await;
    let head = common::congxa(
        &env,
        &[
            "user",
            "create",
            "--tenant",
            "quoctuan",
            "--email",
            "tb@quoctuan.vn",
            "--name",
            "Lê Thị Thu Hà",
            "--role",
            "head",
            "--json",
        ],
    )
    .await;
    let password = head.json()["one_time_password"]
        .as_str()
        .unwrap()
        .to_owned();
    let platform = Platform::start(&env).await;
    let mut browser = Browser::new(&platform, HOST);
    let csrf = browser
        .sign_in(
            "tb@quoctuan.vn",
            &password,
            "câu mật khẩu mới của trưởng ban",
        )
        .await;
    let part = reqwest::multipart::Part::bytes(common::png(48, 32))
        .file_name(IMAGE)
        .mime_str("image/png")
        .unwrap();
    let uploaded = browser
        .http
        .post(format!("http://{HOST}:{}/api/tep", browser.port))
        .header("cookie", browser.cookie_header())
        .header("x-csrf-token", &csrf)
        .multipart(reqwest::multipart::Form::new().part("file", part))
        .send()
        .await
        .unwrap();
    assert_eq!(uploaded.status(), StatusCode::CREATED);
    let session = format!("congxa_quan_tri={}", browser.cookies["congxa_quan_tri"]);

    // Act: the whole scenario in Chromium, ending with the form saved.
    let base = format!("http://{HOST}:{}/", platform.port);
    let output = scripts
        .run_with(
            "editor.mjs",
            [base.as_str(), TITLE, IMAGE, ALT],
            &[("SITE_COOKIE", &session)],
            &base,
            Duration::from_secs(240),
        )
        .await;
    platform.stop().await;
    common::browser::assert_passed(&base, &output);

    // Assert: the saved body has the structure, and nothing of Word's.
    let body: String = sqlx::query_scalar("SELECT body FROM items WHERE title = $1")
        .bind(TITLE)
        .fetch_one(&env.admin)
        .await
        .unwrap();
    for wanted in [
        "<h2>Lịch tiếp công dân tháng 12</h2>",
        "<strong>Thời gian:</strong>",
        "<ul>",
        "<li>",
        "<table>",
        "<th scope=\"col\">",
        "<a href=\"/thu-tuc-hanh-chinh\"",
        ">Xem thủ tục</a>",
        "<a href=\"https://dichvucong.gov.vn/\"",
        "Mục Word hai",
    ] {
        assert!(
            body.contains(wanted),
            "no {wanted} in the saved body: {body}"
        );
    }
    let image = format!("alt=\"{ALT}\"");
    let img = body
        .split("<img ")
        .nth(1)
        .unwrap_or_else(|| panic!("no image in the saved body: {body}"));
    let img = img.split('>').next().unwrap();
    assert!(
        img.contains("src=\"/tep/") && img.contains(&image),
        "the image lost its address or description: <img {img}>"
    );
    for unwanted in [
        "mso", "Mso", "style=", "class=", "lang=", "o:p", "<font", "·",
    ] {
        assert!(
            !body.contains(unwanted),
            "{unwanted} is left in the saved body: {body}"
        );
    }

    // The long report pasted from Word came through whole, as a table.
    let long: String = sqlx::query_scalar("SELECT body FROM items WHERE title = $1")
        .bind(format!("{TITLE} (bản dài)"))
        .fetch_one(&env.admin)
        .await
        .unwrap();
    assert!(long.len() > 300 * 1024, "{} bytes", long.len());
    assert!(long.contains("Hết báo cáo dài.") && long.contains("<table>"));
    assert!(!long.contains("Mso") && !long.contains("style="));
}
