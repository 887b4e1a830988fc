//! The site's menu: "Trang chủ" first, "Sơ đồ trang" last, and between them
//! the board's own entries, or, until it sets them, the default ones (the
//! top-level sections marked for the menu, then the national online public
//! services portal). The rules ask every menu for the introduction and the
//! online public services (REGULATIONS.md, "Functions and layout"), so a
//! menu without them is refused.

use serde::Serialize;
use sqlx::PgConnection;
use uuid::Uuid;

/// Most entries the board may put between the two fixed ones: a menu
/// longer than this no longer fits a phone's screen.
pub const MAX_ENTRIES: usize = 15;
pub const MAX_LABEL: usize = 60;
/// The longest address an entry keeps (the table's check says the same).
pub const MAX_ADDRESS: usize = 2000;
/// The introduction section the rules ask the menu for.
pub const INTRODUCTION: &str = "gioi-thieu";
/// The default entry for the online public services.
pub const ONLINE_SERVICES: (&str, &str) = ("Dịch vụ công trực tuyến", "https://dichvucong.gov.vn");

/// Where an entry leads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// A section of the commune's: the entry follows it if its address
    /// changes.
    Section(Uuid),
    /// A path of the site (`/lich-cong-tac`) or a web address.
    Address(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub label: String,
    pub target: Target,
}

/// A section of the commune, as the menu's editor offers it.
#[derive(Debug, Clone, Serialize)]
pub struct SectionRef {
    pub id: Uuid,
    pub path: String,
    pub name: String,
}

/// An entry as a page shows it.
#[derive(Debug, Clone, Serialize)]
pub struct Shown {
    pub href: String,
    pub name: String,
    /// The site path it opens, without the leading slash, for marking the
    /// entry of the page being read; none for another site's address.
    pub path: Option<String>,
}

/// These sections of the commune (one gone, or another commune's, is not
/// found).
pub async fn sections_of(conn: &mut PgConnection, ids: &[Uuid]) -> sqlx::Result<Vec<SectionRef>> {
    sqlx::query_as!(
        SectionRef,
        "SELECT id, path, name FROM sections WHERE id = ANY($1)",
        ids
    )
    .fetch_all(conn)
    .await
}

/// Every section of the commune, in the order of their addresses (a parent
/// before its children).
pub async fn sections(conn: &mut PgConnection) -> sqlx::Result<Vec<SectionRef>> {
    sqlx::query_as!(
        SectionRef,
        "SELECT id, path, name FROM sections ORDER BY path"
    )
    .fetch_all(conn)
    .await
}

/// The default menu: the top-level sections marked for it, in their order,
/// then the online public services.
pub async fn defaults(conn: &mut PgConnection) -> sqlx::Result<Vec<Entry>> {
    let rows = sqlx::query!(
        "SELECT id, name FROM sections WHERE in_menu AND parent_id IS NULL ORDER BY sort_order, path"
    )
    .fetch_all(conn)
    .await?;
    let mut entries: Vec<Entry> = rows
        .into_iter()
        .map(|r| Entry {
            label: r.name,
            target: Target::Section(r.id),
        })
        .collect();
    entries.push(Entry {
        label: ONLINE_SERVICES.0.to_owned(),
        target: Target::Address(ONLINE_SERVICES.1.to_owned()),
    });
    Ok(entries)
}

/// The board's own entries; empty when it uses the default menu.
pub async fn stored(conn: &mut PgConnection) -> sqlx::Result<Vec<Entry>> {
    let rows = sqlx::query!("SELECT label, section_id, url FROM menu_entries ORDER BY position")
        .fetch_all(conn)
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(|r| {
            let target = match (r.section_id, r.url) {
                (Some(section), _) => Target::Section(section),
                (None, Some(url)) => Target::Address(url),
                (None, None) => return None,
            };
            Some(Entry {
                label: r.label,
                target,
            })
        })
        .collect())
}

/// The menu in use: the board's, or the default one.
pub async fn current(conn: &mut PgConnection) -> sqlx::Result<Vec<Entry>> {
    let own = stored(&mut *conn).await?;
    if own.is_empty() {
        defaults(conn).await
    } else {
        Ok(own)
    }
}

/// Entries as pages show them. An entry whose section is gone is left out.
pub fn shown(entries: &[Entry], sections: &[SectionRef]) -> Vec<Shown> {
    entries
        .iter()
        .filter_map(|entry| match &entry.target {
            Target::Section(id) => sections.iter().find(|s| s.id == *id).map(|s| Shown {
                href: format!("/{}", s.path),
                name: entry.label.clone(),
                path: Some(s.path.clone()),
            }),
            Target::Address(url) => Some(Shown {
                href: url.clone(),
                name: entry.label.clone(),
                path: url
                    .strip_prefix('/')
                    .map(|p| p.split(['?', '#']).next().unwrap_or_default().to_owned()),
            }),
        })
        .collect()
}

/// Replaces the board's entries with these (already checked); none gives
/// the default menu back. The caller's transaction acts for the commune.
pub async fn replace(conn: &mut PgConnection, tenant: Uuid, entries: &[Entry]) -> sqlx::Result<()> {
    sqlx::query!("DELETE FROM menu_entries")
        .execute(&mut *conn)
        .await?;
    for (position, entry) in (1_i16..).zip(entries) {
        let (section, url) = match &entry.target {
            Target::Section(id) => (Some(*id), None),
            Target::Address(url) => (None, Some(url.as_str())),
        };
        sqlx::query!(
            "INSERT INTO menu_entries (tenant_id, position, label, section_id, url)
             VALUES ($1, $2, $3, $4, $5)",
            tenant,
            position,
            entry.label,
            section,
            url
        )
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// A path of the site ("/lich-cong-tac", "/tim-kiem?q=đất") or a web address
/// (http or https, with a host), trimmed, a web address as the URL standard
/// writes it ("HTTPS://Haiphong.gov.vn" is kept as
/// "https://haiphong.gov.vn/"); the message says what is wrong.
pub fn address(raw: &str) -> Result<String, String> {
    let raw = raw.trim();
    let refused = || {
        format!(
            "Địa chỉ “{raw}” không dùng được: ghi đường dẫn trong trang bắt đầu bằng / (ví dụ: /lich-cong-tac) hoặc địa chỉ trang khác bắt đầu bằng https:// (ví dụ: https://haiphong.gov.vn)."
        )
    };
    if raw.is_empty() || raw.len() > MAX_ADDRESS || raw.contains(char::is_whitespace) {
        return Err(refused());
    }
    if let Some(rest) = raw.strip_prefix('/') {
        // Not "//host", which browsers read as another site.
        let safe = !rest.starts_with(['/', '\\'])
            && !raw.contains(['"', '\'', '<', '>', '\\', '`'])
            && !raw.chars().any(char::is_control);
        return if safe {
            Ok(raw.to_owned())
        } else {
            Err(refused())
        };
    }
    match url::Url::parse(raw) {
        // Written out, Vietnamese letters take several bytes each.
        Ok(url) if url.as_str().len() > MAX_ADDRESS => Err(format!(
            "Địa chỉ “{raw}” dài quá; địa chỉ viết theo chuẩn (chữ có dấu thành mã %) không được quá {MAX_ADDRESS} ký tự."
        )),
        Ok(url) if matches!(url.scheme(), "http" | "https") && url.host_str().is_some() => {
            Ok(url.into())
        }
        _ => Err(refused()),
    }
}

/// Whether an address is an online public services portal: the national one
/// (dichvucong.gov.vn) or a province's (dichvucong.<tỉnh>.gov.vn).
pub fn is_online_services(address: &str) -> bool {
    let Some(host) = url::Url::parse(address)
        .ok()
        .and_then(|u| u.host_str().map(str::to_owned))
    else {
        return false;
    };
    host.ends_with(".gov.vn") && host.split('.').any(|label| label == "dichvucong")
}

fn label(raw: &str) -> Result<String, String> {
    let label = raw.trim();
    if label.is_empty() {
        return Err("Mỗi mục của trình đơn cần có tên; mục dẫn tới một chuyên mục mà để trống tên thì lấy tên chuyên mục.".to_owned());
    }
    if label.chars().count() > MAX_LABEL {
        return Err(format!(
            "Tên mục “{label}” dài quá {MAX_LABEL} ký tự; trình đơn cần tên ngắn."
        ));
    }
    if label.chars().any(char::is_control) {
        return Err(format!("Tên mục “{label}” có ký tự không hợp lệ."));
    }
    Ok(label.to_owned())
}

/// Checks the board's entries against the commune's sections; an entry to
/// a section left without a name takes the section's. The message says what
/// to change.
pub fn checked(entries: &[Entry], sections: &[SectionRef]) -> Result<Vec<Entry>, String> {
    if entries.is_empty() {
        return Err(
            "Trình đơn cần ít nhất mục “Giới thiệu” và mục “Dịch vụ công trực tuyến”.".to_owned(),
        );
    }
    if entries.len() > MAX_ENTRIES {
        return Err(format!(
            "Trình đơn có {} mục; tối đa {MAX_ENTRIES} mục để vừa màn hình điện thoại.",
            entries.len()
        ));
    }
    let mut kept = Vec::with_capacity(entries.len());
    for (n, entry) in (1..).zip(entries) {
        let (label, target) = match &entry.target {
            Target::Section(id) => {
                let Some(section) = sections.iter().find(|s| s.id == *id) else {
                    return Err(format!(
                        "Mục thứ {n} dẫn tới một chuyên mục không có trên trang của xã."
                    ));
                };
                let unnamed = entry.label.trim().is_empty();
                if unnamed && section.name.chars().count() > MAX_LABEL {
                    return Err(format!(
                        "Mục thứ {n} để trống tên, mà tên chuyên mục “{}” dài quá {MAX_LABEL} ký tự; hãy ghi một tên ngắn hơn.",
                        section.name
                    ));
                }
                let named = if unnamed { &section.name } else { &entry.label };
                (label(named)?, Target::Section(*id))
            }
            Target::Address(raw) => (label(&entry.label)?, Target::Address(address(raw)?)),
        };
        kept.push(Entry { label, target });
    }
    let opens_introduction = kept.iter().any(|entry| {
        let path = match &entry.target {
            Target::Section(id) => sections
                .iter()
                .find(|s| s.id == *id)
                .map(|s| s.path.as_str()),
            Target::Address(url) => url.strip_prefix('/'),
        };
        path.is_some_and(|p| p == INTRODUCTION || p.starts_with(&format!("{INTRODUCTION}/")))
    });
    let opens_services = kept
        .iter()
        .any(|e| matches!(&e.target, Target::Address(url) if is_online_services(url)));
    let mut missing = Vec::new();
    if !opens_introduction {
        missing.push("mục dẫn tới chuyên mục “Giới thiệu”");
    }
    if !opens_services {
        missing.push("mục dẫn tới Cổng Dịch vụ công (https://dichvucong.gov.vn hoặc cổng dịch vụ công của tỉnh)");
    }
    if !missing.is_empty() {
        return Err(format!(
            "Theo quy định (Thông tư 32/2017/TT-BTTTT), trình đơn phải có Trang chủ, Giới thiệu, Dịch vụ công trực tuyến và Sơ đồ trang. Còn thiếu: {}.",
            missing.join("; ")
        ));
    }
    Ok(kept)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn sections() -> Vec<SectionRef> {
        ["gioi-thieu", "tin-tuc", "tin-tuc/thong-bao"]
            .iter()
            .map(|path| SectionRef {
                id: Uuid::new_v4(),
                path: (*path).to_owned(),
                name: (*path).to_owned(),
            })
            .collect()
    }

    fn entry(label: &str, target: Target) -> Entry {
        Entry {
            label: label.to_owned(),
            target,
        }
    }

    #[test]
    fn the_introduction_and_online_services_are_required() {
        let s = sections();
        let intro = entry("Giới thiệu", Target::Section(s[0].id));
        let services = entry(
            "Dịch vụ công",
            Target::Address("https://dichvucong.haiphong.gov.vn/".to_owned()),
        );
        assert!(checked(&[intro.clone(), services.clone()], &s).is_ok());
        let missing = checked(std::slice::from_ref(&intro), &s).unwrap_err();
        assert!(missing.contains("Cổng Dịch vụ công"), "{missing}");
        assert!(!missing.contains("“Giới thiệu”;"), "{missing}");
        let missing = checked(std::slice::from_ref(&services), &s).unwrap_err();
        assert!(missing.contains("chuyên mục “Giới thiệu”"), "{missing}");
        // A path of the introduction counts too.
        let by_path = entry("Lịch sử", Target::Address("/gioi-thieu/lich-su".to_owned()));
        assert!(checked(&[by_path, services.clone()], &s).is_ok());
        // A look-alike host does not.
        let fake = entry(
            "Dịch vụ công",
            Target::Address("https://dichvucong.gov.vn.evil.example/".to_owned()),
        );
        assert!(checked(&[intro, fake], &s).is_err());
    }

    #[test]
    fn addresses_are_site_paths_or_web_addresses() {
        for good in [
            "/lich-cong-tac",
            "/",
            "/tim-kiem?q=đất",
            "https://haiphong.gov.vn/x",
        ] {
            assert_eq!(address(good).unwrap(), good);
        }
        // A long Vietnamese path written out grows past what is kept.
        let long = format!("https://haiphong.gov.vn/{}", "đ".repeat(400));
        assert!(address(&long).unwrap_err().contains("dài quá"));
        // Kept as the standard writes it, which the database's check reads.
        assert_eq!(
            address("HTTPS://DichVuCong.gov.vn").unwrap(),
            "https://dichvucong.gov.vn/"
        );
        assert_eq!(
            address("https:dichvucong.gov.vn").unwrap(),
            "https://dichvucong.gov.vn/"
        );
        for hostile in [
            "javascript:alert(1)",
            "//evil.example/",
            "/\\evil.example",
            "data:text/html,<script>",
            "/a\"onmouseover=\"x",
            "lich-cong-tac",
            "https://",
            "",
        ] {
            assert!(address(hostile).is_err(), "{hostile}");
        }
    }

    #[test]
    fn another_communes_section_and_long_labels_are_refused() {
        let s = sections();
        let services = entry(
            "Dịch vụ công",
            Target::Address(ONLINE_SERVICES.1.to_owned()),
        );
        let stranger = entry("Lạ", Target::Section(Uuid::new_v4()));
        let refused = checked(&[stranger, services.clone()], &s).unwrap_err();
        assert!(refused.contains("không có trên trang của xã"), "{refused}");
        let long = entry(&"a".repeat(MAX_LABEL + 1), Target::Section(s[0].id));
        assert!(
            checked(&[long, services.clone()], &s)
                .unwrap_err()
                .contains("dài quá")
        );
        // A section's entry left unnamed takes the section's name.
        let unnamed = entry(" ", Target::Section(s[0].id));
        assert_eq!(
            checked(&[unnamed, services], &s).unwrap()[0].label,
            "gioi-thieu"
        );
    }

    #[test]
    fn shown_follows_the_sections_address() {
        let s = sections();
        let shown = shown(
            &[
                entry("Thông báo", Target::Section(s[2].id)),
                entry("Gone", Target::Section(Uuid::new_v4())),
                entry("Lịch", Target::Address("/lich-cong-tac?tuan=1".to_owned())),
            ],
            &s,
        );
        assert_eq!(shown.len(), 2);
        assert_eq!(shown[0].href, "/tin-tuc/thong-bao");
        assert_eq!(shown[0].path.as_deref(), Some("tin-tuc/thong-bao"));
        assert_eq!(shown[1].path.as_deref(), Some("lich-cong-tac"));
    }
}
