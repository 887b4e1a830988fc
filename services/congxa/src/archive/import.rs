//! Restoring a commune from its archive. The archive is read and checked in
//! full first (manifest, every table, every file against its SHA-256) into a
//! temporary folder; only then does anything change: one transaction for
//! the rows, the files uploaded before it commits, and removed again if it
//! does not.

use std::collections::{BTreeMap, HashMap};
use std::io::Read;
use std::path::{Path, PathBuf};

use congxa_config::Config;
use congxa_storage::{Store, tenant_key};
use congxa_tenancy::audit::{self, Actor};
use congxa_tenancy::rows::{self, JsonRow};
use congxa_tenancy::{DomainName, TenancyError};
use flate2::read::GzDecoder;
use serde_json::Value;
use sha2::{Digest, Sha256};
use sqlx::{Connection, PgConnection};
use uuid::Uuid;

use super::{ArchiveError, FORMAT, MANIFEST, Manifest, VERSION, io_error, progress_bar};

/// What was restored.
#[derive(Debug, serde::Serialize)]
pub struct Imported {
    pub slug: String,
    pub name: String,
    pub rows: BTreeMap<String, usize>,
    pub files: usize,
    /// The region it was in, when this platform has no region of that code.
    pub region_missing: Option<String>,
    /// Communes merged into it earlier whose slugs this platform already
    /// uses: their automatic addresses do not redirect here.
    pub merged_skipped: Vec<String>,
}

/// An archive read and checked, its files waiting in a temporary folder.
struct Unpacked {
    manifest: Manifest,
    tables: HashMap<String, Vec<JsonRow>>,
    folder: tempfile::TempDir,
}

impl Unpacked {
    fn file(&self, id: Uuid) -> PathBuf {
        self.folder.path().join(id.to_string())
    }
}

pub async fn import(
    config: &Config,
    archive: &Path,
    actor: &Actor,
) -> Result<Imported, ArchiveError> {
    let path = archive.to_owned();
    let unpacked = tokio::task::spawn_blocking(move || unpack(&path))
        .await
        .map_err(|e| io_error(archive, e))??;
    let platform = DomainName::parse(&config.platform_domain)
        .map_err(|_| TenancyError::InvalidDomain(config.platform_domain.clone()))?;

    let mut conn = PgConnection::connect(&config.database_url).await?;
    let mut tx = conn.begin().await?;
    let imported = restore(&mut tx, &platform, &unpacked, actor).await?;

    // The files go up before the rows commit: a failed upload leaves nothing
    // in the database, a failed commit only objects nobody refers to, which
    // are removed here.
    let store = Store::new(config);
    let tenant = unpacked.manifest.tenant.id;
    let mut uploaded = Vec::new();
    let total = unpacked
        .manifest
        .files
        .iter()
        .map(|f| u64::try_from(f.size_bytes).unwrap_or(0))
        .sum();
    let bar = progress_bar(total, "Đang nhập tệp");
    let content_types = content_types(&unpacked.tables);
    let mut failure = None;
    for file in &unpacked.manifest.files {
        let key = tenant_key(tenant, file.id);
        let content_type = content_types
            .get(&file.id)
            .map_or("application/octet-stream", String::as_str);
        match store
            .put_file(&key, content_type, &unpacked.file(file.id))
            .await
        {
            Ok(()) => {
                uploaded.push(key);
                bar.inc(u64::try_from(file.size_bytes).unwrap_or(0));
            }
            Err(error) => {
                failure = Some(ArchiveError::Storage(error.to_string()));
                break;
            }
        }
    }
    bar.finish_and_clear();
    let committed = match failure {
        Some(error) => {
            tx.rollback().await.ok();
            Err(error)
        }
        None => tx.commit().await.map_err(ArchiveError::from),
    };
    if let Err(error) = committed {
        for key in &uploaded {
            store.delete(key).await.ok();
        }
        return Err(error);
    }
    conn.close().await.ok();
    Ok(imported)
}

/// Reads the whole archive, refusing anything that is not exactly what an
/// export writes.
fn unpack(path: &Path) -> Result<Unpacked, ArchiveError> {
    let shown = path.display().to_string();
    let corrupt = |why: String| ArchiveError::Corrupt {
        path: shown.clone(),
        why,
    };
    let file = std::fs::File::open(path).map_err(|e| io_error(path, e))?;
    let mut archive = tar::Archive::new(GzDecoder::new(file));
    let mut entries = archive
        .entries()
        .map_err(|_| ArchiveError::Foreign(shown.clone()))?;

    // The manifest comes first, or this is not one of ours.
    let manifest: Manifest = {
        let mut first = entries
            .next()
            .ok_or_else(|| ArchiveError::Foreign(shown.clone()))?
            .map_err(|_| ArchiveError::Foreign(shown.clone()))?;
        let name = first
            .path()
            .map(|p| p.display().to_string())
            .unwrap_or_default();
        if name != MANIFEST {
            return Err(ArchiveError::Foreign(shown.clone()));
        }
        let mut json = Vec::new();
        first
            .by_ref()
            .take(16 * 1024 * 1024)
            .read_to_end(&mut json)
            .map_err(|_| ArchiveError::Foreign(shown.clone()))?;
        let manifest: Manifest =
            serde_json::from_slice(&json).map_err(|_| ArchiveError::Foreign(shown.clone()))?;
        if manifest.format != FORMAT {
            return Err(ArchiveError::Foreign(shown.clone()));
        }
        if manifest.version > VERSION {
            return Err(ArchiveError::TooNew(manifest.version));
        }
        manifest
    };

    let folder = tempfile::tempdir().map_err(|e| io_error(path, e))?;
    let expected: HashMap<Uuid, &super::File> = manifest.files.iter().map(|f| (f.id, f)).collect();
    let mut tables = HashMap::new();
    let mut files_seen = 0;
    for entry in entries {
        let mut entry = entry.map_err(|e| corrupt(e.to_string()))?;
        let name = entry
            .path()
            .map(|p| p.display().to_string())
            .map_err(|e| corrupt(e.to_string()))?;
        if let Some(table) = name
            .strip_prefix("rows/")
            .and_then(|n| n.strip_suffix(".json"))
        {
            let Some(table) = rows::TABLES.iter().find(|t| **t == table) else {
                return Err(corrupt(format!("bảng lạ “{table}”")));
            };
            let rows: Vec<JsonRow> =
                serde_json::from_reader(&mut entry).map_err(|e| corrupt(format!("{name}: {e}")))?;
            if rows.len() != manifest.rows.get(*table).copied().unwrap_or(usize::MAX) {
                return Err(corrupt(format!("{name}: số dòng khác với bản kê")));
            }
            tables.insert((*table).to_owned(), rows);
        } else if let Some(id) = name.strip_prefix("files/") {
            let id = Uuid::parse_str(id).map_err(|_| corrupt(format!("mục lạ “{name}”")))?;
            let file = expected
                .get(&id)
                .ok_or_else(|| corrupt(format!("tệp {id} không có trong bản kê")))?;
            let target = folder.path().join(id.to_string());
            let mut out = std::fs::File::create(&target).map_err(|e| io_error(&target, e))?;
            let mut hasher = HashingWriter {
                inner: &mut out,
                hasher: Sha256::new(),
                size: 0,
            };
            std::io::copy(&mut entry, &mut hasher).map_err(|e| corrupt(e.to_string()))?;
            let (digest, size) = (hex::encode(hasher.hasher.finalize()), hasher.size);
            if digest != file.sha256 || i64::try_from(size).ok() != Some(file.size_bytes) {
                return Err(corrupt(format!("tệp {id} không khớp mã băm SHA-256")));
            }
            files_seen += 1;
        } else {
            return Err(corrupt(format!("mục lạ “{name}”")));
        }
    }
    // An archive of this version carries every table; an older one lacks
    // the tables added since, which import as empty.
    if manifest.version == VERSION && tables.len() != rows::TABLES.len() {
        return Err(corrupt("thiếu dữ liệu của một số bảng".to_owned()));
    }
    if files_seen != manifest.files.len() {
        return Err(corrupt("thiếu tệp so với bản kê".to_owned()));
    }
    // Every row must be the commune's own.
    let own = Value::String(manifest.tenant.id.to_string());
    if tables
        .values()
        .flatten()
        .any(|row| row.get("tenant_id") != Some(&own))
    {
        return Err(corrupt("có dòng dữ liệu của xã khác".to_owned()));
    }
    Ok(Unpacked {
        manifest,
        tables,
        folder,
    })
}

struct HashingWriter<'a> {
    inner: &'a mut std::fs::File,
    hasher: Sha256,
    size: u64,
}

impl std::io::Write for HashingWriter<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.hasher.update(&buf[..n]);
        self.size += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

fn content_types(tables: &HashMap<String, Vec<JsonRow>>) -> HashMap<Uuid, String> {
    tables
        .get("media_files")
        .into_iter()
        .flatten()
        .filter_map(|row| {
            Some((
                rows::uuid_of(row, "id")?,
                rows::text_of(row, "content_type").to_owned(),
            ))
        })
        .collect()
}

/// The commune, its domains, the communes merged into it and its rows, in
/// the caller's transaction.
async fn restore(
    conn: &mut PgConnection,
    platform: &DomainName,
    unpacked: &Unpacked,
    actor: &Actor,
) -> Result<Imported, ArchiveError> {
    let commune = &unpacked.manifest.tenant;
    let taken = sqlx::query_scalar!(
        "SELECT slug FROM tenants WHERE id = $1 OR slug = $2",
        commune.id,
        commune.slug
    )
    .fetch_optional(&mut *conn)
    .await?;
    if let Some(slug) = taken {
        return Err(if slug == commune.slug {
            TenancyError::DuplicateSlug(slug).into()
        } else {
            ArchiveError::AlreadyHere(slug)
        });
    }
    let region = match &commune.region_code {
        Some(code) => congxa_tenancy::regions::find(conn, code).await.ok(),
        None => None,
    };
    sqlx::query!(
        "INSERT INTO tenants (id, slug, name, kind, region_id, visits_offset)
         VALUES ($1, $2, $3, $4, $5, $6)",
        commune.id,
        commune.slug,
        commune.name,
        commune.kind,
        region.as_ref().map(|r| r.id),
        commune.visits
    )
    .execute(&mut *conn)
    .await?;
    for domain in &commune.domains {
        let owner = sqlx::query_scalar!(
            "SELECT t.name FROM tenant_domains d JOIN tenants t ON t.id = d.tenant_id WHERE d.domain = $1",
            domain.domain
        )
        .fetch_optional(&mut *conn)
        .await?;
        if let Some(owner) = owner {
            return Err(TenancyError::DomainTaken {
                domain: domain.domain.clone(),
                owner,
            }
            .into());
        }
        let parsed = DomainName::parse(&domain.domain)
            .map_err(|_| TenancyError::InvalidDomain(domain.domain.clone()))?;
        if parsed.is_within(platform) {
            return Err(TenancyError::DomainUnderPlatform(
                domain.domain.clone(),
                platform.to_string(),
            )
            .into());
        }
        sqlx::query!(
            "INSERT INTO tenant_domains (domain, tenant_id, is_primary, merged_from) VALUES ($1, $2, $3, $4)",
            parsed.as_str(),
            commune.id,
            domain.primary,
            domain.merged_from
        )
        .execute(&mut *conn)
        .await?;
    }
    let mut merged_skipped = Vec::new();
    for old in &unpacked.manifest.merged {
        let inserted = sqlx::query!(
            "INSERT INTO tenants (id, slug, name, kind, status, merged_into)
             VALUES ($1, $2, $3, $4, 'merged', $5) ON CONFLICT DO NOTHING",
            old.id,
            old.slug,
            old.name,
            old.kind,
            commune.id
        )
        .execute(&mut *conn)
        .await?
        .rows_affected();
        if inserted == 0 {
            merged_skipped.push(old.slug.clone());
            continue;
        }
        for (from, to) in &old.paths {
            sqlx::query!(
                "INSERT INTO merged_paths (from_tenant_id, from_path, to_path) VALUES ($1, $2, $3)",
                old.id,
                from,
                to
            )
            .execute(&mut *conn)
            .await?;
        }
    }

    sqlx::query!("SET CONSTRAINTS ALL DEFERRED")
        .execute(&mut *conn)
        .await?;
    congxa_db::act_for(conn, Some(commune.id)).await?;
    let mut counts = BTreeMap::new();
    for table in rows::TABLES {
        let mut rows = unpacked.tables.get(*table).cloned().unwrap_or_default();
        if *table == "media_files" {
            // On this platform the files live under the commune's own prefix,
            // whichever commune first uploaded them.
            for row in &mut rows {
                if let Some(id) = rows::uuid_of(row, "id") {
                    row.insert(
                        "storage_key".to_owned(),
                        Value::String(tenant_key(commune.id, id)),
                    );
                }
            }
        }
        if *table == "media_renditions" {
            // Archives carry each file once, as uploaded; the smaller sizes
            // are not in them, and images show at their own size.
            rows.clear();
        }
        if *table == "board_accounts" {
            // Operators are the platform's own: a support account keeps its
            // history here, without pointing at an operator of elsewhere.
            for row in &mut rows {
                row.insert("support_operator_id".to_owned(), Value::Null);
            }
        }
        rows::load(conn, table, &rows).await?;
        counts.insert((*table).to_owned(), rows.len());
    }
    // Checked here rather than at commit, so that a broken reference is
    // reported as the archive's fault with the rest rolled back.
    sqlx::query!("SET CONSTRAINTS ALL IMMEDIATE")
        .execute(&mut *conn)
        .await
        .map_err(|e| ArchiveError::Corrupt {
            path: "(bản xuất)".to_owned(),
            why: e.to_string(),
        })?;
    congxa_db::act_for(conn, None).await?;
    audit::record(
        conn,
        actor,
        "tenant.import",
        Some(commune.id),
        serde_json::json!({
            "slug": commune.slug,
            "exported_at": unpacked.manifest.exported_at.to_string(),
            "rows": counts,
            "files": unpacked.manifest.files.len(),
        }),
    )
    .await?;
    Ok(Imported {
        slug: commune.slug.clone(),
        name: commune.name.clone(),
        rows: counts,
        files: unpacked.manifest.files.len(),
        region_missing: commune.region_code.clone().filter(|_| region.is_none()),
        merged_skipped,
    })
}
