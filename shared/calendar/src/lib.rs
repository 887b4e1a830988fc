//! Vietnamese working days for deadlines: the lunar calendar, the public
//! holidays of the Labour Code 2019 and each year's announced changes.
//!
//! ```
//! use congxa_calendar::Calendar;
//! use time::macros::date;
//!
//! let calendar = Calendar::default();
//! // Issued on Friday 13/02/2026, just before Tết: due in 2 working days.
//! assert_eq!(
//!     calendar.add_working_days(date!(2026 - 02 - 13), 2),
//!     date!(2026 - 02 - 24)
//! );
//! assert_eq!(calendar.holiday(date!(2026 - 02 - 17)), Some("Tết Nguyên đán"));
//! ```

#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used))]

mod calendar;
mod error;
pub mod holidays;
pub mod lunar;
pub mod stored;

pub use calendar::{Calendar, Override};
pub use error::Error;
pub use lunar::LunarDate;
