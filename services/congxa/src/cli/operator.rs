//! `congxa operator create`: the first accounts of the operators' console,
//! each with a one-time password to replace at the first sign-in.

use std::process::ExitCode;

use clap::{Args, Subcommand};
use congxa_config::Config;
use congxa_tenancy::audit::{self, Actor};
use congxa_tenancy::operators::{self, Created};
use serde_json::json;
use sqlx::Connection;

use super::{CliError, Done, Session, finish};

/// Manage the accounts of the operators' console.
#[derive(Debug, Args)]
pub struct OperatorArgs {
    #[command(subcommand)]
    pub command: OperatorCommand,

    /// Print one JSON document on stdout instead of sentences.
    #[arg(long, global = true)]
    pub json: bool,
}

#[derive(Debug, Subcommand)]
pub enum OperatorCommand {
    /// Create an operator and print a one-time password for the first
    /// sign-in (it must be replaced then).
    Create {
        /// E-mail address, used to sign in.
        #[arg(long)]
        email: String,
        /// Full name.
        #[arg(long)]
        name: String,
        /// Code of the region the operator manages; without it, the whole
        /// platform.
        #[arg(long, value_name = "CODE")]
        region: Option<String>,
    },
}

pub async fn run(args: OperatorArgs, config: &Config) -> ExitCode {
    match args.command {
        OperatorCommand::Create {
            email,
            name,
            region,
        } => finish(
            args.json,
            create(config, &email, &name, region.as_deref()).await,
        ),
    }
}

async fn create(
    config: &Config,
    email: &str,
    name: &str,
    region: Option<&str>,
) -> Result<Done<Created>, CliError> {
    let mut session = Session::open(config).await?;
    let mut tx = session.conn.begin().await?;
    let created = operators::create(&mut tx, email, name, region).await?;
    audit::record(
        &mut tx,
        &Actor::command_line(),
        "operator.create",
        None,
        json!({ "email": created.operator.email, "region": created.operator.region_code }),
    )
    .await?;
    tx.commit().await?;
    let scope = match &created.operator.region_code {
        Some(code) => format!("vùng {code}"),
        None => "toàn nền tảng".to_owned(),
    };
    let human = format!(
        "Đã tạo tài khoản vận hành {} <{}> ({scope}).\n\
         Mật khẩu dùng một lần: {}\n\
         Đăng nhập tại http://{}/dang-nhap và đặt mật khẩu mới ngay lần đầu.",
        created.operator.name, created.operator.email, created.one_time_password, session.platform
    );
    Ok(Done {
        value: created,
        human,
    })
}
