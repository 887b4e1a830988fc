//! The workflow applied to a commune's items: drafts, saves that refuse to
//! overwrite someone else's (optimistic locking), every move checked
//! against the matrix and recorded with its author and comment, revisions
//! kept, corrections of published items held for approval, and the
//! publishing job that fires scheduled items once, however many replicas.

use serde::Serialize;
use sqlx::PgConnection;
use time::{Date, OffsetDateTime};
use uuid::Uuid;

use crate::accounts::Account;
use crate::error::BoardError;
use crate::roles::Permission;
use crate::workflow::{self, Action, Status};

/// An item as the board works on it.
#[derive(Debug, Clone, Serialize)]
pub struct Draft {
    pub id: Uuid,
    pub section_path: String,
    pub section_name: String,
    /// What the section holds (`news`, `documents`, …): which fields of its
    /// own the item has.
    pub section_kind: String,
    pub slug: String,
    pub title: String,
    pub summary: String,
    pub body: String,
    pub status: Status,
    pub version: i32,
    pub created_by: Option<Uuid>,
    pub assigned_to: Option<Uuid>,
    #[serde(with = "time::serde::rfc3339::option")]
    pub publish_at: Option<OffsetDateTime>,
    #[serde(with = "time::serde::rfc3339::option")]
    pub published_at: Option<OffsetDateTime>,
    pub target_date: Option<Date>,
    /// A correction of the published text waiting for approval.
    pub pending_correction: bool,
    /// Where it came from when its commune was merged into this one: the
    /// old commune's name and the item's address there.
    pub origin: Option<(String, String)>,
}

impl Draft {
    /// Whether the item is the actor's own: they wrote it or it is theirs
    /// to edit.
    pub fn is_own(&self, account: &Account) -> bool {
        self.created_by == Some(account.id) || self.assigned_to == Some(account.id)
    }
}

/// The text a board member writes.
pub struct Text<'a> {
    pub title: &'a str,
    pub summary: &'a str,
    /// HTML from the editor; cleaned before it is stored.
    pub body: &'a str,
    pub target_date: Option<Date>,
}

/// What an item's title refuses (and its summary, line breaks and tabs
/// apart): no key types these, a paste from elsewhere may carry them, and a
/// feed, an e-mail subject or an XML export cannot hold them. Controls,
/// noncharacters, the marks that reverse or isolate the direction of what
/// follows (a title could then read backwards in the audit log), and line
/// separators.
pub fn refused_in_titles(c: char) -> bool {
    c.is_control()
        || (u32::from(c) & 0xFFFE) == 0xFFFE
        || ('\u{FDD0}'..='\u{FDEF}').contains(&c)
        || matches!(
            c,
            '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{2028}' | '\u{2029}'
        )
}

pub(crate) fn check_text(text: &Text<'_>) -> Result<(), BoardError> {
    let title = text.title.trim();
    if title.is_empty() {
        return Err(BoardError::Invalid("Mời nhập tiêu đề.".to_owned()));
    }
    if title.chars().count() > 500 {
        return Err(BoardError::Invalid("Tiêu đề dài quá 500 ký tự.".to_owned()));
    }
    if title.chars().any(refused_in_titles) {
        return Err(BoardError::Invalid(
            "Tiêu đề có ký tự không hợp lệ (ký tự điều khiển); hãy gõ lại tiêu đề.".to_owned(),
        ));
    }
    if text
        .summary
        .chars()
        .any(|c| refused_in_titles(c) && !matches!(c, '\n' | '\r' | '\t'))
    {
        return Err(BoardError::Invalid(
            "Phần tóm tắt có ký tự không hợp lệ (ký tự điều khiển); hãy gõ lại phần tóm tắt."
                .to_owned(),
        ));
    }
    if text.summary.chars().count() > 4000 {
        return Err(BoardError::Invalid(
            "Phần tóm tắt dài quá 4.000 ký tự.".to_owned(),
        ));
    }
    if text.body.len() > 1_000_000 {
        return Err(BoardError::Invalid("Nội dung dài quá 1 MB.".to_owned()));
    }
    if congxa_site::write::images_without_alt(&congxa_site::write::clean_html(text.body)) > 0 {
        return Err(BoardError::Invalid(
            "Mỗi ảnh trong nội dung cần có mô tả ảnh (văn bản thay thế) cho người không xem được ảnh."
                .to_owned(),
        ));
    }
    Ok(())
}

/// Items with fields of their own (documents, procedures, schedules, budget
/// reports, drafts for comments, projects) are the board's to start:
/// contributors send articles.
pub fn may_start_record(actor: &Account) -> Result<(), BoardError> {
    if actor.role.may(Permission::Create) && actor.role != crate::roles::Role::Contributor {
        Ok(())
    } else {
        Err(BoardError::Forbidden)
    }
}

/// The section items of a kind go into (the kind's top section); `missing`
/// is the refusal when the site has none.
pub(crate) async fn section_of_kind(
    conn: &mut PgConnection,
    kind: &str,
    missing: &str,
) -> Result<Uuid, BoardError> {
    sqlx::query_scalar!(
        "SELECT id FROM sections WHERE kind = $1 ORDER BY parent_id NULLS FIRST LIMIT 1",
        kind
    )
    .fetch_optional(&mut *conn)
    .await?
    .ok_or_else(|| BoardError::Invalid(missing.to_owned()))
}

/// Starts an item in an article-like section (news, introduction, plans,
/// democracy items) as the actor's draft.
pub async fn create(
    conn: &mut PgConnection,
    tenant: Uuid,
    actor: &Account,
    section_path: &str,
    text: &Text<'_>,
) -> Result<Uuid, BoardError> {
    if !actor.role.may(Permission::Create) {
        return Err(BoardError::Forbidden);
    }
    check_text(text)?;
    if section_path.trim().is_empty() {
        return Err(BoardError::Invalid(
            "Mời chọn chuyên mục cho tin bài.".to_owned(),
        ));
    }
    let section = sqlx::query!(
        "SELECT id, kind FROM sections WHERE path = $1",
        section_path
    )
    .fetch_optional(&mut *conn)
    .await?
    .ok_or_else(|| BoardError::Invalid("Chuyên mục đã chọn không có.".to_owned()))?;
    let kind = congxa_site::SectionKind::parse(&section.kind);
    if !kind.is_some_and(congxa_site::SectionKind::is_article_like) {
        return Err(BoardError::Invalid(
            "Chuyên mục này không nhận bài viết.".to_owned(),
        ));
    }
    insert_draft(conn, tenant, actor, section.id, text, "").await
}

/// Writes a new draft of the actor in a section, with its first revision.
pub(crate) async fn insert_draft(
    conn: &mut PgConnection,
    tenant: Uuid,
    actor: &Account,
    section: Uuid,
    text: &Text<'_>,
    search_extra: &str,
) -> Result<Uuid, BoardError> {
    let base = congxa_site::slugify(text.title);
    let base = if base.is_empty() {
        "bai-viet".to_owned()
    } else {
        base
    };
    // The same title twice gets a number: one address per item.
    let taken: Vec<String> = sqlx::query_scalar!(
        "SELECT slug FROM items WHERE slug = $1 OR slug LIKE $1 || '-%'",
        base
    )
    .fetch_all(&mut *conn)
    .await?;
    let slug = (1..)
        .map(|n| {
            if n == 1 {
                base.clone()
            } else {
                format!("{base}-{n}")
            }
        })
        .find(|candidate| !taken.contains(candidate))
        .unwrap_or(base);
    let body = congxa_site::write::clean_html(text.body);
    let id = sqlx::query_scalar!(
        "INSERT INTO items (tenant_id, section_id, slug, title, summary, body, status, created_by, target_date, search_extra)
         VALUES ($1, $2, $3, $4, $5, $6, 'draft', $7, $8, $9) RETURNING id",
        tenant,
        section,
        slug,
        text.title.trim(),
        text.summary.trim(),
        body,
        actor.id,
        text.target_date,
        search_extra
    )
    .fetch_one(&mut *conn)
    .await?;
    revision(
        conn,
        tenant,
        id,
        text.title.trim(),
        text.summary.trim(),
        &body,
        actor.id,
        false,
    )
    .await?;
    Ok(id)
}

/// Attaches a file of the commune's library to an item.
pub(crate) async fn attach(
    conn: &mut PgConnection,
    tenant: Uuid,
    item: Uuid,
    file: Uuid,
    label: &str,
) -> Result<(), BoardError> {
    // The composite key refuses another commune's file.
    sqlx::query!(
        "INSERT INTO item_files (tenant_id, item_id, file_id, label, sort_order)
         VALUES ($1, $2, $3, $4, (SELECT count(*)::int FROM item_files WHERE item_id = $2))
         ON CONFLICT (item_id, file_id) DO NOTHING",
        tenant,
        item,
        file,
        label
    )
    .execute(&mut *conn)
    .await
    .map_err(|e| match &e {
        sqlx::Error::Database(db) if db.is_foreign_key_violation() => {
            BoardError::Invalid("Tệp đã chọn không có trong thư viện của xã.".to_owned())
        }
        _ => e.into(),
    })?;
    Ok(())
}

#[allow(clippy::too_many_arguments)]
async fn revision(
    conn: &mut PgConnection,
    tenant: Uuid,
    item: Uuid,
    title: &str,
    summary: &str,
    body: &str,
    by: Uuid,
    pending: bool,
) -> Result<(), BoardError> {
    sqlx::query!(
        "INSERT INTO item_revisions (tenant_id, item_id, title, summary, body, saved_by, pending)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
        tenant,
        item,
        title,
        summary,
        body,
        by,
        pending
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// The text an editor continues from: the pending correction of a
/// published item, else the item's own.
pub struct Editing {
    pub title: String,
    pub summary: String,
    pub body: String,
    pub target_date: Option<Date>,
}

pub async fn editing(conn: &mut PgConnection, id: Uuid) -> Result<Editing, BoardError> {
    let item = find(&mut *conn, id).await?;
    let pending = sqlx::query!(
        "SELECT title, summary, body FROM item_revisions WHERE item_id = $1 AND pending ORDER BY id DESC LIMIT 1",
        id
    )
    .fetch_optional(&mut *conn)
    .await?;
    let (title, summary, body) = match pending {
        Some(p) => (p.title, p.summary, p.body),
        None => (item.title, item.summary, item.body),
    };
    Ok(Editing {
        title,
        summary,
        body,
        target_date: item.target_date,
    })
}

/// One item as the board sees it.
pub async fn find(conn: &mut PgConnection, id: Uuid) -> Result<Draft, BoardError> {
    let r = sqlx::query!(
        r#"SELECT i.id, s.path, s.name, s.kind, i.slug, i.title, i.summary, i.body, i.status, i.version,
                  i.created_by, i.assigned_to, i.publish_at, i.published_at, i.target_date,
                  i.origin_name, i.origin_path,
                  EXISTS (SELECT 1 FROM item_revisions r WHERE r.item_id = i.id AND r.pending) AS "pending!"
           FROM items i JOIN sections s ON s.id = i.section_id WHERE i.id = $1"#,
        id
    )
    .fetch_optional(conn)
    .await?
    .ok_or(BoardError::ItemNotFound)?;
    Ok(Draft {
        status: Status::parse(&r.status).ok_or(BoardError::WrongState)?,
        id: r.id,
        section_path: r.path,
        section_name: r.name,
        section_kind: r.kind,
        slug: r.slug,
        title: r.title,
        summary: r.summary,
        body: r.body,
        version: r.version,
        created_by: r.created_by,
        assigned_to: r.assigned_to,
        publish_at: r.publish_at,
        published_at: r.published_at,
        target_date: r.target_date,
        pending_correction: r.pending,
        origin: r.origin_name.zip(r.origin_path),
    })
}

/// Saves the text of an item, if it is still at `version` (what the editor
/// opened). An unpublished item changes in place; a published one keeps its
/// live text and the change waits as a correction for approval.
pub async fn save(
    conn: &mut PgConnection,
    tenant: Uuid,
    actor: &Account,
    id: Uuid,
    version: i32,
    text: &Text<'_>,
) -> Result<Draft, BoardError> {
    check_text(text)?;
    let item = find(conn, id).await?;
    // The matrix's Edit, narrowed by the workflow: contributors only their
    // own drafts, members only what is theirs.
    if !workflow::may_edit(actor.role, item.status, item.is_own(actor)) {
        return Err(BoardError::Forbidden);
    }
    let body = congxa_site::write::clean_html(text.body);
    let (title, summary) = (text.title.trim(), text.summary.trim());
    let published = item.status == Status::Published;
    // Being edited by the one it was given to moves it on.
    let status = if item.status == Status::Assigned && item.assigned_to == Some(actor.id) {
        Status::Edited
    } else {
        item.status
    };
    let updated = if published {
        sqlx::query!(
            "UPDATE items SET version = version + 1, target_date = $3 WHERE id = $1 AND version = $2",
            id,
            version,
            text.target_date
        )
        .execute(&mut *conn)
        .await?
    } else {
        sqlx::query!(
            "UPDATE items SET title = $3, summary = $4, body = $5, target_date = $6, status = $7,
                    version = version + 1, updated_at = now()
             WHERE id = $1 AND version = $2",
            id,
            version,
            title,
            summary,
            body,
            text.target_date,
            status.code()
        )
        .execute(&mut *conn)
        .await?
    };
    if updated.rows_affected() == 0 {
        return Err(BoardError::Conflict);
    }
    if published {
        // One correction waits at a time: the newest replaces an older one.
        sqlx::query!(
            "DELETE FROM item_revisions WHERE item_id = $1 AND pending",
            id
        )
        .execute(&mut *conn)
        .await?;
    }
    revision(conn, tenant, id, title, summary, &body, actor.id, published).await?;
    if status != item.status {
        record(
            conn,
            tenant,
            id,
            "edit",
            item.status,
            status,
            Some(actor.id),
            "",
        )
        .await?;
    }
    find(conn, id).await
}

/// Moves an item to its next version if it is still at `version` (what
/// the form opened), with the search words of its kind's fields.
pub(crate) async fn bump_version(
    conn: &mut PgConnection,
    id: Uuid,
    version: i32,
    search_extra: &str,
) -> Result<(), BoardError> {
    let updated = sqlx::query!(
        "UPDATE items SET version = version + 1, search_extra = $3, updated_at = now()
         WHERE id = $1 AND version = $2",
        id,
        version,
        search_extra
    )
    .execute(conn)
    .await?;
    if updated.rows_affected() == 0 {
        return Err(BoardError::Conflict);
    }
    Ok(())
}

/// What a move needs besides the item.
#[derive(Default)]
pub struct Move<'a> {
    pub comment: &'a str,
    /// For `Schedule`: when it goes out.
    pub publish_at: Option<OffsetDateTime>,
    /// For `Assign`: who edits it.
    pub assignee: Option<Uuid>,
}

/// Takes `action` on an item for `actor`, after checking the matrix and the
/// workflow; records it and tells whom it concerns.
pub async fn apply(
    conn: &mut PgConnection,
    tenant: Uuid,
    actor: &Account,
    id: Uuid,
    action: Action,
    details: &Move<'_>,
    now: OffsetDateTime,
) -> Result<Draft, BoardError> {
    let item = find(conn, id).await?;
    if !workflow::allowed(actor.role, action, item.status, item.is_own(actor)) {
        return Err(if action.next(item.status).is_none() {
            BoardError::WrongState
        } else {
            BoardError::Forbidden
        });
    }
    let next = action.next(item.status).ok_or(BoardError::WrongState)?;
    let comment = details.comment.trim();
    if action.needs_comment() && comment.is_empty() {
        return Err(BoardError::Invalid(match action {
            Action::Withdraw => "Gỡ bài cần ghi rõ lý do.".to_owned(),
            _ => "Trả lại cần ghi ý kiến để người biên tập sửa.".to_owned(),
        }));
    }
    if comment.chars().count() > 4000 {
        return Err(BoardError::Invalid(
            "Ý kiến dài quá 4.000 ký tự.".to_owned(),
        ));
    }
    match action {
        Action::Assign => {
            let assignee = details
                .assignee
                .ok_or_else(|| BoardError::Invalid("Mời chọn người biên tập.".to_owned()))?;
            let account = crate::accounts::find(conn, assignee).await?;
            if !account.active || !account.role.may(Permission::Edit) {
                return Err(BoardError::Invalid(
                    "Người được chọn không biên tập được tin bài.".to_owned(),
                ));
            }
            sqlx::query!("UPDATE items SET status = $2, assigned_to = $3, version = version + 1, updated_at = now() WHERE id = $1", id, next.code(), assignee)
                .execute(&mut *conn)
                .await?;
            notify(
                conn,
                tenant,
                assignee,
                id,
                &format!("Bạn được phân công biên tập “{}”.", item.title),
            )
            .await?;
        }
        Action::Schedule => {
            let at = details
                .publish_at
                .ok_or_else(|| BoardError::Invalid("Mời chọn thời điểm đăng.".to_owned()))?;
            if at <= now {
                return Err(BoardError::Invalid(
                    "Thời điểm hẹn đăng phải ở sau bây giờ.".to_owned(),
                ));
            }
            sqlx::query!("UPDATE items SET status = $2, publish_at = $3, version = version + 1, updated_at = now() WHERE id = $1", id, next.code(), at)
                .execute(&mut *conn)
                .await?;
        }
        Action::Publish => {
            sqlx::query!(
                "UPDATE items SET status = 'published', published_at = COALESCE(published_at, $2), publish_at = NULL,
                        version = version + 1, updated_at = now() WHERE id = $1",
                id,
                now
            )
            .execute(&mut *conn)
            .await?;
        }
        Action::Withdraw => {
            sqlx::query!("UPDATE items SET status = 'withdrawn', withdrawn_reason = $2, version = version + 1, updated_at = now() WHERE id = $1", id, comment)
                .execute(&mut *conn)
                .await?;
        }
        Action::ApproveCorrection => {
            let applied = sqlx::query!(
                "WITH pending AS (
                     DELETE FROM item_revisions WHERE item_id = $1 AND pending RETURNING title, summary, body)
                 UPDATE items SET title = p.title, summary = p.summary, body = p.body,
                        version = version + 1, updated_at = now()
                 FROM pending p WHERE items.id = $1",
                id
            )
            .execute(&mut *conn)
            .await?
            .rows_affected();
            if applied == 0 {
                return Err(BoardError::WrongState);
            }
            sqlx::query!(
                "INSERT INTO item_revisions (tenant_id, item_id, title, summary, body, saved_by)
                 SELECT tenant_id, id, title, summary, body, $2 FROM items WHERE id = $1",
                id,
                actor.id
            )
            .execute(&mut *conn)
            .await?;
        }
        Action::Submit | Action::SendForApproval | Action::Return => {
            sqlx::query!(
                "UPDATE items SET status = $2, version = version + 1, updated_at = now(),
                        submitted_at = COALESCE(submitted_at, CASE WHEN $3 THEN $4::timestamptz END)
                 WHERE id = $1",
                id,
                next.code(),
                action == Action::Submit,
                now
            )
            .execute(&mut *conn)
            .await?;
        }
    }
    record(
        conn,
        tenant,
        id,
        action.code(),
        item.status,
        next,
        Some(actor.id),
        comment,
    )
    .await?;
    tell(conn, tenant, &item, action, comment).await?;
    find(conn, id).await
}

/// The in-app notices a move sends.
async fn tell(
    conn: &mut PgConnection,
    tenant: Uuid,
    item: &Draft,
    action: Action,
    comment: &str,
) -> Result<(), BoardError> {
    match action {
        Action::Return => {
            for who in [item.assigned_to, item.created_by].into_iter().flatten() {
                let message = format!("“{}” được trả lại để sửa: {comment}", item.title);
                notify(conn, tenant, who, item.id, &message).await?;
                if item.assigned_to == item.created_by {
                    break;
                }
            }
        }
        Action::SendForApproval | Action::Submit => {
            let deciders: Vec<Uuid> = sqlx::query_scalar!(
                "SELECT id FROM board_accounts
                 WHERE active AND role IN ('head', 'deputy') AND support_operator_id IS NULL"
            )
            .fetch_all(&mut *conn)
            .await?;
            let message = match action {
                Action::Submit => format!("Tin bài mới gửi ban biên tập: “{}”.", item.title),
                _ => format!("“{}” chờ duyệt.", item.title),
            };
            for who in deciders {
                notify(conn, tenant, who, item.id, &message).await?;
            }
        }
        Action::Publish => {
            for who in [item.created_by, item.assigned_to].into_iter().flatten() {
                notify(
                    conn,
                    tenant,
                    who,
                    item.id,
                    &format!("“{}” đã được đăng.", item.title),
                )
                .await?;
            }
        }
        _ => {}
    }
    Ok(())
}

async fn notify(
    conn: &mut PgConnection,
    tenant: Uuid,
    account: Uuid,
    item: Uuid,
    message: &str,
) -> Result<(), BoardError> {
    sqlx::query!(
        "INSERT INTO board_notifications (tenant_id, account_id, item_id, message) VALUES ($1, $2, $3, $4)",
        tenant,
        account,
        item,
        message
    )
    .execute(conn)
    .await?;
    Ok(())
}

#[allow(clippy::too_many_arguments)]
async fn record(
    conn: &mut PgConnection,
    tenant: Uuid,
    item: Uuid,
    action: &str,
    from: Status,
    to: Status,
    actor: Option<Uuid>,
    comment: &str,
) -> Result<(), BoardError> {
    sqlx::query!(
        "INSERT INTO item_transitions (tenant_id, item_id, action, from_status, to_status, actor_id, comment)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
        tenant,
        item,
        action,
        from.code(),
        to.code(),
        actor,
        comment
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// How long after its time a scheduled item may go out before it counts as
/// late (and is reported as such).
const LATE_AFTER_SECS: i64 = 120;

/// Publishes one commune's scheduled item whose time has come. Returns
/// whether this call published it: with several replicas running the job,
/// the conditional update lets exactly one of them do it.
pub async fn publish_due(
    conn: &mut PgConnection,
    tenant: Uuid,
    id: Uuid,
    now: OffsetDateTime,
) -> Result<bool, BoardError> {
    let due = sqlx::query!(
        "UPDATE items SET status = 'published', published_at = publish_at, version = version + 1, updated_at = $3
         WHERE id = $1 AND tenant_id = $2 AND status = 'scheduled' AND publish_at <= $3
         RETURNING publish_at, title, created_by, assigned_to",
        id,
        tenant,
        now
    )
    .fetch_optional(&mut *conn)
    .await?;
    let Some(due) = due else {
        return Ok(false);
    };
    let lateness = due.publish_at.map_or(0, |at| (now - at).whole_seconds());
    let comment = if lateness > LATE_AFTER_SECS {
        format!("Đăng muộn {} phút so với giờ hẹn.", lateness / 60)
    } else {
        String::new()
    };
    record(
        conn,
        tenant,
        id,
        "publish_scheduled",
        Status::Scheduled,
        Status::Published,
        None,
        &comment,
    )
    .await?;
    for who in [due.created_by, due.assigned_to].into_iter().flatten() {
        let message = format!("“{}” đã được đăng theo lịch hẹn. {comment}", due.title);
        notify(conn, tenant, who, id, message.trim_end()).await?;
    }
    Ok(true)
}

/// A saved version of an item's text.
#[derive(Debug, Clone, Serialize)]
pub struct Revision {
    pub id: i64,
    pub title: String,
    pub summary: String,
    pub body: String,
    pub saved_by: String,
    #[serde(with = "time::serde::rfc3339")]
    pub saved_at: OffsetDateTime,
    pub pending: bool,
}

/// Every saved version of an item, newest first.
pub async fn revisions(conn: &mut PgConnection, item: Uuid) -> Result<Vec<Revision>, BoardError> {
    Ok(sqlx::query_as!(
        Revision,
        r#"SELECT r.id, r.title, r.summary, r.body, COALESCE(a.name, 'Hệ thống') AS "saved_by!", r.saved_at, r.pending
           FROM item_revisions r LEFT JOIN board_accounts a ON a.id = r.saved_by
           WHERE r.item_id = $1 ORDER BY r.id DESC"#,
        item
    )
    .fetch_all(conn)
    .await?)
}

/// Brings an earlier version back, as a new save (so it is itself
/// recorded, refused when someone saved meanwhile, and held for approval
/// when the item is published).
pub async fn restore(
    conn: &mut PgConnection,
    tenant: Uuid,
    actor: &Account,
    item: Uuid,
    version: i32,
    revision: i64,
) -> Result<Draft, BoardError> {
    let old = sqlx::query!(
        "SELECT title, summary, body FROM item_revisions WHERE id = $1 AND item_id = $2",
        revision,
        item
    )
    .fetch_optional(&mut *conn)
    .await?
    .ok_or(BoardError::ItemNotFound)?;
    let current = find(conn, item).await?;
    let text = Text {
        title: &old.title,
        summary: &old.summary,
        body: &old.body,
        target_date: current.target_date,
    };
    save(conn, tenant, actor, item, version, &text).await
}
