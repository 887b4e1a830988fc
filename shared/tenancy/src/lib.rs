//! Communes (tenants), their regions and domains: the names parsed once at
//! the boundary, and the operations operators perform on them.

pub mod audit;
pub mod domain;
pub mod error;
pub mod kind;
pub mod maintenance;
pub mod merge;
pub mod operators;
pub mod regions;
pub mod rows;
pub mod slug;
pub mod tenants;

pub use domain::DomainName;
pub use error::TenancyError;
pub use kind::TenantKind;
pub use slug::Slug;
