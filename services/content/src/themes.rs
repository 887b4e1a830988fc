//! Themes: minijinja templates parsed once at start-up and embedded in the
//! binary, rendered with autoescaping on.

use minijinja::Environment;
use serde::Serialize;

/// The built-in default theme, one template per page type.
const DEFAULT_THEME: [(&str, &str); 3] = [
    ("base.html", include_str!("../themes/default/base.html")),
    ("home.html", include_str!("../themes/default/home.html")),
    (
        "not_found.html",
        include_str!("../themes/default/not_found.html"),
    ),
];

/// The parsed templates, shared by every request.
pub struct Themes {
    env: Environment<'static>,
}

impl Themes {
    /// Parses every template; a broken built-in template stops start-up.
    pub fn load() -> anyhow::Result<Self> {
        let mut env = Environment::new();
        env.add_filter("vi_number", vi_number);
        for (name, source) in DEFAULT_THEME {
            env.add_template(name, source)?;
        }
        Ok(Self { env })
    }

    /// Renders a page template with its context.
    pub fn render(
        &self,
        template: &str,
        context: impl Serialize,
    ) -> Result<String, minijinja::Error> {
        self.env
            .get_template(template)?
            .render(minijinja::value::Serde(context))
    }
}

/// 60000 → "60.000": Vietnamese groups thousands with dots.
fn vi_number(value: u64) -> String {
    let digits = value.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousands_are_grouped_with_dots() {
        assert_eq!(vi_number(0), "0");
        assert_eq!(vi_number(999), "999");
        assert_eq!(vi_number(60_000), "60.000");
        assert_eq!(vi_number(1_234_567), "1.234.567");
    }
}
