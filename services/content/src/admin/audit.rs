//! The board's audit log: every move of the workflow, every save of an
//! item's text and every change to the board's accounts (by the head or by
//! operators), newest first, filterable, and exportable as CSV.

use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use congxa_board::{Action, BoardError, Permission, Status};
use congxa_locale::time as vn_time;
use serde::Serialize;
use time::OffsetDateTime;

use super::session::Member;
use super::{board_error, csv_download, render};
use crate::AppState;
use crate::site::params::Params;

/// Most lines one page or one export holds.
const LIMIT: i64 = 5000;

#[derive(Serialize)]
struct Line {
    #[serde(with = "time::serde::rfc3339")]
    at: OffsetDateTime,
    actor: String,
    what: String,
    subject: String,
    comment: String,
}

#[derive(Serialize)]
struct AuditPage {
    lines: Vec<Line>,
    tu_ngay: String,
    den_ngay: String,
    nguoi: String,
    csv_href: String,
}

fn describe(action: &str, to_status: &str) -> String {
    match (Action::parse(action), action) {
        (Some(action), _) => action.name().to_owned(),
        (None, "edit") => format!(
            "Biên tập ({})",
            Status::parse(to_status).map_or("", |s| s.name())
        ),
        (None, "publish_scheduled") => "Đăng theo lịch hẹn".to_owned(),
        (None, "save") => "Lưu nội dung".to_owned(),
        (None, "board.account.create") => "Thêm thành viên ban biên tập".to_owned(),
        (None, "board.account.reset_password") => "Cấp lại mật khẩu".to_owned(),
        (None, "board.account.disable") => "Khóa tài khoản".to_owned(),
        (None, "board.account.enable") => "Mở khóa tài khoản".to_owned(),
        (None, "tenant.create") => "Tạo trang của xã".to_owned(),
        (None, "site.profile.save") => "Cập nhật thông tin của trang".to_owned(),
        (None, "site.official.save") => "Cập nhật lãnh đạo, cán bộ".to_owned(),
        (None, "site.official.remove") => "Xóa lãnh đạo, cán bộ".to_owned(),
        (None, "site.one_stop.save") => "Cập nhật kết quả một cửa".to_owned(),
        (None, "tenant.support") => "Cán bộ vận hành vào hỗ trợ".to_owned(),
        (None, "tenant.merge") => "Gộp xã khác vào xã này".to_owned(),
        (None, "tenant.import") => "Nhập dữ liệu từ bản xuất".to_owned(),
        (None, "tenant.export") => "Xuất dữ liệu của xã".to_owned(),
        (None, other) => other.to_owned(),
    }
}

pub async fn page(
    State(state): State<AppState>,
    member: Member,
    RawQuery(query): RawQuery,
) -> Response {
    if !member.account.role.may(Permission::ManageUsers) {
        return board_error(BoardError::Forbidden);
    }
    let params = Params::parse(query.as_deref());
    let from = params.get("tu-ngay").and_then(vn_time::parse_day);
    let to = params.get("den-ngay").and_then(vn_time::parse_day);
    let who = params.get("nguoi").map(str::to_owned);
    let load = async {
        let mut tx = member.begin(&state).await?;
        let rows = sqlx::query!(
            r#"SELECT at AS "at!", actor AS "actor!", action AS "action!", to_status AS "to_status!",
                      subject AS "subject!", comment AS "comment!" FROM (
                   SELECT t.at, COALESCE(a.name, 'Hệ thống') AS actor, t.action, t.to_status, i.title AS subject, t.comment
                   FROM item_transitions t JOIN items i ON i.id = t.item_id LEFT JOIN board_accounts a ON a.id = t.actor_id
                   UNION ALL
                   SELECT r.saved_at, COALESCE(a.name, 'Hệ thống'), 'save', '', i.title,
                          CASE WHEN r.pending THEN 'Bản sửa chờ duyệt' ELSE '' END
                   FROM item_revisions r JOIN items i ON i.id = r.item_id LEFT JOIN board_accounts a ON a.id = r.saved_by
                   UNION ALL
                   SELECT o.at, o.actor, o.action, '',
                          COALESCE(o.details->>'email', o.details->>'subject', o.details->>'reason', ''), o.origin
                   FROM operator_audit o WHERE o.tenant_id = congxa_current_tenant()
               ) log
               WHERE ($1::date IS NULL OR at >= ($1::date::timestamp AT TIME ZONE 'Asia/Ho_Chi_Minh'))
                 AND ($2::date IS NULL OR at < (($2::date + 1)::timestamp AT TIME ZONE 'Asia/Ho_Chi_Minh'))
                 AND ($3::text IS NULL OR actor ILIKE '%' || $3 || '%')
               ORDER BY at DESC LIMIT $4"#,
            from,
            to,
            who,
            LIMIT
        )
        .fetch_all(&mut *tx)
        .await?;
        Ok::<_, BoardError>(
            rows.into_iter()
                .map(|r| Line {
                    what: describe(&r.action, &r.to_status),
                    at: r.at,
                    actor: r.actor,
                    subject: r.subject,
                    comment: r.comment,
                })
                .collect::<Vec<_>>(),
        )
    };
    let lines = match load.await {
        Ok(lines) => lines,
        Err(error) => return board_error(error),
    };
    if params.get("dinh-dang") == Some("csv") {
        return csv(&lines);
    }
    let mut csv_href = form_urlencoded::Serializer::new(String::from("/quan-tri/nhat-ky?"));
    for (name, value) in [
        ("tu-ngay", params.get("tu-ngay")),
        ("den-ngay", params.get("den-ngay")),
        ("nguoi", params.get("nguoi")),
    ] {
        if let Some(value) = value {
            csv_href.append_pair(name, value);
        }
    }
    csv_href.append_pair("dinh-dang", "csv");
    let data = AuditPage {
        lines,
        tu_ngay: params.get("tu-ngay").unwrap_or_default().to_owned(),
        den_ngay: params.get("den-ngay").unwrap_or_default().to_owned(),
        nguoi: params.get("nguoi").unwrap_or_default().to_owned(),
        csv_href: csv_href.finish(),
    };
    render(
        &state,
        StatusCode::OK,
        "audit.html",
        member.frame("Nhật ký thao tác", data),
    )
}

/// The log as CSV for a spreadsheet.
fn csv(lines: &[Line]) -> Response {
    let header = [
        "Thời điểm",
        "Người thực hiện",
        "Thao tác",
        "Đối tượng",
        "Ghi chú",
    ];
    let rows = lines.iter().map(|line| {
        [
            vn_time::date_and_time(line.at),
            line.actor.clone(),
            line.what.clone(),
            line.subject.clone(),
            line.comment.clone(),
        ]
    });
    csv_download("nhat-ky-thao-tac.csv", &header, rows)
}
