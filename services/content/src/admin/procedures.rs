//! A new administrative procedure in the workspace: its code in the
//! national catalogue, field, how far it can be done online, processing
//! time, fee, agency, the national portal's page, and its text (the steps
//! and papers, in the editor). It then goes through the workflow like any
//! item.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use congxa_board::items::{self, Text};
use congxa_board::{BoardError, Role};
use congxa_site::write::ProcedureFields;
use serde::Serialize;

use super::session::Member;
use super::{board_error, item_forms, render};
use crate::AppState;
use crate::site::params::Params;

const FIELDS: [&str; 10] = [
    "title",
    "summary",
    "body",
    "code",
    "field",
    "online_level",
    "processing_time",
    "fee",
    "agency",
    "portal_url",
];

#[derive(Serialize)]
struct ProcedurePage {
    values: Vec<(String, String)>,
}

fn page(
    state: &AppState,
    member: &Member,
    status: StatusCode,
    values: Vec<(String, String)>,
    error: Option<&str>,
) -> Response {
    let mut frame = member.frame("Thêm thủ tục hành chính", ProcedurePage { values });
    frame.error = error;
    render(state, status, "procedure.html", frame)
}

pub async fn new_form(State(state): State<AppState>, member: Member) -> Response {
    if member.account.role == Role::Contributor {
        return board_error(BoardError::Forbidden);
    }
    page(&state, &member, StatusCode::OK, Vec::new(), None)
}

pub async fn create(State(state): State<AppState>, member: Member, body: Bytes) -> Response {
    let form = Params::parse_body(&body);
    if let Err(refused) = member.check(&form) {
        return refused;
    }
    let created = async {
        let text = Text {
            title: form.raw("title"),
            summary: form.raw("summary"),
            body: form.raw("body"),
            target_date: None,
        };
        let fields = ProcedureFields {
            code: form.raw("code"),
            field: form.raw("field"),
            online_level: form.raw("online_level"),
            processing_time: form.raw("processing_time"),
            fee: form.raw("fee"),
            agency: form.raw("agency"),
            portal_url: form.raw("portal_url"),
        };
        let mut tx = member.begin(&state).await?;
        let id =
            items::create_procedure(&mut tx, member.tenant.id, &member.account, &text, &fields)
                .await?;
        tx.commit().await?;
        Ok::<_, BoardError>(id)
    };
    match item_forms::finished(created.await) {
        Ok(response) => response,
        Err(text) => page(
            &state,
            &member,
            StatusCode::UNPROCESSABLE_ENTITY,
            item_forms::typed(&form, &FIELDS),
            Some(&text),
        ),
    }
}
