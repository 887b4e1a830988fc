//! The board's accounts, managed by its head: add a member with a one-time
//! password, reset a password, turn an account off or on. Operators'
//! support accounts are not the board's: not listed here, and not found by
//! any of these actions.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use congxa_board::accounts::{self, Account};
use congxa_board::{BoardError, Permission, Role};
use serde::Serialize;
use uuid::Uuid;

use super::session::Member;
use super::{board_error, render};
use crate::AppState;
use crate::site::params::Params;

#[derive(Serialize)]
struct MembersPage {
    members: Vec<(Account, &'static str)>,
    roles: Vec<(&'static str, &'static str)>,
    /// A password to hand over, shown once.
    handed_over: Option<(String, String)>,
}

/// Records a change to the board's accounts in the platform's audit log,
/// where operators see it too.
async fn record(
    conn: &mut sqlx::PgConnection,
    member: &Member,
    action: &str,
    email: &str,
) -> Result<(), BoardError> {
    super::record_change(conn, member, action, serde_json::json!({ "email": email })).await
}

fn may_manage(member: &Member) -> Result<(), Response> {
    if member.account.role.may(Permission::ManageUsers) {
        Ok(())
    } else {
        Err(board_error(BoardError::Forbidden))
    }
}

async fn page(
    state: &AppState,
    member: &Member,
    status: StatusCode,
    handed_over: Option<(String, String)>,
    error: Option<&str>,
) -> Response {
    let listed = async {
        let mut tx = member.begin(state).await.map_err(board_error)?;
        accounts::list(&mut tx).await.map_err(board_error)
    };
    let members = match listed.await {
        Ok(members) => members,
        Err(response) => return response,
    };
    let data = MembersPage {
        members: members
            .into_iter()
            .map(|a| {
                let name = a.role.name();
                (a, name)
            })
            .collect(),
        roles: Role::ALL.iter().map(|r| (r.code(), r.name())).collect(),
        handed_over,
    };
    let mut frame = member.frame("Thành viên ban biên tập", data);
    frame.error = error;
    render(state, status, "members.html", frame)
}

pub async fn list(State(state): State<AppState>, member: Member) -> Response {
    if let Err(refused) = may_manage(&member) {
        return refused;
    }
    page(&state, &member, StatusCode::OK, None, None).await
}

pub async fn create(State(state): State<AppState>, member: Member, body: Bytes) -> Response {
    let form = Params::parse_body(&body);
    if let Err(refused) = may_manage(&member).and_then(|()| member.check(&form)) {
        return refused;
    }
    let Some(role) = Role::parse(form.raw("role")) else {
        return page(
            &state,
            &member,
            StatusCode::UNPROCESSABLE_ENTITY,
            None,
            Some("Mời chọn vai trò."),
        )
        .await;
    };
    let created = async {
        let mut tx = member.begin(&state).await?;
        let created = accounts::create(
            &mut tx,
            member.tenant.id,
            form.raw("email"),
            form.raw("name"),
            role,
        )
        .await?;
        record(
            &mut tx,
            &member,
            "board.account.create",
            &created.account.email,
        )
        .await?;
        tx.commit().await?;
        Ok::<_, BoardError>(created)
    };
    match created.await {
        Ok(created) => {
            page(
                &state,
                &member,
                StatusCode::OK,
                Some((created.account.email, created.one_time_password)),
                None,
            )
            .await
        }
        Err(error) if error.is_input() => {
            let text = error.to_string();
            page(
                &state,
                &member,
                StatusCode::UNPROCESSABLE_ENTITY,
                None,
                Some(&text),
            )
            .await
        }
        Err(error) => board_error(error),
    }
}

pub async fn reset_password(
    State(state): State<AppState>,
    member: Member,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let form = Params::parse_body(&body);
    if let Err(refused) = may_manage(&member).and_then(|()| member.check(&form)) {
        return refused;
    }
    let Ok(id) = Uuid::parse_str(&id) else {
        return board_error(BoardError::AccountNotFound);
    };
    let reset = async {
        let mut tx = member.begin(&state).await?;
        let account = accounts::find_member(&mut tx, id).await?;
        let password = accounts::reset_password(&mut tx, id).await?;
        record(
            &mut tx,
            &member,
            "board.account.reset_password",
            &account.email,
        )
        .await?;
        tx.commit().await?;
        Ok::<_, BoardError>((account.email, password))
    };
    match reset.await {
        Ok(handed_over) => page(&state, &member, StatusCode::OK, Some(handed_over), None).await,
        Err(error) => board_error(error),
    }
}

pub async fn set_active(
    State(state): State<AppState>,
    member: Member,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let form = Params::parse_body(&body);
    if let Err(refused) = may_manage(&member).and_then(|()| member.check(&form)) {
        return refused;
    }
    let Ok(id) = Uuid::parse_str(&id) else {
        return board_error(BoardError::AccountNotFound);
    };
    if id == member.account.id {
        return page(
            &state,
            &member,
            StatusCode::UNPROCESSABLE_ENTITY,
            None,
            Some("Không thể tự khóa tài khoản của mình."),
        )
        .await;
    }
    let active = form.raw("active") == "1";
    let changed = async {
        let mut tx = member.begin(&state).await?;
        let account = accounts::find_member(&mut tx, id).await?;
        accounts::set_active(&mut tx, id, active).await?;
        let action = if active {
            "board.account.enable"
        } else {
            "board.account.disable"
        };
        record(&mut tx, &member, action, &account.email).await?;
        tx.commit().await?;
        Ok::<_, BoardError>(())
    };
    match changed.await {
        Ok(()) => page(&state, &member, StatusCode::OK, None, None).await,
        Err(error) => board_error(error),
    }
}
