//! The operators' commands for communes and regions, run as the real
//! `congxa` binary against a database of their own: what they print, the
//! exit codes, and that each change lands whole, with its audit entry, or not
//! at all.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{
    Run, audit_actions, audit_entries, congxa, count, create_quoctuan, create_region,
    create_tenant, province_with_district,
};
use congxa_testing::TestEnv;
use serde_json::Value;

/// The slugs a `tenant list --json` printed, in order.
fn slugs(run: &Run) -> Vec<String> {
    run.assert_ok();
    run.json()
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["slug"].as_str().unwrap().to_owned())
        .collect()
}

/// The domains of a commune as JSON shows them: (domain, primary).
fn domains(tenant: &Value) -> Vec<(String, bool)> {
    tenant["domains"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["domain"].as_str().unwrap().to_owned(),
                d["primary"].as_bool().unwrap(),
            )
        })
        .collect()
}

#[tokio::test]
async fn a_commune_created_with_json_is_shown_listed_and_audited() {
    let env = TestEnv::new().await;

    let created = create_tenant(&env, "quoctuan", "Xã Quốc Tuấn", &["--json"]).await;
    let shown = congxa(&env, &["tenant", "show", "quoctuan", "--json"]).await;
    let listed = congxa(&env, &["tenant", "list", "--json"]).await;
    let audit = congxa(&env, &["audit", "--json"]).await;

    let tenant = created.assert_ok().json();
    assert_eq!(tenant["slug"], "quoctuan");
    assert_eq!(tenant["name"], "Xã Quốc Tuấn");
    assert_eq!(tenant["status"], "active");
    assert_eq!(tenant["automatic_domain"], "quoctuan.localhost");
    assert_eq!(shown.assert_ok().json()["id"], tenant["id"]);
    assert_eq!(slugs(&listed), ["quoctuan"]);
    let entries = audit.assert_ok().json();
    let entries = entries.as_array().unwrap();
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0]["action"], "tenant.create");
    assert_eq!(entries[0]["tenant_slug"], "quoctuan");
    assert_eq!(entries[0]["actor"], "cli:tester");
    assert!(
        entries[0]["origin"]
            .as_str()
            .unwrap()
            .starts_with("cli on ")
    );
    assert_eq!(entries[0]["details"]["name"], "Xã Quốc Tuấn");
    let rows = sqlx::query_as::<_, (String, Option<uuid::Uuid>)>(
        "SELECT action, tenant_id FROM operator_audit",
    )
    .fetch_all(&env.admin)
    .await
    .unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(
        rows[0].1.map(|id| id.to_string()).as_deref(),
        tenant["id"].as_str()
    );
}

#[tokio::test]
async fn people_read_what_happened_in_vietnamese() {
    let env = TestEnv::new().await;

    let created = create_tenant(&env, "quoctuan", "Xã Quốc Tuấn", &[]).await;
    let listed = congxa(&env, &["tenant", "list"]).await;

    created.assert_ok();
    assert!(
        created
            .stdout
            .starts_with("Đã tạo Xã Quốc Tuấn (quoctuan).\n")
    );
    assert!(created.stdout.contains("http://quoctuan.localhost/"));
    assert!(created.stdout.contains("Trạng thái: đang hoạt động"));
    listed.assert_ok();
    let lines: Vec<&str> = listed.stdout.lines().collect();
    assert!(
        lines[0].starts_with("Tên định danh  Tên"),
        "{}",
        listed.stdout
    );
    assert!(
        lines[1].starts_with("quoctuan       Xã Quốc Tuấn"),
        "{}",
        listed.stdout
    );
    assert_eq!(lines.last(), Some(&"1 đơn vị."));
}

#[tokio::test]
async fn a_commune_can_be_created_in_a_region_with_its_primary_domain() {
    let env = TestEnv::new().await;
    province_with_district(&env).await;

    let created = create_tenant(
        &env,
        "anhung",
        "Xã An Hưng",
        &[
            "--region",
            "haiphong-vinhbao",
            "--domain",
            "AnHung.HaiPhong.gov.vn.",
            "--json",
        ],
    )
    .await;

    let tenant = created.assert_ok().json();
    assert_eq!(tenant["region_code"], "haiphong-vinhbao");
    assert_eq!(tenant["region_name"], "Huyện Vĩnh Bảo (cũ)");
    assert_eq!(
        domains(&tenant),
        [("anhung.haiphong.gov.vn".to_owned(), true)]
    );
    let primary = sqlx::query_scalar::<_, bool>(
        "SELECT is_primary FROM tenant_domains WHERE domain = 'anhung.haiphong.gov.vn'",
    )
    .fetch_one(&env.admin)
    .await
    .unwrap();
    assert!(primary);
}

#[tokio::test]
async fn the_kind_is_read_from_the_name_unless_given() {
    let env = TestEnv::new().await;

    let phuong = create_tenant(&env, "hongbang", "Phường Hồng Bàng", &["--json"]).await;
    let dac_khu = create_tenant(&env, "bachlongvi", "Đặc khu Bạch Long Vĩ", &["--json"]).await;
    let given = create_tenant(&env, "catba", "Cát Bà", &["--kind", "dac_khu", "--json"]).await;
    let unknown = create_tenant(&env, "vinhbao", "Vĩnh Bảo", &["--json"]).await;

    assert_eq!(phuong.assert_ok().json()["kind"], "phuong");
    assert_eq!(dac_khu.assert_ok().json()["kind"], "dac_khu");
    assert_eq!(given.assert_ok().json()["kind"], "dac_khu");
    unknown.assert_refused("kind_required");
    assert!(unknown.stderr.contains("--kind xa|phuong|dac_khu"));
}

#[tokio::test]
async fn a_duplicate_slug_is_refused_and_nothing_is_half_written() {
    let env = TestEnv::new().await;
    create_quoctuan(&env, None).await;

    let again = create_tenant(
        &env,
        "quoctuan",
        "Xã Quốc Tuấn Mới",
        &["--domain", "quoctuan.haiphong.gov.vn", "--json"],
    )
    .await;

    again.assert_refused("duplicate_slug");
    assert!(
        again
            .stderr
            .contains("Đã có xã dùng tên định danh “quoctuan”")
    );
    assert_eq!(count(&env, "SELECT count(*) FROM tenants").await, 1);
    assert_eq!(count(&env, "SELECT count(*) FROM tenant_domains").await, 0);
    assert_eq!(audit_entries(&env).await, 1);
}

#[tokio::test]
async fn a_domain_of_another_commune_is_refused_and_nothing_is_written() {
    let env = TestEnv::new().await;
    create_quoctuan(&env, Some("quoctuan.haiphong.gov.vn")).await;
    create_tenant(&env, "anhung", "Xã An Hưng", &[])
        .await
        .assert_ok();
    let entries_before = audit_entries(&env).await;

    let create = create_tenant(
        &env,
        "vinhbao",
        "Xã Vĩnh Bảo",
        &["--domain", "quoctuan.haiphong.gov.vn", "--json"],
    )
    .await;
    let add = congxa(
        &env,
        &[
            "tenant",
            "add-domain",
            "anhung",
            "QuocTuan.HaiPhong.gov.vn",
            "--primary",
            "--json",
        ],
    )
    .await;

    create.assert_refused("domain_taken");
    add.assert_refused("domain_taken");
    // The owner is named, so the operator knows whom to ask.
    assert!(
        add.stderr.contains("đã được gắn cho Xã Quốc Tuấn"),
        "{}",
        add.stderr
    );
    assert_eq!(
        count(&env, "SELECT count(*) FROM tenants WHERE slug = 'vinhbao'").await,
        0
    );
    let owner = sqlx::query_scalar::<_, String>(
        "SELECT t.slug FROM tenant_domains d JOIN tenants t ON t.id = d.tenant_id",
    )
    .fetch_all(&env.admin)
    .await
    .unwrap();
    assert_eq!(owner, ["quoctuan"]);
    assert_eq!(audit_entries(&env).await, entries_before);
}

#[tokio::test]
async fn invalid_domains_are_refused() {
    let env = TestEnv::new().await;
    create_quoctuan(&env, None).await;
    let cases = [
        ("a b.vn", "invalid_domain"),
        ("quoctuan.localhost", "domain_under_platform"),
        ("example.com", "domain_not_vn"),
    ];

    for (domain, code) in cases {
        let add = congxa(
            &env,
            &["tenant", "add-domain", "quoctuan", domain, "--json"],
        )
        .await;
        let create = create_tenant(
            &env,
            "anhung",
            "Xã An Hưng",
            &["--domain", domain, "--json"],
        )
        .await;

        add.assert_refused(code);
        create.assert_refused(code);
    }
    assert_eq!(count(&env, "SELECT count(*) FROM tenant_domains").await, 0);
    assert_eq!(count(&env, "SELECT count(*) FROM tenants").await, 1);
    assert_eq!(audit_entries(&env).await, 1);
}

#[tokio::test]
async fn the_primary_flag_moves_and_stays_unique() {
    let env = TestEnv::new().await;
    create_quoctuan(&env, Some("quoctuan.haiphong.gov.vn")).await;
    let primaries = "SELECT count(*) FROM tenant_domains WHERE is_primary";

    let alias = congxa(
        &env,
        &["tenant", "add-domain", "quoctuan", "quoctuan.vn", "--json"],
    )
    .await;
    let new_primary = congxa(
        &env,
        &[
            "tenant",
            "add-domain",
            "quoctuan",
            "xaquoctuan.vn",
            "--primary",
            "--json",
        ],
    )
    .await;
    let primaries_after_add = count(&env, primaries).await;
    let moved = congxa(
        &env,
        &["tenant", "set-primary", "quoctuan", "quoctuan.vn", "--json"],
    )
    .await;

    assert_eq!(
        domains(&alias.assert_ok().json()),
        [
            ("quoctuan.haiphong.gov.vn".to_owned(), true),
            ("quoctuan.vn".to_owned(), false)
        ]
    );
    assert_eq!(
        domains(&new_primary.assert_ok().json())[0],
        ("xaquoctuan.vn".to_owned(), true)
    );
    assert_eq!(primaries_after_add, 1);
    assert_eq!(
        domains(&moved.assert_ok().json()),
        [
            ("quoctuan.vn".to_owned(), true),
            ("quoctuan.haiphong.gov.vn".to_owned(), false),
            ("xaquoctuan.vn".to_owned(), false)
        ]
    );
    assert_eq!(count(&env, primaries).await, 1);
    assert_eq!(
        audit_actions(&env).await,
        [
            "tenant.create",
            "tenant.add_domain",
            "tenant.add_domain",
            "tenant.set_primary"
        ]
    );
}

#[tokio::test]
async fn a_domain_can_be_removed_once() {
    let env = TestEnv::new().await;
    let domain = "quoctuan.haiphong.gov.vn";
    create_quoctuan(&env, Some(domain)).await;
    let remove = ["tenant", "remove-domain", "quoctuan", domain, "--json"];

    let removed = congxa(&env, &remove).await;
    let again = congxa(&env, &remove).await;
    let not_its_own = congxa(
        &env,
        &["tenant", "set-primary", "quoctuan", domain, "--json"],
    )
    .await;

    assert!(domains(&removed.assert_ok().json()).is_empty());
    again.assert_refused("domain_not_found");
    not_its_own.assert_refused("domain_not_found");
    assert_eq!(count(&env, "SELECT count(*) FROM tenant_domains").await, 0);
    let details = sqlx::query_scalar::<_, Value>(
        "SELECT details FROM operator_audit WHERE action = 'tenant.remove_domain'",
    )
    .fetch_all(&env.admin)
    .await
    .unwrap();
    assert_eq!(details.len(), 1);
    assert_eq!(details[0]["was_primary"], true);
}

#[tokio::test]
async fn suspend_and_resume_change_the_status_and_are_idempotent() {
    let env = TestEnv::new().await;
    create_quoctuan(&env, None).await;

    let suspended = congxa(&env, &["tenant", "suspend", "quoctuan", "--json"]).await;
    let suspended_again = congxa(&env, &["tenant", "suspend", "quoctuan"]).await;
    let status_while_suspended =
        sqlx::query_scalar::<_, String>("SELECT status FROM tenants WHERE slug = 'quoctuan'")
            .fetch_one(&env.admin)
            .await
            .unwrap();
    let resumed = congxa(&env, &["tenant", "resume", "quoctuan", "--json"]).await;
    let resumed_again = congxa(&env, &["tenant", "resume", "quoctuan", "--json"]).await;

    let suspended = suspended.assert_ok().json();
    assert_eq!(suspended["status"], "suspended");
    assert_eq!(suspended["changed"], true);
    suspended_again.assert_ok();
    assert!(suspended_again.stdout.contains("không có gì thay đổi"));
    assert!(suspended_again.stdout.contains("Trạng thái: tạm ngừng"));
    assert_eq!(status_while_suspended, "suspended");
    let resumed = resumed.assert_ok().json();
    assert_eq!(resumed["status"], "active");
    assert_eq!(resumed["changed"], true);
    assert_eq!(resumed_again.assert_ok().json()["changed"], false);
    assert_eq!(
        audit_actions(&env).await,
        ["tenant.create", "tenant.suspend", "tenant.resume"]
    );
}

#[tokio::test]
async fn an_unknown_commune_is_refused_by_every_command() {
    let env = TestEnv::new().await;
    let commands: [&[&str]; 7] = [
        &["tenant", "show", "khongco"],
        &["tenant", "suspend", "khongco"],
        &["tenant", "resume", "khongco"],
        &["tenant", "add-domain", "khongco", "khongco.vn"],
        &["tenant", "remove-domain", "khongco", "khongco.vn"],
        &["tenant", "set-primary", "khongco", "khongco.vn"],
        &["audit", "--tenant", "khongco"],
    ];

    for command in commands {
        let run = congxa(&env, &[command, &["--json"]].concat()).await;

        run.assert_refused("tenant_not_found");
        assert!(
            run.stderr
                .contains("Không tìm thấy xã có tên định danh “khongco”")
        );
    }
    assert_eq!(audit_entries(&env).await, 0);
}

#[tokio::test]
async fn regions_are_created_once_and_listed_province_first() {
    let env = TestEnv::new().await;
    province_with_district(&env).await;

    let duplicate = create_region(&env, "haiphong", "Hải Phòng", &["--json"]).await;
    let no_parent = create_region(&env, "x", "Huyện X", &["--parent", "nowhere", "--json"]).await;
    let listed = congxa(&env, &["region", "list", "--json"]).await;

    duplicate.assert_refused("duplicate_region");
    no_parent.assert_refused("region_not_found");
    let regions = listed.assert_ok().json();
    let codes: Vec<&str> = regions
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["haiphong", "haiphong-vinhbao"]);
    assert_eq!(regions[1]["parent_code"], "haiphong");
    assert_eq!(
        count(&env, "SELECT count(*) FROM operator_audit WHERE action = 'region.create' AND tenant_id IS NULL").await,
        2
    );
}

#[tokio::test]
async fn the_list_filters_by_region_status_and_search_and_pages() {
    let env = TestEnv::new().await;
    province_with_district(&env).await;
    create_region(&env, "hanoi", "Thành phố Hà Nội", &[])
        .await
        .assert_ok();
    for (slug, name, region) in [
        ("anhung", "Xã An Hưng", Some("haiphong-vinhbao")),
        ("hongbang", "Phường Hồng Bàng", Some("haiphong")),
        ("hoankiem", "Phường Hoàn Kiếm", Some("hanoi")),
        ("quoctuan", "Xã Quốc Tuấn", None),
    ] {
        let extra = region.map_or_else(Vec::new, |region| vec!["--region", region]);
        create_tenant(&env, slug, name, &extra).await.assert_ok();
    }
    congxa(&env, &["tenant", "suspend", "hongbang"])
        .await
        .assert_ok();

    let province = congxa(&env, &["tenant", "list", "--region", "haiphong", "--json"]).await;
    let district = congxa(
        &env,
        &["tenant", "list", "--region", "haiphong-vinhbao", "--json"],
    )
    .await;
    let suspended = congxa(&env, &["tenant", "list", "--status", "suspended", "--json"]).await;
    let active = congxa(&env, &["tenant", "list", "--status", "active", "--json"]).await;
    let by_name = congxa(&env, &["tenant", "list", "--search", "Phường", "--json"]).await;
    let by_slug = congxa(&env, &["tenant", "list", "--search", "tuan", "--json"]).await;
    let page = congxa(
        &env,
        &["tenant", "list", "--limit", "2", "--offset", "1", "--json"],
    )
    .await;
    let unknown_region = congxa(&env, &["tenant", "list", "--region", "nowhere", "--json"]).await;
    let full_page = congxa(&env, &["tenant", "list", "--limit", "2"]).await;

    assert_eq!(slugs(&province), ["anhung", "hongbang"]);
    assert_eq!(slugs(&district), ["anhung"]);
    assert_eq!(slugs(&suspended), ["hongbang"]);
    assert_eq!(slugs(&active), ["anhung", "hoankiem", "quoctuan"]);
    assert_eq!(slugs(&by_name), ["hoankiem", "hongbang"]);
    assert_eq!(slugs(&by_slug), ["quoctuan"]);
    assert_eq!(slugs(&page), ["hoankiem", "hongbang"]);
    unknown_region.assert_refused("region_not_found");
    full_page.assert_ok();
    assert!(
        full_page
            .stdout
            .trim_end()
            .ends_with("2 đơn vị. Có thể còn nữa: thêm --offset 2.")
    );
}

#[tokio::test]
async fn an_unreachable_database_is_a_fault_with_exit_code_1() {
    let mut env = TestEnv::new().await;
    env.config.database_url = format!("{}_missing", env.config.database_url);

    let run = congxa(&env, &["tenant", "list", "--json"]).await;

    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr
            .starts_with("congxa: Không kết nối được cơ sở dữ liệu")
    );
    assert_eq!(run.json()["error"]["code"], "database_unavailable");
}

#[tokio::test]
async fn the_demo_commune_is_seeded_once_in_its_province() {
    let env = TestEnv::new().await;

    let first = congxa(&env, &["seed-demo"]).await;
    let second = congxa(&env, &["seed-demo"]).await;
    let shown = congxa(&env, &["tenant", "show", "quoctuan", "--json"]).await;

    first.assert_ok();
    assert!(first.stdout.contains("Đã tạo xã mẫu"));
    second.assert_ok();
    assert!(second.stdout.contains("Đã có sẵn xã mẫu"));
    let tenant = shown.assert_ok().json();
    assert_eq!(tenant["kind"], "xa");
    assert_eq!(tenant["region_code"], "haiphong");
    assert_eq!(count(&env, "SELECT count(*) FROM tenants").await, 1);
    assert_eq!(count(&env, "SELECT count(*) FROM regions").await, 1);
}

#[tokio::test]
async fn a_domain_pasted_as_an_address_is_taken_for_its_name() {
    let env = TestEnv::new().await;
    create_tenant(&env, "anhung", "Xã An Hưng", &[])
        .await
        .assert_ok();
    congxa(
        &env,
        &[
            "tenant",
            "add-domain",
            "anhung",
            "https://AnHung.HaiPhong.gov.vn/",
            "--json",
        ],
    )
    .await
    .assert_ok();
    let stored: String = sqlx::query_scalar("SELECT domain FROM tenant_domains")
        .fetch_one(&env.admin)
        .await
        .unwrap();
    assert_eq!(stored, "anhung.haiphong.gov.vn");
    // An address of a page is not a site's name.
    congxa(
        &env,
        &[
            "tenant",
            "add-domain",
            "anhung",
            "https://anhung.haiphong.gov.vn/gioi-thieu",
            "--json",
        ],
    )
    .await
    .assert_refused("invalid_domain");
}
