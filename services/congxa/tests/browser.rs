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

/// site.mjs gives up by itself after 240 s.
const SITE_TIMEOUT: Duration = Duration::from_secs(300);

#[tokio::test(flavor = "multi_thread")]
async fn every_page_type_is_accessible_fits_a_phone_and_reads_without_javascript() {
    every_page_type_in("default").await;
}

#[tokio::test(flavor = "multi_thread")]
async fn every_page_type_of_the_sen_theme_is_accessible_fits_a_phone_and_reads_without_javascript()
{
    every_page_type_in("sen").await;
}

async fn every_page_type_in(theme: &str) {
    let scripts = Scripts::installed();

    // Arrange: the demo commune, every section filled, in the theme.
    let env = congxa_testing::TestEnv::new().await;
    common::demo_commune(&env, "quoctuan", "Xã Quốc Tuấn").await;
    sqlx::query("UPDATE site_profiles SET theme = $1")
        .bind(theme)
        .execute(&env.admin)
        .await
        .unwrap();
    let items: Vec<String> = sqlx::query_scalar(
        "SELECT DISTINCT ON (s.kind) '/' || s.path || '/' || i.slug
         FROM items i JOIN sections s ON s.id = i.section_id
         WHERE s.kind <> 'schedule' ORDER BY s.kind, i.published_at DESC",
    )
    .fetch_all(&env.admin)
    .await
    .unwrap();
    let question: String =
        sqlx::query_scalar("SELECT '/hoi-dap/' || slug FROM questions WHERE is_public LIMIT 1")
            .fetch_one(&env.admin)
            .await
            .unwrap();
    let platform = Platform::start(&env).await;
    // With a logo, a banner and home blocks of the board's own.
    let mut images = Vec::new();
    for (name, width, height) in [("bieu-trung.png", 256, 256), ("dau-trang.png", 1600, 300)] {
        let png = common::png(width, height);
        let (status, body) = common::upload(&platform, &env, "quoctuan.localhost", png, name).await;
        assert_eq!(status, reqwest::StatusCode::CREATED, "{body}");
        images.push(uuid::Uuid::parse_str(body["id"].as_str().unwrap()).unwrap());
    }
    sqlx::query("UPDATE media_files SET alt_text = 'Cánh đồng lúa xã Quốc Tuấn' WHERE id = $1")
        .bind(images[1])
        .execute(&env.admin)
        .await
        .unwrap();
    sqlx::query("UPDATE site_profiles SET logo_id = $1, banner_id = $2")
        .bind(images[0])
        .bind(images[1])
        .execute(&env.admin)
        .await
        .unwrap();
    sqlx::query(
        "INSERT INTO home_blocks (tenant_id, position, kind, section_id, title, item_count, placement)
         SELECT s.tenant_id, v.position, v.kind, CASE WHEN v.kind = 'section' THEN s.id END, '', v.n, v.placement
         FROM sections s, (VALUES (1, 'featured', 3, 'main'), (2, 'section', 4, 'main'),
                                  (3, 'latest', 6, 'main'), (4, 'section', 3, 'side'),
                                  (5, 'documents', 3, 'side'), (6, 'services', 1, 'side'),
                                  (7, 'portals', 1, 'main')) AS v (position, kind, n, placement)
         WHERE s.path = 'tin-tuc/hdnd-ubnd'",
    )
    .execute(&env.admin)
    .await
    .unwrap();

    // Act: a browser visits every page type.
    let base = format!("http://quoctuan.localhost:{}/", platform.port);
    let mut paths: Vec<String> = [
        "/",
        "/gioi-thieu",
        "/tin-tuc",
        "/tin-tuc/thong-bao",
        "/lich-cong-tac",
        "/van-ban",
        "/van-ban?q=quoc+tuan",
        "/thu-tuc-hanh-chinh",
        "/du-an-dau-thau",
        "/ngan-sach",
        "/tiep-can-thong-tin",
        "/lay-y-kien",
        "/hoi-dap",
        "/hoi-dap/dat-cau-hoi",
        "/hoi-dap/tra-cuu?ma=HD-DEMO0001",
        "/lien-he",
        "/so-do-trang",
        "/tim-kiem?q=duong",
        "404:/khong-co-trang-nay",
    ]
    .iter()
    .map(|p| (*p).to_owned())
    .collect();
    paths.extend(items.iter().cloned());
    paths.extend(items.first().map(|p| format!("{p}?ban-in")));
    paths.push(question);
    let args: Vec<&str> = std::iter::once(base.as_str())
        .chain(paths.iter().map(String::as_str))
        .collect();
    let output = scripts.run("site.mjs", args, &base, SITE_TIMEOUT).await;
    platform.stop().await;

    // Assert: every check passed on every page.
    assert_passed(&base, &output);
}
