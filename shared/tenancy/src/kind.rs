//! The kind of a commune-level unit: since 2025, xã, phường or đặc khu.

use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TenantKind {
    Xa,
    Phuong,
    DacKhu,
}

impl TenantKind {
    pub const ALL: [TenantKind; 3] = [TenantKind::Xa, TenantKind::Phuong, TenantKind::DacKhu];

    /// The code stored in the database and used on the command line.
    pub fn code(self) -> &'static str {
        match self {
            TenantKind::Xa => "xa",
            TenantKind::Phuong => "phuong",
            TenantKind::DacKhu => "dac_khu",
        }
    }

    /// The word a name starts with: "Xã Quốc Tuấn".
    pub fn label(self) -> &'static str {
        match self {
            TenantKind::Xa => "Xã",
            TenantKind::Phuong => "Phường",
            TenantKind::DacKhu => "Đặc khu",
        }
    }

    /// Reads a code or the Vietnamese word, with or without diacritics.
    pub fn parse(raw: &str) -> Option<Self> {
        let lowered = raw.trim().to_lowercase().replace(['-', ' '], "_");
        match lowered.as_str() {
            "xa" | "xã" => Some(TenantKind::Xa),
            "phuong" | "phường" => Some(TenantKind::Phuong),
            "dac_khu" | "đặc_khu" => Some(TenantKind::DacKhu),
            _ => None,
        }
    }

    /// The kind a full name announces ("Phường Hồng Bàng" is a phường).
    pub fn from_name(name: &str) -> Option<Self> {
        let name = name.trim();
        Self::ALL.into_iter().find(|kind| {
            name.get(..kind.label().len())
                .is_some_and(|head| head.to_lowercase() == kind.label().to_lowercase())
                && name[kind.label().len()..].starts_with(' ')
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_kind_is_read_from_codes_words_and_names() {
        assert_eq!(TenantKind::parse("phường"), Some(TenantKind::Phuong));
        assert_eq!(TenantKind::parse("dac-khu"), Some(TenantKind::DacKhu));
        assert_eq!(TenantKind::from_name("Xã Quốc Tuấn"), Some(TenantKind::Xa));
        assert_eq!(
            TenantKind::from_name("Đặc khu Bạch Long Vĩ"),
            Some(TenantKind::DacKhu)
        );
        assert_eq!(TenantKind::from_name("Xãhội"), None);
        assert_eq!(TenantKind::from_name("Thị trấn Vĩnh Bảo"), None);
    }

    #[test]
    fn a_name_typed_with_separate_tone_marks_is_recognised_once_cleaned() {
        // "Xã" as letter + combining tilde, as some keyboards type it.
        let decomposed = "Xa\u{303} Quốc Tuấn";
        let cleaned = crate::error::clean_name(decomposed).unwrap();
        assert_eq!(cleaned, "Xã Quốc Tuấn");
        assert_eq!(TenantKind::from_name(&cleaned), Some(TenantKind::Xa));
    }
}
