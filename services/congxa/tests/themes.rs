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
    page_at(platform, host, "/").await
}

/// A commune's page from the gateway, with whether it came from the page
/// cache (`x-cache`).
async fn page_at(platform: &Platform, host: &str, path: &str) -> (String, String) {
    let gateway = std::net::SocketAddr::from(([127, 0, 0, 1], platform.port));
    let client = reqwest::Client::builder()
        .resolve(host, gateway)
        .build()
        .unwrap();
    let response = client
        .get(format!("http://{host}:{}{path}", platform.port))
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
    let mut head =
        common::workspace::signed_in_head(&platform, "quoctuan.localhost", &password).await;
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
    let mut head =
        common::workspace::signed_in_head(&platform, "quoctuan.localhost", &password).await;
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

    // Any page type previews on a page of its own type; a path that is not
    // a public page is refused. Nothing is kept.
    let (_, section_editor) = head.get("/quan-tri/giao-dien/mau/section.html").await;
    let at = field(&section_editor, "xem_tai").replace("&#x2f;", "/");
    assert_eq!(at, "/tin-tuc");
    let listing = home_with("<p>Mẫu chuyên mục của xã</p>");
    let section_path = "/quan-tri/giao-dien/mau/section.html";
    let preview = |at: &'static str| {
        let (csrf, listing) = (csrf.clone(), listing.clone());
        vec![
            ("csrf", csrf),
            ("thao_tac", "xem-truoc".to_owned()),
            ("source", listing),
            ("xem_tai", at.to_owned()),
        ]
    };
    let (status, page) =
        common::workspace::post_form(&mut head, section_path, &preview("/tin-tuc")).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert!(
        page.contains("Mẫu chuyên mục của xã") && page.contains("chưa được lưu"),
        "{page}"
    );
    let (status, page) = common::workspace::post_form(&mut head, section_path, &preview("/")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        !page.contains("Mẫu chuyên mục của xã"),
        "the home page does not use it"
    );
    let (status, page) =
        common::workspace::post_form(&mut head, section_path, &preview("/quan-tri/giao-dien"))
            .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        page.contains("không phải đường dẫn của một trang công khai"),
        "{page}"
    );
    assert_eq!(kept().await, 0);

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
    // What a version changed, line by line, beside the one before it.
    let (_, compared) = head.get(&format!("{path}?so-sanh=2")).await;
    let changes = between(&compared, r#"<pre class="diff">"#, "</pre>");
    assert!(
        compared.contains("Phiên bản 2 so với phiên bản 1"),
        "{compared}"
    );
    assert!(
        changes.contains(WELCOME) && changes.contains("range(100000)"),
        "{changes}"
    );
    assert!(
        in_order(changes, &["<del>", WELCOME, "<ins>", "range(100000)"]),
        "{changes}"
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

/// The id of a commune's section.
async fn section_id(env: &TestEnv, slug: &str, path: &str) -> String {
    sqlx::query_scalar::<_, uuid::Uuid>(
        "SELECT s.id FROM sections s JOIN tenants t ON t.id = s.tenant_id
         WHERE t.slug = $1 AND s.path = $2",
    )
    .bind(slug)
    .bind(path)
    .fetch_one(&env.admin)
    .await
    .unwrap()
    .to_string()
}

/// A menu form: `rows` of (label, leads to, address) and the button.
fn menu_form(csrf: &str, action: &str, rows: &[(&str, &str, &str)]) -> Vec<(String, String)> {
    let mut form = vec![
        ("csrf".to_owned(), csrf.to_owned()),
        ("thao_tac".to_owned(), action.to_owned()),
        ("so_dong".to_owned(), rows.len().to_string()),
    ];
    for (i, (label, target, address)) in rows.iter().enumerate() {
        form.push((format!("ten_{i}"), (*label).to_owned()));
        form.push((format!("dich_{i}"), (*target).to_owned()));
        form.push((format!("dia_chi_{i}"), (*address).to_owned()));
    }
    form
}

/// A home blocks form: `rows` of (content, count, column, own heading).
fn blocks_form(
    csrf: &str,
    action: &str,
    rows: &[(&str, &str, &str, &str)],
) -> Vec<(String, String)> {
    let mut form = vec![
        ("csrf".to_owned(), csrf.to_owned()),
        ("thao_tac".to_owned(), action.to_owned()),
        ("so_dong".to_owned(), rows.len().to_string()),
    ];
    for (i, (what, count, column, title)) in rows.iter().enumerate() {
        form.push((format!("loai_{i}"), (*what).to_owned()));
        form.push((format!("so_{i}"), (*count).to_owned()));
        form.push((format!("cot_{i}"), (*column).to_owned()));
        form.push((format!("tieu_de_{i}"), (*title).to_owned()));
    }
    form
}

async fn post_pairs(
    head: &mut Browser,
    path: &str,
    form: &[(String, String)],
) -> (StatusCode, String) {
    let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    head.post(path, &pairs).await
}

/// The part of a page inside the element that starts at `start`, up to the
/// next `end`.
fn between<'a>(page: &'a str, start: &str, end: &str) -> &'a str {
    let from = page
        .find(start)
        .unwrap_or_else(|| panic!("no {start} in {page}"));
    let rest = &page[from..];
    &rest[..rest.find(end).unwrap_or(rest.len())]
}

fn in_order(text: &str, parts: &[&str]) -> bool {
    let at: Vec<Option<usize>> = parts.iter().map(|p| text.find(p)).collect();
    at.iter().all(Option::is_some) && at.windows(2).all(|w| w[0] < w[1])
}

#[tokio::test(flavor = "multi_thread")]
async fn the_boards_logo_banner_menu_and_home_blocks_are_previewed_then_applied_to_its_site_alone()
{
    let env = TestEnv::new().await;
    let password = head_of(&env, "quoctuan", "Xã Quốc Tuấn", "tb@quoctuan.vn").await;
    common::create_tenant(&env, "anhung", "Xã An Hưng", &[])
        .await
        .assert_ok();
    let quoctuan: uuid::Uuid = sqlx::query_scalar("SELECT id FROM tenants WHERE slug = 'quoctuan'")
        .fetch_one(&env.admin)
        .await
        .unwrap();
    let mut tx = env.admin.begin().await.unwrap();
    congxa::demo::seed(&mut tx, &congxa_storage::Store::new(&env.config), quoctuan)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let platform = Platform::start(&env).await;
    let mut head =
        common::workspace::signed_in_head(&platform, "quoctuan.localhost", &password).await;
    let anhung_before = home_of(&platform, "anhung.localhost").await;

    // The logo and banner: images of the commune's own library.
    let image = |name: &str, w: u32, h: u32| {
        let (platform, env, name) = (&platform, &env, name.to_owned());
        async move {
            let (status, body) = common::upload(
                platform,
                env,
                "quoctuan.localhost",
                common::png(w, h),
                &name,
            )
            .await;
            assert_eq!(status, StatusCode::CREATED, "{body}");
            body["id"].as_str().unwrap().to_owned()
        }
    };
    let logo = image("bieu-trung.png", 256, 256).await;
    let banner = image("dau-trang.png", 1600, 300).await;
    sqlx::query(
        "UPDATE media_files SET alt_text = 'Cánh đồng lúa xã Quốc Tuấn' WHERE id = $1::uuid",
    )
    .bind(&banner)
    .execute(&env.admin)
    .await
    .unwrap();
    let (status, body) = common::upload(
        &platform,
        &env,
        "anhung.localhost",
        common::png(64, 64),
        "la.png",
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);
    let strangers = body["id"].as_str().unwrap().to_owned();

    let (_, page) = head.get("/quan-tri/giao-dien").await;
    let csrf = field(&page, "csrf");
    assert!(page.contains(&logo) && page.contains(&banner), "{page}");
    assert!(!page.contains(&strangers));
    let look_with = |logo: &str, banner: &str| {
        vec![
            ("csrf".to_owned(), csrf.clone()),
            ("theme".to_owned(), "default".to_owned()),
            ("font".to_owned(), "he-thong".to_owned()),
            ("header_text".to_owned(), String::new()),
            ("footer_text".to_owned(), String::new()),
            ("logo".to_owned(), logo.to_owned()),
            ("banner".to_owned(), banner.to_owned()),
        ]
    };
    // Another commune's image is not this one's to use.
    let (status, refused) =
        post_pairs(&mut head, "/quan-tri/giao-dien", &look_with(&strangers, "")).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused.contains("không có trong thư viện ảnh của xã"),
        "{refused}"
    );
    let (status, refused) = post_pairs(
        &mut head,
        "/quan-tri/giao-dien/xem-truoc",
        &look_with(&strangers, ""),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{refused}");
    let (status, _) =
        post_pairs(&mut head, "/quan-tri/giao-dien", &look_with(&logo, &banner)).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let home = home_when(&platform, "quoctuan.localhost", &logo, true).await;
    let brand = between(&home, r#"<a class="brand""#, "</a>");
    assert!(
        brand.contains(&format!(
            r#"<img class="logo" src="&#x2f;tep&#x2f;{logo}&#x2f;"#
        )) && brand.contains(r#"alt="""#)
            && brand.contains("Xã Quốc Tuấn")
            && !brand.contains("<svg"),
        "{brand}"
    );
    let shown = between(&home, r#"<div class="site-banner">"#, "</div>");
    assert!(
        shown.contains(&banner)
            && shown.contains(r#"alt="Cánh đồng lúa xã Quốc Tuấn""#)
            && shown.contains("srcset=")
            && shown.contains(r#"width="1600" height="300""#),
        "{shown}"
    );

    // The library keeps the logo while the site shows it.
    let (status, refused) = head
        .post(
            &format!("/quan-tri/tep/{logo}"),
            &[("csrf", &csrf), ("thao_tac", "xoa")],
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{refused}");
    assert!(
        refused.contains("Ảnh đang là biểu trưng của trang"),
        "{refused}"
    );

    // The menu: entries edited in the form keep nothing until saved.
    let (status, page) = head.get("/quan-tri/giao-dien/trinh-don").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("trình đơn mặc định"), "{page}");
    let intro = format!("muc:{}", section_id(&env, "quoctuan", "gioi-thieu").await);
    let hostile_label = "<script>alert('menu')</script>Lịch";
    let rows = [
        ("Về xã", intro.as_str(), ""),
        (hostile_label, "dia-chi", "/lich-cong-tac"),
        (
            "Dịch vụ công",
            "dia-chi",
            "https://dichvucong.haiphong.gov.vn",
        ),
    ];
    let (status, moved) = post_pairs(
        &mut head,
        "/quan-tri/giao-dien/trinh-don",
        &menu_form(&csrf, "len-1", &rows),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(in_order(&moved, &["&lt;script&gt;", "Về xã"]), "{moved}");
    assert!(moved.contains("Chưa lưu"));
    let stored = || async {
        sqlx::query_scalar::<_, i64>("SELECT count(*) FROM menu_entries")
            .fetch_one(&env.admin)
            .await
            .unwrap()
    };
    assert_eq!(stored().await, 0);
    // Without the online public services, with a script for an address, or
    // with another commune's section: refused, nothing kept.
    let anhung_intro = format!("muc:{}", section_id(&env, "anhung", "gioi-thieu").await);
    for (bad, says) in [
        (menu_form(&csrf, "luu", &rows[..2]), "Cổng Dịch vụ công"),
        (
            menu_form(
                &csrf,
                "luu",
                &[rows[0], ("X", "dia-chi", "javascript:alert(1)"), rows[2]],
            ),
            "không dùng được",
        ),
        (
            menu_form(
                &csrf,
                "luu",
                &[("Lạ", anhung_intro.as_str(), ""), rows[0], rows[2]],
            ),
            "không có trên trang của xã",
        ),
    ] {
        let (status, page) = post_pairs(&mut head, "/quan-tri/giao-dien/trinh-don", &bad).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(page.contains(says), "{says}: {page}");
    }
    assert_eq!(stored().await, 0);
    // The preview shows the menu on the home page; nothing kept yet.
    let (status, preview) = post_pairs(
        &mut head,
        "/quan-tri/giao-dien/trinh-don",
        &menu_form(&csrf, "xem-truoc", &rows),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{preview}");
    assert!(preview.contains("trình đơn này chưa được lưu"), "{preview}");
    let nav = between(&preview, r#"<nav class="main""#, "</nav>");
    assert!(
        in_order(
            nav,
            &["Trang chủ", "Về xã", "Lịch", "Dịch vụ công", "Sơ đồ trang"]
        ),
        "{nav}"
    );
    assert_eq!(stored().await, 0);
    let (status, _) = post_pairs(
        &mut head,
        "/quan-tri/giao-dien/trinh-don",
        &menu_form(&csrf, "luu", &rows),
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(stored().await, 3);
    let home = home_when(&platform, "quoctuan.localhost", "Về xã", true).await;
    let nav = between(&home, r#"<nav class="main""#, "</nav>");
    assert!(
        nav.contains(r#"href="&#x2f;gioi-thieu">Về xã</a>"#),
        "{nav}"
    );
    assert!(
        nav.contains("&lt;script&gt;alert(") && !nav.contains("<script>"),
        "{nav}"
    );
    assert!(!nav.contains("Tin tức - Sự kiện"), "{nav}");

    // The home page's blocks: a section's two newest items in the main
    // column, one document beside; the latest news repeats neither.
    let news = format!(
        "muc:{}",
        section_id(&env, "quoctuan", "tin-tuc/hdnd-ubnd").await
    );
    let blocks = [
        (news.as_str(), "2", "main", "Tin Hội đồng và Ủy ban"),
        ("latest", "4", "main", ""),
        ("documents", "1", "side", ""),
    ];
    let (status, refused) = post_pairs(
        &mut head,
        "/quan-tri/giao-dien/trang-chu",
        &blocks_form(&csrf, "luu", &[(news.as_str(), "50", "main", "")]),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.contains("từ 1 đến 20"), "{refused}");
    // A page other than the home page, kept by the gateway.
    page_at(&platform, "quoctuan.localhost", "/tin-tuc").await;
    let (cache, _) = page_at(&platform, "quoctuan.localhost", "/tin-tuc").await;
    assert_eq!(cache, "hit");
    let (status, preview) = post_pairs(
        &mut head,
        "/quan-tri/giao-dien/trang-chu",
        &blocks_form(&csrf, "xem-truoc", &blocks),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{preview}");
    assert!(preview.contains("bố cục trang chủ này chưa được lưu"));
    let (status, _) = post_pairs(
        &mut head,
        "/quan-tri/giao-dien/trang-chu",
        &blocks_form(&csrf, "luu", &blocks),
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let home = home_when(
        &platform,
        "quoctuan.localhost",
        "Tin Hội đồng và Ủy ban",
        true,
    )
    .await;
    let main = between(&home, "<main", "</main>");
    let section = between(main, r#"aria-labelledby="chuyen-muc""#, "</section>");
    assert_eq!(
        section
            .matches(r#"<a href="&#x2f;tin-tuc&#x2f;hdnd-ubnd&#x2f;"#)
            .count(),
        2,
        "{section}"
    );
    let latest = between(main, r#"aria-labelledby="tin-moi""#, "</section>");
    assert_eq!(latest.matches("<h3>").count(), 4, "{latest}");
    let shown_twice = section
        .split(r#"<a href=""#)
        .skip(1)
        .filter_map(|a| a.split('"').next())
        .filter(|href| href.contains("hdnd-ubnd") && latest.contains(href))
        .count();
    assert_eq!(shown_twice, 0, "{latest}");
    // The blocks are the home page's: the other pages stay in the cache.
    let (cache, _) = page_at(&platform, "quoctuan.localhost", "/tin-tuc").await;
    assert_eq!(cache, "hit");
    let side = between(main, r#"aria-labelledby="van-ban-moi""#, "</section>");
    assert_eq!(side.matches("<li>").count(), 1, "{side}");
    assert!(!main.contains("Tin nổi bật") && !main.contains(r#"id="lien-ket""#));

    // Every change went to the log, and the other commune saw none of it.
    let actions = common::audit_actions(&env).await;
    for action in ["site.look.save", "site.menu.save", "site.home.save"] {
        assert!(
            actions.contains(&action.to_owned()),
            "{action}: {actions:?}"
        );
    }
    assert_eq!(home_of(&platform, "anhung.localhost").await, anhung_before);

    // The default menu and home page come back.
    let (status, _) = post_pairs(
        &mut head,
        "/quan-tri/giao-dien/trinh-don",
        &menu_form(&csrf, "mac-dinh", &[]),
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (status, _) = post_pairs(
        &mut head,
        "/quan-tri/giao-dien/trang-chu",
        &blocks_form(&csrf, "mac-dinh", &[]),
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let home = home_when(
        &platform,
        "quoctuan.localhost",
        "Tin Hội đồng và Ủy ban",
        false,
    )
    .await;
    assert!(
        home.contains("Tin tức - Sự kiện") && !home.contains("Về xã"),
        "{home}"
    );

    platform.stop().await;
}
