//! Vietnamese conventions in one place: Vietnam's time zone, dates and
//! numbers written the way Vietnamese readers expect.

pub mod number;
pub mod time;
