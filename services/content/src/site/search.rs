//! Search across one commune: diacritic-insensitive ("quoc tuan" finds
//! "Quốc Tuấn", "duong" finds "đường"), tolerant of typos (trigram
//! similarity of the folded words), ranked, with highlighted excerpts; a
//! document's number and symbol typed as issued ("142/BC-UBND") comes first.

use axum::extract::{RawQuery, State};
use axum::response::Response;
use congxa_web::ApiError;
use serde::Serialize;
use time::OffsetDateTime;

use super::paging::{Pager, Paging};
use super::params::{Params, with_query};
use super::{Outcome, Page, Visit, db_error, finish};
use crate::AppState;

const PER_PAGE: u32 = 10;
/// Marks around matched words, chosen so they cannot occur in text: the
/// excerpt is escaped first, then these become `<mark>`.
const START: char = '\u{1}';
const STOP: char = '\u{2}';

#[derive(Serialize)]
pub struct Hit {
    pub title: String,
    pub href: String,
    pub section_name: String,
    #[serde(with = "time::serde::rfc3339")]
    pub published_at: OffsetDateTime,
    /// Escaped HTML with `<mark>` around the matched words.
    pub excerpt: String,
}

#[derive(Serialize)]
struct SearchData {
    q: Option<String>,
    hits: Vec<Hit>,
    pager: Option<Pager>,
}

pub async fn page(
    State(state): State<AppState>,
    visit: Visit,
    RawQuery(query): RawQuery,
) -> Response {
    let params = Params::parse(query.as_deref());
    let outcome = render(&state, &visit, &params).await;
    finish(&state, &visit, outcome).await
}

async fn render(state: &AppState, visit: &Visit, params: &Params) -> Result<Outcome, ApiError> {
    let q = params.get("q").map(str::to_owned);
    let paging = Paging::new(params.get("trang"), PER_PAGE);
    let (hits, pager) = match q.as_deref() {
        Some(q) => {
            let mut tx = visit.begin(&state.pool).await?;
            let (hits, total) = search(&mut tx, q, paging.limit(), paging.offset())
                .await
                .map_err(db_error)?;
            let base = with_query("/tim-kiem", &[("q", Some(q))]);
            (hits, Some(paging.links(total, &base)))
        }
        None => (Vec::new(), None),
    };
    let title = match &q {
        Some(q) => format!("Kết quả tìm kiếm “{q}”"),
        None => "Tìm kiếm".to_owned(),
    };
    let path = with_query("/tim-kiem", &[("q", q.as_deref())]);
    let data = SearchData { q, hits, pager };
    let mut response = Page {
        template: "search.html",
        page: "search",
        title: &title,
        path: &path,
        data,
    }
    .render(state, visit)
    .await?;
    // Results of a query are not worth a place in shared caches.
    response.headers_mut().insert(
        axum::http::header::CACHE_CONTROL,
        axum::http::HeaderValue::from_static("no-cache"),
    );
    Ok(response.into())
}

/// Published items and answered questions matching `q`, best first, with
/// how many match in all.
pub async fn search(
    conn: &mut sqlx::PgConnection,
    q: &str,
    limit: i64,
    offset: i64,
) -> sqlx::Result<(Vec<Hit>, i64)> {
    let rows = sqlx::query!(
        r#"WITH q AS (SELECT websearch_to_tsquery('congxa_vi', $1) AS tsq, congxa_fold($1) AS folded, lower(btrim($1)) AS raw),
           found AS (
               SELECT i.title, '/' || s.path || '/' || i.slug AS href, s.name AS section_name,
                      i.published_at,
                      i.title || '. ' || i.summary || ' ' || regexp_replace(i.body, '<[^>]+>', ' ', 'g') AS text,
                      (CASE WHEN lower(d.number_symbol) = q.raw THEN 100 ELSE 0 END)
                      + 10 * ts_rank(i.search_vector, q.tsq)
                      + word_similarity(q.folded, i.search_folded) AS score
               FROM items i JOIN sections s ON s.id = i.section_id
                    LEFT JOIN documents d ON d.item_id = i.id, q
               WHERE i.status = 'published' AND i.published_at <= now()
                 AND s.kind <> 'schedule'
                 AND (i.search_vector @@ q.tsq OR q.folded <% i.search_folded OR lower(d.number_symbol) = q.raw)
               UNION ALL
               SELECT k.title, '/hoi-dap/' || k.slug, 'Hỏi đáp', k.answered_at,
                      k.title || '. ' || k.body || ' ' || regexp_replace(k.answer, '<[^>]+>', ' ', 'g'),
                      10 * ts_rank(to_tsvector('congxa_vi', k.title || ' ' || k.body), q.tsq)
                      + word_similarity(q.folded, congxa_fold(k.title))
               FROM questions k, q
               WHERE k.is_public
                 AND (to_tsvector('congxa_vi', k.title || ' ' || k.body || ' ' || k.answer) @@ q.tsq
                      OR q.folded <% congxa_fold(k.title))
           )
           SELECT f.title AS "title!", f.href AS "href!", f.section_name AS "section_name!",
                  f.published_at AS "published_at!",
                  ts_headline('congxa_vi', f.text, q.tsq,
                      'StartSel=' || chr(1) || ', StopSel=' || chr(2) || ', MaxFragments=2, MinWords=8, MaxWords=28, FragmentDelimiter=" … "') AS "excerpt!",
                  count(*) OVER () AS "total!"
           FROM found f, q
           ORDER BY f.score DESC, f.published_at DESC
           LIMIT $2 OFFSET $3"#,
        q,
        limit,
        offset
    )
    .fetch_all(conn)
    .await?;
    let total = rows.first().map_or(0, |r| r.total);
    let hits = rows
        .into_iter()
        .map(|r| Hit {
            title: r.title,
            href: r.href,
            section_name: r.section_name,
            published_at: r.published_at,
            excerpt: highlight(&r.excerpt),
        })
        .collect();
    Ok((hits, total))
}

/// The excerpt as safe HTML: text escaped (entities left by stripped markup
/// decoded first, so nothing is escaped twice), then the match marks.
fn highlight(excerpt: &str) -> String {
    let text = excerpt
        .replace("&nbsp;", " ")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&");
    let mut out = String::with_capacity(text.len() + 32);
    let mut open = false;
    for c in text.chars() {
        match c {
            START if !open => {
                out.push_str("<mark>");
                open = true;
            }
            STOP if open => {
                out.push_str("</mark>");
                open = false;
            }
            START | STOP => {}
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    if open {
        out.push_str("</mark>");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_are_marked_and_everything_else_escaped() {
        let excerpt = "Xã \u{1}Quốc\u{2} <script>alert(1)</script> &amp; \u{1}Tuấn\u{2}";
        assert_eq!(
            highlight(excerpt),
            "Xã <mark>Quốc</mark> &lt;script&gt;alert(1)&lt;/script&gt; &amp; <mark>Tuấn</mark>"
        );
    }

    #[test]
    fn stray_or_unclosed_marks_still_make_balanced_html() {
        assert_eq!(highlight("a\u{2}b\u{1}c"), "ab<mark>c</mark>");
    }
}
