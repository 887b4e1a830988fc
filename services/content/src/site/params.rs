//! Query strings of public pages, read leniently: a malformed escape or
//! invalid UTF-8 becomes replacement characters instead of an error page in
//! English, and overlong values are cut, so filters never fail a page.

/// Longest value kept of any query parameter, in characters.
const MAX_VALUE_CHARS: usize = 200;
/// Most fields read of a form body.
const MAX_FORM_FIELDS: usize = 300;

#[derive(Debug, Default)]
pub struct Params(Vec<(String, String)>);

impl Params {
    pub fn parse(raw: Option<&str>) -> Self {
        let raw = raw.unwrap_or_default();
        Self(
            form_urlencoded::parse(raw.as_bytes())
                .take(50)
                // A NUL byte is no filter's, and the database refuses it in
                // text: it goes with the other control characters.
                .map(|(k, v)| {
                    let value = v
                        .chars()
                        .take(MAX_VALUE_CHARS)
                        .map(|c| if c.is_control() { ' ' } else { c })
                        .collect();
                    (k.into_owned(), value)
                })
                .collect(),
        )
    }

    /// A form body as sent. Values are kept whole: the form's own checks say
    /// what is too long, in Vietnamese. The count of fields is bounded well
    /// above the longest form (a week's schedule: 14 lines of 6 fields).
    pub fn parse_body(body: &[u8]) -> Self {
        Self(
            form_urlencoded::parse(body)
                .take(MAX_FORM_FIELDS)
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect(),
        )
    }

    /// The first value of `name` as sent, empty when absent.
    pub fn raw(&self, name: &str) -> &str {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map_or("", |(_, v)| v.as_str())
    }

    /// The first value of `name`, trimmed; None when absent or blank.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.trim())
            .filter(|v| !v.is_empty())
    }

    pub fn has(&self, name: &str) -> bool {
        self.0.iter().any(|(k, _)| k == name)
    }

    /// Every field as sent, in order.
    /// The span of days a statistics page asks for (`tu-ngay`,
    /// `den-ngay`): the last 30 days by default, never past today, at most
    /// three years; a reversed one is put right rather than refused.
    pub fn day_span(&self) -> (time::Date, time::Date) {
        use congxa_locale::time as vn_time;
        const RECENT_DAYS: i64 = 30;
        const MAX_DAYS: i64 = 366 * 3;
        let today = vn_time::now().date();
        let last = self
            .get("den-ngay")
            .and_then(vn_time::parse_day)
            .unwrap_or(today)
            .min(today);
        let first = self
            .get("tu-ngay")
            .and_then(vn_time::parse_day)
            .unwrap_or(last - time::Duration::days(RECENT_DAYS - 1));
        (
            first
                .min(last)
                .max(last - time::Duration::days(MAX_DAYS - 1)),
            last,
        )
    }

    pub fn pairs(&self) -> impl Iterator<Item = (String, String)> + '_ {
        self.0.iter().cloned()
    }
}

/// `path?k=v&…` of the filters that are set, for paging links and canonical
/// addresses.
pub fn with_query(path: &str, pairs: &[(&str, Option<&str>)]) -> String {
    let mut query = form_urlencoded::Serializer::new(String::new());
    let mut any = false;
    for (name, value) in pairs {
        if let Some(value) = value {
            query.append_pair(name, value);
            any = true;
        }
    }
    if any {
        format!("{path}?{}", query.finish())
    } else {
        path.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invalid_utf8_and_broken_escapes_do_not_fail() {
        let params = Params::parse(Some("q=%FF%FEabc&loai=%E1%BA&x=%zz"));
        assert!(params.get("q").unwrap().ends_with("abc"));
        assert!(params.get("loai").is_some());
        assert_eq!(params.get("x"), Some("%zz"));
    }

    #[test]
    fn long_values_are_cut_and_blank_ones_absent() {
        let long = format!("q={}&r=%20%20", "a".repeat(5000));
        let params = Params::parse(Some(&long));
        assert_eq!(params.get("q").unwrap().len(), MAX_VALUE_CHARS);
        assert_eq!(params.get("r"), None);
        assert!(params.has("r"));
    }

    #[test]
    fn queries_are_rebuilt_from_the_set_filters_only() {
        assert_eq!(
            with_query("/van-ban", &[("q", Some("đường")), ("loai", None)]),
            "/van-ban?q=%C4%91%C6%B0%E1%BB%9Dng"
        );
        assert_eq!(with_query("/van-ban", &[("q", None)]), "/van-ban");
    }
}
