//! Small numbers are not shown exactly outside the commune's own board: a
//! figure of 3 for a hamlet's page could point at a person.

use congxa_locale::number::grouped;

/// Below this, a figure is shown as "< 10" in public and shared views.
pub const SMALLEST_SHOWN: u64 = 10;

/// A figure for a public or shared view: "< 10" for 1 to 9, the number
/// (grouped as Vietnamese write it) otherwise. Nothing is not hidden: an
/// operator must see that a site had no visits at all.
pub fn shown(value: u64) -> String {
    if (1..SMALLEST_SHOWN).contains(&value) {
        "< 10".to_owned()
    } else {
        grouped(value)
    }
}

/// The same rule for a JSON feed: a number, or the string "< 10".
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(untagged)]
pub enum Shared {
    Exact(u64),
    Small(&'static str),
}

impl From<u64> for Shared {
    fn from(value: u64) -> Self {
        if (1..SMALLEST_SHOWN).contains(&value) {
            Self::Small("< 10")
        } else {
            Self::Exact(value)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_one_to_nine_are_hidden() {
        assert_eq!(shown(0), "0");
        assert_eq!(shown(1), "< 10");
        assert_eq!(shown(9), "< 10");
        assert_eq!(shown(10), "10");
        assert_eq!(shown(61_234), "61.234");
        assert_eq!(Shared::from(7), Shared::Small("< 10"));
        assert_eq!(Shared::from(0), Shared::Exact(0));
        assert_eq!(Shared::from(12), Shared::Exact(12));
    }
}
