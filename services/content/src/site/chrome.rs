//! What every page of a commune shows around its content: the name and
//! agency, the menu, the date, maintenance banners, the visitor counter and
//! the footer's contact details.

use std::time::Duration;

use congxa_locale::time as vn_time;
use congxa_site::look::Look;
use congxa_site::menu::{self, Shown};
use congxa_tenancy::maintenance;
use congxa_web::ApiError;
use serde::{Deserialize, Serialize};

use super::images::{Picture, pictures};
use super::{Visit, db_error};
use crate::AppState;

/// How long a page waits for the visit counter before rendering without it.
const COUNTER_WAIT: Duration = Duration::from_millis(300);

#[derive(Serialize)]
pub struct Chrome {
    pub tenant: Profile,
    /// The entries between "Trang chủ" and "Sơ đồ trang".
    pub menu: Vec<Shown>,
    pub today: String,
    pub visits: Option<Visits>,
    /// Announced maintenance, shown as banners until it is over.
    pub maintenance: Vec<String>,
    /// A board member's preview: where to go back to in the workspace.
    pub preview: Option<String>,
    /// What the preview shows, when it is not an unpublished item.
    pub preview_note: Option<&'static str>,
    pub look: LookView,
    /// The newest version of the commune's own templates, if it has any.
    #[serde(skip)]
    pub overrides_rev: Option<String>,
}

/// The commune's look as the templates use it.
#[derive(Serialize)]
pub struct LookView {
    pub theme: String,
    /// Brand colours, validated hex codes; none for the theme's own.
    pub primary: Option<String>,
    pub primary_dark: Option<String>,
    /// The CSS font-family value.
    pub font_stack: &'static str,
    pub header_text: String,
    pub footer_text: String,
    /// The commune's logo, shown in place of the emblem.
    pub logo: Option<Picture>,
    /// The banner image across the header.
    pub banner: Option<Picture>,
}

impl LookView {
    /// The look with its images as the library has them (one gone from the
    /// library is simply not shown).
    fn new(look: Look, mut images: std::collections::HashMap<uuid::Uuid, Picture>) -> Self {
        Self {
            font_stack: look.font_stack(),
            logo: look.logo.and_then(|id| images.remove(&id)),
            banner: look.banner.and_then(|id| images.remove(&id)),
            theme: look.theme,
            primary: look.primary,
            primary_dark: look.primary_dark,
            header_text: look.header_text,
            footer_text: look.footer_text,
        }
    }
}

/// The commune and its site's transaction details (REGULATIONS.md, Content 2).
#[derive(Serialize)]
pub struct Profile {
    pub name: String,
    pub agency: String,
    pub address: String,
    pub phone: String,
    pub email: String,
    pub responsible_person: String,
    pub responsible_title: String,
    pub licence: String,
    pub office_hours: String,
}

/// The visit counter, as analytics reports it; parts it does not report
/// are left out of the footer.
#[derive(Serialize, Deserialize)]
pub struct Visits {
    pub total: u64,
    pub today: u64,
    #[serde(default)]
    pub month: Option<u64>,
    #[serde(default)]
    pub online: Option<u64>,
}

impl Chrome {
    pub async fn load(state: &AppState, visit: &Visit) -> Result<Self, ApiError> {
        let (site, visits, maintenance) = tokio::join!(
            site(state, visit),
            visits(state, visit),
            maintenance_banners(state, visit)
        );
        let (tenant, menu, look, overrides_rev) = site?;
        Ok(Self {
            tenant,
            menu,
            look,
            overrides_rev,
            today: vn_time::long_date(vn_time::now()),
            visits,
            maintenance,
            preview: visit.preview.clone(),
            preview_note: visit.preview_note,
        })
    }
}

async fn site(
    state: &AppState,
    visit: &Visit,
) -> Result<(Profile, Vec<Shown>, LookView, Option<String>), ApiError> {
    let mut tx = visit.begin(&state.pool).await?;
    // The particulars and the look in one query: every page needs both.
    let row = sqlx::query!(
        r#"SELECT t.name, COALESCE(p.agency, 'Ủy ban nhân dân ' || t.name) AS "agency!",
                  COALESCE(p.address, '') AS "address!", COALESCE(p.phone, '') AS "phone!",
                  COALESCE(p.email, '') AS "email!",
                  COALESCE(p.responsible_person, '') AS "responsible_person!",
                  COALESCE(p.responsible_title, '') AS "responsible_title!",
                  COALESCE(p.licence, '') AS "licence!",
                  COALESCE(p.office_hours, '') AS "office_hours!",
                  COALESCE(p.theme, 'default') AS "theme!", p.primary_color, p.primary_dark_color,
                  COALESCE(p.font, 'he-thong') AS "font!", COALESCE(p.header_text, '') AS "header_text!",
                  COALESCE(p.footer_text, '') AS "footer_text!", p.logo_id, p.banner_id,
                  -- Which versions of its templates the commune has: the newest id
                  -- and how many (a version committed after a newer one still
                  -- changes the count).
                  (SELECT max(o.id)::text || '-' || count(*) FROM template_overrides o
                   WHERE o.tenant_id = t.id AND o.theme = COALESCE(p.theme, 'default')) AS overrides_rev
           FROM tenants t LEFT JOIN site_profiles p ON p.tenant_id = t.id
           WHERE t.id = $1"#,
        visit.tenant.id
    )
    .fetch_optional(&mut *tx)
    .await
    .map_err(db_error)?
    .ok_or_else(ApiError::not_found)?;
    let look = Look {
        theme: row.theme,
        primary: row.primary_color,
        primary_dark: row.primary_dark_color,
        font: row.font,
        header_text: row.header_text,
        footer_text: row.footer_text,
        logo: row.logo_id,
        banner: row.banner_id,
    };
    // A preview shows the look, or the menu, the board has not saved yet.
    let look = visit.look.clone().unwrap_or(look);
    let profile = Profile {
        name: row.name,
        agency: row.agency,
        address: row.address,
        phone: row.phone,
        email: row.email,
        responsible_person: row.responsible_person,
        responsible_title: row.responsible_title,
        licence: row.licence,
        office_hours: row.office_hours,
    };
    let entries = match &visit.menu {
        Some(entries) => entries.clone(),
        None => menu::current(&mut tx).await.map_err(db_error)?,
    };
    let named: Vec<uuid::Uuid> = entries
        .iter()
        .filter_map(|e| match e.target {
            menu::Target::Section(id) => Some(id),
            menu::Target::Address(_) => None,
        })
        .collect();
    let sections = menu::sections_of(&mut tx, &named).await.map_err(db_error)?;
    let images: Vec<uuid::Uuid> = look.logo.into_iter().chain(look.banner).collect();
    let images = pictures(&mut tx, &images).await.map_err(db_error)?;
    Ok((
        profile,
        menu::shown(&entries, &sections),
        LookView::new(look, images),
        row.overrides_rev,
    ))
}

/// The banners of maintenance announced for this commune, its region or the
/// platform; none (and a log line) when they cannot be read.
async fn maintenance_banners(state: &AppState, visit: &Visit) -> Vec<String> {
    let notices = async {
        let mut conn = state.pool.acquire().await?;
        maintenance::for_tenant(&mut conn, visit.tenant.id, time::OffsetDateTime::now_utc()).await
    };
    match notices.await {
        Ok(notices) => notices.iter().map(maintenance::Notice::banner).collect(),
        Err(error) => {
            tracing::warn!(%error, "maintenance notices unavailable; page shown without them");
            Vec::new()
        }
    }
}

/// The counter, or nothing when analytics (or its Redis) cannot answer in
/// time: the page renders either way.
async fn visits(state: &AppState, visit: &Visit) -> Option<Visits> {
    let mut headers = axum::http::HeaderMap::new();
    visit.tenant.write_to(&mut headers);
    let asked = state
        .analytics
        .request(
            reqwest::Method::GET,
            &format!("{}{}", state.analytics_url, congxa_web::views::COUNTER_PATH),
        )
        .headers(headers)
        .timeout(COUNTER_WAIT)
        .send()
        .await;
    match asked {
        Ok(response) if response.status().is_success() => response.json().await.ok(),
        Ok(response) => {
            tracing::warn!(status = %response.status(), "visit counter unavailable; page shown without it");
            None
        }
        Err(error) => {
            tracing::warn!(%error, "visit counter unavailable; page shown without it");
            None
        }
    }
}
