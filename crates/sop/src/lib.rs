//! SOPs as data: the definition model, parsing from TOML with source positions, and
//! validation with precise, translated errors. Reads only the text it is given.

pub mod model;

pub use model::*;
