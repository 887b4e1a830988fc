//! The operators' console as a person uses it: the whole platform serves it
//! and a real browser (Debian's headless Chromium, driven by
//! tests/browser/console.mjs) signs in, replaces the one-time password,
//! creates a commune and gives it a domain by filling the forms, and checks
//! every kind of console page from the keyboard, on a phone and through
//! axe-core's WCAG 2.1 AA rules.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;
use std::process::Stdio;
use std::time::Duration;

use congxa_tenancy::{operators, regions};
use congxa_web::Shutdown;
use tokio::process::Command;

const WORKSPACE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../..");

/// console.mjs gives up by itself after 150 s; this is the last resort.
const BROWSER_TIMEOUT: Duration = Duration::from_secs(180);

#[tokio::test(flavor = "multi_thread")]
async fn an_operator_can_use_every_console_page_with_a_keyboard_and_a_screen_reader() {
    let workspace = Path::new(WORKSPACE).canonicalize().unwrap();
    let browser_tests = workspace.join("tests/browser");
    assert!(
        browser_tests
            .join("node_modules/playwright-core/package.json")
            .is_file()
            && browser_tests
                .join("node_modules/axe-core/axe.min.js")
                .is_file(),
        "the browser test's packages are not installed in {}/node_modules: run `make test` \
         (it runs tests/browser/setup, which installs them and Chromium)",
        browser_tests.display()
    );

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
    let listeners = congxa::Listeners::bind(&env.config).await.unwrap();
    let port = listeners.gateway.local_addr().unwrap().port();
    let shutdown = Shutdown::new();
    let server = tokio::spawn(congxa::serve_all(
        env.config.clone(),
        listeners,
        shutdown.clone(),
    ));

    // Act: a browser opens the console on the platform domain and goes
    // through every kind of page.
    let url = format!("http://localhost:{port}");
    let checks = Command::new("node")
        .arg(browser_tests.join("console.mjs"))
        .arg(&url)
        .arg(&created.operator.email)
        .arg(&created.one_time_password)
        .current_dir(&workspace)
        .stdin(Stdio::null())
        .kill_on_drop(true)
        .output();
    let output = tokio::time::timeout(BROWSER_TIMEOUT, checks)
        .await
        .unwrap_or_else(|_| {
            panic!("the browser checks of {url} did not finish within {BROWSER_TIMEOUT:?}")
        })
        .expect("run `node`: Node.js 20 or later must be installed");

    shutdown.trigger();
    server.await.unwrap().unwrap();

    // Assert: every check passed.
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    println!("{stdout}");
    assert!(
        output.status.success(),
        "the browser checks of {url} failed ({}):\n{stdout}\n{stderr}",
        output.status
    );
}
