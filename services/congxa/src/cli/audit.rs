//! `congxa audit`: the operators' audit log, newest first.

use std::process::ExitCode;

use clap::Args;
use congxa_config::Config;
use congxa_tenancy::audit::{self, Entry};
use congxa_tenancy::tenants;

use super::{CliError, Done, Session, finish, local_time, table};

/// Show what operators did, newest first.
#[derive(Debug, Args)]
pub struct AuditArgs {
    /// Only what was done to this commune (its slug).
    #[arg(long, value_name = "SLUG")]
    pub tenant: Option<String>,

    /// At most this many entries.
    #[arg(long, default_value_t = 50, value_parser = clap::value_parser!(i64).range(1..=10_000))]
    pub limit: i64,

    /// Print one JSON document on stdout instead of a table; an error is then
    /// also printed there as {"error": {"code", "message"}}.
    #[arg(long)]
    pub json: bool,
}

/// Runs `congxa audit` and says how it ended.
pub async fn run(args: AuditArgs, config: &Config) -> ExitCode {
    let json = args.json;
    finish(json, list(config, args).await)
}

async fn list(config: &Config, args: AuditArgs) -> Result<Done<Vec<Entry>>, CliError> {
    let mut session = Session::open(config).await?;
    if let Some(slug) = &args.tenant {
        // A mistyped slug must not look like a commune nobody touched.
        tenants::show(&mut session.conn, &session.platform, slug).await?;
    }
    let entries = audit::list(&mut session.conn, args.tenant.as_deref(), args.limit).await?;
    let human = if entries.is_empty() {
        "Nhật ký chưa có mục nào.".to_owned()
    } else {
        let rows: Vec<Vec<String>> = entries
            .iter()
            .map(|e| {
                vec![
                    local_time(e.at),
                    e.actor.clone(),
                    e.origin.clone(),
                    e.action.clone(),
                    e.tenant_slug.clone().unwrap_or_else(|| "—".to_owned()),
                    e.details.to_string(),
                ]
            })
            .collect();
        let mut out = table(
            &["Lúc", "Người thực hiện", "Từ đâu", "Việc", "Xã", "Chi tiết"],
            &rows,
        );
        out.push_str(&format!("{} mục, mới nhất trước.", entries.len()));
        out
    };
    Ok(Done {
        value: entries,
        human,
    })
}
