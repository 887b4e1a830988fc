//! What an archive brings, checked again as if the board had typed or
//! uploaded it on this platform: an archive is a file anyone could have
//! written, and nothing in it was checked here. What can be made safe is
//! (bodies and answers cleaned as the workspace cleans them, a file's kind
//! and name taken from its bytes and cleaned); what cannot refuses the whole
//! import, saying what and where.

use std::collections::{HashMap, HashSet};
use std::io::Read;
use std::path::Path;

use congxa_board::BoardError;
use congxa_content::themes::Themes;
use congxa_site::write::clean_html;
use congxa_storage::kinds::{self, Class, Limits};
use congxa_tenancy::rows::{self, JsonRow};
use serde_json::Value;
use sqlx::PgConnection;
use uuid::Uuid;

use super::{ArchiveError, File, Manifest, refused};

/// The workspace's bounds on an item's text (`congxa_board::items`).
const MAX_TITLE: usize = 500;
const MAX_SUMMARY: usize = 4000;
const MAX_BODY_BYTES: usize = 1_000_000;

/// The manifest's own fields: the commune, its domains' owners, the
/// communes merged into it and their renamed addresses, as `tenant create`
/// and a merge would have written them. Returns the commune's name as
/// stored (composed, single spaces).
pub(super) fn manifest(manifest: &Manifest, limits: &Limits) -> Result<String, ArchiveError> {
    let commune = &manifest.tenant;
    let here = "bản kê (congxa-export.json)";
    let slug = |slug: &str| {
        congxa_tenancy::Slug::parse(slug)
            .filter(|parsed| parsed.as_str() == slug)
            .ok_or_else(|| {
                refused(
                    here,
                    format!(
                        "tên định danh “{slug}” không hợp lệ ({})",
                        congxa_tenancy::slug::SLUG_RULE
                    ),
                )
            })
    };
    let kind = |kind: &str| {
        congxa_tenancy::TenantKind::parse(kind)
            .ok_or_else(|| refused(here, format!("loại đơn vị “{kind}” không hợp lệ")))
    };
    let name = |name: &str| {
        congxa_tenancy::error::clean_name(name)
            .map_err(|_| refused(here, format!("tên xã “{name}” không hợp lệ")))
    };
    slug(&commune.slug)?;
    kind(&commune.kind)?;
    let stored_name = name(&commune.name)?;
    if commune.visits < 0 {
        return Err(refused(here, "tổng lượt truy cập âm"));
    }
    for old in &manifest.merged {
        slug(&old.slug)?;
        kind(&old.kind)?;
        name(&old.name)?;
        for (from, to) in &old.paths {
            for path in [from, to] {
                if !is_site_path(path) {
                    return Err(refused(
                        format!("{here}, địa chỉ cũ của {}", old.slug),
                        format!("“{path}” không phải đường dẫn trong trang"),
                    ));
                }
            }
        }
    }
    let mut ids = HashSet::new();
    for file in &manifest.files {
        if !ids.insert(file.id) {
            return Err(refused(here, format!("tệp {} được kê hai lần", file.id)));
        }
        let size = u64::try_from(file.size_bytes).unwrap_or(u64::MAX);
        if size > limits.largest() {
            return Err(refused(
                format!("tệp {}", file.id),
                format!(
                    "lớn hơn mức tối đa của nền tảng ({} byte)",
                    limits.largest()
                ),
            ));
        }
    }
    Ok(stored_name)
}

/// A renamed address as a merge records it: `section/slug`, lowercase
/// ASCII words and hyphens, never a way out of the site (`//host`, `\`,
/// `javascript:`), since the gateway redirects to it.
fn is_site_path(path: &str) -> bool {
    !path.is_empty()
        && path.len() <= 500
        && path.split('/').all(|segment| {
            !segment.is_empty()
                && segment
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        })
}

/// Checks a file of the archive as the media service checks an upload, and
/// writes what was found into its row whatever the archive said: its kind
/// from its bytes (a page or an SVG calling itself a JPEG is refused), its
/// size within its kind's limit, its name cleaned.
pub(super) fn file(
    row: &mut JsonRow,
    file: &File,
    bytes_at: &Path,
    limits: &Limits,
) -> Result<(), ArchiveError> {
    let said = rows::text_of(row, "content_type").to_owned();
    let raw_name = rows::text_of(row, "filename").to_owned();
    let what = format!("tệp {} (“{raw_name}”, ghi là {said})", file.id);
    let mut head = Vec::with_capacity(kinds::SNIFF);
    std::fs::File::open(bytes_at)
        .and_then(|f| f.take(kinds::SNIFF as u64).read_to_end(&mut head))
        .map_err(|e| super::io_error(bytes_at, e))?;
    let kind = kinds::detect(&head).ok_or_else(|| {
        refused(
            what.clone(),
            format!(
                "nội dung không phải loại tệp nền tảng nhận (chỉ nhận {})",
                kinds::ACCEPTED
            ),
        )
    })?;
    let class = kind.class();
    let size = u64::try_from(file.size_bytes).unwrap_or(u64::MAX);
    if size > limits.bytes_for(class) {
        return Err(refused(
            what,
            format!(
                "{} lớn hơn mức tối đa {} byte",
                class.name(),
                limits.bytes_for(class)
            ),
        ));
    }
    let name = congxa_storage::filename::clean(&raw_name)
        .ok_or_else(|| refused(what.clone(), "tên tệp không dùng được"))?;
    row.insert("filename".to_owned(), Value::String(name));
    row.insert(
        "content_type".to_owned(),
        Value::String(kind.mime.to_owned()),
    );
    row.insert("kind".to_owned(), Value::String(class.code().to_owned()));
    if class != Class::Image {
        row.insert("width".to_owned(), Value::Null);
        row.insert("height".to_owned(), Value::Null);
    }
    // The renditions stay behind: the file alone is what it takes here.
    row.insert("stored_bytes".to_owned(), Value::from(file.size_bytes));
    Ok(())
}

/// Every file row has its bytes in the archive and every file its row: a
/// row without bytes would name an object nobody stored.
pub(super) fn files_match_rows(
    manifest: &Manifest,
    tables: &HashMap<String, Vec<JsonRow>>,
) -> Result<(), ArchiveError> {
    let listed: HashSet<Uuid> = manifest.files.iter().map(|f| f.id).collect();
    let mut rowed = HashSet::new();
    for (n, row) in tables.get("media_files").into_iter().flatten().enumerate() {
        let id = rows::uuid_of(row, "id")
            .ok_or_else(|| refused(format!("bảng media_files, dòng {}", n + 1), "thiếu mã tệp"))?;
        if !listed.contains(&id) {
            return Err(refused(
                format!("bảng media_files, tệp {id}"),
                "không có nội dung tệp trong bản xuất",
            ));
        }
        rowed.insert(id);
    }
    match listed.difference(&rowed).next() {
        Some(id) => Err(refused(
            format!("tệp {id}"),
            "không có dòng nào trong bảng media_files",
        )),
        None => Ok(()),
    }
}

/// Where a row is, for messages: its table and its id (or its place).
fn place(table: &str, n: usize, row: &JsonRow) -> String {
    match row.get("id") {
        Some(Value::String(id)) => format!("bảng {table}, dòng {id}"),
        Some(Value::Number(id)) => format!("bảng {table}, dòng {id}"),
        _ => format!("bảng {table}, dòng thứ {}", n + 1),
    }
}

/// A text column: absent is empty (an older archive), anything but text is
/// a malformed row.
fn text<'a>(row: &'a JsonRow, column: &str, at: &str) -> Result<Option<&'a str>, ArchiveError> {
    match row.get(column) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(text)) => Ok(Some(text)),
        Some(_) => Err(refused(at, format!("cột {column} không phải văn bản"))),
    }
}

/// An item's text (or a saved version of it) held to the workspace's
/// bounds, its body cleaned as the editor's saves are.
fn item_text(row: &mut JsonRow, at: &str) -> Result<(), ArchiveError> {
    let title = text(row, "title", at)?.unwrap_or_default();
    if title.trim().is_empty() {
        return Err(refused(at, "tiêu đề để trống"));
    }
    if title.chars().count() > MAX_TITLE {
        return Err(refused(at, format!("tiêu đề dài quá {MAX_TITLE} ký tự")));
    }
    if text(row, "summary", at)?
        .unwrap_or_default()
        .chars()
        .count()
        > MAX_SUMMARY
    {
        return Err(refused(
            at,
            format!("phần tóm tắt dài quá {MAX_SUMMARY} ký tự"),
        ));
    }
    let body = text(row, "body", at)?.unwrap_or_default();
    if body.len() > MAX_BODY_BYTES {
        return Err(refused(at, "nội dung dài quá 1 MB"));
    }
    let cleaned = clean_html(body);
    row.insert("body".to_owned(), Value::String(cleaned));
    Ok(())
}

/// The rows: bodies, answers and corrections cleaned, items' text bounded,
/// the commune's own templates checked as the workspace checks a version
/// the head saves. Bounds the database enforces anyway (lengths, slugs,
/// colours, addresses) are reported as the archive's fault when loading.
pub(super) fn rows(
    tables: &mut HashMap<String, Vec<JsonRow>>,
    themes: &Themes,
) -> Result<(), ArchiveError> {
    for table in ["items", "item_revisions"] {
        for (n, row) in tables.get_mut(table).into_iter().flatten().enumerate() {
            let at = place(table, n, row);
            item_text(row, &at)?;
        }
    }
    for (n, row) in tables
        .get_mut("questions")
        .into_iter()
        .flatten()
        .enumerate()
    {
        let at = place("questions", n, row);
        let answer = text(row, "answer", &at)?.unwrap_or_default();
        let cleaned = clean_html(answer);
        row.insert("answer".to_owned(), Value::String(cleaned));
    }
    for (n, row) in tables
        .get_mut("template_overrides")
        .into_iter()
        .flatten()
        .enumerate()
    {
        let at = place("template_overrides", n, row);
        let theme = text(row, "theme", &at)?.unwrap_or_default();
        let name = text(row, "name", &at)?.unwrap_or_default();
        // A version without source gives the theme's own template back.
        if let Some(source) = text(row, "source", &at)? {
            let version = row.get("version").cloned().unwrap_or(Value::Null);
            congxa_content::check_template_version(themes, theme, name, source).map_err(|why| {
                refused(
                    format!(
                        "mẫu giao diện “{name}” của xã (giao diện {theme}, phiên bản {version})"
                    ),
                    why,
                )
            })?;
        }
        // Faults are found again here, on this platform's pages.
        row.insert("last_error".to_owned(), Value::Null);
    }
    Ok(())
}

/// What the workspace checks of the whole once the rows are in (acting for
/// the commune): the look (theme, font, colours that reach 4.5:1, a logo
/// and banner that are its own images), the menu (addresses of the site or
/// http(s), the introduction and the online services) and the home page's
/// blocks.
pub(super) async fn stored(conn: &mut PgConnection, tenant: Uuid) -> Result<(), ArchiveError> {
    // Without a profile the look is the theme's own, which passes.
    let look_refused = |error: BoardError| match error {
        BoardError::Database(error) => ArchiveError::from(error),
        other => refused("giao diện của xã (site_profiles)", other.to_string()),
    };
    let look = congxa_board::settings::look(&mut *conn)
        .await
        .map_err(look_refused)?;
    congxa_board::settings::checked_look(&mut *conn, &look)
        .await
        .map_err(look_refused)?;
    let sections = congxa_site::menu::sections(&mut *conn).await?;
    let menu = congxa_site::menu::stored(&mut *conn).await?;
    // Kept as the workspace would have written them (addresses in the URL
    // standard's form, names trimmed), not as the archive spelled them.
    if !menu.is_empty() {
        let menu = congxa_site::menu::checked(&menu, &sections)
            .map_err(|why| refused("trình đơn của xã (menu_entries)", why))?;
        congxa_site::menu::replace(&mut *conn, tenant, &menu).await?;
    }
    let blocks = congxa_site::home_blocks::stored(&mut *conn).await?;
    if !blocks.is_empty() {
        let blocks = congxa_site::home_blocks::checked(&blocks, &sections)
            .map_err(|why| refused("các khối của trang chủ (home_blocks)", why))?;
        congxa_site::home_blocks::replace(&mut *conn, tenant, &blocks).await?;
    }
    Ok(())
}

/// A row the database refuses (a check, a type, a missing value) is the
/// archive's fault, reported with its table; anything else is the
/// database's.
pub(super) fn loading(table: &str, error: sqlx::Error) -> ArchiveError {
    if let sqlx::Error::Database(db) = &error
        && let Some(code) = db.code()
        && (code.starts_with("22") || code.starts_with("23"))
    {
        let why = match db.constraint() {
            Some(constraint) => format!("có dòng không đạt điều kiện “{constraint}”"),
            None => format!("có dòng không hợp lệ ({})", db.message()),
        };
        return refused(format!("bảng {table}"), why);
    }
    error.into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renamed_addresses_stay_inside_the_site() {
        assert!(is_site_path("tin-tuc/le-hoi-2"));
        assert!(is_site_path("lich-cong-tac/2026-11-23"));
        for hostile in [
            "",
            "/evil.example",
            "\\evil.example",
            "javascript:alert(1)",
            "tin-tuc//x",
            "tin-tuc/../x",
            "tin tuc",
        ] {
            assert!(!is_site_path(hostile), "{hostile}");
        }
    }

    #[test]
    fn a_body_with_scripts_is_cleaned_and_a_title_too_long_is_refused() {
        let mut row = JsonRow::new();
        row.insert("id".to_owned(), Value::String("x".to_owned()));
        row.insert("title".to_owned(), Value::String("Tin".to_owned()));
        row.insert(
            "body".to_owned(),
            Value::String(
                "<p onclick=\"x()\">Chào</p><script>alert(1)</script><a href=\"javascript:alert(1)\">a</a>"
                    .to_owned(),
            ),
        );
        item_text(&mut row, "đây").unwrap();
        let body = rows::text_of(&row, "body");
        assert!(
            !body.contains("script") && !body.contains("onclick"),
            "{body}"
        );
        assert!(!body.contains("javascript:"), "{body}");

        row.insert("title".to_owned(), Value::String("đ".repeat(501)));
        let refusal = item_text(&mut row, "đây").unwrap_err();
        assert!(
            refusal.to_string().contains("tiêu đề dài quá 500"),
            "{refusal}"
        );
    }
}
