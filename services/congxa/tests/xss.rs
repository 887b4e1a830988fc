//! Hundreds of hostile strings (tests/browser/xss-vectors.json) sent through
//! every field people fill in: the board's title, summary and body, the
//! site's particulars and look, officials, menu labels, a document's number
//! and issuer, a week's schedule, the yearly report, a citizen's question,
//! the board's answer, a comment on a draft. Then a real Chromium opens every
//! page that shows them, public and workspace alike, with the page's CSP
//! switched off: nothing runs. The feeds and the API parse and give the
//! strings back as typed; the CSV export holds no formula; the DOCX report
//! opens in LibreOffice with the strings as text.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::Duration;

use common::browser::{Platform, Scripts, assert_passed};
use common::workspace::{Browser, field};
use congxa_testing::TestEnv;
use reqwest::StatusCode;

const HOST: &str = "quoctuan.localhost";
const VECTORS: &str = include_str!("../../../tests/browser/xss-vectors.json");

#[tokio::test(flavor = "multi_thread")]
async fn hundreds_of_hostile_strings_through_every_field_never_run() {
    let scripts = Scripts::installed();
    let vectors: Vec<String> = serde_json::from_str(VECTORS).unwrap();
    assert!(vectors.len() >= 300);
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
            "Trưởng ban",
            "--role",
            "head",
            "--json",
        ],
    )
    .await;
    let one_time = head.json()["one_time_password"]
        .as_str()
        .unwrap()
        .to_owned();
    let platform = Platform::start(&env).await;
    let mut client = Browser::new(&platform, HOST);
    let csrf = client
        .sign_in(
            "tb@quoctuan.vn",
            &one_time,
            "câu mật khẩu rất dài của trưởng ban",
        )
        .await;

    // Ten items carry all the vectors: one in the title, one in the
    // summary, ten in the body. Each is published.
    let mut items = Vec::new();
    // Titles and summaries refuse control characters: those vectors go
    // into bodies only.
    let plain = |v: &&String| !v.chars().any(|c| c.is_control() && !"\t\n\r".contains(c));
    for chunk in vectors.chunks(vectors.len().div_ceil(10)) {
        let body = chunk
            .iter()
            .map(|v| format!("<p>{v}</p>"))
            .collect::<String>();
        let mut heads = chunk
            .iter()
            .filter(|v| !v.chars().any(congxa_board::items::refused_in_titles));
        let (title, summary) = (heads.next().unwrap(), heads.next().unwrap());
        let created = client
            .post(
                "/quan-tri/tin-bai/moi",
                &[
                    ("csrf", &csrf),
                    ("section", "tin-tuc/kinh-te-xa-hoi"),
                    ("title", title),
                    ("summary", summary),
                    ("body", &body),
                ],
            )
            .await;
        assert_eq!(
            created.0,
            reqwest::StatusCode::SEE_OTHER,
            "{title:?}: {}",
            created.1
        );
        let to = created.1.split('?').next().unwrap().to_owned();
        let id = to.trim_start_matches("/quan-tri/tin-bai/").to_owned();
        let published = client
            .post(
                &format!("/quan-tri/tin-bai/{id}/thao-tac"),
                &[("csrf", &csrf), ("action", "publish")],
            )
            .await;
        assert_eq!(published.0, reqwest::StatusCode::SEE_OTHER);
        items.push(to);
    }

    // Links to state portals named with vectors, on every public page's
    // home block and the head's list.
    for vector in &vectors[20..30] {
        let added = client
            .post(
                "/quan-tri/lien-ket",
                &[
                    ("csrf", &csrf),
                    ("label", vector),
                    ("url", "https://chinhphu.vn/"),
                ],
            )
            .await;
        assert_eq!(added.0, reqwest::StatusCode::SEE_OTHER, "{vector:?}");
    }

    let mut plain_vectors = vectors
        .iter()
        .filter(|v| {
            plain(v)
                && v.chars().count() <= 200
                && !v
                    .chars()
                    .any(|c| congxa_board::items::refused_in_titles(c) && !"\t\n\r".contains(c))
        })
        .cycle();
    let mut next = || plain_vectors.next().unwrap().clone();
    let intro: String = sqlx::query_scalar(
        "SELECT 'muc:' || s.id FROM sections s JOIN tenants t ON t.id = s.tenant_id
         WHERE t.slug = 'quoctuan' AND s.path = 'gioi-thieu'",
    )
    .fetch_one(&env.admin)
    .await
    .unwrap();
    particulars_and_look(&mut client, &csrf, &intro, &mut next).await;
    let (document, week) = a_document_and_a_week(&mut client, &csrf, &mut next).await;
    let year = congxa_locale::time::now().date().year();
    let report = the_yearly_report(&mut client, &csrf, year, &mut next).await;
    let formulas = titles_a_spreadsheet_would_run(&mut client, &csrf, &vectors).await;

    // A citizen's question full of vectors, answered publicly with more.
    let ask = client.get("/hoi-dap/dat-cau-hoi").await.1;
    let stamp = field(&ask, "dau");
    tokio::time::sleep(Duration::from_millis(3_100)).await;
    let asked = client
        .post(
            "/hoi-dap/dat-cau-hoi",
            &[
                ("dau", &stamp),
                ("ho-ten", &vectors[3]),
                ("email", "a@b.vn"),
                ("dia-chi", &vectors[5]),
                ("tieu-de", &vectors[6]),
                ("noi-dung", &vectors[7..20].join(" ")),
            ],
        )
        .await;
    assert_eq!(asked.0, reqwest::StatusCode::SEE_OTHER);
    let tracking = asked.1;
    let question: String =
        sqlx::query_scalar("SELECT id::text FROM questions WHERE asker_email = 'a@b.vn'")
            .fetch_one(&env.admin)
            .await
            .unwrap();
    let answered = client
        .post(
            &format!("/quan-tri/hoi-dap/{question}"),
            &[
                ("csrf", &csrf),
                ("status", "answered"),
                ("answer", &vectors[20..40].join("<br>")),
                ("nguoi-tra-loi", &vectors[40]),
                ("cong-khai", "1"),
            ],
        )
        .await;
    assert_eq!(answered.0, reqwest::StatusCode::SEE_OTHER);
    let question_page: String =
        sqlx::query_scalar("SELECT '/hoi-dap/' || slug FROM questions WHERE id = $1::uuid")
            .bind(&question)
            .fetch_one(&env.admin)
            .await
            .unwrap();

    // A comment on the open draft, shown by the board.
    let draft: String = sqlx::query_scalar(
        "SELECT '/lay-y-kien/' || i.slug FROM consultations c JOIN items i ON i.id = c.item_id WHERE c.closes_at > now()",
    )
    .fetch_one(&env.admin)
    .await
    .unwrap();
    let draft_page = client.get(&draft).await.1;
    let comment_stamp = field(&draft_page, "dau");
    let action = draft_page
        .split("action=\"/gop-y/")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_owned();
    tokio::time::sleep(Duration::from_millis(3_100)).await;
    let commented = client
        .post(
            &format!("/gop-y/{action}"),
            &[
                ("dau", &comment_stamp),
                ("ho-ten", &vectors[41]),
                ("noi-dung", &vectors[42..60].join("\n")),
            ],
        )
        .await;
    assert_eq!(commented.0, reqwest::StatusCode::SEE_OTHER);
    let comment: String =
        sqlx::query_scalar("SELECT id::text FROM consultation_comments WHERE status = 'received'")
            .fetch_one(&env.admin)
            .await
            .unwrap();
    client
        .post(
            &format!("/quan-tri/gop-y/{comment}"),
            &[("csrf", &csrf), ("quyet-dinh", "dang")],
        )
        .await;

    // Every page that shows them, public and in the workspace.
    let public_items: Vec<String> =
        sqlx::query_scalar(
            "SELECT '/' || s.path || '/' || i.slug FROM items i JOIN sections s ON s.id = i.section_id
             WHERE i.created_by IS NOT NULL AND i.status = 'published' AND s.path = 'tin-tuc/kinh-te-xa-hoi'
             ORDER BY i.created_at",
        )
            .fetch_all(&env.admin)
            .await
            .unwrap();
    assert_eq!(public_items.len(), 10);
    let mut public: Vec<String> = vec![
        "/".into(),
        "/tin-tuc".into(),
        "/tin-tuc/kinh-te-xa-hoi".into(),
        "/tim-kiem?q=alert".into(),
        "/hoi-dap".into(),
        "/rss".into(),
    ];
    public.extend(public_items);
    public.extend([question_page, tracking, draft.clone()]);
    public.retain(|p| p != "/rss");
    let public_document: String =
        sqlx::query_scalar("SELECT '/van-ban/' || slug FROM items WHERE id = $1::uuid")
            .bind(&document)
            .fetch_one(&env.admin)
            .await
            .unwrap();
    let public_week: String =
        sqlx::query_scalar("SELECT '/lich-cong-tac/' || slug FROM items WHERE id = $1::uuid")
            .bind(&week)
            .fetch_one(&env.admin)
            .await
            .unwrap();
    public.extend([
        "/lien-he".to_owned(),
        "/gioi-thieu".to_owned(),
        "/van-ban".to_owned(),
        "/lich-cong-tac".to_owned(),
        "/so-do-trang".to_owned(),
        public_document,
        public_week,
    ]);
    let mut workspace: Vec<String> = vec![
        "/quan-tri".into(),
        "/quan-tri/tin-bai".into(),
        "/quan-tri/hoi-dap".into(),
        "/quan-tri/nhat-ky".into(),
        "/quan-tri/lien-ket".into(),
    ];
    workspace.extend(items.iter().cloned());
    workspace.extend(items.iter().take(2).map(|i| format!("{i}/xem-truoc")));
    workspace.extend(items.iter().take(2).map(|i| format!("{i}/phien-ban")));
    for id in [&document, &week] {
        workspace.push(format!("/quan-tri/tin-bai/{id}"));
        workspace.push(format!("/quan-tri/tin-bai/{id}/thong-tin"));
    }
    workspace.extend([
        "/quan-tri/cai-dat".to_owned(),
        "/quan-tri/giao-dien".to_owned(),
        "/quan-tri/giao-dien/trinh-don".to_owned(),
        "/quan-tri/bao-cao-nam".to_owned(),
        format!("/quan-tri/bao-cao-nam/{year}/ban-in"),
    ]);

    feeds_and_api_give_the_strings_back(&mut client, &vectors).await;
    the_audit_csv_holds_no_formula(&mut client, &formulas).await;
    the_report_opens_as_text(&client, year, &report).await;

    let session = format!("congxa_quan_tri={}", client.cookies["congxa_quan_tri"]);
    let base = format!("http://{HOST}:{}/", platform.port);
    let args: Vec<&str> = std::iter::once(base.as_str())
        .chain(public.iter().map(String::as_str))
        .collect();
    let on_site = scripts
        .run("xss.mjs", args, &base, Duration::from_secs(300))
        .await;
    let args: Vec<&str> = std::iter::once(base.as_str())
        .chain(workspace.iter().map(String::as_str))
        .collect();
    let in_workspace = scripts
        .run_with(
            "xss.mjs",
            args,
            &[("SITE_COOKIE", session.as_str())],
            &base,
            Duration::from_secs(300),
        )
        .await;
    platform.stop().await;
    assert_passed(&base, &on_site);
    assert_passed(&base, &in_workspace);
}

/// Posts `pairs`, owned.
async fn post(client: &mut Browser, path: &str, pairs: &[(&str, String)]) -> (StatusCode, String) {
    let refs: Vec<(&str, &str)> = pairs.iter().map(|(k, v)| (*k, v.as_str())).collect();
    client.post(path, &refs).await
}

/// The site's particulars (the footer and the contact page), its look's
/// header and footer lines, two officials and the menu's labels.
async fn particulars_and_look(
    client: &mut Browser,
    csrf: &str,
    intro: &str,
    next: &mut impl FnMut() -> String,
) {
    let mut profile = vec![("csrf", csrf.to_owned())];
    for name in [
        "agency",
        "address",
        "responsible_person",
        "responsible_title",
        "licence",
        "office_hours",
        "board_decision",
        "rules_decision",
    ] {
        profile.push((name, next()));
    }
    profile.push(("phone", "0225 3.888.999".to_owned()));
    profile.push(("email", "ubnd@quoctuan.vn".to_owned()));
    let (status, page) = post(client, "/quan-tri/cai-dat", &profile).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert!(page.contains("Đã lưu thông tin của trang."), "{page}");

    let look = [
        ("csrf", csrf.to_owned()),
        ("theme", "default".to_owned()),
        ("font", "co-chan".to_owned()),
        ("header_text", next()),
        ("footer_text", next()),
    ];
    let (status, to) = post(client, "/quan-tri/giao-dien", &look).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{to}");

    for _ in 0..2 {
        let official = [
            ("csrf", csrf.to_owned()),
            ("name", next()),
            ("position", next()),
            ("phone", "0912 345 678".to_owned()),
            ("is_leader", "1".to_owned()),
        ];
        let (status, to) = post(client, "/quan-tri/cai-dat/can-bo", &official).await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{to}");
    }

    let menu = [
        ("csrf", csrf.to_owned()),
        ("thao_tac", "luu".to_owned()),
        ("so_dong", "5".to_owned()),
        ("ten_0", next()),
        ("dich_0", "dia-chi".to_owned()),
        ("dia_chi_0", "/lich-cong-tac".to_owned()),
        ("ten_1", next()),
        ("dich_1", "dia-chi".to_owned()),
        ("dia_chi_1", "https://dichvucong.haiphong.gov.vn".to_owned()),
        ("ten_2", next()),
        ("dich_2", "dia-chi".to_owned()),
        ("dia_chi_2", "/van-ban".to_owned()),
        ("ten_3", next()),
        ("dich_3", intro.to_owned()),
        ("dia_chi_3", String::new()),
        ("ten_4", next()),
        ("dich_4", "dia-chi".to_owned()),
        ("dia_chi_4", "/so-do-trang".to_owned()),
    ];
    let (status, page) = post(client, "/quan-tri/giao-dien/trinh-don", &menu).await;
    assert!(
        status == StatusCode::OK || status == StatusCode::SEE_OTHER,
        "{status}: {page}"
    );
}

/// A published document whose number, issuer, signer and summary are
/// hostile, and a published week whose lines are; their ids.
async fn a_document_and_a_week(
    client: &mut Browser,
    csrf: &str,
    next: &mut impl FnMut() -> String,
) -> (String, String) {
    // A title is one line.
    let title = std::iter::repeat_with(&mut *next)
        .find(|v| !v.chars().any(char::is_control))
        .unwrap();
    let document = [
        ("csrf", csrf.to_owned()),
        ("title", title),
        ("doc_type", next()),
        ("number_symbol", next()),
        ("issuing_body", next()),
        ("signer", next()),
        ("field", next()),
        ("issued_on", "20/11/2026".to_owned()),
        ("summary", next()),
    ];
    let (status, to) = post(client, "/quan-tri/van-ban/moi", &document).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{to}");
    let document = published(client, csrf, &to).await;

    let today = congxa_locale::time::now().date();
    // In three weeks: the demo commune has this week's and the next.
    let monday = today - time::Duration::days(i64::from(today.weekday().number_days_from_monday()))
        + time::Duration::weeks(3);
    let day = |d: time::Date| format!("{:02}/{:02}/{}", d.day(), u8::from(d.month()), d.year());
    let mut week = vec![("csrf", csrf.to_owned()), ("tuan", day(monday))];
    let names: Vec<[String; 6]> = (0..3)
        .map(|i| {
            [
                "ngay",
                "gio",
                "chu-tri",
                "noi-dung",
                "dia-diem",
                "thanh-phan",
            ]
            .map(|f| format!("{f}-{i}"))
        })
        .collect();
    for (i, [date, hour, leader, content, place, people]) in names.iter().enumerate() {
        week.push((
            date,
            day(monday + time::Duration::days(i64::try_from(i).unwrap())),
        ));
        week.push((hour, "07:30".to_owned()));
        week.push((leader, next()));
        week.push((content, next()));
        week.push((place, next()));
        week.push((people, next()));
    }
    let (status, to) = post(client, "/quan-tri/lich-cong-tac/moi", &week).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{to}");
    let week = published(client, csrf, &to).await;
    (document, week)
}

/// Publishes the item a new form sent to (`/quan-tri/tin-bai/<id>?…`);
/// its id.
async fn published(client: &mut Browser, csrf: &str, to: &str) -> String {
    let id = to
        .trim_start_matches("/quan-tri/tin-bai/")
        .split('?')
        .next()
        .unwrap()
        .to_owned();
    let (status, page) = client
        .post(
            &format!("/quan-tri/tin-bai/{id}/thao-tac"),
            &[("csrf", csrf), ("action", "publish")],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{page}");
    id
}

/// The year's report with hostile assessments, recipients and signer; the
/// strings it carries.
async fn the_yearly_report(
    client: &mut Browser,
    csrf: &str,
    year: i32,
    next: &mut impl FnMut() -> String,
) -> Vec<String> {
    let written: Vec<(&str, String)> = [
        "advantages",
        "difficulties",
        "direction",
        "recipients",
        "signer_name",
    ]
    .into_iter()
    .map(|name| (name, next()))
    .collect();
    let mut form = vec![
        ("csrf", csrf.to_owned()),
        ("number_symbol", "142/BC-UBND".to_owned()),
        ("place", "Quốc Tuấn".to_owned()),
        ("report_date", congxa_locale::time::now().date().to_string()),
        ("signer_authority", "TM. ỦY BAN NHÂN DÂN".to_owned()),
        ("signer_title", "CHỦ TỊCH".to_owned()),
        ("version", "0".to_owned()),
    ];
    form.extend(written.iter().cloned());
    let (status, to) = post(client, &format!("/quan-tri/bao-cao-nam/{year}"), &form).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{to}");
    written.into_iter().map(|(_, v)| v).collect()
}

/// Drafts titled with the corpus's spreadsheet formulas; the titles.
async fn titles_a_spreadsheet_would_run(
    client: &mut Browser,
    csrf: &str,
    vectors: &[String],
) -> Vec<String> {
    let formulas: Vec<String> = vectors
        .iter()
        .filter(|v| v.starts_with(['=', '+', '-', '@']))
        .cloned()
        .collect();
    assert!(formulas.len() >= 5, "{formulas:?}");
    for title in &formulas {
        let (status, to) = client
            .post(
                "/quan-tri/tin-bai/moi",
                &[
                    ("csrf", csrf),
                    ("section", "tin-tuc/kinh-te-xa-hoi"),
                    ("title", title),
                    ("body", "<p>Nội dung</p>"),
                ],
            )
            .await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{title}: {to}");
    }
    formulas
}

/// Reads `path` whole; its text.
async fn text_of(client: &mut Browser, path: &str) -> String {
    let (status, text) = client.get(path).await;
    assert_eq!(status, StatusCode::OK, "{path}: {text}");
    text
}

/// The texts of every `element` of an XML document, decoded; panics where
/// the document is not well-formed.
fn xml_texts(xml: &str, element: &[u8], what: &str) -> Vec<String> {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut texts = Vec::new();
    let mut current: Option<String> = None;
    loop {
        let event = reader.read_event().unwrap_or_else(|e| {
            panic!(
                "{what} is not well-formed XML at {}: {e}",
                reader.buffer_position()
            )
        });
        match (event, current.as_mut()) {
            (Event::Start(e), _) if e.local_name().as_ref() == element => {
                current = Some(String::new());
            }
            (Event::End(e), Some(_)) if e.local_name().as_ref() == element => {
                texts.extend(current.take());
            }
            (Event::Text(t), Some(text)) => text.push_str(&t.decode().unwrap()),
            (Event::CData(t), Some(text)) => text.push_str(&t.decode().unwrap()),
            (Event::GeneralRef(r), Some(text)) => {
                let name = r.decode().unwrap().into_owned();
                let resolved = match r.resolve_char_ref() {
                    Ok(Some(c)) => c.to_string(),
                    _ => quick_xml::escape::resolve_predefined_entity(&name)
                        .unwrap_or_else(|| panic!("{what}: unknown reference &{name};"))
                        .to_owned(),
                };
                text.push_str(&resolved);
            }
            (Event::Eof, _) => return texts,
            _ => {}
        }
    }
}

/// The RSS feeds and the sitemap are well-formed XML whose titles are the
/// titles as typed and whose descriptions hold no markup; the API's JSON gives titles back as typed and bodies as
/// cleaned HTML (cleaning them again changes nothing).
async fn feeds_and_api_give_the_strings_back(client: &mut Browser, vectors: &[String]) {
    let titles: Vec<String> = vectors
        .iter()
        .filter(|v| !v.chars().any(char::is_control))
        .cloned()
        .collect();
    let mut seen = 0;
    for feed in ["/rss", "/rss/tin-tuc", "/rss/tin-tuc/kinh-te-xa-hoi"] {
        let xml = text_of(client, feed).await;
        let found = xml_texts(&xml, b"title", feed);
        // Titles as a citizen typed them, not an entity or tag less.
        seen += found.iter().filter(|t| titles.contains(t)).count();
        // A reader shows a description as HTML: summaries are plain text,
        // so no markup at all.
        for description in xml_texts(&xml, b"description", feed) {
            assert!(
                !description.contains('<'),
                "{feed}: markup in {description:?}"
            );
        }
    }
    assert!(seen >= 10, "only {seen} typed titles in the feeds");
    let sitemap = text_of(client, "/sitemap.xml").await;
    assert!(xml_texts(&sitemap, b"loc", "/sitemap.xml").len() > 10);

    for list in ["/api/v1/bai-viet", "/api/v1/van-ban"] {
        let json: serde_json::Value = serde_json::from_str(&text_of(client, list).await)
            .unwrap_or_else(|e| panic!("{list}: {e}"));
        let entries = json["items"]
            .as_array()
            .unwrap_or_else(|| panic!("{list}: {json}"));
        assert!(!entries.is_empty(), "{list}");
        for entry in entries {
            let title = entry["title"].as_str().unwrap();
            assert!(
                vectors.iter().any(|v| v == title) || !title.contains('<'),
                "{list}: {title}"
            );
            let slug = entry["slug"].as_str().unwrap();
            let one: serde_json::Value =
                serde_json::from_str(&text_of(client, &format!("{list}/{slug}")).await).unwrap();
            if let Some(body) = one["body"].as_str() {
                assert_eq!(congxa_site::write::clean_html(body), body, "{list}/{slug}");
            }
        }
    }
}

/// The audit log's CSV: every cell that would open as a formula is
/// escaped, and the titles read back as typed behind the escape.
async fn the_audit_csv_holds_no_formula(client: &mut Browser, formulas: &[String]) {
    let csv = text_of(client, "/quan-tri/nhat-ky?dinh-dang=csv").await;
    let mut reader =
        csv::ReaderBuilder::new().from_reader(csv.trim_start_matches('\u{feff}').as_bytes());
    let mut cells = Vec::new();
    for record in reader.records() {
        cells.extend(record.unwrap().iter().map(str::to_owned));
    }
    for cell in &cells {
        assert!(
            !cell.starts_with(['=', '+', '-', '@', '\t', '\r']),
            "a formula: {cell:?}"
        );
    }
    for formula in formulas {
        assert!(
            cells.iter().any(|c| c.trim_start_matches('\'') == formula),
            "{formula} is not in the log's CSV"
        );
    }
}

/// The yearly report's DOCX: its XML well-formed, and LibreOffice reads the
/// hostile strings as text.
async fn the_report_opens_as_text(client: &Browser, year: i32, written: &[String]) {
    let response = client
        .answer(&format!("/quan-tri/bao-cao-nam/{year}/bao-cao.docx"))
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let docx = response.bytes().await.unwrap().to_vec();
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(&docx)).unwrap();
    let mut xml = String::new();
    std::io::Read::read_to_string(&mut archive.by_name("word/document.xml").unwrap(), &mut xml)
        .unwrap();
    let runs = xml_texts(&xml, b"t", "word/document.xml").concat();
    let read = congxa_testing::office::read_docx(&docx).text;
    let squeeze = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>();
    let (runs, read) = (squeeze(&runs), squeeze(&read));
    for text in written {
        for line in text.lines() {
            assert!(
                runs.contains(&squeeze(line)),
                "{line:?} not in the DOCX's text"
            );
            // Word by word: a printed page may wrap a line anywhere.
            if line.is_ascii() {
                for word in line.split_whitespace() {
                    assert!(
                        read.contains(word),
                        "{word:?} of {line:?} not read by LibreOffice"
                    );
                }
            }
        }
    }
}
