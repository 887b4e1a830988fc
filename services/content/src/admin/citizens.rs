//! What citizens sent, handled by the board: questions answered (and
//! published when of general interest) and comments on drafts read and
//! shown or set aside. Answering and moderating publish, so they need the
//! matrix's Publish.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use congxa_board::{BoardError, Permission};
use serde::Serialize;
use time::OffsetDateTime;
use uuid::Uuid;

use super::session::Member;
use super::{board_error, render, see_other};
use crate::AppState;
use crate::site::params::Params;

fn may_publish(member: &Member) -> Result<(), Response> {
    if member.account.role.may(Permission::Publish) {
        Ok(())
    } else {
        Err(board_error(BoardError::Forbidden))
    }
}

#[derive(Serialize)]
struct Question {
    id: Uuid,
    code: String,
    title: String,
    body: String,
    asker_name: String,
    asker_email: String,
    asker_phone: String,
    field: String,
    status: String,
    answer: String,
    answered_by: String,
    is_public: bool,
    #[serde(with = "time::serde::rfc3339")]
    created_at: OffsetDateTime,
    /// Past the 15 working days questions must be answered in (about three
    /// weeks), and still unanswered.
    late: bool,
}

#[derive(Serialize)]
struct Comment {
    id: Uuid,
    draft: String,
    author_name: String,
    author_email: String,
    body: String,
    #[serde(with = "time::serde::rfc3339")]
    created_at: OffsetDateTime,
}

#[derive(Serialize)]
struct InboxPage {
    questions: Vec<Question>,
    comments: Vec<Comment>,
}

pub async fn inbox(State(state): State<AppState>, member: Member) -> Response {
    if let Err(refused) = may_publish(&member) {
        return refused;
    }
    let load = async {
        let mut tx = member.begin(&state).await?;
        let questions = sqlx::query_as!(
            Question,
            r#"SELECT id, code, title, body, asker_name, asker_email, asker_phone, field, status, answer,
                      answered_by, is_public, created_at,
                      (status IN ('received', 'processing') AND created_at < now() - interval '21 days') AS "late!"
               FROM questions
               ORDER BY status IN ('received', 'processing') DESC, created_at DESC LIMIT 200"#
        )
        .fetch_all(&mut *tx)
        .await?;
        let comments = sqlx::query_as!(
            Comment,
            r#"SELECT c.id, i.title AS draft, c.author_name, c.author_email, c.body, c.created_at
               FROM consultation_comments c JOIN items i ON i.id = c.item_id
               WHERE c.status = 'received' ORDER BY c.created_at"#
        )
        .fetch_all(&mut *tx)
        .await?;
        Ok::<_, BoardError>(InboxPage {
            questions,
            comments,
        })
    };
    match load.await {
        Ok(page) => render(
            &state,
            StatusCode::OK,
            "citizens.html",
            member.frame("Hỏi đáp và góp ý", page),
        ),
        Err(error) => board_error(error),
    }
}

/// Answers a question (or marks it as being handled, or not answerable),
/// publishing the answer when it is of general interest.
pub async fn answer(
    State(state): State<AppState>,
    member: Member,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let form = Params::parse_body(&body);
    if let Err(refused) = may_publish(&member).and_then(|()| member.check(&form)) {
        return refused;
    }
    let saved = async {
        let id = Uuid::parse_str(&id).map_err(|_| BoardError::ItemNotFound)?;
        let status = form.raw("status");
        if !matches!(status, "processing" | "answered" | "rejected") {
            return Err(BoardError::Invalid("Mời chọn tình trạng xử lý.".to_owned()));
        }
        let answer = congxa_site::write::clean_html(form.raw("answer"));
        if status == "answered" && answer.trim().is_empty() {
            return Err(BoardError::Invalid("Mời nhập nội dung trả lời.".to_owned()));
        }
        if answer.len() > 100_000 {
            return Err(BoardError::Invalid(
                "Nội dung trả lời dài quá 100.000 ký tự.".to_owned(),
            ));
        }
        let public = status == "answered" && form.raw("cong-khai") == "1";
        let mut tx = member.begin(&state).await?;
        let changed = sqlx::query!(
            "UPDATE questions SET status = $2, answer = $3, answered_by = $4, is_public = $5,
                    answered_at = CASE WHEN $2 = 'answered' THEN COALESCE(answered_at, now()) END
             WHERE id = $1",
            id,
            status,
            answer,
            form.raw("nguoi-tra-loi").trim(),
            public
        )
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if changed == 0 {
            return Err(BoardError::ItemNotFound);
        }
        tx.commit().await?;
        Ok(())
    };
    match saved.await {
        Ok(()) => see_other("/quan-tri/hoi-dap"),
        Err(error) => board_error(error),
    }
}

/// Shows a comment on its draft's page, or sets it aside.
pub async fn moderate(
    State(state): State<AppState>,
    member: Member,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let form = Params::parse_body(&body);
    if let Err(refused) = may_publish(&member).and_then(|()| member.check(&form)) {
        return refused;
    }
    let saved = async {
        let id = Uuid::parse_str(&id).map_err(|_| BoardError::ItemNotFound)?;
        let status = match form.raw("quyet-dinh") {
            "dang" => "published",
            "bo-qua" => "rejected",
            _ => {
                return Err(BoardError::Invalid(
                    "Mời chọn đăng hoặc không đăng.".to_owned(),
                ));
            }
        };
        let mut tx = member.begin(&state).await?;
        let changed = sqlx::query!(
            "UPDATE consultation_comments SET status = $2 WHERE id = $1",
            id,
            status
        )
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if changed == 0 {
            return Err(BoardError::ItemNotFound);
        }
        tx.commit().await?;
        Ok(())
    };
    match saved.await {
        Ok(()) => see_other("/quan-tri/hoi-dap"),
        Err(error) => board_error(error),
    }
}
