//! The home page, laid out like a Vietnamese commune portal from the
//! board's blocks (or the default ones): featured and latest news, a
//! section's newest items, the newest documents, the online public services
//! and the board's links to state portals, each in the main column or the
//! side one.

use std::collections::HashSet;

use axum::extract::State;
use axum::response::Response;
use congxa_site::home_blocks::{self, Block, Kind, Placement};
use congxa_site::links::Link;
use congxa_site::menu;
use congxa_web::ApiError;
use serde::Serialize;
use sqlx::PgConnection;
use uuid::Uuid;

use super::documents::Row as DocumentRow;
use super::items::{self, Entry};
use super::{Outcome, Page, Visit, db_error, finish};
use crate::AppState;

/// A block as the theme shows it.
#[derive(Serialize)]
struct Shown {
    /// The heading's id, for `aria-labelledby`: the kind's own word for the
    /// first block of a kind, numbered after.
    id: String,
    kind: Kind,
    placement: Placement,
    heading: String,
    entries: Vec<Entry>,
    documents: Vec<DocumentRow>,
    portals: Vec<Link>,
    /// Where the whole list is, and the link's words.
    more: Option<(String, &'static str)>,
    /// What shows when there is nothing yet.
    empty: &'static str,
}

#[derive(Serialize)]
struct HomeData {
    blocks: Vec<Shown>,
    /// Whether any block sits in the side column (a theme may then lay the
    /// page out in one column).
    has_side: bool,
}

pub async fn page(State(state): State<AppState>, visit: Visit) -> Response {
    let mut outcome = render(&state, &visit).await;
    super::tag(&mut outcome, "home");
    finish(&state, &visit, outcome).await
}

fn id_word(kind: Kind) -> &'static str {
    match kind {
        Kind::Featured => "tin-noi-bat",
        Kind::Latest => "tin-moi",
        Kind::Section => "chuyen-muc",
        Kind::Documents => "van-ban-moi",
        Kind::Services => "dich-vu-cong",
        Kind::Portals => "lien-ket",
    }
}

async fn newest_documents(conn: &mut PgConnection, count: i16) -> sqlx::Result<Vec<DocumentRow>> {
    sqlx::query_as!(
        DocumentRow,
        r#"SELECT i.id, i.slug, '/' || s.path || '/' || i.slug AS "href!", i.title, d.doc_type,
                  d.number_symbol, d.issuing_body, i.summary, d.issued_on
           FROM documents d JOIN items i ON i.id = d.item_id JOIN sections s ON s.id = i.section_id
           WHERE i.status = 'published' AND i.published_at <= now()
           ORDER BY d.issued_on DESC, i.id LIMIT $1"#,
        i64::from(count)
    )
    .fetch_all(conn)
    .await
}

/// Each block with what it lists. Featured and section blocks are read
/// first, so that the latest news leaves out what they already show.
async fn blocks(conn: &mut PgConnection, wanted: &[Block]) -> sqlx::Result<Vec<Shown>> {
    let section_ids: Vec<Uuid> = wanted.iter().filter_map(|b| b.section).collect();
    let sections = menu::sections_of(&mut *conn, &section_ids).await?;
    let mut shown: Vec<Option<Shown>> = Vec::with_capacity(wanted.len());
    let mut seen_ids: HashSet<&'static str> = HashSet::new();
    let mut listed: HashSet<Uuid> = HashSet::new();
    let mut portals: Option<Vec<Link>> = None;
    for (n, block) in (1..).zip(wanted) {
        let word = id_word(block.kind);
        let id = if seen_ids.insert(word) {
            word.to_owned()
        } else {
            format!("{word}-{n}")
        };
        let mut view = Shown {
            id,
            kind: block.kind,
            placement: block.placement,
            heading: block.kind.heading().to_owned(),
            entries: Vec::new(),
            documents: Vec::new(),
            portals: Vec::new(),
            more: None,
            empty: "",
        };
        let limit = i64::from(block.count);
        match block.kind {
            Kind::Featured => {
                view.entries = items::latest_of_kinds(&mut *conn, &["news"], true, limit).await?;
            }
            Kind::Section => {
                let Some(section) = sections.iter().find(|s| Some(s.id) == block.section) else {
                    // Gone since the blocks were read: nothing to show.
                    shown.push(None);
                    continue;
                };
                view.heading.clone_from(&section.name);
                view.entries = items::latest_in(&mut *conn, section.id, limit, 0).await?;
                view.more = Some((format!("/{}", section.path), "Xem tất cả"));
                view.empty = "Chưa có tin nào trong chuyên mục này.";
            }
            Kind::Latest => {
                view.more = Some(("/tin-tuc".to_owned(), "Xem tất cả tin tức"));
                view.empty = "Chưa có tin bài nào được đăng.";
            }
            Kind::Documents => {
                view.documents = newest_documents(&mut *conn, block.count).await?;
                view.more = Some(("/van-ban".to_owned(), "Tra cứu tất cả văn bản"));
                view.empty = "Chưa có văn bản nào được đăng.";
            }
            Kind::Services => {}
            Kind::Portals => {
                if portals.is_none() {
                    portals = Some(congxa_site::links::list(&mut *conn).await?);
                }
                view.portals = portals.clone().unwrap_or_default();
            }
        }
        if !block.title.is_empty() {
            view.heading.clone_from(&block.title);
        }
        listed.extend(view.entries.iter().map(|e| e.id));
        shown.push(Some(view));
    }
    // The latest news, less what the other blocks list (an earlier block of
    // the latest news included).
    for (view, block) in shown.iter_mut().zip(wanted) {
        let Some(view) = view.as_mut().filter(|v| v.kind == Kind::Latest) else {
            continue;
        };
        let limit = i64::from(block.count);
        let skipped = i64::try_from(listed.len()).unwrap_or(i64::MAX);
        let mut latest =
            items::latest_of_kinds(&mut *conn, &["news"], false, limit.saturating_add(skipped))
                .await?;
        latest.retain(|e| !listed.contains(&e.id));
        latest.truncate(usize::try_from(block.count).unwrap_or(0));
        listed.extend(latest.iter().map(|e| e.id));
        view.entries = latest;
    }
    // Featured news and links show only when there are some.
    Ok(shown
        .into_iter()
        .flatten()
        .filter(|v| match v.kind {
            Kind::Featured => !v.entries.is_empty(),
            Kind::Portals => !v.portals.is_empty(),
            _ => true,
        })
        .collect())
}

async fn render(state: &AppState, visit: &Visit) -> Result<Outcome, ApiError> {
    let mut tx = visit.begin(&state.pool).await?;
    let wanted = match &visit.home_blocks {
        Some(blocks) => blocks.clone(),
        None => home_blocks::current(&mut tx).await.map_err(db_error)?,
    };
    let blocks = blocks(&mut tx, &wanted).await.map_err(db_error)?;
    drop(tx);
    let data = HomeData {
        has_side: blocks.iter().any(|b| b.placement == Placement::Side),
        blocks,
    };
    Ok(Page {
        template: "home.html",
        page: "home",
        title: "Trang chủ",
        path: "/",
        data,
    }
    .render(state, visit)
    .await?
    .into())
}
