//! RSS feeds: the newest items of the whole site (`/rss`) or of one section
//! and its categories (`/rss/tin-tuc/thong-bao`).

use axum::extract::{Path, State};
use axum::response::Response;
use time::format_description::well_known::Rfc2822;

use super::items::{self, Entry};
use super::sitemap::escape;
use super::{Outcome, Visit, db_error, finish, http};
use crate::AppState;

const ITEMS: i64 = 30;

pub async fn index(State(state): State<AppState>, visit: Visit) -> Response {
    let outcome = async {
        let mut tx = visit.begin(&state.pool).await?;
        let entries = items::latest_of_kinds(&mut tx, &["news"], false, ITEMS)
            .await
            .map_err(db_error)?;
        let site = items::tenant_name(&mut tx).await.map_err(db_error)?;
        drop(tx);
        Ok(feed(&state, &visit, &site, "Tin mới", "/", &entries))
    }
    .await;
    finish(&state, &visit, outcome).await
}

pub async fn section(
    State(state): State<AppState>,
    visit: Visit,
    Path(path): Path<String>,
) -> Response {
    let outcome = async {
        let path = path.trim_end_matches('/');
        // Only an address of ours is looked up: a NUL byte, say, is no
        // section, and the database would refuse it as text.
        if !super::browse::well_formed(path) {
            return Ok(Outcome::NotFound);
        }
        let mut tx = visit.begin(&state.pool).await?;
        let Some(section) = items::section(&mut tx, path).await.map_err(db_error)? else {
            return Ok(Outcome::NotFound);
        };
        let entries = items::latest_in(&mut tx, section.id, ITEMS, 0)
            .await
            .map_err(db_error)?;
        let site = items::tenant_name(&mut tx).await.map_err(db_error)?;
        drop(tx);
        Ok(feed(
            &state,
            &visit,
            &site,
            &section.name,
            &section.href(),
            &entries,
        ))
    }
    .await;
    finish(&state, &visit, outcome).await
}

fn feed(
    state: &AppState,
    visit: &Visit,
    site: &str,
    title: &str,
    path: &str,
    entries: &[Entry],
) -> Outcome {
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss version=\"2.0\">\n<channel>\n",
    );
    out.push_str(&format!(
        "<title>{}</title>\n<link>{}</link>\n<description>{}</description>\n<language>vi</language>\n",
        escape(&format!("{title} – {site}")),
        escape(&visit.url(state, path)),
        escape(&format!("{title} – Trang thông tin điện tử {site}")),
    ));
    for entry in entries {
        let link = visit.url(state, &entry.href);
        let date = entry.published_at.format(&Rfc2822).unwrap_or_default();
        out.push_str(&format!(
            "<item><title>{}</title><link>{}</link><guid isPermaLink=\"true\">{}</guid><pubDate>{}</pubDate><category>{}</category><description>{}</description></item>\n",
            escape(&entry.title),
            escape(&link),
            escape(&link),
            date,
            escape(&entry.section_name),
            // A feed reader reads the description as HTML: the summary is
            // plain text, so it is made HTML text first, then XML text.
            escape(&escape(&entry.summary)),
        ));
    }
    out.push_str("</channel>\n</rss>\n");
    Outcome::Page(http::xml(out, "application/rss+xml; charset=utf-8", visit))
}
