//! SOPs as data: the definition model, parsing from TOML with source positions, and
//! validation with precise, translated errors. Reads only the text it is given.

mod error;
pub mod model;
mod parse;
mod raw;
pub mod text;
mod validate;

pub use error::{SopError, SopErrorKind};
pub use model::*;
pub use parse::parse_definition;
pub use validate::SUPPORTED_FORMAT;

/// The SOP Pelihara ships: "Pemeliharaan Aplikasi/Website" of Dinkominfo Kabupaten Demak.
pub const SHIPPED_SOP: &str = include_str!("../../../sop/pemeliharaan-aplikasi-website.toml");
/// Where the shipped SOP lives in the repository, for messages about it.
pub const SHIPPED_SOP_PATH: &str = "sop/pemeliharaan-aplikasi-website.toml";
