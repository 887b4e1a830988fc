//! `congxa tenant …`: create, list and show communes, suspend and resume
//! them, and attach or detach their domains.

use std::process::ExitCode;

use clap::{Args, Subcommand, ValueEnum};
use congxa_config::Config;
use congxa_tenancy::audit::Actor;
use congxa_tenancy::tenants::{self, Filter, NewTenant, Status, Summary, Tenant};
use congxa_tenancy::{DomainName, regions};
use serde::Serialize;
use sqlx::Connection;

use super::{CliError, Done, Session, finish, kind_word, local_time, status_word, table};

/// Manage communes (xã, phường, đặc khu).
#[derive(Debug, Args)]
pub struct TenantArgs {
    #[command(subcommand)]
    pub command: TenantCommand,

    /// Print one JSON document on stdout instead of sentences; an error is
    /// then also printed there as {"error": {"code", "message"}}.
    #[arg(long, global = true)]
    pub json: bool,
}

#[derive(Debug, Subcommand)]
pub enum TenantCommand {
    /// Create a commune; it answers at once at http://<slug>.<platform domain>/.
    Create(CreateArgs),
    /// List communes in slug order, filtered, one page at a time.
    List(ListArgs),
    /// Show a commune: its addresses, domains, region and status.
    Show {
        /// The commune's slug, e.g. quoctuan.
        slug: String,
    },
    /// Suspend a commune: its site shows a "temporarily closed" page until
    /// it is resumed. Suspending a suspended commune changes nothing.
    Suspend {
        /// The commune's slug.
        slug: String,
    },
    /// Resume a suspended commune. Resuming an active commune changes nothing.
    Resume {
        /// The commune's slug.
        slug: String,
    },
    /// Attach a domain (under .vn, not under the platform domain) to a commune.
    AddDomain {
        /// The commune's slug.
        slug: String,
        /// The domain, e.g. quoctuan.haiphong.gov.vn.
        domain: String,
        /// Make it the primary domain; the others become aliases.
        #[arg(long)]
        primary: bool,
    },
    /// Detach a domain from a commune. If it was the primary one, the
    /// automatic address <slug>.<platform domain> takes its place.
    RemoveDomain {
        /// The commune's slug.
        slug: String,
        /// The domain to detach.
        domain: String,
    },
    /// Merge communes into another (as in the 2025 reorganisation): content,
    /// documents, files, board history and visit totals move; every old
    /// address redirects to where its item went. --dry-run shows what would move.
    Merge(super::merge::MergeArgs),
    /// Write a commune (content, metadata, files) into one archive, to
    /// restore on another platform with `congxa tenant import`.
    Export {
        /// The commune's slug.
        slug: String,
        /// Where to write it; <slug>-<date>.congxa.tar.gz by default.
        #[arg(long, short)]
        output: Option<std::path::PathBuf>,
    },
    /// Restore a commune from an archive written by `congxa tenant export`.
    Import {
        /// The archive.
        archive: std::path::PathBuf,
    },
    /// Make one of a commune's domains its primary one; the others become aliases.
    SetPrimary {
        /// The commune's slug.
        slug: String,
        /// One of the commune's domains.
        domain: String,
    },
}

#[derive(Debug, Args)]
pub struct CreateArgs {
    /// Short name used in addresses: lowercase letters a-z, digits and inner
    /// hyphens, e.g. quoctuan.
    #[arg(long)]
    pub slug: String,

    /// Full Vietnamese name, e.g. "Xã Quốc Tuấn".
    #[arg(long)]
    pub name: String,

    /// Kind of unit; read from the name ("Xã …", "Phường …", "Đặc khu …")
    /// when not given.
    #[arg(long, value_name = "xa|phuong|dac_khu")]
    pub kind: Option<String>,

    /// Code of its region (see `congxa region list`).
    #[arg(long, value_name = "CODE")]
    pub region: Option<String>,

    /// Its own domain, which becomes the primary one, e.g. quoctuan.haiphong.gov.vn.
    #[arg(long)]
    pub domain: Option<String>,

    /// E-mail of the board's head: their account is created with a
    /// one-time password, printed once.
    #[arg(long, requires = "admin_name")]
    pub admin_email: Option<String>,

    /// Full name of the board's head.
    #[arg(long, requires = "admin_email")]
    pub admin_name: Option<String>,
}

#[derive(Debug, Args)]
pub struct ListArgs {
    /// Only communes of this region; a province includes its former districts.
    #[arg(long, value_name = "CODE")]
    pub region: Option<String>,

    /// Only communes with this status.
    #[arg(long, value_enum)]
    pub status: Option<StatusFilter>,

    /// Only communes whose slug or name contains this text.
    #[arg(long, value_name = "TEXT")]
    pub search: Option<String>,

    /// At most this many communes.
    #[arg(long, default_value_t = 100, value_parser = clap::value_parser!(i64).range(1..=10_000))]
    pub limit: i64,

    /// Skip this many communes first (for the next page).
    #[arg(long, default_value_t = 0, value_parser = clap::value_parser!(i64).range(0..))]
    pub offset: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum StatusFilter {
    Active,
    Suspended,
    Merged,
}

impl StatusFilter {
    fn code(self) -> &'static str {
        match self {
            StatusFilter::Active => "active",
            StatusFilter::Suspended => "suspended",
            StatusFilter::Merged => "merged",
        }
    }
}

/// Runs a `congxa tenant` command and says how it ended.
pub async fn run(args: TenantArgs, config: &Config) -> ExitCode {
    let json = args.json;
    match args.command {
        TenantCommand::Create(create_args) => finish(json, create(config, create_args).await),
        TenantCommand::List(list_args) => finish(json, list(config, list_args).await),
        TenantCommand::Show { slug } => finish(json, show(config, &slug).await),
        TenantCommand::Suspend { slug } => {
            finish(json, set_status(config, &slug, Status::Suspended).await)
        }
        TenantCommand::Resume { slug } => {
            finish(json, set_status(config, &slug, Status::Active).await)
        }
        TenantCommand::AddDomain {
            slug,
            domain,
            primary,
        } => finish(json, add_domain(config, &slug, &domain, primary).await),
        TenantCommand::RemoveDomain { slug, domain } => {
            finish(json, remove_domain(config, &slug, &domain).await)
        }
        TenantCommand::Merge(merge_args) => {
            finish(json, super::merge::run(config, merge_args).await)
        }
        TenantCommand::Export { slug, output } => {
            finish(json, super::archive::export(config, &slug, output).await)
        }
        TenantCommand::Import { archive } => {
            finish(json, super::archive::import(config, &archive).await)
        }
        TenantCommand::SetPrimary { slug, domain } => {
            finish(json, set_primary(config, &slug, &domain).await)
        }
    }
}

/// A new commune and, when asked for, its board head's first account.
#[derive(serde::Serialize)]
struct Provisioned {
    #[serde(flatten)]
    tenant: Tenant,
    #[serde(skip_serializing_if = "Option::is_none")]
    head: Option<congxa_board::accounts::Created>,
}

async fn create(config: &Config, args: CreateArgs) -> Result<Done<Provisioned>, CliError> {
    let mut session = Session::open(config).await?;
    let new = NewTenant {
        slug: args.slug,
        name: args.name,
        kind: args.kind,
        region: args.region,
        domain: args.domain,
    };
    let mut tx = session.conn.begin().await?;
    let tenant =
        tenants::provision(&mut tx, &session.platform, &new, &Actor::command_line()).await?;
    let head = match (&args.admin_email, &args.admin_name) {
        (Some(email), Some(name)) => Some(
            super::user::create_in(&mut tx, tenant.id, email, name, congxa_board::Role::Head)
                .await?,
        ),
        _ => None,
    };
    tx.commit().await?;
    let mut human = format!(
        "Đã tạo {} ({}).\n{}",
        tenant.name,
        tenant.slug,
        describe(&tenant)
    );
    if let Some(head) = &head {
        human.push_str(&format!(
            "\nTài khoản trưởng ban biên tập: {} <{}>, mật khẩu dùng một lần: {}\n\
             Đăng nhập tại http://{}/quan-tri và đặt mật khẩu mới ngay lần đầu.",
            head.account.name, head.account.email, head.one_time_password, tenant.automatic_domain
        ));
    }
    Ok(Done {
        value: Provisioned { tenant, head },
        human,
    })
}

async fn list(config: &Config, args: ListArgs) -> Result<Done<Vec<Summary>>, CliError> {
    let mut session = Session::open(config).await?;
    if let Some(code) = &args.region {
        // An unknown code is a typo to point out, not an empty province.
        regions::find(&mut session.conn, code).await?;
    }
    let filter = Filter {
        region: args.region,
        status: args.status.map(|s| s.code().to_owned()),
        search: args.search,
        limit: args.limit,
        offset: args.offset,
    };
    let communes = tenants::list(&mut session.conn, &filter).await?;
    let human = summary_table(&communes, &filter);
    Ok(Done {
        value: communes,
        human,
    })
}

async fn show(config: &Config, slug: &str) -> Result<Done<Tenant>, CliError> {
    let mut session = Session::open(config).await?;
    let tenant = tenants::show(&mut session.conn, &session.platform, slug).await?;
    let human = format!("{} ({})\n{}", tenant.name, tenant.slug, describe(&tenant));
    Ok(Done {
        value: tenant,
        human,
    })
}

/// A commune after a suspend or resume, and whether that changed anything.
#[derive(Debug, Serialize)]
pub struct StatusChange {
    #[serde(flatten)]
    pub tenant: Tenant,
    pub changed: bool,
}

async fn set_status(
    config: &Config,
    slug: &str,
    status: Status,
) -> Result<Done<StatusChange>, CliError> {
    let mut session = Session::open(config).await?;
    let mut tx = session.conn.begin().await?;
    let (tenant, changed) = tenants::set_status(
        &mut tx,
        &session.platform,
        slug,
        status,
        &Actor::command_line(),
    )
    .await?;
    tx.commit().await?;
    let headline = match (status, changed) {
        (Status::Suspended, true) => format!(
            "Đã tạm ngừng {} ({}): trang của xã báo tạm ngừng hoạt động.",
            tenant.name, tenant.slug
        ),
        (Status::Suspended, false) => format!(
            "{} ({}) vốn đã tạm ngừng; không có gì thay đổi.",
            tenant.name, tenant.slug
        ),
        (Status::Active, true) => {
            format!("{} ({}) đã hoạt động trở lại.", tenant.name, tenant.slug)
        }
        (Status::Active, false) => format!(
            "{} ({}) vốn đang hoạt động; không có gì thay đổi.",
            tenant.name, tenant.slug
        ),
    };
    let human = format!("{headline}\n{}", describe(&tenant));
    Ok(Done {
        value: StatusChange { tenant, changed },
        human,
    })
}

async fn add_domain(
    config: &Config,
    slug: &str,
    domain: &str,
    primary: bool,
) -> Result<Done<Tenant>, CliError> {
    let mut session = Session::open(config).await?;
    let mut tx = session.conn.begin().await?;
    let actor = Actor::command_line();
    let tenant =
        tenants::add_domain(&mut tx, &session.platform, slug, domain, primary, &actor).await?;
    tx.commit().await?;
    let domain = normalised(domain);
    let role = if primary {
        " làm tên miền chính"
    } else {
        ""
    };
    let human = format!(
        "Đã gắn tên miền {domain} cho {} ({}){role}.\n{}",
        tenant.name,
        tenant.slug,
        describe(&tenant)
    );
    Ok(Done {
        value: tenant,
        human,
    })
}

async fn remove_domain(
    config: &Config,
    slug: &str,
    domain: &str,
) -> Result<Done<Tenant>, CliError> {
    let mut session = Session::open(config).await?;
    let mut tx = session.conn.begin().await?;
    let actor = Actor::command_line();
    let tenant = tenants::remove_domain(&mut tx, &session.platform, slug, domain, &actor).await?;
    tx.commit().await?;
    let domain = normalised(domain);
    let mut human = format!(
        "Đã gỡ tên miền {domain} khỏi {} ({}).",
        tenant.name, tenant.slug
    );
    if tenants::primary_of(&tenant).is_none() {
        human.push_str(&format!(
            " Địa chỉ chính nay là http://{}/.",
            tenant.automatic_domain
        ));
    }
    human = format!("{human}\n{}", describe(&tenant));
    Ok(Done {
        value: tenant,
        human,
    })
}

async fn set_primary(config: &Config, slug: &str, domain: &str) -> Result<Done<Tenant>, CliError> {
    let mut session = Session::open(config).await?;
    let mut tx = session.conn.begin().await?;
    let actor = Actor::command_line();
    let tenant = tenants::set_primary(&mut tx, &session.platform, slug, domain, &actor).await?;
    tx.commit().await?;
    let domain = normalised(domain);
    let human = format!(
        "Tên miền chính của {} ({}) nay là {domain}.\n{}",
        tenant.name,
        tenant.slug,
        describe(&tenant)
    );
    Ok(Done {
        value: tenant,
        human,
    })
}

/// The domain as stored, for messages and the audit log (the tenancy
/// functions have accepted it by then, so it parses).
fn normalised(domain: &str) -> String {
    DomainName::typed(domain).map_or_else(|_| domain.to_owned(), |d| d.to_string())
}

/// A commune's particulars, one per line, for people.
fn describe(tenant: &Tenant) -> String {
    let region = match (&tenant.region_name, &tenant.region_code) {
        (Some(name), Some(code)) => format!("{name} ({code})"),
        _ => "(chưa gán)".to_owned(),
    };
    let mut lines = vec![
        ("Loại", kind_word(&tenant.kind).to_owned()),
        ("Vùng", region),
        ("Trạng thái", status_word(&tenant.status).to_owned()),
        ("Địa chỉ", format!("http://{}/", tenant.automatic_domain)),
    ];
    if let Some(into) = &tenant.merged_into {
        lines.push(("Gộp vào", into.clone()));
    }
    if tenant.domains.is_empty() {
        lines.push(("Tên miền", "(chưa có)".to_owned()));
    }
    for (index, domain) in tenant.domains.iter().enumerate() {
        let label = if index == 0 { "Tên miền" } else { "" };
        let role = if domain.primary { " (chính)" } else { "" };
        lines.push((label, format!("{}{role}", domain.domain)));
    }
    lines.push(("Tạo lúc", local_time(tenant.created_at)));

    let mut out = String::new();
    for (label, value) in lines {
        let label = if label.is_empty() {
            String::new()
        } else {
            format!("{label}:")
        };
        out.push_str(&format!("  {label:<12}{value}\n"));
    }
    out
}

fn summary_table(communes: &[Summary], filter: &Filter) -> String {
    if communes.is_empty() {
        return if filter.offset > 0 {
            format!("Không còn đơn vị nào sau {} đơn vị đầu.", filter.offset)
        } else {
            "Không có đơn vị nào khớp.".to_owned()
        };
    }
    let rows: Vec<Vec<String>> = communes
        .iter()
        .map(|c| {
            vec![
                c.slug.clone(),
                c.name.clone(),
                kind_word(&c.kind).to_owned(),
                c.region_code.clone().unwrap_or_else(|| "—".to_owned()),
                status_word(&c.status).to_owned(),
                c.primary_domain.clone().unwrap_or_else(|| "—".to_owned()),
            ]
        })
        .collect();
    let mut out = table(
        &[
            "Tên định danh",
            "Tên",
            "Loại",
            "Vùng",
            "Trạng thái",
            "Tên miền chính",
        ],
        &rows,
    );
    let shown = communes.len();
    out.push_str(&format!("{shown} đơn vị."));
    if i64::try_from(shown).is_ok_and(|n| n == filter.limit) {
        out.push_str(&format!(
            " Có thể còn nữa: thêm --offset {}.",
            filter.offset + filter.limit
        ));
    }
    out
}
