//! A commune site checked against the rules it must meet (REGULATIONS.md):
//! every mandatory section present and not empty, the introduction
//! written, the footer's and the contact page's data, the timeliness
//! deadlines counted in working days, and what Dublin Core needs. The
//! board sees the checklist with the fix for each item, the operators a
//! table of all communes, the province the same in its monitoring feed.
//!
//! Checks run in a transaction acting for the commune (row security
//! applies) and only read.

mod contacts;
mod sections;
mod timeliness;

use serde::Serialize;
use sqlx::PgConnection;
use time::Date;

use congxa_calendar::Calendar;

/// One rule and how the commune stands against it.
#[derive(Debug, Clone, Serialize)]
pub struct Check {
    /// Stable across releases: the feed's consumers key on it
    /// ("section:van-ban", "documents-on-time", ...).
    pub code: String,
    /// What the rule asks, in a line.
    pub title: String,
    /// Where the rule comes from.
    pub basis: &'static str,
    pub passed: bool,
    /// What was found when the check failed; empty when it passed.
    pub finding: String,
    /// What the board does to meet the rule.
    pub fix: String,
    /// The workspace page where that is done.
    pub fix_path: String,
    /// A few of the items at fault, to go straight to them.
    pub examples: Vec<Example>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Example {
    pub label: String,
    /// The item's page in the workspace.
    pub path: String,
}

/// The whole checklist of one commune.
#[derive(Debug, Clone, Serialize)]
pub struct Checklist {
    pub checks: Vec<Check>,
    pub passed: usize,
    pub total: usize,
}

impl Checklist {
    pub fn failed(&self) -> impl Iterator<Item = &Check> {
        self.checks.iter().filter(|c| !c.passed)
    }
}

/// How many offending items a check names.
pub(crate) const EXAMPLES: usize = 5;

/// Runs every check for the commune the transaction acts for, as of
/// `today` (Vietnam's date).
pub async fn check(
    conn: &mut PgConnection,
    calendar: &Calendar,
    today: Date,
) -> Result<Checklist, sqlx::Error> {
    let mut checks = sections::check(conn).await?;
    checks.extend(contacts::check(conn).await?);
    checks.extend(timeliness::check(conn, calendar, today).await?);
    let passed = checks.iter().filter(|c| c.passed).count();
    let total = checks.len();
    Ok(Checklist {
        checks,
        passed,
        total,
    })
}

impl Check {
    fn new(code: impl Into<String>, title: impl Into<String>, basis: &'static str) -> Self {
        Self {
            code: code.into(),
            title: title.into(),
            basis,
            passed: true,
            finding: String::new(),
            fix: String::new(),
            fix_path: String::new(),
            examples: Vec::new(),
        }
    }

    /// The check fails with what was found and how to fix it; a check that
    /// passes keeps its fix anyway, for the board to read.
    fn fails_when(
        mut self,
        failed: bool,
        finding: impl Into<String>,
        fix: impl Into<String>,
        fix_path: impl Into<String>,
    ) -> Self {
        self.passed = !failed;
        if failed {
            self.finding = finding.into();
        }
        self.fix = fix.into();
        self.fix_path = fix_path.into();
        self
    }

    fn with_examples(mut self, examples: Vec<Example>) -> Self {
        self.examples = examples.into_iter().take(EXAMPLES).collect();
        self
    }
}

/// An item's page in the workspace.
fn item_path(id: uuid::Uuid) -> String {
    format!("/quan-tri/tin-bai/{id}")
}
