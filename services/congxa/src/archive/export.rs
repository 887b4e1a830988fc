//! Writing a commune's archive: its rows from one consistent snapshot, then
//! its files from the bucket, each streamed through a temporary file.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;

use congxa_config::Config;
use congxa_storage::Store;
use congxa_tenancy::TenancyError;
use congxa_tenancy::rows::{self, JsonRow};
use flate2::Compression;
use flate2::write::GzEncoder;
use sqlx::{Connection, PgConnection};
use uuid::Uuid;

use super::{
    ArchiveError, Commune, Domain, FORMAT, File, MANIFEST, Manifest, MergedCommune, VERSION,
    file_entry, io_error, progress_bar, rows_entry,
};

/// What was written.
#[derive(Debug, serde::Serialize)]
pub struct Exported {
    pub slug: String,
    pub name: String,
    pub path: String,
    pub rows: BTreeMap<String, usize>,
    pub files: usize,
    pub bytes: u64,
}

/// Exports the commune `slug` into `out`. The archive appears under its name
/// only once complete.
pub async fn export(config: &Config, slug: &str, out: &Path) -> Result<Exported, ArchiveError> {
    let mut conn = PgConnection::connect(&config.database_url).await?;
    let (manifest, tables) = snapshot(&mut conn, config, slug).await?;
    conn.close().await.ok();

    let partial = out.with_extension("partial");
    let file = std::fs::File::create(&partial).map_err(|e| io_error(&partial, e))?;
    let written = write(config, &manifest, &tables, file, &partial).await;
    let written = match written {
        Ok(written) => written,
        Err(error) => {
            std::fs::remove_file(&partial).ok();
            return Err(error);
        }
    };
    std::fs::rename(&partial, out).map_err(|e| io_error(out, e))?;
    Ok(Exported {
        slug: manifest.tenant.slug,
        name: manifest.tenant.name,
        path: out.display().to_string(),
        rows: manifest.rows,
        files: manifest.files.len(),
        bytes: written,
    })
}

/// Everything from the database, read in one repeatable-read transaction so
/// the rows agree with each other.
async fn snapshot(
    conn: &mut PgConnection,
    config: &Config,
    slug: &str,
) -> Result<(Manifest, Vec<(&'static str, Vec<JsonRow>)>), ArchiveError> {
    let mut tx = conn.begin().await?;
    sqlx::query!("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        .execute(&mut *tx)
        .await?;
    let tenant = sqlx::query!(
        r#"SELECT t.id, t.slug, t.name, t.kind, t.status, t.visits_offset, r.code AS "region_code?"
           FROM tenants t LEFT JOIN regions r ON r.id = t.region_id WHERE t.slug = $1"#,
        slug
    )
    .fetch_optional(&mut *tx)
    .await?
    .ok_or_else(|| TenancyError::TenantNotFound(slug.to_owned()))?;
    if tenant.status == "merged" {
        return Err(TenancyError::TenantMerged(tenant.slug).into());
    }
    let domains = sqlx::query_as!(
        Domain,
        r#"SELECT domain, is_primary AS "primary", merged_from FROM tenant_domains
           WHERE tenant_id = $1 ORDER BY is_primary DESC, domain"#,
        tenant.id
    )
    .fetch_all(&mut *tx)
    .await?;
    let mut merged = Vec::new();
    for old in sqlx::query!(
        "SELECT id, slug, name, kind FROM tenants WHERE merged_into = $1 ORDER BY slug",
        tenant.id
    )
    .fetch_all(&mut *tx)
    .await?
    {
        let paths = sqlx::query!(
            "SELECT from_path, to_path FROM merged_paths WHERE from_tenant_id = $1 ORDER BY from_path",
            old.id
        )
        .fetch_all(&mut *tx)
        .await?
        .into_iter()
        .map(|p| (p.from_path, p.to_path))
        .collect();
        merged.push(MergedCommune {
            id: old.id,
            slug: old.slug,
            name: old.name,
            kind: old.kind,
            paths,
        });
    }

    congxa_db::act_for(&mut tx, Some(tenant.id)).await?;
    let mut tables = Vec::new();
    for table in rows::TABLES {
        tables.push((*table, rows::dump(&mut tx, table).await?));
    }
    tx.rollback().await?;

    let files = tables
        .iter()
        .find(|(t, _)| *t == "media_files")
        .map(|(_, rows)| rows.iter().filter_map(file_of).collect())
        .unwrap_or_default();
    let counted = counted_visits(config, tenant.id).await?;
    let manifest = Manifest {
        format: FORMAT.to_owned(),
        version: VERSION,
        exported_at: time::OffsetDateTime::now_utc(),
        tenant: Commune {
            id: tenant.id,
            slug: tenant.slug,
            name: tenant.name,
            kind: tenant.kind,
            region_code: tenant.region_code,
            domains,
            visits: tenant.visits_offset + counted,
        },
        merged,
        rows: tables
            .iter()
            .map(|(t, rows)| ((*t).to_owned(), rows.len()))
            .collect(),
        files,
    };
    Ok((manifest, tables))
}

fn file_of(row: &JsonRow) -> Option<File> {
    Some(File {
        id: rows::uuid_of(row, "id")?,
        size_bytes: row.get("size_bytes")?.as_i64()?,
        sha256: rows::text_of(row, "sha256").to_owned(),
    })
}

/// The visits Redis counted so far: part of what moves with the commune.
async fn counted_visits(config: &Config, tenant: Uuid) -> Result<i64, ArchiveError> {
    let wait = std::time::Duration::from_secs(5);
    let counter = async {
        let client = redis::Client::open(config.redis_url.as_str())?;
        let mut conn = client.get_multiplexed_async_connection().await?;
        congxa_analytics::live::total(
            &mut conn,
            &congxa_analytics::keys::Keys::new(&config.redis_prefix),
            tenant,
        )
        .await
    };
    let total = tokio::time::timeout(wait, counter)
        .await
        .map_err(|_| ArchiveError::Counter("không trả lời kịp".to_owned()))?
        .map_err(|e| ArchiveError::Counter(e.to_string()))?;
    Ok(i64::try_from(total).unwrap_or(i64::MAX))
}

/// Writes the archive; returns its size.
async fn write(
    config: &Config,
    manifest: &Manifest,
    tables: &[(&'static str, Vec<JsonRow>)],
    file: std::fs::File,
    path: &Path,
) -> Result<u64, ArchiveError> {
    let fail = |e: std::io::Error| io_error(path, e);
    let mut tar = tar::Builder::new(GzEncoder::new(file, Compression::default()));
    let json = serde_json::to_vec_pretty(manifest).map_err(|e| io_error(path, e))?;
    append(&mut tar, MANIFEST, json.len() as u64, json.as_slice()).map_err(fail)?;
    for (table, rows) in tables {
        let json = serde_json::to_vec(rows).map_err(|e| io_error(path, e))?;
        append(
            &mut tar,
            &rows_entry(table),
            json.len() as u64,
            json.as_slice(),
        )
        .map_err(fail)?;
    }

    let store = Store::new(config);
    let total: u64 = manifest
        .files
        .iter()
        .map(|f| u64::try_from(f.size_bytes).unwrap_or(0))
        .sum();
    let bar = progress_bar(total, "Đang xuất tệp");
    let keys = storage_keys(tables);
    for file in &manifest.files {
        let key = keys
            .get(&file.id)
            .ok_or_else(|| ArchiveError::Storage(format!("no key for {}", file.id)))?;
        let mut temp = tempfile::tempfile().map_err(fail)?;
        let size = download(&store, key, &mut temp, &bar).await?;
        std::io::Seek::rewind(&mut temp).map_err(fail)?;
        append(&mut tar, &file_entry(file.id), size, temp).map_err(fail)?;
    }
    bar.finish_and_clear();
    let gz = tar.into_inner().map_err(fail)?;
    let file = gz.finish().map_err(fail)?;
    file.sync_all().map_err(fail)?;
    Ok(file.metadata().map_err(fail)?.len())
}

fn storage_keys(tables: &[(&'static str, Vec<JsonRow>)]) -> BTreeMap<Uuid, String> {
    tables
        .iter()
        .filter(|(t, _)| *t == "media_files")
        .flat_map(|(_, rows)| rows.iter())
        .filter_map(|row| {
            Some((
                rows::uuid_of(row, "id")?,
                rows::text_of(row, "storage_key").to_owned(),
            ))
        })
        .collect()
}

/// Copies an object into `out`, chunk by chunk; returns its size.
async fn download(
    store: &Store,
    key: &str,
    out: &mut std::fs::File,
    bar: &indicatif::ProgressBar,
) -> Result<u64, ArchiveError> {
    let object = store
        .get(key)
        .await
        .map_err(|e| ArchiveError::Storage(format!("{key}: {e}")))?;
    let mut body = object.body;
    let mut size = 0u64;
    while let Some(chunk) = body
        .try_next()
        .await
        .map_err(|e| ArchiveError::Storage(format!("{key}: {e}")))?
    {
        out.write_all(&chunk).map_err(|e| ArchiveError::Io {
            path: "(tệp tạm)".to_owned(),
            why: e.to_string(),
        })?;
        size += chunk.len() as u64;
        bar.inc(chunk.len() as u64);
    }
    Ok(size)
}

fn append<W: Write, R: std::io::Read>(
    tar: &mut tar::Builder<W>,
    name: &str,
    size: u64,
    data: R,
) -> std::io::Result<()> {
    let mut header = tar::Header::new_gnu();
    header.set_size(size);
    header.set_mode(0o644);
    header.set_entry_type(tar::EntryType::Regular);
    header.set_mtime(0);
    tar.append_data(&mut header, name, data)
}
