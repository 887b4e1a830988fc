//! A commune's year in figures: what the yearly activity report states
//! (items published per section and month, visits, unique visitors, time
//! to publish). Read in a transaction acting for the commune.

use serde::Serialize;
use sqlx::PgConnection;
use uuid::Uuid;

use crate::series::{self, Figures};

/// One section's items published in the year, month by month.
#[derive(Debug, Clone, Serialize)]
pub struct SectionYear {
    pub path: String,
    pub name: String,
    /// January first.
    pub months: [u64; 12],
    pub total: u64,
}

#[derive(Debug, Clone, Serialize)]
pub struct Yearly {
    pub year: i32,
    /// Views, visits, unique visitors and robots' requests in the year.
    pub visits: Figures,
    /// Views from the start of counting (and the earlier portal's) to the
    /// end of the year, or to now for the running year.
    pub views_to_date: u64,
    pub sections: Vec<SectionYear>,
    pub published: u64,
    /// From submission to publication, for items submitted through the
    /// workflow and published in the year.
    pub median_hours_to_publish: Option<f64>,
    /// Published after the date the board set as their target.
    pub published_late: u64,
}

fn count(value: i64) -> u64 {
    u64::try_from(value).unwrap_or(0)
}

pub async fn yearly(
    conn: &mut PgConnection,
    tenant: Uuid,
    year: i32,
) -> Result<Yearly, sqlx::Error> {
    let visits = series::years(conn)
        .await?
        .into_iter()
        .find_map(|(y, figures)| (y == year).then_some(figures))
        .unwrap_or_default();
    let views_to_date = sqlx::query_scalar!(
        r#"SELECT (t.visits_offset + COALESCE((SELECT sum(views) FROM visit_days
                   WHERE extract(year FROM day)::int <= $2), 0))::bigint AS "n!"
           FROM tenants t WHERE t.id = $1"#,
        tenant,
        year
    )
    .fetch_one(&mut *conn)
    .await?;

    // Every section, those with nothing published in the year too: the
    // report says what each holds.
    let rows = sqlx::query!(
        r#"SELECT s.path, s.name,
                  extract(month FROM i.published_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::int AS month,
                  count(i.id) AS "n!"
           FROM sections s
           LEFT JOIN items i ON i.section_id = s.id AND i.status = 'published'
                AND extract(year FROM i.published_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::int = $1
           GROUP BY s.path, s.name, s.sort_order, 3
           ORDER BY s.sort_order, s.path"#,
        year
    )
    .fetch_all(&mut *conn)
    .await?;
    let mut sections: Vec<SectionYear> = Vec::new();
    for row in rows {
        let section = match sections.last_mut() {
            Some(section) if section.path == row.path => section,
            _ => {
                sections.push(SectionYear {
                    path: row.path.clone(),
                    name: row.name.clone(),
                    months: [0; 12],
                    total: 0,
                });
                let Some(section) = sections.last_mut() else {
                    continue;
                };
                section
            }
        };
        if let Some(month) = row
            .month
            .and_then(|m| usize::try_from(m - 1).ok())
            .filter(|m| *m < 12)
        {
            section.months[month] += count(row.n);
            section.total += count(row.n);
        }
    }
    let published = sections.iter().map(|s| s.total).sum();

    let timing = sqlx::query!(
        r#"SELECT percentile_cont(0.5) WITHIN GROUP
                      (ORDER BY extract(epoch FROM published_at - submitted_at)) / 3600 AS median_hours,
                  count(*) FILTER (WHERE target_date IS NOT NULL
                      AND (published_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date > target_date) AS "late!"
           FROM items
           WHERE status = 'published' AND submitted_at IS NOT NULL
             AND extract(year FROM published_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::int = $1"#,
        year
    )
    .fetch_one(&mut *conn)
    .await?;

    Ok(Yearly {
        year,
        visits,
        views_to_date: count(views_to_date),
        sections,
        published,
        median_hours_to_publish: timing.median_hours,
        published_late: count(timing.late),
    })
}
