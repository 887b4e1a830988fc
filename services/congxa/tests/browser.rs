//! The commune's home page as a person sees it: the whole platform serves it
//! and a real browser (Debian's headless Chromium, driven by
//! tests/browser/home.mjs) looks at it on a computer, on a phone, with
//! JavaScript off, from the keyboard and through axe-core's WCAG 2.1 AA rules.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::Duration;

use common::browser::{Platform, Scripts, assert_passed};

/// home.mjs gives up by itself after 90 s; this is the last resort.
const BROWSER_TIMEOUT: Duration = Duration::from_secs(120);

#[tokio::test(flavor = "multi_thread")]
async fn a_citizen_sees_the_commune_home_page_in_a_real_browser() {
    let scripts = Scripts::installed();

    // Arrange: the whole platform, serving one commune.
    let env = congxa_testing::TestEnv::new().await;
    env.create_tenant("quoctuan", "Xã Quốc Tuấn").await;
    let platform = Platform::start(&env).await;

    // Act: a browser opens the commune's address.
    let url = format!("http://quoctuan.localhost:{}/", platform.port);
    let args = [url.as_str(), "Xã Quốc Tuấn"];
    let output = scripts.run("home.mjs", args, &url, BROWSER_TIMEOUT).await;
    platform.stop().await;

    // Assert: every check passed.
    assert_passed(&url, &output);
}
