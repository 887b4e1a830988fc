//! What a batch of page views must look like before it is counted. Only
//! the gateways send batches, and they never send one that fails here; a
//! batch that does is forged or broken, and is refused whole rather than
//! counted in part.

use congxa_web::views::{Batch, MAX_BATCH_VIEWS};
use sqlx::PgPool;
use time::{Duration, OffsetDateTime};
use uuid::Uuid;

/// How far ahead of analytics' clock a gateway's may run.
const CLOCK_SKEW: Duration = Duration::minutes(5);
/// How old a view may be: the gateways drop what is older than yesterday.
const OLDEST: Duration = Duration::days(2);

/// Why a batch is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// More views, counts added up, than a gateway ever sends at once.
    TooMany,
    /// A view counted zero times.
    ZeroCount,
    /// A visitor that is not a hex SHA-256.
    BadVisitor,
    /// A path that is not a site path.
    BadPath,
    /// A moment in the future or older than the gateways keep.
    BadMoment,
    /// A commune that does not exist.
    UnknownTenant,
}

impl Refusal {
    pub fn message(self) -> &'static str {
        match self {
            Self::TooMany => "Lô lượt xem có nhiều lượt hơn mức một lần gửi.",
            Self::ZeroCount => "Lô lượt xem có lượt xem với số lần bằng 0.",
            Self::BadVisitor => "Lô lượt xem có mã người truy cập không hợp lệ.",
            Self::BadPath => "Lô lượt xem có đường dẫn không hợp lệ.",
            Self::BadMoment => "Lô lượt xem có thời điểm không hợp lệ.",
            Self::UnknownTenant => "Lô lượt xem có xã không tồn tại.",
        }
    }
}

/// Checks what a batch says of itself, at `now`.
pub fn shape(batch: &Batch, now: OffsetDateTime) -> Result<(), Refusal> {
    if batch.views.len() > MAX_BATCH_VIEWS {
        return Err(Refusal::TooMany);
    }
    let mut total: u64 = 0;
    for view in &batch.views {
        if view.count == 0 {
            return Err(Refusal::ZeroCount);
        }
        total = total.saturating_add(view.count);
        if view.visitor.len() != 64 || !view.visitor.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(Refusal::BadVisitor);
        }
        if !view.path.starts_with('/') || view.path.chars().any(char::is_control) {
            return Err(Refusal::BadPath);
        }
        if view.at > now + CLOCK_SKEW || view.at < now - OLDEST {
            return Err(Refusal::BadMoment);
        }
    }
    if total > MAX_BATCH_VIEWS as u64 {
        return Err(Refusal::TooMany);
    }
    Ok(())
}

/// Checks that every commune the batch names exists.
pub async fn tenants(pool: &PgPool, batch: &Batch) -> Result<(), CheckError> {
    let mut named: Vec<Uuid> = batch.views.iter().map(|v| v.tenant_id).collect();
    named.sort_unstable();
    named.dedup();
    let found = sqlx::query_scalar!(
        r#"SELECT count(*) AS "count!" FROM tenants WHERE id = ANY($1)"#,
        &named
    )
    .fetch_one(pool)
    .await?;
    if usize::try_from(found).unwrap_or(0) == named.len() {
        Ok(())
    } else {
        Err(CheckError::Refused(Refusal::UnknownTenant))
    }
}

#[derive(Debug, thiserror::Error)]
pub enum CheckError {
    #[error("{}", .0.message())]
    Refused(Refusal),
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

#[cfg(test)]
mod tests {
    use super::*;
    use congxa_web::views::{Device, View};

    fn view(count: u64) -> View {
        View {
            tenant_id: Uuid::nil(),
            path: "/tin-tuc".to_owned(),
            item: None,
            at: OffsetDateTime::now_utc(),
            visitor: "ab".repeat(32),
            referrer: None,
            device: Device::Desktop,
            count,
        }
    }

    fn batch(views: Vec<View>) -> Batch {
        Batch {
            id: Uuid::nil(),
            views,
        }
    }

    #[test]
    fn a_gateways_batch_passes() {
        let now = OffsetDateTime::now_utc();
        assert_eq!(shape(&batch(vec![view(1), view(499)]), now), Ok(()));
        assert_eq!(shape(&batch(vec![view(1); MAX_BATCH_VIEWS]), now), Ok(()));
    }

    #[test]
    fn counts_beyond_a_batch_and_forged_fields_are_refused() {
        let now = OffsetDateTime::now_utc();
        assert_eq!(
            shape(&batch(vec![view(1_000_000)]), now),
            Err(Refusal::TooMany)
        );
        assert_eq!(
            shape(&batch(vec![view(300), view(201)]), now),
            Err(Refusal::TooMany)
        );
        assert_eq!(
            shape(&batch(vec![view(1); MAX_BATCH_VIEWS + 1]), now),
            Err(Refusal::TooMany)
        );
        assert_eq!(shape(&batch(vec![view(0)]), now), Err(Refusal::ZeroCount));
        let visitor = View {
            visitor: "not a hash".to_owned(),
            ..view(1)
        };
        assert_eq!(shape(&batch(vec![visitor]), now), Err(Refusal::BadVisitor));
        let path = View {
            path: "tin-tuc".to_owned(),
            ..view(1)
        };
        assert_eq!(shape(&batch(vec![path]), now), Err(Refusal::BadPath));
        let future = View {
            at: now + Duration::hours(1),
            ..view(1)
        };
        assert_eq!(shape(&batch(vec![future]), now), Err(Refusal::BadMoment));
        let old = View {
            at: now - Duration::days(30),
            ..view(1)
        };
        assert_eq!(shape(&batch(vec![old]), now), Err(Refusal::BadMoment));
    }
}
