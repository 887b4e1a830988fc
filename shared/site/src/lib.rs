//! A commune site's content model, shared by the services that show it and
//! the commands that provision and seed it.

pub mod home_blocks;
pub mod links;
pub mod look;
pub mod menu;
pub mod sections;
pub mod slug;
pub mod write;

pub use sections::SectionKind;
pub use slug::slugify;
