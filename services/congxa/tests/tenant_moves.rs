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

/// An entry of an archive, to be rewritten as a hostile archive would.
#[derive(Clone)]
struct Item {
    name: Vec<u8>,
    kind: tar::EntryType,
    link: Option<Vec<u8>>,
    data: Data,
}

#[derive(Clone)]
enum Data {
    Bytes(Vec<u8>),
    /// That many spaces, never held in memory: a decompression bomb.
    Spaces(u64),
}

fn read_archive(path: &std::path::Path) -> Vec<Item> {
    use std::io::Read;
    let file = std::fs::File::open(path).unwrap();
    let mut archive = tar::Archive::new(flate2::read::GzDecoder::new(file));
    archive
        .entries()
        .unwrap()
        .map(|entry| {
            let mut entry = entry.unwrap();
            let name = entry.path_bytes().into_owned();
            let mut data = Vec::new();
            entry.read_to_end(&mut data).unwrap();
            Item {
                name,
                kind: tar::EntryType::Regular,
                link: None,
                data: Data::Bytes(data),
            }
        })
        .collect()
}

/// Writes the entries with headers made by hand: the tar crate's own
/// builder refuses the names a hostile archive uses.
fn write_archive(path: &std::path::Path, items: &[Item]) {
    use std::io::Read;
    let file = std::fs::File::create(path).unwrap();
    let gz = flate2::write::GzEncoder::new(file, flate2::Compression::fast());
    let mut builder = tar::Builder::new(gz);
    for item in items {
        let mut header = tar::Header::new_gnu();
        let gnu = header.as_gnu_mut().unwrap();
        gnu.name[..item.name.len()].copy_from_slice(&item.name);
        if let Some(link) = &item.link {
            gnu.linkname[..link.len()].copy_from_slice(link);
        }
        header.set_mode(0o644);
        header.set_entry_type(item.kind);
        header.set_mtime(0);
        match &item.data {
            Data::Bytes(bytes) => {
                header.set_size(bytes.len() as u64);
                header.set_cksum();
                builder.append(&header, bytes.as_slice()).unwrap();
            }
            Data::Spaces(n) => {
                header.set_size(*n);
                header.set_cksum();
                builder
                    .append(&header, std::io::repeat(b' ').take(*n))
                    .unwrap();
            }
        }
    }
    builder.into_inner().unwrap().finish().unwrap();
}

fn entry<'a>(items: &'a mut [Item], name: &str) -> &'a mut Item {
    items
        .iter_mut()
        .find(|item| item.name == name.as_bytes())
        .unwrap_or_else(|| panic!("no entry {name}"))
}

fn json_of(items: &mut [Item], name: &str) -> serde_json::Value {
    match &entry(items, name).data {
        Data::Bytes(bytes) => serde_json::from_slice(bytes).unwrap(),
        Data::Spaces(_) => panic!("{name} is not JSON"),
    }
}

fn set_json(items: &mut [Item], name: &str, value: &serde_json::Value) {
    entry(items, name).data = Data::Bytes(serde_json::to_vec(value).unwrap());
}

/// Rewrites a table's rows, and the manifest's count of them.
fn edit_rows(items: &mut [Item], table: &str, edit: impl FnOnce(&mut Vec<serde_json::Value>)) {
    let name = format!("rows/{table}.json");
    let mut rows = json_of(items, &name);
    let list = rows.as_array_mut().unwrap();
    edit(list);
    let count = list.len();
    set_json(items, &name, &rows);
    let mut manifest = json_of(items, "congxa-export.json");
    manifest["rows"][table] = count.into();
    set_json(items, "congxa-export.json", &manifest);
}

/// Replaces a file's bytes, and its size and hash in the manifest, so that
/// only what the bytes are can give them away.
fn set_file(items: &mut [Item], id: &str, bytes: &[u8]) {
    use sha2::Digest;
    entry(items, &format!("files/{id}")).data = Data::Bytes(bytes.to_vec());
    let mut manifest = json_of(items, "congxa-export.json");
    for file in manifest["files"].as_array_mut().unwrap() {
        if file["id"] == id {
            file["size_bytes"] = bytes.len().into();
            file["sha256"] = hex::encode(sha2::Sha256::digest(bytes)).into();
        }
    }
    set_json(items, "congxa-export.json", &manifest);
}

fn set_row_field(items: &mut [Item], table: &str, id: &str, column: &str, value: &str) {
    edit_rows(items, table, |rows| {
        for row in rows.iter_mut().filter(|row| row["id"] == id) {
            row[column] = value.into();
        }
    });
}

/// A commune of the demo exported: its archive's entries, its first file
/// and the folder the archive is in.
async fn exported_demo(env: &TestEnv) -> (Vec<Item>, String, tempfile::TempDir) {
    demo_commune(env, "quoctuan", "Xã Quốc Tuấn").await;
    let folder = tempfile::tempdir().unwrap();
    let archive = folder.path().join("quoctuan.congxa.tar.gz");
    congxa(
        env,
        &[
            "tenant",
            "export",
            "quoctuan",
            "--output",
            archive.to_str().unwrap(),
            "--json",
        ],
    )
    .await
    .assert_ok();
    let mut items = read_archive(&archive);
    let files = json_of(&mut items, "rows/media_files.json");
    let file = files[0]["id"].as_str().unwrap().to_owned();
    (items, file, folder)
}

fn template(tenant: &serde_json::Value, name: &str, source: &str) -> serde_json::Value {
    serde_json::json!({
        "tenant_id": tenant,
        "theme": "default",
        "name": name,
        "version": 1,
        "source": source,
        "author": "Kẻ gian <kegian@example.com>",
    })
}

#[tokio::test]
async fn an_archive_that_cannot_be_made_safe_is_refused_whole_and_leaves_nothing_behind() {
    let source = TestEnv::new().await;
    let (original, file, folder) = exported_demo(&source).await;
    let tenant = json_of(&mut original.clone(), "congxa-export.json")["tenant"]["id"].clone();
    let first_item = json_of(&mut original.clone(), "rows/items.json")[0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    type Rewrite<'a> = Box<dyn Fn(&mut Vec<Item>) + 'a>;
    let page = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>";
    let cases: Vec<(&str, Rewrite, &str, String)> = vec![
        (
            "a page labelled as a JPEG",
            Box::new(|items: &mut Vec<Item>| {
                set_row_field(items, "media_files", &file, "content_type", "image/jpeg");
                set_file(items, &file, page);
            }),
            "archive_refused",
            format!("tệp {file}"),
        ),
        (
            "an SVG with a script",
            Box::new(|items: &mut Vec<Item>| {
                set_row_field(items, "media_files", &file, "content_type", "image/svg+xml");
                set_file(
                    items,
                    &file,
                    br#"<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>"#,
                );
            }),
            "archive_refused",
            "không phải loại tệp nền tảng nhận".to_owned(),
        ),
        (
            "a template that does not parse",
            Box::new(|items: &mut Vec<Item>| {
                let t = template(&tenant, "article.html", "{% for x in %}{{ x }}");
                edit_rows(items, "template_overrides", |rows| *rows = vec![t]);
            }),
            "archive_refused",
            "mẫu giao diện “article.html”".to_owned(),
        ),
        (
            "a template the theme does not have",
            Box::new(|items: &mut Vec<Item>| {
                let t = template(&tenant, "quan_tri.html", "{{ 1 }}");
                edit_rows(items, "template_overrides", |rows| *rows = vec![t]);
            }),
            "archive_refused",
            "không có mẫu “quan_tri.html”".to_owned(),
        ),
        (
            "a title too long",
            Box::new(|items: &mut Vec<Item>| {
                set_row_field(items, "items", &first_item, "title", &"Đ".repeat(501));
            }),
            "archive_refused",
            format!("bảng items, dòng {first_item}: tiêu đề dài quá 500 ký tự"),
        ),
        (
            "an entry climbing out of the archive",
            Box::new(|items: &mut Vec<Item>| {
                items.push(Item {
                    name: b"../../x".to_vec(),
                    kind: tar::EntryType::Regular,
                    link: None,
                    data: Data::Bytes(b"#!/bin/sh\n".to_vec()),
                });
            }),
            "archive_refused",
            "mục “../../x”".to_owned(),
        ),
        (
            "an absolute path",
            Box::new(|items: &mut Vec<Item>| {
                items.push(Item {
                    name: b"/etc/cron.d/congxa".to_vec(),
                    kind: tar::EntryType::Regular,
                    link: None,
                    data: Data::Bytes(b"* * * * * root id\n".to_vec()),
                });
            }),
            "archive_refused",
            "mục “/etc/cron.d/congxa”".to_owned(),
        ),
        (
            "a symbolic link in place of a file",
            Box::new(|items: &mut Vec<Item>| {
                set_file(items, &file, b"");
                let link = entry(items, &format!("files/{file}"));
                link.kind = tar::EntryType::Symlink;
                link.link = Some(b"/etc/passwd".to_vec());
            }),
            "archive_refused",
            "là liên kết".to_owned(),
        ),
        (
            "a hard link in place of a file",
            Box::new(|items: &mut Vec<Item>| {
                set_file(items, &file, b"");
                let link = entry(items, &format!("files/{file}"));
                link.kind = tar::EntryType::Link;
                link.link = Some(b"congxa-export.json".to_vec());
            }),
            "archive_refused",
            "là liên kết".to_owned(),
        ),
        (
            "a decompression bomb",
            Box::new(|items: &mut Vec<Item>| {
                entry(items, "rows/items.json").data = Data::Spaces(600 * 1024 * 1024);
            }),
            "archive_refused",
            "lớn hơn 512 MB".to_owned(),
        ),
        (
            "a menu entry that browsers read as another site",
            Box::new(|items: &mut Vec<Item>| {
                let entry = |position: i16, label: &str, url: &str| {
                    serde_json::json!({"tenant_id": tenant, "position": position,
                                       "label": label, "section_id": null, "url": url})
                };
                let menu = vec![
                    entry(1, "Giới thiệu", "/gioi-thieu"),
                    entry(2, "Dịch vụ công", "https://dichvucong.gov.vn"),
                    entry(3, "Tin mới", "/\\ke-gian.example"),
                ];
                edit_rows(items, "menu_entries", |rows| *rows = menu);
            }),
            "archive_refused",
            "trình đơn của xã".to_owned(),
        ),
        (
            "a javascript: menu entry",
            Box::new(|items: &mut Vec<Item>| {
                let menu = vec![serde_json::json!({"tenant_id": tenant, "position": 1,
                    "label": "Bấm", "section_id": null, "url": "javascript:alert(1)"})];
                edit_rows(items, "menu_entries", |rows| *rows = menu);
            }),
            "archive_refused",
            "bảng menu_entries".to_owned(),
        ),
        (
            "a colour too light to read",
            Box::new(|items: &mut Vec<Item>| {
                edit_rows(items, "site_profiles", |rows| {
                    rows[0]["primary_color"] = "#ffff00".into();
                });
            }),
            "archive_refused",
            "độ tương phản".to_owned(),
        ),
        (
            "a colour that is not one",
            Box::new(|items: &mut Vec<Item>| {
                edit_rows(items, "site_profiles", |rows| {
                    rows[0]["primary_color"] = "#fff}</style><script>alert(1)</script>".into();
                });
            }),
            "archive_refused",
            "bảng site_profiles".to_owned(),
        ),
    ];

    let target = TestEnv::new().await;
    for (n, (case, rewrite, code, said)) in cases.iter().enumerate() {
        let mut items = original.clone();
        rewrite(&mut items);
        let path = folder.path().join(format!("hostile-{n}.tar.gz"));
        write_archive(&path, &items);
        let run = congxa(
            &target,
            &["tenant", "import", path.to_str().unwrap(), "--json"],
        )
        .await;
        assert_eq!(run.code, 2, "{case}: {}", run.stderr);
        run.assert_refused(code);
        assert!(run.stderr.contains(said.as_str()), "{case}: {}", run.stderr);
    }

    // Nothing of any of them: no commune, no row, no object in the bucket.
    let tenants: i64 = sqlx::query_scalar("SELECT count(*) FROM tenants")
        .fetch_one(&target.admin)
        .await
        .unwrap();
    assert_eq!(tenants, 0);
    let objects = congxa_storage::Store::new(&target.config)
        .list("tenants/")
        .await
        .unwrap();
    assert!(objects.is_empty());
    // The archive untouched still imports.
    let path = folder.path().join("untouched.tar.gz");
    write_archive(&path, &original);
    congxa(
        &target,
        &["tenant", "import", path.to_str().unwrap(), "--json"],
    )
    .await
    .assert_ok();
}

#[tokio::test]
async fn scripts_in_an_archive_are_cleaned_and_its_files_known_by_their_bytes() {
    let source = TestEnv::new().await;
    let (mut items, file, folder) = exported_demo(&source).await;
    let tenant = json_of(&mut items, "congxa-export.json")["tenant"]["id"].clone();
    let news: Vec<serde_json::Value> = json_of(&mut items, "rows/sections.json")
        .as_array()
        .unwrap()
        .iter()
        .filter(|row| row["path"].as_str().unwrap().starts_with("tin-tuc"))
        .map(|row| row["id"].clone())
        .collect();
    let article = json_of(&mut items, "rows/items.json")
        .as_array()
        .unwrap()
        .iter()
        .find(|row| row["status"] == "published" && news.contains(&row["section_id"]))
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let hostile = r#"<p>Bài viết của xã</p><script>alert(1)</script><img src="x" onerror="alert(1)"><a href="javascript:alert(1)">bấm</a><p onmouseover="alert(1)">Hết</p>"#;
    set_row_field(&mut items, "items", &article, "body", hostile);
    edit_rows(&mut items, "item_revisions", |rows| {
        for row in rows.iter_mut() {
            row["body"] = hostile.into();
        }
    });
    edit_rows(&mut items, "questions", |rows| {
        assert!(!rows.is_empty());
        for row in rows.iter_mut() {
            row["answer"] =
                r#"<p>Trả lời</p><script>alert(2)</script><img src="/tep/x" onerror="alert(2)">"#
                    .into();
        }
    });
    set_row_field(
        &mut items,
        "media_files",
        &file,
        "content_type",
        "image/jpeg",
    );
    set_row_field(&mut items, "media_files", &file, "kind", "image");
    set_row_field(
        &mut items,
        "media_files",
        &file,
        "filename",
        "../../anh\u{202E}fdp.exe",
    );
    // What the workspace keeps, the sandbox bounds on every page.
    let templates = vec![
        template(
            &tenant,
            "article.html",
            "{% macro again() %}{{ again() }}{% endmacro %}{{ again() }}",
        ),
        template(
            &tenant,
            "documents.html",
            r#"{% include "../../../etc/passwd" %}"#,
        ),
    ];
    edit_rows(&mut items, "template_overrides", |rows| *rows = templates);
    let path = folder.path().join("hostile.tar.gz");
    write_archive(&path, &items);

    let target = TestEnv::new().await;
    congxa(
        &target,
        &["tenant", "import", path.to_str().unwrap(), "--json"],
    )
    .await
    .assert_ok();

    let texts: Vec<(String,)> = sqlx::query_as(
        "SELECT body FROM items WHERE id = $1::uuid
         UNION ALL SELECT body FROM item_revisions WHERE tenant_id = $2::uuid
         UNION ALL SELECT answer FROM questions WHERE tenant_id = $2::uuid",
    )
    .bind(&article)
    .bind(tenant.as_str().unwrap())
    .fetch_all(&target.admin)
    .await
    .unwrap();
    assert!(texts.len() > 2);
    for (text,) in &texts {
        for banned in ["<script", "onerror", "onmouseover", "javascript:"] {
            assert!(!text.contains(banned), "{banned} in {text}");
        }
    }
    assert!(
        texts[0].0.contains("<p>Bài viết của xã</p>"),
        "{}",
        texts[0].0
    );
    let (content_type, kind, filename): (String, String, String) =
        sqlx::query_as("SELECT content_type, kind, filename FROM media_files WHERE id = $1::uuid")
            .bind(&file)
            .fetch_one(&target.admin)
            .await
            .unwrap();
    assert_eq!(
        (content_type.as_str(), kind.as_str()),
        ("application/pdf", "document")
    );
    assert_eq!(filename, "anhfdp.exe");

    // The pages serve, from the theme's own templates where the commune's
    // fail, and say nothing of the machine.
    let platform = Platform::start(&target).await;
    let host = "quoctuan.localhost";
    let address: String = sqlx::query_scalar(
        "SELECT '/' || s.path || '/' || i.slug FROM items i JOIN sections s ON s.id = i.section_id
         WHERE i.id = $1::uuid",
    )
    .bind(&article)
    .fetch_one(&target.admin)
    .await
    .unwrap();
    for path in [address.as_str(), "/van-ban"] {
        let page = client(platform.port, &[host])
            .get(format!("http://{host}:{}{path}", platform.port))
            .send()
            .await
            .unwrap();
        assert_eq!(page.status(), StatusCode::OK, "{path}");
        let html = page.text().await.unwrap();
        assert!(
            !html.contains("alert(") && !html.contains("root:"),
            "{path}: {html}"
        );
    }
    platform.stop().await;
}
