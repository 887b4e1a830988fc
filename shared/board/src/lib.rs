//! A commune's editorial board: who may do what (roles and the permission
//! matrix), their accounts and sessions, and the workflow that takes an item
//! from received to published with every step recorded.

pub mod accounts;
pub mod diff;
pub mod error;
pub mod items;
pub mod layout;
pub mod links;
pub mod password_reset;
pub mod records;
pub mod roles;
pub mod schedule;
pub mod second_factor;
pub mod settings;
pub mod support;
pub mod workflow;
pub mod yearly_report;

pub use error::BoardError;
pub use roles::{Need, Permission, Role};
pub use workflow::{Action, Status};
