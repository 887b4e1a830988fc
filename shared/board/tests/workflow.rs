//! The workflow against the real database, as the application role under
//! row-level security: the whole path from a contributor's submission to
//! scheduled publication, every move recorded, the matrix enforced, saves
//! that would overwrite someone else's refused, and corrections of published
//! items held back until approved.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use congxa_board::accounts::{self, Account};
use congxa_board::items::{self, Move, Text};
use congxa_board::{Action, BoardError, Role, Status};
use congxa_testing::TestEnv;
use sqlx::{Postgres, Transaction};
use time::{Duration, OffsetDateTime};
use uuid::Uuid;

struct Board {
    env: TestEnv,
    tenant: Uuid,
    head: Account,
    deputy: Account,
    member: Account,
    contributor: Account,
}

impl Board {
    async fn new() -> Self {
        let env = TestEnv::new().await;
        let tenant = env.create_tenant("quoctuan", "Xã Quốc Tuấn").await;
        let mut conn = env.admin.acquire().await.unwrap();
        congxa_site::sections::seed_required(&mut conn, tenant, "Ủy ban nhân dân xã Quốc Tuấn")
            .await
            .unwrap();
        let mut board = Self {
            env,
            tenant,
            head: dummy(),
            deputy: dummy(),
            member: dummy(),
            contributor: dummy(),
        };
        let mut tx = board.tx().await;
        board.head = accounts::create(
            &mut tx,
            tenant,
            "truongban@quoctuan.vn",
            "Lê Thị Thu Hà",
            Role::Head,
        )
        .await
        .unwrap()
        .account;
        board.deputy = accounts::create(
            &mut tx,
            tenant,
            "phoban@quoctuan.vn",
            "Phạm Văn Dũng",
            Role::Deputy,
        )
        .await
        .unwrap()
        .account;
        board.member = accounts::create(
            &mut tx,
            tenant,
            "uyvien@quoctuan.vn",
            "Nguyễn Thị Mai",
            Role::Member,
        )
        .await
        .unwrap()
        .account;
        board.contributor = accounts::create(
            &mut tx,
            tenant,
            "congchuc@quoctuan.vn",
            "Trần Văn Bình",
            Role::Contributor,
        )
        .await
        .unwrap()
        .account;
        tx.commit().await.unwrap();
        board
    }

    async fn tx(&self) -> Transaction<'static, Postgres> {
        congxa_db::begin_for_tenant(&self.env.app, self.tenant)
            .await
            .unwrap()
    }

    async fn act(
        &self,
        who: &Account,
        id: Uuid,
        action: Action,
        details: Move<'_>,
    ) -> Result<Status, BoardError> {
        let mut tx = self.tx().await;
        let done = items::apply(
            &mut tx,
            self.tenant,
            who,
            id,
            action,
            &details,
            OffsetDateTime::now_utc(),
        )
        .await?;
        tx.commit().await.unwrap();
        Ok(done.status)
    }
}

fn dummy() -> Account {
    Account {
        id: Uuid::nil(),
        email: String::new(),
        name: String::new(),
        role: Role::Contributor,
        must_change_password: true,
        active: true,
    }
}

fn text<'a>(title: &'a str, body: &'a str) -> Text<'a> {
    Text {
        title,
        summary: "Tóm tắt",
        body,
        target_date: None,
    }
}

#[tokio::test]
async fn a_contributors_news_goes_from_submission_to_scheduled_publication_with_every_step_recorded()
 {
    let board = Board::new().await;
    let (head, member, contributor) = (&board.head, &board.member, &board.contributor);

    // A contributor writes and sends.
    let mut tx = board.tx().await;
    let id = items::create(
        &mut tx,
        board.tenant,
        contributor,
        "tin-tuc/tin-cac-thon",
        &text("Thôn An Lạc ra quân làm đường", "<p>Bản thảo</p>"),
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    assert_eq!(
        board
            .act(contributor, id, Action::Submit, Move::default())
            .await
            .unwrap(),
        Status::Submitted
    );

    // Only the head or a deputy assigns; the member edits what they got.
    assert!(matches!(
        board
            .act(
                member,
                id,
                Action::Assign,
                Move {
                    assignee: Some(member.id),
                    ..Move::default()
                }
            )
            .await,
        Err(BoardError::Forbidden)
    ));
    assert_eq!(
        board
            .act(
                head,
                id,
                Action::Assign,
                Move {
                    assignee: Some(member.id),
                    ..Move::default()
                }
            )
            .await
            .unwrap(),
        Status::Assigned
    );
    let mut tx = board.tx().await;
    let item = items::find(&mut tx, id).await.unwrap();
    let saved = items::save(
        &mut tx,
        board.tenant,
        member,
        id,
        item.version,
        &text(
            "Thôn An Lạc ra quân làm đường giao thông",
            "<p>Đã biên tập</p><script>alert(1)</script>",
        ),
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    assert_eq!(saved.status, Status::Edited);
    assert!(
        !saved.body.contains("script"),
        "the body is cleaned: {}",
        saved.body
    );
    assert_eq!(
        board
            .act(member, id, Action::SendForApproval, Move::default())
            .await
            .unwrap(),
        Status::AwaitingApproval
    );

    // Returned with a comment (required), fixed, sent again.
    assert!(matches!(
        board.act(head, id, Action::Return, Move::default()).await,
        Err(BoardError::Invalid(_))
    ));
    let comment = "Bổ sung số liệu về chiều dài tuyến đường.";
    assert_eq!(
        board
            .act(
                head,
                id,
                Action::Return,
                Move {
                    comment,
                    ..Move::default()
                }
            )
            .await
            .unwrap(),
        Status::Returned
    );
    assert!(matches!(
        board
            .act(member, id, Action::Publish, Move::default())
            .await,
        Err(BoardError::Forbidden)
    ));
    assert_eq!(
        board
            .act(member, id, Action::SendForApproval, Move::default())
            .await
            .unwrap(),
        Status::AwaitingApproval
    );

    // Scheduled: not in the past; then published once by the job, however
    // many replicas try.
    let past = OffsetDateTime::now_utc() - Duration::minutes(1);
    assert!(matches!(
        board
            .act(
                head,
                id,
                Action::Schedule,
                Move {
                    publish_at: Some(past),
                    ..Move::default()
                }
            )
            .await,
        Err(BoardError::Invalid(_))
    ));
    let at = OffsetDateTime::now_utc() + Duration::seconds(2);
    assert_eq!(
        board
            .act(
                head,
                id,
                Action::Schedule,
                Move {
                    publish_at: Some(at),
                    ..Move::default()
                }
            )
            .await
            .unwrap(),
        Status::Scheduled
    );
    let mut tx = board.tx().await;
    assert!(
        !items::publish_due(&mut tx, board.tenant, id, at - Duration::seconds(1))
            .await
            .unwrap(),
        "not before its time"
    );
    tx.commit().await.unwrap();
    let (mut first, mut second) = (board.tx().await, board.tx().await);
    let a = items::publish_due(&mut first, board.tenant, id, at + Duration::seconds(1))
        .await
        .unwrap();
    first.commit().await.unwrap();
    let b = items::publish_due(&mut second, board.tenant, id, at + Duration::seconds(1))
        .await
        .unwrap();
    second.commit().await.unwrap();
    assert!(a && !b, "published exactly once");

    let (status, published_at): (String, OffsetDateTime) =
        sqlx::query_as("SELECT status, published_at FROM items WHERE id = $1")
            .bind(id)
            .fetch_one(&board.env.admin)
            .await
            .unwrap();
    assert_eq!(status, "published");
    assert_eq!(published_at.unix_timestamp(), at.unix_timestamp());
    let steps: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT action, to_status, comment FROM item_transitions WHERE item_id = $1 ORDER BY id",
    )
    .bind(id)
    .fetch_all(&board.env.admin)
    .await
    .unwrap();
    let actions: Vec<&str> = steps.iter().map(|(a, ..)| a.as_str()).collect();
    assert_eq!(
        actions,
        [
            "submit",
            "assign",
            "edit",
            "send_for_approval",
            "return",
            "send_for_approval",
            "schedule",
            "publish_scheduled"
        ]
    );
    assert_eq!(steps[4].2, comment);
    let told: Vec<String> = sqlx::query_scalar(
        "SELECT message FROM board_notifications WHERE account_id = $1 ORDER BY id",
    )
    .bind(member.id)
    .fetch_all(&board.env.admin)
    .await
    .unwrap();
    assert!(told.iter().any(|m| m.contains("phân công")), "{told:?}");
    assert!(told.iter().any(|m| m.contains(comment)), "{told:?}");
    assert!(told.iter().any(|m| m.contains("đã được đăng")), "{told:?}");
}

#[tokio::test]
async fn a_second_save_from_an_old_version_is_refused_and_overwrites_nothing() {
    let board = Board::new().await;
    let mut tx = board.tx().await;
    let id = items::create(
        &mut tx,
        board.tenant,
        &board.head,
        "tin-tuc/thong-bao",
        &text("Thông báo lịch tiếp dân", "<p>Bản đầu</p>"),
    )
    .await
    .unwrap();
    let opened = items::find(&mut tx, id).await.unwrap().version;
    items::save(
        &mut tx,
        board.tenant,
        &board.head,
        id,
        opened,
        &text("Thông báo lịch tiếp dân", "<p>Bản của trưởng ban</p>"),
    )
    .await
    .unwrap();
    let late = items::save(
        &mut tx,
        board.tenant,
        &board.deputy,
        id,
        opened,
        &text("Thông báo lịch tiếp dân", "<p>Bản của phó ban</p>"),
    )
    .await;
    assert!(matches!(late, Err(BoardError::Conflict)));
    assert_eq!(
        items::find(&mut tx, id).await.unwrap().body,
        "<p>Bản của trưởng ban</p>"
    );
}

#[tokio::test]
async fn a_correction_of_a_published_item_waits_for_approval_while_the_live_text_stays() {
    let board = Board::new().await;
    let mut tx = board.tx().await;
    let id = items::create(
        &mut tx,
        board.tenant,
        &board.head,
        "tin-tuc/hdnd-ubnd",
        &text("Kỳ họp thứ 12", "<p>Bản đăng</p>"),
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    assert_eq!(
        board
            .act(&board.head, id, Action::Publish, Move::default())
            .await
            .unwrap(),
        Status::Published
    );
    let mut tx = board.tx().await;
    let version = items::find(&mut tx, id).await.unwrap().version;
    let after = items::save(
        &mut tx,
        board.tenant,
        &board.deputy,
        id,
        version,
        &text("Kỳ họp thứ 12", "<p>Bản sửa</p>"),
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    assert_eq!(after.body, "<p>Bản đăng</p>", "the live text stays");
    assert!(after.pending_correction);
    assert_eq!(
        board
            .act(&board.head, id, Action::ApproveCorrection, Move::default())
            .await
            .unwrap(),
        Status::Published
    );
    let mut tx = board.tx().await;
    let live = items::find(&mut tx, id).await.unwrap();
    assert_eq!(live.body, "<p>Bản sửa</p>");
    assert!(!live.pending_correction);
    // Withdrawal needs a reason.
    drop(tx);
    assert!(matches!(
        board
            .act(&board.head, id, Action::Withdraw, Move::default())
            .await,
        Err(BoardError::Invalid(_))
    ));
    let reason = "Thông tin đã cũ.";
    assert_eq!(
        board
            .act(
                &board.head,
                id,
                Action::Withdraw,
                Move {
                    comment: reason,
                    ..Move::default()
                }
            )
            .await
            .unwrap(),
        Status::Withdrawn
    );
}

#[tokio::test]
async fn another_communes_item_or_account_cannot_be_reached_by_its_id() {
    let board = Board::new().await;
    let mut tx = board.tx().await;
    let id = items::create(
        &mut tx,
        board.tenant,
        &board.head,
        "tin-tuc/thong-bao",
        &text("Tin riêng của Quốc Tuấn", ""),
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();

    let other = board.env.create_tenant("anhung", "Xã An Hưng").await;
    let mut other_tx = congxa_db::begin_for_tenant(&board.env.app, other)
        .await
        .unwrap();
    let intruder = accounts::create(
        &mut other_tx,
        other,
        "truongban@anhung.vn",
        "Vũ Văn Nam",
        Role::Head,
    )
    .await
    .unwrap()
    .account;
    assert!(matches!(
        items::find(&mut other_tx, id).await,
        Err(BoardError::ItemNotFound)
    ));
    let moved = items::apply(
        &mut other_tx,
        other,
        &intruder,
        id,
        Action::Publish,
        &Move::default(),
        OffsetDateTime::now_utc(),
    )
    .await;
    assert!(matches!(moved, Err(BoardError::ItemNotFound)));
    let assign_foreign = items::apply(
        &mut other_tx,
        other,
        &intruder,
        id,
        Action::Assign,
        &Move {
            assignee: Some(board.member.id),
            ..Move::default()
        },
        OffsetDateTime::now_utc(),
    )
    .await;
    assert!(assign_foreign.is_err());
    assert!(matches!(
        accounts::find(&mut other_tx, board.member.id).await,
        Err(BoardError::AccountNotFound)
    ));
}

#[tokio::test]
async fn five_wrong_passwords_lock_an_account_for_a_while() {
    let board = Board::new().await;
    let now = OffsetDateTime::now_utc();
    let pool = &board.env.app;
    for _ in 0..5 {
        assert!(matches!(
            accounts::sign_in(
                pool,
                board.tenant,
                "uyvien@quoctuan.vn",
                "sai",
                "",
                "test",
                now
            )
            .await,
            Err(BoardError::Rejected)
        ));
    }
    let locked: Option<OffsetDateTime> =
        sqlx::query_scalar("SELECT locked_until FROM board_accounts WHERE id = $1")
            .bind(board.member.id)
            .fetch_one(&board.env.admin)
            .await
            .unwrap();
    assert!(locked.is_some_and(|until| until > now), "{locked:?}");
    let mut tx = board.tx().await;
    let reset = accounts::reset_password(&mut tx, board.member.id)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let (session, account) = accounts::sign_in(
        pool,
        board.tenant,
        "UyVien@QuocTuan.vn ",
        &reset,
        "",
        "test",
        now,
    )
    .await
    .unwrap();
    let mut tx = board.tx().await;
    assert!(account.must_change_password);
    assert!(
        accounts::from_session(&mut tx, &session, now)
            .await
            .unwrap()
            .is_some()
    );
    assert!(
        accounts::from_session(&mut tx, &session, now + accounts::SESSION_LIFETIME)
            .await
            .unwrap()
            .is_none(),
        "sessions expire"
    );
    accounts::set_active(&mut tx, board.member.id, false)
        .await
        .unwrap();
    assert!(
        accounts::from_session(&mut tx, &session, now)
            .await
            .unwrap()
            .is_none(),
        "an account turned off has no session"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn parallel_wrong_passwords_lock_the_account_after_five_checks_at_most() {
    let board = Board::new().await;
    let now = OffsetDateTime::now_utc();
    let guesses = (0..20).map(|i| {
        let pool = board.env.app.clone();
        let tenant = board.tenant;
        tokio::spawn(async move {
            let guess = format!("đoán sai {i}");
            accounts::sign_in(&pool, tenant, "uyvien@quoctuan.vn", &guess, "", "test", now).await
        })
    });
    for guess in guesses {
        assert!(matches!(guess.await.unwrap(), Err(BoardError::Rejected)));
    }
    // Each attempt checked was counted first, by one statement: five were
    // let through, the fifth set the lock, the others found it set.
    let (failed, locked): (i32, Option<OffsetDateTime>) =
        sqlx::query_as("SELECT failed_attempts, locked_until FROM board_accounts WHERE id = $1")
            .bind(board.member.id)
            .fetch_one(&board.env.admin)
            .await
            .unwrap();
    assert_eq!(failed, congxa_auth::lockout::MAX_FAILED_ATTEMPTS);
    assert!(locked.is_some_and(|until| until > now), "{locked:?}");
}

#[tokio::test]
async fn an_earlier_version_comes_back_as_a_new_save_with_its_difference_readable() {
    let board = Board::new().await;
    let mut tx = board.tx().await;
    let id = items::create(
        &mut tx,
        board.tenant,
        &board.head,
        "tin-tuc/kinh-te-xa-hoi",
        &text("Thu hoạch lúa mùa", "<p>Năng suất 58 tạ/ha.</p>"),
    )
    .await
    .unwrap();
    let v = items::find(&mut tx, id).await.unwrap().version;
    items::save(
        &mut tx,
        board.tenant,
        &board.head,
        id,
        v,
        &text("Thu hoạch lúa mùa", "<p>Năng suất 62 tạ/ha.</p>"),
    )
    .await
    .unwrap();
    let list = items::revisions(&mut tx, id).await.unwrap();
    assert_eq!(list.len(), 2);
    let changes = congxa_board::diff::between(&list[1].body, &list[0].body);
    assert!(
        changes
            .iter()
            .any(|p| p.change == "added" && p.text.contains("62"))
    );
    assert!(
        changes
            .iter()
            .any(|p| p.change == "removed" && p.text.contains("58"))
    );

    let current = items::find(&mut tx, id).await.unwrap().version;
    let restored = items::restore(&mut tx, board.tenant, &board.head, id, current, list[1].id)
        .await
        .unwrap();
    assert_eq!(restored.body, "<p>Năng suất 58 tạ/ha.</p>");
    assert_eq!(
        items::revisions(&mut tx, id).await.unwrap().len(),
        3,
        "the restore is a save of its own"
    );
    // From a stale version, refused.
    assert!(matches!(
        items::restore(&mut tx, board.tenant, &board.head, id, current, list[0].id).await,
        Err(BoardError::Conflict)
    ));
}
