//! Themes: minijinja templates parsed once at start-up and embedded in the
//! binary, rendered with autoescaping on, with the filters that write dates
//! and numbers the Vietnamese way.

use congxa_locale::time as vn_time;
use minijinja::Environment;
use serde::Serialize;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

macro_rules! theme {
    ($dir:literal: $($name:literal),* $(,)?) => {
        [$(($name, include_str!(concat!("../themes/", $dir, "/", $name)))),*]
    };
}

/// The built-in default theme, one template per page type.
const DEFAULT_THEME: [(&str, &str); 23] = theme!("default":
    "base.html", "chrome.html", "print.html", "macros.html", "home.html", "not_found.html",
    "section.html", "article.html", "documents.html", "document.html",
    "procedures.html", "procedure.html", "schedule.html", "projects.html", "project.html",
    "consultations.html", "consultation.html", "questions.html", "question.html",
    "ask.html", "tracking.html", "contacts.html", "search.html",
);
const DEFAULT_THEME_MORE: [(&str, &str); 1] = theme!("default": "sitemap.html");

/// The "sen" theme: its own layout and home page; every other page type is
/// the default theme's, inside sen's layout.
const SEN_THEME: [(&str, &str); 2] = theme!("sen": "base.html", "home.html");

/// The parsed templates of every built-in theme, shared by every request.
pub struct Themes {
    /// By theme code (congxa_site::look::THEMES); the first is the default.
    envs: Vec<(&'static str, Environment<'static>)>,
}

/// One theme's templates: the default theme's, then the theme's own, which
/// replace those of the same name.
fn environment<'a>(
    own: impl IntoIterator<Item = (&'static str, &'static str)>,
) -> anyhow::Result<Environment<'a>> {
    let mut env = Environment::new();
    env.add_filter("vi_number", congxa_locale::number::grouped);
    // A public figure: "< 10" from 1 to 9 (README, "Visits").
    env.add_filter("so_cong_khai", congxa_stats::shown);
    env.add_filter("ngay", day);
    env.add_filter("ngay_gio", day_and_time);
    env.add_filter("thu_ngay", weekday_and_day);
    for (name, source) in DEFAULT_THEME
        .into_iter()
        .chain(DEFAULT_THEME_MORE)
        .chain(own)
    {
        env.add_template(name, source)?;
    }
    Ok(env)
}

impl Themes {
    /// Parses every template of every theme; a broken built-in template
    /// stops start-up.
    pub fn load() -> anyhow::Result<Self> {
        Ok(Self {
            envs: vec![
                ("default", environment([])?),
                ("sen", environment(SEN_THEME)?),
            ],
        })
    }

    /// A theme's templates; an unknown theme is the default one (`load`
    /// always makes it, first).
    pub fn env(&self, theme: &str) -> &Environment<'static> {
        let (_, env) = self
            .envs
            .iter()
            .find(|(code, _)| *code == theme)
            .unwrap_or(&self.envs[0]);
        env
    }

    /// Renders a page template of a theme with its context.
    pub fn render(
        &self,
        theme: &str,
        template: &str,
        context: impl Serialize,
    ) -> Result<String, minijinja::Error> {
        self.env(theme)
            .get_template(template)?
            .render(minijinja::value::Serde(context))
    }

    /// A theme's templates with their sources: what a commune may replace
    /// with a version of its own.
    pub fn templates(&self, theme: &str) -> Vec<(&'static str, String)> {
        let env = self.env(theme);
        DEFAULT_THEME
            .into_iter()
            .chain(DEFAULT_THEME_MORE)
            .filter_map(|(name, _)| {
                env.get_template(name)
                    .ok()
                    .map(|t| (name, t.source().to_owned()))
            })
            .collect()
    }
}

/// A moment (RFC 3339) or a day ("2026-11-26") as data carries it.
enum When {
    Moment(OffsetDateTime),
    Day(time::Date),
}

fn when(value: &str) -> Result<When, minijinja::Error> {
    if let Ok(at) = OffsetDateTime::parse(value, &Rfc3339) {
        return Ok(When::Moment(at.to_offset(vn_time::VIETNAM)));
    }
    vn_time::parse_day(value).map(When::Day).ok_or_else(|| {
        minijinja::Error::new(
            minijinja::ErrorKind::InvalidOperation,
            format!("{value:?} is not a date"),
        )
    })
}

/// "26/11/2026".
fn day(value: &str) -> Result<String, minijinja::Error> {
    Ok(match when(value)? {
        When::Moment(at) => vn_time::short_date(at),
        When::Day(day) => vn_time::day_date(day),
    })
}

/// "26/11/2026 07:30" (a day alone stays a day).
fn day_and_time(value: &str) -> Result<String, minijinja::Error> {
    Ok(match when(value)? {
        When::Moment(at) => vn_time::date_and_time(at),
        When::Day(day) => vn_time::day_date(day),
    })
}

/// "Thứ Năm, 26/11/2026".
fn weekday_and_day(value: &str) -> Result<String, minijinja::Error> {
    Ok(match when(value)? {
        When::Moment(at) => vn_time::weekday_date(at.date()),
        When::Day(day) => vn_time::weekday_date(day),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_built_in_theme_is_loaded_and_known_to_the_workspace() {
        let themes = Themes::load().unwrap();
        let codes: Vec<&str> = themes.envs.iter().map(|(code, _)| *code).collect();
        let offered: Vec<&str> = congxa_site::look::THEMES.iter().map(|t| t.code).collect();
        assert_eq!(codes, offered);
    }

    #[test]
    fn dates_are_written_in_vietnam_whatever_their_offset() {
        assert_eq!(day("2026-11-25T18:30:00Z").unwrap(), "26/11/2026");
        assert_eq!(
            day_and_time("2026-11-26T00:30:00Z").unwrap(),
            "26/11/2026 07:30"
        );
        assert_eq!(
            weekday_and_day("2026-11-26").unwrap(),
            "Thứ Năm, 26/11/2026"
        );
        assert!(day("hôm qua").is_err());
    }
}
