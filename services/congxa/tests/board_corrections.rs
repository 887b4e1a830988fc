//! What the board does with items after starting them, and with the site
//! around them, through the gateway: correcting an item's own fields (a
//! published one's show at once; a stale form is refused, nothing lost),
//! previewing an unpublished item in the commune's own theme, the
//! access-to-information list's form, and the links to state portals.
//! Another commune's ids reach nothing.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::browser::Platform;
use common::count;
use common::workspace::{Browser, field, head_of, post_form, public_path, publish};
use congxa_testing::TestEnv;
use reqwest::StatusCode;

const HOST: &str = "quoctuan.localhost";
const NEIGHBOUR: &str = "anhung.localhost";

/// Provisions Quốc Tuấn and An Hưng and signs both heads in.
async fn two_heads(env: &TestEnv, platform: &Platform) -> ((Browser, String), (Browser, String)) {
    let mut signed_in = Vec::new();
    for (slug, name, host) in [
        ("quoctuan", "Xã Quốc Tuấn", HOST),
        ("anhung", "Xã An Hưng", NEIGHBOUR),
    ] {
        let email = format!("tb@{slug}.vn");
        let password = head_of(env, slug, name, &email).await;
        let mut head = Browser::new(platform, host);
        let csrf = head
            .sign_in(&email, &password, "một câu dài dễ nhớ của trưởng ban")
            .await;
        signed_in.push((head, csrf));
    }
    let neighbour = signed_in.pop().unwrap();
    (signed_in.pop().unwrap(), neighbour)
}

fn id_of(created: &str) -> String {
    created
        .trim_start_matches("/quan-tri/tin-bai/")
        .split('?')
        .next()
        .unwrap()
        .to_owned()
}

#[tokio::test(flavor = "multi_thread")]
async fn an_access_to_information_entry_is_listed_and_its_fields_corrected_after_publishing() {
    let env = TestEnv::new().await;
    let platform = Platform::start(&env).await;
    let ((mut head, csrf), (mut neighbour, _)) = two_heads(&env, &platform).await;
    let entry = |form: &str, day: &str| {
        vec![
            ("csrf", csrf.clone()),
            (
                "title",
                "Kế hoạch phát triển kinh tế - xã hội năm 2027".to_owned(),
            ),
            ("number_symbol", "85/KH-UBND".to_owned()),
            ("issued_on", day.to_owned()),
            ("publication_form", form.to_owned()),
            ("publication_time", "Từ 25/11/2026, thường xuyên".to_owned()),
        ]
    };
    for (form, day, refusal) in [
        ("", "20/11/2026", "Mời nhập hình thức công khai."),
        (
            "Niêm yết tại trụ sở",
            "31/11/2026",
            "Ngày ban hành không đúng dạng ngày",
        ),
    ] {
        let (status, page) = post_form(
            &mut head,
            "/quan-tri/tiep-can-thong-tin/moi",
            &entry(form, day),
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{page}");
        assert!(page.contains(refusal), "{page}");
        assert!(
            page.contains("Từ 25&#x2f;11&#x2f;2026"),
            "what was typed stays"
        );
    }
    assert_eq!(
        count(&env, "SELECT count(*) FROM access_info_entries").await,
        0
    );

    let (status, to) = post_form(
        &mut head,
        "/quan-tri/tiep-can-thong-tin/moi",
        &entry("Đăng trên trang thông tin điện tử", "20/11/2026"),
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{to}");
    let id = publish(&mut head, &csrf, &to).await;
    let path = public_path(&env, &id).await;
    let (status, public) = head.get(&path).await;
    assert_eq!(status, StatusCode::OK);
    assert!(public.contains("85&#x2f;KH-UBND"), "{public}");

    // The head corrects the published entry's number: it shows at once.
    let form_path = format!("/quan-tri/tin-bai/{id}/thong-tin");
    let (status, form) = head.get(&form_path).await;
    assert_eq!(status, StatusCode::OK, "{form}");
    assert!(
        form.contains("85&#x2f;KH-UBND"),
        "the stored fields fill the form"
    );
    let version = field(&form, "version");
    let correction = |number: &str, version: &str| {
        vec![
            ("csrf", csrf.clone()),
            ("version", version.to_owned()),
            ("number_symbol", number.to_owned()),
            ("issued_on", "20/11/2026".to_owned()),
            (
                "publication_form",
                "Đăng trên trang thông tin điện tử".to_owned(),
            ),
            ("publication_time", "Từ 25/11/2026, thường xuyên".to_owned()),
        ]
    };
    let (status, to) = post_form(&mut head, &form_path, &correction("86/KH-UBND", &version)).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{to}");
    let (_, public) = head.get(&path).await;
    assert!(public.contains("86&#x2f;KH-UBND") && !public.contains("85&#x2f;KH-UBND"));

    // A form opened before that save is refused, and changes nothing.
    let (status, page) =
        post_form(&mut head, &form_path, &correction("87/KH-UBND", &version)).await;
    assert_eq!(status, StatusCode::CONFLICT, "{page}");
    assert!(page.contains("đã được người khác sửa"), "{page}");
    assert!(page.contains("87&#x2f;KH-UBND"), "what was typed stays");
    assert_eq!(
        count(
            &env,
            "SELECT count(*) FROM access_info_entries WHERE number_symbol = '86/KH-UBND'"
        )
        .await,
        1
    );
    assert!(
        count(
            &env,
            "SELECT count(*) FROM operator_audit WHERE action = 'item.fields.correct'"
        )
        .await
            == 1,
        "the correction is in the log"
    );

    // The neighbouring commune's head reaches nothing of it.
    let (status, _) = neighbour.get(&form_path).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = neighbour
        .get(&format!("/quan-tri/tin-bai/{id}/xem-truoc"))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    platform.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_weeks_schedule_keeps_every_line_and_is_corrected_as_plans_change() {
    let env = TestEnv::new().await;
    let platform = Platform::start(&env).await;
    let ((mut head, csrf), _) = two_heads(&env, &platform).await;
    // Ten engagements: more lines than a form body's first fifty fields.
    let mut week = vec![("csrf", csrf.clone()), ("tuan", "30/11/2026".to_owned())];
    let names: Vec<[String; 4]> = (0..10)
        .map(|i| ["ngay", "gio", "chu-tri", "noi-dung"].map(|f| format!("{f}-{i}")))
        .collect();
    for (i, [day, hour, leader, content]) in names.iter().enumerate() {
        week.push((day, format!("{:02}/12/2026", 1 + i % 5)));
        week.push((hour, format!("{:02}:00", 7 + i)));
        week.push((leader, "Đ/c Nguyễn Văn An, Chủ tịch UBND xã".to_owned()));
        week.push((content, format!("Việc số {}", i + 1)));
    }
    let (status, to) = post_form(&mut head, "/quan-tri/lich-cong-tac/moi", &week).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{to}");
    assert_eq!(
        count(&env, "SELECT count(*) FROM schedule_entries").await,
        10
    );
    let id = id_of(&to);

    let form_path = format!("/quan-tri/tin-bai/{id}/thong-tin");
    let (status, form) = head.get(&form_path).await;
    assert_eq!(status, StatusCode::OK);
    assert!(form.contains("Việc số 10"), "{form}");
    let mut corrected: Vec<(&str, String)> = vec![
        ("csrf", csrf.clone()),
        ("version", field(&form, "version")),
        ("ngay-0", "02/12/2026".to_owned()),
        ("gio-0", "08:00".to_owned()),
        ("chu-tri-0", "Đ/c Trần Thị Bình, Phó Chủ tịch".to_owned()),
        ("noi-dung-0", "Tiếp công dân định kỳ".to_owned()),
    ];
    // A line outside the week is refused; nothing changes.
    corrected.push(("ngay-1", "09/12/2026".to_owned()));
    corrected.push(("gio-1", "09:00".to_owned()));
    corrected.push(("chu-tri-1", "Đ/c Trần Thị Bình".to_owned()));
    corrected.push(("noi-dung-1", "Họp thôn".to_owned()));
    let (status, page) = post_form(&mut head, &form_path, &corrected).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{page}");
    assert!(page.contains("không thuộc tuần"), "{page}");
    assert_eq!(
        count(&env, "SELECT count(*) FROM schedule_entries").await,
        10
    );

    corrected.truncate(6);
    let (status, to) = post_form(&mut head, &form_path, &corrected).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{to}");
    publish(&mut head, &csrf, &to).await;
    let (_, public) = head.get("/lich-cong-tac?tuan=2026-11-30").await;
    assert!(public.contains("Tiếp công dân định kỳ"), "{public}");
    assert!(!public.contains("Việc số 1<"), "the old lines are gone");
    platform.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_draft_is_previewed_in_the_communes_theme_and_stays_private() {
    let env = TestEnv::new().await;
    let platform = Platform::start(&env).await;
    let ((mut head, csrf), (mut neighbour, _)) = two_heads(&env, &platform).await;
    let (status, to) = head
        .post(
            "/quan-tri/tin-bai/moi",
            &[
                ("csrf", &csrf),
                ("section", "tin-tuc/thong-bao"),
                ("title", "Lịch tiêm phòng dại cho chó, mèo"),
                ("summary", "Tiêm miễn phí tại nhà văn hóa các thôn."),
                ("body", "<p>Từ ngày 05/12/2026 đến 07/12/2026.</p>"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{to}");
    let id = id_of(&to);
    let preview = format!("/quan-tri/tin-bai/{id}/xem-truoc");
    let response = head
        .http
        .get(format!("http://{HOST}:{}{preview}", head.port))
        .header("cookie", head.cookie_header())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["cache-control"], "no-store");
    assert_eq!(response.headers()["x-robots-tag"], "noindex");
    let page = response.text().await.unwrap();
    assert!(page.contains("Bản xem trước"), "{page}");
    assert!(page.contains("Từ ngày 05&#x2f;12&#x2f;2026") || page.contains("Từ ngày 05/12/2026"));
    assert!(page.contains("Xã Quốc Tuấn"), "in the commune's own frame");

    // Not on the public site, not for the public, not for the neighbour.
    let path = public_path(&env, &id).await;
    let (status, _) = head.get(&path).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let mut visitor = Browser::new(&platform, HOST);
    let (status, to) = visitor.get(&preview).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{to}");
    let (status, _) = neighbour.get(&preview).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    platform.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_head_chooses_the_links_to_state_portals_the_home_page_shows() {
    let env = TestEnv::new().await;
    let platform = Platform::start(&env).await;
    let ((mut head, csrf), (mut neighbour, neighbour_csrf)) = two_heads(&env, &platform).await;
    let (_, home) = head.get("/").await;
    assert!(
        home.contains("Cổng Dịch vụ công quốc gia"),
        "a new commune has the national portals"
    );

    for (label, url, refusal) in [
        ("Trang lạ", "javascript:alert(1)", "không hợp lệ"),
        (
            "",
            "https://haiphong.gov.vn",
            "Mời nhập tên trang liên kết.",
        ),
    ] {
        let (status, page) = head
            .post(
                "/quan-tri/lien-ket",
                &[("csrf", &csrf), ("label", label), ("url", url)],
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{page}");
        assert!(page.contains(refusal), "{page}");
    }
    let links = "SELECT count(*) FROM site_links l JOIN tenants t ON t.id = l.tenant_id WHERE t.slug = 'quoctuan'";
    assert_eq!(count(&env, links).await, 4);

    let province = "Cổng Thông tin điện tử thành phố Hải Phòng";
    let (status, to) = head
        .post(
            "/quan-tri/lien-ket",
            &[
                ("csrf", &csrf),
                ("label", province),
                ("url", "https://haiphong.gov.vn"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{to}");
    let (_, home) = head.get("/").await;
    let (at, national) = (
        home.find(province).unwrap(),
        home.find("Cổng Dịch vụ công quốc gia").unwrap(),
    );
    assert!(national < at, "added at the end");

    // Moved to the top, then removed.
    let id: uuid::Uuid =
        sqlx::query_scalar("SELECT id FROM site_links WHERE url = 'https://haiphong.gov.vn'")
            .fetch_one(&env.admin)
            .await
            .unwrap();
    let link = format!("/quan-tri/lien-ket/{id}");
    for _ in 0..5 {
        let (status, _) = head
            .post(&link, &[("csrf", &csrf), ("thao_tac", "len")])
            .await;
        assert_eq!(status, StatusCode::SEE_OTHER);
    }
    let (_, home) = head.get("/").await;
    assert!(home.find(province).unwrap() < home.find("Cổng Thông tin điện tử Chính phủ").unwrap());

    // The neighbour's head can neither see nor touch it.
    let (status, _) = neighbour
        .post(&link, &[("csrf", &neighbour_csrf), ("thao_tac", "xoa")])
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(count(&env, links).await, 5);
    let (_, theirs) = neighbour.get("/").await;
    assert!(!theirs.contains(province));

    let (status, _) = head
        .post(&link, &[("csrf", &csrf), ("thao_tac", "xoa")])
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (_, home) = head.get("/").await;
    assert!(!home.contains(province));
    platform.stop().await;
}

/// The item page's workflow buttons send the typed text along: it is saved
/// with the move, a refused move keeps it on the page, and a move on an
/// unchanged published item makes no correction.
#[tokio::test(flavor = "multi_thread")]
async fn a_workflow_button_saves_what_was_typed_and_a_refusal_keeps_it() {
    let env = TestEnv::new().await;
    let platform = Platform::start(&env).await;
    let ((mut head, csrf), _) = two_heads(&env, &platform).await;
    // No section is chosen for a first item; a choice is needed.
    let (_, form) = head.get("/quan-tri/tin-bai/moi").await;
    assert!(form.contains(r#"<option value="" selected>"#), "{form}");
    let (status, page) = head
        .post(
            "/quan-tri/tin-bai/moi",
            &[("csrf", &csrf), ("section", ""), ("title", "Tiêu đề cũ")],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("Mời chọn chuyên mục"), "{page}");
    let (status, to) = head
        .post(
            "/quan-tri/tin-bai/moi",
            &[
                ("csrf", &csrf),
                ("section", "tin-tuc/kinh-te-xa-hoi"),
                ("title", "Tiêu đề cũ"),
                ("body", "<p>Đoạn cũ.</p>"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{to}");
    let id = id_of(&to);
    // The next new item offers the section last used.
    let (_, form) = head.get("/quan-tri/tin-bai/moi").await;
    assert!(
        form.contains(r#"<option value="tin-tuc&#x2f;kinh-te-xa-hoi" selected>"#),
        "{form}"
    );
    // No workspace answer may be framed: a page, its preview of the draft,
    // the sign-in page, a refusal.
    for path in [
        format!("/quan-tri/tin-bai/{id}"),
        format!("/quan-tri/tin-bai/{id}/xem-truoc"),
        "/quan-tri/dang-nhap".to_owned(),
        "/quan-tri/khong-co".to_owned(),
        // A method the address does not take (405).
        "/quan-tri/dang-xuat".to_owned(),
    ] {
        let answer = head.answer(&path).await;
        let headers = answer.headers();
        assert_eq!(headers["x-frame-options"], "DENY", "{path}");
        let policy = headers["content-security-policy"].to_str().unwrap();
        assert!(
            policy.contains("frame-ancestors 'none'"),
            "{path}: {policy}"
        );
    }
    let (_, page) = head.get(&format!("/quan-tri/tin-bai/{id}")).await;
    let version = field(&page, "version");
    let typed = |action: &'static str, version: &str| {
        vec![
            ("csrf", csrf.clone()),
            ("version", version.to_owned()),
            ("title", "Tiêu đề mới".to_owned()),
            ("summary", String::new()),
            (
                "body",
                "<p>Đoạn cũ.</p><p>Câu vừa gõ, chưa bấm Lưu.</p>".to_owned(),
            ),
            ("han", String::new()),
            ("action", action.to_owned()),
            ("y-kien-withdraw", String::new()),
        ]
    };
    let moves = format!("/quan-tri/tin-bai/{id}/thao-tac");
    let stored = || async {
        sqlx::query_as::<_, (String, String, String)>(
            "SELECT title, body, status FROM items WHERE id = $1::uuid",
        )
        .bind(&id)
        .fetch_one(&env.admin)
        .await
        .unwrap()
    };

    // A text the checks refuse: nothing moves, nothing is saved, and the
    // page shows what was typed with the reason.
    let mut bad = typed("publish", &version);
    bad[2].1 = String::new();
    let (status, page) = post_form(&mut head, &moves, &bad).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{page}");
    assert!(page.contains("Câu vừa gõ, chưa bấm Lưu."), "{page}");
    assert_eq!(stored().await.0, "Tiêu đề cũ");

    // Publishing straight from the editor saves the typed text first.
    let (status, to) = post_form(&mut head, &moves, &typed("publish", &version)).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{to}");
    let (title, body, state) = stored().await;
    assert_eq!(
        (title.as_str(), state.as_str()),
        ("Tiêu đề mới", "published")
    );
    assert!(body.contains("Câu vừa gõ, chưa bấm Lưu."), "{body}");

    // A move whose own field is missing (withdrawing needs a reason) is
    // refused with the page and the typed text kept.
    let (_, page) = head.get(&format!("/quan-tri/tin-bai/{id}")).await;
    let version = field(&page, "version");
    let (status, page) = post_form(&mut head, &moves, &typed("withdraw", &version)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{page}");
    assert!(page.contains("Câu vừa gõ, chưa bấm Lưu."), "{page}");
    // The text the published item already has makes no correction.
    assert_eq!(
        count(&env, "SELECT count(*) FROM item_revisions WHERE pending").await,
        0
    );
    assert_eq!(stored().await.2, "published");
    platform.stop().await;
}

/// Text no key types and addresses that read one way and mean another are
/// refused in the form, in Vietnamese, and nothing is kept.
#[tokio::test(flavor = "multi_thread")]
async fn control_characters_and_half_written_addresses_are_refused_in_the_form() {
    let env = TestEnv::new().await;
    let platform = Platform::start(&env).await;
    let ((mut head, csrf), _) = two_heads(&env, &platform).await;
    for title in [
        "Tiêu đề\u{b}có ký tự lạ",
        "Tiêu đề\u{ffff}",
        "Tiêu đề\u{fdd0}",
        "Tiêu đề\u{10ffff}",
        "Tiêu đề \u{202e}ngược",
        "Tiêu\u{2028}đề",
    ] {
        let (status, page) = head
            .post(
                "/quan-tri/tin-bai/moi",
                &[
                    ("csrf", &csrf),
                    ("section", "tin-tuc/kinh-te-xa-hoi"),
                    ("title", title),
                    ("body", "<p>Nội dung.</p>"),
                ],
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{title:?}");
        assert!(page.contains("ký tự không hợp lệ"), "{page}");
    }
    let links = count(&env, "SELECT count(*) FROM site_links").await;
    for url in [
        "https:x.vn",
        "https:/x.vn",
        "https:///x.vn",
        "https:alert(1)",
    ] {
        let (status, page) = head
            .post(
                "/quan-tri/lien-ket",
                &[("csrf", &csrf), ("label", "Cổng tỉnh"), ("url", url)],
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{url}: {page}");
        assert!(
            page.contains("không hợp lệ: cần ghi đủ dạng https:"),
            "{page}"
        );
    }
    assert_eq!(count(&env, "SELECT count(*) FROM site_links").await, links);
    // A new commune has no documents yet: its list says so, rather than
    // failing.
    let (status, page) = head.get("/van-ban").await;
    assert_eq!(status, StatusCode::OK, "{page}");
    platform.stop().await;
}
