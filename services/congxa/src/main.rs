//! `congxa`: the command line of the platform.

use std::process::ExitCode;

use clap::{Parser, Subcommand};
use congxa::Service;
use congxa::cli::{
    audit::AuditArgs, maintenance::MaintenanceArgs, operator::OperatorArgs, region::RegionArgs,
    tenant::TenantArgs, user::UserArgs,
};
use congxa_config::Config;
use congxa_web::Shutdown;

/// congxa — cổng thông tin điện tử cho xã, phường: one platform for the
/// official sites of many communes.
#[derive(Parser)]
#[command(name = "congxa", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,

    #[command(flatten)]
    config: Config,
}

#[derive(Subcommand)]
enum Command {
    /// Start a service and keep serving until stopped (SIGTERM or Ctrl-C).
    ///
    /// `all` runs the four services in one process, the simplest way to run
    /// the platform on one machine.
    Serve {
        #[arg(value_enum)]
        service: Service,
    },
    /// Bring the database schema up to date (uses the admin database URL).
    Migrate,
    /// Create the demo commune (Xã Quốc Tuấn, slug `quoctuan`, in region
    /// `haiphong`) if it is missing.
    SeedDemo,
    /// Manage communes: create, list, show, suspend, resume, and their domains.
    ///
    /// Every change is written together with its entry in the audit log.
    /// Exit code 2 means the input was refused, 1 a fault.
    Tenant(TenantArgs),
    /// Manage regions: provinces and the former districts grouping communes.
    Region(RegionArgs),
    /// Show the operators' audit log, newest first.
    Audit(AuditArgs),
    /// Announce planned downtime (at least 7 working days ahead unless an
    /// emergency), list what is coming, cancel a notice.
    Maintenance(MaintenanceArgs),
    /// Manage the accounts of the operators' console (on the platform domain).
    Operator(OperatorArgs),
    /// Manage a commune's board accounts (its editorial board, /quan-tri).
    User(UserArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("congxa: cannot start: {error}");
            return ExitCode::FAILURE;
        }
    };
    runtime.block_on(run(cli))
}

async fn run(cli: Cli) -> ExitCode {
    let config = cli.config;
    match cli.command {
        // The operators' commands choose their own exit code (2 for input).
        Command::Tenant(args) => congxa::cli::tenant::run(args, &config).await,
        Command::Region(args) => congxa::cli::region::run(args, &config).await,
        Command::Audit(args) => congxa::cli::audit::run(args, &config).await,
        Command::Maintenance(args) => congxa::cli::maintenance::run(args, &config).await,
        Command::Operator(args) => congxa::cli::operator::run(args, &config).await,
        Command::User(args) => congxa::cli::user::run(args, &config).await,
        Command::Serve { service } => failure_on_error(serve(service, config).await),
        Command::Migrate => failure_on_error(migrate(&config).await),
        Command::SeedDemo => failure_on_error(seed_demo(&config).await),
    }
}

fn failure_on_error(result: anyhow::Result<()>) -> ExitCode {
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("congxa: {error:#}");
            ExitCode::FAILURE
        }
    }
}

async fn serve(service: Service, config: Config) -> anyhow::Result<()> {
    let name = match service {
        Service::All => "congxa".to_owned(),
        other => format!("congxa-{}", format!("{other:?}").to_lowercase()),
    };
    let telemetry = congxa_telemetry::init(&name)?;
    let served = congxa::serve(service, config, Shutdown::on_signals()).await;
    telemetry.shutdown();
    served
}

async fn migrate(config: &Config) -> anyhow::Result<()> {
    congxa_db::migrate(&config.admin_database_url).await?;
    println!("Cơ sở dữ liệu đã được cập nhật.");
    Ok(())
}

async fn seed_demo(config: &Config) -> anyhow::Result<()> {
    if congxa::seed_demo(config).await? {
        println!(
            "Đã tạo xã mẫu: {} ({}).",
            congxa::DEMO_NAME,
            congxa::DEMO_SLUG
        );
    } else {
        println!(
            "Đã có sẵn xã mẫu: {} ({}).",
            congxa::DEMO_NAME,
            congxa::DEMO_SLUG
        );
    }
    Ok(())
}
