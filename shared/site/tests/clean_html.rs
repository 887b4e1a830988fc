//! Properties of the article sanitiser, over generated hostile markup and
//! the platform's XSS corpus: what it writes, a browser would read as the
//! markup of an official article and nothing more, and cleaning it again
//! changes nothing.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::cell::RefCell;

use congxa_site::write::clean_html;
use lol_html::{RewriteStrSettings, element, rewrite_str};
use proptest::prelude::*;

const VECTORS: &str = include_str!("../../../tests/browser/xss-vectors.json");

/// Elements that run script, load other documents, restyle the page or
/// take input: none may come out.
const FORBIDDEN: &[&str] = &[
    "script",
    "style",
    "iframe",
    "frame",
    "frameset",
    "object",
    "embed",
    "applet",
    "base",
    "meta",
    "link",
    "form",
    "input",
    "button",
    "textarea",
    "select",
    "svg",
    "math",
    "template",
    "noscript",
    "xmp",
    "noembed",
    "noframes",
    "plaintext",
    "video",
    "audio",
    "source",
    "portal",
    "param",
];

/// Attributes whose value the browser follows as an address.
const URL_ATTRIBUTES: &[&str] = &[
    "href",
    "src",
    "action",
    "formaction",
    "xlink:href",
    "data",
    "background",
    "poster",
    "cite",
    "srcset",
    "ping",
    "lowsrc",
    "dynsrc",
];

/// An attribute's value as the browser reads it: the entities of the
/// serialised form decoded once.
fn decoded(raw: &str) -> String {
    let mut out = String::new();
    let mut rest = raw;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let end = rest.find(';').filter(|end| *end < 12);
        let entity = end.map(|end| &rest[1..end]);
        let character = match entity {
            Some("amp") => Some('&'),
            Some("quot") => Some('"'),
            Some("lt") => Some('<'),
            Some("gt") => Some('>'),
            Some("nbsp") => Some('\u{a0}'),
            Some(number) if number.starts_with("#x") || number.starts_with("#X") => {
                u32::from_str_radix(&number[2..], 16)
                    .ok()
                    .and_then(char::from_u32)
            }
            Some(number) if number.starts_with('#') => {
                number[1..].parse().ok().and_then(char::from_u32)
            }
            _ => None,
        };
        match (character, end) {
            (Some(character), Some(end)) => {
                out.push(character);
                rest = &rest[end + 1..];
            }
            _ => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// The scheme of an address as a browser finds it (control characters and
/// spaces dropped), if it has one.
fn scheme(address: &str) -> Option<String> {
    // As a browser reads it: ASCII spaces and controls dropped at the start,
    // tabs and line breaks anywhere; an unseen character before the scheme
    // (which a browser keeps) would hide it from a naive check.
    let squeezed: String = address
        .trim_start_matches(|c: char| c <= ' ' || congxa_site::write::is_unseen(c))
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .collect::<String>()
        .to_ascii_lowercase();
    let (scheme, _) = squeezed.split_once(':')?;
    let is_scheme = !scheme.is_empty()
        && scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c));
    is_scheme.then(|| scheme.to_owned())
}

/// Everything in cleaned markup that could run, load or restyle.
fn dangers(cleaned: &str) -> Vec<String> {
    let found = RefCell::new(Vec::new());
    let settings = RewriteStrSettings {
        element_content_handlers: vec![element!("*", |el| {
            let tag = el.tag_name();
            if FORBIDDEN.contains(&tag.as_str()) {
                found.borrow_mut().push(format!("<{tag}>"));
            }
            for attribute in el.attributes() {
                let name = attribute.name();
                let value = decoded(&attribute.value());
                if name.starts_with("on")
                    || ["style", "srcdoc", "formaction"].contains(&name.as_str())
                {
                    found.borrow_mut().push(format!("<{tag} {name}>"));
                }
                if URL_ATTRIBUTES.contains(&name.as_str())
                    && let Some(scheme) = scheme(&value)
                    && !["http", "https", "mailto", "tel"].contains(&scheme.as_str())
                {
                    found.borrow_mut().push(format!("<{tag} {name}={value:?}>"));
                }
                // Images come from the commune's own files only.
                if tag == "img" && name == "src" && !value.starts_with("/tep/") {
                    found.borrow_mut().push(format!("<img src={value:?}>"));
                }
            }
            Ok(())
        })],
        ..RewriteStrSettings::new()
    };
    rewrite_str(cleaned, settings).expect("cleaned markup tokenises");
    found.into_inner()
}

fn vectors() -> Vec<String> {
    serde_json::from_str(VECTORS).unwrap()
}

/// Pieces of hostile and of ordinary markup, to be put together.
const PIECES: &[&str] = &[
    "<script>alert(1)</script>",
    "<script",
    "</script>",
    "<style>",
    "</style>",
    "<p>",
    "</p>",
    "<b>",
    "</b>",
    "<a href=\"",
    "\">",
    "<a href=javascript:alert(1)>",
    "<img src=\"/tep/1/a.jpg\"",
    "<img src=x onerror=alert(1)>",
    "<img src=\"https://evil.example/x.png\" alt=\"x\">",
    "<img src=\"//evil.example/tep/x\">",
    "<img alt=\"",
    " src=\"/tep/2/b.png\"",
    ">",
    "<",
    "\"",
    "'",
    "=",
    " ",
    "onerror=",
    "onclick=\"",
    "javascript:",
    "java\tscript:",
    "&#106;avascript:",
    "&#x6A;",
    "vbscript:",
    "data:text/html,<script>alert(1)</script>",
    "<svg onload=alert(1)>",
    "<math><mi xlink:href=\"javascript:alert(1)\">",
    "<iframe srcdoc=\"<script>alert(1)</script>\">",
    "<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\">",
    "<template>",
    "</template>",
    "<!--",
    "-->",
    "<![CDATA[",
    "]]>",
    "<table>",
    "<td>",
    "<tr>",
    "</table>",
    "<form><button formaction=javascript:alert(1)>",
    "<base href=\"javascript:/\">",
    "<meta http-equiv=\"refresh\" content=\"0;url=javascript:alert(1)\">",
    "<div style=\"background:url(javascript:alert(1))\">",
    "<a href=\"/tep/",
    "<a href=\"mailto:a@b.vn\">",
    "<a href=\" &#14; javascript:alert(1)\">",
    "&lt;",
    "&gt;",
    "&amp;",
    "&quot;",
    "<xmp>",
    "<plaintext>",
    "<textarea>",
    "</textarea>",
    "<title>",
    "</title>",
    "<select><style>",
    "<figure>",
    "<figcaption>",
    "<th scope=\"col\" colspan=\"2\">",
    "Xã Quốc Tuấn",
    "{{ 7*7 }}",
    "{% raw %}",
    "\u{0}",
    "\u{feff}",
];

fn markup() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            6 => prop::sample::select(PIECES).prop_map(str::to_owned),
            2 => prop::sample::select(vectors()),
            2 => "[<>\"'=/ a-z&#;:!-]{0,12}",
            1 => any::<String>().prop_map(|s| s.chars().take(16).collect()),
        ],
        0..24,
    )
    .prop_map(|pieces| pieces.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2_000, ..ProptestConfig::default() })]

    #[test]
    fn cleaned_markup_is_harmless(html in markup()) {
        let cleaned = clean_html(&html);
        let found = dangers(&cleaned);
        prop_assert!(found.is_empty(), "{found:?} in {cleaned:?}");
    }

    #[test]
    fn cleaning_cleaned_markup_changes_nothing(html in markup()) {
        let cleaned = clean_html(&html);
        prop_assert_eq!(clean_html(&cleaned), cleaned);
    }
}

#[test]
fn every_vector_of_the_corpus_comes_out_harmless_alone_and_nested_in_the_next() {
    let vectors = vectors();
    assert!(vectors.len() >= 300, "{} vectors", vectors.len());
    for (at, vector) in vectors.iter().enumerate() {
        let next = &vectors[(at + 1) % vectors.len()];
        for html in [
            vector.clone(),
            format!("<p title=\"{vector}\">{next}</p>"),
            format!("{vector}{next}"),
        ] {
            let cleaned = clean_html(&html);
            let found = dangers(&cleaned);
            assert!(found.is_empty(), "{found:?} from {html:?}: {cleaned:?}");
            assert_eq!(clean_html(&cleaned), cleaned, "not stable: {html:?}");
        }
    }
}

#[test]
fn the_checks_see_what_a_browser_would_run() {
    // The checker itself: raw hostile markup is caught.
    for hostile in [
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        "<a href=\"&#106;avascript:alert(1)\">x</a>",
        "<a href=\" java\tscript:alert(1)\">x</a>",
        "<img src=\"https://evil.example/x.png\">",
        "<p style=\"color:red\">",
        "<a href=\"\u{feff}javascript:alert(1)\">x</a>",
        "<a href=\"\u{200b}javascript:alert(1)\">x</a>",
    ] {
        assert!(!dangers(hostile).is_empty(), "{hostile}");
    }
    assert!(dangers("<p><a href=\"https://chinhphu.vn/\" rel=\"noopener noreferrer\">x</a><img src=\"/tep/1/a.jpg\" alt=\"a\"></p>").is_empty());
}

#[test]
fn an_address_that_opens_with_an_unseen_character_is_dropped() {
    for hidden in [
        "\u{feff}", "\u{200b}", "\u{2060}", "\u{00ad}", "\u{2028}", "\u{a0}",
    ] {
        let cleaned = clean_html(&format!(
            "<p><a href=\"{hidden}javascript:alert(1)\">x</a><a href=\"{hidden}https://chinhphu.vn/\">y</a></p>"
        ));
        assert!(!cleaned.contains("href"), "{hidden:?}: {cleaned}");
        assert!(
            cleaned.contains(">x</a>") && cleaned.contains(">y</a>"),
            "{cleaned}"
        );
    }
}
