//! A readable difference between two versions: of an item's text, words
//! added and removed in the text people read, markup set aside; of a
//! template's source, lines added and removed.

use serde::Serialize;
use similar::{ChangeTag, TextDiff};

/// One run of words, as kept, added or removed.
#[derive(Debug, Serialize, PartialEq, Eq)]
pub struct Piece {
    /// `same`, `added` or `removed`.
    pub change: &'static str,
    pub text: String,
}

/// Tags that end a run of words (a paragraph, a cell, a line break);
/// inline ones (`strong`, `a`…) do not split the words they wrap.
const BREAKING: [&str; 13] = [
    "p", "br", "li", "h1", "h2", "h3", "h4", "td", "th", "tr", "div", "ul", "ol",
];

/// The words of an HTML fragment, tags dropped and common entities read.
pub fn words(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut tag: Option<String> = None;
    for c in html.chars() {
        match (&mut tag, c) {
            (None, '<') => tag = Some(String::new()),
            (Some(name), '>') => {
                let name = name
                    .trim_start_matches('/')
                    .split_whitespace()
                    .next()
                    .unwrap_or("")
                    .to_ascii_lowercase();
                if BREAKING.contains(&name.trim_end_matches('/')) {
                    out.push(' ');
                }
                tag = None;
            }
            (Some(name), c) => name.push(c),
            (None, c) => out.push(c),
        }
    }
    let out = out
        .replace("&nbsp;", " ")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&");
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// What changed from `before` to `after` (both HTML), word by word.
pub fn between(before: &str, after: &str) -> Vec<Piece> {
    let (before, after) = (words(before), words(after));
    let diff = TextDiff::from_words(&before, &after);
    let mut pieces: Vec<Piece> = Vec::new();
    for change in diff.iter_all_changes() {
        let kind = match change.tag() {
            ChangeTag::Equal => "same",
            ChangeTag::Insert => "added",
            ChangeTag::Delete => "removed",
        };
        match pieces.last_mut() {
            Some(last) if last.change == kind => last.text.push_str(change.value()),
            _ => pieces.push(Piece {
                change: kind,
                text: change.value().to_owned(),
            }),
        }
    }
    pieces
}

/// One line of a source, as kept, added or removed.
#[derive(Debug, Serialize, PartialEq, Eq)]
pub struct Line {
    /// `same`, `added` or `removed`.
    pub change: &'static str,
    pub text: String,
}

/// What changed from `before` to `after` (a template's source), line by
/// line, with `context` unchanged lines kept around each change and the
/// rest left out (a `None` marks each gap).
pub fn lines(before: &str, after: &str, context: usize) -> Vec<Option<Line>> {
    // A template may be 200 KB: past the deadline the diff is coarser, not
    // slower.
    let diff = TextDiff::configure()
        .timeout(std::time::Duration::from_millis(200))
        .diff_lines(before, after);
    let mut out = Vec::new();
    for (n, group) in diff.grouped_ops(context).iter().enumerate() {
        if n > 0 {
            out.push(None);
        }
        for op in group {
            for change in diff.iter_changes(op) {
                out.push(Some(Line {
                    change: match change.tag() {
                        ChangeTag::Equal => "same",
                        ChangeTag::Insert => "added",
                        ChangeTag::Delete => "removed",
                    },
                    text: change.value().trim_end_matches(['\n', '\r']).to_owned(),
                }));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changed_words_are_marked_and_markup_is_ignored() {
        let pieces = between(
            "<p>Tuyến đường dài <strong>1,2 km</strong>.</p>",
            "<p>Tuyến đường dài 1,5 km.</p>",
        );
        let added: Vec<&str> = pieces
            .iter()
            .filter(|p| p.change == "added")
            .map(|p| p.text.as_str())
            .collect();
        let removed: Vec<&str> = pieces
            .iter()
            .filter(|p| p.change == "removed")
            .map(|p| p.text.as_str())
            .collect();
        assert_eq!(added.concat().trim(), "1,5");
        assert_eq!(removed.concat().trim(), "1,2");
        assert!(pieces.iter().all(|p| !p.text.contains('<')));
    }

    #[test]
    fn a_sources_changed_lines_come_with_their_context_only() {
        let before: String = (1..=20).map(|n| format!("dòng {n}\n")).collect();
        let after = before
            .replace("dòng 3\n", "dòng ba\n")
            .replace("dòng 18\n", "");
        let shown = lines(&before, &after, 1);
        let changed: Vec<(&str, &str)> = shown
            .iter()
            .flatten()
            .filter(|l| l.change != "same")
            .map(|l| (l.change, l.text.as_str()))
            .collect();
        assert_eq!(
            changed,
            [
                ("removed", "dòng 3"),
                ("added", "dòng ba"),
                ("removed", "dòng 18")
            ]
        );
        // Two changes far apart: two groups, one gap between them.
        assert_eq!(shown.iter().filter(|l| l.is_none()).count(), 1);
        assert!(lines(&before, &before, 3).is_empty());
    }

    #[test]
    fn the_same_text_is_one_unchanged_piece() {
        let pieces = between("<p>Giống nhau</p>", "<p>Giống   nhau</p>");
        assert_eq!(
            pieces,
            vec![Piece {
                change: "same",
                text: "Giống nhau".to_owned()
            }]
        );
    }
}
