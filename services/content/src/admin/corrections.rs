//! Correcting the fields of an item of a kind that has them (a document's
//! number and dates, a procedure's code, a week's schedule lines, …) at
//! `/quan-tri/tin-bai/{id}/thong-tin`: the kind's own form, filled with what
//! is stored, saved only if nobody saved the item in between. The text
//! (title, summary, body) is edited on the item's page as for any item.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use congxa_board::{BoardError, items, records, schedule as weeks};
use serde_json::json;
use sqlx::PgConnection;
use uuid::Uuid;

use super::item_forms::Target;
use super::session::Member;
use super::{
    access_info, board_error, budget, consultations, documents, procedures, projects,
    record_change, refusal, schedule, see_other,
};
use crate::AppState;
use crate::site::params::Params;

/// The kinds with fields of their own, and where each one's form lives.
#[derive(Clone, Copy)]
enum Kind {
    Document,
    Procedure,
    Budget,
    Consultation,
    Project,
    AccessInfo,
    Schedule,
}

impl Kind {
    fn of(code: &str) -> Option<Self> {
        Some(match code {
            "documents" => Self::Document,
            "procedures" => Self::Procedure,
            "budget" => Self::Budget,
            "consultations" => Self::Consultation,
            "projects" => Self::Project,
            "access_info" => Self::AccessInfo,
            "schedule" => Self::Schedule,
            _ => return None,
        })
    }

    async fn current(
        self,
        conn: &mut PgConnection,
        id: Uuid,
    ) -> Result<Vec<(String, String)>, BoardError> {
        match self {
            Self::Document => documents::current(conn, id).await,
            Self::Procedure => procedures::current(conn, id).await,
            Self::Budget => budget::current(conn, id).await,
            Self::Consultation => consultations::current(conn, id).await,
            Self::Project => projects::current(conn, id).await,
            Self::AccessInfo => access_info::current(conn, id).await,
            Self::Schedule => schedule::current(conn, id).await,
        }
    }

    async fn page(
        self,
        state: &AppState,
        member: &Member,
        status: StatusCode,
        values: Vec<(String, String)>,
        error: Option<&str>,
        target: Target,
    ) -> Response {
        match self {
            Self::Document => documents::page(state, member, status, values, error, target).await,
            Self::Procedure => procedures::page(state, member, status, values, error, target).await,
            Self::Budget => budget::page(state, member, status, values, error, target).await,
            Self::Consultation => {
                consultations::page(state, member, status, values, error, target).await
            }
            Self::Project => projects::page(state, member, status, values, error, target).await,
            Self::AccessInfo => {
                access_info::page(state, member, status, values, error, target).await
            }
            Self::Schedule => schedule::page(state, member, status, values, error, target).await,
        }
    }

    /// Reads the form and corrects the item with it.
    async fn correct(
        self,
        conn: &mut PgConnection,
        member: &Member,
        id: Uuid,
        version: i32,
        form: &Params,
    ) -> Result<(), BoardError> {
        let (tenant, actor) = (member.tenant.id, &member.account);
        let fields = match self {
            Self::Schedule => {
                let lines = schedule::lines(form)?;
                return weeks::correct_week(conn, tenant, actor, id, version, &lines).await;
            }
            Self::Document => documents::fields(form)?,
            Self::Procedure => procedures::fields(form)?,
            Self::Budget => budget::fields(form)?,
            Self::Consultation => consultations::fields(form)?,
            Self::Project => projects::fields(form)?,
            Self::AccessInfo => access_info::fields(form)?,
        };
        let file = super::item_forms::chosen_file(form)?;
        records::correct(conn, tenant, actor, id, version, &fields, file).await
    }
}

/// The item, its kind, if the member may correct it.
async fn correctable(
    conn: &mut PgConnection,
    member: &Member,
    raw_id: &str,
) -> Result<(items::Draft, Kind), BoardError> {
    let id = Uuid::parse_str(raw_id).map_err(|_| BoardError::ItemNotFound)?;
    let item = items::find(conn, id).await?;
    if !records::may_correct(&member.account, &item) {
        return Err(BoardError::Forbidden);
    }
    let kind = Kind::of(&item.section_kind).ok_or(BoardError::ItemNotFound)?;
    Ok((item, kind))
}

pub async fn form(
    State(state): State<AppState>,
    member: Member,
    Path(id): Path<String>,
) -> Response {
    let loaded = async {
        let mut tx = member.begin(&state).await?;
        let (item, kind) = correctable(&mut tx, &member, &id).await?;
        let values = kind.current(&mut tx, item.id).await?;
        Ok::<_, BoardError>((item, kind, values))
    };
    match loaded.await {
        Ok((item, kind, values)) => {
            let target = Target::correcting(item.id, item.version);
            kind.page(&state, &member, StatusCode::OK, values, None, target)
                .await
        }
        Err(error) => board_error(error),
    }
}

pub async fn save(
    State(state): State<AppState>,
    member: Member,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let form = Params::parse_body(&body);
    if let Err(refused) = member.check(&form) {
        return refused;
    }
    let version: i32 = form.raw("version").trim().parse().unwrap_or(-1);
    let mut kind_seen = None;
    let saved = async {
        let mut tx = member.begin(&state).await?;
        let (item, kind) = correctable(&mut tx, &member, &id).await?;
        kind_seen = Some((item.id, kind));
        kind.correct(&mut tx, &member, item.id, version, &form)
            .await?;
        record_change(
            &mut tx,
            &member,
            "item.fields.correct",
            json!({ "subject": item.title, "item": item.id }),
        )
        .await?;
        tx.commit().await?;
        Ok::<_, BoardError>(item.id)
    };
    let result = saved.await;
    match (result, kind_seen) {
        (Ok(id), _) => see_other(&format!("/quan-tri/tin-bai/{id}?da-luu=1")),
        (Err(error), Some((id, kind))) => {
            // Refused: the same form with what was typed and why. A save
            // that came second (the item changed since the form opened)
            // answers 409.
            let status = if matches!(error, BoardError::Conflict) {
                StatusCode::CONFLICT
            } else {
                StatusCode::UNPROCESSABLE_ENTITY
            };
            match refusal(error) {
                Ok(text) => {
                    let target = Target::correcting(id, version);
                    let typed = form
                        .pairs()
                        .filter(|(k, _)| k != "csrf" && k != "version")
                        .collect();
                    kind.page(&state, &member, status, typed, Some(&text), target)
                        .await
                }
                Err(response) => response,
            }
        }
        (Err(error), None) => board_error(error),
    }
}
