//! Visit figures in PostgreSQL. Redis counts live (the analytics service);
//! every minute the analytics service writes each changed day here whole,
//! and this is where the board's dashboard, the operators' view, the
//! province's feed and the yearly report read them.

pub mod dimension;
pub mod privacy;
pub mod province;
pub mod restore;
pub mod series;
pub mod write;
pub mod yearly;

pub use dimension::Dimension;
pub use privacy::shown;
