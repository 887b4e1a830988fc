//! The site map, as a page (a text tree, REGULATIONS.md "Functions") and as
//! `/sitemap.xml` for search engines.

use axum::extract::State;
use axum::response::Response;
use congxa_web::ApiError;
use serde::Serialize;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use super::items::{self, Section};
use super::{Outcome, Page, Visit, db_error, finish, http};
use crate::AppState;

/// Most addresses one sitemap file may list (the sitemaps.org limit).
const MAX_URLS: i64 = 50_000;

#[derive(Serialize)]
struct Branch {
    section: Section,
    children: Vec<Section>,
}

#[derive(Serialize)]
struct MapData {
    branches: Vec<Branch>,
}

/// Top sections with their children, in order.
pub async fn tree(conn: &mut sqlx::PgConnection) -> sqlx::Result<Vec<(Section, Vec<Section>)>> {
    let sections = items::all_sections(conn).await?;
    let mut tree: Vec<(Section, Vec<Section>)> = Vec::new();
    for section in sections {
        match section.parent_id {
            None => tree.push((section, Vec::new())),
            Some(parent) => {
                if let Some((_, children)) = tree.iter_mut().find(|(s, _)| s.id == parent) {
                    children.push(section);
                }
            }
        }
    }
    Ok(tree)
}

pub async fn page(State(state): State<AppState>, visit: Visit) -> Response {
    let outcome = async {
        let mut tx = visit.begin(&state.pool).await?;
        let branches = tree(&mut tx)
            .await
            .map_err(db_error)?
            .into_iter()
            .map(|(section, children)| Branch { section, children })
            .collect();
        drop(tx);
        Ok::<_, ApiError>(Outcome::Page(
            Page {
                template: "sitemap.html",
                page: "sitemap",
                title: "Sơ đồ trang",
                path: "/so-do-trang",
                data: MapData { branches },
            }
            .render(&state, &visit)
            .await?,
        ))
    }
    .await;
    finish(&state, &visit, outcome).await
}

pub async fn xml(State(state): State<AppState>, visit: Visit) -> Response {
    let outcome = async {
        let mut tx = visit.begin(&state.pool).await?;
        let sections = items::all_sections(&mut tx).await.map_err(db_error)?;
        let pages = sqlx::query!(
            r#"SELECT '/' || s.path || '/' || i.slug AS "href!", i.updated_at
               FROM items i JOIN sections s ON s.id = i.section_id
               WHERE i.status = 'published' AND i.published_at <= now() AND s.kind <> 'schedule'
               UNION ALL
               SELECT '/hoi-dap/' || slug, COALESCE(answered_at, created_at) FROM questions WHERE is_public
               ORDER BY 2 DESC LIMIT $1"#,
            MAX_URLS
        )
        .fetch_all(&mut *tx)
        .await
        .map_err(db_error)?;
        drop(tx);
        let mut out = String::from(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
        );
        let mut url = |path: &str, modified: Option<OffsetDateTime>| {
            out.push_str("<url><loc>");
            out.push_str(&escape(&visit.url(&state, path)));
            out.push_str("</loc>");
            if let Some(at) = modified.and_then(|at| at.format(&Rfc3339).ok()) {
                out.push_str("<lastmod>");
                out.push_str(&at);
                out.push_str("</lastmod>");
            }
            out.push_str("</url>\n");
        };
        url("/", None);
        for section in &sections {
            url(&section.href(), None);
        }
        for page in pages {
            url(&page.href, page.updated_at);
        }
        out.push_str("</urlset>\n");
        Ok::<_, ApiError>(Outcome::Page(http::xml(out, "application/xml; charset=utf-8", &visit)))
    }
    .await;
    finish(&state, &visit, outcome).await
}

/// Text for XML content and attributes.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // Characters XML 1.0 forbids are dropped rather than sent.
            c if c.is_control() && !matches!(c, '\n' | '\r' | '\t') => {}
            '\u{FFFE}' | '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xml_text_is_escaped_and_forbidden_characters_dropped() {
        assert_eq!(escape("a<b & \"c\"\u{1}"), "a&lt;b &amp; &quot;c&quot;");
    }
}
