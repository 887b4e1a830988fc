//! A commune's rows as JSON, table by table: what a merge moves from one
//! commune to another and what an archive carries to another platform.
//!
//! Rows are read and written under the commune's row-level security (the
//! caller acts for it with `congxa_db::act_for`), and written in the order of
//! [`TABLES`]; the caller defers foreign keys (`SET CONSTRAINTS ALL
//! DEFERRED`) so that a table may name rows of a later one.

use serde_json::{Map, Value};
use sqlx::{AssertSqlSafe, PgConnection, Row};
use uuid::Uuid;

/// A row: column name to value, as PostgreSQL's `to_jsonb` writes it.
pub type JsonRow = Map<String, Value>;

/// The tenant-owned tables that make up a commune's site, parents before
/// children. Not here: board sessions (secrets that die with a move) and the
/// public forms' flood counters and used stamps (hours long).
pub const TABLES: &[&str] = &[
    "site_profiles",
    "officials",
    "site_links",
    "board_accounts",
    "media_files",
    "media_renditions",
    "sections",
    "items",
    "item_files",
    "documents",
    "procedures",
    "one_stop_results",
    "schedule_weeks",
    "schedule_entries",
    "projects",
    "budget_reports",
    "access_info_entries",
    "consultations",
    "consultation_comments",
    "questions",
    "item_ratings",
    "item_revisions",
    "item_transitions",
    "board_notifications",
    "yearly_reports",
    "template_overrides",
    "menu_entries",
    "home_blocks",
];

/// Rows per INSERT, so that one statement's parameter stays reasonable.
const BATCH: usize = 200;

fn known(table: &str) -> &str {
    // Table names go into SQL text; only ours ever do.
    assert!(TABLES.contains(&table), "not a commune table: {table}");
    table
}

/// The columns a row can be written with: not generated (search vectors,
/// folded text) and not identity (log ids, which the receiving database
/// numbers itself, in the order the rows come).
pub async fn writable_columns(
    conn: &mut PgConnection,
    table: &str,
) -> Result<Vec<String>, sqlx::Error> {
    sqlx::query_scalar!(
        r#"SELECT column_name AS "name!" FROM information_schema.columns
           WHERE table_schema = 'public' AND table_name = $1
             AND is_generated = 'NEVER' AND is_identity = 'NO'
           ORDER BY ordinal_position"#,
        known(table)
    )
    .fetch_all(conn)
    .await
}

/// Every row of `table` the connection's commune owns, oldest log entries
/// first, with only the writable columns.
pub async fn dump(conn: &mut PgConnection, table: &str) -> Result<Vec<JsonRow>, sqlx::Error> {
    let columns = writable_columns(conn, table).await?;
    let identity_order = if has_identity(table) {
        " ORDER BY t.id"
    } else if table == "sections" {
        // Parents' paths are prefixes of their children's.
        " ORDER BY t.path"
    } else {
        ""
    };
    // The tenant is named as well as enforced: a connection that bypasses
    // row-level security (a superuser's) must still see one commune only.
    let sql = format!(
        "SELECT to_jsonb(t) AS row FROM {} t WHERE t.tenant_id = congxa_current_tenant(){identity_order}",
        known(table)
    );
    let rows = sqlx::query(AssertSqlSafe(sql)).fetch_all(conn).await?;
    rows.into_iter()
        .map(|row| {
            let value: Value = row.try_get("row")?;
            let Value::Object(mut object) = value else {
                return Err(sqlx::Error::Protocol("to_jsonb gave no object".into()));
            };
            object.retain(|column, _| columns.iter().any(|c| c == column));
            Ok(object)
        })
        .collect()
}

/// Writes rows into `table`, in their order, for the connection's commune.
pub async fn load(
    conn: &mut PgConnection,
    table: &str,
    rows: &[JsonRow],
) -> Result<(), sqlx::Error> {
    if rows.is_empty() {
        return Ok(());
    }
    // Columns an older archive does not carry take their defaults; rows of
    // one table all carry the same columns.
    let columns = writable_columns(conn, table)
        .await?
        .iter()
        .filter(|c| rows[0].contains_key(c.as_str()))
        .map(|c| format!("\"{c}\""))
        .collect::<Vec<_>>()
        .join(", ");
    let table = known(table);
    let sql = format!(
        "INSERT INTO {table} ({columns})
         SELECT {columns} FROM jsonb_populate_recordset(NULL::{table}, $1) WITH ORDINALITY
         ORDER BY ordinality"
    );
    for batch in rows.chunks(BATCH) {
        let batch = Value::Array(batch.iter().cloned().map(Value::Object).collect());
        sqlx::query(AssertSqlSafe(sql.clone()))
            .bind(batch)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// Removes every row of `table` the connection's commune owns.
pub async fn delete_all(conn: &mut PgConnection, table: &str) -> Result<u64, sqlx::Error> {
    let sql = format!(
        "DELETE FROM {} WHERE tenant_id = congxa_current_tenant()",
        known(table)
    );
    Ok(sqlx::query(AssertSqlSafe(sql))
        .execute(conn)
        .await?
        .rows_affected())
}

/// Log tables numbered by the database.
fn has_identity(table: &str) -> bool {
    matches!(
        table,
        "item_revisions" | "item_transitions" | "board_notifications" | "template_overrides"
    )
}

/// A row's uuid column, if it has one.
pub fn uuid_of(row: &JsonRow, column: &str) -> Option<Uuid> {
    row.get(column)
        .and_then(Value::as_str)
        .and_then(|s| Uuid::parse_str(s).ok())
}

/// A row's text column, empty when absent.
pub fn text_of<'a>(row: &'a JsonRow, column: &str) -> &'a str {
    row.get(column).and_then(Value::as_str).unwrap_or_default()
}
