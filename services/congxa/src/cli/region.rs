//! `congxa region …`: provinces, and former districts that group their
//! communes.

use std::process::ExitCode;

use clap::{Args, Subcommand};
use congxa_config::Config;
use congxa_tenancy::audit::{self, Actor};
use congxa_tenancy::regions::{self, Region};
use serde_json::json;
use sqlx::Connection;

use super::{CliError, Done, Session, finish, table};

/// Manage regions: provinces and their former districts.
#[derive(Debug, Args)]
pub struct RegionArgs {
    #[command(subcommand)]
    pub command: RegionCommand,

    /// Print one JSON document on stdout instead of sentences; an error is
    /// then also printed there as {"error": {"code", "message"}}.
    #[arg(long, global = true)]
    pub json: bool,
}

#[derive(Debug, Subcommand)]
pub enum RegionCommand {
    /// Create a province, or with --parent a former district of a province.
    Create(CreateArgs),
    /// List regions, each province followed by its former districts.
    List,
}

#[derive(Debug, Args)]
pub struct CreateArgs {
    /// Short code: lowercase letters a-z, digits and inner hyphens, e.g.
    /// haiphong or haiphong-vinhbao.
    #[arg(long)]
    pub code: String,

    /// Full Vietnamese name, e.g. "Thành phố Hải Phòng".
    #[arg(long)]
    pub name: String,

    /// Code of the province a former district belongs to.
    #[arg(long, value_name = "CODE")]
    pub parent: Option<String>,
}

/// Runs a `congxa region` command and says how it ended.
pub async fn run(args: RegionArgs, config: &Config) -> ExitCode {
    match args.command {
        RegionCommand::Create(create_args) => finish(args.json, create(config, create_args).await),
        RegionCommand::List => finish(args.json, list(config).await),
    }
}

async fn create(config: &Config, args: CreateArgs) -> Result<Done<Region>, CliError> {
    let mut session = Session::open(config).await?;
    let mut tx = session.conn.begin().await?;
    let region = regions::create(&mut tx, &args.code, &args.name, args.parent.as_deref()).await?;
    audit::record(
        &mut tx,
        &Actor::command_line(),
        "region.create",
        None,
        json!({
            "code": region.code,
            "name": region.name,
            "kind": region.kind,
            "parent": region.parent_code,
        }),
    )
    .await?;
    tx.commit().await?;
    let human = format!(
        "Đã tạo vùng {} ({}): {}.",
        region.name,
        region.code,
        kind_phrase(&region)
    );
    Ok(Done {
        value: region,
        human,
    })
}

async fn list(config: &Config) -> Result<Done<Vec<Region>>, CliError> {
    let mut session = Session::open(config).await?;
    let all = regions::list(&mut session.conn).await?;
    let human = if all.is_empty() {
        "Chưa có vùng nào.".to_owned()
    } else {
        let rows: Vec<Vec<String>> = all
            .iter()
            .map(|r| {
                vec![
                    r.code.clone(),
                    r.name.clone(),
                    kind_word(&r.kind).to_owned(),
                    r.parent_code.clone().unwrap_or_else(|| "—".to_owned()),
                ]
            })
            .collect();
        let mut out = table(&["Mã", "Tên", "Loại", "Thuộc"], &rows);
        out.push_str(&format!("{} vùng.", all.len()));
        out
    };
    Ok(Done { value: all, human })
}

fn kind_word(kind: &str) -> &str {
    match kind {
        "province" => "tỉnh, thành phố",
        "former_district" => "huyện cũ",
        other => other,
    }
}

fn kind_phrase(region: &Region) -> String {
    match &region.parent_code {
        Some(parent) => format!("{} thuộc {parent}", kind_word(&region.kind)),
        None => kind_word(&region.kind).to_owned(),
    }
}
