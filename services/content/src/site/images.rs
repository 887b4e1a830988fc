//! Images in an item's text served at the size a screen needs: each image
//! of the commune's library gets `srcset` from its renditions (WebP at the
//! standard widths), its width and height (no layout shift while it loads)
//! and lazy loading. The stored text is left as the board wrote it.

use std::collections::HashMap;

use lol_html::{RewriteStrSettings, element, rewrite_str};
use sqlx::PgConnection;
use uuid::Uuid;

/// How wide an image of the text shows: the whole screen on a phone, the
/// text column beyond.
const SIZES: &str = "(max-width: 48rem) 100vw, 48rem";

struct Known {
    width: Option<i32>,
    height: Option<i32>,
    /// `(width, address)` of the WebP renditions, narrowest first.
    renditions: Vec<(i32, String)>,
}

/// The library file an image address names: `/tep/<id>/<name>`.
fn file_of(src: &str) -> Option<Uuid> {
    let rest = src.strip_prefix("/tep/")?;
    Uuid::parse_str(rest.split('/').next()?).ok()
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
    let rows = sqlx::query!(
        r#"SELECT f.id, f.width, f.height, r.width AS "rendition_width?"
           FROM media_files f
           LEFT JOIN media_renditions r ON r.file_id = f.id AND r.content_type = 'image/webp'
           WHERE f.id = ANY($1) AND f.kind = 'image'
           ORDER BY f.id, r.width"#,
        &ids
    )
    .fetch_all(conn)
    .await?;
    let mut known: HashMap<Uuid, Known> = HashMap::new();
    for row in rows {
        let entry = known.entry(row.id).or_insert_with(|| Known {
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
                let mut srcset: Vec<String> = image
                    .renditions
                    .iter()
                    .map(|(width, href)| format!("{href} {width}w"))
                    .collect();
                if let (Some(width), Some(src)) = (image.width, img.get_attribute("src")) {
                    srcset.push(format!("{src} {width}w"));
                }
                img.set_attribute("srcset", &srcset.join(", "))?;
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
