//! What can go wrong when operators manage communes, said in Vietnamese.

use crate::slug::SLUG_RULE;

#[derive(Debug, thiserror::Error)]
pub enum TenancyError {
    #[error("Tên định danh “{0}” không hợp lệ: {SLUG_RULE}.")]
    InvalidSlug(String),
    #[error("Tên “{0}” không hợp lệ: cần từ 3 đến 120 ký tự, không chứa ký tự điều khiển.")]
    InvalidName(String),
    #[error(
        "Loại đơn vị “{0}” không hợp lệ: chọn xa (xã), phuong (phường) hoặc dac_khu (đặc khu)."
    )]
    InvalidKind(String),
    #[error(
        "Chưa rõ loại đơn vị của “{0}”: hãy ghi rõ bằng --kind xa|phuong|dac_khu, hoặc đặt tên bắt đầu bằng “Xã”, “Phường” hay “Đặc khu”."
    )]
    KindRequired(String),
    #[error("Tên miền “{0}” không hợp lệ.")]
    InvalidDomain(String),
    #[error("Tên miền “{0}” phải thuộc tên miền quốc gia Việt Nam (.vn).")]
    DomainNotVn(String),
    #[error(
        "Tên miền “{0}” thuộc tên miền của nền tảng; mỗi xã đã có sẵn địa chỉ <tên định danh>.{1}."
    )]
    DomainUnderPlatform(String, String),
    #[error("Đã có xã dùng tên định danh “{0}”.")]
    DuplicateSlug(String),
    #[error("Tên miền “{domain}” đã được gắn cho {owner}.")]
    DomainTaken { domain: String, owner: String },
    #[error("Không tìm thấy xã có tên định danh “{0}”.")]
    TenantNotFound(String),
    #[error("Tên miền “{domain}” không thuộc xã “{slug}”.")]
    DomainNotFound { domain: String, slug: String },
    #[error("Không tìm thấy vùng có mã “{0}”.")]
    RegionNotFound(String),
    #[error("Đã có vùng dùng mã “{0}”.")]
    DuplicateRegion(String),
    #[error(
        "Vùng “{0}” không hợp lệ: tỉnh, thành phố không có vùng cha; huyện cũ phải thuộc một tỉnh, thành phố."
    )]
    InvalidRegionParent(String),
    #[error("Thời điểm kết thúc bảo trì phải sau thời điểm bắt đầu.")]
    MaintenanceEndsBeforeStart,
    #[error("Thời gian bảo trì đã qua.")]
    MaintenanceInPast,
    #[error(
        "Phải thông báo bảo trì trước ít nhất 7 ngày làm việc (Nghị định 224/2026/NĐ-CP, Điều 13): sớm nhất từ {0}. Nếu là sự cố khẩn cấp, hãy đánh dấu khẩn cấp (trên dòng lệnh: --emergency)."
    )]
    MaintenanceTooLate(String),
    #[error("Nội dung thông báo bảo trì dài quá 1.000 ký tự.")]
    MaintenanceMessageTooLong,
    #[error("Không tìm thấy thông báo bảo trì số {0}.")]
    MaintenanceNotFound(i64),
    #[error("Địa chỉ thư điện tử “{0}” không hợp lệ.")]
    InvalidEmail(String),
    #[error("Đã có tài khoản quản trị dùng địa chỉ “{0}”.")]
    DuplicateOperator(String),
    #[error("Mật khẩu hiện tại không đúng.")]
    WrongPassword,
    #[error(
        "Tài khoản đang tạm khóa do nhập sai mật khẩu nhiều lần. Vui lòng thử lại sau 15 phút."
    )]
    Locked,
    #[error("{0}")]
    WeakPassword(&'static str),
    #[error("Không mã hóa được mật khẩu: {0}")]
    Hashing(String),
    #[error("Hãy nêu ít nhất một xã cần gộp.")]
    MergeNothing,
    #[error("Không thể gộp xã “{0}” vào chính nó.")]
    MergeIntoItself(String),
    #[error("Xã “{0}” được nêu hai lần.")]
    MergeRepeated(String),
    #[error("Xã “{0}” đang tạm ngừng hoạt động: hãy cho hoạt động trở lại rồi mới gộp.")]
    MergeSuspended(String),
    #[error("Xã “{0}” đã được gộp vào xã khác; mọi địa chỉ của xã ấy đã chuyển về xã mới.")]
    TenantMerged(String),
    #[error("Lỗi cơ sở dữ liệu: {0}")]
    Database(#[from] sqlx::Error),
}

impl TenancyError {
    /// Whether the operator's input caused it (as opposed to a fault).
    pub fn is_input(&self) -> bool {
        !matches!(self, TenancyError::Database(_) | TenancyError::Hashing(_))
    }

    /// A stable name for programs (`{"error": {"code": …}}`), the variant in
    /// snake case.
    pub fn code(&self) -> &'static str {
        match self {
            TenancyError::InvalidSlug(_) => "invalid_slug",
            TenancyError::InvalidName(_) => "invalid_name",
            TenancyError::InvalidKind(_) => "invalid_kind",
            TenancyError::KindRequired(_) => "kind_required",
            TenancyError::InvalidDomain(_) => "invalid_domain",
            TenancyError::DomainNotVn(_) => "domain_not_vn",
            TenancyError::DomainUnderPlatform(..) => "domain_under_platform",
            TenancyError::DuplicateSlug(_) => "duplicate_slug",
            TenancyError::DomainTaken { .. } => "domain_taken",
            TenancyError::TenantNotFound(_) => "tenant_not_found",
            TenancyError::DomainNotFound { .. } => "domain_not_found",
            TenancyError::RegionNotFound(_) => "region_not_found",
            TenancyError::DuplicateRegion(_) => "duplicate_region",
            TenancyError::InvalidRegionParent(_) => "invalid_region_parent",
            TenancyError::MaintenanceEndsBeforeStart => "maintenance_ends_before_start",
            TenancyError::MaintenanceInPast => "maintenance_in_past",
            TenancyError::MaintenanceTooLate(_) => "maintenance_too_late",
            TenancyError::MaintenanceMessageTooLong => "maintenance_message_too_long",
            TenancyError::MaintenanceNotFound(_) => "maintenance_not_found",
            TenancyError::InvalidEmail(_) => "invalid_email",
            TenancyError::DuplicateOperator(_) => "duplicate_operator",
            TenancyError::WrongPassword => "wrong_password",
            TenancyError::Locked => "locked",
            TenancyError::WeakPassword(_) => "weak_password",
            TenancyError::Hashing(_) => "hashing",
            TenancyError::MergeNothing => "merge_nothing",
            TenancyError::MergeIntoItself(_) => "merge_into_itself",
            TenancyError::MergeRepeated(_) => "merge_repeated",
            TenancyError::MergeSuspended(_) => "merge_suspended",
            TenancyError::TenantMerged(_) => "tenant_merged",
            TenancyError::Database(_) => "database",
        }
    }
}

/// A unique violation of the given constraint.
pub(crate) fn is_unique_violation(error: &sqlx::Error, constraint: &str) -> bool {
    matches!(error, sqlx::Error::Database(db)
        if db.is_unique_violation() && db.constraint() == Some(constraint))
}

/// Checks and tidies a full Vietnamese name: "  Xã  Quốc Tuấn " → "Xã Quốc Tuấn".
/// Names are stored composed (NFC): many Vietnamese keyboards type letters
/// and tone marks separately, and the two forms must compare equal.
pub fn clean_name(raw: &str) -> Result<String, TenancyError> {
    use unicode_normalization::UnicodeNormalization;
    let name = raw
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .nfc()
        .collect::<String>();
    let length = name.chars().count();
    if !(3..=120).contains(&length) || name.chars().any(char::is_control) {
        return Err(TenancyError::InvalidName(raw.to_owned()));
    }
    Ok(name)
}
