//! `congxa maintenance`, run as the real binary against a database of its
//! own: notices announced 7 working days ahead (or marked as emergencies),
//! listed and cancelled, each with its audit entry, and refusals that write
//! nothing. Times are relative to now, so the tests never go stale.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{Run, audit_actions, audit_entries, congxa, count, create_quoctuan, create_region};
use congxa_locale::time::{VIETNAM, time_and_date};
use congxa_tenancy::maintenance::earliest_start;
use congxa_testing::TestEnv;
use serde_json::Value;
use time::macros::format_description;
use time::{Duration, OffsetDateTime};

/// A moment `ahead` of now as an operator types it, in Vietnam's time.
fn typed(ahead: Duration) -> String {
    (OffsetDateTime::now_utc() + ahead)
        .to_offset(VIETNAM)
        .format(format_description!("[year]-[month]-[day] [hour]:[minute]"))
        .unwrap()
}

/// `congxa maintenance announce <scope>` for three hours starting `days`
/// from now, then `extra`.
async fn announce(env: &TestEnv, scope: &[&str], days: i64, extra: &[&str]) -> Run {
    let from = typed(Duration::days(days));
    let until = typed(Duration::days(days) + Duration::hours(3));
    let times = ["--from", from.as_str(), "--until", until.as_str()];
    congxa(
        env,
        &[&["maintenance", "announce"], scope, &times, extra].concat(),
    )
    .await
}

async fn notices(env: &TestEnv) -> i64 {
    count(env, "SELECT count(*) FROM maintenance_notices").await
}

/// The upcoming notices as `maintenance list --json` prints them.
async fn upcoming(env: &TestEnv) -> Vec<Value> {
    let listed = congxa(env, &["maintenance", "list", "--json"]).await;
    listed.assert_ok().json().as_array().unwrap().clone()
}

/// The cells of a table line: columns are at least two spaces apart.
fn words(line: &str, columns: usize) -> Vec<&str> {
    let cells: Vec<&str> = line
        .split("  ")
        .map(str::trim)
        .filter(|cell| !cell.is_empty())
        .collect();
    assert_eq!(cells.len(), columns, "{line}");
    cells
}

const QUOCTUAN: &[&str] = &["--tenant", "quoctuan"];
const PLATFORM: &[&str] = &["--platform"];

#[tokio::test]
async fn a_notice_twenty_days_ahead_is_announced_listed_and_audited() {
    let env = TestEnv::new().await;
    create_quoctuan(&env, None).await;

    let announced = announce(
        &env,
        QUOCTUAN,
        20,
        &["--message", "Nâng cấp máy chủ.", "--json"],
    )
    .await;
    let listed = upcoming(&env).await;
    let table = congxa(&env, &["maintenance", "list"]).await;
    let audit = congxa(&env, &["audit", "--json"]).await;

    let notice = announced.assert_ok().json();
    assert_eq!(notice["scope"], "tenant");
    assert_eq!(notice["tenant_slug"], "quoctuan");
    assert_eq!(notice["emergency"], false);
    assert_eq!(notice["announced_by"], "cli:tester");
    let banner = notice["banner"].as_str().unwrap();
    assert!(banner.starts_with("Thông báo: hệ thống sẽ tạm ngừng hoạt động để bảo trì từ "));
    assert!(banner.ends_with("(dự kiến). Nâng cấp máy chủ."), "{banner}");
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0]["id"], notice["id"]);
    table.assert_ok();
    let lines: Vec<&str> = table.stdout.lines().collect();
    let header = ["Số", "Phạm vi", "Từ", "Đến", "Khẩn cấp", "Nội dung"];
    let id = notice["id"].to_string();
    let row = [id.as_str(), "xã quoctuan", "không", "Nâng cấp máy chủ."];
    assert_eq!(words(lines[0], header.len()), header, "{}", table.stdout);
    let cells = words(lines[1], header.len());
    assert_eq!(
        [cells[0], cells[1], cells[4], cells[5]],
        row,
        "{}",
        table.stdout
    );
    assert_eq!(lines.last(), Some(&"1 thông báo, sớm nhất trước."));
    let entries = audit.assert_ok().json();
    assert_eq!(entries[0]["action"], "maintenance.announce");
    assert_eq!(entries[0]["tenant_slug"], "quoctuan");
    assert_eq!(entries[0]["details"]["id"], notice["id"]);
    assert_eq!(entries[0]["details"]["message"], "Nâng cấp máy chủ.");
}

#[tokio::test]
async fn people_read_the_banner_citizens_will_see() {
    let env = TestEnv::new().await;

    let announced = announce(&env, PLATFORM, 20, &[]).await;

    announced.assert_ok();
    assert!(
        announced
            .stdout
            .starts_with("Đã thông báo bảo trì số 1 cho mọi xã, phường trên nền tảng: từ "),
        "{}",
        announced.stdout
    );
    assert!(
        announced
            .stdout
            .contains("Người dân sẽ thấy trên trang cho đến khi bảo trì xong:\n  Thông báo: hệ thống sẽ tạm ngừng hoạt động để bảo trì từ "),
        "{}",
        announced.stdout
    );
    assert!(!announced.stdout.contains("khẩn cấp"));
}

#[tokio::test]
async fn a_notice_two_days_ahead_is_refused_unless_marked_an_emergency() {
    let env = TestEnv::new().await;
    create_quoctuan(&env, None).await;

    // The test database has no announced days: the Labour Code's holidays.
    let calendar = congxa_calendar::Calendar::default();
    let earliest_before = time_and_date(earliest_start(OffsetDateTime::now_utc(), &calendar));
    let late = announce(&env, QUOCTUAN, 2, &["--json"]).await;
    let earliest_after = time_and_date(earliest_start(OffsetDateTime::now_utc(), &calendar));
    let notices_after_refusal = notices(&env).await;
    let audit_after_refusal = audit_entries(&env).await;
    let emergency = announce(&env, QUOCTUAN, 2, &["--emergency"]).await;

    late.assert_refused("maintenance_too_late");
    assert!(
        late.stderr
            .contains("Phải thông báo bảo trì trước ít nhất 7 ngày làm việc"),
        "{}",
        late.stderr
    );
    // The earliest allowed start is named (read on both sides of the run,
    // in case it crossed midnight in Vietnam).
    assert!(
        late.stderr
            .contains(&format!("sớm nhất từ {earliest_before}."))
            || late
                .stderr
                .contains(&format!("sớm nhất từ {earliest_after}.")),
        "{}",
        late.stderr
    );
    assert_eq!(notices_after_refusal, 0);
    assert_eq!(audit_after_refusal, 1, "only the commune's creation");
    emergency.assert_ok();
    assert!(
        emergency.stdout.contains("\nĐã đánh dấu là khẩn cấp"),
        "{}",
        emergency.stdout
    );
    assert_eq!(upcoming(&env).await[0]["emergency"], true);
    assert_eq!(
        audit_actions(&env).await,
        ["tenant.create", "maintenance.announce"]
    );
}

#[tokio::test]
async fn exactly_one_scope_is_required() {
    let env = TestEnv::new().await;
    create_quoctuan(&env, None).await;

    let none = announce(&env, &[], 20, &[]).await;
    let two = announce(&env, &["--tenant", "quoctuan", "--platform"], 20, &[]).await;

    for run in [&none, &two] {
        assert_eq!(run.code, 2, "{}", run.stderr);
        assert!(run.stderr.contains("--platform"), "{}", run.stderr);
    }
    assert!(none.stderr.contains("required"), "{}", none.stderr);
    assert!(two.stderr.contains("cannot be used with"), "{}", two.stderr);
    assert_eq!(notices(&env).await, 0);
}

#[tokio::test]
async fn an_unreadable_time_is_refused_in_vietnamese() {
    let env = TestEnv::new().await;
    let until = typed(Duration::days(20));

    let word = congxa(
        &env,
        &[
            "maintenance",
            "announce",
            "--platform",
            "--from",
            "mai",
            "--until",
            &until,
            "--json",
        ],
    )
    .await;
    let no_such_month = congxa(
        &env,
        &[
            "maintenance",
            "announce",
            "--platform",
            "--from",
            &until,
            "--until",
            "2030-13-01 08:00",
            "--json",
        ],
    )
    .await;

    word.assert_refused("invalid_time");
    assert!(
        word.stderr
            .contains("Không đọc được thời điểm “mai” (--from)"),
        "{}",
        word.stderr
    );
    assert!(word.stderr.contains("10/12/2026 22:00"));
    no_such_month.assert_refused("invalid_time");
    assert!(no_such_month.stderr.contains("(--until)"));
    assert_eq!(notices(&env).await, 0);
    assert_eq!(audit_entries(&env).await, 0);
}

#[tokio::test]
async fn an_unknown_commune_or_region_is_refused() {
    let env = TestEnv::new().await;

    let commune = announce(&env, &["--tenant", "khongco"], 20, &["--json"]).await;
    let region = announce(&env, &["--region", "nowhere"], 20, &["--json"]).await;

    commune.assert_refused("tenant_not_found");
    assert!(
        commune
            .stderr
            .contains("Không tìm thấy xã có tên định danh “khongco”")
    );
    region.assert_refused("region_not_found");
    assert!(
        region
            .stderr
            .contains("Không tìm thấy vùng có mã “nowhere”")
    );
    assert_eq!(notices(&env).await, 0);
    assert_eq!(audit_entries(&env).await, 0);
}

#[tokio::test]
async fn every_scope_is_listed_soonest_first_and_audited_against_its_commune() {
    let env = TestEnv::new().await;
    create_quoctuan(&env, None).await;
    create_region(&env, "haiphong", "Thành phố Hải Phòng", &[])
        .await
        .assert_ok();

    let region = announce(&env, &["--region", "haiphong"], 22, &[]).await;
    let platform = announce(&env, PLATFORM, 21, &[]).await;
    let commune = announce(&env, QUOCTUAN, 20, &[]).await;
    let table = congxa(&env, &["maintenance", "list"]).await;

    region.assert_ok();
    assert!(
        region
            .stdout
            .contains("cho mọi xã, phường thuộc Thành phố Hải Phòng (haiphong): từ "),
        "{}",
        region.stdout
    );
    platform.assert_ok();
    commune.assert_ok();
    assert!(commune.stdout.contains("cho Xã Quốc Tuấn (quoctuan): từ "));
    let scopes: Vec<Value> = upcoming(&env)
        .await
        .iter()
        .map(|n| n["scope"].clone())
        .collect();
    assert_eq!(scopes, ["tenant", "platform", "region"]);
    table.assert_ok();
    let column: Vec<&str> = table
        .stdout
        .lines()
        .skip(1)
        .take(3)
        .map(|line| words(line, 6)[1])
        .collect();
    assert_eq!(column, ["xã quoctuan", "toàn nền tảng", "vùng haiphong"]);
    let audited = count(
        &env,
        "SELECT count(*) FROM operator_audit WHERE action = 'maintenance.announce' AND tenant_id IS NOT NULL",
    )
    .await;
    assert_eq!(audited, 1, "only the commune's notice names a commune");
}

#[tokio::test]
async fn a_cancelled_notice_is_no_longer_listed_and_cancelling_again_changes_nothing() {
    let env = TestEnv::new().await;
    let id = announce(&env, PLATFORM, 20, &["--json"])
        .await
        .assert_ok()
        .json()["id"]
        .to_string();

    let cancelled = congxa(&env, &["maintenance", "cancel", &id, "--json"]).await;
    let listed = upcoming(&env).await;
    let empty_table = congxa(&env, &["maintenance", "list"]).await;
    let again = congxa(&env, &["maintenance", "cancel", &id]).await;
    let again_json = congxa(&env, &["maintenance", "cancel", &id, "--json"]).await;

    let cancelled = cancelled.assert_ok().json();
    assert_eq!(cancelled["changed"], true);
    assert_eq!(cancelled["outcome"], "cancelled");
    assert!(listed.is_empty());
    empty_table.assert_ok();
    assert_eq!(
        empty_table.stdout.trim_end(),
        "Không có đợt bảo trì nào sắp tới."
    );
    again.assert_ok();
    assert!(
        again.stdout.contains("đã được hủy trước đó"),
        "{}",
        again.stdout
    );
    let again_json = again_json.assert_ok().json();
    assert_eq!(again_json["changed"], false);
    assert_eq!(again_json["outcome"], "already_cancelled");
    assert_eq!(
        audit_actions(&env).await,
        ["maintenance.announce", "maintenance.cancel"]
    );
}

#[tokio::test]
async fn a_notice_already_over_is_left_as_it_was() {
    let env = TestEnv::new().await;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO maintenance_notices (scope, starts_at, ends_at, message, announced_by)
         VALUES ('platform', now() - interval '2 days', now() - interval '1 day', '', 'op')
         RETURNING id",
    )
    .fetch_one(&env.admin)
    .await
    .unwrap();

    let cancelled = congxa(&env, &["maintenance", "cancel", &id.to_string(), "--json"]).await;

    let cancelled = cancelled.assert_ok().json();
    assert_eq!(cancelled["changed"], false);
    assert_eq!(cancelled["outcome"], "already_over");
    assert_eq!(
        count(
            &env,
            "SELECT count(*) FROM maintenance_notices WHERE cancelled_at IS NOT NULL"
        )
        .await,
        0
    );
    assert_eq!(audit_entries(&env).await, 0);
}

#[tokio::test]
async fn an_unknown_notice_cannot_be_cancelled() {
    let env = TestEnv::new().await;

    let run = congxa(&env, &["maintenance", "cancel", "999", "--json"]).await;

    run.assert_refused("maintenance_not_found");
    assert!(
        run.stderr
            .contains("Không tìm thấy thông báo bảo trì số 999")
    );
    assert_eq!(audit_entries(&env).await, 0);
}
