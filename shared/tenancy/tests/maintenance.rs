//! Announcing planned downtime: the 7-working-day rule, scopes, cancelling.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use congxa_tenancy::maintenance::{self, Announcement, Scope};
use congxa_tenancy::{TenancyError, regions};
use congxa_testing::TestEnv;
use time::macros::datetime;
use time::{Duration, OffsetDateTime};

/// Who announces in these tests.
fn op() -> congxa_tenancy::audit::Actor {
    congxa_tenancy::audit::Actor {
        name: "op".to_owned(),
        origin: "test".to_owned(),
    }
}

/// Thursday 26/11/2026, 15:00 in Vietnam.
const NOW: OffsetDateTime = datetime!(2026-11-26 08:00 UTC);

fn notice(scope: Scope, starts_at: OffsetDateTime, emergency: bool) -> Announcement {
    Announcement {
        scope,
        starts_at,
        ends_at: starts_at + Duration::hours(4),
        message: "Nâng cấp máy chủ.".to_owned(),
        emergency,
    }
}

async fn count(env: &TestEnv) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM maintenance_notices")
        .fetch_one(&env.admin)
        .await
        .unwrap()
}

#[tokio::test]
async fn a_notice_given_less_than_seven_working_days_ahead_is_refused_unless_an_emergency() {
    let env = TestEnv::new().await;
    env.create_tenant("quoctuan", "Xã Quốc Tuấn").await;
    let mut conn = env.app.acquire().await.unwrap();
    // Friday 4 December is only 6 working days after Thursday 26 November.
    let too_soon = datetime!(2026-12-04 22:00 +7);
    let in_time = datetime!(2026-12-07 22:00 +7);

    let refused = maintenance::announce(
        &mut conn,
        &op(),
        NOW,
        &notice(Scope::Tenant("quoctuan".into()), too_soon, false),
    )
    .await;
    let urgent = maintenance::announce(
        &mut conn,
        &op(),
        NOW,
        &notice(Scope::Tenant("quoctuan".into()), too_soon, true),
    )
    .await;
    let planned = maintenance::announce(
        &mut conn,
        &op(),
        NOW,
        &notice(Scope::Tenant("quoctuan".into()), in_time, false),
    )
    .await;

    let error = refused.expect_err("too late");
    assert!(matches!(error, TenancyError::MaintenanceTooLate(_)));
    assert!(
        error.to_string().contains("00:00 ngày 07/12/2026"),
        "{error}"
    );
    assert!(urgent.unwrap().emergency);
    assert!(!planned.unwrap().emergency);
    assert_eq!(count(&env).await, 2);
}

#[tokio::test]
async fn a_notice_shows_on_the_sites_it_concerns_until_it_is_over() {
    let env = TestEnv::new().await;
    let quoc_tuan = env.create_tenant("quoctuan", "Xã Quốc Tuấn").await;
    let an_hung = env.create_tenant("anhung", "Xã An Hưng").await;
    let mut conn = env.app.acquire().await.unwrap();
    regions::create(&mut conn, "haiphong", "Thành phố Hải Phòng", None)
        .await
        .unwrap();
    regions::create(
        &mut conn,
        "vinhbao",
        "Huyện Vĩnh Bảo (cũ)",
        Some("haiphong"),
    )
    .await
    .unwrap();
    sqlx::query("UPDATE tenants SET region_id = (SELECT id FROM regions WHERE code = 'vinhbao') WHERE id = $1")
        .bind(quoc_tuan)
        .execute(&env.admin)
        .await
        .unwrap();
    let start = datetime!(2026-12-10 22:00 +7);

    let province = maintenance::announce(
        &mut conn,
        &op(),
        NOW,
        &notice(Scope::Region("haiphong".into()), start, false),
    )
    .await
    .unwrap();
    let during = start + Duration::hours(1);
    let shown_qt = maintenance::for_tenant(&mut conn, quoc_tuan, during)
        .await
        .unwrap();
    let shown_ah = maintenance::for_tenant(&mut conn, an_hung, during)
        .await
        .unwrap();
    let after = maintenance::for_tenant(&mut conn, quoc_tuan, start + Duration::hours(5))
        .await
        .unwrap();
    let platform = maintenance::announce(
        &mut conn,
        &op(),
        NOW,
        &notice(Scope::Platform, start, false),
    )
    .await
    .unwrap();
    let shown_ah_platform = maintenance::for_tenant(&mut conn, an_hung, during)
        .await
        .unwrap();
    let cancelled = maintenance::cancel(&mut conn, &op(), platform.id, NOW)
        .await
        .unwrap();
    let shown_ah_cancelled = maintenance::for_tenant(&mut conn, an_hung, during)
        .await
        .unwrap();

    assert_eq!(
        shown_qt.len(),
        1,
        "a commune of a former district sees its province's notice"
    );
    assert_eq!(shown_qt[0].id, province.id);
    assert!(
        shown_qt[0]
            .banner()
            .contains("từ 22:00 ngày 10/12/2026 đến 02:00 ngày 11/12/2026")
    );
    assert!(
        shown_ah.is_empty(),
        "a commune outside the province sees nothing"
    );
    assert!(
        after.is_empty(),
        "a notice disappears once the downtime is over"
    );
    assert_eq!(shown_ah_platform.len(), 1);
    assert_eq!(cancelled, maintenance::Cancellation::Cancelled);
    assert!(shown_ah_cancelled.is_empty());
}

#[tokio::test]
async fn impossible_notices_are_refused_and_nothing_is_written() {
    let env = TestEnv::new().await;
    let mut conn = env.app.acquire().await.unwrap();
    let start = datetime!(2026-12-10 22:00 +7);
    let mut backwards = notice(Scope::Platform, start, false);
    backwards.ends_at = start - Duration::hours(1);
    let mut past = notice(Scope::Platform, NOW - Duration::days(2), true);
    past.ends_at = NOW - Duration::days(1);

    let errors = [
        maintenance::announce(&mut conn, &op(), NOW, &backwards)
            .await
            .unwrap_err(),
        maintenance::announce(&mut conn, &op(), NOW, &past)
            .await
            .unwrap_err(),
        maintenance::announce(
            &mut conn,
            &op(),
            NOW,
            &notice(Scope::Tenant("khongco".into()), start, false),
        )
        .await
        .unwrap_err(),
        maintenance::announce(
            &mut conn,
            &op(),
            NOW,
            &notice(Scope::Region("khongco".into()), start, false),
        )
        .await
        .unwrap_err(),
    ];

    assert!(matches!(
        errors[0],
        TenancyError::MaintenanceEndsBeforeStart
    ));
    assert!(matches!(errors[1], TenancyError::MaintenanceInPast));
    assert!(matches!(errors[2], TenancyError::TenantNotFound(_)));
    assert!(matches!(errors[3], TenancyError::RegionNotFound(_)));
    assert_eq!(count(&env).await, 0);
}
