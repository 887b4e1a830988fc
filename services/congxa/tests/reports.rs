//! The compliance checks against communes built to break each rule, the
//! working-day calendar the deadlines count on, and the yearly activity
//! report: its figures against the database, its DOCX read back by
//! LibreOffice, and an issued report kept as issued.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use congxa_calendar::Calendar;
use congxa_compliance::Checklist;
use congxa_site::sections::INTRODUCTION_PAGES;
use congxa_testing::TestEnv;
use congxa_testing::office::{assert_in_order, flat, read_docx};
use reqwest::StatusCode;
use sqlx::{AssertSqlSafe, Connection, PgConnection};
use time::{Date, Duration, Weekday};
use uuid::Uuid;

fn today() -> Date {
    congxa_locale::time::now().date()
}

/// The checklist of the one commune of the test database, as the
/// transaction sees it (with whatever it changed).
async fn checklist(conn: &mut PgConnection, tenant: Uuid, calendar: &Calendar) -> Checklist {
    congxa_db::act_for(conn, Some(tenant)).await.unwrap();
    congxa_compliance::check(conn, calendar, today())
        .await
        .unwrap()
}

/// The checklist as the services read it: the application's role, under
/// row-level security.
async fn app_checklist(env: &TestEnv, tenant: Uuid, calendar: &Calendar) -> Checklist {
    let mut tx = congxa_db::begin_for_tenant(&env.app, tenant).await.unwrap();
    congxa_compliance::check(&mut tx, calendar, today())
        .await
        .unwrap()
}

fn failed(list: &Checklist) -> Vec<String> {
    list.failed().map(|c| c.code.clone()).collect()
}

async fn run(conn: &mut PgConnection, sql: &str, tenant: Uuid) {
    sqlx::query(AssertSqlSafe(sql.to_owned()))
        .bind(tenant)
        .execute(&mut *conn)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
}

/// Brings the demo commune to meet every rule: each section holds
/// something, the introduction is out, every item has its summary,
/// documents went out on their issue day, questions are answered, the
/// one-stop results and this week's schedule are out.
async fn make_whole(env: &TestEnv, tenant: Uuid) {
    let mut conn = env.admin.acquire().await.unwrap();
    let slugs: Vec<String> = INTRODUCTION_PAGES
        .iter()
        .map(|(s, _)| (*s).to_owned())
        .collect();
    sqlx::query(
        "UPDATE items SET status = 'published', published_at = COALESCE(published_at, now())
         WHERE tenant_id = $1 AND slug = ANY($2)",
    )
    .bind(tenant)
    .bind(&slugs)
    .execute(&mut *conn)
    .await
    .unwrap();
    for sql in [
        "UPDATE items SET summary = title WHERE tenant_id = $1 AND btrim(summary) = ''",
        // A published item in every top-level section that has none.
        "INSERT INTO items (tenant_id, section_id, slug, title, summary, status, published_at)
         SELECT s.tenant_id, s.id, 'mau-' || replace(s.path, '/', '-'), 'Nội dung mẫu của ' || s.name,
                'Tóm tắt', 'published', now()
         FROM sections s WHERE s.tenant_id = $1 AND s.parent_id IS NULL
           AND s.kind NOT IN ('questions', 'contacts')
           AND NOT EXISTS (SELECT 1 FROM items i JOIN sections c ON c.id = i.section_id
                           WHERE (c.id = s.id OR c.parent_id = s.id) AND i.status = 'published')",
        "UPDATE documents d SET issued_on = (i.published_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date
         FROM items i WHERE i.id = d.item_id AND d.tenant_id = $1 AND i.status = 'published'",
        "UPDATE documents d SET issued_on = (now() AT TIME ZONE 'Asia/Ho_Chi_Minh')::date
         FROM items i WHERE i.id = d.item_id AND d.tenant_id = $1 AND i.status <> 'published'",
        "UPDATE questions SET status = 'answered', answer = 'Trả lời', answered_at = now()
         WHERE tenant_id = $1 AND status IN ('received', 'processing')",
        "INSERT INTO one_stop_results (tenant_id, month, received, on_time, late, in_progress, online)
         SELECT $1, date_trunc('month', (now() AT TIME ZONE 'Asia/Ho_Chi_Minh')::date - 1)::date, 10, 9, 1, 0, 3
         ON CONFLICT DO NOTHING",
        "UPDATE site_profiles SET address = 'Thôn An Lạc', phone = '0225 3871 200',
                email = 'ubnd@quoctuan.vn', responsible_person = 'Lê Thị Thu Hà' WHERE tenant_id = $1",
        "UPDATE officials SET phone = '0912 000 111', duties = 'Phụ trách chung'
         WHERE tenant_id = $1 AND is_leader",
        "UPDATE officials SET is_info_focal = true, phone = '0912 000 222'
         WHERE id = (SELECT id FROM officials WHERE tenant_id = $1 ORDER BY sort_order LIMIT 1)",
    ] {
        run(&mut conn, sql, tenant).await;
    }
    // This week's schedule, published.
    let monday = congxa_locale::time::monday_of(today());
    let week: Option<Uuid> = sqlx::query_scalar(
        "SELECT item_id FROM schedule_weeks WHERE tenant_id = $1 AND week_start = $2",
    )
    .bind(tenant)
    .bind(monday)
    .fetch_optional(&mut *conn)
    .await
    .unwrap();
    match week {
        Some(item) => {
            sqlx::query(
                "UPDATE items SET status = 'published', published_at = now() WHERE id = $1",
            )
            .bind(item)
            .execute(&mut *conn)
            .await
            .unwrap();
        }
        None => {
            sqlx::query(
                "WITH i AS (INSERT INTO items (tenant_id, section_id, slug, title, summary, status, published_at)
                            SELECT $1, id, 'lich-tuan-nay', 'Lịch công tác tuần này', 'Lịch', 'published', now()
                            FROM sections WHERE tenant_id = $1 AND path = 'lich-cong-tac' RETURNING id)
                 INSERT INTO schedule_weeks (item_id, tenant_id, week_start) SELECT id, $1, $2 FROM i",
            )
            .bind(tenant)
            .bind(monday)
            .execute(&mut *conn)
            .await
            .unwrap();
        }
    }
}

/// Whether this week's schedule is due by today: some working day of the
/// week has come (a week all of Tết needs none).
fn schedule_due(calendar: &Calendar) -> bool {
    let monday = congxa_locale::time::monday_of(today());
    (0..7)
        .map(|d| monday + Duration::days(d))
        .any(|d| calendar.is_working_day(d) && d <= today())
}

#[tokio::test]
async fn every_rule_fails_on_a_commune_built_to_break_it_and_only_that_rule() {
    let env = TestEnv::new().await;
    let tenant = common::demo_commune(&env, "quoctuan", "Xã Quốc Tuấn").await;
    let calendar = Calendar::default();
    make_whole(&env, tenant).await;
    let whole = app_checklist(&env, tenant, &calendar).await;
    assert_eq!(failed(&whole), Vec::<String>::new(), "{whole:#?}");
    assert_eq!(whole.passed, whole.total);
    assert!(whole.total >= 20, "{}", whole.total);

    // Each break, in a transaction rolled back after it is checked: what
    // must fail then.
    let ten_days_ago = "(now() AT TIME ZONE 'Asia/Ho_Chi_Minh')::date - 10";
    let mut conn = env.admin.acquire().await.unwrap();
    let breaks: Vec<(String, &str)> = vec![
        (
            "UPDATE items SET status = 'withdrawn' WHERE tenant_id = $1 AND section_id IN
               (SELECT id FROM sections WHERE path = 'van-ban' OR path LIKE 'van-ban/%')".to_owned(),
            "section:van-ban",
        ),
        (
            "UPDATE sections SET path = 'lien-lac' WHERE tenant_id = $1 AND path = 'lien-he'".to_owned(),
            "section:lien-he",
        ),
        (
            "UPDATE items SET status = 'draft' WHERE tenant_id = $1 AND slug = 'ban-do-dia-gioi'".to_owned(),
            "introduction",
        ),
        (
            "UPDATE items SET summary = '' WHERE id = (SELECT id FROM items WHERE tenant_id = $1
               AND status = 'published' ORDER BY published_at DESC LIMIT 1)".to_owned(),
            "dublin-core",
        ),
        ("UPDATE site_profiles SET phone = '' WHERE tenant_id = $1".to_owned(), "footer"),
        ("UPDATE officials SET is_info_focal = false WHERE tenant_id = $1".to_owned(), "contacts"),
        ("UPDATE officials SET duties = '' WHERE tenant_id = $1".to_owned(), "leaders"),
        (
            "UPDATE documents d SET issued_on = (i.published_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date - 10
             FROM items i WHERE i.id = d.item_id AND d.item_id = (SELECT d.item_id FROM documents d
               JOIN items i ON i.id = d.item_id WHERE d.tenant_id = $1 AND i.status = 'published'
               ORDER BY d.item_id LIMIT 1)".to_owned(),
            "documents-on-time",
        ),
        (
            format!(
                "WITH i AS (INSERT INTO items (tenant_id, section_id, slug, title, summary)
                            SELECT $1, id, 'chua-dang', 'Quyết định chưa đăng', 'Trích yếu'
                            FROM sections WHERE tenant_id = $1 AND path = 'van-ban' RETURNING id)
                 INSERT INTO documents (item_id, tenant_id, doc_type, number_symbol, issuing_body, issued_on)
                 SELECT id, $1, 'Quyết định', '99/QĐ-UBND', 'UBND xã', {ten_days_ago} FROM i"
            ),
            "documents-on-time",
        ),
        (
            "INSERT INTO questions (tenant_id, code, slug, asker_name, title, body, created_at)
             VALUES ($1, 'HD-QUAHAN01', 'qua-han', 'Nguyễn Văn A', 'Hỏi về đất', 'Nội dung', now() - interval '40 days')"
                .to_owned(),
            "questions-answered",
        ),
        ("DELETE FROM one_stop_results WHERE tenant_id = $1".to_owned(), "one-stop-current"),
    ];
    for (sql, code) in &breaks {
        let mut tx = conn.begin().await.unwrap();
        run(&mut tx, sql, tenant).await;
        let broken = checklist(&mut tx, tenant, &calendar).await;
        assert_eq!(
            failed(&broken),
            vec![(*code).to_owned()],
            "after {sql}: {broken:#?}"
        );
        let check = broken.checks.iter().find(|c| c.code == *code).unwrap();
        assert!(
            !check.finding.is_empty()
                && !check.fix.is_empty()
                && check.fix_path.starts_with("/quan-tri")
        );
        tx.rollback().await.unwrap();
    }

    // A question asked yesterday is not late yet.
    let mut tx = conn.begin().await.unwrap();
    run(
        &mut tx,
        "INSERT INTO questions (tenant_id, code, slug, asker_name, title, body, created_at)
         VALUES ($1, 'HD-MOIHOI01', 'moi-hoi', 'Trần Thị B', 'Hỏi mới', 'Nội dung', now() - interval '1 day')",
        tenant,
    )
    .await;
    assert_eq!(
        failed(&checklist(&mut tx, tenant, &calendar).await),
        Vec::<String>::new()
    );
    tx.rollback().await.unwrap();

    // This week's schedule withdrawn, last week's still out: late once a
    // working day of the week has come.
    let mut tx = conn.begin().await.unwrap();
    let monday = congxa_locale::time::monday_of(today());
    sqlx::query(
        "WITH i AS (INSERT INTO items (tenant_id, section_id, slug, title, summary, status, published_at)
                    SELECT $1, id, 'lich-tuan-truoc', 'Lịch công tác tuần trước', 'Lịch', 'published', now()
                    FROM sections WHERE tenant_id = $1 AND path = 'lich-cong-tac' RETURNING id)
         INSERT INTO schedule_weeks (item_id, tenant_id, week_start) SELECT id, $1, $2 FROM i
         ON CONFLICT DO NOTHING",
    )
    .bind(tenant)
    .bind(monday - Duration::days(7))
    .execute(&mut *tx)
    .await
    .unwrap();
    sqlx::query(
        "UPDATE items SET status = 'withdrawn'
         WHERE id IN (SELECT item_id FROM schedule_weeks WHERE tenant_id = $1 AND week_start = $2)",
    )
    .bind(tenant)
    .bind(monday)
    .execute(&mut *tx)
    .await
    .unwrap();
    let expected: Vec<String> = if schedule_due(&calendar) {
        vec!["schedule-current".to_owned()]
    } else {
        Vec::new()
    };
    assert_eq!(
        failed(&checklist(&mut tx, tenant, &calendar).await),
        expected
    );
    tx.rollback().await.unwrap();
}

/// A Friday at least two weeks back whose next working days are ordinary
/// (no holiday from it to the Tuesday after).
fn plain_friday(calendar: &Calendar) -> Date {
    let mut day = today() - Duration::days(14);
    loop {
        if day.weekday() == Weekday::Friday
            && (0..=4).all(|d| calendar.holiday(day + Duration::days(d)).is_none())
        {
            return day;
        }
        day -= Duration::days(1);
    }
}

#[tokio::test]
async fn deadlines_count_the_working_days_the_operators_announced() {
    let env = TestEnv::new().await;
    let tenant = common::demo_commune(&env, "quoctuan", "Xã Quốc Tuấn").await;
    make_whole(&env, tenant).await;
    let mut conn = env.admin.acquire().await.unwrap();
    let friday = plain_friday(&Calendar::default());
    let first_document = "(SELECT d.item_id FROM documents d JOIN items i ON i.id = d.item_id
                           WHERE d.tenant_id = $1 AND i.status = 'published' ORDER BY d.item_id LIMIT 1)";
    let tuesday = friday + Duration::days(4);
    // Issued on a Friday, posted on the Tuesday: two working days.
    sqlx::query(AssertSqlSafe(format!(
        "UPDATE items SET published_at = ($2::date + time '09:00') AT TIME ZONE 'Asia/Ho_Chi_Minh'
         WHERE id = {first_document}"
    )))
    .bind(tenant)
    .bind(tuesday)
    .execute(&mut *conn)
    .await
    .unwrap();
    sqlx::query(AssertSqlSafe(format!(
        "UPDATE documents SET issued_on = $2 WHERE item_id = {first_document}"
    )))
    .bind(tenant)
    .bind(friday)
    .execute(&mut *conn)
    .await
    .unwrap();
    let stored = congxa_calendar::stored::load(&mut conn).await.unwrap();
    assert!(
        !failed(&app_checklist(&env, tenant, &stored).await)
            .contains(&"documents-on-time".to_owned())
    );

    // The Saturday between made a working day: the Tuesday is one day late.
    sqlx::query(
        "INSERT INTO calendar_overrides (day, kind, label) VALUES ($1, 'working_day', 'Làm bù')",
    )
    .bind(friday + Duration::days(1))
    .execute(&env.admin)
    .await
    .unwrap();
    let stored = congxa_calendar::stored::load(&mut conn).await.unwrap();
    let list = app_checklist(&env, tenant, &stored).await;
    assert_eq!(
        failed(&list),
        vec!["documents-on-time".to_owned()],
        "{list:#?}"
    );
    let late = list
        .checks
        .iter()
        .find(|c| c.code == "documents-on-time")
        .unwrap();
    assert_eq!(late.examples.len(), 1);
    assert!(
        late.examples[0]
            .label
            .contains(&congxa_locale::time::day_date(friday + Duration::days(3))),
        "{:?}",
        late.examples
    );

    // The Monday made a day off instead: on time again.
    sqlx::query("DELETE FROM calendar_overrides")
        .execute(&env.admin)
        .await
        .unwrap();
    sqlx::query(
        "INSERT INTO calendar_overrides (day, kind, label) VALUES ($1, 'day_off', 'Nghỉ bù')",
    )
    .bind(friday + Duration::days(3))
    .execute(&env.admin)
    .await
    .unwrap();
    let stored = congxa_calendar::stored::load(&mut conn).await.unwrap();
    assert!(
        !failed(&app_checklist(&env, tenant, &stored).await)
            .contains(&"documents-on-time".to_owned())
    );
}

/// A file the workspace serves, with its content type.
async fn download(head: &common::workspace::Browser, path: &str) -> (StatusCode, String, Vec<u8>) {
    let response = head.answer(path).await;
    let status = response.status();
    let kind = response
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    (status, kind, response.bytes().await.unwrap().to_vec())
}

/// Posts a form of owned values with the CSRF token.
async fn post(
    head: &mut common::workspace::Browser,
    path: String,
    fields: Vec<(&'static str, String)>,
    csrf: String,
) -> (StatusCode, String) {
    let mut pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    pairs.push(("csrf", &csrf));
    head.post(&path, &pairs).await
}

fn grouped(n: i64) -> String {
    congxa_locale::number::grouped(u64::try_from(n).unwrap())
}

async fn scalar(env: &TestEnv, sql: &str, year: i32) -> i64 {
    sqlx::query_scalar(AssertSqlSafe(sql.to_owned()))
        .bind(year)
        .fetch_one(&env.admin)
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn the_yearly_report_states_the_databases_figures_opens_in_libreoffice_and_stays_as_issued() {
    use common::workspace::{field, head_of};
    let env = TestEnv::new().await;
    let password = head_of(&env, "quoctuan", "Xã Quốc Tuấn", "tb@quoctuan.vn").await;
    common::visits_of_a_month(&env, "quoctuan").await;
    let year = today().year();
    // Three notices and two articles on plans this year, one notice the
    // year before.
    sqlx::query(
        "INSERT INTO items (tenant_id, section_id, slug, title, summary, status, published_at)
         SELECT s.tenant_id, s.id, replace(s.path, '/', '-') || '-' || n, 'Tin số ' || n, 'Tóm tắt', 'published',
                make_timestamptz($1, 1, 5, n, 0, 0, 'Asia/Ho_Chi_Minh')
         FROM sections s, generate_series(1, 3) n WHERE s.path = 'tin-tuc/thong-bao'
         UNION ALL
         SELECT s.tenant_id, s.id, 'ke-hoach-' || n, 'Kế hoạch số ' || n, 'Tóm tắt', 'published',
                make_timestamptz($1, 2, 3, n, 0, 0, 'Asia/Ho_Chi_Minh')
         FROM sections s, generate_series(1, 2) n WHERE s.path = 'ke-hoach'
         UNION ALL
         SELECT s.tenant_id, s.id, 'nam-truoc', 'Tin năm trước', 'Tóm tắt', 'published',
                make_timestamptz($1 - 1, 6, 1, 8, 0, 0, 'Asia/Ho_Chi_Minh')
         FROM sections s WHERE s.path = 'tin-tuc/thong-bao'",
    )
    .bind(year)
    .execute(&env.admin)
    .await
    .unwrap();
    // The notices went through the workflow: submitted 10, 20 and 30 hours
    // before they were out (a median of 20), the first after the day it was
    // wanted by; one was returned once on the way.
    sqlx::query(
        "UPDATE items SET submitted_at = published_at - (split_part(slug, '-', 5)::int * 10 || ' hours')::interval,
                          target_date = CASE WHEN slug LIKE '%-1' THEN (published_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date - 1 END
         WHERE slug LIKE 'tin-tuc-thong-bao-_'",
    )
    .execute(&env.admin)
    .await
    .unwrap();
    sqlx::query(
        "INSERT INTO item_transitions (tenant_id, item_id, action, from_status, to_status, at)
         SELECT tenant_id, id, 'submit', 'draft', 'submitted', submitted_at FROM items WHERE slug LIKE 'tin-tuc-thong-bao-_'
         UNION ALL
         SELECT tenant_id, id, 'return', 'awaiting_approval', 'returned', submitted_at + interval '1 hour'
         FROM items WHERE slug = 'tin-tuc-thong-bao-2'",
    )
    .execute(&env.admin)
    .await
    .unwrap();
    // What the report must state, read here on its own.
    let published = scalar(
        &env,
        "SELECT count(*) FROM items WHERE status = 'published'
           AND extract(year FROM published_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::int = $1",
        year,
    )
    .await;
    let views = scalar(
        &env,
        "SELECT COALESCE(sum(views), 0)::bigint FROM visit_days WHERE extract(year FROM day)::int = $1",
        year,
    )
    .await;
    let visits = scalar(
        &env,
        "SELECT COALESCE(sum(visits), 0)::bigint FROM visit_days WHERE extract(year FROM day)::int = $1",
        year,
    )
    .await;
    // The year's visitors as the analytics flush keeps them (the year's
    // visitor log, whose count is what the report states).
    sqlx::query(
        "INSERT INTO visit_periods (tenant_id, period, starts, visitors)
         SELECT id, 'year', make_date($1, 1, 1), 880 FROM tenants WHERE slug = 'quoctuan'",
    )
    .bind(year)
    .execute(&env.admin)
    .await
    .unwrap();
    let visitors = scalar(
        &env,
        "SELECT visitors FROM visit_periods WHERE period = 'year' AND extract(year FROM starts)::int = $1",
        year,
    )
    .await;
    let to_date = scalar(
        &env,
        "SELECT (SELECT visits_offset FROM tenants) + COALESCE(sum(views), 0)::bigint
         FROM visit_days WHERE extract(year FROM day)::int <= $1",
        year,
    )
    .await;
    let news_in_year = scalar(
        &env,
        "SELECT count(*) FROM items i JOIN sections s ON s.id = i.section_id
         WHERE (s.path = 'tin-tuc' OR s.path LIKE 'tin-tuc/%') AND i.status = 'published'
           AND extract(year FROM i.published_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::int = $1",
        year,
    )
    .await;
    assert_eq!(published, 5);
    assert_eq!(news_in_year, 3);

    let platform = common::browser::Platform::start(&env).await;
    let mut head =
        common::workspace::signed_in_head(&platform, "quoctuan.localhost", &password).await;
    let (status, page) = head.get("/quan-tri/bao-cao-nam").await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert!(page.contains("Chưa ban hành được"), "{page}");
    assert!(page.contains("quyết định thành lập Ban biên tập"), "{page}");
    let csrf = field(&page, "csrf");

    // The decisions the report cites, in the site's particulars.
    let (status, saved) = head
        .post(
            "/quan-tri/cai-dat",
            &[
                ("csrf", &csrf),
                ("agency", "Ủy ban nhân dân xã Quốc Tuấn"),
                ("address", "Thôn An Lạc, xã Quốc Tuấn"),
                ("phone", "0225 3871 200"),
                ("email", "ubnd@quoctuan.vn"),
                ("responsible_person", "Lê Thị Thu Hà"),
                ("responsible_title", "Phó Chủ tịch"),
                ("licence", ""),
                ("office_hours", ""),
                (
                    "board_decision",
                    "Quyết định số 87/QĐ-UBND ngày 15/8/2025 của Ủy ban nhân dân xã",
                ),
                (
                    "rules_decision",
                    "Quyết định số 88/QĐ-UBND ngày 15/8/2025 của Ủy ban nhân dân xã",
                ),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(saved.contains("Đã lưu thông tin của trang."), "{saved}");

    // Bad input is refused with the reason, and nothing is kept.
    let draft = |number: &'static str, date: String, version: &'static str| {
        vec![
            ("number_symbol", number.to_owned()),
            ("place", "Quốc Tuấn".to_owned()),
            ("report_date", date),
            (
                "advantages",
                "Trang cập nhật đều đặn.\nNgười dân tra cứu văn bản thuận tiện.".to_owned(),
            ),
            (
                "difficulties",
                "Thành viên Ban biên tập làm việc kiêm nhiệm.".to_owned(),
            ),
            ("direction", "Đăng văn bản đúng hạn.".to_owned()),
            ("recipients", "Văn phòng UBND tỉnh;\nLưu: VT.".to_owned()),
            ("signer_authority", "TM. ỦY BAN NHÂN DÂN".to_owned()),
            ("signer_title", "CHỦ TỊCH".to_owned()),
            ("signer_name", "Phạm Văn Thành".to_owned()),
            ("version", version.to_owned()),
        ]
    };
    let iso_today = today().to_string();
    let path = format!("/quan-tri/bao-cao-nam/{year}");
    let (status, page) = post(
        &mut head,
        path.clone(),
        draft("abc", iso_today.clone(), "0"),
        csrf.clone(),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        page.contains("Số, ký hiệu “abc” chưa đúng cách ghi"),
        "{page}"
    );
    let (status, page) = post(
        &mut head,
        path.clone(),
        draft("142/BC-UBND", "32/13/2026".to_owned(), "0"),
        csrf.clone(),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        page.contains("Ngày báo cáo “32&#x2f;13&#x2f;2026” không hợp lệ"),
        "{page}"
    );
    assert_eq!(
        scalar(
            &env,
            "SELECT count(*) FROM yearly_reports WHERE year = $1",
            year
        )
        .await,
        0
    );

    let (status, to) = post(
        &mut head,
        path.clone(),
        draft("142/BC-UBND", iso_today.clone(), "0"),
        csrf.clone(),
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{to}");
    // A second save from the same old form is refused, not merged.
    let (status, page) = post(
        &mut head,
        path.clone(),
        draft("143/BC-UBND", iso_today.clone(), "0"),
        csrf.clone(),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("đã được người khác sửa"), "{page}");

    // The DOCX, read back by LibreOffice.
    let (status, kind, docx) =
        download(&head, &format!("/quan-tri/bao-cao-nam/{year}/bao-cao.docx")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(kind.contains("wordprocessingml"), "{kind}");
    let text = flat(&read_docx(&docx).text);
    for piece in [
        "ỦY BAN NHÂN DÂN".to_owned(),
        "XÃ QUỐC TUẤN".to_owned(),
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM".to_owned(),
        "Độc lập - Tự do - Hạnh phúc".to_owned(),
        "Số: 142/BC-UBND".to_owned(),
        "BÁO CÁO".to_owned(),
        congxa_docx::place_and_date("Quốc Tuấn", today()),
    ] {
        assert!(text.contains(&piece), "«{piece}» not in {text}");
    }
    assert_eq!(text.matches("Số:").count(), 1, "{text}");
    assert_in_order(
        &text,
        &[
            "BÁO CÁO".to_owned(),
            format!("Tình hình hoạt động của trang thông tin điện tử xã Quốc Tuấn năm {year}"),
            "I. TÌNH HÌNH HOẠT ĐỘNG".to_owned(),
            "Quyết định số 87/QĐ-UBND ngày 15/8/2025".to_owned(),
            "Quyết định số 88/QĐ-UBND ngày 15/8/2025".to_owned(),
            "Ban biên tập gồm 1 thành viên:".to_owned(),
            "- Lê Thị Thu Hà, trưởng ban.".to_owned(),
            format!(
                "Trong năm {year}, Ban biên tập tiếp nhận 3 lượt tin, bài gửi duyệt, trả lại 1 lượt để chỉnh sửa; \
                 thời gian từ khi gửi đến khi đăng (trung vị) là 20,0 giờ; 1 tin, bài đăng sau ngày dự kiến."
            ),
            "2. Kết quả hoạt động".to_owned(),
            "Tin tức - Sự kiện".to_owned(),
            news_in_year.to_string(),
            "Kế hoạch - Quy hoạch".to_owned(),
            "2".to_owned(),
            "Tổng cộng".to_owned(),
            published.to_string(),
            format!("Trong năm {year}, trang đã đăng {published} tin, bài, văn bản."),
            format!(
                "đến hết năm {year}: {} lượt xem trang. Riêng năm {year}: {} lượt xem trang, {} lượt truy cập, {} lượt người truy cập",
                grouped(to_date),
                grouped(views),
                grouped(visits),
                grouped(visitors)
            ),
            "II. ĐÁNH GIÁ".to_owned(),
            "Trang cập nhật đều đặn.".to_owned(),
            "Người dân tra cứu văn bản thuận tiện.".to_owned(),
            "Thành viên Ban biên tập làm việc kiêm nhiệm.".to_owned(),
            format!("III. PHƯƠNG HƯỚNG, NHIỆM VỤ NĂM {}", year + 1),
            "Đăng văn bản đúng hạn.".to_owned(),
            "Nơi nhận:".to_owned(),
            "- Văn phòng UBND tỉnh;".to_owned(),
            "- Lưu: VT.".to_owned(),
        ],
    );
    assert_in_order(
        &text,
        &[
            "TM. ỦY BAN NHÂN DÂN".to_owned(),
            "CHỦ TỊCH".to_owned(),
            "Phạm Văn Thành".to_owned(),
        ],
    );

    // The printable page says the same.
    let (status, print) = head
        .get(&format!("/quan-tri/bao-cao-nam/{year}/ban-in"))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(print.contains("@page{size:A4"), "{print}");
    assert!(print.contains(&format!(
        "Trong năm {year}, trang đã đăng {published} tin, bài, văn bản."
    )));

    // Issued: kept as it was, whatever happens after.
    let (_, page) = head.get("/quan-tri/bao-cao-nam").await;
    let (status, to) = head
        .post(
            &format!("/quan-tri/bao-cao-nam/{year}/ban-hanh"),
            &[("csrf", &csrf), ("version", &field(&page, "version"))],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{to}");
    sqlx::query(
        "INSERT INTO items (tenant_id, section_id, slug, title, summary, status, published_at)
         SELECT tenant_id, id, 'sau-ban-hanh', 'Tin đăng sau', 'Tóm tắt', 'published', now()
         FROM sections WHERE path = 'tin-tuc/thong-bao'",
    )
    .execute(&env.admin)
    .await
    .unwrap();
    let (_, _, again) =
        download(&head, &format!("/quan-tri/bao-cao-nam/{year}/bao-cao.docx")).await;
    let text = flat(&read_docx(&again).text);
    assert!(
        text.contains(&format!(
            "Trong năm {year}, trang đã đăng {published} tin, bài, văn bản."
        )),
        "{text}"
    );
    let (status, page) = post(
        &mut head,
        path.clone(),
        draft("150/BC-UBND", iso_today.clone(), "2"),
        csrf.clone(),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        page.contains("đã ban hành nên không sửa được nữa"),
        "{page}"
    );
    let tenant: Uuid = sqlx::query_scalar("SELECT id FROM tenants WHERE slug = 'quoctuan'")
        .fetch_one(&env.admin)
        .await
        .unwrap();
    let mut tx = congxa_db::begin_for_tenant(&env.app, tenant).await.unwrap();
    let changed = sqlx::query("UPDATE yearly_reports SET advantages = 'sửa lén' WHERE year = $1")
        .bind(year)
        .execute(&mut *tx)
        .await;
    assert!(changed.is_err(), "an issued report changed");
    drop(tx);
    let kept: String = sqlx::query_scalar("SELECT status FROM yearly_reports WHERE year = $1")
        .bind(year)
        .fetch_one(&env.admin)
        .await
        .unwrap();
    assert_eq!(kept, "issued");
    platform.stop().await;
}
