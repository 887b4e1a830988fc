//! A commune's own versions of its theme's templates, run in a sandbox:
//! they see only the page's data (no file system, no network, no other
//! commune: the environment has no loader and no functions beyond the
//! theme's filters), a fuel limit bounds their work, and their output is
//! cut at a size. A version that does not parse, or a render that fails,
//! runs out of fuel or grows too large, is reported to the board and the
//! theme's own template serves instead: a broken or hostile override never
//! takes a page down.
//!
//! Each commune's environment (its theme's templates with its versions
//! over them) is built once per set of versions and kept; a page renders
//! with no template loading work after the first.

use std::io::Write;
use std::sync::Arc;

use minijinja::Environment;
use serde::Serialize;
use sqlx::PgConnection;
use uuid::Uuid;

/// Work a commune's template may do for one page. The built-in pages use
/// a few thousand units; a template that needs hundreds of times more is
/// looping on purpose or by mistake.
pub const FUEL: u64 = 500_000;
/// The largest page a commune's templates may write.
pub const MAX_OUTPUT: usize = 2 * 1024 * 1024;
/// The longest source of a version the workspace keeps (the table allows
/// 200,000 characters: bytes are the stricter bound).
pub const MAX_SOURCE: usize = 200_000;
/// Communes whose environments are kept at once.
const KEPT: u64 = 1_000;

/// A live version of one template.
#[derive(Debug, Clone)]
pub struct Live {
    pub id: i64,
    pub name: String,
    pub source: String,
}

/// The live versions of a theme's templates, for the commune the
/// transaction acts for.
pub async fn live(conn: &mut PgConnection, theme: &str) -> Result<Vec<Live>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"SELECT DISTINCT ON (name) id, name, source FROM template_overrides
           WHERE theme = $1 ORDER BY name, version DESC"#,
        theme
    )
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .filter_map(|r| {
            r.source.map(|source| Live {
                id: r.id,
                name: r.name,
                source,
            })
        })
        .collect())
}

/// Whether `source` may be kept as a commune's version of the template
/// `name` of `theme`: a template of that theme, not too long, and parsing
/// among the theme's templates. The workspace asks this when the head saves
/// a version, and the import of an archive asks it again of every version
/// the archive carries, since a file can say anything. What a version does
/// when it runs (loops, includes, output) is the sandbox's to bound, on every
/// page. The message says what is wrong.
pub fn check_version(
    themes: &crate::themes::Themes,
    theme: &str,
    name: &str,
    source: &str,
) -> Result<(), String> {
    if !congxa_site::look::THEMES.iter().any(|t| t.code == theme) {
        return Err(format!("Không có giao diện “{theme}”."));
    }
    if !themes.templates(theme).iter().any(|(n, _)| *n == name) {
        return Err(format!("Giao diện không có mẫu “{name}” để thay."));
    }
    if source.len() > MAX_SOURCE {
        return Err(format!("Mẫu dài quá {} KB.", MAX_SOURCE / 1000));
    }
    let candidate = Live {
        id: 0,
        name: name.to_owned(),
        source: source.to_owned(),
    };
    match Commune::build(themes.env(theme), vec![candidate])
        .broken
        .first()
    {
        Some((_, message)) => Err(message.clone()),
        None => Ok(()),
    }
}

/// A commune's templates: the theme's with its own over them.
pub struct Commune {
    env: Environment<'static>,
    /// Versions that did not parse: (version id, the parser's message).
    pub broken: Vec<(i64, String)>,
    /// Which version each overridden template is.
    versions: Vec<(String, i64)>,
    /// Versions whose fault was already reported from this environment.
    reported: std::sync::Mutex<std::collections::HashSet<i64>>,
    /// Templates that failed here: the theme's serve them from then on
    /// without trying again (a new version makes a new environment).
    faulted: std::sync::Mutex<std::collections::HashSet<String>>,
}

/// Why a commune's template could not render, and which template failed.
#[derive(Debug)]
pub struct Fault {
    pub message: String,
    pub template: Option<String>,
}

impl Commune {
    /// Builds a commune's environment from its theme's and its versions.
    pub fn build(theme: &Environment<'static>, live: Vec<Live>) -> Self {
        let mut env = theme.clone();
        env.set_fuel(Some(FUEL));
        let mut broken = Vec::new();
        let mut versions = Vec::new();
        for version in live {
            match env.add_template_owned(version.name.clone(), version.source) {
                Ok(()) => versions.push((version.name, version.id)),
                Err(error) => broken.push((version.id, describe(&error))),
            }
        }
        Self {
            env,
            broken,
            versions,
            reported: std::sync::Mutex::default(),
            faulted: std::sync::Mutex::default(),
        }
    }

    /// The version a fault is blamed on: the failing template's, else the
    /// page's own, else the newest (a layout or macros all pages use).
    pub fn blamed(&self, fault: &Fault, page: &str) -> Option<i64> {
        fault
            .template
            .as_deref()
            .and_then(|name| self.version_of(name))
            .or_else(|| self.version_of(page))
            .or_else(|| self.versions.iter().map(|(_, id)| *id).max())
    }

    /// Whether a page template failed here before.
    pub fn has_failed(&self, page: &str) -> bool {
        self.faulted
            .lock()
            .map(|faulted| faulted.contains(page))
            .unwrap_or(false)
    }

    fn mark_failed(&self, page: &str) {
        if let Ok(mut faulted) = self.faulted.lock() {
            faulted.insert(page.to_owned());
        }
    }

    /// Whether the version's fault is news: true once per environment.
    pub fn first_report(&self, id: i64) -> bool {
        self.reported
            .lock()
            .map(|mut reported| reported.insert(id))
            .unwrap_or(false)
    }

    /// The version serving a template, if the commune has one.
    pub fn version_of(&self, template: &str) -> Option<i64> {
        self.versions
            .iter()
            .find(|(name, _)| name == template)
            .map(|(_, id)| *id)
    }

    /// Renders within the fuel and the output limit; a page that fails is
    /// remembered as failed.
    pub fn render(&self, name: &str, context: impl Serialize) -> Result<String, Fault> {
        let rendered = self.try_render(name, context);
        if rendered.is_err() {
            self.mark_failed(name);
        }
        rendered
    }

    fn try_render(&self, name: &str, context: impl Serialize) -> Result<String, Fault> {
        let fault = |error: &minijinja::Error| Fault {
            message: describe(error),
            template: error.name().map(str::to_owned),
        };
        let template = self.env.get_template(name).map_err(|e| fault(&e))?;
        let mut out = Bounded {
            bytes: Vec::new(),
            limit: MAX_OUTPUT,
            overflowed: false,
        };
        let rendered = template
            .render_captured_to(minijinja::value::Serde(context), &mut out)
            .map(drop);
        if let Err(error) = rendered {
            return Err(if out.overflowed {
                Fault {
                    message: format!(
                        "Trang viết ra quá {} MB nên mẫu bị dừng.",
                        MAX_OUTPUT / 1024 / 1024
                    ),
                    template: Some(name.to_owned()),
                }
            } else {
                fault(&error)
            });
        }
        String::from_utf8(out.bytes).map_err(|e| Fault {
            message: e.to_string(),
            template: Some(name.to_owned()),
        })
    }
}

/// A template error as the board reads it: what and where.
pub fn describe(error: &minijinja::Error) -> String {
    let what = match error.kind() {
        minijinja::ErrorKind::OutOfFuel => {
            "Mẫu làm quá nhiều việc (có thể là vòng lặp quá lớn) nên bị dừng.".to_owned()
        }
        minijinja::ErrorKind::SyntaxError => {
            format!("Lỗi cú pháp: {}", error.detail().unwrap_or_default())
        }
        minijinja::ErrorKind::TemplateNotFound => format!(
            "Không có mẫu này ({}); mẫu chỉ dùng được các mẫu của giao diện.",
            error.detail().unwrap_or_default()
        ),
        _ => error.to_string(),
    };
    match (error.name(), error.line()) {
        (Some(name), Some(line)) => format!("{what} (mẫu {name}, dòng {line})"),
        _ => what,
    }
}

/// A writer that refuses to grow past its limit.
struct Bounded {
    bytes: Vec<u8>,
    limit: usize,
    overflowed: bool,
}

impl Write for Bounded {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.bytes.len() + buf.len() > self.limit {
            self.overflowed = true;
            return Err(std::io::Error::other("output limit"));
        }
        self.bytes.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The communes' environments, by commune, theme and which versions it has
/// (the newest id and their count): a new version, or another theme, makes
/// a new one.
#[derive(Clone)]
pub struct Cache {
    kept: moka::future::Cache<(Uuid, String, String), Arc<Commune>>,
}

impl Default for Cache {
    fn default() -> Self {
        Self {
            kept: moka::future::Cache::new(KEPT),
        }
    }
}

impl Cache {
    pub async fn get_or_build<F>(
        &self,
        key: (Uuid, String, String),
        build: F,
    ) -> Result<Arc<Commune>, sqlx::Error>
    where
        F: std::future::Future<Output = Result<Commune, sqlx::Error>>,
    {
        self.kept
            .try_get_with(key, async { build.await.map(Arc::new) })
            .await
            .map_err(|error| sqlx::Error::Protocol(error.to_string()))
    }
}

/// Reports a fault of a version for the board: kept on the version itself.
pub async fn report(conn: &mut PgConnection, id: i64, message: &str) -> Result<(), sqlx::Error> {
    let message: String = message.chars().take(2000).collect();
    sqlx::query!(
        "UPDATE template_overrides SET last_error = $2, last_error_at = now()
         WHERE id = $1 AND last_error IS DISTINCT FROM $2",
        id,
        message
    )
    .execute(conn)
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn commune(source: &str) -> Commune {
        let mut theme = Environment::new();
        theme
            .add_template("home.html", "Trang chủ {{ name }}")
            .unwrap();
        Commune::build(
            &theme,
            vec![Live {
                id: 7,
                name: "home.html".into(),
                source: source.into(),
            }],
        )
    }

    #[test]
    fn a_version_that_does_not_parse_is_set_aside_with_its_line() {
        let c = commune("{% if %}");
        assert_eq!(c.broken.len(), 1);
        assert!(c.broken[0].1.contains("Lỗi cú pháp"), "{}", c.broken[0].1);
        // The theme's own template serves.
        assert_eq!(
            c.render("home.html", serde_json::json!({"name": "A"}))
                .unwrap(),
            "Trang chủ A"
        );
        assert_eq!(c.version_of("home.html"), None);
    }

    #[test]
    fn endless_work_runs_out_of_fuel_and_huge_output_is_cut() {
        let c = commune(
            "{% for a in range(100000) %}{% for b in range(100000) %}x{% endfor %}{% endfor %}",
        );
        let error = c.render("home.html", ()).unwrap_err().message;
        assert!(error.contains("quá nhiều việc"), "{error}");
        let c = commune(&format!(
            "{{% for a in range(20000) %}}{}{{% endfor %}}",
            "x".repeat(200)
        ));
        let error = c.render("home.html", ()).unwrap_err().message;
        assert!(error.contains("quá 2 MB"), "{error}");
    }

    #[test]
    fn no_file_and_no_template_beyond_the_themes() {
        for source in [
            r#"{% include "/etc/passwd" %}"#,
            r#"{% extends "../../../etc/passwd" %}"#,
        ] {
            let error = commune(source).render("home.html", ()).unwrap_err().message;
            assert!(error.contains("Không có mẫu này"), "{error}");
        }
    }

    mod properties {
        use super::*;
        use proptest::prelude::*;

        /// Pieces of template source: the language's statements, loops
        /// that try to run long, outputs that try to grow large, includes
        /// of files and of the theme's own templates, recursion.
        const PIECES: &[&str] = &[
            "{{ name }}",
            "{{ items }}",
            "{{ items|length }}",
            "{% for i in range(100000) %}",
            "{% for i in items %}",
            "{% endfor %}",
            "{% if name %}",
            "{% else %}",
            "{% endif %}",
            "{{ 'x' * 100000000 }}",
            "{% set s = 'ab' * 500000 %}",
            "{{ s }}{{ s }}{{ s }}",
            "{{ [1, 2] * 100000000 }}",
            "{{ 10 ** 100000 }}",
            "{{ 2 ** 64 * 2 ** 64 }}",
            "{{ range(100000)|list|sort|join(',') }}",
            "{{ items|tojson }}",
            "{{ debug() }}",
            "{% include 'home.html' %}",
            "{% include 'base.html' %}",
            "{% include '/etc/passwd' %}",
            "{% include '../../../../etc/hostname' %}",
            "{% extends 'base.html' %}",
            "{% extends 'not_found.html' %}",
            "{% import 'macros.html' as m %}",
            "{% from '/proc/self/environ' import x %}",
            "{% macro r(n) %}{{ r(n + 1) }}{% endmacro %}{{ r(0) }}",
            "{% block content %}",
            "{% endblock %}",
            "{% raw %}",
            "{% endraw %}",
            "{% autoescape false %}",
            "{% endautoescape %}",
            "{{ '<script>alert(1)</script>' }}",
            "{% with a = name %}{{ a }}{% endwith %}",
            "{% filter upper %}",
            "{% endfilter %}",
            "{{ name|ngay }}",
            "{{ 1|vi_number }}",
            "{{ 5|so_cong_khai }}",
            "{{ name.__class__ }}",
            "{{ self }}",
            "{{ loop.cycle }}",
            "{% set ns = namespace(a=1) %}",
            "{{ ns.a }}",
            "{% call r(1) %}{% endcall %}",
            "{#",
            "#}",
            "{{",
            "}}",
            "{%",
            "%}",
            "<p>",
            "Xã",
            "{{ name ~ name ~ name }}",
            "{{ (name * 1000000) }}",
            "{{ items[99999] }}",
            "{{ name[::-1] }}",
            "{% for a in range(1000) %}{% for b in range(1000) %}",
            "{% endfor %}{% endfor %}",
        ];

        fn source() -> impl Strategy<Value = String> {
            prop::collection::vec(
                prop_oneof![
                    5 => prop::sample::select(PIECES).prop_map(str::to_owned),
                    1 => "[{}%#a-z ()|'\"0-9.,*~=-]{0,16}",
                ],
                0..12,
            )
            .prop_map(|pieces| pieces.concat())
        }

        fn theme() -> Environment<'static> {
            let themes = crate::themes::Themes::load().unwrap();
            themes.env("default").clone()
        }

        fn context() -> serde_json::Value {
            serde_json::json!({
                "name": "Xã Quốc Tuấn <b>",
                "items": ["a", "b", {"title": "c"}],
            })
        }

        proptest! {
            #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

            #[test]
            fn any_template_is_refused_or_renders_within_the_limits(source in source()) {
                let theme = theme();
                let commune = Commune::build(
                    &theme,
                    vec![Live { id: 7, name: "home.html".into(), source: source.clone() }],
                );
                let started = std::time::Instant::now();
                match commune.render("home.html", context()) {
                    Ok(page) => prop_assert!(page.len() <= MAX_OUTPUT),
                    Err(fault) => prop_assert!(!fault.message.is_empty()),
                }
                // The fuel is the bound: nothing runs on past it.
                prop_assert!(started.elapsed() < std::time::Duration::from_secs(20), "{:?}", started.elapsed());
                // A version that parsed serves; one that did not is set aside.
                prop_assert_eq!(commune.broken.is_empty(), commune.version_of("home.html").is_some());
            }

            #[test]
            fn no_name_reaches_beyond_the_themes_templates(name in "(\\.\\./|/|[a-z_.-]{1,12}/?){1,5}") {
                let theme = theme();
                let commune = Commune::build(&theme, Vec::new());
                let known = theme.get_template(&name).is_ok();
                prop_assert_eq!(commune.env.get_template(&name).is_ok(), known);
                if !known {
                    for source in [
                        format!("{{% include {name:?} %}}"),
                        format!("{{% extends {name:?} %}}"),
                        format!("{{% import {name:?} as x %}}"),
                    ] {
                        let commune = Commune::build(
                            &theme,
                            vec![Live { id: 1, name: "home.html".into(), source }],
                        );
                        prop_assert!(commune.render("home.html", context()).is_err());
                    }
                }
            }
        }

        #[test]
        fn a_template_that_includes_itself_or_recurses_stops_with_a_fault() {
            let theme = theme();
            for source in [
                "{% include 'home.html' %}",
                "{% macro r(n) %}{{ r(n + 1) }}{% endmacro %}{{ r(0) }}",
                "{% extends 'home.html' %}",
            ] {
                let commune = Commune::build(
                    &theme,
                    vec![Live {
                        id: 3,
                        name: "home.html".into(),
                        source: source.into(),
                    }],
                );
                let fault = commune.render("home.html", context()).unwrap_err();
                assert!(!fault.message.is_empty(), "{source}");
            }
        }
    }
}
