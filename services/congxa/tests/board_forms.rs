//! The workspace's own forms, through the gateway: the head's settings (the
//! site's particulars and its officials appear on the public site at once),
//! the one-stop results (which must add up), a procedure and a week of the
//! work schedule (through the workflow to the public site). Bad input is
//! refused in Vietnamese with nothing saved; another commune's ids reach
//! nothing.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::browser::Platform;
use common::workspace::{Browser, head_of, post_form, public_path, publish};
use congxa_testing::TestEnv;
use reqwest::StatusCode;

const HOST: &str = "quoctuan.localhost";

fn profile<'a>(csrf: &'a str, email: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("csrf", csrf),
        ("agency", "Ủy ban nhân dân xã Quốc Tuấn"),
        ("address", "Thôn Đông Tạ, xã Quốc Tuấn, thành phố Hải Phòng"),
        ("phone", "0225 3.888.999"),
        ("email", email),
        ("responsible_person", "Nguyễn Văn An"),
        ("responsible_title", "Chủ tịch UBND xã"),
        ("licence", "Quyết định số 12/QĐ-UBND ngày 02/01/2026"),
        (
            "office_hours",
            "Sáng 7h30–11h30, chiều 13h30–17h00, thứ Hai đến thứ Sáu",
        ),
    ]
}

#[tokio::test(flavor = "multi_thread")]
async fn the_head_keeps_the_sites_particulars_and_officials_up_to_date() {
    let env = TestEnv::new().await;
    let password = head_of(&env, "quoctuan", "Xã Quốc Tuấn", "tb@quoctuan.vn").await;
    head_of(&env, "anhung", "Xã An Hưng", "tb@anhung.vn").await;
    let stranger: uuid::Uuid = sqlx::query_scalar(
        "INSERT INTO officials (tenant_id, name, position) SELECT id, 'Trần Văn Khác', 'Chủ tịch' FROM tenants WHERE slug = 'anhung' RETURNING id",
    )
    .fetch_one(&env.admin)
    .await
    .unwrap();
    let platform = Platform::start(&env).await;
    let mut head = Browser::new(&platform, HOST);
    let csrf = head
        .sign_in(
            "tb@quoctuan.vn",
            &password,
            "một câu dài dễ nhớ của trưởng ban",
        )
        .await;

    // A bad address is refused, what was typed stays, nothing is saved.
    let (status, page) = head
        .post("/quan-tri/cai-dat", &profile(&csrf, "khong-phai-thu"))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        page.contains("Địa chỉ thư điện tử “khong-phai-thu” không hợp lệ."),
        "{page}"
    );
    assert!(page.contains("Thôn Đông Tạ"));
    let (_, home) = head.get("/").await;
    assert!(!home.contains("Thôn Đông Tạ"));

    let (status, page) = head
        .post("/quan-tri/cai-dat", &profile(&csrf, "ubnd@quoctuan.vn"))
        .await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert!(page.contains("Đã lưu thông tin của trang."));
    let (_, home) = head.get("/").await;
    assert!(
        home.contains("Thôn Đông Tạ, xã Quốc Tuấn, thành phố Hải Phòng"),
        "the footer"
    );

    // An official added shows on the contact page; corrected, then removed.
    let (status, to) = head
        .post(
            "/quan-tri/cai-dat/can-bo",
            &[
                ("csrf", &csrf),
                ("name", "Phạm Thị Hoa"),
                ("position", "Công chức Văn phòng - Thống kê"),
                ("phone", "0912 345 678"),
                ("email", "hoa@quoctuan.vn"),
                ("is_info_focal", "1"),
                ("sort_order", "5"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{to}");
    let (_, contacts) = head.get("/lien-he").await;
    assert!(contacts.contains("Phạm Thị Hoa"), "{contacts}");
    let id: uuid::Uuid = sqlx::query_scalar("SELECT id FROM officials WHERE name = 'Phạm Thị Hoa'")
        .fetch_one(&env.admin)
        .await
        .unwrap();
    let id = id.to_string();
    let (status, _) = head
        .post(
            "/quan-tri/cai-dat/can-bo",
            &[
                ("csrf", &csrf),
                ("id", &id),
                ("name", "Phạm Thị Hoa"),
                ("position", "Công chức Văn phòng - Thống kê"),
                ("phone", "số điện thoại"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    // Another commune's official: not found, untouched.
    let stranger = stranger.to_string();
    let (status, _) = head
        .post(
            "/quan-tri/cai-dat/can-bo",
            &[
                ("csrf", &csrf),
                ("id", &stranger),
                ("name", "Đổi tên"),
                ("position", "Chủ tịch"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = head
        .post(
            &format!("/quan-tri/cai-dat/can-bo/{stranger}/xoa"),
            &[("csrf", &csrf)],
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let untouched: String = sqlx::query_scalar("SELECT name FROM officials WHERE id = $1::uuid")
        .bind(&stranger)
        .fetch_one(&env.admin)
        .await
        .unwrap();
    assert_eq!(untouched, "Trần Văn Khác");
    let (status, _) = head
        .post(
            &format!("/quan-tri/cai-dat/can-bo/{id}/xoa"),
            &[("csrf", &csrf)],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (_, contacts) = head.get("/lien-he").await;
    assert!(!contacts.contains("Phạm Thị Hoa"));

    // Every change is in the audit log.
    let (_, log) = head.get("/quan-tri/nhat-ky").await;
    assert!(log.contains("Cập nhật thông tin của trang"));
    assert!(log.contains("Xóa lãnh đạo, cán bộ"));
    platform.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn one_stop_results_must_add_up_and_only_the_deciders_record_them() {
    let env = TestEnv::new().await;
    let password = head_of(&env, "quoctuan", "Xã Quốc Tuấn", "tb@quoctuan.vn").await;
    let member = common::congxa(
        &env,
        &[
            "user",
            "create",
            "--tenant",
            "quoctuan",
            "--email",
            "mai@quoctuan.vn",
            "--name",
            "Nguyễn Thị Mai",
            "--role",
            "member",
            "--json",
        ],
    )
    .await;
    let member_password = member.json()["one_time_password"]
        .as_str()
        .unwrap()
        .to_owned();
    let platform = Platform::start(&env).await;

    let mut mai = Browser::new(&platform, HOST);
    mai.sign_in(
        "mai@quoctuan.vn",
        &member_password,
        "mật khẩu mới của ủy viên Mai",
    )
    .await;
    let (status, _) = mai.get("/quan-tri/mot-cua").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = mai.get("/quan-tri/cai-dat").await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    let mut head = Browser::new(&platform, HOST);
    let csrf = head
        .sign_in(
            "tb@quoctuan.vn",
            &password,
            "một câu dài dễ nhớ của trưởng ban",
        )
        .await;
    let month = |received: &'static str| {
        vec![
            ("month", "10/2026"),
            ("received", received),
            ("on_time", "40"),
            ("late", "2"),
            ("in_progress", "8"),
            ("online", "31"),
        ]
    };
    let send = |pairs: Vec<(&'static str, &'static str)>| {
        let mut all = vec![("csrf", csrf.as_str())];
        all.extend(pairs);
        all
    };
    let (status, page) = head.post("/quan-tri/mot-cua", &send(month("49"))).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        page.contains("phải cộng lại bằng số hồ sơ tiếp nhận"),
        "{page}"
    );
    assert!(page.contains(r#"value="49""#), "what was typed stays");
    let (status, page) = head
        .post(
            "/quan-tri/mot-cua",
            &send(vec![
                ("month", "13/2026"),
                ("received", "1"),
                ("on_time", "1"),
                ("late", "0"),
                ("in_progress", "0"),
                ("online", "0"),
            ]),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("Tháng không đúng dạng"));
    let saved: i64 = sqlx::query_scalar("SELECT count(*) FROM one_stop_results")
        .fetch_one(&env.admin)
        .await
        .unwrap();
    assert_eq!(saved, 0);

    let (status, page) = head.post("/quan-tri/mot-cua", &send(month("50"))).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert!(page.contains("Đã lưu kết quả của tháng."));
    let (_, procedures) = head.get("/thu-tuc-hanh-chinh").await;
    assert!(
        procedures.contains("<td>50</td><td>40</td><td>2</td><td>8</td><td>31</td>"),
        "{procedures}"
    );
    platform.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_procedure_is_written_in_its_own_form_and_published_through_the_workflow() {
    let env = TestEnv::new().await;
    let password = head_of(&env, "quoctuan", "Xã Quốc Tuấn", "tb@quoctuan.vn").await;
    let platform = Platform::start(&env).await;
    let mut head = Browser::new(&platform, HOST);
    let csrf = head
        .sign_in(
            "tb@quoctuan.vn",
            &password,
            "một câu dài dễ nhớ của trưởng ban",
        )
        .await;
    let procedure = |portal: &'static str| {
        vec![
            ("csrf", csrf.clone()),
            ("title", "Đăng ký khai sinh".to_owned()),
            ("code", "1.001193".to_owned()),
            ("field", "Hộ tịch".to_owned()),
            ("online_level", "full".to_owned()),
            ("processing_time", "Ngay trong ngày làm việc".to_owned()),
            ("fee", "Miễn lệ phí".to_owned()),
            ("agency", "UBND xã Quốc Tuấn".to_owned()),
            ("portal_url", portal.to_owned()),
            (
                "body",
                "<ol><li>Nộp tờ khai</li><li>Nhận giấy khai sinh</li></ol>".to_owned(),
            ),
        ]
    };
    let (status, page) = post_form(
        &mut head,
        "/quan-tri/thu-tuc/moi",
        &procedure("http://dichvucong.gov.vn/x"),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("phải bắt đầu bằng https:"), "{page}");
    assert!(page.contains("1.001193"), "what was typed stays");
    let none: i64 = sqlx::query_scalar("SELECT count(*) FROM procedures")
        .fetch_one(&env.admin)
        .await
        .unwrap();
    assert_eq!(none, 0);

    let (status, to) = post_form(
        &mut head,
        "/quan-tri/thu-tuc/moi",
        &procedure(
            "https://dichvucong.gov.vn/p/home/dvc-tthc-thu-tuc-hanh-chinh-chi-tiet.html?ma_thu_tuc=1.001193",
        ),
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{to}");
    publish(&mut head, &csrf, &to).await;
    let (status, public) = head.get("/thu-tuc-hanh-chinh/dang-ky-khai-sinh").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        public.contains("1.001193") && public.contains("Nộp tờ khai"),
        "{public}"
    );
    platform.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_week_of_the_work_schedule_is_entered_line_by_line_and_published() {
    let env = TestEnv::new().await;
    let password = head_of(&env, "quoctuan", "Xã Quốc Tuấn", "tb@quoctuan.vn").await;
    let platform = Platform::start(&env).await;
    let mut head = Browser::new(&platform, HOST);
    let csrf = head
        .sign_in(
            "tb@quoctuan.vn",
            &password,
            "một câu dài dễ nhớ của trưởng ban",
        )
        .await;
    let week = |second_day: &'static str| {
        vec![
            ("csrf", csrf.clone()),
            ("tuan", "02/12/2026".to_owned()),
            ("ngay-0", "30/11/2026".to_owned()),
            ("gio-0", "07:30".to_owned()),
            (
                "chu-tri-0",
                "Đ/c Nguyễn Văn An, Chủ tịch UBND xã".to_owned(),
            ),
            ("noi-dung-0", "Giao ban đầu tuần".to_owned()),
            ("dia-diem-0", "Phòng họp UBND xã".to_owned()),
            ("ngay-1", second_day.to_owned()),
            ("gio-1", "14:00".to_owned()),
            ("chu-tri-1", "Đ/c Trần Thị Bình, Phó Chủ tịch".to_owned()),
            (
                "noi-dung-1",
                "Kiểm tra tiến độ đường thôn Vĩnh Khê".to_owned(),
            ),
        ]
    };
    let (status, page) = post_form(
        &mut head,
        "/quan-tri/lich-cong-tac/moi",
        &week("10/12/2026"),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        page.contains("không thuộc tuần từ 30&#x2f;11&#x2f;2026"),
        "{page}"
    );
    assert!(page.contains("Giao ban đầu tuần"), "what was typed stays");
    let (status, page) = post_form(
        &mut head,
        "/quan-tri/lich-cong-tac/moi",
        &week("31/11/2026"),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        page.contains("Dòng 2: ngày và giờ không đúng dạng"),
        "{page}"
    );

    let (status, to) = post_form(
        &mut head,
        "/quan-tri/lich-cong-tac/moi",
        &week("03/12/2026"),
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{to}");
    let (status, page) = post_form(
        &mut head,
        "/quan-tri/lich-cong-tac/moi",
        &week("03/12/2026"),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("Tuần này đã có lịch công tác"));

    publish(&mut head, &csrf, &to).await;
    let (status, public) = head.get("/lich-cong-tac?tuan=2026-11-30").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        public.contains("Giao ban đầu tuần")
            && public.contains("Kiểm tra tiến độ đường thôn Vĩnh Khê"),
        "{public}"
    );
    platform.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_budget_report_is_named_from_its_kind_and_year_and_takes_only_the_communes_files() {
    let env = TestEnv::new().await;
    let password = head_of(&env, "quoctuan", "Xã Quốc Tuấn", "tb@quoctuan.vn").await;
    head_of(&env, "anhung", "Xã An Hưng", "tb@anhung.vn").await;
    let foreign: uuid::Uuid = sqlx::query_scalar(
        "INSERT INTO media_files (tenant_id, storage_key, filename, content_type, size_bytes, sha256)
         SELECT id, 'tenants/' || id || '/x', 'du-toan.pdf', 'application/pdf', 1, 'x' FROM tenants WHERE slug = 'anhung'
         RETURNING id",
    )
    .fetch_one(&env.admin)
    .await
    .unwrap();
    let platform = Platform::start(&env).await;
    let mut head = Browser::new(&platform, HOST);
    let csrf = head
        .sign_in(
            "tb@quoctuan.vn",
            &password,
            "một câu dài dễ nhớ của trưởng ban",
        )
        .await;
    let foreign = foreign.to_string();
    for (year, file, refusal) in [
        ("hai nghìn", "", "Năm ngân sách không hợp lệ"),
        (
            "2027",
            foreign.as_str(),
            "Tệp đã chọn không có trong thư viện của xã.",
        ),
    ] {
        let (status, page) = head
            .post(
                "/quan-tri/ngan-sach/moi",
                &[
                    ("csrf", &csrf),
                    ("report_kind", "estimate"),
                    ("year", year),
                    ("period", "year"),
                    ("file", file),
                ],
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{page}");
        assert!(page.contains(refusal), "{page}");
    }
    let none: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM items i JOIN budget_reports b ON b.item_id = i.id",
    )
    .fetch_one(&env.admin)
    .await
    .unwrap();
    assert_eq!(none, 0, "nothing half saved");

    let (status, to) = head
        .post(
            "/quan-tri/ngan-sach/moi",
            &[
                ("csrf", &csrf),
                ("report_kind", "estimate"),
                ("year", "2027"),
                ("period", "year"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{to}");
    let title: String =
        sqlx::query_scalar("SELECT i.title FROM items i JOIN budget_reports b ON b.item_id = i.id")
            .fetch_one(&env.admin)
            .await
            .unwrap();
    assert_eq!(title, "Dự toán ngân sách xã năm 2027");
    platform.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_draft_is_put_to_consultation_for_the_days_given_and_then_takes_comments() {
    let env = TestEnv::new().await;
    let password = head_of(&env, "quoctuan", "Xã Quốc Tuấn", "tb@quoctuan.vn").await;
    let platform = Platform::start(&env).await;
    let mut head = Browser::new(&platform, HOST);
    let csrf = head
        .sign_in(
            "tb@quoctuan.vn",
            &password,
            "một câu dài dễ nhớ của trưởng ban",
        )
        .await;
    let today = time::OffsetDateTime::now_utc()
        .to_offset(congxa_locale::time::VIETNAM)
        .date();
    let day = |d: time::Date| congxa_locale::time::day_date(d);
    let (from, to, before) = (
        day(today),
        day(today + time::Duration::days(30)),
        day(today - time::Duration::days(1)),
    );
    let draft = |end: &str| {
        vec![
            ("csrf", csrf.clone()),
            ("title", "Dự thảo Quy chế văn hóa thôn Vĩnh Khê".to_owned()),
            ("drafting_body", "Ban công tác Mặt trận thôn".to_owned()),
            ("from", from.clone()),
            ("to", end.to_owned()),
            (
                "body",
                "<p>Mời bà con góp ý các điều 3 đến 7.</p>".to_owned(),
            ),
        ]
    };
    let (status, page) = post_form(&mut head, "/quan-tri/lay-y-kien/moi", &draft(&before)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        page.contains("Ngày kết thúc lấy ý kiến phải sau ngày bắt đầu."),
        "{page}"
    );
    let (status, page) =
        post_form(&mut head, "/quan-tri/lay-y-kien/moi", &draft("31/02/2026")).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("không đúng dạng ngày"), "{page}");

    let (status, to_item) = post_form(&mut head, "/quan-tri/lay-y-kien/moi", &draft(&to)).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{to_item}");
    let id = publish(&mut head, &csrf, &to_item).await;
    // Open now, until the end of the last day in Vietnam.
    let (open, closes): (bool, time::OffsetDateTime) =
        sqlx::query_as("SELECT now() BETWEEN opens_at AND closes_at, closes_at FROM consultations")
            .fetch_one(&env.admin)
            .await
            .unwrap();
    assert!(open);
    let closes = closes.to_offset(congxa_locale::time::VIETNAM);
    assert_eq!((closes.hour(), closes.minute()), (23, 59));
    let path = public_path(&env, &id).await;
    let (status, public) = head.get(&path).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        public.contains("Mời bà con góp ý các điều 3 đến 7."),
        "{public}"
    );
    platform.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_public_investment_project_is_entered_with_its_amount_as_vietnamese_write_it() {
    let env = TestEnv::new().await;
    let password = head_of(&env, "quoctuan", "Xã Quốc Tuấn", "tb@quoctuan.vn").await;
    let platform = Platform::start(&env).await;
    let mut head = Browser::new(&platform, HOST);
    let csrf = head
        .sign_in(
            "tb@quoctuan.vn",
            &password,
            "một câu dài dễ nhớ của trưởng ban",
        )
        .await;
    let project = |total: &'static str, ends: &'static str| {
        vec![
            ("csrf", csrf.clone()),
            ("title", "Cứng hóa đường trục thôn Vĩnh Khê".to_owned()),
            ("investor", "UBND xã Quốc Tuấn".to_owned()),
            ("total", total.to_owned()),
            ("stage", "procuring".to_owned()),
            ("package", "Gói thầu số 01: Thi công xây dựng".to_owned()),
            ("bid_closes", "15/12/2026 09:00".to_owned()),
            ("starts_on", "01/03/2027".to_owned()),
            ("ends_on", ends.to_owned()),
        ]
    };
    let (status, page) = post_form(
        &mut head,
        "/quan-tri/du-an/moi",
        &project("4,8 tỷ", "30/09/2027"),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("Tổng mức đầu tư là số đồng"), "{page}");
    let (status, page) = post_form(
        &mut head,
        "/quan-tri/du-an/moi",
        &project("4.850.000.000", "01/01/2027"),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        page.contains("Ngày hoàn thành phải sau ngày khởi công."),
        "{page}"
    );
    let (status, to) = post_form(
        &mut head,
        "/quan-tri/du-an/moi",
        &project("4.850.000.000", "30/09/2027"),
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{to}");
    let total: Option<i64> = sqlx::query_scalar("SELECT total_investment FROM projects")
        .fetch_one(&env.admin)
        .await
        .unwrap();
    assert_eq!(total, Some(4_850_000_000));
    let id = publish(&mut head, &csrf, &to).await;
    let path = public_path(&env, &id).await;
    let (status, public) = head.get(&path).await;
    assert_eq!(status, StatusCode::OK);
    assert!(public.contains("4.850.000.000 đồng"), "{public}");
    platform.stop().await;
}
