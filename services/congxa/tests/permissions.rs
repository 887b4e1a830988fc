//! The permission matrix: every route that content's three applications and
//! the media service declare, asked for by everyone who might try it —
//! nobody, each role of the board, the head of another commune, an operator
//! in support mode, and operators of the region, of another region and of
//! the whole platform — each form with the CSRF token of the sender's own
//! session, so that what refuses them is the permission check. A route added
//! to a table is covered here without a word, unless its path names a kind
//! of record `fill` does not know yet.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::net::SocketAddr;

use common::browser::Platform;
use common::workspace::{Browser, field};
use congxa_board::Need;
use congxa_content::{App, Route};
use congxa_testing::TestEnv;
use futures::StreamExt;
use reqwest::{Method, StatusCode};
use sqlx::AssertSqlSafe;
use uuid::Uuid;

/// The commune under test, in the region haiphong.
const HOST: &str = "quoctuan.localhost";
/// Another commune, in another region (hanoi).
const OTHER_HOST: &str = "hoankiem.localhost";
/// The platform domain: the console.
const CONSOLE: &str = "localhost";
/// What the support account is called after its operator.
const SUPPORT_NAME: &str = "Nguyễn Văn Hành (cán bộ vận hành, hỗ trợ)";

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Who {
    Anonymous,
    Contributor,
    Member,
    Deputy,
    Head,
    /// An operator of the region in support mode: the head's rights.
    Support,
    /// The other commune's head, their session sent to this commune.
    OtherHeadHere,
    /// The other commune's head on their own site, naming this commune's records.
    OtherHeadThere,
    RegionOperator,
    OtherRegionOperator,
    PlatformOperator,
}

impl Who {
    const BOARD: [(Who, congxa_board::Role); 5] = [
        (Who::Contributor, congxa_board::Role::Contributor),
        (Who::Member, congxa_board::Role::Member),
        (Who::Deputy, congxa_board::Role::Deputy),
        (Who::Head, congxa_board::Role::Head),
        (Who::Support, congxa_board::Role::Head),
    ];
    const OPERATORS: [Who; 3] = [
        Who::RegionOperator,
        Who::OtherRegionOperator,
        Who::PlatformOperator,
    ];
}

/// What must come of one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expect {
    /// A route open to anyone: it may refuse a bad form, but never fails.
    Open,
    /// The sender may: anything but a refusal of who they are.
    Allowed,
    /// The sender may see the commune's record the page names: 2xx.
    Shown,
    /// Signing out: back to the sign-in page (the session is then checked gone).
    SignsOut,
    /// Not signed in here: sent to sign in, or refused (401, 403, 404).
    SignIn,
    /// Signed in without the right: 403 or 404.
    Forbidden,
    /// Another commune's records from its own site: a refusal, never 2xx or 3xx.
    Foreign,
    /// A commune outside the operator's region: 404, as if it did not exist.
    NotFound,
}

impl Expect {
    fn refusal(self) -> bool {
        !matches!(
            self,
            Expect::Open | Expect::Allowed | Expect::Shown | Expect::SignsOut
        )
    }

    fn met_by(self, status: StatusCode, location: Option<&str>) -> bool {
        let to_sign_in =
            status.is_redirection() && location.is_some_and(|l| l.ends_with("/dang-nhap"));
        if status.is_server_error() {
            return false;
        }
        match self {
            Expect::Open => true,
            Expect::Allowed => {
                !to_sign_in && status != StatusCode::FORBIDDEN && status != StatusCode::UNAUTHORIZED
            }
            Expect::Shown => status.is_success(),
            Expect::SignsOut => to_sign_in,
            Expect::SignIn => to_sign_in || status.is_client_error(),
            Expect::Forbidden => status == StatusCode::FORBIDDEN || status == StatusCode::NOT_FOUND,
            Expect::Foreign => status.is_client_error(),
            Expect::NotFound => status == StatusCode::NOT_FOUND,
        }
    }
}

/// The records of the commune under test that paths name.
struct Fixture {
    item: Uuid,
    version: i32,
    /// A document, the member's too: an item with fields of its own.
    record: Uuid,
    record_version: i32,
    revision: i64,
    file: Uuid,
    question: Uuid,
    comment: Uuid,
    official: Uuid,
    link: Uuid,
    /// A member no session belongs to: the accounts' routes act on them.
    bystander: Uuid,
    notice: i64,
    year: i32,
}

/// A path with its parameters filled from the fixture, and whether it names
/// a record of the commune's own (which another commune, or an operator of
/// another region, must not reach).
fn fill(route: &Route, f: &Fixture) -> (String, bool) {
    let mut own = false;
    let mut previous = "";
    let mut filled = Vec::new();
    for segment in route.path.split('/') {
        let Some(name) = segment.strip_prefix('{').and_then(|s| s.strip_suffix('}')) else {
            previous = segment;
            filled.push(segment.to_owned());
            continue;
        };
        let (value, of_the_commune) = match (route.app, previous, name) {
            (App::Console, _, "slug") => ("quoctuan".to_owned(), true),
            (App::Console, "bao-cao", "file") => ("quoctuan.html".to_owned(), true),
            (App::Console, "lich-nghi", "day") => ("2026-12-31".to_owned(), false),
            (App::Console, "bao-tri", "id") => (f.notice.to_string(), true),
            (_, "tin-bai", "id") if route.path.ends_with("/thong-tin") => {
                (f.record.to_string(), true)
            }
            (_, "tin-bai", "id") | (_, "gop-y" | "danh-gia", "item") => (f.item.to_string(), true),
            (_, "phien-ban", "revision") => (f.revision.to_string(), true),
            (_, "can-bo", "id") => (f.official.to_string(), true),
            (_, "lien-ket", "id") => (f.link.to_string(), true),
            (_, "tep", "id") => (f.file.to_string(), true),
            (_, "tep", "name") => ("anh.png".to_owned(), true),
            (_, "r", "rendition") => ("w320.webp".to_owned(), true),
            (_, "hoi-dap", "id") => (f.question.to_string(), true),
            (_, "gop-y", "id") => (f.comment.to_string(), true),
            (_, "thanh-vien", "id") => (f.bystander.to_string(), true),
            (_, "mau", "name") => ("home.html".to_owned(), false),
            (_, "bao-cao-nam" | "nam" | "bao-cao", "year") => (f.year.to_string(), false),
            (App::Console, _, "year") => (f.year.to_string(), false),
            (_, "bao-cao-nam", "file") => ("ban-in".to_owned(), false),
            (_, _, "*path") => ("tin-tuc".to_owned(), false),
            (App::Site, _, "slug") => ("khong-co-bai-nay".to_owned(), false),
            _ => panic!(
                "{} {}: say in `fill` which record {{{name}}} names",
                route.method, route.path
            ),
        };
        own |= of_the_commune;
        filled.push(value);
    }
    (filled.join("/"), own)
}

/// What each sender must get from a route, or `None` when it is not asked.
fn expect(route: &Route, who: Who, own: bool) -> Option<Expect> {
    let expected = expect_of_anyone(route, who, own);
    let allowed = matches!(expected, Some(Expect::Allowed | Expect::Open));
    if allowed && route.path.ends_with("/dang-xuat") {
        return Some(Expect::SignsOut);
    }
    // A page of the commune's own record, to whoever may see it: shown, so
    // that the 404s others get are refusals, not a record that is missing.
    // (Contributors see only what they sent: none of these.)
    let sees_all = !matches!(who, Who::Contributor | Who::OtherRegionOperator);
    if allowed && own && sees_all && route.method == Method::GET {
        return Some(Expect::Shown);
    }
    expected
}

fn expect_of_anyone(route: &Route, who: Who, own: bool) -> Option<Expect> {
    let open = route.need == Need::Anyone;
    match (route.app, who) {
        (_, Who::Anonymous) => Some(if open { Expect::Open } else { Expect::SignIn }),
        (App::Console, Who::RegionOperator | Who::OtherRegionOperator | Who::PlatformOperator) => {
            if open {
                None
            } else if who == Who::OtherRegionOperator && own {
                Some(Expect::NotFound)
            } else if route.need == Need::PlatformOperator && who != Who::PlatformOperator {
                Some(Expect::Forbidden)
            } else {
                Some(Expect::Allowed)
            }
        }
        (App::Console, _) => None,
        (_, Who::OtherHeadHere) => (!open).then_some(Expect::SignIn),
        (_, Who::OtherHeadThere) => own.then_some(Expect::Foreign),
        (_, who) => {
            let (_, role) = Who::BOARD.into_iter().find(|(w, _)| *w == who)?;
            if open {
                None
            } else if route.need.allows(role) {
                Some(Expect::Allowed)
            } else {
                Some(Expect::Forbidden)
            }
        }
    }
}

/// What a form sends besides its CSRF token, so that a sender who may is
/// refused only by what the form says, and one who may not only by the
/// permission check.
fn fields(route: &Route, f: &Fixture) -> Vec<(&'static str, String)> {
    let text = |v: &str| v.to_owned();
    match route.path.as_str() {
        "/quan-tri/tin-bai/{id}" => vec![
            ("version", f.version.to_string()),
            ("title", text("Thôn Vĩnh Khê làm đường")),
            ("summary", text("")),
            ("body", text("<p>Nhân dân góp công.</p>")),
        ],
        "/quan-tri/tin-bai/{id}/thao-tac" => vec![("action", text("submit"))],
        "/quan-tri/tin-bai/{id}/phien-ban/{revision}" => vec![("version", f.version.to_string())],
        "/quan-tri/tin-bai/{id}/thong-tin" => vec![("version", f.record_version.to_string())],
        "/quan-tri/tep/{id}" | "/quan-tri/lien-ket/{id}" => vec![("thao_tac", text("xoa"))],
        "/quan-tri/thanh-vien/{id}/khoa" => vec![("active", text("0"))],
        "/xa/{slug}/trang-thai" => vec![("action", text("resume"))],
        "/xa/{slug}/ten-mien" | "/xa/{slug}/ten-mien/chinh" | "/xa/{slug}/ten-mien/go" => {
            vec![("domain", text(""))]
        }
        "/xa/{slug}/gop" => vec![("from", text("hoankiem"))],
        "/xa/{slug}/ho-tro" => vec![("reason", text("Kiểm tra quyền"))],
        "/xa-moi" => vec![("name", text("")), ("slug", text(""))],
        _ => Vec::new(),
    }
}

/// A signed-in sender: the cookie to send and the session's CSRF token.
#[derive(Clone, Default)]
struct Session {
    cookie: String,
    csrf: String,
}

impl Session {
    fn of(browser: &Browser, csrf: String) -> Self {
        Self {
            cookie: browser.cookie_header(),
            csrf,
        }
    }
}

/// One request of the matrix.
struct Ask {
    route: Route,
    who: Who,
    host: &'static str,
    path: String,
    session: Session,
    form: Vec<(&'static str, String)>,
    expect: Expect,
}

struct Answer {
    status: StatusCode,
    location: Option<String>,
}

async fn send(http: &reqwest::Client, port: u16, ask: &Ask) -> Answer {
    let url = format!("http://{}:{port}{}", ask.host, ask.path);
    let mut request = http
        .request(ask.route.method.clone(), url)
        .header("cookie", &ask.session.cookie);
    if ask.route.method == Method::POST {
        if ask.route.path == "/api/tep" {
            // The media service's upload: the token in its header, a file
            // whose kind is refused once the sender is accepted.
            let part = reqwest::multipart::Part::bytes(b"chi la chu".to_vec()).file_name("a.txt");
            request = request
                .header("x-csrf-token", &ask.session.csrf)
                .multipart(reqwest::multipart::Form::new().part("file", part));
        } else {
            let mut body = form_urlencoded::Serializer::new(String::new());
            if !ask.session.csrf.is_empty() {
                body.append_pair("csrf", &ask.session.csrf);
            }
            for (k, v) in &ask.form {
                body.append_pair(k, v);
            }
            request = request
                .header("content-type", "application/x-www-form-urlencoded")
                .body(body.finish());
        }
    }
    let response = request.send().await.unwrap();
    Answer {
        status: response.status(),
        location: response
            .headers()
            .get("location")
            .map(|v| v.to_str().unwrap().to_owned()),
    }
}

/// Sends the requests, `at_once` at a time; the answers that broke the rule,
/// as lines of the table printed on failure.
async fn run(http: &reqwest::Client, port: u16, asks: &[&Ask], at_once: usize) -> Vec<String> {
    futures::stream::iter(asks)
        .map(|ask| async move { (ask, send(http, port, ask).await) })
        .buffer_unordered(at_once)
        .filter_map(|(ask, answer)| async move {
            (!ask.expect.met_by(answer.status, answer.location.as_deref())).then(|| {
                violation(
                    &ask.route.method,
                    &format!("{}{}", ask.host, ask.path),
                    &format!("{:?}", ask.who),
                    &answer,
                    &format!("{:?} ({:?})", ask.expect, ask.route.need),
                )
            })
        })
        .collect()
        .await
}

fn violation(method: &Method, url: &str, who: &str, answer: &Answer, expected: &str) -> String {
    format!(
        "{method:<5} {url:<70} {who:<20} {} {:<28} expected {expected}",
        answer.status.as_u16(),
        answer.location.as_deref().unwrap_or("")
    )
}

/// Every table but those that change when nothing is done (sessions
/// touched, visits counted), each as a digest of all its rows.
async fn snapshot(env: &TestEnv) -> BTreeMap<String, String> {
    const UNTOUCHED_BY_CHANGES: [&str; 6] = [
        "board_sessions",
        "operator_sessions",
        "form_submissions",
        "visit_days",
        "visit_day_counts",
        "visit_periods",
    ];
    let tables: Vec<String> = sqlx::query_scalar(
        "SELECT table_name::text FROM information_schema.tables
         WHERE table_schema = 'public' AND table_type = 'BASE TABLE' AND table_name NOT LIKE '\\_%'
         ORDER BY 1",
    )
    .fetch_all(&env.admin)
    .await
    .unwrap();
    let mut digests = BTreeMap::new();
    for table in tables {
        if UNTOUCHED_BY_CHANGES.contains(&table.as_str()) {
            continue;
        }
        let sql = format!(
            "SELECT coalesce(md5(string_agg(t::text, '|' ORDER BY t::text)), '') FROM \"{table}\" t"
        );
        let digest: String = sqlx::query_scalar(AssertSqlSafe(sql))
            .fetch_one(&env.admin)
            .await
            .unwrap();
        digests.insert(table, digest);
    }
    digests
}

/// `congxa user create` on the commune under test; the one-time password.
async fn board_account(env: &TestEnv, email: &str, role: &str) -> String {
    let run = common::congxa(
        env,
        &[
            "user",
            "create",
            "--tenant",
            "quoctuan",
            "--email",
            email,
            "--name",
            &format!("Thành viên {role}"),
            "--role",
            role,
            "--json",
        ],
    )
    .await;
    run.assert_ok();
    run.json()["one_time_password"].as_str().unwrap().to_owned()
}

/// A commune of `region` with its head; the head's one-time password.
async fn commune(env: &TestEnv, slug: &str, name: &str, region: &str) -> String {
    let email = format!("tb@{slug}.vn");
    let created = common::create_tenant(
        env,
        slug,
        name,
        &[
            "--region",
            region,
            "--admin-email",
            &email,
            "--admin-name",
            "Lê Thị Thu Hà",
            "--json",
        ],
    )
    .await;
    created.assert_ok();
    created.json()["head"]["one_time_password"]
        .as_str()
        .unwrap()
        .to_owned()
}

async fn signed_in(
    platform: &Platform,
    host: &'static str,
    email: &str,
    password: &str,
) -> Session {
    let mut browser = Browser::new(platform, host);
    let csrf = browser
        .sign_in(email, password, "một mật khẩu mới đủ dài")
        .await;
    Session::of(&browser, csrf)
}

/// An operator of `region` (or of the whole platform), signed in to the
/// console with the one-time password replaced; the browser, to go on.
async fn operator(
    env: &TestEnv,
    platform: &Platform,
    email: &str,
    region: Option<&str>,
) -> Browser {
    let mut conn = env.app.acquire().await.unwrap();
    let created = congxa_tenancy::operators::create(&mut conn, email, "Nguyễn Văn Hành", region)
        .await
        .unwrap();
    drop(conn);
    let mut browser = Browser::new(platform, CONSOLE);
    let (_, form) = browser.get("/dang-nhap").await;
    let (status, to) = browser
        .post(
            "/dang-nhap",
            &[
                ("csrf", &field(&form, "csrf")),
                ("email", email),
                ("password", &created.one_time_password),
            ],
        )
        .await;
    assert_eq!((status, to.as_str()), (StatusCode::SEE_OTHER, "/mat-khau"));
    let (_, page) = browser.get("/mat-khau").await;
    let (_, changed) = browser
        .post(
            "/mat-khau",
            &[
                ("csrf", &field(&page, "csrf")),
                ("current", &created.one_time_password),
                ("new", "mật khẩu mới của cán bộ vận hành"),
            ],
        )
        .await;
    assert!(changed.contains("Đã đổi mật khẩu."), "{changed}");
    browser
}

async fn console_session(browser: &mut Browser) -> Session {
    let (status, page) = browser.get("/").await;
    assert_eq!(status, StatusCode::OK);
    Session::of(browser, field(&page, "csrf"))
}

/// The operator of the region enters the commune's workspace in support
/// mode; the support account's session there.
async fn support(platform: &Platform, operator: &mut Browser) -> Session {
    let (_, page) = operator.get("/xa/quoctuan").await;
    let (status, handoff) = operator
        .post(
            "/xa/quoctuan/ho-tro",
            &[
                ("csrf", &field(&page, "csrf")),
                ("reason", "Kiểm tra quyền của ban biên tập"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{handoff}");
    let path = &handoff[handoff.find("/quan-tri/ho-tro").unwrap()..];
    let mut browser = Browser::new(platform, HOST);
    let (status, _) = browser.get(path).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (status, page) = browser.get("/quan-tri").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains(SUPPORT_NAME));
    Session::of(&browser, field(&page, "csrf"))
}

async fn fixture(env: &TestEnv, platform: &Platform, member: &Session, bystander: &str) -> Fixture {
    let tenant: Uuid = sqlx::query_scalar("SELECT id FROM tenants WHERE slug = 'quoctuan'")
        .fetch_one(&env.admin)
        .await
        .unwrap();
    // The member's own draft: the member edits it, the contributor may not.
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .resolve(HOST, SocketAddr::from(([127, 0, 0, 1], platform.port)))
        .build()
        .unwrap();
    let created = http
        .post(format!(
            "http://{HOST}:{}/quan-tri/tin-bai/moi",
            platform.port
        ))
        .header("cookie", &member.cookie)
        .form(&[
            ("csrf", member.csrf.as_str()),
            ("section", "tin-tuc/tin-cac-thon"),
            ("title", "Thôn Vĩnh Khê làm đường"),
            ("body", "<p>Nhân dân góp công.</p>"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), StatusCode::SEE_OTHER);
    let location = created.headers()["location"].to_str().unwrap();
    let item: Uuid = location
        .trim_start_matches("/quan-tri/tin-bai/")
        .split('?')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    let record = http
        .post(format!(
            "http://{HOST}:{}/quan-tri/van-ban/moi",
            platform.port
        ))
        .header("cookie", &member.cookie)
        .form(&[
            ("csrf", member.csrf.as_str()),
            ("doc_type", "Quyết định"),
            ("number_symbol", "215/QĐ-UBND"),
            ("issuing_body", "Ủy ban nhân dân xã Quốc Tuấn"),
            ("signer", "Trần Quang Minh"),
            ("issued_on", "20/11/2026"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(record.status(), StatusCode::SEE_OTHER);
    let record: Uuid = record.headers()["location"]
        .to_str()
        .unwrap()
        .trim_start_matches("/quan-tri/tin-bai/")
        .split('?')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    let version_of = |id: Uuid| {
        let admin = env.admin.clone();
        async move {
            sqlx::query_scalar::<_, i32>("SELECT version FROM items WHERE id = $1")
                .bind(id)
                .fetch_one(&admin)
                .await
                .unwrap()
        }
    };
    let version = version_of(item).await;
    let record_version = version_of(record).await;
    let revision =
        sqlx::query_scalar("SELECT id FROM item_revisions WHERE item_id = $1 ORDER BY id LIMIT 1")
            .bind(item)
            .fetch_one(&env.admin)
            .await
            .unwrap();
    let (status, uploaded) =
        common::upload(platform, env, HOST, common::png(400, 300), "anh.png").await;
    assert_eq!(status, StatusCode::CREATED, "{uploaded}");
    let file = uploaded["id"].as_str().unwrap().parse().unwrap();
    // Made as the board or citizens would have: what the paths name.
    let insert = |sql: &'static str| {
        let admin = env.admin.clone();
        async move {
            sqlx::query_scalar::<_, Uuid>(sql)
                .bind(tenant)
                .fetch_one(&admin)
                .await
                .unwrap()
        }
    };
    let question = insert(
        "INSERT INTO questions (tenant_id, code, slug, asker_name, title, body)
         VALUES ($1, 'HD-QUYEN001', 'hoi-ve-duong-thon', 'Trần Văn An', 'Hỏi về đường thôn',
                 'Bao giờ làm đường thôn Vĩnh Khê?') RETURNING id",
    )
    .await;
    let comment = sqlx::query_scalar(
        "INSERT INTO consultation_comments (tenant_id, item_id, author_name, body)
         VALUES ($1, $2, 'Trần Văn An', 'Tôi đồng ý.') RETURNING id",
    )
    .bind(tenant)
    .bind(item)
    .fetch_one(&env.admin)
    .await
    .unwrap();
    let official = insert(
        "INSERT INTO officials (tenant_id, name, position, duties)
         VALUES ($1, 'Phạm Văn Bình', 'Chủ tịch UBND xã', 'Phụ trách chung') RETURNING id",
    )
    .await;
    let link = insert(
        "INSERT INTO site_links (tenant_id, label, url, position)
         VALUES ($1, 'Cổng thông tin tỉnh', 'https://example.gov.vn', 99)
         RETURNING id",
    )
    .await;
    let bystander = sqlx::query_scalar("SELECT id FROM board_accounts WHERE email = $1")
        .bind(bystander)
        .fetch_one(&env.admin)
        .await
        .unwrap();
    let notice = sqlx::query_scalar(
        "INSERT INTO maintenance_notices (scope, tenant_id, starts_at, ends_at, message, announced_by)
         VALUES ('tenant', $1, now() + interval '30 days', now() + interval '31 days',
                 'Nâng cấp máy chủ.', 'vanhanh@haiphong.gov.vn') RETURNING id",
    )
    .bind(tenant)
    .fetch_one(&env.admin)
    .await
    .unwrap();
    Fixture {
        item,
        version,
        record,
        record_version,
        revision,
        file,
        question,
        comment,
        official,
        link,
        bystander,
        notice,
        year: time::OffsetDateTime::now_utc().year(),
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn every_route_refuses_whoever_its_table_says_may_not_use_it_and_changes_nothing() {
    // Arrange: two communes in two regions, the board of one in every role,
    // its support account, and operators of both regions and the platform.
    let env = TestEnv::new().await;
    common::create_region(&env, "haiphong", "Thành phố Hải Phòng", &[])
        .await
        .assert_ok();
    common::create_region(&env, "hanoi", "Thành phố Hà Nội", &[])
        .await
        .assert_ok();
    let head_password = commune(&env, "quoctuan", "Xã Quốc Tuấn", "haiphong").await;
    let other_password = commune(&env, "hoankiem", "Phường Hoàn Kiếm", "hanoi").await;
    let roles = ["deputy", "member", "contributor", "member"];
    let emails = roles.map(|role| format!("{role}-{}@quoctuan.vn", Uuid::new_v4().simple()));
    let mut passwords = Vec::new();
    for (email, role) in emails.iter().zip(roles) {
        passwords.push(board_account(&env, email, role).await);
    }
    let platform = Platform::start(&env).await;
    let board = futures::future::join_all([
        signed_in(&platform, HOST, "tb@quoctuan.vn", &head_password),
        signed_in(&platform, HOST, &emails[0], &passwords[0]),
        signed_in(&platform, HOST, &emails[1], &passwords[1]),
        signed_in(&platform, HOST, &emails[2], &passwords[2]),
        signed_in(&platform, OTHER_HOST, "tb@hoankiem.vn", &other_password),
    ])
    .await;
    let mut region_operator =
        operator(&env, &platform, "vanhanh@haiphong.gov.vn", Some("haiphong")).await;
    let mut other_operator = operator(&env, &platform, "vanhanh@hanoi.gov.vn", Some("hanoi")).await;
    let mut platform_operator = operator(&env, &platform, "vanhanh@congxa.gov.vn", None).await;
    let support_session = support(&platform, &mut region_operator).await;
    let mut sessions: BTreeMap<Who, Session> = BTreeMap::from([
        (Who::Anonymous, Session::default()),
        (Who::Head, board[0].clone()),
        (Who::Deputy, board[1].clone()),
        (Who::Member, board[2].clone()),
        (Who::Contributor, board[3].clone()),
        (Who::OtherHeadHere, board[4].clone()),
        (Who::OtherHeadThere, board[4].clone()),
        (Who::Support, support_session),
    ]);
    sessions.insert(
        Who::RegionOperator,
        console_session(&mut region_operator).await,
    );
    sessions.insert(
        Who::OtherRegionOperator,
        console_session(&mut other_operator).await,
    );
    sessions.insert(
        Who::PlatformOperator,
        console_session(&mut platform_operator).await,
    );
    let f = fixture(&env, &platform, &board[2], &emails[3]).await;

    let mut routes = congxa_content::routes();
    routes.extend(congxa_media::routes().into_iter().map(|d| Route {
        app: App::Site,
        path: d.path.to_owned(),
        method: d.method,
        need: d.need,
    }));
    let mut asks = Vec::new();
    for route in &routes {
        let (path, own) = fill(route, &f);
        let everyone = [Who::Anonymous, Who::OtherHeadHere, Who::OtherHeadThere]
            .into_iter()
            .chain(Who::BOARD.map(|(who, _)| who))
            .chain(Who::OPERATORS);
        for who in everyone {
            let Some(expect) = expect(route, who, own) else {
                continue;
            };
            let host = match (route.app, who) {
                (App::Console, _) => CONSOLE,
                (_, Who::OtherHeadThere) => OTHER_HOST,
                _ => HOST,
            };
            asks.push(Ask {
                route: route.clone(),
                who,
                host,
                path: path.clone(),
                session: sessions[&who].clone(),
                form: fields(route, &f),
                expect,
            });
        }
    }
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .resolve(HOST, SocketAddr::from(([127, 0, 0, 1], platform.port)))
        .resolve(
            OTHER_HOST,
            SocketAddr::from(([127, 0, 0, 1], platform.port)),
        )
        .resolve(CONSOLE, SocketAddr::from(([127, 0, 0, 1], platform.port)))
        .build()
        .unwrap();

    // Act and assert, first the refusals: all of them together change nothing.
    let before = snapshot(&env).await;
    let refusals: Vec<&Ask> = asks.iter().filter(|a| a.expect.refusal()).collect();
    let mut violations = run(&http, platform.port, &refusals, 8).await;
    let after = snapshot(&env).await;
    for (table, digest) in &after {
        if before.get(table) != Some(digest) {
            violations.push(format!(
                "table {table} changed while every request was refused"
            ));
        }
    }

    // Then what each may do: every page before any change (a deletion
    // must not hide a page), signing out last (it ends the session).
    let allowed = |post: bool| -> Vec<&Ask> {
        asks.iter()
            .filter(|a| !a.expect.refusal() && a.expect != Expect::SignsOut)
            .filter(|a| (a.route.method == Method::POST) == post)
            .collect()
    };
    let signing_out: Vec<&Ask> = asks
        .iter()
        .filter(|a| a.expect == Expect::SignsOut)
        .collect();
    violations.extend(run(&http, platform.port, &allowed(false), 8).await);
    violations.extend(run(&http, platform.port, &allowed(true), 4).await);

    // The support account acts as the head, yet the board's page of members
    // neither lists it nor manages it.
    violations
        .extend(support_account_is_not_the_boards(&env, &http, platform.port, &sessions).await);

    violations.extend(run(&http, platform.port, &signing_out, 4).await);
    violations.extend(signed_out(&http, platform.port, &sessions).await);
    let asked = asks.len();
    platform.stop().await;
    assert!(
        violations.is_empty(),
        "{} of {asked} requests broke the matrix:\n{}",
        violations.len(),
        violations.join("\n")
    );
}

/// Every session that signed out is over; the other commune's head, whose
/// sign-out was sent to this commune, is still signed in at home.
async fn signed_out(
    http: &reqwest::Client,
    port: u16,
    sessions: &BTreeMap<Who, Session>,
) -> Vec<String> {
    let mut violations = Vec::new();
    for (who, session) in sessions {
        let (host, path, over) = match who {
            Who::Anonymous | Who::OtherHeadThere => continue,
            Who::OtherHeadHere => (OTHER_HOST, "/quan-tri", false),
            Who::RegionOperator | Who::OtherRegionOperator | Who::PlatformOperator => {
                (CONSOLE, "/", true)
            }
            _ => (HOST, "/quan-tri", true),
        };
        let response = http
            .get(format!("http://{host}:{port}{path}"))
            .header("cookie", &session.cookie)
            .send()
            .await
            .unwrap();
        let answer = Answer {
            status: response.status(),
            location: response
                .headers()
                .get("location")
                .map(|v| v.to_str().unwrap().to_owned()),
        };
        let to_sign_in = answer
            .location
            .as_deref()
            .is_some_and(|l| l.ends_with("/dang-nhap"));
        if to_sign_in != over {
            let expected = if over {
                "signed out"
            } else {
                "still signed in"
            };
            let url = format!("{host}{path}");
            violations.push(violation(
                &Method::GET,
                &url,
                &format!("{who:?}"),
                &answer,
                expected,
            ));
        }
    }
    violations
}

async fn support_account_is_not_the_boards(
    env: &TestEnv,
    http: &reqwest::Client,
    port: u16,
    sessions: &BTreeMap<Who, Session>,
) -> Vec<String> {
    let mut violations = Vec::new();
    let head = &sessions[&Who::Head];
    let account: Uuid =
        sqlx::query_scalar("SELECT id FROM board_accounts WHERE support_operator_id IS NOT NULL")
            .fetch_one(&env.admin)
            .await
            .unwrap();
    let row = || async {
        sqlx::query_scalar::<_, String>("SELECT t::text FROM board_accounts t WHERE id = $1")
            .bind(account)
            .fetch_one(&env.admin)
            .await
            .unwrap()
    };
    let listed = http
        .get(format!("http://{HOST}:{port}/quan-tri/thanh-vien"))
        .header("cookie", &head.cookie)
        .send()
        .await
        .unwrap();
    let status = listed.status();
    if listed.text().await.unwrap().contains(SUPPORT_NAME) {
        let answer = Answer {
            status,
            location: None,
        };
        violations.push(violation(
            &Method::GET,
            &format!("{HOST}/quan-tri/thanh-vien"),
            "Head",
            &answer,
            "no support account listed",
        ));
    }
    let kept = row().await;
    for (action, extra) in [("dat-lai-mat-khau", ""), ("khoa", "0")] {
        let path = format!("/quan-tri/thanh-vien/{account}/{action}");
        let response = http
            .post(format!("http://{HOST}:{port}{path}"))
            .header("cookie", &head.cookie)
            .form(&[("csrf", head.csrf.as_str()), ("active", extra)])
            .send()
            .await
            .unwrap();
        let answer = Answer {
            status: response.status(),
            location: None,
        };
        if !Expect::Forbidden.met_by(answer.status, None) {
            let url = format!("{HOST}{path}");
            let expected = "Forbidden: the support account is not the board's";
            violations.push(violation(&Method::POST, &url, "Head", &answer, expected));
        }
    }
    if row().await != kept {
        violations.push("the head changed the support account".to_owned());
    }
    violations
}

#[test]
fn every_route_is_declared_once_with_a_need_its_application_knows() {
    let mut routes = congxa_content::routes();
    routes.extend(congxa_media::routes().into_iter().map(|d| Route {
        app: App::Site,
        path: d.path.to_owned(),
        method: d.method,
        need: d.need,
    }));
    let mut seen = std::collections::BTreeSet::new();
    let mut wrong = String::new();
    for route in &routes {
        if !seen.insert((
            format!("{:?}", route.app),
            route.path.clone(),
            route.method.to_string(),
        )) {
            writeln!(wrong, "{} {} declared twice", route.method, route.path).unwrap();
        }
        let fits = match route.app {
            // The public site is anyone's; of the media service, uploads are the board's.
            App::Site => route.need == Need::Anyone || route.path == "/api/tep",
            App::Workspace => {
                route.path.starts_with("/quan-tri")
                    && !matches!(route.need, Need::Operator | Need::PlatformOperator)
            }
            App::Console => matches!(
                route.need,
                Need::Anyone | Need::Operator | Need::PlatformOperator
            ),
        };
        if !fits {
            writeln!(wrong, "{} {}: {:?}", route.method, route.path, route.need).unwrap();
        }
    }
    assert!(wrong.is_empty(), "{wrong}");
}
