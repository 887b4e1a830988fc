//! The communes in the console: list with filters and pages, create in one
//! step, and per commune its status and domains. Every change is written
//! with its audit entry in one transaction; a region's operator sees and
//! changes only that region's communes.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use congxa_tenancy::TenancyError;
use congxa_tenancy::audit::Actor;
use congxa_tenancy::regions::{self, Region};
use congxa_tenancy::tenants::{self, Filter, NewTenant, Status, Summary, Tenant};
use serde::{Deserialize, Serialize};
use sqlx::Connection;

use super::session::{Checked, CsrfField, Signed, database_down};
use super::{ConsoleState, Frame, render, see_other};

const PER_PAGE: i64 = 50;

#[derive(Debug, Default, Deserialize, Serialize)]
pub struct ListQuery {
    q: Option<String>,
    vung: Option<String>,
    trang_thai: Option<String>,
    trang: Option<i64>,
    /// A message to show after a change (set by the redirect).
    xong: Option<String>,
}

#[derive(Serialize)]
struct ListPage<'a> {
    tenants: Vec<Summary>,
    regions: Vec<Region>,
    filter: &'a ListQuery,
    page: i64,
    per_page: i64,
    prev_url: String,
    next_url: String,
}

/// The regions an operator may pick: all for platform operators, their own
/// (and its former districts) otherwise.
async fn visible_regions(
    conn: &mut sqlx::PgConnection,
    signed: &Signed,
) -> Result<Vec<Region>, TenancyError> {
    let all = regions::list(conn).await?;
    Ok(match &signed.operator.region_code {
        None => all,
        Some(own) => all
            .into_iter()
            .filter(|r| &r.code == own || r.parent_code.as_ref() == Some(own))
            .collect(),
    })
}

pub async fn list(
    signed: Signed,
    State(state): State<ConsoleState>,
    Query(query): Query<ListQuery>,
) -> Response {
    let page = query.trang.unwrap_or(1).clamp(1, 100_000);
    let listed = async {
        let mut conn = state.pool.acquire().await?;
        let regions = visible_regions(&mut conn, &signed).await?;
        // A region's operator never sees beyond it, whatever the query says.
        let region = match (&signed.operator.region_code, &query.vung) {
            (Some(own), Some(asked)) if regions.iter().any(|r| &r.code == asked) => {
                Some(asked.clone())
            }
            (Some(own), _) => Some(own.clone()),
            (None, asked) => asked.clone().filter(|a| !a.is_empty()),
        };
        let filter = Filter {
            region,
            status: query
                .trang_thai
                .clone()
                .filter(|s| ["active", "suspended", "merged"].contains(&s.as_str())),
            search: query.q.clone().filter(|q| !q.trim().is_empty()),
            limit: PER_PAGE,
            offset: (page - 1) * PER_PAGE,
        };
        let tenants = tenants::list(&mut conn, &filter).await?;
        Ok::<_, TenancyError>((tenants, regions))
    };
    let (tenants, regions) = match listed.await {
        Ok(found) => found,
        Err(error) => return database_down(error),
    };
    let page_url = |n: i64| {
        let mut params = url_params(&query);
        params.push(("trang", n.to_string()));
        format!("/?{}", encode(&params))
    };
    render(
        &state,
        StatusCode::OK,
        "tenants.html",
        Frame {
            title: "Danh sách xã",
            operator: Some(&signed.operator),
            csrf: &signed.csrf,
            message: query.xong.as_deref().map(done_message),
            error: None,
            page: ListPage {
                tenants,
                regions,
                filter: &query,
                page,
                per_page: PER_PAGE,
                prev_url: page_url(page - 1),
                next_url: page_url(page + 1),
            },
        },
    )
}

fn url_params(query: &ListQuery) -> Vec<(&'static str, String)> {
    [
        ("q", &query.q),
        ("vung", &query.vung),
        ("trang_thai", &query.trang_thai),
    ]
    .into_iter()
    .filter_map(|(k, v)| v.clone().filter(|v| !v.is_empty()).map(|v| (k, v)))
    .collect()
}

fn encode(params: &[(&str, String)]) -> String {
    params
        .iter()
        .map(|(k, v)| {
            format!(
                "{k}={}",
                percent_encoding::utf8_percent_encode(v, percent_encoding::NON_ALPHANUMERIC)
            )
        })
        .collect::<Vec<_>>()
        .join("&")
}

/// The sentence shown after a change, by its short code in the redirect.
fn done_message(code: &str) -> &'static str {
    match code {
        "tao" => "Đã tạo trang thông tin điện tử.",
        "tam-ngung" => "Đã tạm ngừng trang.",
        "hoat-dong" => "Trang đã hoạt động trở lại.",
        "ten-mien" => "Đã cập nhật tên miền.",
        "gop" => "Đã gộp các xã vào xã này; mọi địa chỉ cũ chuyển hướng về đây.",
        _ => "Đã lưu.",
    }
}

#[derive(Debug, Default, Deserialize, Serialize)]
pub struct NewTenantForm {
    name: String,
    slug: String,
    region: Option<String>,
    domain: Option<String>,
    /// The board head's first account, made with the commune when given.
    admin_email: Option<String>,
    admin_name: Option<String>,
    csrf: String,
}

/// Why provisioning from the console did not go through.
enum Refusal {
    Tenancy(TenancyError),
    Board(congxa_board::BoardError),
}

impl Refusal {
    fn is_input(&self) -> bool {
        match self {
            Self::Tenancy(error) => error.is_input(),
            Self::Board(error) => error.is_input(),
        }
    }
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Tenancy(error) => error.fmt(f),
            Self::Board(error) => error.fmt(f),
        }
    }
}

impl From<TenancyError> for Refusal {
    fn from(error: TenancyError) -> Self {
        Self::Tenancy(error)
    }
}

impl From<congxa_board::BoardError> for Refusal {
    fn from(error: congxa_board::BoardError) -> Self {
        Self::Board(error)
    }
}

impl From<sqlx::Error> for Refusal {
    fn from(error: sqlx::Error) -> Self {
        Self::Tenancy(TenancyError::Database(error))
    }
}

impl CsrfField for NewTenantForm {
    fn csrf(&self) -> &str {
        &self.csrf
    }
}

#[derive(Serialize)]
struct NewPage<'a> {
    form: &'a NewTenantForm,
    regions: Vec<Region>,
    platform_domain: String,
}

pub async fn new_form(signed: Signed, State(state): State<ConsoleState>) -> Response {
    new_page(
        &state,
        &signed,
        &NewTenantForm::default(),
        StatusCode::OK,
        None,
    )
    .await
}

async fn new_page(
    state: &ConsoleState,
    signed: &Signed,
    form: &NewTenantForm,
    status: StatusCode,
    error: Option<&str>,
) -> Response {
    let regions = async {
        let mut conn = state.pool.acquire().await?;
        visible_regions(&mut conn, signed).await
    };
    let regions = match regions.await {
        Ok(regions) => regions,
        Err(error) => return database_down(error),
    };
    render(
        state,
        status,
        "new_tenant.html",
        Frame {
            title: "Tạo xã mới",
            operator: Some(&signed.operator),
            csrf: &signed.csrf,
            message: None,
            error,
            page: NewPage {
                form,
                regions,
                platform_domain: state.platform.to_string(),
            },
        },
    )
}

pub async fn create(
    State(state): State<ConsoleState>,
    Checked(signed, form): Checked<NewTenantForm>,
) -> Response {
    let region = form.region.clone().filter(|r| !r.is_empty());
    let created = async {
        let mut conn = state.pool.acquire().await?;
        let allowed = visible_regions(&mut conn, &signed).await?;
        let region = match (&signed.operator.region_code, region) {
            (Some(_), Some(r)) if allowed.iter().any(|a| a.code == r) => Some(r),
            (Some(own), _) => Some(own.clone()),
            (None, r) => r,
        };
        let new = NewTenant {
            slug: form.slug.trim().to_owned(),
            name: form.name.clone(),
            kind: None,
            region,
            domain: form.domain.clone().filter(|d| !d.trim().is_empty()),
        };
        let mut tx = conn.begin().await?;
        let tenant = tenants::provision(&mut tx, &state.platform, &new, &actor(&signed)).await?;
        let email = form
            .admin_email
            .as_deref()
            .map(str::trim)
            .filter(|e| !e.is_empty());
        let head = match email {
            Some(email) => {
                let name = form.admin_name.as_deref().unwrap_or("").trim();
                congxa_db::act_for(&mut tx, Some(tenant.id)).await?;
                let created = congxa_board::accounts::create(
                    &mut tx,
                    tenant.id,
                    email,
                    name,
                    congxa_board::Role::Head,
                )
                .await?;
                congxa_tenancy::audit::record(
                    &mut tx,
                    &actor(&signed),
                    "board.account.create",
                    Some(tenant.id),
                    serde_json::json!({ "email": created.account.email, "role": "head" }),
                )
                .await?;
                Some(created)
            }
            None => None,
        };
        tx.commit().await?;
        Ok::<_, Refusal>((tenant, head))
    };
    match created.await {
        Ok((tenant, None)) => see_other(&format!("/xa/{}?xong=tao", tenant.slug)),
        Ok((tenant, Some(head))) => {
            // Shown once, here: the password is not kept anywhere readable.
            let message = format!(
                "Đã tạo trang. Tài khoản trưởng ban biên tập: {} <{}>, mật khẩu dùng một lần: {} \
                 (đăng nhập tại http://{}/quan-tri và đặt mật khẩu mới ngay lần đầu).",
                head.account.name,
                head.account.email,
                head.one_time_password,
                tenant.automatic_domain
            );
            tenant_page(
                &state,
                &signed,
                &tenant.slug,
                StatusCode::OK,
                Some(&message),
                None,
            )
            .await
        }
        Err(error) if error.is_input() => {
            new_page(
                &state,
                &signed,
                &form,
                StatusCode::UNPROCESSABLE_ENTITY,
                Some(&error.to_string()),
            )
            .await
        }
        Err(Refusal::Tenancy(error)) => database_down(error),
        Err(Refusal::Board(error)) => database_down(error),
    }
}

pub(super) fn actor(signed: &Signed) -> Actor {
    Actor {
        name: signed.operator.email.clone(),
        origin: signed.origin.clone(),
    }
}

#[derive(Serialize)]
struct TenantPage {
    tenant: Tenant,
}

#[derive(Debug, Default, Deserialize)]
pub struct Done {
    xong: Option<String>,
}

/// The commune, if this operator may see it; `Ok(None)` answers 404 without
/// saying whether it exists elsewhere.
async fn find_visible(
    state: &ConsoleState,
    signed: &Signed,
    slug: &str,
) -> Result<Option<Tenant>, TenancyError> {
    let mut conn = state.pool.acquire().await?;
    if !signed.operator.may_manage(&mut conn, slug).await? {
        return Ok(None);
    }
    match tenants::show(&mut conn, &state.platform, slug).await {
        Ok(tenant) => Ok(Some(tenant)),
        Err(TenancyError::TenantNotFound(_)) => Ok(None),
        Err(error) => Err(error),
    }
}

pub async fn show(
    signed: Signed,
    State(state): State<ConsoleState>,
    Path(slug): Path<String>,
    Query(done): Query<Done>,
) -> Response {
    let message = done.xong.as_deref().map(done_message);
    tenant_page(&state, &signed, &slug, StatusCode::OK, message, None).await
}

/// The commune's page, with a message after a change or the reason a change
/// was refused. (Refusals are rendered here, not carried in the address, so
/// no link can put words into the console.)
pub(super) async fn tenant_page(
    state: &ConsoleState,
    signed: &Signed,
    slug: &str,
    status: StatusCode,
    message: Option<&str>,
    error: Option<&str>,
) -> Response {
    match find_visible(state, signed, slug).await {
        Ok(Some(tenant)) => {
            // The support form hands over to the commune's own address.
            let policy = congxa_web::policy::private_posting_to(
                tenants::primary_of(&tenant).unwrap_or(&tenant.automatic_domain),
            );
            let mut response = render(
                state,
                status,
                "tenant.html",
                Frame {
                    title: &tenant.name.clone(),
                    operator: Some(&signed.operator),
                    csrf: &signed.csrf,
                    message,
                    error,
                    page: TenantPage { tenant },
                },
            );
            if let Ok(policy) = axum::http::HeaderValue::from_str(&policy) {
                response
                    .headers_mut()
                    .insert(axum::http::header::CONTENT_SECURITY_POLICY, policy);
            }
            response
        }
        Ok(None) => super::page_not_found(),
        Err(error) => database_down(error),
    }
}

#[derive(Deserialize)]
pub struct StatusForm {
    action: String,
    csrf: String,
}

impl CsrfField for StatusForm {
    fn csrf(&self) -> &str {
        &self.csrf
    }
}

pub async fn set_status(
    State(state): State<ConsoleState>,
    Path(slug): Path<String>,
    Checked(signed, form): Checked<StatusForm>,
) -> Response {
    let (status, done) = match form.action.as_str() {
        "suspend" => (Status::Suspended, "tam-ngung"),
        "resume" => (Status::Active, "hoat-dong"),
        _ => return super::page_not_found(),
    };
    change(&state, &signed, &slug, done, Change::Status(status)).await
}

#[derive(Deserialize)]
pub struct DomainForm {
    domain: String,
    primary: Option<String>,
    csrf: String,
}

impl CsrfField for DomainForm {
    fn csrf(&self) -> &str {
        &self.csrf
    }
}

pub async fn add_domain(
    State(state): State<ConsoleState>,
    Path(slug): Path<String>,
    Checked(signed, form): Checked<DomainForm>,
) -> Response {
    let what = Change::AddDomain {
        primary: form.primary.is_some(),
        domain: form.domain,
    };
    change(&state, &signed, &slug, "ten-mien", what).await
}

pub async fn set_primary(
    State(state): State<ConsoleState>,
    Path(slug): Path<String>,
    Checked(signed, form): Checked<DomainForm>,
) -> Response {
    change(
        &state,
        &signed,
        &slug,
        "ten-mien",
        Change::MakePrimary(form.domain),
    )
    .await
}

pub async fn remove_domain(
    State(state): State<ConsoleState>,
    Path(slug): Path<String>,
    Checked(signed, form): Checked<DomainForm>,
) -> Response {
    change(
        &state,
        &signed,
        &slug,
        "ten-mien",
        Change::RemoveDomain(form.domain),
    )
    .await
}

/// A change an operator asks for on one commune.
enum Change {
    Status(Status),
    AddDomain { domain: String, primary: bool },
    MakePrimary(String),
    RemoveDomain(String),
}

/// Applies a change to one commune (the operator signed in and the CSRF
/// token checked already): in scope, in one transaction with its audit entry
/// (which the tenancy operation writes), then back to the commune's page
/// with a message, or the refusal in Vietnamese.
async fn change(
    state: &ConsoleState,
    signed: &Signed,
    slug: &str,
    done: &str,
    what: Change,
) -> Response {
    let changed = async {
        let mut conn = state.pool.acquire().await?;
        if !signed.operator.may_manage(&mut conn, slug).await? {
            return Ok(None);
        }
        let mut tx = conn.begin().await?;
        let (platform, actor) = (&*state.platform, &actor(signed));
        let tenant = match &what {
            Change::Status(status) => {
                tenants::set_status(&mut tx, platform, slug, *status, actor)
                    .await?
                    .0
            }
            Change::AddDomain { domain, primary } => {
                tenants::add_domain(&mut tx, platform, slug, domain, *primary, actor).await?
            }
            Change::MakePrimary(domain) => {
                tenants::set_primary(&mut tx, platform, slug, domain, actor).await?
            }
            Change::RemoveDomain(domain) => {
                tenants::remove_domain(&mut tx, platform, slug, domain, actor).await?
            }
        };
        tx.commit().await?;
        Ok::<_, TenancyError>(Some(tenant))
    };
    match changed.await {
        Ok(Some(tenant)) => see_other(&format!("/xa/{}?xong={done}", tenant.slug)),
        Ok(None) => super::page_not_found(),
        Err(error) if error.is_input() => {
            let reason = error.to_string();
            tenant_page(
                state,
                signed,
                slug,
                StatusCode::UNPROCESSABLE_ENTITY,
                None,
                Some(&reason),
            )
            .await
        }
        Err(error) => database_down(error),
    }
}
