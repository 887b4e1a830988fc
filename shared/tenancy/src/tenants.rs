//! Communes: provisioning, status and domains. Each function works inside the
//! caller's transaction, so an operation and its audit record land together.

use serde::Serialize;
use sqlx::PgConnection;
use time::OffsetDateTime;
use uuid::Uuid;

use crate::audit;
use crate::domain::DomainName;
use crate::error::{TenancyError, clean_name, is_unique_violation};
use crate::kind::TenantKind;
use crate::regions;
use crate::slug::Slug;

/// A commune as operators see it.
#[derive(Debug, Clone, Serialize)]
pub struct Tenant {
    pub id: Uuid,
    pub slug: String,
    pub name: String,
    pub kind: String,
    pub status: String,
    pub region_code: Option<String>,
    pub region_name: Option<String>,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    /// The address every commune has: `<slug>.<platform domain>`.
    pub automatic_domain: String,
    /// Registered domains, the primary one first.
    pub domains: Vec<Domain>,
    /// The commune it was merged into, if it was.
    pub merged_into: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Domain {
    pub domain: String,
    pub primary: bool,
}

/// What an operator gives to create a commune.
#[derive(Debug, Clone)]
pub struct NewTenant {
    pub slug: String,
    pub name: String,
    /// Taken from the name ("Xã …", "Phường …") when not given.
    pub kind: Option<String>,
    pub region: Option<String>,
    /// Becomes the primary domain.
    pub domain: Option<String>,
}

/// Is `active` or `suspended`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Active,
    Suspended,
}

impl Status {
    fn code(self) -> &'static str {
        match self {
            Status::Active => "active",
            Status::Suspended => "suspended",
        }
    }
}

/// Creates a commune, with its primary domain when given.
pub async fn create(
    conn: &mut PgConnection,
    platform: &DomainName,
    new: &NewTenant,
) -> Result<Tenant, TenancyError> {
    let slug = Slug::parse(&new.slug).ok_or_else(|| TenancyError::InvalidSlug(new.slug.clone()))?;
    let name = clean_name(&new.name)?;
    let kind = match &new.kind {
        Some(kind) => {
            TenantKind::parse(kind).ok_or_else(|| TenancyError::InvalidKind(kind.clone()))?
        }
        None => {
            TenantKind::from_name(&name).ok_or_else(|| TenancyError::KindRequired(name.clone()))?
        }
    };
    let domain = new
        .domain
        .as_deref()
        .map(|d| registrable(d, platform))
        .transpose()?;
    let region = match &new.region {
        Some(code) => Some(regions::find(conn, code).await?),
        None => None,
    };

    let id = sqlx::query_scalar!(
        "INSERT INTO tenants (slug, name, kind, region_id) VALUES ($1, $2, $3, $4) RETURNING id",
        slug.as_str(),
        name,
        kind.code(),
        region.map(|r| r.id)
    )
    .fetch_one(&mut *conn)
    .await
    .map_err(|e| {
        if is_unique_violation(&e, "tenants_slug_key") {
            TenancyError::DuplicateSlug(slug.to_string())
        } else {
            e.into()
        }
    })?;
    if let Some(domain) = domain {
        insert_domain(conn, id, &domain, true).await?;
    }
    show(conn, platform, slug.as_str()).await
}

/// Provisions a commune in one step, as operators do from the command line
/// or the console: the commune, its primary domain, and the audit entry, all
/// in the caller's transaction.
pub async fn provision(
    conn: &mut PgConnection,
    platform: &DomainName,
    new: &NewTenant,
    actor: &audit::Actor,
) -> Result<Tenant, TenancyError> {
    let tenant = create(conn, platform, new).await?;
    seed_site(conn, &tenant).await?;
    audit::record(
        conn,
        actor,
        "tenant.create",
        Some(tenant.id),
        serde_json::json!({
            "slug": tenant.slug,
            "name": tenant.name,
            "kind": tenant.kind,
            "region": tenant.region_code,
            "domain": tenant.domains.first().map(|d| &d.domain),
        }),
    )
    .await?;
    Ok(tenant)
}

/// Gives a new commune the sections REGULATIONS.md requires and its
/// profile. The site's tables are under row-level security, so this part of
/// the transaction acts for the new commune, then for none again.
async fn seed_site(conn: &mut PgConnection, tenant: &Tenant) -> Result<(), TenancyError> {
    congxa_db::act_for(conn, Some(tenant.id)).await?;
    congxa_site::sections::seed_required(
        conn,
        tenant.id,
        &congxa_site::sections::agency_of(&tenant.name),
    )
    .await?;
    congxa_db::act_for(conn, None).await?;
    Ok(())
}

/// One commune with its domains.
pub async fn show(
    conn: &mut PgConnection,
    platform: &DomainName,
    slug: &str,
) -> Result<Tenant, TenancyError> {
    let row = sqlx::query!(
        r#"SELECT t.id, t.slug, t.name, t.kind, t.status, t.created_at,
                  r.code AS "region_code?", r.name AS "region_name?",
                  m.slug AS "merged_into?"
           FROM tenants t LEFT JOIN regions r ON r.id = t.region_id
           LEFT JOIN tenants m ON m.id = t.merged_into
           WHERE t.slug = $1"#,
        slug
    )
    .fetch_optional(&mut *conn)
    .await?
    .ok_or_else(|| TenancyError::TenantNotFound(slug.to_owned()))?;
    let domains = sqlx::query_as!(
        Domain,
        r#"SELECT domain, is_primary AS "primary" FROM tenant_domains
           WHERE tenant_id = $1 ORDER BY is_primary DESC, domain"#,
        row.id
    )
    .fetch_all(&mut *conn)
    .await?;
    Ok(Tenant {
        id: row.id,
        automatic_domain: crate::domain::automatic_host(&row.slug, platform),
        slug: row.slug,
        name: row.name,
        kind: row.kind,
        status: row.status,
        region_code: row.region_code,
        region_name: row.region_name,
        created_at: row.created_at,
        domains,
        merged_into: row.merged_into,
    })
}

/// Which communes to list.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub region: Option<String>,
    pub status: Option<String>,
    /// Part of the slug or the name.
    pub search: Option<String>,
    pub limit: i64,
    pub offset: i64,
}

/// A line of the list of communes.
#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    pub slug: String,
    pub name: String,
    pub kind: String,
    pub status: String,
    pub region_code: Option<String>,
    pub primary_domain: Option<String>,
}

/// Communes in slug order, filtered and paged.
pub async fn list(conn: &mut PgConnection, filter: &Filter) -> Result<Vec<Summary>, TenancyError> {
    // Composed like the stored names, whatever the keyboard typed.
    let search = filter.search.as_deref().map(|s| {
        let s: String = unicode_normalization::UnicodeNormalization::nfc(s).collect();
        format!(
            "%{}%",
            s.replace('\\', "\\\\")
                .replace('%', "\\%")
                .replace('_', "\\_")
        )
    });
    Ok(sqlx::query_as!(
        Summary,
        r#"SELECT t.slug, t.name, t.kind, t.status, r.code AS "region_code?",
                  d.domain AS "primary_domain?"
           FROM tenants t
           LEFT JOIN regions r ON r.id = t.region_id
           LEFT JOIN tenant_domains d ON d.tenant_id = t.id AND d.is_primary
           WHERE ($1::text IS NULL OR r.code = $1 OR r.parent_id = (SELECT id FROM regions WHERE code = $1))
             AND ($2::text IS NULL OR t.status = $2)
             AND ($3::text IS NULL OR t.slug ILIKE $3 OR t.name ILIKE $3)
           ORDER BY t.slug
           LIMIT $4 OFFSET $5"#,
        filter.region,
        filter.status,
        search,
        filter.limit,
        filter.offset
    )
    .fetch_all(conn)
    .await?)
}

/// Suspends or resumes a commune; says whether anything changed. Only a
/// change goes to the audit log: a repeated command did nothing.
pub async fn set_status(
    conn: &mut PgConnection,
    platform: &DomainName,
    slug: &str,
    status: Status,
    actor: &audit::Actor,
) -> Result<(Tenant, bool), TenancyError> {
    still_open(&show(conn, platform, slug).await?)?;
    let changed = sqlx::query!(
        "UPDATE tenants SET status = $2, updated_at = now() WHERE slug = $1 AND status <> $2",
        slug,
        status.code()
    )
    .execute(&mut *conn)
    .await?
    .rows_affected()
        == 1;
    let tenant = show(conn, platform, slug).await?;
    if changed {
        let action = match status {
            Status::Suspended => "tenant.suspend",
            Status::Active => "tenant.resume",
        };
        let details = serde_json::json!({ "slug": tenant.slug });
        audit::record(conn, actor, action, Some(tenant.id), details).await?;
    }
    Ok((tenant, changed))
}

/// Attaches a domain to a commune, as an alias or as its primary domain.
pub async fn add_domain(
    conn: &mut PgConnection,
    platform: &DomainName,
    slug: &str,
    domain: &str,
    primary: bool,
    actor: &audit::Actor,
) -> Result<Tenant, TenancyError> {
    let domain = registrable(domain, platform)?;
    let tenant = show(conn, platform, slug).await?;
    still_open(&tenant)?;
    if primary {
        clear_primary(conn, tenant.id).await?;
    }
    insert_domain(conn, tenant.id, &domain, primary).await?;
    let details = serde_json::json!({ "slug": tenant.slug, "domain": domain, "primary": primary });
    audit::record(conn, actor, "tenant.add_domain", Some(tenant.id), details).await?;
    show(conn, platform, slug).await
}

/// Detaches a domain. When it was the primary one, the commune's automatic
/// address becomes its canonical one.
pub async fn remove_domain(
    conn: &mut PgConnection,
    platform: &DomainName,
    slug: &str,
    domain: &str,
    actor: &audit::Actor,
) -> Result<Tenant, TenancyError> {
    let (tenant, domain) = owned_domain(conn, platform, slug, domain).await?;
    let was_primary = primary_of(&tenant) == Some(domain.as_str());
    sqlx::query!(
        "DELETE FROM tenant_domains WHERE tenant_id = $1 AND domain = $2",
        tenant.id,
        domain.as_str()
    )
    .execute(&mut *conn)
    .await?;
    let details =
        serde_json::json!({ "slug": tenant.slug, "domain": domain, "was_primary": was_primary });
    audit::record(
        conn,
        actor,
        "tenant.remove_domain",
        Some(tenant.id),
        details,
    )
    .await?;
    show(conn, platform, slug).await
}

/// Makes one of a commune's domains its primary one; the others become aliases.
pub async fn set_primary(
    conn: &mut PgConnection,
    platform: &DomainName,
    slug: &str,
    domain: &str,
    actor: &audit::Actor,
) -> Result<Tenant, TenancyError> {
    let (tenant, domain) = owned_domain(conn, platform, slug, domain).await?;
    clear_primary(conn, tenant.id).await?;
    sqlx::query!(
        "UPDATE tenant_domains SET is_primary = true WHERE tenant_id = $1 AND domain = $2",
        tenant.id,
        domain.as_str()
    )
    .execute(&mut *conn)
    .await?;
    let details = serde_json::json!({
        "slug": tenant.slug, "domain": domain, "previous": primary_of(&tenant),
    });
    audit::record(conn, actor, "tenant.set_primary", Some(tenant.id), details).await?;
    show(conn, platform, slug).await
}

/// A merged commune's domains and status belong to the commune it went into.
fn still_open(tenant: &Tenant) -> Result<(), TenancyError> {
    match tenant.merged_into {
        Some(_) => Err(TenancyError::TenantMerged(tenant.slug.clone())),
        None => Ok(()),
    }
}

/// The primary domain of a commune, if it has one.
pub fn primary_of(tenant: &Tenant) -> Option<&str> {
    tenant
        .domains
        .iter()
        .find(|d| d.primary)
        .map(|d| d.domain.as_str())
}

/// The commune and one of its domains (as stored), or why not.
async fn owned_domain(
    conn: &mut PgConnection,
    platform: &DomainName,
    slug: &str,
    raw: &str,
) -> Result<(Tenant, DomainName), TenancyError> {
    let domain = DomainName::typed(raw).map_err(|_| TenancyError::InvalidDomain(raw.to_owned()))?;
    let tenant = show(conn, platform, slug).await?;
    still_open(&tenant)?;
    if !tenant.domains.iter().any(|d| d.domain == domain.as_str()) {
        return Err(TenancyError::DomainNotFound {
            domain: domain.to_string(),
            slug: slug.to_owned(),
        });
    }
    Ok((tenant, domain))
}

/// A domain an operator may register: valid, under .vn, and not under the
/// platform domain (those names are the communes' automatic addresses).
fn registrable(raw: &str, platform: &DomainName) -> Result<DomainName, TenancyError> {
    let domain = DomainName::typed(raw).map_err(|_| TenancyError::InvalidDomain(raw.to_owned()))?;
    if domain.is_within(platform) {
        return Err(TenancyError::DomainUnderPlatform(
            domain.to_string(),
            platform.to_string(),
        ));
    }
    if !domain.is_vn() {
        return Err(TenancyError::DomainNotVn(domain.to_string()));
    }
    Ok(domain)
}

async fn clear_primary(conn: &mut PgConnection, tenant: Uuid) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "UPDATE tenant_domains SET is_primary = false WHERE tenant_id = $1 AND is_primary",
        tenant
    )
    .execute(conn)
    .await?;
    Ok(())
}

async fn insert_domain(
    conn: &mut PgConnection,
    tenant: Uuid,
    domain: &DomainName,
    primary: bool,
) -> Result<(), TenancyError> {
    // Asked before inserting: once the INSERT fails, the caller's transaction
    // is aborted and answers no further query, so the owner could not be named.
    let owner = sqlx::query_scalar!(
        "SELECT t.name FROM tenant_domains d JOIN tenants t ON t.id = d.tenant_id WHERE d.domain = $1",
        domain.as_str()
    )
    .fetch_optional(&mut *conn)
    .await?;
    if let Some(owner) = owner {
        return Err(TenancyError::DomainTaken {
            domain: domain.to_string(),
            owner,
        });
    }
    let inserted = sqlx::query!(
        "INSERT INTO tenant_domains (domain, tenant_id, is_primary) VALUES ($1, $2, $3)",
        domain.as_str(),
        tenant,
        primary
    )
    .execute(&mut *conn)
    .await;
    match inserted {
        Ok(_) => Ok(()),
        // Taken by a concurrent transaction between the check and the insert.
        Err(e) if is_unique_violation(&e, "tenant_domains_pkey") => {
            Err(TenancyError::DomainTaken {
                domain: domain.to_string(),
                owner: "một xã khác".to_owned(),
            })
        }
        Err(e) => Err(e.into()),
    }
}
