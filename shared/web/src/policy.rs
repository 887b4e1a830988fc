//! The Content-Security-Policy of the platform's pages, in one place: the
//! gateway sets the public one on every answer that has none, and the
//! private pages (the workspace, the console) send their own, which no
//! page may frame, so that a commune's own templates cannot put the
//! workspace in a frame and trick a board member into a click.

/// Public pages: only the platform's own scripts, styles inline.
pub const PUBLIC: &str = "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; \
     object-src 'none'; base-uri 'self'; frame-ancestors 'self'";

/// The workspace's and the console's pages: the same, never in a frame.
pub const PRIVATE: &str = "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; \
     object-src 'none'; base-uri 'self'; frame-ancestors 'none'";
