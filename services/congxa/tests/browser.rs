//! The commune's home page as a person sees it: the whole platform serves it
//! and a real browser (Debian's headless Chromium, driven by
//! tests/browser/home.mjs) looks at it on a computer, on a phone, with
//! JavaScript off, from the keyboard and through axe-core's WCAG 2.1 AA rules.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;
use std::process::Stdio;
use std::time::Duration;

use congxa_web::Shutdown;
use tokio::process::Command;

const WORKSPACE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../..");

/// home.mjs gives up by itself after 90 s; this is the last resort.
const BROWSER_TIMEOUT: Duration = Duration::from_secs(120);

#[tokio::test(flavor = "multi_thread")]
async fn a_citizen_sees_the_commune_home_page_in_a_real_browser() {
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

    // Arrange: the whole platform, serving one commune.
    let env = congxa_testing::TestEnv::new().await;
    env.create_tenant("quoctuan", "Xã Quốc Tuấn").await;
    let listeners = congxa::Listeners::bind(&env.config).await.unwrap();
    let port = listeners.gateway.local_addr().unwrap().port();
    let shutdown = Shutdown::new();
    let server = tokio::spawn(congxa::serve_all(
        env.config.clone(),
        listeners,
        shutdown.clone(),
    ));

    // Act: a browser opens the commune's address.
    let url = format!("http://quoctuan.localhost:{port}/");
    let checks = Command::new("node")
        .arg(browser_tests.join("home.mjs"))
        .arg(&url)
        .arg("Xã Quốc Tuấn")
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
