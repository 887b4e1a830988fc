//! A commune's public site end to end: every section and item kind served
//! through the gateway from the demo content, Vietnamese search, documents
//! search, feeds and site map, the JSON API, HTTP caching, the public forms
//! under hostile input, and one commune never seeing another's content.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::Duration;

use common::browser::Platform;
use common::workspace::field;
use congxa_testing::TestEnv;
use reqwest::StatusCode;
use serde_json::Value;

const HOST: &str = "quoctuan.localhost";
const OTHER: &str = "vinhbao.localhost";

/// A person's pause before sending a form (the forms refuse faster ones).
const HUMAN_PAUSE: Duration = Duration::from_millis(3_100);

struct Site {
    platform: Platform,
    http: reqwest::Client,
    env: TestEnv,
}

impl Site {
    /// The platform with Xã Quốc Tuấn (the demo content) and Xã Vĩnh Bảo
    /// (just provisioned).
    async fn start() -> Self {
        let env = TestEnv::new().await;
        common::demo_commune(&env, "quoctuan", "Xã Quốc Tuấn").await;
        common::create_tenant(&env, "vinhbao", "Xã Vĩnh Bảo", &[])
            .await
            .assert_ok();
        let platform = Platform::start(&env).await;
        let gateway = std::net::SocketAddr::from(([127, 0, 0, 1], platform.port));
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .resolve(HOST, gateway)
            .resolve(OTHER, gateway)
            .build()
            .unwrap();
        Self {
            platform,
            http,
            env,
        }
    }

    fn url(&self, host: &str, path: &str) -> String {
        format!("http://{host}:{}{path}", self.platform.port)
    }

    async fn get(&self, host: &str, path: &str) -> reqwest::Response {
        self.http.get(self.url(host, path)).send().await.unwrap()
    }

    async fn page(&self, path: &str) -> String {
        let response = self.get(HOST, path).await;
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        response.text().await.unwrap()
    }

    async fn post(&self, path: &str, body: impl Into<reqwest::Body>) -> reqwest::Response {
        self.http
            .post(self.url(HOST, path))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body)
            .send()
            .await
            .unwrap()
    }

    /// One published item of each kind of section: (kind, address, title).
    async fn one_item_per_kind(&self) -> Vec<(String, String, String)> {
        sqlx::query_as(
            "SELECT DISTINCT ON (s.kind) s.kind, '/' || s.path || '/' || i.slug, i.title
             FROM items i JOIN sections s ON s.id = i.section_id JOIN tenants t ON t.id = i.tenant_id
             WHERE t.slug = 'quoctuan' ORDER BY s.kind, i.published_at DESC",
        )
        .fetch_all(&self.env.admin)
        .await
        .unwrap()
    }

    async fn stop(self) {
        self.platform.stop().await;
    }
}

/// The hrefs of a results page, in order (minijinja escapes `/` in
/// attributes; the browser reads both the same).
fn hrefs(html: &str) -> Vec<String> {
    html.split("<h2><a href=\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .map(|href| href.replace("&#x2f;", "/"))
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn every_section_and_item_kind_has_its_own_page() {
    let site = Site::start().await;

    for (path, expected) in [
        ("/", "Tin nổi bật"),
        ("/gioi-thieu", "Tổng quan về xã Quốc Tuấn"),
        ("/tin-tuc", "Hoạt động của Đảng ủy"),
        ("/tin-tuc/thong-bao", "Thông báo"),
        ("/chi-dao-dieu-hanh", "Ý kiến chỉ đạo, điều hành"),
        ("/lich-cong-tac", "Tuần sau"),
        ("/van-ban", "142/BC-UBND"),
        (
            "/thu-tuc-hanh-chinh",
            "Kết quả giải quyết hồ sơ tại Bộ phận một cửa",
        ),
        ("/pho-bien-phap-luat", "Phổ biến, giáo dục pháp luật"),
        ("/ke-hoach", "Quy hoạch"),
        ("/du-an-dau-thau", "Tổng mức đầu tư"),
        ("/ngan-sach", "Quyết toán"),
        ("/dan-chu-co-so", "Gọi công dân nhập ngũ"),
        ("/tiep-can-thong-tin", "Hình thức công khai"),
        ("/lay-y-kien", "Đang lấy ý kiến"),
        ("/hoi-dap", "Đặt câu hỏi"),
        ("/hoi-dap/dat-cau-hoi", "Nội dung câu hỏi"),
        ("/hoi-dap/tra-cuu", "Mã câu hỏi"),
        ("/lien-he", "Đầu mối cung cấp thông tin"),
        ("/so-do-trang", "Tiếp cận thông tin"),
        ("/tim-kiem", "Tìm kiếm"),
    ] {
        let html = site.page(path).await;
        assert!(html.contains(expected), "{path} lacks {expected:?}");
        assert!(
            html.contains("Ủy ban nhân dân xã Quốc Tuấn"),
            "{path} lacks the agency"
        );
    }

    let items = site.one_item_per_kind().await;
    assert_eq!(items.len(), 11, "{items:?}");
    for (kind, path, title) in &items {
        let response = site.get(HOST, path).await;
        if kind == "schedule" {
            // A week's own address leads to the week on the schedule page.
            assert_eq!(response.status(), StatusCode::SEE_OTHER, "{path}");
            let to = response.headers()["location"].to_str().unwrap().to_owned();
            assert!(to.starts_with("/lich-cong-tac?tuan="), "{to}");
            let week = site.page(&to).await;
            assert!(week.contains("Chủ trì"), "{to}");
            continue;
        }
        assert_eq!(response.status(), StatusCode::OK, "{kind} {path}");
        let html = response.text().await.unwrap();
        let escaped = title.replace('"', "&quot;");
        assert!(
            html.contains(&escaped),
            "{kind} {path} lacks its title {title:?}"
        );
        assert!(
            html.contains("name=\"DC.title\""),
            "{kind} {path} lacks Dublin Core"
        );
        assert!(
            html.contains("property=\"og:title\""),
            "{kind} {path} lacks Open Graph"
        );
        assert!(
            html.contains("Đánh giá mức độ hài lòng"),
            "{kind} {path} lacks the rating"
        );
        // The print view: the same item, bare.
        let print = site.page(&format!("{path}?ban-in")).await;
        assert!(
            print.contains(&escaped) && !print.contains("Điều hướng chính"),
            "{path} print"
        );
    }
    let document = items.iter().find(|(kind, ..)| kind == "documents").unwrap();
    let html = site.page(&document.1).await;
    for label in [
        "Số, ký hiệu",
        "Cơ quan ban hành",
        "Ngày ban hành",
        "Ngày có hiệu lực",
        "Tải về:",
    ] {
        assert!(html.contains(label), "the document page lacks {label}");
    }

    // A file attached to a document downloads through the gateway.
    let href = html
        .split("href=\"")
        .map(|rest| rest.split('"').next().unwrap().replace("&#x2f;", "/"))
        .find(|href| href.starts_with("/tep/"))
        .expect("a file link");
    let file = site.get(HOST, &href).await;
    assert_eq!(file.status(), StatusCode::OK, "{href}");
    assert!(file.bytes().await.unwrap().starts_with(b"%PDF"));

    // An unknown or malformed address is the commune's own 404 page.
    for path in [
        "/khong-co-trang-nay",
        "/tin-tuc/khong-co-bai-nay",
        "/Tin-Tuc",
    ] {
        let response = site.get(HOST, path).await;
        assert_eq!(response.status(), StatusCode::NOT_FOUND, "{path}");
        assert!(
            response
                .text()
                .await
                .unwrap()
                .contains("Không tìm thấy trang"),
            "{path}"
        );
    }
    // One that could be read as another address is refused before any
    // page is looked for.
    for path in ["/tin-tuc/%00", "/..%2f..%2fetc"] {
        let response = site.get(HOST, path).await;
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{path}");
        assert!(
            response
                .text()
                .await
                .unwrap()
                .contains("Địa chỉ không hợp lệ"),
            "{path}"
        );
    }
    site.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn search_ignores_diacritics_tolerates_typos_and_puts_a_document_number_first() {
    let site = Site::start().await;

    // The same words typed three ways find the same things, in the same order.
    let accented = hrefs(&site.page("/tim-kiem?q=Qu%E1%BB%91c+Tu%E1%BA%A5n").await);
    let plain = hrefs(&site.page("/tim-kiem?q=quoc+tuan").await);
    let mistyped_marks = hrefs(&site.page("/tim-kiem?q=qu%C3%B4c+tu%C3%A2n").await);
    assert!(accented.len() >= 5, "{accented:?}");
    assert_eq!(accented, plain);
    assert_eq!(accented, mistyped_marks);

    // "duong" finds "đường", with the word marked in the excerpt.
    let html = site.page("/tim-kiem?q=duong").await;
    assert!(
        html.contains("<mark>đường</mark>") || html.contains("<mark>Đường</mark>"),
        "no marked đường"
    );

    // A number and symbol as issued finds its document first.
    let first = hrefs(&site.page("/tim-kiem?q=142%2FBC-UBND").await);
    let number: String = sqlx::query_scalar(
        "SELECT '/van-ban/' || i.slug FROM documents d JOIN items i ON i.id = d.item_id WHERE d.number_symbol = '142/BC-UBND'",
    )
    .fetch_one(&site.env.admin)
    .await
    .unwrap();
    assert_eq!(first.first(), Some(&number));

    // Typos within reason still find the procedure.
    for typo in ["khai+sihn", "dang+ky+khai+snh"] {
        let found = hrefs(&site.page(&format!("/tim-kiem?q={typo}")).await);
        assert!(
            found
                .iter()
                .any(|h| h == "/thu-tuc-hanh-chinh/dang-ky-khai-sinh"),
            "{typo}: {found:?}"
        );
    }

    // Nothing found says so; markup typed in the box comes back escaped.
    let none = site
        .page("/tim-kiem?q=%3Cscript%3Ealert(1)%3C%2Fscript%3E")
        .await;
    assert!(none.contains("Không tìm thấy kết quả nào"));
    assert!(!none.contains("<script>alert(1)"));
    assert!(none.contains("&lt;script&gt;alert(1)"));

    // Invalid UTF-8 and a huge query do not break the page.
    assert_eq!(
        site.get(HOST, "/tim-kiem?q=%FF%FE").await.status(),
        StatusCode::OK
    );
    let huge = format!("/tim-kiem?q={}", "a".repeat(5000));
    assert_eq!(site.get(HOST, &huge).await.status(), StatusCode::OK);
    site.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn documents_are_found_by_any_field_and_by_issue_date() {
    let site = Site::start().await;
    let count = |html: &str| html.matches("<tr><td><a href=").count();

    let all = site.page("/van-ban").await;
    assert_eq!(count(&all), 14);
    let reports = site.page("/van-ban?loai=B%C3%A1o+c%C3%A1o").await;
    assert!(count(&reports) >= 1 && count(&reports) < 14);
    assert!(reports.contains("142/BC-UBND"));

    let signer: String =
        sqlx::query_scalar("SELECT signer FROM documents WHERE number_symbol = '142/BC-UBND'")
            .fetch_one(&site.env.admin)
            .await
            .unwrap();
    let by_signer = site
        .page(&format!(
            "/van-ban?nguoi-ky={}",
            form_urlencoded::byte_serialize(signer.as_bytes()).collect::<String>()
        ))
        .await;
    assert!(by_signer.contains("142/BC-UBND"));

    // A range that holds nothing, and one that holds everything.
    let future = site.page("/van-ban?tu-ngay=2100-01-01").await;
    assert_eq!(count(&future), 0);
    assert!(future.contains("Không tìm thấy văn bản nào phù hợp"));
    let wide = site
        .page("/van-ban?tu-ngay=01%2F01%2F2000&den-ngay=2100-12-31")
        .await;
    assert_eq!(count(&wide), 14);
    // A date that is not one is said so, and ignored.
    let wrong = site.page("/van-ban?tu-ngay=hom-qua").await;
    assert!(wrong.contains("không đúng dạng ngày"));
    assert_eq!(count(&wrong), 14);
    site.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn feeds_site_map_and_the_json_api_describe_the_same_content() {
    let site = Site::start().await;

    let rss = site.get(HOST, "/rss/tin-tuc").await;
    assert_eq!(
        rss.headers()["content-type"],
        "application/rss+xml; charset=utf-8"
    );
    let rss = rss.text().await.unwrap();
    assert!(rss.matches("<item>").count() >= 10);
    assert!(rss.contains(&format!("http://{HOST}:{}/tin-tuc/", site.platform.port)));

    let sitemap = site.page("/sitemap.xml").await;
    assert!(sitemap.starts_with("<?xml"));
    for (_, path, _) in site.one_item_per_kind().await {
        if !path.starts_with("/lich-cong-tac/") {
            assert!(
                sitemap.contains(&format!(":{}{path}</loc>", site.platform.port)),
                "{path}"
            );
        }
    }

    let openapi: Value = site
        .get(HOST, "/api/openapi.json")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(openapi["openapi"], "3.1.0");
    for path in ["/api/v1/bai-viet", "/api/v1/van-ban", "/api/v1/thu-tuc"] {
        assert!(openapi["paths"][path].is_object(), "{path} undocumented");
        let list: Value = site.get(HOST, path).await.json().await.unwrap();
        assert!(list["total"].as_i64().unwrap() > 0, "{path}");
        let first = &list["items"][0];
        let one: Value = site
            .get(HOST, &format!("{path}/{}", first["slug"].as_str().unwrap()))
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(one["title"], first["title"], "{path}");
    }
    let found: Value = site
        .get(HOST, "/api/v1/van-ban?q=142%2FBC-UBND")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(found["items"][0]["number_symbol"], "142/BC-UBND");
    assert!(found["items"][0]["files"].is_null());

    // Bad input is a typed JSON error; an item of another kind is not found.
    let bad = site.get(HOST, "/api/v1/van-ban?tu-ngay=hom-qua").await;
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST);
    let bad: Value = bad.json().await.unwrap();
    assert_eq!(bad["error"]["code"], "invalid_date");
    let procedure = site.get(HOST, "/api/v1/van-ban/dang-ky-khai-sinh").await;
    assert_eq!(procedure.status(), StatusCode::NOT_FOUND);
    let body: Value = procedure.json().await.unwrap();
    assert_eq!(body["error"]["code"], "not_found");
    site.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn pages_carry_validators_answer_not_modified_and_come_compressed() {
    let site = Site::start().await;
    for path in ["/", "/van-ban", "/sitemap.xml"] {
        let first = site.get(HOST, path).await;
        let etag = first.headers()["etag"].to_str().unwrap().to_owned();
        assert!(
            first.headers()["cache-control"]
                .to_str()
                .unwrap()
                .contains("s-maxage")
        );
        let again = site
            .http
            .get(site.url(HOST, path))
            .header("if-none-match", &etag)
            .send()
            .await
            .unwrap();
        // The home page's counter may move between two loads; the other
        // pages are the same bytes.
        if path != "/" {
            assert_eq!(again.status(), StatusCode::NOT_MODIFIED, "{path}");
        }
    }
    let compressed = site
        .http
        .get(site.url(HOST, "/"))
        .header("accept-encoding", "gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(compressed.headers()["content-encoding"], "gzip");
    let size = compressed.bytes().await.unwrap().len();
    assert!(size < 30 * 1024, "the home page is {size} bytes compressed");
    site.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_question_is_received_once_and_hostile_or_hasty_forms_are_refused() {
    let site = Site::start().await;
    let form = site.page("/hoi-dap/dat-cau-hoi").await;
    let stamp = field(&form, "dau");
    tokio::time::sleep(HUMAN_PAUSE).await;
    let encode = |pairs: &[(&str, &str)]| {
        let mut out = form_urlencoded::Serializer::new(String::new());
        for (k, v) in pairs {
            out.append_pair(k, v);
        }
        out.finish()
    };
    let questions = || async {
        sqlx::query_scalar::<_, i64>("SELECT count(*) FROM questions")
            .fetch_one(&site.env.admin)
            .await
            .unwrap()
    };
    let before = questions().await;

    // Missing fields: 422, the form again with every problem in Vietnamese.
    let missing = site
        .post(
            "/hoi-dap/dat-cau-hoi",
            encode(&[("dau", &stamp), ("ho-ten", " ")]),
        )
        .await;
    assert_eq!(missing.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = missing.text().await.unwrap();
    for message in [
        "Mời bạn nhập họ và tên.",
        "Mời bạn nhập tiêu đề câu hỏi.",
        "để nhận trả lời",
    ] {
        assert!(html.contains(message), "{message}");
    }

    // Oversized fields and a body over the limit.
    let long = "ư".repeat(5001);
    let oversized = site
        .post(
            "/hoi-dap/dat-cau-hoi",
            encode(&[
                ("dau", &stamp),
                ("ho-ten", "An"),
                ("email", "an@gmail.com"),
                ("tieu-de", "Hỏi"),
                ("noi-dung", &long),
            ]),
        )
        .await;
    assert_eq!(oversized.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        oversized
            .text()
            .await
            .unwrap()
            .contains("dài quá 5.000 ký tự")
    );
    let huge = site
        .post(
            "/hoi-dap/dat-cau-hoi",
            "noi-dung=".to_owned() + &"a".repeat(200_000),
        )
        .await;
    assert_eq!(huge.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert!(huge.text().await.unwrap().contains("quá dài"));

    // Invalid UTF-8 is read, not trusted: the form comes back with problems.
    let garbage = site
        .post(
            "/hoi-dap/dat-cau-hoi",
            format!("dau={stamp}&ho-ten=%FF%FE&tieu-de=%C3"),
        )
        .await;
    assert_eq!(garbage.status(), StatusCode::UNPROCESSABLE_ENTITY);

    // Forged stamp, or the hidden field filled in: refused.
    let forged = site
        .post(
            "/hoi-dap/dat-cau-hoi",
            encode(&[("dau", "1.abcd"), ("ho-ten", "An")]),
        )
        .await;
    assert_eq!(forged.status(), StatusCode::BAD_REQUEST);
    let robot = site
        .post(
            "/hoi-dap/dat-cau-hoi",
            encode(&[("dau", &stamp), ("website", "http://spam.example")]),
        )
        .await;
    assert_eq!(robot.status(), StatusCode::BAD_REQUEST);
    assert!(robot.text().await.unwrap().contains("Biểu mẫu đã hết hạn"));
    assert_eq!(questions().await, before, "nothing refused was kept");

    // A good question with markup and SQL in it: received, stored as typed,
    // and the asker follows it by its code.
    let hostile = "<script>alert('x')</script>'; DROP TABLE questions; --";
    let sent = site
        .post(
            "/hoi-dap/dat-cau-hoi",
            encode(&[
                ("dau", &stamp),
                ("ho-ten", "Nguyễn Văn An"),
                ("dien-thoai", "0912345678"),
                ("linh-vuc", "Đất đai"),
                ("tieu-de", hostile),
                (
                    "noi-dung",
                    "Xin hỏi thủ tục cấp đổi giấy chứng nhận quyền sử dụng đất?",
                ),
            ]),
        )
        .await;
    assert_eq!(sent.status(), StatusCode::SEE_OTHER);
    let tracking = sent.headers()["location"].to_str().unwrap().to_owned();
    assert!(
        tracking.starts_with("/hoi-dap/tra-cuu?ma=HD-"),
        "{tracking}"
    );
    assert_eq!(questions().await, before + 1);
    let page = site.page(&tracking).await;
    assert!(page.contains("Đã tiếp nhận"));
    assert!(
        page.contains("&lt;script&gt;alert("),
        "the title is escaped"
    );
    assert!(!page.contains("<script>alert("));
    // Not answered: not public.
    let list = site.page("/hoi-dap").await;
    assert!(!list.contains("DROP TABLE"));

    // The same form sent again (a robot replaying a stamp): refused, in
    // Vietnamese, and nothing kept.
    let replayed = site
        .post(
            "/hoi-dap/dat-cau-hoi",
            encode(&[
                ("dau", &stamp),
                ("ho-ten", "Nguyễn Văn An"),
                ("dien-thoai", "0912345678"),
                ("tieu-de", "Câu hỏi gửi lại"),
                ("noi-dung", "Nội dung gửi lại"),
            ]),
        )
        .await;
    assert_eq!(replayed.status(), StatusCode::CONFLICT);
    assert!(
        replayed
            .text()
            .await
            .unwrap()
            .contains("Biểu mẫu này đã được gửi rồi")
    );
    assert_eq!(questions().await, before + 1);

    // The same visitor asking again and again (each time with a new form)
    // is stopped after three an hour.
    let mut stamps = Vec::new();
    for _ in 0..3 {
        stamps.push(field(&site.page("/hoi-dap/dat-cau-hoi").await, "dau"));
    }
    tokio::time::sleep(HUMAN_PAUSE).await;
    let mut statuses = Vec::new();
    for (n, stamp) in stamps.iter().enumerate() {
        let title = format!("Câu hỏi thứ {n}");
        let response = site
            .post(
                "/hoi-dap/dat-cau-hoi",
                encode(&[
                    ("dau", stamp),
                    ("ho-ten", "An"),
                    ("email", "an@gmail.com"),
                    ("tieu-de", &title),
                    ("noi-dung", "Nội dung"),
                ]),
            )
            .await;
        statuses.push(response.status());
    }
    assert_eq!(
        statuses,
        [
            StatusCode::SEE_OTHER,
            StatusCode::SEE_OTHER,
            StatusCode::TOO_MANY_REQUESTS
        ]
    );
    assert_eq!(questions().await, before + 3);

    // Sent too fast after the form was shown: refused, asked to wait.
    let fresh = field(&site.page("/hoi-dap/dat-cau-hoi").await, "dau");
    let hasty = site
        .post(
            "/hoi-dap/dat-cau-hoi",
            encode(&[("dau", &fresh), ("ho-ten", "An")]),
        )
        .await;
    assert_eq!(hasty.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(hasty.text().await.unwrap().contains("quá nhanh"));
    site.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn ratings_count_once_per_visitor_and_comments_wait_for_the_board() {
    let site = Site::start().await;
    let items = site.one_item_per_kind().await;
    let (_, article, _) = items.iter().find(|(kind, ..)| kind == "news").unwrap();
    let html = site.page(article).await;
    let stamp = field(&html, "dau");
    let id = html
        .split("action=\"/danh-gia/")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_owned();
    tokio::time::sleep(HUMAN_PAUSE).await;

    let first = site
        .post(&format!("/danh-gia/{id}"), format!("dau={stamp}&diem=5"))
        .await;
    assert_eq!(first.status(), StatusCode::SEE_OTHER);
    assert!(
        first.headers()["location"]
            .to_str()
            .unwrap()
            .ends_with("?da-danh-gia=1#danh-gia")
    );
    // The same stamp again is refused; a new form from the same visitor is
    // taken, but the rating still counts once.
    let replayed = site
        .post(&format!("/danh-gia/{id}"), format!("dau={stamp}&diem=1"))
        .await;
    assert_eq!(replayed.status(), StatusCode::CONFLICT);
    assert!(
        replayed
            .text()
            .await
            .unwrap()
            .contains("Biểu mẫu này đã được gửi rồi")
    );
    let stamp = field(&site.page(&format!("{article}?lan=2")).await, "dau");
    tokio::time::sleep(HUMAN_PAUSE).await;
    let again = site
        .post(&format!("/danh-gia/{id}"), format!("dau={stamp}&diem=1"))
        .await;
    assert!(
        again.headers()["location"]
            .to_str()
            .unwrap()
            .contains("danh-gia-roi")
    );
    let (count, average): (i64, f64) = sqlx::query_as(
        "SELECT count(*), avg(score)::float8 FROM item_ratings WHERE item_id = $1::uuid",
    )
    .bind(&id)
    .fetch_one(&site.env.admin)
    .await
    .unwrap();
    assert_eq!((count, average), (1, 5.0));
    let shown = site.page(&format!("{article}?da-danh-gia=1")).await;
    assert!(shown.contains("1 lượt đánh giá, trung bình 5,0/5."));
    let out_of_range = site
        .post(&format!("/danh-gia/{id}"), format!("dau={stamp}&diem=9"))
        .await;
    assert_eq!(out_of_range.status(), StatusCode::BAD_REQUEST);

    // A comment on the open draft is kept for the board, not shown yet.
    let (open_href, closed_href): (String, String) = sqlx::query_as(
        "SELECT max('/lay-y-kien/' || i.slug) FILTER (WHERE c.closes_at > now()),
                max('/lay-y-kien/' || i.slug) FILTER (WHERE c.closes_at < now())
         FROM consultations c JOIN items i ON i.id = c.item_id",
    )
    .fetch_one(&site.env.admin)
    .await
    .unwrap();
    let draft = site.page(&open_href).await;
    let stamp = field(&draft, "dau");
    let action = draft
        .split("action=\"/gop-y/")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_owned();
    tokio::time::sleep(HUMAN_PAUSE).await;
    let sent = site
        .post(&format!("/gop-y/{action}"), format!("dau={stamp}&ho-ten=L%C3%AA+V%C4%83n+B%C3%ACnh&noi-dung=%C4%90%E1%BB%81+ngh%E1%BB%8B+b%E1%BB%95+sung"))
        .await;
    assert_eq!(sent.status(), StatusCode::SEE_OTHER);
    let waiting: i64 =
        sqlx::query_scalar("SELECT count(*) FROM consultation_comments WHERE status = 'received'")
            .fetch_one(&site.env.admin)
            .await
            .unwrap();
    assert_eq!(waiting, 1);
    let after = site.page(&format!("{open_href}?da-gui=1")).await;
    assert!(after.contains("sẽ được đăng sau khi Ban biên tập xem xét"));
    assert!(!after.contains("Đề nghị bổ sung"));

    // The closed draft takes no more comments.
    let closed = site.page(&closed_href).await;
    assert!(closed.contains("Đã hết thời hạn góp ý"));
    let closed_id: String =
        sqlx::query_scalar("SELECT c.item_id::text FROM consultations c WHERE c.closes_at < now()")
            .fetch_one(&site.env.admin)
            .await
            .unwrap();
    let late = site
        .post(
            &format!("/gop-y/{closed_id}"),
            format!("dau={stamp}&ho-ten=A&noi-dung=B"),
        )
        .await;
    assert_eq!(late.status(), StatusCode::CONFLICT);
    site.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn one_commune_never_sees_another_communes_content() {
    let site = Site::start().await;
    let items = site.one_item_per_kind().await;

    // Xã Vĩnh Bảo, provisioned by `congxa tenant create`, has every required
    // section, empty, and its agency named after it.
    let (sections, agency): (i64, String) = sqlx::query_as(
        "SELECT (SELECT count(*) FROM sections s WHERE s.tenant_id = t.id), p.agency
         FROM tenants t JOIN site_profiles p ON p.tenant_id = t.id WHERE t.slug = 'vinhbao'",
    )
    .fetch_one(&site.env.admin)
    .await
    .unwrap();
    let required: usize = congxa_site::sections::REQUIRED
        .iter()
        .map(|s| 1 + s.children.len())
        .sum();
    assert_eq!(sections, required as i64);
    assert_eq!(agency, "Ủy ban nhân dân xã Vĩnh Bảo");
    // Its introduction pages wait as drafts for its board, unseen by citizens.
    let drafts: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM items i JOIN tenants t ON t.id = i.tenant_id
         WHERE t.slug = 'vinhbao' AND i.status = 'draft'",
    )
    .fetch_one(&site.env.admin)
    .await
    .unwrap();
    assert_eq!(
        drafts,
        congxa_site::sections::INTRODUCTION_PAGES.len() as i64
    );
    let intro = site.get(OTHER, "/gioi-thieu").await.text().await.unwrap();
    assert!(intro.contains("Chuyên mục này chưa có bài viết"));
    assert_eq!(
        site.get(OTHER, "/gioi-thieu/tong-quan").await.status(),
        StatusCode::NOT_FOUND
    );
    let other_home = site.get(OTHER, "/").await.text().await.unwrap();
    assert!(other_home.contains("Xã Vĩnh Bảo") && !other_home.contains("Quốc Tuấn"));
    for (_, path, _) in &items {
        let response = site.get(OTHER, path).await;
        assert_eq!(
            response.status(),
            StatusCode::NOT_FOUND,
            "{path} leaks to Vĩnh Bảo"
        );
    }
    let search = site
        .get(OTHER, "/tim-kiem?q=quoc+tuan")
        .await
        .text()
        .await
        .unwrap();
    assert!(search.contains("Không tìm thấy kết quả nào"));
    let api: Value = site
        .get(OTHER, "/api/v1/van-ban")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(api["total"], 0);
    let sitemap = site.get(OTHER, "/sitemap.xml").await.text().await.unwrap();
    assert!(!sitemap.contains("quoctuan"));

    // Rating or commenting another commune's item by its id finds nothing.
    let quoctuan_item: String = sqlx::query_scalar("SELECT id::text FROM items LIMIT 1")
        .fetch_one(&site.env.admin)
        .await
        .unwrap();
    let rating = site
        .http
        .post(site.url(OTHER, &format!("/danh-gia/{quoctuan_item}")))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("diem=5&dau=1.00")
        .send()
        .await
        .unwrap();
    assert_eq!(rating.status(), StatusCode::NOT_FOUND);
    site.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn one_client_at_its_limit_leaves_the_commune_open_to_others() {
    let mut env = TestEnv::new().await;
    // Each client is who its proxy says; the per-minute guard is out of the
    // way, so that the hourly limits are what is tested.
    env.config.trusted_proxy_hops = 1;
    env.config.public_forms_per_minute = 10_000;
    common::create_tenant(&env, "quoctuan", "Xã Quốc Tuấn", &[])
        .await
        .assert_ok();
    let platform = Platform::start(&env).await;
    let gateway = std::net::SocketAddr::from(([127, 0, 0, 1], platform.port));
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .resolve(HOST, gateway)
        .build()
        .unwrap();
    let url = format!("http://{HOST}:{}/hoi-dap/dat-cau-hoi", platform.port);
    let stamp = |client: &'static str| {
        let request = http.get(&url).header("x-forwarded-for", client);
        async move { field(&request.send().await.unwrap().text().await.unwrap(), "dau") }
    };
    let ask = |client: &'static str, browser: String, stamp: String| {
        let body = form_urlencoded::Serializer::new(String::new())
            .append_pair("dau", &stamp)
            .append_pair("ho-ten", "Nguyễn Văn An")
            .append_pair("email", "an@gmail.com")
            .append_pair("tieu-de", "Hỏi về đất đai")
            .append_pair("noi-dung", "Xin hỏi thủ tục cấp đổi giấy chứng nhận.")
            .finish();
        let request = http
            .post(&url)
            .header("x-forwarded-for", client)
            .header("user-agent", browser)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body);
        async move { request.send().await.unwrap().status() }
    };

    // A robot claiming a new browser each time, until it is stopped: by its
    // address's own limit, long before the commune's cap of 60.
    let robot = "203.0.113.7";
    let mut stamps = Vec::new();
    for _ in 0..61 {
        stamps.push(stamp(robot).await);
    }
    tokio::time::sleep(HUMAN_PAUSE).await;
    let mut taken = 0;
    for (n, stamp) in stamps.into_iter().enumerate() {
        match ask(robot, format!("Robot/{n}"), stamp).await {
            StatusCode::SEE_OTHER => taken += 1,
            StatusCode::TOO_MANY_REQUESTS => break,
            other => panic!("unexpected {other}"),
        }
    }
    assert_eq!(taken, 10);

    // Someone else still asks.
    let person = "198.51.100.2";
    let stamp = stamp(person).await;
    tokio::time::sleep(HUMAN_PAUSE).await;
    assert_eq!(
        ask(person, "Mozilla/5.0".to_owned(), stamp).await,
        StatusCode::SEE_OTHER
    );
    platform.stop().await;
}
