//! `congxa maintenance …`: announce planned downtime of a commune, a region
//! or the whole platform, list what is coming, and withdraw a notice.

use std::fmt;
use std::process::ExitCode;

use clap::{ArgGroup, Args, Subcommand};
use congxa_config::Config;
use congxa_locale::time::{parse_local, time_and_date};
use congxa_tenancy::audit::Actor;
use congxa_tenancy::maintenance::{self, Announcement, Cancellation as Outcome, Notice, Scope};
use congxa_tenancy::{DomainName, regions, tenants};
use serde::Serialize;
use sqlx::{Connection, PgConnection};
use time::OffsetDateTime;

use super::{CliError, Done, Session, finish, local_time, table};

/// Announce, list and cancel planned downtime.
#[derive(Debug, Args)]
pub struct MaintenanceArgs {
    #[command(subcommand)]
    pub command: MaintenanceCommand,

    /// Print one JSON document on stdout instead of sentences; an error is
    /// then also printed there as {"error": {"code", "message"}}.
    #[arg(long, global = true)]
    pub json: bool,
}

#[derive(Debug, Subcommand)]
pub enum MaintenanceCommand {
    /// Announce downtime of one commune, a region or the whole platform; the
    /// sites concerned show it until it is over. It must be announced at
    /// least 7 working days ahead (Decree 224/2026 Art. 13) unless it is an
    /// emergency.
    Announce(AnnounceArgs),
    /// List the notices not yet over and not cancelled, soonest first.
    List,
    /// Withdraw a notice (its number is in `maintenance list`). Cancelling a
    /// notice already cancelled or over changes nothing.
    Cancel {
        /// The notice's number.
        id: i64,
    },
}

#[derive(Debug, Args)]
#[command(group(ArgGroup::new("scope").required(true).args(["tenant", "region", "platform"])))]
pub struct AnnounceArgs {
    /// One commune (its slug).
    #[arg(long, value_name = "SLUG")]
    pub tenant: Option<String>,

    /// Every commune of a region; a province includes its former districts.
    #[arg(long, value_name = "CODE")]
    pub region: Option<String>,

    /// Every commune on the platform.
    #[arg(long)]
    pub platform: bool,

    /// When the downtime starts, in Vietnam's time: "2026-12-10 22:00" or
    /// "10/12/2026 22:00".
    #[arg(long, value_name = "TIME")]
    pub from: String,

    /// When the sites are expected back, in the same form.
    #[arg(long, value_name = "TIME")]
    pub until: String,

    /// A sentence added to the banner, e.g. "Nâng cấp máy chủ."
    #[arg(long, value_name = "TEXT")]
    pub message: Option<String>,

    /// An urgent fix that cannot wait the 7 working days; the notice is
    /// marked as such.
    #[arg(long)]
    pub emergency: bool,
}

impl AnnounceArgs {
    fn scope(&self) -> Scope {
        match (&self.tenant, &self.region) {
            (Some(slug), _) => Scope::Tenant(slug.clone()),
            (None, Some(code)) => Scope::Region(code.clone()),
            (None, None) => Scope::Platform,
        }
    }

    /// The announcement, once both times have been read.
    fn announcement(&self) -> Result<Announcement, InvalidTime> {
        Ok(Announcement {
            scope: self.scope(),
            starts_at: read_time("--from", &self.from)?,
            ends_at: read_time("--until", &self.until)?,
            message: self.message.clone().unwrap_or_default(),
            emergency: self.emergency,
        })
    }
}

/// A time the operator typed that cannot be read.
#[derive(Debug)]
struct InvalidTime {
    flag: &'static str,
    raw: String,
}

impl fmt::Display for InvalidTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "Không đọc được thời điểm “{}” ({}): hãy viết theo giờ Việt Nam, dạng 2026-12-10 22:00 hoặc 10/12/2026 22:00.",
            self.raw, self.flag
        )
    }
}

fn read_time(flag: &'static str, raw: &str) -> Result<OffsetDateTime, InvalidTime> {
    parse_local(raw).ok_or_else(|| InvalidTime {
        flag,
        raw: raw.to_owned(),
    })
}

impl From<InvalidTime> for CliError {
    fn from(error: InvalidTime) -> Self {
        CliError::Refused {
            code: "invalid_time",
            message: error.to_string(),
        }
    }
}

/// Runs a `congxa maintenance` command and says how it ended.
pub async fn run(args: MaintenanceArgs, config: &Config) -> ExitCode {
    let json = args.json;
    match args.command {
        MaintenanceCommand::Announce(announce_args) => {
            let announced = match announce_args.announcement() {
                Ok(announcement) => announce(config, announcement).await,
                Err(error) => Err(error.into()),
            };
            finish(json, announced)
        }
        MaintenanceCommand::List => finish(json, list(config).await),
        MaintenanceCommand::Cancel { id } => finish(json, cancel(config, id).await),
    }
}

/// A notice just announced, with the banner citizens will read.
#[derive(Debug, Serialize)]
pub struct Announced {
    #[serde(flatten)]
    pub notice: Notice,
    pub banner: String,
}

async fn announce(
    config: &Config,
    announcement: Announcement,
) -> Result<Done<Announced>, CliError> {
    let mut session = Session::open(config).await?;
    let actor = Actor::command_line();
    let mut tx = session.conn.begin().await?;
    let notice =
        maintenance::announce(&mut tx, &actor, OffsetDateTime::now_utc(), &announcement).await?;
    let concerned = concerned(&mut tx, &session.platform, &notice).await?;
    tx.commit().await?;

    let mut human = format!(
        "Đã thông báo bảo trì số {} cho {}: từ {} đến {}.",
        notice.id,
        concerned,
        time_and_date(notice.starts_at),
        time_and_date(notice.ends_at)
    );
    if notice.emergency {
        human.push_str(
            "\nĐã đánh dấu là khẩn cấp: không cần báo trước 7 ngày làm việc (Nghị định 224/2026/NĐ-CP, Điều 13).",
        );
    }
    let banner = notice.banner();
    human.push_str(&format!(
        "\nNgười dân sẽ thấy trên trang cho đến khi bảo trì xong:\n  {banner}"
    ));
    Ok(Done {
        value: Announced { notice, banner },
        human,
    })
}

async fn list(config: &Config) -> Result<Done<Vec<Notice>>, CliError> {
    let mut session = Session::open(config).await?;
    let notices = maintenance::upcoming(&mut session.conn, OffsetDateTime::now_utc()).await?;
    let human = if notices.is_empty() {
        "Không có đợt bảo trì nào sắp tới.".to_owned()
    } else {
        let rows: Vec<Vec<String>> = notices
            .iter()
            .map(|n| {
                vec![
                    n.id.to_string(),
                    scope_word(n),
                    local_time(n.starts_at),
                    local_time(n.ends_at),
                    if n.emergency { "có" } else { "không" }.to_owned(),
                    if n.message.is_empty() {
                        "—".to_owned()
                    } else {
                        n.message.clone()
                    },
                ]
            })
            .collect();
        let mut out = table(
            &["Số", "Phạm vi", "Từ", "Đến", "Khẩn cấp", "Nội dung"],
            &rows,
        );
        out.push_str(&format!("{} thông báo, sớm nhất trước.", notices.len()));
        out
    };
    Ok(Done {
        value: notices,
        human,
    })
}

#[derive(Debug, Serialize)]
pub struct Cancellation {
    pub id: i64,
    pub changed: bool,
    pub outcome: Outcome,
}

async fn cancel(config: &Config, id: i64) -> Result<Done<Cancellation>, CliError> {
    let mut session = Session::open(config).await?;
    let mut tx = session.conn.begin().await?;
    let now = OffsetDateTime::now_utc();
    let outcome = maintenance::cancel(&mut tx, &Actor::command_line(), id, now).await?;
    tx.commit().await?;
    let human = match outcome {
        Outcome::Cancelled => {
            format!("Đã hủy thông báo bảo trì số {id}; các trang không còn hiện thông báo này.")
        }
        Outcome::AlreadyCancelled => {
            format!("Thông báo bảo trì số {id} đã được hủy trước đó; không có gì thay đổi.")
        }
        Outcome::AlreadyOver => {
            format!("Đợt bảo trì số {id} đã kết thúc; không có gì thay đổi.")
        }
    };
    Ok(Done {
        value: Cancellation {
            id,
            changed: outcome == Outcome::Cancelled,
            outcome,
        },
        human,
    })
}

/// Whom a notice concerns, in words for people.
async fn concerned(
    conn: &mut PgConnection,
    platform: &DomainName,
    notice: &Notice,
) -> Result<String, CliError> {
    Ok(match (&notice.tenant_slug, &notice.region_code) {
        (Some(slug), _) => {
            let tenant = tenants::show(conn, platform, slug).await?;
            format!("{} ({})", tenant.name, tenant.slug)
        }
        (None, Some(code)) => {
            let region = regions::find(conn, code).await?;
            format!("mọi xã, phường thuộc {} ({})", region.name, region.code)
        }
        (None, None) => "mọi xã, phường trên nền tảng".to_owned(),
    })
}

/// The "phạm vi" column: which sites a notice concerns.
fn scope_word(notice: &Notice) -> String {
    match (&notice.tenant_slug, &notice.region_code) {
        (Some(slug), _) => format!("xã {slug}"),
        (None, Some(code)) => format!("vùng {code}"),
        (None, None) => "toàn nền tảng".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Parser)]
    struct Cli {
        #[command(flatten)]
        args: MaintenanceArgs,
    }

    fn parse(args: &[&str]) -> Result<Cli, clap::Error> {
        Cli::try_parse_from([&["congxa"], args].concat())
    }

    #[test]
    fn exactly_one_scope_is_required() {
        let times = ["--from", "2026-12-10 22:00", "--until", "2026-12-11 02:00"];
        let announce = |scope: &[&str]| parse(&[&["announce"], scope, &times].concat());

        assert!(announce(&["--platform"]).is_ok());
        assert!(announce(&["--tenant", "quoctuan"]).is_ok());
        assert!(announce(&[]).is_err());
        assert!(announce(&["--tenant", "quoctuan", "--platform"]).is_err());
        assert!(announce(&["--tenant", "quoctuan", "--region", "haiphong"]).is_err());
    }

    #[test]
    fn times_are_read_in_vietnam_or_refused_naming_the_flag() {
        let cli = parse(&[
            "announce",
            "--platform",
            "--from",
            "10/12/2026 22:00",
            "--until",
            "ngày mai",
        ])
        .unwrap();
        let MaintenanceCommand::Announce(args) = cli.args.command else {
            panic!("announce was parsed as another command");
        };

        let error = args.announcement().unwrap_err();

        assert_eq!(error.flag, "--until");
        assert!(error.to_string().contains("“ngày mai” (--until)"));
        assert_eq!(
            read_time("--from", &args.from).unwrap(),
            time::macros::datetime!(2026-12-10 15:00 UTC)
        );
    }
}
