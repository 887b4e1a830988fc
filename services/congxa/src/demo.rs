//! The demo commune's content: every section filled with plausible
//! Vietnamese material (`demo/quoctuan.json`, with real PDF files in
//! `demo/files/`), dated relative to the day it is seeded so the demo always
//! looks current. `make run` shows it; the tests seed it into their own
//! communes.

use std::path::Path;

use anyhow::Context;
use bytes::Bytes;
use congxa_locale::time as vn_time;
use congxa_site::write::{self, NewItem};
use congxa_storage::Store;
use serde::Deserialize;
use sha2::{Digest, Sha256};
use sqlx::PgConnection;
use time::{Date, Duration, OffsetDateTime, Time};
use uuid::Uuid;

/// The content, embedded so the binary seeds without its source tree.
const CONTENT: &str = include_str!("../demo/quoctuan.json");
/// Where the demo's PDF files are, beside the content.
const FILES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/demo/files");

#[derive(Deserialize)]
struct Demo {
    profile: Profile,
    officials: Vec<Official>,
    pages: Vec<Article>,
    articles: Vec<Article>,
    documents: Vec<Document>,
    procedures: Vec<Procedure>,
    one_stop_results: Vec<OneStop>,
    schedule: Vec<Week>,
    plans: Vec<Article>,
    projects: Vec<Project>,
    budget_reports: Vec<Budget>,
    democracy: Vec<Article>,
    access_info: Vec<AccessInfo>,
    consultations: Vec<Consultation>,
    questions: Vec<Question>,
}

#[derive(Deserialize)]
struct Profile {
    agency: String,
    address: String,
    phone: String,
    email: String,
    responsible_person: String,
    responsible_title: String,
    licence: String,
    office_hours: String,
    board_decision: String,
    rules_decision: String,
}

#[derive(Deserialize)]
struct Official {
    name: String,
    position: String,
    phone: String,
    email: String,
    duties: String,
    biography: String,
    is_leader: bool,
    is_info_focal: bool,
}

#[derive(Deserialize)]
struct Article {
    #[serde(default)]
    section: Option<String>,
    slug: String,
    title: String,
    #[serde(default)]
    summary: String,
    #[serde(default)]
    body: String,
    #[serde(default)]
    author: String,
    #[serde(default)]
    source: String,
    #[serde(default)]
    featured: bool,
    #[serde(default)]
    days_ago: i64,
    #[serde(default)]
    file: Option<String>,
}

#[derive(Deserialize)]
struct Document {
    slug: String,
    title: String,
    doc_type: String,
    number_symbol: String,
    issuing_body: String,
    signer: String,
    field: String,
    issued_days_ago: i64,
    effective_days_ago: Option<i64>,
    expires_in_days: Option<i64>,
    summary: String,
    file: Option<String>,
}

#[derive(Deserialize)]
struct Procedure {
    slug: String,
    title: String,
    code: String,
    field: String,
    online_level: String,
    processing_time: String,
    fee: String,
    agency: String,
    portal_url: String,
    summary: String,
    body: String,
}

#[derive(Deserialize)]
struct OneStop {
    months_ago: i32,
    received: i32,
    on_time: i32,
    late: i32,
    in_progress: i32,
    online: i32,
}

#[derive(Deserialize)]
struct Week {
    weeks_from_now: i64,
    entries: Vec<Entry>,
}

#[derive(Deserialize)]
struct Entry {
    day: i64,
    time: String,
    leader: String,
    content: String,
    location: String,
    participants: String,
}

#[derive(Deserialize)]
struct Project {
    slug: String,
    title: String,
    summary: String,
    body: String,
    investor: String,
    location: String,
    total_investment: Option<i64>,
    funding: String,
    stage: String,
    package: String,
    bid_closes_in_days: Option<i64>,
    starts_days_ago: Option<i64>,
    ends_in_days: Option<i64>,
    days_ago: i64,
}

#[derive(Deserialize)]
struct Budget {
    slug: String,
    title: String,
    summary: String,
    body: String,
    report_kind: String,
    year: i32,
    period: String,
    days_ago: i64,
    file: Option<String>,
}

#[derive(Deserialize)]
struct AccessInfo {
    slug: String,
    title: String,
    number_symbol: String,
    issued_days_ago: Option<i64>,
    publication_form: String,
    publication_time: String,
    #[serde(default)]
    summary: String,
    file: Option<String>,
}

#[derive(Deserialize)]
struct Consultation {
    slug: String,
    title: String,
    summary: String,
    body: String,
    drafting_body: String,
    opened_days_ago: i64,
    closes_in_days: i64,
    file: Option<String>,
    comments: Vec<Comment>,
}

#[derive(Deserialize)]
struct Comment {
    author_name: String,
    body: String,
}

#[derive(Deserialize)]
struct Question {
    slug: String,
    asker_name: String,
    title: String,
    body: String,
    field: String,
    asked_days_ago: i64,
    answer: String,
    answered_by: String,
    answered_days_ago: Option<i64>,
    is_public: bool,
}

/// Dates of the demo, counted back from the moment it is seeded.
struct Clock {
    now: OffsetDateTime,
}

impl Clock {
    /// `days` ago, a few minutes apart per `index` so lists keep an order.
    fn ago(&self, days: i64, index: usize) -> OffsetDateTime {
        self.now - Duration::days(days) - Duration::minutes(10 + index as i64 * 7)
    }

    fn day(&self, days_from_today: i64) -> Date {
        self.now.to_offset(vn_time::VIETNAM).date() + Duration::days(days_from_today)
    }
}

/// Fills a commune's sections with the demo content and its files. Expects
/// the required sections (provisioning made them) and nothing else; the
/// caller's transaction holds everything, so a failure leaves nothing.
pub async fn seed(conn: &mut PgConnection, store: &Store, tenant: Uuid) -> anyhow::Result<()> {
    let demo: Demo = serde_json::from_str(CONTENT).context("reading the demo content")?;
    let clock = Clock {
        now: OffsetDateTime::now_utc(),
    };
    let p = &demo.profile;
    sqlx::query!(
        "UPDATE site_profiles SET agency = $2, address = $3, phone = $4, email = $5, responsible_person = $6,
                responsible_title = $7, licence = $8, office_hours = $9, board_decision = $10,
                rules_decision = $11, updated_at = now()
         WHERE tenant_id = $1",
        tenant,
        p.agency,
        p.address,
        p.phone,
        p.email,
        p.responsible_person,
        p.responsible_title,
        p.licence,
        p.office_hours,
        p.board_decision,
        p.rules_decision
    )
    .execute(&mut *conn)
    .await?;
    for (order, o) in demo.officials.iter().enumerate() {
        sqlx::query!(
            "INSERT INTO officials (tenant_id, name, position, phone, email, duties, biography, is_leader, is_info_focal, sort_order)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
            tenant,
            o.name,
            o.position,
            o.phone,
            o.email,
            o.duties,
            o.biography,
            o.is_leader,
            o.is_info_focal,
            order as i32
        )
        .execute(&mut *conn)
        .await?;
    }
    let mut files = Files { store, tenant };

    // The demo writes the introduction itself: the empty drafts that
    // provisioning left for the board make way.
    sqlx::query!(
        "DELETE FROM items WHERE tenant_id = $1 AND status = 'draft'
           AND section_id IN (SELECT id FROM sections WHERE tenant_id = $1 AND path = 'gioi-thieu')",
        tenant
    )
    .execute(&mut *conn)
    .await?;
    for (index, page) in demo.pages.iter().enumerate() {
        // Introduction pages read in the order written, not newest first.
        let at = clock.ago(400, 0) - Duration::minutes(index as i64);
        article(conn, &mut files, tenant, "gioi-thieu", page, at).await?;
    }
    let articled = demo
        .articles
        .iter()
        .chain(&demo.plans)
        .chain(&demo.democracy);
    for (index, a) in articled.enumerate() {
        let section = a
            .section
            .as_deref()
            .context("an article without a section")?;
        article(
            conn,
            &mut files,
            tenant,
            section,
            a,
            clock.ago(a.days_ago, index),
        )
        .await?;
    }
    for (index, d) in demo.documents.iter().enumerate() {
        let issued_on = clock.day(-d.issued_days_ago);
        let id = write::document(
            conn,
            tenant,
            &NewItem {
                section: "van-ban",
                slug: Some(&d.slug),
                title: &d.title,
                summary: &d.summary,
                body: "",
                author: "",
                source: "",
                featured: false,
                published_at: clock.ago(d.issued_days_ago.saturating_sub(1).max(0), index),
            },
            &write::DocumentFields {
                doc_type: &d.doc_type,
                number_symbol: &d.number_symbol,
                issuing_body: &d.issuing_body,
                signer: &d.signer,
                field: &d.field,
                issued_on,
                effective_on: d.effective_days_ago.map(|n| clock.day(-n)),
                expires_on: d.expires_in_days.map(|n| clock.day(n)),
            },
        )
        .await?;
        files
            .attach(
                conn,
                id,
                d.file.as_deref(),
                &format!("{} {}", d.doc_type, d.number_symbol),
            )
            .await?;
    }
    for (index, pr) in demo.procedures.iter().enumerate() {
        write::procedure(
            conn,
            tenant,
            &NewItem {
                section: "thu-tuc-hanh-chinh",
                slug: Some(&pr.slug),
                title: &pr.title,
                summary: &pr.summary,
                body: &pr.body,
                author: "",
                source: "",
                featured: false,
                published_at: clock.ago(90, index),
            },
            &write::ProcedureFields {
                code: &pr.code,
                field: &pr.field,
                online_level: &pr.online_level,
                processing_time: &pr.processing_time,
                fee: &pr.fee,
                agency: &pr.agency,
                portal_url: &pr.portal_url,
            },
        )
        .await?;
    }
    let this_month = {
        let today = clock.day(0);
        Date::from_calendar_date(today.year(), today.month(), 1)?
    };
    for r in &demo.one_stop_results {
        let mut month = this_month;
        for _ in 0..r.months_ago {
            month = Date::from_calendar_date(
                (month - Duration::days(1)).year(),
                (month - Duration::days(1)).month(),
                1,
            )?;
        }
        sqlx::query!(
            "INSERT INTO one_stop_results (tenant_id, month, received, on_time, late, in_progress, online)
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
            tenant,
            month,
            r.received,
            r.on_time,
            r.late,
            r.in_progress,
            r.online
        )
        .execute(&mut *conn)
        .await?;
    }
    for week in &demo.schedule {
        let monday = vn_time::monday_of(clock.day(0)) + Duration::weeks(week.weeks_from_now);
        let entries = week
            .entries
            .iter()
            .map(|e| {
                let time = Time::parse(
                    &e.time,
                    time::macros::format_description!("[hour]:[minute]"),
                )
                .with_context(|| format!("the schedule time {:?}", e.time))?;
                Ok(write::ScheduleEntry {
                    starts_at: (monday + Duration::days(e.day))
                        .with_time(time)
                        .assume_offset(vn_time::VIETNAM),
                    leader: &e.leader,
                    content: &e.content,
                    location: &e.location,
                    participants: &e.participants,
                })
            })
            .collect::<anyhow::Result<Vec<_>>>()?;
        let title = format!(
            "Lịch công tác tuần {} năm {} (từ {} đến {})",
            monday.iso_week(),
            monday.year(),
            vn_time::day_date(monday),
            vn_time::day_date(monday + Duration::days(6))
        );
        let slug = format!("lich-cong-tac-tuan-{}-{}", monday.iso_week(), monday.year());
        // A week is published the Friday before it, as communes do.
        let published_at = (monday - Duration::days(3))
            .with_hms(16, 0, 0)?
            .assume_offset(vn_time::VIETNAM);
        let published_at = published_at.min(clock.now - Duration::minutes(1));
        write::schedule_week(
            conn,
            tenant,
            &NewItem {
                section: "lich-cong-tac",
                slug: Some(&slug),
                title: &title,
                summary: "",
                body: "",
                author: "",
                source: "",
                featured: false,
                published_at,
            },
            monday,
            &entries,
        )
        .await?;
    }
    for (index, pj) in demo.projects.iter().enumerate() {
        write::project(
            conn,
            tenant,
            &NewItem {
                section: "du-an-dau-thau",
                slug: Some(&pj.slug),
                title: &pj.title,
                summary: &pj.summary,
                body: &pj.body,
                author: "",
                source: "",
                featured: false,
                published_at: clock.ago(pj.days_ago, index),
            },
            &write::ProjectFields {
                investor: &pj.investor,
                location: &pj.location,
                total_investment: pj.total_investment,
                funding: &pj.funding,
                stage: &pj.stage,
                package: &pj.package,
                bid_closes_at: pj.bid_closes_in_days.map(|n| clock.now + Duration::days(n)),
                starts_on: pj.starts_days_ago.map(|n| clock.day(-n)),
                ends_on: pj.ends_in_days.map(|n| clock.day(n)),
            },
        )
        .await?;
    }
    for (index, b) in demo.budget_reports.iter().enumerate() {
        let id = write::budget_report(
            conn,
            tenant,
            &NewItem {
                section: "ngan-sach",
                slug: Some(&b.slug),
                title: &b.title,
                summary: &b.summary,
                body: &b.body,
                author: "",
                source: "",
                featured: false,
                published_at: clock.ago(b.days_ago, index),
            },
            &b.report_kind,
            b.year,
            &b.period,
        )
        .await?;
        files.attach(conn, id, b.file.as_deref(), &b.title).await?;
    }
    for (index, a) in demo.access_info.iter().enumerate() {
        let id = write::access_info(
            conn,
            tenant,
            &NewItem {
                section: "tiep-can-thong-tin",
                slug: Some(&a.slug),
                title: &a.title,
                summary: &a.summary,
                body: "",
                author: "",
                source: "",
                featured: false,
                published_at: clock.ago(a.issued_days_ago.unwrap_or(30), index),
            },
            &write::AccessInfoFields {
                number_symbol: &a.number_symbol,
                issued_on: a.issued_days_ago.map(|n| clock.day(-n)),
                publication_form: &a.publication_form,
                publication_time: &a.publication_time,
            },
        )
        .await?;
        files.attach(conn, id, a.file.as_deref(), &a.title).await?;
    }
    for (index, c) in demo.consultations.iter().enumerate() {
        let opens_at = clock.ago(c.opened_days_ago, index);
        let id = write::consultation(
            conn,
            tenant,
            &NewItem {
                section: "lay-y-kien",
                slug: Some(&c.slug),
                title: &c.title,
                summary: &c.summary,
                body: &c.body,
                author: "",
                source: "",
                featured: false,
                published_at: opens_at,
            },
            &c.drafting_body,
            opens_at,
            clock.now + Duration::days(c.closes_in_days),
        )
        .await?;
        files
            .attach(conn, id, c.file.as_deref(), "Toàn văn dự thảo")
            .await?;
        for (n, comment) in c.comments.iter().enumerate() {
            sqlx::query!(
                "INSERT INTO consultation_comments (tenant_id, item_id, author_name, body, status, created_at)
                 VALUES ($1, $2, $3, $4, 'published', $5)",
                tenant,
                id,
                comment.author_name,
                comment.body,
                opens_at + Duration::days(1) + Duration::hours(n as i64 * 5)
            )
            .execute(&mut *conn)
            .await?;
        }
    }
    for (index, q) in demo.questions.iter().enumerate() {
        let code = format!("HD-DEMO{:04}", index + 1);
        let answered_at = q.answered_days_ago.map(|n| clock.ago(n, index));
        let status = if answered_at.is_some() {
            "answered"
        } else {
            "received"
        };
        sqlx::query!(
            "INSERT INTO questions (tenant_id, code, slug, asker_name, title, body, field, status, answer,
                                    answered_by, answered_at, is_public, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
            tenant,
            code,
            q.slug,
            q.asker_name,
            q.title,
            q.body,
            q.field,
            status,
            write::clean_html(&q.answer),
            q.answered_by,
            answered_at,
            q.is_public && answered_at.is_some(),
            clock.ago(q.asked_days_ago, index)
        )
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

async fn article(
    conn: &mut PgConnection,
    files: &mut Files<'_>,
    tenant: Uuid,
    section: &str,
    a: &Article,
    published_at: OffsetDateTime,
) -> anyhow::Result<()> {
    let id = write::item(
        conn,
        tenant,
        &NewItem {
            section,
            slug: Some(&a.slug),
            title: &a.title,
            summary: &a.summary,
            body: &a.body,
            author: &a.author,
            source: &a.source,
            featured: a.featured,
            published_at,
        },
        "",
    )
    .await
    .with_context(|| format!("the demo item {:?}", a.slug))?;
    files.attach(conn, id, a.file.as_deref(), &a.title).await
}

/// Stores the demo's files in the commune's part of the bucket.
struct Files<'a> {
    store: &'a Store,
    tenant: Uuid,
}

impl Files<'_> {
    async fn attach(
        &mut self,
        conn: &mut PgConnection,
        item: Uuid,
        name: Option<&str>,
        label: &str,
    ) -> anyhow::Result<()> {
        let Some(name) = name else {
            return Ok(());
        };
        let bytes = tokio::fs::read(Path::new(FILES).join(name))
            .await
            .with_context(|| format!("reading the demo file {name}"))?;
        let id = Uuid::new_v4();
        let key = congxa_storage::tenant_key(self.tenant, id);
        let sha256 = hex::encode(Sha256::digest(&bytes));
        let size = i64::try_from(bytes.len())?;
        self.store
            .put(&key, "application/pdf", Bytes::from(bytes))
            .await
            .with_context(|| format!("storing the demo file {name}"))?;
        sqlx::query!(
            "INSERT INTO media_files (id, tenant_id, storage_key, filename, content_type, size_bytes, sha256)
             VALUES ($1, $2, $3, $4, 'application/pdf', $5, $6)",
            id,
            self.tenant,
            key,
            name,
            size,
            sha256
        )
        .execute(&mut *conn)
        .await?;
        write::attach(conn, self.tenant, item, id, label, 0).await?;
        Ok(())
    }
}
