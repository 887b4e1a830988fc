//! The operators' console as a person uses it: the whole platform serves it
//! and a real browser (Debian's headless Chromium, driven by
//! tests/browser/console.mjs) signs in, replaces the one-time password,
//! creates a commune and gives it a domain by filling the forms, and checks
//! every kind of console page from the keyboard, on a phone and through
//! axe-core's WCAG 2.1 AA rules.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::Duration;

use common::browser::{Platform, Scripts, assert_passed};
use congxa_tenancy::{operators, regions};

/// console.mjs gives up by itself after 150 s; this is the last resort.
const BROWSER_TIMEOUT: Duration = Duration::from_secs(180);

#[tokio::test(flavor = "multi_thread")]
async fn an_operator_can_use_every_console_page_with_a_keyboard_and_a_screen_reader() {
    let scripts = Scripts::installed();

    // Arrange: the whole platform, a province and one of its operators,
    // who has only a one-time password so far.
    let env = congxa_testing::TestEnv::new().await;
    let mut conn = env.app.acquire().await.unwrap();
    regions::create(&mut conn, "haiphong", "Thành phố Hải Phòng", None)
        .await
        .unwrap();
    let created = operators::create(
        &mut conn,
        "vanhanh@haiphong.gov.vn",
        "Nguyễn Văn Hành",
        Some("haiphong"),
    )
    .await
    .unwrap();
    drop(conn);
    let platform = Platform::start(&env).await;

    // Act: a browser opens the console on the platform domain and goes
    // through every kind of page.
    let url = format!("http://localhost:{}", platform.port);
    let args = [&url, &created.operator.email, &created.one_time_password];
    let output = scripts
        .run("console.mjs", args, &url, BROWSER_TIMEOUT)
        .await;
    platform.stop().await;

    // Assert: every check passed.
    assert_passed(&url, &output);
}
