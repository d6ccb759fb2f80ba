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
