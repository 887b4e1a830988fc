//! `congxa user`: a commune's board accounts from the command line, for
//! operators setting a commune up (the head's first account) or helping a
//! board member who lost their password.

use std::process::ExitCode;

use clap::{Args, Subcommand, ValueEnum};
use congxa_board::Role;
use congxa_board::accounts::{self, Created};
use congxa_config::Config;
use congxa_tenancy::audit::{self, Actor};
use congxa_tenancy::{DomainName, tenants};
use serde::Serialize;
use serde_json::json;
use sqlx::{Connection, PgConnection};
use uuid::Uuid;

use super::{CliError, Done, Session, finish};

/// Manage a commune's board accounts.
#[derive(Debug, Args)]
pub struct UserArgs {
    #[command(subcommand)]
    pub command: UserCommand,

    /// Print one JSON document on stdout instead of sentences.
    #[arg(long, global = true)]
    pub json: bool,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum RoleArg {
    /// Trưởng ban.
    Head,
    /// Phó trưởng ban.
    Deputy,
    /// Ủy viên.
    Member,
    /// Cán bộ, công chức gửi tin bài.
    Contributor,
}

impl From<RoleArg> for Role {
    fn from(role: RoleArg) -> Self {
        match role {
            RoleArg::Head => Role::Head,
            RoleArg::Deputy => Role::Deputy,
            RoleArg::Member => Role::Member,
            RoleArg::Contributor => Role::Contributor,
        }
    }
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Create a board account and print a one-time password (replaced at the
    /// first sign-in on the commune's site, /quan-tri).
    Create {
        /// The commune's slug.
        #[arg(long)]
        tenant: String,
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: String,
        #[arg(long, value_enum)]
        role: RoleArg,
    },
    /// Give an account a new one-time password; its sessions end.
    ResetPassword {
        #[arg(long)]
        tenant: String,
        #[arg(long)]
        email: String,
    },
}

pub async fn run(args: UserArgs, config: &Config) -> ExitCode {
    match args.command {
        UserCommand::Create {
            tenant,
            email,
            name,
            role,
        } => finish(
            args.json,
            create(config, &tenant, &email, &name, role.into()).await,
        ),
        UserCommand::ResetPassword { tenant, email } => {
            finish(args.json, reset(config, &tenant, &email).await)
        }
    }
}

/// Acts for one commune in `conn`'s transaction: its board tables are under
/// row-level security.
async fn act_for(
    conn: &mut PgConnection,
    platform: &DomainName,
    slug: &str,
) -> Result<Uuid, CliError> {
    let tenant = tenants::show(conn, platform, slug).await?;
    congxa_db::act_for(conn, Some(tenant.id)).await?;
    Ok(tenant.id)
}

/// Creates a board account in a transaction that acts for the commune, with
/// its audit entry. Also used by `tenant create --admin-email`.
pub async fn create_in(
    conn: &mut PgConnection,
    tenant: Uuid,
    email: &str,
    name: &str,
    role: Role,
) -> Result<Created, CliError> {
    congxa_db::act_for(conn, Some(tenant)).await?;
    let created = accounts::create(conn, tenant, email, name, role).await?;
    audit::record(
        conn,
        &Actor::command_line(),
        "board.account.create",
        Some(tenant),
        json!({ "email": created.account.email, "role": role.code() }),
    )
    .await?;
    Ok(created)
}

async fn create(
    config: &Config,
    slug: &str,
    email: &str,
    name: &str,
    role: Role,
) -> Result<Done<Created>, CliError> {
    let mut session = Session::open(config).await?;
    let mut tx = session.conn.begin().await?;
    let tenant = tenants::show(&mut tx, &session.platform, slug).await?.id;
    let created = create_in(&mut tx, tenant, email, name, role).await?;
    tx.commit().await?;
    let human = format!(
        "Đã tạo tài khoản {} <{}> ({}) cho {slug}.\n\
         Mật khẩu dùng một lần: {}\n\
         Đăng nhập tại http://{slug}.{}/quan-tri và đặt mật khẩu mới ngay lần đầu.",
        created.account.name,
        created.account.email,
        role.name(),
        created.one_time_password,
        session.platform
    );
    Ok(Done {
        value: created,
        human,
    })
}

#[derive(Serialize)]
struct Reset {
    email: String,
    one_time_password: String,
}

async fn reset(config: &Config, slug: &str, email: &str) -> Result<Done<Reset>, CliError> {
    let mut session = Session::open(config).await?;
    let mut tx = session.conn.begin().await?;
    let tenant = act_for(&mut tx, &session.platform, slug).await?;
    let email = email.trim().to_lowercase();
    let account = sqlx::query_scalar!("SELECT id FROM board_accounts WHERE email = $1", email)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(congxa_board::BoardError::AccountNotFound)?;
    let one_time_password = accounts::reset_password(&mut tx, account).await?;
    audit::record(
        &mut tx,
        &Actor::command_line(),
        "board.account.reset_password",
        Some(tenant),
        json!({ "email": email }),
    )
    .await?;
    tx.commit().await?;
    let human = format!("Mật khẩu dùng một lần mới của {email}: {one_time_password}");
    Ok(Done {
        value: Reset {
            email,
            one_time_password,
        },
        human,
    })
}
