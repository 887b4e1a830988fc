//! What an administrative document says, independent of how it is printed.

use serde::{Deserialize, Serialize};
use time::Date;

/// An administrative document (văn bản hành chính) such as a report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Document {
    pub header: Header,
    /// The type of document, e.g. "BÁO CÁO"; printed in upper case.
    pub kind: String,
    /// The summary line (trích yếu) under the type, e.g. "Tình hình hoạt
    /// động của trang thông tin điện tử xã Quốc Tuấn năm 2026".
    pub summary: String,
    pub blocks: Vec<Block>,
    pub signature: Signature,
    /// The recipients (Nơi nhận) without the leading dash or the closing
    /// punctuation, e.g. "Như trên", "UBND tỉnh (để b/c)", "Lưu: VT"; the
    /// dashes, semicolons and the final full stop are added when printed.
    pub recipients: Vec<String>,
}

/// The two-column top of the first page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Header {
    /// The superior body (cơ quan chủ quản), when there is one.
    pub superior: Option<String>,
    /// The issuing body, e.g. "ỦY BAN NHÂN DÂN\nXÃ QUỐC TUẤN"; a line break
    /// splits it where the writer wants it split.
    pub body: String,
    /// Number and symbol, e.g. "142/BC-UBND".
    pub number: String,
    /// The place name of the date line, e.g. "Quốc Tuấn".
    pub place: String,
    pub date: Date,
}

/// A piece of the body, in reading order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Block {
    /// A part heading with its Roman numeral, e.g. "I. TÌNH HÌNH CHUNG".
    Heading1(String),
    /// A numbered section heading, e.g. "1. Tổ chức bộ máy".
    Heading2(String),
    /// A paragraph of body text; a line break starts a new line in it.
    Paragraph(String),
    /// An item of a list, printed after a dash as Vietnamese documents do.
    Bullet(String),
    /// A bordered table; the header row (if any) is printed in bold, and
    /// every row must have as many cells as there are columns.
    Table {
        header: Vec<String>,
        rows: Vec<Vec<String>>,
    },
}

/// The signature block at the end.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Signature {
    /// The lines of authority above the title, e.g. "TM. ỦY BAN NHÂN DÂN"
    /// or "KT. CHỦ TỊCH"; may be empty when the head signs in person.
    pub authority: Vec<String>,
    /// The signer's position, e.g. "CHỦ TỊCH" or "PHÓ CHỦ TỊCH".
    pub title: String,
    /// The signer's full name, e.g. "Nguyễn Văn An".
    pub name: String,
}
