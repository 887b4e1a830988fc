//! Article-like items: introduction pages, news in categories, directives,
//! law dissemination, plans and grassroots-democracy items. A list with
//! categories and paging, a detail page with files, rating and print view.

use congxa_site::SectionKind;
use congxa_web::ApiError;
use serde::Serialize;

use super::items::{self, Attachment, Entry, Item, Rating, Section};
use super::paging::{Pager, Paging};
use super::params::Params;
use super::{Outcome, Page, Visit, db_error};
use crate::AppState;

const PER_PAGE: u32 = 12;

#[derive(Serialize)]
struct ListData {
    section: Section,
    trail: Vec<Crumb>,
    categories: Vec<Section>,
    entries: Vec<Entry>,
    pager: Pager,
    /// Introduction pages read as a table of contents, not as news.
    as_pages: bool,
    feed: Option<String>,
}

/// One step of the breadcrumb trail.
#[derive(Serialize)]
pub struct Crumb {
    pub href: String,
    pub name: String,
}

/// Home › parent section › section.
pub async fn trail(conn: &mut sqlx::PgConnection, section: &Section) -> sqlx::Result<Vec<Crumb>> {
    let mut trail = Vec::new();
    if let Some(parent) = section.parent_id {
        let parent = items::section_by_id(conn, parent).await?;
        trail.push(Crumb {
            href: parent.href(),
            name: parent.name,
        });
    }
    trail.push(Crumb {
        href: section.href(),
        name: section.name.clone(),
    });
    Ok(trail)
}

pub async fn list(
    state: &AppState,
    visit: &Visit,
    section: Section,
    kind: SectionKind,
    params: &Params,
) -> Result<Outcome, ApiError> {
    let paging = Paging::new(params.get("trang"), PER_PAGE);
    let mut tx = visit.begin(&state.pool).await?;
    let categories = items::children(&mut tx, section.id)
        .await
        .map_err(db_error)?;
    let entries = items::latest_in(&mut tx, section.id, paging.limit(), paging.offset())
        .await
        .map_err(db_error)?;
    let total = items::count_in(&mut tx, section.id)
        .await
        .map_err(db_error)?;
    let trail = trail(&mut tx, &section).await.map_err(db_error)?;
    drop(tx);
    let path = section.href();
    let title = section.name.clone();
    let as_pages = kind == SectionKind::Pages;
    let data = ListData {
        pager: paging.links(total, &path),
        feed: (!as_pages).then(|| format!("/rss/{}", section.path)),
        section,
        trail,
        categories,
        entries,
        as_pages,
    };
    Ok(Page {
        template: "section.html",
        page: "section",
        title: &title,
        path: &path,
        data,
    }
    .render(state, visit)
    .await?
    .into())
}

/// What every item's detail page shows besides its own fields.
#[derive(Serialize)]
pub struct Detail<T: Serialize> {
    pub item: Item,
    pub trail: Vec<Crumb>,
    pub files: Vec<Attachment>,
    pub rating: Rating,
    /// Other recent items of the same section.
    pub related: Vec<Entry>,
    /// The stamp of the rating form.
    pub rating_stamp: String,
    /// What the rating form says after a rating was sent.
    pub rated: Option<&'static str>,
    #[serde(flatten)]
    pub fields: T,
}

/// How an item is viewed: on the site or printed, and after which action.
#[derive(Debug, Clone, Copy, Default)]
pub struct View {
    pub print: bool,
    pub rated: Option<&'static str>,
}

impl View {
    pub fn of(params: &super::params::Params) -> Self {
        let rated = if params.has("da-danh-gia") {
            Some("Cảm ơn bạn đã đánh giá.")
        } else if params.has("danh-gia-roi") {
            Some("Bạn đã đánh giá nội dung này trước đây; mỗi người đánh giá một lần.")
        } else {
            None
        };
        Self {
            print: params.has("ban-in"),
            rated,
        }
    }
}

impl<T: Serialize> Detail<T> {
    /// Loads the shared parts of an item's page.
    pub async fn load(
        state: &AppState,
        visit: &Visit,
        item: Item,
        fields: T,
    ) -> Result<Self, ApiError> {
        let mut item = item;
        let mut tx = visit.begin(&state.pool).await?;
        item.body = super::images::responsive(&mut tx, &item.body)
            .await
            .map_err(db_error)?;
        let section = items::section_by_id(&mut tx, item.section_id)
            .await
            .map_err(db_error)?;
        let trail = trail(&mut tx, &section).await.map_err(db_error)?;
        let files = items::attachments(&mut tx, item.id)
            .await
            .map_err(db_error)?;
        let rating = items::rating(&mut tx, item.id).await.map_err(db_error)?;
        let mut related = items::latest_in(&mut tx, item.section_id, 6, 0)
            .await
            .map_err(db_error)?;
        related.retain(|entry| entry.id != item.id);
        related.truncate(5);
        let rating_stamp = state
            .forms
            .stamp(visit.tenant.id, super::forms::Form::Rating);
        Ok(Self {
            item,
            trail,
            files,
            rating,
            related,
            rating_stamp,
            rated: None,
            fields,
        })
    }

    /// The item's page, or its print view.
    pub async fn render(
        self,
        state: &AppState,
        visit: &Visit,
        template: &str,
        view: View,
    ) -> Result<Outcome, ApiError> {
        let print = view.print;
        let mut this = self;
        this.rated = view.rated;
        let path = this.item.href.clone();
        let title = this.item.title.clone();
        #[derive(Serialize)]
        struct Printed<T: Serialize> {
            #[serde(flatten)]
            detail: Detail<T>,
            /// The layout the page extends: the site's, or the bare one
            /// for printing and saving.
            layout: &'static str,
        }
        let layout = if print { "print.html" } else { "base.html" };
        let page = Page {
            template,
            page: if print { "print" } else { "item" },
            title: &title,
            path: &path,
            data: Printed {
                detail: this,
                layout,
            },
        }
        .render(state, visit)
        .await?;
        Ok(page.into())
    }
}

pub async fn detail(
    state: &AppState,
    visit: &Visit,
    _section: Section,
    item: Item,
    view: View,
) -> Result<Outcome, ApiError> {
    Detail::load(state, visit, item, ())
        .await?
        .render(state, visit, "article.html", view)
        .await
}
