//! A commune in one file, to move it to another platform: `congxa tenant
//! export` writes it, `congxa tenant import` restores it.
//!
//! The archive is a gzipped tar:
//! - `congxa-export.json` first: the manifest (format, version, the commune,
//!   its domains and visit total, the communes merged into it, how many rows
//!   each table has, and every file with its size and SHA-256);
//! - `rows/<table>.json`: the commune's rows of each table of
//!   `congxa_tenancy::rows::TABLES`, as JSON arrays;
//! - `files/<file id>`: the bytes of each of its files.
//!
//! An import trusts nothing of it: names, kinds, bodies, templates and
//! fields are checked again as the workspace and the media service check
//! what the board types and uploads (`vet`).
//!
//! It holds personal data (citizens' questions, the board's e-mail addresses
//! and password hashes): keep it as carefully as a database backup.

pub mod export;
pub mod import;
mod vet;

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use uuid::Uuid;

/// What the first entry says the archive is.
pub const FORMAT: &str = "congxa-export";
/// Raised whenever a change to the layout would mislead an older reader.
/// 2: the yearly reports (`yearly_reports`); 3: the commune's own
/// templates (`template_overrides`); 4: the menu and the home page's blocks
/// (`menu_entries`, `home_blocks`).
pub const VERSION: u32 = 4;
pub const MANIFEST: &str = "congxa-export.json";

#[derive(Debug, Serialize, Deserialize)]
pub struct Manifest {
    pub format: String,
    pub version: u32,
    #[serde(with = "time::serde::rfc3339")]
    pub exported_at: OffsetDateTime,
    pub tenant: Commune,
    /// Communes merged into this one earlier, so their old addresses keep
    /// redirecting on the new platform.
    pub merged: Vec<MergedCommune>,
    /// Rows per table.
    pub rows: std::collections::BTreeMap<String, usize>,
    pub files: Vec<File>,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct Commune {
    pub id: Uuid,
    pub slug: String,
    pub name: String,
    pub kind: String,
    pub region_code: Option<String>,
    pub domains: Vec<Domain>,
    /// Every visit counted so far, the starting offset on the new platform.
    pub visits: i64,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct Domain {
    pub domain: String,
    pub primary: bool,
    pub merged_from: Option<Uuid>,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct MergedCommune {
    pub id: Uuid,
    pub slug: String,
    pub name: String,
    pub kind: String,
    /// Renamed addresses: (old path, new path).
    pub paths: Vec<(String, String)>,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct File {
    pub id: Uuid,
    pub size_bytes: i64,
    pub sha256: String,
}

/// Where a table's rows are in the archive.
pub fn rows_entry(table: &str) -> String {
    format!("rows/{table}.json")
}

/// Where a file's bytes are in the archive.
pub fn file_entry(id: Uuid) -> String {
    format!("files/{id}")
}

/// Why an export or import did not go through.
#[derive(Debug, thiserror::Error)]
pub enum ArchiveError {
    #[error("{0}")]
    Tenancy(#[from] congxa_tenancy::TenancyError),
    #[error("Tệp “{0}” không phải bản xuất dữ liệu của congxa (không có {MANIFEST} hợp lệ ở đầu).")]
    Foreign(String),
    #[error(
        "Bản xuất dữ liệu này có định dạng phiên bản {0}, mới hơn phiên bản {VERSION} mà nền tảng này đọc được."
    )]
    TooNew(u32),
    #[error("Tệp “{path}” bị hỏng: {why}. Chưa nhập gì.")]
    Corrupt { path: String, why: String },
    /// Something the platform would not have accepted from the board: the
    /// whole import is refused, saying what and where.
    #[error("Bản xuất bị từ chối, chưa nhập gì: {what}: {why}.")]
    Refused { what: String, why: String },
    #[error("Xã trong bản xuất ({0}) đã có trên nền tảng này.")]
    AlreadyHere(String),
    #[error("Không đọc được bộ đếm lượt truy cập (Redis: {0}); chưa xuất gì.")]
    Counter(String),
    #[error("Kho lưu trữ tệp không hoạt động: {0}")]
    Storage(String),
    #[error("Không ghi/đọc được tệp “{path}”: {why}")]
    Io { path: String, why: String },
}

impl ArchiveError {
    pub fn code(&self) -> &'static str {
        match self {
            ArchiveError::Tenancy(error) => error.code(),
            ArchiveError::Foreign(_) => "archive_foreign",
            ArchiveError::TooNew(_) => "archive_too_new",
            ArchiveError::Corrupt { .. } => "archive_corrupt",
            ArchiveError::Refused { .. } => "archive_refused",
            ArchiveError::AlreadyHere(_) => "tenant_already_here",
            ArchiveError::Counter(_) => "counter_unavailable",
            ArchiveError::Storage(_) => "storage_unavailable",
            ArchiveError::Io { .. } => "io",
        }
    }

    /// Whether the operator's input is at fault (exit code 2).
    pub fn is_input(&self) -> bool {
        match self {
            ArchiveError::Tenancy(error) => error.is_input(),
            ArchiveError::Foreign(_)
            | ArchiveError::TooNew(_)
            | ArchiveError::Corrupt { .. }
            | ArchiveError::Refused { .. }
            | ArchiveError::AlreadyHere(_) => true,
            ArchiveError::Counter(_) | ArchiveError::Storage(_) | ArchiveError::Io { .. } => false,
        }
    }
}

impl From<sqlx::Error> for ArchiveError {
    fn from(error: sqlx::Error) -> Self {
        ArchiveError::Tenancy(error.into())
    }
}

fn refused(what: impl Into<String>, why: impl Into<String>) -> ArchiveError {
    ArchiveError::Refused {
        what: what.into(),
        why: why.into(),
    }
}

fn io_error(path: &std::path::Path, error: impl std::fmt::Display) -> ArchiveError {
    ArchiveError::Io {
        path: path.display().to_string(),
        why: error.to_string(),
    }
}

/// A progress bar on the terminal (nothing when output goes elsewhere).
fn progress_bar(total: u64, message: &'static str) -> indicatif::ProgressBar {
    let bar = indicatif::ProgressBar::new(total);
    if let Ok(style) =
        indicatif::ProgressStyle::with_template("{msg} [{bar:30}] {bytes}/{total_bytes} ({eta})")
    {
        bar.set_style(style.progress_chars("=> "));
    }
    bar.set_message(message);
    bar
}
