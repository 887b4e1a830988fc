//! Addresses of sections and items: `/<section path>` lists a section,
//! `/<section path>/<slug>` shows one of its items. What each shows depends
//! on the section's kind.

use axum::extract::{Path, RawQuery, State};
use axum::http::HeaderValue;
use axum::response::{IntoResponse, Redirect, Response};
use congxa_site::SectionKind;
use congxa_web::ApiError;
use congxa_web::internal::VIEW_HEADER;

use super::params::Params;
use super::{
    Outcome, Visit, articles, consultations, contacts, db_error, documents, finish, items,
    procedures, questions, records, schedule,
};
use crate::AppState;

/// Longest address worth looking up.
const MAX_PATH: usize = 300;

pub async fn page(
    State(state): State<AppState>,
    visit: Visit,
    Path(path): Path<String>,
    RawQuery(query): RawQuery,
) -> Response {
    let params = Params::parse(query.as_deref());
    let outcome = resolve(&state, &visit, path.trim_end_matches('/'), &params).await;
    finish(&state, &visit, outcome).await
}

pub async fn not_found(State(state): State<AppState>, visit: Visit) -> Response {
    super::not_found_page(&state, &visit).await
}

/// Whether a path can be one of ours at all: lowercase words and hyphens,
/// separated by slashes. Anything else is not looked up.
pub(crate) fn well_formed(path: &str) -> bool {
    !path.is_empty()
        && path.len() <= MAX_PATH
        && path.split('/').all(|segment| {
            !segment.is_empty()
                && segment
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        })
}

async fn resolve(
    state: &AppState,
    visit: &Visit,
    path: &str,
    params: &Params,
) -> Result<Outcome, ApiError> {
    if !well_formed(path) {
        return Ok(Outcome::NotFound);
    }
    let mut tx = visit.begin(&state.pool).await?;
    if let Some(section) = items::section(&mut tx, path).await.map_err(db_error)? {
        drop(tx);
        let Some(kind) = section.kind() else {
            return Ok(Outcome::NotFound);
        };
        let path = section.path.clone();
        let mut shown = match kind {
            SectionKind::Pages
            | SectionKind::News
            | SectionKind::Plans
            | SectionKind::Democracy => articles::list(state, visit, section, kind, params).await,
            SectionKind::Documents => documents::list(state, visit, section, params).await,
            SectionKind::Procedures => procedures::list(state, visit, section, params).await,
            SectionKind::Schedule => schedule::page(state, visit, section, params).await,
            SectionKind::Projects | SectionKind::Budget | SectionKind::AccessInfo => {
                records::list(state, visit, section, kind, params).await
            }
            SectionKind::Consultations => consultations::list(state, visit, section, params).await,
            SectionKind::Questions => questions::list(state, visit, section, params).await,
            SectionKind::Contacts => contacts::page(state, visit, section).await,
        };
        super::tag(&mut shown, &format!("section:{path}"));
        return shown;
    }
    let Some((parent, slug)) = path.rsplit_once('/') else {
        return Ok(Outcome::NotFound);
    };
    let Some(section) = items::section(&mut tx, parent).await.map_err(db_error)? else {
        return Ok(Outcome::NotFound);
    };
    if section.kind() == Some(SectionKind::Questions) {
        drop(tx);
        return questions::detail(state, visit, section, slug).await;
    }
    let Some(item) = items::item(&mut tx, slug).await.map_err(db_error)? else {
        return Ok(Outcome::NotFound);
    };
    drop(tx);
    if item.section_path != parent {
        // Moved to another section since the link was made: one address
        // per item, the others point at it.
        return Ok(Redirect::permanent(&item.href).into_response().into());
    }
    show(state, visit, section, item, params).await
}

/// An item's page, as its section's kind shows it (`section` is the item's
/// own): for a citizen, and for the board's preview.
pub async fn show(
    state: &AppState,
    visit: &Visit,
    section: items::Section,
    item: items::Item,
    params: &Params,
) -> Result<Outcome, ApiError> {
    let view = articles::View::of(params);
    let id = item.id;
    // Its page shows the latest of its section too.
    let tags = format!("item:{id} section:{}", section.path);
    let mut shown = match section.kind() {
        Some(
            SectionKind::Pages | SectionKind::News | SectionKind::Plans | SectionKind::Democracy,
        ) => articles::detail(state, visit, section, item, view).await,
        Some(SectionKind::Documents) => documents::detail(state, visit, item, view).await,
        Some(SectionKind::Procedures) => procedures::detail(state, visit, item, view).await,
        Some(SectionKind::Schedule) => schedule::item(state, visit, item).await,
        Some(kind @ (SectionKind::Projects | SectionKind::Budget | SectionKind::AccessInfo)) => {
            records::detail(state, visit, item, kind, view).await
        }
        Some(SectionKind::Consultations) => consultations::detail(state, visit, item, params).await,
        Some(SectionKind::Questions | SectionKind::Contacts) | None => Ok(Outcome::NotFound),
    };
    super::tag(&mut shown, &tags);
    // A page view of this item (the statistics' most read items).
    if let Ok(Outcome::Page(response)) = &mut shown
        && response.headers().contains_key(VIEW_HEADER)
        && let Ok(value) = HeaderValue::from_str(&id.to_string())
    {
        response.headers_mut().insert(VIEW_HEADER, value);
    }
    shown
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_lowercase_words_make_an_address() {
        assert!(well_formed("tin-tuc"));
        assert!(well_formed("tin-tuc/thong-bao/lich-tiep-cong-dan"));
        for bad in [
            "",
            "Tin-tuc",
            "tin tuc",
            "tin-tuc//a",
            "../etc/passwd",
            "a%2Fb",
            "tin_tuc",
            "đường",
        ] {
            assert!(!well_formed(bad), "{bad}");
        }
    }
}
