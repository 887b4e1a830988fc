//! What the forms of each kind of item (documents, procedures, budget
//! reports, drafts for comments, projects, the access-to-information list,
//! schedule weeks) share: where the form sends (a new item, or the fields of
//! one being corrected), the commune's files to attach, reading the chosen
//! one, and the end of a submission (to the item, or back to the form with
//! what was typed and why it was refused).

use axum::response::Response;
use congxa_board::BoardError;
use congxa_board::items::Text;
use congxa_board::records::{self, Fields};
use serde::Serialize;
use uuid::Uuid;

use super::session::Member;
use super::{refusal, see_other};
use crate::AppState;
use crate::site::params::Params;

/// Where a kind's form sends what is typed. The same form starts an item
/// and corrects its fields; when correcting, it carries the version it
/// opened (so that a second person's save is refused, not lost) and leaves
/// out the text, which the item's own page edits.
#[derive(Serialize)]
pub struct Target {
    pub action: String,
    /// The item being corrected.
    pub item: Option<Uuid>,
    pub version: Option<i32>,
}

impl Target {
    pub fn new_item(action: &str) -> Self {
        Self {
            action: action.to_owned(),
            item: None,
            version: None,
        }
    }

    /// The page's title: `new` for a new item, `correcting` for one
    /// being corrected.
    pub fn heading(&self, new: &'static str, correcting: &'static str) -> &'static str {
        if self.item.is_some() { correcting } else { new }
    }

    pub fn correcting(item: Uuid, version: i32) -> Self {
        Self {
            action: format!("/quan-tri/tin-bai/{item}/thong-tin"),
            item: Some(item),
            version: Some(version),
        }
    }
}

/// The value of field `name` among the form's values.
pub fn value<'a>(values: &'a [(String, String)], name: &str) -> &'a str {
    values
        .iter()
        .find(|(k, _)| k == name)
        .map_or("", |(_, v)| v.as_str())
}

/// A day typed the Vietnamese way (26/11/2026); `None` when left empty,
/// refused when `required` or malformed.
pub fn day(
    form: &Params,
    name: &str,
    label: &str,
    required: bool,
) -> Result<Option<time::Date>, BoardError> {
    match form.get(name) {
        None if required => Err(BoardError::Invalid(format!("Mời nhập {label}."))),
        None => Ok(None),
        Some(raw) => congxa_locale::time::parse_day(raw)
            .map(Some)
            .ok_or_else(|| {
                BoardError::Invalid(format!("{label} không đúng dạng ngày (ví dụ: 26/11/2026)."))
            }),
    }
}

/// A day as the forms write it, or nothing.
pub fn day_text(day: Option<time::Date>) -> String {
    day.map(congxa_locale::time::day_date).unwrap_or_default()
}

/// The commune's documents (not images or videos), newest first, to attach.
pub async fn library_files(
    state: &AppState,
    member: &Member,
) -> Result<Vec<(Uuid, String)>, BoardError> {
    let mut tx = member.begin(state).await?;
    Ok(sqlx::query!(
        "SELECT id, filename FROM media_files WHERE content_type NOT LIKE 'image/%' AND content_type NOT LIKE 'video/%'
         ORDER BY created_at DESC LIMIT 200"
    )
    .fetch_all(&mut *tx)
    .await?
    .into_iter()
    .map(|r| (r.id, r.filename))
    .collect())
}

/// The file chosen in the form's `file` field, if any. (That it is the
/// commune's own is checked where it is attached.)
pub fn chosen_file(form: &Params) -> Result<Option<Uuid>, BoardError> {
    form.get("file")
        .map(|raw| {
            Uuid::parse_str(raw).map_err(|_| {
                BoardError::Invalid("Tệp đã chọn không có trong thư viện của xã.".to_owned())
            })
        })
        .transpose()
}

/// What was typed in the given fields, to show the form again as it was.
pub fn typed(form: &Params, fields: &[&str]) -> Vec<(String, String)> {
    fields
        .iter()
        .map(|name| ((*name).to_owned(), form.raw(name).to_owned()))
        .collect()
}

/// Refuses whoever may not start an item with fields of its own (a
/// contributor): before the form is read, so that they are told no, not
/// what to fill in.
pub fn may_start(member: &Member) -> Result<(), Response> {
    congxa_board::items::may_start_record(&member.account).map_err(super::board_error)
}

/// Starts an item of the fields' kind as the member's draft, in one
/// transaction.
pub async fn start(
    state: &AppState,
    member: &Member,
    text: &Text<'_>,
    fields: &Fields<'_>,
    file: Option<Uuid>,
) -> Result<Uuid, BoardError> {
    let mut tx = member.begin(state).await?;
    let id = records::start(
        &mut tx,
        member.tenant.id,
        &member.account,
        text,
        fields,
        file,
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// After a submission: `Ok` with the response when the item was made (to
/// its page) or the request cannot go on (not allowed, a fault); `Err` with
/// the reason to show on the form again.
pub fn finished(created: Result<Uuid, BoardError>) -> Result<Response, String> {
    match created {
        Ok(id) => Ok(see_other(&format!("/quan-tri/tin-bai/{id}?da-luu=1"))),
        Err(error) => match refusal(error) {
            Ok(reason) => Err(reason),
            Err(response) => Ok(response),
        },
    }
}
