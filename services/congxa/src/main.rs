//! `congxa`: the command line of the platform.

use clap::{Parser, Subcommand};
use congxa::Service;
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
    /// Create the demo commune (Xã Quốc Tuấn, slug `quoctuan`) if it is missing.
    SeedDemo,
}

fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("congxa: cannot start: {error}");
            return std::process::ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("congxa: {error:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Serve { service } => {
            let name = match service {
                Service::All => "congxa".to_owned(),
                other => format!("congxa-{}", format!("{other:?}").to_lowercase()),
            };
            let telemetry = congxa_telemetry::init(&name)?;
            let served = congxa::serve(service, cli.config, Shutdown::on_signals()).await;
            telemetry.shutdown();
            served
        }
        Command::Migrate => {
            congxa_db::migrate(&cli.config.admin_database_url).await?;
            println!("Cơ sở dữ liệu đã được cập nhật.");
            Ok(())
        }
        Command::SeedDemo => {
            if congxa::seed_demo(&cli.config.admin_database_url).await? {
                println!(
                    "Đã tạo xã mẫu: {} ({}).",
                    congxa::DEMO_NAME,
                    congxa::DEMO_SLUG
                );
            } else {
                println!("Xã mẫu {} đã có sẵn.", congxa::DEMO_NAME);
            }
            Ok(())
        }
    }
}
