//! Addresses from Vietnamese titles: "Xã Quốc Tuấn tổ chức hội nghị" becomes
//! `xa-quoc-tuan-to-chuc-hoi-nghi`, as Vietnamese sites write them.

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// Longest slug made from a title; cut at a word boundary.
const MAX_LEN: usize = 80;

/// Folds a Vietnamese text to lowercase ASCII without diacritics
/// ("Đường" → "duong"); everything else that is not a letter or digit
/// becomes a space.
pub fn fold(text: &str) -> String {
    text.nfd()
        .filter(|c| !is_combining_mark(*c))
        .map(|c| match c {
            // đ is a letter of its own, not d with a mark: NFD leaves it.
            'đ' | 'Đ' => 'd',
            c if c.is_ascii_alphanumeric() => c.to_ascii_lowercase(),
            _ => ' ',
        })
        .collect()
}

/// The slug of a title: folded words joined by hyphens, at most 80
/// characters, never cut inside a word. Empty when the title has no letter
/// or digit at all.
pub fn slugify(title: &str) -> String {
    let mut slug = String::new();
    for word in fold(title).split_whitespace() {
        let extra = if slug.is_empty() { 0 } else { 1 } + word.len();
        if slug.len() + extra > MAX_LEN {
            if slug.is_empty() {
                slug.push_str(&word[..MAX_LEN]);
            }
            break;
        }
        if !slug.is_empty() {
            slug.push('-');
        }
        slug.push_str(word);
    }
    slug
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_vietnamese_title_becomes_its_slug() {
        assert_eq!(
            slugify("Xã Quốc Tuấn tổ chức hội nghị"),
            "xa-quoc-tuan-to-chuc-hoi-nghi"
        );
    }

    #[test]
    fn d_with_stroke_folds_to_d_in_both_cases() {
        assert_eq!(slugify("Đường liên thôn Đồng"), "duong-lien-thon-dong");
    }

    #[test]
    fn punctuation_and_numbers_keep_only_words() {
        assert_eq!(
            slugify("Báo cáo số 142/BC-UBND: kết quả (6 tháng)!"),
            "bao-cao-so-142-bc-ubnd-ket-qua-6-thang"
        );
    }

    #[test]
    fn long_titles_are_cut_at_a_word_boundary() {
        let slug = slugify(&"nghị quyết ".repeat(30));
        assert!(slug.len() <= MAX_LEN);
        assert!(slug.ends_with("quyet"), "{slug}");
    }

    #[test]
    fn a_title_without_letters_has_an_empty_slug() {
        assert_eq!(slugify("… – !"), "");
    }

    #[test]
    fn precomposed_and_decomposed_input_fold_alike() {
        let decomposed: String = "Tuấn".nfd().collect();
        assert_eq!(fold(&decomposed), fold("Tuấn"));
    }
}
