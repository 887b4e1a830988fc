//! Writing a commune's items: the shared columns, each kind's own fields,
//! the words search should find them by, and bodies cleaned of anything but
//! the markup an official article needs. The demo seed writes through here,
//! and so will the board's editor.

use sqlx::PgConnection;
use time::{Date, OffsetDateTime};
use uuid::Uuid;

use crate::slug::slugify;

/// What went wrong writing an item.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error("the section {0:?} does not exist")]
    NoSection(String),
    #[error("the title {0:?} makes no address")]
    NoSlug(String),
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

/// Keeps the markup of an official article (paragraphs, headings, lists,
/// tables, emphasis, links, images) and drops everything else: scripts,
/// styles, event handlers, foreign links' power over the page.
pub fn clean_html(html: &str) -> String {
    // A cleaned tree can serialise to markup a browser parses into another
    // tree (`<a>` inside `<a>`, `<p>` inside `<p>`): cleaning again until
    // nothing changes stores what a browser will read, so a later cleaning
    // (an edit) finds the same text. Two rounds settle every case seen.
    let mut cleaned = clean_once(html);
    for _ in 0..3 {
        let again = clean_once(&cleaned);
        if again == cleaned {
            break;
        }
        cleaned = again;
    }
    cleaned
}

fn clean_once(html: &str) -> String {
    let cleaned = ammonia::Builder::default()
        .add_tags(["caption", "figure", "figcaption"])
        .add_tag_attributes("th", ["scope", "colspan", "rowspan"])
        .add_tag_attributes("td", ["colspan", "rowspan"])
        .link_rel(Some("noopener noreferrer"))
        .url_schemes(["http", "https", "mailto", "tel"].into())
        // Images only from the commune's own files: nothing a page shows is
        // fetched from elsewhere (the sites' CSP would block it anyway).
        .attribute_filter(|element, attribute, value| {
            if element == "img" && attribute == "src" && !value.starts_with("/tep/") {
                None
            } else if matches!(attribute, "href" | "src") && value.starts_with(is_unseen) {
                // No address a person types opens with an unseen character;
                // such a prefix only hides a scheme from checks.
                None
            } else {
                Some(value.into())
            }
        })
        .clean(html)
        .to_string();
    without_empty_images(&cleaned)
}

/// Characters a browser keeps at the start of an address but a reader does
/// not see: spaces beyond ASCII, a byte-order mark, zero-width spaces and
/// joiners, a soft hyphen. (A browser itself drops ASCII spaces and
/// controls there, and so does the scheme check.)
pub fn is_unseen(c: char) -> bool {
    (!c.is_ascii() && (c.is_whitespace() || c.is_control()))
        || matches!(
            c,
            '\u{00AD}'
                | '\u{061C}'
                | '\u{200B}'..='\u{200F}'
                | '\u{202A}'..='\u{202E}'
                | '\u{2060}'..='\u{2069}'
                | '\u{FEFF}'
        )
}

/// Removes the images that lost their address in cleaning (an outside
/// image, a broken `<img src=x onerror=…>`): they would show nothing.
fn without_empty_images(cleaned: &str) -> String {
    let mut out = String::with_capacity(cleaned.len());
    let mut rest = cleaned;
    while let Some(at) = rest.find("<img") {
        out.push_str(&rest[..at]);
        let tag_end = rest[at..].find('>').map_or(rest.len(), |end| at + end + 1);
        let tag = &rest[at..tag_end];
        if tag.contains(" src=\"") {
            out.push_str(tag);
        }
        rest = &rest[tag_end..];
    }
    out.push_str(rest);
    out
}

/// How many images of cleaned HTML (as `clean_html` writes it: attributes
/// double-quoted) have no text alternative. Every image needs one, for
/// people who cannot see it (WCAG 1.1.1).
pub fn images_without_alt(cleaned: &str) -> usize {
    cleaned
        .match_indices("<img")
        .filter(|(at, _)| {
            let tag = &cleaned[*at..];
            let tag = &tag[..tag.find('>').unwrap_or(tag.len())];
            match tag.find(" alt=\"") {
                Some(start) => {
                    let value = &tag[start + 6..];
                    value[..value.find('"').unwrap_or(value.len())]
                        .trim()
                        .is_empty()
                }
                None => true,
            }
        })
        .count()
}

/// The columns every item has.
pub struct NewItem<'a> {
    /// The section's address, e.g. `tin-tuc/thong-bao`.
    pub section: &'a str,
    /// Taken from the title when not given.
    pub slug: Option<&'a str>,
    pub title: &'a str,
    pub summary: &'a str,
    /// HTML, cleaned on the way in.
    pub body: &'a str,
    pub author: &'a str,
    pub source: &'a str,
    pub featured: bool,
    pub published_at: OffsetDateTime,
}

/// Writes a published item; returns its id. `search_extra` holds the words
/// of the kind's own fields (a document's number and signer…).
pub async fn item(
    conn: &mut PgConnection,
    tenant: Uuid,
    new: &NewItem<'_>,
    search_extra: &str,
) -> Result<Uuid, WriteError> {
    let section = sqlx::query_scalar!(
        "SELECT id FROM sections WHERE tenant_id = $1 AND path = $2",
        tenant,
        new.section
    )
    .fetch_optional(&mut *conn)
    .await?
    .ok_or_else(|| WriteError::NoSection(new.section.to_owned()))?;
    let slug = match new.slug {
        Some(slug) => slug.to_owned(),
        None => slugify(new.title),
    };
    if slug.is_empty() {
        return Err(WriteError::NoSlug(new.title.to_owned()));
    }
    let id = sqlx::query_scalar!(
        r#"INSERT INTO items (tenant_id, section_id, slug, title, summary, body, author, source, featured,
                              status, published_at, created_at, updated_at, search_extra)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'published', $10, $10, $10, $11)
           RETURNING id"#,
        tenant,
        section,
        slug,
        new.title,
        new.summary,
        clean_html(new.body),
        new.author,
        new.source,
        new.featured,
        new.published_at,
        search_extra,
    )
    .fetch_one(&mut *conn)
    .await?;
    Ok(id)
}

/// Attaches a stored file to an item.
pub async fn attach(
    conn: &mut PgConnection,
    tenant: Uuid,
    item: Uuid,
    file: Uuid,
    label: &str,
    order: i32,
) -> Result<(), WriteError> {
    sqlx::query!(
        "INSERT INTO item_files (tenant_id, item_id, file_id, label, sort_order) VALUES ($1, $2, $3, $4, $5)",
        tenant,
        item,
        file,
        label,
        order
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// A document's own fields.
pub struct DocumentFields<'a> {
    pub doc_type: &'a str,
    pub number_symbol: &'a str,
    pub issuing_body: &'a str,
    pub signer: &'a str,
    pub field: &'a str,
    pub issued_on: Date,
    pub effective_on: Option<Date>,
    pub expires_on: Option<Date>,
}

pub async fn document(
    conn: &mut PgConnection,
    tenant: Uuid,
    new: &NewItem<'_>,
    fields: &DocumentFields<'_>,
) -> Result<Uuid, WriteError> {
    let extra = [
        fields.number_symbol,
        fields.doc_type,
        fields.issuing_body,
        fields.signer,
        fields.field,
    ]
    .join(" ");
    let id = item(conn, tenant, new, &extra).await?;
    sqlx::query!(
        "INSERT INTO documents (item_id, tenant_id, doc_type, number_symbol, issuing_body, signer, field,
                                issued_on, effective_on, expires_on)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        id,
        tenant,
        fields.doc_type,
        fields.number_symbol,
        fields.issuing_body,
        fields.signer,
        fields.field,
        fields.issued_on,
        fields.effective_on,
        fields.expires_on
    )
    .execute(conn)
    .await?;
    Ok(id)
}

/// A procedure's own fields.
pub struct ProcedureFields<'a> {
    pub code: &'a str,
    pub field: &'a str,
    /// `full`, `partial` or `none`.
    pub online_level: &'a str,
    pub processing_time: &'a str,
    pub fee: &'a str,
    pub agency: &'a str,
    pub portal_url: &'a str,
}

pub async fn procedure(
    conn: &mut PgConnection,
    tenant: Uuid,
    new: &NewItem<'_>,
    fields: &ProcedureFields<'_>,
) -> Result<Uuid, WriteError> {
    let extra = [fields.code, fields.field].join(" ");
    let id = item(conn, tenant, new, &extra).await?;
    sqlx::query!(
        "INSERT INTO procedures (item_id, tenant_id, code, field, online_level, processing_time, fee, agency, portal_url)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        id,
        tenant,
        fields.code,
        fields.field,
        fields.online_level,
        fields.processing_time,
        fields.fee,
        fields.agency,
        fields.portal_url
    )
    .execute(conn)
    .await?;
    Ok(id)
}

/// One entry of a week's schedule.
pub struct ScheduleEntry<'a> {
    pub starts_at: OffsetDateTime,
    pub leader: &'a str,
    pub content: &'a str,
    pub location: &'a str,
    pub participants: &'a str,
}

/// A week of the leaders' schedule with its entries.
pub async fn schedule_week(
    conn: &mut PgConnection,
    tenant: Uuid,
    new: &NewItem<'_>,
    monday: Date,
    entries: &[ScheduleEntry<'_>],
) -> Result<Uuid, WriteError> {
    let id = item(conn, tenant, new, "").await?;
    sqlx::query!(
        "INSERT INTO schedule_weeks (item_id, tenant_id, week_start) VALUES ($1, $2, $3)",
        id,
        tenant,
        monday
    )
    .execute(&mut *conn)
    .await?;
    for entry in entries {
        sqlx::query!(
            "INSERT INTO schedule_entries (tenant_id, item_id, starts_at, leader, content, location, participants)
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
            tenant,
            id,
            entry.starts_at,
            entry.leader,
            entry.content,
            entry.location,
            entry.participants
        )
        .execute(&mut *conn)
        .await?;
    }
    Ok(id)
}

/// A public investment project's own fields.
pub struct ProjectFields<'a> {
    pub investor: &'a str,
    pub location: &'a str,
    pub total_investment: Option<i64>,
    pub funding: &'a str,
    /// `preparing`, `procuring`, `building` or `completed`.
    pub stage: &'a str,
    pub package: &'a str,
    pub bid_closes_at: Option<OffsetDateTime>,
    pub starts_on: Option<Date>,
    pub ends_on: Option<Date>,
}

pub async fn project(
    conn: &mut PgConnection,
    tenant: Uuid,
    new: &NewItem<'_>,
    fields: &ProjectFields<'_>,
) -> Result<Uuid, WriteError> {
    let extra = [fields.investor, fields.location, fields.package].join(" ");
    let id = item(conn, tenant, new, &extra).await?;
    sqlx::query!(
        "INSERT INTO projects (item_id, tenant_id, investor, location, total_investment, funding, stage, package,
                               bid_closes_at, starts_on, ends_on)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
        id,
        tenant,
        fields.investor,
        fields.location,
        fields.total_investment,
        fields.funding,
        fields.stage,
        fields.package,
        fields.bid_closes_at,
        fields.starts_on,
        fields.ends_on
    )
    .execute(conn)
    .await?;
    Ok(id)
}

/// A budget report: kind (`estimate`, `settlement`, `execution`,
/// `financial`, `statistics`), year and period (`year`, `half`, `q1`…`q4`).
pub async fn budget_report(
    conn: &mut PgConnection,
    tenant: Uuid,
    new: &NewItem<'_>,
    report_kind: &str,
    year: i32,
    period: &str,
) -> Result<Uuid, WriteError> {
    let id = item(conn, tenant, new, "").await?;
    sqlx::query!(
        "INSERT INTO budget_reports (item_id, tenant_id, report_kind, year, period) VALUES ($1, $2, $3, $4, $5)",
        id,
        tenant,
        report_kind,
        year,
        period
    )
    .execute(conn)
    .await?;
    Ok(id)
}

/// An entry of the access-to-information list.
pub struct AccessInfoFields<'a> {
    pub number_symbol: &'a str,
    pub issued_on: Option<Date>,
    pub publication_form: &'a str,
    pub publication_time: &'a str,
}

pub async fn access_info(
    conn: &mut PgConnection,
    tenant: Uuid,
    new: &NewItem<'_>,
    fields: &AccessInfoFields<'_>,
) -> Result<Uuid, WriteError> {
    let id = item(conn, tenant, new, fields.number_symbol).await?;
    sqlx::query!(
        "INSERT INTO access_info_entries (item_id, tenant_id, number_symbol, issued_on, publication_form, publication_time)
         VALUES ($1, $2, $3, $4, $5, $6)",
        id,
        tenant,
        fields.number_symbol,
        fields.issued_on,
        fields.publication_form,
        fields.publication_time
    )
    .execute(conn)
    .await?;
    Ok(id)
}

/// A draft put to consultation until `closes_at`.
pub async fn consultation(
    conn: &mut PgConnection,
    tenant: Uuid,
    new: &NewItem<'_>,
    drafting_body: &str,
    opens_at: OffsetDateTime,
    closes_at: OffsetDateTime,
) -> Result<Uuid, WriteError> {
    let id = item(conn, tenant, new, drafting_body).await?;
    sqlx::query!(
        "INSERT INTO consultations (item_id, tenant_id, drafting_body, opens_at, closes_at) VALUES ($1, $2, $3, $4, $5)",
        id,
        tenant,
        drafting_body,
        opens_at,
        closes_at
    )
    .execute(conn)
    .await?;
    Ok(id)
}

#[cfg(test)]
mod tests {
    #[test]
    fn images_come_from_the_communes_files_and_need_a_description() {
        let cleaned = clean_html(
            r#"<p><img src="/tep/1/a.jpg" alt="Lễ khai giảng"><img src="https://x.vn/b.png" alt="b"><img src="/tep/2/c.jpg"><img src="/tep/3/d.jpg" alt="  "></p>"#,
        );
        assert!(!cleaned.contains("x.vn"), "{cleaned}");
        assert!(cleaned.contains(r#"src="/tep/1/a.jpg""#), "{cleaned}");
        // The outside image is gone with its address; one has no
        // description and one a blank one.
        assert_eq!(cleaned.matches("<img").count(), 3, "{cleaned}");
        assert_eq!(images_without_alt(&cleaned), 2, "{cleaned}");
        assert_eq!(
            images_without_alt(&clean_html(
                r#"<img src="/tep/1/a.jpg" alt="Ảnh &quot;đẹp&quot;">"#
            )),
            0
        );
    }

    use super::*;

    #[test]
    fn scripts_handlers_and_styles_are_removed_and_structure_kept() {
        let dirty = r#"<p onclick="x()" style="color:red">Xin <strong>chào</strong><script>alert(1)</script></p>
<table><thead><tr><th scope="col">Năm</th></tr></thead></table><a href="javascript:alert(1)">x</a><img src=x onerror=alert(1)>"#;
        let clean = clean_html(dirty);
        assert!(
            clean.contains("<p>Xin <strong>chào</strong></p>"),
            "{clean}"
        );
        assert!(clean.contains(r#"<th scope="col">Năm</th>"#), "{clean}");
        for bad in ["script", "onclick", "style=", "javascript:", "onerror"] {
            assert!(!clean.contains(bad), "{bad} left in {clean}");
        }
    }
}
