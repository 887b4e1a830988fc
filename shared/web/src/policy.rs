//! The Content-Security-Policy of the platform's pages, in one place: the
//! gateway sets the public one on every answer that has none, and the
//! private pages (the workspace, the console) send their own, which no
//! page may frame, so that a commune's own templates cannot put the
//! workspace in a frame and trick a board member into a click.

/// Public pages: only the platform's own scripts, styles inline, forms
/// sent to the site itself (an injected form cannot post a visitor's
/// typing elsewhere).
pub const PUBLIC: &str = "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; \
     object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'self'";

/// The workspace's and the console's pages: the same, never in a frame.
pub const PRIVATE: &str = "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; \
     object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

/// The private policy for a page whose form hands over to another of the
/// platform's hosts (the console's page of a commune, whose support form
/// lands on the commune's own workspace): forms may go there too. `host`
/// is a domain name; anything else allows nothing more.
pub fn private_posting_to(host: &str) -> String {
    let safe = !host.is_empty()
        && host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-');
    if safe {
        PRIVATE.replace(
            "form-action 'self'",
            &format!("form-action 'self' {host}:*"),
        )
    } else {
        PRIVATE.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms_go_to_the_site_itself_and_a_named_host_only() {
        assert!(PUBLIC.contains("form-action 'self';"));
        let console = private_posting_to("quoctuan.localhost");
        assert!(console.contains("form-action 'self' quoctuan.localhost:*;"));
        assert_eq!(private_posting_to("x; script-src *"), PRIVATE);
    }
}
