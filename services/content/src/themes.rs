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
        env.add_filter("vi_number", congxa_locale::number::grouped);
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
