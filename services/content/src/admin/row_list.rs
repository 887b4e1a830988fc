//! Editing an ordered list in one form, without scripts: every row's fields
//! are posted together with the button pressed, which moves a row up or
//! down, removes one or adds an empty one. Nothing is kept until the form is
//! saved, so the board can preview the list first.

use crate::site::params::Params;

/// What a row button asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Edit {
    Up(usize),
    Down(usize),
    Remove(usize),
    Add,
}

impl Edit {
    /// The edit of a pressed button's value (`len-2`, `xuong-0`, `bo-1`,
    /// `them`), if it is one.
    pub fn parse(value: &str) -> Option<Self> {
        if value == "them" {
            return Some(Self::Add);
        }
        let (verb, row) = value.rsplit_once('-')?;
        let row = row.parse().ok()?;
        match verb {
            "len" => Some(Self::Up(row)),
            "xuong" => Some(Self::Down(row)),
            "bo" => Some(Self::Remove(row)),
            _ => None,
        }
    }

    /// Applies the edit; one that names no row changes nothing, and no more
    /// than `max` rows are ever made.
    pub fn apply<T: Default>(self, rows: &mut Vec<T>, max: usize) {
        match self {
            Self::Up(at) if at > 0 && at < rows.len() => rows.swap(at, at - 1),
            Self::Down(at) if at + 1 < rows.len() => rows.swap(at, at + 1),
            Self::Remove(at) if at < rows.len() => {
                rows.remove(at);
            }
            Self::Add if rows.len() < max => rows.push(T::default()),
            _ => {}
        }
    }
}

/// The rows a form posted, read by `row` from their numbered fields; at
/// most `max` (a hostile count is not believed).
pub fn rows<T>(form: &Params, max: usize, row: impl Fn(&Params, usize) -> T) -> Vec<T> {
    let count = form.raw("so_dong").parse::<usize>().unwrap_or(0).min(max);
    (0..count).map(|i| row(form, i)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edits_move_remove_and_add_within_bounds() {
        let mut rows = vec![1, 2, 3];
        Edit::parse("len-2")
            .unwrap_or(Edit::Add)
            .apply(&mut rows, 5);
        assert_eq!(rows, [1, 3, 2]);
        Edit::parse("xuong-0")
            .unwrap_or(Edit::Add)
            .apply(&mut rows, 5);
        assert_eq!(rows, [3, 1, 2]);
        Edit::parse("bo-1").unwrap_or(Edit::Add).apply(&mut rows, 5);
        assert_eq!(rows, [3, 2]);
        for outside in ["len-0", "xuong-1", "bo-9", "len-99999999999999999999"] {
            if let Some(edit) = Edit::parse(outside) {
                edit.apply(&mut rows, 5);
            }
        }
        assert_eq!(rows, [3, 2]);
        Edit::Add.apply(&mut rows, 3);
        Edit::Add.apply(&mut rows, 3);
        assert_eq!(rows, [3, 2, 0]);
        assert_eq!(Edit::parse("luu"), None);
    }
}
