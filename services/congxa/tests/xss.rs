//! A hundred hostile strings (tests/browser/xss-vectors.json) sent through
//! every field people fill in: the board's title, summary and body, a
//! citizen's question, the board's answer, a comment on a draft. Then a real
//! Chromium opens every page that shows them, public and workspace alike,
//! with the page's CSP switched off: nothing runs.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::Duration;

use common::browser::{Platform, Scripts, assert_passed};
use common::workspace::{Browser, field};
use congxa_testing::TestEnv;

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
        let mut heads = chunk.iter().filter(plain);
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
        sqlx::query_scalar("SELECT '/tin-tuc/kinh-te-xa-hoi/' || slug FROM items WHERE created_by IS NOT NULL ORDER BY created_at")
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
