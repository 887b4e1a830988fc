//! Restoring a commune from its archive. The archive is read and checked in
//! full first (manifest, every table, every file against its SHA-256, and
//! everything in them as the workspace checks what the board types: `vet`)
//! into a temporary folder; only then does anything change: one transaction for
//! the rows, the files uploaded before it commits, and removed again if it
//! does not.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::Read;
use std::path::{Path, PathBuf};

use congxa_config::Config;
use congxa_content::themes::Themes;
use congxa_storage::kinds::Limits;
use congxa_storage::{Store, tenant_key};
use congxa_tenancy::audit::{self, Actor};
use congxa_tenancy::rows::{self, JsonRow};
use congxa_tenancy::{DomainName, TenancyError};
use flate2::read::GzDecoder;
use serde_json::Value;
use sha2::{Digest, Sha256};
use sqlx::{Connection, PgConnection};
use uuid::Uuid;

use super::{
    ArchiveError, FORMAT, MANIFEST, Manifest, VERSION, file_entry, io_error, progress_bar, refused,
    vet,
};

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
    let limits = Limits::of(config);
    let unpacked = tokio::task::spawn_blocking(move || {
        let mut unpacked = unpack(&path, &limits)?;
        let themes = Themes::load().map_err(|e| io_error(Path::new("(giao diện có sẵn)"), e))?;
        vet::rows(&mut unpacked.tables, &themes)?;
        Ok::<_, ArchiveError>(unpacked)
    })
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

/// The most the manifest may be, unpacked.
const MAX_MANIFEST: u64 = 16 * 1024 * 1024;
/// The most one table's rows may be, unpacked: far above a big commune's
/// (its revisions included), far below what would exhaust the machine. A
/// small archive that unpacks into more is a decompression bomb.
const MAX_TABLE: u64 = 512 * 1024 * 1024;

/// An entry's name, exactly as an export writes it: anything else (a path
/// climbing out with `..`, an absolute path, a name of another layout) has
/// no business in an archive.
enum Entry {
    Rows(&'static str),
    File(Uuid),
}

fn entry_of(name: &str) -> Option<Entry> {
    if let Some(table) = name
        .strip_prefix("rows/")
        .and_then(|n| n.strip_suffix(".json"))
    {
        let table = rows::TABLES.iter().find(|t| **t == table)?;
        return Some(Entry::Rows(table));
    }
    let id = Uuid::parse_str(name.strip_prefix("files/")?).ok()?;
    // The hyphenated lowercase form only, as `file_entry` writes it.
    (file_entry(id) == name).then_some(Entry::File(id))
}

/// An entry's name as written, refused when it is not text.
fn name_of<R: Read>(entry: &tar::Entry<'_, R>) -> Result<String, ArchiveError> {
    let raw = entry.path_bytes();
    std::str::from_utf8(&raw).map(str::to_owned).map_err(|_| {
        refused(
            format!("mục “{}” của bản xuất", String::from_utf8_lossy(&raw)),
            "tên không phải văn bản UTF-8",
        )
    })
}

/// Only plain files: a link (symbolic or hard), a folder or a device in an
/// archive is someone trying to reach outside it.
fn plain<R: Read>(entry: &tar::Entry<'_, R>, name: &str) -> Result<(), ArchiveError> {
    match entry.header().entry_type() {
        tar::EntryType::Regular | tar::EntryType::Continuous => Ok(()),
        tar::EntryType::Symlink | tar::EntryType::Link => Err(refused(
            format!("mục “{name}” của bản xuất"),
            "là liên kết, không phải tệp",
        )),
        _ => Err(refused(
            format!("mục “{name}” của bản xuất"),
            "không phải tệp thường",
        )),
    }
}

/// Reads the whole archive, refusing anything that is not exactly what an
/// export writes, and reading no more of any entry than it may hold.
fn unpack(path: &Path, limits: &Limits) -> Result<Unpacked, ArchiveError> {
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
    let mut manifest: Manifest = {
        let mut first = entries
            .next()
            .ok_or_else(|| ArchiveError::Foreign(shown.clone()))?
            .map_err(|_| ArchiveError::Foreign(shown.clone()))?;
        let name = name_of(&first)?;
        if name != MANIFEST {
            return Err(ArchiveError::Foreign(shown.clone()));
        }
        plain(&first, &name)?;
        if first.size() > MAX_MANIFEST {
            return Err(refused(
                format!("mục “{name}” của bản xuất"),
                "lớn bất thường",
            ));
        }
        let mut json = Vec::new();
        first
            .by_ref()
            .take(MAX_MANIFEST)
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
    manifest.tenant.name = vet::manifest(&manifest, limits)?;

    let folder = tempfile::tempdir().map_err(|e| io_error(path, e))?;
    let expected: HashMap<Uuid, &super::File> = manifest.files.iter().map(|f| (f.id, f)).collect();
    let mut tables = HashMap::new();
    let mut files_seen = HashSet::new();
    for entry in entries {
        let mut entry = entry.map_err(|e| corrupt(e.to_string()))?;
        let name = name_of(&entry)?;
        let Some(kind) = entry_of(&name) else {
            return Err(refused(
                format!("mục “{name}” của bản xuất"),
                format!("bản xuất chỉ chứa {MANIFEST}, rows/<bảng>.json và files/<mã tệp>"),
            ));
        };
        plain(&entry, &name)?;
        let twice = || refused(format!("mục “{name}” của bản xuất"), "có hai lần");
        match kind {
            Entry::Rows(table) => {
                if tables.contains_key(table) {
                    return Err(twice());
                }
                if entry.size() > MAX_TABLE {
                    return Err(refused(
                        format!("mục “{name}” của bản xuất"),
                        format!("lớn hơn {} MB", MAX_TABLE / 1024 / 1024),
                    ));
                }
                let mut json = Vec::new();
                entry
                    .by_ref()
                    .take(MAX_TABLE)
                    .read_to_end(&mut json)
                    .map_err(|e| corrupt(format!("{name}: {e}")))?;
                let rows: Vec<JsonRow> =
                    serde_json::from_slice(&json).map_err(|e| corrupt(format!("{name}: {e}")))?;
                if rows.len() != manifest.rows.get(table).copied().unwrap_or(usize::MAX) {
                    return Err(corrupt(format!("{name}: số dòng khác với bản kê")));
                }
                tables.insert(table.to_owned(), rows);
            }
            Entry::File(id) => {
                let file = expected
                    .get(&id)
                    .ok_or_else(|| corrupt(format!("tệp {id} không có trong bản kê")))?;
                if !files_seen.insert(id) {
                    return Err(twice());
                }
                // Nothing beyond what the manifest announced is read.
                let size = u64::try_from(file.size_bytes).unwrap_or(0);
                if entry.size() != size {
                    return Err(corrupt(format!(
                        "tệp {id} không khớp kích thước trong bản kê"
                    )));
                }
                let target = folder.path().join(id.to_string());
                let mut out = std::fs::File::create(&target).map_err(|e| io_error(&target, e))?;
                let mut hasher = HashingWriter {
                    inner: &mut out,
                    hasher: Sha256::new(),
                    size: 0,
                };
                std::io::copy(&mut entry.by_ref().take(size), &mut hasher)
                    .map_err(|e| corrupt(e.to_string()))?;
                let (digest, size) = (hex::encode(hasher.hasher.finalize()), hasher.size);
                if digest != file.sha256 || i64::try_from(size).ok() != Some(file.size_bytes) {
                    return Err(corrupt(format!("tệp {id} không khớp mã băm SHA-256")));
                }
            }
        }
    }
    // An archive of this version carries every table; an older one lacks
    // the tables added since, which import as empty.
    if manifest.version == VERSION && tables.len() != rows::TABLES.len() {
        return Err(corrupt("thiếu dữ liệu của một số bảng".to_owned()));
    }
    if files_seen.len() != manifest.files.len() {
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
    // Each file as an upload is checked, its row rewritten from its bytes.
    vet::files_match_rows(&manifest, &tables)?;
    for row in tables.get_mut("media_files").into_iter().flatten() {
        let Some(file) = rows::uuid_of(row, "id").and_then(|id| expected.get(&id)) else {
            continue;
        };
        vet::file(row, file, &folder.path().join(file.id.to_string()), limits)?;
    }
    drop(expected);
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
        rows::load(conn, table, &rows)
            .await
            .map_err(|e| vet::loading(table, e))?;
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
    vet::stored(conn, commune.id).await?;
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
