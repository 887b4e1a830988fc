//! What keeps the public forms (questions, comments on drafts, ratings)
//! usable by people and costly for robots, without a third-party captcha:
//! a signed time stamp (a form sent back too fast, too late or forged is
//! refused), a field people never see and robots fill in, a limit per
//! visitor per hour, and visitors known only by a keyed hash.

use std::net::IpAddr;
use std::time::{SystemTime, UNIX_EPOCH};

use axum::body::{Body, Bytes};
use axum::http::StatusCode;
use congxa_web::ApiError;
use hmac::{Hmac, Mac};
use http_body_util::BodyExt;
use sha2::Sha256;
use sqlx::PgConnection;
use uuid::Uuid;

type Signer = Hmac<Sha256>;

/// How much of a refused body is still read before answering. The gateway
/// forwards nothing longer than its own limit, so this covers every body
/// that reaches here through it.
const DRAIN_BYTES: usize = 2 * 1024 * 1024;

/// Reads a public form's body, at most [`super::MAX_FORM_BYTES`]. A longer
/// body is refused, but read to its end first: a server that answers and
/// closes with bytes unread resets the connection, and the gateway, still
/// sending, would lose the answer and show its own 502 instead of the
/// form's message.
pub async fn read_body(body: Body) -> Result<Bytes, ApiError> {
    let mut body = body;
    let mut kept = Vec::new();
    let mut seen = 0usize;
    while let Some(frame) = body.frame().await {
        let Ok(frame) = frame else {
            return Err(too_large());
        };
        let Ok(data) = frame.into_data() else {
            continue;
        };
        seen = seen.saturating_add(data.len());
        if seen <= super::MAX_FORM_BYTES {
            kept.extend_from_slice(&data);
        } else if seen > DRAIN_BYTES {
            break;
        }
    }
    if seen > super::MAX_FORM_BYTES {
        return Err(too_large());
    }
    Ok(Bytes::from(kept))
}

fn too_large() -> ApiError {
    ApiError::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        "form_too_large",
        "Nội dung gửi quá dài. Mời bạn rút gọn rồi gửi lại.",
    )
}

/// A person needs at least this long to fill a form in.
const MIN_FILL_SECS: u64 = 3;
/// A form older than this is stale (and its stamp could have been harvested).
const MAX_FILL_SECS: u64 = 6 * 3600;

/// Which public form, with its hourly limit per visitor.
#[derive(Debug, Clone, Copy)]
pub enum Form {
    Question,
    Comment,
    Rating,
}

impl Form {
    fn code(self) -> &'static str {
        match self {
            Self::Question => "question",
            Self::Comment => "comment",
            Self::Rating => "rating",
        }
    }

    fn per_visitor_hour(self) -> i64 {
        match self {
            Self::Question => 3,
            Self::Comment => 5,
            Self::Rating => 30,
        }
    }

    /// All visitors together: a flood from many addresses still stops.
    fn per_commune_hour(self) -> i64 {
        match self {
            Self::Question => 60,
            Self::Comment => 200,
            Self::Rating => 2000,
        }
    }
}

/// Signs and checks form stamps and hashes visitors, with the platform's
/// secret.
#[derive(Clone)]
pub struct Guard {
    key: std::sync::Arc<[u8]>,
}

impl Guard {
    pub fn new(secret: &str) -> Self {
        Self {
            key: secret.as_bytes().into(),
        }
    }

    fn signer(&self) -> Signer {
        // HMAC takes keys of any length.
        match Signer::new_from_slice(&self.key) {
            Ok(signer) => signer,
            Err(_) => unreachable!("HMAC accepts keys of every length"),
        }
    }

    /// The stamp a form carries: when it was shown, for which commune and
    /// form, signed.
    pub fn stamp(&self, tenant: Uuid, form: Form) -> String {
        self.stamp_at(tenant, form, now_secs())
    }

    fn stamp_at(&self, tenant: Uuid, form: Form, at: u64) -> String {
        let mut mac = self.signer();
        mac.update(format!("{tenant}|{}|{at}", form.code()).as_bytes());
        format!("{at}.{}", hex::encode(mac.finalize().into_bytes()))
    }

    /// Checks a form sent back: its stamp and its hidden field.
    pub fn check(&self, tenant: Uuid, form: Form, stamp: &str, trap: &str) -> Result<(), ApiError> {
        self.check_at(tenant, form, stamp, trap, now_secs())
    }

    fn check_at(
        &self,
        tenant: Uuid,
        form: Form,
        stamp: &str,
        trap: &str,
        now: u64,
    ) -> Result<(), ApiError> {
        let refused = || {
            ApiError::bad_request(
                "form_expired",
                "Biểu mẫu đã hết hạn hoặc không hợp lệ. Mời bạn tải lại trang và gửi lại.",
            )
        };
        if !trap.is_empty() {
            return Err(refused());
        }
        let (at, signature) = stamp.split_once('.').ok_or_else(refused)?;
        let at: u64 = at.parse().map_err(|_| refused())?;
        let signature = hex::decode(signature).map_err(|_| refused())?;
        let mut mac = self.signer();
        mac.update(format!("{tenant}|{}|{at}", form.code()).as_bytes());
        mac.verify_slice(&signature).map_err(|_| refused())?;
        let age = now.saturating_sub(at);
        if at > now || age > MAX_FILL_SECS {
            return Err(refused());
        }
        if age < MIN_FILL_SECS {
            return Err(ApiError::new(
                StatusCode::TOO_MANY_REQUESTS,
                "form_too_fast",
                "Biểu mẫu được gửi quá nhanh. Mời bạn đợi vài giây rồi gửi lại.",
            ));
        }
        Ok(())
    }

    /// A visitor as a keyed hash of address, browser and commune: the same
    /// person gives the same hash, the hash gives back nothing.
    pub fn visitor(&self, tenant: Uuid, ip: Option<IpAddr>, user_agent: &str) -> String {
        let mut mac = self.signer();
        let ip = ip.map(|ip| ip.to_string()).unwrap_or_default();
        mac.update(format!("visitor|{tenant}|{ip}|{user_agent}").as_bytes());
        hex::encode(mac.finalize().into_bytes())
    }
}

fn now_secs() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// Counts this submission, or refuses it when the visitor (or the commune
/// as a whole) has sent too many in the last hour. Runs in the caller's
/// transaction, so a refused or failed submission counts for nothing.
pub async fn admit(
    conn: &mut PgConnection,
    tenant: Uuid,
    form: Form,
    visitor: &str,
) -> Result<(), ApiError> {
    let counts = sqlx::query!(
        r#"SELECT count(*) FILTER (WHERE visitor_hash = $3) AS "mine!", count(*) AS "all!"
           FROM form_submissions
           WHERE tenant_id = $1 AND form = $2 AND created_at > now() - interval '1 hour'"#,
        tenant,
        form.code(),
        visitor
    )
    .fetch_one(&mut *conn)
    .await
    .map_err(super::db_error)?;
    if counts.mine >= form.per_visitor_hour() || counts.all >= form.per_commune_hour() {
        return Err(ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "too_many_submissions",
            "Bạn đã gửi nhiều lần trong thời gian ngắn. Mời bạn thử lại sau một giờ.",
        ));
    }
    sqlx::query!(
        "DELETE FROM form_submissions WHERE tenant_id = $1 AND created_at < now() - interval '1 day'",
        tenant
    )
    .execute(&mut *conn)
    .await
    .map_err(super::db_error)?;
    sqlx::query!(
        "INSERT INTO form_submissions (tenant_id, form, visitor_hash) VALUES ($1, $2, $3)",
        tenant,
        form.code(),
        visitor
    )
    .execute(&mut *conn)
    .await
    .map_err(super::db_error)?;
    Ok(())
}

/// A text field as sent: trimmed, checked for presence and length, with
/// the Vietnamese message naming the field when it is wrong.
pub fn text(
    value: &str,
    label: &str,
    required: bool,
    max_chars: usize,
    errors: &mut Vec<String>,
) -> String {
    let value = value.trim();
    if required && value.is_empty() {
        errors.push(format!("Mời bạn nhập {label}."));
    } else if value.chars().count() > max_chars {
        errors.push(format!(
            "{} dài quá {} ký tự.",
            capitalise(label),
            congxa_locale::number::grouped(max_chars as u64)
        ));
    } else if value
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t')
    {
        errors.push(format!("{} có ký tự không hợp lệ.", capitalise(label)));
    }
    value.to_owned()
}

fn capitalise(label: &str) -> String {
    let mut chars = label.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// Whether an e-mail address looks deliverable enough to be worth keeping.
pub fn plausible_email(value: &str) -> bool {
    let Some((local, domain)) = value.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !value.contains(char::is_whitespace)
}

#[cfg(test)]
mod tests {
    use super::*;

    const T: Uuid = Uuid::nil();

    #[test]
    fn a_stamp_checks_after_a_human_pause() {
        let guard = Guard::new("bí mật đủ dài cho thử nghiệm");
        let stamp = guard.stamp_at(T, Form::Question, 1_000);
        assert!(guard.check_at(T, Form::Question, &stamp, "", 1_010).is_ok());
    }

    #[test]
    fn forged_fast_stale_or_trapped_forms_are_refused() {
        let guard = Guard::new("bí mật đủ dài cho thử nghiệm");
        let stamp = guard.stamp_at(T, Form::Question, 1_000);
        assert_eq!(
            guard
                .check_at(T, Form::Question, &stamp, "", 1_001)
                .unwrap_err()
                .code(),
            "form_too_fast"
        );
        assert_eq!(
            guard
                .check_at(T, Form::Question, &stamp, "", 1_000 + MAX_FILL_SECS + 1)
                .unwrap_err()
                .code(),
            "form_expired"
        );
        assert_eq!(
            guard
                .check_at(T, Form::Question, &stamp, "http://spam", 1_010)
                .unwrap_err()
                .code(),
            "form_expired"
        );
        assert_eq!(
            guard
                .check_at(T, Form::Comment, &stamp, "", 1_010)
                .unwrap_err()
                .code(),
            "form_expired"
        );
        let other = Uuid::from_u128(7);
        assert!(
            guard
                .check_at(other, Form::Question, &stamp, "", 1_010)
                .is_err()
        );
        let forged = stamp.replace("1000.", "999.");
        assert!(
            guard
                .check_at(T, Form::Question, &forged, "", 1_010)
                .is_err()
        );
        assert!(guard.check_at(T, Form::Question, "rác", "", 1_010).is_err());
    }

    #[test]
    fn fields_are_checked_with_vietnamese_messages() {
        let mut errors = Vec::new();
        text("  ", "họ và tên", true, 100, &mut errors);
        text(&"a".repeat(101), "họ và tên", true, 100, &mut errors);
        text("a\u{0}b", "nội dung", true, 100, &mut errors);
        assert_eq!(
            errors,
            vec![
                "Mời bạn nhập họ và tên.",
                "Họ và tên dài quá 100 ký tự.",
                "Nội dung có ký tự không hợp lệ."
            ]
        );
    }

    #[test]
    fn only_plausible_emails_pass() {
        assert!(plausible_email("an.nguyen@haiphong.gov.vn"));
        for bad in ["", "a@b", "@x.vn", "a b@x.vn", "a@.vn"] {
            assert!(!plausible_email(bad), "{bad}");
        }
    }
}
