//! Rebuilds this crate when a migration is added or changed: `migrate!`
//! embeds the folder at compile time, and cargo would not notice otherwise.

fn main() {
    println!("cargo:rerun-if-changed=../../migrations");
}
