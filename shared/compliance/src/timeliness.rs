//! Timeliness, counted in working days (REGULATIONS.md, "Timeliness"): a
//! document is posted within 2 working days of its issue, a question is
//! answered within 15, the one-stop shop's results of a month are out
//! within 10 working days of its end, and the week's work schedule is out
//! by the week's first working day.

use congxa_calendar::Calendar;
use congxa_locale::time as vn_time;
use sqlx::PgConnection;
use time::{Date, Duration};

use crate::{Check, Example, item_path};

pub const DOCUMENT_WORKING_DAYS: u32 = 2;
pub const QUESTION_WORKING_DAYS: u32 = 15;
pub const ONE_STOP_WORKING_DAYS: u32 = 10;
/// How far back documents are judged: the year the board can still act on.
const DOCUMENTS_LOOKBACK_DAYS: i64 = 365;

pub async fn check(
    conn: &mut PgConnection,
    calendar: &Calendar,
    today: Date,
) -> Result<Vec<Check>, sqlx::Error> {
    Ok(vec![
        documents(conn, calendar, today).await?,
        questions(conn, calendar, today).await?,
        one_stop(conn, calendar, today).await?,
        schedule(conn, calendar, today).await?,
    ])
}

/// Documents posted late, and documents not posted yet whose time is up.
async fn documents(
    conn: &mut PgConnection,
    calendar: &Calendar,
    today: Date,
) -> Result<Check, sqlx::Error> {
    let rows = sqlx::query!(
        r#"SELECT i.id, i.title, d.number_symbol, d.issued_on, i.status,
                  (i.published_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date AS published_on
           FROM documents d JOIN items i ON i.id = d.item_id
           WHERE d.issued_on >= $1 AND d.issued_on <= $2 AND i.status <> 'withdrawn'
           ORDER BY d.issued_on DESC"#,
        today - Duration::days(DOCUMENTS_LOOKBACK_DAYS),
        today
    )
    .fetch_all(&mut *conn)
    .await?;
    let mut late = Vec::new();
    for row in rows {
        let deadline = calendar.add_working_days(row.issued_on, DOCUMENT_WORKING_DAYS);
        let posted = if row.status == "published" {
            row.published_on
        } else {
            None
        };
        let overdue = match posted {
            Some(day) => day > deadline,
            None => today > deadline,
        };
        if overdue {
            let when = match posted {
                Some(day) => format!("đăng ngày {}", vn_time::day_date(day)),
                None => "chưa đăng".to_owned(),
            };
            late.push(Example {
                label: format!(
                    "{} ({}; ban hành {}, hạn đăng {}; {when})",
                    row.title,
                    row.number_symbol,
                    vn_time::day_date(row.issued_on),
                    vn_time::day_date(deadline)
                ),
                path: item_path(row.id),
            });
        }
    }
    Ok(Check::new(
        "documents-on-time",
        "Văn bản được đăng trong 2 ngày làm việc kể từ ngày ban hành",
        "Nghị định 43/2011/NĐ-CP, Điều 17; Luật Tiếp cận thông tin 2016, Điều 18",
    )
    .fails_when(
        !late.is_empty(),
        format!(
            "{} văn bản trong 12 tháng qua đăng muộn hoặc quá hạn chưa đăng.",
            late.len()
        ),
        "Đăng văn bản ngay khi ban hành; với văn bản quá hạn chưa đăng, đăng ngay.",
        "/quan-tri/van-ban/moi",
    )
    .with_examples(late))
}

async fn questions(
    conn: &mut PgConnection,
    calendar: &Calendar,
    today: Date,
) -> Result<Check, sqlx::Error> {
    let open = sqlx::query!(
        r#"SELECT id, title, code, (created_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date AS "asked_on!"
           FROM questions WHERE status IN ('received', 'processing') ORDER BY created_at"#
    )
    .fetch_all(&mut *conn)
    .await?;
    let overdue: Vec<Example> = open
        .into_iter()
        .filter_map(|q| {
            let deadline = calendar.add_working_days(q.asked_on, QUESTION_WORKING_DAYS);
            (today > deadline).then(|| Example {
                label: format!(
                    "{} ({}; gửi {}, hạn trả lời {})",
                    q.title,
                    q.code,
                    vn_time::day_date(q.asked_on),
                    vn_time::day_date(deadline)
                ),
                path: format!("/quan-tri/hoi-dap#cau-hoi-{}", q.id),
            })
        })
        .collect();
    Ok(Check::new(
        "questions-answered",
        "Câu hỏi của người dân được trả lời trong 15 ngày làm việc",
        "Nghị định 43/2011/NĐ-CP, Điều 17",
    )
    .fails_when(
        !overdue.is_empty(),
        format!(
            "{} câu hỏi đã quá 15 ngày làm việc mà chưa được trả lời.",
            overdue.len()
        ),
        "Trả lời các câu hỏi quá hạn trong mục hỏi đáp.",
        "/quan-tri/hoi-dap",
    )
    .with_examples(overdue))
}

/// The month whose one-stop results must be out by `today`: the last month
/// whose 10-working-day grace has passed.
pub fn one_stop_month_due(calendar: &Calendar, today: Date) -> Date {
    let this_month = first_of_month(today);
    let previous = first_of_month(this_month - Duration::days(1));
    let grace_ends =
        calendar.add_working_days(this_month - Duration::days(1), ONE_STOP_WORKING_DAYS);
    if today > grace_ends {
        previous
    } else {
        first_of_month(previous - Duration::days(1))
    }
}

fn first_of_month(day: Date) -> Date {
    day.replace_day(1).unwrap_or(day)
}

fn month_year(month: Date) -> String {
    format!("{}/{}", u8::from(month.month()), month.year())
}

async fn one_stop(
    conn: &mut PgConnection,
    calendar: &Calendar,
    today: Date,
) -> Result<Check, sqlx::Error> {
    let latest = sqlx::query_scalar!("SELECT max(month) FROM one_stop_results")
        .fetch_one(&mut *conn)
        .await?;
    let due = one_stop_month_due(calendar, today);
    let finding = match latest {
        None => "Chưa công khai kết quả giải quyết thủ tục hành chính tháng nào.".to_owned(),
        Some(month) => format!(
            "Kết quả mới nhất là của tháng {}; đã đến hạn công khai kết quả tháng {}.",
            month_year(month),
            month_year(due)
        ),
    };
    Ok(Check::new(
        "one-stop-current",
        "Kết quả giải quyết hồ sơ của bộ phận một cửa được cập nhật hằng tháng (trong 10 ngày làm việc sau khi hết tháng)",
        "Luật Chuyển đổi số 2025, Điều 34.2; Nghị định 43/2011/NĐ-CP, Điều 17",
    )
    .fails_when(
        latest.is_none_or(|month| month < due),
        finding,
        format!("Nhập kết quả một cửa tháng {}.", month_year(due)),
        "/quan-tri/mot-cua",
    ))
}

async fn schedule(
    conn: &mut PgConnection,
    calendar: &Calendar,
    today: Date,
) -> Result<Check, sqlx::Error> {
    let monday = vn_time::monday_of(today);
    // Due on the week's first working day; a week all of holidays (Tết)
    // needs none.
    let first_working = (0..7)
        .map(|d| monday + Duration::days(d))
        .find(|d| calendar.is_working_day(*d));
    let due = first_working.is_some_and(|day| today >= day);
    let published = sqlx::query_scalar!(
        r#"SELECT count(*) AS "n!" FROM schedule_weeks w JOIN items i ON i.id = w.item_id
           WHERE w.week_start = $1 AND i.status = 'published'"#,
        monday
    )
    .fetch_one(&mut *conn)
    .await?;
    Ok(Check::new(
        "schedule-current",
        "Lịch công tác của lãnh đạo tuần này đã được đăng",
        "Nghị định 224/2026/NĐ-CP, Điều 9",
    )
    .fails_when(
        due && published == 0,
        format!(
            "Chưa đăng lịch công tác tuần bắt đầu {}.",
            vn_time::day_date(monday)
        ),
        "Đăng lịch công tác của tuần này.",
        "/quan-tri/lich-cong-tac/moi",
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn a_months_results_are_due_ten_working_days_after_it_ends() {
        let calendar = Calendar::default();
        // October ends on a Saturday; ten working days later is Friday 13/11.
        assert_eq!(
            one_stop_month_due(&calendar, date!(2026 - 11 - 13)),
            date!(2026 - 09 - 01)
        );
        assert_eq!(
            one_stop_month_due(&calendar, date!(2026 - 11 - 16)),
            date!(2026 - 10 - 01)
        );
        // December's grace runs into a new year.
        assert_eq!(
            one_stop_month_due(&calendar, date!(2027 - 01 - 05)),
            date!(2026 - 11 - 01)
        );
    }
}
