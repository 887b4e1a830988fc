//! Administrative documents (văn bản hành chính) as DOCX files laid out as
//! Decree 30/2020/NĐ-CP prescribes: A4, Times New Roman, the two-column
//! header with the national title, the date line, "Nơi nhận" and the
//! signature block.

#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used))]

mod error;
pub mod layout;
mod model;
mod wording;
mod writer;

pub use error::Error;
pub use model::{Block, Document, Header, Signature};
pub use wording::{number_line, place_and_date, recipient_lines};
pub use writer::write;
