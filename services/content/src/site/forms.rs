//! What keeps the public forms (questions, comments on drafts, ratings)
//! usable by people and costly for robots, without a third-party captcha:
//! a signed time stamp (a form sent back too fast, too late, forged, or a
//! second time by the same client is refused), a field people never see
//! and robots fill in, limits per visitor and per client address per hour,
//! a cap per commune that one client cannot fill, and visitors known only
//! by a keyed hash.

use std::net::IpAddr;
use std::time::{SystemTime, UNIX_EPOCH};

use axum::body::{Body, Bytes};
use axum::http::StatusCode;
use congxa_web::ApiError;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use sqlx::PgConnection;
use uuid::Uuid;

type Signer = Hmac<Sha256>;

/// Reads a public form's body, at most [`super::MAX_FORM_BYTES`]; a longer
/// one is read to its end and refused (`congxa_web::body_limit::read`).
pub async fn read_body(body: Body) -> Result<Bytes, ApiError> {
    congxa_web::body_limit::read(body, super::MAX_FORM_BYTES)
        .await
        .map_err(|_| too_large())
}

fn too_large() -> ApiError {
    ApiError::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        "form_too_large",
        format!(
            "Nội dung gửi quá dài (quá {}). Mời bạn rút gọn rồi gửi lại.",
            congxa_web::body_limit::size(super::MAX_FORM_BYTES)
        ),
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

    /// One client address, whatever browsers it claims to be: a household
    /// or an office behind one address has room for several people, and a
    /// robot changing its user agent gains nothing.
    fn per_client_hour(self) -> i64 {
        match self {
            Self::Question => 10,
            Self::Comment => 20,
            Self::Rating => 100,
        }
    }

    /// All visitors together: a flood from many addresses still stops.
    /// Each client counts towards it with at most its own limit, so that
    /// no single client can fill it for everyone else.
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

    /// The stamp a form carries: when it was shown, a random id (by which
    /// it is used up), for which commune and form, signed.
    pub fn stamp(&self, tenant: Uuid, form: Form) -> String {
        let id: [u8; 16] = rand::random();
        self.stamp_at(tenant, form, now_secs(), &hex::encode(id))
    }

    fn stamp_at(&self, tenant: Uuid, form: Form, at: u64, id: &str) -> String {
        format!("{at}.{id}.{}", self.signature(tenant, form, at, id))
    }

    fn signature(&self, tenant: Uuid, form: Form, at: u64, id: &str) -> String {
        let mut mac = self.signer();
        mac.update(format!("{tenant}|{}|{at}|{id}", form.code()).as_bytes());
        hex::encode(mac.finalize().into_bytes())
    }

    /// Checks a form sent back: its stamp and its hidden field. The stamp
    /// is used up only by [`admit`], with the submission it let through.
    pub fn check(
        &self,
        tenant: Uuid,
        form: Form,
        stamp: &str,
        trap: &str,
    ) -> Result<Stamp, ApiError> {
        self.check_at(tenant, form, stamp, trap, now_secs())
    }

    fn check_at(
        &self,
        tenant: Uuid,
        form: Form,
        stamp: &str,
        trap: &str,
        now: u64,
    ) -> Result<Stamp, ApiError> {
        let refused = || {
            ApiError::bad_request(
                "form_expired",
                "Biểu mẫu đã hết hạn hoặc không hợp lệ. Mời bạn tải lại trang và gửi lại.",
            )
        };
        if !trap.is_empty() {
            return Err(refused());
        }
        let mut parts = stamp.splitn(3, '.');
        let (Some(at), Some(id), Some(signature)) = (parts.next(), parts.next(), parts.next())
        else {
            return Err(refused());
        };
        let at: u64 = at.parse().map_err(|_| refused())?;
        if id.len() != 32 || !id.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(refused());
        }
        let signature = hex::decode(signature).map_err(|_| refused())?;
        let mut mac = self.signer();
        mac.update(format!("{tenant}|{}|{at}|{id}", form.code()).as_bytes());
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
        Ok(Stamp {
            id: id.to_ascii_lowercase(),
            expires_at: at.saturating_add(MAX_FILL_SECS),
        })
    }

    /// A visitor as a keyed hash of address, browser and commune: the same
    /// person gives the same hash, the hash gives back nothing.
    pub fn visitor(&self, tenant: Uuid, ip: Option<IpAddr>, user_agent: &str) -> String {
        let mut mac = self.signer();
        let ip = ip.map(|ip| ip.to_string()).unwrap_or_default();
        mac.update(format!("visitor|{tenant}|{ip}|{user_agent}").as_bytes());
        hex::encode(mac.finalize().into_bytes())
    }

    /// A client as a keyed hash of its address alone (an IPv6 client by its
    /// /64) and the commune: what a robot cannot change by claiming to be
    /// another browser.
    pub fn client(&self, tenant: Uuid, ip: Option<IpAddr>) -> String {
        let mut mac = self.signer();
        let ip = ip
            .map(|ip| crate::throttle::network(ip).to_string())
            .unwrap_or_default();
        mac.update(format!("client|{tenant}|{ip}").as_bytes());
        hex::encode(mac.finalize().into_bytes())
    }
}

/// A checked stamp: its id, and when it would expire anyway (seconds since
/// the epoch), until which its use is remembered.
#[derive(Debug)]
pub struct Stamp {
    id: String,
    expires_at: u64,
}

/// Who sent a submission: the visitor (address and browser) and the client
/// (address alone), both as keyed hashes.
pub struct Sender<'a> {
    pub visitor: &'a str,
    pub client: &'a str,
}

fn now_secs() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// Uses up the stamp and counts this submission, or refuses it: the same
/// client sent this stamp already, or the visitor, the client or the
/// commune as a whole has sent too many in the last hour. Runs in the
/// caller's transaction, so a refused or failed submission counts for
/// nothing (and leaves its stamp usable).
pub async fn admit(
    conn: &mut PgConnection,
    tenant: Uuid,
    form: Form,
    sender: &Sender<'_>,
    stamp: &Stamp,
) -> Result<(), ApiError> {
    let expires_at = i64::try_from(stamp.expires_at)
        .ok()
        .and_then(|secs| time::OffsetDateTime::from_unix_timestamp(secs).ok())
        .ok_or_else(|| ApiError::bad_request("form_expired", USED))?;
    sqlx::query!(
        "DELETE FROM used_form_stamps WHERE tenant_id = $1 AND expires_at < now()",
        tenant
    )
    .execute(&mut *conn)
    .await
    .map_err(super::db_error)?;
    // Parallel submissions with one stamp queue on the key: one inserts,
    // the others find it taken.
    let fresh = sqlx::query!(
        "INSERT INTO used_form_stamps (tenant_id, stamp_id, client_hash, expires_at)
         VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
        tenant,
        stamp.id,
        sender.client,
        expires_at
    )
    .execute(&mut *conn)
    .await
    .map_err(super::db_error)?
    .rows_affected();
    if fresh == 0 {
        return Err(ApiError::new(StatusCode::CONFLICT, "form_used", USED));
    }
    let counts = sqlx::query!(
        r#"SELECT coalesce(sum(n) FILTER (WHERE client_hash = $4), 0)::bigint AS "client!",
                  coalesce(sum(mine), 0)::bigint AS "mine!",
                  coalesce(sum(least(n, $5)), 0)::bigint AS "all!"
           FROM (SELECT client_hash, count(*) AS n,
                        count(*) FILTER (WHERE visitor_hash = $3) AS mine
                 FROM form_submissions
                 WHERE tenant_id = $1 AND form = $2 AND created_at > now() - interval '1 hour'
                 GROUP BY client_hash) AS per_client"#,
        tenant,
        form.code(),
        sender.visitor,
        sender.client,
        form.per_client_hour()
    )
    .fetch_one(&mut *conn)
    .await
    .map_err(super::db_error)?;
    if counts.mine >= form.per_visitor_hour()
        || counts.client >= form.per_client_hour()
        || counts.all >= form.per_commune_hour()
    {
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
        "INSERT INTO form_submissions (tenant_id, form, visitor_hash, client_hash) VALUES ($1, $2, $3, $4)",
        tenant,
        form.code(),
        sender.visitor,
        sender.client
    )
    .execute(&mut *conn)
    .await
    .map_err(super::db_error)?;
    Ok(())
}

/// The refusal of a stamp sent again.
const USED: &str =
    "Biểu mẫu này đã được gửi rồi. Nếu muốn gửi thêm, mời bạn tải lại trang và gửi lại.";

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
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    const T: Uuid = Uuid::nil();
    const ID: &str = "0123456789abcdef0123456789abcdef";

    #[test]
    fn every_stamp_has_its_own_id() {
        let guard = Guard::new("bí mật đủ dài cho thử nghiệm");
        assert_ne!(guard.stamp(T, Form::Rating), guard.stamp(T, Form::Rating));
    }

    #[test]
    fn a_client_is_its_address_whatever_its_browser() {
        let guard = Guard::new("bí mật đủ dài cho thử nghiệm");
        let ip = Some(IpAddr::from([203, 0, 113, 7]));
        assert_ne!(guard.visitor(T, ip, "a"), guard.visitor(T, ip, "b"));
        assert_eq!(guard.client(T, ip), guard.client(T, ip));
        assert_ne!(
            guard.client(T, ip),
            guard.client(T, Some(IpAddr::from([203, 0, 113, 8])))
        );
    }

    #[test]
    fn a_stamp_checks_after_a_human_pause() {
        let guard = Guard::new("bí mật đủ dài cho thử nghiệm");
        let stamp = guard.stamp_at(T, Form::Question, 1_000, ID);
        let checked = guard
            .check_at(T, Form::Question, &stamp, "", 1_010)
            .unwrap();
        assert_eq!(checked.id, ID);
        assert_eq!(checked.expires_at, 1_000 + MAX_FILL_SECS);
    }

    #[test]
    fn forged_fast_stale_or_trapped_forms_are_refused() {
        let guard = Guard::new("bí mật đủ dài cho thử nghiệm");
        let stamp = guard.stamp_at(T, Form::Question, 1_000, ID);
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
        let other_id = stamp.replace(ID, &"b".repeat(32));
        assert!(
            guard
                .check_at(T, Form::Question, &other_id, "", 1_010)
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
