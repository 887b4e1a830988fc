//! Images of the commune's library served at the size a screen needs: each
//! image of an item's text gets `srcset` from its renditions (WebP at the
//! standard widths), its width and height (no layout shift while it loads)
//! and lazy loading, and the logo and banner come as ready [`Picture`]s.
//! The stored text is left as the board wrote it.

use std::collections::HashMap;

use lol_html::{RewriteStrSettings, element, rewrite_str};
use serde::Serialize;
use sqlx::PgConnection;
use uuid::Uuid;

/// How wide an image of the text shows: the whole screen on a phone, the
/// text column beyond.
const SIZES: &str = "(max-width: 48rem) 100vw, 48rem";

/// The address a library file is served at.
pub fn file_href(id: Uuid, filename: &str) -> String {
    format!(
        "/tep/{id}/{}",
        percent_encoding::utf8_percent_encode(filename, percent_encoding::NON_ALPHANUMERIC)
    )
}

struct Known {
    src: String,
    alt: String,
    width: Option<i32>,
    height: Option<i32>,
    /// `(width, address)` of the WebP renditions, narrowest first.
    renditions: Vec<(i32, String)>,
}

/// An image ready for an `<img>`: the original, its renditions as `srcset`
/// (empty when it has none), its size and its description.
#[derive(Debug, Serialize)]
pub struct Picture {
    pub src: String,
    pub srcset: String,
    pub width: Option<i32>,
    pub height: Option<i32>,
    pub alt: String,
}

/// The library file an image address names: `/tep/<id>/<name>`.
fn file_of(src: &str) -> Option<Uuid> {
    let rest = src.strip_prefix("/tep/")?;
    Uuid::parse_str(rest.split('/').next()?).ok()
}

/// What the library knows of these images (files that are not images, or
/// not the commune's, are left out).
async fn known(conn: &mut PgConnection, ids: &[Uuid]) -> sqlx::Result<HashMap<Uuid, Known>> {
    let rows = sqlx::query!(
        r#"SELECT f.id, f.filename, f.alt_text, f.width, f.height, r.width AS "rendition_width?"
           FROM media_files f
           LEFT JOIN media_renditions r ON r.file_id = f.id AND r.content_type = 'image/webp'
           WHERE f.id = ANY($1) AND f.kind = 'image'
           ORDER BY f.id, r.width"#,
        ids
    )
    .fetch_all(conn)
    .await?;
    let mut known: HashMap<Uuid, Known> = HashMap::new();
    for row in rows {
        let entry = known.entry(row.id).or_insert_with(|| Known {
            src: file_href(row.id, &row.filename),
            alt: row.alt_text,
            width: row.width,
            height: row.height,
            renditions: Vec::new(),
        });
        if let Some(width) = row.rendition_width {
            entry
                .renditions
                .push((width, format!("/tep/{}/r/w{width}.webp", row.id)));
        }
    }
    Ok(known)
}

/// `srcset` of an image: its renditions and, at its own width, the original
/// at `src`.
fn srcset(image: &Known, src: &str) -> String {
    let mut set: Vec<String> = image
        .renditions
        .iter()
        .map(|(width, href)| format!("{href} {width}w"))
        .collect();
    if let (Some(width), false) = (image.width, set.is_empty()) {
        set.push(format!("{src} {width}w"));
    }
    set.join(", ")
}

/// The library's images of these ids as pictures.
pub async fn pictures(
    conn: &mut PgConnection,
    ids: &[Uuid],
) -> sqlx::Result<HashMap<Uuid, Picture>> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(known(conn, ids)
        .await?
        .into_iter()
        .map(|(id, image)| {
            let picture = Picture {
                srcset: srcset(&image, &image.src),
                width: image.width,
                height: image.height,
                alt: image.alt,
                src: image.src,
            };
            (id, picture)
        })
        .collect())
}

/// The text with its library images made responsive.
pub async fn responsive(conn: &mut PgConnection, html: &str) -> sqlx::Result<String> {
    let ids: Vec<Uuid> = html
        .match_indices("/tep/")
        .filter_map(|(at, _)| file_of(&html[at..]))
        .collect();
    if ids.is_empty() {
        return Ok(html.to_owned());
    }
    let known = known(conn, &ids).await?;
    Ok(rewrite(html, &known))
}

fn rewrite(html: &str, known: &HashMap<Uuid, Known>) -> String {
    let settings = RewriteStrSettings {
        element_content_handlers: vec![element!("img[src]", |img| {
            let Some(file) = img.get_attribute("src").as_deref().and_then(file_of) else {
                return Ok(());
            };
            let Some(image) = known.get(&file) else {
                return Ok(());
            };
            if !image.renditions.is_empty() {
                let src = img.get_attribute("src").unwrap_or_default();
                img.set_attribute("srcset", &srcset(image, &src))?;
                img.set_attribute("sizes", SIZES)?;
            }
            if let (Some(width), Some(height)) = (image.width, image.height) {
                img.set_attribute("width", &width.to_string())?;
                img.set_attribute("height", &height.to_string())?;
            }
            img.set_attribute("loading", "lazy")?;
            img.set_attribute("decoding", "async")?;
            Ok(())
        })],
        ..RewriteStrSettings::new()
    };
    // The text was cleaned when saved; should rewriting fail, the text as
    // written still shows.
    rewrite_str(html, settings).unwrap_or_else(|_| html.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_library_image_gets_its_renditions_and_size() {
        let id = Uuid::new_v4();
        let other = Uuid::new_v4();
        let mut known = HashMap::new();
        known.insert(
            id,
            Known {
                src: format!("/tep/{id}/anh.jpg"),
                alt: String::new(),
                width: Some(1600),
                height: Some(1200),
                renditions: vec![
                    (320, format!("/tep/{id}/r/w320.webp")),
                    (640, format!("/tep/{id}/r/w640.webp")),
                ],
            },
        );
        let html = format!(
            r#"<p>Ảnh:</p><img src="/tep/{id}/anh.jpg" alt="Hội nghị"><img src="/tep/{other}/x.png" alt="Khác">"#
        );
        let out = rewrite(&html, &known);
        assert!(out.contains(&format!(
            r#"srcset="/tep/{id}/r/w320.webp 320w, /tep/{id}/r/w640.webp 640w, /tep/{id}/anh.jpg 1600w""#
        )), "{out}");
        assert!(out.contains(r#"width="1600" height="1200""#), "{out}");
        assert!(out.contains(r#"alt="Hội nghị""#));
        assert!(
            out.contains(&format!(r#"<img src="/tep/{other}/x.png" alt="Khác">"#)),
            "an unknown file is left as it is: {out}"
        );
    }
}
