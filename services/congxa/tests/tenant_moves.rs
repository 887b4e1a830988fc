//! Communes moving: a merge of one commune into another (content, files,
//! board, visit totals, every old address redirected to its item's new one),
//! and a commune exported from one platform and imported on another, its
//! pages the same before and after. Bad input changes nothing.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::net::SocketAddr;

use common::browser::Platform;
use common::{audit_entries, congxa, demo_commune};
use congxa_testing::TestEnv;
use reqwest::StatusCode;
use uuid::Uuid;

const OLD_DOMAIN: &str = "vinhbao.haiphong.gov.vn";

fn client(port: u16, hosts: &[&str]) -> reqwest::Client {
    let gateway = SocketAddr::from(([127, 0, 0, 1], port));
    let mut builder = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none());
    for host in hosts {
        builder = builder.resolve(host, gateway);
    }
    builder.build().unwrap()
}

/// Sets a commune's running visit total in Redis, as the analytics service
/// keeps it.
async fn set_visits(env: &TestEnv, tenant: Uuid, total: u64) {
    let client = redis::Client::open(env.config.redis_url.as_str()).unwrap();
    let mut conn = client.get_multiplexed_async_connection().await.unwrap();
    let _: () = redis::cmd("SET")
        .arg(congxa_analytics::keys::Keys::new(&env.config.redis_prefix).total(tenant))
        .arg(total)
        .query_async(&mut conn)
        .await
        .unwrap();
}

/// Published items of a commune: (id, address without the leading slash).
async fn published(env: &TestEnv, tenant: Uuid) -> Vec<(Uuid, String)> {
    sqlx::query_as(
        "SELECT i.id, s.path || '/' || i.slug FROM items i JOIN sections s ON s.id = i.section_id
         WHERE i.tenant_id = $1 AND i.status = 'published' ORDER BY i.id",
    )
    .bind(tenant)
    .fetch_all(&env.admin)
    .await
    .unwrap()
}

async fn rows_of(env: &TestEnv, table: &str, tenant: Uuid) -> i64 {
    // The table names are this file's own.
    sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
        "SELECT count(*) FROM {table} WHERE tenant_id = $1"
    )))
    .bind(tenant)
    .fetch_one(&env.admin)
    .await
    .unwrap()
}

#[tokio::test]
async fn a_merge_moves_everything_and_every_old_address_finds_its_item() {
    let env = TestEnv::new().await;
    let new = demo_commune(&env, "quoctuan", "Xã Quốc Tuấn").await;
    let old = demo_commune(&env, "vinhbao", "Xã Vĩnh Bảo").await;
    congxa(
        &env,
        &["tenant", "add-domain", "vinhbao", OLD_DOMAIN, "--primary"],
    )
    .await
    .assert_ok();
    // One person on both boards, one only on the old one.
    for (tenant, email) in [
        ("quoctuan", "chung@quoctuan.vn"),
        ("vinhbao", "chung@quoctuan.vn"),
        ("vinhbao", "rieng@vinhbao.vn"),
    ] {
        congxa(
            &env,
            &[
                "user",
                "create",
                "--tenant",
                tenant,
                "--email",
                email,
                "--name",
                "Cán bộ",
                "--role",
                "member",
            ],
        )
        .await
        .assert_ok();
    }
    set_visits(&env, old, 1234).await;
    let old_items = published(&env, old).await;
    let new_items_before = rows_of(&env, "items", new).await;
    let old_items_all = rows_of(&env, "items", old).await;
    let old_files = rows_of(&env, "media_files", old).await;
    assert!(!old_items.is_empty() && old_files > 0);

    // A dry run tells what would move and changes nothing.
    let audit_before = audit_entries(&env).await;
    let dry = congxa(
        &env,
        &[
            "tenant",
            "merge",
            "--into",
            "quoctuan",
            "vinhbao",
            "--dry-run",
            "--json",
        ],
    )
    .await;
    dry.assert_ok();
    let plan = dry.json();
    assert_eq!(plan["dry_run"], true);
    assert_eq!(plan["from"][0]["slug"], "vinhbao");
    assert_eq!(plan["from"][0]["visits"], 1234);
    assert_eq!(plan["from"][0]["domains"][0], OLD_DOMAIN);
    assert!(
        plan["from"][0]["weeks_folded"].as_u64().unwrap() > 0,
        "{plan}"
    );
    assert_eq!(rows_of(&env, "items", old).await, old_items_all);
    assert_eq!(audit_entries(&env).await, audit_before);

    let run = congxa(&env, &["tenant", "merge", "--into", "quoctuan", "vinhbao"]).await;
    run.assert_ok();
    assert!(
        run.stdout.contains("Đã gộp vào Xã Quốc Tuấn"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("1.234 lượt truy cập"), "{}", run.stdout);

    // Everything moved; the folded weeks' items are the only ones gone.
    let folded = plan["from"][0]["weeks_folded"].as_i64().unwrap();
    assert_eq!(rows_of(&env, "items", old).await, 0);
    assert_eq!(
        rows_of(&env, "items", new).await,
        new_items_before + old_items_all - folded
    );
    assert_eq!(rows_of(&env, "media_files", old).await, 0);
    assert!(rows_of(&env, "media_files", new).await >= 2 * old_files);
    // The old commune keeps its profile and officials, the record of who ran it.
    assert_eq!(rows_of(&env, "site_profiles", old).await, 1);
    let (status, into, offset): (String, Option<Uuid>, i64) = sqlx::query_as(
        "SELECT o.status, o.merged_into, n.visits_offset FROM tenants o, tenants n
         WHERE o.id = $1 AND n.id = $2",
    )
    .bind(old)
    .bind(new)
    .fetch_one(&env.admin)
    .await
    .unwrap();
    assert_eq!((status.as_str(), into, offset), ("merged", Some(new), 1234));
    // Each moved item says where it came from. (A schedule week both
    // communes had is folded into the new one's and is gone: not that one.)
    let kept = old_items
        .iter()
        .find(|(_, path)| !path.starts_with("lich-cong-tac"))
        .unwrap();
    let (origin, origin_path): (String, String) =
        sqlx::query_as("SELECT origin_name, origin_path FROM items WHERE id = $1")
            .bind(kept.0)
            .fetch_one(&env.admin)
            .await
            .unwrap();
    assert_eq!(origin, "Xã Vĩnh Bảo");
    assert_eq!(origin_path, format!("/{}", kept.1));
    // The shared member joined the new account; the other moved, inactive.
    let accounts: Vec<(String, bool)> = sqlx::query_as(
        "SELECT email, active FROM board_accounts WHERE tenant_id = $1 AND email <> 'chung@quoctuan.vn'
         ORDER BY email",
    )
    .bind(new)
    .fetch_all(&env.admin)
    .await
    .unwrap();
    assert_eq!(accounts, vec![("rieng@vinhbao.vn".to_owned(), false)]);
    let merges: i64 =
        sqlx::query_scalar("SELECT count(*) FROM tenant_merges WHERE from_tenant_id = $1")
            .bind(old)
            .fetch_one(&env.admin)
            .await
            .unwrap();
    assert_eq!(merges, 1);
    assert!(
        common::audit_actions(&env)
            .await
            .contains(&"tenant.merge".to_owned())
    );

    // Every old address, on the old domain and on the old automatic one,
    // lands on its item.
    let platform = Platform::start(&env).await;
    let http = client(
        platform.port,
        &[OLD_DOMAIN, "vinhbao.localhost", "quoctuan.localhost"],
    );
    let base = format!("http://quoctuan.localhost:{}", platform.port);
    for (index, (id, path)) in old_items.iter().enumerate() {
        let host = if index % 2 == 0 {
            OLD_DOMAIN
        } else {
            "vinhbao.localhost"
        };
        let response = http
            .get(format!("http://{host}:{}/{path}?tu=cu", platform.port))
            .send()
            .await
            .unwrap();
        assert_eq!(
            response.status(),
            StatusCode::MOVED_PERMANENTLY,
            "{host}/{path}"
        );
        let location = response.headers()["location"].to_str().unwrap().to_owned();
        let new_path = location
            .strip_prefix(&base)
            .unwrap_or_else(|| panic!("{path} → {location}"))
            .strip_suffix("?tu=cu")
            .unwrap_or_else(|| panic!("the query is kept: {location}"))
            .trim_start_matches('/')
            .to_owned();
        // The address leads to the same item, or (a folded week) to the
        // week it joined.
        let found: Option<Uuid> = sqlx::query_scalar(
            "SELECT i.id FROM items i JOIN sections s ON s.id = i.section_id
             WHERE i.tenant_id = $1 AND s.path || '/' || i.slug = $2",
        )
        .bind(new)
        .bind(&new_path)
        .fetch_optional(&env.admin)
        .await
        .unwrap();
        let found = found.unwrap_or_else(|| panic!("{path} → {new_path}: no item there"));
        let is_week: bool =
            sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM schedule_weeks WHERE item_id = $1)")
                .bind(found)
                .fetch_one(&env.admin)
                .await
                .unwrap();
        assert!(found == *id || is_week, "{path} → {new_path}");
        // A week's page shows it within the schedule (a redirect there).
        let page = http.get(&location).send().await.unwrap();
        assert!(
            page.status() == StatusCode::OK || (is_week && page.status() == StatusCode::SEE_OTHER),
            "{location}: {}",
            page.status()
        );
    }
    // The old home page goes to the new one, and the counter kept the old
    // commune's visits.
    let home = http
        .get(format!("http://{OLD_DOMAIN}:{}/", platform.port))
        .send()
        .await
        .unwrap();
    assert_eq!(home.headers()["location"], format!("{base}/"));
    let counter: serde_json::Value = http
        .get(format!("{base}/api/thong-ke"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(counter["total"].as_u64().unwrap() >= 1234, "{counter}");
    platform.stop().await;
}

#[tokio::test]
async fn a_merge_that_cannot_be_done_changes_nothing() {
    let env = TestEnv::new().await;
    demo_commune(&env, "quoctuan", "Xã Quốc Tuấn").await;
    demo_commune(&env, "vinhbao", "Xã Vĩnh Bảo").await;
    common::create_tenant(&env, "thanhluong", "Xã Thanh Lương", &[])
        .await
        .assert_ok();
    congxa(&env, &["tenant", "suspend", "thanhluong"])
        .await
        .assert_ok();
    let before = audit_entries(&env).await;
    let merge = |args: &'static [&'static str]| {
        let env = &env;
        async move {
            let mut all = vec!["tenant", "merge", "--json"];
            all.extend_from_slice(args);
            congxa(env, &all).await
        }
    };
    merge(&["--into", "quoctuan", "quoctuan"])
        .await
        .assert_refused("merge_into_itself");
    merge(&["--into", "quoctuan", "vinhbao", "thanhluong"])
        .await
        .assert_refused("merge_suspended");
    merge(&["--into", "quoctuan", "vinhbao", "vinhbao"])
        .await
        .assert_refused("merge_repeated");
    merge(&["--into", "quoctuan", "khongco"])
        .await
        .assert_refused("tenant_not_found");
    // Named beside the suspended one, vinhbao did not move either.
    let status: String = sqlx::query_scalar("SELECT status FROM tenants WHERE slug = 'vinhbao'")
        .fetch_one(&env.admin)
        .await
        .unwrap();
    assert_eq!(status, "active");
    assert_eq!(audit_entries(&env).await, before);

    merge(&["--into", "quoctuan", "vinhbao"]).await.assert_ok();
    merge(&["--into", "thanhluong", "vinhbao"])
        .await
        .assert_refused("merge_suspended");
    congxa(&env, &["tenant", "resume", "thanhluong"])
        .await
        .assert_ok();
    merge(&["--into", "thanhluong", "vinhbao"])
        .await
        .assert_refused("tenant_merged");
    congxa(&env, &["tenant", "--json", "resume", "vinhbao"])
        .await
        .assert_refused("tenant_merged");
}

/// What a page shows, without what legitimately differs between two
/// platforms: the visit counter (in the footer), the public forms' stamps
/// (signed with each platform's own secret) and the test's ports.
fn main_of(html: &str, port: u16) -> String {
    let start = html.find("<main").unwrap_or(0);
    let end = html.find("</main>").unwrap_or(html.len());
    let mut main = html[start..end]
        .replace(&format!("%3A{port}"), "%3APORT")
        .replace(&format!(":{port}"), ":PORT");
    let marker = "name=\"dau\" value=\"";
    let mut from = 0;
    while let Some(at) = main[from..].find(marker) {
        let value = from + at + marker.len();
        let close = main[value..].find('"').map_or(main.len(), |n| value + n);
        main.replace_range(value..close, "");
        from = value;
    }
    main
}

#[tokio::test]
async fn an_exported_commune_is_the_same_after_import_on_another_platform() {
    let source = TestEnv::new().await;
    let tenant = demo_commune(&source, "quoctuan", "Xã Quốc Tuấn").await;
    congxa(
        &source,
        &[
            "tenant",
            "add-domain",
            "quoctuan",
            "quoctuan.haiphong.gov.vn",
            "--primary",
        ],
    )
    .await
    .assert_ok();
    set_visits(&source, tenant, 60_000).await;
    let folder = tempfile::tempdir().unwrap();
    let archive = folder.path().join("quoctuan.congxa.tar.gz");
    let archive_arg = archive.to_str().unwrap();
    let exported = congxa(
        &source,
        &[
            "tenant",
            "export",
            "quoctuan",
            "--output",
            archive_arg,
            "--json",
        ],
    )
    .await;
    exported.assert_ok();
    let exported = exported.json();
    assert!(exported["files"].as_u64().unwrap() > 0, "{exported}");
    // The other platform has a Redis of its own: nothing counted there yet.
    set_visits(&source, tenant, 0).await;

    // Bad archives: refused, nothing imported.
    let target = TestEnv::new().await;
    let foreign = folder.path().join("khac.tar.gz");
    std::fs::write(&foreign, b"not an archive at all").unwrap();
    congxa(
        &target,
        &["tenant", "import", foreign.to_str().unwrap(), "--json"],
    )
    .await
    .assert_refused("archive_foreign");
    let bytes = std::fs::read(&archive).unwrap();
    let truncated = folder.path().join("cut.tar.gz");
    std::fs::write(&truncated, &bytes[..bytes.len() * 2 / 3]).unwrap();
    congxa(
        &target,
        &["tenant", "import", truncated.to_str().unwrap(), "--json"],
    )
    .await
    .assert_refused("archive_corrupt");
    let tenants: i64 = sqlx::query_scalar("SELECT count(*) FROM tenants")
        .fetch_one(&target.admin)
        .await
        .unwrap();
    assert_eq!(tenants, 0);

    let imported = congxa(&target, &["tenant", "import", archive_arg, "--json"]).await;
    imported.assert_ok();
    // Twice is once too many.
    congxa(&target, &["tenant", "import", archive_arg, "--json"])
        .await
        .assert_refused("duplicate_slug");

    // The same pages, address for address, on both platforms.
    let before = Platform::start(&source).await;
    let after = Platform::start(&target).await;
    let host = "quoctuan.haiphong.gov.vn";
    let mut paths: Vec<String> = published(&source, tenant)
        .await
        .into_iter()
        .map(|(_, path)| format!("/{path}"))
        .collect();
    paths.extend(
        sqlx::query_scalar::<_, String>(
            "SELECT '/' || path FROM sections WHERE tenant_id = $1 ORDER BY path",
        )
        .bind(tenant)
        .fetch_all(&source.admin)
        .await
        .unwrap(),
    );
    paths.extend(["/".to_owned(), "/van-ban?q=quyet+dinh".to_owned()]);
    let files: Vec<(Uuid,)> = sqlx::query_as("SELECT id FROM media_files WHERE tenant_id = $1")
        .bind(tenant)
        .fetch_all(&source.admin)
        .await
        .unwrap();
    for path in &paths {
        let (a, b) = (
            client(before.port, &[host])
                .get(format!("http://{host}:{}{path}", before.port))
                .send()
                .await
                .unwrap(),
            client(after.port, &[host])
                .get(format!("http://{host}:{}{path}", after.port))
                .send()
                .await
                .unwrap(),
        );
        assert_eq!(a.status(), b.status(), "{path}");
        assert_eq!(
            a.headers().get("location"),
            b.headers().get("location"),
            "{path}: {} {}",
            a.status(),
            b.status()
        );
        assert!(
            !a.status().is_redirection() || path.starts_with("/lich-cong-tac/"),
            "{path} → {:?}",
            a.headers().get("location")
        );
        let (a, b) = (a.text().await.unwrap(), b.text().await.unwrap());
        assert_eq!(main_of(&a, before.port), main_of(&b, after.port), "{path}");
    }
    assert!(!files.is_empty());
    for (id,) in &files {
        let path = format!("/tep/{id}/tep");
        let a = client(before.port, &[host])
            .get(format!("http://{host}:{}{path}", before.port))
            .send()
            .await
            .unwrap();
        let b = client(after.port, &[host])
            .get(format!("http://{host}:{}{path}", after.port))
            .send()
            .await
            .unwrap();
        assert_eq!(a.status(), b.status(), "{path}");
        assert_eq!(a.bytes().await.unwrap(), b.bytes().await.unwrap(), "{path}");
    }
    // The counter starts from the old platform's total.
    let counter: serde_json::Value = client(after.port, &[host])
        .get(format!("http://{host}:{}/api/thong-ke", after.port))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(counter["total"].as_u64().unwrap() >= 60_000, "{counter}");
    before.stop().await;
    after.stop().await;
}
