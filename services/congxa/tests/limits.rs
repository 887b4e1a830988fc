//! What each form may carry, through the gateway as a browser sends it: a
//! long report pasted from Word is saved whole, a text past the editor's
//! 1 MB keeps what was typed and says why, and a body past a form's limit
//! gets a Vietnamese page naming the limit, never the framework's English.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::browser::Platform;
use common::workspace::{Browser, head_of, signed_in_head};
use congxa_testing::TestEnv;
use reqwest::StatusCode;

const HOST: &str = "quoctuan.localhost";

/// A report as Word pastes it: headings, long Vietnamese paragraphs and a
/// table of figures, about `kilobytes` KB of HTML.
fn long_report(kilobytes: usize, last: &str) -> String {
    let mut html = String::new();
    let mut part = 0;
    while html.len() < kilobytes * 1024 {
        part += 1;
        html.push_str(&format!(
            "<h2>Phần {part}. Kết quả thực hiện nhiệm vụ phát triển kinh tế – xã hội</h2>\
             <p>Ủy ban nhân dân xã đã chỉ đạo các thôn, xóm triển khai đồng bộ các giải pháp; \
             tổng thu ngân sách trên địa bàn ước đạt 4.850.000.000 đồng, bằng 112,5% dự toán \
             huyện giao. Công tác cải cách hành chính được đẩy mạnh, tỷ lệ hồ sơ giải quyết \
             đúng hạn đạt 98,7%; người dân được hướng dẫn nộp hồ sơ trực tuyến.</p>\
             <table><tr><th>Chỉ tiêu</th><th>Kế hoạch</th><th>Thực hiện</th><th>Tỷ lệ</th></tr>"
        ));
        for row in 0..12 {
            html.push_str(&format!(
                "<tr><td>Chỉ tiêu số {row} – đường giao thông nông thôn được cứng hóa</td>\
                 <td>1.{row}00 m</td><td>1.{row}50 m</td><td>10{row},5%</td></tr>"
            ));
        }
        html.push_str("</table>");
    }
    html.push_str(&format!("<p>{last}</p>"));
    html
}

async fn new_item(head: &mut Browser, csrf: &str, title: &str, body: &str) -> (StatusCode, String) {
    head.post(
        "/quan-tri/tin-bai/moi",
        &[
            ("csrf", csrf),
            ("section", "tin-tuc/thong-bao"),
            ("title", title),
            ("summary", "Báo cáo tổng kết năm."),
            ("body", body),
        ],
    )
    .await
}

#[tokio::test(flavor = "multi_thread")]
async fn a_long_report_pasted_from_word_is_saved_whole() {
    let env = TestEnv::new().await;
    let password = head_of(&env, "quoctuan", "Xã Quốc Tuấn", "tb@quoctuan.vn").await;
    let platform = Platform::start(&env).await;
    let mut head = signed_in_head(&platform, HOST, &password).await;
    let (_, page) = head.get("/quan-tri/tin-bai/moi").await;
    let csrf = common::workspace::field(&page, "csrf");
    let body = long_report(600, "Đoạn cuối cùng của báo cáo tổng kết.");

    let (status, to) = new_item(&mut head, &csrf, "Báo cáo tổng kết năm 2026", &body).await;

    assert_eq!(
        status,
        StatusCode::SEE_OTHER,
        "{}",
        &to[..to.len().min(2000)]
    );
    let stored: String = sqlx::query_scalar("SELECT body FROM items WHERE title = $1")
        .bind("Báo cáo tổng kết năm 2026")
        .fetch_one(&env.admin)
        .await
        .unwrap();
    assert!(stored.len() > 600 * 1024, "{}", stored.len());
    assert!(stored.contains("Đoạn cuối cùng của báo cáo tổng kết."));
    assert!(stored.contains("<table>") && stored.contains("<th>Thực hiện</th>"));
    platform.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_text_past_one_megabyte_keeps_what_was_typed_and_says_why() {
    let env = TestEnv::new().await;
    let password = head_of(&env, "quoctuan", "Xã Quốc Tuấn", "tb@quoctuan.vn").await;
    let platform = Platform::start(&env).await;
    let mut head = signed_in_head(&platform, HOST, &password).await;
    let (_, page) = head.get("/quan-tri/tin-bai/moi").await;
    let csrf = common::workspace::field(&page, "csrf");
    let body = long_report(1100, "Đoạn cuối vẫn còn nguyên.");

    let (status, page) = new_item(&mut head, &csrf, "Báo cáo quá dài", &body).await;

    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("Nội dung dài quá 1 MB."));
    assert!(page.contains("Đoạn cuối vẫn còn nguyên."));
    assert!(page.contains("Báo cáo quá dài"));
    platform.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_form_past_its_limit_gets_a_vietnamese_page_naming_the_limit() {
    let env = TestEnv::new().await;
    let password = head_of(&env, "quoctuan", "Xã Quốc Tuấn", "tb@quoctuan.vn").await;
    let platform = Platform::start(&env).await;
    let mut head = signed_in_head(&platform, HOST, &password).await;
    let (_, page) = head.get("/quan-tri/cai-dat").await;
    let csrf = common::workspace::field(&page, "csrf");

    // The site's particulars are short: 256 KB is far above them.
    let long = "Ủy ban nhân dân xã ".repeat(20_000);
    let (status, page) = head
        .post("/quan-tri/cai-dat", &[("csrf", &csrf), ("agency", &long)])
        .await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(page.contains("Nội dung gửi lên quá lớn"), "{page}");
    assert!(page.contains("256 KB"));
    assert!(!page.contains("length limit"));

    // Past the largest form of the workspace, the gateway refuses itself.
    let (status, page) = new_item(&mut head, &csrf, "Quá lớn", &"a".repeat(5 * 1024 * 1024)).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(page.contains("quá lớn"), "{page}");

    // The framework's own refusals are Vietnamese pages too.
    let (status, page) = head.post("/quan-tri/tin-bai", &[("csrf", &csrf)]).await;
    assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED);
    assert!(page.contains("Thao tác không được hỗ trợ"), "{page}");

    // And the workspace still works for the head.
    let (status, _) = head.get("/quan-tri").await;
    assert_eq!(status, StatusCode::OK);
    platform.stop().await;
}
