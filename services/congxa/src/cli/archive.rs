//! `congxa tenant export <slug>` and `congxa tenant import <archive>`: a
//! commune moved to another platform in one file (see crate::archive).

use std::path::{Path, PathBuf};

use congxa_config::Config;
use congxa_locale::number::grouped;
use congxa_tenancy::audit::{self, Actor};
use sqlx::Connection;

use super::{CliError, Done, Session};
use crate::archive::ArchiveError;
use crate::archive::export::{self, Exported};
use crate::archive::import::{self, Imported};

impl From<ArchiveError> for CliError {
    fn from(error: ArchiveError) -> Self {
        match error {
            ArchiveError::Tenancy(error) => CliError::Tenancy(error),
            other if other.is_input() => CliError::Refused {
                code: other.code(),
                message: other.to_string(),
            },
            other => CliError::Fault {
                code: other.code(),
                message: other.to_string(),
            },
        }
    }
}

/// `<slug>-<date>.congxa.tar.gz` in the current folder, unless told.
pub fn default_output(slug: &str) -> PathBuf {
    let day = congxa_locale::time::day_key(time::OffsetDateTime::now_utc());
    PathBuf::from(format!("{slug}-{day}.congxa.tar.gz"))
}

pub async fn export(
    config: &Config,
    slug: &str,
    output: Option<PathBuf>,
) -> Result<Done<Exported>, CliError> {
    let output = output.unwrap_or_else(|| default_output(slug));
    let exported = export::export(config, slug, &output).await?;
    record(config, "tenant.export", &exported.slug, &output).await?;
    let rows: usize = exported.rows.values().sum();
    let human = format!(
        "Đã xuất {} ({}) vào {}: {} dòng dữ liệu, {} tệp, {} byte.\n\
         Tệp chứa dữ liệu cá nhân (câu hỏi của người dân, tài khoản ban biên tập): hãy giữ như bản sao lưu cơ sở dữ liệu.",
        exported.name,
        exported.slug,
        exported.path,
        grouped(rows as u64),
        grouped(exported.files as u64),
        grouped(exported.bytes),
    );
    Ok(Done {
        value: exported,
        human,
    })
}

pub async fn import(config: &Config, archive: &Path) -> Result<Done<Imported>, CliError> {
    let imported = import::import(config, archive, &Actor::command_line()).await?;
    let rows: usize = imported.rows.values().sum();
    let mut human = format!(
        "Đã nhập {} ({}): {} dòng dữ liệu, {} tệp.",
        imported.name,
        imported.slug,
        grouped(rows as u64),
        grouped(imported.files as u64),
    );
    if let Some(code) = &imported.region_missing {
        human.push_str(&format!(
            "\nNền tảng này chưa có vùng “{code}”: xã chưa được gán vùng."
        ));
    }
    if !imported.merged_skipped.is_empty() {
        human.push_str(&format!(
            "\nCác xã đã gộp trước đây trùng tên định danh ở nền tảng này, địa chỉ tự động của chúng không chuyển hướng về đây: {}.",
            imported.merged_skipped.join(", ")
        ));
    }
    Ok(Done {
        value: imported,
        human,
    })
}

/// The export goes to the audit log once written (an import records itself
/// with its rows).
async fn record(config: &Config, action: &str, slug: &str, path: &Path) -> Result<(), CliError> {
    let mut session = Session::open(config).await?;
    let mut tx = session.conn.begin().await?;
    let id = sqlx::query_scalar!("SELECT id FROM tenants WHERE slug = $1", slug)
        .fetch_optional(&mut *tx)
        .await?;
    let details = serde_json::json!({ "slug": slug, "file": path.display().to_string() });
    audit::record(&mut tx, &Actor::command_line(), action, id, details).await?;
    tx.commit().await?;
    Ok(())
}
