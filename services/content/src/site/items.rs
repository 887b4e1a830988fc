//! Reading sections and the items they hold: what every kind of item shares
//! (title, lead, body, files, dates). Only published items whose time has
//! come are ever read here.

use congxa_site::SectionKind;
use serde::Serialize;
use sqlx::PgConnection;
use time::OffsetDateTime;
use uuid::Uuid;

// A calendar day as data carries it ("2026-11-26"): what the theme's date
// filters read.
time::serde::format_description!(pub iso_day, Date, "[year]-[month]-[day]");

#[derive(Debug, Clone, Serialize)]
pub struct Section {
    pub id: Uuid,
    pub parent_id: Option<Uuid>,
    pub path: String,
    pub name: String,
    pub description: String,
    #[serde(skip)]
    pub kind_code: String,
}

impl Section {
    pub fn kind(&self) -> Option<SectionKind> {
        SectionKind::parse(&self.kind_code)
    }

    pub fn href(&self) -> String {
        format!("/{}", self.path)
    }
}

/// The commune's name, as the transaction's tenant.
pub async fn tenant_name(conn: &mut PgConnection) -> sqlx::Result<String> {
    sqlx::query_scalar!("SELECT name FROM tenants WHERE id = congxa_current_tenant()")
        .fetch_one(conn)
        .await
}

/// A section by its address (`tin-tuc/thong-bao`).
pub async fn section(conn: &mut PgConnection, path: &str) -> sqlx::Result<Option<Section>> {
    sqlx::query_as!(
        Section,
        r#"SELECT id, parent_id, path, name, description, kind AS kind_code
           FROM sections WHERE path = $1"#,
        path
    )
    .fetch_optional(conn)
    .await
}

pub async fn section_by_id(conn: &mut PgConnection, id: Uuid) -> sqlx::Result<Section> {
    sqlx::query_as!(
        Section,
        r#"SELECT id, parent_id, path, name, description, kind AS kind_code
           FROM sections WHERE id = $1"#,
        id
    )
    .fetch_one(conn)
    .await
}

/// The sub-sections (categories) of a section, in order.
pub async fn children(conn: &mut PgConnection, id: Uuid) -> sqlx::Result<Vec<Section>> {
    sqlx::query_as!(
        Section,
        r#"SELECT id, parent_id, path, name, description, kind AS kind_code
           FROM sections WHERE parent_id = $1 ORDER BY sort_order, name"#,
        id
    )
    .fetch_all(conn)
    .await
}

/// Every section, in site-map order (parents before their children).
pub async fn all_sections(conn: &mut PgConnection) -> sqlx::Result<Vec<Section>> {
    sqlx::query_as!(
        Section,
        r#"SELECT s.id, s.parent_id, s.path, s.name, s.description, s.kind AS kind_code
           FROM sections s LEFT JOIN sections p ON p.id = s.parent_id
           ORDER BY COALESCE(p.sort_order, s.sort_order), s.parent_id IS NOT NULL, s.sort_order"#
    )
    .fetch_all(conn)
    .await
}

/// An item in a list.
#[derive(Debug, Serialize)]
pub struct Entry {
    pub id: Uuid,
    pub slug: String,
    pub title: String,
    pub summary: String,
    #[serde(with = "time::serde::rfc3339")]
    pub published_at: OffsetDateTime,
    pub section_path: String,
    pub section_name: String,
    pub href: String,
}

/// The published items of a section and its sub-sections, newest first.
pub async fn latest_in(
    conn: &mut PgConnection,
    section: Uuid,
    limit: i64,
    offset: i64,
) -> sqlx::Result<Vec<Entry>> {
    sqlx::query_as!(
        Entry,
        r#"SELECT i.id, i.slug, i.title, i.summary, i.published_at AS "published_at!",
                  s.path AS section_path, s.name AS section_name,
                  '/' || s.path || '/' || i.slug AS "href!"
           FROM items i JOIN sections s ON s.id = i.section_id
           WHERE i.status = 'published' AND i.published_at <= now()
             AND (s.id = $1 OR s.parent_id = $1)
           ORDER BY i.published_at DESC, i.id
           LIMIT $2 OFFSET $3"#,
        section,
        limit,
        offset
    )
    .fetch_all(conn)
    .await
}

/// How many items `latest_in` pages through (only a list's pager needs it).
pub async fn count_in(conn: &mut PgConnection, section: Uuid) -> sqlx::Result<i64> {
    sqlx::query_scalar!(
        r#"SELECT count(*) AS "n!" FROM items i JOIN sections s ON s.id = i.section_id
           WHERE i.status = 'published' AND i.published_at <= now()
             AND (s.id = $1 OR s.parent_id = $1)"#,
        section
    )
    .fetch_one(conn)
    .await
}

/// The newest published items of the sections of some kinds (the home
/// page's news), featured ones first when asked.
pub async fn latest_of_kinds(
    conn: &mut PgConnection,
    kinds: &[&str],
    featured_only: bool,
    limit: i64,
) -> sqlx::Result<Vec<Entry>> {
    let kinds: Vec<String> = kinds.iter().map(|k| (*k).to_owned()).collect();
    sqlx::query_as!(
        Entry,
        r#"SELECT i.id, i.slug, i.title, i.summary, i.published_at AS "published_at!",
                  s.path AS section_path, s.name AS section_name,
                  '/' || s.path || '/' || i.slug AS "href!"
           FROM items i JOIN sections s ON s.id = i.section_id
           WHERE i.status = 'published' AND i.published_at <= now()
             AND s.kind = ANY($1) AND (i.featured OR NOT $2)
           ORDER BY i.published_at DESC, i.id
           LIMIT $3"#,
        &kinds,
        featured_only,
        limit
    )
    .fetch_all(conn)
    .await
}

/// A published item with what every kind shows.
#[derive(Debug, Serialize)]
pub struct Item {
    pub id: Uuid,
    pub slug: String,
    pub title: String,
    pub summary: String,
    /// Sanitised when written: the board's editor is the only way in.
    pub body: String,
    pub author: String,
    pub source: String,
    #[serde(with = "time::serde::rfc3339")]
    pub published_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
    pub section_id: Uuid,
    pub section_path: String,
    pub section_name: String,
    pub href: String,
}

pub async fn item(conn: &mut PgConnection, slug: &str) -> sqlx::Result<Option<Item>> {
    sqlx::query_as!(
        Item,
        r#"SELECT i.id, i.slug, i.title, i.summary, i.body, i.author, i.source,
                  i.published_at AS "published_at!", i.updated_at, i.section_id,
                  s.path AS section_path, s.name AS section_name,
                  '/' || s.path || '/' || i.slug AS "href!"
           FROM items i JOIN sections s ON s.id = i.section_id
           WHERE i.slug = $1 AND i.status = 'published' AND i.published_at <= now()"#,
        slug
    )
    .fetch_optional(conn)
    .await
}

/// Any item of the commune whatever its state, as its page would show it
/// once published (with the text of a correction waiting for approval, if
/// there is one): what the board previews. Not for public pages.
pub async fn preview_of(conn: &mut PgConnection, id: Uuid) -> sqlx::Result<Option<Item>> {
    sqlx::query_as!(
        Item,
        r#"SELECT i.id, i.slug,
                  COALESCE(r.title, i.title) AS "title!", COALESCE(r.summary, i.summary) AS "summary!",
                  COALESCE(r.body, i.body) AS "body!", i.author, i.source,
                  COALESCE(i.published_at, now()) AS "published_at!", i.updated_at, i.section_id,
                  s.path AS section_path, s.name AS section_name,
                  '/' || s.path || '/' || i.slug AS "href!"
           FROM items i JOIN sections s ON s.id = i.section_id
           LEFT JOIN LATERAL (SELECT title, summary, body FROM item_revisions
                              WHERE item_id = i.id AND pending ORDER BY id DESC LIMIT 1) r ON true
           WHERE i.id = $1"#,
        id
    )
    .fetch_optional(conn)
    .await
}

/// A file attached to an item, served by the media service.
#[derive(Debug, Serialize)]
pub struct Attachment {
    pub label: String,
    pub filename: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub href: String,
}

pub async fn attachments(conn: &mut PgConnection, item: Uuid) -> sqlx::Result<Vec<Attachment>> {
    let rows = sqlx::query!(
        r#"SELECT f.id, f.filename, f.content_type, f.size_bytes, a.label
           FROM item_files a JOIN media_files f ON f.id = a.file_id
           WHERE a.item_id = $1 ORDER BY a.sort_order, f.filename"#,
        item
    )
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| Attachment {
            href: super::images::file_href(r.id, &r.filename),
            label: if r.label.is_empty() {
                r.filename.clone()
            } else {
                r.label
            },
            filename: r.filename,
            content_type: r.content_type,
            size_bytes: r.size_bytes,
        })
        .collect())
}

/// The average rating of an item and how many rated it.
#[derive(Debug, Serialize)]
pub struct Rating {
    pub count: i64,
    /// One decimal, Vietnamese style ("4,3").
    pub average: String,
}

pub async fn rating(conn: &mut PgConnection, item: Uuid) -> sqlx::Result<Rating> {
    let row = sqlx::query!(
        r#"SELECT count(*) AS "count!", COALESCE(avg(score), 0)::float8 AS "average!"
           FROM item_ratings WHERE item_id = $1"#,
        item
    )
    .fetch_one(conn)
    .await?;
    Ok(Rating {
        count: row.count,
        average: congxa_locale::number::decimal(row.average),
    })
}
