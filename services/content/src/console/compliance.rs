//! Every commune of the operator's region against the rules
//! (/_console/tuan-thu): how many checks each passes and which fail, with
//! one commune's whole checklist a click away. The province's monitoring
//! feed carries the same.
//!
//! The lists of many communes come from [`Checked`], a few minutes old at
//! most: the feed may be polled often and a province has hundreds of
//! communes. One commune's own page is always checked afresh (and refreshes
//! the kept one), and a change of the working-day calendar forgets them
//! all.

use std::sync::Arc;
use std::time::Duration;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use congxa_compliance::Checklist;
use congxa_locale::time as vn_time;
use futures::{StreamExt, TryStreamExt};
use serde::Serialize;
use sqlx::PgPool;
use time::Date;
use uuid::Uuid;

use super::session::{Signed, database_down};
use super::{ConsoleState, Frame, page_not_found, render};

/// Communes checked at once: each check is a few short queries.
const AT_ONCE: usize = 4;

/// How long a commune's checklist is kept for the lists of many communes.
const KEPT_FOR: Duration = Duration::from_secs(5 * 60);

/// Checklists lately made, by commune and day.
#[derive(Clone)]
pub struct Checked(moka::future::Cache<(Uuid, Date), Arc<Checklist>>);

impl Default for Checked {
    fn default() -> Self {
        Self(
            moka::future::Cache::builder()
                .max_capacity(20_000)
                .time_to_live(KEPT_FOR)
                .build(),
        )
    }
}

impl Checked {
    /// Forgets every kept checklist (the working days changed).
    pub fn forget_all(&self) {
        self.0.invalidate_all();
    }
}

/// A commune as the operators' lists name it.
#[derive(Debug, Clone, Serialize)]
pub struct CommuneRef {
    #[serde(skip)]
    pub id: Uuid,
    pub slug: String,
    pub name: String,
}

/// The live communes of a region and of the former districts under it (all
/// of them for the platform's operators), by name: the communes
/// `Operator::may_manage` lets the operator act on.
pub async fn communes_of(
    pool: &PgPool,
    region: Option<Uuid>,
) -> Result<Vec<CommuneRef>, sqlx::Error> {
    sqlx::query_as!(
        CommuneRef,
        "SELECT id, slug, name FROM tenants
         WHERE status <> 'merged'
           AND ($1::uuid IS NULL OR region_id = $1
                OR region_id IN (SELECT id FROM regions WHERE parent_id = $1))
         ORDER BY name, slug",
        region
    )
    .fetch_all(pool)
    .await
}

/// One commune's checklist, in a transaction acting for it.
pub async fn checklist_of(
    pool: &PgPool,
    calendar: &congxa_calendar::Calendar,
    tenant: Uuid,
    today: Date,
) -> Result<Checklist, sqlx::Error> {
    let mut tx = congxa_db::begin_for_tenant(pool, tenant).await?;
    congxa_compliance::check(&mut tx, calendar, today).await
}

/// The checklists of many communes, in their order: those kept, the others
/// made and kept.
pub async fn checklists(
    pool: &PgPool,
    checked: &Checked,
    communes: &[CommuneRef],
    today: Date,
) -> Result<Vec<Arc<Checklist>>, sqlx::Error> {
    let calendar = {
        let mut conn = pool.acquire().await?;
        congxa_calendar::stored::load(&mut conn).await?
    };
    let calendar = &calendar;
    // Ids, not references: the stream's closure then takes owned values,
    // which the handlers' futures need to be Send.
    let ids: Vec<Uuid> = communes.iter().map(|c| c.id).collect();
    futures::stream::iter(ids)
        .map(|id| async move {
            if let Some(kept) = checked.0.get(&(id, today)).await {
                return Ok(kept);
            }
            let made = Arc::new(checklist_of(pool, calendar, id, today).await?);
            checked.0.insert((id, today), made.clone()).await;
            Ok(made)
        })
        .buffered(AT_ONCE)
        .try_collect()
        .await
}

#[derive(Serialize)]
struct Line {
    commune: CommuneRef,
    passed: usize,
    total: usize,
    failed: Vec<String>,
}

#[derive(Serialize)]
struct CompliancePage {
    today: String,
    lines: Vec<Line>,
    /// Communes that pass everything.
    complete: usize,
}

pub async fn page(signed: Signed, State(state): State<ConsoleState>) -> Response {
    let today = vn_time::now().date();
    let loaded = async {
        let communes = communes_of(&state.pool, signed.operator.region_id).await?;
        let lists = checklists(&state.pool, &state.checked, &communes, today).await?;
        Ok::<_, sqlx::Error>((communes, lists))
    };
    let (communes, lists) = match loaded.await {
        Ok(loaded) => loaded,
        Err(error) => return database_down(error),
    };
    let mut lines: Vec<Line> = communes
        .into_iter()
        .zip(lists)
        .map(|(commune, list)| Line {
            commune,
            passed: list.passed,
            total: list.total,
            failed: list.failed().map(|c| c.title.clone()).collect(),
        })
        .collect();
    // Those with most to fix first.
    lines.sort_by(|a, b| {
        (b.total - b.passed)
            .cmp(&(a.total - a.passed))
            .then_with(|| a.commune.name.cmp(&b.commune.name))
    });
    let page = CompliancePage {
        today: vn_time::day_date(today),
        complete: lines.iter().filter(|l| l.passed == l.total).count(),
        lines,
    };
    render(
        &state,
        StatusCode::OK,
        "compliance.html",
        Frame {
            title: "Đối chiếu trang các xã với quy định",
            operator: Some(&signed.operator),
            csrf: &signed.csrf,
            message: None,
            error: None,
            page,
        },
    )
}

#[derive(Serialize)]
struct CommunePage {
    commune: CommuneRef,
    today: String,
    checklist: Checklist,
}

pub async fn commune(
    signed: Signed,
    State(state): State<ConsoleState>,
    Path(slug): Path<String>,
) -> Response {
    let today = vn_time::now().date();
    let loaded = async {
        let communes = communes_of(&state.pool, signed.operator.region_id).await?;
        let Some(commune) = communes.into_iter().find(|c| c.slug == slug) else {
            return Ok(None);
        };
        let calendar = {
            let mut conn = state.pool.acquire().await?;
            congxa_calendar::stored::load(&mut conn).await?
        };
        let checklist = checklist_of(&state.pool, &calendar, commune.id, today).await?;
        state
            .checked
            .0
            .insert((commune.id, today), Arc::new(checklist.clone()))
            .await;
        Ok::<_, sqlx::Error>(Some((commune, checklist)))
    };
    let (commune, checklist) = match loaded.await {
        Ok(Some(found)) => found,
        Ok(None) => return page_not_found(),
        Err(error) => return database_down(error),
    };
    let title = format!("Đối chiếu với quy định: {}", commune.name);
    render(
        &state,
        StatusCode::OK,
        "compliance_commune.html",
        Frame {
            title: &title,
            operator: Some(&signed.operator),
            csrf: &signed.csrf,
            message: None,
            error: None,
            page: CommunePage {
                commune,
                today: vn_time::day_date(today),
                checklist,
            },
        },
    )
}
