//! What can go wrong on the board, with the Vietnamese message a person sees.

use time::OffsetDateTime;

#[derive(Debug, thiserror::Error)]
pub enum BoardError {
    #[error("Bạn không có quyền thực hiện thao tác này.")]
    Forbidden,
    #[error("Thao tác này không áp dụng cho tin bài ở trạng thái hiện tại.")]
    WrongState,
    #[error(
        "Tin bài đã được người khác sửa sau khi bạn mở. Nội dung của bạn chưa được lưu nhưng vẫn được giữ trên máy này: hãy mở lại tin bài để xem bản mới nhất, rồi chọn khôi phục bản đang soạn nếu vẫn muốn dùng."
    )]
    Conflict,
    #[error("Không tìm thấy tin bài.")]
    ItemNotFound,
    #[error("Không tìm thấy tài khoản.")]
    AccountNotFound,
    #[error("Không tìm thấy mục cần sửa.")]
    RecordNotFound,
    #[error("{0}")]
    Invalid(String),
    #[error("Địa chỉ thư điện tử này đã có tài khoản trong ban biên tập.")]
    DuplicateEmail,
    #[error("Địa chỉ thư điện tử, mật khẩu hoặc mã xác thực không đúng.")]
    Rejected,
    /// Said only to a member already signed in (checking their password
    /// again): at sign-in a lock answers like a wrong password, so that it
    /// does not tell which addresses have accounts.
    #[error(
        "Tài khoản đang tạm khóa do nhập sai mật khẩu hoặc mã xác thực nhiều lần. Vui lòng thử lại sau {}.",
        congxa_locale::time::time_and_date(*.0)
    )]
    Locked(OffsetDateTime),
    #[error(
        "Tài khoản hỗ trợ của cán bộ vận hành không dùng mật khẩu: cán bộ vận hành vào chế độ hỗ trợ từ bảng điều khiển."
    )]
    SupportAccount,
    #[error("Không mã hóa được mật khẩu: {0}")]
    Hashing(String),
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

impl BoardError {
    /// A stable code for APIs and logs.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Forbidden => "forbidden",
            Self::WrongState => "wrong_state",
            Self::Conflict => "edit_conflict",
            Self::ItemNotFound => "item_not_found",
            Self::AccountNotFound => "account_not_found",
            Self::RecordNotFound => "not_found",
            Self::Invalid(_) => "invalid",
            Self::DuplicateEmail => "duplicate_email",
            Self::Rejected => "sign_in_rejected",
            Self::Locked(_) => "locked",
            Self::SupportAccount => "support_account",
            Self::Hashing(_) => "hashing",
            Self::Database(_) => "database",
        }
    }

    /// Whether the person can fix it (as opposed to a fault of ours).
    pub fn is_input(&self) -> bool {
        !matches!(self, Self::Database(_) | Self::Hashing(_))
    }
}
