//! Items with fields of their own: documents, procedures, budget reports,
//! drafts for comments, projects and entries of the access-to-information
//! list. The board starts one with its fields (and a file from the
//! library), and corrects the fields later; each kind's checks live here
//! once, for both. The text (title, summary, body) goes through the
//! workflow like any item's.

use sqlx::PgConnection;
use time::OffsetDateTime;
use uuid::Uuid;

use crate::accounts::Account;
use crate::error::BoardError;
use crate::items::{self, Text};
use crate::roles::{Permission, Role};
use crate::workflow::{self, Status};

pub use congxa_site::write::{AccessInfoFields, DocumentFields, ProcedureFields, ProjectFields};

/// What kind of budget report, for which year and period (the codes of
/// the budget_reports table).
pub struct BudgetFields<'a> {
    pub report_kind: &'a str,
    pub year: i32,
    pub period: &'a str,
}

/// Who drafted a text put to the public, and when comments open and close.
pub struct ConsultationFields<'a> {
    pub drafting_body: &'a str,
    pub opens_at: OffsetDateTime,
    pub closes_at: OffsetDateTime,
}

/// The fields of one kind of item.
pub enum Fields<'a> {
    Document(DocumentFields<'a>),
    Procedure(ProcedureFields<'a>),
    Budget(BudgetFields<'a>),
    Consultation(ConsultationFields<'a>),
    Project(ProjectFields<'a>),
    AccessInfo(AccessInfoFields<'a>),
}

pub const REPORT_KINDS: [&str; 5] = [
    "estimate",
    "settlement",
    "execution",
    "financial",
    "statistics",
];
pub const PERIODS: [&str; 6] = ["year", "half", "q1", "q2", "q3", "q4"];
pub const STAGES: [&str; 4] = ["preparing", "procuring", "building", "completed"];
pub const ONLINE_LEVELS: [&str; 3] = ["full", "partial", "none"];

fn invalid(message: impl Into<String>) -> BoardError {
    BoardError::Invalid(message.into())
}

/// Each `(value, label, max)` within `max` characters.
fn within(limits: &[(&str, &str, usize)]) -> Result<(), BoardError> {
    for (value, label, max) in limits {
        if value.chars().count() > *max {
            return Err(invalid(format!("Trường {label} dài quá {max} ký tự.")));
        }
    }
    Ok(())
}

fn required(value: &str, label: &str) -> Result<(), BoardError> {
    if value.trim().is_empty() {
        Err(invalid(format!("Mời nhập {label}.")))
    } else {
        Ok(())
    }
}

impl Fields<'_> {
    /// The section kind items with these fields belong to.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Document(_) => "documents",
            Self::Procedure(_) => "procedures",
            Self::Budget(_) => "budget",
            Self::Consultation(_) => "consultations",
            Self::Project(_) => "projects",
            Self::AccessInfo(_) => "access_info",
        }
    }

    /// What the site says when it has no section of the kind.
    fn missing_section(&self) -> &'static str {
        match self {
            Self::Document(_) => "Trang chưa có chuyên mục văn bản.",
            Self::Procedure(_) => "Trang chưa có chuyên mục thủ tục hành chính.",
            Self::Budget(_) => "Trang chưa có chuyên mục công khai ngân sách.",
            Self::Consultation(_) => "Trang chưa có chuyên mục lấy ý kiến.",
            Self::Project(_) => "Trang chưa có chuyên mục dự án đầu tư.",
            Self::AccessInfo(_) => "Trang chưa có chuyên mục danh mục thông tin phải công khai.",
        }
    }

    /// Refuses fields the site cannot carry, with the reason in Vietnamese.
    pub fn check(&self) -> Result<(), BoardError> {
        match self {
            Self::Document(f) => {
                required(f.doc_type, "hình thức văn bản")?;
                required(f.number_symbol, "số, ký hiệu")?;
                required(f.issuing_body, "cơ quan ban hành")?;
                within(&[
                    (f.doc_type, "hình thức văn bản", 100),
                    (f.number_symbol, "số, ký hiệu", 100),
                    (f.issuing_body, "cơ quan ban hành", 300),
                    (f.signer, "người ký", 200),
                    (f.field, "lĩnh vực", 200),
                ])?;
                if let (Some(effective), Some(expires)) = (f.effective_on, f.expires_on)
                    && expires < effective
                {
                    return Err(invalid("Ngày hết hiệu lực phải sau ngày có hiệu lực."));
                }
            }
            Self::Procedure(f) => {
                required(f.field, "lĩnh vực")?;
                within(&[
                    (f.code, "mã thủ tục", 50),
                    (f.field, "lĩnh vực", 200),
                    (f.processing_time, "thời hạn giải quyết", 300),
                    (f.fee, "phí, lệ phí", 300),
                    (f.agency, "cơ quan thực hiện", 300),
                ])?;
                if !ONLINE_LEVELS.contains(&f.online_level) {
                    return Err(invalid("Mời chọn mức độ thực hiện trực tuyến."));
                }
                let portal = f.portal_url.trim();
                if !portal.is_empty()
                    && (!portal.starts_with("https://") || portal.contains(char::is_whitespace))
                {
                    return Err(invalid(
                        "Địa chỉ trên Cổng Dịch vụ công phải bắt đầu bằng https://.",
                    ));
                }
            }
            Self::Budget(f) => {
                if !REPORT_KINDS.contains(&f.report_kind) {
                    return Err(invalid("Mời chọn loại báo cáo."));
                }
                if !PERIODS.contains(&f.period) {
                    return Err(invalid("Mời chọn kỳ báo cáo."));
                }
                if !(1990..=2200).contains(&f.year) {
                    return Err(invalid("Năm ngân sách không hợp lệ (ví dụ: 2026)."));
                }
            }
            Self::Consultation(f) => {
                within(&[(f.drafting_body, "cơ quan soạn thảo", 300)])?;
                if f.closes_at <= f.opens_at {
                    return Err(invalid("Ngày kết thúc lấy ý kiến phải sau ngày bắt đầu."));
                }
            }
            Self::Project(f) => {
                required(f.investor, "chủ đầu tư")?;
                within(&[
                    (f.investor, "chủ đầu tư", 300),
                    (f.location, "địa điểm", 300),
                    (f.funding, "nguồn vốn", 300),
                    (f.package, "gói thầu", 500),
                ])?;
                if !STAGES.contains(&f.stage) {
                    return Err(invalid("Mời chọn giai đoạn của dự án."));
                }
                if f.total_investment.is_some_and(|n| n < 0) {
                    return Err(invalid("Tổng mức đầu tư không được âm."));
                }
                if let (Some(starts), Some(ends)) = (f.starts_on, f.ends_on)
                    && ends < starts
                {
                    return Err(invalid("Ngày hoàn thành phải sau ngày khởi công."));
                }
            }
            Self::AccessInfo(f) => {
                required(f.publication_form, "hình thức công khai")?;
                within(&[
                    (f.number_symbol, "số, ký hiệu", 100),
                    (f.publication_form, "hình thức công khai", 300),
                    (f.publication_time, "thời điểm, thời hạn công khai", 300),
                ])?;
            }
        }
        Ok(())
    }

    /// Words of the fields worth finding in the site's search.
    fn search_words(&self) -> String {
        match self {
            Self::Document(f) => [
                f.number_symbol,
                f.doc_type,
                f.issuing_body,
                f.signer,
                f.field,
            ]
            .join(" "),
            Self::Procedure(f) => [f.code, f.field].join(" "),
            Self::Budget(_) => String::new(),
            Self::Consultation(f) => f.drafting_body.to_owned(),
            Self::Project(f) => [f.investor, f.location, f.package].join(" "),
            Self::AccessInfo(f) => f.number_symbol.to_owned(),
        }
    }

    /// The label of a file attached with these fields.
    fn file_label(&self, title: &str) -> String {
        match self {
            Self::Document(f) => format!("{} {}", f.doc_type.trim(), f.number_symbol.trim()),
            Self::Consultation(_) => "Dự thảo".to_owned(),
            _ => title.trim().to_owned(),
        }
    }

    /// Writes the kind's row of item `id`: made the first time, replaced on
    /// a correction.
    async fn write(&self, conn: &mut PgConnection, tenant: Uuid, id: Uuid) -> sqlx::Result<()> {
        match self {
            Self::Document(f) => sqlx::query!(
                "INSERT INTO documents (item_id, tenant_id, doc_type, number_symbol, issuing_body, signer, field,
                                        issued_on, effective_on, expires_on)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
                 ON CONFLICT (item_id) DO UPDATE SET doc_type = $3, number_symbol = $4, issuing_body = $5,
                     signer = $6, field = $7, issued_on = $8, effective_on = $9, expires_on = $10",
                id,
                tenant,
                f.doc_type.trim(),
                f.number_symbol.trim(),
                f.issuing_body.trim(),
                f.signer.trim(),
                f.field.trim(),
                f.issued_on,
                f.effective_on,
                f.expires_on
            )
            .execute(conn)
            .await
            .map(drop),
            Self::Procedure(f) => sqlx::query!(
                "INSERT INTO procedures (item_id, tenant_id, code, field, online_level, processing_time, fee, agency, portal_url)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
                 ON CONFLICT (item_id) DO UPDATE SET code = $3, field = $4, online_level = $5,
                     processing_time = $6, fee = $7, agency = $8, portal_url = $9",
                id,
                tenant,
                f.code.trim(),
                f.field.trim(),
                f.online_level,
                f.processing_time.trim(),
                f.fee.trim(),
                f.agency.trim(),
                f.portal_url.trim()
            )
            .execute(conn)
            .await
            .map(drop),
            Self::Budget(f) => sqlx::query!(
                "INSERT INTO budget_reports (item_id, tenant_id, report_kind, year, period) VALUES ($1, $2, $3, $4, $5)
                 ON CONFLICT (item_id) DO UPDATE SET report_kind = $3, year = $4, period = $5",
                id,
                tenant,
                f.report_kind,
                f.year,
                f.period
            )
            .execute(conn)
            .await
            .map(drop),
            Self::Consultation(f) => sqlx::query!(
                "INSERT INTO consultations (item_id, tenant_id, drafting_body, opens_at, closes_at)
                 VALUES ($1, $2, $3, $4, $5)
                 ON CONFLICT (item_id) DO UPDATE SET drafting_body = $3, opens_at = $4, closes_at = $5",
                id,
                tenant,
                f.drafting_body.trim(),
                f.opens_at,
                f.closes_at
            )
            .execute(conn)
            .await
            .map(drop),
            Self::Project(f) => sqlx::query!(
                "INSERT INTO projects (item_id, tenant_id, investor, location, total_investment, funding, stage, package,
                                       bid_closes_at, starts_on, ends_on)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
                 ON CONFLICT (item_id) DO UPDATE SET investor = $3, location = $4, total_investment = $5,
                     funding = $6, stage = $7, package = $8, bid_closes_at = $9, starts_on = $10, ends_on = $11",
                id,
                tenant,
                f.investor.trim(),
                f.location.trim(),
                f.total_investment,
                f.funding.trim(),
                f.stage,
                f.package.trim(),
                f.bid_closes_at,
                f.starts_on,
                f.ends_on
            )
            .execute(conn)
            .await
            .map(drop),
            Self::AccessInfo(f) => sqlx::query!(
                "INSERT INTO access_info_entries (item_id, tenant_id, number_symbol, issued_on, publication_form, publication_time)
                 VALUES ($1, $2, $3, $4, $5, $6)
                 ON CONFLICT (item_id) DO UPDATE SET number_symbol = $3, issued_on = $4,
                     publication_form = $5, publication_time = $6",
                id,
                tenant,
                f.number_symbol.trim(),
                f.issued_on,
                f.publication_form.trim(),
                f.publication_time.trim()
            )
            .execute(conn)
            .await
            .map(drop),
        }
    }
}

/// Starts an item of the fields' kind as the actor's draft in the kind's
/// section, with its file from the commune's library.
pub async fn start(
    conn: &mut PgConnection,
    tenant: Uuid,
    actor: &Account,
    text: &Text<'_>,
    fields: &Fields<'_>,
    file: Option<Uuid>,
) -> Result<Uuid, BoardError> {
    items::may_start_record(actor)?;
    items::check_text(text)?;
    fields.check()?;
    let section = items::section_of_kind(conn, fields.kind(), fields.missing_section()).await?;
    let id =
        items::insert_draft(conn, tenant, actor, section, text, &fields.search_words()).await?;
    fields.write(conn, tenant, id).await?;
    if let Some(file) = file {
        items::attach(conn, tenant, id, file, &fields.file_label(text.title)).await?;
    }
    Ok(id)
}

/// Who may correct an item's own fields: whoever may edit its text, except
/// contributors (these items are the board's); once it is published, only
/// those who may publish, because the fields change on the site at once
/// (they have no held-back revision like the text's).
pub fn may_correct(actor: &Account, item: &items::Draft) -> bool {
    actor.role != Role::Contributor
        && workflow::may_edit(actor.role, item.status, item.is_own(actor))
        && (item.status != Status::Published || actor.role.may(Permission::Publish))
}

/// Corrects the fields of item `id`, if it is still at `version` (what the
/// form opened), and attaches another file when one is chosen.
#[allow(clippy::too_many_arguments)]
pub async fn correct(
    conn: &mut PgConnection,
    tenant: Uuid,
    actor: &Account,
    id: Uuid,
    version: i32,
    fields: &Fields<'_>,
    file: Option<Uuid>,
) -> Result<(), BoardError> {
    let item = items::find(conn, id).await?;
    if !may_correct(actor, &item) {
        return Err(BoardError::Forbidden);
    }
    if item.section_kind != fields.kind() {
        return Err(invalid("Mục này không có các trường đó."));
    }
    fields.check()?;
    items::bump_version(conn, id, version, &fields.search_words()).await?;
    fields.write(conn, tenant, id).await?;
    if let Some(file) = file {
        items::attach(conn, tenant, id, file, &fields.file_label(&item.title)).await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::items::Draft;

    fn account(role: Role) -> Account {
        Account {
            id: Uuid::new_v4(),
            email: "a@xa.vn".to_owned(),
            name: "A".to_owned(),
            role,
            must_change_password: false,
            active: true,
        }
    }

    fn item(status: Status, created_by: Uuid) -> Draft {
        Draft {
            id: Uuid::new_v4(),
            section_path: "van-ban".to_owned(),
            section_name: "Văn bản".to_owned(),
            section_kind: "documents".to_owned(),
            slug: "x".to_owned(),
            title: "X".to_owned(),
            summary: String::new(),
            body: String::new(),
            status,
            version: 1,
            created_by: Some(created_by),
            assigned_to: None,
            publish_at: None,
            published_at: None,
            target_date: None,
            pending_correction: false,
            origin: None,
        }
    }

    #[test]
    fn fields_are_corrected_by_the_board_and_once_out_only_by_those_who_publish() {
        let stranger = Uuid::new_v4();
        for (role, status, own, expected) in [
            (Role::Contributor, Status::Draft, true, false),
            (Role::Member, Status::Draft, true, true),
            (Role::Member, Status::Draft, false, false),
            (Role::Member, Status::AwaitingApproval, true, true),
            (Role::Member, Status::Published, true, false),
            (Role::Deputy, Status::Published, false, true),
            (Role::Head, Status::Published, false, true),
            (Role::Head, Status::Scheduled, false, true),
            (Role::Head, Status::Withdrawn, false, false),
        ] {
            let actor = account(role);
            let draft = item(status, if own { actor.id } else { stranger });
            assert_eq!(
                may_correct(&actor, &draft),
                expected,
                "{role:?} on {status:?} (own: {own})"
            );
        }
    }

    #[test]
    fn each_kind_refuses_what_its_page_cannot_carry() {
        let day = time::macros::date!(2026 - 11 - 20);
        let document = |number: &'static str| {
            Fields::Document(DocumentFields {
                doc_type: "Quyết định",
                number_symbol: number,
                issuing_body: "UBND xã",
                signer: "",
                field: "",
                issued_on: day,
                effective_on: Some(day),
                expires_on: None,
            })
        };
        assert!(document("15/QĐ-UBND").check().is_ok());
        assert!(document("  ").check().is_err());
        let report = |kind: &'static str, year: i32| {
            Fields::Budget(BudgetFields {
                report_kind: kind,
                year,
                period: "year",
            })
        };
        assert!(report("estimate", 2027).check().is_ok());
        assert!(report("guess", 2027).check().is_err());
        assert!(report("estimate", 1066).check().is_err());
        let entry = |form: &'static str| {
            Fields::AccessInfo(AccessInfoFields {
                number_symbol: "",
                issued_on: None,
                publication_form: form,
                publication_time: "",
            })
        };
        assert!(entry("Niêm yết tại trụ sở").check().is_ok());
        assert!(entry("").check().is_err());
    }
}
