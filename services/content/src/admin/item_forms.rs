//! What the forms for new items of each kind (documents, procedures, budget
//! reports, drafts for comments, projects, schedule weeks) share: the
//! commune's files to attach, reading the chosen one, and the end of a
//! submission (to the new item, or back to the form with what was typed and
//! why it was refused).

use axum::response::Response;
use congxa_board::BoardError;
use uuid::Uuid;

use super::session::Member;
use super::{refusal, see_other};
use crate::AppState;
use crate::site::params::Params;

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
