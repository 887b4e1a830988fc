//! A commune's look: the built-in theme its site uses, its two brand
//! colours, the font and the header's and footer's own lines. Colours are
//! checked against white for WCAG 2.1 AA contrast before they are saved, so
//! no choice can make the site's text unreadable, and they are six-digit hex
//! codes, so nothing else can reach the page's CSS. The logo and banner are
//! images of the commune's own library.

use congxa_locale::number::decimal;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// A built-in theme.
pub struct Theme {
    /// The folder of its templates and the value stored.
    pub code: &'static str,
    pub name: &'static str,
    pub description: &'static str,
}

pub const THEMES: [Theme; 2] = [
    Theme {
        code: "default",
        name: "Truyền thống",
        description: "Dải đầu trang màu đậm, trình đơn ngang, bố cục hai cột.",
    },
    Theme {
        code: "sen",
        name: "Sen",
        description: "Đầu trang sáng, tên xã kiểu chữ có chân, tin bài dạng thẻ.",
    },
];

/// A font the board may choose: system faces only, nothing downloaded.
pub struct Font {
    pub code: &'static str,
    pub name: &'static str,
    /// The CSS `font-family` value.
    pub stack: &'static str,
}

pub const FONTS: [Font; 4] = [
    Font {
        code: "he-thong",
        name: "Chữ không chân của thiết bị (mặc định)",
        stack: r#"system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans","Helvetica Neue",Arial,sans-serif"#,
    },
    Font {
        code: "co-chan",
        name: "Chữ có chân (Times New Roman)",
        stack: r#""Times New Roman",Times,"Liberation Serif","Noto Serif",serif"#,
    },
    Font {
        code: "arial",
        name: "Arial",
        stack: r#"Arial,"Liberation Sans","Helvetica Neue",Helvetica,sans-serif"#,
    },
    Font {
        code: "tahoma",
        name: "Tahoma, Verdana",
        stack: r#"Tahoma,Verdana,"DejaVu Sans",sans-serif"#,
    },
];

/// The contrast every brand colour must reach against white: text in it on
/// white, and white text on it, are both body text (WCAG 2.1, 1.4.3).
pub const MIN_CONTRAST: f64 = 4.5;

/// A commune's look as stored. Colours are `None` for the theme's own.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Look {
    pub theme: String,
    pub primary: Option<String>,
    pub primary_dark: Option<String>,
    pub font: String,
    pub header_text: String,
    pub footer_text: String,
    /// The logo shown beside the commune's name in place of the emblem, and
    /// the banner image across the header: images of the commune's library
    /// (the workspace checks they are).
    pub logo: Option<Uuid>,
    pub banner: Option<Uuid>,
}

impl Default for Look {
    fn default() -> Self {
        Self {
            theme: THEMES[0].code.to_owned(),
            primary: None,
            primary_dark: None,
            font: FONTS[0].code.to_owned(),
            header_text: String::new(),
            footer_text: String::new(),
            logo: None,
            banner: None,
        }
    }
}

impl Look {
    /// The CSS font stack of the chosen font.
    pub fn font_stack(&self) -> &'static str {
        FONTS
            .iter()
            .find(|f| f.code == self.font)
            .map_or(FONTS[0].stack, |f| f.stack)
    }
}

/// "#0b5d4b" (any case, with or without the hash) as red, green and blue.
fn rgb(hex: &str) -> Option<[u8; 3]> {
    let digits = hex.strip_prefix('#').unwrap_or(hex);
    if digits.len() != 6 || !digits.chars().all(|c| c.is_ascii_hexdigit()) {
        return None;
    }
    let channel = |i: usize| u8::from_str_radix(&digits[i..i + 2], 16).ok();
    Some([channel(0)?, channel(2)?, channel(4)?])
}

/// WCAG 2.1's relative luminance of a colour.
fn luminance([r, g, b]: [u8; 3]) -> f64 {
    let linear = |c: u8| {
        let c = f64::from(c) / 255.0;
        if c <= 0.040_45 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b)
}

/// The contrast ratio of a colour with white, from 1 to 21.
pub fn contrast_with_white(hex: &str) -> Option<f64> {
    rgb(hex).map(|colour| 1.05 / (luminance(colour) + 0.05))
}

fn colour(given: Option<&str>, label: &str) -> Result<Option<String>, String> {
    let Some(raw) = given.map(str::trim).filter(|v| !v.is_empty()) else {
        return Ok(None);
    };
    let Some(contrast) = contrast_with_white(raw) else {
        return Err(format!(
            "{label} “{raw}” không phải mã màu; ghi dạng #1a5e20 (dấu # và sáu chữ số hệ mười sáu)."
        ));
    };
    if contrast < MIN_CONTRAST {
        return Err(format!(
            "{label} {raw} chỉ đạt độ tương phản {}:1 với nền trắng; cần ít nhất {}:1 để chữ dễ đọc (WCAG 2.1 AA). Hãy chọn màu đậm hơn.",
            decimal(contrast),
            decimal(MIN_CONTRAST)
        ));
    }
    let digits = raw.strip_prefix('#').unwrap_or(raw).to_ascii_lowercase();
    Ok(Some(format!("#{digits}")))
}

fn line(value: &str, label: &str, max: usize) -> Result<String, String> {
    let value = value.trim();
    if value.chars().count() > max {
        return Err(format!("{label} dài quá {max} ký tự."));
    }
    if value
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\r')
    {
        return Err(format!("{label} có ký tự không hợp lệ."));
    }
    Ok(value.to_owned())
}

/// Checks a look field by field; the message says what to change.
pub fn checked(given: &Look) -> Result<Look, String> {
    if !THEMES.iter().any(|t| t.code == given.theme) {
        return Err("Hãy chọn một trong các giao diện có sẵn.".to_owned());
    }
    if !FONTS.iter().any(|f| f.code == given.font) {
        return Err("Hãy chọn một trong các phông chữ có sẵn.".to_owned());
    }
    Ok(Look {
        theme: given.theme.clone(),
        primary: colour(given.primary.as_deref(), "Màu chính")?,
        primary_dark: colour(given.primary_dark.as_deref(), "Màu đậm")?,
        font: given.font.clone(),
        header_text: line(&given.header_text, "Dòng chữ ở đầu trang", 200)?,
        footer_text: line(&given.footer_text, "Dòng chữ ở chân trang", 1000)?,
        logo: given.logo,
        banner: given.banner,
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn contrast_is_wcags() {
        assert!((contrast_with_white("#000000").unwrap() - 21.0).abs() < 0.01);
        assert!((contrast_with_white("#ffffff").unwrap() - 1.0).abs() < 0.01);
        // #767676 is the lightest grey that reaches 4.5:1 on white.
        assert!(contrast_with_white("#767676").unwrap() >= 4.5);
        assert!(contrast_with_white("#777777").unwrap() < 4.5);
    }

    #[test]
    fn a_light_colour_or_anything_but_a_colour_is_refused() {
        let look = |primary: &str| Look {
            primary: Some(primary.to_owned()),
            ..Look::default()
        };
        let refused = checked(&look("#ffcc00")).unwrap_err();
        assert!(refused.contains("chỉ đạt độ tương phản 1,5:1"), "{refused}");
        for hostile in [
            "red",
            "#fff;}</style><script>alert(1)</script>",
            "#12345",
            "url(x)",
        ] {
            assert!(
                checked(&look(hostile))
                    .unwrap_err()
                    .contains("không phải mã màu")
            );
        }
        assert_eq!(
            checked(&look("0B5D4B")).unwrap().primary.as_deref(),
            Some("#0b5d4b")
        );
    }

    #[test]
    fn only_the_built_in_themes_and_fonts() {
        let look = Look {
            theme: "../../etc".to_owned(),
            ..Look::default()
        };
        assert!(checked(&look).is_err());
        let look = Look {
            font: "Comic Sans".to_owned(),
            ..Look::default()
        };
        assert!(checked(&look).is_err());
        assert_eq!(Look::default().font_stack(), FONTS[0].stack);
    }
}
