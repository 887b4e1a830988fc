//! The board's workspace end to end through the gateway: the head's first
//! account from `congxa tenant create --admin-email`, sign-in with the
//! one-time password and its forced change, CSRF on every form, adding a
//! member, the workflow through the admin's own forms, the publishing job
//! putting a scheduled item on the public site with no visitor, and one
//! commune's board never reaching another's items.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::Duration;

use common::browser::Platform;
use common::workspace::Browser;
use congxa_testing::TestEnv;
use reqwest::StatusCode;

const HOST: &str = "quoctuan.localhost";
const OTHER: &str = "anhung.localhost";

async fn post_owned(
    browser: &mut Browser,
    path: &str,
    pairs: &[(&str, String)],
) -> (StatusCode, String) {
    let refs: Vec<(&str, &str)> = pairs.iter().map(|(k, v)| (*k, v.as_str())).collect();
    browser.post(path, &refs).await
}

fn item_id(location: &str) -> String {
    location
        .trim_start_matches("/quan-tri/tin-bai/")
        .split('?')
        .next()
        .unwrap()
        .to_owned()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_board_signs_in_adds_a_member_and_takes_news_to_the_public_site() {
    let mut env = TestEnv::new().await;
    env.config.publish_interval_secs = 1;
    let created = common::create_tenant(
        &env,
        "quoctuan",
        "Xã Quốc Tuấn",
        &[
            "--admin-email",
            "TruongBan@QuocTuan.vn",
            "--admin-name",
            "Lê Thị Thu Hà",
            "--json",
        ],
    )
    .await;
    created.assert_ok();
    let head_password = created.json()["head"]["one_time_password"]
        .as_str()
        .unwrap()
        .to_owned();
    let other = common::create_tenant(
        &env,
        "anhung",
        "Xã An Hưng",
        &[
            "--admin-email",
            "tb@anhung.vn",
            "--admin-name",
            "Vũ Nam",
            "--json",
        ],
    )
    .await;
    let other_password = other.json()["head"]["one_time_password"]
        .as_str()
        .unwrap()
        .to_owned();
    let platform = Platform::start(&env).await;

    // Nothing without signing in; the head's first sign-in forces a new password.
    let mut head = Browser::new(&platform, HOST);
    let (status, to) = head.post("/quan-tri/tin-bai/moi", &[("title", "x")]).await;
    assert_eq!(
        (status, to.as_str()),
        (StatusCode::SEE_OTHER, "/quan-tri/dang-nhap")
    );
    let csrf = head
        .sign_in(
            "truongban@quoctuan.vn",
            &head_password,
            "một câu dài dễ nhớ của trưởng ban",
        )
        .await;
    let (_, dashboard) = head.get("/quan-tri").await;
    assert!(dashboard.contains("Lê Thị Thu Hà (Trưởng ban)"));

    // Forms without the session's CSRF token are refused, and change nothing.
    let (status, _) = head
        .post(
            "/quan-tri/tin-bai/moi",
            &[
                ("csrf", "forged"),
                ("section", "tin-tuc/thong-bao"),
                ("title", "Giả"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // The head adds a member, who gets a one-time password.
    let (status, page) = head
        .post(
            "/quan-tri/thanh-vien",
            &[
                ("csrf", &csrf),
                ("name", "Nguyễn Thị Mai"),
                ("email", "mai@quoctuan.vn"),
                ("role", "member"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{page}");
    let start = page
        .find("Mật khẩu dùng một lần của mai@quoctuan.vn: <strong>")
        .unwrap()
        + "Mật khẩu dùng một lần của mai@quoctuan.vn: <strong>".len();
    let member_password = page[start..].split('<').next().unwrap().to_owned();
    let (status, _) = head
        .post(
            "/quan-tri/thanh-vien",
            &[
                ("csrf", &csrf),
                ("name", "Trùng"),
                ("email", "MAI@quoctuan.vn"),
                ("role", "member"),
            ],
        )
        .await;
    assert_eq!(
        status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "one address, one account"
    );

    // The member writes and sends news; bad input keeps what was typed.
    let mut member = Browser::new(&platform, HOST);
    let member_csrf = member
        .sign_in(
            "mai@quoctuan.vn",
            &member_password,
            "mật khẩu mới của ủy viên Mai",
        )
        .await;
    let (status, page) = member
        .post(
            "/quan-tri/tin-bai/moi",
            &[
                ("csrf", &member_csrf),
                ("section", "tin-tuc/tin-cac-thon"),
                ("title", " "),
                ("body", "<p>Giữ lại</p>"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("Mời nhập tiêu đề.") && page.contains("&lt;p&gt;Giữ lại&lt;&#x2f;p&gt;"));
    let (status, to) = member
        .post(
            "/quan-tri/tin-bai/moi",
            &[
                ("csrf", &member_csrf),
                ("section", "tin-tuc/tin-cac-thon"),
                ("title", "Thôn Vĩnh Khê hoàn thành đường bê tông"),
                ("summary", "Tuyến đường dài 1,2 km."),
                (
                    "body",
                    "<p>Nhân dân góp công.</p><img src=x onerror=alert(1)>",
                ),
                ("han", "30/11/2026"),
                ("gui-ngay", "1"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{to}");
    let id = item_id(&to);
    let (_, editor) = member.get(&to).await;
    assert!(editor.contains("Đã gửi, chờ phân công"));
    // A member cannot publish: the button is not offered and the move refused.
    assert!(!editor.contains("Duyệt và đăng ngay"));
    let (status, _) = member
        .post(
            &format!("/quan-tri/tin-bai/{id}/thao-tac"),
            &[("csrf", &member_csrf), ("action", "publish")],
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // The head schedules it two seconds ahead; the job publishes it with no
    // visitor, and the public site shows it.
    let (_, waiting) = head.get("/quan-tri").await;
    assert!(
        waiting.contains("Thôn Vĩnh Khê hoàn thành đường bê tông"),
        "it waits on the head"
    );
    let at = time::OffsetDateTime::now_utc().to_offset(congxa_locale::time::VIETNAM)
        + time::Duration::seconds(62);
    let when = format!(
        "{}-{:02}-{:02}T{:02}:{:02}",
        at.year(),
        u8::from(at.month()),
        at.day(),
        at.hour(),
        at.minute()
    );
    let (status, to) = head
        .post(
            &format!("/quan-tri/tin-bai/{id}/thao-tac"),
            &[("csrf", &csrf), ("action", "schedule"), ("luc", &when)],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{to}");
    let public = "/tin-tuc/tin-cac-thon/thon-vinh-khe-hoan-thanh-duong-be-tong";
    let (status, _) = head.get(public).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "not before its time");
    // Bring the time forward rather than wait a minute: the job reads it
    // from the database as it would after a restart.
    sqlx::query("UPDATE items SET publish_at = now() + interval '1 second' WHERE id = $1::uuid")
        .bind(&id)
        .execute(&env.admin)
        .await
        .unwrap();
    let mut shown = StatusCode::NOT_FOUND;
    for _ in 0..50 {
        tokio::time::sleep(Duration::from_millis(200)).await;
        shown = head.get(public).await.0;
        if shown == StatusCode::OK {
            break;
        }
    }
    assert_eq!(
        shown,
        StatusCode::OK,
        "the publishing job put it on the site"
    );
    let (_, page) = head.get(public).await;
    assert!(page.contains("Nhân dân góp công.") && !page.contains("onerror"));
    let (_, history) = head.get(&format!("/quan-tri/tin-bai/{id}")).await;
    assert!(history.contains("Đăng theo lịch hẹn") && history.contains("Hệ thống"));

    // Another commune's head cannot open or move this item.
    let mut intruder = Browser::new(&platform, OTHER);
    let intruder_csrf = intruder
        .sign_in("tb@anhung.vn", &other_password, "mật khẩu mới của an hưng")
        .await;
    let (status, _) = intruder.get(&format!("/quan-tri/tin-bai/{id}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = intruder
        .post(
            &format!("/quan-tri/tin-bai/{id}/thao-tac"),
            &[
                ("csrf", &intruder_csrf),
                ("action", "withdraw"),
                ("y-kien", "x"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // Quốc Tuấn's session means nothing on An Hưng's site.
    intruder.cookies = head.cookies.clone();
    let (status, to) = intruder.get("/quan-tri").await;
    assert_eq!((status, to.is_empty()), (StatusCode::SEE_OTHER, true));

    platform.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_head_answers_citizens_moderates_comments_and_reads_the_audit_log() {
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
    head.assert_ok();
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

    // An unanswered question: answered and published, it appears publicly.
    let (id, slug): (String, String) =
        sqlx::query_as("SELECT id::text, slug FROM questions WHERE status = 'received' ORDER BY created_at LIMIT 1")
            .fetch_one(&env.admin)
            .await
            .unwrap();
    let (status, _) = browser.get(&format!("/hoi-dap/{slug}")).await;
    assert_eq!(
        status,
        StatusCode::NOT_FOUND,
        "not public before it is answered"
    );
    let (_, inbox) = browser.get("/quan-tri/hoi-dap").await;
    assert!(inbox.contains("Câu hỏi của người dân"));
    let (status, _) = browser
        .post(
            &format!("/quan-tri/hoi-dap/{id}"),
            &[
                ("csrf", &csrf),
                ("status", "answered"),
                ("answer", ""),
                ("cong-khai", "1"),
            ],
        )
        .await;
    assert_eq!(
        status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "an answer needs words"
    );
    let (status, _) = browser
        .post(
            &format!("/quan-tri/hoi-dap/{id}"),
            &[
                ("csrf", &csrf),
                ("status", "answered"),
                (
                    "answer",
                    "<p>Ông/bà liên hệ Bộ phận một cửa.</p><script>alert(1)</script>",
                ),
                ("nguoi-tra-loi", "Công chức Tư pháp – Hộ tịch"),
                ("cong-khai", "1"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (status, page) = browser.get(&format!("/hoi-dap/{slug}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Ông/bà liên hệ Bộ phận một cửa.") && !page.contains("<script>alert(1)"));

    // A comment on a draft is shown once the board decides so.
    let item: String =
        sqlx::query_scalar("SELECT item_id::text FROM consultations WHERE closes_at > now()")
            .fetch_one(&env.admin)
            .await
            .unwrap();
    let comment: String = sqlx::query_scalar(
        "INSERT INTO consultation_comments (tenant_id, item_id, author_name, body)
         SELECT tenant_id, item_id, 'Hoàng Văn Lực', 'Đề nghị bổ sung điều khoản về giờ mở cửa.' FROM consultations
         WHERE item_id = $1::uuid RETURNING id::text",
    )
    .bind(&item)
    .fetch_one(&env.admin)
    .await
    .unwrap();
    let (status, _) = browser
        .post(
            &format!("/quan-tri/gop-y/{comment}"),
            &[("csrf", &csrf), ("quyet-dinh", "dang")],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let href: String =
        sqlx::query_scalar("SELECT '/lay-y-kien/' || slug FROM items WHERE id = $1::uuid")
            .bind(&item)
            .fetch_one(&env.admin)
            .await
            .unwrap();
    let (_, draft) = browser.get(&href).await;
    assert!(draft.contains("Đề nghị bổ sung điều khoản về giờ mở cửa."));

    // The head adds a member; the log has it, and exports as CSV.
    let (status, _) = browser
        .post(
            "/quan-tri/thanh-vien",
            &[
                ("csrf", &csrf),
                ("name", "Nguyễn Thị Mai"),
                ("email", "mai@quoctuan.vn"),
                ("role", "member"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, log) = browser
        .get("/quan-tri/nhat-ky?nguoi=L%C3%AA+Th%E1%BB%8B")
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        log.contains("Thêm thành viên ban biên tập") && log.contains("mai@quoctuan.vn"),
        "{log}"
    );
    let csv = browser
        .http
        .get(format!(
            "http://{HOST}:{}/quan-tri/nhat-ky?dinh-dang=csv",
            platform.port
        ))
        .header("cookie", browser.cookie_header())
        .send()
        .await
        .unwrap();
    assert_eq!(csv.headers()["content-type"], "text/csv; charset=utf-8");
    let bytes = csv.bytes().await.unwrap();
    assert!(bytes.starts_with(&[0xEF, 0xBB, 0xBF]));
    let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
    assert!(text.starts_with("Thời điểm,Người thực hiện,Thao tác,Đối tượng,Ghi chú"));
    assert!(text.contains("mai@quoctuan.vn"));
    platform.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn every_workspace_page_is_accessible_fits_a_phone_and_works_without_javascript() {
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
    let (_, to) = browser
        .post(
            "/quan-tri/tin-bai/moi",
            &[
                ("csrf", &csrf),
                ("section", "tin-tuc/thong-bao"),
                ("title", "Thông báo lịch tiếp công dân tháng 12"),
                ("body", "<p>Nội dung</p>"),
            ],
        )
        .await;
    let session = format!("congxa_quan_tri={}", browser.cookies["congxa_quan_tri"]);
    common::visits_of_a_month(&env, "quoctuan").await;

    let base = format!("http://{HOST}:{}/", platform.port);
    let paths = [
        "/quan-tri".to_owned(),
        "/quan-tri/tin-bai".to_owned(),
        "/quan-tri/tin-bai/moi".to_owned(),
        to.split('?').next().unwrap().to_owned(),
        format!("{}/phien-ban", to.split('?').next().unwrap()),
        "/quan-tri/hoi-dap".to_owned(),
        "/quan-tri/nhat-ky".to_owned(),
        "/quan-tri/tep".to_owned(),
        "/quan-tri/van-ban/moi".to_owned(),
        "/quan-tri/thanh-vien".to_owned(),
        "/quan-tri/mat-khau".to_owned(),
        "/quan-tri/bao-mat".to_owned(),
        "/quan-tri/cai-dat".to_owned(),
        "/quan-tri/mot-cua".to_owned(),
        "/quan-tri/thu-tuc/moi".to_owned(),
        "/quan-tri/lich-cong-tac/moi".to_owned(),
        "/quan-tri/ngan-sach/moi".to_owned(),
        "/quan-tri/lay-y-kien/moi".to_owned(),
        "/quan-tri/du-an/moi".to_owned(),
        "/quan-tri/tiep-can-thong-tin/moi".to_owned(),
        "/quan-tri/lien-ket".to_owned(),
        format!("{}/xem-truoc", to.split('?').next().unwrap()),
        "/quan-tri/thong-ke".to_owned(),
        "/quan-tri/bao-cao-nam".to_owned(),
        "/quan-tri/giao-dien".to_owned(),
        "/quan-tri/giao-dien/mau".to_owned(),
        "/quan-tri/giao-dien/trinh-don".to_owned(),
        "/quan-tri/giao-dien/trang-chu".to_owned(),
        "/quan-tri/giao-dien/mau/home.html".to_owned(),
    ];
    let args: Vec<&str> = std::iter::once(base.as_str())
        .chain(paths.iter().map(String::as_str))
        .collect();
    let output = scripts
        .run_with(
            "site.mjs",
            args,
            &[("SITE_COOKIE", &session)],
            &base,
            Duration::from_secs(300),
        )
        .await;
    // The pages before signing in, signed out.
    let sign_in = scripts
        .run(
            "site.mjs",
            [
                base.as_str(),
                "/quan-tri/dang-nhap",
                "/quan-tri/quen-mat-khau",
            ],
            &base,
            Duration::from_secs(120),
        )
        .await;
    platform.stop().await;
    common::browser::assert_passed(&base, &output);
    common::browser::assert_passed(&base, &sign_in);
}

#[tokio::test(flavor = "multi_thread")]
async fn the_whole_path_from_a_contributor_to_the_public_site_in_a_real_browser() {
    let scripts = common::browser::Scripts::installed();
    let mut env = TestEnv::new().await;
    env.config.publish_interval_secs = 1;
    common::demo_commune(&env, "quoctuan", "Xã Quốc Tuấn").await;
    let mut accounts = serde_json::Map::new();
    for (key, email, name, role) in [
        ("head", "tb@quoctuan.vn", "Lê Thị Thu Hà", "head"),
        ("member", "mai@quoctuan.vn", "Nguyễn Thị Mai", "member"),
        (
            "contributor",
            "binh@quoctuan.vn",
            "Trần Văn Bình",
            "contributor",
        ),
    ] {
        let created = common::congxa(
            &env,
            &[
                "user", "create", "--tenant", "quoctuan", "--email", email, "--name", name,
                "--role", role, "--json",
            ],
        )
        .await;
        let password = created.json()["one_time_password"]
            .as_str()
            .unwrap()
            .to_owned();
        accounts.insert(key.to_owned(), serde_json::json!([email, password]));
    }
    let platform = Platform::start(&env).await;
    let base = format!("http://{HOST}:{}/", platform.port);
    let accounts = serde_json::Value::Object(accounts).to_string();
    let output = scripts
        .run(
            "workflow.mjs",
            [base.as_str(), accounts.as_str()],
            &base,
            Duration::from_secs(240),
        )
        .await;
    platform.stop().await;
    common::browser::assert_passed(&base, &output);
}

#[tokio::test(flavor = "multi_thread")]
async fn board_members_upload_with_their_session_and_its_csrf_token_only() {
    let env = TestEnv::new().await;
    for (slug, name, email) in [
        ("quoctuan", "Xã Quốc Tuấn", "tb@quoctuan.vn"),
        ("anhung", "Xã An Hưng", "tb@anhung.vn"),
    ] {
        common::create_tenant(
            &env,
            slug,
            name,
            &["--admin-email", email, "--admin-name", "Trưởng ban"],
        )
        .await
        .assert_ok();
    }
    let reset = |slug: &'static str, email: &'static str| {
        let env = &env;
        async move {
            let run = common::congxa(
                env,
                &[
                    "user",
                    "reset-password",
                    "--tenant",
                    slug,
                    "--email",
                    email,
                    "--json",
                ],
            )
            .await;
            run.json()["one_time_password"].as_str().unwrap().to_owned()
        }
    };
    let (ours, theirs) = (
        reset("quoctuan", "tb@quoctuan.vn").await,
        reset("anhung", "tb@anhung.vn").await,
    );
    let platform = Platform::start(&env).await;
    let mut head = Browser::new(&platform, HOST);
    let csrf = head
        .sign_in(
            "tb@quoctuan.vn",
            &ours,
            "mật khẩu mới của trưởng ban quốc tuấn",
        )
        .await;
    let mut other = Browser::new(&platform, OTHER);
    other
        .sign_in(
            "tb@anhung.vn",
            &theirs,
            "mật khẩu mới của trưởng ban an hưng",
        )
        .await;

    // A real PNG: images are decoded and re-encoded on upload.
    let png = common::png(8, 8);
    let upload = |browser: &Browser, host: &str, csrf: Option<&str>| {
        let part = reqwest::multipart::Part::bytes(png.clone()).file_name("Ảnh hội nghị.png");
        let mut request = browser
            .http
            .post(format!("http://{host}:{}/api/tep", browser.port))
            .header("cookie", browser.cookie_header())
            .multipart(reqwest::multipart::Form::new().part("file", part));
        if let Some(csrf) = csrf {
            request = request.header("x-csrf-token", csrf);
        }
        request.send()
    };
    let sent = upload(&head, HOST, Some(&csrf)).await.unwrap();
    assert_eq!(sent.status(), StatusCode::CREATED);
    assert_eq!(
        upload(&head, HOST, None).await.unwrap().status(),
        StatusCode::UNAUTHORIZED,
        "no CSRF token"
    );
    assert_eq!(
        upload(&head, HOST, Some("forged")).await.unwrap().status(),
        StatusCode::UNAUTHORIZED
    );
    // Quốc Tuấn's session on An Hưng's site is nobody.
    let mut borrowed = Browser::new(&platform, OTHER);
    borrowed.cookies = head.cookies.clone();
    assert_eq!(
        upload(&borrowed, OTHER, Some(&csrf))
            .await
            .unwrap()
            .status(),
        StatusCode::UNAUTHORIZED
    );
    let (_, files) = head.get("/quan-tri/tep").await;
    assert!(files.contains("Ảnh hội nghị.png"));
    let (_, elsewhere) = other.get("/quan-tri/tep").await;
    assert!(!elsewhere.contains("Ảnh hội nghị.png"));

    // A document with the uploaded file: bad dates and another commune's
    // file are refused with what was typed kept; a good one is published.
    let file: String = sqlx::query_scalar("SELECT f.id::text FROM media_files f JOIN tenants t ON t.id = f.tenant_id WHERE t.slug = 'quoctuan'")
        .fetch_one(&env.admin)
        .await
        .unwrap();
    let fields = |issued: &'static str, file: String| {
        vec![
            ("csrf", csrf.clone()),
            ("doc_type", "Quyết định".to_owned()),
            ("number_symbol", "215/QĐ-UBND".to_owned()),
            ("issuing_body", "Ủy ban nhân dân xã Quốc Tuấn".to_owned()),
            ("signer", "Trần Quang Minh".to_owned()),
            ("issued_on", issued.to_owned()),
            (
                "summary",
                "Về việc kiện toàn Ban biên tập Trang thông tin điện tử xã".to_owned(),
            ),
            ("file", file),
        ]
    };
    let (status, page) = post_owned(
        &mut head,
        "/quan-tri/van-ban/moi",
        &fields("31/02/2026", file.clone()),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        page.contains("Ngày ban hành không đúng dạng ngày") && page.contains("215&#x2f;QĐ-UBND"),
        "what was typed is kept"
    );
    let theirs_file = uuid::Uuid::new_v4().to_string();
    let (status, page) = post_owned(
        &mut head,
        "/quan-tri/van-ban/moi",
        &fields("20/11/2026", theirs_file),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("không có trong thư viện của xã"));
    let documents: i64 =
        sqlx::query_scalar("SELECT count(*) FROM documents WHERE number_symbol = '215/QĐ-UBND'")
            .fetch_one(&env.admin)
            .await
            .unwrap();
    assert_eq!(documents, 0, "nothing half saved");
    let (status, to) = post_owned(
        &mut head,
        "/quan-tri/van-ban/moi",
        &fields("20/11/2026", file),
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{to}");
    let id = to
        .trim_start_matches("/quan-tri/tin-bai/")
        .split('?')
        .next()
        .unwrap()
        .to_owned();
    let (status, _) = head
        .post(
            &format!("/quan-tri/tin-bai/{id}/thao-tac"),
            &[("csrf", &csrf), ("action", "publish")],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (status, list) = head.get("/van-ban?q=215%2FQ%C4%90-UBND").await;
    assert_eq!(status, StatusCode::OK);
    assert!(list.contains("215&#x2f;QĐ-UBND"));
    let (_, public) = head.get("/van-ban/quyet-dinh-so-215-qd-ubnd").await;
    assert!(
        public.contains("Trần Quang Minh")
            && public.contains("Tải về: Quyết định 215&#x2f;QĐ-UBND"),
        "{public}"
    );
    platform.stop().await;
}
