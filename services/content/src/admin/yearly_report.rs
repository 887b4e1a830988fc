//! The yearly activity report in the workspace (/quan-tri/bao-cao-nam): the
//! report of a year filled from the data, the head's parts as a draft to
//! correct and save, a printable page, the DOCX, and issuing it once, after
//! which the report is kept exactly as issued.

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use congxa_board::yearly_report::{self as reports, Draft, Stored};
use congxa_board::{BoardError, Permission, Role};
use congxa_locale::time as vn_time;
use serde::Serialize;
use serde_json::json;

use super::session::Member;
use super::{board_error, record_change, refusal, render, see_other};
use crate::AppState;
use crate::site::params::Params;
use crate::yearly_report::{self as report, Facts};

#[derive(Serialize)]
struct ReportPage {
    year: i32,
    years: Vec<i32>,
    may_edit: bool,
    draft: Draft,
    report_date: String,
    version: i32,
    issued_at: Option<String>,
    missing: Vec<&'static str>,
    /// The report as it reads now, in the printable page's markup, and
    /// its style for the page's head.
    preview: String,
    report_style: &'static str,
    /// The site against the rules today, for the running year.
    checklist: Option<congxa_compliance::Checklist>,
}

fn today() -> time::Date {
    vn_time::now().date()
}

/// The year asked for, when it can have a report.
fn year_of(raw: &str) -> Result<i32, Response> {
    raw.parse::<i32>()
        .ok()
        .filter(|y| reports::valid_year(*y, today()))
        .ok_or_else(|| board_error(BoardError::RecordNotFound))
}

/// The report's facts, what is stored of it, and the draft the head sees.
async fn load(
    state: &AppState,
    member: &Member,
    year: i32,
) -> Result<(Facts, Option<Stored>), BoardError> {
    let mut tx = member.begin(state).await?;
    let calendar = congxa_calendar::stored::load(&mut tx).await?;
    let facts = report::facts(&mut tx, member.tenant.id, year, &calendar, today()).await?;
    let stored = reports::load(&mut tx, year).await?;
    Ok((facts, stored))
}

fn may_read(member: &Member) -> Result<(), Response> {
    if member.account.role == Role::Contributor {
        Err(board_error(BoardError::Forbidden))
    } else {
        Ok(())
    }
}

/// Only the head corrects and issues the report.
fn may_edit(member: &Member) -> Result<(), Response> {
    if member.account.role.may(Permission::ChangeSettings) {
        Ok(())
    } else {
        Err(board_error(BoardError::Forbidden))
    }
}

async fn report_page(
    state: &AppState,
    member: &Member,
    year: i32,
    status: StatusCode,
    typed: Option<Draft>,
    (message, error): (Option<&str>, Option<&str>),
) -> Response {
    let (facts, stored) = match load(state, member, year).await {
        Ok(loaded) => loaded,
        Err(error) => return board_error(error),
    };
    let draft = typed.unwrap_or_else(|| report::current(stored.as_ref(), &facts, year, today()));
    let preview = report::document_of(stored.as_ref(), &facts, &draft, year, today())
        .map_err(anyhow::Error::from)
        .and_then(|document| report::printable_body(&document));
    let preview = match preview {
        Ok(preview) => preview,
        Err(error) => return congxa_web::ApiError::internal(error).into_page(),
    };
    let this_year = today().year();
    let page = ReportPage {
        year,
        years: (this_year - 4..=this_year).rev().collect(),
        may_edit: member.account.role.may(Permission::ChangeSettings)
            && stored.as_ref().is_none_or(|s| s.issued_at.is_none()),
        report_date: draft.report_date.map(|d| d.to_string()).unwrap_or_default(),
        version: stored.as_ref().map_or(0, |s| s.version),
        issued_at: stored
            .as_ref()
            .and_then(|s| s.issued_at)
            .map(vn_time::date_and_time),
        missing: report::missing_for_issue(&facts, &draft),
        preview,
        report_style: report::STYLE,
        checklist: facts.checklist.clone(),
        draft,
    };
    let title = format!("Báo cáo hoạt động năm {year}");
    let mut frame = member.frame(&title, page);
    frame.message = message;
    frame.error = error;
    render(state, status, "yearly_report.html", frame)
}

/// The report's page again with why the head's submission was refused
/// (and what was typed, when there is a draft to keep).
async fn refused_with(
    state: &AppState,
    member: &Member,
    year: i32,
    typed: Option<Draft>,
    reason: &str,
) -> Response {
    let status = StatusCode::UNPROCESSABLE_ENTITY;
    report_page(state, member, year, status, typed, (None, Some(reason))).await
}

pub async fn page(
    State(state): State<AppState>,
    member: Member,
    RawQuery(query): RawQuery,
) -> Response {
    if let Err(refused) = may_read(&member) {
        return refused;
    }
    let params = Params::parse(query.as_deref());
    let year = match params.get("nam") {
        Some(raw) => match year_of(raw) {
            Ok(year) => year,
            Err(refused) => return refused,
        },
        None => today().year(),
    };
    let message = if params.has("da-luu") {
        Some("Đã lưu dự thảo báo cáo.")
    } else if params.has("da-ban-hanh") {
        Some("Đã ban hành báo cáo; bản này được giữ nguyên như khi ban hành.")
    } else {
        None
    };
    report_page(&state, &member, year, StatusCode::OK, None, (message, None)).await
}

/// The draft a form sends, and what is wrong with its date if anything:
/// the typed text is kept either way.
fn draft_from(form: &Params) -> (Draft, Option<String>) {
    let raw_date = form.raw("report_date").trim();
    let (report_date, wrong_date) = if raw_date.is_empty() {
        (None, None)
    } else {
        match vn_time::parse_day(raw_date) {
            Some(day) => (Some(day), None),
            None => (
                None,
                Some(format!(
                    "Ngày báo cáo “{raw_date}” không hợp lệ; ghi theo dạng ngày/tháng/năm."
                )),
            ),
        }
    };
    let draft = Draft {
        number_symbol: form.raw("number_symbol").to_owned(),
        place: form.raw("place").to_owned(),
        report_date,
        advantages: form.raw("advantages").to_owned(),
        difficulties: form.raw("difficulties").to_owned(),
        direction: form.raw("direction").to_owned(),
        recipients: form.raw("recipients").to_owned(),
        signer_authority: form.raw("signer_authority").to_owned(),
        signer_title: form.raw("signer_title").to_owned(),
        signer_name: form.raw("signer_name").to_owned(),
    };
    (draft, wrong_date)
}

pub async fn save(
    State(state): State<AppState>,
    member: Member,
    Path(year): Path<String>,
    body: Bytes,
) -> Response {
    let year = match year_of(&year) {
        Ok(year) => year,
        Err(refused) => return refused,
    };
    let form = Params::parse_body(&body);
    if let Err(refused) = member.check(&form) {
        return refused;
    }
    let (draft, wrong_date) = draft_from(&form);
    if let Some(reason) = wrong_date {
        return refused_with(&state, &member, year, Some(draft), &reason).await;
    }
    let version = form.raw("version").parse::<i32>().unwrap_or(0);
    let saved = async {
        let mut tx = member.begin(&state).await?;
        reports::save(
            &mut tx,
            member.tenant.id,
            &member.account,
            year,
            version,
            &draft,
        )
        .await?;
        record_change(
            &mut tx,
            &member,
            "report.yearly.save",
            json!({ "year": year }),
        )
        .await?;
        tx.commit().await?;
        Ok::<_, BoardError>(())
    };
    match saved.await {
        Ok(()) => see_other(&format!("/quan-tri/bao-cao-nam?nam={year}&da-luu")),
        Err(error) => match refusal(error) {
            Ok(reason) => refused_with(&state, &member, year, Some(draft), &reason).await,
            Err(response) => response,
        },
    }
}

pub async fn issue(
    State(state): State<AppState>,
    member: Member,
    Path(year): Path<String>,
    body: Bytes,
) -> Response {
    let year = match year_of(&year) {
        Ok(year) => year,
        Err(refused) => return refused,
    };
    let form = Params::parse_body(&body);
    // Who may, before the report is gathered: anyone else is told no, not
    // what the report still lacks.
    if let Err(refused) = may_edit(&member).and_then(|()| member.check(&form)) {
        return refused;
    }
    let version = form.raw("version").parse::<i32>().unwrap_or(0);
    let issued = async {
        let mut tx = member.begin(&state).await?;
        let calendar = congxa_calendar::stored::load(&mut tx).await?;
        let facts = report::facts(&mut tx, member.tenant.id, year, &calendar, today()).await?;
        let Some(stored) = reports::load(&mut tx, year).await? else {
            return Err(BoardError::Invalid(
                "Hãy lưu dự thảo báo cáo trước khi ban hành.".to_owned(),
            ));
        };
        let missing = report::missing_for_issue(&facts, &stored.draft);
        if !missing.is_empty() {
            return Err(BoardError::Invalid(format!(
                "Chưa ban hành được: còn thiếu {}.",
                missing.join("; ")
            )));
        }
        let document = report::compose(&facts, &stored.draft, year, today());
        let kept = serde_json::to_value(&document)
            .map_err(|e| BoardError::Invalid(format!("Không lưu được báo cáo: {e}")))?;
        reports::issue(&mut tx, &member.account, year, version, kept).await?;
        record_change(
            &mut tx,
            &member,
            "report.yearly.issue",
            json!({ "year": year }),
        )
        .await?;
        tx.commit().await?;
        Ok::<_, BoardError>(())
    };
    match issued.await {
        Ok(()) => see_other(&format!("/quan-tri/bao-cao-nam?nam={year}&da-ban-hanh")),
        Err(error) => match refusal(error) {
            Ok(reason) => refused_with(&state, &member, year, None, &reason).await,
            Err(response) => response,
        },
    }
}

/// The report as a page to print, or as DOCX.
pub async fn download(
    State(state): State<AppState>,
    member: Member,
    Path((year, file)): Path<(String, String)>,
) -> Response {
    if let Err(refused) = may_read(&member) {
        return refused;
    }
    let year = match year_of(&year) {
        Ok(year) => year,
        Err(refused) => return refused,
    };
    if !matches!(file.as_str(), "ban-in" | "bao-cao.docx") {
        return board_error(BoardError::RecordNotFound);
    }
    let made = async {
        let mut tx = member.begin(&state).await?;
        let stored = reports::load(&mut tx, year).await?;
        // An issued report is read as kept: no figures to gather.
        if let Some(kept) = report::issued(stored.as_ref()) {
            return Ok(kept.map_err(anyhow::Error::from));
        }
        let calendar = congxa_calendar::stored::load(&mut tx).await?;
        let facts = report::facts(&mut tx, member.tenant.id, year, &calendar, today()).await?;
        let draft = report::current(stored.as_ref(), &facts, year, today());
        Ok::<_, BoardError>(Ok(report::compose(&facts, &draft, year, today())))
    };
    let document = match made.await {
        Ok(Ok(document)) => document,
        Ok(Err(error)) => return congxa_web::ApiError::internal(error).into_page(),
        Err(error) => return board_error(error),
    };
    match file.as_str() {
        "ban-in" => report::printable_page(&document),
        "bao-cao.docx" => report::docx_download(&document, &member.tenant.slug, year),
        _ => board_error(BoardError::RecordNotFound),
    }
}
