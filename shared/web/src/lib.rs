//! Web plumbing every service shares: the error type, request ids, health
//! routes, tenant context passed between services, and serving with graceful
//! shutdown.

pub mod body_limit;
pub mod chart;
pub mod error;
pub mod health;
pub mod internal;
pub mod notice;
pub mod policy;
pub mod public_query;
pub mod routes;
pub mod serve;
pub mod views;

pub use error::ApiError;
pub use internal::{InternalAuth, TenantContext};
pub use notice::notice_page;
pub use serve::{Shutdown, serve};
