//! The name people see for a file, kept as uploaded (Vietnamese included)
//! but made harmless: by the media service for uploads, and again by the
//! import of an archive, which must not trust the names written in it.

/// Characters that reorder text (bidirectional controls): a name such as
/// "anh\u{202E}gpj.exe" would show as "anhexe.jpg".
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Cleans an uploaded file name: no folders, no control or reordering
/// characters, no quotes, at most 255 bytes. `None` when nothing usable is
/// left.
pub fn clean(raw: &str) -> Option<String> {
    let base = raw.rsplit(['/', '\\']).next().unwrap_or(raw);
    let cleaned: String = base
        .chars()
        .filter(|c| !c.is_control() && !is_bidi_control(*c) && *c != '"')
        .collect();
    let cleaned = cleaned.trim().trim_start_matches('.').trim().to_owned();
    if cleaned.is_empty() {
        return None;
    }
    let mut end = cleaned.len().min(255);
    while !cleaned.is_char_boundary(end) {
        end -= 1;
    }
    Some(cleaned[..end].to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folders_and_control_characters_are_dropped() {
        assert_eq!(clean("../../etc/passwd").as_deref(), Some("passwd"));
        assert_eq!(
            clean("C:\\Users\\a\\Báo cáo.pdf").as_deref(),
            Some("Báo cáo.pdf")
        );
        assert_eq!(clean("a\u{0}b\r\n\".pdf").as_deref(), Some("ab.pdf"));
        assert_eq!(clean("..."), None);
        assert_eq!(
            clean("ảnh\u{202E}gpj.exe").as_deref(),
            Some("ảnhgpj.exe"),
            "a right-to-left override cannot disguise the name"
        );
        assert_eq!(clean("\u{2066}\u{200F}"), None);
    }
}
