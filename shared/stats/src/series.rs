//! A commune's figures over time, for its board's dashboard and the CSV
//! export; read in a transaction acting for the commune.

use serde::Serialize;
use sqlx::PgConnection;
use time::{Date, Duration, Month};

use crate::Dimension;

/// The figures of a day, a month or a year.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Figures {
    pub views: u64,
    pub visits: u64,
    pub visitors: u64,
    pub bots: u64,
}

fn count(value: i64) -> u64 {
    u64::try_from(value).unwrap_or(0)
}

/// Every day from `first` to `last`, days without a row as zeros.
pub async fn days(
    conn: &mut PgConnection,
    first: Date,
    last: Date,
) -> Result<Vec<(Date, Figures)>, sqlx::Error> {
    let rows = sqlx::query!(
        "SELECT day, views, visits, visitors, bots FROM visit_days
         WHERE day BETWEEN $1 AND $2 ORDER BY day",
        first,
        last
    )
    .fetch_all(&mut *conn)
    .await?;
    let stored: std::collections::HashMap<Date, Figures> = rows
        .into_iter()
        .map(|row| {
            let figures = Figures {
                views: count(row.views),
                visits: count(row.visits),
                visitors: count(row.visitors),
                bots: count(row.bots),
            };
            (row.day, figures)
        })
        .collect();
    let mut out = Vec::new();
    let mut day = first;
    while day <= last {
        out.push((day, stored.get(&day).copied().unwrap_or_default()));
        day += Duration::days(1);
    }
    Ok(out)
}

/// The twelve months of `year`; unique visitors are the month's own, not a
/// sum of its days.
pub async fn months(
    conn: &mut PgConnection,
    year: i32,
) -> Result<Vec<(Month, Figures)>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"SELECT extract(month FROM d.day)::int AS "month!",
                  sum(d.views)::bigint AS "views!", sum(d.visits)::bigint AS "visits!",
                  sum(d.bots)::bigint AS "bots!",
                  (SELECT p.visitors FROM visit_periods p
                   WHERE p.period = 'month' AND p.starts = date_trunc('month', min(d.day))::date) AS visitors
           FROM visit_days d WHERE extract(year FROM d.day)::int = $1
           GROUP BY 1 ORDER BY 1"#,
        year
    )
    .fetch_all(&mut *conn)
    .await?;
    let mut out: Vec<(Month, Figures)> = (1..=12u8)
        .filter_map(|m| Month::try_from(m).ok())
        .map(|m| (m, Figures::default()))
        .collect();
    for row in rows {
        if let Some((_, figures)) = usize::try_from(row.month - 1)
            .ok()
            .and_then(|i| out.get_mut(i))
        {
            *figures = Figures {
                views: count(row.views),
                visits: count(row.visits),
                visitors: count(row.visitors.unwrap_or(0)),
                bots: count(row.bots),
            };
        }
    }
    Ok(out)
}

/// Every year with figures, oldest first.
pub async fn years(conn: &mut PgConnection) -> Result<Vec<(i32, Figures)>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"SELECT extract(year FROM d.day)::int AS "year!",
                  sum(d.views)::bigint AS "views!", sum(d.visits)::bigint AS "visits!",
                  sum(d.bots)::bigint AS "bots!",
                  (SELECT p.visitors FROM visit_periods p
                   WHERE p.period = 'year' AND p.starts = date_trunc('year', min(d.day))::date) AS visitors
           FROM visit_days d GROUP BY 1 ORDER BY 1"#
    )
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|row| {
            (
                row.year,
                Figures {
                    views: count(row.views),
                    visits: count(row.visits),
                    visitors: count(row.visitors.unwrap_or(0)),
                    bots: count(row.bots),
                },
            )
        })
        .collect())
}

/// The most viewed keys of a breakdown from `first` to `last`.
pub async fn top(
    conn: &mut PgConnection,
    dimension: Dimension,
    first: Date,
    last: Date,
    limit: i64,
) -> Result<Vec<(String, u64)>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"SELECT key, sum(views)::bigint AS "views!" FROM visit_day_counts
           WHERE dimension = $1 AND day BETWEEN $2 AND $3
           GROUP BY key ORDER BY 2 DESC, key LIMIT $4"#,
        dimension.as_str(),
        first,
        last,
        limit
    )
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows.into_iter().map(|r| (r.key, count(r.views))).collect())
}

/// Views since counting began here, with those the commune brought from an
/// earlier portal.
pub async fn total(conn: &mut PgConnection, tenant: uuid::Uuid) -> Result<u64, sqlx::Error> {
    let total = sqlx::query_scalar!(
        r#"SELECT (t.visits_offset + COALESCE((SELECT sum(views) FROM visit_days), 0))::bigint AS "total!"
           FROM tenants t WHERE t.id = $1"#,
        tenant
    )
    .fetch_one(&mut *conn)
    .await?;
    Ok(count(total))
}
