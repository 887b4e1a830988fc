//! The site's look in the workspace (/quan-tri/giao-dien): the head picks a
//! built-in theme, the two brand colours (checked for contrast before they
//! are kept), a font, the header's and footer's own lines and the logo and
//! banner from the commune's image library, previews the
//! home page with them, and applies them; applying purges the commune's
//! cached pages (the database announces the change to every gateway).

use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use congxa_board::{BoardError, settings};
use congxa_site::look::{FONTS, Look, MIN_CONTRAST, THEMES};
use serde::Serialize;
use serde_json::json;
use uuid::Uuid;

use super::session::Member;
use super::{board_error, record_change, refusal, render, see_other};
use crate::AppState;
use crate::site::images::{Picture, pictures};
use crate::site::params::Params;

/// How many of the library's newest images the logo and banner choices
/// offer (the chosen ones are always among them).
const IMAGE_CHOICES: i64 = 40;

#[derive(Serialize)]
struct Choice {
    code: &'static str,
    name: &'static str,
    description: &'static str,
}

/// An image of the library the logo or banner may be.
#[derive(Serialize)]
struct ImageChoice {
    id: Uuid,
    filename: String,
    picture: Picture,
}

#[derive(Serialize)]
struct LookPage {
    look: Look,
    images: Vec<ImageChoice>,
    themes: Vec<Choice>,
    fonts: Vec<Choice>,
    min_contrast: String,
}

async fn look_page(
    state: &AppState,
    member: &Member,
    status: StatusCode,
    typed: Option<Look>,
    (message, error): (Option<&str>, Option<&str>),
) -> Response {
    let loaded = async {
        let mut tx = member.begin(state).await?;
        let look = match typed {
            Some(look) => look,
            None => settings::look(&mut tx).await?,
        };
        let images = image_choices(&mut tx, &look).await?;
        Ok::<_, BoardError>((look, images))
    };
    let (look, images) = match loaded.await {
        Ok(loaded) => loaded,
        Err(error) => return board_error(error),
    };
    let page = LookPage {
        look,
        images,
        themes: THEMES
            .iter()
            .map(|t| Choice {
                code: t.code,
                name: t.name,
                description: t.description,
            })
            .collect(),
        fonts: FONTS
            .iter()
            .map(|f| Choice {
                code: f.code,
                name: f.name,
                description: "",
            })
            .collect(),
        min_contrast: congxa_locale::number::decimal(MIN_CONTRAST),
    };
    let mut frame = member.frame("Giao diện của trang", page);
    frame.message = message;
    frame.error = error;
    render(state, status, "look.html", frame)
}

/// The library's newest images, and the chosen logo and banner.
async fn image_choices(
    conn: &mut sqlx::PgConnection,
    look: &Look,
) -> Result<Vec<ImageChoice>, BoardError> {
    let chosen: Vec<Uuid> = look.logo.into_iter().chain(look.banner).collect();
    let rows = sqlx::query!(
        "(SELECT id, filename, created_at FROM media_files WHERE kind = 'image'
          ORDER BY created_at DESC LIMIT $1)
         UNION
         (SELECT id, filename, created_at FROM media_files WHERE kind = 'image' AND id = ANY($2))
         ORDER BY created_at DESC",
        IMAGE_CHOICES,
        &chosen
    )
    .fetch_all(&mut *conn)
    .await?;
    let ids: Vec<Uuid> = rows.iter().filter_map(|r| r.id).collect();
    let mut pictures = pictures(conn, &ids).await?;
    Ok(rows
        .into_iter()
        .filter_map(|r| {
            let id = r.id?;
            Some(ImageChoice {
                id,
                filename: r.filename?,
                picture: pictures.remove(&id)?,
            })
        })
        .collect())
}

pub async fn page(
    State(state): State<AppState>,
    member: Member,
    RawQuery(query): RawQuery,
) -> Response {
    if let Err(refused) = super::may_change_settings(&member) {
        return refused;
    }
    let message = Params::parse(query.as_deref())
        .has("da-luu")
        .then_some("Đã áp dụng giao diện mới; các trang của xã hiện theo giao diện này ngay.");
    look_page(&state, &member, StatusCode::OK, None, (message, None)).await
}

/// The look a form asks for, as typed.
fn typed(form: &Params) -> Look {
    let colour = |name: &str| Some(form.raw(name).to_owned()).filter(|v| !v.trim().is_empty());
    // A colour field left as the theme's own sends nothing to keep.
    let own = form.has("mau-rieng");
    Look {
        theme: form.raw("theme").to_owned(),
        primary: if own { colour("primary") } else { None },
        primary_dark: if own { colour("primary_dark") } else { None },
        font: form.raw("font").to_owned(),
        header_text: form.raw("header_text").to_owned(),
        footer_text: form.raw("footer_text").to_owned(),
        logo: Uuid::parse_str(form.raw("logo")).ok(),
        banner: Uuid::parse_str(form.raw("banner")).ok(),
    }
}

pub async fn save(State(state): State<AppState>, member: Member, body: Bytes) -> Response {
    let form = Params::parse_body(&body);
    if let Err(refused) = member.check(&form) {
        return refused;
    }
    let given = typed(&form);
    let saved = async {
        let mut tx = member.begin(&state).await?;
        let look = settings::save_look(&mut tx, &member.account, &given).await?;
        record_change(
            &mut tx,
            &member,
            "site.look.save",
            json!({ "theme": look.theme, "primary": look.primary, "primary_dark": look.primary_dark, "font": look.font }),
        )
        .await?;
        tx.commit().await?;
        Ok::<_, BoardError>(())
    };
    match saved.await {
        Ok(()) => see_other("/quan-tri/giao-dien?da-luu"),
        Err(error) => refused(&state, &member, given, error).await,
    }
}

/// The form again, as typed, with why it was refused; or the error's page
/// when it is not the form's fault.
async fn refused(state: &AppState, member: &Member, given: Look, error: BoardError) -> Response {
    match refusal(error) {
        Ok(reason) => {
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            look_page(state, member, status, Some(given), (None, Some(&reason))).await
        }
        Err(response) => response,
    }
}

/// The home page as it would look, nothing saved.
pub async fn preview(
    State(state): State<AppState>,
    member: Member,
    mut visit: crate::site::Visit,
    body: Bytes,
) -> Response {
    let form = match super::settings_form(&member, &body) {
        Ok(form) => form,
        Err(refused) => return refused,
    };
    let given = typed(&form);
    let checked = async {
        let mut tx = member.begin(&state).await?;
        settings::checked_look(&mut tx, &given).await
    };
    match checked.await {
        Ok(look) => {
            visit.preview = Some("/quan-tri/giao-dien".to_owned());
            visit.preview_note = Some("giao diện này chưa được lưu, chỉ ban biên tập xem được");
            visit.look = Some(look);
            crate::site::home::page(State(state), visit).await
        }
        Err(error) => refused(&state, &member, given, error).await,
    }
}
