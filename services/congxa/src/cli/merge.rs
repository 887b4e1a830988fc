//! `congxa tenant merge --into <new> <old>...`: the old communes' content,
//! files, board history and visit totals move into the new one, and their
//! addresses redirect to where each item went (see congxa_tenancy::merge).

use std::time::Duration;

use clap::Args;
use congxa_analytics::live as counters;
use congxa_config::Config;
use congxa_locale::number::grouped;
use congxa_tenancy::audit::Actor;
use congxa_tenancy::merge::{self, Merge, Source};
use congxa_tenancy::tenants;
use serde::Serialize;
use sqlx::Connection;

use super::{CliError, Done, Session};

/// How long the visit counter may take to answer.
const COUNTER_WAIT: Duration = Duration::from_secs(5);

#[derive(Debug, Args)]
pub struct MergeArgs {
    /// The commune that takes everything in, e.g. quoctuan.
    #[arg(long, value_name = "SLUG")]
    pub into: String,

    /// The communes merged into it.
    #[arg(required = true, value_name = "OLD_SLUG")]
    pub from: Vec<String>,

    /// Show what would move, and change nothing.
    #[arg(long)]
    pub dry_run: bool,
}

#[derive(Debug, Serialize)]
pub struct Outcome {
    pub dry_run: bool,
    #[serde(flatten)]
    pub merge: Merge,
}

pub async fn run(config: &Config, args: MergeArgs) -> Result<Done<Outcome>, CliError> {
    let mut session = Session::open(config).await?;
    tenants::show(&mut session.conn, &session.platform, &args.into).await?;
    let mut ids = Vec::new();
    for slug in &args.from {
        ids.push(
            tenants::show(&mut session.conn, &session.platform, slug)
                .await?
                .id,
        );
    }
    // The visit totals move with the content: without the counter there
    // would be nothing exact to move, so nothing is merged.
    let mut counter = connect_counter(config).await?;
    let keys = congxa_analytics::keys::Keys::new(&config.redis_prefix);
    let mut sources = Vec::new();
    for (slug, id) in args.from.iter().zip(&ids) {
        let counted = tokio::time::timeout(COUNTER_WAIT, counters::total(&mut counter, &keys, *id))
            .await
            .map_err(|_| counter_down("không trả lời kịp"))?
            .map_err(|e| counter_down(&e.to_string()))?;
        sources.push(Source {
            slug: slug.clone(),
            counted_visits: i64::try_from(counted).unwrap_or(i64::MAX),
        });
    }

    let mut tx = session.conn.begin().await?;
    let merged = merge::merge(&mut tx, &args.into, &sources, &Actor::command_line()).await?;
    if args.dry_run {
        tx.rollback().await?;
    } else {
        tx.commit().await?;
        // Moved into PostgreSQL; should clearing fail, the old commune's
        // counter is never shown again anyway.
        for id in &ids {
            if let Err(error) = counters::clear_total(&mut counter, &keys, *id).await {
                tracing::warn!(%error, "the merged commune's visit counter was not cleared");
            }
        }
    }
    let human = describe(&merged, args.dry_run);
    Ok(Done {
        value: Outcome {
            dry_run: args.dry_run,
            merge: merged,
        },
        human,
    })
}

async fn connect_counter(config: &Config) -> Result<redis::aio::MultiplexedConnection, CliError> {
    let client =
        redis::Client::open(config.redis_url.as_str()).map_err(|e| counter_down(&e.to_string()))?;
    tokio::time::timeout(COUNTER_WAIT, client.get_multiplexed_async_connection())
        .await
        .map_err(|_| counter_down("không trả lời kịp"))?
        .map_err(|e| counter_down(&e.to_string()))
}

fn counter_down(why: &str) -> CliError {
    CliError::Fault {
        code: "counter_unavailable",
        message: format!(
            "Không đọc được bộ đếm lượt truy cập (Redis: {why}); chưa gộp gì. Hãy thử lại khi Redis hoạt động."
        ),
    }
}

fn describe(merged: &Merge, dry_run: bool) -> String {
    let mut out = if dry_run {
        format!(
            "Chạy thử: chưa thay đổi gì. Nếu gộp vào {} ({}), sẽ chuyển:\n",
            merged.into.name, merged.into.slug
        )
    } else {
        format!("Đã gộp vào {} ({}):\n", merged.into.name, merged.into.slug)
    };
    for moved in &merged.from {
        out.push_str(&format!(
            "- {} ({}): {} tin bài và mục, {} văn bản, {} tệp, {} câu hỏi của người dân, {} tài khoản ban biên tập; {} lượt truy cập.\n",
            moved.commune.name,
            moved.commune.slug,
            grouped(count(moved.count("items"))),
            grouped(count(moved.count("documents"))),
            grouped(count(moved.count("media_files"))),
            grouped(count(moved.count("questions"))),
            grouped(count(moved.count("board_accounts") + moved.accounts_joined)),
            grouped(u64::try_from(moved.visits).unwrap_or(0)),
        ));
        if moved.weeks_folded > 0 {
            out.push_str(&format!(
                "  {} tuần lịch công tác gộp vào tuần sẵn có của xã mới.\n",
                moved.weeks_folded
            ));
        }
        if moved.months_added > 0 {
            out.push_str(&format!(
                "  {} tháng kết quả một cửa cộng vào số liệu sẵn có.\n",
                moved.months_added
            ));
        }
        if moved.domains.is_empty() {
            out.push_str(
                "  Không có tên miền riêng; địa chỉ tự động của xã cũ chuyển hướng về xã mới.\n",
            );
        } else {
            out.push_str(&format!(
                "  Tên miền chuyển hướng về xã mới: {}.\n",
                moved.domains.join(", ")
            ));
        }
        for renamed in &moved.renamed {
            out.push_str(&format!(
                "  Địa chỉ đổi: /{} → /{}\n",
                renamed.from, renamed.to
            ));
        }
    }
    out
}

fn count(n: usize) -> u64 {
    u64::try_from(n).unwrap_or(u64::MAX)
}
