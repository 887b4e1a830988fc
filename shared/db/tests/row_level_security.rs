//! Row-level security is the last line between communes: these tests talk to
//! the database as the services' role, with and without a tenant set.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use congxa_testing::TestEnv;
use sqlx::Row;
use uuid::Uuid;

async fn file_of(env: &TestEnv, tenant: Uuid) -> Uuid {
    let id = Uuid::new_v4();
    let mut tx = congxa_db::begin_for_tenant(&env.app, tenant).await.unwrap();
    sqlx::query(
        "INSERT INTO media_files (id, tenant_id, storage_key, filename, content_type, size_bytes, sha256)
         VALUES ($1, $2, $3, 'a.pdf', 'application/pdf', 1, 'x')",
    )
    .bind(id)
    .bind(tenant)
    .bind(format!("tenants/{tenant}/{id}"))
    .execute(&mut *tx)
    .await
    .unwrap();
    tx.commit().await.unwrap();
    id
}

#[tokio::test]
async fn a_query_without_a_tenant_sees_no_rows() {
    let env = TestEnv::new().await;
    let tenant = env.create_tenant("quoctuan", "Xã Quốc Tuấn").await;
    file_of(&env, tenant).await;

    let seen: i64 = sqlx::query_scalar("SELECT count(*) FROM media_files")
        .fetch_one(&env.app)
        .await
        .unwrap();
    let really: i64 = sqlx::query_scalar("SELECT count(*) FROM media_files")
        .fetch_one(&env.admin)
        .await
        .unwrap();

    assert_eq!(
        seen, 0,
        "the application role must see nothing without a tenant"
    );
    assert_eq!(really, 1, "the row does exist");
}

#[tokio::test]
async fn a_query_without_a_tenant_cannot_write() {
    let env = TestEnv::new().await;
    let tenant = env.create_tenant("quoctuan", "Xã Quốc Tuấn").await;
    let existing = file_of(&env, tenant).await;

    let inserted = sqlx::query(
        "INSERT INTO media_files (tenant_id, storage_key, filename, content_type, size_bytes, sha256)
         VALUES ($1, 'k', 'a.pdf', 'application/pdf', 1, 'x')",
    )
    .bind(tenant)
    .execute(&env.app)
    .await;
    let updated = sqlx::query("UPDATE media_files SET filename = 'b.pdf'")
        .execute(&env.app)
        .await
        .unwrap();
    let deleted = sqlx::query("DELETE FROM media_files")
        .execute(&env.app)
        .await
        .unwrap();

    let error = inserted.expect_err("an insert without a tenant must be refused");
    assert!(
        error.to_string().contains("row-level security"),
        "unexpected error: {error}"
    );
    assert_eq!(updated.rows_affected(), 0);
    assert_eq!(deleted.rows_affected(), 0);
    let name: String = sqlx::query("SELECT filename FROM media_files WHERE id = $1")
        .bind(existing)
        .fetch_one(&env.admin)
        .await
        .unwrap()
        .get(0);
    assert_eq!(name, "a.pdf");
}

#[tokio::test]
async fn a_commune_sees_and_writes_only_its_own_rows() {
    let env = TestEnv::new().await;
    let a = env.create_tenant("quoctuan", "Xã Quốc Tuấn").await;
    let b = env.create_tenant("anhung", "Xã An Hưng").await;
    let file_a = file_of(&env, a).await;
    let file_b = file_of(&env, b).await;

    let mut tx = congxa_db::begin_for_tenant(&env.app, a).await.unwrap();
    let visible: Vec<Uuid> = sqlx::query_scalar("SELECT id FROM media_files")
        .fetch_all(&mut *tx)
        .await
        .unwrap();
    let foreign_insert = sqlx::query(
        "INSERT INTO media_files (tenant_id, storage_key, filename, content_type, size_bytes, sha256)
         VALUES ($1, 'k2', 'x.pdf', 'application/pdf', 1, 'x')",
    )
    .bind(b)
    .execute(&mut *tx)
    .await;

    assert_eq!(visible, vec![file_a]);
    assert!(!visible.contains(&file_b));
    assert!(
        foreign_insert.is_err(),
        "writing a row of another commune must fail"
    );
}

#[tokio::test]
async fn the_tenant_setting_does_not_outlive_its_transaction() {
    let env = TestEnv::new().await;
    let tenant = env.create_tenant("quoctuan", "Xã Quốc Tuấn").await;
    file_of(&env, tenant).await;

    // One connection, so the next query surely reuses it.
    let mut connection = congxa_testing::connect_app(&env).await;
    let mut tx = sqlx::Connection::begin(&mut connection).await.unwrap();
    sqlx::query("SELECT set_config('congxa.tenant_id', $1, true)")
        .bind(tenant.to_string())
        .execute(&mut *tx)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let after: i64 = sqlx::query_scalar("SELECT count(*) FROM media_files")
        .fetch_one(&mut connection)
        .await
        .unwrap();

    assert_eq!(after, 0);
}

#[tokio::test]
async fn the_application_role_cannot_bypass_row_level_security() {
    let env = TestEnv::new().await;

    let row =
        sqlx::query("SELECT rolbypassrls, rolsuper FROM pg_roles WHERE rolname = current_user")
            .fetch_one(&env.app)
            .await
            .unwrap();
    let forced: bool = sqlx::query_scalar(
        "SELECT relforcerowsecurity FROM pg_class WHERE relname = 'media_files'",
    )
    .fetch_one(&env.app)
    .await
    .unwrap();

    assert!(!row.get::<bool, _>(0), "congxa_app must not have BYPASSRLS");
    assert!(!row.get::<bool, _>(1), "congxa_app must not be a superuser");
    assert!(forced);
}

/// Platform tables that mention a tenant but carry no tenant policy: domains,
/// which the gateway reads before it knows the tenant; maintenance notices,
/// which operators write for one commune, a region or all; the operators'
/// audit log, which spans every commune; and the record of merges, which
/// spans two.
const PLATFORM_TABLES: [&str; 4] = [
    "tenant_domains",
    "maintenance_notices",
    "operator_audit",
    "tenant_merges",
];

#[tokio::test]
async fn every_table_with_a_tenant_column_has_forced_row_level_security() {
    let env = TestEnv::new().await;

    let unprotected: Vec<String> = sqlx::query_scalar(
        "SELECT c.relname::text FROM pg_class c
         JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = 'public'
         JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'tenant_id' AND NOT a.attisdropped
         WHERE c.relkind = 'r'
           AND NOT (c.relrowsecurity AND c.relforcerowsecurity
                    AND EXISTS (SELECT 1 FROM pg_policy p WHERE p.polrelid = c.oid))
           AND NOT c.relname = ANY($1)",
    )
    .bind(PLATFORM_TABLES.map(str::to_owned).to_vec())
    .fetch_all(&env.admin)
    .await
    .unwrap();

    assert!(
        unprotected.is_empty(),
        "tables without tenant isolation: {unprotected:?}"
    );
}
