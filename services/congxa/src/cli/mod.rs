//! The operators' command line: communes, regions and the audit log, with
//! Vietnamese sentences for people or one JSON document for programs.

pub mod archive;
pub mod audit;
pub mod maintenance;
pub mod merge;
pub mod operator;
pub mod region;
pub mod tenant;
pub mod user;

use std::fmt;
use std::io::Write;
use std::process::ExitCode;

use congxa_config::Config;
use congxa_tenancy::{DomainName, TenancyError};
use serde::Serialize;
use sqlx::{Connection, PgConnection};

/// Why an operator command did not succeed.
#[derive(Debug)]
pub enum CliError {
    /// Refused by the tenancy rules (input) or failed in the database (fault).
    Tenancy(TenancyError),
    /// The platform domain setting cannot be read as a domain name.
    PlatformDomain(String),
    /// The database cannot be reached at all.
    Connect(sqlx::Error),
    /// The result could not be written as JSON.
    Output(serde_json::Error),
    /// Input the command itself refuses before any work (an unreadable time).
    Refused { code: &'static str, message: String },
    /// Another part of the platform (Redis, the object store, a file) failed.
    Fault { code: &'static str, message: String },
}

impl CliError {
    /// Stable name for programs reading `--json` output.
    pub fn code(&self) -> &'static str {
        match self {
            CliError::Tenancy(error) => error.code(),
            CliError::PlatformDomain(_) => "invalid_platform_domain",
            CliError::Connect(_) => "database_unavailable",
            CliError::Output(_) => "output",
            CliError::Refused { code, .. } | CliError::Fault { code, .. } => code,
        }
    }

    /// Whether the operator can fix it by changing the command or a setting,
    /// as opposed to a fault of the system.
    pub fn is_input(&self) -> bool {
        match self {
            CliError::Tenancy(error) => error.is_input(),
            CliError::PlatformDomain(_) | CliError::Refused { .. } => true,
            CliError::Connect(_) | CliError::Output(_) | CliError::Fault { .. } => false,
        }
    }

    /// 2 for refused input (as clap does for a bad command line), 1 for faults.
    pub fn exit_code(&self) -> ExitCode {
        if self.is_input() {
            ExitCode::from(2)
        } else {
            ExitCode::FAILURE
        }
    }
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CliError::Tenancy(error) => error.fmt(f),
            CliError::PlatformDomain(raw) => write!(
                f,
                "Tên miền của nền tảng “{raw}” (CONGXA_PLATFORM_DOMAIN) không hợp lệ."
            ),
            CliError::Connect(error) => write!(f, "Không kết nối được cơ sở dữ liệu: {error}"),
            CliError::Output(error) => write!(f, "Không ghi được kết quả dạng JSON: {error}"),
            CliError::Refused { message, .. } | CliError::Fault { message, .. } => {
                f.write_str(message)
            }
        }
    }
}

impl std::error::Error for CliError {}

impl From<TenancyError> for CliError {
    fn from(error: TenancyError) -> Self {
        CliError::Tenancy(error)
    }
}

impl From<congxa_board::BoardError> for CliError {
    fn from(error: congxa_board::BoardError) -> Self {
        match error {
            congxa_board::BoardError::Database(error) => error.into(),
            error => CliError::Refused {
                code: error.code(),
                message: error.to_string(),
            },
        }
    }
}

impl From<sqlx::Error> for CliError {
    fn from(error: sqlx::Error) -> Self {
        CliError::Tenancy(TenancyError::Database(error))
    }
}

/// What a command produced: the value for `--json`, the sentences otherwise.
pub struct Done<T> {
    pub value: T,
    pub human: String,
}

/// Prints the outcome and chooses the exit code: the result on stdout (one
/// JSON document with `--json`), an error on stderr as `congxa: <message>`
/// and, with `--json`, also as `{"error": {...}}` on stdout.
pub fn finish<T: Serialize>(json: bool, result: Result<Done<T>, CliError>) -> ExitCode {
    let result = result.and_then(|done| {
        if json {
            serde_json::to_string_pretty(&done.value).map_err(CliError::Output)
        } else {
            Ok(done.human)
        }
    });
    match result {
        Ok(text) => {
            print_out(&text);
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("congxa: {error}");
            if json {
                let body = serde_json::json!({
                    "error": { "code": error.code(), "message": error.to_string() }
                });
                print_out(&body.to_string());
            }
            error.exit_code()
        }
    }
}

/// Writes to stdout, ignoring a closed pipe (`congxa tenant list | head`):
/// the work is done by then, and a panic would only add noise.
fn print_out(text: &str) {
    let mut stdout = std::io::stdout().lock();
    let _ = writeln!(stdout, "{}", text.trim_end_matches('\n'));
}

/// A connection as the application role and the platform domain, which
/// every operator command needs.
pub struct Session {
    pub conn: PgConnection,
    pub platform: DomainName,
}

impl Session {
    pub async fn open(config: &Config) -> Result<Self, CliError> {
        let platform = DomainName::parse(&config.platform_domain)
            .map_err(|_| CliError::PlatformDomain(config.platform_domain.clone()))?;
        let conn = PgConnection::connect(&config.database_url)
            .await
            .map_err(CliError::Connect)?;
        Ok(Self { conn, platform })
    }
}

pub use congxa_locale::time::date_and_time as local_time;

/// Columns aligned on the characters people see (Vietnamese letters with
/// diacritics are one character but several bytes).
pub fn table(header: &[&str], rows: &[Vec<String>]) -> String {
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for row in rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let line = |cells: &mut dyn Iterator<Item = &str>| {
        let mut out = String::new();
        for (cell, width) in cells.zip(&widths) {
            out.push_str(cell);
            out.extend(std::iter::repeat_n(' ', width - cell.chars().count() + 2));
        }
        out.trim_end().to_owned()
    };
    let mut out = line(&mut header.iter().copied());
    out.push('\n');
    for row in rows {
        out.push_str(&line(&mut row.iter().map(String::as_str)));
        out.push('\n');
    }
    out
}

/// The Vietnamese word for a status code.
pub fn status_word(status: &str) -> &str {
    match status {
        "active" => "đang hoạt động",
        "suspended" => "tạm ngừng",
        "merged" => "đã gộp",
        other => other,
    }
}

/// The Vietnamese word for a kind of commune-level unit.
pub fn kind_word(kind: &str) -> &str {
    match kind {
        "xa" => "xã",
        "phuong" => "phường",
        "dac_khu" => "đặc khu",
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_align_on_characters_not_bytes() {
        let rows = vec![
            vec!["quoctuan".to_owned(), "Xã Quốc Tuấn".to_owned()],
            vec!["a".to_owned(), "Phường Hồng Bàng".to_owned()],
        ];

        let text = table(&["Tên định danh", "Tên"], &rows);

        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], "Tên định danh  Tên");
        assert_eq!(lines[1], "quoctuan       Xã Quốc Tuấn");
        assert_eq!(lines[2], "a              Phường Hồng Bàng");
    }

    #[test]
    fn times_are_shown_in_vietnam() {
        let at = time::macros::datetime!(2026-11-26 22:30 UTC);

        assert_eq!(local_time(at), "27/11/2026 05:30");
    }

    #[test]
    fn input_errors_exit_with_2_and_faults_with_1() {
        let input = CliError::from(TenancyError::TenantNotFound("x".to_owned()));
        let fault = CliError::from(sqlx::Error::PoolTimedOut);

        assert!(input.is_input());
        assert_eq!(input.code(), "tenant_not_found");
        assert!(!fault.is_input());
        assert_eq!(fault.code(), "database");
    }
}
